"""Small things the audit saw on the pages: the statistics' default period, the test page told
that the session ended, retiring a question, the result page's layout."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from training import services
from training.models import Attempt, Question
from training.tests.conftest import EVENING, TZ

pytestmark = pytest.mark.django_db


def test_the_statistics_open_on_the_latest_year_with_figures(client, bureau, open_test):
    """Given training only in 2025, on a day of 2026 the page opens on 2025, not on an empty 2026."""
    with time_machine.travel(datetime(2026, 11, 27, 9, 0, tzinfo=TZ), tick=False):
        client.force_login(bureau.supervisor)
        page = client.get(reverse("training:statistics"))
        assert page.context["form"].cleaned_data["start"] == date(2025, 1, 1)
        assert page.context["form"].cleaned_data["end"] == date(2025, 12, 31)
        assert page.context["total"].tests_held == 1
        # a period without figures says so and links to the latest year
        empty = client.get(reverse("training:statistics"), {"start": "2026-01-01", "end": "2026-11-27"})
    html = empty.content.decode()
    assert 'data-testid="no-data"' in html and "start=2025-01-01" in html


def test_an_answer_after_the_session_ended_asks_to_sign_in_again(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        client.force_login(bureau.officer)
        client.post(reverse("training:take", args=[open_test.test.pk]))
        attempt = Attempt.objects.get(test=open_test.test, officer=bureau.officer)
        qid = attempt.question_ids[0]
        assert client.post(reverse("training:answer", args=[attempt.pk]), {"question": qid, "choice": "A"}).json()
    # 31 idle minutes later the session is gone (the test itself runs on)
    with time_machine.travel(EVENING + timedelta(minutes=31), tick=False):
        response = client.post(reverse("training:answer", args=[attempt.pk]), {"question": qid, "choice": "B"})
    assert response.status_code == 401
    assert response.json()["code"] == "signed_out"
    assert "重新登录" in response.json()["error"]
    assert attempt.answers.get(question_id=qid).choice == "A"  # the saved answer is kept


def test_a_supervisor_retires_a_question_and_new_tests_leave_it_out(client, bureau, open_test):
    question = open_test.single[0]
    client.force_login(bureau.leader)
    assert client.post(reverse("training:question_retire", args=[question.pk])).status_code == 403
    client.force_login(bureau.supervisor)
    page = client.get(reverse("training:questions")).content.decode()
    assert reverse("training:question_retire", args=[question.pk]) in page
    response = client.post(reverse("training:question_retire", args=[question.pk]), {"next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == reverse("training:questions")
    assert Question.objects.get(pk=question.pk).is_active is False
    assert services.topic_counts(bureau_id=question.bureau_id)["强制措施"] == 2
    assert str(question.text) not in client.get(reverse("training:questions")).content.decode()


def test_the_result_page_puts_each_question_text_at_the_start_of_its_line(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        client.force_login(bureau.officer)
        client.post(reverse("training:take", args=[open_test.test.pk]))
        attempt = Attempt.objects.get(test=open_test.test, officer=bureau.officer)
        client.post(reverse("training:submit", args=[attempt.pk]))
        html = client.get(reverse("training:attempt", args=[attempt.pk])).content.decode()
    assert "list-group-item d-flex justify-content-between" not in html
    assert html.count('<span class="me-auto ms-1">') == len(attempt.question_ids)
