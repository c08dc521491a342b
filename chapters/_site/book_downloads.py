"""Everything a reader needs to run the pages, in one download.

Each page's own notebook is already offered by the theme's download button
(``_sources/chapters/*.ipynb``); a notebook alone does not run, because it
imports the book's ``d2l`` package and needs the pinned MXNet. At the end of
a build this writes ``d2l-conv-notebooks.zip`` into the HTML folder, which
the landing page links: every notebook of the table of contents, the ``d2l``
package with what installs it, the lock, and ``HOW-TO-RUN.txt`` (two lines).
The archive is reproducible: fixed order, fixed dates.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Iterable

ZIP_NAME = "d2l-conv-notebooks.zip"
#: The folder every file of the archive sits in.
FOLDER = "d2l-conv-notebooks"
#: What installs the package (pyproject.toml names README.md as its readme).
PACKAGE_FILES = ("pyproject.toml", "README.md", "d2l_compat.py", "d2l_compat.pth")
LOCK = "requirements.txt"
HOW_TO_RUN = (
    "python3.11 -m venv .venv && .venv/bin/pip install --no-deps -r requirements.txt"
    " && .venv/bin/pip install --no-deps --no-build-isolation .\n"
    ".venv/bin/jupyter lab chapters/\n"
)
#: Zip entries carry a date; a fixed one makes the archive the same every build.
DATE = (2026, 1, 1, 0, 0, 0)


def notebooks_in_toc(root: Path) -> list[Path]:
    """The notebooks ``_toc.yml`` lists, in its order."""
    toc = (root / "_toc.yml").read_text(encoding="utf-8")
    names = re.findall(r"file:\s*(chapters/\w+)", toc)
    return [
        root / f"{name}.ipynb" for name in names if (root / f"{name}.ipynb").exists()
    ]


def package_files(root: Path) -> list[Path]:
    """The ``d2l`` package's files, without byte code."""
    return sorted(
        p
        for p in (root / "d2l").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"
    )


def _entries(root: Path) -> Iterable[tuple[str, bytes]]:
    yield "HOW-TO-RUN.txt", HOW_TO_RUN.encode()
    for name in (LOCK, *PACKAGE_FILES):
        yield name, (root / name).read_bytes()
    for path in package_files(root) + notebooks_in_toc(root):
        yield path.relative_to(root).as_posix(), path.read_bytes()


def write_zip(root: Path, target: Path) -> Path:
    """Write the archive of ``root``'s notebooks and package to ``target``."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in _entries(root):
            info = zipfile.ZipInfo(f"{FOLDER}/{name}", date_time=DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return target


def _write_after_build(app, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_zip(Path(app.confdir), Path(app.outdir) / ZIP_NAME)


def setup(app) -> dict:
    app.connect("build-finished", _write_after_build)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
