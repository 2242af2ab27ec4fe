"""The kit's base class for mistakes a user can fix.

A ``UserError`` names the file, row, column, value or parameter that is wrong and
says how to fix it, in one line. Jupyter and papermill show it as that one line
(IPython calls ``_render_traceback_`` instead of printing a traceback); the
``gem-reports`` command prints it and exits with code 2.
"""

from __future__ import annotations


class UserError(ValueError):
    """A mistake in the user's input, options or parameters, shown as one line."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]
