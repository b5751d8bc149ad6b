"""Validation of what a reporter tells the desk officer: ID-card number, phone, times, amounts.

The desk form, the API and the bulk import (intake/importing.py) all call these functions,
so a report is judged by the same rules however it arrives.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|110|12110)$")
MAX_AMOUNT = Decimal("999999999999.99")
# A reception clock a few minutes fast must not make "now" look like the future.
CLOCK_SKEW = timedelta(minutes=5)


def id_card_check_digit(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_card_problem(value: str) -> str | None:
    """Why an 18-digit resident ID number (GB 11643) is not valid, or None."""
    value = value.strip().upper()
    if not ID_PATTERN.match(value):
        return str(_("An ID-card number has 18 characters: 17 digits and a check digit (0–9 or X)."))
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return str(_("The date of birth inside the ID-card number is not a real date."))
    if id_card_check_digit(value[:17]) != value[17]:
        return str(_("The check digit of the ID-card number is wrong: please check each digit."))
    return None


def validate_id_card(value: str) -> None:
    problem = id_card_problem(value)
    if problem:
        raise ValidationError(problem, code="id_card")


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(value.replace(" ", "")):
        raise ValidationError(
            _("Enter an 11-digit mobile number or a landline with its area code, e.g. 0571-87654321."),
            code="phone",
        )


def validate_received_at(value: datetime) -> None:
    if value > timezone.now() + CLOCK_SKEW:
        raise ValidationError(_("The time received cannot be in the future."), code="future")
    if value.year < 2000:
        raise ValidationError(_("The time received is too far in the past."), code="too_old")


def validate_amount(value: Decimal) -> None:
    if value < 0:
        raise ValidationError(_("The amount involved cannot be negative."), code="negative")
    if value > MAX_AMOUNT:
        raise ValidationError(_("The amount involved is too large."), code="too_large")
