"""Fuzzing the package's computing helpers: they survive anything typed.

Contract for every call: either a correct value, of the input's dtype and on
its context, or a ``ValueError``/``TypeError`` whose message names one of
the function's arguments in backticks. Never another exception, a crash, a
hang or gigabytes of memory.

Both kinds of MXNet array are drawn: ``mx.nd`` and ``mx.np`` arrays, with
``npx.set_np()`` on or off, and a valid call returns the kind it was given.

Each property test runs in a child process forked for it (``isolated``),
with a memory limit and a time limit, so a crash or a hang fails that one
test and not the whole suite. Hypothesis is derandomized, so CI draws the
same cases on every run; ``CASES`` counts them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import re
import resource
import time
import traceback

import mxnet as mx
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mxnet import nd, npx
from mxnet.gluon import nn

import d2l
from d2l import bench, variants, windows
from d2l._kinds import to_nd

#: Examples per property test: 20 functions x (BAD + GOOD) cases in all.
BAD, GOOD = 20, 12
#: Most CPU seconds one call may take, and wall seconds one isolated test
#: may take in all (a guard against a hang: make test runs the unit tests at
#: a low priority beside the book build, which can starve them for minutes).
CALL_SECONDS, TEST_SECONDS = 10.0, 600.0
#: Address space a child may add to what it inherits.
MEMORY_BYTES = 3 * 2**30

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def _vm_size() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _child(body, conn) -> None:
    try:
        limit = _vm_size() + MEMORY_BYTES
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        body()
        conn.send(None)
    except BaseException:  # report every failure to the parent
        conn.send(traceback.format_exc())
    finally:
        conn.close()


def isolated(body) -> None:
    """Run ``body`` in a forked child; fail if it fails, dies or hangs."""
    fork = multiprocessing.get_context("fork")
    parent, child = fork.Pipe(duplex=False)
    proc = fork.Process(target=_child, args=(body, child))
    proc.start()
    child.close()
    message = "no answer"
    if parent.poll(TEST_SECONDS):
        try:
            message = parent.recv()
        except EOFError:
            message = "the child died without answering"
    else:
        message = f"the child ran past {TEST_SECONDS} s"
    if proc.is_alive():
        proc.kill()
    proc.join()
    if message is not None:
        pytest.fail(f"{message} (exit code {proc.exitcode})", pytrace=False)


# --- the contract -------------------------------------------------------------


def call(f, *args, **kwargs):
    """Call ``f`` and wait for MXNet, bounding the time; return its result.

    The bound is on CPU time (every thread of this process, MXNet's workers
    included), which a busy machine inflates far less than wall time (not at
    all with make test's one OpenMP thread). A call that blocks without
    computing is left to the isolated test's TEST_SECONDS.
    """
    start = time.process_time()
    out = f(*args, **kwargs)
    if isinstance(out, nd.NDArray):
        out.wait_to_read()
    elapsed = time.process_time() - start
    assert elapsed < CALL_SECONDS, f"{f.__name__} took {elapsed:.1f} s of CPU"
    return out


def bad_call(f, names, *args, **kwargs):
    """A call that may fail, but only with a clear error naming an argument."""
    try:
        return call(f, *args, **kwargs)
    except (ValueError, TypeError) as error:
        message = str(error)
        named = re.findall(r"`(\w+)`", message)
        assert any(n in names for n in named), (
            f"{f.__name__}: {type(error).__name__} names none of {names}: {message}"
        )
        assert "Traceback" not in message and "src/" not in message, message
    return None


@contextlib.contextmanager
def array_mode(np_on: bool):
    """Run with ``npx.set_np()`` on (d2l.ai's mode) or off (the book's)."""
    if np_on:
        npx.set_np()
    try:
        yield
    finally:
        npx.reset_np()


# --- bad arguments ------------------------------------------------------------


def _arrays():
    """Arrays a reader might pass: wrong dims, dtypes, sizes, types, contexts."""
    a = np.arange(12.0).reshape(3, 4)
    return [
        nd.array(a),
        nd.array(a, dtype="float16"),
        nd.array(a, dtype="float64"),
        nd.array(a, dtype="int32"),
        nd.array(a, dtype="uint8"),
        nd.array(a, ctx=mx.cpu(1)),
        nd.array(np.where(a > 5, np.inf, -np.inf)),
        nd.full((3, 4), np.nan),
        nd.ones((2, 2)),
        nd.ones((1, 1)),
        nd.ones((2, 3, 4)),
        nd.ones((2, 2, 2, 2)),
        nd.ones((2, 3, 1, 1)),
        nd.ones((5,)),
        nd.array(np.zeros((0, 3))),  # nd.zeros refuses a zero-size shape
        nd.array(np.zeros((3, 0))),
        nd.array(np.zeros((0, 2, 2))),
        nd.array(a).tostype("csr"),
        mx.np.array(a),
        mx.np.array(a, dtype="int32"),
        mx.np.array(a, ctx=mx.cpu(1)),
        mx.np.ones((2, 2)),
        mx.np.ones((2, 3, 1, 1)),
        mx.np.ones((2, 3, 4)),
        a,
        [[1.0, 2.0], [3.0, 4.0]],
        None,
        3,
        "X",
    ]


ARRAYS = st.sampled_from(range(len(_arrays()))).map(lambda i: _arrays()[i])
SIZES = st.one_of(
    st.integers(-2, 6),
    st.tuples(st.integers(-1, 5), st.integers(-1, 5)),
    st.sampled_from([0, 50000, 2**40, (1, 2, 3), (), "2", 2.0, True, None, [3, 3]]),
)
MODES = st.sampled_from(["max", "avg", "min", None, 1])


def _construct(make_layer):
    """Build a Gluon layer; Gluon itself refuses some (strides=0) at once."""
    try:
        return make_layer()
    except mx.base.MXNetError:
        return "a layer Gluon refused to build"


# Each public function, the names its errors may use, and how to draw a call.
BAD_CALLS = {
    "corr2d": (d2l.corr2d, ("X", "K", "dilation"), (ARRAYS, ARRAYS, SIZES)),
    "corr2d_loop": (d2l.corr2d_loop, ("X", "K"), (ARRAYS, ARRAYS)),
    "corr2d_multi_in": (
        d2l.corr2d_multi_in,
        ("X", "K", "dilation"),
        (ARRAYS, ARRAYS, SIZES),
    ),
    "corr2d_multi_in_out": (
        d2l.corr2d_multi_in_out,
        ("X", "K", "dilation"),
        (ARRAYS, ARRAYS, SIZES),
    ),
    "corr2d_multi_in_out_1x1": (
        d2l.corr2d_multi_in_out_1x1,
        ("X", "K"),
        (ARRAYS, ARRAYS),
    ),
    "pool2d": (
        d2l.pool2d,
        ("X", "pool_size", "mode", "padding", "stride"),
        (ARRAYS, SIZES, MODES, SIZES, SIZES),
    ),
    "shift_add": (variants.corr2d_shift_add, ("X", "K"), (ARRAYS, ARRAYS)),
    "im2col": (variants.im2col, ("X", "kernel_shape"), (ARRAYS, SIZES)),
    "corr2d_im2col": (variants.corr2d_im2col, ("X", "K"), (ARRAYS, ARRAYS)),
    "corr2d_multi_in_out_im2col": (
        variants.corr2d_multi_in_out_im2col,
        ("X", "K"),
        (ARRAYS, ARRAYS),
    ),
    "describe_corr2d": (
        windows.describe_corr2d,
        ("X", "K", "index", "padding", "stride"),
        (ARRAYS, ARRAYS, SIZES, SIZES, SIZES),
    ),
    "describe_pool": (
        windows.describe_pool,
        ("X", "pool_size", "mode", "index", "padding", "stride"),
        (ARRAYS, SIZES, MODES, SIZES, SIZES, SIZES),
    ),
    "describe_multi_in": (
        windows.describe_multi_in,
        ("X", "K", "index"),
        (ARRAYS, ARRAYS, SIZES),
    ),
    "describe_conv1x1": (
        windows.describe_conv1x1,
        ("X", "K", "index"),
        (ARRAYS, ARRAYS, SIZES),
    ),
    "Conv2D": (
        lambda size, x: d2l.Conv2D(size)(x),
        ("kernel_size", "x"),
        (SIZES, ARRAYS),
    ),
    "comp_conv2d": (
        lambda layer, x: d2l.comp_conv2d(_construct(layer), x),
        ("conv2d", "X"),
        (
            st.sampled_from(
                [
                    lambda: nn.Conv2D(1, 3, strides=0),
                    lambda: nn.Conv2D(1, 3, dilation=0),
                    lambda: nn.Conv2D(2, 3),
                    lambda: nn.Conv2D(1, 30),
                    lambda: nn.MaxPool2D(2, strides=0),
                    lambda: nn.AvgPool2D(2),
                    lambda: nn.Dense(3),
                    lambda: "layer",
                ]
            ),
            ARRAYS,
        ),
    ),
    "gpu": (d2l.gpu, ("i",), (SIZES,)),
    "try_gpu": (d2l.try_gpu, ("i",), (SIZES,)),
    "time_median": (
        lambda repeats, warmup: bench.time_median(
            lambda: None, repeats=repeats, warmup=warmup
        ),
        ("repeats", "warmup"),
        (SIZES, SIZES),
    ),
}


@pytest.mark.parametrize("name", sorted(BAD_CALLS))
def test_bad_arguments_give_a_clear_error_or_a_value(name):
    f, names, strategies = BAD_CALLS[name]

    @settings(FUZZ, max_examples=BAD)
    @given(st.tuples(*strategies), st.booleans())
    def property(args, np_on):
        with array_mode(np_on):
            bad_call(f, names, *args)

    isolated(property)


# --- valid inputs: the right value, dtype and context ---------------------------

DTYPES = st.sampled_from(["float32", "float64", "float16"])
CONTEXTS = st.sampled_from([mx.cpu(0), mx.cpu(1)])
#: An input's kind and the mode: (mx.np input?, npx.set_np() on?).
KINDS = st.tuples(st.booleans(), st.booleans())


def _of_kind(X, np_kind: bool):
    return X.as_np_ndarray() if np_kind else X


def _uniform(rng, shape, dtype, ctx):
    return nd.array(rng.uniform(-1, 1, shape), dtype=dtype, ctx=ctx)


def _tolerance(dtype):
    return {"float16": 2e-2, "float32": 1e-4, "float64": 1e-10}[dtype]


def _assert_matches(Y, expected, X, dtype):
    assert type(Y) is type(X), f"{type(X).__name__} in, {type(Y).__name__} out"
    assert Y.dtype == X.dtype and Y.context == X.context
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    tol = _tolerance(dtype) * scale
    np.testing.assert_allclose(Y.asnumpy().astype("f8"), expected, atol=tol)


def _conv_reference(X, K, dilation):
    """nd.Convolution in float64 on cpu(0): (c_i, h, w), (c_o, c_i, k_h, k_w)."""
    X64 = to_nd(X).as_in_context(mx.cpu()).astype("float64")
    K64 = to_nd(K).as_in_context(mx.cpu()).astype("float64")
    Y = nd.Convolution(
        X64.expand_dims(0),
        K64,
        kernel=K.shape[2:],
        dilate=dilation,
        num_filter=K.shape[0],
        no_bias=True,
    )
    return Y[0].asnumpy()


@st.composite
def conv_problems(draw, max_side=12):
    c_i, c_o = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    d_h, d_w = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    k_h = draw(st.integers(1, (h - 1) // d_h + 1))
    k_w = draw(st.integers(1, (w - 1) // d_w + 1))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype, ctx = draw(DTYPES), draw(CONTEXTS)
    np_kind, np_on = draw(KINDS)
    X = _of_kind(_uniform(rng, (c_i, h, w), dtype, ctx), np_kind)
    K = _of_kind(_uniform(rng, (c_o, c_i, k_h, k_w), dtype, ctx), np_kind)
    return X, K, (d_h, d_w), dtype, np_on


@pytest.mark.parametrize(
    "name", ["corr2d", "corr2d_multi_in", "corr2d_multi_in_out", "variants"]
)
def test_valid_correlations_match_nd_convolution(name):
    @settings(FUZZ, max_examples=GOOD)
    @given(conv_problems())
    def property(problem):
        X, K, dilation, dtype, np_on = problem
        with array_mode(np_on):
            _check_correlation(name, X, K, dilation, dtype)

    isolated(property)


def _check_correlation(name, X, K, dilation, dtype):
    """One valid correlation problem checked against nd.Convolution."""
    expected = _conv_reference(X, K, dilation)
    if name == "corr2d":
        Y = call(d2l.corr2d, X[0], K[0, 0], dilation=dilation)
        expected = _conv_reference(X[:1], K[:1, :1], dilation)[0]
        X = X[0]
        # the naive versions have no dilation: check them at dilation 1
        if dilation == (1, 1) and Y.size <= 400:
            for f in (d2l.corr2d_loop, variants.corr2d_shift_add):
                _assert_matches(call(f, X, K[0, 0]), expected, X, dtype)
    elif name == "corr2d_multi_in":
        Y = call(d2l.corr2d_multi_in, X, K[0], dilation=dilation)
        expected = expected[0]
    elif name == "corr2d_multi_in_out":
        Y = call(d2l.corr2d_multi_in_out, X, K, dilation=dilation)
    else:
        expected = _conv_reference(X, K, (1, 1))
        Y = call(variants.corr2d_multi_in_out_im2col, X, K)
    _assert_matches(Y, expected, X, dtype)


@st.composite
def pool_problems(draw):
    h, w = draw(st.integers(1, 10)), draw(st.integers(1, 10))
    k_h, k_w = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    p_h = draw(st.integers(0, k_h - 1))  # per side, smaller than the window
    p_w = draw(st.integers(0, k_w - 1))
    if k_h > h + 2 * p_h or k_w > w + 2 * p_w:
        k_h, k_w = min(k_h, h + 2 * p_h), min(k_w, w + 2 * p_w)
        p_h, p_w = min(p_h, k_h - 1), min(p_w, k_w - 1)
    s = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    dtype, ctx = draw(DTYPES), draw(CONTEXTS)
    scale = draw(st.sampled_from([1.0, 4e4]))  # 4e4: float16 sums overflow
    X = nd.array(rng.uniform(-scale, scale, (h, w)), dtype=dtype, ctx=ctx)
    np_kind, np_on = draw(KINDS)
    mode = draw(st.sampled_from(["max", "avg"]))
    return _of_kind(X, np_kind), (k_h, k_w), (p_h, p_w), s, mode, dtype, np_on


def test_valid_pooling_matches_nd_pooling():
    @settings(FUZZ, max_examples=2 * GOOD)
    @given(pool_problems())
    def property(problem):
        X, size, padding, stride, mode, dtype, np_on = problem
        with array_mode(np_on):
            _check_pooling(X, size, padding, stride, mode, dtype)

    isolated(property)


def _check_pooling(X, size, padding, stride, mode, dtype):
    """One valid pooling problem checked against nd.Pooling."""
    X64 = to_nd(X).as_in_context(mx.cpu()).astype("float64")
    expected = nd.Pooling(
        X64.expand_dims(0).expand_dims(0),
        kernel=size,
        pad=padding,
        stride=stride,
        pool_type=mode,
        count_include_pad=True,
    )[0, 0].asnumpy()
    Y = call(d2l.pool2d, X, size, mode, padding=padding, stride=stride)
    _assert_matches(Y, expected, X, dtype)
    step = call(windows.describe_pool, X, size, mode, padding=padding, stride=stride)
    assert step.Y.shape == expected.shape
