"""Two people editing the same annual report draft: the second save over a version it did not
see is refused with a clear message (409 from the autosave), never a silent overwrite."""

from __future__ import annotations

import pytest
from django.urls import reverse

from org.errors import Conflict
from org.models import Role
from org.tests.admin_forms import change_form_data
from org.tests.factories import UserFactory
from reports import services
from reports.models import AnnualReport, Metric
from reports.tests.factories import hand_checked_year_with_cases

pytestmark = pytest.mark.django_db

REFUSED = "此报告已被他人保存（现为第2版）"


@pytest.fixture
def report(bureau):
    hand_checked_year_with_cases(bureau)
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)
    return services.report_create(by=bureau.leadership, year=2025)


@pytest.fixture
def deputy(bureau):
    return UserFactory(unit=None, role=Role.LEADERSHIP, bureau=bureau.station_a.bureau, name="副局长")


def test_the_second_save_of_the_same_version_is_refused_and_the_first_text_survives(bureau, report, deputy):
    # given two leaders who opened the draft at version 1
    assert report.version == 1
    # when the first saves, then the second
    saved, _unknown = services.report_save(
        by=bureau.leadership, report_id=report.pk, data={"plan": "（一）局长的计划。"}, expected_version=1
    )
    assert saved.version == 2
    with pytest.raises(Conflict) as refused:
        services.report_save(by=deputy, report_id=report.pk, data={"plan": "（一）副局长的计划。"}, expected_version=1)
    # then the second is told why, and the first's text is what the report holds
    assert REFUSED in str(refused.value)
    report.refresh_from_db()
    assert report.plan == "（一）局长的计划。" and report.version == 2


def test_an_editor_keeps_saving_on_the_version_each_save_answers(bureau, report):
    first, _ = services.report_save(by=bureau.leadership, report_id=report.pk, data={"plan": "一"}, expected_version=1)
    second, _ = services.report_save(
        by=bureau.leadership, report_id=report.pk, data={"plan": "一二"}, expected_version=first.version
    )
    assert (first.version, second.version) == (2, 3)
    # a save that changes nothing is no new version
    same, _ = services.report_save(by=bureau.leadership, report_id=report.pk, data={"plan": "一二"}, expected_version=3)
    assert same.version == 3


def test_the_autosave_answers_409_with_the_message_in_the_status_line(client, bureau, report, deputy):
    url = reverse("reports:annual_autosave", args=[report.pk])
    client.force_login(bureau.leadership)
    # the editor page carries the version it shows
    page = client.get(reverse("reports:annual_edit", args=[report.pk])).content.decode()
    assert 'name="version" id="report-version" value="1"' in page

    saved = client.post(url, {"plan": "（一）局长的计划。", "version": "1"})
    assert saved.status_code == 200
    body = saved.content.decode()
    assert 'data-state="saved"' in body
    # the next version rides back to the editor's hidden field (htmx out-of-band swap)
    assert 'id="report-version" value="2" hx-swap-oob="true"' in body

    client.force_login(deputy)
    refused = client.post(url, {"plan": "（一）副局长的计划。", "version": "1"})
    assert refused.status_code == 409
    body = refused.content.decode()
    assert 'data-state="conflict"' in body and REFUSED in body
    assert "hx-swap-oob" not in body  # the refused editor stays on its old version: it saves no more
    assert AnnualReport.objects.get(pk=report.pk).plan == "（一）局长的计划。"


def test_a_metric_edited_in_the_admin_by_two_administrators(client, bureau):
    other_admin = UserFactory(
        unit=None, role=Role.ADMIN, bureau=bureau.station_a.bureau, is_staff=True, is_superuser=True
    )
    metric = Metric.objects.order_by("position").first()
    url = reverse("admin:reports_metric_change", args=[metric.pk])
    # given two administrators who opened the metric at version 1
    client.force_login(bureau.admin)
    data = change_form_data(client.get(url))
    assert data["expected_version"] == "1"

    first = client.post(url, {**data, "note": "第一位管理员的备注"})
    assert first.status_code == 302

    client.force_login(other_admin)
    second = client.post(url, {**data, "note": "第二位管理员的备注"})
    assert second.status_code == 200
    page = second.content.decode()
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in page
    assert "第二位管理员的备注" in page  # the input is still on the page
    metric.refresh_from_db()
    assert metric.note == "第一位管理员的备注" and metric.version == 2
