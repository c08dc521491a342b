"""Explorers: their update logic, driven by setting widget values, no browser."""

import mxnet as mx
import numpy as np
import pytest
from mxnet import nd

from d2l import explorers


@pytest.fixture(autouse=True)
def not_live(monkeypatch):
    monkeypatch.setenv("D2L_WIDGETS", "0")


def gluon_shape(n, k, p, s):
    """Independent reference: the formula from the text, per axis."""
    return tuple((n[a] - k[a] + 2 * p[a] + s[a]) // s[a] for a in range(2))


@pytest.mark.parametrize(
    "n,k,p,s",
    [
        ((8, 8), (3, 3), (1, 1), (1, 1)),
        ((8, 8), (5, 3), (2, 1), (1, 1)),
        ((8, 8), (3, 3), (1, 1), (2, 2)),
        ((8, 8), (3, 5), (0, 1), (3, 4)),
        ((5, 7), (7, 2), (1, 0), (1, 3)),
    ],
)
def test_shapes_from_formula_and_layer_agree_with_the_text(n, k, p, s):
    report = explorers.describe_shapes(n, k, p, s)
    assert report.valid
    assert report.formula_shape == report.layer_shape == gluon_shape(n, k, p, s)
    assert str(report.layer_shape) in report.message


def test_a_kernel_larger_than_the_padded_input_is_reported_invalid():
    report = explorers.describe_shapes((4, 6), (7, 3), (1, 0), (1, 1))
    assert not report.valid
    assert report.formula_shape is None and report.layer_shape is None
    assert report.message.startswith("Invalid")
    assert "7x3" in report.message and "6x6" in report.message


def test_moving_a_slider_updates_both_shapes_and_the_message():
    explorer = explorers.ShapeExplorer()
    explorer.widget  # noqa: B018 - builds the sliders
    sliders = explorer._widgets["sliders"]
    sliders["s_h"].value = 3
    sliders["p_w"].value = 0
    v = explorer.values
    expected = gluon_shape(
        (v["n_h"], v["n_w"]), (v["k_h"], v["k_w"]), (v["p_h"], 0), (3, v["s_w"])
    )
    assert explorer.report.layer_shape == expected
    assert explorer._widgets["message"].value == explorer.report.message
    assert str(expected) in explorer._widgets["message"].value


def test_an_invalid_slider_setting_says_so_plainly():
    explorer = explorers.ShapeExplorer(n=(3, 3), p=(0, 0))
    explorer.widget  # noqa: B018
    explorer._widgets["sliders"]["k_w"].value = 5
    assert explorer._widgets["message"].value.startswith("Invalid")


def test_set_without_widgets_updates_the_report_and_rejects_unknown_names():
    explorer = explorers.ShapeExplorer()
    explorer.set(n_h=10, k_h=1)
    assert explorer.report.n == (10, 8) and explorer.report.k == (1, 3)
    with pytest.raises(ValueError, match="`q_h`"):
        explorer.set(q_h=1)


def test_outside_a_live_notebook_show_prints_the_state_and_builds_no_widget(capsys):
    explorer = explorers.ShapeExplorer()
    explorer.show()
    assert explorer.report.message in capsys.readouterr().out
    assert explorer._widgets is None


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


def reference_filter(photo, K):
    out = nd.Convolution(
        photo.reshape((1, 1, *photo.shape)),
        nd.array(K).reshape((1, 1, 3, 3)),
        kernel=(3, 3),
        num_filter=1,
        no_bias=True,
    )
    return out[0, 0].asnumpy()


@pytest.fixture(scope="module")
def kernel_explorer():
    return explorers.KernelExplorer(step=8)


def test_photo_is_grey_in_unit_range_and_local():
    photo = explorers.load_photo(step=8)
    assert photo.ndim == 2 and photo.shape == (75, 64)
    assert 0 <= photo.min().asscalar() and photo.max().asscalar() <= 1


def test_identity_kernel_gives_back_the_photo_without_its_border(kernel_explorer):
    report = explorers.describe_filter(
        kernel_explorer.photo, explorers.KERNEL_PRESETS["identity"]
    )
    np.testing.assert_allclose(
        report.Y.asnumpy(), kernel_explorer.photo.asnumpy()[1:-1, 1:-1], rtol=1e-6
    )


def test_picking_a_preset_fills_the_cells_and_filters_the_photo(kernel_explorer):
    kernel_explorer.widget  # noqa: B018
    kernel_explorer._widgets["presets"].value = "Laplacian"
    cells = kernel_explorer._widgets["cells"]
    K = [[cells[r, c].value for c in range(3)] for r in range(3)]
    assert K == explorers.KERNEL_PRESETS["Laplacian"]
    np.testing.assert_allclose(
        kernel_explorer.report.Y.asnumpy(),
        reference_filter(kernel_explorer.photo, K),
        rtol=1e-5,
        atol=1e-6,
    )
    assert kernel_explorer._widgets["message"].value == kernel_explorer.report.message


def test_editing_one_weight_changes_the_result(kernel_explorer):
    kernel_explorer.widget  # noqa: B018
    before = kernel_explorer.report.Y.asnumpy().copy()
    kernel_explorer._widgets["cells"][0, 0].value += 1
    assert kernel_explorer.K[0, 0] == kernel_explorer._widgets["cells"][0, 0].value
    assert not np.allclose(kernel_explorer.report.Y.asnumpy(), before)


def test_an_explorer_can_filter_the_readers_own_image():
    image = nd.arange(20).reshape((4, 5))
    explorer = explorers.KernelExplorer("identity", photo=image)
    np.testing.assert_array_equal(
        explorer.report.Y.asnumpy(), image.asnumpy()[1:-1, 1:-1]
    )


def test_a_kernel_that_is_not_3x3_is_a_value_error(kernel_explorer):
    with pytest.raises(ValueError, match="`K`"):
        explorers.describe_filter(kernel_explorer.photo, np.ones((2, 2)))


def test_a_float64_photo_is_filtered_in_float64():
    photo = explorers.load_photo(step=16).astype("float64")
    report = explorers.describe_filter(photo, explorers.KERNEL_PRESETS["identity"])
    assert report.Y.dtype == np.float64
    np.testing.assert_array_equal(report.Y.asnumpy(), photo.asnumpy()[1:-1, 1:-1])


def test_photo_and_its_filtered_version_live_on_the_requested_context():
    photo = explorers.load_photo(step=16, ctx=mx.cpu(1))
    report = explorers.describe_filter(photo, explorers.KERNEL_PRESETS["blur"])
    assert photo.context == mx.cpu(1) and report.Y.context == mx.cpu(1)


def test_a_rejected_setting_leaves_the_shape_explorer_unchanged():
    explorer = explorers.ShapeExplorer()
    before = dict(explorer.values), explorer.report
    for bad in ({"s_h": True}, {"n_h": 5, "q_h": 1}, {"k_w": 0}):
        with pytest.raises(ValueError):
            explorer.set(**bad)
        assert (explorer.values, explorer.report) == before


@pytest.mark.parametrize("value", [2, 11, 3.0])
def test_shape_explorer_values_must_lie_in_the_slider_range(value):
    with pytest.raises(
        ValueError, match=rf"`n_h` must be an int from 3 to 10, got {value}"
    ):
        explorers.ShapeExplorer().set(n_h=value)


def test_shape_explorer_names_the_range_when_built_with_a_bad_size():
    with pytest.raises(ValueError, match=r"`n_w` must be an int from 3 to 10, got 2"):
        explorers.ShapeExplorer(n=(8, 2))


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
    assert page.count("<script>") == 1 and "export default" not in page
    assert "d2lMount(explorer, document.currentScript" in page
    # nbval compares text/html: the same state must give the same bytes.
    assert make()._repr_mimebundle_()["text/html"] == page


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
    with pytest.raises(ValueError, match=r"`layers\[0\]\['k'\]`"):
        calculator.set(layers=[{"type": "conv", "k": 0}])
    with pytest.raises(ValueError, match=r"`layers\[1\]\['type'\]`"):
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


def test_a_playground_offers_its_starting_preset_even_when_not_offered_by_default():
    default = explorers.CorrelationPlayground()
    assert "two channels: channel 0" not in default.state["presets"]
    assert "Sobel" in default.state["presets"]
    own = explorers.CorrelationPlayground("two channels: channel 1")
    assert "two channels: channel 1" in own.state["presets"]
