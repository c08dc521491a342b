"""The appendix's cross-correlation variants, checked against nd.Convolution."""

from __future__ import annotations

import mxnet as mx
import numpy as np
import numpy_reference as ref
import pytest
from mxnet import autograd, nd

from d2l.variants import (
    corr2d_im2col,
    corr2d_multi_in_out_im2col,
    corr2d_shift_add,
    im2col,
)


def builtin(X, K):
    """nd.Convolution on (c_i, h, w) and (c_o, c_i, k_h, k_w) arrays."""
    c_o, _, k_h, k_w = K.shape
    Y = nd.Convolution(
        X.expand_dims(0), K, kernel=(k_h, k_w), num_filter=c_o, no_bias=True
    )
    return Y[0]


def uniform(*shape, ctx=None):
    rng = np.random.default_rng(sum(shape))
    return nd.array(rng.uniform(-1, 1, shape), ctx=ctx or mx.cpu())


def test_im2col_puts_each_window_in_one_column():
    X = nd.arange(9).reshape((1, 3, 3))
    columns = im2col(X, (2, 2)).asnumpy()
    assert columns.shape == (4, 4)
    # Output position (1, 0) has the window [[3, 4], [6, 7]].
    np.testing.assert_array_equal(columns[:, 2], [3, 4, 6, 7])


def test_im2col_orders_rows_channel_first_like_a_flattened_kernel():
    X = nd.stack(nd.zeros((3, 3)), nd.ones((3, 3)))
    columns = im2col(X, (2, 2)).asnumpy()
    np.testing.assert_array_equal(columns[:4], 0)  # channel 0's kernel entries
    np.testing.assert_array_equal(columns[4:], 1)


VARIANTS = [corr2d_shift_add, corr2d_im2col]


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_variant_prints_the_worked_example(corr2d):
    X = nd.arange(9).reshape((3, 3))
    K = nd.arange(4).reshape((2, 2))
    np.testing.assert_array_equal(corr2d(X, K).asnumpy(), [[19, 25], [37, 43]])


@pytest.mark.parametrize("corr2d", VARIANTS)
@pytest.mark.parametrize(
    "n_h, n_w, k_h, k_w", [(8, 8, 3, 3), (9, 13, 7, 2), (5, 4, 5, 1)]
)
def test_variant_equals_nd_convolution(corr2d, n_h, n_w, k_h, k_w):
    X, K = uniform(n_h, n_w), uniform(k_h, k_w)
    expected = builtin(X.expand_dims(0), K.reshape((1, 1, k_h, k_w)))[0]
    np.testing.assert_allclose(
        corr2d(X, K).asnumpy(), expected.asnumpy(), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("c_i, c_o, n, k", [(1, 1, 6, 3), (3, 4, 10, 3), (5, 2, 9, 4)])
def test_corr2d_multi_in_out_im2col_equals_nd_convolution(c_i, c_o, n, k):
    X, K = uniform(c_i, n, n), uniform(c_o, c_i, k, k)
    np.testing.assert_allclose(
        corr2d_multi_in_out_im2col(X, K).asnumpy(),
        builtin(X, K).asnumpy(),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_result_stays_on_the_input_context(corr2d):
    ctx = mx.cpu(1)
    Y = corr2d(uniform(6, 6, ctx=ctx), uniform(3, 3, ctx=ctx))
    assert Y.context == ctx


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_kernel_larger_than_input_is_a_value_error_naming_k(corr2d):
    with pytest.raises(ValueError, match="`K` must be no larger than"):
        corr2d(nd.ones((2, 5)), nd.ones((3, 3)))


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_wrong_kernel_rank_is_a_value_error_naming_k(corr2d):
    with pytest.raises(ValueError, match=r"`K` must be 2-D, got shape \(2, 2, 2\)"):
        corr2d(nd.ones((4, 4)), nd.ones((2, 2, 2)))


def test_channel_mismatch_is_a_value_error_naming_k():
    with pytest.raises(
        ValueError,
        match=r"`K` must have 3 channels on axis 1 \(as many as `X`\), got 4",
    ):
        corr2d_multi_in_out_im2col(nd.ones((3, 5, 5)), nd.ones((2, 4, 3, 3)))


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_kernel_on_another_context_is_a_value_error(corr2d):
    with pytest.raises(ValueError, match="`K` must be on `X`'s context"):
        corr2d(nd.ones((4, 4), ctx=mx.cpu(0)), nd.ones((2, 2), ctx=mx.cpu(1)))


def test_im2col_rejects_a_2d_input():
    with pytest.raises(ValueError, match="`X` must be 3-D"):
        im2col(nd.ones((4, 4)), (2, 2))


def test_im2col_and_multi_channel_variant_stay_on_the_input_context():
    ctx = mx.cpu(1)
    X, K = uniform(2, 5, 5, ctx=ctx), uniform(3, 2, 2, 2, ctx=ctx)
    assert im2col(X, (2, 2)).context == ctx
    assert corr2d_multi_in_out_im2col(X, K).context == ctx


@pytest.mark.parametrize("corr2d", VARIANTS)
def test_float16_input_gives_a_float16_answer(corr2d):
    X, K = uniform(5, 6), uniform(2, 3)
    Y = corr2d(X.astype("float16"), K.astype("float16"))
    expected = builtin(X.expand_dims(0), K.reshape((1, 1, 2, 3)))[0]
    assert Y.dtype == np.float16
    np.testing.assert_allclose(Y.asnumpy(), expected.asnumpy(), rtol=1e-2, atol=1e-2)


def test_corr2d_im2col_rejects_integer_input_naming_its_dtype():
    X, K = nd.ones((4, 4), dtype="int32"), nd.ones((2, 2), dtype="int32")
    with pytest.raises(ValueError, match="`X` must be a floating-point NDArray"):
        corr2d_im2col(X, K)


def test_corr2d_shift_add_rejects_integers_instead_of_wrapping_around():
    # In uint8, 200 * 4 summed over a 2x2 window would silently give 32.
    X, K = nd.full((2, 2), 200, dtype="uint8"), nd.ones((2, 2), dtype="uint8")
    with pytest.raises(TypeError, match="`X` must be a floating-point NDArray"):
        corr2d_shift_add(X, K)


def test_corr2d_shift_add_passes_gradients_to_the_kernel():
    X, K = uniform(5, 6), uniform(2, 3)
    head = uniform(4, 4)
    K.attach_grad()
    X.attach_grad()
    with autograd.record():
        Y = corr2d_shift_add(X, K)
    Y.backward(head)
    dX, dK = ref.corr2d_grads(X.asnumpy(), K.asnumpy(), head.asnumpy())
    np.testing.assert_allclose(K.grad.asnumpy(), dK, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(X.grad.asnumpy(), dX, rtol=1e-4, atol=1e-5)
