"""d2l_compat: MXNet 1.9.1 imports under every NumPy the lock pins.

The restoring logic is checked on stand-in NumPy modules (so NumPy 1.23 and
2.x behaviour are both tested on any Python), and the start-up hook on fresh
interpreters of this very environment, as a reader's script would start.
"""

from __future__ import annotations

import doctest
import importlib.machinery
import math
import subprocess
import sys
import types

import numpy as np
import pytest

import d2l_compat

NUMPY = tuple(int(p) for p in np.__version__.split(".")[:2])
# What MXNet 1.9.1 reads at import and NumPy 2 no longer has (measured by
# tracing numpy.__getattr__ during `import mxnet`), plus np.bool (gone in 1.24).
MXNET_READS = (
    "bool PZERO NZERO NINF PINF NAN NaN Inf alltrue sometrue product round_ "
    "msort in1d trapz mirr npv pmt ppmt pv rate compat"
).split()


def _numpy_without_aliases(version: str, **present) -> types.ModuleType:
    """A NumPy stand-in with today's functions and none of the removed names."""
    fake = types.ModuleType("fake_numpy")
    fake.__version__ = version
    for name in ("all", "any", "prod", "round", "sort", "isin"):
        setattr(fake, name, getattr(np, name))
    # NumPy 2's name for trapz; this NumPy may predate it.
    fake.trapezoid = getattr(np, "trapezoid", None) or np.trapz
    for name, value in present.items():
        setattr(fake, name, value)
    return fake


def _run(code: str) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter of this environment, as a script would."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600
    )


def test_numpy_before_1_24_is_left_alone():
    fake = _numpy_without_aliases("1.23.5")
    assert d2l_compat.restore_numpy_names(fake) == []
    assert not hasattr(fake, "NINF") and not hasattr(fake, "bool")


@pytest.mark.parametrize("version", ["1.24.0", "1.26.4", "2.4.6", "2.5.5"])
def test_every_name_mxnet_reads_comes_back(version):
    fake = _numpy_without_aliases(version)
    restored = d2l_compat.restore_numpy_names(fake)
    assert sorted(restored) == sorted(MXNET_READS)
    assert d2l_compat.restore_numpy_names(fake) == []  # idempotent


def test_restored_names_mean_what_they_meant():
    fake = _numpy_without_aliases("2.4.6")
    d2l_compat.restore_numpy_names(fake)
    assert fake.bool is bool
    assert fake.PINF == fake.Inf == math.inf and fake.NINF == -math.inf
    assert math.isnan(fake.NAN) and math.isnan(fake.NaN)
    assert fake.PZERO == 0.0 and math.copysign(1.0, fake.NZERO) == -1.0
    assert fake.alltrue is np.all and fake.sometrue is np.any
    assert fake.product is np.prod and fake.round_ is np.round
    a = np.array([[3, 1], [2, 5], [1, 4]])
    np.testing.assert_array_equal(fake.msort(a), [[1, 1], [2, 4], [3, 5]])
    np.testing.assert_array_equal(
        fake.in1d(a, [1, 5]), [False, True, False, True, True, False]
    )
    assert isinstance(fake.compat.basestring("x"), str)


def test_names_numpy_still_has_are_not_replaced():
    kept = object()
    fake = _numpy_without_aliases("2.4.6", bool=kept, in1d=kept)
    restored = d2l_compat.restore_numpy_names(fake)
    assert fake.bool is kept and fake.in1d is kept
    assert "bool" not in restored and "in1d" not in restored


def test_financial_functions_say_where_they_went():
    fake = _numpy_without_aliases("2.4.6")
    d2l_compat.restore_numpy_names(fake)
    with pytest.raises(NotImplementedError, match="numpy_financial.pmt"):
        fake.pmt(0.05, 10, 1000)


def test_this_numpy_has_every_name_mxnet_reads_once_mxnet_is_imported():
    import mxnet  # noqa: F401  (conftest imported it already; kept explicit)

    if NUMPY < (1, 24):
        pytest.skip(f"numpy {np.__version__} still has the names itself")
    missing = [name for name in MXNET_READS if not hasattr(np, name)]
    assert missing == []


def test_install_adds_one_finder_and_uninstall_removes_it(monkeypatch):
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    modules = dict(sys.modules)
    modules.pop("mxnet", None)
    monkeypatch.setattr(sys, "modules", modules)
    d2l_compat.uninstall()
    d2l_compat.install()
    d2l_compat.install()
    ours = [f for f in sys.meta_path if d2l_compat._is_ours(f)]
    assert len(ours) == 1 and sys.meta_path[0] is ours[0]
    d2l_compat.uninstall()
    assert not any(d2l_compat._is_ours(f) for f in sys.meta_path)


def test_a_fresh_python_imports_mxnet():
    done = _run("import mxnet; print(mxnet.nd.ones((2, 3)).sum().asscalar())")
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "6.0"


def test_start_up_only_installs_the_finder_and_imports_no_numpy():
    # The finder waits for both imports it watches, then removes itself.
    done = _run(
        "import sys, d2l_compat\n"
        "print('numpy' in sys.modules, d2l_compat._installed())\n"
        "import mxnet\n"
        "print(d2l_compat._installed())\n"
        "import d2l\n"
        "print(d2l_compat._installed())"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "True", "True", "False"]


def test_mxnet_imports_without_scikit_learn_which_imports_afterwards():
    done = _run(
        "import sys, mxnet\n"
        "print('sklearn' in sys.modules, mxnet.model.BASE_ESTIMATOR.__name__)\n"
        "model = mxnet.model\n"
        "print(type(model.__loader__).__name__, type(model.__spec__.loader).__name__)\n"
        "from sklearn.base import BaseEstimator\n"
        "print(BaseEstimator.__module__)"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [
        "False",
        "object",
        "SourceFileLoader",
        "SourceFileLoader",
        "sklearn.base",
    ]


class _StandInLoader:
    """A loader that records whether `sklearn` could be imported as it ran."""

    def __init__(self, fail=False):
        self.fail, self.saw = fail, None

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        self.saw = "sklearn" in sys.modules and sys.modules["sklearn"] is None
        if self.fail:
            raise RuntimeError("the module's own error")

    def get_filename(self, name):
        return "/stand-in/model.py"


@pytest.mark.parametrize("fail", [False, True], ids=["runs", "raises"])
def test_the_module_runs_without_scikit_learn_which_comes_back_after(monkeypatch, fail):
    monkeypatch.delitem(sys.modules, "sklearn", raising=False)
    real = _StandInLoader(fail)
    loader = d2l_compat._WithoutSklearn(real)
    module = types.ModuleType("stand_in")
    module.__spec__ = importlib.machinery.ModuleSpec("stand_in", loader)
    if fail:
        with pytest.raises(RuntimeError, match="own error"):
            loader.exec_module(module)
    else:
        loader.exec_module(module)
    assert real.saw is True
    assert "sklearn" not in sys.modules
    assert module.__loader__ is real and module.__spec__.loader is real
    assert loader.get_filename("stand_in") == "/stand-in/model.py"


def test_scikit_learn_imported_first_is_what_mxnet_gets():
    done = _run(
        "import sklearn.base, mxnet\n"
        "print(mxnet.model.BASE_ESTIMATOR is sklearn.base.BaseEstimator)"
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["True"]


@pytest.mark.skipif(NUMPY < (1, 24), reason="this numpy still has the names")
def test_without_the_finder_mxnet_fails_to_import():
    done = _run(
        "import sys, d2l_compat\nd2l_compat.uninstall()\nimport mxnet",
    )
    assert done.returncode != 0
    assert "numpy" in done.stderr


def test_docstring_examples_run():
    result = doctest.testmod(d2l_compat, verbose=False)
    assert result.attempted > 0 and result.failed == 0
