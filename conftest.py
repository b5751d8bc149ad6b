"""Shared fixtures: a small bureau with one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from org.models import Role, Unit, UnitKind, User
from org.tests.factories import AssignmentFactory, BureauFactory, UnitFactory, UserFactory

PASSWORD = "Correct-horse-42"


@pytest.fixture(autouse=True)
def _second_factor_with_force_login(monkeypatch, settings):
    """force_login skips the login form, and so the second factor: a test that is not about
    two-factor login signs users of two-factor roles in as verified (tests/test_twofactor.py
    goes through the real pages)."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.role in settings.PORTAL_TWO_FACTOR_ROLES:
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """A transactional test (the browser tests) empties every table when it ends, the rows of
    data migrations too; put the reference data back for the tests that follow."""
    yield
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or (marker and marker.kwargs.get("transaction")):
        from org import reference

        with django_db_blocker.unblock():
            reference.ensure_all()


@pytest.fixture(autouse=True)
def _default_language():
    """A request in English (LocaleMiddleware) leaves English active in the thread; each test
    starts, and ends, in the site's language so none depends on the one before it."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 at full strength costs ~0.3 s a user; the tests are about scope, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Bureau:
    station_a: Unit
    station_b: Unit
    legal: Unit
    officer: User
    other_officer: User
    leader: User
    legal_officer: User
    supervisor: User
    leadership: User
    admin: User
    foreign_officer: User  # same role, another bureau


@pytest.fixture
def seals_at_once(db) -> None:
    """The test's transaction never commits, so its audit seals would stay pending (they are
    linked into the chain at commit, org/auditseal.py): link each at its statement instead."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS portal_audit_link IMMEDIATE")


@pytest.fixture
def bureau(db) -> Bureau:
    return make_bureau()


def make_bureau() -> Bureau:
    """The `bureau` fixture's rows, for a module-scoped setup that cannot use the fixture."""
    home = BureauFactory(code="330001", name="甲县公安局")
    station_a = UnitFactory(bureau=home, code="PA", name="城关派出所")
    station_b = UnitFactory(bureau=home, code="PB", name="城东派出所")
    legal = UnitFactory(bureau=home, code="FZ", name="法制大队", kind=UnitKind.LEGAL)
    legal_officer = UserFactory(unit=legal, role=Role.LEGAL_OFFICER, name="法制员")
    AssignmentFactory(officer=legal_officer, unit=station_a)
    foreign = UnitFactory(bureau=BureauFactory(code="330002", name="乙县公安局"), code="PA", name="乙县城关派出所")
    return Bureau(
        station_a=station_a,
        station_b=station_b,
        legal=legal,
        officer=UserFactory(unit=station_a, role=Role.OFFICER, name="甲民警"),
        other_officer=UserFactory(unit=station_b, role=Role.OFFICER, name="乙民警"),
        leader=UserFactory(unit=station_a, role=Role.UNIT_LEADER, name="所长"),
        legal_officer=legal_officer,
        supervisor=UserFactory(unit=legal, role=Role.SUPERVISOR, name="监督员"),
        leadership=UserFactory(unit=None, role=Role.LEADERSHIP, bureau=home, name="局长"),
        admin=UserFactory(unit=None, role=Role.ADMIN, bureau=home, name="管理员", is_staff=True, is_superuser=True),
        foreign_officer=UserFactory(unit=foreign, role=Role.SUPERVISOR, name="外县监督员"),
    )
