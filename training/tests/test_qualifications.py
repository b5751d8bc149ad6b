"""Qualifications expire; reminders are written before expiry, once per stage."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from org.models import Notification
from training import services
from training.models import QualificationKind, QualificationReminder
from training.selectors import expired_reminders_for, reminders_for, unread_reminders_for

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def at(day: date):
    return time_machine.travel(datetime(day.year, day.month, day.day, 2, 0, tzinfo=TZ), tick=False)


def test_reminders_come_at_90_30_and_7_days_before_expiry_and_only_once(bureau):
    qualification = services.qualification_record(
        officer=bureau.officer,
        kind=QualificationKind.BASIC,
        obtained_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )
    with at(date(2025, 3, 1)):  # 121 days before: nothing yet
        assert services.qualification_reminders_create() == 0
    with at(date(2025, 4, 1)):  # 90 days before
        assert services.qualification_reminders_create() == 1
        assert services.qualification_reminders_create() == 0  # the nightly task ran twice
    with at(date(2025, 6, 1)):  # 29 days before
        assert services.qualification_reminders_create() == 1
    with at(date(2025, 6, 25)):
        assert services.qualification_reminders_create() == 1
    with at(date(2025, 7, 1)):  # expired: no more reminders
        assert services.qualification_reminders_create() == 0
    stages = list(
        QualificationReminder.objects.filter(qualification=qualification).values_list("days_before", flat=True)
    )
    assert sorted(stages) == [7, 30, 90]
    # each reminder reached the officer's inbox once, in Chinese, linking to the qualifications page
    inbox = list(Notification.objects.filter(recipient=bureau.officer, kind="reminder").order_by("created_at"))
    assert [n.title for n in inbox] == [
        f"您的基本级执法资格将于2025-06-30到期（{days}天内），请及时复审。" for days in (90, 30, 7)
    ]
    assert {n.url for n in inbox} == {reverse("training:qualifications")}


def test_the_officer_and_the_supervisor_see_the_reminder_others_do_not(bureau):
    services.qualification_record(
        officer=bureau.officer,
        kind=QualificationKind.BASIC,
        obtained_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )
    with at(date(2025, 6, 1)):
        services.qualification_reminders_create()
        assert reminders_for(bureau.officer).count() == 1
        assert reminders_for(bureau.supervisor).count() == 1
        assert reminders_for(bureau.other_officer).count() == 0
        assert reminders_for(bureau.foreign_officer).count() == 0
        services.reminders_mark_read(officer=bureau.officer)
        assert reminders_for(bureau.officer).count() == 0


def test_a_reminder_of_a_qualification_that_has_expired_shows_as_expired_not_expiring(bureau, client):
    services.qualification_record(
        officer=bureau.officer,
        kind=QualificationKind.BASIC,
        obtained_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )
    with at(date(2025, 6, 1)):
        services.qualification_reminders_create()
    # when nobody read it and the qualification expired
    with at(date(2025, 7, 2)):
        assert reminders_for(bureau.supervisor).count() == 0
        assert expired_reminders_for(bureau.supervisor).count() == 1
        client.force_login(bureau.supervisor)
        page = client.get(reverse("training:qualifications")).content.decode()
    expiring = page.split('data-testid="expiring-reminders"')
    assert len(expiring) == 1  # no 即将到期 banner at all
    assert 'data-testid="expired-reminders"' in page and "已过期" in page


def test_a_supervisor_handles_the_reminders_in_scope_a_leader_cannot(bureau, client):
    services.qualification_record(
        officer=bureau.officer,
        kind=QualificationKind.BASIC,
        obtained_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )
    with at(date(2025, 6, 1)):
        services.qualification_reminders_create()
    reminder = QualificationReminder.objects.get()
    with at(date(2025, 6, 2)):
        client.force_login(bureau.leader)
        assert client.post(reverse("training:reminders_handle"), {"reminder": reminder.pk}).status_code == 403
        client.force_login(bureau.supervisor)
        response = client.post(reverse("training:reminders_handle"), {"reminder": [reminder.pk, "²"]})
        assert response.status_code == 302
        assert reminders_for(bureau.supervisor).count() == 0
        assert reminders_for(bureau.officer).count() == 0
    reminder.refresh_from_db()
    assert reminder.handled_by == bureau.supervisor and reminder.read_at is not None


def test_a_manager_cannot_handle_a_reminder_of_another_bureau(bureau):
    services.qualification_record(
        officer=bureau.foreign_officer,
        kind=QualificationKind.BASIC,
        obtained_on=date(2022, 6, 30),
        expires_on=date(2025, 6, 30),
    )
    with at(date(2025, 6, 1)):
        services.qualification_reminders_create()
        scoped = unread_reminders_for(bureau.supervisor)
        assert services.reminders_handle(reminders=scoped, by=bureau.supervisor) == 0
    assert QualificationReminder.objects.get().read_at is None


def test_the_legal_exam_does_not_expire(bureau):
    with pytest.raises(services.TrainingRefused):
        services.qualification_record(
            officer=bureau.officer,
            kind=QualificationKind.LEGAL_EXAM,
            obtained_on=date(2024, 12, 1),
            expires_on=date(2030, 1, 1),
        )
