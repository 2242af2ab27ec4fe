"""The campaign as declared in ``data/raw/campaign/``: its phases (and their windows and districts).

- ``phases``  the phases of ``phases.yaml``, validated

Belongs here: reading and checking the campaign's own declarations. Not here: registrations
(``helpers.ingest``) or figures computed over them (``helpers.analysis``).
"""
