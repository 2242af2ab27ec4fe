"""Measuring a command for ``make bench``: wall time and peak memory of its process tree; the machine.

Belongs here: running one command and sampling its memory, describing the
machine, making and resetting the benchmark's temporary workspace, folder sizes.
Not here: what is measured (``run_bench``, ``floor``, ``sheets``, ``breadth``) or
how results are written (``results``).
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SAMPLE_INTERVAL_S = 0.05


def _tree_rss_bytes(root: psutil.Process) -> int:
    """Resident memory of ``root`` and every process under it, in bytes."""
    total = 0
    for member in [root, *root.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def measure(command: list[str], env: dict[str, str], cwd: Path) -> dict:
    """Run ``command``; return its wall time, the peak RSS of its process tree and its exit code.

    Args:
        command: the program and its arguments.
        env: the whole environment of the command.
        cwd: the folder it runs in.

    Returns:
        ``wall_s``, ``peak_mib`` (sampled every 50 ms), ``exit_code`` and
        ``output_tail`` (the last three lines of stdout and stderr together).
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    peak_bytes = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_bytes
        try:
            root = psutil.Process(process.pid)
        except psutil.NoSuchProcess:
            return
        while not done.is_set():
            try:
                peak_bytes = max(peak_bytes, _tree_rss_bytes(root))
            except psutil.NoSuchProcess:
                break
            time.sleep(SAMPLE_INTERVAL_S)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    return {
        "command": " ".join(command),
        "wall_s": time.perf_counter() - started,
        "peak_mib": peak_bytes / 2**20,
        "exit_code": process.returncode,
        "output_tail": output.strip().splitlines()[-3:],
    }


def machine() -> dict:
    """The CPU model, core count, memory, Python version and platform of this machine."""
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
        cpu = models[0] if models else cpu
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
    }


def make_workspace() -> Path:
    """A temporary copy of the project's notebooks and raw data, with empty output folders."""
    workspace = Path(tempfile.mkdtemp(prefix="gem-bench-"))
    shutil.copytree(PROJECT / "notebooks", workspace / "notebooks")
    shutil.copytree(PROJECT / "data" / "raw", workspace / "data" / "raw")
    (workspace / "data" / "processed").mkdir(parents=True)
    (workspace / "reports").mkdir()
    return workspace


def reset_outputs(workspace: Path) -> None:
    """Empty the workspace's ``reports/`` and ``data/processed/`` (the next build is cold)."""
    for folder in (workspace / "reports", workspace / "data" / "processed"):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)


def workspace_env(workspace: Path) -> dict[str, str]:
    """The environment every measured command gets: the kit rooted at the workspace."""
    return {**os.environ, "GEM_KIT_ROOT": str(workspace), "PYTHONWARNINGS": "ignore"}


def gem_reports(*arguments: str) -> list[str]:
    """The ``gem-reports`` command line of this environment with ``arguments``."""
    return [str(BIN / "gem-reports"), *arguments]
