from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import Step, StepKind
from org.models import User

DATETIME_FORMAT = "%Y-%m-%d %H:%M"
INPUT_FORMATS = [DATETIME_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M"]

# Which fields each kind of step uses (the rest stay empty).
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    StepKind.SUMMONS: ("person", "started_at", "ended_at", "extended"),
    StepKind.DETENTION: (
        "person",
        "started_at",
        "delivered_at",
        "family_notified_at",
        "notice_exemption",
        "approved_period",
        "ended_at",
    ),
    StepKind.INTERROGATION: ("person", "started_at", "ended_at", "officers"),
    StepKind.QUESTIONING: ("person", "started_at", "ended_at", "officers"),
    StepKind.ARREST_REQUEST: ("person", "started_at"),
    StepKind.ARREST_ANSWER: ("person", "started_at", "answer"),
    StepKind.BAIL: ("person", "started_at", "approved_period", "ended_at"),
    StepKind.SURVEILLANCE: ("person", "started_at", "approved_period", "ended_at"),
    StepKind.CHECK_IN: ("person", "started_at"),
    StepKind.SEARCH: ("started_at", "officers"),
    StepKind.PROPERTY: ("item", "quantity", "value", "started_at", "custody_at", "disposed_at"),
    StepKind.WITHDRAWAL: ("started_at",),
    StepKind.TRANSFER: ("started_at",),
    StepKind.CLOSURE: ("started_at",),
}


def _datetime(label) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        input_formats=INPUT_FORMATS,
        widget=forms.DateTimeInput(
            attrs={"placeholder": "2025-01-28 23:15", "autocomplete": "off"}, format=DATETIME_FORMAT
        ),
    )


class StepForm(forms.ModelForm):
    """One step of the timeline; only the fields of its kind are kept (STEP_FIELDS)."""

    started_at = _datetime(_("At"))
    ended_at = _datetime(_("Ended at"))
    delivered_at = _datetime(_("Delivered to the detention house at"))
    family_notified_at = _datetime(_("Family notified at"))
    custody_at = _datetime(_("Handed to property custody at"))
    disposed_at = _datetime(_("Disposed of at"))
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers present"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )

    class Meta:
        model = Step
        fields = [*Step.ENTERED_FIELDS, "note"]

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].required = True
        if case is not None:
            self.fields["officers"].queryset = User.objects.filter(unit_id=case.unit_id, is_active=True).order_by(
                "police_number"
            )

    def step_data(self) -> tuple[str, dict]:
        kind = self.cleaned_data["kind"]
        keep = set(STEP_FIELDS.get(kind, ())) | {"note"}
        data = {k: v for k, v in self.cleaned_data.items() if k in keep}
        if "officers" in data:
            data["officers"] = [u.pk for u in data["officers"]]
        return kind, data


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Note or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
