"""The synthetic demo data: a seeded generator of weekly registration exports, labelled SYNTHETIC.

Read in this order:

- ``layout``       the demo sheets' columns, the SYNTHETIC label, the seed and folders
- ``calibration``  the inputs in ``data/raw/demo/`` and the tables rows are drawn from
- ``timeline``     when: event-day bursts, late starts and stalls, stage lags, weeks
- ``sampling``     who and where: the clean rows of a phase
- ``mess``         the field mess planted in the rows
- ``writing``      CSV and workbook files, README and sidecar
- ``generator``    ``write_demo_sheets``: runs the above for every phase; the ``gem-reports demo-data`` handler
- ``large``        the big benchmark frame (``bench/``, ``tests/test_ingest_scale.py``)

Belongs here: everything that invents data. Nothing outside this package invents a row.
"""
