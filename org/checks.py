"""System checks of the organisation app's settings (operator-facing, in English like Django's own)."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security)
def audit_retention_check(app_configs=None, **kwargs) -> list[Error]:
    """等保三级: audit is kept at least 6 months; a shorter retention is a configuration error."""
    from org.auditretention import MIN_MONTHS

    months = settings.PORTAL_AUDIT_RETENTION_MONTHS
    if months is not None and months < MIN_MONTHS:
        return [
            Error(
                f"PORTAL_AUDIT_RETENTION_MONTHS is {months}: audit must be kept at least {MIN_MONTHS} months.",
                hint=f"Set it to {MIN_MONTHS} or more, or leave it unset to keep all audit.",
                id="org.E001",
            )
        ]
    return []
