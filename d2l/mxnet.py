"""d2l.ai's MXNet interface: ``from d2l import mxnet as d2l`` runs its code here.

*Dive into Deep Learning*'s MXNet code starts with
``from d2l import mxnet as d2l`` and then calls ``d2l.tensor``,
``d2l.corr2d``, ``d2l.Trainer``, ``d2l.load_data_fashion_mnist`` and more.
This module answers to those names with d2l's call signatures, so the MXNet
code of d2l.ai's chapter on convolutional networks (the current edition,
1.0, and the MXNet-first edition, 0.17) runs unchanged on this book's
package. Where the book's own ``import d2l`` has a function of the same name
with another signature (``plot``, ``show_images``, ``show_heatmaps``,
``evaluate_accuracy``), this module has d2l's.

Arrays here are d2l's kind, ``mx.np`` (the chapter calls ``npx.set_np()``);
the book's helpers that this module shares, such as ``corr2d``, take either
kind and return the kind they were given. Importing this module takes back
the book's figure style, so figures look as they do on d2l.ai.

Examples
--------
>>> from d2l import mxnet as d2l
>>> X = d2l.tensor([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
>>> K = d2l.tensor([[0.0, 1.0], [2.0, 3.0]])
>>> d2l.corr2d(X, K)
array([[19., 25.],
       [37., 43.]])
>>> d2l.reduce_sum(d2l.reshape(d2l.arange(6), (2, 3)), axis=1)
array([ 3., 12.])
"""

from __future__ import annotations

import matplotlib.pyplot as plt  # noqa: F401 (d2l.plt, as in d2l)
from mxnet import autograd, gluon, image, init, np, npx  # noqa: F401
from mxnet.gluon import nn  # noqa: F401

from . import style
from .convolution import corr2d
from .d2lai.chapter6 import (
    Accumulator,
    accuracy,
    evaluate_accuracy,
    evaluate_accuracy_gpu,
    get_dataloader_workers,
    get_fashion_mnist_labels,
    load_array,
    load_data_fashion_mnist,
    train_ch6,
)
from .d2lai.fashion_mnist import DataUnavailableError
from .d2lai.framework import (
    SGD,
    Classifier,
    DataModule,
    FashionMNIST,
    HyperParameters,
    Module,
    ProgressBoard,
    Trainer,
    add_to_class,
)
from .d2lai.plots import (
    Animator,
    plot,
    set_axes,
    set_figsize,
    show_heatmaps,
    show_images,
    use_svg_display,
)
from .d2lai.tensors import *  # noqa: F403
from .d2lai.tensors import __all__ as _tensor_names
from .devices import cpu, gpu, num_gpus, try_all_gpus, try_gpu
from .timing import Timer

USE_MXNET, USE_PYTORCH, USE_TENSORFLOW = True, False, False

style.withdraw()

__all__ = [
    *_tensor_names,
    "Accumulator",
    "Animator",
    "Classifier",
    "DataModule",
    "DataUnavailableError",
    "FashionMNIST",
    "HyperParameters",
    "Module",
    "ProgressBoard",
    "SGD",
    "Timer",
    "Trainer",
    "accuracy",
    "add_to_class",
    "corr2d",
    "cpu",
    "evaluate_accuracy",
    "evaluate_accuracy_gpu",
    "get_dataloader_workers",
    "get_fashion_mnist_labels",
    "gpu",
    "load_array",
    "load_data_fashion_mnist",
    "num_gpus",
    "plot",
    "set_axes",
    "set_figsize",
    "show_heatmaps",
    "show_images",
    "train_ch6",
    "try_all_gpus",
    "try_gpu",
    "use_svg_display",
]
