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


@st.composite
def dilated_case(draw):
    """(h, w), kernel, padding, stride and a dilation whose span fits."""
    k = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    d = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    p = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    span = (d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1)
    n = (
        draw(st.integers(max(1, span[0] - 2 * p[0]), 14)),
        draw(st.integers(max(1, span[1] - 2 * p[1]), 14)),
    )
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return n, k, p, s, d


@settings(max_examples=30, deadline=None)
@given(dilated_case())
def test_conv_output_shape_equals_dilated_conv2d_output(case):
    n, k, p, s, d = case
    layer = nn.Conv2D(1, kernel_size=k, padding=p, strides=s, dilation=d)
    layer.initialize()
    X = nd.zeros((1, 1) + n)
    assert layer(X).shape[2:] == d2l.conv_output_shape(n, k, p, s, dilation=d)


def test_dilation_widens_the_kernel_to_d_times_k_minus_1_plus_1():
    assert d2l.effective_kernel_size(3, dilation=2) == (5, 5)
    assert d2l.effective_kernel_size((3, 2), dilation=(4, 1)) == (9, 2)
    # An 8-wide input and a 3-tap kernel dilated by 3 (span 7): 8 - 7 + 1 = 2.
    assert d2l.conv_output_shape(8, 3, dilation=3) == (2, 2)


def test_dilation_one_is_the_undilated_formula():
    assert d2l.conv_output_shape(9, 3, 1, 2, dilation=1) == d2l.conv_output_shape(
        9, 3, 1, 2
    )


@pytest.mark.parametrize("dilation", [0, -2, 1.0, (1, 0), True])
def test_conv_output_shape_rejects_a_dilation_that_is_not_positive(dilation):
    with pytest.raises(ValueError, match=r"`dilation` must be a positive int"):
        d2l.conv_output_shape((8, 8), 3, dilation=dilation)


def test_conv_output_shape_names_the_dilation_when_the_span_does_not_fit():
    # 3 taps dilated by 3 span 7 rows: too many for a 6-row input.
    with pytest.raises(ValueError, match=r"dilated by `dilation` must be no larger"):
        d2l.conv_output_shape((6, 6), 3, dilation=3)
