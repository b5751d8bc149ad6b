"""A hand-edited query or form value that str.isdigit() accepts but int() refuses ("²") is
read as no value on every page that takes an id from it: never a 500."""

from __future__ import annotations

import pytest

from org.params import positive_int

pytestmark = pytest.mark.django_db


def test_only_ascii_digits_are_read_as_a_number():
    assert [positive_int(v) for v in ("12", "0", "²", "١٢", "-1", "1.5", "", None)] == [12, 0] + [None] * 6


@pytest.mark.parametrize(
    "who,url",
    [
        ("supervisor", "/org/officers/?unit=²"),
        ("officer", "/cases/?unit=²"),
        ("legal_officer", "/cases/alerts/?unit=²"),
        ("supervisor", "/inspections/orders/?unit=²"),
    ],
)
def test_a_superscript_digit_in_a_filter_is_ignored(client, bureau, who, url):
    client.force_login(getattr(bureau, who))
    assert client.get(url).status_code == 200


def test_a_superscript_digit_among_the_alerts_reviewed_at_once_is_ignored(client, bureau):
    client.force_login(bureau.legal_officer)
    response = client.post("/cases/alerts/bulk/", {"alert": ["²"], "action": "confirm"})
    assert response.status_code in (200, 302)
