"""Who may do what with a report. Scope (which records exist for the user) is org.scope;
these say which roles act on a record they can see."""

from __future__ import annotations

from org.models import Role, UnitKind, User
from org.scope import sees_unit

UNIT_ROLES = (Role.OFFICER, Role.UNIT_LEADER)


def can_log(user: User) -> bool:
    return user.is_authenticated and user.role in UNIT_ROLES and user.unit_id is not None


def _in_scope(user: User, incident) -> bool:
    return sees_unit(user, incident.unit_id, incident.bureau_id)


def can_decide(user: User, incident) -> bool:
    return user.is_authenticated and user.role in UNIT_ROLES and _in_scope(user, incident)


def can_approve(user: User, incident) -> bool:
    return user.is_authenticated and user.role == Role.UNIT_LEADER and _in_scope(user, incident)


def can_import(user: User) -> bool:
    if not user.is_authenticated:
        return False
    if user.role in (Role.ADMIN, Role.SUPERVISOR):
        return True
    return user.role in UNIT_ROLES and user.unit is not None and user.unit.kind == UnitKind.INTAKE_CENTRE
