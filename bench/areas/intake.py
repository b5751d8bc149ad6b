"""Intake: the list API at 8 clients, create through the API (1 client, then 4), and the CSV import,
each beside the naive way and the raw lower bound (BENCH.md keys intake.*)."""

from __future__ import annotations

import csv
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

from bench import lib
from config.embedded import psycopg_params
from intake.importing import HEADERS
from org.crypto import encrypt, lookup_hash

AREA = "intake"
CATEGORIES = ["criminal", "administrative", "dispute", "help", "other"]


def run(ctx: dict) -> dict:
    import psycopg
    from django.conf import settings
    from django.db import connection

    from org.models import Unit, User

    out: dict = {"rows": ctx["incidents"]}
    # The day starts after the night: the compliance area before this one rewrote a million rows,
    # and autovacuum cleaning up after it would otherwise run in the middle of the timings below.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) intake_incident, cases_alert, cases_case, cases_step")
    out["vacuum_before_s"] = round(time.perf_counter() - started, 1)
    handling = list(Unit.objects.filter(kind__in=["station", "brigade"]).values_list("id", "code"))
    supervisor_token = lib.api_token(ctx, "100310")
    rng = random.Random(7)

    def list_params() -> dict:
        start = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 330))
        return {
            "unit": rng.choice(handling)[0],
            "category": rng.choice(CATEGORIES),
            "received_from": start.isoformat(),
            "received_to": (start + timedelta(days=30)).isoformat(),
        }

    # --- list: our API at 8 clients, server time from Server-Timing ---
    per_client = lib.env_int("BENCH_LIST_PER_CLIENT", 60)
    with lib.server(ctx, workers=4) as port:
        clients = [lib.Client(port, {"Authorization": f"Token {supervisor_token}"}) for _ in range(8)]
        for c in clients:  # warm up each connection and each worker
            c.request("GET", "/api/v1/incidents/?" + urlencode(list_params()))
        listing = lib.run_concurrently(
            8,
            lambda i, n: clients[i].request("GET", "/api/v1/incidents/?" + urlencode(list_params()))[:3],
            per_client=per_client,
            max_seconds=120,
        )

        # --- create through the API: one officer logging report after report (the BENCH key, beside
        # the raw lower bound, which is one connection too), then officers of 4 units at once ---
        creators = lib.one_officer_per_unit()[:4]
        create_clients = [
            (lib.Client(port, {"Authorization": f"Token {lib.api_token(ctx, number)}"}), code)
            for code, number in creators
        ]

        def create(i: int, n: int):
            client, code = create_clients[i]
            body = {
                "unit": code,
                "channel": "walk_in",
                "received_at": (datetime.now().astimezone() - timedelta(minutes=5)).isoformat(),
                "category": "criminal",
                "reporter_name": "张伟",
                "reporter_id_number": "11010519491231002X",
                "reporter_phone": "13812345678",
                "location": "人民路",
                "amount": "3000.00",
                "summary": f"压测登记第{n}条：电动车被盗。",
            }
            return client.request("POST", "/api/v1/incidents/", body)[:3]

        per_client = lib.env_int("BENCH_CREATE_PER_CLIENT", 100)
        creating = lib.run_concurrently(1, create, per_client=2 * per_client, max_seconds=120)
        creating_4 = lib.run_concurrently(len(create_clients), create, per_client=per_client, max_seconds=120)

    # --- the raw lower bounds, one hand-written statement each, through psycopg ---
    db = settings.DATABASES["default"]
    conninfo = psycopg_params(db)
    raw_list_ms = []
    raw_create_ms = []
    with psycopg.connect(**conninfo, autocommit=True) as raw:
        for _ in range(200):
            p = list_params()
            t = time.perf_counter()
            raw.execute(
                """
                SELECT i.id, i.number, i.dispatch_id, i.received_at, i.channel, i.category, i.is_anonymous,
                       i.reporter_name, i.location, i.amount, i.summary, u.code, i.disposition, i.version
                FROM intake_incident i JOIN org_unit u ON u.id = i.unit_id
                WHERE i.unit_id = %s AND i.category = %s
                  AND i.received_at >= %s::date AND i.received_at < %s::date + 1
                ORDER BY i.received_at DESC, i.id DESC LIMIT 51
                """,
                [p["unit"], p["category"], p["received_from"], p["received_to"]],
            ).fetchall()
            raw_list_ms.append((time.perf_counter() - t) * 1000)
        bureau_id, unit_id = raw.execute("SELECT bureau_id, id FROM org_unit WHERE code = 'CGS'").fetchone()
        for n in range(200):
            t = time.perf_counter()
            with raw.transaction():
                incident_id = raw.execute(
                    """
                    INSERT INTO intake_incident (bureau_id, unit_id, number, source, version, created_at, disposition,
                        disposition_reason, is_complex, channel, received_at, is_anonymous, reporter_name,
                        reporter_id_number, reporter_phone, reporter_id_hash, location, category, summary)
                    VALUES (%s, %s, %s, 'api', 1, now(), 'pending', '', false, 'walk_in', now(), false, '张伟',
                        %s, %s, %s, '人民路', 'criminal', '电动车被盗')
                    RETURNING id
                    """,
                    [
                        bureau_id,
                        unit_id,
                        f"RAW-{n}-{time.time_ns()}",
                        encrypt("11010519491231002X", purpose="reporter_id_number"),
                        encrypt("13812345678", purpose="reporter_phone"),
                        lookup_hash("11010519491231002X", purpose="reporter_id_number"),
                    ],
                ).fetchone()[0]
                raw.execute(
                    """
                    INSERT INTO intake_incidentversion (bureau_id, incident_id, version, reason, created_at, channel,
                        received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone, location,
                        category, summary)
                    SELECT bureau_id, id, 1, '', created_at, channel, received_at, is_anonymous, reporter_name,
                        reporter_id_number, reporter_phone, location, category, summary
                    FROM intake_incident WHERE id = %s
                    """,
                    [incident_id],
                )
            raw_create_ms.append((time.perf_counter() - t) * 1000)

    # --- naive list: the default Django way, a COUNT(*) and an OFFSET page deep in the list ---
    from django.core.paginator import Paginator

    from intake.models import Incident
    from intake.selectors import incidents_for

    supervisor = User.objects.get(police_number="100310")
    naive_ms = []
    for _ in range(20):
        p = list_params()
        qs = incidents_for(supervisor).filter(
            unit_id=p["unit"],
            category=p["category"],
            received_at__date__gte=p["received_from"],
            received_at__date__lte=p["received_to"],
        )
        t = time.perf_counter()
        page = Paginator(qs.order_by("-received_at", "-id"), 50).get_page(3)
        list(page.object_list)
        naive_ms.append((time.perf_counter() - t) * 1000)
    bureau_wide_ms = []
    for _ in range(10):
        t = time.perf_counter()
        list(Paginator(Incident.objects.order_by("-received_at", "-id"), 50).get_page(2000).object_list)
        bureau_wide_ms.append((time.perf_counter() - t) * 1000)

    out["list_p95_ms"] = listing["server_ms"]["p95"]
    out["list_median_ms"] = listing["server_ms"]["median"]
    out["list_client_p95_ms"] = listing["client_ms"]["p95"]
    out["list_requests"] = listing["requests"]
    out["list_errors"] = listing["errors"]
    out["list_raw_median_ms"] = round(statistics.median(raw_list_ms), 2)
    out["list_raw_p95_ms"] = round(lib.percentile(raw_list_ms, 95), 2)
    out["list_raw_ratio"] = round(listing["server_ms"]["median"] / statistics.median(raw_list_ms), 2)
    out["list_raw_ratio_p95"] = round(listing["server_ms"]["p95"] / lib.percentile(raw_list_ms, 95), 2)
    out["list_naive_count_offset_median_ms"] = round(statistics.median(naive_ms), 2)
    out["list_naive_bureau_offset_100k_median_ms"] = round(statistics.median(bureau_wide_ms), 2)
    out["create_p95_ms"] = creating["server_ms"]["p95"]
    out["create_median_ms"] = creating["server_ms"]["median"]
    out["create_requests"] = creating["requests"]
    out["create_errors"] = creating["errors"]
    out["create_4_clients_p95_ms"] = creating_4["server_ms"]["p95"]
    out["create_4_clients_median_ms"] = creating_4["server_ms"]["median"]
    out["create_4_clients_per_s"] = creating_4["per_s"]
    out["create_4_clients_errors"] = creating_4["errors"]
    out["create_raw_median_ms"] = round(statistics.median(raw_create_ms), 2)
    out["create_raw_p95_ms"] = round(lib.percentile(raw_create_ms, 95), 2)
    connection.close()
    out.update(_import(ctx))
    return out


HEADER = list(HEADERS)  # the dispatch export's Chinese column names, in their usual order


def _id_number(rng: random.Random) -> str:
    """A valid, varied resident ID number (one reporter does not call 300,000 times a year)."""
    from intake.validators import id_card_check_digit

    body = f"3307{rng.randint(1, 99):02d}{rng.randint(1950, 2005)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body += f"{rng.randrange(1000):03d}"
    return body + id_card_check_digit(body)


def _write_csv(path: Path, rows: int, units: list[str], officers: list[str], prefix: str) -> None:
    rng = random.Random(11)
    channels = ["110报警", "110报警", "110报警", "来所报警", "来电报警", "网上报警"]
    categories = ["刑事", "治安", "纠纷", "纠纷", "求助", "其他"]
    start = datetime(2024, 1, 1)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for n in range(rows):
            received = start + timedelta(seconds=rng.randrange(365 * 86400))
            writer.writerow(
                [
                    f"{prefix}{n:09d}",
                    received.strftime("%Y-%m-%d %H:%M:%S"),
                    rng.choice(channels),
                    "王小明" if n % 7 else "",
                    _id_number(rng) if n % 3 == 0 else "",
                    f"139{n % 100000000:08d}" if n % 2 else "",
                    "解放路12号",
                    rng.choice(categories),
                    str(rng.choice([200, 1500, 3000])) if n % 4 == 0 else "",
                    "报警人称其电动车在楼下被盗，请求处理。",
                    rng.choice(units),
                    rng.choice(officers) if n % 5 == 0 else "",
                ]
            )


def _import(ctx: dict) -> dict:
    import psycopg
    from django.conf import settings
    from django.db import connection

    from intake.importing import import_incidents
    from intake.services import incident_log
    from org.models import Unit, User

    rows = int(1_000_000 * ctx["scale"])
    units = list(Unit.objects.filter(kind__in=["station", "brigade"]).values_list("code", flat=True))
    officers = list(User.objects.filter(role="officer").values_list("police_number", flat=True)[:200])
    supervisor = User.objects.get(police_number="100310")
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    path = folder / "dispatch.csv"
    run_tag = f"{int(time.time()):x}"  # new dispatch ids each run, so a reused bench database imports them all
    _write_csv(path, rows, units, officers, "B" + run_tag)

    # the raw lower bound: a bare COPY of the same file into a table of text columns
    db = settings.DATABASES["default"]
    conninfo = psycopg_params(db)
    with psycopg.connect(**conninfo, autocommit=True) as raw:
        raw.execute("DROP TABLE IF EXISTS bench_copy")
        raw.execute("CREATE TABLE bench_copy (" + ", ".join(f"c{i} text" for i in range(len(HEADER))) + ")")
        t = time.perf_counter()
        with raw.cursor().copy("COPY bench_copy FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
            with path.open("rb") as f:
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        copy_s = time.perf_counter() - t
        raw.execute("DROP TABLE bench_copy")

    t = time.perf_counter()
    result = import_incidents(path=path, bureau_id=supervisor.bureau_id, by=supervisor, default_unit_id=None)
    import_total_s = time.perf_counter() - t
    # the rows are saved (committed) when loading ends; the rules then colour them in their own transaction
    import_s = result.timings["checking"] + result.timings["loading"]
    t = time.perf_counter()
    again = import_incidents(path=path, bureau_id=supervisor.bureau_id, by=supervisor, default_unit_id=None)
    reimport_s = time.perf_counter() - t

    # the naive way: one validated save per row through the desk service, on 10,000 rows (or fewer)
    # Each desk save also re-evaluates the report's rules (~20 ms), so the sample stays small.
    naive_rows = min(2_000, max(rows // 10, 500))
    officer = User.objects.filter(role="officer", unit__kind="intake_centre").order_by("police_number").first()
    sample = folder / "naive.csv"
    _write_csv(sample, naive_rows, units, officers, "N" + run_tag)
    from intake.importing import STAGE_COLUMNS, RowParser, csv_rows
    from org.crypto import decrypt

    t = time.perf_counter()
    parser = None
    from django.utils import timezone

    from intake.models import Channel

    for line, values in csv_rows(sample, lambda *a: None):
        if parser is None:
            parser = RowParser(
                header=values, bureau_id=officer.bureau_id, default_unit_id=officer.unit_id, now=timezone.now()
            )
            continue
        parsed = parser.parse(line, values)
        if isinstance(parsed, list):
            continue
        data = dict(zip(STAGE_COLUMNS, parsed, strict=True))
        for name in ("reporter_id_number", "reporter_phone"):  # the parser encrypts; the desk service does
            data[name] = decrypt(data[name], purpose=name)
        data["is_anonymous"] = False
        data["reporter_name"] = data["reporter_name"] or "无名"
        data["channel"] = data["channel"] or Channel.CALL_110
        incident_log(by=officer, unit=officer.unit, data=data)
    naive_s = time.perf_counter() - t
    naive_extrapolated_s = naive_s * rows / naive_rows
    connection.close()
    path.unlink()
    sample.unlink()
    return {
        "import_rows": rows,
        "import_s": round(import_s, 2),
        "import_with_colouring_s": round(import_total_s, 2),
        "import_phases_s": result.timings,
        "import_loaded": result.rows_loaded,
        "import_invalid": result.rows_invalid,
        "import_rows_per_s": round(rows / import_s),
        "import_copy_s": round(copy_s, 2),
        "import_copy_ratio": round(import_s / copy_s, 2),
        "reimport_s": round(reimport_s, 2),
        "reimport_loaded": again.rows_loaded,
        "import_naive_rows": naive_rows,
        "import_naive_s": round(naive_s, 2),
        "import_naive_extrapolated_s": round(naive_extrapolated_s, 1),
        "import_naive_ratio": round(naive_extrapolated_s / import_s, 1),
    }
