"""The closed loop in the browser with two users: the stationed legal officer inspects, the
station answers, is sent back, answers again, and the inspector verifies and closes."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.utils import timezone

from conftest import PASSWORD
from inspections.models import Finding, OrderStatus
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reference_data_and_media(transactional_db, settings, tmp_path):
    # A transactional test flushes the tables the data migrations filled: put the categories back.
    from inspections.reference import seed

    seed()
    settings.MEDIA_ROOT = tmp_path / "media"


PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def status_of(page) -> str:
    return page.get_by_test_id("order-status").first.inner_text()


def test_inspector_and_unit_close_the_loop(browser, live_server, bureau):
    contexts = [
        browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1280, "height": 900})
        for _ in range(2)
    ]
    inspector, unit = (c.new_page() for c in contexts)
    for page in (inspector, unit):
        page.set_default_timeout(10_000)
    try:
        # the stationed legal officer records a finding at station A, with evidence
        log_in(inspector, bureau.legal_officer, PASSWORD)
        inspector.goto("/inspections/new/")
        inspector.get_by_label("被巡查单位").select_option(label="城关派出所")
        inspector.get_by_label("发现途径").select_option("case_file")
        inspector.get_by_label("问题类别").select_option(label="单人取证")
        inspector.get_by_label("发现的问题").fill("询问笔录显示仅一名民警在场。")
        inspector.get_by_label("涉及民警").select_option(label=str(bureau.officer))
        inspector.get_by_label("整改要求").fill("组织学习取证规范，补正笔录。")
        inspector.get_by_label("佐证材料（PDF、PNG 或 JPEG）").set_input_files(
            files=[{"name": "询问笔录.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        inspector.get_by_role("button", name="保存并下发整改通知").click()
        inspector.wait_for_url(lambda url: urlparse(url).path.rstrip("/").split("/")[-1].isdigit())
        finding = Finding.objects.get()
        assert status_of(inspector) == "已下发"
        assert "询问笔录.pdf" in inspector.content()

        # the station officer finds the order in the unit's list and answers it
        log_in(unit, bureau.officer, PASSWORD)
        unit.goto("/inspections/orders/")
        unit.get_by_test_id("order-table").get_by_role("link", name=str(finding.order.pk)).click()
        unit.get_by_label("整改情况").fill("已组织全所学习。")
        unit.get_by_role("button", name="提交反馈").click()
        unit.wait_for_load_state()
        assert status_of(unit) == "已反馈"

        # the inspector sends it back with a new deadline
        inspector.reload()
        inspector.get_by_label("退回理由").fill("未附补正后的笔录。")
        due = timezone.localtime() + timedelta(days=5)
        inspector.get_by_label("新的整改期限").fill(due.strftime("%Y-%m-%dT%H:%M"))
        inspector.get_by_role("button", name="退回").click()
        inspector.wait_for_load_state()
        assert status_of(inspector) == "已退回"

        # the unit answers again
        unit.reload()
        unit.get_by_label("整改情况").fill("补正后的笔录已上传。")
        unit.get_by_label("佐证材料（PDF、PNG 或 JPEG）").set_input_files(
            files=[{"name": "补正笔录.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        unit.get_by_role("button", name="提交反馈").click()
        unit.wait_for_load_state()
        assert status_of(unit) == "已反馈"
        # the unit has no verification buttons
        assert unit.get_by_role("button", name="验收").count() == 0

        # the inspector verifies and closes the loop
        inspector.reload()
        assert status_of(inspector) == "已反馈", inspector.content()
        inspector.get_by_role("button", name="验收").click()
        inspector.wait_for_load_state()
        assert status_of(inspector) == "已验收"
        inspector.get_by_role("button", name="销号（闭环）").click()
        inspector.wait_for_load_state()
        assert status_of(inspector) == "已销号"
        transitions = inspector.get_by_test_id("transitions").inner_text()
        for word in ("已下发", "已反馈", "已退回", "已验收", "已销号"):
            assert word in transitions

        finding.order.refresh_from_db()
        assert finding.order.status == OrderStatus.CLOSED
        assert finding.order.answers.count() == 2 and finding.attachments.count() == 2
        # and the unit sees the closed order in its history
        unit.goto("/inspections/orders/?status=closed")
        assert str(finding.order.pk) in unit.get_by_test_id("order-table").inner_text()
    finally:
        for context in contexts:
            context.close()


def test_a_file_that_is_not_a_pdf_is_refused_on_the_page(page, bureau):
    log_in(page, bureau.legal_officer, PASSWORD)
    page.goto("/inspections/new/")
    page.get_by_label("被巡查单位").select_option(label="城关派出所")
    page.get_by_label("问题类别").select_option(label="文书不规范")
    page.get_by_label("发现的问题").fill("笔录未签名。")
    page.get_by_label("佐证材料（PDF、PNG 或 JPEG）").set_input_files(
        files=[{"name": "笔录.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf"}]
    )
    page.get_by_role("button", name="保存并下发整改通知").click()
    page.wait_for_load_state()
    assert "不是 PDF、PNG 或 JPEG 文件" in page.content()
    assert page.get_by_label("发现的问题").input_value() == "笔录未签名。"
    assert not Finding.objects.exists()
