"""Analysis: the figures the reports publish, computed from registrations and reference tables.

- ``metrics``     district coverage, funnels, a phase's registrations and key figures
- ``national``    UP's share of India's artisans and weavers, like for like; the representation
                  index over named, dated bases; parity with the rest of India
- ``products``    registrations per GI and ODOP product (craft synonyms as data)
- ``progress``    registrations as of a date, achievement against target, expected by now, grades
- ``pace``        weekly and cumulative curves, pace over four weeks, projection, target date
- ``ranking``     what changed since the last report; the delta ranking of districts
- ``comparison``  the phases side by side, in total and per week since each began
- ``privacy``     small-count suppression and spreadsheet-safe text

Belongs here: pure functions from data frames to data frames or numbers. Not here: reading
files (``helpers.reference``, ``helpers.ingest``) or formatting and HTML (``helpers.presentation``).
"""
