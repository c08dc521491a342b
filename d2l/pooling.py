"""Max and average pooling of a 2-D input, with padding and stride."""

from __future__ import annotations

from typing import List

from mxnet import nd

from . import _checks
from ._checks import IntOrPair
from .shapes import conv_output_shape

__all__ = ["pool2d"]


def _pad(X: nd.NDArray, p_h: int, p_w: int, value: float) -> nd.NDArray:
    """Pad a 2-D array with ``value`` on each side (``nd.pad`` wants 4-D)."""
    if p_h == 0 and p_w == 0:
        return X
    X4 = X.reshape((1, 1) + X.shape)
    widths = (0, 0, 0, 0, p_h, p_h, p_w, p_w)
    Xp = nd.pad(X4, mode="constant", pad_width=widths, constant_value=value)
    return Xp.reshape(Xp.shape[2:])


def _strided(X: nd.NDArray, axis: int, begin: int, n: int, step: int) -> nd.NDArray:
    """Take ``n`` entries ``begin, begin + step, ...`` along ``axis`` of a 2-D X."""
    end = begin + (n - 1) * step + 1
    if step == 1:  # slice_axis is the fast path for unit steps
        return nd.slice_axis(X, axis=axis, begin=begin, end=end)
    begins, ends, steps = [None, None], [None, None], [1, 1]
    begins[axis], ends[axis], steps[axis] = begin, end, step
    return nd.slice(X, begin=tuple(begins), end=tuple(ends), step=tuple(steps))


def _combine(views: List[nd.NDArray], mode: str) -> nd.NDArray:
    """Element-wise maximum or sum of equally shaped arrays."""
    if mode == "avg":
        return nd.add_n(*views)
    Y = views[0]
    for view in views[1:]:
        Y = nd.maximum(Y, view)
    return Y


def pool2d(
    X: nd.NDArray,
    pool_size: IntOrPair,
    mode: str = "max",
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> nd.NDArray:
    """Max or average pooling of a 2-D input, as ``nn.MaxPool2D``/``AvgPool2D``.

    Padding is added on each side. Average pooling counts padded zeros (it
    divides by the full window size, MXNet's default); for max pooling the
    padding is ``-inf``, so a padded cell never wins.

    Both pooling kinds are separable: the window maximum (sum) is the
    maximum (sum) over rows of the maximum (sum) over columns. So one pass
    combines the ``k_h`` row offsets and a second pass the ``k_w`` column
    offsets, each with strided slices of the whole array.

    Parameters
    ----------
    X : NDArray, shape (h, w)
    pool_size : int or (int, int)
        Window height and width ``(k_h, k_w)``.
    mode : {'max', 'avg'}, default 'max'
    padding : int or (int, int), default 0
        Smaller than the window on each axis (as MXNet requires).
    stride : int or (int, int), default 1

    Returns
    -------
    NDArray, of shape ``conv_output_shape(X.shape, pool_size, padding,
    stride)``, on ``X``'s context.

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> pool2d(X, 2).asnumpy().tolist()
    [[4.0, 5.0], [7.0, 8.0]]
    >>> pool2d(X, 2, mode="avg").asnumpy().tolist()
    [[2.0, 3.0], [5.0, 6.0]]
    """
    _checks.ndim("X", X, 2)
    _checks.floating("X", X)
    k_h, k_w = _checks.pair("pool_size", pool_size)
    _checks.one_of("mode", mode, ("max", "avg"))
    p_h, p_w = _checks.pair("padding", padding, minimum=0)
    s_h, s_w = _checks.pair("stride", stride)
    _checks.smaller("padding", (p_h, p_w), "pool_size", (k_h, k_w))
    padded = (X.shape[0] + 2 * p_h, X.shape[1] + 2 * p_w)
    _checks.fits("pool_size", (k_h, k_w), "the padded input", padded)
    oh, ow = conv_output_shape(X.shape, (k_h, k_w), (p_h, p_w), (s_h, s_w))
    Xp = _pad(X, p_h, p_w, float("-inf") if mode == "max" else 0.0)
    rows = _combine([_strided(Xp, 0, a, oh, s_h) for a in range(k_h)], mode)
    Y = _combine([_strided(rows, 1, b, ow, s_w) for b in range(k_w)], mode)
    if mode == "avg":
        Y = Y / (k_h * k_w)
    return Y
