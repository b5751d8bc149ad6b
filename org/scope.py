"""Who sees what (DESIGN §1). Every list, detail, export, API view and report
starts from a `…_for(user)` selector that calls `scoped()` here, so the rule is
written once: officer and unit leader → own unit; stationed legal officer →
units assigned today; legal supervisor, leadership, admin → the whole bureau.
An object outside the result is not found (404), never "forbidden"."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet
from django.utils import timezone

from org.models import BUREAU_WIDE_ROLES, LegalOfficerAssignment, Role, Unit, User


def assigned_unit_ids(user: User, *, on: date | None = None) -> QuerySet:
    """Ids of the units a legal officer is assigned to on a day (today by default)."""
    on = on or timezone.localdate()
    return (
        LegalOfficerAssignment.objects.filter(officer=user, bureau_id=user.bureau_id, start_date__lte=on)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=on))
        .values("unit_id")
    )


def visible_unit_ids(user) -> QuerySet:
    """A subquery of the ids of the units `user` may see."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Unit.objects.none().values("id")
    units = Unit.objects.filter(bureau_id=user.bureau_id)
    if user.role in BUREAU_WIDE_ROLES or user.is_superuser:
        return units.values("id")
    if user.role == Role.LEGAL_OFFICER:
        return units.filter(id__in=assigned_unit_ids(user)).values("id")
    return units.filter(id=user.unit_id).values("id")


def sees_unit(user, unit_id: int, bureau_id: int) -> bool:
    """Whether the unit `unit_id` of bureau `bureau_id` is among `visible_unit_ids(user)`: the same
    rule, answered without a query for every role but the legal officer (whose units depend on
    today's assignments). Each desk save asks it."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or bureau_id != user.bureau_id:
        return False
    if user.role in BUREAU_WIDE_ROLES or user.is_superuser:
        return True
    if user.role == Role.LEGAL_OFFICER:
        return assigned_unit_ids(user).filter(unit_id=unit_id).exists()
    return unit_id == user.unit_id


def scoped(queryset: QuerySet, user, *, unit_field: str = "unit") -> QuerySet:
    """Restrict a queryset of bureau-owned rows to what `user` may see.

    The bureau filter comes first so that a province-wide (distributed)
    database can route the query to one shard.
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    queryset = queryset.filter(bureau_id=user.bureau_id)
    # The rule of visible_unit_ids, written as the plainest filter for each role: only a legal
    # officer's units need a subquery (every desk save and list page runs through here).
    if user.role in BUREAU_WIDE_ROLES or user.is_superuser:
        return queryset.filter(**{f"{unit_field}__isnull": False})
    if user.role == Role.LEGAL_OFFICER:
        return queryset.filter(**{f"{unit_field}__in": visible_unit_ids(user)})
    if user.unit_id is None:
        return queryset.none()
    return queryset.filter(**{unit_field: user.unit_id})
