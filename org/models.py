"""The bureau, its units, its officers (who are the portal's users) and the
rotation of stationed legal officers. Scope rules live in org/scope.py."""

from __future__ import annotations

import pghistory
import pgtrigger
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.versioning import version_field


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Bureau(models.Model):
    """A county-level public-security bureau: the tenant key of every domain table."""

    code = models.CharField(_("bureau code"), max_length=12, unique=True)
    name = models.CharField(_("name"), max_length=100)
    version = version_field()

    class Meta:
        verbose_name = _("bureau")
        verbose_name_plural = _("bureaus")

    def __str__(self) -> str:
        return self.name


class UnitKind(models.TextChoices):
    INTAKE_CENTRE = "intake_centre", _("Intake centre")
    CASE_CENTRE = "case_centre", _("Case-handling centre")
    STATION = "station", _("Police station")
    BRIGADE = "brigade", _("Brigade")
    LEGAL = "legal", _("Legal affairs brigade")
    COMMAND = "command", _("Bureau command")


# Units that handle cases themselves (办案单位).
CASE_HANDLING_KINDS = (UnitKind.STATION, UnitKind.BRIGADE)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Unit(models.Model):
    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    code = models.CharField(_("unit code"), max_length=16)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    version = version_field()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["bureau", "code"], name="unit_code_unique_per_bureau"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def handles_cases(self) -> bool:
        return self.kind in CASE_HANDLING_KINDS


class Role(models.TextChoices):
    OFFICER = "officer", _("Station officer")
    UNIT_LEADER = "unit_leader", _("Unit leader")
    LEGAL_OFFICER = "legal_officer", _("Stationed legal officer")
    SUPERVISOR = "supervisor", _("Legal supervisor")
    LEADERSHIP = "leadership", _("Leadership")
    ADMIN = "admin", _("Administrator")


# Roles that see the whole bureau.
BUREAU_WIDE_ROLES = (Role.SUPERVISOR, Role.LEADERSHIP, Role.ADMIN)


class Rank(models.TextChoices):
    CONSTABLE_2 = "constable_2", _("Constable, 2nd class")
    CONSTABLE_1 = "constable_1", _("Constable, 1st class")
    SERGEANT_3 = "sergeant_3", _("Sergeant, 3rd class")
    SERGEANT_2 = "sergeant_2", _("Sergeant, 2nd class")
    SERGEANT_1 = "sergeant_1", _("Sergeant, 1st class")
    INSPECTOR_3 = "inspector_3", _("Inspector, 3rd class")
    INSPECTOR_2 = "inspector_2", _("Inspector, 2nd class")
    INSPECTOR_1 = "inspector_1", _("Inspector, 1st class")
    SUPERINTENDENT_3 = "superintendent_3", _("Superintendent, 3rd class")
    NONE = "none", _("No rank (auxiliary)")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, police_number: str, password: str | None, **fields) -> User:
        if not police_number:
            raise ValueError("A police number is required.")
        if "bureau" not in fields and "bureau_id" not in fields:
            from django.conf import settings

            fields["bureau"], _ = Bureau.objects.get_or_create(
                code=settings.PORTAL_BUREAU_CODE, defaults={"name": "公安局"}
            )
        user = self.model(police_number=police_number, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, police_number: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(police_number, password, **fields)

    def create_superuser(self, police_number: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.ADMIN)
        return self._create(police_number, password, **fields)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Secrets and login bookkeeping are not history worth keeping.
    exclude=["password", "last_login", "password_changed_at"],
)
class User(AbstractBaseUser, PermissionsMixin):
    """An officer (民警 or 辅警) with a login: the police number is the user name."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    police_number = models.CharField(
        _("police number"),
        max_length=20,
        unique=True,
        error_messages={"unique": _("An officer with this police number already exists.")},
    )
    name = models.CharField(_("name"), max_length=40)
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"), related_name="officers"
    )
    rank = models.CharField(_("rank"), max_length=20, choices=Rank.choices, default=Rank.CONSTABLE_1)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OFFICER)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    is_auxiliary = models.BooleanField(_("auxiliary officer"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("account created"), default=timezone.now)
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True)
    version = version_field()

    objects = UserManager()

    USERNAME_FIELD = "police_number"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["police_number"]
        constraints = [
            # An officer or unit leader without a unit would see nothing; say so in the data.
            models.CheckConstraint(
                condition=~Q(role__in=["officer", "unit_leader"]) | Q(unit__isnull=False),
                name="user_unit_required_for_unit_roles",
                violation_error_message=_("Officers and unit leaders must belong to a unit."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.police_number}）"

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name

    @property
    def is_bureau_wide(self) -> bool:
        return self.role in BUREAU_WIDE_ROLES

    @property
    def is_recent_hire(self) -> bool:
        """Within three years of joining: the officers training watches most."""
        if not self.hire_date:
            return False
        return (timezone.localdate() - self.hire_date).days < 3 * 365


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class LegalOfficerAssignment(models.Model):
    """A stationed legal officer (派驻法制员) watching a unit for a period; they rotate (轮岗)."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"))
    officer = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("legal officer")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    version = version_field()

    class Meta:
        verbose_name = _("legal officer assignment")
        verbose_name_plural = _("legal officer assignments")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="assignment_ends_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            ),
        ]
        indexes = [
            # Serves the scope query: units assigned to officer X today.
            models.Index(fields=["officer", "start_date", "end_date"], name="assignment_scope_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.officer} → {self.unit}"


class Notification(models.Model):
    """One message in an officer's inbox: a new alert, an escalation, a decision that concerns them.
    Any app may send one through org.notifications.notify(); org knows nothing of what it is about."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, verbose_name=_("bureau"), db_index=False)
    # Indexed by the inbox index below (recipient, -created_at).
    recipient = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="notifications", verbose_name=_("recipient"), db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20)
    title = models.CharField(_("title"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The inbox: WHERE recipient_id = … ORDER BY created_at DESC, id DESC.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox_idx"),
            # The navbar badge on every page: SELECT count(*) WHERE recipient_id = … AND read_at IS NULL.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class SecurityEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKOUT = "lockout", _("Locked out")
    DENIED = "denied", _("Permission denied")
    EXPORT = "export", _("Export or download")
    REVEAL = "reveal", _("Personal data shown in full")
    KEY_ROTATION = "key_rotation", _("Personal-data key rotated")
    AUDIT_PRUNE = "audit_prune", _("Audit trail archived and pruned")


class SecurityEvent(models.Model):
    """Who signed in, failed, was locked out or refused, and what left the system (等保三级).
    Append-only: the database refuses UPDATE and DELETE, and the audit chain seals every row."""

    bureau = models.ForeignKey(Bureau, on_delete=models.PROTECT, null=True, db_index=False)
    user = models.ForeignKey(
        "org.User", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("officer"), db_index=False
    )
    username = models.CharField(_("police number given"), max_length=150, blank=True)
    kind = models.CharField(_("event"), max_length=20, choices=SecurityEventKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    path = models.CharField(_("page"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("security event")
        verbose_name_plural = _("security events")
        indexes = [
            # The supervisors' search: WHERE bureau_id = … (AND user_id = … / kind = …) ORDER BY at DESC.
            models.Index(fields=["bureau", "-at"], name="security_event_time_idx"),
            models.Index(fields=["user", "-at"], name="security_event_user_idx"),
        ]
        triggers = [
            pgtrigger.Protect(name="security_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.username}"


class SealedStatement(models.Model):
    """What one audited statement wrote, as the seal trigger records it: which rows (id ranges
    of `source`), the columns sealed and a digest of their content (org/auditseal.py)."""

    source = models.CharField(max_length=100)
    id_column = models.CharField(max_length=30)
    columns = models.JSONField()
    ranges = models.JSONField()
    rows = models.PositiveIntegerField()
    digest = models.CharField(max_length=64)

    class Meta:
        abstract = True


class AuditSeal(SealedStatement):
    """One link of the hash chain over the audit trail. A database trigger on every audit table
    records each statement's rows in the same transaction, and the link is added when that
    transaction commits: the statement's digest, the previous link's hash and its own.
    `verify_audit` recomputes all of it."""

    at = models.DateTimeField(default=timezone.now)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)
    # How the digest was computed (org/auditseal.py): 1 = md5 of each row's to_jsonb, sorted
    # columns; 2 = md5 of each row's text, columns in table order (what the trigger writes now).
    format = models.PositiveSmallIntegerField(default=1)

    class Meta:
        triggers = [
            pgtrigger.Protect(name="audit_seal_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.source} {self.hash[:12]}"


class AuditPending(SealedStatement):
    """A statement's seal waiting for its transaction to commit, when it is linked into the
    chain (org/auditseal.py) and removed. Empty outside an open transaction."""

    def __str__(self) -> str:
        return f"{self.source} {self.rows} rows (pending)"


class AuditArchive(models.Model):
    """One pruning of the audit trail past its retention (org/auditretention.py): the oldest seals
    and the audit rows they cover went to an archive file first. The last pruned seal's hash is
    the anchor the remaining chain starts from; `verify_audit` checks the first remaining seal
    links to it. Append-only, like the seals."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.CharField(_("by"), max_length=150)
    cutoff = models.DateTimeField(_("audit before"))
    anchor_seal_id = models.BigIntegerField(_("last pruned seal"))
    anchor_hash = models.CharField(_("anchor hash"), max_length=64)
    seals = models.PositiveIntegerField(_("seals pruned"))
    # {source table: {"seals": n, "rows": n}}
    tables = models.JSONField(_("seals and audit rows pruned per table"), default=dict)
    file_name = models.CharField(_("archive file"), max_length=200)
    file_sha256 = models.CharField(_("archive SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("audit archive")
        verbose_name_plural = _("audit archives")
        triggers = [
            pgtrigger.Protect(name="audit_archive_append_only", operation=pgtrigger.Update | pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} ≤{self.anchor_seal_id} {self.file_name}"


class PasswordHistory(models.Model):
    """Earlier password hashes of an officer: a new password may not repeat the last five."""

    user = models.ForeignKey("org.User", on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["user", "-changed_at"], name="password_history_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.changed_at:%Y-%m-%d}"
