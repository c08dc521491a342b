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
    # About 12 s on an idle machine, but make test runs this at a low
    # priority beside the book build, which can starve it for minutes (CI
    # once killed it at 120 s); the timeout only guards against a hang.
    done = subprocess.run(
        [sys.executable, "-m", "d2l.bench", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
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
    # Without waiting, a call only queues the product, in microseconds: a
    # thousandth of `fastest`. A tenth leaves room for a machine whose load
    # changes between the two measurements (make test runs two halves at once).
    assert timed.median >= 0.1 * fastest


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
    # A Case checks its fields when it is made, before anything is timed.
    with pytest.raises(ValueError, match="`benchmark` must be 'corr2d' or"):
        bench.Case("fft", 8, 3)


def test_first_call_sees_the_memory_a_call_allocates(monkeypatch):
    allocate = {"100 MB": lambda X, K: nd.ones((25 * 2**20,))}
    monkeypatch.setattr(bench, "implementations", lambda case: allocate)
    seconds, extra_mb = bench.first_call(
        bench.Case("corr2d", 8, 3), "100 MB", d2l.cpu()
    )
    assert seconds > 0
    assert 90 <= extra_mb <= 150


@pytest.mark.parametrize(
    "size, window",
    [
        (256, 128),  # the banded-row route; all windows at once: 1.1 GB
        (1024, 15),  # the window route; all windows at once: 0.9 GB
    ],
)
def test_corr2d_holds_one_block_of_windows_at_a_time(size, window):
    case = bench.Case("corr2d", size, window)
    _, extra_mb = bench.first_call(case, "d2l.corr2d", d2l.cpu())
    _, builtin_mb = bench.first_call(case, "nd.Convolution", d2l.cpu())
    everything_mb = (size - window + 1) ** 2 * window**2 * 4 / 2**20
    limit = bench.MEMORY_FACTOR * builtin_mb + bench.MEMORY_SLACK_MB
    assert extra_mb <= limit, (
        f"{extra_mb:.0f} MB, nd.Convolution {builtin_mb:.0f} MB; "
        f"all windows at once would be {everything_mb:.0f} MB"
    )


def test_first_touch_cost_is_measured_on_fresh_memory():
    assert bench.first_touch_ms_per_mb(4) >= 0
    with pytest.raises(ValueError, match="`mb`"):
        bench.first_touch_ms_per_mb(0)


def test_first_call_table_splits_the_extra_time():
    record = bench.Record(
        *("corr2d", "d2l.corr2d", 64, 3, 1, 1, 0.001, 0.001, 5, 2.0, 0.0, True),
        *("cpu(0)", 1.0, 0.011, 4.0, 0.003),
    )
    table = bench.format_first_calls([record], ms_per_mb=1.5)
    row = table.splitlines()[-1].split()
    # first 11 ms = steady 1 ms + 4 MB x 1.5 ms/MB + 4 ms of set-up
    assert row[-5:] == ["11", "1", "6", "4", "3"]


def _record(name, seconds, extra_mb, ratio):
    return bench.Record(
        *("corr2d", name, 64, 3, 1, 1, seconds, seconds, 5, ratio, 0.0, True),
        *("cpu(0)", 1.0, 0.01, extra_mb, 0.01),
    )


def test_targets_name_the_cases_that_miss_them():
    records = [
        _record("d2l.corr2d", 0.004, 100.0, 4.0),  # too slow, too much memory
        _record("im2col", 0.002, 10.0, 2.0),
        _record("nd.Convolution", 0.001, 10.0, 1.0),
    ]
    text = bench.format_targets(records)
    assert "speed, fast helpers <= 3x the built-in: 0 of 1 cases met" in text
    assert "missed: d2l.corr2d on corr2d 64x64, 3x3 4.0x" in text
    assert "memory, fast helpers: 0 of 1 cases met" in text
    assert "d2l.corr2d on corr2d 64x64, 3x3 100 MB (limit 84)" in text
    assert "memory, teaching versions: 1 of 1 cases met" in text


def test_a_first_call_faster_than_the_median_has_no_extra_time():
    record = _record("d2l.corr2d", 0.010, 4.0, 2.0)  # first call 10 ms, steady 10
    record.first_seconds = 0.008
    row = bench.format_first_calls([record], ms_per_mb=1.5).splitlines()[-1].split()
    assert row[-4:-1] == ["10", "0", "0"]
