"""The project's layout, environment files and notebook conventions."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser, vendored by pip
    from pip._vendor import tomli as tomllib

from helpers import paths

ROOT = paths.ROOT
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize(
    "relative",
    ["notebooks", "data/raw", "data/processed", "reports", "src/helpers", "environment.yml", "README.md",
     "pyproject.toml", "Makefile", "tests", ".ci/run", "data/raw/campaign/phases.yaml",
     "data/processed/.gitkeep", "reports/.gitkeep"],
)
def test_layout_exists(relative: str) -> None:
    assert (ROOT / relative).exists(), f"{relative} is missing"


def test_generated_folders_are_git_ignored() -> None:
    ignored = subprocess.run(
        ["git", "check-ignore", "reports/index.html", "data/processed/registrations.parquet"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert ignored.stdout.split() == ["reports/index.html", "data/processed/registrations.parquet"]
    kept = subprocess.run(["git", "check-ignore", "reports/.gitkeep"], cwd=ROOT, capture_output=True, text=True)
    assert kept.returncode == 1


def _requirement_name(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_lists_the_same_packages_and_ranges_as_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = dict(_requirement_name(s) for s in project["dependencies"] + project["optional-dependencies"]["dev"])
    environment = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    listed: dict[str, str] = {}
    for item in environment["dependencies"]:
        specs = item["pip"] if isinstance(item, dict) else [item]
        for spec in specs:
            if spec.startswith("-e") or spec.split(">")[0].split("=")[0] in ("python", "pip"):
                continue
            name, version = _requirement_name(spec)
            listed[name] = version
    assert listed == wanted


def test_makefile_targets_are_documented_and_ci_runs_make_test() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("help", "reports", "test", "lab", "bench", "demo-data"):
        assert re.search(rf"^{re.escape(target)}:.*## ", makefile, re.M), f"make {target} lacks a ## help comment"
    assert "make test" in (ROOT / ".ci/run").read_text(encoding="utf-8")


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(notebook: Path) -> None:
    document = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in document["cells"]:
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [] and cell.get("execution_count") is None, f"{notebook.name} has outputs"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_have_the_common_shape(notebook: Path) -> None:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# ")
    tagged = [i for i, c in enumerate(cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    parameters = "".join(cells[tagged[0]]["source"]).strip().splitlines()
    for line in parameters:
        assert re.match(r"^\w+: (str|int|bool|float) = .+  # \S", line), f"{notebook.name}: untyped or undocumented: {line}"
    validation = "".join(cells[tagged[0] + 1]["source"])
    assert "params." in validation or "require" in validation, f"{notebook.name}: no validation after parameters"
    headings = [
        "".join(c["source"]).strip() for c in cells if c["cell_type"] == "markdown"
    ]
    for section in ("## Load inputs", "## Process data", "## Show results", "## Save outputs"):
        assert any(h.startswith(section) for h in headings), f"{notebook.name}: missing section {section}"


def test_code_is_in_small_functions_and_modules() -> None:
    """No module of src/helpers over 500 lines, no function over 80 (the issue's limits)."""
    import ast

    too_long = []
    for path in sorted((ROOT / "src" / "helpers").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if len(text.splitlines()) > 500:
            too_long.append(f"{path.relative_to(ROOT)}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno >= 80:
                too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {node.end_lineno - node.lineno + 1} lines")
    assert too_long == []


def test_the_architecture_page_names_modules_that_exist() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\b(reference|campaign|ingest|analysis|presentation|publishing)\.([a-z_]+)\b", text))
    assert len(named) > 20
    missing = [f"{package}.{module}" for package, module in sorted(named)
               if not (ROOT / "src" / "helpers" / package / f"{module}.py").exists()]
    assert missing == []
