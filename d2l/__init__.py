"""Helpers for the book on convolutional neural networks (MXNet/Gluon).

Each topic lives in its own module; this file re-exports the public names so
that notebooks can write ``d2l.corr2d`` or ``d2l.try_gpu()``.
``from d2l import mxnet as d2l`` gives d2l.ai's names instead (:mod:`d2l.mxnet`).

The package is installed as the distribution ``d2l-conv``; d2l.ai's own
package, distribution ``d2l``, uses the same import name, so the two cannot
share an environment (see :mod:`d2l._shadowing`).
"""

__distribution__ = "d2l-conv"  # d2l_compat looks for this line

from . import animation, explorers, figures, lenet_figure, windows  # noqa: F401
from ._shadowing import warn_if_d2l_ai_installed as _warn_if_d2l_ai_installed
from .claims import check, check_close
from .convolution import (
    Conv2D,
    comp_conv2d,
    corr2d,
    corr2d_loop,
    corr2d_multi_in,
    corr2d_multi_in_out,
    corr2d_multi_in_out_1x1,
)
from .data import load_mnist
from .devices import cpu, gpu, num_gpus, try_all_gpus, try_gpu
from .plotting import plot, set_figsize, show_heatmaps, show_images
from .pooling import pool2d
from .receptive import (
    Layer,
    field_extent,
    layers_of,
    measure_receptive_field,
    receptive_fields,
)
from .shapes import conv_output_shape, effective_kernel_size
from .timing import Timer
from .training import History, evaluate_accuracy, train_classifier

_warn_if_d2l_ai_installed()

__all__ = [
    "Conv2D",
    "check",
    "check_close",
    "History",
    "Layer",
    "Timer",
    "comp_conv2d",
    "conv_output_shape",
    "corr2d",
    "corr2d_loop",
    "corr2d_multi_in",
    "corr2d_multi_in_out",
    "corr2d_multi_in_out_1x1",
    "cpu",
    "effective_kernel_size",
    "evaluate_accuracy",
    "field_extent",
    "layers_of",
    "measure_receptive_field",
    "gpu",
    "load_mnist",
    "num_gpus",
    "plot",
    "pool2d",
    "receptive_fields",
    "set_figsize",
    "show_heatmaps",
    "show_images",
    "train_classifier",
    "try_all_gpus",
    "try_gpu",
]
