"""Plotting helpers draw the panels, titles and values they are given."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from mxnet import nd

import d2l


def texts(ax):
    return [t.get_text() for t in ax.texts]


def test_set_figsize_sets_the_default_figure_size():
    d2l.set_figsize((5, 4))
    try:
        assert tuple(plt.rcParams["figure.figsize"]) == (5.0, 4.0)
    finally:
        d2l.set_figsize()
    assert tuple(plt.rcParams["figure.figsize"]) == (3.5, 2.5)


def test_plot_draws_one_line_per_series_with_labels_and_legend():
    x = nd.arange(5)
    ax = d2l.plot(x, [x, x**2], xlabel="x", ylabel="f(x)", legend=["x", "x^2"])
    assert len(ax.lines) == 2
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["x", "x^2"]
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [0, 1, 4, 9, 16])


def test_plot_without_y_uses_positions_as_x():
    ax = d2l.plot([3.0, 1.0, 2.0])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), [0, 1, 2])


def test_plot_draws_on_given_axes_with_limits_and_scales():
    _, ax = plt.subplots()
    out = d2l.plot([1, 2, 3], [1, 10, 100], yscale="log", xlim=(0, 4), axes=ax)
    assert out is ax
    assert ax.get_yscale() == "log" and ax.get_xlim() == (0, 4)


def test_show_heatmaps_draws_one_titled_panel_per_array():
    fig = d2l.show_heatmaps([nd.ones((2, 2)), np.zeros((3, 4))], titles=["X", "Y"])
    assert [ax.get_title() for ax in fig.axes] == ["X", "Y"]


def test_show_heatmaps_writes_the_values_in_small_arrays():
    fig = d2l.show_heatmaps([nd.array([[0, 1], [-0.001, 3.5]])])
    assert texts(fig.axes[0]) == ["0", "1", "0", "3.5"]


def test_show_heatmaps_leaves_large_arrays_unwritten():
    fig = d2l.show_heatmaps([nd.ones((13, 13))])
    assert texts(fig.axes[0]) == []


def test_show_heatmaps_can_skip_the_values():
    fig = d2l.show_heatmaps(nd.ones((2, 2)), annotate=False)
    assert texts(fig.axes[0]) == []


def test_show_heatmaps_titles_panels_by_default():
    fig = d2l.show_heatmaps(nd.ones((2, 2)))
    assert fig.axes[0].get_title() == "array 0"


def test_show_heatmaps_adds_a_colorbar_on_request():
    fig = d2l.show_heatmaps([nd.ones((2, 2)), nd.ones((2, 2))], colorbar=True)
    assert len(fig.axes) == 4


def test_show_heatmaps_rejects_a_3d_array():
    with pytest.raises(ValueError, match=r"`arrays\[1\]` must be 2-D"):
        d2l.show_heatmaps([nd.ones((2, 2)), nd.ones((1, 2, 2))])


def test_show_heatmaps_rejects_a_wrong_number_of_titles():
    with pytest.raises(ValueError, match=r"`titles` must have one entry per array"):
        d2l.show_heatmaps([nd.ones((2, 2))], titles=["a", "b"])


def test_show_images_draws_one_titled_panel_per_image():
    images = [nd.ones((4, 4)), np.zeros((4, 4, 3)), nd.ones((5, 3))]
    fig = d2l.show_images(images, titles=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]


def test_show_images_drops_a_single_channel_axis():
    fig = d2l.show_images([nd.ones((1, 4, 5)), np.ones((4, 5, 1))])
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(4, 5), (4, 5)]


@pytest.mark.parametrize("shape", [(4,), (2, 4, 5), (1, 1, 4, 4)])
def test_show_images_rejects_what_is_not_an_image(shape):
    with pytest.raises(ValueError, match=r"`images\[0\]` must be \(h, w\)"):
        d2l.show_images([nd.ones(shape)])


def test_plot_of_an_empty_series_draws_one_empty_line():
    ax = d2l.plot([])
    assert len(ax.lines) == 1 and len(ax.lines[0].get_xdata()) == 0


@pytest.mark.parametrize(
    "draw, name", [(d2l.show_heatmaps, "arrays"), (d2l.show_images, "images")]
)
def test_drawing_no_panels_is_a_value_error_naming_the_argument(draw, name):
    with pytest.raises(ValueError, match=rf"`{name}` must hold at least one"):
        draw([])
