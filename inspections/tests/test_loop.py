"""The closed loop (整改闭环): red alert → confirmed → finding → order → answered → returned →
answered → verified → closed, with the audit trail checked at each step."""

from __future__ import annotations

from datetime import timedelta

import pghistory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from cases.models import Alert, AlertStatus
from cases.services import alert_confirm
from inspections import services
from inspections.models import Finding, OrderEvent, OrderStatus, RectificationOrder, Source
from inspections.tests.factories import make_alert, make_case, make_finding
from org.audit import history
from org.errors import Conflict

pytestmark = pytest.mark.django_db


def status_change(order) -> tuple:
    """The (before, after) of the status in the latest audit entry of the order."""
    label = str(RectificationOrder._meta.get_field("status").verbose_name)
    entry = history(order)[-1]
    changes = {name: (before, after) for name, before, after in entry.changes}
    # the history page shows the statuses' labels (已下发, 已反馈 …): read back as their codes
    codes = {str(status.label): status.value for status in OrderStatus}
    before_after = changes.get(label)
    return entry.label, entry.actor, before_after and tuple(codes.get(v, v) for v in before_after)


def test_a_confirmed_red_alert_is_tracked_to_verified_closure(bureau):
    # given a red alert on a case of station A (one officer at an interrogation)
    case = make_case(bureau.officer, opened_at=timezone.now() - timedelta(days=3))
    alert = make_alert(case, rule="CAS-08", severity=2)
    # when the stationed legal officer confirms it
    with pghistory.context(user=bureau.legal_officer.pk):
        alert_confirm(alert=alert, by=bureau.legal_officer, note="核实属实")
    assert alert.status == AlertStatus.CONFIRMED
    # then, in the same transaction, it becomes a finding with its order, once (the beat's sweep adds nothing)
    assert Finding.objects.filter(alert=alert).count() == 1
    assert services.findings_from_confirmed_alerts() == 0
    finding = Finding.objects.get(alert=alert)
    assert (finding.source, finding.unit_id, finding.case_id, finding.incident_id) == (
        Source.ALERT,
        case.unit_id,
        case.pk,
        case.incident_id,
    )
    assert finding.category.code == "single_officer"
    assert finding.inspector == bureau.legal_officer
    assert finding.officers == [bureau.officer.pk]
    assert "核实属实" in finding.description
    order = finding.order
    assert order.status == OrderStatus.ISSUED
    assert order.due_at == finding.found_at + timedelta(days=15)  # medium severity
    assert [e.label for e in history(order)] == ["insert"]
    # and the unit's leader was told
    assert bureau.leader.notifications.filter(kind="decision").exists()

    # the unit answers
    with pghistory.context(user=bureau.officer.pk):
        order = services.order_answer(order=order, by=bureau.officer, text="已组织全所学习取证规范，补正笔录。")
    assert order.status == OrderStatus.ANSWERED
    assert status_change(order) == ("update", str(bureau.officer), ("issued", "answered"))

    # the inspector sends it back with a new deadline
    new_due = timezone.now() + timedelta(days=5)
    with pghistory.context(user=bureau.legal_officer.pk):
        order = services.order_return(order=order, by=bureau.legal_officer, reason="未附整改材料", due_at=new_due)
    assert (order.status, order.times_returned, order.due_at) == (OrderStatus.RETURNED, 1, new_due)
    assert status_change(order) == ("update", str(bureau.legal_officer), ("answered", "returned"))

    # the unit answers again
    with pghistory.context(user=bureau.leader.pk):
        order = services.order_answer(order=order, by=bureau.leader, text="补充学习记录及补正后的笔录。")
    assert status_change(order)[2] == ("returned", "answered")

    # the inspector verifies, then closes the loop
    with pghistory.context(user=bureau.legal_officer.pk):
        order = services.order_verify(order=order, by=bureau.legal_officer, note="经现场核查，整改到位")
    assert status_change(order) == ("update", str(bureau.legal_officer), ("answered", "verified"))
    with pghistory.context(user=bureau.supervisor.pk):
        order = services.order_close(order=order, by=bureau.supervisor)
    assert status_change(order) == ("update", str(bureau.supervisor), ("verified", "closed"))
    assert order.closed_by == bureau.supervisor and order.verified_by == bureau.legal_officer

    # every transition is in the order's own trail, in order, with who did it
    trail = list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status", "by_id"))
    assert trail == [
        ("", "issued", bureau.legal_officer.pk),
        ("issued", "answered", bureau.officer.pk),
        ("answered", "returned", bureau.legal_officer.pk),
        ("returned", "answered", bureau.leader.pk),
        ("answered", "verified", bureau.legal_officer.pk),
        ("verified", "closed", bureau.supervisor.pk),
    ]
    assert order.answers.count() == 2
    assert len(history(order)) == 6  # insert + five moves


def test_an_open_or_dismissed_alert_makes_no_finding(bureau):
    case = make_case(bureau.officer, opened_at=timezone.now() - timedelta(days=3))
    make_alert(case)
    assert services.findings_from_confirmed_alerts() == 0
    assert not Finding.objects.exists()


def test_findings_from_alerts_can_run_for_one_bureau(bureau):
    case = make_case(bureau.officer, opened_at=timezone.now() - timedelta(days=3))
    alert = make_alert(case, rule="CAS-12", severity=1)
    # a confirmation that reached the table without the service's signal (the sweep is the safety net)
    Alert.objects.filter(pk=alert.pk).update(
        status="confirmed", reviewed_by=bureau.supervisor, reviewed_at=timezone.now()
    )
    assert services.findings_from_confirmed_alerts(bureau_id=bureau.foreign_officer.bureau_id) == 0
    assert services.findings_from_confirmed_alerts(bureau_id=case.bureau_id) == 1
    finding = Finding.objects.get()
    assert finding.category.code == "long_unresolved"
    assert finding.order.due_at == finding.found_at + timedelta(days=7)  # high severity


def test_closing_an_order_without_an_answer_is_refused_and_nothing_changes(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    with pytest.raises(ValidationError, match="no answer|尚无"):
        services.order_close(order=finding.order, by=bureau.legal_officer)
    finding.order.refresh_from_db()
    assert finding.order.status == OrderStatus.ISSUED
    assert finding.order.transitions.count() == 1


def test_verifying_your_own_units_answer_is_refused(bureau):
    finding = make_finding(bureau.supervisor, unit=bureau.station_a)
    order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    # the unit's own leader may not verify it
    with pytest.raises(PermissionDenied):
        services.order_verify(order=order, by=bureau.leader)
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED


def test_transitions_out_of_order_are_refused(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    order = finding.order
    with pytest.raises(ValidationError):
        services.order_verify(order=order, by=bureau.legal_officer)  # nothing to verify yet
    order = services.order_answer(order=order, by=bureau.officer, text="已整改")
    with pytest.raises(ValidationError, match="Verify|验收|核"):
        services.order_close(order=order, by=bureau.legal_officer)  # not verified yet
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        services.order_answer(order=order, by=bureau.officer, text="再次答复")  # already answered
    # the move is named by its verb ("答复"), not by the state it leads to ("已答")
    assert refused.value.messages == ["状态为“已反馈”的整改通知不能答复。"]
    assert order.transitions.count() == 2
    unanswered = make_finding(bureau.legal_officer, unit=bureau.station_a).order
    with pytest.raises(ValidationError) as refused, translation.override("zh-hans"):
        services.order_return(
            order=unanswered, by=bureau.legal_officer, reason="不到位", due_at=timezone.now() + timedelta(days=3)
        )
    assert refused.value.messages == ["状态为“已下发”的整改通知不能退回。"]


def test_a_finding_from_an_alert_names_the_rule_once(bureau):
    """The alert's sentence begins with the rule's name (the compliance rules' reason texts):
    the finding does not repeat it; a sentence that does not is prefixed with it as before."""
    case = make_case(bureau.officer, opened_at=timezone.now() - timedelta(days=3))
    breach = make_alert(case, rule="CAS-08")
    breach.text = f"{breach.rule.name}（讯问仅一名民警在场）"
    deadline = make_alert(case, rule="CAS-05")
    deadline.text = f"{deadline.rule.name}：已超过期限 2025-06-01 18:00（拘留第3日）"
    bare = make_alert(case, rule="CAS-12", text="审核超过24小时")
    for alert in (breach, deadline):
        alert.save(update_fields=["text"])
    for alert in (breach, deadline, bare):
        alert_confirm(alert=alert, by=bureau.legal_officer, note="")
    assert Finding.objects.get(alert=breach).description == f"CAS-08 {breach.rule.name}（讯问仅一名民警在场）"
    assert Finding.objects.get(alert=deadline).description == (
        f"CAS-05 {deadline.rule.name}：已超过期限 2025-06-01 18:00（拘留第3日）"
    )
    assert Finding.objects.get(alert=bare).description == f"CAS-12 {bare.rule.name}：审核超过24小时"


def test_a_stale_order_cannot_be_moved_twice(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    stale = RectificationOrder.objects.get(pk=finding.order.pk)
    services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    # the copy read before the answer still says "issued": the guarded update touches no row
    with pytest.raises(Conflict):
        services.order_answer(order=stale, by=bureau.leader, text="同时答复")
    assert RectificationOrder.objects.get(pk=stale.pk).answers.count() == 1


def test_a_deadline_in_the_past_is_refused_and_nothing_is_saved(bureau):
    with pytest.raises(ValidationError) as error:
        make_finding(bureau.legal_officer, unit=bureau.station_a, due_in_days=-1)
    assert "due_at" in error.value.message_dict
    assert not Finding.objects.exists()


def test_returning_needs_a_future_deadline(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    order = services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    with pytest.raises(ValidationError):
        services.order_return(order=order, by=bureau.legal_officer, reason="不到位", due_at=timezone.now())
    order.refresh_from_db()
    assert order.status == OrderStatus.ANSWERED


def test_only_the_unit_answers_its_order(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    with pytest.raises(PermissionDenied):
        services.order_answer(order=finding.order, by=bureau.other_officer, text="代为答复")


def test_a_legal_officer_inspects_another_unit_only_as_a_cross_inspection(bureau):
    with pytest.raises(PermissionDenied):
        make_finding(bureau.legal_officer, unit=bureau.station_b)
    finding = make_finding(bureau.legal_officer, unit=bureau.station_b, cross_inspection=True)
    assert finding.cross_inspection
    # the inspector follows the finding they made, though the unit is not theirs
    from inspections.selectors import findings_for

    assert findings_for(bureau.legal_officer).filter(pk=finding.pk).exists()
    # and checks its answer
    order = services.order_answer(order=finding.order, by=bureau.other_officer, text="已整改")
    services.order_verify(order=order, by=bureau.legal_officer)
