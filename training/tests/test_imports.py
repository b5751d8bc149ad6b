"""Imports of the question bank and of sign-in sheets: valid rows load, bad rows are named."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from training import services
from training.models import Attendance, AttendanceStatus, Question, QuestionKind
from training.tests.xlsx_helpers import xlsx_upload
from training.xlsx import MAX_UPLOAD_BYTES, ImportRefused

pytestmark = pytest.mark.django_db

HEADER = ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "答案", "法律", "专题", "解析"]


def test_a_bank_row_missing_its_answer_key_is_listed_and_the_others_load(bureau):
    home = bureau.station_a.bureau
    upload = xlsx_upload(
        [
            HEADER,
            [
                "单选",
                "刑事拘留后应当在多少小时内送看守所羁押？",
                "12小时",
                "24小时",
                "48小时",
                "72小时",
                "B",
                "刑事诉讼法",
                "强制措施",
                "第八十五条",
            ],
            [
                "多选",
                "下列属于强制措施的有？",
                "拘传",
                "取保候审",
                "罚款",
                "监视居住",
                "",
                "刑事诉讼法",
                "强制措施",
                "",
            ],
            [
                "判断",
                "询问被侵害人可以由一名民警进行。",
                None,
                None,
                None,
                None,
                "错",
                "公安机关办理行政案件程序规定",
                "取证",
                "",
            ],
            ["单选", "题干", "甲", "乙", None, None, "C", "刑法", "罪名", ""],
        ]
    )
    result = services.question_import(bureau_id=home.pk, upload=upload)
    assert result.created == 2
    assert [(e.row, e.message) for e in result.errors] == [
        (3, "缺少答案。"),
        (5, "答案中的选项不存在。"),
    ]
    tf = Question.objects.get(kind=QuestionKind.TRUE_FALSE)
    assert tf.answer == "F" and tf.options == []
    # importing the same sheet again adds nothing twice
    same = [
        "单选",
        "刑事拘留后应当在多少小时内送看守所羁押？",
        "12小时",
        "24小时",
        "48小时",
        "72小时",
        "B",
        "刑事诉讼法",
        "强制措施",
    ]
    again = services.question_import(bureau_id=home.pk, upload=xlsx_upload([HEADER, same]))
    assert (again.created, again.skipped) == (0, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"police_number,name\n100101,x\n", "不是 Excel .xlsx 文件"),
        (b"PK\x03\x04 this is not really a zip", "不是 Excel .xlsx 文件"),
        (b"", "不是 Excel .xlsx 文件"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused_with_a_message(bureau, content, message):
    with pytest.raises(ImportRefused) as refused:
        services.question_import(bureau_id=bureau.station_a.bureau_id, upload=SimpleUploadedFile("bank.xlsx", content))
    assert message in refused.value.message


def test_an_oversized_file_is_refused_before_it_is_read(bureau):
    upload = SimpleUploadedFile("bank.xlsx", b"PK\x03\x04" + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ImportRefused) as refused:
        services.question_import(bureau_id=bureau.station_a.bureau_id, upload=upload)
    assert "文件超过 2 MB" in refused.value.message


def test_a_sheet_without_the_needed_columns_is_refused(bureau):
    with pytest.raises(ImportRefused) as refused:
        services.question_import(
            bureau_id=bureau.station_a.bureau_id, upload=xlsx_upload([["题干", "答案"], ["x", "A"]])
        )
    assert "缺少：题型" in refused.value.message


def test_a_sign_in_sheet_names_the_unknown_officer_and_loads_the_rest(bureau):
    session = services.session_create(
        bureau_id=bureau.station_a.bureau_id,
        kind="weekly_study",
        topic="治安管理处罚法修订要点",
        held_on=date(2025, 3, 5),
        organiser=bureau.supervisor,
        unit_ids=[bureau.station_a.pk],
    )
    upload = xlsx_upload(
        [
            ["警号", "姓名", "签到时间"],
            [bureau.officer.police_number, bureau.officer.name, None],
            ["999999", "查无此人", None],
            [bureau.foreign_officer.police_number, None, None],  # another bureau's officer is unknown here
        ]
    )
    result = services.attendance_import(session=session, upload=upload)
    assert result.created == 1
    assert [e.row for e in result.errors] == [3, 4]
    assert "999999" in result.errors[0].message
    statuses = dict(Attendance.objects.filter(session=session).values_list("officer_id", "status"))
    # the roster of station A: the officer present, the leader absent
    assert statuses == {bureau.officer.pk: AttendanceStatus.PRESENT, bureau.leader.pk: AttendanceStatus.ABSENT}
