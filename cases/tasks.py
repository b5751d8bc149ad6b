from celery import shared_task

from cases import compliance, services


@shared_task(name="cases.run_compliance", acks_late=True, time_limit=60 * 60)
def run_compliance() -> None:
    compliance.compliance_run()


@shared_task(name="cases.escalate_alerts", acks_late=True, time_limit=10 * 60)
def escalate_alerts() -> None:
    services.alerts_escalate()
