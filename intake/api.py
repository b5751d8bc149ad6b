"""/api/v1/incidents/ and /api/v1/extension-requests/: thin views over the services."""

from __future__ import annotations

from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import fields as serializers_fields
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from intake import selectors, services
from intake.filters import IncidentFilter
from intake.models import Source
from intake.permissions import can_log
from intake.serializers import (
    CorrectionSerializer,
    DecisionSerializer,
    ExtensionDecisionSerializer,
    ExtensionRequestSerializer,
    IncidentListSerializer,
    IncidentSerializer,
    ReporterSerializer,
    VersionSerializer,
)
from org.models import SecurityEventKind
from org.security import record


class KeysetPagination(BasePagination):
    """Pages of 50 by (received_at, id), newest first; no COUNT(*) however large the register."""

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        order = request.query_params.get("order", "newest")
        self.page = selectors.keyset_page(
            queryset, order=order, cursor=request.query_params.get("cursor"), size=self.page_size
        )
        return self.page.rows

    def _link(self, cursor):
        if not cursor:
            return None
        params = self.request.query_params.copy()
        params["cursor"] = cursor
        return self.request.build_absolute_uri(f"{self.request.path}?{urlencode(params, doseq=True)}")

    def get_paginated_response(self, data):
        return Response(
            {"next": self._link(self.page.next_cursor), "previous": self._link(self.page.prev_cursor), "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": "cursor", "in": "query", "required": False, "schema": {"type": "string"}},
            {
                "name": "order",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": ["newest", "oldest"]},
            },
        ]


CREATE_EXAMPLE = OpenApiExample(
    "来所报警：电动车被盗",
    request_only=True,
    value={
        "unit": "CGS",
        "channel": "walk_in",
        "received_at": "2025-03-01T09:30:00+08:00",
        "category": "criminal",
        "reporter_name": "张伟",
        "reporter_id_number": "11010519491231002X",
        "reporter_phone": "13812345678",
        "location": "人民路菜市场门口",
        "amount": "3000.00",
        "summary": "报警人称其停放在菜市场门口的电动车被盗，价值约3000元。",
    },
)


# The list answers from .values() rows with a plain function: at 50 rows a page, DRF's
# per-field serializer machinery cost more than the query itself (make bench, intake.list_*).
# IncidentListSerializer stays the one definition of the row's shape (and the schema's).
LIST_FIELDS = IncidentListSerializer.Meta.fields
LIST_VALUES = tuple("unit__code" if name == "unit" else name for name in LIST_FIELDS)
_DATETIME = serializers_fields.DateTimeField()


def list_row(row: dict) -> dict:
    out = {name: row[value] for name, value in zip(LIST_FIELDS, LIST_VALUES, strict=True)}
    out["received_at"] = _DATETIME.to_representation(out["received_at"])
    out["amount"] = None if out["amount"] is None else str(out["amount"])
    return out


@extend_schema_view(
    list=extend_schema(
        summary=gettext_lazy("List incidents in scope"),
        parameters=[OpenApiParameter("q", OpenApiTypes.STR)],
        responses=IncidentListSerializer(many=True),
    ),
    retrieve=extend_schema(summary=gettext_lazy("One incident")),
    create=extend_schema(summary=gettext_lazy("Log a report"), examples=[CREATE_EXAMPLE]),
)
class IncidentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    filterset_class = IncidentFilter
    pagination_class = KeysetPagination

    def get_queryset(self):
        queryset = selectors.incidents_for(self.request.user)
        if self.action == "list":
            return queryset.select_related("unit")
        return queryset.select_related("unit", "receiving_officer", "decided_by")

    def get_serializer_class(self):
        return IncidentListSerializer if self.action == "list" else IncidentSerializer

    def list(self, request, *args, **kwargs):
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values(*LIST_VALUES))
        return self.get_paginated_response([list_row(row) for row in rows])

    def create(self, request, *args, **kwargs):
        if not can_log(request.user):  # refuse before validating: no hints to those who may not log
            raise PermissionDenied(_("Your role does not log incident reports."))
        serializer = IncidentSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        unit = data.pop("unit")
        # The validated serializer answers too: building a ModelSerializer's fields twice cost more than the insert.
        serializer.instance = services.incident_log(by=request.user, unit=unit, data=data, source=Source.API)
        return Response(serializer.data, status=201)

    @extend_schema(
        summary=gettext_lazy("Correct a report (a new version)"),
        request=CorrectionSerializer,
        responses={200: IncidentSerializer, 409: OpenApiTypes.OBJECT},
        examples=[
            OpenApiExample(
                "更正发案地点",
                request_only=True,
                value={"location": "人民路88号", "reason": "报警人补充了准确地址", "expected_version": 1},
            )
        ],
    )
    @action(detail=True, methods=["post"])
    def corrections(self, request, pk=None, version=None):
        incident = self.get_object()
        serializer = CorrectionSerializer(
            incident, data=request.data, partial=True, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason")
        expected = data.pop("expected_version", None)
        incident = services.incident_correct(
            incident=incident, by=request.user, changes=data, reason=reason, expected_version=expected
        )
        return Response(IncidentSerializer(incident, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=gettext_lazy("The reporter's identity in full (recorded as a security event)"),
        responses=ReporterSerializer,
    )
    @action(detail=True, methods=["get"])
    def reporter(self, request, pk=None, version=None):
        incident = self.get_object()
        record(request, SecurityEventKind.REVEAL, record=f"intake.incident:{incident.pk}")
        return Response(ReporterSerializer(incident).data)

    @extend_schema(summary=gettext_lazy("Every version of a report"), responses=VersionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None, version=None):
        incident = self.get_object()
        return Response(VersionSerializer(selectors.incident_versions(incident), many=True).data)

    @extend_schema(
        summary=gettext_lazy("Decide a report (受案 / 立案 / 不予立案 …)"),
        request=DecisionSerializer,
        responses={200: IncidentSerializer, 409: OpenApiTypes.OBJECT},
        examples=[OpenApiExample("立案", request_only=True, value={"disposition": "filed"})],
    )
    @action(detail=True, methods=["post"])
    def decision(self, request, pk=None, version=None):
        incident = self.get_object()
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        incident = services.incident_decide(incident=incident, by=request.user, **serializer.validated_data)
        return Response(IncidentSerializer(incident, context=self.get_serializer_context()).data)

    @extend_schema(
        summary=gettext_lazy("Ask the unit leader for a longer review period"),
        request=ExtensionRequestSerializer,
        responses={201: ExtensionRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="extension-requests")
    def extension_requests(self, request, pk=None, version=None):
        incident = self.get_object()
        serializer = ExtensionRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ext = services.extension_request(
            incident=incident,
            by=request.user,
            kind=serializer.validated_data["kind"],
            reason=serializer.validated_data["reason"],
        )
        return Response(ExtensionRequestSerializer(ext).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=gettext_lazy("Extension requests in scope")),
    retrieve=extend_schema(summary=gettext_lazy("One request")),
)
class ExtensionRequestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ExtensionRequestSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.extension_requests_for(self.request.user).order_by("-requested_at", "-id")

    @extend_schema(summary=gettext_lazy("Approve or reject (unit leader)"), request=ExtensionDecisionSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, version=None):
        ext = self.get_object()
        serializer = ExtensionDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ext = services.extension_decide(
            request=ext,
            by=request.user,
            approve=serializer.validated_data["approve"],
            note=serializer.validated_data["note"],
        )
        return Response(ExtensionRequestSerializer(ext).data)
