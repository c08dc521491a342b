"""train_classifier and evaluate_accuracy on small problems with known answers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import mxnet as mx
import numpy as np
import pytest
from mxnet import autograd, gluon, nd
from mxnet.gluon import nn

import d2l


def blobs(n=60, ctx=None):
    """Two separable classes of 2-D points, half for training, half for test."""
    rng = np.random.RandomState(1)
    y = np.arange(n) % 2
    X = rng.normal(size=(n, 2)) + 2.5 * np.stack([y, -y], axis=1)
    ctx = ctx or mx.cpu()
    X, y = nd.array(X, ctx=ctx), nd.array(y, ctx=ctx)
    return X[: n // 2], y[: n // 2], X[n // 2 :], y[n // 2 :]


def small_net():
    net = nn.Sequential()
    net.add(nn.Dense(8, activation="relu"), nn.Dense(2))
    return net


def train(net=None, data=None, **kwargs):
    options = dict(num_epochs=10, lr=0.2, batch_size=8, plot=False, verbose=False)
    options.update(kwargs)
    return d2l.train_classifier(net or small_net(), data or blobs(), **options)


def test_training_reduces_the_loss_and_learns_the_task():
    history = train()
    assert history.epochs == 10
    assert history.train_loss[-1] < 0.5 * history.train_loss[0]
    assert history.test_acc[-1] >= 0.9


def test_history_matches_a_recount_after_training():
    net = small_net()
    X_train, y_train, X_test, y_test = data = blobs()
    history = train(net, data)
    assert history.test_acc[-1] == d2l.evaluate_accuracy(net, X_test, y_test)
    assert all(0 <= a <= 1 for a in history.train_acc + history.test_acc)
    assert len(history.seconds) == 10


def test_same_seed_repeats_exactly():
    first, second = train(seed=3), train(seed=3)
    assert first.train_loss == second.train_loss
    assert first.test_acc == second.test_acc


def test_another_seed_gives_another_run():
    assert train(seed=0).train_loss != train(seed=1).train_loss


def test_the_global_numpy_generator_is_left_alone():
    np.random.seed(5)
    expected = np.random.rand()
    np.random.seed(5)
    train()
    assert np.random.rand() == expected


def test_trains_on_the_data_context_and_keeps_it():
    net = small_net()
    history = train(net, blobs(ctx=mx.cpu(1)))
    assert history.epochs == 10
    assert all(p.data().context == mx.cpu(1) for p in net.collect_params().values())


def test_data_is_copied_to_an_explicit_context():
    net = small_net()
    train(net, blobs(ctx=mx.cpu(0)), ctx=mx.cpu(1))
    assert all(p.list_ctx() == [mx.cpu(1)] for p in net.collect_params().values())


def test_prints_one_line_per_epoch(capsys):
    history = train(num_epochs=3, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[-1] == (
        f"epoch 3/3: loss {history.train_loss[-1]:.3f}, "
        f"train acc {history.train_acc[-1]:.3f}, test acc {history.test_acc[-1]:.3f}"
    )


def test_silent_without_verbose(capsys):
    train(num_epochs=2)
    assert capsys.readouterr().out == ""


def test_plot_draws_every_epoch_and_releases_the_figure():
    history = train(num_epochs=4, plot=True)
    ax_loss, ax_acc = history.figure.axes
    np.testing.assert_allclose(ax_loss.lines[0].get_ydata(), history.train_loss)
    train_line, test_line = ax_acc.lines
    np.testing.assert_allclose(train_line.get_ydata(), history.train_acc)
    np.testing.assert_allclose(test_line.get_ydata(), history.test_acc)
    assert ax_acc.get_xlabel() == "epoch"
    # Closed in pyplot, so a notebook does not show the figure a second time.
    assert not plt.get_fignums()


def test_testing_only_after_the_last_epoch_trains_the_same_way():
    every = train(num_epochs=4, seed=2)
    last = train(num_epochs=4, seed=2, test_each_epoch=False)
    assert last.train_loss == every.train_loss
    assert last.test_acc == every.test_acc[-1:]
    assert last.epochs == 4


def test_untested_epochs_print_no_test_accuracy(capsys):
    history = train(num_epochs=2, verbose=True, test_each_epoch=False)
    first, second = capsys.readouterr().out.splitlines()
    assert first == (
        f"epoch 1/2: loss {history.train_loss[0]:.3f}, "
        f"train acc {history.train_acc[0]:.3f}"
    )
    assert second.endswith(f", test acc {history.test_acc[0]:.3f}")


def test_plot_puts_a_single_test_accuracy_at_the_last_epoch():
    history = train(num_epochs=3, plot=True, test_each_epoch=False)
    test_line = history.figure.axes[1].lines[1]
    assert list(test_line.get_xdata()) == [3]
    assert list(test_line.get_ydata()) == history.test_acc


def test_constant_schedule_keeps_the_learning_rate():
    assert train(num_epochs=3, lr=0.2).lr == [0.2, 0.2, 0.2]


def test_cosine_schedule_falls_to_zero_at_the_last_step():
    # 30 points in minibatches of 8: 4 steps per epoch, 12 in all.
    history = train(num_epochs=3, lr=0.2, schedule="cosine")
    expected = [0.1 * (1 + np.cos(np.pi * step / 12)) for step in (4, 8, 12)]
    np.testing.assert_allclose(history.lr, expected, atol=1e-12)
    assert history.train_loss != train(num_epochs=3, lr=0.2).train_loss


def test_no_figure_without_plot():
    assert train(num_epochs=1).figure is None


def test_evaluate_accuracy_counts_top_scores():
    net = nn.Dense(3, in_units=3, use_bias=False)
    net.initialize(mx.init.Constant(nd.eye(3)))
    X = nd.array([[1, 0, 0], [0, 2, 0], [0, 0, 3], [5, 0, 0]])
    y = nd.array([0, 1, 1, 2])
    assert d2l.evaluate_accuracy(net, X, y) == 0.5
    assert d2l.evaluate_accuracy(net, X, y, batch_size=3) == 0.5


def test_evaluate_accuracy_uses_prediction_mode():
    net = nn.Sequential()
    net.add(nn.BatchNorm(in_channels=2), nn.Dense(2, in_units=2))
    net.initialize()
    net[0].running_mean.set_data(nd.array([10.0, 10.0]))
    X = nd.array([[10.0, 10.0]])
    # In prediction mode the running mean is subtracted: zero scores, class 0.
    assert d2l.evaluate_accuracy(net, X, nd.array([0])) == 1.0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(num_epochs=0), "`num_epochs` must be a positive int, got 0"),
        (dict(batch_size=2.5), "`batch_size` must be a positive int, got 2.5"),
        (dict(lr=0), "`lr` must be a positive number, got 0"),
        (dict(lr="0.1"), "`lr` must be a positive number, got '0.1'"),
        (dict(seed=-1), "`seed` must be a non-negative int, got -1"),
        (dict(ctx="cpu"), "`ctx` must be an mx.Context such as mx.cpu(), got str"),
        (
            dict(schedule="step"),
            "`schedule` must be 'constant' or 'cosine', got 'step'",
        ),
        (dict(test_each_epoch=1), "`test_each_epoch` must be True or False, got int"),
    ],
)
def test_bad_settings_are_named(kwargs, message):
    with pytest.raises(ValueError) as err:
        train(**kwargs)
    assert str(err.value) == message


def test_bad_data_is_named():
    X_train, y_train, X_test, y_test = blobs()
    with pytest.raises(
        ValueError, match=r"`data` must be a tuple .* got tuple of length 2"
    ):
        train(data=(X_train, y_train))
    # The parts of `data` are named by position and by what they hold.
    with pytest.raises(
        ValueError,
        match=r"`data`\[3\] \(y_test\) must hold one label per image of "
        r"`data`\[2\] \(X_test\)",
    ):
        train(data=(X_train, y_train, X_test, y_test[:-1]))
    with pytest.raises(
        ValueError, match=r"`data`\[0\] \(X_train\) must be an mxnet NDArray"
    ):
        train(data=(X_train.asnumpy(), y_train, X_test, y_test))
    with pytest.raises(
        ValueError, match=r"`data`\[2\] \(X_test\) must hold images of X_train"
    ):
        train(data=(X_train, y_train, X_test[:, :1], y_test))


def test_evaluate_accuracy_rejects_mismatched_labels():
    net = gluon.nn.Dense(2)
    net.initialize()
    with pytest.raises(ValueError, match="`y` must hold one label per image of `X`"):
        d2l.evaluate_accuracy(net, nd.ones((3, 2)), nd.ones(2))


# --- the training step, against a loop written out by hand ----------------------


def hand_trained(data, num_epochs, lr, batch_size, seed):
    """SGD written out: the same draws as train_classifier, updates by hand.

    train_classifier seeds MXNet (the initial weights) and a NumPy
    RandomState of its own (the order of each epoch's minibatches), in that
    order; each step moves the weights by ``lr`` times the *mean* gradient
    of its batch, so a short last batch takes a step of the same size.
    Returns the network and each epoch's mean training loss.
    """
    X, y = data[0], data[1]
    mx.random.seed(seed)
    order_rng = np.random.RandomState(seed)
    net = nn.Dense(2, in_units=X.shape[1])
    net.initialize(mx.init.Xavier(), force_reinit=True)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    epoch_losses = []
    for _ in range(num_epochs):
        order = order_rng.permutation(len(y))
        total = 0.0
        for start in range(0, len(y), batch_size):
            idx = nd.array(order[start : start + batch_size])
            X_batch, y_batch = X.take(idx), y.take(idx)
            with autograd.record():
                batch_loss = loss(net(X_batch), y_batch)
            batch_loss.backward()
            for param in net.collect_params().values():
                param.set_data(param.data() - lr * param.grad() / len(idx))
            total += float(batch_loss.sum().asscalar())
        epoch_losses.append(total / len(y))
    return net, epoch_losses


def test_training_steps_match_a_hand_written_loop_with_a_short_last_batch():
    # 10 points in batches of 4: every epoch ends with a batch of 2, whose
    # step must use that batch's mean gradient (trainer.step(len(idx))), not
    # a sum divided by the full batch size.
    X_train, y_train, _, _ = data = blobs(20)
    assert len(y_train) % 4 == 2
    settings = dict(num_epochs=3, lr=0.5, batch_size=4, seed=7)
    net = nn.Dense(2, in_units=2)
    history = d2l.train_classifier(net, data, **settings, plot=False, verbose=False)
    expected_net, expected_losses = hand_trained(data, **settings)
    np.testing.assert_allclose(
        net.weight.data().asnumpy(), expected_net.weight.data().asnumpy(), rtol=1e-5
    )
    np.testing.assert_allclose(
        net.bias.data().asnumpy(),
        expected_net.bias.data().asnumpy(),
        rtol=1e-5,
        atol=1e-7,
    )
    np.testing.assert_allclose(history.train_loss, expected_losses, rtol=1e-5)
