"""The compliance run: every enabled rule set-based in SQL, then colours, alerts and resolutions.

`evaluate()` is the one engine. The nightly run (`compliance_run`) calls it per bureau, one
transaction per bureau, under an advisory lock, and records a ComplianceRun row; saving a
record calls it restricted to that record (`evaluate_records`), inside the saving transaction,
so the colour on screen is never a day stale. Both run the same rule SELECTs (cases/rules.py).

Idempotent: colours are only written where they change, a live alert is unique per
(rule, record) (alert_one_live_per_record) and inserted ON CONFLICT DO NOTHING, and a
resolution only touches alerts still live — running twice changes nothing the second time.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import psycopg
from django.conf import settings
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cases.models import ComplianceRun, RecordKind, Rule, RunStatus
from cases.rules import FINDING_COLUMNS, Scope, rule_sql
from org.models import Bureau, Unit
from org.notifications import Kind, notify

log = logging.getLogger(__name__)

# pg_try_advisory_lock key of the nightly run ("cases" in ASCII): two runs never overlap.
RUN_LOCK = 0x6361736573
# A run that changed more records than this refreshes the statistics of the tables it rewrote.
ANALYZE_AFTER_CHANGES = 10_000

# Emptied by the DELETE at each use, not ON COMMIT DELETE ROWS: that truncates the table's files
# at every commit of the connection, a file-system round trip in each desk save (the load bench
# saw desk commits waiting on DataFileTruncate).
SCRATCH_SQL = """
CREATE TEMP TABLE IF NOT EXISTS cases_finding (
    rule_id bigint NOT NULL, incident_id bigint NOT NULL, case_id bigint, bureau_id bigint NOT NULL,
    unit_id bigint NOT NULL, officer_id bigint, state text NOT NULL, due timestamptz, detail text
);
CREATE INDEX IF NOT EXISTS cases_finding_incident ON cases_finding (incident_id, rule_id);
CREATE INDEX IF NOT EXISTS cases_finding_case ON cases_finding (case_id);
DELETE FROM cases_finding;
"""


@dataclass
class Outcome:
    rows_checked: int = 0
    findings: int = 0
    alerts_opened: int = 0
    alerts_resolved: int = 0
    recoloured: int = 0
    timings: dict[str, float] = field(default_factory=dict)


# The enabled rules of the last call in this process, under the digest of their rows' text.
_rules_cache: tuple[str, list[Rule]] | None = None


def enabled_rules() -> list[Rule]:
    """The enabled rules, in code order. Every save runs them, so the rows are built into Rule
    objects again only when their text changed: the database answers a digest of the rows (any
    edit, bulk UPDATE or other process's change included), a cheaper query than building them."""
    global _rules_cache
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r.code), '')) FROM cases_rule r WHERE r.enabled"
        )
        digest = cursor.fetchone()[0]
    if _rules_cache is None or _rules_cache[0] != digest:
        _rules_cache = (digest, list(Rule.objects.filter(enabled=True).order_by("code")))
    return list(_rules_cache[1])


def _texts() -> dict[str, str]:
    """The reason sentences, translated once per evaluation; {rule}, {due}, {detail} filled in SQL."""
    return {
        "overdue": _("{rule}: deadline {due} has passed ({detail})"),
        "warning": _("{rule}: due by {due} ({detail})"),
        "breach": _("{rule} ({detail})"),
    }


def evaluate(
    *, scope: Scope, now: datetime, rules: list[Rule] | None = None, per_rule: bool = True, created: bool = False
) -> Outcome:
    """Evaluate the rules over the scope as of `now` and apply the result. Call inside a transaction.

    per_rule=True runs one INSERT per rule (timed, for the nightly run); False combines them into
    one statement (the on-save check, where round trips dominate). created=True: the records were
    just written, so none has an alert to resolve yet."""
    rules = enabled_rules() if rules is None else rules
    rules = [
        r
        for r in rules
        if (r.record_kind == RecordKind.INCIDENT and scope.covers_incidents)
        or (r.record_kind == RecordKind.CASE and scope.covers_cases)
    ]
    out = Outcome()
    base = {"now": now, **scope.params()}
    columns = f"rule_id, {', '.join(FINDING_COLUMNS)}"
    found: set[int] | None = None  # the rules with findings, when known without asking the table
    with connection.cursor() as cursor:
        # The scratch table, its indexes (serving the anti-joins of the recolouring and resolution
        # passes: WHERE f.incident_id = …) and a clean start, in one round trip.
        cursor.execute(SCRATCH_SQL)
        if per_rule:
            for rule in rules:
                sql, params = rule_sql(rule, scope)
                started = time.perf_counter()
                cursor.execute(
                    f"INSERT INTO cases_finding ({columns}) SELECT {rule.pk}, r.* FROM ({sql}) r",  # noqa: S608
                    {**base, **params},
                )
                out.timings[rule.code] = round(time.perf_counter() - started, 3)
                out.findings += max(cursor.rowcount, 0)
            # Statistics of the fresh findings, so the passes below hash-join instead of looping.
            cursor.execute("ANALYZE cases_finding")
        elif rules:
            parts, params = [], dict(base)
            for rule in rules:
                sql, rule_params = rule_sql(rule, scope)
                parts.append(f"SELECT {rule.pk}, r.* FROM ({sql}) r")  # noqa: S608
                params.update(rule_params)
            rows = _select_prepared(" UNION ALL ".join(parts), params)
            if rows:
                with cursor.copy(f"COPY cases_finding ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            out.findings = len(rows)
            found = {row[0] for row in rows}
        started = time.perf_counter()
        out.recoloured = _recolour(cursor, scope, now, rules, found)
        opened = _open_alerts(cursor, now, rules, found)
        out.alerts_opened = sum(count for _, _, count in opened)
        out.alerts_resolved = 0 if created else _resolve_alerts(cursor, scope, now, rules)
        out.timings["apply"] = round(time.perf_counter() - started, 3)
        if per_rule:
            # The statistics of a bulk batch would stay with this connection's scratch table and
            # mislead the planner of every later on-save check into scanning whole tables.
            cursor.execute("DROP TABLE cases_finding")
    _notify_opened(opened)
    return out


def _select_prepared(sql: str, params: dict) -> list[tuple]:
    """The findings of the saved records' rules, by a prepared statement of this connection with
    its values bound on the server. Planning the union of a case's 16 rules took 13 ms and
    running it 2 ms (EXPLAIN ANALYZE, median of 30 cases); the text is the same at every save,
    so it is planned once per connection (again only after a rule or table changes). The generic
    plan is forced: the records are always a few ids, found by index. It reads no scratch table,
    whose truncation at every commit would invalidate the plan."""
    params = {name: value for name, value in params.items() if f"%({name})s" in sql}
    with psycopg.Cursor(connection.connection) as cursor:
        # Until the transaction ends; no other statement of the portal is prepared, so no other
        # plan is affected.
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchall()


def _rule_meta_cte(rules: list[Rule]) -> tuple[str, dict]:
    """The evaluated rules' codes, breach colours and names as a VALUES list for the reason texts."""
    texts = _texts()
    params = {"t_overdue": texts["overdue"], "t_warning": texts["warning"], "t_breach": texts["breach"]}
    rows = []
    for n, rule in enumerate(rules):
        rows.append(f"(%(m{n}_id)s::bigint, %(m{n}_code)s, %(m{n}_colour)s, %(m{n}_name)s, %(m{n}_sev)s::int)")
        params.update(
            {
                f"m{n}_id": rule.pk,
                f"m{n}_code": rule.code,
                f"m{n}_colour": rule.breach_colour,
                f"m{n}_name": rule.name,
                f"m{n}_sev": rule.severity,
            }
        )
    values = ", ".join(rows) or "(NULL::bigint, NULL, NULL, NULL, NULL::int)"
    return f"meta (rule_id, code, breach_colour, name, severity) AS (VALUES {values})", params


# A finding's colour and its reason sentence, from the finding (f) and its rule (m).
_COLOUR = "CASE WHEN f.state = 'warning' THEN 'yellow' ELSE m.breach_colour END"
_TEXT = """replace(replace(replace(
    CASE f.state WHEN 'overdue' THEN %(t_overdue)s WHEN 'warning' THEN %(t_warning)s ELSE %(t_breach)s END,
    '{rule}', m.name), '{due}', COALESCE(cases_format_due(f.due), '')), '{detail}', COALESCE(f.detail, ''))"""


def _recolour(cursor, scope: Scope, now: datetime, rules: list[Rule], found: set[int] | None = None) -> int:
    """Write colour and reasons where they change: red over yellow over green, reasons red first.
    `found`: the rules with findings if the caller knows them (none: only the turn to green)."""
    meta, params = _rule_meta_cte(rules)
    params.update({"now": now, **scope.params()})
    total = 0
    targets = []
    if scope.covers_incidents:
        targets.append(("intake_incident", "incident_id", "f.case_id IS NULL", scope.where("t", "incident")))
    if scope.covers_cases:
        targets.append(("cases_case", "case_id", "f.case_id IS NOT NULL", scope.where("t", "case")))
    for table, key, which, where in targets:
        # Records with findings whose colour or reasons differ, then records without findings that
        # are not green yet. Only changed rows are written (and audited): a quiet night writes little.
        if found is None or found:  # a compliant record has nothing to colour yellow or red
            total += _colour_found(cursor, table, key, which, where, meta, params)
        cursor.execute(
            f"""
            UPDATE {table} t SET colour = 'green', colour_reasons = '[]'::jsonb, colour_at = %(now)s
            WHERE {where} AND (t.colour <> 'green' OR t.colour_reasons <> '[]'::jsonb)
              AND NOT EXISTS (SELECT 1 FROM cases_finding f WHERE f.{key} = t.id AND {which})
            """,  # noqa: S608
            params,
        )
        total += cursor.rowcount
    return total


def _colour_found(cursor, table: str, key: str, which: str, where: str, meta: str, params: dict) -> int:
    """Yellow or red, with the reasons, for the records of `table` with findings."""
    cursor.execute(
        f"""
        WITH {meta},
        found AS (
            SELECT f.{key} AS id,
                   CASE max(CASE {_COLOUR} WHEN 'red' THEN 2 ELSE 1 END)
                       WHEN 2 THEN 'red' ELSE 'yellow' END AS colour,
                   jsonb_agg(jsonb_build_object(
                       'rule', m.code, 'colour', {_COLOUR}, 'due', f.due, 'text', {_TEXT})
                       ORDER BY CASE {_COLOUR} WHEN 'red' THEN 0 ELSE 1 END, m.code, f.due, f.detail) AS reasons
            FROM cases_finding f JOIN meta m ON m.rule_id = f.rule_id
            WHERE {which}
            GROUP BY f.{key}
        )
        UPDATE {table} t SET colour = found.colour, colour_reasons = found.reasons, colour_at = %(now)s
        FROM found
        WHERE t.id = found.id AND {where}
          AND (t.colour IS DISTINCT FROM found.colour OR t.colour_reasons IS DISTINCT FROM found.reasons)
        """,  # noqa: S608
        params,
    )
    return cursor.rowcount


def _open_alerts(cursor, now: datetime, rules: list[Rule], found: set[int] | None = None) -> list[tuple[int, int, int]]:
    """Raise an alert for every red (rule, record) without a live one; routed to the unit's
    stationed legal officer today. Returns (bureau, assignee, count) of the new alerts.
    `found`: the rules with findings if the caller knows them (else the scratch table is asked)."""
    found = set(_finding_rule_ids(cursor)) if found is None else found
    rules = [rule for rule in rules if rule.pk in found]
    if not rules:
        return []
    meta, params = _rule_meta_cte(rules)
    params["now"] = now
    params["today"] = timezone.localdate(now)
    cursor.execute(
        f"""
        WITH {meta},
        red AS (
            SELECT DISTINCT ON (f.rule_id, f.incident_id) f.*, m.severity, {_TEXT} AS text
            FROM cases_finding f JOIN meta m ON m.rule_id = f.rule_id
            WHERE {_COLOUR} = 'red'
            ORDER BY f.rule_id, f.incident_id, f.due NULLS LAST, f.detail
        ),
        opened AS (
            INSERT INTO cases_alert (bureau_id, unit_id, rule_id, incident_id, case_id, officer_id, assignee_id,
                                     severity, due_at, text, opened_at, status, review_note, cleared_reason)
            SELECT red.bureau_id, red.unit_id, red.rule_id, red.incident_id, red.case_id, red.officer_id,
                   (SELECT a.officer_id FROM org_legalofficerassignment a
                    WHERE a.unit_id = red.unit_id AND a.bureau_id = red.bureau_id AND a.start_date <= %(today)s
                      AND (a.end_date IS NULL OR a.end_date >= %(today)s)
                    ORDER BY a.start_date DESC, a.id LIMIT 1),
                   red.severity, red.due, red.text, %(now)s, 'open', '', ''
            FROM red
            ON CONFLICT (rule_id, incident_id) WHERE cleared_at IS NULL DO NOTHING
            RETURNING bureau_id, assignee_id
        )
        SELECT bureau_id, assignee_id, count(*) FROM opened GROUP BY bureau_id, assignee_id
        """,  # noqa: S608
        params,
    )
    return list(cursor.fetchall())


def _finding_rule_ids(cursor) -> list[int]:
    cursor.execute("SELECT DISTINCT rule_id FROM cases_finding")
    return [row[0] for row in cursor.fetchall()]


def _resolve_alerts(cursor, scope: Scope, now: datetime, rules: list[Rule]) -> int:
    """Live alerts of the evaluated rules whose record no longer breaks the rule: stamped cleared,
    and an unreviewed one becomes resolved. Alerts of switched-off rules are left as they are."""
    if not rules:
        return 0
    parts = ["a.cleared_at IS NULL", "a.rule_id = ANY(%(rule_ids)s)"]
    if scope.bureau_id is not None:
        parts.append("a.bureau_id = %(bureau_id)s")
    if scope.unit_id is not None:
        parts.append("a.unit_id = %(unit_id)s")
    if scope.incident_ids is not None:
        parts.append("a.incident_id = ANY(%(incident_ids)s)")
    if scope.case_ids is not None:
        parts.append("a.case_id = ANY(%(case_ids)s)")
    if scope.import_started_at is not None:
        parts.append(
            "a.incident_id IN (SELECT id FROM intake_incident WHERE created_at = %(import_started_at)s"
            " AND bureau_id = %(bureau_id)s)"
        )
    cursor.execute(
        f"""
        UPDATE cases_alert a
        SET cleared_at = %(now)s, cleared_reason = %(reason)s,
            status = CASE WHEN a.status = 'open' THEN 'resolved' ELSE a.status END
        WHERE {" AND ".join(parts)}
          AND NOT EXISTS (
              SELECT 1 FROM cases_finding f JOIN cases_rule r ON r.id = f.rule_id
              WHERE f.rule_id = a.rule_id AND f.incident_id = a.incident_id
                AND (f.state <> 'warning' AND r.breach_colour = 'red'))
        """,  # noqa: S608
        {
            "now": now,
            "reason": _("The record complies with the rule again."),
            "rule_ids": [r.pk for r in rules],
            **scope.params(),
        },
    )
    return cursor.rowcount


def _notify_opened(opened: list[tuple[int, int, int]]) -> None:
    url = reverse("cases:queue")
    for bureau_id, assignee_id, count in opened:
        if assignee_id is None:
            continue
        title = ngettext(
            "%(count)d new alert waits for your review.", "%(count)d new alerts wait for your review.", count
        ) % {"count": count}
        notify(recipients=[assignee_id], kind=Kind.ALERT, title=title, url=url, bureau=bureau_id)


# --- Entry points ---


def evaluate_records(
    *,
    bureau_id: int,
    incident_ids: list[int] | None = None,
    case_ids: list[int] | None = None,
    import_started_at: datetime | None = None,
    now: datetime | None = None,
    created: bool = False,
) -> Outcome:
    """The on-save check: the saved records' rules, at once, in the caller's transaction."""
    scope = Scope(
        bureau_id=bureau_id,
        incident_ids=tuple(incident_ids) if incident_ids is not None else None,
        case_ids=tuple(case_ids) if case_ids is not None else None,
        import_started_at=import_started_at,
    )
    # No savepoint inside the save's transaction (two round trips a save): a failed check fails the save.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic(savepoint=False):
        return evaluate(scope=scope, now=now or timezone.now(), per_rule=import_started_at is not None, created=created)


def compliance_run(
    *, at: datetime | None = None, unit: Unit | None = None, bureau: Bureau | None = None
) -> ComplianceRun:
    """The nightly run over every bureau (or one bureau, or one unit), one transaction per bureau.
    A second run while one holds the lock is recorded as skipped and does nothing."""
    now = at or timezone.now()
    run = ComplianceRun.objects.create(
        bureau=bureau or (unit.bureau if unit else None), unit=unit, as_of=now, started_at=timezone.now()
    )
    with connection.cursor() as cursor:
        # A worker killed mid-run: its server process notices within a second, rolls back and
        # frees the lock, so the requeued run is not skipped by a lock nobody holds any more.
        cursor.execute("SET client_connection_check_interval = '1s'")
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK])
        locked = cursor.fetchone()[0]
    if not locked:
        _finish(run, RunStatus.SKIPPED, Outcome(), message=_("Another compliance run is in progress."))
        return run
    total = Outcome()
    timings: dict[str, float] = defaultdict(float)
    try:
        if unit is not None:
            bureau_ids = [unit.bureau_id]
        elif bureau is not None:
            bureau_ids = [bureau.pk]
        else:
            bureau_ids = list(Bureau.objects.order_by("pk").values_list("pk", flat=True))
        rules = enabled_rules()
        for bureau_id in bureau_ids:
            scope = Scope(bureau_id=bureau_id, unit_id=unit.pk if unit else None)
            with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
                outcome = evaluate(scope=scope, now=now, rules=rules)
                total.rows_checked += _count_records(scope)
            for name in ("findings", "alerts_opened", "alerts_resolved", "recoloured"):
                setattr(total, name, getattr(total, name) + getattr(outcome, name))
            for code, seconds in outcome.timings.items():
                timings[code] += seconds
        total.timings = {code: round(seconds, 3) for code, seconds in timings.items()}
        if total.alerts_opened + total.alerts_resolved + total.recoloured > ANALYZE_AFTER_CHANGES:
            # A run that rewrote much (the first one, a replay): statistics now, not at autovacuum's
            # next round, or the next one-record check is planned on the old sizes (a scan of all
            # live alerts instead of one index lookup).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE cases_alert, intake_incident, cases_case")
        _finish(run, RunStatus.DONE, total)
    except Exception as exc:
        log.exception("compliance run %s failed", run.pk)
        _finish(run, RunStatus.FAILED, total, message=str(exc)[:2000])
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK])
    return run


def _count_records(scope: Scope) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT (SELECT count(*) FROM intake_incident t WHERE {scope.where("t", "incident")})
                     + (SELECT count(*) FROM cases_case t WHERE {scope.where("t", "case")})""",  # noqa: S608
            scope.params(),
        )
        return cursor.fetchone()[0]


def _finish(run: ComplianceRun, status: str, outcome: Outcome, *, message: str = "") -> None:
    ComplianceRun.objects.filter(pk=run.pk).update(
        status=status,
        finished_at=timezone.now(),
        rows_checked=outcome.rows_checked,
        findings=outcome.findings,
        alerts_opened=outcome.alerts_opened,
        alerts_resolved=outcome.alerts_resolved,
        recoloured=outcome.recoloured,
        timings=outcome.timings,
        message=message,
    )
    run.refresh_from_db()
