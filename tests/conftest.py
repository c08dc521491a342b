"""Shared test setup: a headless Matplotlib backend and seeded generators."""

import matplotlib

# The unit tests draw off screen; the notebooks' kernels keep their inline
# backend (the repository's conftest.py unsets MPLBACKEND for them).
matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import mxnet as mx  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _seeded_and_closed():
    """Seed MXNet and NumPy for every test, and close its figures after it."""
    mx.random.seed(0)
    np.random.seed(0)
    yield
    plt.close("all")
