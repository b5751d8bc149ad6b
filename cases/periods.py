"""How a legal period is counted (DESIGN §3), in Python and — identically — in SQL.

- hours: from the exact moment of the event;
- days: the event's day is not counted; the period ends at 24:00 of its last day; a last day
  that is a rest day moves to 24:00 of the first working day after it, except for periods that
  run while a person is held (custody), which end on their own last day;
- working days: only working days of the calendar count (调休 make-up days included);
- months: the same start rule; the last day is the same day N months on, or that month's
  last day when it has no such day; extended past rest days like days.

`due_at()` is the one Python implementation; `cases_due()` (the SQL function created by
migration 0002, text in SQL_FUNCTIONS below) is the one the set-based rules call. The tests
check that both agree on a grid of moments and periods.
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

# Legal periods are counted in Beijing time, wherever the server runs.
LEGAL_TZ_NAME = "Asia/Shanghai"
LEGAL_TZ = ZoneInfo(LEGAL_TZ_NAME)

HOURS, DAYS, WORKING_DAYS, MONTHS = "hours", "days", "working_days", "months"


class CalendarMissing(LookupError):
    """The calendar does not cover a day the period needs: add that year first."""


class WorkCalendar:
    """Which days are worked, from the calendar table (or given, in tests)."""

    def __init__(self, workdays: dict[date, bool]):
        self.workdays = workdays

    @classmethod
    def load(cls) -> WorkCalendar:
        from cases.models import CalendarDay

        return cls(dict(CalendarDay.objects.values_list("day", "is_workday")))

    def is_workday(self, day: date) -> bool:
        try:
            return self.workdays[day]
        except KeyError:
            raise CalendarMissing(day) from None

    def next_workday(self, day: date) -> date:
        """The first working day on or after `day`."""
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, n: int) -> date:
        """The n-th working day after `day` (not counting `day` itself)."""
        while n > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                n -= 1
        return day


def add_months(day: date, n: int) -> date:
    month0 = day.month - 1 + n
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def _end_of(day: date) -> datetime:
    """24:00 of `day`, i.e. 00:00 of the next day, in Beijing time."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=LEGAL_TZ)


def due_at(start: datetime, n: int, unit: str, *, custody: bool = False, calendar: WorkCalendar) -> datetime:
    """When a period of `n` `unit`s that starts with an event at `start` runs out."""
    if unit == HOURS:
        return start + timedelta(hours=n)
    local_day = start.astimezone(LEGAL_TZ).date()
    if unit == WORKING_DAYS:
        return _end_of(calendar.add_workdays(local_day, n))
    if unit == DAYS:
        last = local_day + timedelta(days=n)
    elif unit == MONTHS:
        last = add_months(local_day, n)
    else:
        raise ValueError(f"unknown period unit {unit!r}")
    return _end_of(last if custody else calendar.next_workday(last))


def warn_from(start: datetime, due: datetime, share: Decimal | float) -> datetime:
    """The moment a running period turns yellow: `share` (two thirds) of it spent."""
    return start + (due - start) * float(share)


def format_due(due: datetime | None) -> str:
    """A deadline as the law states it: the end of a day is 24:00 of that day, not 00:00 of the next."""
    if due is None:
        return ""
    local = due.astimezone(LEGAL_TZ)
    if local.time() == time(0):
        return f"{local.date() - timedelta(days=1):%Y-%m-%d} 24:00"
    return f"{local:%Y-%m-%d %H:%M}"


# The due time for the on-save check of a few records. cases_due is inlined into each rule's SELECT,
# so planning folds the calendar's constant arrays again at every call site: about 0.4 ms per rule,
# most of a one-record check. This PL/pgSQL wrapper is opaque to the planner and plans its own
# expression once per connection. Those cached plans hold the folded calendar, and PostgreSQL does
# not invalidate them when the folded functions change, so cases_calendar_compile redefines this
# wrapper too: every connection then recompiles it. The nightly run keeps the inlined form, which
# computes hundreds of thousands of due times faster than a call per row.
DUE_ONE_DEFINITION = (
    "CREATE OR REPLACE FUNCTION cases_due_one(t timestamptz, n integer, unit text, custody boolean) "
    "RETURNS timestamptz LANGUAGE plpgsql STABLE PARALLEL SAFE "
    "AS $f$ BEGIN RETURN cases_due(t, n, unit, custody); END $f$"
)

# The same semantics in SQL, created by migration 0002. The calendar is compiled from its table
# into three constant functions (the first day; the running count of working days per day; the
# offset of the k-th working day), IMMUTABLE so the planner folds each into a constant once per
# query, and the lookups are array subscripts PostgreSQL inlines: a rule computes hundreds of
# thousands of due times in milliseconds, and planning a one-record check stays cheap. A statement
# trigger recompiles them after every change to the calendar (an administrator's edit included),
# and CREATE OR REPLACE invalidates the plans that folded the old ones, so the table stays the
# one source.
SQL_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION cases_calendar_first() RETURNS date
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN NULL; END $$;

CREATE OR REPLACE FUNCTION cases_calendar_counts() RETURNS int[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN '{{}}'::int[]; END $$;

CREATE OR REPLACE FUNCTION cases_calendar_workdays() RETURNS int[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$ BEGIN RETURN '{{}}'::int[]; END $$;

-- The first working day on or after d.
CREATE OR REPLACE FUNCTION cases_next_workday(d date) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT cases_calendar_first()
        + (cases_calendar_workdays())[(cases_calendar_counts())[d - cases_calendar_first() + 1] + 1]
$$;

-- The n-th working day after d (d itself not counted).
CREATE OR REPLACE FUNCTION cases_add_workdays(d date, n integer) RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT cases_calendar_first()
        + (cases_calendar_workdays())[(cases_calendar_counts())[d - cases_calendar_first() + 2] + n]
$$;

CREATE OR REPLACE FUNCTION cases_calendar_compile() RETURNS void LANGUAGE plpgsql AS $body$
DECLARE
    first_day date;
    last_day date;
    counts int[];   -- counts[o + 2]: working days on or before day o (o = day - first_day); counts[1] = 0
    workdays int[]; -- workdays[k]: the offset of the k-th working day
BEGIN
    SELECT min(day), max(day) INTO first_day, last_day FROM cases_calendarday;
    IF first_day IS NULL THEN
        RETURN;
    END IF;
    WITH days AS (
        SELECT g::date AS day, COALESCE(c.is_workday, extract(isodow FROM g) < 6) AS worked
        FROM generate_series(first_day, last_day, interval '1 day') g
        LEFT JOIN cases_calendarday c ON c.day = g::date
    ), numbered AS (
        SELECT day, worked, (count(*) FILTER (WHERE worked) OVER (ORDER BY day))::int AS cnt FROM days
    )
    SELECT array_agg(cnt ORDER BY day), array_agg(day - first_day ORDER BY day) FILTER (WHERE worked)
    INTO counts, workdays FROM numbered;
    counts := ARRAY[0] || counts;
    EXECUTE format('CREATE OR REPLACE FUNCTION cases_calendar_first() RETURNS date LANGUAGE plpgsql '
        'IMMUTABLE PARALLEL SAFE AS $f$ BEGIN RETURN %L::date; END $f$', first_day);
    EXECUTE format('CREATE OR REPLACE FUNCTION cases_calendar_counts() RETURNS int[] LANGUAGE plpgsql '
        'IMMUTABLE PARALLEL SAFE AS $f$ BEGIN RETURN %L::int[]; END $f$', counts);
    EXECUTE format('CREATE OR REPLACE FUNCTION cases_calendar_workdays() RETURNS int[] LANGUAGE plpgsql '
        'IMMUTABLE PARALLEL SAFE AS $f$ BEGIN RETURN %L::int[]; END $f$', workdays);
    -- Discards every connection's plans of the on-save wrapper, which folded the old arrays.
    IF to_regprocedure('cases_due_one(timestamptz, integer, text, boolean)') IS NOT NULL THEN
        EXECUTE $due_one${DUE_ONE_DEFINITION}$due_one$;
    END IF;
END
$body$;

CREATE OR REPLACE FUNCTION cases_calendar_changed() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    PERFORM cases_calendar_compile();
    RETURN NULL;
END
$body$;

DROP TRIGGER IF EXISTS cases_calendar_compile ON cases_calendarday;
CREATE TRIGGER cases_calendar_compile AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases_calendarday
    FOR EACH STATEMENT EXECUTE FUNCTION cases_calendar_changed();

CREATE OR REPLACE FUNCTION cases_day_end(d date) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ((d + 1)::timestamp AT TIME ZONE '{LEGAL_TZ_NAME}')
$$;

CREATE OR REPLACE FUNCTION cases_due(t timestamptz, n integer, unit text, custody boolean) RETURNS timestamptz
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE unit
        WHEN 'hours' THEN t + make_interval(hours => n)
        WHEN 'working_days' THEN cases_day_end(cases_add_workdays((t AT TIME ZONE '{LEGAL_TZ_NAME}')::date, n))
        WHEN 'days' THEN cases_day_end(CASE WHEN custody
            THEN (t AT TIME ZONE '{LEGAL_TZ_NAME}')::date + n
            ELSE cases_next_workday((t AT TIME ZONE '{LEGAL_TZ_NAME}')::date + n) END)
        WHEN 'months' THEN cases_day_end(CASE WHEN custody
            THEN ((t AT TIME ZONE '{LEGAL_TZ_NAME}')::date + make_interval(months => n))::date
            ELSE cases_next_workday(((t AT TIME ZONE '{LEGAL_TZ_NAME}')::date + make_interval(months => n))::date) END)
    END
$$;

CREATE OR REPLACE FUNCTION cases_format_due(t timestamptz) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN (t AT TIME ZONE '{LEGAL_TZ_NAME}')::time = '00:00'
        THEN to_char((t AT TIME ZONE '{LEGAL_TZ_NAME}') - interval '1 day', 'YYYY-MM-DD') || ' 24:00'
        ELSE to_char(t AT TIME ZONE '{LEGAL_TZ_NAME}', 'YYYY-MM-DD HH24:MI') END
$$;
"""  # noqa: S608 (fixed text; the only value spliced in is LEGAL_TZ_NAME)

SQL_DUE_ONE = DUE_ONE_DEFINITION + ";"
SQL_DUE_ONE_DROP = "DROP FUNCTION IF EXISTS cases_due_one(timestamptz, integer, text, boolean);"

SQL_DROP = """
DROP TRIGGER IF EXISTS cases_calendar_compile ON cases_calendarday;
DROP FUNCTION IF EXISTS cases_calendar_changed();
DROP FUNCTION IF EXISTS cases_calendar_compile();
DROP FUNCTION IF EXISTS cases_format_due(timestamptz);
DROP FUNCTION IF EXISTS cases_due(timestamptz, integer, text, boolean);
DROP FUNCTION IF EXISTS cases_day_end(date);
DROP FUNCTION IF EXISTS cases_add_workdays(date, integer);
DROP FUNCTION IF EXISTS cases_next_workday(date);
DROP FUNCTION IF EXISTS cases_calendar_workdays();
DROP FUNCTION IF EXISTS cases_calendar_counts();
DROP FUNCTION IF EXISTS cases_calendar_first();
"""
