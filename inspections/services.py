"""Every write of the inspections app: atomic, guarded, audited by the database.

The rectification loop is ORDER_TRANSITIONS (models.py); each move is one guarded
`filter(pk=…, status=old).update(…)` that must touch exactly one row, plus its OrderEvent."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext_lazy

from cases.models import Case, Severity
from inspections import attachments
from inspections.models import (
    ACCOUNTABILITY_TRANSITIONS,
    AWAITING_UNIT,
    OPEN_STATUSES,
    ORDER_TRANSITIONS,
    OVERDUE,
    AccountabilityCase,
    AccountabilityDecision,
    AccountabilityStatus,
    Attachment,
    CommitteePeriod,
    DutyShift,
    Finding,
    FindingCategory,
    InterferenceRecord,
    Liability,
    Notice,
    OrderAnswer,
    OrderEvent,
    OrderStatus,
    Outcome,
    PointsEntry,
    PointsKind,
    RectificationOrder,
    Source,
)
from inspections.periods import Period
from inspections.permissions import can_answer, can_check, can_inspect_unit, can_supervise
from intake.models import Incident
from org.errors import Conflict
from org.models import Role, Unit, User
from org.notifications import Kind, notify
from org.scope import sees_unit

# Days a unit has to fix a finding, by severity, when the order comes from a confirmed alert.
ORDER_DAYS = {Severity.HIGH: 7, Severity.MEDIUM: 15, Severity.LOW: 30}

# What each move is called in messages ("An order that is answered cannot be closed."): in the
# context "order action" each is translated as the verb, which is how Chinese says it
# ("……的整改通知不能答复").
ACTIONS = {
    OrderStatus.ANSWERED: pgettext_lazy("order action", "answered"),
    OrderStatus.RETURNED: pgettext_lazy("order action", "returned"),
    OrderStatus.VERIFIED: pgettext_lazy("order action", "verified"),
    OrderStatus.CLOSED: pgettext_lazy("order action", "closed"),
}


def _move(order: RectificationOrder, *, to: str, by: User | None, note: str = "", **fields: Any) -> RectificationOrder:
    """One step of the loop: allowed by the table, guarded against a concurrent move, recorded."""
    if to not in ORDER_TRANSITIONS.get(order.status, ()):
        if to == OrderStatus.CLOSED and order.status in AWAITING_UNIT:
            raise ValidationError(_("This order has no answer from the unit yet: it cannot be closed."))
        if to == OrderStatus.CLOSED and order.status == OrderStatus.ANSWERED:
            raise ValidationError(_("Verify the unit's answer before closing the order."))
        raise ValidationError(
            _("An order that is %(status)s cannot be %(action)s.")
            % {"status": order.get_status_display(), "action": ACTIONS.get(to, to)}
        )
    now = fields.pop("at", None) or timezone.now()
    updated = RectificationOrder.objects.filter(pk=order.pk, status=order.status).update(status=to, **fields)
    if updated != 1:
        raise Conflict(_("Someone changed this order meanwhile. Reload it."))
    OrderEvent.objects.create(
        bureau_id=order.bureau_id, order=order, from_status=order.status, to_status=to, by=by, at=now, note=note
    )
    order.refresh_from_db()
    return order


def _check_deadline(due_at: datetime | None, *, field: str = "due_at") -> None:
    if due_at is None:
        raise ValidationError({field: _("Give the deadline of the rectification.")})
    if due_at <= timezone.now():
        raise ValidationError({field: _("The deadline must be in the future.")})


def _campaign_for(bureau_id: int, category_id: int, at: datetime) -> CommitteePeriod | None:
    """The committee's running special campaign on this category, if any."""
    return (
        CommitteePeriod.objects.filter(bureau_id=bureau_id, chronic_category_id=category_id, decided_at__lte=at)
        .filter(Q(campaign_ends__isnull=True) | Q(campaign_ends__gte=timezone.localdate(at)))
        .order_by("-decided_at")
        .first()
    )


# --- Findings ---


@transaction.atomic
def finding_record(
    *,
    by: User,
    unit: Unit,
    category: FindingCategory,
    source: str,
    description: str,
    occurred_at: datetime,
    due_at: datetime,
    severity: int = Severity.MEDIUM,
    requirement: str = "",
    officers: Iterable[User | int] = (),
    cross_inspection: bool = False,
    incident: Incident | None = None,
    case: Case | None = None,
    files: Iterable = (),
) -> Finding:
    """A supervisor's own inspection (巡查) finds a problem: the finding and its order to the unit."""
    if source == Source.ALERT:
        raise ValidationError({"source": _("Findings from alerts are made when the alert is confirmed.")})
    if source not in Source.values:
        raise ValidationError({"source": _("Choose where the problem was found.")})
    if not can_inspect_unit(by, unit.pk, unit.bureau_id, cross=cross_inspection):
        raise PermissionDenied(_("You may not inspect this unit."))
    if not category.is_active:
        raise ValidationError({"category": _("This category is no longer in use.")})
    if not description.strip():
        raise ValidationError({"description": _("Describe the problem found.")})
    now = timezone.now()
    if occurred_at > now + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("This time is in the future.")})
    _check_deadline(due_at)
    officer_ids = sorted({getattr(o, "pk", o) for o in officers})
    if officer_ids and User.objects.filter(pk__in=officer_ids, bureau_id=unit.bureau_id).count() != len(officer_ids):
        raise ValidationError({"officers": _("Every officer involved must belong to the bureau.")})
    for record, name in ((incident, "incident"), (case, "case")):
        if record is not None and (record.bureau_id != unit.bureau_id or record.unit_id != unit.pk):
            raise ValidationError({name: _("The record must belong to the unit inspected.")})
    checked = attachments.check_all(files)  # before anything is written
    campaign = _campaign_for(unit.bureau_id, category.pk, now)
    finding = Finding.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        category=category,
        severity=severity,
        source=source,
        incident=incident,
        case=case,
        description=description.strip(),
        occurred_at=occurred_at,
        found_at=now,
        inspector=by,
        officers=officer_ids,
        cross_inspection=cross_inspection,
        campaign=campaign,
    )
    order = RectificationOrder.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        finding=finding,
        requirement=requirement.strip(),
        due_at=due_at,
        issued_at=now,
        issued_by=by,
    )
    OrderEvent.objects.create(
        bureau_id=unit.bureau_id, order=order, from_status="", to_status=OrderStatus.ISSUED, by=by, at=now
    )
    _attach(checked, finding=finding, by=by)
    _notify_unit(order, title=_("Rectification order: %(category)s") % {"category": category.name})
    return finding


def _attach(checked: list[attachments.CheckedFile], *, finding: Finding, by: User, answer=None) -> None:
    """Write the checked files and their rows. Files are not transactional: if anything here
    fails the files written so far are removed before the error goes up (and the rows roll back)."""
    written: list[str] = []
    try:
        for item in checked:
            path = attachments.write(item, bureau_id=finding.bureau_id)
            written.append(path)
            Attachment.objects.create(
                bureau_id=finding.bureau_id,
                finding=finding,
                answer=answer,
                path=path,
                name=item.name,
                content_type=item.content_type,
                size=len(item.content),
                sha256=item.sha256,
                uploaded_by=by,
                uploaded_at=timezone.now(),
            )
    except Exception:
        for path in written:
            attachments.remove(path)
        raise


def _notify_unit(order: RectificationOrder, *, title: str) -> None:
    leaders = User.objects.filter(unit_id=order.unit_id, role=Role.UNIT_LEADER, is_active=True)
    notify(
        recipients=leaders,
        kind=Kind.DECISION,
        title=title,
        url=reverse("inspections:detail", args=[order.finding_id]),
        bureau=order.bureau_id,
    )


FINDINGS_FROM_ALERTS_SQL = """
WITH new_findings AS (
    INSERT INTO inspections_finding (
        bureau_id, unit_id, category_id, severity, source, alert_id, incident_id, case_id, description,
        occurred_at, found_at, inspector_id, officers, cross_inspection, campaign_id,
        excluded_from_scoring, exclusion_reason, created_at)
    SELECT a.bureau_id, a.unit_id, cat.id, a.severity, 'alert', a.id, a.incident_id, a.case_id,
           -- The alert's sentence names its rule already ("单人取证（…）", "…：已超过期限…").
           r.code || ' ' || CASE WHEN starts_with(a.text, r.name) THEN a.text ELSE r.name || '：' || a.text END
               || CASE WHEN a.review_note <> '' THEN E'\n' || a.review_note ELSE '' END,
           COALESCE(a.due_at, a.opened_at), a.reviewed_at, a.reviewed_by_id,
           CASE WHEN a.officer_id IS NULL THEN '{}'::bigint[] ELSE ARRAY[a.officer_id] END,
           false, camp.id, false, '', %(now)s
    FROM cases_alert a
    JOIN cases_rule r ON r.id = a.rule_id
    CROSS JOIN LATERAL (
        SELECT fc.id FROM inspections_findingcategory fc
        WHERE (r.code = ANY(fc.rule_codes) AND fc.is_active) OR fc.code = %(other)s
        ORDER BY (fc.code = %(other)s), fc.position, fc.id LIMIT 1
    ) cat
    LEFT JOIN LATERAL (
        SELECT cp.id FROM inspections_committeeperiod cp
        WHERE cp.bureau_id = a.bureau_id AND cp.chronic_category_id = cat.id AND cp.decided_at <= a.reviewed_at
          AND (cp.campaign_ends IS NULL OR cp.campaign_ends >= (a.reviewed_at AT TIME ZONE %(tz)s)::date)
        ORDER BY cp.decided_at DESC LIMIT 1
    ) camp ON true
    WHERE a.status = 'confirmed' AND a.reviewed_at IS NOT NULL {bureau_filter}
      AND NOT EXISTS (SELECT 1 FROM inspections_finding f WHERE f.alert_id = a.id)
    ON CONFLICT (alert_id) DO NOTHING
    RETURNING id, bureau_id, unit_id, severity, found_at, inspector_id
), new_orders AS (
    INSERT INTO inspections_rectificationorder (
        bureau_id, unit_id, finding_id, requirement, status, due_at, issued_at, issued_by_id, times_returned)
    SELECT f.bureau_id, f.unit_id, f.id, '', 'issued',
           f.found_at + make_interval(days => CASE f.severity WHEN 1 THEN %(high)s WHEN 2 THEN %(medium)s
                                                             ELSE %(low)s END),
           f.found_at, f.inspector_id, 0
    FROM new_findings f
    RETURNING id, bureau_id, unit_id, issued_at, issued_by_id
), events AS (
    INSERT INTO inspections_orderevent (bureau_id, order_id, from_status, to_status, by_id, at, note)
    SELECT o.bureau_id, o.id, '', 'issued', o.issued_by_id, o.issued_at, %(note)s FROM new_orders o
)
SELECT bureau_id, unit_id, count(*) FROM new_orders GROUP BY bureau_id, unit_id ORDER BY bureau_id, unit_id
"""


@transaction.atomic
def findings_from_confirmed_alerts(*, bureau_id: int | None = None, notify_units: bool = True) -> int:
    """Insert the finding and its rectification order of every confirmed alert that has none
    yet, set-based; a second run inserts nothing (the unique index on finding.alert)."""
    from django.conf import settings

    sql = FINDINGS_FROM_ALERTS_SQL.replace("{bureau_filter}", "AND a.bureau_id = %(bureau_id)s" if bureau_id else "")
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {
                "bureau_id": bureau_id,
                "now": timezone.now(),
                "other": "other",
                "tz": settings.TIME_ZONE,
                "high": ORDER_DAYS[Severity.HIGH],
                "medium": ORDER_DAYS[Severity.MEDIUM],
                "low": ORDER_DAYS[Severity.LOW],
                "note": "confirmed alert",
            },
        )
        counts = cursor.fetchall()
    if notify_units:
        for unit_bureau, unit_id, count in counts:
            leaders = User.objects.filter(unit_id=unit_id, role=Role.UNIT_LEADER, is_active=True)
            title = ngettext(
                "%(count)d new rectification order from a confirmed alert.",
                "%(count)d new rectification orders from confirmed alerts.",
                count,
            ) % {"count": count}
            notify(
                recipients=leaders,
                kind=Kind.DECISION,
                title=title,
                url=reverse("inspections:orders"),
                bureau=unit_bureau,
            )
    return sum(count for _b, _u, count in counts)


@transaction.atomic
def finding_exclude_from_scoring(*, finding: Finding, by: User, reason: str) -> Finding:
    """Mark a trivial defect as left out of the leaders' duty evaluation (the bureau's rule)."""
    if not can_supervise(by) or finding.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors exclude findings from scoring."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the finding is excluded from scoring.")})
    updated = Finding.objects.filter(pk=finding.pk, excluded_from_scoring=False).update(
        excluded_from_scoring=True, exclusion_reason=reason.strip()[:200]
    )
    if updated != 1:
        raise Conflict(_("This finding is already excluded from scoring."))
    finding.refresh_from_db()
    return finding


# --- The rectification loop ---


@transaction.atomic
def order_answer(*, order: RectificationOrder, by: User, text: str, files: Iterable = ()) -> RectificationOrder:
    """The unit says what it did (with evidence)."""
    if not can_answer(by, order):
        raise PermissionDenied(_("Only the unit that received the order answers it."))
    if not text.strip():
        raise ValidationError({"text": _("Say what the unit did to fix the problem.")})
    checked = attachments.check_all(files)
    now = timezone.now()
    order = _move(order, to=OrderStatus.ANSWERED, by=by, answered_at=now, at=now)
    answer = OrderAnswer.objects.create(
        bureau_id=order.bureau_id, order=order, text=text.strip(), answered_by=by, answered_at=now
    )
    _attach(checked, finding=order.finding, by=by, answer=answer)
    inspector = order.finding.inspector_id
    if inspector:
        notify(
            recipients=[inspector],
            kind=Kind.DECISION,
            title=_("The unit answered rectification order %(id)s.") % {"id": order.pk},
            url=reverse("inspections:detail", args=[order.finding_id]),
            bureau=order.bureau_id,
        )
    return order


def _check_checker(order: RectificationOrder, by: User) -> None:
    if by.is_authenticated and by.unit_id == order.unit_id:
        raise PermissionDenied(_("You cannot check your own unit's answer."))
    last = order.answers.order_by("-answered_at", "-id").values_list("answered_by_id", flat=True).first()
    if last is not None and last == by.pk:
        raise PermissionDenied(_("You cannot check your own answer."))
    if not can_check(by, order):
        raise PermissionDenied(_("Only the inspectors of this unit check its answers."))


@transaction.atomic
def order_return(*, order: RectificationOrder, by: User, reason: str, due_at: datetime) -> RectificationOrder:
    """Not good enough: back to the unit with the reason and a new deadline."""
    _check_checker(order, by)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the answer is sent back.")})
    _check_deadline(due_at)
    order = _move(
        order,
        to=OrderStatus.RETURNED,
        by=by,
        note=reason.strip(),
        due_at=due_at,
        times_returned=order.times_returned + 1,
        overdue_at=None,  # the new deadline is ahead: overdue again only if it passes too
    )
    _notify_unit(
        order,
        title=_("Rectification order %(id)s was sent back: %(reason)s") % {"id": order.pk, "reason": reason.strip()},
    )
    return order


@transaction.atomic
def order_verify(*, order: RectificationOrder, by: User, note: str = "") -> RectificationOrder:
    """The inspector checked the rectification on the ground and finds it effective."""
    _check_checker(order, by)
    return _move(order, to=OrderStatus.VERIFIED, by=by, note=note.strip(), verified_at=timezone.now(), verified_by=by)


@transaction.atomic
def order_close(*, order: RectificationOrder, by: User, note: str = "") -> RectificationOrder:
    """Close the loop (闭环) on a verified order."""
    _check_checker(order, by)
    return _move(order, to=OrderStatus.CLOSED, by=by, note=note.strip(), closed_at=timezone.now(), closed_by=by)


ESCALATE_SQL = """
WITH marked AS (
    UPDATE inspections_rectificationorder o SET overdue_at = %(now)s
    FROM (
        SELECT id, status FROM inspections_rectificationorder
        -- the open states (OVERDUE_MARKABLE), spelled as order_due_idx spells them
        WHERE status IN ('issued', 'returned', 'answered', 'verified') AND overdue_at IS NULL AND due_at < %(now)s
        FOR UPDATE SKIP LOCKED
    ) old
    WHERE o.id = old.id AND o.status = old.status AND o.overdue_at IS NULL
    RETURNING o.id, o.bureau_id, o.unit_id, o.status
), events AS (
    INSERT INTO inspections_orderevent (bureau_id, order_id, from_status, to_status, by_id, at, note)
    SELECT bureau_id, id, status, %(overdue)s, NULL, %(now)s, %(note)s FROM marked
)
SELECT bureau_id, unit_id, count(*) FROM marked GROUP BY bureau_id, unit_id ORDER BY bureau_id, unit_id
"""


@transaction.atomic
def orders_escalate(*, now: datetime | None = None) -> int:
    """Orders still open when their deadline passes, in whatever state (waiting for the unit's
    answer or for the inspector's verification or sign-off), are marked overdue (red) and the
    mark is recorded, set-based; the unit's leaders and the bureau's legal supervisors are told,
    one notification per unit and round. An order is marked once per deadline."""
    now = now or timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            ESCALATE_SQL,
            {"now": now, "overdue": OVERDUE, "note": "deadline passed"},
        )
        counts = cursor.fetchall()
    total = 0
    url = reverse("inspections:orders") + "?status=overdue"
    for bureau_id, unit_id, count in counts:
        unit_name = Unit.objects.filter(pk=unit_id).values_list("name", flat=True).first() or ""
        recipients = User.objects.filter(bureau_id=bureau_id, is_active=True).filter(
            Q(unit_id=unit_id, role=Role.UNIT_LEADER) | Q(role=Role.SUPERVISOR)
        )
        title = ngettext(
            "%(unit)s: %(count)d rectification order is overdue.",
            "%(unit)s: %(count)d rectification orders are overdue.",
            count,
        ) % {"unit": unit_name, "count": count}
        notify(recipients=recipients, kind=Kind.ESCALATION, title=title, url=url, bureau=bureau_id)
        total += count
    return total


# --- Error accountability ---


@transaction.atomic
def accountability_open(*, finding: Finding, by: User, summary: str) -> AccountabilityCase:
    if not can_supervise(by) or finding.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors open accountability cases."))
    if not summary.strip():
        raise ValidationError({"summary": _("State the facts and the fault.")})
    return AccountabilityCase.objects.create(
        bureau_id=finding.bureau_id,
        unit_id=finding.unit_id,
        finding=finding,
        summary=summary.strip(),
        opened_by=by,
        opened_at=timezone.now(),
    )


@transaction.atomic
def accountability_decide(*, case: AccountabilityCase, by: User, decisions: list[dict[str, Any]]) -> AccountabilityCase:
    """Record what is decided for each officer (or their exemption and its grounds); a points
    deduction goes to the officer's ledger. All or nothing."""
    if not can_supervise(by) or case.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors decide accountability cases."))
    if AccountabilityStatus.DECIDED not in ACCOUNTABILITY_TRANSITIONS.get(case.status, ()):
        raise ValidationError(_("This case has already been decided."))
    if not decisions:
        raise ValidationError(_("Name at least one officer and what is decided for them."))
    now = timezone.now()
    seen: set[int] = set()
    rows = []
    for item in decisions:
        officer = item["officer"]
        officer_id = getattr(officer, "pk", officer)
        if officer_id in seen:
            raise ValidationError({"officer": _("Each officer is decided once per case.")})
        seen.add(officer_id)
        officer = officer if isinstance(officer, User) else User.objects.filter(pk=officer_id).first()
        if officer is None or officer.bureau_id != case.bureau_id:
            raise ValidationError({"officer": _("The officer must belong to the bureau.")})
        outcome = item.get("outcome")
        liability = item.get("liability") or Liability.DIRECT
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose an outcome.")})
        if liability not in Liability.values:
            raise ValidationError({"liability": _("Choose the kind of liability.")})
        points = int(item.get("points") or 0)
        grounds = (item.get("exemption_grounds") or "").strip()
        if outcome == Outcome.POINTS and not 0 < points <= 100:
            raise ValidationError({"points": _("Deduct between 1 and 100 points.")})
        if outcome != Outcome.POINTS:
            points = 0
        if outcome == Outcome.EXEMPTED and not grounds:
            raise ValidationError({"exemption_grounds": _("An exemption needs its grounds.")})
        rows.append((officer, liability, outcome, points, grounds, (item.get("note") or "").strip()))
    updated = AccountabilityCase.objects.filter(pk=case.pk, status=AccountabilityStatus.OPEN).update(
        status=AccountabilityStatus.DECIDED, decided_by=by, decided_at=now
    )
    if updated != 1:
        raise Conflict(_("Someone decided this case meanwhile. Reload it."))
    for officer, liability, outcome, points, grounds, note in rows:
        decision = AccountabilityDecision.objects.create(
            bureau_id=case.bureau_id,
            case=case,
            officer=officer,
            liability=liability,
            outcome=outcome,
            points=points,
            exemption_grounds=grounds,
            note=note,
        )
        if points:
            PointsEntry.objects.create(
                bureau_id=case.bureau_id,
                unit_id=officer.unit_id or case.unit_id,
                officer=officer,
                on=timezone.localdate(now),
                kind=PointsKind.DEDUCTED,
                points=-points,
                decision=decision,
                note=_("Accountability case %(id)s") % {"id": case.pk},
            )
    notify(
        recipients=[officer for officer, *_rest in rows],
        kind=Kind.DECISION,
        title=_("An accountability decision concerns you (case %(id)s).") % {"id": case.pk},
        url=reverse("inspections:accountability_detail", args=[case.pk]),
        bureau=case.bureau_id,
    )
    case.refresh_from_db()
    return case


@transaction.atomic
def notice_issue(*, case: AccountabilityCase, by: User, title: str, body: str) -> Notice:
    """A bureau-wide notice (通报) of a decided case: every officer of the bureau gets it in the inbox."""
    if not can_supervise(by) or case.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors issue notices."))
    if case.status != AccountabilityStatus.DECIDED:
        raise ValidationError(_("Decide the case before issuing its notice."))
    if Notice.objects.filter(case=case).exists():
        raise Conflict(_("This case has already been notified."))
    if not title.strip() or not body.strip():
        raise ValidationError({"title": _("A notice needs a title and a text.")})
    notice = Notice.objects.create(
        bureau_id=case.bureau_id,
        case=case,
        title=title.strip()[:200],
        body=body.strip(),
        issued_by=by,
        issued_at=timezone.now(),
    )
    officers = User.objects.filter(bureau_id=case.bureau_id, is_active=True).values_list("pk", flat=True)
    notify(
        recipients=officers,
        kind=Kind.DECISION,
        title=_("Notice: %(title)s") % {"title": notice.title},
        url=reverse("inspections:notice", args=[notice.pk]),
        bureau=case.bureau_id,
    )
    return notice


# --- Case-handling points ---

POINTS_SQL = """
INSERT INTO inspections_pointsentry (bureau_id, unit_id, officer_id, "on", kind, points, step_id, decision_id, note)
SELECT s.bureau_id, c.unit_id, c.lead_officer_id, (s.started_at AT TIME ZONE %(tz)s)::date, 'earned', r.points, s.id,
       NULL, ''
FROM cases_step s
JOIN cases_case c ON c.id = s.case_id
JOIN inspections_pointsrate r ON r.case_kind = c.kind AND r.stage = s.kind
WHERE r.points > 0 AND s.started_at < %(until)s {bureau_filter}
  AND NOT EXISTS (SELECT 1 FROM inspections_pointsentry p WHERE p.step_id = s.id)
ON CONFLICT (step_id) DO NOTHING
"""


@transaction.atomic
def points_award(*, bureau_id: int | None = None, until: datetime | None = None) -> int:
    """Credit the lead officer of each case with the points of every step it has reached, by
    case kind and stage (PointsRate); set-based and idempotent (unique step per entry)."""
    from django.conf import settings

    sql = POINTS_SQL.replace("{bureau_filter}", "AND s.bureau_id = %(bureau_id)s" if bureau_id else "")
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tz": settings.TIME_ZONE, "until": until or timezone.now(), "bureau_id": bureau_id})
        return cursor.rowcount


# --- Interference register ---

INTERFERENCE_FIELDS = (
    "occurred_at",
    "who_name",
    "who_position",
    "who_kind",
    "method",
    "case",
    "case_reference",
    "description",
    "response",
)


@transaction.atomic
def interference_record(*, by: User, data: dict[str, Any]) -> InterferenceRecord:
    """Any officer records an attempt to interfere in a case (防止干预司法"三个规定")."""
    if not (by.is_authenticated and by.is_active):
        raise PermissionDenied
    data = {k: v for k, v in data.items() if k in INTERFERENCE_FIELDS}
    if not (data.get("who_name") or "").strip():
        raise ValidationError({"who_name": _("Say who tried to interfere.")})
    if not (data.get("description") or "").strip():
        raise ValidationError({"description": _("Say what was asked.")})
    occurred_at = data.get("occurred_at")
    if occurred_at is None or occurred_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("Say when it happened (not in the future).")})
    case = data.get("case")
    if case is not None and case.bureau_id != by.bureau_id:
        raise ValidationError({"case": _("The case must belong to the bureau.")})
    if case is None and not (data.get("case_reference") or "").strip():
        raise ValidationError({"case_reference": _("Name the case concerned.")})
    return InterferenceRecord.objects.create(
        bureau_id=by.bureau_id, unit_id=by.unit_id, recorded_by=by, recorded_at=timezone.now(), **data
    )


# --- Duty roster ---


@transaction.atomic
def shift_add(*, by: User, leader: User, starts_at: datetime, ends_at: datetime) -> DutyShift:
    if not can_supervise(by) or leader.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors keep the duty roster."))
    if leader.role != Role.UNIT_LEADER or leader.unit_id is None:
        raise ValidationError({"leader": _("Only unit leaders take on-duty review shifts.")})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("A shift must end after it starts.")})
    if ends_at - starts_at > timedelta(hours=72):
        raise ValidationError({"ends_at": _("A shift lasts at most 72 hours.")})
    overlapping = DutyShift.objects.filter(leader=leader, starts_at__lt=ends_at, ends_at__gt=starts_at).exists()
    if overlapping:
        raise ValidationError({"starts_at": _("This leader already has a shift at that time.")})
    return DutyShift.objects.create(
        bureau_id=leader.bureau_id, unit_id=leader.unit_id, leader=leader, starts_at=starts_at, ends_at=ends_at
    )


# --- The supervision committee ---


@transaction.atomic
def committee_analyse(*, by: User, period: Period) -> CommitteePeriod:
    """Generate (or regenerate) the period's analysis of findings; the committee's choice is kept."""
    from inspections.selectors import period_analysis

    if not can_supervise(by):
        raise PermissionDenied(_("Only legal supervisors prepare the committee's analysis."))
    committee, _created = CommitteePeriod.objects.get_or_create(
        bureau_id=by.bureau_id, start=period.start, end=period.end, defaults={"label": period.label}
    )
    analysis = period_analysis(bureau_id=by.bureau_id, period=period)
    CommitteePeriod.objects.filter(pk=committee.pk).update(analysis=analysis, generated_at=timezone.now())
    committee.refresh_from_db()
    return committee


@transaction.atomic
def committee_choose(
    *, committee: CommitteePeriod, by: User, category: FindingCategory, title: str, ends=None
) -> CommitteePeriod:
    """The committee picks one chronic problem (顽疾) for a special campaign: the open findings of
    that category join the campaign now, new ones while it runs."""
    if not can_supervise(by) or committee.bureau_id != by.bureau_id:
        raise PermissionDenied(_("Only legal supervisors record the committee's decision."))
    if not title.strip():
        raise ValidationError({"campaign_title": _("Name the special campaign.")})
    if ends is not None and ends < timezone.localdate():
        raise ValidationError({"campaign_ends": _("The campaign cannot end in the past.")})
    now = timezone.now()
    updated = CommitteePeriod.objects.filter(pk=committee.pk, chronic_category__isnull=True).update(
        chronic_category=category, campaign_title=title.strip()[:200], campaign_ends=ends, decided_by=by, decided_at=now
    )
    if updated != 1:
        raise Conflict(_("The committee has already chosen this period's chronic problem."))
    Finding.objects.filter(
        bureau_id=committee.bureau_id, category=category, campaign__isnull=True, order__status__in=OPEN_STATUSES
    ).update(campaign=committee)
    committee.refresh_from_db()
    return committee


def sees_finding(user: User, finding: Finding) -> bool:
    return sees_unit(user, finding.unit_id, finding.bureau_id) or finding.inspector_id == user.pk
