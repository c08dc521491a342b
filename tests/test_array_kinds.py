"""Both kinds of MXNet array: ``mx.nd`` (the book's) and ``mx.np`` (d2l.ai's).

Every array helper takes either kind, with ``npx.set_np()`` on or off, and
returns the kind it was given, on the input's context, with the values the
``nd`` call gives. Helpers that run Gluon blocks work in both modes.
"""

from __future__ import annotations

import inspect

import mxnet as mx
import numpy as np
import pytest
from mxnet import autograd, nd, npx
from mxnet.gluon import nn

import d2l
from d2l import (
    convolution,
    lenet_figure,
    pooling,
    receptive,
    training,
    variants,
    windows,
)
from d2l.explorers import network

CTX = mx.cpu(1)


@pytest.fixture(params=[False, True], ids=["nd-mode", "np-mode"])
def np_on(request):
    """Each test runs with ``npx.set_np()`` off, then on."""
    if request.param:
        npx.set_np()
    yield request.param
    npx.reset_np()


def _X(*shape):
    return nd.arange(int(np.prod(shape)), ctx=CTX).reshape(shape) / 7.0


def _calls():
    """(name, function, nd arguments) for every array helper."""
    X2, K2 = _X(5, 6), nd.array([[0, 1], [2, 3]], ctx=CTX)
    X3, K3, K4 = _X(2, 4, 4), _X(2, 2, 2), _X(3, 2, 2, 2)
    return [
        ("corr2d", d2l.corr2d, (X2, K2)),
        ("corr2d_loop", d2l.corr2d_loop, (X2, K2)),
        ("corr2d_multi_in", d2l.corr2d_multi_in, (X3, K3)),
        ("corr2d_multi_in_out", d2l.corr2d_multi_in_out, (X3, K4)),
        ("corr2d_1x1", d2l.corr2d_multi_in_out_1x1, (X3, _X(3, 2, 1, 1))),
        ("pool2d max", lambda X: d2l.pool2d(X, (2, 3)), (X2,)),
        ("pool2d avg", lambda X: d2l.pool2d(X, 3, "avg", 1, 2), (X2,)),
        ("shift_add", variants.corr2d_shift_add, (X2, K2)),
        ("im2col", lambda X: variants.im2col(X, (2, 2)), (X3,)),
        ("corr2d_im2col", variants.corr2d_im2col, (X2, K2)),
        ("multi_in_out_im2col", variants.corr2d_multi_in_out_im2col, (X3, K4)),
    ]


CALLS = {name: (f, args) for name, f, args in _calls()}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_np_arrays_in_give_np_arrays_out_with_the_same_values(name, np_on):
    f, args = CALLS[name]
    expected = f(*args).asnumpy()
    Y = f(*(a.as_np_ndarray() for a in args))
    assert isinstance(Y, mx.np.ndarray)
    assert Y.context == CTX and Y.dtype == args[0].dtype
    np.testing.assert_array_equal(Y.asnumpy(), expected)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_nd_arrays_in_give_nd_arrays_out_in_either_mode(name, np_on):
    f, args = CALLS[name]
    Y = f(*args)
    assert type(Y) is nd.NDArray and Y.context == CTX


def test_the_first_array_argument_decides_the_kind_returned():
    X, K = _X(4, 4), nd.ones((2, 2), ctx=CTX)
    assert isinstance(d2l.corr2d(X.as_np_ndarray(), K), mx.np.ndarray)
    assert type(d2l.corr2d(X, K.as_np_ndarray())) is nd.NDArray


def test_window_descriptions_take_np_arrays(np_on):
    X = _X(4, 4).as_np_ndarray()
    step = windows.describe_corr2d(X, mx.np.ones((2, 2), ctx=CTX), index=(1, 1))
    assert step.value == pytest.approx(float(X[1:3, 1:3].sum()))
    assert windows.describe_pool(X, 2, "max", stride=1).Y.shape == (3, 3)
    assert receptive.field_extent(mx.np.ones((3, 3))) == ((0, 2), (0, 2))


def test_gradients_flow_through_np_arrays(np_on):
    X = nd.array([[0, 1, 2], [3, 4, 5], [6, 7, 8]])
    K = nd.array([[0, 1], [2, 3]])
    grads = []
    for kind in (lambda a: a, lambda a: a.as_np_ndarray()):
        X_k, K_k = kind(X.copy()), kind(K.copy())
        X_k.attach_grad(), K_k.attach_grad()
        with autograd.record():
            Y = d2l.corr2d(X_k, K_k)
            loss = (Y * Y).sum()
        loss.backward()
        grads.append((X_k.grad.asnumpy(), K_k.grad.asnumpy()))
    np.testing.assert_array_equal(grads[0][0], grads[1][0])
    np.testing.assert_array_equal(grads[0][1], grads[1][1])
    assert grads[0][1].tolist() == [[616, 864], [1360, 1608]]


@pytest.mark.parametrize("kind", ["nd", "np"])
def test_comp_conv2d_and_conv2d_run_gluon_in_either_mode(kind, np_on):
    X = nd.ones((8, 8), ctx=CTX)
    X = X.as_np_ndarray() if kind == "np" else X
    Y = d2l.comp_conv2d(nn.Conv2D(1, kernel_size=3, padding=1, strides=2), X)
    assert Y.shape == (4, 4) and Y.context == CTX
    assert isinstance(Y, mx.np.ndarray) == (kind == "np")
    layer = d2l.Conv2D((1, 2))
    out = layer(X[:3, :4])
    assert out.shape == (3, 3)
    # Gluon accepts only mx.np arrays from a block after npx.set_np().
    assert isinstance(out, mx.np.ndarray) == (kind == "np" or np_on)


def test_mnist_arrays_follow_the_mode_and_train_in_it(np_on):
    data = d2l.load_mnist(n_train=200, n_test=100)
    assert all(isinstance(a, mx.np.ndarray) == np_on for a in data)
    net = nn.Sequential()
    net.add(nn.Conv2D(4, 5, activation="relu"), nn.MaxPool2D(4), nn.Dense(10))
    history = d2l.train_classifier(net, data, 3, 0.5, plot=False, verbose=False)
    assert history.train_loss[-1] < history.train_loss[0]
    accuracy = d2l.evaluate_accuracy(net, data[2], data[3])
    assert accuracy == history.test_acc[-1]


def test_network_descriptions_run_gluon_in_either_mode(np_on):
    net = nn.Sequential()
    net.add(nn.Conv2D(2, 3, activation="relu"), nn.MaxPool2D(2), nn.Dense(4))
    net.initialize()
    shapes = [layer.shape for layer in lenet_figure.describe_layers(net, (1, 6, 6))]
    assert shapes == [(1, 6, 6), (2, 4, 4), (2, 2, 2), (8,), (4,)]
    rows = network.gluon_rows([1, 8, 8], [network.conv(3, 2), network.dense(5)])
    assert rows == [{"shape": [2, 6, 6], "params": 20}, {"shape": [5], "params": 365}]


MODULES = [convolution, pooling, variants, windows, receptive, training]


def _takes_arrays(f) -> bool:
    hints = [str(p.annotation) for p in inspect.signature(f).parameters.values()]
    return any("NDArray" in h for h in hints)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_every_public_array_helper_accepts_both_kinds(module):
    helpers = [getattr(module, name) for name in module.__all__]
    functions = [f for f in helpers if inspect.isfunction(f) and _takes_arrays(f)]
    assert functions, f"{module.__name__} should have array helpers"
    missing = [f.__name__ for f in functions if not hasattr(f, "accepts_both_kinds")]
    assert not missing, f"not wrapped with accepts_both: {missing}"
