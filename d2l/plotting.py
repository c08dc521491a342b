"""Plotting helpers: line plots, heat maps of small arrays, image grids.

These functions only draw; every computation happens before they are
called. They accept NDArrays or NumPy arrays and return the Matplotlib
objects they make, so a notebook can adjust or test them.
"""

from __future__ import annotations

from typing import Any, Sequence, Tuple

import matplotlib.pyplot as plt
import numpy as np
from mxnet import nd

from . import _checks

__all__ = ["set_figsize", "plot", "show_heatmaps", "show_images", "HEATMAP_CMAP"]

#: One colormap for every heat map in the book, so colours mean the same
#: thing on every page.
HEATMAP_CMAP = "Blues"

#: Largest array (rows or columns) whose values are written in its cells.
ANNOTATE_MAX = 12


def _to_numpy(array: Any) -> np.ndarray:
    """Return a NumPy copy of an NDArray, a NumPy array or a nested list."""
    if isinstance(array, nd.NDArray):
        return array.asnumpy()
    return np.asarray(array)


def set_figsize(figsize: Tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the default figure size (inches) for the figures that follow.

    Examples
    --------
    >>> set_figsize((4, 3))
    >>> tuple(plt.rcParams["figure.figsize"])
    (4.0, 3.0)
    >>> set_figsize()
    """
    plt.rcParams["figure.figsize"] = figsize


def _has_one_axis(X: Any) -> bool:
    """True if ``X`` is one series (a 1-D array or a flat list of numbers)."""
    if isinstance(X, nd.NDArray):
        return X.ndim == 1
    if isinstance(X, np.ndarray):
        return X.ndim == 1
    if not isinstance(X, (list, tuple)):
        return False
    return len(X) == 0 or not hasattr(X[0], "__len__")  # [] is one empty series


def plot(
    X: Any,
    Y: Any = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    legend: Sequence[str] | None = None,
    xlim: Tuple[float, float] | None = None,
    ylim: Tuple[float, float] | None = None,
    xscale: str = "linear",
    yscale: str = "linear",
    fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
    figsize: Tuple[float, float] | None = None,
    axes: plt.Axes | None = None,
) -> plt.Axes:
    """Plot one or more series against ``X`` and return the Axes.

    Parameters
    ----------
    X : array or list of arrays
        x values, shared by every series or one per series. With ``Y``
        omitted, ``X`` holds the y values and x runs 0, 1, 2, ...
    Y : array or list of arrays, optional
        The series to draw.
    xlabel, ylabel, legend, xlim, ylim, xscale, yscale
        Passed to the Axes.
    fmts : sequence of str
        Matplotlib format strings, used in turn.
    figsize : (float, float), optional
        Size of a new figure; ignored when ``axes`` is given.
    axes : Axes, optional
        Draw here instead of on a new figure.

    Examples
    --------
    >>> ax = plot([0, 1, 2], [[0, 1, 4], [0, 1, 8]], legend=["x^2", "x^3"])
    >>> len(ax.lines)
    2
    >>> plt.close(ax.figure)
    """
    if axes is None:
        _, axes = plt.subplots(figsize=figsize)
    if Y is None:
        X, Y = [[]], X
    if _has_one_axis(X):
        X = [X]
    if _has_one_axis(Y):
        Y = [Y]
    if len(X) != len(Y):
        X = X * len(Y)
    for x, y, fmt in zip(X, Y, _cycle(fmts, len(Y))):
        y = _to_numpy(y)
        if len(x):
            axes.plot(_to_numpy(x), y, fmt)
        else:
            axes.plot(y, fmt)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if legend:
        axes.legend(legend)
    axes.grid(True)
    return axes


def _cycle(items: Sequence[str], n: int) -> list:
    """Repeat ``items`` until there are ``n`` of them."""
    return [items[i % len(items)] for i in range(n)]


def format_value(v: float) -> str:
    """Write a cell value briefly: integers without a point, others to 2 places.

    Heat maps and the sliding-window diagrams write their cells this way.

    Examples
    --------
    >>> format_value(19.0), format_value(1.1111112), format_value(-0.5)
    ('19', '1.11', '-0.5')
    """
    v = float(v)
    if np.isinf(v):
        return "−∞" if v < 0 else "∞"
    if v.is_integer():
        return str(int(v))
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text  # tiny values round to a plain 0


def _annotate(ax: plt.Axes, A: np.ndarray, image: Any) -> None:
    """Write each value of ``A`` in its cell, dark or light for contrast."""
    norm = image.norm
    for (i, j), value in np.ndenumerate(A):
        shade = norm(value) if norm.vmax > norm.vmin else 0.0
        color = "white" if shade > 0.6 else "black"
        ax.text(j, i, format_value(value), ha="center", va="center", color=color)


def show_heatmaps(
    arrays: Any,
    titles: Sequence[str] | None = None,
    annotate: bool = True,
    cmap: str = HEATMAP_CMAP,
    figsize: Tuple[float, float] | None = None,
    colorbar: bool = False,
) -> plt.Figure:
    """Draw 2-D arrays side by side as heat maps and return the Figure.

    Each panel gets a title (``titles`` or "array 0", "array 1", ...) and
    integer row and column ticks; values are written in the cells when
    ``annotate`` is true and the array is at most 12 x 12.

    Parameters
    ----------
    arrays : 2-D array or sequence of 2-D arrays (NDArray or NumPy)
    titles : sequence of str, optional
    annotate : bool, default True
    cmap : str, default ``HEATMAP_CMAP``
    figsize : (float, float), optional
        Defaults to 2.2 inches per panel.
    colorbar : bool, default False
        Add a colour bar to each panel.

    Examples
    --------
    >>> fig = show_heatmaps([nd.ones((2, 2)), nd.zeros((3, 3))], ["X", "Y"])
    >>> [ax.get_title() for ax in fig.axes]
    ['X', 'Y']
    >>> plt.close(fig)
    """
    if isinstance(arrays, (nd.NDArray, np.ndarray)) and arrays.ndim == 2:
        arrays = [arrays]
    matrices = [_to_numpy(a) for a in arrays]
    _checks.require(
        len(matrices) > 0, "arrays", "at least one array", "none", verb="hold"
    )
    for i, A in enumerate(matrices):
        _checks.require(A.ndim == 2, f"arrays[{i}]", "2-D", f"shape {A.shape}")
    if titles is None:
        titles = [f"array {i}" for i in range(len(matrices))]
    _check_titles(titles, len(matrices), "array")
    n = len(matrices)
    if figsize is None:
        figsize = (2.2 * n, 2.2)
    fig, axes = plt.subplots(1, n, figsize=figsize, squeeze=False)
    for ax, A, title in zip(axes[0], matrices, titles):
        image = ax.imshow(A, cmap=cmap)
        ax.set_title(title)
        ax.set_xticks(range(A.shape[1]) if A.shape[1] <= ANNOTATE_MAX else [])
        ax.set_yticks(range(A.shape[0]) if A.shape[0] <= ANNOTATE_MAX else [])
        if annotate and max(A.shape) <= ANNOTATE_MAX:
            _annotate(ax, A, image)
        if colorbar:
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    fig.tight_layout()
    return fig


def _as_picture(i: int, image: Any) -> np.ndarray:
    """Return image ``i`` as (h, w) or (h, w, 3); drop a single channel axis."""
    A = _to_numpy(image)
    if A.ndim == 3 and 1 in (A.shape[0], A.shape[-1]):
        A = A.reshape(A.shape[1:] if A.shape[0] == 1 else A.shape[:-1])
    _checks.require(
        A.ndim == 2 or (A.ndim == 3 and A.shape[-1] in (3, 4)),
        f"images[{i}]",
        "(h, w), (1, h, w) or (h, w, 3)",
        f"shape {A.shape}",
    )
    return A


def _check_titles(titles: Sequence[str], n: int, item: str) -> None:
    """Check that there is one title per panel."""
    _checks.require(
        len(titles) == n,
        "titles",
        f"one entry per {item} ({n})",
        str(len(titles)),
        verb="have",
    )


def show_images(
    images: Any,
    titles: Sequence[str] | None = None,
    cmap: str = "gray",
    figsize: Tuple[float, float] | None = None,
) -> plt.Figure:
    """Show images in one row, without axes, and return the Figure.

    Parameters
    ----------
    images : sequence of arrays (NDArray or NumPy)
        Each (h, w) or (1, h, w) for grey levels, (h, w, 3) for colour.
    titles : sequence of str, optional
    cmap : str, default 'gray'
        Used for 2-D images.
    figsize : (float, float), optional
        Defaults to 2 inches per image.

    Examples
    --------
    >>> fig = show_images([nd.ones((4, 4)), nd.zeros((4, 4))], ["a", "b"])
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    if isinstance(images, (nd.NDArray, np.ndarray)) and images.ndim == 2:
        images = [images]
    pictures = [_as_picture(i, img) for i, img in enumerate(images)]
    _checks.require(
        len(pictures) > 0, "images", "at least one image", "none", verb="hold"
    )
    if titles is not None:
        _check_titles(titles, len(pictures), "image")
    n = len(pictures)
    if figsize is None:
        figsize = (2.0 * n, 2.0)
    fig, axes = plt.subplots(1, n, figsize=figsize, squeeze=False)
    for i, (ax, img) in enumerate(zip(axes[0], pictures)):
        ax.imshow(img, cmap=cmap if img.ndim == 2 else None)
        ax.axis("off")
        if titles is not None:
            ax.set_title(titles[i])
    fig.tight_layout()
    return fig
