"""The running footer of printed pages: title, phase and as-of date on every page of a PDF.

Chromium prints the CSS paged-media margin boxes (``@page { @bottom-left { content: ... } }``,
supported since Chromium 131), so a brief printed to PDF (``pdf.print_pdf``) carries
on every page the line built here, beside the page number of ``kit.css``. The look
of the margin boxes is in ``templates/static/print.css``; this module adds the text.

Belongs here: what is printed in the page margins. Not here: the page's own
print rules (``kit.css``), printing (``pdf``), the synthetic-data banner (``render``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from functools import lru_cache
from pathlib import Path

import rcssmin

from helpers.presentation import i18n

#: The stylesheet of the running footer (``templates/static/print.css``).
PRINT_STYLESHEET_FILE = Path(__file__).resolve().parent / "templates" / "static" / "print.css"
#: How an as-of date given as a date is written in the footer.
DATE_PATTERN = "%d-%m-%Y"


@lru_cache(maxsize=1)
def print_stylesheet() -> str:
    """The running footer's stylesheet (``templates/static/print.css``), minified (rcssmin)."""
    return rcssmin.cssmin(PRINT_STYLESHEET_FILE.read_text(encoding="utf-8"))


def css_string(text: str) -> str:
    """Quote ``text`` as a CSS string literal (for ``content:``): quotes, backslashes, newlines, ``<`` escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\A ").replace("<", "\\3C ")
    return f'"{escaped}"'


#: The longest title the running footer prints whole; a longer one is cut with "..." (the
#: footer is one line at the foot of an A4 page, beside the page number).
MAX_TITLE_CHARS = 56


def running_line(*, title: str, phase: str, as_of: dt.date | str, lang: str) -> str:
    """The footer's text: ``"<title> · <phase> · figures as of <date>"`` in ``lang``.

    Args:
        title: the report's title (plain text).
        phase: the phase as readers name it ("Phase 1", "प्रथम चरण").
        as_of: the date the figures are as of (a date, or text already formatted).
        lang: "en" or "hi".
    """
    if isinstance(as_of, str):
        with contextlib.suppress(ValueError):
            as_of = dt.date.fromisoformat(as_of)  # an ISO date from the build is printed like any other
    date_text = as_of.strftime(DATE_PATTERN) if isinstance(as_of, dt.date) else str(as_of)
    one_line = " ".join(f"{title}".split())
    if phase and phase not in one_line:  # a brief's title names its phase: say it once
        one_line = f"{one_line} · {phase}"
    if len(one_line) > MAX_TITLE_CHARS:  # the footer's box is one line: the date must never fall off it
        one_line = one_line[: MAX_TITLE_CHARS - 3].rstrip(" :·,") + "..."
    return i18n.t("print.running", lang, title=one_line, date=date_text)


def running_footer_css(*, title: str, phase: str, as_of: dt.date | str, lang: str) -> str:
    """CSS for a page's ``<style>``: the running footer's look and its text for this report.

    Put it after ``kit.css`` (its ``@page`` rule adds to kit.css's, which keeps the page number).

    Returns:
        ``print.css`` followed by ``@page { @bottom-left { content: "<running line>"; } }``.

    Raises:
        helpers.presentation.i18n.I18nError: unknown language.
    """
    line = running_line(title=title, phase=phase, as_of=as_of, lang=lang)
    return f"{print_stylesheet()}\n@page {{ @bottom-left {{ content: {css_string(line)}; }} }}\n"
