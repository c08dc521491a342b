"""The explorers work as live widgets in a real JupyterLab.

The test starts JupyterLab from this environment on a free local port (no
token, no browser, a temporary root folder, settings and runtime folders of
its own, and every check for news or updates off), writes a notebook that
displays each explorer, opens it in headless Chromium and runs its cells.
Each explorer must render through anywidget (not as the static fallback);
a control changed in the page must reach Python, and a state set from Python
must reach the page. Python's side is read through the notebook's own kernel.
The numbers the page shows are compared with MXNet and Gluon computed here.
No request may leave the local server.

If JupyterLab cannot start here, the tests are skipped with the reason and
the server's last log lines, and a warning repeats it in pytest's summary.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from pathlib import Path

import nbformat
import pytest
from chromium import CHROMIUM, CHROMIUM_ARGS

from d2l import explorers
from d2l.explorers.network import gluon_rows

MINUS = "\u2212"
START_TIMEOUT = 300  # seconds for the server to answer, at make test's low priority
CELL_TIMEOUT = 300  # seconds for the kernel to import d2l and draw every explorer
SECONDS = {}  # how long each step of starting took, printed at the end

# One cell per explorer, as a reader would write them.
CELLS = [
    "import json\n\nfrom d2l import explorers",
    'corr = explorers.CorrelationPlayground("19-25-37-43")\ncorr',
    'pool = explorers.PoolingPlayground("maximum 2x2")\npool',
    'net = explorers.NetworkCalculator("LeNet-5")\nnet',
    'photo = explorers.PhotoFilter("vertical edges", step=6)\nphoto',
]

KERNEL_TIMEOUT = 60  # seconds for the kernel to answer one request

# Runs Python in the notebook's kernel and returns what it printed. A kernel
# that never answers (Playwright's evaluate has no timeout of its own) fails
# the test with its status instead of hanging the run: that happened once,
# under Python 3.10, for about 15 minutes.
RUN_IN_KERNEL = """async ([code, seconds]) => {
    const kernel = window.d2lKernel;
    const future = kernel.requestExecute({ code, store_history: false });
    let out = "";
    future.onIOPub = (msg) => {
        const type = msg.header.msg_type;
        if (type === "stream") out += msg.content.text;
        const { ename, evalue } = msg.content;
        if (type === "error") out += `Python error ${ename}: ${evalue}`;
    };
    let timer;
    const late = new Promise((_, reject) => {
        timer = setTimeout(() => {
            const status = kernel.status;
            // Later requests would otherwise queue behind this one.
            kernel.interrupt().catch(() => {});
            reject(new Error(
                `the kernel (status ${status}) did not answer within ` +
                `${seconds} s; it had printed ${JSON.stringify(out)}`
            ));
        }, seconds * 1000);
    });
    try {
        await Promise.race([future.done, late]);
    } finally {
        clearTimeout(timer);
    }
    return out;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _opener():
    """Opens local URLs directly, never through a proxy."""
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _local(url: str):
    return _opener().open(url, timeout=5)


def _skip(reason: str) -> None:
    warnings.warn(f"JupyterLab test skipped: {reason}", stacklevel=2)
    pytest.skip(reason)


class LabStartError(RuntimeError):
    """JupyterLab could not be started here (the tests skip, saying why)."""


def _write_home(home: Path) -> Path:
    """The server's root folder with the notebook, and settings of its own."""
    root = home / "root"
    root.mkdir()
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(code) for code in CELLS]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nbformat.write(notebook, root / "explorers.ipynb")
    # The news prompt would ask to fetch a feed from the internet.
    notification = home / "settings" / "@jupyterlab" / "apputils-extension"
    notification.mkdir(parents=True)
    (notification / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    # The kernel imports d2l (MXNet, Matplotlib) as it starts, while Chromium
    # loads JupyterLab, instead of afterwards; the first cell imports it again.
    profile = home / "ipython" / "profile_default"
    profile.mkdir(parents=True)
    (profile / "ipython_kernel_config.py").write_text(
        'c.IPKernelApp.exec_lines = ["import d2l.explorers"]\n'
    )
    # Server extensions the test does not use (language servers, terminals).
    (home / "config").mkdir()
    (home / "config" / "jupyter_server_config.json").write_text(
        json.dumps(
            {
                "ServerApp": {
                    "jpserver_extensions": {
                        "jupyter_lsp": False,
                        "jupyter_server_terminals": False,
                    }
                }
            }
        )
    )
    return root


def _start_kernel(url: str) -> None:
    """Open the notebook's session now; JupyterLab joins it when it opens."""
    session = {"path": "explorers.ipynb", "name": "explorers.ipynb"}
    session.update(type="notebook", kernel={"name": "python3"})
    request = urllib.request.Request(
        f"{url}/api/sessions",
        data=json.dumps(session).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    _opener().open(request, timeout=30).read()


@contextlib.contextmanager
def running_lab(home: Path):
    """Start JupyterLab on a free local port; yield its URL; stop it."""
    root = _write_home(home)
    env = {k: v for k, v in os.environ.items() if k != "D2L_WIDGETS"}
    env.update(
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTER_RUNTIME_DIR=str(home / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
        IPYTHONDIR=str(home / "ipython"),
    )
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ip=127.0.0.1",
        f"--port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root}",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",  # lets the test POST a session
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",
    ]
    log_path = home / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=root
        )
        url = f"http://127.0.0.1:{port}"
        start = time.monotonic()
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    _local(f"{url}/api/status").read()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise LabStartError(
                            f"JupyterLab did not answer within {START_TIMEOUT} s; "
                            f"its log ends:\n{log_path.read_text()[-800:]}"
                        ) from None
                    time.sleep(0.3)
            SECONDS["server up"] = time.monotonic() - start
            _start_kernel(url)
            yield url
        finally:
            _stop(process, url)


def _stop(process: subprocess.Popen, url: str) -> None:
    """Shut the kernels down through the API (they outlive a killed server)."""
    if process.poll() is not None:
        return
    opener = _opener()
    try:
        for kernel in json.load(opener.open(f"{url}/api/kernels", timeout=5)):
            request = urllib.request.Request(
                f"{url}/api/kernels/{kernel['id']}", method="DELETE"
            )
            opener.open(request, timeout=10)
    except OSError:
        pass
    process.send_signal(signal.SIGINT)  # twice: stop without asking
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def open_notebook(playwright, url: str):
    """Chromium on the notebook, all cells run, every explorer drawn."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.errors, page.outside = [], []
    page.on("pageerror", lambda e: page.errors.append(str(e)))

    def route(r):
        if r.request.url.startswith((url, "data:", "blob:")):
            r.continue_()
        else:
            page.outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    start = time.monotonic()
    try:
        page.goto(f"{url}/lab/tree/explorers.ipynb")
        page.wait_for_function(
            """() => {
                const context = window.jupyterapp?.shell.currentWidget?.sessionContext;
                const kernel = context?.session?.kernel;
                if (kernel?.status !== "idle") return false;
                window.d2lKernel = kernel;
                return true;
            }""",
            timeout=CELL_TIMEOUT * 1000,
        )
        SECONDS["JupyterLab open, kernel idle"] = time.monotonic() - start
        page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_selector(
            "[data-explorer=photo][data-ready=true]", timeout=CELL_TIMEOUT * 1000
        )
        SECONDS["cells run, explorers drawn"] = time.monotonic() - start
        yield page
    finally:
        browser.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """The notebook open in JupyterLab, all cells run, every explorer drawn."""
    pytest.importorskip("jupyterlab")
    pytest.importorskip("anywidget")
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `make browser` to install it.")
    with contextlib.ExitStack() as stack:
        try:
            url = stack.enter_context(
                running_lab(tmp_path_factory.mktemp("jupyterlab"))
            )
        except LabStartError as reason:
            _skip(str(reason))
        p = stack.enter_context(sync_api.sync_playwright())
        page = stack.enter_context(open_notebook(p, url))
        yield page
        times = ", ".join(f"{k} {v:.0f} s" for k, v in SECONDS.items())
        print(f"\nJupyterLab test: {times}")
        assert not page.outside, f"requests left the server: {page.outside}"
        assert not page.errors, page.errors


def _python(page, code: str):
    """Run ``code`` in the notebook's kernel; return what it printed, as JSON."""
    out = page.evaluate(RUN_IN_KERNEL, [code, KERNEL_TIMEOUT])
    assert not out.startswith("Python error"), out
    return json.loads(out)


def _python_until(page, code: str, done, timeout: float = 30.0):
    """Poll the kernel until ``done(answer)``: the page's saves are async."""
    deadline = time.monotonic() + timeout
    while True:
        answer = _python(page, code)
        if done(answer) or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def number(text: str) -> float:
    return float(text.replace(MINUS, "-").replace(",", ""))


def shown_grid(root) -> list:
    """The output grid as the page shows it, as numbers."""
    rows = root.locator("[data-grid=Y] tr")
    return [
        [number(t) for t in rows.nth(i).locator("button").all_inner_texts()]
        for i in range(rows.count())
    ]


def pair_inputs(root, legend: str):
    title = root.page.locator("legend").get_by_text(legend, exact=True)
    return root.locator("fieldset").filter(has=title)


def set_pair(root, legend: str, values) -> None:
    inputs = pair_inputs(root, legend).locator("input")
    for a in range(2):
        inputs.nth(a).fill(str(values[a]))


def page_until(read, done, timeout: float = 30.0):
    """Poll the page until ``done(read())``: Python's changes arrive async."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.1)


STATE = "print(json.dumps({name}.state))"


# For each explorer cell: the mime type JupyterLab renders and what it drew.
RENDERED = """() => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    return notebook.widgets.slice(1).map((cell) => {
        const data = cell.model.outputs.get(0)?.data ?? {};
        return [
            notebook.rendermime.preferredMimeType(data, "any"),
            cell.outputArea.node.querySelector("[data-explorer]")?.dataset.explorer,
            cell.outputArea.node.querySelectorAll("select, input").length,
        ];
    });
}"""


def test_each_explorer_renders_as_a_live_widget(lab):
    rendered = lab.evaluate(RENDERED)
    widget = "application/vnd.jupyter.widget-view+json"
    assert [[mime, kind] for mime, kind, _ in rendered] == [
        [widget, kind] for kind in ("correlation", "pooling", "network", "photo")
    ]
    assert all(controls >= 4 for *_, controls in rendered), rendered
    assert lab.locator(".d2l-explorer-static").count() == 0


def test_explorers_fit_their_cells_and_show_keyboard_focus(lab):
    for root in lab.locator(".d2l-x").all():
        fits = root.evaluate(
            "el => el.scrollWidth <= el.clientWidth"
            " && el.getBoundingClientRect().right"
            " <= el.closest('.jp-OutputArea-output').getBoundingClientRect().right"
        )
        assert fits, root.get_attribute("data-explorer")
    select = lab.locator("[data-explorer=pooling] select").first
    select.focus()
    lab.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
    outline = lab.evaluate(
        "() => [document.activeElement.closest('.d2l-x') !== null,"
        " getComputedStyle(document.activeElement).outlineStyle]"
    )
    assert outline[0] and outline[1] != "none", outline


def test_correlation_page_edits_reach_python(lab):
    root = lab.locator("[data-explorer=correlation]")
    set_pair(root, "Padding", [1, 1])
    set_pair(root, "Stride", [2, 2])
    root.get_by_label("K row 1, column 1").fill(f"{MINUS}1")
    reference = explorers.CorrelationPlayground("19-25-37-43")
    reference.set(padding=[1, 1], stride=[2, 2], K=[[-1, 1], [2, 3]])
    expected = reference.check()
    state = _python_until(lab, STATE.format(name="corr"), lambda s: s["Y"] == expected)
    assert [state["padding"], state["stride"]] == [[1, 1], [2, 2]]
    assert state["K"] == [[-1, 1], [2, 3]]
    assert state["Y"] == expected
    assert shown_grid(root) == expected
    # The kernel's own check compares the page's answer with MXNet there.
    assert _python(lab, "print(json.dumps(corr.check()))") == expected


def test_correlation_follows_python(lab):
    root = lab.locator("[data-explorer=correlation]")
    X = [[r * 5 + c - 7 for c in range(5)] for r in range(4)]
    settings = dict(X=X, K=[[1, -1]], padding=[0, 1], stride=[1, 2], dilation=[1, 2])
    _python(lab, f"corr.set(**{settings!r}); print(1)")
    reference = explorers.CorrelationPlayground()
    reference.set(**settings)
    expected = reference.check()
    assert page_until(lambda: shown_grid(root), lambda Y: Y == expected) == expected
    size = pair_inputs(root, "Input size").locator("input")
    assert [size.nth(0).input_value(), size.nth(1).input_value()] == ["4", "5"]
    # A kernel that does not fit: the page states MXNet's rule, as Python does.
    _python(lab, "corr.set(K=[[1], [1], [1]], dilation=[3, 1]); print(1)")
    reference.set(K=[[1], [1], [1]], dilation=[3, 1])
    rule = reference.check()
    formula = root.locator(".formula")
    assert page_until(formula.inner_text, lambda text: text == rule) == rule
    assert shown_grid(root) == []
    state = _python_until(
        lab, STATE.format(name="corr"), lambda s: s["message"] == rule
    )
    assert state["Y"] is None and state["message"] == rule


def test_pooling_both_ways(lab):
    root = lab.locator("[data-explorer=pooling]")
    root.locator("label.mode select").select_option("avg")
    set_pair(root, "Padding", [1, 1])
    reference = explorers.PoolingPlayground("maximum 2x2")
    reference.set(pool_mode="avg", padding=[1, 1])
    expected = reference.check()
    state = _python_until(lab, STATE.format(name="pool"), lambda s: s["Y"] == expected)
    assert state["pool_mode"] == "avg" and state["padding"] == [1, 1]
    assert state["Y"] == expected
    assert shown_grid(root) == expected
    assert _python(lab, "print(json.dumps(pool.check()))") == expected
    # From Python: max pooling pads with minus infinity, so negatives survive.
    settings = dict(
        X=[[-(r + c) for c in range(5)] for r in range(5)],
        window=[3, 3],
        padding=[1, 1],
        stride=[2, 2],
        pool_mode="max",
    )
    _python(lab, f"pool.set(**{settings!r}); print(1)")
    reference.set(**settings)
    expected = reference.check()
    assert page_until(lambda: shown_grid(root), lambda Y: Y == expected) == expected
    assert root.locator("label.mode select").input_value() == "max"


def shown_layers(root) -> list:
    """Each layer's output shape and parameter count, as the page shows them."""
    return [
        [
            [int(v) for v in p.locator(".shape").inner_text().split(" \u00d7 ")],
            int(number(p.locator(".params").inner_text())),
        ]
        for p in root.locator("[data-layer] .result").all()
    ]


def test_network_both_ways(lab):
    root = lab.locator("[data-explorer=network]")
    root.locator('[data-key="k-0"]').fill("3")
    root.locator('[data-key="p-0"]').fill("1")
    state = _python_until(
        lab,
        STATE.format(name="net"),
        lambda s: s["rows"] and s["layers"][0]["k"] == 3 and s["layers"][0]["p"] == 1,
    )
    expected = gluon_rows(state["input"], state["layers"])
    assert expected[0] == {"shape": [6, 28, 28], "params": 6 * (9 + 1)}
    assert [[r["shape"], r["params"]] for r in state["rows"]] == [
        [r["shape"], r["params"]] for r in expected
    ]
    assert _python(lab, "print(json.dumps(net.check()))") == expected
    assert shown_layers(root) == [[r["shape"], r["params"]] for r in expected]
    # From Python: a colour input of 32 x 32.
    _python(lab, "net.set(input=[3, 32, 32]); print(1)")
    expected = [
        [r["shape"], r["params"]] for r in gluon_rows([3, 32, 32], state["layers"])
    ]
    assert page_until(lambda: shown_layers(root), lambda r: r == expected) == expected


def shown_stats(root) -> dict:
    text = root.locator(".stats").inner_text().replace(MINUS, "-")
    match = re.fullmatch(
        r"Output (\d+)\u00d7(\d+), values from (\S+) to (\S+), mean (\S+)\.", text
    )
    assert match, text
    h, w, low, high, mean = match.groups()
    return {
        "shape": [int(h), int(w)],
        "min": float(low),
        "max": float(high),
        "mean": float(mean),
    }


def close_to(shown: dict, expected: dict) -> bool:
    return shown["shape"] == expected["shape"] and all(
        abs(shown[k] - expected[k]) <= 2e-3 for k in ("min", "max", "mean")
    )


def test_photo_both_ways(lab):
    root = lab.locator("[data-explorer=photo]")
    reference = explorers.PhotoFilter("vertical edges", step=6)
    doubled = [[0, 0, 0], [0, 2, 0], [0, 0, 0]]
    _python(lab, f"photo.set(K={doubled!r}); print(1)")
    reference.set(K=doubled)
    expected = reference.check()
    shown = page_until(lambda: shown_stats(root), lambda s: close_to(s, expected))
    assert close_to(shown, expected), (shown, expected)
    # From the page: the centre weight back to 1, an identity kernel.
    root.get_by_label("K row 2, column 2").fill("1")
    identity = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
    state = _python_until(
        lab,
        "print(json.dumps(photo.state))",
        lambda s: s["K"] == identity and s["stats"] is not None,
    )
    assert state["K"] == identity
    reference.set(K=identity)
    expected = reference.check()
    # The kernel's check compares the page's summary with MXNet's.
    assert _python(lab, "print(json.dumps(photo.check()))") == expected
    assert close_to(shown_stats(root), expected)


# The LeNet explorer, in a cell added at the end as a reader would add it: the
# network is section 6's (the book's file), sent to the page by the kernel.
LENET_CELL = "lenet_view = explorers.LeNetExplorer(digit=3)\nlenet_view"
ADD_AND_RUN = """async (code) => {
    const app = window.jupyterapp;
    const notebook = app.shell.currentWidget.content;
    notebook.activeCellIndex = notebook.widgets.length - 1;
    await app.commands.execute("notebook:insert-cell-below");
    notebook.activeCell.model.sharedModel.setSource(code);
    await app.commands.execute("notebook:run-cell");
}"""
PREDICTION = "print(json.dumps(lenet_view.state))"


def test_lenet_explorer_runs_live_and_python_reads_its_prediction(lab):
    lab.evaluate(ADD_AND_RUN, LENET_CELL)
    root = lab.locator("[data-explorer=lenet][data-ready=true]")
    root.wait_for(timeout=CELL_TIMEOUT * 1000)
    cell = lab.locator(".jp-Cell").filter(has=root)
    assert cell.locator(".d2l-explorer-static").count() == 0, "not the live widget"
    # Picked in the page: Python reads the page's prediction, and the kernel's
    # check() holds it to MXNet's forward pass there.
    root.get_by_label("Test digit").select_option("12")
    state = _python_until(
        lab, PREDICTION, lambda s: s["digit"] == 12 and s["prediction"] is not None
    )
    reference = explorers.LeNetExplorer(digit=12).check()
    assert state["prediction"]["label"] == reference["label"]
    assert _python(lab, "print(json.dumps(lenet_view.check()))") == reference
    shown = root.locator(".lx-verdict").first.inner_text()
    assert f"as a {reference['label']}," in shown, shown
    # Drawn on the pad with the mouse: the drawing reaches Python.
    root.get_by_role("button", name="Clear the pad").click()
    box = root.locator("canvas.lx-pad").bounding_box()
    lab.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.2 * box["height"])
    lab.mouse.down()
    lab.mouse.move(
        box["x"] + 0.5 * box["width"], box["y"] + 0.8 * box["height"], steps=12
    )
    lab.mouse.up()
    state = _python_until(
        lab,
        PREDICTION,
        lambda s: (
            s["pixels"] is not None
            and max(s["pixels"]) == 1
            and s["prediction"] is not None
        ),
    )
    drawn = explorers.LeNetExplorer()
    drawn.set(digit=None, pixels=state["pixels"])
    expected = drawn.check()
    assert state["prediction"]["label"] == expected["label"]
    assert _python(lab, "print(json.dumps(lenet_view.check()))") == expected
    # From Python: another digit, moved two pixels; the page follows.
    _python(lab, "lenet_view.set(digit=5, pixels=None, shift=[0, 2]); print(1)")
    verdict = root.locator(".lx-verdict").first
    text = page_until(verdict.inner_text, lambda t: "test digit 6 " in t)
    assert "test digit 6 " in text, text
    moved = root.locator(".lx-controls .lx-note").inner_text()
    assert moved == "Moved 2 right, 0 down.", moved
    # The kernel's network, changed: a large bias on class 9 makes every input
    # a 9, and the page shows it once the network is sent again.
    _python(
        lab,
        "import mxnet as mx\n"
        "changed = lenet_view.net\n"
        "last = changed[len(changed) - 1]\n"
        "last.bias.set_data(last.bias.data() + mx.nd.array([0] * 9 + [100]))\n"
        "lenet_view.update_network(changed)\nprint(1)",
    )
    text = page_until(verdict.inner_text, lambda t: "as a 9," in t)
    assert "as a 9, with probability 1.00" in text, text
    state = _python_until(
        lab,
        PREDICTION,
        lambda s: s["prediction"] is not None and s["prediction"]["label"] == 9,
    )
    assert state["prediction"]["label"] == 9
