"""The formulas of the metric registry: code → how to count it, set-based.

A formula names the records behind a figure once, as three pieces: the records of a period
(`base`), which of them count in the numerator and which in the denominator (`Q` objects).
The nightly refresh turns that into one `INSERT … SELECT … GROUP BY unit, month` per metric;
the drill-down lists the same records with the same `Q`, so the list always matches the
figure. A formula that needs hand-written SQL gives `sql` instead (and `records` for its
drill-down). Every formula is additive over units and months: a quarter or a year is a sum.

Formulas whose source app has not landed are registered without a body (`available` is
False): their metrics stay in the registry, disabled, and no figure is ever shown for them.
When the cases and inspections apps land, add their formulas here (or in a module that
calls `register`) and enable the metrics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet
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

    @property
    def available(self) -> bool:
        return self.base is not None or self.sql is not None

    def aggregate_sql(self, window: Window) -> tuple[str, list]:
        """SELECT u, m, num, den … GROUP BY u, m for the window."""
        if self.sql is not None:
            return self.sql(window)
        numerator = self.numerator(window)
        denominator = self.denominator(window) if self.denominator else numerator
        month = F(self.month_field)
        if self._month_is_datetime():
            month = TruncMonth(self.month_field, tzinfo=ZoneInfo(settings.TIME_ZONE), output_field=DateField())
        else:
            month = TruncMonth(self.month_field, output_field=DateField())
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
        from django.apps import apps
        from django.db.models import DateTimeField

        model = apps.get_model(self.model)
        target = model
        parts = self.month_field.split("__")
        for name in parts[:-1]:
            target = target._meta.get_field(name).related_model
        return isinstance(target._meta.get_field(parts[-1]), DateTimeField)


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
for _colour in ("red", "yellow", "green"):
    # The denominator is the reports whose colour the compliance rules have checked: until
    # they run (the cases app), the dashboard says so instead of showing default greens.
    _intake(
        f"intake.colour_{_colour}",
        _("Reports by three-colour status (set by the compliance rules)"),
        "ratio",
        (lambda c: lambda w: Q(colour=c, colour_at__isnull=False))(_colour),
        lambda w: Q(colour_at__isnull=False),
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


# --- not yet available: their source apps have not landed ---------------------------------

for _code, _source, _kind, _label in (
    ("cases.untruthful_found", "cases", "count", _("Untruthful dispositions confirmed (INT-03 findings)")),
    ("cases.withdrawal_rate", "cases", "ratio", _("Criminal cases withdrawn ÷ cases filed")),
    ("cases.overdue", "cases", "count", _("Cases past a legal deadline")),
    ("cases.property_late", "cases", "count", _("Seized property handed to custody late")),
    ("cases.single_officer", "cases", "count", _("Evidence sessions with a single officer")),
    ("cases.bail_unsupervised", "cases", "count", _("Bailed persons out of supervision")),
    ("inspections.reversal_rate", "inspections", "ratio", _("Reconsideration and litigation reversals ÷ reviews")),
    ("inspections.rectification_closure", "inspections", "ratio", _("Rectification orders closed ÷ due")),
    ("inspections.accountability", "inspections", "count", _("Error-accountability decisions")),
):
    register(Formula(code=_code, label=_label, source=_source, kind=_kind))
