"""The text of the kit's reports in each of its languages (English and Hindi).

Every sentence, heading, label and chart title a reader sees comes from a
message catalogue, ``messages/en.yaml`` or ``messages/hi.yaml`` beside this
module (the ``catalogue`` of each language's record, ``languages``), looked up
by key with :func:`t`. The catalogues have the same keys (a test checks it); a
key missing from the requested language is an error, not a silent fall-back to
English, so a Hindi brief never shows an English heading.

District names in a language come from ``up_districts_master.csv``, the column
its record names (``name_hi`` for Hindi). The Hindi names were compiled by hand
and are not verified against an official list: the record says so
(``district_names_verified``) and the brief adds a footnote (key
``brief.district_names_unverified``).

Numbers are formatted by ``helpers.presentation.formatting`` (Indian grouping); this module
does not format numbers. What does not belong here: charts, HTML.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import I18nError
from helpers import languages
from helpers.reference import names as reference_names

#: Folder holding the kit's own message catalogues (``<lang>.yaml``).
MESSAGES_DIR = Path(__file__).resolve().parent / "messages"


def check_lang(lang: str) -> str:
    """Return ``lang`` if the kit writes reports in it.

    Raises:
        I18nError: ``lang`` is not one of ``languages.LANGUAGES``.
    """
    return languages.language(lang).code


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{dotted}."))
        else:
            flat[dotted] = " ".join(str(value).split()) if isinstance(value, str) else str(value)
    return flat


def catalogue_path(lang: str) -> Path:
    """Return the path of the message catalogue of ``lang`` (its record's ``catalogue``)."""
    return languages.language(lang).catalogue


def load_catalogue(lang: str) -> dict[str, str]:
    """Load the message catalogue of ``lang`` as a flat mapping of dotted keys to text.

    Nested YAML mappings become dotted keys: ``brief: {title: ...}`` is ``brief.title``.

    Raises:
        I18nError: the language is not supported or its catalogue is missing or malformed.
    """
    return _read_catalogue(catalogue_path(lang))


@lru_cache(maxsize=8)
def _read_catalogue(path: Path) -> dict[str, str]:
    if not path.exists():
        raise I18nError(f"{path}: message catalogue missing; restore it from git")
    try:
        tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise I18nError(f"{path}: not valid YAML ({error}); fix the line it points to") from None
    if not isinstance(tree, dict):
        raise I18nError(f"{path}: expected a mapping of keys to messages at the top level")
    return _flatten(tree)


def placeholders(message: str) -> set[str]:
    """Return the names of the ``{placeholders}`` used in a message."""
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def t(key: str, lang: str = "en", **fmt: object) -> str:
    """Return the message ``key`` in ``lang``, with ``{placeholders}`` filled from ``fmt``.

    Args:
        key: dotted key, e.g. ``"brief.key_figures"``.
        lang: ``"en"`` or ``"hi"``.
        **fmt: values for the message's placeholders (already formatted strings
            are best: numbers are formatted by ``helpers.presentation.formatting``).

    Returns:
        The message text.

    Raises:
        I18nError: unknown language, a key missing from the catalogue, or a
            placeholder without a value.
    """
    catalogue = load_catalogue(lang)
    if key not in catalogue:
        raise I18nError(f"{catalogue_path(lang)}: no message '{key}'; add it to every catalogue in {MESSAGES_DIR}")
    message = catalogue[key]
    missing = placeholders(message) - set(fmt)
    if missing:
        raise I18nError(f"message '{key}' ({lang}) needs a value for {sorted(missing)}")
    return message.format(**fmt) if fmt else message


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code`` in ``lang``: message ``index.lang_<code>``, else the language's
    own name (``language_name`` of its catalogue) where ``lang``'s catalogue does not name it."""
    key = f"index.lang_{languages.language(code).code}"
    return t(key, lang) if key in load_catalogue(lang) else t("language_name", code)


# ------------------------------------------------------------- districts


def district_names(lang: str = "en") -> dict[str, str]:
    """Map each district's standard (English) name to its name in ``lang``.

    The names are the column of ``up_districts_master.csv`` the language's record names
    (``district_name_column``); the Hindi ones (``name_hi``) are compiled by hand and unverified.
    """
    return reference_names.district_name_column(languages.language(lang).district_name_column)


def district_name(district: str, lang: str = "en") -> str:
    """Return a district's name in ``lang``: ``district_name("Agra", "hi") -> "आगरा"``.

    Raises:
        I18nError: the district is not one of UP's 75 (standard English names).
    """
    names = district_names(lang)
    if district not in names:
        raise I18nError(
            f"'{district}' is not a district of UP; use the names in "
            f"data/raw/reference/{reference_names.DISTRICTS_FILE} (column name_common)"
        )
    return names[district]


def place_name(name: str, lang: str = "en") -> str:
    """A district's name in ``lang`` when ``name`` is a standard district name, else ``name`` as it is
    (a place of a source, a Census area's part, a figure of the whole phase)."""
    return district_names(lang).get(name, name)
