"""How a legal period is counted (DESIGN §3), through the 2025 Spring Festival (28 Jan – 4 Feb,
26 Jan and 8 Feb worked) and National Day (1 – 8 Oct, 28 Sep and 11 Oct worked); and the SQL
function the rules use agrees with the Python one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection

from cases.models import CalendarDay, DayKind
from cases.periods import CalendarMissing, WorkCalendar, due_at, format_due, warn_from
from cases.tests.factories import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def cal():
    return WorkCalendar.load()


def end_of(y, m, d):
    """24:00 of a day."""
    return at(y, m, d) + timedelta(days=1)


def test_the_calendar_knows_the_2025_holidays_and_make_up_days(cal):
    assert not cal.is_workday(at(2025, 1, 28).date()) and not cal.is_workday(at(2025, 2, 4).date())
    assert cal.is_workday(at(2025, 1, 26).date()) and cal.is_workday(at(2025, 2, 8).date())
    assert not cal.is_workday(at(2025, 10, 1).date()) and not cal.is_workday(at(2025, 10, 8).date())
    assert cal.is_workday(at(2025, 9, 28).date()) and cal.is_workday(at(2025, 10, 11).date())
    assert CalendarDay.objects.get(day=at(2025, 1, 26).date()).kind == DayKind.MAKEUP


def test_hours_run_from_the_exact_moment(cal):
    # 24 h after a detention at 22:30 is 22:30 the next day, holiday or not.
    assert due_at(at(2025, 1, 28, 22, 30), 24, "hours", custody=True, calendar=cal) == at(2025, 1, 29, 22, 30)
    assert due_at(at(2025, 3, 3, 22, 30), 24, "hours", calendar=cal) == at(2025, 3, 4, 22, 30)


def test_days_start_the_next_day_and_end_at_midnight_of_the_last(cal):
    # 3 days from a report received Monday 09:00 end at 24:00 Thursday.
    assert due_at(at(2025, 3, 3, 9, 0), 3, "days", calendar=cal) == end_of(2025, 3, 6)


def test_a_last_day_on_a_weekend_moves_to_the_next_working_day(cal):
    # Wednesday + 3 days = Saturday → Monday 24:00.
    assert due_at(at(2025, 3, 5, 9, 0), 3, "days", calendar=cal) == end_of(2025, 3, 10)


def test_a_last_day_in_the_spring_festival_moves_past_it(cal):
    # Monday 27 Jan + 3 days = Thursday 30 Jan, a holiday → Wednesday 5 Feb 24:00.
    assert due_at(at(2025, 1, 27, 9, 0), 3, "days", calendar=cal) == end_of(2025, 2, 5)


def test_custody_periods_end_on_their_own_last_day_through_holidays(cal):
    assert due_at(at(2025, 1, 27, 9, 0), 3, "days", custody=True, calendar=cal) == end_of(2025, 1, 30)
    assert due_at(at(2025, 9, 28, 20, 0), 3, "days", custody=True, calendar=cal) == end_of(2025, 10, 1)


def test_a_make_up_working_day_is_not_a_rest_day(cal):
    # Thursday 23 Jan + 3 = Sunday 26 Jan, worked: the period ends that day.
    assert due_at(at(2025, 1, 23, 9, 0), 3, "days", calendar=cal) == end_of(2025, 1, 26)
    # Wednesday 5 Feb + 3 = Saturday 8 Feb, worked.
    assert due_at(at(2025, 2, 5, 9, 0), 3, "days", calendar=cal) == end_of(2025, 2, 8)
    # Thursday 25 Sep + 3 = Sunday 28 Sep, worked; Wednesday 8 Oct + 3 = Saturday 11 Oct, worked.
    assert due_at(at(2025, 9, 25, 9, 0), 3, "days", calendar=cal) == end_of(2025, 9, 28)
    assert due_at(at(2025, 10, 8, 9, 0), 3, "days", calendar=cal) == end_of(2025, 10, 11)


def test_a_last_day_in_national_day_moves_to_the_ninth(cal):
    # Sunday 28 Sep + 3 = 1 Oct → Thursday 9 Oct 24:00; 9 Oct + 3 = Sunday 12 Oct → Monday 13 Oct.
    assert due_at(at(2025, 9, 28, 20, 0), 3, "days", calendar=cal) == end_of(2025, 10, 9)
    assert due_at(at(2025, 10, 9, 8, 0), 3, "days", calendar=cal) == end_of(2025, 10, 13)


def test_working_days_count_only_working_days(cal):
    # Friday 24 Jan + 2 working days: Sunday 26 Jan (worked), Monday 27 Jan.
    assert due_at(at(2025, 1, 24, 15, 0), 2, "working_days", calendar=cal) == end_of(2025, 1, 27)
    # Monday 27 Jan + 2: the festival is skipped → Thursday 6 Feb.
    assert due_at(at(2025, 1, 27, 15, 0), 2, "working_days", calendar=cal) == end_of(2025, 2, 6)
    # Friday 26 Sep + 2: Sunday 28 Sep (worked), Monday 29 Sep; Tuesday 30 Sep + 2: 9 and 10 Oct.
    assert due_at(at(2025, 9, 26, 15, 0), 2, "working_days", calendar=cal) == end_of(2025, 9, 29)
    assert due_at(at(2025, 9, 30, 15, 0), 2, "working_days", calendar=cal) == end_of(2025, 10, 10)
    # Friday 10 Oct + 1: Saturday 11 Oct is worked.
    assert due_at(at(2025, 10, 10, 15, 0), 1, "working_days", calendar=cal) == end_of(2025, 10, 11)


def test_months_end_on_the_same_day_or_the_last_day_of_a_shorter_month(cal):
    assert due_at(at(2025, 1, 31, 10, 0), 1, "months", calendar=cal) == end_of(2025, 2, 28)
    assert due_at(at(2024, 3, 14, 10, 0), 12, "months", calendar=cal) == end_of(2025, 3, 14)
    # 1 Sep + 1 month = 1 Oct, a holiday → 9 Oct; in custody it stays 1 Oct.
    assert due_at(at(2025, 9, 1, 10, 0), 1, "months", calendar=cal) == end_of(2025, 10, 9)
    assert due_at(at(2025, 9, 1, 10, 0), 1, "months", custody=True, calendar=cal) == end_of(2025, 10, 1)


def test_two_thirds_of_a_period(cal):
    start = at(2025, 3, 3, 0, 0)
    assert warn_from(start, start + timedelta(hours=24), 2 / 3) == at(2025, 3, 3, 16, 0)


def test_a_deadline_at_the_end_of_a_day_reads_24_00():
    assert format_due(end_of(2025, 2, 5)) == "2025-02-05 24:00"
    assert format_due(at(2025, 1, 29, 22, 30)) == "2025-01-29 22:30"


def test_a_day_outside_the_calendar_is_an_error_not_a_guess():
    with pytest.raises(CalendarMissing):
        WorkCalendar({}).next_workday(at(2025, 1, 1).date())


def _sql_due(starts, n, unit, custody, function="cases_due"):
    """The SQL count: cases_due (inlined into the nightly rules) or cases_due_one (the on-save check's)."""
    assert function in ("cases_due", "cases_due_one")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {function}(t, %s, %s, %s) FROM unnest(%s::timestamptz[]) WITH ORDINALITY AS u(t, i) ORDER BY i",
            [n, unit, custody, starts],
        )
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.parametrize(
    "n, unit",
    [
        (1, "hours"),
        (24, "hours"),
        (1, "days"),
        (3, "days"),
        (7, "days"),
        (30, "days"),
        (2, "working_days"),
        (5, "working_days"),
        (1, "months"),
        (6, "months"),
        (12, "months"),
    ],
)
@pytest.mark.parametrize("custody", [False, True])
def test_sql_and_python_agree_on_a_grid_of_moments(cal, n, unit, custody):
    # Every 37 hours through 2025, so each hour of the day and each holiday edge comes up.
    starts = [at(2024, 12, 20, 0, 13) + timedelta(hours=37 * k) for k in range(250)]
    expected = [due_at(s, n, unit, custody=custody, calendar=cal) for s in starts]
    assert _sql_due(starts, n, unit, custody) == expected
    assert _sql_due(starts, n, unit, custody, "cases_due_one") == expected


def test_editing_the_calendar_recompiles_the_sql_functions(cal):
    # given the on-save function has computed (and cached its plan of) a due time on this connection
    assert _sql_due([at(2025, 3, 5, 9)], 3, "days", False, "cases_due_one") == [end_of(2025, 3, 10)]
    # when Monday 10 March 2025 is declared a holiday
    day = CalendarDay.objects.get(day=at(2025, 3, 10).date())
    day.is_workday, day.kind, day.name = False, DayKind.HOLIDAY, "测试"
    day.save()
    # then both the Python and the SQL count move the Saturday deadline to Tuesday
    python = due_at(at(2025, 3, 5, 9), 3, "days", calendar=WorkCalendar.load())
    assert python == end_of(2025, 3, 11)
    assert _sql_due([at(2025, 3, 5, 9)], 3, "days", False) == [python]
    assert _sql_due([at(2025, 3, 5, 9)], 3, "days", False, "cases_due_one") == [python]


def test_the_on_save_check_counts_with_the_wrapper_and_the_nightly_run_inlines():
    from cases.models import Rule
    from cases.rules import Scope, rule_sql

    rule = Rule.objects.get(code="INT-01")
    on_save, _ = rule_sql(rule, Scope(bureau_id=1, incident_ids=(1,)))
    nightly, _ = rule_sql(rule, Scope(bureau_id=1))
    assert "cases_due_one(" in on_save and "cases_due(" not in on_save
    assert "cases_due(" in nightly and "cases_due_one(" not in nightly
