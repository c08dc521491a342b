"""Every page of the built book works for a reader, in a real browser, offline.

Each page of ``_build/html`` is opened from ``file://`` in headless Chromium
(Debian's ``chromium``; ``make browser`` installs it) with every non-local
request aborted, once on a desktop (1280x900) and once on a phone (390x844,
touch, mobile viewport). On every page, at both widths:

* all math is MathML written when the book was built: as many display
  equations as the page's source has, each one a block, and at least as many
  pieces of inline math; no TeX source left in the visible text, no formula
  the build failed to convert; no page loads MathJax or any other script for
  math, the book's math font loads, and on the desktop every display
  equation fits the text column;
* every image loads, requests go nowhere outside the machine and no JavaScript
  error is logged;
* axe-core (pinned, see ``chromium.py``) finds no WCAG 2.1 A or AA violation,
  the theme's own buttons included, in light mode and in dark mode, which
  the page takes from the system setting;
* no text in a figure is smaller than ``MIN_TEXT_PX`` once the figure is
  scaled to the page, unless it is shown at full size in a box that scrolls
  sideways;
* on the phone, every display equation and output either fits or scrolls in
  its own box with a visible cue (a scrollbar that takes room, or the edge
  shadow of ``book.css``), no inline math is clipped, and the page itself
  never scrolls sideways.

On the phone, besides: the display equations wider than the column are
counted over the whole book (at most ``MAX_WIDE_EQUATIONS``), outputs printed
as sentences wrap and narrow tables fit, the animation players fit the
column, and the page's contents close once the reader follows one of their
links.

Besides: the animations play and step; the theme's sidebar toggles open the
chapter navigation on a phone and a tablet; a solution's title link opens the
solution; the header's buttons show keyboard focus; there is one search field,
and its icon leaves the query readable; the landing page links every chapter;
each page stays within a weight budget; figures keep their colours in dark
mode; the lines under the explorers say what MXNet checked; search result
snippets over ``http://127.0.0.1`` show prose, not TeX, code or an explorer's
stand-in, and list a page once; search from ``file://`` logs no error.

Every check that selects elements first requires them to be there (a count
from the page's source where there is one), so that a build that drops or
changes them cannot pass by leaving nothing to check.

A screenshot of each page at each width is saved under
``_build/screenshots/``. ``make test`` builds the book before running this;
set ``D2L_BOOK_HTML`` to test a book built elsewhere.
"""

import base64
import functools
import http.server
import json
import os
import re
import threading
import zlib
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from chromium import run_axe

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(os.environ.get("D2L_BOOK_HTML", ROOT / "_build" / "html"))
SHOTS = BOOK.parent / "screenshots"
MISSING = "<no built book>"

DESKTOP, PHONE, TABLET = 1280, 390, 900
VIEWPORTS = {
    DESKTOP: {"viewport": {"width": 1280, "height": 900}},
    TABLET: {"viewport": {"width": 900, "height": 1200}},
    PHONE: {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
    },
}
# The smallest text a figure may show, in CSS pixels, once scaled to the page:
# the theme's small print on a desktop; less on a phone, where pinch-zoom is at
# hand, but never so small that it needs it.
MIN_TEXT_PX = {DESKTOP: 11.0, PHONE: 8.0}
# The PNG text chunk in which d2l's figure code records the size of the
# smallest text it drew, in pixels of the image at its natural size.
MIN_FONT_KEY = "d2l:min-font-px"
# Every request of one page, added up (uncompressed bytes). The theme's
# scripts, one stylesheet cut to the rules the book can match (146 kB) and the
# icons' font cut to the icons drawn (5 kB) weigh about 0.35 MB; math is
# MathML in a 48 kB font; the rest is the page and its figures: 0.3-0.82 MB
# per page on 2026-12-01, down from 1.0-1.5 MB with the theme's whole CSS and
# icon font, 2.3-2.9 MB with MathJax and 3.8-4.5 MB before.
WEIGHT_BUDGET_BYTES = 1_100_000
# Display equations that may be wider than a 390 px phone's column, in the
# whole book (they scroll in their own box): 36 on 2026-12-07, none of those
# after long formulas were split into aligned lines and the equation number
# moved under an equation too wide to share its row. The bar is
# "under 10".
MAX_WIDE_EQUATIONS = 9
# book.css sets a printed table or array small enough for its longest line to
# fit its box, down to 11 px: at 0.61 em a character, plus the 18 px of the
# pre's padding and border, one whose longest line fits at 11 px must fit.
TABLE_SMALLEST_PX = 11
TABLE_CHAR_EM = 0.61
TABLE_EDGES_PX = 18
SCHEMES = ["light", "dark"]


def book_pages():
    """Every HTML page of the book, relative to its root (not _static assets)."""
    if not BOOK.is_dir():
        return [MISSING]
    pages = [
        p.relative_to(BOOK).as_posix()
        for p in BOOK.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(BOOK).parts)
    ]
    return sorted(pages) or [MISSING]


def content_pages():
    """Pages that are the book's own pages: not a redirect, index or search."""
    return [
        name for name in book_pages() if name == MISSING or name.startswith("chapters/")
    ] or [MISSING]


def need_book(name):
    if name == MISSING:
        pytest.fail(f"No built book at {BOOK}: run `make book` first.")


def article_html(name: str) -> str:
    """The built page's <article>, as the build wrote it (before any script)."""
    text = (BOOK / name).read_text(encoding="utf-8", errors="replace")
    start, end = text.find("<article"), text.find("</article>")
    return text[start:end] if start >= 0 and end > start else ""


def need(count: int, what: str, at_least: int = 1) -> None:
    """Fail when a check found fewer elements to look at than it must."""
    assert count >= at_least, f"found {count} {what}, expected at least {at_least}"


@functools.cache
def source_math(name: str) -> tuple:
    """(display equations, inline formulas) in the markdown a page is built from.

    Display equations are ``$$...$$`` blocks; inline formulas are ``$...$``
    outside them and outside code. Cells the book removes do not count.
    """
    stem = Path(name).stem
    sources = []
    for path in (ROOT / "chapters" / f"{stem}.ipynb", ROOT / "chapters" / f"{stem}.md"):
        if path.suffix == ".md" and path.is_file():
            sources = [path.read_text(encoding="utf-8")]
        elif path.is_file():
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            sources = [
                "".join(c["source"])
                for c in cells
                if c["cell_type"] == "markdown"
                and "remove-cell" not in c.get("metadata", {}).get("tags", [])
            ]
        if sources:
            break
    display = sum(len(re.findall(r"\$\$.+?\$\$", t, re.S)) for t in sources)
    rest = [re.sub(r"\$\$.+?\$\$|`[^`]*`", "", t, flags=re.S) for t in sources]
    inline = sum(len(re.findall(r"(?<!\$)\$(?!\$)[^$\n]+?\$", t)) for t in rest)
    return display, inline


class PageVisit:
    """Open one page offline at one width, recording requests and errors."""

    def __init__(self, browser, name, width, url=None, load_lazy=True, scheme="light"):
        path = BOOK / name
        url = url or path.as_uri()
        self.requests, self.blocked, self.errors = [], [], []
        # The system's colour setting: the book follows it on a first visit.
        self.context = browser.new_context(**VIEWPORTS[width], color_scheme=scheme)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.page.on(
            "console",
            lambda m: (
                self.errors.append(f"console: {m.text}") if m.type == "error" else None
            ),
        )
        self.page.route("**/*", self._route)
        self.page.goto(url, wait_until="load")
        if 'http-equiv="Refresh"' in path.read_text(errors="replace"):
            # A redirect page (index.html): check the page it leads to.
            self.page.wait_for_url(lambda u: u != url, timeout=20000)
            self.page.wait_for_load_state("load")
        self.unstarted_players = None  # counted only when load_lazy
        if load_lazy:
            self.page.evaluate(LOAD_LAZY_IMAGES)
            self.unstarted_players = self.page.evaluate(START_ANIMATIONS)
        self.math_state = self.page.evaluate(WAIT_FOR_MATH_FONT)

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:", "http://127.0.0.1")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self):
        self.context.close()


# Math needs no script: the page holds MathML. Wait for the math font, which
# decides each equation's width.
WAIT_FOR_MATH_FONT = """async () => {
    if (!document.querySelector("math")) return "no math";
    await document.fonts.ready;
    // Two frames: book.js marks overflowing equations as tab stops from a
    // ResizeObserver, which reports once the font has changed their size.
    for (let i = 0; i < 2; i++) await new Promise(r => requestAnimationFrame(r));
    const loaded = Array.from(document.fonts).some(
        f => f.family.replace(/"/g, "") === "Book Math" && f.status === "loaded");
    return loaded ? "mathml" : "the math font did not load";
}"""

# Math the build did not turn into MathML: a .math element without a <math>
# inside, the build's fallback for TeX it could not convert, or TeX inside the
# MathML (a command name that latex2mathml passed through as text).
UNCONVERTED_MATH = """() => [
    ...Array.from(document.querySelectorAll(".math"))
        .filter(e => !e.querySelector("math")).map(e => e.textContent),
    ...Array.from(document.querySelectorAll(".math-failed, math merror"))
        .map(e => e.textContent),
    ...Array.from(document.querySelectorAll("math"))
        .filter(e => /\\\\[A-Za-z]/.test(e.textContent)).map(e => e.textContent),
].map(t => t.trim().slice(0, 60))"""

# The visible text of the article, without code (where "$" and "\(" are fine).
ARTICLE_TEXT = """() => {
    const root = document.querySelector("article") || document.body;
    const copy = root.cloneNode(true);
    copy.querySelectorAll("pre, code, script, style, math")
        .forEach(e => e.remove());
    return copy.innerText;
}"""

# Defines settle(images): a promise that resolves once each image has loaded
# or failed. The snippets below that wait on images start with it.
SETTLE = """const settle = (imgs) => Promise.all(imgs.map(i => i.complete ? null :
        new Promise(r => { i.onload = r; i.onerror = r; })));"""

# Figures after a page's first load only near the viewport; the checks below
# look at every figure, so each visit loads them all first.
LOAD_LAZY_IMAGES = """async () => {
    SETTLE
    const lazy = Array.from(document.querySelectorAll('img[loading="lazy"]'));
    lazy.forEach(i => { i.loading = "eager"; });
    await settle(lazy);
    return lazy.length;
}""".replace("SETTLE", SETTLE)

# Animations start (and fetch their frames) only near the viewport: each
# visit scrolls to each one, waits for its first frame, and goes back up;
# it returns how many players are still without a frame.
START_ANIMATIONS = """async () => {
    SETTLE
    const boxes = Array.from(document.querySelectorAll("div.animation"));
    for (const box of boxes) {
        box.scrollIntoView();
        const img = box.querySelector("img");
        for (let t = 0; t < 400 && !img.getAttribute("src"); t++)
            await new Promise(r => setTimeout(r, 25));
    }
    window.scrollTo(0, 0);
    const frames = boxes.map(b => b.querySelector("img"));
    await settle(frames);
    return frames.filter(i => !i.getAttribute("src")).length;
}""".replace("SETTLE", SETTLE)

# A player not yet started has no frame, so no src: it is not broken.
BROKEN_IMAGES = """async () => {
    SETTLE
    const imgs = Array.from(document.images).filter(
        i => !(i.id.startsWith("_anim_img") && !i.getAttribute("src")));
    await settle(imgs);
    return imgs.filter(i => i.naturalWidth === 0)
               .map(i => (i.getAttribute("src") || i.id).slice(0, 80));
}""".replace("SETTLE", SETTLE)

# The article's display equations (each box the build writes for one holds a
# block <math>), its pieces of inline math, and the display equations wider
# than their column.
MATH_IN_ARTICLE = """() => {
    const root = document.querySelector("article");
    const boxes = Array.from(root.querySelectorAll("div.math"));
    const blocks = boxes.map(b => b.querySelector(':scope > math[display="block"]'))
        .filter(Boolean);
    return {
        boxes: boxes.length,
        blocks: blocks.length,
        inline: root.querySelectorAll('span.math > math[display="inline"]').length,
        wider: blocks.filter(m => m.offsetParent !== null
                                  && m.scrollWidth > m.clientWidth + 1)
            .map(m => {
                const n = m.parentElement.querySelector(".eqno");
                const text = Array.from(m.textContent.replace(/\\s+/g, ""));
                return (n ? n.textContent.replace("#", "").trim() + " " : "")
                    + text.slice(0, 30).join("");
            }),
    };
}"""

# Each image of the article: its size in the file and on the page, and
# whether it is shown at full size inside a box that scrolls sideways.
# Closed solutions are opened first, so that their figures are measured as a
# reader who opens them sees them.
ARTICLE_IMAGES = """() => {
    const closed = Array.from(document.querySelectorAll(".toggle-hidden"));
    closed.forEach(e => e.classList.remove("toggle-hidden"));
    const rows = Array.from(document.querySelectorAll("article img"))
    .filter(img => img.offsetParent !== null)
    .map(img => {
        let scrolls = false;
        for (let e = img.parentElement; e && e.tagName !== "ARTICLE";
             e = e.parentElement) {
            const ox = getComputedStyle(e).overflowX;
            if ((ox === "auto" || ox === "scroll") && e.scrollWidth > e.clientWidth)
                scrolls = true;
        }
        return {src: img.currentSrc || img.src, alt: img.getAttribute("alt"),
                id: img.id, natural: img.naturalWidth,
                shown: img.getBoundingClientRect().width, scrolls};
    });
    closed.forEach(e => e.classList.add("toggle-hidden"));
    return rows;
}"""

# Display equations and outputs wider than their box, with what shows the
# reader that there is more: the box must scroll (overflow-x auto/scroll) and
# either draw a scrollbar that takes room or paint an edge shadow.
WIDE_CONTENT = """() => {
    const sel = 'div.math > math[display="block"], article span.math, '
              + 'div.cell_output pre, div.cell_output .output.text_html, '
              + 'div.cell_output table';
    const out = [];
    const all = document.querySelectorAll(sel);
    for (const el of all) {
        if (el.offsetParent === null) continue;
        let box = el;
        while (box && box.tagName !== "ARTICLE") {
            const ox = getComputedStyle(box).overflowX;
            if (ox === "auto" || ox === "scroll" || ox === "hidden"
                || ox === "clip") break;
            box = box.parentElement;
        }
        if (!box || box.tagName === "ARTICLE") box = el;
        const wide = e => e.scrollWidth > e.clientWidth + 1;
        if (!wide(el) && !wide(box)) continue;
        const st = getComputedStyle(box);
        const bar = box.offsetHeight - box.clientHeight
                    - parseFloat(st.borderTopWidth) - parseFloat(st.borderBottomWidth);
        const text = el.textContent.trim().slice(0, 40);
        out.push({what: el.tagName.toLowerCase() + " " + text,
                  overflow: st.overflowX, bar,
                  shadow: st.backgroundImage.includes("radial-gradient")
                          && st.backgroundAttachment.includes("local")});
    }
    return {selected: all.length, out};
}"""

# Against the width the page was opened at: a phone (is_mobile) widens its
# layout viewport, window.innerWidth included, to take in content that overflows.
PAGE_SCROLLS_SIDEWAYS = """(width) =>
    document.documentElement.scrollWidth > width + 1"""

FRAME_STATE = """(box) => {
    const img = box.querySelector("img");
    const slider = box.querySelector("input[type=range]");
    return [img.getAttribute("src"), slider.value];
}"""


@pytest.fixture(scope="module")
def visits(browser):
    """One visit per page and width (light mode), shared by the tests that read."""
    cache = {}

    def visit(name, width):
        need_book(name)
        if (name, width) not in cache:
            cache[(name, width)] = PageVisit(browser, name, width)
        return cache[(name, width)]

    yield visit
    for v in cache.values():
        v.close()


WIDTHS = [DESKTOP, PHONE]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", book_pages())
def test_page_renders_offline(visits, name, width):
    visit = visits(name, width)
    page = visit.page
    assert visit.math_state in ("no math", "mathml"), visit.math_state
    unconverted = page.evaluate(UNCONVERTED_MATH)
    assert not unconverted, f"math left as TeX: {unconverted[:5]}"
    mathjax = [u for u in visit.requests if "mathjax" in u.lower()]
    assert not mathjax and not page.evaluate("'MathJax' in window"), mathjax
    raw_tex = re.findall(
        r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{", page.evaluate(ARTICLE_TEXT)
    )
    assert not raw_tex, f"TeX left unrendered: {raw_tex[:5]}"
    math = page.evaluate(MATH_IN_ARTICLE) if name.startswith("chapters/") else None
    if math is not None:
        display, inline = source_math(name)
        assert math["boxes"] == math["blocks"] == display, (
            f"{display} display equations in the source, {math['boxes']} boxes on "
            f"the page holding {math['blocks']} block <math> elements"
        )
        need(math["inline"], "pieces of inline MathML", at_least=inline)
        if width == DESKTOP:
            assert not math["wider"], (
                f"equations wider than the column: {math['wider']}"
            )
    assert page.evaluate(BROKEN_IMAGES) == [], "images failed to load"
    assert visit.unstarted_players == 0, "an animation did not start on a scroll"

    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / (name.replace("/", "__").removesuffix(".html") + f"_{width}.png")
    # The whole page on the desktop; the first screen on the phone (cheaper).
    # A full-page shot of a long chapter can take over 30 s on a loaded machine
    # (seen once on CI-like load); the shot is a record, not the check.
    page.screenshot(path=str(shot), full_page=width == DESKTOP, timeout=120_000)

    outside = [u for u in visit.requests if not u.startswith(("file:", "data:"))]
    assert not outside and not visit.blocked, f"network requests: {outside}"
    assert not visit.errors, f"JavaScript errors: {visit.errors}"


# --- Accessibility ----------------------------------------------------------


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", book_pages())
def test_axe_finds_no_wcag_violation(browser, visits, name, width, scheme):
    # Light-mode visits are shared with the other tests; a dark one is not kept.
    need_book(name)
    visit = visits(name, width) if scheme == "light" else None
    visit = visit or PageVisit(browser, name, width, scheme=scheme)
    page = visit.page
    try:
        # The page follows the system's setting (the theme's "auto" mode).
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        results = run_axe(page)
    finally:
        if scheme != "light":
            visit.close()
    need(len(results["passes"]), "axe rules that passed")
    found = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    assert not found, f"axe-core at {width} px, {scheme} mode: {found}"


@pytest.mark.parametrize("scheme", SCHEMES)
def test_colour_mode_follows_the_system_setting(browser, scheme):
    name = content_pages()[0]
    need_book(name)
    visit = PageVisit(browser, name, DESKTOP, load_lazy=False, scheme=scheme)
    try:
        state = visit.page.evaluate(
            "() => [document.documentElement.dataset.mode,"
            " document.documentElement.dataset.theme]"
        )
        assert state == ["auto", scheme], state
    finally:
        visit.close()


# --- Figures: legible text, alt text ---------------------------------------


def png_text_chunks(data: bytes) -> dict:
    """The tEXt/iTXt/zTXt chunks of a PNG file, as a dict of str."""
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return {}
    chunks, pos = {}, 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            chunks[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"zTXt":
            key, _, rest = body.partition(b"\0")
            chunks[key.decode("latin-1")] = zlib.decompress(rest[1:]).decode("latin-1")
        elif kind == b"iTXt":
            key, _, rest = body.partition(b"\0")
            compressed, rest = rest[0], rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _tkey, _, text = rest.partition(b"\0")
            text = zlib.decompress(text) if compressed else text
            chunks[key.decode("latin-1")] = text.decode("utf-8")
        elif kind == b"IEND":
            break
    return chunks


def png_dpi(data: bytes) -> float:
    """Pixels per inch from a PNG's pHYs chunk (matplotlib writes it), else 72."""
    at = data.find(b"pHYs")
    if at < 0:
        return 72.0
    per_metre = int.from_bytes(data[at + 4 : at + 8], "big")
    unit = data[at + 12]
    return per_metre * 0.0254 if unit == 1 and per_metre else 72.0


@functools.lru_cache(maxsize=1)
def default_min_font_pt() -> float:
    """The smallest text matplotlib draws with its default rcParams, in points."""
    import matplotlib as mpl
    from matplotlib.font_manager import FontProperties

    keys = ["font.size", "xtick.labelsize", "ytick.labelsize", "legend.fontsize"]
    keys += ["axes.labelsize", "axes.titlesize"]
    return min(FontProperties(size=mpl.rcParams[k]).get_size_in_points() for k in keys)


def image_bytes(src: str) -> bytes:
    if src.startswith("data:"):
        header, _, payload = src.partition(",")
        return base64.b64decode(payload) if ";base64" in header else b""
    url = urlparse(src)
    path = Path(unquote(url.path)) if url.scheme == "file" else None
    return path.read_bytes() if path and path.is_file() else b""


def smallest_text_px(data: bytes):
    """(size in px at natural size, whether the figure code recorded it)."""
    recorded = png_text_chunks(data).get(MIN_FONT_KEY)
    if recorded is not None:
        return float(recorded), True
    return default_min_font_pt() * png_dpi(data) / 72.0, False


def figure_text_sizes(page):
    """Each article image's smallest text in CSS px as shown, and its context."""
    rows = []
    for img in page.evaluate(ARTICLE_IMAGES):
        data = image_bytes(img["src"])
        if not data.startswith(b"\x89PNG") or not img["natural"]:
            continue
        natural_px, recorded = smallest_text_px(data)
        scale = img["shown"] / img["natural"]
        rows.append(
            {
                "image": (img["id"] or img["src"].rsplit("/", 1)[-1])[:40],
                "shown_px": natural_px * scale,
                "scale": scale,
                "recorded": recorded,
                "scrolls_at_full_size": img["scrolls"] and scale >= 0.99,
            }
        )
    return rows


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", content_pages())
def test_figure_text_is_legible(visits, name, width):
    page = visits(name, width).page
    rows = figure_text_sizes(page)
    need(len(rows), "figures", min(1, article_html(name).count("_images/")))
    floor = MIN_TEXT_PX[width]
    too_small = [
        f"{r['image']}: {r['shown_px']:.1f} px (scale {r['scale']:.2f}"
        + ("" if r["recorded"] else ", unrecorded: matplotlib's default")
        + ")"
        for r in rows
        if r["shown_px"] < floor and not r["scrolls_at_full_size"]
    ]
    unrecorded = [r["image"] for r in rows if not r["recorded"]]
    smallest = min((r["shown_px"] for r in rows), default=None)
    print(f"{name} @ {width}px: {len(rows)} figures, smallest text {smallest} px")
    if unrecorded:
        print(f"{name} @ {width}px: no {MIN_FONT_KEY} in {unrecorded}")
    assert not too_small, f"figure text below {floor} px at {width} px: {too_small}"


# Alt text that only names the file: a path, an image file name or a hash.
FILE_NAME_ALT = re.compile(
    r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$|^[0-9a-f]{16,}$|_images/", re.I
)


@pytest.mark.parametrize("name", content_pages())
def test_every_figure_says_what_it_shows(visits, name):
    page = visits(name, DESKTOP).page
    images = page.evaluate(ARTICLE_IMAGES)
    need(len(images), "figures", min(1, article_html(name).count("_images/")))
    bad = [
        f"{(img['id'] or img['src'].rsplit('/', 1)[-1])[:40]}: alt={img['alt']!r}"
        for img in images
        if not (img["alt"] or "").strip() or FILE_NAME_ALT.search(img["alt"].strip())
    ]
    assert not bad, f"images without a description: {bad}"
    # Two figures of one cell would share the cell's alt text: each says its own.
    alts = [img["alt"] for img in images if img["alt"] and not img["id"]]
    shared = {a[:60] for a in alts if alts.count(a) > 1}
    assert not shared, f"figures sharing one description: {shared}"


UNLABELLED_CONTROLS = """() => {
    const controls = Array.from(document.querySelectorAll(
        'input:not([type=hidden]), select, textarea'));
    return {count: controls.length, bad: controls
        .filter(c => !(c.getAttribute("aria-label") || "").trim()
                     && !c.getAttribute("aria-labelledby")
                     && !(c.labels && c.labels.length)
                     && !(c.getAttribute("title") || "").trim())
        .map(c => c.outerHTML.slice(0, 80))};
}"""


@pytest.mark.parametrize("name", book_pages())
def test_every_form_control_has_a_label(visits, name):
    page = visits(name, DESKTOP).page
    found = page.evaluate(UNLABELLED_CONTROLS)
    # Every page has the search dialog's field; explorers and players add more.
    need(found["count"], "form controls")
    assert found["bad"] == []


# --- Phone layout -----------------------------------------------------------


@pytest.mark.parametrize("name", book_pages())
def test_wide_equations_and_outputs_scroll_visibly_on_a_phone(visits, name):
    page = visits(name, PHONE).page
    assert not page.evaluate(PAGE_SCROLLS_SIDEWAYS, PHONE), "the page scrolls sideways"
    wide = page.evaluate(WIDE_CONTENT)
    html = article_html(name)
    if "cell_output" in html or 'class="math' in html:
        need(wide["selected"], "equations and outputs")
    hidden = [
        w["what"]
        for w in wide["out"]
        if w["overflow"] not in ("auto", "scroll") or (w["bar"] < 4 and not w["shadow"])
    ]
    assert not hidden, f"cut off, or scrolling without a visible cue: {hidden}"


# Inline math cut off: a box that clips what it holds, or math that reaches
# past the article's column or the screen.
CLIPPED_INLINE_MATH = """() => {
    const article = document.querySelector("article");
    const edge = Math.min(article.getBoundingClientRect().right, window.innerWidth);
    const closed = Array.from(document.querySelectorAll(".toggle-hidden"));
    closed.forEach(e => e.classList.remove("toggle-hidden"));
    const spans = Array.from(article.querySelectorAll("span.math"))
        .filter(s => s.offsetParent !== null && s.querySelector("math"));
    const clipped = spans.filter(s => {
        const ox = getComputedStyle(s).overflowX;
        const math = s.querySelector("math").getBoundingClientRect();
        const cuts = (ox === "hidden" || ox === "clip")
                     && s.scrollWidth > s.clientWidth + 1;
        return cuts || Math.min(math.right, s.getBoundingClientRect().right) > edge + 1;
    }).map(s => Array.from(s.textContent.replace(/\\s+/g, "")).slice(0, 40).join(""));
    const scrolling = spans.filter(s => s.scrollWidth > s.clientWidth + 1).length;
    closed.forEach(e => e.classList.add("toggle-hidden"));
    return {count: spans.length, clipped, scrolling};
}"""


@pytest.mark.parametrize("name", content_pages())
def test_inline_math_is_never_clipped_on_a_phone(visits, name):
    found = visits(name, PHONE).page.evaluate(CLIPPED_INLINE_MATH)
    need(found["count"], "pieces of inline math", at_least=min(1, source_math(name)[1]))
    print(f"{name}: {found['scrolling']} of {found['count']} inline formulas scroll")
    assert not found["clipped"], f"inline math cut off at 390 px: {found['clipped']}"


def test_few_display_equations_are_wider_than_a_phone_column(visits):
    pages = content_pages()
    need_book(pages[0])
    wider, total = {}, 0
    for name in pages:
        math = visits(name, PHONE).page.evaluate(MATH_IN_ARTICLE)
        total += math["blocks"]
        if math["wider"]:
            wider[name] = math["wider"]
    need(total, "display equations in the book")
    count = sum(len(v) for v in wider.values())
    print(f"display equations wider than a 390 px column: {count} of {total}: {wider}")
    assert count <= MAX_WIDE_EQUATIONS, wider


# Printed outputs on a phone: those marked as sentences must not scroll (they
# wrap); tables and arrays narrow enough must fit; the rest may scroll. Also
# counts the output boxes that still scroll sideways.
PRINTED_OUTPUTS = """() => {
    const wide = e => e.scrollWidth > e.clientWidth + 1;
    const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
    const all = sel => Array.from(document.querySelectorAll(sel));
    const prose = all("div.cell_output .output-prose pre");
    const columns = all("div.cell_output .output-columns")
        .map(b => [b, Number(getComputedStyle(b).getPropertyValue("--cols"))]);
    const scrolling = all("div.cell_output")
        .filter(o => o.offsetParent !== null && [o, ...o.querySelectorAll("*")]
            .some(e => scrolls(e) && wide(e)));
    return {
        prose: prose.length, columns: columns.length,
        proseScrolling: prose.filter(p => p.offsetParent !== null && wide(p))
            .map(p => p.textContent.slice(0, 50)),
        narrowScrolling: columns.filter(([b, n]) => b.offsetParent !== null
                && n * CHAR * SMALLEST + EDGES <= b.clientWidth
                && wide(b.querySelector("pre")))
            .map(([b, n]) => n + ": " + b.textContent.slice(0, 50)),
        scrolling: scrolling.length,
    };
}"""


@pytest.mark.parametrize("name", content_pages())
def test_printed_outputs_wrap_or_fit_on_a_phone(visits, name):
    found = visits(name, PHONE).page.evaluate(
        PRINTED_OUTPUTS.replace("SMALLEST", str(TABLE_SMALLEST_PX))
        .replace("CHAR", str(TABLE_CHAR_EM))
        .replace("EDGES", str(TABLE_EDGES_PX))
    )
    html = article_html(name)
    need(found["prose"], "outputs printed as sentences", html.count("output-prose"))
    need(found["columns"], "outputs printed in columns", html.count("output-columns"))
    print(f"{name}: {found['scrolling']} output cells scroll sideways at 390 px")
    assert not found["proseScrolling"], found["proseScrolling"]
    assert not found["narrowScrolling"], found["narrowScrolling"]


# Each animation player's width against its box, and its controls' right edges
# against the screen's.
PLAYERS = """() => Array.from(document.querySelectorAll("div.animation")).map(a => ({
    width: a.getBoundingClientRect().width,
    room: a.parentElement.clientWidth,
    right: Math.max(...Array.from(a.querySelectorAll("img, button, input"))
        .map(e => e.getBoundingClientRect().right)),
    buttons: a.querySelectorAll("button").length,
}))"""


@pytest.mark.parametrize("name", content_pages())
def test_animation_players_fit_a_phone(visits, name):
    players = visits(name, PHONE).page.evaluate(PLAYERS)
    need(
        len(players),
        "animation players",
        article_html(name).count('<div class="animation">'),
    )
    for k, p in enumerate(players):
        need(p["buttons"], f"buttons in player {k}", 9)
        assert p["width"] <= p["room"] + 1, f"player {k}: {p}"
        assert p["right"] <= PHONE, f"player {k} reaches past the screen: {p}"


def test_page_contents_close_when_the_reader_follows_a_link(browser):
    name = max(content_pages(), key=lambda n: article_html(n).count("<h2"))
    need_book(name)
    visit = PageVisit(browser, name, PHONE, load_lazy=False)
    page = visit.page
    try:
        page.locator(".bd-header-article button.secondary-toggle").click()
        dialog = page.locator("#pst-secondary-sidebar-modal")
        dialog.wait_for(state="visible", timeout=10000)
        links = dialog.locator("nav a[href^='#']")
        need(links.count(), "links in the page's contents", 2)
        links.nth(links.count() - 1).click()
        dialog.wait_for(state="hidden", timeout=10000)
        assert page.evaluate("window.scrollY") > 0, "the page did not move"
        assert not visit.errors, visit.errors
    finally:
        visit.close()


@pytest.mark.parametrize("width", [PHONE, TABLET])
@pytest.mark.parametrize("name", content_pages()[:2])
def test_sidebar_toggles_open_the_chapter_navigation(browser, name, width):
    need_book(name)
    visit = PageVisit(browser, name, width)
    page = visit.page
    try:
        page.locator(".bd-header-article button.primary-toggle").click()
        dialog = page.locator("#pst-primary-sidebar-modal")
        dialog.wait_for(state="visible", timeout=10000)
        links = dialog.locator("nav a[href$='.html']")
        assert links.count() >= 2, "the navigation dialog lists no chapters"
        assert links.first.is_visible()
        page.keyboard.press("Escape")
        dialog.wait_for(state="hidden", timeout=10000)
        toggle = page.locator(".bd-header-article button.secondary-toggle")
        need(toggle.count(), "page contents toggles")
        toggle.click()
        page.locator("#pst-secondary-sidebar-modal").wait_for(
            state="visible", timeout=10000
        )
        assert not visit.errors, visit.errors
    finally:
        visit.close()


# --- Interaction ------------------------------------------------------------


@pytest.mark.parametrize("name", content_pages())
def test_animations_play_and_step(browser, name):
    need_book(name)
    if "anim-slider" not in (BOOK / name).read_text(errors="replace"):
        pytest.skip("no animation on this page")
    visit = PageVisit(browser, name, DESKTOP)
    page = visit.page
    try:
        players = page.locator("div.animation").all()
        need(
            len(players),
            "animation players",
            article_html(name).count('<div class="animation">'),
        )
        for k, box in enumerate(players):
            before = box.evaluate(FRAME_STATE)
            assert before[0], f"animation {k} shows no frame"
            box.locator("button[title=Play]").click()
            page.wait_for_function(
                "([box, src]) => box.querySelector('img').getAttribute('src') !== src",
                arg=[box.element_handle(), before[0]],
                timeout=10000,
            )
            after = box.evaluate(FRAME_STATE)
            assert after[1] != before[1], f"animation {k}: slider did not move"
            # Pause, go back to the start, and step one frame by hand.
            for title in ("Pause", "First frame", "Next frame"):
                box.locator(f"button[title='{title}']").click()
            stepped = box.evaluate(FRAME_STATE)
            assert stepped[1] == "1", f"animation {k}: stepping gave frame {stepped[1]}"
            assert stepped[0] != before[0], f"animation {k}: step kept the frame"
        assert not visit.errors, f"JavaScript errors: {visit.errors}"
    finally:
        visit.close()


@pytest.mark.parametrize("name", content_pages())
def test_solution_title_link_opens_the_solution(browser, name):
    need_book(name)
    if 'class="admonition solution' not in (BOOK / name).read_text(errors="replace"):
        pytest.skip("no solution on this page")
    visit = PageVisit(browser, name, DESKTOP)
    page = visit.page
    try:
        solution = page.locator("div.solution.toggle").first
        link = solution.locator(".admonition-title a").first
        url = page.url
        assert "toggle-hidden" in (solution.get_attribute("class") or "")
        link.click()
        assert "toggle-hidden" not in (solution.get_attribute("class") or "")
        assert page.url == url, "the link jumped away instead of opening"
        link.focus()
        page.keyboard.press("Enter")
        assert "toggle-hidden" in (solution.get_attribute("class") or "")
        assert not visit.errors, f"JavaScript errors: {visit.errors}"
    finally:
        visit.close()


def test_landing_page_links_every_chapter():
    need_book(book_pages()[0])
    toc = (ROOT / "_toc.yml").read_text()
    root = re.search(r"^root:\s*(\S+)", toc, re.M).group(1)
    chapters = re.findall(r"^\s*-\s*file:\s*(\S+)", toc, re.M)
    landing = (BOOK / f"{root}.html").read_text()
    article = landing[landing.index("<article") : landing.index("</article>")]
    linked = {Path(h).stem for h in re.findall(r'href="([^"#]+\.html)', article)}
    missing = [c for c in chapters if Path(c).stem not in linked]
    assert not missing, f"the landing page does not link {missing}"


PENDING_IMAGES = """() => Array.from(document.querySelectorAll('img[loading="lazy"]'))
    .filter(i => !i.complete).length"""


def test_lazy_figures_wait_for_the_reader_and_load_on_scroll(browser):
    def lazy_count(name):
        return (BOOK / name).read_text().count('loading="lazy"')

    name = max(content_pages(), key=lazy_count, default=MISSING)
    need_book(name)
    visit = PageVisit(browser, name, PHONE, load_lazy=False)
    try:
        page = visit.page
        assert page.evaluate(PENDING_IMAGES) > 0, "no figure waited for a scroll"
        for image in page.locator('img[loading="lazy"]').all():
            image.scroll_into_view_if_needed()
        page.wait_for_function(f"() => ({PENDING_IMAGES})() === 0", timeout=20000)
        assert page.evaluate(BROKEN_IMAGES) == [], "images failed to load"
    finally:
        visit.close()


# Each animation's distance below the first screen, and whether it shows a frame.
ANIMATIONS_BELOW = """() => Array.from(document.querySelectorAll("div.animation"))
    .map(b => [b.getBoundingClientRect().top - window.innerHeight,
               Boolean(b.querySelector("img").getAttribute("src"))])"""


def test_animations_far_down_start_only_when_the_reader_reaches_them(browser):
    pages = [n for n in content_pages() if "anim-slider" in (BOOK / n).read_text()]
    need_book(pages[0] if pages else MISSING)
    far, checked = 1200, 0  # px below the first screen: beyond the 800 px margin
    for name in pages:
        visit = PageVisit(browser, name, PHONE, load_lazy=False)
        try:
            page = visit.page
            page.wait_for_timeout(300)  # let any observer callback run
            states = page.evaluate(ANIMATIONS_BELOW)
            for k, (below, started) in enumerate(states):
                if below < far:
                    continue
                assert not started, f"{name}: animation {k} started {below:.0f} px down"
                box = page.locator("div.animation").nth(k)
                box.scroll_into_view_if_needed()
                page.wait_for_function(
                    "box => Boolean(box.querySelector('img').getAttribute('src'))",
                    arg=box.element_handle(),
                    timeout=10000,
                )
                checked += 1
            frames = [u for u in visit.requests if "/_images/frame-" in u]
            assert not checked or frames, f"{name}: no frame file was fetched"
            page.evaluate(LOAD_LAZY_IMAGES)  # else BROKEN_IMAGES waits on them
            assert page.evaluate(BROKEN_IMAGES) == [], "frames failed to load"
            assert not visit.errors, visit.errors
        finally:
            visit.close()
    assert checked, "no animation sits far enough down a phone page to check"


def test_figures_keep_their_colours_in_dark_mode(browser):
    with_figures = [
        n for n in content_pages() if "cell_output" in (BOOK / n).read_text()
    ]
    need_book(with_figures[0] if with_figures else MISSING)
    name = next(n for n in with_figures if "<img" in (BOOK / n).read_text())
    visit = PageVisit(browser, name, DESKTOP, scheme="dark")
    try:
        assert visit.page.evaluate("document.documentElement.dataset.theme") == "dark"
        style = visit.page.evaluate(
            """() => { const s = getComputedStyle(
                document.querySelector('div.cell_output img'));
                return [s.filter, s.backgroundColor]; }"""
        )
        assert style == ["none", "rgb(255, 255, 255)"], style
    finally:
        visit.close()


# --- Weight -------------------------------------------------------------------


def request_bytes(url: str) -> int:
    if url.startswith("data:"):
        return 0  # inside the page that holds it, already counted
    parsed = urlparse(url)
    path = Path(unquote(parsed.path))
    return path.stat().st_size if parsed.scheme == "file" and path.is_file() else 0


@pytest.mark.parametrize("name", book_pages())
def test_page_weight_within_budget(visits, name):
    visit = visits(name, PHONE)
    visit.page.wait_for_load_state("networkidle")
    weight = sum(request_bytes(u) for u in set(visit.requests))
    print(f"{name}: {len(set(visit.requests))} requests, {weight / 1024:.0f} KiB")
    assert weight <= WEIGHT_BUDGET_BYTES, f"{name} weighs {weight / 1024:.0f} KiB"


# --- Search -------------------------------------------------------------------


@pytest.fixture(scope="module")
def book_server():
    class QuietHandler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(QuietHandler, directory=str(BOOK))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


# What a snippet must not quote: an explorer's stand-in for readers without
# JavaScript, or a line of code.
EXPLORER_STAND_IN = "With JavaScript"
CODE_LINE = re.compile(r"\bimport \w|\bdef \w+\(|\bnd\.\w+\(|d2l\.\w+\(")


def search_results(browser, book_server, query):
    """(titles, snippets) that the search page lists for ``query`` over http."""
    visit = PageVisit(
        browser, "search.html", DESKTOP, url=f"{book_server}/search.html?q={query}"
    )
    page = visit.page
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results p.context').length > 0",
            timeout=30000,
        )
        page.wait_for_timeout(800)
        titles = page.locator("#search-results li > a").all_inner_texts()
        snippets = page.locator("#search-results p.context").all_inner_texts()
        assert not visit.errors, visit.errors
        return titles, snippets
    finally:
        visit.close()


@pytest.mark.parametrize("query", ["padding", "channels", "pooling", "gradient"])
def test_search_snippets_quote_prose_and_list_each_page_once(
    browser, book_server, query
):
    need_book(book_pages()[0])
    titles, snippets = search_results(browser, book_server, query)
    need(len(snippets), f"snippets for {query!r}")
    tex = [s for s in snippets if re.search(r"\\[(\[a-zA-Z]", s)]
    assert not tex, f"raw TeX in search results: {tex[:2]}"
    header = [s for s in snippets if ".pdf" in s or ".ipynb" in s]
    assert not header, f"page-header junk in search results: {header[:2]}"
    stand_in = [s for s in snippets if EXPLORER_STAND_IN in s]
    assert not stand_in, f"an explorer's stand-in quoted: {stand_in[:1]}"
    code = [s for s in snippets if CODE_LINE.search(s)]
    assert not code, f"code quoted: {code[:1]}"
    twice = [t for t in titles if re.fullmatch(r"(?:[\d.]+\s+)?(.+) > \1", t)]
    assert not twice, f"a page listed under its own title twice: {twice}"


def test_search_from_a_file_url_lists_pages_without_errors(browser):
    need_book(book_pages()[0])
    url = (BOOK / "search.html").as_uri() + "?q=stride"
    visit = PageVisit(browser, "search.html", DESKTOP, url=url)
    page = visit.page
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li > a').length > 0",
            timeout=30000,
        )
        page.wait_for_timeout(800)
        assert not visit.errors, f"console errors from file://: {visit.errors}"
    finally:
        visit.close()


# --- Header and search field ---------------------------------------------------

# The focused element's ring: outline style and width, and box shadow.
FOCUS_RING = """(label) => {
    const el = Array.from(document.querySelectorAll(".bd-header-article button"))
        .find(b => (b.getAttribute("aria-label") || b.title || "") === label);
    if (!el) return null;
    el.focus();
    const s = getComputedStyle(el);
    return {focused: document.activeElement === el,
            visible: el.matches(":focus-visible"),
            outline: s.outlineStyle, width: parseFloat(s.outlineWidth),
            shadow: s.boxShadow};
}"""


@pytest.mark.parametrize("label", ["Toggle primary sidebar", "Download this page"])
def test_header_buttons_show_keyboard_focus(browser, label):
    name = content_pages()[0]
    need_book(name)
    visit = PageVisit(browser, name, DESKTOP, load_lazy=False)
    page = visit.page
    try:
        page.keyboard.press("Tab")  # a keyboard user: focus is shown from now on
        ring = page.evaluate(FOCUS_RING, label)
        assert ring is not None, f"no header button named {label!r}"
        assert ring["focused"] and ring["visible"], ring
        has_ring = ring["outline"] != "none" and ring["width"] >= 2
        assert has_ring or ring["shadow"] != "none", f"{label}: no focus ring: {ring}"
    finally:
        visit.close()


# Visible search fields (the sidebar's button, the header's, a page's form).
VISIBLE_SEARCH_FIELDS = """() => Array.from(document.querySelectorAll(
        ".search-button-field, .bd-search-container form.bd-search"))
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0)
    .length"""

# The magnifier's right edge against the start of the query's text.
SEARCH_ICON = """() => {
    const form = Array.from(document.querySelectorAll("form.bd-search"))
        .find(f => f.offsetParent !== null);
    if (!form) return null;
    const icon = form.querySelector(".fa-magnifying-glass").getBoundingClientRect();
    const input = form.querySelector("input");
    const box = input.getBoundingClientRect();
    const s = getComputedStyle(input);
    return {iconRight: icon.right, textLeft: box.left + parseFloat(s.paddingLeft)
            + parseFloat(s.borderLeftWidth)};
}"""


def test_one_search_field_on_a_desktop_page(visits):
    name = content_pages()[0]
    page = visits(name, DESKTOP).page
    assert page.evaluate(VISIBLE_SEARCH_FIELDS) == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_search_icon_leaves_the_query_readable(browser, width):
    need_book(book_pages()[0])
    visit = PageVisit(browser, "search.html", width, load_lazy=False)
    page = visit.page
    try:
        found = page.evaluate(SEARCH_ICON)
        assert found is not None, "no search form on the search page"
        assert found["iconRight"] <= found["textLeft"], found
        # The dialog that Ctrl+K opens on every page.
        visit.close()
        visit = PageVisit(browser, content_pages()[0], width, load_lazy=False)
        page = visit.page
        page.keyboard.press("Control+k")
        page.locator("#pst-search-dialog").wait_for(state="visible", timeout=10000)
        found = page.evaluate(SEARCH_ICON)
        assert found is not None, "no search field in the dialog"
        assert found["iconRight"] <= found["textLeft"], found
    finally:
        visit.close()


# --- Explorers' check lines ----------------------------------------------------

# The printed line right after each explorer (a hidden cell that asks MXNet or
# Gluon for the explorer's starting state).
CHECK_LINES = """() => Array.from(document.querySelectorAll("div.cell"))
    .filter(c => c.querySelector(".d2l-x, .d2l-explorer-static"))
    .map(c => c.nextElementSibling)
    .filter(n => n && n.querySelector("div.cell_output pre"))
    .map(n => n.querySelector("div.cell_output pre").textContent.trim())"""


def test_explorer_check_lines_say_what_they_checked(visits):
    lines = []
    for name in content_pages():
        if "data-explorer" in article_html(name) or "d2l-x" in article_html(name):
            lines += visits(name, DESKTOP).page.evaluate(CHECK_LINES)
    checks = [t for t in lines if t.startswith(("MXNet", "Gluon"))]
    need(len(checks), "lines under the explorers that quote MXNet or Gluon", 4)
    vague = [t for t in checks if not re.search(r"starting preset|as they start", t)]
    assert not vague, f"check lines that could be read as following the reader: {vague}"
