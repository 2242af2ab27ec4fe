"""Helpers for the end-to-end tests: a temporary copy of the project, the CLI run against it.

The end-to-end tests never write into the checkout's ``reports/`` or
``data/processed/``: they copy the notebooks and ``data/raw/`` into a temporary
folder and point the kit at it with ``GEM_KIT_ROOT``. The full build (every
phase, both languages) is made once per test session and shared.

Also here: checks several tests share that the kit itself does not need
(``find_external_loads``, ``catalogue_differences``).
"""

from __future__ import annotations

import functools
import hashlib
import json

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from helpers import paths
from helpers.files import write_atomically

BIN = Path(sys.executable).parent
GEM_REPORTS = str(BIN / "gem-reports")


def indian(number: int) -> str:
    """Indian digit grouping written out in the tests, independently of the kit: 149429 -> '1,49,429'."""
    text = str(number)
    if len(text) <= 3:
        return text
    head, tail = text[:-3], text[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join(([head] if head else []) + groups + [tail])


def make_workspace(target: Path) -> Path:
    """Copy the notebooks and raw data into ``target``, with empty generated folders."""
    shutil.copytree(paths.ROOT / "notebooks", target / "notebooks")
    shutil.copytree(paths.ROOT / "data" / "raw", target / "data" / "raw")
    (target / "data" / "processed").mkdir(parents=True)
    (target / "reports").mkdir()
    return target


def kit_env(workspace: Path) -> dict[str, str]:
    return {**os.environ, "GEM_KIT_ROOT": str(workspace)}


def run_cli(workspace: Path, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
    """Run ``gem-reports ARGS`` against a workspace; capture its output."""
    return subprocess.run(
        [GEM_REPORTS, *args], cwd=workspace, env=kit_env(workspace), capture_output=True, text=True, timeout=timeout
    )


@dataclass(frozen=True)
class Build:
    """A finished build: its workspace, the CLI's result and ``build.json``."""

    workspace: Path
    process: subprocess.CompletedProcess
    summary: dict

    @property
    def reports(self) -> Path:
        return self.workspace / "reports"

    def page(self, relative: str) -> str:
        return (self.reports / relative).read_text(encoding="utf-8")




#: Personal data planted in a field sheet of the full build: none of it may reach any output.
PLANTED_PERSONAL_DATA = (
    "Ramkali Devi Prajapati",
    "Mohd. Irfan Ansari",
    "9876543210",
    "+91 91234 56780",
    "ramkali.devi@example.in",
    "234567890123",
    "4567 8901 2345",
    "ABCPD1234K",
    "House 12, Gali Kumharan, Nizamabad",
    "30112233445566",
    "SBIN0001234",
    # every separator people type (issue 9): double and non-breaking spaces, dots, dashes, +91
    "98390  12345",
    "9839\u00a012346",
    "983-901-2348",
    "98 39 01 23 49",
    "+91.98390.12352",
    "2345.6789.0124",
    "3456-7890-1236",
    "4567  8901  2347",
    "Kamla Devi",
    "Sunita Kumari Verma",
)
#: The digits of each planted number, which must not reach any output with other separators either.
PLANTED_DIGITS = tuple(
    digits for digits in ("".join(ch for ch in value if ch.isdigit()) for value in PLANTED_PERSONAL_DATA)
    if len(digits) >= 10
)
#: Text from an input file that must reach HTML only escaped.
PLANTED_SCRIPT = "<script>alert(1)</script>"
#: A cell that Excel would run as a formula if a CSV wrote it unchanged.
PLANTED_FORMULA = '=HYPERLINK("http://example.invalid","click")'


def plant_field_sheet(workspace: Path) -> Path:
    """Add a hand-typed field sheet full of personal data, markup and a formula to the workspace's raw data."""
    rows = [
        ["Reg. No.", "Seller Name", "Mobile No", "E-mail", "Aadhaar No", "PAN", "Address", "Bank A/c No", "IFSC",
         "Home District", "Event District", "Trade", "Woman", "Tribal", "Craft", "Date of Registration", "Status",
         "Kamla Devi 98390 11111"],
        ["FIELD-0001", "Ramkali Devi Prajapati", "9876543210", "ramkali.devi@example.in", "234567890123", "ABCPD1234K",
         "House 12, Gali Kumharan, Nizamabad", "30112233445566", "SBIN0001234", "Azamgarh", "Varanasi", "artisan",
         "yes", "no", "black pottery", "15-12-2021", "registered"],
        ["FIELD-0002", "Mohd. Irfan Ansari", "+91 91234 56780", "", "4567 8901 2345", "", "", "", "",
         "वाराणसी", "Varanasi", "weaver", "no", "no", PLANTED_SCRIPT, "16/12/2021", "catalogue live"],
        ["FIELD-0003", "", "", "", "", "", "", "", "", "Bhadohi", "Bhadohi", "weaver", "no", "no",
         "carpet, call 9876543210", "17.12.2021", "registered"],
        ["FIELD-0004", "", "", "", "", "", "", "", "", PLANTED_FORMULA, "Agra", "artisan", "no", "no",
         PLANTED_FORMULA, "18-12-2021", "registered"],
        ["FIELD-0005", "", "98390  12345", "", "2345.6789.0124", "", "", "", "", "Sunita Kumari Verma", "Agra",
         "artisan", "yes", "no", "zardozi, mob 9839\u00a012346", "19-12-2021", "registered"],
        ["FIELD-0006", "", "983-901-2348", "", "3456-7890-1236", "", "", "", "", "Agra", "Agra", "weaver",
         "no", "no", "durrie 98 39 01 23 49", "20-12-2021", "registered"],
        ["FIELD-0007", "", "+91.98390.12352", "", "4567  8901  2347", "", "", "", "", "Agra", "Agra", "artisan",
         "no", "no", "marble inlay", "21-12-2021", "registered"],
    ]
    for row in rows[1:]:
        row.append("")
    target = workspace / "data" / "raw" / "registrations" / "field" / "varanasi_office_dec2021.csv"
    target.parent.mkdir(parents=True, exist_ok=True)
    import csv

    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return target


def readable_text(path: Path) -> str:
    """What a person or a program could read in an output file: PDF text, parquet cells, workbook
    cells and sheet names, or the bytes as text (CSV, JSON, HTML, logs, the kit's SQLite memory).

    Read once per version of the file in a test session (several checks search the same build)."""
    stat = path.stat()
    return _readable_text(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=4096)
def _readable_text(name: str, _mtime_ns: int, _size: int) -> str:
    import pandas as pd

    path = Path(name)

    if path.suffix == ".pdf":
        return "\n".join(pdf_page_texts(path))
    if path.suffix == ".parquet":
        return pd.read_parquet(path).astype(str).to_csv(index=False)
    if path.suffix == ".xlsx":
        frames = pd.read_excel(path, sheet_name=None, header=None, dtype=str)
        return "\n".join([*frames, *(frame.to_csv(index=False) for frame in frames.values())])
    return path.read_bytes().decode("utf-8", errors="replace")


#: Set by the session's full build (``conftest.full_build``): the run's temporary folder that every
#: pytest-xdist worker shares, where each PDF's extracted text is kept once it is read.
SHARED_DIR_VARIABLE = "KIT_TEST_SHARED_DIR"


def pdf_page_texts(path: Path) -> tuple[str, ...]:
    """The text pypdf extracts from each page of a PDF.

    Several checks read the same printed PDFs (the page footers, small counts, planted personal
    data): each version of a file is extracted once per test run, and shared between the run's
    workers through ``$KIT_TEST_SHARED_DIR`` (under a file lock) when that is set.
    """
    return _pdf_page_texts(hashlib.sha256(path.read_bytes()).hexdigest(), str(path))


@functools.lru_cache(maxsize=1024)
def _pdf_page_texts(digest: str, name: str) -> tuple[str, ...]:
    from pypdf import PdfReader

    def extract() -> tuple[str, ...]:
        return tuple(page.extract_text() or "" for page in PdfReader(name).pages)

    shared = os.environ.get(SHARED_DIR_VARIABLE)
    if not shared:
        return extract()
    from filelock import FileLock

    kept = Path(shared) / "pdf-texts" / f"{digest}.json"
    kept.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(kept.with_suffix(".lock"))):
        if not kept.exists():
            write_atomically(kept, json.dumps(extract()))  # a worker killed mid-write leaves no half file
        return tuple(json.loads(kept.read_text(encoding="utf-8")))


def json_strings(value: object) -> Iterator[str]:
    """Every string inside a parsed JSON value (dict values and list items, depth first)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


# ---------------------------------------------------- external loads check

_LOADING_ATTRIBUTES = {"src", "href", "data", "poster", "srcset", "background", "action", "formaction"}
_CSS_URL = re.compile(r"""(?:url\(\s*['"]?|@import\s+['"])\s*((?:https?:)?//[^'")\s]+)""", re.IGNORECASE)
_NON_LOADING_LINK_RELS = {"canonical", "alternate", "author", "license", "help"}
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)


class _LoadFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.loads: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_style = tag == "style"
        for name, value in attrs:
            if value is None:
                continue
            if name == "style":
                self.loads.extend(_CSS_URL.findall(value))
            elif name in _LOADING_ATTRIBUTES and tag != "a" and _REMOTE.match(value):
                rel = (dict(attrs).get("rel") or "").lower()
                if tag == "link" and rel in _NON_LOADING_LINK_RELS:
                    continue
                self.loads.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.loads.extend(_CSS_URL.findall(data))


def find_external_loads(document: str) -> list[str]:
    """Return every web address the page would load (scripts, stylesheets, images, fonts, frames).

    Links the reader may follow (``<a href>``) are not loads and are not listed.
    """
    finder = _LoadFinder()
    finder.feed(document)
    return finder.loads


def catalogue_differences() -> dict[str, set[str]]:
    """Keys present in one catalogue but missing from another, per language (empty sets when in step)."""
    from helpers import languages
    from helpers.presentation.i18n import load_catalogue

    keys = {lang: set(load_catalogue(lang)) for lang in languages.LANGUAGES}
    every = set().union(*keys.values())
    return {lang: every - have for lang, have in keys.items()}
