from celery import shared_task

from reports import services


@shared_task(name="reports.refresh_figures", acks_late=True, time_limit=60 * 60)
def refresh_figures(bureau_id: int | None = None, year: int | None = None) -> None:
    """Nightly: every bureau's current year. On demand: one bureau's year."""
    if bureau_id is None or year is None:
        services.figures_refresh_nightly()
    else:
        services.figures_refresh_year(bureau_id=bureau_id, year=year)


@shared_task(name="reports.build_report", acks_late=True, time_limit=30 * 60)
def build_report(build_id: int) -> None:
    services.build_run(build_id=build_id)
