from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from org.errors import Conflict
from org.models import Unit
from org.params import positive_int
from org.security import record_export
from reports import selectors, services
from reports.dashboard import dashboard as dashboard_data
from reports.dashboard import default_year
from reports.document import compose
from reports.exports import figure, xlsx_response
from reports.figures import FIGURES, unavailable_placeholders, unknown_placeholders
from reports.formulas import FORMULAS
from reports.models import EDITABLE_FIELDS, AnnualReport, BuildKind, BuildStatus, Metric, ReportBuild
from reports.periods import parse_period, period_choices, year_period
from reports.permissions import can_edit_reports, can_read_reports, can_refresh, can_view_dashboard, can_view_metrics
from reports.records import DETAIL_URLS, columns_for, record_rows


def _period(request):
    return parse_period(request.GET.get("period"), default_year=default_year(request.user.bureau_id))


STATUS_TEXT = {
    "met": "达标",
    "not_met": "未达标",
    "unavailable": "暂无数据",
    "not_computed": "未计算",
    "no_data": "无数据",
    "no_target": "未设目标",
    "not_judged": "本期不评判",
}


def _met_text(value) -> str:
    return STATUS_TEXT[value.status]


@login_required
def dashboard(request):
    if not can_view_dashboard(request.user):
        raise PermissionDenied
    period = _period(request)
    data = dashboard_data(user=request.user, period=period)
    export = request.GET.get("export")
    stamp = period.key
    if export == "metrics":
        rows = [
            [
                v.metric.code,
                v.metric.name,
                figure(v),
                selectors.target_text(v.metric),
                _met_text(v),
                v.metric.note,
            ]
            for v in data["assessed"]
        ]
        record_export(request, "reports.dashboard", table="metrics", period=stamp)
        return xlsx_response(
            f"执法数据考核-{stamp}.xlsx", "执法数据考核", ["编号", "指标", "数值", "目标", "是否达标", "备注"], rows
        )
    if export == "colours":
        c = data["colours"]
        rows = [[u, c["red"][i], c["yellow"][i], c["green"][i]] for i, u in enumerate(c["units"])]
        record_export(request, "reports.dashboard", table="colours", period=stamp)
        return xlsx_response(f"三色警情-{stamp}.xlsx", "三色警情", ["单位", "红色", "黄色", "绿色"], rows)
    if export == "training":
        rows = [
            [
                r["unit"],
                figure(r["attendance"]),
                figure(r["participation"]),
                r["tested"],
                figure(r["pass_rate"]),
                r["exam"],
            ]
            for r in data["training_rows"]
        ]
        headers = ["单位", "学法到课率", "抽测参考率", "抽测参考人次", "抽测合格率", "法考通过（本期新增）"]
        record_export(request, "reports.dashboard", table="training", period=stamp)
        return xlsx_response(f"学法培训-{stamp}.xlsx", "学法培训", headers, rows)
    if export == "alerts" and data["alerts"]["available"]:
        a = data["alerts"]
        rows = [[m, a["opened"][i], a["closed"][i]] for i, m in enumerate(a["months"])]
        record_export(request, "reports.dashboard", table="alerts", period=stamp)
        return xlsx_response(f"预警发起与办结-{stamp}.xlsx", "预警发起与办结", ["月份", "发起", "办结"], rows)
    if export == "ranking":
        rows = [[r["rank"], r["unit"], r["met"], r["judged"]] for r in data["ranking"]]
        record_export(request, "reports.dashboard", table="ranking", period=stamp)
        return xlsx_response(f"单位排名-{stamp}.xlsx", "单位排名", ["名次", "单位", "达标项数", "考核项数"], rows)
    return render(
        request,
        "reports/dashboard.html",
        {**data, "period": period, "periods": period_choices(period.year), "can_refresh": can_refresh(request.user)},
    )


@login_required
@require_POST
def refresh(request):
    if not can_refresh(request.user):
        raise PermissionDenied
    period = parse_period(request.POST.get("period"), default_year=timezone.localdate().year)
    services.figures_refresh_request(by=request.user, year=period.year)
    messages.success(request, _("The figures are being recomputed; reload the page in a minute."))
    return redirect(f"{reverse('reports:dashboard')}?period={period.key}")


@login_required
def metric_list(request):
    if not can_view_metrics(request.user):
        raise PermissionDenied
    period = _period(request)
    table = selectors.metric_table(user=request.user, period=period)
    enabled = [m for m in table.metrics if m.is_enabled]
    disabled = [m for m in table.metrics if not m.is_enabled]
    if request.GET.get("export") == "xlsx":
        headers = ["单位", *[f"{m.code} {m.name}" for m in enabled]]
        index = {m.pk: i for i, m in enumerate(table.metrics)}
        rows = [[u.name, *[figure(values[index[m.pk]]) for m in enabled]] for u, values in table.unit_rows()]
        if table.bureau is not None:
            rows.append(["全局", *[figure(table.bureau[m.pk]) for m in enabled]])
        record_export(request, "reports.metrics", period=period.key)
        return xlsx_response(f"执法数据-{period.key}.xlsx", "执法数据", headers, rows)
    rows = []
    for unit, values in table.unit_rows():
        rows.append((unit, [v for v in values if v.metric.is_enabled]))
    return render(
        request,
        "reports/metrics.html",
        {
            "period": period,
            "periods": period_choices(period.year),
            "enabled": enabled,
            "disabled": disabled,
            "rows": rows,
            "bureau_row": [v for v in table.bureau_row() if v.metric.is_enabled],
            "summary": table.met_summary(),
            "formulas": FORMULAS,
            "targets": {m.pk: selectors.target_text(m) for m in table.metrics},
            "state": table.state,
        },
    )


@login_required
def metric_records(request, code: str):
    if not can_view_metrics(request.user):
        raise PermissionDenied
    try:
        metric, formula = selectors.metric_for_drill(code)
    except Metric.DoesNotExist as exc:
        raise Http404 from exc
    period = _period(request)
    unit = None
    if request.GET.get("unit"):
        try:
            unit = selectors.unit_in_scope(request.user, request.GET["unit"])
        except (Unit.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
    part = "denominator" if request.GET.get("part") == "denominator" and formula.kind == "ratio" else "numerator"
    records = selectors.drill_records(
        user=request.user, metric=metric, formula=formula, period=period, part=part, unit=unit
    ).order_by("-pk")
    columns = columns_for(formula.model)
    if request.GET.get("export") == "xlsx":
        from django.conf import settings

        limit = settings.PORTAL_EXPORT_MAX_ROWS
        rows = record_rows(formula.model, records[:limit], columns)
        record_export(
            request, "reports.records", metric=metric.code, period=period.key, part=part, unit=unit and unit.pk
        )
        return xlsx_response(
            f"{metric.name}-{period.key}.xlsx", metric.name, [str(label) for _p, label in columns], rows
        )
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The stored figure beside the live list: they differ when the data changed since the refresh.
    stored = selectors.stored_value(user=request.user, metric=metric, period=period, unit=unit)
    return render(
        request,
        "reports/records.html",
        {
            "metric": metric,
            "formula": formula,
            "period": period,
            "unit": unit,
            "part": part,
            "page": page,
            "columns": columns,
            "rows": record_rows(formula.model, page.object_list, columns),
            "query": query.urlencode(),
            "detail_url": DETAIL_URLS.get(formula.model),
            "stored": stored,
            "stored_count": stored.den if part == "denominator" else stored.num,
            "state": selectors.figures_state(bureau_id=request.user.bureau_id, period=period),
        },
    )


# --- The annual report -------------------------------------------------------------------


def _report_or_404(user, pk: int) -> AnnualReport:
    try:
        return selectors.reports_for(user).select_related("bureau").get(pk=pk)
    except AnnualReport.DoesNotExist as exc:
        raise Http404 from exc


def _reader(request):
    if not can_read_reports(request.user):
        raise PermissionDenied


@login_required
def annual_list(request):
    _reader(request)
    if request.method == "POST":
        try:
            year = int(request.POST.get("year", ""))
            if not 2000 <= year <= 2100:
                raise ValueError
            report = services.report_create(by=request.user, year=year)
        except ValueError:
            messages.error(request, _("Enter a year such as 2025."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("reports:annual_edit", pk=report.pk)
    return render(
        request,
        "reports/annual_list.html",
        {
            "reports": selectors.reports_for(request.user),
            "can_edit": can_edit_reports(request.user),
            "next_year": timezone.localdate().year - 1,
        },
    )


def _editor_context(request, report: AnnualReport) -> dict:
    services._ensure_figures(report.bureau_id, report.year)
    snapshot = report.snapshot if report.is_published else services.report_snapshot(report)
    figures = snapshot["figures"]
    final = services.published_build(report)
    drafts = list(report.builds.filter(kind=BuildKind.DRAFT)[:3])
    for build in [*drafts, *([final] if final else [])]:
        build.progress = services.build_progress(build.pk)
    return {
        "report": report,
        "figures": [(name, figures[name]) for name in FIGURES],
        "can_edit": can_edit_reports(request.user) and not report.is_published,
        "final": final,
        "drafts": drafts,
        "unavailable": sorted(
            {n for name in EDITABLE_FIELDS for n in unavailable_placeholders(getattr(report, name), figures)}
        ),
        "unknown": sorted({n for name in EDITABLE_FIELDS for n in unknown_placeholders(getattr(report, name))}),
        "state": selectors.figures_state(bureau_id=report.bureau_id, period=year_period(report.year)),
    }


@login_required
def annual_edit(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    return render(request, "reports/annual_edit.html", _editor_context(request, report))


@login_required
@require_POST
def annual_autosave(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    data = {name: request.POST[name] for name in EDITABLE_FIELDS if name in request.POST}
    # The version the editor loaded, then the one each save answered (reports/static/reports/editor.js).
    seen = request.POST.get("version", "")
    context = {"report": report, "saved_at": None, "error": None, "unknown": []}
    try:
        report, unknown = services.report_save(
            by=request.user, report_id=report.pk, data=data, expected_version=positive_int(seen)
        )
    except (ValidationError, Conflict) as exc:
        context["error"] = " ".join(getattr(exc, "messages", [str(exc)]))
        context["conflict"] = isinstance(exc, Conflict)
        status = 409 if isinstance(exc, Conflict) else 400
        return render(request, "reports/_autosave_status.html", context, status=status)
    context.update(report=report, saved_at=timezone.localtime(), unknown=unknown)
    return render(request, "reports/_autosave_status.html", context)


@login_required
def annual_preview(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    if report.is_published:
        snapshot = report.snapshot
    else:
        services._ensure_figures(report.bureau_id, report.year)
        snapshot = services.report_snapshot(report)
    state = selectors.figures_state(bureau_id=report.bureau_id, period=year_period(report.year))
    return render(
        request, "reports/annual_preview.html", {"report": report, "blocks": compose(snapshot), "state": state}
    )


@login_required
@require_POST
def annual_publish(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    try:
        services.report_publish(by=request.user, report_id=report.pk)
    except Conflict as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The report is published and frozen; its files are being generated."))
    return redirect("reports:annual_edit", pk=report.pk)


@login_required
@require_POST
def annual_build(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    services.report_draft_build(by=request.user, report_id=report.pk)
    messages.info(request, _("The draft files are being generated."))
    return redirect("reports:annual_edit", pk=report.pk)


def _build_or_404(user, pk: int, build_pk: int) -> ReportBuild:
    try:
        return selectors.builds_for(user).select_related("report").get(pk=build_pk, report_id=pk)
    except ReportBuild.DoesNotExist as exc:
        raise Http404 from exc


@login_required
def build_status(request, pk: int, build_pk: int):
    _reader(request)
    build = _build_or_404(request.user, pk, build_pk)
    return render(
        request, "reports/_build_status.html", {"build": build, "progress": services.build_progress(build.pk)}
    )


@login_required
def build_download(request, pk: int, build_pk: int, fmt: str):
    _reader(request)
    build = _build_or_404(request.user, pk, build_pk)
    path = build.docx_path if fmt == "docx" else build.pdf_path
    if build.status != BuildStatus.DONE or not path or not Path(path).exists():
        raise Http404
    suffix = "" if build.kind == BuildKind.FINAL else "（草稿）"
    name = f"{build.report.year}年法治政府建设年度报告{suffix}.{fmt}"
    record_export(request, "reports.annual_report", report=build.report_id, build=build.pk, format=fmt)
    response = FileResponse(Path(path).open("rb"), as_attachment=True, filename=name)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
def annual_versions(request, pk: int):
    _reader(request)
    report = _report_or_404(request.user, pk)
    revisions = report.revisions.select_related("saved_by")[:200]
    labels = {name: AnnualReport._meta.get_field(name).verbose_name for name in EDITABLE_FIELDS}
    return render(request, "reports/annual_versions.html", {"report": report, "revisions": revisions, "labels": labels})
