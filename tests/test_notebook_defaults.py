"""Each fact decided once (issue 24): a notebook run by hand with its default parameters agrees with the build.

The build decides the as-of date, whether the data is synthetic, the latest date in the data and
a report's folder, ledger key and file names (``helpers.params``, ``helpers.plan``) and passes
them to the notebooks as parameters; a notebook whose parameters are left empty calls the same
functions. The fast tests check the pieces; the notebook test runs the prepare notebook, the
phase brief and a district brief with plain ``papermill.execute_notebook`` and their default
parameters, in a copy of the full build's raw data, and compares what they publish with what
the build published for the same phase.
"""

from __future__ import annotations

import ast
import csv
import json
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from helpers import params
from helpers.campaign.phases import get_phase, load_phases
from helpers.errors import ParameterError
from helpers import plan
from support import Build

#: The placeholders whose value the build decides; a notebook's parameter filled from one must default to "".
DECIDED = ("{as_of}", "{is_synthetic}", "{latest_data_date}", "{out_dir}", "{report_key}",
           *(f"{{{kind}_file}}" for kind in plan.FILE_KINDS))


def _defaults(notebook: Path) -> dict[str, object]:
    """The values of a notebook's parameters cell, read without running it."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    source = next("".join(c["source"]) for c in cells if "parameters" in c.get("metadata", {}).get("tags", []))
    return {node.target.id: ast.literal_eval(node.value) for node in ast.parse(source).body
            if isinstance(node, ast.AnnAssign)}


# ------------------------------------------------------------------ fast: the pieces


@pytest.mark.parametrize("spec", plan.load_declaration(), ids=lambda s: s.id)
def test_every_parameter_the_build_decides_defaults_to_empty_in_its_notebook(spec: plan.ReportSpec) -> None:
    defaults = _defaults(spec.notebook)
    for name, template in spec.parameters.items():
        assert name in defaults, f"{spec.notebook.name} has no parameter '{name}' (reports.yaml passes it)"
        if template in DECIDED:
            assert defaults[name] == "", f"{spec.notebook.name}: '{name}' must default to \"\" (decided as the build does)"


def test_planning_one_report_gives_the_job_the_build_plans() -> None:
    phase = load_phases()["1"]
    scope = plan.BuildScope(phases=(phase,), langs=("en", "hi"), districts="events", latest_data_date="2023-10-31",
                            is_synthetic=True)
    built = {job.key: job for job in plan.plan_jobs(scope)}
    for report_id, lang, district in (("phase_brief", "hi", None), ("district_brief", "en", "Varanasi"),
                                      ("national_vs_up_share", "en", None)):
        alone = plan.plan_report(report_id, phase="1", lang=lang, district=district)
        job = built[alone.key]
        assert (alone.out_dir, alone.artifacts) == (job.out_dir, job.artifacts)
        facts = ("as_of", "is_synthetic", "latest_data_date")  # from the data: a notebook run by hand reads them
        assert alone.parameters == {k: v for k, v in job.parameters.items() if k not in facts}
    assert built["phase-1/districts/varanasi"].parameters["is_synthetic"] == "true"
    assert built["phase-1/04_phase_brief"].parameters["as_of"] == "2022-03-31"  # the phase's end, not the data's


def test_report_files_given_are_kept_and_empty_ones_are_named_as_the_build_names_them(tmp_path: Path) -> None:
    files = params.require_report_files("district_brief", "1", "hi", "Agra", out_dir=str(tmp_path),
                                        report_key="k", share_card="", figures="f.csv")
    assert files.out_dir == tmp_path and files.report_key == "k"
    assert files.paths == {"share_card": tmp_path / "agra.share-card.hi.png", "figures": tmp_path / "f.csv"}
    default = params.require_report_files("phase_comparison", out_dir=str(tmp_path), figures="")
    assert default.report_key == "comparison/06_phase_comparison" and default.paths["figures"] == tmp_path / "figures.csv"
    with pytest.raises(ParameterError, match="declares no workbook file"):
        params.require_report_files("phase_comparison", workbook="")


def test_the_data_facts_are_the_same_from_the_file_and_from_the_table(tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "registration_date": pd.to_datetime(["2021-11-02", "2021-12-01"]),
        "catalogue_live_date": pd.to_datetime([None, "2021-12-20"]),
        "first_order_date": pd.to_datetime([None, None]),
        "is_synthetic": [False, True],
    })
    frame.to_parquet(tmp_path / "registrations.parquet")
    expected = params.DataFacts(True, date(2021, 12, 20))
    assert params.read_data_facts(tmp_path / "registrations.parquet") == expected == params.read_data_facts(frame)
    assert params.read_data_facts(frame.drop(columns="is_synthetic").iloc[:0]) == (False, None)
    assert params.read_data_facts(tmp_path / "missing.parquet") == (False, None)


def test_facts_passed_by_the_build_are_taken_as_given_and_checked(tmp_path: Path) -> None:
    missing = tmp_path / "not-read.parquet"
    assert params.require_data_facts(missing, "false", "2022-01-31") == (False, date(2022, 1, 31))
    assert params.require_data_facts(missing, "", "") == (False, None)
    with pytest.raises(ParameterError, match="'is_synthetic': 'maybe' is not true or false"):
        params.require_data_facts(missing, "maybe", "2022-01-31")
    with pytest.raises(ParameterError, match="'latest_data_date': '31/01/2022' is not a date"):
        params.require_data_facts(missing, "true", "31/01/2022")


def test_the_default_as_of_date_stops_at_the_phase_end_for_the_build_and_by_hand() -> None:
    phase = get_phase("1")
    latest = date(2023, 10, 31)
    by_hand = params.require_as_of("", latest, phase)
    by_build = plan.default_as_of(plan.BuildScope(phases=(phase,), latest_data_date=latest.isoformat()), phase)
    assert by_hand == phase.window_end and by_build == phase.window_end.isoformat()
    with pytest.raises(ParameterError, match="the data has no dated registration"):
        params.require_as_of("", None, phase)


# ------------------------------------------------------------------ by hand against the build

BY_HAND = ("01_prepare_registrations", "04_phase_brief", "05_district_brief")


@pytest.fixture(scope="module")
def by_hand(full_build: Build, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build's notebooks and raw data, run by hand: plain papermill, default parameters, from notebooks/."""
    import papermill

    assert full_build.process.returncode == 0, full_build.process.stderr[-2000:]
    workspace = tmp_path_factory.mktemp("by-hand")
    shutil.copytree(full_build.workspace / "notebooks", workspace / "notebooks")
    shutil.copytree(full_build.workspace / "data" / "raw", workspace / "data" / "raw")  # with the planted field sheet
    (workspace / "data" / "processed").mkdir()
    (workspace / "reports").mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GEM_KIT_ROOT", str(workspace))
        for name in BY_HAND:
            papermill.execute_notebook(
                str(workspace / "notebooks" / f"{name}.ipynb"), str(workspace / f"{name}.executed.ipynb"),
                cwd=str(workspace / "notebooks"), progress_bar=False,
            )
    return workspace


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _expected_as_of(workspace: Path, phase_id: str) -> str:
    """min(latest date in the prepared data, the phase's end), recomputed with pandas from the files."""
    registrations = pd.read_parquet(workspace / "data" / "processed" / "registrations.parquet")
    latest = max(registrations[c].max() for c in ("registration_date", "catalogue_live_date", "first_order_date"))
    return min(latest.date(), get_phase(phase_id).window_end).isoformat()


@pytest.mark.notebooks
@pytest.mark.parametrize(("published", "report_key"), [("phase-1/figures.csv", "phase-1/04_phase_brief"),
                                                       ("phase-1/districts/varanasi.figures.csv", "phase-1/districts/varanasi")])
def test_a_notebook_run_by_hand_publishes_the_figures_the_build_published(
    full_build: Build, by_hand: Path, published: str, report_key: str
) -> None:
    built, hand = _rows(full_build.reports / published), _rows(by_hand / "reports" / published)
    assert hand and hand == built
    assert {row["as_of_date"] for row in hand} == {_expected_as_of(by_hand, "1")}  # the phase's end, as the build
    assert {row["report"] for row in hand} == {report_key}


@pytest.mark.notebooks
def test_the_phase_brief_run_by_hand_writes_the_builds_files_and_summary(full_build: Build, by_hand: Path) -> None:
    executed = json.loads((by_hand / "04_phase_brief.executed.ipynb").read_text(encoding="utf-8"))
    assert executed["metadata"]["papermill"]["parameters"] == {}  # every parameter at its default
    job = plan.plan_report("phase_brief", phase="1")
    for artifact in job.artifacts:
        assert (by_hand / "reports" / "phase-1" / artifact.file_name).is_file(), artifact.file_name
    summary = "phase-1/summary.json"
    hand = json.loads((by_hand / "reports" / summary).read_text(encoding="utf-8"))
    assert hand == json.loads((full_build.reports / summary).read_text(encoding="utf-8"))
    assert hand["is_synthetic"] is True and hand["as_of"] == _expected_as_of(by_hand, "1")
