"""Administrators maintain the reference lists; the records themselves change only through the services."""

from django.contrib import admin

from inspections.models import FindingCategory, PointsRate


@admin.register(FindingCategory)
class FindingCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "rule_codes", "is_active", "position"]
    list_editable = ["is_active", "position"]


@admin.register(PointsRate)
class PointsRateAdmin(admin.ModelAdmin):
    list_display = ["case_kind", "stage", "points"]
    list_filter = ["case_kind"]
