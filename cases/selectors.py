"""Every read of the cases app, already scoped (org.scope): out of scope is not found."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cases.models import Alert, AlertStatus, Case, ComplianceRun, Rule, Step
from org.models import User
from org.scope import scoped

QUEUE_ORDERINGS = {
    "severity": ("severity", "opened_at", "id"),
    "oldest": ("opened_at", "id"),
    "newest": ("-opened_at", "-id"),
    "due": ("due_at", "id"),
}


def cases_for(user: User) -> QuerySet[Case]:
    return scoped(Case.objects.all(), user)


def case_detail(*, user: User, pk: int) -> Case:
    """Raises Case.DoesNotExist (a 404) outside the user's scope."""
    return cases_for(user).select_related("unit", "lead_officer", "incident").get(pk=pk)


def case_timeline(case: Case) -> QuerySet[Step]:
    return case.steps.select_related("created_by", "reviewed_by", "approved_by", "disposed_by").order_by(
        "started_at", "id"
    )


def steps_for(user: User) -> QuerySet[Step]:
    return scoped(Step.objects.all(), user)


def alerts_for(user: User) -> QuerySet[Alert]:
    return scoped(Alert.objects.all(), user).select_related("rule", "unit", "incident", "case", "officer", "assignee")


def review_queue(*, user: User, order: str = "severity", unit_id: int | None = None, escalated: bool = False):
    """Alerts waiting for review in the user's scope: a legal officer's assigned units, a
    supervisor's bureau. Severity first (high before low), then the oldest."""
    alerts = alerts_for(user).filter(status=AlertStatus.OPEN)
    if unit_id:
        alerts = alerts.filter(unit_id=unit_id)
    if escalated:
        alerts = alerts.filter(escalated_at__isnull=False)
    return alerts.order_by(*QUEUE_ORDERINGS.get(order, QUEUE_ORDERINGS["severity"]))


def record_timeline(alert: Alert) -> list[Step]:
    """The steps of the alert's case, shown inline in the queue (empty for an incident rule)."""
    return list(case_timeline(alert.case)) if alert.case_id else []


def colour_counts(user: User) -> list[dict]:
    """Open cases in scope counted by colour per unit (the home page panel); served by case_colour_idx."""
    rows = (
        cases_for(user)
        .filter(status="open")
        .values("unit_id", "unit__name", "unit__code")
        .annotate(
            red=Count("id", filter=Q(colour="red")),
            yellow=Count("id", filter=Q(colour="yellow")),
            green=Count("id", filter=Q(colour="green")),
        )
        .order_by("unit__code")
    )
    return list(rows)


def runs_for(user: User) -> QuerySet[ComplianceRun]:
    return ComplianceRun.objects.filter(Q(bureau_id=user.bureau_id) | Q(bureau__isnull=True))


def rules() -> QuerySet[Rule]:
    return Rule.objects.order_by("code")


def rules_for(user: User) -> QuerySet[Rule]:
    """The control rules are the bureau-wide reference every reviewer reads: all of them (the
    history page admits only the roles that supervise)."""
    return rules()
