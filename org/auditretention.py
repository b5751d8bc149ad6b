"""Audit retention (等保三级: audit kept at least 6 months, configurable, never pruned by accident).

Nothing is pruned unless PORTAL_AUDIT_RETENTION_MONTHS is set (a system check refuses fewer than
6 months) or an operator runs `manage.py prune_audit --yes`. A prune removes a prefix of the hash
chain (org/auditseal.py) — the oldest seals, every one written before the cutoff — and exactly the
audit rows those seals cover, after checking the whole chain. Both go first to a gzip JSON-lines
archive with its SHA-256 beside it, flushed to disk; then one transaction, under the seal
trigger's advisory lock, records the prune as a security event (sealed after the current end of
the chain), deletes the rows and the seals and writes an AuditArchive row. Its anchor, the last
pruned seal's hash, is where `verify()` picks the chain up again.

Archive format, one JSON document a line: a header {"portal_audit_archive": 1, …}, then for each
seal in chain order {"seal": {…the seal row…}} followed by {"seal_id": …, "row": {…}} for each
audit row it covers (`to_jsonb` of the row, as sealed).
"""

from __future__ import annotations

import gzip
import io
import json
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from org import auditseal
from org.backup import sha256_of
from org.models import AuditArchive, AuditSeal, SecurityEvent, SecurityEventKind

MIN_MONTHS = 6
# The lock the seal trigger takes before it appends (auditseal.FUNCTION_SQL): no seal is written
# while the prefix is removed, and of two prunes run at once the second finds its prefix gone.
SEAL_LOCK_SQL = "SELECT pg_advisory_xact_lock(hashtext('portal-audit-seal'))"
ARCHIVE_BATCH = 500  # seals read per query while the archive is written


class RetentionError(Exception):
    """The prune was refused or could not finish; nothing was removed."""


class ChainBroken(RetentionError):
    """The audit chain does not verify: it is not archived and pruned, it is evidence."""


@dataclass
class PruneResult:
    cutoff: datetime
    dry_run: bool
    seals: int = 0
    # per source table: {"seals": n, "rows": n}
    tables: dict[str, dict[str, int]] = field(default_factory=dict)
    anchor_seal_id: int | None = None
    anchor_hash: str = ""
    path: Path | None = None
    sha256: str = ""
    archive: AuditArchive | None = None

    @property
    def rows(self) -> int:
        return sum(counts["rows"] for counts in self.tables.values())


def cutoff_for(months: int, *, now: datetime | None = None) -> datetime:
    """Calendar months back from now (31 August - 6 months = 28/29 February)."""
    return (now or timezone.now()) - relativedelta(months=months)


def prune(*, older_than_months: int, folder: Path, by: str, dry_run: bool) -> PruneResult:
    """Archive, then remove, the audit trail sealed before now - `older_than_months` months.

    Refuses fewer than MIN_MONTHS and a chain that does not verify. With `dry_run`, only counts.
    Safe to run again: once nothing is older than the cutoff it does nothing and writes nothing."""
    if older_than_months < MIN_MONTHS:
        raise RetentionError(f"Audit is kept at least {MIN_MONTHS} months; {older_than_months} was asked.")
    cutoff = cutoff_for(older_than_months)
    result = PruneResult(cutoff=cutoff, dry_run=dry_run)
    _checked, broken = auditseal.verify()
    if broken:
        raise ChainBroken(
            f"The audit chain is broken at seal {broken.seal_id} ({broken.source}): {broken.problem}. "
            "Nothing was pruned."
        )
    last = _prefix_end(cutoff)
    if last is None:
        return result
    result.anchor_seal_id = last
    result.anchor_hash = AuditSeal.objects.values_list("hash", flat=True).get(pk=last)
    result.tables = _prefix_tables(last)
    result.seals = sum(counts["seals"] for counts in result.tables.values())
    if dry_run:
        return result

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    first = AuditSeal.objects.filter(pk__lte=last).order_by("pk").values_list("pk", flat=True).first()
    path = folder / f"audit-{timezone.localtime():%Y%m%d-%H%M%S}-seals-{first}-{last}.jsonl.gz"
    header = {
        "portal_audit_archive": 1,
        "written_at": timezone.now().isoformat(),
        "by": by,
        "cutoff": cutoff.isoformat(),
        "first_seal_id": first,
        "anchor_seal_id": last,
        "anchor_hash": result.anchor_hash,
        "seals": result.seals,
        "tables": result.tables,
    }
    try:
        archived = _write_archive(path, header=header, last=last, sources=_sources(last))
        if archived != {table: counts["rows"] for table, counts in result.tables.items()}:
            raise ChainBroken(f"The archive holds {archived} audit rows, the seals name {result.tables}.")
        result.sha256 = sha256_of(path)
        _write_durably(Path(f"{path}.sha256"), f"{result.sha256}  {path.name}\n".encode())
        result.archive = _remove(last=last, result=result, path=path, by=by)
    except BaseException:
        # Nothing was removed: an archive of it would only mislead.
        path.with_name(f"{path.name}.partial").unlink(missing_ok=True)
        path.unlink(missing_ok=True)
        Path(f"{path}.sha256").unlink(missing_ok=True)
        raise
    result.path = path
    return result


def _prefix_end(cutoff: datetime) -> int | None:
    """The last seal of the longest prefix of the chain written before the cutoff."""
    with connection.cursor() as cursor:
        # Walks the primary key in chain order and stops at the first seal to keep.
        cursor.execute("SELECT id FROM org_auditseal WHERE at >= %s ORDER BY id LIMIT 1", [cutoff])
        kept = cursor.fetchone()
        if kept:
            cursor.execute("SELECT max(id) FROM org_auditseal WHERE id < %s", [kept[0]])
        else:
            cursor.execute("SELECT max(id) FROM org_auditseal")
        return cursor.fetchone()[0]


def _prefix_tables(last: int) -> dict[str, dict[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT source, count(*), sum(rows) FROM org_auditseal WHERE id <= %s GROUP BY source ORDER BY source",
            [last],
        )
        return {source: {"seals": seals, "rows": int(rows)} for source, seals, rows in cursor.fetchall()}


def _sources(last: int) -> dict[str, str]:
    """{table: id column} of the seals up to `last`, each an audit table this code knows."""
    known = dict(auditseal.audited_tables())
    with connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT source, id_column FROM org_auditseal WHERE id <= %s ORDER BY 1", [last])
        sources = cursor.fetchall()
    for table, id_column in sources:
        if known.get(table) != id_column:
            raise RetentionError(f"Seals name {table}.{id_column}, which is not an audit table: nothing was pruned.")
    return dict(sources)


# The audit rows covered by the seals of one source table in a span of seal ids, joined on the
# seals' id ranges: ids of statements sealed at about the same time interleave, so never "id <= max".
ARCHIVE_ROWS_SQL = """
    SELECT s.id, t."{id}", to_jsonb(t)::text
    FROM org_auditseal s
    CROSS JOIN LATERAL jsonb_array_elements(s.ranges) r
    JOIN "{table}" t ON t."{id}" BETWEEN (r->>0)::bigint AND (r->>1)::bigint
    WHERE s.source = %s AND s.id > %s AND s.id <= %s
"""
DELETE_ROWS_SQL = """
    DELETE FROM "{table}" t
    USING org_auditseal s, jsonb_array_elements(s.ranges) r
    WHERE s.source = %s AND s.id <= %s AND t."{id}" BETWEEN (r->>0)::bigint AND (r->>1)::bigint
"""


def _write_archive(path: Path, *, header: dict, last: int, sources: dict[str, str]) -> dict[str, int]:
    """Write the seals up to `last`, each followed by the rows it covers; return the rows written per table."""
    written: dict[str, int] = {}
    partial = path.with_name(f"{path.name}.partial")
    with partial.open("wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb") as gz, io.TextIOWrapper(gz, encoding="utf-8") as out:
            out.write(json.dumps(header, ensure_ascii=False) + "\n")
            after = 0
            # The named cursor that streams a large statement's rows lives in a transaction.
            with transaction.atomic():
                while True:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT id, source, to_jsonb(s)::text FROM org_auditseal s"
                            " WHERE id > %s AND id <= %s ORDER BY id LIMIT %s",
                            [after, last, ARCHIVE_BATCH],
                        )
                        seals = cursor.fetchall()
                    if not seals:
                        break
                    upto = seals[-1][0]
                    tables = sorted({source for _id, source, _doc in seals})
                    union = " UNION ALL ".join(ARCHIVE_ROWS_SQL.format(table=t, id=sources[t]) for t in tables)
                    with connection.chunked_cursor() as cursor:
                        cursor.execute(f"{union} ORDER BY 1, 2", [v for t in tables for v in (t, after, upto)])
                        rows = _stream(cursor)
                        pending = next(rows, None)
                        for seal_id, source, doc in seals:
                            out.write(f'{{"seal": {doc}}}\n')
                            while pending is not None and pending[0] == seal_id:
                                out.write(f'{{"seal_id": {seal_id}, "row": {pending[2]}}}\n')
                                written[source] = written.get(source, 0) + 1
                                pending = next(rows, None)
                    after = upto
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)
    _fsync_folder(path.parent)
    return written


def _stream(cursor, size: int = 2000):
    while chunk := cursor.fetchmany(size):
        yield from chunk


def _write_durably(path: Path, content: bytes) -> None:
    with path.open("wb") as f:
        f.write(content)
        f.flush()
        os.fsync(f.fileno())
    _fsync_folder(path.parent)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _append_only_triggers(models) -> list[str]:
    """The triggers refusing UPDATE/DELETE on these models, as pgtrigger URIs: the only ones bypassed."""
    return sorted(
        f"{model._meta.label}:{trigger.name}"
        for model in models
        for trigger in model._meta.triggers
        if isinstance(trigger, pgtrigger.Protect) and pgtrigger.Delete in trigger.operation
    )


@transaction.atomic
def _remove(*, last: int, result: PruneResult, path: Path, by: str) -> AuditArchive:
    with connection.cursor() as cursor:
        cursor.execute(SEAL_LOCK_SQL)
        # Under the lock: the prefix is still the one archived (no other prune took it meanwhile).
        cursor.execute("SELECT count(*), max(id) FROM org_auditseal WHERE id <= %s", [last])
        seals, found_last = cursor.fetchone()
    if seals != result.seals or found_last != last:
        raise RetentionError("The audit trail changed while it was archived (another prune?): nothing was pruned.")
    sources = _sources(last)
    detail = {
        "cutoff": result.cutoff.isoformat(),
        "anchor_seal_id": last,
        "anchor_hash": result.anchor_hash,
        "seals": result.seals,
        "tables": result.tables,
        "file": path.name,
        "sha256": result.sha256,
    }
    # Written before the seals go, so its own seal links to the current end of the chain and the
    # chain is never left empty behind the anchor.
    SecurityEvent.objects.create(kind=SecurityEventKind.AUDIT_PRUNE, username=by[:150], detail=detail)

    by_table = {model._meta.db_table: model for model in apps.get_models()}
    bypass = _append_only_triggers([AuditSeal, *(by_table[table] for table in sources)])
    # pgtrigger.ignore puts a positional parameter of its own in front: positional ones only here.
    with pgtrigger.ignore(*bypass), connection.cursor() as cursor:
        for table, id_column in sources.items():
            cursor.execute(DELETE_ROWS_SQL.format(table=table, id=id_column), [table, last])
            if cursor.rowcount != result.tables[table]["rows"]:
                raise ChainBroken(
                    f"{cursor.rowcount} audit rows of {table} matched the seals, which name "
                    f"{result.tables[table]['rows']}: nothing was pruned."
                )
        cursor.execute("DELETE FROM org_auditseal WHERE id <= %s", [last])
        if cursor.rowcount != result.seals:
            raise RetentionError(f"{cursor.rowcount} seals matched, {result.seals} were archived: nothing was pruned.")
    return AuditArchive.objects.create(
        by=by[:150],
        cutoff=result.cutoff,
        anchor_seal_id=last,
        anchor_hash=result.anchor_hash,
        seals=result.seals,
        tables=result.tables,
        file_name=path.name,
        file_sha256=result.sha256,
    )
