"""The in-page explorers compute what MXNet computes, in a real browser.

One small HTML page holds the ``text/html`` output of each explorer (what the
built book shows). Headless Chromium opens it from ``file://`` with every
other request aborted; each explorer is driven through its own controls for
many seeded random settings (edge cases and invalid ones included), and the
numbers the page shows are compared with MXNet's operators, Gluon's layers
and ``d2l`` computed here. The page must also be axe-core clean, fit a
390-pixel phone, work from the keyboard, keep its controls readable when the
system is in dark mode, and handle a reader's mistakes: a size or a number
that is not valid keeps what was typed, shows its rule next to the field and
stops the computation until it is fixed, and a grid shrunk and grown again
keeps its values. The photo filter reads the pixel under the pointer, refuses
a row or column outside the output, and its preset menu says when the
kernel is the reader's own.

Every helper that sets a control throws when it finds none, so a page whose
controls changed cannot pass by setting nothing.
"""

from __future__ import annotations

import random
import re
import shutil
import sys
from pathlib import Path

import mxnet as mx
import numpy as np
import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS, run_axe
from mxnet import nd

import d2l
from d2l import explorers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "chapters" / "_site"))
import book_explorers  # noqa: E402

CONFIGS = 60  # random settings per explorer
MINUS = "\u2212"
CHECKED = {}  # explorer -> configurations compared, printed at the end


def number(text: str) -> float:
    return float(text.replace(MINUS, "-").replace(",", ""))


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: run `make browser` to install it.")
    sync_api = pytest.importorskip("playwright.sync_api")
    objects = [
        explorers.CorrelationPlayground("19-25-37-43"),
        explorers.PoolingPlayground("maximum 2x2"),
        explorers.NetworkCalculator("LeNet-5"),
        explorers.PhotoFilter("vertical edges", step=6),
    ]
    # As the book's build does: each stored output becomes a running script.
    folder = book_explorers.explorers_folder(ROOT)
    body = "".join(
        "<section>"
        + book_explorers.inline_explorers(o.page_html(), folder)
        + "</section>"
        for o in objects
    )
    path = tmp_path_factory.mktemp("explorers") / "explorers.html"
    path.write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Explorers</title></head><body><main><h1>Explorers</h1>{body}</main>"
        "</body></html>",
        encoding="utf-8",
    )
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        tab = context.new_page()
        tab.errors, tab.outside = [], []
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.on(
            "console",
            lambda m: tab.errors.append(m.text) if m.type == "error" else None,
        )

        def route(r):
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                tab.outside.append(r.request.url)
                r.abort()

        tab.route("**/*", route)
        tab.goto(path.as_uri(), wait_until="load")
        tab.wait_for_selector("[data-explorer=photo][data-ready=true]")
        yield tab
        assert not tab.errors, tab.errors
        assert not tab.outside, tab.outside
        browser.close()
    print(f"\nconfigurations checked in the browser: {CHECKED}")


# Set controls as a reader would (value, then input and change events). Each
# helper throws when it finds nothing to set.
HELPERS = """
const fieldset = (root, legend) => {
    const found = [...root.querySelectorAll("fieldset")]
        .find((f) => f.querySelector("legend").textContent === legend);
    if (!found) throw new Error(`no fieldset "${legend}"`);
    return found;
};
const put = (input, value) => {
    if (!input) throw new Error("no field to set");
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
};
const fill = (root, grid, values) => {
    const inputs = root.querySelectorAll(`[data-grid=${grid}] input`);
    if (inputs.length !== values.flat().length) {
        const want = values.flat().length;
        throw new Error(`grid ${grid}: ${inputs.length} fields for ${want} values`);
    }
    inputs.forEach((input, n) => put(input, values.flat()[n]));
};
const pair = (root, legend, values) => {
    const inputs = fieldset(root, legend).querySelectorAll("input");
    if (inputs.length !== 2) throw new Error(`"${legend}" has ${inputs.length} fields`);
    put(inputs[0], values[0]);
    put(inputs[1], values[1]);
};
"""

DRIVE_SLIDING = (
    "([root, c]) => {"
    + HELPERS
    + """
    if (c.pool_mode) {
        const mode = root.querySelector("label.mode select");
        mode.value = c.pool_mode;
        mode.dispatchEvent(new Event("change"));
        pair(root, "Window", c.window);
    } else {
        pair(root, "Kernel size", [c.K.length, c.K[0].length]);
        pair(root, "Dilation", c.dilation);
    }
    pair(root, "Input size", [c.X.length, c.X[0].length]);
    pair(root, "Padding", c.padding);
    pair(root, "Stride", c.stride);
    fill(root, "X", c.X);
    if (!c.pool_mode) {
        fill(root, "K", c.K);
    }
    const buttons = [...root.querySelectorAll("[data-grid=Y] button")];
    const Y = [...root.querySelectorAll("[data-grid=Y] tr")].map(
        (tr) => [...tr.querySelectorAll("button")].map((b) => b.textContent));
    let window = null;
    let arith = "";
    if (buttons.length) {
        const b = buttons[c.pick % buttons.length];
        b.focus();
        arith = root.querySelector(".arith").textContent;
        window = [...root.querySelectorAll("[data-grid=X] td")]
            .map((td, n) => td.classList.contains("win") ? n : -1)
            .filter((n) => n >= 0);
        window.push(Number(b.dataset.i), Number(b.dataset.j));
    }
    return { Y, window, arith, message: root.querySelector(".formula").textContent };
}"""
)


def random_grid(rng, rows, cols):
    return [
        [rng.choice([-3, -2, -1, 0, 1, 2, 3, 4, 5, 0.5]) for _ in range(cols)]
        for _ in range(rows)
    ]


def sliding_configs(kind: str, seed: int):
    """Random settings, plus edge cases: windows that just fit or just do not."""
    rng = random.Random(seed)
    configs = []
    for m in range(CONFIGS):
        n = [rng.randint(1, 8), rng.randint(1, 8)]
        k = [rng.randint(1, 5), rng.randint(1, 5)]
        if kind == "pooling":  # mostly padding smaller than the window
            p = [rng.randint(0, min(2, k[a] - 1)) for a in range(2)]
        else:
            p = [rng.randint(0, 2), rng.randint(0, 2)]
        s = [rng.randint(1, 4), rng.randint(1, 4)]
        d = [rng.randint(1, 3), rng.randint(1, 3)] if kind == "correlation" else [1, 1]
        span = [d[a] * (k[a] - 1) + 1 for a in range(2)]
        edge = m % 4
        if edge == 1 and span[0] - 2 * p[0] >= 1:  # the window just fits
            n[0] = min(8, span[0] - 2 * p[0])
        elif edge == 2 and kind == "pooling":  # padding as large as the window
            k[1] = min(k[1], 4)
            p[1] = k[1]
        elif edge == 3 and span[1] - 2 * p[1] - 1 >= 1:  # one column too few
            n[1] = min(8, span[1] - 2 * p[1] - 1)
        config = {
            "X": random_grid(rng, *n),
            "padding": p,
            "stride": s,
            "pick": rng.randint(0, 63),
        }
        if kind == "correlation":
            config.update(K=random_grid(rng, *k), dilation=d)
        else:
            config.update(window=k, pool_mode=rng.choice(["max", "avg"]))
        configs.append(config)
    return configs


def mxnet_sliding(c):
    """MXNet's answer, or None when MXNet refuses the setting.

    Padding as large as the pooling window is refused by MXNet's CPU kernel
    (oneDNN: "Check failed: pad_l[0] < kernel[0]") and by ``d2l.pool2d``, but
    only when that kernel runs; the fallback kernel would pool windows made of
    padding alone. Both refusals count.
    """
    if "window" in c and any(p >= k for p, k in zip(c["padding"], c["window"])):
        with pytest.raises(ValueError, match="padding"):
            d2l.pool2d(nd.array(c["X"]), c["window"], c["pool_mode"], c["padding"])
        return None
    X = nd.array(c["X"]).reshape((1, 1, len(c["X"]), len(c["X"][0])))
    try:
        if "K" in c:
            K = nd.array(c["K"])
            Y = nd.Convolution(
                X,
                K.reshape((1, 1, *K.shape)),
                kernel=K.shape,
                pad=tuple(c["padding"]),
                stride=tuple(c["stride"]),
                dilate=tuple(c["dilation"]),
                num_filter=1,
                no_bias=True,
            )
        else:
            Y = nd.Pooling(
                X,
                kernel=tuple(c["window"]),
                pad=tuple(c["padding"]),
                stride=tuple(c["stride"]),
                pool_type=c["pool_mode"],
                count_include_pad=True,
            )
        return Y[0, 0].asnumpy()
    except mx.base.MXNetError:
        return None


def d2l_sliding(c):
    """The book's own helpers where they apply (d2l.pool2d, d2l.corr2d)."""
    X = nd.array(c["X"])
    if "K" not in c:
        return d2l.pool2d(X, c["window"], c["pool_mode"], c["padding"], c["stride"])
    if c["padding"] == [0, 0] and c["stride"] == [1, 1] and c["dilation"] == [1, 1]:
        return d2l.corr2d(X, nd.array(c["K"]))
    return None


def expected_window(c, i, j):
    """Flat indices (in the padded input) of the cells output (i, j) reads."""
    k = [len(c["K"]), len(c["K"][0])] if "K" in c else c["window"]
    d = c.get("dilation", [1, 1])
    cols = len(c["X"][0]) + 2 * c["padding"][1]
    return sorted(
        (i * c["stride"][0] + a * d[0]) * cols + j * c["stride"][1] + b * d[1]
        for a in range(k[0])
        for b in range(k[1])
    )


@pytest.mark.parametrize("kind", ["correlation", "pooling"])
def test_playground_shows_what_mxnet_computes(page, kind):
    root = page.locator(f"[data-explorer={kind}]").element_handle()
    make = {
        "correlation": explorers.CorrelationPlayground,
        "pooling": explorers.PoolingPlayground,
    }[kind]
    checked = invalid = 0
    for c in sliding_configs(kind, seed=7 if kind == "correlation" else 11):
        shown = page.evaluate(DRIVE_SLIDING, [root, c])
        reference = mxnet_sliding(c)
        python_side = make()
        python_side.set(**{k: v for k, v in c.items() if k != "pick"})
        if reference is None:
            invalid += 1
            assert shown["Y"] == [], (c, shown)
            assert shown["message"] == python_side.geometry()[1], shown["message"]
            assert "MXNet" in shown["message"]
        else:
            Y = np.array([[number(v) for v in row] for row in shown["Y"]])
            assert Y.shape == reference.shape, (c, shown["message"])
            np.testing.assert_allclose(Y, reference, atol=1e-3, err_msg=str(c))
            ours = d2l_sliding(c)
            if ours is not None:
                np.testing.assert_allclose(Y, ours.asnumpy(), atol=1e-3)
            shape = f"= {Y.shape[0]}; " in shown["message"]
            assert shape and shown["message"].endswith(f"= {Y.shape[1]}.")
            *cells, i, j = shown["window"]
            assert sorted(cells) == expected_window(c, i, j), c
            assert number(shown["arith"].rsplit("= ", 1)[1]) == pytest.approx(
                reference[i, j], abs=1e-3
            )
        checked += 1
    assert invalid >= 5 and checked - invalid >= 30, (checked, invalid)
    CHECKED[kind] = checked


def test_output_cells_step_with_arrow_keys_and_show_focus(page):
    root = page.locator("[data-explorer=correlation]")
    page.evaluate(
        "([root]) => {"
        + HELPERS
        + "pair(root, 'Input size', [4, 4]); pair(root, 'Kernel size', [2, 2]);"
        + "pair(root, 'Padding', [0, 0]); pair(root, 'Stride', [1, 1]);"
        + "pair(root, 'Dilation', [1, 1]); }",
        [root.element_handle()],
    )
    root.locator("[data-grid=Y] button").first.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    focused = page.evaluate(
        "() => [document.activeElement.dataset.i, document.activeElement.dataset.j,"
        " getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert focused[:2] == ["1", "1"]
    assert root.locator(".arith").inner_text().startswith("Y[1, 1] = ")
    page.keyboard.press("Tab")  # keyboard focus shows the outline
    assert (
        page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        != "none"
    )
    root.get_by_role("button", name="Next window").click()
    assert root.locator(".arith").inner_text().startswith("Y[1, 2] = ")


def layer_formula(input_shape, layers):
    """Multiply-adds and receptive field per layer, from the definitions."""
    c, h, w = input_shape
    rf, jump, rows, flat = 1, 1, [], None
    for layer in layers:
        if layer["type"] == "dense":
            size = flat if flat is not None else c * h * w
            flat = layer["units"]
            rows.append((size * layer["units"], None))
            continue
        span = (
            layer["d"] * (layer["k"] - 1) + 1 if layer["type"] == "conv" else layer["k"]
        )
        h = (h + 2 * layer["p"] - span) // layer["s"] + 1
        w = (w + 2 * layer["p"] - span) // layer["s"] + 1
        rf, jump = rf + (span - 1) * jump, jump * layer["s"]
        field = f"{rf} \u00d7 {rf} (step {jump})"
        if layer["type"] == "conv":
            rows.append((layer["c"] * h * w * c * layer["k"] ** 2, field))
            c = layer["c"]
        else:
            rows.append((0, field))
    return rows


DRIVE_NETWORK = (
    "([root, c]) => {"
    + HELPERS
    + """
    while (root.querySelector("[data-layer] button")) {
        root.querySelector("[data-layer] button").click();
    }
    const add = [...root.querySelectorAll("button")]
        .find((b) => b.textContent === "Add a layer");
    const sizes = fieldset(root, "Input (one example)").querySelectorAll("input");
    if (sizes.length !== 3) throw new Error(`the input has ${sizes.length} fields`);
    c.input.forEach((v, a) => put(sizes[a], v));  // channels, height, width
    c.layers.forEach((layer, i) => {
        add.click();
        const select = root.querySelector(`[data-key="type-${i}"]`);
        select.value = layer.type;
        select.dispatchEvent(new Event("change"));
        for (const key of ["k", "p", "s", "d", "c", "units"]) {
            const input = root.querySelector(`[data-key="${key}-${i}"]`);
            if (input) put(input, layer[key]);
        }
    });
    return [...root.querySelectorAll("[data-layer] .result")].map((p) => ({
        error: p.classList.contains("error") ? p.textContent : "",
        shape: p.querySelector(".shape")?.textContent,
        params: p.querySelector(".params")?.textContent,
        macs: p.querySelector(".macs")?.textContent,
        rf: p.querySelector(".rf")?.textContent,
    }));
}"""
)


def random_stack(rng):
    layers = []
    for _ in range(rng.randint(1, 5)):
        kind = rng.choice(["conv", "conv", "maxpool", "avgpool", "dense"])
        k = rng.randint(1, 7)
        layers.append(
            {
                "type": kind,
                "k": k,
                "p": rng.choice([0, 0, 1, 2, k // 2, k]),
                "s": rng.randint(1, 3),
                "d": rng.choice([1, 1, 2, 3]),
                "c": rng.randint(1, 16),
                "units": rng.randint(1, 64),
            }
        )
    return {
        "input": [rng.randint(1, 3), rng.randint(4, 40), rng.randint(4, 40)],
        "layers": layers,
    }


def test_calculator_matches_gluon_layers(page):
    from d2l.explorers.network import gluon_rows

    root = page.locator("[data-explorer=network]").element_handle()
    rng = random.Random(5)
    checked = refused = 0
    for _ in range(CONFIGS):
        c = random_stack(rng)
        shown = page.evaluate(DRIVE_NETWORK, [root, c])
        expected = gluon_rows(c["input"], c["layers"])
        formula = layer_formula(c["input"], c["layers"])
        assert len(shown) == len(expected)
        for row, ref, (macs, rf) in zip(shown, expected, formula):
            if "error" in ref:
                refused += 1
                assert row["error"].startswith("No output"), (c, row, ref)
                break
            shape = [int(v) for v in row["shape"].split(" \u00d7 ")]
            assert [shape, int(number(row["params"]))] == [ref["shape"], ref["params"]]
            assert int(number(row["macs"])) == macs
            assert row["rf"] == (rf or "the whole input")
        checked += 1
    assert refused >= 5
    CHECKED["network"] = checked


def test_photo_filter_matches_mxnet(page):
    root = page.locator("[data-explorer=photo]").element_handle()
    python_side = explorers.PhotoFilter(step=6)
    h, w = python_side.state["size"]
    rng = np.random.default_rng(3)
    checked = 0
    for m in range(CONFIGS):
        K = np.round(rng.uniform(-2, 2, (3, 3)), 2)
        if m % 10 == 0:
            K = np.abs(K)  # a non-negative result is drawn in grey
        probe = [int(rng.integers(0, h - 2)), int(rng.integers(0, w - 2))]
        shown = page.evaluate(
            "([root, K, probe]) => {"
            + HELPERS
            + """
            fill(root, "K", K);
            const inputs = fieldset(root, "Read one output pixel")
                .querySelectorAll("input");
            put(inputs[0], probe[0]);
            put(inputs[1], probe[1]);
            return [root.querySelector(".stats").textContent,
                    root.querySelector(".probe").textContent];
            }""",
            [root, K.tolist(), probe],
        )
        python_side.set(K=K.tolist(), probe=probe)
        ref = python_side.check()
        stats = shown[0].replace(MINUS, "-")
        assert stats.startswith(f"Output {ref['shape'][0]}\u00d7{ref['shape'][1]}, ")
        low, high = stats.split("values from ")[1].split(", mean")[0].split(" to ")
        mean = stats.split("mean ")[1].rstrip(".")
        for text, key in ((low, "min"), (high, "max"), (mean, "mean")):
            assert float(text) == pytest.approx(ref[key], abs=2e-3), (key, K)
        assert shown[1].startswith(f"Y[{probe[0]}, {probe[1]}] = ")
        assert number(shown[1].split("= ")[1]) == pytest.approx(ref["probe"], abs=2e-3)
        checked += 1
    CHECKED["photo"] = checked


def test_page_is_axe_clean_and_fits_a_phone(page):
    results = run_axe(page, tags=None)  # every rule, best practices included
    assert len(results["passes"]) > 0
    found = [
        f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}"
        for v in results["violations"]
    ]
    assert not found, found
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390


def test_each_explorer_adds_at_most_100_kb():
    for obj in (
        explorers.CorrelationPlayground(),
        explorers.PoolingPlayground(),
        explorers.NetworkCalculator(),
        explorers.PhotoFilter(),
    ):
        assert len(obj.page_html().encode()) <= 100 * 1024, type(obj).__name__


# --- A reader's mistakes ---------------------------------------------------------

# The correlation playground's state as the reader sees it: the sizes' fields
# (value, invalid flag, rule shown next to it), the grids, whether the output
# is shown, and the message where the formula goes.
SLIDING_VIEW = """([root]) => {
    const field = (legend, n) => {
        const fs = [...root.querySelectorAll("fieldset")]
            .find((f) => f.querySelector("legend").textContent === legend);
        const input = fs.querySelectorAll("input")[n];
        const rule = document.getElementById(input.getAttribute("aria-describedby"));
        return [input.value, input.getAttribute("aria-invalid"), rule.textContent,
                rule.offsetParent !== null];
    };
    // Values as numbers read them: the page writes a true minus sign.
    const grid = (name) => [...root.querySelectorAll(`[data-grid=${name}] tr`)]
        .map((tr) => [...tr.querySelectorAll("input")]
            .map((i) => i.value.replace("\u2212", "-")))
        .filter((r) => r.length);
    const out = root.querySelector("[data-grid=Y]").closest(".grid");
    return {
        rows: field("Input size", 0), kernelRows: field("Kernel size", 0),
        X: grid("X"), K: grid("K"),
        shown: !out.hidden && out.offsetParent !== null,
        Y: [...root.querySelectorAll("[data-grid=Y] tr")]
            .map((tr) => [...tr.querySelectorAll("button")].map((b) => b.textContent)),
        message: root.querySelector(".formula").textContent,
        arith: root.querySelector(".arith").textContent,
    };
}"""


def drive(page, kind, script, *args):
    root = page.locator(f"[data-explorer={kind}]").element_handle()
    return page.evaluate(
        "([root, args]) => {" + HELPERS + script + "}", [root, list(args)]
    )


def test_an_invalid_size_keeps_the_readers_values_and_stops_the_output(page):
    kind = "correlation"
    view = lambda: drive(page, kind, "return (" + SLIDING_VIEW + ")([root]);")  # noqa: E731
    drive(
        page,
        kind,
        """const select = root.querySelector("select");
        select.value = "19-25-37-43";
        select.dispatchEvent(new Event("change"));
        put(root.querySelectorAll("[data-grid=X] input")[4], 10);
        put(root.querySelectorAll("[data-grid=K] input")[0], -1);""",
    )
    before = view()
    assert before["X"] == [["0", "1", "2"], ["3", "10", "5"], ["6", "7", "8"]]
    assert before["K"] == [["-1", "1"], ["2", "3"]]
    expected = d2l.corr2d(
        nd.array([[0, 1, 2], [3, 10, 5], [6, 7, 8]]), nd.array([[-1, 1], [2, 3]])
    ).asnumpy()
    shown = np.array([[number(v) for v in row] for row in before["Y"]])
    assert before["shown"] and shown.shape == (2, 2), before
    np.testing.assert_allclose(shown, expected, atol=1e-3)
    for typed in ["", "-3", "9", "2.5"]:
        drive(
            page,
            kind,
            "put(fieldset(root, 'Input size').querySelectorAll('input')[0], args[0]);",
            typed,
        )
        now = view()
        assert now["rows"][:2] == [typed, "true"], (typed, now["rows"])
        assert "a whole number from 1 to 8" in now["rows"][2] and now["rows"][3], now[
            "rows"
        ]
        assert now["X"] == before["X"] and now["K"] == before["K"], typed
        assert not now["shown"] and now["message"].startswith(
            "Waiting for valid input"
        ), now
        assert now["arith"] == ""
    # Shrink to one row (no window fits: refused in words), then grow back.
    drive(
        page, kind, "put(fieldset(root, 'Input size').querySelectorAll('input')[0], 1);"
    )
    one = view()
    assert one["rows"][1] == "false" and not one["rows"][3]
    assert one["X"] == [["0", "1", "2"]] and one["message"].startswith("No output")
    drive(
        page, kind, "put(fieldset(root, 'Input size').querySelectorAll('input')[0], 3);"
    )
    back = view()
    assert back["X"] == before["X"] and back["Y"] == before["Y"] and back["shown"], back
    # The kernel's size, emptied and set again, keeps the kernel.
    drive(
        page,
        kind,
        "put(fieldset(root, 'Kernel size').querySelectorAll('input')[0], '');",
    )
    assert view()["kernelRows"][1] == "true" and not view()["shown"]
    drive(
        page,
        kind,
        "put(fieldset(root, 'Kernel size').querySelectorAll('input')[0], 2);",
    )
    assert view()["K"] == before["K"] and view()["Y"] == before["Y"]
    # A grid cell that holds no number also stops the output, until fixed.
    drive(page, kind, "put(root.querySelectorAll('[data-grid=X] input')[0], 'abc');")
    cell = view()
    assert not cell["shown"] and "X row 1, column 1: a number." in cell["message"]
    drive(page, kind, "put(root.querySelectorAll('[data-grid=X] input')[0], 0);")
    assert view()["Y"] == before["Y"] and view()["shown"]


def test_an_invalid_layer_field_stops_the_calculator_until_fixed(page):
    kind = "network"
    state = """const select = root.querySelector("select");
        if (args[1]) {
            select.value = "LeNet-5";
            select.dispatchEvent(new Event("change"));
        }
        const input = root.querySelector('[data-key="k-0"]');
        put(input, args[0]);
        const rule = document.getElementById(input.getAttribute("aria-describedby"));
        return [input.value, input.getAttribute("aria-invalid"), rule.textContent,
                root.querySelector(".total").textContent,
                root.querySelector("[data-layer] .result").textContent];"""
    for typed in ["", "0", "12"]:
        value, invalid, rule, total, row = drive(page, kind, state, typed, True)
        assert [value, invalid] == [typed, "true"], (typed, value, invalid)
        assert rule == "Layer 1, kernel: a whole number from 1 to 11.", rule
        assert total.startswith("Waiting for valid input") and row == "", total
    # The same field, set right: its rule goes and the table comes back.
    value, invalid, rule, total, row = drive(page, kind, state, 5, False)
    assert invalid == "false" and rule == "" and "61,706 parameters" in total, total
    assert row.startswith("Output 6 \u00d7 28 \u00d7 28"), row


PHOTO_VIEW = """const fs = fieldset(root, "Read one output pixel");
    const inputs = [...fs.querySelectorAll("input")];
    return {
        probe: inputs.map((i) => [i.value, i.getAttribute("aria-invalid"),
            document.getElementById(i.getAttribute("aria-describedby")).textContent]),
        readout: root.querySelector(".probe").textContent,
        stats: root.querySelector(".stats").textContent,
        preset: root.querySelector("select").value,
        box: (() => {
            const r = root.querySelector("canvas.out").getBoundingClientRect();
            return [r.left, r.top, r.width, r.height];
        })(),
    };"""


def test_photo_filter_reads_the_pixel_under_the_pointer(page):
    kind = "photo"
    python_side = explorers.PhotoFilter(step=6)
    h, w = python_side.state["size"]
    drive(
        page,
        kind,
        """const select = root.querySelector("select");
        select.value = "vertical edges";
        select.dispatchEvent(new Event("change"));""",
    )
    page.locator("[data-explorer=photo] canvas.out").scroll_into_view_if_needed()
    left, top, width, height = drive(page, kind, PHOTO_VIEW)["box"]
    checked = 0
    for fx, fy in [(0.1, 0.2), (0.5, 0.5), (0.93, 0.71)]:
        page.mouse.move(left + fx * width, top + fy * height)
        seen = drive(page, kind, PHOTO_VIEW)
        r, c = int(fy * (h - 2)), int(fx * (w - 2))
        assert [p[0] for p in seen["probe"]] == [str(r), str(c)], (fx, fy, seen)
        python_side.set(probe=[r, c])
        value = python_side.check()["probe"]
        assert seen["readout"].startswith(f"Y[{r}, {c}] = "), seen["readout"]
        assert number(seen["readout"].split("= ")[1]) == pytest.approx(value, abs=2e-3)
        checked += 1
    # A tap (a pointer going down) reads a pixel too.
    page.mouse.click(left + 0.25 * width, top + 0.25 * height)
    tapped = drive(page, kind, PHOTO_VIEW)
    assert [p[0] for p in tapped["probe"]] == [
        str(int(0.25 * (h - 2))),
        str(int(0.25 * (w - 2))),
    ]
    assert checked == 3


def test_photo_filter_refuses_a_pixel_outside_the_output(page):
    kind = "photo"
    h = explorers.PhotoFilter(step=6).state["size"][0]
    row = (
        "put(fieldset(root, 'Read one output pixel')"
        ".querySelectorAll('input')[0], args[0]);"
    )
    for typed in ["500", "-4", ""]:
        drive(page, kind, row, typed)
        seen = drive(page, kind, PHOTO_VIEW)
        assert seen["probe"][0][:2] == [typed, "true"], seen["probe"]
        assert seen["probe"][0][2] == f"row: a whole number from 0 to {h - 3}.", seen
        assert seen["readout"] == "" and seen["stats"].startswith("Waiting"), seen
    drive(page, kind, row, "7")
    seen = drive(page, kind, PHOTO_VIEW)
    assert seen["probe"][0][:2] == ["7", "false"] and seen["readout"].startswith(
        "Y[7, "
    )


def test_photo_filter_menu_says_when_the_kernel_is_the_readers_own(page):
    kind = "photo"
    seen = drive(
        page,
        kind,
        """const select = root.querySelector("select");
        select.value = "identity";
        select.dispatchEvent(new Event("change"));
        const before = select.value;
        put(root.querySelectorAll("[data-grid=K] input")[4], 2);
        return [before, select.value,
                select.options[select.selectedIndex].textContent];""",
    )
    assert seen == ["identity", "", "(your own)"], seen


# Colours of the explorers' controls and captions with the system in dark mode:
# [text, background] as computed, for every field, menu, button and caption.
CONTROL_COLOURS = """() => Array.from(document.querySelectorAll(
        ".d2l-x input, .d2l-x select, .d2l-x button, .d2l-x figcaption,"
        + " .d2l-x legend, .d2l-x label"))
    .filter((e) => e.offsetParent !== null)
    .map((e) => {
        let bg = "rgba(0, 0, 0, 0)";
        for (let n = e; n && bg === "rgba(0, 0, 0, 0)"; n = n.parentElement) {
            bg = getComputedStyle(n).backgroundColor;
        }
        return [e.tagName + " " + (e.textContent || e.value || "").slice(0, 20),
                getComputedStyle(e).color, bg];
    })"""


def _luminance(rgb: str) -> float:
    r, g, b = (float(v) / 255 for v in re.findall(r"[\d.]+", rgb)[:3])
    lin = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)
    ]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


# What a dark theme does to a page's form controls and captions (the book's
# theme gave fields rgb(59, 59, 59), menus rgb(107, 107, 107) and captions a
# light grey): the explorers must stay readable under it.
DARK_THEME = """
:root { color-scheme: dark; }
input, textarea, button { background-color: rgb(59, 59, 59); }
select { background-color: rgb(107, 107, 107); }
figcaption, legend, label { color: rgb(156, 164, 175); }
"""


def test_controls_stay_readable_with_the_system_in_dark_mode(page):
    page.emulate_media(color_scheme="dark")
    style = page.add_style_tag(content=DARK_THEME)
    try:
        rows = page.evaluate(CONTROL_COLOURS)
    finally:
        style.evaluate("(s) => s.remove()")
        page.emulate_media(color_scheme="light")
    assert len(rows) >= 40, len(rows)
    faint = []
    for what, fg, bg in rows:
        hi, lo = sorted([_luminance(fg), _luminance(bg)], reverse=True)
        if (hi + 0.05) / (lo + 0.05) < 4.5:
            faint.append((what, fg, bg))
    assert not faint, faint


# Every visible control's size, as [what, width, height].
CONTROL_SIZES = """() => Array.from(document.querySelectorAll(
        ".d2l-x input, .d2l-x select, .d2l-x button"))
    .filter((e) => e.offsetParent !== null)
    .map((e) => {
        const r = e.getBoundingClientRect();
        return [e.tagName + " " + (e.getAttribute("aria-label") || e.textContent
                || e.value || "").slice(0, 30), r.width, r.height];
    })"""


def test_controls_are_large_enough_to_tap_on_a_touch_screen(page):
    # WCAG 2.5.5's 44 px, on a phone that reports a coarse pointer.
    context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    try:
        tab = context.new_page()
        tab.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(("file:", "data:"))
                else r.abort()
            ),
        )
        tab.goto(page.url, wait_until="load")
        tab.wait_for_selector("[data-explorer=photo][data-ready=true]")
        assert tab.evaluate("matchMedia('(pointer: coarse)').matches")
        sizes = tab.evaluate(CONTROL_SIZES)
        assert len(sizes) >= 40, len(sizes)
        small = [s for s in sizes if s[1] < 43.5 or s[2] < 43.5]
        assert not small, small[:10]
    finally:
        context.close()
