"""Exactly one beat sends the periodic tasks; a second one started by mistake sends nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from config.beat import SingleBeatScheduler
from config.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


class Recording(SingleBeatScheduler):
    """Records what it would send instead of publishing it (the lock is what is under test)."""

    def __init__(self, *args, **kwargs):
        self.sent: list[str] = []
        super().__init__(*args, **kwargs)

    def apply_entry(self, entry, producer=None):
        self.sent.append(entry.name)


def make(tmp_path, name: str) -> Recording:
    return Recording(app, schedule_filename=str(tmp_path / name), lazy=False)


def test_the_second_beat_sends_nothing_until_the_first_one_stops(tmp_path, monkeypatch):
    # a schedule with one entry that is always due
    monkeypatch.setitem(app.conf, "beat_schedule", {"probe": {"task": "org.verify_audit", "schedule": timedelta(0)}})
    first, second = make(tmp_path, "a"), make(tmp_path, "b")
    try:
        for _ in range(3):
            first.tick()
            second.tick()
        assert first.sent and not second.sent
        first.close()
        second.tick()  # the first beat is gone: the second one takes over
        assert second.sent
    finally:
        first.close()
        second.close()
