"""Timers (rule 3 of :mod:`~snmp_component.kernel.kernel`): ``loop.call_later`` handles
owned by a session; when one fires its event joins the FIFO like any post. A timer counts
as activity of its session, and stopping the session cancels it (POE's ``Events``
resource for alarms and delays)."""

from __future__ import annotations

import asyncio
import itertools
import time
from typing import TYPE_CHECKING, Any

from .session import check_state_name

if TYPE_CHECKING:
    from ._lifetime import _Life
    from .session import Session


class _Timer:
    """A pending timer of one session."""

    __slots__ = ("args", "deadline", "handle", "id", "life", "state")

    def __init__(
        self, tid: int, life: _Life, state: str, deadline: float, args: tuple[Any, ...]
    ) -> None:
        self.id = tid
        self.life = life
        self.state = state
        self.deadline = deadline  # time.monotonic() seconds (the loop's clock on Unix)
        self.args = args
        self.handle: asyncio.TimerHandle | None = None


class TimersMixin:
    """The kernel's timer resource: ``delay``, ``delay_set``, ``delay_adjust``,
    ``alarm_remove``."""

    _loop: asyncio.AbstractEventLoop | None
    _timer_ids: itertools.count[int]
    _unstarted_timers: list[_Timer]

    if TYPE_CHECKING:

        def _current_life(self, what: str) -> _Life: ...

        def _up(self, life: _Life) -> None: ...

        def _down(self, life: _Life) -> None: ...

        def post_as(
            self, sender: Session | None, dest: Session, state: str, *args: Any, **kwargs: Any
        ) -> bool: ...

    def delay(self, state: str, seconds: float | None = None, *args: Any) -> None:
        """Replace the current session's timers for ``state`` with one in ``seconds``.

        ``delay(state)`` with no seconds only clears them (POE's ``delay``).
        """
        life = self._current_life("delay")
        for timer in [t for t in life.timers.values() if t.state == state]:
            self._remove_timer(timer)
        if seconds is not None:
            self.delay_set(state, seconds, *args)

    def delay_set(self, state: str, seconds: float, *args: Any) -> int:
        """Set a timer of the current session; ``state`` is posted to it in ``seconds``.

        Returns:
            The timer id, for :meth:`alarm_remove` and :meth:`delay_adjust`.

        Raises:
            ValueError: ``seconds`` is negative or not a number.
            InvalidStateError: ``state`` is not a valid state name.
            KernelStateError: called outside a state handler.
        """
        life = self._current_life("delay_set")
        check_state_name(state)
        seconds = _check_seconds(seconds)
        timer = _Timer(next(self._timer_ids), life, state, time.monotonic() + seconds, args)
        life.timers[timer.id] = timer
        self._up(life)
        if self._loop is None:
            self._unstarted_timers.append(timer)
        else:
            self._arm(timer)
        return timer.id

    def delay_adjust(self, timer_id: int, seconds: float) -> bool:
        """Move a timer of the current session to fire ``seconds`` from now.

        Returns:
            ``False`` if the current session has no such timer.
        """
        timer = self._current_life("delay_adjust").timers.get(timer_id)
        if timer is None:
            return False
        timer.deadline = time.monotonic() + _check_seconds(seconds)
        if timer.handle is not None:
            timer.handle.cancel()
            self._arm(timer)
        return True

    def alarm_remove(self, timer_id: int) -> tuple[str, float, tuple[Any, ...]] | None:
        """Remove a timer of the current session.

        Returns:
            ``(state, seconds_left, args)`` of the removed timer, or ``None`` if the
            current session has no timer with that id.
        """
        timer = self._current_life("alarm_remove").timers.get(timer_id)
        if timer is None:
            return None
        self._remove_timer(timer)
        return timer.state, max(0.0, timer.deadline - time.monotonic()), timer.args

    def _arm(self, timer: _Timer) -> None:
        assert self._loop is not None
        delay = max(0.0, timer.deadline - time.monotonic())
        timer.handle = self._loop.call_later(delay, self._fire, timer)

    def _arm_unstarted(self) -> None:
        """When the kernel starts: arm the timers set before it ran (still pending)."""
        timers, self._unstarted_timers = self._unstarted_timers, []
        for timer in timers:
            if timer.life.alive and timer.id in timer.life.timers:
                self._arm(timer)

    def _remove_timer(self, timer: _Timer) -> None:
        life = timer.life
        if life.timers.pop(timer.id, None) is None:
            return
        if timer.handle is not None:
            timer.handle.cancel()
        self._down(life)

    def _cancel_timers(self, life: _Life) -> None:
        """The session stops: its timers go (its activity is reset by the caller)."""
        for timer in life.timers.values():
            if timer.handle is not None:
                timer.handle.cancel()
        life.timers.clear()

    def _fire(self, timer: _Timer) -> None:
        life = timer.life
        if life.timers.pop(timer.id, None) is None:
            return
        self.post_as(life.session, life.session, timer.state, *timer.args)
        self._down(life)


def _check_seconds(seconds: object) -> float:
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise ValueError(f"a delay must be a number of seconds, not {seconds!r}")
    if not seconds >= 0:  # also rejects NaN
        raise ValueError(f"a delay must not be negative, got {seconds!r}")
    return float(seconds)
