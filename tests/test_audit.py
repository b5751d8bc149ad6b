"""The audit trail is written by the database: ORM saves, bulk updates and raw SQL alike."""

from __future__ import annotations

import pghistory
import pytest
from django.db import connection

from config.celery import app as celery_app
from org.audit import history
from org.models import Unit

pytestmark = pytest.mark.django_db


def test_bulk_update_is_recorded_with_before_and_after(bureau):
    # when a bulk update renames every unit of the bureau (no save() is called)
    with pghistory.context(user=bureau.admin.pk):
        Unit.objects.filter(bureau=bureau.station_a.bureau, code="PA").update(name="城关派出所（新）")
    # then the unit's history has the change, who made it, and the values before and after
    entries = history(bureau.station_a)
    change = entries[-1]
    assert change.label == "update"
    assert change.actor == str(bureau.admin)
    assert ("名称", "城关派出所", "城关派出所（新）") in change.changes


def test_raw_sql_is_recorded(bureau):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE org_unit SET name = %s WHERE id = %s", ["改名派出所", bureau.station_b.pk])
    entries = history(bureau.station_b)
    assert [e.label for e in entries] == ["insert", "update"]
    assert entries[-1].changes[0][1:] == ("城东派出所", "改名派出所")


def test_delete_is_recorded(bureau):
    unit = Unit.objects.create(bureau=bureau.station_a.bureau, code="TMP", name="临时单位", kind="station")
    pk = unit.pk
    Unit.objects.filter(pk=pk).delete()
    from pghistory.models import Events

    labels = list(
        Events.objects.filter(pgh_obj_model="org.Unit", pgh_obj_id=str(pk)).values_list("pgh_label", flat=True)
    )
    assert sorted(labels) == ["delete", "insert"]


def test_change_through_a_request_is_attributed_to_the_user_and_path(client, bureau):
    client.force_login(bureau.admin)
    response = client.post(
        f"/admin/org/unit/{bureau.station_a.pk}/change/",
        {"bureau": bureau.station_a.bureau_id, "code": "PA", "name": "城关所", "kind": "station", "is_active": "on"},
    )
    assert response.status_code == 302
    change = history(bureau.station_a)[-1]
    assert change.actor == str(bureau.admin)
    assert change.where == f"/admin/org/unit/{bureau.station_a.pk}/change/"


def test_change_made_by_a_task_is_attributed_to_the_task(bureau):
    @celery_app.task(name="tests.rename_unit")
    def rename_unit(pk: int, name: str) -> None:
        Unit.objects.filter(pk=pk).update(name=name)

    rename_unit.apply(args=(bureau.station_a.pk, "任务改名"))
    assert history(bureau.station_a)[-1].actor == "tests.rename_unit"


def test_login_does_not_write_history(client, bureau):
    before = len(history(bureau.officer))
    client.post("/login/", {"username": bureau.officer.police_number, "password": "Correct-horse-42"})
    assert len(history(bureau.officer)) == before


def test_history_page_shows_the_change(client, bureau):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="新名字派出所")
    client.force_login(bureau.supervisor)
    page = client.get(f"/org/history/org.unit/{bureau.station_a.pk}/").content.decode()
    assert "新名字派出所" in page and "城关派出所" in page


def test_history_page_shows_values_as_a_person_reads_them(client, bureau):
    from intake.models import Category, Channel
    from intake.tests.factories import VALID_ID, at, log_report

    # given a report logged at the desk (choices, a flag, officers, times and encrypted identifiers)
    incident = log_report(bureau.officer, received_at=at(2026, 3, 10, 7, 5), channel=Channel.WALK_IN)
    client.force_login(bureau.supervisor)
    # when the supervisor opens its history
    page = client.get(f"/org/history/intake.incident/{incident.pk}/")
    html = page.content.decode()
    created = {field: after for field, _before, after in page.context["entries"][0].changes}
    # then codes read as labels, flags as 是/否, people by name and police number, times local
    assert created["报警方式"] == str(Channel.WALK_IN.label) and created["警情类别"] == str(Category.CRIMINAL.label)
    assert created["匿名报警"] == "否"
    assert created["登记人"] == str(bureau.officer) and created["单位"] == "城关派出所"
    assert created["报警时间"] == "2026-03-10 07:05:00"
    # and personal identifiers are masked, never ciphertext, and the lookup hash is not shown
    assert created["报警人身份证号"] == "1101**********002X" and created["联系电话"] == "138****5678"
    assert "k1$" not in html and incident.reporter_id_hash not in html
    assert VALID_ID not in html and "13812345678" not in html
    assert "身份证号检索摘要" not in html


def test_editable_settings_are_audited(bureau):
    from pghistory.models import Events

    from cases.models import CalendarDay, Rule
    from intake.models import ImportJob
    from org import reference
    from org.models import Bureau

    reference.ensure_all()  # the rules and the calendar (a transactional test before may have flushed them)
    rule = Rule.objects.order_by("code").first()
    day = CalendarDay.objects.order_by("day").first()
    # when an administrator changes a rule's threshold, the bureau's name, a calendar day and an import
    with pghistory.context(user=bureau.admin.pk):
        Rule.objects.filter(pk=rule.pk).update(enabled=not rule.enabled)
        Bureau.objects.filter(pk=bureau.station_a.bureau_id).update(name="甲县公安局（新）")
        CalendarDay.objects.filter(pk=day.pk).update(name="调休")
        job = ImportJob.objects.create(bureau_id=bureau.station_a.bureau_id, file_name="a.csv", stored_path="", size=1)
        ImportJob.objects.filter(pk=job.pk).update(status="done")
    # then each change is in the trail, with who made it
    for model, pk in (
        ("cases.Rule", rule.pk),
        ("org.Bureau", bureau.station_a.bureau_id),
        ("cases.CalendarDay", day.pk),
        ("intake.ImportJob", job.pk),
    ):
        updates = Events.objects.filter(pgh_obj_model=model, pgh_obj_id=str(pk), pgh_label="update")
        assert updates.count() == 1, model
        assert updates.get().pgh_context["user"] == bureau.admin.pk


def test_a_rules_history_is_on_the_history_page_for_supervisors(client, bureau):
    from cases.models import Rule
    from org import reference

    reference.ensure_all()
    rule = Rule.objects.order_by("code").first()
    with pghistory.context(user=bureau.admin.pk):
        Rule.objects.filter(pk=rule.pk).update(enabled=False)
    client.force_login(bureau.supervisor)
    assert f"/org/history/cases.rule/{rule.pk}/" in client.get("/cases/runs/").content.decode()
    page = client.get(f"/org/history/cases.rule/{rule.pk}/")
    assert page.status_code == 200
    change = page.context["entries"][-1]
    assert change.actor == str(bureau.admin) and ("启用", "是", "否") in change.changes
    client.force_login(bureau.officer)
    assert client.get(f"/org/history/cases.rule/{rule.pk}/").status_code == 403


def test_a_row_older_than_its_audit_triggers_shows_its_first_change_with_a_before(bureau):
    import pgtrigger
    from django.apps import apps

    from org.audit_baseline import baseline
    from org.models import Bureau

    # given a bureau written before its table was audited (no event for it)
    with pgtrigger.ignore("org.Bureau:insert_insert"):
        old = Bureau.objects.create(code="330099", name="丙县公安局")
    assert history(old) == []
    # when the migration that adds the triggers records the rows as they stand, and one is renamed
    with connection.schema_editor() as editor:
        baseline("org", "Bureau")(apps, editor)
    Bureau.objects.filter(pk=old.pk).update(name="丙县公安局（新）")
    # then the rename shows what the name was
    entries = history(old)
    assert [e.label for e in entries] == ["baseline", "update"]
    assert ("名称", "丙县公安局", "丙县公安局（新）") in entries[-1].changes


def test_the_settings_of_inspections_and_reports_are_audited(bureau):
    from pghistory.models import Events

    from inspections.models import FindingCategory, PointsRate
    from org import reference
    from reports import services as report_services
    from reports.models import AnnualReport, Metric

    reference.ensure_all()
    metric, category, rate = Metric.objects.first(), FindingCategory.objects.first(), PointsRate.objects.first()
    report = report_services.report_create(by=bureau.leadership, year=2025)
    # when an administrator changes a target, a category, a points rate, and leadership a report's title
    with pghistory.context(user=bureau.admin.pk):
        Metric.objects.filter(pk=metric.pk).update(target=99)
        FindingCategory.objects.filter(pk=category.pk).update(name="新名称")
        PointsRate.objects.filter(pk=rate.pk).update(points=rate.points + 1)
        AnnualReport.objects.filter(pk=report.pk).update(title="新标题")
    # then each change is in the trail, with who made it
    for model, pk in (
        ("reports.Metric", metric.pk),
        ("inspections.FindingCategory", category.pk),
        ("inspections.PointsRate", rate.pk),
        ("reports.AnnualReport", report.pk),
    ):
        updates = Events.objects.filter(pgh_obj_model=model, pgh_obj_id=str(pk), pgh_label="update")
        assert updates.count() == 1, model
        assert updates.get().pgh_context["user"] == bureau.admin.pk
