"""Filter a photograph with an editable 3x3 kernel, computed in the page.

Serves ``photo.js``. The photo is :func:`load_photo`, rounded to 8 bits and
embedded as a grey PNG data URL; the page and :meth:`PhotoFilter.check` both
filter exactly those 8-bit values.
"""

from __future__ import annotations

import base64
import io
from typing import Any, Dict

import matplotlib.pyplot as plt
import mxnet as mx
import numpy as np
from mxnet import nd
from PIL import Image

from .. import _checks
from ._base import Explorer, State
from .sliding import _matrix

__all__ = ["KERNEL_PRESETS", "PhotoFilter", "load_photo", "png_data_url"]

#: The kernels the photo filter offers first; the reader can edit any entry.
KERNEL_PRESETS = {
    "vertical edges": [[1, 0, -1], [2, 0, -2], [1, 0, -1]],  # Sobel
    "horizontal edges": [[1, 2, 1], [0, 0, 0], [-1, -2, -1]],  # its transpose
    "Laplacian": [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    "blur": [[1 / 9] * 3] * 3,
    "sharpen": [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
    "identity": [[0, 0, 0], [0, 1, 0], [0, 0, 0]],
}


def load_photo(step: int = 4, ctx: mx.Context | None = None) -> nd.NDArray:
    """Grace Hopper's portrait (shipped with Matplotlib), grey, every ``step``-th pixel.

    Values lie in [0, 1]; nothing is downloaded.

    Examples
    --------
    >>> photo = load_photo(step=8)
    >>> photo.shape, photo.context
    ((75, 64), cpu(0))
    """
    import matplotlib.cbook as cbook

    _checks.require(
        _checks.is_int(step) and step >= 1, "step", "a positive int", repr(step)
    )
    ctx = mx.cpu() if ctx is None else _checks.context("ctx", ctx)
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = plt.imread(f, format="jpg")
    grey = rgb.mean(axis=2)[::step, ::step] / 255
    return nd.array(grey, ctx=ctx)


def png_data_url(pixels: np.ndarray) -> str:
    """An 8-bit PNG (grey for 2-D, RGB for 3-D uint8 arrays) as a data URL.

    Examples
    --------
    >>> png_data_url(np.zeros((2, 2), dtype=np.uint8))[:22]
    'data:image/png;base64,'
    """
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def _diverging(t: np.ndarray) -> np.ndarray:
    """Blue (-1) through white (0) to red (1), as photo.js draws it."""
    a = np.clip(np.abs(t), 0, 1)[..., None]
    far = np.where(t[..., None] < 0, [33, 102, 172], [178, 24, 43])
    return np.round(255 + (far - 255) * a).astype(np.uint8)


class PhotoFilter(Explorer):
    """A photograph, a 3x3 kernel the reader edits, and the filtered photo.

    Parameters
    ----------
    preset : str
        One of ``KERNEL_PRESETS``, the kernel shown first.
    step : int, default 3
        Keep every ``step``-th pixel of :func:`load_photo` (3 gives 200x171).

    Examples
    --------
    >>> explorer = PhotoFilter("identity", step=8)
    >>> explorer.check()["shape"]
    [73, 62]
    >>> explorer.set(K=[[0, 0, 0], [0, 2, 0], [0, 0, 0]])
    >>> brightest = int(explorer.photo[1:-1, 1:-1].max())  # a Python int: no uint8 wrap
    >>> explorer.check()["max"] == round(2 * brightest / 255, 3)
    True
    """

    module = "photo.js"
    widget_name = "PhotoWidget"

    def __init__(self, preset: str = "vertical edges", step: int = 3) -> None:
        _checks.one_of("preset", preset, list(KERNEL_PRESETS))
        grey = load_photo(step).asnumpy()
        self.photo = np.round(grey * 255).astype(np.uint8)
        h, w = self.photo.shape
        _checks.require(
            min(h, w) >= 3,
            "step",
            "small enough to keep 3x3 pixels for the 3x3 kernel",
            f"{step} (a {h}x{w} photo)",
        )
        state = {
            "photo": png_data_url(self.photo),
            "size": [h, w],
            "presets": {
                n: [list(map(float, r)) for r in K] for n, K in KERNEL_PRESETS.items()
            },
            "preset": preset,
            "K": [list(map(float, r)) for r in KERNEL_PRESETS[preset]],
            "probe": [h // 2, w // 2],
            "stats": None,
        }
        super().__init__(state)

    def _editable(self) -> tuple:
        return ("K", "probe")

    def _no_answer(self) -> State:
        return {"stats": None}

    def _checked(self, state: State) -> State:
        state = dict(state)
        K = _matrix("K", state["K"], 3)
        _checks.require(
            (len(K), len(K[0])) == (3, 3),
            "K",
            "a 3x3 grid of finite numbers",
            repr(state["K"])[:60],
        )
        state["K"] = K
        h, w = state["size"]
        r, c = _checks.pair("probe", state["probe"], minimum=0)
        _checks.require(
            r <= h - 3 and c <= w - 3,
            "probe",
            f"an output pixel (row <= {h - 3}, column <= {w - 3})",
            (r, c),
        )
        state["probe"] = [r, c]
        return state

    def filtered(self) -> np.ndarray:
        """MXNet's ``nd.Convolution`` of the 8-bit photo (/255) with K."""
        X = nd.array(self.photo / 255.0, dtype="float64")
        K = nd.array(self._state["K"], dtype="float64")
        Y = nd.Convolution(
            X.reshape((1, 1, *X.shape)),
            K.reshape((1, 1, 3, 3)),
            kernel=(3, 3),
            num_filter=1,
            no_bias=True,
        )
        return Y[0, 0].asnumpy()

    def check(self) -> Dict[str, Any]:
        """MXNet's summary of the filtered photo; the page's must agree."""
        Y = self.filtered()
        r, c = self._state["probe"]
        expected = {
            "shape": list(Y.shape),
            "min": round(float(Y.min()), 3),
            "max": round(float(Y.max()), 3),
            "mean": round(float(Y.mean()), 3),
            "probe": round(float(Y[r, c]), 3),
        }
        page = self._state.get("stats")
        if page is not None:
            assert page["shape"] == expected["shape"], (page, expected)
            for key in ("min", "max", "mean", "probe"):
                assert abs(page[key] - expected[key]) < 2e-3, (key, page, expected)
        return expected

    def static_html(self) -> str:
        Y = self.filtered()
        if Y.min() < 0:
            top = float(np.abs(Y).max()) or 1.0
            pixels = _diverging(Y / top)
            scale = f"blue {-top:.2f} to white 0 to red {top:.2f}"
        else:
            top = float(Y.max()) or 1.0
            pixels = np.round(255 * np.clip(Y / top, 0, 1)).astype(np.uint8)
            scale = f"black 0 to white {top:.2f}"
        stats = self.check()
        alt = (
            f"The photograph filtered with the kernel {self._state['K']}, "
            f"coloured {scale}."
        )
        return (
            f'<img src="{png_data_url(pixels[::2, ::2])}" alt="{alt}" '
            'style="max-width: 260px; width: 100%">'
            f"<p>Output {stats['shape'][0]}\u00d7{stats['shape'][1]}, values from "
            f"{stats['min']} to {stats['max']}, mean {stats['mean']}. With "
            "JavaScript you can edit the kernel here.</p>"
        )
