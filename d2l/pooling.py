"""Max and average pooling of a 2-D input, with padding and stride.

Names: ``per_side_h``/``per_side_w`` are the rows/columns of padding added on
*each* side, Gluon's ``padding`` argument. The book's text writes ``p_h`` and
``p_w`` for the *total* padding, so ``p_h = 2 * per_side_h``.
"""

from __future__ import annotations

from typing import Iterable

from mxnet import autograd, nd

from . import _checks
from ._checks import IntOrPair
from ._kinds import accepts_both
from .shapes import conv_output_shape

__all__ = ["pool2d"]


def _pad(X: nd.NDArray, per_side_h: int, per_side_w: int, value: float) -> nd.NDArray:
    """Pad a 2-D array with ``value``: ``per_side_h`` rows above and below,
    ``per_side_w`` columns left and right (``nd.pad`` wants 4-D)."""
    if per_side_h == 0 and per_side_w == 0:
        return X
    X4 = X.expand_dims(0).expand_dims(0)
    widths = (0, 0, 0, 0, per_side_h, per_side_h, per_side_w, per_side_w)
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


#: Views summed by one ``add_n``: a few at a time keeps memory bounded.
_SUM_GROUP = 8

#: Most window entries pooled by gathering every window at once. Below it a
#: call's cost is MXNet's per-operator overhead, so three operators beat the
#: separable route's dozen; above it the copy of every window costs more.
#: Measured against nd.Pooling in three runs: gathering won for 3x3 windows
#: on 64x64 (34,596 entries, max and average); on 85x85 (62,001) the routes
#: traded places from run to run; for 2x2 max pooling with stride 2 on
#: 256x256 (65,536) the separable route won.
_SMALL_WINDOWS = 40_000


def _combine(views: Iterable[nd.NDArray], mode: str) -> nd.NDArray:
    """Element-wise maximum or sum of equally shaped arrays.

    ``views`` is consumed lazily, so at most ``_SUM_GROUP`` of them exist at
    once however large the window.
    """
    Y, group = None, []
    for view in views:
        if mode == "max":
            Y = view if Y is None else nd.maximum(Y, view)
            continue
        group.append(view)
        if len(group) == _SUM_GROUP:
            Y = nd.add_n(*group) if Y is None else nd.add_n(Y, *group)
            group = []
    if group:
        Y = nd.add_n(*group) if Y is None else nd.add_n(Y, *group)
    return Y


@accepts_both
def pool2d(
    X: nd.NDArray,
    pool_size: IntOrPair,
    mode: str = "max",
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> nd.NDArray:
    """Max or average pooling of a 2-D input, as ``nn.MaxPool2D``/``AvgPool2D``.

    ``padding`` rows (columns) are added on each side. Average pooling counts
    padded zeros (it
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
    stride)``, on ``X``'s context and of its dtype. float16 is pooled in
    float32 (a float16 window sum overflows at 65504).

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> pool2d(X, 2).asnumpy().tolist()
    [[4.0, 5.0], [7.0, 8.0]]
    >>> pool2d(X, 2, mode="avg").asnumpy().tolist()
    [[2.0, 3.0], [5.0, 6.0]]
    """
    _checks.ndim("X", X, 2)
    _checks.nonempty("X", X)
    _checks.floating("X", X)
    k_h, k_w = _checks.pair("pool_size", pool_size)
    _checks.one_of("mode", mode, ("max", "avg"))
    per_side_h, per_side_w = _checks.pair("padding", padding, minimum=0)
    s_h, s_w = _checks.pair("stride", stride)
    _checks.smaller("padding", (per_side_h, per_side_w), "pool_size", (k_h, k_w))
    padded = (X.shape[0] + 2 * per_side_h, X.shape[1] + 2 * per_side_w)
    _checks.fits("pool_size", (k_h, k_w), "the padded input", padded)
    # Checked before anything is allocated: padding of 49999 on a 2x2 input
    # would otherwise ask for a 100000 x 100000 array.
    _checks.element_limit("padding", padded, "the padded input")
    oh, ow = conv_output_shape(
        X.shape, (k_h, k_w), (per_side_h, per_side_w), (s_h, s_w)
    )
    dtype, work = X.dtype, _checks.compute_dtype(X.dtype)
    Xp = _pad(
        X.astype(work, copy=False),
        per_side_h,
        per_side_w,
        float("-inf") if mode == "max" else 0.0,
    )
    # nd.max's gradient gives every tied maximum the whole gradient; the
    # separable route's nd.maximum gives it to one, so it is used to record.
    if k_h * k_w * oh * ow <= _SMALL_WINDOWS and (
        mode == "avg" or not autograd.is_recording()
    ):
        Y = _pool_windows(Xp, (k_h, k_w), (s_h, s_w), (oh, ow), mode)
    else:
        rows = _combine((_strided(Xp, 0, a, oh, s_h) for a in range(k_h)), mode)
        Y = _combine((_strided(rows, 1, b, ow, s_w) for b in range(k_w)), mode)
        if mode == "avg":
            Y = Y / (k_h * k_w)
    return Y.astype(dtype, copy=False)


def _pool_windows(Xp: nd.NDArray, window, stride, out, mode: str) -> nd.NDArray:
    """Pool a padded 2-D input by gathering its windows as columns."""
    columns = nd.im2col(Xp.reshape((1, 1) + Xp.shape), kernel=window, stride=stride)
    reduce = nd.max if mode == "max" else nd.mean
    return reduce(columns[0], axis=0).reshape(out)
