"""Scope per role (DESIGN §1), on the selectors, the pages and the API."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from org.models import Unit
from org.scope import sees_unit
from org.selectors import assignments_for, officers_for, units_for
from org.tests.factories import AssignmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

EXPECTED_UNITS = {
    "officer": {"PA"},
    "leader": {"PA"},
    "legal_officer": {"PA"},
    "supervisor": {"PA", "PB", "FZ"},
    "leadership": {"PA", "PB", "FZ"},
    "admin": {"PA", "PB", "FZ"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED_UNITS))
def test_each_role_sees_exactly_its_units(bureau, who):
    user = getattr(bureau, who)
    assert {u.code for u in units_for(user)} == EXPECTED_UNITS[who]


@pytest.mark.parametrize("who", sorted(EXPECTED_UNITS))
def test_officer_list_follows_unit_scope(bureau, who):
    user = getattr(bureau, who)
    seen_units = {o.unit.code for o in officers_for(user)}
    assert seen_units <= EXPECTED_UNITS[who]
    assert bureau.foreign_officer not in officers_for(user)


def test_supervisor_of_another_bureau_sees_none_of_ours(bureau):
    assert bureau.station_a not in units_for(bureau.foreign_officer)
    assert not officers_for(bureau.foreign_officer).filter(bureau=bureau.station_a.bureau).exists()


@pytest.mark.parametrize("who", [*sorted(EXPECTED_UNITS), "foreign_officer"])
def test_the_one_unit_check_agrees_with_the_unit_list(bureau, who):
    user = getattr(bureau, who)
    for unit in Unit.objects.all():
        assert sees_unit(user, unit.pk, unit.bureau_id) == units_for(user).filter(pk=unit.pk).exists(), unit
    user.is_active = False
    assert not any(sees_unit(user, unit.pk, unit.bureau_id) for unit in Unit.objects.all())


def test_legal_officer_scope_follows_rotation(bureau):
    # given the legal officer rotates from station A to station B on 1 July 2025
    first = bureau.legal_officer.assignments.get()
    first.end_date = date(2025, 6, 30)
    first.save()
    AssignmentFactory(officer=bureau.legal_officer, unit=bureau.station_b, start_date=date(2025, 7, 1))
    # then before the rotation they see A, after it B; the history keeps both
    with time_machine.travel(date(2025, 6, 30)):
        assert {u.code for u in units_for(bureau.legal_officer)} == {"PA"}
    with time_machine.travel(date(2025, 7, 1)):
        assert {u.code for u in units_for(bureau.legal_officer)} == {"PB"}
    assert assignments_for(bureau.supervisor).filter(officer=bureau.legal_officer).count() == 2


def test_legal_officer_without_current_assignment_sees_nothing(bureau):
    bureau.legal_officer.assignments.update(end_date=date(2020, 1, 1), start_date=date(2019, 1, 1))
    assert not units_for(bureau.legal_officer).exists()


def test_inactive_user_sees_nothing(bureau):
    bureau.supervisor.is_active = False
    assert not units_for(bureau.supervisor).exists()


@pytest.mark.parametrize(
    "who,status",
    [("officer", 404), ("leader", 404), ("legal_officer", 404), ("supervisor", 200), ("leadership", 200)],
)
def test_api_detail_of_an_out_of_scope_unit(client, bureau, who, status):
    client.force_login(getattr(bureau, who))
    response = client.get(f"/api/v1/units/{bureau.station_b.pk}/")
    assert response.status_code == status


@pytest.mark.parametrize("who", ["officer", "leader", "legal_officer", "supervisor", "leadership", "admin"])
def test_api_officer_detail_in_another_bureau_is_not_found(client, bureau, who):
    client.force_login(getattr(bureau, who))
    assert client.get(f"/api/v1/officers/{bureau.foreign_officer.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["officer", "leader", "legal_officer", "supervisor", "leadership", "admin"])
def test_api_unit_list_matches_selector(client, bureau, who):
    client.force_login(getattr(bureau, who))
    codes = {row["code"] for row in client.get("/api/v1/units/").json()["results"]}
    assert codes == EXPECTED_UNITS[who]


def test_history_page_of_out_of_scope_unit_is_not_found(client, bureau):
    client.force_login(bureau.legal_officer)
    assert client.get(f"/org/history/org.unit/{bureau.station_a.pk}/").status_code == 200
    assert client.get(f"/org/history/org.unit/{bureau.station_b.pk}/").status_code == 404


def test_history_page_is_for_supervisors_only(client, bureau):
    client.force_login(bureau.officer)
    assert client.get(f"/org/history/org.unit/{bureau.station_a.pk}/").status_code == 403


def test_officer_page_lists_only_own_unit(client, bureau):
    client.force_login(bureau.officer)
    page = client.get("/org/officers/").content.decode()
    assert bureau.leader.name in page
    assert bureau.other_officer.name not in page


def test_anonymous_api_is_refused(client, bureau):
    assert client.get("/api/v1/units/").status_code == 401


def test_new_unit_in_bureau_is_visible_to_supervisor_not_officer(bureau):
    unit = UnitFactory(bureau=bureau.station_a.bureau, code="PC")
    assert unit in units_for(bureau.supervisor)
    assert unit not in units_for(bureau.officer)
