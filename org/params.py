"""Reading ids and versions from query strings and form posts."""

from __future__ import annotations


def positive_int(value: str | None) -> int | None:
    """A non-negative integer written in ASCII digits, or None. `str.isdigit()` is not enough:
    it accepts digits such as "²" that int() refuses (a 500 on a hand-edited URL)."""
    if not value or not value.isascii() or not value.isdecimal():
        return None
    return int(value)
