"""d2l 1.0's training framework for MXNet: models, data and a trainer.

d2l.ai's current text trains every model the same way::

    trainer = d2l.Trainer(max_epochs=10, num_gpus=1)
    data = d2l.FashionMNIST(batch_size=128)
    model = LeNet(lr=0.1)          # a d2l.Classifier
    trainer.fit(model, data)

A :class:`Module` is a Gluon block that knows its loss, its optimizer and how
to plot its progress; a :class:`DataModule` hands out data loaders; the
:class:`Trainer` runs the epochs. These classes give the same names, call
signatures and attributes, built on Gluon and on the book's device helpers.

Examples
--------
>>> class Linear(Classifier):
...     def __init__(self, lr):
...         super().__init__()
...         self.save_hyperparameters()
...         self.net = nn.Dense(2)
>>> model = Linear(lr=0.1)
>>> model.lr, model.accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
(0.1, array(0.5))
"""

from __future__ import annotations

import math
from typing import Any, List

from mxnet import autograd, gluon, np
from mxnet.gluon import nn
from mxnet.gluon.data.vision import transforms

from .. import devices
from . import fashion_mnist
from .framework_base import HyperParameters, add_to_class
from .plots import ProgressBoard, show_images

__all__ = [
    "add_to_class",
    "HyperParameters",
    "ProgressBoard",
    "Module",
    "DataModule",
    "Trainer",
    "SGD",
    "Classifier",
    "FashionMNIST",
]


class Module(nn.Block, HyperParameters):
    """A model: ``self.net`` computes, :meth:`loss` scores, the board plots."""

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1):
        super().__init__()
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def loss(self, y_hat, y):
        raise NotImplementedError

    def forward(self, X):
        if not hasattr(self, "net"):
            raise AttributeError(
                f"{type(self).__name__} must set `self.net` (or override forward)"
            )
        return self.net(X)

    def plot(self, key: str, value: Any, train: bool) -> None:
        """Add ``value`` to the curve ``train_<key>`` or ``val_<key>``."""
        trainer = self.trainer
        self.board.xlabel = "epoch"
        if train:
            x = trainer.train_batch_idx / trainer.num_train_batches
            per_point = trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = trainer.epoch + 1
            per_point = trainer.num_val_batches / self.plot_valid_per_epoch
        label = ("train_" if train else "val_") + key
        self.board.draw(x, value.asnumpy(), label, every_n=max(1, int(per_point)))

    def training_step(self, batch):
        loss = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", loss, train=True)
        return loss

    def validation_step(self, batch) -> None:
        self.plot("loss", self.loss(self(*batch[:-1]), batch[-1]), train=False)

    def configure_optimizers(self):
        """SGD with ``self.lr``: Gluon's for parameters, :class:`SGD` for arrays."""
        params = self.parameters()
        if isinstance(params, list):
            return SGD(params, self.lr)
        return gluon.Trainer(params, "sgd", {"learning_rate": self.lr})

    def get_scratch_params(self) -> List[Any]:
        """Arrays held as attributes (a model written from scratch), recursively."""
        found = []
        for name in dir(self):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                found.append(value)
            elif isinstance(value, Module) and value is not self:
                found.extend(value.get_scratch_params())
        return found

    def parameters(self):
        """Gluon's parameters when the model has any, else its scratch arrays."""
        params = self.collect_params()
        return params if len(params.keys()) else self.get_scratch_params()

    def set_scratch_params_device(self, device) -> None:
        """Move scratch arrays to ``device``, keeping them trainable."""
        for name in dir(self):
            value = getattr(self, name)
            if isinstance(value, np.ndarray):
                moved = value.as_in_ctx(device)
                moved.attach_grad()
                setattr(self, name, moved)
            elif isinstance(value, Module) and value is not self:
                value.set_scratch_params_device(device)


class DataModule(HyperParameters):
    """Data: ``train_dataloader()`` and ``val_dataloader()`` from ``get_dataloader``."""

    def __init__(self, root: str = "../data", num_workers: int = 4):
        self.save_hyperparameters()

    def get_dataloader(self, train: bool):
        raise NotImplementedError

    def train_dataloader(self):
        return self.get_dataloader(train=True)

    def val_dataloader(self):
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors, train: bool, indices=slice(0, None)):
        """Minibatches of ``tensors[k][indices]``, shuffled for training."""
        dataset = gluon.data.ArrayDataset(*(a[indices] for a in tensors))
        return gluon.data.DataLoader(dataset, self.batch_size, shuffle=train)


class SGD(HyperParameters):
    """Minibatch SGD on plain arrays: ``param -= lr * param.grad``."""

    def __init__(self, params, lr):
        self.save_hyperparameters()

    def step(self, _batch_size=None) -> None:
        for param in self.params:
            param -= self.lr * param.grad


class Trainer(HyperParameters):
    """Fit a :class:`Module` to a :class:`DataModule`, one epoch at a time."""

    def __init__(
        self, max_epochs: int, num_gpus: int = 0, gradient_clip_val: float = 0
    ):
        self.save_hyperparameters()
        available = min(num_gpus, devices.num_gpus())
        self.gpus = [devices.gpu(i) for i in range(available)]

    def prepare_data(self, data: DataModule) -> None:
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = (
            len(self.val_dataloader) if self.val_dataloader is not None else 0
        )

    def prepare_model(self, model: Module) -> None:
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.collect_params().reset_ctx(self.gpus[0])
            model.set_scratch_params_device(self.gpus[0])
        self.model = model

    def prepare_batch(self, batch):
        """The batch, on the first GPU when there is one."""
        if self.gpus:
            return [a.as_in_context(self.gpus[0]) for a in batch]
        return batch

    def fit(self, model: Module, data: DataModule) -> None:
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.epoch = self.train_batch_idx = self.val_batch_idx = 0
        for epoch in range(self.max_epochs):
            self.epoch = epoch  # Module.plot reads it
            self.fit_epoch()

    def fit_epoch(self) -> None:
        for batch in self.train_dataloader:
            with autograd.record():
                loss = self.model.training_step(self.prepare_batch(batch))
            loss.backward()
            if self.gradient_clip_val > 0:
                self.clip_gradients(self.gradient_clip_val, self.model)
            # The loss is a batch mean already, so the step is not rescaled.
            self.optim.step(1)
            self.train_batch_idx += 1
        if self.val_dataloader is None:
            return
        for batch in self.val_dataloader:
            self.model.validation_step(self.prepare_batch(batch))
            self.val_batch_idx += 1

    def clip_gradients(self, grad_clip_val: float, model: Module) -> None:
        """Scale all gradients down together when their norm exceeds the limit."""
        params = model.parameters()
        if not isinstance(params, list):
            params = [p.data() for p in params.values()]
        norm = math.sqrt(sum(float((p.grad**2).sum()) for p in params))
        if norm > grad_clip_val:
            for param in params:
                param.grad[:] *= grad_clip_val / norm


class Classifier(Module):
    """A model that predicts classes: softmax cross-entropy and accuracy."""

    def validation_step(self, batch) -> None:
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)
        self.plot("acc", self.accuracy(Y_hat, batch[-1]), train=False)

    def accuracy(self, Y_hat, Y, averaged: bool = True):
        """The share (or, with ``averaged=False``, the 0/1 list) of correct classes."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        predicted = Y_hat.argmax(axis=1).astype(Y.dtype)
        correct = (predicted == Y.reshape(-1)).astype("float32")
        return correct.mean() if averaged else correct

    def loss(self, Y_hat, Y, averaged: bool = True):
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        losses = gluon.loss.SoftmaxCrossEntropyLoss()(Y_hat, Y.reshape((-1,)))
        return losses.mean() if averaged else losses

    def layer_summary(self, X_shape) -> None:
        """Print each layer's output shape for a random input of ``X_shape``."""
        X = np.random.randn(*X_shape)
        for layer in self.net:
            X = layer(X)
            print(layer.__class__.__name__, "output shape:\t", X.shape)


class FashionMNIST(DataModule):
    """Fashion-MNIST through Gluon (see :mod:`d2l.d2lai.fashion_mnist`)."""

    def __init__(self, batch_size: int = 64, resize=(28, 28)):
        super().__init__()
        self.save_hyperparameters()
        to_tensor = transforms.Compose(
            [transforms.Resize(resize), transforms.ToTensor()]
        )
        self.train = fashion_mnist.dataset(train=True).transform_first(to_tensor)
        self.val = fashion_mnist.dataset(train=False).transform_first(to_tensor)

    def text_labels(self, indices) -> List[str]:
        return [fashion_mnist.TEXT_LABELS[int(i)] for i in indices]

    def get_dataloader(self, train: bool):
        data = self.train if train else self.val
        return gluon.data.DataLoader(
            data, self.batch_size, shuffle=train, num_workers=self.num_workers
        )

    def visualize(self, batch, nrows: int = 1, ncols: int = 8, labels=()):
        X, y = batch
        labels = list(labels) or self.text_labels(y)
        show_images(X.squeeze(1), nrows, ncols, titles=labels)
