"""The declared shapes of the campaign files people edit by hand: ``phases.yaml`` and ``grades.yaml``.

Each file is read safely (``read_yaml``: a size limit, an alias limit, PyYAML's safe
loader) and validated against a pydantic model before anything uses it. A mistake
becomes one line naming the file, the key, what is wrong and how to fix it
(``describe``): a quoted "false" where a boolean belongs, a percent where a fraction
belongs, an unknown key, a phase id that cannot name a file.

Belongs here: the models and the reading. Not here: what the values mean (``phases``,
``targets``) or checks against reference data (districts: ``phases``).
"""

from __future__ import annotations

import codecs
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StrictInt, ValidationError, model_validator

from helpers.paths import shown
from helpers.errors import UserError
from helpers.files import SAFE_YAML_LOADER
from helpers.languages import localized

#: A campaign file larger than this is refused unread (the kit's own are a few KB).
MAX_YAML_BYTES = 512 * 1024
#: YAML aliases (``*name``) allowed in a campaign file; a file built of aliases (a "billion laughs") is refused.
MAX_YAML_ALIASES = 50
#: The longest phase id: it names folders and files (``reports/phase-<id>/...``).
MAX_PHASE_ID_LENGTH = 24
#: How to fix a file that is not UTF-8 text.
RESAVE_UTF8 = "open it in a text editor and save it with the encoding 'UTF-8' (in Notepad: Save As > Encoding: UTF-8)"


# --------------------------------------------------------------------------- reading YAML safely


class _ImpossibleDate(ValueError):
    """A YAML date that does not exist (2022-02-30), with the line it is on."""

    def __init__(self, text: str, line: int) -> None:
        super().__init__(text)
        self.text, self.line = text, line


class _CampaignLoader(SAFE_YAML_LOADER):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, except that an impossible date names its line instead of raising ``ValueError``."""


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise _ImpossibleDate(str(node.value), node.start_mark.line + 1) from None


_CampaignLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)


def _count_aliases(text: str, where: str, error: type[UserError]) -> None:
    """Refuse a document with more than ``MAX_YAML_ALIASES`` aliases, reading only its events (linear time)."""
    aliases = 0
    for event in yaml.parse(text, Loader=SAFE_YAML_LOADER):
        if isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                line = event.start_mark.line + 1 if event.start_mark else "?"
                raise error(f"{where}, line {line}: more than {MAX_YAML_ALIASES} YAML aliases (*name); write the "
                            "values out instead of repeating anchors")


def read_yaml(path: Path, error: type[UserError], what: str) -> object:
    """The YAML document of a campaign file, read safely; any failure is one ``error`` line naming file and line.

    Args:
        path: the file.
        error: the ``UserError`` class to raise (``PhaseError``, ``TargetsError``).
        what: what the file is, for the message of a missing file ("phases file").
    """
    where = shown(path)
    try:
        size = path.stat().st_size
        if size > MAX_YAML_BYTES:
            raise error(f"{where}: {size:,} bytes, over the {MAX_YAML_BYTES:,} a {what} may have; "
                        "restore it from git (git checkout -- the file) and edit it again")
        data = path.read_bytes()
    except FileNotFoundError:
        raise error(f"{where}: {what} missing; restore it from git (its header comment explains the keys)") from None
    except OSError as failure:
        raise error(f"{where}: cannot be read ({failure.strerror or failure}); check the path and its permissions") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise error(f"{where}: is saved as UTF-16 (Unicode) text, not UTF-8; {RESAVE_UTF8}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        line = data[: failure.start].count(b"\n") + 1
        raise error(f"{where}, line {line}: is not UTF-8 text (it looks saved as ANSI, e.g. Windows-1252); "
                    f"{RESAVE_UTF8}") from None
    try:
        _count_aliases(text, where, error)
        return yaml.load(text, Loader=_CampaignLoader)  # noqa: S506 - a SafeLoader with one constructor replaced
    except _ImpossibleDate as failure:
        raise error(f"{where}, line {failure.line}: '{failure.text}' is not a real date; "
                    "write a date that exists, as YYYY-MM-DD (e.g. 2022-02-28)") from None
    except yaml.YAMLError as failure:
        mark = getattr(failure, "problem_mark", None)
        at = f"{where}, line {mark.line + 1}" if mark is not None else where
        problem = getattr(failure, "problem", None) or str(failure).splitlines()[0]
        raise error(f"{at}: not valid YAML ({problem}); fix the indentation or quoting on that line "
                    "or the one above it") from None


# --------------------------------------------------------------------------- field types


def _iso_date(value: object) -> date:
    """A date written YYYY-MM-DD (YAML reads it as a date; quoted, it is text)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ValueError(f"'{_short(value)}' is not a date; write it as YYYY-MM-DD")


def _phase_id(value: object) -> str:
    """A phase id: YAML may read ``id: 3`` as a number; it is the text "3"."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not an id; write an id such as \"3\" or \"bundelkhand-2024\"")
    return str(value).strip() if isinstance(value, (int, str)) else value  # type: ignore[return-value]


def _text(value: object) -> object:
    """Free text of a campaign file (titles, sources, notes), with its runs of spaces folded."""
    return " ".join(value.split()) if isinstance(value, str) else value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, BeforeValidator(_text), Field(min_length=1, max_length=2000)]
PhaseId = Annotated[str, BeforeValidator(_phase_id),
                    Field(pattern=r"^[A-Za-z0-9_-]+$", min_length=1, max_length=MAX_PHASE_ID_LENGTH)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocationModel(_Strict):
    """A place the source names for an event, and the district of UP it resolves to."""

    name_in_source: Text
    name_en: Text
    district: Text
    note: Text | None = None
    note_hi: Text | None = None


class WindowModel(_Strict):
    """A phase's start and end dates; ``is_assumed`` where the source gives none."""

    start: IsoDate
    end: IsoDate
    is_assumed: StrictBool = False
    note: Text | None = None
    note_hi: Text | None = None

    @model_validator(mode="after")
    def _in_order(self) -> WindowModel:
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start}); swap the dates")
        return self


class PhaseModel(_Strict):
    """One phase of ``phases.yaml`` (the keys are explained in the file's header comment)."""

    id: PhaseId
    title: Text
    title_hi: Text | None = None
    status: Literal["from_source", "illustrative"]
    source: Text
    window: WindowModel
    announced_district_count: StrictInt | None = Field(default=None, ge=1, le=75)
    event_locations: list[LocationModel] | None = Field(default=None, min_length=1)
    event_districts: Literal["all"] | None = None
    include_neighbours: StrictBool = False
    notes: list[Text] = []
    notes_hi: list[Text] = []
    state_target_count: StrictInt | None = Field(default=None, ge=1)
    state_target_source: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> PhaseModel:
        if (self.event_locations is None) == (self.event_districts is None):
            raise ValueError("give either event_locations (a list of places) or event_districts: all, not both or neither")
        if self.state_target_source is not None and self.state_target_count is None:
            raise ValueError("state_target_source given without state_target_count; add the count or remove it")
        if self.state_target_count is not None and self.state_target_source is None:
            raise ValueError("state_target_count needs state_target_source (the document that sets it)")
        return self


class _GradeWords(_Strict):
    """A grade's words in each language (``label_<lang>``, ``description_<lang>``)."""

    label_en: Text
    label_hi: Text
    description_en: Text
    description_hi: Text

    def label(self, lang: str) -> str:
        """The grade's label in ``lang`` (``label_<lang>``; ``label_en`` where the language has none)."""
        return localized(self, "label", lang)

    def description(self, lang: str) -> str:
        """What the grade means, in ``lang`` (``description_<lang>``, else ``description_en``)."""
        return localized(self, "description", lang)


class GradeModel(_GradeWords):
    """One grade of ``grades.yaml``: a code, the lowest ratio to expected that earns it, labels."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
    min_ratio: Annotated[float, BeforeValidator(lambda v: _fraction(v))]


class NotGradedModel(_GradeWords):
    """The label of a district that is not graded (its ``code`` is "not_graded")."""

    @property
    def code(self) -> str:
        """The grade's code (a property, so that ``not_graded:`` in grades.yaml takes no ``code`` key)."""
        return "not_graded"


class GradesModel(_Strict):
    """``grades.yaml``: the grades, best first, with thresholds falling to 0, and ``not_graded``."""

    grades: list[GradeModel] = Field(min_length=1, max_length=10)
    not_graded: NotGradedModel

    @model_validator(mode="after")
    def _thresholds_fall_to_zero(self) -> GradesModel:
        ratios = [g.min_ratio for g in self.grades]
        for upper, lower in zip(self.grades, self.grades[1:]):
            if not lower.min_ratio < upper.min_ratio:
                raise ValueError(f"grade '{lower.code}' has min_ratio {lower.min_ratio}, not below '{upper.code}' "
                                 f"({upper.min_ratio}); list the grades best first with falling thresholds")
        if ratios[-1] != 0:
            raise ValueError(f"the last grade's min_ratio is {ratios[-1]}; make it 0 so that every ratio gets a grade")
        if len({g.code for g in self.grades}) != len(self.grades):
            raise ValueError("two grades have the same code; give each its own")
        return self

    def grade_of(self, ratio: float | None) -> str | None:
        """The code of the grade a ratio earns (the first, best first, with ratio ≥ min_ratio); None if NaN."""
        import pandas as pd  # here: planning a build reads the grades without pandas

        if ratio is None or pd.isna(ratio):
            return None
        return next(g.code for g in self.grades if ratio >= g.min_ratio)

    def by_code(self, code: str | None) -> GradeModel | NotGradedModel:
        """The grade of a code; ``not_graded`` for None."""
        return next((g for g in self.grades if g.code == code), self.not_graded)


#: The highest threshold a grade may have, as a ratio of registrations to those expected (2 = 200%).
MAX_GRADE_RATIO = 2.0


def _fraction(value: object) -> float:
    """A grade threshold: a fraction of the registrations expected by now (0.9 for 90%), never a percent."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"'{_short(value)}' is not a number; write a fraction such as 0.9 (for 90%)")
    if value < 0:
        raise ValueError(f"{value} is negative; write a fraction from 0 to {MAX_GRADE_RATIO:g}, such as 0.9")
    if value > MAX_GRADE_RATIO:
        raise ValueError(f"{value:g} looks like a percent; write it as a fraction: {value / 100:g} for {value:g}%")
    return float(value)


# --------------------------------------------------------------------------- one line per mistake


def _short(value: object, limit: int = 40) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: How to fix a mistake in a key, when pydantic's own words are not enough.
_FIXES = {
    "id": f"use a short id of letters, digits, '-' and '_' (at most {MAX_PHASE_ID_LENGTH} characters; "
          "it names the folder reports/phase-<id>/), such as \"3\" or \"bundelkhand-2024\"",
    "status": "write from_source (stated in a cited source) or illustrative (a model, not a fact)",
    "window": "give window: with start: and end: dates as YYYY-MM-DD",
    "event_locations": "each event location needs name_in_source, name_en and district",
    "event_districts": "write event_districts: all, or list the places under event_locations",
    "announced_district_count": "write a whole number from 1 to 75, such as 10",
    "state_target_count": "write a whole number of registrations above 0, such as 12000",
    "code": "write a code of small letters, digits and '_', such as on_track",
}


def _key_path(location: tuple) -> str:
    """A key as a reader finds it in the file: ``window.start``, ``event_locations[2].district`` (counted from 1)."""
    return "".join(f"[{part + 1}]" if isinstance(part, int) else f".{part}" for part in location).removeprefix(".")


def describe(error: ValidationError) -> tuple[str, str]:
    """The first mistake of a failed validation: ``(key, what is wrong and how to fix it)``; key '' for the entry."""
    unknown = [e for e in error.errors() if e["type"] == "extra_forbidden"]
    if unknown:
        names = sorted({str(e["loc"][-1]) for e in unknown})
        parent = _key_path(tuple(unknown[0]["loc"][:-1]))
        fix = _FIXES["event_locations"] if parent.startswith("event_locations") else \
            "check the spelling of each key against the file's header comment"
        return "", f"unknown key(s) {names}{' in ' + parent if parent else ''}; {fix}"
    first = error.errors()[0]
    location = tuple(first["loc"])
    key = _key_path(location)
    field = next((str(p) for p in reversed(location) if isinstance(p, str)), "")
    top = next((str(p) for p in location if isinstance(p, str)), "")
    kind, value = first["type"], first.get("input")
    fix = _FIXES.get(field) or _FIXES.get(top)
    if field == "id" and (kind.startswith("string_") or kind in ("too_short", "too_long")):
        return "", (f"the id may hold only letters, digits, '-' and '_', at most {MAX_PHASE_ID_LENGTH} characters "
                    "(it names the folder reports/phase-<id>/); write an id such as \"3\" or \"bundelkhand-2024\"")
    if kind == "missing":
        if top == "event_locations":
            return key, f"missing; {_FIXES['event_locations']}"
        if len(location) == 1:
            return "", f"missing '{field}'; every phase needs id, title, status, source and window"
        return key, "missing; add it"
    if kind in ("bool_type", "bool_parsing"):
        return key, f"'{_short(value)}' must be true or false, written without quotes"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return key, f"'{_short(value)}' must be a whole number" + (f"; {fix}" if fix else "")
    if kind in ("model_type", "dict_type"):
        if field == "window":
            return "", f"window must have start and end dates (YYYY-MM-DD); got '{_short(value)}'"
        if top == "event_locations":
            return key, f"{_FIXES['event_locations']}; got '{_short(value)}'"
        return key, f"expected keys and values; got '{_short(value)}'"
    if kind == "literal_error":
        expected = str(first["msg"]).lower().replace("input should be", "must be")
        return "", f"{field} '{_short(value)}': {expected}" + (f"; {fix}" if fix else "")
    message = str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    return key, message + (f"; {fix}" if fix and kind != "value_error" else "")


def validate(model: type[BaseModel], raw: Any, where: str, error: type[UserError]) -> Any:
    """``model`` validated from ``raw``; a mistake raises ``error`` with ``where`` and ``describe``'s line."""
    try:
        return model.model_validate(raw)
    except ValidationError as failure:
        key, problem = describe(failure)
        raise error(f"{where}, {key}: {problem}" if key else f"{where}: {problem}") from None
