"""Sliding-window animations that play in a static web page.

An animation is a list of :class:`d2l.figures.WindowStep` (one per window
position), drawn frame by frame with :func:`d2l.figures.draw_window_step` and
exported by matplotlib's ``HTMLWriter`` as self-contained HTML: the frames are
embedded PNGs and the play, pause and step buttons are plain JavaScript, so
the page needs no kernel and no network.

Two things are changed in matplotlib's HTML so that the page stays offline and
the notebook output is the same on every run:

* the icon font that matplotlib links from a CDN is removed and the buttons
  get text symbols instead;
* the random element id is replaced by a hash of the frames, and each frame
  is re-encoded by Pillow as a 64-colour PNG (lighter, and with no version
  stamp in its bytes).

Three more make the player accessible and fit a phone: the frame image gets
alt text describing the animation, the slider a label, and the slider's
fixed width becomes "at most the column". Frames are drawn at the book's
:data:`d2l.style.DPI`, so their numbers are as large as in a static figure.
Sizes are capped (``MAX_FRAMES`` frames, ``MAX_FRAME_PX`` pixels a side) so
that a large input is a clear error rather than minutes of drawing.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
from pathlib import Path
from typing import List, Sequence, Tuple

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, HTMLWriter
from mxnet import nd
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from . import _checks, style
from ._checks import IntOrPair
from .figures import (
    ROLE_COLORS,
    WindowStep,
    _wrap,
    describe_corr2d,
    describe_pool,
    describe_window_positions,
    draw_window_step,
    window_step_inches,
)

__all__ = [
    "animation_steps",
    "animate_steps",
    "animation_html",
    "AnimationHTML",
    "animate_corr2d",
    "animate_pool",
    "describe_animation",
]

# matplotlib's buttons use Font Awesome icons loaded from a CDN; these text
# symbols replace them so that nothing is requested from the network.
_ICONS = {
    "fa fa-minus": "−",
    "fa fa-fast-backward": "|◀",
    "fa fa-step-backward": "‹",
    "fa fa-play fa-flip-horizontal": "◀",
    "fa fa-pause": "||",
    "fa fa-play": "▶",
    "fa fa-step-forward": "›",
    "fa fa-fast-forward": "▶|",
    "fa fa-plus": "+",
}
MAX_FRAMES = 100
MAX_FRAME_PX = 2000
_SLIDER_WIDTH = "width: 374px;"
_CDN_LINK = re.compile(
    r'<link rel="stylesheet"\s+href="https?://[^"]*font-awesome[^"]*">'
)


class _PaletteHTMLWriter(HTMLWriter):
    """Embed each frame as a 64-colour PNG.

    The diagrams are flat colours and text, so a palette loses nothing
    visible and makes the page three to four times lighter. Quantizing
    without dithering is deterministic, so the bytes still repeat.
    """

    def grab_frame(self, **savefig_kwargs):
        rgba = io.BytesIO()
        self.fig.savefig(rgba, format="png", dpi=self.dpi, **savefig_kwargs)
        image = Image.open(rgba).convert("RGB")
        image = image.quantize(colors=64, dither=Image.Dither.NONE)
        record = PngInfo()  # the frame's smallest text, as in a static figure
        record.add_text(
            style.FONT_METADATA_KEY, f"{style.smallest_text_px(self.fig):.1f}"
        )
        small = io.BytesIO()
        image.save(small, format="png", optimize=True, pnginfo=record)
        self._saved_frames.append(base64.encodebytes(small.getvalue()).decode("ascii"))


def animation_steps(step: WindowStep) -> List[WindowStep]:
    """The frames' descriptions: every window position of ``step``'s computation."""
    return describe_window_positions(step)


def animate_steps(steps: Sequence[WindowStep], interval: int = 700) -> FuncAnimation:
    """Animate ``steps``: frame ``t`` shows step ``t`` with outputs 0..t filled.

    The diagram is drawn once; each frame only moves the two outlines,
    reveals output cells and rewrites the arithmetic (artists are found by
    the ``gid`` that :mod:`d2l.figures` gives them), which is several times
    faster than redrawing every cell.
    """
    steps = _check_steps(steps)
    _checks.require(
        len(steps) <= MAX_FRAMES,
        "steps",
        f"at most {MAX_FRAMES} frames (use a smaller input or a larger stride)",
        f"{len(steps)}",
        verb="hold",
    )
    _checks.require(
        _checks.is_int(interval) and 10 <= interval <= 10_000,
        "interval",
        "an int number of milliseconds in [10, 10000]",
        repr(interval),
    )
    fig = draw_window_step(steps[0])
    ax = fig.axes[0]
    patches = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    texts = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    n_h, n_w = steps[0].Y.shape
    width = ax.get_xlim()[1] - 0.2  # the drawing's width in cells

    def cell(top: int, left: int):
        return patches.get(f"input[{top},{left}]") or patches[f"padding[{top},{left}]"]

    def update(t: int):
        step = steps[t]
        top, left, _, _ = step.window
        patches["window"].set_xy(cell(top, left).get_xy())
        i, j = step.index
        patches["output-current"].set_xy(patches[f"output[{i},{j}]"].get_xy())
        for r in range(n_h):
            for c in range(n_w):
                shown = r * n_w + c <= step.order
                face = ROLE_COLORS["output"] if shown else "white"
                patches[f"output[{r},{c}]"].set_facecolor(face)
                if f"output-text[{r},{c}]" in texts:
                    texts[f"output-text[{r},{c}]"].set_visible(shown)
        texts["expression"].set_text(_wrap(step.expression, width))
        return []

    anim = FuncAnimation(
        fig, update, frames=len(steps), interval=interval, repeat=False
    )
    plt.close(fig)  # shown as HTML, never as a static figure under the cell
    return anim


def _check_steps(steps: Sequence[WindowStep]) -> List[WindowStep]:
    """Check window steps of one computation: frames of one drawing."""
    steps = _checks.sequence_of("steps", steps, WindowStep, "WindowStep")
    first = steps[0]
    for k, step in enumerate(steps):
        _checks.require(
            (step.operation, step.padded.shape, step.window_shape, step.Y.shape)
            == (first.operation, first.padded.shape, first.window_shape, first.Y.shape),
            f"steps[{k}]",
            "a position of the same computation as steps[0] (same operation and"
            " input, window and output shapes)",
            f"a {step.operation} step with window {step.window_shape} on"
            f" {step.padded.shape}",
        )
    return steps


def _check_dpi(dpi: int, inches: Tuple[float, float]) -> None:
    """Check ``dpi``: a sensible int that keeps frames of ``inches`` in the cap."""
    _checks.require(
        _checks.is_int(dpi) and 20 <= dpi <= 400,
        "dpi",
        "an int in [20, 400]",
        repr(dpi),
    )
    width, height = inches[0] * dpi, inches[1] * dpi
    _checks.require(
        max(width, height) <= MAX_FRAME_PX,
        "dpi",
        f"small enough for frames of at most {MAX_FRAME_PX} px a side",
        f"{dpi} (frames of {width:.0f} x {height:.0f} px)",
    )


def _accessible(html: str, alt: str) -> str:
    """Give the frame image alt text and the slider a label; let it shrink."""
    alt = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    html = re.sub(r'(<img id="_anim_img[0-9a-f]+")>', rf'\1 alt="{alt}">', html)
    html = html.replace(
        'class="anim-slider"', 'class="anim-slider" aria-label="Animation frame"'
    )
    return html.replace(_SLIDER_WIDTH, "width: 374px; max-width: 100%;")


def animation_html(
    anim: FuncAnimation, dpi: int = style.DPI, alt: str = "An animation"
) -> str:
    """Export ``anim`` as offline, repeatable HTML (see the module docstring).

    ``alt`` is the frame image's alternative text.
    """
    _checks.instance("anim", anim, FuncAnimation, "a FuncAnimation")
    _check_dpi(dpi, tuple(anim._fig.get_size_inches()))
    _checks.require(
        isinstance(alt, str) and alt.strip() != "", "alt", "a non-empty str", repr(alt)
    )
    fps = 1000 / anim._interval
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "anim.html")
        writer = _PaletteHTMLWriter(fps=fps, embed_frames=True, default_mode="once")
        anim.save(str(path), writer=writer, dpi=dpi)
        html = path.read_text()
    html = _CDN_LINK.sub("", html)
    for icon, symbol in _ICONS.items():
        html = html.replace(f'<i class="{icon}"></i>', symbol)
    old_id = re.search(r'id="_anim_img([0-9a-f]+)"', html).group(1)
    new_id = hashlib.sha1(html.replace(old_id, "").encode()).hexdigest()[:16]
    html = html.replace(old_id, new_id)
    if re.search(r"(src|href)=\"https?:", html):
        raise RuntimeError("animation HTML still links to the network")
    return _accessible(html, alt)


class AnimationHTML:
    """The HTML of an animation, displayed by Jupyter as HTML only.

    ``IPython.display.HTML`` would also store a ``text/plain`` repr; this class
    stores just the HTML plus a one-line text fallback naming the frame count.
    """

    def __init__(self, html: str, steps: Sequence[WindowStep]) -> None:
        _checks.instance("html", html, str, "a str of HTML")
        self.html = html
        self.steps = _check_steps(steps)

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"<animation: {len(self.steps)} frames>"
        return {"text/html": self.html, "text/plain": text}

    @property
    def size_kb(self) -> float:
        return len(self.html.encode()) / 1024


def describe_animation(steps: Sequence[WindowStep]) -> str:
    """Alt text for an animation of ``steps``: what moves over what.

    Examples
    --------
    >>> step = describe_corr2d(nd.arange(9).reshape((3, 3)), nd.ones((2, 2)))
    >>> describe_animation(animation_steps(step))[:59]
    'Animation in 4 frames: a 2×2 kernel slides over a 3×3 input'
    """
    first = _check_steps(steps)[0]
    k_h, k_w = first.window_shape
    n_h, n_w = first.padded.shape
    o_h, o_w = first.Y.shape
    what = (
        "kernel" if first.operation == "corr2d" else f"{first.operation} pooling window"
    )
    padded = " padded" if any(first.padding) else ""
    s_h, s_w = first.stride
    stride = s_h if s_h == s_w else f"({s_h}, {s_w})"
    return (
        f"Animation in {len(steps)} frames: a {k_h}×{k_w} {what} slides over a"
        f"{padded} {n_h}×{n_w} input with stride {stride}, filling the {o_h}×{o_w}"
        " output one cell per frame and writing out each cell's arithmetic."
    )


def _animate(step: WindowStep, dpi: int, interval: int) -> AnimationHTML:
    steps = animation_steps(step)
    _checks.require(
        len(steps) <= MAX_FRAMES,
        "X",
        f"small enough for at most {MAX_FRAMES} frames (one per output cell;"
        " use a smaller input or a larger stride)",
        f"{len(steps)} output cells",
        verb="be",
    )
    _check_dpi(dpi, window_step_inches(steps[0]))  # before drawing anything
    anim = animate_steps(steps, interval)
    html = animation_html(anim, dpi=dpi, alt=describe_animation(steps))
    return AnimationHTML(html, steps)


def animate_corr2d(
    X: nd.NDArray,
    K: nd.NDArray,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dpi: int = style.DPI,
    interval: int = 700,
) -> AnimationHTML:
    """The window of ``K`` sliding over (padded) ``X``, one frame per output.

    Examples
    --------
    >>> anim = animate_corr2d(nd.arange(9).reshape((3, 3)), nd.ones((2, 2)))
    >>> [s.index for s in anim.steps]
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    return _animate(
        describe_corr2d(X, K, padding=padding, stride=stride), dpi, interval
    )


def animate_pool(
    X: nd.NDArray,
    pool_size: IntOrPair,
    mode: str = "max",
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
    dpi: int = style.DPI,
    interval: int = 700,
) -> AnimationHTML:
    """A pooling window sliding over (padded) ``X``, one frame per output.

    ``stride`` defaults to the window size, as in Gluon.

    Examples
    --------
    >>> anim = animate_pool(nd.arange(16).reshape((4, 4)), 2, "avg")
    >>> [s.expression for s in anim.steps][-1]
    '(10 + 11 + 14 + 15) / 4 = 12.5'
    """
    step = describe_pool(X, pool_size, mode, padding=padding, stride=stride)
    return _animate(step, dpi, interval)
