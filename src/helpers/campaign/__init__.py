"""The campaign as declared in ``data/raw/campaign/``: its phases, their targets and the grades.

- ``phases``   the phases of ``phases.yaml``, validated (ids, dates, districts, state targets)
- ``targets``  district targets from ``targets.csv`` or derived from a state target; grades from ``grades.yaml``

Belongs here: reading and checking the campaign's own declarations. Not here: registrations
(``helpers.ingest``) or figures computed over them (``helpers.analysis``).
"""
