"""The receptive-field recurrence against fields measured with autograd."""

from __future__ import annotations

import mxnet as mx
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from mxnet import autograd, nd
from mxnet.gluon import nn

import d2l
from d2l.receptive import (
    Layer,
    field_extent,
    layers_of,
    measure_receptive_field,
    receptive_fields,
)


def expected_extent(row, index, input_size):
    """Rows of unit ``index`` predicted by the table, clipped to the input."""
    centre = row.start + index * row.jump
    first, last = centre - (row.size - 1) / 2, centre + (row.size - 1) / 2
    return max(0, int(first)), min(input_size - 1, int(last))


@st.composite
def stacks(draw):
    n_layers = draw(st.integers(1, 4))
    return [
        Layer(
            kernel=draw(st.integers(1, 4)),
            stride=draw(st.integers(1, 2)),
            padding=draw(st.integers(0, 1)),
            dilation=draw(st.integers(1, 2)),
        )
        for _ in range(n_layers)
    ]


# Derandomized, as the fuzz tests: CI draws the same stacks on every run.
@settings(max_examples=25, deadline=None, derandomize=True, database=None)
@given(stacks(), st.data())
def test_recurrence_predicts_the_field_autograd_measures(layers, data):
    input_size = 40
    assume(sum(layer.stride for layer in layers) <= len(layers) + 2)  # <= 2 halvings
    try:
        rows = receptive_fields(layers, input_size)
    except ValueError:  # a layer wider than what reaches it: not a network
        assume(False)
    # Units whose whole field lies inside the input: a field that reaches
    # into the padding is clipped, and a dilated one has holes at its edge.
    inside = [
        i
        for i in range(rows[-1].output)
        if expected_extent(rows[-1], i, 10**6)
        == expected_extent(rows[-1], i, input_size)
        and rows[-1].start + i * rows[-1].jump - (rows[-1].size - 1) / 2 >= 0
    ]
    assume(inside)
    i = data.draw(st.sampled_from(inside))
    j = data.draw(st.sampled_from(inside))
    G = measure_receptive_field(layers, input_size, index=(i, j))
    assert field_extent(G) == (
        expected_extent(rows[-1], i, input_size),
        expected_extent(rows[-1], j, input_size),
    )


def test_gradient_of_a_real_network_stays_inside_the_predicted_field():
    # A trained-like network with random weights, ReLU and max pooling: its
    # gradient may vanish in places, but never reaches outside the field.
    net = nn.Sequential()
    net.add(
        nn.Conv2D(3, 3, padding=1, activation="relu"),
        nn.MaxPool2D(2),
        nn.Conv2D(3, 3, dilation=2, activation="relu"),
    )
    net.initialize()
    X = nd.random.normal(shape=(1, 1, 24, 24))
    X.attach_grad()
    with autograd.record():
        unit = net(X)[0, 0, 3, 4]
    unit.backward()
    (top, bottom), (left, right) = field_extent(X.grad[0, 0])
    row = receptive_fields(layers_of(net), 24)[-1]
    rows_lo, rows_hi = expected_extent(row, 3, 24)
    cols_lo, cols_hi = expected_extent(row, 4, 24)
    assert rows_lo <= top and bottom <= rows_hi
    assert cols_lo <= left and right <= cols_hi


def test_lenet_table_has_the_textbook_sizes():
    lenet = [Layer(5, padding=2), Layer(2, stride=2), Layer(5), Layer(2, stride=2)]
    rows = receptive_fields(lenet, 28)
    assert [(r.size, r.jump, r.output) for r in rows] == [
        (5, 1, 28),
        (6, 2, 14),
        (14, 2, 10),
        (16, 4, 5),
    ]


def test_dilation_grows_the_field_like_a_larger_kernel():
    dilated = receptive_fields([Layer(3, dilation=4)], 20)[-1]
    wide = receptive_fields([Layer(9)], 20)[-1]
    assert (dilated.size, dilated.output) == (wide.size, wide.output) == (9, 12)


def test_layers_of_reads_gluon_geometry_and_skips_pointwise_blocks():
    net = nn.HybridSequential()
    inner = nn.HybridSequential()
    inner.add(nn.Conv2D(8, 7, strides=2, padding=3), nn.BatchNorm())
    net.add(inner, nn.Activation("relu"), nn.MaxPool2D(3, 2, 1))
    assert layers_of(net) == [
        Layer(7, 2, 3, 1, "Conv2D"),
        Layer(3, 2, 1, 1, "MaxPool2D"),
    ]


def test_measured_field_stays_on_the_context_it_was_given():
    G = measure_receptive_field([Layer(3)], 5, ctx=mx.cpu(1))
    assert G.context == mx.cpu(1)
    assert field_extent(G) == ((1, 3), (1, 3))


def test_path_counts_of_two_ones_kernels_form_a_pyramid():
    G = measure_receptive_field([Layer(2), Layer(2)], 3, index=(0, 0))
    assert G.asnumpy().tolist() == [[1, 2, 1], [2, 4, 2], [1, 2, 1]]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("kernel", 0, "`kernel` must be a positive int"),
        ("stride", 1.5, "`stride` must be a positive int"),
        ("dilation", True, "`dilation` must be a positive int"),
        ("padding", -1, "`padding` must be a non-negative int"),
    ],
)
def test_layer_rejects_bad_geometry(field, value, message):
    kwargs = {"kernel": 3, field: value}
    with pytest.raises(ValueError, match=message):
        Layer(**kwargs)


def test_receptive_fields_rejects_an_empty_stack():
    with pytest.raises(ValueError, match="`layers` must hold at least one Layer"):
        receptive_fields([], 8)


def test_receptive_fields_rejects_a_layer_that_does_not_fit():
    with pytest.raises(ValueError, match=r"`layers`\[1\] must have a span"):
        receptive_fields([Layer(3), Layer(3, dilation=3)], 8)


def test_receptive_fields_rejects_something_that_is_not_a_layer():
    with pytest.raises(ValueError, match=r"`layers`\[0\] must be a Layer, got tuple"):
        receptive_fields([(3, 1)], 8)


def test_measure_rejects_an_index_outside_the_output():
    with pytest.raises(ValueError, match="`index` must be inside the 3x3 output"):
        measure_receptive_field([Layer(3)], 5, index=(3, 0))


def test_layers_of_rejects_a_dense_layer():
    net = nn.Sequential()
    net.add(nn.Conv2D(2, 3), nn.Dense(10))
    with pytest.raises(ValueError, match="`net` must be made of Conv2D"):
        layers_of(net)


def test_layers_of_rejects_a_rectangular_kernel():
    with pytest.raises(ValueError, match="`net` must have square kernels"):
        layers_of(nn.Conv2D(2, (3, 1)))


def test_layers_of_rejects_global_pooling():
    with pytest.raises(ValueError, match="`net` must have windows of a fixed size"):
        layers_of(nn.GlobalAvgPool2D())


def test_field_extent_rejects_an_all_zero_gradient():
    with pytest.raises(ValueError, match="`G` must have at least one nonzero"):
        field_extent(nd.zeros((3, 3)))


def test_public_names_are_reexported():
    assert d2l.receptive_fields is receptive_fields
    assert d2l.Layer is Layer
