"""Explorers: their update logic, driven by setting widget values, no browser."""

import json
import sys
from pathlib import Path

import mxnet as mx
import pytest
from mxnet import nd

from d2l import explorers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))

import book_explorers  # noqa: E402


@pytest.fixture(autouse=True)
def not_live(monkeypatch):
    monkeypatch.setenv("D2L_WIDGETS", "0")


@pytest.mark.parametrize(
    "env,expected", [({"D2L_WIDGETS": "1"}, True), ({"JPY_SESSION_NAME": "x"}, True)]
)
def test_live_frontend_follows_the_flag_or_the_jupyter_server(
    monkeypatch, env, expected
):
    monkeypatch.delenv("D2L_WIDGETS")
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    assert explorers.live_frontend() is False
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert explorers.live_frontend() is expected


def test_photo_is_grey_in_unit_range_and_local():
    photo = explorers.load_photo(step=8)
    assert photo.ndim == 2 and photo.shape == (75, 64)
    assert 0 <= photo.min().asscalar() and photo.max().asscalar() <= 1


def test_photo_lives_on_the_requested_context():
    assert explorers.load_photo(step=16, ctx=mx.cpu(1)).context == mx.cpu(1)


@pytest.mark.parametrize("step", [0, 2.0, "4"])
def test_a_bad_photo_step_names_the_argument(step):
    with pytest.raises(ValueError, match="`step` must be a positive int"):
        explorers.load_photo(step=step)


# --------------------------------------------------------------------------
# In-page explorers (anywidget modules that also run inline in the book)
# --------------------------------------------------------------------------

IN_PAGE = [
    explorers.CorrelationPlayground,
    explorers.PoolingPlayground,
    explorers.NetworkCalculator,
    lambda: explorers.PhotoFilter(step=8),
]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.mark.parametrize("make", IN_PAGE)
def test_outside_a_live_notebook_the_output_is_static_html_and_no_widget(make):
    explorer = make()
    bundle = explorer._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "text/html"}
    assert explorer._widget is None
    page = bundle["text/html"]
    # The stored output names the module and holds the state, not the code:
    # a change to the JavaScript leaves the notebooks as they are.
    stored = book_explorers.PLACEHOLDER.findall(page)
    assert [module for module, _ in stored] == [explorer.module]
    assert json.loads(stored[0][1]) == explorer.state
    assert "<script>" not in page and "export default" not in page
    # nbval compares text/html: the same state must give the same bytes.
    assert make()._repr_mimebundle_()["text/html"] == page


@pytest.mark.parametrize("make", IN_PAGE)
def test_the_book_build_puts_the_current_module_in_the_page(make):
    explorer = make()
    folder = book_explorers.explorers_folder(ROOT)
    page = book_explorers.inline_explorers(explorer.page_html(), folder)
    assert page.count("<script>") == 1 and "data-d2l-explorer" not in page
    module = (folder / explorer.module).read_text(encoding="utf-8")
    assert module.replace("export default", "const explorer =", 1) in page
    assert "d2lMount(explorer, document.currentScript" in page


@pytest.mark.parametrize("make", IN_PAGE)
def test_in_a_live_notebook_the_widget_carries_the_state(monkeypatch, make):
    monkeypatch.setenv("D2L_WIDGETS", "1")
    explorer = make()
    bundle = explorer._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and "text/html" in bundle
    assert explorer.widget.state == explorer.state
    # The page writing its answer back reaches Python.
    explorer.widget.state = {**explorer.state, "preset": ""}
    assert explorer.state["preset"] == ""


def test_setting_from_python_updates_the_widget_and_drops_the_old_answer():
    playground = explorers.CorrelationPlayground()
    playground.widget.state = {**playground.state, "Y": [[19, 25], [37, 43]]}
    playground.set(padding=[1, 1])
    assert playground.widget.state["padding"] == [1, 1]
    assert playground.widget.state["Y"] is None
    assert len(playground.check()) == 4


def test_check_fails_when_the_page_disagrees_with_mxnet():
    playground = explorers.CorrelationPlayground()
    playground.widget.state = {**playground.state, "Y": [[19, 25], [37, 44]]}
    with pytest.raises(AssertionError, match="MXNet"):
        playground.check()


@pytest.mark.parametrize(
    "changes,name",
    [
        ({"X": [[1, 2], [3]]}, "X"),
        ({"X": [[float("nan")]]}, "X"),
        ({"K": [[1] * 6]}, "K"),
        ({"padding": [5, 0]}, "padding"),
        ({"stride": 0}, "stride"),
        ({"dilation": [1, True]}, "dilation"),
        ({"window": [2, 2]}, "window"),
    ],
)
def test_a_bad_playground_setting_names_the_argument(changes, name):
    playground = explorers.CorrelationPlayground()
    before = playground.state
    with pytest.raises(ValueError, match=f"`{name}`"):
        playground.set(**changes)
    assert playground.state == before


def test_pooling_rules_are_mxnets_in_words():
    playground = explorers.PoolingPlayground("maximum 2x2")
    playground.set(padding=[0, 2])
    assert "padding to be smaller than the pooling window" in playground.check()
    playground.set(padding=[0, 0], window=[4, 1])
    assert playground.check().startswith("No output: the pooling window spans 4 rows")
    with pytest.raises(ValueError, match="`pool_mode`"):
        playground.set(pool_mode="min")


def test_calculator_rejects_bad_layers_and_follows_gluon():
    calculator = explorers.NetworkCalculator(
        "ResNet stem (7x7 stride 2, 3x3 max pooling stride 2)"
    )
    assert [row["shape"] for row in calculator.check()] == [
        [64, 112, 112],
        [64, 56, 56],
    ]
    with pytest.raises(ValueError, match=r"`layers`\[0\]\['k'\] must be"):
        calculator.set(layers=[{"type": "conv", "k": 0}])
    with pytest.raises(ValueError, match=r"`layers`\[1\]\['type'\] must be"):
        calculator.set(layers=[{"type": "conv"}, {"type": "lstm"}])
    calculator.set(input=[1, 4, 4], layers=[{"type": "dense"}, {"type": "conv"}])
    assert "error" in calculator.check()[1]


def test_photo_filter_embeds_the_8bit_photo_it_checks_against():
    explorer = explorers.PhotoFilter("identity", step=8)
    photo = explorer.photo / 255
    stats = explorer.check()
    assert stats["max"] == pytest.approx(photo[1:-1, 1:-1].max(), abs=1e-3)
    with pytest.raises(ValueError, match="`probe`"):
        explorer.set(probe=[80, 0])
    with pytest.raises(ValueError, match="`K`"):
        explorer.set(K=[[1, 2], [3, 4]])


@pytest.mark.parametrize("module", ["_base", "sliding", "network", "photo"])
def test_explorer_module_examples_hold(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(f"d2l.explorers.{module}"))
    assert result.attempted > 0 and result.failed == 0


def test_the_two_channel_presets_add_up_to_the_multi_channel_output():
    import d2l

    channels = [
        explorers.CORRELATION_PRESETS[f"two channels: channel {c}"] for c in range(2)
    ]
    X = nd.array([c["X"] for c in channels])
    K = nd.array([c["K"] for c in channels])
    parts = [
        explorers.CorrelationPlayground(f"two channels: channel {c}").check()
        for c in range(2)
    ]
    total = nd.array(parts[0]) + nd.array(parts[1])
    assert (total == d2l.corr2d_multi_in(X, K)).min().asscalar() == 1
    assert total.asnumpy().tolist() == [[56, 72], [104, 120]]


def test_a_playground_offers_its_starting_preset_even_when_not_offered_by_default():
    default = explorers.CorrelationPlayground()
    assert "two channels: channel 0" not in default.state["presets"]
    assert "Sobel" in default.state["presets"]
    own = explorers.CorrelationPlayground("two channels: channel 1")
    assert "two channels: channel 1" in own.state["presets"]
