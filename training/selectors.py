"""Reads of training, already scoped (org/scope.py). Records of officers follow the unit the
officer was in when the record was made (`unit` on attendance and attempts); qualifications
follow the officer's current unit. Guidance, competitions and the talent pool are bureau-wide
references that every signed-in officer of the bureau may read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from org.models import Unit, User
from org.scope import scoped, visible_unit_ids
from training.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    Candidate,
    CaseReviewTest,
    Competition,
    CompetitionScore,
    GuidanceEntry,
    Qualification,
    QualificationKind,
    QualificationReminder,
    Question,
    SessionAudience,
    SpotTest,
    TalentProfile,
    TrainingSession,
)
from training.services import can_manage

FINISHED = (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED)


def _bureau(user: User) -> Q:
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    return Q(bureau_id=user.bureau_id)


def sessions_for(user: User) -> QuerySet[TrainingSession]:
    """Sessions for all units, or whose audience includes a unit the user may see."""
    audience = scoped(SessionAudience.objects.all(), user).values("session_id")
    return (
        TrainingSession.objects.filter(_bureau(user))
        .filter(Q(for_all_units=True) | Q(pk__in=audience))
        .select_related("organiser")
    )


def attendance_for(user: User) -> QuerySet[Attendance]:
    return scoped(Attendance.objects.select_related("officer", "unit", "session"), user)


def questions_for(user: User) -> QuerySet[Question]:
    """The bank holds the answer keys: only those who set tests read it."""
    if not can_manage(user):
        return Question.objects.none()
    return Question.objects.filter(_bureau(user))


def tests_for(user: User) -> QuerySet[SpotTest]:
    """Managers see every test of the bureau; others the tests sent to officers in their scope."""
    tests = SpotTest.objects.filter(_bureau(user))
    if can_manage(user):
        return tests
    return tests.filter(pk__in=scoped(Candidate.objects.all(), user).values("test_id"))


def attempts_for(user: User) -> QuerySet[Attempt]:
    return scoped(Attempt.objects.select_related("officer", "unit", "test"), user)


def my_attempts(user: User) -> QuerySet[Attempt]:
    """An officer's own attempts, wherever they were taken."""
    return Attempt.objects.filter(_bureau(user), officer_id=user.pk).select_related("test")


def my_tests(user: User) -> QuerySet[SpotTest]:
    """The tests the officer was drawn for, whatever their state."""
    return SpotTest.objects.filter(_bureau(user), candidates__officer_id=user.pk)


def my_open_tests(user: User) -> QuerySet[SpotTest]:
    """Open tests the officer was drawn for and has not finished."""
    return (
        SpotTest.objects.filter(_bureau(user), status="open", candidates__officer_id=user.pk)
        .exclude(attempts__officer_id=user.pk, attempts__status__in=FINISHED)
        .order_by("-held_on")
    )


def my_attendance(user: User) -> QuerySet[Attendance]:
    return Attendance.objects.filter(_bureau(user), officer_id=user.pk).select_related("session")


def qualifications_for(user: User) -> QuerySet[Qualification]:
    return scoped(Qualification.objects.select_related("officer", "officer__unit"), user, unit_field="officer__unit")


def unread_reminders_for(user: User) -> QuerySet[QualificationReminder]:
    """Unread reminders: an officer's own, and those of every officer in scope for managers."""
    reminders = QualificationReminder.objects.filter(_bureau(user), read_at__isnull=True).select_related(
        "qualification", "officer"
    )
    if can_manage(user):
        return scoped(reminders, user, unit_field="officer__unit")
    return reminders.filter(officer_id=user.pk)


def reminders_for(user: User, *, today: date | None = None) -> QuerySet[QualificationReminder]:
    """Unread reminders of qualifications that expire today or later (即将到期)."""
    return unread_reminders_for(user).filter(expires_on__gte=today or timezone.localdate())


def expired_reminders_for(user: User, *, today: date | None = None) -> QuerySet[QualificationReminder]:
    """Unread reminders whose qualification has expired meanwhile (已过期): not "expiring soon"."""
    return unread_reminders_for(user).filter(expires_on__lt=today or timezone.localdate())


def case_reviews_for(user: User) -> QuerySet[CaseReviewTest]:
    return scoped(CaseReviewTest.objects.select_related("leader", "unit"), user)


def competitions_for(user: User) -> QuerySet[Competition]:
    return Competition.objects.filter(_bureau(user))


def guidance_for(user: User) -> QuerySet[GuidanceEntry]:
    return GuidanceEntry.objects.filter(_bureau(user))


def talent_for(user: User) -> QuerySet[TalentProfile]:
    return TalentProfile.objects.filter(_bureau(user)).select_related("officer", "officer__unit")


def guidance_for_category(*, bureau, category: str) -> QuerySet[GuidanceEntry]:
    """The current guidance of an incident category (intake shows it beside its form)."""
    bureau_id = getattr(bureau, "pk", bureau)
    return GuidanceEntry.objects.filter(bureau_id=bureau_id, category=category, is_current=True).order_by("topic")


# --- Results of a test ---------------------------------------------------------------------


def results_by_unit(*, attempts: QuerySet[Attempt]) -> list[dict]:
    return list(
        attempts.filter(status__in=FINISHED)
        .values("unit__name", "unit__code")
        .annotate(
            tested=Count("id"),
            passed=Count("id", filter=Q(passed=True)),
            average=Sum("score") / Count("id"),
        )
        .order_by("unit__code")
    )


def question_miss_rates(*, attempts: QuerySet[Attempt]) -> list[dict]:
    """Per question: how many officers were given it, how many missed it; most missed first.
    An unanswered question counts as missed."""
    finished = list(attempts.filter(status__in=FINISHED).values_list("id", "question_ids"))
    given: dict[int, int] = {}
    for _pk, ids in finished:
        for qid in ids:
            given[qid] = given.get(qid, 0) + 1
    correct = dict(
        Answer.objects.filter(attempt_id__in=[pk for pk, _ in finished], credit=1)
        .values("question_id")
        .annotate(n=Count("id"))
        .values_list("question_id", "n")
    )
    questions = Question.objects.in_bulk(list(given))
    rows = []
    for qid, n in given.items():
        missed = n - correct.get(qid, 0)
        rows.append({"question": questions[qid], "given": n, "missed": missed, "miss_rate": missed / n})
    rows.sort(key=lambda r: (-r["miss_rate"], -r["given"], r["question"].pk))
    return rows


# --- Competitions --------------------------------------------------------------------------


def _ranks(totals: list) -> list[int]:
    """Competition ranks of totals in descending order: ties share a rank (1, 1, 3)."""
    ordered = sorted(totals, reverse=True)
    return [ordered.index(t) + 1 for t in totals]


def competition_standings(*, competition: Competition) -> dict:
    """Per round and over all rounds, each competitor's and each team's score and rank (ties
    share a rank; a team's score is the sum of its members'). A competitor without a score in a
    round has none there (shown empty) and counts zero in the total."""
    rounds = list(competition.rounds.order_by("position"))
    rows = list(
        CompetitionScore.objects.filter(round__competition=competition).values(
            "round_id",
            "score",
            "officer_id",
            "officer__name",
            "officer__police_number",
            "team_id",
            "team__name",
            "team__unit__name",
        )
    )
    people: dict[int, dict] = {}
    teams: dict[int, dict] = {}
    for r in rows:
        person = people.setdefault(
            r["officer_id"],
            {
                "officer_id": r["officer_id"],
                "officer__name": r["officer__name"],
                "officer__police_number": r["officer__police_number"],
                "team__name": r["team__name"],
                "scores": {},
            },
        )
        person["scores"][r["round_id"]] = r["score"]
        team = teams.setdefault(
            r["team_id"],
            {"team__name": r["team__name"], "team__unit__name": r["team__unit__name"], "scores": {}},
        )
        team["scores"][r["round_id"]] = team["scores"].get(r["round_id"], Decimal(0)) + r["score"]

    def rank(entries: list[dict], key: str) -> list[dict]:
        for entry in entries:
            entry["total"] = sum(entry["scores"].values(), Decimal(0))
        for rnd in rounds:
            scored = [e for e in entries if rnd.pk in e["scores"]]
            for entry, n in zip(scored, _ranks([e["scores"][rnd.pk] for e in scored]), strict=True):
                entry.setdefault("round_ranks", {})[rnd.pk] = n
        for entry, n in zip(entries, _ranks([e["total"] for e in entries]), strict=True):
            entry["rank"] = n
            ranks = entry.get("round_ranks", {})
            entry["rounds"] = [(entry["scores"].get(rnd.pk), ranks.get(rnd.pk)) for rnd in rounds]
        return sorted(entries, key=lambda e: (e["rank"], e[key]))

    return {
        "rounds": rounds,
        "individuals": rank(list(people.values()), "officer__police_number"),
        "teams": rank(list(teams.values()), "team__name"),
    }


def case_review_scores(*, bureau, start: date, end: date) -> list[dict]:
    """Per leader in a period: tests taken and average score (the duty evaluation reads this)."""
    bureau_id = getattr(bureau, "pk", bureau)
    return list(
        CaseReviewTest.objects.filter(bureau_id=bureau_id, held_on__gte=start, held_on__lte=end)
        .values("leader_id", "leader__name", "unit_id")
        .annotate(tests=Count("id"), average=Sum("score") / Count("id"))
        .order_by("unit_id", "leader_id")
    )


# --- Statistics ----------------------------------------------------------------------------


@dataclass
class TrainingStats:
    unit_id: int | None
    unit_name: str
    sessions_held: int = 0
    present: int = 0
    expected: int = 0
    tests_held: int = 0
    officer_times_tested: int = 0
    passed: int = 0
    qualifications: dict[str, int] = field(default_factory=dict)

    @property
    def attendance_rate(self) -> Decimal | None:
        """Present ÷ (present + absent), in percent; officers on leave are not counted."""
        return _percent(self.present, self.expected)

    @property
    def pass_rate(self) -> Decimal | None:
        return _percent(self.passed, self.officer_times_tested)

    @property
    def legal_exam_passes(self) -> int:
        return self.qualifications.get(QualificationKind.LEGAL_EXAM, 0)


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def training_statistics(
    *, bureau, start: date, end: date, unit_ids: list[int] | None = None
) -> tuple[list[TrainingStats], TrainingStats]:
    """The figures per unit for a period [start, end] and the bureau's total, for the reports:

    - sessions held: sessions dated in the period for all units or with the unit in the audience;
    - attendance rate: present ÷ (present + absent) of the unit's attendance at those sessions;
    - tests held: tests dated in the period with an officer of the unit drawn;
    - officer-times tested (参考人次): finished attempts; pass rate: passed ÷ tested;
    - qualifications: held on `end` (obtained by then, not expired) by the unit's active
      officers; the legal exam counts only when its subjective part was passed too.

    The total counts each session and test once, however many units it reached.
    """
    bureau_id = getattr(bureau, "pk", bureau)
    units = Unit.objects.filter(bureau_id=bureau_id, is_active=True).order_by("code")
    if unit_ids is not None:
        units = units.filter(id__in=unit_ids)
    stats = {u.pk: TrainingStats(unit_id=u.pk, unit_name=u.name) for u in units}
    total = TrainingStats(unit_id=None, unit_name="")
    period = {"held_on__gte": start, "held_on__lte": end}

    sessions = TrainingSession.objects.filter(bureau_id=bureau_id, **period)
    for_all = sessions.filter(for_all_units=True).count()
    for row in stats.values():
        row.sessions_held = for_all
    for unit_id, n in (
        SessionAudience.objects.filter(bureau_id=bureau_id, session__in=sessions.filter(for_all_units=False))
        .values("unit_id")
        .annotate(n=Count("session_id", distinct=True))
        .values_list("unit_id", "n")
    ):
        if unit_id in stats:
            stats[unit_id].sessions_held += n
    # Each session once, whether it reached one of the units or several.
    total.sessions_held = (
        sessions.count()
        if unit_ids is None
        else sessions.filter(Q(for_all_units=True) | Q(audience__unit_id__in=list(stats))).distinct().count()
    )

    for row in (
        Attendance.objects.filter(bureau_id=bureau_id, session__held_on__gte=start, session__held_on__lte=end)
        .values("unit_id")
        .annotate(
            present=Count("id", filter=Q(status=AttendanceStatus.PRESENT)),
            expected=Count("id", filter=Q(status__in=[AttendanceStatus.PRESENT, AttendanceStatus.ABSENT])),
        )
    ):
        if row["unit_id"] in stats:
            stats[row["unit_id"]].present = row["present"]
            stats[row["unit_id"]].expected = row["expected"]

    tests = SpotTest.objects.filter(bureau_id=bureau_id, **period)
    for unit_id, n in (
        Candidate.objects.filter(test__in=tests)
        .values("unit_id")
        .annotate(n=Count("test_id", distinct=True))
        .values_list("unit_id", "n")
    ):
        if unit_id in stats:
            stats[unit_id].tests_held = n
    tests_in_scope = Candidate.objects.filter(test__in=tests, unit_id__in=list(stats)).values("test_id").distinct()
    total.tests_held = tests_in_scope.count()

    for row in (
        Attempt.objects.filter(test__in=tests, status__in=FINISHED)
        .values("unit_id")
        .annotate(n=Count("id"), passed=Count("id", filter=Q(passed=True)))
    ):
        if row["unit_id"] in stats:
            stats[row["unit_id"]].officer_times_tested = row["n"]
            stats[row["unit_id"]].passed = row["passed"]

    held = (
        Qualification.objects.filter(bureau_id=bureau_id, obtained_on__lte=end, officer__is_active=True)
        .filter(Q(expires_on__isnull=True) | Q(expires_on__gte=end))
        .exclude(kind=QualificationKind.LEGAL_EXAM, subjective_passed=False)
    )
    for row in held.values("officer__unit_id", "kind").annotate(n=Count("officer_id", distinct=True)):
        if row["officer__unit_id"] in stats:
            stats[row["officer__unit_id"]].qualifications[row["kind"]] = row["n"]

    for row in stats.values():
        total.present += row.present
        total.expected += row.expected
        total.officer_times_tested += row.officer_times_tested
        total.passed += row.passed
        for kind, n in row.qualifications.items():
            total.qualifications[kind] = total.qualifications.get(kind, 0) + n
    return list(stats.values()), total


def latest_training_year(*, bureau) -> int | None:
    """The latest year in which the bureau held a session or a test (the statistics open on it)."""
    bureau_id = getattr(bureau, "pk", bureau)
    latest = [
        model.objects.filter(bureau_id=bureau_id).aggregate(m=Max("held_on"))["m"]
        for model in (TrainingSession, SpotTest)
    ]
    years = [d.year for d in latest if d is not None]
    return max(years, default=None)


def training_statistics_for(user: User, *, start: date, end: date) -> tuple[list[TrainingStats], TrainingStats]:
    """The statistics restricted to the units the user may see."""
    unit_ids = list(visible_unit_ids(user).values_list("id", flat=True))
    return training_statistics(bureau=user.bureau_id, start=start, end=end, unit_ids=unit_ids)
