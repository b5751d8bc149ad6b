"""python manage.py run_compliance [--at "2025-03-01T00:00"] [--unit CODE]"""

from __future__ import annotations

from datetime import datetime

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.compliance import compliance_run
from org.models import Unit


class Command(BaseCommand):
    help = "Evaluate every enabled control rule over all records (or one unit), as of now or a past moment."

    def add_arguments(self, parser):
        parser.add_argument("--at", help="Evaluate as of this moment (ISO 8601, Beijing time unless given).")
        parser.add_argument("--unit", help="Only this unit (its code).")
        parser.add_argument("--bureau", help="The unit's bureau code, when unit codes repeat across bureaus.")

    def handle(self, *args, at: str | None, unit: str | None, bureau: str | None, **options):
        moment = None
        if at:
            try:
                moment = datetime.fromisoformat(at)
            except ValueError as exc:
                raise CommandError(f"--at: {exc}") from exc
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, timezone.get_default_timezone())
        target = None
        if unit:
            units = Unit.objects.filter(code=unit)
            if bureau:
                units = units.filter(bureau__code=bureau)
            if units.count() != 1:
                raise CommandError(f"--unit {unit}: {units.count()} units have this code; name the --bureau.")
            target = units.get()
        with pghistory.context(command="run_compliance"):
            run = compliance_run(at=moment, unit=target)
        seconds = (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        self.stdout.write(
            f"{run.status}: {run.rows_checked} records, {run.findings} findings, {run.alerts_opened} alerts raised, "
            f"{run.alerts_resolved} resolved, {run.recoloured} recoloured in {seconds:.2f} s "
            f"(as of {run.as_of.astimezone(timezone.get_default_timezone()):%Y-%m-%d %H:%M}, {settings.TIME_ZONE})"
        )
        for code, seconds in run.timings.items():
            self.stdout.write(f"  {code}: {seconds:.3f} s")
