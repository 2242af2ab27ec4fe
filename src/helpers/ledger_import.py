"""Reading a ledger CSV written by a kit from before the store, or re-saved by a spreadsheet.

The store (``helpers.store``) takes such a file in once, when it is created: the
``published_figures.csv`` of an earlier kit, or the last export after a damaged
store was moved aside. Only whole rows are taken; what is left out is copied beside
the file and counted in one note.

Belongs here: reading that CSV leniently but never wrongly. Not here: the store.
"""

from __future__ import annotations

import contextlib
import csv
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from helpers.files import write_atomically

#: A number with grouping commas, Indian (1,20,000) or international (120,000); anything else is text.
_GROUPED = re.compile(r"\d{1,3}(?:,\d{2})*,\d{3}|\d{1,3}(?:,\d{3})+")



@dataclass
class LegacyLedger:
    """The rows of a ledger CSV that could be read whole, and what was left out."""

    rows: list[dict[str, str]]
    skipped: int = 0
    reasons: list[str] = field(default_factory=list)
    kept_copy: Path = Path()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        with contextlib.suppress(UnicodeDecodeError):
            return data.decode(encoding)
    return data.decode("utf-8", errors="replace")


def _parsed(text: str, patterns: tuple[str, ...]) -> datetime | None:
    """``text`` read with the first of ``patterns`` (``strptime``) that fits it, or None."""
    for pattern in patterns:
        with contextlib.suppress(ValueError):
            return datetime.strptime(text, pattern)
    return None


def _recorded(text: str) -> str | None:
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = _parsed(text, ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d-%m-%Y %H:%M"))
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _value(text: str) -> str:
    """A value as the ledger writes it: a number re-saved with grouping or quotes back to plain digits."""
    plain = text.strip()
    whole = plain.split(".", 1)[0].lstrip("-")
    if "," in whole and _GROUPED.fullmatch(whole):
        plain = plain.replace(",", "")
    try:
        number = float(plain)
    except ValueError:
        return text.strip()
    if plain.lower() in ("nan", "inf", "-inf", "infinity"):
        return text.strip()
    return str(int(number)) if number.is_integer() and "e" not in plain.lower() else format(number, ".12g")


def read_legacy_ledger(path: Path) -> LegacyLedger:
    """The whole rows of a ledger CSV written by an earlier kit or re-saved by a spreadsheet.

    A line is taken only when it has exactly the header's fields, a date, a report and a
    figure; a last line without its line end (a file cut short) is never taken. Dates a
    spreadsheet re-saved as DD/MM/YYYY are read day first; numbers with grouping commas
    or quotes are read as numbers. What is left out is copied to ``<name>.left-out.csv``.
    """
    try:
        text = _decode(path.read_bytes())
    except OSError:
        return LegacyLedger([])
    lines = text.splitlines(keepends=True)
    if not lines:
        return LegacyLedger([])
    header = [name.strip().lower() for name in next(csv.reader([lines[0]]))]
    if not {"as_of_date", "report", "figure", "value"} <= set(header):
        return LegacyLedger([], len(lines), ["no ledger header"], _keep_left_out(path, lines))
    taken, left_out, reasons = [], [], set()
    for number, line in enumerate(lines[1:], start=2):
        if not line.endswith(("\n", "\r")):
            left_out.append(line), reasons.add("cut short")
            continue
        fields = next(csv.reader([line]), [])
        if not fields or not "".join(fields).strip():
            continue
        row = dict(zip(header, fields))
        # YYYY-MM-DD, or DD/MM/YYYY and DD-MM-YYYY as a spreadsheet re-saves it in India
        moment = _parsed(row.get("as_of_date", "").strip(), ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d"))
        day = moment.date().isoformat() if moment else None
        if len(fields) != len(header) or day is None or not row.get("report") or not row.get("figure"):
            left_out.append(line), reasons.add(f"line {number} unreadable" if len(reasons) < 3 else "unreadable")
            continue
        taken.append({"as_of_date": day, "report": row["report"].strip(), "district": row.get("district", "").strip(),
                      "figure": row["figure"].strip(), "value": _value(row.get("value", "")),
                      "recorded_at": _recorded(row.get("recorded_at", "")) or ""})
    kept = _keep_left_out(path, [lines[0], *left_out]) if left_out else Path()
    return LegacyLedger(taken, len(left_out), sorted(reasons), kept)


def _keep_left_out(path: Path, lines: list[str]) -> Path:
    copy = path.with_name(path.stem + ".left-out.csv")
    write_atomically(copy, "".join(lines))
    return copy
