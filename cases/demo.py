"""Demo cases: one per accepted or filed demo report, with a realistic timeline of steps and a
few percent of breaches of each rule; deterministic from ctx.rng, written with COPY. The year
is then evaluated by the compliance run as of the end of the demo year."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection

from cases.compliance import compliance_run
from cases.models import Step
from cases.services import reference_data_ensure
from org import audit
from org.demo import DemoContext, person_name
from org.models import Role, UnitKind, User

# The share of records that break each rule: "a few percent".
BREACH = 0.03
H = timedelta(hours=1)
D = timedelta(days=1)

CASE_COLUMNS = (
    "bureau_id",
    "unit_id",
    "incident_id",
    "number",
    "kind",
    "offence",
    "title",
    "lead_officer_id",
    "opened_at",
    "status",
    "closed_at",
    "extension_approved",
    "created_at",
    "colour",
    "colour_reasons",
)
STEP_COLUMNS = (
    "bureau_id",
    "unit_id",
    "case_id",
    *Step.ENTERED_FIELDS,
    "disposed_by_id",
    "approved_by_id",
    "approved_at",
    "note",
    "created_at",
    "created_by_id",
    "reviewed_at",
    "reviewed_by_id",
)
ITEMS = ["手机", "电动车", "现金", "银行卡", "笔记本电脑", "管制刀具", "赌具", "作案工具"]
BRIGADE_OFFENCES = ["homicide", "drugs", "economic", "cyber"]
STATION_OFFENCES = {"theft": 40, "fraud": 25, "robbery": 5, "assault": 20, "other": 10}


class _Timeline:
    """Collects the steps of one case as rows for COPY."""

    def __init__(self, rng: random.Random, ctx: dict, case_id: int, unit_id: int, end: datetime):
        self.rng, self.ctx, self.case_id, self.unit_id, self.end = rng, ctx, case_id, unit_id, end
        self.rows: list[tuple] = []
        self.last = None

    def officers(self, *, single: bool = False) -> str:
        sworn = self.ctx["officers"].get(self.unit_id) or self.ctx["leaders"][self.unit_id]
        if single:  # 单人取证: one officer, or one with an auxiliary
            aux = self.ctx["auxiliaries"].get(self.unit_id)
            ids = [self.rng.choice(sworn)] + ([self.rng.choice(aux)] if aux and self.rng.random() < 0.5 else [])
        else:
            ids = self.rng.sample(sworn, 2) if len(sworn) > 1 else sworn * 2
        return "{" + ",".join(str(i) for i in sorted(set(ids))) + "}"

    def add(self, kind: str, started: datetime, **fields) -> datetime | None:
        if started > self.end:
            return None
        rng = self.rng
        entered = started + timedelta(minutes=rng.randint(10, 240))
        review_wait = timedelta(hours=rng.uniform(0.5, 20))
        if rng.random() < BREACH:
            review_wait = timedelta(hours=rng.uniform(30, 90))  # CAS-15: a leader slow to review
        reviewed = entered + review_wait
        leader = rng.choice(self.ctx["leaders"][self.unit_id])
        row = {
            "ended_at": None,
            "delivered_at": None,
            "family_notified_at": None,
            "notice_exemption": "",
            "extended": False,
            "approved_period": None,
            "answer": "",
            "officers": "{}",
            "item": "",
            "quantity": None,
            "value": None,
            "custody_at": None,
            "disposed_at": None,
            "disposed_by_id": None,
            "approved_by_id": None,
            "approved_at": None,
            "note": "",
        }
        row.update(fields)
        for name in ("ended_at", "delivered_at", "family_notified_at", "custody_at", "disposed_at", "approved_at"):
            if row[name] is not None and row[name] > self.end:
                row[name] = None  # not yet happened at the end of the demo year
        if row["disposed_at"] is None:
            row["disposed_by_id"] = None
        if row["approved_at"] is None:
            row["approved_by_id"] = None
        self.rows.append(
            (
                self.ctx["bureau_id"],
                self.unit_id,
                self.case_id,
                kind,
                row.pop("person", ""),
                started,
                *(row[c] for c in STEP_COLUMNS[6:23]),
                min(entered, self.end),
                self.ctx["creators"][self.unit_id],
                reviewed if reviewed <= self.end else None,
                leader if reviewed <= self.end else None,
            )
        )
        self.last = started
        return started


def _breach(rng: random.Random) -> bool:
    return rng.random() < BREACH


def seed_cases(ctx: DemoContext) -> None:
    rng = ctx.rng
    bureau = ctx.bureau
    end: datetime | None = ctx.extra.get("now")
    if bureau is None or end is None:
        return
    reference_data_ensure()
    people: dict[str, dict] = {"officers": {}, "leaders": {}, "auxiliaries": {}, "creators": {}, "bureau_id": bureau.pk}
    for pk, unit_id, role, auxiliary in (
        User.objects.filter(bureau=bureau, unit__isnull=False)
        .order_by("police_number")
        .values_list("id", "unit_id", "role", "is_auxiliary")
    ):
        key = "auxiliaries" if auxiliary else "leaders" if role == Role.UNIT_LEADER else "officers"
        people[key].setdefault(unit_id, []).append(pk)
    unit_kinds = dict(bureau.unit_set.values_list("id", "kind"))
    for unit_id in unit_kinds:
        people["leaders"].setdefault(unit_id, people["officers"].get(unit_id, [None]))
        people["creators"][unit_id] = (people["officers"].get(unit_id) or people["leaders"][unit_id])[0]

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT id, unit_id, number, disposition, decided_at, summary,
                      COALESCE(receiving_officer_id, decided_by_id)
               FROM intake_incident WHERE bureau_id = %s AND disposition IN ('accepted', 'filed')
               AND COALESCE(receiving_officer_id, decided_by_id) IS NOT NULL ORDER BY id""",
            [bureau.pk],
        )
        incidents = cursor.fetchall()
    total = len(incidents)
    cases = []
    for incident_id, unit_id, number, disposition, decided_at, summary, lead in incidents:
        criminal = disposition == "filed"
        if unit_kinds[unit_id] == UnitKind.BRIGADE and criminal and rng.random() < 0.3:
            offence = rng.choice(BRIGADE_OFFENCES)
        elif criminal and unit_kinds[unit_id] == UnitKind.STATION and _breach(rng):
            offence = rng.choice(BRIGADE_OFFENCES)  # CAS-16: a station handling a brigade's case
        else:
            offence = rng.choices(list(STATION_OFFENCES), list(STATION_OFFENCES.values()))[0]
        cases.append(
            [
                bureau.pk,
                unit_id,
                incident_id,
                number,
                "criminal" if criminal else "administrative",
                offence,
                summary[:200],
                lead,
                decided_at,
                "open",
                None,
                not criminal and rng.random() < 0.05,
                decided_at,
                "green",
                "[]",
            ]
        )
    with connection.cursor() as cursor:
        audit.attach_context(cursor)  # the audit trail names the seeding command
        with cursor.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
            for row in cases:
                copy.write_row(row)
        cursor.execute("SELECT incident_id, id FROM cases_case WHERE bureau_id = %s", [bureau.pk])
        case_ids = dict(cursor.fetchall())
    ctx.progress("cases", total // 10, total)

    steps: list[tuple] = []
    endings: list[tuple[int, str, datetime]] = []
    for n, row in enumerate(cases):
        timeline = _Timeline(rng, people, case_ids[row[2]], row[1], end)
        if row[4] == "administrative":
            ending = _administrative(rng, timeline, row[8], row[11])
        else:
            ending = _criminal(rng, timeline, row[8])
        if ending:
            endings.append((timeline.case_id, *ending))
        steps.extend(timeline.rows)
        if n % 20000 == 0:
            ctx.progress("cases", total // 10 + n * 6 // 10, total)

    with connection.cursor() as cursor:
        with cursor.copy(f"COPY cases_step ({', '.join(STEP_COLUMNS)}) FROM STDIN") as copy:
            for step in steps:
                copy.write_row(step)
        cursor.execute("CREATE TEMP TABLE demo_case_end (id bigint, status text, closed_at timestamptz) ON COMMIT DROP")
        with cursor.copy("COPY demo_case_end (id, status, closed_at) FROM STDIN") as copy:
            for ending in endings:
                copy.write_row(ending)
        cursor.execute(
            "UPDATE cases_case c SET status = e.status, closed_at = e.closed_at FROM demo_case_end e WHERE c.id = e.id"
        )
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE cases_step")
    ctx.progress("cases", total * 9 // 10, total)
    ctx.extra["cases"] = len(cases)
    ctx.extra["steps"] = len(steps)
    # Colour the demo year as the nightly run would have at its end.
    compliance_run(at=end, bureau=bureau)
    ctx.progress("cases", total, total)


def _witnesses(rng, t: _Timeline, after: datetime, weights: list[int], within_hours: float) -> None:
    """Questionings of the witnesses (询问证人), in the days after the report."""
    for _ in range(rng.choices(range(len(weights)), weights)[0]):
        t.add(
            "questioning",
            after + timedelta(hours=rng.uniform(2, within_hours)),
            person=person_name(rng),
            officers=t.officers(single=_breach(rng)),
        )


def _administrative(rng, t: _Timeline, opened: datetime, extended: bool):
    victim, suspect = person_name(rng), person_name(rng)
    t.add(
        "questioning",
        opened + timedelta(hours=rng.uniform(1, 30)),
        person=victim,
        officers=t.officers(single=_breach(rng)),
    )
    _witnesses(rng, t, opened, [15, 35, 30, 20], 96)
    if rng.random() < 0.35:  # the scene or the belongings are searched (检查)
        t.add("search", opened + timedelta(hours=rng.uniform(0.5, 24)))
    property_at = None
    if rng.random() < 0.6:
        start = opened + timedelta(hours=rng.uniform(4, 120))
        hours = rng.uniform(2, 7.5) if not _breach(rng) else rng.uniform(8.5, 12)
        if t.add("summons", start, person=suspect, ended_at=start + timedelta(hours=hours)):
            t.add("questioning", start + H * 0.5, person=suspect, officers=t.officers(single=_breach(rng)))
            if rng.random() < 0.2:
                property_at = start + H
    limit = 30 + (30 if extended else 0)
    days = rng.uniform(3, limit - 3) if not _breach(rng) else rng.uniform(limit + 1, limit + 20)
    closed = opened + timedelta(days=days)
    if property_at:
        custody = property_at + timedelta(hours=rng.uniform(1, 20) if not _breach(rng) else rng.uniform(26, 60))
        disposed = closed + timedelta(days=rng.uniform(3, 25) if not _breach(rng) else rng.uniform(45, 90))
        t.add(
            "property",
            property_at,
            item=rng.choice(ITEMS),
            quantity=Decimal(1),
            value=Decimal(rng.choice([100, 500, 1500, 3000])),
            custody_at=custody,
            disposed_at=disposed,
            disposed_by_id=rng.choice(t.ctx["officers"].get(t.unit_id) or t.ctx["leaders"][t.unit_id]),
        )
    if closed <= t.end and t.add("closure", closed):
        return "closed", closed
    return None


def _criminal(rng, t: _Timeline, opened: datetime):
    victim = person_name(rng)
    t.add(
        "questioning",
        opened + timedelta(hours=rng.uniform(1, 48)),
        person=victim,
        officers=t.officers(single=_breach(rng)),
    )
    if rng.random() < 0.6:  # the scene is searched (现场勘查) soon after the report
        t.add("search", opened + timedelta(hours=rng.uniform(0.5, 12)))
    _witnesses(rng, t, opened, [10, 30, 30, 20, 10], 240)
    at = opened + timedelta(days=rng.uniform(1, 20))
    if rng.random() < 0.45:
        suspect = person_name(rng)
        hours = rng.uniform(3, 11) if not _breach(rng) else rng.uniform(12.5, 16)
        summons_end = at + timedelta(hours=hours)
        if t.add("summons", at, person=suspect, ended_at=summons_end):
            t.add("interrogation", at + H * 0.5, person=suspect, officers=t.officers(single=_breach(rng)))
            if rng.random() < 0.55:
                _detention(rng, t, suspect, summons_end)
            elif rng.random() < 0.5:
                _measure(rng, t, suspect, summons_end, "bail", 12)
        at = summons_end
    if rng.random() < 0.3:
        seized = at + timedelta(hours=rng.uniform(1, 48))
        t.add(
            "property",
            seized,
            item=rng.choice(ITEMS),
            quantity=Decimal(rng.randint(1, 3)),
            value=Decimal(rng.choice([300, 1200, 5000, 20000])),
            custody_at=seized + timedelta(hours=rng.uniform(1, 20) if not _breach(rng) else rng.uniform(26, 80)),
        )
    # Investigation goes on: a step every few weeks, until the case ends or stalls (久侦不决).
    stalls = _breach(rng)
    outcome = rng.random()
    # A case still under investigation at the year's end has steps up to it.
    ends_after = timedelta(days=rng.uniform(20, 200) if outcome >= 0.45 else 10_000)
    step_at = at
    while True:
        gap = timedelta(days=rng.uniform(10, 60))
        if stalls:
            break
        step_at += gap
        if step_at > opened + ends_after or step_at > t.end:
            break
        kind = rng.choice(["search", "questioning", "questioning"])
        fields = (
            {"officers": t.officers(single=_breach(rng) and kind == "questioning")} if kind == "questioning" else {}
        )
        t.add(kind, step_at, person=person_name(rng) if kind == "questioning" else "", **fields)
    end_at = (t.last or at) + timedelta(days=rng.uniform(1, 10))
    if stalls or end_at > t.end or outcome < 0.45:
        return None  # still being investigated
    if outcome < 0.85:
        t.add("transfer", end_at)
        return "transferred", end_at
    approved = not _breach(rng)  # CAS-13: a withdrawal without approval
    leader = rng.choice(t.ctx["leaders"][t.unit_id])
    t.add(
        "withdrawal",
        end_at,
        approved_by_id=leader if approved else None,
        approved_at=end_at + timedelta(hours=rng.uniform(1, 20)) if approved else None,
    )
    return "withdrawn", end_at


def _detention(rng, t: _Timeline, suspect: str, at: datetime) -> None:
    serious = rng.random() < 0.1
    period = 30 if serious else rng.choice([3, 3, 3, 7])
    delivered = at + timedelta(hours=rng.uniform(1, 12) if not _breach(rng) else rng.uniform(25, 40))
    notified = None if _breach(rng) else at + timedelta(hours=rng.uniform(1, 20))
    released = None
    request_at = (
        at + timedelta(days=rng.uniform(0.5, period - 0.2))
        if not _breach(rng)
        else at + timedelta(days=period + rng.uniform(1, 4))
    )
    if rng.random() < 0.3:
        released = at + timedelta(days=rng.uniform(1, 2.5))  # released and bailed instead of an arrest request
    t.add(
        "detention",
        at,
        person=suspect,
        delivered_at=delivered,
        family_notified_at=notified,
        approved_period=period,
        ended_at=released,
    )
    first = at + timedelta(hours=rng.uniform(1, 20) if not _breach(rng) else rng.uniform(25, 40))
    t.add("interrogation", first, person=suspect, officers=t.officers(single=_breach(rng)))
    # Further interrogations in the detention house while the suspect is held.
    held_until = released or request_at
    for _ in range(rng.choice([1, 2, 2, 3, 4])):
        again = first + timedelta(hours=rng.uniform(12, 72))
        if again < held_until:
            t.add("interrogation", again, person=suspect, officers=t.officers(single=_breach(rng)))
    if released:
        _measure(rng, t, suspect, released, "bail" if rng.random() < 0.9 else "surveillance", 12)
        return
    if t.add("arrest_request", request_at, person=suspect):
        t.add("arrest_answer", request_at + timedelta(days=rng.uniform(3, 7)), person=suspect, answer="批准逮捕")


def _measure(rng, t: _Timeline, person: str, at: datetime, kind: str, months: int) -> None:
    """Bail or residential surveillance, with monthly check-ins (sometimes missed: 人员脱管)."""
    months = months if kind == "bail" else 6
    ends = at + timedelta(days=rng.uniform(60, months * 30 - 10))
    if not t.add(kind, at, person=person, approved_period=months, ended_at=ends):
        return
    check = at
    missed = _breach(rng)
    while True:
        check += timedelta(days=rng.uniform(15, 28) if not missed else rng.uniform(35, 60))
        if check >= ends or check > t.end:
            break
        t.add("check_in", check, person=person)
