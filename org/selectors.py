"""Reads of the organisation, already scoped."""

from __future__ import annotations

from django.db.models import QuerySet

from org.models import LegalOfficerAssignment, Unit, User
from org.scope import scoped


def units_for(user: User) -> QuerySet[Unit]:
    return scoped(Unit.objects.all(), user, unit_field="id")


def officers_for(user: User) -> QuerySet[User]:
    return scoped(User.objects.select_related("unit"), user)


def assignments_for(user: User) -> QuerySet[LegalOfficerAssignment]:
    return scoped(LegalOfficerAssignment.objects.select_related("officer", "unit"), user)
