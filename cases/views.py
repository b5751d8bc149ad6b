from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases import selectors, services
from cases.forms import STEP_FIELDS, ReviewForm, StepForm
from cases.models import Alert, Case, Step
from cases.permissions import can_enter_steps, can_review_alerts, can_review_steps
from intake.models import Colour
from org.errors import Conflict
from org.params import positive_int
from org.selectors import units_for


def home_panel(request) -> str:
    """Open cases by colour per unit, for the home page (registered with org in apps.py)."""
    user = request.user
    if not user.is_authenticated:
        return ""
    rows = selectors.colour_counts(user)
    return render_to_string("cases/_home_panel.html", {"rows": rows}, request=request)


def _case_or_404(user, pk: int) -> Case:
    try:
        return selectors.case_detail(user=user, pk=pk)
    except Case.DoesNotExist as exc:
        raise Http404 from exc


def _alert_or_404(user, pk: int) -> Alert:
    try:
        return selectors.alerts_for(user).get(pk=pk)
    except Alert.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def case_list(request):
    cases = selectors.cases_for(request.user).select_related("unit", "lead_officer").order_by("-opened_at", "-id")
    colour = request.GET.get("colour")
    if colour in Colour.values:
        cases = cases.filter(colour=colour)
    status = request.GET.get("status", "open")
    if status in ("open", "withdrawn", "transferred", "closed"):
        cases = cases.filter(status=status)
    unit = positive_int(request.GET.get("unit"))
    if unit is not None:
        cases = cases.filter(unit_id=unit)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/case_list.html",
        {"page": page, "colour": colour, "status": status, "unit": unit, "units": units_for(request.user)},
    )


@login_required
def case_detail(request, pk: int):
    case = _case_or_404(request.user, pk)
    can_enter = can_enter_steps(request.user, case.unit_id, case.bureau_id) and case.is_open
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "steps": selectors.case_timeline(case),
            "alerts": selectors.alerts_for(request.user).filter(case=case).order_by("-opened_at"),
            "step_form": StepForm(case=case) if can_enter else None,
            "step_fields": STEP_FIELDS,
            "can_review": can_review_steps(request.user, case.unit_id, case.bureau_id),
        },
    )


@login_required
@require_POST
def step_create(request, pk: int):
    case = _case_or_404(request.user, pk)
    if not can_enter_steps(request.user, case.unit_id, case.bureau_id):
        raise PermissionDenied
    form = StepForm(request.POST, case=case)
    if form.is_valid():
        kind, data = form.step_data()
        try:
            services.step_add(case=case, by=request.user, kind=kind, data=data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except Conflict as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The step is recorded."))
    else:
        messages.error(request, _("Correct the step: %(errors)s") % {"errors": form.errors.as_text()})
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def step_review(request, pk: int, step_pk: int):
    case = _case_or_404(request.user, pk)
    try:
        step = case.steps.get(pk=step_pk)
    except Step.DoesNotExist as exc:
        raise Http404 from exc
    seen = request.POST.get("version", "")
    try:
        services.step_review(
            step=step,
            by=request.user,
            approve_withdrawal=bool(request.POST.get("approve")),
            expected_version=positive_int(seen),
        )
    except Conflict as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", pk=case.pk)


@login_required
def review_queue(request):
    if not can_review_alerts(request.user):
        raise PermissionDenied
    order = request.GET.get("order", "severity")
    unit = request.GET.get("unit")
    alerts = selectors.review_queue(
        user=request.user,
        order=order,
        unit_id=positive_int(unit),
        escalated=request.GET.get("escalated") == "1",
    )
    page = Paginator(alerts, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/queue.html",
        {"page": page, "order": order, "unit": unit, "units": units_for(request.user), "form": ReviewForm()},
    )


@login_required
def alert_detail(request, pk: int):
    alert = _alert_or_404(request.user, pk)
    if request.GET.get("partial") == "timeline":
        return render(request, "cases/_timeline.html", {"steps": selectors.record_timeline(alert)})
    return render(
        request,
        "cases/alert_detail.html",
        {
            "alert": alert,
            "steps": selectors.record_timeline(alert),
            "can_review": can_review_alerts(request.user, alert),
        },
    )


@login_required
@require_POST
def alert_review(request, pk: int, action: str):
    """Confirm (with an optional note) or dismiss (with a required reason); htmx swaps the row."""
    alert = _alert_or_404(request.user, pk)
    note = request.POST.get("note", "")
    error = None
    try:
        if action == "confirm":
            alert = services.alert_confirm(alert=alert, by=request.user, note=note)
        else:
            alert = services.alert_dismiss(alert=alert, by=request.user, reason=note)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except Conflict as exc:
        error = str(exc)
    if request.htmx:
        return render(
            request,
            "cases/_alert_row.html",
            {"alert": alert, "error": error, "form": ReviewForm(), "reviewed": not error},
        )
    if error:
        messages.error(request, error)
    return redirect("cases:queue")


@login_required
@require_POST
def alert_bulk(request):
    if not can_review_alerts(request.user):
        raise PermissionDenied
    ids = [pk for pk in map(positive_int, request.POST.getlist("alert")) if pk is not None]
    alerts = list(selectors.alerts_for(request.user).filter(pk__in=ids, status="open"))
    confirm = request.POST.get("action") == "confirm"
    try:
        count = services.alerts_bulk_review(
            alerts=alerts, by=request.user, confirm=confirm, note=request.POST.get("note", "")
        )
    except (ValidationError, Conflict) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(count)d alerts reviewed.") % {"count": count})
    return redirect("cases:queue")


@login_required
def run_list(request):
    if not can_review_alerts(request.user):
        raise PermissionDenied
    return render(
        request,
        "cases/runs.html",
        {"runs": selectors.runs_for(request.user)[:50], "rules": selectors.rules()},
    )
