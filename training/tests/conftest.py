"""Fixtures of training: an open spot test drawn for the bureau's two station officers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from training import services
from training.models import QuestionKind, SpotTest
from training.tests.factories import QuestionFactory

TZ = ZoneInfo("Asia/Shanghai")
# An evening session: the test starts at 19:30 Beijing time.
EVENING = datetime(2025, 3, 12, 19, 30, tzinfo=TZ)


@dataclass
class OpenTest:
    test: SpotTest
    single: list
    multiple: list
    true_false: list


@pytest.fixture
def open_test(bureau) -> OpenTest:
    home = bureau.station_a.bureau
    single = [QuestionFactory(bureau=home, topic="强制措施", kind=QuestionKind.SINGLE) for _ in range(3)]
    multiple = [QuestionFactory(bureau=home, topic="证据", kind=QuestionKind.MULTIPLE) for _ in range(2)]
    true_false = [QuestionFactory(bureau=home, topic="治安处罚", kind=QuestionKind.TRUE_FALSE) for _ in range(2)]
    test = services.spot_test_create(
        bureau_id=home.pk,
        title="三月法律知识抽测",
        rules=[{"topic": "强制措施", "count": 3}, {"topic": "证据", "count": 2}, {"topic": "治安处罚", "count": 2}],
        held_on=date(2025, 3, 12),
        time_limit_minutes=20,
        pass_score=60,
        by=bureau.supervisor,
        question_seed=42,
    )
    services.spot_test_sample(test=test, unit_ids=[bureau.station_a.pk, bureau.station_b.pk], size=None, seed=1)
    services.spot_test_open(test=test)
    return OpenTest(test=test, single=single, multiple=multiple, true_false=true_false)
