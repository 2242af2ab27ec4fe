"""Small HTML fragments a notebook shows in the briefs: headings, paragraphs, lists, key-figure cards, tables.

Each function returns HTML in which every piece of text is escaped; ``show``
displays fragments as one output. Tables are ``display.text_table_html`` (shown with
``display.show_table``), charts are shown with ``charts.show_chart``.

Belongs here: fragments of a page built inside a notebook. Not here: whole pages
(``helpers.publishing.pages``) or the figures themselves (``helpers.analysis``).
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from helpers.errors import KitError

def show(*fragments: str) -> None:
    """Display HTML fragments (from the helpers below) as one output."""
    from IPython.display import HTML, display

    display(HTML("\n".join(fragments)))


def heading(text: str, level: int = 2) -> str:
    """An escaped HTML heading: ``heading("Key figures")`` -> ``<h2>Key figures</h2>``."""
    if not 1 <= level <= 6:
        raise KitError(f"heading level {level} must be 1 to 6")
    return f"<h{level}>{html.escape(text)}</h{level}>"


def paragraph(text: str, css_class: str | None = None) -> str:
    """An escaped HTML paragraph, optionally with a class (``kit-note``, ``kit-warning``)."""
    attribute = f' class="{html.escape(css_class)}"' if css_class else ""
    return f"<p{attribute}>{html.escape(text)}</p>"


def bullet_list(items: Iterable[str]) -> str:
    """An escaped HTML bullet list."""
    return "<ul>" + "".join(f"<li>{html.escape(str(item))}</li>" for item in items) + "</ul>"


@dataclass(frozen=True)
class KeyFigure:
    """One key figure for the brief's first screen: value, what it is, where it is from."""

    value: str
    label: str
    source: str = ""


def key_figure_cards(figures: Sequence[KeyFigure]) -> str:
    """Key figures as a grid of cards (one column on a phone), all text escaped."""
    cards = "".join(f'<div class="kit-card"><span class="kit-value">{html.escape(figure.value)}</span>'
                    f'<span class="kit-label">{html.escape(figure.label)}</span>'
                    + (f'<span class="kit-source">{html.escape(figure.source)}</span>' if figure.source else "") + "</div>"
                    for figure in figures)
    return f'<div class="kit-cards">{cards}</div>'
