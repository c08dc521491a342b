"""Plotting helpers: line plots, heat maps of small arrays, image grids.

These functions only draw; every computation happens before they are
called. They accept NDArrays or NumPy arrays and return the Matplotlib
objects they make, so a notebook can adjust or test them. Sizes, fonts and
colour maps follow :mod:`d2l.style`: panels wrap into a grid no wider than
``style.MAX_WIDTH_IN``, signed heat maps are centred at zero with a colour
bar, and compared panels share one colour scale.
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any, Sequence, Tuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes._base import _process_plot_format
from matplotlib.colors import to_rgb
from mxnet import nd

from . import _checks, style

__all__ = ["set_figsize", "plot", "show_heatmaps", "show_images", "HEATMAP_CMAP"]

#: The colour map of heat maps of magnitudes (signed data get ``style.SIGNED_CMAP``).
HEATMAP_CMAP = style.MAGNITUDE_CMAP

#: Largest array (rows or columns) whose values are written in its cells.
ANNOTATE_MAX = 12

#: Side of one written cell of a heat map, in inches: room for "-0.25" in 11 pt.
CELL_INCHES = 0.42

_SCALES = ("linear", "log", "symlog", "logit")


def _to_numpy(name: str, array: Any) -> np.ndarray:
    """Return a float NumPy copy of an NDArray, a NumPy array or a nested list."""
    if isinstance(array, nd.NDArray):
        _checks.require(
            array.stype == "default", name, "a dense NDArray", f"stype {array.stype!r}"
        )
        return array.asnumpy()
    if array is None or isinstance(array, (str, bytes, dict)):
        _checks.require(False, name, "an array of numbers", type(array).__name__)
    try:
        A = np.asarray(array, dtype=float)
    except (TypeError, ValueError):
        _checks.require(False, name, "an array of numbers", _describe(array))
    return A


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else type(value).__name__


def _positive_size(name: str, value: Any) -> Tuple[float, float]:
    """Check a (width, height) in inches: two positive, finite numbers."""
    ok = (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(isinstance(v, Real) and not isinstance(v, bool) for v in value)
        and all(0 < float(v) < 100 for v in value)
    )
    _checks.require(
        ok, name, "a (width, height) pair of inches, each in (0, 100)", repr(value)
    )
    return float(value[0]), float(value[1])


def set_figsize(figsize: Tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the default figure size (inches) for the figures that follow.

    Examples
    --------
    >>> set_figsize((4, 3))
    >>> tuple(plt.rcParams["figure.figsize"])
    (4.0, 3.0)
    >>> set_figsize()
    """
    plt.rcParams["figure.figsize"] = _positive_size("figsize", figsize)


def _series(name: str, X: Any) -> list:
    """Split ``X`` into a list of 1-D series (one series stays one)."""
    if isinstance(X, (nd.NDArray, np.ndarray)):
        A = _to_numpy(name, X)
        _checks.require(A.ndim in (1, 2), name, "1-D or 2-D", f"shape {A.shape}")
        return [A] if A.ndim == 1 else list(A)
    _checks.require(
        isinstance(X, (list, tuple)), name, "an array or a list", type(X).__name__
    )
    if len(X) == 0 or not hasattr(X[0], "__len__"):
        return [_to_numpy(name, X)]  # [] is one empty series
    series = [_to_numpy(f"{name}[{i}]", x) for i, x in enumerate(X)]
    for i, x in enumerate(series):
        _checks.require(x.ndim == 1, f"{name}[{i}]", "1-D", f"shape {x.shape}")
    return series


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
    if Y is None:
        ys = _series("X", X)
        xs = [np.arange(len(y)) for y in ys]
    else:
        xs, ys = _series("X", X), _series("Y", Y)
        _checks.require(
            len(xs) in (1, len(ys)),
            "X",
            f"one series or one per series of `Y` ({len(ys)})",
            f"{len(xs)} series",
            verb="hold",
        )
        xs = xs * len(ys) if len(xs) == 1 else xs  # repeat the series, not its values
    for i, (x, y) in enumerate(zip(xs, ys)):
        _checks.require(
            len(x) == len(y), f"Y[{i}]", f"{len(x)} values (as many as X)", str(len(y))
        )
    _check_fmts(fmts)
    _checks.one_of("xscale", xscale, _SCALES)
    _checks.one_of("yscale", yscale, _SCALES)
    xlim = _limits("xlim", xlim)
    ylim = _limits("ylim", ylim)
    if legend is not None:
        _checks.require(
            isinstance(legend, (list, tuple)),
            "legend",
            "a list of labels",
            _checks.describe(legend),
        )
        _checks.require(
            len(legend) == len(ys), "legend", f"{len(ys)} entries", str(len(legend))
        )
    if axes is None:
        size = None if figsize is None else _positive_size("figsize", figsize)
        _, axes = plt.subplots(figsize=size)
    else:
        _checks.instance("axes", axes, plt.Axes, "a Matplotlib Axes")
    for x, y, fmt in zip(xs, ys, _cycle(fmts, len(ys))):
        axes.plot(x, y, fmt)
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


def _check_fmts(fmts: Sequence[str]) -> None:
    """Check Matplotlib format strings such as ``"m--"``, before drawing."""
    _checks.require(
        isinstance(fmts, (list, tuple)) and len(fmts) > 0,
        "fmts",
        "a non-empty sequence of format strings",
        _checks.describe(fmts),
    )
    for k, fmt in enumerate(fmts):
        _checks.instance(f"fmts[{k}]", fmt, str, "a format string such as 'm--'")
        try:  # Matplotlib's own parser: its message says what is wrong
            _process_plot_format(fmt)
        except ValueError as error:
            _checks.require(False, f"fmts[{k}]", "a format string", str(error))


def _limits(name: str, value: Any) -> Tuple[float, float] | None:
    """Check axis limits: None, or (low, high), two finite numbers."""
    if value is None:
        return None
    _checks.require(
        isinstance(value, (list, tuple)) and len(value) == 2,
        name,
        "a (low, high) pair of finite numbers",
        _checks.describe(value),
    )
    return tuple(  # type: ignore[return-value]
        _checks.number(f"{name}[{k}]", v, "a finite number")
        for k, v in enumerate(value)
    )


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
    v = _checks.number("v", v, "a real number", ok=lambda _: True)
    if np.isnan(v):
        return "nan"
    if np.isinf(v):
        return "−∞" if v < 0 else "∞"
    if v.is_integer():
        return str(int(v))
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text  # tiny values round to a plain 0


def _text_color(background: Any) -> str:
    """Black or white, whichever reads better on ``background``."""
    r, g, b = to_rgb(background)
    return "black" if 0.299 * r + 0.587 * g + 0.114 * b > 0.5 else "white"


def _annotate(ax: plt.Axes, A: np.ndarray, image: Any) -> None:
    """Write each value of ``A`` in its cell, dark or light for contrast."""
    for (i, j), value in np.ndenumerate(A):
        background = image.cmap(image.norm(value)) if np.isfinite(value) else "white"
        color = _text_color(background)
        ax.text(j, i, format_value(value), ha="center", va="center", color=color)


def _grid(
    n: int, panel: Tuple[float, float], ncols: int | None
) -> Tuple[int, int, Tuple[float, float]]:
    """Rows, columns and figure size for ``n`` panels of ``panel`` inches.

    Without ``ncols`` as many panels share a row as fit in the width budget.
    """
    if ncols is None:
        ncols = max(1, min(n, int(style.MAX_WIDTH_IN // panel[0])))
    else:
        ncols = _checks.non_negative_int("ncols", ncols)
        _checks.require(ncols >= 1, "ncols", "at least 1", str(ncols))
        ncols = min(ncols, n)
    nrows = math.ceil(n / ncols)
    return nrows, ncols, (panel[0] * ncols, panel[1] * nrows)


def _panels(fig: plt.Figure, axes: np.ndarray, n: int) -> list:
    """The first ``n`` axes of a grid; the unused ones are removed."""
    flat = list(axes.ravel())
    for ax in flat[n:]:
        fig.delaxes(ax)
    return flat[:n]


def _heatmap_panel(A: np.ndarray, annotate: bool) -> Tuple[float, float]:
    """Inches for one heat map: room per written cell, else a fixed square."""
    if annotate and max(A.shape) <= ANNOTATE_MAX:
        return (
            max(1.8, CELL_INCHES * A.shape[1] + 0.7),
            max(1.6, CELL_INCHES * A.shape[0] + 0.8),
        )
    return 2.2, 2.2


def show_heatmaps(
    arrays: Any,
    titles: Sequence[str] | None = None,
    annotate: bool = True,
    cmap: str | None = None,
    figsize: Tuple[float, float] | None = None,
    colorbar: bool | None = None,
    share_scale: bool = True,
    ncols: int | None = None,
) -> plt.Figure:
    """Draw 2-D arrays as heat maps in a grid and return the Figure.

    Each panel gets a title (``titles`` or "array 0", "array 1", ...) and
    integer row and column ticks; values are written in the cells when
    ``annotate`` is true and the array is at most 12 x 12.

    Colours follow the data (see :func:`d2l.style.heatmap_colors`): signed
    data use a diverging map with white at zero, other data ``cmap``
    (default ``HEATMAP_CMAP``); pass ``cmap="gray"`` for images. With
    ``share_scale`` (the default) all panels use one scale and one colour
    bar, so that equal colours mean equal values.

    Parameters
    ----------
    arrays : 2-D array or sequence of 2-D arrays (NDArray or NumPy)
    titles : sequence of str, optional
    annotate : bool, default True
    cmap : str, optional
        The colour map; by default chosen from the data as above.
    figsize : (float, float), optional
        Defaults to room for the panels, wrapped to the book's width.
    colorbar : bool, optional
        Draw colour bars; by default when the data are signed or when the
        values are not written in the cells.
    share_scale : bool, default True
    ncols : int, optional
        Panels per row; by default as many as fit the book's width.

    Examples
    --------
    >>> fig = show_heatmaps([nd.ones((2, 2)), nd.zeros((3, 3))], ["X", "Y"])
    >>> [ax.get_title() for ax in fig.axes]
    ['X', 'Y']
    >>> plt.close(fig)
    """
    if isinstance(arrays, (nd.NDArray, np.ndarray)) and arrays.ndim == 2:
        arrays = [arrays]
    _checks.require(
        isinstance(arrays, (list, tuple, nd.NDArray, np.ndarray)),
        "arrays",
        "a 2-D array or a sequence of 2-D arrays",
        type(arrays).__name__,
    )
    matrices = [_to_numpy(f"arrays[{i}]", a) for i, a in enumerate(arrays)]
    _checks.require(
        len(matrices) > 0, "arrays", "at least one array", "none", verb="hold"
    )
    for i, A in enumerate(matrices):
        _checks.require(A.ndim == 2, f"arrays[{i}]", "2-D", f"shape {A.shape}")
        _checks.require(A.size > 0, f"arrays[{i}]", "non-empty", f"shape {A.shape}")
    if titles is None:
        titles = [f"array {i}" for i in range(len(matrices))]
    _check_titles(titles, len(matrices), "array")
    annotate = _checks.flag("annotate", annotate)
    share_scale = _checks.flag("share_scale", share_scale)
    if colorbar is not None:
        colorbar = _checks.flag("colorbar", colorbar)
    if cmap is not None:
        style.colormap("cmap", cmap)
    cmap, limits, signed = style.heatmap_colors(matrices, cmap, share_scale)
    written = [annotate and max(A.shape) <= ANNOTATE_MAX for A in matrices]
    if colorbar is None:
        colorbar = signed or not all(written)
    panel = max((_heatmap_panel(A, annotate) for A in matrices), key=lambda p: p[0])
    if colorbar:
        panel = (panel[0] + 0.6 * (not share_scale), panel[1])
    if figsize is not None and ncols is None:
        ncols = len(matrices)  # a size given for one row keeps one row
    nrows, ncols, size = _grid(len(matrices), panel, ncols)
    if colorbar and share_scale:
        size = (size[0] + 0.8, size[1])
    if figsize is not None:
        size = _positive_size("figsize", figsize)
    fig, grid = plt.subplots(
        nrows, ncols, figsize=size, squeeze=False, layout="constrained"
    )
    axes = _panels(fig, grid, len(matrices))
    images = []
    for ax, A, title, (lo, hi), write in zip(axes, matrices, titles, limits, written):
        image = ax.imshow(A, cmap=cmap, vmin=lo, vmax=hi)
        images.append(image)
        ax.set_title(title)
        ax.set_xticks(range(A.shape[1]) if A.shape[1] <= ANNOTATE_MAX else [])
        ax.set_yticks(range(A.shape[0]) if A.shape[0] <= ANNOTATE_MAX else [])
        if write:
            _annotate(ax, A, image)
        if colorbar and not share_scale:
            fig.colorbar(image, ax=ax, shrink=0.9)
    if colorbar and share_scale:
        fig.colorbar(images[0], ax=axes, shrink=0.9)
    return fig


def _as_picture(i: int, image: Any) -> np.ndarray:
    """Return image ``i`` as (h, w) or (h, w, 3|4); drop a single channel axis."""
    A = _to_numpy(f"images[{i}]", image)
    if A.ndim == 3 and A.shape[-1] not in (3, 4) and 1 in (A.shape[0], A.shape[-1]):
        A = A.reshape(A.shape[1:] if A.shape[0] == 1 else A.shape[:-1])
    elif A.ndim == 3 and A.shape[-1] == 1:
        A = A[..., 0]
    _checks.require(
        A.ndim == 2 or (A.ndim == 3 and A.shape[-1] in (3, 4)),
        f"images[{i}]",
        "(h, w), (1, h, w) or (h, w, 3)",
        f"shape {A.shape}",
    )
    _checks.require(A.size > 0, f"images[{i}]", "non-empty", f"shape {A.shape}")
    return A


def _image_list(images: Any) -> list:
    """A list of pictures: one array is one image unless it is a stack of them."""
    if isinstance(images, (nd.NDArray, np.ndarray)):
        single = images.ndim == 2 or (images.ndim == 3 and images.shape[-1] in (3, 4))
        return [images] if single else list(images)
    _checks.require(
        isinstance(images, (list, tuple)),
        "images",
        "an array or a sequence of arrays",
        type(images).__name__,
    )
    return list(images)


def _gray_limits(A: np.ndarray) -> Tuple[float | None, float | None]:
    """Grey levels on their own scale: [0, 1] or [0, 255] when the data fit."""
    lo, hi = float(np.nanmin(A)), float(np.nanmax(A))
    if lo >= 0 and hi <= 1:
        return 0.0, 1.0
    if lo >= 0 and hi <= 255 and np.allclose(A, np.round(A)):
        return 0.0, 255.0
    return None, None


def _check_titles(titles: Sequence[str], n: int, item: str) -> None:
    """Check that there is one title per panel."""
    _checks.require(
        isinstance(titles, Sequence) and not isinstance(titles, str),
        "titles",
        "a sequence of str",
        type(titles).__name__,
    )
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
    cmap: str = style.IMAGE_CMAP,
    figsize: Tuple[float, float] | None = None,
    ncols: int | None = None,
) -> plt.Figure:
    """Show images in a grid, without axes, and return the Figure.

    Grey images in [0, 1] (or whole numbers in [0, 255]) are drawn on that
    fixed scale, so black is 0 and white is 1 (or 255); other grey images
    are stretched to their own range.

    Parameters
    ----------
    images : array or sequence of arrays (NDArray or NumPy)
        Each (h, w) or (1, h, w) for grey levels, (h, w, 3) for colour. One
        (h, w) or (h, w, 3) array is one image; an (n, h, w) array is n.
    titles : sequence of str, optional
    cmap : str, default 'gray'
        Used for grey images.
    figsize : (float, float), optional
        Defaults to 1.6 inches per image, wrapped to the book's width.
    ncols : int, optional
        Images per row; by default as many as fit the book's width.

    Examples
    --------
    >>> fig = show_images([nd.ones((4, 4)), nd.zeros((4, 4))], ["a", "b"])
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    pictures = [_as_picture(i, img) for i, img in enumerate(_image_list(images))]
    _checks.require(
        len(pictures) > 0, "images", "at least one image", "none", verb="hold"
    )
    style.colormap("cmap", cmap)
    if titles is not None:
        _check_titles(titles, len(pictures), "image")
    if figsize is not None and ncols is None:
        ncols = len(pictures)  # a size given for one row keeps one row
    nrows, ncols, size = _grid(len(pictures), (1.6, 1.6 + 0.3 * bool(titles)), ncols)
    if figsize is not None:
        size = _positive_size("figsize", figsize)
    fig, grid = plt.subplots(
        nrows, ncols, figsize=size, squeeze=False, layout="constrained"
    )
    for i, (ax, img) in enumerate(zip(_panels(fig, grid, len(pictures)), pictures)):
        if img.ndim == 2:
            vmin, vmax = _gray_limits(img)
            ax.imshow(img, cmap=cmap, vmin=vmin, vmax=vmax)
        else:
            ax.imshow(np.clip(img / (255 if img.max() > 1 else 1), 0, 1))
        ax.axis("off")
        if titles is not None:
            ax.set_title(titles[i])
    return fig


style.apply()
style.register_png_formatter()
