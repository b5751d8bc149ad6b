"""The pages per role: each renders in scope, refuses out of role, never answers 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from inspections import services
from inspections.models import Finding, InterferenceRecord, OrderStatus, Outcome
from inspections.tests.factories import make_finding, pdf

pytestmark = pytest.mark.django_db

EVERYONE = [
    "/inspections/",
    "/inspections/orders/",
    "/inspections/orders/?status=all",
    "/inspections/units/",
    "/inspections/accountability/",
    "/inspections/notices/",
    "/inspections/points/",
    "/inspections/points/?period=nonsense",
    "/inspections/interference/",
    "/inspections/interference/new/",
]
LEADERS = ["/inspections/roster/", "/inspections/evaluation/", "/inspections/evaluation/?period=2025-03"]
COMMITTEE = ["/inspections/committee/"]


@pytest.fixture
def loop(bureau):
    finding = make_finding(bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer], files=[pdf()])
    services.order_answer(order=finding.order, by=bureau.officer, text="已整改")
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="文书不规范")
    services.accountability_decide(
        case=case, by=bureau.supervisor, decisions=[{"officer": bureau.officer, "outcome": Outcome.NOTICE}]
    )
    notice = services.notice_issue(case=case, by=bureau.supervisor, title="关于文书不规范的通报", body="……")
    committee = services.committee_analyse(
        by=bureau.supervisor, period=__import__("inspections.periods").periods.current_quarter()
    )
    return finding, case, notice, committee


@pytest.mark.parametrize("who", ["officer", "leader", "legal_officer", "supervisor", "leadership", "admin"])
def test_every_page_renders_for_every_role_or_is_refused(client, bureau, loop, who):
    finding, case, notice, committee = loop
    client.force_login(getattr(bureau, who))
    for url in EVERYONE + [f"/inspections/notices/{notice.pk}/", f"/inspections/{finding.pk}/"]:
        assert client.get(url).status_code == 200, url
    for url in LEADERS:
        assert client.get(url).status_code == (403 if who == "officer" else 200), url
    for url in COMMITTEE + [f"/inspections/committee/{committee.pk}/"]:
        assert client.get(url).status_code == (200 if who in ("supervisor", "leadership", "admin") else 403), url
    expected = 200 if who in ("officer", "leader", "legal_officer", "supervisor", "leadership", "admin") else 404
    assert client.get(f"/inspections/accountability/{case.pk}/").status_code == expected
    create = client.get("/inspections/new/").status_code
    assert create == (200 if who in ("legal_officer", "supervisor", "admin") else 403)


def test_out_of_scope_pages_are_not_found(client, bureau, loop):
    finding, case, notice, _committee = loop
    client.force_login(bureau.other_officer)
    for url in (
        f"/inspections/{finding.pk}/",
        f"/inspections/accountability/{case.pk}/",
        f"/inspections/attachments/{finding.attachments.get().pk}/",
    ):
        assert client.get(url).status_code == 404, url
    # a notice is bureau-wide
    assert client.get(f"/inspections/notices/{notice.pk}/").status_code == 200
    client.force_login(bureau.foreign_officer)
    assert client.get(f"/inspections/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/inspections/{finding.pk}/verify/").status_code == 404


def test_posting_actions_out_of_role_changes_nothing(client, bureau, loop):
    finding, *_ = loop
    client.force_login(bureau.leader)  # the unit's own leader
    response = client.post(f"/inspections/{finding.pk}/verify/", follow=True)
    assert response.status_code == 200
    finding.order.refresh_from_db()
    assert finding.order.status == OrderStatus.ANSWERED
    assert "不能" in response.content.decode() or "cannot" in response.content.decode()
    client.force_login(bureau.legal_officer)
    client.post(f"/inspections/{finding.pk}/exclude/", {"reason": "轻微"})
    finding.refresh_from_db()
    assert not finding.excluded_from_scoring


def test_the_finding_form_keeps_values_and_shows_errors(client, bureau):
    client.force_login(bureau.legal_officer)
    category = services.FindingCategory.objects.get(code="documents")
    data = {
        "unit": bureau.station_a.pk,
        "source": "case_file",
        "category": category.pk,
        "severity": 2,
        "occurred_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        "description": "询问笔录未签名",
        "due_at": (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    response = client.post("/inspections/new/", data)
    assert response.status_code == 200
    assert "询问笔录未签名" in response.content.decode()
    assert not Finding.objects.exists()
    data["due_at"] = (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    response = client.post("/inspections/new/", {**data, "files": [pdf()]})
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.attachments.count() == 1


def test_an_officer_records_interference_from_the_page(client, bureau):
    client.force_login(bureau.officer)
    response = client.post(
        "/inspections/interference/new/",
        {
            "occurred_at": "2025-03-01T20:00",
            "who_name": "某某",
            "who_kind": "relative",
            "method": "in_person",
            "case_reference": "城关所2025盗窃案",
            "description": "要求不要立案",
        },
    )
    assert response.status_code == 302
    assert InterferenceRecord.objects.get().recorded_by == bureau.officer


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/?format=xlsx",
        "/inspections/orders/?format=xlsx",
        "/inspections/units/?format=xlsx",
        "/inspections/accountability/?format=xlsx",
        "/inspections/points/?format=xlsx",
        "/inspections/interference/?format=xlsx",
        "/inspections/evaluation/?format=xlsx",
    ],
)
def test_every_list_exports_to_excel(client, bureau, loop, url):
    client.force_login(bureau.supervisor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_the_export_neutralises_formulas(client, bureau):
    from io import BytesIO

    from openpyxl import load_workbook

    make_finding(bureau.supervisor, unit=bureau.station_a, description='=HYPERLINK("http://x")')
    client.force_login(bureau.supervisor)
    response = client.get("/inspections/?format=xlsx")
    sheet = load_workbook(BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=7).value.startswith("'=")


def test_the_committee_page_generates_and_records_the_choice(client, bureau):
    make_finding(bureau.supervisor, unit=bureau.station_a, category="property")
    client.force_login(bureau.supervisor)
    from inspections.periods import current_quarter

    response = client.post("/inspections/committee/", {"period": current_quarter().label})
    assert response.status_code == 302
    detail = response["Location"]
    page = client.get(detail).content.decode()
    assert "涉案财物管理不规范" in page
    category = services.FindingCategory.objects.get(code="property")
    response = client.post(detail, {"category": category.pk, "campaign_title": "涉案财物专项整治"})
    assert response.status_code == 302
    assert "涉案财物专项整治" in client.get(detail).content.decode()
    assert client.post("/inspections/committee/", {"period": "bad"}).status_code == 200
