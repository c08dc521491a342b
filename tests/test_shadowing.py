"""Two packages named ``d2l``: the book's (d2l-conv) and d2l.ai's (d2l).

Each state a reader can reach by installing both (the review of the two
found them all) is rebuilt in a temporary folder put first on the path of
a fresh interpreter of this environment, as a reader's notebook would start.
"""

from __future__ import annotations

import importlib.machinery
import os
import subprocess
import sys
from pathlib import Path

import pytest

import d2l_compat

FIX = "pip uninstall -y d2l"


def _import_d2l(path: Path) -> subprocess.CompletedProcess:
    # Run from `path`: `python -c` puts the working folder first on the path,
    # and the repository's own d2l/ would otherwise win.
    env = dict(os.environ, PYTHONPATH=str(path))
    return subprocess.run(
        [sys.executable, "-W", "always::UserWarning", "-c", "import d2l"],
        capture_output=True,
        text=True,
        timeout=900,  # a guard against a hang; make test runs this at a low priority
        env=env,
        cwd=path,
    )


def test_the_books_d2l_alone_imports_without_a_word(tmp_path):
    result = _import_d2l(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "d2l.ai" not in result.stderr


def test_d2l_ais_package_first_on_the_path_is_named_with_the_fix(tmp_path):
    (tmp_path / "d2l").mkdir()
    (tmp_path / "d2l" / "__init__.py").write_text("USE_MXNET = True\n")
    result = _import_d2l(tmp_path)
    assert "finds d2l.ai's own `d2l` package" in result.stderr
    assert FIX in result.stderr and "d2l-conv" in result.stderr


def test_a_d2l_folder_left_without_init_by_an_uninstall_is_named(tmp_path, monkeypatch):
    # Python takes a folder without __init__.py only when no regular d2l
    # package is on the path at all, as after uninstalling one of two
    # packages installed into one site-packages/d2l: rebuilt in-process.
    (tmp_path / "d2l").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path)])
    spec = importlib.machinery.PathFinder.find_spec("d2l")
    assert spec.origin is None and spec.loader is None  # a namespace package
    with pytest.warns(UserWarning, match="with no __init__.py") as warned:
        d2l_compat._check_d2l(None)
    assert FIX in str(warned[0].message)


def test_d2l_ais_distribution_installed_beside_the_books_is_named(tmp_path):
    info = tmp_path / "d2l-1.0.3.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: d2l\nVersion: 1.0.3\n")
    result = _import_d2l(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "d2l.ai's package d2l 1.0.3 is installed here too" in result.stderr
    assert FIX in result.stderr


@pytest.mark.parametrize(
    "text, warned",
    [(d2l_compat.BOOK_MARKER + "\n", False), ("USE_MXNET = True\n", True)],
)
def test_shadow_warning_reads_the_marker_line(tmp_path, text, warned):
    init = tmp_path / "__init__.py"
    init.write_text(text)
    assert (d2l_compat.shadow_warning(str(init)) is not None) == warned
