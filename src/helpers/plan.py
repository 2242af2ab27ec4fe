"""The plan of a build: the declared reports (``notebooks/reports.yaml``) expanded into jobs.

``load_declaration`` reads and checks the declaration; ``plan_jobs`` expands it
over the phases, languages and districts of one build. Every ``Job`` carries the
id of the report it runs and every ``Page`` its kind, so nothing downstream works
out what a file is from its name.

Belongs here: reading the declaration and expanding it. Not here: running a job
(``run``), deciding whether it is up to date (``fingerprints``) or the order and
locking of a build (``build``).
"""

from __future__ import annotations

import datetime as dt

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from helpers import paths
from helpers.campaign.phases import Phase
from helpers.errors import BuildOptionError, ReportsDeclarationError
from helpers.files import load_yaml
from helpers.vocabulary import AUDIENCES, LANGUAGES

#: The declaration of the kit's reports.
DECLARATION_FILE = paths.NOTEBOOKS_DIR / "reports.yaml"
#: What a report can run over, and the stages in the order they run.
OVER_VALUES = ("once", "phase", "phase_lang", "district_lang")
STAGES = ("prepare", "report")
PAGE_KINDS = ("brief", "analyst", "district", "prepare", "comparison")
#: Files other than pages a notebook writes into its out_dir, by kind:
#: workbook (tables as .xlsx), share_card (a PNG for phones, with ``.alt.txt`` beside it),
#: figures (the published figures, appended to the ledger), summary (headline figures for the index, JSON).
FILE_KINDS = ("workbook", "share_card", "figures", "summary")
#: Named groups of input files a report may declare.
INPUT_GROUPS = ("registration_sheets", "reference_tables", "campaign_files", "prepared_data", "boundary_file")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED = ("id", "notebook", "over", "stage", "title", "out_dir", "executed", "pages")


@dataclass(frozen=True)
class PageSpec:
    """A page declared for a report, with placeholders not yet filled in."""

    file: str
    audience: str
    kind: str
    pdf: bool = False
    langs: tuple[str, ...] | None = None  # the languages it is rendered in; None: every language of the run


@dataclass(frozen=True)
class Artifact:
    """A file other than a page that a report's notebook writes into its out_dir."""

    file_name: str
    kind: str  # one of FILE_KINDS


@dataclass(frozen=True)
class ReportSpec:
    """One declared report (an entry of ``reports.yaml``)."""

    id: str
    notebook: Path  # resolved against the declaration file's folder
    over: str
    stage: str
    title: Mapping[str, str]
    parameters: Mapping[str, str]
    out_dir: str
    executed: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    pages: tuple[PageSpec, ...]
    files: tuple[Artifact, ...] = ()  # their names' placeholders not yet filled in


@dataclass(frozen=True)
class Page:
    """One file rendered from an executed notebook."""

    file_name: str  # name inside the job's out_dir
    audience: str  # "brief" (no code) or "analyst" (with code)
    kind: str  # what the index lists it as: brief, analyst, district, prepare
    pdf: bool = False  # also print a PDF beside it


@dataclass(frozen=True)
class Job:
    """One notebook execution and the pages rendered from it."""

    key: str  # unique: out_dir/executed stem, e.g. "phase-1/04_phase_brief.hi", "phase-1/districts/agra"
    report_id: str
    stage: str
    title: str
    notebook: Path
    parameters: dict
    out_dir: Path
    executed_name: str
    pages: tuple[Page, ...]
    input_paths: tuple[Path, ...]
    artifacts: tuple[Artifact, ...] = ()
    output_paths_outside: tuple[Path, ...] = ()
    phase_id: str | None = None
    district: str | None = None
    lang: str = "en"
    is_illustrative: bool = False
    phase_label: str = ""  # the phase's title in the job's language (for the printed running footer)
    as_of: str = ""  # the as-of date the build passes (YYYY-MM-DD)

    @property
    def executed_path(self) -> Path:
        """Where the executed notebook is kept: ``paths.EXECUTED_DIR``, laid out as ``reports/`` is."""
        return paths.EXECUTED_DIR / self.out_dir.relative_to(paths.REPORTS_DIR) / self.executed_name

    @property
    def output_paths(self) -> list[Path]:
        """Every file the job leaves behind: the executed notebook, its pages, files and declared outputs."""
        return [
            self.executed_path, *(self.out_dir / p.file_name for p in self.pages),
            *(self.out_dir / a.file_name for a in self.artifacts), *self.output_paths_outside,
        ]


@dataclass(frozen=True)
class BuildScope:
    """What one build covers: phases, languages, districts and the inputs the user chose."""

    phases: tuple[Phase, ...]
    langs: tuple[str, ...] = ("en",)
    districts: str = "events"  # events | all | none
    registrations_dir: Path | None = None
    boundary_path: Path | None = None
    as_of: str = ""  # YYYY-MM-DD given by the user, or "" for the default below
    with_pdf: bool = True
    latest_data_date: str = ""  # the latest date in the prepared data, known after the prepare stage
    is_synthetic: bool | None = None  # whether the prepared data is synthetic, known after the prepare stage


def default_as_of(scope: BuildScope, phase: Phase | None) -> str:
    """The as-of date of a report (``params.decide_as_of``: the notebooks decide it the same way), as YYYY-MM-DD."""
    from helpers.params import decide_as_of

    latest = dt.date.fromisoformat(scope.latest_data_date) if scope.latest_data_date else None
    day = decide_as_of(scope.as_of, latest, phase)
    return day.isoformat() if day else ""


def check_as_of(scope: BuildScope, latest: str = "") -> None:
    """Refuse an ``--as-of`` date the reports cannot be as of: in the future, before a phase began, after the data.

    Called before any notebook runs (``latest`` "": the data's latest date is not known yet), and again
    after the prepare stage with the latest date in the prepared data.

    Raises:
        BuildOptionError: one line naming the valid range.
    """
    if not scope.as_of:
        return
    day = dt.date.fromisoformat(scope.as_of)
    today = dt.date.today()
    starts = {phase.id: phase.window_start for phase in scope.phases}
    first = min(starts.values()) if starts else None
    last = min(filter(None, (latest, today.isoformat())))
    if day > today:
        raise BuildOptionError(f"--as-of {day} is in the future; give a date from {first} to {last}, or leave "
                               "--as-of out for the latest date in the data")
    late = [p for p, start in starts.items() if day < start]
    if late:
        began = ", ".join(f"phase {p} began on {starts[p]}" for p in late)
        other = [p for p in starts if p not in late]
        hint = f"build {' '.join('--phase ' + p for p in other)} only, or " if other else ""
        raise BuildOptionError(f"--as-of {day} is before the phase began ({began}); {hint}give a date from "
                               f"{max(starts[p] for p in late)} to {last}")
    if latest and scope.as_of > latest:
        raise BuildOptionError(f"--as-of {day} is after the latest date in the data ({latest}); give a date from "
                               f"{first} to {latest}, or add the sheets of the later weeks first")


# ------------------------------------------------------------------ declaration


def _fail(path: Path, where: str, problem: str) -> ReportsDeclarationError:
    return ReportsDeclarationError(f"{path}: {where}: {problem}; fix the entry (see the comments at the top of the file)")


def _check_choices(raw: dict, path: Path, where: str, **allowed: Sequence[str]) -> None:
    """Refuse an entry whose field (each key of ``allowed``) holds a value not among its allowed values."""
    for name, values in allowed.items():
        if raw[name] not in values:
            raise _fail(path, where, f"{name} '{raw[name]}' is not one of {', '.join(values)}")


def _page_spec(raw: object, path: Path, where: str) -> PageSpec:
    if not isinstance(raw, dict) or not {"file", "audience", "kind"} <= set(raw):
        raise _fail(path, where, "a page needs file, audience and kind")
    _check_choices(raw, path, where, audience=AUDIENCES, kind=PAGE_KINDS)
    langs = raw.get("langs")
    if langs is not None and (not isinstance(langs, list) or not langs or not set(langs) <= set(LANGUAGES)):
        raise _fail(path, where, f"langs must be a list of languages from {', '.join(LANGUAGES)}, not {langs!r}")
    return PageSpec(file=str(raw["file"]), audience=raw["audience"], kind=raw["kind"], pdf=bool(raw.get("pdf", False)),
                    langs=tuple(langs) if langs is not None else None)


def _file_spec(raw: object, path: Path, where: str) -> Artifact:
    if not isinstance(raw, dict) or not {"file", "kind"} <= set(raw):
        raise _fail(path, where, "a file needs file and kind")
    _check_choices(raw, path, where, kind=FILE_KINDS)
    return Artifact(file_name=str(raw["file"]), kind=raw["kind"])


def _report_spec(raw: object, path: Path, number: int) -> ReportSpec:
    where = f"report {number}"
    if not isinstance(raw, dict):
        raise _fail(path, where, "each report is a mapping of fields")
    missing = [name for name in _REQUIRED if name not in raw]
    if missing:
        raise _fail(path, f"{where} ({raw.get('id', '?')})", f"missing field(s) {', '.join(missing)}")
    where = f"report '{raw['id']}'"
    if not _ID.match(str(raw["id"])):
        raise _fail(path, where, "the id must be lower-case letters, digits and _")
    _check_choices(raw, path, where, over=OVER_VALUES, stage=STAGES)
    inputs = tuple(raw.get("inputs") or ())
    unknown = [name for name in inputs if name not in INPUT_GROUPS]
    if unknown:
        raise _fail(path, where, f"unknown input group(s) {', '.join(unknown)}; use {', '.join(INPUT_GROUPS)}")
    title = raw["title"] if isinstance(raw["title"], dict) else {"en": str(raw["title"])}
    if "en" not in title or not set(title) <= set(LANGUAGES):
        raise _fail(path, where, f"the title needs an 'en' text, and texts only for {', '.join(LANGUAGES)}")
    pages = tuple(_page_spec(p, path, f"{where}, page {i + 1}") for i, p in enumerate(raw["pages"] or ()))
    files = tuple(_file_spec(f, path, f"{where}, file {i + 1}") for i, f in enumerate(raw.get("files") or ()))
    if not pages:
        raise _fail(path, where, "declare at least one page")
    return ReportSpec(
        id=raw["id"], notebook=path.parent / str(raw["notebook"]), over=raw["over"], stage=raw["stage"], title=title,
        parameters={str(k): str(v) for k, v in (raw.get("parameters") or {}).items()},
        out_dir=str(raw["out_dir"]), executed=str(raw["executed"]), inputs=inputs,
        outputs=tuple(str(o) for o in raw.get("outputs") or ()), pages=pages, files=files,
    )


@lru_cache(maxsize=4)
def _load_declaration_cached(path: Path, mtime_ns: int) -> tuple[ReportSpec, ...]:
    try:
        document = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ReportsDeclarationError(f"{path}: cannot be read ({error}); restore it from git") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f"line {mark.line + 1}" if mark else "somewhere"
        raise ReportsDeclarationError(f"{path}: not valid YAML at {line}; fix the indentation or quoting there") from None
    if not isinstance(document, dict) or not isinstance(document.get("reports"), list):
        raise ReportsDeclarationError(f"{path}: needs a top-level 'reports:' list")
    specs = tuple(_report_spec(raw, path, i + 1) for i, raw in enumerate(document["reports"]))
    ids = [s.id for s in specs]
    duplicated = sorted({i for i in ids if ids.count(i) > 1})
    if duplicated:
        raise ReportsDeclarationError(f"{path}: report id(s) {', '.join(duplicated)} declared twice; make each id unique")
    return specs


def load_declaration(path: Path | None = None) -> tuple[ReportSpec, ...]:
    """The declared reports, in file order.

    Raises:
        ReportsDeclarationError: the file is missing, not YAML, or an entry is incomplete or wrong.
    """
    path = Path(path or DECLARATION_FILE)
    if not path.is_file():
        raise ReportsDeclarationError(f"{path}: the reports declaration is missing; restore it from git")
    return _load_declaration_cached(path, path.stat().st_mtime_ns)


# ------------------------------------------------------------------ expansion


def relative(path: Path | str) -> str:
    """``path`` relative to the project root when inside it (for messages and build records).

    String work rather than ``Path.relative_to``: a build plans thousands of paths.
    """
    text, root = str(path), str(paths.ROOT)
    if text.startswith(root + "/") and ".." not in text:
        return text[len(root) + 1:]
    try:
        return str(Path(path).relative_to(paths.ROOT))
    except ValueError:
        return text


def _files_under(folder: Path, pattern: str = "*") -> tuple[Path, ...]:
    if not folder.exists():
        return ()
    return tuple(sorted(
        p for p in folder.rglob(pattern)
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ))


def input_files(group: str, scope: BuildScope, prepared: Sequence[Path], listed: dict) -> tuple[Path, ...]:
    """The files of one named input group (see ``INPUT_GROUPS``).

    ``listed``: a cache of the groups already listed while planning one build (folders are walked once).
    """
    key = (group, scope.registrations_dir, scope.boundary_path, tuple(prepared))
    if key in listed:
        return listed[key]
    if group == "registration_sheets":
        found = _files_under(scope.registrations_dir or paths.REGISTRATIONS_RAW_DIR)
    elif group == "reference_tables":
        found = _files_under(paths.REFERENCE_DIR, "*.csv")
    elif group == "campaign_files":
        found = _files_under(paths.CAMPAIGN_DIR)
    elif group == "prepared_data":
        found = tuple(prepared)
    elif group == "boundary_file":
        found = (Path(scope.boundary_path).resolve(),) if scope.boundary_path else ()
    else:
        raise ReportsDeclarationError(f"unknown input group '{group}'")
    listed[key] = found
    return found


def _contexts(spec: ReportSpec, scope: BuildScope) -> list[dict[str, str]]:
    """One context of placeholder values per job the report expands to."""
    if spec.over == "once":
        return [{"lang": "en"}]
    langs = ("en",) if spec.over == "phase" else scope.langs
    if spec.over != "district_lang":
        return [{"phase": phase.id, "lang": lang} for phase in scope.phases for lang in langs]
    from helpers.reference.names import district_names

    def briefed(phase: Phase) -> Sequence[str]:
        """The districts of ``phase`` that get a brief: none, all 75, or its event districts."""
        if scope.districts == "none":
            return ()
        return district_names() if scope.districts == "all" else phase.event_districts

    return [{"phase": phase.id, "lang": lang, "district": name}
            for phase in scope.phases for lang in langs for name in briefed(phase)]


def _values(context: Mapping[str, str], scope: BuildScope, phases: Mapping[str, Phase]) -> dict[str, str]:
    from helpers.presentation.i18n import district_name
    from helpers.languages import language, localized
    from helpers.reference.names import slugify

    lang = context.get("lang", "en")
    phase = phases.get(context.get("phase", ""))
    district = context.get("district", "")
    return {
        **context,
        "lang_suffix": language(lang).file_suffix,
        "phase_title": localized(phase, "title", lang) if phase else "",
        "district_title": district_name(district, lang) if district else "",
        "district_slug": slugify(district) if district else "",
        "registrations_dir": relative(scope.registrations_dir or paths.REGISTRATIONS_RAW_DIR),
        "processed_dir": relative(paths.PROCESSED_DIR),
        "boundary_path": str(Path(scope.boundary_path).resolve()) if scope.boundary_path else "",
        "as_of": default_as_of(scope, phase),
        "is_synthetic": "" if scope.is_synthetic is None else str(bool(scope.is_synthetic)).lower(),
        "latest_data_date": scope.latest_data_date,
    }


def _fill(template: str, values: Mapping[str, str], spec: ReportSpec) -> str:
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as error:
        raise ReportsDeclarationError(
            f"{DECLARATION_FILE.name}: report '{spec.id}': placeholder {error} in '{template}' is not known"
        ) from None


def _job(
    spec: ReportSpec, values: dict[str, str], scope: BuildScope, prepared: Sequence[Path], listed: dict
) -> Job:
    lang = values.get("lang", "en")
    title_template = spec.title.get(lang, spec.title["en"])
    out_dir = _fill(spec.out_dir, values, spec)
    executed = _fill(spec.executed, values, spec)
    key = f"{out_dir}/{Path(executed).stem}"  # unique: no two jobs write the same executed notebook
    artifacts = tuple(Artifact(_fill(f.file_name, values, spec), f.kind) for f in spec.files)
    values = {**values, "out_dir": relative(paths.REPORTS_DIR / out_dir), "report_key": key,
              **{f"{kind}_file": next((a.file_name for a in artifacts if a.kind == kind), "") for kind in FILE_KINDS}}
    parameters = {name: _fill(v, values, spec) for name, v in spec.parameters.items()}
    phase = next((p for p in scope.phases if p.id == values.get("phase")), None)
    inputs = tuple(dict.fromkeys(p for group in spec.inputs for p in input_files(group, scope, prepared, listed)))
    return Job(
        key=key,
        report_id=spec.id,
        stage=spec.stage,
        title=_fill(title_template, values, spec),
        notebook=spec.notebook,
        parameters={name: value for name, value in parameters.items() if value != ""},
        out_dir=paths.REPORTS_DIR / out_dir,
        executed_name=executed,
        pages=tuple(
            Page(_fill(p.file, values, spec), p.audience, p.kind, p.pdf and scope.with_pdf) for p in spec.pages
            if p.langs is None or lang in p.langs
        ),
        input_paths=inputs,
        artifacts=artifacts,
        output_paths_outside=tuple(paths.ROOT / o for o in spec.outputs),
        phase_id=phase.id if phase else None,
        district=values.get("district") or None,
        lang=lang,
        is_illustrative=bool(phase and phase.is_illustrative),
        phase_label=values.get("phase_title", ""),
        as_of=values.get("as_of", ""),
    )


def plan_jobs(
    scope: BuildScope, declaration: Sequence[ReportSpec] | None = None, stages: Sequence[str] = STAGES
) -> list[Job]:
    """Every job of a build, the prepare stage first, in declaration order within a stage.

    Args:
        scope: the phases, languages, districts and inputs of this build.
        declaration: the reports to expand (default: ``notebooks/reports.yaml``).

    Raises:
        ReportsDeclarationError: the declaration is wrong, or names a notebook that does not exist.
    """
    specs = tuple(declaration if declaration is not None else load_declaration())
    for spec in specs:
        if not spec.notebook.is_file():
            raise ReportsDeclarationError(
                f"report '{spec.id}': notebook {relative(spec.notebook)} does not exist; "
                "add the notebook or remove its entry from the reports declaration"
            )
    prepared = tuple(paths.ROOT / o for s in specs if s.stage == "prepare" for o in s.outputs)
    phases = {p.id: p for p in scope.phases}
    listed: dict = {}
    return [
        _job(spec, _values(context, scope, phases), scope, prepared, listed)
        for stage in stages
        for spec in specs if spec.stage == stage
        for context in _contexts(spec, scope)
    ]


def plan_report(
    report_id: str, *, phase: str | None = None, lang: str = "en", district: str | None = None,
    declaration: Sequence[ReportSpec] | None = None,
) -> Job:
    """The job of one report, for one phase, language and district, as a build plans it.

    A notebook run by hand names its folder, ledger key and files with it
    (``params.require_report_files``), so they are the ones the build would give it.

    Raises:
        ReportsDeclarationError: no report ``report_id`` is declared.
    """
    from helpers.campaign.phases import get_phase

    specs = {spec.id: spec for spec in (declaration if declaration is not None else load_declaration())}
    if report_id not in specs:
        raise ReportsDeclarationError(f"{DECLARATION_FILE.name}: no report '{report_id}'; declared: {', '.join(specs)}")
    spec = specs[report_id]
    phases = {p.id: p for p in ([get_phase(phase)] if phase and spec.over != "once" else [])}
    scope = BuildScope(phases=tuple(phases.values()), langs=(lang,))
    context = {"lang": lang if spec.over != "once" else "en", **{"phase": p for p in phases},
               **({"district": district} if district and spec.over == "district_lang" else {})}
    return _job(spec, _values(context, scope, phases), scope, (), {})
