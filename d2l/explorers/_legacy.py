"""Interactive explorers (ipywidgets) with a static rendering for the book.

Each explorer keeps its logic in pure functions (``describe_shapes``,
``describe_filter``) that tests call directly; the widgets only read their
values, call those functions and redraw.

In a live notebook ``show()`` displays the widgets. Anywhere else (the
``nbconvert`` run that stores the book's outputs, nbval, a script) it displays
a picture and a line of text of the default state instead: the built book has
no kernel, so a stored widget would render as an empty box. No widget is even
created in that case, so no widget state is stored in the notebook.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Dict, Tuple

import matplotlib.pyplot as plt
import mxnet as mx
import numpy as np
from matplotlib.figure import Figure
from mxnet import gluon, nd
from numpy.typing import ArrayLike

from .. import _checks
from ..convolution import corr2d
from ..figures import describe_corr2d, draw_window_step
from ..plotting import show_images
from ..shapes import conv_output_shape

if TYPE_CHECKING:  # ipywidgets is imported only when a widget is built
    import ipywidgets

__all__ = [
    "live_frontend",
    "ShapeReport",
    "describe_shapes",
    "draw_shapes",
    "ShapeExplorer",
    "KERNEL_PRESETS",
    "load_photo",
    "describe_filter",
    "draw_filter",
    "FilterReport",
    "KernelExplorer",
]

Pair = Tuple[int, int]


def live_frontend() -> bool:
    """True when a Jupyter front end that can show widgets runs this kernel.

    The variable ``D2L_WIDGETS`` (``1`` or ``0``) decides when set; otherwise a
    kernel started by a Jupyter server (which sets ``JPY_SESSION_NAME``) or
    running in Colab counts as live.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"D2L_WIDGETS": "0"}):
    ...     live_frontend()
    False
    """
    flag = os.environ.get("D2L_WIDGETS")
    if flag is not None:
        return flag == "1"
    return "JPY_SESSION_NAME" in os.environ or "google.colab" in sys.modules


def _display(*objects) -> None:
    from IPython.display import display  # only needed inside Jupyter

    display(*objects)


def _show_figure(fig: Figure | None) -> None:
    """Display ``fig`` once (closed, so the inline backend does not repeat it)."""
    if fig is not None:
        _display(fig)
        plt.close(fig)


# --------------------------------------------------------------------------
# Output-shape explorer
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ShapeReport:
    """Output shape of one configuration, from the formula and from Gluon."""

    n: Pair  # input (n_h, n_w)
    k: Pair  # kernel (k_h, k_w)
    p: Pair  # padding (p_h, p_w) on each side, as Gluon's ``padding``
    s: Pair  # stride (s_h, s_w)
    formula_shape: Pair | None
    layer_shape: Pair | None

    @property
    def padded(self) -> Pair:
        return (self.n[0] + 2 * self.p[0], self.n[1] + 2 * self.p[1])

    @property
    def valid(self) -> bool:
        return self.k[0] <= self.padded[0] and self.k[1] <= self.padded[1]

    @property
    def message(self) -> str:
        if not self.valid:
            return (
                f"Invalid: the kernel {self.k[0]}x{self.k[1]} is larger than the "
                f"padded input {self.padded[0]}x{self.padded[1]}; there is no "
                "position for the window."
            )
        agree = "" if self.formula_shape == self.layer_shape else " (MISMATCH)"
        return (
            f"Output shape: {self.formula_shape} from the formula, "
            f"{self.layer_shape} from nn.Conv2D{agree}."
        )


def describe_shapes(
    n: Pair, k: Pair, p: Pair = (0, 0), s: Pair = (1, 1)
) -> ShapeReport:
    """Compute the output shape twice: ``d2l.conv_output_shape`` and a real layer.

    Examples
    --------
    >>> describe_shapes((8, 8), (3, 5), (0, 1), (3, 4)).message
    'Output shape: (2, 2) from the formula, (2, 2) from nn.Conv2D.'
    """
    n = _checks.pair("n", n)
    k = _checks.pair("k", k)
    p = _checks.pair("p", p, minimum=0)
    s = _checks.pair("s", s)
    report = ShapeReport(n, k, p, s, None, None)
    if not report.valid:
        return report
    formula = tuple(int(v) for v in conv_output_shape(n, k, padding=p, stride=s))
    layer = gluon.nn.Conv2D(1, kernel_size=k, padding=p, strides=s)
    layer.initialize(ctx=mx.cpu())
    Y = layer(nd.zeros((1, 1, *n)))
    return ShapeReport(n, k, p, s, formula, tuple(Y.shape[2:]))


def draw_shapes(report: ShapeReport) -> Figure | None:
    """Draw the padded input with the first window and the output grid.

    An invalid configuration has no window position and no picture (None).

    Examples
    --------
    >>> fig = draw_shapes(describe_shapes((4, 4), (3, 3), (1, 1), (2, 2)))
    >>> len(fig.axes)
    1
    >>> plt.close(fig)
    >>> draw_shapes(describe_shapes((3, 3), (5, 5))) is None
    True
    """
    if not report.valid:
        return None
    X = nd.arange(report.n[0] * report.n[1]).reshape(report.n)
    step = describe_corr2d(X, nd.ones(report.k), padding=report.p, stride=report.s)
    return draw_window_step(step, detail=False)


class ShapeExplorer:
    """Sliders for input size, kernel size, padding and stride, per axis.

    Examples
    --------
    >>> explorer = ShapeExplorer()
    >>> explorer.set(n_h=3, p_h=0, k_h=5)
    >>> explorer.report.message[:8]
    'Invalid:'
    """

    LIMITS = {"n": (3, 10), "k": (1, 7), "p": (0, 3), "s": (1, 4)}

    def __init__(
        self, n: Pair = (8, 8), k: Pair = (3, 3), p: Pair = (1, 1), s: Pair = (2, 2)
    ) -> None:
        self.values: Dict[str, int] = {}
        for name, pair in (("n", n), ("k", k), ("p", p), ("s", s)):
            h, w = _checks.pair(name, pair, minimum=0)
            self.values[f"{name}_h"] = self._in_range(f"{name}_h", h)
            self.values[f"{name}_w"] = self._in_range(f"{name}_w", w)
        self._widgets = None
        self.report = self._describe(self.values)

    def _in_range(self, name: str, value: int) -> int:
        """Check ``value`` against the range of slider ``name`` (e.g. ``k_w``)."""
        lo, hi = self.LIMITS[name[0]]
        _checks.require(
            _checks.is_int(value) and lo <= value <= hi,
            name,
            f"an int from {lo} to {hi}",
            repr(value),
        )
        return int(value)

    @staticmethod
    def _describe(v: Dict[str, int]) -> ShapeReport:
        return describe_shapes(
            (v["n_h"], v["n_w"]),
            (v["k_h"], v["k_w"]),
            (v["p_h"], v["p_w"]),
            (v["s_h"], v["s_w"]),
        )

    def set(self, **values: int) -> None:
        """Set slider values by name (``n_h``, ``k_w``, ...) and update.

        Every value is checked before any is set, so a rejected call changes
        nothing.
        """
        for name, value in values.items():
            if name not in self.values:
                raise ValueError(f"`{name}` must be one of {sorted(self.values)}")
            self._in_range(name, value)
        if self._widgets is None:
            self.values.update(values)
        else:
            for name, value in values.items():
                self._widgets["sliders"][name].value = value  # observer updates
        self.update()

    def update(self, change: dict | None = None) -> None:
        """Read the sliders (if built), recompute the report and redraw."""
        if self._widgets is not None:
            for name, slider in self._widgets["sliders"].items():
                self.values[name] = slider.value
        self.report = self._describe(self.values)
        if self._widgets is not None:
            self._widgets["message"].value = self.report.message
            self._redraw()

    def _redraw(self) -> None:
        out = self._widgets["picture"]
        fig = draw_shapes(self.report)
        # With no new picture (an invalid setting) the old one must go at once.
        out.clear_output(wait=fig is not None)
        with out:
            _show_figure(fig)

    @property
    def widget(self) -> ipywidgets.VBox:
        """The widget box; built on first use (needs ipywidgets)."""
        if self._widgets is None:
            import ipywidgets as w

            sliders = {}
            for name, value in self.values.items():
                lo, hi = self.LIMITS[name[0]]
                sliders[name] = w.IntSlider(
                    value=value, min=lo, max=hi, description=name
                )
                sliders[name].observe(self.update, names="value")
            self._widgets = {
                "sliders": sliders,
                "message": w.Label(value=self.report.message),
                "picture": w.Output(),
            }
            rows = [w.HBox([sliders[f"{q}_h"], sliders[f"{q}_w"]]) for q in "nkps"]
            self._widgets["box"] = w.VBox(
                [*rows, self._widgets["message"], self._widgets["picture"]]
            )
            self._redraw()
        return self._widgets["box"]

    def show(self) -> None:
        """Widgets in a live notebook; a picture and the message elsewhere."""
        if live_frontend():
            _display(self.widget)
        else:
            _show_figure(draw_shapes(self.report))
            print(self.report.message)


# --------------------------------------------------------------------------
# A 3x3 kernel on a photograph
# --------------------------------------------------------------------------

KERNEL_PRESETS = {
    "vertical edges": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],  # Sobel
    "horizontal edges": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],  # its transpose
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


def load_photo(step: int = 4, ctx: mx.Context | None = None) -> nd.NDArray:
    """Grace Hopper's portrait (shipped with matplotlib), grey, every ``step``-th pixel.

    Values lie in [0, 1]; nothing is downloaded.

    Examples
    --------
    >>> photo = load_photo(step=8)
    >>> photo.shape, photo.context
    ((75, 64), cpu(0))
    """
    import matplotlib.cbook as cbook

    if not _checks.is_int(step) or step < 1:
        raise ValueError(f"`step` must be a positive int, got {step!r}")
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = plt.imread(f, format="jpg")
    grey = rgb.mean(axis=2)[::step, ::step] / 255
    return nd.array(grey, ctx=ctx or mx.cpu())


@dataclass(frozen=True)
class FilterReport:
    """A 3x3 kernel and the filtered photo, with a one-line summary."""

    K: np.ndarray
    Y: nd.NDArray

    @property
    def message(self) -> str:
        Y = self.Y.asnumpy()
        rows = " ".join("[" + " ".join(f"{v:.3g}" for v in r) + "]" for r in self.K)
        return (
            f"K = [{rows}]: output {Y.shape[0]}x{Y.shape[1]}, values from "
            f"{Y.min():.2f} to {Y.max():.2f}, mean {Y.mean():.2f}."
        )


def describe_filter(photo: nd.NDArray, K: ArrayLike) -> FilterReport:
    """Cross-correlate the photo with the 3x3 kernel ``K`` (``d2l.corr2d``).

    The result has the photo's context and dtype.

    Examples
    --------
    >>> describe_filter(nd.ones((5, 5)), KERNEL_PRESETS["identity"]).message
    'K = [[0 0 0] [0 1 0] [0 0 0]]: output 3x3, values from 1.00 to 1.00, mean 1.00.'
    """
    _checks.ndim("photo", photo, 2)
    K = np.asarray(K, dtype=np.float32)
    if K.shape != (3, 3):
        raise ValueError(f"`K` must have shape (3, 3), got {K.shape}")
    K_nd = nd.array(K, ctx=photo.context, dtype=photo.dtype)
    return FilterReport(K=K, Y=corr2d(photo, K_nd))


def draw_filter(photo: nd.NDArray, report: FilterReport) -> Figure:
    """The photo and its filtered version side by side (``d2l.show_images``).

    Examples
    --------
    >>> photo = nd.ones((5, 5))
    >>> fig = draw_filter(photo, describe_filter(photo, KERNEL_PRESETS["blur"]))
    >>> [ax.get_title() for ax in fig.axes]
    ['photo X', 'X ⋆ K']
    >>> plt.close(fig)
    """
    return show_images([photo, report.Y], titles=["photo X", "X ⋆ K"], figsize=(5, 3))


class KernelExplorer:
    """Edit a 3x3 kernel (or pick a preset) and see it filter a photograph.

    ``photo`` is any 2-D grey image; by default :func:`load_photo` with ``step``.

    Examples
    --------
    >>> explorer = KernelExplorer("identity", photo=nd.arange(20).reshape((4, 5)))
    >>> explorer.set_kernel(KERNEL_PRESETS["sharpen"])  # a ramp stays a ramp
    >>> explorer.report.Y.asnumpy().tolist()
    [[6.0, 7.0, 8.0], [11.0, 12.0, 13.0]]
    """

    def __init__(
        self,
        preset: str = "vertical edges",
        photo: nd.NDArray | None = None,
        step: int = 4,
    ) -> None:
        if preset not in KERNEL_PRESETS:
            raise ValueError(
                f"`preset` must be one of {list(KERNEL_PRESETS)}, got {preset!r}"
            )
        self.photo = load_photo(step) if photo is None else photo
        self.K = np.array(KERNEL_PRESETS[preset], dtype=np.float32)
        self.preset = preset
        self._widgets = None
        self._syncing = False  # True while set_kernel fills the nine boxes
        self.report = describe_filter(self.photo, self.K)

    def set_kernel(self, K: ArrayLike) -> None:
        """Set all nine weights and update."""
        K = np.asarray(K, dtype=np.float32)
        if K.shape != (3, 3):
            raise ValueError(f"`K` must have shape (3, 3), got {K.shape}")
        if self._widgets is None:
            self.K = K
            self.update()
            return
        self._syncing = True  # one redraw for nine changes, not nine
        for (r, c), box in self._widgets["cells"].items():
            box.value = float(K[r, c])
        self._syncing = False
        self.update()

    def update(self, change: dict | None = None) -> None:
        """Read the nine weights (if built), refilter and redraw."""
        if self._syncing:
            return
        if self._widgets is not None:
            for (r, c), box in self._widgets["cells"].items():
                self.K[r, c] = box.value
        self.report = describe_filter(self.photo, self.K)
        if self._widgets is not None:
            self._widgets["message"].value = self.report.message
            out = self._widgets["picture"]
            out.clear_output(wait=True)
            with out:
                _show_figure(draw_filter(self.photo, self.report))

    @property
    def widget(self) -> ipywidgets.VBox:
        """The widget box; built on first use (needs ipywidgets)."""
        if self._widgets is None:
            import ipywidgets as w

            cells = {}
            for r in range(3):
                for c in range(3):
                    box = w.FloatText(
                        value=float(self.K[r, c]),
                        step=0.5,
                        layout=w.Layout(width="70px"),
                    )
                    box.observe(self.update, names="value")
                    cells[r, c] = box
            presets = w.Dropdown(
                options=list(KERNEL_PRESETS), value=self.preset, description="preset"
            )
            presets.observe(
                lambda ch: self.set_kernel(KERNEL_PRESETS[ch["new"]]), names="value"
            )
            grid = w.GridBox(
                list(cells.values()),
                layout=w.Layout(grid_template_columns="repeat(3, 75px)"),
            )
            self._widgets = {
                "cells": cells,
                "presets": presets,
                "message": w.Label(),
                "picture": w.Output(),
            }
            self._widgets["box"] = w.VBox(
                [presets, grid, self._widgets["message"], self._widgets["picture"]]
            )
            self.update()
        return self._widgets["box"]

    def show(self) -> None:
        """Widgets in a live notebook; a picture and the message elsewhere."""
        if live_frontend():
            _display(self.widget)
        else:
            _show_figure(draw_filter(self.photo, self.report))
            print(self.report.message)
