"""The built book's stylesheets as one small file, and its icon font as a subset.

Run once the HTML is written (``build-finished``). A page used to link ten
stylesheets (about 95 KB compressed, most of it rules that no page of this
book can match: Bootstrap utilities, 1,900 Font Awesome icons, components the
book never uses), and the first paint waited for all of them. Now:

* each page links one stylesheet, the same files in the same order, joined
  (``@import`` inlined, ``url()`` rewritten to the new place);
* a rule is dropped when one of its selectors names a class, id or element
  that appears in no page and in no script that a page loads: classes that
  scripts add (``show``, ``collapsing``...) are words in those scripts, so they
  stay; ``:not(...)`` and other functional pseudo-classes never drop a rule;
  Bootstrap's ``bs-*`` classes, which its script builds from pieces, all stay;
* the solid Font Awesome font keeps only the glyphs that the kept rules can
  draw (about 150 KB become a few KB).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
from pathlib import Path
from typing import Iterable

import tinycss2
from fontTools import subset as font_subset
from fontTools.ttLib import TTFont

LINK_TAG = re.compile(r"<link\b[^>]*>")
HREF = re.compile(r'href="([^"]+)"')
SCRIPT_SRC = re.compile(r'<script\b[^>]*\bsrc="([^"]+)"')
IMPORT = re.compile(r"""@import\s+(?:url\(\s*)?["']?([^"')\s]+)["']?\s*\)?[^;]*;""")
CSS_URL = re.compile(r"""url\(\s*(["']?)([^"')]+)\1\s*\)""")
WORD = re.compile(r"[A-Za-z_][\w-]*")
# Elements a browser adds to a page that the HTML need not spell out.
IMPLIED_ELEMENTS = {"html", "head", "body", "tbody"}
# Class names that scripts build from pieces, so no file holds them whole:
# Bootstrap's bs-tooltip-auto, bs-popover-top...; searchtools.js's kind-title...
BUILT_CLASSES = re.compile(r"^(bs-|kind-)")
ICON_FONT = "fa-solid-900"
ICON_VALUE = re.compile(r"(?:[;{]\s*)(?:content|--[\w-]+)\s*:([^;}]*)")
BUNDLE_PREFIX = "book-styles-"
# Which files each bundle joins: a page that Sphinx did not write again in an
# incremental build links its bundle only, and gets it rebuilt from these.
MANIFEST = "book-styles.json"


def subset_quietly(subsetter: font_subset.Subsetter, font: TTFont) -> None:
    """``subsetter.subset(font)``, without fontTools' log in the build's output.

    fontTools logs each table and glyph list it touches at INFO level, which
    the Sphinx build prints: dozens of lines per font.
    """
    logs = [logging.getLogger(n) for n in ("fontTools", "fontTools.subset")]
    levels = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.WARNING)
    try:
        subsetter.subset(font)
    finally:
        for log, level in zip(logs, levels):
            log.setLevel(level)


def selector_names(selector: list) -> set[str]:
    """The classes (``.x``), ids (``#x``) and element names a selector needs.

    Names inside functional pseudo-classes (``:not(.x)``, ``:is(...)``) and
    attribute selectors are left out: they never make a selector impossible.

    Examples
    --------
    >>> sorted(selector_names(tinycss2.parse_component_value_list(
    ...     "div.cell > pre#a:hover:not(.b) [data-x] .c::before")))
    ['#a', '.c', '.cell', 'div', 'pre']
    """
    names: set[str] = set()
    previous = None
    for token in selector:
        after = (
            previous.value
            if previous is not None and previous.type == "literal"
            else None
        )
        if token.type == "ident" and after == ".":
            names.add("." + token.value)
        elif token.type == "ident" and after != ":":
            names.add(token.value.lower())
        elif token.type == "hash" and token.is_identifier:
            names.add("#" + token.value)
        previous = token
    return names


def _split_selectors(prelude: list) -> list[list]:
    selectors, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append(current)
            current = []
        else:
            current.append(token)
    selectors.append(current)
    return selectors


def _possible(name: str, words: set[str]) -> bool:
    bare = name.lstrip(".#")
    if name.startswith(".") and BUILT_CLASSES.match(bare):
        return True
    return bare in words or (name[0] not in ".#" and bare in IMPLIED_ELEMENTS)


def purge_rules(rules: Iterable, words: set[str]) -> str:
    """The CSS of ``rules`` without the selectors that ``words`` rule out.

    Parameters
    ----------
    rules : iterable of tinycss2 nodes
        A parsed stylesheet (or the content of an ``@media`` block).
    words : set of str
        Every word of every page and of every script the pages load.

    Returns
    -------
    str
        The kept rules; a rule keeps those of its selectors that can match.

    Examples
    --------
    >>> css = ".a, .gone { color: red } @media print { .gone { color: blue } }"
    >>> purge_rules(tinycss2.parse_stylesheet(css, skip_comments=True), {"a"})
    '.a{ color: red }'
    """
    kept: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                tinycss2.serialize(s).strip()
                for s in _split_selectors(rule.prelude)
                if all(_possible(n, words) for n in selector_names(s))
            ]
            if selectors:
                kept.append(
                    ",".join(selectors) + "{" + tinycss2.serialize(rule.content) + "}"
                )
        elif (
            rule.type == "at-rule"
            and rule.lower_at_keyword in ("media", "supports", "layer")
            and rule.content is not None
        ):
            inner = purge_rules(
                tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                ),
                words,
            )
            if inner:
                prelude = tinycss2.serialize(rule.prelude).strip()
                kept.append(f"@{rule.at_keyword} {prelude}{{{inner}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword != "charset":
            kept.append(rule.serialize())
    return "".join(kept)


def _read_css(path: Path, bundle_dir: Path, seen: set[Path]) -> str:
    """A stylesheet with its @imports inlined and its url()s relative to bundle_dir."""
    path = path.resolve()
    if path in seen or not path.is_file():
        return ""
    seen.add(path)
    text = path.read_text(encoding="utf-8")

    def rebase(match: re.Match) -> str:
        target = match.group(2).strip()
        if re.match(r"^(data:|[a-z]+://|/|#)", target):
            return match.group(0)
        file_part, _, rest = target.partition("?")
        file_part, hash_mark, fragment = file_part.partition("#")
        new = os.path.relpath((path.parent / file_part).resolve(), bundle_dir).replace(
            os.sep, "/"
        )
        return f'url("{new}{hash_mark}{fragment}")'

    def inline(match: re.Match) -> str:
        return _read_css(path.parent / match.group(1).split("?")[0], bundle_dir, seen)

    return CSS_URL.sub(rebase, IMPORT.sub(inline, text))


def _stylesheet_links(head: str) -> list[tuple[str, str]]:
    """(tag, href) of each local stylesheet link for every medium."""
    links = []
    for tag in LINK_TAG.findall(head):
        href = HREF.search(tag)
        if (
            'rel="stylesheet"' in tag
            and href
            and "media=" not in tag
            and not re.match(r"^([a-z]+:)?//", href.group(1))
        ):
            links.append((tag, href.group(1)))
    return links


def _subset_icon_font(css: str, bundle_dir: Path, outdir: Path) -> str:
    """Point the solid icon face at a WOFF with only the glyphs css can draw."""
    source = next(outdir.glob(f"_static/**/{ICON_FONT}.ttf"), None)
    if source is None:
        return css
    # Icons are drawn by `content` and by custom properties (--pst-icon-*).
    characters = {
        ord(ch)
        for value in ICON_VALUE.findall(css)
        for token in _walk(tinycss2.parse_component_value_list(value))
        if token.type == "string"
        for ch in token.value
    }
    font = TTFont(source)
    cmap = font.getBestCmap()
    wanted = sorted(c for c in characters if c in cmap)
    options = font_subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    subsetter = font_subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subset_quietly(subsetter, font)
    target = source.with_name(f"{ICON_FONT}-book.woff")
    font.flavor = "woff"
    font.save(target)
    new_src = 'src:url("{}") format("woff")'.format(
        os.path.relpath(target, bundle_dir).replace(os.sep, "/")
    )
    return re.sub(
        r'src:url\("[^"]*' + ICON_FONT + r'\.woff2"\)[^;}]*',
        new_src,
        css,
    )


def _walk(tokens: list):
    for token in tokens:
        yield token
        if getattr(token, "content", None) is not None and isinstance(
            token.content, list
        ):
            yield from _walk(token.content)
        if getattr(token, "arguments", None) is not None:
            yield from _walk(token.arguments)


def bundle_styles(outdir: Path) -> dict[str, int]:
    """Give every page of the built book one purged stylesheet; returns bundle sizes."""
    outdir = Path(outdir)
    static = outdir / "_static"
    pages = [
        p
        for p in outdir.rglob("*.html")
        if p.relative_to(outdir).parts[0] not in ("_static", "_sources", "_images")
    ]
    texts = {page: page.read_text(encoding="utf-8") for page in pages}

    words: set[str] = set()
    scripts: set[Path] = set()
    for page, text in texts.items():
        words.update(WORD.findall(text))
        for src in SCRIPT_SRC.findall(text):
            if not re.match(r"^([a-z]+:)?//", src):
                scripts.add((page.parent / src.split("?")[0]).resolve())
    for script in scripts:
        if script.is_file():
            words.update(
                WORD.findall(script.read_text(encoding="utf-8", errors="replace"))
            )

    manifest_path = static / MANIFEST
    previous = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    bundles: dict[tuple[str, ...], str] = {}
    sizes: dict[str, int] = {}
    linked: set[str] = set()
    for page, text in texts.items():
        head_end = text.find("</head>")
        if head_end < 0:
            continue  # a redirect
        head = text[:head_end]
        links = _stylesheet_links(head)
        if len(links) == 1 and BUNDLE_PREFIX in links[0][1]:
            old_name = Path(links[0][1].split("?")[0]).name
            files = tuple(previous.get(old_name, ()))
            if not files:  # no record of what it joins: leave it as it is
                linked.add(old_name)
                continue
        else:
            files = tuple(
                os.path.relpath((page.parent / href.split("?")[0]).resolve(), outdir)
                for _, href in links
            )
        if len(files) < 2:
            continue
        if files not in bundles:
            joined = "\n".join(_read_css(outdir / f, static, set()) for f in files)
            parsed = tinycss2.parse_stylesheet(
                joined, skip_comments=True, skip_whitespace=True
            )
            css = _subset_icon_font(purge_rules(parsed, words), static, outdir)
            name = (
                BUNDLE_PREFIX + hashlib.sha256(css.encode()).hexdigest()[:12] + ".css"
            )
            (static / name).write_text(css, encoding="utf-8")
            bundles[files] = name
            sizes[name] = len(css.encode())
        linked.add(bundles[files])
        href = os.path.relpath(static / bundles[files], page.parent).replace(
            os.sep, "/"
        )
        for tag, _ in links[1:]:
            head = head.replace(tag, "", 1)
        head = head.replace(links[0][0], f'<link rel="stylesheet" href="{href}" />', 1)
        page.write_text(head + text[head_end:], encoding="utf-8")
    for stale in static.glob(BUNDLE_PREFIX + "*.css"):
        if stale.name not in linked:
            stale.unlink()
    previous.update({name: list(files) for files, name in bundles.items()})
    previous = {name: files for name, files in previous.items() if name in linked}
    manifest_path.write_text(json.dumps(previous))
    return sizes
