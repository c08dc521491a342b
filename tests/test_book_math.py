"""The book's TeX-to-MathML converter (chapters/_site/book_math.py), unit by unit,
then what the built pages hold.

A mutation audit once made every display equation inline: the build and the
page tests still passed, because nothing checked the converter directly and
the page checks selected no equations and so checked nothing. Each test here
asserts on elements it first requires to exist.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_math  # noqa: E402
from docutils import nodes  # noqa: E402
from test_site_assets import BOOK  # noqa: E402


def tree(markup: str) -> ET.Element:
    return ET.fromstring(markup)


def test_inline_and_display_math_say_which_they_are():
    assert tree(book_math.tex_to_mathml("x + 1")).get("display") == "inline"
    assert tree(book_math.tex_to_mathml("x + 1", display=True)).get("display") == (
        "block"
    )


def test_the_markup_has_no_namespace_and_no_tex_left():
    markup = book_math.tex_to_mathml(r"\sum_{a} \mathbf{K}_{a} x_{i+a}", display=True)
    assert markup.startswith("<math ") and "xmlns" not in markup
    assert "\\" not in markup


def test_limits_of_sums_and_max_go_under_the_operator():
    root = tree(book_math.tex_to_mathml(r"\sum_{i=0}^{n} x_i", display=True))
    limits = root.find(".//munderover")
    assert limits is not None and limits[0].text == "\u2211"
    # In running text max's limit moves beside it (movablelimits).
    under = tree(book_math.tex_to_mathml(r"\max_{a} y_a")).find(".//munder")
    assert under is not None and under[0].get("movablelimits") == "true"


def test_named_operators_are_upright_names():
    root = tree(book_math.tex_to_mathml(r"\operatorname{ReLU}(x)"))
    assert [e.text for e in root.iter("mi")][0] == "ReLU"
    assert not any(e.text == "ReLU" for e in root.iter("mo"))


@pytest.mark.parametrize("before", ["", "A = "])
def test_a_matrix_gets_stretchy_brackets_around_it(before):
    tex = before + r"\begin{bmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}"
    root = tree(book_math.tex_to_mathml(tex, display=True))
    # The brackets and the table share one row (an mrow, or the math element
    # itself when nothing else is there), where the brackets stretch to it.
    rows = [root, *root.iter("mrow")]
    row = next(r for r in rows if any(c.tag == "mtable" for c in r))
    brackets = [c for c in row if c.tag == "mo"][-2:]
    assert [c.text for c in brackets] == ["[", "]"]
    assert [c.get("stretchy") for c in brackets] == ["true", "true"]


def test_capital_greek_is_upright_and_primes_sit_beside_their_letter():
    root = tree(book_math.tex_to_mathml(r"\Delta + x'"))
    delta = next(e for e in root.iter("mi") if e.text == "\u0394")
    assert delta.get("mathvariant") == "normal"
    assert root.find(".//msup") is None  # x' is x then a prime, not a superscript
    assert any(e.text == "\u2032" for e in root.iter("mo"))


def test_aligned_rows_become_a_table():
    tex = r"\begin{aligned} a &= b \\[4pt] c &= d \end{aligned}"
    root = tree(book_math.tex_to_mathml(tex, display=True))
    assert len(root.findall(".//mtr")) == 2


def test_tex_that_cannot_be_converted_is_an_error_not_raw_tex():
    with pytest.raises(book_math.MathConversionError):
        book_math.tex_to_mathml(r"\frac{1}{")


def test_a_failed_display_equation_warns_and_shows_code(caplog):
    node = nodes.math_block(r"\frac{1}{", r"\frac{1}{")
    markup = book_math._converted(node, display=True)
    assert markup.startswith('<code class="math-failed">')


def test_blank_lines_between_display_equations_align_them():
    node = nodes.math_block("a &= b\n\nc &= d", "a &= b\n\nc &= d")
    root = tree(book_math._converted(node, display=True))
    assert root.get("display") == "block" and len(root.findall(".//mtr")) == 2


def pieces_text(markup: str) -> list[str]:
    return ["".join(tree(p).itertext()) for p in book_math.inline_pieces(markup)]


def test_inline_math_breaks_after_relations_and_operators_outside_brackets():
    markup = book_math.tex_to_mathml("a = b + (c + d)")
    pieces = book_math.inline_pieces(markup)
    assert pieces_text(markup) == ["a=", "b+", "(c+d)"]
    # Every piece is inline math of its own, and together they hold every node.
    assert all(tree(p).get("display") == "inline" for p in pieces)
    assert sum(len(tree(p)) for p in pieces) == len(tree(markup))


def test_floor_brackets_and_subscripts_are_never_cut():
    tex = r"\lfloor (n-k+2p+s)/s \rfloor = \lfloor (n+2p-k)/s \rfloor + 1"
    assert pieces_text(book_math.tex_to_mathml(tex)) == [
        "\u230a(n\u2212k+2p+s)/s\u230b=",
        "\u230a(n+2p\u2212k)/s\u230b+",
        "1",
    ]
    assert len(book_math.inline_pieces(book_math.tex_to_mathml("x_{i+1}"))) == 1


def test_a_sign_that_begins_an_operand_is_not_a_break():
    # A leading minus, or one right after "=", belongs to what follows it.
    assert pieces_text(book_math.tex_to_mathml("-a")) == ["\u2212a"]
    assert pieces_text(book_math.tex_to_mathml("a = -b")) == ["a=", "\u2212b"]
    assert pieces_text(book_math.tex_to_mathml("a +")) == ["a+"]


# --- the built pages -----------------------------------------------------------

DISPLAY_BOX = '<div class="math notranslate nohighlight"'
INLINE = re.compile(
    r'<span class="math notranslate nohighlight"><math display="inline"'
)


@pytest.fixture(scope="module")
def chapter_pages():
    pages = {
        p.stem: p.read_text(encoding="utf-8") for p in BOOK.glob("chapters/*.html")
    }
    if not pages:
        pytest.fail(f"No built book at {BOOK}: run `make book` first.")
    return pages


@pytest.mark.parametrize(
    "page", ["intro", "01_from_dense_to_conv", "02_conv_for_images", "04_channels"]
)
def test_built_pages_hold_display_and_inline_math_as_mathml(chapter_pages, page):
    text = chapter_pages[page]
    boxes = text.count(DISPLAY_BOX)
    assert boxes >= 2, "too few display equations found"
    assert text.count('<math display="block"') == boxes, "a display box holds no block"
    assert len(INLINE.findall(text)) >= 10, "inline math is not MathML"
    assert "math-failed" not in text and "\\(" not in text and "$$" not in text


def test_long_inline_formulas_are_written_in_pieces_a_line_may_break_between(
    chapter_pages,
):
    # The intro's output-size formula, cut at its "=" and its "+".
    text = chapter_pages["intro"]
    joins = re.findall(
        r'</math></span><wbr><span class="math notranslate nohighlight">'
        r'<math display="inline"',
        text,
    )
    assert len(joins) >= 2, "no inline formula is written in pieces"


def test_no_page_loads_a_script_for_math(chapter_pages):
    scripts = [
        src
        for t in chapter_pages.values()
        for src in re.findall(r'<script[^>]*src="([^"]+)"', t)
    ]
    assert scripts and not [s for s in scripts if "mathjax" in s.lower()]
    assert (BOOK / "_static" / book_math.FONT_FILE).is_file()
