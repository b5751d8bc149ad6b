"""Re-encrypting reporters' ID-card and phone numbers under the current key (key rotation).

Runs in small batches, each its own transaction, while the portal keeps working: readers
open either key (the stored value names its key), writers already use the new one, so there
is no downtime. Rows never change content, so the audit trigger of the register and the
append-only guard of its versions are bypassed for these statements only; the rotation itself
is recorded as one security event. The sealed audit trail keeps each row as it was written:
a retired key stays in PORTAL_PII_KEYS (after the current one) for as long as audit rows
under it are retained.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pgtrigger
from django.db import connection, transaction

from org.crypto import decrypt, encrypt, keyring, lookup_hash

# (table, does it carry the lookup hash)
TABLES = (("intake_incident", True), ("intake_incidentversion", False))
CONTENT_ONLY_TRIGGERS = ("intake.Incident:update_update", "intake.IncidentVersion:incident_version_append_only")


@dataclass
class RotationResult:
    rows: int = 0
    values: int = 0


def reencrypt(
    *, batch: int = 5000, rehash: bool = False, progress: Callable[[str, int], None] | None = None
) -> RotationResult:
    """Bring every stored value under the current key (and plaintext left from before
    encryption under encryption). With `rehash`, also recompute every lookup hash (after
    PORTAL_PII_HASH_KEY changed; run it before the next compliance run)."""
    current = keyring().current + "$"
    result = RotationResult()
    for table, has_hash in TABLES:
        # (pgtrigger.ignore adds a positional parameter of its own: no named ones here)
        stale = f"(reporter_id_number <> '' AND left(reporter_id_number, {len(current)}) <> %s)"
        stale += f" OR (reporter_phone <> '' AND left(reporter_phone, {len(current)}) <> %s)"
        if has_hash:
            stale += " OR (reporter_id_number <> '' AND reporter_id_hash = '')"
            if rehash:
                stale += " OR reporter_id_number <> ''"
        last = 0
        while True:
            with transaction.atomic(), pgtrigger.ignore(*CONTENT_ONLY_TRIGGERS), connection.cursor() as cursor:
                cursor.execute(
                    f"""SELECT id, reporter_id_number, reporter_phone FROM {table}
                        WHERE id > %s AND ({stale}) ORDER BY id LIMIT %s""",  # noqa: S608
                    [last, current, current, batch],
                )
                rows = cursor.fetchall()
                if not rows:
                    break
                updates = []
                for pk, id_number, phone in rows:
                    id_plain = decrypt(id_number, purpose="reporter_id_number")
                    phone_plain = decrypt(phone, purpose="reporter_phone")
                    updates.append(
                        (
                            pk,
                            encrypt(id_plain, purpose="reporter_id_number"),
                            encrypt(phone_plain, purpose="reporter_phone"),
                            lookup_hash(id_plain, purpose="reporter_id_number"),
                        )
                    )
                    result.values += bool(id_plain) + bool(phone_plain)
                ids, id_numbers, phones, hashes = (list(column) for column in zip(*updates, strict=True))
                hash_set = ", reporter_id_hash = v.h" if has_hash else ""
                cursor.execute(
                    f"""UPDATE {table} t SET reporter_id_number = v.a, reporter_phone = v.b{hash_set}
                        FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[]) AS v(id, a, b, h)
                        WHERE t.id = v.id""",  # noqa: S608
                    [ids, id_numbers, phones, hashes],
                )
                result.rows += len(rows)
                last = rows[-1][0]
            if progress:
                progress(table, result.rows)
    return result
