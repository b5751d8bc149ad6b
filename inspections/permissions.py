"""Who may act on what they can see (scope itself is org.scope and the selectors)."""

from __future__ import annotations

from org.models import BUREAU_WIDE_ROLES, Role, User
from org.scope import sees_unit

UNIT_ROLES = (Role.OFFICER, Role.UNIT_LEADER)
INSPECTOR_ROLES = (Role.LEGAL_OFFICER, Role.SUPERVISOR, Role.ADMIN)
SUPERVISION_ROLES = (Role.SUPERVISOR, Role.ADMIN)
EVALUATION_ROLES = (Role.UNIT_LEADER, Role.LEGAL_OFFICER, Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)
COMMITTEE_ROLES = (Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def can_inspect(user: User) -> bool:
    """Record findings (legal officers in their units, or elsewhere as a cross-inspection)."""
    return _active(user) and user.role in INSPECTOR_ROLES


def can_inspect_unit(user: User, unit_id: int, bureau_id: int, *, cross: bool = False) -> bool:
    if not can_inspect(user) or bureau_id != user.bureau_id:
        return False
    if user.role == Role.LEGAL_OFFICER and not cross:
        return sees_unit(user, unit_id, bureau_id)
    # A cross-inspection is one unit's legal officer inspecting another: never their own unit.
    return not (cross and user.unit_id == unit_id)


def can_answer(user: User, order) -> bool:
    return (
        _active(user)
        and user.role in UNIT_ROLES
        and user.unit_id == order.unit_id
        and user.bureau_id == order.bureau_id
    )


def can_check(user: User, order) -> bool:
    """Return, verify and close: an inspector who sees the unit or found the problem, never of the unit itself."""
    if not can_inspect(user) or order.bureau_id != user.bureau_id or user.unit_id == order.unit_id:
        return False
    return sees_unit(user, order.unit_id, order.bureau_id) or order.finding.inspector_id == user.pk


def can_supervise(user: User) -> bool:
    """Accountability, notices, exclusions from scoring, the roster and the committee's choices."""
    return _active(user) and (user.role in SUPERVISION_ROLES or user.is_superuser)


def can_see_evaluations(user: User) -> bool:
    return _active(user) and user.role in EVALUATION_ROLES


def can_see_committee(user: User) -> bool:
    return _active(user) and user.role in COMMITTEE_ROLES


def sees_whole_bureau(user: User) -> bool:
    return _active(user) and (user.role in BUREAU_WIDE_ROLES or user.is_superuser)
