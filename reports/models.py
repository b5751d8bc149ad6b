"""Reports (DESIGN §4, §5): the metric registry, the stored monthly figures behind the
dashboard, and the annual rule-of-law report with its versions and builds.

Metric definitions are shared reference data (no bureau column, like the rules and the
holiday calendar); everything else carries the bureau, the distribution key."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from org.models import Bureau, Unit
from org.versioning import version_field


class Measure(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percentage")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


# Targets and formulas decide what is 'met': who changed one matters.
@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Metric(models.Model):
    """One enforcement figure of the registry. Its formula is chosen by code from
    reports.formulas.FORMULAS; the name and target are the province's and change as data."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    formula = models.CharField(_("formula"), max_length=60)
    description = models.TextField(_("definition"), blank=True)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    unit_label = models.CharField(_("unit of measure"), max_length=10, blank=True, help_text=_("E.g. 起, 人, 人次."))
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    target = models.DecimalField(_("target"), max_digits=10, decimal_places=2, null=True, blank=True)
    period = models.CharField(_("assessment period"), max_length=10, choices=PeriodKind.choices, default="year")
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    # Graded by the province (the 17): only these count in "N of M met".
    is_assessed = models.BooleanField(_("assessed by the province"), default=True)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    note = models.CharField(_("remark"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    version = version_field()

    class Meta:
        verbose_name = _("metric")
        verbose_name_plural = _("metrics")
        ordering = ["position", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        from reports.formulas import FORMULAS

        formula = FORMULAS.get(self.formula)
        if formula is None:
            raise ValidationError({"formula": _("No formula has this code.")})
        if self.is_enabled and not formula.available:
            raise ValidationError(
                {
                    "is_enabled": _("The source of this formula (%(source)s) is not yet available.")
                    % {"source": formula.source}
                }
            )
        if formula.kind == "count" and self.measure == Measure.PERCENT:
            raise ValidationError({"measure": _("This formula counts records; it cannot be a percentage.")})


class MonthlyFigure(models.Model):
    """A metric's numerator and denominator for one unit and month, written set-based by the
    refresh (nightly and on demand). Any period is a sum of months: every formula is additive."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, db_index=False)
    metric = models.ForeignKey(Metric, on_delete=models.CASCADE, db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, db_index=False)
    month = models.DateField()
    numerator = models.BigIntegerField(default=0)
    denominator = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["bureau", "month", "metric", "unit"], name="reports_figure_unique"),
        ]
        # The unique index serves the dashboard's read: WHERE bureau_id = … AND month >= … AND month < …
        # GROUP BY metric_id, unit_id; and the refresh's DELETE of a bureau's months.

    def __str__(self) -> str:
        return f"{self.metric_id} {self.unit_id} {self.month:%Y-%m}"


class AggregateRun(models.Model):
    """One refresh of the stored figures: when, which months, how long. Written in the same
    transaction as the figures, so a crashed refresh leaves the previous figures and no row."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, db_index=False)
    start = models.DateField()
    end = models.DateField()
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    rows = models.PositiveIntegerField(default=0)
    trigger = models.CharField(max_length=20, default="nightly")

    class Meta:
        indexes = [
            # The dashboard's "figures as of": the latest run of a bureau.
            models.Index(fields=["bureau", "-finished_at"], name="reports_run_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.bureau_id} {self.start}–{self.end}"


# --- The annual rule-of-law report -------------------------------------------------------


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# The parts of a report leadership edits (the figures are never typed).
EDITABLE_FIELDS = ("title", "organ", "doc_number", "addressees", "intro", "measures", "shortcomings", "plan")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class AnnualReport(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    title = models.CharField(_("title"), max_length=200)
    organ = models.CharField(_("issuing organ"), max_length=100)
    doc_number = models.CharField(_("document number"), max_length=60, blank=True)
    addressees = models.CharField(_("addressees"), max_length=200)
    intro = models.TextField(_("opening paragraph"), blank=True)
    measures = models.TextField(_("main measures and results"), blank=True)
    shortcomings = models.TextField(_("shortcomings and their causes"), blank=True)
    plan = models.TextField(_("next year's plan"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("created by")
    )
    updated_at = models.DateTimeField(_("saved at"), auto_now=True)
    # One more on each save of the texts: an editor open at an older version is refused.
    version = version_field()
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("published by")
    )
    signed_on = models.DateField(_("date of the document"), null=True, blank=True)
    # The data the published report was built from; the published files are rebuilt from it alone.
    snapshot = models.JSONField(_("data snapshot"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual rule-of-law report")
        verbose_name_plural = _("annual rule-of-law reports")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "year"], name="reports_annual_one_per_year"),
            models.CheckConstraint(
                condition=Q(status="draft")
                | Q(published_at__isnull=False, snapshot__isnull=False, signed_on__isnull=False),
                name="reports_annual_published_is_frozen",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.status == ReportStatus.PUBLISHED


class ReportRevision(models.Model):
    """A kept version of one edited part of a report. Typing saves into the latest revision
    of the same person for a few minutes; after that, or by someone else, a new one starts."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, db_index=False)
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    field = models.CharField(_("part"), max_length=20)
    text = models.TextField(_("text"))
    saved_at = models.DateTimeField(_("saved at"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("saved by")
    )

    class Meta:
        verbose_name = _("report version")
        verbose_name_plural = _("report versions")
        ordering = ["-saved_at", "-id"]
        indexes = [
            # The versions page and the autosave's "latest revision of this part".
            models.Index(fields=["report", "field", "-saved_at"], name="reports_revision_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.field} {self.saved_at:%Y-%m-%d %H:%M}"


class BuildKind(models.TextChoices):
    DRAFT = "draft", _("Draft files")
    FINAL = "final", _("Published files")


class BuildStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Generating")
    DONE = "done", _("Done")
    FAILED = "failed", _("Generation failed")


class ReportBuild(models.Model):
    """One generation of the DOCX and PDF from a snapshot. A final build is written once
    (queued → running → done, guarded) and its files are never replaced."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, db_index=False)
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="builds")
    kind = models.CharField(_("kind"), max_length=10, choices=BuildKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    snapshot = models.JSONField(_("data snapshot"))
    docx_path = models.CharField(max_length=500, blank=True)
    pdf_path = models.CharField(max_length=500, blank=True)
    docx_sha256 = models.CharField(max_length=64, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("requested by")
    )
    finished_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["report"], condition=Q(kind="final"), name="reports_build_one_final"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.status}"
