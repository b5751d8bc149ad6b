"""The annual report: figures from the data, drafts with versions, publish freezes, the
DOCX in the GB/T 9704 layout, the PDF's text in Chinese, the command line."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from docx import Document
from docx.shared import Pt

from org.errors import Conflict
from reports import selectors, services
from reports.document import compose, plain_text
from reports.figures import example_text, findings_for_year
from reports.models import AnnualReport, BuildStatus, ReportRevision
from reports.periods import year_period
from reports.tests.factories import at, finding, hand_checked_year, hand_checked_year_with_cases, incident
from reports.texts import NO_FINDINGS, NO_FINDINGS_IN_YEAR

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def report(bureau):
    hand_checked_year_with_cases(bureau)
    services.figures_refresh_year(bureau_id=bureau.station_a.bureau_id, year=2025)
    return services.report_create(by=bureau.leadership, year=2025)


def build_files(build_id: int):
    build = services.build_run(build_id=build_id)
    assert build.status == BuildStatus.DONE, build.message
    return build, Path(build.docx_path).read_bytes(), Path(build.pdf_path).read_bytes()


def pdf_text(data: bytes, tmp_path: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is needed to read the PDF"
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return "".join(text.split())  # lines break anywhere in Chinese: compare without white space


def test_the_reports_figures_equal_the_metrics(bureau, report):
    snapshot = services.report_snapshot(report)
    values = selectors.bureau_values(bureau_id=report.bureau_id, period=year_period(2025))
    figures = snapshot["figures"]
    assert figures["incidents_checked"]["text"] == str(values["JC01"].num) == "10"
    assert figures["incidents_registered"]["text"] == str(values["JC01"].den) == "11"
    assert figures["filing_rate"]["text"] == values["JC04"].text == "66.7%"
    assert figures["legal_exam_passes"]["text"] == "1"
    assert figures["officer_times_tested"]["text"] == "2"
    assert figures["spot_pass_rate"]["text"] == "50.0%"
    assert figures["metrics_total"]["text"] == "17"
    assert (figures["metrics_available"]["text"], figures["metrics_unavailable"]["text"]) == ("16", "1")
    assert (figures["metrics_judged"]["text"], figures["metrics_met"]["text"]) == ("14", "1")
    assert figures["untruthful_found"]["text"] == str(values["JC02"].num) == "4"
    assert figures["withdrawal_rate"]["text"] == values["JC07"].text == "40.0%"
    assert figures["rectification_closure"]["text"] == values["JC13"].text == "50.0%"
    assert figures["accountability"]["text"] == str(values["JC14"].num) == "3"
    text = services.snapshot_text(snapshot)
    assert "核查警情10起" in text and "刑事警情立案率66.7%" in text
    assert "发现不如实受立案问题4起" in text and "执法问题整改闭环率50.0%，追究执法过错责任3人" in text


def test_the_interference_register_counts_reach_the_main_measures(bureau, report):
    """The register (防止干预司法"三个规定") in 2025, local time: leaders 2 (one in the first
    minutes of the year), a police colleague and a procurator 2 insiders, a relative 1: 5 in
    all. Not counted: 2024-12-31 23:50 and 2026-01-01 00:10 Shanghai, another bureau's record."""
    from inspections.models import InterferenceRecord

    def record(who, kind, when, recorder=bureau.officer):
        InterferenceRecord.objects.create(
            bureau_id=recorder.bureau_id,
            unit_id=recorder.unit_id,
            recorded_by=recorder,
            recorded_at=when + timedelta(hours=1),
            occurred_at=when,
            who_name=who,
            who_kind=kind,
            method="phone",
            case_reference="城关所盗窃案",
            description="打招呼要求从轻处理",
        )

    record("某局长", "leader", at(2025, 1, 1, 0, 10))
    record("某副局长", "leader", at(2025, 6, 3, 20))
    record("某民警", "colleague", at(2025, 7, 1, 9))
    record("某检察官", "judicial", at(2025, 8, 1, 9))
    record("嫌疑人亲属", "relative", at(2025, 9, 1, 9))
    record("上年", "leader", at(2024, 12, 31, 23, 50))
    record("下年", "leader", at(2026, 1, 1, 0, 10))
    record("外县", "leader", at(2025, 5, 1, 9), recorder=bureau.foreign_officer)
    figures = services.report_snapshot(report)["figures"]
    assert [figures[n]["text"] for n in ("interference_total", "interference_leaders", "interference_insiders")] == [
        "5",
        "2",
        "2",
    ]
    text = services.snapshot_text(services.report_snapshot(report))
    assert "插手具体案件处理等情况5起，其中领导干部干预2起、司法机关内部人员过问2起" in text
    assert "{interference" not in text and "未知数据项" not in text


def test_section_two_lists_the_years_findings_by_category_with_examples(bureau, report):
    """2025's findings of the bureau: 不如实受立案 f1 f2 f3 f4 (examples: f1 the most serious, then
    f2 and f3 by date; f4 is the least serious), 单人取证 f5, 文书不规范 f6. f7 (2024) and f8
    (another bureau) are not the year's."""
    snapshot = services.report_snapshot(report)
    assert snapshot["findings"] == [
        {
            "category": "不如实受立案",
            "count": 4,
            "examples": [
                "城关派出所2月12日，盗窃警情作非案件类处理",
                "城东派出所5月20日，回访发现报警人称被骗3000元，民警未予受案",
                "城关派出所11月3日，电话回访发现盗窃警情按纠纷处理",
            ],
        },
        {"category": "单人取证", "count": 1, "examples": ["城关派出所4月2日，讯问仅一名民警在场"]},
        {"category": "文书不规范", "count": 1, "examples": ["城东派出所3月15日，询问笔录未签名"]},
    ]
    lines = services.snapshot_text(snapshot).splitlines()
    start = lines.index("二、存在的不足和原因")
    assert lines[start + 1 : start + 5] == [
        "全年执法巡查共发现执法问题6个，按类别统计如下：",
        "（一）不如实受立案4个。例如：城关派出所2月12日，盗窃警情作非案件类处理；"
        "城东派出所5月20日，回访发现报警人称被骗3000元，民警未予受案；城关派出所11月3日，电话回访发现盗窃警情按纠纷处理。",
        "（二）单人取证1个。例如：城关派出所4月2日，讯问仅一名民警在场。",
        "（三）文书不规范1个。例如：城东派出所3月15日，询问笔录未签名。",
    ]
    assert lines[start + 5].startswith("分析原因")  # then leadership's narrative
    # another bureau's report lists its own findings only (f8)
    foreign = findings_for_year(bureau_id=bureau.foreign_officer.bureau_id, year=2025)
    assert [(g.category, g.count) for g in foreign] == [("不如实受立案", 1)]


def test_a_year_without_findings_says_so(bureau):
    hand_checked_year(bureau)
    report = services.report_create(by=bureau.leadership, year=2025)
    text = services.snapshot_text(services.report_snapshot(report))
    assert NO_FINDINGS_IN_YEAR in text and NO_FINDINGS not in text


def test_a_report_published_before_the_findings_landed_is_rebuilt_with_its_own_words(bureau, report):
    snapshot = services.report_snapshot(report)
    old = {**snapshot, "format": 1, "findings": []}
    assert NO_FINDINGS in plain_text(compose(old))


def test_an_example_is_short_and_names_no_rule_code():
    long = "INT-03 疑似不如实受立案（有案不立）：" + "案" * 60 + "\n复核意见"
    text = example_text(unit="城关派出所", found_on=date(2025, 3, 5), description=long)
    assert text == "城关派出所3月5日，" + "案" * 39 + "…"
    # a breach alert's sentence has no colon: the code goes all the same
    breach = "CAS-08 单人取证（讯问仅一名民警在场）"
    breach = example_text(unit="城关派出所", found_on=date(2025, 4, 2), description=breach)
    assert breach == "城关派出所4月2日，单人取证（讯问仅一名民警在场）"


def test_an_example_reads_its_deadline_in_chinese_and_never_cuts_a_bracket_open():
    deadline = "INT-02 刑事案件立案审查超期：已超过期限 2025-02-06 24:00（JBZX-20250203-0002）\n经核查属实"
    text = example_text(unit="接报案中心", found_on=date(2025, 2, 8), description=deadline)
    assert text == "接报案中心2月8日，已超过期限2月6日24时（JBZX-20250203-0002）"
    cut = "INT-03 不如实受立案：" + "案" * 30 + "（JBZX-20250203-0002）"
    text = example_text(unit="城关派出所", found_on=date(2025, 3, 5), description=cut)
    assert text == "城关派出所3月5日，" + "案" * 30 + "…"
    assert example_text(unit="城关派出所", found_on=date(2025, 3, 5), description="期限 2025-03-01 17:30 已过") == (
        "城关派出所3月5日，期限3月1日17时30分 已过"
    )


def test_drafts_keep_versions(bureau, report):
    now = datetime(2026, 1, 5, 9, 0, tzinfo=TZ)
    services.report_save(by=bureau.leadership, report_id=report.pk, data={"plan": "（一）第一稿。"}, now=now)
    services.report_save(
        by=bureau.leadership,
        report_id=report.pk,
        data={"plan": "（一）第一稿，继续输入。"},
        now=now + timedelta(seconds=30),
    )
    assert ReportRevision.objects.filter(report=report, field="plan").count() == 1  # typing saves into one version
    services.report_save(
        by=bureau.leadership, report_id=report.pk, data={"plan": "（一）第二稿。"}, now=now + timedelta(minutes=10)
    )
    texts = list(ReportRevision.objects.filter(report=report, field="plan").values_list("text", flat=True))
    assert texts == ["（一）第二稿。", "（一）第一稿，继续输入。"]
    _report, unknown = services.report_save(by=bureau.leadership, report_id=report.pk, data={"intro": "共{nonsense}起"})
    assert unknown == ["nonsense"]


def test_only_leadership_edits_the_report(bureau, report):
    with pytest.raises(PermissionDenied):
        services.report_save(by=bureau.supervisor, report_id=report.pk, data={"plan": "改"})
    with pytest.raises(PermissionDenied):
        services.report_publish(by=bureau.leader, report_id=report.pk)


def test_publishing_freezes_the_report_and_its_files(bureau, report, tmp_path):
    services.report_save(by=bureau.leadership, report_id=report.pk, data={"plan": "（一）明年计划第一条。"})
    build = services.report_publish(by=bureau.leadership, report_id=report.pk, signed_on=date(2026, 1, 20))
    build, docx_bytes, pdf_bytes = build_files(build.pk)
    assert build.docx_sha256 == hashlib.sha256(docx_bytes).hexdigest()

    # the data and the text change afterwards …
    incident(bureau.station_a, datetime(2025, 6, 1, 9, tzinfo=TZ), "criminal", "filed", timedelta(hours=1))
    finding(bureau.station_b, "single_officer", 1, datetime(2025, 7, 1, 9, tzinfo=TZ), "询问仅一名民警在场。")
    services.figures_refresh_year(bureau_id=report.bureau_id, year=2025)
    with pytest.raises(Conflict):
        services.report_save(by=bureau.leadership, report_id=report.pk, data={"plan": "改了"})
    with pytest.raises(Conflict):
        services.report_publish(by=bureau.leadership, report_id=report.pk)
    # … the published files do not, and a rebuild from the snapshot gives the same bytes
    assert Path(build.docx_path).read_bytes() == docx_bytes
    report.refresh_from_db()
    rebuilt = services.render_files(report.snapshot)
    assert rebuilt["docx"] == docx_bytes
    assert rebuilt["pdf"] == pdf_bytes
    extracted = pdf_text(rebuilt["pdf"], tmp_path)
    assert "核查警情10起" in extracted and "（二）单人取证1个" in extracted
    assert "（二）单人取证2个" in services.snapshot_text(services.report_snapshot(report))  # today's data
    # running the same build again changes nothing
    assert services.build_run(build_id=build.pk).docx_sha256 == build.docx_sha256
    # and the command line gives the published document
    out = tmp_path / "cli.docx"
    call_command("annual_report", year=2025, format="docx", out=str(out), bureau=report.bureau.code)
    assert out.read_bytes() == docx_bytes


def test_the_docx_has_the_official_layout(bureau, report):
    build = services.report_draft_build(by=bureau.leadership, report_id=report.pk)
    _build, docx_bytes, _pdf = build_files(build.pk)
    document = Document(io.BytesIO(docx_bytes))
    section = document.sections[0]

    def mm(length) -> float:  # Word stores twentieths of a point: 210 mm reads back as 210.01
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.bottom_margin)) == (37, 35)
    assert (mm(section.left_margin), mm(section.right_margin)) == (28, 26)
    grid = section._sectPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}docGrid")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert grid.get(f"{w}type") == "linesAndChars" and grid.get(f"{w}linePitch") == "579"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16) and normal.paragraph_format.line_spacing == Pt(28.95)
    assert normal.element.rPr.rFonts.get(f"{w}eastAsia") == "仿宋_GB2312"
    title = next(p for p in document.paragraphs if p.text.startswith("甲县公安局关于2025年度"))
    assert title.runs[0].font.size == Pt(22)
    assert title.runs[0]._r.rPr.rFonts.get(f"{w}eastAsia") == "方正小标宋简体"
    body = next(p for p in document.paragraphs if "核查警情10起" in p.text)
    assert body.runs[0].font.size == Pt(16)
    # page numbers "— N —" in 4号 Song style, odd pages right and even pages left
    assert document.settings.odd_and_even_pages_header_footer
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == 2 and even.alignment == 0  # RIGHT, LEFT
    assert odd.runs[0].text == "— " and odd.runs[-1].text == " —" and odd.runs[0].font.size == Pt(14)
    assert "PAGE" in odd._p.xml


def test_the_pdf_text_extracts_in_chinese(bureau, report, tmp_path):
    build = services.report_draft_build(by=bureau.leadership, report_id=report.pk)
    _build, _docx, pdf_bytes = build_files(build.pk)
    text = pdf_text(pdf_bytes, tmp_path)
    assert "甲县公安局" in text
    assert "二、存在的不足和原因" in text
    assert "—1—" in text


def test_the_editor_pages(client, bureau, report):
    client.force_login(bureau.leadership)
    page = client.get(reverse("reports:annual_edit", args=[report.pk]))
    assert page.status_code == 200 and "{incidents_checked}" in page.content.decode()
    # the help above section 二 says what is inserted, not that the inspections are missing
    assert "尚未上线" not in page.content.decode()
    assert "本年度执法巡查发现的问题按类别（含数量和典型事例）自动插入" in page.content.decode()
    saved = client.post(reverse("reports:annual_autosave", args=[report.pk]), {"plan": "（一）新计划。"})
    assert saved.status_code == 200 and b'data-state="saved"' in saved.content
    assert AnnualReport.objects.get(pk=report.pk).plan == "（一）新计划。"
    preview = client.get(reverse("reports:annual_preview", args=[report.pk]))
    assert "（一）新计划。" in preview.content.decode()
    client.force_login(bureau.supervisor)  # reads, does not edit
    assert client.get(reverse("reports:annual_edit", args=[report.pk])).status_code == 200
    assert client.post(reverse("reports:annual_autosave", args=[report.pk]), {"plan": "x"}).status_code == 403
    client.force_login(bureau.foreign_officer)  # another bureau's supervisor: not found
    assert client.get(reverse("reports:annual_edit", args=[report.pk])).status_code == 404
    client.force_login(bureau.leader)
    assert client.get(reverse("reports:annual_list")).status_code == 403


def test_the_command_writes_a_draft_from_todays_data(bureau, tmp_path):
    hand_checked_year(bureau)
    out = tmp_path / "r.pdf"
    call_command("annual_report", year=2025, format="pdf", out=str(out), bureau=bureau.station_a.bureau.code)
    assert "核查警情10起" in pdf_text(out.read_bytes(), tmp_path)


def pdf_lines(data: bytes, tmp_path: Path) -> list[str]:
    """The PDF's lines as drawn, each without its white space."""
    path = tmp_path / "lines.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return ["".join(line.split()) for line in text.splitlines() if line.strip()]


def test_the_pdf_body_is_in_a_fangsong_face_and_a_missing_glyph_comes_from_the_fallback(tmp_path):
    from reports.document import Block
    from reports.pdf_writer import build_pdf

    created = datetime(2026, 1, 20, tzinfo=TZ)
    data = build_pdf([Block("paragraph", "堃喆派出所执法规范化建设。")], title="t", author="a", created=created)
    path = tmp_path / "body.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in fonts  # the body's 仿宋 face, embedded
    assert "NotoSerifCJKSC" in fonts  # 堃 and 喆 are not in FandolFang: drawn from the fallback
    assert pdf_lines(data, tmp_path) == ["堃喆派出所执法规范化建设。", "—1—"]


def test_a_pdf_line_never_breaks_inside_a_number_a_percentage_or_a_date(tmp_path):
    """Each paragraph puts the figures one character further along the line, so that some of
    them fall where a line ends."""
    from reports.document import Block
    from reports.pdf_writer import build_pdf

    figures = ["82.2%", "5月18日", "2025年12月31日", "18878起", "426人次", "CAS-08"]
    blocks = [Block("paragraph", "问" * n + "率" + "，于".join(figures) + "。") for n in range(18, 30)]
    data = build_pdf(blocks, title="t", author="a", created=datetime(2026, 1, 20, tzinfo=TZ))
    lines = pdf_lines(data, tmp_path)
    for figure in figures:
        assert sum(line.count(figure) for line in lines) == len(blocks), figure
    # and no line starts with a closing mark
    assert not any(line[0] in "，。、；：）%" for line in lines)


def test_the_title_breaks_into_balanced_lines_where_the_words_stay_whole(bureau, report, tmp_path):
    from reports.document import title_lines

    assert title_lines("甲县公安局关于2025年度法治政府建设工作情况的报告") == [
        "甲县公安局关于2025年度",
        "法治政府建设工作情况的报告",
    ]
    assert title_lines("临溪县公安局关于2025年度法治政府建设工作情况的报告") == [
        "临溪县公安局关于2025年度",
        "法治政府建设工作情况的报告",
    ]
    assert title_lines("短标题") == ["短标题"]
    assert title_lines("甲县公安局关于\n2025年度法治政府建设工作情况的报告") == [
        "甲县公安局关于",
        "2025年度法治政府建设工作情况的报告",
    ]  # the author's own break
    files = services.render_files(services.report_snapshot(report))
    lines = pdf_lines(files["pdf"], tmp_path)
    start = lines.index("甲县公安局关于2025年度")
    assert lines[start + 1] == "法治政府建设工作情况的报告"
    title = next(p for p in Document(io.BytesIO(files["docx"])).paragraphs if p.text.startswith("甲县公安局关于"))
    assert title.text == "甲县公安局关于2025年度\n法治政府建设工作情况的报告"  # a line break in Word too


def test_the_docx_carries_no_template_leftovers(bureau, report):
    import zipfile

    data = services.render_files(services.report_snapshot(report), formats=("docx",))["docx"]
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert not any("thumbnail" in name for name in package.namelist())
        assert b"thumbnail" not in package.read("_rels/.rels")
        app = package.read("docProps/app.xml").decode()
    assert "Microsoft" not in app and "<Application>执法监督平台</Application>" in app
    Document(io.BytesIO(data))  # still opens


def test_a_missing_font_is_a_clear_message_not_a_traceback(bureau, settings, tmp_path, caplog):
    hand_checked_year(bureau)
    code = bureau.station_a.bureau.code
    settings.PORTAL_REPORT_FONT_DIR = str(tmp_path / "no-fonts")
    with pytest.raises(CommandError, match="fonts-noto-cjk"):
        call_command("annual_report", year=2025, format="pdf", out=str(tmp_path / "r.pdf"), bureau=code)
    # the DOCX needs no font on the machine
    call_command("annual_report", year=2025, format="docx", out=str(tmp_path / "r.docx"), bureau=code)

    # the Celery task's build fails with the same message, logged without a traceback
    report = services.report_create(by=bureau.leadership, year=2025)
    build = services.report_draft_build(by=bureau.leadership, report_id=report.pk)
    caplog.clear()
    build = services.build_run(build_id=build.pk)
    assert build.status == BuildStatus.FAILED
    assert "fonts-noto-cjk" in build.message and "未安装" in build.message
    failures = [r for r in caplog.records if r.name == "reports.services"]
    assert failures and all(r.exc_info is None for r in failures)

    settings.PORTAL_REPORT_FONT_DIR = "/usr/share/fonts/opentype/noto"
    settings.PORTAL_REPORT_BODY_FONT = str(tmp_path / "FandolFang-Regular.otf")
    with pytest.raises(CommandError, match="reports/fonts"):
        call_command("annual_report", year=2025, format="pdf", out=str(tmp_path / "r.pdf"), bureau=code)


@pytest.mark.parametrize("how", ["publish", "draft"])
def test_a_report_never_contradicts_itself_when_a_finding_changed_since_the_last_refresh(bureau, report, how):
    """Section 一 counts the untruthful dispositions found from the stored figures; section 二
    lists the findings as they are. A finding added after the nightly refresh must show in both
    or in neither."""
    # given a finding of the year added after the figures were computed
    finding(bureau.station_b, "untruthful", 2, datetime(2025, 8, 8, 10, tzinfo=TZ), "盗窃警情作纠纷处理。")
    assert selectors.bureau_values(bureau_id=report.bureau_id, period=year_period(2025))["JC02"].num == 4  # stale
    # when the report is published (or its draft files generated)
    if how == "publish":
        services.report_publish(by=bureau.leadership, report_id=report.pk, signed_on=date(2026, 1, 20))
        report.refresh_from_db()
        snapshot = report.snapshot
    else:
        snapshot = services.report_draft_build(by=bureau.leadership, report_id=report.pk).snapshot
    # then section 一's figure and section 二's count are the same five
    untruthful = next(f for f in snapshot["findings"] if f["category"] == "不如实受立案")
    assert snapshot["figures"]["untruthful_found"]["text"] == str(untruthful["count"]) == "5"
    text = services.snapshot_text(snapshot)
    assert "发现不如实受立案问题5起" in text and "（一）不如实受立案5个" in text
