"""Every write of the intake register: atomic, guarded, audited by the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import (
    DISPOSITION_TRANSITIONS,
    DISPOSITIONS_NEEDING_REASON,
    ExtensionKind,
    ExtensionRequest,
    Incident,
    IncidentContent,
    IncidentVersion,
    RequestStatus,
    Source,
)
from intake.permissions import can_approve, can_decide, can_log
from intake.signals import incidents_changed
from org.errors import Conflict
from org.models import Unit, User
from org.scope import sees_unit
from org.versioning import check_version

CONTENT_FIELDS = IncidentContent.CONTENT_FIELDS


def check_content(data: dict[str, Any], *, user: User) -> None:
    """The rules across fields of a report; field-level validators have already run.

    Raises ValidationError with a message per field, shown beside that field."""
    errors: dict[str, str] = {}
    if data.get("is_anonymous"):
        for field in ("reporter_name", "reporter_id_number", "reporter_phone"):
            if data.get(field):
                errors[field] = _("An anonymous report keeps no name, ID number or phone of the reporter.")
    elif not (data.get("reporter_name") or "").strip():
        errors["reporter_name"] = _("Enter the reporter's name, or mark the report as anonymous.")
    officer = data.get("receiving_officer")
    if officer is not None and officer.bureau_id != user.bureau_id:
        errors["receiving_officer"] = _("The receiving officer must belong to this bureau.")
    if errors:
        raise ValidationError(errors)


def _changed(incident: Incident, *, created: bool = False) -> None:
    incidents_changed.send(
        sender=Incident,
        incident_ids=[incident.pk],
        bureau_id=incident.bureau_id,
        decided=incident.is_decided,
        created=created,
    )


def _next_number(*, unit: Unit, day: date) -> str:
    """Unit code + date + sequence, with no gaps: the counter row is locked by this
    transaction until it commits, and a rollback gives the number back."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO intake_incidentcounter (bureau_id, unit_id, day, last) VALUES (%s, %s, %s, 1)
            ON CONFLICT (unit_id, day) DO UPDATE SET last = intake_incidentcounter.last + 1
            RETURNING last
            """,
            [unit.bureau_id, unit.pk, day],
        )
        seq = cursor.fetchone()[0]
    return f"{unit.code}-{day:%Y%m%d}-{seq:04d}"


def _version_from(incident: Incident, *, number: int, by: User | None, reason: str) -> IncidentVersion:
    return IncidentVersion(
        bureau_id=incident.bureau_id,
        incident=incident,
        version=number,
        reason=reason,
        created_by=by,
        **{f: getattr(incident, f) for f in CONTENT_FIELDS},
    )


@transaction.atomic
def incident_log(*, by: User, unit: Unit, data: dict[str, Any], source: str = Source.DESK) -> Incident:
    """Log a new report. `data` holds the content fields, already validated by a form or serializer."""
    if not can_log(by):
        raise PermissionDenied(_("Your role does not log incident reports."))
    if not sees_unit(by, unit.pk, unit.bureau_id):
        raise ValidationError({"unit": _("You can only log reports for your own unit.")})
    check_content(data, user=by)
    content = {f: data.get(f) for f in CONTENT_FIELDS}
    content["is_anonymous"] = bool(content["is_anonymous"])
    for text_field in ("reporter_name", "reporter_id_number", "reporter_phone", "location"):
        content[text_field] = (content[text_field] or "").strip()
    content["reporter_id_number"] = content["reporter_id_number"].upper()
    if content["receiving_officer"] is None:
        content["receiving_officer"] = by
    day = timezone.localtime(content["received_at"]).date()
    incident = Incident.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        number=_next_number(unit=unit, day=day),
        source=source,
        created_by=by,
        **content,
    )
    _version_from(incident, number=1, by=by, reason="").save()
    _changed(incident, created=True)
    return incident


@transaction.atomic
def incident_correct(
    *, incident: Incident, by: User, changes: dict[str, Any], reason: str, expected_version: int | None = None
) -> Incident:
    """Correct a report: a new version with who, when and why; earlier versions stay as they were."""
    if not can_decide(by, incident):
        raise PermissionDenied(_("Only the unit that holds the report may correct it."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the record is corrected.")})
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    check_version(
        locked.version,
        expected_version,
        message=_("Someone corrected this report meanwhile (now version %(version)s). Reload it and correct again."),
    )
    merged = {f: getattr(locked, f) for f in CONTENT_FIELDS}
    merged.update({k: v for k, v in changes.items() if k in CONTENT_FIELDS})
    check_content(merged, user=by)
    if all(merged[f] == getattr(locked, f) for f in CONTENT_FIELDS):
        raise ValidationError(_("Nothing was changed."))
    for field, value in merged.items():
        setattr(locked, field, value)
    locked.version += 1
    locked.save(update_fields=[*CONTENT_FIELDS, "version", "reporter_id_hash"])
    _version_from(locked, number=locked.version, by=by, reason=reason.strip()).save()
    _changed(locked)
    return locked


@transaction.atomic
def incident_decide(*, incident: Incident, by: User, disposition: str, reason: str = "") -> Incident:
    """Record the disposition (受案 / 立案 / 不予立案 …). A report is decided once."""
    if not can_decide(by, incident):
        raise PermissionDenied(_("Only the unit that holds the report may decide it."))
    allowed = DISPOSITION_TRANSITIONS.get(incident.disposition, ())
    if disposition not in allowed:
        raise ValidationError({"disposition": _("This report has already been decided.")})
    if disposition in DISPOSITIONS_NEEDING_REASON and not reason.strip():
        raise ValidationError({"reason": _("This decision needs a reason.")})
    now = timezone.now()
    # Guarded transition: exactly one row, and only if nobody decided it meanwhile.
    updated = Incident.objects.filter(pk=incident.pk, disposition=incident.disposition).update(
        disposition=disposition, disposition_reason=reason.strip(), decided_at=now, decided_by=by
    )
    if updated != 1:
        raise Conflict(_("Someone decided this report meanwhile. Reload it to see the decision."))
    incident.refresh_from_db()  # decided now: the listeners open its case
    _changed(incident)
    return incident


@transaction.atomic
def extension_request(*, incident: Incident, by: User, kind: str, reason: str) -> ExtensionRequest:
    """Ask the unit leader to extend the review period of a complex matter."""
    if not can_decide(by, incident):
        raise PermissionDenied(_("Only the unit that holds the report may ask for more time."))
    if incident.is_decided:
        raise ValidationError(_("The report is already decided; no extension is needed."))
    if kind not in ExtensionKind.values:
        raise ValidationError({"kind": _("Choose a kind of extension.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the matter is complex.")})
    if incident.extension_requests.filter(status=RequestStatus.PENDING).exists():
        raise ValidationError(_("A request for this report is already waiting for approval."))
    return ExtensionRequest.objects.create(
        bureau_id=incident.bureau_id,
        unit_id=incident.unit_id,
        incident=incident,
        kind=kind,
        reason=reason,
        requested_by=by,
    )


@transaction.atomic
def extension_decide(*, request: ExtensionRequest, by: User, approve: bool, note: str = "") -> ExtensionRequest:
    """The unit leader approves or rejects; approval marks the report complex."""
    if not can_approve(by, request.incident):
        raise PermissionDenied(_("Only the leader of the unit approves extensions."))
    if not approve and not note.strip():
        raise ValidationError({"decision_note": _("Say why the request is rejected.")})
    status = RequestStatus.APPROVED if approve else RequestStatus.REJECTED
    updated = ExtensionRequest.objects.filter(pk=request.pk, status=RequestStatus.PENDING).update(
        status=status, decided_by=by, decided_at=timezone.now(), decision_note=note.strip()
    )
    if updated != 1:
        raise Conflict(_("This request has already been decided."))
    if approve:
        Incident.objects.filter(pk=request.incident_id).update(is_complex=True)
        _changed(request.incident)
    request.refresh_from_db()
    return request
