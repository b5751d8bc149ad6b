"""Login by police number, lockout, idle expiry, logout."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, number: str, password: str, ip: str = "10.0.0.1"):
    return client.post("/login/", {"username": number, "password": password}, REMOTE_ADDR=ip)


def test_officer_logs_in_with_police_number_and_lands_home(client, bureau):
    response = login(client, bureau.officer.police_number, PASSWORD)
    assert response.status_code == 302 and response.url == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert "我的单位" in home.content.decode()


def test_wrong_password_reshows_the_form_with_a_chinese_message(client, bureau):
    response = login(client, bureau.officer.police_number, "wrong")
    assert response.status_code == 200
    assert "警号或密码错误" in response.content.decode()


def test_five_failures_lock_the_account_even_with_the_right_password(client, bureau):
    for attempt in range(5):
        login(client, bureau.officer.police_number, "wrong", ip=f"10.0.1.{attempt}")
    response = login(client, bureau.officer.police_number, PASSWORD, ip="10.0.9.9")
    assert response.status_code == 429
    assert "登录已锁定" in response.content.decode()
    # another account is not affected
    assert login(client, bureau.leader.police_number, PASSWORD, ip="10.0.9.9").status_code == 302


def test_five_failures_from_one_address_lock_that_address(client, bureau):
    for n in range(5):
        login(client, f"99999{n}", "wrong", ip="10.0.2.2")
    locked = login(client, bureau.officer.police_number, PASSWORD, ip="10.0.2.2")
    assert locked.status_code == 429
    # the officer's account is not what is locked: the page does not say it is
    assert "该账号或本机" in locked.content.decode() and "账号已锁定" not in locked.content.decode()
    assert login(client, bureau.officer.police_number, PASSWORD, ip="10.0.2.3").status_code == 302


def test_lockout_ends_after_ten_minutes(client, bureau):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(client, bureau.officer.police_number, "wrong")
        assert login(client, bureau.officer.police_number, PASSWORD).status_code == 429
    with time_machine.travel(start + timedelta(minutes=11), tick=False):
        assert login(client, bureau.officer.police_number, PASSWORD).status_code == 302


def test_idle_session_ends_after_thirty_minutes(client, bureau):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, bureau.officer.police_number, PASSWORD)
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get("/").status_code == 200  # activity pushes the expiry on
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_an_idle_session_never_outlives_thirty_minutes_and_is_not_written_on_every_request(client, bureau):
    from django.contrib.sessions.models import Session

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        login(client, bureau.officer.police_number, PASSWORD)
        client.get("/")
    key = client.cookies["sessionid"].value
    expiry = Session.objects.get(pk=key).expire_date
    assert expiry == start + timedelta(minutes=30)
    # requests within the refresh interval (60 s) do not write the session
    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == expiry
    # one after it pushes the expiry on, to 30 minutes after that request
    with time_machine.travel(start + timedelta(seconds=70), tick=False):
        assert client.get("/").status_code == 200
    assert Session.objects.get(pk=key).expire_date == start + timedelta(seconds=70 + 30 * 60)
    # then a request at 40 s past that is not written: the session ends 29 min 20 s after it, never later
    with time_machine.travel(start + timedelta(seconds=110), tick=False):
        assert client.get("/").status_code == 200
    with time_machine.travel(start + timedelta(seconds=110 + 30 * 60), tick=False):
        response = client.get("/")
        assert response.status_code == 302 and response.url.startswith("/login/")


def test_logout_ends_the_session(client, bureau):
    login(client, bureau.officer.police_number, PASSWORD)
    assert client.post("/logout/").status_code == 302
    assert client.get("/").status_code == 302


def test_english_switch(client, bureau):
    client.force_login(bureau.officer)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "My unit" in client.get("/").content.decode()


def test_the_test_after_the_english_switch_starts_in_chinese(bureau):
    # Labels read outside a request (the audit trail's field names) follow the thread's language.
    from django.utils.translation import get_language, gettext

    assert get_language() == "zh-hans"
    assert gettext("Name") == "姓名"


def test_admin_index_names_every_section_in_chinese(client, bureau):
    client.force_login(bureau.admin)
    html = client.get("/admin/").content.decode()
    assert "执法监督平台 · 系统管理" in html and "Django" not in html
    english_names = ("Axes", "AXES", "Access attempts", "Access logs", "Pghistory", "Otp_Totp")
    english_names += ("TOTP devices", "Static devices", "Events")
    for english in english_names:
        assert english not in html, english
    assert "登录锁定" in html and "审计日志" in html
