from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from inspections import services
from inspections.models import (
    OVERDUE,
    AccountabilityCase,
    AccountabilityDecision,
    Liability,
    OrderStatus,
    Outcome,
    PointsEntry,
)
from inspections.periods import parse
from inspections.selectors import notices_for, order_list, points_standings
from inspections.tests.factories import at, make_finding

pytestmark = pytest.mark.django_db

MONDAY = at(2025, 6, 2, 9, 0)


def test_an_order_past_its_deadline_turns_overdue_and_escalates_once(bureau):
    # given an order issued Monday, due Thursday 18:00
    with time_machine.travel(MONDAY, tick=False):
        finding = make_finding(bureau.legal_officer, unit=bureau.station_a, due_at=at(2025, 6, 5, 18, 0))
    order = finding.order
    # a minute before the deadline nothing happens
    with time_machine.travel(at(2025, 6, 5, 17, 59), tick=False):
        assert services.orders_escalate() == 0
    # after it, the order is marked overdue in its state, recorded, and the unit's leader and
    # the supervisors are told
    with time_machine.travel(at(2025, 6, 5, 18, 1), tick=False):
        assert services.orders_escalate() == 1
        assert services.orders_escalate() == 0  # once
    order.refresh_from_db()
    assert (order.status, order.is_overdue) == (OrderStatus.ISSUED, True)
    assert order.overdue_at == at(2025, 6, 5, 18, 1)
    last = order.transitions.last()
    assert (last.from_status, last.to_status, last.by) == ("issued", OVERDUE, None)
    assert bureau.leader.notifications.filter(kind="escalation").count() == 1
    assert bureau.supervisor.notifications.filter(kind="escalation").count() == 1
    assert not bureau.other_officer.notifications.exists()
    assert "城关派出所" in bureau.supervisor.notifications.get(kind="escalation").title
    # the unit can still answer, late: the order stays overdue until it is signed off
    with time_machine.travel(at(2025, 6, 6, 9), tick=False):
        order = services.order_answer(order=order, by=bureau.officer, text="逾期整改完毕")
        assert services.orders_escalate() == 0  # marked once per deadline
    assert (order.status, order.is_overdue) == (OrderStatus.ANSWERED, True)
    with time_machine.travel(at(2025, 6, 6, 15), tick=False):
        order = services.order_verify(order=order, by=bureau.legal_officer)
        order = services.order_close(order=order, by=bureau.legal_officer)
    assert (order.status, order.is_overdue, order.overdue_at) == (OrderStatus.CLOSED, False, at(2025, 6, 5, 18, 1))
    assert [(t.from_status, t.to_status) for t in order.transitions.all()] == [
        ("", "issued"),
        ("issued", OVERDUE),
        ("issued", "answered"),
        ("answered", "verified"),
        ("verified", "closed"),
    ]


def test_an_answered_order_passing_its_deadline_turns_overdue_and_escalates(bureau):
    """Overdue at any open state: the unit answered in time, the inspector neither verified nor
    sent it back before the deadline (Tuesday 18:00)."""
    with time_machine.travel(MONDAY, tick=False):
        finding = make_finding(bureau.legal_officer, unit=bureau.station_a, due_at=at(2025, 6, 3, 18))
        order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    with time_machine.travel(at(2025, 6, 3, 17, 59), tick=False):
        assert services.orders_escalate() == 0
    with time_machine.travel(at(2025, 6, 3, 18, 1), tick=False):
        assert services.orders_escalate() == 1
        assert services.orders_escalate() == 0
    order.refresh_from_db()
    assert (order.status, order.is_overdue, order.overdue_at) == (OrderStatus.ANSWERED, True, at(2025, 6, 3, 18, 1))
    last = order.transitions.last()
    assert (last.from_status, last.to_status, last.by, last.at) == ("answered", OVERDUE, None, at(2025, 6, 3, 18, 1))
    assert bureau.leader.notifications.filter(kind="escalation").count() == 1
    assert bureau.supervisor.notifications.filter(kind="escalation").count() == 1
    assert order_list(user=bureau.supervisor, status=OVERDUE).get() == order
    # the loop goes on from where it was: the inspector verifies, the order is still overdue
    # (and red) until it is signed off
    with time_machine.travel(at(2025, 6, 4, 9), tick=False):
        order = services.order_verify(order=order, by=bureau.legal_officer)
    assert (order.status, order.is_overdue) == (OrderStatus.VERIFIED, True)
    with time_machine.travel(at(2025, 6, 4, 10), tick=False):
        order = services.order_close(order=order, by=bureau.legal_officer)
    assert (order.status, order.is_overdue) == (OrderStatus.CLOSED, False)
    assert not order_list(user=bureau.supervisor, status=OVERDUE).exists()


def test_a_verified_order_not_signed_off_by_its_deadline_turns_overdue(bureau):
    with time_machine.travel(MONDAY, tick=False):
        finding = make_finding(bureau.legal_officer, unit=bureau.station_a, due_at=at(2025, 6, 3, 18))
        order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
        order = services.order_verify(order=order, by=bureau.legal_officer)
    with time_machine.travel(at(2025, 6, 4, 9), tick=False):
        assert services.orders_escalate() == 1
    order.refresh_from_db()
    assert (order.status, order.is_overdue) == (OrderStatus.VERIFIED, True)
    assert order.transitions.last().from_status == "verified"


def test_a_closed_order_is_never_overdue(bureau):
    with time_machine.travel(MONDAY, tick=False):
        finding = make_finding(bureau.legal_officer, unit=bureau.station_a, due_at=at(2025, 6, 3, 18))
        order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
        order = services.order_verify(order=order, by=bureau.legal_officer)
        services.order_close(order=order, by=bureau.legal_officer)
    with time_machine.travel(at(2025, 6, 9, 9), tick=False):
        assert services.orders_escalate() == 0


def test_a_returned_order_past_its_new_deadline_turns_overdue_again(bureau):
    with time_machine.travel(MONDAY, tick=False):
        finding = make_finding(bureau.legal_officer, unit=bureau.station_a, due_at=at(2025, 6, 3, 18))
        order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    # the first deadline passes while the answer waits: overdue
    with time_machine.travel(at(2025, 6, 4, 9), tick=False):
        assert services.orders_escalate() == 1
    # sent back with a new deadline: no longer overdue
    with time_machine.travel(at(2025, 6, 4, 10), tick=False):
        order.refresh_from_db()
        order = services.order_return(order=order, by=bureau.legal_officer, reason="不到位", due_at=at(2025, 6, 6, 18))
    assert (order.status, order.is_overdue, order.overdue_at) == (OrderStatus.RETURNED, False, None)
    with time_machine.travel(at(2025, 6, 6, 17), tick=False):
        assert services.orders_escalate() == 0
    # and overdue again once the new deadline passes unanswered
    with time_machine.travel(at(2025, 6, 6, 19), tick=False):
        assert services.orders_escalate() == 1
    order.refresh_from_db()
    assert (order.status, order.is_overdue) == (OrderStatus.RETURNED, True)
    assert [(t.from_status, t.to_status) for t in order.transitions.all()] == [
        ("", "issued"),
        ("issued", "answered"),
        ("answered", OVERDUE),
        ("answered", "returned"),
        ("returned", OVERDUE),
    ]
    assert bureau.leader.notifications.filter(kind="escalation").count() == 2


def test_accountability_with_a_deduction_an_exemption_and_a_notice(bureau):
    finding = make_finding(
        bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer], category="single_officer"
    )
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="讯问时仅一名民警在场。")
    # when the supervisor decides: the officer loses 3 points; the leader is exempted, with grounds
    case = services.accountability_decide(
        case=case,
        by=bureau.supervisor,
        decisions=[
            {"officer": bureau.officer, "liability": Liability.DIRECT, "outcome": Outcome.POINTS, "points": 3},
            {
                "officer": bureau.leader,
                "liability": Liability.LEADERSHIP,
                "outcome": Outcome.EXEMPTED,
                "exemption_grounds": "已按规定审核，问题系民警事后补录造成，符合容错免责情形。",
            },
        ],
    )
    assert case.status == "decided" and case.decided_by == bureau.supervisor
    decisions = {d.officer_id: d for d in case.decisions.all()}
    assert decisions[bureau.officer.pk].points == 3
    assert decisions[bureau.leader.pk].outcome == Outcome.EXEMPTED
    # the deduction is on the officer's ledger, the exempted leader loses nothing
    entry = PointsEntry.objects.get()
    assert (entry.officer_id, entry.points, entry.decision_id) == (
        bureau.officer.pk,
        -3,
        decisions[bureau.officer.pk].pk,
    )
    officers, _units = points_standings(user=bureau.supervisor, period=parse(str(entry.on.year)))
    assert [(r["officer_id"], r["total"]) for r in officers] == [(bureau.officer.pk, -3)]
    # both are told
    assert bureau.officer.notifications.filter(kind="decision").exists()
    assert bureau.leader.notifications.filter(title__contains=str(case.pk)).exists()
    # a bureau-wide notice every officer reads
    notice = services.notice_issue(case=case, by=bureau.supervisor, title="关于单人讯问问题的通报", body="……")
    assert notices_for(bureau.other_officer).filter(pk=notice.pk).exists()
    assert bureau.other_officer.notifications.filter(url__contains=f"/notices/{notice.pk}/").exists()
    assert not notices_for(bureau.foreign_officer).exists()
    # a case is decided once
    with pytest.raises(ValidationError):
        services.accountability_decide(
            case=case, by=bureau.supervisor, decisions=[{"officer": bureau.officer, "outcome": Outcome.CRITICISM}]
        )


def test_an_exemption_without_grounds_is_refused_and_nothing_is_saved(bureau):
    finding = make_finding(bureau.supervisor, unit=bureau.station_a)
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="文书不规范")
    with pytest.raises(ValidationError) as error:
        services.accountability_decide(
            case=case,
            by=bureau.supervisor,
            decisions=[
                {"officer": bureau.officer, "outcome": Outcome.POINTS, "points": 2},
                {"officer": bureau.leader, "liability": Liability.LEADERSHIP, "outcome": Outcome.EXEMPTED},
            ],
        )
    assert "exemption_grounds" in error.value.message_dict
    case.refresh_from_db()
    assert case.status == "open"
    assert not AccountabilityDecision.objects.exists() and not PointsEntry.objects.exists()


def test_only_supervisors_open_and_decide_accountability(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    for user in (bureau.legal_officer, bureau.leader, bureau.officer, bureau.leadership):
        with pytest.raises(PermissionDenied):
            services.accountability_open(finding=finding, by=user, summary="x")
    assert not AccountabilityCase.objects.exists()


def test_a_notice_needs_a_decided_case(bureau):
    finding = make_finding(bureau.supervisor, unit=bureau.station_a)
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="文书不规范")
    with pytest.raises(ValidationError):
        services.notice_issue(case=case, by=bureau.supervisor, title="通报", body="……")


def test_points_are_earned_per_step_once(bureau):
    from inspections.tests.factories import make_case, make_step

    case = make_case(bureau.officer, opened_at=at(2025, 3, 1, 9))
    make_step(case, "detention", created_at=at(2025, 3, 1, 10))
    make_step(case, "interrogation", created_at=at(2025, 3, 1, 12))
    make_step(case, "check_in", created_at=at(2025, 3, 2, 12))  # no rate: no points
    assert services.points_award() == 2
    assert services.points_award() == 0
    officers, units = points_standings(user=bureau.leader, period=parse("2025-Q1"))
    assert [(r["officer_id"], r["total"]) for r in officers] == [(bureau.officer.pk, 3)]
    assert units[0]["unit_id"] == bureau.station_a.pk
    # an officer of another unit sees none of it
    assert points_standings(user=bureau.other_officer, period=parse("2025-Q1")) == ([], [])


def test_the_committee_analyses_a_period_and_tracks_its_campaign(bureau):
    with time_machine.travel(at(2025, 2, 10, 9), tick=False):
        make_finding(bureau.supervisor, unit=bureau.station_a, category="property")
        make_finding(bureau.supervisor, unit=bureau.station_b, category="property")
        make_finding(bureau.supervisor, unit=bureau.station_a, category="documents")
    with time_machine.travel(at(2025, 3, 20, 9), tick=False):
        make_finding(bureau.supervisor, unit=bureau.station_b, category="property")
        committee = services.committee_analyse(by=bureau.supervisor, period=parse("2025-Q1"))
        analysis = committee.analysis
        assert analysis["total"] == 4
        assert analysis["top"]["code"] == "property" and analysis["top"]["count"] == 3 and analysis["top"]["units"] == 2
        assert [t["month"] for t in analysis["trend"]] == ["2025-02", "2025-03"]
        assert [t["count"] for t in analysis["trend"]] == [3, 1]
        from inspections.models import FindingCategory

        property_ = FindingCategory.objects.get(code="property")
        committee = services.committee_choose(
            committee=committee, by=bureau.supervisor, category=property_, title="涉案财物专项整治"
        )
        # a new finding of that category joins the running campaign
        make_finding(bureau.supervisor, unit=bureau.station_a, category="property")
    from inspections.selectors import campaign_progress

    assert campaign_progress(committee)["total"] == 4
    # regenerating keeps the choice
    committee = services.committee_analyse(by=bureau.supervisor, period=parse("2025-Q1"))
    assert committee.chronic_category == property_
    with pytest.raises(PermissionDenied):
        services.committee_analyse(by=bureau.leadership, period=parse("2025-Q1"))


def test_an_interference_record_needs_who_what_and_which_case(bureau):
    from inspections.selectors import interference_for

    data = {
        "occurred_at": at(2025, 3, 1, 20),
        "who_name": "某局长",
        "who_kind": "official",
        "method": "phone",
        "case_reference": "城关所盗窃案",
        "description": "打电话要求对嫌疑人从轻处理",
    }
    record = services.interference_record(by=bureau.officer, data=data)
    with pytest.raises(ValidationError):
        services.interference_record(by=bureau.officer, data={**data, "case_reference": ""})
    assert interference_for(bureau.officer).get() == record
    assert interference_for(bureau.supervisor).get() == record
    assert not interference_for(bureau.other_officer).exists()
    assert not interference_for(bureau.leader).exists()
    assert not interference_for(bureau.foreign_officer).exists()


def test_shifts_are_for_unit_leaders_without_overlap(bureau):
    start = at(2025, 3, 3, 8)
    services.shift_add(by=bureau.supervisor, leader=bureau.leader, starts_at=start, ends_at=start + timedelta(hours=24))
    with pytest.raises(ValidationError):
        services.shift_add(
            by=bureau.supervisor,
            leader=bureau.leader,
            starts_at=start + timedelta(hours=12),
            ends_at=start + timedelta(hours=30),
        )
    with pytest.raises(ValidationError):
        services.shift_add(
            by=bureau.supervisor, leader=bureau.officer, starts_at=start, ends_at=start + timedelta(hours=8)
        )
    with pytest.raises(PermissionDenied):
        services.shift_add(by=bureau.leader, leader=bureau.leader, starts_at=start, ends_at=start + timedelta(hours=8))
