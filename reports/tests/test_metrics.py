"""Each implemented formula against the hand-checked year of factories.py; the drill-down
lists match the figures; scope; disabled metrics never show a figure."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports import selectors, services
from reports.formulas import FORMULAS, Window
from reports.models import Metric, MonthlyFigure
from reports.periods import parse_period, year_period
from reports.tests.factories import hand_checked_year_with_cases

pytestmark = pytest.mark.django_db
YEAR = year_period(2025)


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


# code: (numerator, denominator, text, met) for the bureau in 2025, worked out by hand.
EXPECTED = {
    "JC01": (10, 11, "90.9%", False),  # decided ÷ registered; the 2024 and foreign reports excluded
    "JC03": (2, 4, "50.0%", False),  # A4, B8 accepted of A4 A5 A6 B8
    "JC04": (2, 3, "66.7%", False),  # A1, B9 filed of A1 A2 B9 (A3 pending)
    "JC05": (2, 7, "28.6%", False),  # A2, A6 declined of A1 A2 A4 A5 A6 B8 B9
    "JC06": (3, 3, "3", False),  # A3 pending, A4 after 5 days, B9 after 4 days
    "JC15": (1, 1, "1", True),  # the officer's 2025 pass with both parts
    "JC16": (2, 3, "66.7%", False),  # officer and leader finished; other_officer in progress
    "JC17": (1, 2, "50.0%", False),  # officer passed, leader failed
    "XX01": (2, 3, "66.7%", False),  # officer, other_officer present; leader absent; excused not counted
}


def test_each_formula_gives_the_hand_checked_bureau_figure(bureau, year):
    got = values(bureau)
    for code, (num, den, text, met) in EXPECTED.items():
        value = got[code]
        assert (value.num, value.den, value.text, value.met) == (num, den, text, met), code


def test_unit_figures_split_the_bureau_figure(bureau, year):
    a = unit_values(bureau.leadership, bureau.station_a)
    b = unit_values(bureau.leadership, bureau.station_b)
    assert (a["JC01"].num, a["JC01"].den, a["JC01"].text) == (6, 7, "85.7%")
    assert (b["JC01"].num, b["JC01"].den, b["JC01"].text) == (4, 4, "100.0%")
    assert (a["JC03"].text, b["JC03"].text) == ("33.3%", "100.0%")
    assert (a["JC05"].text, b["JC05"].text) == ("40.0%", "0.0%")
    assert (a["JC06"].num, b["JC06"].num) == (2, 1)
    assert (a["JC17"].text, b["JC17"].text) == ("50.0%", "—")
    assert (a["JC16"].text, b["JC16"].text) == ("100.0%", "0.0%")
    # a count target (one legal-exam pass a year) is the bureau's, not each unit's
    assert a["JC15"].num == 1 and a["JC15"].met is None
    # a zero target on a "lower is better" count applies to every unit
    assert b["JC06"].met is False


def test_months_roll_up_into_quarters_and_the_year(bureau, year):
    january = values(bureau, parse_period("2025-01", default_year=2025))["JC01"]
    # A1, A2, B8 and B11 (received 00:10 on 1 January in Shanghai, still 31 December in UTC)
    assert (january.num, january.den) == (4, 4)
    first = values(bureau, parse_period("2025-Q1", default_year=2025))["JC01"]
    assert (first.num, first.den) == (8, 9)
    second = values(bureau, parse_period("2025-Q2", default_year=2025))["JC01"]
    assert (second.num, second.den) == (2, 2)
    assert first.num + second.num == values(bureau)["JC01"].num


def test_the_refresh_is_rerunnable_and_follows_the_data(bureau, year):
    home = bureau.station_a.bureau_id
    before = MonthlyFigure.objects.filter(bureau_id=home).count()
    services.figures_refresh_year(bureau_id=home, year=2025)
    assert MonthlyFigure.objects.filter(bureau_id=home).count() == before
    year["A3"].__class__.objects.filter(pk=year["A3"].pk).update(disposition="filed", decided_at=year["A3"].received_at)
    assert values(bureau)["JC04"].num == 2  # the stored figure, until the next refresh
    services.figures_refresh_year(bureau_id=home, year=2025)
    assert (values(bureau)["JC04"].num, values(bureau)["JC04"].den) == (3, 4)


def test_disabled_metrics_show_no_figure_and_are_not_counted(bureau, year):
    disabled = Metric.objects.filter(is_enabled=False)
    assert [m.code for m in disabled] == ["JC12"]  # no app records reconsideration or litigation
    assert Metric.objects.filter(is_assessed=True).count() == 17
    got = values(bureau)
    assert got["JC12"].text == "—" and got["JC12"].value is None and got["JC12"].met is None
    table = selectors.metric_table(user=bureau.leadership, period=YEAR)
    summary = table.met_summary()
    assert summary == {"total": 17, "available": 16, "unavailable": 1, "judged": 14, "met": 1}


def test_a_metric_whose_source_has_not_landed_cannot_be_enabled(bureau):
    from django.core.exceptions import ValidationError

    metric = Metric.objects.get(code="JC12")
    metric.is_enabled = True
    with pytest.raises(ValidationError):
        metric.full_clean()
    assert not FORMULAS["inspections.reversal_rate"].available


@pytest.mark.parametrize("code", ["JC01", "JC03", "JC04", "JC05", "JC06", "JC15", "JC16", "JC17", "XX01"])
def test_the_drill_down_lists_the_records_behind_the_figure(client, bureau, year, code):
    client.force_login(bureau.leadership)
    for unit in (bureau.station_a, bureau.station_b, None):
        if unit is None:
            expected = values(bureau)[code]
        else:
            expected = unit_values(bureau.leadership, unit)[code]
        query = {"period": "2025", **({"unit": unit.pk} if unit else {})}
        response = client.get(reverse("reports:records", args=[code]), query)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == expected.num, (code, unit)
        if FORMULAS[expected.metric.formula].kind == "ratio":
            response = client.get(reverse("reports:records", args=[code]), {**query, "part": "denominator"})
            assert response.context["page"].paginator.count == expected.den, (code, unit)


def test_the_drill_down_of_declined_reports_lists_the_records(client, bureau, year):
    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:records", args=["JC05"]), {"period": "2025"})
    numbers = {row[1] for row in response.context["rows"]}
    assert numbers == {year["A2"].number, year["A6"].number}


def test_a_unit_leader_sees_only_their_units_figures(client, bureau, year):
    table = selectors.metric_table(user=bureau.leader, period=YEAR)
    assert [u.pk for u in table.units] == [bureau.station_a.pk]
    assert table.bureau is None
    client.force_login(bureau.leader)
    response = client.get(reverse("reports:metrics"), {"period": "2025"})
    assert response.status_code == 200
    assert bureau.station_b.name not in response.content.decode()
    # the drill-down of the other unit is not found; without a unit it lists their own only
    response = client.get(reverse("reports:records", args=["JC01"]), {"period": "2025", "unit": bureau.station_b.pk})
    assert response.status_code == 404
    response = client.get(reverse("reports:records", args=["JC01"]), {"period": "2025", "part": "denominator"})
    assert response.context["page"].paginator.count == 7


@pytest.mark.parametrize(
    "role,status",
    [
        ("officer", 403),
        ("leader", 403),
        ("legal_officer", 403),
        ("supervisor", 403),
        ("leadership", 200),
        ("admin", 403),
    ],
)
def test_the_dashboard_is_for_leadership_only(client, bureau, year, role, status):
    client.force_login(getattr(bureau, role))
    assert client.get(reverse("reports:dashboard"), {"period": "2025"}).status_code == status
    assert client.post(reverse("reports:refresh"), {"period": "2025"}).status_code == (302 if status == 200 else 403)
    # the menu offers the dashboard to leadership alone
    menu = client.get(reverse("home"), follow=True).content.decode()  # leadership lands on the dashboard
    assert (f'href="{reverse("reports:dashboard")}"' in menu) == (status == 200)


def test_the_dashboard_shows_figures_and_says_what_is_not_yet_available(client, bureau, year):
    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:dashboard"), {"period": "2025"})
    page = response.content.decode()
    assert response.context["summary"]["met"] == 1
    assert 'id="chart-alerts"' in page and 'data-testid="alerts-unavailable"' not in page
    # no colour has been checked by the compliance rules yet: no chart of default greens
    assert 'data-testid="colours-unavailable"' in page
    assert 'id="dashboard-data"' in page and "<script>" not in page.replace("<script src", "")


def test_colour_counts_count_every_report_by_its_colour_once_the_rules_have_run(client, bureau, year):
    """A report that stays green is never written by the compliance run (no colour_at): it
    counts as green all the same, beside the reports the run turned red or yellow."""
    from django.db.models import Count

    from cases.compliance import compliance_run
    from cases.services import reference_data_ensure
    from intake.models import Incident

    reference_data_ensure()  # the rules come with a data migration; a flushing test may have emptied them
    home = bureau.station_a.bureau_id
    client.force_login(bureau.leadership)
    # given no compliance run yet: the colours are only the default green, not shown
    colours = client.get(reverse("reports:dashboard"), {"period": "2025"}).context["colours"]
    assert not colours["available"]

    # when three reports are fully registered (the others miss their first receiver: INT-05, yellow)
    for key, officer in (("A5", bureau.officer), ("A7", bureau.officer), ("B10", bureau.other_officer)):
        Incident.objects.filter(pk=year[key].pk).update(receiving_officer=officer, location="城关镇", is_anonymous=True)
    # and the nightly run checks the bureau and the figures are recomputed
    compliance_run(bureau=bureau.station_a.bureau)
    services.figures_refresh_year(bureau_id=home, year=2025)

    # then every 2025 report of each unit is counted under the colour it has
    window = Window(bureau_id=home, start=YEAR.start, end=YEAR.end)
    reports = Incident.objects.filter(bureau_id=home, received_at__gte=window.start_at, received_at__lt=window.end_at)
    assert reports.filter(colour="green", colour_at__isnull=True).exists()  # untouched by the run
    assert reports.exclude(colour="green").exists()  # and some the run turned red or yellow
    by_colour = reports.values("unit__name", "colour").annotate(n=Count("id"))
    expected = {(r["unit__name"], r["colour"]): r["n"] for r in by_colour}
    colours = client.get(reverse("reports:dashboard"), {"period": "2025"}).context["colours"]
    assert colours["available"] and colours["checked"] == reports.count() == 11
    got = {
        (unit, colour): colours[colour][i]
        for i, unit in enumerate(colours["units"])
        for colour in ("red", "yellow", "green")
        if colours[colour][i]
    }
    assert got == expected
    # and the drill-down of a unit's greens lists those reports
    response = client.get(reverse("reports:records", args=["XX04"]), {"period": "2025", "unit": bureau.station_a.pk})
    assert response.context["page"].paginator.count == expected[(bureau.station_a.name, "green")]


def test_exports_have_chinese_headers_and_neutralise_formulas(client, bureau, year):
    bureau.station_a.name = '=HYPERLINK("http://x")'
    bureau.station_a.save()
    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:metrics"), {"period": "2025", "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "单位"
    assert '\'=HYPERLINK("http://x")' in [r[0] for r in rows]
    for export in ("metrics", "training", "ranking", "colours"):
        response = client.get(reverse("reports:dashboard"), {"period": "2025", "export": export})
        assert response.status_code == 200
        assert load_workbook(io.BytesIO(response.content)).active.max_row >= 1


def test_the_metrics_api_is_scoped(client, bureau, year):
    client.force_login(bureau.leader)
    data = client.get("/api/v1/metrics/values/", {"period": "2025"}).json()
    assert {row["unit"] for row in data["values"]} == {bureau.station_a.code}
    client.force_login(bureau.leadership)
    data = client.get("/api/v1/metrics/values/", {"period": "2025"}).json()
    bureau_row = next(r for r in data["values"] if r["code"] == "JC01" and r["unit"] is None)
    assert (bureau_row["numerator"], bureau_row["denominator"], Decimal(bureau_row["value"])) == (
        10,
        11,
        Decimal("90.9"),
    )
    assert not any(r["code"] == "JC12" for r in data["values"])
    client.force_login(bureau.officer)
    assert client.get("/api/v1/metrics/").status_code == 403
    assert client.get("/api/v1/annual-reports/").status_code == 403
    client.force_login(bureau.foreign_officer)
    data = client.get("/api/v1/metrics/values/", {"period": "2025"}).json()
    assert all(r["numerator"] == 0 for r in data["values"])


def _row(page: str, name: str) -> str:
    return next(row for row in page.split("<tr") if f"<td>{name}</td>" in row)


def test_a_period_never_computed_judges_nothing_and_shows_no_as_of_time(client, bureau, year):
    client.force_login(bureau.leadership)
    # given 2024, which has records but which no refresh has covered (the fixture computes 2025)
    response = client.get(reverse("reports:dashboard"), {"period": "2024"})
    page = response.content.decode()
    # then nothing is met, nothing has an "as of" time, and every figure says it is not computed
    assert not response.context["state"].computed and response.context["summary"]["judged"] == 0
    assert 'data-computed="false"' in page and "数据统计截至" not in page
    assert 'data-status="met"' not in page and 'data-status="not_met"' not in page
    assert 'data-status="not_computed"' in _row(page, "警情核查率")
    assert "本期数据尚未统计" in page
    metrics = client.get(reverse("reports:metrics"), {"period": "2024"}).content.decode()
    assert "数据统计截至" not in metrics and "✓" not in metrics and "本期数据尚未统计" in metrics
    assert client.get("/api/v1/metrics/values/", {"period": "2024"}).json()["computed"] is False
    # while 2025 says as of when
    page = client.get(reverse("reports:dashboard"), {"period": "2025"}).content.decode()
    assert 'data-computed="true"' in page and "数据统计截至" in page


def test_a_period_computed_in_part_names_the_months_not_computed(bureau, year):
    from datetime import date

    home = bureau.station_a.bureau_id
    run = services.figures_refresh(bureau_id=home, start=date(2024, 1, 1), end=date(2024, 7, 1))
    state = selectors.figures_state(bureau_id=home, period=parse_period("2024", default_year=2024))
    assert state.computed and state.as_of == run.finished_at
    assert state.missing_text == "2024-07, 2024-08, 2024-09, 2024-10, 2024-11, 2024-12"
    first_half = selectors.figures_state(bureau_id=home, period=parse_period("2024-Q2", default_year=2024))
    assert first_half.computed and not first_half.missing


def test_a_rate_with_a_target_but_nothing_to_divide_reads_no_data_not_no_target(client, bureau, year):
    client.force_login(bureau.leadership)
    # December 2025: no public-order report was decided, so the acceptance rate (target ≥75%) has no value
    page = client.get(reverse("reports:dashboard"), {"period": "2025-12"}).content.decode()
    row = _row(page, "治安警情受案率")
    assert 'data-status="no_data"' in row and "未设目标" not in row
    # a count target belongs to the year: a month does not judge it
    assert 'data-status="not_judged"' in _row(page, "法考通过人数")
    # and a metric without a target still says so
    assert Metric.objects.get(code="JC02").target is None
    assert 'data-status="no_target"' in _row(page, Metric.objects.get(code="JC02").name)


def test_the_dashboard_tiles_and_charts_open_the_records_behind_them(client, bureau, year):
    import json
    import re

    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:dashboard"), {"period": "2025"})
    page = response.content.decode()
    # each tile links to its drill-down, which lists as many records as the tile says
    for testid, figure in (("kpi-registered", "11"), ("kpi-checked", "10"), ("kpi-tested", "2")):
        href, text = re.search(rf'data-testid="{testid}" href="([^"]+)">([^<]+)<', page).groups()
        assert text == figure
        drilled = client.get(href.replace("&amp;", "&"))
        assert drilled.context["page"].paginator.count == int(figure), testid
    # the charts carry what a click opens: the records page of a metric, by unit or by month
    chart = json.loads(re.search(r'<script id="dashboard-data" type="application/json">(.*?)</script>', page).group(1))
    assert chart["links"]["records"] == reverse("reports:records", args=["CODE"])
    assert chart["links"]["period"] == "2025" and chart["trend"]["keys"][0] == "2025-01"
    units = dict(zip(chart["training"]["units"], chart["training"]["unitIds"], strict=True))
    url = chart["links"]["records"].replace("CODE", chart["links"]["training"]["attendance"])
    drilled = client.get(url, {"period": "2025", "unit": units[bureau.station_a.name]})
    assert drilled.context["page"].paginator.count == unit_values(bureau.leadership, bureau.station_a)["XX01"].num
    january = client.get(reverse("reports:records", args=["JC01"]), {"period": chart["trend"]["keys"][0]})
    assert january.context["page"].paginator.count == chart["trend"]["checked"][0] == 4


def test_the_drill_down_shows_the_figure_and_its_time_beside_the_live_list(client, bureau, year):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from reports.tests.factories import incident

    client.force_login(bureau.leadership)
    response = client.get(reverse("reports:records", args=["JC01"]), {"period": "2025"})
    page = response.content.decode()
    assert 'data-stored="10" data-live="10"' in page
    assert "统计数据（截至" in page and "90.9%" in page and "两者一致" in page
    # when a report is decided after the refresh, the live list has one more than the figure
    incident(
        bureau.station_a,
        datetime(2025, 6, 1, 9, tzinfo=ZoneInfo("Asia/Shanghai")),
        "dispute",
        "no_case",
        timedelta(hours=1),
    )
    page = client.get(reverse("reports:records", args=["JC01"]), {"period": "2025"}).content.decode()
    assert 'data-stored="10" data-live="11"' in page and "统计之后数据有变动" in page
    # a period never computed says so
    page = client.get(reverse("reports:records", args=["JC01"]), {"period": "2024"}).content.decode()
    assert "本期数据尚未统计" in page and "统计数据（截至" not in page


def test_excel_exports_write_figures_as_numbers(client, bureau, year):
    client.force_login(bureau.leadership)

    def sheet(url, **query):
        response = client.get(url, {"period": "2025", **query})
        return load_workbook(io.BytesIO(response.content)).active

    metrics = sheet(reverse("reports:dashboard"), export="metrics")
    rows = {row[0].value: row for row in metrics.iter_rows(min_row=2)}
    check_rate, overdue = rows["JC01"][2], rows["JC06"][2]
    assert check_rate.data_type == "n" and check_rate.value == pytest.approx(0.909)
    assert check_rate.number_format == "0.0%"
    assert overdue.data_type == "n" and overdue.value == 3
    assert rows["JC12"][2].value is None and rows["JC12"][4].value == "暂无数据"  # no source: no number
    training = sheet(reverse("reports:dashboard"), export="training")
    station = next(r for r in training.iter_rows(min_row=2) if r[0].value == bureau.station_a.name)
    assert station[1].data_type == "n" and station[1].value == pytest.approx(0.5) and station[1].number_format == "0.0%"
    grid = sheet(reverse("reports:metrics"), export="xlsx")
    header = [c.value for c in grid[1]]
    whole = next(r for r in grid.iter_rows(min_row=2) if r[0].value == "全局")
    assert whole[header.index("JC01 警情核查率")].data_type == "n"
