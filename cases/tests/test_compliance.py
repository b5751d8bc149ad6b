"""The run: idempotent, recorded, locked; alerts raised, routed, resolved, reviewed and
escalated; the on-save check gives the nightly run's colour."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import DataError, connection, connections

from cases import services
from cases.compliance import RUN_LOCK, compliance_run, evaluate_records
from cases.models import Alert, AlertStatus, Case, CaseKind, ComplianceRun, RunStatus
from cases.tests.factories import at, make_case, make_incident, make_step
from intake.models import Category, Disposition
from intake.services import incident_decide
from intake.tests.factories import log_report
from org.errors import Conflict
from org.models import Notification

pytestmark = pytest.mark.django_db
T0 = at(2025, 3, 3, 9, 0)


def _late_detention(b):
    case = make_case(b.officer, opened_at=T0)
    make_step(
        case,
        "detention",
        started_at=T0,
        person="李四",
        family_notified_at=T0 + timedelta(hours=2),
        delivered_at=T0 + timedelta(hours=30),
    )
    return case


def test_a_run_records_what_it_did_and_a_second_run_changes_nothing(bureau):
    case = _late_detention(bureau)
    first = compliance_run(at=T0 + timedelta(days=2))
    assert first.status == RunStatus.DONE and first.alerts_opened >= 1 and first.rows_checked >= 2
    assert set(first.timings) >= {"INT-01", "CAS-02", "apply"}
    case.refresh_from_db()
    assert case.colour == "red"
    second = compliance_run(at=T0 + timedelta(days=2))
    assert (second.alerts_opened, second.alerts_resolved, second.recoloured) == (0, 0, 0)
    assert Alert.objects.filter(case=case, rule__code="CAS-02").count() == 1


def test_the_alert_goes_to_the_stationed_legal_officer_with_a_notification(bureau):
    case = _late_detention(bureau)
    compliance_run(at=T0 + timedelta(days=2))
    alert = Alert.objects.get(case=case, rule__code="CAS-02")
    assert alert.assignee == bureau.legal_officer and alert.officer == bureau.officer
    assert "送看守所" in alert.text and "2025-03-04 09:00" in alert.text
    note = Notification.objects.get(recipient=bureau.legal_officer)
    assert note.kind == "alert" and note.url == "/cases/alerts/"


def test_a_record_made_compliant_resolves_its_alert_with_when_and_why(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    step = make_step(case, "interrogation", started_at=T0, person="李四", officers=[bureau.officer.pk])
    compliance_run(at=T0 + timedelta(hours=1))
    alert = Alert.objects.get(case=case, rule__code="CAS-08")
    type(step).objects.filter(pk=step.pk).update(officers=[bureau.officer.pk, bureau.leader.pk])
    compliance_run(at=T0 + timedelta(hours=2))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.cleared_at == T0 + timedelta(hours=2)
    assert alert.cleared_reason
    case.refresh_from_db()
    assert case.colour == "green" and case.colour_reasons == []


def test_a_dismissed_alert_is_not_raised_again_while_the_breach_lasts(bureau):
    case = _late_detention(bureau)
    compliance_run(at=T0 + timedelta(days=2))
    alert = Alert.objects.get(case=case, rule__code="CAS-02")
    services.alert_dismiss(alert=alert, by=bureau.legal_officer, reason="送押途中车辆故障，已说明")
    compliance_run(at=T0 + timedelta(days=3))
    assert Alert.objects.filter(case=case, rule__code="CAS-02").count() == 1


def test_the_on_save_check_gives_the_same_colour_as_the_nightly_run(bureau):
    # given a case with a breach, evaluated by the on-save check
    case = _late_detention(bureau)
    make_step(case, "questioning", started_at=T0, person="王五", officers=[bureau.officer.pk])
    moment = T0 + timedelta(days=2)
    evaluate_records(bureau_id=case.bureau_id, case_ids=[case.pk], now=moment)
    case.refresh_from_db()
    on_save = (case.colour, case.colour_reasons)
    # when the nightly run evaluates the whole bureau as of the same moment
    Case.objects.filter(pk=case.pk).update(colour="green", colour_reasons=[])
    run = compliance_run(at=moment)
    case.refresh_from_db()
    # then both agree, reason for reason
    assert on_save[0] == "red" and (case.colour, case.colour_reasons) == on_save
    assert run.recoloured >= 1


def test_the_on_save_check_is_planned_once_per_connection(bureau):
    # given two cases, each saved and checked on the same connection
    first, second = _late_detention(bureau), _late_detention(bureau)
    moment = T0 + timedelta(days=2)
    evaluate_records(bureau_id=first.bureau_id, case_ids=[first.pk], now=moment)
    evaluate_records(bureau_id=second.bureau_id, case_ids=[second.pk], now=moment)
    # then one prepared statement served both, with the generic plan each time
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%cases_due_one%"],
        )
        assert cursor.fetchall() == [(2, 0)]
    second.refresh_from_db()
    assert second.colour == "red"


def test_recording_a_step_recolours_the_case_at_once(bureau):
    incident = log_report(bureau.officer, received_at=at(2025, 3, 3, 9, 0), category=Category.CRIMINAL)
    incident_decide(incident=incident, by=bureau.officer, disposition=Disposition.FILED)
    case = Case.objects.get(incident=incident)  # deciding to file opened the case
    assert case.kind == CaseKind.CRIMINAL
    services.step_add(
        case=case,
        by=bureau.officer,
        kind="interrogation",
        data={"person": "李四", "started_at": at(2025, 3, 4, 10), "officers": [bureau.officer.pk]},
    )
    case.refresh_from_db()
    assert case.colour == "red" and any(r["rule"] == "CAS-08" for r in case.colour_reasons)


def test_deciding_a_report_recolours_it(bureau):
    incident = log_report(bureau.officer, received_at=at(2025, 3, 3, 9, 0), category=Category.CRIMINAL)
    incident.refresh_from_db()
    assert incident.colour == "red"  # three days passed long ago without a filing decision
    incident_decide(incident=incident, by=bureau.officer, disposition=Disposition.FILED)
    incident.refresh_from_db()
    assert incident.colour == "red"  # decided, but late: the breach stays on the record
    assert incident.colour_reasons[0]["rule"] == "INT-02"


def test_two_runs_at_once_do_not_overlap(bureau):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [RUN_LOCK])
        run = compliance_run(at=T0)
        assert run.status == RunStatus.SKIPPED and run.rows_checked == 0
    finally:
        other.close()


def test_a_failed_rule_leaves_the_previous_state_and_a_failed_run_row(bureau, monkeypatch):
    case = _late_detention(bureau)
    from cases import rules

    broken = (
        "SELECT 1::bigint, NULL::bigint, 1::bigint, 1::bigint, NULL::bigint, 'breach', NULL::timestamptz, (1/0)::text"
    )
    monkeypatch.setitem(rules.RULES, "CAS-03", lambda rule, b, scope: broken)
    with pytest.raises(DataError):
        compliance_run(at=T0 + timedelta(days=2))
    run = ComplianceRun.objects.latest("started_at")
    assert run.status == RunStatus.FAILED and "division by zero" in run.message
    assert not Alert.objects.filter(case=case).exists()
    with connection.cursor() as cursor:  # the lock was given back
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        assert cursor.fetchone()[0]
        cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])


def test_the_command_runs_one_unit_as_of_a_past_moment(bureau, capsys):
    in_a = _late_detention(bureau)
    in_b = make_case(bureau.other_officer, opened_at=T0, offence="homicide")
    call_command("run_compliance", "--at", "2025-03-05T09:00", "--unit", "PA", "--bureau", "330001")
    in_a.refresh_from_db()
    in_b.refresh_from_db()
    assert in_a.colour == "red" and in_b.colour == "green"
    assert "CAS-02" in capsys.readouterr().out


def test_confirming_needs_a_reviewer_and_tells_the_responsible_officer(bureau):
    case = _late_detention(bureau)
    compliance_run(at=T0 + timedelta(days=2))
    alert = Alert.objects.get(case=case, rule__code="CAS-02")
    with pytest.raises(PermissionDenied):
        services.alert_confirm(alert=alert, by=bureau.officer, note="")
    alert = services.alert_confirm(alert=alert, by=bureau.legal_officer, note="属实，转执法巡查")
    assert alert.status == AlertStatus.CONFIRMED and alert.reviewed_by == bureau.legal_officer
    assert Notification.objects.filter(recipient=bureau.officer, kind="decision").exists()
    with pytest.raises(Conflict):
        services.alert_dismiss(alert=alert, by=bureau.supervisor, reason="重复")


def test_dismissing_needs_a_reason(bureau):
    case = _late_detention(bureau)
    compliance_run(at=T0 + timedelta(days=2))
    alert = Alert.objects.get(case=case, rule__code="CAS-02")
    with pytest.raises(ValidationError):
        services.alert_dismiss(alert=alert, by=bureau.supervisor, reason="  ")


def test_a_legal_officer_of_another_unit_cannot_review(bureau):
    case = make_case(bureau.other_officer, opened_at=T0, offence="homicide")
    compliance_run(at=T0 + timedelta(hours=1))
    alert = Alert.objects.get(case=case)
    assert alert.assignee is None  # station B has no stationed legal officer
    with pytest.raises(PermissionDenied):
        services.alert_confirm(alert=alert, by=bureau.legal_officer, note="")


def test_alerts_unreviewed_for_two_working_days_go_to_the_supervisors(bureau):
    # raised Friday 24 Jan 2025: 2 working days are Sunday 26 (worked) and Monday 27 Jan
    case = make_case(bureau.officer, opened_at=at(2025, 1, 24, 9), offence="homicide")
    compliance_run(at=at(2025, 1, 24, 10))
    assert services.alerts_escalate(now=at(2025, 1, 27, 23, 59)) == 0
    assert services.alerts_escalate(now=at(2025, 1, 28, 0, 1)) == 1
    alert = Alert.objects.get(case=case)
    assert alert.escalated_at == at(2025, 1, 28, 0, 1)
    assert Notification.objects.filter(recipient=bureau.supervisor, kind="escalation").count() == 1
    assert services.alerts_escalate(now=at(2025, 1, 29)) == 0  # once only


def test_bulk_review_confirms_each_alert(bureau):
    first = make_case(bureau.officer, opened_at=T0, offence="homicide")
    second = make_case(bureau.officer, opened_at=T0, offence="drugs")
    compliance_run(at=T0 + timedelta(hours=1))
    alerts = Alert.objects.filter(case__in=[first, second])
    assert services.alerts_bulk_review(alerts=alerts, by=bureau.supervisor, confirm=True, note="集中确认") == 2
    assert set(Alert.objects.filter(case__in=[first, second]).values_list("status", flat=True)) == {"confirmed"}


def test_an_import_is_recoloured_with_the_same_rules(bureau):
    from django.utils import timezone

    from intake.signals import incidents_changed

    started = timezone.now()
    incident = make_incident(
        bureau.officer,
        received_at=T0,
        category=Category.ADMINISTRATIVE,
        disposition=Disposition.ACCEPTED,
        decided_at=T0 + timedelta(days=3),
    )
    type(incident).objects.filter(pk=incident.pk).update(created_at=started)
    incidents_changed.send(
        sender=type(incident), incident_ids=None, bureau_id=incident.bureau_id, import_started_at=started
    )
    incident.refresh_from_db()
    assert incident.colour == "red"  # INT-01: decided three days after a 24-hour period
    assert Case.objects.filter(incident=incident, kind=CaseKind.ADMINISTRATIVE).exists()


def test_the_rules_are_rebuilt_only_when_their_rows_change(bureau):
    from cases.compliance import enabled_rules
    from cases.models import Rule

    first = enabled_rules()
    # unchanged rows: the same Rule objects, not built again
    assert [id(rule) for rule in enabled_rules()] == [id(rule) for rule in first]
    # a bulk UPDATE (no signal, as another process's would be) is seen at the next call
    Rule.objects.filter(code="INT-01").update(enabled=False)
    assert "INT-01" not in {rule.code for rule in enabled_rules()}
    Rule.objects.filter(code="INT-02").update(params={"changed": True})
    # a row changed twice in one transaction is seen too
    Rule.objects.filter(code="INT-02").update(params={"changed": "again"})
    assert next(rule for rule in enabled_rules() if rule.code == "INT-02").params == {"changed": "again"}
