"""Checks a page makes in front of the reader: one readable line each.

A notebook states a fact ("the two gradients agree") and a cell proves it.
:func:`check` prints the claim with a tick when it holds, and stops the
notebook with the claim and the evidence when it does not, so a page never
shows a claim its numbers contradict (nbval re-runs every page).
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["check", "check_close"]


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
    if hasattr(holds, "asnumpy"):
        holds = holds.asnumpy()
    if not bool(np.all(holds)):
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
    a = np.asarray(actual.asnumpy() if hasattr(actual, "asnumpy") else actual, float)
    b = np.asarray(
        expected.asnumpy() if hasattr(expected, "asnumpy") else expected, float
    )
    if a.shape != b.shape:
        raise AssertionError(f"✗ {claim}: shapes {a.shape} and {b.shape}")
    gap = float(np.max(np.abs(a - b))) if a.size else 0.0
    if not gap <= atol:
        raise AssertionError(f"✗ {claim}: largest difference {gap:.3g} > {atol:g}")
    print(f"✓ {claim} (to within {atol:g})")
