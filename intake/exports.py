"""Excel exports of the register: Chinese headers, formula injection neutralised, capped in size."""

from __future__ import annotations

import tempfile

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook

from intake.models import Category, Channel, Disposition

COLUMNS = [
    ("number", "登记编号"),
    ("dispatch_id", "接警编号"),
    ("received_at", "报警时间"),
    ("channel", "报警方式"),
    ("category", "警情类别"),
    ("reporter_name", "报警人"),
    ("location", "发案地点"),
    ("amount", "涉案金额（元）"),
    ("summary", "简要案情"),
    ("unit__name", "接警单位"),
    ("receiving_officer__name", "首接责任人"),
    ("disposition", "处理结果"),
]
LABELS = {
    "channel": dict(Channel.choices),
    "category": dict(Category.choices),
    "disposition": dict(Disposition.choices),
}


def safe_cell(value):
    """A cell that starts like a formula is stored as text, so Excel never runs it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def incidents_xlsx(queryset: QuerySet) -> FileResponse:
    limit = settings.PORTAL_EXPORT_MAX_ROWS
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("接报案登记")
    sheet.append([title for _f, title in COLUMNS])
    fields = [f for f, _t in COLUMNS]
    rows = queryset.order_by("-received_at", "-id").values_list(*fields)[: limit + 1]
    count = 0
    for row in rows.iterator(chunk_size=2000):
        count += 1
        if count > limit:
            sheet.append([f"仅导出前 {limit} 条，请缩小筛选范围后再导出。"])
            break
        values = []
        for field, value in zip(fields, row, strict=True):
            if field in LABELS:
                value = str(LABELS[field].get(value, value))
            elif field == "received_at":
                value = timezone.localtime(value).replace(tzinfo=None)
            values.append(safe_cell(value))
        sheet.append(values)
    handle = tempfile.TemporaryFile()
    workbook.save(handle)
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return FileResponse(handle, as_attachment=True, filename=f"接报案登记-{stamp}.xlsx")
