"""`make bench [SCALE=1]`: measure the portal at a county bureau's year (../shared/BENCH.md).

Builds its own database (`portal_bench`, dropped and re-created) on the same PostgreSQL
that `make test` uses, seeds it with `seed_demo` at SCALE × 1,000,000 incidents, runs every
area in bench/areas/ that exists, and writes bench/results.json. Each area measures our way,
the naive way and the raw lower bound side by side in one run. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import platform
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results.json"
BENCH_DB = os.environ.get("BENCH_DB", "portal_bench")


def bench_database_url(*, keep: bool = False) -> str:
    """The bench database on the server that DATABASE_URL (or the embedded server) names,
    dropped and created anew unless `keep` (then an existing one is reused as it is)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_dev")
    import django
    from django.conf import settings

    django.setup()
    db = settings.DATABASES["default"]
    import psycopg

    from config.embedded import psycopg_params

    params = psycopg_params(db, dbname="postgres")
    with psycopg.connect(**params, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not (keep and exists):
            conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    from config.embedded import database_url

    return database_url(db, name=BENCH_DB)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", help="run only these areas")
    parser.add_argument(
        "--keep-db", action="store_true", help="reuse the bench database if it is already seeded at this scale"
    )
    args = parser.parse_args()

    url = bench_database_url(keep=args.keep_db)
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="config.settings_dev")
    incidents = int(1_000_000 * args.scale)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True)
    started = time.perf_counter()
    seeded = (
        subprocess.run(
            [*manage, "shell", "-c", "from intake.models import Incident; print(Incident.objects.count())"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()
    )
    if args.keep_db and seeded and seeded[-1].isdigit() and int(seeded[-1]) >= incidents:
        print(f"reusing {BENCH_DB}: already seeded", flush=True)
        seed_s = None
    else:
        subprocess.run(
            [*manage, "seed_demo", "--incidents", str(incidents), "--seed", "1", "--year", "2025"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        seed_s = round(time.perf_counter() - started, 2)

    # From here on this process talks to the bench database.
    os.environ["DATABASE_URL"] = url
    from django.db import connection, connections

    for conn in connections.all():
        conn.close()
    connection.settings_dict.update(_django_db(url))

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    results: dict = {
        "meta": {
            "date": datetime.now().isoformat(timespec="seconds"),
            "scale": args.scale,
            "cpu_count": os.cpu_count(),
            "python": platform.python_version(),
            "postgres": postgres,
            "machine": platform.machine(),
        },
        "seed": {"rows": incidents, "seed_demo_s": seed_s},
    }
    ctx = {"scale": args.scale, "incidents": incidents, "database_url": url, "env": env, "root": ROOT}
    for module_info in sorted(pkgutil.iter_modules([str(ROOT / "bench" / "areas")]), key=lambda m: m.name):
        if args.only and module_info.name not in args.only:
            continue
        module = importlib.import_module(f"bench.areas.{module_info.name}")
        print(f"== {module.AREA}", flush=True)
        area = module.run(ctx)
        area.setdefault("rows", incidents)
        area.update(
            date=results["meta"]["date"], cpu_count=os.cpu_count(), python=platform.python_version(), postgres=postgres
        )
        results[module.AREA] = area
        print(json.dumps(area, ensure_ascii=False, indent=1), flush=True)
    if args.only and RESULTS.exists():
        # a partial run updates its own areas and keeps the others' last figures
        merged = json.loads(RESULTS.read_text())
        merged.update(
            {key: value for key, value in results.items() if key not in ("meta", "seed") or key not in merged}
        )
        merged["meta"] = results["meta"]
        results = merged
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"wrote {RESULTS}")
    return 0


def _django_db(url: str) -> dict:
    import environ

    return environ.Env.db_url_config(url)


if __name__ == "__main__":
    sys.exit(main())
