"""Measure how long the event loop's thread works between two turns of a ticker task.

A stall is what a library makes every other task on the loop wait. It is measured in the
loop thread's CPU time (``time.thread_time``), so a busy machine (the other core running
the rest of the suite) does not count, and with the garbage collector paused after one
full collection, so a collection of the whole suite's garbage does not count either.
"""

from __future__ import annotations

import asyncio
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

STALL_BOUND = 0.020
"""The promise (README): no library-caused stall longer than this."""


class StallMeter:
    """Run :meth:`ticker` as a task beside the code under test; read :attr:`worst`."""

    def __init__(self) -> None:
        self.gaps: list[float] = []

    async def ticker(self, until: Callable[[], bool]) -> None:
        """Tick on every loop turn until ``until()`` is true."""
        last = time.thread_time()
        while not until():
            await asyncio.sleep(0)
            now = time.thread_time()
            self.gaps.append(now - last)
            last = now

    @property
    def worst(self) -> float:
        return max(self.gaps, default=0.0)

    def check(self) -> None:
        """Fail unless the loop turned while measured and never stalled past the bound."""
        assert len(self.gaps) >= 2, "the ticker never ran while the work was done"
        assert self.worst < STALL_BOUND, f"worst stall {self.worst * 1000:.1f} ms of CPU"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Collect once, then keep the collector off for the block."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
