from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from org.versioned_admin import VersionedAdmin, VersionedModelForm
from reports import services
from reports.formulas import FORMULAS, formula_choices
from reports.models import AggregateRun, Metric


class MetricForm(VersionedModelForm):
    formula = forms.ChoiceField(label=_("formula"), choices=formula_choices)

    class Meta:
        model = Metric
        fields = [
            "code", "name", "formula", "description", "measure", "unit_label", "direction", "target", "period",
            "parameters", "is_assessed", "is_enabled", "note", "position",
        ]  # fmt: skip


@admin.register(Metric)
class MetricAdmin(VersionedAdmin):
    form = MetricForm
    list_display = ("code", "name", "formula", "measure", "direction", "target", "is_assessed", "is_enabled", "note")
    list_editable = ("target",)
    list_filter = ("is_enabled", "is_assessed")
    search_fields = ("code", "name")
    ordering = ("position", "code")
    actions = ["refresh_figures"]

    @admin.display(description=_("source available"), boolean=True)
    def source_available(self, obj: Metric) -> bool:
        formula = FORMULAS.get(obj.formula)
        return bool(formula and formula.available)

    @admin.action(description=_("Recompute this year's figures now"))
    def refresh_figures(self, request, queryset):
        from django.utils import timezone

        run = services.figures_refresh_year(
            bureau_id=request.user.bureau_id, year=timezone.localdate().year, trigger="admin"
        )
        self.message_user(request, _("%(rows)s figures recomputed.") % {"rows": run.rows}, messages.SUCCESS)


@admin.register(AggregateRun)
class AggregateRunAdmin(admin.ModelAdmin):
    list_display = ("bureau", "start", "end", "trigger", "rows", "started_at", "finished_at")
    list_filter = ("trigger",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
