"""``from d2l import mxnet as d2l``: d2l.ai's names and signatures, run here.

The calls below are the ones d2l.ai's MXNet chapter on convolutional
networks makes (editions 1.0 and 0.17), with d2l's argument order, checked
for what d2l's documentation says they return. Fashion-MNIST is replaced by
a small stand-in in the same file format (``fashion_files``); no test uses
the network.
"""

from __future__ import annotations

import socket

import fashion_files
import matplotlib.pyplot as plt
import mxnet as mx
import numpy as onp
import pytest
from mxnet import autograd, gluon, init, np, npx
from mxnet.gluon import nn

from d2l import mxnet as d2l
from d2l.d2lai import fashion_mnist


@pytest.fixture
def np_mode():
    """d2l.ai's cells start with ``npx.set_np()``."""
    npx.set_np()
    yield
    npx.reset_np()


# --- tensor shorthands ---------------------------------------------------------


def test_tensor_shorthands_make_and_reshape_mx_np_arrays(np_mode):
    X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]])
    assert isinstance(X, np.ndarray) and X.dtype == onp.float32
    assert d2l.reshape(X, (3, 2)).shape == (3, 2)
    assert d2l.transpose(X).shape == (3, 2)
    assert float(d2l.reduce_sum(X)) == 15.0
    assert float(d2l.reduce_mean(X)) == 2.5
    assert d2l.size(X) == 6
    assert d2l.zeros((2, 2)).sum() == 0 and d2l.ones((2, 2)).sum() == 4
    assert d2l.arange(16, dtype=d2l.float32).reshape((1, 1, 4, 4)).shape == (
        1,
        1,
        4,
        4,
    )
    assert d2l.concat((X, X + 1), 1).shape == (2, 6)
    assert d2l.stack((X, X + 1, X + 2), 0).shape == (3, 2, 3)
    assert d2l.matmul(X, d2l.transpose(X)).tolist() == [[5.0, 14.0], [14.0, 50.0]]
    assert float(d2l.abs(d2l.tensor(-2.0))) == 2.0
    assert d2l.normal(0, 1, (3, 2, 1, 1)).shape == (3, 2, 1, 1)
    assert d2l.randn(1, 1, 28, 28).shape == (1, 1, 28, 28)
    assert isinstance(d2l.numpy(X), onp.ndarray)
    assert d2l.to(X, mx.cpu(1)).context == mx.cpu(1)
    assert int(d2l.argmax(d2l.tensor([1.0, 3.0, 2.0]))) == 1
    assert d2l.astype(X, "int32").dtype == onp.int32


def test_corr2d_takes_the_chapters_np_arrays(np_mode):
    X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
    K = d2l.tensor([[0.0, 1.0], [2.0, 3.0]])
    Y = d2l.corr2d(X, K)
    assert isinstance(Y, np.ndarray)
    assert Y.tolist() == [[19.0, 25.0], [37.0, 43.0]]


def test_devices_and_timer_keep_d2ls_names():
    assert d2l.try_gpu() in (d2l.cpu(), d2l.gpu(0))
    assert d2l.try_all_gpus()
    timer = d2l.Timer()
    timer.stop()
    assert len(timer.cumsum()) == 1


# --- plots ---------------------------------------------------------------------


def test_plot_draws_on_the_current_axes_and_replaces_its_curves():
    x = onp.arange(5.0)
    assert d2l.plot(x, [x**2, 2 * x], "x", "f(x)", legend=["f", "g"]) is None
    assert len(plt.gca().lines) == 2
    d2l.plot(x, x)  # d2l clears the axes: one curve, on the same figure
    assert len(plt.get_fignums()) == 1 and len(plt.gca().lines) == 1


def test_show_images_takes_rows_and_columns_and_returns_the_axes():
    axes = d2l.show_images(onp.zeros((6, 4, 4)), 2, 3, titles=list("abcdef"))
    assert len(axes) == 6
    assert [ax.get_title() for ax in axes] == list("abcdef")


def test_show_heatmaps_takes_a_4d_stack():
    d2l.show_heatmaps(onp.ones((2, 3, 4, 4)), xlabel="Keys", ylabel="Queries")
    assert len(plt.gcf().axes) == 2 * 3 + 1  # and one colour bar


def test_animator_skips_none_and_keeps_one_curve_per_value():
    animator = d2l.Animator(legend=["loss", "acc"])
    animator.add(1, (0.9, None))
    animator.add(2, (0.5, 0.7))
    assert animator.X == [[1, 2], [2]] and animator.Y == [[0.9, 0.5], [0.7]]
    assert len(animator.axes[0].lines) == 2


def test_progress_board_plots_the_mean_of_every_n_points():
    board = d2l.ProgressBoard(xlabel="epoch")
    for x in range(1, 5):
        board.draw(x, float(x), "loss", every_n=2)
    assert board.data["loss"] == [(1.5, 1.5), (3.5, 3.5)]
    assert board.fig is not None


# --- the 1.0 framework ---------------------------------------------------------


def test_hyperparameters_and_add_to_class():
    class Model(d2l.HyperParameters):
        def __init__(self, lr, depth=3, _private=0):
            self.save_hyperparameters(ignore=["depth"])

    model = Model(0.1)
    assert model.hparams == {"lr": 0.1} and model.lr == 0.1

    @d2l.add_to_class(Model)
    def doubled(self):
        return 2 * self.lr

    assert model.doubled() == 0.2


class LeNet(d2l.Classifier):
    """The chapter's LeNet, as d2l 1.0 writes it for MXNet."""

    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential()
        self.net.add(
            nn.Conv2D(6, kernel_size=5, padding=2, activation="sigmoid"),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Conv2D(16, kernel_size=5, activation="sigmoid"),
            nn.AvgPool2D(pool_size=2, strides=2),
            nn.Dense(120, activation="sigmoid"),
            nn.Dense(84, activation="sigmoid"),
            nn.Dense(num_classes),
        )
        self.net.initialize(init.Xavier())


def test_classifier_layer_summary_prints_lenets_shapes(np_mode, capsys):
    LeNet().layer_summary((1, 1, 28, 28))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Conv2D output shape:\t (1, 6, 28, 28)"
    assert lines[-1] == "Dense output shape:\t (1, 10)"
    assert len(lines) == 7


def test_classifier_accuracy_and_loss(np_mode):
    model = LeNet()
    Y_hat = np.array([[2.0, 1.0], [0.0, 3.0], [5.0, 1.0]])
    Y = np.array([0, 0, 0])
    assert float(model.accuracy(Y_hat, Y)) == pytest.approx(2 / 3)
    assert model.accuracy(Y_hat, Y, averaged=False).tolist() == [1.0, 0.0, 1.0]
    assert model.loss(Y_hat, Y, averaged=False).shape == (3,)


def test_sgd_steps_scratch_parameters(np_mode):
    w = np.array([1.0, 2.0])
    w.attach_grad()
    with autograd.record():
        loss = (w * w).sum()
    loss.backward()
    d2l.SGD([w], lr=0.25).step(None)
    assert w.tolist() == [0.5, 1.0]


def test_trainer_asks_for_a_gpu_and_falls_back_to_the_cpu():
    trainer = d2l.Trainer(max_epochs=1, num_gpus=1)
    assert trainer.gpus == [d2l.gpu(i) for i in range(d2l.num_gpus())][:1]


# --- Fashion-MNIST -------------------------------------------------------------


@pytest.fixture
def fashion_home(tmp_path, monkeypatch):
    """MXNET_HOME with the stand-in files; Gluon's checksums accept them."""
    fashion_files.write(tmp_path / "datasets" / "fashion-mnist")
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    # Gluon checks each file against the real data set's SHA-1.
    monkeypatch.setattr(gluon.utils, "check_sha1", lambda *args: True)
    monkeypatch.setattr(fashion_mnist, "_reachable", _no_network)
    return tmp_path


def _no_network():
    raise AssertionError("the test asked for the network")


def test_a_missing_data_set_offline_fails_at_once_saying_where_to_put_it(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    monkeypatch.setattr(fashion_mnist, "_reachable", lambda: False)
    # "At once": past the reachability probe, nothing may look up or connect
    # to a host (Gluon's download would, and wait on each of its retries).
    for name in ("getaddrinfo", "create_connection"):
        monkeypatch.setattr(socket, name, lambda *args, **kwargs: _no_network())
    monkeypatch.setattr(socket.socket, "connect", lambda *args: _no_network())
    with pytest.raises(d2l.DataUnavailableError) as error:
        d2l.load_data_fashion_mnist(batch_size=256)
    message = str(error.value)
    assert str(tmp_path / "datasets" / "fashion-mnist") in message
    for name in fashion_mnist.FILES[True] + fashion_mnist.FILES[False]:
        assert name in message
    assert "MXNET_HOME" in message


def test_a_failed_download_becomes_the_same_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("MXNET_HOME", str(tmp_path))
    monkeypatch.setattr(fashion_mnist, "_reachable", lambda: True)

    def refused(*args, **kwargs):
        raise ConnectionRefusedError("refused by the test")

    monkeypatch.setattr("mxnet.gluon.utils.requests.get", refused)
    with pytest.raises(d2l.DataUnavailableError, match="download failed"):
        d2l.FashionMNIST(batch_size=32)


def test_the_files_in_place_load_through_gluons_own_class(fashion_home, np_mode):
    data = fashion_mnist.dataset(train=True)
    assert isinstance(data, gluon.data.vision.FashionMNIST)
    image, label = data[3]
    assert image.shape == (28, 28, 1) and int(label) == 3
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=64)
    X, y = next(iter(train_iter))
    assert X.shape == (64, 1, 28, 28) and float(X.max()) <= 1.0
    assert len(test_iter) == 2  # 100 test images in batches of 64
    assert d2l.get_fashion_mnist_labels([0, 9]) == ["t-shirt", "ankle boot"]


def _lenet_017():
    net = nn.Sequential()
    net.add(
        nn.Conv2D(channels=6, kernel_size=5, padding=2, activation="relu"),
        nn.MaxPool2D(pool_size=2, strides=2),
        nn.Conv2D(channels=16, kernel_size=5, activation="relu"),
        nn.MaxPool2D(pool_size=2, strides=2),
        nn.Dense(84, activation="relu"),
        nn.Dense(10),
    )
    return net


def test_train_ch6_trains_on_the_data_set_and_reports_as_d2l(
    fashion_home, np_mode, capsys
):
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=32)
    net = _lenet_017()
    d2l.train_ch6(net, train_iter, test_iter, 4, 0.3, mx.cpu(1))
    loss_line, speed_line = capsys.readouterr().out.splitlines()[-2:]
    loss, train_acc, test_acc = (float(w.strip(",")) for w in loss_line.split()[1::3])
    assert test_acc > 0.5 and loss < 2.0
    assert speed_line.endswith("examples/sec on cpu(1)")
    assert d2l.evaluate_accuracy_gpu(net, test_iter) == pytest.approx(test_acc)
    assert d2l.evaluate_accuracy(
        net, [(X.as_in_ctx(mx.cpu(1)), y) for X, y in test_iter]
    )


def test_the_10_trainer_fits_lenet_to_the_data_set(fashion_home, np_mode):
    data = d2l.FashionMNIST(batch_size=32)
    assert data.text_labels([1, 2]) == ["trouser", "pullover"]
    model = LeNet(lr=0.9)
    first = float(
        model.loss(
            model(next(iter(data.val_dataloader()))[0]),
            next(iter(data.val_dataloader()))[1],
        )
    )
    d2l.Trainer(max_epochs=3, num_gpus=1).fit(model, data)
    losses = model.board.data["val_loss"]
    assert len(losses) == 3 and losses[-1][1] < first
    assert set(model.board.data) == {"train_loss", "val_loss", "val_acc"}
