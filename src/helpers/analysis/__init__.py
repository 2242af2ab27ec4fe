"""Analysis: the figures the reports publish, computed from registrations and reference tables.

- ``metrics``  district coverage, funnels, national-vs-UP shares
- ``privacy``  small-count suppression and spreadsheet-safe text

Belongs here: pure functions from data frames to data frames or numbers. Not here: reading
files (``helpers.reference``, ``helpers.ingest``) or formatting and HTML (``helpers.presentation``).
"""
