"""Exactly one beat: a scheduler that sends only while it holds a PostgreSQL advisory lock.

A second beat started by mistake (another terminal, a restarted container) finds the lock
taken and sends nothing; it takes over only if the first one's connection goes away.
"""

from __future__ import annotations

import logging

import psycopg
from celery.beat import PersistentScheduler
from django.conf import settings

from config.embedded import psycopg_params

logger = logging.getLogger(__name__)

BEAT_LOCK_KEY = 7_021_110  # any constant shared by every beat of this deployment
RETRY_SECONDS = 15.0


def _connect() -> psycopg.Connection:
    db = settings.DATABASES["default"]
    return psycopg.connect(**psycopg_params(db), autocommit=True)


class SingleBeatScheduler(PersistentScheduler):
    """celery beat --scheduler config.beat:SingleBeatScheduler"""

    _lock_conn: psycopg.Connection | None = None

    def holds_lock(self) -> bool:
        """Hold (or try to take) the session-level advisory lock on a connection of our own."""
        if self._lock_conn is not None and not self._lock_conn.closed:
            return True
        conn = _connect()
        if conn.execute("SELECT pg_try_advisory_lock(%s)", [BEAT_LOCK_KEY]).fetchone()[0]:
            self._lock_conn = conn
            logger.info("beat: this scheduler holds the lock and sends the periodic tasks")
            return True
        conn.close()
        return False

    def tick(self, *args, **kwargs):
        if not self.holds_lock():
            logger.warning("beat: another beat holds the lock; this one sends nothing")
            return RETRY_SECONDS
        return super().tick(*args, **kwargs)

    def close(self):
        super().close()
        if self._lock_conn is not None:
            self._lock_conn.close()
            self._lock_conn = None
