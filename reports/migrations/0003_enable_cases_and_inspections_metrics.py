"""The cases and inspections apps have landed: the metrics that waited for them get their
definitions and are enabled (their "not yet landed" note cleared), the reversal rate keeps an
honest note (no app records reconsideration or litigation), and the two alert series of the
dashboard join the registry. A row an administrator has edited keeps the edit: a note is only
cleared while it is still the seeded one, a definition only written where there is none."""

from django.db import migrations

WAITING_NOTES = (
    "数据来源：案件模块（cases），尚未上线，暂不计入达标统计",
    "数据来源：执法巡查模块（inspections），尚未上线，暂不计入达标统计",
)
NOW_AVAILABLE = ("JC02", "JC07", "JC08", "JC09", "JC10", "JC11", "JC13", "JC14")
NO_SOURCE = "JC12"
NEW_CODES = ("XX05", "XX06")


def enable(apps, schema_editor):
    from reports.seed import DESCRIPTIONS, REVERSAL_NOTE, seed_metrics

    Metric = apps.get_model("reports", "Metric")
    Metric.objects.filter(code__in=NOW_AVAILABLE).update(is_enabled=True)
    Metric.objects.filter(code__in=NOW_AVAILABLE, note__in=WAITING_NOTES).update(note="")
    Metric.objects.filter(code=NO_SOURCE, note__in=WAITING_NOTES).update(note=REVERSAL_NOTE)
    for code, text in DESCRIPTIONS.items():
        Metric.objects.filter(code=code, description="").update(description=text)
    seed_metrics(Metric)  # adds XX05 and XX06; existing codes are left as they are


def disable(apps, schema_editor):
    Metric = apps.get_model("reports", "Metric")
    Metric.objects.filter(code__in=NEW_CODES).delete()
    for code in NOW_AVAILABLE:
        note = WAITING_NOTES[1] if code in ("JC13", "JC14") else WAITING_NOTES[0]
        Metric.objects.filter(code=code).update(is_enabled=False, note=note)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_seed_metrics")]

    operations = [migrations.RunPython(enable, disable)]
