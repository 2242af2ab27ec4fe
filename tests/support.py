"""Helpers for the end-to-end tests: a temporary copy of the project, the CLI run against it.

The end-to-end tests never write into the checkout's ``reports/`` or
``data/processed/``: they copy the notebooks and ``data/raw/`` into a temporary
folder and point the kit at it with ``GEM_KIT_ROOT``. The full build (every
phase, both languages) is made once per test session and shared.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from helpers import paths

BIN = Path(sys.executable).parent
GEM_REPORTS = str(BIN / "gem-reports")


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


