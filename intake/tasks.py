from celery import shared_task

from intake import services_import


@shared_task(name="intake.run_import", acks_late=True, time_limit=30 * 60)
def run_import(job_id: int) -> None:
    services_import.import_job_run(job_id=job_id)
