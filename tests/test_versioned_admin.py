"""Every record the administrator edits in place in the admin, in the five apps, carries its
version: the change form (and a change list's editable cells) send it back, and a save over a
newer version is refused (org.versioned_admin)."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from org import reference
from org.tests.admin_forms import change_form_data
from org.versioned_admin import VersionedAdmin, VersionedModelForm
from reports.models import Metric
from reports.seed import seed_metrics

APPS = ("org", "cases", "inspections", "training", "reports")


@pytest.mark.django_db
def test_every_record_the_admin_edits_in_place_carries_its_version(bureau):
    request = RequestFactory().get("/admin/")
    request.user = bureau.admin
    editable = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in APPS and model_admin.has_change_permission(request)
    ]
    assert len(editable) > 15
    for model, model_admin in editable:
        assert isinstance(model_admin, VersionedAdmin), model
        assert issubclass(model_admin.form, VersionedModelForm), model
        assert model._meta.get_field("version").default == 1, model


@pytest.mark.django_db
def test_every_admin_change_form_saves_unchanged_as_the_next_version(client, bureau):
    """Each editable admin page of the five apps, opened and saved as it is: the hidden version
    rides along, the save goes through and counts one more."""
    reference.ensure_all()  # the rules, categories … of the data migrations
    seed_metrics(Metric)
    records_of_cases_and_training(bureau)
    request = RequestFactory().get("/admin/")
    request.user = bureau.admin
    client.force_login(bureau.admin)
    saved = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS or not model_admin.has_change_permission(request):
            continue
        record = model._default_manager.order_by("pk").first()
        if record is None:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[record.pk])
        page = client.get(url)
        assert f'name="expected_version" value="{record.version}"' in page.content.decode(), model
        response = client.post(url, change_form_data(page))
        assert response.status_code == 302, (model, response.context and response.context["adminform"].form.errors)
        assert model._default_manager.get(pk=record.pk).version == record.version + 1, model
        saved.append(model._meta.label)
    assert {
        "org.User",
        "org.Unit",
        "org.LegalOfficerAssignment",
        "cases.Rule",
        "cases.Case",
        "cases.Step",
        "inspections.FindingCategory",
        "reports.Metric",
        "training.TrainingSession",
        "training.Question",
        "training.Qualification",
        "training.TalentProfile",
        "training.CaseReviewTest",
    } <= set(saved)


def records_of_cases_and_training(bureau) -> None:
    from django.utils import timezone

    from cases.models import StepKind
    from cases.tests.factories import make_case, make_step
    from training import services
    from training.models import QualificationKind, SessionKind
    from training.tests.factories import question_bank

    now = timezone.now()
    make_step(make_case(bureau.officer, opened_at=now), StepKind.SEARCH, started_at=now, officers=[bureau.officer.pk])
    home = bureau.station_a.bureau
    question_bank(home, n=1)
    services.session_create(
        bureau_id=home.pk, kind=SessionKind.LECTURE, topic="法制大讲堂", held_on=date(2025, 3, 1), organiser=None
    )
    services.qualification_record(officer=bureau.officer, kind=QualificationKind.BASIC, obtained_on=date(2024, 1, 1))
    services.talent_profile_save(officer=bureau.legal_officer, specialties="刑事诉讼")
    services.case_review_record(
        leader=bureau.leader,
        held_on=date(2025, 3, 1),
        case_file="盗窃案卷",
        problems_planted=5,
        problems_found=4,
        examiner=bureau.supervisor,
    )
