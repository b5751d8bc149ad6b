"""What each role sees first when it opens the portal (DESIGN §1): officer and unit leader their
unit's reports, the stationed legal officer the review queue, the supervisor the bureau view,
leadership the dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from intake.tests.factories import at, log_report
from org.models import Role
from org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOON = at(2026, 3, 10, 12, 0)


@time_machine.travel(NOON, tick=False)
def test_officer_home_lists_the_units_reports_and_todays_counts(client, bureau):
    ours = log_report(bureau.officer, summary="城关今天的报警", received_at=NOON - timedelta(hours=2))
    log_report(bureau.officer, summary="城关昨天的报警", received_at=NOON - timedelta(days=1))
    theirs = log_report(bureau.other_officer, summary="城东的报警", received_at=NOON - timedelta(hours=1))
    client.force_login(bureau.officer)

    page = client.get("/")

    assert page.status_code == 200
    html = page.content.decode()
    assert ours.number in html and "城关昨天的报警" in html
    assert theirs.number not in html and "城东的报警" not in html
    assert page.context["today"]["received"] == 1 and page.context["pending"] == 2
    assert 'href="/intake/"' in html and "打开登记簿" in html


def test_unit_leader_home_shows_the_units_reports(client, bureau):
    report = log_report(bureau.officer)
    client.force_login(bureau.leader)
    assert report.number in client.get("/").content.decode()


def test_legal_officer_lands_on_the_review_queue(client, bureau):
    client.force_login(bureau.legal_officer)
    answer = client.get("/")
    assert answer.status_code == 302 and answer.url == "/cases/alerts/"


def test_legal_officer_without_an_assignment_is_told_so_at_home(client, bureau):
    unassigned = UserFactory(unit=bureau.legal, role=Role.LEGAL_OFFICER)
    client.force_login(unassigned)
    answer = client.get("/")
    assert answer.status_code == 200
    assert "您今天没有派驻单位" in answer.content.decode()


def test_leadership_lands_on_the_dashboard(client, bureau):
    client.force_login(bureau.leadership)
    answer = client.get("/")
    assert answer.status_code == 302 and answer.url == "/reports/"


def test_supervisor_home_is_the_bureau_view(client, bureau):
    client.force_login(bureau.supervisor)
    page = client.get("/")
    assert page.status_code == 200
    assert page.context["unit_count"] == 3  # every unit of the bureau, not one
