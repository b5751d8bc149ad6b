"""Every login, logout, failure, lockout, refusal and export is a security event."""

from __future__ import annotations

import pytest

from conftest import PASSWORD
from org.models import SecurityEvent

pytestmark = pytest.mark.django_db


def kinds() -> list[str]:
    return list(SecurityEvent.objects.order_by("id").values_list("kind", flat=True))


def test_login_failure_lockout_and_logout_are_recorded(client, bureau):
    number = bureau.officer.police_number
    client.post("/login/", {"username": number, "password": "wrong"}, REMOTE_ADDR="10.1.1.1")
    client.post("/login/", {"username": number, "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    client.post("/logout/")
    assert kinds() == ["login_failed", "login", "logout"]
    failed = SecurityEvent.objects.get(kind="login_failed")
    assert failed.username == number and failed.ip == "10.1.1.1" and failed.user is None
    for _ in range(5):
        client.post("/login/", {"username": number, "password": "wrong"}, REMOTE_ADDR="10.1.1.2")
    assert "lockout" in kinds()


def test_a_refused_page_and_a_refused_api_call_are_recorded(client, bureau):
    client.force_login(bureau.officer)
    assert client.get("/intake/import/").status_code == 403
    assert client.post("/api/v1/incidents/1/decision/", {}, "application/json").status_code in (403, 404)
    client.force_login(bureau.legal_officer)
    assert client.post("/api/v1/incidents/", {}, "application/json").status_code == 403
    denied = SecurityEvent.objects.filter(kind="denied").order_by("id")
    assert [(e.user, e.path) for e in denied][:1] == [(bureau.officer, "/intake/import/")]
    assert denied.last().user == bureau.legal_officer


def test_an_export_is_recorded(client, bureau):
    client.force_login(bureau.supervisor)
    client.get("/intake/export/", {"category": "criminal"})
    event = SecurityEvent.objects.get(kind="export")
    assert event.user == bureau.supervisor and event.detail["what"] == "intake.incidents"
    assert event.detail["filters"] == {"category": "criminal"}
