import copy

from rest_framework import serializers

from org.models import LegalOfficerAssignment, Unit, User


class PrebuiltFieldsMixin:
    """A ModelSerializer whose fields are built from the model once per class and copied for each
    use (the copy DRF makes of declared fields anyway). Building them cost a desk save more than
    its INSERT. Only for serializers whose fields do not depend on the request."""

    def get_fields(self):
        cls = type(self)
        prototype = cls.__dict__.get("_prebuilt_fields")
        if prototype is None:  # per class: a subclass builds its own
            prototype = super().get_fields()
            cls._prebuilt_fields = prototype
        return copy.deepcopy(prototype)


class CodeField(serializers.SlugRelatedField):
    """A record named by its code or police number. A value PostgreSQL cannot hold (a NUL
    byte) names no record: answered as such, not as a database error."""

    def __init__(self, *args, scope=None, **kwargs):
        # scope: the selector (user -> queryset) of the records this user may name. Called only
        # when a value is given, so an optional field left out costs no queryset.
        self.scope = scope
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if self.scope is not None and request is not None and request.user.is_authenticated:
            return self.scope(request.user)
        return super().get_queryset()

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
