"""The audit trail is sealed by a hash chain written in the same transaction; tampering is found."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction

from org import auditseal
from org.models import AuditSeal, Unit

# Seals are linked at commit; these tests look at them inside their own transaction.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seals_at_once")]


def test_every_audited_change_is_sealed_and_the_chain_verifies(bureau):
    before = AuditSeal.objects.count()
    Unit.objects.filter(bureau=bureau.station_a.bureau).update(is_active=False)  # one statement, three rows
    seal = AuditSeal.objects.order_by("id").last()
    assert AuditSeal.objects.count() == before + 1
    assert seal.source == "org_unitevent" and seal.rows == 3
    checked, broken = auditseal.verify()
    assert broken is None and checked == AuditSeal.objects.count()


def test_a_rolled_back_change_leaves_no_seal(bureau):
    before = AuditSeal.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        Unit.objects.filter(pk=bureau.station_a.pk).update(name="x")
        raise RuntimeError
    assert AuditSeal.objects.count() == before


def test_audit_rows_and_seals_cannot_be_changed_or_removed(bureau):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="改名")
    with pytest.raises(ProgrammingError), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE org_unitevent SET name = 'forged'")
    with pytest.raises(ProgrammingError), transaction.atomic():
        AuditSeal.objects.all().delete()


def _tamper(sql: str) -> None:
    """What only a superuser with the triggers switched off could do."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # disables the protecting triggers
        cursor.execute(sql)
        cursor.execute("SET session_replication_role = DEFAULT")


def test_a_changed_audit_row_is_found_and_named(bureau):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="第一次")
    Unit.objects.filter(pk=bureau.station_b.pk).update(name="第二次")
    _tamper("UPDATE org_unitevent SET name = '伪造' WHERE name = '第一次'")
    checked, broken = auditseal.verify()
    assert broken is not None and broken.source == "org_unitevent"
    assert "changed" in broken.problem
    with pytest.raises(CommandError, match=f"seal {broken.seal_id}"):
        call_command("verify_audit")


def test_a_deleted_audit_row_is_found(bureau):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="要删除的记录")
    _tamper("DELETE FROM org_unitevent WHERE name = '要删除的记录'")
    _checked, broken = auditseal.verify()
    assert broken is not None and "found" in broken.problem


def test_a_removed_seal_breaks_the_chain(bureau):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="甲")
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="乙")
    middle = AuditSeal.objects.order_by("-id")[1]
    _tamper(f"DELETE FROM org_auditseal WHERE id = {middle.pk}")
    _checked, broken = auditseal.verify()
    assert broken is not None and "previous" in broken.problem


def test_every_audit_table_is_sealed():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers"
            " WHERE trigger_name = 'portal_audit_seal'"
        )
        sealed = {row[0] for row in cursor.fetchall()}
    assert {table for table, _ in auditseal.audited_tables()} <= sealed
    assert {"org_unitevent", "intake_incidentevent", "org_securityevent"} <= sealed


def test_a_seal_does_not_depend_on_the_writers_time_zone_or_date_style(bureau):
    """The trigger and verification print rows under the same fixed settings: a writer in another
    time zone and date style (a psql session, a script) seals what a default session verifies."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        zone = cursor.fetchone()[0]
        cursor.execute("SET TimeZone = 'Asia/Shanghai'")
        cursor.execute("SET DateStyle = 'SQL, DMY'")
        cursor.execute("UPDATE org_unit SET name = '时区' WHERE id = %s", [bureau.station_a.pk])
        cursor.execute("SET DateStyle = 'ISO, MDY'")
        cursor.execute("SET TimeZone = %s", [zone])
    seal = AuditSeal.objects.order_by("id").last()
    assert seal.format == 2 and seal.columns[0] == "pgh_id"  # the table's own column order
    with connection.cursor() as cursor:
        cursor.execute("SHOW TimeZone")
        assert cursor.fetchone()[0] == "UTC"
    _checked, broken = auditseal.verify()
    assert broken is None


def test_seals_of_the_first_format_still_verify_and_their_tampering_is_found(bureau):
    """Seals written before format 2 (md5 of each row's to_jsonb, sorted columns) stay checkable."""
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="旧格式")
    latest = AuditSeal.objects.order_by("id").last()
    with connection.cursor() as cursor:
        cursor.execute(
            auditseal.VERIFY_DIGEST_SQL[1].format(id='"pgh_id"', table="org_unitevent", ranges="true"),
            {"columns": latest.columns},
        )
        rows, digest = cursor.fetchone()
        cursor.execute("SELECT min(pgh_id), max(pgh_id) FROM org_unitevent")
        ranges = [list(cursor.fetchone())]
        columns = sorted(latest.columns)
        cursor.execute(
            "SELECT encode(sha256(convert_to(concat_ws('|', %s::text, 'org_unitevent', %s::jsonb::text,"
            " %s::jsonb::text, %s::text, %s::text), 'UTF8')), 'hex')",
            [latest.hash, json.dumps(columns), json.dumps(ranges), str(rows), digest],
        )
        old_hash = cursor.fetchone()[0]
    old = AuditSeal.objects.create(
        source="org_unitevent",
        id_column="pgh_id",
        columns=columns,
        ranges=ranges,
        rows=rows,
        digest=digest,
        prev_hash=latest.hash,
        hash=old_hash,
        format=1,
    )
    checked, broken = auditseal.verify()
    assert broken is None and checked == AuditSeal.objects.count()
    _tamper(f"UPDATE org_unitevent SET name = '伪造' WHERE pgh_id = {ranges[0][0]}")
    _checked, broken = auditseal.verify()
    # the first seal over that row breaks first; the format-1 seal covers it too
    assert broken is not None and "changed" in broken.problem
    assert AuditSeal.objects.filter(pk=old.pk, format=1).exists()
