"""The REST API under /api/v1/: each app contributes its routes here."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from cases import api as cases_api
from inspections import api as inspections_api
from intake import api as intake_api
from org import api as org_api
from reports import api as reports_api
from training import api as training_api

router = DefaultRouter()
router.register("units", org_api.UnitViewSet, basename="unit")
router.register("officers", org_api.OfficerViewSet, basename="officer")
router.register("assignments", org_api.AssignmentViewSet, basename="assignment")
router.register("training/sessions", training_api.SessionViewSet, basename="training-session")
router.register("training/tests", training_api.SpotTestViewSet, basename="training-test")
router.register("training/attempts", training_api.AttemptViewSet, basename="training-attempt")
router.register("training/qualifications", training_api.QualificationViewSet, basename="training-qualification")
router.register("training/guidance", training_api.GuidanceViewSet, basename="training-guidance")
router.register("incidents", intake_api.IncidentViewSet, basename="incident")
router.register("extension-requests", intake_api.ExtensionRequestViewSet, basename="extension-request")
router.register("findings", inspections_api.FindingViewSet, basename="finding")
router.register("rectification-orders", inspections_api.OrderViewSet, basename="rectification-order")
router.register("accountability-cases", inspections_api.AccountabilityCaseViewSet, basename="accountability-case")
router.register("duty-evaluations", inspections_api.EvaluationViewSet, basename="duty-evaluation")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("alerts", cases_api.AlertViewSet, basename="alert")
router.register("rules", cases_api.RuleViewSet, basename="rule")
router.register("metrics", reports_api.MetricViewSet, basename="metric")
router.register("annual-reports", reports_api.AnnualReportViewSet, basename="annual-report")

urlpatterns = [
    path("me/", org_api.me, name="me"),
    *router.urls,
]
