"""The report as DOCX in the layout of GB/T 9704-2012 (党政机关公文格式):

- A4 (210 × 297 mm); margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, so the type
  area is 156 × 225 mm;
- 22 lines of 28 characters a page (the standard's 7.1), by a character grid and exact line
  spacing of 28.95 pt (225 mm ÷ 22 lines ≈ 28.98 pt; the 28.95 pt of the usual templates);
- title in a 小标宋-style face at 2号 (22 pt), centred; body in 仿宋 at 3号 (16 pt); first-level
  headings in 黑体; the issuing organ's mark in red with a red rule under the heading;
- page numbers in 4号 (14 pt) Song-style "— 1 —", 7 mm below the type area, odd pages at the
  right and even pages at the left, one character in from the edge (the outside edge).

The font names are those of the leadership's Windows machines (方正小标宋简体, 仿宋_GB2312,
黑体, 宋体); Word substitutes its own where they are missing. The output is deterministic for
a snapshot: fixed document properties and fixed zip entry times, so a rebuild is byte-identical.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from reports.document import Block, title_lines

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
PAGE_NUMBER_FONT = "宋体"
LATIN_FONT = "Times New Roman"

BODY_PT = 16  # 3号
TITLE_PT = 22  # 2号
PAGE_NUMBER_PT = 14  # 4号
ORGAN_MARK_PT = 26
LINE_PITCH_PT = 28.95
CHARS_PER_LINE = 28
TYPE_WIDTH_MM = 210 - 28 - 26
RED = RGBColor(0xE6, 0x00, 0x12)
# The character grid: the pitch that puts 28 characters of 16 pt across 156 mm, as Word
# stores it (extra pitch over the font size, in 1/4096 pt).
CHAR_PITCH_PT = TYPE_WIDTH_MM / 25.4 * 72 / CHARS_PER_LINE
CHAR_SPACE = round((CHAR_PITCH_PT - BODY_PT) * 4096)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# The extended properties in place of python-docx's template's ("Microsoft Macintosh Word",
# one page, no words): what wrote the file, and nothing that Word would have to correct.
APP_XML = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><Application>"
    + "执法监督平台".encode()
    + b"</Application><DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    b"<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
    b"<HyperlinksChanged>false</HyperlinksChanged></Properties>"
)


def _fonts(run_or_style, east_asian: str, size_pt: float, *, bold: bool = False, colour=None) -> None:
    font = run_or_style.font
    font.name = LATIN_FONT
    font.size = Pt(size_pt)
    font.bold = bold
    if colour is not None:
        font.color.rgb = colour
    rpr = run_or_style.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:ascii"), LATIN_FONT)
    rfonts.set(qn("w:hAnsi"), LATIN_FONT)


def _spacing(paragraph, *, exact_pt: float = LINE_PITCH_PT) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(exact_pt)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _indent_chars(paragraph, *, first_line: int = 0, left: int = 0, right: int = 0) -> None:
    """Indents in characters (Word's *Chars attributes, hundredths of a character)."""
    ppr = paragraph._p.get_or_add_pPr()
    ind = ppr.find(qn("w:ind"))
    if ind is None:
        ind = OxmlElement("w:ind")
        ppr.append(ind)
    if first_line:
        ind.set(qn("w:firstLineChars"), str(first_line * 100))
        ind.set(qn("w:firstLine"), str(first_line * BODY_PT * 20))
    if left:
        ind.set(qn("w:leftChars"), str(left * 100))
        ind.set(qn("w:left"), str(left * BODY_PT * 20))
    if right:
        ind.set(qn("w:rightChars"), str(right * 100))
        ind.set(qn("w:right"), str(right * BODY_PT * 20))


def _red_rule(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")  # eighths of a point: 1.5 pt
    bottom.set(qn("w:space"), "1")
    bottom.set(qn("w:color"), "E60012")
    border.append(bottom)
    ppr.append(border)


def _page_number(footer, *, align, indent_side: str) -> None:
    paragraph = footer.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)
    ppr = paragraph._p.get_or_add_pPr()
    ind = OxmlElement("w:ind")
    ind.set(qn(f"w:{indent_side}"), str(PAGE_NUMBER_PT * 20))  # one character from the edge
    ppr.append(ind)

    def run(text: str = ""):
        r = paragraph.add_run(text)
        _fonts(r, PAGE_NUMBER_FONT, PAGE_NUMBER_PT)
        # The dashes are the East Asian font's full-width ones, not Times New Roman's.
        r._r.rPr.rFonts.set(qn("w:hint"), "eastAsia")
        return r

    run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        r = run()
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
    run(" —")


def _layout(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # The number's line starts 7 mm below the type area: 35 − 7 mm, less the line's 14 pt.
    section.footer_distance = Mm(35 - 7) - Pt(PAGE_NUMBER_PT)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "linesAndChars")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH_PT * 20)))
    grid.set(qn("w:charSpace"), str(CHAR_SPACE))
    document.settings.odd_and_even_pages_header_footer = True
    section.different_first_page_header_footer = False
    _page_number(section.footer, align=WD_ALIGN_PARAGRAPH.RIGHT, indent_side="right")
    _page_number(section.even_page_footer, align=WD_ALIGN_PARAGRAPH.LEFT, indent_side="left")

    normal = document.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_PT)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = Pt(LINE_PITCH_PT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)


def _width_chars(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def build_docx(blocks: list[Block], *, title: str, author: str, created: datetime) -> bytes:
    document = Document()
    _layout(document)
    body = document.paragraphs[0] if document.paragraphs else None
    if body is not None:  # the template's empty first paragraph
        body._p.getparent().remove(body._p)
    date_width = next((_width_chars(b.text) for b in blocks if b.kind == "date"), 0)

    for block in blocks:
        p = document.add_paragraph()
        _spacing(p)
        if block.kind == "organ_mark":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(p, exact_pt=ORGAN_MARK_PT * 1.5)
            _fonts(p.add_run(block.text), TITLE_FONT, ORGAN_MARK_PT, colour=RED)
        elif block.kind == "doc_number":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _fonts(p.add_run(block.text), BODY_FONT, BODY_PT)
        elif block.kind == "rule":
            _red_rule(p)
            document.add_paragraph().paragraph_format.space_after = Pt(0)
        elif block.kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _spacing(p, exact_pt=TITLE_PT * 1.6)
            run = p.add_run()
            # The same lines as the PDF: broken where the words stay whole, not where Word would.
            for index, line in enumerate(title_lines(block.text)):
                if index:
                    run.add_break()
                run.add_text(line)
            _fonts(run, TITLE_FONT, TITLE_PT)
            blank = document.add_paragraph()
            _spacing(blank)
        elif block.kind == "addressee":
            _fonts(p.add_run(block.text), BODY_FONT, BODY_PT)
        elif block.kind == "heading":
            _indent_chars(p, first_line=2)
            _fonts(p.add_run(block.text), HEADING_FONT, BODY_PT)
        elif block.kind == "paragraph":
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _indent_chars(p, first_line=2)
            _fonts(p.add_run(block.text), BODY_FONT, BODY_PT)
        elif block.kind == "signature":
            blank = p
            p = document.add_paragraph()
            _spacing(p)
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            # The organ's name centred over the date, the date four characters from the right.
            offset = 4 + max(0, (date_width - _width_chars(block.text)) / 2)
            _indent_chars(p, right=round(offset))
            _fonts(p.add_run(block.text), BODY_FONT, BODY_PT)
            del blank
        elif block.kind == "date":
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(p, right=4)
            _fonts(p.add_run(block.text), BODY_FONT, BODY_PT)

    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = created
    props.modified = created
    props.revision = 1
    props.comments = ""
    _without_template_leftovers(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _without_template_leftovers(document) -> None:
    """Drop the template's blank thumbnail and replace its application properties."""
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            package.rels.pop(rel_id)
    for part in package.iter_parts():
        if part.partname == "/docProps/app.xml":
            part._blob = APP_XML


def _fixed_zip(data: bytes) -> bytes:
    """The same entries with fixed times, so the same document gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
