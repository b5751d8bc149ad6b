"""Bulk import of the dispatch export: formats, encodings, row errors, idempotency, bad files."""

from __future__ import annotations

import csv
import io
import time
from datetime import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from intake.importing import ImportFileError, import_incidents
from intake.models import Channel, ImportJob, ImportStatus, Incident, IncidentVersion
from intake.services_import import import_job_run
from intake.tests.factories import at, log_report

pytestmark = pytest.mark.django_db

HEADER = [
    "接警编号",
    "报警时间",
    "报警方式",
    "报警人",
    "报警人身份证号",
    "联系电话",
    "发案地点",
    "警情类别",
    "涉案金额",
    "简要案情",
    "接警单位",
    "接警民警",
]
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "dispatch-export-sample.csv"


def row(n: int, **overrides) -> list[str]:
    values = {
        "接警编号": f"J2025012800{n:04d}",
        "报警时间": "2025-01-28 23:15:00",
        "报警方式": "110报警",
        "报警人": "张伟",
        "报警人身份证号": "11010519491231002X",
        "联系电话": "13812345678",
        "发案地点": "人民路",
        "警情类别": "刑事",
        "涉案金额": "3000",
        "简要案情": "电动车被盗",
        "接警单位": "PA",
        "接警民警": "",
    }
    values.update(overrides)
    return [values[h] for h in HEADER]


def write_csv(path: Path, rows, *, encoding="utf-8", header=HEADER) -> Path:
    with path.open("w", newline="", encoding=encoding) as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(path: Path, bureau, by=None):
    by = by or bureau.supervisor
    return import_incidents(path=path, bureau_id=by.bureau_id, by=by, default_unit_id=by.unit_id)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_with_or_without_bom_or_gbk_loads(tmp_path, bureau, encoding):
    path = write_csv(tmp_path / "x.csv", [row(1), row(2, 报警人="李娜", 接警单位="城东派出所")], encoding=encoding)
    result = run(path, bureau)
    assert (result.rows_total, result.rows_loaded, result.rows_invalid) == (2, 2, 0)
    first = Incident.objects.get(dispatch_id="J20250128000001")
    assert first.reporter_name == "张伟" and first.unit == bureau.station_a and first.channel == Channel.CALL_110
    assert first.received_at == at(2025, 1, 28, 23, 15)
    assert first.versions.get().version == 1
    assert Incident.objects.get(dispatch_id="J20250128000002").unit == bureau.station_b


def test_the_sample_file_in_the_repository_imports(bureau, db):
    from org.models import Unit

    # the sample names the demo bureau's units; give ours the same codes
    Unit.objects.filter(pk=bureau.station_a.pk).update(code="CGS")
    Unit.objects.filter(pk=bureau.station_b.pk).update(name="城东派出所")
    bureau.officer.police_number = "100101"
    bureau.officer.save()
    result = run(SAMPLE, bureau)
    assert result.rows_loaded == 3, result.errors
    anonymous = Incident.objects.get(dispatch_id="J20250129010500003")
    assert anonymous.is_anonymous and anonymous.received_at == at(2025, 1, 29, 1, 5)
    assert Incident.objects.get(dispatch_id="J20250128231500001").receiving_officer == bureau.officer


def test_columns_in_any_order_and_extra_columns_are_ignored(tmp_path, bureau):
    header = ["备注", "简要案情", "报警时间", "接警编号", "接警单位"]
    path = write_csv(tmp_path / "x.csv", [["无关", "纠纷", "2025/1/28 23:15", "J1", "PB"]], header=header)
    result = run(path, bureau)
    assert result.rows_loaded == 1
    incident = Incident.objects.get(dispatch_id="J1")
    assert incident.summary == "纠纷" and incident.unit == bureau.station_b and incident.is_anonymous


def test_a_missing_required_column_is_named(tmp_path, bureau):
    path = write_csv(tmp_path / "x.csv", [["J1", "纠纷"]], header=["接警编号", "简要案情"])
    with pytest.raises(ImportFileError, match="报警时间"):
        run(path, bureau)


def test_invalid_rows_are_listed_with_row_number_and_reason_and_valid_rows_load(tmp_path, bureau):
    rows = [
        row(1),
        row(2, 报警人身份证号="110105194912310021"),
        row(3, 报警时间="2099-01-01 00:00:00"),
        row(4, 涉案金额="-5"),
        row(5, 接警单位="不存在的派出所"),
        row(6, 报警时间="昨天晚上"),
        row(7, 简要案情=""),
        row(8, 接警民警="999999"),
        row(9, 警情类别="凶杀"),
        row(1),  # the same dispatch id again
    ]
    result = run(write_csv(tmp_path / "x.csv", rows), bureau)
    assert result.rows_loaded == 1
    reasons = {line: reason for line, _id, reason in result.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8, 9, 10, 11]  # the header is line 1
    assert "校验码" in reasons[3]
    assert "晚于当前时间" in reasons[4]
    assert "负数" in reasons[5]
    assert "不存在的派出所" in reasons[6]
    assert "昨天晚上" in reasons[7]
    assert "简要案情" in reasons[8]
    assert "999999" in reasons[9]
    assert "凶杀" in reasons[10]
    assert "第 2 行" in reasons[11]


def test_reimporting_the_same_file_adds_nothing(tmp_path, bureau):
    path = write_csv(tmp_path / "x.csv", [row(1), row(2)])
    run(path, bureau)
    again = run(path, bureau)
    assert (again.rows_loaded, again.rows_skipped) == (0, 2)
    assert Incident.objects.count() == 2 and IncidentVersion.objects.count() == 2


def test_imported_numbers_continue_the_desk_numbers_of_that_day(tmp_path, bureau):
    log_report(bureau.officer, received_at=at(2025, 1, 28, 8, 0))
    run(write_csv(tmp_path / "x.csv", [row(1), row(2, 报警时间="2025-01-28 09:00")]), bureau)
    assert sorted(Incident.objects.values_list("number", flat=True)) == [
        "PA-20250128-0001",
        "PA-20250128-0002",
        "PA-20250128-0003",
    ]
    # the 09:00 report comes before the 23:15 one in the day's sequence
    assert Incident.objects.get(dispatch_id="J20250128000002").number == "PA-20250128-0002"
    assert log_report(bureau.officer, received_at=at(2025, 1, 28, 23, 59)).number == "PA-20250128-0004"


def test_xlsx_with_date_cells_and_excel_serial_numbers(tmp_path, bureau):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(row(1, 报警时间=datetime(2025, 1, 28, 23, 15)))
    serial = row(2)
    serial[1] = 45685.96875  # 2025-01-28 23:15 as Excel counts days
    sheet.append(serial)
    path = tmp_path / "x.xlsx"
    workbook.save(path)
    result = run(path, bureau)
    assert result.rows_loaded == 2, result.errors
    assert set(Incident.objects.values_list("received_at", flat=True)) == {at(2025, 1, 28, 23, 15)}


@pytest.mark.parametrize(
    "content,message",
    [
        (b'\xef\xbb\xbf\xe6\x8e\xa5\xe8\xad\xa6\xe7\xbc\x96\xe5\x8f\xb7,"unterminated', "不是有效的 CSV"),
        ("接警编号,报警时间,简要案情\n".encode("utf-16"), "UTF-16"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".xls"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "不是 CSV"),
        (b"PK\x03\x04" + b"\x00" * 50, ".xlsx"),
        (b"", "文件为空"),
        (bytes(range(0x80, 0x100)) * 50, "既不是 UTF-8"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message_and_nothing_saved(tmp_path, bureau, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError, match=message):
        run(path, bureau)
    assert not Incident.objects.exists()


def test_a_file_that_turns_into_another_encoding_halfway_is_refused_whole(tmp_path, bureau):
    good = "\n".join(",".join(row(n)) for n in range(1, 3000)).encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + good + b"\n" + ",".join(row(9999)).encode("gbk") + b"\n")
    with pytest.raises(ImportFileError, match="不是有效的 UTF-8"):
        run(path, bureau)
    assert not Incident.objects.exists()


def test_a_truncated_xlsx_is_refused(tmp_path, bureau):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append(row(1))
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = tmp_path / "cut.xlsx"
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImportFileError, match="xlsx"):
        run(path, bureau)


def test_upload_page_refuses_a_file_over_the_limit(client, bureau, settings):
    settings.PORTAL_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(bureau.supervisor)
    big = SimpleUploadedFile("big.csv", b"x" * (2 * 1024 * 1024), content_type="text/csv")
    response = client.post("/intake/import/", {"file": big})
    assert response.status_code == 200
    assert "上限" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_officers_outside_the_intake_centre_cannot_import(client, bureau):
    client.force_login(bureau.officer)
    assert client.get("/intake/import/").status_code == 403


def test_import_job_records_counts_and_refused_rows(tmp_path, bureau, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    client_file = write_csv(tmp_path / "x.csv", [row(1), row(2, 涉案金额="abc")]).read_bytes()
    from django.test import Client

    client = Client()
    client.force_login(bureau.supervisor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post("/intake/import/", {"file": SimpleUploadedFile("x.csv", client_file)})
    assert response.status_code == 302 and len(callbacks) == 1  # the Celery task is queued after commit
    job = ImportJob.objects.get()
    import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_total, job.rows_loaded, job.rows_invalid) == (ImportStatus.DONE, 2, 1, 1)
    errors = client.get(f"/intake/import/{job.pk}/errors.csv").content.decode("utf-8-sig")
    assert "abc" in errors and "3," in errors
    # each refused row carries its bureau, like every domain row (DESIGN §6)
    assert list(job.row_errors.values_list("bureau_id", flat=True)) == [job.bureau_id]
    # running the same job again does nothing (a job runs once)
    import_job_run(job_id=job.pk)
    assert Incident.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_upload_is_imported_by_a_real_celery_worker(tmp_path, bureau, settings, monkeypatch):
    from celery.contrib.testing.worker import start_worker
    from django.test import Client

    from config.celery import app

    settings.MEDIA_ROOT = tmp_path
    if app.conf.broker_url.startswith("filesystem"):
        # a broker folder of this test's own, so no other worker on the machine takes the job
        from config.embedded import filesystem_broker_options

        monkeypatch.setitem(app.conf, "broker_transport_options", filesystem_broker_options(tmp_path / "broker"))
    data = write_csv(tmp_path / "x.csv", [row(1), row(2)]).read_bytes()
    client = Client()
    client.force_login(bureau.supervisor)
    with start_worker(app, perform_ping_check=False, pool="solo", shutdown_timeout=10):
        response = client.post("/intake/import/", {"file": SimpleUploadedFile("x.csv", data)})
        job = ImportJob.objects.get()
        deadline = time.time() + 30
        while time.time() < deadline:
            job.refresh_from_db()
            if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
                break
            time.sleep(0.2)
    assert response.status_code == 302
    assert job.status == ImportStatus.DONE and job.rows_loaded == 2
    page = client.get(f"/intake/import/{job.pk}/").content.decode()
    assert 'data-status="done"' in page


def test_import_command_loads_a_file_and_lists_refused_rows(tmp_path, bureau):
    from django.core.management import CommandError, call_command

    path = write_csv(tmp_path / "x.csv", [row(1), row(2, 涉案金额="-1")])
    errors = tmp_path / "refused.csv"
    out = io.StringIO()
    with pytest.raises(CommandError, match="1 rows were refused"):
        call_command(
            "import_incidents", str(path), "--by", bureau.supervisor.police_number, "--errors", str(errors), stdout=out
        )
    assert "1 loaded" in out.getvalue()
    assert Incident.objects.filter(dispatch_id="J20250128000001").exists()
    assert "负数" in errors.read_text(encoding="utf-8-sig")
    call_command("import_incidents", str(write_csv(tmp_path / "y.csv", [row(3)])), stdout=io.StringIO())
    assert Incident.objects.count() == 2


def test_a_file_loaded_in_several_batches_is_numbered_without_gaps_and_skips_what_was_imported(
    tmp_path, bureau, monkeypatch
):
    monkeypatch.setattr("intake.importing.BATCH_ROWS", 2)
    run(write_csv(tmp_path / "first.csv", [row(3)]), bureau)
    rows = [row(n, 报警时间=f"2025-01-28 {n:02d}:00") for n in range(1, 9)]
    rows.insert(4, row(99, 报警人身份证号="110105194912310021"))  # wrong check digit, refused
    result = run(write_csv(tmp_path / "x.csv", rows), bureau)
    assert (result.rows_total, result.rows_loaded, result.rows_skipped, result.rows_invalid) == (9, 7, 1, 1)
    numbers = sorted(Incident.objects.values_list("number", flat=True))
    assert numbers == [f"PA-20250128-{n:04d}" for n in range(1, 9)]
    assert IncidentVersion.objects.count() == 8
    assert set(result.timings) == {"checking", "loading", "colouring"}


def test_a_file_damaged_near_its_end_is_refused_before_anything_reaches_the_register(tmp_path, bureau, monkeypatch):
    monkeypatch.setattr("intake.importing.BATCH_ROWS", 100)
    from django.db.backends.utils import CursorWrapper

    loads = []
    real_execute = CursorWrapper.execute

    def spy(self, sql, params=None):
        if "INSERT INTO intake_incident (" in sql:
            loads.append(sql)
        return real_execute(self, sql, params)

    monkeypatch.setattr(CursorWrapper, "execute", spy)
    good = "\n".join(",".join(row(n)) for n in range(1, 3000)).encode("utf-8")
    path = tmp_path / "mixed.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n" + good + b"\n" + ",".join(row(9999)).encode("gbk") + b"\n")
    with pytest.raises(ImportFileError, match="不是有效的 UTF-8"):
        run(path, bureau)
    assert loads == []  # the whole file is read and checked first
    assert not Incident.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_loaders_on_their_own_connections_number_every_unit_and_day_without_gaps(tmp_path, monkeypatch, settings):
    """Outside a transaction (the Celery task, the command) batches are loaded by two connections
    at once, each batch committed; numbers stay gapless per unit and day, and the stage is dropped."""
    from conftest import make_bureau

    bureau = make_bureau()
    monkeypatch.setattr("intake.importing.BATCH_ROWS", 7)
    settings.PORTAL_IMPORT_LOADERS = 2
    rows = [
        row(n, 报警时间=f"2025-01-{20 + n % 5:02d} {n % 24:02d}:{n % 60:02d}", 接警单位="PA" if n % 3 else "PB")
        for n in range(1, 121)
    ]
    result = run(write_csv(tmp_path / "x.csv", rows), bureau)
    assert (result.rows_loaded, result.rows_invalid) == (120, 0)
    assert Incident.objects.count() == 120 and IncidentVersion.objects.count() == 120
    by_day: dict[str, list[int]] = {}
    for number in Incident.objects.values_list("number", flat=True):
        prefix, seq = number.rsplit("-", 1)
        by_day.setdefault(prefix, []).append(int(seq))
    assert len(by_day) == 10  # two units × five days, spread over both loaders
    for prefix, seqs in by_day.items():
        assert sorted(seqs) == list(range(1, len(seqs) + 1)), prefix
    from org import auditseal

    assert auditseal.verify()[1] is None


@pytest.mark.django_db(transaction=True)
def test_loading_stopped_midway_keeps_what_was_saved_and_a_second_import_finishes_it(tmp_path, monkeypatch, settings):
    from conftest import make_bureau
    from intake import importing

    bureau = make_bureau()
    monkeypatch.setattr("intake.importing.BATCH_ROWS", 5)
    settings.PORTAL_IMPORT_LOADERS = 2
    real_load_batch = importing._load_batch
    calls = []

    def failing(cursor, rows, params):
        calls.append(len(rows))
        if len(calls) == 4:
            raise ConnectionError("the server went away")
        return real_load_batch(cursor, rows, params)

    monkeypatch.setattr(importing, "_load_batch", failing)
    path = write_csv(tmp_path / "x.csv", [row(n, 报警时间=f"2025-01-{1 + n % 28:02d} 10:00") for n in range(1, 41)])
    with pytest.raises(importing.ImportInterrupted) as stopped:
        run(path, bureau)
    saved = Incident.objects.count()
    assert 0 < saved < 40 and stopped.value.loaded == saved
    monkeypatch.setattr(importing, "_load_batch", real_load_batch)
    again = run(path, bureau)
    assert (again.rows_loaded, again.rows_skipped) == (40 - saved, saved)
    assert Incident.objects.count() == 40 == IncidentVersion.objects.count()


def test_a_job_whose_loading_stopped_says_how_many_rows_were_saved(tmp_path, bureau, settings, monkeypatch):
    from intake import importing, services_import

    settings.MEDIA_ROOT = tmp_path
    stored = write_csv(tmp_path / "x.csv", [row(1)])
    job = ImportJob.objects.create(
        bureau=bureau.supervisor.bureau,
        file_name="x.csv",
        stored_path=str(stored),
        size=1,
        created_by=bureau.supervisor,
    )

    def stopped(**kwargs):
        raise importing.ImportInterrupted(7) from ConnectionError("the server went away")

    monkeypatch.setattr(services_import, "import_incidents", stopped)
    services_import.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.rows_loaded) == (ImportStatus.FAILED, 7)
    assert "已保存 7 条" in job.message and "重新导入同一文件" in job.message
    from django.test import Client

    client = Client()
    client.force_login(bureau.supervisor)
    page = client.get(f"/intake/import/{job.pk}/").content.decode()
    assert "导入中断" in page and "未导入任何数据" not in page  # 7 rows were saved
