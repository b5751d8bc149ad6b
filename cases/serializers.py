from __future__ import annotations

from rest_framework import serializers

from cases.models import Alert, Case, Rule, Step, StepKind


class StepSerializer(serializers.ModelSerializer):
    class Meta:
        model = Step
        fields = [
            "id",
            *Step.ENTERED_FIELDS,
            "approved_at",
            "note",
            "created_at",
            "reviewed_at",
        ]
        read_only_fields = ["id", "created_at", "reviewed_at", "approved_at"]


class StepCreateSerializer(StepSerializer):
    kind = serializers.ChoiceField(choices=StepKind.choices)


class CaseSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "kind",
            "offence",
            "title",
            "unit",
            "unit_name",
            "incident",
            "lead_officer",
            "opened_at",
            "status",
            "closed_at",
            "colour",
            "colour_reasons",
            "colour_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    steps = StepSerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "steps"]
        read_only_fields = fields


class AlertSerializer(serializers.ModelSerializer):
    rule_code = serializers.CharField(source="rule.code", read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "rule_code",
            "incident",
            "case",
            "unit",
            "officer",
            "assignee",
            "severity",
            "due_at",
            "text",
            "opened_at",
            "status",
            "escalated_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "cleared_at",
            "cleared_reason",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rule
        fields = [
            "code",
            "name",
            "basis",
            "record_kind",
            "period",
            "period_unit",
            "custody",
            "params",
            "breach_colour",
            "severity",
            "warn_at",
            "enabled",
        ]
        read_only_fields = fields
