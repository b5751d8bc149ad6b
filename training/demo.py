"""Demo training year: weekly evening study and other sessions with attendance, a question bank
of real-sounding legal questions, four spot tests taken by sampled officers, qualifications
(法考 passes included), a competition, case-review tests, guidance and the talent pool.
Deterministic from ctx.rng; written in bulk so that seeding stays fast."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings

from org.demo import DemoContext
from org.models import Role, Unit, UnitKind, User
from training import services
from training.models import (
    LETTERS,
    Answer,
    Attempt,
    AttemptStatus,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    CaseReviewTest,
    Competition,
    CompetitionRound,
    CompetitionScore,
    CompetitionTeam,
    Qualification,
    QualificationKind,
    Question,
    QuestionKind,
    SessionAudience,
    SessionKind,
    SpotTest,
    TalentProfile,
    TestStatus,
    TrainingSession,
)

S, M, TF = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE
CPL = "刑事诉讼法"
PSAPL = "治安管理处罚法"
CRIM_RULES = "公安机关办理刑事案件程序规定"
ADMIN_RULES = "公安机关办理行政案件程序规定"
HOURS = ["12小时", "24小时", "48小时", "72小时"]

# (type, question, options, answer key, law, topic)
QUESTIONS = [
    (S, "拘留后，应当立即将被拘留人送看守所羁押，至迟不得超过多少小时？", HOURS, "B", CPL, "强制措施"),
    (S, "除无法通知等法定情形外，应当在拘留后多少小时以内通知被拘留人的家属？", HOURS, "B", CPL, "强制措施"),
    (S, "公安机关对被拘留的人，应当在拘留后多少小时以内进行讯问？", HOURS, "B", CPL, "强制措施"),
    (
        S,
        "公安机关对被拘留的人认为需要逮捕的，一般应当在拘留后几日以内提请人民检察院审查批准？",
        ["1日", "3日", "7日", "30日"],
        "B",
        CPL,
        "强制措施",
    ),
    (
        S,
        "对流窜作案、多次作案、结伙作案的重大嫌疑分子，提请审查批准的时间可以延长至多少日？",
        ["7日", "14日", "30日", "37日"],
        "C",
        CPL,
        "强制措施",
    ),
    (
        S,
        "传唤、拘传持续的时间不得超过12小时；案情特别重大、复杂，需要采取拘留、逮捕措施的，不得超过多少小时？",
        ["12小时", "24小时", "36小时", "48小时"],
        "B",
        CPL,
        "强制措施",
    ),
    (S, "取保候审最长不得超过多少个月？", ["3个月", "6个月", "12个月", "24个月"], "C", CPL, "强制措施"),
    (S, "监视居住最长不得超过多少个月？", ["3个月", "6个月", "12个月", "24个月"], "B", CPL, "强制措施"),
    (M, "下列属于刑事诉讼法规定的强制措施的有？", ["拘传", "取保候审", "监视居住", "行政拘留"], "ABC", CPL, "强制措施"),
    (TF, "不得以连续传唤、拘传的形式变相拘禁犯罪嫌疑人。", [], "T", CPL, "强制措施"),
    (TF, "讯问犯罪嫌疑人可以由一名侦查人员单独进行。", [], "F", CPL, "证据与讯问"),
    (
        M,
        "对可能判处无期徒刑、死刑的案件或者其他重大犯罪案件，讯问过程的录音录像应当？",
        ["进行录音或者录像", "全程进行", "保持完整性", "可以事后补录"],
        "ABC",
        CPL,
        "证据与讯问",
    ),
    (
        S,
        "犯罪嫌疑人自被侦查机关第一次讯问或者采取强制措施之日起，有权委托？",
        ["辩护人", "诉讼代理人", "监护人", "保证人"],
        "A",
        CPL,
        "证据与讯问",
    ),
    (TF, "采用刑讯逼供等非法方法收集的犯罪嫌疑人供述，应当予以排除。", [], "T", CPL, "证据与讯问"),
    (M, "刑事诉讼法规定的证据种类包括？", ["物证", "书证", "电子数据", "侦查人员的推测"], "ABC", CPL, "证据与讯问"),
    (
        S,
        "证据必须经过什么，才能作为定案的根据？",
        ["查证属实", "领导审批", "当事人确认", "公证"],
        "A",
        CPL,
        "证据与讯问",
    ),
    (TF, "询问证人应当个别进行。", [], "T", CPL, "证据与讯问"),
    (
        S,
        "公安机关侦查终结的案件，应当做到犯罪事实清楚，证据确实、充分，并且写出什么？",
        ["起诉意见书", "结案报告", "破案报告", "呈请报告"],
        "A",
        CPL,
        "办案期限",
    ),
    (
        S,
        "对犯罪嫌疑人逮捕后的侦查羁押期限一般不得超过几个月？",
        ["1个月", "2个月", "3个月", "6个月"],
        "B",
        CPL,
        "办案期限",
    ),
    (
        M,
        "治安管理处罚的种类包括？",
        ["警告", "罚款", "行政拘留", "吊销公安机关发放的许可证"],
        "ABCD",
        PSAPL,
        "治安处罚",
    ),
    (S, "行政拘留处罚合并执行的，最长不超过多少日？", ["15日", "20日", "30日", "60日"], "B", PSAPL, "治安处罚"),
    (
        S,
        "违反治安管理行为在多少个月内没有被公安机关发现的，不再处罚？",
        ["3个月", "6个月", "12个月", "24个月"],
        "B",
        PSAPL,
        "治安处罚",
    ),
    (S, "询问查证可能适用行政拘留处罚的违反治安管理行为人，时间不得超过多少小时？", HOURS, "B", PSAPL, "治安处罚"),
    (TF, "已满十四周岁不满十八周岁的人违反治安管理的，从轻或者减轻处罚。", [], "T", PSAPL, "治安处罚"),
    (
        S,
        "殴打他人的，处五日以上十日以下拘留，并处多少罚款？",
        ["二百元以上五百元以下", "五百元以下", "一千元以下", "二百元以下"],
        "A",
        PSAPL,
        "治安处罚",
    ),
    (TF, "公安机关办理治安案件，严禁以威胁、引诱、欺骗等非法手段收集证据。", [], "T", PSAPL, "治安处罚"),
    (
        S,
        "作出吊销许可证以及处多少元以上罚款的治安管理处罚决定前，应当告知当事人有权要求听证？",
        ["五百元", "一千元", "二千元", "五千元"],
        "C",
        PSAPL,
        "治安处罚",
    ),
    (
        M,
        "违反治安管理有下列哪些情形的，减轻处罚或者不予处罚？",
        [
            "情节特别轻微的",
            "主动消除或者减轻违法后果，并取得被侵害人谅解的",
            "出于他人胁迫或者诱骗的",
            "六个月内曾受过治安管理处罚的",
        ],
        "ABC",
        PSAPL,
        "治安处罚",
    ),
    (TF, "对于因民间纠纷引起的打架斗殴，情节较轻的，公安机关可以调解处理。", [], "T", PSAPL, "调解"),
    (TF, "经公安机关调解，当事人达成协议并履行的，不予处罚。", [], "T", PSAPL, "调解"),
    (
        S,
        "经调解未达成协议或者达成协议后不履行的，公安机关应当？",
        ["依法对违反治安管理行为人给予处罚", "终止办理", "告知当事人向法院起诉后结案", "反复调解直至达成协议"],
        "A",
        PSAPL,
        "调解",
    ),
    (
        M,
        "下列情形中，不适用调解处理的有？",
        ["雇凶伤害他人的", "结伙斗殴的", "多次实施违反治安管理行为的", "邻里之间因琐事引发的轻微殴打"],
        "ABC",
        ADMIN_RULES,
        "调解",
    ),
    (
        S,
        "办理治安案件的期限，自受理之日起一般不得超过多少日？",
        ["15日", "30日", "60日", "90日"],
        "B",
        PSAPL,
        "办案期限",
    ),
    (
        S,
        "治安案件案情重大、复杂的，经上一级公安机关批准，可以延长多少日？",
        ["15日", "30日", "60日", "90日"],
        "B",
        PSAPL,
        "办案期限",
    ),
    (
        S,
        "公安机关接受案件后，认为有犯罪事实需要追究刑事责任且属于自己管辖的，经谁批准予以立案？",
        ["县级以上公安机关负责人", "办案民警", "派驻法制员", "值班民警"],
        "A",
        CRIM_RULES,
        "受案立案",
    ),
    (
        S,
        "控告人对不予立案决定不服的，可以在收到不予立案通知书后几日以内向作出决定的公安机关申请复议？",
        ["3日", "5日", "7日", "10日"],
        "C",
        CRIM_RULES,
        "受案立案",
    ),
    (TF, "公安机关接受案件时，应当制作受案登记表，并出具回执。", [], "T", CRIM_RULES, "受案立案"),
    (
        S,
        "对有控告人的案件决定不予立案的，应当在几日以内将不予立案通知书送达控告人？",
        ["1日", "3日", "7日", "10日"],
        "B",
        CRIM_RULES,
        "受案立案",
    ),
    (
        M,
        "侦查人员有下列哪些情形的，应当自行提出回避申请？",
        [
            "是本案的当事人或者当事人的近亲属",
            "本人或者他的近亲属和本案有利害关系",
            "担任过本案的证人",
            "与本案当事人是同乡",
        ],
        "ABC",
        CRIM_RULES,
        "受案立案",
    ),
    (
        TF,
        "对于扭送、报案、控告、举报或者犯罪嫌疑人自动投案的，公安机关都应当立即接受，问明情况，并制作笔录。",
        [],
        "T",
        CRIM_RULES,
        "受案立案",
    ),
    (
        S,
        "初查过程中，公安机关不得采取的措施是？",
        ["询问", "查询", "勘验", "查封、扣押、冻结财产"],
        "D",
        CRIM_RULES,
        "受案立案",
    ),
    (
        S,
        "办案人员应当在扣押涉案财物后多少小时以内将其移交涉案财物管理人员？",
        HOURS,
        "B",
        "公安机关涉案财物管理若干规定",
        "涉案财物",
    ),
    (TF, "办案人员可以自行保管涉案财物。", [], "F", "公安机关涉案财物管理若干规定", "涉案财物"),
    (
        M,
        "对涉案财物，公安机关应当做到？",
        ["登记造册", "集中管理", "随案移送或依法处理", "由办案民警个人存放"],
        "ABC",
        "公安机关涉案财物管理若干规定",
        "涉案财物",
    ),
    (
        S,
        "询问违法嫌疑人、被侵害人或者其他证人，人民警察不得少于几人？",
        ["1人", "2人", "3人", "4人"],
        "B",
        ADMIN_RULES,
        "证据与讯问",
    ),
    (TF, "询问不满十八周岁的违法嫌疑人，应当通知其父母或者其他监护人到场。", [], "T", ADMIN_RULES, "证据与讯问"),
    (
        S,
        "违反治安管理行为事实清楚，证据确凿，处警告或者多少元以下罚款的，可以当场作出处罚决定？",
        ["五十元", "二百元", "五百元", "一千元"],
        "B",
        PSAPL,
        "治安处罚",
    ),
    (M, "行政案件的证据包括？", ["物证", "视听资料", "现场笔录", "未经核实的传闻"], "ABC", ADMIN_RULES, "证据与讯问"),
    (TF, "检查妇女的身体，应当由女性工作人员或者医师进行。", [], "T", ADMIN_RULES, "证据与讯问"),
    (
        S,
        "醉酒的人对本人有危险或者对他人安全有威胁的，应当对其采取保护性措施约束至？",
        ["酒醒", "24小时", "12小时", "家属到场"],
        "A",
        PSAPL,
        "执法规范",
    ),
    (
        TF,
        "作出行政处罚决定前，应当告知拟处罚的事实、理由及依据，并告知当事人依法享有陈述权、申辩权。",
        [],
        "T",
        ADMIN_RULES,
        "执法规范",
    ),
    (
        S,
        "被决定行政拘留的人，由作出决定的公安机关送达哪里执行？",
        ["拘留所", "看守所", "戒毒所", "派出所"],
        "A",
        PSAPL,
        "执法规范",
    ),
    (
        S,
        "盗窃公私财物，数额较大的，或者多次盗窃、入户盗窃、携带凶器盗窃、扒窃的，构成？",
        ["盗窃罪", "抢夺罪", "诈骗罪", "侵占罪"],
        "A",
        "刑法",
        "罪名认定",
    ),
    (S, "二年内盗窃几次以上的，应当认定为“多次盗窃”？", ["二次", "三次", "四次", "五次"], "B", "刑法", "罪名认定"),
    (
        M,
        "诈骗罪的构成要件包括？",
        ["以非法占有为目的", "虚构事实或者隐瞒真相", "被害人基于错误认识处分财物", "使用暴力或者胁迫"],
        "ABC",
        "刑法",
        "罪名认定",
    ),
    (TF, "已满十六周岁的人犯罪，应当负刑事责任。", [], "T", "刑法", "罪名认定"),
    (
        S,
        "电信网络诈骗公私财物价值多少元以上的，认定为“数额较大”？",
        ["一千元", "三千元", "五千元", "一万元"],
        "B",
        "刑法",
        "罪名认定",
    ),
    (
        S,
        "家庭暴力情节较轻，依法不给予治安管理处罚的，公安机关可以对加害人给予批评教育或者出具？",
        ["告诫书", "警告书", "训诫书", "保证书"],
        "A",
        "反家庭暴力法",
        "家庭纠纷",
    ),
    (
        TF,
        "公安机关接到家庭暴力报案后应当及时出警，制止家庭暴力，按照有关规定调查取证。",
        [],
        "T",
        "反家庭暴力法",
        "家庭纠纷",
    ),
    (
        TF,
        "现场执法时，应当全程使用执法记录仪进行视音频记录。",
        [],
        "T",
        "公安机关现场执法视音频记录工作规定",
        "执法规范",
    ),
    (
        S,
        "现场执法视音频资料的保存期限一般不得少于？",
        ["1个月", "3个月", "6个月", "12个月"],
        "C",
        "公安机关现场执法视音频记录工作规定",
        "执法规范",
    ),
    (
        S,
        "人民警察遇有拒捕、暴乱等情形，可以依照什么规定使用武器？",
        ["人民警察使用警械和武器条例", "治安管理处罚法", "行政处罚法", "公务员法"],
        "A",
        "人民警察法",
        "执法规范",
    ),
]

WEEKLY_TOPICS = [
    "受案立案标准与不如实受立案问题",
    "刑事拘留后“三个24小时”要求",
    "取保候审、监视居住的执行与监管",
    "治安案件调解的适用范围",
    "询问笔录的规范制作",
    "涉案财物管理规定解读",
    "执法记录仪使用规范",
    "电信网络诈骗案件的证据收集",
    "盗窃案件数额认定与多次盗窃",
    "家庭暴力告诫书的适用",
    "行政处罚听证程序",
    "未成年人案件办理要求",
    "醉酒人员保护性约束措施",
    "行政案件办案期限与延长审批",
]
LECTURES = [
    "新修订治安管理处罚法解读",
    "刑事诉讼中的非法证据排除",
    "公安执法中的程序正义",
    "电信网络诈骗犯罪的法律适用",
    "行政复议与行政诉讼败诉案例分析",
    "涉企案件的执法边界",
]

GUIDANCE = [
    (
        "criminal",
        "盗窃",
        "盗窃警情处置与立案指引",
        "\n".join(
            [
                "1. 到场后核实被盗财物、时间、地点，固定现场并通知技术员勘查。",
                "2. 询问报警人和被害人，制作询问笔录（民警不少于二人）。",
                "3. 调取周边监控，提取痕迹物证。",
                "4. 核算被盗财物价值，必要时委托价格认定。",
                "5. 达到立案标准的，3日内作出立案决定；需初查的不超过7日。",
            ]
        ),
        "受案登记表、受案回执、询问笔录、现场勘验笔录、价格认定委托书、立案决定书",
        "受案后24小时内完成审查；刑事立案审查一般3日，初查最长7日（经批准30日）。",
        "有损失金额却按“非案件类”结案；多次盗窃未累计认定；未出具受案回执。",
        "刑法第264条；公安机关办理刑事案件程序规定第175条以下",
    ),
    (
        "criminal",
        "诈骗",
        "电信网络诈骗警情处置指引",
        "\n".join(
            [
                "1. 立即询问转账时间、账户、金额，第一时间开展止付冻结。",
                "2. 提取聊天记录、转账凭证等电子数据，制作提取笔录。",
                "3. 被骗金额3000元以上的，依法受案并审查立案。",
                "4. 录入反诈平台，开展串并案研判。",
            ]
        ),
        "受案登记表、询问笔录、电子数据提取笔录、协助冻结财产通知书",
        "止付冻结须在接警后立即发起；立案审查3日。",
        "未及时止付造成资金转移；金额未达立案标准即不予登记；电子数据提取不规范。",
        "刑法第266条；电信网络诈骗刑事案件意见（2016）",
    ),
    (
        "administrative",
        "殴打他人",
        "殴打他人治安案件办理指引",
        "\n".join(
            [
                "1. 制止违法行为，救治伤者，控制现场。",
                "2. 分别询问双方当事人及证人，民警不少于二人。",
                "3. 开具伤情鉴定委托，伤情达到轻伤的转为刑事案件。",
                "4. 符合调解条件的可以调解，调解不成的依法处罚。",
            ]
        ),
        "受案登记表、询问笔录、伤情鉴定委托书、调解协议书或处罚决定书",
        "自受理之日起30日内办结，重大复杂的经批准延长30日。",
        "伤情未鉴定即调解结案；结伙斗殴违规调解；单人询问。",
        "治安管理处罚法第43条、第9条",
    ),
    (
        "dispute",
        "家庭纠纷",
        "家庭纠纷与家庭暴力处置指引",
        "\n".join(
            [
                "1. 及时出警，制止家庭暴力，隔离双方。",
                "2. 询问当事人、证人，查看伤情，必要时送医。",
                "3. 情节较轻的，出具家庭暴力告诫书；构成违法的依法处罚。",
                "4. 告知受害人可申请人身安全保护令。",
            ]
        ),
        "出警记录、询问笔录、家庭暴力告诫书",
        "告诫书应当在查明事实后及时出具并送交当事人。",
        "把家庭暴力当作一般家庭矛盾简单劝和；未出具告诫书；未留存伤情证据。",
        "反家庭暴力法第15条、第16条",
    ),
    (
        "dispute",
        "邻里纠纷",
        "邻里纠纷调处指引",
        "\n".join(
            [
                "1. 了解纠纷起因，疏导情绪，防止矛盾激化。",
                "2. 不涉及违法的，引导人民调解或诉讼解决。",
                "3. 涉及违反治安管理的，按治安案件受理。",
            ]
        ),
        "出警记录、调解记录",
        "",
        "把已经构成违法的打架按纠纷处理；未做回访。",
        "治安管理处罚法第9条",
    ),
    (
        "help",
        "求助",
        "群众求助处置指引",
        "\n".join(
            [
                "1. 问明求助事项，属于公安职责的立即处置。",
                "2. 不属于公安职责的，告知或移交相关部门并记录。",
                "3. 涉及走失人员、危难救助的，第一时间组织力量。",
            ]
        ),
        "出警记录、移交记录",
        "危难救助立即响应。",
        "把应当受案的报警登记为求助。",
        "人民警察法第21条",
    ),
    (
        "other",
        "交通事故",
        "道路交通事故警情移交指引",
        "\n".join(
            [
                "1. 到场后保护现场，救治伤员，疏导交通。",
                "2. 通知交通警察大队事故处理民警到场。",
                "3. 涉嫌交通肇事罪、危险驾驶罪的，依法控制嫌疑人。",
            ]
        ),
        "出警记录、移交记录",
        "伤亡事故立即通知交警到场。",
        "未固定现场证据即撤离；醉驾未及时抽血检验。",
        "道路交通安全法第70条",
    ),
]


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


def seed_training(ctx: DemoContext) -> None:
    rng = ctx.rng
    bureau = ctx.bureau
    year = ctx.year
    units = list(Unit.objects.filter(bureau=bureau).order_by("code"))
    by_code = {u.code: u for u in units}
    officers = list(
        User.objects.filter(
            bureau=bureau, is_active=True, is_auxiliary=False, role__in=services.TRAINED_ROLES, unit__isnull=False
        ).order_by("police_number")
    )
    supervisors = list(User.objects.filter(bureau=bureau, role=Role.SUPERVISOR).order_by("police_number"))
    organiser = supervisors[0] if supervisors else None
    skill = {o.pk: rng.uniform(0.55, 0.97) for o in officers}
    # The spot-test answers draw from the shared stream a number of times that depends on database
    # ids (each attempt's questions are seeded by test and officer id); everything after them draws
    # from this stream instead, so qualifications and the rest are the same for a seed in any database.
    after_tests_rng = random.Random(rng.randrange(2**63))

    # --- Sessions and attendance ---
    sessions: list[TrainingSession] = []
    audiences: list[tuple[int, list[Unit]]] = []
    first_wednesday = date(year, 1, 1) + timedelta(days=(2 - date(year, 1, 1).weekday()) % 7)
    day = first_wednesday
    week = 0
    while day.year == year:
        if not (date(year, 1, 25) <= day <= date(year, 2, 10)):  # no evening study in the Spring Festival
            sessions.append(
                TrainingSession(
                    bureau=bureau,
                    kind=SessionKind.WEEKLY_STUDY,
                    topic=WEEKLY_TOPICS[week % len(WEEKLY_TOPICS)],
                    held_on=day,
                    organiser=organiser,
                    for_all_units=True,
                    materials="学习材料：相关法律条文及典型案例（法制大队编印）",
                )
            )
            audiences.append((len(sessions) - 1, []))
            week += 1
        day += timedelta(days=7)
    handling = [u for u in units if u.kind in (UnitKind.STATION, UnitKind.BRIGADE)]
    for month in range(1, 13):
        held = date(year, month, 20 if month != 2 else 24)
        if month % 2 == 0:
            sessions.append(
                TrainingSession(
                    bureau=bureau,
                    kind=SessionKind.LECTURE,
                    topic=LECTURES[(month // 2 - 1) % len(LECTURES)],
                    held_on=held,
                    organiser=organiser,
                    for_all_units=True,
                )
            )
            audiences.append((len(sessions) - 1, []))
        sessions.append(
            TrainingSession(
                bureau=bureau,
                kind=SessionKind.CASE_ANALYSIS,
                topic=f"{month}月执法问题查摆剖析会",
                held_on=held + timedelta(days=3),
                organiser=organiser,
                for_all_units=False,
            )
        )
        audiences.append((len(sessions) - 1, rng.sample(handling, 4)))
        if month in (3, 5, 9, 11):
            sessions.append(
                TrainingSession(
                    bureau=bureau,
                    kind=SessionKind.COURT_HEARING,
                    topic="旁听县人民法院刑事案件庭审",
                    held_on=held - timedelta(days=5),
                    organiser=organiser,
                    for_all_units=False,
                )
            )
            audiences.append((len(sessions) - 1, rng.sample(handling, 3)))
        if month in (4, 10):
            sessions.append(
                TrainingSession(
                    bureau=bureau,
                    kind=SessionKind.SHADOW,
                    topic="新警到法制大队跟班学习",
                    held_on=held - timedelta(days=10),
                    organiser=organiser,
                    for_all_units=False,
                )
            )
            audiences.append((len(sessions) - 1, [by_code["FZDD"]] if "FZDD" in by_code else []))
    TrainingSession.objects.bulk_create(sessions)
    SessionAudience.objects.bulk_create(
        [SessionAudience(bureau=bureau, session=sessions[i], unit=u) for i, us in audiences for u in us]
    )
    by_unit: dict[int, list[User]] = {}
    for officer in officers:
        by_unit.setdefault(officer.unit_id, []).append(officer)
    attendance = []
    for index, unit_list in audiences:
        session = sessions[index]
        roster = officers if session.for_all_units else [o for u in unit_list for o in by_unit.get(u.pk, [])]
        signed = _local(session.held_on, time(19, 25))
        for officer in roster:
            roll = rng.random()
            status = (
                AttendanceStatus.PRESENT
                if roll < 0.88
                else AttendanceStatus.EXCUSED
                if roll < 0.95
                else AttendanceStatus.ABSENT
            )
            attendance.append(
                Attendance(
                    bureau=bureau,
                    session=session,
                    officer=officer,
                    unit_id=officer.unit_id,
                    status=status,
                    source=AttendanceSource.IMPORT
                    if session.kind == SessionKind.WEEKLY_STUDY
                    else AttendanceSource.LIST,
                    signed_at=signed if status == AttendanceStatus.PRESENT else None,
                )
            )
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    ctx.progress("training sessions", len(sessions), len(sessions))

    # --- Question bank ---
    questions = Question.objects.bulk_create(
        [
            Question(bureau=bureau, kind=k, text=text, options=options, answer=answer, law=law, topic=topic)
            for k, text, options, answer, law, topic in QUESTIONS
        ]
    )
    pools: dict[str, list[int]] = {}
    for q in sorted(questions, key=lambda q: q.pk):
        pools.setdefault(q.topic, []).append(q.pk)
    by_id = {q.pk: q for q in questions}

    # --- Four spot tests, each sent to a sample of the case-handling units' officers ---
    plans = [
        (3, "第一季度法律知识抽测", [("强制措施", 4), ("受案立案", 3), ("治安处罚", 3)]),
        (6, "第二季度法律知识抽测", [("证据与讯问", 4), ("涉案财物", 2), ("调解", 2), ("办案期限", 2)]),
        (9, "第三季度法律知识抽测", [("罪名认定", 3), ("治安处罚", 4), ("执法规范", 3)]),
        (12, "年终法律知识抽测", [("强制措施", 3), ("证据与讯问", 3), ("受案立案", 2), ("家庭纠纷", 2)]),
    ]
    handling_ids = [u.pk for u in handling]
    attempts: list[Attempt] = []
    answers: list[tuple[int, Question, str, Decimal, datetime]] = []
    for month, title, rules in plans:
        held = date(year, month, 18)
        test = SpotTest.objects.create(
            bureau=bureau,
            title=f"{year}年{title}",
            status=TestStatus.CLOSED,
            rules=[{"topic": t, "count": n} for t, n in rules],
            time_limit_minutes=30,
            pass_score=60,
            partial_credit=month == 6,
            question_seed=rng.randrange(2**31),
            held_on=held,
            created_by=organiser,
            closes_at=_local(held, time(21, 0)),
        )
        population = services.sample_population(bureau_id=bureau.pk, unit_ids=handling_ids)
        size = max(1, len(population) * 2 // 5)
        services.spot_test_sample(
            test=test, unit_ids=handling_ids, size=size, seed=rng.randrange(2**31), now=_local(held, time(9, 0))
        )
        drawn = list(test.candidates.select_related("officer"))
        for candidate in drawn:
            if rng.random() < 0.04:  # a few drawn officers were on duty and never started
                continue
            officer_id = candidate.officer_id
            seed = services.attempt_seed(test=test, officer_id=officer_id)
            ids = services.draw_questions(bureau_id=bureau.pk, rules=test.rules, seed=seed, pools=pools)
            started = _local(held, time(19, 30)) + timedelta(seconds=rng.randint(0, 300))
            used = timedelta(minutes=rng.randint(9, 29), seconds=rng.randint(0, 59))
            credit_sum = Decimal(0)
            correct = 0
            attempt_index = len(attempts)
            for qid in ids:
                q = by_id[qid]
                if rng.random() < 0.03:
                    continue  # left unanswered
                choice = q.answer if rng.random() < skill[officer_id] else _wrong(rng, q)
                credit = services.score_choice(kind=q.kind, key=q.answer, choice=choice, partial=test.partial_credit)
                credit_sum += credit
                correct += credit == 1
                answers.append((attempt_index, q, choice, credit, started + used * rng.random()))
            score = (credit_sum * 100 / len(ids)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            expired = rng.random() < 0.03
            attempts.append(
                Attempt(
                    bureau=bureau,
                    test=test,
                    officer_id=officer_id,
                    unit_id=candidate.unit_id,
                    status=AttemptStatus.EXPIRED if expired else AttemptStatus.SUBMITTED,
                    seed=seed,
                    question_ids=ids,
                    started_at=started,
                    deadline=started + timedelta(minutes=test.time_limit_minutes),
                    finished_at=started + (timedelta(minutes=test.time_limit_minutes) if expired else used),
                    correct_count=correct,
                    score=score,
                    passed=score >= test.pass_score,
                )
            )
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    Answer.objects.bulk_create(
        [
            Answer(bureau=bureau, attempt=attempts[i], question=q, choice=choice, credit=credit, answered_at=at)
            for i, q, choice, credit, at in answers
        ],
        batch_size=5000,
    )
    ctx.progress("spot tests", len(attempts), len(attempts))

    # --- Qualifications ---
    rng = after_tests_rng
    qualifications = []
    year_end = date(year, 12, 31)
    for officer in officers:
        hired = officer.hire_date or date(year - 5, 7, 1)
        if (year_end - hired).days > 365:
            # Obtained within the officer's first year or so, never after the demo year.
            obtained = min(hired + timedelta(days=rng.randint(200, 400)), year_end - timedelta(days=60))
            # Basic qualifications run for years; a few expire early next year (reminders).
            expires = (
                date(year + 1, rng.randint(1, 3), rng.randint(1, 28))
                if rng.random() < 0.08
                else (date(year + rng.randint(1, 4), rng.randint(1, 12), rng.randint(1, 28)))
            )
            qualifications.append(
                Qualification(
                    bureau=bureau,
                    officer=officer,
                    kind=QualificationKind.BASIC,
                    obtained_on=obtained,
                    expires_on=expires,
                    certificate_number=f"JB{obtained:%Y}{officer.police_number}",
                )
            )
        senior = officer.role in (Role.UNIT_LEADER, Role.LEGAL_OFFICER) or rng.random() < 0.15
        if senior and (year_end - hired).days > 5 * 365:
            obtained = date(year - rng.randint(0, 3), rng.randint(1, 12), rng.randint(1, 28))
            qualifications.append(
                Qualification(
                    bureau=bureau,
                    officer=officer,
                    kind=QualificationKind.INTERMEDIATE,
                    obtained_on=obtained,
                    expires_on=obtained + timedelta(days=5 * 365),
                    certificate_number=f"ZJ{obtained:%Y}{officer.police_number}",
                )
            )
        if officer.role == Role.LEGAL_OFFICER and rng.random() < 0.5:
            obtained = date(year - rng.randint(0, 2), 6, 30)
            qualifications.append(
                Qualification(
                    bureau=bureau,
                    officer=officer,
                    kind=QualificationKind.ADVANCED,
                    obtained_on=obtained,
                    expires_on=obtained + timedelta(days=5 * 365),
                    certificate_number=f"GJ{obtained:%Y}{officer.police_number}",
                )
            )
        exam_odds = 0.6 if officer.role == Role.LEGAL_OFFICER else 0.07
        if rng.random() < exam_odds:
            qualifications.append(
                Qualification(
                    bureau=bureau,
                    officer=officer,
                    kind=QualificationKind.LEGAL_EXAM,
                    obtained_on=date(year - rng.randint(0, 6), 12, rng.randint(1, 20)),
                    certificate_number=f"A{year}{rng.randint(10**11, 10**12 - 1)}",
                    subjective_passed=rng.random() < 0.8,
                )
            )
    Qualification.objects.bulk_create(qualifications)
    services.qualification_reminders_create(now=_local(year_end, time(2, 0)))

    # --- A competition ---
    competition = Competition.objects.create(
        bureau=bureau,
        title=f"{year}年全局法制比武",
        held_on=date(year, 10, 26),
        description="理论笔试、案卷评查、情景执法三轮，以单位组队参赛。",
    )
    rounds = CompetitionRound.objects.bulk_create(
        [
            CompetitionRound(bureau=bureau, competition=competition, name=name, position=i)
            for i, name in enumerate(["理论笔试", "案卷评查", "情景执法"], start=1)
        ]
    )
    teams = []
    members: list[tuple[int, User]] = []
    for team_unit in rng.sample(handling, min(6, len(handling))):
        team_members = [o for o in by_unit.get(team_unit.pk, []) if o.role == Role.OFFICER][:3]
        if not team_members:
            continue
        teams.append(
            CompetitionTeam(bureau=bureau, competition=competition, name=f"{team_unit.name}代表队", unit=team_unit)
        )
        members.extend((len(teams) - 1, o) for o in team_members)
    CompetitionTeam.objects.bulk_create(teams)
    CompetitionScore.objects.bulk_create(
        [
            CompetitionScore(
                bureau=bureau,
                round=r,
                team=teams[t],
                officer=o,
                unit_id=o.unit_id,
                score=Decimal(rng.randint(600, 990)) / 10,
            )
            for t, o in members
            for r in rounds
        ]
    )

    # --- Case-review tests of the unit leaders ---
    leaders = [o for o in officers if o.role == Role.UNIT_LEADER]
    reviews = []
    for leader in leaders:
        planted = rng.choice([8, 10, 12])
        found = min(planted, max(0, round(planted * rng.uniform(0.5, 1.0))))
        reviews.append(
            CaseReviewTest(
                bureau=bureau,
                leader=leader,
                unit_id=leader.unit_id,
                held_on=date(year, 8, rng.randint(5, 25)),
                case_file=rng.choice(["盗窃案卷（模拟）", "故意伤害案卷（模拟）", "治安调解案卷（模拟）"]),
                problems_planted=planted,
                problems_found=found,
                score=(Decimal(found) * 100 / planted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                examiner=organiser,
            )
        )
    CaseReviewTest.objects.bulk_create(reviews)

    # --- Guidance: a first version early in the year, a revision for two topics ---
    for category, topic, title, steps, documents, deadlines, mistakes, basis in GUIDANCE:
        services.guidance_publish(
            bureau_id=bureau.pk,
            category=category,
            topic=topic,
            title=title,
            steps=steps,
            documents=documents,
            deadlines=deadlines,
            common_mistakes=mistakes,
            legal_basis=basis,
            by=organiser,
            now=_local(date(year, 1, 15), time(10, 0)),
        )
        if topic in ("盗窃", "殴打他人"):
            services.guidance_publish(
                bureau_id=bureau.pk,
                category=category,
                topic=topic,
                title=title,
                steps=steps,
                documents=documents,
                deadlines=deadlines,
                common_mistakes=mistakes + "\n（修订）上半年巡查发现的新问题已补充。",
                legal_basis=basis,
                by=organiser,
                now=_local(date(year, 7, 1), time(10, 0)),
            )

    # --- Talent pool: legal officers and exam passers ---
    passers = {q.officer_id for q in qualifications if q.kind == QualificationKind.LEGAL_EXAM and q.subjective_passed}
    specialties = [
        "刑事诉讼程序",
        "经济犯罪",
        "治安案件办理",
        "涉案财物管理",
        "电信网络诈骗",
        "行政复议应诉",
        "未成年人案件",
    ]
    TalentProfile.objects.bulk_create(
        [
            TalentProfile(
                bureau=bureau,
                officer=o,
                specialties="，".join(rng.sample(specialties, 2)),
                summary="通过国家统一法律职业资格考试，长期参与疑难案件审核。"
                if o.pk in passers
                else "长期从事执法监督工作。",
                joined_on=date(year, 3, 1),
            )
            for o in officers
            if o.pk in passers or o.role == Role.LEGAL_OFFICER
        ]
    )
    ctx.progress("training", 1, 1)


def _wrong(rng: random.Random, question: Question) -> str:
    if question.kind == QuestionKind.TRUE_FALSE:
        return "F" if question.answer == "T" else "T"
    letters = LETTERS[: len(question.options)]
    if question.kind == QuestionKind.SINGLE:
        return rng.choice([c for c in letters if c != question.answer])
    # A typical miss: one correct option left out, or one wrong option added.
    chosen = set(question.answer)
    extra = [c for c in letters if c not in chosen]
    if len(chosen) > 1 and (rng.random() < 0.6 or not extra):
        chosen.discard(rng.choice(sorted(chosen)))
    else:
        chosen.add(rng.choice(extra))
    return "".join(sorted(chosen))
