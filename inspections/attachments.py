"""Evidence files: checked by size and by their first bytes (never trusting the name alone),
stored under MEDIA_ROOT outside the web root, read back only through the scoped view."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# What each accepted type starts with, and the names it may carry.
SIGNATURES = (
    ("application/pdf", b"%PDF-", (".pdf",)),
    ("image/png", b"\x89PNG\r\n\x1a\n", (".png",)),
    ("image/jpeg", b"\xff\xd8\xff", (".jpg", ".jpeg")),
)
MAX_FILES = 10


def max_bytes() -> int:
    return settings.PORTAL_ATTACHMENT_MAX_BYTES


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content: bytes
    content_type: str
    extension: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def check(upload) -> CheckedFile:
    """Read and check one uploaded file; raises ValidationError(field "files") with the reason."""
    name = Path(upload.name or "").name[:200]
    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            {"files": _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            {"files": _("%(name)s is larger than %(limit)s.") % {"name": name, "limit": filesizeformat(limit)}}
        )
    if not content:
        raise ValidationError({"files": _("%(name)s is empty.") % {"name": name}})
    extension = Path(name).suffix.lower()
    for content_type, magic, extensions in SIGNATURES:
        if content.startswith(magic):
            if extension not in extensions:
                raise ValidationError(
                    {
                        "files": _("%(name)s is not what its name says: its content is %(type)s.")
                        % {"name": name, "type": content_type}
                    }
                )
            return CheckedFile(name=name, content=content, content_type=content_type, extension=extension)
    raise ValidationError({"files": _("%(name)s is not a PDF, PNG or JPEG file.") % {"name": name}})


def check_all(uploads) -> list[CheckedFile]:
    uploads = list(uploads or [])
    if len(uploads) > MAX_FILES:
        raise ValidationError({"files": _("Attach at most %(count)d files at a time.") % {"count": MAX_FILES}})
    return [check(u) for u in uploads]


def root() -> Path:
    return Path(settings.MEDIA_ROOT)


def write(checked: CheckedFile, *, bureau_id: int) -> str:
    """Write the bytes under MEDIA_ROOT with a random name; returns the relative path."""
    relative = f"inspections/{bureau_id}/{uuid.uuid4().hex}{checked.extension}"
    target = root() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "xb") as handle:
        handle.write(checked.content)
    return relative


def remove(relative: str) -> None:
    (root() / relative).unlink(missing_ok=True)


def open_stored(relative: str):
    path = (root() / relative).resolve()
    if root().resolve() not in path.parents:
        raise FileNotFoundError(relative)
    return open(path, "rb")
