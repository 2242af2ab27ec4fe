"""Checksums in the provenance sidecars: every ``X.meta.yaml`` under ``data/raw/`` records X's SHA-256 and rows.

A sidecar ``X.meta.yaml`` describes the data file ``X`` beside it. Besides its
provenance (title, source, ...), it records ``sha256`` (of the file's bytes)
and, for a CSV, ``rows`` (data rows, header not counted), so that a data file
changed without its sidecar shows up as a failing test
(``tests/test_reference_data.py``). After changing a data file on purpose,
refresh the sidecars and review the diff::

    python tests/sidecars.py --update

Sidecars of a folder (no file named like them) are left alone. A maintainer's tool,
kept out of the installed package; the tables are read by ``helpers.reference.tables``.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

from helpers import paths
from helpers.files import sha256_file, write_atomically

SUFFIX = ".meta.yaml"
_CHECKSUM_LINE = re.compile(r"^(sha256|rows):.*\n?", re.M)


def sidecars(root: Path | None = None) -> list[Path]:
    """Every sidecar under ``root`` (default ``data/raw/``) that describes a file, sorted."""
    root = paths.RAW_DIR if root is None else Path(root)
    return sorted(p for p in root.rglob(f"*{SUFFIX}") if data_file(p).is_file())


def data_file(sidecar: Path) -> Path:
    """The data file a sidecar describes: ``X.meta.yaml`` -> ``X``."""
    return sidecar.with_name(sidecar.name[: -len(SUFFIX)])


def csv_rows(path: Path) -> int:
    """Data rows of a CSV file (records after the header; quoted line breaks stay inside their record)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return max(0, sum(1 for _ in csv.reader(handle)) - 1)


def expected(sidecar: Path) -> dict[str, object]:
    """What the sidecar should record: ``sha256`` and, for a CSV, ``rows``."""
    path = data_file(sidecar)
    values: dict[str, object] = {"sha256": sha256_file(path)}
    if path.suffix.lower() == ".csv":
        values["rows"] = csv_rows(path)
    return values


def recorded(sidecar: Path) -> dict[str, str]:
    """The ``sha256`` and ``rows`` lines the sidecar holds now (as text)."""
    text = sidecar.read_text(encoding="utf-8")
    return {m.group(1): m.group(2).strip() for m in re.finditer(r"^(sha256|rows):(.*)$", text, re.M)}


def problems(root: Path | None = None) -> list[str]:
    """One line per sidecar whose recorded checksum or row count differs from its file's."""
    lines = []
    for sidecar in sidecars(root):
        have, want = recorded(sidecar), expected(sidecar)
        for key, value in want.items():
            if have.get(key) != str(value):
                lines.append(
                    f"{sidecar.relative_to(paths.ROOT) if sidecar.is_relative_to(paths.ROOT) else sidecar}: "
                    f"{key} is {have.get(key, 'missing')}, the file has {value}; if the change to "
                    f"{data_file(sidecar).name} is meant, run `python tests/sidecars.py --update`"
                )
    return lines


def update(root: Path | None = None) -> list[Path]:
    """Write the current ``sha256`` (and ``rows``) into every sidecar; return those that changed."""
    changed = []
    for sidecar in sidecars(root):
        text = sidecar.read_text(encoding="utf-8")
        kept = _CHECKSUM_LINE.sub("", text).rstrip("\n") + "\n"
        new = kept + "".join(f"{key}: {value}\n" for key, value in expected(sidecar).items())
        if new != text:
            write_atomically(sidecar, new)
            changed.append(sidecar)
    return changed


def main(argv: list[str] | None = None) -> int:
    """``--update`` refreshes the sidecars; without it, list the stale ones (exit 1 if any)."""
    parser = argparse.ArgumentParser(prog="python tests/sidecars.py", description=__doc__.split("\n")[0])
    parser.add_argument("--update", action="store_true", help="write the current sha256 and rows into every sidecar")
    args = parser.parse_args(argv)
    if args.update:
        for path in update():
            print(f"updated {path}")
        return 0
    stale = problems()
    print("\n".join(stale) if stale else "every sidecar matches its file")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
