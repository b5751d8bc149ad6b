"""A compliance run killed half way (a worker lost, kill -9) leaves the previous state intact,
and the rerun completes with the same result as any complete run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cases.compliance import RUN_LOCK, compliance_run
from cases.models import Alert, Case, ComplianceRun
from config.celery import app
from config.embedded import database_url
from intake.models import Incident

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parent.parent


def state() -> tuple:
    alerts = Counter(Alert.objects.values_list("rule__code", "status"))
    colours = Counter(Incident.objects.values_list("colour", flat=True))
    return tuple(sorted(alerts.items())), tuple(sorted(colours.items()))


def _run_lock_held() -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = %s)",
            [RUN_LOCK],
        )
        return cursor.fetchone()[0]


def test_tasks_are_acknowledged_late_and_requeued_when_the_worker_is_lost():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_a_run_killed_half_way_changes_nothing_and_the_rerun_completes_the_same(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo seeds evidence files of findings
    call_command("seed_demo", "--incidents", "30000", "--seed", "5", "--year", "2025")
    before = state()
    env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "run_compliance"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # kill it as soon as its run has started working (its run row is written first)
    deadline = time.time() + 60
    while not ComplianceRun.objects.filter(status="running").exists():
        assert time.time() < deadline and worker.poll() is None, "the run never started"
        time.sleep(0.02)
    time.sleep(0.2)
    worker.kill()
    worker.wait()
    assert worker.returncode == -9, "the run finished before it could be killed"
    assert state() == before  # nothing half-written: the bureau's batch was one transaction

    killed = ComplianceRun.objects.get(status="running")  # its row was never finished
    assert killed.finished_at is None
    # the killed run's server process notices its client is gone and frees the run's lock (it
    # checks every second while it works; a minute leaves room for a machine busy with others)
    deadline = time.time() + 60
    while _run_lock_held():
        assert time.time() < deadline, "the killed run still holds the lock"
        time.sleep(0.1)

    rerun = compliance_run()  # the rerun (the requeued task)
    assert rerun.status == "done" and rerun.rows_checked == Incident.objects.count() + Case.objects.count()
    after = state()
    compliance_run(at=rerun.as_of)  # any further complete run as of the same time gives the same result
    assert state() == after
