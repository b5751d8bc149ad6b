"""Records without a page of their own (competitions, the talent pool) are kept here by the
administrator; everything else has its page in the portal."""

from django.contrib import admin

from org.versioned_admin import VersionedAdmin
from training.models import (
    CaseReviewTest,
    Competition,
    CompetitionRound,
    CompetitionScore,
    CompetitionTeam,
    GuidanceEntry,
    Qualification,
    Question,
    SpotTest,
    TalentProfile,
    TrainingSession,
)


class RoundInline(admin.TabularInline):
    model = CompetitionRound
    extra = 0


class TeamInline(admin.TabularInline):
    model = CompetitionTeam
    extra = 0
    raw_id_fields = ("unit",)


@admin.register(Competition)
class CompetitionAdmin(VersionedAdmin):
    list_display = ("title", "held_on", "bureau")
    inlines = [RoundInline, TeamInline]


@admin.register(CompetitionScore)
class CompetitionScoreAdmin(VersionedAdmin):
    list_display = ("round", "team", "officer", "score")
    list_filter = ("round__competition",)
    raw_id_fields = ("officer", "unit", "team", "round")


@admin.register(TalentProfile)
class TalentProfileAdmin(VersionedAdmin):
    list_display = ("officer", "specialties", "available", "joined_on")
    search_fields = ("officer__name", "officer__police_number", "specialties")
    raw_id_fields = ("officer",)


@admin.register(Question)
class QuestionAdmin(VersionedAdmin):
    list_display = ("text", "kind", "law", "topic", "is_active")
    list_filter = ("kind", "law", "is_active")
    search_fields = ("text", "topic")


@admin.register(TrainingSession)
class TrainingSessionAdmin(VersionedAdmin):
    list_display = ("held_on", "kind", "topic", "organiser")
    list_filter = ("kind",)


@admin.register(SpotTest)
class SpotTestAdmin(VersionedAdmin):
    list_display = ("title", "held_on", "status", "sample_size", "sample_seed")
    readonly_fields = (
        "question_seed",
        "sample_seed",
        "sample_size",
        "population_count",
        "sample_unit_ids",
        "sampled_at",
    )


@admin.register(Qualification)
class QualificationAdmin(VersionedAdmin):
    list_display = ("officer", "kind", "obtained_on", "expires_on")
    list_filter = ("kind",)
    raw_id_fields = ("officer",)


@admin.register(CaseReviewTest)
class CaseReviewTestAdmin(VersionedAdmin):
    list_display = ("leader", "held_on", "case_file", "score")
    raw_id_fields = ("leader", "unit", "examiner")


@admin.register(GuidanceEntry)
class GuidanceEntryAdmin(admin.ModelAdmin):
    """Read only: a published version is kept as it was; corrections are new versions,
    published on the guidance page (training.services.guidance_publish)."""

    list_display = ("title", "category", "topic", "version", "is_current")
    list_filter = ("category", "is_current")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
