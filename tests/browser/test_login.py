"""An officer logs in, lands on the officer home in Chinese, and logs out, in a real browser."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from conftest import PASSWORD
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_logs_in_lands_home_in_chinese_and_logs_out(page, bureau):
    page.goto("/")
    # not signed in: sent to the login page, in Chinese
    assert "/login/" in page.url
    log_in(page, bureau.officer, PASSWORD)
    assert page.get_by_test_id("home-title").inner_text().strip() == "我的单位"
    assert "甲民警" in page.get_by_test_id("current-user").inner_text()
    page.get_by_test_id("current-user").click()
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/login/")
    page.goto("/")
    assert "/login/" in page.url


def test_wrong_password_shows_the_error_in_the_page(page, bureau):
    page.goto("/login/")
    page.get_by_label("警号").fill(bureau.officer.police_number)
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text().startswith("警号或密码错误")
    assert page.get_by_label("警号").input_value() == bureau.officer.police_number


def test_navigation_collapses_on_a_phone(browser, live_server, bureau):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, bureau.officer, PASSWORD)
    menu = page.get_by_role("button", name="菜单")
    assert menu.is_visible()
    assert not page.locator('#mainnav a[href="/org/officers/"]').is_visible()
    menu.click()
    page.locator('#mainnav a[href="/org/officers/"]').wait_for(state="visible")
    context.close()
