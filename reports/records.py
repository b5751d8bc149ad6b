"""The columns a drill-down shows for each kind of record, labelled by the models' own
(translated) field names, and the rows as display values."""

from __future__ import annotations

from decimal import Decimal

from django.apps import apps
from django.db.models import DateTimeField, QuerySet
from django.utils import timezone

COLUMNS: dict[str, tuple[str, ...]] = {
    "intake.Incident": (
        "id",
        "number",
        "received_at",
        "unit__name",
        "category",
        "disposition",
        "decided_at",
        "colour",
        "receiving_officer__name",
    ),
    "training.Attempt": ("officer__name", "unit__name", "test__title", "test__held_on", "status", "score", "passed"),
    "training.Candidate": ("officer__name", "unit__name", "test__title", "test__held_on"),
    "training.Attendance": ("officer__name", "unit__name", "session__topic", "session__held_on", "status"),
    "training.Qualification": ("officer__name", "officer__unit__name", "kind", "obtained_on", "certificate_number"),
    "cases.Alert": ("id", "case__number", "unit__name", "rule__name", "text", "opened_at", "status", "reviewed_at"),
    "cases.Case": ("id", "number", "unit__name", "title", "opened_at", "status", "closed_at", "lead_officer__name"),
    "inspections.Finding": ("id", "unit__name", "category__name", "source", "description", "found_at"),
    "inspections.RectificationOrder": (
        "finding",
        "unit__name",
        "finding__category__name",
        "due_at",
        "status",
        "closed_at",
    ),
    "inspections.AccountabilityDecision": (
        "case",
        "case__unit__name",
        "officer__name",
        "liability",
        "outcome",
        "case__decided_at",
    ),
}

# The page a drill-down row opens: the first column is that page's record id.
DETAIL_URLS: dict[str, str] = {
    "intake.Incident": "intake:detail",
    "cases.Alert": "cases:alert",
    "cases.Case": "cases:detail",
    "inspections.Finding": "inspections:detail",
    "inspections.RectificationOrder": "inspections:detail",
    "inspections.AccountabilityDecision": "inspections:accountability_detail",
}


def _field(model, path: str):
    target = model
    parts = path.split("__")
    for name in parts[:-1]:
        target = target._meta.get_field(name).related_model
    return target._meta.get_field(parts[-1])


def columns_for(model_label: str) -> list[tuple[str, object]]:
    model = apps.get_model(model_label)
    out = []
    for path in COLUMNS[model_label]:
        field = _field(model, path)
        label = field.verbose_name
        if path.endswith("__name") and "__" in path:
            owner = _field(model, path.rsplit("__", 1)[0])
            label = owner.verbose_name
        out.append((path, label))
    return out


def record_rows(model_label: str, records: QuerySet, columns) -> list[list]:
    model = apps.get_model(model_label)
    paths = [p for p, _label in columns]
    fields = {p: _field(model, p) for p in paths}
    rows = []
    for values in records.values_list(*paths):
        row = []
        for path, value in zip(paths, values, strict=True):
            field = fields[path]
            if field.choices and value is not None:
                value = str(dict(field.flatchoices).get(value, value))
            elif isinstance(field, DateTimeField) and value is not None:
                value = timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
            elif isinstance(value, bool):
                value = "是" if value else "否"
            elif value is not None and not isinstance(value, int | float | str | Decimal):  # numbers stay numbers
                value = str(value)
            row.append("" if value is None else value)
        rows.append(row)
    return rows
