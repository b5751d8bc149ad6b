"""Excel exports of the reports' tables: Chinese headers, formula injection neutralised
(intake.exports.safe_cell), one sheet per table. Figures are numbers, not text, so that they
can be summed and sorted: a rate is written as its fraction with a percent format."""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from intake.exports import safe_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


PERCENT_FORMAT = "0.0%"


@dataclass(frozen=True)
class Percent:
    """A rate as the portal shows it (94.4 for 94.4%), written as 0.944 formatted 0.0%."""

    value: Decimal


def figure(value) -> Percent | int | str:
    """A metric's value (reports.selectors.Value) as a cell: a number, or empty when there is none."""
    from reports.models import Measure

    number = value.value
    if number is None:
        return ""
    return Percent(Decimal(number)) if value.metric.measure == Measure.PERCENT else int(number)


def xlsx_bytes(title: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append([safe_cell(str(h)) for h in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        row = list(row)
        sheet.append([v.value / 100 if isinstance(v, Percent) else safe_cell(v) for v in row])
        for cell, v in zip(sheet[sheet.max_row], row, strict=False):
            if isinstance(v, Percent):
                cell.number_format = PERCENT_FORMAT
    for column, header in zip(sheet.columns, headers, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(str(header)) * 2 + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(filename: str, title: str, headers: list[str], rows: Iterable[Iterable]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title, headers, rows), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
