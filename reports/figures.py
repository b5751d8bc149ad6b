"""The figures a report cites, computed from the data (never typed), and the text templates
that place them: `{name}` in a paragraph is replaced by the figure's text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from reports.periods import year_period
from reports.texts import UNAVAILABLE

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# name → (Chinese label shown beside the editor, metric code and part, if it is a metric's)
FIGURES: dict[str, tuple[str, str | None, str | None]] = {
    "year": ("报告年度", None, None),
    "next_year": ("下一年度", None, None),
    "incidents_registered": ("登记接报警情（起）", "JC01", "den"),
    "incidents_checked": ("核查警情（起）", "JC01", "num"),
    "check_rate": ("警情核查率", "JC01", "value"),
    "untruthful_found": ("发现不如实受立案（起）", "JC02", "value"),
    "acceptance_rate": ("治安警情受案率", "JC03", "value"),
    "filing_rate": ("刑事警情立案率", "JC04", "value"),
    "decline_rate": ("不予受理（立案）率", "JC05", "value"),
    "pending_overdue": ("超3日未决警情（起）", "JC06", "value"),
    "withdrawal_rate": ("刑事撤案率", "JC07", "value"),
    "overdue_cases": ("超期案件（起）", "JC08", "value"),
    "single_officer": ("单人取证（次）", "JC10", "value"),
    "rectification_closure": ("执法问题整改闭环率", "JC13", "value"),
    "accountability": ("追究执法过错责任（人）", "JC14", "value"),
    "legal_exam_passes": ("本年新增法考通过（人）", "JC15", "value"),
    "spot_participation": ("抽测参考率", "JC16", "value"),
    "spot_pass_rate": ("抽测合格率", "JC17", "value"),
    "officer_times_tested": ("抽测参考（人次）", "JC17", "den"),
    "attendance_rate": ("学法培训到课率", "XX01", "value"),
    "legal_exam_holders": ("现有法考通过民警（人）", None, None),
    "sessions_held": ("学法培训（场次）", None, None),
    "spot_tests_held": ("法律知识抽测（次）", None, None),
    "metrics_total": ("省厅考核执法数据（项）", None, None),
    "metrics_available": ("已纳入统计（项）", None, None),
    "metrics_judged": ("设定目标（项）", None, None),
    "metrics_met": ("达标（项）", None, None),
    "metrics_unavailable": ("数据暂缺（项）", None, None),
    "interference_total": ("记录报告干预司法（起）", None, None),
    "interference_leaders": ("其中领导干部干预（起）", None, None),
    "interference_insiders": ("其中司法机关内部人员过问（起）", None, None),
}

# The kinds of person of the interference register (inspections.InterfererKind) that the
# "three provisions" name: leading officials, and insiders of the judicial organs (police
# colleagues, procuratorate and court staff).
INTERFERENCE_LEADERS = ("leader",)
INTERFERENCE_INSIDERS = ("colleague", "judicial")


@dataclass(frozen=True)
class FindingGroup:
    category: str
    count: int
    examples: list[str] = field(default_factory=list)


EXAMPLES_PER_CATEGORY = 3
EXAMPLE_LENGTH = 40
# A finding made from a confirmed alert begins with its rule: "INT-01 受案审查超期：已超过期限…"
# (a deadline), "CAS-08 单人取证（讯问仅一名民警在场）" (a breach, no colon). The report names the
# category already, so the example keeps what happened: the code goes, and the rule's name up to
# its colon where there is one.
RULE_PREFIX = re.compile(r"^[A-Z]{3}-\d{2} (?:[^：\n]*：)?")
# A deadline as the rules write it, "期限 2025-01-17 24:00", read in a report as "期限1月17日24时".
DEADLINE = re.compile(r" ?(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})")


def _chinese_deadline(match: re.Match) -> str:
    _, month, day, hour, minute = (int(part) for part in match.groups())
    return f"{month}月{day}日{hour}时" + (f"{minute}分" if minute else "")


def example_text(*, unit: str, found_on: date, description: str) -> str:
    """'城关派出所3月5日，讯问时仅一名民警在场': the unit, the day found, the problem in short."""
    line = next((part.strip() for part in description.splitlines() if part.strip()), "")
    line = RULE_PREFIX.sub("", line).rstrip("。；;，,")
    line = DEADLINE.sub(_chinese_deadline, line)
    if len(line) > EXAMPLE_LENGTH:
        line = line[: EXAMPLE_LENGTH - 1]
        if line.rfind("（") > line.rfind("）"):  # a bracket cut open: drop its part, not half of it
            line = line[: line.rfind("（")]
        line = line.rstrip("，、；： ") + "…"
    return f"{unit}{found_on.month}月{found_on.day}日，{line}" if line else f"{unit}{found_on.month}月{found_on.day}日"


def findings_for_year(*, bureau_id: int, year: int) -> list[FindingGroup]:
    """The bureau's enforcement problems found in the year, by category, most frequent first
    (ties in the categories' own order), each with its most serious examples (then earliest)."""
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber
    from django.utils import timezone

    from inspections.models import Finding
    from reports.formulas import Window as Months

    months = Months(bureau_id=bureau_id, start=date(year, 1, 1), end=date(year + 1, 1, 1))
    findings = Finding.objects.filter(bureau_id=bureau_id, found_at__gte=months.start_at, found_at__lt=months.end_at)
    counts = list(
        findings.values("category_id", "category__name", "category__position", "category__code")
        .annotate(n=Count("id"))
        .order_by("-n", "category__position", "category__code")
    )
    examples: dict[int, list[str]] = {c["category_id"]: [] for c in counts}
    ranked = (
        findings.annotate(
            rank=Window(RowNumber(), partition_by=[F("category_id")], order_by=[F("severity"), F("found_at"), F("id")])
        )
        .filter(rank__lte=EXAMPLES_PER_CATEGORY)
        .order_by("category_id", "rank")
        .values_list("category_id", "unit__name", "found_at", "description")
    )
    for category_id, unit, found_at, description in ranked:
        examples[category_id].append(
            example_text(unit=unit, found_on=timezone.localdate(found_at), description=description)
        )
    return [FindingGroup(c["category__name"], c["n"], examples[c["category_id"]]) for c in counts]


def interference_figures(*, bureau_id: int, year: int) -> dict[str, int]:
    """The year's interference register (防止干预司法"三个规定") counts, from the inspections app."""
    from inspections.selectors import interference_counts
    from reports.formulas import Window

    window = Window(bureau_id=bureau_id, start=date(year, 1, 1), end=date(year + 1, 1, 1))
    counts = interference_counts(bureau=bureau_id, start=window.start_at, end=window.end_at)
    return {
        "interference_total": counts["total"],
        "interference_leaders": sum(counts.get(kind, 0) for kind in INTERFERENCE_LEADERS),
        "interference_insiders": sum(counts.get(kind, 0) for kind in INTERFERENCE_INSIDERS),
    }


def compute_figures(*, bureau_id: int, year: int) -> tuple[dict, list[dict]]:
    """(name → {"label", "text", "value", "available"}, the province's metrics as rows)."""
    from reports.selectors import bureau_values, target_text
    from training.selectors import training_statistics

    period = year_period(year)
    values = bureau_values(bureau_id=bureau_id, period=period)
    _rows, training = training_statistics(bureau=bureau_id, start=period.start, end=date(year, 12, 31))
    assessed = [v for v in values.values() if v.metric.is_assessed]
    judged = [v for v in assessed if v.met is not None]
    plain = {
        "year": year,
        "next_year": year + 1,
        "legal_exam_holders": training.legal_exam_passes,
        "sessions_held": training.sessions_held,
        "spot_tests_held": training.tests_held,
        "metrics_total": len(assessed),
        "metrics_available": sum(1 for v in assessed if v.available),
        "metrics_judged": len(judged),
        "metrics_met": sum(1 for v in judged if v.met),
        "metrics_unavailable": sum(1 for v in assessed if not v.available),
        **interference_figures(bureau_id=bureau_id, year=year),
    }
    figures: dict[str, dict] = {}
    for name, (label, code, part) in FIGURES.items():
        if code is None:
            value = plain[name]
            figures[name] = {"label": label, "value": value, "text": str(value), "available": True}
            continue
        metric_value = values.get(code)
        if metric_value is None or not metric_value.available:
            figures[name] = {"label": label, "value": None, "text": UNAVAILABLE, "available": False}
            continue
        if part == "num":
            value, text = metric_value.num, str(metric_value.num)
        elif part == "den":
            value, text = metric_value.den, str(metric_value.den)
        else:
            value = metric_value.value
            text = metric_value.text if value is not None else UNAVAILABLE
            value = str(value) if value is not None else None
        figures[name] = {"label": label, "value": value, "text": text, "available": value is not None}
    metric_rows = [
        {
            "code": v.metric.code,
            "name": v.metric.name,
            "value": v.text if v.available else UNAVAILABLE,
            "target": target_text(v.metric),
            "met": v.met,
            "available": v.available,
            "note": v.metric.note,
        }
        for v in sorted(assessed, key=lambda v: (v.metric.position, v.metric.code))
    ]
    return figures, metric_rows


def fill(text: str, figures: dict) -> str:
    """Replace each {name} by its figure's text; an unknown name is marked, never guessed."""

    def replace(match: re.Match) -> str:
        figure = figures.get(match.group(1))
        if figure is None:
            return f"【未知数据项：{match.group(1)}】"
        return figure["text"]

    return PLACEHOLDER.sub(replace, text)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in FIGURES})


def unavailable_placeholders(text: str, figures: dict) -> list[str]:
    return sorted({n for n in PLACEHOLDER.findall(text) if n in figures and not figures[n]["available"]})
