"""Two managers editing the same training record at once: the second save, made against a
version it did not see, is refused with a clear message and the first one's content survives;
the page keeps the second one's input."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from org.errors import Conflict
from org.models import Role
from org.tests.admin_forms import change_form_data
from org.tests.factories import UserFactory
from training import services
from training.models import (
    Attendance,
    AttendanceStatus,
    GuidanceEntry,
    QualificationKind,
    SessionKind,
    TalentProfile,
)
from training.tests.factories import question_bank

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_supervisor(bureau):
    return UserFactory(unit=bureau.legal, role=Role.SUPERVISOR, name="第二监督员")


def guidance_data(**changes) -> dict:
    data = {"category": "criminal", "topic": "盗窃", "title": "盗窃警情处置指引", "steps": "一、询问报警人。"}
    return {**data, **changes}


def test_guidance_edited_from_the_same_version_by_two_managers(client, bureau, second_supervisor):
    home = bureau.station_a.bureau_id
    v1 = services.guidance_publish(bureau_id=home, by=bureau.supervisor, **guidance_data())
    url = reverse("training:guidance_new") + f"?from={v1.pk}"
    # given both managers opened "publish a new version" of version 1
    client.force_login(bureau.supervisor)
    assert client.get(url).context["form"]["expected_version"].value() == 1

    # when the first publishes, then the second
    first = client.post(url, guidance_data(steps="一、询问报警人。二、勘查现场。", expected_version=1))
    assert first.status_code == 302
    client.force_login(second_supervisor)
    second = client.post(url, guidance_data(steps="一、先固定监控录像。", expected_version=1))

    # then the second is refused on the form, with their text still in it
    assert second.status_code == 200
    page = second.content.decode()
    assert "此指引已被他人发布为第2版，请刷新后重新修改。" in page
    assert "一、先固定监控录像。" in page
    current = GuidanceEntry.objects.get(bureau_id=home, topic="盗窃", is_current=True)
    assert (current.version, current.steps) == (2, "一、询问报警人。二、勘查现场。")


def test_new_guidance_on_a_topic_someone_published_meanwhile_is_refused(client, bureau, second_supervisor):
    home = bureau.station_a.bureau_id
    client.force_login(bureau.supervisor)
    new = reverse("training:guidance_new")
    assert client.get(new).context["form"]["expected_version"].value() == 0
    services.guidance_publish(bureau_id=home, by=second_supervisor, **guidance_data(steps="别人先写的。"))

    refused = client.post(new, guidance_data(steps="我写的。", expected_version=0))

    assert refused.status_code == 200
    assert "该专题已有指引（第1版），请打开该指引，在其基础上发布新版本。" in refused.content.decode()
    assert GuidanceEntry.objects.get(bureau_id=home, topic="盗窃").steps == "别人先写的。"


def test_the_guidance_service_refuses_a_stale_version():
    with pytest.raises(Conflict):
        # nothing is published on this topic: expecting version 3 of it is stale
        services.guidance_publish(bureau_id=0, category="dispute", topic="x", title="x", steps="x", expected_version=3)


def test_attendance_taken_by_two_managers_at_once(client, bureau, second_supervisor):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        kind=SessionKind.WEEKLY_STUDY,
        topic="取保候审新规",
        held_on=date(2025, 3, 12),
        organiser=bureau.supervisor,
        unit_ids=[bureau.station_a.pk],
    )
    url = reverse("training:session", args=[session.pk])
    client.force_login(bureau.supervisor)
    assert 'name="version" value="1"' in client.get(url).content.decode()

    first = client.post(url, {"present": [bureau.officer.pk, bureau.leader.pk], "version": "1"})
    assert first.status_code == 302
    client.force_login(second_supervisor)
    second = client.post(url, {"present": [bureau.leader.pk], "excused": [bureau.officer.pk], "version": "1"})

    assert second.status_code == 200
    page = second.content.decode()
    assert "此次培训的考勤已被他人保存（现为第2版）" in page
    # the second manager's ticks are still on the page, and still at the version they opened
    assert f'name="excused" value="{bureau.officer.pk}"' in page
    excused_box = page.split(f'name="excused" value="{bureau.officer.pk}"')[1].split(">")[0]
    assert "checked" in excused_box
    assert 'name="version" value="1"' in page
    statuses = dict(Attendance.objects.filter(session=session).values_list("officer_id", "status"))
    assert statuses[bureau.officer.pk] == AttendanceStatus.PRESENT  # the first list stands


def test_an_imported_sign_in_sheet_makes_an_open_attendance_list_stale(bureau):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        kind=SessionKind.LECTURE,
        topic="法制大讲堂",
        held_on=date(2025, 3, 12),
        organiser=None,
        unit_ids=[bureau.station_a.pk],
    )
    services.attendance_record(session=session, present_ids=[bureau.officer.pk], expected_version=1)
    with pytest.raises(Conflict):
        services.attendance_record(session=session, present_ids=[], expected_version=1)
    session.refresh_from_db()
    assert session.version == 2


def test_the_sample_drawn_by_two_managers_at_once(client, bureau, second_supervisor):
    home = bureau.station_a.bureau
    question_bank(home, n=3)
    test = services.spot_test_create(
        bureau_id=home.pk,
        title="四月抽测",
        rules=[{"topic": "强制措施", "count": 3}],
        held_on=date(2025, 4, 10),
        by=bureau.supervisor,
    )
    sample_url = reverse("training:test_sample", args=[test.pk])
    client.force_login(bureau.supervisor)
    shown = client.get(reverse("training:test", args=[test.pk])).context["sample_form"]
    assert shown["expected_version"].value() == 1

    first = client.post(sample_url, {"units": [bureau.station_a.pk], "size": "", "expected_version": "1"})
    assert first.status_code == 302
    client.force_login(second_supervisor)
    second = client.post(sample_url, {"units": [bureau.station_b.pk], "size": "1", "expected_version": "1"})

    assert second.status_code == 200
    assert "此抽测已被他人修改（现为第2版），请刷新页面后重新抽取。" in second.content.decode()
    kept = second.context["sample_form"]
    assert kept["units"].value() == [str(bureau.station_b.pk)] and kept["size"].value() == "1"
    test.refresh_from_db()
    assert test.sample_unit_ids == [bureau.station_a.pk] and test.version == 2


def test_a_talent_pool_entry_changed_by_two_people(bureau):
    services.talent_profile_save(officer=bureau.legal_officer, specialties="刑事诉讼")
    profile = TalentProfile.objects.get(officer=bureau.legal_officer)
    assert profile.version == 1

    services.talent_profile_save(officer=bureau.legal_officer, specialties="刑事诉讼、证据", expected_version=1)
    with pytest.raises(Conflict) as refused:
        services.talent_profile_save(officer=bureau.legal_officer, specialties="治安管理", expected_version=1)

    assert "此人才库条目已被他人修改（现为第2版）" in str(refused.value)
    profile.refresh_from_db()
    assert (profile.specialties, profile.version) == ("刑事诉讼、证据", 2)


def test_a_qualification_edited_in_the_admin_by_two_administrators(client, bureau):
    other_admin = UserFactory(
        unit=None, role=Role.ADMIN, bureau=bureau.station_a.bureau, is_staff=True, is_superuser=True
    )
    qualification = services.qualification_record(
        officer=bureau.officer, kind=QualificationKind.BASIC, obtained_on=date(2023, 5, 1), expires_on=date(2026, 5, 1)
    )
    url = reverse("admin:training_qualification_change", args=[qualification.pk])
    client.force_login(bureau.admin)
    data = change_form_data(client.get(url))

    assert client.post(url, {**data, "certificate_number": "JC-2023-001"}).status_code == 302
    client.force_login(other_admin)
    second = client.post(url, {**data, "certificate_number": "JC-2023-999"})

    assert second.status_code == 200
    assert "此记录已被他人修改（现为第2版），请刷新后再保存。" in second.content.decode()
    qualification.refresh_from_db()
    assert (qualification.certificate_number, qualification.version) == ("JC-2023-001", 2)


def test_guidance_versions_are_not_edited_in_the_admin(client, bureau):
    entry = services.guidance_publish(bureau_id=bureau.station_a.bureau_id, **guidance_data())
    client.force_login(bureau.admin)
    url = reverse("admin:training_guidanceentry_change", args=[entry.pk])
    client.post(url, {**guidance_data(steps="改写"), "version": 1, "is_current": "on"})
    entry.refresh_from_db()
    assert entry.steps == "一、询问报警人。"
