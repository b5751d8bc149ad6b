"""Import jobs: an upload is stored, a Celery task loads it, the page shows progress."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.importing import ImportFileError, ImportInterrupted, import_incidents
from intake.models import ImportJob, ImportRowError, ImportStatus
from intake.permissions import can_import
from org.models import User

logger = logging.getLogger(__name__)

# Where each phase starts on the bar; reading and loading move it by their own fraction.
PHASES = {"queued": 0.0, "checking": 0.0, "loading": 0.05, "colouring": 0.95, "done": 1.0}


def progress_key(job_id: int) -> str:
    return f"intake:import:{job_id}"


def import_progress(job_id: int) -> dict:
    return cache.get(progress_key(job_id)) or {"phase": "queued", "fraction": 0.0}


def _set_progress(job_id: int, phase: str, fraction: float) -> None:
    # Checking the file is quick; loading is most of the time, then the colouring.
    start = PHASES.get(phase, 0.0)
    if phase in ("checking", "loading"):
        following = PHASES["loading" if phase == "checking" else "colouring"]
        overall = start + fraction * (following - start)
    else:
        overall = start
    cache.set(progress_key(job_id), {"phase": phase, "fraction": round(overall, 3)}, 24 * 3600)


def import_job_create(*, by: User, upload) -> ImportJob:
    """Store an uploaded file and queue its import (after the transaction commits)."""
    if not can_import(by):
        raise PermissionDenied(_("Only the intake centre and legal supervisors import dispatch exports."))
    limit = settings.PORTAL_IMPORT_MAX_BYTES
    if upload.size > limit:
        message = _("The file is %(size)s MB; the limit is %(limit)s MB. Split the export by day.") % {
            "size": upload.size // (1024 * 1024),
            "limit": limit // (1024 * 1024),
        }
        raise ValidationError({"file": message})
    name = Path(upload.name).name
    if Path(name).suffix.lower() not in (".csv", ".xlsx", ".txt"):
        raise ValidationError({"file": _("Upload a .csv or .xlsx file.")})
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / f"{uuid.uuid4().hex}{Path(name).suffix.lower()}"
    with stored.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    job = ImportJob.objects.create(
        bureau_id=by.bureau_id, file_name=name[:255], stored_path=str(stored), size=upload.size, created_by=by
    )
    from intake.tasks import run_import

    transaction.on_commit(lambda: run_import.delay(job.pk))
    return job


def import_job_run(*, job_id: int) -> ImportJob:
    """Run one queued import. Safe to call twice: a job runs once (guarded transition)."""
    started = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(status=ImportStatus.RUNNING)
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if started != 1:
        return job
    by = job.created_by
    try:
        result = import_incidents(
            path=Path(job.stored_path),
            bureau_id=job.bureau_id,
            by=by,
            default_unit_id=by.unit_id if by else None,
            progress=lambda phase, fraction: _set_progress(job_id, phase, fraction),
        )
    except ImportFileError as exc:
        job.status, job.message = ImportStatus.FAILED, str(exc)
    except ImportInterrupted as exc:
        logger.exception("import %s stopped while loading", job_id)
        job.status, job.rows_loaded = ImportStatus.FAILED, exc.loaded
        job.message = _(
            "The import stopped on an internal error after %(loaded)s rows were saved. Import the same file "
            "again to load the rest: the rows already saved are skipped."
        ) % {"loaded": exc.loaded}
    except Exception:
        # Before any batch was committed (after one, import_incidents raises ImportInterrupted):
        # nothing was loaded; say so on the page and keep the trace in the log.
        logger.exception("import %s failed", job_id)
        job.status, job.message = ImportStatus.FAILED, _("The import stopped on an internal error; nothing was loaded.")
    else:
        ImportRowError.objects.bulk_create(
            (ImportRowError(bureau_id=job.bureau_id, job=job, row_number=row, dispatch_id=dispatch_id, reason=reason))
            for row, dispatch_id, reason in result.errors
        )
        job.status = ImportStatus.DONE
        job.rows_total, job.rows_loaded = result.rows_total, result.rows_loaded
        job.rows_skipped, job.rows_invalid = result.rows_skipped, result.rows_invalid
    job.finished_at = timezone.now()
    job.save()
    _set_progress(job_id, "done", 1.0)
    return job
