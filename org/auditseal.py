"""The hash chain over the audit trail (等保三级: audit that cannot be quietly changed).

Every audit table (django-pghistory's event tables and SecurityEvent) gets a statement-level
trigger that, in the same transaction as the change, appends one AuditSeal: the id ranges of
the rows the statement wrote, the columns sealed, a digest of their content, the previous
seal's hash and its own. Audit rows and seals are append-only (the database refuses UPDATE
and DELETE), and `verify_audit` recomputes every digest and link, naming the first broken one.

A statement's digest is computed by the trigger and kept as a pending row; the pending row is
linked into the chain when its transaction commits (a deferred constraint trigger), under a
transaction-scoped advisory lock, so each seal's "previous" is the one committed just before
it, and a long transaction (the nightly run) does not hold every other writer's audit back
until it ends. SET CONSTRAINTS ALL IMMEDIATE links at once (tests use it to see the seals).

Audit past its retention is archived and pruned as a prefix of the chain (org/auditretention.py);
the last pruned seal's hash, kept in an AuditArchive row, is the anchor verification starts from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.apps import apps
from django.db import connection

# Seal format 2: the digest is over each row's own text (md5 of the row as PostgreSQL prints it,
# columns in table order), about three times cheaper than format 1's to_jsonb per row: the audit
# trigger of 200,000 imported reports took 1.6 s instead of 3.7 s. Seals written before it
# (format 1: md5 of to_jsonb, columns sorted) keep verifying as they were written.
# The settings a row's text depends on are fixed for the trigger and for verification alike (the
# functions' SET clauses), so a session with another time zone or date style neither writes nor
# checks a different digest.
FUNCTION_SQL = r"""
CREATE OR REPLACE FUNCTION portal_audit_seal() RETURNS trigger LANGUAGE plpgsql
    SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
    SET extra_float_digits = 1 SET bytea_output = 'hex'
AS $fn$
DECLARE
    id_col text := TG_ARGV[0];
    v_rows integer;
    v_digest text;
    v_ranges jsonb;
    v_columns jsonb;
    v_prev text;
    v_hash text;
BEGIN
    -- A statement that wrote no audit rows (an UPDATE matching nothing still fires the statement
    -- triggers) seals nothing; checked before the dynamic query, which is planned on every call.
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN
        RETURN NULL;
    END IF;
    EXECUTE format($q$
        WITH body AS (SELECT %1$I AS id, md5(r::text) AS h FROM new_rows r),
        islands AS (SELECT id, id - row_number() OVER (ORDER BY id) AS grp FROM body)
        SELECT (SELECT count(*) FROM body),
               (SELECT encode(sha256(convert_to(coalesce(string_agg(h, '' ORDER BY id), ''), 'UTF8')), 'hex')
                  FROM body),
               (SELECT coalesce(jsonb_agg(jsonb_build_array(lo, hi) ORDER BY lo), '[]'::jsonb)
                  FROM (SELECT min(id) AS lo, max(id) AS hi FROM islands GROUP BY grp) g)
    $q$, id_col) INTO v_rows, v_digest, v_ranges;
    IF v_rows = 0 THEN
        RETURN NULL;
    END IF;
    SELECT jsonb_agg(attname ORDER BY attnum) INTO v_columns
    FROM pg_attribute WHERE attrelid = TG_RELID AND attnum > 0 AND NOT attisdropped;
    -- Linked into the chain at commit (portal_audit_link), not here: the chain's lock is then
    -- held for the commit only, not from this statement to the end of a long transaction.
    INSERT INTO org_auditpending (source, id_column, columns, ranges, rows, digest)
    VALUES (TG_TABLE_NAME, id_col, v_columns, v_ranges, v_rows, v_digest);
    RETURN NULL;
END
$fn$;

-- At commit (a deferred constraint trigger on the pending row): the next link of the chain.
CREATE OR REPLACE FUNCTION portal_audit_link() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
    v_prev text;
    v_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('portal-audit-seal'));
    SELECT hash INTO v_prev FROM org_auditseal ORDER BY id DESC LIMIT 1;
    v_prev := coalesce(v_prev, '');
    v_hash := encode(sha256(convert_to(
        concat_ws('|', v_prev, NEW.source, NEW.columns::text, NEW.ranges::text, NEW.rows::text, NEW.digest, '2'),
        'UTF8')), 'hex');
    INSERT INTO org_auditseal (at, source, id_column, columns, ranges, rows, digest, prev_hash, hash, format)
    VALUES (now(), NEW.source, NEW.id_column, NEW.columns, NEW.ranges, NEW.rows, NEW.digest, v_prev, v_hash, 2);
    DELETE FROM org_auditpending WHERE id = NEW.id;
    RETURN NULL;
END
$fn$;

DROP TRIGGER IF EXISTS portal_audit_link ON org_auditpending;
CREATE CONSTRAINT TRIGGER portal_audit_link AFTER INSERT ON org_auditpending
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION portal_audit_link();

-- Verification runs the digest query under the same settings as the trigger.
CREATE OR REPLACE FUNCTION portal_audit_digest(query text, OUT rows bigint, OUT digest text) LANGUAGE plpgsql
    SET TimeZone = 'UTC' SET DateStyle = 'ISO, YMD' SET IntervalStyle = 'postgres'
    SET extra_float_digits = 1 SET bytea_output = 'hex'
AS $fn$
BEGIN
    EXECUTE query INTO rows, digest;
END
$fn$;
"""


def audited_tables() -> list[tuple[str, str]]:
    """(table, id column) of every audit table: pghistory's event models and security events."""
    import pghistory.models

    tables = []
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy and not model._meta.abstract:
            tables.append((model._meta.db_table, "pgh_id"))
    tables.append((apps.get_model("org", "SecurityEvent")._meta.db_table, "id"))
    return sorted(tables)


def install(using_connection=None) -> int:
    """Create the function and attach the trigger to every audit table (idempotent)."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        cursor.execute(FUNCTION_SQL)
        tables = []
        for table, id_column in audited_tables():
            cursor.execute("SELECT to_regclass(%s)", [f'"{table}"'])
            if cursor.fetchone()[0] is None:  # a model whose migration has not run here
                continue
            tables.append(table)
            cursor.execute(
                f'CREATE OR REPLACE TRIGGER portal_audit_seal AFTER INSERT ON "{table}" '
                "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
                f"EXECUTE FUNCTION portal_audit_seal('{id_column}')"
            )
    return len(tables)


@dataclass
class Broken:
    seal_id: int
    source: str
    problem: str


VERIFY_DIGEST_SQL = {
    1: """
SELECT count(*),
       encode(sha256(convert_to(coalesce(string_agg(md5(doc::text), '' ORDER BY id), ''), 'UTF8')), 'hex')
FROM (
    SELECT t.{id} AS id,
           (SELECT jsonb_object_agg(key, value) FROM jsonb_each(to_jsonb(t)) WHERE key = ANY(%(columns)s)) AS doc
    FROM "{table}" t
    WHERE {ranges}
) body
""",
    2: """
SELECT count(*),
       encode(sha256(convert_to(coalesce(string_agg(md5({row}::text), '' ORDER BY t.{id}), ''), 'UTF8')), 'hex')
FROM "{table}" t
WHERE {ranges}
""",
}


SEALS_SQL = """
SELECT id, source, id_column, columns, ranges, rows, digest, prev_hash, hash, format
FROM org_auditseal WHERE id > %s ORDER BY id LIMIT %s
"""


def anchor(conn=None) -> tuple[int, str]:
    """(last pruned seal id, its hash) of the latest prune (org/auditretention.py), or (0, '')."""
    conn = conn or connection
    with conn.cursor() as cursor:
        cursor.execute("SELECT to_regclass('org_auditarchive') IS NOT NULL")  # a copy from before retention
        if not cursor.fetchone()[0]:
            return 0, ""
        cursor.execute("SELECT anchor_seal_id, anchor_hash FROM org_auditarchive ORDER BY anchor_seal_id DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, "")


def verify(*, batch: int = 1000, conn=None) -> tuple[int, Broken | None]:
    """Recheck every seal in order. Returns (seals checked, the first broken one or None).

    After a prune the chain starts at the latest archive's anchor: the first remaining seal links
    to the last pruned one's hash. `conn` is any connection with a DB-API cursor (Django's, or
    psycopg's for a restored copy)."""
    conn = conn or connection
    for _attempt in range(3):
        start = anchor(conn)
        checked, broken = _verify_from(start, batch=batch, conn=conn)
        if broken is None or anchor(conn) == start:
            return checked, broken
        # A prune moved the anchor while the chain was read: read it again from the new one.
    return checked, broken


def _verify_from(start: tuple[int, str], *, batch: int, conn) -> tuple[int, Broken | None]:
    checked = 0
    last_id, prev_hash = start
    with conn.cursor() as cursor:
        if last_id:
            cursor.execute("SELECT id, source FROM org_auditseal WHERE id <= %s ORDER BY id LIMIT 1", [last_id])
            if early := cursor.fetchone():
                return checked, Broken(early[0], early[1], "a seal the archive says was pruned is still here")
        while True:
            cursor.execute(SEALS_SQL, [last_id, batch])
            seals = cursor.fetchall()
            if not seals:
                if start[0] and not checked:
                    # A prune leaves its own security event's seal after the anchor.
                    return checked, Broken(start[0], "org_auditseal", "the seals after the archive anchor are missing")
                return checked, None
            for seal_id, source, id_column, columns, ranges, rows, digest, seal_prev, seal_hash, fmt in seals:
                last_id = seal_id
                # Django's cursor gives jsonb as text, psycopg's as Python values.
                columns = json.loads(columns) if isinstance(columns, str) else columns
                ranges = json.loads(ranges) if isinstance(ranges, str) else ranges
                checked += 1
                if seal_prev != prev_hash:
                    if checked == 1 and start[0]:
                        return checked, Broken(seal_id, source, "the first seal does not link to the archive anchor")
                    return checked, Broken(seal_id, source, "the link to the previous seal is broken")
                cursor.execute(
                    "SELECT encode(sha256(convert_to(concat_ws('|', %s::text, %s::text, %s::jsonb::text,"
                    " %s::jsonb::text, %s::text, %s::text, %s::text), 'UTF8')), 'hex')",
                    [seal_prev, source, json.dumps(columns), json.dumps(ranges), str(rows), digest]
                    + [str(fmt) if fmt > 1 else None],  # concat_ws skips the NULL: format 1 hashed no format
                )
                if cursor.fetchone()[0] != seal_hash:
                    return checked, Broken(seal_id, source, "the seal itself was altered")
                where = " OR ".join(f't."{id_column}" BETWEEN {int(lo)} AND {int(hi)}' for lo, hi in ranges) or "false"
                found, found_digest = _digest(cursor, fmt, source, id_column, columns, where)
                if found != rows:
                    return checked, Broken(seal_id, source, f"{rows} audit rows sealed, {found} found")
                if found_digest != digest:
                    return checked, Broken(seal_id, source, "audit rows were changed after they were sealed")
                prev_hash = seal_hash


def _digest(cursor, fmt: int, table: str, id_column: str, columns: list[str], where: str) -> tuple[int, str]:
    """(rows, digest) of the audit rows a seal covers, computed as the seal's format wrote it."""
    if fmt == 1:
        cursor.execute(
            VERIFY_DIGEST_SQL[1].format(id=f'"{id_column}"', table=table, ranges=where), {"columns": columns}
        )
        return cursor.fetchone()
    # The row rebuilt from the sealed columns in their order prints as the whole row did when sealed.
    row = "ROW(" + ", ".join('t."' + name.replace('"', '""') + '"' for name in columns) + ")"
    query = VERIFY_DIGEST_SQL[2].format(id=f'"{id_column}"', table=table, ranges=where, row=row)
    cursor.execute("SELECT rows, digest FROM portal_audit_digest(%s)", [query])
    return cursor.fetchone()
