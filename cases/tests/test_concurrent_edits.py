"""Two people changing the same step (or rule) at once: the second save, made against a version
it did not see, is refused with a clear message, and the first one's content survives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import services
from cases.models import Rule, Step, StepKind
from cases.tests.factories import make_case, make_step
from org.errors import Conflict
from org.models import Role
from org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def summons(bureau) -> Step:
    now = timezone.now()
    case = make_case(bureau.officer, opened_at=now - timedelta(days=1))
    return make_step(case, StepKind.SUMMONS, started_at=now - timedelta(hours=5), person="李某", reviewed=False)


def test_a_step_filled_in_by_two_officers_from_the_same_version(bureau, summons):
    colleague = UserFactory(unit=bureau.station_a, role=Role.OFFICER, name="丙民警")
    ended = summons.started_at + timedelta(hours=3)
    # given both officers opened the summons at version 1; the first fills in its end
    services.step_update(step=summons, by=bureau.officer, data={"ended_at": ended}, expected_version=1)
    # when the second saves another end over version 1
    with pytest.raises(Conflict) as refused:
        services.step_update(
            step=summons, by=colleague, data={"ended_at": ended + timedelta(hours=2)}, expected_version=1
        )
    # then they are told, and the first's end stands
    assert "此环节已被他人修改（现为第2版），请刷新案件后重新填写。" in str(refused.value)
    summons.refresh_from_db()
    assert (summons.ended_at, summons.version) == (ended, 2)


def test_the_leader_reviews_the_version_they_saw(client, bureau, summons):
    page = client
    page.force_login(bureau.leader)
    detail = page.get(reverse("cases:detail", args=[summons.case_id])).content.decode()
    assert 'name="version" value="1"' in detail
    # the unit changes the step after the leader opened the case
    services.step_update(
        step=summons, by=bureau.officer, data={"ended_at": summons.started_at + timedelta(hours=1)}, expected_version=1
    )

    refused = page.post(reverse("cases:step_review", args=[summons.case_id, summons.pk]), {"version": "1"}, follow=True)

    assert "此环节在您打开后已被修改（现为第2版），请刷新案件后重新审核。" in refused.content.decode()
    summons.refresh_from_db()
    assert summons.reviewed_at is None
    # reloaded, the leader reviews version 2
    page.post(reverse("cases:step_review", args=[summons.case_id, summons.pk]), {"version": "2"})
    summons.refresh_from_db()
    assert summons.reviewed_by == bureau.leader


def test_a_rule_switched_in_the_admin_list_by_two_administrators(client, bureau):
    other_admin = UserFactory(
        unit=None, role=Role.ADMIN, bureau=bureau.station_a.bureau, is_staff=True, is_superuser=True
    )
    rule = Rule.objects.get(code="CAS-01")
    changelist = reverse("admin:cases_rule_changelist")
    client.force_login(bureau.admin)
    listed = client.get(changelist + "?q=CAS-01")
    assert listed.context["cl"].formset.forms[0].instance == rule
    # the list's editable cell carries the row's version
    assert 'name="form-0-expected_version" value="1"' in listed.content.decode()
    row = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(rule.pk),
        "form-0-expected_version": str(rule.version),
        "_save": "Save",
    }

    # the first administrator switches the rule off …
    first = client.post(changelist + "?q=CAS-01", row)
    assert first.status_code == 302
    # … the second, whose list still showed it on, saves it on
    client.force_login(other_admin)
    second = client.post(changelist + "?q=CAS-01", {**row, "form-0-enabled": "on"})

    assert second.status_code == 200
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in second.content.decode()
    rule.refresh_from_db()
    assert rule.enabled is False and rule.version == 2
