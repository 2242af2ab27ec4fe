"""Presentation: turning figures into what a reader sees, in English or Hindi.

- ``languages``           one record per language (``languages.yaml``) and ``localized``, the reader of bilingual fields
- ``formatting``          Indian number formats, dates written out
- ``i18n``                the message catalogues in ``messages/``
- ``display``             formatted, escaped tables and notices in the notebooks (the one HTML escape)
- ``fragments``           headings, paragraphs, key-figure cards shown in the briefs
- ``charts``, ``images``  the chart theme and charts; PNGs as small as the picture allows
- ``maps``, ``tile_grid``, ``boundaries``  the district map, the locator map, a true map from a file
- ``briefs``, ``summary``, ``progress_sections``, ``reference_sections``, ``district_sections``
                          the sections of the phase and district briefs
- ``share_cards``         the 1080 x 1350 PNG cards for messaging apps

Belongs here: formatting, labels, charts and HTML fragments shown inside a notebook. Not here:
computing figures (``helpers.analysis``) or writing pages to ``reports/`` (``helpers.publishing``).
"""
