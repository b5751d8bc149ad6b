"""Every write of training: keyword-only, typed, atomic. Views, the API, tasks and the demo
seeder call these; the audit trail is written by the database triggers (pghistory)."""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.models import Role, Unit, User
from org.notifications import Kind, notify
from org.versioning import check_version, lock_at_version
from training.models import (
    LETTERS,
    Answer,
    Attempt,
    AttemptStatus,
    Attendance,
    AttendanceSource,
    AttendanceStatus,
    Candidate,
    CaseReviewTest,
    Competition,
    CompetitionRound,
    CompetitionScore,
    CompetitionTeam,
    GuidanceEntry,
    Qualification,
    QualificationKind,
    Question,
    QuestionKind,
    SessionAudience,
    SessionKind,
    SpotTest,
    TalentProfile,
    TestStatus,
    TrainingSession,
)
from training.xlsx import ImportResult, RowError, cell_text, read_rows

# Roles that organise training and tests (the legal affairs brigade and the administrator).
MANAGER_ROLES = (Role.SUPERVISOR, Role.ADMIN)
# Roles that are trained and tested.
TRAINED_ROLES = (Role.OFFICER, Role.UNIT_LEADER, Role.LEGAL_OFFICER)
# Reminder stages before a qualification expires, in days (largest first).
REMINDER_STAGES = (90, 30, 7)

# Refused saves: someone else saved the record after this user opened it (org.versioning).
SAMPLE_STALE = gettext_lazy(
    "Someone else changed this test meanwhile (now version %(version)s). Reload the page and draw again."
)
ATTENDANCE_STALE = gettext_lazy(
    "Someone else saved the attendance of this session meanwhile (now version %(version)s). Your ticks are "
    "kept below but not saved: reload the page and take the attendance again."
)
GUIDANCE_STALE = gettext_lazy(
    "Someone else published version %(version)s of this guidance meanwhile. Reload it and make your changes again."
)
GUIDANCE_EXISTS = gettext_lazy(
    "Guidance on this topic already exists (version %(version)s). Open it and publish a new version from there."
)
TALENT_STALE = gettext_lazy(
    "Someone else changed this talent pool entry meanwhile (now version %(version)s). Reload it and save again."
)


class TrainingRefused(Exception):
    """A request the rules refuse; `message` is for the user, `code` for the API."""

    status = 409

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


class AttemptNotFound(TrainingRefused):
    status = 404


def can_manage(user: User) -> bool:
    return bool(user.is_authenticated and (user.role in MANAGER_ROLES or user.is_superuser))


# --- Scoring -------------------------------------------------------------------------------

_TRUE = {"T", "TRUE", "对", "√", "✓", "正确", "是", "Y", "1"}
_FALSE = {"F", "FALSE", "错", "×", "✗", "X", "错误", "否", "N", "0"}


def normalise_choice(raw: str | Sequence[str] | None) -> str:
    """ "b, a" → "AB"; "对" → "T". Returns "" when the input is not a choice at all."""
    if raw is None:
        return ""
    text = "".join(raw) if not isinstance(raw, str) else raw
    text = text.strip().upper()
    if text in _TRUE:
        return "T"
    if text in _FALSE:
        return "F"
    letters = {c for c in text if c not in " ,，、;；"}
    if not letters or not letters <= set(LETTERS):
        return ""
    return "".join(sorted(letters))


def score_choice(*, kind: str, key: str, choice: str, partial: bool = False) -> Decimal:
    """The credit (0 to 1) of one answer. Multiple choice is all-or-nothing unless the test
    gives half credit for choosing some correct options and no wrong one (少选得一半，错选不得分)."""
    if not choice:
        return Decimal(0)
    if kind != QuestionKind.MULTIPLE:
        return Decimal(1) if choice == key else Decimal(0)
    chosen, correct = set(choice), set(key)
    if chosen == correct:
        return Decimal(1)
    if partial and chosen < correct:
        return Decimal("0.5")
    return Decimal(0)


@transaction.atomic
def attempt_score(*, attempt: Attempt) -> Attempt:
    """Score every saved answer of a finished attempt and the attempt itself (re-runnable)."""
    test = attempt.test
    answers = list(Answer.objects.filter(attempt=attempt).select_related("question"))
    for answer in answers:
        answer.credit = score_choice(
            kind=answer.question.kind, key=answer.question.answer, choice=answer.choice, partial=test.partial_credit
        )
    Answer.objects.bulk_update(answers, ["credit"])
    total = len(attempt.question_ids) or 1
    credit = sum((a.credit for a in answers), Decimal(0))
    score = (credit * 100 / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    attempt.correct_count = sum(1 for a in answers if a.credit == 1)
    attempt.score = score
    attempt.passed = score >= test.pass_score
    Attempt.objects.filter(pk=attempt.pk).update(
        correct_count=attempt.correct_count, score=attempt.score, passed=attempt.passed
    )
    return attempt


# --- Question bank -------------------------------------------------------------------------

QUESTION_COLUMNS = {
    "kind": ("题型", "type", "kind"),
    "text": ("题干", "question", "text"),
    **{f"option_{c}": (f"选项{c}", f"option {c}".lower(), f"option_{c}".lower(), c) for c in LETTERS[:6]},
    "answer": ("答案", "answer", "answer key"),
    "law": ("法律", "law", "法律依据"),
    "topic": ("专题", "topic", "知识点"),
    "explanation": ("解析", "explanation"),
}
_KINDS = {
    "单选": QuestionKind.SINGLE,
    "单选题": QuestionKind.SINGLE,
    "single": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "多选题": QuestionKind.MULTIPLE,
    "multiple": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "判断题": QuestionKind.TRUE_FALSE,
    "true_false": QuestionKind.TRUE_FALSE,
    "true/false": QuestionKind.TRUE_FALSE,
}


def question_check(*, kind: str, options: list[str], answer: str) -> str | None:
    """Why a question is not valid, or None."""
    if kind == QuestionKind.TRUE_FALSE:
        return None if answer in ("T", "F") else _("A true-or-false question is answered 对 or 错.")
    if len(options) < 2:
        return _("A choice question needs at least two options.")
    if not answer or answer in ("T", "F"):
        return _("The answer key must be option letters such as A or ABD.")
    if LETTERS.index(answer[-1]) >= len(options):
        return _("The answer key names an option that is not there.")
    if kind == QuestionKind.SINGLE and len(answer) != 1:
        return _("A single-choice question has exactly one correct option.")
    if kind == QuestionKind.MULTIPLE and len(answer) < 2:
        return _("A multiple-choice question has two or more correct options.")
    return None


@transaction.atomic
def question_create(
    *,
    bureau_id: int,
    kind: str,
    text: str,
    options: list[str],
    answer: str,
    law: str,
    topic: str,
    explanation: str = "",
) -> Question:
    answer = normalise_choice(answer)
    problem = question_check(kind=kind, options=options, answer=answer)
    if problem:
        raise TrainingRefused(problem, code="invalid_question")
    return Question.objects.create(
        bureau_id=bureau_id,
        kind=kind,
        text=text.strip(),
        options=options,
        answer=answer,
        law=law.strip(),
        topic=topic.strip(),
        explanation=explanation,
    )


@transaction.atomic
def question_import(*, bureau_id: int, upload) -> ImportResult:
    """Load the valid rows of a question-bank sheet; list every invalid row with its reason.
    A question already in the bank (same text) is skipped, so re-importing a sheet is harmless."""
    rows = read_rows(upload, QUESTION_COLUMNS, required=("kind", "text", "answer", "law", "topic"))
    result = ImportResult()
    valid: list[Question] = []
    for number, row in rows:
        kind = _KINDS.get(cell_text(row.get("kind")).lower())
        text = cell_text(row.get("text"))
        options = [cell_text(row.get(f"option_{c}")) for c in LETTERS[:6]]
        while options and not options[-1]:
            options.pop()
        raw_answer = cell_text(row.get("answer"))
        law, topic = cell_text(row.get("law")), cell_text(row.get("topic"))
        if kind is None:
            problem = _("Unknown question type “%(value)s”: use 单选, 多选 or 判断.") % {
                "value": cell_text(row["kind"])
            }
        elif not text:
            problem = _("The question text is empty.")
        elif not raw_answer:
            problem = _("The answer key is missing.")
        elif not law or not topic:
            problem = _("The law and the topic are required.")
        elif "" in options:
            problem = _("An option between two others is empty.")
        else:
            answer = normalise_choice(raw_answer)
            problem = question_check(
                kind=kind, options=[] if kind == QuestionKind.TRUE_FALSE else options, answer=answer
            )
        if problem:
            result.errors.append(RowError(number, problem))
            continue
        valid.append(
            Question(
                bureau_id=bureau_id,
                kind=kind,
                text=text,
                options=[] if kind == QuestionKind.TRUE_FALSE else options,
                answer=answer,
                law=law,
                topic=topic,
                explanation=cell_text(row.get("explanation")),
            )
        )
    before = Question.objects.filter(bureau_id=bureau_id).count()
    Question.objects.bulk_create(valid, ignore_conflicts=True)
    result.created = Question.objects.filter(bureau_id=bureau_id).count() - before
    result.skipped = len(valid) - result.created
    return result


@transaction.atomic
def question_retire(*, question: Question) -> None:
    Question.objects.filter(pk=question.pk).update(is_active=False)


# --- Spot tests ----------------------------------------------------------------------------


def topic_counts(*, bureau_id: int) -> dict[str, int]:
    from django.db.models import Count

    rows = Question.objects.filter(bureau_id=bureau_id, is_active=True).values("topic").annotate(n=Count("id"))
    return {row["topic"]: row["n"] for row in rows}


def draw_questions(
    *, bureau_id: int, rules: list[dict], seed: int, pools: dict[str, list[int]] | None = None
) -> list[int]:
    """N questions per topic, drawn with `seed`: the same seed over the same bank draws the same.
    `pools` (topic → ids in id order) spares the queries when drawing for many officers."""
    rng = random.Random(seed)
    drawn: list[int] = []
    for rule in rules:
        if pools is not None:
            pool = pools[rule["topic"]]
        else:
            pool = list(
                Question.objects.filter(bureau_id=bureau_id, is_active=True, topic=rule["topic"])
                .order_by("id")
                .values_list("id", flat=True)
            )
        drawn.extend(rng.sample(pool, min(int(rule["count"]), len(pool))))
    return drawn


def draw_sample(*, population: Sequence[int], size: int | None, seed: int) -> list[int]:
    """The officers drawn (抽测) from a population of ids; reproducible from the seed."""
    ordered = sorted(population)
    if size is None or size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def _check_rules(*, bureau_id: int, rules: list[dict]) -> list[dict]:
    if not rules:
        raise TrainingRefused(_("Choose at least one topic and how many questions to draw from it."), code="no_rules")
    available = topic_counts(bureau_id=bureau_id)
    clean = []
    for rule in rules:
        topic, count = str(rule.get("topic", "")).strip(), int(rule.get("count") or 0)
        if count <= 0:
            continue
        if available.get(topic, 0) < count:
            raise TrainingRefused(
                _("The bank has %(have)s questions on “%(topic)s”; the rule asks for %(want)s.")
                % {"have": available.get(topic, 0), "topic": topic, "want": count},
                code="not_enough_questions",
            )
        clean.append({"topic": topic, "count": count})
    if not clean:
        raise TrainingRefused(_("Choose at least one topic and how many questions to draw from it."), code="no_rules")
    return clean


@transaction.atomic
def spot_test_create(
    *,
    bureau_id: int,
    title: str,
    rules: list[dict],
    held_on: date,
    time_limit_minutes: int = 30,
    pass_score: int = 60,
    partial_credit: bool = False,
    closes_at: datetime | None = None,
    by: User | None = None,
    question_seed: int | None = None,
) -> SpotTest:
    return SpotTest.objects.create(
        bureau_id=bureau_id,
        title=title,
        rules=_check_rules(bureau_id=bureau_id, rules=rules),
        held_on=held_on,
        time_limit_minutes=time_limit_minutes,
        pass_score=pass_score,
        partial_credit=partial_credit,
        closes_at=closes_at,
        created_by=by,
        question_seed=question_seed if question_seed is not None else secrets.randbelow(2**31),
    )


def sample_population(*, bureau_id: int, unit_ids: Iterable[int]) -> list[int]:
    """The officers a test may be sent to: active, sworn officers of the units."""
    return list(
        User.objects.filter(
            bureau_id=bureau_id, unit_id__in=list(unit_ids), is_active=True, is_auxiliary=False, role__in=TRAINED_ROLES
        ).values_list("id", flat=True)
    )


@transaction.atomic
def spot_test_sample(
    *,
    test: SpotTest,
    unit_ids: Iterable[int],
    size: int | None,
    seed: int | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> list[Candidate]:
    """Draw the officers who take the test (all of the units' officers when `size` is None) and
    record the draw: seed, size, population and units, so it can be redrawn and checked.
    `expected_version`: the version of the test the manager saw; a draw over a newer one is refused."""
    test = lock_at_version(SpotTest, pk=test.pk, expected=expected_version, message=SAMPLE_STALE)
    if test.attempts.exists():
        raise TrainingRefused(
            _("Officers have already started this test; the sample can no longer change."), code="started"
        )
    unit_ids = sorted(
        set(Unit.objects.filter(bureau_id=test.bureau_id, id__in=list(unit_ids)).values_list("id", flat=True))
    )
    population = sample_population(bureau_id=test.bureau_id, unit_ids=unit_ids)
    if not population:
        raise TrainingRefused(_("The chosen units have no officers to test."), code="empty_population")
    if size is not None and size <= 0:
        raise TrainingRefused(_("The sample size must be at least one."), code="bad_size")
    seed = seed if seed is not None else secrets.randbelow(2**31)
    chosen = draw_sample(population=population, size=size, seed=seed)
    units = dict(User.objects.filter(id__in=chosen).values_list("id", "unit_id"))
    Candidate.objects.filter(test=test).delete()
    candidates = Candidate.objects.bulk_create(
        [Candidate(bureau_id=test.bureau_id, test=test, officer_id=oid, unit_id=units[oid]) for oid in chosen]
    )
    SpotTest.objects.filter(pk=test.pk).update(
        sample_seed=seed,
        sample_size=size,
        population_count=len(population),
        population_ids=sorted(population),
        sample_unit_ids=unit_ids,
        sampled_at=now or timezone.now(),
        version=F("version") + 1,
    )
    return candidates


def spot_test_redraw(*, test: SpotTest) -> list[int]:
    """The officers the recorded draw gives again, from its stored population and seed: the
    check that the sample was drawn as recorded, whoever has moved or left since."""
    if test.sample_seed is None:
        return []
    return draw_sample(population=test.population_ids, size=test.sample_size, seed=test.sample_seed)


def _transition(test: SpotTest, old: str, new: str, **fields) -> None:
    if not SpotTest.objects.filter(pk=test.pk, status=old).update(status=new, **fields):
        raise TrainingRefused(_("The test was changed by someone else; reload the page."), code="stale")
    test.status = new
    for name, value in fields.items():
        setattr(test, name, value)


@transaction.atomic
def spot_test_open(*, test: SpotTest) -> None:
    if not test.candidates.exists():
        raise TrainingRefused(_("Choose the officers who take the test before opening it."), code="no_candidates")
    _transition(test, TestStatus.DRAFT, TestStatus.OPEN)


@transaction.atomic
def spot_test_close(*, test: SpotTest, now: datetime | None = None) -> None:
    """No new starts; attempts already running keep their own deadline and are scored at it."""
    now = now or timezone.now()
    _transition(test, TestStatus.OPEN, TestStatus.CLOSED, closes_at=min(test.closes_at or now, now))


def attempt_seed(*, test: SpotTest, officer_id: int) -> int:
    # Each officer gets their own draw, reproducible from the test's seed.
    return (test.question_seed * 1_000_003 + officer_id) % (2**62)


def attempt_start(*, test: SpotTest, officer: User, now: datetime | None = None) -> Attempt:
    """Start the test (or resume it): the server fixes the deadline now."""
    now = now or timezone.now()
    existing = Attempt.objects.filter(test=test, officer=officer).first()
    if existing:
        return attempt_expire_if_due(attempt=existing, now=now)
    if test.status != TestStatus.OPEN or (test.closes_at and test.closes_at <= now):
        raise TrainingRefused(_("This test is not open."), code="not_open")
    candidate = Candidate.objects.filter(test=test, officer=officer).first()
    if candidate is None:
        raise TrainingRefused(_("You were not drawn for this test."), code="not_candidate")
    seed = attempt_seed(test=test, officer_id=officer.pk)
    deadline = now + timedelta(minutes=test.time_limit_minutes)
    if test.closes_at:
        deadline = min(deadline, test.closes_at)
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                bureau_id=test.bureau_id,
                test=test,
                officer=officer,
                unit_id=candidate.unit_id,
                seed=seed,
                question_ids=draw_questions(bureau_id=test.bureau_id, rules=test.rules, seed=seed),
                started_at=now,
                deadline=deadline,
            )
    except IntegrityError:
        # Two tabs started at once: the first one wins, the second resumes it.
        return Attempt.objects.get(test=test, officer=officer)


# One statement: the answer is saved only if the attempt is the officer's, still running, before
# its deadline (by the server's clock), the question is one of the attempt's, and the choice
# fits the question. FOR SHARE makes a concurrent submission wait for (or refuse) this answer.
_ANSWER_UPSERT = """
INSERT INTO training_answer (bureau_id, attempt_id, question_id, choice, answered_at)
SELECT a.bureau_id, a.id, q.id, %(choice)s, %(now)s
FROM training_attempt a
JOIN training_question q ON q.id = %(question)s AND q.bureau_id = a.bureau_id
WHERE a.id = %(attempt)s AND a.officer_id = %(officer)s AND a.status = 'in_progress'
  AND a.deadline > %(now)s AND q.id = ANY(a.question_ids)
  AND CASE q.kind
        WHEN 'true_false' THEN %(choice)s IN ('T', 'F')
        WHEN 'single' THEN char_length(%(choice)s) = 1
             AND strpos(%(letters)s, %(choice)s) BETWEEN 1 AND jsonb_array_length(q.options)
        ELSE strpos(%(letters)s, right(%(choice)s, 1)) BETWEEN 1 AND jsonb_array_length(q.options)
      END
FOR SHARE OF a
ON CONFLICT (attempt_id, question_id) DO UPDATE
  SET choice = EXCLUDED.choice, answered_at = EXCLUDED.answered_at
RETURNING id
"""


def answer_save(*, attempt_id: int, officer: User, question_id: int, choice, now: datetime | None = None) -> None:
    """Save (or change) one answer. Refused after the deadline or the submission; earlier answers stay."""
    now = now or timezone.now()
    normalised = normalise_choice(choice)
    if not choice or (not isinstance(choice, str) and not any(choice)):
        # Every box unticked: the question is unanswered again.
        with transaction.atomic():
            attempt = (
                Attempt.objects.select_for_update()
                .filter(pk=attempt_id, officer=officer, status=AttemptStatus.IN_PROGRESS, deadline__gt=now)
                .first()
            )
            if attempt is not None and question_id in attempt.question_ids:
                Answer.objects.filter(attempt=attempt, question_id=question_id).delete()
                return
    elif normalised:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                _ANSWER_UPSERT,
                {
                    "choice": normalised,
                    "now": now,
                    "question": question_id,
                    "attempt": attempt_id,
                    "officer": officer.pk,
                    "letters": LETTERS,
                },
            )
            if cursor.fetchone():
                return
    _explain_refused_answer(attempt_id=attempt_id, officer=officer, question_id=question_id, choice=choice, now=now)


def _explain_refused_answer(*, attempt_id: int, officer: User, question_id: int, choice, now: datetime) -> None:
    attempt = Attempt.objects.filter(pk=attempt_id, officer=officer).first()
    if attempt is None:
        raise AttemptNotFound(_("No such test attempt."), code="not_found")
    if attempt.status == AttemptStatus.IN_PROGRESS and attempt.deadline <= now:
        attempt = attempt_expire_if_due(attempt=attempt, now=now)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        if attempt.status == AttemptStatus.EXPIRED:
            raise TrainingRefused(
                _(
                    "Time is up (the limit ended at %(deadline)s): this answer was not saved. "
                    "Your earlier answers are kept and scored."
                )
                % {"deadline": date_format(timezone.localtime(attempt.deadline), "H:i:s")},
                code="time_up",
            )
        raise TrainingRefused(
            _("This test has been submitted; answers can no longer change."), code="already_submitted"
        )
    if question_id not in attempt.question_ids:
        raise TrainingRefused(_("This question is not part of your test."), code="not_in_test")
    if not choice:
        raise TrainingRefused(_("Choose an answer."), code="invalid_choice")
    raise TrainingRefused(_("That is not a valid choice for this question."), code="invalid_choice")


def attempt_submit(*, attempt_id: int, officer: User, now: datetime | None = None) -> Attempt:
    """Hand in the test: one submission only, and only before the deadline."""
    now = now or timezone.now()
    with transaction.atomic():
        moved = Attempt.objects.filter(
            pk=attempt_id, officer=officer, status=AttemptStatus.IN_PROGRESS, deadline__gt=now
        ).update(status=AttemptStatus.SUBMITTED, finished_at=now)
        if moved == 1:
            return attempt_score(attempt=Attempt.objects.select_related("test").get(pk=attempt_id))
    attempt = Attempt.objects.select_related("test").filter(pk=attempt_id, officer=officer).first()
    if attempt is None:
        raise AttemptNotFound(_("No such test attempt."), code="not_found")
    attempt = attempt_expire_if_due(attempt=attempt, now=now)
    if attempt.status == AttemptStatus.EXPIRED:
        raise TrainingRefused(
            _("Time ran out before the test was handed in; your saved answers were scored at the time limit."),
            code="time_up",
        )
    raise TrainingRefused(
        _("This test was already handed in at %(time)s; only one submission counts.")
        % {"time": date_format(timezone.localtime(attempt.finished_at), "Y-m-d H:i:s")},
        code="already_submitted",
    )


def attempt_expire_if_due(*, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Score an attempt at its deadline if the time ran out without a submission (on access)."""
    now = now or timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS or attempt.deadline > now:
        return attempt
    with transaction.atomic():
        moved = Attempt.objects.filter(pk=attempt.pk, status=AttemptStatus.IN_PROGRESS, deadline__lte=now).update(
            status=AttemptStatus.EXPIRED, finished_at=F("deadline")
        )
        attempt = Attempt.objects.select_related("test").get(pk=attempt.pk)
        if moved == 1:
            attempt_score(attempt=attempt)
    return attempt


def attempts_expire_overdue(*, now: datetime | None = None, batch: int = 500) -> int:
    """The beat task's work: score up to `batch` attempts whose time ran out. Returns how many."""
    now = now or timezone.now()
    due = list(
        Attempt.objects.filter(status=AttemptStatus.IN_PROGRESS, deadline__lte=now)
        .order_by("deadline")
        .values_list("pk", flat=True)[:batch]
    )
    done = 0
    for pk in due:
        attempt = Attempt.objects.select_related("test").get(pk=pk)
        if attempt_expire_if_due(attempt=attempt, now=now).status == AttemptStatus.EXPIRED:
            done += 1
    return done


# --- Sessions and attendance ---------------------------------------------------------------


@transaction.atomic
def session_create(
    *,
    bureau_id: int,
    kind: str,
    topic: str,
    held_on: date,
    organiser: User | None,
    unit_ids: Iterable[int] = (),
    materials: str = "",
) -> TrainingSession:
    if kind not in SessionKind.values:
        raise TrainingRefused(_("Unknown kind of session."), code="bad_kind")
    unit_ids = list(Unit.objects.filter(bureau_id=bureau_id, id__in=list(unit_ids)).values_list("id", flat=True))
    session = TrainingSession.objects.create(
        bureau_id=bureau_id,
        kind=kind,
        topic=topic,
        held_on=held_on,
        organiser=organiser,
        for_all_units=not unit_ids,
        materials=materials,
    )
    SessionAudience.objects.bulk_create(
        [SessionAudience(bureau_id=bureau_id, session=session, unit_id=uid) for uid in unit_ids]
    )
    return session


def session_roster(*, session: TrainingSession):
    """The officers expected at a session: the sworn officers of its audience units."""
    officers = User.objects.filter(
        bureau_id=session.bureau_id, is_active=True, is_auxiliary=False, role__in=TRAINED_ROLES, unit__isnull=False
    )
    if not session.for_all_units:
        officers = officers.filter(unit_id__in=session.audience.values("unit_id"))
    return officers.select_related("unit").order_by("unit__code", "police_number")


def _upsert_attendance(session: TrainingSession, rows: list[Attendance], *, overwrite: bool) -> None:
    if overwrite:
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["session", "officer"],
            update_fields=["status", "source", "signed_at"],
        )
    else:
        Attendance.objects.bulk_create(rows, ignore_conflicts=True)


@transaction.atomic
def attendance_record(
    *,
    session: TrainingSession,
    present_ids: Iterable[int],
    excused_ids: Iterable[int] = (),
    now: datetime | None = None,
    expected_version: int | None = None,
) -> int:
    """Attendance taken by list: the ticked officers present, those on leave excused, the rest of
    the roster absent. Returns how many officers were present. The list replaces the whole
    attendance, so it is refused when the session moved past `expected_version`, the version
    the list was opened at."""
    now = now or timezone.now()
    _session_saved(session, expected_version=expected_version)
    present, excused = set(present_ids), set(excused_ids) - set(present_ids)
    roster = {o.pk: o for o in session_roster(session=session)}
    extra = User.objects.filter(bureau_id=session.bureau_id, pk__in=present - roster.keys(), unit__isnull=False)
    roster.update({o.pk: o for o in extra})
    rows = []
    for pk, officer in roster.items():
        status = (
            AttendanceStatus.PRESENT
            if pk in present
            else AttendanceStatus.EXCUSED
            if pk in excused
            else AttendanceStatus.ABSENT
        )
        rows.append(
            Attendance(
                bureau_id=session.bureau_id,
                session=session,
                officer_id=pk,
                unit_id=officer.unit_id,
                status=status,
                source=AttendanceSource.LIST,
                signed_at=now if status == AttendanceStatus.PRESENT else None,
            )
        )
    _upsert_attendance(session, rows, overwrite=True)
    return len(present & roster.keys())


def _session_saved(session: TrainingSession, *, expected_version: int | None = None) -> None:
    """Lock the session, check the version its attendance was opened at, count one more."""
    locked = lock_at_version(TrainingSession, pk=session.pk, expected=expected_version, message=ATTENDANCE_STALE)
    locked.version += 1
    locked.save(update_fields=["version"])
    session.version = locked.version


ATTENDANCE_COLUMNS = {
    "police_number": ("警号", "police number", "police_number"),
    "name": ("姓名", "name"),
    "signed_at": ("签到时间", "signed in at", "time"),
}


@transaction.atomic
def attendance_import(*, session: TrainingSession, upload, now: datetime | None = None) -> ImportResult:
    """A sign-in sheet: each listed officer present; an unknown police number is named in the
    errors and the other rows are still loaded; the rest of the roster is marked absent (unless
    already recorded)."""
    rows = read_rows(upload, ATTENDANCE_COLUMNS, required=("police_number",))
    # A sheet adds to what is recorded; an attendance list opened before it is refused afterwards.
    _session_saved(session)
    numbers = {cell_text(row.get("police_number")) for _n, row in rows}
    officers = {
        o.police_number: o
        for o in User.objects.filter(bureau_id=session.bureau_id, police_number__in=numbers, unit__isnull=False)
    }
    result = ImportResult()
    present: list[Attendance] = []
    seen: set[int] = set()
    for number, row in rows:
        police_number = cell_text(row.get("police_number"))
        officer = officers.get(police_number)
        if not police_number:
            result.errors.append(RowError(number, _("The police number is empty.")))
            continue
        if officer is None:
            result.errors.append(
                RowError(
                    number, _("No officer with police number %(number)s in this bureau.") % {"number": police_number}
                )
            )
            continue
        name = cell_text(row.get("name"))
        if name and name != officer.name:
            result.errors.append(
                RowError(
                    number,
                    _("Police number %(number)s belongs to %(officer)s, not %(name)s; the row was not loaded.")
                    % {"number": police_number, "officer": officer.name, "name": name},
                )
            )
            continue
        if officer.pk in seen:
            result.skipped += 1
            continue
        seen.add(officer.pk)
        signed_at = row.get("signed_at")
        if isinstance(signed_at, datetime):
            signed_at = timezone.make_aware(signed_at) if timezone.is_naive(signed_at) else signed_at
        else:
            signed_at = now or timezone.now()
        present.append(
            Attendance(
                bureau_id=session.bureau_id,
                session=session,
                officer=officer,
                unit_id=officer.unit_id,
                status=AttendanceStatus.PRESENT,
                source=AttendanceSource.IMPORT,
                signed_at=signed_at,
            )
        )
    _upsert_attendance(session, present, overwrite=True)
    result.created = len(present)
    absent = [
        Attendance(
            bureau_id=session.bureau_id,
            session=session,
            officer=o,
            unit_id=o.unit_id,
            status=AttendanceStatus.ABSENT,
            source=AttendanceSource.IMPORT,
        )
        for o in session_roster(session=session)
        if o.pk not in seen
    ]
    _upsert_attendance(session, absent, overwrite=False)
    return result


# --- Qualifications ------------------------------------------------------------------------


@transaction.atomic
def qualification_record(
    *,
    officer: User,
    kind: str,
    obtained_on: date,
    expires_on: date | None = None,
    certificate_number: str = "",
    subjective_passed: bool = False,
) -> Qualification:
    if kind == QualificationKind.LEGAL_EXAM and expires_on is not None:
        raise TrainingRefused(_("The national legal exam certificate does not expire."), code="bad_expiry")
    if expires_on is not None and expires_on <= obtained_on:
        raise TrainingRefused(_("The expiry date must be after the date obtained."), code="bad_expiry")
    return Qualification.objects.create(
        bureau_id=officer.bureau_id,
        officer=officer,
        kind=kind,
        obtained_on=obtained_on,
        expires_on=expires_on,
        certificate_number=certificate_number,
        subjective_passed=subjective_passed if kind == QualificationKind.LEGAL_EXAM else False,
    )


_REMINDERS = """
INSERT INTO training_qualificationreminder
       (bureau_id, qualification_id, officer_id, days_before, expires_on, created_at)
SELECT q.bureau_id, q.id, q.officer_id,
       CASE WHEN q.expires_on - %(today)s <= %(s3)s THEN %(s3)s
            WHEN q.expires_on - %(today)s <= %(s2)s THEN %(s2)s
            ELSE %(s1)s END,
       q.expires_on, %(now)s
FROM training_qualification q
JOIN org_user u ON u.id = q.officer_id AND u.is_active
WHERE q.expires_on >= %(today)s AND q.expires_on <= %(today)s + %(s1)s
ON CONFLICT (qualification_id, expires_on, days_before) DO NOTHING
RETURNING bureau_id, officer_id, qualification_id, days_before, expires_on
"""


@transaction.atomic
def qualification_reminders_create(*, now: datetime | None = None) -> int:
    """One reminder per qualification per stage (90, 30, 7 days before expiry); safe to run twice.
    Each new reminder also reaches the officer's inbox (the bell)."""
    now = now or timezone.now()
    s1, s2, s3 = REMINDER_STAGES
    with connection.cursor() as cursor:
        cursor.execute(_REMINDERS, {"today": timezone.localdate(now), "now": now, "s1": s1, "s2": s2, "s3": s3})
        created = cursor.fetchall()
    kinds = dict(Qualification.objects.filter(pk__in=[row[2] for row in created]).values_list("pk", "kind"))
    labels = dict(QualificationKind.choices)
    url = reverse("training:qualifications")
    with translation.override(settings.LANGUAGE_CODE):
        for bureau_id, officer_id, qualification_id, days_before, expires_on in created:
            title = _("Your %(qualification)s expires on %(date)s (within %(days)d days): renew it in time.") % {
                "qualification": labels.get(kinds.get(qualification_id), ""),
                "date": expires_on.isoformat(),
                "days": days_before,
            }
            notify(recipients=[officer_id], kind=Kind.REMINDER, title=title, url=url, bureau=bureau_id)
    return len(created)


@transaction.atomic
def reminders_mark_read(*, officer: User, now: datetime | None = None) -> int:
    from training.models import QualificationReminder

    return QualificationReminder.objects.filter(officer=officer, read_at__isnull=True).update(
        read_at=now or timezone.now(), handled_by=officer
    )


@transaction.atomic
def reminders_handle(*, reminders, by: User, now: datetime | None = None) -> int:
    """A manager clears reminders of officers in their scope (`reminders`, already scoped by
    the caller's selector): renewed, or followed up. Each is cleared once."""
    return reminders.filter(read_at__isnull=True).update(read_at=now or timezone.now(), handled_by=by)


# --- Competitions (法制比武) ------------------------------------------------------------------


@transaction.atomic
def competition_create(
    *, bureau_id: int, title: str, held_on: date, description: str = "", round_names: Sequence[str] = ()
) -> Competition:
    competition = Competition.objects.create(bureau_id=bureau_id, title=title, held_on=held_on, description=description)
    CompetitionRound.objects.bulk_create(
        [
            CompetitionRound(bureau_id=bureau_id, competition=competition, name=name, position=n)
            for n, name in enumerate(round_names, start=1)
        ]
    )
    return competition


@transaction.atomic
def competition_round_add(*, competition: Competition, name: str) -> CompetitionRound:
    """A round after the last one. The competition's row is locked so that two rounds added at
    once do not take the same place."""
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    if competition.rounds.filter(name=name).exists():
        raise TrainingRefused(_("The competition already has a round “%(name)s”.") % {"name": name}, code="exists")
    last = competition.rounds.order_by("-position").values_list("position", flat=True).first() or 0
    return CompetitionRound.objects.create(
        bureau_id=competition.bureau_id, competition=competition, name=name, position=last + 1
    )


@transaction.atomic
def competition_team_add(*, competition: Competition, name: str, unit: Unit) -> CompetitionTeam:
    if unit.bureau_id != competition.bureau_id:
        raise TrainingRefused(_("The team's unit must belong to the bureau."), code="bad_unit")
    try:
        with transaction.atomic():
            return CompetitionTeam.objects.create(
                bureau_id=competition.bureau_id, competition=competition, name=name, unit=unit
            )
    except IntegrityError:
        raise TrainingRefused(
            _("The competition already has a team “%(name)s”.") % {"name": name}, code="exists"
        ) from None


@transaction.atomic
def competition_score_record(
    *, round: CompetitionRound, team: CompetitionTeam, officer: User, score: Decimal
) -> CompetitionScore:
    """An officer's score in a round, for their team; entering it again corrects it (a new
    version of the row, the history keeps the old one)."""
    if round.competition_id != team.competition_id:
        raise TrainingRefused(_("The round and the team are of different competitions."), code="bad_team")
    if officer.bureau_id != round.bureau_id:
        raise TrainingRefused(_("The officer is not of this bureau."), code="bad_officer")
    if score < 0:
        raise TrainingRefused(_("A score cannot be negative."), code="bad_score")
    other_team = (
        CompetitionScore.objects.filter(round__competition_id=round.competition_id, officer=officer)
        .exclude(team=team)
        .exists()
    )
    if other_team:
        raise TrainingRefused(
            _("%(name)s already competes for another team of this competition.") % {"name": officer.name},
            code="other_team",
        )
    row, created = CompetitionScore.objects.select_for_update().get_or_create(
        round=round,
        officer=officer,
        defaults={
            "bureau_id": round.bureau_id,
            "team": team,
            "unit_id": officer.unit_id or team.unit_id,
            "score": score,
        },
    )
    if not created:
        row.score, row.team = score, team
        row.version += 1
        row.save(update_fields=["score", "team", "version"])
    return row


# --- Case-review tests, guidance, talent pool ----------------------------------------------


@transaction.atomic
def case_review_record(
    *,
    leader: User,
    held_on: date,
    case_file: str,
    problems_planted: int,
    problems_found: int,
    examiner: User | None,
    remarks: str = "",
) -> CaseReviewTest:
    """The score is the share of the problems planted in the file that the leader found."""
    if leader.unit_id is None:
        raise TrainingRefused(_("The leader must belong to a unit."), code="no_unit")
    if problems_planted <= 0 or not 0 <= problems_found <= problems_planted:
        raise TrainingRefused(
            _("Problems found must be between zero and the number planted in the file."), code="bad_counts"
        )
    score = (Decimal(problems_found) * 100 / problems_planted).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return CaseReviewTest.objects.create(
        bureau_id=leader.bureau_id,
        leader=leader,
        unit_id=leader.unit_id,
        held_on=held_on,
        case_file=case_file,
        problems_planted=problems_planted,
        problems_found=problems_found,
        score=score,
        examiner=examiner,
        remarks=remarks,
    )


@transaction.atomic
def guidance_publish(
    *,
    bureau_id: int,
    category: str,
    topic: str,
    title: str,
    steps: str,
    documents: str = "",
    deadlines: str = "",
    common_mistakes: str = "",
    legal_basis: str = "",
    by: User | None = None,
    now: datetime | None = None,
    expected_version: int | None = None,
) -> GuidanceEntry:
    """Publish guidance for a category and topic: a new version; the previous one is kept.
    `expected_version` is the current version the text was written from (0: the topic had no
    guidance); when another is current by now, the publication is refused."""
    current = (
        GuidanceEntry.objects.select_for_update()
        .filter(bureau_id=bureau_id, category=category, topic=topic, is_current=True)
        .first()
    )
    check_version(
        current.version if current else 0,
        expected_version,
        message=GUIDANCE_EXISTS if expected_version == 0 else GUIDANCE_STALE,
    )
    version = 1
    if current is not None:
        if GuidanceEntry.objects.filter(pk=current.pk, is_current=True).update(is_current=False) != 1:
            raise TrainingRefused(_("The guidance was changed by someone else; reload the page."), code="stale")
        version = current.version + 1
    return GuidanceEntry.objects.create(
        bureau_id=bureau_id,
        category=category,
        topic=topic,
        title=title,
        version=version,
        steps=steps,
        documents=documents,
        deadlines=deadlines,
        common_mistakes=common_mistakes,
        legal_basis=legal_basis,
        published_at=now or timezone.now(),
        published_by=by,
    )


@transaction.atomic
def talent_profile_save(
    *,
    officer: User,
    specialties: str,
    summary: str = "",
    available: bool = True,
    joined_on: date | None = None,
    expected_version: int | None = None,
) -> TalentProfile:
    """Put an officer in the talent pool, or change their entry: of the version the editor saw
    (`expected_version`), else refused."""
    existing = TalentProfile.objects.filter(officer=officer).values_list("pk", flat=True).first()
    if existing is None:
        try:
            with transaction.atomic():
                return TalentProfile.objects.create(
                    bureau_id=officer.bureau_id,
                    officer=officer,
                    specialties=specialties,
                    summary=summary,
                    available=available,
                    joined_on=joined_on or timezone.localdate(),
                )
        except IntegrityError:  # someone put the officer in the pool meanwhile
            existing = TalentProfile.objects.get(officer=officer).pk
            expected_version = 0 if expected_version is None else expected_version
    profile = lock_at_version(TalentProfile, pk=existing, expected=expected_version, message=TALENT_STALE)
    profile.specialties, profile.summary, profile.available = specialties, summary, available
    profile.version += 1
    profile.save(update_fields=["specialties", "summary", "available", "version"])
    return profile


@transaction.atomic
def talent_profile_remove(*, profile: TalentProfile, expected_version: int | None = None) -> None:
    """Take an officer out of the talent pool (the history keeps the entry)."""
    profile = lock_at_version(TalentProfile, pk=profile.pk, expected=expected_version, message=TALENT_STALE)
    profile.delete()
