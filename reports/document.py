"""The annual report as a list of blocks, composed from a snapshot alone: the DOCX, the PDF
and the HTML preview are three renderings of the same blocks, so they say the same thing,
and a rebuild from a stored snapshot gives the same document."""

from __future__ import annotations

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


def plain_text(blocks: list[Block]) -> str:
    """The document's words, one block a line: what a text comparison of two builds reads."""
    return "\n".join(b.text for b in blocks if b.text)
