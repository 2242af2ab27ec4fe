"""Reading, cleaning and validating registration sheets (issue #2, #3).

The notebooks and the ``gem-reports validate`` command call::

    from helpers.ingest import ingest_paths, write_outputs, IngestResult
    result = ingest_paths([paths.REGISTRATIONS_RAW_DIR])
    write_outputs(result)

Modules, in the order a sheet meets them: ``reading`` (which files, and one
file read after ``limits`` checks it: ``csv_reading`` for CSV text,
``workbooks`` for workbooks through python-calamine; each sheet a
``sheetframe.SheetFrame``: a pyarrow table of dictionary-encoded text
columns), ``sheets`` (which sheets to read, the row bookkeeping), ``headers``
(header row and synonyms), ``stages`` and ``date_stage`` (the checks of the
rows, one small stage each, on each column's distinct values: ``junk``,
``pii``, ``parsing``, districts, ``schema``; the rows between them a
``sheetrows.SheetRows``), ``rowerrors`` (the problems of a sheet's rows),
``duplicates``, ``outputs`` (the standard table and the files), ``pipeline``
(``ingest_paths`` and the result), ``problems`` (the one-line ``Problem``),
``cli`` (the ``validate`` command). pyarrow (compute) is the one columnar
library: it reads the CSV text and holds every column.
A user's mistake that stops the build is a ``helpers.errors.RegistrationsError``.
"""

from helpers.ingest.pipeline import (
    IngestResult,
    dropped_summary,
    ingest_paths,
    rejected_summary,
    require_valid,
)
from helpers.ingest.outputs import write_outputs
from helpers.ingest.problems import Problem
from helpers.ingest.reading import READABLE_SUFFIXES

__all__ = [
    "IngestResult",
    "Problem",
    "READABLE_SUFFIXES",
    "dropped_summary",
    "ingest_paths",
    "rejected_summary",
    "require_valid",
    "write_outputs",
]
