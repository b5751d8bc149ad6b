from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from org.models import Role, User
from org.selectors import units_for
from training.models import GuidanceCategory, QualificationKind, SessionKind
from training.xlsx import MAX_UPLOAD_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BootstrapMixin:
    def _style(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
                widget.attrs.setdefault("size", "8")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class UploadForm(BootstrapMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB."), params={"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


class SessionForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SessionKind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    units = forms.ModelMultipleChoiceField(
        label=_("Audience units"),
        queryset=None,
        required=False,
        help_text=_("Leave empty for all units."),
    )
    materials = forms.CharField(label=_("Materials"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_for(user).order_by("code")
        self._style()


class TestForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    time_limit_minutes = forms.IntegerField(label=_("Time limit (minutes)"), min_value=1, max_value=240, initial=30)
    pass_score = forms.IntegerField(label=_("Pass line"), min_value=0, max_value=100, initial=60)
    partial_credit = forms.BooleanField(label=_("Half credit for an incomplete multiple choice"), required=False)

    def __init__(self, *args, topics: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = topics
        for index, (topic, available) in enumerate(sorted(topics.items())):
            self.fields[f"topic_{index}"] = forms.IntegerField(
                label=topic,
                min_value=0,
                max_value=available,
                initial=0,
                required=False,
                help_text=_("%(n)s in the bank") % {"n": available},
            )
        self._style()

    def topic_fields(self):
        return [self[name] for name in self.fields if name.startswith("topic_")]

    def rules(self) -> list[dict]:
        rules = []
        for index, topic in enumerate(sorted(self.topics)):
            count = self.cleaned_data.get(f"topic_{index}") or 0
            if count:
                rules.append({"topic": topic, "count": count})
        return rules


class SampleForm(BootstrapMixin, forms.Form):
    units = forms.ModelMultipleChoiceField(label=_("Units"), queryset=None)
    size = forms.IntegerField(
        label=_("Officers to draw"),
        min_value=1,
        required=False,
        help_text=_("Leave empty to send the test to every officer of the units."),
    )
    # The version of the test the page showed: a draw over a newer one is refused.
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units_for(user).order_by("code")
        self._style()


class OfficerField(forms.CharField):
    """An officer by police number, within the officers the user may see."""

    def __init__(self, *args, officers=None, **kwargs):
        self.officers = officers
        super().__init__(*args, max_length=20, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        officer = self.officers.filter(police_number=value).first() if value else None
        if officer is None:
            raise forms.ValidationError(
                _("No officer with police number %(number)s in your scope."), params={"number": value}
            )
        return officer


class QualificationForm(BootstrapMixin, forms.Form):
    officer = OfficerField(label=_("Police number"))
    kind = forms.ChoiceField(label=_("Qualification"), choices=QualificationKind.choices)
    obtained_on = forms.DateField(label=_("Obtained on"), widget=DATE)
    expires_on = forms.DateField(
        label=_("Expires on"),
        widget=DATE,
        required=False,
        help_text=_("Empty for the legal exam, which does not expire."),
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=40, required=False)
    subjective_passed = forms.BooleanField(label=_("Subjective part passed (legal exam)"), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].officers = officers
        self._style()


class CaseReviewForm(BootstrapMixin, forms.Form):
    leader = OfficerField(label=_("Police number of the unit leader"))
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    case_file = forms.CharField(label=_("Case file reviewed"), max_length=200)
    problems_planted = forms.IntegerField(label=_("Problems in the file"), min_value=1, max_value=100)
    problems_found = forms.IntegerField(label=_("Problems found"), min_value=0, max_value=100)
    remarks = forms.CharField(label=_("Remarks"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].officers = officers.filter(role=Role.UNIT_LEADER)
        self._style()


class GuidanceForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("Incident category"), choices=GuidanceCategory.choices)
    topic = forms.CharField(label=_("Topic"), max_length=50, help_text=_("For example 盗窃, 诈骗, 家庭纠纷."))
    title = forms.CharField(label=_("Title"), max_length=200)
    steps = forms.CharField(label=_("Steps"), widget=forms.Textarea(attrs={"rows": 6}))
    documents = forms.CharField(label=_("Documents"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    deadlines = forms.CharField(label=_("Deadlines"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    common_mistakes = forms.CharField(
        label=_("Common mistakes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    legal_basis = forms.CharField(label=_("Legal basis"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    # The current version the text was written from (0: a topic without guidance yet).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("expected_version", 0)
        self._style()


class PeriodForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The end of the period is before its start."))
        return data


class CompetitionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    rounds = forms.CharField(
        label=_("Rounds"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("One round a line, in order, for example 笔试, 案例分析, 现场执法."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()

    def clean_rounds(self):
        names = [line.strip() for line in self.cleaned_data["rounds"].splitlines() if line.strip()]
        if len(set(names)) != len(names):
            raise forms.ValidationError(_("Each round needs its own name."))
        if any(len(name) > 100 for name in names):
            raise forms.ValidationError(_("A round's name is at most 100 characters."))
        return names


class CompetitionRoundForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Round"), max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style()


class CompetitionTeamForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("Team"), max_length=100)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_for(user).order_by("code")
        self._style()


class CompetitionScoreForm(BootstrapMixin, forms.Form):
    round = forms.ModelChoiceField(label=_("Round"), queryset=None)
    team = forms.ModelChoiceField(label=_("Team"), queryset=None)
    officer = OfficerField(label=_("Police number"))
    score = forms.DecimalField(label=_("Score"), max_digits=6, decimal_places=1, min_value=0)

    def __init__(self, *args, competition, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = competition.rounds.order_by("position")
        self.fields["team"].queryset = competition.teams.order_by("name")
        self.fields["officer"].officers = officers
        self._style()


class TalentForm(BootstrapMixin, forms.Form):
    officer = OfficerField(label=_("Police number"))
    specialties = forms.CharField(
        label=_("Specialties"), max_length=300, help_text=_("Separated by commas, for example 经济犯罪, 行政复议.")
    )
    summary = forms.CharField(label=_("Experience"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    available = forms.BooleanField(label=_("Available for consultation"), required=False, initial=True)
    # The version of the entry the form was opened at (empty for a new entry).
    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, officers, profile=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].officers = officers
        if profile is not None:
            # The entry's officer is fixed: editing changes the entry, not whose it is.
            self.fields["officer"].disabled = True
            self.fields["officer"].clean = lambda value: profile.officer
        self._style()
