from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import DISPOSITIONS_NEEDING_REASON, Disposition, ExtensionKind, Incident
from intake.services import check_content
from org.models import User
from org.selectors import officers_for, units_for

# A plain text box, one Tab stop: the browser's datetime-local picker costs six.
DATETIME_FORMAT = "%Y-%m-%d %H:%M"


class IncidentForm(forms.ModelForm):
    """The desk form: filled while the caller talks, keyboard only, saved in one step."""

    received_at = forms.DateTimeField(
        label=_("Received at"),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%dT%H:%M"],
        widget=forms.DateTimeInput(
            attrs={"placeholder": "2025-01-28 23:15", "autocomplete": "off", "inputmode": "numeric"},
            format=DATETIME_FORMAT,
        ),
        help_text=_("Year-month-day hour:minute; now by default."),
    )

    class Meta:
        model = Incident
        fields = [
            "channel",
            "received_at",
            "category",
            "is_anonymous",
            "reporter_name",
            "reporter_id_number",
            "reporter_phone",
            "location",
            "amount",
            "summary",
            "receiving_officer",
            "unit",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "reporter_id_number": forms.TextInput(attrs={"autocomplete": "off", "maxlength": 18}),
            "reporter_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "amount": forms.NumberInput(attrs={"min": "0", "step": "0.01", "inputmode": "decimal"}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if "unit" in self.fields:  # a correction keeps the report's unit (CorrectionForm has no such field)
            self.fields["unit"].queryset = units_for(user)
            self.fields["unit"].empty_label = None
        self.fields["receiving_officer"].queryset = officers_for(user).filter(is_active=True)
        self.fields["receiving_officer"].required = False
        self.fields["receiving_officer"].help_text = _("The first officer is responsible until hand-over.")
        self.fields["amount"].help_text = _("Leave blank when nothing of value is involved.")
        if not self.is_bound:
            self.initial.setdefault("received_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault("unit", user.unit_id)
            self.initial.setdefault("receiving_officer", user.pk)
        self.fields["channel"].widget.attrs["autofocus"] = True

    def add_error(self, field, error):
        """Re-shown with errors, the form puts the cursor in the first field to correct (it went
        back to the first field of the form, making a keyboard user Tab through the valid ones)."""
        super().add_error(field, error)
        first = next((name for name in self.fields if name in self._errors), None)
        if first is not None and not isinstance(self.fields[first].widget, forms.HiddenInput):
            for each in self.fields.values():
                each.widget.attrs.pop("autofocus", None)
            self.fields[first].widget.attrs["autofocus"] = True

    def clean_reporter_id_number(self):
        return (self.cleaned_data.get("reporter_id_number") or "").strip().upper()

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                check_content(cleaned, user=self.user)
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        return cleaned


class CorrectionForm(IncidentForm):
    reason = forms.CharField(label=_("Reason for correction"), widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta(IncidentForm.Meta):
        fields = [f for f in IncidentForm.Meta.fields if f != "unit"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].widget.attrs.pop("autofocus", None)
        self.fields["reason"].widget.attrs["autofocus"] = True
        if not self.is_bound:
            self.initial["expected_version"] = self.instance.version


class DecisionForm(forms.Form):
    disposition = forms.ChoiceField(
        label=_("Disposition"), choices=[(v, label) for v, label in Disposition.choices if v != Disposition.PENDING]
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when not accepting, not filing, transferring or closing as not a case."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("disposition") in DISPOSITIONS_NEEDING_REASON and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", _("This decision needs a reason."))
        return cleaned


class ExtensionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Extension"), choices=ExtensionKind.choices)
    reason = forms.CharField(label=_("Why the matter is complex"), widget=forms.Textarea(attrs={"rows": 2}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Dispatch export (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
