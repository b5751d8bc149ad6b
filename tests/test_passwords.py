"""Password policy: length, character classes, no reuse of the last five, admin expiry, inactivity."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from org.passwords import disable_inactive_accounts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("weak", ["short1!A", "alllowercaseletters", "ALLUPPER123456", "1234567890123"])
def test_weak_passwords_are_refused(bureau, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, bureau.officer)


def test_a_password_from_the_last_five_is_refused(bureau):
    user = bureau.officer
    passwords = [f"Zhifa-{n}-jiandu!" for n in range(6)]
    for password in passwords:
        validate_password(password, user)
        user.set_password(password)
        user.save()
    for recent in passwords[-5:]:
        with pytest.raises(ValidationError):
            validate_password(recent, user)
    validate_password(passwords[0], user)  # the sixth back may be used again


def test_an_administrator_with_an_old_password_must_change_it(client, bureau):
    admin = bureau.admin
    admin.password_changed_at = timezone.now() - timedelta(days=91)
    admin.save()
    client.force_login(admin)
    response = client.get("/intake/")
    assert response.status_code == 302 and response.url == "/password/"
    client.force_login(bureau.supervisor)
    assert client.get("/intake/").status_code == 200  # the rule is for administrators


def test_changing_the_password_in_the_browser_form_resets_the_clock(client, bureau):
    admin = bureau.admin
    admin.password_changed_at = timezone.now() - timedelta(days=91)
    admin.save()
    client.force_login(admin)
    response = client.post(
        "/password/",
        {"old_password": "Correct-horse-42", "new_password1": "Xin-Mima-2026!", "new_password2": "Xin-Mima-2026!"},
    )
    assert response.status_code == 302
    admin.refresh_from_db()
    assert timezone.now() - admin.password_changed_at < timedelta(minutes=1)
    assert client.get("/intake/").status_code == 200


def test_accounts_unused_for_ninety_days_are_disabled(bureau):
    bureau.officer.last_login = timezone.now() - timedelta(days=10)
    bureau.officer.save()
    with time_machine.travel(timezone.now() + timedelta(days=95)):
        disabled = disable_inactive_accounts()
    bureau.officer.refresh_from_db()
    assert not bureau.officer.is_active and disabled >= 1
