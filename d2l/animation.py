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
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import tempfile
from pathlib import Path
from typing import List, Sequence

import matplotlib.pyplot as plt
from matplotlib.animation import FuncAnimation, HTMLWriter
from mxnet import nd
from PIL import Image

from ._checks import IntOrPair
from .figures import (
    ROLE_COLORS,
    WindowStep,
    describe_corr2d,
    describe_pool,
    describe_window_positions,
    draw_window_step,
)

__all__ = [
    "animation_steps",
    "animate_steps",
    "animation_html",
    "AnimationHTML",
    "animate_corr2d",
    "animate_pool",
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
        small = io.BytesIO()
        image.save(small, format="png", optimize=True)
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
    if not steps:
        raise ValueError("`steps` must hold at least one step, got none")
    fig = draw_window_step(steps[0])
    ax = fig.axes[0]
    patches = {p.get_gid(): p for p in ax.patches if p.get_gid()}
    texts = {t.get_gid(): t for t in ax.texts if t.get_gid()}
    n_h, n_w = steps[0].Y.shape

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
        texts["expression"].set_text(step.expression)
        return []

    anim = FuncAnimation(
        fig, update, frames=len(steps), interval=interval, repeat=False
    )
    plt.close(fig)  # shown as HTML, never as a static figure under the cell
    return anim


def animation_html(anim: FuncAnimation, dpi: int = 80) -> str:
    """Export ``anim`` as offline, repeatable HTML (see the module docstring)."""
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
    return html


class AnimationHTML:
    """The HTML of an animation, displayed by Jupyter as HTML only.

    ``IPython.display.HTML`` would also store a ``text/plain`` repr; this class
    stores just the HTML plus a one-line text fallback naming the frame count.
    """

    def __init__(self, html: str, steps: Sequence[WindowStep]) -> None:
        self.html = html
        self.steps = list(steps)

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"<animation: {len(self.steps)} frames>"
        return {"text/html": self.html, "text/plain": text}

    @property
    def size_kb(self) -> float:
        return len(self.html.encode()) / 1024


def _animate(step: WindowStep, dpi: int) -> AnimationHTML:
    steps = animation_steps(step)
    return AnimationHTML(animation_html(animate_steps(steps), dpi=dpi), steps)


def animate_corr2d(
    X: nd.NDArray,
    K: nd.NDArray,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dpi: int = 80,
) -> AnimationHTML:
    """The window of ``K`` sliding over (padded) ``X``, one frame per output.

    Examples
    --------
    >>> anim = animate_corr2d(nd.arange(9).reshape((3, 3)), nd.ones((2, 2)))
    >>> [s.index for s in anim.steps]
    [(0, 0), (0, 1), (1, 0), (1, 1)]
    """
    return _animate(describe_corr2d(X, K, padding=padding, stride=stride), dpi)


def animate_pool(
    X: nd.NDArray,
    pool_size: IntOrPair,
    mode: str = "max",
    padding: IntOrPair = 0,
    stride: IntOrPair | None = None,
    dpi: int = 80,
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
    return _animate(step, dpi)
