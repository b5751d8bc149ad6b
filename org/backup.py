"""Backups: pg_dump in custom format with a SHA-256 checksum beside it, and restore into an
empty database. For point-in-time recovery in production see the README (pgBackRest)."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

from config.embedded import psycopg_params, server_address


class BackupError(Exception):
    pass


def _server_major(alias: str = "default") -> int:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def pg_tool(name: str, *, alias: str = "default") -> str:
    """The pg_dump/pg_restore whose major version matches the server (an older one refuses)."""
    major = _server_major(alias)
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin/{name}")]
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:  # pragma: no cover - pgserver is in requirements
        pass
    for candidate in candidates:
        if candidate.exists():
            version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True).stdout
            if f" {major}." in version:
                return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(f"No {name} for PostgreSQL {major} was found.")


def _conn_args(db: dict) -> tuple[list[str], dict]:
    host, port = server_address(db)
    args = ["--host", host, "--port", str(port), "--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def backup(*, folder: Path | None = None, alias: str = "default") -> Path:
    """Dump the database to FOLDER/portal-YYYYmmdd-HHMMSS.dump and write its .sha256 beside it."""
    folder = Path(folder or settings.PORTAL_BACKUP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    db = connections[alias].settings_dict
    target = folder / f"portal-{datetime.now():%Y%m%d-%H%M%S}.dump"
    args, env = _conn_args(db)
    result = subprocess.run(
        [pg_tool("pg_dump", alias=alias), *args, "--format=custom", "--file", str(target), db["NAME"]],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(result.stderr.strip() or "pg_dump failed")
    Path(f"{target}.sha256").write_text(f"{sha256_of(target)}  {target.name}\n")
    return target


def restore(*, dump: Path, alias: str = "default", database: str | None = None) -> None:
    """Restore a checked dump into an empty database: `alias`'s, or another one on the same server."""
    dump = Path(dump)
    checksum_file = Path(f"{dump}.sha256")
    if not checksum_file.exists():
        raise BackupError(f"{checksum_file.name} is missing: the dump cannot be checked.")
    if checksum_file.read_text().split()[0] != sha256_of(dump):
        raise BackupError("The dump does not match its checksum: it is damaged or was changed.")
    db = dict(connections[alias].settings_dict)
    if database:
        db["NAME"] = database
    args, env = _conn_args(db)
    import psycopg

    with psycopg.connect(**psycopg_params(db)) as target:
        if target.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]:
            raise BackupError("The target database is not empty; restore into a new, empty database.")
    result = subprocess.run(
        [pg_tool("pg_restore", alias=alias), *args, "--no-owner", "--exit-on-error", "--dbname", db["NAME"], str(dump)],
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or "pg_restore failed")
