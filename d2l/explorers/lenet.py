"""A whole trained LeNet in the page: draw, pick or shift a digit, see every layer.

Serves ``lenet.js``. The network and a set of test digits travel together as
one binary file, the same bytes in the built book and in a live notebook:

* ``MAGIC`` (8 bytes), the length of a JSON header (uint32, little-endian),
  the header (padded with spaces to a multiple of 4 bytes), every parameter
  as float32 (little-endian), then the digits as uint8 (pixel value x 255).
* The header lists the network's operations in order (``conv``, ``bn``,
  ``act``, ``pool``, ``dense``), each with its sizes and where its
  parameters start in the float32 block, the digits' labels and a title.

:func:`pack` writes that file for a Gluon network (convolutions, batch
normalisation, nonlinearities, pooling and dense layers, in any order that
ends with a dense layer, for a 1 x 28 x 28 input); :func:`unpack` reads it and
:func:`build_network` turns it back into a Gluon network, which is how the
tests compare the page with MXNet's forward pass.

In the built book the explorer loads its module and this file only when the
reader scrolls near it (``chapters/_site/book_lazy_explorers.py`` ships them
next to the pages). The book's file for a network named ``name`` lives in
``weights/NAME.bin`` beside this module; :meth:`LeNetExplorer.export` writes
it and :meth:`LeNetExplorer.matches_shipped` checks it, which is how the page
that trains the network keeps the shipped file in step. In a live notebook the
widget gets the bytes of the network in the kernel instead.
"""

from __future__ import annotations

import base64
import copy
import html
import io
import json
import struct
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from mxnet import nd
from mxnet.base import MXNetError
from mxnet.gluon import nn

from .. import _checks
from ._base import Explorer, State, module_source

__all__ = [
    "LeNetExplorer",
    "build_network",
    "pack",
    "shipped_bytes",
    "stage_outputs",
    "unpack",
]

MAGIC = b"D2LNET01"
SIDE = 28  # the digits are 28 x 28, one channel
#: Nonlinearities the page computes, as MXNet does.
ACTIVATIONS = {
    "relu": lambda x: np.maximum(x, 0),
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
    "tanh": np.tanh,
    "softrelu": lambda x: np.log1p(np.exp(x)),
    "scaled tanh": lambda x: 1.7159 * np.tanh(2 * x / 3),  # LeCun's
}
DIRECTIONS = {"right": (0, 1), "left": (0, -1), "down": (1, 0), "up": (-1, 0)}
MAX_SHIFT = 14


def weights_folder() -> Path:
    """Where the book's network files live (``weights/`` beside this module)."""
    return Path(str(resources.files(__package__).joinpath("weights")))


def shipped_bytes(name: str) -> bytes:
    """The bytes of the book's file for network ``name`` (``weights/NAME.bin``)."""
    path = weights_folder() / f"{name}.bin"
    _checks.require(
        path.is_file(), "name", f"a network the book ships ({path})", repr(name)
    )
    return path.read_bytes()


# -- From a Gluon network to operations ----------------------------------------


def _layers(block) -> list:
    """The leaves of nested (Hybrid)Sequential blocks, in order."""
    if isinstance(block, (nn.Sequential, nn.HybridSequential)):
        return [leaf for i in range(len(block)) for leaf in _layers(block[i])]
    return [block]


def _activation_name(block) -> str:
    """Which of ``ACTIVATIONS`` a block computes, found by evaluating it."""
    if isinstance(block, nn.Activation):
        name = block._act_type
    else:
        probe = np.array([-3, -1, -0.25, 0, 0.25, 1, 3], dtype=np.float32)
        try:
            out = block(nd.array(probe)).asnumpy()
        except MXNetError:
            out = None
        matches = [
            n
            for n, f in ACTIVATIONS.items()
            if out is not None
            and out.shape == probe.shape
            and np.allclose(out, f(probe), atol=1e-5)
        ]
        name = matches[0] if matches else type(block).__name__
    _checks.require(
        name in ACTIVATIONS,
        "net",
        "made of layers the page computes: Conv2D, Dense, BatchNorm, MaxPool2D, "
        "AvgPool2D, Flatten and the nonlinearities " + ", ".join(ACTIVATIONS),
        f"a network with {name}",
        verb="be",
    )
    return name


def _float32(param) -> np.ndarray:
    return param.data().asnumpy().astype(np.float32).ravel()


def describe(net) -> Tuple[List[Dict[str, Any]], np.ndarray]:
    """The operations of ``net`` and all their parameters as one float32 vector.

    Examples
    --------
    >>> net = nn.HybridSequential()
    >>> net.add(nn.Conv2D(2, 5, activation="relu"), nn.MaxPool2D(2), nn.Dense(10))
    >>> net.initialize()
    >>> ops, floats = describe(net)
    >>> [op["op"] for op in ops], floats.size
    (['conv', 'act', 'pool', 'dense'], 2942)
    """
    ops: List[Dict[str, Any]] = []
    chunks: List[np.ndarray] = []
    size = 0

    def put(array: np.ndarray) -> int:
        nonlocal size
        chunks.append(array)
        size += array.size
        return size - array.size

    shape: Tuple[int, ...] = (1, SIDE, SIDE)
    _checks.initialised("net", net)
    try:  # sizes Gluon defers until the first input
        net(nd.zeros((1, 1, SIDE, SIDE)))
    except MXNetError as error:
        _checks.require(
            False,
            "net",
            "a network for 1 x 28 x 28 digits",
            f"one MXNet refuses ({str(error).strip().splitlines()[-1][:120]})",
        )
    for layer in _layers(net):
        if isinstance(layer, nn.Conv2D):
            kw = layer._kwargs
            _checks.require(
                len(kw["kernel"]) == 2
                and kw["layout"] == "NCHW"
                and tuple(kw["dilate"]) == (1, 1)
                and kw["num_group"] == 1
                and len(shape) == 3,
                "net",
                "made of 2-D convolutions without dilation or groups on maps",
                repr(layer),
                verb="be",
            )
            W = layer.weight.data()
            c_o, c_i, k_h, k_w = W.shape
            _checks.require(c_i == shape[0], "net", "a 1 x 28 x 28 input", repr(layer))
            op = {
                "op": "conv",
                "out": c_o,
                "in": c_i,
                "kernel": [k_h, k_w],
                "stride": list(kw["stride"]),
                "pad": list(kw["pad"]),
                "weight": put(_float32(layer.weight)),
                "bias": None if kw["no_bias"] else put(_float32(layer.bias)),
            }
            h = (shape[1] + 2 * op["pad"][0] - k_h) // op["stride"][0] + 1
            w = (shape[2] + 2 * op["pad"][1] - k_w) // op["stride"][1] + 1
            shape = (c_o, h, w)
            ops.append(op)
            if layer.act is not None:
                ops.append({"op": "act", "fn": _activation_name(layer.act)})
        elif isinstance(layer, nn.Dense):
            W = layer.weight.data()
            n_in = int(np.prod(shape))
            _checks.require(
                W.shape[1] == n_in, "net", "a 1 x 28 x 28 input", repr(layer)
            )
            ops.append(
                {
                    "op": "dense",
                    "out": W.shape[0],
                    "in": n_in,
                    "weight": put(_float32(layer.weight)),
                    "bias": None if layer.bias is None else put(_float32(layer.bias)),
                }
            )
            shape = (W.shape[0],)
            if layer.act is not None:
                ops.append({"op": "act", "fn": _activation_name(layer.act)})
        elif isinstance(layer, nn.BatchNorm):
            kw = layer._kwargs
            gamma = _float32(layer.gamma)
            if kw["fix_gamma"]:
                gamma = np.ones_like(gamma)
            ops.append(
                {
                    "op": "bn",
                    "channels": shape[0],
                    "eps": float(kw["eps"]),
                    "gamma": put(gamma),
                    "beta": put(_float32(layer.beta)),
                    "mean": put(_float32(layer.running_mean)),
                    "var": put(_float32(layer.running_var)),
                }
            )
        elif isinstance(layer, (nn.MaxPool2D, nn.AvgPool2D)):
            kw = layer._kwargs
            _checks.require(
                not kw["global_pool"]
                and kw["pooling_convention"] == "valid"
                and len(shape) == 3,
                "net",
                "pooling with a window on maps (not global, not 'full')",
                repr(layer),
            )
            op = {
                "op": "pool",
                "mode": kw["pool_type"],
                "kernel": list(kw["kernel"]),
                "stride": list(kw["stride"]),
                "pad": list(kw["pad"]),
                "count_include_pad": bool(kw.get("count_include_pad", True)),
            }
            h = (shape[1] + 2 * op["pad"][0] - op["kernel"][0]) // op["stride"][0] + 1
            w = (shape[2] + 2 * op["pad"][1] - op["kernel"][1]) // op["stride"][1] + 1
            shape = (shape[0], h, w)
            ops.append(op)
        elif isinstance(layer, nn.Flatten):
            continue
        else:
            ops.append({"op": "act", "fn": _activation_name(layer)})
    _checks.require(
        bool(ops) and ops[-1]["op"] == "dense",
        "net",
        "a network that ends with a dense layer of class scores",
        f"one that ends with {ops[-1]['op'] if ops else 'nothing'}",
    )
    return ops, np.concatenate(chunks).astype("<f4")


def _array(name: str, value: Any, what: str) -> np.ndarray:
    """``value`` (an NDArray, a NumPy array or nested lists) as real numbers."""
    try:
        array = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
        array = array.astype(np.float64)
    except (TypeError, ValueError):
        array = None
    _checks.require(array is not None, name, what, repr(value)[:60])
    return array


def _digit_bytes(digits, labels) -> Tuple[bytes, List[int]]:
    what = "n x 1 x 28 x 28 images with 8-bit pixel values scaled to [0, 1]"
    X = _array("digits", digits, what)
    ok = X.size > 0 and X.size % (SIDE * SIDE) == 0 and np.all(np.isfinite(X))
    _checks.require(ok, "digits", what, f"shape {X.shape}")
    X = X.reshape(-1, SIDE * SIDE)
    levels = np.round(X * 255)
    _checks.require(
        np.all((levels >= 0) & (levels <= 255))
        and np.allclose(levels / 255, X, atol=1e-6),
        "digits",
        what,
        "other pixel values",
    )
    y = _array("labels", labels, "class numbers 0 to 9, one per digit").ravel()
    _checks.require(
        y.size == X.shape[0] and np.all(np.isin(y, np.arange(10))),
        "labels",
        f"{X.shape[0]} class numbers from 0 to 9",
        f"{y.size} values",
    )
    return levels.astype(np.uint8).tobytes(), [int(v) for v in y]


def pack(net, digits, labels, title: str) -> bytes:
    """The file the page reads: ``net``'s operations and weights, and the digits.

    Examples
    --------
    >>> net = nn.HybridSequential()
    >>> net.add(nn.Dense(10))
    >>> net.initialize()
    >>> blob = pack(net, np.zeros((2, 1, 28, 28)), [3, 4], "a test")
    >>> blob[:8], len(blob) % 4
    (b'D2LNET01', 0)
    """
    ops, floats = describe(net)
    pixels, y = _digit_bytes(digits, labels)
    header = {
        "title": str(title),
        "input": [1, SIDE, SIDE],
        "ops": ops,
        "floats": int(floats.size),
        "digits": len(y),
        "labels": y,
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-(len(MAGIC) + 4 + len(text)) % 4)
    body = MAGIC + struct.pack("<I", len(text)) + text + floats.tobytes() + pixels
    return body + b"\0" * (-len(body) % 4)


def unpack(blob: bytes) -> Tuple[Dict[str, Any], np.ndarray, np.ndarray]:
    """``(header, floats, digits)`` of a packed file; digits are uint8 (n, 28, 28)."""
    _checks.require(blob[:8] == MAGIC, "blob", "a packed LeNet file", repr(blob[:8]))
    (length,) = struct.unpack("<I", blob[8:12])
    header = json.loads(blob[12 : 12 + length])
    start = 12 + length
    floats = np.frombuffer(blob, dtype="<f4", count=header["floats"], offset=start)
    start += 4 * header["floats"]
    count = header["digits"]
    digits = np.frombuffer(
        blob, dtype=np.uint8, count=count * SIDE * SIDE, offset=start
    )
    return header, floats.astype(np.float32), digits.reshape(count, SIDE, SIDE)


# -- From operations back to Gluon, and MXNet's answer per stage -----------------


class _Nonlinearity(nn.HybridBlock):
    """One of ``ACTIVATIONS`` as a Gluon block (LeCun's scaled tanh included)."""

    def __init__(self, name: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fn = name

    def hybrid_forward(self, F, x):
        if self.fn == "scaled tanh":
            return 1.7159 * F.Activation(x * (2 / 3), act_type="tanh")
        return F.Activation(x, act_type=self.fn)


def build_network(header: Dict[str, Any], floats: np.ndarray) -> nn.HybridSequential:
    """A Gluon network with one layer per operation and exactly these weights."""

    def take(offset, shape):
        size = int(np.prod(shape))
        return nd.array(floats[offset : offset + size].reshape(shape))

    net = nn.HybridSequential()
    settings = []  # (layer, {parameter: value}) set once initialised
    for op in header["ops"]:
        if op["op"] == "conv":
            layer = nn.Conv2D(
                op["out"],
                tuple(op["kernel"]),
                strides=tuple(op["stride"]),
                padding=tuple(op["pad"]),
                in_channels=op["in"],
                use_bias=op["bias"] is not None,
            )
            values = {
                "weight": take(op["weight"], (op["out"], op["in"], *op["kernel"]))
            }
            if op["bias"] is not None:
                values["bias"] = take(op["bias"], (op["out"],))
        elif op["op"] == "dense":
            layer = nn.Dense(
                op["out"], in_units=op["in"], use_bias=op["bias"] is not None
            )
            values = {"weight": take(op["weight"], (op["out"], op["in"]))}
            if op["bias"] is not None:
                values["bias"] = take(op["bias"], (op["out"],))
        elif op["op"] == "bn":
            layer = nn.BatchNorm(epsilon=op["eps"], in_channels=op["channels"])
            c = (op["channels"],)
            values = {
                "gamma": take(op["gamma"], c),
                "beta": take(op["beta"], c),
                "running_mean": take(op["mean"], c),
                "running_var": take(op["var"], c),
            }
        elif op["op"] == "act":
            layer, values = _Nonlinearity(op["fn"]), {}
        else:
            Pool = nn.MaxPool2D if op["mode"] == "max" else nn.AvgPool2D
            extra = (
                {}
                if op["mode"] == "max"
                else {"count_include_pad": op["count_include_pad"]}
            )
            layer = Pool(
                tuple(op["kernel"]), tuple(op["stride"]), tuple(op["pad"]), **extra
            )
            values = {}
        net.add(layer)
        settings.append((layer, values))
    net.initialize()
    for layer, values in settings:
        for name, value in values.items():
            getattr(layer, name).set_data(value)
    return net


def stage_names(ops: Sequence[Dict[str, Any]]) -> List[str]:
    """The page's name of each stage: conv 1, pool 1, ..., dense 3."""
    counts: Dict[str, int] = {}
    names = []
    for op in ops:
        if op["op"] in ("conv", "pool", "dense"):
            counts[op["op"]] = counts.get(op["op"], 0) + 1
            names.append(f"{op['op']} {counts[op['op']]}")
    return names


def stage_outputs(net: nn.HybridSequential, header: Dict[str, Any], X) -> List[dict]:
    """MXNet's values of every stage the page shows, for a batch ``X``.

    A stage is a convolution or dense layer with the batch normalisation and
    nonlinearity after it (``z`` before both, ``u`` after batch
    normalisation, ``y`` after the nonlinearity), or a pooling layer; the last
    stage is ``probabilities``, the softmax of the scores. ``net`` is
    :func:`build_network`'s, one layer per operation.
    """
    H = X if isinstance(X, nd.NDArray) else nd.array(np.asarray(X, dtype=np.float32))
    H = H.reshape((-1, 1, SIDE, SIDE))
    names = iter(stage_names(header["ops"]))
    stages: List[dict] = []
    for op, layer in zip(header["ops"], _layers(net)):
        H = layer(H)
        value = H.asnumpy()
        if op["op"] in ("conv", "dense", "pool"):
            stages.append({"name": next(names), "z": value, "u": value, "y": value})
        elif op["op"] == "bn":
            stages[-1]["u"] = stages[-1]["y"] = value
        else:
            stages[-1]["y"] = value
    p = nd.softmax(H).asnumpy()
    stages.append({"name": "probabilities", "z": p, "u": p, "y": p})
    return stages


def shifted(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """``image`` moved ``dy`` rows down and ``dx`` columns right; zeros come in.

    Examples
    --------
    >>> shifted(np.arange(4.0).reshape(2, 2), 0, 1)
    array([[0., 0.],
           [0., 2.]])
    """
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = image[
        max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out


def _png(pixels: np.ndarray) -> str:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


# -- The explorer -----------------------------------------------------------------


class LeNetExplorer(Explorer):
    """Every layer of a trained LeNet for a digit the reader picks, draws or shifts.

    Parameters
    ----------
    net : Gluon network, optional
        The trained network (a sequence of convolutions, batch normalisation,
        nonlinearities, pooling and dense layers for 1 x 28 x 28 digits).
        Without it, the book's file ``name`` is loaded (the network of §6).
    digits, labels : arrays, optional
        The test digits the page offers (n x 1 x 28 x 28 in [0, 1], 8-bit
        values) and their labels; required with ``net``.
    name : str
        The network's file name in the built book (``weights/NAME.bin``).
    title : str, optional
        How the page names the network.
    digit : int, default 0
        The test digit shown first.
    compare : str, optional
        ``"right"``, ``"left"``, ``"down"`` or ``"up"``: also show, side by
        side, the pooled maps and probabilities of the input moved one pixel
        that way (§10).

    Examples
    --------
    >>> net = nn.HybridSequential()
    >>> net.add(nn.Conv2D(2, 5, padding=2, activation="relu"), nn.MaxPool2D(2),
    ...         nn.Dense(10))
    >>> net.initialize()
    >>> explorer = LeNetExplorer(net, np.zeros((3, 1, 28, 28)), [1, 2, 3],
    ...                          name="tiny", title="a tiny network")
    >>> [s["name"] for s in explorer.stages()]
    ['conv 1', 'pool 1', 'dense 1', 'probabilities']
    >>> explorer.set(shift=[0, 1])
    >>> sorted(explorer.check())
    ['label', 'probabilities']
    """

    module = "lenet.js"
    widget_name = "LeNetWidget"

    def __init__(
        self,
        net=None,
        digits=None,
        labels=None,
        *,
        name: str = "lenet-modern-seed0",
        title: str | None = None,
        digit: int = 0,
        compare: str | None = None,
    ) -> None:
        _checks.require(
            isinstance(name, str) and name.replace("-", "").isalnum(),
            "name",
            "letters, digits and hyphens",
            repr(name),
        )
        _checks.require(
            title is None or isinstance(title, str), "title", "a str", repr(title)
        )
        self.name = name
        if net is None:
            for arg, value in (("digits", digits), ("labels", labels)):
                _checks.require(
                    value is None,
                    arg,
                    "left out unless `net` is given (the shipped network has its own)",
                    _checks.describe(value),
                )
            self.blob = shipped_bytes(name)
        else:
            _checks.instance("net", net, nn.Block, "a Gluon network")
            for arg, value in (("digits", digits), ("labels", labels)):
                _checks.require(value is not None, arg, "given when `net` is", "None")
            self.blob = pack(net, digits, labels, title or name)
        self.header, self.floats, self.digits = unpack(self.blob)
        self.net = build_network(self.header, self.floats)
        state = {
            "data": name,
            "title": title or self.header["title"],
            "digit": digit,
            "pixels": None,
            "shift": [0, 0],
            "selected": self._first_unit(),
            "compare": compare,
            "prediction": None,
            "compared": None,
        }
        super().__init__(state)

    # -- state -------------------------------------------------------------
    def _first_unit(self) -> List[int]:
        """The middle unit of the first map: what the page explains first."""
        shape = self.stage_shapes()[0] + [1, 1]
        return [0, 0, shape[1] // 2, shape[2] // 2]

    def _editable(self) -> tuple:
        return ("digit", "pixels", "shift", "selected", "compare")

    def _no_answer(self) -> State:
        return {"prediction": None, "compared": None}

    def _checked(self, state: State) -> State:
        state = copy.deepcopy(state)
        count = len(self.header["labels"])
        digit = state["digit"]
        _checks.require(
            digit is None or (_checks.is_int(digit) and 0 <= digit < count),
            "digit",
            f"None (a drawing) or a test digit from 0 to {count - 1}",
            repr(digit),
        )
        pixels = state["pixels"]
        if pixels is not None:
            values = _array("pixels", pixels, "784 values in [0, 1]")
            _checks.require(
                values.size == SIDE * SIDE
                and np.all(np.isfinite(values))
                and np.all((values >= 0) & (values <= 1)),
                "pixels",
                "784 values in [0, 1] (a 28 x 28 drawing, row by row)",
                f"{values.size} values",
            )
            state["pixels"] = [float(v) for v in values.ravel()]
        _checks.require(
            digit is not None or pixels is not None,
            "digit",
            "a test digit unless `pixels` holds a drawing",
            "None",
        )
        shift = state["shift"]
        _checks.require(
            isinstance(shift, (list, tuple))
            and len(shift) == 2
            and all(_checks.is_int(v) and abs(v) <= MAX_SHIFT for v in shift),
            "shift",
            f"[rows down, columns right], ints from -{MAX_SHIFT} to {MAX_SHIFT}",
            repr(shift),
        )
        state["shift"] = [int(v) for v in shift]
        if state["compare"] is not None:
            _checks.one_of("compare", state["compare"], list(DIRECTIONS))
        state["selected"] = self._unit("selected", state["selected"])
        return state

    def _unit(self, name: str, unit: Any) -> List[int]:
        shapes = self.stage_shapes()
        ok = (
            isinstance(unit, (list, tuple))
            and len(unit) == 4
            and all(_checks.is_int(v) for v in unit)
            and 0 <= unit[0] < len(shapes) - 1  # the probabilities are not units
        )
        if ok:
            shape = shapes[unit[0]] + [1, 1]
            ok = all(0 <= unit[k + 1] < shape[k] for k in range(3))
        _checks.require(
            ok, name, "[stage, channel, row, column] of a unit of a stage", repr(unit)
        )
        return [int(v) for v in unit]

    # -- what the network computes ----------------------------------------
    def stage_shapes(self) -> List[List[int]]:
        """Each stage's output shape (without the batch axis)."""
        return [list(s["y"].shape[1:]) for s in self.stages(np.zeros((1, SIDE, SIDE)))]

    def input_image(self, state: State | None = None) -> np.ndarray:
        """The 28 x 28 float32 input the state describes (digit or drawing, shifted)."""
        state = self._state if state is None else state
        if state["pixels"] is not None:
            base = np.asarray(state["pixels"], dtype=np.float32).reshape(SIDE, SIDE)
        else:
            base = self.digits[state["digit"]].astype(np.float32) / np.float32(255)
        return shifted(base, *state["shift"])

    def stages(self, X=None) -> List[dict]:
        """MXNet's value of every stage for ``X`` (default: the current input)."""
        X = self.input_image()[None] if X is None else X
        return stage_outputs(self.net, self.header, X)

    def _answer(self, image: np.ndarray) -> Dict[str, Any]:
        p = self.stages(image[None])[-1]["y"][0]
        return {"label": int(p.argmax()), "probabilities": [float(v) for v in p]}

    def check(self) -> Dict[str, Any]:
        """MXNet's prediction for the current input; the page's must agree."""
        expected = self._answer(self.input_image())
        checks = [(self._state.get("prediction"), expected)]
        if self._state["compare"] is not None:
            dy, dx = DIRECTIONS[self._state["compare"]]
            moved = shifted(self.input_image(), dy, dx)
            checks.append((self._state.get("compared"), self._answer(moved)))
        for page, ours in checks:
            if page is not None:
                assert page["label"] == ours["label"], (page, ours)
                gap = np.abs(np.subtract(page["probabilities"], ours["probabilities"]))
                assert gap.max() <= 1e-4, (page, ours)
        return {
            "label": expected["label"],
            "probabilities": [round(v, 4) for v in expected["probabilities"]],
        }

    # -- the book's file ----------------------------------------------------
    def export(self, folder: Path | str | None = None) -> Path:
        """Write this network's file as the book ships it (``weights/NAME.bin``)."""
        folder = weights_folder() if folder is None else Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.name}.bin"
        path.write_bytes(self.blob)
        return path

    def matches_shipped(self, atol: float = 1e-6) -> bool:
        """True if the book's file holds this network: same operations, digits
        and labels, every weight within ``atol``."""
        try:
            header, floats, digits = unpack(shipped_bytes(self.name))
        except ValueError:
            return False
        return (
            header["ops"] == self.header["ops"]
            and header["labels"] == self.header["labels"]
            and np.array_equal(digits, self.digits)
            and floats.shape == self.floats.shape
            and float(np.max(np.abs(floats - self.floats), initial=0)) <= atol
        )

    # -- displays ------------------------------------------------------------
    def page_html(self) -> str:
        """Static rendering, then the state, marked to load when scrolled near.

        The build (``book_lazy_explorers``) replaces the state with a small
        loader that fetches the module and the network file by ``<script>``
        elements when the explorer comes within a screen of the viewport.
        """
        source = module_source(self.module)
        if source.count("export default") != 1 or "</script" in source:
            raise RuntimeError(f"{self.module} must have one `export default`")
        state = json.dumps(self._state, separators=(",", ":")).replace("</", "<\\/")
        return (
            f'<div class="d2l-explorer-static">{self.static_html()}</div>'
            f'<script type="application/json" data-d2l-explorer="{self.module}" '
            f'data-d2l-load="near">{state}</script>'
        )

    def static_html(self) -> str:
        image = self.input_image()
        answer = self._answer(image)
        state = self._state
        if state["pixels"] is None:
            label = self.header["labels"][state["digit"]]
            what = f"test digit {state['digit'] + 1} (a {label})"
        else:
            what = "a drawing"
        p = answer["probabilities"]
        sentence = (
            f"The {html.escape(state['title'])} reads {what} as a {answer['label']} "
            f"with probability {p[answer['label']]:.2f}."
        )
        rows = "".join(
            f"<tr><td>{k}</td><td>{v:.2f}</td></tr>" for k, v in enumerate(p)
        )
        pixels = np.round(np.clip(image, 0, 1) * 255).astype(np.uint8)
        return (
            f'<figure><img src="{_png(pixels)}" width="84" height="84" '
            f'style="image-rendering: pixelated" alt="The input: {what}.">'
            f"<figcaption>{sentence}</figcaption></figure>"
            "<details><summary>The ten probabilities</summary><table>"
            "<tr><th>digit</th><th>probability</th></tr>"
            f"{rows}</table></details>"
            "<p>With JavaScript this is the trained network, live: draw a digit, "
            "pick a test digit or move it, and every layer answers.</p>"
        )

    def _synced_besides_state(self) -> Dict[str, Any]:
        """The network's bytes, which the page runs."""
        import traitlets

        return {"blob": (traitlets.Bytes().tag(sync=True), self.blob)}

    def update_network(self, net, digits=None, labels=None) -> None:
        """Show ``net`` (e.g. after more training) instead; the page follows.

        The digits stay unless new ones are given.
        """
        if digits is None:
            digits = self.digits.astype(np.float32)[:, None] / 255
            labels = self.header["labels"]
        self.blob = pack(net, digits, labels, self._state["title"])
        self.header, self.floats, self.digits = unpack(self.blob)
        self.net = build_network(self.header, self.floats)
        state = {**self._state, **self._no_answer()}
        if state["digit"] is not None and state["digit"] >= len(self.header["labels"]):
            state["digit"] = 0
        self._state = self._checked(state)
        if self._widget is not None:
            self._widget.blob = self.blob
            self._widget.state = copy.deepcopy(self._state)

    @property
    def prediction(self) -> Dict[str, Any] | None:
        """What the page last showed: ``{"label", "probabilities"}``, or None."""
        return copy.deepcopy(self._state.get("prediction"))
