"""Inspections (DESIGN §2.3): findings, the rectification loop, error accountability with
notices and exemptions, case-handling points, the interference register, the leaders' duty
roster and the supervision committee's periods."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.models import Alert, Case, CaseKind, Severity, Step, StepKind
from intake.models import Incident
from org.models import Bureau, Unit
from org.versioning import version_field

# --- Finding categories (shared reference data, like the control rules) ---


# The maintained list of problem categories: who renamed or retired one matters to the reports.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class FindingCategory(models.Model):
    """A kind of enforcement problem (执法问题类别), maintained by administrators. A confirmed alert
    falls in the category that lists its rule's code; "other" catches the rest."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=60)
    rule_codes = ArrayField(models.CharField(max_length=10), verbose_name=_("control rules"), default=list, blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    version = version_field()

    class Meta:
        verbose_name = _("finding category")
        verbose_name_plural = _("finding categories")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return self.name


OTHER_CATEGORY = "other"


class Source(models.TextChoices):
    ALERT = "alert", _("Confirmed alert")
    CALL_110 = "call110", _("110 call check")
    WALK_IN = "walk_in", _("Walk-in report check")
    PHONE = "phone", _("Phone report check")
    CASE_FILE = "case_file", _("Case file review")
    CASE_CENTRE = "case_centre", _("Case-handling centre patrol")
    OTHER = "other", _("Other inspection")


# --- The supervision committee's periods (declared first: a finding may belong to a campaign) ---


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CommitteePeriod(models.Model):
    """One period of the supervision committee (执法监督管理委员会): the generated analysis of the
    period's findings, and the chronic problem (顽疾) it chose for a special campaign."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    label = models.CharField(_("period name"), max_length=20)
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    analysis = models.JSONField(_("analysis"), default=dict, blank=True)
    generated_at = models.DateTimeField(_("analysed at"), null=True, blank=True)
    chronic_category = models.ForeignKey(
        FindingCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chronic problem"),
    )
    campaign_title = models.CharField(_("special campaign"), max_length=200, blank=True)
    campaign_ends = models.DateField(_("campaign ends"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("committee period")
        verbose_name_plural = _("committee periods")
        ordering = ["-start"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "start", "end"], name="committee_period_unique"),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="committee_period_ends_after_start"),
            models.CheckConstraint(
                condition=Q(chronic_category__isnull=True) | (Q(decided_at__isnull=False) & ~Q(campaign_title="")),
                name="committee_choice_has_campaign",
            ),
        ]

    def __str__(self) -> str:
        return self.label


# --- Findings ---


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Finding(models.Model):
    """An enforcement problem (执法问题) found by an inspection or by a confirmed red alert."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    # Indexed by finding_unit_idx.
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    category = models.ForeignKey(
        FindingCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("problem category"), db_index=False
    )
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MEDIUM)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    # One finding per confirmed alert: the unique index makes a second run insert nothing.
    alert = models.OneToOneField(
        Alert, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("alert")
    )
    incident = models.ForeignKey(
        Incident,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("incident"),
        db_index=False,
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case"), db_index=False
    )
    description = models.TextField(_("problem found"))
    occurred_at = models.DateTimeField(_("happened at"))
    found_at = models.DateTimeField(_("found at"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("inspector"),
        db_index=False,
    )
    # The officers involved (user ids), like the officers present at a case step.
    officers = ArrayField(models.BigIntegerField(), verbose_name=_("officers involved"), default=list, blank=True)
    cross_inspection = models.BooleanField(_("cross-inspection"), default=False)
    campaign = models.ForeignKey(
        CommitteePeriod,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="campaign_findings",
        verbose_name=_("special campaign"),
        db_index=False,
    )
    # The bureau's rule: a trivial defect may be left out of the leaders' duty evaluation.
    excluded_from_scoring = models.BooleanField(_("excluded from scoring"), default=False)
    exclusion_reason = models.CharField(_("why excluded"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enforcement problem")
        verbose_name_plural = _("enforcement problems")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source="alert") | Q(alert__isnull=False), name="finding_from_alert_names_it"
            ),
            models.CheckConstraint(
                condition=Q(excluded_from_scoring=False) | ~Q(exclusion_reason=""),
                name="finding_exclusion_has_reason",
                violation_error_message=_("Say why the finding is excluded from scoring."),
            ),
        ]
        indexes = [
            # A unit's findings, newest first: WHERE unit_id IN (…) ORDER BY found_at DESC, id DESC.
            models.Index(fields=["unit", "-found_at", "-id"], name="finding_unit_idx"),
            # The committee's period analysis: WHERE bureau_id = … AND found_at BETWEEN … GROUP BY category.
            models.Index(fields=["bureau", "found_at", "category"], name="finding_period_idx"),
            # Findings that involve an officer: WHERE officers @> ARRAY[…].
            GinIndex(fields=["officers"], name="finding_officers_idx"),
            # A campaign's findings: WHERE campaign_id = ….
            models.Index(fields=["campaign"], condition=Q(campaign__isnull=False), name="finding_campaign_idx"),
        ]
        triggers = [pgtrigger.Protect(name="finding_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"#{self.pk} {self.category}"


# --- Rectification orders: the closed loop ---


class OrderStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    ANSWERED = "answered", _("Answered")
    RETURNED = "returned", _("Returned")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Signed off")


# The one table of the loop: whose move it is and what it may be.
ORDER_TRANSITIONS: dict[str, tuple[str, ...]] = {
    OrderStatus.ISSUED: (OrderStatus.ANSWERED,),
    OrderStatus.RETURNED: (OrderStatus.ANSWERED,),
    OrderStatus.ANSWERED: (OrderStatus.VERIFIED, OrderStatus.RETURNED),
    OrderStatus.VERIFIED: (OrderStatus.CLOSED,),
    OrderStatus.CLOSED: (),
}
# The unit owes an answer in these.
AWAITING_UNIT = (OrderStatus.ISSUED, OrderStatus.RETURNED)
OPEN_STATUSES = (OrderStatus.ISSUED, OrderStatus.RETURNED, OrderStatus.ANSWERED, OrderStatus.VERIFIED)

# Overdue is not a state but a mark beside it: an order still open when its deadline passes,
# whichever party's move it is (the unit's answer, or the inspector's verification and sign-off),
# is marked overdue by the escalation task (`overdue_at`, and an OrderEvent "→ overdue" from the
# state it was in) and stays overdue, in that state, until it is signed off; the loop goes on
# from the state as before. Only a return with a new deadline clears the mark.
OVERDUE = "overdue"
OVERDUE_MARKABLE = OPEN_STATUSES
# What an OrderEvent may record: a move of the table, or the overdue mark.
ORDER_EVENT_CHOICES = [*OrderStatus.choices, (OVERDUE, _("Overdue"))]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RectificationOrder(models.Model):
    """The order to a unit to fix a finding (整改), by a deadline."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    finding = models.OneToOneField(
        Finding, on_delete=models.PROTECT, related_name="order", verbose_name=_("enforcement problem")
    )
    requirement = models.TextField(_("what must be done"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.ISSUED)
    due_at = models.DateTimeField(_("deadline"))
    issued_at = models.DateTimeField(_("issued at"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("issued by"),
        db_index=False,
    )
    answered_at = models.DateTimeField(_("last answered at"), null=True, blank=True)
    times_returned = models.PositiveSmallIntegerField(_("times returned"), default=0)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
        db_index=False,
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
        db_index=False,
    )

    class Meta:
        verbose_name = _("rectification order")
        verbose_name_plural = _("rectification orders")
        constraints = [
            models.CheckConstraint(condition=Q(due_at__gt=F("issued_at")), name="order_due_after_issue"),
            models.CheckConstraint(
                condition=~Q(status__in=["verified", "closed"])
                | Q(verified_at__isnull=False, answered_at__isnull=False),
                name="order_verified_after_answer",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="order_closed_has_time"
            ),
        ]
        indexes = [
            # The escalation task: WHERE status IN (open) AND overdue_at IS NULL AND due_at < now.
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=["issued", "returned", "answered", "verified"], overdue_at__isnull=True),
                name="order_due_idx",
            ),
            # A unit's open orders by deadline, and the units' closure rates: WHERE unit_id IN (…) GROUP BY status.
            models.Index(fields=["unit", "status", "due_at"], name="order_unit_status_idx"),
        ]
        triggers = [pgtrigger.Protect(name="order_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return _("Rectification order %(id)s") % {"id": self.pk}

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        """Marked overdue and not yet signed off (the mark of a closed order is its history)."""
        return self.overdue_at is not None and self.is_open


class OrderAnswer(models.Model):
    """The unit's answer to an order (what was done); every round is kept."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    order = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, related_name="answers", verbose_name=_("rectification order")
    )
    text = models.TextField(_("what was done"))
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("answered by"),
        db_index=False,
    )
    answered_at = models.DateTimeField(_("answered at"))

    class Meta:
        verbose_name = _("answer to an order")
        verbose_name_plural = _("answers to orders")
        ordering = ["answered_at", "id"]
        triggers = [pgtrigger.Protect(name="order_answer_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.text[:40]


class OrderEvent(models.Model):
    """One transition of an order, with who and why: the loop's own readable trail
    (the database's audit trail records the same rows' changes)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    order = models.ForeignKey(
        RectificationOrder, on_delete=models.PROTECT, related_name="transitions", verbose_name=_("rectification order")
    )
    from_status = models.CharField(_("from"), max_length=10, choices=ORDER_EVENT_CHOICES, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=ORDER_EVENT_CHOICES)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("by"),
        db_index=False,
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("remark"), blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["at", "id"]
        triggers = [pgtrigger.Protect(name="order_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"

    @property
    def note_text(self) -> str:
        """The remark as shown: a system event stores a key (SYSTEM_NOTES), translated here."""
        label = SYSTEM_NOTES.get(self.note)
        return str(label) if label is not None else self.note


# The remarks the system writes on its own events, stored as these keys (rows written before
# the keys were introduced carry the same English words) and shown translated.
SYSTEM_NOTES = {
    "confirmed alert": _("Issued automatically from a confirmed alert"),
    "deadline passed": _("The deadline passed before the order was signed off"),
}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Attachment(models.Model):
    """Evidence of a finding or of an answer: stored under MEDIA_ROOT (never served by the web
    server), read back only through the scoped download view."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("enforcement problem")
    )
    answer = models.ForeignKey(
        OrderAnswer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("rectification answer"),
        db_index=False,
    )
    path = models.CharField(_("stored as"), max_length=200, unique=True)
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
        db_index=False,
    )
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]
        triggers = [pgtrigger.Protect(name="attachment_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.name


# --- Error accountability (执法过错责任追究) ---


class AccountabilityStatus(models.TextChoices):
    OPEN = "open", _("Under review")
    DECIDED = "decided", _("Decided")


ACCOUNTABILITY_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AccountabilityStatus.OPEN: (AccountabilityStatus.DECIDED,),
    AccountabilityStatus.DECIDED: (),
}


class Liability(models.TextChoices):
    DIRECT = "direct", _("Direct responsibility")
    LEADERSHIP = "leadership", _("Leadership responsibility (failure of duty)")


class Outcome(models.TextChoices):
    CRITICISM = "criticism", _("Criticism and education")
    WRITTEN_REVIEW = "written_review", _("Written self-criticism")
    NOTICE = "notice", _("Notice of criticism")
    POINTS = "points", _("Deduction of case-handling points")
    SUSPENSION = "suspension", _("Suspension of enforcement qualification")
    DISCIPLINARY = "disciplinary", _("Referred for disciplinary action")
    EXEMPTED = "exempted", _("Exempted (fault tolerance)")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AccountabilityCase(models.Model):
    """An error-accountability case opened from a finding, for the officers at fault and the
    leaders who should have caught it."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    finding = models.ForeignKey(
        Finding, on_delete=models.PROTECT, related_name="accountability_cases", verbose_name=_("enforcement problem")
    )
    summary = models.TextField(_("facts and fault"))
    status = models.CharField(
        _("status"), max_length=10, choices=AccountabilityStatus.choices, default=AccountabilityStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("opened by"),
        db_index=False,
    )
    opened_at = models.DateTimeField(_("opened at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("accountability case")
        verbose_name_plural = _("accountability cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False), name="accountability_decision_has_time"
            ),
        ]
        indexes = [
            # The list: WHERE unit_id IN (…) ORDER BY opened_at DESC.
            models.Index(fields=["unit", "-opened_at"], name="accountability_unit_idx"),
        ]
        triggers = [pgtrigger.Protect(name="accountability_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return _("Accountability case %(id)s") % {"id": self.pk}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AccountabilityDecision(models.Model):
    """What was decided for one officer of a case: an outcome, or an exemption with its grounds."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    case = models.ForeignKey(
        AccountabilityCase, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("case"), db_index=False
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer")
    )
    liability = models.CharField(_("liability"), max_length=12, choices=Liability.choices)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    points = models.PositiveSmallIntegerField(_("points deducted"), default=0)
    exemption_grounds = models.TextField(_("grounds for exemption"), blank=True)
    note = models.TextField(_("remark"), blank=True)

    class Meta:
        verbose_name = _("accountability decision")
        verbose_name_plural = _("accountability decisions")
        constraints = [
            models.UniqueConstraint(fields=["case", "officer"], name="accountability_one_decision_per_officer"),
            models.CheckConstraint(
                condition=~Q(outcome="exempted") | ~Q(exemption_grounds=""),
                name="accountability_exemption_has_grounds",
                violation_error_message=_("An exemption needs its grounds."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="points", points__gt=0) | (~Q(outcome="points") & Q(points=0)),
                name="accountability_points_only_for_deduction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id}: {self.outcome}"


class Notice(models.Model):
    """A bureau-wide notice (通报) that every officer of the bureau can read."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    case = models.OneToOneField(
        AccountabilityCase,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notice",
        verbose_name=_("accountability case"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("notice text"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issued by"),
        db_index=False,
    )
    issued_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [
            # The notice board: WHERE bureau_id = … ORDER BY issued_at DESC.
            models.Index(fields=["bureau", "-issued_at"], name="notice_board_idx"),
        ]
        triggers = [pgtrigger.Protect(name="notice_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.title


# --- Case-handling points (执法办案积分) ---


# The points rates decide every officer's standing: who changed one matters.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class PointsRate(models.Model):
    """Points earned for one stage (step kind) of a case of one kind: shared reference data."""

    case_kind = models.CharField(_("case kind"), max_length=16, choices=CaseKind.choices)
    stage = models.CharField(_("stage"), max_length=16, choices=StepKind.choices)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=1)
    version = version_field()

    class Meta:
        verbose_name = _("points rate")
        verbose_name_plural = _("points rates")
        constraints = [models.UniqueConstraint(fields=["case_kind", "stage"], name="points_rate_unique")]

    def __str__(self) -> str:
        return f"{self.case_kind} {self.stage}: {self.points}"


class PointsKind(models.TextChoices):
    EARNED = "earned", _("Earned")
    DEDUCTED = "deducted", _("Deducted")


class PointsEntry(models.Model):
    """One line of an officer's points ledger: earned for a case step, or deducted by an
    accountability decision. Never changed; a correction is a new line."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("officer"), db_index=False
    )
    on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=PointsKind.choices)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=1)
    # Earned: the step it was earned for (unique: the nightly award inserts nothing twice).
    step = models.OneToOneField(
        Step, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case step")
    )
    decision = models.OneToOneField(
        AccountabilityDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="points_entry",
        verbose_name=_("accountability decision"),
    )
    note = models.CharField(_("remark"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="earned", points__gt=0, step__isnull=False)
                | Q(kind="deducted", points__lt=0, decision__isnull=False),
                name="points_entry_sign_and_source",
            ),
        ]
        indexes = [
            # Standings of a period: WHERE bureau_id = … AND on BETWEEN … GROUP BY officer_id / unit_id.
            models.Index(fields=["bureau", "on", "unit", "officer"], name="points_period_idx"),
        ]
        triggers = [pgtrigger.Protect(name="points_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.on} {self.points}"


# --- Interference register (防止干预司法"三个规定") ---


class InterfererKind(models.TextChoices):
    LEADER = "leader", _("Leading official")
    COLLEAGUE = "colleague", _("Police colleague")
    JUDICIAL = "judicial", _("Judicial or procuratorial staff")
    OFFICIAL = "official", _("Other official")
    RELATIVE = "relative", _("Relative or friend of a party")
    OTHER = "other", _("Other person")


class InterferenceMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("Phone call")
    MESSAGE = "message", _("Message or letter")
    INTERMEDIARY = "intermediary", _("Through an intermediary")
    GIFT = "gift", _("Gift or favour offered")
    OTHER = "other", _("Other")


class InterferenceRecord(models.Model):
    """An attempt to interfere in a case, recorded by the officer it was made to. Never changed."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"), db_index=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    occurred_at = models.DateTimeField(_("when"))
    who_name = models.CharField(_("who"), max_length=60)
    who_position = models.CharField(_("position or relationship"), max_length=100, blank=True)
    who_kind = models.CharField(_("kind of person"), max_length=12, choices=InterfererKind.choices)
    method = models.CharField(_("how"), max_length=14, choices=InterferenceMethod.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("case"), db_index=False
    )
    case_reference = models.CharField(_("case (number or description)"), max_length=200, blank=True)
    description = models.TextField(_("what was asked"))
    response = models.TextField(_("how it was handled"), blank=True)

    class Meta:
        verbose_name = _("interference record")
        verbose_name_plural = _("interference register")
        constraints = [
            models.CheckConstraint(
                condition=Q(case__isnull=False) | ~Q(case_reference=""), name="interference_names_a_case"
            ),
        ]
        indexes = [
            # The supervisors' register and the reports' counts: WHERE bureau_id = … AND occurred_at BETWEEN ….
            models.Index(fields=["bureau", "-occurred_at"], name="interference_period_idx"),
        ]
        triggers = [pgtrigger.Protect(name="interference_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.who_name} {self.occurred_at:%Y-%m-%d}"


# --- Duty roster (坐堂值班表) ---


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class DutyShift(models.Model):
    """A unit leader's on-duty review shift: what arrives in the unit meanwhile is theirs to review."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("leader on duty"),
        db_index=False,
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="shift_ends_after_start",
                violation_error_message=_("A shift must end after it starts."),
            ),
            models.UniqueConstraint(fields=["leader", "starts_at"], name="shift_unique_per_leader"),
        ]
        indexes = [
            # The evaluation: a unit's shifts overlapping a period, WHERE unit_id = … AND starts_at < … AND ends_at > ….
            models.Index(fields=["unit", "starts_at", "ends_at"], name="shift_unit_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.leader_id} {self.starts_at:%Y-%m-%d %H:%M}"
