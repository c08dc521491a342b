"""LeNet-style networks: their layers read from Gluon, and a diagram of them.

As in :mod:`d2l.figures`, describing and drawing are kept apart:

* :func:`describe_layers` pushes one input through a ``Sequential`` network
  and records, for each layer, what it does, the shape it outputs and how
  many parameters it holds, all read from Gluon;
* :func:`draw_layers` turns that description into a diagram and computes
  nothing. Feature maps are drawn as stacks of squares whose side is
  proportional to their height, in the book's colours: the input in the
  input colour, every computed map or vector in the output colour, and each
  convolution's kernel as a small square in the kernel colour on the maps it
  slides over.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import List, Sequence, Tuple

import matplotlib.pyplot as plt
import mxnet as mx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, Rectangle
from mxnet import gluon, nd
from mxnet.gluon import nn

from . import _checks
from ._kinds import for_gluon
from .figures import ROLE_COLORS, WINDOW_COLOR, _role_legend

__all__ = ["Layer", "describe_layers", "draw_layers"]

FONT_SIZE = 11  # points; the figure is at most 6.5 inches wide
KINDS = ("input", "conv", "pool", "flatten", "dense")
_STACK_STEP = 0.12  # offset between the squares of a stack of maps


@dataclass(frozen=True)
class Layer:
    """One layer of a network: what it does and what comes out of it.

    ``kind`` is 'input', 'conv', 'pool', 'flatten' or 'dense'; ``shape``
    is the output shape without the batch axis, (channels, height, width)
    or (units,); ``kernel`` the window size of a convolution or pooling
    layer (``None`` for the others).
    """

    name: str
    kind: str
    operation: str
    shape: Tuple[int, ...]
    params: int
    kernel: Tuple[int, int] | None = None

    def __post_init__(self) -> None:
        _checks.instance("name", self.name, str, "a str")
        _checks.one_of("kind", self.kind, KINDS)
        _checks.instance("operation", self.operation, str, "a str")
        object.__setattr__(self, "shape", _shape("shape", self.shape))
        _checks.non_negative_int("params", self.params)
        if self.kind in ("conv", "pool"):
            object.__setattr__(self, "kernel", _checks.pair("kernel", self.kernel))
        else:
            _checks.require(
                self.kernel is None,
                "kernel",
                f"None for a {self.kind} layer (it has no window)",
                _checks.describe(self.kernel),
            )


def _shape(name: str, value: Tuple[int, ...]) -> Tuple[int, ...]:
    """Check a shape without the batch axis: (c, h, w) or (units,), positive ints."""
    _checks.require(
        isinstance(value, (tuple, list))
        and len(value) in (1, 3)
        and all(_checks.is_int(v) and v >= 1 for v in value),
        name,
        "(channels, height, width) or (units,), positive ints",
        _checks.describe(value),
    )
    return tuple(int(v) for v in value)


def _activation(block: gluon.Block) -> str:
    act = getattr(block, "act", None)
    return "" if act is None else f", {act._act_type}"


def _conv_text(block: nn.Conv2D) -> Tuple[str, Tuple[int, int]]:
    k_h, k_w = block._kwargs["kernel"]
    p_h, p_w = block._kwargs["pad"]
    padding = f", pad {p_h}" if (p_h, p_w) != (0, 0) else ""
    return f"conv {k_h}×{k_w}{padding}{_activation(block)}", (k_h, k_w)


def _pool_text(block: gluon.Block) -> Tuple[str, Tuple[int, int]]:
    k_h, k_w = block._kwargs["kernel"]
    s_h, _ = block._kwargs["stride"]
    kind = block._kwargs["pool_type"]
    return f"{kind} pool {k_h}×{k_w}, stride {s_h}", (k_h, k_w)


def describe_layers(
    net: nn.Sequential | nn.HybridSequential,
    input_shape: Tuple[int, ...] = (1, 28, 28),
) -> List[Layer]:
    """Return the input and each layer of ``net`` as :class:`Layer` records.

    ``net`` must be an initialised ``Sequential`` of ``Conv2D``, pooling,
    ``Flatten`` and ``Dense`` blocks (``BatchNorm`` and ``Activation``
    blocks are folded into the layer before them). One batch of zeros is
    pushed through it on the network's context; shapes and parameter counts
    are Gluon's.

    Examples
    --------
    >>> net = nn.Sequential()
    >>> net.add(nn.Conv2D(2, 3, activation="relu"), nn.MaxPool2D(2), nn.Dense(4))
    >>> net.initialize()
    >>> for layer in describe_layers(net, (1, 6, 6)):
    ...     print(layer.name, layer.shape, layer.params)
    input (1, 6, 6) 0
    conv 1 (2, 4, 4) 20
    pool 1 (2, 2, 2) 0
    flatten (8,) 0
    dense 1 (4,) 36
    """
    _checks.instance(
        "net", net, (nn.Sequential, nn.HybridSequential), "a Sequential network"
    )
    _checks.initialised("net", net)
    input_shape = _shape("input_shape", input_shape)
    _checks.element_limit("input_shape", input_shape, "the input")
    params = list(net.collect_params().values())
    ctx = params[0].list_ctx()[0] if params else mx.cpu()
    X = for_gluon(nd.zeros((1, *input_shape), ctx=ctx))
    layers = [Layer("input", "input", "input", input_shape, 0)]
    counts = {"conv": 0, "pool": 0, "dense": 0, "flatten": 0}
    for block in net:
        X = _forward(block, X)
        shape = tuple(X.shape[1:])
        params = sum(p.data().size for p in block.collect_params().values())
        if isinstance(block, (nn.BatchNorm, nn.Activation)):
            # Fold into the layer before: same shape, its parameters added.
            prev = layers[-1]
            extra = "BN" if isinstance(block, nn.BatchNorm) else block._act_type
            layers[-1] = Layer(
                prev.name,
                prev.kind,
                f"{prev.operation}, {extra}",
                prev.shape,
                prev.params + params,
                prev.kernel,
            )
            continue
        if isinstance(block, nn.Conv2D):
            kind, (text, kernel) = "conv", _conv_text(block)
        elif isinstance(block, (nn.MaxPool2D, nn.AvgPool2D)):
            kind, (text, kernel) = "pool", _pool_text(block)
        elif isinstance(block, nn.Dense):
            if len(layers[-1].shape) > 1:  # Dense flattens its input itself
                size = int(np.prod(layers[-1].shape))
                layers.append(Layer("flatten", "flatten", "flatten", (size,), 0))
            kind, text, kernel = "dense", f"dense{_activation(block)}", None
        else:  # nn.Flatten: _forward has refused every other block
            kind, text, kernel = "flatten", "flatten", None
        counts[kind] += 1
        layers.append(
            Layer(f"{kind} {counts[kind]}", kind, text, shape, int(params), kernel)
        )
    return layers


def _forward(block: gluon.Block, X: nd.NDArray) -> nd.NDArray:
    """``block(X)``; a block that refuses its input is an error naming both."""
    _checks.require(
        isinstance(block, _SUPPORTED),
        "net",
        "Conv2D, pooling, Flatten, Dense, BatchNorm or Activation blocks",
        type(block).__name__,
        verb="hold",
    )
    try:
        return block(X)
    except (mx.base.MXNetError, ValueError) as error:
        # Gluon wraps a failed shape inference in a ValueError naming no argument.
        _checks.require(
            False,
            "input_shape",
            f"a shape `net` takes, but its {type(block).__name__} refused"
            f" {tuple(X.shape[1:])}",
            _checks.mxnet_reason(error),
            verb="be",
        )


_SUPPORTED = (
    nn.Conv2D,
    nn.MaxPool2D,
    nn.AvgPool2D,
    nn.Flatten,
    nn.Dense,
    nn.BatchNorm,
    nn.Activation,
)


def _maps(ax: Axes, x: float, y: float, side: float, c: int, role: str) -> None:
    """A stack of ``c`` square maps (at most 4 drawn) centred at ``(x, y)``."""
    shown = min(c, 4)
    for i in range(shown):
        offset = (shown - 1 - i) * _STACK_STEP
        ax.add_patch(
            Rectangle(
                (x - side / 2 + offset, y - side / 2 - offset),
                side,
                side,
                facecolor=ROLE_COLORS[role],
                edgecolor="#555555",
                linewidth=0.8,
                gid=f"{role}-map",
            )
        )


def _vector(ax: Axes, x: float, y: float, height: float) -> None:
    ax.add_patch(
        Rectangle(
            (x - 0.12, y - height / 2),
            0.24,
            height,
            facecolor=ROLE_COLORS["output"],
            edgecolor="#555555",
            linewidth=0.8,
            gid="output-vector",
        )
    )


def _shape_text(shape: Tuple[int, ...]) -> str:
    if len(shape) == 3:
        return f"{shape[0]} @ {shape[1]}×{shape[2]}"
    return f"{shape[0]}"


def draw_layers(
    layers: Sequence[Layer], per_row: int = 5, width: float = 6.5
) -> Figure:
    """Draw ``layers`` (from :func:`describe_layers`) left to right, in rows.

    Each layer's output is drawn with its shape below it; the operation that
    produced it is written on the arrow that leads to it. ``per_row``
    layers go on one row, so a long network wraps instead of shrinking.

    Examples
    --------
    >>> net = nn.Sequential()
    >>> net.add(nn.Conv2D(2, 3), nn.AvgPool2D(2), nn.Dense(4))
    >>> net.initialize()
    >>> fig = draw_layers(describe_layers(net, (1, 6, 6)))
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "shape"]
    ['1 @ 6×6', '2 @ 4×4', '2 @ 2×2', '8', '4']
    >>> plt.close(fig)
    """
    layers = _checks.sequence_of("layers", layers, Layer, "Layer")
    per_row = _checks.non_negative_int("per_row", per_row)
    _checks.require(per_row >= 1, "per_row", "at least 1", str(per_row))
    width = _checks.number(
        "width", width, "a number of inches in (0, 100)", lambda v: 0 < v < 100
    )
    maps = [layer.shape[-1] for layer in layers if len(layer.shape) == 3]
    largest = max(maps, default=1)
    longest = (
        max(layer.shape[0] for layer in layers if len(layer.shape) == 1)
        if any(len(layer.shape) == 1 for layer in layers)
        else 1
    )
    rows = -(-len(layers) // per_row)
    col_w, row_h, big = 2.6, 4.2, 2.0  # data units; ``big`` is the largest map
    fig, ax = plt.subplots(figsize=(width, width * rows * row_h / (per_row * col_w)))
    ax.set_xlim(0, per_row * col_w)
    ax.set_ylim(rows * row_h + 0.2, -0.2)
    ax.set_aspect("equal")
    ax.axis("off")
    centres = []
    for i, layer in enumerate(layers):
        x = (i % per_row + 0.5) * col_w
        y = (i // per_row) * row_h + 2.2
        centres.append((x, y))
        if len(layer.shape) == 3:
            side = big * layer.shape[-1] / largest
            role = "input" if layer.kind == "input" else "output"
            _maps(ax, x, y, side, layer.shape[0], role)
        else:
            _vector(ax, x, y, 0.3 + 1.7 * layer.shape[0] / longest)
        ax.text(
            x,
            y + 1.35,
            _shape_text(layer.shape),
            ha="center",
            va="top",
            fontsize=FONT_SIZE,
            gid="shape",
        )
    for i in range(1, len(layers)):
        _arrow(ax, layers[i - 1], layers[i], centres[i - 1], centres[i], big, largest)
    _role_legend(fig, ["input", "kernel", "output"], bbox_to_anchor=(0.5, 0.0))
    for text in fig.legends[0].get_texts():
        text.set_fontsize(FONT_SIZE)
    fig.subplots_adjust(left=0, right=1, top=1, bottom=0.1)
    return fig


def _half_widths(layer: Layer, big: float, largest: int) -> Tuple[float, float]:
    """How far the drawing of ``layer`` reaches left and right of its centre."""
    if len(layer.shape) != 3:
        return 0.12, 0.12
    side = big * layer.shape[-1] / largest
    return side / 2, side / 2 + (min(layer.shape[0], 4) - 1) * _STACK_STEP


def _arrow(ax, before, after, start, end, big, largest) -> None:
    """Arrow from one layer to the next, labelled with the operation."""
    (x0, y0), (x1, y1) = start, end
    text = after.operation.replace(", ", "\n", 1)
    if abs(y0 - y1) < 1e-9:  # same row
        a = (x0 + _half_widths(before, big, largest)[1] + 0.1, y0)
        b = (x1 - _half_widths(after, big, largest)[0] - 0.1, y1)
        ax.add_patch(
            FancyArrowPatch(
                a, b, arrowstyle="-|>", mutation_scale=12, color="#555555", gid="arrow"
            )
        )
        label_y = y0 - (1.75 if len(after.shape) == 3 else 0.6)
        ax.text(
            (x0 + x1) / 2,
            label_y,
            text,
            ha="center",
            va="center",
            fontsize=FONT_SIZE - 1,
            gid="operation",
        )
    else:  # wrap: down from the end of a row, left, and down into the next
        y_mid = (y0 + y1) / 2 - 0.2
        ax.plot([x0, x0, x1], [y0 + 1.7, y_mid, y_mid], color="#555555", lw=1)
        ax.add_patch(
            FancyArrowPatch(
                (x1, y_mid),
                (x1, y1 - 1.1),
                arrowstyle="-|>",
                mutation_scale=12,
                color="#555555",
                gid="arrow",
            )
        )
        ax.text(
            x0 - 0.15,
            y_mid + 0.1,
            text,
            ha="right",
            va="top",
            fontsize=FONT_SIZE - 1,
            gid="operation",
        )
    if after.kind in ("conv", "pool") and len(before.shape) == 3:
        k = big * after.kernel[0] / largest
        side = big * before.shape[-1] / largest
        corner = (x0 - side / 2, y0 - side / 2)
        if after.kind == "conv":
            ax.add_patch(
                Rectangle(
                    corner,
                    k,
                    k,
                    facecolor=ROLE_COLORS["kernel"],
                    edgecolor="#555555",
                    linewidth=0.8,
                    gid="kernel",
                )
            )
        else:
            ax.add_patch(
                Rectangle(
                    corner,
                    k,
                    k,
                    fill=False,
                    edgecolor=WINDOW_COLOR,
                    linewidth=1.5,
                    gid="window",
                )
            )
