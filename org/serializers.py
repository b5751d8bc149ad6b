from rest_framework import serializers

from org.models import LegalOfficerAssignment, Unit, User


class CodeField(serializers.SlugRelatedField):
    """A record named by its code or police number. A value PostgreSQL cannot hold (a NUL
    byte) names no record: answered as such, not as a database error."""

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", "\\x00"))
        return super().to_internal_value(data)


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
