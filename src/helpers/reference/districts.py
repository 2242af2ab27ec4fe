"""Turning any spelling of a UP district into its standard name.

The standard name is ``name_common`` of ``up_districts_master.csv``. What the
resolver knows is data, not code: the master file (common, LGD, Hindi and
Census 2011 names and its ``aliases`` column), ``up_district_name_variants.csv``
(former names, towns, ambiguous names, with a note each) and
``other_state_districts.csv`` (places of other states, to reject them clearly)
and ``state_name_aliases.csv`` (a name qualified by another state, "Hamirpur
(H.P.)", "Pratapgarh (Rajasthan)", "Bilaspur, HP", is that state's place).

Matching works on a *key*: English is case-folded with punctuation, spaces and
words like "district"/"Distt." removed; Devanagari is folded so that spelling
variants meet (nukta, chandrabindu/anusvara, ि/ी, ु/ू, halant). A name that
matches no key is tried with a fuzzy match (rapidfuzz), accepted only when it
is confident and clearly ahead of the runner-up.

What does not belong here: reading registration sheets (``ingest``) and the
reference loaders (``reference``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import groupby

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from helpers.errors import DistrictError
from helpers import paths
from helpers.reference import tables as reference

VARIANTS_FILE = "up_district_name_variants.csv"
OTHER_STATES_FILE = "other_state_districts.csv"

#: Fuzzy matches below this rapidfuzz ratio (0-100) are never accepted.
FUZZY_MIN_SCORE = 90.0
#: A fuzzy match must beat the next-best district by at least this many points.
FUZZY_MIN_MARGIN = 5.0
#: How many suggestions an unresolved name gets.
SUGGESTION_COUNT = 3

#: Match methods, from the most to the least certain.
METHODS = ("exact", "hindi", "alias", "old_name", "town", "ambiguous", "fuzzy", "unresolved", "other_state")
_PRIORITY = {method: rank for rank, method in enumerate(METHODS)}

# Words around a district name that are not part of it ("Distt. Agra", "जनपद आगरा", "Agra, U.P.").
_EN_AFFIXES = {"district", "distt", "dist", "dt", "zila", "zilla", "jila", "janpad", "janpada", "up"}
_EN_SUFFIX_PHRASES = ("uttar pradesh",)
_HI_AFFIXES = {"जिला", "जिले", "जनपद", "उप्र", "उतर", "प्रदेश"}

_DEVANAGARI = re.compile(r"[\u0900-\u097F]")
_LATIN = re.compile(r"[A-Za-z]")
_PARENTHESES = re.compile(r"\(([^)]*)\)")
#: A name followed by a qualifier in brackets, or after its last comma.
_STATE_QUALIFIER = re.compile(r"^(.+?)\s*(?:[(\[]\s*([^()\[\]]+?)\s*[)\]]|,\s*([^,]+?))\s*$")
#: The state whose districts the kit resolves.
HOME_STATE = "Uttar Pradesh"



def fold_devanagari(text: str) -> str:
    """Fold Devanagari spelling variants to one form: मीरजापुर and मिर्ज़ापुर both give मिरजापुर.

    Drops nukta, chandrabindu, anusvara, visarga, halant and zero-width joiners;
    writes long ई/ी/ऊ/ू as short इ/ि/उ/ु. A nasal consonant with halant
    (म्ब, न्द) is dropped like the anusvara it stands for, so अम्बेडकर meets अंबेडकर.
    """
    text = unicodedata.normalize("NFD", text)
    text = re.sub("[\u093c\u0901\u0902\u0903\u200c\u200d]", "", text)
    text = re.sub("[ङञणनम]\u094d(?=[\u0915-\u0939])", "", text)
    text = text.replace("\u094d", "")
    return text.translate(str.maketrans({"ी": "ि", "ू": "ु", "ई": "इ", "ऊ": "उ"}))


def _words(text: str) -> list[str]:
    """Split into words of letters, marks and digits (keeps Devanagari vowel signs in their word)."""
    return ["".join(run) for is_word, run in groupby(text, lambda c: unicodedata.category(c)[0] in "LMN") if is_word]


def key_words(text: object) -> list[str]:
    """The words of a text as keys compare them: NFKC, case-folded, Devanagari folded, punctuation dropped."""
    return _words(fold_devanagari(unicodedata.normalize("NFKC", str(text)).casefold()))


def text_key(text: object) -> str:
    """Case-, space- and punctuation-insensitive key of a text, with Devanagari folded.

    Used for headers and coded values as well as district names.
    """
    return "".join(key_words(text))


def name_key(name: object) -> str:
    """Key of a district name: ``text_key`` without words like "district", "Distt.", "जनपद", "U.P."."""
    text = unicodedata.normalize("NFKC", str(name)).casefold()
    for phrase in _EN_SUFFIX_PHRASES:
        text = text.replace(phrase, " ")
    text = text.replace("उ.प्र.", " ").replace("उत्तर प्रदेश", " ")
    words = _words(fold_devanagari(text))
    affixes = _EN_AFFIXES | {fold_devanagari(w) for w in _HI_AFFIXES}
    while len(words) > 1 and words[0] in affixes:
        words = words[1:]
    while len(words) > 1 and words[-1] in affixes:
        words = words[:-1]
    if len(words) > 2 and words[-2:] == ["u", "p"]:  # "Agra, U.P."
        words = words[:-2]
    return "".join(words)


def _is_devanagari(text: str) -> bool:
    return bool(_DEVANAGARI.search(text))


@dataclass(frozen=True)
class DistrictMatch:
    """The result of resolving one name.

    Attributes:
        district: the standard name (``name_common``), or None when not resolved.
        lgd_code: the district's LGD code, or None.
        method: how it was matched, one of ``METHODS``.
        note: what a reader should know about a resolved match (a town, an old name...).
        problem: why the name was not resolved (None when it was).
        suggestions: the closest district names, for an unresolved or fuzzy match.
    """

    district: str | None
    lgd_code: int | None
    method: str
    note: str | None = None
    problem: str | None = None
    suggestions: tuple[str, ...] = ()

    @property
    def is_resolved(self) -> bool:
        """True when the name was resolved to a district of UP."""
        return self.district is not None


@dataclass(frozen=True)
class _Entry:
    district: str
    method: str
    note: str | None


@dataclass
class DistrictResolver:
    """Resolves names to UP districts; build it with ``get_resolver()``.

    Attributes:
        lgd_codes: standard district name -> LGD code.
        entries: name key -> how that key resolves.
        other_states: name key -> state, for places outside UP.
        states: ``text_key`` of a state's name or abbreviation -> the state ("hp" -> Himachal Pradesh),
            to read "Hamirpur (H.P.)" or "Bilaspur, HP" as a place of that state.
        conflicts: keys that two different districts claim (should be empty; tests check).
    """

    lgd_codes: dict[str, int]
    entries: dict[str, _Entry] = field(default_factory=dict)
    other_states: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    _official: set[str] = field(default_factory=set, repr=False)
    _overridden: set[str] = field(default_factory=set, repr=False)

    def add(self, name: str, district: str, method: str, note: str | None = None, *, overrides: bool = False) -> None:
        """Register ``name`` as meaning ``district``.

        For a key registered twice, the more certain method wins, unless
        ``overrides`` (rows of the variants file, which carry a considered
        method and note) replaces anything but an official name.
        """
        key = name_key(name)
        if not key:
            return
        old = self.entries.get(key)
        if old is not None and old.district != district:
            self.conflicts.append(f"{name!r} means both {old.district} and {district}")
            return
        is_official = old is not None and old.method in ("exact", "hindi") and key in self._official
        if old is None or (overrides and not is_official) or (
            _PRIORITY[method] < _PRIORITY[old.method] and key not in self._overridden
        ):
            self.entries[key] = _Entry(district, method, note)
            if overrides:
                self._overridden.add(key)
            if method in ("exact", "hindi") and not overrides:
                self._official.add(key)

    def _matched(self, entry: _Entry) -> DistrictMatch:
        return DistrictMatch(entry.district, self.lgd_codes[entry.district], entry.method, entry.note)

    def _lookup(self, text: str) -> DistrictMatch | None:
        """Exact-key lookup of the whole text, then of its parts ("Agra (आगरा)", "Bhadohi (Sant Ravidas Nagar)")."""
        entry = self.entries.get(name_key(text))
        if entry is not None:
            return self._matched(entry)
        parts = [p for p in _PARENTHESES.split(text) if p.strip()]
        if not _PARENTHESES.search(text) and _is_devanagari(text) and _LATIN.search(text):
            parts = [" ".join(_LATIN_RUN.findall(text)), " ".join(_DEVANAGARI_RUN.findall(text))]
        if len(parts) < 2:
            return None
        found = [entry for part in parts if (entry := self.entries.get(name_key(part))) is not None]
        if found and len({e.district for e in found}) == 1:
            return self._matched(min(found, key=lambda e: _PRIORITY[e.method]))
        return None

    def _state_qualified(self, text: str) -> tuple[str, str | None]:
        """``(name, state)`` of a name qualified by a state in brackets or after a comma ("Hamirpur (H.P.)",
        "Pratapgarh (Rajasthan)", "Bilaspur, HP", "Agra, U.P."); ``(text, None)`` when it is not."""
        match = _STATE_QUALIFIER.match(text)
        if match is None:
            return text, None
        bare = match.group(1)
        qualifier = match.group(2) if match.group(2) is not None else match.group(3)
        state = self.states.get(text_key(qualifier))
        return (bare, state) if state is not None and bare.strip() else (text, None)

    def _scores(self, key: str) -> list[tuple[str, float]]:
        """Best fuzzy score per district for a key, highest first (only keys of the same script)."""
        devanagari = _is_devanagari(key)
        choices = [k for k in self.entries if _is_devanagari(k) == devanagari]
        best: dict[str, float] = {}
        for choice, score, _ in process.extract(key, choices, scorer=fuzz.ratio, limit=40):
            district = self.entries[choice].district
            best[district] = max(best.get(district, 0.0), score)
        return sorted(best.items(), key=lambda item: (-item[1], item[0]))

    @lru_cache(maxsize=8192)
    def resolve(self, name: object) -> DistrictMatch:
        """Resolve one name (English or Hindi, any case or spacing) to a district of UP.

        Never raises: an unknown name gives ``method='unresolved'`` with a
        ``problem`` and the closest ``suggestions``.
        """
        if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
            return DistrictMatch(None, None, "unresolved", problem="the district is blank")
        text, state = self._state_qualified(str(name).strip())
        if state in (None, HOME_STATE):
            found = self._lookup(text)
            if found is not None:
                return found
            state = self.other_states.get(name_key(text))  # a place of another state, named without its state
        if state is not None:
            return DistrictMatch(None, None, "other_state", problem=f"a district of {state}, not of Uttar Pradesh")
        key = name_key(text)
        if not key or set(text) <= set("?  "):
            return DistrictMatch(None, None, "unresolved", problem="not a district name")
        scores = self._scores(key)
        if scores:
            top_district, top_score = scores[0]
            runner_up = scores[1][1] if len(scores) > 1 else 0.0
            if top_score >= FUZZY_MIN_SCORE and top_score - runner_up >= FUZZY_MIN_MARGIN:
                return DistrictMatch(
                    top_district,
                    self.lgd_codes[top_district],
                    "fuzzy",
                    note=f"'{text}' read as {top_district} (a close spelling)",
                    suggestions=(top_district,),
                )
        suggestions = tuple(d for d, _ in scores[:SUGGESTION_COUNT])
        closest = f" (closest: {', '.join(suggestions)})" if suggestions else ""
        return DistrictMatch(
            None, None, "unresolved", problem=f"not a district of Uttar Pradesh{closest}", suggestions=suggestions
        )

    def require(self, name: object, what: str = "district") -> str:
        """Return the standard name of ``name``, or raise a one-line ``DistrictError``.

        For validating parameters: fuzzy matches are not accepted here (a typo in
        a parameter is pointed out, not guessed).

        Raises:
            DistrictError: the name is blank, of another state, misspelt or unknown.
        """
        match = self.resolve(name)
        if match.is_resolved and match.method != "fuzzy":
            return match.district  # type: ignore[return-value]
        if match.method == "fuzzy":
            raise DistrictError(f"{what} '{name}' is not a district of Uttar Pradesh; did you mean '{match.district}'?")
        hint = f"; closest: {', '.join(match.suggestions)}" if match.suggestions else ""
        problem = (match.problem or "not a district").split(" (closest")[0]
        raise DistrictError(
            f"{what} '{name}': {problem}{hint}; use a name from "
            f"data/raw/reference/{reference.DISTRICTS_FILE} (column name_common)"
        )

    def __hash__(self) -> int:  # lru_cache on a method needs a hashable instance
        return id(self)


_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z .'-]*")
_DEVANAGARI_RUN = re.compile(r"[\u0900-\u097F][\u0900-\u097F ]*")


def _strip_parenthetical(alias: str) -> tuple[str, str | None]:
    """'Faizabad (renamed 2018)' -> ('Faizabad', 'renamed 2018')."""
    match = _PARENTHESES.search(alias)
    return _PARENTHESES.sub("", alias).strip(), match.group(1).strip() if match else None


def build_resolver() -> DistrictResolver:
    """Build a resolver from the reference files (use ``get_resolver()`` for the cached one)."""
    districts = reference.load_districts()
    master = pd.read_csv(paths.REFERENCE_DIR / reference.DISTRICTS_FILE, dtype=str)
    resolver = DistrictResolver(lgd_codes=dict(zip(districts["district"], districts["lgd_district_code"].astype(int))))
    for row in master.itertuples(index=False):
        resolver.add(row.name_common, row.name_common, "exact")
        resolver.add(row.name_lgd, row.name_common, "exact")
        resolver.add(row.name_hi, row.name_common, "hindi")
    variants = pd.read_csv(paths.REFERENCE_DIR / VARIANTS_FILE, dtype=str, keep_default_na=False)
    for row in variants.itertuples(index=False):
        resolver.add(row.name_variant, row.district, row.kind, row.note or None, overrides=True)
    for row in master.itertuples(index=False):
        aliases = row.aliases if isinstance(row.aliases, str) else ""
        for alias in filter(None, (a.strip() for a in aliases.split("|"))):
            bare, remark = _strip_parenthetical(alias)
            if remark and re.search(r"\d{4}", remark):
                note = f"{bare} is a former name of {row.name_common} district ({remark})"
                resolver.add(bare, row.name_common, "old_name", note)
            else:
                resolver.add(bare, row.name_common, "alias")
        if isinstance(row.census2011_name, str):
            bare, _ = _strip_parenthetical(row.census2011_name)
            resolver.add(bare, row.name_common, "alias")
    states = pd.read_csv(paths.REFERENCE_DIR / reference.STATE_ALIASES_FILE, dtype=str)
    resolver.states = {text_key(n): s for n, s in zip(states["name_in_source"], states["state"]) if text_key(n)}
    others = pd.read_csv(paths.REFERENCE_DIR / OTHER_STATES_FILE, dtype=str)
    for row in others.itertuples(index=False):
        key = name_key(row.name)
        if key not in resolver.entries:
            resolver.other_states[key] = row.state
    return resolver


@lru_cache(maxsize=1)
def get_resolver() -> DistrictResolver:
    """The resolver built from the reference files, built once per process."""
    return build_resolver()
