"""python manage.py seed_demo [--year 2024] [--incidents N] [--seed S]"""

from __future__ import annotations

import random

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from org import reference
from org.demo import DEMO_ACCOUNTS, DEMO_BUREAU_CODE, DEMO_PASSWORD, DemoContext, seeders
from org.models import Bureau, User


class Command(BaseCommand):
    help = "Fill an empty database with a realistic demo bureau (deterministic for a seed)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1)
        parser.add_argument("--incidents", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=2024)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing (and succeed) when demo data already exists."
        )

    def handle(self, *args, year: int, incidents: int, seed: int, if_empty: bool, **options):
        if incidents < 0:
            raise CommandError("--incidents must be zero or more.")
        if Bureau.objects.filter(code=DEMO_BUREAU_CODE).exists():
            if if_empty:
                self.stdout.write("Demo data already present; nothing to do.")
                self._print_accounts()
                return
            raise CommandError("The demo bureau already exists in this database. Seed an empty database.")

        bars: dict[str, tqdm] = {}

        def progress(label: str, done: int, total: int) -> None:
            bar = bars.get(label)
            if bar is None or bar.disable:  # tqdm marks a closed bar disabled
                bar = bars[label] = tqdm(total=total, desc=label, unit="rows", file=self.stderr._out)
            bar.update(done - bar.n)

        reference.ensure_all()  # rules, calendar, categories: present even in a hand-made database
        ctx = DemoContext(rng=random.Random(seed), year=year, incidents=incidents, progress=progress)
        with pghistory.context(command="seed_demo"):
            for _order, name, seeder in seeders():
                with transaction.atomic():
                    seeder(ctx)
                # A finished stage's bars stop here: left open they showed 0 % and a rate that
                # kept falling while the later stages ran.
                for bar in bars.values():
                    bar.close()
                self.stdout.write(f"seeded {name}")
        # Fresh statistics for every table just filled, so the first requests are planned on the
        # real sizes instead of waiting for autovacuum (a one-row check planned as a scan of all).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        for bar in bars.values():
            bar.close()
        self._print_accounts()

    def _print_accounts(self) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password for all: {DEMO_PASSWORD}):"))
        users = {u.police_number: u for u in User.objects.filter(police_number__in=[n for n, _ in DEMO_ACCOUNTS])}
        two_factor = []
        for number, role in DEMO_ACCOUNTS:
            user = users.get(number)
            if user:
                unit = user.unit.name if user.unit else ""
                mark = " *" if role in settings.PORTAL_TWO_FACTOR_ROLES else ""
                self.stdout.write(f"  {number}  {user.get_role_display():<8} {user.name} {unit}{mark}")
                if mark:
                    two_factor.append(number)
        if two_factor:
            self.stdout.write(
                "  * two-factor login: the 6-digit code is printed by `.venv/bin/python manage.py demo_otp "
                f"{two_factor[0]}` (or add the key it prints to an authenticator app)"
            )
