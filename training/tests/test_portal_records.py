"""Competitions, the talent pool and an officer's training history, kept in the portal by the
legal affairs brigade (not only in the admin site) and read within each reader's scope."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from training import services
from training.models import (
    CompetitionRound,
    CompetitionScore,
    CompetitionTeam,
    QualificationKind,
    TalentProfile,
)
from training.tests.conftest import EVENING

pytestmark = pytest.mark.django_db


# --- Competitions ----------------------------------------------------------------------------


def test_a_supervisor_records_a_competition_its_teams_and_scores_in_the_portal(client, bureau):
    client.force_login(bureau.supervisor)
    response = client.post(
        reverse("training:competitions"),
        {"title": "2025年法制比武", "held_on": "2025-05-20", "rounds": "笔试\n案例分析\n"},
    )
    assert response.status_code == 302
    competition = bureau.supervisor.bureau.competition_set.get()
    assert [r.name for r in competition.rounds.order_by("position")] == ["笔试", "案例分析"]
    edit = lambda part: reverse("training:competition_edit", args=[competition.pk, part])  # noqa: E731
    assert client.post(edit("round"), {"name": "现场执法"}).status_code == 302
    assert client.post(edit("team"), {"name": "城关队", "unit": bureau.station_a.pk}).status_code == 302
    assert client.post(edit("team"), {"name": "城东队", "unit": bureau.station_b.pk}).status_code == 302
    written, case = CompetitionRound.objects.filter(competition=competition).order_by("position")[:2]
    a, b = CompetitionTeam.objects.get(name="城关队"), CompetitionTeam.objects.get(name="城东队")
    for rnd, team, officer, score in (
        (written, a, bureau.officer, "90"),
        (written, a, bureau.leader, "80"),
        (written, b, bureau.other_officer, "95"),
        (case, a, bureau.officer, "70"),
        (case, b, bureau.other_officer, "60"),
    ):
        data = {"round": rnd.pk, "team": team.pk, "officer": officer.police_number, "score": score}
        assert client.post(edit("score"), data).status_code == 302
    # entering a score again corrects it
    data = {"round": case.pk, "team": a.pk, "officer": bureau.officer.police_number, "score": "75"}
    assert client.post(edit("score"), data).status_code == 302
    assert CompetitionScore.objects.filter(round=case, officer=bureau.officer).get().score == Decimal("75")

    page = client.get(reverse("training:competition", args=[competition.pk]))
    teams = {t["team__name"]: t for t in page.context["teams"]}
    # team scores per round: 城关 170 (1st) and 75 (1st); 城东 95 (2nd) and 60 (2nd)
    assert teams["城关队"]["rounds"][:2] == [(Decimal("170"), 1), (Decimal("75"), 1)]
    assert teams["城东队"]["rounds"][:2] == [(Decimal("95"), 2), (Decimal("60"), 2)]
    assert teams["城关队"]["rounds"][2] == (None, None)  # 现场执法 not scored yet
    assert (teams["城关队"]["total"], teams["城关队"]["rank"]) == (Decimal("245"), 1)
    people = {i["officer__name"]: i for i in page.context["individuals"]}
    # individuals in 笔试: 乙民警 95 (1), 甲民警 90 (2), 所长 80 (3); totals 甲 165, 乙 155, 所长 80
    assert people["乙民警"]["rounds"][0] == (Decimal("95"), 1)
    assert people["甲民警"]["rounds"][:2] == [(Decimal("90"), 2), (Decimal("75"), 1)]
    assert [(i["officer__name"], i["rank"]) for i in page.context["individuals"]] == [
        ("甲民警", 1),
        ("乙民警", 2),
        ("所长", 3),
    ]
    html = page.content.decode()
    assert "名次" in html and "警衔" not in html


def test_ties_share_a_rank(bureau):
    competition = services.competition_create(
        bureau_id=bureau.station_a.bureau_id, title="比武", held_on=date(2025, 5, 1), round_names=["笔试"]
    )
    rnd = competition.rounds.get()
    team = services.competition_team_add(competition=competition, name="队", unit=bureau.station_a)
    for officer, score in ((bureau.officer, 80), (bureau.leader, 80), (bureau.other_officer, 70)):
        services.competition_score_record(round=rnd, team=team, officer=officer, score=Decimal(score))
    from training.selectors import competition_standings

    ranks = [i["rank"] for i in competition_standings(competition=competition)["individuals"]]
    assert ranks == [1, 1, 3]


def test_an_officer_cannot_compete_for_two_teams_of_one_competition(bureau):
    competition = services.competition_create(
        bureau_id=bureau.station_a.bureau_id, title="比武", held_on=date(2025, 5, 1), round_names=["笔试", "案例"]
    )
    first, second = competition.rounds.order_by("position")
    a = services.competition_team_add(competition=competition, name="甲队", unit=bureau.station_a)
    b = services.competition_team_add(competition=competition, name="乙队", unit=bureau.station_b)
    services.competition_score_record(round=first, team=a, officer=bureau.officer, score=Decimal(80))
    with pytest.raises(services.TrainingRefused) as refused:
        services.competition_score_record(round=second, team=b, officer=bureau.officer, score=Decimal(80))
    assert refused.value.code == "other_team"


def test_officers_and_leaders_cannot_record_competitions(client, bureau):
    for user in (bureau.officer, bureau.leader):
        client.force_login(user)
        assert client.post(reverse("training:competitions"), {"title": "x", "held_on": "2025-05-01"}).status_code == 403
    assert not bureau.supervisor.bureau.competition_set.exists()


def test_a_score_for_an_officer_of_another_bureau_is_refused_with_a_message(client, bureau):
    competition = services.competition_create(
        bureau_id=bureau.station_a.bureau_id, title="比武", held_on=date(2025, 5, 1), round_names=["笔试"]
    )
    team = services.competition_team_add(competition=competition, name="队", unit=bureau.station_a)
    client.force_login(bureau.supervisor)
    data = {
        "round": competition.rounds.get().pk,
        "team": team.pk,
        "officer": bureau.foreign_officer.police_number,
        "score": "80",
    }
    response = client.post(reverse("training:competition_edit", args=[competition.pk, "score"]), data)
    assert response.status_code == 200
    assert not CompetitionScore.objects.exists()


# --- Talent pool -----------------------------------------------------------------------------


def test_a_supervisor_adds_edits_and_removes_a_talent_pool_entry(client, bureau):
    client.force_login(bureau.supervisor)
    data = {
        "officer": bureau.officer.police_number,
        "specialties": "经济犯罪",
        "summary": "办过多起",
        "available": "on",
    }
    assert client.post(reverse("training:talent_new"), data).status_code == 302
    profile = TalentProfile.objects.get(officer=bureau.officer)
    edit = reverse("training:talent_edit", args=[profile.pk])
    page = client.get(edit)
    assert page.status_code == 200 and "经济犯罪" in page.content.decode()
    data = {"specialties": "经济犯罪, 行政复议", "summary": "", "expected_version": profile.version}
    assert client.post(edit, data).status_code == 302
    profile.refresh_from_db()
    assert profile.specialties == "经济犯罪, 行政复议" and profile.available is False
    # a form opened at the old version is refused, nothing overwritten
    stale = client.post(edit, {"specialties": "刑事诉讼", "expected_version": profile.version - 1})
    assert stale.status_code == 200
    profile.refresh_from_db()
    assert profile.specialties == "经济犯罪, 行政复议"
    remove = reverse("training:talent_remove", args=[profile.pk])
    assert client.post(remove, {"expected_version": profile.version}).status_code == 302
    assert not TalentProfile.objects.filter(officer=bureau.officer).exists()


def test_adding_an_officer_twice_says_to_edit_the_entry(client, bureau):
    services.talent_profile_save(officer=bureau.officer, specialties="经济犯罪")
    client.force_login(bureau.supervisor)
    response = client.post(
        reverse("training:talent_new"), {"officer": bureau.officer.police_number, "specialties": "刑事"}
    )
    assert response.status_code == 200
    assert TalentProfile.objects.get(officer=bureau.officer).specialties == "经济犯罪"


def test_a_leader_cannot_edit_the_talent_pool(client, bureau):
    profile = services.talent_profile_save(officer=bureau.officer, specialties="经济犯罪")
    client.force_login(bureau.leader)
    assert client.get(reverse("training:talent_new")).status_code == 403
    assert client.post(reverse("training:talent_remove", args=[profile.pk])).status_code == 403


def test_the_talent_pool_is_searched_by_qualification(client, bureau):
    services.talent_profile_save(officer=bureau.officer, specialties="经济犯罪")
    services.talent_profile_save(officer=bureau.other_officer, specialties="治安案件")
    services.qualification_record(
        officer=bureau.officer, kind=QualificationKind.LEGAL_EXAM, obtained_on=date(2023, 12, 1), subjective_passed=True
    )
    services.qualification_record(
        officer=bureau.other_officer,
        kind=QualificationKind.INTERMEDIATE,
        obtained_on=date(2020, 1, 1),
        expires_on=date(2023, 1, 1),  # expired: does not count
    )
    client.force_login(bureau.officer)
    names = lambda r: [p.officer.name for p in r.context["page"].object_list]  # noqa: E731
    assert names(client.get(reverse("training:talent"), {"q": "法考"})) == ["甲民警"]
    assert names(client.get(reverse("training:talent"), {"kind": "legal_exam"})) == ["甲民警"]
    assert names(client.get(reverse("training:talent"), {"q": "中级"})) == []
    assert names(client.get(reverse("training:talent"), {"q": "治安"})) == ["乙民警"]
    empty = client.get(reverse("training:talent"), {"q": "不存在的专长"}).content.decode()
    assert "管理后台" not in empty


# --- An officer's training history -----------------------------------------------------------


def test_a_leader_reads_the_history_of_an_officer_of_their_unit_not_of_another(client, bureau, open_test):
    kw = {"bureau_id": bureau.station_a.bureau_id, "organiser": bureau.supervisor, "kind": "weekly_study"}
    s1 = services.session_create(held_on=date(2025, 3, 5), topic="三月夜学", **kw)
    services.attendance_record(session=s1, present_ids=[bureau.officer.pk, bureau.other_officer.pk])
    with time_machine.travel(EVENING, tick=False):
        services.attempt_start(test=open_test.test, officer=bureau.officer)
    client.force_login(bureau.leader)
    page = client.get(reverse("training:officer", args=[bureau.officer.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "三月夜学" in html and "三月法律知识抽测" in html
    s2 = services.session_create(held_on=date(2025, 3, 12), topic="夜学二", **kw)
    services.attendance_record(session=s2, present_ids=[bureau.officer.pk])
    counts = client.get(reverse("training:officer", args=[bureau.officer.pk])).context["attendance_counts"]
    assert counts == {"present": 2}
    assert client.get(reverse("training:officer", args=[bureau.other_officer.pk])).status_code == 404
    client.force_login(bureau.supervisor)
    assert client.get(reverse("training:officer", args=[bureau.other_officer.pk])).status_code == 200
    client.force_login(bureau.officer)
    assert client.get(reverse("training:officer", args=[bureau.officer.pk])).status_code == 403


def test_the_roster_and_the_results_link_to_each_officers_history(client, bureau, open_test):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        organiser=bureau.supervisor,
        kind="weekly_study",
        topic="夜学",
        held_on=date(2025, 3, 5),
    )
    services.attendance_record(session=session, present_ids=[bureau.officer.pk])
    with time_machine.travel(EVENING, tick=False):
        services.attempt_start(test=open_test.test, officer=bureau.officer)
    link = reverse("training:officer", args=[bureau.officer.pk])
    client.force_login(bureau.supervisor)
    assert link in client.get(reverse("training:session", args=[session.pk])).content.decode()
    assert link in client.get(reverse("training:test", args=[open_test.test.pk])).content.decode()
    client.force_login(bureau.leader)
    assert link in client.get(reverse("training:session", args=[session.pk])).content.decode()
