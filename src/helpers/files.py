"""Writing and fingerprinting files: one atomic writer and one SHA-256 hasher for the whole kit.

Every file the kit writes under ``data/processed/`` and ``reports/`` goes through
``write_atomically`` (or ``atomic_path`` for writers that need a path), so a crash
mid-write leaves the previous file whole, never a half-written one. Temporary
files carry ``TEMP_MARKER`` in their name so that a later build can remove what a
killed one left behind (``remove_leftovers``).

Belongs here: bytes on disk. Not here: what the files contain.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import yaml

#: PyYAML's safe loader in C (libyaml) when PyYAML was built with it, else the pure-Python one: same results,
#: several times faster, which a build with nothing to do notices.
SAFE_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Part of the name of every temporary file the kit writes; nothing else has it.
TEMP_MARKER = ".kit-partial"
_CHUNK_BYTES = 1 << 20


def load_yaml(text: str) -> object:
    """The YAML document in ``text``, read safely (``SAFE_YAML_LOADER``); raises ``yaml.YAMLError``."""
    return yaml.load(text, Loader=SAFE_YAML_LOADER)  # noqa: S506 - a safe loader


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``, on failure remove it.

    For writers that want a file name (``DataFrame.to_parquet``, ``Workbook.save``).
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}{TEMP_MARKER}")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def write_atomically(path: Path | str, content: str | bytes) -> Path:
    """Write ``content`` (text as UTF-8, or bytes) to ``path`` through a temporary file and a rename."""
    with atomic_path(path) as temporary:
        if isinstance(content, str):
            temporary.write_text(content, encoding="utf-8")
        else:
            temporary.write_bytes(content)
    return Path(path)


def sha256_file(path: Path | str) -> str:
    """The SHA-256 of a file's bytes, read in chunks (hex digest)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK_BYTES), b""):
            digest.update(chunk)
    return digest.hexdigest()


def remove_leftovers(folder: Path | str) -> list[Path]:
    """Remove the temporary files a killed run left under ``folder``; return what was removed."""
    root = Path(folder)
    if not root.exists():
        return []
    removed = [p for p in root.rglob(f"*{TEMP_MARKER}*") if p.is_file()]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed
