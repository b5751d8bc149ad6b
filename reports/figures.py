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
}


@dataclass(frozen=True)
class FindingGroup:
    category: str
    count: int
    examples: list[str] = field(default_factory=list)


def findings_for_year(*, bureau_id: int, year: int) -> list[FindingGroup]:
    """The year's inspection findings by category, most frequent first, with examples.

    The inspections app has not landed: there are no findings to read yet, and the
    shortcomings section says so. When it lands, read its findings here."""
    return []


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
