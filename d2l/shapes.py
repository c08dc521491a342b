"""The output-shape formula of convolution and pooling layers."""

from __future__ import annotations

from typing import Tuple

from . import _checks
from ._checks import IntOrPair

__all__ = ["conv_output_shape", "effective_kernel_size"]


def effective_kernel_size(
    kernel_size: IntOrPair, dilation: IntOrPair = 1
) -> Tuple[int, int]:
    """Return the (height, width) a dilated kernel spans: ``d (k - 1) + 1``.

    Parameters
    ----------
    kernel_size : int or (int, int)
    dilation : int or (int, int), default 1
        Step between the input entries that neighbouring kernel entries read.

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> effective_kernel_size(3, dilation=2)
    (5, 5)
    >>> effective_kernel_size((3, 1), dilation=(4, 1))
    (9, 1)
    """
    k = _checks.pair("kernel_size", kernel_size)
    d = _checks.pair("dilation", dilation)
    return d[0] * (k[0] - 1) + 1, d[1] * (k[1] - 1) + 1


def conv_output_shape(
    input_shape: IntOrPair,
    kernel_size: IntOrPair,
    padding: IntOrPair = 0,
    stride: IntOrPair = 1,
    dilation: IntOrPair = 1,
) -> Tuple[int, int]:
    """Return the (height, width) that ``nn.Conv2D`` or ``nn.MaxPool2D`` produce.

    Each axis follows ``floor((n - k_eff + 2 p + s) / s)``, where ``p`` is the
    padding added on *each* side, as in Gluon, and ``k_eff = d (k - 1) + 1``
    is the span of the kernel dilated by ``d`` (pooling layers have ``d = 1``).

    Parameters
    ----------
    input_shape : int or (int, int)
        Height and width of the input (an int means a square input).
    kernel_size : int or (int, int)
        Kernel or pooling window; once dilated it must fit in the padded input.
    padding : int or (int, int), default 0
        Rows (columns) of zeros added on each side.
    stride : int or (int, int), default 1
    dilation : int or (int, int), default 1
        As ``nn.Conv2D(dilation=...)``: 1 reads neighbouring entries.

    Returns
    -------
    (int, int)

    Examples
    --------
    >>> conv_output_shape((8, 8), 3, padding=1, stride=2)
    (4, 4)
    >>> conv_output_shape((8, 8), (3, 5), padding=(0, 1), stride=(3, 4))
    (2, 2)
    >>> conv_output_shape((8, 8), 3, dilation=2)
    (4, 4)
    """
    n = _checks.pair("input_shape", input_shape)
    p = _checks.pair("padding", padding, minimum=0)
    s = _checks.pair("stride", stride)
    k = effective_kernel_size(kernel_size, dilation)
    padded = (n[0] + 2 * p[0], n[1] + 2 * p[1])
    # Name the dilation too when it is what makes the kernel too large.
    name = (
        "kernel_size"
        if k == _checks.pair("kernel_size", kernel_size)
        else ("kernel_size` dilated by `dilation")
    )
    _checks.fits(name, k, "the padded input", padded)
    return (
        (padded[0] - k[0] + s[0]) // s[0],
        (padded[1] - k[1] + s[1]) // s[1],
    )
