"""Two factors (password + TOTP) for legal supervisors, leadership and administrators (等保三级).

After the password, a user of those roles must enter a code from an authenticator app (or a
one-time recovery code); a user with no authenticator yet is taken to set one up first.
Until then every page but the two-factor pages answers with a redirect (the API with 403).
"""

from __future__ import annotations

import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.models import User

RECOVERY_CODES = 10


def requires_two_factors(user) -> bool:
    return bool(user.is_authenticated and user.role in settings.PORTAL_TWO_FACTOR_ROLES)


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def verify_code(request, code: str) -> bool:
    """Accept a 6-digit TOTP code or an unused recovery code; mark the session verified."""
    code = code.strip().replace(" ", "")
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(code):
            otp_login(request, device)
            return True
    return False


def setup_device(user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator (a new secret until a code confirms it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code (no script, no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4)


@transaction.atomic
def confirm_setup(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns the recovery codes, shown once."""
    if not device.verify_token(code.strip().replace(" ", "")):
        return None
    device.confirmed = True
    device.save()
    otp_login(request, device)
    return recovery_codes_new(device.user)


@transaction.atomic
def recovery_codes_new(user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="recovery", defaults={"confirmed": True})
    static.token_set.all().delete()
    codes = [f"{secrets.randbelow(10**8):08d}" for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes


@transaction.atomic
def reset(user: User) -> None:
    """An administrator's reset: the user sets up a new authenticator at the next login."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


class TwoFactorMiddleware:
    """Keeps a signed-in user of a two-factor role on the two-factor pages until verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and requires_two_factors(user) and not is_verified(request):
            open_paths = {reverse("otp_verify"), reverse("otp_setup"), reverse("logout"), reverse("set_language")}
            if request.path not in open_paths and not request.path.startswith(settings.STATIC_URL):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "Two-factor verification is required."}, status=403)
                target = "otp_verify" if user_has_device(user) else "otp_setup"
                return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)
