"""Mixed load (BENCH.md keys load.*): officers log reports through the API while the nightly
compliance run and an annual-report build run beside them. Every report answered as saved
must be in the database afterwards. 127.0.0.1 only; bounded in count and time."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta

from django.core.management import get_commands

from bench import lib

AREA = "load"


def _background(ctx: dict) -> list[subprocess.Popen]:
    """The heavy jobs of a real night, if their apps have landed."""
    commands = get_commands()
    jobs = []
    if "run_compliance" in commands:
        jobs.append(["run_compliance"])
    if "annual_report" in commands:
        jobs.append(["annual_report", "--year", "2025", "--format", "pdf", "--out", "/tmp/bench-load-report.pdf"])
    return [
        subprocess.Popen(
            [sys.executable, "manage.py", *job],
            cwd=ctx["root"],
            env=ctx["env"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for job in jobs
    ]


def run(ctx: dict) -> dict:
    # As many officers sending without pause as the server has workers: each request is served as
    # it arrives, so p95 is the time of a request under the night's load. More clients than workers
    # only queue at the socket (p95 = queue length / throughput) without logging more per second.
    workers = lib.env_int("BENCH_LOAD_WORKERS", 4)
    clients_n = lib.env_int("BENCH_LOAD_CLIENTS", workers)
    seconds = lib.env_int("BENCH_LOAD_SECONDS", 60)
    pairs = lib.one_officer_per_unit()
    saved: list[int] = []

    with lib.server(ctx, workers=workers) as port:
        clients = []
        for i in range(clients_n):
            code, number = pairs[i % len(pairs)]
            clients.append((lib.Client(port, {"Authorization": f"Token {lib.api_token(ctx, number)}"}), code))
        jobs = _background(ctx)
        started = time.time()

        def log_report(i: int, n: int):
            client, code = clients[i]
            body = {
                "unit": code,
                "channel": "call110",
                "received_at": (datetime.now().astimezone() - timedelta(minutes=1)).isoformat(),
                "category": "dispute",
                "reporter_name": "李四",
                "reporter_phone": "13912345678",
                "location": "解放路",
                "summary": f"压力测试第{i}-{n}条：邻里纠纷。",
            }
            status, client_ms, server_ms, data = client.request("POST", "/api/v1/incidents/", body)
            if status == 201:
                saved.append(json.loads(data)["id"])
            return status, client_ms, server_ms

        result = lib.run_concurrently(clients_n, log_report, per_client=100_000, max_seconds=seconds)
        background = []
        for job in jobs:
            background.append(" ".join(job.args[2:4]))
            job.wait(timeout=600)

    from intake.models import Incident

    found = Incident.objects.filter(pk__in=saved).count()
    return {
        "rows": ctx["incidents"],
        "clients": clients_n,
        "server_workers": workers,
        "seconds": round(time.time() - started, 1),
        "background": background,
        "reports_per_s": result["per_s"],
        "requests": result["requests"],
        "p95_ms": result["client_ms"]["p95"],
        "median_ms": result["client_ms"]["median"],
        "server_p95_ms": result["server_ms"]["p95"],
        "errors": result["errors"],
        "lost": len(saved) - found,
    }
