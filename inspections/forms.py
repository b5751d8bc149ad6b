from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.models import Severity
from inspections.models import (
    OVERDUE,
    FindingCategory,
    InterferenceMethod,
    InterfererKind,
    Liability,
    OrderStatus,
    Outcome,
    Source,
)
from org.models import Unit, User

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files at once; each is checked by the service (size, content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [f for f in data if f]
        return [data] if data else []


class FindingForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit inspected"), queryset=Unit.objects.none())
    cross_inspection = forms.BooleanField(label=_("Cross-inspection (a unit I am not assigned to)"), required=False)
    source = forms.ChoiceField(label=_("Found through"), choices=[c for c in Source.choices if c[0] != Source.ALERT])
    category = forms.ModelChoiceField(
        label=_("Problem category"), queryset=FindingCategory.objects.filter(is_active=True)
    )
    severity = forms.TypedChoiceField(
        label=_("Severity"), choices=Severity.choices, coerce=int, initial=Severity.MEDIUM
    )
    occurred_at = forms.DateTimeField(label=_("Happened at"), widget=DATETIME)
    description = forms.CharField(label=_("Problem found"), widget=forms.Textarea(attrs={"rows": 4}))
    officers = forms.ModelMultipleChoiceField(
        label=_("Officers involved"), queryset=User.objects.none(), required=False
    )
    requirement = forms.CharField(
        label=_("What the unit must do"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    due_at = forms.DateTimeField(label=_("Rectification deadline"), widget=DATETIME)
    files = MultipleFileField(label=_("Evidence (PDF, PNG or JPEG)"))

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(bureau_id=user.bureau_id, is_active=True).order_by("code")
        # A cross-inspection names officers of a unit the inspector is not assigned to.
        self.fields["officers"].queryset = User.objects.filter(bureau_id=user.bureau_id, is_active=True).order_by(
            "unit__code", "name"
        )
        if not self.is_bound:
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
            self.initial.setdefault(
                "due_at",
                (timezone.localtime() + timezone.timedelta(days=15)).replace(
                    hour=18, minute=0, second=0, microsecond=0
                ),
            )


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Any")), ("open", _("Not closed")), (OVERDUE, _("Overdue")), *OrderStatus.choices],
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    category = forms.ModelChoiceField(
        label=_("Problem category"), queryset=FindingCategory.objects.filter(is_active=True), required=False
    )
    source = forms.ChoiceField(label=_("Found through"), choices=[("", _("Any")), *Source.choices], required=False)
    # The committee page links a campaign's findings (?campaign=<id>).
    campaign = forms.IntegerField(
        label=_("Special campaign"), required=False, min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from org.selectors import units_for

        self.fields["unit"].queryset = units_for(user)


class AnswerForm(forms.Form):
    text = forms.CharField(label=_("What the unit did"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("Evidence (PDF, PNG or JPEG)"))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it is sent back"), widget=forms.Textarea(attrs={"rows": 2}))
    due_at = forms.DateTimeField(label=_("New deadline"), widget=DATETIME)


class CheckForm(forms.Form):
    note = forms.CharField(label=_("Verification note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ExcludeForm(forms.Form):
    reason = forms.CharField(label=_("Why this is a trivial defect"), max_length=200)


class AccountabilityOpenForm(forms.Form):
    summary = forms.CharField(label=_("Facts and fault"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    # Not required: a proposed row (an officer involved, a leader of the unit) is left out by
    # clearing its officer.
    officer = forms.ModelChoiceField(label=_("Officer concerned"), queryset=User.objects.none(), required=False)
    liability = forms.ChoiceField(label=_("Liability"), choices=Liability.choices)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    points = forms.IntegerField(label=_("Points deducted"), min_value=0, max_value=100, required=False)
    exemption_grounds = forms.CharField(
        label=_("Grounds for exemption"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    note = forms.CharField(label=_("Remark"), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers.select_related("unit").order_by("unit__code", "-role", "name")
        self.fields["officer"].label_from_instance = _officer_label


def _officer_label(user: User) -> str:
    """ "王伟（100102）· 城关派出所 · 所队领导": the unit and the role tell leaders from officers."""
    parts = [str(user), user.unit.name if user.unit_id else "", user.get_role_display()]
    return " · ".join(p for p in parts if p)


DecisionFormSet = forms.formset_factory(DecisionForm, extra=3, max_num=10, min_num=1, validate_min=True)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Notice text"), widget=forms.Textarea(attrs={"rows": 6}))


class InterferenceForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("When"), widget=DATETIME)
    who_name = forms.CharField(label=_("Who"), max_length=60)
    who_kind = forms.ChoiceField(label=_("Kind of person"), choices=InterfererKind.choices)
    who_position = forms.CharField(label=_("Position or relationship"), max_length=100, required=False)
    method = forms.ChoiceField(label=_("How"), choices=InterferenceMethod.choices)
    case_reference = forms.CharField(label=_("Case (number or description)"), max_length=200)
    description = forms.CharField(label=_("What was asked"), widget=forms.Textarea(attrs={"rows": 3}))
    response = forms.CharField(label=_("How it was handled"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ShiftForm(forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader on duty"), queryset=User.objects.none())
    starts_at = forms.DateTimeField(label=_("Shift starts"), widget=DATETIME)
    ends_at = forms.DateTimeField(label=_("Shift ends"), widget=DATETIME)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from inspections.selectors import leaders_for

        self.fields["leader"].queryset = leaders_for(user)


class CommitteeChoiceForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Chronic problem"), queryset=FindingCategory.objects.filter(is_active=True)
    )
    campaign_title = forms.CharField(label=_("Special campaign"), max_length=200)
    campaign_ends = forms.DateField(label=_("Campaign ends"), widget=DATE, required=False)
