"""The intake register (接报案登记): every incident report, its versions and decisions."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.validators import validate_amount, validate_id_card, validate_phone, validate_received_at
from org.crypto import EncryptedCharField, LookupHashField
from org.models import Bureau, Unit


class Channel(models.TextChoices):
    CALL_110 = "call110", _("110 emergency call")
    WALK_IN = "walk_in", _("Walk-in report")
    PHONE = "phone", _("Phone report")
    ONLINE = "online", _("Online report")
    TRANSFER = "transfer", _("Transferred")


class Category(models.TextChoices):
    CRIMINAL = "criminal", _("Criminal")
    ADMINISTRATIVE = "administrative", _("Public order")
    DISPUTE = "dispute", _("Dispute")
    HELP = "help", _("Request for help")
    OTHER = "other", _("Other")


class Disposition(models.TextChoices):
    PENDING = "pending", _("Awaiting decision")
    ACCEPTED = "accepted", _("Accepted as administrative case")
    FILED = "filed", _("Filed as criminal case")
    NOT_ACCEPTED = "not_accepted", _("Not accepted")
    NOT_FILED = "not_filed", _("Not filed")
    TRANSFERRED = "transferred", _("Transferred")
    MEDIATED = "mediated", _("Mediated")
    NO_CASE = "no_case", _("Not a case")


# Decisions that must say why (不予受理 / 不予立案 / 移送 / 非案件类).
DISPOSITIONS_NEEDING_REASON = (
    Disposition.NOT_ACCEPTED,
    Disposition.NOT_FILED,
    Disposition.TRANSFERRED,
    Disposition.NO_CASE,
)

# The one table of allowed decisions: a pending report may be decided once; a decision
# is changed only through the review of the legal affairs brigade, not here.
DISPOSITION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Disposition.PENDING: tuple(d for d in Disposition.values if d != Disposition.PENDING),
}


class Colour(models.TextChoices):
    GREEN = "green", _("Green")
    YELLOW = "yellow", _("Yellow")
    RED = "red", _("Red")


class Source(models.TextChoices):
    DESK = "desk", _("Logged at the desk")
    IMPORT = "import", _("Imported from dispatch")
    API = "api", _("Through the API")


class IncidentContent(models.Model):
    """What the reporter said: the part of a record that corrections change."""

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("received at"), validators=[validate_received_at])
    is_anonymous = models.BooleanField(_("anonymous reporter"), default=False)
    reporter_name = models.CharField(_("reporter"), max_length=60, blank=True)
    # Encrypted at rest (org/crypto.py); Python sees the plain value.
    reporter_id_number = EncryptedCharField(
        _("reporter's ID-card number"), plain_max_length=18, blank=True, validators=[validate_id_card]
    )
    reporter_phone = EncryptedCharField(
        _("contact phone"), plain_max_length=20, blank=True, validators=[validate_phone]
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(
        _("amount involved (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_amount],
    )
    summary = models.TextField(_("summary"))
    receiving_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving officer"),
        db_index=False,
    )

    CONTENT_FIELDS = (
        "channel",
        "received_at",
        "is_anonymous",
        "reporter_name",
        "reporter_id_number",
        "reporter_phone",
        "location",
        "category",
        "amount",
        "summary",
        "receiving_officer",
    )

    class Meta:
        abstract = True

    @classmethod
    def content_columns(cls) -> tuple[str, ...]:
        """The database columns of CONTENT_FIELDS, in order (receiving_officer → receiving_officer_id)."""
        return tuple(cls._meta.get_field(name).column for name in cls.CONTENT_FIELDS)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # The colour is recomputed every night; the alerts keep its history, not the audit trail.
    exclude=["colour", "colour_reasons", "colour_at"],
)
class Incident(IncidentContent):
    """One report (警情). The content columns mirror its latest version for fast lists;
    every version, the first included, is kept unchanged in IncidentVersion."""

    # Indexed by the composite indexes below (bureau, received_at) and (unit, received_at).
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("unit"), db_index=False
    )
    number = models.CharField(_("register number"), max_length=40)
    dispatch_id = models.CharField(_("dispatch incident id"), max_length=40, null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.DESK)
    version = models.PositiveIntegerField(_("version"), default=1)
    # Finds every report by the same ID number (INT-04, the list's ID filter) without decrypting.
    reporter_id_hash = LookupHashField(_("ID-number lookup hash"), source="reporter_id_number")
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("logged by"),
        db_index=False,
    )
    disposition = models.CharField(
        _("disposition"), max_length=16, choices=Disposition.choices, default=Disposition.PENDING
    )
    disposition_reason = models.TextField(_("reason"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
        db_index=False,
    )
    is_complex = models.BooleanField(_("complex (review period extended)"), default=False)
    # Three-colour tracking (DESIGN §3), written by the compliance rules of the cases app.
    # Database defaults as well, so that set-based inserts (imports, seeding) need not name them.
    colour = models.CharField(
        _("colour"), max_length=8, choices=Colour.choices, default=Colour.GREEN, db_default=Colour.GREEN
    )
    colour_reasons = models.JSONField(
        _("why this colour"), default=list, db_default=models.Value([], output_field=models.JSONField()), blank=True
    )
    colour_at = models.DateTimeField(_("colour checked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        constraints = [
            models.UniqueConstraint(fields=["bureau", "number"], name="incident_number_unique"),
            # Re-importing a dispatch export adds nothing twice.
            models.UniqueConstraint(
                fields=["bureau", "dispatch_id"],
                condition=Q(dispatch_id__isnull=False),
                name="incident_dispatch_unique",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="incident_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(disposition="pending") | Q(decided_at__isnull=False), name="incident_decision_has_time"
            ),
        ]
        indexes = [
            # The list of one unit, newest first, keyset-paged: WHERE unit_id = … AND received_at < …
            # ORDER BY received_at DESC, id DESC LIMIT 51.
            models.Index(fields=["unit", "-received_at", "-id"], name="incident_unit_time_idx"),
            # The same narrowed to a category, the desk's most common filter: WHERE unit_id = …
            # AND category = … AND received_at < … ORDER BY received_at DESC, id DESC LIMIT 51.
            models.Index(fields=["unit", "category", "-received_at", "-id"], name="incident_unit_cat_time_idx"),
            # The bureau-wide list of supervisors, same shape.
            models.Index(fields=["bureau", "-received_at", "-id"], name="incident_bureau_time_idx"),
            # The compliance rules' scan for undecided reports: WHERE disposition = 'pending'.
            models.Index(fields=["received_at"], condition=Q(disposition="pending"), name="incident_pending_idx"),
            # Repeat reports of the same reporter (INT-04): WHERE reporter_id_hash = …
            models.Index(
                fields=["bureau", "reporter_id_hash", "received_at"],
                condition=~Q(reporter_id_hash=""),
                name="incident_reporter_idx",
            ),
        ]
        triggers = [
            # Records the law cares about are never deleted, whoever asks.
            pgtrigger.Protect(name="incident_never_deleted", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_decided(self) -> bool:
        return self.disposition != Disposition.PENDING


class IncidentVersion(IncidentContent):
    """One version of an incident's content: version 1 as logged, then each correction
    with who, when and why. Rows are never changed or removed (a database trigger refuses).

    Like the audit trail's event tables, a version is a snapshot and its references carry no
    foreign-key constraint: each is written in the statement or transaction that writes the same
    values to the incident, where they are checked, and incidents and users are never deleted.
    A million imported reports skip four million constraint checks (~12 s) this way."""

    bureau = models.ForeignKey(
        Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False, db_constraint=False
    )
    # Indexed by the unique (incident, version).
    incident = models.ForeignKey(
        Incident, on_delete=models.PROTECT, related_name="versions", db_index=False, db_constraint=False
    )
    receiving_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("receiving officer"),
        db_index=False,
        db_constraint=False,
    )
    version = models.PositiveIntegerField(_("version"))
    reason = models.TextField(_("reason for correction"), blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("saved by"),
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        verbose_name = _("incident version")
        verbose_name_plural = _("incident versions")
        ordering = ["incident", "version"]
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"], name="incident_version_unique"),
            models.CheckConstraint(condition=Q(version=1) | ~Q(reason=""), name="incident_correction_has_reason"),
        ]
        triggers = [
            pgtrigger.Protect(name="incident_version_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} v{self.version}"


class IncidentCounter(models.Model):
    """The last sequence number used per unit and day: numbering without gaps.
    Incremented in the same transaction as the insert, so a rollback returns the number."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, db_index=False)  # the unique (unit, day) serves
    day = models.DateField()
    last = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="incident_counter_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.day}: {self.last}"


class ExtensionKind(models.TextChoices):
    ADMIN_COMPLEX = "admin_complex", _("Administrative, complex: review within 3 days")
    CRIMINAL_CHECK = "criminal_check", _("Criminal, clue to be checked: decide within 7 days")
    CRIMINAL_COMPLEX = "criminal_complex", _("Criminal, complex: decide within 30 days")


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ExtensionRequest(models.Model):
    """A request to extend the review period of a complex matter, approved by the unit leader."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, verbose_name=_("unit"))
    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="extension_requests")
    kind = models.CharField(_("extension"), max_length=20, choices=ExtensionKind.choices)
    reason = models.TextField(_("reason"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("extension request")
        verbose_name_plural = _("extension requests")
        constraints = [
            # One open request per incident at a time.
            models.UniqueConstraint(
                fields=["incident"], condition=Q(status="pending"), name="extension_one_pending_per_incident"
            ),
        ]
        indexes = [
            # The leader's queue: WHERE unit_id IN (…) AND status = 'pending' ORDER BY requested_at.
            models.Index(fields=["unit", "requested_at"], condition=Q(status="pending"), name="extension_queue_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind}"


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ImportJob(models.Model):
    """One upload of a dispatch export: what it loaded, skipped and refused."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT)
    file_name = models.CharField(_("file"), max_length=255)
    stored_path = models.CharField(max_length=500)
    size = models.BigIntegerField(_("size (bytes)"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_loaded = models.PositiveIntegerField(_("loaded"), default=0)
    rows_skipped = models.PositiveIntegerField(_("already imported"), default=0)
    rows_invalid = models.PositiveIntegerField(_("refused"), default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class ImportRowError(models.Model):
    # The job's bureau, so this table too can be distributed on the bureau (DESIGN §6); rows are
    # read through their job (import_error_row_idx), never by bureau alone.
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="row_errors")
    row_number = models.PositiveIntegerField(_("row"))
    dispatch_id = models.CharField(_("dispatch incident id"), max_length=200, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["job", "row_number"]
        indexes = [models.Index(fields=["job", "row_number"], name="import_error_row_idx")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.reason}"
