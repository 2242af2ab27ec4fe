"""Whether a job is up to date: fingerprints of its notebook, parameters, inputs, outputs and the kit's code.

A job is skipped when its fingerprint equals the one recorded after its last
successful run and its outputs are all there with the content recorded then (a
damaged or missing output, e.g. a parquet file cut short by a crash, makes the
job run again). Files are hashed once per build; a file whose size and
modification time are unchanged since the last build keeps its recorded hash
(``FileHasher`` with the previous build's ``known`` table), so a build with nothing
to do reads almost nothing.

Belongs here: hashing and comparing. Not here: running jobs or the build's state file.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict
from pathlib import Path

from helpers import __version__
from helpers.files import sha256_file
from helpers.plan import Job, relative

MISSING = "missing"


def path_key(path: Path) -> str:
    """How the hashing cache names a file: a digest of its path (the path itself may hold personal data)."""
    return hashlib.sha256(str(path).encode("utf-8", "surrogatepass")).hexdigest()[:32]


class FileHasher:
    """SHA-256 of files, computed at most once per build, and not at all for files unchanged since the last."""

    def __init__(self, known: dict[str, list] | None = None) -> None:
        """``known``: ``{path key: [size, mtime_ns, sha256]}`` recorded by the previous build.

        Paths are kept by ``path_key`` (a digest of the path), never as names: a file's name may
        hold personal data (a sheet forwarded from a phone number), and the store keeps none.
        """
        self._known = dict(known or {})
        self._cache: dict[Path, str] = {}
        self._lock = threading.Lock()

    def sha256(self, path: Path) -> str:
        """The file's SHA-256, or ``"missing"``."""
        with self._lock:
            cached = self._cache.get(path)
        if cached is not None:
            return cached
        try:
            stat = path.stat()
        except OSError:
            return MISSING
        previous = self._known.get(path_key(path))
        is_unchanged = previous and list(previous[:2]) == [stat.st_size, stat.st_mtime_ns]
        digest = previous[2] if is_unchanged else sha256_file(path)
        with self._lock:
            self._cache[path] = digest
            self._known[path_key(path)] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def forget(self, path: Path) -> None:
        """Hash ``path`` afresh next time (it is about to change, or just changed)."""
        with self._lock:
            self._cache.pop(path, None)
            self._known.pop(path_key(path), None)

    def known(self) -> dict[str, list]:
        """The table to record for the next build."""
        with self._lock:
            return dict(self._known)


def code_fingerprint() -> str:
    """Hash of the kit's version and of every file of the ``helpers`` package (code, templates, messages)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(package)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def job_fingerprint(job: Job, hasher: FileHasher, code_hash: str) -> tuple[str, dict[str, str]]:
    """The job's fingerprint and the hashes of its inputs (``{relative path: sha256}``)."""
    inputs = {relative(p): hasher.sha256(p) for p in job.input_paths}
    payload = {
        "code": code_hash,
        "notebook": hasher.sha256(job.notebook),
        "parameters": job.parameters,
        "pages": [asdict(p) for p in job.pages],
        "inputs": inputs,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest(), inputs


def output_hashes(job: Job, hasher: FileHasher) -> dict[str, str]:
    """Hashes of the files a job wrote outside ``reports/`` (its declared outputs)."""
    return {relative(p): hasher.sha256(p) for p in job.output_paths_outside}


def is_up_to_date(job: Job, fingerprint: str, previous: dict, hasher: FileHasher) -> bool:
    """True when the job ran with this fingerprint and left every output as it was."""
    return (previous.get("fingerprint") == fingerprint and all(p.exists() for p in job.output_paths)
            and previous.get("outputs_sha256", {}) == output_hashes(job, hasher))
