"""Every read of the intake register, already scoped (org.scope)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from intake.models import Colour, Disposition, ExtensionRequest, ImportJob, Incident, IncidentVersion, RequestStatus
from org.models import User
from org.scope import scoped

LIST_FIELDS = (
    "id",
    "number",
    "received_at",
    "channel",
    "category",
    "reporter_name",
    "is_anonymous",
    "location",
    "summary",
    "amount",
    "disposition",
    "colour",
    "unit__name",
    "receiving_officer__name",
)


def incidents_for(user: User) -> QuerySet[Incident]:
    return scoped(Incident.objects.all(), user)


def unit_home_summary(user: User, *, recent: int = 10) -> dict:
    """The officer's and unit leader's home: today's counts of their unit and its latest reports.
    One aggregate over today's rows (incident_unit_time_idx) and one keyset-ordered slice."""
    incidents = incidents_for(user)
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    today = incidents.filter(received_at__gte=midnight).aggregate(
        received=Count("id"),
        pending=Count("id", filter=Q(disposition=Disposition.PENDING)),
        red=Count("id", filter=Q(colour=Colour.RED)),
    )
    pending = incidents.filter(disposition=Disposition.PENDING).count()
    rows = list(incidents.order_by("-received_at", "-id").values(*LIST_FIELDS)[:recent])
    return {"today": today, "pending": pending, "rows": rows}


def incident_detail(*, user: User, pk: int) -> Incident:
    """Raises Incident.DoesNotExist (a 404) when the report is outside the user's scope."""
    return incidents_for(user).select_related("unit", "receiving_officer", "created_by", "decided_by").get(pk=pk)


def incident_versions(incident: Incident) -> QuerySet[IncidentVersion]:
    return incident.versions.select_related("created_by", "receiving_officer").order_by("version")


def extension_queue_for(user: User) -> QuerySet[ExtensionRequest]:
    """Requests waiting for the unit leader's approval, oldest first."""
    return (
        scoped(ExtensionRequest.objects.filter(status=RequestStatus.PENDING), user)
        .select_related("incident", "requested_by", "unit")
        .order_by("requested_at")
    )


def extension_requests_for(user: User) -> QuerySet[ExtensionRequest]:
    return scoped(ExtensionRequest.objects.all(), user).select_related("incident", "requested_by", "decided_by")


def import_jobs_for(user: User) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(bureau_id=user.bureau_id).select_related("created_by")


# --- keyset pagination: fast at millions of rows, no COUNT(*) on every page ---

ORDERINGS = {"newest": ("-received_at", "-id"), "oldest": ("received_at", "id")}


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    prev_cursor: str | None


def encode_cursor(received_at: datetime, pk: int, direction: str) -> str:
    return base64.urlsafe_b64encode(f"{direction}|{received_at.isoformat()}|{pk}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, datetime, int] | None:
    try:
        direction, stamp, pk = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        if direction not in ("next", "prev"):
            return None
        return direction, datetime.fromisoformat(stamp), int(pk)
    except (ValueError, UnicodeDecodeError):
        return None


def keyset_page(queryset: QuerySet, *, order: str = "newest", cursor: str | None = None, size: int = 50) -> Page:
    """One page after (or before) a cursor, by (received_at, id). Unknown cursors start from the top."""
    descending = order != "oldest"
    position = decode_cursor(cursor) if cursor else None
    backwards = bool(position and position[0] == "prev")
    # Walking backwards is walking forwards in the opposite order, then flipping the page.
    walk_descending = descending != backwards
    ordering = ("-received_at", "-id") if walk_descending else ("received_at", "id")
    if position:
        _, stamp, pk = position
        if walk_descending:
            queryset = queryset.filter(Q(received_at__lt=stamp) | Q(received_at=stamp, id__lt=pk))
        else:
            queryset = queryset.filter(Q(received_at__gt=stamp) | Q(received_at=stamp, id__gt=pk))
    rows = list(queryset.order_by(*ordering)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    if not rows:
        return Page(rows=[], next_cursor=None, prev_cursor=None)

    def key(row):
        return (row["received_at"], row["id"]) if isinstance(row, dict) else (row.received_at, row.id)

    has_next = more if not backwards else True
    has_prev = (position is not None) if not backwards else more
    return Page(
        rows=rows,
        next_cursor=encode_cursor(*key(rows[-1]), "next") if has_next else None,
        prev_cursor=encode_cursor(*key(rows[0]), "prev") if has_prev else None,
    )
