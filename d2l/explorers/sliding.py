"""Cross-correlation and pooling playgrounds that compute in the page.

Both serve ``sliding.js``: an editable input (and kernel), padding, stride,
dilation (cross-correlation only), the output grid, the window of the output
cell the reader points at with its arithmetic, and the output-shape formula
with the current numbers.
"""

from __future__ import annotations

import math
from typing import Any, List, Sequence

from mxnet import nd

from .. import _checks
from ._base import Explorer, State, html_table

__all__ = [
    "CORRELATION_PRESETS",
    "POOLING_PRESETS",
    "CorrelationPlayground",
    "PoolingPlayground",
]

LIMITS = {"n": 8, "k": 5, "p": 4, "s": 4, "d": 3}


def _grid(rows: int, cols: int, value) -> List[List[float]]:
    return [[value(r, c) for c in range(cols)] for r in range(rows)]


def _band() -> List[List[float]]:
    """White (1) with a black (0) vertical band in columns 2-5, 6x8."""
    return _grid(6, 8, lambda r, c: 0 if 2 <= c < 6 else 1)


def _square() -> List[List[float]]:
    """A bright 4x4 square in the middle of a dark 8x8 image."""
    return _grid(8, 8, lambda r, c: 1 if 2 <= r < 6 and 2 <= c < 6 else 0)


def _arange(rows: int, cols: int) -> List[List[float]]:
    return _grid(rows, cols, lambda r, c: r * cols + c)


_SOBEL = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
_PLUS = [[0, 1, 0], [1, 1, 1], [0, 1, 0]]
_SMALL = _grid(8, 8, lambda r, c: (r + 2 * c) % 5 - 2)  # values -2..2

CORRELATION_PRESETS = {
    "19-25-37-43": {"X": _arange(3, 3), "K": [[0, 1], [2, 3]]},
    "edge detector": {"X": _band(), "K": [[1, -1]]},
    "Sobel": {"X": _square(), "K": _SOBEL, "padding": [1, 1]},
    "padding keeps the size": {"X": _SMALL, "K": _PLUS, "padding": [1, 1]},
    "stride 2": {"X": _SMALL, "K": _PLUS, "padding": [1, 1], "stride": [2, 2]},
    "kernel 3x5, stride 3x4": {
        "X": _SMALL,
        "K": _grid(3, 5, lambda r, c: 1),
        "padding": [0, 1],
        "stride": [3, 4],
    },
    "dilation 2": {"X": _arange(7, 7), "K": _PLUS, "dilation": [2, 2]},
    # Section 4's two-channel example (the MXNet edition's), one channel at a
    # time: the two outputs add up to the multi-channel result [[56, 72],
    # [104, 120]].
    "two channels: channel 0": {"X": _arange(3, 3), "K": [[0, 1], [2, 3]]},
    "two channels: channel 1": {
        "X": _grid(3, 3, lambda r, c: 3 * r + c + 1),
        "K": [[1, 2], [3, 4]],
    },
}
# How the page's preset menu shows a preset whose name is not for readers: the
# worked example's name lists its answers, which the menu would give away.
PRESET_LABELS = {"19-25-37-43": "worked example (3\u00d73 input, 2\u00d72 kernel)"}
# What a playground offers unless told otherwise: the single-channel presets.
_CORRELATION_OFFERED = [n for n in CORRELATION_PRESETS if not n.startswith("two ")]

POOLING_PRESETS = {
    "maximum 2x2": {"X": _arange(3, 3), "window": [2, 2], "pool_mode": "max"},
    "average 2x2": {"X": _arange(3, 3), "window": [2, 2], "pool_mode": "avg"},
    "3x3 window, padding 1, stride 2": {
        "X": _arange(4, 4),
        "window": [3, 3],
        "padding": [1, 1],
        "stride": [2, 2],
        "pool_mode": "max",
    },
    "average counts padded zeros": {
        "X": _arange(4, 4),
        "window": [2, 2],
        "padding": [1, 1],
        "stride": [2, 2],
        "pool_mode": "avg",
    },
}

_DEFAULTS = {"padding": [0, 0], "stride": [1, 1], "dilation": [1, 1]}


def _matrix(name: str, value: Any, limit: int) -> List[List[float]]:
    """A rectangular list of lists of finite numbers, 1 to ``limit`` each way."""
    rows = value.tolist() if hasattr(value, "tolist") else value
    ok = (
        isinstance(rows, (list, tuple))
        and 1 <= len(rows) <= limit
        and all(isinstance(r, (list, tuple)) for r in rows)
        and 1 <= len(rows[0]) <= limit
        and all(len(r) == len(rows[0]) for r in rows)
        and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            for r in rows
            for v in r
        )
    )
    _checks.require(
        ok,
        name,
        f"a rectangular grid of finite numbers, 1 to {limit} rows and columns",
        repr(value)[:60],
    )
    return [[float(v) for v in r] for r in rows]


def _bounded_pair(name: str, value: Any, low: int, high: int) -> List[int]:
    pair = _checks.pair(name, value, minimum=low)
    _checks.require(
        max(pair) <= high, name, f"an int or pair of ints from {low} to {high}", pair
    )
    return list(pair)


def _preset_names(presets: Any) -> List[str]:
    """Check the ``presets`` argument of an explorer: a list of preset names."""
    return _checks.sequence_of("presets", presets, str, "preset name")


def _plain(v: float):
    """A float as the page shows it: an int when whole, else 3 decimals."""
    v = float(v)
    return int(v) if v.is_integer() else round(v, 3)


class _Playground(Explorer):
    module = "sliding.js"
    kind = ""
    PRESETS: dict = {}
    OFFERED: list = []  # the presets offered by default

    def __init__(self, preset: str, presets: Sequence[str] | None = None) -> None:
        names = list(self.OFFERED) if presets is None else _preset_names(presets)
        if presets is None and preset not in names:
            names.append(preset)
        for name in names:
            _checks.one_of("presets", name, list(self.PRESETS))
        _checks.one_of("preset", preset, list(self.PRESETS))
        state = {
            "kind": self.kind,
            "limits": LIMITS,
            "presets": {n: {**_DEFAULTS, **self.PRESETS[n]} for n in names},
            "labels": {n: PRESET_LABELS[n] for n in names if n in PRESET_LABELS},
            "preset": preset,
            "selected": [0, 0],
            **_DEFAULTS,
            "pool_mode": "max",
            **self.PRESETS[preset],
            **self._no_answer(),
        }
        super().__init__(state)

    def _no_answer(self) -> State:
        return {"Y": None, "message": ""}

    def _checked(self, state: State) -> State:
        state = dict(state)
        state["X"] = _matrix("X", state["X"], LIMITS["n"])
        state["padding"] = _bounded_pair("padding", state["padding"], 0, LIMITS["p"])
        state["stride"] = _bounded_pair("stride", state["stride"], 1, LIMITS["s"])
        state["selected"] = list(_checks.pair("selected", state["selected"], 0))
        return state

    def geometry(self) -> tuple:
        """Output (height, width), or ``None`` and MXNet's rule in words."""
        raise NotImplementedError

    def mxnet_output(self) -> nd.NDArray:
        raise NotImplementedError

    def check(self) -> Any:
        """MXNet's answer for the current state, as Python numbers.

        In a live notebook the page has written its own answer into the state
        (``state["Y"]``, or the rule in ``state["message"]``); it must agree.
        An invalid setting returns the rule in words instead of a grid.
        """
        shape, rule = self.geometry()
        page = self._state.get("Y")
        if shape is None:
            assert page is None, f"the page computed {page}; MXNet refuses: {rule}"
            return rule
        expected = [
            [_plain(v) for v in row] for row in self.mxnet_output().asnumpy().tolist()
        ]
        if page is not None:
            assert len(page) == shape[0] and all(
                len(r) == shape[1] and all(abs(a - b) <= 1e-3 for a, b in zip(r, e))
                for r, e in zip(page, expected)
            ), f"the page shows {page}, MXNet {expected}"
        return expected

    def _axes(self, k: List[int], d: List[int]) -> tuple:
        n = (len(self._state["X"]), len(self._state["X"][0]))
        p, s = self._state["padding"], self._state["stride"]
        words = ("rows", "columns")
        out = []
        for a in range(2):
            span, padded = d[a] * (k[a] - 1) + 1, n[a] + 2 * p[a]
            if self.kind == "pooling" and p[a] >= k[a]:
                return None, (
                    "No output: MXNet needs the padding to be smaller than the "
                    f"pooling window on each axis, but {p[a]} {words[a]} of padding "
                    f"is not smaller than a window of {k[a]} {words[a]}."
                )
            if span > padded:
                what = "pooling window" if self.kind == "pooling" else "kernel"
                return None, (
                    f"No output: the {'dilated ' * (d[a] > 1)}{what} spans {span} "
                    f"{words[a]}, but the padded input has only {padded}. "
                    "MXNet refuses a window that does not fit inside the padded input."
                )
            out.append((padded - span) // s[a] + 1)
        return tuple(out), ""

    def static_html(self) -> str:
        shape, rule = self.geometry()
        tables = [html_table(self._state["X"], "Input X", lambda v: str(_plain(v)))]
        if self.kind == "correlation":
            tables.append(html_table(self._state["K"], "Kernel K", str))
        if shape is None:
            result = f"<p>{rule}</p>"
        else:
            Y = self.mxnet_output().asnumpy().tolist()
            result = html_table(Y, f"Output Y, shape {shape}", lambda v: str(_plain(v)))
        settings = ", ".join(
            f"{k} {tuple(self._state[k])}" for k in self._settings_shown()
        )
        return (
            f"<p>Settings: {settings}. With JavaScript this is an editable "
            f"playground.</p>{''.join(tables)}{result}"
        )

    def _settings_shown(self) -> tuple:
        return ("padding", "stride")


class CorrelationPlayground(_Playground):
    """Cross-correlation with padding, stride and dilation, in the page.

    Parameters
    ----------
    preset : str
        One of ``CORRELATION_PRESETS``: the first state shown.
    presets : list of str, optional
        The presets the page offers (default: all but the two-channel
        example's channels, which section 4 offers side by side).

    Examples
    --------
    >>> playground = CorrelationPlayground("19-25-37-43")
    >>> playground.check()
    [[19, 25], [37, 43]]
    >>> playground.set(dilation=[3, 3])
    >>> playground.check()[:60]
    'No output: the dilated kernel spans 4 rows, but the padded i'
    """

    kind = "correlation"
    widget_name = "CorrelationWidget"
    PRESETS = CORRELATION_PRESETS
    OFFERED = _CORRELATION_OFFERED

    def __init__(
        self, preset: str = "19-25-37-43", presets: Sequence[str] | None = None
    ) -> None:
        super().__init__(preset, presets)

    def _editable(self) -> tuple:
        return ("X", "K", "padding", "stride", "dilation", "selected")

    def _checked(self, state: State) -> State:
        state = super()._checked(state)
        state["K"] = _matrix("K", state["K"], LIMITS["k"])
        state["dilation"] = _bounded_pair("dilation", state["dilation"], 1, LIMITS["d"])
        return state

    def geometry(self) -> tuple:
        K = self._state["K"]
        return self._axes([len(K), len(K[0])], self._state["dilation"])

    def mxnet_output(self) -> nd.NDArray:
        """``nd.Convolution`` (one channel, no bias) of the current state."""
        s = self._state
        X = nd.array(s["X"])
        K = nd.array(s["K"])
        Y = nd.Convolution(
            X.reshape((1, 1, *X.shape)),
            K.reshape((1, 1, *K.shape)),
            kernel=K.shape,
            pad=tuple(s["padding"]),
            stride=tuple(s["stride"]),
            dilate=tuple(s["dilation"]),
            num_filter=1,
            no_bias=True,
        )
        return Y[0, 0]

    def _settings_shown(self) -> tuple:
        return ("padding", "stride", "dilation")


class PoolingPlayground(_Playground):
    """Max or average pooling with padding and stride, in the page.

    As in MXNet, max pooling pads with minus infinity and average pooling
    counts padded zeros (``count_include_pad=True``).

    Examples
    --------
    >>> playground = PoolingPlayground("average counts padded zeros")
    >>> playground.check()
    [[0, 0.75, 0.75], [3, 7.5, 4.5], [3, 6.75, 3.75]]
    >>> playground.set(padding=[2, 2])
    >>> playground.check()[:40]
    'No output: MXNet needs the padding to be'
    """

    kind = "pooling"
    widget_name = "PoolingWidget"
    PRESETS = POOLING_PRESETS
    OFFERED = list(POOLING_PRESETS)

    def __init__(
        self, preset: str = "maximum 2x2", presets: Sequence[str] | None = None
    ) -> None:
        super().__init__(preset, presets)

    def _editable(self) -> tuple:
        return ("X", "window", "pool_mode", "padding", "stride", "selected")

    def _checked(self, state: State) -> State:
        state = super()._checked(state)
        state["window"] = _bounded_pair("window", state["window"], 1, LIMITS["k"])
        _checks.one_of("pool_mode", state["pool_mode"], ["max", "avg"])
        return state

    def geometry(self) -> tuple:
        return self._axes(self._state["window"], [1, 1])

    def mxnet_output(self) -> nd.NDArray:
        """``nd.Pooling`` of the current state (padded zeros count in 'avg')."""
        s = self._state
        X = nd.array(s["X"])
        Y = nd.Pooling(
            X.reshape((1, 1, *X.shape)),
            kernel=tuple(s["window"]),
            pad=tuple(s["padding"]),
            stride=tuple(s["stride"]),
            pool_type=s["pool_mode"],
            count_include_pad=True,
        )
        return Y[0, 0]

    def _settings_shown(self) -> tuple:
        return ("window", "padding", "stride")
