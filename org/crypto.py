"""Personal data at rest (等保三级, 个人信息保护): ID-card and phone numbers are stored encrypted.

AES-256-GCM (the `cryptography` package) with keys from the environment, never from the
database, so a dump or a backup holds only ciphertext. Each value is stored as
``<key id>$<base64url(nonce ‖ ciphertext ‖ tag)>``; the key id says which key opens it, so a
new key can take over while the old one still reads (key rotation without downtime: see
``manage.py rotate_pii_key``). The field's name is bound in as associated data, so a value
copied into another column does not decrypt.

Encryption with a random nonce cannot be searched, so an exact lookup goes through a keyed
hash (HMAC-SHA256 with its own key) kept beside the ciphertext.

Settings: ``PII_KEYS`` — ``["id:base64key", …]``, the first encrypts, all decrypt;
``PII_HASH_KEY`` — base64.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.lookups import Exact
from django.dispatch import receiver

NONCE = 12
TOKEN = re.compile(r"^([a-z0-9]{1,8})\$([A-Za-z0-9_-]+)$")


class DecryptionError(ValueError):
    """A stored value that no configured key opens (unknown key id, or altered ciphertext)."""


@dataclass(frozen=True)
class Keyring:
    current: str
    keys: dict[str, AESGCM]
    hash_key: bytes


def _decode_key(text: str, what: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{what} must be 32 bytes (base64 of 32 random bytes)")
    return raw


@cache
def keyring() -> Keyring:
    entries = list(settings.PII_KEYS)
    if not entries:
        raise ImproperlyConfigured("PORTAL_PII_KEYS is not set")
    keys: dict[str, AESGCM] = {}
    for entry in entries:
        kid, sep, text = entry.partition(":")
        if not sep or not re.fullmatch(r"[a-z0-9]{1,8}", kid):
            raise ImproperlyConfigured("each PORTAL_PII_KEYS entry is id:base64key with a short lower-case id")
        if kid in keys:
            raise ImproperlyConfigured(f"key id {kid} appears twice in PORTAL_PII_KEYS")
        keys[kid] = AESGCM(_decode_key(text, f"key {kid}"))
    current = entries[0].partition(":")[0]
    return Keyring(current=current, keys=keys, hash_key=_decode_key(settings.PII_HASH_KEY, "PORTAL_PII_HASH_KEY"))


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs) -> None:
    if setting in ("PII_KEYS", "PII_HASH_KEY"):
        keyring.cache_clear()


def generate_key() -> str:
    """A new random key, base64url (for PORTAL_PII_KEYS or PORTAL_PII_HASH_KEY)."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def encrypt(value: str, *, purpose: str) -> str:
    """The stored form of `value` under the current key; '' stays '' (nothing to hide)."""
    if not value:
        return value
    ring = keyring()
    nonce = os.urandom(NONCE)
    sealed = ring.keys[ring.current].encrypt(nonce, value.encode(), purpose.encode())
    return f"{ring.current}${base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def key_id(stored: str) -> str | None:
    """Which key a stored value is under; None for '' and for plaintext written before encryption."""
    match = TOKEN.match(stored or "")
    return match.group(1) if match else None


def decrypt(stored: str, *, purpose: str) -> str:
    if not stored:
        return stored
    match = TOKEN.match(stored)
    if match is None:
        # Written before encryption was switched on (still in the sealed audit trail, which
        # is never rewritten); `rotate_pii_key` encrypts what remains in the live tables.
        return stored
    kid, body = match.groups()
    ring = keyring()
    if kid not in ring.keys:
        raise DecryptionError(f"no key {kid!r} in PORTAL_PII_KEYS")
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    try:
        return ring.keys[kid].decrypt(raw[:NONCE], raw[NONCE:], purpose.encode()).decode()
    except InvalidTag as exc:
        raise DecryptionError(f"a {purpose} value does not open with key {kid!r}: altered or misplaced") from exc


def lookup_hash(value: str, *, purpose: str) -> str:
    """The keyed hash that finds a value by exact match; '' for ''."""
    if not value:
        return ""
    return hmac.new(keyring().hash_key, f"{purpose}\0{value}".encode(), hashlib.sha256).hexdigest()


class _EmptyOnlyExact(Exact):
    """`field=''` still works (is it blank?); any other exact match cannot, since every value
    is encrypted with its own nonce — look it up by its hash instead."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(f"{self.lhs.target.name} is encrypted: look it up by its keyed hash")
        return super().get_prep_lookup()


class EncryptedCharField(models.CharField):
    """A CharField stored encrypted (see the module). Python code sees the plain value; the
    database, its dumps and the audit trail see only ciphertext. `plain_max_length` bounds
    what the user types; the column is wide enough for the ciphertext."""

    STORED_MAX_LENGTH = 100

    def __init__(self, *args, plain_max_length: int = 20, **kwargs):
        self.plain_max_length = plain_max_length
        kwargs["max_length"] = self.STORED_MAX_LENGTH
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["plain_max_length"] = self.plain_max_length
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    @property
    def purpose(self) -> str:
        return self.name

    def from_db_value(self, value, expression, connection):
        return decrypt(value, purpose=self.purpose) if value else value

    def get_db_prep_save(self, value, connection):
        value = super().get_db_prep_save(value, connection)
        return encrypt(value, purpose=self.purpose) if value else value

    # Comparisons with a plain value cannot match ciphertext: refused rather than silently empty.
    REFUSED_LOOKUPS = frozenset(
        "iexact contains icontains startswith istartswith endswith iendswith in regex iregex "
        "gt gte lt lte range".split()
    )

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return _EmptyOnlyExact
        if lookup_name in self.REFUSED_LOOKUPS:
            return None
        return super().get_lookup(lookup_name)

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        MaxLengthValidator(self.plain_max_length)(value)

    def formfield(self, **kwargs):
        return super().formfield(**{"max_length": self.plain_max_length, **kwargs})


class LookupHashField(models.CharField):
    """The keyed hash of another (encrypted) field of the same row, set on every save, so an
    exact match (e.g. every report by the same ID number) is an indexed equality."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.update(max_length=64, blank=True, default="", db_default="", editable=False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key in ("max_length", "blank", "default", "db_default", "editable"):
            kwargs.pop(key, None)
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = lookup_hash(getattr(model_instance, self.source) or "", purpose=self.source)
        setattr(model_instance, self.attname, value)
        return value
