"""An officer takes a timed spot test in a real browser: the countdown follows the server's
deadline, answers survive a reload, the test is handed in once and scored."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD
from tests.browser.conftest import log_in
from training import services
from training.models import Answer, Attempt, AttemptStatus, Question, QuestionKind
from training.tests.factories import QuestionFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def spot_test(bureau):
    home = bureau.station_a.bureau
    for _ in range(2):
        QuestionFactory(bureau=home, topic="强制措施", kind=QuestionKind.SINGLE)
    QuestionFactory(bureau=home, topic="强制措施", kind=QuestionKind.MULTIPLE)
    QuestionFactory(bureau=home, topic="强制措施", kind=QuestionKind.TRUE_FALSE)
    test = services.spot_test_create(
        bureau_id=home.pk,
        title="夜学法律知识抽测",
        rules=[{"topic": "强制措施", "count": 4}],
        held_on=date.today(),
        time_limit_minutes=10,
        pass_score=60,
    )
    services.spot_test_sample(test=test, unit_ids=[bureau.station_a.pk], size=None)
    services.spot_test_open(test=test)
    return test


def test_officer_takes_a_timed_test_end_to_end(page, bureau, spot_test):
    log_in(page, bureau.officer, PASSWORD)
    page.goto("/training/")
    page.get_by_role("link", name="参加测试").click()
    page.get_by_role("button", name="开始").click()

    # the countdown shows the server's time limit (10 minutes), counting down
    countdown = page.get_by_test_id("countdown")
    # (an assertion, not wait_for_function: the page's CSP forbids evaluating strings as script)
    expect(page.get_by_test_id("countdown")).to_have_text(re.compile(r"^09:"))
    assert countdown.inner_text() <= "10:00"

    attempt = Attempt.objects.get(test=spot_test, officer=bureau.officer)
    questions = {q.pk: q for q in Question.objects.filter(bureau=spot_test.bureau)}
    fieldsets = page.locator("fieldset[data-question]")
    assert fieldsets.count() == 4
    # answer every question correctly, with the keyboard for the first one
    for index in range(4):
        fieldset = fieldsets.nth(index)
        question = questions[int(fieldset.get_attribute("data-question"))]
        for letter in question.answer:
            fieldset.locator(f"input[value='{letter}']").check()
        fieldset.get_by_text("已保存").wait_for()
    assert Answer.objects.filter(attempt=attempt).count() == 4

    # a reload (a dropped connection) restores every saved answer and the same deadline
    page.reload()
    for index in range(4):
        fieldset = page.locator("fieldset[data-question]").nth(index)
        question = questions[int(fieldset.get_attribute("data-question"))]
        for letter in question.answer:
            assert fieldset.locator(f"input[value='{letter}']").is_checked()

    page.get_by_role("button", name="交卷").click()
    page.wait_for_url(lambda url: urlparse(url).path == f"/training/attempts/{attempt.pk}/")
    assert page.get_by_test_id("score").inner_text().strip() == "100.0"
    assert page.get_by_test_id("verdict").inner_text().strip() == "及格"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED

    # going back to the test page does not reopen it
    page.goto(f"/training/tests/{spot_test.pk}/take/")
    assert urlparse(page.url).path == f"/training/attempts/{attempt.pk}/"


def test_time_running_out_in_the_page_scores_the_saved_answers(page, bureau, spot_test):
    log_in(page, bureau.officer, PASSWORD)
    page.goto(f"/training/tests/{spot_test.pk}/take/")
    page.get_by_role("button", name="开始").click()
    attempt = Attempt.objects.get(test=spot_test, officer=bureau.officer)
    first = page.locator("fieldset[data-question]").first
    first.locator("input").first.check()
    first.get_by_text("已保存").wait_for()
    # the server's deadline is moved to a few seconds from now (as if the officer had been slow)
    from django.utils import timezone

    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timezone.timedelta(seconds=3))
    page.reload()
    # the page counts down to the new deadline, locks the answers and shows the result
    page.wait_for_url(lambda url: urlparse(url).path == f"/training/attempts/{attempt.pk}/", timeout=15_000)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_a_session_that_ended_during_the_test_asks_to_sign_in_again(page, bureau, spot_test):
    from django.contrib.sessions.models import Session

    log_in(page, bureau.officer, PASSWORD)
    page.goto(f"/training/tests/{spot_test.pk}/take/")
    page.get_by_role("button", name="开始").click()
    attempt = Attempt.objects.get(test=spot_test, officer=bureau.officer)
    fieldsets = page.locator("fieldset[data-question]")
    fieldsets.nth(0).locator("input").first.check()
    fieldsets.nth(0).get_by_text("已保存").wait_for()
    # the session ends on the server (30 idle minutes)
    Session.objects.all().delete()
    fieldsets.nth(1).locator("input").first.check()
    alert = page.locator("#take-alert")
    expect(alert).to_contain_text("重新登录")
    expect(alert).not_to_contain_text("网络")
    expect(alert.get_by_role("link", name="重新登录")).to_have_attribute(
        "href", f"/login/?next=%2Ftraining%2Ftests%2F{spot_test.pk}%2Ftake%2F"
    )
    assert Answer.objects.filter(attempt=attempt).count() == 1  # the saved answer is kept
