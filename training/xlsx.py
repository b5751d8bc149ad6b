"""Reading and writing the .xlsx files of training: uploads are checked (size, a real zip,
readable by openpyxl) before a row is read, so a bad file answers with a message, never a 500."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

MAX_UPLOAD_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRefused(Exception):
    """The whole file is refused (nothing was loaded)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(upload, columns: dict[str, tuple[str, ...]], required: Iterable[str]) -> list[tuple[int, dict]]:
    """The data rows of the first sheet as (sheet row number, {column key: value}).

    `columns` maps our key to the header texts accepted for it (Chinese or English).
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ImportRefused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportRefused(_("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)})
    # An .xlsx file is a zip archive; anything else (an old .xls, a CSV renamed) is refused here.
    if not data.startswith(b"PK\x03\x04") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportRefused(_("This is not an Excel .xlsx file. Save the sheet as .xlsx and upload it again."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ImportRefused(_("The Excel file could not be read. Save it again as .xlsx and retry.")) from exc
    if not rows:
        raise ImportRefused(_("The sheet is empty."))
    header = [str(cell).strip().lower() if cell is not None else "" for cell in rows[0]]
    index: dict[str, int] = {}
    for key, names in columns.items():
        for position, text in enumerate(header):
            if text in {n.lower() for n in names}:
                index[key] = position
                break
    missing = [columns[key][0] for key in required if key not in index]
    if missing:
        raise ImportRefused(
            _("The first row must name the columns; missing: %(columns)s.") % {"columns": "、".join(missing)}
        )
    if len(rows) > MAX_ROWS + 1:
        raise ImportRefused(_("The sheet has more than %(limit)s rows; split it.") % {"limit": MAX_ROWS})
    result = []
    for number, row in enumerate(rows[1:], start=2):
        values = {key: (row[pos] if pos < len(row) else None) for key, pos in index.items()}
        if all(v is None or str(v).strip() == "" for v in values.values()):
            continue
        result.append((number, values))
    return result


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def workbook_response_bytes(title: str, headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """One sheet with a bold header row; returns the file's bytes."""
    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column, header in zip(sheet.columns, headers, strict=False):
        sheet.column_dimensions[column[0].column_letter].width = max(10, len(str(header)) * 2 + 2)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
