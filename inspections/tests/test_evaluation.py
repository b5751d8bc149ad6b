"""The middle leaders' duty evaluation from a small data set worked out by hand.

March 2025. Leader L1 (station A) is on duty 3 Mar 08:00–4 Mar 08:00 and 10 Mar 08:00–11 Mar 08:00;
leader L2 (station B) on 5 Mar 08:00–6 Mar 08:00.

L1 — items that arrived in station A on L1's shifts:
  step 1   3 Mar 10:00, reviewed 3 Mar 12:00   →  on time, 2 h
  step 2   3 Mar 20:00, reviewed 5 Mar 20:00   →  late, 48 h
  step 3  10 Mar 09:00, never reviewed         →  late (24 h passed long before the period's end)
  ext.    10 Mar 14:00, decided 10 Mar 20:00   →  on time, 6 h
  (step 4, 5 Mar 09:00, is off L1's shifts: not counted)
  → 4 items, 2 on time, 2 late, average (2 + 48 + 6) / 3 = 18.7 h
  Confirmed alerts in March on records L1 approved: case 1 (L1 reviewed step 1) → 1;
  case 2 (nothing of L1's) → 0; case 3 (L1 decided the report, but its finding is excluded) → 0.
  Findings that happened on L1's shifts: high (3 Mar 15:00) and low (10 Mar 10:00); a medium one
  excluded as trivial; one off shift (12 Mar).
  Duty score: 100 − 2×2 late − 5×1 flagged − (5 + 1) findings = 85.
  Case-review tests 90 and 70 → average 80.  Score: 0.8 × 85 + 0.2 × 80 = 84.0.
L2 — one step 5 Mar 09:00 reviewed 10:30 → on time, 1.5 h; nothing else; no test → 100.0.
Ranking: L2 first, L1 second.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from inspections import services
from inspections.models import DutyShift, Finding, Severity
from inspections.periods import parse
from inspections.selectors import leader_evaluations
from inspections.tests.factories import at, make_alert, make_case, make_finding, make_step
from intake.models import ExtensionKind, ExtensionRequest, RequestStatus
from org.models import Role
from org.tests.factories import UserFactory
from training.models import CaseReviewTest

pytestmark = pytest.mark.django_db

MARCH = parse("2025-03")


def shift(leader, start, end):
    return DutyShift.objects.create(
        bureau_id=leader.bureau_id, unit_id=leader.unit_id, leader=leader, starts_at=start, ends_at=end
    )


@pytest.fixture
def data(bureau):
    l1 = bureau.leader
    l2 = UserFactory(unit=bureau.station_b, role=Role.UNIT_LEADER, name="二所长")
    with time_machine.travel(at(2025, 4, 10, 9, 0), tick=False):
        shift(l1, at(2025, 3, 3, 8), at(2025, 3, 4, 8))
        shift(l1, at(2025, 3, 10, 8), at(2025, 3, 11, 8))
        shift(l2, at(2025, 3, 5, 8), at(2025, 3, 6, 8))

        case1 = make_case(bureau.officer, opened_at=at(2025, 3, 1, 9))
        make_step(case1, "questioning", created_at=at(2025, 3, 3, 10), reviewed_at=at(2025, 3, 3, 12), reviewed_by=l1)
        make_step(case1, "questioning", created_at=at(2025, 3, 3, 20), reviewed_at=at(2025, 3, 5, 20), reviewed_by=l1)
        make_step(case1, "search", created_at=at(2025, 3, 10, 9))
        make_step(case1, "property", created_at=at(2025, 3, 5, 9))
        ExtensionRequest.objects.create(
            bureau_id=case1.bureau_id,
            unit_id=case1.unit_id,
            incident=case1.incident,
            kind=ExtensionKind.CRIMINAL_CHECK,
            reason="线索需核查",
            requested_by=bureau.officer,
            status=RequestStatus.APPROVED,
            decided_by=l1,
            decided_at=at(2025, 3, 10, 20),
        )
        ExtensionRequest.objects.filter(incident=case1.incident).update(requested_at=at(2025, 3, 10, 14))

        case2 = make_case(bureau.officer, opened_at=at(2025, 3, 2, 9))
        case3 = make_case(bureau.officer, opened_at=at(2025, 3, 2, 10), decided_by=l1)
        confirmed = {"status": "confirmed", "reviewed_at": at(2025, 3, 20, 9), "reviewed_by": bureau.legal_officer}
        make_alert(case1, rule="CAS-08", opened_at=at(2025, 3, 25, 12), **confirmed)
        make_alert(case2, rule="CAS-08", opened_at=at(2025, 3, 25, 12), **confirmed)
        trivial = make_alert(case3, rule="INT-05", opened_at=at(2025, 3, 25, 12), **confirmed)
        services.findings_from_confirmed_alerts()
        services.finding_exclude_from_scoring(
            finding=Finding.objects.get(alert=trivial), by=bureau.supervisor, reason="笔录个别字段漏填，已当场补正"
        )

        case4 = make_case(bureau.other_officer, opened_at=at(2025, 3, 1, 9))
        make_step(
            case4, "questioning", created_at=at(2025, 3, 5, 9), reviewed_at=at(2025, 3, 5, 10, 30), reviewed_by=l2
        )

        unit = bureau.station_a
        make_finding(bureau.supervisor, unit=unit, occurred_at=at(2025, 3, 3, 15), severity=Severity.HIGH)
        make_finding(bureau.supervisor, unit=unit, occurred_at=at(2025, 3, 10, 10), severity=Severity.LOW)
        excluded = make_finding(bureau.supervisor, unit=unit, occurred_at=at(2025, 3, 10, 11))
        services.finding_exclude_from_scoring(finding=excluded, by=bureau.supervisor, reason="轻微瑕疵")
        make_finding(bureau.supervisor, unit=unit, occurred_at=at(2025, 3, 12, 10), severity=Severity.HIGH)

        for score in (90, 70):
            CaseReviewTest.objects.create(
                bureau_id=l1.bureau_id,
                leader=l1,
                unit=unit,
                held_on=at(2025, 3, 15).date(),
                case_file="盗窃案卷",
                problems_planted=10,
                problems_found=8,
                score=score,
            )
    return l1, l2


def test_the_evaluation_matches_the_figures_worked_out_by_hand(bureau, data):
    l1, l2 = data
    with time_machine.travel(at(2025, 4, 10, 9, 0), tick=False):
        rows = leader_evaluations(user=bureau.supervisor, period=MARCH)
    assert [(r.rank, r.leader_id) for r in rows] == [(1, l2.pk), (2, l1.pk)]
    first, second = rows
    assert (first.items, first.on_time, first.late, first.average_hours) == (1, 1, 0, Decimal("1.5"))
    assert (first.flagged, first.findings, first.test_average, first.score) == (0, 0, None, Decimal("100.0"))
    assert second.shifts == 2
    assert (second.items, second.on_time, second.late, second.average_hours) == (4, 2, 2, Decimal("18.7"))
    assert second.timeliness == Decimal("50.0")
    assert second.flagged == 1
    assert second.findings == 2 and second.findings_by_severity == {1: 1, 2: 0, 3: 1}
    assert (second.tests, second.test_average) == (2, Decimal("80.0"))
    assert second.duty_score == Decimal("85")
    assert second.score == Decimal("84.0")


def test_a_leader_sees_only_their_own_unit_and_an_officer_nothing(bureau, data):
    l1, _l2 = data
    with time_machine.travel(at(2025, 4, 10, 9, 0), tick=False):
        assert [r.leader_id for r in leader_evaluations(user=l1, period=MARCH)] == [l1.pk]
        assert [r.leader_id for r in leader_evaluations(user=bureau.legal_officer, period=MARCH)] == [l1.pk]
        assert leader_evaluations(user=bureau.officer, period=MARCH) == []
        assert leader_evaluations(user=bureau.foreign_officer, period=MARCH) == []


def test_another_period_has_nobody_on_the_roster(bureau, data):
    assert leader_evaluations(user=bureau.supervisor, period=parse("2025-05")) == []
