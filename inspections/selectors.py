"""Every read of the inspections app, already scoped (org.scope): out of scope is not found."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from inspections.models import (
    OPEN_STATUSES,
    OVERDUE,
    AccountabilityCase,
    Attachment,
    CommitteePeriod,
    DutyShift,
    Finding,
    FindingCategory,
    InterferenceRecord,
    Notice,
    OrderStatus,
    PointsEntry,
    RectificationOrder,
)
from inspections.periods import Period
from inspections.permissions import can_see_committee, can_see_evaluations, sees_whole_bureau
from org.models import Role, User
from org.scope import scoped, visible_unit_ids

# --- Findings and orders ---


def findings_for(user: User) -> QuerySet[Finding]:
    """The findings of the units the user sees, and those a legal officer made elsewhere
    (a cross-inspection)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Finding.objects.none()
    return Finding.objects.filter(bureau_id=user.bureau_id).filter(
        Q(unit_id__in=visible_unit_ids(user)) | Q(inspector_id=user.pk)
    )


def finding_detail(*, user: User, pk: int) -> Finding:
    """Raises Finding.DoesNotExist (a 404) outside the user's scope."""
    return (
        findings_for(user)
        .select_related("unit", "category", "inspector", "alert__rule", "incident", "case", "campaign", "order")
        .get(pk=pk)
    )


def orders_for(user: User) -> QuerySet[RectificationOrder]:
    return RectificationOrder.objects.filter(finding__in=findings_for(user).values("id"), bureau_id=user.bureau_id)


# Open orders marked overdue (red): the overdue mark sits beside the state (models.OVERDUE).
IS_OVERDUE = Q(status__in=OPEN_STATUSES, overdue_at__isnull=False)


def order_list(*, user: User, status: str = "", unit_id: int | None = None) -> QuerySet[RectificationOrder]:
    """status: "open", "overdue" (open and marked overdue), a state, or anything else for all."""
    orders = orders_for(user).select_related("unit", "finding__category")
    if status == "open":
        orders = orders.filter(status__in=OPEN_STATUSES)
    elif status == OVERDUE:
        orders = orders.filter(IS_OVERDUE)
    elif status in OrderStatus.values:
        orders = orders.filter(status=status)
    if unit_id:
        orders = orders.filter(unit_id=unit_id)
    return orders.order_by("due_at", "id")


def finding_list(*, user: User, filters: dict) -> QuerySet[Finding]:
    findings = findings_for(user).select_related("unit", "category", "inspector", "order")
    if filters.get("unit"):
        findings = findings.filter(unit_id=filters["unit"])
    if filters.get("category"):
        findings = findings.filter(category_id=filters["category"])
    if filters.get("source"):
        findings = findings.filter(source=filters["source"])
    if filters.get("status") == "open":
        findings = findings.filter(order__status__in=OPEN_STATUSES)
    elif filters.get("status") == OVERDUE:
        findings = findings.filter(order__status__in=OPEN_STATUSES, order__overdue_at__isnull=False)
    elif filters.get("status"):
        findings = findings.filter(order__status=filters["status"])
    if filters.get("campaign"):
        findings = findings.filter(campaign_id=filters["campaign"])
    return findings.order_by("-found_at", "-id")


def involved_officers(finding: Finding) -> list[User]:
    return list(User.objects.filter(pk__in=finding.officers, bureau_id=finding.bureau_id).order_by("name"))


def unit_leaders(finding: Finding) -> list[User]:
    """The leaders of the finding's unit: who should have caught the problem (履职不力)."""
    return list(
        User.objects.filter(
            bureau_id=finding.bureau_id, unit_id=finding.unit_id, role=Role.UNIT_LEADER, is_active=True
        ).order_by("name")
    )


def accountability_candidates(finding: Finding, *, everyone: bool = False) -> QuerySet[User]:
    """Whom an accountability case of the finding may name: the officers of its unit (its
    leaders among them) and the officers involved, wherever they serve; or, asked for, anyone
    of the bureau."""
    candidates = User.objects.filter(bureau_id=finding.bureau_id, is_active=True)
    if everyone:
        return candidates
    return candidates.filter(Q(unit_id=finding.unit_id) | Q(pk__in=finding.officers))


def attachments_for(user: User) -> QuerySet[Attachment]:
    return Attachment.objects.filter(bureau_id=user.bureau_id, finding__in=findings_for(user).values("id"))


@dataclass
class UnitRow:
    unit_id: int
    unit_name: str
    total: int
    open: int
    overdue: int
    answered: int
    closed: int

    @property
    def closure_rate(self) -> Decimal | None:
        return _percent(self.closed, self.total)


def unit_overview(*, user: User, period: Period | None = None) -> list[UnitRow]:
    """Orders per unit side by side: open, overdue, waiting verification, closed, closure rate."""
    orders = orders_for(user)
    if period is not None:
        orders = orders.filter(issued_at__gte=period.starts_at, issued_at__lt=period.ends_at)
    rows = (
        orders.values("unit_id", "unit__name", "unit__code")
        .annotate(
            total=Count("id"),
            open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
            overdue=Count("id", filter=IS_OVERDUE),
            answered=Count("id", filter=Q(status=OrderStatus.ANSWERED)),
            closed=Count("id", filter=Q(status=OrderStatus.CLOSED)),
        )
        .order_by("unit__code")
    )
    return [
        UnitRow(r["unit_id"], r["unit__name"], r["total"], r["open"], r["overdue"], r["answered"], r["closed"])
        for r in rows
    ]


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def categories() -> QuerySet[FindingCategory]:
    return FindingCategory.objects.filter(is_active=True).order_by("position", "code")


# --- Accountability and notices ---


def accountability_for(user: User) -> QuerySet[AccountabilityCase]:
    """Supervisors, leadership: the bureau; legal officers and unit leaders: their units;
    an officer: the cases that name them."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return AccountabilityCase.objects.none()
    if user.role == Role.OFFICER:
        return AccountabilityCase.objects.filter(bureau_id=user.bureau_id, decisions__officer_id=user.pk).distinct()
    return scoped(AccountabilityCase.objects.all(), user)


def notices_for(user: User) -> QuerySet[Notice]:
    """Every officer of the bureau reads its notices."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Notice.objects.none()
    return Notice.objects.filter(bureau_id=user.bureau_id).order_by("-issued_at", "-id")


# --- Points ---


def points_for(user: User) -> QuerySet[PointsEntry]:
    """An officer sees their own ledger; leaders and legal officers their units; supervisors all."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return PointsEntry.objects.none()
    if user.role == Role.OFFICER:
        return PointsEntry.objects.filter(bureau_id=user.bureau_id, officer_id=user.pk)
    return scoped(PointsEntry.objects.all(), user)


def points_standings(*, user: User, period: Period) -> tuple[list[dict], list[dict]]:
    """Points per officer and per unit in the period, highest first."""
    entries = points_for(user).filter(on__gte=period.start, on__lte=period.end)
    officers = list(
        entries.values("officer_id", "officer__name", "officer__police_number", "unit__name")
        .annotate(
            earned=Sum("points", filter=Q(kind="earned"), default=0),
            deducted=Sum("points", filter=Q(kind="deducted"), default=0),
            total=Sum("points"),
        )
        .order_by("-total", "officer__police_number")
    )
    units = list(
        entries.values("unit_id", "unit__name")
        .annotate(officers=Count("officer_id", distinct=True), total=Sum("points"))
        .order_by("-total", "unit__name")
    )
    return officers, units


def points_officer(*, user: User, pk: int) -> User:
    """An officer whose ledger the user may read, as the standings are scoped: an officer their
    own; the others an officer of a unit they see, or one with lines in their scope. Raises
    User.DoesNotExist (a 404) otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise User.DoesNotExist
    if user.pk == pk:
        return user
    if user.role == Role.OFFICER:
        raise User.DoesNotExist
    officer = User.objects.select_related("unit").get(pk=pk, bureau_id=user.bureau_id)
    in_unit = officer.unit_id is not None and visible_unit_ids(user).filter(id=officer.unit_id).exists()
    if not (in_unit or points_for(user).filter(officer_id=pk).exists()):
        raise User.DoesNotExist
    return officer


def points_ledger(*, user: User, officer_id: int, period: Period) -> QuerySet[PointsEntry]:
    """The officer's ledger lines in the period that the user sees, in date order: each earned
    for a case step (case, stage, points of the rate) or deducted by an accountability decision."""
    return (
        points_for(user)
        .filter(officer_id=officer_id, on__gte=period.start, on__lte=period.end)
        .select_related("unit", "step__case", "decision__case")
        .order_by("on", "id")
    )


# --- Interference register ---


def interference_for(user: User) -> QuerySet[InterferenceRecord]:
    """Legal supervisors (and leadership) see every record; an officer the ones they made."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return InterferenceRecord.objects.none()
    records = InterferenceRecord.objects.filter(bureau_id=user.bureau_id)
    if sees_whole_bureau(user):
        return records
    return records.filter(recorded_by_id=user.pk)


def interference_counts(*, bureau, start: datetime, end: datetime) -> dict[str, int]:
    """For the reports: records in [start, end) by kind of person, and the total."""
    bureau_id = getattr(bureau, "pk", bureau)
    rows = (
        InterferenceRecord.objects.filter(bureau_id=bureau_id, occurred_at__gte=start, occurred_at__lt=end)
        .values("who_kind")
        .annotate(n=Count("id"))
    )
    counts = {r["who_kind"]: r["n"] for r in rows}
    counts["total"] = sum(counts.values())
    return counts


# --- Duty roster and the leaders' evaluation ---


def shifts_for(user: User) -> QuerySet[DutyShift]:
    if not can_see_evaluations(user):
        return DutyShift.objects.none()
    return scoped(DutyShift.objects.all(), user).select_related("leader", "unit")


# Review within this many hours is on time (the leader-review rule CAS-15 allows 24 h).
REVIEW_HOURS = 24
# Score: 100, less these for each late review, each approval later confirmed as a problem,
# and each finding on the leader's watch by severity; then 80 % duty and 20 % the case-review
# test average where the leader took one.
LATE_PENALTY = 2
FLAGGED_PENALTY = 5
WATCH_PENALTY = {1: 5, 2: 3, 3: 1}
TEST_WEIGHT = Decimal("0.2")

EVALUATION_SQL = """
WITH shifts AS (
    SELECT s.leader_id, s.unit_id, GREATEST(s.starts_at, %(start)s) AS s_from, LEAST(s.ends_at, %(end)s) AS s_to
    FROM inspections_dutyshift s
    WHERE s.bureau_id = %(bureau)s AND s.starts_at < %(end)s AND s.ends_at > %(start)s
      AND s.unit_id = ANY(%(units)s)
), leaders AS (
    SELECT DISTINCT leader_id, unit_id FROM shifts
), arrived AS (
    SELECT sh.leader_id, st.created_at AS arrived_at, st.reviewed_at
    FROM shifts sh JOIN cases_step st ON st.unit_id = sh.unit_id AND st.bureau_id = %(bureau)s
     AND st.created_at >= sh.s_from AND st.created_at < sh.s_to
    UNION ALL
    SELECT sh.leader_id, e.requested_at, e.decided_at
    FROM shifts sh JOIN intake_extensionrequest e ON e.unit_id = sh.unit_id AND e.bureau_id = %(bureau)s
     AND e.requested_at >= sh.s_from AND e.requested_at < sh.s_to
), timeliness AS (
    SELECT leader_id,
           count(*) AS items,
           count(*) FILTER (WHERE reviewed_at IS NOT NULL AND reviewed_at <= arrived_at + %(limit)s) AS on_time,
           count(*) FILTER (WHERE reviewed_at > arrived_at + %(limit)s
                               OR (reviewed_at IS NULL AND arrived_at + %(limit)s <= %(as_of)s)) AS late,
           avg(extract(epoch FROM reviewed_at - arrived_at) / 3600.0) FILTER (WHERE reviewed_at IS NOT NULL) AS hours
    FROM arrived GROUP BY leader_id
), flagged AS (
    SELECT l.leader_id, count(DISTINCT a.id) AS flagged
    FROM leaders l
    JOIN cases_alert a ON a.bureau_id = %(bureau)s AND a.unit_id = l.unit_id AND a.status = 'confirmed'
     AND a.reviewed_at >= %(start)s AND a.reviewed_at < %(end)s
    WHERE (EXISTS (SELECT 1 FROM cases_step st WHERE st.case_id = a.case_id AND st.reviewed_by_id = l.leader_id)
        OR EXISTS (SELECT 1 FROM intake_extensionrequest e
                   WHERE e.incident_id = a.incident_id AND e.decided_by_id = l.leader_id AND e.status = 'approved')
        OR EXISTS (SELECT 1 FROM intake_incident i WHERE i.id = a.incident_id AND i.decided_by_id = l.leader_id))
      AND NOT EXISTS (SELECT 1 FROM inspections_finding f WHERE f.alert_id = a.id AND f.excluded_from_scoring)
    GROUP BY l.leader_id
), watch AS (
    SELECT leader_id, count(*) AS findings,
           count(*) FILTER (WHERE severity = 1) AS high,
           count(*) FILTER (WHERE severity = 2) AS medium,
           count(*) FILTER (WHERE severity = 3) AS low
    FROM (
        SELECT DISTINCT sh.leader_id, f.id, f.severity
        FROM shifts sh JOIN inspections_finding f ON f.bureau_id = %(bureau)s AND f.unit_id = sh.unit_id
         AND f.occurred_at >= sh.s_from AND f.occurred_at < sh.s_to AND NOT f.excluded_from_scoring
    ) w GROUP BY leader_id
)
SELECT l.leader_id, l.unit_id, u.name, un.name,
       (SELECT count(*) FROM shifts sh WHERE sh.leader_id = l.leader_id AND sh.unit_id = l.unit_id),
       COALESCE(t.items, 0), COALESCE(t.on_time, 0), COALESCE(t.late, 0), t.hours,
       COALESCE(fl.flagged, 0), COALESCE(w.findings, 0), COALESCE(w.high, 0), COALESCE(w.medium, 0), COALESCE(w.low, 0)
FROM leaders l
JOIN org_user u ON u.id = l.leader_id
JOIN org_unit un ON un.id = l.unit_id
LEFT JOIN timeliness t ON t.leader_id = l.leader_id
LEFT JOIN flagged fl ON fl.leader_id = l.leader_id
LEFT JOIN watch w ON w.leader_id = l.leader_id
"""


@dataclass
class LeaderEvaluation:
    leader_id: int
    unit_id: int
    leader_name: str
    unit_name: str
    shifts: int
    items: int
    on_time: int
    late: int
    average_hours: Decimal | None
    flagged: int
    findings: int
    findings_by_severity: dict[int, int] = field(default_factory=dict)
    tests: int = 0
    test_average: Decimal | None = None
    rank: int = 0

    @property
    def timeliness(self) -> Decimal | None:
        """Reviews on time ÷ items that arrived on the leader's shifts, in percent."""
        return _percent(self.on_time, self.items)

    @property
    def duty_score(self) -> Decimal:
        penalty = LATE_PENALTY * self.late + FLAGGED_PENALTY * self.flagged
        penalty += sum(WATCH_PENALTY[s] * n for s, n in self.findings_by_severity.items())
        return Decimal(max(0, 100 - penalty))

    @property
    def score(self) -> Decimal:
        if self.test_average is None:
            return self.duty_score.quantize(Decimal("0.1"))
        blended = self.duty_score * (1 - TEST_WEIGHT) + Decimal(self.test_average) * TEST_WEIGHT
        return blended.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def leader_evaluations(*, user: User, period: Period, as_of: datetime | None = None) -> list[LeaderEvaluation]:
    """The duty evaluation (中层领导履职考评) of every leader on the roster in the period, in the
    units the user sees, ranked by score. Computed from the records; nothing is typed."""
    if not can_see_evaluations(user):
        return []
    units = list(visible_unit_ids(user).values_list("id", flat=True))
    if not units:
        return []
    as_of = min(as_of or timezone.now(), period.ends_at)
    with connection.cursor() as cursor:
        cursor.execute(
            EVALUATION_SQL,
            {
                "bureau": user.bureau_id,
                "start": period.starts_at,
                "end": period.ends_at,
                "units": units,
                "limit": timezone.timedelta(hours=REVIEW_HOURS),
                "as_of": as_of,
            },
        )
        rows = cursor.fetchall()
    evaluations = [
        LeaderEvaluation(
            leader_id=r[0],
            unit_id=r[1],
            leader_name=r[2],
            unit_name=r[3],
            shifts=r[4],
            items=r[5],
            on_time=r[6],
            late=r[7],
            average_hours=None if r[8] is None else Decimal(r[8]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            flagged=r[9],
            findings=r[10],
            findings_by_severity={1: r[11], 2: r[12], 3: r[13]},
        )
        for r in rows
    ]
    _add_test_scores(evaluations, bureau_id=user.bureau_id, period=period)
    evaluations.sort(key=lambda e: (-e.score, e.leader_name, e.leader_id))
    for index, evaluation in enumerate(evaluations):
        previous = evaluations[index - 1] if index else None
        evaluation.rank = previous.rank if previous and previous.score == evaluation.score else index + 1
    return evaluations


def _add_test_scores(evaluations: list[LeaderEvaluation], *, bureau_id: int, period: Period) -> None:
    """Case-review test scores (案件审核测试) from training, where that app is installed."""
    try:
        from training.selectors import case_review_scores
    except ImportError:  # pragma: no cover - training is optional for this app
        return
    scores = {s["leader_id"]: s for s in case_review_scores(bureau=bureau_id, start=period.start, end=period.end)}
    for evaluation in evaluations:
        score = scores.get(evaluation.leader_id)
        if score and score["tests"]:
            evaluation.tests = score["tests"]
            evaluation.test_average = Decimal(score["average"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# --- The supervision committee ---


def committees_for(user: User) -> QuerySet[CommitteePeriod]:
    if not can_see_committee(user):
        return CommitteePeriod.objects.none()
    return CommitteePeriod.objects.filter(bureau_id=user.bureau_id).select_related("chronic_category")


def period_analysis(*, bureau_id: int, period: Period) -> dict:
    """The period's findings for the committee: counts by category and unit, the monthly trend,
    the change from the previous period, and the top recurring problem."""
    findings = Finding.objects.filter(bureau_id=bureau_id, found_at__gte=period.starts_at, found_at__lt=period.ends_at)
    previous = period.previous()
    before = dict(
        Finding.objects.filter(bureau_id=bureau_id, found_at__gte=previous.starts_at, found_at__lt=previous.ends_at)
        .values_list("category__code")
        .annotate(n=Count("id"))
        .values_list("category__code", "n")
    )
    by_category = [
        {
            "code": r["category__code"],
            "name": r["category__name"],
            "count": r["n"],
            "units": r["units"],
            "previous": before.get(r["category__code"], 0),
        }
        for r in findings.values("category__code", "category__name")
        .annotate(n=Count("id"), units=Count("unit_id", distinct=True))
        .order_by("-n", "category__code")
    ]
    by_unit = [
        {"unit": r["unit__name"], "count": r["n"]}
        for r in findings.values("unit__code", "unit__name").annotate(n=Count("id")).order_by("-n", "unit__code")
    ]
    tz = timezone.get_default_timezone() if settings.USE_TZ else None
    trend = [
        {"month": timezone.localtime(r["month"]).strftime("%Y-%m") if r["month"] else "", "count": r["n"]}
        for r in findings.annotate(month=TruncMonth("found_at", tzinfo=tz))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    ]
    orders = RectificationOrder.objects.filter(finding__in=findings.values("id"))
    total_orders = orders.count()
    closed = orders.filter(status=OrderStatus.CLOSED).count()
    top = by_category[0] if by_category else None
    return {
        "period": period.label,
        "total": sum(c["count"] for c in by_category),
        "previous_total": sum(before.values()),
        "by_category": by_category,
        "by_unit": by_unit,
        "trend": trend,
        "orders": total_orders,
        "closed": closed,
        "closure_rate": None if not total_orders else float(_percent(closed, total_orders)),
        "top": top,
    }


def campaign_progress(committee: CommitteePeriod) -> dict:
    """The special campaign's findings tracked to closure."""
    orders = RectificationOrder.objects.filter(finding__campaign=committee)
    counts = orders.aggregate(
        total=Count("id"),
        closed=Count("id", filter=Q(status=OrderStatus.CLOSED)),
        overdue=Count("id", filter=IS_OVERDUE),
    )
    counts["open"] = counts["total"] - counts["closed"]
    counts["closure_rate"] = _percent(counts["closed"], counts["total"])
    return counts


def leaders_for(user: User) -> QuerySet[User]:
    return User.objects.filter(
        bureau_id=user.bureau_id, role=Role.UNIT_LEADER, is_active=True, unit_id__in=visible_unit_ids(user)
    ).order_by("unit__code", "name")
