"""What keeps sessions alive (rule 4 of :mod:`~snmp_component.kernel.kernel`), in records
the kernel owns -- POE's ``Sessions``/``Extrefs`` resources.

Each live session has one :class:`_Life`, made by the kernel when the session registers
and kept in the kernel's table ``_lives`` (by session id). A session's *activity* counts
the events queued to or from it, its timers, its named reference counts and its running
handler tasks; ``_up``/``_down`` are the only ways it changes. A session whose activity
drops to zero and holds no alias is a *candidate*: the next ``_gc`` turn stops it. When
no session is busy any more, the sessions that only hold aliases stop too.

:meth:`LifetimeMixin._finalize` checks, when a run ends, that nothing was left behind
(POE's ``_data_*_finalize`` leak checks).
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from .errors import NoSuchSessionError
from .session import Session

if TYPE_CHECKING:
    from ._timers import _Timer
    from .kernel import Destination

log = logging.getLogger("snmp_component.kernel")


_NO_TASKS: set[Any] = set()  # every session's until it runs a handler task (never changed)


class _Life:
    """The kernel's record of one session: whether it lives, and what keeps it alive."""

    __slots__ = (
        "activity",
        "aliases",
        "alive",
        "queued",
        "refcounts",
        "session",
        "stopping",
        "tasks",
        "timers",
    )

    def __init__(self, session: Session) -> None:
        self.session = session
        self.alive = True
        self.stopping = False  # its _stop is running (or ran)
        self.activity = 0  # queued events in and out + timers + refcounts + tasks
        self.queued = 0  # events queued to it
        self.timers: dict[int, _Timer] = {}
        self.refcounts: dict[str, int] = {}
        # (an empty shared set and a tuple: a session keeps no set of its own for these
        # until it runs a task, and a tuple of one alias costs 48 bytes where a set costs 216)
        self.tasks: set[asyncio.Future[Any]] = _NO_TASKS
        self.aliases: tuple[str, ...] = ()


class LifetimeMixin:
    """The kernel's lifetime resource: ``_lives``, activity, reference counts, ``_gc``."""

    _lives: dict[int, _Life]
    _aliases: dict[str, Session]
    _busy: int  # sessions whose activity is > 0
    _candidates: list[_Life]  # sessions whose activity reached 0
    _loop: asyncio.AbstractEventLoop | None
    _done: asyncio.Future[None] | None
    _gc_scheduled: bool
    _queue: deque[Any]

    if TYPE_CHECKING:

        def _resolve(self, dest: object) -> _Life | None: ...

        def _stop_life(self, life: _Life) -> None: ...

    def _up(self, life: _Life) -> None:
        if life.alive:
            if life.activity == 0:
                self._busy += 1
            life.activity += 1

    def _down(self, life: _Life) -> None:
        if life.alive:
            life.activity -= 1
            if life.activity == 0:
                self._busy -= 1
                self._note_idle(life)

    def _note_idle(self, life: _Life) -> None:
        # Before the kernel runs nothing is collected: run_async() looks at every session
        # once when it starts, so the candidates do not pile up in the meantime. A session
        # that holds an alias while another is busy is nothing for _gc either (it stops
        # only once no session is busy, which the last one's _down notes; or once it
        # loses its aliases, which alias_remove notes): no loop turn per idle moment of a
        # component between two requests.
        if life.aliases and self._busy > 0:
            return
        if life.activity == 0 and self._loop is not None:
            self._candidates.append(life)
            self._schedule_gc()

    def _schedule_gc(self) -> None:
        if not self._gc_scheduled and self._loop is not None:
            self._gc_scheduled = True
            self._loop.call_soon(self._gc)

    def _gc(self) -> None:
        """Stop sessions that have nothing left to do (rule 4 of the kernel's doc)."""
        self._gc_scheduled = False
        while self._candidates:
            candidates, self._candidates = self._candidates, []
            for life in candidates:
                if life.alive and life.activity == 0 and not life.aliases:
                    self._stop_life(life)
        if self._busy == 0:
            for life in list(self._lives.values()):
                log.debug("stopping %r: it only holds aliases", life.session)
                self._stop_life(life)
        self._check_done()

    def _check_done(self) -> None:
        done = self._done
        if done is not None and not self._lives and not done.done():
            done.set_result(None)

    def _finalize(self) -> None:
        """When a run ends with no session left: warn about anything left behind."""
        leaks = []
        if self._aliases:
            leaks.append(f"aliases {sorted(self._aliases)}")
        if self._busy:
            leaks.append(f"{self._busy} busy sessions")
        if self._queue:
            leaks.append(f"{len(self._queue)} queued events")
        if leaks and not self._lives:
            log.warning("!!! kernel leaked %s", ", ".join(leaks))

    def refcount_increment(self, dest: Destination, name: str) -> int:
        """Add one to a named reference count of a session; it keeps the session alive.

        Returns:
            The new count.

        Raises:
            NoSuchSessionError: ``dest`` is not a live session.
        """
        if type(dest) is Session:  # what components pass, twice a request: _resolve inlined
            life = dest._life
            if life is not None and (not life.alive or dest.kernel is not self):
                life = None
        else:
            life = self._resolve(dest)
        if life is None:
            raise NoSuchSessionError(f"refcount_increment: no session {dest!r}")
        refcounts = life.refcounts
        count = refcounts.get(name, 0) + 1
        refcounts[name] = count
        if life.activity == 0:  # _up, inlined (every request of a component passes here)
            self._busy += 1
        life.activity += 1
        return count

    def refcount_decrement(self, dest: Destination, name: str) -> int:
        """Take one from a named reference count (see :meth:`refcount_increment`).

        Returns:
            The new count; ``0`` also when the session is gone or the count was 0.
        """
        if type(dest) is Session:  # (as in refcount_increment)
            life = dest._life
            if life is not None and (not life.alive or dest.kernel is not self):
                life = None
        else:
            life = self._resolve(dest)
        if life is None:
            return 0
        count = life.refcounts.get(name, 0)
        if count <= 0:
            log.warning("refcount_decrement of %r on %r below zero ignored", name, life.session)
            return 0
        if count == 1:
            del life.refcounts[name]
        else:
            life.refcounts[name] = count - 1
        if life.activity > 1 and life.alive:  # _down, inlined where it cannot idle the session
            life.activity -= 1
        else:
            self._down(life)
        return count - 1

    def refcounts(self, dest: Destination) -> dict[str, int]:
        """A copy of a session's named reference counts (empty when it is gone)."""
        life = self._resolve(dest)
        return {} if life is None else dict(life.refcounts)
