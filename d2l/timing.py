"""A small stopwatch for comparing implementations."""

from __future__ import annotations

import time
from typing import List

__all__ = ["Timer"]


class Timer:
    """Record several running times; starts on creation.

    Examples
    --------
    >>> timer = Timer()
    >>> elapsed = timer.stop()
    >>> elapsed >= 0 and len(timer.times) == 1
    True
    """

    def __init__(self) -> None:
        self.times: List[float] = []
        self.start()

    def start(self) -> None:
        """Start (or restart) the stopwatch."""
        self._begin = time.perf_counter()

    def stop(self) -> float:
        """Stop the stopwatch, record the time and return it in seconds."""
        self.times.append(time.perf_counter() - self._begin)
        return self.times[-1]

    def avg(self) -> float:
        """Return the average of the recorded times (0.0 when none)."""
        return self.sum() / len(self.times) if self.times else 0.0

    def sum(self) -> float:
        """Return the total of the recorded times."""
        return float(sum(self.times))

    def cumsum(self) -> List[float]:
        """Return the running totals of the recorded times."""
        totals, running = [], 0.0
        for t in self.times:
            running += t
            totals.append(running)
        return totals
