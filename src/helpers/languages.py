"""The languages of the reports as data: one :class:`Language` record each, read from ``languages.yaml``.

A language is its record (locale, script, file suffix, OpenType tag, date formats,
font) and its message catalogue; code asks the record (``language(lang).file_suffix``)
and never compares a language code. The first record is the *base* language
(:data:`BASE`): the language of the data files, whose text fields carry no suffix.

:func:`localized` is the one reader of a bilingual field, whatever holds it (a mapping,
a table row, a dataclass): ``field`` + ``"_"`` + code (``title_hi``, ``source_hi``),
falling back to the base text (``field``, or ``field_<base>`` as in ``label_en``) where
the translation is missing or empty. :func:`translated` gives the translation or None,
for callers that label an untranslated text instead of showing it bare.

More languages without code changes: a YAML file of records (the same keys; its
``catalogue`` relative to that file) named in ``$GEM_KIT_EXTRA_LANGUAGES`` (several
joined with ``os.pathsep``) is read at import, and :func:`register` adds one at run
time (the tests' pseudo-language does).

Belongs here: the records and reading fields by language. Not here: the messages
(``i18n``), number and date formats (``formatting``), fonts (``publishing.fonts``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from helpers.errors import I18nError
from helpers.files import load_yaml

#: The kit's own languages, base language first.
LANGUAGES_FILE = Path(__file__).resolve().parent / "languages.yaml"
#: Files of extra language records, joined with ``os.pathsep`` (e.g. a pseudo-language for testing).
EXTRA_LANGUAGES_ENV = "GEM_KIT_EXTRA_LANGUAGES"


@dataclass(frozen=True)
class Language:
    """One language the kit writes reports in (the keys are described in ``languages.yaml``)."""

    code: str
    name: str
    locale: str
    script: str
    direction: str
    opentype_language: str
    long_date_format: str
    month_date_format: str
    font_family: str
    embeds_font: bool
    label_size_extra_pt: float
    file_suffix: str
    district_name_column: str
    district_names_verified: bool
    uses_source_place_names: bool
    #: The message catalogue (an absolute path once read).
    catalogue: Path


_TYPES = {f.name: f.type for f in fields(Language)}


def _record(raw: object, path: Path, index: int) -> Language:
    """One record of ``path``, checked: every key present, of its type; ``catalogue`` made absolute."""
    where = f"{path}, language {index + 1}"
    if not isinstance(raw, dict):
        raise I18nError(f"{where}: expected a mapping of keys ({', '.join(_TYPES)})")
    missing, unknown = sorted(set(_TYPES) - set(raw)), sorted(set(raw) - set(_TYPES))
    if missing or unknown:
        raise I18nError(f"{where} ({raw.get('code', '?')}): missing keys {missing}, unknown keys {unknown}; "
                        f"see the keys described in {LANGUAGES_FILE.name}")
    for name, kind in _TYPES.items():
        wanted = {"bool": bool, "float": (int, float), "str": str, "Path": str}[kind]
        if not isinstance(raw[name], wanted) or (kind == "float" and isinstance(raw[name], bool)):
            raise I18nError(f"{where} ({raw['code']}): '{name}' must be a {kind}, not {raw[name]!r}")
    return Language(**raw | {"label_size_extra_pt": float(raw["label_size_extra_pt"]),
                             "catalogue": (path.parent / raw["catalogue"]).resolve()})


def read_records(path: Path | str) -> tuple[Language, ...]:
    """The language records of a YAML file: a mapping with a ``languages`` list, a list, or one record.

    Raises:
        I18nError: the file is missing, is not valid YAML, or a record lacks a key or has a wrong value.
    """
    path = Path(path)
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise I18nError(f"{path}: cannot read language records ({error.strerror})") from None
    except yaml.YAMLError as error:
        raise I18nError(f"{path}: not valid YAML ({error}); fix the line it points to") from None
    raws = document.get("languages", [document]) if isinstance(document, dict) else document
    if not isinstance(raws, list) or not raws:
        raise I18nError(f"{path}: expected a list of language records under 'languages'")
    return tuple(_record(raw, path, i) for i, raw in enumerate(raws))


def _load(records: Iterable[Language]) -> dict[str, Language]:
    loaded: dict[str, Language] = {}
    for record in records:
        if record.code in loaded:
            raise I18nError(f"language '{record.code}' is declared twice ({LANGUAGES_FILE}, ${EXTRA_LANGUAGES_ENV})")
        loaded[record.code] = record
    return loaded


#: Every language the kit writes in, by code, base first: ``languages.yaml``, then the files of
#: ``$GEM_KIT_EXTRA_LANGUAGES``, then any :func:`register` added.
LANGUAGES: dict[str, Language] = _load([*read_records(LANGUAGES_FILE), *(
    record for extra in os.environ.get(EXTRA_LANGUAGES_ENV, "").split(os.pathsep) if extra.strip()
    for record in read_records(extra))])
#: The base language: that of the data files and of every text field without a language suffix.
BASE: str = next(iter(LANGUAGES))


def language(code: str) -> Language:
    """The record of the language ``code``.

    Raises:
        I18nError: the kit does not write in that language.
    """
    try:
        return LANGUAGES[code]
    except (KeyError, TypeError):
        raise I18nError(f"language '{code}' is not supported; use one of {', '.join(LANGUAGES)}") from None


def register(record: Language) -> Language:
    """Add a language at run time (its catalogue is ``record.catalogue``); replaces one of the same code.

    Raises:
        I18nError: ``record`` would replace the base language.
    """
    if record.code == BASE:
        raise I18nError(f"language '{record.code}' is the base language and cannot be replaced")
    LANGUAGES[record.code] = record
    return record


# ------------------------------------------------------------ bilingual fields

_ABSENT = object()


def _value(record: object, name: str) -> object:
    """``record[name]`` of a mapping or a pandas row, else the attribute ``name`` (a method is no field)."""
    getter = getattr(record, "get", None)
    if callable(getter):
        return getter(name, _ABSENT)
    value = getattr(record, name, _ABSENT)
    return _ABSENT if callable(value) else value


def _is_empty(value: object) -> bool:
    if value is _ABSENT or value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (tuple, list)):
        return not value
    try:
        return bool(value != value)  # NaN, NaT
    except TypeError:  # pandas.NA
        return True
    except ValueError:  # an array: not a text
        return False


def _base(record: object, field: str) -> Any:
    value = _value(record, field)
    return _value(record, f"{field}_{BASE}") if value is _ABSENT else value


def translated(record: object, field: str, lang: str) -> Any:
    """``field`` of ``record`` in ``lang`` (``field_<lang>``; the base text for the base language), or None.

    None when the record has no such text or it is empty (None, NaN, blank, an empty list).
    ``record`` is a mapping, a pandas row or any object with attributes.
    """
    language(lang)
    value = _base(record, field) if lang == BASE else _value(record, f"{field}_{lang}")
    return None if _is_empty(value) else value


def localized(record: object, field: str, lang: str) -> Any:
    """``field`` of ``record`` in ``lang``: its translation (:func:`translated`), else the base text as it is.

    The base text is ``field``, or ``field_<base>`` where the record names it so (``label_en``);
    None when the record has neither.
    """
    text = translated(record, field, lang)
    if text is not None:
        return text
    value = _base(record, field)
    return None if value is _ABSENT else value
