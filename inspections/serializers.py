from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Severity
from inspections.models import (
    AccountabilityCase,
    AccountabilityDecision,
    Finding,
    FindingCategory,
    OrderAnswer,
    OrderEvent,
    RectificationOrder,
    Source,
)
from org.models import Unit, User
from org.serializers import CodeField


class OrderEventSerializer(serializers.ModelSerializer):
    by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)

    class Meta:
        model = OrderEvent
        fields = ["from_status", "to_status", "by", "at", "note"]


class OrderAnswerSerializer(serializers.ModelSerializer):
    answered_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)

    class Meta:
        model = OrderAnswer
        fields = ["id", "text", "answered_by", "answered_at"]


class OrderSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    verified_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    closed_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    answers = OrderAnswerSerializer(many=True, read_only=True)
    transitions = OrderEventSerializer(many=True, read_only=True)
    is_overdue = serializers.BooleanField(read_only=True, help_text=_("Open and past its deadline (marked overdue)."))

    class Meta:
        model = RectificationOrder
        fields = [
            "id",
            "finding",
            "unit",
            "requirement",
            "status",
            "due_at",
            "issued_at",
            "issued_by",
            "answered_at",
            "times_returned",
            "is_overdue",
            "overdue_at",
            "verified_at",
            "verified_by",
            "closed_at",
            "closed_by",
            "answers",
            "transitions",
        ]
        read_only_fields = fields


class FindingSerializer(serializers.ModelSerializer):
    """Read a finding; record one from an inspection (the unit by code, the category by code)."""

    unit = CodeField(slug_field="code", queryset=Unit.objects.none())
    category = CodeField(slug_field="code", queryset=FindingCategory.objects.filter(is_active=True))
    inspector = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.MEDIUM)
    source = serializers.ChoiceField(choices=[c for c in Source.choices if c[0] != Source.ALERT])
    officers = CodeField(
        slug_field="police_number", queryset=User.objects.none(), many=True, required=False, write_only=True
    )
    officer_ids = serializers.ListField(source="officers", child=serializers.IntegerField(), read_only=True)
    order_status = serializers.CharField(source="order.status", read_only=True)
    due_at = serializers.DateTimeField(write_only=True, help_text=_("Deadline of the rectification order."))
    requirement = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")

    class Meta:
        model = Finding
        fields = [
            "id",
            "unit",
            "category",
            "severity",
            "source",
            "alert",
            "incident",
            "case",
            "description",
            "occurred_at",
            "found_at",
            "inspector",
            "officers",
            "officer_ids",
            "cross_inspection",
            "campaign",
            "excluded_from_scoring",
            "exclusion_reason",
            "order_status",
            "due_at",
            "requirement",
        ]
        read_only_fields = [
            "id",
            "alert",
            "incident",
            "case",
            "found_at",
            "inspector",
            "campaign",
            "excluded_from_scoring",
            "exclusion_reason",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            bureau = request.user.bureau_id
            self.fields["unit"].queryset = Unit.objects.filter(bureau_id=bureau, is_active=True)
            self.fields["officers"].child_relation.queryset = User.objects.filter(bureau_id=bureau)


class AnswerInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReturnInputSerializer(serializers.Serializer):
    reason = serializers.CharField()
    due_at = serializers.DateTimeField()


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class DecisionSerializer(serializers.ModelSerializer):
    officer = serializers.SlugRelatedField(slug_field="police_number", read_only=True)

    class Meta:
        model = AccountabilityDecision
        fields = ["officer", "liability", "outcome", "points", "exemption_grounds", "note"]


class AccountabilityCaseSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    opened_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    decisions = DecisionSerializer(many=True, read_only=True)

    class Meta:
        model = AccountabilityCase
        fields = [
            "id",
            "finding",
            "unit",
            "summary",
            "status",
            "opened_by",
            "opened_at",
            "decided_by",
            "decided_at",
            "decisions",
        ]
        read_only_fields = fields


class EvaluationSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    leader_id = serializers.IntegerField()
    leader_name = serializers.CharField()
    unit_id = serializers.IntegerField()
    unit_name = serializers.CharField()
    shifts = serializers.IntegerField()
    items = serializers.IntegerField(help_text=_("Steps and extension requests that arrived during the shifts."))
    on_time = serializers.IntegerField()
    late = serializers.IntegerField()
    average_hours = serializers.DecimalField(max_digits=8, decimal_places=1, allow_null=True)
    flagged = serializers.IntegerField(help_text=_("Approvals of the leader later confirmed as problems."))
    findings = serializers.IntegerField(help_text=_("Findings on the leader's watch (excluded defects left out)."))
    tests = serializers.IntegerField()
    test_average = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    duty_score = serializers.DecimalField(max_digits=5, decimal_places=1)
    score = serializers.DecimalField(max_digits=5, decimal_places=1)
