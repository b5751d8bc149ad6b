"""python manage.py import_incidents FILE [--by POLICE_NUMBER]"""

from __future__ import annotations

from pathlib import Path

import pghistory
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from intake.importing import ImportFileError, ImportInterrupted, import_incidents
from org.models import User


class Command(BaseCommand):
    help = "Import a dispatch export (CSV or .xlsx); invalid rows are listed, nothing is imported twice."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--by", help="police number of the officer the import is recorded for (default: an admin)")
        parser.add_argument("--errors", type=Path, help="write the refused rows to this CSV file")

    def handle(self, *args, file: Path, by: str | None, errors: Path | None, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        user = User.objects.filter(police_number=by).first() if by else User.objects.filter(role="admin").first()
        if user is None:
            raise CommandError("No such officer." if by else "No administrator account to record the import for.")
        bar = tqdm(total=100, desc="import", unit="%", file=self.stderr._out)

        def progress(phase: str, fraction: float) -> None:
            bar.set_description(phase)
            bar.update(max(0, round(fraction * 100) - bar.n))

        try:
            with pghistory.context(command="import_incidents", user=user.pk):
                result = import_incidents(
                    path=file, bureau_id=user.bureau_id, by=user, default_unit_id=user.unit_id, progress=progress
                )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        except ImportInterrupted as exc:
            raise CommandError(
                f"Loading stopped after {exc.loaded} rows were saved ({exc.__cause__!r}). "
                "Run the same import again to load the rest: the rows already saved are skipped."
            ) from exc
        finally:
            bar.close()
        self.stdout.write(
            f"{result.rows_total} rows: {result.rows_loaded} loaded, {result.rows_skipped} already imported, "
            f"{result.rows_invalid} refused"
        )
        self.stdout.write("seconds: " + ", ".join(f"{phase} {s:.1f}" for phase, s in result.timings.items()))
        for row, dispatch_id, reason in result.errors[:20]:
            self.stdout.write(f"  line {row} {dispatch_id}: {reason}")
        if errors and result.errors:
            import csv

            with errors.open("w", newline="", encoding="utf-8-sig") as f:
                writer = csv.writer(f)
                writer.writerow(["行号", "接警编号", "原因"])
                writer.writerows(result.errors)
            self.stdout.write(f"refused rows written to {errors}")
        if result.rows_invalid:
            raise CommandError(f"{result.rows_invalid} rows were refused (see above).", returncode=2)
