"""The blocks of ``docs/metrics.md`` and ``docs/registration_schema.md`` generated from the field registry.

``docs/metrics.md`` lists every column of ``src/helpers/fields.csv``; the field table of
``docs/registration_schema.md`` lists the registrations table's fields. Each block sits
between its markers; ``tests/test_columns.py`` checks that the docs carry it as generated.
After changing ``fields.csv``, refresh both docs::

    python tests/field_docs.py

A maintainer's tool, kept out of the installed package; the registry itself is ``helpers.fields``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from helpers.fields import load_columns, registration_fields

#: Where each generated block goes, between its markers (``python tests/field_docs.py`` rewrites them).
METRICS_DOC = "metrics.md"
SCHEMA_DOC = "registration_schema.md"


def _markers(doc: str) -> tuple[str, str]:
    name = "columns" if doc == METRICS_DOC else "fields"
    return (f"<!-- {name}: generated from src/helpers/fields.csv; do not edit by hand -->", f"<!-- end of {name} -->")


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |" for cells in rows]


def docs_block(doc: str = METRICS_DOC) -> str:
    """A generated block: every column (``metrics.md``) or the registrations table's fields (``registration_schema.md``)."""
    begin, end = _markers(doc)
    registry = load_columns()
    if doc == METRICS_DOC:
        rows = ([f"`{c}`", r["unit"], r["display_format"], r["label_en"], r["label_hi"], r["reaches_output"], r["description"]]
                for c, r in registry.iterrows())
        table = _table(["column", "unit", "shown as", "English", "Hindi", "may reach an output as", "definition"], rows)
    else:
        fields = registry.loc[list(registration_fields())]
        rows = ([f"`{c}`", r["registration"], r["type"], r["vocabulary"] or "", r["reaches_output"], r["description"]]
                for c, r in fields.iterrows())
        table = _table(["column", "required", "type", "controlled by", "may reach an output as", "what it holds"], rows)
    return "\n".join([begin, "", *table, "", end])


def write_docs(path: Path) -> bool:
    """Replace the generated block of ``path`` (or append it) with :func:`docs_block`; True when the file changed."""
    begin, end = _markers(path.name)
    text = path.read_text(encoding="utf-8")
    block = docs_block(path.name)
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.S)
    new = pattern.sub(lambda _: block, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block + "\n"
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python tests/field_docs.py: refresh docs/metrics.md and docs/registration_schema.md
    from helpers import paths

    for doc in (METRICS_DOC, SCHEMA_DOC):
        print(f"docs/{doc} updated" if write_docs(paths.DOCS_DIR / doc) else f"docs/{doc} up to date")
