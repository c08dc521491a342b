"""The book's figure style: legible text within the width budget, honest colours.

Every drawing function of the package is called on a typical input; each
figure must keep its smallest text at 11 pt (15.3 px at 100 dpi) and be no
wider than the budget that keeps that text at 8 px or more on a phone.
"""

import io

import numpy as np
import pytest
from mxnet import nd
from PIL import Image

import d2l
from d2l import figures, style

X5 = nd.arange(25).reshape((5, 5))
K3 = nd.ones((3, 3))
PHONE_COLUMN_PX, DESKTOP_COLUMN_PX = 358, 688


def window_strip():
    step = figures.describe_corr2d(X5, K3, padding=1, stride=2)
    return figures.draw_steps(figures.describe_window_positions(step)[:4], detail=False)


def pool_pair():
    X = nd.arange(36).reshape((6, 6))
    return figures.draw_steps([figures.describe_pool(X, 2, m) for m in ("max", "avg")])


DRAWINGS = {
    "window step": lambda: figures.draw_window_step(
        figures.describe_corr2d(X5, K3, padding=1)
    ),
    "long arithmetic": lambda: figures.draw_window_step(
        figures.describe_corr2d(nd.ones((7, 7)), nd.ones((5, 5)))
    ),
    "stride strip": window_strip,
    "max and average": pool_pair,
    "multi-input": lambda: figures.draw_multi_in(
        figures.describe_multi_in(nd.ones((2, 3, 3)), nd.ones((2, 2, 2)))
    ),
    "1x1": lambda: figures.draw_conv1x1(
        figures.describe_conv1x1(nd.ones((3, 3, 3)), nd.ones((2, 3, 1, 1)), (1, 1))
    ),
    "heat maps": lambda: d2l.show_heatmaps([np.ones((6, 8)) * -1, np.ones((6, 8))]),
    "12x12 heat map": lambda: d2l.show_heatmaps(np.arange(144.0).reshape(12, 12)),
    "images": lambda: d2l.show_images([np.ones((28, 28))] * 10, list("abcdefghij")),
    "plot": lambda: d2l.plot([1, 2, 3], [[1, 2, 3]], xlabel="x", legend=["y"]),
}


@pytest.fixture(params=sorted(DRAWINGS))
def drawn(request):
    fig = DRAWINGS[request.param]()
    fig = getattr(fig, "figure", fig)  # plot returns an Axes
    png = Image.open(io.BytesIO(style.figure_png(fig)))
    return fig, png


def test_the_smallest_text_is_at_least_11_points(drawn):
    fig, _ = drawn
    assert style.smallest_text_px(fig) >= style.FONT_PT * style.DPI / 72 - 0.01


def test_the_text_stays_legible_in_the_desktop_and_phone_columns(drawn):
    _, png = drawn
    text_px = float(png.text[style.FONT_METADATA_KEY])
    width = png.size[0]
    assert text_px * min(1, DESKTOP_COLUMN_PX / width) >= 11
    assert text_px * min(1, PHONE_COLUMN_PX / width) >= 8


def test_the_png_records_its_smallest_text_in_pixels(drawn):
    fig, png = drawn
    recorded = float(png.text[style.FONT_METADATA_KEY])
    assert recorded == pytest.approx(style.smallest_text_px(fig), abs=0.05)


def test_smallest_text_px_sees_a_tiny_label():
    fig = d2l.plot([1, 2, 3])
    fig.figure.text(0.5, 0.5, "tiny", fontsize=4)
    assert style.smallest_text_px(fig.figure) == pytest.approx(4 * style.DPI / 72)


def test_heatmap_colors_centre_signed_data_and_share_one_scale():
    cmap, limits, signed = style.heatmap_colors(
        [np.array([[-1.0, 0.5]]), np.array([[0.0, 3.0]])], None, True
    )
    assert (cmap, signed) == (style.SIGNED_CMAP, True)
    assert limits == [(-3.0, 3.0), (-3.0, 3.0)]


def test_heatmap_colors_keep_separate_scales_on_request():
    _, limits, _ = style.heatmap_colors(
        [np.array([[0.0, 1.0]]), np.array([[0.0, 3.0]])], None, False
    )
    assert limits == [(0.0, 1.0), (0.0, 3.0)]


def test_heatmap_colors_ignore_nan_and_infinity_when_choosing_limits():
    _, limits, _ = style.heatmap_colors(
        [np.array([[np.nan, 1.0, -np.inf, 2.0]])], None, True
    )
    assert limits == [(1.0, 2.0)]
