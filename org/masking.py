"""Masking of personal identifiers wherever they are listed, exported or shown by default."""

from __future__ import annotations


def mask_id_card(value: str) -> str:
    """3307**********123X: region prefix and the last four, the birth date hidden."""
    if not value:
        return value
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; a landline keeps its area code and last two digits."""
    if not value:
        return value
    digits = value.replace("-", "")
    if len(digits) == 11 and digits.startswith("1"):
        return digits[:3] + "****" + digits[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    head = value.split("-")[0] + "-" if "-" in value else value[:4]
    return head + "*" * max(len(value) - len(head) - 2, 2) + value[-2:]
