"""The kit's coded values, defined once in ``vocabulary.yaml``: trades, onboarding stages, languages, audiences.

The languages' codes are those of their records (``languages.yaml``, read by
``helpers.languages``, which holds what else the kit knows of each language).

Every module that needs one of these lists imports it from here; nothing else
spells them out. Belongs here: the codes and their order. Not here: the labels a
reader sees (message catalogues and the column registry in ``helpers.presentation``).
"""

from __future__ import annotations

from pathlib import Path

from helpers.files import load_yaml
from helpers import languages as _languages

_VOCABULARY = load_yaml((Path(__file__).resolve().parent / "vocabulary.yaml").read_text(encoding="utf-8"))

#: What a registered seller makes: ("artisan", "weaver", "other").
TRADES: tuple[str, ...] = tuple(_VOCABULARY["trades"])
#: Onboarding statuses in the order a seller reaches them.
STATUSES: tuple[str, ...] = tuple(stage["status"] for stage in _VOCABULARY["onboarding_stages"])
#: The dated column that says when each status was reached.
STATUS_DATE_COLUMNS: dict[str, str] = {s["status"]: s["date_column"] for s in _VOCABULARY["onboarding_stages"]}
#: Languages of the briefs: ("en", "hi"), and any a file of ``$GEM_KIT_EXTRA_LANGUAGES`` adds.
LANGUAGES: tuple[str, ...] = tuple(_languages.LANGUAGES)
#: Audiences of a rendered page: ("brief", "analyst").
AUDIENCES: tuple[str, ...] = tuple(_VOCABULARY["audiences"])
#: What the kit's own sheets write in ``data_origin`` (the demo's label first).
DATA_ORIGINS: tuple[str, ...] = tuple(_VOCABULARY["data_origins"])
#: The closed lists a field of the registry (``fields.csv``, column ``vocabulary``) may name: a value
#: outside them is refused. (Free-text fields name open lists of known forms instead: they are reduced,
#: not refused: ``analysis.free_text``.)
CONTROLLED_VALUES: dict[str, tuple[str, ...]] = {"trades": TRADES, "onboarding_stages": STATUSES}
