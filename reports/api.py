"""/api/v1/metrics/ and /api/v1/annual-reports/: read-only, scoped like the pages."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from reports import selectors
from reports.models import AnnualReport, Metric
from reports.periods import parse_period
from reports.permissions import can_read_reports, can_view_metrics
from reports.serializers import AnnualReportSerializer, MetricSerializer, MetricValuesSerializer

PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, description="2025, 2025-Q2 or 2025-03 (default: this year)", required=False
)


class MetricViewSet(viewsets.ReadOnlyModelViewSet):
    """The metric registry; `values` gives the figures per unit in scope (and the bureau's)."""

    serializer_class = MetricSerializer
    lookup_field = "code"
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return Metric.objects.none()
        if not can_view_metrics(self.request.user):
            raise PermissionDenied
        return Metric.objects.all()

    @extend_schema(parameters=[PERIOD], responses=MetricValuesSerializer)
    @action(detail=False, methods=["get"])
    def values(self, request, version=None):
        if not can_view_metrics(request.user):
            raise PermissionDenied
        period = parse_period(request.query_params.get("period"), default_year=timezone.localdate().year)
        table = selectors.metric_table(user=request.user, period=period)
        rows = []
        for unit, values in table.unit_rows():
            rows += [_row(v, unit.code) for v in values if v.available]
        rows += [_row(v, None) for v in table.bureau_row() if v.available]
        state = table.state
        data = {"period": period.key, "computed": state.computed, "as_of": state.as_of, "values": rows}
        return Response(MetricValuesSerializer(data).data)


def _row(value, unit_code):
    return {
        "code": value.metric.code,
        "unit": unit_code,
        "numerator": value.num,
        "denominator": value.den,
        "value": value.value,
        "text": value.text,
        "met": value.met,
    }


class AnnualReportViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AnnualReportSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AnnualReport.objects.none()
        if not can_read_reports(self.request.user):
            raise PermissionDenied
        return selectors.reports_for(self.request.user).prefetch_related("builds").order_by("-year")
