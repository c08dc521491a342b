"""Where the browser tests find Chromium and axe-core, and how they start them.

Debian's ``chromium`` (``make browser`` installs it), headless, with the
background services off: this machine's network is closed, and a browser
that tries to reach it stalls.

axe-core is pinned (``AXE_VERSION``) and installed from npm into
``.cache/axe`` by ``make browser``; the tests put it into each page they
check. (PyPI packages such as axe-playwright-python bundle an older axe,
4.12, which misses label-in-name failures that 4.14 finds.)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_VERSION = "4.14.1"
AXE_FILE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_source() -> str:
    """The pinned axe-core script; the test fails if it is missing or another one."""
    if not AXE_FILE.is_file():
        pytest.fail(f"axe-core {AXE_VERSION} is missing: run `make browser`.")
    source = AXE_FILE.read_text(encoding="utf-8")
    if f"axe v{AXE_VERSION}" not in source[:200]:
        pytest.fail(f"{AXE_FILE} is not axe-core {AXE_VERSION}: run `make browser`.")
    return source


def run_axe(page, tags=WCAG_21_AA, within: str | None = None) -> dict:
    """axe-core's results for the page as it is now.

    ``tags`` chooses the rules (WCAG 2.1 A and AA by default; None runs them
    all, best practices included). ``within``, a CSS selector, limits the
    check to the elements it matches (which must exist). ``preload`` is off:
    axe would fetch the style sheets again, which ``file://`` refuses.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    options = {"preload": False}
    if tags is not None:
        options["runOnly"] = {"type": "tag", "values": list(tags)}
    if within is not None:
        found = page.locator(within).count()
        assert found, f"axe: nothing matches {within!r}"
    results = page.evaluate(
        "([within, options]) => axe.run(within ?? document, options)",
        [within, options],
    )
    assert results["testEngine"]["version"] == AXE_VERSION, results["testEngine"]
    return results


def launched_browser():
    """Headless Chromium for a test module, closed when the module is done.

    Fails, rather than skips, without Chromium: the browser tests are part of
    ``make test``.
    """
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail("Chromium is missing: run `make browser` to install it.")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
