"""The pages per role: each renders in scope, refuses out of role, never answers 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
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
        "/inspections/notices/?format=xlsx",
        "/inspections/roster/?format=xlsx",
        "/inspections/committee/?format=xlsx",
        "/inspections/points/{officer}/?format=xlsx",
    ],
)
def test_every_list_exports_to_excel(client, bureau, loop, url):
    client.force_login(bureau.supervisor)
    response = client.get(url.format(officer=bureau.officer.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content)[:2] == b"PK"


@pytest.mark.parametrize(
    ("url", "column"),
    [("/inspections/notices/?format=xlsx", 2), ("/inspections/committee/?format=xlsx", 1)],
)
def test_the_new_exports_neutralise_formulas_too(client, bureau, url, column):
    from io import BytesIO

    from openpyxl import load_workbook

    from inspections.models import CommitteePeriod

    finding = make_finding(bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer])
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="文书不规范")
    services.accountability_decide(
        case=case, by=bureau.supervisor, decisions=[{"officer": bureau.officer, "outcome": Outcome.NOTICE}]
    )
    services.notice_issue(case=case, by=bureau.supervisor, title='=HYPERLINK("http://x")', body="……")
    CommitteePeriod.objects.create(
        bureau_id=bureau.station_a.bureau_id,
        label="=SUM(A1:A9)",
        start=timezone.localdate(),
        end=timezone.localdate(),
    )
    client.force_login(bureau.supervisor)
    sheet = load_workbook(BytesIO(b"".join(client.get(url).streaming_content))).active
    assert sheet.cell(row=2, column=column).value.startswith("'=")


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


def test_a_campaign_that_is_not_a_number_is_refused_not_a_500(client, bureau):
    from inspections.models import CommitteePeriod

    finding = make_finding(bureau.supervisor, unit=bureau.station_a, category="property")
    other = make_finding(bureau.supervisor, unit=bureau.station_a, category="documents")
    committee = CommitteePeriod.objects.create(
        bureau_id=bureau.station_a.bureau_id, label="2025-Q1", start=timezone.localdate(), end=timezone.localdate()
    )
    Finding.objects.filter(pk=finding.pk).update(campaign=committee)
    client.force_login(bureau.supervisor)
    for query in ("campaign=abc", "campaign=-1", "campaign=99999999999999999999999", "campaign=abc&format=xlsx"):
        response = client.get(f"/inspections/?{query}")
        assert response.status_code == 200, query
    page = client.get("/inspections/?campaign=abc").content.decode()
    assert "专项整治" in page  # says the campaign is not known
    # a real campaign still filters
    listed = client.get(f"/inspections/?campaign={committee.pk}").context["page"].object_list
    assert [f.pk for f in listed] == [finding.pk]
    assert other.pk not in [f.pk for f in listed]


def test_the_trail_shows_system_events_in_chinese(client, bureau):
    """The escalation and the findings from alerts note their events with a key ("deadline
    passed", "confirmed alert", as rows written before carry too): shown translated."""
    from cases.services import alert_confirm
    from inspections.models import OrderEvent
    from inspections.tests.factories import make_alert, make_case

    case = make_case(bureau.officer, opened_at=timezone.now() - timedelta(days=3))
    alert_confirm(alert=make_alert(case), by=bureau.legal_officer, note="")
    finding = Finding.objects.get(alert__isnull=False)
    assert services.orders_escalate(now=finding.order.due_at + timedelta(minutes=1)) == 1
    assert list(OrderEvent.objects.filter(order=finding.order).values_list("note", flat=True)) == [
        "confirmed alert",
        "deadline passed",
    ]
    client.force_login(bureau.leader)
    trail = client.get(f"/inspections/{finding.pk}/").content.decode()
    assert "confirmed alert" not in trail and "deadline passed" not in trail
    assert "由确认的预警自动下发" in trail and "整改期限届满仍未销号" in trail


@pytest.fixture
def serious(bureau):
    """A high-severity finding at station A involving its officer; station A's leader did not
    take part. Station B's officer is of another unit."""
    finding = make_finding(bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer], severity=1)
    return services.accountability_open(finding=finding, by=bureau.supervisor, summary="讯问时仅一名民警在场。")


def test_a_serious_finding_proposes_the_units_leaders_for_leadership_liability(client, bureau, serious):
    client.force_login(bureau.supervisor)
    response = client.get(f"/inspections/accountability/{serious.pk}/")
    formset = response.context["formset"]
    proposed = [(f.initial.get("officer"), f.initial.get("liability")) for f in formset.forms if f.initial]
    assert proposed == [(bureau.officer, "direct"), (bureau.leader, "leadership")]
    page = response.content.decode()
    assert "领导责任" in page
    # the choices: station A (its officer and its leader) and the officers involved, not the bureau
    choices = {pk for pk, _label in formset.forms[0].fields["officer"].choices if pk}
    assert {bureau.officer.pk, bureau.leader.pk} <= {int(str(pk)) for pk in choices}
    assert bureau.other_officer.pk not in {int(str(pk)) for pk in choices}
    # others can still be chosen, on asking
    wide = client.get(f"/inspections/accountability/{serious.pk}/?officers=all").context["formset"]
    assert bureau.other_officer.pk in {int(str(pk)) for pk, _label in wide.forms[0].fields["officer"].choices if pk}
    # the proposal, sent as it stands (the leader exempted with grounds), is recorded
    data = {"d-TOTAL_FORMS": "5", "d-INITIAL_FORMS": "2", "d-MIN_NUM_FORMS": "1", "d-MAX_NUM_FORMS": "10"}
    data.update({"d-0-officer": bureau.officer.pk, "d-0-liability": "direct", "d-0-outcome": "criticism"})
    data.update(
        {
            "d-1-officer": bureau.leader.pk,
            "d-1-liability": "leadership",
            "d-1-outcome": "exempted",
            "d-1-exemption_grounds": "已按规定审核，问题系事后补录。",
        }
    )
    response = client.post(f"/inspections/accountability/{serious.pk}/", data)
    assert response.status_code == 302
    decided = {d.officer_id: d.liability for d in serious.decisions.all()}
    assert decided == {bureau.officer.pk: "direct", bureau.leader.pk: "leadership"}


def test_a_proposed_row_is_left_out_by_clearing_its_officer(client, bureau, serious):
    client.force_login(bureau.supervisor)
    data = {"d-TOTAL_FORMS": "5", "d-INITIAL_FORMS": "2", "d-MIN_NUM_FORMS": "1", "d-MAX_NUM_FORMS": "10"}
    data.update({"d-0-officer": bureau.officer.pk, "d-0-liability": "direct", "d-0-outcome": "criticism"})
    data.update({"d-1-officer": "", "d-1-liability": "leadership", "d-1-outcome": "criticism"})
    assert client.post(f"/inspections/accountability/{serious.pk}/", data).status_code == 302
    assert [d.officer_id for d in serious.decisions.all()] == [bureau.officer.pk]


def test_the_audit_history_links_show_only_to_those_who_may_read_it(client, bureau, loop):
    finding, case, *_ = loop
    for who, shown in (("officer", False), ("leader", False), ("legal_officer", True), ("supervisor", True)):
        client.force_login(getattr(bureau, who))
        for page, label in (
            (f"/inspections/{finding.pk}/", "inspections.rectificationorder"),
            (f"/inspections/accountability/{case.pk}/", "inspections.accountabilitycase"),
        ):
            link = f"/org/history/{label}/"
            assert (link in client.get(page).content.decode()) == shown, (who, page)
            if shown:
                target = finding.order.pk if "order" in label else case.pk
                assert client.get(f"{link}{target}/").status_code == 200, (who, link)


def test_a_minor_finding_proposes_only_the_officers_involved(client, bureau):
    finding = make_finding(bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer], severity=3)
    case = services.accountability_open(finding=finding, by=bureau.supervisor, summary="文书不规范")
    client.force_login(bureau.supervisor)
    formset = client.get(f"/inspections/accountability/{case.pk}/").context["formset"]
    assert [f.initial.get("officer") for f in formset.forms if f.initial] == [bureau.officer]


def test_an_officers_points_ledger_lists_each_line_and_is_scoped_like_the_standings(client, bureau):
    from inspections.periods import parse
    from inspections.tests.factories import at, make_case, make_step

    case = make_case(bureau.officer, opened_at=at(2025, 3, 1, 9))
    make_step(case, "detention", created_at=at(2025, 3, 1, 10))
    make_step(case, "interrogation", created_at=at(2025, 3, 2, 12))
    make_step(case, "interrogation", created_at=at(2025, 7, 2, 12))  # another quarter
    services.points_award()
    finding = make_finding(bureau.supervisor, unit=bureau.station_a, officers=[bureau.officer])
    decided = services.accountability_decide(
        case=services.accountability_open(finding=finding, by=bureau.supervisor, summary="单人讯问"),
        by=bureau.supervisor,
        decisions=[{"officer": bureau.officer, "outcome": Outcome.POINTS, "points": 2}],
    )
    quarter = parse("2025-Q1")
    # the standings link each officer to the ledger of the period
    client.force_login(bureau.supervisor)
    standings = client.get("/inspections/points/?period=2025-Q1").content.decode()
    assert f"/inspections/points/{bureau.officer.pk}/?period=2025-Q1" in standings
    response = client.get(f"/inspections/points/{bureau.officer.pk}/?period=2025-Q1")
    assert response.status_code == 200
    lines = [(e.on.isoformat(), e.step.case.number if e.step_id else "", e.points) for e in response.context["page"]]
    assert lines == [("2025-03-01", case.number, 2), ("2025-03-02", case.number, 1)]
    page = response.content.decode()
    assert "刑事拘留" in page and "讯问" in page
    # the deduction is on the ledger of the day it was decided, with its decision
    today = timezone.localdate()
    label = f"{today.year}-{today.month:02d}"
    response = client.get(f"/inspections/points/{bureau.officer.pk}/?period={label}")
    deducted = [e for e in response.context["page"] if e.decision_id]
    assert [(e.points, e.decision.case_id) for e in deducted] == [(-2, decided.pk)]
    assert f"/inspections/accountability/{decided.pk}/" in response.content.decode()
    # scoped like the standings: the officer and their unit's leader read it, another unit's
    # officer and another bureau do not
    for user, status in (
        (bureau.officer, 200),
        (bureau.leader, 200),
        (bureau.other_officer, 404),
        (bureau.foreign_officer, 404),
    ):
        client.force_login(user)
        assert client.get(f"/inspections/points/{bureau.officer.pk}/").status_code == status, user
    assert quarter.label == "2025-Q1"


def test_the_points_standings_are_paginated(client, bureau):
    from inspections.models import PointsEntry
    from inspections.tests.factories import at, make_case, make_step
    from org.tests.factories import UserFactory

    for n in range(52):
        officer = UserFactory(unit=bureau.station_a, role="officer", name=f"民警{n:02d}")
        make_step(make_case(officer, opened_at=at(2025, 3, 1, 9)), "detention", created_at=at(2025, 3, 1, 10))
    services.points_award()
    assert PointsEntry.objects.values("officer_id").distinct().count() == 52
    client.force_login(bureau.supervisor)
    first = client.get("/inspections/points/?period=2025-Q1")
    assert len(first.context["page"]) == 50 and first.context["page"].paginator.num_pages == 2
    second = client.get("/inspections/points/?period=2025-Q1&page=2")
    assert len(second.context["page"]) == 2


def test_the_unit_view_has_a_period_selector(client, bureau):
    from inspections.tests.factories import at

    with time_machine.travel(at(2025, 2, 10, 9), tick=False):
        make_finding(bureau.supervisor, unit=bureau.station_a)
    with time_machine.travel(at(2025, 5, 10, 9), tick=False):
        make_finding(bureau.supervisor, unit=bureau.station_b)
    client.force_login(bureau.supervisor)
    everything = client.get("/inspections/units/")
    assert 'data-testid="period-form"' in everything.content.decode()
    assert [r.unit_name for r in everything.context["rows"]] == ["城关派出所", "城东派出所"]
    first_quarter = client.get("/inspections/units/?period=2025-Q1")
    assert [r.unit_name for r in first_quarter.context["rows"]] == ["城关派出所"]
    assert 'value="2025-Q1"' in first_quarter.content.decode()
