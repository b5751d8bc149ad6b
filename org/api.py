"""Read-only organisation endpoints; every queryset comes from a scoped selector."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from org import selectors
from org.serializers import AssignmentSerializer, OfficerSerializer, UnitSerializer


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    filterset_fields = ["kind", "is_active"]

    def get_queryset(self):
        return selectors.units_for(self.request.user).order_by("code")


class OfficerViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = OfficerSerializer
    filterset_fields = ["role", "is_auxiliary"]

    def get_queryset(self):
        return selectors.officers_for(self.request.user).order_by("police_number")


class AssignmentViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AssignmentSerializer

    def get_queryset(self):
        return selectors.assignments_for(self.request.user).order_by("-start_date", "id")


@extend_schema(responses=OfficerSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in officer."""
    return Response(OfficerSerializer(request.user).data)
