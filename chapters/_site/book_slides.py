"""Lecture slides made from the notebooks: the marking convention, and the page link.

A notebook says what goes on its section's slides with Jupyter's own
``slideshow`` cell metadata (JupyterLab: the property inspector's "Slide
Type"); ``chapters/_site/slides/build.py`` (``make slides``) turns the marked
cells into one reveal.js deck per section, in ``_build/slides/``. A notebook
with no cell of type ``slide`` gets no deck. The README describes the whole
convention; in short:

* ``slide`` starts a new slide with the cell, ``-`` adds the cell to the
  current slide, ``fragment`` adds it to be shown at the next key press;
* ``notes`` makes a markdown cell (usually the book's own paragraph) the
  current slide's speaker notes;
* cells without the metadata, or of type ``skip``, stay off the slides.

As a Sphinx extension (set up by ``book_site``), this module puts a link to
the deck under the title of every page whose notebook has slides. The book is
written to ``_build/html`` and the decks to ``_build/slides``, so the link is
relative: it works wherever the two folders are published side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: The slide types of Jupyter's ``slideshow`` metadata.
SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "notes", "skip")
#: Types that start a new slide.
STARTS_SLIDE = ("slide", "subslide")
#: A page's deck, relative to the page (``_build/html/chapters/X.html``).
DECKS_FROM_PAGE = "../../slides/"


def slide_type(cell: dict) -> str | None:
    """The cell's ``slideshow.slide_type``, or None when it has none.

    Examples
    --------
    >>> slide_type({"metadata": {"slideshow": {"slide_type": "notes"}}})
    'notes'
    >>> slide_type({"metadata": {}}) is None
    True
    """
    kind = (cell.get("metadata") or {}).get("slideshow", {}).get("slide_type")
    return kind if kind in SLIDE_TYPES else None


def has_slides(notebook: dict) -> bool:
    """True when the notebook (as JSON) marks at least one cell to start a slide.

    Examples
    --------
    >>> marked = {"metadata": {"slideshow": {"slide_type": "slide"}}}
    >>> has_slides({"cells": [{"metadata": {}}, marked]})
    True
    >>> has_slides({"cells": [{"metadata": {}}]})
    False
    """
    return any(slide_type(c) in STARTS_SLIDE for c in notebook.get("cells", []))


def deck_file(stem: str) -> str:
    """The deck's file name for the notebook ``stem`` (``01_x`` gives ``01_x.html``)."""
    return f"{stem}.html"


def _notebook_has_slides(path: Path) -> bool:
    try:
        return has_slides(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return False


def _link_the_deck(app, pagename: str, templatename: str, context: dict, doctree):
    body = context.get("body", "")
    source = Path(app.srcdir) / f"{pagename}.ipynb"
    if not body or not source.is_file() or not _notebook_has_slides(source):
        return
    href = DECKS_FROM_PAGE + deck_file(source.stem)
    link = (
        f'<p class="book-slides-link"><a href="{href}">'
        "Lecture slides for this section</a></p>"
    )
    at = body.find("</h1>")
    if at >= 0:
        at += len("</h1>")
        context["body"] = body[:at] + link + body[at:]


def setup(app) -> dict[str, Any]:
    # After book_site's own rewrite of the body (priority 900).
    app.connect("html-page-context", _link_the_deck, priority=950)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
