"""helpers: the working code of the GeM UP onboarding reporting kit.

Notebooks in ``notebooks/`` tell the story; the functions here do the work.
Each module owns one step of the pipeline:

- ``paths``       every file and folder of the kit, derived from the project root
- ``reference``   loading the public reference tables in ``data/raw/reference/``
- ``districts``   turning any spelling of a UP district into its standard name
- ``phases``      the campaign phases declared in ``data/raw/campaign/phases.yaml``
- ``ingest``      reading, cleaning and validating registration sheets
- ``demo_data``   the seeded generator of the synthetic demo registrations
- ``metrics``     district coverage and national-vs-UP share figures
- ``privacy``     small-count suppression and spreadsheet-safe CSVs
- ``formatting``  Indian number formats and labels
- ``charts``      the kit's chart theme and chart functions
- ``maps``        the district map: tile grid, or a true map from a boundary file
- ``i18n``        the English and Hindi message catalogues (``messages/``)
- ``display``     formatted, escaped tables and notices in the analyst notebooks
- ``briefs``      the sections of the phase and district briefs, in English or Hindi
- ``render``      self-contained HTML pages and the index page (``templates/``)
- ``pdf``         printing a brief to A4 PDF with headless Chromium
- ``errors``      the one-line error shown for a user's mistake
- ``params``      validation of notebook parameters
- ``build``       running the notebooks for each phase and rendering HTML
- ``cli``         the ``gem-reports`` command
"""

__version__ = "0.1.0"
