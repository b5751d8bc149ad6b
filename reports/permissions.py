"""Who may open which report. Scope (which units' figures exist for the user) is org.scope."""

from __future__ import annotations

from org.models import Role, User

# The dashboard is leadership's (issue 7: "the dashboard for leadership only"); supervisors and
# administrators read the same figures on the metrics page, and recompute them from the admin.
DASHBOARD_ROLES = (Role.LEADERSHIP,)
METRIC_ROLES = (Role.UNIT_LEADER, Role.LEGAL_OFFICER, Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)
REPORT_READ_ROLES = (Role.LEADERSHIP, Role.SUPERVISOR, Role.ADMIN)
REPORT_EDIT_ROLES = (Role.LEADERSHIP, Role.ADMIN)


def _has(user: User, roles) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and user.role in roles


def can_view_dashboard(user: User) -> bool:
    return _has(user, DASHBOARD_ROLES)


def can_view_metrics(user: User) -> bool:
    return _has(user, METRIC_ROLES)


def can_refresh(user: User) -> bool:
    return _has(user, DASHBOARD_ROLES)


def can_read_reports(user: User) -> bool:
    return _has(user, REPORT_READ_ROLES)


def can_edit_reports(user: User) -> bool:
    return _has(user, REPORT_EDIT_ROLES)
