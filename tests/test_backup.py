"""Backup with pg_dump, restore into an empty database, and the same rows and audit chain come back."""

from __future__ import annotations

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from config.embedded import psycopg_params
from intake.tests.factories import VALID_ID, log_report
from org import auditseal
from org.backup import BackupError, restore
from org.crypto import key_id
from org.models import Unit

pytestmark = pytest.mark.django_db(transaction=True)

COUNTED = ["org_unit", "org_user", "org_unitevent", "org_userevent", "org_auditseal", "org_securityevent"]


def _admin_conn():
    db = connection.settings_dict
    return psycopg.connect(**psycopg_params(db, dbname="postgres"), autocommit=True)


@pytest.fixture
def empty_database():
    """A new, empty database beside the test database, and a plain connection to it."""
    name = f"{connection.settings_dict['NAME']}_restore"
    with _admin_conn() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    db = connection.settings_dict
    restored = psycopg.connect(**psycopg_params(db, dbname=name), autocommit=True)
    yield name, restored
    restored.close()
    with _admin_conn() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def counts(conn) -> dict[str, int]:
    with conn.cursor() as cursor:
        result = {}
        for table in COUNTED:
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our own table names
            result[table] = cursor.fetchone()[0]
        return result


def test_backup_and_restore_give_back_the_same_rows_and_an_intact_audit_chain(bureau, tmp_path, empty_database):
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="备份前改名")
    report = log_report(bureau.officer, reporter_id_number=VALID_ID, reporter_phone="13812345678")
    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("portal-*.dump"))
    assert (tmp_path / f"{dump.name}.sha256").exists()

    name, restored = empty_database
    restore(dump=dump, database=name)

    assert counts(restored) == counts(connection)
    assert counts(connection)["org_auditseal"] > 0
    checked, broken = auditseal.verify(conn=restored)
    assert broken is None and checked == counts(connection)["org_auditseal"]
    with restored.cursor() as cursor:
        cursor.execute("SELECT name FROM org_unit WHERE id = %s", [bureau.station_a.pk])
        assert cursor.fetchone()[0] == "备份前改名"
        # the backup holds reporters' ID and phone numbers only as ciphertext, audit trail included
        for table, column in (
            ("intake_incident", "id"),
            ("intake_incidentversion", "incident_id"),
            ("intake_incidentevent", "pgh_obj_id"),
        ):
            cursor.execute(
                f"SELECT reporter_id_number, reporter_phone FROM {table} WHERE {column} = %s",  # noqa: S608
                [report.pk],
            )
            id_number, phone = cursor.fetchone()
            assert key_id(id_number) == key_id(phone) == "dev1" and "1101" not in id_number and "1381" not in phone


def test_a_damaged_dump_is_refused(bureau, tmp_path, empty_database):
    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("portal-*.dump"))
    data = bytearray(dump.read_bytes())
    data[len(data) // 2] ^= 0xFF
    dump.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="checksum"):
        restore(dump=dump, database=empty_database[0])


def test_restore_refuses_a_database_that_is_not_empty(bureau, tmp_path):
    call_command("backup", "--dir", str(tmp_path))
    dump = next(tmp_path.glob("portal-*.dump"))
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(dump))
