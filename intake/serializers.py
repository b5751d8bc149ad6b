from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from intake.models import (
    DISPOSITIONS_NEEDING_REASON,
    Disposition,
    ExtensionKind,
    ExtensionRequest,
    Incident,
    IncidentVersion,
)
from intake.services import check_content
from org.masking import mask_id_card, mask_phone
from org.models import Unit, User
from org.selectors import officers_for, units_for
from org.serializers import CodeField, PrebuiltFieldsMixin


class IncidentListSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "dispatch_id",
            "received_at",
            "channel",
            "category",
            "is_anonymous",
            "reporter_name",
            "location",
            "amount",
            "summary",
            "unit",
            "disposition",
            "colour",
            "version",
        ]


class IncidentSerializer(PrebuiltFieldsMixin, serializers.ModelSerializer):
    """Create and read one report. The unit is given by its code; the receiving officer by police number."""

    unit = CodeField(slug_field="code", queryset=Unit.objects.none(), scope=units_for)
    receiving_officer = CodeField(
        slug_field="police_number", queryset=User.objects.none(), scope=officers_for, required=False, allow_null=True
    )
    decided_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)

    class Meta:
        model = Incident
        fields = [
            "id",
            "number",
            "dispatch_id",
            "unit",
            "channel",
            "received_at",
            "category",
            "is_anonymous",
            "reporter_name",
            "reporter_id_number",
            "reporter_phone",
            "location",
            "amount",
            "summary",
            "receiving_officer",
            "version",
            "disposition",
            "disposition_reason",
            "decided_at",
            "decided_by",
            "is_complex",
            "colour",
            "colour_reasons",
            "created_at",
        ]
        read_only_fields = [
            "id",
            "number",
            "dispatch_id",
            "version",
            "disposition",
            "disposition_reason",
            "decided_at",
            "decided_by",
            "is_complex",
            "created_at",
        ]

    def validate_reporter_id_number(self, value: str) -> str:
        return value.strip().upper()

    def to_representation(self, instance):
        # Personal identifiers are masked; GET …/{id}/reporter/ gives them in full (and records it).
        data = super().to_representation(instance)
        data["reporter_id_number"] = mask_id_card(data.get("reporter_id_number") or "")
        data["reporter_phone"] = mask_phone(data.get("reporter_phone") or "")
        return data

    def validate(self, attrs):
        merged = dict(attrs)
        if self.instance is not None:
            for field in Incident.CONTENT_FIELDS:
                merged.setdefault(field, getattr(self.instance, field))
        try:
            check_content(merged, user=self.context["request"].user)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs


class CorrectionSerializer(IncidentSerializer):
    reason = serializers.CharField(help_text=_("Why the record is corrected."))
    expected_version = serializers.IntegerField(
        required=False, help_text=_("The version the correction was made against; a newer one is refused (409).")
    )

    class Meta(IncidentSerializer.Meta):
        fields = [*IncidentSerializer.Meta.fields, "reason", "expected_version"]
        read_only_fields = [*IncidentSerializer.Meta.read_only_fields, "unit"]
        extra_kwargs = {f: {"required": False} for f in Incident.CONTENT_FIELDS}

    def validate(self, attrs):
        # Partial updates skip "required"; a correction without a reason is still refused.
        if not (attrs.get("reason") or "").strip():
            raise serializers.ValidationError({"reason": _("Say why the record is corrected.")})
        return super().validate(attrs)


class VersionSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    receiving_officer = serializers.SlugRelatedField(slug_field="police_number", read_only=True)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["reporter_id_number"] = mask_id_card(data.get("reporter_id_number") or "")
        data["reporter_phone"] = mask_phone(data.get("reporter_phone") or "")
        return data

    class Meta:
        model = IncidentVersion
        fields = ["version", "reason", "created_at", "created_by", *Incident.CONTENT_FIELDS]


class DecisionSerializer(serializers.Serializer):
    disposition = serializers.ChoiceField(choices=[c for c in Disposition.choices if c[0] != Disposition.PENDING])
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if attrs["disposition"] in DISPOSITIONS_NEEDING_REASON and not attrs["reason"].strip():
            raise serializers.ValidationError({"reason": _("This decision needs a reason.")})
        return attrs


class ExtensionRequestSerializer(serializers.ModelSerializer):
    incident = serializers.PrimaryKeyRelatedField(read_only=True)
    requested_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    decided_by = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    kind = serializers.ChoiceField(choices=ExtensionKind.choices)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "incident",
            "kind",
            "reason",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
        ]
        read_only_fields = ["id", "status", "requested_at", "decided_at", "decision_note"]


class ExtensionDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class ReporterSerializer(serializers.ModelSerializer):
    class Meta:
        model = Incident
        fields = ["id", "is_anonymous", "reporter_name", "reporter_id_number", "reporter_phone"]
