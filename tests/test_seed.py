"""seed_demo is deterministic for a seed and gives a realistic bureau."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cases.models import Case
from inspections.models import Finding
from intake.models import Incident
from org.audit import history
from org.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from org.models import Bureau, LegalOfficerAssignment, Role, Unit, UnitKind, User
from training.models import Qualification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # The demo seeds evidence files of findings: to a throw-away directory.
    settings.MEDIA_ROOT = tmp_path / "media"


def snapshot() -> list[tuple]:
    officers = User.objects.order_by("police_number").values_list(
        "police_number", "name", "unit__code", "rank", "role", "hire_date", "is_auxiliary"
    )
    assignments = LegalOfficerAssignment.objects.order_by("unit__code", "start_date").values_list(
        "officer__police_number", "unit__code", "start_date", "end_date"
    )
    incidents = Incident.objects.order_by("number").values_list(
        "number", "received_at", "channel", "category", "reporter_name", "summary", "disposition", "amount"
    )
    # Seeded after the spot tests, whose draws depend on database ids: the same in any database.
    qualifications = Qualification.objects.order_by("officer__police_number", "kind").values_list(
        "officer__police_number", "kind", "obtained_on", "expires_on", "certificate_number"
    )
    # Findings come from alerts picked in an order of the records, not of the ids.
    findings = Finding.objects.order_by("found_at", "unit__code", "category__code", "incident__number").values_list(
        "found_at", "unit__code", "category__code", "incident__number", "severity", "source", "description"
    )
    return [*officers, *assignments, *incidents, *qualifications, *findings]


class _Rollback(Exception):
    pass


def seeded(seed: int) -> list[tuple]:
    """Seed inside a transaction, take a snapshot, and roll it all back."""
    try:
        with transaction.atomic():
            call_command("seed_demo", "--seed", str(seed), "--year", "2024", "--incidents", "300")
            taken = snapshot()
            raise _Rollback
    except _Rollback:
        return taken


def test_same_seed_gives_the_same_bureau():
    first = seeded(7)
    assert len(first) > 300
    assert seeded(7) == first
    assert seeded(8) != first


def test_demo_bureau_is_realistic():
    call_command("seed_demo", "--seed", "1", "--year", "2024", "--incidents", "0")
    kinds = list(Unit.objects.values_list("kind", flat=True))
    assert kinds.count(UnitKind.INTAKE_CENTRE) == 1
    assert kinds.count(UnitKind.CASE_CENTRE) == 1
    assert kinds.count(UnitKind.STATION) + kinds.count(UnitKind.BRIGADE) == 18
    officers = User.objects.filter(role=Role.OFFICER, is_auxiliary=False)
    # many within three years of joining (hire dates are relative to the seeded year's end)
    recent = officers.filter(hire_date__gt=date(2021, 12, 31)).count()
    assert officers.count() * 0.2 < recent < officers.count() * 0.6
    # every case-handling unit has a stationed legal officer this year and a past one
    handling = Unit.objects.filter(kind__in=[UnitKind.STATION, UnitKind.BRIGADE])
    for unit in handling:
        assert unit.assignments.filter(end_date__isnull=True).count() == 1
        assert unit.assignments.filter(end_date__isnull=False).count() == 1


def test_demo_accounts_can_log_in_and_others_cannot(client):
    call_command("seed_demo", "--seed", "1", "--incidents", "0")
    for number, role in DEMO_ACCOUNTS:
        user = User.objects.get(police_number=number)
        assert user.role == role and user.check_password(DEMO_PASSWORD)
    assert (
        not User.objects.exclude(police_number__in=[n for n, _ in DEMO_ACCOUNTS])
        .filter(password__startswith="pbkdf2")
        .exists()
    )


def test_seeding_twice_is_refused_unless_asked_to_skip():
    call_command("seed_demo", "--seed", "1", "--incidents", "0")
    with pytest.raises(CommandError):
        call_command("seed_demo", "--seed", "1", "--incidents", "0")
    call_command("seed_demo", "--if-empty")  # make run's second start: nothing to do, no error
    assert Bureau.objects.count() == 1


def test_demo_accounts_of_two_factor_roles_have_a_working_demo_authenticator():
    import io
    import re

    from django_otp.plugins.otp_totp.models import TOTPDevice

    call_command("seed_demo", "--seed", "1", "--incidents", "0")
    out = io.StringIO()
    call_command("demo_otp", "100310", stdout=out)
    code = re.search(r"code: (\d{6})", out.getvalue()).group(1)
    assert TOTPDevice.objects.get(user__police_number="100310").verify_token(code)
    with pytest.raises(CommandError):
        call_command("demo_otp", "100101")  # an officer has no second factor


@pytest.mark.django_db(transaction=True)
def test_seeded_records_name_the_seeding_command_in_their_history():
    # given a demo bureau loaded with COPY (incidents, cases), which bypasses Django's cursor,
    # each app's seeder in its own transaction as in a real run (not inside the test's)
    call_command("seed_demo", "--seed", "1", "--year", "2024", "--incidents", "200")

    # then each record's creation is attributed to seed_demo, not to no one
    for record in (Incident.objects.order_by("pk").first(), Case.objects.order_by("pk").first()):
        created = history(record)[0]
        assert (created.label, created.actor) == ("insert", "seed_demo")


def test_each_stage_closes_its_progress_bars_before_the_next_stage(monkeypatch):
    from tqdm import tqdm

    from org.management.commands import seed_demo

    events: list[tuple[str, str]] = []

    class Recording(tqdm):
        def __init__(self, *args, **kwargs):
            events.append(("open", kwargs["desc"]))
            super().__init__(*args, **kwargs)

        def close(self):
            if not self.disable:
                events.append(("close", self.desc))
            super().close()

    monkeypatch.setattr(seed_demo, "tqdm", Recording)

    class Stages:
        def write(self, text: str) -> None:
            if text.startswith("seeded "):
                events.append(("stage", text.strip()))

        def flush(self) -> None:
            pass

    call_command("seed_demo", "--seed", "1", "--year", "2024", "--incidents", "50", stdout=Stages())
    # when a stage ends, its bars are closed: none lingers at 0 % while the next stages run
    open_bars: set[str] = set()
    for kind, label in events:
        if kind == "open":
            open_bars.add(label)
        elif kind == "close":
            open_bars.discard(label)
        else:
            assert not open_bars, (label, open_bars)
    assert any(kind == "open" for kind, _ in events)
