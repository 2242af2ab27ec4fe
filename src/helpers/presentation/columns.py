"""The column registry as the presentation layer reads it: labels, formats and definitions of the columns tables show.

The registry itself is ``helpers.fields`` (``fields.csv``); this module only
re-exports what tables need, so presentation code keeps one import.
"""

from __future__ import annotations

from helpers.fields import (
    COLUMNS_FILE,
    DISPLAY_FORMATS,
    decimals,
    description,
    display_format,
    docs_block,
    label,
    labels,
    load_columns,
    write_docs,
)

__all__ = ["COLUMNS_FILE", "DISPLAY_FORMATS", "decimals", "description", "display_format", "docs_block", "label",
           "labels", "load_columns", "write_docs"]
