"""The diagrams show what the computation computes.

Each description is checked against an independent computation (NumPy sums,
MXNet's own operators), and each drawing against its description by reading
the matplotlib artists back (cells, texts and outlines carry a ``gid``).
"""

import re

import mxnet as mx
import numpy as np
import pytest
from mxnet import nd

from d2l import figures

X3 = nd.arange(9).reshape((3, 3))
K2 = nd.array([[0, 1], [2, 3]])
X4 = nd.arange(16).reshape((4, 4))


def mxnet_conv(X, K, padding, stride):
    """MXNet's convolution operator: the reference the diagrams must match."""
    out = nd.Convolution(
        X.reshape((1, 1, *X.shape)),
        K.reshape((1, 1, *K.shape)),
        kernel=K.shape,
        pad=padding,
        stride=stride,
        num_filter=1,
        no_bias=True,
    )
    return out[0, 0].asnumpy()


def patches_by_gid(ax):
    return {p.get_gid(): p for p in ax.patches if p.get_gid()}


def texts_by_gid(ax):
    return {t.get_gid(): t.get_text() for t in ax.texts if t.get_gid()}


def cell_texts(ax, role):
    """``{(r, c): text}`` for the values written in cells of ``role``."""
    found = {}
    for gid, text in texts_by_gid(ax).items():
        m = re.fullmatch(rf"{role}-text\[(\d+),(\d+)\]", gid)
        if m:
            found[int(m[1]), int(m[2])] = text
    return found


# --- descriptions ----------------------------------------------------------


def test_format_value_drops_the_point_of_integers_and_rounds_the_rest():
    assert figures.format_value(np.float32(43.0)) == "43"
    assert figures.format_value(np.float32(1.1111112)) == "1.11"
    assert figures.format_value(-2.5) == "-2.5"
    assert figures.format_value(0.001) == figures.format_value(-0.001) == "0"


def test_corr2d_steps_window_and_value_match_a_numpy_sum():
    steps = figures.describe_window_positions(figures.describe_corr2d(X3, K2))
    X, K = X3.asnumpy(), K2.asnumpy()
    assert [s.index for s in steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    for s in steps:
        i, j = s.index
        assert s.window == (i, j, 2, 2)
        np.testing.assert_array_equal(s.window_values, X[i : i + 2, j : j + 2])
        assert s.value == (X[i : i + 2, j : j + 2] * K).sum()


def test_corr2d_expression_writes_each_product_and_the_sum():
    step = figures.describe_corr2d(X3, K2, index=(1, 0))
    window = X3.asnumpy()[1:3, 0:2].ravel()
    products = [f"{int(x)}×{int(k)}" for x, k in zip(window, K2.asnumpy().ravel())]
    total = int((window * K2.asnumpy().ravel()).sum())
    assert step.expression == " + ".join(products) + f" = {total}"


@pytest.mark.parametrize("padding,stride", [(0, 1), (1, 1), (1, 2), ((2, 1), (3, 2))])
def test_padded_strided_output_equals_mxnet_convolution(padding, stride):
    K = nd.array([[1, -1, 2], [0, 3, 1]])
    step = figures.describe_corr2d(X4, K, padding=padding, stride=stride)
    p = padding if isinstance(padding, tuple) else (padding, padding)
    s = stride if isinstance(stride, tuple) else (stride, stride)
    np.testing.assert_array_equal(step.Y, mxnet_conv(X4, K, p, s))
    assert step.padded.shape == (4 + 2 * p[0], 4 + 2 * p[1])
    for later in figures.describe_window_positions(step):
        i, j = later.index
        assert later.window[:2] == (i * s[0], j * s[1])


def test_padding_is_a_zero_border_around_the_unchanged_input():
    padded = figures.describe_corr2d(X3, K2, padding=1).padded
    assert padded.shape == (5, 5)
    np.testing.assert_array_equal(padded[1:-1, 1:-1], X3.asnumpy())
    border = np.ones((5, 5), bool)
    border[1:-1, 1:-1] = False
    assert (padded[border] == 0).all()


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool_steps_match_mxnet_pooling_with_padding_and_stride(mode):
    step = figures.describe_pool(X4, 3, mode, padding=1, stride=2)
    ref = nd.Pooling(
        X4.reshape((1, 1, 4, 4)),
        kernel=(3, 3),
        pad=(1, 1),
        stride=(2, 2),
        pool_type=mode,
    )[0, 0].asnumpy()
    np.testing.assert_allclose(step.Y, ref, rtol=1e-6)
    reduce = np.max if mode == "max" else np.mean  # MXNet counts padded zeros
    for s in figures.describe_window_positions(step):
        assert s.value == pytest.approx(reduce(s.window_values))


def test_pool_expressions_name_the_operation_and_the_window_values():
    X = X3.asnumpy()
    top_left = ", ".join(str(int(v)) for v in X[:2, :2].ravel())
    step = figures.describe_pool(X3, 2, "max", stride=1)
    assert step.expression == f"max({top_left}) = {int(X[:2, :2].max())}"
    avg = figures.describe_pool(X3, 2, "avg", stride=1)
    assert avg.expression.startswith("(0 + 1 + 3 + 4) / 4 = ")


def test_max_pool_padding_never_wins_and_is_left_out_of_the_arithmetic():
    step = figures.describe_pool(X4, 3, "max", padding=1, stride=2)
    border = np.ones(step.padded.shape, bool)
    border[1:-1, 1:-1] = False
    assert np.isneginf(step.padded[border]).all()
    real = X4.asnumpy()[:2, :2].ravel()
    assert step.expression == (
        "max(" + ", ".join(str(int(v)) for v in real) + f") = {int(real.max())}"
    )
    assert step.input_texts[0][0] == "−∞"


def test_negative_factors_are_written_in_parentheses():
    step = figures.describe_corr2d(nd.array([[2, -3]]), nd.array([[1, -1]]))
    assert step.expression == "2×1 + (-3)×(-1) = 5"


def test_pool_stride_defaults_to_the_window_as_in_gluon():
    assert figures.describe_pool(X4, 2).stride == (2, 2)


def test_multi_in_sums_one_cross_correlation_per_channel():
    X = nd.stack(X3, X3 + 1)
    K = nd.stack(K2, K2 + 1)
    step = figures.describe_multi_in(X, K, index=(1, 1))
    partials = [(X[c].asnumpy()[1:3, 1:3] * K[c].asnumpy()).sum() for c in range(2)]
    assert [ch.value for ch in step.channels] == partials
    assert step.value == sum(partials)
    assert step.expression == " + ".join(str(int(v)) for v in partials) + (
        f" = {int(sum(partials))}"
    )


def test_conv1x1_at_a_pixel_is_the_weight_matrix_times_the_channel_vector():
    rng = np.random.RandomState(0)
    X = nd.array(rng.uniform(size=(3, 3, 3)))
    K = nd.array(rng.uniform(size=(2, 3, 1, 1)))
    step = figures.describe_conv1x1(X, K, index=(2, 1))
    expected = K.asnumpy()[:, :, 0, 0] @ X.asnumpy()[:, 2, 1]
    np.testing.assert_allclose(step.pixel_out, expected, rtol=1e-5)
    assert len(step.expressions) == 2


@pytest.mark.parametrize(
    "call,name",
    [
        (lambda: figures.describe_corr2d(X3, K2, index=(2, 0)), "index"),
        (lambda: figures.describe_corr2d(X3, nd.ones((6, 6)), padding=1), "K"),
        (lambda: figures.describe_corr2d(X3, K2, stride=0), "stride"),
        (lambda: figures.describe_pool(X3, 2, "min"), "mode"),
        (lambda: figures.describe_multi_in(nd.stack(X3, X3), K2.expand_dims(0)), "K"),
        (lambda: figures.describe_conv1x1(nd.stack(X3), nd.ones((1, 2, 1, 1))), "K"),
        (lambda: figures.draw_steps([]), "steps"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, name):
    with pytest.raises(ValueError, match=f"`{name}`"):
        call()


# --- drawings ----------------------------------------------------------------


def test_drawn_window_outlines_exactly_the_described_cells():
    step = figures.describe_corr2d(X4, K2, index=(1, 1), padding=1, stride=2)
    ax = figures.draw_window_step(step).axes[0]
    patches = patches_by_gid(ax)
    top, left, h, w = step.window
    corner = patches.get(f"input[{top},{left}]") or patches[f"padding[{top},{left}]"]
    window = patches["window"]
    assert window.get_xy() == corner.get_xy()
    assert (window.get_height(), window.get_width()) == (h, w)


def test_drawn_cells_show_the_described_values_and_padding_apart():
    step = figures.describe_corr2d(X3, K2, padding=1)
    ax = figures.draw_window_step(step).axes[0]
    written = {**cell_texts(ax, "input"), **cell_texts(ax, "padding")}
    assert written == {
        (r, c): t for r, row in enumerate(step.input_texts) for c, t in enumerate(row)
    }
    padding_cells = set(cell_texts(ax, "padding"))
    assert padding_cells == {(r, c) for r in range(5) for c in range(5)} - {
        (r, c) for r in range(1, 4) for c in range(1, 4)
    }
    colors = {
        p.get_gid().split("[")[0]: p.get_facecolor()
        for p in ax.patches
        if p.get_gid() and "[" in p.get_gid()
    }
    assert colors["padding"] != colors["input"] != colors["kernel"] != colors["output"]


def test_drawn_output_marks_the_current_cell_and_writes_the_arithmetic():
    step = figures.describe_corr2d(X3, K2, index=(0, 1))
    ax = figures.draw_window_step(step).axes[0]
    patches = patches_by_gid(ax)
    assert patches["output-current"].get_xy() == patches["output[0,1]"].get_xy()
    assert cell_texts(ax, "output")[0, 1] == figures.format_value(step.value)
    texts = texts_by_gid(ax)
    assert texts["expression"] == step.expression
    assert {texts["input-label"], texts["kernel-label"], texts["output-label"]} == {
        "input X",
        "kernel K",
        "output Y",
    }


def test_unrevealed_output_cells_stay_empty_until_the_window_reaches_them():
    step = figures.describe_corr2d(X3, K2, index=(1, 0))
    ax = figures.draw_window_step(step, reveal_all=False).axes[0]
    assert set(cell_texts(ax, "output")) == {(0, 0), (0, 1), (1, 0)}


def test_values_too_long_for_a_cell_are_left_out():
    X = nd.array([[1.23456, 123456.0], [0.5, 2.0]])
    ax = figures.draw_window_step(figures.describe_corr2d(X, nd.ones((1, 1)))).axes[0]
    assert cell_texts(ax, "input") == {(0, 0): "1.23", (1, 0): "0.5", (1, 1): "2"}


def test_draw_steps_gives_one_titled_panel_per_step():
    steps = [figures.describe_pool(X3, 2, m, stride=1) for m in ("max", "avg")]
    fig = figures.draw_steps(steps, titles=["max", "avg"])
    assert [ax.get_title() for ax in fig.axes] == ["max", "avg"]
    assert [texts_by_gid(ax)["expression"] for ax in fig.axes] == [
        s.expression for s in steps
    ]


def test_drawn_multi_in_shows_each_channel_window_and_the_sum():
    step = figures.describe_multi_in(nd.stack(X3, X3 + 1), nd.stack(K2, K2 + 1))
    ax = figures.draw_multi_in(step).axes[0]
    patches = patches_by_gid(ax)
    assert {"window[0]", "window[1]", "output-current"} <= set(patches)
    assert cell_texts(ax, "output")[0, 0] == figures.format_value(step.value)
    assert texts_by_gid(ax)["expression"] == step.expression


def test_drawn_conv1x1_outlines_the_same_pixel_in_every_channel():
    X = nd.arange(18).reshape((2, 3, 3))
    step = figures.describe_conv1x1(X, nd.ones((3, 2, 1, 1)), index=(1, 2))
    ax = figures.draw_conv1x1(step).axes[0]
    patches = patches_by_gid(ax)
    outlines = [g for g in patches if "-pixel[" in g]
    assert len(outlines) == 2 + 3
    texts = texts_by_gid(ax)
    assert [texts[f"expression[{o}]"] for o in range(3)] == step.expressions


# --- inputs on another context or of another dtype -------------------------------

CPU1 = mx.cpu(1)

DESCRIBE_CALLS = {
    "corr2d": lambda ctx: (
        figures.describe_corr2d(
            X3.as_in_context(ctx), K2.as_in_context(ctx), padding=1, stride=2
        ).Y
    ),
    "pool": lambda ctx: (
        figures.describe_pool(X4.as_in_context(ctx), 3, "avg", padding=1, stride=2).Y
    ),
    "multi_in": lambda ctx: (
        figures.describe_multi_in(
            nd.stack(X3, X3 + 1).as_in_context(ctx), nd.stack(K2, K2).as_in_context(ctx)
        ).Y
    ),
    "conv1x1": lambda ctx: (
        figures.describe_conv1x1(
            nd.stack(X3, X3 + 1).as_in_context(ctx), nd.ones((2, 2, 1, 1), ctx=ctx)
        ).Y
    ),
}


@pytest.mark.parametrize("name", sorted(DESCRIBE_CALLS))
def test_a_description_of_arrays_on_another_context_is_the_same(name):
    call = DESCRIBE_CALLS[name]
    np.testing.assert_array_equal(call(CPU1), call(mx.cpu(0)))


def test_describe_corr2d_rejects_integer_input_naming_x():
    X = nd.arange(9, dtype="int32").reshape((3, 3))
    K = nd.ones((2, 2), dtype="int32")
    with pytest.raises(ValueError, match="`X` must be a floating-point NDArray"):
        figures.describe_corr2d(X, K, padding=1)


def test_describe_corr2d_of_float64_input_pads_with_float64_zeros():
    X, K = X3.astype("float64"), K2.astype("float64")
    step = figures.describe_corr2d(X, K, padding=1)
    assert step.padded.dtype == np.float64
    np.testing.assert_array_equal(
        step.Y, mxnet_conv(X.astype("float32"), K2, (1, 1), (1, 1))
    )
