"""What a sliding-window diagram shows, computed with the book's own helpers.

Each ``describe_*`` function runs the real computation (``corr2d``,
``pool2d``, ``corr2d_multi_in``, ``corr2d_multi_in_out_1x1``) and returns a
small frozen description: the padded input, where the window is, the text of
every cell, the arithmetic written out and the output value. Drawing lives in
:mod:`d2l.figures`, which computes nothing; tests check a description against
an independent computation and a drawing against its description.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Tuple

import numpy as np
from mxnet import nd

from . import _checks
from ._checks import IntOrPair
from ._kinds import accepts_both
from .convolution import corr2d, corr2d_multi_in, corr2d_multi_in_out_1x1
from .plotting import format_value
from .pooling import _pad, pool2d
from .shapes import conv_output_shape

__all__ = [
    "WindowStep",
    "MultiInStep",
    "Conv1x1Step",
    "format_value",
    "cell_texts",
    "describe_corr2d",
    "describe_pool",
    "describe_window_positions",
    "describe_multi_in",
    "describe_conv1x1",
]


def _factor(v: float) -> str:
    """A value as a factor of a product: negatives in parentheses, ``1×(-1)``."""
    text = format_value(v)
    return f"({text})" if text.startswith("-") else text


def cell_texts(values: np.ndarray) -> List[List[str]]:
    """The text written in each cell of a 2-D array, row by row.

    Examples
    --------
    >>> cell_texts(np.array([[1.0, -0.25], [np.inf, 2 / 3]]))
    [['1', '-0.25'], ['∞', '0.67']]
    """
    values = _numbers("values", values, 2, floating=False, nonempty=False)
    return [[format_value(v) for v in row] for row in values]


def _numbers(
    name: str,
    value: np.ndarray,
    ndim: int,
    floating: bool = True,
    nonempty: bool = True,
) -> np.ndarray:
    """Check a NumPy array with ``ndim`` axes: a step's data (floating-point,
    as the computations give them, so that max pooling pads with -inf) or
    any real numbers to write in cells (``floating=False``)."""
    _checks.instance(name, value, np.ndarray, "a NumPy array")
    if floating:
        kind, ok = "floating-point numbers", np.issubdtype(value.dtype, np.floating)
    else:
        kind = "real numbers"
        ok = np.issubdtype(value.dtype, np.integer) or np.issubdtype(
            value.dtype, np.floating
        )
    _checks.require(ok, name, f"an array of {kind}", f"dtype {value.dtype}")
    _checks.require(value.ndim == ndim, name, f"{ndim}-D", f"shape {value.shape}")
    if nonempty:
        _checks.require(value.size > 0, name, "non-empty", f"shape {value.shape}")
    return value


def _output_shape(name: str, Y: np.ndarray, expected: Tuple[int, ...]) -> None:
    _checks.require(
        tuple(Y.shape) == tuple(expected),
        name,
        f"of shape {tuple(expected)}",
        f"shape {tuple(Y.shape)}",
    )


@dataclass(frozen=True)
class WindowStep:
    """One position of a sliding window and what it computes.

    ``operation`` is ``"corr2d"``, ``"max"`` or ``"avg"``; ``padding`` counts
    the rows and columns of zeros added on *each* side (as Gluon does);
    ``index`` is the output cell ``(i, j)`` the window produces. The fields
    are checked against each other when a step is made: a kernel of
    ``window_shape`` for ``"corr2d"`` (none for pooling), an output ``Y`` of
    the shape the window's positions give, an ``index`` inside it.
    """

    operation: str
    X: np.ndarray
    K: np.ndarray | None
    window_shape: Tuple[int, int]
    padding: Tuple[int, int]
    stride: Tuple[int, int]
    Y: np.ndarray
    index: Tuple[int, int]

    def __post_init__(self) -> None:
        _checks.one_of("operation", self.operation, ("corr2d", "max", "avg"))
        X = _numbers("X", self.X, 2)
        window = _checks.pair("window_shape", self.window_shape)
        padding = _checks.pair("padding", self.padding, minimum=0)
        stride = _checks.pair("stride", self.stride)
        if self.operation == "corr2d":
            K = _numbers("K", self.K, 2)
            _checks.require(
                K.shape == window,
                "K",
                f"of shape `window_shape` {window}",
                f"shape {K.shape}",
            )
        else:
            _checks.require(
                self.K is None,
                "K",
                "None for pooling (a pooling window has no weights)",
                _checks.describe(self.K),
            )
            # MXNet's rule: a window of padding alone would have no maximum.
            _checks.smaller("padding", padding, "window_shape", window)
        padded = (X.shape[0] + 2 * padding[0], X.shape[1] + 2 * padding[1])
        _checks.element_limit("padding", padded, "the padded input")
        _checks.fits("window_shape", window, "the padded input", padded)
        Y = _numbers("Y", self.Y, 2)
        _output_shape("Y", Y, conv_output_shape(X.shape, window, padding, stride))
        index = _check_index(self.index, Y.shape)
        for name, value in zip(
            ("window_shape", "padding", "stride", "index"),
            (window, padding, stride, index),
        ):
            object.__setattr__(self, name, value)

    @property
    def padded(self) -> np.ndarray:
        """The input with its border: zeros, or -inf for max pooling.

        MXNet's max pooling never picks a padded cell (its padding acts as
        -inf), while cross-correlation and average pooling add zeros.
        """
        per_side_h, per_side_w = self.padding
        fill = -np.inf if self.operation == "max" else 0
        widths = ((per_side_h, per_side_h), (per_side_w, per_side_w))
        return np.pad(self.X, widths, constant_values=fill)

    @property
    def window(self) -> Tuple[int, int, int, int]:
        """``(top, left, height, width)`` of the window in padded coordinates."""
        i, j = self.index
        return (i * self.stride[0], j * self.stride[1], *self.window_shape)

    @property
    def window_values(self) -> np.ndarray:
        top, left, h, w = self.window
        return self.padded[top : top + h, left : left + w]

    @property
    def window_is_input(self) -> np.ndarray:
        """True where the window covers a cell of ``X``, False on padding."""
        per_side_h, per_side_w = self.padding
        top, left, h, w = self.window
        rows = np.arange(top, top + h) - per_side_h
        cols = np.arange(left, left + w) - per_side_w
        inside_rows = (rows >= 0) & (rows < self.X.shape[0])
        inside_cols = (cols >= 0) & (cols < self.X.shape[1])
        return inside_rows[:, None] & inside_cols[None, :]

    @property
    def value(self) -> float:
        return float(self.Y[self.index])

    @property
    def order(self) -> int:
        """Position of this step when the window moves row by row."""
        return self.index[0] * self.Y.shape[1] + self.index[1]

    @property
    def input_texts(self) -> List[List[str]]:
        return cell_texts(self.padded)

    @property
    def output_texts(self) -> List[List[str]]:
        return cell_texts(self.Y)

    @property
    def expression(self) -> str:
        """The window's arithmetic written out, ending in the output value."""
        values = self.window_values.ravel()
        result = format_value(self.value)
        if self.operation == "corr2d":
            pairs = zip(values, self.K.ravel())
            terms = " + ".join(f"{_factor(x)}×{_factor(k)}" for x, k in pairs)
            return f"{terms} = {result}"
        if self.operation == "max":  # padded cells cannot win: list real entries
            # Chosen by position, not value: an input cell may itself be -inf.
            real = values[self.window_is_input.ravel()]
            return f"max({', '.join(format_value(v) for v in real)}) = {result}"
        xs = [format_value(v) for v in values]
        return f"({' + '.join(xs)}) / {len(xs)} = {result}"


def _check_index(index: Tuple[int, int], shape: Tuple[int, ...]) -> Tuple[int, int]:
    i, j = _checks.pair("index", index, minimum=0)
    _checks.require(
        i < shape[-2] and j < shape[-1],
        "index",
        f"inside the output of shape {tuple(shape)}",
        str((i, j)),
        verb="lie",
    )
    return i, j


@accepts_both
def describe_corr2d(
    X: nd.NDArray,
    K: nd.NDArray,
    index: Tuple[int, int] = (0, 0),
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> WindowStep:
    """Describe the window of ``K`` over ``X`` that produces output ``index``.

    The output is computed with :func:`d2l.corr2d` on the zero-padded input,
    keeping every ``stride``-th window.

    Examples
    --------
    >>> X = nd.arange(9).reshape((3, 3))
    >>> step = describe_corr2d(X, nd.array([[0, 1], [2, 3]]), index=(0, 1))
    >>> step.window, step.expression
    ((0, 1, 2, 2), '1×0 + 2×1 + 4×2 + 5×3 = 25')
    """
    _checks.ndim("X", X, 2)
    _checks.ndim("K", K, 2)
    _checks.nonempty("X", X)
    _checks.nonempty("K", K)
    _checks.floating("X", X)  # nd.pad and d2l.corr2d take no integers
    per_side_h, per_side_w = _checks.pair("padding", padding, minimum=0)
    s_h, s_w = _checks.pair("stride", stride)
    padded = (X.shape[0] + 2 * per_side_h, X.shape[1] + 2 * per_side_w)
    _checks.fits("K", K.shape, "the padded input", padded)
    _checks.element_limit("padding", padded, "the padded input")
    X_pad = _pad(X, per_side_h, per_side_w, 0.0)
    Y = corr2d(X_pad, K)[::s_h, ::s_w].asnumpy()
    return WindowStep(
        operation="corr2d",
        X=X.asnumpy(),
        K=K.asnumpy(),
        window_shape=tuple(K.shape),
        padding=(per_side_h, per_side_w),
        stride=(s_h, s_w),
        Y=Y,
        index=_check_index(index, Y.shape),
    )


@accepts_both
def describe_pool(
    X: nd.NDArray,
    pool_size: IntOrPair,
    mode: str = "max",
    index: Tuple[int, int] = (0, 0),
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
) -> WindowStep:
    """Describe the pooling window that produces output ``index``.

    ``stride`` defaults to the window size, as in Gluon. The output is computed
    with :func:`d2l.pool2d`.

    Examples
    --------
    >>> X = nd.arange(9).reshape((3, 3))
    >>> describe_pool(X, 2, "avg", stride=1).expression
    '(0 + 1 + 3 + 4) / 4 = 2'
    """
    _checks.ndim("X", X, 2)
    window_shape = _checks.pair("pool_size", pool_size)
    padding = _checks.pair("padding", padding, minimum=0)
    stride = window_shape if stride is None else _checks.pair("stride", stride)
    _checks.one_of("mode", mode, ("max", "avg"))
    Y = pool2d(X, window_shape, mode=mode, padding=padding, stride=stride)
    Y = Y.asnumpy()
    return WindowStep(
        operation=mode,
        X=X.asnumpy(),
        K=None,
        window_shape=window_shape,
        padding=padding,
        stride=stride,
        Y=Y,
        index=_check_index(index, Y.shape),
    )


def describe_window_positions(step: WindowStep) -> List[WindowStep]:
    """Every step of the same computation, in the order the window moves.

    Examples
    --------
    >>> X = nd.arange(16).reshape((4, 4))
    >>> steps = describe_window_positions(describe_pool(X, 3, padding=1, stride=2))
    >>> [s.window[:2] for s in steps]
    [(0, 0), (0, 2), (2, 0), (2, 2)]
    """
    _checks.instance("step", step, WindowStep, "a WindowStep")
    n_h, n_w = step.Y.shape
    return [
        WindowStep(**{**step.__dict__, "index": (i, j)})
        for i in range(n_h)
        for j in range(n_w)
    ]


@dataclass(frozen=True)
class MultiInStep:
    """A multi-channel cross-correlation: one step per channel, summed."""

    channels: List[WindowStep]
    Y: np.ndarray
    index: Tuple[int, int]

    def __post_init__(self) -> None:
        channels = _checks.sequence_of(
            "channels", self.channels, WindowStep, "WindowStep"
        )
        first = channels[0]
        for c, step in enumerate(channels):
            _checks.require(
                step.operation == "corr2d"
                and step.Y.shape == first.Y.shape
                and step.index == first.index,
                f"channels[{c}]",
                f"a corr2d step at {first.index} of an output of shape {first.Y.shape}",
                f"a {step.operation} step at {step.index} of shape {step.Y.shape}",
            )
        Y = _numbers("Y", self.Y, 2)
        _output_shape("Y", Y, first.Y.shape)
        index = _check_index(self.index, Y.shape)
        _checks.require(
            index == first.index, "index", f"the channels' {first.index}", str(index)
        )
        object.__setattr__(self, "channels", channels)
        object.__setattr__(self, "index", index)

    @property
    def value(self) -> float:
        return float(self.Y[self.index])

    @property
    def expression(self) -> str:
        parts = " + ".join(format_value(c.value) for c in self.channels)
        return f"{parts} = {format_value(self.value)}"


@accepts_both
def describe_multi_in(
    X: nd.NDArray, K: nd.NDArray, index: Tuple[int, int] = (0, 0)
) -> MultiInStep:
    """Describe ``corr2d_multi_in(X, K)`` at output ``index``, channel by channel.

    Examples
    --------
    >>> X = nd.stack(nd.arange(9).reshape((3, 3)), nd.arange(1, 10).reshape((3, 3)))
    >>> K = nd.stack(nd.array([[0, 1], [2, 3]]), nd.array([[1, 2], [3, 4]]))
    >>> describe_multi_in(X, K).expression
    '19 + 37 = 56'
    """
    _checks.ndim("X", X, 3)
    _checks.ndim("K", K, 3)
    if X.shape[0] != K.shape[0]:
        raise ValueError(
            f"`K` must have one channel per channel of `X` ({X.shape[0]}), "
            f"got {K.shape[0]}"
        )
    channels = [describe_corr2d(x, k, index) for x, k in zip(X, K)]
    Y = corr2d_multi_in(X, K).asnumpy()
    return MultiInStep(channels=channels, Y=Y, index=channels[0].index)


@dataclass(frozen=True)
class Conv1x1Step:
    """A 1x1 convolution at one pixel: a matrix mixing the channel vector."""

    X: np.ndarray  # (c_i, h, w)
    K: np.ndarray  # (c_o, c_i): the kernel without its 1x1 spatial axes
    Y: np.ndarray  # (c_o, h, w)
    index: Tuple[int, int]

    def __post_init__(self) -> None:
        X = _numbers("X", self.X, 3)
        K = _numbers("K", self.K, 2)
        _checks.channels("K", K.shape[1], 1, "X", X.shape[0])
        Y = _numbers("Y", self.Y, 3)
        _output_shape("Y", Y, (K.shape[0], *X.shape[1:]))
        object.__setattr__(self, "index", _check_index(self.index, Y.shape))

    @property
    def pixel_in(self) -> np.ndarray:
        return self.X[:, self.index[0], self.index[1]]

    @property
    def pixel_out(self) -> np.ndarray:
        return self.Y[:, self.index[0], self.index[1]]

    @property
    def expressions(self) -> List[str]:
        xs = [_factor(v) for v in self.pixel_in]
        lines = []
        for o, (row, y) in enumerate(zip(self.K, self.pixel_out)):
            terms = " + ".join(f"{_factor(k)}×{x}" for k, x in zip(row, xs))
            lines.append(f"Y[{o}] = {terms} = {format_value(y)}")
        return lines


@accepts_both
def describe_conv1x1(
    X: nd.NDArray, K: nd.NDArray, index: Tuple[int, int] = (0, 0)
) -> Conv1x1Step:
    """Describe a 1x1 convolution (``K`` of shape (c_o, c_i, 1, 1)) at a pixel.

    The output is computed with :func:`d2l.corr2d_multi_in_out_1x1`.

    Examples
    --------
    >>> X = nd.arange(8).reshape((2, 2, 2))
    >>> K = nd.array([1, 10]).reshape((1, 2, 1, 1))
    >>> describe_conv1x1(X, K, (1, 1)).expressions
    ['Y[0] = 1×3 + 10×7 = 73']
    """
    _checks.ndim("X", X, 3)
    _checks.ndim("K", K, 4)
    if K.shape[2:] != (1, 1) or K.shape[1] != X.shape[0]:
        raise ValueError(
            f"`K` must have shape (c_o, {X.shape[0]}, 1, 1), got {tuple(K.shape)}"
        )
    Y = corr2d_multi_in_out_1x1(X, K).asnumpy()
    return Conv1x1Step(
        X=X.asnumpy(),
        K=K.asnumpy()[:, :, 0, 0],
        Y=Y,
        index=_check_index(index, Y.shape),
    )
