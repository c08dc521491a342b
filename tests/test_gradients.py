"""Every differentiable helper's gradients, checked against NumPy references.

Inputs are float64 so that a wrong gradient cannot hide in rounding. Each
test differentiates ``sum(head * f(X, K))`` for a random ``head``.
"""

from __future__ import annotations

import mxnet as mx
import numpy as np
import numpy_reference as ref
import pytest
from mxnet import autograd, nd
from mxnet.gluon import nn

import d2l
import d2l.convolution
from d2l import variants


def uniform(*shape, seed=0):
    rng = np.random.default_rng(seed + sum(shape))
    return nd.array(rng.uniform(-1, 1, shape), dtype="float64")


def grads(f, *arrays, head_seed=7):
    """Values of f(*arrays) and the gradients of sum(head * f) for each array."""
    arrays = [a.copy() for a in arrays]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        Y = f(*arrays)
    head = uniform(*Y.shape, seed=head_seed)
    Y.backward(head)
    return head.asnumpy(), [a.grad.asnumpy() for a in arrays]


CORR2D_CASES = [
    ((6, 7), (2, 3), (1, 1)),
    ((9, 8), (3, 2), (2, 3)),
    ((20, 40), (3, 16), (1, 1)),  # wide kernel: the banded row-matrix route
    ((20, 44), (2, 16), (1, 2)),  # the same route, dilated
]


@pytest.mark.parametrize("x_shape, k_shape, dilation", CORR2D_CASES)
def test_corr2d_gradients(x_shape, k_shape, dilation):
    X, K = uniform(*x_shape), uniform(*k_shape, seed=1)
    head, (dX, dK) = grads(lambda x, k: d2l.corr2d(x, k, dilation=dilation), X, K)
    dX_ref, dK_ref = ref.corr2d_grads(X.asnumpy(), K.asnumpy(), head, dilation)
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-10)


def test_corr2d_gradients_in_small_blocks(monkeypatch):
    # Blocks of output rows and kernel rows must add up to the same gradient.
    monkeypatch.setattr(d2l.convolution, "_BLOCK_ELEMENTS", 10)
    X, K = uniform(7, 9), uniform(3, 4, seed=1)
    head, (dX, dK) = grads(d2l.corr2d, X, K)
    dX_ref, dK_ref = ref.corr2d_grads(X.asnumpy(), K.asnumpy(), head)
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-10)


@pytest.mark.parametrize("dilation", [1, (2, 1)])
def test_corr2d_multi_in_out_gradients(dilation):
    X, K = uniform(3, 8, 7), uniform(2, 3, 3, 2, seed=1)
    d = (dilation, dilation) if isinstance(dilation, int) else dilation
    head, (dX, dK) = grads(
        lambda x, k: d2l.corr2d_multi_in_out(x, k, dilation=dilation), X, K
    )
    dX_ref, dK_ref = ref.corr2d_multi_in_out_grads(X.asnumpy(), K.asnumpy(), head, d)
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-10)


def test_corr2d_multi_in_gradients():
    X, K = uniform(3, 6, 5), uniform(3, 2, 2, seed=1)
    head, (dX, dK) = grads(d2l.corr2d_multi_in, X, K)
    dX_ref, dK_ref = ref.corr2d_multi_in_out_grads(
        X.asnumpy(), K.asnumpy()[None], head[None]
    )
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref[0], atol=1e-10)


@pytest.mark.parametrize(
    "f", [variants.corr2d_shift_add, variants.corr2d_im2col], ids=lambda f: f.__name__
)
def test_variant_gradients(f):
    X, K = uniform(7, 6), uniform(3, 2, seed=1)
    head, (dX, dK) = grads(f, X, K)
    dX_ref, dK_ref = ref.corr2d_grads(X.asnumpy(), K.asnumpy(), head)
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-10)


@pytest.mark.parametrize(
    "f, x_shape, k_shape",
    [
        (d2l.corr2d_multi_in_out_1x1, (3, 4, 5), (2, 3, 1, 1)),
        (variants.corr2d_multi_in_out_im2col, (2, 6, 6), (3, 2, 2, 3)),
    ],
    ids=lambda v: getattr(v, "__name__", None),
)
def test_multi_in_out_gradients(f, x_shape, k_shape):
    X, K = uniform(*x_shape), uniform(*k_shape, seed=1)
    head, (dX, dK) = grads(f, X, K)
    dX_ref, dK_ref = ref.corr2d_multi_in_out_grads(X.asnumpy(), K.asnumpy(), head)
    np.testing.assert_allclose(dX, dX_ref, atol=1e-10)
    np.testing.assert_allclose(dK, dK_ref, atol=1e-10)


POOL_CASES = [
    ((2, 2), (0, 0), (2, 2)),
    ((3, 2), (1, 1), (1, 2)),
    ((3, 3), (1, 0), (2, 1)),
]


@pytest.mark.parametrize("pool_size, padding, stride", POOL_CASES)
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_gradients(mode, pool_size, padding, stride):
    X = uniform(7, 6)  # continuous values: no ties for the maximum
    head, (dX,) = grads(
        lambda x: d2l.pool2d(x, pool_size, mode, padding=padding, stride=stride), X
    )
    grad = ref.max_pool2d_grad if mode == "max" else ref.avg_pool2d_grad
    expected = grad(X.asnumpy(), head, pool_size, padding, stride)
    np.testing.assert_allclose(dX, expected, atol=1e-10)


@pytest.mark.parametrize("layer_cls", [nn.MaxPool2D, nn.AvgPool2D])
def test_comp_conv2d_pooling_gradients(layer_cls):
    # MXNet 1.9.1's max pooling backward is wrong after a reshape that adds
    # the batch and channel axes; comp_conv2d must give the right gradient
    # on every run, not just on some.
    X = uniform(8, 8).astype("float32")
    mode = "max" if layer_cls is nn.MaxPool2D else "avg"
    grad = ref.max_pool2d_grad if mode == "max" else ref.avg_pool2d_grad
    for _ in range(3):
        head, (dX,) = grads(lambda x: d2l.comp_conv2d(layer_cls(2), x), X)
        expected = grad(X.asnumpy(), head, (2, 2), (0, 0), (2, 2))
        np.testing.assert_allclose(dX, expected, atol=1e-6)


def test_comp_conv2d_convolution_gradient():
    layer = nn.Conv2D(1, kernel_size=3, padding=1, in_channels=1)
    layer.initialize(mx.init.Uniform())
    layer.cast("float64")
    X = uniform(6, 5)
    K = layer.weight.data()[0, 0].asnumpy()
    head, (dX,) = grads(lambda x: d2l.comp_conv2d(layer, x), X)
    padded = np.pad(X.asnumpy(), 1)
    dX_ref, _ = ref.corr2d_grads(padded, K, head)
    np.testing.assert_allclose(dX, dX_ref[1:-1, 1:-1], atol=1e-10)


def test_conv2d_layer_gradients():
    layer = d2l.Conv2D(kernel_size=(2, 3))
    layer.cast("float64")
    layer.initialize()
    X = uniform(5, 6)
    with autograd.record():
        Y = layer(X)
    head = uniform(*Y.shape, seed=7)
    Y.backward(head)
    h = head.asnumpy()
    _, dK_ref = ref.corr2d_grads(X.asnumpy(), layer.weight.data().asnumpy(), h)
    np.testing.assert_allclose(layer.weight.grad().asnumpy(), dK_ref, atol=1e-10)
    np.testing.assert_allclose(layer.bias.grad().asnumpy(), [h.sum()], atol=1e-10)
