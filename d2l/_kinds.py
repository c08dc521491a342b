"""MXNet's two kinds of array, and helpers that accept either.

MXNet 1.x has two array types over one memory model: the legacy
``mx.nd.NDArray``, which this book uses, and ``mx.np.ndarray``, which
d2l.ai's MXNet code has used since 2020 (after ``npx.set_np()``). The
``mx.np`` type is a subclass of ``NDArray``, and either converts to the other
without copying (``as_nd_ndarray`` / ``as_np_ndarray``, which also keep the
autograd record). Two rules follow in this package:

* every array helper computes with ``nd`` operators; :func:`accepts_both`
  converts ``mx.np`` arguments on the way in and gives the result back in
  the kind of the first array argument, so a reader gets back what they
  passed, on its context, with the same values;
* Gluon blocks built after ``npx.set_np()`` take only ``mx.np`` arrays (and
  before it only ``nd`` arrays): :func:`for_gluon` hands a block the kind
  the current mode expects, and :func:`to_nd` brings its output back.

Examples
--------
>>> from d2l import corr2d
>>> X = mx.np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0], [6.0, 7.0, 8.0]])
>>> Y = corr2d(X, mx.np.array([[0.0, 1.0], [2.0, 3.0]]))
>>> type(Y).__name__, Y.tolist()
('ndarray', [[19.0, 25.0], [37.0, 43.0]])
>>> type(to_nd(Y)).__name__
'NDArray'
"""

from __future__ import annotations

import functools
from typing import Any, Callable, TypeVar

import mxnet as mx
from mxnet import nd
from mxnet.util import is_np_array

__all__ = ["accepts_both", "for_gluon", "is_np", "to_nd", "to_np", "np_mode"]

F = TypeVar("F", bound=Callable[..., Any])


def is_np(value: Any) -> bool:
    """True for an ``mx.np.ndarray``."""
    return isinstance(value, mx.np.ndarray)


def _is_nd(value: Any) -> bool:
    return isinstance(value, nd.NDArray) and not is_np(value)


def to_nd(value: Any) -> Any:
    """An ``mx.np.ndarray`` as an ``NDArray`` (same memory); anything else as is."""
    return value.as_nd_ndarray() if is_np(value) else value


def to_np(value: Any) -> Any:
    """A dense ``NDArray`` as an ``mx.np.ndarray`` (same memory); else as is."""
    if _is_nd(value) and value.stype == "default":
        return value.as_np_ndarray()
    return value


def np_mode() -> bool:
    """True after ``npx.set_np()``: Gluon then wants ``mx.np`` arrays."""
    return bool(is_np_array())


def for_gluon(value: Any) -> Any:
    """The kind of array a Gluon block expects in the current mode."""
    return to_np(value) if np_mode() else to_nd(value)


def _first_array(args: tuple, kwargs: dict) -> Any:
    for value in (*args, *kwargs.values()):
        for item in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(item, nd.NDArray):
                return item
    return None


def _inward(value: Any) -> Any:
    if isinstance(value, tuple):
        return tuple(to_nd(v) for v in value)
    if isinstance(value, list):
        return [to_nd(v) for v in value]
    return to_nd(value)


def _outward(value: Any) -> Any:
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(_outward(v) for v in value)
    if isinstance(value, list):
        return [_outward(v) for v in value]
    return to_np(value)


def accepts_both(func: F) -> F:
    """Let an ``nd`` helper take ``mx.np`` arrays as well.

    Array arguments (also inside a tuple or list argument) reach ``func`` as
    ``NDArray``; when the first array argument was an ``mx.np.ndarray``,
    array results (also inside a returned tuple or list) go back as
    ``mx.np.ndarray``. Nothing is copied either way.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        first = _first_array(args, kwargs)
        args = tuple(_inward(a) for a in args)
        kwargs = {k: _inward(v) for k, v in kwargs.items()}
        result = func(*args, **kwargs)
        return _outward(result) if is_np(first) else result

    wrapper.accepts_both_kinds = True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
