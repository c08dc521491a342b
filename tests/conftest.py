"""Shared test setup: a headless Matplotlib backend and seeded generators."""

import matplotlib

# The unit tests draw off screen; the notebooks' kernels keep their inline
# backend (the repository's conftest.py unsets MPLBACKEND for them).
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from chromium import launched_browser  # noqa: E402

import d2l  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded_and_closed():
    """Seed MXNet and NumPy for every test, and close its figures after it.

    Also undo what a test of d2l.ai's interface leaves behind: NumPy mode
    (``npx.set_np()``) and Matplotlib without the book's style (importing
    ``d2l.mxnet`` takes the style back).
    """
    mx.random.seed(0)
    np.random.seed(0)
    yield
    plt.close("all")
    mx.npx.reset_np()
    d2l.style.apply()


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium per test module that asks for it."""
    yield from launched_browser()
