"""The wide lists on a phone and the menu on a laptop: everything within the screen's width."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.compliance import compliance_run
from cases.services import reference_data_ensure
from cases.tests.factories import make_case
from conftest import PASSWORD
from intake.tests.factories import at, log_report
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_review_queue_buttons_are_on_a_phone_screen(phone, bureau):
    reference_data_ensure()
    opened = at(2025, 3, 3, 9, 0)
    make_case(bureau.officer, opened_at=opened, offence="homicide")
    compliance_run(at=opened + timedelta(hours=1))

    log_in(phone, bureau.legal_officer, PASSWORD)

    assert phone.url.endswith("/cases/alerts/")
    confirm = phone.get_by_test_id("alert-row").first.get_by_role("button", name="确认", exact=True)
    box = confirm.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page_width(phone) <= PHONE["width"]


def test_incident_list_fits_a_phone(phone, bureau):
    log_report(bureau.officer, summary="报警人称其停放在人民路菜市场门口的电动自行车被盗，车价约三千元。")
    log_in(phone, bureau.officer, PASSWORD)
    phone.goto("/intake/")
    phone.get_by_test_id("incident-table").wait_for()
    assert page_width(phone) <= PHONE["width"]
    # each row is a card: its last column (the disposition) is on the screen, not scrolled off
    last = phone.get_by_test_id("incident-table").locator("tbody tr").first.locator("td").last
    box = last.bounding_box()
    assert box is not None and box["x"] + box["width"] <= PHONE["width"]


@pytest.mark.parametrize("role", ["legal_officer", "supervisor", "admin"])
def test_the_menu_keeps_to_one_row_on_a_1366_laptop(browser, live_server, bureau, role):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    log_in(page, getattr(bureau, role), PASSWORD)
    page.goto("/org/officers/")
    links = page.locator("#mainnav .nav-link")
    tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
    context.close()
    assert len(tops) == 1, tops
