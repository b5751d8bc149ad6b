"""Every write of the cases app: atomic, guarded, audited by the database; each save
re-evaluates the saved record's rules at once (cases.compliance.evaluate_records)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cases.compliance import evaluate_records
from cases.models import ALERT_TRANSITIONS, Alert, AlertStatus, Case, CaseKind, CaseStatus, Step, StepKind
from cases.periods import WORKING_DAYS, WorkCalendar, due_at
from cases.permissions import can_enter_steps, can_review_alerts, can_review_steps
from intake.models import Disposition, Incident
from org.errors import Conflict
from org.models import Role, User
from org.notifications import Kind, notify
from org.versioning import lock_at_version

# Steps that end a case, and the status they leave it in.
ENDING_STEPS = {
    StepKind.WITHDRAWAL: CaseStatus.WITHDRAWN,
    StepKind.TRANSFER: CaseStatus.TRANSFERRED,
    StepKind.CLOSURE: CaseStatus.CLOSED,
}
# Fields a unit may fill in later on a step already entered (a detention's delivery, a summons' end …).
LATER_FIELDS = (
    "ended_at",
    "delivered_at",
    "family_notified_at",
    "notice_exemption",
    "custody_at",
    "disposed_at",
    "disposed_by",
    "answer",
    "note",
)
STEP_STALE = gettext_lazy(
    "Someone else changed this step meanwhile (now version %(version)s). Reload the case and enter it again."
)
STEP_REVIEW_STALE = gettext_lazy(
    "This step was changed after you opened it (now version %(version)s). Reload the case and review it again."
)
# Longest terms the law allows (CPL art. 79, 91).
MAX_PERIOD = {StepKind.DETENTION: 30, StepKind.BAIL: 12, StepKind.SURVEILLANCE: 6}


def _recheck(case: Case) -> None:
    evaluate_records(bureau_id=case.bureau_id, case_ids=[case.pk])


# The offence a report's summary suggests, until the unit corrects it.
OFFENCE_FROM_SUMMARY = """CASE WHEN strpos(i.summary, '抢') > 0 THEN 'robbery'
    WHEN strpos(i.summary, '盗') > 0 THEN 'theft'
    WHEN strpos(i.summary, '骗') > 0 OR strpos(i.summary, '诈') > 0 THEN 'fraud'
    WHEN strpos(i.summary, '毒') > 0 THEN 'drugs'
    WHEN strpos(i.summary, '赌') > 0 THEN 'gambling'
    WHEN strpos(i.summary, '殴打') > 0 OR strpos(i.summary, '伤') > 0 THEN 'assault'
    WHEN strpos(i.summary, '滋事') > 0 OR strpos(i.summary, '扰民') > 0 THEN 'public_order'
    ELSE 'other' END"""


def cases_open_for(
    *, bureau_id: int, incident_ids: list[int] | None = None, import_started_at: datetime | None = None
) -> list[int]:
    """Open the case of every accepted (受案) or filed (立案) report among the given ones that has
    none yet, set-based (a bulk import opens thousands at once); returns the new case ids."""
    from django.db import connection

    if incident_ids is None and import_started_at is None:
        raise ValueError("Say which reports: incident_ids or import_started_at.")
    where = "i.id = ANY(%(ids)s)" if incident_ids is not None else "i.created_at = %(import_started_at)s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO cases_case (bureau_id, unit_id, incident_id, number, kind, offence, title, lead_officer_id,
                                    opened_at, status, extension_approved, created_at, colour, colour_reasons)
            SELECT i.bureau_id, i.unit_id, i.id, i.number,
                   CASE i.disposition WHEN 'filed' THEN 'criminal' ELSE 'administrative' END,
                   {OFFENCE_FROM_SUMMARY}, left(i.summary, 200), COALESCE(i.receiving_officer_id, i.decided_by_id),
                   i.decided_at, 'open', false, now(), 'green', '[]'::jsonb
            FROM intake_incident i
            WHERE i.bureau_id = %(bureau_id)s AND {where} AND i.disposition IN ('accepted', 'filed')
              AND COALESCE(i.receiving_officer_id, i.decided_by_id) IS NOT NULL
            ON CONFLICT (incident_id) DO NOTHING
            RETURNING id
            """,  # noqa: S608
            {"bureau_id": bureau_id, "ids": incident_ids or [], "import_started_at": import_started_at},
        )
        return [row[0] for row in cursor.fetchall()]


@transaction.atomic
def case_open(
    *, incident: Incident, by: User, lead_officer: User | None = None, offence: str = "", title: str = ""
) -> Case:
    """Open the case of one accepted or filed report (deciding it opens it already; this is for the
    few decided before the cases app existed, and for a lead officer or offence other than the default)."""
    if incident.disposition not in (Disposition.ACCEPTED, Disposition.FILED):
        raise ValidationError(_("Only an accepted or filed report opens a case."))
    if not can_enter_steps(by, incident.unit_id, incident.bureau_id):
        raise PermissionDenied(_("Only the unit that holds the report may open its case."))
    if lead_officer is not None and lead_officer.bureau_id != incident.bureau_id:
        raise ValidationError({"lead_officer": _("The lead officer must belong to the bureau.")})
    cases_open_for(bureau_id=incident.bureau_id, incident_ids=[incident.pk])
    case = Case.objects.get(incident=incident)
    changes = {k: v for k, v in {"lead_officer": lead_officer, "offence": offence, "title": title}.items() if v}
    if changes:
        for name, value in changes.items():
            setattr(case, name, value)
        case.save(update_fields=list(changes))
    _recheck(case)
    return case


def _check_step(case: Case, kind: str, data: dict[str, Any]) -> None:
    if kind not in StepKind.values:
        raise ValidationError({"kind": _("Choose a kind of step.")})
    if kind in (StepKind.DETENTION, StepKind.ARREST_REQUEST) and case.kind != CaseKind.CRIMINAL:
        raise ValidationError({"kind": _("Detention and arrest requests belong to criminal cases.")})
    period = data.get("approved_period")
    if period is not None and kind in MAX_PERIOD and not 1 <= period <= MAX_PERIOD[kind]:
        raise ValidationError({"approved_period": _("The approved period is longer than the law allows.")})
    officers = data.get("officers") or []
    if officers and User.objects.filter(pk__in=officers, bureau_id=case.bureau_id).count() != len(set(officers)):
        raise ValidationError({"officers": _("Every officer present must belong to the bureau.")})
    now = timezone.now()
    for name in ("started_at", "ended_at", "delivered_at", "family_notified_at", "custody_at", "disposed_at"):
        value = data.get(name)
        if value is not None and value > now + timezone.timedelta(minutes=5):
            raise ValidationError({name: _("This time is in the future.")})


@transaction.atomic
def step_add(*, case: Case, by: User, kind: str, data: dict[str, Any]) -> Step:
    """Record a step of a case's timeline; an ending step (撤案 / 移送起诉 / 结案) ends the case."""
    if not can_enter_steps(by, case.unit_id, case.bureau_id):
        raise PermissionDenied(_("Only the unit that handles the case records its steps."))
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("The case has ended; no more steps can be recorded."))
    data = {k: v for k, v in data.items() if v is not None and v != ""}
    _check_step(locked, kind, data)
    if data.get("started_at") is None:
        raise ValidationError({"started_at": _("Say when the step took place.")})
    if "officers" in data:
        data["officers"] = sorted({int(pk) for pk in data["officers"]})
    step = Step.objects.create(
        bureau_id=locked.bureau_id,
        unit_id=locked.unit_id,
        case=locked,
        kind=kind,
        created_by=by,
        created_at=timezone.now(),
        **data,
    )
    if kind in ENDING_STEPS:
        updated = Case.objects.filter(pk=locked.pk, status=CaseStatus.OPEN).update(
            status=ENDING_STEPS[kind], closed_at=step.started_at
        )
        if updated != 1:
            raise Conflict(_("The case ended meanwhile. Reload it."))
    _recheck(locked)
    return step


@transaction.atomic
def step_update(*, step: Step, by: User, data: dict[str, Any], expected_version: int | None = None) -> Step:
    """Fill in what happened later (a summons' end, the delivery to the detention house …).
    `expected_version` is the version of the step the user saw: a newer one is refused."""
    if not can_enter_steps(by, step.unit_id, step.bureau_id):
        raise PermissionDenied(_("Only the unit that handles the case records its steps."))
    changes = {k: v for k, v in data.items() if k in LATER_FIELDS}
    if not changes:
        raise ValidationError(_("Nothing was changed."))
    step = lock_at_version(Step, pk=step.pk, expected=expected_version, message=STEP_STALE)
    _check_step(step.case, step.kind, changes)
    for name, value in changes.items():
        if isinstance(value, datetime) and value < step.started_at:
            raise ValidationError({name: _("This time is before the step itself.")})
        setattr(step, name, value)
    step.version += 1
    step.save(update_fields=[*changes, "version"])
    _recheck(step.case)
    return step


@transaction.atomic
def step_review(*, step: Step, by: User, approve_withdrawal: bool = False, expected_version: int | None = None) -> Step:
    """The unit leader's review of a step (and, for a withdrawal, the approval it needs), of
    the version the leader saw: a step changed since is refused, to be looked at again."""
    if not can_review_steps(by, step.unit_id, step.bureau_id):
        raise PermissionDenied(_("Only the unit's leader reviews its steps."))
    lock_at_version(Step, pk=step.pk, expected=expected_version, message=STEP_REVIEW_STALE)
    now = timezone.now()
    fields: dict[str, Any] = {"reviewed_at": now, "reviewed_by": by}
    if approve_withdrawal and step.kind == StepKind.WITHDRAWAL:
        fields.update(approved_at=now, approved_by=by)
    updated = Step.objects.filter(pk=step.pk, reviewed_at__isnull=True).update(**fields)
    if updated != 1:
        raise Conflict(_("This step has already been reviewed."))
    step.refresh_from_db()
    _recheck(step.case)
    return step


# --- Alerts: review and escalation ---


def _transition(alert: Alert, *, by: User, status: str, note: str) -> Alert:
    if status not in ALERT_TRANSITIONS.get(alert.status, ()):
        raise Conflict(_("This alert has already been reviewed or resolved."))
    updated = Alert.objects.filter(pk=alert.pk, status=alert.status).update(
        status=status, reviewed_by=by, reviewed_at=timezone.now(), review_note=note
    )
    if updated != 1:
        raise Conflict(_("Someone reviewed this alert meanwhile. Reload the queue."))
    alert.refresh_from_db()
    return alert


@transaction.atomic
def alert_confirm(*, alert: Alert, by: User, note: str = "") -> Alert:
    """The reviewer agrees the rule was broken; the inspections app turns it into a finding."""
    if not can_review_alerts(by, alert):
        raise PermissionDenied(_("Only legal officers and supervisors review alerts."))
    alert = _transition(alert, by=by, status=AlertStatus.CONFIRMED, note=note.strip())
    from cases.signals import alert_confirmed

    alert_confirmed.send(sender=Alert, alert_id=alert.pk, bureau_id=alert.bureau_id)
    if alert.officer_id:
        notify(
            recipients=[alert.officer_id],
            kind=Kind.DECISION,
            title=_("An alert on %(record)s was confirmed: %(text)s")
            % {"record": alert.incident.number, "text": alert.text},
            url=reverse("cases:alert", args=[alert.pk]),
            bureau=alert.bureau_id,
        )
    return alert


@transaction.atomic
def alert_dismiss(*, alert: Alert, by: User, reason: str) -> Alert:
    """The reviewer finds the alert unfounded; a reason is required."""
    if not can_review_alerts(by, alert):
        raise PermissionDenied(_("Only legal officers and supervisors review alerts."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the alert is dismissed.")})
    return _transition(alert, by=by, status=AlertStatus.DISMISSED, note=reason.strip())


def alerts_bulk_review(*, alerts: Iterable[Alert], by: User, confirm: bool, note: str) -> int:
    """Confirm or dismiss several alerts with one note; each is its own guarded transition."""
    done = 0
    with transaction.atomic():
        for alert in alerts:
            if confirm:
                alert_confirm(alert=alert, by=by, note=note)
            else:
                alert_dismiss(alert=alert, by=by, reason=note)
            done += 1
    return done


ESCALATE_AFTER_WORKING_DAYS = 2


def escalation_deadline(opened_at: datetime, calendar: WorkCalendar | None = None) -> datetime:
    return due_at(opened_at, ESCALATE_AFTER_WORKING_DAYS, WORKING_DAYS, calendar=calendar or WorkCalendar.load())


@transaction.atomic
def alerts_escalate(*, now: datetime | None = None) -> int:
    """Alerts unreviewed for 2 working days go to the bureau's legal supervisors (set-based:
    the deadline is cases_due in SQL); each supervisor gets one notification per round."""
    from django.db import connection

    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH escalated AS (
                UPDATE cases_alert a SET escalated_at = %(now)s
                WHERE a.status = 'open' AND a.escalated_at IS NULL
                  AND cases_due(a.opened_at, %(n)s, 'working_days', false) <= %(now)s
                RETURNING a.bureau_id
            )
            SELECT bureau_id, count(*) FROM escalated GROUP BY bureau_id
            """,
            {"now": now, "n": ESCALATE_AFTER_WORKING_DAYS},
        )
        counts = cursor.fetchall()
    url = reverse("cases:queue") + "?escalated=1"
    total = 0
    for bureau_id, count in counts:
        supervisors = User.objects.filter(bureau_id=bureau_id, role=Role.SUPERVISOR, is_active=True)
        title = ngettext(
            "%(count)d alert has waited more than 2 working days for review.",
            "%(count)d alerts have waited more than 2 working days for review.",
            count,
        ) % {"count": count}
        notify(recipients=supervisors, kind=Kind.ESCALATION, title=title, url=url, bureau=bureau_id)
        total += count
    return total


def reference_data_ensure() -> None:
    """The control rules and the working-day calendar that migration 0002 loads, put back where
    they are missing (a database flushed by a transactional test, a hand-made database). Rules
    and days that exist, edited or not, are left alone."""
    from cases.holidays import calendar_fill
    from cases.models import CalendarDay, Rule
    from cases.rules import DEFAULT_RULES

    if Rule.objects.count() < len(DEFAULT_RULES):
        for spec in DEFAULT_RULES:
            Rule.objects.get_or_create(code=spec["code"], defaults=spec)
    if not CalendarDay.objects.exists():
        calendar_fill(CalendarDay)
