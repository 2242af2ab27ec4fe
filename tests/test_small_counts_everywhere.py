"""Issue 22, item 4: small counts hidden in every output.

The pages promise (``brief.suppressed_note``): "Counts from 1 to 4 are shown as "<5" so
that no small group of sellers can be singled out." The rule (``helpers.analysis.privacy``)
covers a district's *breakdown*, wherever it leaves the kit:

- every count of ``privacy.BREAKDOWN_COUNTS`` (a district, an event, a GI or ODOP product
  broken down by trade, women, tribal, onboarding stage, where sellers came from, product)
  in any table: a workbook sheet, an HTML table, a CSV table; and every share of
  ``privacy.BREAKDOWN_SHARES`` computed from such a count (shown beside its hidden count,
  or beside the total it gives the count away from);
- a district's new registrations in the period (the district brief's sentence and share
  card, the index's district table, the district's figures in figures CSVs and the ledger);
- a district's funnel on its brief (shown only when no stage holds 1 to 4 sellers);
- a district's registrations of one trade (a target row of a trade other than "all").

Not covered, as the pages say and ``privacy`` does: a district's total registrations,
the phase's (or UP's) own totals, counts of districts, and the national figures.

``small_count_leaks(root)`` walks every file under a folder and returns one ``Leak``
per breakdown count from 1 to 4 (or share of one) found where "<5" is promised, naming
the file, the place in it (sheet and row, table and row, line), the column and the value.
Structured reads where the file has structure: workbook cells by their column's header
(openpyxl), CSV rows by their header, JSON strings, PNG text chunks and alt texts (PIL),
HTML tables by the header of the column (BeautifulSoup); PDF text as the leak harness
reads it (``support.readable_text``), checked beside the page it was printed from.

The walk runs over the session's full build (``full_build``: both languages, every
phase and district brief) and over planted files, to show that it can fail.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pytest

from helpers.analysis import privacy
from helpers.campaign.targets import ALL_TRADES
from helpers.presentation import i18n
from helpers.store import LEDGER_EXPORT_NAME
from support import Build, json_strings, readable_text

THRESHOLD = 5
MARKER = privacy.small_count_marker(THRESHOLD)
LANGS = ("en", "hi")

#: Breakdown counts: shown as "<5" from 1 to 4 in every table (the workbook's rule, "in every sheet").
COUNT_COLUMNS: frozenset[str] = frozenset(privacy.BREAKDOWN_COUNTS)
#: ``{share column: its count column}``: hidden with its count.
SHARE_COLUMNS: dict[str, str] = dict(privacy.BREAKDOWN_SHARES)
#: The totals a share is taken of, in the order tried: a share beside its total gives its count away.
SHARE_TOTALS: dict[str, tuple[str, ...]] = {
    "women_share_pct": ("registrations_count",),
    "tribal_share_pct": ("registrations_count",),
    "odop_share_pct": ("registrations_count",),
    "from_nearby_pct": ("registrations_count",),
    "catalogue_live_pct": ("registered_count", "registrations_count"),
    "first_order_pct": ("registered_count", "registrations_count"),
}
#: A district's figures of the period, shown as "<5" on its brief, its card and the index.
DISTRICT_PERIOD_COUNTS: frozenset[str] = frozenset({"new_registrations_count"})
#: Figures of a district (figures CSVs, the ledger) that are "<5" from 1 to 4.
DISTRICT_FIGURES: frozenset[str] = COUNT_COLUMNS | DISTRICT_PERIOD_COUNTS
#: Columns that make a table one row per district (or per event district).
DISTRICT_KEYS: frozenset[str] = frozenset({"district", "event_district"})
#: Sentences of a district's outputs whose {count} is the district's new registrations ("<5" from 1 to 4).
DISTRICT_SENTENCES: tuple[str, ...] = (
    "district_brief.new_registrations", "district_brief.card_change_up", "district_brief.card_change_down",
    "district_brief.card_change_same", "district_brief.card_change_no_rank",
)
#: The data/processed file that records every published figure (the ledger's export).
LEDGER_EXPORT = LEDGER_EXPORT_NAME


@dataclass(frozen=True)
class Leak:
    """A breakdown count from 1 to 4 (or a share giving one away) where "<5" is promised."""

    file: str
    place: str
    column: str
    value: str

    def __str__(self) -> str:
        return f"{self.file} [{self.place}] {self.column} = {self.value!r}"


# ------------------------------------------------------------------ reading what is shown


def _registry():
    from helpers import fields as registry

    return registry


_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")


def shown_number(value: object) -> float | None:
    """The number a cell shows ("1,234", "12.5%", "−2", 3, 3.0), or None (text, "<5", "n/a", blank)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    text = str(value).translate(_DIGITS).strip().replace(",", "").replace("\u2212", "-").removesuffix("%").strip()
    try:
        return float(text)
    except ValueError:
        return None


def is_marker(value: object) -> bool:
    return isinstance(value, str) and value.strip() == MARKER


def is_small(value: object) -> bool:
    number = shown_number(value)
    return number is not None and 1 <= number < THRESHOLD


@lru_cache(maxsize=1)
def label_columns() -> dict[str, frozenset[str]]:
    """``{header as shown: the registry columns with that label}`` in both languages (a label may name two)."""
    registry = _registry()
    found: dict[str, set[str]] = {}
    for column in registry.load_columns().index:
        for lang in LANGS:
            found.setdefault(" ".join(registry.label(column, lang).split()), set()).add(column)
        found.setdefault(column, set()).add(column)  # CSV tables headed by column ids
    for lang in LANGS:  # the index's district table and the district brief's transposed table
        found.setdefault(" ".join(i18n.t("index.col_new", lang).split()), set()).add("new_registrations_count")
        found.setdefault(" ".join(i18n.t("index.col_district", lang).split()), set()).add("district")
    return {label: frozenset(columns) for label, columns in found.items()}


def header_columns(header: object) -> frozenset[str]:
    return label_columns().get(" ".join(str(header or "").split()), frozenset())


def _one_column(candidates: frozenset[str], shows_pct: bool) -> str | None:
    """The column a cell is in when its header names one or two ("Women": the count, or the share when it shows %)."""
    if not candidates:
        return None
    if len(candidates) == 1:
        return next(iter(candidates))
    shares = sorted(c for c in candidates if c.endswith("_pct"))
    others = sorted(c for c in candidates if not c.endswith("_pct"))
    return (shares or others)[0] if shows_pct else (others or shares)[0]


@dataclass(frozen=True)
class Cell:
    """One cell as shown: its value (a number or text), whether it shows a percentage, its sort key (HTML)."""

    value: object
    shows_pct: bool = False
    sort_key: str | None = None


def row_leaks(file: str, place: str, headers: Sequence[object], cells: Sequence[Cell]) -> list[Leak]:
    """The leaks of one table row: breakdown counts from 1 to 4, shares of hidden or small counts."""
    row: dict[str, Cell] = {}
    for header, cell in zip(headers, cells):
        column = _one_column(header_columns(header), cell.shows_pct)
        if column is not None and column not in row:
            row[column] = cell
    leaks = []
    checked = set(COUNT_COLUMNS) | (set(DISTRICT_PERIOD_COUNTS) if DISTRICT_KEYS & set(row) else set())
    if "trade" in row and str(row["trade"].value or "").strip() not in ("", ALL_TRADES):
        checked.add("registrations_count")  # a district's registrations of one trade: a breakdown by trade
    for column in sorted(checked & set(row)):
        cell = row[column]
        if is_small(cell.value):
            leaks.append(Leak(file, place, column, str(cell.value)))
        elif is_marker(cell.value) and cell.sort_key is not None and 1 < (shown_number(cell.sort_key) or 0) < THRESHOLD:
            # the page's source must not tell 1 to 4 apart: one sort key ("1") for all of them
            leaks.append(Leak(file, place, f"{column} (sort key)", cell.sort_key))
    for share, count in SHARE_COLUMNS.items():
        if share not in row or shown_number(row[share].value) is None:
            continue
        value = str(row[share].value)
        if count in row:
            if is_marker(row[count].value):
                leaks.append(Leak(file, place, f"{share} beside a hidden {count}", value))
            continue
        for total in SHARE_TOTALS.get(share, ()):
            base = shown_number(row[total].value) if total in row else None
            if base is not None:
                implied = (shown_number(row[share].value) or 0.0) * base / 100
                if 0.5 <= implied < THRESHOLD - 0.5:
                    leaks.append(Leak(file, place, f"{share} of {total} {base:g} (= {implied:.0f} {count})", value))
                break
    return leaks


def transposed_leaks(file: str, place: str, rows: Sequence[Sequence[Cell]]) -> list[Leak]:
    """A table of one district whose rows are figures ("Figure | <district> | UP"): the district's column."""
    leaks = []
    for number, row in enumerate(rows, start=1):
        if len(row) < 2:
            continue
        column = _one_column(header_columns(row[0].value), row[1].shows_pct)
        if column in COUNT_COLUMNS and is_small(row[1].value):
            leaks.append(Leak(file, f"{place}, row {number}", column, str(row[1].value)))
    return leaks


# ------------------------------------------------------------------ sentences


@lru_cache(maxsize=1)
def district_sentence_patterns() -> tuple[re.Pattern[str], ...]:
    """The district sentences of ``DISTRICT_SENTENCES`` in both languages, {count} captured, other fields any text."""
    patterns = []
    for key in DISTRICT_SENTENCES:
        for lang in LANGS:
            template = " ".join(i18n.load_catalogue(lang)[key].split())
            parts = re.split(r"(\{[a-z_]+\})", template)
            regex = "".join(
                r"(?P<count><\d+|[\d,०-९]+)" if part == "{count}" else r".{1,80}?" if part.startswith("{")
                else re.escape(part) for part in parts if part
            )
            patterns.append(re.compile(regex))
    return tuple(patterns)


def sentence_leaks(file: str, place: str, text: str) -> list[Leak]:
    """District new-registration counts from 1 to 4 written as numbers in ``text`` (whitespace folded)."""
    folded = " ".join(text.split())
    leaks = []
    for pattern in district_sentence_patterns():
        for match in pattern.finditer(folded):
            if is_small(match.group("count")):
                leaks.append(Leak(file, place, "new_registrations_count (sentence)", match.group(0)))
    return leaks


def is_district_output(path: Path) -> bool:
    """A district brief's page, PDF, card, alt text or figures (they live in ``districts/``)."""
    return "districts" in path.parts


# ------------------------------------------------------------------ readers by kind of file


def xlsx_leaks(path: Path, name: str) -> list[Leak]:
    from openpyxl import load_workbook

    book = load_workbook(path)
    leaks = []
    for sheet in book.worksheets:
        rows = list(sheet.iter_rows())
        if not rows:
            continue
        headers = [cell.value for cell in rows[0]]
        for number, row in enumerate(rows[1:], start=2):
            cells = [Cell(c.value, "%" in str(c.number_format or "") or str(c.value or "").endswith("%")) for c in row]
            leaks.extend(row_leaks(name, f"sheet {sheet.title!r}, row {number}", headers, cells))
    return leaks


def ledger_leaks(name: str, rows: Sequence[dict[str, str]]) -> list[Leak]:
    """Rows of ``as_of_date, report, district, figure, value``: a district's breakdown figures."""
    by_district: dict[tuple[str, str, str], dict[str, str]] = {}
    for row in rows:
        if row.get("district"):
            key = (row.get("as_of_date", ""), row.get("report", ""), row["district"])
            by_district.setdefault(key, {})[str(row["figure"]).rsplit(".", 1)[-1]] = row.get("value", "")
    leaks = []
    for (day, report, district), figures in by_district.items():
        place = f"{report} {day}, {district}"
        for figure in sorted(DISTRICT_FIGURES & set(figures)):
            if is_small(figures[figure]):
                leaks.append(Leak(name, place, figure, figures[figure]))
        cells = {figure: Cell(value, figure.endswith("_pct")) for figure, value in figures.items()}
        leaks.extend(row_leaks(name, place, list(cells), list(cells.values())))
    return list(dict.fromkeys(leaks))


def csv_leaks(path: Path, name: str) -> list[Leak]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    if not rows:
        return []
    headers = rows[0]
    if {"district", "figure", "value"} <= set(headers):
        return ledger_leaks(name, [dict(zip(headers, row)) for row in rows[1:]])
    leaks = []
    for number, row in enumerate(rows[1:], start=2):
        leaks.extend(row_leaks(name, f"line {number}", headers, [Cell(v, v.strip().endswith("%")) for v in row]))
    return leaks


def json_leaks(path: Path, name: str) -> list[Leak]:
    document = json.loads(path.read_text(encoding="utf-8"))
    leaks = []
    if is_district_output(path):
        for text in json_strings(document):
            leaks.extend(sentence_leaks(name, "JSON text", text))
    for number, figure in enumerate(document.get("headline_figures", []) if isinstance(document, dict) else []):
        if isinstance(figure, dict):  # {label, value}: a headline labelled as a breakdown count
            cell = Cell(figure.get("value"), str(figure.get("value", "")).endswith("%"))
            leaks.extend(row_leaks(name, f"headline figure {number + 1}", [figure.get("label")], [cell]))
    return leaks


def png_leaks(path: Path, name: str) -> list[Leak]:
    from PIL import Image

    with Image.open(path) as image:
        chunks = {**image.info, **getattr(image, "text", {})}
    texts = {key: value for key, value in chunks.items() if isinstance(value, str)}
    leaks = []
    for key, text in texts.items():
        leaks.extend(sentence_leaks(name, f"PNG text chunk {key!r}", text) if is_district_output(path) else [])
    return leaks


def text_leaks(path: Path, name: str) -> list[Leak]:
    return sentence_leaks(name, "text", path.read_text(encoding="utf-8")) if is_district_output(path) else []


def _html_cell(tag) -> Cell:
    text = " ".join(tag.get_text(" ", strip=True).split())
    return Cell(text, text.endswith("%"), tag.get("data-sort"))


def html_tables(soup) -> Iterator[tuple[str, list[str], list[list[Cell]], bool]]:
    """``(caption or number, headers, body rows, is transposed)`` for every table of a page."""
    for number, table in enumerate(soup.find_all("table"), start=1):
        caption = table.find("caption")
        place = f"table {number}" + (f" ({caption.get_text(' ', strip=True)[:60]})" if caption else "")
        rows = table.find_all("tr")
        if not rows:
            continue
        head = table.find("thead")
        header_row = head.find("tr") if head else rows[0]
        headers = [" ".join(c.get_text(" ", strip=True).split()) for c in header_row.find_all(["th", "td"])]
        body = [[_html_cell(c) for c in row.find_all(["th", "td"])] for row in rows if row is not header_row]
        transposed = bool(headers) and headers[0] in {i18n.t("col.figure", lang) for lang in LANGS}
        yield place, headers, body, transposed


def funnel_leaks(soup, name: str) -> list[Leak]:
    """A district's funnel (``kit-funnel``): shown only when no stage holds 1 to 4 sellers."""
    leaks = []
    for number, figure in enumerate(soup.select("figure.kit-funnel"), start=1):
        for stage in figure.select(".kit-funnel-row"):
            label = stage.find("dt").get_text(" ", strip=True)
            value = stage.find("dd").get_text(" ", strip=True)
            count = re.match(r"[\d,०-९]+", value.translate(_DIGITS))
            if count and is_small(count.group(0)):
                leaks.append(Leak(name, f"funnel {number}, stage {label!r}", "sellers_count", value))
    return leaks


def visible_text(soup) -> str:
    body = soup.body or soup
    for hidden in body.find_all(["script", "style", "template"]):
        hidden.decompose()
    return " ".join(body.get_text(" ", strip=True).split())


def html_leaks(path: Path, name: str) -> list[Leak]:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    leaks = []
    for place, headers, body, transposed in html_tables(soup):
        if transposed:
            leaks.extend(transposed_leaks(name, place, body))
            continue
        for number, row in enumerate(body, start=1):
            leaks.extend(row_leaks(name, f"{place}, row {number}", headers, row))
    if is_district_output(path):
        leaks.extend(funnel_leaks(soup, name))
        for image in soup.find_all(alt=True):
            leaks.extend(sentence_leaks(name, f"alt text of <{image.name}>", image["alt"]))
        leaks.extend(sentence_leaks(name, "page text", visible_text(soup)))
    return leaks


def pdf_leaks(path: Path, name: str) -> list[Leak]:
    """The PDF's text as the leak harness reads it: its district sentences, and no fewer "<5" than its page."""
    text = readable_text(path)
    leaks = sentence_leaks(name, "PDF text", text) if is_district_output(path) else []
    page = path.with_suffix(".html")
    if page.exists():
        from bs4 import BeautifulSoup

        shown = visible_text(BeautifulSoup(page.read_text(encoding="utf-8"), "lxml")).count(MARKER)
        printed = text.count(MARKER)
        if printed < shown:  # a count hidden on the page is printed as a number
            leaks.append(Leak(name, f"PDF text against {page.name}", f'"{MARKER}" markers', f"{printed} of {shown}"))
    return leaks


READERS = {".xlsx": xlsx_leaks, ".csv": csv_leaks, ".json": json_leaks, ".png": png_leaks, ".txt": text_leaks,
           ".html": html_leaks, ".pdf": pdf_leaks}


def small_count_leaks(root: Path, files: Iterable[Path] | None = None) -> list[Leak]:
    """Every leak in the files under ``root`` (default: all of them) that the kit publishes or keeps as published."""
    leaks = []
    for path in sorted(files if files is not None else root.rglob("*")):
        reader = READERS.get(path.suffix)
        if reader is None or not path.is_file():
            continue
        name = str(path.relative_to(root))
        try:
            leaks.extend(reader(path, name))
        except Exception as error:  # an output the walk cannot read is a finding too
            leaks.append(Leak(name, "unreadable", type(error).__name__, str(error)[:200]))
    return leaks


def published_files(workspace: Path) -> list[Path]:
    """What leaves the kit: everything under reports/, and the ledger's export of published figures."""
    files = [p for p in (workspace / "reports").rglob("*") if p.is_file()]
    ledger = workspace / "data" / "processed" / LEDGER_EXPORT
    return files + ([ledger] if ledger.exists() else [])


# ------------------------------------------------------------------ the walk can fail


def _planted(root: Path, value: object) -> None:
    """A workbook, a figures CSV, a page, a card's alt text: each with one breakdown count ``value``."""
    from openpyxl import Workbook

    registry = _registry()
    district = root / "reports" / "phase-9" / "districts"
    district.mkdir(parents=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "District coverage"
    sheet.append([registry.label(c, "en") for c in ("district", "registrations_count", "women_count", "women_share_pct")])
    sheet.append(["Agra", 40, value, 7.5 if value == 3 else None])
    sheet.append(["Mau", 9, 12, 33.3])
    sheet["D2"].number_format = sheet["D3"].number_format = '0.0"%"'
    book.save(root / "reports" / "phase-9" / "tables.xlsx")
    with (district / "agra.figures.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["as_of_date", "report", "district", "figure", "value"])
        writer.writerow(["2022-03-31", "phase-9/districts/agra", "Agra", "registrations_count", "40"])
        writer.writerow(["2022-03-31", "phase-9/districts/agra", "Agra", "new_registrations_count", str(value)])
    headers = "".join(f"<th>{registry.label(c, 'hi')}</th>" for c in ("district", "tribal_count", "tribal_share_pct"))
    (root / "reports" / "phase-9" / "brief.hi.html").write_text(
        f"<html><body><table><thead><tr>{headers}</tr></thead><tbody>"
        f"<tr><td>आगरा</td><td>{value}</td><td>{'7.5%' if value == 3 else MARKER}</td></tr></tbody></table>"
        "</body></html>", encoding="utf-8")
    change = i18n.t("district_brief.card_change_same", "en", count=value)
    (district / "agra.share-card.png.alt.txt").write_text(f"Share card: Agra. In the 7 days before 31 March 2022: "
                                                          f"{change}.\n", encoding="utf-8")


def test_the_walk_names_each_planted_small_count(tmp_path: Path) -> None:
    _planted(tmp_path, 3)
    found = small_count_leaks(tmp_path)
    named = {(leak.file, leak.column, leak.value) for leak in found}
    assert ("reports/phase-9/tables.xlsx", "women_count", "3") in named, found
    assert any(leak.place == "sheet 'District coverage', row 2" for leak in found)
    assert ("reports/phase-9/districts/agra.figures.csv", "new_registrations_count", "3") in named, found
    assert ("reports/phase-9/brief.hi.html", "tribal_count", "3") in named, found
    assert any(leak.file.endswith(".alt.txt") and "3 new registrations" in leak.value for leak in found), found
    # a share beside its hidden count gives it away too
    (tmp_path / "reports" / "phase-9" / "tables.xlsx").unlink()
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["District", "Registrations", "Women", "Women"])
    book.active.append(["Agra", 40, MARKER, 7.5])
    book.active["D2"].number_format = '0.0"%"'
    book.save(tmp_path / "reports" / "phase-9" / "tables.xlsx")
    found = small_count_leaks(tmp_path, [tmp_path / "reports" / "phase-9" / "tables.xlsx"])
    assert [leak.column for leak in found] == ["women_share_pct beside a hidden women_count"], found


def test_the_walk_passes_the_marker_and_larger_counts(tmp_path: Path) -> None:
    _planted(tmp_path, MARKER)
    assert small_count_leaks(tmp_path) == []


def test_a_share_beside_its_total_is_read_as_the_count_it_gives_away() -> None:
    leaks = row_leaks("f", "row", ["District", "Registrations", "Tribal"], [Cell("Agra"), Cell("9"), Cell("11.1%", True)])
    assert [leak.column for leak in leaks] == ["tribal_share_pct of registrations_count 9 (= 1 tribal_count)"]
    assert row_leaks("f", "row", ["District", "Registrations", "Tribal"],
                     [Cell("Agra"), Cell("90"), Cell("11.1%", True)]) == []


def test_the_index_hides_a_small_new_count_in_its_sort_key_too() -> None:
    headers = [i18n.t("index.col_district", "hi"), i18n.t("index.col_new", "hi")]
    assert [leak.column for leak in row_leaks("index.html", "row", headers, [Cell("आगरा"), Cell(MARKER, sort_key="3")])] == [
        "new_registrations_count (sort key)"]
    assert row_leaks("index.html", "row", headers, [Cell("आगरा"), Cell(MARKER, sort_key="1")]) == []
    assert [leak.value for leak in row_leaks("index.html", "row", headers, [Cell("आगरा"), Cell("2", sort_key="2")])] == ["2"]


def test_a_districts_registrations_of_one_trade_are_a_breakdown_its_total_is_not() -> None:
    headers = ["District", "Trade", "Registrations"]
    assert [leak.column for leak in row_leaks("f", "row", headers, [Cell("Agra"), Cell("weaver"), Cell(3)])] == [
        "registrations_count"]
    assert row_leaks("f", "row", headers, [Cell("Agra"), Cell(ALL_TRADES), Cell(3)]) == []
    assert row_leaks("f", "row", ["District", "Registrations"], [Cell("Agra"), Cell(3)]) == []


# ------------------------------------------------------------------ the full build


@pytest.fixture(scope="module")
def build_leaks(full_build: Build) -> list[Leak]:
    assert (full_build.reports / "index.html").exists(), full_build.process.stdout + full_build.process.stderr
    return small_count_leaks(full_build.workspace, published_files(full_build.workspace))


def test_every_output_of_a_build_shows_small_breakdown_counts_as_the_marker(build_leaks: list[Leak]) -> None:
    assert not build_leaks, f"{len(build_leaks)} small count(s) shown:\n" + "\n".join(map(str, build_leaks[:40]))


def test_the_walk_read_every_kind_of_output_and_found_the_marker(full_build: Build) -> None:
    """The walk is not vacuous: the build has every kind of file it reads, and "<5" is shown in each kind that
    holds a district's breakdown (workbooks, pages, PDFs, district alt texts)."""
    files = published_files(full_build.workspace)
    kinds = {p.suffix for p in files}
    assert {".xlsx", ".csv", ".json", ".png", ".txt", ".html", ".pdf"} <= kinds
    assert any(MARKER in readable_text(p) for p in files if p.suffix == ".xlsx")
    assert any(html.escape(MARKER) in p.read_text(encoding="utf-8") for p in files if p.suffix == ".html")
    assert any(MARKER in readable_text(p) for p in files if p.suffix == ".pdf")
