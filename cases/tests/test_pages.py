"""The browser side: case list and detail in scope, the review queue per role with htmx review,
the inbox and its badge, the home page's colour counts; and the REST API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.compliance import compliance_run
from cases.models import Alert, AlertStatus
from cases.tests.factories import at, make_case, make_step
from org.models import Notification
from org.notifications import notify

pytestmark = pytest.mark.django_db
T0 = at(2025, 3, 3, 9, 0)


@pytest.fixture
def alerts(bureau):
    """A red alert in station A (assigned to the legal officer) and one in station B."""
    a = make_case(bureau.officer, opened_at=T0, offence="homicide", title="甲所命案")
    b = make_case(bureau.other_officer, opened_at=T0, offence="drugs", title="乙所毒品案")
    make_step(a, "search", started_at=T0 + timedelta(hours=1))
    compliance_run(at=T0 + timedelta(hours=2))
    return Alert.objects.get(case=a), Alert.objects.get(case=b)


def test_case_list_and_detail_are_scoped(client, bureau, alerts):
    a, b = alerts
    client.force_login(bureau.officer)
    page = client.get("/cases/").content.decode()
    assert "甲所命案" in page and "乙所毒品案" not in page
    assert client.get(f"/cases/{a.case_id}/").status_code == 200
    assert client.get(f"/cases/{b.case_id}/").status_code == 404
    client.force_login(bureau.foreign_officer)
    assert client.get(f"/cases/{a.case_id}/").status_code == 404


def test_case_detail_shows_the_colour_reasons_and_timeline(client, bureau, alerts):
    a, _b = alerts
    client.force_login(bureau.supervisor)
    page = client.get(f"/cases/{a.case_id}/").content.decode()
    assert "超越层级管辖办案" in page and "搜查" in page and 'data-testid="timeline"' in page


def test_the_legal_officer_sees_the_queue_of_assigned_units_and_the_supervisor_the_bureau(client, bureau, alerts):
    client.force_login(bureau.legal_officer)
    page = client.get("/cases/alerts/").content.decode()
    assert "甲所命案" not in page  # the finding text names the case number, not the title
    assert page.count('data-testid="alert-row"') == 1
    client.force_login(bureau.supervisor)
    assert client.get("/cases/alerts/").content.decode().count('data-testid="alert-row"') == 2


@pytest.mark.parametrize("role", ["officer", "leader", "leadership"])
def test_roles_that_do_not_review_alerts_are_refused_the_queue(client, bureau, role):
    client.force_login(getattr(bureau, role))
    assert client.get("/cases/alerts/").status_code == 403


def test_confirm_and_dismiss_through_htmx_swap_the_row(client, bureau, alerts):
    a, b = alerts
    client.force_login(bureau.supervisor)
    headers = {"HTTP_HX_REQUEST": "true"}
    response = client.post(f"/cases/alerts/{a.pk}/confirm/", {"note": "属实"}, **headers)
    assert response.status_code == 200 and "已确认" in response.content.decode()
    refused = client.post(f"/cases/alerts/{b.pk}/dismiss/", {"note": ""}, **headers).content.decode()
    assert "请说明排除该预警的理由" in refused
    client.post(f"/cases/alerts/{b.pk}/dismiss/", {"note": "已移交刑侦大队"}, **headers)
    assert Alert.objects.get(pk=b.pk).status == AlertStatus.DISMISSED


def test_a_legal_officer_cannot_review_an_alert_outside_their_units(client, bureau, alerts):
    _a, b = alerts
    client.force_login(bureau.legal_officer)
    assert client.post(f"/cases/alerts/{b.pk}/confirm/", {"note": ""}).status_code == 404


def test_the_inbox_shows_the_unread_count_and_marks_read(client, bureau, alerts):
    client.force_login(bureau.legal_officer)
    home = client.get("/", follow=True).content.decode()
    assert 'data-testid="unread-count">1<' in home
    note = Notification.objects.get(recipient=bureau.legal_officer)
    inbox = client.get("/org/inbox/").content.decode()
    assert note.title in inbox
    response = client.post(f"/org/inbox/{note.pk}/read/", {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == "/cases/alerts/"
    assert 'data-testid="unread-count"' not in client.get("/", follow=True).content.decode()


def test_nobody_reads_another_officers_inbox(client, bureau):
    notify(recipients=[bureau.supervisor], kind="alert", title="给监督员", url="/", bureau=bureau.supervisor.bureau)
    note = Notification.objects.get()
    client.force_login(bureau.officer)
    assert "给监督员" not in client.get("/org/inbox/").content.decode()
    client.post(f"/org/inbox/{note.pk}/read/")
    note.refresh_from_db()
    assert note.read_at is None


def test_the_home_page_counts_open_cases_by_colour_per_unit(client, bureau, alerts):
    client.force_login(bureau.supervisor)
    page = client.get("/").content.decode()
    assert 'data-testid="colour-panel"' in page and "城关派出所" in page and "城东派出所" in page


# --- API ---


def test_api_lists_cases_in_scope_only(client, bureau, alerts):
    client.force_login(bureau.officer)
    numbers = {c["id"] for c in client.get("/api/v1/cases/").json()["results"]}
    assert numbers == {alerts[0].case_id}
    assert client.get(f"/api/v1/cases/{alerts[1].case_id}/").status_code == 404


def test_api_review_of_alerts(client, bureau, alerts):
    a, b = alerts
    client.force_login(bureau.supervisor)
    assert (
        client.post(f"/api/v1/alerts/{a.pk}/confirm/", {"note": "属实"}, content_type="application/json").status_code
        == 200
    )
    assert (
        client.post(f"/api/v1/alerts/{b.pk}/dismiss/", {"note": ""}, content_type="application/json").status_code == 400
    )
    assert (
        client.post(f"/api/v1/alerts/{a.pk}/dismiss/", {"note": "x"}, content_type="application/json").status_code
        == 409
    )
    client.force_login(bureau.officer)
    assert client.post(f"/api/v1/alerts/{a.pk}/confirm/", {}, content_type="application/json").status_code == 403
    client.force_login(bureau.foreign_officer)
    assert client.get(f"/api/v1/alerts/{a.pk}/").status_code == 404


def test_api_records_a_step_and_recolours(client, bureau, alerts):
    a, _b = alerts
    client.force_login(bureau.officer)
    response = client.post(
        f"/api/v1/cases/{a.case_id}/steps/",
        {
            "kind": "questioning",
            "person": "王五",
            "started_at": "2025-03-04T10:00:00+08:00",
            "officers": [bureau.officer.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    case = client.get(f"/api/v1/cases/{a.case_id}/").json()
    assert {r["rule"] for r in case["colour_reasons"]} >= {"CAS-08", "CAS-16"}
    client.force_login(bureau.other_officer)
    assert client.post(f"/api/v1/cases/{a.case_id}/steps/", {}, content_type="application/json").status_code == 404


def test_api_rules_are_listed(client, bureau):
    client.force_login(bureau.officer)
    codes = [r["code"] for r in client.get("/api/v1/rules/").json()]
    assert codes[:2] == ["CAS-01", "CAS-02"] and "INT-05" in codes and len(codes) == 21
