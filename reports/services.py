"""Every write of the reports app: the refresh of the stored figures, and the annual report's
life: create, autosave with versions, publish (frozen with its data snapshot), build files."""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from org.errors import Conflict
from org.models import Bureau, User
from org.versioning import check_version
from reports import texts
from reports.document import compose, plain_text
from reports.figures import compute_figures, findings_for_year, unknown_placeholders
from reports.formulas import FORMULAS, Window
from reports.models import (
    EDITABLE_FIELDS,
    AggregateRun,
    AnnualReport,
    BuildKind,
    BuildStatus,
    Metric,
    ReportBuild,
    ReportRevision,
    ReportStatus,
)
from reports.pdf_writer import FontMissing
from reports.periods import add_months
from reports.permissions import can_edit_reports

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(namespace, bureau): two refreshes of one bureau never overlap.
LOCK_NAMESPACE = 7007
# 2: section 二 lists the findings by category with examples (1: before inspections landed).
SNAPSHOT_FORMAT = 2
INSERT_FIGURES = (
    "INSERT INTO reports_monthlyfigure (bureau_id, metric_id, unit_id, month, numerator, denominator) "
    'SELECT %s, %s, f."u", f."m"::date, f."num", f."den" FROM ({formula}) f WHERE f."u" IS NOT NULL'
)
REVISION_MERGE = timedelta(minutes=5)
REPORT_STALE = gettext_lazy(
    "Someone else saved this report meanwhile (now version %(version)s). Your text stays in the editor but is "
    "no longer saved: copy it, reload the page and make your changes again."
)

# --- The stored monthly figures ----------------------------------------------------------


def figures_refresh(*, bureau_id: int, start: date, end: date, trigger: str = "nightly") -> AggregateRun:
    """Recompute every enabled metric for the bureau's months [start, end), set-based: one
    INSERT … SELECT … GROUP BY unit, month per metric, in one transaction with the DELETE of
    the old rows, so readers see the old figures or the new ones, never half. Re-runnable."""
    started = timezone.now()
    start, end = start.replace(day=1), end.replace(day=1) if end.day == 1 else add_months(end.replace(day=1), 1)
    rows = 0
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, bureau_id])
            cursor.execute(
                "DELETE FROM reports_monthlyfigure WHERE bureau_id = %s AND month >= %s AND month < %s",
                [bureau_id, start, end],
            )
            for metric in Metric.objects.filter(is_enabled=True):
                formula = FORMULAS.get(metric.formula)
                if formula is None or not formula.available:
                    continue
                window = Window(bureau_id=bureau_id, start=start, end=end, params=metric.parameters, now=started)
                sql, params = formula.aggregate_sql(window)
                # The inner SQL is the formula's own, compiled by the ORM; values travel as parameters.
                cursor.execute(INSERT_FIGURES.format(formula=sql), [bureau_id, metric.pk, *params])
                rows += cursor.rowcount
        run = AggregateRun.objects.create(
            bureau_id=bureau_id,
            start=start,
            end=end,
            started_at=started,
            finished_at=timezone.now(),
            rows=rows,
            trigger=trigger,
        )
    return run


def figures_refresh_year(*, bureau_id: int, year: int, trigger: str = "on_demand") -> AggregateRun:
    return figures_refresh(bureau_id=bureau_id, start=date(year, 1, 1), end=date(year + 1, 1, 1), trigger=trigger)


def figures_refresh_nightly(*, today: date | None = None) -> int:
    """Each bureau's current year; in January the year just ended as well (late decisions)."""
    today = today or timezone.localdate()
    runs = 0
    for bureau_id in Bureau.objects.values_list("pk", flat=True):
        start = date(today.year - 1, 1, 1) if today.month == 1 else date(today.year, 1, 1)
        figures_refresh(bureau_id=bureau_id, start=start, end=add_months(today.replace(day=1), 1))
        runs += 1
    return runs


def figures_refresh_request(*, by: User, year: int) -> None:
    from reports.tasks import refresh_figures

    bureau_id = by.bureau_id
    transaction.on_commit(lambda: refresh_figures.delay(bureau_id=bureau_id, year=year))


# --- The annual report -------------------------------------------------------------------


def _guard_editor(user: User, report: AnnualReport | None = None) -> None:
    if not can_edit_reports(user) or (report is not None and report.bureau_id != user.bureau_id):
        raise PermissionDenied(_("Only leadership edits the annual report."))


@transaction.atomic
def report_create(*, by: User, year: int) -> AnnualReport:
    _guard_editor(by)
    if AnnualReport.objects.filter(bureau_id=by.bureau_id, year=year).exists():
        raise ValidationError({"year": _("There is already a report for %(year)s.") % {"year": year}})
    organ = by.bureau.name
    return AnnualReport.objects.create(
        bureau_id=by.bureau_id,
        year=year,
        title=texts.default_title(organ, year),
        organ=organ,
        addressees=texts.DEFAULT_ADDRESSEES,
        intro=texts.DEFAULT_INTRO,
        measures=texts.DEFAULT_MEASURES,
        shortcomings=texts.DEFAULT_SHORTCOMINGS,
        plan=texts.DEFAULT_PLAN,
        created_by=by,
    )


@transaction.atomic
def report_save(
    *, by: User, report_id: int, data: dict, expected_version: int | None = None, now: datetime | None = None
) -> tuple[AnnualReport, list]:
    """Save the edited parts of a draft (autosave); each changed part gets a kept version.
    `expected_version` is the version the editor loaded (or last saved): a save over a newer
    one is refused, so two people editing the same draft never overwrite each other.
    Returns the report and the unknown {placeholders} found, for a warning."""
    now = now or timezone.now()
    report = AnnualReport.objects.select_for_update().get(pk=report_id)
    _guard_editor(by, report)
    if report.is_published:
        raise Conflict(_("This report is published; it no longer changes."))
    check_version(report.version, expected_version, message=REPORT_STALE)
    changed = []
    unknown: set[str] = set()
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = str(data[name]).replace("\r\n", "\n")
        limit = AnnualReport._meta.get_field(name).max_length
        if limit and len(value) > limit:
            raise ValidationError({name: _("At most %(n)s characters.") % {"n": limit}})
        if name in ("title", "organ", "addressees") and not value.strip():
            raise ValidationError({name: _("This part cannot be empty.")})
        unknown.update(unknown_placeholders(value))
        if getattr(report, name) != value:
            setattr(report, name, value)
            changed.append(name)
    if not changed:
        return report, sorted(unknown)
    report.version += 1
    report.save(update_fields=[*changed, "updated_at", "version"])
    for name in changed:
        latest = ReportRevision.objects.filter(report=report, field=name).order_by("-saved_at", "-id").first()
        if latest and latest.saved_by_id == by.pk and now - latest.saved_at < REVISION_MERGE:
            ReportRevision.objects.filter(pk=latest.pk).update(text=getattr(report, name), saved_at=now)
        else:
            ReportRevision.objects.create(
                bureau_id=report.bureau_id,
                report=report,
                field=name,
                text=getattr(report, name),
                saved_at=now,
                saved_by=by,
            )
    return report, sorted(unknown)


def report_snapshot(report: AnnualReport, *, signed_on: date | None = None) -> dict:
    """Everything the documents need, as JSON: the texts, the figures, the findings."""
    figures, metric_rows = compute_figures(bureau_id=report.bureau_id, year=report.year)
    findings = findings_for_year(bureau_id=report.bureau_id, year=report.year)
    return {
        "format": SNAPSHOT_FORMAT,
        "bureau": {"code": report.bureau.code, "name": report.bureau.name},
        "year": report.year,
        "texts": {name: getattr(report, name) for name in EDITABLE_FIELDS},
        "signed_on": (signed_on or report.signed_on or timezone.localdate()).isoformat(),
        "figures": figures,
        "metrics": metric_rows,
        "findings": [{"category": f.category, "count": f.count, "examples": list(f.examples)} for f in findings],
        "taken_at": timezone.now().isoformat(timespec="seconds"),
    }


def _ensure_figures(bureau_id: int, year: int) -> None:
    """Figures for the year exist once at least one refresh has covered it."""
    covered = AggregateRun.objects.filter(
        bureau_id=bureau_id, start__lte=date(year, 12, 1), end__gt=date(year, 1, 1)
    ).exists()
    if not covered:
        figures_refresh_year(bureau_id=bureau_id, year=year)


def _refresh_for_snapshot(bureau_id: int, year: int) -> None:
    """Recompute the year's stored figures in the caller's transaction, just before its snapshot,
    so that section 一's figures and section 二's findings come from the same data. Section 二
    reads the findings as they are; their counts in section 一 (untruthful dispositions found,
    rectification, accountability) come from the stored figures. Until the transaction commits
    the findings are locked against writes (SHARE: readers go on), so none is added, moved or
    re-categorised between the two. About 7 s at a year of a million reports (bench: reports.*)."""
    with connection.cursor() as cursor:
        cursor.execute("LOCK TABLE inspections_finding IN SHARE MODE")
    figures_refresh_year(bureau_id=bureau_id, year=year, trigger="report")


@transaction.atomic
def report_publish(*, by: User, report_id: int, signed_on: date | None = None) -> ReportBuild:
    """Freeze the report with the data snapshot it is built from, and queue its files.
    Guarded: a report is published once."""
    report = AnnualReport.objects.select_related("bureau").select_for_update().get(pk=report_id)
    _guard_editor(by, report)
    if report.is_published:
        raise Conflict(_("This report is already published."))
    _refresh_for_snapshot(report.bureau_id, report.year)
    signed_on = signed_on or timezone.localdate()
    snapshot = report_snapshot(report, signed_on=signed_on)
    now = timezone.now()
    moved = AnnualReport.objects.filter(pk=report.pk, status=ReportStatus.DRAFT).update(
        status=ReportStatus.PUBLISHED, published_at=now, published_by=by, snapshot=snapshot, signed_on=signed_on
    )
    if moved != 1:
        raise Conflict(_("This report is already published."))
    build = ReportBuild.objects.create(
        bureau_id=report.bureau_id, report=report, kind=BuildKind.FINAL, snapshot=snapshot, created_by=by
    )
    _queue(build)
    return build


@transaction.atomic
def report_draft_build(*, by: User, report_id: int) -> ReportBuild:
    """Files of the draft as it stands, from a snapshot of today's data, to look at."""
    report = AnnualReport.objects.select_related("bureau").get(pk=report_id)
    _guard_editor(by, report)
    _refresh_for_snapshot(report.bureau_id, report.year)
    build = ReportBuild.objects.create(
        bureau_id=report.bureau_id,
        report=report,
        kind=BuildKind.DRAFT,
        snapshot=report_snapshot(report),
        created_by=by,
    )
    _queue(build)
    return build


def _queue(build: ReportBuild) -> None:
    from reports.tasks import build_report

    _progress(build.pk, "queued", 0.0)
    transaction.on_commit(lambda: build_report.delay(build.pk))


# --- Building the files ------------------------------------------------------------------


def progress_key(build_id: int) -> str:
    return f"reports:build:{build_id}"


def build_progress(build_id: int) -> dict:
    return cache.get(progress_key(build_id)) or {"phase": "queued", "fraction": 0.0}


def _progress(build_id: int, phase: str, fraction: float) -> None:
    cache.set(progress_key(build_id), {"phase": phase, "fraction": round(fraction, 3)}, 24 * 3600)


def render_files(snapshot: dict, *, formats=("docx", "pdf"), progress=None) -> dict[str, bytes]:
    """The documents of a snapshot, from the snapshot alone (a rebuild gives the same bytes)."""
    from reports.docx_writer import build_docx
    from reports.pdf_writer import build_pdf

    progress = progress or (lambda phase, fraction: None)
    blocks = compose(snapshot)
    title = blocks[[b.kind for b in blocks].index("title")].text.replace("\n", "")
    created = datetime.fromisoformat(snapshot["signed_on"]).replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    author = snapshot["texts"]["organ"]
    out = {}
    if "docx" in formats:
        progress("docx", 0.2)
        out["docx"] = build_docx(blocks, title=title, author=author, created=created)
    if "pdf" in formats:
        progress("pdf", 0.55)
        out["pdf"] = build_pdf(blocks, title=title, author=author, created=created)
    return out


def snapshot_text(snapshot: dict) -> str:
    return plain_text(compose(snapshot))


def _store(build: ReportBuild, extension: str, data: bytes) -> tuple[str, str]:
    folder = Path(settings.MEDIA_ROOT) / "reports" / str(build.bureau_id) / str(build.report.year)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{build.pk}-{build.kind}.{extension}"
    digest = hashlib.sha256(data).hexdigest()
    # A file is written once and never replaced: a retried build may only find the same bytes.
    if path.exists():
        if hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            raise RuntimeError(f"{path} exists with other content; it is not replaced.")
        return str(path), digest
    with path.open("xb") as handle:
        handle.write(data)
    return str(path), digest


def build_run(*, build_id: int) -> ReportBuild:
    """Run one queued build. Safe to call twice: a build runs once (guarded transition)."""
    started = ReportBuild.objects.filter(pk=build_id, status=BuildStatus.QUEUED).update(status=BuildStatus.RUNNING)
    build = ReportBuild.objects.select_related("report").get(pk=build_id)
    if started != 1:
        return build
    try:
        files = render_files(build.snapshot, progress=lambda phase, f: _progress(build_id, phase, f))
        _progress(build_id, "saving", 0.95)
        build.docx_path, build.docx_sha256 = _store(build, "docx", files["docx"])
        build.pdf_path, build.pdf_sha256 = _store(build, "pdf", files["pdf"])
        build.status = BuildStatus.DONE
    except FontMissing as exc:
        # The machine lacks a font, not the code a fix: the message says what to install.
        logger.error("report build %s failed: %s", build_id, exc)
        build.status = BuildStatus.FAILED
        build.message = str(exc)[:500]
    except Exception as exc:
        logger.exception("report build %s failed", build_id)
        build.status = BuildStatus.FAILED
        build.message = str(exc)[:500] or _("The files could not be generated.")
    build.finished_at = timezone.now()
    build.save(update_fields=["docx_path", "docx_sha256", "pdf_path", "pdf_sha256", "status", "message", "finished_at"])
    _progress(build_id, "done", 1.0)
    return build


def build_retry(*, by: User, build_id: int) -> ReportBuild:
    """A failed build is queued again (the same snapshot; a final build stays the only one)."""
    build = ReportBuild.objects.select_related("report").get(pk=build_id)
    _guard_editor(by, build.report)
    moved = ReportBuild.objects.filter(pk=build_id, status=BuildStatus.FAILED).update(
        status=BuildStatus.QUEUED, message=""
    )
    if moved != 1:
        raise Conflict(_("Only a failed build can be retried."))
    with transaction.atomic():
        _queue(build)
    return build


def published_build(report: AnnualReport) -> ReportBuild | None:
    return report.builds.filter(kind=BuildKind.FINAL).first()


def snapshot_for_command(*, bureau_id: int, year: int, refresh: bool = True) -> dict:
    """The command line's snapshot: a published report's frozen one, else today's data with
    the draft's texts (or the default texts when there is no draft)."""
    report = AnnualReport.objects.select_related("bureau").filter(bureau_id=bureau_id, year=year).first()
    if report is not None and report.is_published:
        return report.snapshot
    with transaction.atomic():
        if refresh:
            _refresh_for_snapshot(bureau_id, year)
        return report_snapshot(report or _default_report(bureau_id, year))


def _default_report(bureau_id: int, year: int) -> AnnualReport:
    """An unsaved draft with the default texts, for the command line when there is none."""
    bureau = Bureau.objects.get(pk=bureau_id)
    return AnnualReport(
        bureau=bureau,
        year=year,
        title=texts.default_title(bureau.name, year),
        organ=bureau.name,
        addressees=texts.DEFAULT_ADDRESSEES,
        intro=texts.DEFAULT_INTRO,
        measures=texts.DEFAULT_MEASURES,
        shortcomings=texts.DEFAULT_SHORTCOMINGS,
        plan=texts.DEFAULT_PLAN,
    )
