"""What a reader downloads to run the pages: each page's notebook, and one zip.

The zip (chapters/_site/book_downloads.py) must hold every notebook of the
table of contents, the ``d2l`` package with what installs it, and the lock;
its HOW-TO-RUN.txt must be the commands the landing page prints. Whether those
commands really work, in a fresh environment made from the zip alone, is
checked by ``make download-check`` (tests/download_check.py), which CI runs.
"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_downloads  # noqa: E402
from test_site_assets import BOOK  # noqa: E402

INTRO = ROOT / "chapters" / "intro.md"


@pytest.fixture(scope="module")
def built_pages():
    """The built book's pages by path (make test builds it before the tests)."""
    pages = {
        p.relative_to(BOOK).as_posix(): p.read_text(encoding="utf-8")
        for p in BOOK.glob("chapters/*.html")
    }
    if not pages:
        pytest.fail(f"No built book at {BOOK}: run `make book` first.")
    return pages


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    target = tmp_path_factory.mktemp("zip") / book_downloads.ZIP_NAME
    return zipfile.ZipFile(book_downloads.write_zip(ROOT, target))


def _names(archive) -> set[str]:
    prefix = book_downloads.FOLDER + "/"
    assert all(n.startswith(prefix) for n in archive.namelist())
    return {n[len(prefix) :] for n in archive.namelist()}


def test_the_zip_holds_every_notebook_of_the_toc(archive):
    toc = (ROOT / "_toc.yml").read_text(encoding="utf-8")
    listed = {f"{name}.ipynb" for name in re.findall(r"file: (chapters/\w+)", toc)}
    notebooks = {n for n in _names(archive) if n.endswith(".ipynb")}
    assert notebooks == {n for n in listed if (ROOT / n).exists()}
    assert len(notebooks) >= 10


def test_the_zip_holds_the_package_the_lock_and_what_installs_them(archive):
    names = _names(archive)
    tracked = subprocess.run(
        ["git", "ls-files", "d2l"], cwd=ROOT, capture_output=True, text=True
    ).stdout.split()
    assert tracked and set(tracked) <= names
    assert {"requirements.txt", "pyproject.toml", "README.md"} <= names
    assert {"d2l_compat.py", "d2l_compat.pth", "HOW-TO-RUN.txt"} <= names
    assert not any("__pycache__" in n for n in names)


def test_the_zip_is_the_same_every_build(tmp_path):
    first = book_downloads.write_zip(ROOT, tmp_path / "a.zip").read_bytes()
    second = book_downloads.write_zip(ROOT, tmp_path / "b.zip").read_bytes()
    assert first == second


def test_how_to_run_is_two_lines_and_the_landing_page_prints_them(archive):
    text = archive.read(f"{book_downloads.FOLDER}/HOW-TO-RUN.txt").decode()
    lines = text.splitlines()
    assert len(lines) == 2
    assert "-r requirements.txt" in lines[0] and lines[1].startswith(
        ".venv/bin/jupyter lab"
    )
    intro = INTRO.read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", intro, re.S).group(1)
    assert block == text


def test_the_landing_page_links_the_zip_and_the_build_writes_it(built_pages):
    landing = built_pages["chapters/intro.html"]
    assert f'href="../{book_downloads.ZIP_NAME}"' in landing
    with zipfile.ZipFile(BOOK / book_downloads.ZIP_NAME) as built:
        assert built.testzip() is None
        assert any(n.endswith("06_putting_it_together.ipynb") for n in built.namelist())


def test_every_chapter_page_offers_its_own_notebook(built_pages):
    chapters = {
        name: text
        for name, text in built_pages.items()
        if name.startswith("chapters/") and name != "chapters/intro.html"
    }
    assert len(chapters) >= 10
    for name, text in chapters.items():
        stem = Path(name).stem
        link = f"_sources/chapters/{stem}.ipynb"
        assert link in text, f"{name} offers no .ipynb download"
        assert (BOOK / link).is_file(), link
