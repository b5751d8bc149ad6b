"""Training over REST: reads through the scoped selectors; taking a test through the same
services as the browser (start, answer, submit)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from training import selectors, services
from training.serializers import (
    AnswerSerializer,
    AttemptSerializer,
    AttemptStartSerializer,
    GuidanceSerializer,
    QualificationSerializer,
    SessionSerializer,
    SpotTestSerializer,
)
from training.services import AttemptNotFound, TrainingRefused


def _refused(refused: TrainingRefused) -> Response:
    return Response({"detail": refused.message, "code": refused.code}, status=refused.status)


class SessionViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SessionSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.sessions_for(self.request.user).order_by("-held_on", "-id")


class SpotTestViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = SpotTestSerializer
    filterset_fields = ["status"]

    def get_queryset(self):
        return selectors.tests_for(self.request.user).order_by("-held_on", "-id")


class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in officer's own attempts; start one, save answers, hand it in."""

    serializer_class = AttemptSerializer

    def get_queryset(self):
        return selectors.my_attempts(self.request.user).order_by("-started_at", "-id")

    @extend_schema(request=AttemptStartSerializer, responses=AttemptSerializer)
    def create(self, request, *args, **kwargs):
        data = AttemptStartSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        test = selectors.my_tests(request.user).filter(pk=data.validated_data["test"]).first()
        if test is None:
            raise Http404
        try:
            attempt = services.attempt_start(test=test, officer=request.user)
        except TrainingRefused as refused:
            return _refused(refused)
        return Response(AttemptSerializer(attempt).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None, version=None):
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            services.answer_save(
                attempt_id=int(pk),
                officer=request.user,
                question_id=data.validated_data["question"],
                choice=data.validated_data["choice"],
            )
        except AttemptNotFound as missing:
            raise Http404 from missing
        except TrainingRefused as refused:
            return _refused(refused)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=AttemptSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, version=None):
        try:
            attempt = services.attempt_submit(attempt_id=int(pk), officer=request.user)
        except AttemptNotFound as missing:
            raise Http404 from missing
        except TrainingRefused as refused:
            return _refused(refused)
        return Response(AttemptSerializer(attempt).data)


class QualificationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = QualificationSerializer
    filterset_fields = ["kind"]

    def get_queryset(self):
        return selectors.qualifications_for(self.request.user).order_by("officer__police_number", "kind", "id")


class GuidanceViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = GuidanceSerializer
    filterset_fields = ["category", "is_current"]

    def get_queryset(self):
        return selectors.guidance_for(self.request.user).order_by("category", "topic", "-version")
