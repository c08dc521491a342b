"""Timer records, sums and averages running times."""

from __future__ import annotations

import time

import pytest

import d2l

# The bounds come from the test's own clock around the calls, not from fixed
# limits: make test runs these at a low priority on a busy machine.


def test_timer_stop_returns_the_elapsed_seconds():
    before = time.perf_counter()
    timer = d2l.Timer()
    time.sleep(0.02)
    elapsed = timer.stop()
    after = time.perf_counter()
    assert 0.02 <= elapsed <= after - before
    assert timer.times == [elapsed]


def test_timer_start_restarts_the_clock():
    timer = d2l.Timer()
    time.sleep(0.05)
    before = time.perf_counter()
    timer.start()
    elapsed = timer.stop()
    assert elapsed <= time.perf_counter() - before


def test_timer_sum_avg_and_cumsum_summarize_the_recorded_times():
    timer = d2l.Timer()
    timer.times = [1.0, 2.0, 4.0]
    assert timer.sum() == 7.0
    assert timer.avg() == pytest.approx(7.0 / 3)
    assert timer.cumsum() == [1.0, 3.0, 7.0]


def test_timer_avg_is_zero_before_any_stop():
    assert d2l.Timer().avg() == 0.0
