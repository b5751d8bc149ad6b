"""The records the access matrix (tests/access_matrix.py) probes: one user per role, and of each
kind of object one in scope (station A, the unit the officer, the unit leader and the stationed
legal officer see), one of another unit of the bureau (station B) and one of another bureau.

Built once per test module inside a transaction that is rolled back at its end; each test runs
in a savepoint of it, so what a POST changes is undone before the next test."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.tests.factories import make_case, make_step
from conftest import make_bureau
from inspections import services as inspections_services
from inspections.models import CommitteePeriod, DutyShift, InterferenceRecord, Notice, Outcome
from inspections.tests.factories import make_alert, make_finding, pdf
from intake import services as intake_services
from intake.models import ExtensionKind, ImportJob, ImportRowError
from intake.tests.factories import log_report
from org import notifications, reference
from org.models import LegalOfficerAssignment, Role, User
from org.tests.factories import AssignmentFactory, UserFactory
from reports import services as reports_services
from reports.models import BuildKind, BuildStatus, Metric, ReportBuild
from reports.seed import seed_metrics
from training import services as training_services
from training.models import Competition, Qualification, QualificationKind, TalentProfile
from training.tests.factories import QuestionFactory

# The roles of the matrix, in the order its table lists them.
SIGNED_IN = ("officer", "unit_leader", "legal_officer", "supervisor", "leadership", "admin")
ROLES = (*SIGNED_IN, "anonymous")
# Roles that see every unit of their bureau (org/scope.py).
BUREAU_WIDE = frozenset({"supervisor", "leadership", "admin"})

OWN, OTHER_UNIT, OTHER_BUREAU = "own", "other_unit", "other_bureau"
# Words that must never appear in what a user of station A only (officer, unit leader, the
# legal officer assigned to A) downloads: station B's and the other bureau's names.
OUT_OF_SCOPE_NAMES = ("城东派出所", "乙县")


@dataclass
class World:
    users: dict[str, User]
    # kind of object → scope → the object
    objects: dict[str, dict[str, Any]]
    # role → the session key of that user, signed in (with the second factor where required)
    sessions: dict[str, str] = field(default_factory=dict)
    # role → that user's own notification (the inbox is personal)
    notifications: dict[str, Any] = field(default_factory=dict)
    # anything a probe's data needs: ids of questions, a test, the report's year …
    extra: dict[str, Any] = field(default_factory=dict)


def build_world(media_root: Path) -> World:
    reference.ensure_all()
    seed_metrics(Metric)
    now = timezone.now()
    b = make_bureau()
    home = b.station_a.bureau
    foreign_unit = b.foreign_officer.unit
    foreign = foreign_unit.bureau
    # The fixture has the other bureau's supervisor; the records need its desk officer and leadership,
    # station B's leader, and legal officers stationed in station B and in the other bureau.
    foreign_desk = UserFactory(unit=foreign_unit, role=Role.OFFICER, name="乙县民警")
    foreign_leadership = UserFactory(unit=None, bureau=foreign, role=Role.LEADERSHIP, name="乙县局长")
    leader_b = UserFactory(unit=b.station_b, role=Role.UNIT_LEADER, name="城东所长")
    legal_b = UserFactory(unit=b.legal, role=Role.LEGAL_OFFICER, name="城东法制员")
    foreign_legal = UserFactory(unit=foreign_unit, role=Role.LEGAL_OFFICER, name="乙县法制员")
    assignments = {
        OWN: LegalOfficerAssignment.objects.get(officer=b.legal_officer),
        OTHER_UNIT: AssignmentFactory(officer=legal_b, unit=b.station_b),
        OTHER_BUREAU: AssignmentFactory(officer=foreign_legal, unit=foreign_unit),
    }

    users = {
        "officer": b.officer,
        "unit_leader": b.leader,
        "legal_officer": b.legal_officer,
        "supervisor": b.supervisor,
        "leadership": b.leadership,
        "admin": b.admin,
    }
    sessions = {role: _signed_in(user) for role, user in users.items()}

    # Per scope: the unit, its desk officer, its leader, an inspector who may inspect it.
    sides = {
        OWN: (b.station_a, b.officer, b.leader, b.legal_officer, b.supervisor),
        OTHER_UNIT: (b.station_b, b.other_officer, leader_b, b.supervisor, b.supervisor),
        OTHER_BUREAU: (foreign_unit, foreign_desk, None, b.foreign_officer, b.foreign_officer),
    }
    objects: dict[str, dict[str, Any]] = {}

    def put(kind: str, scope: str, obj: Any) -> Any:
        objects.setdefault(kind, {})[scope] = obj
        return obj

    for scope, (unit, desk, leader, inspector, supervisor) in sides.items():
        # --- org ---
        put("unit", scope, unit)
        put("user", scope, desk)
        put("assignment", scope, assignments[scope])
        # --- intake: a report to decide, another with a request for more time ---
        put("incident", scope, log_report(desk, summary="报警人称其电动车被盗。"))
        waiting = log_report(desk, summary="报警人称其手机被盗。")
        put(
            "extension",
            scope,
            intake_services.extension_request(
                incident=waiting, by=desk, kind=ExtensionKind.CRIMINAL_CHECK, reason="线索待核查"
            ),
        )
        # --- cases: a case with a step waiting for the leader's review, an open alert ---
        case = put("case", scope, make_case(desk, opened_at=now - timedelta(days=3)))
        put("step", scope, make_step(case, "search", started_at=now - timedelta(days=2), reviewed=False))
        put("alert", scope, make_alert(case))
        # --- inspections: a finding with evidence, its order, a decided accountability case ---
        finding = put("finding", scope, make_finding(inspector, unit=unit, files=[pdf("询问笔录.pdf")]))
        put("order", scope, finding.order)
        put("attachment", scope, finding.attachments.get())
        accountability = inspections_services.accountability_open(
            finding=finding, by=supervisor, summary="询问笔录未签名，承办民警负直接责任。"
        )
        # A points deduction, so that the points ledger has rows in every unit.
        accountability = inspections_services.accountability_decide(
            case=accountability,
            by=supervisor,
            decisions=[{"officer": desk, "outcome": Outcome.POINTS, "points": 2}],
        )
        put("accountability", scope, accountability)
        InterferenceRecord.objects.create(
            bureau_id=unit.bureau_id,
            unit=unit,
            recorded_by=desk,
            recorded_at=now,
            occurred_at=now - timedelta(days=1),
            who_name="某领导",
            who_kind="leader",
            method="phone",
            case=case,
            description=f"要求对{unit.name}的案件从轻处理。",
        )
        if leader is not None:
            DutyShift.objects.create(
                bureau_id=unit.bureau_id,
                unit=unit,
                leader=leader,
                starts_at=now - timedelta(days=2),
                ends_at=now - timedelta(days=1),
            )
        # --- training: a session for the unit, a spot test drawn in it with a running attempt ---
        put(
            "session",
            scope,
            training_services.session_create(
                bureau_id=unit.bureau_id,
                kind="weekly_study",
                topic=f"{unit.name}夜学",
                held_on=date.today() - timedelta(days=7),
                organiser=supervisor,
                unit_ids=[unit.pk],
            ),
        )
        put(
            "qualification",
            scope,
            Qualification.objects.create(
                bureau_id=unit.bureau_id,
                officer=desk,
                kind=QualificationKind.LEGAL_EXAM,
                obtained_on=date(2024, 11, 20),
                subjective_passed=True,
            ),
        )

    # Bureau-wide records (no unit): one of the bureau, one of the other bureau.
    for scope, bureau, supervisor, leadership, desk in (
        (OWN, home, b.supervisor, b.leadership, b.officer),
        (OTHER_BUREAU, foreign, b.foreign_officer, foreign_leadership, foreign_desk),
    ):
        job = put(
            "import_job",
            scope,
            ImportJob.objects.create(
                bureau=bureau, file_name="dispatch.csv", stored_path="", size=10, created_by=supervisor
            ),
        )
        ImportRowError.objects.create(
            bureau=bureau, job=job, row_number=2, dispatch_id="JJ-1", reason="身份证号校验位错误"
        )
        put(
            "committee",
            scope,
            CommitteePeriod.objects.create(
                bureau=bureau, label="2025-Q1", start=date(2025, 1, 1), end=date(2025, 3, 31), analysis={}
            ),
        )
        put("competition", scope, Competition.objects.create(bureau=bureau, title="法制比武", held_on=date(2025, 5, 1)))
        put(
            "guidance",
            scope,
            training_services.guidance_publish(
                bureau_id=bureau.pk,
                category="criminal",
                topic="盗窃",
                title="盗窃案件受立案指引",
                steps="一、询问报警人；二、固定证据。",
                by=supervisor,
            ),
        )
        put(
            "talent",
            scope,
            TalentProfile.objects.create(
                bureau=bureau, officer=desk, specialties="刑事诉讼", joined_on=date(2024, 1, 1)
            ),
        )
        # The annual report of last year, its figures computed once here (each page would otherwise).
        year = timezone.localdate().year - 1
        reports_services.figures_refresh_year(bureau_id=bureau.pk, year=year)
        report = put("report", scope, reports_services.report_create(by=leadership, year=year))
        docx = media_root / f"report-{bureau.code}.docx"
        docx.write_bytes(b"PK\x03\x04 not really a document")
        put(
            "build",
            scope,
            ReportBuild.objects.create(
                bureau=bureau,
                report=report,
                kind=BuildKind.DRAFT,
                status=BuildStatus.DONE,
                snapshot={},
                docx_path=str(docx),
                pdf_path=str(docx),
                finished_at=now,
            ),
        )
    # A notice of station B's case is the bureau's notice board (bureau-wide); the other bureau's too.
    for scope, case, supervisor in (
        (OWN, objects["accountability"][OTHER_UNIT], b.supervisor),
        (OTHER_BUREAU, objects["accountability"][OTHER_BUREAU], b.foreign_officer),
    ):
        put(
            "notice",
            scope,
            Notice.objects.create(
                bureau_id=case.bureau_id, case=case, title="通报", body="通报正文", issued_by=supervisor, issued_at=now
            ),
        )

    # Spot tests: a question bank per bureau; a test drawn in each unit, open, the unit's desk
    # officer in the middle of it.
    for scope, bureau in ((OWN, home), (OTHER_BUREAU, foreign)):
        put("question", scope, QuestionFactory.create_batch(3, bureau=bureau, topic="强制措施")[0])
    for scope, (unit, desk, _leader, _inspector, supervisor) in sides.items():
        test = training_services.spot_test_create(
            bureau_id=unit.bureau_id,
            title=f"{unit.name}法律知识抽测",
            rules=[{"topic": "强制措施", "count": 2}],
            held_on=date.today(),
            time_limit_minutes=24 * 60,
            by=supervisor,
        )
        training_services.spot_test_sample(test=test, unit_ids=[unit.pk], size=None, seed=1)
        training_services.spot_test_open(test=test)
        put("test", scope, test)
        put("attempt", scope, training_services.attempt_start(test=test, officer=desk))

    # Every user has a notification of their own; the other unit's and bureau's officers too.
    inbox = {}
    for user in (*users.values(), b.other_officer, foreign_desk):
        notifications.notify(recipients=[user], kind="decision", title="测试通知", bureau=user.bureau_id)
        inbox[user.pk] = user.notifications.get(title="测试通知")
    put("notification", OTHER_UNIT, inbox[b.other_officer.pk])
    put("notification", OTHER_BUREAU, inbox[foreign_desk.pk])

    metric = next(m for m in Metric.objects.filter(is_enabled=True).order_by("code") if _drillable(m))
    attempt = objects["attempt"][OWN]
    return World(
        users=users,
        objects=objects,
        sessions=sessions,
        notifications={role: inbox[user.pk] for role, user in users.items()},
        extra={
            "year": timezone.localdate().year - 1,
            "metric": metric.code,
            "question": attempt.question_ids[0],
            "test": objects["test"][OWN].pk,
            "finding_category": objects["finding"][OWN].category.code,
        },
    )


def _signed_in(user: User) -> str:
    """A session of `user`, as after the login form and, for the roles that need it, the second
    factor (as the root conftest's force_login does); each test of the matrix reuses it."""
    client = Client()
    client.force_login(user)
    if user.role in settings.PORTAL_TWO_FACTOR_ROLES:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _drillable(metric: Metric) -> bool:
    from reports.selectors import metric_for_drill

    try:
        metric_for_drill(metric.code)
    except Metric.DoesNotExist:
        return False
    return True
