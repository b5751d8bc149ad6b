"""Audit retention: nothing is pruned unless asked (never under 6 months); a prune archives a prefix
of the hash chain with a checksum, removes exactly the rows those seals cover, and the remaining
chain still verifies from the archive's anchor."""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import dataclass
from io import StringIO

import pghistory.models
import pgtrigger
import pytest
from django.apps import apps
from django.core.checks import Tags, run_checks
from django.core.management import CommandError, call_command
from django.db import ProgrammingError, connection, transaction
from django.db.models import Max

from org import auditseal
from org.auditretention import RetentionError, _append_only_triggers, prune
from org.backup import sha256_of
from org.checks import audit_retention_check
from org.models import AuditArchive, AuditSeal, SecurityEvent, SecurityEventKind, Unit
from org.tasks import prune_audit

# Seals are linked at commit; these tests look at them inside their own transaction.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("seals_at_once")]

UnitEvent = apps.get_model("org", "UnitEvent")


def _backdate(*, months: int, after: int = 0, upto: int | None = None) -> None:
    """Test setup only: the seals (after, upto] were written `months` months ago. The trigger stamps
    SQL now() and seals are append-only, so this bypasses that one trigger (`at` is not hashed)."""
    with pgtrigger.ignore("org.AuditSeal:audit_seal_append_only"), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE org_auditseal SET at = now() - make_interval(months => %s) WHERE id > %s AND id <= %s",
            [months, after, upto if upto is not None else 2**62],
        )


def _last_seal() -> int:
    return AuditSeal.objects.aggregate(last=Max("id"))["last"] or 0


def _tamper(sql: str) -> None:
    """What only a superuser with the triggers switched off could do."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql)
        cursor.execute("SET session_replication_role = DEFAULT")


@dataclass
class History:
    old_last: int  # the last seal written eight months ago
    old_unit_events: set[int]
    new_unit_events: set[int]
    old_security_event: int
    new_security_event: int


@pytest.fixture
def history(bureau) -> History:
    """Given audit written eight months ago (the bureau's rows, a rename, a login) and today (a rename,
    a login whose id is LOWER than the old login's: ids of statements sealed close together interleave)."""
    Unit.objects.filter(pk=bureau.station_a.pk).update(name="八个月前的名称")
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('org_securityevent', 'id'))")
        low_id = cursor.fetchone()[0]
    old_login = SecurityEvent.objects.create(id=low_id + 100, kind=SecurityEventKind.LOGIN, username="old")
    old_last = _last_seal()
    _backdate(months=8)
    old_unit_events = set(UnitEvent.objects.values_list("pgh_id", flat=True))

    Unit.objects.filter(pk=bureau.station_a.pk).update(name="今天的名称")
    new_login = SecurityEvent.objects.create(id=low_id + 50, kind=SecurityEventKind.LOGIN, username="new")
    new_unit_events = set(UnitEvent.objects.values_list("pgh_id", flat=True)) - old_unit_events
    return History(old_last, old_unit_events, new_unit_events, old_login.pk, new_login.pk)


def _state() -> tuple:
    return (
        AuditSeal.objects.count(),
        UnitEvent.objects.count(),
        SecurityEvent.objects.count(),
        AuditArchive.objects.count(),
    )


def _read_archive(path) -> tuple[dict, list[dict], list[dict]]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    return lines[0], [line["seal"] for line in lines if "seal" in line], [line for line in lines if "row" in line]


def test_a_dry_run_counts_what_would_go_and_changes_nothing(history, tmp_path):
    before = _state()

    result = prune(older_than_months=6, folder=tmp_path, by="test", dry_run=True)

    assert result.anchor_seal_id == history.old_last
    assert result.seals == AuditSeal.objects.filter(id__lte=history.old_last).count()
    assert result.tables["org_unitevent"]["rows"] == len(history.old_unit_events)
    assert result.path is None and list(tmp_path.iterdir()) == []
    assert _state() == before


def test_a_prune_archives_and_removes_exactly_the_old_seals_and_their_rows(history, tmp_path):
    old_seals = list(AuditSeal.objects.filter(id__lte=history.old_last).order_by("id").values_list("id", flat=True))
    new_seals = set(AuditSeal.objects.filter(id__gt=history.old_last).values_list("id", flat=True))

    result = prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)

    # the old seals and the rows they cover are gone; everything newer is untouched
    assert not AuditSeal.objects.filter(id__lte=history.old_last).exists()
    assert new_seals < set(AuditSeal.objects.values_list("id", flat=True))  # + the prune's own event
    assert not UnitEvent.objects.filter(pgh_id__in=history.old_unit_events).exists()
    assert set(UnitEvent.objects.values_list("pgh_id", flat=True)) == history.new_unit_events
    assert not SecurityEvent.objects.filter(pk=history.old_security_event).exists()
    assert SecurityEvent.objects.filter(pk=history.new_security_event).exists()  # lower id, newer seal: kept

    # the remaining chain verifies from the anchor
    archive = AuditArchive.objects.get()
    assert (archive.anchor_seal_id, archive.anchor_hash) == (result.anchor_seal_id, result.anchor_hash)
    assert auditseal.anchor() == (history.old_last, archive.anchor_hash)
    assert auditseal.verify() == (AuditSeal.objects.count(), None)

    # the archive matches its checksum and holds the pruned seals and rows
    assert result.path.parent == tmp_path and archive.file_name == result.path.name
    checksum = (tmp_path / f"{result.path.name}.sha256").read_text().split()
    assert checksum == [sha256_of(result.path), result.path.name] and archive.file_sha256 == checksum[0]
    header, seals, rows = _read_archive(result.path)
    assert header["anchor_seal_id"] == history.old_last and header["anchor_hash"] == archive.anchor_hash
    assert [seal["id"] for seal in seals] == old_seals and archive.seals == len(old_seals)
    assert seals[-1]["hash"] == archive.anchor_hash
    archived_unit_events = {line["row"]["pgh_id"] for line in rows if "pgh_obj_id" in line["row"]}
    assert history.old_unit_events <= archived_unit_events
    assert any(line["row"].get("name") == "八个月前的名称" for line in rows)
    assert len(rows) == result.rows == sum(seal["rows"] for seal in seals)

    # recorded as a sealed security event; the append-only guards are back on
    event = SecurityEvent.objects.get(kind=SecurityEventKind.AUDIT_PRUNE)
    assert event.detail["anchor_hash"] == archive.anchor_hash and event.detail["sha256"] == archive.file_sha256
    with pytest.raises(ProgrammingError), transaction.atomic():
        UnitEvent.objects.filter(pgh_id__in=history.new_unit_events).delete()


def test_a_second_prune_finds_nothing_and_writes_nothing(history, tmp_path):
    prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)
    files = set(tmp_path.iterdir())
    before = _state()

    again = prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)

    assert again.seals == 0 and again.path is None
    assert set(tmp_path.iterdir()) == files and _state() == before


def test_only_a_prefix_of_the_chain_is_pruned(history, bureau, tmp_path):
    # given an old seal after a new one (a long transaction's, say): it stays, and so does all after it
    Unit.objects.filter(pk=bureau.station_b.pk).update(name="旧时间戳，链中靠后")
    late_old = _last_seal()
    _backdate(months=8, after=late_old - 1)

    result = prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)

    assert result.anchor_seal_id == history.old_last
    assert AuditSeal.objects.filter(id=late_old).exists()
    assert auditseal.verify()[1] is None


def test_a_remaining_audit_row_changed_after_a_prune_is_still_found(history, tmp_path):
    prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)
    changed = min(history.new_unit_events)
    _tamper(f"UPDATE org_unitevent SET name = '伪造' WHERE pgh_id = {changed}")

    _checked, broken = auditseal.verify()

    assert broken is not None and broken.source == "org_unitevent" and "changed" in broken.problem
    assert broken.seal_id > history.old_last


def test_a_chain_that_does_not_start_at_the_anchor_is_broken(history):
    first = AuditSeal.objects.order_by("id").first()
    # an archive row claiming seals that are still here
    AuditArchive.objects.create(
        by="forged", cutoff=first.at, anchor_seal_id=first.pk, anchor_hash=first.hash, seals=1,
        file_name="x", file_sha256="0" * 64,
    )  # fmt: skip
    _checked, broken = auditseal.verify()
    assert broken is not None and broken.seal_id == first.pk and "still here" in broken.problem


def test_a_seal_removed_right_after_the_anchor_is_found(history, tmp_path):
    prune(older_than_months=6, folder=tmp_path, by="test", dry_run=False)
    first = AuditSeal.objects.order_by("id").first()
    _tamper(f"DELETE FROM org_auditseal WHERE id = {first.pk}")

    _checked, broken = auditseal.verify()

    assert broken is not None and "anchor" in broken.problem


def test_less_than_six_months_is_refused_by_the_function_and_the_command(history, tmp_path):
    before = _state()
    with pytest.raises(RetentionError, match="at least 6 months"):
        prune(older_than_months=5, folder=tmp_path, by="test", dry_run=False)
    with pytest.raises(CommandError, match="at least 6 months"):
        call_command("prune_audit", "--older-than-months", "5", "--yes", "--dir", str(tmp_path))
    assert _state() == before and list(tmp_path.iterdir()) == []


def test_the_command_without_yes_only_tells_what_it_would_do(history, tmp_path):
    before = _state()
    out = StringIO()

    call_command("prune_audit", "--older-than-months", "6", "--dir", str(tmp_path), stdout=out)

    assert "Would archive and remove" in out.getvalue() and "--yes" in out.getvalue()
    assert "org_unitevent" in out.getvalue()
    assert _state() == before and list(tmp_path.iterdir()) == []


def test_the_command_with_yes_archives_prunes_and_names_the_anchor(history, tmp_path, settings):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = 7
    out = StringIO()

    call_command("prune_audit", "--yes", "--dir", str(tmp_path), stdout=out)

    archive = AuditArchive.objects.get()
    assert archive.by.startswith("manage.py")
    assert archive.file_name in out.getvalue() and archive.anchor_hash in out.getvalue()
    assert (tmp_path / archive.file_name).exists()


def test_the_command_refuses_when_retention_is_not_configured(history, tmp_path, settings):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = None
    before = _state()
    with pytest.raises(CommandError, match="not configured"):
        call_command("prune_audit", "--yes", "--dir", str(tmp_path))
    assert _state() == before


def test_the_system_check_refuses_a_retention_under_six_months(settings):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = 3
    errors = audit_retention_check()
    assert [error.id for error in errors] == ["org.E001"]
    assert "org.E001" in {message.id for message in run_checks(tags=[Tags.security])}

    settings.PORTAL_AUDIT_RETENTION_MONTHS = 6
    assert audit_retention_check() == []
    settings.PORTAL_AUDIT_RETENTION_MONTHS = None
    assert audit_retention_check() == []


def test_the_scheduled_task_does_nothing_while_retention_is_unset(history, tmp_path, settings):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = None
    settings.PORTAL_AUDIT_ARCHIVE_DIR = tmp_path
    before = _state()

    assert prune_audit() == 0

    assert _state() == before and list(tmp_path.iterdir()) == []


def test_the_scheduled_task_prunes_past_the_retention(history, tmp_path, settings):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = 6
    settings.PORTAL_AUDIT_ARCHIVE_DIR = tmp_path

    pruned = prune_audit()

    archive = AuditArchive.objects.get()
    assert pruned == archive.seals and archive.by == "scheduled task"
    assert (tmp_path / archive.file_name).exists()


def test_the_scheduled_task_never_prunes_a_broken_chain(history, tmp_path, settings, caplog):
    settings.PORTAL_AUDIT_RETENTION_MONTHS = 6
    settings.PORTAL_AUDIT_ARCHIVE_DIR = tmp_path
    _tamper(f"UPDATE org_unitevent SET name = '伪造' WHERE pgh_id = {min(history.old_unit_events)}")
    before = _state()

    with caplog.at_level(logging.ERROR, logger="org.tasks"):
        assert prune_audit() == 0

    assert "broken" in caplog.text
    assert _state() == before and list(tmp_path.iterdir()) == []


def test_archive_rows_cannot_be_changed_or_removed(tmp_path):
    AuditArchive.objects.create(
        by="test", cutoff="2025-01-01T00:00:00+08:00", anchor_seal_id=1, anchor_hash="a" * 64, seals=1,
        file_name="x.jsonl.gz", file_sha256="0" * 64,
    )  # fmt: skip
    with pytest.raises(ProgrammingError), transaction.atomic():
        AuditArchive.objects.update(by="someone else")
    with pytest.raises(ProgrammingError), transaction.atomic():
        AuditArchive.objects.all().delete()


def test_every_audit_table_has_exactly_one_append_only_guard_to_bypass():
    by_table = {model._meta.db_table: model for model in apps.get_models()}
    for table, _id in auditseal.audited_tables():
        model = by_table[table]
        assert len(_append_only_triggers([model])) == 1, table
        assert issubclass(model, pghistory.models.Event) or table == "org_securityevent"
    assert _append_only_triggers([AuditSeal]) == ["org.AuditSeal:audit_seal_append_only"]
