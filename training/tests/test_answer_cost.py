"""Saving an answer from the test page is the request every officer makes at once at an
evening session: it does not write the session each time (the idle timeout is kept by a
write at most once a minute, config.middleware.IdleSessionMiddleware)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from training.models import Attempt
from training.tests.conftest import EVENING

pytestmark = pytest.mark.django_db


def test_saving_answers_from_the_page_does_not_write_the_session_each_time(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        client.force_login(bureau.officer)
        client.post(reverse("training:take", args=[open_test.test.pk]))
        attempt = Attempt.objects.get(test=open_test.test, officer=bureau.officer)
    url = reverse("training:answer", args=[attempt.pk])
    with time_machine.travel(EVENING + timedelta(seconds=20), tick=False):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, {"question": attempt.question_ids[0], "choice": "A"})
    assert response.status_code == 200
    statements = [q["sql"] for q in queries.captured_queries]
    assert not [s for s in statements if "django_session" in s and not s.startswith("SELECT")], statements
    # the session and the user read, the guarded upsert, the service's savepoint and its release
    # (twice here: the test's own transaction adds one level)
    assert len(statements) <= 7, statements
