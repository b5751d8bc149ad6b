"""Incidents, cases and steps at exact moments, written straight to the tables (no on-save
check), so each rule test decides when and as of what moment the rules are evaluated."""

from __future__ import annotations

from datetime import datetime
from itertools import count

from cases.models import Case, CaseKind, Step
from intake.models import Category, Disposition, Incident
from intake.tests.factories import TZ, at

__all__ = ["TZ", "at", "make_case", "make_incident", "make_step"]

_numbers = count(1)


def make_incident(officer, *, received_at: datetime, category=Category.CRIMINAL, **fields) -> Incident:
    number = next(_numbers)
    values = {
        "bureau_id": officer.bureau_id,
        "unit_id": officer.unit_id,
        "number": f"T-{number:06d}",
        "channel": "walk_in",
        "received_at": received_at,
        "category": category,
        "summary": "报警人称其电动车被盗。",
        "reporter_name": "张伟",
        "reporter_phone": "13812345678",
        "location": "人民路",
        "receiving_officer": officer,
        "created_by": officer,
    }
    values.update(fields)
    return Incident.objects.create(**values)


def make_case(officer, *, opened_at: datetime, kind=CaseKind.CRIMINAL, **fields) -> Case:
    disposition = Disposition.FILED if kind == CaseKind.CRIMINAL else Disposition.ACCEPTED
    category = Category.CRIMINAL if kind == CaseKind.CRIMINAL else Category.ADMINISTRATIVE
    incident = make_incident(
        officer,
        received_at=opened_at,
        category=category,
        disposition=disposition,
        decided_at=opened_at,
        decided_by=officer,
    )
    values = {
        "bureau_id": officer.bureau_id,
        "unit_id": officer.unit_id,
        "incident": incident,
        "number": incident.number,
        "kind": kind,
        "title": "电动车被盗案",
        "lead_officer": officer,
        "opened_at": opened_at,
    }
    values.update(fields)
    return Case.objects.create(**values)


def make_step(case: Case, kind: str, *, started_at: datetime, by=None, reviewed: bool = True, **fields) -> Step:
    by = by or case.lead_officer
    values = {
        "bureau_id": case.bureau_id,
        "unit_id": case.unit_id,
        "case": case,
        "kind": kind,
        "started_at": started_at,
        "created_at": started_at,
        "created_by": by,
    }
    if reviewed:
        values.update(reviewed_at=started_at, reviewed_by=by)
    values.update(fields)
    return Step.objects.create(**values)
