"""Argument checks shared by every public helper.

Each check raises ``ValueError`` with a message of one shape: the argument's
name in backticks, what it must be, and what was given, for example
"`K` must be 2-D, got shape (2, 2, 2)". A part of an argument is named
after it, its argument in backticks: "`steps`[1] must be a WindowStep, got
int". A wrong *type* raises
:class:`ArgumentTypeError`, which is both a ``TypeError`` and a
``ValueError``, so either ``except`` clause catches it.

Dtype policy (one rule for every helper in the package)
--------------------------------------------------------
* Array arguments are dense MXNet arrays of either kind: public helpers
  take ``mx.np`` arrays as well as ``mx.nd`` ones and give back the kind
  they were given (:mod:`d2l._kinds`); the checks here see ``nd`` arrays.
  Sparse arrays and NumPy arrays are rejected with an error naming the
  argument (they would otherwise fail deep inside MXNet).
* Inputs must hold floating-point numbers: float16, float32 or float64.
  Integer and bool inputs are rejected (``floating``): an integer sum
  silently wraps around (200 * 4 is 32 in uint8), and MXNet's matrix
  product has no integer version, so no helper computes in integers.
* float32 and float64 are computed in their own dtype.
* float16 is computed in float32 and the result is cast back to float16
  (``compute_dtype``): sums of float16 overflow at 65504 and lose digits
  long before that, and MXNet's CPU matrix product refuses float16.
  A result that does not fit in float16 becomes inf, as a cast does.
* Every result has the input's dtype and lives on the input's context.
* Sizes are checked before anything is allocated: no helper builds an
  array of more than ``MAX_ELEMENTS`` elements on a reader's behalf.
"""

from __future__ import annotations

import math
import re
from numbers import Integral, Real
from typing import Any, Callable, List, Sequence, Tuple, Union

import mxnet as mx
import numpy as np

#: A size, padding or stride: one int for both axes, or (height, width).
IntOrPair = Union[int, Tuple[int, int]]

#: The most elements a helper allocates for one array (512 MiB of float32).
MAX_ELEMENTS = 2**27


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type (or dtype): both TypeError and ValueError."""


#: An argument's name followed by the part of it meant: ``steps[1]``, ``case.size``.
_PART = re.compile(r"([A-Za-z_]\w*)([\[.].*)")


def quote(name: str) -> str:
    """``name`` in backticks; for a part (``steps[1]``) only the argument's name."""
    part = _PART.fullmatch(name)
    return f"`{part[1]}`{part[2]}" if part else f"`{name}`"


def _fail(
    name: str, requirement: str, got: str, verb: str = "be", error: type = ValueError
) -> None:
    raise error(f"{quote(name)} must {verb} {requirement}, got {got}")


def describe(value: Any) -> str:
    """A short account of a wrong value: its repr, or its type when that is long."""
    text = repr(value)
    return text if len(text) <= 60 and "\n" not in text else type(value).__name__


def require(
    condition: bool, name: str, requirement: str, got: str, verb: str = "be"
) -> None:
    """Raise the standard message unless ``condition`` holds."""
    if not condition:
        _fail(name, requirement, got, verb=verb)


def non_negative_int(name: str, value: Any) -> int:
    """Check that ``value`` is an int (not a bool) that is at least 0."""
    require(is_int(value) and value >= 0, name, "a non-negative int", repr(value))
    return int(value)


def ndarray(name: str, value: Any) -> mx.nd.NDArray:
    """Return ``value`` if it is a dense ``mx.nd.NDArray``, else raise.

    ``mx.np.ndarray`` and sparse arrays are NDArray subclasses that most
    ``nd`` operators refuse, so they are rejected here, by name.
    """
    if isinstance(value, mx.np.ndarray):
        got = "an mx.np.ndarray (convert it with .as_nd_ndarray())"
    elif not isinstance(value, mx.nd.NDArray):
        got = f"{type(value).__name__}"
    elif value.stype != "default":
        got = f"a {value.stype} sparse array (convert it with .tostype('default'))"
    else:
        return value
    _fail(name, "an mxnet NDArray", got, error=ArgumentTypeError)


def nonempty(name: str, value: mx.nd.NDArray) -> mx.nd.NDArray:
    """Check that every axis of ``value`` has at least one entry."""
    if 0 in value.shape:
        _fail(name, "non-empty", f"shape {tuple(value.shape)}")
    return value


def element_limit(name: str, shape: Sequence[int], what: str) -> None:
    """Refuse to allocate ``what`` of ``shape`` if it exceeds ``MAX_ELEMENTS``.

    Called before the allocation, so an absurd size is an error naming the
    argument that caused it rather than gigabytes of memory or an abort.
    """
    count = int(np.prod([int(n) for n in shape], dtype=object))
    if count > MAX_ELEMENTS:
        _fail(
            name,
            f"small enough that {what} stays under {MAX_ELEMENTS} elements",
            f"{what} of shape {tuple(int(n) for n in shape)}",
            verb="be",
        )


def compute_dtype(dtype: Any) -> np.dtype:
    """The dtype a helper computes in: float32 for float16, else ``dtype``."""
    dtype = np.dtype(dtype)
    return np.dtype(np.float32) if dtype == np.float16 else dtype


def ndim(name: str, value: mx.nd.NDArray, expected: int) -> mx.nd.NDArray:
    """Check that ``value`` is an NDArray with ``expected`` dimensions."""
    ndarray(name, value)
    if value.ndim != expected:
        _fail(name, f"{expected}-D", f"shape {tuple(value.shape)}")
    return value


def same_context(name: str, value: mx.nd.NDArray, ref_name: str, ref: Any) -> None:
    """Check that two arrays live on one context (MXNet cannot mix them)."""
    if value.context != ref.context:
        _fail(name, f"on `{ref_name}`'s context {ref.context}", f"{value.context}")


def same_dtype(name: str, value: mx.nd.NDArray, ref_name: str, ref: Any) -> None:
    """Check that two arrays share a dtype (MXNet will not mix them)."""
    if value.dtype != ref.dtype:
        _fail(
            name,
            f"of `{ref_name}`'s dtype {_dtype_name(ref)}",
            f"dtype {_dtype_name(value)}",
        )


def floating(name: str, value: mx.nd.NDArray) -> None:
    """Check that an array holds floating-point numbers."""
    if not np.issubdtype(value.dtype, np.floating):
        _fail(
            name,
            "a floating-point NDArray (float16, float32 or float64)",
            f"dtype {_dtype_name(value)}",
            error=ArgumentTypeError,
        )


def _dtype_name(value: mx.nd.NDArray) -> str:
    return np.dtype(value.dtype).name


def is_int(value: Any) -> bool:
    """True for Python and NumPy integers, False for bools and everything else."""
    return isinstance(value, Integral) and not isinstance(value, bool)


def pair(name: str, value: Any, minimum: int = 1) -> Tuple[int, int]:
    """Turn an int or a pair of ints into a pair, each at least ``minimum``.

    ``minimum=1`` is used for sizes and strides, ``minimum=0`` for padding.
    """
    kind = {0: "non-negative", 1: "positive"}.get(minimum)
    if kind is None:
        requirement = f"an int or a pair of ints, each at least {minimum}"
    else:
        requirement = f"a {kind} int or a pair of {kind} ints"
    if is_int(value):
        values = (int(value), int(value))
    elif (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) == 2
        and all(is_int(v) for v in value)
    ):
        values = (int(value[0]), int(value[1]))
    else:
        _fail(name, requirement, repr(value))
    if min(values) < minimum:
        _fail(name, requirement, repr(value))
    return values


def fits(
    name: str, window: Tuple[int, int], input_name: str, size: Tuple[int, int]
) -> None:
    """Check that a kernel or window is no larger than the (padded) input."""
    if window[0] > size[0] or window[1] > size[1]:
        _fail(
            name,
            f"no larger than {input_name} {tuple(size)}",
            f"{tuple(window)}",
        )


def input_and_kernel(
    X: mx.nd.NDArray, K: mx.nd.NDArray, X_ndim: int, K_ndim: int
) -> Tuple[int, int]:
    """Check an input ``X`` and kernel ``K`` that meet in a cross-correlation.

    Both must have the given number of axes, share a context and a dtype, and
    the kernel's last two axes must fit in the input's. Returns the output's
    ``(height, width)`` without padding or stride.
    """
    ndim("X", X, X_ndim)
    ndim("K", K, K_ndim)
    nonempty("X", X)
    nonempty("K", K)
    same_context("K", K, "X", X)
    same_dtype("K", K, "X", X)
    (n_h, n_w), (k_h, k_w) = X.shape[-2:], K.shape[-2:]
    fits("K", (k_h, k_w), "`X`'s height and width", (n_h, n_w))
    return n_h - k_h + 1, n_w - k_w + 1


def one_of(name: str, value: Any, allowed: Sequence[str]) -> str:
    """Check that ``value`` is one of the ``allowed`` strings."""
    # Compared only when a str: an array compared with a str raises.
    if not (isinstance(value, str) and value in allowed):
        options = " or ".join(repr(a) for a in allowed)
        _fail(name, options, describe(value))
    return value


def channels(name: str, count: int, axis: int, ref_name: str, ref_count: int) -> None:
    """Check that ``name`` has as many channels on ``axis`` as ``ref_name``."""
    if count != ref_count:
        _fail(
            name,
            f"{ref_count} channels on axis {axis} (as many as `{ref_name}`)",
            f"{count}",
            verb="have",
        )


def kernel_tail(name: str, value: mx.nd.NDArray, tail: Tuple[int, ...]) -> None:
    """Check the trailing (kernel) axes of ``value``, e.g. 1x1 kernels."""
    if tuple(value.shape[-len(tail) :]) != tuple(tail):
        kernel = "x".join(str(t) for t in tail)
        _fail(name, f"{kernel} kernels", f"shape {tuple(value.shape)}", verb="have")


def smaller(
    name: str, value: Tuple[int, int], ref_name: str, ref: Tuple[int, int]
) -> None:
    """Check ``value < ref`` on both axes (MXNet needs padding < window)."""
    if value[0] >= ref[0] or value[1] >= ref[1]:
        _fail(name, f"smaller than `{ref_name}` {tuple(ref)} on each axis", repr(value))


def instance(name: str, value: Any, cls: type, description: str) -> Any:
    """Check that ``value`` is an instance of ``cls`` (described in words)."""
    if not isinstance(value, cls):
        _fail(name, description, type(value).__name__, error=ArgumentTypeError)
    return value


def flag(name: str, value: Any) -> bool:
    """Check that ``value`` is True or False (a NumPy bool too)."""
    if not isinstance(value, (bool, np.bool_)):
        _fail(name, "True or False", describe(value), error=ArgumentTypeError)
    return bool(value)


def number(
    name: str,
    value: Any,
    requirement: str = "a finite number",
    ok: Callable[[float], bool] = math.isfinite,
) -> float:
    """Check that ``value`` is a real number (not a bool) for which ``ok`` holds."""
    is_real = isinstance(value, Real) and not isinstance(value, (bool, np.bool_))
    as_float = math.nan
    if is_real:
        try:
            as_float = float(value)
        except OverflowError:  # an int beyond float's range
            as_float = math.inf if value > 0 else -math.inf
    require(is_real and ok(as_float), name, requirement, describe(value))
    return as_float


def sequence_of(name: str, value: Any, cls: type, description: str) -> List[Any]:
    """Check a non-empty list or tuple of ``cls`` instances; return it as a list.

    ``description`` names one item, e.g. "WindowStep": the messages say "a
    list of WindowSteps", "at least one WindowStep", "`steps`[2] must be a
    WindowStep".
    """
    require(
        isinstance(value, (list, tuple)),
        name,
        f"a list of {description}s",
        describe(value),
    )
    require(len(value) > 0, name, f"at least one {description}", "none", verb="hold")
    for k, item in enumerate(value):
        instance(f"{name}[{k}]", item, cls, f"a {description}")
    return list(value)


def function(name: str, value: Any) -> Callable[..., Any]:
    """Check that ``value`` can be called."""
    if not callable(value):
        _fail(name, "callable", describe(value), error=ArgumentTypeError)
    return value


def context(name: str, value: Any) -> mx.Context:
    """Check an ``mx.Context`` that exists here: the CPU, or a GPU MXNet sees."""
    instance(name, value, mx.Context, "an mx.Context such as mx.cpu()")
    if value.device_type == "gpu":
        from .devices import num_gpus  # devices imports this module

        count = num_gpus()
        require(
            value.device_id < count,
            name,
            f"a device that exists ({count} GPUs here)",
            str(value),
        )
    return value


def initialised(name: str, net: Any) -> None:
    """Check that a Gluon block's parameters are initialised (perhaps deferred)."""
    for param in net.collect_params().values():
        try:
            param.list_ctx()  # Gluon's own test: RuntimeError until initialize()
        except RuntimeError:
            _fail(
                name,
                "initialised (call net.initialize() first)",
                f"a network whose parameter {param.name} is not",
                verb="be",
            )


#: Where MXNet's C++ code raised, as its messages give it: "[12:00:00] ../src/x.cc:9: ".
_MXNET_LOCATION = re.compile(r"\[\d\d:\d\d:\d\d\] \S+:\d+: ")


def mxnet_reason(error: BaseException) -> str:
    """MXNet's (or Gluon's) reason for ``error`` in one line, for a message.

    The C++ stack trace and source locations are left out: a reader needs
    what was wrong, e.g. "Shape inconsistent, Provided = [2,5], inferred
    shape=(2,2)".
    """
    text = _MXNET_LOCATION.sub("", str(error))
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip()
        and not line.strip().startswith(("Traceback", "File "))
        and "src/" not in line
    ]
    reason = lines[-1] if lines else type(error).__name__
    return reason.rsplit("MXNetError: ", 1)[-1][:200]
