"""Explorers that load when the reader scrolls near them (the LeNet explorer).

Most explorers are small, and ``book_explorers`` puts their code in the page.
The LeNet explorer is not: its module is larger and the network it runs (with
its test digits) weighs about half a megabyte. Its stored notebook output marks
it to load late::

    <div class="d2l-explorer-static">...a picture and a sentence...</div>
    <script type="application/json" data-d2l-explorer="lenet.js"
            data-d2l-load="near">{"data": "lenet-modern-seed0", ...}</script>

:func:`lazy_explorers` writes two classic scripts into the HTML output, named
by their content so a browser may keep them:

* ``_static/explorers/lenet.<digest>.js``: ``_static.js`` (the stand-in for the
  kernel's model) and the module, which registers itself in
  ``window.d2lLazyExplorers``;
* ``_static/explorers/<data>.<digest>.js``: the network's file
  (``d2l/explorers/weights/<data>.bin``) in base64, assigned to
  ``window.d2lExplorerData[<data>]``;

and replaces the stored element with a small inline loader: when the
explorer comes within about a screen of the viewport (IntersectionObserver,
or before the page prints), it adds a ``<script>`` element for the module,
which adds one for the data. ``<script src>`` works from ``file://`` as well
as over HTTP, where ``fetch()`` of a local file does not. Nothing here imports
the package (the book's build environment has no MXNet).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import book_explorers

#: A stored explorer output marked to load when the reader comes near.
LAZY = re.compile(
    r'<script type="application/json" data-d2l-explorer="(?P<module>[\w-]+\.js)" '
    r'data-d2l-load="near">(?P<state>.*?)</script>',
    re.S,
)
#: Where the scripts go, under the HTML output.
FOLDER = "_static/explorers"
#: How far outside the viewport the explorer starts to load: one screen.
ROOT_MARGIN = "100% 0px"

LOADER = """<script>(() => {
  const host = document.currentScript.previousElementSibling;
  const state = STATE;
  let started = false;
  const go = () => {
    if (started) return;
    started = true;
    const mount = () => {
      const entry = window.d2lLazyExplorers[MODULE];
      const el = document.createElement("div");
      entry.explorer.render({ model: entry.model({ state }), el });
      host.replaceChildren(el);
    };
    if (window.d2lLazyExplorers && window.d2lLazyExplorers[MODULE]) { mount(); return; }
    const script = document.createElement("script");
    script.src = SRC;
    script.addEventListener("load", mount);
    document.head.append(script);
  };
  window.addEventListener("beforeprint", go);
  if (!("IntersectionObserver" in window)) { go(); return; }
  const watch = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) { watch.disconnect(); go(); }
  }, { rootMargin: MARGIN });
  watch.observe(host);
})();</script>"""


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


def _write(target: Path, text: str) -> None:
    """Write ``target`` (``stem.digest.js``) and drop older digests of it."""
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    stem = target.name.rsplit(".", 2)[0]
    for old in target.parent.glob(f"{stem}.*.js"):
        if old != target and re.fullmatch(
            rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.js", old.name
        ):
            old.unlink()


def module_script(folder: Path, module: str) -> str:
    """The classic script that registers ``module`` for the loaders."""
    source = book_explorers._source(folder, module).replace(
        "export default", "const explorer =", 1
    )
    return "\n".join(
        [
            "(() => {",
            book_explorers._source(folder, "_static.js"),
            source,
            "window.d2lLazyExplorers = window.d2lLazyExplorers || {};",
            f"window.d2lLazyExplorers[{json.dumps(module)}] = "
            "{ explorer, model: d2lStaticModel };",
            "})();",
        ]
    )


def data_script(name: str, blob: bytes) -> str:
    """The classic script that holds a network's file, in base64."""
    return (
        "window.d2lExplorerData = window.d2lExplorerData || {};\n"
        f"window.d2lExplorerData[{json.dumps(name)}] = "
        f'"{base64.b64encode(blob).decode()}";\n'
    )


def ship(folder: Path, outdir: Path, module: str, data: str) -> tuple[str, str]:
    """Write the module's and the data's scripts; return their file names."""
    code = module_script(folder, module)
    module_name = f"{Path(module).stem}.{_digest(code.encode())}.js"
    _write(outdir / FOLDER / module_name, code)
    blob = (folder / "weights" / f"{data}.bin").read_bytes()
    data_name = f"{data}.{_digest(blob)}.js"
    _write(outdir / FOLDER / data_name, data_script(data, blob))
    return module_name, data_name


def lazy_explorers(html: str, folder: Path, outdir: Path, static_url: str) -> str:
    """``html`` with every explorer marked to load late given its loader.

    ``static_url`` is the URL of the output's ``_static/`` folder relative to
    the page (``"../_static/"`` for a chapter).
    """

    def loader(match: re.Match) -> str:
        module = match.group("module")
        state = json.loads(match.group("state"))
        module_name, data_name = ship(folder, outdir, module, state["data"])
        base = static_url + FOLDER.split("/", 1)[1] + "/"
        state["data_url"] = base + data_name
        # The state last: nothing in it may be taken for a placeholder.
        return (
            LOADER.replace("MODULE", json.dumps(module))
            .replace("SRC", json.dumps(base + module_name))
            .replace("MARGIN", json.dumps(ROOT_MARGIN))
            .replace("STATE", _json(state))
        )

    return LAZY.sub(loader, html)


def _json(value) -> str:
    """JSON that is safe inside an inline ``<script>``."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def for_page(body: str, app, context: dict) -> str:
    """:func:`lazy_explorers` for a page Sphinx is writing (``html-page-context``)."""
    if "data-d2l-load=" not in body:
        return body
    return lazy_explorers(
        body,
        book_explorers.explorers_folder(app.confdir),
        Path(app.outdir),
        context["pathto"]("_static/", 1),
    )
