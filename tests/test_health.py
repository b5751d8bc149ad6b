"""/healthz answers 200 when the database and broker answer, 503 naming what failed."""

from __future__ import annotations

import pytest
from django.db import connection

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"]["ok"] is True
    assert response.json()["checks"]["broker"]["ok"] is True


def test_broker_down_answers_503_naming_the_broker(client, monkeypatch):
    # a real connection attempt to a port where nothing listens
    monkeypatch.setitem(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setitem(celery_app.conf, "broker_transport_options", {})
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["broker"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_naming_the_database(client):
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT="1")  # a real connection attempt, refused
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.update(saved)  # before any teardown needs the database again
    assert response.status_code == 503
    assert response.json()["checks"]["database"]["ok"] is False
