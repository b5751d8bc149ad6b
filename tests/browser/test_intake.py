"""A desk officer logs a report with the keyboard only and finds it in the list."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from conftest import PASSWORD
from intake.models import Incident
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_a_report_with_the_keyboard_only_and_sees_it_in_the_list(page, bureau):
    log_in(page, bureau.officer, PASSWORD)
    page.goto("/intake/new/")
    # the channel has the focus when the form opens: the officer types while the caller talks
    assert page.evaluate("document.activeElement.id") == "id_channel"
    kb = page.keyboard
    kb.press("ArrowDown")  # 110报警
    kb.press("ArrowDown")  # 来所报警
    kb.press("Tab")  # received at: keeps its default (now)
    kb.press("Tab")  # category
    kb.press("ArrowDown")  # 刑事
    # the enforcement guidance for the chosen category appears beside the form
    page.get_by_test_id("guidance-card").wait_for()
    assert "刑事" in page.get_by_test_id("guidance-card").inner_text()
    kb.press("Tab")  # anonymous checkbox
    kb.press("Tab")
    kb.type("王小明")
    kb.press("Tab")
    kb.type("11010519491231002X")
    kb.press("Tab")
    kb.type("13912345678")
    kb.press("Tab")
    kb.type("解放路12号")
    kb.press("Tab")
    kb.type("2500")
    kb.press("Tab")
    kb.type("报警人称其电动车在解放路12号楼下被盗。")
    kb.press("Control+Enter")
    page.wait_for_url(lambda url: urlparse(url).path.startswith("/intake/") and urlparse(url).path[8:-1].isdigit())
    incident = Incident.objects.get()
    assert page.get_by_test_id("incident-number").inner_text() == incident.number
    assert (
        incident.channel == "walk_in"
        and incident.category == "criminal"
        and incident.reporter_name == "王小明"
        and str(incident.amount) == "2500.00"
    )
    assert incident.receiving_officer == bureau.officer
    assert abs(timezone.now() - incident.received_at) < timedelta(minutes=5)  # "now" by default

    page.goto("/intake/")
    table = page.get_by_test_id("incident-table")
    assert incident.number in table.inner_text()
    assert "王小明" in table.inner_text()


def test_a_wrong_id_number_is_shown_beside_the_field_and_the_values_are_kept(page, bureau):
    log_in(page, bureau.officer, PASSWORD)
    page.goto("/intake/new/")
    page.get_by_label("报警人", exact=True).fill("王小明")
    page.get_by_label("报警人身份证号").fill("110105194912310021")
    page.get_by_label("简要案情").fill("测试")
    page.get_by_role("button", name="保存", exact=True).click()
    page.wait_for_load_state()
    assert "校验码错误" in page.locator("#id_reporter_id_number_errors").inner_text()
    assert page.get_by_label("报警人", exact=True).input_value() == "王小明"
    assert not Incident.objects.exists()
