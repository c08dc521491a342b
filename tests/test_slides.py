"""The lecture slides: every deck of ``_build/slides`` works, offline, and agrees
with its notebook.

``make slides`` writes one reveal.js deck per section whose notebook marks
slides (``chapters/_site/slides/build.py``; ``make test`` runs it after the
book's build). Here:

* without a browser: sections 1 to 9 and the performance appendix have a deck,
  every notebook with marks has one and no other does; each deck has a title
  slide, 12 to 25 slides, speaker notes on every slide and a closing slide
  with the exercises and a link to the section's page; every code cell,
  output, figure, animation frame and explorer state on a slide is the one
  stored in the cell it names (an explorer that loads late carries the network
  the notebook checks), and every cell the notebook marks is on the deck (a
  deck built before its notebook changed fails here);
* in headless Chromium at 1280x720, from ``file://`` with every other request
  aborted: every slide, with all its fragments shown, keeps its content inside
  the slide (nothing sticks out, no line is cut off, no explorer is clipped,
  no code smaller than 14 px); its math is MathML drawn in the book's math
  font with no TeX left in the text; no JavaScript error is logged and no
  request leaves the deck's folder; the explorers are mounted and keep the
  arrow keys while focused; every animation shows a frame and plays; the
  right arrow key alone walks from the first slide to the last, and the left
  one back; the speaker view opens with the slide's notes;
* the print view (``?print-pdf``) prints one page per slide, nothing sticking
  out of its page.

Set ``D2L_SLIDES`` to test decks built elsewhere (and ``D2L_BOOK_HTML`` for
the book whose pages link them, as for the browser test).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
SLIDES = Path(os.environ.get("D2L_SLIDES", ROOT / "_build" / "slides"))
CHAPTERS = ROOT / "chapters"
sys.path.insert(0, str(ROOT / "chapters" / "_site"))
import book_slides  # noqa: E402

#: Sections that must have a deck: the core chapter (sections 1 to 6), Going
#: further (files 08 to 10; the book numbers them 7 to 9) and the performance
#: appendix (file 07).
REQUIRED = [
    "01_from_dense_to_conv",
    "02_conv_for_images",
    "03_padding_and_stride",
    "04_channels",
    "05_pooling",
    "06_putting_it_together",
    "07_performance",
    "08_conv_gradients",
    "09_conv_family",
    "10_shift_invariance",
]
FEWEST, MOST = 12, 25
MIN_CODE_PX = 14
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
MARKED = [
    p.stem for p in NOTEBOOKS if book_slides.has_slides(json.loads(p.read_text()))
]
DECKS = sorted(set(MARKED) | set(REQUIRED))


def deck_path(stem: str) -> Path:
    path = SLIDES / book_slides.deck_file(stem)
    if not path.is_file():
        pytest.fail(f"no deck {path}: run `make slides`")
    return path


def soup(stem: str) -> BeautifulSoup:
    return BeautifulSoup(deck_path(stem).read_text(encoding="utf-8"), "html.parser")


def notebook(stem: str):
    return nbformat.read(CHAPTERS / f"{stem}.ipynb", as_version=4)


# --- The decks, read as files ----------------------------------------------------


@pytest.mark.parametrize("stem", REQUIRED)
def test_each_required_section_marks_its_slides(stem):
    assert stem in MARKED, f"chapters/{stem}.ipynb marks no cell as a slide"


def test_a_deck_for_every_marked_notebook_and_no_other():
    if not SLIDES.is_dir():
        pytest.fail(f"no decks at {SLIDES}: run `make slides`")
    built = {p.stem for p in SLIDES.glob("*.html")} - {"index"}
    assert built == set(MARKED)
    index = (SLIDES / "index.html").read_text(encoding="utf-8")
    for stem in MARKED:
        assert (
            f'href="{stem}.html"' in index and f'href="{stem}.html?print-pdf"' in index
        )


@pytest.mark.parametrize("stem", DECKS)
def test_deck_has_a_title_notes_and_a_closing_slide(stem):
    page = soup(stem)
    slides = page.select(".reveal .slides > section")
    assert FEWEST <= len(slides) <= MOST, f"{len(slides)} slides"
    assert slides[0]["data-kind"] == "title" and slides[0].h1.get_text(strip=True)
    closing = slides[-1]
    assert closing["data-kind"] == "closing"
    link = closing.select_one(".to-the-book a")
    assert link["href"] == f"../html/chapters/{stem}.html"
    exercises = len(re.findall(r"^:label: ex-", "".join(_book_markdown(stem)), re.M))
    assert len(closing.select("ol.exercises > li")) == exercises
    for n, slide in enumerate(slides, start=1):
        notes = slide.select_one("aside.notes")
        words = len(notes.get_text(" ", strip=True).split()) if notes else 0
        assert words >= 15, f"slide {n} has {words} words of speaker notes"
        if slide["data-kind"] == "content":
            assert slide.h2 and slide.h2.get_text(strip=True), f"slide {n} has no title"


def _book_markdown(stem):
    tags = ("remove-cell",)
    return [
        c.source
        for c in notebook(stem).cells
        if c.cell_type == "markdown" and not set(tags) & set(c.metadata.get("tags", []))
    ]


def _stored_texts(cell) -> list[str]:
    texts, stream = [], ""
    for output in cell.outputs:
        if output.output_type == "stream":
            stream += output.text
        elif output.output_type == "error":
            texts.append(f"{output.ename}: {output.evalue}")
        else:
            texts.append(output.get("data", {}).get("text/plain", ""))
    return texts + [stream]


def _stored_images(cell) -> set[str]:
    """Digests of the PNGs a cell stores, figures and animation frames alike."""
    found = set()
    for output in cell.outputs:
        data = output.get("data", {})
        chunks = [data.get("image/png", "")] + re.findall(
            r"base64,([A-Za-z0-9+/=\\\n]+)", data.get("text/html", "")
        )
        for chunk in filter(None, chunks):
            raw = base64.b64decode(chunk.replace("\\\n", "").replace("\n", ""))
            found.add(hashlib.sha1(raw).hexdigest())
    return found


@pytest.mark.parametrize("stem", DECKS)
def test_every_slide_shows_what_its_notebook_stores(stem):
    page, nb = soup(stem), notebook(stem)
    cells = {c.id: c for c in nb.cells}
    for block in page.select("[data-cell-id]"):
        cell = cells.get(block["data-cell-id"])
        assert cell is not None, f"no cell {block['data-cell-id']} in {stem}"
        if "code" not in block.get("class", []):
            continue
        assert cell.cell_type == "code"
        source = block.select_one("pre.input")
        if source is not None:
            assert source.get_text() == cell.source
        stored = "\n".join(_stored_texts(cell))
        for out in block.select("pre.output"):
            assert out.get_text().strip() in stored, out.get_text()[:80]
        images = _stored_images(cell)
        for img in block.select("img.figure"):
            raw = (SLIDES / img["src"]).read_bytes()
            assert hashlib.sha1(raw).hexdigest() in images, img["src"]
        html_out = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
        for script in block.select(".explorer script"):
            state = re.search(
                r"d2lMount\(explorer, document\.currentScript, (.*)\);", script.string
            )
            if state is None:
                _check_lazy_explorer(script.string, html_out)
            else:
                assert state.group(1) in html_out
        for frame in re.findall(r'frames\[\d+\] = "_images/([^"]+)"', str(block)):
            raw = (SLIDES / "_images" / frame).read_bytes()
            assert hashlib.sha1(raw).hexdigest() in images, frame
    shown = {b["data-cell-id"] for b in page.select("[data-cell-id]")}
    marked = {c.id for c in nb.cells if book_slides.slide_type(c) not in (None, "skip")}
    assert marked <= shown, (
        f"marked cells missing from the deck: {sorted(marked - shown)}"
    )


def _check_lazy_explorer(loader: str, html_out: str) -> None:
    """An explorer that loads late (the LeNet explorer): its loader starts it
    with the state the notebook stores, plus where the deck keeps its network,
    and that network, shipped in the deck's folder, is the package's file,
    which the notebook checks against the network it trained."""
    found = re.search(r"^  const state = (.*);$", loader, re.M)
    assert found, "an explorer script that neither mounts nor loads an explorer"
    state = json.loads(found.group(1))
    data_url = state.pop("data_url")
    stored = [
        json.loads(m)
        for m in re.findall(r'data-d2l-load="near">(.*?)</script>', html_out, re.S)
    ]
    assert state in stored, "the loader's state is not the one stored"
    sources = re.findall(r'^    script\.src = "([^"]+)";$', loader, re.M)
    assert sources, "the loader names no script"
    for src in sources:
        assert (SLIDES / src).is_file(), src
    shipped = (SLIDES / data_url).read_text(encoding="utf-8")
    blob = re.search(r'\] = "([A-Za-z0-9+/=]+)";', shipped)
    weights = ROOT / "d2l" / "explorers" / "weights" / f"{state['data']}.bin"
    assert blob and base64.b64decode(blob.group(1)) == weights.read_bytes()


def test_slide_only_cells_are_hidden_from_the_book():
    for path in NOTEBOOKS:
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.id.startswith("slide-"):
                assert "remove-cell" in cell.metadata.get("tags", []), cell.id
                assert cell.cell_type == "markdown", cell.id


def test_the_page_links_its_deck(tmp_path):
    # The Sphinx hook, on a page like the book's: the link goes under the title.
    class App:
        srcdir = str(ROOT)

    body = '<section><h1>Title<a class="headerlink" href="#t">#</a></h1><p>Text</p>'
    for stem, has in (("01_from_dense_to_conv", True), ("11_running_d2l_code", False)):
        context = {"body": body}
        book_slides._link_the_deck(App, f"chapters/{stem}", "page.html", context, None)
        link = f'href="../../slides/{stem}.html"'
        assert (link in context["body"]) == (stem in MARKED) == has
        if has:
            assert context["body"].index(link) > context["body"].index("</h1>")


def test_built_book_pages_link_their_decks():
    book = Path(os.environ.get("D2L_BOOK_HTML", ROOT / "_build" / "html")) / "chapters"
    if not book.is_dir():
        pytest.skip("the book is not built (`make book`)")
    for stem in MARKED:
        page = (book / f"{stem}.html").read_text(encoding="utf-8")
        assert f'href="../../slides/{stem}.html"' in page, stem


# --- The decks in a browser --------------------------------------------------------


class DeckVisit:
    """A deck opened at 1280x720 from file://, its requests and errors recorded."""

    def __init__(self, browser, stem: str, query: str = ""):
        self.root = SLIDES.resolve().as_uri() + "/"
        self.requests, self.errors = [], []
        self.context = browser.new_context(viewport={"width": 1280, "height": 720})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self._watch(self.page)
        self.page.goto(deck_path(stem).resolve().as_uri() + query, wait_until="load")
        try:
            self.page.wait_for_function(
                "window.Reveal && Reveal.isReady()", timeout=20000
            )
        except Exception as error:  # Playwright's TimeoutError
            self.close()
            raise AssertionError(
                f"{stem}: the deck did not start: {self.errors}"
            ) from error

    def _watch(self, page):
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"console: {m.text}") if m.type == "error" else None
            ),
        )

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith((self.root, "data:", "blob:", "about:")):
            route.continue_()
        else:
            route.abort()

    def outside(self) -> list[str]:
        return [
            u for u in self.requests if not u.startswith((self.root, "data:", "blob:"))
        ]

    def close(self):
        self.context.close()


# What is wrong with the slide on show, all fragments visible: elements outside
# the slide, boxes that cut their content off, code set too small, math not
# drawn, TeX left in the text, explorers that did not mount.
SLIDE_PROBLEMS = """async ([index, minCode]) => {
    Reveal.slide(index, 0, 999);
    await document.fonts.ready;
    const slide = Reveal.getCurrentSlide();
    // An explorer runs once its script has replaced the static rendering (text,
    // tables, a picture) by one element of its own, drawn at a usable size; a
    // large one loads late, when its slide comes near, and fills in once its
    // data has loaded. Wait for that before measuring anything.
    const running = box => {
        const host = box.querySelector(".d2l-explorer-static");
        const root = host && host.children.length === 1 && host.firstElementChild;
        return root && root.tagName === "DIV" && root.childElementCount > 0;
    };
    const drawn = box => {
        const r = box.querySelector(".d2l-explorer-static").getBoundingClientRect();
        return r.width >= 200 && r.height >= 100;
    };
    for (const box of slide.querySelectorAll(".explorer")) {
        for (let t = 0; t < 100 && !(running(box) && drawn(box)); t++)
            await new Promise(r => setTimeout(r, 50));
    }
    for (let i = 0; i < 3; i++) await new Promise(r => requestAnimationFrame(r));
    const frame = document.querySelector(".reveal .slides").getBoundingClientRect();
    const scale = Reveal.getScale();
    const name = e => (e.tagName.toLowerCase() + "." + [...e.classList].join(".")
        + " " + (e.textContent || "").trim().slice(0, 40));
    const problems = [];
    for (const el of slide.querySelectorAll("*")) {
        if (el.closest("aside.notes, script, style")) continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (r.left < frame.left - 1 || r.right > frame.right + 1
            || r.top < frame.top - 1 || r.bottom > frame.bottom + 1)
            problems.push("outside the slide: " + name(el));
    }
    for (const el of slide.querySelectorAll("*")) {
        if (el.closest("aside.notes")) continue;
        if (getComputedStyle(el).overflow === "visible") continue;
        if (el.scrollWidth > el.clientWidth + 1
            || el.scrollHeight > el.clientHeight + 1)
            problems.push("content cut off: " + name(el));
    }
    for (const pre of slide.querySelectorAll("pre")) {
        if (parseFloat(getComputedStyle(pre).fontSize) < minCode)
            problems.push("code smaller than " + minCode + " px: " + name(pre));
    }
    for (const m of slide.querySelectorAll("math")) {
        if (m.closest("aside.notes")) continue;
        const r = m.getBoundingClientRect();
        if (r.width < 1 || r.height < 1)
            problems.push("math not drawn: " + m.textContent);
    }
    const copy = slide.cloneNode(true);
    copy.querySelectorAll("pre, code, math, script, style, aside, .explorer")
        .forEach(e => e.remove());
    const tex = copy.textContent.match(/\\$|\\\\[A-Za-z]+|\\{eq\\}/g);
    if (tex) problems.push("TeX left in the text: " + tex.slice(0, 3).join(" "));
    for (const box of slide.querySelectorAll(".explorer")) {
        const host = box.querySelector(".d2l-explorer-static");
        const r = running(box) ? host.getBoundingClientRect() : {width: 0, height: 0};
        const room = box.getBoundingClientRect();
        if (r.width < 200 || r.height < 100)
            problems.push("explorer not running: " + name(box));
        else if (r.height < 0.5 * room.height && r.width < 0.5 * room.width)
            problems.push("explorer drawn too small for its room: " + name(box));
    }
    return {problems, math: slide.querySelectorAll("math").length,
            explorers: slide.querySelectorAll(".explorer").length,
            players: slide.querySelectorAll(".player").length, scale};
}"""

MATH_FONT_LOADED = """() => Array.from(document.fonts).some(
    f => f.family.replace(/"/g, "") === "Book Math" && f.status === "loaded")"""


FRAME = """(player) => [player.querySelector(".animation img").getAttribute("src"),
                        player.querySelector("input[type=range]").value]"""


def _walk_with_keys(page) -> dict:
    """From the first slide, the right arrow key pressed once per slide and
    fragment (and three times more), then the left arrow and Home."""
    total = page.evaluate("Reveal.getTotalSlides()")
    steps = total + page.evaluate(
        "document.querySelectorAll('.reveal .slides .fragment').length"
    )
    page.evaluate("Reveal.slide(0, 0, -1)")
    page.locator("body").focus()
    for _ in range(steps + 3):
        page.keyboard.press("ArrowRight")
    walk = {"total": total, "end": page.evaluate("Reveal.getIndices().h")}
    walk["last"] = page.evaluate("Reveal.isLastSlide()")
    page.keyboard.press("ArrowLeft")
    walk["back"] = page.evaluate("Reveal.getIndices().h")
    page.keyboard.press("Home")
    walk["home"] = page.evaluate("Reveal.getIndices().h")
    return walk


def _play_and_type(page, total: int) -> list[str]:
    """What goes wrong when a lecturer plays each animation and types into
    each explorer: a player that shows no frame or does not move, arrow keys
    that leave the explorer for the deck, Esc that does not give them back."""
    problems = []
    for index in range(total):
        page.evaluate("(i) => Reveal.slide(i, 0, 999)", index)
        slide = page.locator(".reveal .slides > section.present")
        for player in slide.locator(".player").all():
            page.wait_for_function(
                "(p) => p.querySelector('.animation img').getAttribute('src')",
                arg=player.element_handle(),
                timeout=10000,
            )
            before = player.evaluate(FRAME)
            player.locator("button[title=Play]").click()
            page.wait_for_function(
                "([p, src]) => "
                "p.querySelector('.animation img').getAttribute('src') !== src",
                arg=[player.element_handle(), before[0]],
                timeout=10000,
            )
            if player.evaluate(FRAME)[1] == before[1]:
                problems.append(f"slide {index + 1}: the player's slider did not move")
            player.locator("button[title=Pause]").click()
        for box in slide.locator(".explorer").all():
            controls = box.locator("button:visible, input:visible, select:visible")
            if controls.count() == 0:
                problems.append(f"slide {index + 1}: an explorer shows no control")
                continue
            controls.first.focus()
            page.keyboard.press("ArrowRight")
            if page.evaluate("Reveal.getIndices().h") != index:
                problems.append(f"slide {index + 1}: an arrow key left the explorer")
            page.keyboard.press("Escape")
            page.keyboard.press("ArrowRight")
            if page.evaluate("Reveal.getIndices().h") != index + 1:
                problems.append(f"slide {index + 1}: after Esc the deck got no key")
            page.evaluate("(i) => Reveal.slide(i, 0, 999)", index)
    return problems


@pytest.fixture(scope="module")
def checked(browser):
    """One visit per deck, shared by the tests below: the keyboard walk, every
    slide probed, then every animation played and every explorer typed into."""
    results = {}

    def check(stem):
        if stem not in results:
            try:
                visit = DeckVisit(browser, stem)
            except AssertionError as error:
                results[stem] = error  # reported once per test, not retried
                raise
            try:
                walk = _walk_with_keys(visit.page)
                slides = [
                    visit.page.evaluate(SLIDE_PROBLEMS, [i, MIN_CODE_PX])
                    for i in range(walk["total"])
                ]
                results[stem] = {
                    "walk": walk,
                    "slides": slides,
                    "font": visit.page.evaluate(MATH_FONT_LOADED),
                    "live": _play_and_type(visit.page, walk["total"]),
                    "errors": list(visit.errors),
                    "outside": visit.outside(),
                }
            except Exception as error:  # a check that could not run: once per deck
                results[stem] = AssertionError(f"{stem}: {error}")
            finally:
                visit.close()
        if isinstance(results[stem], AssertionError):
            raise results[stem]
        return results[stem]

    return check


@pytest.mark.parametrize("stem", DECKS)
def test_every_slide_fits_at_1280x720(checked, stem):
    found = [
        f"slide {n}: {p}"
        for n, s in enumerate(checked(stem)["slides"], start=1)
        for p in s["problems"]
    ]
    assert not found, "\n".join(found[:12])


@pytest.mark.parametrize("stem", DECKS)
def test_math_is_drawn_in_the_book_font_offline_without_errors(checked, stem):
    result = checked(stem)
    if any(s["math"] for s in result["slides"]):
        assert result["font"], "the math font did not load"
    assert not result["outside"], f"requests off the deck's folder: {result['outside']}"
    assert not result["errors"], f"JavaScript errors: {result['errors']}"


@pytest.mark.parametrize("stem", DECKS)
def test_animations_play_and_explorers_keep_their_keys(checked, stem):
    result = checked(stem)
    live = sum(s["players"] + s["explorers"] for s in result["slides"])
    if not live:
        pytest.skip("no animation or explorer on this deck")
    assert not result["live"], "\n".join(result["live"])


@pytest.mark.parametrize("stem", DECKS)
def test_the_arrow_keys_walk_the_whole_deck(checked, stem):
    walk = checked(stem)["walk"]
    assert walk["end"] == walk["total"] - 1 and walk["last"], walk
    assert walk["back"] == walk["total"] - 2, walk
    assert walk["home"] == 0, walk


def test_the_speaker_view_shows_the_notes(browser):
    visit = DeckVisit(browser, REQUIRED[0])
    page = visit.page
    try:
        page.evaluate("Reveal.slide(1)")
        expected = page.evaluate(
            "Reveal.getCurrentSlide().querySelector('aside.notes').textContent"
        )
        with visit.context.expect_page(timeout=10000) as popup_info:
            page.keyboard.press("s")
        popup = popup_info.value
        visit._watch(popup)
        popup.wait_for_function(
            "(words) => document.body && document.body.innerText.includes(words)",
            arg=" ".join(expected.split()[:6]),
            timeout=15000,
        )
        assert not visit.outside(), visit.outside()
        assert not visit.errors, visit.errors
    finally:
        visit.close()


# In the print view: elements that stick out of their page.
PRINTED_OUTSIDE = """() => {
    const out = [];
    document.querySelectorAll(".reveal .pdf-page").forEach((pg, n) => {
        const box = pg.getBoundingClientRect();
        for (const el of pg.querySelectorAll("section *")) {
            if (el.closest("aside.notes, script, style")) continue;
            const r = el.getBoundingClientRect();
            if (r.width === 0 || r.height === 0) continue;
            if (r.left < box.left - 1 || r.right > box.right + 1
                || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                out.push(`page ${n + 1}: ${el.tagName} ${el.textContent.slice(0, 30)}`);
        }
    });
    return out.slice(0, 10);
}"""


@pytest.mark.parametrize("stem", DECKS)
def test_the_print_view_prints_one_page_per_slide(browser, stem, tmp_path):
    visit = DeckVisit(browser, stem, "?print-pdf")
    page = visit.page
    try:
        page.wait_for_function(
            "document.querySelectorAll('.reveal .pdf-page').length > 0", timeout=20000
        )
        total = page.evaluate("Reveal.getTotalSlides()")
        assert (
            page.evaluate("document.querySelectorAll('.reveal .pdf-page').length")
            == total
        )
        assert page.evaluate(PRINTED_OUTSIDE) == []
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == total, f"{pages} pages for {total} slides"
        assert not visit.errors, visit.errors
    finally:
        visit.close()
