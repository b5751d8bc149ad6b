"""Demo data: a realistic county bureau, deterministic for a seed.

`seed_demo` runs the registered seeders in order; each app that has demo
records registers its own in AppConfig.ready(), so org never imports upward.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password

from org.models import Bureau, LegalOfficerAssignment, Rank, Role, Unit, UnitKind, User

DEMO_BUREAU_CODE = "330799"
DEMO_BUREAU_NAME = "临溪县公安局"
# Only the demo accounts below get this password; every other demo officer has none.
DEMO_PASSWORD = "Linxi#2024demo"


@dataclass
class DemoContext:
    rng: random.Random
    year: int
    incidents: int
    bureau: Bureau | None = None
    progress: Callable[[str, int, int], None] = lambda label, done, total: None
    extra: dict = field(default_factory=dict)


Seeder = Callable[[DemoContext], None]
_seeders: list[tuple[int, str, Seeder]] = []


def register_seeder(order: int, name: str, seeder: Seeder) -> None:
    if all(existing != name for _, existing, _ in _seeders):
        _seeders.append((order, name, seeder))
        _seeders.sort(key=lambda item: item[0])


def seeders() -> list[tuple[int, str, Seeder]]:
    return list(_seeders)


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文"
    "斌辉鹏宇浩凯健俊帆晨阳鑫波林峰亮欣怡婷雪琳宁晓东海龙飞云涛"
)

# (code, name, kind): one intake centre, one case-handling centre, 12 stations,
# 6 brigades (18 case-handling units), the legal affairs brigade and the command.
UNITS = [
    ("JBZX", "接报案中心", UnitKind.INTAKE_CENTRE),
    ("BAZX", "执法办案管理中心", UnitKind.CASE_CENTRE),
    ("FZDD", "法制大队", UnitKind.LEGAL),
    ("JJG", "局机关", UnitKind.COMMAND),
    ("CGS", "城关派出所", UnitKind.STATION),
    ("CDS", "城东派出所", UnitKind.STATION),
    ("CXS", "城西派出所", UnitKind.STATION),
    ("CNS", "城南派出所", UnitKind.STATION),
    ("CBS", "城北派出所", UnitKind.STATION),
    ("DHS", "东河派出所", UnitKind.STATION),
    ("XLS", "西岭派出所", UnitKind.STATION),
    ("NHS", "南湖派出所", UnitKind.STATION),
    ("BSS", "北山派出所", UnitKind.STATION),
    ("QSS", "青石派出所", UnitKind.STATION),
    ("TYS", "桃源派出所", UnitKind.STATION),
    ("BSHS", "白沙派出所", UnitKind.STATION),
    ("XZDD", "刑事侦查大队", UnitKind.BRIGADE),
    ("JZDD", "经济犯罪侦查大队", UnitKind.BRIGADE),
    ("ZADD", "治安管理大队", UnitKind.BRIGADE),
    ("JJDD", "交通警察大队", UnitKind.BRIGADE),
    ("JDDD", "禁毒大队", UnitKind.BRIGADE),
    ("WADD", "网络安全保卫大队", UnitKind.BRIGADE),
]

# The demo accounts printed by `make run`: one per role.
DEMO_ACCOUNTS = [
    ("100101", Role.OFFICER),
    ("100102", Role.UNIT_LEADER),
    ("100301", Role.LEGAL_OFFICER),
    ("100310", Role.SUPERVISOR),
    ("100401", Role.LEADERSHIP),
    ("100499", Role.ADMIN),
]

OFFICER_RANKS = [Rank.CONSTABLE_2, Rank.CONSTABLE_1, Rank.SERGEANT_3, Rank.SERGEANT_2, Rank.SERGEANT_1]
LEADER_RANKS = [Rank.SERGEANT_1, Rank.INSPECTOR_3, Rank.INSPECTOR_2]


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _hire_date(rng: random.Random, today: date) -> date:
    # Many officers are within three years of joining (the bureau's concern).
    if rng.random() < 0.35:
        return today - timedelta(days=rng.randint(30, 3 * 365 - 1))
    return today - timedelta(days=rng.randint(3 * 365, 30 * 365))


def seed_org(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = date(ctx.year, 12, 31)
    bureau = Bureau.objects.create(code=DEMO_BUREAU_CODE, name=DEMO_BUREAU_NAME)
    ctx.bureau = bureau
    units = Unit.objects.bulk_create(
        [Unit(bureau=bureau, code=code, name=name, kind=kind) for code, name, kind in UNITS]
    )
    by_code = {u.code: u for u in units}
    demo_roles = dict(DEMO_ACCOUNTS)
    demo_password = make_password(DEMO_PASSWORD)

    officers: list[User] = []
    number = 100100

    def add(unit: Unit, role: str, *, auxiliary: bool = False, fixed_number: str | None = None) -> User:
        nonlocal number
        if fixed_number is None:
            number += 1
            while str(number) in demo_roles:
                number += 1
            police_number = f"9{number % 100000:05d}" if auxiliary else str(number)
        else:
            police_number = fixed_number
        ranks = LEADER_RANKS if role in (Role.UNIT_LEADER, Role.LEADERSHIP) else OFFICER_RANKS
        user = User(
            bureau=bureau,
            police_number=police_number,
            name=person_name(rng),
            unit=unit,
            rank=Rank.NONE if auxiliary else rng.choice(ranks),
            role=role,
            hire_date=_hire_date(rng, today),
            is_auxiliary=auxiliary,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
            password=demo_password if police_number in demo_roles else make_password(None),
        )
        officers.append(user)
        return user

    # The demo accounts first, so their police numbers are fixed.
    add(by_code["CGS"], Role.OFFICER, fixed_number="100101")
    add(by_code["CGS"], Role.UNIT_LEADER, fixed_number="100102")
    add(by_code["FZDD"], Role.LEGAL_OFFICER, fixed_number="100301")
    add(by_code["FZDD"], Role.SUPERVISOR, fixed_number="100310")
    add(by_code["JJG"], Role.LEADERSHIP, fixed_number="100401")
    add(by_code["JJG"], Role.ADMIN, fixed_number="100499")

    for code, _name, kind in UNITS:
        unit = by_code[code]
        if kind in (UnitKind.STATION, UnitKind.BRIGADE):
            leaders = 2 if code != "CGS" else 1
            for _ in range(leaders):
                add(unit, Role.UNIT_LEADER)
            for _ in range(rng.randint(8, 18)):
                add(unit, Role.OFFICER)
            for _ in range(rng.randint(2, 6)):
                add(unit, Role.OFFICER, auxiliary=True)
        elif kind == UnitKind.INTAKE_CENTRE:
            add(unit, Role.UNIT_LEADER)
            for _ in range(10):
                add(unit, Role.OFFICER)
            for _ in range(6):
                add(unit, Role.OFFICER, auxiliary=True)
        elif kind == UnitKind.CASE_CENTRE:
            add(unit, Role.UNIT_LEADER)
            for _ in range(8):
                add(unit, Role.OFFICER)
        elif kind == UnitKind.LEGAL:
            for _ in range(5):
                add(unit, Role.LEGAL_OFFICER)
            for _ in range(3):
                add(unit, Role.SUPERVISOR)
        elif kind == UnitKind.COMMAND:
            for _ in range(4):
                add(unit, Role.LEADERSHIP)

    User.objects.bulk_create(officers)
    _demo_authenticators(rng)
    legal_officers = [o for o in User.objects.filter(bureau=bureau, role=Role.LEGAL_OFFICER).order_by("police_number")]
    handling = [by_code[code] for code, _n, kind in UNITS if kind in (UnitKind.STATION, UnitKind.BRIGADE)]

    # Rotation (轮岗): last year's assignments ended; this year's run from 1 January.
    assignments = []
    for period_start, period_end, shift in (
        (date(ctx.year - 1, 1, 1), date(ctx.year - 1, 12, 31), 1),
        (date(ctx.year, 1, 1), None, 0),
    ):
        for index, unit in enumerate(handling):
            officer = legal_officers[(index + shift) % len(legal_officers)]
            assignments.append(
                LegalOfficerAssignment(
                    bureau=bureau, officer=officer, unit=unit, start_date=period_start, end_date=period_end
                )
            )
    LegalOfficerAssignment.objects.bulk_create(assignments)
    ctx.progress("officers", len(officers), len(officers))


def _demo_authenticators(rng: random.Random) -> None:
    """The demo accounts of two-factor roles get an authenticator with a known key, so a visitor
    can log in with `python manage.py demo_otp POLICE_NUMBER` or any authenticator app."""
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for number, role in DEMO_ACCOUNTS:
        if role in settings.PORTAL_TWO_FACTOR_ROLES:
            user = User.objects.get(police_number=number)
            TOTPDevice.objects.create(user=user, name="demo", confirmed=True, key=rng.randbytes(20).hex())
