"""The due-time functions in SQL (the twin of cases.periods.due_at), the working-day calendar
2020–2026 as published by the State Council (weekends only for 2027–2030 until announced),
and the starting set of control rules (DESIGN §3)."""

from django.db import migrations

from cases.periods import SQL_DROP, SQL_FUNCTIONS


def seed_calendar(apps, schema_editor):
    from cases.holidays import calendar_fill

    calendar_fill(apps.get_model("cases", "CalendarDay"))


def seed_rules(apps, schema_editor):
    from cases.rules import DEFAULT_RULES

    Rule = apps.get_model("cases", "Rule")
    for spec in DEFAULT_RULES:
        Rule.objects.get_or_create(code=spec["code"], defaults=spec)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        # The functions (and the trigger that compiles the calendar into them) first, then the days.
        migrations.RunSQL(SQL_FUNCTIONS, SQL_DROP),
        migrations.RunPython(seed_calendar, migrations.RunPython.noop),
        migrations.RunPython(seed_rules, migrations.RunPython.noop),
    ]
