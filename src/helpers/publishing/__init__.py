"""Publishing: which notebooks run over what, running them, and writing the pages in ``reports/``.

- ``build``   plan the jobs, run them on warm kernels, skip unchanged ones, write ``build.json``
- ``render``  executed notebook to self-contained HTML; the index page
- ``pdf``     printing a brief to A4 PDF with headless Chromium

Belongs here: anything between an executed notebook and a file under ``reports/``. Not here:
the content of a report (the notebooks and ``helpers.presentation``).
"""
