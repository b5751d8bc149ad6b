"""Reporters' ID-card and phone numbers are encrypted at rest, found by a keyed hash, and
re-encrypted under a new key without losing or changing anything."""

from __future__ import annotations

import pytest
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from intake.models import Incident
from intake.tests.factories import VALID_ID, log_report
from intake.tests.test_import import row, run, write_csv
from org import auditseal
from org.crypto import DecryptionError, decrypt, encrypt, generate_key, key_id
from org.models import SecurityEvent

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
OTHER_ID = "330702198805120016"


def stored(table: str, pk_column: str, pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT reporter_id_number, reporter_phone FROM {table} WHERE {pk_column} = %s",  # noqa: S608
            [pk],
        )
        return cursor.fetchone()


def test_the_database_and_the_audit_trail_hold_only_ciphertext(bureau):
    incident = log_report(bureau.officer, reporter_id_number=VALID_ID, reporter_phone=PHONE)
    for table, column in (
        ("intake_incident", "id"),
        ("intake_incidentversion", "incident_id"),
        ("intake_incidentevent", "pgh_obj_id"),  # the audit trail's copy
    ):
        id_number, phone = stored(table, column, incident.pk)
        assert id_number.startswith("dev1$") and phone.startswith("dev1$")
        assert VALID_ID not in id_number and PHONE not in phone and "1101" not in id_number
    again = Incident.objects.get(pk=incident.pk)
    assert (again.reporter_id_number, again.reporter_phone) == (VALID_ID, PHONE)
    assert Incident.objects.filter(pk=incident.pk).values_list("reporter_id_number", flat=True)[0] == VALID_ID


def test_the_same_value_encrypts_differently_each_time_and_blanks_stay_blank(bureau):
    assert encrypt(VALID_ID, purpose="reporter_id_number") != encrypt(VALID_ID, purpose="reporter_id_number")
    assert encrypt("", purpose="reporter_phone") == ""
    anonymous = log_report(
        bureau.officer, is_anonymous=True, reporter_name="", reporter_id_number="", reporter_phone=""
    )
    assert stored("intake_incident", "id", anonymous.pk) == ("", "")
    assert Incident.objects.get(pk=anonymous.pk).reporter_id_hash == ""


def test_an_altered_or_moved_value_does_not_open(bureau):
    token = encrypt(VALID_ID, purpose="reporter_id_number")
    with pytest.raises(DecryptionError):
        decrypt(token, purpose="reporter_phone")  # the field is bound in: moved to another column
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    with pytest.raises(DecryptionError):
        decrypt(tampered, purpose="reporter_id_number")
    with pytest.raises(DecryptionError):
        decrypt("zz9$" + token.split("$")[1], purpose="reporter_id_number")  # a key this portal does not hold


def test_a_plain_match_on_the_encrypted_column_is_refused_rather_than_silently_empty(bureau):
    log_report(bureau.officer, reporter_id_number=VALID_ID)
    log_report(bureau.officer, reporter_id_number="")
    with pytest.raises(FieldError):
        list(Incident.objects.filter(reporter_id_number=VALID_ID))
    with pytest.raises(FieldError):
        list(Incident.objects.filter(reporter_phone__contains="138"))
    assert Incident.objects.filter(reporter_id_number="").count() == 1  # "is it blank?" still works


def test_an_exact_id_number_finds_its_reports_in_the_list_the_search_box_and_the_api(client, bureau):
    mine = log_report(bureau.officer, reporter_id_number=VALID_ID)
    log_report(bureau.officer, reporter_id_number=OTHER_ID, summary="另一位报警人")
    client.force_login(bureau.officer)
    page = client.get(reverse("intake:list"), {"id_number": VALID_ID.lower()})
    assert page.status_code == 200
    assert mine.number in page.content.decode() and "另一位报警人" not in page.content.decode()
    page = client.get(reverse("intake:list"), {"q": VALID_ID})
    assert mine.number in page.content.decode() and "另一位报警人" not in page.content.decode()
    api = client.get("/api/v1/incidents/", {"id_number": VALID_ID})
    assert [item["number"] for item in api.json()["results"]] == [mine.number]


def test_an_import_stores_ciphertext_and_its_lookup_hash(tmp_path, bureau):
    result = run(write_csv(tmp_path / "day.csv", [row(1), row(2, 报警人身份证号="", 联系电话="")]), bureau)
    assert result.rows_loaded == 2
    first = Incident.objects.get(dispatch_id="J20250128000001")
    id_number, phone = stored("intake_incident", "id", first.pk)
    assert key_id(id_number) == "dev1" and key_id(phone) == "dev1"
    assert stored("intake_incidentversion", "incident_id", first.pk) == (id_number, phone)
    assert (first.reporter_id_number, first.reporter_phone) == (VALID_ID, PHONE)
    desk = log_report(bureau.officer, reporter_id_number=VALID_ID)
    assert first.reporter_id_hash == desk.reporter_id_hash != ""  # the same reporter, however logged


def test_key_rotation_reencrypts_everything_changes_nothing_and_is_recorded(bureau, settings):
    desk = log_report(bureau.officer, reporter_id_number=VALID_ID, reporter_phone=PHONE)
    corrected = log_report(bureau.officer, reporter_id_number=OTHER_ID)
    from intake.services import incident_correct

    incident_correct(
        incident=corrected, by=bureau.officer, changes={"reporter_phone": "13900001111"}, reason="补充电话"
    )
    hash_before = Incident.objects.get(pk=desk.pk).reporter_id_hash
    old = list(settings.PII_KEYS)
    settings.PII_KEYS = [f"k2:{generate_key()}", *old]

    call_command("rotate_pii_key", "--batch", "1")  # one row per transaction: the portal keeps working

    with connection.cursor() as cursor:
        for table in ("intake_incident", "intake_incidentversion"):
            cursor.execute(f"SELECT reporter_id_number, reporter_phone FROM {table}")  # noqa: S608
            for values in cursor.fetchall():
                assert {key_id(v) for v in values if v} <= {"k2"}
        cursor.execute("SELECT reporter_id_number FROM intake_incidentevent WHERE reporter_id_number <> ''")
        assert {key_id(v) for (v,) in cursor.fetchall()} == {"dev1"}  # the sealed audit trail is never rewritten
    settings.PII_KEYS = [settings.PII_KEYS[0]]  # the live data no longer needs the old key
    again = Incident.objects.get(pk=desk.pk)
    assert (again.reporter_id_number, again.reporter_phone, again.reporter_id_hash) == (VALID_ID, PHONE, hash_before)
    assert [v.reporter_phone for v in Incident.objects.get(pk=corrected.pk).versions.order_by("version")] == [
        PHONE,
        "13900001111",
    ]
    event = SecurityEvent.objects.get(kind="key_rotation")
    assert event.detail["key"] == "k2" and event.detail["rows"] == 5  # 2 reports + 3 versions
    assert auditseal.verify()[1] is None

    settings.PII_KEYS = [settings.PII_KEYS[0], *old]
    call_command("rotate_pii_key")
    assert SecurityEvent.objects.filter(kind="key_rotation").order_by("-id").first().detail["rows"] == 0


def test_a_new_hash_key_is_applied_by_rehash(bureau, settings):
    incident = log_report(bureau.officer, reporter_id_number=VALID_ID)
    before = Incident.objects.get(pk=incident.pk).reporter_id_hash
    settings.PII_HASH_KEY = generate_key()
    call_command("rotate_pii_key", "--rehash")
    after = Incident.objects.get(pk=incident.pk).reporter_id_hash
    assert after not in ("", before)
    assert Incident.objects.filter(reporter_id_hash=after).count() == 1
