"""The provenance page, ``reports/provenance.html``: every report of a build and the files it was built from.

The index links to it once; input files and their SHA-256 digests stay out of the
reader's path. ``build.json`` holds the same record for machines.

Belongs here: the provenance page. Not here: the index (``index``) or the build record (``build``).
"""

from __future__ import annotations

from pathlib import Path

from helpers.files import write_atomically
from helpers.presentation import i18n
from helpers.publishing.index import _index_environment
from helpers.publishing.pages import stylesheet

PROVENANCE_TEMPLATE_NAME = "provenance.html.j2"
PROVENANCE_FILE_NAME = "provenance.html"


def provenance_groups(results, lang: str = "en") -> list[dict]:
    """The build's reports grouped by the exact set of input files they were built from (most share one)."""
    groups: dict[tuple, dict] = {}
    for result in results:
        inputs = tuple(sorted((result.inputs or {}).items()))
        group = groups.setdefault(inputs, {"inputs": inputs, "reports": []})
        group["reports"].append({
            "key": result.key,
            "status": result.status,
            "status_label": i18n.t(f"index.status_{result.status}", lang),
        })
    return list(groups.values())


def render_provenance(results, *, built_at: str, lang: str = "en") -> str:
    """The provenance page's HTML for a build's results (``helpers.publishing.run.JobResult``)."""
    template = _index_environment().get_template(PROVENANCE_TEMPLATE_NAME)
    return template.render(lang=lang, t=lambda key, **fmt: i18n.t(key, lang, **fmt), built_at=built_at,
                           groups=provenance_groups(results, lang), css=stylesheet())


def write_provenance(results, out_path: Path | str, *, built_at: str, lang: str = "en") -> Path:
    """Write the provenance page; return its path."""
    return write_atomically(Path(out_path), render_provenance(results, built_at=built_at, lang=lang))
