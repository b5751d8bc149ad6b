"""/api/v1/findings/, /rectification-orders/, /accountability-cases/, /duty-evaluations/ per role and scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Finding, Outcome
from inspections.tests.factories import make_finding

pytestmark = pytest.mark.django_db

VISIBLE = {
    "officer": {"a"},
    "leader": {"a"},
    "legal_officer": {"a"},
    "other_officer": {"b"},
    "supervisor": {"a", "b"},
    "leadership": {"a", "b"},
    "admin": {"a", "b"},
    "foreign_officer": set(),
}


@pytest.fixture
def findings(bureau):
    return {
        "a": make_finding(bureau.supervisor, unit=bureau.station_a),
        "b": make_finding(bureau.supervisor, unit=bureau.station_b),
    }


@pytest.mark.parametrize("who", sorted(VISIBLE))
def test_findings_and_orders_follow_scope(client, bureau, findings, who):
    client.force_login(getattr(bureau, who))
    listed = {row["id"] for row in client.get("/api/v1/findings/").json()["results"]}
    assert listed == {findings[k].pk for k in VISIBLE[who]}
    orders = {row["id"] for row in client.get("/api/v1/rectification-orders/?status=open").json()["results"]}
    assert orders == {findings[k].order.pk for k in VISIBLE[who]}
    for key, finding in findings.items():
        expected = 200 if key in VISIBLE[who] else 404
        assert client.get(f"/api/v1/findings/{finding.pk}/").status_code == expected
        assert client.get(f"/api/v1/rectification-orders/{finding.order.pk}/").status_code == expected
        assert client.get(f"/inspections/{finding.pk}/").status_code == expected


def test_anonymous_callers_get_401(client, findings):
    for url in (
        "/api/v1/findings/",
        "/api/v1/rectification-orders/",
        "/api/v1/accountability-cases/",
        "/api/v1/duty-evaluations/",
    ):
        assert client.get(url).status_code == 401


def new_finding(unit="PA", **overrides) -> dict:
    data = {
        "unit": unit,
        "category": "documents",
        "severity": 2,
        "source": "case_file",
        "description": "询问笔录未签名",
        "occurred_at": (timezone.now() - timedelta(days=1)).isoformat(),
        "due_at": (timezone.now() + timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_a_legal_officer_records_a_finding_through_the_api(client, bureau):
    client.force_login(bureau.legal_officer)
    response = client.post(
        "/api/v1/findings/", new_finding(officers=[bureau.officer.police_number]), content_type="application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["order_status"] == "issued" and body["officer_ids"] == [bureau.officer.pk]
    assert body["inspector"] == bureau.legal_officer.police_number


@pytest.mark.parametrize("who", ["officer", "leader", "leadership", "foreign_officer"])
def test_only_inspectors_record_findings(client, bureau, who):
    client.force_login(getattr(bureau, who))
    # (the foreign bureau has no unit PB: its supervisor cannot reach ours)
    response = client.post("/api/v1/findings/", new_finding(unit="PB"), content_type="application/json")
    assert response.status_code == (400 if who == "foreign_officer" else 403)
    assert not Finding.objects.exists()


def test_bad_input_is_a_400_not_a_500(client, bureau):
    client.force_login(bureau.supervisor)
    past = (timezone.now() - timedelta(hours=1)).isoformat()
    response = client.post("/api/v1/findings/", new_finding(due_at=past), content_type="application/json")
    assert response.status_code == 400 and "due_at" in response.json()
    response = client.post("/api/v1/findings/", new_finding(source="alert"), content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/findings/", new_finding(category="nope"), content_type="application/json")
    assert response.status_code == 400
    assert not Finding.objects.exists()


def test_the_loop_through_the_api(client, bureau, findings):
    order = findings["a"].order
    url = f"/api/v1/rectification-orders/{order.pk}/"
    # closing without an answer is a clear 400
    client.force_login(bureau.supervisor)
    response = client.post(url + "close/", {}, content_type="application/json")
    assert response.status_code == 400 and response.json()["non_field_errors"]
    # another unit may not answer (it does not even see the order)
    client.force_login(bureau.other_officer)
    assert client.post(url + "answer/", {"text": "x"}, content_type="application/json").status_code == 404
    # a legal officer may not answer
    client.force_login(bureau.legal_officer)
    assert client.post(url + "answer/", {"text": "x"}, content_type="application/json").status_code == 403
    client.force_login(bureau.officer)
    response = client.post(url + "answer/", {"text": "已整改"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "answered"
    # the unit's leader may not verify its own unit's answer
    client.force_login(bureau.leader)
    response = client.post(url + "verify/", {}, content_type="application/json")
    assert response.status_code == 403
    client.force_login(bureau.supervisor)
    response = client.post(
        url + "return/", {"reason": "不到位", "due_at": "2020-01-01T00:00:00+08:00"}, content_type="application/json"
    )
    assert response.status_code == 400 and "due_at" in response.json()
    assert client.post(url + "verify/", {}, content_type="application/json").json()["status"] == "verified"
    body = client.post(url + "close/", {"note": "销号"}, content_type="application/json").json()
    assert body["status"] == "closed"
    assert [t["to_status"] for t in body["transitions"]] == ["issued", "answered", "verified", "closed"]
    # a transition out of order
    assert client.post(url + "verify/", {}, content_type="application/json").status_code == 400


def test_an_answer_with_evidence_through_the_api(client, bureau, findings):
    from inspections.tests.factories import pdf

    order = findings["a"].order
    client.force_login(bureau.officer)
    response = client.post(f"/api/v1/rectification-orders/{order.pk}/answer/", {"text": "已整改", "files": [pdf()]})
    assert response.status_code == 200, response.content
    assert order.answers.get().attachments.count() == 1


def test_accountability_cases_follow_scope(client, bureau, findings):
    case = services.accountability_open(finding=findings["a"], by=bureau.supervisor, summary="文书不规范")
    services.accountability_decide(
        case=case, by=bureau.supervisor, decisions=[{"officer": bureau.officer, "outcome": Outcome.CRITICISM}]
    )
    expected = {
        "officer": {case.pk},
        "leader": {case.pk},
        "legal_officer": {case.pk},
        "other_officer": set(),
        "supervisor": {case.pk},
        "foreign_officer": set(),
    }
    for who, ids in expected.items():
        client.force_login(getattr(bureau, who))
        listed = {row["id"] for row in client.get("/api/v1/accountability-cases/").json()["results"]}
        assert listed == ids, who
        assert client.get(f"/api/v1/accountability-cases/{case.pk}/").status_code == (200 if ids else 404)


@pytest.mark.parametrize(
    ("who", "status"), [("officer", 403), ("other_officer", 403), ("leader", 200), ("supervisor", 200)]
)
def test_duty_evaluations_are_for_leaders_and_supervisors(client, bureau, who, status):
    client.force_login(getattr(bureau, who))
    response = client.get("/api/v1/duty-evaluations/?period=2025-Q1")
    assert response.status_code == status
    if status == 200:
        assert response.json() == []


def test_a_bad_period_is_a_400(client, bureau):
    client.force_login(bureau.supervisor)
    assert client.get("/api/v1/duty-evaluations/?period=2025-13").status_code == 400


def test_the_schema_names_the_endpoints(client, bureau):
    client.force_login(bureau.supervisor)
    schema = client.get("/api/schema/").content.decode()
    for path in ("/api/v1/findings/", "/api/v1/rectification-orders/{id}/answer/", "/api/v1/duty-evaluations/"):
        assert path in schema
