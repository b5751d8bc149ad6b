from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake import exports, selectors, services, services_import
from intake.filters import IncidentFilter
from intake.forms import CorrectionForm, DecisionForm, ExtensionForm, ImportForm, IncidentForm
from intake.models import Incident
from intake.permissions import can_approve, can_decide, can_import, can_log
from org.errors import Conflict
from org.masking import mask_id_card, mask_phone
from org.models import Role, SecurityEventKind
from org.security import record, record_export

MASKED = {"reporter_id_number": mask_id_card, "reporter_phone": mask_phone}


def home_panel(request) -> str:
    """My unit's reports for the home page of officers and unit leaders (registered in apps.py)."""
    user = request.user
    if not user.is_authenticated or user.role not in (Role.OFFICER, Role.UNIT_LEADER):
        return ""
    context = selectors.unit_home_summary(user) | {"can_log": can_log(user)}
    return render_to_string("intake/_home_panel.html", context, request=request)


def _incident_or_404(user, pk: int) -> Incident:
    try:
        return selectors.incident_detail(user=user, pk=pk)
    except Incident.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def incident_list(request):
    filters = IncidentFilter(request.GET, queryset=selectors.incidents_for(request.user), user=request.user)
    order = request.GET.get("order", "newest")
    page = None
    if filters.is_valid():
        rows = filters.qs.values(*selectors.LIST_FIELDS)
        page = selectors.keyset_page(rows, order=order, cursor=request.GET.get("cursor"))
    query = request.GET.copy()
    query.pop("cursor", None)
    context = {
        "filters": filters,
        "page": page,
        "order": order,
        "query": query.urlencode(),
        "can_log": can_log(request.user),
    }
    template = "intake/_incident_table.html" if request.htmx else "intake/incident_list.html"
    return render(request, template, context)


@login_required
def incident_export(request):
    filters = IncidentFilter(request.GET, queryset=selectors.incidents_for(request.user), user=request.user)
    if not filters.is_valid():
        messages.error(request, _("Correct the filter before exporting."))
        return redirect(reverse("intake:list"))
    record_export(request, "intake.incidents", filters={k: v for k, v in request.GET.items() if v})
    return exports.incidents_xlsx(filters.qs)


@login_required
def incident_create(request):
    if not can_log(request.user):
        raise PermissionDenied
    form = IncidentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("unit")
        try:
            incident = services.incident_log(by=request.user, unit=unit, data=data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Report %(number)s is logged.") % {"number": incident.number})
            if "another" in request.POST:
                return redirect("intake:create")
            return redirect("intake:detail", pk=incident.pk)
    return render(request, "intake/incident_form.html", {"form": form})


@login_required
def incident_detail(request, pk: int):
    incident = _incident_or_404(request.user, pk)
    # ID-card numbers and phones are masked until the user asks to see them; each reveal is recorded.
    revealed = request.GET.get("reveal") == "1"
    if revealed:
        record(request, SecurityEventKind.REVEAL, record=f"intake.incident:{incident.pk}")
    versions = list(selectors.incident_versions(incident))
    fields = [f for f in Incident.CONTENT_FIELDS]
    labels = {f: Incident._meta.get_field(f).verbose_name for f in fields}
    comparison = [
        {
            "label": labels[f],
            "values": [_display(v, f, revealed=revealed) for v in versions],
            "changed": len({str(getattr(v, f)) for v in versions}) > 1,
        }
        for f in fields
    ]
    return render(
        request,
        "intake/incident_detail.html",
        {
            "incident": incident,
            "versions": versions,
            "comparison": comparison,
            "can_decide": can_decide(request.user, incident) and not incident.is_decided,
            "can_correct": can_decide(request.user, incident),
            "decision_form": DecisionForm(),
            "extension_form": ExtensionForm(),
            "extension_requests": incident.extension_requests.select_related("requested_by", "decided_by"),
            "revealed": revealed,
            "reporter_id": incident.reporter_id_number if revealed else mask_id_card(incident.reporter_id_number),
            "reporter_phone": incident.reporter_phone if revealed else mask_phone(incident.reporter_phone),
        },
    )


def _display(version, field: str, *, revealed: bool) -> str:
    value = getattr(version, field)
    if value is None or value == "":
        return "—"
    if not revealed and field in MASKED:
        return MASKED[field](value)
    getter = getattr(version, f"get_{field}_display", None)
    if getter:
        return str(getter())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field == "received_at":
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return str(value)


@login_required
@require_POST
def incident_decide(request, pk: int):
    incident = _incident_or_404(request.user, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.incident_decide(
                incident=incident,
                by=request.user,
                disposition=form.cleaned_data["disposition"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, Conflict) as exc:
            messages.error(request, _first_message(exc))
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _first_message(ValidationError(form.errors)))
    return redirect("intake:detail", pk=pk)


@login_required
def incident_correct(request, pk: int):
    incident = _incident_or_404(request.user, pk)
    if not can_decide(request.user, incident):
        raise PermissionDenied
    form = CorrectionForm(request.POST or None, instance=incident, user=request.user)
    if request.method == "GET":  # the form shows the personal data in full, to correct it
        record(request, SecurityEventKind.REVEAL, record=f"intake.incident:{incident.pk}", form="correct")
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        expected = data.pop("expected_version")
        incident.refresh_from_db()
        try:
            services.incident_correct(
                incident=incident, by=request.user, changes=data, reason=reason, expected_version=expected
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except Conflict as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Correction saved as a new version."))
            return redirect("intake:detail", pk=pk)
    return render(request, "intake/incident_correct.html", {"form": form, "incident": incident})


@login_required
@require_POST
def extension_create(request, pk: int):
    incident = _incident_or_404(request.user, pk)
    form = ExtensionForm(request.POST)
    if form.is_valid():
        try:
            services.extension_request(incident=incident, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, _first_message(exc))
        else:
            messages.success(request, _("Request sent to the unit leader."))
    else:
        messages.error(request, _first_message(ValidationError(form.errors)))
    return redirect("intake:detail", pk=pk)


@login_required
def approvals(request):
    return render(request, "intake/approvals.html", {"requests": selectors.extension_queue_for(request.user)})


@login_required
@require_POST
def extension_decide(request, pk: int):
    ext = get_object_or_404(selectors.extension_requests_for(request.user), pk=pk)
    if not can_approve(request.user, ext.incident):
        raise PermissionDenied
    approve = request.POST.get("decision") == "approve"
    error = None
    try:
        services.extension_decide(request=ext, by=request.user, approve=approve, note=request.POST.get("note", ""))
    except (ValidationError, Conflict) as exc:
        error = _first_message(exc)
    ext.refresh_from_db()
    if request.htmx:
        return render(request, "intake/_approval_row.html", {"r": ext, "error": error})
    if error:
        messages.error(request, error)
    return redirect("intake:approvals")


@login_required
def import_upload(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services_import.import_job_create(by=request.user, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("intake:import_job", pk=job.pk)
    jobs = selectors.import_jobs_for(request.user)[:20]
    return render(request, "intake/import.html", {"form": form, "jobs": jobs})


@login_required
def import_job(request, pk: int):
    if not can_import(request.user):
        raise PermissionDenied
    job = get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)
    context = {"job": job, "progress": services_import.import_progress(job.pk), "errors": job.row_errors.all()[:200]}
    template = "intake/_import_status.html" if request.htmx else "intake/import_job.html"
    return render(request, template, context)


@login_required
def import_errors(request, pk: int):
    if not can_import(request.user):
        raise PermissionDenied
    job = get_object_or_404(selectors.import_jobs_for(request.user), pk=pk)
    record_export(request, "intake.import_errors", job=job.pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer = csv.writer(response)
    writer.writerow(["行号", "接警编号", "原因"])
    for row in job.row_errors.values_list("row_number", "dispatch_id", "reason").iterator():
        writer.writerow([exports.safe_cell(v) for v in row])
    return response


def _first_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
