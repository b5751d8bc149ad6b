"""The state of existing rows when a table starts being audited.

A table given audit triggers after its rows were written has no event for them, so the first
change recorded would show no "before". The migration that adds the triggers writes one
'baseline' event per existing row (the row as it stood), and every later change is shown
against it. Used by RunPython in those migrations, with the migration's historical models.
"""

from __future__ import annotations

LABEL = "baseline"


def baseline(app_label: str, model_name: str):
    def forwards(apps, schema_editor) -> None:
        model = apps.get_model(app_label, model_name)
        event = apps.get_model(app_label, f"{model_name}Event")
        tracked = {f.column for f in event._meta.concrete_fields}
        columns = [f.column for f in model._meta.concrete_fields if f.column in tracked]
        quote = schema_editor.quote_name
        names = ", ".join(quote(c) for c in columns)
        # One INSERT … SELECT; now() is the transaction's start, as the triggers write it, so a
        # change later in the same transaction still sorts after the baseline (by id on a tie).
        # S608: the names are the models' own tables and columns, quoted; the label is a parameter.
        schema_editor.execute(
            f"INSERT INTO {quote(event._meta.db_table)} ({names}, pgh_created_at, pgh_label, pgh_obj_id) "  # noqa: S608
            f"SELECT {names}, now(), %s, {quote(model._meta.pk.column)} FROM {quote(model._meta.db_table)}",
            [LABEL],
        )

    return forwards
