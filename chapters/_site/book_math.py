"""Sphinx extension: the book's math becomes MathML when the book is built.

Browsers draw MathML themselves (Chromium since version 109, Firefox and
Safari long before), so a page needs no script to show its equations: no
MathJax to download and no typesetting on the reader's phone, which was most
of a chapter's load time. Screen readers read MathML as math.

The TeX of each ``$...$`` and ``$$...$$`` is converted by ``latex2mathml``,
after rewriting the few environments it does not know (``aligned`` and
``gathered``), and its output is adjusted to what MathML Core draws well:
limits of sums and ``max`` go under the operator in a display, and named
operators such as ``\\operatorname{ReLU}`` sit next to their brackets without a
gap. Math that cannot be converted is a build warning (an error with ``-W``),
never raw TeX on the page.
"""

from __future__ import annotations

import functools
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from book_assets import subset_quietly
from docutils import nodes
from fontTools import subset
from fontTools.ttLib import TTFont
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# Operators whose sub- and superscripts are limits, set under and over them in
# a display and beside them in running text (MathML's movablelimits).
LIMIT_OPERATORS = {"\u2211", "\u220f", "\u22c3", "\u22c2", "max", "min", "lim"}
SCRIPTS_TO_LIMITS = {"msub": "munder", "msup": "mover", "msubsup": "munderover"}
# amsmath environments latex2mathml does not know, and the ones it draws alike.
ENVIRONMENTS = {
    "aligned": (r"\begin{align*}", r"\end{align*}"),
    "gathered": (r"\begin{array}{c}", r"\end{array}"),
}
PRIMES = set("\u2032\u2033\u2034")
# Math in running text may break after these, as TeX lets it: relations, then
# plus, minus and times, when they stand between two operands outside any
# bracket. A browser cannot break inside a <math> element, so such a formula
# is written as several, one per piece.
BREAK_AFTER = set("=≠<>≤≥≈≡∼≃∝→←↦⇒+−×")
OPENING = set("([{⌊⌈⟨")
CLOSING = set(")]}⌋⌉⟩")
CAPITAL_GREEK = set("ΓΔΘΛΞΠΣΥΦΨΩ")
ROW_GAP = re.compile(r"\\\\\s*\[[^\]]*\]")


# The math font (DejaVu Math TeX Gyre, its licence in fonts/LICENSE): a
# browser needs a font with OpenType MATH data to set large operators and to
# stretch brackets, and not every reader's system has one. Each build ships
# the glyphs its math uses, about 50 kB instead of 260 kB.
FONT_SOURCE = Path(__file__).parent / "fonts" / "DejaVuMathTeXGyre.woff"
FONT_FILE = "book-math.woff"
# A one-letter <mi> is drawn with the italic code points (U+1D434 on), which
# the page's markup never names, and ASCII is cheap.
ALWAYS_IN_FONT = {
    *range(0x20, 0x7F),
    *range(0x1D434, 0x1D468),
    *range(0x1D6E2, 0x1D71C),
    0x210E,
}
MATH_ELEMENT = re.compile(r"<math\b.*?</math>", re.S)
TAG = re.compile(r"<[^>]*>")


class MathConversionError(ValueError):
    """TeX that the book cannot turn into MathML."""


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """MathML markup for one TeX formula, as HTML5 writes it (no namespace).

    Parameters
    ----------
    tex : str
        The formula without its ``$`` delimiters.
    display : bool
        True for a display (block) equation, False for math in running text.

    Returns
    -------
    str
        One ``<math>`` element.

    Raises
    ------
    MathConversionError
        If latex2mathml fails or leaves TeX in its output.

    Examples
    --------
    >>> tex_to_mathml(r"n \\times n")
    '<math display="inline"><mi>n</mi><mo>×</mo><mi>n</mi></math>'
    """
    source = _rewrite_environments(tex.strip())
    try:
        markup = convert(source, display="block" if display else "inline")
        root = ET.fromstring(markup)
    except Exception as error:  # latex2mathml raises many kinds
        raise MathConversionError(f"cannot convert {tex!r}: {error}") from error
    for element in root.iter():
        element.tag = element.tag.removeprefix("{" + MATHML_NS + "}")
        text = element.text or ""
        if "\\" in text or element.tag == "merror":
            raise MathConversionError(f"TeX left in the MathML of {tex!r}: {text!r}")
    _set_limits(root)
    _name_operators(root)
    _fence_matrices(root)
    _upright_capital_greek(root)
    _primes_beside(root)
    _drop_lone_mrows(root)
    for slash in root.iter("mo"):
        # TeX sets a slash like a letter; MathML's dictionary pads it.
        if slash.text == "/":
            slash.set("lspace", "0")
            slash.set("rspace", "0")
    return ET.tostring(root, encoding="unicode", short_empty_elements=True)


def inline_pieces(markup: str) -> list[str]:
    """One inline ``<math>`` element cut where a line may break, as TeX would.

    Parameters
    ----------
    markup : str
        An inline ``<math>`` element, as :func:`tex_to_mathml` writes it.

    Returns
    -------
    list of str
        ``<math>`` elements that, side by side, draw the formula: each ends
        with a relation or a plus, minus or times sign standing between two
        operands outside brackets (the last one ends the formula). One
        element when there is no such place.

    Examples
    --------
    >>> pieces = inline_pieces(tex_to_mathml("a = b + (c + d)"))
    >>> [len(ET.fromstring(p)) for p in pieces]  # a =, b +, (c + d)
    [2, 2, 5]
    >>> len(inline_pieces(tex_to_mathml("-a")))
    1
    """
    root = ET.fromstring(markup)
    children = list(root)
    cuts, depth = [], 0
    for i, child in enumerate(children):
        # latex2mathml writes \lfloor and the like as <mi>.
        text = (child.text or "").strip() if child.tag in ("mo", "mi") else ""
        if text in OPENING:
            depth += 1
        elif text in CLOSING:
            depth = max(0, depth - 1)
        elif (
            child.tag == "mo"
            and depth == 0
            and text in BREAK_AFTER
            and 0 < i < len(children) - 1
        ):
            before = children[i - 1]
            if not (before.tag == "mo" and (before.text or "").strip() in BREAK_AFTER):
                cuts.append(i + 1)
    if not cuts:
        return [markup]
    pieces = []
    for start, end in zip([0, *cuts], [*cuts, len(children)]):
        piece = ET.Element("math", root.attrib)
        piece.extend(children[start:end])
        pieces.append(ET.tostring(piece, encoding="unicode", short_empty_elements=True))
    return pieces


def _rewrite_environments(tex: str) -> str:
    for name, (begin, end) in ENVIRONMENTS.items():
        tex = tex.replace(r"\begin{" + name + "}", begin)
        tex = tex.replace(r"\end{" + name + "}", end)
    # Extra space between rows (\\[4pt]) is not understood; the rows keep
    # MathML's own spacing.
    return ROW_GAP.sub(r"\\\\", tex)


def _set_limits(root: ET.Element) -> None:
    for element in root.iter():
        kind = SCRIPTS_TO_LIMITS.get(element.tag)
        base = element[0] if len(element) else None
        if (
            kind
            and base is not None
            and base.tag == "mo"
            and base.text in LIMIT_OPERATORS
        ):
            element.tag = kind
            base.set("movablelimits", "true")


def _name_operators(root: ET.Element) -> None:
    """Named operators (ReLU, max, det) as upright names, not spaced-out operators."""
    for element in root.iter():
        for child in element:
            is_name = child.tag == "mo" and re.fullmatch(
                r"[A-Za-z]{2,}", child.text or ""
            )
            if is_name and "movablelimits" not in child.attrib:
                child.tag = "mi"


def _fence_matrices(root: ET.Element) -> None:
    """Brackets around a matrix in an mrow of their own, so they stretch to it."""
    for element in list(root.iter()):
        if len(element) < 3:
            continue
        i = 0
        while i + 2 < len(element):
            opening, table, closing = element[i], element[i + 1], element[i + 2]
            if (opening.tag, table.tag, closing.tag) == ("mo", "mtable", "mo"):
                fenced = ET.Element("mrow")
                for part in (opening, table, closing):
                    element.remove(part)
                    fenced.append(part)
                opening.set("stretchy", "true")
                closing.set("stretchy", "true")
                element.insert(i, fenced)
            i += 1


def _upright_capital_greek(root: ET.Element) -> None:
    """Capital Greek upright, as TeX sets it (browsers slant a one-letter mi)."""
    for element in root.iter("mi"):
        if (element.text or "") in CAPITAL_GREEK:
            element.set("mathvariant", "normal")


def _primes_beside(root: ET.Element) -> None:
    """x' as x followed by a prime: U+2032 is already raised, and as a superscript
    it would be raised again and shrunk to a speck."""
    for element in list(root.iter()):
        if element.tag not in ("msup", "msubsup") or len(element) < 2:
            continue
        prime = element[-1]
        if not (prime.text or "").strip() or set(prime.text) - PRIMES or len(prime):
            continue
        base = element[0]
        primed = ET.Element("mrow")
        element.remove(base)
        element.remove(prime)
        primed.append(base)
        mark = ET.SubElement(primed, "mo", lspace="0", rspace="0")
        mark.text = prime.text
        if element.tag == "msup":
            element.tag = "mrow"
            element.insert(0, primed)
        else:
            element.tag = "msub"
            element.insert(0, primed)


def _drop_lone_mrows(root: ET.Element) -> None:
    """An mrow around a single element draws as that element: leave it out.

    latex2mathml wraps every group in one; each element costs the browser
    style and layout work, a third of a chapter's elements are math, and
    these make up about a sixth of those.
    """
    for element in list(root.iter()):
        for i, child in enumerate(list(element)):
            while child.tag == "mrow" and len(child) == 1 and not child.attrib:
                inner = child[0]
                element.remove(child)
                element.insert(i, inner)
                child = inner
    # <math> lays out its children as a row itself.
    if len(root) == 1 and root[0].tag == "mrow" and not root[0].attrib:
        row = root[0]
        root.remove(row)
        root.extend(list(row))


def _visit_inline(self, node: nodes.math) -> None:
    markup = _converted(node, display=False)
    pieces = inline_pieces(markup) if markup.startswith("<math") else [markup]
    # Each piece in a box of its own, with a line-break opportunity between
    # them: a formula longer than a phone's line wraps after "=" or "+".
    boxes = [
        self.starttag(
            node if n == 0 else nodes.inline(),
            "span",
            "",
            CLASS="math notranslate nohighlight",
        )
        + piece
        + "</span>"
        for n, piece in enumerate(pieces)
    ]
    self.body.append("<wbr>".join(boxes))
    raise nodes.SkipNode


def _visit_display(self, node: nodes.math_block) -> None:
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        number = get_node_equation_number(self, node)
        self.body.append(f'<span class="eqno">({number})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    self.body.append(_converted(node, display=True) + "</div>\n")
    raise nodes.SkipNode


def _converted(node: nodes.Element, display: bool) -> str:
    tex = node.astext()
    parts = [p for p in tex.split("\n\n") if p.strip()]
    if display and (len(parts) > 1 or (r"\\" in tex and r"\begin" not in tex)):
        # Sphinx's convention: equations separated by a blank line, or rows
        # separated by \\ outside an environment, are aligned at their &.
        tex = r"\begin{align*}" + r" \\ ".join(parts) + r"\end{align*}"
    try:
        return _mathml_once(tex, display)
    except MathConversionError as error:
        logger.warning(str(error), location=node, type="book", subtype="math")
        return '<code class="math-failed">' + html.escape(tex) + "</code>"


# Half of the book's formulas recur ($X$, $k_h$, ...): each distinct one is
# converted once per build. A failure is not cached, so it warns every time.
@functools.cache
def _mathml_once(tex: str, display: bool) -> str:
    return tex_to_mathml(tex, display)


def _write_math_font(app, exception) -> None:
    """The math font, cut down to the characters that the built pages' math uses."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    used = set()
    for page in out.rglob("*.html"):
        for markup in MATH_ELEMENT.findall(page.read_text(encoding="utf-8")):
            used.update(html.unescape(TAG.sub("", markup)))
    font = TTFont(FONT_SOURCE)
    missing = sorted(
        c for c in used if not c.isspace() and ord(c) not in font.getBestCmap()
    )
    if missing:
        logger.warning(
            "the math font has no glyph for %s: the browser draws it with another font",
            " ".join(f"{c} (U+{ord(c):04X})" for c in missing),
            type="book",
            subtype="math",
        )
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.drop_tables += ["FFTM"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes={ord(c) for c in used} | ALWAYS_IN_FONT)
    subset_quietly(subsetter, font)
    (out / "_static").mkdir(exist_ok=True)
    font.save(out / "_static" / FONT_FILE)


def setup(app) -> dict[str, Any]:
    app.add_html_math_renderer("mathml", (_visit_inline, None), (_visit_display, None))
    app.connect("build-finished", _write_math_font)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
