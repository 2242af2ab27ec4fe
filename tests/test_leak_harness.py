"""The leak harness (issue #21): invented personal data planted through every road, searched for in every output.

``plant_hostile_folder`` writes a registrations folder whose files carry
invented personal data by every road the issue names: cells of each type
(text, Excel number cells, dates typed as text, a formula's saved value) in
every column, kept or dropped; headers; sheet names, hidden sheets included;
file and folder names; the data origin column; a remarks column. Then:

- the prepare stage (``helpers.ingest.ingest_paths`` and ``write_outputs``, as
  notebook 01 calls them) and ``gem-reports validate --out`` (a subprocess) run
  on it, and every file they write and everything ``validate`` prints is searched;
- a full build of a workspace holding the folder (marked ``notebooks``: slow)
  is searched the same way, every file under ``data/processed/`` and ``reports/``.

Each planted value is searched for as planted, with the separators between its
digits removed, and (for numbers of 10 digits or more) among all the digits of
the file. A value found anywhere fails the test, naming the value and the file.
Every value here is invented: no real person's data.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from helpers.ingest import ingest_paths, write_outputs
from hostile_sheets import BIDI, NAMES_IN_CRAFT, PLANTED, plant_hostile_folder
from support import BIN, Build, readable_text

_TO_ASCII = str.maketrans("०१२३४५६७८९", "0123456789")

# ------------------------------------------------------------------- searching


def digits_joined(text: str) -> str:
    """Devanagari digits as ASCII, every separator between two digits removed."""
    return re.sub(r"(?<=\d)[^\w@]+(?=\d)", "", text.translate(_TO_ASCII))


def searchable_forms(value: str) -> list[str]:
    """The forms a planted value is searched for in: as planted, digits joined, and its digits alone."""
    forms = {value, digits_joined(value)}
    digits = re.sub(r"\D", "", value.translate(_TO_ASCII))
    if len(digits) >= 7:
        forms.add(digits)
    return sorted(f for f in forms if f)


def leaks(texts: dict[str, str], planted: dict[str, str]) -> list[str]:
    """``"road: value in place"`` for every planted value found in a text (``{place: text}``)."""
    found = []
    for place, text in texts.items():
        joined = digits_joined(text)
        all_digits = re.sub(r"\D", "", text.translate(_TO_ASCII))
        for road, value in planted.items():
            for form in searchable_forms(value):
                digits_only = form.isdigit()
                if form in text or form in joined or (digits_only and len(form) >= 10 and form in all_digits):
                    found.append(f"{road}: {form!r} in {place}")
                    break
    return found


def _files(*roots: Path) -> dict[str, str]:
    return {str(p): readable_text(p) for root in roots for p in sorted(root.rglob("*")) if p.is_file()}


def _bidi_in(texts: dict[str, str]) -> list[str]:
    """The text outputs holding a bidi control; not PNGs, whose compressed pixels hold any byte sequence by chance."""
    return [place for place, text in texts.items() if not place.endswith(".png") and any(c in text for c in BIDI)]


def test_the_bidi_check_reads_text_not_a_png_s_compressed_pixels(tmp_path: Path) -> None:
    """A bidi control's three bytes occur by chance in compressed image data (about one share card in fifty):
    the check of text outputs leaves PNGs out; the search for planted values still reads every byte of them."""
    stray = BIDI[0].encode()
    assert _bidi_in({"card.png": stray.decode()}) == []
    assert _bidi_in({"table.csv": stray.decode()}) == ["table.csv"]
    assert leaks({"card.png": f"\x89PNG{PLANTED['GSTIN as gem_seller_id']}"}, PLANTED)


# ------------------------------------------------------------------- the prepare stage and validate


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return plant_hostile_folder(tmp_path_factory.mktemp("hostile") / "registrations")


def test_the_harness_plants_every_road(hostile: Path) -> None:
    result = ingest_paths([hostile])
    sheets = set(result.quality["source_sheet"])
    assert len(sheets) == 4  # the CSV file's "", two visible sheets, the hidden one
    assert len(result.accepted) >= 5  # rows with personal data cut out are kept
    assert result.quality["values_redacted"].sum() >= 8
    assert len(result.dropped_columns) >= 5  # Remarks, Seller Name, PAN No, the two headers holding personal data
    hidden = result.quality[result.quality["file_problem"].str.contains("hidden", na=False)]
    assert len(hidden) == 1


def test_no_planted_value_leaves_the_prepare_stage(hostile: Path, tmp_path: Path) -> None:
    result = ingest_paths([hostile])
    out = tmp_path / "processed"
    write_outputs(result, out)
    texts = _files(out)
    texts["problem lines"] = "\n".join(p.line() for p in result.problems)
    texts["dropped columns"] = result.dropped_columns.to_csv()
    names = {f"name in craft {i}": n for i, n in enumerate(NAMES_IN_CRAFT)}
    assert not leaks(texts, PLANTED)
    # a name typed into the craft column cannot be told from a craft, but it is free text: not even the
    # cleaned table keeps it
    assert any(p.suffix == ".parquet" for p in out.iterdir())
    assert not leaks(texts, names)
    assert not _bidi_in(texts)


def test_no_planted_value_is_printed_or_written_by_validate(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "validate-out"
    process = subprocess.run([str(BIN / "gem-reports"), "validate", str(hostile), "--out", str(out)],
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 2, process.stdout + process.stderr  # rows are rejected
    assert "Traceback" not in process.stdout + process.stderr
    texts = _files(out)
    texts["validate stdout"] = process.stdout
    texts["validate stderr"] = process.stderr
    assert not leaks(texts, PLANTED)
    assert not _bidi_in(texts)
    assert all(len(line) < 2000 for line in process.stdout.splitlines())  # one line each


# ------------------------------------------------------------------- a full build


@pytest.mark.notebooks
def test_no_planted_value_reaches_any_output_of_a_full_build(full_build: Build) -> None:
    """The session's full build (``conftest.full_build``: every phase, both languages, PDFs) holds the hostile folder."""
    assert (full_build.workspace / "data" / "raw" / "registrations" / "hostile").is_dir()
    assert full_build.process.returncode in (0, 1), full_build.process.stdout + full_build.process.stderr
    texts = _files(full_build.workspace / "data" / "processed", full_build.reports)
    texts["build stdout"] = full_build.process.stdout
    texts["build stderr"] = full_build.process.stderr
    assert any(name.endswith(".pdf") for name in texts) and any(name.endswith(".xlsx") for name in texts)
    found = leaks(texts, PLANTED)
    assert not found, "\n".join(found[:20])
    names = {f"name in craft {i}": n for i, n in enumerate(NAMES_IN_CRAFT)}
    found = leaks(texts, names)
    assert not found, "\n".join(found[:20])
    assert not _bidi_in(texts)
