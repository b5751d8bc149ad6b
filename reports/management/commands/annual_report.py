"""`manage.py annual_report --year 2024 --format docx|pdf --out FILE [--bureau CODE]`:
the year's report from the command line. A published report gives its frozen document
(rebuilt from its snapshot: the same bytes); otherwise today's data with the draft's texts."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from org.models import Bureau
from reports import services
from reports.pdf_writer import FontMissing


class Command(BaseCommand):
    help = "Write the annual rule-of-law report of a year as DOCX or PDF."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["docx", "pdf"], required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--bureau", help="bureau code (default: the only bureau, or PORTAL_BUREAU_CODE)")
        parser.add_argument("--no-refresh", action="store_true", help="use the stored figures as they are")

    def handle(self, *args, year: int, format: str, out: str, bureau: str | None, no_refresh: bool, **options):
        bureaus = Bureau.objects.all()
        if bureau:
            bureaus = bureaus.filter(code=bureau)
        elif bureaus.count() > 1:
            bureaus = bureaus.filter(code=settings.PORTAL_BUREAU_CODE)
        found = list(bureaus[:2])
        if len(found) != 1:
            raise CommandError("Name the bureau with --bureau CODE.")
        snapshot = services.snapshot_for_command(bureau_id=found[0].pk, year=year, refresh=not no_refresh)
        try:
            data = services.render_files(snapshot, formats=(format,))[format]
        except FontMissing as exc:
            raise CommandError(str(exc)) from exc
        Path(out).write_bytes(data)
        self.stdout.write(f"{out}: {len(data)} bytes")
