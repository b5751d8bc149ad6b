"""Evidence files: size and type checked by content, stored outside the web root, served only in scope."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from inspections import services
from inspections.models import Attachment, Finding
from inspections.tests.factories import make_finding, pdf, png

pytestmark = pytest.mark.django_db


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_evidence_is_stored_under_media_root_and_downloaded_as_an_attachment(client, bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a, files=[pdf("询问笔录.pdf"), png("现场.png")])
    files = stored_files()
    assert len(files) == 2 and all(str(f).startswith(str(settings.MEDIA_ROOT)) for f in files)
    attachment = finding.attachments.get(name="询问笔录.pdf")
    assert attachment.content_type == "application/pdf" and len(attachment.sha256) == 64
    client.force_login(bureau.officer)
    response = client.get(f"/inspections/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_evidence_of_another_unit_is_not_found(client, bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a, files=[pdf()])
    attachment = finding.attachments.get()
    for user in (bureau.other_officer, bureau.foreign_officer):
        client.force_login(user)
        assert client.get(f"/inspections/attachments/{attachment.pk}/").status_code == 404


def test_a_file_too_big_is_refused_and_nothing_is_saved(bureau, settings):
    settings.PORTAL_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error:
        make_finding(bureau.legal_officer, unit=bureau.station_a, files=[pdf(content=b"%PDF-" + b"x" * 200)])
    assert "files" in error.value.message_dict
    assert not Finding.objects.exists() and not Attachment.objects.exists() and not stored_files()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),  # a PNG that calls itself a PDF
        ("report.png", b"MZ\x90\x00 not an image at all"),  # an executable that calls itself an image
        ("notes.txt", b"%PDF-1.4 but named as text"),
        ("empty.pdf", b""),
    ],
)
def test_a_file_that_is_not_what_its_name_says_is_refused(bureau, name, content):
    with pytest.raises(ValidationError):
        make_finding(bureau.legal_officer, unit=bureau.station_a, files=[png(name, content)])
    assert not Finding.objects.exists() and not stored_files()


def test_a_bad_file_in_an_answer_leaves_the_order_unanswered(bureau):
    finding = make_finding(bureau.legal_officer, unit=bureau.station_a)
    with pytest.raises(ValidationError):
        services.order_answer(order=finding.order, by=bureau.officer, text="已整改", files=[png("x.jpg")])
    finding.order.refresh_from_db()
    assert finding.order.status == "issued" and not finding.order.answers.exists()
