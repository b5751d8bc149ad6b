from __future__ import annotations

from rest_framework import serializers

from training.models import (
    Attempt,
    GuidanceCategory,
    GuidanceEntry,
    Qualification,
    QualificationKind,
    SessionKind,
    SpotTest,
    TrainingSession,
)


def _codes(choices) -> str:
    return ", ".join(choices.values)


# Plain strings, not enums: "kind" and "category" are names other apps' schemas use too.


class SessionSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_codes(SessionKind))
    organiser = serializers.CharField(source="organiser.police_number", default=None, read_only=True)

    class Meta:
        model = TrainingSession
        fields = ["id", "kind", "topic", "held_on", "organiser", "for_all_units", "materials"]


class SpotTestSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpotTest
        fields = [
            "id",
            "title",
            "status",
            "held_on",
            "rules",
            "time_limit_minutes",
            "pass_score",
            "partial_credit",
            "closes_at",
            "sample_seed",
            "sample_size",
            "population_count",
            "sample_unit_ids",
            "sampled_at",
        ]


class AttemptSerializer(serializers.ModelSerializer):
    officer = serializers.CharField(source="officer.police_number", read_only=True)

    class Meta:
        model = Attempt
        fields = [
            "id",
            "test",
            "officer",
            "unit",
            "status",
            "question_ids",
            "started_at",
            "deadline",
            "finished_at",
            "correct_count",
            "score",
            "passed",
        ]
        read_only_fields = fields


class AttemptStartSerializer(serializers.Serializer):
    test = serializers.IntegerField()


class AnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField()
    choice = serializers.CharField(allow_blank=True, max_length=16, help_text="Option letters (A, ABD) or T / F.")


class QualificationSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text=_codes(QualificationKind))
    officer = serializers.CharField(source="officer.police_number", read_only=True)

    class Meta:
        model = Qualification
        fields = ["id", "officer", "kind", "obtained_on", "expires_on", "certificate_number", "subjective_passed"]


class GuidanceSerializer(serializers.ModelSerializer):
    category = serializers.CharField(read_only=True, help_text=_codes(GuidanceCategory))

    class Meta:
        model = GuidanceEntry
        fields = [
            "id",
            "category",
            "topic",
            "title",
            "version",
            "is_current",
            "steps",
            "documents",
            "deadlines",
            "common_mistakes",
            "legal_basis",
            "published_at",
        ]
