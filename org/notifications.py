"""The notification inbox: any app sends, each officer reads their own.

org sits at the bottom of the apps, so alerts (cases), findings (inspections) and
others notify through here without org knowing what they are about."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from org.models import Notification, User


class Kind:
    ALERT = "alert"
    ESCALATION = "escalation"
    DECISION = "decision"
    REMINDER = "reminder"


@transaction.atomic
def notify(*, recipients: Iterable[User | int], kind: str, title: str, url: str = "", bureau) -> int:
    """One notification per distinct recipient; returns how many were sent."""
    bureau_id = getattr(bureau, "pk", bureau)
    ids = {getattr(r, "pk", r) for r in recipients if r is not None}
    now = timezone.now()
    Notification.objects.bulk_create(
        [
            Notification(bureau_id=bureau_id, recipient_id=pk, kind=kind, title=title[:300], url=url, created_at=now)
            for pk in sorted(ids)
        ]
    )
    return len(ids)


def notifications_for(user: User) -> QuerySet[Notification]:
    """A user's own inbox, newest first: nobody reads another's."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def unread_count(user: User) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one (pk) or all of the user's unread notifications read; returns how many changed."""
    unread = notifications_for(user).filter(read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
