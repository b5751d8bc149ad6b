"""The access-control matrix: every route × every role × an object in and out of the role's
scope, answering as tests/access_matrix.py says; and every download leaves a security event
and holds nothing of another unit. The table is checked against the URL conf, so a new route
without an entry fails here."""

from __future__ import annotations

import io
import json
import zipfile
from fnmatch import fnmatch

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import load_workbook

from org.models import SecurityEvent
from tests.access_matrix import (
    MATRIX,
    OBJECTS,
    SHARED,
    SKIPPED,
    Redirect,
    allowed,
    case_id,
    cases,
    expected,
)
from tests.access_world import OUT_OF_SCOPE_NAMES, OWN, build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The matrix's records, built once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("matrix-media")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=hashers):
        with transaction.atomic():
            yield build_world(media)
            transaction.set_rollback(True)


def route_names() -> tuple[set[str], list[str]]:
    """The names of every route in the URL conf, with namespaces; and the unnamed routes."""
    names: set[str] = set()
    unnamed: list[str] = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
                walk(entry, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    names.add(":".join((*namespaces, entry.name)))
                else:
                    unnamed.append(":".join(namespaces) + " " + prefix + str(entry.pattern))

    walk(get_resolver(), "", ())
    return names, unnamed


def skipped(name: str) -> bool:
    return name not in MATRIX and any(fnmatch(name, pattern) for pattern in SKIPPED)


def test_every_route_has_a_matrix_entry():
    names, unnamed = route_names()
    missing = sorted(n for n in names if n not in MATRIX and not skipped(n))
    assert not missing, f"routes without an entry in tests/access_matrix.py MATRIX: {missing}"
    stale = sorted(set(MATRIX) - names)
    assert not stale, f"MATRIX entries for routes that no longer exist: {stale}"
    unused = sorted(p for p in SKIPPED if not any(fnmatch(n, p) and n not in MATRIX for n in names))
    assert not unused, f"SKIPPED entries that match no route: {unused}"
    # A route without a name cannot be listed: only the admin site's catch-all has none.
    assert all(u.startswith("admin ") for u in unnamed), unnamed
    assert names == set(MATRIX) | {n for n in names if skipped(n)}


def _request(client, world, name: str, index: int, role: str, scope: str):
    route = MATRIX[name]
    probe = route.probes[index]
    kind = probe.obj or route.obj
    kwargs = dict(OBJECTS[kind].kwargs(world, scope, role)) if kind else {}
    kwargs.update(probe.kwargs)
    url = reverse(name, kwargs=kwargs or None)
    if probe.query:
        url = f"{url}?{probe.query}"
    if role in world.sessions:  # signed in once for the module (tests/access_world.py)
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    if probe.method == "GET":
        return url, client.get(url)
    data = probe.data(world) if callable(probe.data) else dict(probe.data or {})
    if route.api:
        return url, client.post(url, json.dumps(data), content_type="application/json")
    return url, client.post(url, data)


def _answer(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code}→{response['Location']}"
    return str(response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("cell", cases(), ids=case_id)
def test_access(world, client, cell):
    name, index, role, scope = cell
    route = MATRIX[name]
    want = expected(route, route.probes[index], role, scope)
    url, response = _request(client, world, name, index, role, scope)
    got = _answer(response)
    if isinstance(want, Redirect):
        ok = response.status_code == 302 and response["Location"].startswith(want.to)
    elif want == 302:  # a redirect after success: never to a login or second-factor page
        ok = response.status_code == 302 and not response["Location"].startswith(("/login/", "/admin/login/"))
    else:
        ok = response.status_code == want
    assert ok, f"{case_id(cell)}: {url} answered {got}, the matrix says {want!r}"


# The rectification loop's buttons tell a refusal as a message (the matrix's 302s): each is a
# security event all the same, as every 403 is.
REFUSED_AS_A_MESSAGE = [
    ("inspections:answer", "legal_officer"),
    ("inspections:return", "officer"),
    ("inspections:verify", "officer"),
    ("inspections:close", "unit_leader"),
    ("inspections:exclude", "legal_officer"),
    ("inspections:notice_issue", "officer"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), REFUSED_AS_A_MESSAGE)
def test_a_refusal_told_as_a_message_is_a_security_event(world, client, name, role):
    url, response = _request(client, world, name, 0, role, OWN)
    assert response.status_code == 302, f"{url} answered {_answer(response)}"
    denied = SecurityEvent.objects.filter(kind="denied", user=world.users[role])
    assert [(e.path, e.detail) for e in denied] == [(url, {"method": "POST"})]


# --- Downloads: recorded, and scoped -------------------------------------------------------

DOWNLOADS = [(name, index) for name, route in MATRIX.items() for index, p in enumerate(route.probes) if p.export]


def _downloader(name: str, index: int) -> str:
    """A role that may make the download, preferring one whose scope is a single unit."""
    probe = MATRIX[name].probes[index]
    for role in ("legal_officer", "unit_leader", "officer", "supervisor", "leadership", "admin"):
        if allowed(probe.expect[role]):
            return role
    raise AssertionError(f"nobody may download {name}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), DOWNLOADS, ids=[f"{n}[{i}]" for n, i in DOWNLOADS])
def test_a_download_is_recorded_as_a_security_event(world, client, name, index):
    role = _downloader(name, index)
    url, response = _request(client, world, name, index, role, OWN)
    assert response.status_code == 200, f"{url} answered {_answer(response)}"
    events = SecurityEvent.objects.filter(kind="export", user=world.users[role])
    assert [e.detail.get("what") for e in events] == [MATRIX[name].probes[index].export], url
    assert events.get().path == url.split("?")[0]


def _text(response) -> str:
    """The cells of a workbook, or the text of any other file."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    try:
        book = load_workbook(io.BytesIO(body), read_only=True)
    except (zipfile.BadZipFile, KeyError, OSError):
        return body.decode("utf-8", "replace")
    return "\n".join(
        str(value) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for value in row if value
    )


SCOPED_DOWNLOADS = [
    (name, index, role)
    for name, index in DOWNLOADS
    for role in ("officer", "unit_leader", "legal_officer")
    if allowed(MATRIX[name].probes[index].expect[role])
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "index", "role"), SCOPED_DOWNLOADS, ids=[f"{n}[{i}]-{r}" for n, i, r in SCOPED_DOWNLOADS]
)
def test_a_download_holds_nothing_of_another_unit(world, client, name, index, role):
    url, response = _request(client, world, name, index, role, OWN)
    assert response.status_code == 200, f"{url} answered {_answer(response)}"
    text = _text(response)
    leaked = [word for word in OUT_OF_SCOPE_NAMES if word in text]
    assert not leaked, f"{url} as {role} holds {leaked}"


# Downloads of lists (no object in the URL, or only reference data such as a metric's code).
# The notice board is the bureau's for every officer: it names no unit, so it has no control word.
BUREAU_BOARDS = {"inspections:notices"}
WHOLE_BUREAU_DOWNLOADS = {
    (name, index)
    for name, index, _role in SCOPED_DOWNLOADS
    if (MATRIX[name].obj is None or OBJECTS[MATRIX[name].obj].scopes == SHARED) and name not in BUREAU_BOARDS
}
SUPERVISOR_DOWNLOADS = [(n, i) for n, i in DOWNLOADS if allowed(MATRIX[n].probes[i].expect["supervisor"])]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "index"), SUPERVISOR_DOWNLOADS, ids=[f"{n}[{i}]" for n, i in SUPERVISOR_DOWNLOADS])
def test_a_supervisors_download_holds_the_whole_bureau_and_nothing_of_another(world, client, name, index):
    url, response = _request(client, world, name, index, "supervisor", OWN)
    assert response.status_code == 200, f"{url} answered {_answer(response)}"
    text = _text(response)
    assert OUT_OF_SCOPE_NAMES[1] not in text, f"{url} holds the other bureau's records"
    if (name, index) in WHOLE_BUREAU_DOWNLOADS:
        # The control of the test above: the word it looks for is there when the scope is the bureau.
        assert OUT_OF_SCOPE_NAMES[0] in text, url
