"""Supervisors search the audit trail by user, record, time and action."""

from __future__ import annotations

import pytest

from intake.tests.factories import log_report
from org.models import SecurityEvent

pytestmark = pytest.mark.django_db


def test_a_supervisor_finds_who_changed_a_record_and_who_signed_in(client, bureau):
    incident = log_report(bureau.officer)
    client.post("/login/", {"username": bureau.officer.police_number, "password": "wrong"})
    client.force_login(bureau.officer)
    client.post(f"/intake/{incident.pk}/decide/", {"disposition": "filed"})
    client.force_login(bureau.supervisor)
    page = client.get("/org/audit/", {"record": f"intake.Incident:{incident.pk}", "action": "update"})
    body = page.content.decode()
    assert page.status_code == 200 and f"intake.Incident:{incident.pk}" in body and bureau.officer.name in body
    failures = client.get("/org/audit/", {"user": bureau.officer.police_number, "action": "login_failed"})
    assert "登录失败" in failures.content.decode()
    assert SecurityEvent.objects.filter(kind="login_failed").count() == 1


@pytest.mark.parametrize("who", ["officer", "leader", "legal_officer", "leadership"])
def test_others_cannot_search_the_audit_log(client, bureau, who):
    client.force_login(getattr(bureau, who))
    assert client.get("/org/audit/").status_code == 403


def test_a_period_that_ends_before_it_starts_is_refused(client, bureau):
    client.force_login(bureau.supervisor)
    page = client.get("/org/audit/", {"since": "2025-05-02", "until": "2025-05-01"}).content.decode()
    assert "早于" in page or "before" in page
