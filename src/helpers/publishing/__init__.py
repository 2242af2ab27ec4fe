"""Publishing: which notebooks run over what, running them, and writing what goes in ``reports/``.

In the order of a build:

- ``command``       the ``gem-reports build`` options, checked before anything is written
- (``helpers.plan``: ``notebooks/reports.yaml`` expanded into jobs, each with its kind, pages and files,
  outside this package because a notebook run by hand names its files with it too)
- ``build``         the stages in order, the lock, what a killed build left, the as-of date, ``build.json``
- ``fingerprints``  whether a job is up to date (notebook, parameters, inputs, outputs, code)
- ``kernels``       the pool of warm Jupyter kernels
- ``run``           one job: papermill, then its pages, PDFs and declared files
- ``pages``         an executed notebook to a self-contained page; ``fonts`` (subset), ``print_header``
- ``pdf``           printing a brief to A4 PDF with headless Chromium
- ``index``, ``provenance``  the index page and the page of input files and hashes

Belongs here: anything between an executed notebook and a file under ``reports/``. Not here:
the content of a report (the notebooks and ``helpers.presentation``), nor the files a notebook
writes itself (``helpers.report_files``: a notebook imports nothing from this package).
"""

import sys as _sys

# jsonschema, which nbformat imports to validate notebooks, loads the IRI grammar of
# ``rfc3987-syntax`` whenever that package is installed (a dependency of Jupyter's own
# ``jsonschema[format-nongpl]``): a Lark parser built at import, 3 s on a 2-core machine, paid
# by every build before its first notebook. Notebook files use no IRI formats, so a process that
# imports this package (the build, or a kernel running a brief) does without it: jsonschema sees
# a missing module and skips its two IRI format checks, which nothing in the kit uses.
_sys.modules.setdefault("rfc3987_syntax", None)
