"""Server-Timing: the server's own time for a request, read by `make bench` (and browsers' dev tools);
and an API URL that matches no route answers JSON, like every other API answer."""

from __future__ import annotations

import time

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
