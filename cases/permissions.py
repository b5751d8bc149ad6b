"""Who may act on a case or an alert they can see (scope itself is org.scope)."""

from __future__ import annotations

from org.models import Role, User
from org.scope import sees_unit

UNIT_ROLES = (Role.OFFICER, Role.UNIT_LEADER)
REVIEW_ROLES = (Role.LEGAL_OFFICER, Role.SUPERVISOR, Role.ADMIN)


def can_enter_steps(user: User, unit_id: int, bureau_id: int) -> bool:
    return user.is_authenticated and user.role in UNIT_ROLES and user.unit_id == unit_id and user.bureau_id == bureau_id


def can_review_steps(user: User, unit_id: int, bureau_id: int) -> bool:
    return (
        user.is_authenticated
        and user.role == Role.UNIT_LEADER
        and user.unit_id == unit_id
        and user.bureau_id == bureau_id
    )


def can_review_alerts(user: User, alert=None) -> bool:
    if not user.is_authenticated or user.role not in REVIEW_ROLES:
        return False
    return alert is None or sees_unit(user, alert.unit_id, alert.bureau_id)
