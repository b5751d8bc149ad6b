"""python manage.py backup [--dir FOLDER]"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.backup import BackupError, backup


class Command(BaseCommand):
    help = "Dump the database (pg_dump custom format) with a SHA-256 checksum beside it."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="folder for the dump (default: PORTAL_BACKUP_DIR)")

    def handle(self, *args, dir: Path | None = None, **options):
        try:
            path = backup(folder=dir)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path} (+ .sha256)"))
