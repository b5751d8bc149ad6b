"""Server-Timing: the server's own time for a request, read by `make bench` (and browsers' dev tools);
an API URL that matches no route answers JSON, like every other API answer; and the idle
session timeout without a session write on every request."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import JsonResponse
from django.utils.translation import gettext as _


class ServerTimingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response


class ApiNotFoundMiddleware:
    """schemathesis found /api/v1/rules/a.b/ (an id a route's pattern does not take) answering
    Django's HTML 404 page; under /api/ it answers JSON, in production and in DEBUG alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 404
            and request.path.startswith("/api/")
            and not response.get("Content-Type", "").startswith("application/")
        ):
            return JsonResponse({"detail": _("Not found.")}, status=404)
        return response


REFRESHED_KEY = "_refreshed"


class IdleSessionMiddleware(SessionMiddleware):
    """Sessions end SESSION_COOKIE_AGE seconds (30 minutes) after the officer's last request.

    Django's SESSION_SAVE_EVERY_REQUEST pushes the expiry on by writing the session on every
    request: an UPDATE and a commit each time, which every answer saved during a test paid.
    Here an unchanged session is written only when its expiry was last pushed on
    SESSION_REFRESH_SECONDS (60) or more ago, so an idle session ends between 29 and 30
    minutes after the last request, never later. A changed session is written at once, as
    always."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and not session.is_empty():
            now = int(time.time())
            if session.modified or now - session.get(REFRESHED_KEY, 0) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESHED_KEY] = now  # marks it modified: saved, with a new expiry
        return super().process_response(request, response)
