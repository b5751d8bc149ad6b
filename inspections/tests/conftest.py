import pytest

from inspections.reference import seed


@pytest.fixture(autouse=True)
def _reference_data(request):
    # A transactional (browser) test flushes the rows the data migration wrote: put them back.
    if request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        seed()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    # Evidence files of the tests go to a throw-away directory.
    settings.MEDIA_ROOT = tmp_path / "media"
