"""抽测: the officers drawn and each officer's questions are reproducible from recorded seeds."""

from __future__ import annotations

from datetime import date

import pytest

from org.models import Role
from org.tests.factories import UserFactory
from training import services
from training.models import Candidate
from training.tests.factories import question_bank

pytestmark = pytest.mark.django_db


def test_the_sample_is_recorded_and_can_be_redrawn_from_its_seed(bureau):
    home = bureau.station_a.bureau
    for _ in range(20):
        UserFactory(unit=bureau.station_a, role=Role.OFFICER)
    UserFactory(unit=bureau.station_a, role=Role.OFFICER, is_auxiliary=True)  # auxiliaries are not tested
    question_bank(home, n=3)
    test = services.spot_test_create(
        bureau_id=home.pk, title="抽测", rules=[{"topic": "强制措施", "count": 2}], held_on=date(2025, 3, 1)
    )
    # when a supervisor draws 5 officers of station A
    services.spot_test_sample(test=test, unit_ids=[bureau.station_a.pk], size=5)
    test.refresh_from_db()
    drawn = sorted(Candidate.objects.filter(test=test).values_list("officer_id", flat=True))
    # then the draw is recorded: seed, size, population, units
    assert len(drawn) == 5
    assert test.sample_size == 5 and test.population_count == 22  # 20 + officer + leader
    assert test.sample_unit_ids == [bureau.station_a.pk]
    # and anyone can redraw it from the record and get the same officers
    population = services.sample_population(bureau_id=home.pk, unit_ids=test.sample_unit_ids)
    assert services.draw_sample(population=population, size=test.sample_size, seed=test.sample_seed) == drawn
    # while another seed draws other officers
    assert services.draw_sample(population=population, size=5, seed=test.sample_seed + 1) != drawn


def test_each_officer_gets_their_own_reproducible_questions(bureau):
    home = bureau.station_a.bureau
    question_bank(home, topic="证据", n=12)
    test = services.spot_test_create(
        bureau_id=home.pk,
        title="抽测",
        rules=[{"topic": "证据", "count": 4}],
        held_on=date(2025, 3, 1),
        question_seed=9,
    )
    services.spot_test_sample(test=test, unit_ids=[bureau.station_a.pk, bureau.station_b.pk], size=None)
    services.spot_test_open(test=test)
    mine = services.attempt_start(test=test, officer=bureau.officer)
    theirs = services.attempt_start(test=test, officer=bureau.other_officer)
    assert mine.question_ids != theirs.question_ids
    assert services.draw_questions(bureau_id=home.pk, rules=test.rules, seed=mine.seed) == mine.question_ids


def test_a_rule_asking_for_more_questions_than_the_bank_has_is_refused(bureau):
    home = bureau.station_a.bureau
    question_bank(home, topic="证据", n=2)
    with pytest.raises(services.TrainingRefused) as refused:
        services.spot_test_create(
            bureau_id=home.pk, title="抽测", rules=[{"topic": "证据", "count": 3}], held_on=date(2025, 3, 1)
        )
    assert refused.value.code == "not_enough_questions"


def test_the_sample_cannot_change_once_an_officer_started(bureau, open_test):
    services.attempt_start(test=open_test.test, officer=bureau.officer)
    with pytest.raises(services.TrainingRefused):
        services.spot_test_sample(test=open_test.test, unit_ids=[bureau.station_a.pk], size=1)


def test_the_draw_is_redrawn_from_its_stored_population_after_transfers(bureau):
    """Given a draw of 3 of station A's officers, when one drawn officer moves to station B and
    another leaves, the population of station A today differs, but the record redraws the same."""
    home = bureau.station_a.bureau
    extra = [UserFactory(unit=bureau.station_a, role=Role.OFFICER) for _ in range(8)]
    question_bank(home, n=3)
    test = services.spot_test_create(
        bureau_id=home.pk, title="抽测", rules=[{"topic": "强制措施", "count": 2}], held_on=date(2025, 3, 1)
    )
    services.spot_test_sample(test=test, unit_ids=[bureau.station_a.pk], size=3, seed=7)
    test.refresh_from_db()
    drawn = sorted(Candidate.objects.filter(test=test).values_list("officer_id", flat=True))
    assert test.population_ids == sorted([bureau.officer.pk, bureau.leader.pk, *(u.pk for u in extra)])

    moved, left = drawn[0], drawn[1]
    type(bureau.officer).objects.filter(pk=moved).update(unit=bureau.station_b)
    type(bureau.officer).objects.filter(pk=left).update(is_active=False)
    today = services.sample_population(bureau_id=home.pk, unit_ids=test.sample_unit_ids)
    assert services.draw_sample(population=today, size=3, seed=7) != drawn  # what the count alone allowed

    assert services.spot_test_redraw(test=test) == drawn
