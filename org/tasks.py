import logging

from celery import shared_task

from org import auditseal, passwords

logger = logging.getLogger(__name__)


@shared_task(name="org.verify_audit", acks_late=True, time_limit=60 * 60)
def verify_audit() -> int:
    checked, broken = auditseal.verify()
    if broken:
        logger.error("audit chain broken at seal %s (%s): %s", broken.seal_id, broken.source, broken.problem)
    return checked


@shared_task(name="org.disable_inactive_accounts", acks_late=True, time_limit=10 * 60)
def disable_inactive_accounts() -> int:
    return passwords.disable_inactive_accounts()
