"""Other ways to compute a cross-correlation, for the performance appendix.

``d2l.corr2d_loop`` visits one output element at a time. The versions here
visit the kernel entries instead:

* ``corr2d_shift_add`` adds up one scaled, shifted copy of the input per
  kernel entry, each copy handled by MXNet in a single operation;
* ``corr2d_im2col`` (the "im2col" trick) writes every window of the input as
  one column of a matrix, which turns all the window-times-kernel dot
  products into a single matrix product.

The appendix times them against the loop and MXNet's own operator. All of
them follow the package's dtype policy (:mod:`d2l._checks`): floating-point
input only, float16 computed in float32.
"""

from __future__ import annotations

from mxnet import nd

from . import _checks
from ._kinds import accepts_both
from .convolution import _dot, _im2col

#: Scaled copies summed by one ``add_n``; a few at a time bounds the memory.
_SUM_GROUP = 8

__all__ = [
    "corr2d_shift_add",
    "im2col",
    "corr2d_im2col",
    "corr2d_multi_in_out_im2col",
]


@accepts_both
def corr2d_shift_add(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """2-D cross-correlation as a sum of scaled, shifted copies of ``X``.

    ``Y`` is the sum over kernel entries ``(a, b)`` of ``K[a, b]`` times the
    ``o_h x o_w`` part of ``X`` that starts at row ``a`` and column ``b``: a
    handful of whole-array operations per kernel entry, however large ``X``.

    Examples
    --------
    >>> X = nd.arange(9).reshape((3, 3))
    >>> K = nd.arange(4).reshape((2, 2))
    >>> corr2d_shift_add(X, K).asnumpy()
    array([[19., 25.],
           [37., 43.]], dtype=float32)
    """
    _checks.input_and_kernel(X, K, 2, 2)
    _checks.floating("X", X)  # integer sums would silently wrap around
    o_h, o_w = X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1
    dtype, work = X.dtype, _checks.compute_dtype(X.dtype)
    X, K = X.astype(work, copy=False), K.astype(work, copy=False)
    k_h, k_w = K.shape
    # K[a, b] stays an NDArray (a (1, 1) slice, broadcast over the copy), so
    # autograd sees how Y depends on the kernel.
    Y, group = None, []
    for a in range(k_h):
        row = nd.slice_axis(X, axis=0, begin=a, end=a + o_h)
        K_row = nd.slice_axis(K, axis=0, begin=a, end=a + 1)
        for b in range(k_w):
            shifted = nd.slice_axis(row, axis=1, begin=b, end=b + o_w)
            weight = nd.slice_axis(K_row, axis=1, begin=b, end=b + 1)
            group.append(nd.broadcast_mul(shifted, weight))
            if len(group) == _SUM_GROUP:
                Y = nd.add_n(*group) if Y is None else nd.add_n(Y, *group)
                group = []
    if group:
        Y = nd.add_n(*group) if Y is None else nd.add_n(Y, *group)
    return Y.astype(dtype, copy=False)


@accepts_both
def im2col(X: nd.NDArray, kernel_shape: tuple[int, int]) -> nd.NDArray:
    """Lay every ``k_h x k_w`` window of ``X`` out as one column of a matrix.

    ``X`` has shape ``(c_i, n_h, n_w)``. The result has shape
    ``(c_i * k_h * k_w, o_h * o_w)`` with ``o_h = n_h - k_h + 1`` and
    ``o_w = n_w - k_w + 1``; its rows are ordered channel first, then kernel
    row, then kernel column, the order of ``K.reshape(c_o, -1)``.

    Examples
    --------
    >>> X = nd.arange(9).reshape((1, 3, 3))
    >>> im2col(X, (2, 2)).asnumpy()
    array([[0., 1., 3., 4.],
           [1., 2., 4., 5.],
           [3., 4., 6., 7.],
           [4., 5., 7., 8.]], dtype=float32)
    """
    _checks.ndim("X", X, 3)
    _checks.nonempty("X", X)
    k_h, k_w = _checks.pair("kernel_shape", kernel_shape)
    c_i, n_h, n_w = X.shape
    _checks.fits("kernel_shape", (k_h, k_w), "`X`'s height and width", (n_h, n_w))
    # The whole matrix is the result, so its size is checked before it is
    # built: a 256x256 kernel on a 512x512 input would need 17 GB.
    o_h, o_w = n_h - k_h + 1, n_w - k_w + 1
    _checks.element_limit(
        "kernel_shape", (c_i * k_h * k_w, o_h * o_w), "the window matrix"
    )
    # The same layout that d2l.corr2d multiplies by its kernels.
    return _im2col(X, k_h, k_w)


@accepts_both
def corr2d_im2col(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """2-D cross-correlation of ``X`` with ``K`` as one matrix product.

    Same result as ``d2l.corr2d(X, K)``, computed as the ``(1, k_h * k_w)``
    kernel row times the ``(k_h * k_w, o_h * o_w)`` window matrix.

    Examples
    --------
    >>> X = nd.arange(9).reshape((3, 3))
    >>> K = nd.arange(4).reshape((2, 2))
    >>> corr2d_im2col(X, K).asnumpy()
    array([[19., 25.],
           [37., 43.]], dtype=float32)
    """
    _checks.input_and_kernel(X, K, 2, 2)
    _checks.floating("X", X)
    return corr2d_multi_in_out_im2col(X.expand_dims(0), K.reshape((1, 1) + K.shape))[0]


@accepts_both
def corr2d_multi_in_out_im2col(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Multi-channel cross-correlation as one matrix product.

    ``X`` has shape ``(c_i, n_h, n_w)`` and ``K`` shape ``(c_o, c_i, k_h, k_w)``;
    the result, shape ``(c_o, o_h, o_w)``, equals
    ``d2l.corr2d_multi_in_out(X, K)``.

    Examples
    --------
    >>> X = nd.ones((2, 4, 4))
    >>> K = nd.ones((3, 2, 3, 3))
    >>> corr2d_multi_in_out_im2col(X, K).shape
    (3, 2, 2)
    """
    _checks.ndim("X", X, 3)
    _checks.ndim("K", K, 4)
    c_o, c_i, k_h, k_w = K.shape
    _checks.channels("K", c_i, 1, "X", X.shape[0])
    o_h, o_w = _checks.input_and_kernel(X, K, 3, 4)
    _checks.floating("X", X)  # nd.dot has no integer version
    Y = _dot(K.reshape((c_o, c_i * k_h * k_w)), im2col(X, (k_h, k_w)))
    return Y.reshape((c_o, o_h, o_w))
