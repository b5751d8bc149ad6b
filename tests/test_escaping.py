"""What officers type is shown as text, never run: a <script> in every text field of a report
(and of the case it opens) comes back escaped on every page that shows it."""

from __future__ import annotations

import pytest

from intake.services import incident_decide
from intake.tests.factories import log_report

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_a_script_typed_into_a_report_is_escaped_on_every_page(client, bureau):
    incident = log_report(
        bureau.officer,
        reporter_name=PAYLOAD[:60],
        location=PAYLOAD,
        summary=PAYLOAD,
        category="criminal",
    )
    incident_decide(incident=incident, by=bureau.officer, disposition="filed")  # opens its case
    client.force_login(bureau.supervisor)
    pages = [
        "/",
        "/intake/",
        f"/intake/{incident.pk}/",
        f"/intake/{incident.pk}/?reveal=1",
        "/cases/",
        "/cases/alerts/",
        "/org/inbox/",
        f"/org/history/intake.incident/{incident.pk}/",
    ]
    from cases.models import Case

    case = Case.objects.get(incident=incident)  # filing opened it
    pages.append(f"/cases/{case.pk}/")
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        body = response.content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, path
    detail = client.get(f"/intake/{incident.pk}/").content.decode()
    assert "&lt;script&gt;alert" in detail  # shown, as text
    api = client.get(f"/api/v1/incidents/{incident.pk}/")
    assert api["Content-Type"].startswith("application/json")
