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


def colorbars(fig):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def test_show_heatmaps_with_a_shared_scale_draws_one_colorbar():
    fig = d2l.show_heatmaps([nd.ones((2, 2)), nd.ones((2, 2))], colorbar=True)
    assert len(colorbars(fig)) == 1


def test_show_heatmaps_on_separate_scales_draws_a_colorbar_per_panel():
    arrays = [nd.ones((2, 2)), nd.ones((2, 2))]
    fig = d2l.show_heatmaps(arrays, colorbar=True, share_scale=False)
    assert len(colorbars(fig)) == 2


def test_show_heatmaps_puts_compared_panels_on_one_scale():
    fig = d2l.show_heatmaps([np.array([[0.0, 1]]), np.array([[0.0, 8]])])
    assert [ax.images[0].get_clim() for ax in fig.axes[:2]] == [(0, 8), (0, 8)]


def test_show_heatmaps_centres_signed_data_at_zero_with_a_colorbar():
    fig = d2l.show_heatmaps([np.array([[-1.0, 3]]), np.array([[0.0, 2]])])
    image = fig.axes[0].images[0]
    assert image.get_cmap().name == d2l.style.SIGNED_CMAP
    assert image.get_clim() == (-3, 3)
    assert len(colorbars(fig)) == 1


def test_show_heatmaps_keeps_an_explicit_colour_map():
    fig = d2l.show_heatmaps(np.array([[0.0, 1]]), cmap="gray")
    assert fig.axes[0].images[0].get_cmap().name == "gray"


def test_show_heatmaps_writes_dark_cells_in_white_and_light_cells_in_black():
    fig = d2l.show_heatmaps(np.array([[0.0, 1]]), cmap="gray")
    assert [t.get_color() for t in fig.axes[0].texts] == ["white", "black"]


def test_show_heatmaps_wraps_many_panels_into_rows_within_the_width_budget():
    fig = d2l.show_heatmaps([nd.ones((6, 6))] * 5)
    rows = {round(ax.get_position().y0, 3) for ax in fig.axes[:5]}
    assert len(rows) > 1
    assert fig.get_size_inches()[0] <= d2l.style.MAX_WIDTH_IN + 1.0


def test_show_heatmaps_rejects_a_3d_array():
    with pytest.raises(ValueError, match=r"`arrays`\[1\] must be 2-D"):
        d2l.show_heatmaps([nd.ones((2, 2)), nd.ones((1, 2, 2))])


def test_show_heatmaps_rejects_a_wrong_number_of_titles():
    with pytest.raises(ValueError, match=r"`titles` must have one entry per array"):
        d2l.show_heatmaps([nd.ones((2, 2))], titles=["a", "b"])


def test_show_images_draws_one_titled_panel_per_image():
    images = [nd.ones((4, 4)), np.zeros((4, 4, 3)), nd.ones((5, 3))]
    fig = d2l.show_images(images, titles=["a", "b", "c"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c"]


def test_show_images_draws_one_hxwx3_array_as_one_colour_image():
    fig = d2l.show_images(np.random.uniform(size=(5, 6, 3)))
    assert len(fig.axes) == 1
    assert fig.axes[0].images[0].get_array().shape == (5, 6, 3)


def test_show_images_draws_a_one_row_colour_image_in_colour():
    fig = d2l.show_images([np.random.uniform(size=(1, 6, 3))])
    assert fig.axes[0].images[0].get_array().shape == (1, 6, 3)


def test_show_images_draws_a_stack_of_grey_images_as_panels():
    fig = d2l.show_images(nd.ones((3, 4, 5)))
    assert len(fig.axes) == 3


def test_show_images_draws_grey_levels_on_a_fixed_scale():
    fig = d2l.show_images([nd.ones((2, 2)) * 0.5, nd.array([[0, 200], [3, 4]])])
    assert [ax.images[0].get_clim() for ax in fig.axes] == [(0, 1), (0, 255)]


def test_show_images_drops_a_single_channel_axis():
    fig = d2l.show_images([nd.ones((1, 4, 5)), np.ones((4, 5, 1))])
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(4, 5), (4, 5)]


@pytest.mark.parametrize("shape", [(4,), (2, 4, 5), (1, 1, 4, 4)])
def test_show_images_rejects_what_is_not_an_image(shape):
    with pytest.raises(ValueError, match=r"`images`\[0\] must be \(h, w\)"):
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


def test_plot_repeats_one_row_of_x_values_for_every_series():
    ax = d2l.plot(np.array([[0.0, 1, 2]]), [[1, 2, 3], [4, 5, 6]])
    assert [list(line.get_xdata()) for line in ax.lines] == [[0, 1, 2], [0, 1, 2]]


def test_plot_rejects_series_of_different_lengths():
    with pytest.raises(ValueError, match=r"`Y`\[0\] must be 3 values"):
        d2l.plot([0, 1, 2], [1, 2])


def test_plot_rejects_as_many_x_series_as_neither_one_nor_y():
    with pytest.raises(ValueError, match=r"`X` must hold one series or one per"):
        d2l.plot([[0, 1], [0, 1]], [[1, 2], [1, 2], [1, 2]])


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"X": None}, "X"),
        ({"X": "abc"}, "X"),
        ({"X": [1, 2], "xscale": "cubic"}, "xscale"),
        ({"X": [1, 2], "fmts": []}, "fmts"),
        ({"X": [1, 2], "legend": ["a", "b"]}, "legend"),
        ({"X": [1, 2], "figsize": (-1, 2)}, "figsize"),
        ({"X": [1, 2], "axes": "here"}, "axes"),
    ],
)
def test_plot_rejects_bad_arguments_naming_them(kwargs, name):
    with pytest.raises(ValueError, match=rf"`{name}` must"):
        d2l.plot(**kwargs)


@pytest.mark.parametrize("size", [(-1, 2), (0, 1), (2,), "big", (1e9, 1), None])
def test_set_figsize_rejects_what_is_not_a_positive_size(size):
    with pytest.raises(ValueError, match=r"`figsize` must be a \(width, height\)"):
        d2l.set_figsize(size)


@pytest.mark.parametrize("arrays", [None, 3, "x", [None]])
def test_show_heatmaps_rejects_what_is_not_arrays(arrays):
    with pytest.raises(ValueError, match=r"`arrays"):
        d2l.show_heatmaps(arrays)


def test_show_images_rejects_a_sparse_ndarray():
    with pytest.raises(ValueError, match=r"`images`\[0\] must be a dense NDArray"):
        d2l.show_images([nd.ones((2, 2)).tostype("csr")])


def test_show_images_rejects_an_empty_image():
    with pytest.raises(ValueError, match=r"`images`\[0\] must be non-empty"):
        d2l.show_images([np.ones((0, 3))])
