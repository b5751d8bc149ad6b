"""The audit trail, written by database triggers (django-pghistory), read here.

Apps register each audited model with the selector that scopes it, so the
history page shows a record's history only to users who may see the record.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pghistory.models
from django.db import models
from django.db.models import QuerySet

from org.models import User

_registry: dict[str, Callable[[User], QuerySet]] = {}


def register(model: type[models.Model], selector: Callable[[User], QuerySet]) -> None:
    _registry[model._meta.label_lower] = selector


def selector_for(label: str) -> Callable[[User], QuerySet] | None:
    return _registry.get(label.lower())


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    label: str
    actor: str
    where: str
    changes: list[tuple[str, object, object]]


def history(obj: models.Model) -> list[HistoryEntry]:
    """Every insert, update and delete of `obj`, oldest first, with who and what changed."""
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id"))
    actor_ids = {e.pgh_context.get("user") for e in events if e.pgh_context and e.pgh_context.get("user")}
    actors = {str(u.pk): str(u) for u in User.objects.filter(pk__in=actor_ids)}
    fields = {f.attname: f for f in obj._meta.concrete_fields}
    fields.update({f.name: f for f in obj._meta.concrete_fields})
    entries = []
    for event in events:
        context = event.pgh_context or {}
        user_id = context.get("user")
        actor = actors.get(str(user_id)) if user_id else None
        actor = actor or context.get("task") or context.get("command") or "—"
        diff = event.pgh_diff or {}
        if not diff and event.pgh_label == "insert":
            diff = {key: [None, value] for key, value in (event.pgh_data or {}).items()}
        changes = [
            (str(fields[key].verbose_name) if key in fields else key, before, after)
            for key, (before, after) in sorted(diff.items())
        ]
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                label=event.pgh_label,
                actor=actor,
                where=context.get("url") or "",
                changes=changes,
            )
        )
    return entries
