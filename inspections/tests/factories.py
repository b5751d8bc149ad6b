"""Records at exact moments for the inspections tests, written straight to the tables."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count

from django.utils import timezone

from cases.models import Alert, AlertStatus, Case, CaseKind, Rule, Step
from inspections import services
from inspections.models import Finding, FindingCategory, Source
from intake.models import Category, Disposition, Incident
from intake.tests.factories import TZ, at

__all__ = ["TZ", "at", "make_alert", "make_case", "make_finding", "make_incident", "make_step", "png", "pdf"]

_numbers = count(1)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def png(name: str = "photo.png", content: bytes = PNG):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="image/png")


def pdf(name: str = "report.pdf", content: bytes = PDF):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_incident(officer, *, received_at: datetime, **fields) -> Incident:
    values = {
        "bureau_id": officer.bureau_id,
        "unit_id": officer.unit_id,
        "number": f"XC-{next(_numbers):06d}",
        "channel": "walk_in",
        "received_at": received_at,
        "category": Category.CRIMINAL,
        "summary": "报警人称其电动车被盗。",
        "reporter_name": "张伟",
        "location": "人民路",
        "receiving_officer": officer,
        "created_by": officer,
    }
    values.update(fields)
    return Incident.objects.create(**values)


def make_case(officer, *, opened_at: datetime, decided_by=None, **fields) -> Case:
    incident = make_incident(
        officer,
        received_at=opened_at,
        disposition=Disposition.FILED,
        decided_at=opened_at,
        decided_by=decided_by or officer,
    )
    values = {
        "bureau_id": officer.bureau_id,
        "unit_id": officer.unit_id,
        "incident": incident,
        "number": incident.number,
        "kind": CaseKind.CRIMINAL,
        "title": "电动车被盗案",
        "lead_officer": officer,
        "opened_at": opened_at,
    }
    values.update(fields)
    return Case.objects.create(**values)


def make_step(case: Case, kind: str, *, created_at: datetime, reviewed_at=None, reviewed_by=None, **fields) -> Step:
    values = {
        "bureau_id": case.bureau_id,
        "unit_id": case.unit_id,
        "case": case,
        "kind": kind,
        "started_at": created_at,
        "created_at": created_at,
        "created_by": case.lead_officer,
        "reviewed_at": reviewed_at,
        "reviewed_by": reviewed_by,
    }
    values.update(fields)
    return Step.objects.create(**values)


def _rule(code: str) -> Rule:
    """The control rule of the cases app's data migration (put back if a browser test flushed it)."""
    from cases.rules import DEFAULT_RULES

    spec = next(s for s in DEFAULT_RULES if s["code"] == code)
    return Rule.objects.get_or_create(code=code, defaults=spec)[0]


def make_alert(case: Case, *, rule: str = "CAS-08", opened_at: datetime | None = None, **fields) -> Alert:
    opened_at = opened_at or timezone.now() - timedelta(hours=2)
    values = {
        "bureau_id": case.bureau_id,
        "unit_id": case.unit_id,
        "rule": _rule(rule),
        "incident": case.incident,
        "case": case,
        "officer": case.lead_officer,
        "severity": 2,
        "text": "讯问仅一名民警在场",
        "opened_at": opened_at,
        "status": AlertStatus.OPEN,
    }
    values.update(fields)
    return Alert.objects.create(**values)


def make_finding(inspector, *, unit, category: str = "documents", due_in_days: int = 10, **fields) -> Finding:
    """A finding of an inspection, through the service (with its order)."""
    data = {
        "by": inspector,
        "unit": unit,
        "category": FindingCategory.objects.get(code=category),
        "source": Source.CASE_FILE,
        "description": "案卷中询问笔录未签名。",
        "occurred_at": timezone.now() - timedelta(days=1),
        "due_at": timezone.now() + timedelta(days=due_in_days),
    }
    data.update(fields)
    return services.finding_record(**data)
