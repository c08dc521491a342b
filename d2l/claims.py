"""Checks a page makes in front of the reader: one readable line each.

A notebook states a fact ("the two gradients agree") and a cell proves it.
:func:`check` prints the claim with a tick when it holds, and stops the
notebook with the claim and the evidence when it does not, so a page never
shows a claim its numbers contradict (nbval re-runs every page).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import _checks

__all__ = ["check", "check_close"]


def _claim(claim: Any) -> str:
    _checks.require(
        isinstance(claim, str) and claim.strip() != "",
        "claim",
        "a sentence (a non-empty str)",
        _checks.describe(claim),
    )
    return claim


def _numbers(name: str, value: Any) -> np.ndarray:
    """``value`` (an MXNet or NumPy array, a number or a nested list) as floats."""
    if hasattr(value, "asnumpy"):
        value = value.asnumpy()
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        array = None
    _checks.require(
        array is not None, name, "numbers or an array of them", _checks.describe(value)
    )
    return array


def check(claim: str, holds: Any) -> None:
    """Print ``✓ claim`` if ``holds`` is true; raise AssertionError otherwise.

    ``holds`` may be a bool, a NumPy bool or a one-element MXNet array.

    Examples
    --------
    >>> check("2 + 2 is 4", 2 + 2 == 4)
    ✓ 2 + 2 is 4
    >>> check("2 + 2 is 5", 2 + 2 == 5)
    Traceback (most recent call last):
    AssertionError: ✗ 2 + 2 is 5
    """
    _claim(claim)
    if hasattr(holds, "asnumpy"):
        holds = holds.asnumpy()
    values = np.asarray(holds)
    _checks.require(
        values.dtype.kind in "biuf" and values.size > 0,
        "holds",
        "a truth value, or an array of them",
        _checks.describe(holds),
    )
    if not bool(np.all(values)):
        raise AssertionError(f"✗ {claim}")
    print(f"✓ {claim}")


def check_close(claim: str, actual: Any, expected: Any, atol: float = 1e-5) -> None:
    """:func:`check` that two arrays agree entry by entry within ``atol``.

    The line printed gives the tolerance, not the difference found: the last
    digits of a float sum vary with the CPU, and the page must not.

    Examples
    --------
    >>> check_close("the sums agree", [1.0, 2.0], [1.0, 2.0000001])
    ✓ the sums agree (to within 1e-05)
    """
    _claim(claim)
    a, b = _numbers("actual", actual), _numbers("expected", expected)
    atol = _checks.number(
        "atol", atol, "a non-negative number", lambda v: math.isfinite(v) and v >= 0
    )
    if a.shape != b.shape:
        raise AssertionError(f"✗ {claim}: shapes {a.shape} and {b.shape}")
    gap = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not gap <= atol:
        raise AssertionError(f"✗ {claim}: largest difference {gap:.3g} > {atol:g}")
    print(f"✓ {claim} (to within {atol:g})")
