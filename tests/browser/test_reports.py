"""Leadership edits a section of the annual report in a real browser (saved as they type),
publishes it, and downloads the DOCX and the PDF; the dashboard draws its charts."""

from __future__ import annotations

import io
import subprocess

import pytest
from docx import Document
from playwright.sync_api import expect

from conftest import PASSWORD
from org.models import Role
from org.tests.factories import UserFactory
from reports import services
from reports.models import AnnualReport, ReportRevision
from reports.tests.factories import hand_checked_year_with_cases
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def eager_celery(settings, tmp_path):
    """The report's build task runs in the request (there is no worker in the test)."""
    from config.celery import app

    settings.MEDIA_ROOT = tmp_path / "media"
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def year(bureau):
    from reports.models import Metric
    from reports.seed import seed_metrics

    seed_metrics(Metric)  # the migration's rows are gone after an earlier transactional test
    hand_checked_year_with_cases(bureau)
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)


def test_leadership_edits_publishes_and_downloads_the_annual_report(page, bureau, year, eager_celery, tmp_path):
    log_in(page, bureau.leadership, PASSWORD)
    page.goto("/reports/annual/")
    page.locator("#year").fill("2025")
    page.locator("#year").press("Enter")
    page.wait_for_url("**/reports/annual/*/")
    report = AnnualReport.objects.get(year=2025)

    # the figures beside the editor come from the data
    assert page.locator("[data-figure=incidents_checked]").inner_text() == "10"

    plan = page.locator("#id_plan")
    plan.fill("")
    plan.type("（一）深化执法监督平台应用。")
    page.wait_for_selector("[data-testid=autosave-status][data-state=saved]")
    report.refresh_from_db()
    assert report.plan == "（一）深化执法监督平台应用。"
    assert ReportRevision.objects.filter(report=report, field="plan").exists()

    page.get_by_test_id("publish").click()
    final = page.get_by_test_id("build-final")
    final.wait_for()
    page.wait_for_selector("[data-testid=build-final][data-status=done]")
    report.refresh_from_db()
    assert report.is_published

    with page.expect_download() as info:
        final.locator("a[href$='/docx/']").click()
    docx_path = tmp_path / "report.docx"
    info.value.save_as(docx_path)
    text = "\n".join(p.text for p in Document(io.BytesIO(docx_path.read_bytes())).paragraphs)
    assert "深化执法监督平台应用" in text and "核查警情10起" in text
    assert "（一）不如实受立案4个" in text  # section 二 lists the year's findings

    with page.expect_download() as info:
        final.locator("a[href$='/pdf/']").click()
    pdf_path = tmp_path / "report.pdf"
    info.value.save_as(pdf_path)
    pdf = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    assert "深化执法监督平台应用" in "".join(pdf.split())

    # the published report no longer takes edits
    page.reload()
    assert page.locator("#id_plan").is_disabled()


def test_the_dashboard_draws_its_charts(page, bureau, year):
    log_in(page, bureau.leadership, PASSWORD)
    page.goto("/reports/?period=2025")
    page.wait_for_selector("#chart-trend canvas")
    page.wait_for_selector("#chart-training canvas")
    page.wait_for_selector("#chart-alerts canvas")
    assert page.get_by_test_id("met-summary").inner_text().strip() != ""
    assert page.get_by_test_id("rectification").inner_text().startswith("50.0%")
    assert page.get_by_test_id("alerts-unavailable").count() == 0

    # a click on January's bar of reports registered opens those reports
    point = page.evaluate(
        """() => {
            const el = document.getElementById("chart-trend");
            const chart = echarts.getInstanceByDom(el);
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [0, 1]);
            const box = el.getBoundingClientRect();
            return [box.left + x, box.top + y];
        }"""
    )
    page.mouse.click(*point)
    page.wait_for_url("**/reports/metrics/JC01/records/**")
    assert "period=2025-01" in page.url and "part=denominator" in page.url
    assert page.get_by_test_id("figure-vs-list").get_attribute("data-live") == "4"  # A1 A2 B8 B11


@pytest.fixture
def second_page(browser, live_server):
    """A second person at another computer: their own browser context (cookies, session)."""
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(10_000)
    blocked: list[str] = []
    page.on("console", lambda msg: "Content Security Policy" in msg.text and blocked.append(msg.text))
    yield page
    context.close()
    assert not blocked, blocked


def test_two_leaders_editing_the_same_draft_the_second_autosave_is_refused(page, second_page, bureau, year):
    deputy = UserFactory(unit=None, role=Role.LEADERSHIP, bureau=bureau.station_a.bureau, name="副局长")
    report = services.report_create(by=bureau.leadership, year=2025)
    editor = f"/reports/annual/{report.pk}/"

    # given both leaders have the draft open at the same version
    log_in(page, bureau.leadership, PASSWORD)
    page.goto(editor)
    log_in(second_page, deputy, PASSWORD)
    second_page.goto(editor)
    autosaves: list[str] = []
    second_page.on("request", lambda request: "/autosave/" in request.url and autosaves.append(request.url))

    # when the first one's text is saved …
    page.locator("#id_plan").fill("（一）局长写的计划。")
    expect(page.get_by_test_id("autosave-status")).to_have_attribute("data-state", "saved")

    # … the second one's autosave is refused in the status line, and their text stays to be copied
    second_page.locator("#id_plan").fill("（一）副局长写的计划。")
    status = second_page.get_by_test_id("autosave-status")
    expect(status).to_have_attribute("data-state", "conflict")
    expect(status).to_contain_text("此报告已被他人保存（现为第2版）")
    expect(second_page.locator("#id_plan")).to_have_value("（一）副局长写的计划。")
    report.refresh_from_db()
    assert report.plan == "（一）局长写的计划。"

    # the refused editor no longer autosaves over the newer text
    sent = len(autosaves)
    second_page.locator("#id_plan").press_sequentially("再改")
    second_page.wait_for_timeout(1500)  # longer than the autosave's 800 ms pause
    assert len(autosaves) == sent
    expect(status).to_have_attribute("data-state", "conflict")

    # while the first editor keeps saving on the versions its saves answer
    page.locator("#id_plan").press_sequentially("第二句。")
    expect(page.locator("#report-version")).to_have_value("3")
    expect(page.get_by_test_id("autosave-status")).to_have_attribute("data-state", "saved")
    report.refresh_from_db()
    assert report.plan == "（一）局长写的计划。第二句。"


def test_the_projector_charts_label_every_unit(page, bureau, year):
    """A bureau of twenty-odd units on a 1920×1080 projector: each unit's name is drawn beside
    its bar in the three-colour chart; none is skipped to save room."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from cases.compliance import compliance_run
    from org.tests.factories import UnitFactory
    from reports.tests.factories import incident

    home = bureau.station_a.bureau
    for n in range(20):
        unit = UnitFactory(bureau=home, code=f"P{n:02d}", name=f"第{n + 1}派出所")
        received = datetime(2025, 3, 1 + n, 9, tzinfo=ZoneInfo("Asia/Shanghai"))
        incident(unit, received, "dispute", "no_case", timedelta(hours=1))
    compliance_run(bureau=home)
    services.figures_refresh_year(bureau_id=home.pk, year=2025)

    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, bureau.leadership, PASSWORD)
    page.goto("/reports/?period=2025")
    page.wait_for_selector("#chart-colours canvas")
    drawn = page.evaluate(
        """() => {
            const chart = echarts.getInstanceByDom(document.getElementById("chart-colours"));
            const axis = chart.getModel().getComponent("yAxis", 0).axis;
            return {units: chart.getOption().yAxis[0].data.length, labels: axis.getViewLabels().length};
        }"""
    )
    assert drawn["units"] >= 22 and drawn["labels"] == drawn["units"]
