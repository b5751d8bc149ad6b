"""Hostile numbers in forms and query strings answer with a message or are ignored, never a 500.
"²" is a digit to str.isdigit() but not to int()."""

from __future__ import annotations

import pytest
import time_machine
from django.urls import reverse

from training import services
from training.models import Attempt, Attendance
from training.tests.conftest import EVENING

pytestmark = pytest.mark.django_db


def test_an_answer_naming_a_superscript_question_is_a_400(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        client.force_login(bureau.officer)
        client.post(reverse("training:take", args=[open_test.test.pk]))
        attempt = Attempt.objects.get(test=open_test.test, officer=bureau.officer)
        response = client.post(reverse("training:answer", args=[attempt.pk]), {"question": "²", "choice": "A"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


@pytest.mark.parametrize("field", ["present", "excused", "version"])
def test_attendance_with_a_superscript_id_or_version_is_not_a_500(client, bureau, field):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        kind="weekly_study",
        topic="夜学",
        held_on=EVENING.date(),
        organiser=bureau.supervisor,
    )
    client.force_login(bureau.supervisor)
    data = {"present": [str(bureau.officer.pk)], "version": str(session.version)}
    data[field] = [str(bureau.officer.pk), "²"] if field == "present" else "²"
    response = client.post(reverse("training:session", args=[session.pk]), data)
    assert response.status_code in (200, 302)
    if field != "version":
        # the good tick is kept, the hostile one ignored
        assert Attendance.objects.filter(session=session, officer=bureau.officer, status="present").exists()


def test_publishing_guidance_from_a_superscript_id_opens_an_empty_form(client, bureau):
    client.force_login(bureau.supervisor)
    response = client.get(reverse("training:guidance_new"), {"from": "²"})
    assert response.status_code == 200
