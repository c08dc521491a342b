"""Every example in the package's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import d2l

# Every module of the package, so a new one cannot slip by without examples.
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(d2l.__path__, prefix="d2l.")
    if m.name != "d2l._checks"
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
