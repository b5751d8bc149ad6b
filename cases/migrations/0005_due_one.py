"""cases_due_one, the due-time function of the on-save check, and the calendar compiler that
redefines it whenever the calendar changes (cases.periods)."""

from django.db import migrations

from cases.periods import SQL_DUE_ONE, SQL_DUE_ONE_DROP, SQL_FUNCTIONS


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_version_columns")]

    operations = [
        migrations.RunSQL(SQL_DUE_ONE, SQL_DUE_ONE_DROP),
        # The functions again (now with the compiler that redefines cases_due_one), then compiled.
        migrations.RunSQL(SQL_FUNCTIONS + "SELECT cases_calendar_compile();", migrations.RunSQL.noop),
    ]
