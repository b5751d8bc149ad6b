import pytest


@pytest.fixture(autouse=True)
def metric_registry(db):
    """The registry's starting set comes with a data migration; a transactional test elsewhere
    in the run (the browser tests) empties every table afterwards, so seed it again (idempotent)."""
    from reports.models import Metric
    from reports.seed import seed_metrics

    seed_metrics(Metric)
