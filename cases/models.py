"""Cases and their steps, the control rules as data, the working-day calendar, alerts and
compliance runs (DESIGN §2.2, §3)."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.models import Colour, Incident
from org.models import Bureau, Unit
from org.versioning import version_field

# --- The working-day calendar (shared reference data, not per bureau) ---


class DayKind(models.TextChoices):
    WORKDAY = "workday", _("Working day")
    WEEKEND = "weekend", _("Weekend")
    HOLIDAY = "holiday", _("Public holiday")
    MAKEUP = "makeup", _("Make-up working day")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class CalendarDay(models.Model):
    """One calendar day and whether it is worked. Every day of each covered year has a row, so
    "first working day on or after" and "the n-th working day after" are index lookups in SQL."""

    day = models.DateField(_("day"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("holiday"), max_length=40, blank=True)
    # True for the years the State Council has published; later years are plain weekends.
    official = models.BooleanField(_("published by the State Council"), default=False)
    version = version_field()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_workday=True, kind__in=["workday", "makeup"])
                | Q(is_workday=False, kind__in=["weekend", "holiday"]),
                name="calendar_kind_matches_workday",
                violation_error_message=_(
                    "A working day is a weekday or a make-up day; a rest day a weekend or holiday."
                ),
            ),
        ]
        indexes = [
            # Serves cases_next_workday / cases_add_workdays: WHERE day >= … AND is_workday ORDER BY day.
            models.Index(fields=["day"], condition=Q(is_workday=True), name="calendar_workday_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_kind_display()}"


# --- Rules as data ---


class PeriodUnit(models.TextChoices):
    NONE = "none", _("No period")
    HOURS = "hours", _("Hours")
    DAYS = "days", _("Days")
    WORKING_DAYS = "working_days", _("Working days")
    MONTHS = "months", _("Months")


class RecordKind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    CASE = "case", _("Case")


class Severity(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


# The rules' parameters (periods, thresholds, enabled) decide what turns red: who changed them matters.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Rule(models.Model):
    """A control rule (管控细项). Its evaluation is SQL in cases/rules.py keyed by code; what it
    checks against (periods, lists, thresholds) lives here, editable by administrators."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    record_kind = models.CharField(_("checks"), max_length=10, choices=RecordKind.choices)
    period = models.PositiveIntegerField(_("period"), null=True, blank=True)
    period_unit = models.CharField(_("period counted in"), max_length=14, choices=PeriodUnit.choices)
    custody = models.BooleanField(
        _("custody period"), default=False, help_text=_("Runs while a person is held: not extended past rest days.")
    )
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The colour a breach gives: red raises an alert; yellow (a missing field, a waiting review) does not.
    breach_colour = models.CharField(
        _("colour when broken"), max_length=8, choices=[(Colour.RED, _("Red")), (Colour.YELLOW, _("Yellow"))]
    )
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices, default=Severity.MEDIUM)
    # Yellow once this share of a running period is spent (two thirds by default).
    warn_at = models.DecimalField(_("warn when spent"), max_digits=3, decimal_places=2, default=0.67)
    enabled = models.BooleanField(_("enabled"), default=True)
    version = version_field()

    class Meta:
        verbose_name = _("control rule")
        verbose_name_plural = _("control rules")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_unit="none") | Q(period__isnull=False, period__gt=0),
                name="rule_period_given_with_unit",
                violation_error_message=_("A rule counted in hours, days or months needs a period."),
            ),
            models.CheckConstraint(condition=Q(warn_at__gt=0, warn_at__lte=1), name="rule_warn_share_between_0_and_1"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Cases and their steps ---


class CaseKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Administrative case")
    CRIMINAL = "criminal", _("Criminal case")


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Being handled")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    TRANSFERRED = "transferred", _("Transferred for prosecution")
    CLOSED = "closed", _("Closed")


class Offence(models.TextChoices):
    THEFT = "theft", _("Theft")
    FRAUD = "fraud", _("Fraud")
    ROBBERY = "robbery", _("Robbery")
    ASSAULT = "assault", _("Assault")
    HOMICIDE = "homicide", _("Homicide")
    DRUGS = "drugs", _("Drug offence")
    ECONOMIC = "economic", _("Economic crime")
    GAMBLING = "gambling", _("Gambling")
    PUBLIC_ORDER = "public_order", _("Disturbing public order")
    CYBER = "cyber", _("Cyber crime")
    OTHER = "other", _("Other")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["colour", "colour_reasons", "colour_at"],
)
class Case(models.Model):
    """An administrative or criminal case opened from an accepted or filed incident."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    # Indexed by case_unit_idx.
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="cases", verbose_name=_("unit"), db_index=False
    )
    incident = models.OneToOneField(Incident, on_delete=models.PROTECT, related_name="case", verbose_name=_("incident"))
    number = models.CharField(_("case number"), max_length=40)
    kind = models.CharField(_("kind"), max_length=16, choices=CaseKind.choices)
    offence = models.CharField(_("offence"), max_length=16, choices=Offence.choices, default=Offence.OTHER)
    title = models.CharField(_("title"), max_length=200)
    lead_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead officer"),
        db_index=False,
    )
    opened_at = models.DateTimeField(_("accepted or filed at"))
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    closed_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    extension_approved = models.BooleanField(_("handling period extended (approved)"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    colour = models.CharField(_("colour"), max_length=8, choices=Colour.choices, default=Colour.GREEN)
    colour_reasons = models.JSONField(_("why this colour"), default=list, blank=True)
    colour_at = models.DateTimeField(_("colour checked at"), null=True, blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(status="open", closed_at__isnull=True) | (~Q(status="open") & Q(closed_at__isnull=False)),
                name="case_end_has_time",
            ),
        ]
        indexes = [
            # A unit's case list, newest first: WHERE unit_id = … ORDER BY opened_at DESC, id DESC.
            models.Index(fields=["unit", "-opened_at", "-id"], name="case_unit_idx"),
            # The home page's counts by colour: WHERE bureau_id = … GROUP BY unit_id, colour.
            models.Index(fields=["bureau", "unit", "colour"], name="case_colour_idx"),
        ]
        triggers = [pgtrigger.Protect(name="case_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN


class StepKind(models.TextChoices):
    SUMMONS = "summons", _("Summons")
    DETENTION = "detention", _("Criminal detention")
    INTERROGATION = "interrogation", _("Interrogation")
    QUESTIONING = "questioning", _("Questioning")
    ARREST_REQUEST = "arrest_request", _("Arrest request")
    ARREST_ANSWER = "arrest_answer", _("Procuratorate's answer")
    BAIL = "bail", _("Bail pending trial")
    SURVEILLANCE = "surveillance", _("Residential surveillance")
    CHECK_IN = "check_in", _("Check-in of a supervised person")
    SEARCH = "search", _("Search of a person or place")
    PROPERTY = "property", _("Property seized")
    WITHDRAWAL = "withdrawal", _("Case withdrawal")
    TRANSFER = "transfer", _("Transfer for prosecution")
    CLOSURE = "closure", _("Closure")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Step(models.Model):
    """One typed step of a case's timeline, with the times and people the rules read.
    Which columns a kind uses: see cases/forms.py STEP_FIELDS."""

    # What the unit enters for a step (the form, the API and the demo seeder use this list).
    ENTERED_FIELDS = (
        "kind",
        "person",
        "started_at",
        "ended_at",
        "delivered_at",
        "family_notified_at",
        "notice_exemption",
        "extended",
        "approved_period",
        "answer",
        "officers",
        "item",
        "quantity",
        "value",
        "custody_at",
        "disposed_at",
    )

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    # Indexed by step_case_kind_idx.
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, related_name="steps", verbose_name=_("case"), db_index=False
    )
    kind = models.CharField(_("step"), max_length=16, choices=StepKind.choices)
    person = models.CharField(_("person concerned"), max_length=60, blank=True)
    started_at = models.DateTimeField(_("at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    # Detention: delivered to the detention house, family notified (or why not).
    delivered_at = models.DateTimeField(_("delivered to the detention house at"), null=True, blank=True)
    family_notified_at = models.DateTimeField(_("family notified at"), null=True, blank=True)
    notice_exemption = models.CharField(_("family not notified because"), max_length=200, blank=True)
    # Summons extended to 24 h; detention: arrest-request period in days (3, up to 7, or 30);
    # bail and surveillance: the term in months.
    extended = models.BooleanField(_("extension approved"), default=False)
    approved_period = models.PositiveSmallIntegerField(_("approved period"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=100, blank=True)
    # Interrogation and questioning: the officers present (user ids).
    officers = ArrayField(models.BigIntegerField(), verbose_name=_("officers present"), default=list, blank=True)
    # Property seized.
    item = models.CharField(_("item"), max_length=100, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, null=True, blank=True)
    value = models.DecimalField(_("value (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    custody_at = models.DateTimeField(_("handed to property custody at"), null=True, blank=True)
    disposed_at = models.DateTimeField(_("disposed of at"), null=True, blank=True)
    disposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("disposed of by"),
        db_index=False,
    )
    # Withdrawal: approved by a leader.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
        db_index=False,
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("entered at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
        db_index=False,
    )
    # The unit leader's review of the step.
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        db_index=False,
    )
    version = version_field()

    class Meta:
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("started_at")),
                name="step_ends_after_start",
                violation_error_message=_("A step cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True) | Q(reviewed_by__isnull=False), name="step_review_has_reviewer"
            ),
        ]
        indexes = [
            # Every case rule reads steps of one kind per case: WHERE kind = … (AND case_id = ANY(…)),
            # and the timeline: WHERE case_id = … ORDER BY started_at.
            models.Index(fields=["case", "kind", "started_at"], name="step_case_kind_idx"),
            # The latest step of a case (CAS-12, 久侦不决) and the timeline in order:
            # WHERE case_id = … AND started_at <= … ORDER BY started_at DESC LIMIT 1.
            models.Index(fields=["case", "started_at"], name="step_case_time_idx"),
            # The nightly scans of one kind over the bureau (detentions, bail, property …).
            models.Index(fields=["kind", "case"], name="step_kind_idx"),
            # CAS-15, the leader's review queue: WHERE reviewed_at IS NULL.
            models.Index(
                fields=["unit", "created_at"], condition=Q(reviewed_at__isnull=True), name="step_unreviewed_idx"
            ),
        ]
        triggers = [pgtrigger.Protect(name="step_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.person}".strip()


# --- Alerts and runs ---


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved (record compliant)")


# The one table of review transitions; "resolved" is only set by the compliance run.
ALERT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AlertStatus.OPEN: (AlertStatus.CONFIRMED, AlertStatus.DISMISSED, AlertStatus.RESOLVED),
}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Alert(models.Model):
    """A broken rule (预警) on one record, waiting for review. Never deleted: when the record
    becomes compliant the run stamps cleared_at/cleared_reason (and an unreviewed alert
    becomes resolved); a reviewer confirms it with a note or dismisses it with a reason."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"), db_index=False)
    rule = models.ForeignKey(Rule, on_delete=models.PROTECT, verbose_name=_("rule"), db_index=False)
    # Every alert names its incident; a case rule's alert names the case too (one case per incident).
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="+", verbose_name=_("incident"), db_index=False
    )
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alerts",
        verbose_name=_("case"),
        db_index=False,
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("responsible officer"),
        db_index=False,
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("legal officer"),
        db_index=False,
    )
    severity = models.PositiveSmallIntegerField(_("severity"), choices=Severity.choices)
    due_at = models.DateTimeField(_("deadline"), null=True, blank=True)
    text = models.TextField(_("finding"))
    opened_at = models.DateTimeField(_("raised at"))
    status = models.CharField(_("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        db_index=False,
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.TextField(_("note or reason"), blank=True)
    cleared_at = models.DateTimeField(_("record compliant since"), null=True, blank=True)
    cleared_reason = models.CharField(_("why it cleared"), max_length=200, blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            # One live alert per rule and record: a second run (or two at once) inserts nothing twice.
            models.UniqueConstraint(
                fields=["rule", "incident"], condition=Q(cleared_at__isnull=True), name="alert_one_live_per_record"
            ),
            models.CheckConstraint(
                condition=~Q(status="dismissed") | ~Q(review_note=""),
                name="alert_dismissal_has_reason",
                violation_error_message=_("Say why the alert is dismissed."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["confirmed", "dismissed"]) | Q(reviewed_at__isnull=False),
                name="alert_review_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | Q(cleared_at__isnull=False), name="alert_resolved_has_time"
            ),
        ]
        indexes = [
            # The review queue: WHERE bureau_id = … AND status = 'open' (AND unit_id IN …) ORDER BY severity, opened_at.
            models.Index(
                fields=["bureau", "unit", "severity", "opened_at"], condition=Q(status="open"), name="alert_queue_idx"
            ),
            # A case's alerts on its page: WHERE case_id = ….
            models.Index(fields=["case"], condition=Q(case__isnull=False), name="alert_case_idx"),
            # An incident's alerts; the resolution pass reads the live ones: WHERE cleared_at IS NULL.
            models.Index(fields=["incident"], name="alert_incident_idx"),
        ]
        triggers = [pgtrigger.Protect(name="alert_never_deleted", operation=pgtrigger.Delete)]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.text}"


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: another run holds the lock")


class ComplianceRun(models.Model):
    """One nightly (or manual) run: what it checked, opened, resolved, and how long each rule took."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("bureau"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    as_of = models.DateTimeField(_("evaluated as of"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    rows_checked = models.BigIntegerField(_("records checked"), default=0)
    findings = models.BigIntegerField(_("findings"), default=0)
    alerts_opened = models.IntegerField(_("alerts raised"), default=0)
    alerts_resolved = models.IntegerField(_("alerts resolved"), default=0)
    recoloured = models.IntegerField(_("records recoloured"), default=0)
    timings = models.JSONField(_("seconds per rule"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("compliance run")
        verbose_name_plural = _("compliance runs")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.status}"
