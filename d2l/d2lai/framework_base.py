"""The two small tools d2l 1.0's classes are built from.

:func:`add_to_class` lets a notebook define a class across several cells;
:class:`HyperParameters` turns a constructor's arguments into attributes.

Examples
--------
>>> class Point(HyperParameters):
...     def __init__(self, x, y):
...         self.save_hyperparameters()
>>> Point(1, 2).hparams
{'x': 1, 'y': 2}
"""

from __future__ import annotations

import inspect
from typing import Callable, Iterable

__all__ = ["add_to_class", "HyperParameters"]


def add_to_class(Class: type) -> Callable[[Callable], Callable]:
    """Decorator: make the decorated function a method of ``Class``.

    Examples
    --------
    >>> class A:
    ...     pass
    >>> @add_to_class(A)
    ... def twice(self, x):
    ...     return 2 * x
    >>> A().twice(3)
    6
    """

    def attach(function: Callable) -> Callable:
        setattr(Class, function.__name__, function)
        return function

    return attach


class HyperParameters:
    """A base class whose ``save_hyperparameters`` stores constructor arguments."""

    def save_hyperparameters(self, ignore: Iterable[str] = ()) -> None:
        """Store the calling method's arguments as attributes and in ``hparams``.

        Called from ``__init__``, it saves every argument except ``self``,
        those named in ``ignore`` and those starting with ``_``.

        Examples
        --------
        >>> class Model(HyperParameters):
        ...     def __init__(self, lr, depth=2):
        ...         self.save_hyperparameters()
        >>> m = Model(0.1)
        >>> m.lr, m.depth, m.hparams
        (0.1, 2, {'lr': 0.1, 'depth': 2})
        """
        frame = inspect.currentframe().f_back
        try:
            code = frame.f_code
            names = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
            skip = set(ignore) | {"self"}
            self.hparams = {
                name: frame.f_locals[name]
                for name in names
                if name not in skip and not name.startswith("_")
            }
        finally:
            del frame  # a frame kept alive would keep its locals alive
        for name, value in self.hparams.items():
            setattr(self, name, value)
