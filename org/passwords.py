"""Password policy (等保三级): length, mixed character classes, no reuse of the last five,
and for administrators a change every 90 days."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import PasswordHistory, Role

HISTORY_DEPTH = 5


class ComplexityValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("Use at least three of: lower-case letters, upper-case letters, digits and symbols."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Your password must mix at least three of: lower-case, upper-case, digits and symbols.")


class HistoryValidator:
    """No reuse of the last five passwords; records each new one when it is set."""

    def validate(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        recent = list(PasswordHistory.objects.filter(user=user).values_list("password", flat=True)[:HISTORY_DEPTH])
        if user.password:
            recent.append(user.password)
        if any(check_password(password, encoded) for encoded in recent):
            raise ValidationError(
                _("This password was used recently; choose one you have not used in your last five."),
                code="password_reused",
            )

    def password_changed(self, password: str, user=None) -> None:
        if user is None or not user.pk:
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        type(user).objects.filter(pk=user.pk).update(password_changed_at=timezone.now())
        keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[:HISTORY_DEPTH]
        PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()

    def get_help_text(self) -> str:
        return _("Your password cannot be one of your last five.")


def password_expired(user) -> bool:
    """Administrators change their password every PORTAL_ADMIN_PASSWORD_DAYS days."""
    if not user.is_authenticated or user.role != Role.ADMIN:
        return False
    changed = user.password_changed_at or user.date_joined
    return timezone.now() - changed > timedelta(days=settings.PORTAL_ADMIN_PASSWORD_DAYS)


class PasswordExpiryMiddleware:
    """Sends an administrator whose password is too old to the change form, and nowhere else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and password_expired(user):
            allowed = {reverse("password_change"), reverse("password_change_done"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                return redirect("password_change")
        return self.get_response(request)


def disable_inactive_accounts(*, now=None) -> int:
    """Accounts not used for PORTAL_INACTIVE_DAYS days are disabled (set-based, one statement)."""
    from django.db.models import Q

    from org.models import User

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PORTAL_INACTIVE_DAYS)
    return (
        User.objects.filter(is_active=True)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
        .update(is_active=False)
    )
