"""How far a unit sees: receptive fields of a stack of layers.

Two independent routes to the same numbers, so each can check the other:

* :func:`receptive_fields` runs the recurrence layer by layer. With ``j`` the
  distance in input pixels between neighbouring units (the *jump*) and ``r``
  the side of the receptive field, a layer with kernel ``k``, stride ``s``
  and dilation ``d`` gives ``r' = r + d (k - 1) j`` and ``j' = j s``.
* :func:`measure_receptive_field` asks autograd: the input entries with a
  nonzero gradient of one output unit are its receptive field.

Only square kernels are handled: one number per layer serves both axes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, List, Sequence, Tuple

import mxnet as mx
from mxnet import autograd, nd
from mxnet.gluon import nn

from . import _checks
from ._kinds import accepts_both
from .shapes import conv_output_shape

__all__ = [
    "Layer",
    "FieldRow",
    "layers_of",
    "receptive_fields",
    "measure_receptive_field",
    "field_extent",
]

# Blocks that act on each position alone and so leave the field unchanged.
_POINTWISE = (nn.Activation, nn.BatchNorm, nn.Dropout, nn.LeakyReLU)


@dataclass(frozen=True)
class Layer:
    """The geometry of one convolution or pooling layer (square kernels).

    Examples
    --------
    >>> Layer(3, stride=2, padding=1, name="conv")
    Layer(kernel=3, stride=2, padding=1, dilation=1, name='conv')
    """

    kernel: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    name: str = ""

    def __post_init__(self) -> None:
        for field, minimum in (("kernel", 1), ("stride", 1), ("dilation", 1)):
            value = getattr(self, field)
            _checks.require(
                _checks.is_int(value) and value >= minimum,
                field,
                "a positive int",
                repr(value),
            )
        _checks.non_negative_int("padding", self.padding)
        _checks.instance("name", self.name, str, "a str")

    @property
    def span(self) -> int:
        """Input entries one output reads along an axis: ``d (k - 1) + 1``."""
        return self.dilation * (self.kernel - 1) + 1


@dataclass(frozen=True)
class FieldRow:
    """One row of the receptive-field table: a layer and what its units see.

    ``jump`` is the distance in input pixels between neighbouring units of
    this layer's output, ``size`` the side of one unit's receptive field,
    ``start`` the input coordinate of the centre of the first unit's field
    (negative when it lies in the padding) and ``output`` the output's side.
    """

    layer: Layer
    jump: int
    size: int
    start: float
    output: int

    def __post_init__(self) -> None:
        _checks.instance("layer", self.layer, Layer, "a Layer")
        for name in ("jump", "size", "output"):
            value = getattr(self, name)
            _checks.require(
                _checks.is_int(value) and value >= 1,
                name,
                "a positive int",
                repr(value),
            )
        _checks.number("start", self.start)


def _square(name: str, value: Tuple[int, int], block: nn.Block) -> int:
    _checks.require(
        value[0] == value[1],
        "net",
        f"square {name}s only, so {type(block).__name__}'s {name}",
        repr(value),
        verb="have",
    )
    return int(value[0])


def _layer_of(block: nn.Block) -> Layer:
    kw = block._kwargs  # Gluon keeps a layer's geometry here
    return Layer(
        kernel=_square("kernel", kw["kernel"], block),
        stride=_square("stride", kw["stride"], block),
        padding=_square("pad", kw["pad"], block),
        dilation=_square("dilate", kw.get("dilate", (1, 1)), block),
        name=type(block).__name__,
    )


def layers_of(net: nn.Block) -> List[Layer]:
    """Read the geometry of every convolution and pooling layer of ``net``.

    Activations, batch normalisation and dropout act on each position alone
    and are skipped; nested ``Sequential`` blocks are read in order. Any
    other block (a dense layer, a transposed convolution) is an error.

    Examples
    --------
    >>> net = nn.Sequential()
    >>> net.add(nn.Conv2D(4, 3, padding=1), nn.Activation("relu"), nn.MaxPool2D(2))
    >>> [(layer.name, layer.kernel, layer.stride) for layer in layers_of(net)]
    [('Conv2D', 3, 1), ('MaxPool2D', 2, 2)]
    """
    _checks.instance("net", net, nn.Block, "a Gluon Block")
    if isinstance(net, (nn.Conv2D, nn.MaxPool2D, nn.AvgPool2D)):
        return [_layer_of(net)]
    if isinstance(net, _POINTWISE):
        return []
    _checks.require(
        not isinstance(net, (nn.GlobalAvgPool2D, nn.GlobalMaxPool2D)),
        "net",
        "windows of a fixed size, not global pooling",
        type(net).__name__,
        verb="have",
    )
    _checks.require(
        isinstance(net, (nn.Sequential, nn.HybridSequential)),
        "net",
        "made of Conv2D, MaxPool2D, AvgPool2D and pointwise layers",
        type(net).__name__,
        verb="be",
    )
    return [layer for block in net for layer in layers_of(block)]


def _check_layers(layers: Iterable[Layer]) -> List[Layer]:
    return _checks.sequence_of("layers", layers, Layer, "Layer")


def _input_size(input_size: int) -> int:
    _checks.require(
        _checks.is_int(input_size) and input_size >= 1,
        "input_size",
        "a positive int (the side of a square input)",
        _checks.describe(input_size),
    )
    return int(input_size)


def receptive_fields(layers: Sequence[Layer], input_size: int) -> List[FieldRow]:
    """Run the receptive-field recurrence over a stack of layers.

    Parameters
    ----------
    layers : sequence of Layer
        From input to output.
    input_size : int
        Side of the (square) input; used for the output sizes.

    Returns
    -------
    list of FieldRow
        One row per layer.

    Examples
    --------
    >>> rows = receptive_fields([Layer(3), Layer(3), Layer(2, stride=2)], 8)
    >>> [(row.size, row.jump, row.output) for row in rows]
    [(3, 1, 6), (5, 1, 4), (6, 2, 2)]
    """
    layers = _check_layers(layers)
    n = _input_size(input_size)
    jump, size, start = 1, 1, 0.0
    rows = []
    for i, layer in enumerate(layers):
        _checks.require(
            layer.span <= n + 2 * layer.padding,
            f"layers[{i}]",
            f"a span of at most its padded input {n + 2 * layer.padding}",
            str(layer.span),
            verb="have",
        )
        n = conv_output_shape(
            n, layer.kernel, layer.padding, layer.stride, layer.dilation
        )[0]
        # The first unit's window starts `padding` entries before the input.
        start += ((layer.span - 1) / 2 - layer.padding) * jump
        size += (layer.span - 1) * jump
        jump *= layer.stride
        rows.append(FieldRow(layer, jump, size, start, n))
    return rows


def measure_receptive_field(
    layers: Sequence[Layer],
    input_size: int,
    index: Tuple[int, int] | None = None,
    ctx: mx.Context | None = None,
) -> nd.NDArray:
    """Return the gradient of one output unit with respect to the input.

    Every layer is replaced by a one-channel convolution with an all-ones
    kernel of the same geometry, so no gradient can cancel: an input entry
    gets a nonzero gradient exactly when it lies in the unit's receptive
    field, and the value counts the paths from it to the unit. (A max-pooling
    layer may read any entry of its window, so it is probed the same way.)

    Parameters
    ----------
    layers : sequence of Layer
    input_size : int
        Side of the square input.
    index : (int, int), optional
        The output unit; defaults to the centre of the output.
    ctx : mx.Context, optional
        Where to compute; defaults to the CPU.

    Returns
    -------
    NDArray of shape (input_size, input_size) on ``ctx``

    Examples
    --------
    >>> G = measure_receptive_field([Layer(3), Layer(3)], 7)
    >>> field_extent(G)
    ((1, 5), (1, 5))
    >>> int(G.max().asscalar())  # the centre reaches the unit by 9 paths
    9
    """
    layers = _check_layers(layers)
    rows = receptive_fields(layers, input_size)
    _checks.element_limit("input_size", (input_size, input_size), "the input")
    ctx = mx.cpu() if ctx is None else _checks.context("ctx", ctx)
    out = rows[-1].output
    if index is None:
        index = (out // 2, out // 2)
    i, j = _checks.pair("index", index, minimum=0)
    _checks.require(
        i < out and j < out, "index", f"inside the {out}x{out} output", repr(index)
    )
    X = nd.zeros((1, 1, input_size, input_size), ctx=ctx)
    X.attach_grad()
    with autograd.record():
        Y = X
        for layer in layers:
            ones = nd.ones((1, 1, layer.kernel, layer.kernel), ctx=ctx)
            Y = nd.Convolution(
                Y,
                ones,
                kernel=(layer.kernel,) * 2,
                stride=(layer.stride,) * 2,
                pad=(layer.padding,) * 2,
                dilate=(layer.dilation,) * 2,
                num_filter=1,
                no_bias=True,
            )
    # Seed the backward pass at the one unit (an output gradient of 0 except
    # a 1 there); slicing the unit out inside the recording is slower.
    head = nd.zeros(Y.shape, ctx=ctx)
    head[0, 0, i, j] = 1
    Y.backward(head)
    return X.grad[0, 0]


@accepts_both
def field_extent(G: nd.NDArray) -> Tuple[Tuple[int, int], Tuple[int, int]]:
    """Return the first and last row, and column, where ``G`` is nonzero.

    Examples
    --------
    >>> field_extent(nd.array([[0, 0, 0], [0, 2, 1], [0, 0, 0]]))
    ((1, 1), (1, 2))
    """
    _checks.ndim("G", G, 2)
    _checks.nonempty("G", G)
    mask = (G != 0).asnumpy()
    _checks.require(bool(mask.any()), "G", "at least one nonzero entry", "none", "have")
    rows, cols = mask.any(axis=1).nonzero()[0], mask.any(axis=0).nonzero()[0]
    return (int(rows[0]), int(rows[-1])), (int(cols[0]), int(cols[-1]))
