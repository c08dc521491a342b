"""Helpers for the book on convolutional neural networks (MXNet/Gluon).

Each topic lives in its own module; this file re-exports the public names so
that notebooks can write ``d2l.corr2d`` or ``d2l.try_gpu()``.
"""

from .devices import cpu, gpu, num_gpus, try_all_gpus, try_gpu

__all__ = ["cpu", "gpu", "num_gpus", "try_all_gpus", "try_gpu"]
