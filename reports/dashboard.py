"""The leadership dashboard's figures, read from the stored monthly figures (fast at a year
of a million reports) and from training's small tables. One function, one dict: the page,
its charts (as JSON) and its Excel exports all read it."""

from __future__ import annotations

from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import User
from reports import selectors
from reports.models import MonthlyFigure
from reports.periods import Period

COLOUR_CODES = {"red": "XX02", "yellow": "XX03", "green": "XX04"}
TREND_CODE = "JC01"
ATTENDANCE_CODE = "XX01"
PASS_CODE = "JC17"
PARTICIPATION_CODE = "JC16"
EXAM_CODE = "JC15"
RECTIFICATION_CODE = "JC13"
ALERTS_OPENED_CODE = "XX05"
ALERTS_CLOSED_CODE = "XX06"


def default_year(bureau_id: int) -> int:
    """The latest year with stored figures, else this year."""
    latest = MonthlyFigure.objects.filter(bureau_id=bureau_id).aggregate(m=Max("month"))["m"]
    return latest.year if latest else timezone.localdate().year


def dashboard(*, user: User, period: Period) -> dict:
    from training.models import SpotTest, TrainingSession

    table = selectors.metric_table(user=user, period=period)
    by_code = {m.code: m for m in table.metrics}
    bureau = table.bureau or {}

    def unit_value(unit_id: int, code: str):
        metric = by_code.get(code)
        return table.by_unit[unit_id][metric.pk] if metric else None

    assessed = [bureau[m.pk] for m in table.metrics if m.is_assessed]

    # Colour counts per unit: shown once a compliance run has checked the bureau (formulas._colours_checked).
    colours = {"available": False, "units": [], "unitIds": [], "red": [], "yellow": [], "green": [], "checked": 0}
    if all(code in by_code for code in COLOUR_CODES.values()):
        checked = bureau[by_code[COLOUR_CODES["green"]].pk].den if bureau else 0
        colours["checked"] = checked
        colours["available"] = checked > 0
        for unit in table.units:
            counts = {c: unit_value(unit.pk, code).num for c, code in COLOUR_CODES.items()}
            if colours["available"] and not any(counts.values()):
                continue
            colours["units"].append(unit.name)
            colours["unitIds"].append(unit.pk)
            for c in COLOUR_CODES:
                colours[c].append(counts[c])

    # Each month also by its period key ("2025-03"): a click on the chart opens that month's records.
    trend = {"months": [], "keys": [], "registered": [], "checked": []}
    series = selectors.monthly_series(bureau_id=user.bureau_id, period=period, codes=[TREND_CODE])[TREND_CODE]
    for month in period.months():
        num, den = series.get(month, (0, 0))
        trend["months"].append(f"{month.month}月")
        trend["keys"].append(f"{month:%Y-%m}")
        trend["registered"].append(den)
        trend["checked"].append(num)

    # Alerts raised and closed by month, from the stored figures (both series or neither).
    alert_codes = [ALERTS_OPENED_CODE, ALERTS_CLOSED_CODE]
    alerts = {"available": all(code in by_code and by_code[code].is_enabled for code in alert_codes)}
    alerts.update(months=[], keys=[], opened=[], closed=[], opened_total=0, closed_total=0)
    if alerts["available"]:
        series = selectors.monthly_series(bureau_id=user.bureau_id, period=period, codes=alert_codes)
        for month in period.months():
            alerts["months"].append(f"{month.month}月")
            alerts["keys"].append(f"{month:%Y-%m}")
            alerts["opened"].append(series[ALERTS_OPENED_CODE].get(month, (0, 0))[0])
            alerts["closed"].append(series[ALERTS_CLOSED_CODE].get(month, (0, 0))[0])
        alerts["opened_total"], alerts["closed_total"] = sum(alerts["opened"]), sum(alerts["closed"])

    training_rows = []
    for unit in table.units:
        attendance, passed = unit_value(unit.pk, ATTENDANCE_CODE), unit_value(unit.pk, PASS_CODE)
        participation, exam = unit_value(unit.pk, PARTICIPATION_CODE), unit_value(unit.pk, EXAM_CODE)
        if not any(v and (v.den or v.num) for v in (attendance, passed, participation, exam)):
            continue
        training_rows.append(
            {
                "unit": unit.name,
                "unit_id": unit.pk,
                "attendance": attendance,
                "participation": participation,
                "pass_rate": passed,
                "tested": passed.den if passed else 0,
                "exam": exam.num if exam else 0,
            }
        )
    window = {"held_on__gte": period.start, "held_on__lt": period.end, "bureau_id": user.bureau_id}
    training_total = {
        "sessions": TrainingSession.objects.filter(**window).count(),
        "tests": SpotTest.objects.filter(**window).count(),
        "tested": bureau[by_code[PASS_CODE].pk].den if PASS_CODE in by_code and bureau else 0,
        "pass_rate": bureau.get(by_code[PASS_CODE].pk) if PASS_CODE in by_code else None,
        "attendance": bureau.get(by_code[ATTENDANCE_CODE].pk) if ATTENDANCE_CODE in by_code else None,
        "exam": bureau[by_code[EXAM_CODE].pk].num if EXAM_CODE in by_code and bureau else 0,
    }

    # Unit ranking: the province's percentage metrics each unit meets (counts are the bureau's).
    ranking = []
    for unit, values in table.unit_rows():
        if not unit.handles_cases:  # the ranking compares the case-handling units (办案单位)
            continue
        judged = [v for v in values if v.metric.is_assessed and v.met is not None]
        if not judged:
            continue
        ranking.append({"unit": unit.name, "met": sum(1 for v in judged if v.met), "judged": len(judged)})
    ranking.sort(key=lambda r: (-r["met"] / r["judged"], -r["met"], r["unit"]))
    rank, previous = 0, None
    for index, row in enumerate(ranking, start=1):
        key = (row["met"], row["judged"])
        if key != previous:
            rank, previous = index, key
        row["rank"] = rank

    rectification = by_code.get(RECTIFICATION_CODE)
    chart = {
        "labels": {
            "met": _("Met"),
            "notMet": _("Not met"),
            "notJudged": _("Not judged"),
            "registered": _("Reports registered"),
            "checked": _("Reports checked"),
            "red": _("Red"),
            "yellow": _("Yellow"),
            "green": _("Green"),
            "attendance": _("Attendance rate (%)"),
            "passRate": _("Pass rate (%)"),
            "alertsOpened": _("Alerts raised"),
            "alertsClosed": _("Alerts closed"),
        },
        "alerts": alerts,
        "summary": table.met_summary(),
        "trend": trend,
        "colours": colours,
        # The drill-down of a figure: the records page of a metric (CODE replaced), for the
        # period of the page, a month, or one unit; the same pages the metrics table opens.
        "links": {
            "records": reverse("reports:records", args=["CODE"]),
            "period": period.key,
            "colours": COLOUR_CODES,
            "trend": TREND_CODE,
            "alerts": {"opened": ALERTS_OPENED_CODE, "closed": ALERTS_CLOSED_CODE},
            "training": {"attendance": ATTENDANCE_CODE, "passRate": PASS_CODE},
        },
        "training": {
            "unitIds": [r["unit_id"] for r in training_rows],
            "units": [r["unit"] for r in training_rows],
            "attendance": [_num(r["attendance"]) for r in training_rows],
            "passRate": [_num(r["pass_rate"]) for r in training_rows],
        },
    }
    return {
        "table": table,
        "assessed": assessed,
        "summary": table.met_summary(),
        "colours": colours,
        "trend": trend,
        "training_rows": training_rows,
        "training_total": training_total,
        "ranking": ranking,
        "alerts": alerts,
        "rectification": bureau.get(rectification.pk) if rectification else None,
        "chart": chart,
        "state": table.state,
    }


def _num(value):
    if value is None or value.value is None:
        return None
    return float(value.value)
