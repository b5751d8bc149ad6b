"""/api/v1/cases/, /api/v1/alerts/, /api/v1/rules/: thin views over the selectors and services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases import selectors, services
from cases.models import Alert, AlertStatus
from cases.permissions import can_review_alerts
from cases.serializers import (
    AlertSerializer,
    CaseDetailSerializer,
    CaseSerializer,
    ReviewSerializer,
    RuleSerializer,
    StepCreateSerializer,
    StepSerializer,
)


class CaseViewSet(viewsets.ReadOnlyModelViewSet):
    """Cases in the caller's scope; out of scope is 404. Steps are recorded with POST …/steps/."""

    filterset_fields = ["colour", "status", "kind", "unit"]

    def get_queryset(self):
        return selectors.cases_for(self.request.user).select_related("unit").order_by("-opened_at", "-id")

    def get_serializer_class(self):
        return CaseDetailSerializer if self.action == "retrieve" else CaseSerializer

    @extend_schema(request=StepCreateSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None, version=None):
        case = self.get_object()
        serializer = StepCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        kind = data.pop("kind")
        step = services.step_add(case=case, by=request.user, kind=kind, data=data)
        return Response(StepSerializer(step).data, status=201)


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Alerts in the caller's scope; reviewers confirm (note) or dismiss (reason required)."""

    serializer_class = AlertSerializer
    filterset_fields = ["status", "unit", "severity"]

    def get_queryset(self):
        return selectors.alerts_for(self.request.user).order_by("severity", "opened_at", "id")

    def _review(self, request, confirm: bool) -> Response:
        alert: Alert = self.get_object()
        if not can_review_alerts(request.user, alert):
            raise PermissionDenied
        serializer = ReviewSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = serializer.validated_data["note"]
        if confirm:
            alert = services.alert_confirm(alert=alert, by=request.user, note=note)
        else:
            alert = services.alert_dismiss(alert=alert, by=request.user, reason=note)
        return Response(AlertSerializer(alert).data)

    @extend_schema(request=ReviewSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None, version=None):
        return self._review(request, confirm=True)

    @extend_schema(request=ReviewSerializer, responses=AlertSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None, version=None):
        return self._review(request, confirm=False)


class RuleViewSet(viewsets.ReadOnlyModelViewSet):
    """The control rules (reference data, the same for every bureau); edited in the admin."""

    serializer_class = RuleSerializer
    lookup_field = "code"
    queryset = selectors.rules()
    pagination_class = None


__all__ = ["AlertStatus", "AlertViewSet", "CaseViewSet", "RuleViewSet"]
