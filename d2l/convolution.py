"""Two-dimensional cross-correlation, from the teaching loop to channels.

The fast helpers gather windows and multiply (the "im2col" layout): every
``k_h x k_w`` window of the input becomes one column of a matrix
(``nd.im2col``), and one matrix product with the flattened kernels forms
every output value at once. To bound the working memory, the window matrix
is built in blocks of output rows (and, for very large kernels, of kernel
rows too), each under ``_BLOCK_ELEMENTS`` entries; small problems are a
single block, i.e. exactly one matrix product. Nothing is written in place,
so ``autograd`` can differentiate every helper here except ``corr2d_loop``.

Dtypes follow the package's policy (see :mod:`d2l._checks`): floating-point
inputs only, float16 computed in float32 and returned as float16.
"""

from __future__ import annotations

import warnings
from typing import Tuple

import mxnet as mx
import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from . import _checks
from ._checks import IntOrPair
from ._kinds import accepts_both, for_gluon, is_np, np_mode, to_nd, to_np

__all__ = [
    "corr2d",
    "corr2d_loop",
    "Conv2D",
    "comp_conv2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
]

#: Most entries of one block of the window matrix (16 MiB of float32). Large
#: enough that every case of ``make bench`` but the largest is one block.
_BLOCK_ELEMENTS = 2**22

#: Most output elements ``corr2d_loop`` fills one Python step at a time.
LOOP_MAX_OUTPUTS = 2**16


def _im2col(X: nd.NDArray, kh: int, kw: int) -> nd.NDArray:
    """Stack the ``kh * kw`` shifted windows of a (c, h, w) input.

    Returns shape (c * kh * kw, oh * ow), rows ordered like a (c, kh, kw)
    kernel flattened, so one matrix product does the whole correlation.
    Built from slices, for the performance appendix to compare with
    ``nd.im2col``; the fast helpers use ``nd.im2col``.
    """
    c, h, w = X.shape
    oh, ow = h - kh + 1, w - kw + 1
    # The (a, b) view holds, for every output pixel, the input value that
    # K[a, b] multiplies. Slicing one axis at a time is faster in MXNet than
    # one two-axis slice.
    rows = [nd.slice_axis(X, axis=1, begin=a, end=a + oh) for a in range(kh)]
    views = [
        nd.slice_axis(rows[a], axis=2, begin=b, end=b + ow)
        for a in range(kh)
        for b in range(kw)
    ]
    # Stacking on axis 1 gives (c, kh * kw, oh, ow): channel-major rows.
    return nd.stack(*views, axis=1).reshape((c * kh * kw, oh * ow))


def _dot(A: nd.NDArray, B: nd.NDArray) -> nd.NDArray:
    """``nd.dot``, with float16 computed in float32 and cast back.

    MXNet's CPU ``dot`` refuses float16; summing in float32 is also more
    accurate, so the detour is taken on every device.
    """
    if A.dtype == np.float16:
        return nd.dot(A.astype("float32"), B.astype("float32")).astype("float16")
    return nd.dot(A, B)


def _blocks(oh: int, kh: int, per_kernel_row: int) -> Tuple[int, int]:
    """Output rows and kernel rows per block of the window matrix.

    ``per_kernel_row`` counts the window entries that one kernel row adds
    for one output row (``c_i * k_w * o_w``). Kernel rows are split only
    when the whole kernel for one output row would not fit in a block.
    """
    kernel_rows = max(1, min(kh, _BLOCK_ELEMENTS // per_kernel_row))
    output_rows = max(1, min(oh, _BLOCK_ELEMENTS // (per_kernel_row * kernel_rows)))
    return output_rows, kernel_rows


def _finish_block(Y: nd.NDArray) -> None:
    """Wait until ``Y`` is computed, so that one block's buffers are freed.

    MXNet allocates an operator's output when Python calls it, not when the
    engine runs it; without this wait the loop over blocks would queue every
    block and hold all their window matrices at once.
    """
    Y.wait_to_read()


def _correlate(
    X: nd.NDArray, K: nd.NDArray, dilation: Tuple[int, int] = (1, 1)
) -> nd.NDArray:
    """(c_i, h, w) input and (c_o, c_i, k_h, k_w) kernels -> (c_o, oh, ow).

    float16 is computed in float32; very wide kernels take the row-matrix
    route (:func:`_correlate_rows`), every other kernel gathers windows.
    """
    dtype = X.dtype
    work = _checks.compute_dtype(dtype)
    if work != dtype:
        X, K = X.astype(work), K.astype(work)
    c_o, c_i, kh, kw = K.shape
    w = X.shape[2]
    if kw >= 16 and w <= 4 * kw and c_i * w * c_o * w <= _BLOCK_ELEMENTS:
        Y = _correlate_rows(X, K, dilation)
    else:
        Y = _correlate_windows(X, K, dilation)
    return Y.astype(dtype) if work != dtype else Y


def _correlate_rows(X: nd.NDArray, K: nd.NDArray, dilation: Tuple[int, int]):
    """Cross-correlation as one matrix product per group of kernel rows.

    For a kernel as wide as a good part of the input, gathering windows
    copies the input ``k_h * k_w`` times and leaves a matrix-vector product
    that waits on memory. Instead, kernel row ``a`` becomes a banded
    ``(w, o_w)`` matrix ``T_a`` with ``T_a[j + d_w b, j] = K[a, b]``, and
    ``Y += X[a d_h : a d_h + o_h, :] @ T_a``: a real matrix product, with at
    most ``w / k_w`` times the multiplications of the window route.
    """
    c_o, c_i, kh, kw = K.shape
    d_h, d_w = dilation
    _, h, w = X.shape
    oh, ow = h - d_h * (kh - 1), w - d_w * (kw - 1)
    # idx[m, j]: which kernel column meets input column m at output column
    # j, or kw (a zero appended to each kernel row) where none does.
    offset = np.arange(w)[:, None] - np.arange(ow)[None, :]
    band = (offset >= 0) & (offset % d_w == 0) & (offset // d_w < kw)
    idx = nd.array(np.where(band, offset // d_w, kw), ctx=X.context, dtype="int32")
    # A group of kernel rows makes about five buffers of this size (copies,
    # stacks and transposes), so each is held to a quarter of a block.
    per_row = c_i * w * max(oh, c_o * ow)
    group = max(1, min(kh, _BLOCK_ELEMENTS // (4 * per_row)))
    Y = None
    for a0 in range(0, kh, group):
        term = _rows_term(X, K, idx, a0, min(kh, a0 + group), (oh, ow), d_h)
        Y = term if Y is None else Y + term
        if group < kh:
            _finish_block(Y)
    return Y.reshape((oh, c_o, ow)).transpose((1, 0, 2))


def _rows_term(X, K, idx, a0: int, a1: int, out: Tuple[int, int], d_h: int):
    """Kernel rows ``a0:a1``'s share of the output, as (o_h, c_o * o_w).

    A function of its own so that its buffers are freed when it returns.
    """
    c_o, c_i, _, _ = K.shape
    w = X.shape[2]
    (oh, ow), g = out, a1 - a0
    rows = [
        nd.slice_axis(X, axis=1, begin=a * d_h, end=a * d_h + oh) for a in range(a0, a1)
    ]
    # (g, c_i, oh, w) -> (oh, g * c_i * w): one row per output row.
    left = nd.stack(*rows).transpose((2, 0, 1, 3)).reshape((oh, g * c_i * w))
    K_rows = nd.slice_axis(K, axis=2, begin=a0, end=a1)
    zero = nd.zeros((c_o, c_i, g, 1), ctx=X.context, dtype=K.dtype)
    banded = nd.take(nd.concat(K_rows, zero, dim=3), idx, axis=3)
    # (c_o, c_i, g, w, ow) -> (g * c_i * w, c_o * ow), matching `left`.
    right = banded.transpose((2, 1, 3, 0, 4)).reshape((g * c_i * w, c_o * ow))
    return nd.dot(left, right)


def _correlate_windows(X: nd.NDArray, K: nd.NDArray, dilation: Tuple[int, int]):
    """Cross-correlation by gathering windows (im2col), in bounded blocks."""
    c_o, c_i, kh, kw = K.shape
    d_h, d_w = dilation
    oh, ow = X.shape[1] - d_h * (kh - 1), X.shape[2] - d_w * (kw - 1)
    output_rows, kernel_rows = _blocks(oh, kh, c_i * kw * ow)
    X4 = X.expand_dims(0)
    blocked = (output_rows, kernel_rows) != (oh, kh)
    pieces = []
    for r0 in range(0, oh, output_rows):
        r1 = min(oh, r0 + output_rows)
        Y = None
        for a0 in range(0, kh, kernel_rows):
            a1 = min(kh, a0 + kernel_rows)
            term = _windows_term(X4, K, (r0, r1), (a0, a1), ow, dilation)
            Y = term if Y is None else Y + term
            if blocked:
                _finish_block(Y)
        pieces.append(Y.reshape((c_o, r1 - r0, ow)))
    return pieces[0] if len(pieces) == 1 else nd.concat(*pieces, dim=1)


def _windows_term(X4, K, out_rows, kernel_rows, ow: int, dilation):
    """Kernel rows ``a0:a1``'s share of output rows ``r0:r1``, (c_o, rows * o_w).

    A function of its own so that its window matrix is freed when it returns.
    """
    (r0, r1), (a0, a1), (d_h, d_w) = out_rows, kernel_rows, dilation
    c_o, c_i, kh, kw = K.shape
    # Input rows that kernel rows a0:a1 see for output rows r0:r1.
    top, bottom = r0 + a0 * d_h, r1 + (a1 - 1) * d_h
    part = X4
    if (top, bottom) != (0, X4.shape[2]):
        part = nd.slice_axis(X4, axis=2, begin=top, end=bottom)
    columns = nd.im2col(part, kernel=(a1 - a0, kw), dilate=(d_h, d_w))[0]
    W = K if a1 - a0 == kh else nd.slice_axis(K, axis=2, begin=a0, end=a1)
    return nd.dot(W.reshape((c_o, c_i * (a1 - a0) * kw)), columns)


def _check_pair(
    X: nd.NDArray, K: nd.NDArray, X_ndim: int, K_ndim: int, dilation: IntOrPair
) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """Check ``X``, ``K`` and ``dilation``; return ``(oh, ow)`` and the dilation."""
    _checks.input_and_kernel(X, K, X_ndim, K_ndim)
    _checks.floating("X", X)  # the package computes in floating point only
    d_h, d_w = _checks.pair("dilation", dilation)
    (n_h, n_w), (k_h, k_w) = X.shape[-2:], K.shape[-2:]
    span = (d_h * (k_h - 1) + 1, d_w * (k_w - 1) + 1)
    _checks.require(
        span[0] <= n_h and span[1] <= n_w,
        "dilation",
        f"small enough that the dilated kernel {span} fits in `X`'s height "
        f"and width {(n_h, n_w)}",
        repr(dilation),
    )
    return (n_h - span[0] + 1, n_w - span[1] + 1), (d_h, d_w)


@accepts_both
def corr2d(X: nd.NDArray, K: nd.NDArray, dilation: IntOrPair = 1) -> nd.NDArray:
    """Cross-correlate a 2-D input ``X`` with a 2-D kernel ``K``.

    Vectorized over output positions: every window of ``X`` becomes a
    column of a matrix and one matrix product with the flattened kernel
    gives every output value (in blocks of output rows for large inputs, to
    bound the memory). No in-place writes, so ``autograd`` can
    differentiate the result with respect to both ``X`` and ``K``.

    Parameters
    ----------
    X : NDArray, shape (h, w)
        Input of a floating-point dtype (float16 is computed in float32).
    K : NDArray, shape (k_h, k_w)
        Kernel, on ``X``'s context, of its dtype and no larger than ``X``.
    dilation : int or (int, int), default 1
        Spacing between the input cells a kernel row (column) meets, as
        ``nd.Convolution``'s ``dilate``; the dilated kernel spans
        ``dilation * (k - 1) + 1`` cells and must fit in ``X``.

    Returns
    -------
    NDArray, shape (h - d_h (k_h - 1), w - d_w (k_w - 1)), on ``X``'s
    context and of its dtype.

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> K = nd.array([[0, 1], [2, 3]])
    >>> corr2d(X, K).asnumpy().tolist()
    [[19.0, 25.0], [37.0, 43.0]]
    >>> corr2d(X, K, dilation=2).asnumpy().tolist()
    [[38.0]]
    """
    (oh, ow), dilation = _check_pair(X, K, 2, 2, dilation)
    # One input channel and one output channel of the general case.
    Y = _correlate(X.expand_dims(0), K.reshape((1, 1) + K.shape), dilation)
    return Y.reshape((oh, ow))


@accepts_both
def corr2d_loop(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Cross-correlate ``X`` with ``K`` one output element at a time.

    The teaching version: it fills ``Y[i, j]`` in place, which is easy to
    read but slow, and which ``autograd.record`` refuses (MXNet raises an
    ``MXNetError`` about in-place operations). Use ``corr2d`` to train.
    It takes one Python step per output element, so it refuses outputs of
    more than ``LOOP_MAX_OUTPUTS`` elements.

    Parameters
    ----------
    X : NDArray, shape (h, w), floating point (float16 is summed in float32)
    K : NDArray, shape (k_h, k_w)

    Returns
    -------
    NDArray, shape (h - k_h + 1, w - k_w + 1), on ``X``'s context and of its
    dtype.

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> K = nd.array([[0, 1], [2, 3]])
    >>> corr2d_loop(X, K).asnumpy().tolist()
    [[19.0, 25.0], [37.0, 43.0]]
    """
    (oh, ow), _ = _check_pair(X, K, 2, 2, 1)
    _checks.require(
        oh * ow <= LOOP_MAX_OUTPUTS,
        "X",
        f"small enough for the teaching loop (at most {LOOP_MAX_OUTPUTS} "
        "output elements; d2l.corr2d has no such limit)",
        f"an output of shape {(oh, ow)}",
    )
    dtype, work = X.dtype, _checks.compute_dtype(X.dtype)
    Xw, Kw = X.astype(work, copy=False), K.astype(work, copy=False)
    h, w = K.shape
    Y = nd.zeros((oh, ow), ctx=X.context, dtype=work)
    for i in range(oh):
        for j in range(ow):
            Y[i, j] = (Xw[i : i + h, j : j + w] * Kw).sum()
    return Y.astype(dtype, copy=False)


class Conv2D(nn.Block):
    """A 2-D convolutional layer built on ``corr2d``: one kernel and a bias.

    Called on an input on another context than its parameters, the layer
    moves its parameters there (as ``comp_conv2d`` does), so a layer
    initialized on one device works on the reader's data wherever it lives.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Shape of the ``weight`` parameter (random-uniform initialization);
        ``bias`` has shape (1,) and starts at zero.

    Examples
    --------
    >>> layer = Conv2D(kernel_size=(1, 2))
    >>> layer.initialize()
    >>> layer(nd.ones((3, 4))).shape
    (3, 3)
    """

    def __init__(self, kernel_size: IntOrPair, **kwargs) -> None:
        super().__init__(**kwargs)
        shape = _checks.pair("kernel_size", kernel_size)
        _checks.element_limit("kernel_size", shape, "the weight")
        self.weight = self.params.get("weight", shape=shape, init=mx.init.Uniform())
        self.bias = self.params.get("bias", shape=(1,), init=mx.init.Zero())

    def forward(self, x: nd.NDArray) -> nd.NDArray:
        """Return ``corr2d(x, weight) + bias`` on ``x``'s context.

        The result is an ``mx.np`` array when ``x`` is one, and always after
        ``npx.set_np()`` (Gluon then accepts no other kind from a block).
        """
        Y = self._correlate(to_nd(x))
        return to_np(Y) if is_np(x) or np_mode() else Y

    def _correlate(self, x: nd.NDArray) -> nd.NDArray:
        _checks.ndim("x", x, 2)
        _checks.floating("x", x)
        ctx = x.context
        _params_on(self, ctx)
        weight = to_nd(self.weight.data(ctx))  # an mx.np array after npx.set_np()
        _checks.require(
            weight.dtype == x.dtype,
            "x",
            f"of the layer's dtype {np.dtype(weight.dtype).name}",
            f"dtype {np.dtype(x.dtype).name}",
        )
        _checks.require(
            x.shape[0] >= weight.shape[0] and x.shape[1] >= weight.shape[1],
            "x",
            f"at least the kernel size {tuple(weight.shape)} on each axis",
            f"shape {tuple(x.shape)}",
        )
        return corr2d(x, weight) + to_nd(self.bias.data(ctx))


def _params_on(block: nn.Block, ctx: mx.Context) -> None:
    """Initialize ``block``'s parameters on ``ctx`` or move them there.

    Already-initialized parameters keep their values (no re-initialization
    and no "already initialized" warning).
    """
    for param in block.collect_params().values():
        try:
            contexts = param.list_ctx()
        except RuntimeError:  # not initialized yet
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                param.initialize(ctx=ctx)
            continue
        if ctx not in contexts:
            param.reset_ctx(ctx)


def _check_layer(block: nn.Block, X: nd.NDArray) -> None:
    """Check what MXNet would only report deep inside (or after the call).

    Gluon layers need input of their parameters' dtype, MXNet's CPU
    operators have no float16 convolution, and a zero stride, kernel or
    dilation is refused by the operator only when it runs.
    """
    for param in block.collect_params().values():
        layer_dtype, x_dtype = np.dtype(param.dtype).name, np.dtype(X.dtype).name
        _checks.require(
            layer_dtype == x_dtype,
            "X",
            f"of `conv2d`'s dtype {layer_dtype}",
            f"dtype {x_dtype}",
        )
    kwargs = getattr(block, "_kwargs", {}) or {}
    for key in ("stride", "kernel", "dilate"):
        value = kwargs.get(key)
        if isinstance(value, (tuple, list)) and any(
            _checks.is_int(v) and v < 1 for v in value
        ):
            raise ValueError(
                f"`conv2d` must have a positive {key} on each axis, got {tuple(value)}"
            )


@accepts_both
def comp_conv2d(conv2d: nn.Block, X: nd.NDArray) -> nd.NDArray:
    """Apply a Gluon convolution layer to a 2-D input and return a 2-D output.

    Initializes the layer on ``X``'s context (an initialized layer keeps its
    parameters), adds the batch and channel axes that Gluon expects, and
    removes them from the result. The axes are added with ``expand_dims``:
    MXNet 1.9.1's max pooling computes wrong input gradients when they are
    added with ``reshape``.

    Parameters
    ----------
    conv2d : gluon Block
        A layer taking (batch, channel, h, w) input with one output channel,
        e.g. ``nn.Conv2D(1, kernel_size=3, padding=1)``.
    X : NDArray, shape (h, w), floating point

    Returns
    -------
    NDArray, 2-D, on ``X``'s context.

    Examples
    --------
    >>> conv2d = nn.Conv2D(1, kernel_size=3, padding=1)
    >>> comp_conv2d(conv2d, nd.ones((8, 8))).shape
    (8, 8)
    """
    _checks.instance("conv2d", conv2d, nn.Block, "a gluon Block")
    _checks.ndim("X", X, 2)
    _checks.nonempty("X", X)
    _checks.floating("X", X)  # MXNet's pooling and convolution refuse integers
    _check_layer(conv2d, X)
    _params_on(conv2d, X.context)
    batch = X.expand_dims(0).expand_dims(0)
    try:
        Y = to_nd(conv2d(for_gluon(batch)))
        # MXNet runs operators asynchronously: wait, so that an error the
        # operator raises when it runs is caught here, not at the next print.
        Y.wait_to_read()
    except (mx.base.MXNetError, ValueError) as error:
        # Gluon's shape check fails deep inside MXNet; its last line ends
        # with the reason in words, e.g. "kernel size exceed input".
        reason = str(error).strip().splitlines()[-1].split(": ")[-1]
        raise ValueError(
            f"`conv2d` must accept `X` as a batch of shape {tuple(batch.shape)}, "
            f"got {reason}"
        ) from None
    _checks.require(
        isinstance(Y, nd.NDArray) and Y.ndim == 4 and Y.shape[:2] == (1, 1),
        "conv2d",
        "a layer with one output channel",
        f"output shape {tuple(getattr(Y, 'shape', ()))}",
    )
    return Y[0, 0]


def _check_multi(
    X: nd.NDArray, K: nd.NDArray, K_ndim: int, dilation: IntOrPair = 1
) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """Shared checks of the multi-channel helpers; return ``(oh, ow)``, dilation."""
    _checks.ndim("X", X, 3)
    _checks.ndim("K", K, K_ndim)
    c_axis = K_ndim - 3
    _checks.channels("K", K.shape[c_axis], c_axis, "X", X.shape[0])
    shape, dilation = _check_pair(X, K, 3, K_ndim, dilation)
    c_o = K.shape[0] if K_ndim == 4 else 1
    _checks.element_limit("K", (c_o,) + shape, "the output")
    return shape, dilation


@accepts_both
def corr2d_multi_in(
    X: nd.NDArray, K: nd.NDArray, dilation: IntOrPair = 1
) -> nd.NDArray:
    """Cross-correlate a multi-channel input and sum over the channels.

    Parameters
    ----------
    X : NDArray, shape (c_i, h, w)
    K : NDArray, shape (c_i, k_h, k_w)
    dilation : int or (int, int), default 1
        As in :func:`corr2d`.

    Returns
    -------
    NDArray, shape (h - d_h (k_h - 1), w - d_w (k_w - 1)), on ``X``'s
    context.

    Examples
    --------
    >>> X = nd.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
    ...               [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    >>> K = nd.array([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
    >>> corr2d_multi_in(X, K).asnumpy().tolist()
    [[56.0, 72.0], [104.0, 120.0]]
    """
    (oh, ow), dilation = _check_multi(X, K, 3, dilation)
    return _correlate(X, K.expand_dims(0), dilation).reshape((oh, ow))


@accepts_both
def corr2d_multi_in_out(
    X: nd.NDArray, K: nd.NDArray, dilation: IntOrPair = 1
) -> nd.NDArray:
    """Cross-correlate a multi-channel input with one kernel per output channel.

    The windows of all channels are gathered (im2col) and multiplied by the
    flattened kernels in one matrix product per block of output rows.

    Parameters
    ----------
    X : NDArray, shape (c_i, h, w)
    K : NDArray, shape (c_o, c_i, k_h, k_w)
    dilation : int or (int, int), default 1
        As in :func:`corr2d`.

    Returns
    -------
    NDArray, shape (c_o, h - d_h (k_h - 1), w - d_w (k_w - 1)), on ``X``'s
    context.

    Examples
    --------
    >>> X = nd.arange(18).reshape((2, 3, 3))
    >>> K = nd.ones((3, 2, 2, 2))
    >>> corr2d_multi_in_out(X, K).shape
    (3, 2, 2)
    """
    _, dilation = _check_multi(X, K, 4, dilation)
    return _correlate(X, K, dilation)


@accepts_both
def corr2d_multi_in_out_1x1(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """A 1x1 convolution as one matrix product over the channel axis.

    Parameters
    ----------
    X : NDArray, shape (c_i, h, w)
    K : NDArray, shape (c_o, c_i, 1, 1)

    Returns
    -------
    NDArray, shape (c_o, h, w), on ``X``'s context.

    Examples
    --------
    >>> X = nd.ones((3, 2, 2))
    >>> K = nd.arange(6).reshape((2, 3, 1, 1))
    >>> corr2d_multi_in_out_1x1(X, K)[:, 0, 0].asnumpy().tolist()
    [3.0, 12.0]
    """
    _checks.ndim("K", K, 4)
    _checks.kernel_tail("K", K, (1, 1))
    _check_multi(X, K, 4)
    c_i, h, w = X.shape
    c_o = K.shape[0]
    Y = _dot(K.reshape((c_o, c_i)), X.reshape((c_i, h * w)))
    return Y.reshape((c_o, h, w))
