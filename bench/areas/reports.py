"""Reports: the leadership dashboard's server time (from the stored monthly figures) beside
the same figures computed from the raw tables (naive) and the raw SQL lower bounds; the
nightly refresh; the annual report's DOCX + PDF build time and peak memory, each measured
in a child process (BENCH.md keys reports.*)."""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import lib
from config.embedded import psycopg_params

AREA = "reports"
YEAR = 2025
PEAK = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)


SESSION = """
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from org.models import User
user = User.objects.get(police_number="{number}")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
try:  # a role with a second factor: the session is verified with the user's device
    from django_otp import devices_for_user
    device = next(devices_for_user(user, confirmed=True), None)
    if device is not None:
        session["otp_device_id"] = device.persistent_id
except ImportError:
    pass
session.create()
print(session.session_key)
"""


def _session_cookie(ctx: dict, police_number: str) -> str:
    """A logged-in session made with the server's own settings (its key signs the session)."""
    env = dict(
        ctx["env"], DJANGO_SETTINGS_MODULE="config.settings", DJANGO_SECRET_KEY="bench-" + "x" * 50,
        DJANGO_SECURE_COOKIES="0", DJANGO_LOG_LEVEL="WARNING",
    )  # fmt: skip
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SESSION.format(number=police_number)],
        cwd=ctx["root"], env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return f"sessionid={out.strip().splitlines()[-1]}"


def _timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def run(ctx: dict) -> dict:
    import psycopg
    from django.conf import settings
    from django.db import connection

    from org.models import User
    from reports import services
    from reports.formulas import FORMULAS, Window
    from reports.models import Metric, MonthlyFigure

    out: dict = {"rows": ctx["incidents"]}
    leader = User.objects.get(police_number="100401")
    bureau_id = leader.bureau_id

    # --- the nightly refresh of the stored figures (one INSERT … SELECT per metric) ---
    t = time.perf_counter()
    run_row = services.figures_refresh_year(bureau_id=bureau_id, year=YEAR, trigger="bench")
    out["refresh_year_s"] = round(time.perf_counter() - t, 2)
    out["refresh_rows"] = run_row.rows

    # --- the dashboard through gunicorn, server time from Server-Timing ---
    cookie = _session_cookie(ctx, leader.police_number)
    per_client = lib.env_int("BENCH_DASHBOARD_REQUESTS", 30)
    with lib.server(ctx, workers=2) as port:
        client = lib.Client(port, {"Cookie": cookie})
        status, *_ = client.request("GET", f"/reports/?period={YEAR}")
        assert status == 200, status
        dashboard = lib.run_concurrently(
            1,
            lambda i, n: client.request("GET", f"/reports/?period={YEAR}")[:3],
            per_client=per_client,
            max_seconds=120,
        )
        metrics = lib.run_concurrently(
            1,
            lambda i, n: client.request("GET", f"/reports/metrics/?period={YEAR}")[:3],
            per_client=min(per_client, 15),
            max_seconds=60,
        )
    out["dashboard_ms"] = dashboard["server_ms"]["median"]
    out["dashboard_p95_ms"] = dashboard["server_ms"]["p95"]
    out["dashboard_errors"] = dashboard["errors"]
    out["metrics_page_ms"] = metrics["server_ms"]["median"]

    # --- naive: the same figures computed from the raw tables on every view (no stored months) ---
    enabled = [(m, FORMULAS[m.formula]) for m in Metric.objects.filter(is_enabled=True)]

    def naive():
        # every enabled metric's aggregate over the raw records of the year, on every view
        with connection.cursor() as cursor:
            for metric, formula in enabled:
                window = Window(
                    bureau_id=bureau_id, start=date(YEAR, 1, 1), end=date(YEAR + 1, 1, 1), params=metric.parameters
                )
                sql, params = formula.aggregate_sql(window)
                cursor.execute(sql, params)
                cursor.fetchall()

    naive_ms = _timed(naive, 3)
    out["dashboard_naive_ms"] = round(statistics.median(naive_ms), 1)

    # --- raw lower bounds: the stored figures' read, and one hand-written scan of the raw register ---
    db = settings.DATABASES["default"]
    conninfo = psycopg_params(db)
    with psycopg.connect(**conninfo, autocommit=True) as raw:

        def stored():
            raw.execute(
                "SELECT metric_id, unit_id, sum(numerator), sum(denominator) FROM reports_monthlyfigure "
                "WHERE bureau_id = %s AND month >= %s AND month < %s GROUP BY 1, 2",
                [bureau_id, date(YEAR, 1, 1), date(YEAR + 1, 1, 1)],
            ).fetchall()

        def scan():
            raw.execute(
                """
                SELECT unit_id, count(*), count(*) FILTER (WHERE disposition <> 'pending'),
                  count(*) FILTER (WHERE category = 'administrative' AND disposition = 'accepted'),
                  count(*) FILTER (WHERE category = 'administrative' AND disposition <> 'pending'),
                  count(*) FILTER (WHERE category = 'criminal' AND disposition = 'filed'),
                  count(*) FILTER (WHERE category = 'criminal' AND disposition <> 'pending'),
                  count(*) FILTER (WHERE colour = 'red')
                FROM intake_incident
                WHERE bureau_id = %s AND received_at >= %s AND received_at < %s GROUP BY unit_id
                """,
                [bureau_id, f"{YEAR}-01-01 00:00+08", f"{YEAR + 1}-01-01 00:00+08"],
            ).fetchall()

        out["dashboard_raw_read_ms"] = round(statistics.median(_timed(stored, 20)), 2)
        out["dashboard_raw_scan_ms"] = round(statistics.median(_timed(scan, 3)), 1)
    out["dashboard_naive_ratio"] = round(out["dashboard_naive_ms"] / out["dashboard_ms"], 1)
    out["figure_rows"] = MonthlyFigure.objects.filter(bureau_id=bureau_id).count()
    connection.close()

    # --- the annual report: DOCX and PDF, each built by the command in a child process ---
    folder = Path(tempfile.mkdtemp(prefix="bench-report-"))
    total_s, peak_kb, sizes = 0.0, 0, {}
    for fmt in ("docx", "pdf"):
        target = folder / f"report.{fmt}"
        command = [
            sys.executable, "manage.py", "annual_report", "--year", str(YEAR), "--format", fmt,
            "--out", str(target), "--bureau", leader.bureau.code, "--no-refresh",
        ]  # fmt: skip
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", PEAK, *command], cwd=ctx["root"], env=ctx["env"], capture_output=True, text=True
        )
        total_s += time.perf_counter() - t
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2000:])
        peak_kb = max(peak_kb, int(done.stdout.strip().splitlines()[-1]))
        sizes[fmt] = target.stat().st_size
        target.unlink()
    out["annual_report_s"] = round(total_s, 2)
    out["annual_report_peak_mb"] = round(peak_kb / 1024, 1)
    out["annual_report_docx_bytes"] = sizes["docx"]
    out["annual_report_pdf_bytes"] = sizes["pdf"]
    return out
