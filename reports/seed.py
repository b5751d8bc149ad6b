"""The registry's starting set: the province's 17 graded figures (DESIGN §4) plus a few
informational ones the dashboard shows. Names, definitions and notes are data in Chinese (the
province's words); an administrator edits them in the admin. A metric whose records the portal
does not keep is present but disabled, with a note, and never counted in "N of M met"."""

from __future__ import annotations

# The notes of the metrics that waited for the cases and inspections apps (migration 0002);
# migration 0003 clears them now that both have landed.
CASES_NOTE = "数据来源：案件模块（cases），尚未上线，暂不计入达标统计"
INSPECTIONS_NOTE = "数据来源：执法巡查模块（inspections），尚未上线，暂不计入达标统计"
REVERSAL_NOTE = "数据来源：平台尚未登记行政复议、行政诉讼案件及其结果，暂无数据，不计入达标统计"

# Formulas with no records behind them: their metrics are seeded disabled.
UNAVAILABLE_FORMULAS = ("inspections.reversal_rate",)

# What each figure counts, in the words shown beside it (Metric.description).
DESCRIPTIONS: dict[str, str] = {
    "JC02": (
        "本期发现的“不如实受立案”类执法问题数：经审核确认的INT-03（疑似不如实受立案）、INT-04（重复报警未解决）"
        "预警及执法巡查（警情回访、案卷评查等）认定的问题，按发现时间计入月份。"
    ),
    "JC07": "本期撤销的刑事案件数 ÷ 本期立案的刑事案件数；撤案按撤案时间、立案按立案时间计入月份。",
    "JC08": (
        "本期首次出现办案期限类红色预警（CAS-01至07、CAS-11、CAS-12，可在参数rules中调整）的案件数，"
        "每案只计一次，计入首次预警的月份；已排除的预警不计。"
    ),
    "JC09": "本期发起的CAS-09（涉案财物未在24小时内移交保管）预警数，已排除的不计。",
    "JC10": "本期发起的CAS-08（讯问、询问在场民警不足2人）预警数，已排除的不计。",
    "JC11": "本期发起的CAS-14（取保候审、监视居住人员超期未报到）预警数，已排除的不计。",
    "JC12": "行政复议、行政诉讼被撤销、变更、确认违法的案件数 ÷ 复议诉讼审结案件数。平台尚无此项数据来源。",
    "JC13": (
        "整改期限在本期内且已到期（或已提前销号）的整改通知中，已销号的比例；按整改期限计入月份，以统计时的状态为准。"
    ),
    "JC14": "本期作出执法过错责任追究决定的人数（每人每案一条，容错免责的不计），按决定时间计入月份。",
    "XX05": "流程管控规则本期发起的预警数，按发起时间计入月份。",
    "XX06": "本期办结的预警数：经审核确认或排除（按审核时间），或记录整改合规后自动解除（按解除时间）。",
}

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
        "",
    ),
    ("JC03", "治安警情受案率", "intake.acceptance_rate", "percent", "%", "higher", "75", "year", {}, True, ""),
    ("JC04", "刑事警情立案率", "intake.filing_rate", "percent", "%", "higher", "80", "year", {}, True, ""),
    ("JC05", "不予受理（立案）率", "intake.decline_rate", "percent", "%", "lower", "10", "year", {}, True, ""),
    ("JC06", "超3日未决警情数", "intake.pending_overdue", "count", "起", "lower", "0", "year", {"days": 3}, True, ""),
    ("JC07", "刑事撤案率", "cases.withdrawal_rate", "percent", "%", "lower", "5", "year", {}, True, ""),
    ("JC08", "超期案件数", "cases.overdue", "count", "起", "lower", "0", "year", {}, True, ""),
    ("JC09", "涉案财物超时移交数", "cases.property_late", "count", "起", "lower", "0", "year", {}, True, ""),
    ("JC10", "单人取证数", "cases.single_officer", "count", "次", "lower", "0", "year", {}, True, ""),
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
        "",
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
        REVERSAL_NOTE,
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
        "",
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
        "",
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
    ("XX05", "预警发起数", "cases.alerts_opened", "count", "条", "lower", None, "year", {}, False, ""),
    ("XX06", "预警办结数", "cases.alerts_closed", "count", "条", "higher", None, "year", {}, False, ""),
]


def metrics_ensure() -> None:
    """The registry that the data migration loads, put back where a database lost it (one
    flushed by a transactional test, a hand-made one). Edited metrics are left alone."""
    from reports.models import Metric

    seed_metrics(Metric)


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
                "is_enabled": formula not in UNAVAILABLE_FORMULAS,
                "note": note,
                "description": DESCRIPTIONS.get(code, ""),
                "position": position,
            },
        )
