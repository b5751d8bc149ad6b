"""Excel exports of every list: Chinese headers (the officers' own words), formula-safe cells, capped."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook

from intake.exports import safe_cell


def _value(value):
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None)
    if value is None:
        return ""
    if not isinstance(value, int | float | str) and hasattr(value, "as_tuple"):
        return float(value)
    if not isinstance(value, int | float | str):
        return str(value)
    return value


def xlsx(*, title: str, columns: list[tuple[str, Callable]], rows: Iterable) -> FileResponse:
    """One sheet: `columns` is (header, function of a row → value)."""
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append([header for header, _get in columns])
    for count, row in enumerate(rows, start=1):
        if count > limit:
            sheet.append([f"仅导出前 {limit} 条，请缩小筛选范围后再导出。"])
            break
        sheet.append([safe_cell(_value(get(row))) for _header, get in columns])
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"{title}-{stamp}.xlsx")
