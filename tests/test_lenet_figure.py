"""describe_layers reads a network from Gluon; draw_layers draws what it read."""

from __future__ import annotations

import mxnet as mx
import pytest
from mxnet.gluon import nn

from d2l import figures, lenet_figure


def lenet(**conv_kwargs):
    net = nn.HybridSequential()
    net.add(
        nn.Conv2D(6, 5, padding=2, activation="sigmoid"),
        nn.AvgPool2D(2, 2),
        nn.Conv2D(16, 5, activation="sigmoid"),
        nn.AvgPool2D(2, 2),
        nn.Dense(120, activation="sigmoid"),
        nn.Dense(84, activation="sigmoid"),
        nn.Dense(10),
    )
    net.initialize(ctx=conv_kwargs.get("ctx", mx.cpu()))
    return net


def test_lenet_shapes_and_parameters_are_glouns():
    layers = lenet_figure.describe_layers(lenet())
    assert [(layer.name, layer.shape, layer.params) for layer in layers] == [
        ("input", (1, 28, 28), 0),
        ("conv 1", (6, 28, 28), 6 * 25 + 6),
        ("pool 1", (6, 14, 14), 0),
        ("conv 2", (16, 10, 10), 16 * 6 * 25 + 16),
        ("pool 2", (16, 5, 5), 0),
        ("flatten", (400,), 0),
        ("dense 1", (120,), 400 * 120 + 120),
        ("dense 2", (84,), 120 * 84 + 84),
        ("dense 3", (10,), 84 * 10 + 10),
    ]


def test_operations_name_kernel_padding_and_activation():
    layers = lenet_figure.describe_layers(lenet())
    assert layers[1].operation == "conv 5×5, pad 2, sigmoid"
    assert layers[2].operation == "avg pool 2×2, stride 2"
    assert layers[3].operation == "conv 5×5, sigmoid"
    assert layers[1].kernel == (5, 5) and layers[2].kernel == (2, 2)


def test_batch_norm_and_activation_fold_into_the_layer_before():
    net = nn.Sequential()
    net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Activation("relu"), nn.Dense(2))
    net.initialize()
    conv = lenet_figure.describe_layers(net, (1, 8, 8))[1]
    assert conv.operation == "conv 3×3, BN, relu"
    assert conv.params == 4 * 9 + 4 + 4 * 4  # BN: gamma, beta, running mean, var
    assert conv.shape == (4, 6, 6)


def test_works_on_the_networks_context():
    layers = lenet_figure.describe_layers(lenet(ctx=mx.cpu(1)))
    assert layers[-1].shape == (10,)


def test_rejects_what_it_cannot_describe():
    with pytest.raises(ValueError, match="`net` must be a Sequential network"):
        lenet_figure.describe_layers(nn.Dense(3))
    net = nn.Sequential()
    net.add(nn.Conv2D(2, 3), nn.Dropout(0.5))
    net.initialize()
    with pytest.raises(ValueError, match="got Dropout"):
        lenet_figure.describe_layers(net, (1, 8, 8))


def test_drawing_shows_every_shape_and_operation():
    layers = lenet_figure.describe_layers(lenet())
    fig = lenet_figure.draw_layers(layers)
    ax = fig.axes[0]
    shapes = [t.get_text() for t in ax.texts if t.get_gid() == "shape"]
    assert shapes == [
        "1 @ 28×28",
        "6 @ 28×28",
        "6 @ 14×14",
        "16 @ 10×10",
        "16 @ 5×5",
        "400",
        "120",
        "84",
        "10",
    ]
    operations = [
        t.get_text().replace("\n", ", ") for t in ax.texts if t.get_gid() == "operation"
    ]
    assert operations == [layer.operation for layer in layers[1:]]


def test_drawing_uses_the_books_colours_and_one_kernel_per_convolution():
    fig = lenet_figure.draw_layers(lenet_figure.describe_layers(lenet()))
    patches = fig.axes[0].patches
    kernels = [p for p in patches if p.get_gid() == "kernel"]
    assert len(kernels) == 2
    expected = figures.ROLE_COLORS["kernel"]
    assert all(p.get_facecolor()[:3] == pytest.approx(_rgb(expected)) for p in kernels)
    # Kernel squares are drawn to the scale of the maps: 5 of 28 pixels.
    inputs = [p for p in patches if p.get_gid() == "input-map"]
    assert kernels[0].get_width() / inputs[0].get_width() == pytest.approx(5 / 28)
    assert len([p for p in patches if p.get_gid() == "window"]) == 2


def test_text_is_legible_at_book_width():
    fig = lenet_figure.draw_layers(lenet_figure.describe_layers(lenet()))
    assert fig.get_figwidth() <= 6.5
    sizes = [t.get_fontsize() for t in fig.axes[0].texts]
    sizes += [t.get_fontsize() for t in fig.legends[0].get_texts()]
    assert min(sizes) >= 10


def _rgb(hex_colour):
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
