"""python manage.py restore FILE — into the (empty) database that DATABASE_URL names."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from org.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a checksummed dump into an empty database."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            restore(dump=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Restored {file}."))
