"""Cross-correlation helpers, checked against MXNet's operators and NumPy."""

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

SETTINGS = settings(max_examples=40, deadline=None)


def uniform(*shape, ctx=None):
    return nd.random.uniform(-1, 1, shape=shape, ctx=ctx or mx.cpu())


def builtin_corr2d(X, K):
    """nd.Convolution on 2-D arrays: one image, one channel, one filter."""
    Y = nd.Convolution(
        X.reshape((1, 1) + X.shape),
        K.reshape((1, 1) + K.shape),
        kernel=K.shape,
        num_filter=1,
        no_bias=True,
    )
    return Y[0, 0]


def builtin_multi(X, K):
    """nd.Convolution on (c_i, h, w) input and (c_o, c_i, k_h, k_w) kernels."""
    Y = nd.Convolution(
        X.expand_dims(0), K, kernel=K.shape[2:], num_filter=K.shape[0], no_bias=True
    )
    return Y[0]


@st.composite
def input_and_kernel(draw, max_size=10):
    """Shapes (h, w) and (k_h, k_w) with the kernel fitting in the input."""
    h = draw(st.integers(1, max_size))
    w = draw(st.integers(1, max_size))
    return (h, w), (draw(st.integers(1, h)), draw(st.integers(1, w)))


@st.composite
def channel_shapes(draw):
    """Shapes (c_i, h, w) and (c_o, c_i, k_h, k_w)."""
    (h, w), (kh, kw) = draw(input_and_kernel(max_size=8))
    c_i, c_o = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    return (c_i, h, w), (c_o, c_i, kh, kw)


# --- corr2d and corr2d_loop ----------------------------------------------------


def test_corr2d_gives_the_worked_example():
    X = nd.arange(9).reshape((3, 3))
    K = nd.arange(4).reshape((2, 2))
    np.testing.assert_array_equal(d2l.corr2d(X, K).asnumpy(), [[19, 25], [37, 43]])


@SETTINGS
@given(input_and_kernel())
def test_corr2d_matches_nd_convolution(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    np.testing.assert_allclose(
        d2l.corr2d(X, K).asnumpy(), builtin_corr2d(X, K).asnumpy(), atol=1e-5
    )


@SETTINGS
@given(input_and_kernel())
def test_corr2d_matches_numpy_reference(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    expected = ref.corr2d(X.asnumpy(), K.asnumpy())
    np.testing.assert_allclose(d2l.corr2d(X, K).asnumpy(), expected, atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(input_and_kernel(max_size=6))
def test_corr2d_loop_matches_corr2d(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    np.testing.assert_allclose(
        d2l.corr2d_loop(X, K).asnumpy(), d2l.corr2d(X, K).asnumpy(), atol=1e-5
    )


@settings(max_examples=20, deadline=None)
@given(input_and_kernel())
def test_corr2d_gradients_match_nd_convolution(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    head = uniform(shapes[0][0] - shapes[1][0] + 1, shapes[0][1] - shapes[1][1] + 1)
    grads = []
    for fn in (d2l.corr2d, builtin_corr2d):
        x, k = X.copy(), K.copy()
        x.attach_grad()
        k.attach_grad()
        with autograd.record():
            Y = fn(x, k)
        Y.backward(head)
        grads.append((x.grad.asnumpy(), k.grad.asnumpy()))
    (dX, dK), (dX_ref, dK_ref) = grads
    np.testing.assert_allclose(dX, dX_ref, atol=1e-5)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-4)


def test_corr2d_loop_fails_under_autograd_with_the_in_place_error():
    X, K = uniform(4, 4), uniform(2, 2)
    X.attach_grad()
    with pytest.raises(mx.base.MXNetError, match="Inplace operations"):
        with autograd.record():
            d2l.corr2d_loop(X, K)


# --- Conv2D and comp_conv2d ----------------------------------------------------


def test_conv2d_has_kernel_shaped_weight_and_zero_bias():
    layer = d2l.Conv2D(kernel_size=(1, 2))
    layer.initialize()
    assert layer.weight.data().shape == (1, 2)
    np.testing.assert_array_equal(layer.bias.data().asnumpy(), [0.0])


def test_conv2d_accepts_an_int_kernel_size():
    layer = d2l.Conv2D(kernel_size=3)
    layer.initialize()
    assert layer.weight.data().shape == (3, 3)


def test_conv2d_forward_is_corr2d_plus_bias():
    layer = d2l.Conv2D(kernel_size=(2, 3))
    layer.initialize()
    layer.bias.set_data(nd.array([0.5]))
    X = uniform(5, 6)
    expected = builtin_corr2d(X, layer.weight.data()) + 0.5
    np.testing.assert_allclose(layer(X).asnumpy(), expected.asnumpy(), atol=1e-5)


def test_conv2d_learns_the_edge_kernel():
    X = nd.ones((6, 8))
    X[:, 2:6] = 0
    Y = d2l.corr2d(X, nd.array([[1, -1]]))
    layer = d2l.Conv2D(kernel_size=(1, 2))
    layer.initialize()
    for _ in range(40):
        with autograd.record():
            loss = ((layer(X) - Y) ** 2).sum()
        loss.backward()
        for param in (layer.weight, layer.bias):
            param.set_data(param.data() - 1e-2 * param.grad())
    np.testing.assert_allclose(layer.weight.data().asnumpy(), [[1, -1]], atol=0.05)
    assert loss.asscalar() < 1e-2


@pytest.mark.parametrize(
    "kernel_size, padding, strides",
    [(3, 1, 1), ((5, 3), (2, 1), 1), (3, 1, 2), ((3, 5), (0, 1), (3, 4))],
)
def test_comp_conv2d_matches_the_layer_on_4d_input(kernel_size, padding, strides):
    layer = nn.Conv2D(1, kernel_size=kernel_size, padding=padding, strides=strides)
    X = uniform(8, 8)
    Y = d2l.comp_conv2d(layer, X)
    expected = layer(X.reshape((1, 1, 8, 8)))[0, 0]
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-6)


def test_comp_conv2d_keeps_an_initialized_layers_parameters():
    layer = nn.Conv2D(1, kernel_size=3, in_channels=1)
    layer.initialize(mx.init.Constant(2.0))
    Y = d2l.comp_conv2d(layer, nd.ones((4, 4)))
    np.testing.assert_array_equal(Y.asnumpy(), np.full((2, 2), 18.0))


# --- multiple channels ---------------------------------------------------------


def test_corr2d_multi_in_gives_the_worked_example():
    X = nd.stack(nd.arange(9).reshape((3, 3)), nd.arange(1, 10).reshape((3, 3)))
    K = nd.stack(nd.arange(4).reshape((2, 2)), nd.arange(1, 5).reshape((2, 2)))
    Y = d2l.corr2d_multi_in(X, K)
    np.testing.assert_array_equal(Y.asnumpy(), [[56, 72], [104, 120]])


@SETTINGS
@given(channel_shapes())
def test_corr2d_multi_in_matches_nd_convolution(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1][1:])
    expected = builtin_multi(X, K.expand_dims(0))[0]
    Y = d2l.corr2d_multi_in(X, K)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-5)


@SETTINGS
@given(channel_shapes())
def test_corr2d_multi_in_out_matches_nd_convolution(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    Y = d2l.corr2d_multi_in_out(X, K)
    np.testing.assert_allclose(Y.asnumpy(), builtin_multi(X, K).asnumpy(), atol=1e-5)


@settings(max_examples=15, deadline=None)
@given(channel_shapes())
def test_corr2d_multi_in_out_matches_numpy_reference(shapes):
    X, K = uniform(*shapes[0]), uniform(*shapes[1])
    expected = ref.corr2d_multi_in_out(X.asnumpy(), K.asnumpy())
    Y = d2l.corr2d_multi_in_out(X, K)
    np.testing.assert_allclose(Y.asnumpy(), expected, atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 6), st.integers(1, 6))
def test_corr2d_multi_in_out_1x1_matches_the_general_helper(c_i, c_o, h, w):
    X, K = uniform(c_i, h, w), uniform(c_o, c_i, 1, 1)
    Y = d2l.corr2d_multi_in_out_1x1(X, K)
    expected = d2l.corr2d_multi_in_out(X, K)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-5)


def test_multi_channel_helpers_are_differentiable():
    X, K = uniform(2, 5, 5), uniform(3, 2, 3, 3)
    X.attach_grad()
    with autograd.record():
        Y = d2l.corr2d_multi_in_out(X, K)
    Y.backward()
    x = X.copy()
    x.attach_grad()
    with autograd.record():
        Y_ref = builtin_multi(x, K)
    Y_ref.backward()
    np.testing.assert_allclose(X.grad.asnumpy(), x.grad.asnumpy(), atol=1e-5)


# --- the context rule ----------------------------------------------------------

CTX = mx.cpu(1)

CONTEXT_CASES = {
    "corr2d": lambda: d2l.corr2d(uniform(4, 4, ctx=CTX), uniform(2, 2, ctx=CTX)),
    "corr2d_loop": lambda: d2l.corr2d_loop(
        uniform(3, 3, ctx=CTX), uniform(2, 2, ctx=CTX)
    ),
    "corr2d_multi_in": lambda: d2l.corr2d_multi_in(
        uniform(2, 4, 4, ctx=CTX), uniform(2, 2, 2, ctx=CTX)
    ),
    "corr2d_multi_in_out": lambda: d2l.corr2d_multi_in_out(
        uniform(2, 4, 4, ctx=CTX), uniform(3, 2, 2, 2, ctx=CTX)
    ),
    "corr2d_multi_in_out_1x1": lambda: d2l.corr2d_multi_in_out_1x1(
        uniform(2, 4, 4, ctx=CTX), uniform(3, 2, 1, 1, ctx=CTX)
    ),
    "comp_conv2d": lambda: d2l.comp_conv2d(
        nn.Conv2D(1, kernel_size=3), uniform(5, 5, ctx=CTX)
    ),
}


@pytest.mark.parametrize("name", sorted(CONTEXT_CASES))
def test_output_lives_on_the_inputs_context(name):
    assert CONTEXT_CASES[name]().context == CTX


def test_conv2d_parameters_live_on_the_inputs_context():
    layer = d2l.Conv2D(kernel_size=2)
    layer.initialize(ctx=CTX)
    Y = layer(uniform(3, 3, ctx=CTX))
    assert Y.context == CTX
    assert layer.weight.list_ctx() == [CTX]


def test_comp_conv2d_moves_a_layer_initialized_elsewhere():
    layer = nn.Conv2D(1, kernel_size=3, in_channels=1)
    layer.initialize(ctx=mx.cpu(0))
    assert d2l.comp_conv2d(layer, uniform(4, 4, ctx=CTX)).context == CTX


# --- bad input -----------------------------------------------------------------


@pytest.mark.parametrize("fn", [d2l.corr2d, d2l.corr2d_loop])
def test_corr2d_rejects_a_3d_kernel(fn):
    with pytest.raises(ValueError, match=r"`K` must be 2-D, got shape \(2, 2, 2\)"):
        fn(nd.ones((3, 3)), nd.ones((2, 2, 2)))


@pytest.mark.parametrize("fn", [d2l.corr2d, d2l.corr2d_loop])
def test_corr2d_rejects_a_1d_input(fn):
    with pytest.raises(ValueError, match=r"`X` must be 2-D, got shape \(3,\)"):
        fn(nd.ones((3,)), nd.ones((2, 2)))


@pytest.mark.parametrize("fn", [d2l.corr2d, d2l.corr2d_loop])
def test_corr2d_rejects_a_kernel_larger_than_the_input(fn):
    with pytest.raises(ValueError, match=r"`K` must be no larger than `X`"):
        fn(nd.ones((3, 3)), nd.ones((2, 4)))


@pytest.mark.parametrize("fn", [d2l.corr2d, d2l.corr2d_loop])
def test_corr2d_rejects_a_list_and_names_its_type(fn):
    with pytest.raises(ValueError, match=r"`X` must be an mxnet NDArray, got list"):
        fn([[1.0, 2.0], [3.0, 4.0]], nd.ones((1, 1)))


def test_corr2d_rejects_a_numpy_kernel_and_names_its_type():
    with pytest.raises(ValueError, match=r"`K` must be an mxnet NDArray, got ndarray"):
        d2l.corr2d(nd.ones((3, 3)), np.ones((2, 2)))


def test_corr2d_rejects_a_kernel_on_another_context():
    with pytest.raises(ValueError, match=r"`K` must be on `X`'s context cpu\(1\)"):
        d2l.corr2d(nd.ones((3, 3), ctx=CTX), nd.ones((2, 2)))


@pytest.mark.parametrize("kernel_size", [0, -1, 2.5, (2, 0), (1, 2, 3), "3", True])
def test_conv2d_rejects_a_kernel_size_that_is_not_positive_ints(kernel_size):
    with pytest.raises(ValueError, match=r"`kernel_size` must be a positive int"):
        d2l.Conv2D(kernel_size=kernel_size)


def test_conv2d_rejects_a_3d_input():
    layer = d2l.Conv2D(kernel_size=2)
    layer.initialize()
    with pytest.raises(ValueError, match=r"`x` must be 2-D, got shape \(1, 3, 3\)"):
        layer(nd.ones((1, 3, 3)))


def test_comp_conv2d_rejects_a_4d_input():
    with pytest.raises(ValueError, match=r"`X` must be 2-D, got shape \(1, 1, 3, 3\)"):
        d2l.comp_conv2d(nn.Conv2D(1, kernel_size=2), nd.ones((1, 1, 3, 3)))


def test_comp_conv2d_rejects_something_that_is_not_a_block():
    with pytest.raises(ValueError, match=r"`conv2d` must be a gluon Block, got str"):
        d2l.comp_conv2d("conv", nd.ones((3, 3)))


def test_corr2d_multi_in_rejects_disagreeing_channel_counts():
    with pytest.raises(ValueError, match=r"`K` must have 2 channels on axis 0 .*got 3"):
        d2l.corr2d_multi_in(nd.ones((2, 4, 4)), nd.ones((3, 2, 2)))


def test_corr2d_multi_in_out_rejects_disagreeing_channel_counts():
    with pytest.raises(ValueError, match=r"`K` must have 2 channels on axis 1 .*got 3"):
        d2l.corr2d_multi_in_out(nd.ones((2, 4, 4)), nd.ones((1, 3, 2, 2)))


def test_corr2d_multi_in_out_rejects_a_3d_kernel():
    with pytest.raises(ValueError, match=r"`K` must be 4-D, got shape \(2, 2, 2\)"):
        d2l.corr2d_multi_in_out(nd.ones((2, 4, 4)), nd.ones((2, 2, 2)))


def test_corr2d_multi_in_rejects_a_2d_input():
    with pytest.raises(ValueError, match=r"`X` must be 3-D, got shape \(4, 4\)"):
        d2l.corr2d_multi_in(nd.ones((4, 4)), nd.ones((1, 2, 2)))


def test_corr2d_multi_in_out_rejects_kernels_larger_than_the_input():
    with pytest.raises(ValueError, match=r"`K` must be no larger than `X`"):
        d2l.corr2d_multi_in_out(nd.ones((1, 3, 3)), nd.ones((1, 1, 4, 1)))


def test_corr2d_multi_in_out_1x1_rejects_larger_kernels():
    with pytest.raises(ValueError, match=r"`K` must have 1x1 kernels, got shape"):
        d2l.corr2d_multi_in_out_1x1(nd.ones((2, 4, 4)), nd.ones((1, 2, 3, 3)))


def test_corr2d_multi_in_out_1x1_rejects_disagreeing_channel_counts():
    with pytest.raises(ValueError, match=r"`K` must have 2 channels on axis 1"):
        d2l.corr2d_multi_in_out_1x1(nd.ones((2, 4, 4)), nd.ones((1, 5, 1, 1)))


@pytest.mark.parametrize("fn", [d2l.corr2d, d2l.corr2d_loop])
def test_corr2d_rejects_a_kernel_of_another_dtype(fn):
    X = nd.ones((3, 3), dtype="float64")
    with pytest.raises(ValueError, match=r"`K` must be of `X`'s dtype float64"):
        fn(X, nd.ones((2, 2)))


def test_corr2d_multi_in_out_rejects_kernels_of_another_dtype():
    X = nd.ones((2, 3, 3), dtype="float64")
    with pytest.raises(ValueError, match=r"got dtype float32"):
        d2l.corr2d_multi_in_out(X, nd.ones((1, 2, 2, 2)))


def test_corr2d_keeps_a_float64_dtype():
    X, K = nd.ones((3, 3), dtype="float64"), nd.ones((2, 2), dtype="float64")
    assert d2l.corr2d(X, K).dtype == np.float64


def test_comp_conv2d_rejects_a_layer_with_several_output_channels():
    with pytest.raises(ValueError, match=r"`conv2d` must be a layer with one output"):
        d2l.comp_conv2d(nn.Conv2D(2, kernel_size=3), nd.ones((4, 4)))


# --- dtypes that nd.dot cannot take on the CPU -----------------------------------

DOT_HELPERS = {
    "corr2d": (d2l.corr2d, (4, 5), (2, 3)),
    "corr2d_multi_in": (d2l.corr2d_multi_in, (2, 4, 5), (2, 2, 3)),
    "corr2d_multi_in_out": (d2l.corr2d_multi_in_out, (2, 4, 5), (3, 2, 2, 3)),
    "corr2d_multi_in_out_1x1": (d2l.corr2d_multi_in_out_1x1, (2, 4, 5), (3, 2, 1, 1)),
}


@pytest.mark.parametrize("name", sorted(DOT_HELPERS))
def test_float16_input_gives_the_float32_answer_in_float16(name):
    fn, x_shape, k_shape = DOT_HELPERS[name]
    X, K = uniform(*x_shape), uniform(*k_shape)
    Y = fn(X.astype("float16"), K.astype("float16"))
    expected = fn(
        X.astype("float16").astype("float32"), K.astype("float16").astype("float32")
    )
    assert Y.dtype == np.float16
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("name", sorted(DOT_HELPERS))
@pytest.mark.parametrize("dtype", ["int32", "uint8"])
def test_integer_input_is_rejected_naming_its_dtype(name, dtype):
    fn, x_shape, k_shape = DOT_HELPERS[name]
    X, K = nd.ones(x_shape, dtype=dtype), nd.ones(k_shape, dtype=dtype)
    message = rf"`X` must be a floating-point NDArray .*, got dtype {dtype}"
    for error in (TypeError, ValueError):  # the policy's error is both
        with pytest.raises(error, match=message):
            fn(X, K)


def test_corr2d_loop_rejects_integers_instead_of_wrapping_around():
    # In uint8, 200 * 4 summed over a 2x2 window would silently give 32.
    X, K = nd.full((2, 2), 200, dtype="uint8"), nd.ones((2, 2), dtype="uint8")
    with pytest.raises(TypeError, match="`X` must be a floating-point NDArray"):
        d2l.corr2d_loop(X, K)


def test_comp_conv2d_rejects_an_input_of_another_dtype_than_the_layer():
    X = nd.ones((4, 4), dtype="float64")
    with pytest.raises(ValueError, match=r"`X` must be of `conv2d`'s dtype float32"):
        d2l.comp_conv2d(nn.Conv2D(1, kernel_size=3), X)


def test_comp_conv2d_works_with_a_layer_cast_to_the_inputs_dtype():
    layer = nn.Conv2D(1, kernel_size=3, in_channels=1)
    layer.initialize(mx.init.Constant(1.0))
    layer.cast("float64")
    Y = d2l.comp_conv2d(layer, nd.ones((4, 4), dtype="float64"))
    assert Y.dtype == np.float64
    np.testing.assert_array_equal(Y.asnumpy(), np.full((2, 2), 9.0))


def test_conv2d_rejects_an_input_of_another_dtype_naming_x():
    layer = d2l.Conv2D(kernel_size=2)
    layer.initialize()
    with pytest.raises(ValueError, match=r"`x` must be of the layer's dtype float32"):
        layer(nd.ones((3, 3), dtype="float64"))


@pytest.mark.parametrize("initialized", [False, True])
def test_comp_conv2d_reports_a_kernel_larger_than_the_input_as_a_value_error(
    initialized,
):
    layer = nn.Conv2D(1, kernel_size=5, in_channels=1 if initialized else 0)
    if initialized:
        layer.initialize()
    with pytest.raises(ValueError, match=r"(?s)`conv2d` must accept .*kernel size"):
        d2l.comp_conv2d(layer, nd.ones((3, 3)))


def test_conv2d_initialized_on_one_context_runs_on_another():
    layer = d2l.Conv2D(kernel_size=2)
    layer.initialize(ctx=mx.cpu(0))
    weight = layer.weight.data().asnumpy()
    X = uniform(4, 5, ctx=mx.cpu(1))
    Y = layer(X)
    assert Y.context == mx.cpu(1)
    expected = ref.corr2d(X.asnumpy(), weight)
    np.testing.assert_allclose(Y.asnumpy(), expected, atol=1e-5)


@pytest.mark.parametrize("dilation", [1, 2, (2, 3)])
def test_corr2d_dilation_matches_nd_convolution(dilation):
    X, K = uniform(9, 10), uniform(3, 2)
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    expected = nd.Convolution(
        X.reshape((1, 1, 9, 10)),
        K.reshape((1, 1, 3, 2)),
        kernel=(3, 2),
        dilate=d,
        num_filter=1,
        no_bias=True,
    )[0, 0]
    Y = d2l.corr2d(X, K, dilation=dilation)
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), atol=1e-5)


@pytest.mark.parametrize("dilation", [0, (1, -1), 1.5, 6])
def test_corr2d_rejects_a_bad_dilation_naming_it(dilation):
    with pytest.raises(ValueError, match="`dilation` must"):
        d2l.corr2d(uniform(6, 6), uniform(2, 2), dilation=dilation)


def test_comp_conv2d_reports_a_float16_layer_as_a_value_error():
    layer = nn.Conv2D(1, kernel_size=3, in_channels=1)
    layer.initialize()
    layer.cast("float16")
    with pytest.raises(ValueError, match="`conv2d` must accept"):
        d2l.comp_conv2d(layer, nd.ones((5, 5), dtype="float16"))


def test_comp_conv2d_rejects_an_integer_input_to_a_pooling_layer():
    with pytest.raises(TypeError, match="`X` must be a floating-point NDArray"):
        d2l.comp_conv2d(nn.MaxPool2D(2), nd.ones((4, 4), dtype="int32"))
