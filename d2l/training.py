"""The book's training loop for image classifiers, with live curves.

:func:`train_classifier` trains a Gluon network with the softmax
cross-entropy loss on minibatches, prints one line per epoch and draws the
loss and accuracy curves as it goes: in a notebook one figure is updated in
place after every epoch (the stored notebook keeps its last state); outside
IPython the figure is only built, and returned in the history.

Runs repeat exactly on the CPU: ``seed`` fixes the initial weights (through
``mx.random.seed``) and the order of the minibatches (through a NumPy
generator of its own, so the global NumPy state is left alone).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, List, Sequence, Tuple

import matplotlib.pyplot as plt
import mxnet as mx
import numpy as np
from matplotlib.figure import Figure
from mxnet import autograd, gluon, nd

from . import _checks
from ._kinds import accepts_both, for_gluon, to_nd
from .plotting import _positive_size
from .timing import Timer

__all__ = ["History", "TrainingPlot", "evaluate_accuracy", "train_classifier"]

Data = Tuple[nd.NDArray, nd.NDArray, nd.NDArray, nd.NDArray]


@dataclass
class History:
    """What :func:`train_classifier` measured, one entry per epoch.

    ``train_loss`` is the mean loss and ``train_acc`` the accuracy over the
    minibatches of the epoch (the weights change while they are counted);
    ``test_acc`` is measured on the test set after the epoch, or only after
    the last one when training was asked for ``test_each_epoch=False``.
    ``lr`` is the learning rate of each epoch's last step (it falls when
    the run follows a schedule). ``seconds`` holds each epoch's wall-clock
    time, which depends on the machine.
    """

    train_loss: List[float] = field(default_factory=list)
    train_acc: List[float] = field(default_factory=list)
    test_acc: List[float] = field(default_factory=list)
    lr: List[float] = field(default_factory=list)
    seconds: List[float] = field(default_factory=list)
    figure: Figure | None = None

    def __post_init__(self) -> None:
        for name in ("train_loss", "train_acc", "test_acc", "lr", "seconds"):
            values = getattr(self, name)
            _checks.require(
                isinstance(values, (list, tuple)),
                name,
                "a list of numbers, one per epoch",
                _checks.describe(values),
            )
            for k, v in enumerate(values):
                _checks.number(f"{name}[{k}]", v, "a number", lambda _: True)
            setattr(self, name, list(values))  # train_classifier appends to them
        epochs = len(self.train_loss)
        _checks.require(
            len(self.train_acc) == epochs,
            "train_acc",
            f"one entry per epoch of `train_loss` ({epochs})",
            f"{len(self.train_acc)} entries",
            verb="have",
        )
        _checks.require(
            len(self.test_acc) <= epochs,
            "test_acc",
            f"at most one entry per epoch of `train_loss` ({epochs})",
            f"{len(self.test_acc)} entries",
            verb="have",
        )
        if self.figure is not None:
            _checks.instance("figure", self.figure, Figure, "a Matplotlib Figure")

    @property
    def epochs(self) -> int:
        """How many epochs have been recorded."""
        return len(self.train_loss)


@accepts_both
def evaluate_accuracy(
    net: gluon.Block, X: nd.NDArray, y: nd.NDArray, batch_size: int = 1000
) -> float:
    """Return the fraction of images in ``X`` whose top score is at ``y``.

    The network runs in prediction mode (batch normalisation uses its
    running statistics), ``batch_size`` images at a time.

    Examples
    --------
    >>> net = gluon.nn.Dense(2, in_units=1, use_bias=False)
    >>> net.initialize(mx.init.Constant(nd.array([[1], [-1]])))
    >>> evaluate_accuracy(net, nd.array([[2], [-3], [1]]), nd.array([0, 1, 1]))
    0.6666666666666666
    """
    _check_net(net)
    _check_pair("X", X, "y", y)
    _checks.same_context("y", y, "X", X)
    batch_size = _positive_int("batch_size", batch_size)
    correct = 0.0
    for start in range(0, len(y), batch_size):
        scores = to_nd(_forward(net, X[start : start + batch_size], "X"))
        hits = scores.argmax(axis=1) == y[start : start + batch_size].astype("float32")
        correct += hits.sum().asscalar()
    return float(correct) / len(y)


class TrainingPlot:
    """Loss on the left, accuracies on the right, redrawn after each epoch.

    In IPython the figure is shown once and then updated in place through a
    display handle; elsewhere nothing is shown. :meth:`close` detaches the
    figure from pyplot, so a notebook does not show it a second time.

    Examples
    --------
    >>> plot = TrainingPlot(num_epochs=3)
    >>> plot.update(History([1.0, 0.5], [0.4, 0.8], [0.3, 0.7]))
    >>> [list(line.get_ydata()) for line in plot.figure.axes[0].lines]
    [[1.0, 0.5]]
    >>> plot.close()
    """

    def __init__(self, num_epochs: int, figsize: Tuple[float, float] = (6.5, 2.7)):
        num_epochs = _positive_int("num_epochs", num_epochs)
        figsize = _positive_size("figsize", figsize)
        self.figure, (self.ax_loss, self.ax_acc) = plt.subplots(1, 2, figsize=figsize)
        self.ax_loss.set(xlabel="epoch", ylabel="training loss", xlim=(1, num_epochs))
        self.ax_acc.set(
            xlabel="epoch", ylabel="accuracy", xlim=(1, num_epochs), ylim=(0, 1.02)
        )
        (self._loss,) = self.ax_loss.plot([], [], "-", color="C0")
        (self._train,) = self.ax_acc.plot([], [], "-", color="C0", label="train")
        (self._test,) = self.ax_acc.plot([], [], "--", color="C1", label="test")
        # Above the axes, so that it hides no curve: a run stuck at chance
        # draws its lines along the bottom, where a legend inside would sit.
        self.ax_acc.legend(
            loc="lower center",
            bbox_to_anchor=(0.5, 1.0),
            ncol=2,
            frameon=False,
            fontsize=11,
        )
        for ax in (self.ax_loss, self.ax_acc):
            # 11-point text stays legible when the page scales the figure down.
            ax.xaxis.label.set_fontsize(11)
            ax.yaxis.label.set_fontsize(11)
            ax.tick_params(labelsize=11)
            ax.grid(True)
            ax.xaxis.get_major_locator().set_params(integer=True)
        self.figure.tight_layout()
        self._handle = display_updatable(self.figure)

    def update(self, history: History) -> None:
        """Draw every epoch recorded in ``history`` so far."""
        _checks.instance("history", history, History, "a History")
        epochs = np.arange(1, len(history.train_loss) + 1)
        self._loss.set_data(epochs, history.train_loss)
        self._train.set_data(epochs, history.train_acc)
        # Test accuracies belong to the last epochs (all of them, or only the
        # last one when the run measures it once).
        self._test.set_data(
            epochs[len(epochs) - len(history.test_acc) :], history.test_acc
        )
        self.ax_loss.relim()
        self.ax_loss.autoscale_view(scalex=False)
        if self._handle is not None:
            self._handle.update(self.figure)

    def close(self) -> None:
        """Stop pyplot from managing (and re-showing) the figure."""
        plt.close(self.figure)


def display_updatable(figure: Figure) -> Any:
    """Show ``figure`` with an updatable handle in IPython, else return None.

    ``handle.update(figure)`` then redraws it in place, below the output the
    cell has printed so far (unlike ``clear_output``, which erases that).
    """
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # plain Python without IPython installed
        return None
    if get_ipython() is None:
        return None
    return display(figure, display_id=True)


@accepts_both
def train_classifier(
    net: gluon.Block,
    data: Sequence[nd.NDArray],
    num_epochs: int,
    lr: float,
    ctx: mx.Context | None = None,
    optimizer: str = "sgd",
    batch_size: int = 128,
    seed: int = 0,
    init: mx.init.Initializer | None = None,
    plot: bool = True,
    verbose: bool = True,
    test_each_epoch: bool = True,
    schedule: str = "constant",
) -> History:
    """Initialise ``net`` afresh and train it with softmax cross-entropy.

    Parameters
    ----------
    net : gluon.Block
        A network mapping a batch of images to ten scores (any number of
        classes works). Its parameters are re-initialised with ``init``.
    data : (X_train, y_train, X_test, y_test)
        NDArrays as :func:`d2l.load_mnist` returns them; labels are class
        numbers.
    num_epochs : int
        Passes over the training set.
    lr : float
        Learning rate of the optimiser.
    ctx : mx.Context, optional
        Where to train; by default the context of ``X_train``. Data on
        another context is copied there.
    optimizer : str, default 'sgd'
        Any name ``gluon.Trainer`` accepts, e.g. 'sgd' or 'adam'.
    batch_size : int, default 128
    seed : int, default 0
        Fixes the initial weights and the order of the minibatches.
    init : mx.init.Initializer, optional
        Defaults to ``mx.init.Xavier()``.
    plot : bool, default True
        Draw the loss and accuracy curves as training goes.
    verbose : bool, default True
        Print one line per epoch.
    test_each_epoch : bool, default True
        Measure the test accuracy after every epoch; False measures it only
        after the last one, which saves a pass over the test set per epoch
        when only the final accuracy matters.
    schedule : {'constant', 'cosine'}, default 'constant'
        'cosine' lowers the learning rate from ``lr`` to 0 along half a
        cosine over all the steps of the run, so the last steps are small.

    Returns
    -------
    History
        Per-epoch training loss, training and test accuracy (and the
        figure, when ``plot`` is true).

    Examples
    --------
    >>> X = nd.array([[0.0], [1.0], [2.0], [3.0]]); y = nd.array([0, 0, 1, 1])
    >>> net = gluon.nn.Dense(2)
    >>> h = train_classifier(net, (X, y, X, y), 20, lr=0.5, plot=False, verbose=False)
    >>> h.train_loss[-1] < h.train_loss[0]
    True
    """
    _checks.instance("net", net, gluon.Block, "a Gluon Block")
    _checks.require(
        len(net.collect_params().keys()) > 0,
        "net",
        "a network with parameters to train",
        f"a {type(net).__name__} without any",
    )
    X_train, y_train, X_test, y_test = _check_data(data)
    num_epochs = _positive_int("num_epochs", num_epochs)
    batch_size = _positive_int("batch_size", batch_size)
    seed = _checks.non_negative_int("seed", seed)
    _checks.require(seed < 2**32, "seed", "less than 2**32", repr(seed))
    _checks.require(
        isinstance(lr, (int, float))
        and not isinstance(lr, bool)
        and 0 < lr < float("inf"),
        "lr",
        "a positive number",
        repr(lr),
    )
    _checks.require(
        isinstance(optimizer, str)
        and optimizer.lower() in mx.optimizer.Optimizer.opt_registry,
        "optimizer",
        "the name of an MXNet optimizer such as 'sgd' or 'adam'",
        _checks.describe(optimizer),
    )
    if init is not None:
        _checks.instance(
            "init", init, mx.init.Initializer, "an mx.init.Initializer or None"
        )
    plot = _checks.flag("plot", plot)
    verbose = _checks.flag("verbose", verbose)
    _checks.instance("test_each_epoch", test_each_epoch, bool, "True or False")
    _checks.one_of("schedule", schedule, ["constant", "cosine"])
    if ctx is None:
        ctx = X_train.context
    _checks.context("ctx", ctx)
    X_train, y_train, X_test, y_test = (
        a.as_in_context(ctx) for a in (X_train, y_train, X_test, y_test)
    )

    mx.random.seed(seed)
    order_rng = np.random.RandomState(seed)
    net.initialize(init or mx.init.Xavier(), ctx=ctx, force_reinit=True)
    options: dict = {"learning_rate": lr}
    if schedule == "cosine":
        steps = num_epochs * -(-len(y_train) // batch_size)  # ceil: a short last batch
        options["lr_scheduler"] = mx.lr_scheduler.CosineScheduler(
            max_update=steps, base_lr=lr, final_lr=0
        )
    trainer = gluon.Trainer(net.collect_params(), optimizer, options)
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    history = History()
    figure = TrainingPlot(num_epochs) if plot else None
    timer = Timer()
    for epoch in range(1, num_epochs + 1):
        timer.start()
        epoch_loss, epoch_acc = _train_epoch(
            net, trainer, loss, X_train, y_train, batch_size, order_rng
        )
        history.train_loss.append(epoch_loss)
        history.train_acc.append(epoch_acc)
        history.lr.append(float(trainer.learning_rate))
        tested = test_each_epoch or epoch == num_epochs
        if tested:
            history.test_acc.append(evaluate_accuracy(net, X_test, y_test))
        history.seconds.append(timer.stop())
        if figure is not None:
            figure.update(history)
        if verbose:
            print(
                f"epoch {epoch:{len(str(num_epochs))}d}/{num_epochs}: "
                f"loss {epoch_loss:.3f}, train acc {epoch_acc:.3f}"
                + (f", test acc {history.test_acc[-1]:.3f}" if tested else "")
            )
    if figure is not None:
        figure.close()
        history.figure = figure.figure
    return history


def _train_epoch(
    net: gluon.Block,
    trainer: gluon.Trainer,
    loss: gluon.loss.Loss,
    X: nd.NDArray,
    y: nd.NDArray,
    batch_size: int,
    rng: np.random.RandomState,
) -> Tuple[float, float]:
    """One pass over ``(X, y)`` in shuffled minibatches: mean loss, accuracy."""
    order = nd.array(rng.permutation(len(y)), ctx=X.context)
    losses, hits = [], []
    for start in range(0, len(y), batch_size):
        idx = order[start : start + batch_size]
        X_batch, y_batch = X.take(idx), y.take(idx)
        with autograd.record():
            scores = _forward(net, X_batch, "data[0] (X_train)")
            l = loss(scores, for_gluon(y_batch))
        l.backward()
        # Gluon divides the summed gradient by this, so a short last batch
        # takes a step of the same size as the others.
        trainer.step(len(idx))
        # Kept as NDArrays: reading a number here would make Python wait for
        # every step instead of queueing the next one while MXNet computes.
        losses.append(to_nd(l).sum())
        hits.append((to_nd(scores).argmax(axis=1) == y_batch).sum())
    total_loss = sum(float(v.asscalar()) for v in losses)
    total_hits = sum(float(v.asscalar()) for v in hits)
    return total_loss / len(y), total_hits / len(y)


def _check_net(net: Any) -> None:
    """Check a Gluon network whose parameters are initialised."""
    _checks.instance("net", net, gluon.Block, "a Gluon Block")
    _checks.initialised("net", net)


def _forward(net: gluon.Block, X: nd.NDArray, X_name: str) -> Any:
    """The scores ``net(X)``, in the kind Gluon expects.

    A network that refuses ``X`` (MXNet's own message says why) or that does
    not give one row of class scores per image is an error naming both.
    """
    try:
        scores = net(for_gluon(X))
    except (mx.base.MXNetError, ValueError) as error:
        # Gluon reports a failed shape inference as a ValueError naming nothing.
        _checks.require(
            False,
            "net",
            f"a network that takes {_checks.quote(X_name)}'s"
            f" {tuple(X.shape[1:])} inputs",
            _checks.mxnet_reason(error),
            verb="be",
        )
    _checks.require(
        scores.ndim == 2 and scores.shape[0] == X.shape[0],
        "net",
        "a network that gives one row of class scores per image",
        f"scores of shape {tuple(scores.shape)} for {X.shape[0]} images",
    )
    return scores


def _positive_int(name: str, value: Any) -> int:
    _checks.require(
        _checks.is_int(value) and value >= 1, name, "a positive int", repr(value)
    )
    return int(value)


def _check_data(data: Any) -> Data:
    """Check ``data`` is four NDArrays: images and labels, training and test."""
    _checks.require(
        isinstance(data, (tuple, list)) and len(data) == 4,
        "data",
        "a tuple (X_train, y_train, X_test, y_test)",
        f"{type(data).__name__}"
        + (f" of length {len(data)}" if isinstance(data, (tuple, list)) else ""),
    )
    X_train, y_train, X_test, y_test = data
    names = [f"data[{k}] ({part})" for k, part in enumerate(_PARTS)]
    _check_pair(names[0], X_train, names[1], y_train)
    _check_pair(names[2], X_test, names[3], y_test)
    _checks.require(
        X_test.shape[1:] == X_train.shape[1:],
        names[2],
        f"images of X_train's shape {tuple(X_train.shape[1:])}",
        f"{tuple(X_test.shape[1:])}",
        verb="hold",
    )
    return X_train, y_train, X_test, y_test


_PARTS = ("X_train", "y_train", "X_test", "y_test")


def _check_pair(X_name: str, X: Any, y_name: str, y: Any) -> None:
    """Check images ``X`` and labels ``y``: NDArrays, one label per image."""
    _checks.ndarray(X_name, X)
    _checks.nonempty(X_name, X)
    _checks.floating(X_name, X)
    _checks.ndim(y_name, y, 1)
    _checks.require(
        len(X) == len(y),
        y_name,
        f"one label per image of {_checks.quote(X_name)} ({len(X)})",
        f"{len(y)} labels",
        verb="hold",
    )
