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
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from org.crypto import DecryptionError, EncryptedCharField, LookupHashField, decrypt
from org.masking import mask_id_card, mask_phone
from org.models import User

_registry: dict[str, Callable[[User], QuerySet]] = {}


def register(model: type[models.Model], selector: Callable[[User], QuerySet]) -> None:
    _registry[model._meta.label_lower] = selector


def attach_context(cursor) -> None:
    """Before a COPY: COPY does not pass through Django's execute wrappers, where pghistory sets
    the current context (user, task, command) for the transaction, so the audit rows of the
    loaded records would name no one. Any statement other than a SELECT through Django's cursor
    sets it (transaction-local); this one changes nothing else. Call it inside the transaction."""
    cursor.execute("SET LOCAL portal.bulk_load = 'on'")


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
    readable = _Readable(events, fields)
    entries = []
    for event in events:
        context = event.pgh_context or {}
        user_id = context.get("user")
        actor = actors.get(str(user_id)) if user_id else None
        actor = actor or context.get("task") or context.get("command") or "—"
        diff = event.pgh_diff or {}
        # an insert, or the row as it stood when its table began to be audited (org/audit_baseline.py)
        if not diff and event.pgh_label in ("insert", "baseline"):
            diff = {key: [None, value] for key, value in (event.pgh_data or {}).items()}
        changes = [
            (str(fields[key].verbose_name) if key in fields else key, readable(key, before), readable(key, after))
            for key, (before, after) in sorted(diff.items())
            # a keyed hash says nothing to a reader and helps a guesser: never shown
            if not isinstance(fields.get(key), LookupHashField)
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


class _Readable:
    """Stored values as a person reads them: a choice's label, 是/否, the related record's name
    (one query per related model), local time, and personal identifiers decrypted and masked
    as on the record's page (the trail itself holds only ciphertext)."""

    def __init__(self, events, fields: dict[str, models.Field]):
        ids: dict[models.Field, set] = {}
        for event in events:
            for key, pair in (event.pgh_diff or {}).items():
                self._collect(ids, fields.get(key), pair)
            if event.pgh_label in ("insert", "baseline"):
                for key, value in (event.pgh_data or {}).items():
                    self._collect(ids, fields.get(key), [value])
        self.fields = fields
        self.names: dict[models.Field, dict[str, str]] = {}
        for field, pks in ids.items():
            related = field.related_model._base_manager.filter(pk__in=pks)
            self.names[field] = {str(row.pk): str(row) for row in related}

    @staticmethod
    def _collect(ids, field, values) -> None:
        if field is not None and field.is_relation and field.many_to_one:
            ids.setdefault(field, set()).update(v for v in values if v is not None)

    def __call__(self, key: str, value):
        field = self.fields.get(key)
        if value is None or value == "" or field is None:
            return value
        if field.is_relation and field.many_to_one:
            return self.names.get(field, {}).get(str(value), f"#{value}")
        if isinstance(field, EncryptedCharField):
            try:
                plain = decrypt(str(value), purpose=field.purpose)
            except DecryptionError:
                return _("(encrypted)")
            return mask_phone(plain) if "phone" in field.name else mask_id_card(plain)
        if field.flatchoices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(field, models.BooleanField):
            return _("Yes") if value else _("No")
        if isinstance(field, models.DateTimeField) and isinstance(value, str):
            moment = parse_datetime(value)
            if moment is not None:
                return date_format(timezone.localtime(moment), "Y-m-d H:i:s")
        return value
