"""/api/v1/findings/, /rectification-orders/, /accountability-cases/, /duty-evaluations/:
thin views over the services and selectors, scoped like the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from inspections import periods, selectors, services
from inspections.models import RectificationOrder
from inspections.permissions import can_inspect, can_see_evaluations
from inspections.serializers import (
    AccountabilityCaseSerializer,
    AnswerInputSerializer,
    EvaluationSerializer,
    FindingSerializer,
    NoteInputSerializer,
    OrderSerializer,
    ReturnInputSerializer,
)


def _call(service, **kwargs):
    """Django's PermissionDenied from a service answers 403 with its message."""
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc) or None) from exc


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Findings in scope")),
    retrieve=extend_schema(summary=gettext_lazy("One finding")),
    create=extend_schema(
        summary=gettext_lazy("Record a finding of an inspection (its rectification order is issued with it)")
    ),
)
class FindingViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = FindingSerializer
    filterset_fields = ["unit", "category", "source", "severity"]

    def get_queryset(self):
        return (
            selectors.findings_for(self.request.user)
            .select_related("unit", "category", "inspector", "order")
            .order_by("-found_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        if not can_inspect(request.user):  # refuse before validating: no hints to those who may not inspect
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        finding = _call(services.finding_record, by=request.user, **data)
        return Response(self.get_serializer(finding).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("Rectification orders in scope"),
        parameters=[
            OpenApiParameter(
                "status", OpenApiTypes.STR, description="open, overdue (open and past its deadline), or one status"
            )
        ],
    ),
    retrieve=extend_schema(summary=gettext_lazy("One order with its answers and transitions")),
)
class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OrderSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI generator has no user
            return RectificationOrder.objects.none()
        return (
            selectors.order_list(
                user=self.request.user, status=self.request.query_params.get("status", "")
            ).prefetch_related("answers__answered_by", "transitions__by")
            if self.action == "list"
            else selectors.orders_for(self.request.user).select_related("finding")
        )

    def _done(self, order):
        order = selectors.orders_for(self.request.user).get(pk=order.pk)
        return Response(OrderSerializer(order).data)

    @extend_schema(
        summary=gettext_lazy("The unit answers (what was done, evidence files)"), request=AnswerInputSerializer
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None, version=None):
        order = self.get_object()
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        files = request.FILES.getlist("files") if hasattr(request, "FILES") else []
        order = _call(
            services.order_answer, order=order, by=request.user, text=serializer.validated_data["text"], files=files
        )
        return self._done(order)

    @extend_schema(
        summary=gettext_lazy("Send the answer back with a reason and a new deadline"), request=ReturnInputSerializer
    )
    @action(detail=True, methods=["post"], url_path="return")
    def send_back(self, request, pk=None, version=None):
        order = self.get_object()
        serializer = ReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._done(_call(services.order_return, order=order, by=request.user, **serializer.validated_data))

    @extend_schema(summary=gettext_lazy("Verify the rectification"), request=NoteInputSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None, version=None):
        order = self.get_object()
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._done(_call(services.order_verify, order=order, by=request.user, **serializer.validated_data))

    @extend_schema(summary=gettext_lazy("Close the loop"), request=NoteInputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None, version=None):
        order = self.get_object()
        serializer = NoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._done(_call(services.order_close, order=order, by=request.user, **serializer.validated_data))


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Accountability cases in scope")),
    retrieve=extend_schema(summary=gettext_lazy("One case")),
)
class AccountabilityCaseViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AccountabilityCaseSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            selectors.accountability_for(self.request.user)
            .prefetch_related("decisions__officer")
            .select_related("unit", "opened_by", "decided_by")
            .order_by("-opened_at", "-id")
        )


class EvaluationViewSet(viewsets.ViewSet):
    """The middle leaders' duty evaluation of a period, computed from the records."""

    @extend_schema(
        summary=gettext_lazy("Duty evaluation of the leaders on the roster (ranked)"),
        parameters=[OpenApiParameter("period", OpenApiTypes.STR, description="2025, 2025-Q2 or 2025-04")],
        responses=EvaluationSerializer(many=True),
    )
    def list(self, request, version=None):
        if not can_see_evaluations(request.user):
            raise PermissionDenied
        period = periods.parse(request.query_params.get("period") or periods.current_quarter().label)
        rows = selectors.leader_evaluations(user=request.user, period=period)
        return Response(EvaluationSerializer(rows, many=True).data)
