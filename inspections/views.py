from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, Sum
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.models import Severity
from inspections import attachments, exports, periods, selectors, services
from inspections.forms import (
    AccountabilityOpenForm,
    AnswerForm,
    CheckForm,
    CommitteeChoiceForm,
    DecisionFormSet,
    ExcludeForm,
    FindingFilterForm,
    FindingForm,
    InterferenceForm,
    NoticeForm,
    ReturnForm,
    ShiftForm,
)
from inspections.models import AWAITING_UNIT, OVERDUE, Finding, Liability, Notice, OrderStatus
from inspections.permissions import (
    can_answer,
    can_check,
    can_inspect,
    can_see_committee,
    can_see_evaluations,
    can_supervise,
)
from org.errors import Conflict
from org.models import SecurityEventKind, User
from org.params import positive_int
from org.security import record, record_export
from org.views import HISTORY_ROLES

PAGE = 50


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You may not do this.")


def _refused(request, exc: Exception) -> None:
    """A refusal told as a message on the page the user came from. One of permission is a
    security event all the same, as every 403 is (org.security.SecurityEventMiddleware)."""
    if isinstance(exc, PermissionDenied):
        record(request, SecurityEventKind.DENIED, method=request.method)
    messages.error(request, _message(exc))


def _finding_or_404(user, pk: int) -> Finding:
    try:
        return selectors.finding_detail(user=user, pk=pk)
    except Finding.DoesNotExist as exc:
        raise Http404 from exc


def _export_requested(request) -> bool:
    return request.GET.get("format") == "xlsx"


def _xlsx(request, what: str, **table):
    """A list as an Excel file; data leaving the system is a security event (who, what, filters)."""
    record_export(request, what, filters={k: v for k, v in request.GET.items() if v and k != "format"})
    return exports.xlsx(**table)


# --- Findings ---


@login_required
def finding_list(request):
    form = FindingFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    findings = selectors.finding_list(user=request.user, filters=filters)
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.findings",
            title="执法问题",
            columns=[
                ("编号", lambda f: f.pk),
                ("发现时间", lambda f: f.found_at),
                ("单位", lambda f: f.unit.name),
                ("问题类别", lambda f: f.category.name),
                ("严重程度", lambda f: f.get_severity_display()),
                ("来源", lambda f: f.get_source_display()),
                ("问题描述", lambda f: f.description),
                ("巡查人", lambda f: f.inspector.name if f.inspector else ""),
                ("交叉巡查", lambda f: "是" if f.cross_inspection else ""),
                ("整改状态", lambda f: f.order.get_status_display()),
                ("超期", lambda f: "是" if f.order.is_overdue else ""),
                ("整改期限", lambda f: f.order.due_at),
            ],
            rows=findings.iterator(chunk_size=1000),
        )
    page = Paginator(findings, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "inspections/finding_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "can_inspect": can_inspect(request.user)},
    )


@login_required
def finding_create(request):
    if not can_inspect(request.user):
        raise PermissionDenied
    form = FindingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            finding = services.finding_record(by=request.user, **data)
        except ValidationError as exc:
            _add_errors(form, exc)
        except PermissionDenied as exc:
            record(request, SecurityEventKind.DENIED, method=request.method)
            form.add_error("unit", _message(exc))
        else:
            messages.success(request, _("Finding recorded; the rectification order went to the unit."))
            return redirect("inspections:detail", pk=finding.pk)
    return render(request, "inspections/finding_form.html", {"form": form})


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@login_required
def finding_detail(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    order = finding.order
    user = request.user
    answers = list(order.answers.select_related("answered_by").prefetch_related("attachments"))
    context = {
        "finding": finding,
        "order": order,
        "officers": selectors.involved_officers(finding),
        "answers": answers,
        "evidence": finding.attachments.filter(answer__isnull=True),
        "transitions": order.transitions.select_related("by"),
        "accountability": selectors.accountability_for(user).filter(finding=finding),
        "can_answer": can_answer(user, order) and order.status in AWAITING_UNIT,
        "can_check": can_check(user, order),
        "can_supervise": can_supervise(user),
        "answer_form": AnswerForm(),
        "return_form": ReturnForm(),
        "check_form": CheckForm(),
        "exclude_form": ExcludeForm(),
        "open_form": AccountabilityOpenForm(),
        "sees_history": user.role in HISTORY_ROLES,
    }
    return render(request, "inspections/finding_detail.html", context)


def _order_action(request, finding: Finding, action) -> object:
    try:
        action(finding.order)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _refused(request, exc)
    return redirect("inspections:detail", pk=finding.pk)


@login_required
@require_POST
def order_answer(request, pk: int):
    finding = _finding_or_404(request.user, pk)  # out of scope is 404, whatever was sent
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _message(ValidationError(form.errors)))
        return redirect("inspections:detail", pk=pk)

    def act(order):
        services.order_answer(order=order, by=request.user, **form.cleaned_data)
        messages.success(request, _("Answer sent to the inspector."))

    return _order_action(request, finding, act)


@login_required
@require_POST
def order_return(request, pk: int):
    finding = _finding_or_404(request.user, pk)  # out of scope is 404, whatever was sent
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _message(ValidationError(form.errors)))
        return redirect("inspections:detail", pk=pk)

    def act(order):
        services.order_return(order=order, by=request.user, **form.cleaned_data)
        messages.success(request, _("Sent back to the unit."))

    return _order_action(request, finding, act)


@login_required
@require_POST
def order_verify(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    note = request.POST.get("note", "")

    def act(order):
        services.order_verify(order=order, by=request.user, note=note)
        messages.success(request, _("Rectification verified."))

    return _order_action(request, finding, act)


@login_required
@require_POST
def order_close(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    note = request.POST.get("note", "")

    def act(order):
        services.order_close(order=order, by=request.user, note=note)
        messages.success(request, _("The loop is closed."))

    return _order_action(request, finding, act)


@login_required
@require_POST
def finding_exclude(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    try:
        services.finding_exclude_from_scoring(finding=finding, by=request.user, reason=request.POST.get("reason", ""))
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Excluded from the leaders' scoring."))
    return redirect("inspections:detail", pk=pk)


@login_required
def attachment_download(request, pk: int):
    attachment = get_object_or_404(selectors.attachments_for(request.user), pk=pk)
    try:
        handle = attachments.open_stored(attachment.path)
    except FileNotFoundError as exc:
        raise Http404 from exc
    record_export(request, "inspections.attachment", attachment=attachment.pk, finding=attachment.finding_id)
    response = FileResponse(handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Orders and units ---


@login_required
def order_list(request):
    status = request.GET.get("status", "open")
    unit = request.GET.get("unit")
    orders = selectors.order_list(user=request.user, status=status, unit_id=positive_int(unit))
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.orders",
            title="整改通知",
            columns=[
                ("编号", lambda o: o.pk),
                ("单位", lambda o: o.unit.name),
                ("问题类别", lambda o: o.finding.category.name),
                ("下发时间", lambda o: o.issued_at),
                ("整改期限", lambda o: o.due_at),
                ("状态", lambda o: o.get_status_display()),
                ("超期", lambda o: "是" if o.is_overdue else ""),
                ("超期时间", lambda o: o.overdue_at),
                ("退回次数", lambda o: o.times_returned),
                ("销号时间", lambda o: o.closed_at),
            ],
            rows=orders.iterator(chunk_size=1000),
        )
    page = Paginator(orders, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inspections/order_list.html",
        {
            "page": page,
            "status": status,
            "statuses": [(OVERDUE, _("Overdue")), *OrderStatus.choices],
            "now": timezone.now(),
        },
    )


@login_required
def unit_overview(request):
    period = periods.from_request(request.GET.get("period")) if request.GET.get("period") else None
    rows = selectors.unit_overview(user=request.user, period=period)
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.units",
            title="各单位整改情况",
            columns=[
                ("单位", lambda r: r.unit_name),
                ("整改通知", lambda r: r.total),
                ("未销号", lambda r: r.open),
                ("超期", lambda r: r.overdue),
                ("待验收", lambda r: r.answered),
                ("已销号", lambda r: r.closed),
                ("整改闭环率（%）", lambda r: r.closure_rate),
            ],
            rows=rows,
        )
    return render(request, "inspections/unit_overview.html", {"rows": rows, "period": period})


# --- Accountability and notices ---


@login_required
def accountability_list(request):
    cases = (
        selectors.accountability_for(request.user)
        .select_related("unit", "finding__category")
        .order_by("-opened_at", "-id")
    )
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.accountability",
            title="执法过错责任追究",
            columns=[
                ("编号", lambda c: c.pk),
                ("单位", lambda c: c.unit.name),
                ("问题类别", lambda c: c.finding.category.name),
                ("事实与过错", lambda c: c.summary),
                ("状态", lambda c: c.get_status_display()),
                ("立案时间", lambda c: c.opened_at),
                ("决定时间", lambda c: c.decided_at),
                (
                    "处理结果",
                    lambda c: "；".join(f"{d.officer.name}：{d.get_outcome_display()}" for d in c.decisions.all()),
                ),
            ],
            rows=cases.prefetch_related("decisions__officer"),
        )
    page = Paginator(cases, PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/accountability_list.html", {"page": page})


@login_required
def accountability_open(request, pk: int):
    finding = _finding_or_404(request.user, pk)
    if not can_supervise(request.user):
        raise PermissionDenied
    form = AccountabilityOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.accountability_open(finding=finding, by=request.user, summary=form.cleaned_data["summary"])
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return redirect("inspections:accountability_detail", pk=case.pk)
    return render(request, "inspections/accountability_open.html", {"form": form, "finding": finding})


@login_required
def accountability_detail(request, pk: int):
    case = get_object_or_404(
        selectors.accountability_for(request.user).select_related(
            "unit", "finding__category", "opened_by", "decided_by"
        ),
        pk=pk,
    )
    supervise = can_supervise(request.user)
    formset = None
    everyone = request.GET.get("officers") == "all"
    if supervise and case.status == "open":
        finding = case.finding
        involved = selectors.involved_officers(finding)
        initial = [{"officer": o, "liability": Liability.DIRECT} for o in involved]
        if finding.severity == Severity.HIGH:
            # A serious problem: the unit's leaders are checked for failure of duty (DESIGN §2.3).
            initial += [
                {"officer": leader, "liability": Liability.LEADERSHIP}
                for leader in selectors.unit_leaders(finding)
                if leader not in involved
            ]
        officers = selectors.accountability_candidates(finding, everyone=everyone)
        formset = DecisionFormSet(request.POST or None, initial=initial, form_kwargs={"officers": officers}, prefix="d")
        if request.method == "POST" and formset.is_valid():
            decisions = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("officer")]
            try:
                services.accountability_decide(case=case, by=request.user, decisions=decisions)
            except (ValidationError, Conflict) as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, _("Decision recorded."))
                return redirect("inspections:accountability_detail", pk=pk)
    notice = Notice.objects.filter(case=case).first()
    return render(
        request,
        "inspections/accountability_detail.html",
        {
            "case": case,
            "decisions": case.decisions.select_related("officer", "officer__unit"),
            "formset": formset,
            "everyone": everyone,
            "sees_history": request.user.role in HISTORY_ROLES,
            "notice": notice,
            "notice_form": NoticeForm() if supervise and case.status == "decided" and notice is None else None,
        },
    )


@login_required
@require_POST
def notice_issue(request, pk: int):
    case = get_object_or_404(selectors.accountability_for(request.user), pk=pk)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _message(ValidationError(form.errors)))
        return redirect("inspections:accountability_detail", pk=pk)
    try:
        notice = services.notice_issue(case=case, by=request.user, **form.cleaned_data)
    except (ValidationError, Conflict, PermissionDenied) as exc:
        _refused(request, exc)
        return redirect("inspections:accountability_detail", pk=pk)
    messages.success(request, _("The notice is published to the whole bureau."))
    return redirect("inspections:notice", pk=notice.pk)


@login_required
def notice_list(request):
    notices = selectors.notices_for(request.user).select_related("issued_by")
    if _export_requested(request):
        # What the notice board shows every officer, no more (the case behind it is scoped).
        return _xlsx(
            request,
            "inspections.notices",
            title="通报",
            columns=[
                ("发布时间", lambda n: n.issued_at),
                ("标题", lambda n: n.title),
                ("发布人", lambda n: n.issued_by.name),
                ("通报内容", lambda n: n.body),
            ],
            rows=notices.iterator(chunk_size=1000),
        )
    page = Paginator(notices, PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/notice_list.html", {"page": page})


@login_required
def notice_detail(request, pk: int):
    notice = get_object_or_404(selectors.notices_for(request.user).select_related("issued_by"), pk=pk)
    return render(request, "inspections/notice_detail.html", {"notice": notice})


# --- Points ---


@login_required
def points(request):
    period = periods.from_request(request.GET.get("period"))
    officers, units = selectors.points_standings(user=request.user, period=period)
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.points",
            title="执法办案积分",
            columns=[
                ("警号", lambda r: r["officer__police_number"]),
                ("姓名", lambda r: r["officer__name"]),
                ("单位", lambda r: r["unit__name"]),
                ("得分", lambda r: r["earned"]),
                ("扣分", lambda r: r["deducted"]),
                ("合计", lambda r: r["total"]),
            ],
            rows=officers,
        )
    page = Paginator(officers, PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/points.html", {"period": period, "page": page, "units": units})


def _ledger_basis(entry) -> str:
    """What a ledger line is for: the case step (kind of case, stage) or the decision."""
    if entry.step_id:
        return _("%(kind)s: %(stage)s") % {
            "kind": entry.step.case.get_kind_display(),
            "stage": entry.step.get_kind_display(),
        }
    decision = entry.decision
    return _("Accountability case %(id)s: %(outcome)s") % {
        "id": decision.case_id,
        "outcome": decision.get_outcome_display(),
    }


@login_required
def points_ledger(request, pk: int):
    """One officer's points ledger (执法办案积分明细), scoped like the standings."""
    try:
        officer = selectors.points_officer(user=request.user, pk=pk)
    except User.DoesNotExist as exc:
        raise Http404 from exc
    period = periods.from_request(request.GET.get("period"))
    entries = selectors.points_ledger(user=request.user, officer_id=officer.pk, period=period)
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.points_ledger",
            title=f"积分明细-{officer.police_number}-{period.label}",
            columns=[
                ("日期", lambda e: e.on),
                ("警号", lambda e: officer.police_number),
                ("姓名", lambda e: officer.name),
                ("单位", lambda e: e.unit.name),
                ("类型", lambda e: e.get_kind_display()),
                ("案件编号", lambda e: e.step.case.number if e.step_id else ""),
                ("依据", _ledger_basis),
                ("分值", lambda e: e.points),
            ],
            rows=entries.iterator(chunk_size=1000),
        )
    totals = entries.aggregate(
        earned=Sum("points", filter=Q(kind="earned"), default=0),
        deducted=Sum("points", filter=Q(kind="deducted"), default=0),
        total=Sum("points", default=0),
    )
    page = Paginator(entries, PAGE).get_page(request.GET.get("page"))
    for entry in page:
        entry.basis = _ledger_basis(entry)
    return render(
        request,
        "inspections/points_ledger.html",
        {"officer": officer, "period": period, "page": page, "totals": totals},
    )


# --- Interference register ---


@login_required
def interference_list(request):
    records = (
        selectors.interference_for(request.user).select_related("recorded_by", "unit").order_by("-occurred_at", "-id")
    )
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.interference",
            title="干预司法登记",
            columns=[
                ("发生时间", lambda r: r.occurred_at),
                ("干预人", lambda r: r.who_name),
                ("身份", lambda r: r.get_who_kind_display()),
                ("职务或关系", lambda r: r.who_position),
                ("方式", lambda r: r.get_method_display()),
                ("涉及案件", lambda r: r.case_reference),
                ("干预内容", lambda r: r.description),
                ("处理情况", lambda r: r.response),
                ("登记人", lambda r: r.recorded_by.name),
                ("登记时间", lambda r: r.recorded_at),
            ],
            rows=records.iterator(chunk_size=1000),
        )
    page = Paginator(records, PAGE).get_page(request.GET.get("page"))
    return render(request, "inspections/interference_list.html", {"page": page})


@login_required
def interference_create(request):
    form = InterferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.interference_record(by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("Recorded. Thank you for reporting it."))
            return redirect("inspections:interference")
    return render(request, "inspections/interference_form.html", {"form": form})


# --- Roster and evaluation ---


@login_required
def roster(request):
    if not can_see_evaluations(request.user):
        raise PermissionDenied
    period = periods.from_request(request.GET.get("period"))
    form = ShiftForm(request.POST or None, user=request.user) if can_supervise(request.user) else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.shift_add(by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Shift added to the roster."))
                return redirect(f"{request.path}?period={period.label}")
    shifts = (
        selectors.shifts_for(request.user)
        .filter(starts_at__lt=period.ends_at, ends_at__gt=period.starts_at)
        .order_by("starts_at", "id")
    )
    if request.method == "GET" and _export_requested(request):
        return _xlsx(
            request,
            "inspections.roster",
            title=f"坐堂值班表-{period.label}",
            columns=[
                ("值班领导", lambda s: s.leader.name),
                ("警号", lambda s: s.leader.police_number),
                ("单位", lambda s: s.unit.name),
                ("开始时间", lambda s: s.starts_at),
                ("结束时间", lambda s: s.ends_at),
            ],
            rows=shifts.iterator(chunk_size=1000),
        )
    page = Paginator(shifts, 100).get_page(request.GET.get("page"))
    return render(request, "inspections/roster.html", {"page": page, "form": form, "period": period})


@login_required
def evaluation(request):
    if not can_see_evaluations(request.user):
        raise PermissionDenied
    period = periods.from_request(request.GET.get("period"))
    rows = selectors.leader_evaluations(user=request.user, period=period)
    if _export_requested(request):
        return _xlsx(
            request,
            "inspections.evaluation",
            title=f"中层领导履职考评-{period.label}",
            columns=[
                ("名次", lambda e: e.rank),
                ("姓名", lambda e: e.leader_name),
                ("单位", lambda e: e.unit_name),
                ("值班次数", lambda e: e.shifts),
                ("应审核事项", lambda e: e.items),
                ("及时审核", lambda e: e.on_time),
                ("超时审核", lambda e: e.late),
                ("平均审核用时（小时）", lambda e: e.average_hours),
                ("审批后被确认问题", lambda e: e.flagged),
                ("值班期间执法问题", lambda e: e.findings),
                ("案件审核测试平均分", lambda e: e.test_average),
                ("履职得分", lambda e: e.duty_score),
                ("综合得分", lambda e: e.score),
            ],
            rows=rows,
        )
    return render(request, "inspections/evaluation.html", {"rows": rows, "period": period})


# --- The supervision committee ---


@login_required
def committee_list(request):
    if not can_see_committee(request.user):
        raise PermissionDenied
    if request.method == "POST":
        if not can_supervise(request.user):
            raise PermissionDenied
        try:
            period = periods.parse(request.POST.get("period", ""))
            committee = services.committee_analyse(by=request.user, period=period)
        except ValidationError as exc:
            messages.error(request, _message(exc))
        else:
            return redirect("inspections:committee_detail", pk=committee.pk)
    elif _export_requested(request):
        return _xlsx(
            request,
            "inspections.committee",
            title="执法监督管理委员会",
            columns=[
                ("期间", lambda c: c.label),
                ("起始日期", lambda c: c.start),
                ("截止日期", lambda c: c.end),
                ("分析生成时间", lambda c: c.generated_at),
                ("执法问题", lambda c: (c.analysis or {}).get("total", 0)),
                ("整改闭环率（%）", lambda c: (c.analysis or {}).get("closure_rate")),
                ("突出问题", lambda c: ((c.analysis or {}).get("top") or {}).get("name", "")),
                ("确定的顽疾", lambda c: c.chronic_category.name if c.chronic_category_id else ""),
                ("专项整治", lambda c: c.campaign_title),
                ("专项整治截止", lambda c: c.campaign_ends),
                ("决定时间", lambda c: c.decided_at),
            ],
            rows=selectors.committees_for(request.user).order_by("-start", "-id"),
        )
    return render(
        request,
        "inspections/committee_list.html",
        {
            "committees": selectors.committees_for(request.user),
            "can_supervise": can_supervise(request.user),
            "suggested": periods.current_quarter().label,
        },
    )


@login_required
def committee_detail(request, pk: int):
    if not can_see_committee(request.user):
        raise PermissionDenied
    committee = get_object_or_404(selectors.committees_for(request.user), pk=pk)
    form = None
    if can_supervise(request.user) and committee.chronic_category_id is None:
        top = (committee.analysis or {}).get("top") or {}
        initial = {}
        if top.get("code"):
            initial["category"] = selectors.categories().filter(code=top["code"]).first()
        form = CommitteeChoiceForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.committee_choose(
                    committee=committee,
                    by=request.user,
                    category=form.cleaned_data["category"],
                    title=form.cleaned_data["campaign_title"],
                    ends=form.cleaned_data["campaign_ends"],
                )
            except ValidationError as exc:
                _add_errors(form, exc)
            except Conflict as exc:
                messages.error(request, _message(exc))
            else:
                messages.success(request, _("The committee's choice is recorded."))
                return redirect("inspections:committee_detail", pk=pk)
    return render(
        request,
        "inspections/committee_detail.html",
        {
            "committee": committee,
            "analysis": committee.analysis or {},
            "form": form,
            "progress": selectors.campaign_progress(committee) if committee.chronic_category_id else None,
            "can_supervise": can_supervise(request.user),
        },
    )
