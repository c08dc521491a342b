"""The book on paper: the site's print stylesheet, and the whole-book PDF.

**The print stylesheet** (``chapters/_site/static/book-print.css``), on every
page of the built book (``_build/html``, or ``D2L_BOOK_HTML``), in headless
Chromium's print-media emulation at the width of an A4 page with Chromium's
default margins (``PRINT_WIDTH``):

* no code block (or output) is wider than its box or the page: code wraps;
* explorers print their picture and numbers: every table, image or canvas
  they show on screen prints, and no control does (no button outside a grid
  cell, no slider, radio or checkbox, no field or menu drawn as a box);
  animations print their frame without the player's buttons, slider and
  radios;
* solutions print open, without their toggle, with no script's help;
* the printed heading is the article's, with its section number;
* a page printed in dark mode prints light (``book-print.js``);
* the one stylesheet a page links (``book_assets.py`` joins and prunes the
  book's CSS) keeps the ``@media print`` rules and the ``@page`` rules in them.

Every check first requires the elements it looks at (a check that selects
nothing fails), and asserts that they exist on screen when it checks that
they are hidden on paper.

**The PDF** of ``make pdf`` (``_build/pdf/d2l-conv-book.pdf``, or
``D2L_BOOK_PDF``), read with poppler-utils (``pdftotext``, ``pdfinfo``,
``pdftohtml``, ``pdfimages``, ``pdffonts``): its page count is in a sane
range; every section's and subsection's title is in its text; the contents
and the bookmarks give each section's page, and that page starts it; no word
lies outside the printed column and every line of every code block and text
output of the book is in the text whole; figures, the math font and every
solution are there, each section's after all of its exercises; few pages
are left half empty. The assembled document it was printed from
(``book.html`` beside it) is checked like the site: at the PDF's column
width in print media no code, table or equation is wider than its box.

``make pdf`` builds the PDF, then runs this file's PDF tests (``-k test_pdf``);
``make test`` builds it too and runs the whole file once. Both set
``D2L_BOOK_PDF``, so a missing PDF fails. Run alone without it, the PDF tests
check a PDF newer than the built book and are skipped when there is none.
"""

import functools
import html
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_assets  # noqa: E402
import tinycss2  # noqa: E402

BOOK = Path(os.environ.get("D2L_BOOK_HTML", ROOT / "_build" / "html"))
PDF_SET = bool(os.environ.get("D2L_BOOK_PDF"))
PDF = Path(
    os.environ.get("D2L_BOOK_PDF") or ROOT / "_build" / "pdf" / "d2l-conv-book.pdf"
)
PDF_DOCUMENT = PDF.parent / "book.html"

# A4 (794 CSS px wide) less Chromium's default print margins (0.4 in each).
PRINT_WIDTH = 794 - 2 * 38
# The whole-book PDF: A4, with 18 mm side margins and 20/22 mm top/bottom
# (chapters/_site/pdf/book-pdf.css); in PDF points (1/72 in).
PDF_COLUMN_PX = round((210 - 2 * 18) / 25.4 * 96)
MM = 72 / 25.4
PDF_PAGE = (210 * MM, 297 * MM)
PDF_COLUMN = (18 * MM, (210 - 18) * MM)  # left and right edge of the text
PDF_BODY = (20 * MM, (297 - 22) * MM)  # top and bottom of the text
# 257 pages on 2026-12-07: well under this range's top, well over its bottom.
PDF_PAGES = (150, 450)
# Pages less than half full in the middle of a section (a figure or explorer
# too tall for what was left of its page): 2 on 2026-12-07; the theme's own
# rule keeping every code block and box on one page made 27.
MAX_HALF_EMPTY_PAGES = 6


# --- The built book -----------------------------------------------------------


def toc_pages() -> list[tuple[str, bool]]:
    """(page path relative to the book, numbered?) in the book's order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [(toc["root"] + ".html", False)]
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            pages.append((chapter["file"] + ".html", bool(part.get("numbered"))))
    return pages


PAGES = [name for name, _ in toc_pages()]
NUMBERED = {name for name, numbered in toc_pages() if numbered}


def page_text(name: str) -> str:
    path = BOOK / name
    if not path.is_file():
        pytest.fail(f"No built page {path}: run `make book` first.")
    return path.read_text(encoding="utf-8")


def pages_with(marker: str) -> list[str]:
    """The book's pages whose HTML holds ``marker`` (all pages, unbuilt book)."""
    found = [
        n for n in PAGES if (BOOK / n).is_file() and marker in (BOOK / n).read_text()
    ]
    return found or PAGES


class _Text(HTMLParser):
    """Text of the elements matching a tag and class, as the browser shows it."""

    def __init__(self, tags: set[str], classes: set[str] | None = None):
        super().__init__(convert_charrefs=True)
        self.tags, self.classes = tags, classes
        self.depth = 0
        self.parts: list[str] = []
        self.found: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        cls = set((dict(attrs).get("class") or "").split())
        if self.depth:
            self.depth += tag == self.stack[0]
        elif tag in self.tags and (self.classes is None or self.classes & cls):
            self.depth, self.stack, self.parts = 1, [tag], []
        if self.depth and "headerlink" in cls:
            self.depth = -self.depth  # skip the "#" link inside a heading

    def handle_endtag(self, tag):
        if self.depth < 0 and tag == "a":
            self.depth = -self.depth
            return
        if self.depth > 0 and tag == self.stack[0]:
            self.depth -= 1
            if not self.depth:
                self.found.append("".join(self.parts))

    def handle_data(self, data):
        if self.depth > 0:
            self.parts.append(data)


def element_texts(text: str, tags: set[str], classes: set[str] | None = None):
    parser = _Text(tags, classes)
    parser.feed(text)
    return parser.found


def article(text: str) -> str:
    return text[text.index("<article") : text.index("</article>")]


def headings(name: str) -> list[tuple[str, str]]:
    """(tag, title) of each h1 and h2 of a built page's article."""
    body = article(page_text(name))
    rows = []
    for tag in ("h1", "h2"):
        for title in element_texts(body, {tag}):
            rows.append((tag, " ".join(title.split())))
    return rows


def code_lines() -> list[str]:
    """Every line of every code block (cells' sources and text outputs) in the book."""
    lines = []
    for name in PAGES:
        for block in element_texts(article(page_text(name)), {"pre"}):
            lines += [line for line in block.splitlines() if line.strip()]
    return lines


# --- The stylesheet bundle ------------------------------------------------------


def test_bundling_keeps_print_rules_and_their_page_rules():
    css = (
        "@media print { .a pre { white-space: pre-wrap } .gone { x: y }"
        " @page { margin: 1cm } } .a { color: red }"
    )
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = book_assets.purge_rules(rules, {"a", "pre"})
    assert "@media print{" in kept and ".a pre{ white-space: pre-wrap }" in kept
    assert "@page" in kept and ".gone" not in kept


def test_each_page_links_a_stylesheet_holding_the_print_rules():
    own = (ROOT / "chapters/_site/static/book-print.css").read_text(encoding="utf-8")
    # A rule of book-print.css with a selector the pages certainly have.
    assert "#jb-print-docs-body > h1" in own
    sheets = set()
    for name in PAGES:
        text = page_text(name)
        head = text[: text.index("</head>")]
        links = re.findall(r'<link rel="stylesheet" href="([^"]+)"', head)
        assert len(links) == 1, f"{name} links {links}"
        sheets.add((BOOK / name).parent.joinpath(links[0]).resolve())
    for sheet in sheets:
        css = sheet.read_text(encoding="utf-8")
        prints = re.findall(r"@media print\s*\{", css)
        assert prints, f"{sheet.name} lost its print rules"
        assert "#jb-print-docs-body>h1" in css.replace(" > ", ">"), sheet.name


# --- Chromium's print-media emulation --------------------------------------------


def _offline(route):
    if route.request.url.startswith(("file:", "data:")):
        route.continue_()
    else:
        route.abort()


# Start what a page starts before it prints (animations, the explorer that
# loads when near), and wait for it: every explorer mounted, every image in.
START_FOR_PRINT = """async () => {
    // A lazy image below the viewport would never load, and never settle.
    document.querySelectorAll('img[loading="lazy"]')
        .forEach(i => { i.loading = "eager"; });
    window.dispatchEvent(new Event("beforeprint"));
    const tick = () => new Promise(r => setTimeout(r, 50));
    // Mounted: each explorer has drawn (its style is in, no "Loading" shows)
    // and nothing in it has changed for 0.2 s (the LeNet explorer draws its
    // maps after its network has loaded).
    const hosts = Array.from(document.querySelectorAll(".d2l-explorer-static"));
    const drawn = () => hosts.every(h => h.querySelector("style")
        && !/Loading/.test(h.innerText));
    let mounted = false;
    for (let t = 0, last = ""; t < 150 && !mounted; t++) {
        const now = hosts.map(h => h.innerHTML.length).join();
        mounted = drawn() && now === last;
        last = now;
        if (!mounted) await new Promise(r => setTimeout(r, 200));
    }
    for (const img of document.querySelectorAll("div.animation img"))
        for (let t = 0; t < 600 && !img.getAttribute("src"); t++) await tick();
    // (At most 30 s: a test that waits for ever tells nothing.)
    await Promise.race([new Promise(r => setTimeout(r, 30000)),
        Promise.all(Array.from(document.images).map(i => i.complete ? null
            : new Promise(r => { i.onload = r; i.onerror = r; })))]);
    return mounted;
}"""


@pytest.fixture(scope="module")
def printed(browser):
    """A page in print media at PRINT_WIDTH: as loaded, or started for print."""
    cache = {}

    def visit(name, started=False):
        if (name, started) not in cache:
            page_text(name)
            context = browser.new_context(
                viewport={"width": PRINT_WIDTH, "height": 1100}, color_scheme="light"
            )
            context.route("**/*", _offline)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto((BOOK / name).resolve().as_uri(), wait_until="load")
            if started:
                assert page.evaluate(START_FOR_PRINT), (
                    f"{name}: an explorer did not start"
                )
            page.emulate_media(media="print")
            cache[(name, started)] = (page, errors)
        return cache[(name, started)][0]

    yield visit
    for page, _ in cache.values():
        page.context.close()


def on_screen(page, script, arg=None):
    """Evaluate ``script`` with screen media, then go back to print media."""
    page.emulate_media(media="screen")
    try:
        return page.evaluate(script, arg)
    finally:
        page.emulate_media(media="print")


# An element is visible when it has a box and is not visibility:hidden.
VISIBLE = """const visible = (e) => e.getClientRects().length > 0
    && getComputedStyle(e).visibility !== "hidden"
    && e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().height > 0;"""

WIDE_CODE = (
    """() => {
    VISIBLE
    const column = document.querySelector("article").getBoundingClientRect();
    const pres = Array.from(document.querySelectorAll("article pre")).filter(visible);
    const wide = pres.filter(p => p.scrollWidth > p.clientWidth + 1
        || p.getBoundingClientRect().right > column.right + 1
        || p.getBoundingClientRect().right > window.innerWidth + 1)
        .map(p => p.textContent.split("\\n")
            .reduce((a, b) => a.length > b.length ? a : b));
    return {count: pres.length, wide};
}"""
).replace("VISIBLE", VISIBLE)


@pytest.mark.parametrize("name", PAGES)
def test_code_wraps_instead_of_running_off_the_page(printed, name):
    found = printed(name).evaluate(WIDE_CODE)
    assert found["count"] > 0, f"{name}: no code block to check"
    assert not found["wide"], f"{name}: code wider than the page: {found['wide'][:3]}"


# The controls a reader works with: on paper none may show.
CONTROLS = """(root) => Array.from(root.querySelectorAll(
    "button, input[type=range], input[type=radio], input[type=checkbox], "
    + "input[type=file]"))
    .filter(e => !e.closest("td"))"""

EXPLORERS = (
    """() => {
    VISIBLE
    const controls = CONTROLS;
    return Array.from(document.querySelectorAll(".d2l-explorer-static")).map(host => {
        const boxed = Array.from(host.querySelectorAll("input, select")).filter(visible)
            .filter(e => {
                const s = getComputedStyle(e);
                return s.appearance !== "none" || parseFloat(s.borderTopWidth) > 0
                    || parseFloat(s.borderBottomWidth) > 0;
            });
        return {
            visible: visible(host),
            pictures: Array.from(host.querySelectorAll("table, img, canvas"))
                .filter(visible).length,
            numbers: /\\d/.test(host.innerText),
            controls: controls(host).filter(visible).map(e => e.outerHTML.slice(0, 70)),
            boxed: boxed.map(e => e.outerHTML.slice(0, 70)),
        };
    });
}"""
).replace("VISIBLE", VISIBLE)
EXPLORERS = EXPLORERS.replace("CONTROLS", CONTROLS)

SCREEN_CONTROLS = (
    """(selector) => {
    VISIBLE
    const controls = CONTROLS;
    return Array.from(document.querySelectorAll(selector))
        .map(root => controls(root).filter(visible).length);
}"""
).replace("VISIBLE", VISIBLE)
SCREEN_CONTROLS = SCREEN_CONTROLS.replace("CONTROLS", CONTROLS)


@pytest.mark.parametrize("name", pages_with("d2l-explorer-static"))
def test_explorers_print_their_picture_without_controls(printed, name):
    page = printed(name, started=True)
    explorers = page.evaluate(EXPLORERS)
    assert explorers, f"{name}: no explorer to check"
    on_paper = [c for e in explorers for c in e["controls"]]
    assert not on_paper, f"{name}: controls print: {on_paper[:4]}"
    boxed = [b for e in explorers for b in e["boxed"]]
    assert not boxed, f"{name}: fields or menus print as boxes: {boxed[:4]}"
    # Every table, image and canvas an explorer shows on screen prints (a
    # calculator that shows only text prints its numbers).
    shown = on_screen(page, EXPLORERS)
    assert len(shown) == len(explorers)
    for k, (e, s) in enumerate(zip(explorers, shown)):
        assert e["visible"] and e["numbers"], (name, k, e)
        assert e["pictures"] == s["pictures"] > 0 or not s["pictures"], (name, k, e, s)
    # The check means something only where the controls do show on a screen.
    screen = on_screen(page, SCREEN_CONTROLS, ".d2l-explorer-static")
    assert sum(screen) > 0, f"{name}: the explorers show no control even on screen"


ANIMATIONS = (
    """() => {
    VISIBLE
    return Array.from(document.querySelectorAll("div.animation")).map(box => {
        const img = box.querySelector("img");
        return {frame: Boolean(img && visible(img) && img.naturalWidth > 0),
                controls: CONTROLS_OF(box).filter(visible).length
                    + (visible(box.querySelector(".anim-controls")) ? 1 : 0)};
    });
}"""
).replace("VISIBLE", VISIBLE)
ANIMATIONS = ANIMATIONS.replace("CONTROLS_OF", f"({CONTROLS})")


@pytest.mark.parametrize("name", pages_with("anim-slider"))
def test_animations_print_their_frame_without_the_player(printed, name):
    page = printed(name, started=True)
    animations = page.evaluate(ANIMATIONS)
    assert animations, f"{name}: no animation to check"
    assert all(a["frame"] for a in animations), f"{name}: a frame is missing"
    assert all(a["controls"] == 0 for a in animations), f"{name}: {animations}"
    screen = on_screen(page, SCREEN_CONTROLS, "div.animation")
    assert all(n >= 9 for n in screen), f"{name}: players without controls: {screen}"


@pytest.mark.parametrize("name", PAGES)
def test_nothing_to_press_prints(printed, name):
    """No button, slider, radio or checkbox of the article prints, but a grid cell."""
    page = printed(name, started=True)
    left = page.evaluate(
        f"() => {{ {VISIBLE} return ({CONTROLS})(document.querySelector('article'))"
        ".filter(visible).map(e => e.outerHTML.slice(0, 70)); }"
    )
    assert not left, f"{name}: {left[:4]}"


SOLUTIONS = (
    """() => {
    VISIBLE
    return Array.from(document.querySelectorAll("div.solution")).map(box => ({
        body: Array.from(box.children).filter(c => !c.matches(".admonition-title"))
            .some(c => visible(c) && getComputedStyle(c).opacity === "1"),
        toggle: Array.from(box.querySelectorAll(".toggle-button")).some(visible),
        hidden: box.classList.contains("toggle-hidden"),
    }));
}"""
).replace("VISIBLE", VISIBLE)


@pytest.mark.parametrize("name", pages_with('class="solution'))
def test_solutions_print_open(printed, name):
    # As loaded, without the "beforeprint" event: the stylesheet alone opens
    # them (sphinx-togglebutton's script opens them too, when it gets that event).
    solutions = printed(name).evaluate(SOLUTIONS)
    assert solutions, f"{name}: no solution to check"
    assert any(s["hidden"] for s in solutions), f"{name}: no solution starts closed"
    closed = [k for k, s in enumerate(solutions) if not s["body"] or s["toggle"]]
    assert not closed, f"{name}: solutions {closed} print closed or with their toggle"


PRINTED_HEADINGS = (
    """() => {
    VISIBLE
    return Array.from(document.querySelectorAll("h1")).filter(visible)
        .map(h => h.textContent.replace(/\\s+/g, " ").replace("#", "").trim());
}"""
).replace("VISIBLE", VISIBLE)


@pytest.mark.parametrize("name", PAGES)
def test_the_printed_heading_carries_the_section_number(printed, name):
    shown = printed(name).evaluate(PRINTED_HEADINGS)
    titles = [t for tag, t in headings(name) if tag == "h1"]
    assert titles, f"{name}: no heading in the article"
    assert shown == titles[:1], f"{name}: prints {shown}, not {titles[:1]}"
    if name in NUMBERED:
        assert re.match(r"^\d+\. \S", shown[0]), f"{name}: no number in {shown}"


THEME_COLOURS = """() => [getComputedStyle(document.querySelector("article p")).color,
    document.documentElement.dataset.theme]"""


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in re.findall(r"\d+", rgb)[:3]]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_a_page_in_dark_mode_prints_light(browser):
    name = PAGES[3]
    page_text(name)
    context = browser.new_context(viewport={"width": PRINT_WIDTH, "height": 900})
    context.route("**/*", _offline)
    try:
        page = context.new_page()
        page.goto((BOOK / name).resolve().as_uri(), wait_until="load")
        page.wait_for_load_state("load")
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        page.emulate_media(media="print")
        dark_text, _ = page.evaluate(THEME_COLOURS)
        # White paper: dark mode's text would print at under 2:1.
        assert (1.05) / (_luminance(dark_text) + 0.05) < 3, dark_text
        page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        text, theme = page.evaluate(THEME_COLOURS)
        contrast = 1.05 / (_luminance(text) + 0.05)
        assert theme == "light" and contrast >= 7, (theme, text, contrast)
        page.evaluate("window.dispatchEvent(new Event('afterprint'))")
        assert page.evaluate(THEME_COLOURS)[1] == "dark", "the page stayed light"
    finally:
        context.close()


# --- The PDF ------------------------------------------------------------------------


def need_pdf():
    """Fail without the PDF under ``make pdf``; elsewhere, skip an old or none."""
    if PDF_SET:
        if not PDF.is_file():
            pytest.fail(f"No PDF at {PDF}: `make pdf` builds it.")
        return
    index = BOOK / "searchindex.js"
    if not PDF.is_file() or (
        index.is_file() and PDF.stat().st_mtime < index.stat().st_mtime
    ):
        pytest.skip("no PDF newer than the built book: `make pdf` builds and tests it")


def poppler(*args: str) -> str:
    if not shutil.which(args[0]):
        pytest.fail(f"{args[0]} is missing: `make pdf` installs poppler-utils.")
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def pdf_pages() -> list[str]:
    """The text of each page of the PDF (page 1 first)."""
    need_pdf()
    return poppler("pdftotext", "-layout", str(PDF), "-").split("\f")[:-1]


def body_text(*options: str) -> str:
    """The PDF's text without running heads and page numbers."""
    need_pdf()
    top, bottom = PDF_BODY
    crop = ["-x", "0", "-y", f"{top:.0f}", "-W", f"{PDF_PAGE[0]:.0f}"]
    crop += ["-H", f"{bottom - top:.0f}"]
    return poppler("pdftotext", *options, *crop, str(PDF), "-")


@pytest.fixture(scope="module")
def pdf_body_text() -> str:
    """The text in reading order: a paragraph's lines follow each other."""
    return body_text()


@pytest.fixture(scope="module")
def pdf_body_lines() -> str:
    """The text line by line as printed: a table's columns stay on their line
    (in reading order they come one after the other), but a fraction in a
    paragraph puts its numerator on a line of its own."""
    return body_text("-layout")


@functools.cache
def word_boxes(pdf: Path) -> str:
    """Every word of the PDF with its box (``pdftotext -bbox``), read once."""
    return poppler("pdftotext", "-bbox", str(pdf), "-")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_pdf_is_linked_from_the_landing_page():
    """The landing page links the PDF where ``make pdf`` writes it, beside the
    book's folder (the link works wherever the two are published side by side)."""
    need_pdf()
    root = PAGES[0]
    text = article(page_text(root))
    links = [h for h in re.findall(r'href="([^"#]+)"', text) if h.endswith(".pdf")]
    assert links, f"{root} links no PDF"
    targets = {((BOOK / root).parent / html.unescape(h)).resolve() for h in links}
    assert targets == {PDF.resolve()}, targets


def test_pdf_page_count_is_sane():
    need_pdf()
    pages = int(re.search(r"^Pages:\s+(\d+)", poppler("pdfinfo", str(PDF)), re.M)[1])
    low, high = PDF_PAGES
    assert low <= pages <= high, f"{pages} pages"


def test_pdf_has_every_section_and_subsection_title(pdf_pages):
    text = " ".join(" ".join(p.split()) for p in pdf_pages)
    titles = [t for name in PAGES[1:] for _, t in headings(name)]
    assert len(titles) > 2 * len(PAGES), titles
    missing = [t for t in titles if t not in text]
    assert not missing, f"titles not in the PDF: {missing[:5]}"


def _outline() -> list[tuple[int, str]]:
    xml = poppler("pdftohtml", "-xml", "-i", "-stdout", "-f", "1", "-l", "1", str(PDF))
    return [
        (int(page), html.unescape(title))
        for page, title in re.findall(r'<item page="(\d+)">([^<]*)</item>', xml)
    ]


def test_pdf_contents_and_bookmarks_give_each_section_its_page(pdf_pages):
    outline = _outline()
    assert outline, "the PDF has no bookmarks"
    marks = {title: page for page, title in outline}
    contents = "\n".join(pdf_pages[1:6])
    checked = 0
    for name in PAGES[1:]:
        title = [t for tag, t in headings(name) if tag == "h1"][0]
        if name not in NUMBERED:  # an appendix: "A. How Fast Is a Convolution?"
            title = next((m for m in marks if m.endswith(". " + title)), title)
        assert title in marks, f"no bookmark for {title!r}"
        page = marks[title]
        listed = re.search(
            r"^\s*" + re.escape(title) + r"[ .]*?(\d+)\s*$", contents, re.M
        )
        assert listed, f"{title!r} is not in the contents with a page number"
        assert int(listed[1]) == page, (
            f"{title!r}: contents say {listed[1]}, not {page}"
        )
        first = [
            line.strip() for line in pdf_pages[page - 1].splitlines() if line.strip()
        ]
        # The running head (the section's title), then the heading itself.
        assert first[1].startswith(title.split(" ")[0]), (title, page, first[:3])
        assert " ".join(first[1:3]).startswith(title[:30]), (title, page, first[:3])
        checked += 1
    assert checked == len(PAGES) - 1


def test_pdf_text_stays_inside_the_column():
    need_pdf()
    boxes = word_boxes(PDF)
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">'
        r"([^<]*)</word>",
        boxes,
    )
    assert len(words) > 20_000, f"only {len(words)} words"
    left, right = PDF_COLUMN
    outside = [
        w for x0, x1, w in words if float(x0) < left - 2 or float(x1) > right + 2
    ]
    assert not outside, f"{len(outside)} words cut or in the margin: {outside[:10]}"


def test_pdf_has_every_code_line_whole(pdf_body_lines):
    lines = code_lines()
    assert len(lines) > 1000, f"only {len(lines)} lines of code found in the book"
    text = squeeze(pdf_body_lines)
    missing = [line for line in lines if squeeze(line) not in text]
    assert not missing, f"{len(missing)} code lines not whole in the PDF: {missing[:5]}"


def test_pdf_has_figures_math_and_every_solution(pdf_body_text):
    figures = sum(len(re.findall(r"<img\b", article(page_text(n)))) for n in PAGES)
    images = len(poppler("pdfimages", "-list", str(PDF)).splitlines()) - 2
    assert figures > 30 and images >= figures, (figures, images)
    fonts = poppler("pdffonts", str(PDF))
    assert "DejaVuMathTeXGyre" in fonts, "the math font is not in the PDF"
    solutions = sum(
        len(element_texts(article(page_text(n)), {"div"}, {"solution"})) for n in PAGES
    )
    # (Without the lines an inline fraction's numerator or denominator takes,
    # such as "2" between two lines of a sentence.)
    text = " ".join(
        line
        for line in pdf_body_text.splitlines()
        if len(line.strip()) > 3 or re.search(r"[A-Za-z]", line)
    )
    text = " ".join(text.split())
    assert solutions > 20
    assert text.count("Solution to Exercise") == solutions
    # Open: each solution's first six words of plain text in a row (no math,
    # whose text the PDF spells in its own way) are printed.
    plain = re.compile(r"^[A-Za-z][A-Za-z,;:.'’-]*$")
    checked = 0
    for n in PAGES:
        # Math (MathML) becomes a word that is not plain.
        html_text = re.sub(
            r"<math\b.*?</math>", " [math] ", article(page_text(n)), flags=re.S
        )
        for body in element_texts(html_text, {"div"}, {"solution"}):
            words = " ".join(body.split()).split(" ")[4:]  # "Solution to Exercise 3.1"
            runs = [
                words[k : k + 6]
                for k in range(len(words) - 5)
                if all(plain.match(w) for w in words[k : k + 6])
            ]
            assert runs, f"{n}: a solution with no six plain words: {words[:12]}"
            opening = " ".join(runs[0])
            assert squeeze(opening) in squeeze(text), f"{n}: {opening!r} not printed"
            checked += 1
    assert checked == solutions


# A box's title line, after its icon (a glyph of the Unicode private use area).
EXERCISE_LINE = re.compile(r"^[\s\ue000-\uf8ff]*Exercise ([\dA-Z]+(?:\.\d+)?)\s*$")
SOLUTION_LINE = re.compile(
    r"^[\s\ue000-\uf8ff]*Solution to Exercise ([\dA-Z]+(?:\.\d+)?)\s*$"
)


def test_pdf_solutions_follow_all_the_exercises_of_their_section(pdf_pages):
    """Each section prints its exercises, then their solutions, in order."""
    outline = _outline()
    starts = sorted(
        {page for page, title in outline if re.match(r"^([A-Z]|\d+)\. ", title)}
    )
    assert len(starts) == len(PAGES) - 1, starts
    bounds = list(zip(starts, starts[1:] + [len(pdf_pages) + 1]))
    checked = 0
    for name, (first, stop) in zip(PAGES[1:], bounds):
        body = article(page_text(name))
        wanted = len(element_texts(body, {"div"}, {"exercise"}))
        checked += wanted
        lines = [
            line
            for page in pdf_pages[first - 1 : stop - 1]
            for line in page.splitlines()
        ]
        exercises = [
            (k, m[1])
            for k, line in enumerate(lines)
            if (m := EXERCISE_LINE.match(line))
        ]
        solutions = [
            (k, m[1])
            for k, line in enumerate(lines)
            if (m := SOLUTION_LINE.match(line))
        ]
        assert len(exercises) == len(solutions) == wanted, (name, exercises, solutions)
        assert [e for _, e in exercises] == [s for _, s in solutions], name
        if wanted:
            assert exercises[-1][0] < solutions[0][0], (
                f"{name}: a solution prints before the last exercise"
            )
    assert checked > 20, f"only {checked} exercises in the book"


def _fill(pdf: Path) -> list[float]:
    """How far down its column each page's text reaches (0 to 1)."""
    boxes = word_boxes(pdf)
    top, bottom = PDF_BODY
    fill = []
    for page in boxes.split("<page ")[1:]:
        ys = [
            float(y)
            for y in re.findall(r'yMax="([\d.]+)"', page)
            if top < float(y) < bottom
        ]
        fill.append((max(ys, default=top) - top) / (bottom - top))
    return fill


def test_pdf_has_no_blank_page(pdf_pages):
    """Every page prints words or a picture in its column."""
    fill = _fill(PDF)
    assert len(fill) == len(pdf_pages)
    listing = poppler("pdfimages", "-list", str(PDF)).splitlines()[2:]
    pictured = {int(line.split()[0]) for line in listing}
    assert pictured, "the PDF has no image"
    blank = [k + 1 for k, f in enumerate(fill) if f == 0 and k + 1 not in pictured]
    assert not blank, f"blank pages: {blank}"


def test_pdf_has_few_half_empty_pages(pdf_pages):
    fill = _fill(PDF)
    assert len(fill) == len(pdf_pages)
    # A page followed by a section's first page may end anywhere.
    starts = {page for page, title in _outline() if re.match(r"^([A-Z]|\d+)\. ", title)}
    half_empty = [
        k + 1
        for k, f in enumerate(fill[:-1])
        if f < 0.5 and k + 2 not in starts and k >= 4  # not the cover or contents
    ]
    assert len(half_empty) <= MAX_HALF_EMPTY_PAGES, f"half-empty pages: {half_empty}"


PDF_WIDE = """() => {
    const column = document.querySelector("article").getBoundingClientRect().right;
    const all = Array.from(document.querySelectorAll(
        'article pre, article table, article math[display="block"]'));
    return {count: all.length, wide: all.filter(e => e.getClientRects().length
        && (e.scrollWidth > e.clientWidth + 1
            || e.getBoundingClientRect().right > column + 1))
        .map(e => e.textContent.trim().slice(0, 60))};
}"""


def test_pdf_document_fits_its_column(browser):
    need_pdf()
    context = browser.new_context(viewport={"width": PDF_COLUMN_PX, "height": 1100})
    context.route("**/*", _offline)
    try:
        page = context.new_page()
        page.emulate_media(media="print")
        page.goto(PDF_DOCUMENT.resolve().as_uri(), wait_until="load")
        found = page.evaluate(PDF_WIDE)
    finally:
        context.close()
    assert found["count"] > 500, found["count"]
    assert not found["wide"], f"wider than the PDF's column: {found['wide'][:5]}"


def test_pdf_document_links_only_inside_itself():
    need_pdf()
    text = PDF_DOCUMENT.read_text(encoding="utf-8")
    links = re.findall(r'<a\b[^>]*\bhref="([^"]*)"', text)
    assert len(links) > 100, len(links)
    ids = re.findall(r'\bid="([^"]+)"', text)
    twice = sorted({i for i in ids if ids.count(i) > 1})
    assert not twice, f"ids used twice: {twice[:5]}"
    inside = [h for h in links if h.startswith("#")]
    broken = [h for h in inside if html.unescape(h[1:]) not in set(ids)]
    outside = ("#", "http:", "https:", "mailto:")
    elsewhere = [h for h in links if not h.startswith(outside)]
    assert not broken and not elsewhere, (broken[:5], elsewhere[:5])
