"""A POE-style kernel on asyncio: sessions, a FIFO event queue, timers, aliases.

Rules this module keeps (POE::Kernel's, mapped onto asyncio):

1. ``post`` never dispatches inline. Events go to one kernel-wide FIFO deque; a drain
   scheduled with ``loop.call_soon`` dispatches at most the events that were queued when
   it started, and stops early once it has run for :data:`SLICE_SECONDS`; then it yields
   to the loop (so timers, socket callbacks and other tasks run between slices) and
   reschedules itself if events are left. A burst of any size therefore never holds the
   loop for longer than one slice plus one handler. Per-sender order is post order.
   An I/O callback may wrap its deliveries in ``batch()``: what their handlers post is
   then dispatched when the block ends, in the same loop turn (still after the posting
   handler returned, still FIFO).
2. ``call`` dispatches inline and returns the handler's value (with a depth guard).
3. Timers are ``loop.call_later`` handles owned by a session; when one fires its event
   joins the FIFO like any post. Stopping a session cancels its timers.
4. Lifetime: a session's *activity* counts events queued to or from it, its timers,
   its named reference counts and its running handler tasks. A session whose activity
   drops to zero and holds no alias stops. When no session has any activity left, the
   sessions that only hold aliases stop too, and ``run()`` returns.
5. A handler that raises ``Exception`` is logged and routed to its session's ``_error``
   state if it has one; the kernel keeps running. ``BaseException`` propagates.
6. ``_start`` runs inside ``Session.create``; ``_stop`` runs once when a session stops,
   and posts made from ``_stop`` are dropped (``post`` returns ``False``).
7. ``stop()`` (also when the task running ``run_async()`` is cancelled) has two phases.
   First, while every session is still alive, each session with a ``_shutdown`` handler
   gets it, with the events that were queued for it and are now dropped (``ev.arg0``, a
   tuple of :class:`Event`), so that it can answer whatever it owes other sessions with
   ``call``; ``post`` refuses new events from here on. Then every session stops.

Only ``post_threadsafe`` may be used from another thread.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable
from contextlib import AbstractContextManager
from typing import Any

from pyee import EventEmitter

from ._lifetime import _NO_TASKS, LifetimeMixin, _Life
from ._timers import TimersMixin
from .errors import (
    AliasInUseError,
    KernelStateError,
    NoSuchSessionError,
    UnknownStateError,
)
from .event import Event
from .session import _PYEE_TABLE, Handler, Session

log = logging.getLogger("snmp_component.kernel")

Destination = str | int | Session
"""Where an event goes: an alias, a session id, or the session itself."""

MAX_CALL_DEPTH = 64

SLICE_SECONDS = 0.004
"""How long one drain of the queue may dispatch before it yields to the loop (rule 1)."""

_Queued = tuple[_Life, _Life | None, str, tuple[Any, ...], dict[str, Any] | None]
"""A queued event: destination, sender, state, args, kwargs (``None`` when empty)."""


class _Batch(AbstractContextManager[None]):
    """The active form of :meth:`Kernel.batch` (one per kernel, reused: while it is
    entered ``_drain_scheduled`` is set, so a nested ``batch()`` gets the no-op form)."""

    __slots__ = ("kernel",)

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    def __enter__(self) -> None:
        self.kernel._drain_scheduled = True  # posts inside the block do not schedule a drain

    def __exit__(self, *exc_info: object) -> None:
        kernel = self.kernel
        kernel._drain_scheduled = False
        if kernel._queue:
            kernel._dispatch_queued()


class _NoBatch(AbstractContextManager[None]):
    """The no-op form of :meth:`Kernel.batch`."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc_info: object) -> None:
        return None


_NO_BATCH = _NoBatch()
_new_event = Event.__new__


class Kernel(TimersMixin, LifetimeMixin):
    """The event dispatcher that runs sessions (POE::Kernel).

    A kernel runs on one asyncio event loop at a time: ``run()`` makes its own,
    ``await run_async()`` uses the running one. Sessions, posts and timers may be
    created before it runs; they start when it does. Once ``run()`` returns (no
    session left) the kernel may be run again with new sessions.

    The kernel keeps what it knows of each session (alive, activity, timers, reference
    counts, tasks, aliases) in a record of its own (:mod:`._lifetime`), and its timers in
    :mod:`._timers`: a :class:`Session` is what users see (id, heap, states).

    Attributes:
        events: a pyee ``EventEmitter`` for observers: ``session_started(session)``,
            ``session_stopped(session)`` and ``handler_error(session, event, exc)``.
    """

    def __init__(self) -> None:
        self.events = EventEmitter()
        self.events.add_listener("error", self._on_observer_error)
        self._lives: dict[int, _Life] = {}
        self._aliases: dict[str, Session] = {}
        self._queue: deque[_Queued] = deque()
        self._ids = itertools.count(1)
        self._timer_ids = itertools.count(1)
        self._current: _Life | None = None
        self._depth = 0
        self._busy = 0  # sessions whose activity is > 0
        self._candidates: list[_Life] = []  # sessions whose activity reached 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._done: asyncio.Future[None] | None = None
        self._drain_scheduled = False
        self._gc_scheduled = False
        self._stopping = False  # inside stop(): posts are refused
        self._unstarted_timers = []
        self._unstarted_awaitables: list[tuple[_Life, Awaitable[Any], Event]] = []
        self._batch = _Batch(self)
        self._threadsafe_lock = threading.Lock()
        self._threadsafe_pending: list[
            tuple[Destination, str, tuple[Any, ...], dict[str, Any]]
        ] = []

    # ------------------------------------------------------------------ running

    def run(self) -> None:
        """Run the kernel on a new event loop until no session is left.

        Raises:
            RuntimeError: called while an event loop is already running in this
                thread (use ``await kernel.run_async()`` there).
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass  # no loop running here: good
        else:
            raise RuntimeError(
                "Kernel.run() cannot be called from a running event loop; "
                "use 'await kernel.run_async()'"
            )
        asyncio.run(self.run_async())

    async def run_async(self) -> None:
        """Run the kernel on the running loop; return when no session is left.

        If the awaiting task is cancelled, every session is stopped (``_stop`` runs)
        before the cancellation propagates.

        Raises:
            KernelStateError: the kernel is already running.
        """
        if self._loop is not None:
            raise KernelStateError("this kernel is already running")
        loop = asyncio.get_running_loop()
        done: asyncio.Future[None] = loop.create_future()
        with self._threadsafe_lock:
            self._loop = loop
            pending, self._threadsafe_pending = self._threadsafe_pending, []
        self._done = done
        try:
            for dest, state, args, kwargs in pending:
                self.post_as(None, dest, state, *args, **kwargs)
            self._arm_unstarted()
            awaitables, self._unstarted_awaitables = self._unstarted_awaitables, []
            for life, awaitable, ev in awaitables:
                self._start_task(life, awaitable, ev)
            if self._queue:
                self._schedule_drain()
            self._candidates = [life for life in self._lives.values() if life.activity == 0]
            self._schedule_gc()
            await done
            self._finalize()
        except asyncio.CancelledError:
            self.stop()
            raise
        finally:
            with self._threadsafe_lock:
                self._loop = None
            self._done = None
            self._drain_scheduled = self._gc_scheduled = False

    def stop(self) -> None:
        """Stop every session now and drop queued events; ``run()`` returns afterwards.

        First every session with a ``_shutdown`` handler gets it, while all sessions are
        still alive, with the events queued for it that are being dropped (``ev.arg0``,
        a tuple of :class:`Event`): a service answers what it owes its clients there, with
        ``call``. Posts are refused (``False``) from then on. Then every session stops
        (its ``_stop`` runs). Safe to call from a handler; a nested call does nothing.
        """
        if self._stopping:
            return
        self._stopping = True
        try:
            queued = list(self._queue)
            self._queue.clear()  # the same deque: a drain running now sees it empty
            dropped: dict[int, list[Event]] = {}
            for life, sender, state, args, kwargs in queued:
                life.queued -= 1
                dropped.setdefault(life.session.id, []).append(
                    Event(
                        self, life.session, sender.session if sender else None, state, args, kwargs
                    )
                )
            for life in list(self._lives.values()):
                if life.alive and life.session.handler("_shutdown") is not None:
                    events = tuple(dropped.get(life.session.id, ()))
                    self._dispatch(life, None, "_shutdown", (events,))
            for life in list(self._lives.values()):
                self._stop_life(life)
            self._queue.clear()
        finally:
            self._stopping = False
        self._check_done()

    def stop_session(self, dest: Destination) -> bool:
        """Stop one session now (its ``_stop`` runs, its timers and aliases go).

        For a service that is done before the kernel runs (the kernel's own rule 4 stops
        idle sessions only while it runs). Returns ``False`` if ``dest`` is not a live
        session.
        """
        life = self._resolve(dest)
        if life is None:
            return False
        self._stop_life(life)
        self._check_done()
        return True

    @property
    def stopping(self) -> bool:
        """True while :meth:`stop` runs (``_shutdown`` and ``_stop`` handlers)."""
        return self._stopping

    # ------------------------------------------------------------------ sessions

    def _register(self, session: Session, args: tuple[Any, ...]) -> None:
        """Add a new session and run its ``_start`` (called by ``Session.create``)."""
        session.id = next(self._ids)
        life = session._life = _Life(session)
        self._lives[session.id] = life
        self._emit_observer("session_started", session)
        if session.handler("_start") is not None:
            self._dispatch(life, self._current, "_start", args)
        self._note_idle(life)

    def _stop_life(self, life: _Life) -> None:
        if not life.alive or life.stopping:
            return
        life.stopping = True
        session = life.session
        try:
            if session.handler("_stop") is not None:
                self._dispatch(life, None, "_stop", ())
        finally:
            self._cancel_timers(life)
            for task in list(life.tasks):
                task.cancel()
            for alias in life.aliases:
                del self._aliases[alias]
            life.aliases = ()
            life.refcounts.clear()
            if life.activity > 0:
                self._busy -= 1
                if self._busy == 0:
                    self._schedule_gc()  # the sessions holding only aliases stop too
            life.activity = 0
            life.alive = False
            del self._lives[session.id]
            self._emit_observer("session_stopped", session)

    @property
    def running(self) -> bool:
        """True while ``run()``/``run_async()`` is running."""
        return self._loop is not None

    @property
    def sessions(self) -> tuple[Session, ...]:
        """The live sessions, oldest first."""
        return tuple(life.session for life in self._lives.values())

    @property
    def current_session(self) -> Session | None:
        """The session whose handler is running, or ``None`` outside handlers."""
        current = self._current
        return None if current is None else current.session

    def _resolve(self, dest: object) -> _Life | None:
        """The record of the live session ``dest`` names (a session, alias or id)."""
        if type(dest) is str:  # an alias (what users post to), without an isinstance call
            session = self._aliases.get(dest)
            return None if session is None else session._life
        if isinstance(dest, Session):  # what components pass, request after request
            life = dest._life
            return life if life is not None and life.alive and dest.kernel is self else None
        if isinstance(dest, str):
            session = self._aliases.get(dest)
            return None if session is None else session._life
        if isinstance(dest, int) and not isinstance(dest, bool):
            return self._lives.get(dest)
        return None

    def _current_life(self, what: str) -> _Life:
        life = self._current
        if life is None:
            raise KernelStateError(f"{what} works only inside a state handler")
        return life

    # ------------------------------------------------------------------ events

    def post(self, dest: Destination, state: str, *args: Any, **kwargs: Any) -> bool:
        """Queue ``state`` for ``dest`` (FIFO); it is dispatched later, never inline.

        Returns:
            ``True`` if queued. ``False`` (and a logged warning) when ``dest`` is not a
            live session or it has no handler for ``state`` and no ``_default``; also
            ``False`` for a post made from a ``_stop`` handler. Keyword arguments reach
            the handler as ``ev.kwargs``.
        """
        return self._post(self._current, dest, state, args, kwargs or None)

    def post_as(
        self, sender: Session | None, dest: Destination, state: str, *args: Any, **kwargs: Any
    ) -> bool:
        """``post`` on behalf of ``sender``, for I/O callbacks that run outside handlers.

        A component that receives a datagram outside any handler uses this so that the
        event's ``sender`` is the component session.
        """
        return self._post(
            None if sender is None else sender._life, dest, state, args, kwargs or None
        )

    def _post(
        self,
        sender: _Life | None,
        dest: Destination,
        state: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any] | None,
    ) -> bool:
        life = self._resolve(dest)
        if life is None or life.stopping:
            log.warning("post of %r to %r dropped: no such session", state, dest)
            return False
        if sender is not None and sender.stopping:
            log.debug("post of %r from the _stop of %r dropped", state, sender.session)
            return False
        if self._stopping:
            log.debug("post of %r to %r dropped: the kernel is stopping", state, life.session)
            return False
        session = life.session
        if (type(state) is not str and not isinstance(state, str)) or not session.handles(state):
            log.warning("post of %r to %r dropped: it has no such state", state, session)
            return False
        self._queue.append((life, sender, state, args, kwargs))
        life.queued += 1
        # _up(life) and _up(sender), inlined: every request and answer passes here
        if life.activity == 0:
            self._busy += 1
        life.activity += 1
        if sender is not None and sender.alive:
            if sender.activity == 0:
                self._busy += 1
            sender.activity += 1
        if not self._drain_scheduled and self._loop is not None:
            self._drain_scheduled = True
            self._loop.call_soon(self._drain)
        return True

    def yield_(self, state: str, *args: Any, **kwargs: Any) -> bool:
        """Post ``state`` to the current session (POE's ``yield``)."""
        return self.post(self._current_life("yield_").session, state, *args, **kwargs)

    def call(self, dest: Destination, state: str, *args: Any, **kwargs: Any) -> Any:
        """Dispatch ``state`` to ``dest`` now and return the handler's value.

        See :meth:`call_as`; the sender is the current session.
        """
        current = self._current
        sender = None if current is None else current.session
        return self.call_as(sender, dest, state, *args, **kwargs)

    def call_as(
        self, sender: Session | None, dest: Destination, state: str, *args: Any, **kwargs: Any
    ) -> Any:
        """Dispatch ``state`` to ``dest`` now, on behalf of ``sender``; return its value.

        Like POE's ``callback()``: a component reading a reply outside any handler
        answers its requester at once, with itself as the event's sender.

        A handler that raises is routed like any handler error and ``call`` returns
        ``None``.

        Raises:
            NoSuchSessionError: ``dest`` is not a live session.
            UnknownStateError: it has no handler for ``state`` and no ``_default``.
            KernelStateError: calls nested deeper than 64.
        """
        life = self._resolve(dest)
        if life is None:
            raise NoSuchSessionError(f"call of {state!r}: no session {dest!r}")
        session = life.session
        is_str = type(state) is str or isinstance(state, str)
        handler = session.handler(state) if is_str else None
        if handler is None and (not is_str or session.handler("_default") is None):
            raise UnknownStateError(f"call: {session!r} has no state {state!r}")
        if self._depth >= MAX_CALL_DEPTH:
            raise KernelStateError(f"call of {state!r}: nested deeper than {MAX_CALL_DEPTH}")
        self._depth += 1
        try:
            return self._dispatch(
                life, None if sender is None else sender._life, state, args, kwargs or None,
                handler,
            )  # fmt: skip
        finally:
            self._depth -= 1

    def post_threadsafe(self, dest: Destination, state: str, *args: Any, **kwargs: Any) -> None:
        """``post`` from any thread; the post happens on the kernel's loop thread.

        Before the kernel runs, the post waits and is made when it starts. Whether the
        destination exists is only known then (a failed post is logged).
        """
        with self._threadsafe_lock:
            loop = self._loop
            if loop is None:
                self._threadsafe_pending.append((dest, state, args, kwargs))
                return
        try:
            loop.call_soon_threadsafe(self._post_from_thread, dest, state, args, kwargs)
        except RuntimeError:
            log.warning("post_threadsafe of %r to %r dropped: the loop is closed", state, dest)

    def _post_from_thread(
        self, dest: Destination, state: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.post_as(None, dest, state, *args, **kwargs)

    def batch(self) -> AbstractContextManager[None]:
        """Dispatch what is posted inside the block when it ends, not one loop turn later.

        For I/O callbacks (outside any handler) that deliver several results with
        :meth:`call_as`: the events those handlers post are dispatched right after the
        block, in the same loop turn, in FIFO order, still after the handler that posted
        them. Inside a handler, or with a drain already scheduled, it changes nothing.
        (Every socket wake-up enters one: a plain object, no generator per wake-up.)
        """
        if self._current is not None or self._drain_scheduled or self._loop is None:
            return _NO_BATCH
        return self._batch

    def _schedule_drain(self) -> None:
        if not self._drain_scheduled and self._loop is not None:
            self._drain_scheduled = True
            self._loop.call_soon(self._drain)

    def _drain(self) -> None:
        """The scheduled drain (rule 1)."""
        self._drain_scheduled = False
        self._dispatch_queued()

    def _dispatch_queued(self) -> None:
        """Dispatch the events queued before this began, for one slice at most (rule 1);
        schedule a drain for the rest."""
        queue = self._queue
        clock = time.perf_counter
        end = clock() + SLICE_SECONDS
        for _ in range(len(queue)):
            if not queue or clock() > end:  # stop() emptied it, or the slice is used up
                break
            life, sender, state, args, kwargs = queue.popleft()
            life.queued -= 1
            if life.alive:
                self._dispatch(life, sender, state, args, kwargs)
            # _down(), inlined where it cannot make a session idle (the usual case)
            if life.activity > 1 and life.alive:
                life.activity -= 1
            else:
                self._down(life)
            if sender is not None:
                if sender.activity > 1 and sender.alive:
                    sender.activity -= 1
                else:
                    self._down(sender)
        if queue:
            self._schedule_drain()

    def _dispatch(
        self,
        life: _Life,
        sender: _Life | None,
        state: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any] | None = None,
        handler: Handler | None = None,
    ) -> Any:
        session = life.session
        if handler is None:
            handler = session.handler(state)
        if handler is None:
            handler = session.handler("_default")
            if handler is None:
                log.warning("%r has no state %r and no _default; event dropped", session, state)
                return None
            args = (state, args)
            state = "_default"
        # Event(self, session, sender, state, args, kwargs) without running __init__: two
        # events a request pass here (slots filled directly; Event.__init__ does the same)
        ev = _new_event(Event)
        ev.kernel = self
        ev.session = session
        ev.sender = None if sender is None else sender.session
        ev.state = state
        ev.args = args
        ev.kwargs = {} if kwargs is None else kwargs
        previous = self._current
        self._current = life
        try:
            result = handler(ev)
        except Exception as exc:
            self._handler_failed(life, ev, exc)
            return None
        finally:
            self._current = previous
        if result is not None and hasattr(result, "__await__"):
            self._start_task(life, result, ev)
            return None
        return result

    def _handler_failed(self, life: _Life, ev: Event, exc: Exception) -> None:
        session = ev.session
        self._emit_observer("handler_error", session, ev, exc)
        if ev.state not in ("_error", "_stop") and session.handler("_error") is not None:
            log.debug("handler of %r in %r raised %r; routed to _error", ev.state, session, exc)
            sender = None if ev.sender is None else ev.sender._life
            self._dispatch(life, sender, "_error", (exc, ev.state, ev.args))
        else:
            log.error("handler of %r in %r raised", ev.state, session, exc_info=exc)

    def _start_task(self, life: _Life, awaitable: Awaitable[Any], ev: Event) -> None:
        """Run an awaitable a handler returned as a task that keeps its session alive."""
        if self._loop is None:
            self._unstarted_awaitables.append((life, awaitable, ev))
            return
        task = asyncio.ensure_future(awaitable, loop=self._loop)
        if life.tasks is _NO_TASKS:
            life.tasks = set()
        life.tasks.add(task)
        self._up(life)

        def finished(task: asyncio.Future[Any]) -> None:
            life.tasks.discard(task)
            if task.cancelled():
                self._down(life)
                return
            exc = task.exception()
            if isinstance(exc, Exception) and life.alive:
                previous = self._current
                self._current = life
                try:
                    self._handler_failed(life, ev, exc)
                finally:
                    self._current = previous
            elif exc is not None:
                log.error("task of %r in %r raised", ev.state, life.session, exc_info=exc)
            self._down(life)

        task.add_done_callback(finished)

    # ------------------------------------------------------------------ aliases

    def alias_set(self, name: str) -> None:
        """Give the current session the alias ``name``.

        Raises:
            AliasInUseError: another session holds ``name``.
            InvalidStateError: ``name`` is not a non-empty str.
            KernelStateError: called outside a state handler.
        """
        life = self._current_life("alias_set")
        if not isinstance(name, str) or not name:
            raise AliasInUseError(f"an alias must be a non-empty str, not {name!r}")
        holder = self._aliases.get(name)
        if holder is not None and holder is not life.session:
            raise AliasInUseError(f"alias {name!r} is in use by {holder!r}")
        self._aliases[name] = life.session
        if name not in life.aliases:
            life.aliases += (name,)

    def alias_remove(self, name: str) -> bool:
        """Remove the alias ``name`` of the current session.

        Returns:
            ``False`` if the current session does not hold ``name``.
        """
        life = self._current_life("alias_remove")
        if self._aliases.get(name) is not life.session:
            return False
        del self._aliases[name]
        life.aliases = tuple(alias for alias in life.aliases if alias != name)
        self._note_idle(life)
        return True

    def alias_resolve(self, dest: Destination) -> Session | None:
        """The live session an alias, id or session names, or ``None``."""
        life = self._resolve(dest)
        return None if life is None else life.session

    # ------------------------------------------------------------------ misc

    def _emit_observer(self, event: str, *args: Any) -> None:
        if _PYEE_TABLE and not self.events._events.get(event):
            return  # nobody observes it (the usual case): no emit per session start/stop
        try:
            self.events.emit(event, *args)
        except Exception:
            log.exception("kernel.events listener for %r raised", event)

    @staticmethod
    def _on_observer_error(exc: Exception) -> None:
        log.error("kernel.events error: %r", exc)

    def __repr__(self) -> str:
        state = "running" if self._loop is not None else "idle"
        return (
            f"<Kernel sessions={len(self._lives)} aliases={sorted(self._aliases)} "
            f"queued={len(self._queue)} {state}>"
        )
