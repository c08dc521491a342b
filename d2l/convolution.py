"""Two-dimensional cross-correlation, from the teaching loop to channels.

The fast helpers loop over kernel offsets ``(a, b)``, never over output
positions: output ``Y`` is the sum over ``(a, b)`` of ``K[a, b]`` times the
input shifted by ``(a, b)``. They stack the ``k_h * k_w`` shifted copies
(the "im2col" layout) and let one matrix product form that weighted sum,
which MXNet runs faster than ``k_h * k_w`` separate multiply-and-adds. Nothing is
written in place, so ``autograd`` can differentiate every helper here
except ``corr2d_loop``.
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

__all__ = [
    "corr2d",
    "corr2d_loop",
    "Conv2D",
    "comp_conv2d",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
]


def _im2col(X: nd.NDArray, kh: int, kw: int) -> nd.NDArray:
    """Stack the ``kh * kw`` shifted windows of a (c, h, w) input.

    Returns shape (c * kh * kw, oh * ow), rows ordered like a (c, kh, kw)
    kernel flattened, so one matrix product does the whole correlation.
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


def _correlate(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """(c_i, h, w) input and (c_o, c_i, k_h, k_w) kernels -> (c_o, oh, ow)."""
    c_o, c_i, kh, kw = K.shape
    oh, ow = X.shape[1] - kh + 1, X.shape[2] - kw + 1
    Y = _dot(K.reshape((c_o, c_i * kh * kw)), _im2col(X, kh, kw))
    return Y.reshape((c_o, oh, ow))


def corr2d(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Cross-correlate a 2-D input ``X`` with a 2-D kernel ``K``.

    Vectorized over output positions: the ``k_h * k_w`` shifted copies of
    ``X`` are stacked and weighted by the kernel entries in one matrix
    product. No in-place writes, so ``autograd`` can differentiate the
    result with respect to both ``X`` and ``K``.

    Parameters
    ----------
    X : NDArray, shape (h, w)
        Input of a floating-point dtype (float16 is summed in float32).
    K : NDArray, shape (k_h, k_w)
        Kernel, on ``X``'s context, of its dtype and no larger than ``X``.

    Returns
    -------
    NDArray, shape (h - k_h + 1, w - k_w + 1), on ``X``'s context.

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> K = nd.array([[0, 1], [2, 3]])
    >>> corr2d(X, K).asnumpy().tolist()
    [[19.0, 25.0], [37.0, 43.0]]
    """
    oh, ow = _checks.input_and_kernel(X, K, 2, 2)
    _checks.floating("X", X)  # nd.dot has no integer version
    # One input channel and one output channel of the general case.
    Y = _correlate(X.reshape((1,) + X.shape), K.reshape((1, 1) + K.shape))
    return Y.reshape((oh, ow))


def corr2d_loop(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Cross-correlate ``X`` with ``K`` one output element at a time.

    The teaching version: it fills ``Y[i, j]`` in place, which is easy to
    read but slow, and which ``autograd.record`` refuses (MXNet raises an
    ``MXNetError`` about in-place operations). Use ``corr2d`` to train.

    Parameters
    ----------
    X : NDArray, shape (h, w)
    K : NDArray, shape (k_h, k_w)

    Returns
    -------
    NDArray, shape (h - k_h + 1, w - k_w + 1), on ``X``'s context.

    Examples
    --------
    >>> X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    >>> K = nd.array([[0, 1], [2, 3]])
    >>> corr2d_loop(X, K).asnumpy().tolist()
    [[19.0, 25.0], [37.0, 43.0]]
    """
    oh, ow = _checks.input_and_kernel(X, K, 2, 2)
    h, w = K.shape
    Y = nd.zeros((oh, ow), ctx=X.context, dtype=X.dtype)
    for i in range(oh):
        for j in range(ow):
            Y[i, j] = (X[i : i + h, j : j + w] * K).sum()
    return Y


class Conv2D(nn.Block):
    """A 2-D convolutional layer built on ``corr2d``: one kernel and a bias.

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
        self.weight = self.params.get("weight", shape=shape, init=mx.init.Uniform())
        self.bias = self.params.get("bias", shape=(1,), init=mx.init.Zero())

    def forward(self, x: nd.NDArray) -> nd.NDArray:
        """Return ``corr2d(x, weight) + bias`` on ``x``'s context."""
        _checks.ndim("x", x, 2)
        ctx = x.context
        weight = self.weight.data(ctx)
        _checks.require(
            weight.dtype == x.dtype,
            "x",
            f"of the layer's dtype {np.dtype(weight.dtype).name}",
            f"dtype {np.dtype(x.dtype).name}",
        )
        return corr2d(x, weight) + self.bias.data(ctx)


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


def _check_layer_dtype(block: nn.Block, X: nd.NDArray) -> None:
    """Gluon layers need input of their parameters' dtype (``block.cast``)."""
    for param in block.collect_params().values():
        layer_dtype, x_dtype = np.dtype(param.dtype).name, np.dtype(X.dtype).name
        _checks.require(
            layer_dtype == x_dtype,
            "X",
            f"of `conv2d`'s dtype {layer_dtype}",
            f"dtype {x_dtype}",
        )


def comp_conv2d(conv2d: nn.Block, X: nd.NDArray) -> nd.NDArray:
    """Apply a Gluon convolution layer to a 2-D input and return a 2-D output.

    Initializes the layer on ``X``'s context (an initialized layer keeps its
    parameters), adds the batch and channel axes that Gluon expects, and
    removes them from the result.

    Parameters
    ----------
    conv2d : gluon Block
        A layer taking (batch, channel, h, w) input with one output channel,
        e.g. ``nn.Conv2D(1, kernel_size=3, padding=1)``.
    X : NDArray, shape (h, w)

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
    _check_layer_dtype(conv2d, X)
    _params_on(conv2d, X.context)
    batch = X.reshape((1, 1) + X.shape)
    try:
        Y = conv2d(batch)
    except (mx.base.MXNetError, ValueError) as error:
        # Gluon's shape check fails deep inside MXNet; its last line ends
        # with the reason in words, e.g. "kernel size exceed input".
        reason = str(error).strip().splitlines()[-1].split(": ")[-1]
        raise ValueError(
            f"`conv2d` must accept `X` as a batch of shape {tuple(batch.shape)}, "
            f"got {reason}"
        ) from None
    _checks.require(
        Y.ndim == 4 and Y.shape[1] == 1,
        "conv2d",
        "a layer with one output channel",
        f"output shape {tuple(Y.shape)}",
    )
    return Y.reshape(Y.shape[2:])


def _check_multi(X: nd.NDArray, K: nd.NDArray, K_ndim: int) -> Tuple[int, int]:
    """Shared checks of the multi-channel helpers; return ``(oh, ow)``."""
    _checks.ndim("X", X, 3)
    _checks.ndim("K", K, K_ndim)
    c_axis = K_ndim - 3
    _checks.channels("K", K.shape[c_axis], c_axis, "X", X.shape[0])
    shape = _checks.input_and_kernel(X, K, 3, K_ndim)
    _checks.floating("X", X)  # nd.dot has no integer version
    return shape


def corr2d_multi_in(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Cross-correlate a multi-channel input and sum over the channels.

    Parameters
    ----------
    X : NDArray, shape (c_i, h, w)
    K : NDArray, shape (c_i, k_h, k_w)

    Returns
    -------
    NDArray, shape (h - k_h + 1, w - k_w + 1), on ``X``'s context.

    Examples
    --------
    >>> X = nd.array([[[0, 1, 2], [3, 4, 5], [6, 7, 8]],
    ...               [[1, 2, 3], [4, 5, 6], [7, 8, 9]]])
    >>> K = nd.array([[[0, 1], [2, 3]], [[1, 2], [3, 4]]])
    >>> corr2d_multi_in(X, K).asnumpy().tolist()
    [[56.0, 72.0], [104.0, 120.0]]
    """
    oh, ow = _check_multi(X, K, 3)
    return _correlate(X, K.expand_dims(0)).reshape((oh, ow))


def corr2d_multi_in_out(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """Cross-correlate a multi-channel input with one kernel per output channel.

    The shifted windows of all channels are stacked (im2col) and multiplied
    by the flattened kernels in a single matrix product.

    Parameters
    ----------
    X : NDArray, shape (c_i, h, w)
    K : NDArray, shape (c_o, c_i, k_h, k_w)

    Returns
    -------
    NDArray, shape (c_o, h - k_h + 1, w - k_w + 1), on ``X``'s context.

    Examples
    --------
    >>> X = nd.arange(18).reshape((2, 3, 3))
    >>> K = nd.ones((3, 2, 2, 2))
    >>> corr2d_multi_in_out(X, K).shape
    (3, 2, 2)
    """
    _check_multi(X, K, 4)
    return _correlate(X, K)


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
