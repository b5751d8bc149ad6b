"""/api/v1/incidents/ per role and scope: list, create, retrieve, correct, decide, extensions."""

from __future__ import annotations

import pytest

from intake.models import Incident
from intake.tests.factories import VALID_ID, at, log_report

pytestmark = pytest.mark.django_db

NEW_REPORT = {
    "unit": "PA",
    "channel": "walk_in",
    "received_at": "2025-03-01T09:30:00+08:00",
    "category": "criminal",
    "reporter_name": "张伟",
    "reporter_id_number": VALID_ID,
    "reporter_phone": "13812345678",
    "location": "人民路",
    "amount": "3000.00",
    "summary": "电动车被盗",
}


@pytest.fixture
def reports(bureau):
    return {
        "a": log_report(bureau.officer, received_at=at(2025, 3, 1, 9)),
        "b": log_report(bureau.other_officer, received_at=at(2025, 3, 1, 10)),
    }


VISIBLE = {
    "officer": {"a"},
    "leader": {"a"},
    "legal_officer": {"a"},
    "supervisor": {"a", "b"},
    "leadership": {"a", "b"},
    "admin": {"a", "b"},
    "foreign_officer": set(),
}


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_list_and_detail_follow_scope(client, bureau, reports, who):
    client.force_login(getattr(bureau, who))
    listed = {row["number"] for row in client.get("/api/v1/incidents/").json()["results"]}
    assert listed == {reports[k].number for k in VISIBLE[who]}
    for key, incident in reports.items():
        expected = 200 if key in VISIBLE[who] else 404
        assert client.get(f"/api/v1/incidents/{incident.pk}/").status_code == expected
        assert client.get(f"/intake/{incident.pk}/").status_code == expected


def test_list_filters_and_keyset_pages(client, bureau):
    for day in range(1, 8):
        log_report(bureau.officer, received_at=at(2025, 5, day, 12), category="criminal" if day % 2 else "dispute")
    client.force_login(bureau.supervisor)
    unit = bureau.station_a.pk
    url = f"/api/v1/incidents/?category=criminal&received_from=2025-05-02&received_to=2025-05-07&unit={unit}"
    body = client.get(url).json()
    assert [r["received_at"][:10] for r in body["results"]] == ["2025-05-07", "2025-05-05", "2025-05-03"]
    # pages of one walk the same rows in order, forward and back
    client_pages = []
    next_url = url + "&order=oldest"
    from intake import api

    old = api.KeysetPagination.page_size
    api.KeysetPagination.page_size = 1
    try:
        while next_url:
            body = client.get(next_url).json()
            client_pages.append(body["results"][0]["received_at"][:10])
            next_url = body["next"]
        assert client_pages == ["2025-05-03", "2025-05-05", "2025-05-07"]
        back = client.get(body["previous"]).json()
        assert back["results"][0]["received_at"][:10] == "2025-05-05"
    finally:
        api.KeysetPagination.page_size = old


def test_filter_by_an_out_of_scope_unit_is_a_400(client, bureau):
    client.force_login(bureau.officer)
    response = client.get(f"/api/v1/incidents/?unit={bureau.station_b.pk}")
    assert response.status_code == 400 and "unit" in response.json()


def test_officer_creates_a_report(client, bureau):
    client.force_login(bureau.officer)
    response = client.post("/api/v1/incidents/", NEW_REPORT, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"] == "PA-20250301-0001" and body["receiving_officer"] == bureau.officer.police_number
    assert Incident.objects.get(pk=body["id"]).source == "api"


@pytest.mark.parametrize(
    "change,field",
    [
        ({"reporter_id_number": "110105194912310021"}, "reporter_id_number"),
        ({"received_at": "2099-01-01T00:00:00+08:00"}, "received_at"),
        ({"amount": "-1"}, "amount"),
        ({"unit": "PB"}, "unit"),
        ({"unit": "NOPE"}, "unit"),
        ({"channel": "pigeon"}, "channel"),
        ({"summary": ""}, "summary"),
        ({"reporter_name": ""}, "reporter_name"),
        ({"is_anonymous": True}, "reporter_name"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, bureau, change, field):
    client.force_login(bureau.officer)
    response = client.post("/api/v1/incidents/", {**NEW_REPORT, **change}, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Incident.objects.exists()


def test_bad_input_messages_are_in_the_users_language(client, bureau):
    client.force_login(bureau.officer)
    response = client.post(
        "/api/v1/incidents/",
        {**NEW_REPORT, "amount": "-1"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "不能为负" in response.json()["amount"][0]


@pytest.mark.parametrize("who", ["legal_officer", "supervisor", "leadership"])
def test_supervising_roles_do_not_log_reports(client, bureau, who):
    client.force_login(getattr(bureau, who))
    assert client.post("/api/v1/incidents/", NEW_REPORT, content_type="application/json").status_code == 403


def test_correct_and_versions(client, bureau, reports):
    client.force_login(bureau.officer)
    url = f"/api/v1/incidents/{reports['a'].pk}/"
    response = client.post(
        url + "corrections/",
        {"location": "人民路88号", "reason": "补充地址", "expected_version": 1},
        "application/json",
    )
    assert response.status_code == 200 and response.json()["version"] == 2
    stale = client.post(
        url + "corrections/", {"location": "x", "reason": "y", "expected_version": 1}, "application/json"
    )
    assert stale.status_code == 409
    no_reason = client.post(url + "corrections/", {"location": "x"}, "application/json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    versions = client.get(url + "versions/").json()
    assert [(v["version"], v["location"]) for v in versions] == [(1, "人民路菜市场门口"), (2, "人民路88号")]


def test_decide_in_scope_and_not_out_of_it(client, bureau, reports):
    client.force_login(bureau.officer)
    assert (
        client.post(
            f"/api/v1/incidents/{reports['b'].pk}/decision/", {"disposition": "filed"}, "application/json"
        ).status_code
        == 404
    )
    ok = client.post(f"/api/v1/incidents/{reports['a'].pk}/decision/", {"disposition": "filed"}, "application/json")
    assert ok.status_code == 200 and ok.json()["disposition"] == "filed"
    again = client.post(
        f"/api/v1/incidents/{reports['a'].pk}/decision/", {"disposition": "no_case", "reason": "x"}, "application/json"
    )
    assert again.status_code == 400
    need_reason = client.post(
        f"/api/v1/incidents/{reports['a'].pk}/decision/", {"disposition": "not_filed"}, "application/json"
    )
    assert need_reason.status_code == 400


def test_legal_officer_sees_but_cannot_decide(client, bureau, reports):
    client.force_login(bureau.legal_officer)
    response = client.post(
        f"/api/v1/incidents/{reports['a'].pk}/decision/", {"disposition": "filed"}, "application/json"
    )
    assert response.status_code == 403


def test_extension_request_and_leader_approval(client, bureau, reports):
    client.force_login(bureau.officer)
    url = f"/api/v1/incidents/{reports['a'].pk}/extension-requests/"
    created = client.post(url, {"kind": "criminal_check", "reason": "线索需核查"}, "application/json")
    assert created.status_code == 201
    ext_id = created.json()["id"]
    assert (
        client.post(f"/api/v1/extension-requests/{ext_id}/decide/", {"approve": True}, "application/json").status_code
        == 403
    )
    client.force_login(bureau.other_officer)
    assert client.get(f"/api/v1/extension-requests/{ext_id}/").status_code == 404
    client.force_login(bureau.leader)
    approved = client.post(f"/api/v1/extension-requests/{ext_id}/decide/", {"approve": True}, "application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


def test_schema_documents_the_incident_endpoints_with_examples(client, bureau):
    client.force_login(bureau.supervisor)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/incidents/",
        "/api/v1/incidents/{id}/",
        "/api/v1/incidents/{id}/corrections/",
        "/api/v1/incidents/{id}/versions/",
        "/api/v1/incidents/{id}/decision/",
    ):
        assert path in schema["paths"]
    create = schema["paths"]["/api/v1/incidents/"]["post"]["requestBody"]["content"]["application/json"]
    assert create["examples"]


def test_api_masks_identifiers_and_the_reporter_endpoint_reveals_and_records(client, bureau, reports):
    from org.models import SecurityEvent

    client.force_login(bureau.supervisor)
    url = f"/api/v1/incidents/{reports['a'].pk}/"
    body = client.get(url).json()
    assert body["reporter_id_number"] == "1101**********002X" and body["reporter_phone"] == "138****5678"
    assert "11010519491231002X" not in client.get(url + "versions/").content.decode()
    full = client.get(url + "reporter/").json()
    assert full["reporter_id_number"] == "11010519491231002X"
    assert SecurityEvent.objects.filter(kind="reveal", user=bureau.supervisor).count() == 1
    client.force_login(bureau.other_officer)
    assert client.get(url + "reporter/").status_code == 404
