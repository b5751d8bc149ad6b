"""Taking a spot test: the server keeps the time, answers are saved as the officer goes,
one submission only, and a test left running is scored at its time limit."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from training import services
from training.models import Answer, Attempt, AttemptStatus
from training.services import TrainingRefused
from training.tests.conftest import EVENING

pytestmark = pytest.mark.django_db


def key_of(question_id: int) -> str:
    from training.models import Question

    return Question.objects.get(pk=question_id).answer


def test_start_fixes_the_deadline_by_the_server_clock(bureau, open_test):
    # when the officer starts at 19:30
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    # then the deadline is 20 minutes later, whatever the browser says, and 7 questions were drawn
    assert attempt.started_at == EVENING
    assert attempt.deadline == EVENING + timedelta(minutes=20)
    assert len(attempt.question_ids) == 7
    # and starting again (a reload, a second tab) resumes the same attempt
    again = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING + timedelta(minutes=5))
    assert again.pk == attempt.pk and again.deadline == attempt.deadline


def test_an_answer_changed_twice_keeps_only_the_last_choice(bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    question = attempt.question_ids[0]
    services.answer_save(attempt_id=attempt.pk, officer=bureau.officer, question_id=question, choice="B", now=EVENING)
    services.answer_save(attempt_id=attempt.pk, officer=bureau.officer, question_id=question, choice="a", now=EVENING)
    answers = Answer.objects.filter(attempt=attempt)
    assert [(a.question_id, a.choice) for a in answers] == [(question, "A")]


def test_an_answer_after_the_time_limit_is_refused_and_earlier_answers_are_scored(bureau, open_test):
    # given an officer who answered one question correctly in time
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    first, second = attempt.question_ids[:2]
    services.answer_save(
        attempt_id=attempt.pk, officer=bureau.officer, question_id=first, choice=key_of(first), now=EVENING
    )
    # when an answer arrives one second after the deadline
    late = attempt.deadline + timedelta(seconds=1)
    with pytest.raises(TrainingRefused) as refused:
        services.answer_save(attempt_id=attempt.pk, officer=bureau.officer, question_id=second, choice="A", now=late)
    # then it is refused with a clear reason, the earlier answer is kept,
    # and the attempt is scored at its deadline
    assert refused.value.code == "time_up"
    assert "答题时间已到" in refused.value.message and "此前已保存的答案均已保留" in refused.value.message
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED
    assert attempt.finished_at == attempt.deadline
    assert list(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True)) == [first]
    assert attempt.correct_count == 1
    assert attempt.score == Decimal("14.3")  # 1 of 7


def test_the_browser_clock_does_not_matter_the_servers_does(bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        attempt = services.attempt_start(test=open_test.test, officer=bureau.officer)
    with time_machine.travel(attempt.deadline - timedelta(seconds=1), tick=False):
        services.answer_save(
            attempt_id=attempt.pk, officer=bureau.officer, question_id=attempt.question_ids[0], choice="A"
        )
    with time_machine.travel(attempt.deadline, tick=False), pytest.raises(TrainingRefused):
        services.answer_save(
            attempt_id=attempt.pk, officer=bureau.officer, question_id=attempt.question_ids[1], choice="A"
        )


def test_a_second_submission_is_refused_with_the_time_of_the_first(bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    done = services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING + timedelta(minutes=9))
    assert done.status == AttemptStatus.SUBMITTED and done.score == Decimal("0.0") and done.passed is False
    with pytest.raises(TrainingRefused) as refused:
        services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING + timedelta(minutes=10))
    assert refused.value.code == "already_submitted"
    assert "已于 2025-03-12 19:39:00 交卷" in refused.value.message
    # and no answer can be changed afterwards
    with pytest.raises(TrainingRefused) as refused:
        services.answer_save(
            attempt_id=attempt.pk,
            officer=bureau.officer,
            question_id=attempt.question_ids[0],
            choice="A",
            now=EVENING + timedelta(minutes=10),
        )
    assert refused.value.code == "already_submitted"


def test_submitting_after_the_deadline_scores_at_the_deadline(bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    with pytest.raises(TrainingRefused) as refused:
        services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING + timedelta(minutes=25))
    assert refused.value.code == "time_up"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.EXPIRED and attempt.finished_at == attempt.deadline


def test_the_beat_task_scores_every_attempt_left_running(bureau, open_test):
    a = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    b = services.attempt_start(test=open_test.test, officer=bureau.other_officer, now=EVENING + timedelta(minutes=15))
    # at 19:51 the first attempt's time is up, the second's is not
    assert services.attempts_expire_overdue(now=EVENING + timedelta(minutes=21)) == 1
    assert Attempt.objects.get(pk=a.pk).status == AttemptStatus.EXPIRED
    assert Attempt.objects.get(pk=b.pk).status == AttemptStatus.IN_PROGRESS
    # and running it again changes nothing
    assert services.attempts_expire_overdue(now=EVENING + timedelta(minutes=21)) == 0


def test_an_officer_cannot_answer_anothers_attempt_or_a_foreign_question(bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    with pytest.raises(services.AttemptNotFound):
        services.answer_save(
            attempt_id=attempt.pk,
            officer=bureau.other_officer,
            question_id=attempt.question_ids[0],
            choice="A",
            now=EVENING,
        )
    not_drawn = max(attempt.question_ids) + 1000
    with pytest.raises(TrainingRefused) as refused:
        services.answer_save(
            attempt_id=attempt.pk, officer=bureau.officer, question_id=not_drawn, choice="A", now=EVENING
        )
    assert refused.value.code == "not_in_test"


def test_a_choice_that_does_not_fit_the_question_is_refused(bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    single = next(q for q in attempt.question_ids if q in {x.pk for x in open_test.single})
    true_false = next(q for q in attempt.question_ids if q in {x.pk for x in open_test.true_false})
    for question, choice in ((single, "AB"), (single, "E"), (true_false, "A"), (single, "hello")):
        with pytest.raises(TrainingRefused) as refused:
            services.answer_save(
                attempt_id=attempt.pk, officer=bureau.officer, question_id=question, choice=choice, now=EVENING
            )
        assert refused.value.code == "invalid_choice"
    services.answer_save(
        attempt_id=attempt.pk, officer=bureau.officer, question_id=true_false, choice="错", now=EVENING
    )
    assert Answer.objects.get(attempt=attempt, question_id=true_false).choice == "F"


def test_only_drawn_officers_may_start_and_only_while_open(bureau, open_test):
    with pytest.raises(TrainingRefused) as refused:
        services.attempt_start(test=open_test.test, officer=bureau.supervisor, now=EVENING)
    assert refused.value.code == "not_candidate"
    services.spot_test_close(test=open_test.test, now=EVENING)
    with pytest.raises(TrainingRefused) as refused:
        services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    assert refused.value.code == "not_open"
