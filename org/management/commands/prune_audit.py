"""python manage.py prune_audit [--older-than-months N] [--yes] [--dir FOLDER]"""

from __future__ import annotations

import getpass
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from org.auditretention import MIN_MONTHS, RetentionError, prune


class Command(BaseCommand):
    help = (
        f"Archive the audit trail older than N months (at least {MIN_MONTHS}; default "
        "PORTAL_AUDIT_RETENTION_MONTHS) to a checksummed file, then remove it from the database. "
        "Without --yes, only shows what would be archived and removed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than-months", type=int, help="default: PORTAL_AUDIT_RETENTION_MONTHS")
        parser.add_argument("--yes", action="store_true", help="archive and prune (without it: a dry run)")
        parser.add_argument("--dir", type=Path, help="folder for the archive (default: PORTAL_AUDIT_ARCHIVE_DIR)")

    def handle(self, *args, older_than_months: int | None, yes: bool, dir: Path | None, **options):
        months = older_than_months if older_than_months is not None else settings.PORTAL_AUDIT_RETENTION_MONTHS
        if months is None:
            raise CommandError(
                "Audit retention is not configured: nothing is pruned. "
                "Give --older-than-months or set PORTAL_AUDIT_RETENTION_MONTHS."
            )
        folder = Path(dir or settings.PORTAL_AUDIT_ARCHIVE_DIR)
        try:
            result = prune(older_than_months=months, folder=folder, by=f"manage.py ({_user()})", dry_run=not yes)
        except RetentionError as exc:
            raise CommandError(str(exc)) from exc

        cutoff = timezone.localtime(result.cutoff)
        self.stdout.write(f"Cutoff: audit sealed before {cutoff:%Y-%m-%d %H:%M} ({months} months).")
        if not result.seals:
            self.stdout.write(self.style.SUCCESS("Nothing is older than the cutoff: nothing to archive or prune."))
            return
        verb = "Archived and removed" if yes else "Would archive and remove"
        self.stdout.write(
            f"{verb} {result.seals} seals and {result.rows} audit rows, up to seal {result.anchor_seal_id}:"
        )
        for table, counts in result.tables.items():
            self.stdout.write(f"  {table}: {counts['seals']} seals, {counts['rows']} rows")
        if not yes:
            self.stdout.write(
                self.style.WARNING(f"Dry run: nothing changed. Run again with --yes to archive to {folder} and prune.")
            )
            return
        self.stdout.write(self.style.SUCCESS(f"Archive written: {result.path} (+ .sha256, {result.sha256})"))
        self.stdout.write(f"Anchor: seal {result.anchor_seal_id}, hash {result.anchor_hash}")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        return "unknown user"
