"""The registry's starting set (reports/seed.py): shared reference data, as the rules are."""

from django.db import migrations


def seed(apps, schema_editor):
    from reports.seed import seed_metrics

    seed_metrics(apps.get_model("reports", "Metric"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
