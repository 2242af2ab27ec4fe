"""Campaign phases, read from ``data/raw/campaign/phases.yaml``.

A phase is data: its id, title, window, the places the source names and the
districts they resolve to. This module loads the file, checks it, and derives
what the notebooks need: the phase's event districts and the nearby districts
that take part. It knows nothing about registrations or reports.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml

from helpers.errors import PhaseError
from helpers.files import SAFE_YAML_LOADER
from helpers import paths
from helpers.reference import names

#: What a phase id may hold: it names folders (``reports/phase-<id>/``), so no ``/``, ``.`` or space.
PHASE_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class EventLocation:
    """A place named by the source for an event, and the district it resolves to."""

    name_in_source: str
    name_en: str
    district: str
    note: str | None = None
    #: The note in Hindi (``note_hi`` in the phases file); None where none is given.
    note_hi: str | None = None


@dataclass(frozen=True)
class Phase:
    """One campaign phase as declared in the phases file."""

    id: str
    title: str
    title_hi: str
    status: str
    source: str
    window_start: date
    window_end: date
    is_window_assumed: bool
    window_note: str | None
    announced_district_count: int | None
    event_locations: tuple[EventLocation, ...]
    event_districts: tuple[str, ...]
    nearby_districts: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())
    #: ``notes`` in Hindi, same order (``notes_hi``); empty where none are given.
    notes_hi: tuple[str, ...] = field(default=())
    #: ``window.note`` in Hindi (``window.note_hi``).
    window_note_hi: str | None = None
    #: A state-level target for the phase (registrations), when the department gave only that.
    state_target_count: int | None = None
    #: Where the state target comes from (a document, or "illustrative").
    state_target_source: str | None = None

    @property
    def is_illustrative(self) -> bool:
        """True for a phase that models the campaign rather than reports it."""
        return self.status == "illustrative"

    @property
    def participating_districts(self) -> tuple[str, ...]:
        """Event districts and nearby districts, sorted."""
        return tuple(sorted(set(self.event_districts) | set(self.nearby_districts)))

    @property
    def named_location_count(self) -> int:
        """How many places the source names (12 for phase 1, against 10 announced)."""
        return len(self.event_locations) if self.event_locations else len(self.event_districts)

    @property
    def has_count_discrepancy(self) -> bool:
        """True when the source's announced district count differs from the places it names."""
        return (
            self.announced_district_count is not None
            and self.announced_district_count != self.named_location_count
        )


def _parse_date(value: object, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise PhaseError(f"{where}: '{value}' is not a date; write it as YYYY-MM-DD") from None


def _nearby(event_districts: tuple[str, ...]) -> tuple[str, ...]:
    events = set(event_districts)
    near = {neighbour for district, neighbour in names.neighbour_pairs() if district in events}
    return tuple(sorted(near - events))


PHASE_KEYS = {
    "id", "title", "title_hi", "status", "source", "window", "announced_district_count",
    "event_locations", "event_districts", "include_neighbours", "notes", "notes_hi",
    "state_target_count", "state_target_source",
}
LOCATION_KEYS = {"name_in_source", "name_en", "district", "note", "note_hi"}


def _parse_location(raw: object, where: str) -> EventLocation:
    if not isinstance(raw, dict) or not {"name_in_source", "name_en", "district"} <= set(raw):
        raise PhaseError(f"{where}: each event location needs name_in_source, name_en and district; got {raw!r}")
    unknown = sorted(set(raw) - LOCATION_KEYS)
    if unknown:
        raise PhaseError(f"{where}: unknown key(s) {unknown} in an event location; allowed: {sorted(LOCATION_KEYS)}")
    return EventLocation(**{key: (str(value) if value is not None else None) for key, value in raw.items()})


def _state_target(raw: dict, where: str) -> tuple[int | None, str | None]:
    """The optional state target of a phase and its source; a count needs a source."""
    count = raw.get("state_target_count")
    source = raw.get("state_target_source")
    if count is None:
        if source is not None:
            raise PhaseError(f"{where}: state_target_source given without state_target_count; add the count or remove it")
        return None, None
    if not isinstance(count, int) or isinstance(count, bool) or count < 1:
        raise PhaseError(f"{where}: state_target_count '{count}' must be a whole number of registrations such as 12000")
    if not source or not str(source).strip():
        raise PhaseError(f"{where}: state_target_count needs state_target_source (the document that sets it)")
    return count, " ".join(str(source).split())


def _window(window: object, where: str) -> tuple[date, date]:
    """The start and end dates of a phase's ``window``, checked."""
    if not isinstance(window, dict):
        raise PhaseError(f"{where}: window must have start and end dates (YYYY-MM-DD)")
    start = _parse_date(window.get("start"), f"{where}, window.start")
    end = _parse_date(window.get("end"), f"{where}, window.end")
    if end < start:
        raise PhaseError(f"{where}: window ends ({end}) before it starts ({start})")
    return start, end


def _events(raw: dict, where: str, known_districts: set[str]) -> tuple[tuple[EventLocation, ...], tuple[str, ...]]:
    """A phase's event locations (none for ``event_districts: all``) and its event districts, checked."""
    if raw.get("event_districts") == "all":
        return (), tuple(sorted(known_districts))
    if "event_locations" not in raw:
        raise PhaseError(f"{where}: give either event_locations or event_districts: all")
    if not isinstance(raw["event_locations"], list) or not raw["event_locations"]:
        raise PhaseError(f"{where}: event_locations must be a list with at least one place")
    locations = tuple(_parse_location(loc, where) for loc in raw["event_locations"])
    unknown = [loc.district for loc in locations if loc.district not in known_districts]
    if unknown:
        raise PhaseError(
            f"{where}: event district(s) {unknown} are not districts of UP; use the names in "
            f"data/raw/reference/{names.DISTRICTS_FILE} (column name_common)"
        )
    return locations, tuple(sorted({loc.district for loc in locations}))


def _parse_phase(raw: dict, source_path: str, known_districts: set[str]) -> Phase:
    """One phase of the file (``source_path`` as shown in messages), checked."""
    if not isinstance(raw, dict):
        raise PhaseError(f"{source_path}: each phase must be a mapping of keys (id, title, ...); got {raw!r}")
    phase_id = str(raw.get("id", "")).strip()
    where = f"{source_path}, phase '{phase_id or '?'}'"
    if "id" in raw and not PHASE_ID_PATTERN.fullmatch(phase_id):
        raise PhaseError(f"{where}: the id may hold only letters, digits, '-' and '_' (it names the folder "
                         f"reports/phase-<id>/); write an id such as \"3\" or \"bundelkhand-2024\"")
    unknown_keys = sorted(set(raw) - PHASE_KEYS)
    if unknown_keys:
        raise PhaseError(f"{where}: unknown key(s) {unknown_keys}; allowed keys: {', '.join(sorted(PHASE_KEYS))}")
    announced = raw.get("announced_district_count")
    if announced is not None and (not isinstance(announced, int) or isinstance(announced, bool) or announced < 1):
        raise PhaseError(f"{where}: announced_district_count '{announced}' must be a whole number such as 10")
    for key in ("id", "title", "status", "source", "window"):
        if key not in raw:
            raise PhaseError(f"{where}: missing '{key}'; every phase needs id, title, status, source and window")
    if raw["status"] not in ("from_source", "illustrative"):
        raise PhaseError(f"{where}: status '{raw['status']}' must be 'from_source' or 'illustrative'")
    window = raw["window"]
    start, end = _window(window, where)
    locations, events = _events(raw, where, known_districts)
    nearby = _nearby(events) if raw.get("include_neighbours") else ()
    state_target_count, state_target_source = _state_target(raw, where)
    return Phase(
        id=phase_id,
        title=str(raw["title"]),
        title_hi=str(raw.get("title_hi", raw["title"])),
        status=raw["status"],
        source=" ".join(str(raw["source"]).split()),
        window_start=start,
        window_end=end,
        is_window_assumed=bool(window.get("is_assumed", False)),
        window_note=" ".join(str(window["note"]).split()) if window.get("note") else None,
        announced_district_count=announced,
        event_locations=locations,
        event_districts=events,
        nearby_districts=nearby,
        notes=tuple(" ".join(str(n).split()) for n in raw.get("notes", [])),
        notes_hi=tuple(" ".join(str(n).split()) for n in raw.get("notes_hi", [])),
        window_note_hi=" ".join(str(window["note_hi"]).split()) if window.get("note_hi") else None,
        state_target_count=state_target_count,
        state_target_source=state_target_source,
    )


class _ImpossibleDate(ValueError):
    """A YAML date that does not exist (2022-02-30), with the line it is on."""

    def __init__(self, text: str, line: int) -> None:
        super().__init__(text)
        self.text, self.line = text, line


class _PhasesLoader(SAFE_YAML_LOADER):  # type: ignore[misc, valid-type]
    """PyYAML's safe loader, except that an impossible date names its line instead of raising ``ValueError``."""


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> object:
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        raise _ImpossibleDate(str(node.value), node.start_mark.line + 1) from None


_PhasesLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)

#: How to fix a phases file that is not UTF-8 text.
_RESAVE_UTF8 = "open it in a text editor and save it with the encoding 'UTF-8' (in Notepad: Save As > Encoding: UTF-8)"


def _shown(path: Path) -> str:
    """The path as shown in a message: relative to the project root when inside it."""
    try:
        return Path(path).resolve().relative_to(paths.ROOT).as_posix()
    except ValueError:
        return str(path)


def _read_document(path: Path) -> object:
    """The YAML document of a phases file; any failure to read it is one ``PhaseError`` line naming file and line."""
    shown = _shown(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PhaseError(f"{shown}: phases file missing; restore it from git (its header comment explains the keys)") from None
    except OSError as error:
        raise PhaseError(f"{shown}: cannot be read ({error.strerror or error}); check the path and its permissions") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data[:4096]:
        raise PhaseError(f"{shown}: is saved as UTF-16 (Unicode) text, not UTF-8; {_RESAVE_UTF8}")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise PhaseError(f"{shown}, line {line}: is not UTF-8 text (it looks saved as ANSI, e.g. Windows-1252); "
                         f"{_RESAVE_UTF8}") from None
    try:
        return yaml.load(text, Loader=_PhasesLoader)  # noqa: S506 - a SafeLoader with one constructor replaced
    except _ImpossibleDate as error:
        raise PhaseError(f"{shown}, line {error.line}: '{error.text}' is not a real date; "
                         "write a date that exists, as YYYY-MM-DD (e.g. 2022-02-28)") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{shown}, line {mark.line + 1}" if mark is not None else shown
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise PhaseError(f"{where}: not valid YAML ({problem}); fix the indentation or quoting on that line "
                         "or the one above it") from None


@lru_cache(maxsize=4)
def load_phases(path: Path | None = None) -> dict[str, Phase]:
    """Load every phase from the phases file, keyed by phase id, in file order.

    Raises:
        PhaseError: the file is missing, not UTF-8 text, not valid YAML (the
            line is named), holds an impossible date or a phase id that is not
            letters, digits, ``-`` and ``_``, or names a district not in UP.
    """
    path = paths.PHASES_FILE if path is None else Path(path)
    document = _read_document(path)
    raws = document.get("phases") if isinstance(document, dict) else None
    shown = _shown(path)
    if not isinstance(raws, list) or not raws:
        raise PhaseError(f"{shown}: expected a top-level 'phases:' list with at least one phase")
    known = set(names.district_names())
    phases: dict[str, Phase] = {}
    for raw in raws:
        phase = _parse_phase(raw, shown, known)
        if phase.id in phases:
            raise PhaseError(f"{shown}: phase id '{phase.id}' appears twice; ids must be unique")
        phases[phase.id] = phase
    return phases


def get_phase(phase_id: str | int) -> Phase:
    """Return one phase by id; an unknown id raises PhaseError naming the valid ones."""
    phases = load_phases()
    key = str(phase_id).strip()
    if key not in phases:
        valid = ", ".join(phases)
        raise PhaseError(
            f"phase '{phase_id}' is not in {paths.PHASES_FILE.relative_to(paths.ROOT)}; valid phases: {valid}"
        )
    return phases[key]

