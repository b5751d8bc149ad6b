"""Site-wide endpoints that belong to no domain."""

from __future__ import annotations

from django.db import connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from config.celery import app as celery_app


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # any failure is a failed probe, reported, not raised
        return False, exc.__class__.__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, exc.__class__.__name__


@never_cache
@require_GET
@transaction.non_atomic_requests  # the probe must run even when no transaction can open
def healthz(request):
    """200 when the database and the broker answer; 503 naming what failed."""
    checks = {}
    for name, probe in (("database", _database_ok), ("broker", _broker_ok)):
        ok, detail = probe()
        checks[name] = {"ok": ok, "detail": detail}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)
