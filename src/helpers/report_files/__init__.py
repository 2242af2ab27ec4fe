"""Report files: what the report notebooks write and read beside their pages, with no build code.

- ``workbook``     a report's tables as an Excel workbook (labels and formats from ``helpers.fields``)
- ``brief_files``  the brief's files: tables workbook, share card and its alt text, figures, ``summary.json``
- ``ledger``       the published figures by as-of date (read from ``helpers.store``) and their revisions

A notebook imports these, never ``helpers.publishing`` (the build: plan, kernels, pages,
index), so a notebook run by hand in JupyterLab loads no build machinery; the build may
import them (the corrections workbooks use ``workbook``). Not here: the content of a
report (``helpers.presentation``), running notebooks (``helpers.publishing``).
"""
