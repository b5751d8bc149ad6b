"""python manage.py generate_pii_key: a new random key for PORTAL_PII_KEYS or PORTAL_PII_HASH_KEY."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from org.crypto import generate_key


class Command(BaseCommand):
    help = "Print a new random 256-bit key (base64). Keep it out of the database and of backups."

    def handle(self, *args, **options):
        self.stdout.write(generate_key())
