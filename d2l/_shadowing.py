"""Say so when d2l.ai's own ``d2l`` package is installed beside this one.

Both packages are imported as ``d2l``. Whichever Python finds first wins and
hides the other, and pip warns about neither. When this book's package wins
(this module runs), d2l.ai's distribution may still be installed, half
overwritten or about to win after the next reinstall: one warning says so.
(When d2l.ai's wins, ``d2l_compat`` warns at the import instead.)
"""

from __future__ import annotations

import warnings
from importlib import metadata

__all__ = ["d2l_ai_version", "warn_if_d2l_ai_installed"]


def d2l_ai_version() -> str | None:
    """The version of the installed ``d2l`` distribution (d2l.ai's), or None.

    Examples
    --------
    >>> d2l_ai_version() is None or d2l_ai_version()[0].isdigit()
    True
    """
    try:
        return metadata.version("d2l")
    except metadata.PackageNotFoundError:
        return None


def warn_if_d2l_ai_installed() -> None:
    """Warn once when d2l.ai's package shares this environment."""
    version = d2l_ai_version()
    if version is None:
        return
    warnings.warn(
        f"d2l.ai's package d2l {version} is installed here too, under the same"
        " import name: `import d2l` gives this book's package now (its"
        " `d2l.mxnet` runs d2l.ai's MXNet code for the CNN chapter), but"
        " installing or removing either can break the other; keep d2l.ai's"
        " package in an environment of its own (`pip uninstall -y d2l` here).",
        stacklevel=3,
    )
