"""What makes the built book's pages light: chapters/_site/book_assets.py and the
code-block thinning in chapters/_site/book_site.py, unit by unit, then the
built book in ``_build/html`` (or ``D2L_BOOK_HTML``) against budgets that fail
on a regression: one stylesheet per page, no script that blocks the parser
beyond the two that inline scripts need, the search index on the search page
only, a small icon font, and a cap on each page's elements.

Lighthouse's mobile performance score follows from these (and from the main
thread's work, which grows with the elements and the CSS rules): measured with
Lighthouse 12.2.3 on 2026-12-01, see the report of issue 11.
"""

import base64
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_assets  # noqa: E402
import book_site  # noqa: E402
import tinycss2  # noqa: E402

BOOK = Path(os.environ.get("D2L_BOOK_HTML", ROOT / "_build" / "html"))
# Elements per page (tags in the HTML, before scripts add theirs): the largest
# chapter had 4,700 on 2026-12-01, down from 6,900 when every Pygments token
# had a span.
MAX_ELEMENTS = 5_500
# The solid icon font, cut to the icons the stylesheet draws (4.7 kB), was
# 156 kB whole.
MAX_ICON_FONT_BYTES = 20_000
# The one stylesheet, uncompressed (146 kB on 2026-12-01; the ten files it
# replaces weighed 560 kB).
MAX_STYLESHEET_BYTES = 200_000
# Scripts in <head> without defer: inline scripts on every page read
# DOCUMENTATION_OPTIONS while the page parses, and search.html's searchtools.js
# calls doctools.js's _ready().
PARSE_TIME_SCRIPTS = {"documentation_options.js", "doctools.js"}


def purge(css: str, words: set[str]) -> str:
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    return book_assets.purge_rules(rules, words)


# --- Units --------------------------------------------------------------------


def test_purge_drops_rules_no_page_can_match():
    css = ".modal-open .x { top: 0 } .cell>pre { margin: 0 } #nowhere { color: red }"
    kept = purge(css, {"cell", "pre", "x"})
    assert kept == ".cell>pre{ margin: 0 }"


def test_purge_keeps_what_scripts_add_and_what_negation_names():
    css = (
        ".collapse:not(.show) { display: none }"
        ".bs-tooltip-auto[data-popper-placement^=top] .tooltip-arrow { bottom: 0 }"
        "html[data-theme=dark] .highlight .k { color: #fff }"
    )
    words = {"collapse", "tooltip-arrow", "highlight", "k"}
    kept = purge(css, words)
    assert ".collapse:not(.show)" in kept
    assert ".bs-tooltip-auto" in kept, "Bootstrap builds bs-* classes from pieces"
    assert "html[data-theme=dark] .highlight .k" in kept, "html is always there"


def test_purge_keeps_only_the_selectors_that_can_match_and_empties_media():
    css = ".a, .b:hover::before { color: red } @media (max-width: 9px) { .b { x: y } }"
    assert purge(css, {"a"}) == ".a{ color: red }"
    assert (
        purge(css, {"b"})
        == ".b:hover::before{ color: red }@media (max-width: 9px){.b{ x: y }}"
    )


def test_selector_names_skip_pseudo_classes_and_attributes():
    selector = tinycss2.parse_component_value_list("a:not(.gone)>b.c#d[e=f]::after")
    assert book_assets.selector_names(selector) == {"a", "b", ".c", "#d"}


def player_html(mime: str, payload: bytes) -> str:
    """A page body shaped like matplotlib's HTML player with one frame."""
    data = base64.b64encode(payload).decode()
    return (
        '<img id="_anim_imgab">\n<script>\n'
        f'  frames[0] = "data:image/{mime};base64,{data[:8]}\\\n{data[8:]}"\n'
        "  setTimeout(function() {\n"
        "    animab = new Animation(frames, img_id,\n      slider_id, 200);\n"
        "  }, 0);\n</script>"
    )


@pytest.mark.parametrize("mime, suffix", [("png", "png"), ("jpeg", "jpg")])
def test_animation_frames_become_files_and_start_near(tmp_path, mime, suffix):
    payload = b"frame bytes " * 10
    body = book_site.animations_load_when_near(
        player_html(mime, payload), tmp_path, "../_images/"
    )
    (frame,) = tmp_path.iterdir()
    assert frame.suffix == f".{suffix}" and frame.read_bytes() == payload
    assert f'frames[0] = "../_images/{frame.name}";' in body
    assert "base64" not in body and "setTimeout(function()" not in body
    assert ";(function (box, start)" in body and "beforeprint" in body


def test_animation_with_frames_left_inline_starts_as_before(tmp_path):
    original = player_html("gif", b"GIF89a")
    body = book_site.animations_load_when_near(original, tmp_path, "../_images/")
    assert body == original
    assert not any(tmp_path.iterdir())


def test_code_blocks_lose_only_spans_drawn_as_plain_text():
    plain = book_site.plain_token_classes(
        ["a11y-high-contrast-light", "a11y-high-contrast-dark"]
    )
    assert {"n", "p", "w"} <= plain
    assert not {"k", "o", "mi", "s2", "c1"} & plain, "coloured tokens keep their spans"
    code = (
        '<span></span><span class="kn">import</span><span class="w"> </span>'
        '<span class="nn">numpy</span><span class="p">(</span><span class="mi">1</span>'
        '<span class="o">+</span><span class="o">=</span>'
    )
    assert book_site.thin_code_block(code, plain) == (
        '<span class="kn">import</span> numpy(<span class="mi">1</span>'
        '<span class="o">+=</span>'
    )


def test_only_code_sources_are_thinned_not_outputs():
    body = (
        '<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>'
        '<span class="n">x</span></pre></div></div>'
        '<div class="output stream highlight-myst-ansi notranslate">'
        '<div class="highlight"><pre>'
        '<span class="n">x</span></pre></div></div>'
    )
    thinned = book_site._thin_code_blocks(body, frozenset({"n"}))
    assert thinned.count('<span class="n">') == 1
    assert "<pre>x</pre>" in thinned


def printed(text: str, kind: str = "stream") -> str:
    return (
        f'<div class="output {kind} highlight-myst-ansi notranslate">'
        f'<div class="highlight"><pre>{text}</pre></div></div>'
    )


def test_printed_sentences_are_marked_to_wrap_on_a_phone():
    body = book_site.mark_printed_outputs(printed("loss 0.512, train acc 0.81"))
    assert 'class="output stream highlight-myst-ansi notranslate output-prose"' in body
    assert "output-columns" not in body and "--cols" not in body


@pytest.mark.parametrize(
    "text",
    [
        "[[1. 2.]\n [3. 4.]]",  # an array
        " kernel padding stride\n      3       1      1",  # a table's columns
        "&lt;NDArray 2x2 @cpu(0)&gt;",  # escaped as the page holds it
    ],
)
def test_tables_and_arrays_keep_their_columns_and_give_their_width(text):
    body = book_site.mark_printed_outputs(printed(text, "text_plain"))
    widest = max(
        len(line.replace("&lt;", "<").replace("&gt;", ">")) for line in text.split("\n")
    )
    assert f'output-columns" style="--cols: {widest}"' in body, body
    assert "output-prose" not in body


def test_only_printed_outputs_are_marked():
    code = (
        '<div class="highlight-ipython3 notranslate"><div class="highlight"><pre>'
        "a    b</pre></div></div>"
    )
    html_output = (
        '<div class="output text_html"><table><tr><td>1</td></tr></table></div>'
    )
    assert book_site.mark_printed_outputs(code + html_output) == code + html_output
    # Each output box is marked on its own.
    both = book_site.mark_printed_outputs(printed("one sentence") + printed("a    b"))
    assert both.count("output-prose") == 1 and both.count("output-columns") == 1


# --- The built book -----------------------------------------------------------


def pages():
    if not BOOK.is_dir():
        return []
    return sorted(
        p
        for p in BOOK.rglob("*.html")
        if not {"_static", "_sources", "_images"} & set(p.relative_to(BOOK).parts)
    )


@pytest.fixture(scope="module")
def built_pages():
    found = pages()
    if not found:
        pytest.fail(f"No built book at {BOOK}: run `make book` first.")
    texts = {
        p.relative_to(BOOK).as_posix(): p.read_text(encoding="utf-8") for p in found
    }
    # index.html only redirects to the landing page.
    return {name: text for name, text in texts.items() if "</head>" in text}


def head(text: str) -> str:
    return text[: text.index("</head>")]


def test_each_page_links_one_stylesheet_and_it_exists(built_pages):
    for name, text in built_pages.items():
        sheets = re.findall(r'<link\b[^>]*rel="stylesheet"[^>]*>', head(text))
        assert len(sheets) == 1, f"{name} links {len(sheets)} stylesheets"
        href = re.search(r'href="([^"]+)"', sheets[0]).group(1)
        path = (BOOK / name).parent / href
        assert path.is_file(), f"{name}: {href} is missing"
        assert path.stat().st_size <= MAX_STYLESHEET_BYTES, (
            f"{href}: {path.stat().st_size} bytes"
        )


def test_no_script_blocks_the_parser_beyond_the_two_inline_scripts_need(built_pages):
    for name, text in built_pages.items():
        for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", head(text)):
            src = re.search(r'src="([^"]+)"', tag).group(1).split("?")[0]
            if name == "search.html" and src.endswith(
                ("searchtools.js", "language_data.js", "searchindex.js")
            ):
                continue
            blocking = not re.search(r"\b(defer|async)\b", tag)
            assert not blocking or Path(src).name in PARSE_TIME_SCRIPTS, (
                f"{name}: {tag}"
            )
        assert 'rel="preload"' not in head(text), f"{name} preloads a script"


def test_search_index_loads_on_the_search_page_only(built_pages):
    for name, text in built_pages.items():
        loads_index = "searchindex.js" in text
        assert loads_index == (name == "search.html"), name


def test_icon_font_is_a_subset_and_the_stylesheet_uses_it(built_pages):
    text = next(iter(built_pages.values()))
    href = re.search(r'<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"', head(text))
    if href is None:
        href = re.search(r'<link\b[^>]*href="([^"]+)"[^>]*rel="stylesheet"', head(text))
    css_path = (BOOK / next(iter(built_pages))).parent / href.group(1)
    css = css_path.read_text(encoding="utf-8")
    faces = re.findall(r"@font-face\{[^}]*font-weight:900[^}]*\}", css)
    assert faces, "no solid icon face in the stylesheet"
    font_url = re.search(r'url\("([^"]+\.woff)"\)', faces[0])
    assert font_url, f"the solid icon face does not use the subset: {faces[0]}"
    font = css_path.parent / font_url.group(1)
    assert font.stat().st_size <= MAX_ICON_FONT_BYTES, (
        f"{font.name}: {font.stat().st_size} bytes"
    )


def test_every_icon_the_stylesheet_draws_is_in_the_subset():
    from fontTools.ttLib import TTFont

    css_files = sorted((BOOK / "_static").glob(book_assets.BUNDLE_PREFIX + "*.css"))
    if not css_files:
        pytest.fail(f"No stylesheet bundle in {BOOK}: run `make book` first.")
    fonts = list((BOOK / "_static").rglob(f"{book_assets.ICON_FONT}-book.woff"))
    assert fonts, "no icon font subset"
    cmap = TTFont(fonts[0]).getBestCmap()
    whole = TTFont(
        next((BOOK / "_static").rglob(f"{book_assets.ICON_FONT}.ttf"))
    ).getBestCmap()
    for css_file in css_files:
        css = css_file.read_text(encoding="utf-8")
        drawn = {
            ord(ch)
            for value in re.findall(r"content:\s*(\"[^\"]*\")", css)
            for ch in tinycss2.parse_component_value_list(value)[0].value
        }
        missing = {hex(c) for c in drawn if c in whole and c not in cmap}
        assert not missing, (
            f"{css_file.name} draws icons the subset lacks: {sorted(missing)}"
        )


def test_pages_stay_under_the_element_budget(built_pages):
    for name, text in built_pages.items():
        elements = len(re.findall(r"<[a-zA-Z]", text))
        assert elements <= MAX_ELEMENTS, f"{name} has {elements} elements"


def test_only_each_pages_first_figure_loads_before_a_scroll(built_pages):
    lazy_pages = 0
    for name, text in built_pages.items():
        # Figure files only: the explorers' pictures live inside the page.
        figures = [
            tag
            for tag in re.findall(r"<img\b[^>]*>", text)
            if re.search(r'src="[^"]*_images/', tag)
        ]
        flags = ['loading="lazy"' in tag for tag in figures]
        eager = book_site.EAGER_IMAGES
        assert flags == [False] * min(eager, len(flags)) + [True] * max(
            0, len(flags) - eager
        ), f"{name}: lazy flags {flags}"
        lazy_pages += any(flags)
    assert lazy_pages >= 5, "figures of most chapters should load lazily"


def test_animation_frames_are_files_fetched_when_the_player_starts(built_pages):
    players = 0
    for name, text in built_pages.items():
        if "new Animation(" not in text:
            continue
        here = text.count("new Animation(")
        players += here
        assert "base64," not in "".join(re.findall(r"frames\[\d+\] = [^\n]*", text))
        frames = re.findall(r'frames\[\d+\] = "([^"]+)"', text)
        assert frames, f"{name}: no frames found"
        for url in frames:
            assert (BOOK / name).parent.joinpath(url).resolve().is_file(), url
        assert text.count("new IntersectionObserver(") >= here
    assert players >= 2, "the book's animations were not found"


def test_a_cell_that_prints_as_it_goes_shows_one_output_box(built_pages):
    # A training loop prints one line per epoch: one box, not one per print.
    cells = [
        block
        for text in built_pages.values()
        for block in text.split('<div class="cell_output')[1:]
    ]
    assert len(cells) >= 50, f"found {len(cells)} cell outputs"
    printed_lines = 0
    for block in cells:
        block = block.split('<div class="cell ')[0]
        assert block.count('<div class="output stream') <= 1, block[:300]
        printed_lines += block.count("epoch")
    assert printed_lines >= 5, "no training loop's printed epochs found"
