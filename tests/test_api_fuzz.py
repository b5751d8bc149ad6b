"""schemathesis against our own OpenAPI schema, as a user of each role: no 500, no answer that
breaks the schema. Bounded here (a few examples per operation); `make bench` runs a longer one."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from config.wsgi import application

MAX_EXAMPLES = int(os.environ.get("PORTAL_FUZZ_EXAMPLES", "6"))
# make bench's longer run draws new examples each time; make test repeats the same ones.
DERANDOMIZE = os.environ.get("PORTAL_FUZZ_RANDOM") != "1"
# No 500, and every answer (status, content type, body) as the schema says. Whether the API
# *accepts* all schema-valid input is not asked: an id filter naming no record is rightly refused.
# Authentication is tested by the access matrix and the API tests.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(db, tokens):
    # As Django's test client does: a request must not close the test's database connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        # The schema is served to signed-in users only.
        auth = {"Authorization": f"Token {tokens['supervisor']}"}
        yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=auth)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(bureau):
    """A token per role; every generated request is sent once as each of them."""
    return {
        role: Token.objects.create(user=getattr(bureau, role)).key
        for role in ("officer", "leader", "legal_officer", "supervisor", "leadership")
    }


def test_every_api_operation_answers_within_its_schema_and_never_500(api_schema, tokens):
    # schemathesis' own pytest plugin does not run under pytest 9 yet: drive hypothesis directly.
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 20

    for operation in operations:

        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            derandomize=DERANDOMIZE,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            for token in tokens.values():
                case.headers = {**(case.headers or {}), "Authorization": f"Token {token}"}
                case.call_and_validate(checks=CHECKS)

        try:
            check()
        except Exception as exc:  # collect every operation's failure, then report them together
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:400]}")
    assert not failures, "\n\n".join(failures)
