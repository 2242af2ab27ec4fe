"""The kit's one error hierarchy and its one table of exit codes.

Every error the kit raises on purpose is a ``KitError``; its class says how a
command ends. A ``UserError`` is a mistake the user can fix (a bad file, an
unknown district, a wrong parameter): its message is one line naming what is
wrong and how to fix it. Jupyter and papermill show it as that one line
(IPython calls ``_render_traceback_`` instead of printing a traceback); the
``gem-reports`` command prints it and exits with ``ExitCode.USER_ERROR``.
Anything else that escapes is an internal error: the command prints one line
naming the log file that holds the traceback, and exits with ``ExitCode.FAILED``.

Belongs here: the classes and the exit codes. Not here: where they are raised.
No exit code is ever decided by matching a message's text.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """How every ``gem-reports`` command ends."""

    OK = 0  #: everything asked for was done
    FAILED = 1  #: a report failed, or an internal error (a bug: report it)
    USER_ERROR = 2  #: a mistake in the user's input, options or parameters
    LOCKED = 3  #: another build holds the lock on reports/


class KitError(Exception):
    """Base of every error the kit raises on purpose."""

    exit_code: ExitCode = ExitCode.FAILED

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class UserError(KitError, ValueError):
    """A mistake in the user's input, options or parameters, shown as one line with its fix."""

    exit_code = ExitCode.USER_ERROR


class BuildLockedError(KitError):
    """Another build holds the lock on ``reports/``; wait for it and run again."""

    exit_code = ExitCode.LOCKED


# ---- user errors, one class per kind of input -------------------------------------------


class ParameterError(UserError):
    """A notebook parameter has a wrong type or value."""


class BuildOptionError(UserError):
    """A ``gem-reports build`` option is wrong: unknown phase, bad folder, unwritable log or reports folder."""


class PhaseError(UserError):
    """``data/raw/campaign/phases.yaml`` cannot be read or declares something impossible."""


class ReportsDeclarationError(UserError):
    """``notebooks/reports.yaml`` (the declared reports) cannot be read or is inconsistent."""


class ReferenceDataError(UserError):
    """A reference table in ``data/raw/reference/`` is missing, unreadable or fails its checks."""


class DistrictError(UserError):
    """A name that is not a district of UP, or a district table that is inconsistent."""


class MapError(UserError):
    """A boundary file given with ``--boundary`` cannot be used for the map."""


class SheetReadError(UserError):
    """A registration sheet cannot be read: wrong format, damaged, over a limit, protected.

    Its message is one line, ``file, sheet S: problem; fix`` (the file and
    sheet left out when not known yet); the parts stay on the error so that
    the ingest can record it as a file problem.
    """

    def __init__(self, problem: str, fix: str, source_file: str = "", source_sheet: str = "") -> None:
        where = ", ".join(part for part in (source_file, f"sheet {source_sheet}" if source_sheet else "") if part)
        super().__init__(f"{where}: {problem}; {fix}" if where else f"{problem}; {fix}")
        self.problem, self.fix = problem, fix
        self.source_file, self.source_sheet = source_file, source_sheet

    def __reduce__(self) -> tuple[type, tuple[str, str, str, str]]:
        return type(self), (self.problem, self.fix, self.source_file, self.source_sheet)


class RegistrationsError(UserError):
    """Registration sheets are not valid enough to build reports from."""


class DemoDataError(UserError):
    """The demo generator's inputs in ``data/raw/demo/`` are inconsistent."""


class StoreError(UserError):
    """The kit's memory (``data/processed/kit-memory.sqlite``) is damaged or from a newer kit: one line to recover."""


class TargetsError(UserError):
    """``data/raw/campaign/targets.csv`` or a phase's state target is inconsistent."""


# ---- internal errors: a bug in the kit or its environment, never a user's mistake ---------


class I18nError(KitError, KeyError):
    """A language is not supported, or a message key is missing from a catalogue."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class RenderError(KitError):
    """A page cannot be rendered as asked (a bug in the caller or in the kit's templates)."""


class PdfError(KitError):
    """Chromium is installed but could not print the page."""


class MissingFilesError(KitError):
    """A notebook ran but did not write every file its entry in ``notebooks/reports.yaml`` promises."""
