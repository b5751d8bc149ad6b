"""ID card, phone, time and amount rules, in Python and (for imports) in the same words."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.validators import (
    id_card_check_digit,
    id_card_problem,
    validate_amount,
    validate_phone,
    validate_received_at,
)


@pytest.mark.parametrize("number", ["11010519491231002X", "11010519491231002x", " 11010519491231002X "])
def test_valid_id_card_numbers_pass(number):
    assert id_card_problem(number) is None


@pytest.mark.parametrize(
    "number,reason",
    [
        ("110105194912310021", "校验码"),  # last digit wrong
        ("11010519491331002X", "出生日期"),  # month 13
        ("11010519490230002X", "出生日期"),  # 30 February
        ("1101051949123100", "18 位"),  # too short
        ("11010519491231002Y", "18 位"),  # not a check character
        ("110105491231002", "18 位"),  # old 15-digit form
    ],
)
def test_invalid_id_card_numbers_say_why(number, reason):
    assert reason in id_card_problem(number)


def test_check_digit_is_computed_by_the_standard_weights():
    # every body with its computed check digit validates; any other digit does not
    for body in ("33070219800101123", "44030419991231456", "11010519491231002"):
        right = id_card_check_digit(body)
        assert id_card_problem(body + right) is None
        wrong = "0" if right != "0" else "1"
        assert id_card_problem(body + wrong) is not None


@pytest.mark.parametrize("phone", ["13812345678", "0571-87654321", "057187654321", "110"])
def test_phones_that_pass(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12812345678", "1381234567", "abc", "+86 138"])
def test_phones_that_fail(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)


def test_received_at_in_the_future_is_refused_but_clock_skew_is_tolerated():
    validate_received_at(timezone.now() + timedelta(minutes=3))
    with pytest.raises(ValidationError, match="晚于当前时间"):
        validate_received_at(timezone.now() + timedelta(hours=1))


def test_negative_amount_is_refused():
    validate_amount(Decimal("0"))
    with pytest.raises(ValidationError, match="负数"):
        validate_amount(Decimal("-1"))
