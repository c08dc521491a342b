"""The benchmark command: it runs, names its device, checks every version
against MXNet, and writes a well-formed CSV and plot."""

from __future__ import annotations

import csv
import dataclasses
import math
import os
import re
import subprocess
import sys
import time

import pytest
from mxnet import nd

import d2l
from d2l import bench
from d2l.variants import corr2d_im2col

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEVICE = re.compile(r"Device: ((?:cpu|gpu)\(\d+\))")


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    """Run `python -m d2l.bench --quick` once; every test below reads its output."""
    out = tmp_path_factory.mktemp("bench")
    done = subprocess.run(
        [sys.executable, "-m", "d2l.bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    rows = []
    csv_path = out / "bench.csv"
    if csv_path.exists():
        with open(csv_path, newline="") as f:
            rows = list(csv.DictReader(f))
    return done, out, rows


def test_quick_run_exits_cleanly(quick_run):
    done, _, _ = quick_run
    assert done.returncode == 0, done.stdout + done.stderr


def test_output_names_the_device_of_try_gpu(quick_run):
    done, _, rows = quick_run
    match = DEVICE.search(done.stdout)
    assert match, done.stdout
    assert match.group(1) == str(d2l.try_gpu())
    assert {row["device"] for row in rows} == {match.group(1)}


def test_csv_header_names_every_record_field(quick_run):
    _, out, _ = quick_run
    with open(out / "bench.csv", newline="") as f:
        header = next(csv.reader(f))
    assert header == [field.name for field in dataclasses.fields(bench.Record)]


def test_csv_times_every_implementation_of_every_benchmark(quick_run):
    _, _, rows = quick_run
    timed = {(row["benchmark"], row["implementation"]) for row in rows}
    expected = set()
    for case in bench.build_cases(bench.QUICK_SIZES, (3, 7), bench.QUICK_MULTI):
        expected |= {(case.benchmark, name) for name in bench.implementations(case)}
    assert timed == expected


def test_csv_times_are_positive_medians_of_several_runs(quick_run):
    _, _, rows = quick_run
    assert rows
    for row in rows:
        seconds = float(row["seconds"])
        assert math.isfinite(seconds) and seconds > 0, row
        assert int(row["runs"]) >= 2, row


def test_fastest_run_is_no_slower_than_the_median(quick_run):
    _, _, rows = quick_run
    for row in rows:
        assert 0 < float(row["best_seconds"]) <= float(row["seconds"]), row


def test_builtin_operator_has_ratio_one_and_others_are_relative_to_it(quick_run):
    _, _, rows = quick_run
    by_case = {}
    for row in rows:
        key = tuple(row[k] for k in ("benchmark", "size", "window", "c_in", "c_out"))
        by_case.setdefault(key, {})[row["implementation"]] = row
    for key, impls in by_case.items():
        builtin = impls[bench.REFERENCE[key[0]]]
        assert float(builtin["ratio"]) == 1.0
        for row in impls.values():
            expected = float(row["seconds"]) / float(builtin["seconds"])
            assert float(row["ratio"]) == pytest.approx(expected, rel=1e-6)


def test_every_version_computes_the_builtin_result(quick_run):
    _, _, rows = quick_run
    for row in rows:
        assert row["matches"] == "True", row
        assert float(row["max_abs_error"]) < 1e-3, row


def test_loop_is_timed_only_on_small_inputs(quick_run):
    _, _, rows = quick_run
    loop_sizes = {int(r["size"]) for r in rows if r["implementation"] == "corr2d_loop"}
    assert loop_sizes and max(loop_sizes) <= 16


def test_plot_is_a_png_image(quick_run):
    _, out, _ = quick_run
    with open(out / "bench.png", "rb") as f:
        data = f.read()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000  # several panels, not an empty canvas


def test_output_prints_ratios_to_both_builtin_operators(quick_run):
    done, _, _ = quick_run
    assert "ratio to nd.Convolution" in done.stdout
    assert "ratio to nd.Pooling" in done.stdout
    assert re.search(r"\(1\.0x\)", done.stdout)  # the built-in's own column


def test_run_case_flags_a_version_that_computes_something_else(monkeypatch):
    real = bench.implementations

    def with_a_wrong_one(case):
        impls = real(case)
        wrong = {"off by one": lambda X, K: corr2d_im2col(X, K) + 1}
        return {**wrong, **impls}

    monkeypatch.setattr(bench, "implementations", with_a_wrong_one)
    records = bench.run_case(
        bench.Case("corr2d", 8, 3), d2l.cpu(), repeats=1, skip={"corr2d_loop"}
    )
    verdicts = {r.implementation: r.matches for r in records}
    assert verdicts["off by one"] is False
    assert verdicts["im2col"] is True
    assert verdicts["nd.Convolution"] is True


def test_time_median_waits_for_the_asynchronous_result():
    A = nd.random.uniform(shape=(600, 600))
    nd.waitall()

    def synchronous():
        start = time.perf_counter()
        nd.dot(A, A).wait_to_read()
        return time.perf_counter() - start

    fastest = min(synchronous() for _ in range(3))
    timed = bench.time_median(lambda: nd.dot(A, A), repeats=3)
    # Without waiting, a call only queues the product: far below `fastest`.
    assert timed.median >= 0.5 * fastest


def test_time_median_takes_the_median_not_the_mean():
    delays = iter([0.0, 0.2, 0.0, 0.0])  # warm-up, then one slow run of three

    def sleepy():
        time.sleep(next(delays))

    timed = bench.time_median(sleepy, repeats=3, warmup=1)
    assert timed.runs == 3
    assert timed.median < 0.05
    assert timed.best <= timed.median


@pytest.mark.parametrize("repeats", [0, -1, 2.5, True])
def test_time_median_rejects_a_bad_repeat_count(repeats):
    with pytest.raises(ValueError, match="`repeats`"):
        bench.time_median(lambda: None, repeats=repeats)


def test_unknown_benchmark_is_a_value_error():
    with pytest.raises(ValueError, match="`case.benchmark`"):
        bench.implementations(bench.Case("fft", 8, 3))
