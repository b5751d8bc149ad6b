"""Concurrent edits are refused, never silently overwritten.

A record edited in place carries a `version` column: 1 when the row is made, one more on each
save. A save names the version its author saw; the service locks the row (select_for_update)
and refuses the save with a Conflict (answered 409 by the API) when the stored version differs,
so of two people who opened the same version only the first one's save goes through.

The one check lives here; services call `lock_at_version` (or `check_version` when the row is
already locked); the Django admin gets it from org.versioned_admin.VersionedAdmin."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from org.errors import Conflict

M = TypeVar("M", bound=models.Model)

STALE = _("Someone else changed this record meanwhile (now version %(version)s). Reload it and save again.")


def version_field() -> models.PositiveIntegerField:
    """The column. The database default gives 1 to rows made by set-based SQL inserts as well."""
    return models.PositiveIntegerField(_("version"), default=1, db_default=1, editable=False)


def check_version(current: int, expected: int | None, *, message=None) -> None:
    """Refuse a save made against `expected` when `current` is stored (the caller holds the row
    lock). `expected` None: the caller saw no version (a script, the seeder) and is not checked."""
    if expected is not None and int(expected) != current:
        raise Conflict(str(message or STALE) % {"version": current})


def lock_at_version(queryset: models.QuerySet[M] | type[M], *, pk, expected: int | None, message=None) -> M:
    """The row, locked until the transaction ends, if it is still at the version the user saw."""
    manager = queryset._default_manager if isinstance(queryset, type) else queryset
    record = manager.select_for_update().get(pk=pk)
    check_version(record.version, expected, message=message)
    return record
