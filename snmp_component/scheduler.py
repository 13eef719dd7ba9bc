"""The kernel-wide cap on SNMP requests in flight, and whose turn it is when a slot frees.

Every component of a kernel shares one :class:`Scheduler` (``SNMPComponent.set_kernel_limit``;
1,000 by default); each component's own ``MaxInFlight`` applies too. A component takes
a slot per request it puts on the wire (a walk holds one for all its PDUs) and gives it
back with the request's answer. A component that finds no slot free is queued, once, in
FIFO order, with the callable that resumes it; as slots free, the scheduler calls those
in turn -- it knows nothing else of components.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from .kernel import Kernel

__all__ = ["DEFAULT_KERNEL_MAX_IN_FLIGHT", "Scheduler", "scheduler_of"]

DEFAULT_KERNEL_MAX_IN_FLIGHT = 1000

Resume = Callable[[], None]
"""What a waiting component gives the scheduler: call it when a slot may be free."""


class Scheduler:
    """Slots for requests in flight across one kernel's components.

    Attributes:
        limit: the number of slots.
        used: slots taken now.
    """

    __slots__ = ("_waiting", "limit", "used")

    def __init__(self, limit: int = DEFAULT_KERNEL_MAX_IN_FLIGHT) -> None:
        self.limit = limit
        self.used = 0
        self._waiting: dict[Resume, None] = {}  # FIFO; one entry per waiting component

    def take(self, resume: Resume) -> bool:
        """A slot now (True), or ``resume`` joins the waiting line (False) to be called
        in its turn once slots free."""
        if self.used < self.limit:
            self.used += 1
            return True
        self._waiting.setdefault(resume, None)
        return False

    def give(self) -> None:
        """A slot back; the components waiting get their turns while slots are free."""
        self.used -= 1
        if self._waiting:
            self.admit()

    def set_limit(self, limit: int) -> None:
        """Change the number of slots (a raised cap admits waiting components now)."""
        self.limit = limit
        self.admit()

    def admit(self) -> None:
        """Resume waiting components, oldest first, while slots are free: each takes what
        it needs (and may wait again, at the end of the line)."""
        waiting = self._waiting
        while waiting and self.used < self.limit:
            resume = next(iter(waiting))
            del waiting[resume]
            resume()

    @property
    def waiting(self) -> int:
        """Components waiting for a slot."""
        return len(self._waiting)


_schedulers: weakref.WeakKeyDictionary[Kernel, Scheduler] = weakref.WeakKeyDictionary()


def scheduler_of(kernel: Kernel) -> Scheduler:
    """``kernel``'s scheduler (made on first use)."""
    scheduler = _schedulers.get(kernel)
    if scheduler is None:
        scheduler = _schedulers[kernel] = Scheduler()
    return scheduler
