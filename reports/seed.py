"""The registry's starting set: the province's 17 graded figures (DESIGN §4) plus a few
informational ones the dashboard shows. Names and notes are data in Chinese (the province's
words); an administrator edits them in the admin. Metrics whose source app has not landed
are present but disabled, with a note, and never counted in "N of M met"."""

from __future__ import annotations

CASES_NOTE = "数据来源：案件模块（cases），尚未上线，暂不计入达标统计"
INSPECTIONS_NOTE = "数据来源：执法巡查模块（inspections），尚未上线，暂不计入达标统计"

# code, name, formula, measure, unit label, direction, target, period, parameters, assessed, note
METRICS: list[tuple] = [
    ("JC01", "警情核查率", "intake.checked", "percent", "%", "higher", "95", "year", {}, True, ""),
    (
        "JC02",
        "不如实受立案发现数",
        "cases.untruthful_found",
        "count",
        "起",
        "higher",
        None,
        "year",
        {},
        True,
        CASES_NOTE,
    ),
    ("JC03", "治安警情受案率", "intake.acceptance_rate", "percent", "%", "higher", "75", "year", {}, True, ""),
    ("JC04", "刑事警情立案率", "intake.filing_rate", "percent", "%", "higher", "80", "year", {}, True, ""),
    ("JC05", "不予受理（立案）率", "intake.decline_rate", "percent", "%", "lower", "10", "year", {}, True, ""),
    ("JC06", "超3日未决警情数", "intake.pending_overdue", "count", "起", "lower", "0", "year", {"days": 3}, True, ""),
    ("JC07", "刑事撤案率", "cases.withdrawal_rate", "percent", "%", "lower", "5", "year", {}, True, CASES_NOTE),
    ("JC08", "超期案件数", "cases.overdue", "count", "起", "lower", "0", "year", {}, True, CASES_NOTE),
    ("JC09", "涉案财物超时移交数", "cases.property_late", "count", "起", "lower", "0", "year", {}, True, CASES_NOTE),
    ("JC10", "单人取证数", "cases.single_officer", "count", "次", "lower", "0", "year", {}, True, CASES_NOTE),
    (
        "JC11",
        "取保候审人员脱管数",
        "cases.bail_unsupervised",
        "count",
        "人",
        "lower",
        "0",
        "year",
        {},
        True,
        CASES_NOTE,
    ),
    (
        "JC12",
        "行政复议诉讼被纠错率",
        "inspections.reversal_rate",
        "percent",
        "%",
        "lower",
        "5",
        "year",
        {},
        True,
        INSPECTIONS_NOTE,
    ),
    (
        "JC13",
        "执法问题整改闭环率",
        "inspections.rectification_closure",
        "percent",
        "%",
        "higher",
        "95",
        "year",
        {},
        True,
        INSPECTIONS_NOTE,
    ),
    (
        "JC14",
        "执法过错责任追究数",
        "inspections.accountability",
        "count",
        "人",
        "higher",
        None,
        "year",
        {},
        True,
        INSPECTIONS_NOTE,
    ),
    ("JC15", "法考通过人数", "training.legal_exam_passes", "count", "人", "higher", "1", "year", {}, True, ""),
    (
        "JC16",
        "法律知识抽测参考率",
        "training.spot_test_participation",
        "percent",
        "%",
        "higher",
        "95",
        "year",
        {},
        True,
        "",
    ),
    (
        "JC17",
        "法律知识抽测合格率",
        "training.spot_test_pass_rate",
        "percent",
        "%",
        "higher",
        "90",
        "year",
        {},
        True,
        "",
    ),
    # Informational: shown on the dashboard, not graded.
    ("XX01", "学法培训到课率", "training.attendance_rate", "percent", "%", "higher", "90", "year", {}, False, ""),
    ("XX02", "红色警情", "intake.colour_red", "count", "起", "lower", None, "year", {}, False, ""),
    ("XX03", "黄色警情", "intake.colour_yellow", "count", "起", "lower", None, "year", {}, False, ""),
    ("XX04", "绿色警情", "intake.colour_green", "count", "起", "higher", None, "year", {}, False, ""),
]

UNAVAILABLE_SOURCES = ("cases.", "inspections.")


def seed_metrics(Metric) -> None:
    """Insert the starting set; an existing code is left as the administrator edited it."""
    for position, row in enumerate(METRICS, start=1):
        code, name, formula, measure, unit_label, direction, target, period, params, assessed, note = row
        Metric.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "formula": formula,
                "measure": measure,
                "unit_label": unit_label,
                "direction": direction,
                "target": target,
                "period": period,
                "parameters": params,
                "is_assessed": assessed,
                "is_enabled": not formula.startswith(UNAVAILABLE_SOURCES),
                "note": note,
                "position": position,
            },
        )
