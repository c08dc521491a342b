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
