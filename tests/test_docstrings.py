"""Every example in the package's docstrings runs and prints what it says."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "d2l.convolution",
    "d2l.devices",
    "d2l.plotting",
    "d2l.pooling",
    "d2l.shapes",
    "d2l.timing",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name):
    result = doctest.testmod(importlib.import_module(name), verbose=False)
    assert result.attempted > 0
    assert result.failed == 0
