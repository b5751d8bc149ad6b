"""Two factors for legal supervisors, leadership and administrators; API tokens from a verified login."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from conftest import PASSWORD
from org import twofactor

pytestmark = pytest.mark.django_db


def code_for(device: TOTPDevice) -> str:
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


def password_login(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.police_number, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_an_officer_needs_no_second_factor(bureau):
    client = password_login(bureau.officer)
    assert client.get("/intake/").status_code == 200


def test_a_supervisor_without_an_authenticator_must_set_one_up_then_gets_recovery_codes(bureau):
    client = password_login(bureau.supervisor)
    response = client.get("/intake/")
    assert response.status_code == 302 and response.url.startswith("/login/otp/setup/")
    page = client.get("/login/otp/setup/").content.decode()
    assert "<svg" in page  # the QR code, drawn without any script
    device = TOTPDevice.objects.get(user=bureau.supervisor, confirmed=False)
    assert client.post("/login/otp/setup/", {"code": "000000"}).status_code == 200  # a wrong code is refused
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):  # after the throttling pause
        done = client.post("/login/otp/setup/", {"code": code_for(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and StaticToken.objects.filter(device__user=bureau.supervisor).count() == 10
    assert client.get("/intake/").status_code == 200


def test_a_supervisor_with_an_authenticator_enters_a_code_and_a_recovery_code_works_once(bureau):
    device = TOTPDevice.objects.create(user=bureau.supervisor, name="phone", confirmed=True)
    codes = twofactor.recovery_codes_new(bureau.supervisor)
    client = password_login(bureau.supervisor)
    assert client.get("/intake/").url.startswith("/login/otp/?next=/intake/")
    assert client.post("/login/otp/", {"code": "123456"}).status_code == 200
    assert client.get("/intake/").status_code == 302
    # a wrong code makes the next attempt wait a moment (django-otp's throttling)
    assert client.post("/login/otp/", {"code": code_for(device)}).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=5)):
        response = client.post("/login/otp/", {"code": code_for(device), "next": "/intake/"})
    assert response.status_code == 302 and response.url == "/intake/"
    assert client.get("/intake/").status_code == 200

    # later (past the throttling of the earlier wrong codes), a recovery code works once
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        other = password_login(bureau.supervisor)
        assert other.post("/login/otp/", {"code": codes[0]}).status_code == 302
    with time_machine.travel(timezone.now() + timedelta(minutes=10)):
        third = password_login(bureau.supervisor)
        assert third.post("/login/otp/", {"code": codes[0]}).status_code == 200  # used up


def test_the_api_refuses_an_unverified_session(bureau):
    TOTPDevice.objects.create(user=bureau.leadership, name="phone", confirmed=True)
    client = password_login(bureau.leadership)
    assert client.get("/api/v1/units/").status_code == 403


def test_api_token_is_issued_from_a_verified_login_and_can_be_revoked(client, bureau):
    client.force_login(bureau.supervisor)  # verified (see conftest)
    client.post("/org/api-token/issue/")
    token = Token.objects.get(user=bureau.supervisor)
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 200
    client.post("/org/api-token/revoke/")
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}").status_code == 401


def test_an_unverified_session_cannot_issue_a_token(bureau):
    TOTPDevice.objects.create(user=bureau.admin, name="phone", confirmed=True)
    client = password_login(bureau.admin)
    client.post("/org/api-token/issue/")
    assert not Token.objects.filter(user=bureau.admin).exists()


def test_admin_reset_makes_the_user_set_up_again(bureau):
    TOTPDevice.objects.create(user=bureau.supervisor, name="phone", confirmed=True)
    twofactor.reset(bureau.supervisor)
    client = password_login(bureau.supervisor)
    assert client.get("/").url.startswith("/login/otp/setup/")
