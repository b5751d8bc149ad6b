"""Demo inspections: a year of findings, the rectification loop in every state, accountability
with notices and exemptions, points, interference records, the leaders' duty roster and the
committee's quarters; deterministic from ctx.rng and ctx.year."""

from __future__ import annotations

import struct
import zlib
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from inspections import attachments, reference, services
from inspections.models import (
    OVERDUE,
    AccountabilityCase,
    AccountabilityDecision,
    AccountabilityStatus,
    Attachment,
    CommitteePeriod,
    DutyShift,
    Finding,
    FindingCategory,
    InterferenceMethod,
    InterferenceRecord,
    InterfererKind,
    Liability,
    Notice,
    OrderAnswer,
    OrderEvent,
    OrderStatus,
    Outcome,
    PointsEntry,
    PointsKind,
    RectificationOrder,
    Source,
)
from inspections.periods import parse
from inspections.selectors import period_analysis
from org.demo import DEMO_ACCOUNTS, DemoContext, person_name
from org.models import CASE_HANDLING_KINDS, Role, Unit, User

D = timedelta(days=1)
DEMO_OFFICER = next(number for number, role in DEMO_ACCOUNTS if role == Role.OFFICER)
H = timedelta(hours=1)

SOURCE_WEIGHTS = [
    (Source.CALL_110, 30),
    (Source.WALK_IN, 15),
    (Source.PHONE, 10),
    (Source.CASE_FILE, 30),
    (Source.CASE_CENTRE, 15),
]
PROBLEMS = {
    "untruthful": [
        "报警人称被盗电动车价值3000元，接警民警以“非案件类”办结，未受案。",
        "同一报警人一月内三次报警称被骗，均未受案。",
    ],
    "sitting": ["受案后超过30日未开展任何调查工作。", "立案后未及时开展侦查，案件长期搁置。"],
    "long_unresolved": ["刑事案件立案已逾6个月无新的侦查措施。"],
    "single_officer": ["询问笔录显示仅一名民警在场。", "讯问时由辅警单独制作笔录。"],
    "out_of_supervision": ["取保候审人员连续两月未按规定报到，办案单位未掌握其去向。"],
    "property": ["扣押手机未在24小时内移交涉案财物管理中心。", "结案后扣押财物逾期未处置。"],
    "measures": ["传唤时间超过12小时且无延长审批。", "拘留后超过24小时未通知家属，无不通知理由。"],
    "leader_review": ["所队领导对办案环节审核超过24小时。"],
    "documents": ["询问笔录未经被询问人签名捺印。", "受案登记表填写不全，首接责任人信息缺失。"],
    "uncivil": ["来所报警群众反映接警民警态度生硬、推诿。", "110回访中报警人反映出警民警言语不文明。"],
}
ANSWERS = [
    "已组织全所民警专题学习相关规定，并对责任民警批评教育。",
    "已补正相关文书并报法制大队审核。",
    "已完成整改，建立台账逐项销号。",
]
RETURNS = ["整改材料不全，请补充相关文书。", "整改措施未落实到位，请重新整改。"]


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(settings.TIME_ZONE))


def seed_inspections(ctx: DemoContext) -> None:
    rng, bureau = ctx.rng, ctx.bureau
    year_end = _local(date(ctx.year, 12, 31), time(23, 0))
    now = min(ctx.extra.get("now") or year_end, year_end)
    units = list(Unit.objects.filter(bureau=bureau, kind__in=CASE_HANDLING_KINDS).order_by("code"))
    inspectors = list(
        User.objects.filter(bureau=bureau, role__in=[Role.LEGAL_OFFICER, Role.SUPERVISOR]).order_by("police_number")
    )
    supervisors = [u for u in inspectors if u.role == Role.SUPERVISOR]
    officers_by_unit: dict[int, list[User]] = {}
    leaders_by_unit: dict[int, list[User]] = {}
    for user in User.objects.filter(bureau=bureau, unit__in=units).order_by("police_number"):
        target = leaders_by_unit if user.role == Role.UNIT_LEADER else officers_by_unit
        target.setdefault(user.unit_id, []).append(user)

    reference.seed()  # (a flushed test database has lost the data migration's rows)
    _confirm_some_alerts(bureau.pk, now, ctx.year)
    from_alerts = services.findings_from_confirmed_alerts(bureau_id=bureau.pk, notify_units=False)

    # The supervisors' own inspections (巡查), about three a week across the bureau.
    categories = {c.code: c for c in FindingCategory.objects.all()}
    new = []
    start = _local(date(ctx.year, 1, 2), time(9))
    span = int((now - start).total_seconds() // 3600) - 24
    for _ in range(150):
        unit = rng.choice(units)
        code = rng.choice(list(PROBLEMS))
        found = start + timedelta(hours=rng.randint(0, max(span, 1)))
        involved = rng.sample(officers_by_unit.get(unit.pk, []), k=min(2, len(officers_by_unit.get(unit.pk, []))))
        new.append(
            Finding(
                bureau=bureau,
                unit=unit,
                category=categories[code],
                severity=rng.choices([1, 2, 3], weights=[2, 5, 3])[0],
                source=rng.choices([s for s, _w in SOURCE_WEIGHTS], weights=[w for _s, w in SOURCE_WEIGHTS])[0],
                description=rng.choice(PROBLEMS[code]),
                occurred_at=found - timedelta(hours=rng.randint(2, 240)),
                found_at=found,
                inspector=rng.choice(inspectors),
                officers=sorted(o.pk for o in involved),
                cross_inspection=rng.random() < 0.15,
            )
        )
    created = Finding.objects.bulk_create(new)
    RectificationOrder.objects.bulk_create(
        [
            RectificationOrder(
                bureau=bureau,
                unit_id=f.unit_id,
                finding=f,
                requirement="请于期限内整改并报送整改材料。",
                due_at=f.found_at + timedelta(days=15),
                issued_at=f.found_at,
                issued_by=f.inspector,
            )
            for f in created
        ]
    )
    _run_the_loop(ctx, bureau, now, officers_by_unit, leaders_by_unit)
    _evidence(ctx, bureau)
    _accountability(ctx, bureau, now, supervisors, leaders_by_unit)
    services.points_award(bureau_id=bureau.pk, until=now)
    _interference(ctx, bureau, now, units, officers_by_unit)
    _roster(ctx, bureau, now, leaders_by_unit)
    _committee(ctx, bureau, now, supervisors)
    ctx.extra["findings"] = from_alerts + len(created)
    ctx.progress("inspections", ctx.extra["findings"], ctx.extra["findings"])


def _confirm_some_alerts(bureau_id: int, now: datetime, year: int) -> None:
    """The legal officers review a fifth of the alerts of the year-end run: a tenth confirmed
    (they become findings), a tenth dismissed, the rest still waiting. The reviewed ones are
    dated as if the nightly run had raised them the day after the breach (the deadline passed,
    or the record was made) and they were reviewed within two days: inside the demo year, so
    that the year's committee analyses and the leaders' evaluation see them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH ranked AS (
                -- Numbered in an order of the records, not of the ids, so that a seed picks the
                -- same alerts in any database (ids depend on its sequences).
                SELECT id, row_number() OVER (ORDER BY incident_id, rule_id) AS n
                FROM cases_alert WHERE bureau_id = %(bureau)s AND status = 'open'
            ), picked AS (
                SELECT a.id, r.n,
                       LEAST(GREATEST(COALESCE(a.due_at, c.opened_at, i.received_at) + interval '1 day',
                                      %(year_start)s), %(latest)s) AS raised
                FROM cases_alert a
                JOIN ranked r ON r.id = a.id
                LEFT JOIN cases_case c ON c.id = a.case_id
                LEFT JOIN intake_incident i ON i.id = a.incident_id
                WHERE r.n %% 10 < 2
            )
            UPDATE cases_alert a SET
                status = CASE WHEN p.n %% 10 = 0 THEN 'confirmed' ELSE 'dismissed' END,
                opened_at = LEAST(a.opened_at, p.raised),
                reviewed_by_id = COALESCE(a.assignee_id, (SELECT min(id) FROM org_user
                                          WHERE bureau_id = a.bureau_id AND role = 'supervisor')),
                reviewed_at = LEAST(a.opened_at, p.raised) + ((p.n %% 40) + 2) * interval '1 hour',
                review_note = CASE WHEN p.n %% 10 = 0 THEN '经核查属实'
                                   ELSE '经核查，系数据录入延迟，实际已按规定办理' END
            FROM picked p
            WHERE a.id = p.id
            """,
            {
                "bureau": bureau_id,
                "year_start": _local(date(year, 1, 1), time(2)),
                "latest": now - timedelta(days=3),
            },
        )


def _mark_overdue(events: list, order: RectificationOrder, status: str, before: datetime) -> None:
    """The escalation task's mark, as it would have been made: the order's deadline passed
    before `before` while it was open (in `status`)."""
    if order.overdue_at is None and order.due_at < before:
        events.append(
            OrderEvent(
                bureau_id=order.bureau_id,
                order=order,
                from_status=status,
                to_status=OVERDUE,
                at=order.due_at,
                note="deadline passed",
            )
        )
        order.overdue_at = order.due_at


def _run_the_loop(ctx, bureau, now, officers_by_unit, leaders_by_unit) -> None:
    rng = ctx.rng
    orders = list(RectificationOrder.objects.filter(bureau=bureau).select_related("finding").order_by("id"))
    # The orders made from confirmed alerts got their "issued" event with them.
    issued = set(
        OrderEvent.objects.filter(bureau=bureau, to_status=OrderStatus.ISSUED).values_list("order_id", flat=True)
    )
    answers, events, changed = [], [], []
    for order in orders:
        if order.pk not in issued:
            events.append(
                OrderEvent(
                    bureau=bureau,
                    order=order,
                    from_status="",
                    to_status="issued",
                    by_id=order.issued_by_id,
                    at=order.issued_at,
                )
            )
        responders = leaders_by_unit.get(order.unit_id) or officers_by_unit.get(order.unit_id) or []
        checker_id = order.finding.inspector_id
        t = order.issued_at
        status = OrderStatus.ISSUED

        if responders and checker_id and rng.random() < 0.88:
            t = t + timedelta(hours=rng.randint(24, 20 * 24))
            if t < now:
                rounds = 2 if rng.random() < 0.2 else 1
                for round_ in range(rounds):
                    by = rng.choice(responders)
                    _mark_overdue(events, order, status, t)
                    answers.append(
                        OrderAnswer(bureau=bureau, order=order, text=rng.choice(ANSWERS), answered_by=by, answered_at=t)
                    )
                    events.append(
                        OrderEvent(bureau=bureau, order=order, from_status=status, to_status="answered", by=by, at=t)
                    )
                    status, order.answered_at = OrderStatus.ANSWERED, t
                    t = t + timedelta(hours=rng.randint(12, 96))
                    if t >= now:
                        break
                    if round_ + 1 < rounds:
                        _mark_overdue(events, order, status, t)
                        order.due_at = t + timedelta(days=7)
                        order.times_returned += 1
                        order.overdue_at = None  # a new deadline
                        events.append(
                            OrderEvent(
                                bureau=bureau,
                                order=order,
                                from_status=status,
                                to_status="returned",
                                by_id=checker_id,
                                at=t,
                                note=rng.choice(RETURNS),
                            )
                        )
                        status = OrderStatus.RETURNED
                        t = t + timedelta(hours=rng.randint(24, 120))
                        if t >= now:
                            break
                if status == OrderStatus.ANSWERED and t < now and rng.random() < 0.92:
                    _mark_overdue(events, order, status, t)
                    events.append(
                        OrderEvent(
                            bureau=bureau, order=order, from_status=status, to_status="verified", by_id=checker_id, at=t
                        )
                    )
                    status, order.verified_at, order.verified_by_id = OrderStatus.VERIFIED, t, checker_id
                    t = t + timedelta(hours=rng.randint(1, 48))
                    if t < now:
                        _mark_overdue(events, order, status, t)
                        events.append(
                            OrderEvent(
                                bureau=bureau,
                                order=order,
                                from_status=status,
                                to_status="closed",
                                by_id=checker_id,
                                at=t,
                            )
                        )
                        status, order.closed_at, order.closed_by_id = OrderStatus.CLOSED, t, checker_id
        if status != OrderStatus.CLOSED:
            _mark_overdue(events, order, status, now)
        order.status = status
        changed.append(order)
    OrderAnswer.objects.bulk_create(answers)
    OrderEvent.objects.bulk_create(events)
    RectificationOrder.objects.bulk_update(
        changed,
        [
            "status",
            "due_at",
            "answered_at",
            "times_returned",
            "overdue_at",
            "verified_at",
            "verified_by",
            "closed_at",
            "closed_by",
        ],
        batch_size=1000,
    )


def _accountability(ctx, bureau, now, supervisors, leaders_by_unit) -> None:
    rng = ctx.rng
    serious = list(
        Finding.objects.filter(bureau=bureau, severity=1).exclude(officers=[]).order_by("found_at", "id")[:200]
    )
    chosen = rng.sample(serious, k=min(18, len(serious)))
    # One case at least in the unit of the demo officer and leader (城关派出所), naming the officer.
    demo_officer = User.objects.filter(bureau=bureau, police_number=DEMO_OFFICER).first()
    if demo_officer and not any(f.unit_id == demo_officer.unit_id for f in chosen):
        home = (
            Finding.objects.filter(bureau=bureau, unit_id=demo_officer.unit_id, found_at__lt=now - 40 * D)
            .exclude(officers=[])
            .order_by("severity", "found_at", "id")
        )
        pick = home.filter(officers__contains=[demo_officer.pk]).first() or home.first()
        if pick is not None:
            chosen.append(pick)
    for index, finding in enumerate(sorted(chosen, key=lambda f: f.found_at)):
        by = rng.choice(supervisors)
        opened = finding.found_at + timedelta(days=rng.randint(3, 10))
        if opened >= now:
            continue
        decided = opened + timedelta(days=rng.randint(5, 20))
        done = decided < now
        case = AccountabilityCase.objects.create(
            bureau=bureau,
            unit_id=finding.unit_id,
            finding=finding,
            summary=f"{finding.description}经调查，相关民警存在执法过错。",
            status=AccountabilityStatus.DECIDED if done else AccountabilityStatus.OPEN,
            opened_by=by,
            opened_at=opened,
            decided_by=by if done else None,
            decided_at=decided if done else None,
        )
        if not done:
            continue
        officer_id = demo_officer.pk if demo_officer and demo_officer.pk in finding.officers else finding.officers[0]
        outcome = rng.choice(
            [Outcome.POINTS, Outcome.POINTS, Outcome.CRITICISM, Outcome.WRITTEN_REVIEW, Outcome.NOTICE]
        )
        points = rng.choice([2, 3, 5]) if outcome == Outcome.POINTS else 0
        decision = AccountabilityDecision.objects.create(
            bureau=bureau, case=case, officer_id=officer_id, liability=Liability.DIRECT, outcome=outcome, points=points
        )
        if points:
            officer = User.objects.get(pk=officer_id)
            PointsEntry.objects.create(
                bureau=bureau,
                unit_id=officer.unit_id,
                officer=officer,
                on=decided.astimezone(ZoneInfo(settings.TIME_ZONE)).date(),
                kind=PointsKind.DEDUCTED,
                points=-points,
                decision=decision,
                note=f"过错追究 {case.pk}",
            )
        leaders = leaders_by_unit.get(finding.unit_id) or []
        if leaders:
            exempt = index % 3 == 0
            AccountabilityDecision.objects.create(
                bureau=bureau,
                case=case,
                officer=leaders[0],
                liability=Liability.LEADERSHIP,
                outcome=Outcome.EXEMPTED if exempt else Outcome.CRITICISM,
                exemption_grounds="已按规定履行审核职责，问题系民警事后补录造成，符合容错免责情形。" if exempt else "",
            )
        if outcome == Outcome.NOTICE or index % 4 == 0:
            Notice.objects.create(
                bureau=bureau,
                case=case,
                title=f"关于{finding.unit.name}{finding.category.name}问题的通报",
                body=f"{case.summary}\n\n各单位要引以为戒，举一反三，严格规范执法。",
                issued_by=by,
                issued_at=decided + timedelta(days=1) if decided + timedelta(days=1) < now else decided,
            )


def _pdf(title: str) -> bytes:
    """A small, valid one-page PDF whose page shows `title` (ASCII): a scanned record stands in."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _png(rgb: tuple[int, int, int], size: int = 48) -> bytes:
    """A small, valid PNG of one colour: a photo stands in."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b"")
    )


def _evidence(ctx, bureau) -> None:
    """Evidence files on some findings (the inspector's record, a photo) and on some answers
    (the unit's rectification report), written under MEDIA_ROOT like an upload."""
    rng = ctx.rng
    findings = list(Finding.objects.filter(bureau=bureau).exclude(source=Source.ALERT).order_by("found_at", "id")[:150])
    answers = list(OrderAnswer.objects.filter(bureau=bureau).select_related("order").order_by("answered_at", "id"))
    rows = []

    def add(finding_id: int, by_id: int, at: datetime, name: str, content: bytes, answer=None) -> None:
        checked = attachments.check(SimpleUploadedFile(name, content))
        rows.append(
            Attachment(
                bureau=bureau,
                finding_id=finding_id,
                answer=answer,
                path=attachments.write(checked, bureau_id=bureau.pk),
                name=checked.name,
                content_type=checked.content_type,
                size=len(checked.content),
                sha256=checked.sha256,
                uploaded_by_id=by_id,
                uploaded_at=at,
            )
        )

    for finding in rng.sample(findings, k=min(30, len(findings))):
        add(
            finding.pk,
            finding.inspector_id,
            finding.found_at,
            f"检查记录-{finding.pk}.pdf",
            _pdf(f"Inspection record, finding {finding.pk}"),
        )
        if rng.random() < 0.5:
            colour = (rng.randint(60, 200), rng.randint(60, 200), rng.randint(60, 200))
            add(finding.pk, finding.inspector_id, finding.found_at, f"现场照片-{finding.pk}.png", _png(colour))
    for answer in rng.sample(answers, k=min(20, len(answers))):
        add(
            answer.order.finding_id,
            answer.answered_by_id,
            answer.answered_at,
            f"整改报告-{answer.order_id}.pdf",
            _pdf(f"Rectification report, order {answer.order_id}"),
            answer=answer,
        )
    Attachment.objects.bulk_create(rows)


def _interference(ctx, bureau, now, units, officers_by_unit) -> None:
    rng = ctx.rng
    records = []
    for _ in range(24):
        unit = rng.choice(units)
        officers = officers_by_unit.get(unit.pk) or []
        if not officers:
            continue
        occurred = now - timedelta(hours=rng.randint(48, 360 * 24))
        kind = rng.choice(InterfererKind.values)
        records.append(
            InterferenceRecord(
                bureau=bureau,
                unit=unit,
                recorded_by=rng.choice(officers),
                recorded_at=occurred + timedelta(hours=rng.randint(1, 24)),
                occurred_at=occurred,
                who_name=person_name(rng),
                who_position={"leader": "某局领导", "official": "某镇干部", "relative": "当事人亲属"}.get(kind, ""),
                who_kind=kind,
                method=rng.choice(InterferenceMethod.values),
                case_reference=f"{unit.name}{rng.choice(['盗窃案', '故意伤害案', '诈骗案', '寻衅滋事案'])}",
                description=rng.choice(["打招呼要求从轻处理", "要求不予立案", "打听案件办理进展", "请托撤销案件"]),
                response="已明确拒绝并如实登记，报告所队领导。",
            )
        )
    InterferenceRecord.objects.bulk_create(records)


def _roster(ctx, bureau, now, leaders_by_unit) -> None:
    shifts = []
    day = date(ctx.year, 1, 1)
    last = now.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    while day <= last:
        for unit_id, leaders in sorted(leaders_by_unit.items()):
            leader = leaders[day.toordinal() % len(leaders)]
            start = _local(day, time(8))
            shifts.append(DutyShift(bureau=bureau, unit_id=unit_id, leader=leader, starts_at=start, ends_at=start + D))
        day += D
    DutyShift.objects.bulk_create(shifts, batch_size=2000)


def _committee(ctx, bureau, now, supervisors) -> None:
    for quarter in range(1, 5):
        period = parse(f"{ctx.year}-Q{quarter}")
        if period.ends_at > now:
            break
        analysis = period_analysis(bureau_id=bureau.pk, period=period)
        top = analysis.get("top")
        decided = period.ends_at + timedelta(days=10)
        committee = CommitteePeriod.objects.create(
            bureau=bureau,
            label=period.label,
            start=period.start,
            end=period.end,
            analysis=analysis,
            generated_at=period.ends_at + D,
        )
        if top and decided < now:
            category = FindingCategory.objects.get(code=top["code"])
            CommitteePeriod.objects.filter(pk=committee.pk).update(
                chronic_category=category,
                campaign_title=f"{category.name}专项整治",
                campaign_ends=(decided + timedelta(days=90)).date(),
                decided_by=ctx.rng.choice(supervisors),
                decided_at=decided,
            )
            Finding.objects.filter(
                bureau=bureau,
                category=category,
                campaign__isnull=True,
                found_at__gte=decided,
                found_at__lt=decided + timedelta(days=90),
            ).update(campaign=committee)
