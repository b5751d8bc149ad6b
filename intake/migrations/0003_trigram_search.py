"""Free-text search over summary and reporter name (ILIKE '%…%') uses trigram indexes where
the server has pg_trgm (PostgreSQL's contrib). The embedded server for a developer's machine
lacks it; the search still works there, by scanning the rows the other filters leave."""

from django.db import migrations

INDEXES = [
    ("incident_summary_trgm", "summary"),
    ("incident_reporter_trgm", "reporter_name"),
]


def create(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, column in INDEXES:
            cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON intake_incident USING gin ({column} gin_trgm_ops)")


def drop(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for name, _column in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("intake", "0002_initial")]
    operations = [migrations.RunPython(create, drop)]
