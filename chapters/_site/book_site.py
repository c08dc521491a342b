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
* Each page links one stylesheet holding only the rules that can match, and
  the icon font holds only the icons those rules draw (``book_assets``).
* Code blocks carry fewer elements: Pygments wraps every token in a ``<span>``,
  even names, punctuation and spaces that its style draws in the plain text
  colour (two thirds of a section's elements). Those are written as plain
  text; book.css gives a code block's text that colour.
* Every image but a page's first loads when the reader scrolls near it
  (``loading="lazy"``): a phone on a slow connection fetches the text and
  the first figure before a dozen figures further down.
* The landing page's notebooks download, a zip of every page with the
  package and the lock, is written at the end of the build (``book_downloads``).
* A page whose notebook marks lecture slides links its deck under its title
  (``book_slides``; ``make slides`` builds the decks).
* The explorers' JavaScript is put into the page here, not stored in the
  notebooks, which only name their module (``book_explorers``).
* Animations do the same: their frames, which the notebook output embeds in
  the page as base64 (130 kB of section 3's HTML), are written to
  ``_images/`` and fetched only when the animation comes within about a
  screen of the viewport, when its player starts.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import book_assets
import book_explorers
import book_lazy_explorers
from docutils import nodes
from packaging.version import Version
from pygments.styles import get_style_by_name
from pygments.token import STANDARD_TYPES, Token
from pygments.util import ClassNotFound

BINDERHUB_URL = "https://mybinder.org"
DESCRIPTION_CHARS = 155
BOOK_DESCRIPTION = (
    "An interactive book on convolutional neural networks in Python with "
    "MXNet/Gluon: every idea as a formula, a small checked example and real code."
)
#: Images at the top of a page that load at once (one may be the largest
#: thing in the first screen, which must not wait for a scroll).
EAGER_IMAGES = 1
# matplotlib's HTML player: one "frames[i] = <data URI>" line per frame
# (base64 continued over lines with a backslash), then a call that starts it.
ANIMATION_FRAME = re.compile(
    r'(frames\[\d+\] = ")data:image/(png|jpeg|svg\+xml);base64,([A-Za-z0-9+/=\\\n]+)"'
)
FRAME_SUFFIX = {"png": "png", "jpeg": "jpg", "svg+xml": "svg"}
INLINE_FRAME = re.compile(r'frames\[\d+\] = "data:')
ANIMATION_START = re.compile(
    r"setTimeout\(function\(\) \{\s*(anim\w+ = new Animation\([^;]*\);)\s*\}, 0\);"
)
# Starts the player when its box comes within 800 px of the viewport, or
# before the page prints (at once where IntersectionObserver is missing).
# img_id is the player's own. The leading ";" ends the frame assignment
# before it, which has none of its own in matplotlib's template.
START_WHEN_NEAR = (
    ";(function (box, start) {{\n"
    "  var started = false;\n"
    "  function go() {{ if (!started) {{ started = true; start(); }} }}\n"
    '  if (!("IntersectionObserver" in window)) {{ setTimeout(go, 0); return; }}\n'
    '  window.addEventListener("beforeprint", go);\n'
    "  var watch = new IntersectionObserver(function (entries) {{\n"
    "    if (entries.some(function (e) {{ return e.isIntersecting; }})) {{\n"
    "      watch.disconnect();\n"
    "      go();\n"
    "    }}\n"
    '  }}, {{ rootMargin: "800px 0px" }});\n'
    "  watch.observe(box);\n"
    "}})(document.getElementById(img_id).parentNode, function () {{ {start} }});"
)
SHARED_BOX_ID = re.compile(r'id="(exercise|solution)-content"')
# A cell's printed output: its box's classes and its text.
TEXT_OUTPUT = re.compile(
    r'(<div class="output (?:stream|text_plain)[^"]*)(">'
    r'<div class="highlight"><pre>)(.*?)(</pre>)',
    re.S,
)
# Lines laid out in columns: an array ("[[1 2]", " [3 4]]"), or a run of two
# spaces after the line's first word (a table's columns, aligned values).
COLUMNS = re.compile(r"^\s*\[|\S {2,}\S|^\s*<NDArray", re.M)
# The theme's summary for a collapsed output names itself "Toggle hidden
# content", which its visible text ("Show code cell output") does not contain
# (WCAG 2.5.3, label in name): its name comes from that text instead.
TOGGLE_SUMMARY = '<summary aria-label="Toggle hidden content">'


def mark_printed_outputs(body: str) -> str:
    """``body`` with each printed output marked as sentences or as columns.

    On a phone (book.css) an output printed as sentences (``output-prose``)
    wraps its long lines instead of scrolling sideways; one laid out in
    columns, a table or an array (``output-columns``), keeps its lines and
    is set small enough for its longest line (``--cols``, in characters) to
    fit, down to a smallest size, below which it scrolls.

    Examples
    --------
    >>> html = ('<div class="output stream x"><div class="highlight"><pre>'
    ...         'loss 0.5, accuracy 0.9</pre>')
    >>> "output-prose" in mark_printed_outputs(html)
    True
    >>> mark_printed_outputs(html.replace("loss", "a    b"))[:70]
    '<div class="output stream x output-columns" style="--cols: 24"><div cl'
    """

    def mark(m: re.Match) -> str:
        text = html.unescape(re.sub(r"<[^>]+>", "", m.group(3)))
        if not COLUMNS.search(text):
            return m.group(1) + " output-prose" + m.group(2) + m.group(3) + m.group(4)
        widest = max(len(line.expandtabs()) for line in text.splitlines() or [""])
        return (
            m.group(1)
            + f' output-columns" style="--cols: {widest}'
            + m.group(2)
            + m.group(3)
            + m.group(4)
        )

    return TEXT_OUTPUT.sub(mark, body)


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


# A code cell's source (not its output, whose class starts with "output").
CODE_BLOCK = re.compile(
    r'(<div class="highlight-[\w-]+ notranslate">'
    r'<div class="highlight"><pre>)(.*?)(</pre>)',
    re.S,
)
EMPTY_SPAN = "<span></span>"


def plain_token_classes(style_names: list[str]) -> frozenset[str]:
    """CSS classes of the tokens every named Pygments style draws as plain text.

    Parameters
    ----------
    style_names : list of str
        Pygments style names (the light and the dark one).

    Returns
    -------
    frozenset of str
        Short token classes (``"n"``, ``"p"``...) whose style equals the
        style's ``Text``: same colour, no bold, italic, underline or background.

    Examples
    --------
    >>> "n" in plain_token_classes(["a11y-high-contrast-light"])
    True
    >>> "k" in plain_token_classes(["a11y-high-contrast-light"])
    False
    """
    plain = {name for name in STANDARD_TYPES.values() if name}
    for style_name in style_names:
        style = get_style_by_name(style_name)
        text = style.style_for_token(Token.Text)
        plain &= {
            STANDARD_TYPES[token]
            for token in STANDARD_TYPES
            if STANDARD_TYPES[token] and style.style_for_token(token) == text
        }
    return frozenset(plain)


def thin_code_block(html_code: str, plain: frozenset[str]) -> str:
    """A Pygments ``<pre>`` body without spans that add nothing.

    Spans of a ``plain`` class become their text; neighbouring spans of one
    class become one span.

    Examples
    --------
    >>> thin_code_block(
    ...     '<span></span><span class="n">x</span><span class="w"> </span>'
    ...     '<span class="o">=</span><span class="o">=</span>',
    ...     frozenset({"n", "w"}),
    ... )
    'x <span class="o">==</span>'
    """
    if plain:
        names = "|".join(sorted(map(re.escape, plain)))
        html_code = re.sub(
            rf'<span class="(?:{names})">([^<]*)</span>', r"\1", html_code
        )
    html_code = html_code.replace(EMPTY_SPAN, "")
    return re.sub(
        r'(<span class="([\w-]+)">[^<]*)</span><span class="\2">', r"\1", html_code
    )


# Every page asks about the same two styles: work the answer out once.
@functools.cache
def _plain_classes(style_names: tuple[str, ...]) -> frozenset[str]:
    return plain_token_classes(list(style_names))


def _thin_code_blocks(body: str, plain: frozenset[str]) -> str:
    return CODE_BLOCK.sub(
        lambda m: m.group(1) + thin_code_block(m.group(2), plain) + m.group(3), body
    )


def animations_load_when_near(body: str, images: Path, images_url: str) -> str:
    """``body`` with its animations' frames as files under ``images``, started late.

    Each frame is written once, named by its content; ``images_url`` is the
    URL of ``images`` relative to the page (``"../_images/"`` for a chapter).
    """

    def frame_file(match: re.Match) -> str:
        data = base64.b64decode(match.group(3).replace("\\\n", ""))
        digest = hashlib.sha1(data).hexdigest()[:20]
        name = f"frame-{digest}.{FRAME_SUFFIX[match.group(2)]}"
        path = images / name
        if not path.exists() or path.stat().st_size != len(data):
            images.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return f'{match.group(1)}{images_url}{name}";'

    body = ANIMATION_FRAME.sub(frame_file, body)
    if INLINE_FRAME.search(body):
        return body  # a frame format not written out: the player starts as before
    return ANIMATION_START.sub(lambda m: START_WHEN_NEAR.format(start=m.group(1)), body)


def _pygments_styles(context: dict) -> list[str]:
    names = [
        context.get("theme_pygments_light_style"),
        context.get("theme_pygments_dark_style"),
    ]
    try:
        for name in names:
            get_style_by_name(name)
    except (ClassNotFound, TypeError):
        return []
    return names


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
        body = SHARED_BOX_ID.sub(
            lambda m: f'id="{m.group(1)}-content-{next(counter)}"', body
        )
        body = mark_printed_outputs(body).replace(TOGGLE_SUMMARY, "<summary>")
        if "new Animation(" in body:
            # Sphinx's own relative URL: right for html and dirhtml builds.
            images_url = context["pathto"]("_images/", 1)
            body = animations_load_when_near(
                body, Path(app.outdir) / "_images", images_url
            )
        styles = _pygments_styles(context)
        # Unknown styles: leave every span (an empty set would still merge).
        if styles:
            body = _thin_code_blocks(body, _plain_classes(tuple(styles)))
        # Last, so that no rewrite above touches the explorers' JavaScript.
        body = book_lazy_explorers.for_page(body, app, context)  # loaded when near
        context["body"] = book_explorers.inline_explorers(
            body, book_explorers.explorers_folder(app.confdir)
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


def _lazy_images(app, doctree: nodes.document, docname: str) -> None:
    """Mark every image after the page's first ``EAGER_IMAGES`` as lazy."""
    for image in list(doctree.findall(nodes.image))[EAGER_IMAGES:]:
        image.setdefault("loading", "lazy")


def _bundle_styles(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        book_assets.bundle_styles(app.outdir)


def setup(app) -> dict[str, Any]:
    app.setup_extension("book_math")
    app.setup_extension("book_downloads")
    app.setup_extension("book_slides")
    # After the themes' own build-finished handlers (pydata-sphinx-theme
    # writes pygments.css there).
    app.connect("build-finished", _bundle_styles, priority=900)
    app.connect("config-inited", _buttons_follow_repository)
    app.connect("doctree-resolved", _lazy_images)
    app.connect("doctree-read", book_explorers.note_modules)
    # After other extensions (priority 500) have added their scripts.
    app.connect("html-page-context", _page_context, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
