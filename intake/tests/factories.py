from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from intake.models import Category, Channel, Incident
from intake.services import incident_log

TZ = ZoneInfo("Asia/Shanghai")
VALID_ID = "11010519491231002X"  # the GB 11643 standard's own example


def report_data(**overrides) -> dict:
    data = {
        "channel": Channel.WALK_IN,
        "received_at": timezone.now() - timedelta(hours=1),
        "category": Category.CRIMINAL,
        "is_anonymous": False,
        "reporter_name": "张伟",
        "reporter_id_number": VALID_ID,
        "reporter_phone": "13812345678",
        "location": "人民路菜市场门口",
        "amount": None,
        "summary": "报警人称其电动车被盗。",
        "receiving_officer": None,
    }
    data.update(overrides)
    return data


def log_report(officer, *, unit=None, **overrides) -> Incident:
    """A report logged through the service, as the desk form does."""
    return incident_log(by=officer, unit=unit or officer.unit, data=report_data(**overrides))


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)
