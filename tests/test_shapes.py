"""conv_output_shape against the shapes Gluon's layers actually produce."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mxnet import nd
from mxnet.gluon import nn

import d2l


@st.composite
def layer_case(draw):
    """(h, w), kernel, padding (< kernel, as pooling needs) and stride."""
    k = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    p = (draw(st.integers(0, k[0] - 1)), draw(st.integers(0, k[1] - 1)))
    n = (
        draw(st.integers(max(1, k[0] - 2 * p[0]), 12)),
        draw(st.integers(max(1, k[1] - 2 * p[1]), 12)),
    )
    s = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return n, k, p, s


@settings(max_examples=30, deadline=None)
@given(layer_case())
def test_conv_output_shape_equals_conv2d_output(case):
    n, k, p, s = case
    layer = nn.Conv2D(1, kernel_size=k, padding=p, strides=s)
    layer.initialize()
    assert layer(nd.zeros((1, 1) + n)).shape[2:] == d2l.conv_output_shape(n, k, p, s)


@settings(max_examples=30, deadline=None)
@given(layer_case())
def test_conv_output_shape_equals_maxpool2d_output(case):
    n, k, p, s = case
    layer = nn.MaxPool2D(pool_size=k, padding=p, strides=s)
    assert layer(nd.zeros((1, 1) + n)).shape[2:] == d2l.conv_output_shape(n, k, p, s)


def test_conv_output_shape_follows_the_floor_formula():
    # floor((8 - 3 + 2 * 1 + 2) / 2) = 4 and floor((8 - 5 + 2 * 0 + 3) / 3) = 2
    assert d2l.conv_output_shape((8, 8), (3, 5), (1, 0), (2, 3)) == (4, 2)


def test_conv_output_shape_accepts_ints_for_square_inputs():
    assert d2l.conv_output_shape(8, 3, 1, 1) == (8, 8)


def test_conv_output_shape_rejects_a_kernel_larger_than_the_padded_input():
    with pytest.raises(ValueError, match=r"`kernel_size` must be no larger than"):
        d2l.conv_output_shape((4, 4), 7, padding=1)


@pytest.mark.parametrize("stride", [0, -1, 1.5])
def test_conv_output_shape_rejects_a_stride_that_is_not_positive(stride):
    with pytest.raises(ValueError, match=r"`stride` must be a positive int"):
        d2l.conv_output_shape((4, 4), 3, stride=stride)


def test_conv_output_shape_rejects_negative_padding():
    with pytest.raises(ValueError, match=r"`padding` must be a non-negative int"):
        d2l.conv_output_shape((4, 4), 3, padding=-1)


@pytest.mark.parametrize("input_shape", [(4, 4, 4), (0, 4), "44"])
def test_conv_output_shape_rejects_a_bad_input_shape(input_shape):
    with pytest.raises(ValueError, match=r"`input_shape` must be a positive int"):
        d2l.conv_output_shape(input_shape, 3)
