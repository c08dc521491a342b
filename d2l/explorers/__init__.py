"""Explorers: knobs a reader turns to see convolution and pooling compute.

The in-page explorers (``CorrelationPlayground``, ``PoolingPlayground``,
``NetworkCalculator``, ``PhotoFilter``) are each one JavaScript module beside
the Python that serves it: a live anywidget in JupyterLab, and the same module
inlined in the built book, where it runs with no kernel and no network (see
``_base``).

Examples
--------
>>> from d2l import explorers
>>> explorers.CorrelationPlayground("19-25-37-43").check()
[[19, 25], [37, 43]]
"""

from ._base import live_frontend
from .lenet import LeNetExplorer
from .network import NETWORK_PRESETS, NetworkCalculator
from .photo import KERNEL_PRESETS, PhotoFilter, load_photo
from .sliding import (
    CORRELATION_PRESETS,
    POOLING_PRESETS,
    CorrelationPlayground,
    PoolingPlayground,
)

__all__ = [
    "CORRELATION_PRESETS",
    "CorrelationPlayground",
    "KERNEL_PRESETS",
    "LeNetExplorer",
    "NETWORK_PRESETS",
    "NetworkCalculator",
    "POOLING_PRESETS",
    "PhotoFilter",
    "PoolingPlayground",
    "live_frontend",
    "load_photo",
]
