"""Diagrams of sliding windows, drawn from real arrays and real computations.

Every diagram is made in two steps, kept in separate modules:

* ``describe_*`` (in :mod:`d2l.windows`, re-exported here) computes *what*
  to draw with the book's own helpers (``corr2d``, ``pool2d``, ...) and
  returns a small data description: the padded input, where the window is,
  the text of each cell, the arithmetic and the output value.
* ``draw_*`` turns a description into matplotlib artists and computes nothing.

Tests can therefore check a description against the computation, and check
the drawn artists (found by their ``gid``) against the description.

One visual grammar holds everywhere: each role (input, padding, kernel,
output) has its own colour, a label and a legend entry; the window is a thick
outline on the input and the output cell it produces has the same outline.
"""

from __future__ import annotations

from typing import List, Sequence, Tuple

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from . import _checks, style
from .windows import (
    Conv1x1Step,
    MultiInStep,
    WindowStep,
    cell_texts,
    describe_conv1x1,
    describe_corr2d,
    describe_multi_in,
    describe_pool,
    describe_window_positions,
    format_value,
)

__all__ = [
    "ROLE_COLORS",
    "WindowStep",
    "MultiInStep",
    "Conv1x1Step",
    "format_value",
    "describe_corr2d",
    "describe_pool",
    "describe_window_positions",
    "describe_multi_in",
    "describe_conv1x1",
    "draw_window_step",
    "draw_steps",
    "draw_multi_in",
    "draw_conv1x1",
    "cell_inches",
    "window_step_inches",
]

# Face colours of the four roles, plus the outline that marks the window.
ROLE_COLORS = {
    "input": "#c6dbef",
    "padding": "#f0f0f0",
    "kernel": "#fdd0a2",
    "output": "#c7e9c0",
    "partial": "#e5f5e0",  # a per-channel result before the channels are summed
}
WINDOW_COLOR = "#d94801"
CELL_INCHES = 0.42  # side of one cell on paper: four characters of 11 pt
MIN_CELL_INCHES = 0.34  # cells shrink this far to keep a drawing in the budget
FONT = style.FONT_PT
LINE_CELLS = 0.6  # height of one line of 11-pt text, in cells
MAX_CHARS = 4  # longer values are left out of their cell rather than overflow


def cell_inches(width_cells: float) -> float:
    """Side of a cell for a drawing ``width_cells`` wide: smaller if it is wide.

    The text keeps its size; only the cells shrink (to ``MIN_CELL_INCHES`` at
    most), so that the drawing fits ``style.MAX_WIDTH_IN`` when it can.

    Examples
    --------
    >>> cell_inches(10), round(cell_inches(18), 2)
    (0.42, 0.37)
    """
    width_cells = _checks.number(
        "width_cells", width_cells, "a positive number of cells", _positive
    )
    return min(CELL_INCHES, max(MIN_CELL_INCHES, style.MAX_WIDTH_IN / width_cells))


def _positive(value: float) -> bool:
    return 0 < value < float("inf")


def _new_axes(width: float, height: float, ax: Axes | None) -> Axes:
    """Return ``ax`` or a fresh axes sized so that one unit is one cell."""
    if ax is None:
        cell = cell_inches(width)
        fig = plt.figure(figsize=(width * cell, height * cell))
        ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.2, width + 0.2)
    ax.set_ylim(height, 0)  # row 0 at the top, as arrays are printed
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _draw_grid(
    ax: Axes,
    texts: Sequence[Sequence[str]],
    role: str,
    x0: float,
    y0: float,
    label: str,
    border: Tuple[int, int] = (0, 0),
    shown: np.ndarray | None = None,
) -> None:
    """Draw a grid of cells at ``(x0, y0)``; cells within ``border`` are padding.

    Each cell rectangle gets the gid ``"{role}[r,c]"`` (padding cells too, with
    role ``padding``) and each written value ``"{role}-text[r,c]"``, so tests
    can find them. Cells where ``shown`` is False are drawn empty.
    """
    n_h, n_w = len(texts), len(texts[0])
    for r in range(n_h):
        for c in range(n_w):
            pad = not (
                border[0] <= r < n_h - border[0] and border[1] <= c < n_w - border[1]
            )
            cell_role = "padding" if pad else role
            visible = shown is None or bool(shown[r, c])
            rect = Rectangle(
                (x0 + c, y0 + r),
                1,
                1,
                facecolor=ROLE_COLORS[cell_role] if visible else "white",
                edgecolor="#999999" if pad else "#555555",
                linestyle="--" if pad else "-",
                linewidth=0.8,
                gid=f"{cell_role}[{r},{c}]",
            )
            ax.add_patch(rect)
            if visible and len(texts[r][c]) <= MAX_CHARS:
                ax.text(
                    x0 + c + 0.5,
                    y0 + r + 0.5,
                    texts[r][c],
                    ha="center",
                    va="center",
                    fontsize=FONT,
                    color="#777777" if pad else "black",
                    gid=f"{cell_role}-text[{r},{c}]",
                )
    ax.text(
        x0 + n_w / 2,
        y0 - 0.25,
        label,
        ha="center",
        va="bottom",
        fontsize=FONT,
        gid=f"{role}-label",
    )


def _outline(ax: Axes, x: float, y: float, h: int, w: int, gid: str) -> None:
    ax.add_patch(
        Rectangle(
            (x, y), w, h, fill=False, edgecolor=WINDOW_COLOR, linewidth=2.5, gid=gid
        )
    )


def _symbol(ax: Axes, x: float, y: float, s: str) -> None:
    size = 28 if s == "⋆" else 16  # the star glyph is drawn small for its size
    ax.text(x, y, s, ha="center", va="center", fontsize=size, gid="symbol")


def _role_legend(owner: Axes | Figure, roles: Sequence[str], **kwargs) -> None:
    """One legend entry per role, in its colour, centred below the drawing."""
    handles = [
        Patch(facecolor=ROLE_COLORS[r], edgecolor="#555555", label=r) for r in roles
    ]
    owner.legend(
        handles=handles,
        loc="lower center",
        ncol=len(handles),
        fontsize=FONT,
        frameon=False,
        handlelength=1,
        **kwargs,
    )


def _legend(ax: Axes, roles: Sequence[str]) -> None:
    _role_legend(ax, roles, borderaxespad=0)


def draw_window_step(
    step: WindowStep,
    ax: Axes | None = None,
    reveal_all: bool = True,
    detail: bool = True,
    legend: bool = True,
) -> Figure:
    """Draw input (with padding), kernel, output and the window's arithmetic.

    With ``reveal_all=False`` only the output cells up to the current one are
    filled in, as when the window has just reached this position. With
    ``detail=False`` the kernel and the arithmetic are left out, which keeps
    a row of many steps readable.

    Examples
    --------
    >>> from mxnet import nd
    >>> step = describe_corr2d(nd.arange(9).reshape((3, 3)), nd.array([[0, 1], [2, 3]]))
    >>> fig = draw_window_step(step)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "expression"]
    ['0×0 + 1×1 + 3×2 + 4×3 = 19']
    >>> plt.close(fig)
    """
    _checks.instance("step", step, WindowStep, "a WindowStep")
    if ax is not None:
        _checks.instance("ax", ax, Axes, "a Matplotlib Axes")
    reveal_all = _checks.flag("reveal_all", reveal_all)
    detail = _checks.flag("detail", detail)
    legend = _checks.flag("legend", legend)
    padded = step.padded
    n_h, n_w = padded.shape
    o_h, o_w = step.Y.shape
    k_h, k_w = step.window_shape
    has_kernel = detail and step.K is not None
    width, height = _window_step_cells(step, detail, legend)
    expression = _wrap(step.expression, width) if detail else ""
    ax = _new_axes(width, height, ax)
    top = 0.9
    _draw_grid(ax, step.input_texts, "input", 0, top, "input X", step.padding)
    win_top, win_left, _, _ = step.window
    _outline(ax, win_left, top + win_top, k_h, k_w, "window")
    y_mid = top + n_h / 2
    x = n_w + 0.5
    if has_kernel:
        _symbol(ax, x, y_mid, "⋆")
        _draw_grid(
            ax, cell_texts(step.K), "kernel", x + 0.5, top + (n_h - k_h) / 2, "kernel K"
        )
        x += k_w + 1.5
        _symbol(ax, x, y_mid, "=")
    else:
        _symbol(ax, x, y_mid, "→")
    x_out = x + 0.5
    y_out = top + (n_h - o_h) / 2
    name = {"corr2d": "output Y", "max": "max pool Y", "avg": "avg pool Y"}
    shown = None
    if not reveal_all:
        shown = (np.arange(o_h * o_w) <= step.order).reshape(o_h, o_w)
    _draw_grid(
        ax, step.output_texts, "output", x_out, y_out, name[step.operation], shown=shown
    )
    i, j = step.index
    _outline(ax, x_out + j, y_out + i, 1, 1, "output-current")
    if detail:
        ax.text(
            width / 2,
            top + max(n_h, o_h, k_h) + 0.35,
            expression,
            ha="center",
            va="top",
            fontsize=FONT,
            gid="expression",
        )
    if legend:
        _legend(ax, _roles(step, has_kernel))
    return ax.figure


def _window_step_cells(
    step: WindowStep, detail: bool, legend: bool
) -> Tuple[float, float]:
    """Width and height of :func:`draw_window_step`'s drawing, in cells."""
    n_h, n_w = step.padded.shape
    o_h, o_w = step.Y.shape
    k_h, k_w = step.window_shape
    has_kernel = detail and step.K is not None
    width = n_w + 1 + ((k_w + 2) if has_kernel else 0) + o_w
    lines = len(_wrap(step.expression, width).splitlines()) if detail else 0
    # Room above for labels and below for the arithmetic and the legend.
    height = max(n_h, o_h, k_h) + 0.9 + (LINE_CELLS * lines + 0.3) * detail
    return width, height + 0.9 * legend


def window_step_inches(
    step: WindowStep, detail: bool = True, legend: bool = True
) -> Tuple[float, float]:
    """The size of the figure :func:`draw_window_step` makes, without drawing.

    Examples
    --------
    >>> from mxnet import nd
    >>> step = describe_corr2d(nd.arange(9).reshape((3, 3)), nd.ones((2, 2)))
    >>> [round(v, 2) for v in window_step_inches(step)]
    [4.2, 2.39]
    """
    _checks.instance("step", step, WindowStep, "a WindowStep")
    detail = _checks.flag("detail", detail)
    legend = _checks.flag("legend", legend)
    width, height = _window_step_cells(step, detail, legend)
    cell = cell_inches(width)
    return width * cell, height * cell


def _wrap(expression: str, width_cells: float) -> str:
    """Break a long sum after its "+" signs so that it fits the drawing.

    An 11-pt character is about 0.6 em wide, so a cell holds about five.
    """
    inches = width_cells * cell_inches(width_cells)
    limit = max(24, int(inches * 72 / (0.6 * FONT)))
    lines, line = [], ""
    for term in expression.split(" + "):
        piece = term if not line else f"{line} + {term}"
        if line and len(piece) > limit:
            lines.append(line + " +")
            line = term
        else:
            line = piece
    return "\n".join(lines + [line])


def _roles(step: WindowStep, has_kernel: bool) -> List[str]:
    roles = ["input"] + (["padding"] if any(step.padding) else [])
    return roles + (["kernel"] if has_kernel else []) + ["output"]


def draw_steps(
    steps: Sequence[WindowStep],
    titles: Sequence[str] | None = None,
    detail: bool = True,
    ncols: int | None = None,
) -> Figure:
    """Draw several steps in a grid (a stride sequence, max vs average, ...).

    One legend serves all panels; ``detail`` is passed to
    :func:`draw_window_step`. Without ``ncols``, as many panels share a row
    as fit in the book's width (``style.MAX_WIDTH_IN``), so the cell values
    keep their size on a phone.

    Examples
    --------
    >>> from mxnet import nd
    >>> X = nd.arange(16).reshape((4, 4))
    >>> steps = [describe_pool(X, 2, mode) for mode in ("max", "avg")]
    >>> fig = draw_steps(steps, titles=["max", "avg"])
    >>> [ax.get_title() for ax in fig.axes]
    ['max', 'avg']
    >>> plt.close(fig)
    """
    _checks.sequence_of("steps", steps, WindowStep, "WindowStep")
    detail = _checks.flag("detail", detail)
    if titles is not None:
        _checks.require(
            isinstance(titles, Sequence) and len(titles) == len(steps),
            "titles",
            f"one title per step ({len(steps)})",
            repr(titles),
            verb="have",
        )
    first = steps[0]
    has_kernel = detail and first.K is not None
    n_w = first.padded.shape[1] + 1 + first.Y.shape[1]
    n_w += first.window_shape[1] + 2 if has_kernel else 0
    lines = len(_wrap(first.expression, n_w).splitlines()) if detail else 0
    n_h = max(first.padded.shape[0], first.Y.shape[0]) + 1.6 + LINE_CELLS * lines
    if ncols is None:
        # As many panels per row as fit when their cells shrink to the minimum.
        fit = int(style.MAX_WIDTH_IN // ((n_w + 0.6) * MIN_CELL_INCHES))
        ncols = max(1, min(len(steps), fit))
    else:
        _checks.require(
            _checks.is_int(ncols) and ncols >= 1, "ncols", "a positive int", repr(ncols)
        )
        ncols = min(int(ncols), len(steps))
    cell = cell_inches(ncols * (n_w + 0.6))
    panel_w = (n_w + 0.6) * cell
    nrows = -(-len(steps) // ncols)
    fig, grid = plt.subplots(
        nrows,
        ncols,
        figsize=(ncols * panel_w, (nrows * (n_h + 0.5) + 1.0) * cell),
        squeeze=False,
    )
    axes = list(grid.ravel())
    for ax in axes[len(steps) :]:
        fig.delaxes(ax)
    for k, (ax, step) in enumerate(zip(axes, steps)):
        draw_window_step(step, ax, detail=detail, legend=False)
        ax.set_title(titles[k] if titles else f"step {k + 1}", fontsize=FONT, pad=2)
    _role_legend(fig, _roles(first, has_kernel))
    legend_share = 1.0 / (nrows * (n_h + 0.5) + 1.0)
    fig.subplots_adjust(
        left=0.01, right=0.99, bottom=legend_share, top=0.97, wspace=0.05, hspace=0.1
    )
    return fig


def draw_multi_in(step: MultiInStep) -> Figure:
    """Draw each channel's input ⋆ kernel = partial output, then their sum.

    Examples
    --------
    >>> from mxnet import nd
    >>> X = nd.stack(nd.arange(9).reshape((3, 3)), nd.arange(1, 10).reshape((3, 3)))
    >>> K = nd.stack(nd.array([[0, 1], [2, 3]]), nd.array([[1, 2], [3, 4]]))
    >>> fig = draw_multi_in(describe_multi_in(X, K))
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "expression"]
    ['19 + 37 = 56']
    >>> plt.close(fig)
    """
    _checks.instance("step", step, MultiInStep, "a MultiInStep")
    first = step.channels[0]
    n_h, n_w = first.padded.shape
    k_h, k_w = first.window_shape
    o_h, o_w = first.Y.shape
    row_h = n_h + 1.3
    width = n_w + k_w + 2 * o_w + 6
    height = row_h * len(step.channels) + 1.6
    ax = _new_axes(width, height, None)
    i, j = step.index
    for c, ch in enumerate(step.channels):
        y = 0.9 + c * row_h
        _draw_grid(ax, ch.input_texts, "input", 0, y, f"input channel {c}")
        top, left, _, _ = ch.window
        _outline(ax, left, y + top, k_h, k_w, f"window[{c}]")
        _symbol(ax, n_w + 0.5, y + n_h / 2, "⋆")
        x = n_w + 1
        _draw_grid(
            ax, cell_texts(ch.K), "kernel", x, y + (n_h - k_h) / 2, f"kernel {c}"
        )
        _symbol(ax, x + k_w + 0.5, y + n_h / 2, "=")
        x += k_w + 1
        _draw_grid(
            ax, ch.output_texts, "partial", x, y + (n_h - o_h) / 2, f"channel {c}"
        )
        _outline(ax, x + j, y + (n_h - o_h) / 2 + i, 1, 1, f"partial-current[{c}]")
    x_sum = n_w + k_w + o_w + 3
    y_mid = 0.9 + (row_h * len(step.channels) - 1.3) / 2
    _symbol(ax, x_sum, y_mid, "Σ")
    _draw_grid(ax, cell_texts(step.Y), "output", x_sum + 1, y_mid - o_h / 2, "output Y")
    _outline(ax, x_sum + 1 + j, y_mid - o_h / 2 + i, 1, 1, "output-current")
    ax.text(
        width / 2,
        height - 1.1,
        step.expression,
        ha="center",
        va="top",
        fontsize=FONT,
        gid="expression",
    )
    _legend(ax, ["input", "kernel", "partial", "output"])
    return ax.figure


def draw_conv1x1(step: Conv1x1Step) -> Figure:
    """Draw input channels, the c_o x c_i weight matrix and output channels.

    The same pixel is outlined in every channel: the output vector at that
    pixel is the weight matrix times the input vector at that pixel.

    Examples
    --------
    >>> from mxnet import nd
    >>> X = nd.arange(8).reshape((2, 2, 2))
    >>> K = nd.array([1, 10]).reshape((1, 2, 1, 1))
    >>> fig = draw_conv1x1(describe_conv1x1(X, K, (1, 1)))
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "expression[0]"]
    ['Y[0] = 1×3 + 10×7 = 73']
    >>> plt.close(fig)
    """
    _checks.instance("step", step, Conv1x1Step, "a Conv1x1Step")
    c_i, h, w = step.X.shape
    c_o = step.K.shape[0]
    col_h = max(c_i, c_o) * (h + 1.2)
    width = 2 * w + c_i + 4
    height = col_h + 1.2 + 0.45 * c_o + 0.8
    ax = _new_axes(width, height, None)
    i, j = step.index

    def column(arrays, role, x0, names):
        y0 = 0.9 + (col_h - len(arrays) * (h + 1.2)) / 2
        for c, A in enumerate(arrays):
            y = y0 + c * (h + 1.2)
            _draw_grid(ax, cell_texts(A), role, x0, y, names[c])
            _outline(ax, x0 + j, y + i, 1, 1, f"{role}-pixel[{c}]")

    column(step.X, "input", 0, [f"X[{c}]" for c in range(c_i)])
    x_k = w + 1.5
    _draw_grid(
        ax, cell_texts(step.K), "kernel", x_k, 0.9 + (col_h - c_o) / 2, "W (c_o × c_i)"
    )
    column(step.Y, "output", x_k + c_i + 1.5, [f"Y[{o}]" for o in range(c_o)])
    for n, line in enumerate(step.expressions):
        ax.text(
            0,
            col_h + 1.0 + 0.45 * n,
            line,
            ha="left",
            va="top",
            fontsize=FONT,
            gid=f"expression[{n}]",
        )
    _legend(ax, ["input", "kernel", "output"])
    return ax.figure
