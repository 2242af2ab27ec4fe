"""Campaign phases, read from ``data/raw/campaign/phases.yaml``.

A phase is data: its id, title, window, the places the source names and the
districts they resolve to. This module loads the file (validated by
``schemas.PhaseModel``: a quoted "false", an unknown key or an id that cannot name
a file is one line saying how to fix it), checks its districts, and derives
what the notebooks need: the phase's event districts and the nearby districts
that take part. It knows nothing about registrations or reports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from helpers import paths
from helpers.campaign import schemas
from helpers.campaign.schemas import LocationModel, PhaseModel
from helpers.errors import PhaseError
from helpers.reference import names

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
    event_locations: tuple[LocationModel, ...]  #: the places the source names and the districts they resolve to
    event_districts: tuple[str, ...]
    nearby_districts: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: ``notes`` in Hindi, same order (``notes_hi``); empty where none are given.
    notes_hi: tuple[str, ...] = ()
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


def _events(model: PhaseModel, where: str, known_districts: set[str]) -> tuple[tuple[LocationModel, ...], tuple[str, ...]]:
    """A phase's event locations (none for ``event_districts: all``) and its event districts, checked."""
    if model.event_districts == "all":
        return (), tuple(sorted(known_districts))
    locations = tuple(model.event_locations or ())
    unknown = [loc.district for loc in locations if loc.district not in known_districts]
    if unknown:
        raise PhaseError(
            f"{where}: event district(s) {unknown} are not districts of UP; use the names in "
            f"data/raw/reference/{names.DISTRICTS_FILE} (column name_common)"
        )
    return locations, tuple(sorted({loc.district for loc in locations}))


def _parse_phase(raw: object, source_path: str, known_districts: set[str]) -> Phase:
    """One phase of the file (``source_path`` as shown in messages), validated by ``PhaseModel``."""
    if not isinstance(raw, dict):
        raise PhaseError(f"{source_path}: each phase must be a mapping of keys (id, title, ...); got '{str(raw)[:40]}'")
    phase_id = str(raw.get("id", "")).strip()[:40]
    where = f"{source_path}, phase '{phase_id or '?'}'"
    model: PhaseModel = schemas.validate(PhaseModel, raw, where, PhaseError)
    locations, events = _events(model, where, known_districts)
    window = model.window
    near = {neighbour for district, neighbour in names.neighbour_pairs() if district in events} - set(events)
    return Phase(
        **model.model_dump(include={"id", "title", "status", "source", "announced_district_count",
                                    "state_target_count", "state_target_source"}),  # the keys kept as they are
        title_hi=model.title_hi or model.title,
        window_start=window.start,
        window_end=window.end,
        is_window_assumed=window.is_assumed,
        window_note=window.note,
        window_note_hi=window.note_hi,
        event_locations=locations,
        event_districts=events,
        nearby_districts=tuple(sorted(near)) if model.include_neighbours else (),
        notes=tuple(model.notes),
        notes_hi=tuple(model.notes_hi),
    )


@lru_cache(maxsize=4)
def load_phases(path: Path | None = None) -> dict[str, Phase]:
    """Load every phase from the phases file, keyed by phase id, in file order.

    Raises:
        PhaseError: the file is missing, not UTF-8 text, not valid YAML (the
            line is named), holds an impossible date or a phase id that is not
            letters, digits, ``-`` and ``_``, or names a district not in UP.
    """
    path = paths.PHASES_FILE if path is None else Path(path)
    document = schemas.read_yaml(path, PhaseError, "phases file")
    raws = document.get("phases") if isinstance(document, dict) else None
    shown = schemas.shown(path)
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

