"""Shape and receptive-field calculator for a stack of layers, in the page.

Serves ``network.js``. Layers are dicts with a ``type`` (``conv``,
``maxpool``, ``avgpool``, ``dense``) and square sizes: kernel or window ``k``,
padding ``p``, stride ``s``, dilation ``d`` and channels ``c`` (convolution),
or ``units`` (dense). ``check`` builds the same stack in Gluon and compares.
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List, Sequence

import mxnet as mx
from mxnet import gluon, nd

from .. import _checks
from .._kinds import for_gluon
from ._base import Explorer, State
from .sliding import _preset_names

__all__ = ["NETWORK_PRESETS", "NetworkCalculator", "gluon_rows"]

_NEW = {"type": "conv", "k": 3, "p": 1, "s": 1, "d": 1, "c": 8, "units": 10}
_LIMITS = {"k": (1, 11), "p": (0, 10), "s": (1, 8), "d": (1, 4), "c": (1, 1024)}
_LIMITS["units"] = (1, 4096)


def conv(k: int, c: int, p: int = 0, s: int = 1, d: int = 1) -> Dict[str, Any]:
    return {**_NEW, "type": "conv", "k": k, "c": c, "p": p, "s": s, "d": d}


def pool(kind: str, k: int, s: int, p: int = 0) -> Dict[str, Any]:
    return {**_NEW, "type": kind, "k": k, "s": s, "p": p}


def dense(units: int) -> Dict[str, Any]:
    return {**_NEW, "type": "dense", "units": units}


NETWORK_PRESETS = {
    # The LeNet-5 the book trains on 28x28 digits (sigmoid activations add no
    # shape, parameter or multiply-add, so they are not layers here).
    "LeNet-5": {
        "input": [1, 28, 28],
        "layers": [
            conv(5, 6, p=2),
            pool("avgpool", 2, 2),
            conv(5, 16),
            pool("avgpool", 2, 2),
            dense(120),
            dense(84),
            dense(10),
        ],
    },
    "VGG block (two 3x3 convolutions, 2x2 max pooling)": {
        "input": [3, 224, 224],
        "layers": [conv(3, 64, p=1), conv(3, 64, p=1), pool("maxpool", 2, 2)],
    },
    "ResNet stem (7x7 stride 2, 3x3 max pooling stride 2)": {
        "input": [3, 224, 224],
        "layers": [conv(7, 64, p=3, s=2), pool("maxpool", 3, 2, p=1)],
    },
    "dilation grows the receptive field": {
        "input": [1, 32, 32],
        "layers": [conv(3, 8, p=1), conv(3, 8, p=2, d=2), conv(3, 8, p=4, d=4)],
    },
}


def _layer(i: int, layer: Any) -> Dict[str, Any]:
    name = f"layers[{i}]"
    _checks.instance(name, layer, dict, "a dict")
    _checks.one_of(
        f"{name}['type']",
        layer.get("type"),
        list(("conv", "maxpool")) + ["avgpool", "dense"],
    )
    checked = {**_NEW, **layer}
    for key, (low, high) in _LIMITS.items():
        value = checked[key]
        _checks.require(
            _checks.is_int(value) and low <= value <= high,
            f"{name}['{key}']",
            f"an int from {low} to {high}",
            repr(value),
        )
    return checked


def _gluon_layer(layer: Dict[str, Any]) -> gluon.Block:
    t, k, p, s = layer["type"], layer["k"], layer["p"], layer["s"]
    if t == "conv":
        return gluon.nn.Conv2D(layer["c"], k, strides=s, padding=p, dilation=layer["d"])
    if t == "maxpool":
        return gluon.nn.MaxPool2D(k, strides=s, padding=p)
    if t == "avgpool":
        return gluon.nn.AvgPool2D(k, strides=s, padding=p)
    return gluon.nn.Dense(layer["units"])


def gluon_rows(input_shape: Sequence[int], layers: List[dict]) -> List[dict]:
    """Each layer's output shape and parameter count from real Gluon layers.

    A layer MXNet refuses (and every layer after it) gets ``{"error": ...}``
    with MXNet's own message.

    Examples
    --------
    >>> gluon_rows([1, 8, 8], [conv(3, 2), dense(5)])
    [{'shape': [2, 6, 6], 'params': 20}, {'shape': [5], 'params': 365}]
    """
    X = for_gluon(nd.zeros((1, *input_shape)))
    rows: List[dict] = []
    for layer in layers:
        if rows and "error" in rows[-1]:
            rows.append({"error": "after a refused layer"})
            continue
        if layer["type"] in ("maxpool", "avgpool") and layer["p"] >= layer["k"]:
            # MXNet's CPU (oneDNN) pooling refuses this ("pad_l < kernel"),
            # but only when that kernel runs; the fallback would pool windows
            # of padding alone. d2l.pool2d refuses it too.
            rows.append({"error": "padding not smaller than the window"})
            continue
        block = _gluon_layer(layer)
        block.initialize(ctx=mx.cpu())
        try:
            X = block(X)
            X.wait_to_read()
        except (mx.base.MXNetError, ValueError) as error:
            # Gluon wraps the operator's error in a ValueError.
            rows.append({"error": str(error).splitlines()[0]})
            continue
        params = sum(p.data().size for p in block.collect_params().values())
        rows.append({"shape": list(X.shape[1:]), "params": int(params)})
    return rows


class NetworkCalculator(Explorer):
    """Output shape, parameters, multiply-adds and receptive field per layer.

    Parameters
    ----------
    preset : str
        One of ``NETWORK_PRESETS``, the stack shown first.
    presets : list of str, optional
        The presets the page offers (default: all).

    Examples
    --------
    >>> calculator = NetworkCalculator("LeNet-5")
    >>> [row["shape"] for row in calculator.check()][:2]
    [[6, 28, 28], [6, 14, 14]]
    >>> sum(row["params"] for row in calculator.check())
    61706
    """

    module = "network.js"
    widget_name = "NetworkWidget"

    def __init__(
        self, preset: str = "LeNet-5", presets: Sequence[str] | None = None
    ) -> None:
        names = list(NETWORK_PRESETS) if presets is None else _preset_names(presets)
        for name in names:
            _checks.one_of("presets", name, list(NETWORK_PRESETS))
        _checks.one_of("preset", preset, list(NETWORK_PRESETS))
        state = {
            "presets": {n: copy.deepcopy(NETWORK_PRESETS[n]) for n in names},
            "preset": preset,
            **copy.deepcopy(NETWORK_PRESETS[preset]),
            "rows": None,
        }
        super().__init__(state)

    def _editable(self) -> tuple:
        return ("input", "layers")

    def _no_answer(self) -> State:
        return {"rows": None}

    def _checked(self, state: State) -> State:
        state = copy.deepcopy(state)
        shape = state["input"]
        _checks.require(
            isinstance(shape, (list, tuple))
            and len(shape) == 3
            and all(_checks.is_int(v) and 1 <= v <= 1024 for v in shape),
            "input",
            "[channels, height, width], ints from 1 to 1024",
            repr(shape),
        )
        state["input"] = [int(v) for v in shape]
        _checks.instance("layers", state["layers"], (list, tuple), "a list of dicts")
        state["layers"] = [_layer(i, layer) for i, layer in enumerate(state["layers"])]
        return state

    def check(self) -> List[dict]:
        """Gluon's shapes and parameter counts; the page's table must agree.

        In a live notebook the page has written ``state["rows"]``; each of its
        rows must have Gluon's shape and parameter count, and a layer the page
        refuses must be one MXNet refuses.
        """
        expected = gluon_rows(self._state["input"], self._state["layers"])
        page = self._state.get("rows")
        if page is not None:
            for i, (mine, ref) in enumerate(zip(page, expected)):
                if "error" in ref:
                    assert mine.get("error"), f"layer {i + 1}: MXNet refuses it"
                else:
                    assert [mine.get("shape"), mine.get("params")] == [
                        ref["shape"],
                        ref["params"],
                    ], f"layer {i + 1}: page {mine}, Gluon {ref}"
        return expected

    def static_html(self) -> str:
        rows = gluon_rows(self._state["input"], self._state["layers"])
        items = []
        for layer, row in zip(self._state["layers"], rows):
            what = _describe(layer)
            if "error" in row:
                items.append(f"<li>{what}: no output (MXNet refuses this layer)</li>")
            else:
                shape = " \u00d7 ".join(str(v) for v in row["shape"])
                items.append(
                    f"<li>{what}: output {shape}, {row['params']:,} parameters</li>"
                )
        c, h, w = self._state["input"]
        return (
            f"<p>Input {c} \u00d7 {h} \u00d7 {w}. With JavaScript this is an "
            f"editable calculator.</p><ol>{''.join(items)}</ol>"
        )


def _describe(layer: Dict[str, Any]) -> str:
    t = layer["type"]
    if t == "dense":
        return f"dense, {layer['units']} outputs"
    kind = {
        "conv": "convolution",
        "maxpool": "max pooling",
        "avgpool": "average pooling",
    }
    extra = f", {layer['c']} channels, dilation {layer['d']}" if t == "conv" else ""
    k, p, s = layer["k"], layer["p"], layer["s"]
    return f"{kind[t]} {k}x{k}, padding {p}, stride {s}{extra}"
