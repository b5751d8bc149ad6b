"""Qualifications expire; reminders are written before expiry, once per stage."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from training import services
from training.models import QualificationKind, QualificationReminder
from training.selectors import reminders_for

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


def test_the_legal_exam_does_not_expire(bureau):
    with pytest.raises(services.TrainingRefused):
        services.qualification_record(
            officer=bureau.officer,
            kind=QualificationKind.LEGAL_EXAM,
            obtained_on=date(2024, 12, 1),
            expires_on=date(2030, 1, 1),
        )
