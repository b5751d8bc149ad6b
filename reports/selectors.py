"""Reads of the metrics, already scoped: values per unit and for the bureau from the stored
monthly figures, met / not met, the drill-down records, and the reports themselves."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet, Sum
from django.utils import timezone

from org.models import Unit, User
from org.scope import scoped, visible_unit_ids
from reports.formulas import FORMULAS, Formula, Window
from reports.models import AggregateRun, AnnualReport, Measure, Metric, MonthlyFigure, ReportBuild
from reports.periods import Period
from reports.permissions import can_read_reports

ONE_DECIMAL = Decimal("0.1")


@dataclass
class Value:
    metric: Metric
    num: int = 0
    den: int = 0
    is_bureau: bool = False
    period_kind: str = "year"
    computed: bool = True  # False: no refresh has covered the period; no figure, nothing judged

    @property
    def available(self) -> bool:
        return self.metric.is_enabled

    @property
    def value(self) -> Decimal | int | None:
        if not self.available or not self.computed:
            return None
        if self.metric.measure == Measure.PERCENT:
            if not self.den:
                return None
            return (Decimal(self.num) * 100 / self.den).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        return self.num

    @property
    def text(self) -> str:
        value = self.value
        if value is None:
            return "—"
        if self.metric.measure == Measure.PERCENT:
            return f"{value}%"
        return f"{value}"

    @property
    def met(self) -> bool | None:
        return judge(self.metric, self.value, is_bureau=self.is_bureau, period_kind=self.period_kind)

    @property
    def status(self) -> str:
        """What the figure says against its target, for the badge beside it: met, not_met;
        unavailable (no source), not_computed (the period was never computed), no_data (a rate
        with nothing to divide by), no_target, or not_judged (a count target belongs to the
        bureau's own period)."""
        if not self.available:
            return "unavailable"
        if not self.computed:
            return "not_computed"
        met = self.met
        if met is not None:
            return "met" if met else "not_met"
        if self.value is None:
            return "no_data"
        if self.metric.target is None:
            return "no_target"
        return "not_judged"


def judge(metric: Metric, value, *, is_bureau: bool, period_kind: str) -> bool | None:
    """Met (True), not met (False) or not judged (None: no figure, no target, or a count
    target that belongs to the bureau's own period, not to a unit or a shorter period)."""
    if value is None or metric.target is None or not metric.is_enabled:
        return None
    target = Decimal(metric.target)
    scale_free = metric.measure == Measure.PERCENT or (metric.direction == "lower" and target == 0)
    if not scale_free and (not is_bureau or period_kind != metric.period):
        return None
    if metric.direction == "lower":
        return Decimal(value) <= target
    return Decimal(value) >= target


def target_text(metric: Metric) -> str:
    if metric.target is None:
        return "—"
    target = Decimal(metric.target).normalize()
    target = target.quantize(Decimal(1)) if target == target.to_integral() else target
    sign = "≤" if metric.direction == "lower" else "≥"
    suffix = "%" if metric.measure == Measure.PERCENT else (metric.unit_label or "")
    return f"{sign}{target}{suffix}"


def metrics() -> list[Metric]:
    return list(Metric.objects.all())


def visible_units(user: User) -> list[Unit]:
    return list(Unit.objects.filter(id__in=visible_unit_ids(user)).order_by("code"))


@dataclass(frozen=True)
class FiguresState:
    """How far the stored figures of a period have been computed."""

    computed: bool  # at least one of the period's months has been computed
    as_of: datetime | None  # the oldest of the latest computations of the period's months
    missing: list[date] = field(default_factory=list)  # months up to this one never computed

    @property
    def missing_text(self) -> str:
        return ", ".join(f"{m:%Y-%m}" for m in self.missing)


def figures_state(*, bureau_id: int, period: Period, today: date | None = None) -> FiguresState:
    """Which of the period's months (up to the current one: later months hold nothing yet)
    a refresh has covered, and as of when. A period never computed has no "as of" time and
    judges nothing: its empty figures are not zeros that meet a target."""
    today = today or timezone.localdate()
    months = [m for m in period.months() if m <= today.replace(day=1)]
    latest: dict[date, datetime] = {}
    runs = (
        AggregateRun.objects.filter(bureau_id=bureau_id, start__lt=period.end, end__gt=period.start)
        .order_by("-finished_at")
        .values_list("start", "end", "finished_at")
    )
    for start, end, finished_at in runs.iterator():
        for month in months:
            if month not in latest and start <= month < end:
                latest[month] = finished_at
        if len(latest) == len(months):
            break
    return FiguresState(
        computed=bool(latest),
        as_of=min(latest.values()) if latest else None,
        missing=[m for m in months if m not in latest],
    )


@dataclass
class MetricTable:
    period: Period
    metrics: list[Metric]
    units: list[Unit]
    by_unit: dict[int, dict[int, Value]] = field(default_factory=dict)  # unit id → metric id → value
    bureau: dict[int, Value] | None = None  # metric id → value, for bureau-wide users
    state: FiguresState | None = None

    def unit_rows(self):
        for unit in self.units:
            yield unit, [self.by_unit[unit.pk][m.pk] for m in self.metrics]

    def bureau_row(self) -> list[Value]:
        return [self.bureau[m.pk] for m in self.metrics] if self.bureau is not None else []

    def assessed(self) -> list[Value]:
        """The province's metrics as the bureau's values (or the only unit's)."""
        source = self.bureau if self.bureau is not None else (self.by_unit[self.units[0].pk] if self.units else {})
        return [source[m.pk] for m in self.metrics if m.is_assessed and m.pk in source]

    def met_summary(self) -> dict:
        values = self.assessed()
        judged = [v for v in values if v.met is not None]
        return {
            "total": len(values),
            "available": sum(1 for v in values if v.available),
            "unavailable": sum(1 for v in values if not v.available),
            "judged": len(judged),
            "met": sum(1 for v in judged if v.met),
        }


def figure_sums(*, bureau_id: int, period: Period, unit_ids: list[int] | None) -> dict[tuple[int, int], tuple]:
    """(metric id, unit id) → (numerator, denominator) summed over the period's months."""
    rows = MonthlyFigure.objects.filter(bureau_id=bureau_id, month__gte=period.start, month__lt=period.end)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return {
        (r["metric_id"], r["unit_id"]): (r["n"], r["d"])
        for r in rows.values("metric_id", "unit_id").annotate(n=Sum("numerator"), d=Sum("denominator")).order_by()
    }


def metric_table(*, user: User, period: Period, unit_ids: list[int] | None = None) -> MetricTable:
    """Every metric for the units the user may see (optionally fewer), and the bureau's
    totals when the user sees the whole bureau."""
    units = visible_units(user)
    if unit_ids is not None:
        units = [u for u in units if u.pk in set(unit_ids)]
    all_metrics = metrics()
    state = figures_state(bureau_id=user.bureau_id, period=period)
    sums = figure_sums(bureau_id=user.bureau_id, period=period, unit_ids=[u.pk for u in units])
    table = MetricTable(period=period, metrics=all_metrics, units=units, state=state)
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for unit in units:
        table.by_unit[unit.pk] = {}
        for metric in all_metrics:
            num, den = sums.get((metric.pk, unit.pk), (0, 0))
            totals[metric.pk][0] += num
            totals[metric.pk][1] += den
            table.by_unit[unit.pk][metric.pk] = Value(
                metric, num, den, is_bureau=False, period_kind=period.kind, computed=state.computed
            )
    if user.is_bureau_wide and unit_ids is None:
        table.bureau = {
            m.pk: Value(
                m, totals[m.pk][0], totals[m.pk][1], is_bureau=True, period_kind=period.kind, computed=state.computed
            )
            for m in all_metrics
        }
    return table


def bureau_values(*, bureau_id: int, period: Period) -> dict[str, Value]:
    """The bureau's value of every metric, by code (the annual report reads these)."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (metric_id, _unit), (num, den) in figure_sums(bureau_id=bureau_id, period=period, unit_ids=None).items():
        sums[metric_id][0] += num
        sums[metric_id][1] += den
    return {m.code: Value(m, sums[m.pk][0], sums[m.pk][1], is_bureau=True, period_kind=period.kind) for m in metrics()}


def monthly_series(*, bureau_id: int, period: Period, codes: list[str]) -> dict[str, dict]:
    """code → month → (numerator, denominator), bureau-wide."""
    rows = (
        MonthlyFigure.objects.filter(
            bureau_id=bureau_id, month__gte=period.start, month__lt=period.end, metric__code__in=codes
        )
        .values("metric__code", "month")
        .annotate(n=Sum("numerator"), d=Sum("denominator"))
        .order_by()
    )
    out: dict[str, dict] = {code: {} for code in codes}
    for r in rows:
        out[r["metric__code"]][r["month"]] = (r["n"], r["d"])
    return out


# --- Drill-down ----------------------------------------------------------------------------


def metric_for_drill(code: str) -> tuple[Metric, Formula]:
    """Raises Metric.DoesNotExist for an unknown, disabled or unavailable metric (a 404)."""
    metric = Metric.objects.get(code=code, is_enabled=True)
    formula = FORMULAS.get(metric.formula)
    if formula is None or not formula.available:
        raise Metric.DoesNotExist
    return metric, formula


def drill_records(*, user: User, metric: Metric, formula: Formula, period: Period, part: str, unit: Unit | None):
    """The records behind a figure, scoped to the user (and to one unit when asked)."""
    window = Window(bureau_id=user.bureau_id, start=period.start, end=period.end, params=metric.parameters)
    records = scoped(formula.drill(window, part), user, unit_field=formula.unit_field)
    if unit is not None:
        records = records.filter(**{formula.unit_field: unit.pk})
    return records


def stored_value(*, user: User, metric: Metric, period: Period, unit: Unit | None) -> Value:
    """The stored figure a drill-down lists the records of: one unit's, else the user's scope's."""
    rows = MonthlyFigure.objects.filter(
        bureau_id=user.bureau_id, metric=metric, month__gte=period.start, month__lt=period.end
    )
    if unit is not None:
        rows = rows.filter(unit_id=unit.pk)
    elif not user.is_bureau_wide:
        rows = rows.filter(unit_id__in=visible_unit_ids(user))
    sums = rows.aggregate(n=Sum("numerator"), d=Sum("denominator"))
    return Value(
        metric,
        sums["n"] or 0,
        sums["d"] or 0,
        is_bureau=unit is None and user.is_bureau_wide,
        period_kind=period.kind,
        computed=figures_state(bureau_id=user.bureau_id, period=period).computed,
    )


def unit_in_scope(user: User, unit_id) -> Unit:
    """Raises Unit.DoesNotExist (a 404) for a unit outside the user's scope."""
    return Unit.objects.filter(id__in=visible_unit_ids(user)).get(pk=int(unit_id))


# --- Annual reports ------------------------------------------------------------------------


def reports_for(user: User) -> QuerySet[AnnualReport]:
    if not can_read_reports(user):
        return AnnualReport.objects.none()
    return AnnualReport.objects.filter(bureau_id=user.bureau_id)


def builds_for(user: User) -> QuerySet[ReportBuild]:
    return ReportBuild.objects.filter(report__in=reports_for(user))
