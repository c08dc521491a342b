"""d2l 0.17's training functions, as its LeNet section (chapter 6) calls them.

The MXNet edition of 2021 trains with plain functions instead of classes::

    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size=256)
    d2l.train_ch6(net, train_iter, test_iter, num_epochs, lr, d2l.try_gpu())

with an :class:`Accumulator` of sums, :func:`accuracy` counting correct
predictions and an :class:`Animator` drawing the curves. The same names and
signatures follow, written on Gluon and on the book's own helpers.

Examples
--------
>>> from mxnet import np
>>> totals = Accumulator(2)
>>> totals.add(3, 4); totals.add(1, 1)
>>> totals[0], totals[1]
(4.0, 5.0)
>>> accuracy(np.array([[0.1, 0.9], [0.8, 0.2]]), np.array([1, 1]))
1.0
"""

from __future__ import annotations

import sys
from typing import Iterable, List

from mxnet import autograd, gluon, init

from .. import devices
from ..timing import Timer
from . import fashion_mnist
from .plots import Animator

__all__ = [
    "get_dataloader_workers",
    "load_data_fashion_mnist",
    "get_fashion_mnist_labels",
    "load_array",
    "Accumulator",
    "accuracy",
    "evaluate_accuracy",
    "evaluate_accuracy_gpu",
    "train_ch6",
]


def get_dataloader_workers() -> int:
    """Worker processes for data loading: 4, or 0 on Windows (no fork there)."""
    return 0 if sys.platform.startswith("win") else 4


def load_data_fashion_mnist(batch_size: int, resize=None):
    """Fashion-MNIST as (training, test) loaders of ``batch_size`` images.

    Images are float32 in [0, 1] of shape (1, 28, 28), or ``resize``d first.
    """
    vision = gluon.data.vision.transforms
    steps = ([vision.Resize(resize)] if resize else []) + [vision.ToTensor()]
    to_tensor = vision.Compose(steps)
    loaders = []
    for train in (True, False):
        data = fashion_mnist.dataset(train=train).transform_first(to_tensor)
        loaders.append(
            gluon.data.DataLoader(
                data, batch_size, shuffle=train, num_workers=get_dataloader_workers()
            )
        )
    return tuple(loaders)


def get_fashion_mnist_labels(labels: Iterable) -> List[str]:
    """Class names of Fashion-MNIST labels."""
    return [fashion_mnist.TEXT_LABELS[int(i)] for i in labels]


def load_array(data_arrays, batch_size: int, is_train: bool = True):
    """A Gluon loader over in-memory arrays, shuffled for training."""
    dataset = gluon.data.ArrayDataset(*data_arrays)
    return gluon.data.DataLoader(dataset, batch_size, shuffle=is_train)


class Accumulator:
    """Running sums of ``n`` quantities (losses, hits, counts)."""

    def __init__(self, n: int):
        self.data = [0.0] * n

    def add(self, *args) -> None:
        self.data = [total + float(value) for total, value in zip(self.data, args)]

    def reset(self) -> None:
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y) -> float:
    """How many rows of scores ``y_hat`` put their maximum at the label ``y``."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    hits = y_hat.astype(y.dtype) == y
    return float(hits.astype(y.dtype).sum())


def evaluate_accuracy(net, data_iter) -> float:
    """Share of correct predictions of ``net`` over the batches of ``data_iter``."""
    totals = Accumulator(2)  # correct predictions, predictions
    for X, y in data_iter:
        totals.add(accuracy(net(X), y), y.size)
    return totals[0] / totals[1]


def evaluate_accuracy_gpu(net, data_iter, device=None) -> float:
    """:func:`evaluate_accuracy` on ``device``, by default where ``net`` lives."""
    if not device:
        device = next(iter(net.collect_params().values())).list_ctx()[0]
    totals = Accumulator(2)
    for X, y in data_iter:
        X, y = X.as_in_context(device), y.as_in_context(device)
        totals.add(accuracy(net(X), y), y.size)
    return totals[0] / totals[1]


def train_ch6(net, train_iter, test_iter, num_epochs, lr, device=None) -> None:
    """Train ``net`` with SGD and softmax cross-entropy on ``device``.

    The weights start afresh (Xavier). The curves are drawn about five times
    an epoch; the last line printed gives the training speed.
    """
    device = device or devices.try_gpu()
    net.initialize(init.Xavier(), ctx=device, force_reinit=True)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})
    animator = Animator(
        xlabel="epoch",
        xlim=[1, num_epochs],
        legend=["train loss", "train acc", "test acc"],
    )
    timer, num_batches = Timer(), len(train_iter)
    draw_every = max(1, num_batches // 5)
    for epoch in range(num_epochs):
        totals = Accumulator(3)  # summed loss, correct predictions, examples
        for i, (X, y) in enumerate(train_iter):
            timer.start()
            X, y = X.as_in_context(device), y.as_in_context(device)
            with autograd.record():
                y_hat = net(X)
                batch_loss = loss(y_hat, y)
            batch_loss.backward()
            trainer.step(X.shape[0])
            totals.add(batch_loss.sum(), accuracy(y_hat, y), X.shape[0])
            timer.stop()
            train_loss, train_acc = totals[0] / totals[2], totals[1] / totals[2]
            if (i + 1) % draw_every == 0 or i == num_batches - 1:
                animator.add(
                    epoch + (i + 1) / num_batches, (train_loss, train_acc, None)
                )
        test_acc = evaluate_accuracy_gpu(net, test_iter)
        animator.add(epoch + 1, (None, None, test_acc))
    print(f"loss {train_loss:.3f}, train acc {train_acc:.3f}, test acc {test_acc:.3f}")
    print(f"{totals[2] * num_epochs / timer.sum():.1f} examples/sec on {device}")
