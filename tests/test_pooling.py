"""pool2d, checked against nd.Pooling, Gluon's pooling layers and NumPy."""

from __future__ import annotations

import mxnet as mx
import numpy as np
import numpy_reference as ref
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mxnet import autograd, nd
from mxnet.gluon import nn

import d2l
from d2l import pooling

SETTINGS = settings(max_examples=50, deadline=None)


@st.composite
def pooling_case(draw):
    """Input shape, window, padding (< window, as MXNet needs) and stride."""
    h, w = draw(st.integers(1, 10)), draw(st.integers(1, 10))
    p_h, p_w = draw(st.integers(0, 2)), draw(st.integers(0, 2))
    k_h = draw(st.integers(p_h + 1, max(p_h + 1, min(h + 2 * p_h, 5))))
    k_w = draw(st.integers(p_w + 1, max(p_w + 1, min(w + 2 * p_w, 5))))
    s_h, s_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        h, w = h + k_h, w + k_w  # keep the window inside the padded input
    mode = draw(st.sampled_from(["max", "avg"]))
    return (h, w), (k_h, k_w), (p_h, p_w), (s_h, s_w), mode


def builtin_pool2d(X, window, padding, stride, mode):
    Y = nd.Pooling(
        X.reshape((1, 1) + X.shape),
        kernel=window,
        pad=padding,
        stride=stride,
        pool_type=mode,
    )
    return Y[0, 0]


def test_pool2d_gives_the_worked_examples():
    X = nd.arange(9).reshape((3, 3))
    np.testing.assert_array_equal(d2l.pool2d(X, 2).asnumpy(), [[4, 5], [7, 8]])
    Y = d2l.pool2d(X, (2, 2), "avg")
    np.testing.assert_array_equal(Y.asnumpy(), [[2, 3], [5, 6]])


@SETTINGS
@given(pooling_case())
def test_pool2d_matches_nd_pooling_and_numpy(case):
    shape, window, padding, stride, mode = case
    X = nd.random.normal(shape=shape)
    Y = d2l.pool2d(X, window, mode, padding, stride).asnumpy()
    builtin = builtin_pool2d(X, window, padding, stride, mode).asnumpy()
    np.testing.assert_allclose(Y, builtin, atol=1e-6)
    np.testing.assert_allclose(
        Y, ref.pool2d(X.asnumpy(), window, mode, padding, stride), atol=1e-6
    )


@pytest.mark.parametrize(
    "layer_cls, mode", [(nn.MaxPool2D, "max"), (nn.AvgPool2D, "avg")]
)
@pytest.mark.parametrize(
    "pool_size, padding, strides", [(3, 1, 2), ((2, 3), (1, 0), (2, 1)), (2, 0, 2)]
)
def test_pool2d_matches_gluon_layers(layer_cls, mode, pool_size, padding, strides):
    X = nd.random.normal(shape=(7, 9))
    layer = layer_cls(pool_size=pool_size, strides=strides, padding=padding)
    expected = layer(X.reshape((1, 1, 7, 9)))[0, 0]
    Y = d2l.pool2d(X, pool_size, mode, padding, strides)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-6)


# One size on each side of the gathered route's limit (pooling._SMALL_WINDOWS):
# 3x3 windows, padding 1 and stride 1 on 66x66 make 39,204 window entries, on
# 67x67 40,401.
@pytest.mark.parametrize("size, gathered", [(66, True), (67, False)])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_takes_each_route_by_size_and_matches_nd_pooling(
    size, gathered, mode, monkeypatch
):
    calls = []
    gather = pooling._pool_windows
    monkeypatch.setattr(
        pooling, "_pool_windows", lambda *a: calls.append(1) or gather(*a)
    )
    X = nd.random.normal(shape=(size, size))
    Y = d2l.pool2d(X, 3, mode, padding=1)
    assert bool(calls) == gathered
    expected = builtin_pool2d(X, (3, 3), (1, 1), (1, 1), mode)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-6)


def test_max_pooling_never_picks_a_padded_cell():
    X = -nd.ones((3, 3)) - nd.arange(9).reshape((3, 3))  # all negative
    Y = d2l.pool2d(X, 2, "max", padding=1)
    assert Y.max().asscalar() == -1 and Y.min().asscalar() == -9


def test_average_pooling_counts_padded_zeros():
    Y = d2l.pool2d(nd.ones((2, 2)), 2, "avg", padding=1)
    np.testing.assert_array_equal(Y[0, 0].asnumpy(), [0.25])


def test_pool2d_is_differentiable():
    X = nd.random.normal(shape=(5, 5))
    X.attach_grad()
    with autograd.record():
        Y = d2l.pool2d(X, 2, "avg", stride=1)
    Y.backward()
    # Each input cell belongs to 1, 2 or 4 windows, each weighting it by 1/4.
    assert set(np.unique(X.grad.asnumpy())) == {0.25, 0.5, 1.0}


@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_output_lives_on_the_inputs_context(mode):
    X = nd.ones((5, 5), ctx=mx.cpu(1))
    assert d2l.pool2d(X, 3, mode, padding=1, stride=2).context == mx.cpu(1)


# --- bad input -----------------------------------------------------------------


def test_pool2d_rejects_an_unknown_mode():
    with pytest.raises(ValueError, match=r"`mode` must be 'max' or 'avg', got 'min'"):
        d2l.pool2d(nd.ones((3, 3)), 2, mode="min")


def test_pool2d_rejects_a_3d_input():
    with pytest.raises(ValueError, match=r"`X` must be 2-D, got shape \(1, 3, 3\)"):
        d2l.pool2d(nd.ones((1, 3, 3)), 2)


def test_pool2d_rejects_a_numpy_input_and_names_its_type():
    with pytest.raises(ValueError, match=r"`X` must be an mxnet NDArray, got ndarray"):
        d2l.pool2d(np.ones((3, 3)), 2)


@pytest.mark.parametrize("pool_size", [0, -2, (2, 0), 1.5, None])
def test_pool2d_rejects_a_pool_size_that_is_not_positive_ints(pool_size):
    with pytest.raises(ValueError, match=r"`pool_size` must be a positive int"):
        d2l.pool2d(nd.ones((3, 3)), pool_size)


@pytest.mark.parametrize("stride", [0, -1, (1, 0), 2.0])
def test_pool2d_rejects_a_stride_that_is_not_positive_ints(stride):
    with pytest.raises(ValueError, match=r"`stride` must be a positive int"):
        d2l.pool2d(nd.ones((3, 3)), 2, stride=stride)


@pytest.mark.parametrize("padding", [-1, (0, -1), 0.5])
def test_pool2d_rejects_negative_padding(padding):
    with pytest.raises(ValueError, match=r"`padding` must be a non-negative int"):
        d2l.pool2d(nd.ones((3, 3)), 2, padding=padding)


def test_pool2d_rejects_padding_as_large_as_the_window():
    with pytest.raises(ValueError, match=r"`padding` must be smaller than `pool_size`"):
        d2l.pool2d(nd.ones((3, 3)), 2, padding=2)


def test_pool2d_rejects_a_window_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"`pool_size` must be no larger than the pad"):
        d2l.pool2d(nd.ones((3, 3)), (6, 2), padding=1)


def test_pool2d_rejects_an_integer_input():
    X = nd.ones((3, 3), dtype="int32")
    with pytest.raises(ValueError, match=r"`X` must be a floating-point NDArray"):
        d2l.pool2d(X, 2)


def test_max_pool2d_gradient_goes_to_each_windows_largest_cell():
    # Compared with NumPy, not nd.Pooling: on this CPU build the latter's max
    # gradient changes with how its input was reshaped.
    X = nd.random.normal(shape=(6, 7))
    X.attach_grad()
    with autograd.record():
        Y = d2l.pool2d(X, 3, "max", padding=1, stride=2)
    head = nd.arange(Y.size).reshape(Y.shape)
    Y.backward(head)
    expected = ref.max_pool2d_grad(X.asnumpy(), head.asnumpy(), (3, 3), (1, 1), (2, 2))
    np.testing.assert_array_equal(X.grad.asnumpy(), expected)


@pytest.mark.parametrize("dtype", ["float16", "float64"])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_keeps_the_inputs_float_dtype(dtype, mode):
    X = nd.random.uniform(-1, 1, shape=(5, 6))
    Y = d2l.pool2d(X.astype(dtype), 3, mode, padding=1, stride=2)
    expected = builtin_pool2d(X.astype(dtype), (3, 3), (1, 1), (2, 2), mode)
    assert Y.dtype == np.dtype(dtype)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), rtol=1e-3, atol=1e-3)


def test_pool2d_with_a_stride_larger_than_the_input_keeps_one_window():
    X = nd.arange(9).reshape((3, 3))
    Y = d2l.pool2d(X, 2, stride=5)
    np.testing.assert_array_equal(Y.asnumpy(), [[4.0]])


def test_float16_average_pooling_sums_in_float32():
    # A float16 window sum of 4 x 40000 would overflow to inf.
    Y = d2l.pool2d(nd.full((4, 4), 40000, dtype="float16"), 2, mode="avg")
    assert Y.dtype == np.float16
    np.testing.assert_array_equal(Y.asnumpy(), np.full((3, 3), 40000))


def test_absurd_padding_is_refused_before_allocating():
    with pytest.raises(ValueError, match="`padding` must be small enough"):
        d2l.pool2d(nd.ones((2, 2)), 50000, padding=49999)


def test_sparse_arrays_are_refused_naming_x():
    with pytest.raises(TypeError, match="`X` must be an mxnet NDArray"):
        d2l.pool2d(nd.ones((3, 3)).tostype("csr"), 2)


def test_describe_pool_keeps_infinite_input_cells_in_its_arithmetic():
    X = nd.array([[-np.inf, 1.0], [2.0, np.inf]])
    step = d2l.windows.describe_pool(X, 2, "max", padding=1, stride=2, index=(1, 1))
    assert step.expression == "max(∞) = ∞"
    step = d2l.windows.describe_pool(X, 2, "max", padding=1, stride=2, index=(0, 0))
    assert step.expression == "max(\u2212∞) = \u2212∞"  # a Unicode minus


@pytest.mark.parametrize("size", [3, 40])  # both routes: gathered and separable
def test_max_pool_gradient_gives_each_window_to_one_tied_maximum(size):
    X = nd.ones((size, size))
    X.attach_grad()
    with autograd.record():
        Y = d2l.pool2d(X, 2)
    Y.backward()
    assert float(X.grad.sum().asscalar()) == Y.size


# --- large inputs, non-square windows, unequal strides --------------------------
# Each route once, just below and just above pooling._SMALL_WINDOWS: a window
# (k_h, k_w) with k_h != k_w catches a divisor of k_h * k_h (or k_w * k_w),
# and strides (1, 2) catch an axis mix-up. Both kinds of array, with
# npx.set_np() on and off; the reference is nd.Pooling with count_include_pad.
WINDOW, PADDING, STRIDE, HEIGHT = (2, 3), (1, 1), (1, 2), 80


def _window_entries(width):
    oh, ow = d2l.conv_output_shape((HEIGHT, width), WINDOW, PADDING, STRIDE)
    return WINDOW[0] * WINDOW[1] * oh * ow


def _width_by_route():
    """The widest input the gathered route takes, and the narrowest beyond it."""
    width = 1
    while _window_entries(width + 1) <= pooling._SMALL_WINDOWS:
        width += 1
    wider = width + 1
    while _window_entries(wider) <= pooling._SMALL_WINDOWS:  # pragma: no cover
        wider += 1
    return {"gathered": width, "separable": wider}


@pytest.mark.parametrize("np_on", [False, True], ids=["nd mode", "np mode"])
@pytest.mark.parametrize("np_kind", [False, True], ids=["mx.nd", "mx.np"])
@pytest.mark.parametrize("route", ["gathered", "separable"])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_large_non_square_pooling_with_unequal_strides_matches_nd_pooling(
    mode, route, np_kind, np_on, monkeypatch
):
    width = _width_by_route()[route]
    assert (_window_entries(width) <= pooling._SMALL_WINDOWS) == (route == "gathered")
    assert abs(_window_entries(width) - pooling._SMALL_WINDOWS) < 2_000  # near it
    gathered = []
    gather = pooling._pool_windows
    monkeypatch.setattr(
        pooling, "_pool_windows", lambda *a: gathered.append(1) or gather(*a)
    )
    X = nd.random.uniform(-1, 1, shape=(HEIGHT, width))
    expected = nd.Pooling(
        X.reshape((1, 1) + X.shape),
        kernel=WINDOW,
        pad=PADDING,
        stride=STRIDE,
        pool_type=mode,
        count_include_pad=True,
    )[0, 0].asnumpy()
    if np_on:
        mx.npx.set_np()
    try:
        X_in = X.as_np_ndarray() if np_kind else X
        Y = d2l.pool2d(X_in, WINDOW, mode, padding=PADDING, stride=STRIDE)
    finally:
        mx.npx.reset_np()
    assert type(Y) is type(X_in)
    assert bool(gathered) == (route == "gathered")
    np.testing.assert_allclose(Y.asnumpy(), expected, rtol=1e-5, atol=1e-6)
