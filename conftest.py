"""Loaded by pytest for every path in the repository, notebooks included.

nbval's kernels inherit this process's environment, and MPLBACKEND set to a
non-interactive backend there (Agg, as some CI images do) keeps every figure
from displaying inline, so the stored figures would go missing. tests/conftest.py
is not loaded when only notebooks are collected, hence this file.
"""

import os

os.environ.pop("MPLBACKEND", None)
