"""The statistics the annual report cites, against a small data set worked out by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from training import services
from training.models import QualificationKind
from training.selectors import training_statistics, training_statistics_for
from training.tests.conftest import EVENING

pytestmark = pytest.mark.django_db
MARCH = {"start": date(2025, 3, 1), "end": date(2025, 3, 31)}


@pytest.fixture
def march(bureau, open_test):
    """Given, in March 2025 (by hand):

    sessions  S1 3-05 all units: officer + leader present; other_officer, legal_officer absent
              S2 3-12 station A: officer absent, leader on leave
              S3 2-20 station B and S4 4-02 all units: outside the period
    test      3-12 drawn: officer, leader (A), other_officer (B); officer all right (pass),
              other_officer nothing right (fail), leader never started
    quals     officer: legal exam incl. subjective part, basic until 2026  → counted
              other_officer: legal exam objective part only             → not counted
              leader: basic expired 3-30, intermediate obtained 4-02     → not counted
    """
    home = bureau.station_a.bureau_id
    kw = {"bureau_id": home, "organiser": bureau.supervisor, "kind": "weekly_study", "topic": "夜学"}
    s1 = services.session_create(held_on=date(2025, 3, 5), **kw)
    s2 = services.session_create(held_on=date(2025, 3, 12), unit_ids=[bureau.station_a.pk], **kw)
    s3 = services.session_create(held_on=date(2025, 2, 20), unit_ids=[bureau.station_b.pk], **kw)
    s4 = services.session_create(held_on=date(2025, 4, 2), **kw)
    services.attendance_record(session=s1, present_ids=[bureau.officer.pk, bureau.leader.pk])
    services.attendance_record(session=s2, present_ids=[], excused_ids=[bureau.leader.pk])
    services.attendance_record(session=s3, present_ids=[bureau.other_officer.pk])
    services.attendance_record(session=s4, present_ids=[bureau.other_officer.pk])

    keys = {q.pk: q.answer for q in open_test.single + open_test.multiple + open_test.true_false}
    for officer, right in ((bureau.officer, True), (bureau.other_officer, False)):
        attempt = services.attempt_start(test=open_test.test, officer=officer, now=EVENING)
        for qid in attempt.question_ids:
            wrong = "F" if keys[qid] == "T" else ("D" if keys[qid] != "D" else "A")
            services.answer_save(
                attempt_id=attempt.pk,
                officer=officer,
                question_id=qid,
                choice=keys[qid] if right else wrong,
                now=EVENING,
            )
        services.attempt_submit(attempt_id=attempt.pk, officer=officer, now=EVENING)

    q = services.qualification_record
    q(officer=bureau.officer, kind=QualificationKind.LEGAL_EXAM, obtained_on=date(2023, 12, 1), subjective_passed=True)
    q(officer=bureau.officer, kind=QualificationKind.BASIC, obtained_on=date(2022, 5, 1), expires_on=date(2026, 5, 1))
    q(officer=bureau.other_officer, kind=QualificationKind.LEGAL_EXAM, obtained_on=date(2024, 12, 1))
    q(officer=bureau.leader, kind=QualificationKind.BASIC, obtained_on=date(2020, 3, 30), expires_on=date(2025, 3, 30))
    q(
        officer=bureau.leader,
        kind=QualificationKind.INTERMEDIATE,
        obtained_on=date(2025, 4, 2),
        expires_on=date(2028, 4, 2),
    )
    return bureau


def test_statistics_per_unit_match_the_hand_count(march):
    rows, total = training_statistics(bureau=march.station_a.bureau, **MARCH)
    by_unit = {r.unit_name: r for r in rows}
    a, b, legal = by_unit["城关派出所"], by_unit["城东派出所"], by_unit["法制大队"]
    assert (a.sessions_held, b.sessions_held, legal.sessions_held) == (2, 1, 1)
    assert (a.present, a.expected, a.attendance_rate) == (2, 3, Decimal("66.7"))
    assert (b.present, b.expected, b.attendance_rate) == (0, 1, Decimal("0.0"))
    assert (a.tests_held, a.officer_times_tested, a.passed, a.pass_rate) == (1, 1, 1, Decimal("100.0"))
    assert (b.tests_held, b.officer_times_tested, b.pass_rate) == (1, 1, Decimal("0.0"))
    assert (legal.tests_held, legal.pass_rate) == (0, None)
    assert a.qualifications == {"legal_exam": 1, "basic": 1}
    assert b.qualifications == {}


def test_bureau_total_counts_each_session_and_test_once(march):
    _rows, total = training_statistics(bureau=march.station_a.bureau, **MARCH)
    assert total.sessions_held == 2
    assert (total.present, total.expected, total.attendance_rate) == (2, 5, Decimal("40.0"))
    assert (total.tests_held, total.officer_times_tested, total.pass_rate) == (1, 2, Decimal("50.0"))
    assert total.legal_exam_passes == 1


def test_a_unit_leader_sees_only_the_figures_of_their_unit(march):
    rows, _total = training_statistics_for(march.leader, **MARCH)
    assert [r.unit_name for r in rows] == ["城关派出所"]
    rows, _total = training_statistics_for(march.foreign_officer, **MARCH)
    assert "城关派出所" not in [r.unit_name for r in rows]


def test_the_total_on_the_statistics_page_counts_every_session_in_scope_once(march, client):
    """Given one more March session, for station B alone: A and B each had two sessions, the
    bureau three (S1 for all, S2 for A, S5 for B). The page passes the units it may show, and its
    total must still be three (it took the largest unit's count: two)."""
    kw = {"bureau_id": march.station_a.bureau_id, "organiser": march.supervisor, "kind": "lecture", "topic": "讲堂"}
    services.session_create(held_on=date(2025, 3, 20), unit_ids=[march.station_b.pk], **kw)

    _rows, total = training_statistics_for(march.supervisor, **MARCH)
    assert total.sessions_held == 3
    _rows, total = training_statistics_for(march.leader, **MARCH)
    assert total.sessions_held == 2  # the leader's unit A had S1 and S2

    client.force_login(march.supervisor)
    response = client.get("/training/statistics/", {"start": "2025-03-01", "end": "2025-03-31"})
    assert response.status_code == 200
    assert response.context["total"].sessions_held == 3
