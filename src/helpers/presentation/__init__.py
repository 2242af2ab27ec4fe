"""Presentation: turning figures into what a reader sees, in English or Hindi.

- ``formatting``  Indian number formats
- ``i18n``        the message catalogues in ``messages/``
- ``display``     formatted, escaped tables and notices in the notebooks
- ``charts``      the chart theme and chart functions
- ``maps``        the district map (tile grid, or a true map from a boundary file)
- ``briefs``      the sections of the phase and district briefs

Belongs here: formatting, labels, charts and HTML fragments shown inside a notebook. Not here:
computing figures (``helpers.analysis``) or writing pages to ``reports/`` (``helpers.publishing``).
"""
