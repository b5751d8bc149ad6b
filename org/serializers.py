from rest_framework import serializers

from org.models import LegalOfficerAssignment, Unit, User


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "is_active"]


class OfficerSerializer(serializers.ModelSerializer):
    # Leadership and administrators may belong to no unit.
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "police_number", "name", "unit", "rank", "role", "hire_date", "is_auxiliary"]


class AssignmentSerializer(serializers.ModelSerializer):
    officer = serializers.SlugRelatedField(slug_field="police_number", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = LegalOfficerAssignment
        fields = ["id", "officer", "unit", "start_date", "end_date"]
