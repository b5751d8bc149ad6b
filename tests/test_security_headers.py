"""Security headers on every page: CSP without inline scripts, frame denial, referrer policy."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/login/", "/", "/intake/", "/api/docs/"])
def test_pages_carry_a_csp_without_inline_scripts(client, bureau, path):
    client.force_login(bureau.supervisor)
    response = client.get(path)
    csp = response["Content-Security-Policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    body = response.content.decode()
    assert "<script>" not in body, "inline script found"


def test_api_docs_load_their_script_from_a_url(client, bureau):
    client.force_login(bureau.supervisor)
    page = client.get("/api/docs/").content.decode()
    assert "?script" in page
    assert client.get("/api/docs/?script").status_code == 200
