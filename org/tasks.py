import logging
from pathlib import Path

from celery import shared_task
from django.conf import settings

from org import auditretention, auditseal, passwords

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


@shared_task(name="org.prune_audit", acks_late=True, time_limit=4 * 60 * 60)
def prune_audit() -> int:
    """Monthly: archive and prune the audit trail past PORTAL_AUDIT_RETENTION_MONTHS. Unset, nothing
    is pruned; a chain that does not verify is never pruned (the error is logged, nothing changes)."""
    months = settings.PORTAL_AUDIT_RETENTION_MONTHS
    if months is None:
        return 0
    try:
        result = auditretention.prune(
            older_than_months=months,
            folder=Path(settings.PORTAL_AUDIT_ARCHIVE_DIR),
            by="scheduled task",
            dry_run=False,
        )
    except auditretention.RetentionError as exc:
        logger.error("audit not pruned: %s", exc)
        return 0
    if result.path:
        logger.info("audit archived to %s and pruned up to seal %s", result.path, result.anchor_seal_id)
    return result.seals
