"""The supervisors' search of the audit trail and the security events (等保三级 audit review)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pghistory.models
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from org.models import SecurityEvent, SecurityEventKind, User

ACTIONS = [("insert", _("Created")), ("update", _("Changed")), ("delete", _("Deleted"))]


class AuditSearchForm(forms.Form):
    user = forms.CharField(label=_("Police number"), required=False, max_length=20)
    record = forms.CharField(
        label=_("Record"), required=False, max_length=60, help_text=_("e.g. intake.Incident or intake.Incident:123")
    )
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", "---------"), *ACTIONS, *SecurityEventKind.choices]
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period is before its start."))
        return cleaned


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events(*, user: User, data: dict, limit: int = 200) -> list:
    """Changes to records (django-pghistory) matching the search, newest first, in the bureau."""
    events = pghistory.models.Events.objects.all()
    if data.get("since"):
        events = events.filter(pgh_created_at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(pgh_created_at__lt=_day_start(data["until"] + timedelta(days=1)))
    if data.get("action") in {"insert", "update", "delete"}:
        events = events.filter(pgh_label=data["action"])
    elif data.get("action"):
        return []
    record = (data.get("record") or "").strip()
    if record:
        label, _sep, pk = record.partition(":")
        events = events.filter(pgh_obj_model__iexact=label)
        if pk:
            events = events.filter(pgh_obj_id=pk)
    if data.get("user"):
        actor = User.objects.filter(bureau_id=user.bureau_id, police_number=data["user"]).first()
        if actor is None:
            return []
        events = events.filter(pgh_context__user=actor.pk)
    rows = list(events.order_by("-pgh_created_at")[:limit])
    # A bureau's supervisors see the changes made by the bureau's own people.
    ids = {row.pgh_context.get("user") for row in rows if row.pgh_context and row.pgh_context.get("user")}
    actors = {str(u.pk): u for u in User.objects.filter(pk__in=ids)}
    visible = []
    for row in rows:
        actor = actors.get(str((row.pgh_context or {}).get("user")))
        if actor is not None and actor.bureau_id != user.bureau_id:
            continue
        row.actor = actor or (row.pgh_context or {}).get("task") or (row.pgh_context or {}).get("command") or "—"
        visible.append(row)
    return visible


def security_events(*, user: User, data: dict, limit: int = 200) -> QuerySet[SecurityEvent]:
    events = SecurityEvent.objects.filter(bureau_id=user.bureau_id).select_related("user")
    if data.get("since"):
        events = events.filter(at__gte=_day_start(data["since"]))
    if data.get("until"):
        events = events.filter(at__lt=_day_start(data["until"] + timedelta(days=1)))
    if data.get("action") in SecurityEventKind.values:
        events = events.filter(kind=data["action"])
    elif data.get("action"):
        return events.none()
    if data.get("user"):
        events = events.filter(username=data["user"])
    if data.get("record"):
        events = events.filter(detail__record__icontains=data["record"])
    return events.order_by("-at")[:limit]
