"""Time the book's convolution and pooling helpers against MXNet's operators.

Run ``python -m d2l.bench`` (``make bench``) for the full benchmark or add
``--quick`` for a few small sizes. Every implementation is first checked
against MXNet's built-in operator on the same input; then each is timed as
the median of repeated runs after 8 warm-up runs (steady state).

``main`` also measures, for every case and implementation, the first call
and the peak memory above the baseline, in a child process forked for that
one call (:func:`first_call`): the peak resident set size is reset just
before the call (``/proc/self/clear_refs``), so it counts what the call
itself needs, including MXNet's C++ allocations that ``tracemalloc`` cannot
see. The full run adds a large-kernel case (512x512 input, 256x256 kernel).
The results go to
``_build/bench/bench.csv`` and ``_build/bench/bench.png`` (a log-log plot of
time against input size), and a table of ratios to the built-in operator is
printed.

The timing helpers (:func:`time_median`, :func:`run_case`) are reused by the
performance appendix of the book.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import inspect
import math
import mmap
import multiprocessing
import os
import statistics
import sys
import time
from typing import Callable, Iterable, NamedTuple, Sequence

import mxnet as mx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from mxnet import nd

import d2l

from . import _checks
from .variants import corr2d_im2col, corr2d_multi_in_out_im2col, corr2d_shift_add

__all__ = [
    "Case",
    "Record",
    "Timing",
    "time_median",
    "implementations",
    "run_case",
    "run_cases",
    "format_table",
    "format_first_calls",
    "first_touch_ms_per_mb",
    "plot_series",
    "save_plot",
    "write_csv",
    "main",
]

# Name of the built-in operator each benchmark is compared with.
REFERENCE = {
    "corr2d": "nd.Convolution",
    "corr2d_multi_in_out": "nd.Convolution",
    "pool2d_max": "nd.Pooling",
    "pool2d_avg": "nd.Pooling",
}
# The fast helpers, held to the speed target.
FAST = {"d2l.corr2d", "d2l.corr2d_multi_in_out", "d2l.pool2d"}
# The teaching loop costs a Python round trip per output element; it is only
# timed up to the size set by --loop-max and while one call stays short.
SLOW = {"corr2d_loop"}
# Agreement with the built-in operator, relative to the largest output value:
# float32 sums of up to a few hundred terms differ by rounding only.
TOLERANCE = 1e-4

FULL_SIZES = (8, 16, 32, 64, 128, 256, 512)
QUICK_SIZES = (8, 16)
FULL_MULTI = ((3, 16, 224), (16, 16, 128), (64, 64, 56))
# The large-kernel case: only the package's helper and the built-in run it
# (the loop, shift-and-add and the whole-matrix im2col would take hours or
# 17 GB), once each.
LARGE = (512, 256)
LARGE_SKIP = ("corr2d_loop", "shift_add", "im2col")
# Warm-up calls before the steady-state timing.
WARMUP = 8
# Memory target: at most this factor times the built-in's extra memory ...
MEMORY_FACTOR = 2.0
# ... plus this many MB.
MEMORY_SLACK_MB = 64.0
# Speed target of the fast helpers, in steady state.
SPEED_TARGET = 3.0
QUICK_MULTI = ((3, 4, 16), (8, 8, 12))
# Printed under the first-call table of a full run.
FIRST_CALL_NOTE = """\
  first ms: one call in a fresh child process; steady: median after 8 warm-up
  calls; memory: the call's peak extra MB times the cost of touching fresh
  memory; set-up: the rest (MXNet's engine and OpenMP threads starting, oneDNN
  generating kernels for a new shape, Python-side checks); new shape: the first
  call of this shape in the benchmarking process, where threads and most
  operators are already set up."""


@dataclasses.dataclass(frozen=True)
class Case:
    """One input to time: a benchmark name, input size, window and channels."""

    benchmark: str
    size: int
    window: int
    c_in: int = 1
    c_out: int = 1

    def __post_init__(self) -> None:
        _checks.one_of("benchmark", self.benchmark, sorted(REFERENCE))
        for name in ("size", "window", "c_in", "c_out"):
            _positive_int(name, getattr(self, name))
        _checks.require(
            self.window <= self.size,
            "window",
            f"at most `size` ({self.size})",
            repr(self.window),
        )
        if self.benchmark != "corr2d_multi_in_out":
            for name in ("c_in", "c_out"):
                _checks.require(
                    getattr(self, name) == 1,
                    name,
                    f"1 for {self.benchmark} (a single-channel benchmark)",
                    repr(getattr(self, name)),
                )
        # Checked here, before any input is made: sizes stay allocatable.
        _checks.element_limit("size", (self.c_in, self.size, self.size), "the input")
        shape = (self.c_out, self.c_in, self.window, self.window)
        _checks.element_limit("window", shape, "the kernel")


def _positive_int(name: str, value: object) -> int:
    _checks.require(
        _checks.is_int(value) and value >= 1, name, "a positive int", repr(value)
    )
    return int(value)


def _seconds(value: float) -> bool:
    """A time in seconds, or NaN for one not measured."""
    return math.isnan(value) or 0 <= value < math.inf


@dataclasses.dataclass
class Record:
    """The timing of one implementation on one case (one CSV row)."""

    benchmark: str
    implementation: str
    size: int
    window: int
    c_in: int
    c_out: int
    seconds: float
    best_seconds: float
    runs: int
    ratio: float
    max_abs_error: float
    matches: bool
    device: str
    gflops: float = math.nan
    first_seconds: float = math.nan
    extra_mb: float = math.nan
    new_shape_seconds: float = math.nan

    def __post_init__(self) -> None:
        _checks.one_of("benchmark", self.benchmark, sorted(REFERENCE))
        for name in ("implementation", "device"):
            _checks.instance(name, getattr(self, name), str, "a str")
        for name in ("size", "window", "c_in", "c_out"):
            _positive_int(name, getattr(self, name))
        _checks.require(
            self.window <= self.size,
            "window",
            f"at most `size` ({self.size})",
            repr(self.window),
        )
        _checks.non_negative_int("runs", self.runs)
        _checks.flag("matches", self.matches)
        times = ("seconds", "best_seconds", "first_seconds", "new_shape_seconds")
        for name in times:
            _checks.number(
                name, getattr(self, name), "a non-negative number or nan", _seconds
            )
        for name in ("ratio", "max_abs_error", "gflops", "extra_mb"):
            _checks.number(
                name, getattr(self, name), "a number or nan", lambda v: v != -math.inf
            )


class _Timing(NamedTuple):
    median: float
    best: float
    runs: int


class Timing(_Timing):
    """Median and fastest seconds per call, and the number of timed calls."""

    __slots__ = ()

    def __new__(cls, median: float, best: float, runs: int) -> Timing:
        finite = "a non-negative, finite number of seconds"
        median = _checks.number("median", median, finite, lambda v: 0 <= v < math.inf)
        best = _checks.number("best", best, finite, lambda v: 0 <= v < math.inf)
        _checks.require(
            best <= median, "best", f"at most `median` ({median})", repr(best)
        )
        return super().__new__(cls, median, best, _positive_int("runs", runs))


def time_median(
    f: Callable[..., object],
    *args: object,
    repeats: int = 5,
    warmup: int = 1,
    budget: float = 0.0,
    max_repeats: int = 100,
) -> Timing:
    """Median (and fastest) wall-clock time of ``f(*args)`` in seconds.

    MXNet runs operators asynchronously: a call returns as soon as the work
    is queued. Each run therefore ends with ``nd.waitall()``, so the time
    covers the computation and not just the queueing. The ``warmup`` runs
    are not timed (the first call of an operator sets up its kernels). At
    least ``repeats`` runs are timed, more when one run is short, up to
    about ``budget`` seconds in all and at most ``max_repeats`` runs.

    The median is the figure to report. The fastest run is the one to use
    when checking which of two versions is faster on a busy machine: other
    programs can only add time to a run, never take it away.

    Examples
    --------
    >>> X = nd.ones((64, 64))
    >>> t = time_median(lambda: X * 2, repeats=3)
    >>> t.runs, t.median > 0
    (3, True)
    """
    _checks.function("f", f)
    _check_arguments(f, args)
    repeats = _positive_int("repeats", repeats)
    max_repeats = _positive_int("max_repeats", max_repeats)
    _check_budget(budget)
    _checks.require(
        repeats <= max_repeats,
        "repeats",
        f"at most `max_repeats` ({max_repeats})",
        repr(repeats),
    )
    warmup = _checks.non_negative_int("warmup", warmup)
    _checks.require(warmup <= 1000, "warmup", "at most 1000", repr(warmup))
    for _ in range(warmup):
        f(*args)
        nd.waitall()
    times: list[float] = []
    while len(times) < repeats or (
        len(times) < max_repeats and sum(times) + statistics.median(times) < budget
    ):
        nd.waitall()  # start from an idle engine
        start = time.perf_counter()
        f(*args)
        nd.waitall()
        times.append(time.perf_counter() - start)
    return Timing(statistics.median(times), min(times), len(times))


def _check_arguments(f: Callable[..., object], args: tuple) -> None:
    """Check that ``f`` takes ``args``, when Python can read its signature."""
    try:
        signature = inspect.signature(f)
    except (TypeError, ValueError):  # some built-ins have none: the call decides
        return
    try:
        signature.bind(*args)
    except TypeError as error:
        _checks.require(False, "f", f"callable with {len(args)} arguments", str(error))


def _check_budget(budget: float) -> float:
    return _checks.number(
        "budget",
        budget,
        "a non-negative, finite number of seconds",
        lambda v: 0 <= v < math.inf,
    )


def flops(case: Case) -> float:
    """Multiply-adds times 2 (convolution) or window reads (pooling) of ``case``."""
    out = (case.size - case.window + 1) ** 2
    work = out * case.window**2 * case.c_in * case.c_out
    return 2.0 * work if case.benchmark.startswith("corr2d") else float(work)


def _status_mb(key: str) -> float:
    """A memory figure of this process from /proc/self/status, in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return math.nan


def first_touch_ms_per_mb(mb: int = 16) -> float:
    """Milliseconds this machine takes to touch one MB of fresh memory.

    A first call writes into memory no call has used before: the operating
    system maps each new page on first touch, which a steady-state call,
    reusing memory its predecessors freed, never pays. Measured as the time
    of a first write to ``mb`` fresh megabytes minus that of a second write.

    Examples
    --------
    >>> first_touch_ms_per_mb(4) >= 0
    True
    """
    _checks.require(
        _checks.is_int(mb) and 1 <= mb <= 1024, "mb", "an int in 1..1024", repr(mb)
    )
    costs = []
    for _ in range(3):
        # An anonymous map is always fresh pages; a freed NumPy array's
        # memory may be handed straight back by the allocator.
        with mmap.mmap(-1, mb * 2**20) as fresh:
            block = np.frombuffer(fresh, dtype=np.uint8)
            start = time.perf_counter()
            block.fill(1)
            first = time.perf_counter() - start
            start = time.perf_counter()
            block.fill(2)
            second = time.perf_counter() - start
            del block  # the map cannot close while a view of it exists
        costs.append((first - second) * 1e3 / mb)
    return max(0.0, statistics.median(costs))


def format_first_calls(records: Sequence[Record], ms_per_mb: float) -> str:
    """Where each first call's extra time goes, for the fast helpers and
    their built-in operators: fresh memory, and the rest (set-up)."""
    records = _check_records(records)
    ms_per_mb = _checks.number(
        "ms_per_mb",
        ms_per_mb,
        "a non-negative, finite number",
        lambda v: 0 <= v < math.inf,
    )
    lines = [
        f"Where a first call's time goes (fresh memory costs {ms_per_mb:.2f} ms "
        "per MB here):",
        f"{'case':<44}{'implementation':<26}{'first ms':>10}{'steady':>10}"
        f"{'memory':>10}{'set-up':>10}{'new shape':>10}",
    ]
    shown = FAST | set(REFERENCE.values())
    for group in _by_case(records).values():
        for r in group:
            if r.implementation not in shown:
                continue
            if math.isnan(r.first_seconds) or math.isnan(r.extra_mb):
                continue
            first, steady = r.first_seconds * 1e3, r.seconds * 1e3
            # On a busy machine a first call can beat the median: no extra.
            extra = max(0.0, first - steady)
            memory = min(extra, max(r.extra_mb, 0.0) * ms_per_mb)
            numbers = (first, steady, memory, extra - memory, r.new_shape_seconds * 1e3)
            lines.append(
                f"{_case_label(r):<44}{r.implementation:<26}"
                + "".join(f"{x:>10.4g}" for x in numbers)
            )
    return "\n".join(lines)


def _first_call_child(case: Case, name: str, ctx_text: str, conn) -> None:
    """In a forked child: time one call of ``name`` and its peak extra memory."""
    try:
        ctx = mx.Context(*ctx_text.rstrip(")").split("("))
        ctx = mx.Context(ctx.device_type, int(ctx.device_id))
        args = make_inputs(case, ctx)
        f = implementations(case)[name]
        nd.waitall()
        try:  # reset the peak resident set size to the current one
            with open("/proc/self/clear_refs", "w") as refs:
                refs.write("5")
        except OSError:
            pass
        base = _status_mb("VmRSS")
        start = time.perf_counter()
        f(*args)
        nd.waitall()
        seconds = time.perf_counter() - start
        conn.send((seconds, _status_mb("VmHWM") - base))
    except BaseException as error:  # report, never hang the parent
        conn.send((math.nan, repr(error)))
    finally:
        conn.close()


def first_call(
    case: Case, name: str, ctx: mx.Context, timeout: float = 600.0
) -> tuple[float, float]:
    """Seconds and peak extra MB of one call of ``name`` on a fresh input.

    Runs in a forked child, so the peak resident set size belongs to this
    call alone and nothing it allocates stays behind. Returns NaNs where
    ``fork`` is unavailable, the child dies or runs past ``timeout``.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        return math.nan, math.nan
    fork = multiprocessing.get_context("fork")
    parent, child = fork.Pipe(duplex=False)
    proc = fork.Process(target=_first_call_child, args=(case, name, str(ctx), child))
    proc.start()
    child.close()
    result = (math.nan, math.nan)
    if parent.poll(timeout):
        try:
            seconds, extra = parent.recv()
            result = (seconds, extra if isinstance(extra, float) else math.nan)
        except EOFError:
            pass
    if proc.is_alive():
        proc.kill()
    proc.join()
    return result


def _conv(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """nd.Convolution on a (c_i, h, w) input and (c_o, c_i, k_h, k_w) kernel."""
    Y = nd.Convolution(
        X.reshape((1,) + X.shape),
        K,
        kernel=K.shape[2:],
        num_filter=K.shape[0],
        no_bias=True,
    )
    return Y.reshape(Y.shape[1:])


def _conv2d(X: nd.NDArray, K: nd.NDArray) -> nd.NDArray:
    """nd.Convolution on a single-channel 2-D input and 2-D kernel."""
    return _conv(X.reshape((1,) + X.shape), K.reshape((1, 1) + K.shape)).reshape(
        (X.shape[0] - K.shape[0] + 1, X.shape[1] - K.shape[1] + 1)
    )


def _pool(X: nd.NDArray, window: int, pool_type: str) -> nd.NDArray:
    """nd.Pooling with a square window and stride 1 on a 2-D input."""
    Y = nd.Pooling(
        X.reshape((1, 1) + X.shape),
        kernel=(window, window),
        stride=(1, 1),
        pool_type=pool_type,
    )
    return Y.reshape(Y.shape[2:])


def _check_records(records: Sequence[Record], empty: bool = True) -> list[Record]:
    """Check a list of Records (``empty``: none at all is allowed)."""
    if empty and isinstance(records, (list, tuple)) and len(records) == 0:
        return []
    return _checks.sequence_of("records", records, Record, "Record")


def implementations(case: Case) -> dict[str, Callable[..., nd.NDArray]]:
    """The implementations timed on ``case``, the built-in operator last."""
    _checks.instance("case", case, Case, "a Case")
    if case.benchmark == "corr2d":
        return {
            "corr2d_loop": d2l.corr2d_loop,
            "shift_add": corr2d_shift_add,
            "im2col": corr2d_im2col,
            "d2l.corr2d": d2l.corr2d,
            "nd.Convolution": _conv2d,
        }
    if case.benchmark == "corr2d_multi_in_out":
        return {
            "d2l.corr2d_multi_in_out": d2l.corr2d_multi_in_out,
            "im2col": corr2d_multi_in_out_im2col,
            "nd.Convolution": _conv,
        }
    if case.benchmark in ("pool2d_max", "pool2d_avg"):
        mode = case.benchmark[len("pool2d_") :]
        w = case.window
        return {
            "d2l.pool2d": lambda X: d2l.pool2d(X, w, mode=mode),
            "nd.Pooling": lambda X: _pool(X, w, mode),
        }
    raise ValueError(
        f"`case.benchmark` must be one of {sorted(REFERENCE)}, got {case.benchmark!r}"
    )


def make_inputs(case: Case, ctx: mx.Context, seed: int = 0) -> list[nd.NDArray]:
    """Random inputs for ``case`` on ``ctx``: [X, K] or [X] for pooling."""
    rng = np.random.default_rng(seed)

    def uniform(*shape: int) -> nd.NDArray:
        return nd.array(rng.uniform(-1, 1, shape), ctx=ctx, dtype="float32")

    n, k = case.size, case.window
    if case.benchmark == "corr2d":
        return [uniform(n, n), uniform(k, k)]
    if case.benchmark == "corr2d_multi_in_out":
        return [uniform(case.c_in, n, n), uniform(case.c_out, case.c_in, k, k)]
    return [uniform(n, n)]


def run_case(
    case: Case,
    ctx: mx.Context,
    *,
    repeats: int = 5,
    budget: float = 0.0,
    slow_repeats: int = 3,
    skip: Iterable[str] = (),
    warmup: int = WARMUP,
) -> list[Record]:
    """Check and time every implementation of ``case`` on ``ctx``.

    Each implementation is run once and compared with the built-in operator
    (that run is recorded as ``new_shape_seconds``: the first call of this
    shape in a process that has already run other shapes), then timed with
    :func:`time_median` after ``warmup`` more calls. The implementations
    named in ``skip`` are left out.
    """
    impls = implementations(case)
    _checks.context("ctx", ctx)
    _positive_int("repeats", repeats)
    _positive_int("slow_repeats", slow_repeats)
    _check_budget(budget)
    _checks.require(
        _checks.non_negative_int("warmup", warmup) <= 1000,
        "warmup",
        "at most 1000",
        repr(warmup),
    )
    _checks.require(
        isinstance(skip, (list, tuple, set, frozenset))
        and all(isinstance(name, str) for name in skip),
        "skip",
        "a list or set of implementation names",
        _checks.describe(skip),
    )
    builtin = REFERENCE[case.benchmark]
    _checks.require(
        builtin not in skip,
        "skip",
        f"leave out the built-in operator {builtin} (the others are compared with it)",
        repr(skip),
        verb="not",
    )
    args = make_inputs(case, ctx)
    reference = impls[REFERENCE[case.benchmark]](*args).asnumpy()
    scale = max(1.0, float(np.abs(reference).max()))
    records = []
    for name, f in impls.items():
        if name in skip:
            continue
        nd.waitall()
        start = time.perf_counter()
        out = f(*args).asnumpy()
        first = time.perf_counter() - start
        error = (
            float(np.abs(out - reference).max())
            if out.shape == reference.shape
            else float("inf")
        )
        if name in SLOW:
            timing = time_median(f, *args, repeats=slow_repeats, warmup=0)
        else:
            timing = time_median(
                f, *args, repeats=repeats, budget=budget, warmup=warmup
            )
        records.append(
            Record(
                case.benchmark,
                name,
                case.size,
                case.window,
                case.c_in,
                case.c_out,
                timing.median,
                timing.best,
                timing.runs,
                float("nan"),
                error,
                error <= TOLERANCE * scale,
                str(ctx),
                flops(case) / timing.median / 1e9,
                new_shape_seconds=first,
            )
        )
    builtin = records[-1].seconds
    for r in records:
        r.ratio = r.seconds / builtin
    return records


def run_cases(
    cases: Sequence[Case],
    ctx: mx.Context,
    *,
    repeats: int = 5,
    budget: float = 0.0,
    loop_max: int = 64,
    loop_limit: float = 2.0,
    progress: Callable[[str], None] | None = None,
) -> list[Record]:
    """Run :func:`run_case` on every case, sparing the loop on large inputs.

    The loop is timed only on inputs up to ``loop_max`` pixels a side, and
    no longer for a kernel size once one call took more than ``loop_limit``
    seconds.
    """
    cases = _checks.sequence_of("cases", cases, Case, "Case")
    _checks.context("ctx", ctx)
    _positive_int("repeats", repeats)
    _check_budget(budget)
    _checks.non_negative_int("loop_max", loop_max)
    _checks.number(
        "loop_limit", loop_limit, "a positive number of seconds", lambda v: v > 0
    )
    if progress is not None:
        _checks.function("progress", progress)
    records: list[Record] = []
    loop_too_slow = set()
    for case in cases:
        skip = set()
        if case.size > loop_max or case.window in loop_too_slow:
            skip = set(SLOW)
        done = run_case(case, ctx, repeats=repeats, budget=budget, skip=skip)
        for r in done:
            if r.implementation in SLOW and r.seconds > loop_limit:
                loop_too_slow.add(case.window)
        records.extend(done)
        if progress is not None:
            progress(f"  timed {_case_label(case)}")
    return records


def _case_label(case: Case | Record) -> str:
    """For example "corr2d 512x512, 3x3" or "corr2d_multi_in_out (64, 64, 56), 3x3"."""
    if case.benchmark == "corr2d_multi_in_out":
        shape = _channels(case)
    else:
        shape = f"{case.size}x{case.size}"
    return f"{case.benchmark} {shape}, {case.window}x{case.window}"


def _channels(r: Case | Record) -> str:
    return f"({r.c_in}, {r.c_out}, {r.size})"


def _group(records: Sequence[Record]) -> dict[tuple, list[Record]]:
    """Records by (benchmark, window), in the order they were run."""
    groups: dict[tuple, list[Record]] = {}
    for r in records:
        groups.setdefault((r.benchmark, r.window), []).append(r)
    return groups


def _cell(r: Record) -> str:
    """Median milliseconds to three digits, then the ratio, e.g. "2.53 (16x)"."""
    ms = f"{r.seconds * 1e3:.3g}" if r.seconds < 1 else f"{r.seconds * 1e3:,.0f}"
    ratio = f"{r.ratio:.1f}" if r.ratio < 10 else f"{r.ratio:,.0f}"
    return f"{ms} ({ratio}x)"


def format_table(records: Sequence[Record]) -> str:
    """One table per benchmark: median milliseconds and ratio to built-in."""
    records = _check_records(records)
    lines = []
    for (benchmark, window), group in _group(records).items():
        names = list(dict.fromkeys(r.implementation for r in group))
        multi = benchmark == "corr2d_multi_in_out"
        lines.append("")
        lines.append(
            f"{benchmark}, {window}x{window} window: median ms "
            f"(ratio to {REFERENCE[benchmark]})"
        )
        key_title = "(c_in, c_out, size)" if multi else "size"
        lines.append(f"{key_title:>20}" + "".join(f"{n:>24}" for n in names))
        rows: dict[str, dict[str, Record]] = {}
        for r in group:
            key = _channels(r) if multi else str(r.size)
            rows.setdefault(key, {})[r.implementation] = r
        for key, row in rows.items():
            cells = [_cell(row[n]) if n in row else "-" for n in names]
            lines.append(f"{key:>20}" + "".join(f"{c:>24}" for c in cells))
    return "\n".join(lines)


def format_details(records: Sequence[Record]) -> str:
    """One line per case and implementation: steady and first-call time,
    GFLOP/s, peak extra memory and the memory and speed targets."""
    lines = [
        f"{'case':<44}{'implementation':<26}{'median ms':>10}{'ratio':>7}"
        f"{'GFLOP/s':>9}{'first ms':>10}{'extra MB':>10}{'MB limit':>10}  verdict"
    ]
    for group in _by_case(records).values():
        builtin = group[-1]
        limit = _memory_limit(builtin)
        for r in group:
            verdict = []
            if r is not builtin and math.isnan(limit):
                verdict.append("mem: built-in not measured")
            elif r is not builtin and not math.isnan(r.extra_mb):
                verdict.append("mem ok" if r.extra_mb <= limit else "MEM OVER")
            if r.implementation in FAST and not math.isnan(r.ratio):
                verdict.append("speed ok" if r.ratio <= SPEED_TARGET else "SLOW")
            lines.append(
                f"{_case_label(r):<44}{r.implementation:<26}{r.seconds * 1e3:>10.3g}"
                f"{r.ratio:>7.2f}{r.gflops:>9.3g}{r.first_seconds * 1e3:>10.3g}"
                f"{r.extra_mb:>10.1f}{limit:>10.0f}  {', '.join(verdict)}"
            )
    return "\n".join(lines)


def _by_case(records: Sequence[Record]) -> dict[tuple, list[Record]]:
    """Records grouped by case, the built-in operator last in each group."""
    groups: dict[tuple, list[Record]] = {}
    for r in records:
        key = (r.benchmark, r.size, r.window, r.c_in, r.c_out)
        groups.setdefault(key, []).append(r)
    return groups


def add_first_calls(records: Sequence[Record], ctx: mx.Context) -> None:
    """Fill ``first_seconds`` and ``extra_mb`` from a forked child per record."""
    for r in records:
        case = Case(r.benchmark, r.size, r.window, r.c_in, r.c_out)
        seconds, extra = first_call(case, r.implementation, ctx)
        if not math.isnan(seconds):
            r.first_seconds = seconds
        r.extra_mb = extra


def run_large(ctx: mx.Context) -> list[Record]:
    """The large-kernel case, one call each, in forked children."""
    size, window = LARGE
    case = Case("corr2d", size, window)
    records = []
    for name in implementations(case):
        if name in LARGE_SKIP:
            continue
        seconds, extra = first_call(case, name, ctx)
        records.append(
            Record(
                *(case.benchmark, name, size, window, 1, 1),
                *(seconds, seconds, 1, math.nan, math.nan, True, str(ctx)),
                flops(case) / seconds / 1e9,
                seconds,
                extra,
            )
        )
    for r in records:
        r.ratio = r.seconds / records[-1].seconds
    return records


def _memory_limit(builtin: Record) -> float:
    """The most extra MB a version may need on ``builtin``'s case."""
    return MEMORY_FACTOR * max(builtin.extra_mb, 0.0) + MEMORY_SLACK_MB


def format_targets(records: Sequence[Record]) -> str:
    """How many cases meet the speed and memory targets, and which miss.

    Speed: the fast helpers at most ``SPEED_TARGET`` times the built-in in
    steady state. Memory: every version's peak extra memory at most
    ``MEMORY_FACTOR`` times the built-in's plus ``MEMORY_SLACK_MB``.
    """
    speed, fast_memory, other_memory = [], [], []
    for group in _by_case(records).values():
        builtin = group[-1]
        limit = _memory_limit(builtin)
        for r in group[:-1]:
            label = f"{r.implementation} on {_case_label(r)}"
            if r.implementation in FAST:
                speed.append((r.ratio <= SPEED_TARGET, f"{label} {r.ratio:.1f}x"))
            if math.isnan(r.extra_mb) or math.isnan(limit):
                continue
            memory = fast_memory if r.implementation in FAST else other_memory
            verdict = f"{label} {r.extra_mb:.0f} MB (limit {limit:.0f})"
            memory.append((r.extra_mb <= limit, verdict))
    lines = []
    for title, results in (
        (f"speed, fast helpers <= {SPEED_TARGET:g}x the built-in", speed),
        ("memory, fast helpers", fast_memory),
        ("memory, teaching versions", other_memory),
    ):
        if results:
            met = sum(ok for ok, _ in results)
            lines.append(f"  {title}: {met} of {len(results)} cases met")
            lines += [f"    missed: {what}" for ok, what in results if not ok]
    if not lines:
        return ""
    return (
        f"Targets (memory: peak extra MB <= {MEMORY_FACTOR:g}x the built-in's "
        f"+ {MEMORY_SLACK_MB:g} MB):\n" + "\n".join(lines)
    )


def _output_path(name: str, path: str) -> str:
    """Check a file path to write: a non-empty str in a folder that exists."""
    _checks.require(
        isinstance(path, (str, os.PathLike)) and str(os.fspath(path)).strip() != "",
        name,
        "a file path (a non-empty str)",
        _checks.describe(path),
    )
    path = str(os.fspath(path))
    folder = os.path.dirname(os.path.abspath(path))
    _checks.require(
        os.path.isdir(folder), name, "in a folder that exists", repr(path), verb="lie"
    )
    _checks.require(not os.path.isdir(path), name, "a file, not a folder", repr(path))
    return path


def write_csv(records: Sequence[Record], path: str) -> None:
    """Write one row per record, with a header naming every field."""
    records = _check_records(records)
    path = _output_path("path", path)
    fields = [f.name for f in dataclasses.fields(Record)]
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        for r in records:
            writer.writerow(dataclasses.asdict(r))


def plot_series(ax, records: Sequence[Record], benchmark: str, window: int) -> None:
    """Draw time against input size on log-log axes, one line per version."""
    _checks.instance("ax", ax, Axes, "a Matplotlib Axes")
    records = _check_records(records)
    _checks.one_of("benchmark", benchmark, sorted(REFERENCE))
    _positive_int("window", window)
    group = [r for r in records if (r.benchmark, r.window) == (benchmark, window)]
    for name in dict.fromkeys(r.implementation for r in group):
        points = [(r.size, r.seconds) for r in group if r.implementation == name]
        sizes, seconds = zip(*points)
        ax.plot(sizes, seconds, marker="o", label=name)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    sizes = sorted({r.size for r in group})
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.minorticks_off()
    ax.set_xlabel("input height = width (pixels)")
    ax.set_ylabel("median time (s)")
    ax.set_title(f"{benchmark}, {window}x{window}")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize="small")


def _plot_multi(ax, records: Sequence[Record]) -> None:
    """Grouped bars: one group per (c_in, c_out, size), one bar per version."""
    group = [r for r in records if r.benchmark == "corr2d_multi_in_out"]
    configs = list(dict.fromkeys(_channels(r) for r in group))
    names = list(dict.fromkeys(r.implementation for r in group))
    width = 0.8 / len(names)
    for i, name in enumerate(names):
        seconds = {_channels(r): r.seconds for r in group if r.implementation == name}
        xs = [j + i * width for j, c in enumerate(configs) if c in seconds]
        ax.bar(xs, [seconds[c] for c in configs if c in seconds], width, label=name)
    ax.set_xticks([j + 0.4 - width / 2 for j in range(len(configs))])
    ax.set_xticklabels(configs)
    ax.set_yscale("log")
    ax.set_xlabel("(c_in, c_out, size), 3x3 kernels")
    ax.set_ylabel("median time (s)")
    ax.set_title("corr2d_multi_in_out")
    ax.legend(fontsize="small")


def save_plot(records: Sequence[Record], path: str, device: str) -> None:
    """Save one panel per benchmark to ``path`` (needs no display)."""
    records = _check_records(records, empty=False)
    path = _output_path("path", path)
    _checks.instance("device", device, str, "a str such as 'cpu(0)'")
    panels = list(_group([r for r in records if r.benchmark != "corr2d_multi_in_out"]))
    has_multi = any(r.benchmark == "corr2d_multi_in_out" for r in records)
    count = len(panels) + has_multi
    cols = 2
    rows = (count + cols - 1) // cols
    fig = Figure(figsize=(6 * cols, 4.5 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, (benchmark, window) in zip(axes, panels):
        plot_series(ax, records, benchmark, window)
    if has_multi:
        _plot_multi(axes[len(panels)], records)
    for ax in axes[count:]:
        ax.set_visible(False)
    fig.suptitle(f"Median time per call on {device}")
    fig.savefig(path, dpi=80)


def build_cases(
    sizes: Sequence[int], windows: Sequence[int], multi: Sequence[tuple]
) -> list[Case]:
    """Every case of the benchmark, the cheap ones first."""
    cases = [Case("corr2d", n, k) for k in windows for n in sizes if n >= k]
    cases += [Case("corr2d_multi_in_out", n, 3, c_i, c_o) for c_i, c_o, n in multi]
    cases += [Case(b, n, 3) for b in ("pool2d_max", "pool2d_avg") for n in sizes]
    return cases


class _ArgvParser(argparse.ArgumentParser):
    """A parser for ``main(argv)`` called from Python: errors name ``argv``.

    On the command line argparse prints the usage and exits; a caller who
    passed ``argv`` gets a ValueError instead.
    """

    def error(self, message: str) -> None:
        _checks.require(False, "argv", f"arguments {self.prog} accepts", message)


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    if argv is not None:
        _checks.require(
            isinstance(argv, (list, tuple)) and all(isinstance(a, str) for a in argv),
            "argv",
            "a list of str (command-line arguments)",
            _checks.describe(argv),
        )
    parser = (argparse.ArgumentParser if argv is None else _ArgvParser)(
        prog="python -m d2l.bench",
        description="Time the book's cross-correlation and pooling helpers "
        "against MXNet's nd.Convolution and nd.Pooling.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and few repeats"
    )
    parser.add_argument(
        "--out", default=os.path.join("_build", "bench"), help="output folder"
    )
    parser.add_argument(
        "--repeats", type=int, default=None, help="fewest timed runs per case"
    )
    parser.add_argument(
        "--no-large",
        action="store_true",
        help="leave out the large-kernel case (it takes minutes)",
    )
    args = parser.parse_args(None if argv is None else list(argv))
    if args.repeats is not None and args.repeats < 1:
        parser.error(f"--repeats must be a positive int, got {args.repeats}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; return 1 if some version disagrees with MXNet."""
    args = _parse(argv)
    ctx = d2l.try_gpu()
    if args.quick:
        cases = build_cases(QUICK_SIZES, (3, 7), QUICK_MULTI)
        settings = dict(repeats=args.repeats or 2, budget=0.0, loop_max=16)
    else:
        cases = build_cases(FULL_SIZES, (3, 7), FULL_MULTI)
        settings = dict(repeats=args.repeats or 5, budget=0.25, loop_max=64)
    print(
        f"Device: {ctx} (MXNet {mx.__version__}, {os.cpu_count()} CPU cores, "
        f"{'quick' if args.quick else 'full'} run)",
        flush=True,
    )
    start = time.perf_counter()
    # Children are forked before the parent times anything, so each first
    # call meets its operators and shapes for the first time.
    if not args.quick:
        print("  first calls and peak memory, one child process each", flush=True)
    firsts = {}
    for case in [] if args.quick else cases:
        for name in implementations(case):
            if name in SLOW and case.size > settings["loop_max"]:
                continue
            firsts[(case, name)] = first_call(case, name, ctx)
    large = [] if args.quick or args.no_large else run_large(ctx)
    records = run_cases(cases, ctx, progress=lambda s: print(s, flush=True), **settings)
    for r in records:
        case = Case(r.benchmark, r.size, r.window, r.c_in, r.c_out)
        seconds, r.extra_mb = firsts.get((case, r.implementation), (math.nan,) * 2)
        if not math.isnan(seconds):
            r.first_seconds = seconds
    records += large
    os.makedirs(args.out, exist_ok=True)
    csv_path = os.path.join(args.out, "bench.csv")
    png_path = os.path.join(args.out, "bench.png")
    write_csv(records, csv_path)
    save_plot(records, png_path, str(ctx))
    print(f"Device: {ctx}")
    print(format_table([r for r in records if r not in large]))
    print("\nPer case: steady state after 8 warm-up calls, first call in a fresh child")
    print(format_details(records))
    if not args.quick:
        print("\n" + format_first_calls(records, first_touch_ms_per_mb()))
        print(FIRST_CALL_NOTE)
    targets = format_targets(records)
    if targets:
        print("\n" + targets)
    wrong = [r for r in records if not r.matches]
    for r in wrong:
        print(
            f"MISMATCH: {r.implementation} on {r.benchmark} {_channels(r)} differs "
            f"from {REFERENCE[r.benchmark]} by {r.max_abs_error:.3g}"
        )
    if not wrong:
        print(f"\nEvery version matches {', '.join(sorted(set(REFERENCE.values())))}.")
    print(f"Wrote {csv_path} and {png_path} in {time.perf_counter() - start:.0f} s.")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
