"""A small year (2025) worked out by hand, for the formulas, the drill-down and the report.

Incidents (received, unit, category, disposition, decided after):
  A1 01-10 A criminal filed 2h          B8  01-15 B administrative accepted 1h
  A2 01-20 A criminal not_filed 1d      B9  04-01 B criminal filed 4d (late)
  A3 02-05 A criminal pending (late)    B10 04-02 B help no_case 1h
  A4 02-06 A administrative accepted 5d (late)
  A5 03-01 A administrative mediated 1h B11 01-01 00:10 Shanghai B other no_case 1h
  A6 03-02 A administrative not_accepted 1h
  A7 03-03 A dispute no_case 1h
  outside: 2024-12-31 23:30 Shanghai A criminal filed; a foreign bureau's criminal filed.
Training:
  session 03-10 all units: officer present, leader absent (A); other_officer present,
          legal officer excused (B? no: the legal unit) → attendance A 1/2, B 1/1
  test 05-20 drawn officer, leader (A), other_officer (B): officer submitted and passed,
          leader expired and failed, other_officer still in progress
  legal exam: officer 2025-11-20 both parts (counted); other_officer 2025-11-20 objective
          only (not); leader 2024-11-20 (another year)
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import count
from zoneinfo import ZoneInfo

from intake.models import Incident
from training.models import Attempt, Attendance, Candidate, Qualification, SpotTest, TrainingSession

TZ = ZoneInfo("Asia/Shanghai")
_numbers = count(1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def incident(unit, received_at, category, disposition="pending", after=None, colour="green", **extra) -> Incident:
    return Incident.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        number=f"T-{next(_numbers):06d}",
        channel="walk_in",
        received_at=received_at,
        category=category,
        summary="测试警情",
        reporter_name="张三",
        disposition=disposition,
        decided_at=received_at + after if after else None,
        colour=colour,
        **extra,
    )


def hand_checked_year(bureau) -> dict:
    a, b = bureau.station_a, bureau.station_b
    h, d = timedelta(hours=1), timedelta(days=1)
    rows = {
        "A1": incident(a, at(2025, 1, 10, 9), "criminal", "filed", 2 * h),
        "A2": incident(a, at(2025, 1, 20, 9), "criminal", "not_filed", d),
        "A3": incident(a, at(2025, 2, 5, 9), "criminal"),
        "A4": incident(a, at(2025, 2, 6, 9), "administrative", "accepted", 5 * d),
        "A5": incident(a, at(2025, 3, 1, 9), "administrative", "mediated", h),
        "A6": incident(a, at(2025, 3, 2, 9), "administrative", "not_accepted", h),
        "A7": incident(a, at(2025, 3, 3, 9), "dispute", "no_case", h),
        "B8": incident(b, at(2025, 1, 15, 9), "administrative", "accepted", h),
        "B9": incident(b, at(2025, 4, 1, 9), "criminal", "filed", 4 * d),
        "B10": incident(b, at(2025, 4, 2, 9), "help", "no_case", h),
        "B11": incident(b, at(2025, 1, 1, 0, 10), "other", "no_case", h),
        "old": incident(a, at(2024, 12, 31, 23, 30), "criminal", "filed", h),
    }
    foreign_unit = bureau.foreign_officer.unit
    incident(foreign_unit, at(2025, 6, 1, 9), "criminal", "filed", h)

    home = a.bureau_id
    session = TrainingSession.objects.create(
        bureau_id=home, kind="weekly_study", topic="夜学：刑事诉讼法", held_on=date(2025, 3, 10)
    )
    for officer, unit, status in (
        (bureau.officer, a, "present"),
        (bureau.leader, a, "absent"),
        (bureau.other_officer, b, "present"),
        (bureau.legal_officer, bureau.legal, "excused"),
    ):
        Attendance.objects.create(
            bureau_id=home, session=session, officer=officer, unit=unit, status=status, source="list"
        )
    test = SpotTest.objects.create(
        bureau_id=home, title="五月法律知识抽测", status="closed", question_seed=1, held_on=date(2025, 5, 20)
    )
    start = at(2025, 5, 20, 19)
    for officer, unit, status, passed in (
        (bureau.officer, a, "submitted", True),
        (bureau.leader, a, "expired", False),
        (bureau.other_officer, b, "in_progress", None),
    ):
        Candidate.objects.create(bureau_id=home, test=test, officer=officer, unit=unit)
        Attempt.objects.create(
            bureau_id=home,
            test=test,
            officer=officer,
            unit=unit,
            status=status,
            seed=1,
            question_ids=[],
            started_at=start,
            deadline=start + timedelta(minutes=30),
            finished_at=None if status == "in_progress" else start + timedelta(minutes=20),
            score=None if passed is None else (90 if passed else 40),
            passed=passed,
        )
    for officer, obtained, subjective in (
        (bureau.officer, date(2025, 11, 20), True),
        (bureau.other_officer, date(2025, 11, 20), False),
        (bureau.leader, date(2024, 11, 20), True),
    ):
        Qualification.objects.create(
            bureau_id=home, officer=officer, kind="legal_exam", obtained_on=obtained, subjective_passed=subjective
        )
    return rows


# --- Cases and inspections: the records of JC02, JC07–JC11, JC13, JC14, XX05 and XX06 ------
#
# Written straight to the tables at exact moments. The cases' incidents are received in 2023
# so that the intake figures of 2025 above stay as worked out.
#
# Cases (unit, kind, filed, status, ended):
#   C1 A criminal 2025-01-05 withdrawn 2025-03-10     C5 A criminal 2024-11-01 withdrawn 2025-02-01
#   C2 A criminal 2025-02-01 open                      C6 B criminal 2025-01-01 00:30 Shanghai, open
#   C3 B criminal 2025-04-01 transferred 2025-06-01    C7 A criminal 2025-09-01 withdrawn 2026-01-05
#   C4 A administrative 2025-02-10 closed 2025-03-01   foreign bureau: criminal 2025-03-01 withdrawn 2025-05-01
# Alerts (case, rule, raised, status, reviewed or cleared):
#   a1  C1 CAS-02 01-06 10:00 confirmed 01-07     a9  C2 CAS-09 06-01 dismissed 06-02
#   a2  C1 CAS-03 01-06 10:00 open (same run)     a10 C1 CAS-09 03-01 open
#   a3  C2 CAS-12 08-01 dismissed 08-02           a11 C2 CAS-08 04-01 confirmed 04-02, cleared 04-10
#   a4  C2 CAS-05 09-01 resolved 09-03            a12 C6 CAS-08 02-01 open
#   a5  C5 CAS-01 2024-12-01 confirmed 2025-01-03 a13 foreign CAS-08 03-02 confirmed 03-03
#   a6  C5 CAS-04 02-01 open                      a14 C3 CAS-14 07-01 confirmed 2026-01-02
#   a7  C3 CAS-09 05-01 confirmed 05-02           a15 C3 CAS-14 2024-07-01 resolved 2024-08-01
#   a8  C3 CAS-06 12-31 23:00 Shanghai, open      a16 incident A2 INT-03 02-10 confirmed 02-12
# Findings (unit, category, severity, found; order due → status):
#   f1 A untruthful 1 02-12 (from a16); o1 03-01 closed      f5 A single_officer 1 04-02 (from a11); o4 04-20 answered
#   f2 B untruthful 2 05-20; o2 06-01 issued, overdue        f6 B documents 3 03-15; o5 03-25 verified
#   f3 A untruthful 2 11-03; o3 11-20 closed (late)          f7 A untruthful 2024-12-20; o7 2025-01-05 closed
#   f4 A untruthful 3 12-01; o6 2026-01-05 issued            f8 foreign untruthful 2025-06-01
# Accountability (unit, finding, decided): decisions
#   ac1 A f5 2025-05-10: officer points 2, leader criticism, other_officer exempted
#   ac2 B f2 2026-01-15: other_officer written review        ac3 A f1 open, no decision
#   ac4 B f6 2025-12-31 23:30 Shanghai: other_officer notice


def _rule(code: str):
    from cases.models import Rule
    from cases.rules import DEFAULT_RULES

    spec = next(s for s in DEFAULT_RULES if s["code"] == code)
    return Rule.objects.get_or_create(code=code, defaults=spec)[0]


def case(unit, opened_at, kind="criminal", status="open", closed_at=None, lead=None):
    from cases.models import Case

    source = incident(unit, at(2023, 6, 1, 9), kind, "filed" if kind == "criminal" else "accepted", timedelta(hours=1))
    return Case.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        incident=source,
        number=f"AJ-{next(_numbers):06d}",
        kind=kind,
        title="测试案件",
        lead_officer=lead,
        opened_at=opened_at,
        status=status,
        closed_at=closed_at,
    )


def alert(record, rule, opened_at, status="open", reviewed_at=None, cleared_at=None, by=None, text="测试预警"):
    """An alert on a case (or on an incident, for an incident rule)."""
    from cases.models import Alert, Case

    is_case = isinstance(record, Case)
    return Alert.objects.create(
        bureau_id=record.bureau_id,
        unit_id=record.unit_id,
        rule=_rule(rule),
        incident=record.incident if is_case else record,
        case=record if is_case else None,
        severity=2,
        text=text,
        opened_at=opened_at,
        status=status,
        reviewed_at=reviewed_at,
        reviewed_by=by if reviewed_at else None,
        review_note="误报" if status == "dismissed" else "",
        cleared_at=cleared_at,
        cleared_reason="记录已合规" if cleared_at else "",
    )


def finding(unit, category, severity, found_at, description, source="case_file", alert=None):
    from inspections.models import Finding, FindingCategory

    return Finding.objects.create(
        bureau_id=unit.bureau_id,
        unit=unit,
        category=FindingCategory.objects.get(code=category),
        severity=severity,
        source="alert" if alert else source,
        alert=alert,
        description=description,
        occurred_at=found_at - timedelta(days=1),
        found_at=found_at,
    )


def order(found, due_at, status="issued", done_at=None, overdue=False):
    """The finding's rectification order; a verified or closed one was answered and verified;
    an overdue one was marked the day after its deadline."""
    from inspections.models import RectificationOrder

    issued = min(found.found_at, due_at - timedelta(days=1))
    answered = status in ("answered", "verified", "closed")
    return RectificationOrder.objects.create(
        bureau_id=found.bureau_id,
        unit=found.unit,
        finding=found,
        status=status,
        due_at=due_at,
        issued_at=issued,
        answered_at=done_at if answered else None,
        verified_at=done_at if status in ("verified", "closed") else None,
        closed_at=done_at if status == "closed" else None,
        overdue_at=due_at + timedelta(days=1) if overdue else None,
    )


def accountability(found, by, decided_at=None, decisions=()):
    from inspections.models import AccountabilityCase, AccountabilityDecision

    opened = found.found_at + timedelta(days=1)
    record = AccountabilityCase.objects.create(
        bureau_id=found.bureau_id,
        unit=found.unit,
        finding=found,
        summary="测试追责",
        status="decided" if decided_at else "open",
        opened_by=by,
        opened_at=opened,
        decided_by=by if decided_at else None,
        decided_at=decided_at,
    )
    for officer, liability, outcome, points in decisions:
        AccountabilityDecision.objects.create(
            bureau_id=found.bureau_id,
            case=record,
            officer=officer,
            liability=liability,
            outcome=outcome,
            points=points,
            exemption_grounds="符合容错情形" if outcome == "exempted" else "",
        )
    return record


def cases_and_inspections_year(bureau, intake_rows: dict) -> dict:
    from inspections.reference import seed as seed_categories

    seed_categories()
    a, b = bureau.station_a, bureau.station_b
    foreign = bureau.foreign_officer.unit
    lead_a, lead_b, lead_f = bureau.officer, bureau.other_officer, bureau.foreign_officer
    rows: dict = {}
    rows["C1"] = case(a, at(2025, 1, 5, 9), status="withdrawn", closed_at=at(2025, 3, 10, 9), lead=lead_a)
    rows["C2"] = case(a, at(2025, 2, 1, 9), lead=lead_a)
    rows["C3"] = case(b, at(2025, 4, 1, 9), status="transferred", closed_at=at(2025, 6, 1, 9), lead=lead_b)
    rows["C4"] = case(
        a, at(2025, 2, 10, 9), kind="administrative", status="closed", closed_at=at(2025, 3, 1, 9), lead=lead_a
    )
    rows["C5"] = case(a, at(2024, 11, 1, 9), status="withdrawn", closed_at=at(2025, 2, 1, 9), lead=lead_a)
    rows["C6"] = case(b, at(2025, 1, 1, 0, 30), lead=lead_b)
    rows["C7"] = case(a, at(2025, 9, 1, 9), status="withdrawn", closed_at=at(2026, 1, 5, 9), lead=lead_a)
    rows["CF"] = case(foreign, at(2025, 3, 1, 9), status="withdrawn", closed_at=at(2025, 5, 1, 9), lead=lead_f)

    who = bureau.legal_officer
    c = rows
    rows["a1"] = alert(c["C1"], "CAS-02", at(2025, 1, 6, 10), "confirmed", at(2025, 1, 7, 10), by=who)
    rows["a2"] = alert(c["C1"], "CAS-03", at(2025, 1, 6, 10))
    rows["a3"] = alert(c["C2"], "CAS-12", at(2025, 8, 1, 10), "dismissed", at(2025, 8, 2, 10), by=who)
    rows["a4"] = alert(c["C2"], "CAS-05", at(2025, 9, 1, 10), "resolved", cleared_at=at(2025, 9, 3, 10))
    rows["a5"] = alert(c["C5"], "CAS-01", at(2024, 12, 1, 10), "confirmed", at(2025, 1, 3, 10), by=who)
    rows["a6"] = alert(c["C5"], "CAS-04", at(2025, 2, 1, 10))
    rows["a7"] = alert(c["C3"], "CAS-09", at(2025, 5, 1, 10), "confirmed", at(2025, 5, 2, 10), by=who)
    rows["a8"] = alert(c["C3"], "CAS-06", at(2025, 12, 31, 23))
    rows["a9"] = alert(c["C2"], "CAS-09", at(2025, 6, 1, 10), "dismissed", at(2025, 6, 2, 10), by=who)
    rows["a10"] = alert(c["C1"], "CAS-09", at(2025, 3, 1, 10))
    rows["a11"] = alert(
        c["C2"],
        "CAS-08",
        at(2025, 4, 1, 10),
        "confirmed",
        at(2025, 4, 2, 10),
        cleared_at=at(2025, 4, 10, 10),
        by=who,
        text="讯问仅一名民警在场",
    )
    rows["a12"] = alert(c["C6"], "CAS-08", at(2025, 2, 1, 10))
    rows["a13"] = alert(c["CF"], "CAS-08", at(2025, 3, 2, 10), "confirmed", at(2025, 3, 3, 10), by=lead_f)
    rows["a14"] = alert(c["C3"], "CAS-14", at(2025, 7, 1, 10), "confirmed", at(2026, 1, 2, 10), by=who)
    rows["a15"] = alert(c["C3"], "CAS-14", at(2024, 7, 1, 10), "resolved", cleared_at=at(2024, 8, 1, 10))
    rows["a16"] = alert(intake_rows["A2"], "INT-03", at(2025, 2, 10, 10), "confirmed", at(2025, 2, 12, 10), by=who)

    rows["f1"] = finding(
        a,
        "untruthful",
        1,
        at(2025, 2, 12, 10),
        "INT-03 疑似不如实受立案（有案不立）：盗窃警情作非案件类处理\n经核实属实",
        alert=rows["a16"],
    )
    rows["f2"] = finding(
        b, "untruthful", 2, at(2025, 5, 20, 10), "回访发现报警人称被骗3000元，民警未予受案。", "call110"
    )
    rows["f3"] = finding(a, "untruthful", 2, at(2025, 11, 3, 10), "电话回访发现盗窃警情按纠纷处理。", "phone")
    rows["f4"] = finding(
        a,
        "untruthful",
        3,
        at(2025, 12, 1, 10),
        "案卷评查发现一起诈骗警情登记为求助，未开展任何调查核实工作，也未告知报警人处理结果。",
    )
    rows["f5"] = finding(
        a,
        "single_officer",
        1,
        at(2025, 4, 2, 10),
        "CAS-08 单人取证（讯问询问民警不足2人）：讯问仅一名民警在场",
        alert=rows["a11"],
    )
    rows["f6"] = finding(b, "documents", 3, at(2025, 3, 15, 10), "询问笔录未签名。")
    rows["f7"] = finding(a, "untruthful", 2, at(2024, 12, 20, 10), "上年度发现的问题。")
    rows["f8"] = finding(foreign, "untruthful", 1, at(2025, 6, 1, 10), "外县发现的问题。")

    rows["o1"] = order(rows["f1"], at(2025, 3, 1, 18), "closed", at(2025, 2, 28, 10))
    rows["o2"] = order(rows["f2"], at(2025, 6, 1, 18), overdue=True)
    rows["o3"] = order(rows["f3"], at(2025, 11, 20, 18), "closed", at(2025, 12, 1, 10))
    rows["o4"] = order(rows["f5"], at(2025, 4, 20, 18), "answered", at(2025, 4, 15, 10))
    rows["o5"] = order(rows["f6"], at(2025, 3, 25, 18), "verified", at(2025, 3, 24, 10))
    rows["o6"] = order(rows["f4"], at(2026, 1, 5, 18))
    rows["o7"] = order(rows["f7"], at(2025, 1, 5, 18), "closed", at(2025, 1, 4, 10))

    boss = bureau.supervisor
    rows["ac1"] = accountability(
        rows["f5"],
        boss,
        at(2025, 5, 10, 10),
        [
            (bureau.officer, "direct", "points", 2),
            (bureau.leader, "leadership", "criticism", 0),
            (bureau.other_officer, "direct", "exempted", 0),
        ],
    )
    rows["ac2"] = accountability(
        rows["f2"], boss, at(2026, 1, 15, 10), [(bureau.other_officer, "direct", "written_review", 0)]
    )
    rows["ac3"] = accountability(rows["f1"], boss)
    rows["ac4"] = accountability(
        rows["f6"], boss, at(2025, 12, 31, 23, 30), [(bureau.other_officer, "direct", "notice", 0)]
    )
    return rows


def hand_checked_year_with_cases(bureau) -> dict:
    rows = hand_checked_year(bureau)
    rows.update(cases_and_inspections_year(bureau, rows))
    return rows
