"""python manage.py verify_audit: recheck the hash chain over the whole audit trail."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from org import auditseal


class Command(BaseCommand):
    help = "Recompute every audit seal and its link; name the first broken one."

    def handle(self, *args, **options):
        checked, broken = auditseal.verify()
        if broken:
            raise CommandError(f"Audit chain broken at seal {broken.seal_id} ({broken.source}): {broken.problem}.")
        anchor_id, _hash = auditseal.anchor()
        since = f" after the archive anchor (seal {anchor_id})" if anchor_id else ""
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {checked} seals checked{since}."))
