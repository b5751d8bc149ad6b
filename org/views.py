from __future__ import annotations

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from org import audit, notifications
from org.context_processors import home_page_url, home_panels
from org.models import Role
from org.params import positive_int
from org.selectors import assignments_for, officers_for, units_for

# The history of records is for those who supervise them.
HISTORY_ROLES = (Role.SUPERVISOR, Role.LEGAL_OFFICER, Role.ADMIN, Role.LEADERSHIP)


@login_required
def home(request):
    user = request.user
    if target := home_page_url(user):
        return redirect(target)
    units = units_for(user)
    context = {
        "role_label": user.get_role_display(),
        "unit_count": units.count(),
        "officer_count": officers_for(user).count(),
        "assigned_units": units if user.role == Role.LEGAL_OFFICER else None,
        "today": timezone.localdate(),
        "panels": home_panels(request),
    }
    return render(request, "org/home.html", context)


@login_required
def officer_list(request):
    officers = officers_for(request.user).order_by("unit__code", "police_number")
    unit_id = positive_int(request.GET.get("unit"))
    if unit_id is not None:
        officers = officers.filter(unit_id=unit_id)
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "org/officer_list.html",
        {"page": page, "units": units_for(request.user), "unit_id": unit_id},
    )


@login_required
def unit_list(request):
    return render(request, "org/unit_list.html", {"units": units_for(request.user)})


@login_required
def assignment_list(request):
    assignments = assignments_for(request.user).order_by("unit__code", "-start_date")
    return render(
        request,
        "org/assignment_list.html",
        {"assignments": assignments, "today": timezone.localdate()},
    )


@login_required
def record_history(request, label: str, pk: int):
    """Every version of one record, with who changed what (for supervisors)."""
    if request.user.role not in HISTORY_ROLES:
        raise PermissionDenied
    selector = audit.selector_for(label)
    if selector is None:
        raise Http404
    obj = get_object_or_404(selector(request.user), pk=pk)
    model = apps.get_model(label)
    return render(
        request,
        "org/record_history.html",
        {"object": obj, "model_name": model._meta.verbose_name, "entries": audit.history(obj)},
    )


@login_required
def inbox(request):
    page = Paginator(notifications.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "org/inbox.html", {"page": page})


@login_required
@require_POST
def inbox_read(request, pk: int | None = None):
    """Mark one notification (or all) read; following its link marks it read too."""
    notifications.notification_mark_read(user=request.user, pk=pk)
    if pk is not None and request.POST.get("follow"):
        target = notifications.notifications_for(request.user).filter(pk=pk).values_list("url", flat=True).first()
        if target and target.startswith("/"):
            return redirect(target)
    return redirect("org:inbox")


@login_required
def audit_search(request):
    """Search who did what: record changes and security events (supervisors and admins)."""
    if request.user.role not in (Role.SUPERVISOR, Role.ADMIN):
        raise PermissionDenied
    from org.audit_search import AuditSearchForm, audit_events, security_events

    form = AuditSearchForm(request.GET or None)
    changes, events = [], []
    if form.is_bound and form.is_valid():
        changes = audit_events(user=request.user, data=form.cleaned_data)
        events = security_events(user=request.user, data=form.cleaned_data)
    return render(request, "org/audit_search.html", {"form": form, "changes": changes, "events": events})
