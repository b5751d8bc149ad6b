"""The starting text of a new annual report. The report is a Chinese official document: its
words are data that leadership rewords in the portal, not interface strings (no gettext).
Figures appear as {placeholders} and are filled from the data when the report is built."""

from __future__ import annotations

DEFAULT_ADDRESSEES = "县人民政府："

DEFAULT_INTRO = (
    "{year}年，我局坚持以习近平法治思想为指导，认真贯彻落实党中央、国务院关于法治政府建设的决策部署，"
    "围绕严格规范公正文明执法，持续深化执法监督管理，全面提升执法质量。现将{year}年法治政府建设工作情况报告如下："
)

DEFAULT_MEASURES = """（一）严把接报案源头关口。全年共登记接报警情{incidents_registered}起，核查警情{incidents_checked}起，警情核查率{check_rate}，发现不如实受立案问题{untruthful_found}起；治安警情受案率{acceptance_rate}，刑事警情立案率{filing_rate}，不予受理（立案）率{decline_rate}。对超过3日未作出处理决定的{pending_overdue}起警情逐一督办。
（二）深化学法用法常态化。全年组织每周夜学、法制大讲堂、庭审旁听等学法培训{sessions_held}场次，到课率{attendance_rate}；开展法律知识抽测{spot_tests_held}次，参考民警{officer_times_tested}人次，参考率{spot_participation}，合格率{spot_pass_rate}。全局现有{legal_exam_holders}名民警通过国家统一法律职业资格考试，其中本年度新增{legal_exam_passes}名。
（三）强化执法质量考核。省厅考核的{metrics_total}项执法数据中，本年度已纳入系统统计{metrics_available}项，其中设定考核目标的{metrics_judged}项中达标{metrics_met}项。刑事撤案率{withdrawal_rate}，超期案件{overdue_cases}起；执法问题整改闭环率{rectification_closure}，追究执法过错责任{accountability}人。
（四）严格落实防止干预司法“三个规定”。全年民警主动记录报告干预司法活动、插手具体案件处理等情况{interference_total}起，其中领导干部干预{interference_leaders}起、司法机关内部人员过问{interference_insiders}起，做到全面记录、如实报告。"""  # noqa: E501

DEFAULT_SHORTCOMINGS = (
    "分析原因，一是部分民警执法理念仍有偏差，重打击轻规范的思想依然存在；"
    "二是执法监督的精细化、信息化水平还需进一步提升；"
    "三是新入警民警占比较高，执法经验和法律素养有待加强。"
)

DEFAULT_PLAN = """（一）持续推进执法规范化建设，完善接报案、受立案全流程监督管理。
（二）深化学法用法常态化，提升民警法律素养和执法能力。
（三）健全执法监督长效机制，做好问题整改闭环和执法过错责任追究。"""

UNAVAILABLE = "【暂无数据】"

HEADINGS = {
    "measures": "一、{year}年推进法治政府建设的主要举措和成效",
    "shortcomings": "二、存在的不足和原因",
    "plan": "三、{next_year}年推进法治政府建设的主要安排",
}

# What a report printed before the inspections app landed (snapshot format 1); kept so that a
# report published then is rebuilt with the same words.
NO_FINDINGS = "（执法巡查模块尚未上线，本年度暂无可按类别统计的巡查问题数据。）"
NO_FINDINGS_IN_YEAR = "本年度执法巡查未发现执法问题。"
FINDINGS_TOTAL = "全年执法巡查共发现执法问题{total}个，按类别统计如下："
CHINESE_NUMERALS = "一二三四五六七八九十"


def default_title(organ: str, year: int) -> str:
    return f"{organ}关于{year}年度法治政府建设工作情况的报告"
