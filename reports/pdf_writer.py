"""The report as PDF (fpdf2), laid out like the DOCX: the same A4 page, margins, 22 lines of
28 characters at a 28.95 pt pitch, the same headings, signature and "— N —" page numbers.

Chinese needs a CJK font on the machine that builds the file (the reader needs nothing: the
used glyphs are embedded). We use the open-licence (SIL OFL) Noto CJK faces of Debian's
`fonts-noto-cjk` package, /usr/share/fonts/opentype/noto/ (setting PORTAL_REPORT_FONT_DIR
points elsewhere): Noto Serif CJK SC for the Song/FangSong-style body and page numbers, its Bold for the
小标宋-style title and the organ's mark,
Noto Sans CJK SC Bold for the 黑体 headings. The file is deterministic for a snapshot."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from fpdf import FPDF

from reports.document import Block

# fontTools reports every subsetting step at INFO; the portal's log does not need them.
logging.getLogger("fontTools").setLevel(logging.WARNING)

MM = 72 / 25.4
PAGE_W, PAGE_H = 210 * MM, 297 * MM
TOP, BOTTOM, LEFT, RIGHT = 37 * MM, 35 * MM, 28 * MM, 26 * MM
TYPE_W = PAGE_W - LEFT - RIGHT
LINE = 28.95
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT, TITLE_PT, PAGE_NUMBER_PT, ORGAN_MARK_PT = 16, 22, 14, 26
# Characters that must not begin a line (避头点): they hang at the end of the line before.
NO_LINE_START = set("，。、；：？！）》」』”’％%,.;:?!)]")
RED = (230, 0, 18)

FONT_FILES = {
    "serif": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "sans-bold": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
}


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=8)
def _collection_index(path: str, family: str) -> int:
    """Which face of a .ttc collection is the Simplified Chinese one."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    return 0


def font_paths() -> dict[str, tuple[str, int]]:
    folder = Path(settings.PORTAL_REPORT_FONT_DIR)
    out = {}
    for key, (name, family) in FONT_FILES.items():
        path = folder / name
        if not path.exists():
            raise FontMissing(
                f"CJK font {path} not found: install Debian's fonts-noto-cjk "
                "(apt-get install fonts-noto-cjk) or set PORTAL_REPORT_FONT_DIR."
            )
        out[key] = (str(path), _collection_index(str(path), family))
    return out


class _Pdf(FPDF):
    def __init__(self):
        super().__init__(unit="pt", format="A4")
        self.set_margins(LEFT, TOP, RIGHT)
        self.set_auto_page_break(False)
        self.line_no = 0

    def footer(self):
        # "— N —" in 4号, its line 7 mm below the type area; odd pages right, even pages left,
        # one character in from the edge of the type area.
        self.set_font("serif", size=PAGE_NUMBER_PT)
        self.set_char_spacing(0)
        text = f"— {self.page_no()} —"
        width = self.get_string_width(text)
        baseline = PAGE_H - BOTTOM + 7 * MM + PAGE_NUMBER_PT * 0.88
        if self.page_no() % 2:
            x = PAGE_W - RIGHT - PAGE_NUMBER_PT - width
        else:
            x = LEFT + PAGE_NUMBER_PT
        self.text(x, baseline, text)


class _Writer:
    def __init__(self, pdf: _Pdf):
        self.pdf = pdf
        self.line = LINES_PER_PAGE  # forces a first page
        self.widths: dict[tuple[str, float, str], float] = {}

    def width(self, font: str, size: float, ch: str) -> float:
        key = (font, size, ch)
        if key not in self.widths:
            self.pdf.set_font(font, size=size)
            self.pdf.set_char_spacing(0)
            self.widths[key] = self.pdf.get_string_width(ch)
        return self.widths[key]

    def ensure_line(self, lines: int = 1) -> None:
        if self.line + lines > LINES_PER_PAGE:
            self.pdf.add_page()
            self.line = 0

    def baseline(self, size: float, pitch: float = LINE) -> float:
        return TOP + self.line * LINE + (pitch - size) / 2 + size * 0.88

    def wrap(self, text: str, font: str, size: float, width: float, first_indent: float, spacing: float):
        lines, current, used, limit = [], "", 0.0, width - first_indent
        for ch in text:
            w = self.width(font, size, ch) + spacing
            if current and used + w > limit + 0.01 and ch not in NO_LINE_START:
                lines.append(current)
                current, used, limit = "", 0.0, width
            current += ch
            used += w
        if current:
            lines.append(current)
        return lines

    def paragraph(
        self,
        text: str,
        *,
        font: str = "serif",
        size: float = BODY_PT,
        indent_chars: int = 2,
        align: str = "justify",
        colour=(0, 0, 0),
        pitch_lines: int = 1,
        right_chars: float = 0,
    ) -> None:
        pdf = self.pdf
        grid = TYPE_W / CHARS_PER_LINE  # the pitch of one character on the grid
        spacing = grid - size if size == BODY_PT else 0.0
        indent = indent_chars * grid
        right = right_chars * grid
        lines = self.wrap(text, font, size, TYPE_W - right, indent if align == "justify" else 0, spacing)
        for index, line in enumerate(lines):
            self.ensure_line(pitch_lines)
            pdf.set_font(font, size=size)
            pdf.set_text_color(*colour)
            natural = sum(self.width(font, size, ch) + spacing for ch in line)
            y = self.baseline(size, LINE * pitch_lines) if pitch_lines > 1 else self.baseline(size)
            if align == "center":
                x = LEFT + (TYPE_W - natural) / 2
                extra = 0.0
            elif align == "right":
                x = LEFT + TYPE_W - right - natural
                extra = 0.0
            else:
                x = LEFT + (indent if index == 0 else 0)
                last = index == len(lines) - 1
                room = TYPE_W - (x - LEFT) - natural
                extra = room / (len(line) - 1) if not last and len(line) > 1 and room > 0 else 0.0
            pdf.set_char_spacing(spacing + extra)
            pdf.text(x, y, line)
            pdf.set_char_spacing(0)
            self.line += pitch_lines
        pdf.set_text_color(0, 0, 0)

    def rule(self) -> None:
        pdf = self.pdf
        y = TOP + self.line * LINE - 4
        pdf.set_draw_color(*RED)
        pdf.set_line_width(1.5)
        pdf.line(LEFT, y, LEFT + TYPE_W, y)
        pdf.set_draw_color(0, 0, 0)
        self.line += 1


def _width_chars(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def build_pdf(blocks: list[Block], *, title: str, author: str, created: datetime) -> bytes:
    fonts = font_paths()
    pdf = _Pdf()
    for key, (path, index) in fonts.items():
        pdf.add_font(key, fname=path, collection_font_number=index)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_creator("执法监督平台")
    pdf.set_creation_date(created)
    pdf.set_lang("zh-CN")
    writer = _Writer(pdf)
    date_width = next((_width_chars(b.text) for b in blocks if b.kind == "date"), 0)
    for block in blocks:
        if block.kind == "organ_mark":
            writer.paragraph(
                block.text, font="serif-bold", size=ORGAN_MARK_PT, align="center", colour=RED, pitch_lines=2
            )
        elif block.kind == "doc_number":
            writer.paragraph(block.text, align="center")
        elif block.kind == "rule":
            writer.rule()
        elif block.kind == "title":
            writer.paragraph(block.text, font="serif-bold", size=TITLE_PT, align="center", indent_chars=0)
            writer.line += 1
        elif block.kind == "addressee":
            writer.paragraph(block.text, indent_chars=0)
        elif block.kind == "heading":
            writer.paragraph(block.text, font="sans-bold")
        elif block.kind == "paragraph":
            writer.paragraph(block.text)
        elif block.kind == "signature":
            writer.line += 1
            offset = 4 + max(0, (date_width - _width_chars(block.text)) / 2)
            writer.paragraph(block.text, align="right", indent_chars=0, right_chars=round(offset))
        elif block.kind == "date":
            writer.paragraph(block.text, align="right", indent_chars=0, right_chars=4)
    return bytes(pdf.output())
