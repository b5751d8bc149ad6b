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
