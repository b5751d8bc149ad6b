from django.contrib import admin

from cases.models import Alert, CalendarDay, Case, ComplianceRun, Rule, Step
from org.versioned_admin import VersionedAdmin


@admin.register(Rule)
class RuleAdmin(VersionedAdmin):
    list_display = ("code", "name", "period", "period_unit", "custody", "breach_colour", "severity", "enabled")
    list_editable = ("enabled",)
    list_filter = ("record_kind", "enabled", "breach_colour")
    search_fields = ("code", "name", "basis")
    readonly_fields = ("code", "record_kind")


@admin.register(CalendarDay)
class CalendarDayAdmin(VersionedAdmin):
    """Editing a day recompiles the SQL calendar functions (a database trigger does it)."""

    list_display = ("day", "kind", "is_workday", "name", "official")
    list_filter = ("kind", "official", "is_workday")
    date_hierarchy = "day"
    search_fields = ("name",)


@admin.register(Case)
class CaseAdmin(VersionedAdmin):
    list_display = ("number", "kind", "unit", "status", "colour", "opened_at")
    list_filter = ("kind", "status", "colour")
    search_fields = ("number", "title")
    raw_id_fields = ("incident", "lead_officer", "unit")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Step)
class StepAdmin(VersionedAdmin):
    list_display = ("case", "kind", "person", "started_at", "reviewed_at")
    list_filter = ("kind",)
    raw_id_fields = ("case", "created_by", "reviewed_by", "approved_by", "disposed_by", "unit")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Alert)
class AlertAdmin(VersionedAdmin):
    list_display = ("rule", "incident", "unit", "status", "opened_at", "cleared_at")
    list_filter = ("status", "rule")
    raw_id_fields = ("incident", "case", "officer", "assignee", "reviewed_by", "unit")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ComplianceRun)
class ComplianceRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "status", "as_of", "rows_checked", "alerts_opened", "alerts_resolved")
    readonly_fields = [f.name for f in ComplianceRun._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False  # written by the compliance run only; every field is read only anyway
