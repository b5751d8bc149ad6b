"""Reference data that data migrations load (control rules, the calendar, finding categories …).

Each app registers a function that puts its rows back where they are missing; they run after
a database was flushed (a transactional test) and before demo data is seeded."""

from __future__ import annotations

from collections.abc import Callable

_ensurers: list[Callable[[], None]] = []


def register(ensure: Callable[[], None]) -> None:
    if ensure not in _ensurers:
        _ensurers.append(ensure)


def ensure_all() -> None:
    for ensure in _ensurers:
        ensure()
