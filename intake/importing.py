"""Bulk import of the 110 dispatch system's daily export (CSV or .xlsx, GBK or UTF-8).

Rows are read and validated in Python with the same validators as the desk form, streamed
batch by batch into a temporary table with COPY, and loaded with one set-based statement per
batch: numbering, the register rows and their first versions. Re-importing a file adds
nothing twice (unique on the dispatch system's id); invalid rows are listed back.

Two passes over the file. Checking: it is read once for its structure (encoding, CSV quoting,
a cut-off .xlsx, the header), so a damaged file is refused before anything reaches the
register. Loading: read again, each row validated and encrypted in the calling thread while
PORTAL_IMPORT_LOADERS threads (one per core, each its own connection) load the rows in batches,
each batch its own transaction. A loader gets whole (unit, day) groups, so concurrent batches
never number the same day of the same unit. If loading stops midway (the server went away),
the batches committed stay, and importing the same file again loads the rest: rows already in
the register are skipped.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import queue
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo

import pghistory.runtime
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Category, Channel, Incident, Source
from intake.signals import incidents_changed
from intake.validators import CLOCK_SKEW, MAX_AMOUNT, PHONE_PATTERN, id_card_problem
from org.crypto import encrypt, lookup_hash
from org.models import Unit, User

logger = logging.getLogger(__name__)

# Chinese header → our field. Any order; extra columns are ignored.
HEADERS = {
    "接警编号": "dispatch_id",
    "报警时间": "received_at",
    "报警方式": "channel",
    "报警人": "reporter_name",
    "报警人身份证号": "reporter_id_number",
    "联系电话": "reporter_phone",
    "发案地点": "location",
    "警情类别": "category",
    "涉案金额": "amount",
    "简要案情": "summary",
    "接警单位": "unit",
    "接警民警": "officer",
}
REQUIRED_HEADERS = ("接警编号", "报警时间", "简要案情")

CHANNELS = {
    "110报警": Channel.CALL_110,
    "110": Channel.CALL_110,
    "来所报警": Channel.WALK_IN,
    "来所": Channel.WALK_IN,
    "来电报警": Channel.PHONE,
    "来电": Channel.PHONE,
    "网上报警": Channel.ONLINE,
    "网上": Channel.ONLINE,
    "移送": Channel.TRANSFER,
}
CATEGORIES = {
    "刑事": Category.CRIMINAL,
    "治安": Category.ADMINISTRATIVE,
    "行政": Category.ADMINISTRATIVE,
    "纠纷": Category.DISPUTE,
    "求助": Category.HELP,
    "其他": Category.OTHER,
}
EXCEL_EPOCH = datetime(1899, 12, 30)
STAGE_COLUMNS = (
    "row_no",
    "dispatch_id",
    "received_at",
    "channel",
    "is_anonymous",
    "reporter_name",
    "reporter_id_number",
    "reporter_phone",
    "reporter_id_hash",
    "location",
    "category",
    "amount",
    "summary",
    "unit_id",
    "receiving_officer_id",
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; nothing is loaded."""


@dataclass
class ImportResult:
    rows_total: int = 0
    rows_loaded: int = 0
    rows_skipped: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    # Seconds per phase: checking (the file's structure), loading (parse, validate, encrypt and
    # load the batches, committed), colouring (the rules).
    timings: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def count(self, loaded: int, skipped: int) -> None:
        with self._lock:  # loader threads report here
            self.rows_loaded += loaded
            self.rows_skipped += skipped

    @property
    def rows_invalid(self) -> int:
        return len(self.errors)


Progress = Callable[[str, float], None]


def _no_progress(phase: str, fraction: float) -> None:
    return None


# --- reading the file -------------------------------------------------------------------


def sniff_kind(path: Path) -> str:
    head = path.open("rb").read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(_("This is an old Excel (.xls) file. Save it as .xlsx or CSV and upload again."))
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(_("The file is saved as UTF-16. Save it as CSV in UTF-8 or GBK and upload again."))
    if b"\x00" in path.open("rb").read(4096):
        raise ImportFileError(_("This is not a CSV or .xlsx file."))
    return "csv"


def detect_encoding(path: Path) -> str:
    sample = path.open("rb").read(256 * 1024)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("The file is neither UTF-8 nor GBK text. Save it as CSV in UTF-8 or GBK."))


class _CountingReader(io.RawIOBase):
    """Counts the bytes read, for the progress bar."""

    def __init__(self, raw):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self.raw.readinto(buffer)
        self.count += n or 0
        return n


def csv_rows(path: Path, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    encoding = detect_encoding(path)
    size = max(path.stat().st_size, 1)
    raw = _CountingReader(path.open("rb"))
    text = io.TextIOWrapper(io.BufferedReader(raw, 1 << 20), encoding=encoding, newline="")
    reader = csv.reader(text, strict=True)
    line = 0
    try:
        for line, values in enumerate(reader, start=1):
            if line % 20000 == 0:
                progress("reading", raw.count / size)
            yield line, values
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _("Line %(line)s is not valid %(encoding)s text: the file is damaged or mixes encodings.")
            % {"line": line + 1, "encoding": "UTF-8" if encoding.startswith("utf") else "GBK"}
        ) from exc
    except csv.Error as exc:
        raise ImportFileError(
            _("Line %(line)s is not valid CSV (%(problem)s): the file may be cut off or damaged.")
            % {"line": reader.line_num, "problem": exc}
        ) from exc
    finally:
        text.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def xlsx_rows(path: Path, progress: Progress) -> Iterator[tuple[int, list[str]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, zlib.error) as exc:
        raise ImportFileError(
            _("The .xlsx file cannot be opened: it is damaged, cut off or not an Excel file.")
        ) from exc
    try:
        sheet = workbook.worksheets[0]
        total = max(sheet.max_row or 1, 1)
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if line % 20000 == 0:
                progress("reading", line / total)
            yield line, [_cell_text(v) for v in values]
    except (BadZipFile, KeyError, OSError, zlib.error, EOFError) as exc:
        raise ImportFileError(_("The .xlsx file is damaged or cut off.")) from exc
    finally:
        workbook.close()


# --- validating one row ----------------------------------------------------------------


class RowParser:
    """Turns one row of text into a staged tuple, or says everything that is wrong with it."""

    def __init__(self, *, header: list[str], bureau_id: int, default_unit_id: int | None, now: datetime):
        columns = {name.strip().lstrip("\ufeff"): index for index, name in enumerate(header)}
        missing = [name for name in REQUIRED_HEADERS if name not in columns]
        if missing:
            raise ImportFileError(
                _("The header row lacks the required column(s): %(columns)s.") % {"columns": "、".join(missing)}
            )
        index = {HEADERS[name]: i for name, i in columns.items() if name in HEADERS}
        self.positions = [index.get(field) for field in HEADERS.values()]
        units = Unit.objects.filter(bureau_id=bureau_id).values_list("id", "code", "name")
        self.units = {code: pk for pk, code, _n in units} | {name: pk for pk, _c, name in units}
        self.officers = dict(User.objects.filter(bureau_id=bureau_id).values_list("police_number", "id"))
        self.default_unit_id = default_unit_id
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.latest = now + CLOCK_SKEW
        self.seen: dict[str, int] = {}

    def dispatch_id(self, values: list[str]) -> str:
        return self.fields(values)[0]

    def parse_time(self, text: str) -> datetime | None:
        if not text:
            return None
        if text.replace(".", "", 1).isdigit():
            serial = float(text)
            if 20000 < serial < 80000:  # an Excel date number
                return (EXCEL_EPOCH + timedelta(days=serial)).replace(microsecond=0, tzinfo=self.tz)
            return None
        text = text.replace("/", "-")
        try:
            return datetime.fromisoformat(text).replace(tzinfo=self.tz)
        except ValueError:
            pass
        for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                return datetime.strptime(text, pattern).replace(tzinfo=self.tz)
            except ValueError:
                continue
        return None

    def fields(self, values: list[str]) -> list[str]:
        """The row's values in FIELD_ORDER, stripped; missing columns and short rows give ""."""
        width = len(values)
        return [values[i].strip() if i is not None and i < width else "" for i in self.positions]

    def parse(self, row_no: int, values: list[str]) -> tuple | list[str]:
        problems: list[str] = []
        (
            dispatch_id,
            received_text,
            channel_text,
            name,
            id_number,
            phone,
            location,
            category_text,
            amount_text,
            summary,
            unit_text,
            officer_text,
        ) = self.fields(values)
        if not dispatch_id:
            problems.append(_("接警编号 is empty."))
        elif len(dispatch_id) > 40:
            problems.append(_("接警编号 is longer than 40 characters."))
        elif dispatch_id in self.seen:
            problems.append(_("接警编号 repeats row %(row)s of this file.") % {"row": self.seen[dispatch_id]})
        else:
            self.seen[dispatch_id] = row_no

        received_at = self.parse_time(received_text)
        if received_at is None:
            problems.append(
                _("报警时间 “%(value)s” is not a time like 2025-01-28 23:15:00.") % {"value": received_text}
                if received_text
                else _("报警时间 is empty.")
            )
        elif received_at > self.latest:
            problems.append(_("报警时间 is in the future."))
        elif received_at.year < 2000:
            problems.append(_("报警时间 is too far in the past."))

        channel = CHANNELS.get(channel_text, Channel.CALL_110 if not channel_text else None)
        if channel is None:
            problems.append(
                _("报警方式 “%(value)s” is not one of 110报警, 来所报警, 来电报警, 网上报警, 移送.")
                % {"value": channel_text}
            )

        category = CATEGORIES.get(category_text, Category.OTHER if not category_text else None)
        if category is None:
            problems.append(
                _("警情类别 “%(value)s” is not one of 刑事, 治安, 纠纷, 求助, 其他.") % {"value": category_text}
            )

        if len(name) > 60:
            problems.append(_("报警人 is longer than 60 characters."))
        id_number = id_number.upper()
        if id_number:
            problem = id_card_problem(id_number)
            if problem:
                problems.append(_("报警人身份证号: %(problem)s") % {"problem": problem})
        phone = phone.replace(" ", "")
        if phone and not PHONE_PATTERN.match(phone):
            problems.append(_("联系电话 “%(value)s” is not a phone number.") % {"value": phone})
        if len(location) > 200:
            problems.append(_("发案地点 is longer than 200 characters."))

        amount_text = amount_text.replace(",", "").removesuffix("元")
        amount = None
        if amount_text:
            try:
                amount = Decimal(amount_text)
            except InvalidOperation:
                problems.append(_("涉案金额 “%(value)s” is not a number of yuan.") % {"value": amount_text})
            else:
                if amount < 0:
                    problems.append(_("涉案金额 cannot be negative."))
                elif amount > MAX_AMOUNT or not amount.is_finite():
                    problems.append(_("涉案金额 is too large."))

        if not summary:
            problems.append(_("简要案情 is empty."))

        unit_id = self.units.get(unit_text) if unit_text else self.default_unit_id
        if unit_id is None:
            problems.append(
                _("接警单位 “%(value)s” is not a unit of this bureau.") % {"value": unit_text}
                if unit_text
                else _("接警单位 is empty.")
            )
        officer_id = self.officers.get(officer_text) if officer_text else None
        if officer_text and officer_id is None:
            problems.append(_("接警民警 “%(value)s” is not a police number of this bureau.") % {"value": officer_text})

        if problems:
            return problems
        return (
            row_no,
            dispatch_id,
            received_at,
            channel,
            not (name or id_number or phone),
            name,
            # Encrypted before they reach the database, as the model's fields do (org/crypto.py).
            encrypt(id_number, purpose="reporter_id_number"),
            encrypt(phone, purpose="reporter_phone"),
            lookup_hash(id_number, purpose="reporter_id_number"),
            location,
            category,
            amount,
            summary,
            unit_id,
            officer_id,
        )


# --- loading ---------------------------------------------------------------------------

LOAD_SQL = """
WITH need AS (
    SELECT unit_id, (received_at AT TIME ZONE %(tz)s)::date AS day, count(*) AS n
    FROM import_batch GROUP BY 1, 2
), alloc AS (
    INSERT INTO intake_incidentcounter AS c (bureau_id, unit_id, day, last)
    SELECT %(bureau)s, unit_id, day, n FROM need
    ON CONFLICT (unit_id, day) DO UPDATE SET last = c.last + EXCLUDED.last
    RETURNING unit_id, day, last
), numbered AS (
    SELECT s.*, u.code AS unit_code, (s.received_at AT TIME ZONE %(tz)s)::date AS day,
           row_number() OVER (
               PARTITION BY s.unit_id, (s.received_at AT TIME ZONE %(tz)s)::date ORDER BY s.received_at, s.row_no
           ) AS rn
    FROM import_batch s JOIN org_unit u ON u.id = s.unit_id
), inserted AS (
    INSERT INTO intake_incident (
        bureau_id, unit_id, number, dispatch_id, source, version, created_at, created_by_id,
        disposition, disposition_reason, is_complex,
        channel, received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone, reporter_id_hash,
        location, category, amount, summary, receiving_officer_id
    )
    SELECT %(bureau)s, n.unit_id,
           n.unit_code || '-' || to_char(n.day, 'YYYYMMDD') || '-'
               || lpad((a.last - need.n + n.rn)::text, greatest(4, length((a.last - need.n + n.rn)::text)), '0'),
           n.dispatch_id, %(source)s, 1, %(now)s, %(by)s,
           'pending', '', false,
           n.channel, n.received_at, n.is_anonymous, n.reporter_name, n.reporter_id_number, n.reporter_phone,
           n.reporter_id_hash, n.location, n.category, n.amount, n.summary, n.receiving_officer_id
    FROM numbered n
    JOIN need ON need.unit_id = n.unit_id AND need.day = n.day
    JOIN alloc a ON a.unit_id = n.unit_id AND a.day = n.day
    RETURNING *
)
INSERT INTO intake_incidentversion (
    bureau_id, incident_id, version, reason, created_at, created_by_id,
    channel, received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone,
    location, category, amount, summary, receiving_officer_id
)
SELECT bureau_id, id, 1, '', created_at, created_by_id,
       channel, received_at, is_anonymous, reporter_name, reporter_id_number, reporter_phone,
       location, category, amount, summary, receiving_officer_id
FROM inserted
"""


BATCH_ROWS = 50_000


class ImportInterrupted(Exception):
    """Loading stopped after some batches were committed; importing the file again finishes it."""

    def __init__(self, loaded: int):
        super().__init__(loaded)
        self.loaded = loaded


def _batches(rows: Iterator, parser: RowParser, result: ImportResult, size: int) -> Iterator[list[tuple]]:
    """The valid rows in lists of `size`; invalid ones go to result.errors as they are met."""
    batch: list[tuple] = []
    for row_no, values in rows:
        if not any(v.strip() for v in values):
            continue  # blank lines, e.g. at the end of an Excel export
        result.rows_total += 1
        parsed = parser.parse(row_no, values)
        if isinstance(parsed, tuple):
            batch.append(parsed)
            if len(batch) >= size:
                yield batch
                batch = []
        else:
            result.errors.append((row_no, parser.dispatch_id(values)[:200], "；".join(parsed)))
    if batch:
        yield batch


UNIT_POS = STAGE_COLUMNS.index("unit_id")
RECEIVED_POS = STAGE_COLUMNS.index("received_at")
_END = object()


def _part(parsed: tuple, loaders: int) -> int:
    """The loader of a row: all rows of one unit and day go to the same one."""
    return (parsed[UNIT_POS] * 7 + parsed[RECEIVED_POS].date().toordinal()) % loaders


def import_incidents(
    *, path: Path, bureau_id: int, by: User | None, default_unit_id: int | None, progress: Progress = _no_progress
) -> ImportResult:
    """Check the file, then load it. Raises ImportFileError for a bad file (nothing is loaded)
    and ImportInterrupted if loading stopped after some batches were saved."""
    read = xlsx_rows if sniff_kind(path) == "xlsx" else csv_rows
    result = ImportResult()
    now = timezone.now()
    clock = time.perf_counter()

    # Checking: the whole file read once for its structure (the encoding, CSV quoting, a cut-off
    # .xlsx, the header) before any row is saved, so a damaged file saves nothing.
    rows = read(path, lambda _phase, fraction: progress("checking", fraction))
    first = next(rows, None)
    if first is None:
        raise ImportFileError(_("The file is empty."))
    parser = RowParser(header=first[1], bureau_id=bureau_id, default_unit_id=default_unit_id, now=now)
    for _row in rows:
        pass
    result.timings["checking"] = round(time.perf_counter() - clock, 3)
    clock = time.perf_counter()

    # Loading: read again, every row validated and encrypted, loaded batch by batch.
    rows = read(path, lambda _phase, fraction: progress("loading", fraction))
    next(rows)  # the header
    params = {"tz": settings.TIME_ZONE, "bureau": bureau_id, "source": Source.IMPORT, "now": now}
    params["by"] = by.pk if by else None
    # Inside a transaction (tests, a script) other connections would not see its rows: load there.
    loaders = 1 if connection.in_atomic_block else max(1, settings.PORTAL_IMPORT_LOADERS)
    with connection.cursor() as cursor:
        # One import per bureau at a time: the duplicate check must see every earlier one.
        cursor.execute("SELECT pg_advisory_lock(hashtext('intake-import'), %s)", [bureau_id])
        try:
            batches = _batches(rows, parser, result, BATCH_ROWS)
            if loaders == 1:
                for batch in batches:
                    result.count(*_load_batch(cursor, batch, params))
            else:
                _load_in_parallel(batches, loaders, params, result)
        except ImportInterrupted:
            raise
        except Exception as exc:
            if result.rows_loaded and not connection.in_atomic_block:  # batches were committed
                raise ImportInterrupted(result.rows_loaded) from exc
            raise
        finally:
            if not connection.needs_rollback:
                cursor.execute("SELECT pg_advisory_unlock(hashtext('intake-import'), %s)", [bureau_id])
    result.timings["loading"] = round(time.perf_counter() - clock, 3)
    if result.rows_loaded:
        # The cases app opens cases and recolours the whole batch set-based (no list of a
        # million ids), in a transaction of its own once the rows are saved: a failure there
        # loses no report, and the nightly run would colour them anyway.
        progress("colouring", 1.0)
        clock = time.perf_counter()
        incidents_changed.send(sender=Incident, incident_ids=None, bureau_id=bureau_id, import_started_at=now)
        result.timings["colouring"] = round(time.perf_counter() - clock, 3)
    return result


def _load_in_parallel(batches: Iterator[list[tuple]], loaders: int, params: dict, result: ImportResult) -> None:
    """The calling thread parses; `loaders` threads, one connection each, load what it hands them.
    Waiting on the server releases the GIL, so parsing and the loaders' statements overlap."""
    queues = [queue.Queue(maxsize=2) for _ in range(loaders)]
    stop = threading.Event()
    failures: list[BaseException] = []
    history = getattr(pghistory.runtime._tracker, "value", None)  # whom the audit trail names

    def load(handoff: queue.Queue) -> None:
        try:
            with pghistory.context(**history.metadata) if history else nullcontext(), connection.cursor() as cursor:
                while (batch := handoff.get()) is not _END:
                    if not stop.is_set():
                        result.count(*_load_batch(cursor, batch, params))
        except BaseException as exc:  # noqa: BLE001 - raised in the calling thread
            failures.append(exc)
            stop.set()
        finally:
            connection.close()  # this thread's own connection

    threads = [
        threading.Thread(target=load, args=(handoff,), name=f"import-loader-{n}") for n, handoff in enumerate(queues)
    ]
    for thread in threads:
        thread.start()

    def hand(n: int, item) -> None:
        while threads[n].is_alive():
            try:
                queues[n].put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    error: BaseException | None = None
    try:
        for batch in batches:
            if stop.is_set():
                break  # a loader failed
            parts: list[list[tuple]] = [[] for _ in range(loaders)]
            for parsed in batch:
                parts[_part(parsed, loaders)].append(parsed)
            for n, rows in enumerate(parts):
                if rows:
                    hand(n, rows)
    except BaseException as exc:  # noqa: BLE001 - raised below, once the loaders have stopped
        error = exc
        stop.set()
    for n in range(loaders):
        hand(n, _END)
    for thread in threads:
        thread.join()
    if failures or (error is not None and result.rows_loaded):
        raise ImportInterrupted(result.rows_loaded) from (failures[0] if failures else error)
    if error is not None:
        raise error


def _load_batch(cursor, rows: list[tuple], params: dict) -> tuple[int, int]:
    """One batch in one transaction: (rows loaded, rows skipped as already in the register)."""
    with transaction.atomic():
        cursor.execute("DROP TABLE IF EXISTS pg_temp.import_batch")
        cursor.execute(BATCH_TABLE_SQL)
        with cursor.copy(f"COPY import_batch ({', '.join(STAGE_COLUMNS)}) FROM STDIN") as copy:
            for parsed in rows:
                copy.write_row(parsed)
        # A batch is small beside the register: probe the unique index once per row (~0.1 s a
        # batch) instead of the hash join the planner prefers, which reads the whole table
        # (~1 s a batch at two million reports).
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute(
            "DELETE FROM import_batch s USING intake_incident i"
            " WHERE i.bureau_id = %s AND i.dispatch_id = s.dispatch_id",
            [params["bureau"]],
        )
        skipped = cursor.rowcount
        cursor.execute("SET LOCAL enable_hashjoin TO DEFAULT")
        cursor.execute("SET LOCAL enable_mergejoin TO DEFAULT")
        cursor.execute(LOAD_SQL, params)
        loaded = max(cursor.rowcount, 0)
    return loaded, skipped


BATCH_TABLE_SQL = """
CREATE TEMP TABLE import_batch (
    row_no integer, dispatch_id text, received_at timestamptz, channel text,
    is_anonymous boolean, reporter_name text, reporter_id_number text, reporter_phone text,
    reporter_id_hash text, location text, category text, amount numeric(14, 2), summary text,
    unit_id bigint, receiving_officer_id bigint
) ON COMMIT DROP
"""
