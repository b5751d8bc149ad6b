"""Shared fixtures: a small bureau with one user per role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from org.models import Role, Unit, UnitKind, User
from org.tests.factories import AssignmentFactory, BureauFactory, UnitFactory, UserFactory

PASSWORD = "Correct-horse-42"


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
def bureau(db) -> Bureau:
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
