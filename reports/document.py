"""The annual report as a list of blocks, composed from a snapshot alone: the DOCX, the PDF
and the HTML preview are three renderings of the same blocks, so they say the same thing,
and a rebuild from a stored snapshot gives the same document."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date

from reports.figures import fill
from reports.texts import CHINESE_NUMERALS, FINDINGS_TOTAL, HEADINGS, NO_FINDINGS, NO_FINDINGS_IN_YEAR


@dataclass(frozen=True)
class Block:
    kind: str  # organ_mark, doc_number, rule, title, addressee, heading, paragraph, signature, date
    text: str = ""


def paragraphs(text: str, figures: dict) -> list[str]:
    filled = fill(text or "", figures)
    return [line.strip() for line in filled.splitlines() if line.strip()]


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def ordinal(n: int) -> str:
    """（一）…（十）, then （11）: more categories than that are not expected."""
    return f"（{CHINESE_NUMERALS[n - 1]}）" if 1 <= n <= len(CHINESE_NUMERALS) else f"（{n}）"


def findings_paragraphs(findings: list[dict], *, snapshot_format: int = 2) -> list[str]:
    """Section 二's findings: the year's total, then one paragraph per category with its count
    and examples, all read from the snapshot."""
    if snapshot_format < 2:
        return _findings_paragraphs_v1(findings)
    if not findings:
        return [NO_FINDINGS_IN_YEAR]
    out = [FINDINGS_TOTAL.format(total=sum(f["count"] for f in findings))]
    for n, f in enumerate(findings, start=1):
        sentence = f"{ordinal(n)}{f['category']}{f['count']}个"
        if f.get("examples"):
            sentence += "。例如：" + "；".join(f["examples"])
        out.append(sentence + "。")
    return out


def _findings_paragraphs_v1(findings: list[dict]) -> list[str]:
    if not findings:
        return [NO_FINDINGS]
    total = sum(f["count"] for f in findings)
    parts = []
    for f in findings:
        sentence = f"{f['category']}{f['count']}个"
        if f.get("examples"):
            sentence += f"，如{f['examples'][0]}"
        parts.append(sentence)
    return [f"全年执法巡查共发现执法问题{total}个，主要包括：" + "；".join(parts) + "。"]


def compose(snapshot: dict) -> list[Block]:
    texts = snapshot["texts"]
    figures = snapshot["figures"]
    blocks = [Block("organ_mark", texts["organ"])]
    if texts.get("doc_number"):
        blocks.append(Block("doc_number", texts["doc_number"]))
    blocks.append(Block("rule"))
    blocks.append(Block("title", fill(texts["title"], figures)))
    blocks.append(Block("addressee", texts["addressees"]))
    blocks += [Block("paragraph", p) for p in paragraphs(texts["intro"], figures)]
    blocks.append(Block("heading", fill(HEADINGS["measures"], figures)))
    blocks += [Block("paragraph", p) for p in paragraphs(texts["measures"], figures)]
    blocks.append(Block("heading", fill(HEADINGS["shortcomings"], figures)))
    findings = findings_paragraphs(snapshot.get("findings", []), snapshot_format=snapshot.get("format", 1))
    blocks += [Block("paragraph", p) for p in findings]
    blocks += [Block("paragraph", p) for p in paragraphs(texts["shortcomings"], figures)]
    blocks.append(Block("heading", fill(HEADINGS["plan"], figures)))
    blocks += [Block("paragraph", p) for p in paragraphs(texts["plan"], figures)]
    blocks.append(Block("signature", texts["organ"]))
    blocks.append(Block("date", chinese_date(date.fromisoformat(snapshot["signed_on"]))))
    return blocks


# Runs that a line never breaks inside: a date ("2025年5月18日", "5月18日", "2025年"); a number
# with its decimals, its percent sign or its measure word ("82.2%", "3,000元", "7起", "426人次");
# a Latin word or code ("CAS-08").
UNBREAKABLE = re.compile(
    r"\d+(?:年\d+月\d+日|年\d+月|月\d+日|[年月日])"
    r"|[0-9A-Za-z]+(?:[.,:/_\-+][0-9A-Za-z]+)*(?:[%％‰]|人次|场次|[起个人次项名场件条元天岁])?"
)
# GB/T 9704-2012 7.3.3: a title of more than one line breaks where the words stay whole, in a
# trapezoid or diamond. The places an official title breaks well, in the usual order
# "organ 关于 content 的 kind": after 关于, after the year, before 工作 / 情况; after a comma.
TITLE_BREAK_AFTER = re.compile(r"关于|\d+年度?|[、，]")
TITLE_BREAK_BEFORE = re.compile(r"关于|工作|情况")
TITLE_CHARS = 20  # 2号 (22 pt) on the 156 mm type area


def width_chars(text: str) -> float:
    """The width in full-width characters (Latin letters and digits count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def atoms(text: str) -> list[str]:
    """The text as the pieces a line may break between: single characters, and the runs of
    UNBREAKABLE whole."""
    out, position = [], 0
    for match in UNBREAKABLE.finditer(text):
        out.extend(text[position : match.start()])
        out.append(match.group())
        position = match.end()
    out.extend(text[position:])
    return out


# A break elsewhere costs as much as lines 3 characters off the balance.
TITLE_BAD_BREAK = 9.0


def title_lines(title: str, limit: float = TITLE_CHARS) -> list[str]:
    """The title's lines: the author's own line breaks; else one line if it fits; else the
    fewest lines that fit, broken never inside a word, a number or a date, at good places where
    there are some, and as balanced as can be (the upper line the shorter on a near tie)."""
    if "\n" in title:
        return [line.strip() for line in title.splitlines() if line.strip()]
    title = title.strip()
    total = width_chars(title)
    if total <= limit:
        return [title]
    positions, at = [0], 0
    for piece in atoms(title):
        at += len(piece)
        if at == len(title) or title[at] not in "，。、；：？！）》”":
            positions.append(at)
    good = {m.end() for m in TITLE_BREAK_AFTER.finditer(title)}
    good |= {m.start() for m in TITLE_BREAK_BEFORE.finditer(title)}
    for count in range(math.ceil(total / limit), len(positions)):
        target = total / count
        # best[k][j]: the least cost of the first positions[j] characters in k lines, and the break before
        best = [{0: (0.0, None)}]
        for k in range(1, count + 1):
            row = {}
            for j in range(1, len(positions)):
                end = positions[j]
                for i, (so_far, _) in best[k - 1].items():
                    start = positions[i]
                    if start >= end:
                        continue
                    width = width_chars(title[start:end])
                    if width > limit:
                        continue
                    cost = so_far + (width - target) ** 2 + 0.01 * width * (k == 1)
                    if end != len(title) and end not in good:
                        cost += TITLE_BAD_BREAK
                    if j not in row or cost < row[j][0]:
                        row[j] = (cost, i)
            best.append(row)
        last = len(positions) - 1
        if last in best[count]:
            lines, j = [], last
            for k in range(count, 0, -1):
                i = best[k][j][1]
                lines.append(title[positions[i] : positions[j]])
                j = i
            return lines[::-1]
    return [title]


def plain_text(blocks: list[Block]) -> str:
    """The document's words, one block a line: what a text comparison of two builds reads."""
    return "\n".join(b.text for b in blocks if b.text)
