"""Let MXNet 1.9.1 import under NumPy 1.24 and later.

Why this exists: MXNet 1.9.1 is the last MXNet release and will get no fix
(apache/mxnet#21165). At import it reads NumPy names that NumPy has since
removed: ``np.bool`` (gone in 1.24, the only one Python 3.12's NumPy 1.26
lacks) and, in NumPy 2, the constants ``PZERO``..``Inf``, the aliases
``alltrue``, ``sometrue``, ``product``, ``round_``, ``msort``, ``in1d``,
``trapz`` and the financial functions NEP 32 moved to ``numpy-financial``.
Python 3.12 and 3.13 have no wheels of a NumPy old enough to still have them.

The wheel is pure Python over ctypes (no compiled extension built against
NumPy), so NumPy 2's binary changes do not touch it: putting the names back is
all it needs. Each name is restored only when NumPy lacks it, as what it was
(or, for NEP 32's functions, which MXNet only registers, as a stub that says
where they went), so on NumPy < 1.24 this does nothing.

How it runs: ``d2l_compat.pth`` (installed into site-packages with the
``d2l-conv`` package) calls :func:`install` at start-up of every Python in the
environment. That only puts a finder on ``sys.meta_path``; NumPy is imported,
and the names restored, the first time something imports ``mxnet`` (a
notebook, a test, a reader's script), so a process that never imports MXNet
pays nothing. ``np.compat.basestring`` (read by ``mx.np.pad``) comes back too;
``ndarray.tostring`` (used by ``mx.recordio``) cannot, as NumPy's array type is
closed to new methods, and the book does not use RecordIO.

The same finder watches the first ``import d2l``. d2l.ai's own package is
also imported as ``d2l`` (its distribution is ``d2l``, the book's is
``d2l-conv``); installed beside the book's, it can take the name, and an
uninstall of either can leave a ``d2l`` folder without its ``__init__.py``.
Then the book's notebooks would fail with an AttributeError that explains
nothing, so :func:`shadow_warning` says in one sentence what happened and
how to fix it.

The finder also keeps scikit-learn out of MXNet's import. ``mxnet.model``
tries ``from sklearn.base import BaseEstimator`` only to give its legacy
``FeedForward`` class (which MXNet marks deprecated, used nowhere in the book
or in d2l.ai) a base class, and falls back to ``object`` on ImportError.
The lock has scikit-learn (mlxtend requires it), and importing it, with the
pandas it pulls in, cost ``import d2l`` 8.4 CPU seconds instead of 6.1 on
this book's 2-core test machine (fastest of five runs each). So while
``mxnet.model`` runs, during ``import mxnet``, ``sklearn`` reads as absent
(unless the program imported it first); afterwards it imports as usual. A
thread that imports scikit-learn in that same moment would be refused too.
"""

from __future__ import annotations

import sys
import types

__all__ = ["install", "restore_numpy_names"]

FIRST_NUMPY_WITHOUT_ALIASES = (1, 24)
_FINANCIAL = ("mirr", "npv", "pmt", "ppmt", "pv", "rate")  # those MXNet reads


def _removed_names(np) -> dict:
    """What each removed name MXNet reads stood for, in terms of today's NumPy."""
    inf, nan = float("inf"), float("nan")

    def msort(a):
        return np.sort(a, axis=0)

    def in1d(ar1, ar2, assume_unique=False, invert=False, **kwargs):
        return np.isin(ar1, ar2, assume_unique, invert, **kwargs).ravel()

    names = {
        "bool": bool,
        "PZERO": 0.0,
        "NZERO": -0.0,
        "PINF": inf,
        "NINF": -inf,
        "Inf": inf,
        "NAN": nan,
        "NaN": nan,
        "alltrue": np.all,
        "sometrue": np.any,
        "product": np.prod,
        "round_": np.round,
        "msort": msort,
        "in1d": in1d,
        "trapz": getattr(np, "trapezoid", None),
        # mx.np.pad reads np.compat.basestring; the module left in NumPy 2.
        "compat": types.SimpleNamespace(basestring=str, integer_types=(int,)),
    }
    names.update({name: _moved_to_numpy_financial(name) for name in _FINANCIAL})
    return {name: value for name, value in names.items() if value is not None}


def _moved_to_numpy_financial(name: str):
    def stub(*args, **kwargs):
        raise NotImplementedError(
            f"numpy.{name} was removed from NumPy (NEP 32); "
            f"use numpy_financial.{name} from the numpy-financial package"
        )

    stub.__name__ = stub.__qualname__ = name
    return stub


def _numpy_version(np) -> tuple[int, int]:
    major, minor = np.__version__.split(".")[:2]
    return int(major), int(minor)


def restore_numpy_names(np=None) -> list[str]:
    """Put back the NumPy names MXNet 1.9.1 reads; return those restored.

    Parameters
    ----------
    np : module, optional
        The NumPy module to patch; by default ``numpy`` itself.

    Returns
    -------
    list of str
        The names that NumPy lacked and now has; empty on NumPy < 1.24.

    Examples
    --------
    >>> import numpy as np
    >>> restore_numpy_names()  # a second call finds nothing missing
    []
    >>> float(np.NINF)
    -inf
    """
    import warnings

    if np is None:
        import numpy as np

    if _numpy_version(np) < FIRST_NUMPY_WITHOUT_ALIASES:
        return []
    restored = []
    for name, value in _removed_names(np).items():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # reading a deprecated name warns
            present = hasattr(np, name)
        if not present:
            setattr(np, name, value)
            restored.append(name)
    return restored


#: A line only the book's ``d2l/__init__.py`` has.
BOOK_MARKER = '__distribution__ = "d2l-conv"'

FIX = (
    "keep d2l.ai's package in an environment of its own: run `pip uninstall -y d2l`"
    " here, then reinstall the book's with `make setup` (or `pip install"
    " --no-deps --force-reinstall -e .` in the book's folder)"
)


def shadow_warning(origin) -> str | None:
    """What is wrong when ``import d2l`` finds ``origin`` instead of the book's.

    ``origin`` is the file the import would run (``spec.origin``): the
    book's ``__init__.py`` gives None; another package's, or a folder with no
    ``__init__.py`` (``origin`` None), gives the sentence to show.

    Examples
    --------
    >>> shadow_warning(None).startswith("`import d2l` finds a `d2l` folder")
    True
    """
    if origin is None or origin == "namespace":
        found = "a `d2l` folder with no __init__.py (an uninstall left it behind)"
    else:
        try:
            with open(origin, encoding="utf-8") as f:
                if BOOK_MARKER in f.read():
                    return None
        except OSError:
            return None
        found = f"d2l.ai's own `d2l` package ({origin})"
    return (
        f"`import d2l` finds {found}, not this book's `d2l` (distribution"
        f" d2l-conv), whose helpers the notebooks call: {FIX}."
    )


def _check_d2l(path) -> None:
    import importlib.machinery
    import warnings

    spec = importlib.machinery.PathFinder.find_spec("d2l", path)
    if spec is None:
        return
    message = shadow_warning(spec.origin)
    if message:
        warnings.warn(message, stacklevel=3)


class _WithoutSklearn:
    """Runs one module with ``sklearn`` absent, through the module's own loader.

    Every other loader method is the real loader's, for tools that ask a
    spec's loader for the source or the file name.
    """

    def __init__(self, loader):
        self.loader = loader

    def __getattr__(self, name):
        return getattr(self.loader, name)

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        # Afterwards the module names its real loader, as if imported usually.
        module.__loader__ = module.__spec__.loader = self.loader
        hide = "sklearn" not in sys.modules
        if hide:
            sys.modules["sklearn"] = None  # `import sklearn` raises ImportError
        try:
            self.loader.exec_module(module)
        finally:
            if hide and "sklearn" in sys.modules and sys.modules["sklearn"] is None:
                del sys.modules["sklearn"]


def _spec_without_sklearn(fullname, path, target):
    import importlib.machinery

    spec = importlib.machinery.PathFinder.find_spec(fullname, path, target)
    if spec is None or not hasattr(spec.loader, "exec_module"):
        return None
    spec.loader = _WithoutSklearn(spec.loader)
    return spec


class _RestoreBeforeMXNet:
    """A ``sys.meta_path`` finder that acts once for ``mxnet`` (and then for
    ``mxnet.model``, which MXNet's import runs), once for ``d2l``."""

    def __init__(self):
        self.pending = {"mxnet", "d2l"}

    def find_spec(self, fullname, path=None, target=None):
        if fullname not in self.pending:
            return None
        self.pending.discard(fullname)
        if fullname == "mxnet" and "sklearn" not in sys.modules:
            self.pending.add("mxnet.model")
        if not self.pending:
            uninstall()
        if fullname == "mxnet":
            restore_numpy_names()
        elif fullname == "mxnet.model":
            return _spec_without_sklearn(fullname, path, target)
        else:
            _check_d2l(path)
        return None  # the usual finders import the module itself


def install() -> None:
    """Restore the names before the first ``import mxnet`` (idempotent).

    If MXNet and d2l are already imported, there is nothing left to watch.
    """
    if ("mxnet" in sys.modules and "d2l" in sys.modules) or _installed():
        return
    sys.meta_path.insert(0, _RestoreBeforeMXNet())


def uninstall() -> None:
    """Remove the finder; the names already restored stay."""
    sys.meta_path[:] = [f for f in sys.meta_path if not _is_ours(f)]


def _is_ours(finder) -> bool:
    # By name, not isinstance: a reloaded module defines a new class.
    return type(finder).__name__ == _RestoreBeforeMXNet.__name__


def _installed() -> bool:
    return any(_is_ours(f) for f in sys.meta_path)
