"""Security events (等保三级): every login, logout, failure, lockout, permission denial and export."""

from __future__ import annotations

from django.contrib.auth import signals as auth_signals
from django.dispatch import receiver

from org.models import SecurityEvent, SecurityEventKind


def client_ip(request) -> str | None:
    if request is None:
        return None
    # django-axes resolves the address with the trusted-proxy setting (PORTAL_TRUSTED_PROXY_COUNT).
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def record(request, kind: str, *, user=None, username: str = "", **detail) -> SecurityEvent:
    """Write one security event; `user` defaults to the request's signed-in user, if any."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    return SecurityEvent.objects.create(
        bureau_id=user.bureau_id if user else None,
        user=user,
        username=(username or (user.police_number if user else ""))[:150],
        kind=kind,
        ip=client_ip(request),
        path=(request.path if request is not None else "")[:300],
        detail=detail,
    )


def record_export(request, what: str, **detail) -> None:
    """Call from every view that lets data leave the system (exports, downloads, reports)."""
    record(request, SecurityEventKind.EXPORT, what=what, **detail)


@receiver(auth_signals.user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    record(request, SecurityEventKind.LOGIN, user=user)


@receiver(auth_signals.user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(request, SecurityEventKind.LOGOUT, user=user)


@receiver(auth_signals.user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    record(request, SecurityEventKind.LOGIN_FAILED, username=str(credentials.get("username", "")))


def locked_out(sender, request, username=None, ip_address=None, **kwargs):
    """django-axes' user_locked_out signal."""
    record(request, SecurityEventKind.LOCKOUT, username=username or "")


class SecurityEventMiddleware:
    """Records every refusal (403) as a security event, pages and API alike. It runs outside
    the request's transaction (ATOMIC_REQUESTS wraps the view only), so a refused request,
    whose own transaction is rolled back, still leaves its event."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            record(request, SecurityEventKind.DENIED, method=request.method)
        return response
