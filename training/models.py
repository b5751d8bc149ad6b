"""Legal training (DESIGN §2.4): sessions and attendance, the question bank and spot tests
taken in the browser, qualifications, competitions, case-review tests, enforcement guidance
and the talent pool. Every table carries the bureau (the distribution key)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5
from django.utils.translation import gettext_lazy as _

from org.models import Bureau, Unit
from org.versioning import version_field

# --- Sessions and attendance ---------------------------------------------------------------


class SessionKind(models.TextChoices):
    WEEKLY_STUDY = "weekly_study", _("Weekly evening study")
    LECTURE = "lecture", _("Rule-of-law lecture")
    COURT_HEARING = "court_hearing", _("Court-hearing attendance")
    SHADOW = "shadow", _("Shadow learning")
    CASE_ANALYSIS = "case_analysis", _("Case problem analysis")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TrainingSession(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices)
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    organiser = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    for_all_units = models.BooleanField(_("for all units"), default=True)
    audience_units = models.ManyToManyField(
        Unit, through="SessionAudience", related_name="+", blank=True, verbose_name=_("audience units")
    )
    materials = models.TextField(_("materials"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = version_field()

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-held_on", "-id"]
        indexes = [
            # Serves the statistics: sessions of a bureau in a period.
            models.Index(fields=["bureau", "held_on"], name="training_session_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SessionAudience(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="audience")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("session audience")
        verbose_name_plural = _("session audiences")
        constraints = [models.UniqueConstraint(fields=["session", "unit"], name="training_audience_unique")]

    def __str__(self) -> str:
        return f"{self.session} · {self.unit}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("On leave")


class AttendanceSource(models.TextChoices):
    LIST = "list", _("Taken by list")
    IMPORT = "import", _("Sign-in sheet import")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Attendance(models.Model):
    """One officer at one session. `unit` is the officer's unit on the day (the record stays there)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=10, choices=AttendanceStatus.choices)
    source = models.CharField(_("source"), max_length=10, choices=AttendanceSource.choices)
    signed_at = models.DateTimeField(_("signed in at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "officer"], name="training_attendance_unique"),
        ]
        indexes = [
            # Serves an officer's training history.
            models.Index(fields=["officer", "session"], name="training_attend_officer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.officer}"


# --- Question bank and spot tests ----------------------------------------------------------


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True or false")


# Option letters; a true/false question is answered "T" or "F".
LETTERS = "ABCDEFGH"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Question(models.Model):
    """A question of the bank. Never edited once used: retire it and import a new one."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    kind = models.CharField(_("question type"), max_length=12, choices=QuestionKind.choices)
    text = models.TextField(_("question"))
    options = models.JSONField(_("options"), default=list, blank=True)
    answer = models.CharField(_("answer key"), max_length=8)
    law = models.CharField(_("law"), max_length=100)
    topic = models.CharField(_("topic"), max_length=100)
    explanation = models.TextField(_("explanation"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = version_field()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["topic", "id"]
        constraints = [
            # A re-imported sheet adds nothing twice (the text may be too long for a plain b-tree key).
            models.UniqueConstraint(F("bureau"), MD5("text"), name="training_question_text_unique"),
            models.CheckConstraint(condition=~Q(answer=""), name="training_question_has_answer_key"),
        ]
        indexes = [
            # Serves test assembly: active questions of a bureau by topic.
            models.Index(fields=["bureau", "topic"], condition=Q(is_active=True), name="training_question_topic_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def lettered_options(self) -> list[tuple[str, str]]:
        if self.kind == QuestionKind.TRUE_FALSE:
            return [("T", str(_("True"))), ("F", str(_("False")))]
        return list(zip(LETTERS, self.options, strict=False))


class TestStatus(models.TextChoices):
    DRAFT = "draft", _("Not yet open")
    OPEN = "open", _("Open for taking")
    CLOSED = "closed", _("Closed to new starts")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class SpotTest(models.Model):
    """A spot test (法律知识抽测): questions drawn per officer by rule, taken within a time limit."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=TestStatus.choices, default=TestStatus.DRAFT)
    # [{"topic": "...", "count": N}, …]: N questions per topic, drawn per officer.
    rules = models.JSONField(_("assembly rule"), default=list)
    time_limit_minutes = models.PositiveSmallIntegerField(_("time limit (minutes)"), default=30)
    pass_score = models.PositiveSmallIntegerField(_("pass line"), default=60)
    partial_credit = models.BooleanField(
        _("half credit for an incomplete multiple choice"),
        default=False,
        help_text=_("Off: a multiple-choice question scores only when every correct option and no other is chosen."),
    )
    question_seed = models.BigIntegerField(_("question seed"))
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    # The sampling (抽测), recorded so that it can be redrawn and checked.
    sample_seed = models.BigIntegerField(_("sampling seed"), null=True, blank=True)
    sample_size = models.PositiveIntegerField(_("sample size"), null=True, blank=True)
    population_count = models.PositiveIntegerField(_("officers sampled from"), null=True, blank=True)
    # The ids drawn from, so that a redraw gives the same officers after transfers and departures.
    population_ids = ArrayField(
        models.BigIntegerField(), default=list, blank=True, verbose_name=_("officers sampled from (ids)")
    )
    sample_unit_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, verbose_name=_("units sampled"))
    sampled_at = models.DateTimeField(_("sampled at"), null=True, blank=True)
    held_on = models.DateField(_("date"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    version = version_field()

    class Meta:
        verbose_name = _("spot test")
        verbose_name_plural = _("spot tests")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(pass_score__lte=100), name="training_test_pass_score_percent"),
            models.CheckConstraint(condition=Q(time_limit_minutes__gt=0), name="training_test_time_limit_positive"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def question_count(self) -> int:
        return sum(int(rule["count"]) for rule in self.rules)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Candidate(models.Model):
    """An officer drawn for a test (or every officer of the units, when not sampled)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    test = models.ForeignKey(SpotTest, on_delete=models.CASCADE, related_name="candidates")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("test candidate")
        verbose_name_plural = _("test candidates")
        constraints = [models.UniqueConstraint(fields=["test", "officer"], name="training_candidate_unique")]
        indexes = [models.Index(fields=["officer"], name="training_candidate_officer_idx")]

    def __str__(self) -> str:
        return f"{self.test} · {self.officer}"


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    EXPIRED = "expired", _("Scored at the time limit")


# The allowed transitions, in one place.
ATTEMPT_TRANSITIONS = {
    AttemptStatus.IN_PROGRESS: (AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED),
    AttemptStatus.SUBMITTED: (),
    AttemptStatus.EXPIRED: (),
}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Attempt(models.Model):
    """One officer taking one test. The server keeps the time: `deadline` is set at start."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    test = models.ForeignKey(SpotTest, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("test"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    status = models.CharField(
        _("status"), max_length=12, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    seed = models.BigIntegerField(_("question seed"))
    question_ids = ArrayField(models.BigIntegerField(), verbose_name=_("questions"))
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    correct_count = models.PositiveSmallIntegerField(_("correct"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("test attempt")
        verbose_name_plural = _("test attempts")
        constraints = [
            models.UniqueConstraint(fields=["test", "officer"], name="training_attempt_once"),
            models.CheckConstraint(
                condition=Q(deadline__gt=F("started_at")), name="training_attempt_deadline_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(finished_at__isnull=False),
                name="training_attempt_finished_is_scored",
            ),
        ]
        indexes = [
            # Serves the expiry task: SELECT … WHERE status = 'in_progress' AND deadline <= now.
            models.Index(fields=["deadline"], condition=Q(status="in_progress"), name="training_attempt_open_idx"),
            models.Index(fields=["officer", "started_at"], name="training_attempt_officer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.test} · {self.officer}"

    @property
    def is_finished(self) -> bool:
        return self.status != AttemptStatus.IN_PROGRESS


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Answer(models.Model):
    """The officer's latest choice for one question of an attempt (upserted as they click)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    choice = models.CharField(_("choice"), max_length=8)
    answered_at = models.DateTimeField(_("answered at"))
    credit = models.DecimalField(_("credit"), max_digits=3, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="training_answer_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.question_id}"


# --- Qualifications ------------------------------------------------------------------------


class QualificationKind(models.TextChoices):
    LEGAL_EXAM = "legal_exam", _("National legal professional exam")
    BASIC = "basic", _("Basic law-enforcement qualification")
    INTERMEDIATE = "intermediate", _("Intermediate law-enforcement qualification")
    ADVANCED = "advanced", _("Advanced law-enforcement qualification")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Qualification(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="qualifications", verbose_name=_("officer")
    )
    kind = models.CharField(_("qualification"), max_length=15, choices=QualificationKind.choices)
    obtained_on = models.DateField(_("obtained on"))
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=40, blank=True)
    # 法考: the subjective part is passed separately after the objective part.
    subjective_passed = models.BooleanField(_("subjective part passed"), default=False)
    version = version_field()

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["officer__police_number", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "kind", "obtained_on"], name="training_qualification_unique"),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(expires_on__gt=F("obtained_on")),
                name="training_qualification_expires_after_obtained",
                violation_error_message=_("The expiry date must be after the date obtained."),
            ),
        ]
        indexes = [
            # Serves the reminder task: qualifications expiring before a date.
            models.Index(fields=["expires_on"], condition=Q(expires_on__isnull=False), name="training_qual_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} · {self.get_kind_display()}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class QualificationReminder(models.Model):
    """A reminder that a qualification expires soon, written by the nightly task (once per stage)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    qualification = models.ForeignKey(Qualification, on_delete=models.CASCADE, related_name="reminders")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    days_before = models.PositiveSmallIntegerField(_("days before expiry"))
    expires_on = models.DateField(_("expires on"))
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Who cleared it: the officer (read), or a manager who handled it for the officer.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    class Meta:
        verbose_name = _("qualification reminder")
        verbose_name_plural = _("qualification reminders")
        ordering = ["expires_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["qualification", "expires_on", "days_before"], name="training_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.qualification} · {self.days_before}"


# --- Competitions --------------------------------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Competition(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    description = models.TextField(_("description"), blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("legal competition")
        verbose_name_plural = _("legal competitions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CompetitionRound(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("round"), max_length=100)
    position = models.PositiveSmallIntegerField(_("order"), default=1)

    class Meta:
        verbose_name = _("competition round")
        verbose_name_plural = _("competition rounds")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "position"], name="training_round_position_unique")
        ]

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CompetitionTeam(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team"), max_length=100)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))

    class Meta:
        verbose_name = _("competition team")
        verbose_name_plural = _("competition teams")
        constraints = [models.UniqueConstraint(fields=["competition", "name"], name="training_team_name_unique")]

    def __str__(self) -> str:
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CompetitionScore(models.Model):
    """One competitor's score in one round; a team's score is the sum of its members'."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    round = models.ForeignKey(CompetitionRound, on_delete=models.CASCADE, related_name="scores")
    team = models.ForeignKey(CompetitionTeam, on_delete=models.CASCADE, related_name="scores")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=1)
    version = version_field()

    class Meta:
        verbose_name = _("competition score")
        verbose_name_plural = _("competition scores")
        constraints = [models.UniqueConstraint(fields=["round", "officer"], name="training_score_once_per_round")]

    def __str__(self) -> str:
        return f"{self.round} · {self.officer}"


# --- Case-review tests for middle leaders --------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CaseReviewTest(models.Model):
    """A middle leader reviews prepared case files (案件审核测试); the score feeds the duty evaluation."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit leader")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    held_on = models.DateField(_("date"))
    case_file = models.CharField(_("case file reviewed"), max_length=200)
    problems_planted = models.PositiveSmallIntegerField(_("problems in the file"))
    problems_found = models.PositiveSmallIntegerField(_("problems found"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1)
    examiner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("examiner")
    )
    remarks = models.TextField(_("remarks"), blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("case-review test")
        verbose_name_plural = _("case-review tests")
        ordering = ["-held_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(problems_found__lte=F("problems_planted")), name="training_review_found_le_planted"
            ),
            models.CheckConstraint(condition=Q(score__gte=0, score__lte=100), name="training_review_score_range"),
        ]

    def __str__(self) -> str:
        return f"{self.leader} · {self.case_file}"


# --- Enforcement guidance ------------------------------------------------------------------


class GuidanceCategory(models.TextChoices):
    """The incident categories of intake, by the same codes."""

    CRIMINAL = "criminal", _("Criminal")
    ADMINISTRATIVE = "administrative", _("Administrative (public order)")
    DISPUTE = "dispute", _("Dispute")
    HELP = "help", _("Request for help")
    OTHER = "other", _("Other")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class GuidanceEntry(models.Model):
    """One version of the guidance for a category and topic; a correction is a new version."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    category = models.CharField(_("incident category"), max_length=20, choices=GuidanceCategory.choices)
    topic = models.CharField(_("topic"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    steps = models.TextField(_("steps"))
    documents = models.TextField(_("documents"), blank=True)
    deadlines = models.TextField(_("deadlines"), blank=True)
    common_mistakes = models.TextField(_("common mistakes"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("published by")
    )

    class Meta:
        verbose_name = _("enforcement guidance")
        verbose_name_plural = _("enforcement guidance")
        ordering = ["category", "topic", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "category", "topic", "version"], name="training_guidance_version"
            ),
            # One current version per topic; serves guidance_for_category().
            models.UniqueConstraint(
                fields=["bureau", "category", "topic"], condition=Q(is_current=True), name="training_guidance_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


# --- Talent pool ---------------------------------------------------------------------------


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TalentProfile(models.Model):
    """An officer in the legal talent pool (法制人才库), to be called on for difficult cases."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    officer = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talent_profile", verbose_name=_("officer")
    )
    specialties = models.CharField(_("specialties"), max_length=300, help_text=_("Separated by commas."))
    summary = models.TextField(_("experience"), blank=True)
    available = models.BooleanField(_("available for consultation"), default=True)
    joined_on = models.DateField(_("joined the pool on"))
    version = version_field()

    class Meta:
        verbose_name = _("talent pool member")
        verbose_name_plural = _("talent pool")

    def __str__(self) -> str:
        return str(self.officer)
