"""The pages and endpoints of training: who may do what, and bad input answered with a message."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from rest_framework.authtoken.models import Token

from org.tests.factories import BureauFactory, UnitFactory, UserFactory
from training import services
from training.models import Attempt, AttemptStatus, GuidanceCategory, Question
from training.tests.conftest import EVENING
from training.tests.xlsx_helpers import xlsx_upload
from training.xlsx import XLSX_CONTENT_TYPE

pytestmark = pytest.mark.django_db


def start(client, bureau, open_test) -> Attempt:
    client.force_login(bureau.officer)
    response = client.post(reverse("training:take", args=[open_test.test.pk]))
    assert response.status_code == 302
    return Attempt.objects.get(test=open_test.test, officer=bureau.officer)


def test_an_officer_takes_a_test_over_http_and_cannot_hand_it_in_twice(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        attempt = start(client, bureau, open_test)
        page = client.get(reverse("training:take", args=[open_test.test.pk])).content.decode()
        assert 'data-deadline="2025-03-12T11:50:00+00:00"' in page
        qid = attempt.question_ids[0]
        saved = client.post(reverse("training:answer", args=[attempt.pk]), {"question": qid, "choice": ["A"]})
        assert saved.status_code == 200 and saved.json() == {"saved": True}
        # the reloaded page shows the saved answer checked
        page = client.get(reverse("training:take", args=[open_test.test.pk])).content.decode()
        assert f'id="q{qid}A" value="A" checked' in page
        first = client.post(reverse("training:submit", args=[attempt.pk]), follow=True)
        assert first.status_code == 200
        second = client.post(reverse("training:submit", args=[attempt.pk]), follow=True)
    messages = [str(m) for m in second.context["messages"]]
    assert any("只计一次交卷" in m for m in messages)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.SUBMITTED


def test_an_answer_after_the_deadline_answers_409_with_the_reason(client, bureau, open_test):
    with time_machine.travel(EVENING, tick=False):
        attempt = start(client, bureau, open_test)
    with time_machine.travel(EVENING + timedelta(minutes=21), tick=False):
        late = client.post(
            reverse("training:answer", args=[attempt.pk]), {"question": attempt.question_ids[0], "choice": "A"}
        )
    assert late.status_code == 409
    assert late.json()["code"] == "time_up"


def test_another_officers_attempt_is_not_found(client, bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.other_officer)
    client.force_login(bureau.officer)
    url = reverse("training:answer", args=[attempt.pk])
    assert client.post(url, {"question": attempt.question_ids[0], "choice": "A"}).status_code == 404
    assert client.get(reverse("training:attempt", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("training:submit", args=[attempt.pk])).status_code == 404


def test_an_officer_not_drawn_cannot_open_the_test_page(client, bureau, open_test):
    client.force_login(bureau.supervisor)
    assert client.get(reverse("training:take", args=[open_test.test.pk])).status_code == 404


@pytest.mark.parametrize(
    "name", ["training:questions", "training:session_new", "training:test_new", "training:guidance_new"]
)
def test_officers_cannot_reach_the_pages_that_manage_training(client, bureau, name):
    client.force_login(bureau.officer)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(bureau.leader)
    assert client.get(reverse(name)).status_code == 403
    client.force_login(bureau.supervisor)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ["training:qualifications", "training:statistics", "training:case_reviews"])
def test_officers_cannot_read_others_results(client, bureau, name):
    client.force_login(bureau.officer)
    assert client.get(reverse(name)).status_code == 403


def test_a_leader_sees_a_test_only_if_it_was_sent_to_their_unit(client, bureau, open_test):
    other = services.spot_test_create(
        bureau_id=bureau.station_b.bureau_id,
        title="城东所抽测",
        rules=[{"topic": "强制措施", "count": 1}],
        held_on=date(2025, 3, 1),
    )
    services.spot_test_sample(test=other, unit_ids=[bureau.station_b.pk], size=None)
    client.force_login(bureau.leader)  # station A
    assert client.get(reverse("training:test", args=[open_test.test.pk])).status_code == 200
    assert client.get(reverse("training:test", args=[other.pk])).status_code == 404
    client.force_login(bureau.foreign_officer)
    assert client.get(reverse("training:test", args=[open_test.test.pk])).status_code == 404


def test_results_export_is_an_xlsx_with_chinese_headers(client, bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING)
    client.force_login(bureau.supervisor)
    response = client.get(reverse("training:test_export", args=[open_test.test.pk]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["单位", "警号", "姓名"]
    assert sheet.cell(2, 2).value == bureau.officer.police_number


def test_a_bad_upload_gives_a_message_not_a_500(client, bureau):
    client.force_login(bureau.supervisor)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("training:question_import"), {"file": SimpleUploadedFile("bank.xlsx", b"not a zip")}, follow=True
    )
    assert response.status_code == 200
    assert any("不是 Excel .xlsx 文件" in str(m) for m in response.context["messages"])


def test_a_sign_in_sheet_with_an_unknown_officer_lists_the_row(client, bureau):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        kind="weekly_study",
        topic="夜学",
        held_on=date(2025, 3, 5),
        organiser=None,
    )
    client.force_login(bureau.supervisor)
    upload = xlsx_upload([["警号"], [bureau.officer.police_number], ["888888"]])
    response = client.post(reverse("training:session_import", args=[session.pk]), {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "888888" in page


def test_the_question_bank_import_lists_rows_missing_an_answer(client, bureau):
    client.force_login(bureau.supervisor)
    upload = xlsx_upload(
        [
            ["题型", "题干", "选项A", "选项B", "答案", "法律", "专题"],
            ["单选", "甲题", "对", "错", "A", "刑法", "罪名"],
            ["单选", "乙题", "对", "错", "", "刑法", "罪名"],
        ]
    )
    response = client.post(reverse("training:question_import"), {"file": upload})
    assert response.status_code == 200
    assert Question.objects.filter(text="甲题").exists() and not Question.objects.filter(text="乙题").exists()
    assert response.context["result"].errors[0].row == 3


def test_the_guidance_card_shows_the_current_version_of_the_category(client, bureau):
    home = bureau.station_a.bureau_id
    services.guidance_publish(bureau_id=home, category="criminal", topic="盗窃", title="盗窃指引", steps="旧步骤")
    services.guidance_publish(bureau_id=home, category="criminal", topic="盗窃", title="盗窃指引", steps="新步骤")
    services.guidance_publish(bureau_id=home, category="dispute", topic="家庭纠纷", title="家庭纠纷指引", steps="劝解")
    foreign = BureauFactory(code="330002")
    services.guidance_publish(bureau_id=foreign.pk, category="criminal", topic="诈骗", title="外县指引", steps="x")
    client.force_login(bureau.officer)
    card = client.get(reverse("training:guidance_card", args=["criminal"]), HTTP_HX_REQUEST="true")
    assert card.status_code == 200
    html = card.content.decode()
    assert "新步骤" in html and "旧步骤" not in html
    assert "家庭纠纷指引" not in html and "外县指引" not in html
    assert "<html" not in html  # a fragment to embed beside the intake form
    assert client.get(reverse("training:guidance_card", args=["nonsense"])).status_code == 404
    for category in GuidanceCategory.values:
        assert client.get(reverse("training:guidance_card", args=[category])).status_code == 200


def test_every_page_renders_for_a_supervisor(client, bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.officer, now=EVENING)
    services.attempt_submit(attempt_id=attempt.pk, officer=bureau.officer, now=EVENING)
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id, kind="lecture", topic="大讲堂", held_on=date(2025, 3, 5), organiser=None
    )
    entry = services.guidance_publish(
        bureau_id=bureau.station_a.bureau_id, category="help", topic="求助", title="求助", steps="s"
    )
    client.force_login(bureau.supervisor)
    urls = [
        reverse("training:home"),
        reverse("training:sessions"),
        reverse("training:session", args=[session.pk]),
        reverse("training:questions"),
        reverse("training:question_template"),
        reverse("training:tests"),
        reverse("training:test_new"),
        reverse("training:test", args=[open_test.test.pk]),
        reverse("training:attempt", args=[attempt.pk]),
        reverse("training:qualifications"),
        reverse("training:qualifications") + "?export=xlsx",
        reverse("training:competitions"),
        reverse("training:case_reviews"),
        reverse("training:talent") + "?q=刑事",
        reverse("training:guidance") + "?q=求助",
        reverse("training:guidance_entry", args=[entry.pk]),
        reverse("training:statistics"),
        reverse("training:statistics") + "?start=2025-01-01&end=2025-12-31&export=xlsx",
        reverse("training:statistics") + "?start=2025-12-01&end=2025-01-01",
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_supervisor_creates_samples_and_opens_a_test_through_the_pages(client, bureau, open_test):
    client.force_login(bureau.supervisor)
    topics = sorted(services.topic_counts(bureau_id=bureau.station_a.bureau_id))
    data = {"title": "四月抽测", "held_on": "2025-04-10", "time_limit_minutes": 15, "pass_score": 60}
    data.update({f"topic_{i}": 1 for i in range(len(topics))})
    created = client.post(reverse("training:test_new"), data)
    assert created.status_code == 302
    test_id = int(created["Location"].rstrip("/").split("/")[-1])
    drawn = client.post(reverse("training:test_sample", args=[test_id]), {"units": [bureau.station_a.pk], "size": 1})
    assert drawn.status_code == 302
    opened = client.post(reverse("training:test_transition", args=[test_id, "open"]), follow=True)
    assert "open" in [t.status for t in [opened.context["test"]]]


# --- API --------------------------------------------------------------------------------


def api(client, user):
    token = Token.objects.create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def test_the_api_takes_a_test_with_the_same_rules(client, bureau, open_test):
    auth = api(client, bureau.officer)
    started = client.post(
        "/api/v1/training/attempts/", {"test": open_test.test.pk}, content_type="application/json", **auth
    )
    assert started.status_code == 201
    attempt = started.json()
    saved = client.post(
        f"/api/v1/training/attempts/{attempt['id']}/answers/",
        {"question": attempt["question_ids"][0], "choice": "A"},
        content_type="application/json",
        **auth,
    )
    assert saved.status_code == 204
    first = client.post(f"/api/v1/training/attempts/{attempt['id']}/submit/", **auth)
    assert first.status_code == 200 and first.json()["status"] == "submitted"
    second = client.post(f"/api/v1/training/attempts/{attempt['id']}/submit/", **auth)
    assert second.status_code == 409 and second.json()["code"] == "already_submitted"


def test_the_api_hides_other_officers_attempts_and_needs_a_login(client, bureau, open_test):
    attempt = services.attempt_start(test=open_test.test, officer=bureau.other_officer)
    auth = api(client, bureau.officer)
    answer = client.post(
        f"/api/v1/training/attempts/{attempt.pk}/answers/",
        {"question": attempt.question_ids[0], "choice": "A"},
        content_type="application/json",
        **auth,
    )
    assert answer.status_code == 404
    assert client.get(f"/api/v1/training/attempts/{attempt.pk}/", **auth).status_code == 404
    assert client.get("/api/v1/training/attempts/").status_code == 401


def test_the_api_scopes_qualifications_to_the_unit(client, bureau):
    services.qualification_record(officer=bureau.other_officer, kind="basic", obtained_on=date(2024, 1, 1))
    mine = client.get("/api/v1/training/qualifications/", **api(client, bureau.leader)).json()
    assert mine["count"] == 0
    theirs = client.get("/api/v1/training/qualifications/", **api(client, bureau.supervisor)).json()
    assert theirs["count"] == 1


def test_a_foreign_bureau_sees_none_of_our_guidance(client, bureau):
    services.guidance_publish(
        bureau_id=bureau.station_a.bureau_id, category="criminal", topic="盗窃", title="t", steps="s"
    )
    other_unit = UnitFactory(bureau=BureauFactory(code="330003"))
    stranger = UserFactory(unit=other_unit)
    assert client.get("/api/v1/training/guidance/", **api(client, stranger)).json()["count"] == 0
    assert client.get("/api/v1/training/guidance/", **api(client, bureau.officer)).json()["count"] == 1
