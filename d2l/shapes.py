"""The output-shape formula of convolution and pooling layers."""

from __future__ import annotations

from typing import Tuple

from . import _checks
from ._checks import IntOrPair

__all__ = ["conv_output_shape"]


def conv_output_shape(
    input_shape: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
) -> Tuple[int, int]:
    """Return the (height, width) that ``nn.Conv2D`` or ``nn.MaxPool2D`` produce.

    Each axis follows ``floor((n - k + 2 p + s) / s)``, where ``p`` is the
    padding added on *each* side, as in Gluon.

    Parameters
    ----------
    input_shape : int or (int, int)
        Height and width of the input (an int means a square input).
    kernel_size : int or (int, int)
        Kernel or pooling window; must fit in the padded input.
    padding : int or (int, int), default 0
        Rows (columns) of zeros added on each side.
    stride : int or (int, int), default 1

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> conv_output_shape((8, 8), 3, padding=1, stride=2)
    (4, 4)
    >>> conv_output_shape((8, 8), (3, 5), padding=(0, 1), stride=(3, 4))
    (2, 2)
    """
    n = _checks.pair("input_shape", input_shape)
    k = _checks.pair("kernel_size", kernel_size)
    p = _checks.pair("padding", padding, minimum=0)
    s = _checks.pair("stride", stride)
    padded = (n[0] + 2 * p[0], n[1] + 2 * p[1])
    _checks.fits("kernel_size", k, "the padded input", padded)
    return (
        (padded[0] - k[0] + s[0]) // s[0],
        (padded[1] - k[1] + s[1]) // s[1],
    )
