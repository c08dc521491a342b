"""The in-page explorers' JavaScript, put into each page when the book is built.

A notebook's explorer output names its module and holds its state (see
``d2l/explorers/_base.py``)::

    <div class="d2l-explorer-static">...tables or a picture...</div>
    <script type="application/json" data-d2l-explorer="sliding.js">{...}</script>

The stored notebook therefore does not change when the JavaScript does: nbval
checks what the notebook decides (the state), the browser tests check what the
JavaScript computes. At build time :func:`inline_explorers` turns each such
element into one classic script holding ``_static.js`` (a stand-in for the
kernel's model), the module and a call that mounts it, because module scripts
loaded from ``file://`` are blocked. It reads the modules from the repository's
``d2l/explorers/`` folder and imports nothing of the package (the book's build
environment has no MXNet).
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

#: A stored explorer output: the module's file name and its state as JSON.
PLACEHOLDER = re.compile(
    r'<script type="application/json" data-d2l-explorer="(?P<module>[\w-]+\.js)">'
    r"(?P<state>.*?)</script>",
    re.S,
)


@functools.lru_cache(maxsize=None)
def _source(folder: Path, name: str) -> str:
    text = (folder / name).read_text(encoding="utf-8")
    if name != "_static.js" and text.count("export default") != 1:
        raise ValueError(f"{folder / name} must have exactly one `export default`")
    if "</script" in text:
        raise ValueError(f"{folder / name} must not contain '</script'")
    return text


def program(folder: Path, module: str, state_json: str) -> str:
    """The classic script that runs ``module`` with ``state_json`` in a page."""
    source = _source(folder, module).replace("export default", "const explorer =", 1)
    return "\n".join(
        [
            "<script>(() => {",
            _source(folder, "_static.js"),
            source,
            f"d2lMount(explorer, document.currentScript, {state_json});",
            "})();</script>",
        ]
    )


def inline_explorers(html: str, folder: Path) -> str:
    """``html`` with every stored explorer output made a running explorer."""
    return PLACEHOLDER.sub(
        lambda m: program(folder, m.group("module"), m.group("state")), html
    )


def explorers_folder(confdir: str | Path) -> Path:
    """Where the book's sources keep the explorers' modules."""
    return Path(confdir) / "d2l" / "explorers"


#: Any stored explorer output, eager or loaded late: the module it names.
MODULE_NAMED = re.compile(r'data-d2l-explorer="(?P<module>[\w-]+\.js)"')


def note_modules(app, doctree) -> None:
    """Make a page depend on the modules its explorers run (Sphinx ``doctree-read``).

    The page's notebook does not change when a module does, so without this
    Sphinx would keep the page, and the old code in it, on the next build.
    """
    folder = explorers_folder(app.confdir)
    names = {
        m.group("module")
        for node in doctree.findall(lambda n: n.tagname == "raw")
        for m in MODULE_NAMED.finditer(node.astext())
    }
    for name in sorted(names | ({"_static.js"} if names else set())):
        app.env.note_dependency(str(folder / name))
