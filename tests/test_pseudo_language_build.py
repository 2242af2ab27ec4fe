"""A third language is a catalogue plus one record: a whole build in the pseudo-language, every page checked.

The pseudo-language ``qps`` (``tests/fixtures/pseudo_language``: every message of the
English catalogue accented and lengthened inside ⟦ ⟧) is given to the kit only through
``GEM_KIT_EXTRA_LANGUAGES``, as a deployment would add Urdu. Phase 1 is built in it: every
report and district brief must build, and no sentence of the English catalogue may be left
on any of its pages.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers.presentation import i18n
from support import GEM_REPORTS, kit_env, make_workspace

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures" / "pseudo_language"))
import pseudo  # noqa: E402  (the fixture's generator)

pytestmark = pytest.mark.notebooks


def _data_texts() -> list[str]:
    """The English labels and descriptions of the field registry and the grades file (translated in their own files)."""
    from helpers import fields, paths

    registry = fields.load_columns()
    grades = yaml.safe_load((paths.RAW_DIR / "campaign" / "grades.yaml").read_text(encoding="utf-8"))
    texts = [*registry["label_en"], *registry["description"]]

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if isinstance(value, str) and str(key).endswith("_en"):
                    texts.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(grades)
    return texts


def _english_sentences() -> list[str]:
    """Every message of the English catalogue of four words or more, with its placeholders cut out."""
    tree = yaml.safe_load(i18n.catalogue_path("en").read_text(encoding="utf-8"))
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, str):
            for part in re.split(r"\{[^{}]*\}|<[^>]+>", " ".join(node.split())):
                if len(part.split()) >= 4:
                    found.append(part.strip())

    walk(tree)
    return found


@pytest.fixture(scope="module")
def pseudo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    workspace = make_workspace(tmp_path_factory.mktemp("qps"))
    record = pseudo.write_language(workspace.parent / "qps-language")
    env = {**kit_env(workspace), "GEM_KIT_EXTRA_LANGUAGES": str(record)}
    process = subprocess.run([GEM_REPORTS, "build", "--phase", "1", "--lang", "qps", "--no-pdf"], cwd=workspace,
                             env=env, capture_output=True, text=True, timeout=1800)
    assert process.returncode == 0, process.stdout[-3000:] + process.stderr[-3000:]
    return workspace


def test_every_report_of_the_phase_builds_in_the_pseudo_language(pseudo_build: Path) -> None:
    summary = json.loads((pseudo_build / "reports" / "build.json").read_text(encoding="utf-8"))
    failed = [r["key"] for r in summary["results"] if r["status"] == "failed"]
    assert not failed
    pages = sorted((pseudo_build / "reports").rglob("*.qps.html"))
    assert (pseudo_build / "reports" / "phase-1" / "brief.qps.html") in pages
    assert len([p for p in pages if p.parent.name == "districts"]) >= 10  # the event districts' briefs


def test_no_english_sentence_of_the_catalogue_is_left_on_a_pseudo_page(pseudo_build: Path) -> None:
    data = " | ".join(_data_texts())
    sentences = [s for s in _english_sentences() if s not in data]
    assert len(sentences) > 100
    for page in sorted((pseudo_build / "reports").rglob("*.qps.html")):
        text = " ".join(re.sub(r"<[^>]+>", " ", page.read_text(encoding="utf-8")).split())
        assert text.count(pseudo.OPEN) >= 10, page.name
        left = [s for s in sentences if s in text]
        assert not left, f"{page.relative_to(pseudo_build)}: {left[:5]}"
