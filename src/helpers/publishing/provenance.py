"""The provenance page, ``reports/provenance.html``: every report of a build and the files it was built from.

The index links to it once; input files and their SHA-256 digests stay out of the
reader's path. ``build.json`` holds the same record for machines. A file's name is
data: it is shown with personal data masked (``helpers.ingest.pii.redact_name``:
``forwarded from +91 xxxxx xxxxx.csv``), its SHA-256 beside it tells the file apart.

Belongs here: the provenance page. Not here: the index (``index``) or the build record (``build``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from helpers.files import write_atomically
from helpers.ingest.pii import redact_name
from helpers.presentation import i18n
from helpers.publishing.index import _index_environment
from helpers.publishing.pages import stylesheet

PROVENANCE_TEMPLATE_NAME = "provenance.html.j2"
PROVENANCE_FILE_NAME = "provenance.html"


def provenance_groups(results, lang: str = "en") -> list[dict]:
    """The build's reports grouped by the exact set of input files they were built from (most share one);
    each input as ``(name with personal data masked, SHA-256)``."""
    groups: dict[tuple, dict] = {}
    for result in results:
        inputs = redacted_inputs(result.inputs or {})
        group = groups.setdefault(inputs, {"inputs": inputs, "reports": []})
        group["reports"].append({
            "key": result.key,
            "status": result.status,
            "status_label": i18n.t(f"index.status_{result.status}", lang),
        })
    return list(groups.values())


def redacted_inputs(inputs: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """``{path: sha256}`` as the provenance page shows it: sorted ``(path, sha256)`` pairs, each path through
    ``redact_name`` (a name that holds no personal data is unchanged)."""
    return tuple(sorted((redact_name(str(path)), str(digest)) for path, digest in inputs.items()))


def write_provenance(results, out_path: Path | str, *, built_at: str, lang: str = "en") -> Path:
    """Write the provenance page of a build's results (``helpers.publishing.run.JobResult``); return its path."""
    template = _index_environment().get_template(PROVENANCE_TEMPLATE_NAME)
    return write_atomically(Path(out_path), template.render(
        lang=lang, t=lambda key, **fmt: i18n.t(key, lang, **fmt), built_at=built_at,
        groups=provenance_groups(results, lang), css=stylesheet()))
