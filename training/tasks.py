"""Celery entry points of training: each calls one service."""

from __future__ import annotations

from celery import shared_task

from training import services

EXPIRE_BATCH = 500


@shared_task(name="training.expire_overdue_attempts")
def expire_overdue_attempts() -> int:
    """Score attempts whose time ran out without a submission; re-queue while a batch is full."""
    done = services.attempts_expire_overdue(batch=EXPIRE_BATCH)
    if done == EXPIRE_BATCH:
        expire_overdue_attempts.delay()
    return done


@shared_task(name="training.qualification_reminders")
def qualification_reminders() -> int:
    return services.qualification_reminders_create()
