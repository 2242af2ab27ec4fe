"""The planner's pandas-free reading of district names and borders agrees with the checked tables."""

from __future__ import annotations

import sys
import subprocess

from helpers.reference import names, tables


def test_names_are_the_master_files_standard_names() -> None:
    assert names.district_names() == tuple(sorted(tables.load_districts()["district"]))
    assert len(names.district_names()) == 75
    hindi = names.district_name_column("name_hi")
    districts = tables.load_districts()
    assert hindi == dict(zip(districts["district"], districts["district_hi"]))


def test_borders_are_one_definition_shared_with_the_tables() -> None:
    pairs = set(names.neighbour_pairs())
    assert pairs == set(map(tuple, tables.load_neighbours()[["district", "neighbour"]].to_numpy()))
    assert ("Agra", "Mathura") in pairs and ("Mathura", "Agra") in pairs
    assert all(a in names.district_names() and b in names.district_names() for a, b in pairs)


def test_slugs_name_files() -> None:
    assert names.slugify("Gautam Buddha Nagar") == "gautam-buddha-nagar"
    assert names.slugify("Sant Ravidas Nagar (Bhadohi)") == "sant-ravidas-nagar-bhadohi"


def test_planning_a_build_imports_neither_pandas_nor_pyarrow() -> None:
    code = (
        "import sys\n"
        "from helpers.campaign.phases import load_phases\n"
        "from helpers.plan import BuildScope, plan_jobs\n"
        "phases = load_phases()\n"
        "jobs = plan_jobs(BuildScope(phases=tuple(phases.values()), langs=('en', 'hi'), districts='all'))\n"
        "assert len(jobs) > 300, len(jobs)\n"
        "heavy = sorted(m for m in ('pandas', 'pandera', 'pyarrow', 'numpy', 'matplotlib') if m in sys.modules)\n"
        "print(','.join(heavy))\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert completed.stdout.strip() == ""
