"""Reference data and names: the public tables in ``data/raw/reference/`` and UP's districts.

- ``tables``     loading each reference table (with its provenance sidecar) and the key figures
- ``districts``  turning any spelling of a UP district into its standard name

Belongs here: reading and checking reference files, name harmonisation. Not here:
computing figures from them (``helpers.analysis``) or showing them (``helpers.presentation``).
"""
