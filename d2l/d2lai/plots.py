"""d2l.ai's plotting calls, with d2l's signatures and behaviour.

The book's own :mod:`d2l.plotting` opens a figure per call and returns it;
d2l.ai's code expects other habits, which these functions keep:

* :func:`plot` draws on the current axes (or ``axes``), clearing them
  first, and returns nothing;
* :func:`show_images` takes ``(imgs, num_rows, num_cols)`` and returns the
  flat array of axes; :func:`show_heatmaps` takes a 4-D stack of matrices;
* :class:`Animator` (0.17) and :class:`ProgressBoard` (1.0) redraw one
  figure as training adds points. In a notebook the figure is shown once and
  then updated in place, so the lines the training prints stay visible.

Examples
--------
>>> x = np.arange(3.0)
>>> plot(x, [x**2, x], "x", "f(x)", legend=["square", "identity"])
>>> [t.get_text() for t in plt.gca().get_legend().get_texts()]
['square', 'identity']
>>> plt.close("all")
"""

from __future__ import annotations

import itertools
from typing import Any, Sequence

import matplotlib.pyplot as plt
import numpy as np

from ..training import display_updatable
from .framework_base import HyperParameters

__all__ = [
    "use_svg_display",
    "set_figsize",
    "set_axes",
    "plot",
    "show_images",
    "show_heatmaps",
    "Animator",
    "ProgressBoard",
]

#: d2l's line formats for successive curves.
FORMATS = ("-", "m--", "g-.", "r:")


def use_svg_display() -> None:
    """Show Matplotlib figures as SVG in a Jupyter notebook (no-op elsewhere)."""
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # no IPython: nothing displays figures anyway
        return
    if get_ipython() is not None:
        set_matplotlib_formats("svg")


def set_figsize(figsize: Sequence[float] = (3.5, 2.5)) -> None:
    """Use SVG and make ``figsize`` (inches) the size of the figures that follow."""
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend) -> None:
    """Label, limit and scale ``axes``, add a legend when given, and a grid."""
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid()


def _as_list(values: Any) -> list:
    """A value d2l accepts for ``plot``'s X or Y, as a list of series."""
    one_axis = (hasattr(values, "ndim") and values.ndim == 1) or (
        isinstance(values, list) and not hasattr(values[0], "__len__")
    )
    return [values] if one_axis else list(values)


def _plain(series: Any) -> Any:
    return series.asnumpy() if hasattr(series, "asnumpy") else series


def plot(
    X,
    Y=None,
    xlabel=None,
    ylabel=None,
    legend=None,
    xlim=None,
    ylim=None,
    xscale="linear",
    yscale="linear",
    fmts=FORMATS,
    figsize=(3.5, 2.5),
    axes=None,
) -> None:
    """Plot one or more series on ``axes`` (the current axes by default).

    With ``Y`` omitted, ``X`` holds the series and each is drawn against its
    index. One ``X`` serves every ``Y`` when there are more ``Y`` than ``X``.
    """
    xs = _as_list(X)
    if Y is None:
        xs, ys = [[]] * len(xs), xs
    else:
        ys = _as_list(Y)
    if len(xs) != len(ys):
        xs = xs * len(ys)
    set_figsize(figsize)
    axes = axes if axes is not None else plt.gca()
    axes.cla()
    for x, y, fmt in zip(xs, ys, fmts):
        if len(x):
            axes.plot(_plain(x), _plain(y), fmt)
        else:
            axes.plot(_plain(y), fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend or [])


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Draw ``imgs`` in a ``num_rows`` x ``num_cols`` grid; return the axes."""
    figsize = (num_cols * scale, num_rows * scale)
    _, axes = plt.subplots(num_rows, num_cols, figsize=figsize, squeeze=False)
    axes = axes.flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(_plain(img))
        ax.get_xaxis().set_visible(False)
        ax.get_yaxis().set_visible(False)
        if titles:
            ax.set_title(titles[i])
    return axes


def show_heatmaps(
    matrices, xlabel, ylabel, titles=None, figsize=(2.5, 2.5), cmap="Reds"
):
    """Draw a (rows, columns, h, w) stack of matrices as heat maps, one colour bar."""
    use_svg_display()
    rows, cols = matrices.shape[:2]
    fig, axes = plt.subplots(
        rows, cols, figsize=figsize, sharex=True, sharey=True, squeeze=False
    )
    image = None
    for i, j in itertools.product(range(rows), range(cols)):
        ax = axes[i, j]
        image = ax.imshow(_plain(matrices[i][j]), cmap=cmap)
        if i == rows - 1:
            ax.set_xlabel(xlabel)
        if j == 0:
            ax.set_ylabel(ylabel)
        if titles:
            ax.set_title(titles[j])
    fig.colorbar(image, ax=axes, shrink=0.6)


class _LiveFigure:
    """A figure shown once in a notebook and then updated where it stands."""

    def __init__(self, fig) -> None:
        self.fig = fig
        self._handle = None
        # Let the handle, not pyplot's end-of-cell display, show the figure:
        # otherwise a notebook would show it twice.
        plt.close(fig)

    def show(self) -> None:
        if self._handle is None:
            self._handle = display_updatable(self.fig)
        else:
            self._handle.update(self.fig)


class Animator:
    """Add points to curves and redraw them (d2l 0.17's training plot)."""

    def __init__(
        self,
        xlabel=None,
        ylabel=None,
        legend=None,
        xlim=None,
        ylim=None,
        xscale="linear",
        yscale="linear",
        fmts=FORMATS,
        nrows=1,
        ncols=1,
        figsize=(3.5, 2.5),
    ) -> None:
        use_svg_display()
        self.fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
        self.axes = list(axes.flatten())
        self._live = _LiveFigure(self.fig)
        self._labels = (xlabel, ylabel, xlim, ylim, xscale, yscale, legend or [])
        self.X, self.Y, self.fmts = None, None, fmts

    def config_axes(self) -> None:
        set_axes(self.axes[0], *self._labels)

    def add(self, x, y) -> None:
        """Append a point to each curve; ``None`` in ``y`` skips that curve."""
        ys = list(y) if hasattr(y, "__len__") else [y]
        xs = list(x) if hasattr(x, "__len__") else [x] * len(ys)
        if not self.X:
            self.X = [[] for _ in ys]
            self.Y = [[] for _ in ys]
        for i, (a, b) in enumerate(zip(xs, ys)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        self.axes[0].cla()
        for xs_i, ys_i, fmt in zip(self.X, self.Y, self.fmts):
            self.axes[0].plot(xs_i, ys_i, fmt)
        self.config_axes()
        self._live.show()


class ProgressBoard(HyperParameters):
    """Curves drawn as training reports points (d2l 1.0's training plot).

    ``draw(x, y, label, every_n)`` collects points per curve and plots the
    mean of each ``every_n`` of them.
    """

    def __init__(
        self,
        xlabel=None,
        ylabel=None,
        xlim=None,
        ylim=None,
        xscale="linear",
        yscale="linear",
        ls=("-", "--", "-.", ":"),
        colors=("C0", "C1", "C2", "C3"),
        fig=None,
        axes=None,
        figsize=(3.5, 2.5),
        display=True,
    ) -> None:
        self.save_hyperparameters()
        self.data: dict = {}
        self._pending: dict = {}
        self._live = None

    def draw(self, x, y, label, every_n=1) -> None:
        pending = self._pending.setdefault(label, [])
        line = self.data.setdefault(label, [])
        pending.append((float(x), float(np.asarray(y))))
        if len(pending) < every_n:
            return
        xs, ys = zip(*pending)
        line.append((sum(xs) / len(xs), sum(ys) / len(ys)))
        pending.clear()
        if self.display:
            self._redraw()

    def _redraw(self) -> None:
        use_svg_display()
        if self.fig is None:
            self.fig = plt.figure(figsize=self.figsize)
        if self._live is None:
            self._live = _LiveFigure(self.fig)
        axes = self.axes if self.axes is not None else self.fig.gca()
        axes.cla()
        styles = zip(itertools.cycle(self.ls), itertools.cycle(self.colors))
        drawn = [(label, points) for label, points in self.data.items() if points]
        for (label, points), (ls, color) in zip(drawn, styles):
            xs, ys = zip(*points)
            axes.plot(xs, ys, linestyle=ls, color=color, label=label)
        if self.xlim:
            axes.set_xlim(self.xlim)
        if self.ylim:
            axes.set_ylim(self.ylim)
        axes.set_xlabel(self.xlabel or "x")
        axes.set_ylabel(self.ylabel)
        axes.set_xscale(self.xscale)
        axes.set_yscale(self.yscale)
        axes.legend()
        self._live.show()
