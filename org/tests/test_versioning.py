"""Concurrent edits are refused, never silently overwritten: the one check (org.versioning), and
the admin's change forms of org's records (the other apps': tests/test_versioned_admin.py)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from org.errors import Conflict
from org.models import LegalOfficerAssignment, Role
from org.tests.admin_forms import change_form_data
from org.tests.factories import UserFactory
from org.versioning import check_version


def test_a_save_against_the_version_stored_passes_and_any_other_is_refused():
    check_version(3, 3)
    check_version(3, None)  # a caller that saw no version (a script) is not checked
    with pytest.raises(Conflict) as refused:
        check_version(4, 3)
    assert str(refused.value) == "此记录已被他人修改（现为第4版），请刷新后再保存。"


@pytest.fixture
def other_admin(bureau):
    return UserFactory(unit=None, role=Role.ADMIN, bureau=bureau.station_a.bureau, is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_an_assignment_edited_by_two_administrators(client, bureau, other_admin):
    assignment = LegalOfficerAssignment.objects.get(officer=bureau.legal_officer)
    url = reverse("admin:org_legalofficerassignment_change", args=[assignment.pk])
    client.force_login(bureau.admin)
    data = change_form_data(client.get(url))

    assert client.post(url, {**data, "end_date": "2025-06-30"}).status_code == 302
    client.force_login(other_admin)
    second = client.post(url, {**data, "end_date": "2025-12-31"})

    assert second.status_code == 200
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in second.content.decode()
    assignment.refresh_from_db()
    assert (assignment.end_date, assignment.version) == (date(2025, 6, 30), 2)


@pytest.mark.django_db
def test_an_officer_edited_by_two_administrators(client, bureau, other_admin):
    # the officer form has its own fieldsets: the version rides in a hidden one
    url = reverse("admin:org_user_change", args=[bureau.officer.pk])
    client.force_login(bureau.admin)
    page = client.get(url)
    assert 'name="expected_version" value="1"' in page.content.decode()
    data = change_form_data(page)

    assert client.post(url, {**data, "name": "甲民警（已更名）"}).status_code == 302
    client.force_login(other_admin)
    second = client.post(url, {**data, "role": Role.UNIT_LEADER})

    assert second.status_code == 200
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in second.content.decode()
    bureau.officer.refresh_from_db()
    assert (bureau.officer.name, bureau.officer.role, bureau.officer.version) == ("甲民警（已更名）", Role.OFFICER, 2)
    # reloaded, the second administrator's change goes through on version 2
    client.post(url, {**change_form_data(client.get(url)), "role": Role.UNIT_LEADER})
    bureau.officer.refresh_from_db()
    assert (bureau.officer.role, bureau.officer.version) == (Role.UNIT_LEADER, 3)
