"""End to end: ``gem-reports build`` on the shipped data, its pages, exit codes, skips and failures.

Figures expected in the pages are recomputed here from the reference CSVs and
the processed registrations, not copied from the code under test.
"""

from __future__ import annotations

import csv
import fcntl
import json
import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from helpers import paths
from support import (
    readable_text,
    BIN,
    GEM_REPORTS,
    PLANTED_DIGITS,
    PLANTED_FORMULA,
    PLANTED_PERSONAL_DATA,
    PLANTED_SCRIPT,
    Build,
    find_external_loads,
    indian,
    kit_env,
    make_workspace,
    run_cli,
)

pytestmark = pytest.mark.notebooks

SOURCE_PLACES = {
    "Mirzapur": "mirzapur", "Bhadohi": "bhadohi", "Varanasi": "varanasi", "Gorakhpur": "gorakhpur",
    "Lucknow": "lucknow", "Kanpur Nagar": "kanpur-nagar", "Kannauj": "kannauj", "Agra": "agra",
    "Aligarh": "aligarh", "Moradabad": "moradabad", "Meerut": "meerut", "Gautam Buddha Nagar": "gautam-buddha-nagar",
}


def source_figures() -> dict[str, int]:
    with (paths.REFERENCE_DIR / "gem_registrations_snapshots.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["snapshot_date"] == "2021-10-29"]
    return {f"{r['geography']}/{r['measure']}": int(r["registrations_count"]) for r in rows}


def visible_text(html: str) -> str:
    """The page's text without tags, styles and scripts, whitespace collapsed."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S | re.I)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html.replace("&nbsp;", " ").replace("&amp;", "&"))


# --------------------------------------------------------------- the build


def test_full_build_succeeds_with_every_report(full_build: Build) -> None:
    assert full_build.process.returncode == 0, full_build.process.stdout + full_build.process.stderr
    summary = full_build.summary
    assert summary["failed_count"] == 0 and summary["ok_count"] == summary["jobs_count"]
    keys = {r["key"] for r in summary["results"]}
    assert "prepare/01_prepare_registrations" in keys
    for phase in ("1", "2"):
        for notebook in ("02_district_coverage", "03_national_vs_up_share", "04_phase_brief", "04_phase_brief.hi"):
            assert f"phase-{phase}/{notebook}" in keys
        reports = full_build.reports / f"phase-{phase}"
        assert (reports / "04_phase_brief.html").is_file() and (reports / "brief.hi.html").is_file()
        assert not (reports / "04_phase_brief.hi.html").exists()  # analyst pages are in English
    for slug in SOURCE_PLACES.values():
        assert f"phase-1/districts/{slug}" in keys and f"phase-1/districts/{slug}.hi" in keys
    assert sum(k.startswith("phase-2/districts/") and not k.endswith(".hi") for k in keys) == 75
    for result in summary["results"]:
        assert summary["input_sets"][result["input_set"]], result["key"]  # every report read some inputs
        for output in result["outputs"]:
            assert (full_build.workspace / output).exists(), output


def test_brief_states_the_source_figures_and_up_shares(full_build: Build) -> None:
    text = visible_text(full_build.page("phase-1/brief.html"))
    figures = source_figures()
    for value in figures.values():
        assert indian(value) in text, indian(value)
    artisan_share = figures["Uttar Pradesh/artisans"] / figures["India/artisans"] * 100
    weaver_share = figures["Uttar Pradesh/weavers"] / figures["India/weavers"] * 100
    assert f"{artisan_share:.2f}%" in text and f"{weaver_share:.2f}%" in text
    assert "2,584.47" in text


def test_brief_names_the_phase_districts_and_the_10_or_12_note(full_build: Build) -> None:
    text = visible_text(full_build.page("phase-1/brief.html"))
    for district in SOURCE_PLACES:
        assert district in text, district
    assert "Greater Noida" in text
    assert re.search(r"\b10\b", text) and re.search(r"\b12\b", text)
    assert "10 main districts" in text


def test_brief_has_no_code_and_says_the_data_is_synthetic(full_build: Build) -> None:
    page = full_build.page("phase-1/brief.html")
    assert "import pandas" not in page and "params.require_phase" not in page
    assert not re.search(r'class="[^"]*jp-InputArea-editor', page)
    assert "synthetic" in visible_text(page).lower()


def test_hindi_brief_is_in_hindi(full_build: Build) -> None:
    page = full_build.page("phase-1/brief.hi.html")
    assert 'lang="hi"' in page
    text = visible_text(page)
    with (paths.REFERENCE_DIR / "up_districts_master.csv").open(encoding="utf-8") as handle:
        hindi = {r["name_common"]: r["name_hi"] for r in csv.DictReader(handle)}
    for district in SOURCE_PLACES:
        assert hindi[district] in text, district
    assert indian(149429) in text and "17.05%" in text


def test_analyst_pages_show_code_and_their_figures(full_build: Build) -> None:
    registrations = pd.read_parquet(full_build.workspace / "data" / "processed" / "registrations.parquet")
    in_window = registrations["registration_date"].between("2021-11-01", "2022-03-31")
    at_event = registrations["event_district"].isin(SOURCE_PLACES)
    phase1 = registrations[in_window & at_event]
    coverage = visible_text(full_build.page("phase-1/02_district_coverage.html"))
    assert "require_phase" in coverage  # the code is shown
    assert indian(len(phase1)) in coverage
    assert indian(int((phase1["trade"] == "artisan").sum())) in coverage
    share = visible_text(full_build.page("phase-1/03_national_vs_up_share.html"))
    assert "17.05%" in share and "4.59%" in share


def test_district_briefs_exist_for_the_12_event_districts(full_build: Build) -> None:
    for district, slug in SOURCE_PLACES.items():
        page = full_build.reports / "phase-1" / "districts" / f"{slug}.html"
        assert page.exists(), slug
        assert district in visible_text(page.read_text(encoding="utf-8"))


def test_every_district_brief_of_a_cold_build_links_its_office_s_corrections_workbook(full_build: Build) -> None:
    """The build writes the offices' workbooks beside the first reports; a district brief starts after them."""
    briefs = sorted((full_build.reports / "phase-1" / "districts").glob("*.html"))
    assert briefs
    for page in briefs:
        slug = page.name.split(".")[0]
        workbook = full_build.reports / "corrections" / f"{slug}.xlsx"
        assert workbook.exists(), slug
        assert f"../../corrections/{slug}.xlsx" in page.read_text(encoding="utf-8"), page.name


def test_index_links_every_report(full_build: Build) -> None:
    index = full_build.page("index.html")
    links = set(re.findall(r'href="([^"#]+)"', index))
    for relative in ("phase-1/brief.html", "phase-1/brief.hi.html", "phase-2/brief.html",
                     "phase-1/02_district_coverage.html", "phase-1/districts/agra.html"):
        assert relative in links, relative
    for link in links:
        if not link.startswith(("http:", "https:", "mailto:", "data:")):
            assert (full_build.reports / link).exists(), link


def test_executed_notebooks_are_kept_outside_the_published_folder(full_build: Build) -> None:
    executed = full_build.workspace / "data" / "processed" / "executed"
    for name in ("02_district_coverage", "03_national_vs_up_share", "04_phase_brief", "04_phase_brief.hi"):
        notebook = json.loads((executed / "phase-1" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert notebook["metadata"]["papermill"]["parameters"]["phase"] == "1"  # executed, with its parameters
    assert (executed / "phase-1" / "districts" / "agra.ipynb").exists()
    assert not list(full_build.reports.rglob("*.ipynb"))  # nothing failed, so no notebook is published


def test_processed_data_has_full_row_accounting(full_build: Build) -> None:
    quality = pd.read_csv(full_build.workspace / "data" / "processed" / "data_quality_summary.csv")
    accounted = quality["accepted"] + quality["rejected"] + quality["duplicates"] + quality["junk_rows_skipped"]
    assert (quality["rows_in"] == accounted).all()
    raw_rows = 0
    for sheet in (full_build.workspace / "data" / "raw" / "registrations").rglob("*.csv"):
        raw_rows += len(pd.read_csv(sheet, dtype=str, keep_default_na=False))
    for book in (full_build.workspace / "data" / "raw" / "registrations").rglob("*.xlsx"):
        visible = [s.title for s in load_workbook(book, read_only=True).worksheets if s.sheet_state == "visible"]
        raw_rows += sum(len(frame) for frame in pd.read_excel(book, sheet_name=visible, dtype=str).values())
    # a hidden sheet (the leak harness plants one) is not read: it is listed as a file problem instead
    assert quality["file_problem"].str.contains("hidden", na=False).any()
    assert int(quality["rows_in"].sum()) == raw_rows


def test_prepare_page_shows_the_row_accounting_of_every_file(full_build: Build) -> None:
    quality = pd.read_csv(full_build.workspace / "data" / "processed" / "data_quality_summary.csv")
    text = visible_text(full_build.page("prepare/01_prepare_registrations.html"))
    for name in {Path(f).name for f in quality["source_file"]}:
        assert name in text, name
    assert f"wrote {int(quality['accepted'].sum()):,} registrations" in text


def test_phase_briefs_are_small_and_load_nothing(full_build: Build) -> None:
    for brief in sorted(full_build.reports.glob("phase-*/brief*.html")):
        assert brief.stat().st_size <= 300 * 1024, f"{brief.name}: {brief.stat().st_size} bytes"
        assert find_external_loads(brief.read_text(encoding="utf-8")) == [], brief
    for brief in sorted(full_build.reports.glob("phase-*/districts/*.html")):
        assert brief.stat().st_size <= 120 * 1024, f"{brief.name}: {brief.stat().st_size} bytes"
    assert "@font-face" not in full_build.page("phase-1/districts/agra.html"), "no Devanagari, no font"
    for page in ("phase-1/brief.html", "phase-1/brief.hi.html", "phase-1/districts/agra.hi.html"):
        fonts = re.findall(r"url\(data:font/[a-z0-9]+;base64,([A-Za-z0-9+/=]+)\)", full_build.page(page))
        assert all(len(font) * 3 / 4 < 80 * 1024 for font in fonts), f"{page}: the font is not subset"


# ---------------------------------------------------------- hostile input


def _output_files(build: Build) -> list[Path]:
    roots = (build.workspace / "data" / "processed", build.reports)
    return sorted(p for root in roots for p in root.rglob("*") if p.is_file())


def test_no_planted_personal_data_reaches_any_output(full_build: Build) -> None:
    checked = set()
    for path in _output_files(full_build):
        if path.suffix == ".png":
            continue  # images are drawn from figures, never from input text
        content = readable_text(path)
        digits_only = re.sub(r"\D", "", content)
        for value in PLANTED_PERSONAL_DATA:
            assert value not in content, f"{value!r} found in {path.relative_to(full_build.workspace)}"
        for digits in PLANTED_DIGITS:
            assert digits not in digits_only, f"{digits} found in {path.relative_to(full_build.workspace)}"
        checked.add(path.suffix)
    assert {".html", ".ipynb", ".csv", ".parquet", ".pdf", ".xlsx"} <= checked
    dropped = pd.read_csv(full_build.workspace / "data" / "processed" / "dropped_columns.csv")
    assert {"Seller Name", "Mobile No", "Aadhaar No", "PAN", "Address", "IFSC"} <= set(dropped["column"])


def test_markup_from_input_files_reaches_pages_only_as_text(full_build: Build) -> None:
    for path in full_build.reports.rglob("*.html"):
        assert PLANTED_SCRIPT not in path.read_text(encoding="utf-8"), path


def test_csv_outputs_are_safe_to_open_in_excel(full_build: Build) -> None:
    for path in (full_build.workspace / "data" / "processed").rglob("*.csv"):
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                for cell in row:
                    assert not cell.startswith(("=", "+", "@")), f"{path.name}: {cell!r}"
    rejected = (full_build.workspace / "data" / "processed" / "rejected_rows.csv").read_text(encoding="utf-8-sig")
    # the field sheet's 5th line (FIELD-0004) has a formula as its home district: rejected, value not shown
    assert "varanasi_office_dec2021.csv,,5,home_district,[text removed" in rejected
    assert PLANTED_FORMULA not in rejected or f"'{PLANTED_FORMULA}" in rejected  # shown only as quoted text


# -------------------------------------------------------------- incremental


def test_noop_rebuild_skips_everything(full_build: Build) -> None:
    brief = full_build.reports / "phase-1" / "brief.html"
    before = brief.stat().st_mtime_ns
    again = subprocess.run(  # with Python's import timing, to see what a build with nothing to do imports
        [GEM_REPORTS, "build", "--lang", "all"], cwd=full_build.workspace, capture_output=True, text=True,
        env={**kit_env(full_build.workspace), "PYTHONPROFILEIMPORTTIME": "1"}, timeout=600)
    assert again.returncode == 0, again.stderr
    summary = json.loads((full_build.reports / "build.json").read_text(encoding="utf-8"))
    assert summary["skipped_count"] == summary["jobs_count"] > 0
    assert brief.stat().st_mtime_ns == before
    imported = {line.rsplit("|", 1)[-1].strip() for line in again.stderr.splitlines() if line.startswith("import time:")}
    assert imported, "no import timing in the build's stderr"
    # pandas and matplotlib cost half a second to import: the no-op target is 0.5 s (docs/benchmarks.md)
    assert not imported & {"pandas", "matplotlib", "pyarrow"}, sorted(imported & {"pandas", "matplotlib", "pyarrow"})


# ------------------------------------------------------------ small builds


@pytest.fixture(scope="module")
def small_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A workspace built once for phase 1, English, without district briefs or PDFs (copied by each test)."""
    workspace = make_workspace(tmp_path_factory.mktemp("small-build"))
    first = run_cli(workspace, "build", "--phase", "1", "--districts", "none", "--no-pdf")
    assert first.returncode == 0, first.stdout + first.stderr
    return workspace


@pytest.fixture()
def small_workspace(small_build: Path, tmp_path: Path) -> Path:
    """A copy of the small build of its own (the build's state holds no absolute path: the copy is up to date)."""
    return Path(shutil.copytree(small_build, tmp_path / "workspace", symlinks=True))


def test_a_changed_notebook_rebuilds_only_its_reports(small_workspace: Path) -> None:
    notebook = small_workspace / "notebooks" / "03_national_vs_up_share.ipynb"
    document = json.loads(notebook.read_text(encoding="utf-8"))
    document["cells"].append({"cell_type": "markdown", "id": "extra", "metadata": {}, "source": "An added note."})
    notebook.write_text(json.dumps(document), encoding="utf-8")
    again = run_cli(small_workspace, "build", "--phase", "1", "--districts", "none", "--no-pdf")
    assert again.returncode == 0, again.stderr
    statuses = {r["key"]: r["status"] for r in json.loads((small_workspace / "reports" / "build.json").read_text())["results"]}
    assert statuses.pop("phase-1/03_national_vs_up_share") == "ok"
    assert set(statuses.values()) == {"skipped"}


def test_a_failing_notebook_keeps_the_published_page_and_fails_the_build(small_workspace: Path) -> None:
    published = small_workspace / "reports" / "phase-1" / "02_district_coverage.html"
    before = published.read_text(encoding="utf-8")
    notebook = small_workspace / "notebooks" / "02_district_coverage.ipynb"
    document = json.loads(notebook.read_text(encoding="utf-8"))
    load_cell = next(i for i, c in enumerate(document["cells"]) if "read_parquet" in "".join(c["source"]))
    document["cells"].insert(load_cell + 1, {
        "cell_type": "code", "id": "planted", "metadata": {}, "outputs": [], "execution_count": None,
        "source": "raise RuntimeError('planted failure for the test')",
    })
    notebook.write_text(json.dumps(document), encoding="utf-8")
    failed = run_cli(small_workspace, "build", "--phase", "1", "--districts", "none", "--no-pdf")
    assert failed.returncode == 1
    assert "planted failure" in failed.stdout and "Traceback" not in failed.stdout + failed.stderr
    assert published.read_text(encoding="utf-8") == before
    out = small_workspace / "reports" / "phase-1"
    executed = json.loads((out / "02_district_coverage.failed.ipynb").read_text(encoding="utf-8"))
    assert any("papermill-error-cell-tag" in c.get("metadata", {}).get("tags", []) for c in executed["cells"])
    assert "planted failure" in (out / "02_district_coverage.error.html").read_text(encoding="utf-8")
    summary = json.loads((small_workspace / "reports" / "build.json").read_text(encoding="utf-8"))
    result = next(r for r in summary["results"] if r["key"] == "phase-1/02_district_coverage")
    assert result["status"] == "failed" and result["error"]["ename"] == "RuntimeError"
    assert isinstance(result["error"]["cell_index"], int)
    others = [r["status"] for r in summary["results"] if r["key"] != "phase-1/02_district_coverage"]
    assert "failed" not in others
    index = (small_workspace / "reports" / "index.html").read_text(encoding="utf-8")
    assert "02_district_coverage.error.html" in index


def test_a_second_build_at_once_is_refused_with_exit_3(small_workspace: Path) -> None:
    with open(small_workspace / "reports" / ".build.lock", "a+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        handle.write("pid 1, started by the test")
        handle.flush()
        second = run_cli(small_workspace, "build", "--phase", "1")
    assert second.returncode == 3
    assert "another build is running" in second.stderr and len(second.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["build", "--phase", "9"], 2, "unknown phase(s) 9; valid phases: 1, 2"),
        (["build", "--jobs", "0"], 2, "--jobs must be 1 or more"),
        (["build", "--lang", "fr"], 2, "invalid choice: 'fr'"),
        (["build", "--registrations", "no/such/folder"], 2, "no such folder"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_cli_mistakes_get_one_line_and_exit_2(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run_cli(make_workspace(tmp_path), *args)
    assert result.returncode == code
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_plain_papermill_runs_a_notebook_with_a_phase_parameter(full_build: Build, tmp_path: Path) -> None:
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [str(BIN / "papermill"), "notebooks/02_district_coverage.ipynb", str(out), "-p", "phase", "2",
         "-p", "output_dir", str(tmp_path)],
        cwd=full_build.workspace, env=kit_env(full_build.workspace), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "phase-2_district_coverage.csv").exists()


def test_a_wrong_notebook_parameter_shows_one_line_not_a_traceback(full_build: Build, tmp_path: Path) -> None:
    out = tmp_path / "out.ipynb"
    result = subprocess.run(
        [str(BIN / "papermill"), "notebooks/02_district_coverage.ipynb", str(out), "-p", "phase", "9"],
        cwd=full_build.workspace, env=kit_env(full_build.workspace), capture_output=True, text=True, timeout=600,
    )
    assert result.returncode != 0
    executed = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in executed["cells"] for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert len(errors) == 1
    assert errors[0]["traceback"] == [
        "ParameterError: parameter 'phase': phase '9' is not in data/raw/campaign/phases.yaml; valid phases: 1, 2"
    ]


def test_reports_are_not_rebuilt_on_a_failed_preparation(small_workspace: Path) -> None:
    published = small_workspace / "reports" / "phase-1" / "02_district_coverage.html"
    before = published.read_text(encoding="utf-8")
    (small_workspace / "data" / "raw" / "registrations" / "scanned_form.csv").write_bytes(bytes(range(256)) * 40)
    failed = run_cli(small_workspace, "build", "--phase", "1", "--districts", "none", "--no-pdf")
    assert failed.returncode == 1
    summary = json.loads((small_workspace / "reports" / "build.json").read_text(encoding="utf-8"))
    statuses = {r["key"]: (r["status"], (r["error"] or {}).get("ename")) for r in summary["results"]}
    assert statuses.pop("prepare/01_prepare_registrations")[0] == "failed"
    assert set(statuses.values()) == {("failed", "NotRun")}
    assert published.read_text(encoding="utf-8") == before
    assert "scanned_form.csv" in failed.stdout + (small_workspace / "reports" / "prepare" / "01_prepare_registrations.error.html").read_text(encoding="utf-8")


# ------------------------------------------------------------- as of a date


def test_a_build_as_of_a_date_counts_only_what_had_happened_by_then(tmp_path: Path) -> None:
    workspace = make_workspace(tmp_path)
    args = ("build", "--phase", "1", "--districts", "none", "--no-pdf", "--as-of", "2021-12-31")
    first = run_cli(workspace, *args)
    assert first.returncode == 0, first.stdout + first.stderr
    registrations = pd.read_parquet(workspace / "data" / "processed" / "registrations.parquet")
    dates = pd.to_datetime(registrations["registration_date"])
    phase1 = registrations[dates.between("2021-11-01", "2021-12-31") & registrations["event_district"].isin(SOURCE_PLACES)]
    later = registrations[dates.between("2022-01-01", "2022-03-31") & registrations["event_district"].isin(SOURCE_PLACES)]
    assert len(phase1) > 0 and len(later) > 0
    text = visible_text((workspace / "reports" / "phase-1" / "brief.html").read_text(encoding="utf-8"))
    assert "31 December 2021" in text
    assert indian(len(phase1)) in text and indian(len(phase1) + len(later)) not in text
    summary = json.loads((workspace / "reports" / "phase-1" / "summary.json").read_text(encoding="utf-8"))
    assert summary["as_of"] == "2021-12-31"
    ledger = workspace / "data" / "processed" / "published_figures.csv"
    rows = ledger.read_text(encoding="utf-8").count("\n")
    assert rows > 1 and "2021-12-31" in ledger.read_text(encoding="utf-8")
    again = run_cli(workspace, *args, "--force")
    assert again.returncode == 0, again.stdout + again.stderr
    assert ledger.read_text(encoding="utf-8").count("\n") == rows, "the same build twice adds nothing to the ledger"


# ---------------------------------------------------- figures an official can quote


def _state_value(file_name: str, column: str, state: str | None = None) -> int:
    table = pd.read_csv(paths.REFERENCE_DIR / file_name)
    if state is None:
        return int(table[column].sum())
    return int(table.loc[table["state"] == state, column].item())


def test_brief_and_share_page_quote_like_for_like_figures(full_build: Build) -> None:
    import math

    figures = source_figures()
    up_artisans, india_artisans = figures["Uttar Pradesh/artisans"], figures["India/artisans"]
    onboarded = "gem_weavers_onboarded_statewise_2022-04-06.csv"
    like_for_like = _state_value(onboarded, "weavers_handloom_agencies_onboarded", "Uttar Pradesh") / _state_value(
        onboarded, "weavers_handloom_agencies_onboarded") * 100
    pahchan = "pahchan_artisans_statewise_2021-08-05.csv"
    up_base = _state_value(pahchan, "handicraft_artisans_enrolled_pahchan", "Uttar Pradesh")
    india_base = _state_value(pahchan, "handicraft_artisans_enrolled_pahchan")
    workers = pd.read_csv(paths.REFERENCE_DIR / "census2011_household_industry_workers.csv").drop_duplicates("geography")
    workers = workers.set_index("geography")["household_industry_workers_2011"]
    share = up_artisans / india_artisans
    index_pahchan, index_census = share / (up_base / india_base), share / (workers["Uttar Pradesh"] / workers["India"])
    rest_rate = (india_artisans - up_artisans) / (india_base - up_base)
    parity = math.ceil(rest_rate * up_base - up_artisans)
    snapshots = pd.read_csv(paths.REFERENCE_DIR / "gem_registrations_snapshots.csv")
    feb_2023 = snapshots[(snapshots["snapshot_date"] == "2023-02-01") & (snapshots["measure"] == "artisans")]
    for page in ("phase-1/brief.html", "phase-1/03_national_vs_up_share.html"):
        text = visible_text(full_build.page(page))
        assert f"{figures['Uttar Pradesh/weavers'] / figures['India/weavers'] * 100:.2f}%" in text, page
        assert f"{like_for_like:.2f}%" in text, page
        assert f"{index_pahchan:.2f}" in text and f"{index_census:.2f}" in text, page
        assert indian(parity) in text, page
        assert indian(int(feb_2023["registrations_count"].item())) in text, page
    analyst = visible_text(full_build.page("phase-1/03_national_vs_up_share.html"))
    assert f"{up_artisans / up_base * 100:.2f}%" in analyst and f"{india_artisans / india_base * 100:.2f}%" in analyst


def test_no_page_says_memory_and_gi_rows_carry_their_status(full_build: Build) -> None:
    for path in full_build.reports.rglob("*.html"):
        assert "memory" not in visible_text(path.read_text(encoding="utf-8")).lower(), path
    text = visible_text(full_build.page("phase-1/brief.html"))
    assert "GI-registered" in text and "GI applied for" in text


def test_every_phase_1_district_brief_names_its_odop_product(full_build: Build) -> None:
    odop = pd.read_csv(paths.REFERENCE_DIR / "up_odop_products.csv").set_index("district")["product"]
    for district, slug in SOURCE_PLACES.items():
        text = visible_text((full_build.reports / "phase-1" / "districts" / f"{slug}.html").read_text(encoding="utf-8"))
        assert odop[district] in text, district


def test_hindi_brief_uses_the_department_s_terms(full_build: Build) -> None:
    text = visible_text(full_build.page("phase-1/brief.hi.html"))
    for term in ("आयोजन जनपद", "निकटवर्ती जनपद", "काल्पनिक"):
        assert term in text, term
    assert "गढ़े" not in text


# ---------------------------------------------------- pages people read and pass on


def test_workbook_share_cards_and_a_quiet_index(full_build: Build) -> None:
    from PIL import Image

    book = load_workbook(full_build.reports / "phase-1" / "tables.xlsx")
    assert len(book.sheetnames) >= 3
    numbers = [c.value for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=2) for c in row
               if isinstance(c.value, (int, float))]
    assert numbers and book.worksheets[1].freeze_panes == "A2"
    assert (full_build.reports / "phase-1" / "tables.hi.xlsx").exists()
    cards = [full_build.reports / "phase-1" / name for name in ("share-card.png", "share-card.hi.png")]
    for slug in SOURCE_PLACES.values():
        cards += [full_build.reports / "phase-1" / "districts" / f"{slug}.share-card{suffix}.png" for suffix in ("", ".hi")]
    for card in cards:
        assert Image.open(card).size == (1080, 1350), card
        assert card.with_name(card.name + ".alt.txt").read_text(encoding="utf-8").strip(), card
    index = full_build.page("index.html")
    assert not re.search(r"\b[0-9a-f]{12,64}\b", visible_text(index)), "hashes belong on the provenance page"
    assert re.search(r"\b[0-9a-f]{64}\b", full_build.page("provenance.html"))


# ------------------------------------------------ words follow the phase's status (issue 22)

#: Claims only a source can support, per language: checked in every sentence about events.
SOURCE_CLAIMS = {
    "en": (r"named for a GeM event", r"\bholds? an? (?:GeM )?event", r"in the source", r"source says"),
    "hi": (r"नामित", r"स्रोत के अनुसार", r"स्रोत में"),
}
EVENT_WORDS = {"en": r"\bevents?\b", "hi": r"आयोजन"}


def test_no_page_of_an_illustrative_phase_says_a_source_names_or_holds_its_events(full_build: Build) -> None:
    from helpers.campaign.phases import load_phases

    illustrative = [p.id for p in load_phases().values() if p.is_illustrative]
    assert illustrative, "phase 2 is illustrative"
    checked = 0
    for phase_id in illustrative:
        folder = full_build.reports / f"phase-{phase_id}"
        pages = [folder / "brief.html", folder / "brief.hi.html", *sorted((folder / "districts").glob("*.html"))]
        assert len(pages) > 10, pages
        for page in pages:
            lang = "hi" if page.name.endswith(".hi.html") else "en"
            for sentence in re.split(r"(?<=[.।!?])\s+", visible_text(page.read_text(encoding="utf-8"))):
                if not re.search(EVENT_WORDS[lang], sentence):
                    continue
                checked += 1
                for claim in SOURCE_CLAIMS[lang]:
                    assert not re.search(claim, sentence), f"{page.name}: {sentence.strip()[:200]}"
    assert checked >= len(pages), "every page speaks of the phase's events at least once"
