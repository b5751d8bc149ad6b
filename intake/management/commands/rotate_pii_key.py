"""python manage.py rotate_pii_key: re-encrypt reporters' ID and phone numbers under the current key."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from intake.pii import reencrypt
from org.crypto import keyring
from org.models import SecurityEvent, SecurityEventKind


class Command(BaseCommand):
    help = (
        "Put a new key first in PORTAL_PII_KEYS (keep the old one after it), restart the portal, then run this: "
        "every stored value is re-encrypted under the new key in small transactions, without downtime. "
        "--rehash also recomputes the lookup hashes after PORTAL_PII_HASH_KEY changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=5000, help="rows per transaction")
        parser.add_argument("--rehash", action="store_true", help="recompute every ID-number lookup hash")

    def handle(self, *args, batch: int, rehash: bool, **options):
        current = keyring().current
        result = reencrypt(
            batch=batch, rehash=rehash, progress=lambda table, rows: self.stdout.write(f"  {table}: {rows} rows")
        )
        SecurityEvent.objects.create(
            kind=SecurityEventKind.KEY_ROTATION,
            username="manage.py",
            detail={"key": current, "rows": result.rows, "values": result.values, "rehash": rehash},
        )
        self.stdout.write(
            self.style.SUCCESS(f"{result.rows} rows ({result.values} values) are now under key {current}.")
        )
