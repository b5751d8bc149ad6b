"""The filters of the incident list, shared by the page, the export and the API."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Category, Channel, Colour, Disposition, Incident
from org.crypto import lookup_hash
from org.models import Unit

ID_NUMBER = re.compile(r"^\d{17}[\dXx]$")


class IncidentFilter(django_filters.FilterSet):
    unit = django_filters.ModelChoiceFilter(queryset=Unit.objects.none(), label=_("Unit"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    category = django_filters.ChoiceFilter(choices=Category.choices, label=_("Category"))
    disposition = django_filters.ChoiceFilter(choices=Disposition.choices, label=_("Disposition"))
    colour = django_filters.ChoiceFilter(choices=Colour.choices, label=_("Colour"))
    # Days are the bureau's local days, turned into a half-open range of instants so that
    # the (unit, received_at) index serves the query: received_at >= from 00:00 < day after "to".
    received_from = django_filters.DateFilter(
        method="received_from_day", label=_("Received from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = django_filters.DateFilter(
        method="received_to_day", label=_("Received to"), widget=forms.DateInput(attrs={"type": "date"})
    )
    q = django_filters.CharFilter(method="search", label=_("Search summary or reporter"))
    # ID numbers are stored encrypted: found by exact match on their keyed hash (org/crypto.py).
    id_number = django_filters.CharFilter(
        method="reporter_id", label=_("Reporter's ID-card number"), widget=forms.TextInput(attrs={"maxlength": 18})
    )

    class Meta:
        model = Incident
        fields = [
            "unit",
            "channel",
            "category",
            "disposition",
            "colour",
            "received_from",
            "received_to",
            "q",
            "id_number",
        ]

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        user = user or getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            from org.selectors import units_for

            self.filters["unit"].queryset = units_for(user)

    def received_from_day(self, queryset, name, value):
        return queryset.filter(received_at__gte=_local_midnight(value))

    def received_to_day(self, queryset, name, value):
        return queryset.filter(received_at__lt=_local_midnight(value + timedelta(days=1)))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        match = Q(summary__icontains=value) | Q(reporter_name__icontains=value) | Q(number=value)
        if ID_NUMBER.match(value):  # an ID number typed into the search box finds its reports too
            match |= Q(reporter_id_hash=lookup_hash(value.upper(), purpose="reporter_id_number"))
        return queryset.filter(match)

    def reporter_id(self, queryset, name, value):
        value = value.strip().upper()
        if not value:
            return queryset
        return queryset.filter(reporter_id_hash=lookup_hash(value, purpose="reporter_id_number"))


def _local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))
