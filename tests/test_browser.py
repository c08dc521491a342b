"""Every page of the built book works in a real browser, offline.

Each page of ``_build/html`` is opened from ``file://`` in headless Chromium
(Debian's ``chromium``; ``make browser`` installs it) with every non-local
request aborted, and must:

* render all its math with MathJax (no TeX source left in the visible text),
  every display equation fitting the text column of a 1200-pixel window,
* load every image (``naturalWidth > 0``),
* play its animations (Play changes the frame and the slider; Pause, First
  frame and Next frame step to frame 1),
* request nothing outside the machine (only ``file:`` and ``data:`` URLs),
* log no JavaScript errors.

A full-page screenshot of each page is saved under ``_build/screenshots/``.
``make test`` builds the book before running this; set ``D2L_BOOK_HTML`` to
test a book built elsewhere.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = Path(os.environ.get("D2L_BOOK_HTML", ROOT / "_build" / "html"))
SHOTS = BOOK.parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MISSING = "<no built book>"


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


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: run `make browser` to install it.")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class PageVisit:
    """Open one page offline, recording requests and console errors."""

    def __init__(self, browser, path):
        url = path.as_uri()
        self.requests, self.blocked, self.errors = [], [], []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
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
            self.page.wait_for_url(lambda u: u != url, timeout=5000)
            self.page.wait_for_load_state("load")

    def _route(self, route):
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def close(self):
        self.context.close()


# The visible text of the article, without code (where "$" and "\(" are fine).
ARTICLE_TEXT = """() => {
    const root = document.querySelector("article") || document.body;
    const copy = root.cloneNode(true);
    copy.querySelectorAll("pre, code, script, style, mjx-container, .MathJax")
        .forEach(e => e.remove());
    return copy.innerText;
}"""

WAIT_FOR_MATHJAX = """async () => {
    if (!document.querySelector(".math")) return "no math";
    for (let i = 0; i < 100 && !(window.MathJax && MathJax.startup
                                 && MathJax.startup.promise); i++)
        await new Promise(r => setTimeout(r, 50));
    if (!window.MathJax) return "MathJax never loaded";
    await MathJax.startup.promise;
    return "typeset";
}"""

BROKEN_IMAGES = """async () => {
    const imgs = Array.from(document.images);
    await Promise.all(imgs.map(i => i.complete ? null : new Promise(
        r => { i.onload = r; i.onerror = r; })));
    return imgs.filter(i => i.naturalWidth === 0)
               .map(i => (i.getAttribute("src") || i.id).slice(0, 80));
}"""

# Display equations wider than their column are cut off at the right edge.
OVERFLOWING_EQUATIONS = """() => Array.from(
    document.querySelectorAll('mjx-container[display="true"]'))
    .filter(c => c.scrollWidth > c.clientWidth + 1)
    .map(c => c.textContent.slice(0, 40))"""

FRAME_STATE = """(box) => {
    const img = box.querySelector("img");
    const slider = box.querySelector("input[type=range]");
    return [img.getAttribute("src"), slider.value];
}"""


@pytest.mark.parametrize("name", book_pages())
def test_page_works_offline_in_chromium(browser, name):
    if name == MISSING:
        pytest.fail(f"No built book at {BOOK}: run `make book` first.")
    visit = PageVisit(browser, BOOK / name)
    page = visit.page
    try:
        math_state = page.evaluate(WAIT_FOR_MATHJAX)
        assert math_state in ("no math", "typeset"), math_state
        n_math = page.locator(".math").count()
        n_rendered = page.locator("mjx-container").count()
        assert n_rendered >= n_math, f"{n_math} math elements, {n_rendered} rendered"
        raw_tex = re.findall(
            r"\$\$|\\\(|\\\)|\\\[|\\\]|\\begin\{", page.evaluate(ARTICLE_TEXT)
        )
        assert not raw_tex, f"TeX left unrendered: {raw_tex[:5]}"
        too_wide = page.evaluate(OVERFLOWING_EQUATIONS)
        assert not too_wide, f"equations wider than the page: {too_wide}"

        assert page.evaluate(BROKEN_IMAGES) == [], "images failed to load"

        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / (name.replace("/", "__").removesuffix(".html") + ".png")
        page.screenshot(path=str(shot), full_page=True)

        for k, box in enumerate(page.locator("div.animation").all()):
            before = box.evaluate(FRAME_STATE)
            assert before[0], f"animation {k} shows no frame"
            box.locator("button[title=Play]").click()
            page.wait_for_function(
                "([box, src]) => box.querySelector('img').getAttribute('src') !== src",
                arg=[box.element_handle(), before[0]],
                timeout=5000,
            )
            after = box.evaluate(FRAME_STATE)
            assert after[1] != before[1], f"animation {k}: slider did not move"
            # Pause, go back to the start, and step one frame by hand.
            for title in ("Pause", "First frame", "Next frame"):
                box.locator(f"button[title='{title}']").click()
            stepped = box.evaluate(FRAME_STATE)
            assert stepped[1] == "1", f"animation {k}: stepping gave frame {stepped[1]}"
            assert stepped[0] != before[0], f"animation {k}: step kept the frame"

        outside = [u for u in visit.requests if not u.startswith(("file:", "data:"))]
        assert not outside and not visit.blocked, f"network requests: {outside}"
        assert not visit.errors, f"JavaScript errors: {visit.errors}"
    finally:
        visit.close()
