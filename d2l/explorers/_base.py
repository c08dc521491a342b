"""What every in-page explorer shares: state, the live widget, the static page.

An explorer is one JavaScript module (``export default { render }``, the
anywidget convention) and a Python object holding its state, a plain dict.

* In a live notebook (``live_frontend()``) the object displays an anywidget
  whose one synced trait, ``state``, is that dict: Python sets it, the page
  writes its answer into it, and Python reads the answer back.
* Anywhere else (the run that stores the book's outputs, nbval, a script) it
  displays ``text/html`` only: a static rendering of the state (tables or a
  picture, for readers without JavaScript) followed by the state as JSON,
  named by its module's file. When the book is built, that element becomes
  one inline script holding the module, a plain-object model (``_static.js``)
  and the state, which replaces the static rendering with the explorer, with
  no kernel and no request. No widget is created, so no widget state or
  widget-view output is stored in the notebook.
"""

from __future__ import annotations

import copy
import html
import json
import os
import sys
from importlib import resources
from typing import Any, Dict

__all__ = ["Explorer", "live_frontend", "module_source", "html_table"]

State = Dict[str, Any]


def live_frontend() -> bool:
    """True when a Jupyter front end that can show widgets runs this kernel.

    The variable ``D2L_WIDGETS`` (``1`` or ``0``) decides when set; otherwise a
    kernel started by a Jupyter server (which sets ``JPY_SESSION_NAME``) or
    running in Colab counts as live.

    Examples
    --------
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"D2L_WIDGETS": "0"}):
    ...     live_frontend()
    False
    """
    flag = os.environ.get("D2L_WIDGETS")
    if flag is not None:
        return flag == "1"
    return "JPY_SESSION_NAME" in os.environ or "google.colab" in sys.modules


def module_source(name: str) -> str:
    """The text of the JavaScript file ``name`` beside this module."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _script_safe(text: str) -> str:
    # "</" would end the inline <script> early; "<\/" means the same in JS.
    return text.replace("</", "<\\/")


def html_table(rows: list, caption: str, cell=str) -> str:
    """A small HTML table with a caption (the static rendering's building block).

    Examples
    --------
    >>> html_table([[1, 2]], "Y")
    '<table><caption>Y</caption><tr><td>1</td><td>2</td></tr></table>'
    """
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell(v))}</td>" for v in row) + "</tr>"
        for row in rows
    )
    return f"<table><caption>{html.escape(caption)}</caption>{body}</table>"


class Explorer:
    """Base class: subclasses name their ``module`` and check their state."""

    module = ""  # the JavaScript file beside this one
    widget_name = "Explorer"

    def __init__(self, state: State) -> None:
        self._state = self._checked(state)
        self._widget = None

    # -- state -----------------------------------------------------------
    def _checked(self, state: State) -> State:
        """Return a checked copy of ``state`` (subclasses validate fields)."""
        return copy.deepcopy(state)

    @property
    def state(self) -> State:
        """A copy of the current state, including what the page wrote back."""
        return copy.deepcopy(self._state)

    def set(self, **changes: Any) -> None:
        """Change fields of the state; in a live notebook the page follows.

        Every field is checked first, so a rejected call changes nothing.
        The page's previous answer is dropped until it computes a new one.
        """
        unknown = sorted(set(changes) - set(self._editable()))
        if unknown:
            raise ValueError(
                f"`{unknown[0]}` must be one of {sorted(self._editable())}"
            )
        state = self._checked({**self._state, **changes, **self._no_answer()})
        self._state = state
        if self._widget is not None:
            self._widget.state = copy.deepcopy(state)

    def _editable(self) -> tuple:
        return ()

    def _no_answer(self) -> State:
        """The fields the page writes, reset (the page fills them in)."""
        return {}

    # -- displays --------------------------------------------------------
    def static_html(self) -> str:
        """What a reader without JavaScript sees (subclasses override)."""
        raise NotImplementedError

    def page_html(self) -> str:
        """The ``text/html`` output: static rendering, then the module and state.

        The state is stored as JSON under the module's file name; the book's
        build puts the module's code in its place (``chapters/_site/
        book_explorers.py``), so a change to the JavaScript leaves the stored
        notebooks as they are.
        """
        source = module_source(self.module)
        if source.count("export default") != 1 or "</script" in source:
            raise RuntimeError(f"{self.module} must have one `export default`")
        state = _script_safe(json.dumps(self._state, separators=(",", ":")))
        return (
            f'<div class="d2l-explorer-static">{self.static_html()}</div>'
            f'<script type="application/json" data-d2l-explorer="{self.module}">'
            f"{state}</script>"
        )

    @property
    def widget(self):
        """The live anywidget, built on first use; its ``state`` is synced."""
        if self._widget is None:
            import anywidget
            import traitlets

            extra = self._synced_besides_state()
            cls = type(
                self.widget_name,
                (anywidget.AnyWidget,),
                {
                    "_esm": module_source(self.module),
                    "state": traitlets.Dict().tag(sync=True),
                    **{name: trait for name, (trait, _) in extra.items()},
                },
            )
            values = {name: value for name, (_, value) in extra.items()}
            self._widget = cls(state=copy.deepcopy(self._state), **values)
            self._widget.observe(self._from_page, names="state")
        return self._widget

    def _synced_besides_state(self) -> Dict[str, Any]:
        """Other traits the widget syncs, as ``{name: (trait, first value)}``."""
        return {}

    def _from_page(self, change: dict) -> None:
        self._state = copy.deepcopy(change["new"])

    def _repr_mimebundle_(
        self, include: Any | None = None, exclude: Any | None = None
    ) -> Dict[str, Any]:
        bundle = {"text/plain": repr(self), "text/html": self.page_html()}
        if live_frontend():
            view = self.widget._repr_mimebundle_()
            # anywidget returns (data, metadata); ipywidgets returns data.
            bundle.update(view[0] if isinstance(view, tuple) else view)
        return bundle

    def __repr__(self) -> str:
        preset = self._state.get("preset")
        shown = f"preset={preset!r}" if preset else "your own settings"
        return f"{type(self).__name__}({shown})"
