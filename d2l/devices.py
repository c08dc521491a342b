"""Device helpers: pick a GPU when MXNet can see one, else the CPU."""

from __future__ import annotations

import mxnet as mx

from . import _checks

__all__ = ["num_gpus", "cpu", "gpu", "try_gpu", "try_all_gpus"]


def num_gpus() -> int:
    """Return how many GPUs MXNet can use (0 with the CPU-only wheel).

    Examples
    --------
    >>> num_gpus() >= 0
    True
    """
    try:
        return mx.context.num_gpus()
    except mx.base.MXNetError:
        # The CPU wheel raises instead of answering 0 on some machines.
        return 0


def cpu() -> mx.Context:
    """Return the CPU context.

    Examples
    --------
    >>> cpu()
    cpu(0)
    """
    return mx.cpu()


def gpu(i: int = 0) -> mx.Context:
    """Return the context of GPU ``i`` (it need not exist until used).

    Examples
    --------
    >>> gpu(1)
    gpu(1)
    """
    i = _checks.non_negative_int("i", i)
    return mx.gpu(i)


def try_gpu(i: int = 0) -> mx.Context:
    """Return GPU ``i`` if it exists, else the CPU.

    Examples
    --------
    >>> try_gpu() in (cpu(), gpu(0))
    True
    """
    i = _checks.non_negative_int("i", i)
    return gpu(i) if num_gpus() > i else cpu()


def try_all_gpus() -> list[mx.Context]:
    """Return every GPU, or ``[cpu()]`` when there is none.

    Examples
    --------
    >>> len(try_all_gpus()) >= 1
    True
    """
    return [gpu(i) for i in range(num_gpus())] or [cpu()]
