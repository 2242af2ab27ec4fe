"""Reading, cleaning and validating registration sheets (issue #2, #3).

The notebooks and the ``gem-reports validate`` command call::

    from helpers.ingest import ingest_paths, write_outputs, IngestResult
    result = ingest_paths([paths.REGISTRATIONS_RAW_DIR])
    write_outputs(result)

Modules: ``reading`` (files and encodings; sheets as dictionary-encoded
columns), ``headers`` (header row and synonyms), ``pii`` (personal data),
``parsing`` (dates, numbers, yes/no, coded values), ``distinct`` (each distinct
value of a column worked on once), ``schema`` (the pandera schema),
``pipeline`` (row accounting, duplicates, outputs), ``problems`` (the one-line
``Problem``), ``cli`` (the ``validate`` command).
"""

from helpers.ingest.pipeline import (
    IngestError,
    IngestResult,
    dropped_summary,
    ingest_paths,
    rejected_summary,
    require_valid,
    write_outputs,
)
from helpers.ingest.problems import Problem
from helpers.ingest.reading import READABLE_SUFFIXES

__all__ = [
    "IngestError",
    "IngestResult",
    "Problem",
    "READABLE_SUFFIXES",
    "dropped_summary",
    "ingest_paths",
    "rejected_summary",
    "require_valid",
    "write_outputs",
]
