"""A legal supervisor works the review queue in a real browser: confirms one red alert and
dismisses another with a reason, each row swapped in place by htmx."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cases.compliance import compliance_run
from cases.models import Alert, AlertStatus
from cases.services import reference_data_ensure
from cases.tests.factories import at, make_case
from conftest import PASSWORD
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supervisor_confirms_one_red_alert_and_dismisses_another_with_a_reason(page, bureau):
    # given two cases a station may not handle (层级管辖), red with an alert each
    reference_data_ensure()  # the rules a flushed (transactional) test database lost
    opened = at(2025, 3, 3, 9, 0)
    homicide = make_case(bureau.officer, opened_at=opened, offence="homicide")
    drugs = make_case(bureau.other_officer, opened_at=opened, offence="drugs")
    compliance_run(at=opened + timedelta(hours=1))
    first, second = Alert.objects.get(case=homicide), Alert.objects.get(case=drugs)

    # when the supervisor opens the queue
    log_in(page, bureau.supervisor, PASSWORD)
    page.get_by_role("link", name="预警").first.click()
    page.wait_for_url("**/cases/alerts/")
    assert page.get_by_role("heading", name="待审核预警").is_visible()
    rows = page.get_by_test_id("alert-row")
    assert rows.count() == 2

    # and confirms the first with a note
    row = page.locator(f"#alert-{first.pk}")
    row.get_by_placeholder("审核意见（排除须说明理由）").fill("属实，移交执法巡查")
    row.get_by_role("button", name="确认", exact=True).click()
    assert page.locator(f"#alert-{first.pk}").get_by_test_id("alert-status").inner_text() == "已确认"

    # and tries to dismiss the second without a reason, then with one
    row = page.locator(f"#alert-{second.pk}")
    row.get_by_role("button", name="排除", exact=True).click()
    assert "请说明排除该预警的理由" in page.locator(f"#alert-{second.pk}").get_by_role("alert").inner_text()
    row = page.locator(f"#alert-{second.pk}")
    row.get_by_placeholder("审核意见（排除须说明理由）").fill("已指定城东派出所协助刑侦大队办理")
    row.get_by_role("button", name="排除", exact=True).click()
    assert page.locator(f"#alert-{second.pk}").get_by_test_id("alert-status").inner_text() == "已排除"

    # then both reviews are recorded, with who and why
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.reviewed_by, first.review_note) == (
        AlertStatus.CONFIRMED,
        bureau.supervisor,
        "属实，移交执法巡查",
    )
    assert (second.status, second.review_note) == (AlertStatus.DISMISSED, "已指定城东派出所协助刑侦大队办理")
    page.reload()
    assert page.get_by_test_id("alert-row").count() == 0
