"""The kit's memory: the ledger of published figures and the build state, in one SQLite database.

``data/processed/kit-memory.sqlite`` (Python's own ``sqlite3``: embedded, transactional,
readable by DB Browser for SQLite, Excel's ODBC, pandas, R) holds:

- ``published_figures``: every figure a build published (as-of date, report, district,
  figure, value, when it was recorded). Append-only: a row is never changed or removed,
  and the same figure with the same value for the same as-of date and report is stored
  once, so building twice with the same data adds nothing.
- ``jobs``: what each report was last built from (its fingerprint, the hashes of its
  outputs, its result), which decides what is up to date.
- ``files``: the size, modification time and SHA-256 of every file the build hashed
  (a cache: losing it costs only hashing again).
- ``meta``: the schema version and small facts (the prepared data's, imports done).

A job's state and its ledger rows are committed in one transaction
(``commit_job``), after its files are written: a build killed at any instant leaves
either the old state (the job runs again next time and its figures are recorded
then) or the new one, never a job counted as up to date whose figures are missing.

``published_figures.csv`` is an export, rewritten from the store after every build
(``export_ledger``); the store never reads it back, except once (``import_legacy``)
to take in the ledger of a kit from before the store, or to start a new store from
the last export after a damaged one was moved aside.

Belongs here: the database, its schema, reading and writing it. Not here: which
figures a report publishes (the notebooks) or comparing them (``report_files.ledger``).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

from helpers import paths
from helpers.errors import StoreError
from helpers.files import write_atomically

#: The store's file name under ``data/processed/``.
STORE_FILE_NAME = "kit-memory.sqlite"
#: The ledger's export (and, before the store, the ledger itself) under ``data/processed/``.
LEDGER_EXPORT_NAME = "published_figures.csv"
#: Bumped when the tables change; a store of a newer version is refused.
SCHEMA_VERSION = 1
#: Columns identifying one published figure.
KEY_COLUMNS: tuple[str, ...] = ("as_of_date", "report", "district", "figure")
#: Columns of the ledger, in order; ``recorded_at`` is when the row was first stored (UTC).
LEDGER_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, "value", "recorded_at")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS published_figures (
    as_of_date  TEXT NOT NULL CHECK (as_of_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    report      TEXT NOT NULL CHECK (report <> ''),
    district    TEXT NOT NULL,
    figure      TEXT NOT NULL CHECK (figure <> ''),
    value       TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (as_of_date, report, district, figure, value)
);
CREATE INDEX IF NOT EXISTS published_by_report ON published_figures (report, as_of_date);
CREATE TABLE IF NOT EXISTS jobs (
    key            TEXT PRIMARY KEY,
    fingerprint    TEXT NOT NULL,
    outputs_sha256 TEXT NOT NULL,
    result         TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS files (
    path     TEXT PRIMARY KEY,
    size     INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256   TEXT NOT NULL
);
"""

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def store_path() -> Path:
    """The store: ``data/processed/kit-memory.sqlite`` (under the current project root)."""
    return paths.PROCESSED_DIR / STORE_FILE_NAME


def ledger_export_path() -> Path:
    """The ledger's CSV export: ``data/processed/published_figures.csv``."""
    return paths.PROCESSED_DIR / LEDGER_EXPORT_NAME


def damaged_error(path: Path, detail: str) -> StoreError:
    """The one line for a store SQLite cannot use: what, and how to recover."""
    shown = paths.shown(path)
    aside = paths.shown(path.with_name(path.stem + ".damaged" + path.suffix))
    return StoreError(
        f"{shown} is damaged ({detail}); move it aside (mv {shown} {aside}) and build again: the ledger is "
        f"started anew from {LEDGER_EXPORT_NAME} and every report is rebuilt"
    )


@dataclass
class JobRecord:
    """What the store keeps of a job's last successful run."""

    fingerprint: str
    outputs_sha256: dict[str, str] = field(default_factory=dict)
    result: dict = field(default_factory=dict)


class Store:
    """One open connection to the kit's memory; safe to share between the build's threads.

    Use ``Store.open()``; every write is one transaction (``BEGIN IMMEDIATE`` ... ``COMMIT``).
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = threading.RLock()
        self.path = path
        #: One-line notes of what opening the store did (imports, discarded state), for the build's log.
        self.notes: list[str] = []

    # ---------------------------------------------------------------- opening

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (or create) the store, check it, and import what an earlier kit left.

        Raises:
            StoreError: the file is not an SQLite database, fails SQLite's integrity check,
                or was written by a newer version of the kit.
        """
        path = store_path() if path is None else Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        is_new = not path.exists() or path.stat().st_size == 0
        if is_new:  # a write-ahead log left beside a lost or emptied database belongs to that database
            for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)
        try:
            connection = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
            check = connection.execute("PRAGMA quick_check").fetchone()
            if check is None or check[0] != "ok":
                connection.close()
                raise damaged_error(path, f"SQLite's integrity check says: {check[0] if check else 'nothing'}")
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=FULL")
            connection.executescript(_SCHEMA)
        except sqlite3.DatabaseError as error:
            raise damaged_error(path, f"SQLite says: {error}") from None
        store = cls(connection, path)
        store._check_tables()
        store._check_version()
        store.import_legacy(is_new=is_new)
        return store

    def _check_tables(self) -> None:
        """Refuse a database whose tables are not the store's (another file, or a layout from elsewhere)."""
        expected = {"meta": {"key", "value"}, "published_figures": set(LEDGER_COLUMNS),
                    "jobs": {"key", "fingerprint", "outputs_sha256", "result"},
                    "files": {"path", "size", "mtime_ns", "sha256"}}
        for table, columns in expected.items():
            found = {row[1] for row in self._rows(f"PRAGMA table_info({table})")}
            if not columns <= found:
                self._connection.close()
                raise damaged_error(self.path, f"its table {table} lacks {', '.join(sorted(columns - found))}")

    def _check_version(self) -> None:
        version = self.meta("schema_version")
        if version is None:
            self.set_meta("schema_version", str(SCHEMA_VERSION))
        elif not version.isdigit() or int(version) > SCHEMA_VERSION:
            raise StoreError(
                f"{paths.shown(self.path)} was written by a newer version of the kit (schema {version}, this kit reads "
                f"{SCHEMA_VERSION}); update the kit (git pull, then make setup) or build into another checkout"
            )

    def close(self) -> None:
        """Close the connection (the write-ahead log is folded into the file)."""
        with self._lock:
            self._connection.close()

    def _rows(self, query: str, values: Sequence = ()) -> list[tuple]:
        """The rows one read query gives (under the lock: the build's threads share the connection)."""
        with self._lock:
            return self._connection.execute(query, values).fetchall()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: everything in it is stored, or nothing is."""
        with self._lock:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")

    # ---------------------------------------------------------------- meta

    def meta(self, key: str) -> str | None:
        """A value of the ``meta`` table, or None."""
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    def set_meta(self, key: str, value: str) -> None:
        """Store a value in the ``meta`` table."""
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def meta_json(self, key: str) -> dict:
        """A JSON object kept in ``meta`` ({} when absent or unreadable)."""
        try:
            value = json.loads(self.meta(key) or "{}")
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    # ---------------------------------------------------------------- build state

    def jobs(self) -> dict[str, JobRecord]:
        """Every job's last successful run, by job key."""
        records = {}
        rows = self._rows("SELECT key, fingerprint, outputs_sha256, result FROM jobs")
        for key, fingerprint, outputs, result in rows:
            with contextlib.suppress(ValueError):  # an unreadable record: the job counts as not built and runs again
                records[key] = JobRecord(fingerprint, json.loads(outputs), json.loads(result))
        return records

    def files(self) -> dict[str, list]:
        """The hashing cache: ``{path: [size, mtime_ns, sha256]}``."""
        rows = self._rows("SELECT path, size, mtime_ns, sha256 FROM files")
        return {path: [size, mtime, digest] for path, size, mtime, digest in rows}

    def save_files(self, known: Mapping[str, Sequence]) -> None:
        """Replace the hashing cache."""
        with self.transaction() as db:
            db.execute("DELETE FROM files")
            db.executemany("INSERT INTO files (path, size, mtime_ns, sha256) VALUES (?, ?, ?, ?)",
                           [(path, int(v[0]), int(v[1]), str(v[2])) for path, v in known.items()])

    def commit_job(self, key: str, record: JobRecord, figures: Iterable[Mapping[str, str]] = (),
                   *, recorded_at: datetime | None = None) -> int:
        """Store a job's successful run and the figures it published, in one transaction.

        Returns:
            How many ledger rows were new.
        """
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO jobs (key, fingerprint, outputs_sha256, result) VALUES (?, ?, ?, ?)",
                (key, record.fingerprint, json.dumps(record.outputs_sha256, sort_keys=True),
                 json.dumps(record.result, default=str)),
            )
            return _insert_figures(db, figures, recorded_at)

    def forget_job(self, key: str) -> None:
        """Mark a job as not built (it failed, or was not run): it runs again next time."""
        with self.transaction() as db:
            db.execute("DELETE FROM jobs WHERE key = ?", (key,))

    # ---------------------------------------------------------------- ledger

    def record_figures(self, figures: Iterable[Mapping[str, str]], *, recorded_at: datetime | None = None) -> int:
        """Append figures to the ledger (those already held with the same value add nothing); return how many were new."""
        with self.transaction() as db:
            return _insert_figures(db, figures, recorded_at)

    def ledger_rows(self, report: str | None = None) -> list[tuple[str, ...]]:
        """The ledger's rows in the order they were stored (``LEDGER_COLUMNS``), of one report or all."""
        query = f"SELECT {', '.join(LEDGER_COLUMNS)} FROM published_figures"
        query += " WHERE report = ? ORDER BY rowid" if report is not None else " ORDER BY rowid"
        return self._rows(query, (report,) if report is not None else ())

    def latest_as_of_before(self, report: str, day: str) -> str | None:
        """The latest as-of date (ISO) before ``day`` for which the ledger holds figures of ``report``, or None."""
        rows = self._rows("SELECT max(as_of_date) FROM published_figures WHERE report = ? AND as_of_date < ?",
                          (report, day))
        return rows[0][0] if rows and rows[0][0] else None

    def revised_count(self, report: str, as_of: str) -> int:
        """How many figures of ``report`` as of ``as_of`` the ledger holds with more than one value (revised)."""
        rows = self._rows("SELECT count(*) FROM (SELECT 1 FROM published_figures WHERE report = ? AND as_of_date = ? "
                          "GROUP BY district, figure HAVING count(DISTINCT value) > 1)", (report, as_of))
        return int(rows[0][0])

    def published_reports(self) -> list[tuple[str, str, int, str]]:
        """Each report and as-of date the ledger holds: ``(report, as_of_date, figures, first recorded_at)``."""
        return self._rows("SELECT report, as_of_date, count(*), min(recorded_at) FROM published_figures "
                          "GROUP BY report, as_of_date ORDER BY report, as_of_date")

    def figure_names(self) -> list[str]:
        """Every figure name the ledger holds, sorted."""
        return [row[0] for row in self._rows("SELECT DISTINCT figure FROM published_figures ORDER BY figure")]

    def figure_history(self, figure: str, report: str | None = None, district: str | None = None) -> list[tuple]:
        """Every stored value of one figure, oldest first: ``LEDGER_COLUMNS`` rows (of one report or district)."""
        wanted = {"figure": figure, "report": report, "district": district}
        wanted = {column: value for column, value in wanted.items() if value is not None}
        return self._rows(f"SELECT {', '.join(LEDGER_COLUMNS)} FROM published_figures WHERE "
                          + " AND ".join(f"{column} = ?" for column in wanted)
                          + " ORDER BY report, district, as_of_date, rowid", list(wanted.values()))

    def export_ledger(self, path: Path | None = None) -> Path:
        """Write the whole ledger as CSV (UTF-8 with a BOM, for Excel), atomically; return the path."""
        path = ledger_export_path() if path is None else Path(path)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(LEDGER_COLUMNS)
        writer.writerows(self.ledger_rows())
        return write_atomically(path, "\ufeff" + buffer.getvalue())

    # ---------------------------------------------------------------- what an earlier kit left

    def import_legacy(self, *, is_new: bool) -> None:
        """Take in the ledger CSV an earlier kit (or a moved-aside store) left, once; discard an old build state.

        The CSV is read only when the store is created: from then on it is an export, and
        editing, re-saving or deleting it changes nothing in the store.
        """
        export = self.path.with_name(LEDGER_EXPORT_NAME)
        if is_new and self.meta("ledger_imported_from") is None:
            added = 0
            if export.exists():
                from helpers.ledger_import import read_legacy_ledger

                imported = read_legacy_ledger(export)
                added = self.record_figures(imported.rows) if imported.rows else 0
                note = f"ledger: {added} published figure(s) taken in from {export.name}"
                if imported.skipped:
                    note += (f"; {imported.skipped} line(s) left out ({', '.join(imported.reasons)}), "
                             f"kept in {imported.kept_copy.name}")
                self.notes.append(note)
            self.set_meta("ledger_imported_from", json.dumps({"file": export.name, "rows": added}))
        states = (paths.PROCESSED_DIR / "build-state.json", paths.REPORTS_DIR / ".build-state.json")  # before the store
        for legacy in [p for p in states if p.exists()] if self.path == store_path() else ():
            legacy.unlink(missing_ok=True)
            self.notes.append(f"build state: {legacy.name} of an earlier version discarded; every report is rebuilt once")


_INSERT_FIGURE = (
    "INSERT OR IGNORE INTO published_figures (as_of_date, report, district, figure, value, recorded_at) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


def _insert_figures(db: sqlite3.Connection, figures: Iterable[Mapping[str, str]], recorded_at: datetime | None) -> int:
    """Append figures to the ledger inside the transaction ``db``; return how many rows were new."""
    stamp = (recorded_at or datetime.now(timezone.utc)).astimezone(timezone.utc).isoformat(timespec="seconds")
    rows = [_ledger_row(figure, stamp) for figure in figures]
    before = db.total_changes
    db.executemany(_INSERT_FIGURE, rows)
    return db.total_changes - before


def _ledger_row(figure: Mapping[str, str], stamp: str) -> tuple[str, ...]:
    as_of = str(figure["as_of_date"])
    if not _ISO_DAY.fullmatch(as_of):
        raise ValueError(f"as_of_date '{as_of}' is not YYYY-MM-DD")
    recorded = str(figure.get("recorded_at") or "") or stamp
    return (as_of, str(figure["report"]), str(figure.get("district") or ""), str(figure["figure"]),
            str(figure.get("value") or ""), recorded)


# -------------------------------------------------------------------- reading from a notebook


def read_only(path: Path | None = None) -> Store | None:
    """The store opened for reading by a notebook, or None when no build has made one yet.

    Raises:
        StoreError: the store is damaged (one line with the way to recover).
    """
    path = store_path() if path is None else Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        connection = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        connection.execute("SELECT count(*) FROM published_figures").fetchone()
    except sqlite3.DatabaseError as error:
        raise damaged_error(path, f"SQLite says: {error}") from None
    return Store(connection, path)


_T = TypeVar("_T")


def query(read: Callable[[Store], _T], default: _T, path: Path | None = None) -> _T:
    """``read(store)`` on the store opened for reading (``read_only``) and closed again; ``default`` when no
    build has made a store yet.

    Raises:
        StoreError: the store is damaged (one line with the way to recover).
    """
    memory = read_only(path)
    if memory is None:
        return default
    try:
        return read(memory)
    finally:
        memory.close()


def as_number(text: object) -> float | None:
    """A value as the ledger keeps it (text) as a number; None when it is blank, not a number or NaN."""
    try:
        number = float(str(text))
    except ValueError:
        return None
    return None if number != number else number


def figure_count(figures: Mapping[str, str], name: str) -> int | None:
    """The figure ``name`` of ``{figure: value as ledger text}`` as a whole number; None when absent or no number."""
    value = as_number(figures.get(name, ""))
    return None if value is None else int(value)
