"""Logging, numbering, corrections as versions, decisions and extension approvals."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone

from intake.models import Disposition, ExtensionKind, Incident, IncidentVersion, RequestStatus
from intake.services import extension_decide, extension_request, incident_correct, incident_decide
from intake.tests.factories import at, log_report
from org.errors import Conflict

pytestmark = pytest.mark.django_db


def test_logged_report_gets_unit_date_sequence_number_and_version_one(bureau):
    first = log_report(bureau.officer, received_at=at(2025, 1, 28, 23, 15))
    second = log_report(bureau.officer, received_at=at(2025, 1, 28, 23, 50))
    next_day = log_report(bureau.officer, received_at=at(2025, 1, 29, 0, 5))
    assert (first.number, second.number, next_day.number) == (
        "PA-20250128-0001",
        "PA-20250128-0002",
        "PA-20250129-0001",
    )
    assert first.version == 1 and first.versions.get().summary == first.summary
    assert first.receiving_officer == bureau.officer  # defaults to the one who logs it


def test_numbering_is_per_unit(bureau):
    a = log_report(bureau.officer, received_at=at(2025, 3, 1, 10))
    b = log_report(bureau.other_officer, received_at=at(2025, 3, 1, 10))
    assert a.number.endswith("-0001") and b.number.endswith("-0001")
    assert a.number != b.number


def test_a_rolled_back_report_gives_its_number_back(bureau):
    with pytest.raises(RuntimeError), transaction.atomic():
        log_report(bureau.officer, received_at=at(2025, 3, 2, 10))
        raise RuntimeError("the desk lost power")
    assert log_report(bureau.officer, received_at=at(2025, 3, 2, 11)).number == "PA-20250302-0001"


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_get_consecutive_numbers_without_gaps(bureau):
    # given officer A's save holds its transaction open after taking a number
    took_number = threading.Event()
    release = threading.Event()
    numbers: dict[str, str] = {}

    def save_a():
        try:
            with transaction.atomic():
                numbers["a"] = log_report(bureau.officer, received_at=at(2025, 4, 1, 9)).number
                took_number.set()
                release.wait(10)
        finally:
            connection.close()

    def save_b():
        try:
            numbers["b"] = log_report(bureau.leader, received_at=at(2025, 4, 1, 9, 1)).number
        finally:
            connection.close()

    a = threading.Thread(target=save_a)
    a.start()
    assert took_number.wait(10)
    # when B saves for the same unit and day while A is still open, B waits for A …
    b = threading.Thread(target=save_b)
    b.start()
    b.join(0.5)
    assert b.is_alive(), "B must wait for A's counter row, not take a number of its own"
    release.set()
    a.join(10)
    b.join(10)
    # … then both numbers exist, consecutive, no gap, no duplicate
    assert sorted(numbers.values()) == ["PA-20250401-0001", "PA-20250401-0002"]
    assert Incident.objects.filter(number__startswith="PA-20250401").count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_rollback_leaves_no_gap(bureau):
    took_number = threading.Event()
    release = threading.Event()
    numbers = {}

    def save_and_fail():
        try:
            with transaction.atomic():
                log_report(bureau.officer, received_at=at(2025, 4, 2, 9))
                took_number.set()
                release.wait(10)
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        finally:
            connection.close()

    def save():
        try:
            numbers["b"] = log_report(bureau.leader, received_at=at(2025, 4, 2, 9, 1)).number
        finally:
            connection.close()

    a = threading.Thread(target=save_and_fail)
    a.start()
    assert took_number.wait(10)
    b = threading.Thread(target=save)
    b.start()
    release.set()
    a.join(10)
    b.join(10)
    assert numbers["b"] == "PA-20250402-0001"


def test_correction_makes_a_new_version_and_keeps_the_old_one(bureau):
    incident = log_report(bureau.officer, location="人民路")
    corrected = incident_correct(
        incident=incident,
        by=bureau.leader,
        changes={"location": "人民路88号"},
        reason="报警人补充地址",
        expected_version=1,
    )
    assert corrected.version == 2 and corrected.location == "人民路88号"
    v1, v2 = IncidentVersion.objects.filter(incident=incident).order_by("version")
    assert v1.location == "人民路" and v1.reason == ""
    assert v2.location == "人民路88号" and v2.reason == "报警人补充地址" and v2.created_by == bureau.leader


def test_correction_needs_a_reason_and_a_change(bureau):
    incident = log_report(bureau.officer)
    with pytest.raises(ValidationError):
        incident_correct(incident=incident, by=bureau.officer, changes={"location": "新地址"}, reason=" ")
    with pytest.raises(ValidationError, match="没有任何改动"):
        incident_correct(incident=incident, by=bureau.officer, changes={"location": incident.location}, reason="核对")
    assert IncidentVersion.objects.filter(incident=incident).count() == 1


def test_correction_against_a_stale_version_is_refused(bureau):
    incident = log_report(bureau.officer)
    incident_correct(incident=incident, by=bureau.officer, changes={"location": "甲"}, reason="一", expected_version=1)
    with pytest.raises(Conflict):
        incident_correct(
            incident=incident, by=bureau.leader, changes={"location": "乙"}, reason="二", expected_version=1
        )
    assert Incident.objects.get(pk=incident.pk).location == "甲"


def test_versions_cannot_be_changed_or_deleted_even_with_sql(bureau):
    incident = log_report(bureau.officer)
    with pytest.raises(ProgrammingError, match="Cannot"), transaction.atomic():
        IncidentVersion.objects.filter(incident=incident).update(summary="改写")
    with pytest.raises(ProgrammingError, match="Cannot"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM intake_incidentversion WHERE incident_id = %s", [incident.pk])
    with pytest.raises(ProgrammingError, match="Cannot"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM intake_incident WHERE id = %s", [incident.pk])
    assert IncidentVersion.objects.get(incident=incident).summary == incident.summary


def test_decision_is_recorded_once(bureau):
    incident = log_report(bureau.officer)
    incident_decide(incident=incident, by=bureau.officer, disposition=Disposition.FILED)
    incident.refresh_from_db()
    assert incident.disposition == Disposition.FILED and incident.decided_by == bureau.officer
    with pytest.raises(ValidationError, match="已作出处理决定"):
        incident_decide(incident=incident, by=bureau.leader, disposition=Disposition.NO_CASE, reason="x")


def test_decision_from_a_stale_copy_is_refused(bureau):
    incident = log_report(bureau.officer)
    stale = Incident.objects.get(pk=incident.pk)
    incident_decide(incident=incident, by=bureau.officer, disposition=Disposition.FILED)
    with pytest.raises(Conflict):
        incident_decide(incident=stale, by=bureau.leader, disposition=Disposition.ACCEPTED)


@pytest.mark.parametrize("disposition", [Disposition.NOT_FILED, Disposition.NOT_ACCEPTED, Disposition.NO_CASE])
def test_declining_needs_a_reason(bureau, disposition):
    incident = log_report(bureau.officer)
    with pytest.raises(ValidationError, match="reason"):
        incident_decide(incident=incident, by=bureau.officer, disposition=disposition, reason="")


def test_officer_of_another_unit_cannot_decide(bureau):
    incident = log_report(bureau.officer)
    with pytest.raises(PermissionDenied):
        incident_decide(incident=incident, by=bureau.other_officer, disposition=Disposition.FILED)
    with pytest.raises(PermissionDenied):
        incident_decide(incident=incident, by=bureau.supervisor, disposition=Disposition.FILED)


def test_report_for_another_unit_cannot_be_logged(bureau):
    with pytest.raises(ValidationError):
        log_report(bureau.officer, unit=bureau.station_b)
    with pytest.raises(PermissionDenied):
        log_report(bureau.supervisor, unit=bureau.station_a)


def test_anonymous_report_keeps_no_identity_and_named_report_needs_a_name(bureau):
    with pytest.raises(ValidationError) as err:
        log_report(bureau.officer, is_anonymous=True)
    assert set(err.value.message_dict) == {"reporter_name", "reporter_id_number", "reporter_phone"}
    log_report(bureau.officer, is_anonymous=True, reporter_name="", reporter_id_number="", reporter_phone="")
    with pytest.raises(ValidationError) as err:
        log_report(bureau.officer, reporter_name="  ")
    assert "reporter_name" in err.value.message_dict


def test_extension_request_approved_by_the_unit_leader_marks_the_report_complex(bureau):
    incident = log_report(bureau.officer)
    request = extension_request(
        incident=incident, by=bureau.officer, kind=ExtensionKind.CRIMINAL_CHECK, reason="线索需核查"
    )
    with pytest.raises(ValidationError, match="已有待审批"):
        extension_request(incident=incident, by=bureau.officer, kind=ExtensionKind.CRIMINAL_CHECK, reason="again")
    with pytest.raises(PermissionDenied):
        extension_decide(request=request, by=bureau.officer, approve=True)
    extension_decide(request=request, by=bureau.leader, approve=True)
    incident.refresh_from_db()
    request.refresh_from_db()
    assert incident.is_complex and request.status == RequestStatus.APPROVED and request.decided_by == bureau.leader
    with pytest.raises(Conflict):
        extension_decide(request=request, by=bureau.leader, approve=False, note="改主意")


def test_rejecting_an_extension_needs_a_note(bureau):
    incident = log_report(bureau.officer)
    request = extension_request(incident=incident, by=bureau.officer, kind=ExtensionKind.ADMIN_COMPLEX, reason="复杂")
    with pytest.raises(ValidationError):
        extension_decide(request=request, by=bureau.leader, approve=False, note="")


def test_report_received_in_the_future_is_refused_by_the_form(client, bureau):
    client.force_login(bureau.officer)
    future = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%d %H:%M")
    response = client.post(
        "/intake/new/",
        {"channel": "walk_in", "received_at": future, "category": "help", "reporter_name": "李", "summary": "求助"},
    )
    assert response.status_code == 200
    assert "received_at" in response.context["form"].errors
    assert not Incident.objects.exists()
