"""The finding categories the administrator keeps: two administrators editing the same one at
once, the second save is refused with a clear message and the first one's content survives."""

from __future__ import annotations

import pytest
from django.urls import reverse

from inspections.models import FindingCategory
from org.models import Role
from org.tests.admin_forms import change_form_data
from org.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_finding_category_edited_by_two_administrators(client, bureau):
    other_admin = UserFactory(
        unit=None, role=Role.ADMIN, bureau=bureau.station_a.bureau, is_staff=True, is_superuser=True
    )
    category = FindingCategory.objects.order_by("position").first()
    url = reverse("admin:inspections_findingcategory_change", args=[category.pk])
    client.force_login(bureau.admin)
    data = change_form_data(client.get(url))

    assert client.post(url, {**data, "name": "不如实受立案（含有案不立）"}).status_code == 302
    client.force_login(other_admin)
    second = client.post(url, {**data, "name": "不如实受案立案"})

    assert second.status_code == 200
    page = second.content.decode()
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in page and "不如实受案立案" in page
    category.refresh_from_db()
    assert (category.name, category.version) == ("不如实受立案（含有案不立）", 2)
