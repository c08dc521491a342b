"""House rules for the stored notebooks, checked without running them.

nbval proves that the stored outputs are what the code prints; these tests
catch what nbval cannot see: a marker it silently ignores, outputs stored out
of order, an error nobody meant to keep, a widget that would render broken.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parent.parent / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("*.ipynb"))
MARKER = re.compile(r"#\s*NBVAL_\w+")
# nbval only honours a marker that is the whole comment: "# NBVAL_IGNORE_OUTPUT".
HONOURED = {"NBVAL_IGNORE_OUTPUT", "NBVAL_CHECK_OUTPUT", "NBVAL_RAISES_EXCEPTION"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"])]


def _ids(paths):
    return [p.stem for p in paths]


def test_every_toc_chapter_is_a_notebook_here():
    toc = (CHAPTERS.parent / "_toc.yml").read_text(encoding="utf-8")
    listed = set(re.findall(r"file: chapters/(\w+)", toc))
    assert {p.stem for p in NOTEBOOKS} <= listed
    assert len(NOTEBOOKS) >= 7


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_opens_with_an_h1_title(path):
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    assert first["cell_type"] == "markdown"
    assert "".join(first["source"]).startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_outputs_were_stored_top_to_bottom_in_one_kernel(path):
    counts = [c["execution_count"] for c in _code_cells(path)]
    assert None not in counts, "a code cell was never executed"
    assert counts == list(range(1, len(counts) + 1)), counts


TRAINING = [p for p in NOTEBOOKS if "train_classifier" in p.read_text(encoding="utf-8")]
# What a training run's digits depend on besides the seed: the number of
# OpenMP threads, and the instruction set whose oneDNN kernels run (AVX-512
# and AVX2 round differently; a fresh clone on an AVX2-only CPU printed other
# accuracies than the stored ones, computed on an AVX-512 CPU).
PINNED = {"OMP_NUM_THREADS": "1", "DNNL_MAX_CPU_ISA": "AVX2"}


def _pins_before_mxnet(source: str) -> dict[str, str]:
    """The os.environ assignments made before anything imports MXNet."""
    pins = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + [getattr(node, "module", "")]
            if any((n or "").split(".")[0] in ("mxnet", "d2l") for n in names):
                break
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            target = node.targets[0]
            if isinstance(target, ast.Subscript) and ast.unparse(target.value) == (
                "os.environ"
            ):
                pins[ast.literal_eval(target.slice)] = node.value.value
    return pins


@pytest.mark.parametrize("path", TRAINING, ids=_ids(TRAINING))
def test_training_pages_pin_threads_and_instruction_set_before_mxnet(path):
    # The pins are plumbing: the cell that sets them is hidden from the page
    # (the text says in one sentence why the numbers repeat exactly).
    first = _code_cells(path)[0]
    assert "remove-input" in first.get("metadata", {}).get("tags", [])
    pins = _pins_before_mxnet("".join(first["source"]))
    assert {k: pins.get(k) for k in PINNED} == PINNED


def test_pins_count_only_before_the_first_mxnet_or_d2l_import():
    pin = 'os.environ["A"] = "1"'
    assert _pins_before_mxnet(f"import os\n{pin}\nimport mxnet") == {"A": "1"}
    assert _pins_before_mxnet(f"import os\n# {pin}\nimport mxnet") == {}
    for first in ("import d2l", "from mxnet import nd", "import mxnet.ndarray"):
        assert _pins_before_mxnet(f"import os\n{first}\n{pin}") == {}, first


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_nbval_markers_are_whole_comments_with_a_reason(path):
    for cell in _code_cells(path):
        lines = "".join(cell["source"]).splitlines()
        for n, line in enumerate(lines):
            if not MARKER.match(line.strip()):
                continue
            marker = line.strip().lstrip("#").strip()
            assert marker in HONOURED, f"nbval ignores {line.strip()!r}"
            reason = lines[n + 1].strip() if n + 1 < len(lines) else ""
            assert reason.startswith("#"), f"{marker} needs a comment saying why"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_only_cells_tagged_to_raise_store_an_error(path):
    for cell in _code_cells(path):
        tags = cell.get("metadata", {}).get("tags", [])
        has_error = any(o["output_type"] == "error" for o in cell["outputs"])
        assert has_error == ("raises-exception" in tags), "".join(cell["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_no_widget_is_stored_to_render_broken_in_the_book(path):
    for cell in _code_cells(path):
        for output in cell["outputs"]:
            assert WIDGET_VIEW not in output.get("data", {})


def test_only_timings_and_rounding_escape_comparison():
    ignored = {
        path.stem: sum(
            "NBVAL_IGNORE_OUTPUT" in "".join(c["source"]) for c in _code_cells(path)
        )
        for path in NOTEBOOKS
    }
    # The five section notebooks teach with their outputs: at most one cell
    # (a rounding difference that depends on the CPU) escapes comparison.
    sections = {"01", "02", "03", "04", "05"}
    assert all(n <= 1 for stem, n in ignored.items() if stem[:2] in sections)
    assert "NBVAL_SKIP" not in "".join(p.read_text(encoding="utf-8") for p in NOTEBOOKS)


UNCOMPARED_TAG = "nbval-ignore-output"
UNCOMPARED_NOTE = "(stored, not compared)."


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_a_cell_left_uncompared_says_why_in_its_first_line(path):
    # nbval skips the outputs of a cell tagged nbval-ignore-output (timings,
    # what a library picks for this processor). The page says which of its
    # outputs are not checked, so such a cell opens with a comment ending in
    # UNCOMPARED_NOTE, and a cell whose comment says so carries the tag.
    for cell in _code_cells(path):
        first = "".join(cell["source"]).splitlines()[0]
        says = first.startswith("# ") and first.endswith(UNCOMPARED_NOTE)
        tagged = UNCOMPARED_TAG in cell.get("metadata", {}).get("tags", [])
        assert says == tagged, f"{cell.get('id')}: {first!r}, tagged: {tagged}"


SECTIONS = [p for p in NOTEBOOKS if p.stem[:2] in {f"{n:02d}" for n in range(1, 11)}]
FURTHER_READING = re.compile(
    r":::\{admonition\} Further reading\n:class: seealso\n(.*?):::", re.S
)


@pytest.mark.parametrize("path", SECTIONS, ids=_ids(SECTIONS))
def test_each_section_ends_with_a_further_reading_box_of_links(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    text = "\n".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown"
    )
    boxes = FURTHER_READING.findall(text)
    assert len(boxes) == 1, "one Further reading box per section"
    links = re.findall(r"\]\((https?://[^)\s]+)\)", boxes[0])
    assert len(links) >= 2 and all(
        u.startswith("https://") or "lecun.com" in u for u in links
    )
