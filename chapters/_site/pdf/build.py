"""Build the whole book as one PDF, from the built HTML, in headless Chromium.

Usage (``make pdf`` runs it after ``make book``, then tests the result)::

    .venv/bin/python chapters/_site/pdf/build.py [--html _build/html] [--out _build/pdf]

The PDF is what a reader gets from printing every page in the browser, bound
into one book:

* a cover, then a table of contents (sections and their subsections, with
  page numbers), then the landing page as the preface, each section and the
  two appendices (lettered A and B) in the order of ``_toc.yml``;
* every page laid out by the site's own print stylesheet
  (``static/book-print.css``: code wraps, solutions are open, explorers and
  animations show their picture without controls) plus ``book-pdf.css`` here
  (the page size, the page numbers, a running head with the section's title,
  the cover and the contents);
* each section's exercises, then its solutions, gathered under "Solutions to
  the exercises" at the section's end (each exercise links its solution);
* figures, MathML drawn by Chromium in the book's math font, the explorers as
  their script draws them (canvases become images, fields print their
  values), each animation at its last frame with a note saying so;
* links between pages become links inside the PDF; PDF bookmarks follow the
  headings (sections, subsections).

How: each built page is opened in Chromium (offline, from ``file://``) at the
printed column's width with print media, its lazy figures, animations and
explorers are started and waited for, and its article is copied with its
current state (ids prefixed by the page's name, so that the pages' ids cannot
clash). The copies go into one document, ``book.html`` in the output folder,
which Chromium prints twice: the first PDF says on which page each heading
landed (its named destinations, read with ``pdfinfo`` from poppler-utils), the
second prints those numbers in the contents, whose layout does not change
with them. Nothing is fetched from the network.
"""

from __future__ import annotations

import argparse
import html
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

PDF_NAME = "d2l-conv-book.pdf"
DOCUMENT_NAME = "book.html"
#: The printed page and its text column; book-pdf.css sets the same margins.
PAGE_FORMAT = "A4"
PAGE_WIDTH_MM = 210
SIDE_MARGIN_MM = 18
PAGE_HEIGHT_MM = 297
TOP_BOTTOM_MARGIN_MM = 20 + 22
COLUMN_PX = round((PAGE_WIDTH_MM - 2 * SIDE_MARGIN_MM) / 25.4 * 96)
COLUMN_HEIGHT_PX = round((PAGE_HEIGHT_MM - TOP_BOTTOM_MARGIN_MM) / 25.4 * 96)
#: What the contents list under each section.
TOC_LEVELS = ("h1", "h2")
PLACEHOLDER_PAGE = "000"
MAX_PASSES = 3
APPENDIX_LETTERS = "ABCDEFGHIJ"
#: The subsection at the end of a section that holds its exercises' solutions.
SOLUTIONS_TITLE = "Solutions to the exercises"
#: How long a page may take to load and start its explorers, in ms.
PAGE_TIMEOUT = 60_000


@dataclass
class Page:
    """One page of the book, in the order the PDF prints it."""

    stem: str  # "03_padding_and_stride"
    html_path: Path
    part: str  # the caption of its part in _toc.yml; "" for the landing page
    label: str = ""  # "A" for the first appendix
    title: str = ""  # the heading as printed, number included
    body: str = ""  # the article's HTML, ids prefixed
    headings: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        return "s-" + self.stem


def read_pages(book: Path) -> list[Page]:
    """The landing page, then every page of every part of ``_toc.yml``."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    pages = [Page(Path(toc["root"]).name, book / (toc["root"] + ".html"), "")]
    appendices = 0
    for part in toc.get("parts", []):
        for chapter in part.get("chapters", []):
            label = ""
            if not part.get("numbered"):
                label = APPENDIX_LETTERS[appendices]
                appendices += 1
            path = book / (chapter["file"] + ".html")
            pages.append(Page(Path(chapter["file"]).name, path, part["caption"], label))
    missing = [str(p.html_path) for p in pages if not p.html_path.is_file()]
    if missing:
        raise SystemExit(f"No built page {missing[0]}: run `make book` first.")
    return pages


# Run in each built page, with print media, at the printed column's width:
# start what starts late, wait for it, and fix the article's current state
# into attributes, so that its HTML alone prints the same.
PREPARE = """async () => {
    // (At most 30 s: the build reports what it was waiting for, after.)
    const settle = (imgs) => Promise.race([new Promise(r => setTimeout(r, 30000)),
        Promise.all(imgs.map(i => i.complete ? null :
            new Promise(r => { i.onload = r; i.onerror = r; })))]);
    document.querySelectorAll('img[loading="lazy"]')
        .forEach(i => { i.loading = "eager"; });
    // Animations and late explorers start before a page prints.
    window.dispatchEvent(new Event("beforeprint"));
    // Started: each explorer has drawn (its style is in, no "Loading" shows)
    // and nothing in it has changed for 0.2 s (the LeNet explorer draws its
    // maps after its network has loaded).
    const hosts = Array.from(document.querySelectorAll(".d2l-explorer-static"));
    const drawn = () => hosts.every(h => h.querySelector("style")
        && !/Loading/.test(h.innerText));
    const tick = () => new Promise(r => setTimeout(r, 50));
    let mounted = false;
    for (let t = 0, last = ""; t < 150 && !mounted; t++) {
        const now = hosts.map(h => h.innerHTML.length).join();
        mounted = drawn() && now === last;
        last = now;
        if (!mounted) await new Promise(r => setTimeout(r, 200));
    }
    if (!mounted) return "an explorer did not start";
    for (const box of document.querySelectorAll("div.animation")) {
        const img = box.querySelector("img");
        for (let t = 0; t < 600 && !img.getAttribute("src"); t++) await tick();
        const button = (title) => box.querySelector(`button[title="${title}"]`);
        if (button("Pause")) button("Pause").click();
        if (button("Last frame")) button("Last frame").click();
    }
    await settle(Array.from(document.images));
    const unloaded = Array.from(document.images).filter(i => !i.complete);
    if (unloaded.length) return `an image did not load: ${unloaded[0].src}`;
    await document.fonts.ready;
    for (let i = 0; i < 3; i++) await new Promise(r => requestAnimationFrame(r));
    return "ready";
}"""

# The article's HTML as printed: canvases as images, the fields' values as
# attributes, ids prefixed with the page's key and links between the book's
# pages pointing inside the one document. Links to files beside the book (the
# notebooks' zip, the slides) mean nothing in a PDF and lose their target.
SNAPSHOT = (
    """({key, pages, label, title}) => {
    const article = document.querySelector("article.bd-article");
    const anchor = (pageKey, id) => id ? `${pageKey}--${id}` : pageKey;
    for (const canvas of article.querySelectorAll("canvas")) {
        const img = document.createElement("img");
        const box = canvas.getBoundingClientRect();
        try { img.src = canvas.toDataURL("image/png"); } catch (e) { continue; }
        img.alt = canvas.getAttribute("aria-label") || "";
        img.className = canvas.className;
        img.style.width = `${box.width}px`;
        img.style.height = "auto";
        img.style.maxWidth = "100%";
        if (getComputedStyle(canvas).imageRendering === "pixelated")
            img.style.imageRendering = "pixelated";
        canvas.replaceWith(img);
    }
    // Paper does not scroll: a display equation or an output table wider
    // than the column is drawn smaller, to fit it.
    // (An equation's own box is the room its row leaves beside its number.)
    // (2% to spare: MathML's widths round differently once zoomed.)
    const fit = (el, room) => {
        if (el.scrollWidth > room + 1)
            el.style.zoom = (0.98 * room / el.scrollWidth).toFixed(3);
    };
    for (const math of article.querySelectorAll('math[display="block"]'))
        fit(math, math.clientWidth);
    for (const table of article.querySelectorAll("div.cell_output table"))
        fit(table, table.parentElement.clientWidth);
    // An explorer of under a third of a page moves to the next page whole;
    // a taller one breaks between its parts (book-print.css).
    for (const host of article.querySelectorAll(".d2l-explorer-static"))
        if (host.getBoundingClientRect().height < WHOLE_BELOW_PX)
            host.style.breakInside = "avoid";
    for (const box of article.querySelectorAll("div.animation")) {
        const slider = box.querySelector("input[type=range]");
        const note = document.createElement("p");
        note.className = "pdf-animation-note";
        const frames = slider ? Number(slider.max) + 1 : 0;
        note.textContent = frames > 1
            ? `The last of the animation's ${frames} frames; the HTML edition plays it.`
            : "The HTML edition plays this animation.";
        box.after(note);
    }
    for (const input of article.querySelectorAll("input")) {
        if (input.type === "checkbox" || input.type === "radio")
            input.toggleAttribute("checked", input.checked);
        else input.setAttribute("value", input.value);
    }
    for (const option of article.querySelectorAll("option"))
        option.toggleAttribute("selected", option.selected);
    for (const area of article.querySelectorAll("textarea"))
        area.textContent = area.value;
    article.querySelectorAll("details").forEach(d => d.setAttribute("open", ""));
    // On paper a solution under its exercise is read before the reader has
    // tried: the solutions move, in order, to a subsection of their own at
    // the end of the section, and each exercise says where its solution is.
    const solutions = Array.from(article.querySelectorAll("div.solution"));
    const top = article.querySelector("section");
    if (solutions.length && top) {
        const section = document.createElement("section");
        section.id = "pdf-solutions";
        section.className = "pdf-solutions";
        const heading = document.createElement("h2");
        heading.textContent = SOLUTIONS_TITLE;
        section.append(heading);
        for (const solution of solutions) {
            const link = solution.querySelector(".admonition-title a[href^='#']");
            const exercise = link && article.querySelector(
                `[id="${CSS.escape(link.getAttribute("href").slice(1))}"]`);
            if (exercise && solution.id) {
                const note = document.createElement("p");
                note.className = "pdf-solution-ref";
                const to = document.createElement("a");
                to.href = "#" + solution.id;
                to.textContent = "Solution";
                note.append(to, " in the section's solutions, after the exercises.");
                exercise.append(note);
            }
            section.append(solution);
        }
        top.append(section);
    }
    article.querySelectorAll(".toggle-hidden")
        .forEach(e => e.classList.remove("toggle-hidden"));
    article.querySelectorAll(
        "script, .headerlink, button.copybtn, button.toggle-button"
    ).forEach(e => e.remove());
    for (const img of article.querySelectorAll("img")) {
        const src = img.currentSrc || img.src;
        if (src) img.setAttribute("src", src);
        img.removeAttribute("srcset");
        img.removeAttribute("loading");
    }
    const prefix = (value) => value.split(/\\s+/).filter(Boolean)
        .map(v => anchor(key, v)).join(" ");
    for (const el of article.querySelectorAll("[id]")) el.id = anchor(key, el.id);
    const references = ["for", "aria-labelledby", "aria-describedby",
                        "aria-controls", "headers"];
    for (const name of references)
        for (const el of article.querySelectorAll(`[${name}]`))
            el.setAttribute(name, prefix(el.getAttribute(name)));
    for (const a of article.querySelectorAll("a[href]")) {
        const raw = a.getAttribute("href");
        if (/^(https?:|mailto:)/.test(raw)) continue;
        const url = new URL(raw, location.href);
        const target = pages[url.href.split("#")[0]];
        const hash = decodeURIComponent(url.hash.slice(1));
        if (url.protocol === "file:" && target)
            a.setAttribute("href", "#" + anchor(target, hash));
        else a.removeAttribute("href");
    }
    const h1 = article.querySelector("h1");
    if (h1 && title) {
        h1.replaceChildren(title);
    } else if (h1 && label) {
        const number = document.createElement("span");
        number.className = "section-number";
        number.textContent = `${label}. `;
        h1.prepend(number);
    }
    // A heading is the first child of the section that holds its id.
    const headings = Array.from(article.querySelectorAll(HEADINGS))
        .filter(h => h.id || h.closest("section[id]"))
        .map(h => [h.tagName.toLowerCase(), h.id || h.closest("section[id]").id,
                   h.textContent.replace(/\\s+/g, " ").trim()]);
    return {body: article.innerHTML, headings,
            title: h1 ? h1.textContent.replace(/\\s+/g, " ").trim() : "",
            styles: Array.from(document.head.querySelectorAll("style"),
                               s => s.textContent),
            sheets: Array.from(document.querySelectorAll('link[rel="stylesheet"]'),
                               l => l.href)};
}""".replace("HEADINGS", json.dumps(", ".join(TOC_LEVELS)))
    .replace("SOLUTIONS_TITLE", json.dumps(SOLUTIONS_TITLE))
    .replace("WHOLE_BELOW_PX", str(round(COLUMN_HEIGHT_PX / 3)))
)


def snapshot(browser, pages: list[Page]) -> tuple[list[str], list[str]]:
    """Fill each page's ``body``, ``title`` and ``headings``; the head's CSS."""
    keys = {p.html_path.resolve().as_uri(): p.key for p in pages}
    sheets: list[str] = []
    styles: list[str] = []
    context = browser.new_context(
        viewport={"width": COLUMN_PX, "height": 1100}, color_scheme="light"
    )
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else route.abort()
        ),
    )
    try:
        for page_info in pages:
            page = context.new_page()
            page.set_default_timeout(PAGE_TIMEOUT)
            page.emulate_media(media="print", color_scheme="light")
            page.goto(page_info.html_path.resolve().as_uri(), wait_until="load")
            state = page.evaluate(PREPARE)
            if state != "ready":
                raise SystemExit(f"{page_info.stem}: {state}")
            result = page.evaluate(
                SNAPSHOT,
                {
                    "key": page_info.key,
                    "pages": keys,
                    "label": page_info.label,
                    # The landing page opens the book as its preface: the
                    # cover already carries the book's title.
                    "title": "" if page_info.part else "Preface",
                },
            )
            page.close()
            page_info.body = result["body"]
            page_info.title = result["title"]
            page_info.headings = [tuple(h) for h in result["headings"]]
            sheets += [s for s in result["sheets"] if s not in sheets]
            styles += [s for s in result["styles"] if s not in styles]
    finally:
        context.close()
    return sheets, styles


def css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def contents(pages: list[Page], page_numbers: dict[str, int]) -> str:
    """The table of contents: parts, sections and their subsections."""
    lines = ['<nav class="pdf-toc" aria-label="Contents">', "<h1>Contents</h1>"]
    part = None

    def entry(level: str, anchor: str, text: str) -> str:
        number = page_numbers.get(anchor)
        shown = str(number) if number else PLACEHOLDER_PAGE
        return (
            f'<li class="pdf-toc-{level}"><a href="#{html.escape(anchor)}">'
            f'<span class="pdf-toc-text">{html.escape(text)}</span>'
            f'<span class="pdf-toc-page">{shown}</span></a></li>'
        )

    for page in pages:
        if page.part != part:
            if page.part:
                lines.append(f'<p class="pdf-toc-part">{html.escape(page.part)}</p>')
            part = page.part
        lines.append('<ul class="pdf-toc-section">')
        for level, anchor, text in page.headings:
            if level == "h1":
                text = page.title or text
            lines.append(entry(level, anchor, text))
        lines.append("</ul>")
    lines.append("</nav>")
    return "\n".join(lines)


def document(
    pages: list[Page],
    sheets: list[str],
    styles: list[str],
    page_numbers: dict[str, int],
    title: str,
    author: str,
    year: str,
) -> str:
    """The whole book as one HTML document, ready to print."""
    running = "\n".join(
        f"@page {p.key} {{ @top-right {{ content: {css_string(p.title)}; }} }}"
        f"\n.{p.key} {{ page: {p.key}; }}"
        for p in pages
    )
    sections = "\n".join(
        f'<div class="pdf-section {p.key}" id="{p.key}">\n{p.body}\n</div>'
        for p in pages
    )
    links = "\n".join(
        f'<link rel="stylesheet" href="{html.escape(s)}">' for s in sheets
    )
    inline = "\n".join(f"<style>{s}</style>" for s in styles)
    pdf_css = (HERE / "book-pdf.css").read_text(encoding="utf-8")
    return f"""<!DOCTYPE html>
<html lang="en" data-theme="light" data-mode="light">
<head>
<meta charset="utf-8">
<title>{html.escape(title)}</title>
<meta name="author" content="{html.escape(author)}">
{links}
{inline}
<style>
{pdf_css}
{running}
</style>
</head>
<body>
<div class="bd-main"><div class="bd-content"><div class="bd-article-container">
<article class="bd-article">
<div class="pdf-cover">
<p class="pdf-cover-title">{html.escape(title)}</p>
<p class="pdf-cover-subtitle">One operation, sliding a small grid of numbers over an
image, from the formula to a trained network, with MXNet/Gluon.</p>
<p class="pdf-cover-author">{html.escape(author)}</p>
<p class="pdf-cover-note">Printed from the book's HTML edition. The explorers and
animations of that edition print here as a picture of their first settings (an
animation as its last frame); every number and figure is the one the code printed
when the book was built.</p>
<p class="pdf-cover-year">© {html.escape(year)}</p>
</div>
{contents(pages, page_numbers)}
{sections}
</article>
</div></div></div>
</body>
</html>
"""


def print_pdf(browser, source: Path, target: Path) -> None:
    context = browser.new_context(color_scheme="light")
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else route.abort()
        ),
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10 * PAGE_TIMEOUT)
        page.goto(source.resolve().as_uri(), wait_until="load")
        page.evaluate(
            """async () => { await document.fonts.ready;
            await Promise.all(Array.from(document.images).map(i => i.complete ? null :
                new Promise(r => { i.onload = r; i.onerror = r; }))); }"""
        )
        page.pdf(
            path=str(target),
            format=PAGE_FORMAT,
            prefer_css_page_size=True,
            print_background=True,
            tagged=True,
        )
    finally:
        context.close()


def named_destinations(pdf: Path) -> dict[str, int]:
    """The page of each named destination (Chromium makes one per link target)."""
    try:
        out = subprocess.run(
            ["pdfinfo", "-dests", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
    except FileNotFoundError:
        raise SystemExit(
            "pdfinfo is missing: install poppler-utils (make pdf does)"
        ) from None
    pages = {}
    for line in out.splitlines():
        match = re.match(r'\s*(\d+)\s+\[.*\]\s+"(.*)"\s*$', line)
        if match:
            pages[match.group(2)] = int(match.group(1))
    return pages


def page_count(pdf: Path) -> int:
    out = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


@dataclass
class Bookmark:
    """One entry of the PDF's outline: its title, destination and children."""

    title: str
    destination: str  # a named destination of the PDF (an id of book.html)
    children: list[Bookmark] = field(default_factory=list)
    open: bool = False


def bookmarks(pages: list[Page]) -> list[Bookmark]:
    """Parts (open), their sections (closed) and the sections' subsections.

    The landing page, which belongs to no part, is a top-level entry.
    """
    tree: list[Bookmark] = []
    part = None
    for page in pages:
        h1 = next(((a, t) for level, a, t in page.headings if level == "h1"), None)
        if h1 is None:
            continue
        section = Bookmark(
            page.title or h1[1],
            h1[0],
            [Bookmark(t, a) for level, a, t in page.headings if level == "h2"],
        )
        if not page.part:
            tree.append(section)
            continue
        if part is None or part.title != page.part:
            part = Bookmark(page.part, section.destination, open=True)
            tree.append(part)
        part.children.append(section)
    return tree


def _pdf_text(text: str) -> str:
    return "<FEFF" + text.encode("utf-16-be").hex().upper() + ">"


def _pdf_name(name: str) -> str:
    return "/" + "".join(
        chr(b)
        if chr(b).isascii() and (chr(b).isalnum() or chr(b) in "-_.")
        else f"#{b:02X}"
        for b in name.encode("utf-8")
    )


def _visible(items: list[Bookmark]) -> int:
    """How many entries a reader sees under ``items`` (open ones count theirs)."""
    return sum(1 + (_visible(i.children) if i.open else 0) for i in items)


def add_outline(pdf: Path, tree: list[Bookmark], author: str) -> None:
    """Give ``pdf`` an outline (bookmarks) and an author, as an incremental update.

    Chromium's own outline (``page.pdf(outline=True)``) repeats the text of a
    heading that opens a page ("3. 3. Padding and StridePadding and Stride")
    and drops the space where a heading wraps, so the book writes its own: a
    PDF may be updated by appending objects, a cross-reference section for
    them and a trailer pointing at the previous one. The entries point at
    the named destinations Chromium writes for every link target.
    """
    data = pdf.read_bytes()
    trailer = data[data.rindex(b"trailer") :]
    previous_xref = int(re.findall(rb"startxref\s+(\d+)", data)[-1])
    size = int(re.search(rb"/Size (\d+)", trailer).group(1))
    root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))
    info_match = re.search(rb"/Info (\d+) 0 R", trailer)

    def last_object(number: int) -> bytes:
        bodies = re.findall(
            rb"(?:^|[\r\n])%d 0 obj\s*(.*?)\s*endobj" % number, data, re.S
        )
        return bodies[-1].strip()

    objects: dict[int, str] = {}
    next_number = size

    def allocate() -> int:
        nonlocal next_number
        next_number += 1
        return next_number - 1

    outlines = allocate()

    def write_level(items: list[Bookmark], parent: int) -> tuple[int, int]:
        numbers = [allocate() for _ in items]
        for k, (item, number) in enumerate(zip(items, numbers)):
            entries = [
                f"/Title {_pdf_text(item.title)}",
                f"/Parent {parent} 0 R",
                f"/Dest {_pdf_name(item.destination)}",
            ]
            if k:
                entries.append(f"/Prev {numbers[k - 1]} 0 R")
            if k + 1 < len(items):
                entries.append(f"/Next {numbers[k + 1]} 0 R")
            if item.children:
                first, last = write_level(item.children, number)
                count = _visible(item.children)
                entries += [
                    f"/First {first} 0 R",
                    f"/Last {last} 0 R",
                    f"/Count {count if item.open else -count}",
                ]
            objects[number] = "<<" + "\n".join(entries) + ">>"
        return numbers[0], numbers[-1]

    first, last = write_level(tree, outlines)
    objects[outlines] = (
        f"<</Type /Outlines /First {first} 0 R /Last {last} 0 R "
        f"/Count {_visible(tree)}>>"
    )
    catalog = last_object(root).decode("latin-1")
    catalog = re.sub(r"/(Outlines \d+ 0 R|PageMode /\w+)", "", catalog)
    objects[root] = (
        catalog[: catalog.rindex(">>")]
        + f"\n/Outlines {outlines} 0 R\n/PageMode /UseOutlines>>"
    )
    if info_match and author:
        info_number = int(info_match.group(1))
        info = last_object(info_number).decode("latin-1")
        info = re.sub(r"/Author (<[^>]*>|\((?:[^\\)]|\\.)*\))", "", info)
        objects[info_number] = (
            info[: info.rindex(">>")] + f"\n/Author {_pdf_text(author)}>>"
        )

    update = bytearray(b"\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(data) + len(update)
        update += f"{number} 0 obj\n{objects[number]}\nendobj\n".encode("latin-1")
    xref_at = len(data) + len(update)
    update += b"xref\n"
    numbers = sorted(objects)
    run: list[int] = []
    for number in numbers + [None]:
        if run and (number is None or number != run[-1] + 1):
            update += f"{run[0]} {len(run)}\n".encode()
            update += b"".join(f"{offsets[n]:010d} 00000 n \n".encode() for n in run)
            run = []
        if number is not None:
            run.append(number)
    info_entry = f"/Info {info_match.group(1).decode()} 0 R " if info_match else ""
    update += (
        f"trailer\n<</Size {next_number} /Root {root} 0 R {info_entry}"
        f"/Prev {previous_xref}>>\nstartxref\n{xref_at}\n%%EOF\n"
    ).encode()
    pdf.write_bytes(data + bytes(update))


def compress(draft: Path, target: Path) -> None:
    """``draft`` rewritten by qpdf into ``target``, a third of its size.

    Chromium writes the structure that makes the PDF tagged (what a screen
    reader and a reflowing viewer read) uncompressed: two thirds of the file.
    qpdf packs those objects into compressed streams (11 MB become 4 MB, in
    2 s). Without qpdf the PDF is the same, only larger.
    """
    try:
        subprocess.run(
            [
                "qpdf",
                "--object-streams=generate",
                "--compress-streams=y",
                "--deterministic-id",
                str(draft),
                str(target),
            ],
            check=True,
        )
    except FileNotFoundError:
        print("pdf: qpdf is missing (make pdf installs it): the PDF stays uncompressed")
        draft.replace(target)
    else:
        draft.unlink()


def build(html_dir: Path, out_dir: Path) -> Path:
    from playwright.sync_api import sync_playwright

    started = time.monotonic()
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    title = config.get("title", "")
    author = config.get("author", "")
    year = str(config.get("copyright", ""))
    pages = read_pages(html_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = out_dir / DOCUMENT_NAME
    target = out_dir / PDF_NAME
    draft = out_dir / ("draft-" + PDF_NAME)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sheets, styles = snapshot(browser, pages)
            print(f"pdf: {len(pages)} pages read ({time.monotonic() - started:.0f} s)")
            anchors = [a for p in pages for _, a, _ in p.headings]
            # Print until the contents show the pages the headings land on:
            # twice (placeholders, then the numbers), as the numbers take the
            # placeholders' room and move nothing.
            numbers: dict[str, int] = {}
            passes = 0
            while True:
                passes += 1
                source.write_text(
                    document(pages, sheets, styles, numbers, title, author, year),
                    encoding="utf-8",
                )
                print_pdf(browser, source, draft)
                found = named_destinations(draft)
                lost = [a for a in anchors if a not in found]
                if lost:
                    raise SystemExit(f"headings missing from the PDF: {lost[:5]}")
                landed = {a: found[a] for a in anchors}
                if landed == numbers:
                    break
                if passes == MAX_PASSES:
                    raise SystemExit("the contents' page numbers do not settle")
                numbers = landed
        finally:
            browser.close()
    add_outline(draft, bookmarks(pages), author)
    compress(draft, target)
    size = target.stat().st_size / 1e6
    print(
        f"pdf: {target} ({page_count(target)} pages, {size:.1f} MB, "
        f"{passes} passes, {time.monotonic() - started:.0f} s)"
    )
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf")
    args = parser.parse_args(argv)
    build(args.html, args.out)


if __name__ == "__main__":
    main()
