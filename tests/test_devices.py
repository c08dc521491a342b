"""Device helpers on this CPU-only machine, and their GPU branch via a fake count."""

from __future__ import annotations

import mxnet as mx
import pytest

import d2l
import d2l.devices

CUDA_BUILD = mx.runtime.Features().is_enabled("CUDA")


@pytest.fixture
def no_gpus(monkeypatch):
    """Pretend MXNet sees no GPU, whatever this machine has."""
    monkeypatch.setattr(d2l.devices, "num_gpus", lambda: 0)


@pytest.fixture
def two_gpus(monkeypatch):
    """Pretend MXNet sees two GPUs (no GPU memory is touched)."""
    monkeypatch.setattr(d2l.devices, "num_gpus", lambda: 2)


@pytest.mark.skipif(CUDA_BUILD, reason="MXNet built with CUDA may see GPUs")
def test_num_gpus_is_zero_with_the_cpu_wheel():
    assert d2l.num_gpus() == 0


def test_cpu_is_the_first_cpu_context():
    assert d2l.cpu() == mx.cpu(0)


def test_gpu_names_the_requested_device():
    assert d2l.gpu(1) == mx.gpu(1)


def test_try_gpu_falls_back_to_the_cpu(no_gpus):
    assert d2l.try_gpu() == d2l.cpu()


def test_try_all_gpus_falls_back_to_a_list_with_the_cpu(no_gpus):
    assert d2l.try_all_gpus() == [d2l.cpu()]


def test_try_gpu_returns_an_existing_gpu(two_gpus):
    assert d2l.try_gpu() == mx.gpu(0)
    assert d2l.try_gpu(1) == mx.gpu(1)


def test_try_gpu_returns_the_cpu_for_a_missing_gpu(two_gpus):
    assert d2l.try_gpu(2) == mx.cpu()


def test_try_all_gpus_lists_every_gpu(two_gpus):
    assert d2l.try_all_gpus() == [mx.gpu(0), mx.gpu(1)]


@pytest.mark.parametrize("fn", [d2l.gpu, d2l.try_gpu])
@pytest.mark.parametrize("i", [-1, 1.0, "0", True])
def test_gpu_helpers_reject_an_index_that_is_not_a_non_negative_int(fn, i):
    with pytest.raises(ValueError, match=r"`i` must be a non-negative int"):
        fn(i)
