"""Validation of notebook parameters.

Each notebook calls one of these right after its ``parameters`` cell. A bad
value raises ``ParameterError``, which Jupyter and papermill show as a single
line (no traceback) naming the parameter, the value, and the valid choices.
Paths given relative are resolved against the project root, because Jupyter
runs a notebook with ``notebooks/`` as its working directory.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers.errors import ParameterError
from helpers.vocabulary import LANGUAGES
from helpers import paths
from helpers.campaign.phases import Phase, PhaseError, get_phase




def project_path(value: str | Path) -> Path:
    """Resolve a path parameter: absolute as given, relative against the project root."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else paths.ROOT / path


def require_phase(phase: str | int) -> Phase:
    """Return the phase with this id, or raise ParameterError naming the valid phases."""
    try:
        return get_phase(phase)
    except PhaseError as error:
        raise ParameterError(f"parameter 'phase': {error}") from None


def require_lang(lang: str) -> str:
    """Return ``lang`` if the kit has messages in that language ('en' or 'hi')."""
    if lang not in LANGUAGES:
        raise ParameterError(f"parameter 'lang': '{lang}' is not available; use one of {', '.join(LANGUAGES)}")
    return lang


def require_file(value: str | Path, name: str, hint: str) -> Path:
    """Return the resolved path of an input file that must exist; ``hint`` says how to make it."""
    path = project_path(value)
    if not path.is_file():
        raise ParameterError(f"parameter '{name}': file {path} not found; {hint}")
    return path


def require_positive_int(value: object, name: str) -> int:
    """Return ``value`` as an int >= 1, or raise ParameterError."""
    try:
        number = int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ParameterError(f"parameter '{name}': '{value}' is not a whole number") from None
    if number < 1 or str(number) != str(value).strip():
        raise ParameterError(f"parameter '{name}': '{value}' must be a whole number of 1 or more")
    return number


def output_dir(value: str | Path) -> Path:
    """Resolve an output folder parameter and create it."""
    path = project_path(value)
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_snapshot_date(value: str):
    """Return ``value`` (YYYY-MM-DD) as a Timestamp if the reference data has UP and India figures that day."""
    import pandas as pd

    from helpers.analysis import metrics

    try:
        day = pd.Timestamp(str(value))
    except ValueError:
        raise ParameterError(f"parameter 'snapshot_date': '{value}' is not a date; write it as YYYY-MM-DD") from None
    shares = metrics.up_share_by_snapshot()
    usable = shares[shares["measure"].isin(["artisans", "weavers"])].dropna(subset=["up_share_pct"])
    dates = sorted({d.date().isoformat() for d in usable["snapshot_date"]})
    if day.date().isoformat() not in dates:
        raise ParameterError(
            f"parameter 'snapshot_date': no UP and India artisan/weaver counts on {value}; dates with both: {', '.join(dates)}"
        )
    return day


def decide_as_of(as_of: str | date | None, latest: date | None, phase: Phase | None = None) -> date | None:
    """The one decision of a report's as-of date, for the build and for a notebook run by hand.

    The date given, else the latest date in the data, but never after the phase's window end
    (a phase that has ended is reported as of its end). None when neither is known.
    """
    if as_of:
        return as_of if isinstance(as_of, date) else date.fromisoformat(str(as_of).strip())
    if latest is None:
        return None
    return latest if phase is None else min(latest, phase.window_end)


def require_as_of(as_of: str, registrations, phase: Phase | None = None) -> date:
    """Return the as-of date of a report: ``as_of`` (YYYY-MM-DD), or ``decide_as_of``'s default when "".

    Args:
        as_of: the notebook parameter; "" means the latest date in the data, capped at the
            phase's end (as the build decides it).
        registrations: every cleaned registration (``helpers.analysis.progress.latest_data_date``
            finds the latest date in it).
        phase: the report's phase; the date may not fall before it began (default: the
            campaign's first phase).

    Raises:
        ParameterError: an impossible date, a date before the phase began or after the
            latest date in the data, or no dated registration at all (one line saying how to fix it).
    """
    from helpers.analysis.progress import latest_data_date
    from helpers.campaign.phases import load_phases

    text = str(as_of or "").strip()
    latest = latest_data_date(registrations)
    if not text:
        if latest is None:
            raise ParameterError("parameter 'as_of': the data has no dated registration; give a date as YYYY-MM-DD")
        return decide_as_of("", latest, phase)  # type: ignore[return-value]
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ParameterError(
            f"parameter 'as_of': '{as_of}' is not a date; write it as YYYY-MM-DD (e.g. 2021-12-31) or leave it empty"
        ) from None
    began, what = (
        (phase.window_start, f"phase {phase.id}") if phase is not None
        else (min(p.window_start for p in load_phases().values()), "the campaign's first phase")
    )
    if day < began:
        raise ParameterError(
            f"parameter 'as_of': {day.isoformat()} is before {what} began ({began.isoformat()}); "
            "give a later date or leave it empty for the latest date in the data"
        )
    if latest is not None and day > latest:
        raise ParameterError(
            f"parameter 'as_of': {day.isoformat()} is after the latest date in the data ({latest.isoformat()}); "
            f"give a date from {began.isoformat()} to {latest.isoformat()}, or leave it empty"
        )
    return day
