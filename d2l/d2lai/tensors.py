"""d2l.ai's framework-neutral array names, bound to MXNet's NumPy interface.

d2l.ai writes one text for several frameworks, so its code calls
``d2l.tensor``, ``d2l.reshape`` or ``d2l.reduce_sum`` where MXNet would say
``np.array``, ``x.reshape`` or ``x.sum``. These names map them onto
``mxnet.np`` (arrays) and onto the arrays' own methods, exactly as d2l's
MXNet module does, so its code runs here unchanged. They work on ``mx.np``
arrays and, where MXNet's ``nd`` arrays have the same method, on those too.

Examples
--------
>>> x = tensor([[1.0, 2.0], [3.0, 4.0]])
>>> reduce_sum(x), transpose(x).tolist(), size(x)
(array(10.), [[1.0, 3.0], [2.0, 4.0]], 4)
"""

from __future__ import annotations

from typing import Any

from mxnet import np, npx
from mxnet.gluon import nn

# Constructors and element-wise functions: MXNet's NumPy functions themselves.
tensor = np.array
zeros, zeros_like = np.zeros, np.zeros_like
ones, ones_like = np.ones, np.ones_like
arange, linspace, meshgrid, eye = np.arange, np.linspace, np.meshgrid, np.eye
exp, log, abs = np.exp, np.log, np.abs  # noqa: A001 (d2l's name)
sin, cos, tanh = np.sin, np.cos, np.tanh
sinh, cosh = np.sinh, np.cosh
matmul = np.dot
concat, stack, expand_dims = np.concatenate, np.stack, np.expand_dims
sigmoid, batch_matmul = npx.sigmoid, npx.batch_dot

# Random numbers: the chapter draws kernels and inputs with these.
normal, randn, rand = np.random.normal, np.random.randn, np.random.rand

# dtypes
int32, int64, float32 = np.int32, np.int64, np.float32

#: The base class of d2l's models (a Gluon Block in MXNet).
nn_Module = nn.Block  # noqa: N816 (d2l's name)


# The rest are methods of the array, spelled as functions.
def size(a: Any) -> int:
    """Number of elements of ``a``."""
    return a.size


def transpose(a: Any) -> Any:
    """``a`` with its axes reversed (``a.T``)."""
    return a.T


def numpy(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x`` as a NumPy array (``x.asnumpy()``)."""
    return x.asnumpy(*args, **kwargs)


def reshape(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.reshape(...)``."""
    return x.reshape(*args, **kwargs)


def to(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x`` on another device (``x.as_in_context(...)``)."""
    return x.as_in_context(*args, **kwargs)


def reduce_sum(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.sum(...)``."""
    return x.sum(*args, **kwargs)


def reduce_mean(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.mean(...)``."""
    return x.mean(*args, **kwargs)


def argmax(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.argmax(...)``."""
    return x.argmax(*args, **kwargs)


def astype(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.astype(...)``."""
    return x.astype(*args, **kwargs)


def swapaxes(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.swapaxes(...)``."""
    return x.swapaxes(*args, **kwargs)


def repeat(x: Any, *args: Any, **kwargs: Any) -> Any:
    """``x.repeat(...)``."""
    return x.repeat(*args, **kwargs)


__all__ = [
    "tensor",
    "zeros",
    "zeros_like",
    "ones",
    "ones_like",
    "arange",
    "linspace",
    "meshgrid",
    "eye",
    "exp",
    "log",
    "abs",
    "sin",
    "cos",
    "tanh",
    "sinh",
    "cosh",
    "matmul",
    "concat",
    "stack",
    "expand_dims",
    "sigmoid",
    "batch_matmul",
    "normal",
    "randn",
    "rand",
    "int32",
    "int64",
    "float32",
    "nn_Module",
    "size",
    "transpose",
    "numpy",
    "reshape",
    "to",
    "reduce_sum",
    "reduce_mean",
    "argmax",
    "astype",
    "swapaxes",
    "repeat",
]
