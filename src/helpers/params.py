"""Validation of notebook parameters, and the one decision of each fact the build passes to them.

Each notebook calls one of these right after its ``parameters`` cell. A bad
value raises ``ParameterError``, which Jupyter and papermill show as a single
line (no traceback) naming the parameter, the value, and the valid choices.
Paths given relative are resolved against the project root, because Jupyter
runs a notebook with ``notebooks/`` as its working directory.

Some parameters are facts the build decides once and passes to every notebook:
whether the data is synthetic and its latest date (``data_facts.read_data_facts``), the
as-of date (``decide_as_of``) and a report's folder, ledger key and file names
(``helpers.plan.plan_report``, the expansion of ``notebooks/reports.yaml``).
A notebook run by hand leaves them empty and ``require_data_facts``,
``require_as_of`` and ``require_report_files`` call the same functions, so it
gets the answer the build would have passed.

Belongs here: checking parameters and deciding those facts. Not here: computing
figures (``helpers.analysis``) or planning a build (``helpers.plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from helpers import paths
from helpers.campaign.phases import Phase, PhaseError, get_phase
from helpers.data_facts import DataFacts, read_data_facts
from helpers.errors import ParameterError
from helpers.vocabulary import LANGUAGES

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

    from helpers.analysis import national

    try:
        day = pd.Timestamp(str(value))
    except ValueError:
        raise ParameterError(f"parameter 'snapshot_date': '{value}' is not a date; write it as YYYY-MM-DD") from None
    shares = national.up_share_by_snapshot()
    usable = shares[shares["measure"].isin(["artisans", "weavers"])].dropna(subset=["up_share_pct"])
    dates = sorted({d.date().isoformat() for d in usable["snapshot_date"]})
    if day.date().isoformat() not in dates:
        raise ParameterError(
            f"parameter 'snapshot_date': no UP and India artisan/weaver counts on {value}; dates with both: {', '.join(dates)}"
        )
    return day


def _require_date(value: object, name: str, hint: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value).strip())
    except ValueError:
        raise ParameterError(f"parameter '{name}': '{value}' is not a date; write it as YYYY-MM-DD (e.g. 2021-12-31) "
                             f"{hint}") from None


def require_data_facts(registrations_file: Path | str, is_synthetic: str | bool = "", latest_data_date: str = "") -> DataFacts:
    """The parameters ``is_synthetic`` and ``latest_data_date`` as the build passes them; "" as the build decides them.

    An empty parameter is read from ``registrations_file`` by ``read_data_facts``, the function the
    build calls, so a notebook run by hand shows the same facts as the build's page.

    Raises:
        ParameterError: ``is_synthetic`` other than true/false, or ``latest_data_date`` not a date.
    """
    read = read_data_facts(registrations_file) if is_synthetic in ("", None) or not latest_data_date else None
    if is_synthetic in ("", None):
        flag = read.is_synthetic  # type: ignore[union-attr]
    elif str(is_synthetic).strip().lower() in ("true", "false"):
        flag = str(is_synthetic).strip().lower() == "true"
    else:
        raise ParameterError(f"parameter 'is_synthetic': '{is_synthetic}' is not true or false; "
                             "leave it empty to read it from the registrations")
    latest = (_require_date(latest_data_date, "latest_data_date", "or leave it empty to read it from the registrations")
              if latest_data_date else read.latest_data_date)  # type: ignore[union-attr]
    return DataFacts(flag, latest)


# ------------------------------------------------------------------ the as-of date


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


def require_as_of(as_of: str, latest: date | None, phase: Phase | None = None) -> date:
    """Return the as-of date of a report: ``as_of`` (YYYY-MM-DD), or ``decide_as_of``'s default when "".

    Args:
        as_of: the notebook parameter; "" means the latest date in the data, capped at the
            phase's end (as the build decides it).
        latest: the latest date in the data (``require_data_facts``), None when no row is dated.
        phase: the report's phase; the date may not fall before it began (default: the
            campaign's first phase).

    Raises:
        ParameterError: an impossible date, a date before the phase began or after the
            latest date in the data, or no dated registration at all (one line saying how to fix it).
    """
    from helpers.campaign.phases import load_phases

    if not str(as_of or "").strip():
        if latest is None:
            raise ParameterError("parameter 'as_of': the data has no dated registration; give a date as YYYY-MM-DD")
        return decide_as_of("", latest, phase)  # type: ignore[return-value]
    day = _require_date(as_of, "as_of", "or leave it empty")
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


# ------------------------------------------------------------------ a report's files


@dataclass(frozen=True)
class ReportFiles:
    """Where a report's notebook writes: its folder (created), its key in the ledger, its files by kind."""

    out_dir: Path
    report_key: str
    paths: dict[str, Path]  # kind (``plan.FILE_KINDS``) -> the file in out_dir


def require_report_files(
    report_id: str, phase: str | None = None, lang: str = "en", district: str | None = None, *,
    out_dir: str = "", report_key: str = "", **names: str,
) -> ReportFiles:
    """The folder, ledger key and file names of a report as the build passes them; "" as the build names them.

    What is left empty comes from ``helpers.plan.plan_report``, the expansion of
    ``notebooks/reports.yaml`` the build makes, so a notebook run by hand writes the same
    files under the same key as the build.

    Args:
        report_id: the report's id in ``notebooks/reports.yaml``.
        phase, lang, district: what the report is of (as the notebook's parameters say).
        out_dir, report_key: the notebook's parameters.
        names: the notebook's file parameters by kind (e.g. ``figures="varanasi.figures.csv"``).

    Raises:
        ParameterError: the declaration has no file of a kind asked for.
    """
    if not (out_dir and report_key and all(names.values())):
        from helpers.plan import plan_report

        job = plan_report(report_id, phase=phase, lang=lang, district=district)
        declared = {artifact.kind: artifact.file_name for artifact in job.artifacts}
        missing = [kind for kind, name in names.items() if not name and kind not in declared]
        if missing:
            raise ParameterError(f"parameter '{missing[0]}_file': notebooks/reports.yaml declares no {missing[0]} file "
                                 f"for report '{report_id}'; give the file name or declare it there")
        out_dir, report_key = out_dir or str(job.out_dir), report_key or job.key
        names = {kind: name or declared[kind] for kind, name in names.items()}
    folder = output_dir(out_dir)
    return ReportFiles(folder, report_key, {kind: folder / name for kind, name in names.items()})
