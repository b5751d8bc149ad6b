"""The filters of the incident list, shared by the page, the export and the API."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from intake.models import Category, Channel, Disposition, Incident
from org.models import Unit


class IncidentFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.none(), label=_("Unit"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices, label=_("Disposition"))
    received_from = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__gte",
        label=_("Received from"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    received_to = django_filters.DateFilter(
        field_name="received_at",
        lookup_expr="date__lte",
        label=_("Received to"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(method="search", label=_("Search summary or reporter"))

    class Meta:
        model = Incident
        fields = ["unit", "channel", "category", "disposition", "received_from", "received_to", "q"]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from org.selectors import units_for

            self.filters["unit"].queryset = units_for(user)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(summary__icontains=value) | Q(reporter_name__icontains=value) | Q(number=value))
