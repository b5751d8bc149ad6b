"""The starting list of finding categories (editable by administrators) and the points rates."""

from django.db import migrations

from inspections.reference import seed


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
