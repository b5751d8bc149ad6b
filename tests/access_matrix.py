"""The access-control matrix (等保三级 访问控制): every named route of the URL conf, what to send
it, and the answer each role must get for an object in its scope and for one outside it.

How to read an entry
--------------------
`page(...)`, `api(...)` or `public(...)` says who answers an anonymous visitor: a page sends
them to the login page, the API answers 401, a public route is listed with its own answer.
Each `GET(...)` / `POST(...)` is one probe; its first argument gives the answer of each
signed-in role for the page, or for the object *in* the role's scope (station A's, which the
officer, the unit leader and the legal officer assigned to A all see). Answers out of scope
are derived, so the table stays readable:

- the other unit's object (station B): supervisors, leadership and administrators see the
  whole bureau and get the in-scope answer; the others get 404;
- the other bureau's object: every role gets 404;
- except that a role the view refuses *before* looking the object up keeps its 403 (the
  route's `lookup_first=False`, the default for pages); where the object is looked up first
  (`lookup_first=True`, the default for the API, whose actions call get_object() first) an
  object out of scope is 404 for every role. `out={...}` overrides the derived answer.

A visitor who is not signed in has no scope: anonymous is probed once per probe.

Answers: 200/201/204, 302 (a redirect after success, never to a login page), 400 (the request
passed the permission check and the object was in scope; its data or the object's state was
refused), 403, 404, and redirects: `LOGIN` (to the login page, with ?next=), `LOGGED_OUT`,
`ADMIN_LOGIN`, `OTP_SETUP`.

A new route without an entry here fails test_every_route_has_a_matrix_entry, naming it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.access_world import BUREAU_WIDE, OTHER_BUREAU, OTHER_UNIT, OWN, ROLES, SIGNED_IN, World


@dataclass(frozen=True)
class Redirect:
    """A 302 whose Location starts with `to`."""

    to: str

    def __repr__(self) -> str:
        return f"302→{self.to}"


LOGIN = Redirect("/login/?next=")
LOGGED_OUT = Redirect("/login/")
ADMIN_LOGIN = Redirect("/admin/login/")
OTP_SETUP = Redirect("/login/otp/setup/")

Expect = int | Redirect


def allowed(answer: Expect) -> bool:
    """The request got past the permission check (whatever became of its data)."""
    return isinstance(answer, int) and answer not in (401, 403, 404)


@dataclass(frozen=True)
class Probe:
    method: str
    expect: Mapping[str, Expect]
    # POST data: a dict, or a function of the world (ids, dates)
    data: Mapping[str, Any] | Callable[[World], Mapping[str, Any]] | None = None
    query: str = ""
    name: str = ""
    # answers out of scope, per role, where the derived ones do not hold
    out: Mapping[str, Expect] | None = None
    # what a download records as its security event (org.security.record_export)
    export: str | None = None
    # the kind of object in the URL, where not the route's; fixed URL arguments
    obj: str | None = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    probes: tuple[Probe, ...]
    anonymous: Expect
    obj: str | None = None
    lookup_first: bool = False
    api: bool = False


def answers(default: Expect, **roles: Expect) -> dict[str, Expect]:
    """Every signed-in role's answer: `default`, unless named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"no such role: {unknown}"
    table = {role: roles.get(role, default) for role in SIGNED_IN}
    if "anonymous" in roles:
        table["anonymous"] = roles["anonymous"]
    return table


def only(answer: Expect, *roles: str, otherwise: Expect = 403) -> dict[str, Expect]:
    """`answer` for the roles named, `otherwise` (403) for the rest."""
    assert set(roles) <= set(SIGNED_IN), roles
    return {role: answer if role in roles else otherwise for role in SIGNED_IN}


def GET(expect: Mapping[str, Expect], **options: Any) -> Probe:  # noqa: N802 - reads like the HTTP method
    return Probe("GET", expect, **options)


def POST(expect: Mapping[str, Expect], **options: Any) -> Probe:  # noqa: N802
    return Probe("POST", expect, **options)


def page(*probes: Probe, obj: str | None = None, lookup_first: bool = False) -> Route:
    return Route(probes=probes, anonymous=LOGIN, obj=obj, lookup_first=lookup_first)


def api(*probes: Probe, obj: str | None = None, lookup_first: bool = True) -> Route:
    return Route(probes=probes, anonymous=401, obj=obj, lookup_first=lookup_first, api=True)


def public(*probes: Probe) -> Route:
    for probe in probes:
        assert "anonymous" in probe.expect, "a public route states the anonymous answer"
    return Route(probes=probes, anonymous=probes[0].expect["anonymous"])


# --- The objects in URLs, and the scopes each is probed in -------------------------------------

UNIT_SCOPES = (OWN, OTHER_UNIT, OTHER_BUREAU)
BUREAU_SCOPES = (OWN, OTHER_BUREAU)  # records of the bureau as a whole (no unit)
SHARED = (OWN,)  # reference data every bureau shares: nothing is out of scope


def _pk(kind: str) -> Callable[[World, str, str], dict]:
    return lambda world, scope, role: {"pk": world.objects[kind][scope].pk}


def _notification(world: World, scope: str, role: str) -> dict:
    if scope == OWN:
        return {"pk": world.notifications.get(role, world.notifications["officer"]).pk}
    return {"pk": world.objects["notification"][scope].pk}


@dataclass(frozen=True)
class ObjectKind:
    scopes: tuple[str, ...]
    kwargs: Callable[[World, str, str], dict]


OBJECTS: dict[str, ObjectKind] = {
    **{
        kind: ObjectKind(UNIT_SCOPES, _pk(kind))
        for kind in (
            "unit",
            "user",
            "assignment",
            "incident",
            "extension",
            "case",
            "alert",
            "finding",
            "order",
            "attachment",
            "accountability",
            "session",
            "test",
            "attempt",
            "qualification",
        )
    },
    **{
        kind: ObjectKind(BUREAU_SCOPES, _pk(kind))
        for kind in ("import_job", "committee", "competition", "guidance", "notice", "report", "talent", "question")
    },
    "step": ObjectKind(
        UNIT_SCOPES, lambda w, s, r: {"pk": w.objects["case"][s].pk, "step_pk": w.objects["step"][s].pk}
    ),
    "build": ObjectKind(
        BUREAU_SCOPES, lambda w, s, r: {"pk": w.objects["report"][s].pk, "build_pk": w.objects["build"][s].pk}
    ),
    # Personal: one's own notification, or another officer's (of the other unit, of the other bureau).
    "notification": ObjectKind(UNIT_SCOPES, _notification),
    "metric": ObjectKind(SHARED, lambda w, s, r: {"code": w.extra["metric"]}),
    "rule": ObjectKind(SHARED, lambda w, s, r: {"code": "CAS-08"}),
}


def _later(days: int, *, local: bool = False) -> str:
    """A moment `days` from now: ISO 8601 for the API, as typed in a form with `local`."""
    moment = timezone.now() + timedelta(days=days)
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if local else moment.isoformat()


def _finding_data(world: World) -> dict:
    return {
        "unit": "PA",
        "category": world.extra["finding_category"],
        "source": "case_file",
        "description": "案卷中询问笔录未签名。",
        "occurred_at": _later(-1),
        "due_at": _later(10),
    }


# --- Who may do what ------------------------------------------------------------------------

EVERYONE = answers(200)
UNIT_ROLES = ("officer", "unit_leader")  # the unit that holds the record: its desk and its leader
REVIEWERS = ("legal_officer", "supervisor", "admin")  # review alerts, record findings (inspections)
SUPERVISION = ("supervisor", "admin")  # legal supervisors (and the administrator)
BUREAU_READERS = ("supervisor", "leadership", "admin")  # dashboard, annual report, the committee
NOT_OFFICER = answers(200, officer=403)  # metrics, results, evaluations: all but the station officer

# The history page, probed with a record of each app but reports (every label registered in
# org.audit shares the page and its role check; the scope is each app's own selector).
HISTORY = only(200, "legal_officer", "supervisor", "leadership", "admin")
HISTORY_LABELS = {
    "intake.incident": "incident",
    "cases.case": "case",
    "inspections.finding": "finding",
    "training.attempt": "attempt",
    "org.user": "user",
}


def xlsx(expect: Mapping[str, Expect], what: str, query: str = "format=xlsx") -> Probe:
    return GET(expect, query=query, name="xlsx", export=what)


MATRIX: dict[str, Route] = {
    # --- Site: login, two factors, password, health, the admin site's door ---
    # The legal officer lands on the review queue, leadership on the dashboard.
    "home": page(GET(answers(200, legal_officer=Redirect("/cases/alerts/"), leadership=Redirect("/reports/")))),
    # A signed-in user is sent on to the home page.
    "login": public(GET(answers(302, anonymous=200))),
    "logout": public(POST(answers(LOGGED_OUT, anonymous=LOGGED_OUT))),
    # Roles without a second factor are offered to set one up; the others enter their code.
    "otp_verify": page(GET(answers(200, officer=OTP_SETUP, unit_leader=OTP_SETUP, legal_officer=OTP_SETUP))),
    "otp_setup": page(GET(EVERYONE)),
    "password_change": page(GET(EVERYONE)),
    "password_change_done": page(GET(EVERYONE)),
    "healthz": public(GET(answers(200, anonymous=200))),
    "admin:index": public(GET(answers(ADMIN_LOGIN, admin=200, anonymous=ADMIN_LOGIN))),
    "schema": api(GET(EVERYONE)),
    "api-docs": api(GET(EVERYONE)),
    # --- org ---
    "org:api_tokens": page(GET(EVERYONE)),
    "org:api_token_issue": page(POST(answers(302))),
    "org:api_token_revoke": page(POST(answers(302))),
    "org:officers": page(GET(EVERYONE)),
    "org:units": page(GET(EVERYONE)),
    "org:assignments": page(GET(EVERYONE)),
    "org:inbox": page(GET(EVERYONE)),
    "org:inbox_read_all": page(POST(answers(302))),
    # Marks only the user's own notification read: another's id changes nothing, same redirect.
    "org:inbox_read": page(POST(answers(302), out=answers(302)), obj="notification"),
    "org:history": page(
        *(GET(HISTORY, obj=kind, kwargs={"label": label}, name=label) for label, kind in HISTORY_LABELS.items())
    ),
    "org:audit": page(GET(only(200, *SUPERVISION))),
    # --- training ---
    "training:home": page(GET(EVERYONE)),
    "training:reminders_read": page(POST(answers(302))),
    "training:sessions": page(GET(EVERYONE)),
    # An empty form comes back with its errors (200): the POST got past the permission check.
    "training:session_new": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION))),
    # Attendance is taken by managers; another role's POST is ignored and the page shown.
    "training:session": page(
        GET(EVERYONE), POST(answers(200, supervisor=302, admin=302)), obj="session", lookup_first=True
    ),
    "training:session_import": page(POST(only(302, *SUPERVISION)), obj="session"),
    "training:questions": page(GET(only(200, *SUPERVISION))),
    "training:question_import": page(POST(only(302, *SUPERVISION))),
    "training:question_retire": page(POST(only(302, *SUPERVISION)), obj="question"),
    "training:question_template": page(GET(only(200, *SUPERVISION))),
    # An officer is sent to the training home (their own results are there).
    "training:tests": page(GET(answers(200, officer=302))),
    "training:test_new": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION))),
    "training:test": page(GET(NOT_OFFICER), obj="test"),
    "training:test_sample": page(POST(only(302, *SUPERVISION)), obj="test"),
    "training:test_export": page(GET(NOT_OFFICER, export="training.test_results"), obj="test"),
    # Only an officer drawn for the test may take it (the officer has started; the leader has not).
    "training:take": page(
        GET(only(200, *UNIT_ROLES, otherwise=404)),
        POST(only(302, *UNIT_ROLES, otherwise=404)),
        obj="test",
        lookup_first=True,
    ),
    "training:test_transition": page(POST(only(302, *SUPERVISION), kwargs={"action": "close"}), obj="test"),
    # The officer's own running attempt sends them back to it; readers of results see it.
    "training:attempt": page(GET(answers(200, officer=302)), obj="attempt", lookup_first=True),
    # The test page's fetch(): a visitor not signed in (a session that ended) gets 401 JSON
    # telling them to sign in again, not the login page's HTML.
    "training:answer": Route(
        probes=(
            POST(only(200, "officer", otherwise=404), data=lambda w: {"question": w.extra["question"], "choice": "A"}),
        ),
        anonymous=401,
        obj="attempt",
        lookup_first=True,
    ),
    "training:submit": page(POST(only(302, "officer", otherwise=404)), obj="attempt", lookup_first=True),
    "training:qualifications": page(
        GET(NOT_OFFICER),
        xlsx(NOT_OFFICER, "training.qualifications", query="export=xlsx"),
        POST(NOT_OFFICER),
    ),
    "training:reminders_handle": page(POST(only(302, *SUPERVISION))),
    "training:officer": page(GET(NOT_OFFICER), obj="user"),
    "training:competitions": page(GET(EVERYONE), POST(only(200, *SUPERVISION))),
    "training:competition": page(GET(EVERYONE), obj="competition"),
    "training:competition_edit": page(POST(only(200, *SUPERVISION), kwargs={"part": "score"}), obj="competition"),
    "training:case_reviews": page(GET(NOT_OFFICER), POST(NOT_OFFICER)),
    "training:talent": page(GET(EVERYONE)),
    "training:talent_new": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION))),
    "training:talent_edit": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION)), obj="talent"),
    "training:talent_remove": page(POST(only(302, *SUPERVISION)), obj="talent"),
    "training:guidance": page(GET(EVERYONE)),
    "training:guidance_new": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION))),
    "training:guidance_entry": page(GET(EVERYONE), obj="guidance"),
    "training:guidance_card": page(GET(EVERYONE, kwargs={"category": "criminal"})),
    "training:statistics": page(GET(NOT_OFFICER), xlsx(NOT_OFFICER, "training.statistics", query="export=xlsx")),
    # --- intake ---
    "intake:list": page(GET(EVERYONE)),
    "intake:export": page(GET(EVERYONE, export="intake.incidents")),
    "intake:create": page(GET(only(200, *UNIT_ROLES)), POST(only(200, *UNIT_ROLES))),
    "intake:detail": page(GET(EVERYONE), obj="incident"),
    "intake:decide": page(
        POST(only(302, *UNIT_ROLES), data={"disposition": "filed"}), obj="incident", lookup_first=True
    ),
    "intake:correct": page(
        GET(only(200, *UNIT_ROLES)), POST(only(200, *UNIT_ROLES)), obj="incident", lookup_first=True
    ),
    "intake:extension": page(
        POST(only(302, *UNIT_ROLES), data={"kind": "criminal_check", "reason": "线索待核查"}),
        obj="incident",
        lookup_first=True,
    ),
    "intake:approvals": page(GET(EVERYONE)),
    "intake:extension_decide": page(
        POST(only(302, "unit_leader"), data={"decision": "approve"}), obj="extension", lookup_first=True
    ),
    "intake:import": page(GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION))),
    "intake:import_job": page(GET(only(200, *SUPERVISION)), obj="import_job"),
    "intake:import_errors": page(GET(only(200, *SUPERVISION), export="intake.import_errors"), obj="import_job"),
    # --- cases ---
    "cases:list": page(GET(EVERYONE)),
    "cases:detail": page(GET(EVERYONE), obj="case"),
    "cases:step_create": page(POST(only(302, *UNIT_ROLES)), obj="case", lookup_first=True),
    "cases:step_review": page(POST(only(302, "unit_leader")), obj="step", lookup_first=True),
    "cases:queue": page(GET(only(200, *REVIEWERS))),
    "cases:alert_bulk": page(POST(only(302, *REVIEWERS))),
    "cases:alert": page(GET(EVERYONE), obj="alert"),
    "cases:alert_confirm": page(POST(only(302, *REVIEWERS)), obj="alert", lookup_first=True),
    "cases:alert_dismiss": page(POST(only(302, *REVIEWERS), data={"note": "误报"}), obj="alert", lookup_first=True),
    "cases:runs": page(GET(only(200, *REVIEWERS))),
    # --- inspections ---
    "inspections:list": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.findings")),
    "inspections:create": page(GET(only(200, *REVIEWERS)), POST(only(200, *REVIEWERS))),
    "inspections:detail": page(GET(EVERYONE), obj="finding"),
    # The rectification loop's buttons: a refusal comes back as a message on the finding (302).
    "inspections:answer": page(POST(answers(302), data={"text": "已整改"}), obj="finding", lookup_first=True),
    "inspections:return": page(
        POST(answers(302), data=lambda w: {"reason": "整改不到位", "due_at": _later(7, local=True)}),
        obj="finding",
        lookup_first=True,
    ),
    "inspections:verify": page(POST(answers(302)), obj="finding", lookup_first=True),
    "inspections:close": page(POST(answers(302)), obj="finding", lookup_first=True),
    "inspections:exclude": page(POST(answers(302), data={"reason": "轻微瑕疵"}), obj="finding", lookup_first=True),
    "inspections:accountability_open": page(
        GET(only(200, *SUPERVISION)), POST(only(200, *SUPERVISION)), obj="finding", lookup_first=True
    ),
    "inspections:attachment": page(GET(EVERYONE, export="inspections.attachment"), obj="attachment"),
    "inspections:orders": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.orders")),
    "inspections:units": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.units")),
    "inspections:accountability": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.accountability")),
    # An officer sees the cases that name them (the in-scope case names the officer).
    "inspections:accountability_detail": page(GET(EVERYONE), obj="accountability"),
    "inspections:notice_issue": page(
        POST(answers(302), data={"title": "通报", "body": "通报正文"}), obj="accountability", lookup_first=True
    ),
    "inspections:notices": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.notices")),
    "inspections:notice": page(GET(EVERYONE), obj="notice"),
    "inspections:points": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.points")),
    # An officer's ledger lines, scoped like the standings (the unit's desk officer has a deduction).
    "inspections:points_ledger": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.points_ledger"), obj="user"),
    "inspections:interference": page(GET(EVERYONE), xlsx(EVERYONE, "inspections.interference")),
    "inspections:interference_create": page(GET(EVERYONE), POST(EVERYONE)),
    "inspections:roster": page(
        GET(NOT_OFFICER), POST(only(200, *SUPERVISION)), xlsx(NOT_OFFICER, "inspections.roster")
    ),
    "inspections:evaluation": page(GET(NOT_OFFICER), xlsx(NOT_OFFICER, "inspections.evaluation")),
    "inspections:committee": page(
        GET(only(200, *BUREAU_READERS)),
        POST(only(302, *SUPERVISION), data={"period": "2025-Q1"}),
        xlsx(only(200, *BUREAU_READERS), "inspections.committee"),
    ),
    # Leadership reads the committee's work; a POST of theirs is ignored and the page shown.
    "inspections:committee_detail": page(
        GET(only(200, *BUREAU_READERS)), POST(only(200, *BUREAU_READERS)), obj="committee"
    ),
    # --- reports ---
    # The dashboard (and its recompute button) is leadership's alone.
    "reports:dashboard": page(
        GET(only(200, "leadership")),
        *(
            GET(only(200, "leadership"), query=f"export={table}", name=table, export="reports.dashboard")
            for table in ("metrics", "colours", "training", "alerts", "ranking")
        ),
    ),
    "reports:refresh": page(POST(only(302, "leadership"))),
    "reports:metrics": page(GET(NOT_OFFICER), xlsx(NOT_OFFICER, "reports.metrics", query="export=xlsx")),
    "reports:records": page(GET(NOT_OFFICER), xlsx(NOT_OFFICER, "reports.records", query="export=xlsx"), obj="metric"),
    # Supervisors read the annual report; leadership (and the administrator) write it. The
    # write routes look the report up before the service refuses a supervisor.
    "reports:annual_list": page(
        GET(only(200, *BUREAU_READERS)),
        POST(only(302, "leadership", "admin"), data=lambda w: {"year": w.extra["year"] - 1}),
    ),
    "reports:annual_edit": page(GET(only(200, *BUREAU_READERS)), obj="report"),
    "reports:annual_autosave": page(POST(only(200, "leadership", "admin"), out={"supervisor": 404}), obj="report"),
    "reports:annual_preview": page(GET(only(200, *BUREAU_READERS)), obj="report"),
    "reports:annual_publish": page(POST(only(302, "leadership", "admin"), out={"supervisor": 404}), obj="report"),
    "reports:annual_build": page(POST(only(302, "leadership", "admin"), out={"supervisor": 404}), obj="report"),
    "reports:annual_versions": page(GET(only(200, *BUREAU_READERS)), obj="report"),
    "reports:build_status": page(GET(only(200, *BUREAU_READERS)), obj="build"),
    "reports:build_download": page(
        GET(only(200, *BUREAU_READERS), kwargs={"fmt": "docx"}, export="reports.annual_report"), obj="build"
    ),
    # --- REST API (/api/v1/) ---
    "v1:api-root": api(GET(EVERYONE)),
    "v1:me": api(GET(EVERYONE)),
    "v1:unit-list": api(GET(EVERYONE)),
    "v1:unit-detail": api(GET(EVERYONE), obj="unit"),
    "v1:officer-list": api(GET(EVERYONE)),
    "v1:officer-detail": api(GET(EVERYONE), obj="user"),
    "v1:assignment-list": api(GET(EVERYONE)),
    "v1:assignment-detail": api(GET(EVERYONE), obj="assignment"),
    "v1:training-session-list": api(GET(EVERYONE)),
    "v1:training-session-detail": api(GET(EVERYONE), obj="session"),
    "v1:training-test-list": api(GET(EVERYONE)),
    "v1:training-test-detail": api(GET(EVERYONE), obj="test"),
    # Attempts are one's own: start one of a test one was drawn for (the officer's resumes).
    "v1:training-attempt-list": api(
        GET(EVERYONE), POST(only(201, *UNIT_ROLES, otherwise=404), data=lambda w: {"test": w.extra["test"]})
    ),
    "v1:training-attempt-detail": api(GET(only(200, "officer", otherwise=404)), obj="attempt"),
    "v1:training-attempt-answers": api(
        POST(only(204, "officer", otherwise=404), data=lambda w: {"question": w.extra["question"], "choice": "A"}),
        obj="attempt",
    ),
    "v1:training-attempt-submit": api(POST(only(200, "officer", otherwise=404)), obj="attempt"),
    "v1:training-qualification-list": api(GET(EVERYONE)),
    "v1:training-qualification-detail": api(GET(EVERYONE), obj="qualification"),
    "v1:training-guidance-list": api(GET(EVERYONE)),
    "v1:training-guidance-detail": api(GET(EVERYONE), obj="guidance"),
    # Who may not log a report is refused before the data is looked at (an empty POST).
    "v1:incident-list": api(GET(EVERYONE), POST(only(400, *UNIT_ROLES), name="empty")),
    "v1:incident-detail": api(GET(EVERYONE), obj="incident"),
    "v1:incident-corrections": api(
        POST(only(200, *UNIT_ROLES), data={"reason": "报警人补充了准确地址", "location": "人民路88号"}), obj="incident"
    ),
    "v1:incident-decision": api(POST(only(200, *UNIT_ROLES), data={"disposition": "filed"}), obj="incident"),
    "v1:incident-extension-requests": api(
        POST(only(201, *UNIT_ROLES), data={"kind": "criminal_check", "reason": "线索待核查"}), obj="incident"
    ),
    # The reporter in full, to whoever sees the report (each reveal is a security event).
    "v1:incident-reporter": api(GET(EVERYONE), obj="incident"),
    "v1:incident-versions": api(GET(EVERYONE), obj="incident"),
    "v1:extension-request-list": api(GET(EVERYONE)),
    "v1:extension-request-detail": api(GET(EVERYONE), obj="extension"),
    "v1:extension-request-decide": api(POST(only(200, "unit_leader"), data={"approve": True}), obj="extension"),
    "v1:finding-list": api(
        GET(EVERYONE),
        POST(only(201, *REVIEWERS), data=_finding_data),
        POST(only(400, *REVIEWERS), name="empty"),
    ),
    "v1:finding-detail": api(GET(EVERYONE), obj="finding"),
    "v1:rectification-order-list": api(GET(EVERYONE)),
    "v1:rectification-order-detail": api(GET(EVERYONE), obj="order"),
    "v1:rectification-order-answer": api(POST(only(200, *UNIT_ROLES), data={"text": "已整改"}), obj="order"),
    # The order is still waiting for the unit's answer: its checkers get past the permission
    # check and are told so (400); the unit itself and leadership may not check it (403).
    "v1:rectification-order-send-back": api(
        POST(only(400, *REVIEWERS), data=lambda w: {"reason": "整改不到位", "due_at": _later(7)}), obj="order"
    ),
    "v1:rectification-order-verify": api(POST(only(400, *REVIEWERS)), obj="order"),
    "v1:rectification-order-close": api(POST(only(400, *REVIEWERS)), obj="order"),
    "v1:accountability-case-list": api(GET(EVERYONE)),
    "v1:accountability-case-detail": api(GET(EVERYONE), obj="accountability"),
    "v1:duty-evaluation-list": api(GET(NOT_OFFICER)),
    "v1:case-list": api(GET(EVERYONE)),
    "v1:case-detail": api(GET(EVERYONE), obj="case"),
    "v1:case-steps": api(
        POST(only(201, *UNIT_ROLES), data=lambda w: {"kind": "search", "started_at": _later(-1)}), obj="case"
    ),
    "v1:alert-list": api(GET(EVERYONE)),
    "v1:alert-detail": api(GET(EVERYONE), obj="alert"),
    "v1:alert-confirm": api(POST(only(200, *REVIEWERS)), obj="alert"),
    "v1:alert-dismiss": api(POST(only(200, *REVIEWERS), data={"note": "误报"}), obj="alert"),
    "v1:rule-list": api(GET(EVERYONE)),
    "v1:rule-detail": api(GET(EVERYONE), obj="rule"),
    # Metrics and annual reports refuse the role before looking anything up.
    "v1:metric-list": api(GET(NOT_OFFICER)),
    "v1:metric-values": api(GET(NOT_OFFICER)),
    "v1:metric-detail": api(GET(NOT_OFFICER), obj="metric", lookup_first=False),
    "v1:annual-report-list": api(GET(only(200, *BUREAU_READERS))),
    "v1:annual-report-detail": api(GET(only(200, *BUREAU_READERS)), obj="report", lookup_first=False),
}

# Routes the matrix does not probe, each with the reason. An entry ending in ":*" covers a
# namespace; test_every_route_has_a_matrix_entry checks that each entry still matches a route.
SKIPPED: dict[str, str] = {
    "admin:*": (
        "Django's admin site beyond its index: staff only, guarded as a whole by admin_view "
        "(the index entry above proves the door); its per-model pages change with every "
        "registered model and are Django's own code"
    ),
    "set_language": "django.conf.urls.i18n: sets the language cookie for anyone, touches no record",
}
# Not in the URL conf at all, so not listed above: static files (served by whitenoise's
# middleware, not a route), and the DRF format-suffix variants (`.json`), which share the
# name and the view of the route they suffix.


def expected(route: Route, probe: Probe, role: str, scope: str) -> Expect:
    """The answer `role` must get from `probe` for the object of `scope` (or the page)."""
    if role == "anonymous":
        return probe.expect.get("anonymous", route.anonymous)
    answer = probe.expect[role]
    if scope == OWN or scope == "-":
        return answer
    if probe.out and role in probe.out:
        return probe.out[role]
    if scope == OTHER_UNIT and role in BUREAU_WIDE:
        return answer
    assert scope in (OTHER_UNIT, OTHER_BUREAU), scope
    if allowed(answer) or route.lookup_first:
        return 404
    return answer


def cases() -> list[tuple[str, int, str, str]]:
    """(route name, probe index, role, scope) for every cell of the matrix."""
    cells = []
    for name, route in MATRIX.items():
        for index, probe in enumerate(route.probes):
            kind = probe.obj or route.obj
            scopes = OBJECTS[kind].scopes if kind else ("-",)
            for role in ROLES:
                # A visitor who is not signed in has no scope: one probe is enough.
                for scope in scopes[:1] if role == "anonymous" else scopes:
                    cells.append((name, index, role, scope))
    return cells


def case_id(cell: tuple[str, int, str, str]) -> str:
    name, index, role, scope = cell
    probe = MATRIX[name].probes[index]
    label = f"{name}[{probe.name}]" if probe.name else name
    return f"{label}-{probe.method}-{role}-{scope}"
