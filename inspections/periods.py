"""Periods of the pages and the API: a year (2025), a quarter (2025-Q2) or a month (2025-04)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

PATTERN = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date  # inclusive

    @property
    def starts_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def ends_at(self) -> datetime:
        """The first moment after the period (exclusive bound)."""
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))

    def previous(self) -> Period:
        length = (self.end - self.start).days + 1
        if self.start.month == 1 and self.start.day == 1 and length >= 365:
            return parse(str(self.start.year - 1))
        if "-Q" in self.label:
            year, quarter = int(self.label[:4]), int(self.label[-1])
            return parse(f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}")
        year, month = self.start.year, self.start.month
        return parse(f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}")


def parse(value: str) -> Period:
    match = PATTERN.match((value or "").strip())
    if not match:
        raise ValidationError({"period": _("Give a period as 2025, 2025-Q2 or 2025-04.")})
    year = int(match["year"])
    if match["quarter"]:
        q = int(match["quarter"])
        start = date(year, 3 * q - 2, 1)
        end = date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1) - timedelta(days=1)
    elif match["month"]:
        m = int(match["month"])
        start = date(year, m, 1)
        end = date(year + (m == 12), 1 if m == 12 else m + 1, 1) - timedelta(days=1)
    else:
        start, end = date(year, 1, 1), date(year, 12, 31)
    return Period(label=value.strip(), start=start, end=end)


def current_quarter() -> Period:
    today = timezone.localdate()
    return parse(f"{today.year}-Q{(today.month - 1) // 3 + 1}")


def from_request(value: str | None) -> Period:
    """The period a page asks for, or the current quarter (a wrong value also falls back to it)."""
    try:
        return parse(value) if value else current_quarter()
    except ValidationError:
        return current_quarter()
