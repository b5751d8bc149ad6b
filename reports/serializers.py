from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from reports.formulas import FORMULAS
from reports.models import AnnualReport, BuildStatus, Metric
from reports.selectors import target_text


class MetricSerializer(serializers.ModelSerializer):
    available = serializers.SerializerMethodField(help_text="False while the formula's source app has not landed.")
    source = serializers.SerializerMethodField()
    target_text = serializers.SerializerMethodField()

    class Meta:
        model = Metric
        fields = [
            "code",
            "name",
            "formula",
            "source",
            "measure",
            "unit_label",
            "direction",
            "target",
            "target_text",
            "period",
            "is_assessed",
            "is_enabled",
            "available",
            "note",
        ]

    def get_available(self, obj: Metric) -> bool:
        formula = FORMULAS.get(obj.formula)
        return bool(obj.is_enabled and formula and formula.available)

    def get_source(self, obj: Metric) -> str:
        formula = FORMULAS.get(obj.formula)
        return formula.source if formula else ""

    def get_target_text(self, obj: Metric) -> str:
        return target_text(obj)


class MetricValueSerializer(serializers.Serializer):
    code = serializers.CharField()
    unit = serializers.CharField(allow_null=True, help_text="Unit code; null for the whole bureau.")
    numerator = serializers.IntegerField()
    denominator = serializers.IntegerField()
    value = serializers.DecimalField(max_digits=14, decimal_places=1, allow_null=True)
    text = serializers.CharField()
    met = serializers.BooleanField(allow_null=True)


class MetricValuesSerializer(serializers.Serializer):
    period = serializers.CharField()
    computed = serializers.BooleanField(help_text="False: no refresh has covered the period; nothing is judged.")
    as_of = serializers.DateTimeField(allow_null=True, help_text="The stored figures' time (the oldest month's).")
    values = MetricValueSerializer(many=True)


class AnnualReportSerializer(serializers.ModelSerializer):
    docx_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = AnnualReport
        fields = ["id", "year", "status", "title", "organ", "published_at", "signed_on", "docx_url", "pdf_url"]

    def _url(self, obj: AnnualReport, fmt: str) -> str | None:
        build = next((b for b in obj.builds.all() if b.kind == "final" and b.status == BuildStatus.DONE), None)
        if build is None:
            return None
        path = reverse("reports:build_download", args=[obj.pk, build.pk, fmt])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_docx_url(self, obj: AnnualReport) -> str | None:
        return self._url(obj, "docx")

    def get_pdf_url(self, obj: AnnualReport) -> str | None:
        return self._url(obj, "pdf")
