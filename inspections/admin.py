"""Administrators maintain the reference lists; the records themselves change only through the services."""

from django.contrib import admin

from inspections.models import FindingCategory, PointsRate
from org.versioned_admin import VersionedAdmin


@admin.register(FindingCategory)
class FindingCategoryAdmin(VersionedAdmin):
    list_display = ["code", "name", "rule_codes", "is_active", "position"]
    list_editable = ["is_active", "position"]


@admin.register(PointsRate)
class PointsRateAdmin(VersionedAdmin):
    list_display = ["case_kind", "stage", "points"]
    list_filter = ["case_kind"]
