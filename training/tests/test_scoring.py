"""Scoring of every question type, the pass line, and the per-question miss rate."""

from __future__ import annotations

from decimal import Decimal

import pytest

from training import services
from training.models import Attempt, QuestionKind
from training.selectors import question_miss_rates
from training.services import normalise_choice, score_choice
from training.tests.conftest import EVENING

S, M, TF = QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE


@pytest.mark.parametrize(
    ("kind", "key", "choice", "partial", "credit"),
    [
        (S, "B", "B", False, "1"),
        (S, "B", "C", False, "0"),
        (S, "B", "", False, "0"),
        (TF, "T", "T", False, "1"),
        (TF, "T", "F", False, "0"),
        (M, "ACD", "ACD", False, "1"),
        (M, "ACD", "AC", False, "0"),  # all-or-nothing by default
        (M, "ACD", "AC", True, "0.5"),  # half credit for an incomplete choice when the test says so
        (M, "ACD", "ABCD", True, "0"),  # a wrong option scores nothing, even with half credit
        (M, "ACD", "B", True, "0"),
    ],
)
def test_every_question_type_is_scored(kind, key, choice, partial, credit):
    assert score_choice(kind=kind, key=key, choice=choice, partial=partial) == Decimal(credit)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [("b,a", "AB"), (["C", "A"], "AC"), ("对", "T"), ("×", "F"), ("true", "T"), ("AAZ", ""), ("", ""), (None, "")],
)
def test_choices_are_normalised(raw, normalised):
    assert normalise_choice(raw) == normalised


@pytest.mark.django_db
def test_pass_line_and_partial_credit_apply_to_the_whole_attempt(bureau, open_test):
    test = open_test.test
    test.partial_credit = True
    test.save()
    attempt = services.attempt_start(test=test, officer=bureau.officer, now=EVENING)
    keys = {q.pk: q for q in open_test.single + open_test.multiple + open_test.true_false}
    # all three single-choice right, both multiples half-right, both true/false wrong: (3 + 1) / 7
    for qid in attempt.question_ids:
        q = keys[qid]
        choice = {S: q.answer, M: q.answer[0], TF: "F" if q.answer == "T" else "T"}[q.kind]
        services.answer_save(attempt_id=attempt.pk, officer=bureau.officer, question_id=qid, choice=choice, now=EVENING)
    done = services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING)
    assert done.score == Decimal("57.1")
    assert done.correct_count == 3
    assert done.passed is False  # the pass line is 60


@pytest.mark.django_db
def test_the_most_missed_questions_come_first(bureau, open_test):
    officers = [bureau.officer, bureau.other_officer, bureau.leader]
    hard = open_test.single[0]
    for officer in officers:
        attempt = services.attempt_start(test=open_test.test, officer=officer, now=EVENING)
        for qid in attempt.question_ids:
            q = next(x for x in open_test.single + open_test.multiple + open_test.true_false if x.pk == qid)
            choice = "D" if q.pk == hard.pk else q.answer
            services.answer_save(attempt_id=attempt.pk, officer=officer, question_id=qid, choice=choice, now=EVENING)
        services.attempt_submit(attempt_id=attempt.pk, officer=officer, now=EVENING)
    rows = question_miss_rates(attempts=Attempt.objects.filter(test=open_test.test))
    assert rows[0]["question"] == hard
    assert (rows[0]["given"], rows[0]["missed"], rows[0]["miss_rate"]) == (3, 3, 1.0)
    assert all(r["missed"] == 0 for r in rows[1:])
