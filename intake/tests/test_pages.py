"""The register's pages: list with filters, detail with versions side by side, export, approvals."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from intake.models import ExtensionKind, ExtensionRequest
from intake.services import extension_request, incident_correct
from intake.tests.factories import at, log_report

pytestmark = pytest.mark.django_db


def test_list_shows_own_unit_newest_first_with_an_empty_state_for_no_match(client, bureau):
    log_report(bureau.officer, received_at=at(2025, 6, 1, 9), summary="第一起")
    log_report(bureau.officer, received_at=at(2025, 6, 2, 9), summary="第二起")
    log_report(bureau.other_officer, received_at=at(2025, 6, 2, 9), summary="别的所")
    client.force_login(bureau.officer)
    page = client.get("/intake/").content.decode()
    assert page.index("第二起") < page.index("第一起") and "别的所" not in page
    empty = client.get("/intake/", {"q": "没有这个词"}).content.decode()
    assert "No report matches" in empty or "没有符合" in empty


def test_detail_shows_every_version_side_by_side(client, bureau):
    incident = log_report(bureau.officer, location="旧地址")
    incident_correct(incident=incident, by=bureau.officer, changes={"location": "新地址"}, reason="核实后更正")
    client.force_login(bureau.supervisor)
    page = client.get(f"/intake/{incident.pk}/").content.decode()
    assert "旧地址" in page and "新地址" in page and "核实后更正" in page


def test_decide_through_the_page_and_reason_required(client, bureau):
    incident = log_report(bureau.officer)
    client.force_login(bureau.officer)
    client.post(f"/intake/{incident.pk}/decide/", {"disposition": "not_filed", "reason": ""})
    incident.refresh_from_db()
    assert incident.disposition == "pending"
    client.post(f"/intake/{incident.pk}/decide/", {"disposition": "filed"})
    incident.refresh_from_db()
    assert incident.disposition == "filed"


def test_the_unit_corrects_a_report_through_the_form(client, bureau):
    # The correction form has no unit field (a report keeps its unit); it used to answer 500.
    incident = log_report(bureau.officer, location="旧地址")
    client.force_login(bureau.officer)
    form = client.get(f"/intake/{incident.pk}/correct/").context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    received = timezone.localtime(incident.received_at)
    data.update(received_at=f"{received:%Y-%m-%d %H:%M}", location="新地址", reason="核实后更正")
    response = client.post(f"/intake/{incident.pk}/correct/", data)
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.location == "新地址" and incident.version == 2


def test_another_units_officer_gets_404_on_decide(client, bureau):
    incident = log_report(bureau.officer)
    client.force_login(bureau.other_officer)
    assert client.post(f"/intake/{incident.pk}/decide/", {"disposition": "filed"}).status_code == 404
    assert client.get(f"/intake/{incident.pk}/correct/").status_code == 404


def test_export_has_chinese_headers_the_filtered_rows_and_no_formulas(client, bureau):
    log_report(bureau.officer, received_at=at(2025, 6, 1, 9), summary='=HYPERLINK("http://x")', category="dispute")
    log_report(bureau.officer, received_at=at(2025, 6, 1, 10), summary="求助", category="help")
    client.force_login(bureau.officer)
    response = client.get("/intake/export/", {"category": "dispute"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][:3] == ("登记编号", "接警编号", "报警时间")
    assert len(rows) == 2
    assert rows[1][8].startswith("'=")  # stored as text, never run as a formula


def test_leader_approves_from_the_queue_with_htmx(client, bureau):
    incident = log_report(bureau.officer)
    request = extension_request(incident=incident, by=bureau.officer, kind=ExtensionKind.ADMIN_COMPLEX, reason="复杂")
    client.force_login(bureau.leader)
    assert incident.number in client.get("/intake/approvals/").content.decode()
    row = client.post(f"/intake/approvals/{request.pk}/", {"decision": "approve"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200 and "<tr" in row.content.decode()
    assert ExtensionRequest.objects.get(pk=request.pk).status == "approved"
    assert incident.number not in client.get("/intake/approvals/").content.decode()


def test_officer_cannot_approve(client, bureau):
    incident = log_report(bureau.officer)
    request = extension_request(incident=incident, by=bureau.officer, kind=ExtensionKind.ADMIN_COMPLEX, reason="复杂")
    client.force_login(bureau.officer)
    assert client.post(f"/intake/approvals/{request.pk}/", {"decision": "approve"}).status_code == 403


def test_personal_identifiers_are_masked_until_revealed_and_each_reveal_is_recorded(client, bureau):
    from org.models import SecurityEvent

    incident = log_report(bureau.officer, reporter_id_number="11010519491231002X", reporter_phone="13812345678")
    client.force_login(bureau.supervisor)
    page = client.get(f"/intake/{incident.pk}/").content.decode()
    assert "11010519491231002X" not in page and "1101**********002X" in page
    assert "13812345678" not in page and "138****5678" in page
    assert not SecurityEvent.objects.filter(kind="reveal").exists()
    revealed = client.get(f"/intake/{incident.pk}/", {"reveal": "1"}).content.decode()
    assert "11010519491231002X" in revealed and "13812345678" in revealed
    event = SecurityEvent.objects.get(kind="reveal")
    assert event.user == bureau.supervisor and event.detail["record"] == f"intake.incident:{incident.pk}"


def test_lists_and_exports_never_carry_the_full_identifiers(client, bureau):
    log_report(bureau.officer, reporter_id_number="11010519491231002X", reporter_phone="13812345678")
    client.force_login(bureau.supervisor)
    assert "11010519491231002X" not in client.get("/intake/").content.decode()
    export = b"".join(client.get("/intake/export/").streaming_content)
    sheet = load_workbook(io.BytesIO(export)).active
    cells = {str(c) for row in sheet.values for c in row}
    assert "11010519491231002X" not in cells and "13812345678" not in cells


def test_a_form_reshown_with_errors_puts_the_cursor_in_the_first_field_to_correct(client, bureau):
    from intake.tests.factories import report_data

    data = report_data(reporter_id_number="110105194912310021", receiving_officer="", amount="")
    data["received_at"] = timezone.localtime(data["received_at"]).strftime("%Y-%m-%d %H:%M")
    data["unit"] = bureau.station_a.pk
    client.force_login(bureau.officer)
    page = client.post("/intake/new/", data)
    assert page.status_code == 200
    form = page.context["form"]
    assert list(form.errors) == ["reporter_id_number"]
    html = page.content.decode()
    [tag] = [t for t in html.split("<") if 'name="reporter_id_number"' in t]
    assert "autofocus" in tag
    assert html.count("autofocus") == 1
