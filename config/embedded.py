"""Embedded services for a machine that has neither PostgreSQL nor Redis.

With no DATABASE_URL the portal runs its own PostgreSQL (the `pgserver` pip
package) with its data under var/pgdata, started on first use and reused by
every later process. With no REDIS_URL, Celery uses kombu's filesystem
transport under var/broker: a real broker with a real worker, no eager mode.
"""

from __future__ import annotations

import fcntl
from pathlib import Path


def embedded_postgres_url(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL and return a URL for it."""
    import warnings

    # pgserver's platformdirs warns about XDG_RUNTIME_DIR on servers; it does not use it.
    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (web and worker) must not both initdb.
    with open(data_dir.parent / "pgserver.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        server = pgserver.get_server(data_dir, cleanup_mode=None)
        uri = server.get_uri()
        _ensure_database(server, "portal")
    # get_uri() names the "postgres" database; the portal keeps its own.
    base, _, query = uri.partition("?")
    return f"{base.rsplit('/', 1)[0]}/portal?{query}"


def _ensure_database(server, name: str) -> None:
    # `name` is our own constant, never user input.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}';")  # noqa: S608
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{name}";')


def filesystem_broker_options(folder: Path) -> dict:
    for sub in ("out", "processed", "control"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "out"),
        "data_folder_out": str(folder / "out"),
        "processed_folder": str(folder / "processed"),
        # kombu's default is ./control in whatever folder the process started in
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def server_address(db: dict) -> tuple[str, int]:
    """(host, port) of Django's settings of one database. The embedded server's URL names its
    unix socket folder in the query (?host=…), which django-environ keeps in OPTIONS."""
    options = db.get("OPTIONS") or {}
    host = options.get("host") or db.get("HOST") or "127.0.0.1"
    port = options.get("port") or db.get("PORT") or 5432
    return str(host), int(port)


def psycopg_params(db: dict, *, dbname: str | None = None) -> dict:
    """psycopg.connect() keywords for Django's settings of one database (or another on its server)."""
    host, port = server_address(db)
    return {
        "host": host,
        "port": port,
        "user": db["USER"],
        "password": db.get("PASSWORD") or None,
        "dbname": dbname or db["NAME"],
    }


def database_url(db: dict, *, name: str | None = None) -> str:
    """A DATABASE_URL for Django's settings of one database (optionally another database name
    on the same server), for subprocesses: bench servers, a worker in a test."""
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    host, port = server_address(db)
    name = name or db["NAME"]
    if str(host).startswith("/"):  # a unix socket folder (the embedded server)
        return f"postgres://{auth}@/{name}?host={host}&port={port}"
    return f"postgres://{auth}@{host}:{port}/{name}"
