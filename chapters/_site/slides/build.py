"""Build the lecture slides: one reveal.js deck per section, from its notebook.

Usage (``make slides`` runs it with the book's set-up)::

    .venv/bin/python chapters/_site/slides/build.py --reveal DIR [--out _build/slides]

``DIR`` is the reveal.js package installed from npm (``make slides`` pins it).
What goes on the slides is marked in the notebooks (``book_slides`` and the
README describe the convention); this script only lays the marked cells out:

* a title slide, whose speaker notes are the cells marked ``notes`` before
  the first slide (the page's opening paragraph);
* one slide per cell marked ``slide``, holding that cell and the cells marked
  ``-`` or ``fragment`` after it, with the cells marked ``notes`` as its
  speaker notes. A slide-only cell (tagged ``remove-cell``, so the book leaves
  it out) that starts with a heading gives the slide its title; a line holding
  only ``{eq}`label``` shows the page's equation of that label, numbered as
  in the book;
* code cells as the notebook stores them: the source, highlighted, and the
  outputs nbval compares (text, figures, the animations' players and the
  running explorers, as the book's build makes them);
* a closing slide: the first sentence of each exercise (the whole prompts in
  its notes) and a link to the section's page in the book.

Everything a deck loads sits in the output folder: reveal.js and its notes
plugin, the slides' stylesheet and script, the math font cut down to the
characters the decks use, and the figures and animation frames as files.
Math is MathML written here with the book's converter (``book_math``), so no
deck runs a script for it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import re
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml
from fontTools import subset
from fontTools.ttLib import TTFont
from markdown_it import MarkdownIt
from mdit_py_plugins.colon_fence import colon_fence_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_blocks import myst_block_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

HERE = Path(__file__).resolve().parent
SITE = HERE.parent
ROOT = SITE.parents[1]
sys.path.insert(0, str(SITE))

import book_assets  # noqa: E402
import book_explorers  # noqa: E402
import book_math  # noqa: E402
import book_site  # noqa: E402
import book_slides  # noqa: E402

try:  # explorers that load late (the LeNet explorer): in the book's build too
    import book_lazy_explorers as lazy_explorers  # noqa: E402
except ImportError:
    lazy_explorers = None

#: Files of the reveal.js package that a deck loads, and its licence.
REVEAL_FILES = ("dist/reset.css", "dist/reveal.css", "dist/reveal.js")
REVEAL_PLUGINS = ("dist/plugin/notes.js",)
#: The book's code colours (the theme's light Pygments style).
CODE_STYLE = "a11y-high-contrast-light"
#: Tags that keep part of a code cell off its slide; the book's own
#: ``remove-input`` and ``remove-output`` count too.
NO_INPUT = {"slide-remove-input", "remove-input"}
NO_OUTPUT = {"slide-remove-output", "remove-output"}
OUTPUT_FRAGMENT = "slide-output-fragment"
COLUMNS = "slide-columns"
#: How much larger than its natural size a figure may be drawn on a slide
#: (matplotlib draws the book's figures for a 688-pixel column).
FIGURE_GROWTH = 2.0
#: The longest opening of an exercise that the closing slide shows.
PROMPT_CHARS = 230
HIDDEN_FROM_BOOK = {"remove-cell", "remove_cell"}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
EQ_LINE = re.compile(r"^\{eq\}`([\w-]+)`[ \t]*$", re.M)
ROLE_TARGET = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
LABEL_LINE = re.compile(
    r"^\((?P<label>[\w-]+)\)=\s*\n(?P<hashes>#+)\s+(?P<title>.+)$", re.M
)
HEADING = re.compile(r"^#{1,6}\s+(?P<title>.+?)\s*$")
OPTION = re.compile(r"^:(?P<key>[\w-]+):\s*(?P<value>.*)$")


# --- What the book knows about its sections ----------------------------------


@dataclass
class Section:
    """One page of the book: its notebook, number and title."""

    path: Path
    number: str  # "1", "7"; "" for an appendix page
    title: str

    @property
    def stem(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        return f"Section {self.number}" if self.number else "Appendix"


def read_sections(root: Path) -> list[Section]:
    """Every notebook of the table of contents, numbered as the book numbers them.

    Chapters of numbered parts count on across parts (the book sets
    ``use_multitoc_numbering``); the appendix is not numbered.
    """
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    sections, count = [], 0
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            path = root / (chapter["file"] + ".ipynb")
            if not path.is_file():
                continue
            number = ""
            if part.get("numbered"):
                count += 1
                number = str(count)
            first = nbformat.read(path, as_version=4).cells[0].source
            title = first.splitlines()[0].lstrip("#").strip()
            sections.append(Section(path, number, title))
    return sections


def book_labels(sections: list[Section]) -> dict[str, str]:
    """What Sphinx writes for a reference without its own text: a heading's
    title for a section label, "Exercise S.k" for an exercise label."""
    labels = {}
    for section in sections:
        nb = nbformat.read(section.path, as_version=4)
        k = 0
        for cell in book_cells(nb):
            if cell.cell_type != "markdown":
                continue
            for m in LABEL_LINE.finditer(cell.source):
                labels[m.group("label")] = m.group("title").strip()
            for label in re.findall(r"^:label:\s*(ex-[\w-]+)", cell.source, re.M):
                k += 1
                labels[label] = f"Exercise {section.number}.{k}".replace(" .", " ")
    return labels


def book_cells(nb) -> list:
    """The cells the book shows (slide-only cells are tagged to be left out)."""
    return [
        c for c in nb.cells if not HIDDEN_FROM_BOOK & set(c.metadata.get("tags", []))
    ]


# --- Markdown (MyST's subset the book uses) to HTML ---------------------------


@dataclass
class PageContext:
    """What the renderer needs to write references the way the book does."""

    section: Section
    equations: dict[str, tuple[str, str]]  # label -> (number, TeX)
    labels: dict[str, str]
    doc_titles: dict[str, str]
    math_seen: set = field(default_factory=set)


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .use(dollarmath_plugin, allow_labels=True, double_inline=True)
        .use(myst_role_plugin)
        .use(colon_fence_plugin)
        .use(myst_block_plugin)
    )


class Markdown:
    """MyST markdown of one page to HTML: MathML for math, text for references."""

    def __init__(self, context: PageContext):
        self.context = context
        self.md = _parser()
        rules = {
            "math_inline": lambda t: self.math(t.content, display=False),
            "math_inline_double": lambda t: self.math(t.content, display=True),
            "math_block": lambda t: self.math(t.content, display=True),
            "math_block_label": lambda t: self.math(t.content, True, t.info.strip()),
            "myst_role": self.role,
            "myst_target": lambda t: "",
            "myst_line_comment": lambda t: "",
            "myst_block_break": lambda t: "",
            "colon_fence": self.directive,
            "fence": self.fence,
        }
        for name, rule in rules.items():
            self.md.add_render_rule(
                name, lambda _r, tokens, idx, _o, _e, rule=rule: rule(tokens[idx])
            )

    def render(self, source: str) -> str:
        def equation(m: re.Match) -> str:
            number_tex = self.context.equations.get(m.group(1))
            if number_tex is None:
                raise ValueError(
                    f"{self.context.section.stem}: no equation {m.group(1)}"
                )
            return f"$$\n{number_tex[1]}\n$$ ({m.group(1)})"

        return self.md.render(EQ_LINE.sub(equation, source))

    def inline(self, source: str) -> str:
        return self.md.renderInline(source)

    def math(self, tex: str, display: bool, label: str = "") -> str:
        tex = tex.strip()
        if display:
            parts = [p for p in tex.split("\n\n") if p.strip()]
            if len(parts) > 1 or (r"\\" in tex and r"\begin" not in tex):
                tex = r"\begin{align*}" + r" \\ ".join(parts) + r"\end{align*}"
        markup = _mathml(tex, display)
        self.context.math_seen.add(markup)
        if not display:
            return markup
        number = ""
        if label and label in self.context.equations:
            number = f'<span class="eqno">({self.context.equations[label][0]})</span>'
        return f'<div class="math-display">{markup}{number}</div>\n'

    def role(self, token) -> str:
        name, content = token.meta.get("name", ""), token.content
        target = ROLE_TARGET.match(content)
        text, key = (target["text"], target["target"]) if target else ("", content)
        if name == "eq":
            number = self.context.equations.get(key.strip(), (None,))[0]
            return html.escape(f"({number})" if number else key)
        if name in ("ref", "numref"):
            return html.escape(text or self.context.labels.get(key, key))
        if name == "doc":
            return html.escape(text or self.context.doc_titles.get(key, key))
        return f"<code>{html.escape(content)}</code>"

    def fence(self, token) -> str:
        info = token.info.strip()
        if info.startswith("{"):  # a MyST directive in backticks
            name = info[1:].split("}", 1)[0]
            if name in ("solution-start", "solution-end"):
                return ""
            return self.md.render(_directive_body(token.content)[1])
        code = highlight(token.content, PythonLexer(), HtmlFormatter(nowrap=True))
        return f'<pre class="input"><code>{code}</code></pre>\n'

    def directive(self, token) -> str:
        info = token.info.strip()
        name, _, argument = info.partition("}")
        name = name.lstrip("{")
        options, body = _directive_body(token.content)
        inner = self.md.render(body)
        if name == "exercise":
            title = self.context.labels.get(options.get("label", ""), "Exercise")
        else:
            title = argument.strip() or name.capitalize()
        classes = html.escape(f"admonition {name} {options.get('class', '')}".strip())
        return (
            f'<div class="{classes}"><p class="admonition-title">'
            f"{self.inline(title)}</p>{inner}</div>\n"
        )


def _directive_body(content: str) -> tuple[dict, str]:
    """A directive's leading ``:key: value`` options, and the rest of its text."""
    options, lines = {}, content.splitlines()
    while lines and (m := OPTION.match(lines[0])):
        options[m["key"]] = m["value"].strip()
        lines.pop(0)
    return options, "\n".join(lines)


_MATHML: dict[tuple[str, bool], str] = {}


def _mathml(tex: str, display: bool) -> str:
    if (tex, display) not in _MATHML:
        _MATHML[tex, display] = book_math.tex_to_mathml(tex, display)
    return _MATHML[tex, display]


def equations_of(nb, section: Section) -> dict[str, tuple[str, str]]:
    """The page's labelled display equations: label -> (the book's number, TeX).

    The book numbers them in page order as "S.k" (a page without a section
    number as "k").
    """
    parser, found = _parser(), {}
    for cell in book_cells(nb):
        if cell.cell_type != "markdown":
            continue
        for token in parser.parse(cell.source):
            if token.type == "math_block_label":
                k = len(found) + 1
                number = f"{section.number}.{k}" if section.number else str(k)
                found[token.info.strip()] = (number, token.content.strip())
    return found


# --- Cells to slides -----------------------------------------------------------


@dataclass
class Slide:
    """One slide: a title, blocks of HTML, speaker notes and where they came from."""

    kind: str = "content"  # "title", "content" or "closing"
    title: str = ""
    blocks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: bool = False  # the blocks side by side, under the title
    title_cell: str = ""  # the cell that gave the title


@dataclass
class Deck:
    section: Section
    slides: list[Slide]
    html_file: Path
    images: set = field(default_factory=set)

    @property
    def size(self) -> int:
        """Bytes of the deck's page and of every image and frame it loads."""
        return self.html_file.stat().st_size + sum(
            p.stat().st_size for p in self.images
        )


class DeckBuilder:
    """Lays out one notebook's marked cells as slides and writes the deck."""

    def __init__(self, section, sections, labels, out: Path):
        self.section = section
        self.nb = nbformat.read(section.path, as_version=4)
        self.out = out
        self.images_dir = out / "_images"
        self.context = PageContext(
            section=section,
            equations=equations_of(self.nb, section),
            labels=labels,
            doc_titles={s.stem: s.title for s in sections},
        )
        self.markdown = Markdown(self.context)
        self.images: set[Path] = set()

    # Cells ------------------------------------------------------------------

    def slides(self) -> list[Slide]:
        title = Slide(kind="title", title=self.section.title)
        slides, current = [title], title
        for cell in self.nb.cells:
            kind = book_slides.slide_type(cell)
            if kind in (None, "skip"):
                continue
            if kind == "notes":
                current.notes.append(self.notes_html(cell))
                continue
            starts = kind in book_slides.STARTS_SLIDE
            if starts:
                current = Slide(columns=COLUMNS in cell.metadata.get("tags", []))
                slides.append(current)
            fragment = kind == "fragment"
            if cell.cell_type == "markdown":
                source = cell.source
                heading = HEADING.match(source.splitlines()[0]) if source else None
                if heading and not current.blocks and not current.title:
                    current.title = heading["title"]
                    current.title_cell = cell.id
                    source = source.split("\n", 1)[1] if "\n" in source else ""
                if source.strip():
                    current.blocks.append(self.markdown_block(cell, source, fragment))
            elif cell.cell_type == "code":
                current.blocks.append(self.code_block(cell, fragment))
        slides.append(self.closing_slide())
        return slides

    def notes_html(self, cell) -> str:
        source = cell.source
        if source.startswith("# "):  # the page's title: the title slide shows it
            source = source.split("\n", 1)[1] if "\n" in source else ""
        body = self.markdown.render(source)
        return f'<div data-cell-id="{html.escape(cell.id)}">{body}</div>'

    def markdown_block(self, cell, source: str, fragment: bool) -> str:
        classes = "cell markdown" + (" fragment" if fragment else "")
        return (
            f'<div class="{classes}" data-cell-id="{html.escape(cell.id)}">'
            f"{self.markdown.render(source)}</div>"
        )

    def code_block(self, cell, fragment: bool) -> str:
        tags = set(cell.metadata.get("tags", []))
        parts = []
        if not NO_INPUT & tags:
            code = highlight(cell.source, PythonLexer(), HtmlFormatter(nowrap=True))
            if not cell.source.endswith("\n"):  # Pygments ends every block with one
                code = code.removesuffix("\n")
            parts.append(f'<pre class="input"><code>{code}</code></pre>')
        if not NO_OUTPUT & tags:
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            outputs = self.outputs_html(cell.outputs, alt)
            if outputs:
                extra = " fragment" if OUTPUT_FRAGMENT in tags else ""
                parts.append(f'<div class="outputs{extra}">{outputs}</div>')
        classes = ["cell", "code"]
        if COLUMNS in tags:
            classes.append("columns")
        if fragment:
            classes.append("fragment")
        joined = "".join(parts)
        if "<img" in joined or "d2l-explorer" in joined or "new Animation(" in joined:
            classes.append("has-figure")
        return (
            f'<div class="{" ".join(classes)}" data-cell-id="{html.escape(cell.id)}">'
            f"{joined}</div>"
        )

    def outputs_html(self, outputs, alt: str) -> str:
        pieces, stream = [], []

        def flush():
            if stream:
                text = ANSI.sub("", "".join(stream)).rstrip("\n")
                pieces.append(f'<pre class="output">{html.escape(text)}</pre>')
                stream.clear()

        for output in outputs:
            if output.output_type == "stream":
                if output.name == "stdout":
                    stream.append(output.text)
                continue
            flush()
            if output.output_type == "error":
                text = f"{output.ename}: {ANSI.sub('', output.evalue)}"
                pieces.append(f'<pre class="output error">{html.escape(text)}</pre>')
                continue
            data = output.get("data", {})
            if "text/html" in data and (
                "data-d2l-explorer" in data["text/html"]
                or "new Animation(" in data["text/html"]
            ):
                pieces.append(self.live_html(data["text/html"]))
            elif "image/png" in data:
                pieces.append(self.image_html(data["image/png"], alt))
            elif "text/html" in data:
                pieces.append(f'<div class="output-html">{data["text/html"]}</div>')
            elif "text/plain" in data:
                text = ANSI.sub("", data["text/plain"])
                pieces.append(f'<pre class="output">{html.escape(text)}</pre>')
        flush()
        return "".join(pieces)

    def image_html(self, data: str, alt: str) -> str:
        raw = base64.b64decode(data)
        path = self.images_dir / f"fig-{hashlib.sha1(raw).hexdigest()[:20]}.png"
        if not path.exists():
            self.images_dir.mkdir(parents=True, exist_ok=True)
            path.write_bytes(raw)
        self.images.add(path)
        # A figure grows with the room the slide leaves it, up to this factor.
        width, height = png_size(raw)
        limit = (
            f' style="--fig-max-height: {round(height * FIGURE_GROWTH)}px"'
            if height
            else ""
        )
        return (
            f'<img class="figure" src="_images/{path.name}" width="{width}" '
            f'height="{height}"{limit} alt="{html.escape(alt)}">'
        )

    def live_html(self, markup: str) -> str:
        """An explorer made to run, or an animation's player, its frames as files."""
        if "data-d2l-explorer" in markup:
            folder = book_explorers.explorers_folder(ROOT)
            if "data-d2l-load=" in markup and lazy_explorers is not None:
                # A large explorer (its module and data as files, loaded when
                # its slide comes near), as the book's build ships it.
                markup = lazy_explorers.lazy_explorers(
                    markup, folder, self.out, "_static/"
                )
            return (
                '<div class="explorer">'
                + book_explorers.inline_explorers(markup, folder)
                + "</div>"
            )
        player = book_site.animations_load_when_near(
            markup, self.images_dir, "_images/"
        )
        frames = [
            self.images_dir / n for n in re.findall(r'_images/(frame-[\w.]+)"', player)
        ]
        self.images.update(frames)
        height = png_size(frames[0].read_bytes())[1] if frames else 0
        limit = f' style="--frame-max-height: {round(height * FIGURE_GROWTH)}px"'
        return f'<div class="player"{limit if height else ""}>{player}</div>'

    # The closing slide --------------------------------------------------------

    def exercises(self) -> list[tuple[str, str, str]]:
        """(title, first sentence, whole prompt) of every exercise, in page order."""
        found = []
        for cell in book_cells(self.nb):
            if cell.cell_type != "markdown":
                continue
            for token in _parser().parse(cell.source):
                if token.type == "colon_fence" and token.info.startswith("{exercise}"):
                    options, body = _directive_body(token.content)
                    title = self.context.labels.get(
                        options.get("label", ""), "Exercise"
                    )
                    found.append((title, prompt_lead(body), body))
        return found

    def closing_slide(self) -> Slide:
        exercises = self.exercises()
        page = f"../html/chapters/{self.section.stem}.html"
        where = f"{self.section.label}, {self.section.title}"
        items = "".join(
            f"<li>{self.markdown.inline(sentence)}</li>" for _, sentence, _ in exercises
        )
        blocks = []
        if items:
            blocks.append(f'<ol class="exercises">{items}</ol>')
        blocks.append(
            '<p class="to-the-book">The whole section, with the solutions: '
            f'<a href="{html.escape(page)}">{html.escape(where)}</a> in the book.</p>'
        )
        notes = "".join(
            f"<h3>{html.escape(title)}</h3>{self.markdown.render(body)}"
            for title, _, body in exercises
        )
        return Slide(
            kind="closing",
            title="Exercises" if items else "Read on",
            blocks=blocks,
            notes=[notes] if notes else [],
        )

    # The page -------------------------------------------------------------------

    def write(self, book_title: str) -> Deck:
        slides = self.slides()
        sections = "\n".join(self.slide_html(s, book_title) for s in slides)
        title = f"{self.section.label}: {self.section.title}"
        page = DECK_PAGE.format(
            title=html.escape(title + " (slides)"),
            slides=sections,
        )
        path = self.out / book_slides.deck_file(self.section.stem)
        path.write_text(page, encoding="utf-8")
        return Deck(self.section, slides, path, set(self.images))

    def slide_html(self, slide: Slide, book_title: str) -> str:
        notes = ""
        if slide.notes:
            notes = '<aside class="notes">' + "".join(slide.notes) + "</aside>"
        if slide.kind == "title":
            return (
                '<section class="title-slide" data-kind="title"><div class="frame">'
                f'<p class="book-title">{html.escape(book_title)}</p>'
                f'<p class="section-label">{html.escape(self.section.label)}</p>'
                f"<h1>{self.markdown.inline(slide.title)}</h1>"
                f'<p class="hint">Lecture slides made from the notebook '
                f"<code>chapters/{html.escape(self.section.path.name)}</code></p>"
                f"</div>{notes}</section>"
            )
        heading = ""
        if slide.title:
            cell = (
                f' data-cell-id="{html.escape(slide.title_cell)}"'
                if slide.title_cell
                else ""
            )
            heading = f"<h2{cell}>{self.markdown.inline(slide.title)}</h2>"
        blocks = "".join(slide.blocks)
        if slide.columns:
            blocks = f'<div class="slide-row">{blocks}</div>'
        return (
            f'<section data-kind="{slide.kind}"><div class="frame">{heading}'
            f'<div class="body">{blocks}</div></div>{notes}</section>'
        )


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG image, from its header (0, 0 if not a PNG).

    >>> header = b"\\x89PNG\\r\\n\\x1a\\n" + bytes(4) + b"IHDR"
    >>> png_size(header + bytes([0, 0, 1, 2, 0, 0, 0, 3]))
    (258, 3)
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return 0, 0
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def sentences(markdown_text: str) -> list[str]:
    """The sentences of a prompt's first paragraph: each ends at a full stop,
    question or exclamation mark outside math and code.

    >>> sentences("Set $x = 1.5$. Then add. Why?")
    ['Set $x = 1.5$.', 'Then add.', 'Why?']
    """
    text = " ".join(markdown_text.strip().split("\n\n", 1)[0].split())
    found, start, in_math, in_code = [], 0, False, False
    for i, char in enumerate(text):
        if char == "$" and not in_code:
            in_math = not in_math
        elif char == "`" and not in_math:
            in_code = not in_code
        elif char in ".?!" and not (in_math or in_code):
            rest = text[i + 1 :]
            if not rest or (rest[0] == " " and rest[1:2].isupper()):
                found.append(text[start : i + 1].strip())
                start = i + 1
    tail = text[start:].strip()
    return found + [tail] if tail else found


def prompt_lead(markdown_text: str, limit: int = PROMPT_CHARS) -> str:
    """An exercise's opening for the closing slide: its first sentence, and the
    second too when the first only sets the scene (ends without a question)
    and both fit in ``limit`` characters.

    >>> prompt_lead("Sound is a sequence. When does locality hold? Derive it.")
    'Sound is a sequence. When does locality hold?'
    >>> prompt_lead("Could a layer read text? Describe how.")
    'Could a layer read text?'
    """
    parts = sentences(markdown_text)
    if not parts:
        return ""
    lead = parts[0]
    if not lead.endswith("?") and len(parts) > 1 and len(lead) + len(parts[1]) < limit:
        lead += " " + parts[1]
    return lead


# --- Shared files, the index and the whole build ----------------------------------

DECK_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="_static/code.css">
<link rel="stylesheet" href="_static/deck.css">
</head>
<body>
<div class="reveal"><div class="slides">
{slides}
</div></div>
<script src="_static/reveal/reveal.js"></script>
<script src="_static/reveal/plugin/notes.js"></script>
<script src="_static/deck.js"></script>
</body>
</html>
"""

INDEX_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Lecture slides: {book}</title>
<link rel="stylesheet" href="_static/deck.css">
</head>
<body class="deck-index">
<main>
<h1>Lecture slides</h1>
<p>{book}: one deck per section, made from the book's notebooks.</p>
<table>
<thead><tr><th scope="col">Section</th><th scope="col">Slides</th>
<th scope="col">Print</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
<h2>Presenting</h2>
<ul>
<li><kbd>→</kbd>, <kbd>Space</kbd> or <kbd>N</kbd>: next; <kbd>←</kbd> or
<kbd>P</kbd>: back; <kbd>Home</kbd>, <kbd>End</kbd>: first, last slide.</li>
<li><kbd>S</kbd>: the speaker view, in a window of its own (the book's
explanation of the slide, the next slide and a clock).</li>
<li><kbd>F</kbd>: full screen; <kbd>O</kbd>: all slides at a glance;
<kbd>?</kbd>: every key.</li>
<li>On a slide with an explorer, click into it to use it: the arrow keys then move
inside the explorer. <kbd>Esc</kbd> gives the keys back to the slides.</li>
</ul>
<h2>Printing</h2>
<p>Open a deck's print view (the links above), then print it to PDF from the
browser (Chrome or Chromium: landscape, margins none, background graphics on):
one slide per page, each with its final state. Add <code>&amp;showNotes=true</code>
to the address to print the speaker notes under each slide.</p>
</main>
</body>
</html>
"""


def write_static(out: Path, reveal: Path) -> None:
    static = out / "_static"
    (static / "reveal" / "plugin").mkdir(parents=True, exist_ok=True)
    for name in REVEAL_FILES:
        shutil.copyfile(reveal / name, static / "reveal" / Path(name).name)
    for name in REVEAL_PLUGINS:
        shutil.copyfile(reveal / name, static / "reveal" / "plugin" / Path(name).name)
    shutil.copyfile(reveal / "LICENSE", static / "reveal" / "LICENSE")
    for name in ("deck.css", "deck.js"):
        shutil.copyfile(HERE / name, static / name)
    formatter = HtmlFormatter(style=CODE_STYLE)
    (static / "code.css").write_text(
        "/* Pygments' colours for the book's code style. */\n"
        + formatter.get_style_defs(".reveal pre.input"),
        encoding="utf-8",
    )


def write_math_font(out: Path, math_markup: set[str]) -> None:
    """The book's math font, cut down to the characters of the decks' math."""
    used = set()
    for markup in math_markup:
        used.update(html.unescape(book_math.TAG.sub("", markup)))
    font = TTFont(book_math.FONT_SOURCE)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in used} | book_math.ALWAYS_IN_FONT)
    book_assets.subset_quietly(subsetter, font)
    font.save(out / "_static" / book_math.FONT_FILE)
    shutil.copyfile(
        book_math.FONT_SOURCE.parent / "LICENSE", out / "_static" / "FONT-LICENSE"
    )


def build(out: Path, reveal: Path, only: list[str] | None = None) -> list[Deck]:
    """Write every deck, the shared files and an index into ``out``."""
    if not (reveal / "dist" / "reveal.js").is_file():
        raise SystemExit(
            f"no reveal.js at {reveal}: run `make slides`, which installs it"
        )
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    book_title = config.get("title", "")
    sections = read_sections(ROOT)
    labels = book_labels(sections)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    decks, math_markup = [], set()
    for section in sections:
        if only and section.stem not in only:
            continue
        notebook = json.loads(section.path.read_text(encoding="utf-8"))
        if not book_slides.has_slides(notebook):
            print(f"slides: {section.stem}: no cell marked as a slide, no deck")
            continue
        builder = DeckBuilder(section, sections, labels, out)
        decks.append(builder.write(book_title))
        math_markup |= builder.context.math_seen
    write_static(out, reveal)
    write_math_font(out, math_markup)
    rows = "\n".join(
        f'<tr><td><a href="{book_slides.deck_file(d.section.stem)}">'
        f"{html.escape(d.section.label)}: {html.escape(d.section.title)}</a></td>"
        f"<td>{len(d.slides)}</td>"
        f'<td><a href="{book_slides.deck_file(d.section.stem)}?print-pdf">'
        f'print view<span class="visually-hidden"> of {html.escape(d.section.label)}'
        "</span></a></td></tr>"
        for d in decks
    )
    (out / "index.html").write_text(
        INDEX_PAGE.format(book=html.escape(book_title), rows=rows), encoding="utf-8"
    )
    return decks


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "slides")
    parser.add_argument("--reveal", type=Path, required=True)
    parser.add_argument("notebooks", nargs="*", help="stems to build (default: all)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    decks = build(args.out.resolve(), args.reveal.resolve(), args.notebooks or None)
    shared = sum(
        p.stat().st_size for p in (args.out / "_static").rglob("*") if p.is_file()
    )
    for deck in decks:
        print(
            f"slides: {deck.html_file.name}: {len(deck.slides)} slides, "
            f"{deck.size / 1e6:.2f} MB with its figures"
        )
    print(
        f"slides: {len(decks)} decks in {args.out} ({shared / 1e6:.2f} MB of shared "
        f"files) in {time.perf_counter() - start:.1f} s; open {args.out / 'index.html'}"
    )


if __name__ == "__main__":
    main()
