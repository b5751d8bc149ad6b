"""The formulas of the metric registry: code → how to count it, set-based.

A formula names the records behind a figure once, as three pieces: the records of a period
(`base`), which of them count in the numerator and which in the denominator (`Q` objects).
The nightly refresh turns that into one `INSERT … SELECT … GROUP BY unit, month` per metric;
the drill-down lists the same records with the same `Q`, so the list always matches the
figure. A formula that needs hand-written SQL gives `sql` instead (and `records` for its
drill-down). Every formula is additive over units and months: a quarter or a year is a sum.

A ratio whose numerator and denominator place their records in months by different dates
(cases withdrawn by the month withdrawn ÷ cases filed by the month filed) is two parts, each a
queryset and its date: `split` compiles them into one UNION ALL … GROUP BY, and the drill-down
lists the part asked for with the same queryset.

A formula whose records are not kept anywhere in the portal is registered without a body
(`available` is False): its metric stays in the registry, disabled, and no figure is ever shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import BigIntegerField, Count, DateField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Window:
    """A bureau and a run of whole months [start, end) with the metric's parameters."""

    bureau_id: int
    start: date
    end: date
    params: dict = field(default_factory=dict)
    now: datetime | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


@dataclass(frozen=True)
class Formula:
    code: str
    label: object
    source: str  # the app the records live in
    kind: str  # "count" (numerator only) or "ratio"
    model: str = ""  # app_label.Model of the records a drill-down lists
    unit_field: str = "unit"  # the path to the unit, for scope and grouping
    month_field: str = ""  # the date or datetime that places a record in a month
    base: Callable[[Window], QuerySet] | None = None
    numerator: Callable[[Window], Q] | None = None
    denominator: Callable[[Window], Q] | None = None
    # The alternative to base/numerator/denominator: hand-written SQL returning the columns
    # u (unit id), m (first day of the month), num, den; and the drill-down's records.
    sql: Callable[[Window], tuple[str, list]] | None = None
    records: Callable[[Window, str], QuerySet] | None = None
    # Set when month_field names an annotation of `base` rather than a model field.
    month_is_datetime: bool | None = None

    @property
    def available(self) -> bool:
        return self.base is not None or self.sql is not None

    def aggregate_sql(self, window: Window) -> tuple[str, list]:
        """SELECT u, m, num, den … GROUP BY u, m for the window."""
        if self.sql is not None:
            return self.sql(window)
        numerator = self.numerator(window)
        denominator = self.denominator(window) if self.denominator else numerator
        month = _month(self.month_field, self._month_is_datetime())
        queryset = (
            self.base(window)
            .filter(numerator | denominator)
            .order_by()
            .values(u=F(self.unit_field), m=month)
            .annotate(num=Count("pk", filter=numerator), den=Count("pk", filter=denominator))
        )
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    def drill(self, window: Window, part: str = "numerator") -> QuerySet:
        """The records behind the figure (numerator) or its base (denominator), unscoped."""
        if self.records is not None:
            return self.records(window, part)
        condition = self.numerator(window)
        if part == "denominator" and self.denominator is not None:
            condition = self.denominator(window)
        return self.base(window).filter(condition)

    def _month_is_datetime(self) -> bool:
        if self.month_is_datetime is not None:
            return self.month_is_datetime
        from django.apps import apps
        from django.db.models import DateTimeField

        model = apps.get_model(self.model)
        target = model
        parts = self.month_field.split("__")
        for name in parts[:-1]:
            target = target._meta.get_field(name).related_model
        return isinstance(target._meta.get_field(parts[-1]), DateTimeField)


def _month(path: str, is_datetime: bool) -> TruncMonth:
    """The first day of the record's month; a moment is placed in the bureau's local month."""
    if is_datetime:
        return TruncMonth(path, tzinfo=ZoneInfo(settings.TIME_ZONE), output_field=DateField())
    return TruncMonth(path, output_field=DateField())


@dataclass(frozen=True)
class Part:
    """The records of one side of a split ratio in the window, and the moment that places each
    in a month (a datetime field)."""

    records: Callable[[Window], QuerySet]
    month_field: str


def split(numerator: Part, denominator: Part, *, unit_field: str = "unit"):
    """(sql, records) of a ratio whose two sides are counted by different dates: one
    UNION ALL of the two parts' monthly counts, summed per unit and month. The drill-down
    gives each part's own queryset, the one the SQL was compiled from."""

    def monthly(part: Part, window: Window, side: str) -> tuple[str, list]:
        one, zero = Count("pk"), Value(0, output_field=BigIntegerField())
        queryset = (
            part.records(window)
            .order_by()
            .values(u=F(unit_field), m=_month(part.month_field, True))
            .annotate(num=one if side == "num" else zero, den=zero if side == "num" else one)
        )
        sql, params = queryset.query.sql_with_params()
        return sql, list(params)

    def sql(window: Window) -> tuple[str, list]:
        num_sql, num_params = monthly(numerator, window, "num")
        den_sql, den_params = monthly(denominator, window, "den")
        # Both inner queries are compiled by the ORM; their values travel as parameters.
        union = f"({num_sql}) UNION ALL ({den_sql})"
        columns = 'x."u", x."m", sum(x."num")::bigint AS "num", sum(x."den")::bigint AS "den"'
        return f'SELECT {columns} FROM ({union}) x GROUP BY x."u", x."m"', [*num_params, *den_params]  # noqa: S608

    def records(window: Window, part: str) -> QuerySet:
        return (denominator if part == "denominator" else numerator).records(window)

    return sql, records


FORMULAS: dict[str, Formula] = {}


def register(formula: Formula) -> Formula:
    FORMULAS[formula.code] = formula
    return formula


def formula_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {f.label}") for code, f in sorted(FORMULAS.items())]


# --- intake: the register of incident reports ---------------------------------------------


def _incidents(window: Window) -> QuerySet:
    from intake.models import Incident

    return Incident.objects.filter(
        bureau_id=window.bureau_id, received_at__gte=window.start_at, received_at__lt=window.end_at
    )


DECIDED = ~Q(disposition="pending")


def _intake(code: str, label, kind: str, numerator, denominator=None) -> Formula:
    return register(
        Formula(
            code=code,
            label=label,
            source="intake",
            kind=kind,
            model="intake.Incident",
            month_field="received_at",
            base=_incidents,
            numerator=numerator,
            denominator=denominator,
        )
    )


_intake(
    "intake.checked",
    _("Reports checked: decided ÷ registered, by month received"),
    "ratio",
    lambda w: DECIDED,
    lambda w: Q(pk__isnull=False),
)
_intake(
    "intake.acceptance_rate",
    _("Public-order reports accepted as cases ÷ public-order reports decided"),
    "ratio",
    lambda w: Q(category="administrative", disposition="accepted"),
    lambda w: Q(category="administrative") & DECIDED,
)
_intake(
    "intake.filing_rate",
    _("Criminal reports filed ÷ criminal reports decided"),
    "ratio",
    lambda w: Q(category="criminal", disposition="filed"),
    lambda w: Q(category="criminal") & DECIDED,
)
_intake(
    "intake.decline_rate",
    _("Criminal and public-order reports declined ÷ those decided"),
    "ratio",
    lambda w: Q(category__in=["criminal", "administrative"], disposition__in=["not_accepted", "not_filed"]),
    lambda w: Q(category__in=["criminal", "administrative"]) & DECIDED,
)


def _overdue(window: Window) -> Q:
    days = timedelta(days=int(window.params.get("days", 3)))
    now = window.now or datetime.now(tz=ZoneInfo(settings.TIME_ZONE))
    return Q(decided_at__gt=F("received_at") + days) | Q(disposition="pending", received_at__lt=now - days)


_intake(
    "intake.pending_overdue",
    _("Reports not decided within N days of receipt (parameter: days)"),
    "count",
    _overdue,
)


def _colours_checked(window: Window) -> Q:
    """True once a whole-bureau compliance run has finished for the bureau (or for every bureau).

    Every report's colour is then the rules' verdict: the run checked every report it found, and
    a report saved since was checked as it was saved (cases.signals). A report that stays green
    is never written (the run only writes changed colours, so its `colour_at` stays empty): the
    counts go by the colour the report has, not by `colour_at`. Before the first run the colour
    is only the default green, and the dashboard says the figures are not available yet."""
    from cases.models import ComplianceRun, RunStatus

    runs = ComplianceRun.objects.filter(
        Q(bureau_id=window.bureau_id) | Q(bureau__isnull=True), unit__isnull=True, status=RunStatus.DONE
    )
    return Q(Exists(runs))


for _colour in ("red", "yellow", "green"):
    _intake(
        f"intake.colour_{_colour}",
        _("Reports by three-colour status (set by the compliance rules)"),
        "ratio",
        (lambda c: lambda w: Q(colour=c) & _colours_checked(w))(_colour),
        _colours_checked,
    )


# --- training ------------------------------------------------------------------------------

FINISHED = ("submitted", "expired")


def _candidates(window: Window) -> QuerySet:
    from training.models import Candidate

    return Candidate.objects.filter(
        bureau_id=window.bureau_id, test__held_on__gte=window.start, test__held_on__lt=window.end
    )


def _finished_attempt() -> Exists:
    from training.models import Attempt

    return Exists(
        Attempt.objects.filter(test_id=OuterRef("test_id"), officer_id=OuterRef("officer_id"), status__in=FINISHED)
    )


def _attempts(window: Window) -> QuerySet:
    from training.models import Attempt

    return Attempt.objects.filter(
        bureau_id=window.bureau_id, test__held_on__gte=window.start, test__held_on__lt=window.end, status__in=FINISHED
    )


def _attendance(window: Window) -> QuerySet:
    from training.models import Attendance

    return Attendance.objects.filter(
        bureau_id=window.bureau_id, session__held_on__gte=window.start, session__held_on__lt=window.end
    )


def _legal_exam(window: Window) -> QuerySet:
    from training.models import Qualification

    return Qualification.objects.filter(
        bureau_id=window.bureau_id,
        kind="legal_exam",
        obtained_on__gte=window.start,
        obtained_on__lt=window.end,
        officer__unit__isnull=False,
    )


register(
    Formula(
        code="training.legal_exam_passes",
        label=_("Officers who passed the national legal exam (both parts), by date obtained"),
        source="training",
        kind="count",
        model="training.Qualification",
        unit_field="officer__unit",
        month_field="obtained_on",
        base=_legal_exam,
        numerator=lambda w: Q(subjective_passed=True),
    )
)
register(
    Formula(
        code="training.spot_test_participation",
        label=_("Officers drawn for a spot test who finished it ÷ officers drawn"),
        source="training",
        kind="ratio",
        model="training.Candidate",
        month_field="test__held_on",
        base=_candidates,
        numerator=lambda w: Q(_finished_attempt()),
        denominator=lambda w: Q(pk__isnull=False),
    )
)
register(
    Formula(
        code="training.spot_test_pass_rate",
        label=_("Finished spot-test attempts passed ÷ finished attempts"),
        source="training",
        kind="ratio",
        model="training.Attempt",
        month_field="test__held_on",
        base=_attempts,
        numerator=lambda w: Q(passed=True),
        denominator=lambda w: Q(pk__isnull=False),
    )
)
register(
    Formula(
        code="training.attendance_rate",
        label=_("Present ÷ (present + absent) at training sessions"),
        source="training",
        kind="ratio",
        model="training.Attendance",
        month_field="session__held_on",
        base=_attendance,
        numerator=lambda w: Q(status="present"),
        denominator=lambda w: Q(status__in=["present", "absent"]),
    )
)


# --- cases: the compliance rules' alerts, and the cases themselves --------------------------

# An alert a reviewer dismissed was not a breach; every other one (waiting for review,
# confirmed, or resolved because the record was put right later) counts where it was raised.
NOT_DISMISSED = ~Q(status="dismissed")

# The legal deadlines of case handling whose red alerts make a case overdue (超期): custody and
# summons periods, arrest requests, bail and surveillance terms, the handling periods. Property
# (CAS-09, CAS-10) and supervision (CAS-14) have their own metrics. Parameter: rules.
OVERDUE_RULES = ["CAS-01", "CAS-02", "CAS-03", "CAS-04", "CAS-05", "CAS-06", "CAS-07", "CAS-11", "CAS-12"]


def _alerts(window: Window) -> QuerySet:
    from cases.models import Alert

    return Alert.objects.filter(bureau_id=window.bureau_id, opened_at__gte=window.start_at, opened_at__lt=window.end_at)


def _rule_codes(window: Window, default: list[str]) -> list[str]:
    return list(window.params.get("rules") or default)


def _alert_count(code: str, label, default_rules: list[str]) -> Formula:
    return register(
        Formula(
            code=code,
            label=label,
            source="cases",
            kind="count",
            model="cases.Alert",
            month_field="opened_at",
            base=_alerts,
            numerator=lambda w: Q(rule__code__in=_rule_codes(w, default_rules)) & NOT_DISMISSED,
        )
    )


def _first_overdue(window: Window) -> Q:
    """The case's first overdue alert: none of the case's qualifying alerts came before it
    (ties at one moment — a run raises several at once — go by id). A case is counted once,
    in the month it first went past a deadline."""
    from cases.models import Alert

    rules = _rule_codes(window, OVERDUE_RULES)
    earlier = Alert.objects.filter(case_id=OuterRef("case_id"), rule__code__in=rules).exclude(status="dismissed")
    earlier = earlier.filter(
        Q(opened_at__lt=OuterRef("opened_at")) | Q(opened_at=OuterRef("opened_at"), pk__lt=OuterRef("pk"))
    )
    return Q(case__isnull=False, rule__code__in=rules) & NOT_DISMISSED & ~Q(Exists(earlier))


register(
    Formula(
        code="cases.overdue",
        label=_("Cases past a legal deadline: each case once, by the month its first red deadline alert was raised"),
        source="cases",
        kind="count",
        model="cases.Alert",
        month_field="opened_at",
        base=_alerts,
        numerator=_first_overdue,
    )
)
_alert_count(
    "cases.property_late",
    _("Seized property handed to custody late: CAS-09 alerts raised, not dismissed"),
    ["CAS-09"],
)
_alert_count(
    "cases.single_officer",
    _("Evidence taken by a single officer: CAS-08 alerts raised, not dismissed"),
    ["CAS-08"],
)
_alert_count(
    "cases.bail_unsupervised",
    _("Bailed or supervised persons out of supervision: CAS-14 alerts raised, not dismissed"),
    ["CAS-14"],
)


def _criminal_cases_filed(window: Window) -> QuerySet:
    from cases.models import Case

    return Case.objects.filter(
        bureau_id=window.bureau_id, kind="criminal", opened_at__gte=window.start_at, opened_at__lt=window.end_at
    )


def _criminal_cases_withdrawn(window: Window) -> QuerySet:
    from cases.models import Case

    return Case.objects.filter(
        bureau_id=window.bureau_id,
        kind="criminal",
        status="withdrawn",
        closed_at__gte=window.start_at,
        closed_at__lt=window.end_at,
    )


_withdrawal_sql, _withdrawal_records = split(
    Part(_criminal_cases_withdrawn, "closed_at"), Part(_criminal_cases_filed, "opened_at")
)
register(
    Formula(
        code="cases.withdrawal_rate",
        label=_("Criminal cases withdrawn in the period ÷ criminal cases filed in the period"),
        source="cases",
        kind="ratio",
        model="cases.Case",
        sql=_withdrawal_sql,
        records=_withdrawal_records,
    )
)


# Alerts leave the review queue when confirmed or dismissed (at the review) or resolved
# because the record was put right before anyone reviewed it (when it cleared).
def _alerts_closed(window: Window) -> QuerySet:
    from django.db.models import Case, When

    from cases.models import Alert

    left = Case(When(status="resolved", then=F("cleared_at")), default=F("reviewed_at"))
    return (
        Alert.objects.filter(bureau_id=window.bureau_id)
        .exclude(status="open")
        .annotate(left_queue_at=left)
        .filter(left_queue_at__gte=window.start_at, left_queue_at__lt=window.end_at)
    )


register(
    Formula(
        code="cases.alerts_opened",
        label=_("Alerts raised by the compliance rules, by month raised"),
        source="cases",
        kind="count",
        model="cases.Alert",
        month_field="opened_at",
        base=_alerts,
        numerator=lambda w: Q(pk__isnull=False),
    )
)
register(
    Formula(
        code="cases.alerts_closed",
        label=_("Alerts closed (confirmed, dismissed, or resolved by the record), by month closed"),
        source="cases",
        kind="count",
        model="cases.Alert",
        month_field="left_queue_at",
        month_is_datetime=True,
        base=_alerts_closed,
        numerator=lambda w: Q(pk__isnull=False),
    )
)


# --- inspections: findings, the rectification loop, error accountability -------------------


def _findings(window: Window) -> QuerySet:
    from inspections.models import Finding

    return Finding.objects.filter(bureau_id=window.bureau_id, found_at__gte=window.start_at, found_at__lt=window.end_at)


register(
    Formula(
        code="cases.untruthful_found",
        label=_(
            "Untruthful dispositions found: enforcement problems of the untruthful-disposition category "
            "(confirmed INT-03 and INT-04 alerts, and inspections), by month found (parameter: category)"
        ),
        source="inspections",
        kind="count",
        model="inspections.Finding",
        month_field="found_at",
        base=_findings,
        numerator=lambda w: Q(category__code=w.params.get("category", "untruthful")),
    )
)


def _orders_due(window: Window) -> QuerySet:
    from inspections.models import RectificationOrder

    return RectificationOrder.objects.filter(
        bureau_id=window.bureau_id, due_at__gte=window.start_at, due_at__lt=window.end_at
    )


def _order_due(window: Window) -> Q:
    now = window.now or datetime.now(tz=ZoneInfo(settings.TIME_ZONE))
    return Q(due_at__lte=now) | Q(status="closed")


register(
    Formula(
        code="inspections.rectification_closure",
        label=_(
            "Rectification orders signed off ÷ orders whose deadline fell in the period and has passed "
            "(or already signed off), by month of the deadline"
        ),
        source="inspections",
        kind="ratio",
        model="inspections.RectificationOrder",
        month_field="due_at",
        base=_orders_due,
        numerator=lambda w: Q(status="closed"),
        denominator=_order_due,
    )
)


def _decisions(window: Window) -> QuerySet:
    from inspections.models import AccountabilityDecision

    return AccountabilityDecision.objects.filter(
        bureau_id=window.bureau_id, case__decided_at__gte=window.start_at, case__decided_at__lt=window.end_at
    )


register(
    Formula(
        code="inspections.accountability",
        label=_("Officers held accountable: accountability decisions other than exemptions, by month decided"),
        source="inspections",
        kind="count",
        model="inspections.AccountabilityDecision",
        unit_field="case__unit",
        month_field="case__decided_at",
        base=_decisions,
        numerator=lambda w: ~Q(outcome="exempted"),
    )
)

# No app of the portal records administrative reconsideration or litigation: the metric stays
# in the registry, disabled, until one does.
register(
    Formula(
        code="inspections.reversal_rate",
        label=_("Reconsideration and litigation reversals ÷ reviews"),
        source="inspections",
        kind="ratio",
    )
)
