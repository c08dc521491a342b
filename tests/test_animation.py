"""Animations: the right frames, offline HTML, the same bytes on every run."""

import base64
import re

import pytest
from mxnet import nd

from d2l import animation, figures

X4 = nd.arange(16).reshape((4, 4))


@pytest.fixture(scope="module")
def pool_anim():
    return animation.animate_pool(X4, 3, "max", padding=1, stride=2)


def frames(html):
    """The embedded PNG frames, decoded, in order."""
    found = re.findall(r'frames\[(\d+)\] = "data:image/png;base64,([^"]+)"', html)
    assert [int(i) for i, _ in found] == list(range(len(found)))
    return [base64.b64decode(data.replace("\\\n", "")) for _, data in found]


def test_one_frame_per_window_position_in_reading_order(pool_anim):
    step = figures.describe_pool(X4, 3, "max", padding=1, stride=2)
    assert [s.index for s in pool_anim.steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert [s.window for s in pool_anim.steps] == [
        s.window for s in figures.describe_window_positions(step)
    ]
    assert len(frames(pool_anim.html)) == len(pool_anim.steps)


@pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")
def test_each_frame_moves_the_window_and_reveals_outputs_up_to_it():
    steps = figures.describe_window_positions(
        figures.describe_corr2d(X4, nd.ones((2, 2)), padding=1, stride=2)
    )
    anim = animation.animate_steps(steps)
    ax = anim._fig.axes[0]
    for t in (4, 1):  # out of order: each frame is set from scratch
        anim._func(t)
        patches = {p.get_gid(): p for p in ax.patches if p.get_gid()}
        texts = {x.get_gid(): x for x in ax.texts if x.get_gid()}
        top, left, _, _ = steps[t].window
        corner = (
            patches.get(f"input[{top},{left}]") or patches[f"padding[{top},{left}]"]
        )
        assert patches["window"].get_xy() == corner.get_xy()
        i, j = steps[t].index
        assert (
            patches["output-current"].get_xy() == patches[f"output[{i},{j}]"].get_xy()
        )
        shown = [
            (r, c)
            for (r, c) in [s.index for s in steps]
            if texts[f"output-text[{r},{c}]"].get_visible()
        ]
        assert shown == [s.index for s in steps[: t + 1]]
        assert texts["expression"].get_text() == steps[t].expression


def test_every_frame_is_a_different_picture(pool_anim):
    pngs = frames(pool_anim.html)
    assert all(png.startswith(b"\x89PNG") for png in pngs)
    assert len(set(pngs)) == len(pngs)


def test_html_has_controls_and_requests_nothing_from_the_network(pool_anim):
    html = pool_anim.html
    for title in ("Play", "Pause", "Next frame", "Previous frame"):
        assert f'title="{title}"' in html
    assert "http://" not in html and "https://" not in html
    assert 'class="fa' not in html


def test_html_is_the_same_on_every_run(pool_anim):
    again = animation.animate_pool(X4, 3, "max", padding=1, stride=2)
    assert again.html == pool_anim.html


def test_different_animations_get_different_ids(pool_anim):
    other = animation.animate_pool(X4, 3, "avg", padding=1, stride=2)
    ids = [re.search(r'id="_anim_img(\w+)"', a.html)[1] for a in (pool_anim, other)]
    assert ids[0] != ids[1]


def test_frames_are_small_enough_for_a_web_page():
    X5 = nd.arange(25).reshape((5, 5))
    anim = animation.animate_corr2d(X5, nd.ones((3, 3)), padding=1, stride=2)
    assert len(anim.steps) == 9
    assert anim.size_kb < 300


def test_jupyter_shows_html_and_a_one_line_text_fallback(pool_anim):
    bundle = pool_anim._repr_mimebundle_()
    assert bundle["text/html"] == pool_anim.html
    assert bundle["text/plain"] == "<animation: 4 frames>"


def test_animating_no_steps_is_a_value_error():
    with pytest.raises(ValueError, match="`steps`"):
        animation.animate_steps([])


def test_the_frame_image_has_alt_text_that_says_what_moves(pool_anim):
    alt = re.search(r'<img id="_anim_img[0-9a-f]+" alt="([^"]+)"', pool_anim.html)
    assert alt is not None
    assert "3×3 max pooling window" in alt.group(1)
    assert "stride 2" in alt.group(1) and "4 frames" in alt.group(1)


def test_the_slider_is_labelled_and_shrinks_to_the_column(pool_anim):
    assert 'class="anim-slider" aria-label="Animation frame"' in pool_anim.html
    assert "max-width: 100%" in pool_anim.html


def test_frames_are_drawn_at_the_book_dpi_with_the_book_font(pool_anim):
    import io

    from PIL import Image

    from d2l import style

    width, _ = Image.open(io.BytesIO(frames(pool_anim.html)[0])).size
    fig = figures.draw_window_step(pool_anim.steps[0])
    assert width == pytest.approx(fig.get_size_inches()[0] * style.DPI, abs=2)
    assert style.smallest_text_px(fig) >= 15


def test_an_input_with_too_many_outputs_is_refused_before_drawing():
    with pytest.raises(ValueError, match=r"`X` must be small enough for at most 100"):
        animation.animate_corr2d(nd.zeros((30, 30)), nd.ones((2, 2)))


@pytest.mark.parametrize("dpi", [0, -5, 10**4, 2.5, None, True])
def test_a_bad_dpi_is_a_value_error_naming_dpi(dpi):
    with pytest.raises(ValueError, match=r"`dpi` must be"):
        animation.animate_pool(X4, 2, dpi=dpi)


@pytest.mark.parametrize("interval", [0, -1, 1.5, None, 10**6])
def test_a_bad_interval_is_a_value_error_naming_interval(interval):
    with pytest.raises(ValueError, match=r"`interval` must be"):
        animation.animate_pool(X4, 2, interval=interval)


def test_a_dpi_that_makes_huge_frames_is_refused():
    with pytest.raises(ValueError, match=r"frames of at most 2000 px"):
        animation.animate_pool(nd.arange(64).reshape((8, 8)), 2, dpi=400)


def test_each_frame_records_its_smallest_text_in_pixels(pool_anim):
    import io

    from PIL import Image

    from d2l import style

    texts = {
        Image.open(io.BytesIO(f)).text[style.FONT_METADATA_KEY]
        for f in frames(pool_anim.html)
    }
    assert texts == {f"{style.FONT_PT * style.DPI / 72:.1f}"}
