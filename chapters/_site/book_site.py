"""Sphinx extension: what the book's HTML needs beyond the theme's defaults.

* Repository, issue and Binder buttons appear only when ``repository.url`` is
  set in ``_config.yml``: that one setting switches them all on.
* Each page gets a ``<meta name="description">`` taken from its first
  paragraph.
* Math is MathML written at build time (``book_math``), so no page loads a
  script for it; every script file that the page does not need while it is
  parsed loads with ``defer``, so the text shows before the scripts have run.
* Exercise and solution boxes get unique ``id`` attributes (sphinx-exercise
  gives every box on a page the same one).
"""

from __future__ import annotations

import html
import re
from importlib import metadata
from typing import Any

from docutils import nodes
from packaging.version import Version

BINDERHUB_URL = "https://mybinder.org"
DESCRIPTION_CHARS = 155
BOOK_DESCRIPTION = (
    "An interactive book on convolutional neural networks in Python with "
    "MXNet/Gluon: every idea as a formula, a small checked example and real code."
)
SHARED_BOX_ID = re.compile(r'id="(exercise|solution)-content"')


def _buttons_follow_repository(app, config) -> None:
    """Show the repository, issue and Binder buttons only with a repository URL."""
    options = config.html_theme_options
    has_repository = bool(str(options.get("repository_url") or "").strip())
    options["use_repository_button"] = has_repository
    options["use_issues_button"] = has_repository
    launch = dict(options.get("launch_buttons") or {})
    # Colab gets no button: its Python is newer than 3.11, and MXNet 1.9.1
    # needs numpy < 1.24, which has no wheels past Python 3.11.
    launch["colab_url"] = ""
    launch["binderhub_url"] = BINDERHUB_URL if has_repository else ""
    options["launch_buttons"] = launch


def _first_paragraph(doctree: nodes.document) -> str:
    """The plain text of the page's first real paragraph, math left out."""
    for paragraph in doctree.findall(nodes.paragraph):
        if _inside(paragraph, (nodes.Admonition, nodes.list_item, nodes.table)):
            continue
        words = [
            t.astext()
            for t in paragraph.findall(nodes.Text)
            if not _inside(t, (nodes.math,))
        ]
        text = " ".join("".join(words).split())
        if len(text) >= 40:
            return text
    return ""


def _inside(node: nodes.Node, kinds: tuple) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False


def _shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


# pydata-sphinx-theme before 0.16 (the newest for Python 3.10 is 0.15.4) ships
# Bootstrap's CSS as a file of its own; templates/static/webpack-macros.html
# links it only then.
BOOTSTRAP_CSS_APART = Version(metadata.version("pydata-sphinx-theme")) < Version("0.16")


def _page_context(app, pagename: str, templatename: str, context: dict, doctree):
    context["book_theme_bootstrap_css"] = BOOTSTRAP_CSS_APART
    description = _first_paragraph(doctree) if doctree is not None else ""
    context["metatags"] = context.get("metatags", "") + (
        '\n    <meta name="description" content="'
        + html.escape(_shorten(description or BOOK_DESCRIPTION), quote=True)
        + '" />'
    )
    body = context.get("body", "")
    if body:
        counter = iter(range(1, 10_000))
        context["body"] = SHARED_BOX_ID.sub(
            lambda m: f'id="{m.group(1)}-content-{next(counter)}"', body
        )
    scripts = context.get("script_files")
    if isinstance(scripts, list):
        scripts[:] = [_deferred(s) for s in scripts]


# Needed while the page parses: inline scripts read DOCUMENTATION_OPTIONS, and
# the search page's searchtools.js (loaded by its template, not deferred)
# calls doctools.js's _ready().
PARSE_TIME_SCRIPTS = ("documentation_options.js", "doctools.js")


def _deferred(script: Any) -> Any:
    """The same script file with ``defer``, unless it must run while parsing."""
    attributes = dict(getattr(script, "attributes", {}) or {})
    name = str(getattr(script, "filename", "") or "")
    if (
        not name
        or "body" in attributes
        or {"async", "defer"} & set(attributes)
        or name.endswith(PARSE_TIME_SCRIPTS)
    ):
        return script
    return type(script)(name, priority=script.priority, defer="defer", **attributes)


def setup(app) -> dict[str, Any]:
    app.setup_extension("book_math")
    app.connect("config-inited", _buttons_follow_repository)
    # After other extensions (priority 500) have added their scripts.
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
