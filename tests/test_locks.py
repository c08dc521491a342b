"""The two locks: requirements-book.txt is enough to build the book, and
agrees with requirements.txt on every package they share.

`make book` installs only requirements-book.txt, so an import added to the
book's Sphinx extension, or an extension added to _config.yml, whose package
is not in that lock would break the first `make book` of every new clone while
every test run here (in the full environment) stayed green.
"""

from __future__ import annotations

import ast
import functools
import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(lock: str) -> dict[str, set[str]]:
    """Each package of a lock file with the versions it pins (one per marker)."""
    pins: dict[str, set[str]] = {}
    for line in (ROOT / lock).read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins.setdefault(_canonical(match[1]), set()).add(match[2])
    return pins


def _site_imports() -> set[str]:
    """Top-level modules that the book's Sphinx extension imports."""
    modules = set()
    for source in (ROOT / "chapters" / "_site").glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules.add(node.module.split(".")[0])
    return modules


def _config_extensions() -> set[str]:
    """Top-level modules of the Sphinx extensions that _config.yml names."""
    text = (ROOT / "_config.yml").read_text(encoding="utf-8")
    block = re.search(r"^\s*extensions:\s*\n((?:\s+- .*\n)+)", text, re.M)
    assert block, "_config.yml lists no sphinx extensions"
    return {item.split(".")[0] for item in re.findall(r"- (\S+)", block[1])}


@functools.cache
def _providers() -> dict[str, list[str]]:
    """Top-level module -> the installed distributions that provide it.

    Python 3.10's packages_distributions reads only top_level.txt, which
    wheels built by flit or hatchling (docutils, jupyter-book) lack; 3.11 and
    later also read each distribution's list of files, as done here for the
    modules top_level.txt leaves out.
    """
    by_files: dict[str, list[str]] = {}
    for dist in metadata.distributions():
        tops = {f.parts[0].removesuffix(".py") for f in dist.files or () if f.parts}
        for top in tops:
            by_files.setdefault(top, []).append(dist.metadata["Name"])
    return {**by_files, **metadata.packages_distributions()}


def _distributions(module: str) -> list[str]:
    """The installed distributions that provide a top-level module."""
    return _providers().get(module, [])


def test_locks_exist_and_pin_many_packages():
    full, book = _pins("requirements.txt"), _pins("requirements-book.txt")
    assert len(full) > 100 and len(book) > 50
    # The point of the book lock: it leaves out what only the notebooks and
    # the tests need.
    assert {"mxnet", "jupyterlab", "pytest", "playwright"}.isdisjoint(book)
    assert len(book) < 0.6 * len(full)


def test_book_lock_pins_what_the_full_lock_pins():
    full, book = _pins("requirements.txt"), _pins("requirements-book.txt")
    differ = {
        name: (sorted(versions), sorted(full.get(name, ())))
        for name, versions in book.items()
        if not versions <= full.get(name, set())
    }
    assert not differ, f"book lock pin not in requirements.txt (book, full): {differ}"


@pytest.mark.parametrize("kind", ["site imports", "config extensions"])
def test_book_lock_has_what_the_build_imports(kind):
    modules = _site_imports() if kind == "site imports" else _config_extensions()
    local = {p.stem for p in (ROOT / "chapters" / "_site").glob("*.py")}
    book = _pins("requirements-book.txt")
    missing = {}
    for module in sorted(modules - set(sys.stdlib_module_names) - local):
        providers = {_canonical(d) for d in _distributions(module)}
        assert providers, f"no installed distribution provides {module!r}"
        if providers.isdisjoint(book):
            missing[module] = sorted(providers)
    assert not missing, (
        f"the book's build imports these, which requirements-book.txt lacks "
        f"(add them to requirements-book.in and run `make lock`): {missing}"
    )


def test_site_imports_are_found():
    # The parser above must see the imports the extension really has.
    assert {"docutils", "fontTools", "latex2mathml", "sphinx"} <= _site_imports()
    assert {"myst_nb", "sphinx_exercise", "book_site"} <= _config_extensions()
