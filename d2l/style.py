"""The book's figure style: one text size, one width budget, honest colours.

Readers see the figures as PNGs scaled to the text column: 688 CSS px on a
desktop, 358 px on a 390 px phone. A figure never grows, so its text keeps
its natural size only while the figure fits; wider figures shrink, and their
text with them. Two numbers therefore decide whether a figure stays legible:

* ``FONT_PT`` at ``DPI`` gives the smallest text at natural size
  (11 pt at 100 dpi is 15.3 px, against the 11 px floor on a desktop);
* ``MAX_WIDTH_IN`` keeps a figure narrow enough that a phone's 358 px column
  still shows that text at 8 px or more (15.3 px x 358 / 684 = 8.0 px); the
  PNG adds 0.1 in of padding on each side, so the figure itself gets 6.64 in.

Every figure of :mod:`d2l.plotting`, :mod:`d2l.figures` and
:mod:`d2l.animation` keeps to both. :func:`smallest_text_px` measures a
figure, and in a notebook the figure's PNG records that measurement under
the key ``d2l:min-font-px``, so the browser test can check the text size a
reader really sees.

Colours follow the meaning of the data (:func:`heatmap_colors`): grey levels
for images, a diverging map centred at zero for signed values, a sequential
map for magnitudes.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Dict, Sequence, Tuple

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Colormap
from matplotlib.figure import Figure
from matplotlib.text import Text

from . import _checks

__all__ = [
    "DPI",
    "FONT_PT",
    "MAX_WIDTH_IN",
    "SIGNED_CMAP",
    "MAGNITUDE_CMAP",
    "IMAGE_CMAP",
    "FONT_METADATA_KEY",
    "apply",
    "smallest_text_px",
    "heatmap_colors",
    "figure_png",
]

DPI = 100
FONT_PT = 11.0
MAX_WIDTH_IN = 6.64
SIGNED_CMAP = "RdBu_r"  # blue below zero, white at zero, red above
MAGNITUDE_CMAP = "Blues"
IMAGE_CMAP = "gray"  # 0 is black and 1 is white, as the text says
FONT_METADATA_KEY = "d2l:min-font-px"

_RC = {
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT,
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT,
    "ytick.labelsize": FONT_PT,
    "legend.fontsize": FONT_PT,
    "legend.title_fontsize": FONT_PT,
    "figure.titlesize": FONT_PT,
    "image.cmap": MAGNITUDE_CMAP,
    # A white card, so that a page in dark mode does not show black text on
    # a transparent figure.
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


#: Matplotlib's settings as they were before :func:`apply` changed them.
_BEFORE: Dict[str, Any] = {}


def apply() -> None:
    """Set Matplotlib's defaults to the book's style (d2l does this on import).

    Examples
    --------
    >>> apply()
    >>> mpl.rcParams["font.size"]
    11.0
    """
    if not _BEFORE:
        _BEFORE.update({key: mpl.rcParams[key] for key in _RC})
    mpl.rcParams.update(_RC)


def withdraw() -> None:
    """Undo :func:`apply` and :func:`register_png_formatter`.

    ``d2l.mxnet`` calls this: d2l.ai's code draws with Matplotlib's own
    defaults and SVG output, not with the book's figure style.

    Examples
    --------
    >>> apply(); withdraw()
    >>> mpl.rcParams["font.size"] == mpl.rcParamsDefault["font.size"]
    True
    >>> apply()
    """
    mpl.rcParams.update(_BEFORE)
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    for callback in list(shell.events.callbacks.get("pre_run_cell", [])):
        if getattr(callback, "__name__", "") == "_d2l_png":
            shell.events.unregister("pre_run_cell", callback)
    # Hand figures back to the inline backend's own formatters.
    from matplotlib_inline.backend_inline import InlineBackend, set_matplotlib_formats

    set_matplotlib_formats(*InlineBackend.instance().figure_formats)


def _drawn_texts(fig: Figure) -> list:
    """Every text of ``fig`` that is drawn: visible, non-empty, not clipped away."""
    fig.draw_without_rendering()  # tick labels get their text when drawn
    renderer = fig.canvas.get_renderer()
    found = []
    for text in fig.findobj(Text):
        if not (text.get_visible() and text.get_text().strip()):
            continue
        extent = text.get_window_extent(renderer)
        if extent.width > 0 and extent.height > 0:
            found.append(text)
    return found


def smallest_text_px(fig: Figure) -> float:
    """The smallest text of ``fig`` in pixels at the figure's own dpi.

    A figure without text returns ``inf``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(dpi=100)
    >>> _ = ax.set_title("t", fontsize=9)
    >>> round(smallest_text_px(fig), 1)
    12.5
    >>> plt.close(fig)
    """
    _checks.instance("fig", fig, Figure, "a Matplotlib Figure")
    sizes = [t.get_fontsize() for t in _drawn_texts(fig)]
    return min(sizes) * fig.dpi / 72 if sizes else float("inf")


def heatmap_colors(
    arrays: Sequence[np.ndarray], cmap: str | None, share_scale: bool
) -> Tuple[str, list, bool]:
    """Choose a colour map and a (vmin, vmax) per panel from the data's meaning.

    Signed data (some value below zero and some above) gets ``SIGNED_CMAP``
    with limits symmetric about zero, so that white means 0; other data gets
    ``cmap`` or ``MAGNITUDE_CMAP``. With ``share_scale`` every panel uses the
    limits of all panels together, so equal colours mean equal values.
    Returns the colour map, the limits of each panel and whether the data
    are signed.

    Examples
    --------
    >>> heatmap_colors([np.array([[-1.0, 2.0]])], None, True)
    ('RdBu_r', [(-2.0, 2.0)], True)
    >>> heatmap_colors([np.array([[0, 1]]), np.array([[0, 4]])], None, True)
    ('Blues', [(0.0, 4.0), (0.0, 4.0)], False)
    """
    arrays = _checks.sequence_of("arrays", arrays, np.ndarray, "NumPy array")
    for k, A in enumerate(arrays):
        _checks.require(
            np.issubdtype(A.dtype, np.integer) or np.issubdtype(A.dtype, np.floating),
            f"arrays[{k}]",
            "an array of real numbers",
            f"dtype {A.dtype}",
        )
    if cmap is not None:
        colormap("cmap", cmap)
    share_scale = _checks.flag("share_scale", share_scale)
    finite = [A[np.isfinite(A)] for A in arrays]
    lows = [float(f.min()) if f.size else 0.0 for f in finite]
    highs = [float(f.max()) if f.size else 0.0 for f in finite]
    signed = min(lows) < 0 < max(highs)
    if signed and cmap is None:
        cmap = SIGNED_CMAP
    cmap = cmap or MAGNITUDE_CMAP
    if share_scale:
        lows, highs = [min(lows)] * len(arrays), [max(highs)] * len(arrays)
    limits = []
    for lo, hi in zip(lows, highs):
        if signed and cmap == SIGNED_CMAP:
            m = max(abs(lo), abs(hi)) or 1.0
            lo, hi = -m, m
        limits.append((lo, hi))
    return cmap, limits, signed


def colormap(name: str, value: Any) -> Any:
    """Check a colour map: the name of one Matplotlib knows, or a Colormap.

    Examples
    --------
    >>> colormap("cmap", "gray")
    'gray'
    """
    if isinstance(value, Colormap):
        return value
    _checks.require(
        isinstance(value, str) and value in mpl.colormaps,
        name,
        "the name of a Matplotlib colour map such as 'gray' or 'Blues'",
        _checks.describe(value),
    )
    return value


def figure_png(fig: Figure, **kwargs: Any) -> bytes:
    """Render ``fig`` as PNG bytes that record its smallest text in pixels.

    Keyword arguments go to ``savefig`` (``bbox_inches`` defaults to
    ``"tight"``, as in Jupyter).

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from PIL import Image
    >>> fig, ax = plt.subplots(dpi=100)
    >>> _ = ax.set_title("t", fontsize=11)
    >>> Image.open(io.BytesIO(figure_png(fig))).text[FONT_METADATA_KEY]
    '15.3'
    >>> plt.close(fig)
    """
    _checks.instance("fig", fig, Figure, "a Matplotlib Figure")
    metadata: Dict[str, str] = {FONT_METADATA_KEY: f"{smallest_text_px(fig):.1f}"}
    metadata.update(kwargs.pop("metadata", {}))
    kwargs.setdefault("bbox_inches", "tight")
    kwargs.setdefault("format", "png")
    buffer = io.BytesIO()
    fig.savefig(buffer, metadata=metadata, **kwargs)
    return buffer.getvalue()


def _png_formatter(fig: Figure) -> str | None:
    """Jupyter's PNG of a figure (base64, as IPython's), with the text size."""
    if not fig.axes and not fig.texts:
        return None  # an empty figure shows nothing, as in IPython
    return base64.b64encode(figure_png(fig, dpi=fig.dpi)).decode("ascii")


def _use_png_formatter(shell: Any) -> None:
    shell.display_formatter.formatters["image/png"].for_type(Figure, _png_formatter)


def register_png_formatter() -> bool:
    """Make a running IPython kernel show figures through :func:`figure_png`.

    Returns False outside IPython. Called when d2l is imported. The inline
    backend installs its own PNG formatter when it is first loaded and again
    when its settings change, so the backend is loaded first and ours is put
    back before every cell.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython ships with Jupyter
        return False
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return False
    if "inline" in str(mpl.get_backend()):
        import matplotlib_inline.backend_inline  # noqa: F401 (installs its hooks)
    _use_png_formatter(shell)
    callbacks = shell.events.callbacks.get("pre_run_cell", [])
    if not any(getattr(c, "__name__", "") == "_d2l_png" for c in callbacks):

        def _d2l_png(*_: Any) -> None:
            _use_png_formatter(shell)

        shell.events.register("pre_run_cell", _d2l_png)
    return True
