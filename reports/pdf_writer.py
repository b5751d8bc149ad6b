"""The report as PDF (fpdf2), laid out like the DOCX: the same A4 page, margins, 22 lines of
28 characters at a 28.95 pt pitch, the same headings, signature and "— N —" page numbers.

Chinese needs CJK fonts on the machine that builds the file (the reader needs nothing: the
used glyphs are embedded), all under open licences:
- the body in 仿宋 at 3号, as GB/T 9704-2012 asks: FandolFang, shipped with the portal in
  reports/fonts (GPL with the font exception; see its README.md); the rare character it lacks
  is drawn from Noto Serif CJK SC;
- the 小标宋-style title and the organ's mark in Noto Serif CJK SC Bold, the 黑体 headings in
  Noto Sans CJK SC Bold, the Song-style page numbers in Noto Serif CJK SC: Debian's
  `fonts-noto-cjk` (SIL OFL), /usr/share/fonts/opentype/noto/, which `make run`, `make test`
  and .ci/run install (scripts/ensure_fonts.sh); PORTAL_REPORT_FONT_DIR points elsewhere.

A line never breaks inside a number, a percentage, a date or a Latin word (document.atoms),
never starts with a closing mark and never ends with an opening one. The file is
deterministic for a snapshot."""

from __future__ import annotations

import logging
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF

from reports.document import Block, atoms, title_lines

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
# Characters that must not end a line (避尾): they go down to the next line.
NO_LINE_END = set("（《「『“‘([")
RED = (230, 0, 18)

BODY = "fang"
# key → (file in PORTAL_REPORT_FONT_DIR, family of the .ttc face)
NOTO_FILES = {
    "serif": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC"),
    "sans-bold": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC"),
}
# Where a character is missing from a face, the face it is drawn from instead.
FALLBACK = {BODY: "serif"}


class FontMissing(RuntimeError):
    """A font the PDF needs is not on this machine; the message says how to install it."""


@lru_cache(maxsize=8)
def _collection_index(path: str, family: str) -> int:
    """Which face of a .ttc collection is the Simplified Chinese one."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    for index, font in enumerate(collection.fonts):
        if font["name"].getDebugName(1) == family:
            return index
    return 0


@lru_cache(maxsize=4)
def _characters(path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(path, lazy=True).getBestCmap())


def font_paths() -> dict[str, tuple[str, int]]:
    """key → (path, face index); FontMissing names the first missing file and the remedy."""
    out = {}
    body = Path(settings.PORTAL_REPORT_BODY_FONT)
    if not body.exists():
        raise FontMissing(
            _(
                "The 仿宋 font of the report's PDF, %(path)s, is missing: it ships with the portal in reports/fonts "
                "(restore it from the repository) or set PORTAL_REPORT_BODY_FONT to its place."
            )
            % {"path": body}
        )
    out[BODY] = (str(body), 0)
    folder = Path(settings.PORTAL_REPORT_FONT_DIR)
    for key, (name, family) in NOTO_FILES.items():
        path = folder / name
        if not path.exists():
            raise FontMissing(
                _(
                    "The Chinese font %(path)s that the report's PDF needs is not installed: run `make run` or "
                    "`scripts/ensure_fonts.sh` (as root: apt-get install fonts-noto-cjk), or set "
                    "PORTAL_REPORT_FONT_DIR to the folder of the Noto CJK fonts."
                )
                % {"path": path}
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
    def __init__(self, pdf: _Pdf, characters: dict[str, frozenset[int]]):
        self.pdf = pdf
        self.characters = characters  # the characters of the faces that have a fallback
        self.line = LINES_PER_PAGE  # forces a first page
        self.widths: dict[tuple[str, float, str], float] = {}

    def face(self, font: str, ch: str) -> str:
        """The face a character is drawn in: the asked one, or its fallback if it lacks it."""
        if font in self.characters and ord(ch) not in self.characters[font] and not ch.isspace():
            return FALLBACK[font]
        return font

    def width(self, font: str, size: float, ch: str) -> float:
        font = self.face(font, ch)
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
        """The lines, each a list of pieces (document.atoms): a line breaks between pieces only,
        never before a closing mark nor after an opening one; a piece longer than a line is
        broken between its characters."""
        pieces = []
        for piece in atoms(text):
            wide = sum(self.width(font, size, ch) + spacing for ch in piece)
            if len(piece) > 1 and wide > width:
                pieces.extend(piece)
            else:
                pieces.append(piece)
        lines: list[list[str]] = []
        current: list[str] = []
        used, limit = 0.0, width - first_indent
        for piece in pieces:
            w = sum(self.width(font, size, ch) + spacing for ch in piece)
            if current and used + w > limit + 0.01 and piece[0] not in NO_LINE_START:
                carried = []
                while len(current) > 1 and current[-1] in NO_LINE_END:
                    carried.insert(0, current.pop())
                lines.append(current)
                current = carried
                used = sum(self.width(font, size, ch) + spacing for p in carried for ch in p)
                limit = width
            current.append(piece)
            used += w
        if current:
            lines.append(current)
        return lines

    def draw(self, x: float, y: float, pieces: list[str], font: str, size: float, spacing: float, gap: float):
        """One line from x: each piece in its face(s), `gap` more after every piece but the last."""
        pdf = self.pdf
        for index, piece in enumerate(pieces):
            run, run_face = "", None
            for ch in piece:
                face = self.face(font, ch)
                if run and face != run_face:
                    x = self._text(x, y, run, run_face, size, spacing)
                    run = ""
                run, run_face = run + ch, face
            x = self._text(x, y, run, run_face, size, spacing)
            if index < len(pieces) - 1:
                x += gap
        pdf.set_char_spacing(0)

    def _text(self, x: float, y: float, run: str, face: str, size: float, spacing: float) -> float:
        pdf = self.pdf
        pdf.set_font(face, size=size)
        pdf.set_char_spacing(spacing)
        pdf.text(x, y, run)
        return x + sum(self.width(face, size, ch) + spacing for ch in run)

    def paragraph(
        self,
        text: str,
        *,
        font: str = BODY,
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
            pdf.set_text_color(*colour)
            natural = sum(self.width(font, size, ch) + spacing for piece in line for ch in piece)
            y = self.baseline(size, LINE * pitch_lines) if pitch_lines > 1 else self.baseline(size)
            gap = 0.0
            if align == "center":
                x = LEFT + (TYPE_W - natural) / 2
            elif align == "right":
                x = LEFT + TYPE_W - right - natural
            else:
                x = LEFT + (indent if index == 0 else 0)
                last = index == len(lines) - 1
                room = TYPE_W - (x - LEFT) - natural
                # A full line is justified by spacing its pieces; a number or a date stays as set.
                gap = room / (len(line) - 1) if not last and len(line) > 1 and room > 0 else 0.0
            self.draw(x, y, line, font, size, spacing, gap)
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
    writer = _Writer(pdf, {BODY: _characters(fonts[BODY][0])})
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
            for line in title_lines(block.text):
                writer.paragraph(line, font="serif-bold", size=TITLE_PT, align="center", indent_chars=0)
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
