"""The layers of ``src/helpers`` as ``docs/architecture.md`` declares them, and notebooks that load no build code."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys

from helpers import paths

DOC = paths.DOCS_DIR / "architecture.md"


def _declared() -> tuple[dict[str, int], set[tuple[str, str]]]:
    """``{top-level module or package: layer}`` and the ``(from, imports)`` exceptions, read from the doc's tables."""
    text = DOC.read_text(encoding="utf-8")
    layers = {name: int(number) for number, names in re.findall(r"^\| (\d) \| ([^|]+) \|", text, re.M)
              for name in re.findall(r"`(\w+)`", names)}
    exceptions = set(re.findall(r"^\| `(\w+)` \| `(\w+)` \|", text, re.M))
    return layers, exceptions


def _imports() -> list[tuple[str, str, str]]:
    """``(file, importing top-level name, imported top-level name)`` for every ``helpers`` import."""
    found = []
    for path in sorted((paths.ROOT / "src" / "helpers").rglob("*.py")):
        parts = path.relative_to(paths.ROOT / "src" / "helpers").with_suffix("").parts
        if parts == ("__init__",):
            continue
        me = parts[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "helpers":
                names = [f"helpers.{a.name}" for a in node.names] if node.module == "helpers" else [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names if a.name.split(".")[0] == "helpers"]
            else:
                continue
            for name in names:
                target = name.split(".")[1] if "." in name else ""
                if target and target != me and target != "__version__":
                    found.append((str(path.relative_to(paths.ROOT)), me, target))
    return found


def test_every_module_is_in_a_declared_layer() -> None:
    layers, _ = _declared()
    assert len(layers) >= 20
    names = {p.stem if p.is_file() else p.name for p in (paths.ROOT / "src" / "helpers").iterdir()
             if (p.suffix == ".py" and p.stem != "__init__") or (p.is_dir() and (p / "__init__.py").exists())}
    assert names - set(layers) == set(), "add the new module to the layer table of docs/architecture.md"


def test_no_module_imports_a_layer_below_its_own() -> None:
    layers, exceptions = _declared()
    wrong = [f"{file}: {me} (layer {layers[me]}) imports {target} (layer {layers[target]})"
             for file, me, target in _imports()
             if layers[target] > layers[me] and (me, target) not in exceptions]
    assert not wrong, "\n".join(wrong)


def test_the_check_finds_an_import_from_a_lower_layer() -> None:
    layers, exceptions = _declared()
    assert layers["fields"] < layers["presentation"] and ("fields", "presentation") not in exceptions
    assert ("ingest", "analysis") in exceptions and len(exceptions) == 2


def test_notebooks_load_no_build_code() -> None:
    """Running every import a notebook makes loads nothing of ``helpers.publishing`` (the build)."""
    lines = []
    for notebook in sorted((paths.ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                lines += [ast.unparse(n) for n in ast.parse(source).body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert any("helpers.report_files" in line for line in lines)
    code = "\n".join([*lines, "import sys", "print(sorted(m for m in sys.modules if m.startswith('helpers.publishing')))"])
    process = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=paths.ROOT, timeout=300)
    assert process.returncode == 0, process.stderr[-2000:]
    assert process.stdout.strip() == "[]"
