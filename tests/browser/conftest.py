"""Playwright driving Debian's chromium (Playwright's own browser download cannot work here)."""

from __future__ import annotations

import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
# Without these, chromium keeps trying to reach Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in this thread; Django must allow its ORM here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    # Every page must work under the Content-Security-Policy: a blocked script fails the test.
    blocked: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and blocked.append(msg.text))
    yield page
    context.close()
    assert not blocked, blocked


def current_code(user, *, confirmed: bool) -> str:
    """The code the user's authenticator app would show now."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).latest("id")
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def log_in(page, user, password: str) -> None:
    """Log in through the form with the keyboard (and the second factor where the role has
    one, setting the authenticator up on first use), then wait for the role's first page."""
    page.goto("/login/")
    page.get_by_label("警号").fill(user.police_number)
    page.get_by_label("密码").fill(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path != "/login/")
    path = urlparse(page.url).path
    if path == "/login/otp/setup/":
        page.get_by_label("验证码").fill(current_code(user, confirmed=False))
        page.keyboard.press("Enter")
        page.get_by_test_id("recovery-codes").wait_for()
        page.get_by_role("link", name="继续").click()
    elif path == "/login/otp/":
        page.get_by_label("验证码").fill(current_code(user, confirmed=True))
        page.keyboard.press("Enter")
    # the home page, or the page the role lands on (the legal officer's queue, the dashboard)
    page.wait_for_url(lambda url: not urlparse(url).path.startswith("/login/"))
