from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_v1_endpoints(client, bureau):
    client.force_login(bureau.supervisor)
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/units/" in paths and "/api/v1/officers/{id}/" in paths


def test_browsable_docs_are_served_without_a_cdn(client, bureau):
    client.force_login(bureau.supervisor)
    page = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()


def test_token_authentication(client, bureau):
    token = Token.objects.create(user=bureau.officer)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["police_number"] == bureau.officer.police_number


def test_bad_token_is_refused(client, bureau):
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


def test_an_api_url_matching_no_route_answers_json_not_the_html_page(client, bureau):
    client.force_login(bureau.supervisor)
    answer = client.get("/api/v1/rules/No%20question%20given./")  # found by schemathesis
    assert answer.status_code == 404 and answer["Content-Type"] == "application/json"
    assert "detail" in answer.json()
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_missing_object_answers_in_chinese_without_naming_the_model(client, bureau):
    client.force_login(bureau.supervisor)
    answer = client.get("/api/v1/units/999999/")
    assert answer.status_code == 404
    assert answer.json() == {"detail": "未找到。"}


def test_every_address_the_readme_names_exists():
    import re
    from pathlib import Path

    from django.urls import Resolver404, resolve

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    named = set(re.findall(r"`(?:(?:GET|POST|PUT|PATCH|DELETE) )?(/[^`\s<>]*)`", readme))
    named = {path for path in named if not path.startswith("/usr/") and "<" not in path}
    missing = []
    for path in sorted(named):
        try:
            resolve(path)
        except Resolver404:
            missing.append(path)
    assert named and not missing


def test_the_api_docs_name_the_intake_operations_in_the_users_language(client, bureau):
    client.force_login(bureau.supervisor)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    summaries = {op.get("summary") for path in schema["paths"].values() for op in path.values()}
    assert "查询权限范围内的接报案" in summaries and "List incidents in scope" not in summaries
