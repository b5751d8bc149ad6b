"""Demo incidents: a county bureau's year of reports, deterministic for a seed.

Channels, categories, day/night and weekday patterns in plausible proportions; numbers
without gaps per unit and day; loaded with COPY so 100k rows take seconds."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from intake.models import Category, Channel, Disposition, Incident, Source
from intake.validators import id_card_check_digit
from org import audit
from org.crypto import encrypt, lookup_hash
from org.demo import DemoContext, person_name
from org.models import Role, Unit, UnitKind, User

CHANNEL_WEIGHTS = [
    (Channel.CALL_110, 60),
    (Channel.WALK_IN, 20),
    (Channel.PHONE, 12),
    (Channel.ONLINE, 5),
    (Channel.TRANSFER, 3),
]
CATEGORY_WEIGHTS = [
    (Category.CRIMINAL, 15),
    (Category.ADMINISTRATIVE, 22),
    (Category.DISPUTE, 33),
    (Category.HELP, 22),
    (Category.OTHER, 8),
]
# Reports per hour of the day: quiet before dawn, busy in the evening.
HOUR_WEIGHTS = [3, 2, 2, 1, 1, 1, 2, 3, 5, 6, 6, 6, 5, 5, 6, 6, 6, 7, 8, 9, 9, 8, 6, 4]

STREETS = ["人民路", "解放路", "中山路", "建设路", "新华街", "文化路", "滨江路", "光明路", "东风路", "胜利街"]
PLACES = ["小区", "菜市场", "超市门口", "公交站", "网吧", "KTV", "工地", "学校附近", "停车场", "村委会旁"]
SUMMARIES = {
    Category.CRIMINAL: [
        ("报警人称其停放在{place}的电动车被盗，价值约{amount}元。", True),
        ("报警人称接到冒充客服电话，被骗转账{amount}元。", True),
        ("报警人称家中被盗，丢失现金及首饰约{amount}元。", True),
        ("报警人称在{place}被人持刀抢走手机，价值约{amount}元。", True),
        ("报警人称网购刷单被骗{amount}元。", True),
    ],
    Category.ADMINISTRATIVE: [
        ("报警人称在{place}与他人发生口角后被殴打，面部受伤。", False),
        ("报警人称{place}有人聚众赌博。", False),
        ("报警人称邻居深夜噪音扰民，多次协商无果。", False),
        ("报警人称其手机（价值约{amount}元）在{place}被盗。", True),
        ("报警人称有人在{place}酒后滋事，损坏财物约{amount}元。", True),
    ],
    Category.DISPUTE: [
        ("报警人称与邻居因宅基地边界发生纠纷。", False),
        ("报警人称与家人发生家庭纠纷，要求民警到场。", False),
        ("报警人称在{place}与商户因退货发生纠纷，涉及金额{amount}元。", True),
        ("报警人称两车在{place}发生剐蹭，双方对责任有争议。", False),
        ("报警人称工地拖欠工资{amount}元，与包工头发生争执。", True),
    ],
    Category.HELP: [
        ("报警人称其年迈父亲走失，请求帮助寻找。", False),
        ("报警人称钥匙锁在家中，请求帮助开锁。", False),
        ("报警人称在{place}捡到钱包一个，请求民警联系失主。", False),
        ("报警人称有醉酒人员倒在{place}，请求救助。", False),
        ("报警人称孩子放学未归，请求帮助寻找。", False),
    ],
    Category.OTHER: [
        ("报警人咨询户籍办理事宜。", False),
        ("报警人反映{place}路灯损坏存在安全隐患。", False),
        ("报警人误拨110。", False),
        ("报警人反映{place}有可疑人员徘徊。", False),
    ],
}
# (disposition, weight) per category for reports old enough to have been decided.
DISPOSITION_WEIGHTS = {
    Category.CRIMINAL: [
        (Disposition.FILED, 70),
        (Disposition.NOT_FILED, 8),
        (Disposition.TRANSFERRED, 5),
        (Disposition.NO_CASE, 4),
        (Disposition.PENDING, 13),
    ],
    Category.ADMINISTRATIVE: [
        (Disposition.ACCEPTED, 72),
        (Disposition.MEDIATED, 12),
        (Disposition.NOT_ACCEPTED, 6),
        (Disposition.NO_CASE, 4),
        (Disposition.PENDING, 6),
    ],
    Category.DISPUTE: [
        (Disposition.MEDIATED, 58),
        (Disposition.NO_CASE, 34),
        (Disposition.ACCEPTED, 5),
        (Disposition.PENDING, 3),
    ],
    Category.HELP: [(Disposition.NO_CASE, 96), (Disposition.PENDING, 4)],
    Category.OTHER: [(Disposition.NO_CASE, 93), (Disposition.PENDING, 7)],
}
REASONS = {
    Disposition.NOT_FILED: "经审查，没有犯罪事实，不予立案。",
    Disposition.NOT_ACCEPTED: "经审查，不属于公安机关职责范围，不予受理。",
    Disposition.TRANSFERRED: "经审查属于其他机关管辖，已移送。",
    Disposition.NO_CASE: "经核实，不属于案件类警情。",
}

COLUMNS = (
    "bureau_id",
    "unit_id",
    "number",
    "dispatch_id",
    "source",
    "version",
    "created_at",
    "created_by_id",
    "disposition",
    "disposition_reason",
    "decided_at",
    "decided_by_id",
    "is_complex",
    *Incident.content_columns(),  # the rows below list them in this order
    "reporter_id_hash",
)


def _weighted(rng, pairs):
    values = [v for v, _ in pairs]
    weights = [w for _, w in pairs]
    return lambda: rng.choices(values, weights)[0]


def _id_number(rng, year_now: int) -> str:
    born = date(rng.randint(1950, year_now - 16), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"3307{rng.randint(1, 99):02d}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_card_check_digit(first17)


def seed_incidents(ctx: DemoContext) -> None:
    if not ctx.incidents:
        return
    rng = ctx.rng
    tz = ZoneInfo(settings.TIME_ZONE)
    bureau = ctx.bureau
    units = list(Unit.objects.filter(bureau=bureau).order_by("code"))
    handling = [u for u in units if u.kind in (UnitKind.STATION, UnitKind.BRIGADE)]
    intake_centre = next(u for u in units if u.kind == UnitKind.INTAKE_CENTRE)
    # Stations take most reports; brigades some; the intake centre registers a few itself.
    unit_weights = [(u, 10 if u.kind == UnitKind.STATION else 3) for u in handling] + [(intake_centre, 4)]
    pick_unit = _weighted(rng, unit_weights)
    officers: dict[int, list[int]] = {}
    leaders: dict[int, list[int]] = {}
    for pk, unit_id, role in (
        User.objects.filter(bureau=bureau, unit__isnull=False)
        .order_by("police_number")
        .values_list("id", "unit_id", "role")
    ):
        (leaders if role == Role.UNIT_LEADER else officers).setdefault(unit_id, []).append(pk)
    pick_channel = _weighted(rng, CHANNEL_WEIGHTS)
    pick_category = _weighted(rng, CATEGORY_WEIGHTS)
    pick_disposition = {c: _weighted(rng, w) for c, w in DISPOSITION_WEIGHTS.items()}
    hours = list(range(24))

    start = datetime(ctx.year, 1, 1, tzinfo=tz)
    days = (datetime(ctx.year + 1, 1, 1, tzinfo=tz) - start).days
    day_weights = [(d, 11 if (start + timedelta(days=d)).weekday() >= 5 else 10) for d in range(days)]
    pick_day = _weighted(rng, day_weights)
    now = start.replace(year=ctx.year + 1)

    rows = []
    for n in range(ctx.incidents):
        unit = pick_unit()
        received = start + timedelta(
            days=pick_day(),
            hours=rng.choices(hours, HOUR_WEIGHTS)[0],
            minutes=rng.randrange(60),
            seconds=rng.randrange(60),
        )
        channel = pick_channel()
        category = pick_category()
        template, with_amount = rng.choice(SUMMARIES[category])
        amount = Decimal(rng.choice([200, 500, 800, 1500, 3000, 5000, 12000, 36000, 80000])) if with_amount else None
        place = rng.choice(STREETS) + rng.choice(PLACES)
        summary = template.format(place=place, amount=amount)
        anonymous = rng.random() < 0.06
        officer_ids = officers.get(unit.pk) or leaders.get(unit.pk)
        receiving = rng.choice(officer_ids)
        disposition = pick_disposition[category]()
        decided_at = None
        decided_by = None
        if disposition != Disposition.PENDING:
            # Most are decided within a day; some late (the rules will find them).
            delay = timedelta(hours=rng.choice([1, 2, 4, 8, 20, 30, 50, 80]) + rng.random())
            decided_at = received + delay
            decided_by = receiving
        created_by = receiving if channel != Channel.CALL_110 else None
        id_number = "" if anonymous or rng.random() < 0.3 else _id_number(rng, ctx.year)
        phone = "" if anonymous else f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        rows.append(
            [
                bureau.pk,
                unit.pk,
                None,  # number: given after sorting, without gaps per unit and day
                f"J{received:%Y%m%d%H%M%S}{n:07d}" if channel == Channel.CALL_110 else None,
                Source.IMPORT if channel == Channel.CALL_110 else Source.DESK,
                1,
                received + timedelta(minutes=rng.randint(1, 30)),
                created_by,
                disposition,
                REASONS.get(disposition, ""),
                decided_at,
                decided_by,
                False,
                channel,
                received,
                anonymous,
                "" if anonymous else person_name(rng),
                encrypt(id_number, purpose="reporter_id_number"),  # stored encrypted (org/crypto.py)
                encrypt(phone, purpose="reporter_phone"),
                place,
                category,
                amount,
                summary,
                receiving,
                lookup_hash(id_number, purpose="reporter_id_number"),
            ]
        )
        if n % 10000 == 0:
            ctx.progress("incidents", n, ctx.incidents)

    unit_i, number_i, received_i = COLUMNS.index("unit_id"), COLUMNS.index("number"), COLUMNS.index("received_at")
    complex_i, disposition_i = COLUMNS.index("is_complex"), COLUMNS.index("disposition")
    rows.sort(key=lambda r: (r[unit_i], r[received_i]))
    codes = {u.pk: u.code for u in units}
    last_key, seq = None, 0
    counters: dict[tuple[int, date], int] = {}
    for row in rows:
        day = row[received_i].astimezone(tz).date()
        key = (row[unit_i], day)
        seq = seq + 1 if key == last_key else 1
        last_key = key
        row[number_i] = f"{codes[row[unit_i]]}-{day:%Y%m%d}-{seq:04d}"
        counters[key] = seq
        if row[complex_i] is False and row[disposition_i] == Disposition.PENDING and rng.random() < 0.02:
            row[complex_i] = True  # a few complex matters with an extended review period
    with connection.cursor() as cursor:
        audit.attach_context(cursor)  # the audit trail names the seeding command
        with cursor.copy(f"COPY intake_incident ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for i, row in enumerate(rows):
                copy.write_row(row)
                if i % 10000 == 0:
                    ctx.progress("incidents", ctx.incidents // 2 + i // 2, ctx.incidents)
        cursor.execute(
            """
            INSERT INTO intake_incidentversion (
                bureau_id, incident_id, version, reason, created_at, created_by_id,
                channel, received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone,
                location, category, amount, summary, receiving_officer_id
            )
            SELECT bureau_id, id, 1, '', created_at, created_by_id,
                   channel, received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone,
                   location, category, amount, summary, receiving_officer_id
            FROM intake_incident WHERE bureau_id = %s
            """,
            [bureau.pk],
        )
        with cursor.copy("COPY intake_incidentcounter (bureau_id, unit_id, day, last) FROM STDIN") as copy:
            for (unit_id, day), last in counters.items():
                copy.write_row((bureau.pk, unit_id, day, last))
        cursor.execute("ANALYZE intake_incident")
    ctx.progress("incidents", ctx.incidents, ctx.incidents)
    ctx.extra["now"] = now
