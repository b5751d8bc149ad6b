"""Filling the working-day calendar: the State Council's holidays and make-up working days
(from the `chinese-calendar` package) for the published years, plain weekends after them."""

from __future__ import annotations

from datetime import date, timedelta

FIRST_YEAR = 2020
# The latest year the State Council has published (and chinese-calendar carries).
LAST_OFFICIAL_YEAR = 2026
# Later years are filled with plain weekends so periods near a year's end still resolve;
# administrators mark their holidays when they are announced.
LAST_YEAR = 2030


def calendar_rows(first: int, last: int, *, official_until: int = LAST_OFFICIAL_YEAR) -> list[dict]:
    import chinese_calendar

    rows = []
    day = date(first, 1, 1)
    while day.year <= last:
        weekend = day.weekday() >= 5
        if day.year <= official_until:
            workday, holiday_name = chinese_calendar.is_workday(day), chinese_calendar.get_holiday_detail(day)[1]
            if workday:
                kind = "makeup" if weekend else "workday"
            else:
                kind = "holiday" if holiday_name else "weekend"
            name = _HOLIDAY_NAMES.get(holiday_name or "", "")
        else:
            workday, kind, name = not weekend, "weekend" if weekend else "workday", ""
        rows.append(
            {"day": day, "is_workday": workday, "kind": kind, "name": name, "official": day.year <= official_until}
        )
        day += timedelta(days=1)
    return rows


def calendar_fill(model, first: int = FIRST_YEAR, last: int = LAST_YEAR) -> int:
    """Insert the days not yet present (an edited day is never overwritten); returns how many."""
    existing = set(model.objects.filter(day__year__gte=first, day__year__lte=last).values_list("day", flat=True))
    new = [model(**row) for row in calendar_rows(first, last) if row["day"] not in existing]
    model.objects.bulk_create(new, batch_size=1000)
    return len(new)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}
