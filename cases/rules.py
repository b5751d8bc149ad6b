"""The control rules (管控细项) as SQL, one function per rule code (DESIGN §3).

Each function returns one SELECT over all records — or over the records a Scope restricts it
to (one bureau, one unit, the ids just saved, one import) — with the columns of FINDING_COLUMNS.
The nightly run (cases/compliance.py) runs them one by one over a bureau; the on-save check runs
the very same SELECTs restricted to the saved records. What a rule checks against (its period,
lists, thresholds) comes from its Rule row, passed as query parameters, never spliced into SQL.

Deadline rules share one shape (`_deadline`): an event at `start`, a period of `n` `punit`s
(counted by the SQL function cases_due, the twin of cases.periods.due_at), a completion at
`done`; overdue when done late or not done by the deadline, yellow ("warning") once the
configured share of the period is spent. Everything is evaluated as of %(now)s, so a replay
(`run_compliance --at`) ignores what happened after that moment.
"""

# Every SELECT here is put together from fixed fragments of this module; every value (periods,
# lists, ids, moments) is a bound parameter. Hence no S608 per line.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from cases.models import Rule

# What every rule SELECT yields, in this order.
FINDING_COLUMNS = ("incident_id", "case_id", "bureau_id", "unit_id", "officer_id", "state", "due", "detail")
# state: 'overdue' (deadline passed) and 'breach' (a rule without a deadline broken) give the rule's
# breach colour; 'warning' (deadline two-thirds spent) gives yellow.


@dataclass(frozen=True)
class Scope:
    """Which records an evaluation covers. Nothing given: every record of every bureau."""

    bureau_id: int | None = None
    unit_id: int | None = None
    incident_ids: tuple[int, ...] | None = None
    case_ids: tuple[int, ...] | None = None
    import_started_at: datetime | None = None

    @property
    def few_records(self) -> bool:
        """The records just saved (by id), as opposed to a bureau, a unit or an import."""
        return self.incident_ids is not None or self.case_ids is not None

    @property
    def covers_incidents(self) -> bool:
        return self.case_ids is None

    @property
    def covers_cases(self) -> bool:
        return self.incident_ids is None and self.import_started_at is None

    def where(self, alias: str, kind: str) -> str:
        """The restriction on the record table `alias` (intake_incident or cases_case)."""
        parts = ["TRUE"]
        if self.bureau_id is not None:
            parts.append(f"{alias}.bureau_id = %(bureau_id)s")
        if self.unit_id is not None:
            parts.append(f"{alias}.unit_id = %(unit_id)s")
        if kind == "incident" and self.incident_ids is not None:
            parts.append(f"{alias}.id = ANY(%(incident_ids)s)")
        if kind == "incident" and self.import_started_at is not None:
            parts.append(f"{alias}.created_at = %(import_started_at)s")
        if kind == "case" and self.case_ids is not None:
            parts.append(f"{alias}.id = ANY(%(case_ids)s)")
        return " AND ".join(parts)

    def params(self) -> dict:
        return {
            "bureau_id": self.bureau_id,
            "unit_id": self.unit_id,
            "incident_ids": list(self.incident_ids or ()),
            "case_ids": list(self.case_ids or ()),
            "import_started_at": self.import_started_at,
        }


@dataclass
class Bind:
    """Collects a rule's values as named query parameters, prefixed so rules can be combined."""

    prefix: str
    params: dict = field(default_factory=dict)
    # The due-time SQL function: inlined into the nightly run's SELECTs; for the records just saved
    # the one the planner does not inline (cases.periods.DUE_ONE_DEFINITION), so planning stays cheap.
    due_function: str = "cases_due"

    def __call__(self, value) -> str:
        name = f"{self.prefix}_{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


RuleSQL = Callable[[Rule, Bind, Scope], str]
RULES: dict[str, RuleSQL] = {}


def rule(code: str):
    def register(fn: RuleSQL) -> RuleSQL:
        RULES[code] = fn
        return fn

    return register


def _deadline(source: str, rule: Rule, b: Bind, *, late_breaks: bool = True) -> str:
    """Wrap a source yielding incident_id, case_id, bureau_id, unit_id, officer_id, start, n, punit,
    custody, done, detail into findings. `late_breaks`: is a completion after the deadline itself a
    breach (a deadline rule), or does only the wait count (a review service level)?"""
    warn = b(float(rule.warn_at))
    late = "x.done > x.due OR " if late_breaks else ""
    return f"""
        SELECT x.incident_id, x.case_id, x.bureau_id, x.unit_id, x.officer_id,
               CASE WHEN {late}(x.done IS NULL AND %(now)s > x.due) THEN 'overdue' ELSE 'warning' END,
               x.due, x.detail
        FROM (
            SELECT s.incident_id, s.case_id, s.bureau_id, s.unit_id, s.officer_id, s.start, s.detail,
                   {b.due_function}(s.start, s.n, s.punit, s.custody) AS due,
                   CASE WHEN s.done <= %(now)s THEN s.done END AS done
            FROM ({source}) s
            WHERE s.start <= %(now)s
        ) x
        WHERE ({late}x.done IS NULL) AND (%(now)s > x.due OR %(now)s >= x.start + (x.due - x.start) * {warn})
    """


def _period(rule: Rule, b: Bind) -> tuple[str, str, str]:
    return b(rule.period), b(rule.period_unit), b(rule.custody)


def _param(rule: Rule, key: str, default):
    return (rule.params or {}).get(key, default)


# --- Incidents (intake) ---


@rule("INT-01")
def administrative_review_decided(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    complex_n, complex_unit = b(_param(rule, "complex_period", 3)), b(_param(rule, "complex_unit", "days"))
    return _deadline(
        f"""
        SELECT i.id AS incident_id, NULL::bigint AS case_id, i.bureau_id, i.unit_id,
               i.receiving_officer_id AS officer_id, i.received_at AS start,
               CASE WHEN i.is_complex THEN {complex_n} ELSE {n} END AS n,
               CASE WHEN i.is_complex THEN {complex_unit} ELSE {unit} END AS punit,
               {custody} AS custody, i.decided_at AS done, i.number AS detail
        FROM intake_incident i
        WHERE {scope.where("i", "incident")} AND i.category = 'administrative'
        """,
        rule,
        b,
    )


@rule("INT-02")
def criminal_filing_decided(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    check_n = b(_param(rule, "check_period", 7))
    complex_n = b(_param(rule, "complex_period", 30))
    # Which extension the unit leader approved decides the period (intake.ExtensionKind).
    return _deadline(
        f"""
        SELECT i.id AS incident_id, NULL::bigint AS case_id, i.bureau_id, i.unit_id,
               i.receiving_officer_id AS officer_id, i.received_at AS start,
               CASE WHEN NOT i.is_complex THEN {n}
                    WHEN EXISTS (SELECT 1 FROM intake_extensionrequest e WHERE e.incident_id = i.id
                                 AND e.status = 'approved' AND e.kind = 'criminal_complex') THEN {complex_n}
                    ELSE {check_n} END AS n,
               {unit} AS punit, {custody} AS custody, i.decided_at AS done, i.number AS detail
        FROM intake_incident i
        WHERE {scope.where("i", "incident")} AND i.category = 'criminal'
        """,
        rule,
        b,
    )


@rule("INT-03")
def untruthful_disposition(rule: Rule, b: Bind, scope: Scope) -> str:
    min_amount = b(_param(rule, "min_amount", 1))
    keywords = b(_param(rule, "keywords", ["盗", "骗", "抢", "诈"]))
    no_filing = b(_param(rule, "criminal_without_filing", ["no_case", "mediated", "not_accepted"]))
    return f"""
        SELECT i.id, NULL::bigint, i.bureau_id, i.unit_id, i.receiving_officer_id, 'breach', NULL::timestamptz, i.number
        FROM intake_incident i
        WHERE {scope.where("i", "incident")} AND i.received_at <= %(now)s AND i.decided_at <= %(now)s
          AND (
            (i.disposition = 'no_case' AND i.amount >= {min_amount}
             AND (i.category IN ('criminal', 'administrative')
                  OR EXISTS (SELECT 1 FROM unnest({keywords}::text[]) k WHERE strpos(i.summary, k) > 0)))
            OR (i.category = 'criminal' AND i.disposition = ANY({no_filing}::text[]))
          )
    """


@rule("INT-04")
def repeat_report_unresolved(rule: Rule, b: Bind, scope: Scope) -> str:
    window = b(_param(rule, "window_days", 30))
    earlier = b(_param(rule, "min_reports", 2) - 1)
    # The same reporter is the same keyed hash of the (encrypted) ID number, served by
    # intake's incident_reporter_idx (bureau, reporter_id_hash, received_at).
    return f"""
        SELECT i.id, NULL::bigint, i.bureau_id, i.unit_id, i.receiving_officer_id, 'breach', NULL::timestamptz,
               i.number
        FROM intake_incident i
        WHERE {scope.where("i", "incident")} AND i.reporter_id_hash <> '' AND i.received_at <= %(now)s
          AND i.disposition NOT IN ('accepted', 'filed')
          AND (SELECT count(*) FROM intake_incident e
               WHERE e.bureau_id = i.bureau_id AND e.reporter_id_hash = i.reporter_id_hash
                 AND e.reporter_id_hash <> ''  -- lets the partial index serve the probe
                 AND e.received_at < i.received_at AND e.received_at >= i.received_at - make_interval(days => {window})
                 AND e.category = i.category AND e.disposition NOT IN ('accepted', 'filed')) >= {earlier}
    """


# What "missing" means for each field a first receiver must fill in (INT-05 parameter "fields").
REQUIRED_FIELDS = {
    "receiving_officer": "i.receiving_officer_id IS NULL",
    "location": "i.location = ''",
    "summary": "i.summary = ''",
    "reporter_name": "(NOT i.is_anonymous AND i.reporter_name = '')",
    "reporter_phone": "(NOT i.is_anonymous AND i.reporter_phone = '')",
    "reporter_id_number": "(NOT i.is_anonymous AND i.reporter_id_number = '')",
}


@rule("INT-05")
def first_receiver_record_complete(rule: Rule, b: Bind, scope: Scope) -> str:
    fields = [f for f in _param(rule, "fields", []) if f in REQUIRED_FIELDS] or ["receiving_officer"]
    missing = " OR ".join(REQUIRED_FIELDS[f] for f in fields)
    return f"""
        SELECT i.id, NULL::bigint, i.bureau_id, i.unit_id, i.receiving_officer_id, 'breach', NULL::timestamptz, i.number
        FROM intake_incident i
        WHERE {scope.where("i", "incident")} AND i.received_at <= %(now)s AND ({missing})
    """


# --- Cases ---


def _steps(kind: str, scope: Scope, extra: str = "") -> str:
    """The FROM of a rule over steps of one kind, joined to their case."""
    return f"""
        FROM cases_step s JOIN cases_case c ON c.id = s.case_id
        WHERE {scope.where("c", "case")} AND s.kind = '{kind}' {extra}
    """


def _case_cols(detail: str = "COALESCE(NULLIF(s.person, ''), c.number)") -> str:
    return (
        f"c.incident_id, c.id AS case_id, c.bureau_id, c.unit_id, c.lead_officer_id AS officer_id, {detail} AS detail"
    )


@rule("CAS-01")
def summons_duration(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    extended = b(_param(rule, "extended_period", 24))
    admin_n = b(_param(rule, "admin_period", 8))
    admin_extended = b(_param(rule, "admin_extended_period", 24))
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start,
               CASE WHEN c.kind = 'administrative' THEN CASE WHEN s.extended THEN {admin_extended} ELSE {admin_n} END
                    ELSE CASE WHEN s.extended THEN {extended} ELSE {n} END END AS n,
               {unit} AS punit, {custody} AS custody, s.ended_at AS done
        {_steps("summons", scope)}
        """,
        rule,
        b,
    )


@rule("CAS-02")
def detainee_delivered(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    # Released before delivery is compliant too: LEAST ignores a missing time.
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start, {n} AS n, {unit} AS punit, {custody} AS custody,
               LEAST(s.delivered_at, s.ended_at) AS done
        {_steps("detention", scope)}
        """,
        rule,
        b,
    )


@rule("CAS-03")
def family_notified(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start, {n} AS n, {unit} AS punit, {custody} AS custody,
               s.family_notified_at AS done
        {_steps("detention", scope, "AND s.notice_exemption = ''")}
        """,
        rule,
        b,
    )


@rule("CAS-04")
def first_interrogation(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start, {n} AS n, {unit} AS punit, {custody} AS custody,
               (SELECT min(q.started_at) FROM cases_step q WHERE q.case_id = s.case_id AND q.kind = 'interrogation'
                  AND q.person = s.person AND q.started_at >= s.started_at) AS done
        {_steps("detention", scope)}
        """,
        rule,
        b,
    )


@rule("CAS-05")
def arrest_request(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    longest = b(_param(rule, "max_period", 30))
    # The approved period on the detention (3; +1 to 4 days; 30 for roving, serial or gang suspects);
    # a release (or a change of measure) before it ends the period as well as the request does.
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start,
               LEAST(COALESCE(s.approved_period, {n}), {longest}) AS n, {unit} AS punit, {custody} AS custody,
               LEAST(s.ended_at, (SELECT min(q.started_at) FROM cases_step q WHERE q.case_id = s.case_id
                  AND q.kind = 'arrest_request' AND q.person = s.person AND q.started_at >= s.started_at)) AS done
        {_steps("detention", scope)}
        """,
        rule,
        b,
    )


def _measure_expiry(kind: str, rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.started_at AS start, LEAST(COALESCE(s.approved_period, {n}), {n}) AS n,
               {unit} AS punit, {custody} AS custody, s.ended_at AS done
        {_steps(kind, scope)}
        """,
        rule,
        b,
    )


@rule("CAS-06")
def bail_expiry(rule: Rule, b: Bind, scope: Scope) -> str:
    return _measure_expiry("bail", rule, b, scope)


@rule("CAS-07")
def surveillance_expiry(rule: Rule, b: Bind, scope: Scope) -> str:
    return _measure_expiry("surveillance", rule, b, scope)


# The bureau's auxiliary officers, computed once per statement (an InitPlan), not per step.
AUXILIARIES = "(SELECT COALESCE(array_agg(u.id), '{}') FROM org_user u WHERE u.is_auxiliary)"


@rule("CAS-08")
def two_officers_present(rule: Rule, b: Bind, scope: Scope) -> str:
    least = b(_param(rule, "min_officers", 2))
    # Auxiliary officers (辅警) may assist but do not count: two sworn officers at least.
    return f"""
        SELECT c.incident_id, c.id, c.bureau_id, c.unit_id, c.lead_officer_id, 'breach', NULL::timestamptz,
               COALESCE(NULLIF(s.person, ''), c.number)
        FROM cases_step s JOIN cases_case c ON c.id = s.case_id
        WHERE {scope.where("c", "case")} AND s.kind IN ('interrogation', 'questioning') AND s.started_at <= %(now)s
          AND (cardinality(s.officers) < {least}
               OR (s.officers && {AUXILIARIES}
                   AND cardinality(s.officers) - cardinality(ARRAY(
                       SELECT unnest(s.officers) INTERSECT SELECT unnest({AUXILIARIES}))) < {least}))
    """


@rule("CAS-09")
def property_to_custody(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols("COALESCE(NULLIF(s.item, ''), c.number)")}, s.started_at AS start, {n} AS n,
               {unit} AS punit, {custody} AS custody, s.custody_at AS done
        {_steps("property", scope)}
        """,
        rule,
        b,
    )


@rule("CAS-10")
def property_disposed_after_closure(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols("COALESCE(NULLIF(s.item, ''), c.number)")}, c.closed_at AS start, {n} AS n,
               {unit} AS punit, {custody} AS custody, s.disposed_at AS done
        {_steps("property", scope, "AND c.closed_at IS NOT NULL")}
        """,
        rule,
        b,
    )


@rule("CAS-11")
def administrative_case_concluded(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    extension = b(_param(rule, "extension", 30))
    return _deadline(
        f"""
        SELECT c.incident_id, c.id AS case_id, c.bureau_id, c.unit_id, c.lead_officer_id AS officer_id,
               c.number AS detail, c.opened_at AS start,
               {n} + CASE WHEN c.extension_approved THEN {extension} ELSE 0 END AS n,
               {unit} AS punit, {custody} AS custody, c.closed_at AS done
        FROM cases_case c
        WHERE {scope.where("c", "case")} AND c.kind = 'administrative'
        """,
        rule,
        b,
    )


@rule("CAS-12")
def criminal_case_without_progress(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    # The period restarts with every step; only the wait since the latest one counts.
    return _deadline(
        f"""
        SELECT c.incident_id, c.id AS case_id, c.bureau_id, c.unit_id, c.lead_officer_id AS officer_id,
               c.number AS detail,
               GREATEST(c.opened_at, (SELECT max(q.started_at) FROM cases_step q
                                      WHERE q.case_id = c.id AND q.started_at <= %(now)s)) AS start,
               {n} AS n, {unit} AS punit, {custody} AS custody, c.closed_at AS done
        FROM cases_case c
        WHERE {scope.where("c", "case")} AND c.kind = 'criminal' AND (c.closed_at IS NULL OR c.closed_at > %(now)s)
        """,
        rule,
        b,
        late_breaks=False,
    )


@rule("CAS-13")
def withdrawal_approved(rule: Rule, b: Bind, scope: Scope) -> str:
    return f"""
        SELECT c.incident_id, c.id, c.bureau_id, c.unit_id, c.lead_officer_id, 'breach', NULL::timestamptz, c.number
        FROM cases_step s JOIN cases_case c ON c.id = s.case_id
        WHERE {scope.where("c", "case")} AND s.kind = 'withdrawal' AND s.started_at <= %(now)s
          AND (s.approved_by_id IS NULL OR s.approved_at IS NULL OR s.approved_at > %(now)s)
        UNION ALL
        SELECT c.incident_id, c.id, c.bureau_id, c.unit_id, c.lead_officer_id, 'breach', NULL::timestamptz, c.number
        FROM cases_case c
        WHERE {scope.where("c", "case")} AND c.status = 'withdrawn' AND c.closed_at <= %(now)s
          AND NOT EXISTS (SELECT 1 FROM cases_step s WHERE s.case_id = c.id AND s.kind = 'withdrawal')
    """


@rule("CAS-14")
def supervised_person_checked(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    # The wait since the latest check-in (or the start of the measure) while it runs.
    return _deadline(
        f"""
        SELECT {_case_cols()},
               GREATEST(s.started_at, (SELECT max(q.started_at) FROM cases_step q WHERE q.case_id = s.case_id
                        AND q.kind = 'check_in' AND q.person = s.person AND q.started_at <= %(now)s)) AS start,
               {n} AS n, {unit} AS punit, {custody} AS custody, s.ended_at AS done
        FROM cases_step s JOIN cases_case c ON c.id = s.case_id
        WHERE {scope.where("c", "case")} AND s.kind IN ('bail', 'surveillance')
        """,
        rule,
        b,
        late_breaks=False,
    )


@rule("CAS-15")
def step_review_waiting(rule: Rule, b: Bind, scope: Scope) -> str:
    n, unit, custody = _period(rule, b)
    return _deadline(
        f"""
        SELECT {_case_cols()}, s.created_at AS start, {n} AS n, {unit} AS punit, {custody} AS custody,
               s.reviewed_at AS done
        FROM cases_step s JOIN cases_case c ON c.id = s.case_id
        WHERE {scope.where("c", "case")} AND (s.reviewed_at IS NULL OR s.reviewed_at > %(now)s)
        """,
        rule,
        b,
        late_breaks=False,
    )


@rule("CAS-16")
def jurisdiction_negative_list(rule: Rule, b: Bind, scope: Scope) -> str:
    negative = b(_jsonb(_param(rule, "negative_list", {})))
    return f"""
        SELECT c.incident_id, c.id, c.bureau_id, c.unit_id, c.lead_officer_id, 'breach', NULL::timestamptz, c.number
        FROM cases_case c JOIN org_unit u ON u.id = c.unit_id
        WHERE {scope.where("c", "case")} AND c.opened_at <= %(now)s
          AND ({negative}::jsonb -> u.kind) @> to_jsonb(c.offence::text)
    """


def _jsonb(value):
    from psycopg.types.json import Jsonb

    return Jsonb(value)


def rule_sql(rule: Rule, scope: Scope) -> tuple[str, dict]:
    """The SELECT of one rule over a scope, with its parameters (prefixed by the rule's id)."""
    b = Bind(prefix=f"r{rule.pk}", due_function="cases_due_one" if scope.few_records else "cases_due")
    sql = RULES[rule.code](rule, b, scope)
    return sql, b.params


# --- The starting set (DESIGN §3), loaded by migration 0003; administrators edit them after. ---
# Parameters were checked against the texts cited in `basis`; they are defaults, not law.
DEFAULT_RULES: list[dict] = [
    {
        "code": "INT-01",
        "name": "行政案件受案审查超期",
        "basis": (
            "公安部《关于改革完善受案立案制度的意见》（2015）：行政"
            "案件受案审查期限原则上不超过24小时，疑难复杂案件不超过3日"
        ),
        "record_kind": "incident",
        "period": 24,
        "period_unit": "hours",
        "params": {"complex_period": 3, "complex_unit": "days"},
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "INT-02",
        "name": "刑事案件立案审查超期",
        "basis": (
            "公安部《关于改革完善受案立案制度的意见》（2015）；《公安机关办理刑事案"
            "件程序规定》第178条：一般3日，线索需查证7日，重大疑难复杂经批准30日"
        ),
        "record_kind": "incident",
        "period": 3,
        "period_unit": "days",
        "params": {"check_period": 7, "complex_period": 30},
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "INT-03",
        "name": "疑似不如实受立案（有案不立）",
        "basis": "本局执法监督实践：有损失金额的盗抢骗警情作非案件类处理；刑事类警情无立案决定",
        "record_kind": "incident",
        "period": None,
        "period_unit": "none",
        "params": {
            "min_amount": 1,
            "keywords": ["盗", "骗", "抢", "诈"],
            "criminal_without_filing": ["no_case", "mediated", "not_accepted"],
        },
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "INT-04",
        "name": "同一报警人重复报警未解决",
        "basis": "本局执法监督实践：同一报警人30日内就同类事项2次以上报警且未受立案",
        "record_kind": "incident",
        "period": None,
        "period_unit": "none",
        "params": {"window_days": 30, "min_reports": 2},
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "INT-05",
        "name": "首接责任登记不完整",
        "basis": "本局首接责任制：接报案登记必填项",
        "record_kind": "incident",
        "period": None,
        "period_unit": "none",
        "params": {"fields": ["receiving_officer", "location", "reporter_name", "reporter_phone"]},
        "breach_colour": "yellow",
        "severity": 3,
    },
    {
        "code": "CAS-01",
        "name": "传唤持续时间超限",
        "basis": "《刑事诉讼法》第119条：不得超过12小时，需拘留逮捕的不得超过24小时；《治安管理处罚法》询问查证时间",
        "record_kind": "case",
        "period": 12,
        "period_unit": "hours",
        "custody": True,
        "params": {"extended_period": 24, "admin_period": 8, "admin_extended_period": 24},
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-02",
        "name": "拘留后未及时送看守所羁押",
        "basis": "《刑事诉讼法》第85条：拘留后应当立即送看守所羁押，至迟不得超过24小时",
        "record_kind": "case",
        "period": 24,
        "period_unit": "hours",
        "custody": True,
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-03",
        "name": "拘留后未及时通知家属",
        "basis": "《刑事诉讼法》第85条：除无法通知等情形外，应当在拘留后24小时以内通知被拘留人的家属",
        "record_kind": "case",
        "period": 24,
        "period_unit": "hours",
        "custody": True,
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-04",
        "name": "拘留后未及时讯问",
        "basis": "《刑事诉讼法》第86条：对被拘留的人，应当在拘留后24小时以内进行讯问",
        "record_kind": "case",
        "period": 24,
        "period_unit": "hours",
        "custody": True,
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-05",
        "name": "提请批准逮捕超期",
        "basis": (
            "《刑事诉讼法》第91条：拘留后3日以内提请批准逮捕，特殊情况"
            "延长1至4日，流窜、多次、结伙作案的重大嫌疑分子延长至30日"
        ),
        "record_kind": "case",
        "period": 3,
        "period_unit": "days",
        "custody": True,
        "params": {"max_period": 30},
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-06",
        "name": "取保候审期满未处理",
        "basis": "《刑事诉讼法》第79条：取保候审最长不得超过12个月",
        "record_kind": "case",
        "period": 12,
        "period_unit": "months",
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-07",
        "name": "监视居住期满未处理",
        "basis": "《刑事诉讼法》第79条：监视居住最长不得超过6个月",
        "record_kind": "case",
        "period": 6,
        "period_unit": "months",
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-08",
        "name": "单人取证（讯问询问民警不足2人）",
        "basis": (
            "《刑事诉讼法》第118条：讯问由侦查人员负责，侦查人员不"
            "得少于2人；《公安机关办理行政案件程序规定》询问不少于2人"
        ),
        "record_kind": "case",
        "period": None,
        "period_unit": "none",
        "params": {"min_officers": 2},
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-09",
        "name": "涉案财物未及时移交保管",
        "basis": "公安部《公安机关涉案财物管理若干规定》（2015）：取得涉案财物后24小时内移交涉案财物管理人员",
        "record_kind": "case",
        "period": 24,
        "period_unit": "hours",
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-10",
        "name": "结案后涉案财物未处置（双清）",
        "basis": "公安部《公安机关涉案财物管理若干规定》（2015）；本局双清要求",
        "record_kind": "case",
        "period": 30,
        "period_unit": "days",
        "breach_colour": "red",
        "severity": 3,
    },
    {
        "code": "CAS-11",
        "name": "治安案件办理超期",
        "basis": "《治安管理处罚法》：办理治安案件期限自受理之日起不得超过30日，重大复杂经上一级公安机关批准可延长30日",
        "record_kind": "case",
        "period": 30,
        "period_unit": "days",
        "params": {"extension": 30},
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-12",
        "name": "刑事案件久侦不决",
        "basis": "本局执法监督实践：立案后6个月无任何办案进展",
        "record_kind": "case",
        "period": 6,
        "period_unit": "months",
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-13",
        "name": "撤案未经审批",
        "basis": "《公安机关办理刑事案件程序规定》第186条：撤销案件应当经县级以上公安机关负责人批准",
        "record_kind": "case",
        "period": None,
        "period_unit": "none",
        "breach_colour": "red",
        "severity": 1,
    },
    {
        "code": "CAS-14",
        "name": "取保候审、监视居住人员脱管",
        "basis": "本局执法监督实践：被取保候审、监视居住人应定期报到，超过30日未报到视为脱管",
        "record_kind": "case",
        "period": 30,
        "period_unit": "days",
        "breach_colour": "red",
        "severity": 2,
    },
    {
        "code": "CAS-15",
        "name": "办案环节领导审核超时",
        "basis": "本局执法监督实践：所队领导应在24小时内审核办案环节",
        "record_kind": "case",
        "period": 24,
        "period_unit": "hours",
        "breach_colour": "yellow",
        "severity": 3,
    },
    {
        "code": "CAS-16",
        "name": "超越层级管辖办案（负面清单）",
        "basis": "本局层级管辖规定：派出所不得办理命案、毒品、经济犯罪、网络犯罪案件",
        "record_kind": "case",
        "period": None,
        "period_unit": "none",
        "params": {"negative_list": {"station": ["homicide", "drugs", "economic", "cyber"]}},
        "breach_colour": "red",
        "severity": 2,
    },
]
