"""Shared tools of the bench areas: percentiles, a gunicorn server on the bench database,
and a bounded concurrent HTTP client that reads the server's own time (Server-Timing)."""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "median": round(statistics.median(values), 2) if values else None,
        "p95": round(percentile(values, 95), 2) if values else None,
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# The key the bench's gunicorn signs sessions with (browser sessions made here must match it).
SERVER_SECRET_KEY = "bench-" + "x" * 50


@contextmanager
def server(ctx: dict, *, workers: int = 4, threads: int = 1) -> Iterator[int]:
    """gunicorn with production settings on the bench database; yields its port."""
    port = free_port()
    env = dict(
        ctx["env"],
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_SECRET_KEY=SERVER_SECRET_KEY,
        DJANGO_SECURE_COOKIES="0",
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL="WARNING",
        # The keys the data was seeded with (the development ones).
        PORTAL_PII_KEYS=",".join(settings.PII_KEYS),
        PORTAL_PII_HASH_KEY=settings.PII_HASH_KEY,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    bin_dir = Path(sys.executable).parent
    proc = subprocess.Popen(
        [
            str(bin_dir / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@dataclass
class Client:
    """A logged-in HTTP/1.1 keep-alive client for 127.0.0.1 only."""

    port: int
    headers: dict = field(default_factory=dict)

    def __post_init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def request(
        self, method: str, path: str, body: dict | None = None, *, form: list[tuple[str, str]] | None = None
    ) -> tuple[int, float, float, bytes]:
        """Returns (status, client ms, server ms from Server-Timing, body). `body` is sent as
        JSON (the API), `form` url-encoded (as a page's fetch() sends it)."""
        headers = dict(self.headers)
        payload = None
        if body is not None:
            payload = json.dumps(body, ensure_ascii=False).encode()
            headers["Content-Type"] = "application/json"
        elif form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        self.conn.request(method, path, body=payload, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        client_ms = (time.perf_counter() - started) * 1000
        server_ms = _server_timing(response.getheader("Server-Timing"))
        return response.status, client_ms, server_ms, data


def _server_timing(header: str | None) -> float:
    if not header:
        return float("nan")
    for part in header.split(","):
        name, _, rest = part.strip().partition(";")
        if name == "app" and rest.startswith("dur="):
            return float(rest[4:])
    return float("nan")


def run_concurrently(
    clients: int, make_call: Callable[[int, int], tuple[int, float, float]], *, per_client: int, max_seconds: float
) -> dict:
    """Run `per_client` calls in each of `clients` threads (bounded by time); collect timings."""
    results: list[tuple[int, float, float]] = []
    lock = threading.Lock()
    deadline = time.time() + max_seconds

    def worker(index: int) -> None:
        local = []
        for n in range(per_client):
            if time.time() > deadline:
                break
            try:
                local.append(make_call(index, n))
            except (OSError, http.client.HTTPException):
                # A refused or dropped connection is an error of the run, never a silent gap.
                local.append((599, float("nan"), float("nan")))
        with lock:
            results.extend(local)

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    errors = sum(1 for status, _, _ in results if status >= 400)
    return {
        "requests": len(results),
        "errors": errors,
        "elapsed_s": round(elapsed, 2),
        "per_s": round(len(results) / elapsed, 1) if elapsed else None,
        "client_ms": summary([c for _, c, _ in results if c == c]),
        "server_ms": summary([s for _, _, s in results if s == s]),
    }


def browser_session(user) -> tuple[str, str]:
    """A signed-in browser session of `user` for the bench's gunicorn, and a CSRF token: the
    (Cookie, X-CSRFToken) headers a page's fetch() sends. Made here with the server's key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.test.utils import override_settings
    from django.utils.crypto import get_random_string

    with override_settings(SECRET_KEY=SERVER_SECRET_KEY):
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if user.role in settings.PORTAL_TWO_FACTOR_ROLES:
            from django_otp import devices_for_user

            device = next(devices_for_user(user, confirmed=True), None)
            if device is not None:
                session["otp_device_id"] = device.persistent_id
        session.create()
    token = get_random_string(32)
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={token}", token


def api_token(ctx: dict, police_number: str) -> str:
    """A DRF token for a demo account, created in the bench database."""
    out = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "drf_create_token",
            police_number,
        ],
        cwd=ROOT,
        env=ctx["env"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().split()[2]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def one_officer_per_unit() -> list[tuple[str, str]]:
    """(unit code, police number) of one sworn officer of each case-handling unit, so that
    concurrent clients log reports for different units (as the desks of a bureau do)."""
    from org.models import User

    officers = (
        User.objects.filter(role="officer", is_auxiliary=False, unit__kind__in=["station", "brigade"])
        .order_by("police_number")
        .values_list("police_number", "unit__code")
    )
    by_unit: dict[str, str] = {}
    for number, code in officers:
        by_unit.setdefault(code, number)
    return list(by_unit.items())
