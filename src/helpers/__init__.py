"""helpers: the working code of the GeM UP onboarding reporting kit.

Notebooks in ``notebooks/`` tell the story; the code here does the work. The
subpackages follow the flow from raw sheets to published pages (see
``docs/architecture.md``); read them in this order:

- ``paths``, ``errors``  every path of the kit; the one error hierarchy and exit codes
- ``reference``    the public reference tables and UP's district names
- ``campaign``     the campaign's own declarations: phases
- ``ingest``       reading, cleaning and validating registration sheets
- ``demo``         the seeded generator of the synthetic demo registrations
- ``analysis``     the figures: coverage, shares, small-count suppression
- ``presentation`` formats, labels (English and Hindi), tables, charts, maps, brief sections
- ``publishing``   the plan of reports, running notebooks, HTML pages, index, PDFs
- ``params``       validation of notebook parameters
- ``cli``          the ``gem-reports`` command
"""

__version__ = "0.1.0"
