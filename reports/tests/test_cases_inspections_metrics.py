"""The metrics from the cases and inspections apps (JC02, JC07–JC11, JC13, JC14) and the
dashboard's alert series (XX05, XX06), each against the hand-built records of factories.py
(`cases_and_inspections_year`, drawn out in its comment); the drill-down lists exactly the
records behind each figure; the reversal rate stays disabled: nothing records it."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from reports import selectors, services
from reports.formulas import FORMULAS, Window
from reports.models import Metric
from reports.periods import parse_period, year_period
from reports.tests.factories import alert, hand_checked_year_with_cases

pytestmark = pytest.mark.django_db
YEAR = year_period(2025)
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def year(bureau):
    rows = hand_checked_year_with_cases(bureau)
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)
    return rows


def values(bureau, period=YEAR):
    return selectors.bureau_values(bureau_id=bureau.station_a.bureau_id, period=period)


def unit_values(user, unit, period=YEAR):
    table = selectors.metric_table(user=user, period=period)
    return {m.code: table.by_unit[unit.pk][m.pk] for m in table.metrics}


def drill(client, code, **query):
    response = client.get(reverse("reports:records", args=[code]), {"period": "2025", **query})
    assert response.status_code == 200
    return response


# code: (numerator, denominator, text, met) for the bureau in 2025; (A, B) the units' texts.
EXPECTED = {
    # f1 f2 f3 f4 (f7 found in 2024, f8 another bureau's, f5 f6 other categories); no target
    "JC02": (4, 4, "4", None, ("3", "1")),
    # withdrawn in 2025: C1, C5 (filed in 2024); filed in 2025: C1 C2 C7 (A), C3 C6 (B; C6 at 00:30
    # on 1 January in Shanghai); C4 is administrative, C7's withdrawal falls in 2026
    "JC07": (2, 5, "40.0%", False, ("66.7%", "0.0%")),
    # C1 by a1 (a2 raised in the same run, a later id), C2 by a4 (a3 dismissed), C3 by a8;
    # C5's a6 is not its first (a5, 2024); a7 is a property alert
    "JC08": (3, 3, "3", False, ("2", "1")),
    "JC09": (2, 2, "2", False, ("1", "1")),  # a10 (A), a7 (B); a9 dismissed
    "JC10": (2, 2, "2", False, ("1", "1")),  # a11 (A), a12 (B); a13 another bureau's
    "JC11": (1, 1, "1", False, ("0", "1")),  # a14; a15 raised in 2024
    # due in 2025 and passed: o1 o3 o4 o7 (A), o2 o5 (B); signed off: o1, o3 (late), o7; o6 due in 2026
    "JC13": (3, 6, "50.0%", False, ("75.0%", "0.0%")),
    # ac1: officer, leader (other_officer exempted); ac4 at 23:30 on 31 December; ac2 decided in 2026
    "JC14": (3, 3, "3", None, ("2", "1")),
    # raised in 2025: all but a5, a15 (2024) and a13 (another bureau) → A 9, B 4
    "XX05": (13, 13, "13", None, ("9", "4")),
    # closed in 2025: a1 a3 a4 a5 a9 a11 a16 (A), a7 (B); a14 reviewed in 2026; a2 a6 a8 a10 a12 open
    "XX06": (8, 8, "8", None, ("7", "1")),
}


def test_each_new_formula_gives_the_hand_checked_figure(bureau, year):
    got = values(bureau)
    for code, (num, den, text, met, _units) in EXPECTED.items():
        value = got[code]
        assert (value.num, value.den, value.text, value.met) == (num, den, text, met), code


def test_unit_figures_split_the_bureau_figure(bureau, year):
    a = unit_values(bureau.leadership, bureau.station_a)
    b = unit_values(bureau.leadership, bureau.station_b)
    for code, (*_bureau, (a_text, b_text)) in EXPECTED.items():
        assert (a[code].text, b[code].text) == (a_text, b_text), code


def test_the_alert_series_fall_in_their_months(bureau, year):
    """Raised: Jan a1 a2; Feb a6 a12 a16; Mar a10; Apr a11; May a7; Jun a9; Jul a14; Aug a3;
    Sep a4; Dec a8. Closed: Jan a1 a5; Feb a16; Apr a11 (reviewed; its later clearing is not a
    second closing); May a7; Jun a9; Aug a3; Sep a4 (resolved, when it cleared)."""
    series = selectors.monthly_series(bureau_id=bureau.station_a.bureau_id, period=YEAR, codes=["XX05", "XX06"])
    raised = [series["XX05"].get(date(2025, m, 1), (0, 0))[0] for m in range(1, 13)]
    closed = [series["XX06"].get(date(2025, m, 1), (0, 0))[0] for m in range(1, 13)]
    assert raised == [2, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1]
    assert closed == [2, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0]
    # the withdrawal rate's two sides land in their own months: C5 withdrawn in February,
    # C6 filed at 00:30 on 1 January (still 31 December in UTC)
    february = values(bureau, parse_period("2025-02", default_year=2025))["JC07"]
    assert (february.num, february.den) == (1, 1)  # C5 withdrawn; C2 filed
    january = values(bureau, parse_period("2025-01", default_year=2025))["JC07"]
    assert (january.num, january.den) == (0, 2)  # C1 and C6 filed


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_the_drill_down_lists_exactly_the_records_behind_the_figure(client, bureau, year, code):
    client.force_login(bureau.leadership)
    for unit in (bureau.station_a, bureau.station_b, None):
        expected = values(bureau)[code] if unit is None else unit_values(bureau.leadership, unit)[code]
        query = {"unit": unit.pk} if unit else {}
        assert drill(client, code, **query).context["page"].paginator.count == expected.num, (code, unit)
        if FORMULAS[expected.metric.formula].kind == "ratio":
            count = drill(client, code, part="denominator", **query).context["page"].paginator.count
            assert count == expected.den, (code, unit)


def test_the_drill_downs_name_the_records(client, bureau, year):
    client.force_login(bureau.leadership)
    ids = lambda response: {row[0] for row in response.context["rows"]}  # noqa: E731
    assert ids(drill(client, "JC08")) == {year["a1"].pk, year["a4"].pk, year["a8"].pk}
    # the untruthful dispositions found: the findings of that category
    assert ids(drill(client, "JC02")) == {year[f].pk for f in ("f1", "f2", "f3", "f4")}
    assert ids(drill(client, "JC07")) == {year["C1"].pk, year["C5"].pk}
    filed = ids(drill(client, "JC07", part="denominator"))
    assert filed == {year[c].pk for c in ("C1", "C2", "C3", "C6", "C7")}
    assert ids(drill(client, "JC02")) == {year[f].pk for f in ("f1", "f2", "f3", "f4")}
    # a rectification order opens its finding's page; an accountability decision its case's
    assert ids(drill(client, "JC13")) == {year["f1"].pk, year["f3"].pk, year["f7"].pk}
    assert ids(drill(client, "JC14")) == {year["ac1"].pk, year["ac4"].pk}
    assert ids(drill(client, "XX06")) >= {year["a5"].pk}  # raised in 2024, closed in 2025
    page = drill(client, "JC08").content.decode()
    assert reverse("cases:alert", args=[year["a1"].pk]) in page


def test_a_unit_leader_drills_into_their_own_unit_only(client, bureau, year):
    client.force_login(bureau.leader)
    assert drill(client, "JC08").context["page"].paginator.count == 2  # a1, a4
    assert drill(client, "JC13", part="denominator").context["page"].paginator.count == 4
    assert drill(client, "JC14").context["page"].paginator.count == 2
    response = client.get(reverse("reports:records", args=["JC08"]), {"period": "2025", "unit": bureau.station_b.pk})
    assert response.status_code == 404


def test_the_closure_rate_counts_only_orders_already_due(bureau, year):
    """As of 1 May 2025: due by then o1 (closed), o4, o5, o7 (closed); o3 is due in November
    but already signed off, so it counts on both sides; o2 (due 1 June, open) not yet."""
    formula = FORMULAS["inspections.rectification_closure"]
    window = Window(
        bureau_id=bureau.station_a.bureau_id,
        start=date(2025, 1, 1),
        end=date(2026, 1, 1),
        now=datetime(2025, 5, 1, tzinfo=TZ),
    )
    assert set(formula.drill(window, "denominator")) == {year[o] for o in ("o1", "o3", "o4", "o5", "o7")}
    assert set(formula.drill(window, "numerator")) == {year[o] for o in ("o1", "o3", "o7")}


def test_the_overdue_rules_are_a_parameter(bureau, year):
    Metric.objects.filter(code="JC08").update(parameters={"rules": ["CAS-09"]})
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)
    # C1 by a10, C3 by a7 (a9 on C2 dismissed)
    assert values(bureau)["JC08"].num == 2


def test_all_metrics_with_a_source_count_in_the_summary(bureau, year):
    table = selectors.metric_table(user=bureau.leadership, period=YEAR)
    assert table.met_summary() == {"total": 17, "available": 16, "unavailable": 1, "judged": 14, "met": 1}
    enabled = Metric.objects.filter(code__in=[c for c in EXPECTED if c.startswith("JC")], is_enabled=True)
    assert enabled.count() == 8
    assert not enabled.exclude(note="").exists()
    assert not enabled.filter(description="").exists()


def test_the_reversal_rate_stays_disabled_with_an_honest_note(bureau, year):
    metric = Metric.objects.get(code="JC12")
    assert not metric.is_enabled and "复议" in metric.note and "尚未上线" not in metric.note
    assert not FORMULAS["inspections.reversal_rate"].available
    assert values(bureau)["JC12"].text == "—"
    metric.is_enabled = True
    with pytest.raises(ValidationError):
        metric.full_clean()


def test_the_migration_enables_the_waiting_metrics(bureau):
    """Migration 0003 on the rows as migration 0002 left them before the apps landed."""
    import importlib

    from django.apps import apps

    from reports.seed import CASES_NOTE, INSPECTIONS_NOTE

    migration = importlib.import_module("reports.migrations.0003_enable_cases_and_inspections_metrics")
    Metric.objects.filter(code__in=["XX05", "XX06"]).delete()
    Metric.objects.filter(code__in=["JC02", "JC07", "JC08", "JC12"]).update(
        is_enabled=False, note=CASES_NOTE, description=""
    )
    Metric.objects.filter(code="JC13").update(is_enabled=False, note=INSPECTIONS_NOTE)
    Metric.objects.filter(code="JC14").update(is_enabled=False, note="管理员的备注")
    migration.enable(apps, None)
    rows = {m.code: m for m in Metric.objects.all()}
    assert all(rows[c].is_enabled and rows[c].note == "" for c in ("JC02", "JC07", "JC08", "JC13"))
    assert rows["JC14"].is_enabled and rows["JC14"].note == "管理员的备注"  # an edited note is kept
    assert not rows["JC12"].is_enabled and "复议" in rows["JC12"].note
    assert rows["JC07"].description.startswith("本期撤销的刑事案件数")
    assert {"XX05", "XX06"} <= set(rows)


def test_the_dashboard_shows_alerts_and_the_closure_rate_from_stored_figures(client, bureau, year):
    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:dashboard"), {"period": "2025"})
    page = response.content.decode()
    alerts = response.context["alerts"]
    assert alerts["available"] and (alerts["opened_total"], alerts["closed_total"]) == (13, 8)
    assert alerts["opened"][:3] == [2, 3, 1] and alerts["closed"][:3] == [2, 1, 0]
    assert 'id="chart-alerts"' in page and 'data-testid="alerts-unavailable"' not in page
    assert response.context["rectification"].text == "50.0%"
    assert 'data-testid="rectification"' in page and "not yet available" not in page.lower()
    # the dashboard reads the stored figures: a new alert shows after the next refresh only
    alert(year["C2"], "CAS-11", datetime(2025, 3, 5, 10, tzinfo=TZ))
    assert client.get(reverse("reports:dashboard"), {"period": "2025"}).context["alerts"]["opened_total"] == 13
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)
    assert client.get(reverse("reports:dashboard"), {"period": "2025"}).context["alerts"]["opened_total"] == 14
    export = client.get(reverse("reports:dashboard"), {"period": "2025", "export": "alerts"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("月份", "发起", "办结") and rows[1] == ("1月", 2, 2)


def test_the_dashboard_stays_for_leadership_only(client, bureau, year):
    client.force_login(bureau.leader)
    assert client.get(reverse("reports:dashboard"), {"period": "2025", "export": "alerts"}).status_code == 403
