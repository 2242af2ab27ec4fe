"""Analysis: the figures the reports publish, computed from registrations and reference tables.

- ``national``  UP against India: shares, representation index over named bases, parity
- ``metrics``   district coverage and funnels of a phase
- ``products``  GI and ODOP products of a phase's districts
- ``privacy``  small-count suppression and spreadsheet-safe text

Belongs here: pure functions from data frames to data frames or numbers. Not here: reading
files (``helpers.reference``, ``helpers.ingest``) or formatting and HTML (``helpers.presentation``).
"""
