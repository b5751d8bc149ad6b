"""Every rule: compliant, green before two-thirds, yellow at two-thirds and one minute inside the
deadline, red one minute past it (with an alert), a late completion, a disabled rule, a changed
parameter. Deadlines are computed with the Python twin of the SQL (cases.periods.due_at)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from cases.compliance import evaluate
from cases.models import Alert, AlertStatus, CaseKind, CaseStatus, Rule
from cases.periods import WorkCalendar, due_at, warn_from
from cases.rules import Scope
from cases.tests.factories import at, make_case, make_incident, make_step
from intake.models import Category, Disposition, Incident
from org.models import Role
from org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
MINUTE = timedelta(minutes=1)
T0 = at(2025, 3, 3, 9, 0)  # a Monday morning, far from any holiday


def colour(record, now, *, code: str | None = None) -> str:
    """Evaluate (one rule, or all enabled) over the record's bureau as of `now`; the record's colour."""
    rules = [Rule.objects.get(code=code)] if code else None
    evaluate(scope=Scope(bureau_id=record.bureau_id), now=now, rules=rules)
    record.refresh_from_db()
    return record.colour


@dataclass
class Spec:
    """A deadline rule under test: how to build the record whose clock starts at `start`, and how
    to complete what the rule waits for."""

    code: str
    build: Callable  # (bureau) -> (record, start)
    complete: Callable  # (record, when) -> None
    late_breaks: bool = True


def _incident(category):
    def build(b):
        incident = make_incident(b.officer, received_at=T0, category=category)
        return incident, T0

    return build


def _decide(incident, when):
    Incident.objects.filter(pk=incident.pk).update(
        disposition=Disposition.FILED, decided_at=when, decided_by=incident.receiving_officer
    )


def _with_step(kind, **fields):
    def build(b):
        case = make_case(b.officer, opened_at=T0 - timedelta(days=1))
        case.step = make_step(case, kind, started_at=T0, person="李四", **fields)
        return case, T0

    return build


def _set(field):
    def complete(case, when):
        type(case.step).objects.filter(pk=case.step.pk).update(**{field: when})

    return complete


def _add_step(kind):
    def complete(case, when):
        make_step(case, kind, started_at=when, person="李四")

    return complete


def _closed_with_property(b):
    case = make_case(b.officer, opened_at=T0 - timedelta(days=20), status=CaseStatus.CLOSED, closed_at=T0)
    case.step = make_step(
        case, "property", started_at=T0 - timedelta(days=10), item="手机", custody_at=T0 - timedelta(days=10)
    )
    return case, T0


def _administrative_case(b):
    return make_case(b.officer, opened_at=T0, kind=CaseKind.ADMINISTRATIVE), T0


def _close(case, when):
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=when)


def _quiet_criminal_case(b):
    return make_case(b.officer, opened_at=T0), T0


def _unreviewed_step(b):
    case = make_case(b.officer, opened_at=T0 - timedelta(days=1))
    case.step = make_step(case, "search", started_at=T0, reviewed=False)
    return case, T0


def _review(case, when):
    type(case.step).objects.filter(pk=case.step.pk).update(reviewed_at=when, reviewed_by=case.lead_officer)


DEADLINE_RULES = [
    Spec("INT-01", _incident(Category.ADMINISTRATIVE), _decide),
    Spec("INT-02", _incident(Category.CRIMINAL), _decide),
    Spec("CAS-01", _with_step("summons"), _set("ended_at")),
    Spec("CAS-02", _with_step("detention"), _set("delivered_at")),
    Spec("CAS-03", _with_step("detention"), _set("family_notified_at")),
    Spec("CAS-04", _with_step("detention"), _add_step("interrogation")),
    Spec("CAS-05", _with_step("detention"), _add_step("arrest_request")),
    Spec("CAS-06", _with_step("bail"), _set("ended_at")),
    Spec("CAS-07", _with_step("surveillance"), _set("ended_at")),
    Spec("CAS-09", _with_step("property", item="手机"), _set("custody_at")),
    Spec("CAS-10", _closed_with_property, _set("disposed_at")),
    Spec("CAS-11", _administrative_case, _close),
    Spec("CAS-12", _quiet_criminal_case, _add_step("search"), late_breaks=False),
    Spec("CAS-14", _with_step("bail"), _add_step("check_in"), late_breaks=False),
    Spec("CAS-15", _unreviewed_step, _review, late_breaks=False),
]
IDS = [s.code for s in DEADLINE_RULES]


def deadline(spec: Spec, start, rule: Rule | None = None):
    rule = rule or Rule.objects.get(code=spec.code)
    return due_at(start, rule.period, rule.period_unit, custody=rule.custody, calendar=WorkCalendar.load())


def broken(spec: Spec) -> str:
    return Rule.objects.get(code=spec.code).breach_colour


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_green_while_less_than_two_thirds_of_the_period_is_spent(bureau, spec):
    record, start = spec.build(bureau)
    due = deadline(spec, start)
    assert (
        colour(record, warn_from(start, due, Rule.objects.get(code=spec.code).warn_at) - MINUTE, code=spec.code)
        == "green"
    )


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_yellow_at_two_thirds_and_one_minute_inside_the_deadline(bureau, spec):
    record, start = spec.build(bureau)
    due = deadline(spec, start)
    warn = warn_from(start, due, Rule.objects.get(code=spec.code).warn_at)
    assert colour(record, warn + MINUTE, code=spec.code) == "yellow"
    assert colour(record, due - MINUTE, code=spec.code) == "yellow"
    assert not Alert.objects.filter(incident_id=_incident_id(record)).exists()
    assert "将于" in record.colour_reasons[0]["text"]  # 将于 … 到期: the deadline is named


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_one_minute_past_the_deadline_breaks_the_rule(bureau, spec):
    record, start = spec.build(bureau)
    due = deadline(spec, start)
    assert colour(record, due + MINUTE, code=spec.code) == broken(spec)
    reason = record.colour_reasons[0]
    assert reason["rule"] == spec.code and "已超过期限" in reason["text"]
    alerts = Alert.objects.filter(incident_id=_incident_id(record), rule__code=spec.code)
    if broken(spec) == "red":
        alert = alerts.get()
        assert alert.status == AlertStatus.OPEN and alert.assignee == bureau.legal_officer
    else:  # a waiting review is yellow: watched, not alerted
        assert not alerts.exists()


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_done_in_time_is_green_for_good(bureau, spec):
    record, start = spec.build(bureau)
    due = deadline(spec, start)
    spec.complete(record, due - MINUTE)
    assert colour(record, due + timedelta(days=3), code=spec.code) == "green"


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_done_late(bureau, spec):
    record, start = spec.build(bureau)
    due = deadline(spec, start)
    spec.complete(record, due + MINUTE)
    # A deadline missed stays broken; a wait that ended (a review, a check-in, a new step) clears.
    expected = broken(spec) if spec.late_breaks else "green"
    assert colour(record, due + timedelta(hours=2), code=spec.code) == expected


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_a_disabled_rule_colours_nothing(bureau, spec):
    record, start = spec.build(bureau)
    Rule.objects.filter(code=spec.code).update(enabled=False)
    Rule.objects.exclude(code=spec.code).update(enabled=False)
    assert colour(record, deadline(spec, start) + timedelta(days=1)) == "green"


@pytest.mark.parametrize("spec", DEADLINE_RULES, ids=IDS)
def test_a_longer_period_set_by_the_administrator_moves_the_deadline(bureau, spec):
    record, start = spec.build(bureau)
    old_due = deadline(spec, start)
    rule = Rule.objects.get(code=spec.code)
    rule.period *= 2
    if spec.code == "CAS-05":
        rule.params = {"max_period": 30}
    rule.save()
    assert colour(record, old_due + MINUTE, code=spec.code) == "green"  # half of the new period
    assert colour(record, deadline(spec, start, rule) + MINUTE, code=spec.code) == broken(spec)


def _incident_id(record) -> int:
    return record.incident_id if hasattr(record, "incident_id") else record.pk


# --- Period variants the law provides ---


def test_a_complex_administrative_report_has_three_days_not_24_hours(bureau):
    incident = make_incident(bureau.officer, received_at=T0, category=Category.ADMINISTRATIVE, is_complex=True)
    assert colour(incident, T0 + timedelta(hours=25), code="INT-01") == "green"
    assert colour(incident, at(2025, 3, 7, 0, 1), code="INT-01") == "red"  # 24:00 Thursday 6 March


def test_a_criminal_report_whose_clue_is_checked_has_seven_days(bureau):
    from intake.models import ExtensionRequest

    incident = make_incident(bureau.officer, received_at=T0, is_complex=True)
    ExtensionRequest.objects.create(
        bureau_id=incident.bureau_id,
        unit_id=incident.unit_id,
        incident=incident,
        kind="criminal_check",
        reason="线索需查证",
        requested_by=bureau.officer,
        status="approved",
        decided_at=T0,
    )
    assert colour(incident, at(2025, 3, 10, 23, 59), code="INT-02") == "yellow"  # due 24:00 Monday 10 March
    assert colour(incident, at(2025, 3, 11, 0, 1), code="INT-02") == "red"


def test_an_arrest_request_period_approved_to_30_days_for_a_gang_suspect(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "detention", started_at=T0, person="李四", approved_period=30)
    assert colour(case, T0 + timedelta(days=10), code="CAS-05") == "green"
    assert colour(case, at(2025, 4, 3, 0, 1), code="CAS-05") == "red"  # 24:00 2 April


def test_a_summons_extended_to_24_hours(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "summons", started_at=T0, person="李四", extended=True)
    assert colour(case, T0 + timedelta(hours=13), code="CAS-01") == "green"
    assert colour(case, T0 + timedelta(hours=24, minutes=1), code="CAS-01") == "red"


def test_a_detainee_released_before_delivery_needs_no_delivery(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "detention", started_at=T0, person="李四", ended_at=T0 + timedelta(hours=5))
    assert colour(case, T0 + timedelta(days=2), code="CAS-02") == "green"


def test_no_family_notice_is_needed_where_the_law_exempts_it(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "detention", started_at=T0, person="李四", notice_exemption="无法通知")
    assert colour(case, T0 + timedelta(days=2), code="CAS-03") == "green"


def test_an_arrest_request_period_in_custody_is_not_extended_over_the_spring_festival(bureau):
    # Detained Monday 27 Jan 2025: 3 days end 24:00 Thursday 30 Jan, a holiday — not 5 Feb.
    case = make_case(bureau.officer, opened_at=at(2025, 1, 27, 8))
    make_step(case, "detention", started_at=at(2025, 1, 27, 9), person="李四")
    assert colour(case, at(2025, 1, 31, 0, 1), code="CAS-05") == "red"


def test_a_criminal_report_received_before_the_festival_is_due_after_it(bureau):
    incident = make_incident(bureau.officer, received_at=at(2025, 1, 27, 9))
    assert colour(incident, at(2025, 2, 5, 23, 59), code="INT-02") == "yellow"
    assert colour(incident, at(2025, 2, 6, 0, 1), code="INT-02") == "red"


# --- Rules without a deadline ---


def test_a_theft_with_a_loss_closed_as_no_case_is_red(bureau):
    incident = make_incident(
        bureau.officer,
        received_at=T0,
        category=Category.DISPUTE,
        summary="报警人称其手机被盗。",
        amount=Decimal("3000"),
        disposition=Disposition.NO_CASE,
        decided_at=T0 + timedelta(hours=2),
    )
    assert colour(incident, T0 + timedelta(days=1), code="INT-03") == "red"
    assert Alert.objects.filter(incident=incident, rule__code="INT-03").exists()


def test_a_dispute_without_loss_closed_as_no_case_is_green(bureau):
    incident = make_incident(
        bureau.officer,
        received_at=T0,
        category=Category.DISPUTE,
        summary="邻里纠纷。",
        disposition=Disposition.NO_CASE,
        decided_at=T0 + timedelta(hours=2),
    )
    assert colour(incident, T0 + timedelta(days=1), code="INT-03") == "green"


def test_a_criminal_report_mediated_instead_of_a_filing_decision_is_red(bureau):
    incident = make_incident(
        bureau.officer, received_at=T0, disposition=Disposition.MEDIATED, decided_at=T0 + timedelta(hours=2)
    )
    assert colour(incident, T0 + timedelta(days=1), code="INT-03") == "red"
    Rule.objects.filter(code="INT-03").update(params={"criminal_without_filing": ["no_case"], "min_amount": 1})
    assert colour(incident, T0 + timedelta(days=1), code="INT-03") == "green"


def test_a_higher_amount_threshold_spares_small_losses(bureau):
    incident = make_incident(
        bureau.officer,
        received_at=T0,
        amount=Decimal("300"),
        disposition=Disposition.NO_CASE,
        decided_at=T0 + timedelta(hours=1),
    )
    Rule.objects.filter(code="INT-03").update(params={"min_amount": 1000, "criminal_without_filing": []})
    assert colour(incident, T0 + timedelta(days=1), code="INT-03") == "green"


def _repeat(b, days_apart):
    first = make_incident(
        b.officer,
        received_at=T0,
        category=Category.DISPUTE,
        reporter_id_number="11010519491231002X",
        disposition=Disposition.NO_CASE,
        decided_at=T0 + timedelta(hours=1),
    )
    second = make_incident(
        b.officer,
        received_at=T0 + timedelta(days=days_apart),
        category=Category.DISPUTE,
        reporter_id_number="11010519491231002X",
    )
    return first, second


def test_the_same_reporter_again_within_30_days_is_red(bureau):
    first, second = _repeat(bureau, 10)
    assert colour(second, T0 + timedelta(days=11), code="INT-04") == "red"
    first.refresh_from_db()
    assert first.colour == "green"


def test_the_same_reporter_after_40_days_is_not_a_repeat_unless_the_window_grows(bureau):
    _first, second = _repeat(bureau, 40)
    assert colour(second, T0 + timedelta(days=41), code="INT-04") == "green"
    Rule.objects.filter(code="INT-04").update(params={"window_days": 60, "min_reports": 2})
    assert colour(second, T0 + timedelta(days=41), code="INT-04") == "red"


def test_a_report_without_location_is_yellow_until_completed(bureau):
    incident = make_incident(bureau.officer, received_at=T0, location="")
    assert colour(incident, T0 + MINUTE, code="INT-05") == "yellow"
    Rule.objects.filter(code="INT-05").update(params={"fields": ["receiving_officer"]})
    assert colour(incident, T0 + MINUTE, code="INT-05") == "green"


def test_an_anonymous_report_needs_no_reporter_details(bureau):
    incident = make_incident(bureau.officer, received_at=T0, is_anonymous=True, reporter_name="", reporter_phone="")
    assert colour(incident, T0 + MINUTE, code="INT-05") == "green"


def test_an_interrogation_by_one_officer_is_red(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "interrogation", started_at=T0, person="李四", officers=[bureau.officer.pk])
    assert colour(case, T0 + MINUTE, code="CAS-08") == "red"
    Rule.objects.filter(code="CAS-08").update(params={"min_officers": 1})
    assert colour(case, T0 + MINUTE, code="CAS-08") == "green"


def test_an_auxiliary_officer_does_not_count_as_the_second(bureau):
    auxiliary = UserFactory(unit=bureau.station_a, role=Role.OFFICER, is_auxiliary=True)
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "questioning", started_at=T0, person="王五", officers=[bureau.officer.pk, auxiliary.pk])
    assert colour(case, T0 + MINUTE, code="CAS-08") == "red"


def test_two_sworn_officers_are_compliant(bureau):
    case = make_case(bureau.officer, opened_at=T0)
    make_step(case, "interrogation", started_at=T0, person="李四", officers=[bureau.officer.pk, bureau.leader.pk])
    assert colour(case, T0 + MINUTE, code="CAS-08") == "green"


def test_a_withdrawal_without_approval_is_red_until_approved(bureau):
    case = make_case(bureau.officer, opened_at=T0, status=CaseStatus.WITHDRAWN, closed_at=T0 + timedelta(days=5))
    step = make_step(case, "withdrawal", started_at=T0 + timedelta(days=5))
    assert colour(case, T0 + timedelta(days=6), code="CAS-13") == "red"
    type(step).objects.filter(pk=step.pk).update(approved_by=bureau.leader, approved_at=T0 + timedelta(days=5, hours=2))
    assert colour(case, T0 + timedelta(days=6), code="CAS-13") == "green"
    alert = Alert.objects.get(case=case, rule__code="CAS-13")
    assert alert.status == AlertStatus.RESOLVED and alert.cleared_at == T0 + timedelta(days=6)


def test_a_station_handling_a_homicide_breaks_the_negative_list(bureau):
    case = make_case(bureau.officer, opened_at=T0, offence="homicide")
    assert colour(case, T0 + MINUTE, code="CAS-16") == "red"
    Rule.objects.filter(code="CAS-16").update(params={"negative_list": {"brigade": ["traffic"]}})
    assert colour(case, T0 + MINUTE, code="CAS-16") == "green"


def test_a_station_handling_a_theft_is_within_its_jurisdiction(bureau):
    case = make_case(bureau.officer, opened_at=T0, offence="theft")
    assert colour(case, T0 + MINUTE, code="CAS-16") == "green"


@pytest.mark.parametrize("code", ["INT-03", "INT-04", "INT-05", "CAS-08", "CAS-13", "CAS-16"])
def test_a_disabled_rule_without_deadline_colours_nothing(bureau, code):
    incident = make_incident(
        bureau.officer,
        received_at=T0,
        location="",
        amount=Decimal("3000"),
        disposition=Disposition.NO_CASE,
        decided_at=T0,
    )
    case = make_case(bureau.officer, opened_at=T0, offence="homicide")
    make_step(case, "interrogation", started_at=T0, person="李四", officers=[bureau.officer.pk])
    Rule.objects.update(enabled=False)
    assert colour(incident, T0 + timedelta(days=1)) == "green"
    assert colour(case, T0 + timedelta(days=1)) == "green"
