import pytest


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Rules and calendar come from a data migration; a transactional test elsewhere flushes them."""
    if request.node.get_closest_marker("django_db"):
        from cases.services import reference_data_ensure

        request.getfixturevalue("db")
        reference_data_ensure()
