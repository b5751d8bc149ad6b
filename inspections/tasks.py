"""Celery entry points: each calls its service and nothing else."""

from celery import shared_task

from inspections import services


@shared_task(name="inspections.findings_from_alerts", acks_late=True)
def findings_from_alerts() -> int:
    return services.findings_from_confirmed_alerts()


@shared_task(name="inspections.escalate_overdue_orders", acks_late=True)
def escalate_overdue_orders() -> int:
    return services.orders_escalate()


@shared_task(name="inspections.award_points", acks_late=True)
def award_points() -> int:
    return services.points_award()
