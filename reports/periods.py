"""Periods of the figures: a month, a quarter or a year, as whole months [start, end)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{2})))?$")


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year
    year: int
    start: date
    end: date  # exclusive

    @property
    def key(self) -> str:
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start:%Y-%m}"

    @property
    def label(self) -> str:
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.year}
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.start.month - 1) // 3 + 1, "year": self.year}
        return _("%(month)s/%(year)s") % {"month": self.start.month, "year": self.year}

    def months(self) -> list[date]:
        out, current = [], self.start
        while current < self.end:
            out.append(current)
            current = add_months(current, 1)
        return out


def add_months(day: date, n: int) -> date:
    index = day.year * 12 + day.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def year_period(year: int) -> Period:
    return Period("year", year, date(year, 1, 1), date(year + 1, 1, 1))


def parse_period(text: str | None, *, default_year: int) -> Period:
    """'2025', '2025-Q2' or '2025-03'; anything else is the default year."""
    match = PATTERN.match((text or "").strip())
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        return year_period(default_year)
    year = int(match.group(1))
    if match.group(2):
        start = date(year, (int(match.group(2)) - 1) * 3 + 1, 1)
        return Period("quarter", year, start, add_months(start, 3))
    if match.group(3) and 1 <= int(match.group(3)) <= 12:
        start = date(year, int(match.group(3)), 1)
        return Period("month", year, start, add_months(start, 1))
    return year_period(year)


def period_choices(year: int) -> list[tuple[str, str]]:
    """The years around the shown one, then its quarters and months."""
    from django.utils import timezone

    latest = max(year, timezone.localdate().year)
    keys = [str(y) for y in range(latest, min(year, latest - 3) - 1, -1)]
    keys += [f"{year}-Q{q}" for q in range(1, 5)] + [f"{year}-{m:02d}" for m in range(1, 13)]
    return [(key, parse_period(key, default_year=year).label) for key in keys]
