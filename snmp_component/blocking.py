"""A blocking API for scripts, notebooks and thread-based programs without an event loop.

::

    from snmp_component.blocking import Session

    with Session(DestHost="192.0.2.1", Version=2, Community="public") as snmp:
        for vb in snmp.get("sysName.0", "sysUpTime.0"):
            print(vb.tag, vb.iid, vb.val, vb.type)
        (ifdescr,) = snmp.bulkwalk(0, 25, "ifDescr")
        rows = snmp.table("ifTable", ["ifDescr", "ifOperStatus"])

A :class:`BlockingSession` (also importable as ``Session``) takes the keywords of
:meth:`SNMPComponent.create() <snmp_component.component.SNMPComponent.create>` and has the
awaitable API's methods as plain calls: they return the same ``VarList`` (a list of them for
walks, a dict for :meth:`~BlockingSession.table`) or raise the same
:class:`~snmp_component.errors.SNMPError`.

How it works, and what it keeps:

* One event loop per process runs in a background daemon thread, started by the first
  session, with one :class:`~snmp_component.kernel.Kernel` on it that every blocking
  session shares (so they share its UDP socket, one per address family). Every kernel and
  component call happens on that thread; a blocking call hands its request over (an
  inbox the loop thread watches through an eventfd on Linux, ``call_soon_threadsafe``
  elsewhere), the component answers it through a callback (no coroutine or future), and
  the caller sleeps until the loop thread wakes it with the answer (through a per-thread
  eventfd on Linux, a lock elsewhere). The hand-over costs about 10 µs of CPU per
  request; the request itself costs the loop thread what the awaitable API's does.
* Any number of threads may call at once, on sessions of their own or on one shared
  session, whose requests are then pipelined up to its ``MaxInFlight``.
* Each call returns or raises exactly once, within ``Timeout`` x (``Retries`` + 1) of
  being sent, as the awaitable API's do.
* A call made inside a running event loop (any thread, the background loop's own thread
  included) raises :class:`RunningLoopError` at once instead of blocking or deadlocking
  that loop; use the awaitable API there. Jupyter runs its cells inside an event loop:
  there too, ``await`` the awaitable API (top-level ``await`` works in a cell).
* An exception that interrupts the waiting thread (``KeyboardInterrupt``) withdraws the
  request at once, as a cancelled awaitable is withdrawn, and propagates.
* :meth:`~BlockingSession.close` finishes the component (pending requests of other
  threads are still answered), waits until it has stopped and released its share of the
  socket (the last session to close closes it); later calls raise
  :class:`~snmp_component.errors.ShutdownError`. A session that is garbage-collected
  unclosed is finished in the background.
* The loop thread never keeps the process alive: it is a daemon thread, and nothing
  waits for it at exit. (A non-daemon thread of yours that is waiting for an answer does
  keep it alive, as any non-daemon thread does, for at most its request's time.)
* A child process made by ``fork()`` starts a loop thread of its own with its first new
  session; sessions inherited from the parent raise ``ShutdownError``.
"""

from __future__ import annotations

import _thread
import asyncio
import concurrent.futures
import itertools
import logging
import os
import threading
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, Self, TypeVar

from .actor import ComponentActor
from .component import SNMPComponent, SNMPSession
from .errors import ShutdownError
from .job import Job
from .kernel import Kernel
from .kernel import Session as KernelSession
from .options import normalise_key
from .varbind import VarList

__all__ = ["BlockingSession", "RunningLoopError", "Session"]

log = logging.getLogger("snmp_component.blocking")

T = TypeVar("T")

_THREAD_NAME = "snmp_component-blocking"
_KEEPER_REF = "snmp_component.blocking"


class RunningLoopError(RuntimeError):
    """A blocking call was made inside a running event loop.

    Waiting there would stall that loop (and deadlock the blocking API's own loop thread);
    the message names the awaitable alternative.
    """


def _refuse_in_loop(what: str, awaitable: str) -> None:
    """Raise :class:`RunningLoopError` if an event loop runs in this thread."""
    if asyncio._get_running_loop() is not None:
        raise RunningLoopError(
            f"snmp_component.blocking: {what} was called inside a running event loop, "
            f"where waiting would block the loop; use the awaitable API there: "
            f"snmp = SNMPComponent.create(Kernel(), ...); {awaitable} (a Jupyter cell "
            f"runs inside an event loop too, and may await at top level)"
        )


class _Runtime:
    """The background event loop thread and the kernel every blocking session shares."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.kernel = Kernel()
        # Requests reach the loop thread through an inbox and an eventfd it watches (one
        # read per wake-up), where call_soon_threadsafe costs a handle, a self-pipe write
        # and two reads: ~3 us less per request. Elsewhere call_soon_threadsafe it is.
        self._inbox: deque[Callable[[], None]] = deque()
        self._inbox_fd = os.eventfd(0, os.EFD_NONBLOCK | os.EFD_CLOEXEC) if _EVENTFD else -1
        self.forked = False  # set in a child process: this loop's thread is not there
        self._aliases = itertools.count(1)
        self._stopped: dict[KernelSession, concurrent.futures.Future[None]] = {}
        self.kernel.events.add_listener("session_stopped", self._on_session_stopped)
        ready = threading.Event()
        self.thread = threading.Thread(
            target=self._main, args=(ready,), name=_THREAD_NAME, daemon=True
        )
        self.thread.start()
        ready.wait()

    def _main(self, ready: threading.Event) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._serve(ready))
        except Exception:  # pragma: no cover - the keeper holds the kernel for ever
            log.exception("the blocking API's kernel ended")
        loop.run_forever()  # pragma: no cover - keeps answering even so

    async def _serve(self, ready: threading.Event) -> None:
        kernel = self.kernel
        keeper = KernelSession.create(kernel)
        kernel.refcount_increment(keeper, _KEEPER_REF)  # run_async() then never returns
        if self._inbox_fd >= 0:
            self.loop.add_reader(self._inbox_fd, self._drain_inbox)
        ready.set()  # handed-over calls run once this task waits below: the kernel runs
        await kernel.run_async()

    def call(self, fn: Callable[..., T], *args: Any) -> concurrent.futures.Future[T]:
        """Run ``fn(*args)`` on the loop thread; its result or exception in a future."""
        future: concurrent.futures.Future[T] = concurrent.futures.Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                result = fn(*args)
            except BaseException as exc:
                future.set_exception(exc)
            else:
                future.set_result(result)

        self.loop.call_soon_threadsafe(run)
        return future

    def submit(self, fn: Callable[[], None]) -> None:
        """Run ``fn()`` on the loop thread soon, in submission order (any thread)."""
        if self._inbox_fd < 0:
            self.loop.call_soon_threadsafe(fn)
            return
        self._inbox.append(fn)
        os.eventfd_write(self._inbox_fd, 1)

    # --- on the loop thread

    def _drain_inbox(self) -> None:
        try:
            os.eventfd_read(self._inbox_fd)  # the count, reset: one read per wake-up
        except BlockingIOError:  # pragma: no cover - a spurious wake-up
            pass
        inbox = self._inbox
        while inbox:  # what was appended before the read, and maybe some after (then
            fn = inbox.popleft()  # the next wake-up finds the inbox empty: harmless)
            try:
                fn()
            except Exception:  # pragma: no cover - _Call's methods do not raise
                log.exception("a blocking call's step failed")

    def create(
        self, options: dict[str, Any]
    ) -> tuple[SNMPSession, concurrent.futures.Future[None]]:
        """Create a component (``Alias`` unique unless given) and a future that is done
        once its kernel session has stopped (and released its socket share)."""
        kernel = self.kernel
        if not any(isinstance(key, str) and normalise_key(key) == "alias" for key in options):
            alias = f"blocking-{next(self._aliases)}"
            while kernel.alias_resolve(alias) is not None:  # someone named theirs so
                alias = f"blocking-{next(self._aliases)}"
            options = {**options, "Alias": alias}
        handle = SNMPComponent.create(kernel, **options)
        session = kernel.alias_resolve(handle.Alias)
        assert session is not None  # create() registers the alias in _start
        stopped: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._stopped[session] = stopped
        return handle, stopped

    def _on_session_stopped(self, session: KernelSession) -> None:
        stopped = self._stopped.pop(session, None)
        if stopped is not None and stopped.set_running_or_notify_cancel():
            stopped.set_result(None)


_runtime: _Runtime | None = None
_runtime_lock = threading.Lock()


def _the_runtime() -> _Runtime:
    """The process's runtime, started on first use."""
    global _runtime
    runtime = _runtime
    if runtime is None:
        with _runtime_lock:
            runtime = _runtime
            if runtime is None:
                runtime = _runtime = _Runtime()
    return runtime


def _after_fork_in_child() -> None:
    """A child process has no loop thread: its first session starts a new one."""
    global _runtime, _runtime_lock
    if _runtime is not None:
        _runtime.forked = True
    _runtime = None
    _thread_state.__dict__.pop("waker", None)  # the parent's eventfd: not this process's
    _runtime_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def _finish_soon(runtime: _Runtime, handle: SNMPSession) -> None:
    """Finish a component from any thread, without waiting (garbage-collected sessions)."""
    if runtime.forked:
        return
    try:
        runtime.loop.call_soon_threadsafe(handle.finish)
    except RuntimeError:  # pragma: no cover - the loop is closed: nothing left to finish
        pass


def _finish_created(
    runtime: _Runtime, created: concurrent.futures.Future[tuple[SNMPSession, Any]]
) -> None:
    """Finish the component of a constructor that was interrupted, if it was created."""
    if not created.cancelled() and created.exception() is None:
        _finish_soon(runtime, created.result()[0])


class BlockingSession:
    """One target, used by blocking calls; importable as ``snmp_component.blocking.Session``.

    ``BlockingSession(**options)`` takes the keywords of ``SNMPComponent.create()``
    (``DestHost``, ``Version``, ``Community``, ``Timeout`` in microseconds, ``Retries``,
    the SNMPv3 keywords, ``MaxInFlight``, ``UseEnums``...; ``Version`` defaults to 1, as
    there). ``Alias`` is optional: each session gets a unique one (``"blocking-1"``...)
    unless given. The methods block the calling thread until the answer and return or
    raise what the awaitable methods of :class:`~snmp_component.component.SNMPSession`
    return or raise. Safe to share between threads.

    Raises:
        ConfigurationError: an unknown keyword, an invalid value, no ``DestHost``, or an
            ``Alias`` another blocking session holds (raised here, in the calling thread).
        RunningLoopError: created inside a running event loop.
    """

    def __init__(self, **options: Any) -> None:
        _refuse_in_loop("BlockingSession()", "await snmp.get(...)")
        runtime = _the_runtime()
        created = runtime.call(runtime.create, options)
        try:
            handle, stopped = created.result()
        except BaseException:
            created.cancel()  # interrupted: a component created meanwhile is finished
            created.add_done_callback(lambda done: _finish_created(runtime, done))
            raise
        self._runtime = runtime
        self._handle = handle
        self._stopped = stopped
        self._closed = False
        self._finalizer = weakref.finalize(self, _finish_soon, runtime, handle)
        self._finalizer.atexit = False

    # ------------------------------------------------------------ requests

    def get(self, *vars: Any) -> VarList:
        """GET ``vars``; the ``VarList`` of the response.

        ``vars`` as in the awaitable API: ``"sysDescr.0"``, ``".1.3.6.1.2.1.1.1.0"``,
        ``["sysUpTime", 0]``, a ``Varbind``, a ``VarList`` or a list of these.

        Raises:
            SNMPError: the awaitable ``get``'s errors (``SNMPTimeoutError``, the agent's
                ``ErrorStatusError``, ``ConfigurationError`` for bad input...);
                ``ShutdownError`` once the session is closed.
            RunningLoopError: called inside a running event loop.
        """
        result: VarList = self._run("get", "get", vars)
        return result

    def getnext(self, *vars: Any) -> VarList:
        """GETNEXT ``vars``; the ``VarList`` of the response (errors as :meth:`get`)."""
        result: VarList = self._run("getnext", "getnext", vars)
        return result

    def set(self, *vars: Any) -> VarList:
        """SET ``[tag, iid, val, type]`` varbinds (or ``"oid", value`` pairs when a MIB
        gives the type); the agent's ``VarList`` (errors as :meth:`get`)."""
        result: VarList = self._run("set", "set", vars)
        return result

    def getbulk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> VarList:
        """GETBULK; one flat ``VarList`` in agent order (errors as :meth:`get`)."""
        args = (non_repeaters, max_repetitions, *vars)
        result: VarList = self._run("getbulk", "getbulk", args)
        return result

    def bulkwalk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> list[VarList]:
        """GETBULK walk of each var's subtree; one ``VarList`` per requested var.

        Errors as :meth:`get`; a walk that fails part way keeps what it had received on
        the error's ``partial``.
        """
        args = (non_repeaters, max_repetitions, *vars)
        result: list[VarList] = self._run("bulkwalk", "bulkwalk", args)
        return result

    def walk(self, *vars: Any) -> list[VarList]:
        """GETNEXT walk of each var's subtree (works on v1); one ``VarList`` per var
        (errors as :meth:`bulkwalk`)."""
        result: list[VarList] = self._run("walk", "walk", vars)
        return result

    def table(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        max_repetitions: int | None = None,
    ) -> dict[Any, dict[str, Any]]:
        """Walk a conceptual table by name (the awaitable ``get_table``); its rows by index.

        ``table`` is the table or its row (``"ifTable"``, ``"ifEntry"``,
        ``"IF-MIB::ifTable"``), ``columns`` limits the walk to those columns, and
        ``max_repetitions`` is the rows per GETBULK (v2c/v3; default 20). Returns
        ``{index: {column: val}}``, e.g. ``{1: {"ifIndex": 1, "ifDescr": "lo", ...}}``.

        Raises:
            SNMPError: as :meth:`bulkwalk`; ``UnknownObjectError`` for an unknown table.
            RunningLoopError: called inside a running event loop.
        """
        args: tuple[Any, ...] = (table,)  # as the awaitable get_table() submits them
        if columns is not None or max_repetitions is not None:
            args += (columns,)
        if max_repetitions is not None:
            args += (max_repetitions,)
        result: dict[Any, dict[str, Any]] = self._run("table", "table", args, "get_table")
        return result

    # ------------------------------------------------------------ lifetime

    def close(self) -> None:
        """Finish the component and wait until it has stopped.

        Requests still pending (other threads') are answered first, as the component's
        ``finish`` does; then its share of the socket is released (the last session
        closes the socket). Later calls raise ``ShutdownError``. Closing again does
        nothing. Inside a running event loop it only starts the finish and returns.
        """
        if not self._closed:
            self._closed = True
            self._finalizer.detach()
            _finish_soon(self._runtime, self._handle)
        if self._runtime.forked or asyncio._get_running_loop() is not None:
            return
        self._stopped.result()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        """True once :meth:`close` was called."""
        return self._closed

    @property
    def component(self) -> SNMPSession:
        """The component's :class:`~snmp_component.component.SNMPSession`, for reading its
        settings and counters (``pending``, ``in_flight``, ``Alias``, ``DestHost``...).

        Its awaitable methods belong to the background loop's thread: do not call them.
        """
        return self._handle

    def __repr__(self) -> str:
        handle = self._handle
        state = "closed" if self._closed else "open"
        return (
            f"<BlockingSession alias={handle.Alias!r} host={handle.DestHost!r} "
            f"port={handle.RemotePort} version={handle.Version} {state}>"
        )

    # ------------------------------------------------------------ internals

    def _check(self, method: str, awaitable: str) -> None:
        """Refuse a call inside an event loop, on a closed session, or after a fork."""
        if asyncio._get_running_loop() is not None:
            _refuse_in_loop(f"BlockingSession.{method}()", f"await snmp.{awaitable}(...)")
        if self._closed:
            raise ShutdownError(f"blocking session {self._handle.Alias!r} is closed")
        if self._runtime.forked:
            raise ShutdownError(
                f"blocking session {self._handle.Alias!r} belongs to the parent process "
                f"(created before fork()); create a new one"
            )

    def _run(
        self, method: str, cmd: str, args: tuple[Any, ...], awaitable: str | None = None
    ) -> Any:
        """Run request ``cmd`` on the loop thread; its result, or raise its error."""
        if self._closed or self._runtime.forked or asyncio._get_running_loop() is not None:
            self._check(method, awaitable or method)  # raises the first that applies
        call = _Call(self._handle._actor, cmd, args, _waker())
        runtime = self._runtime
        runtime.submit(call.start)
        try:
            while not call.done:
                call.waker.wait()  # the loop thread wakes it with the answer
        except BaseException:
            # KeyboardInterrupt (or any exception thrown into this thread): withdraw the
            # request at once, as a cancelled awaitable is. After an answer, a no-op.
            runtime.submit(call.cancel)
            raise
        error = call.error
        if error is not None:
            call.error = None  # no cycle through the frame that raises it
            raise error
        return call.result


class _EventFdWaker:
    """A thread's wake-up channel: a Linux eventfd, one per thread that waits.

    The loop thread signals it inside a system call that runs without the GIL, so the
    woken thread can take the GIL and go on at once; a lock released with the GIL held
    would wake it only to wait for the GIL (two more context switches per request).
    A signal is a hint: the waiting thread checks its call's ``done``, so a signal left
    over from a withdrawn call costs one extra turn of its wait loop, nothing else.
    """

    __slots__ = ("fd",)

    def __init__(self) -> None:
        self.fd = os.eventfd(0, os.EFD_CLOEXEC)

    def wait(self) -> None:
        os.eventfd_read(self.fd)

    def wake(self) -> None:
        os.eventfd_write(self.fd, 1)

    def __del__(self, _close: Callable[[int], None] = os.close) -> None:
        _close(self.fd)


class _LockWaker:
    """The portable wake-up channel: a lock per call, released once by the loop thread."""

    __slots__ = ("lock",)

    def __init__(self) -> None:
        self.lock = _thread.allocate_lock()
        self.lock.acquire()

    def wait(self) -> None:
        self.lock.acquire()

    def wake(self) -> None:
        self.lock.release()


_Waker = _EventFdWaker | _LockWaker
_EVENTFD = hasattr(os, "eventfd")
_thread_state = threading.local()  # .waker: the thread's _EventFdWaker


def _waker() -> _Waker:
    """The calling thread's eventfd waker (Linux), or a new lock waker."""
    if not _EVENTFD:
        return _LockWaker()
    waker: _EventFdWaker | None = getattr(_thread_state, "waker", None)
    if waker is None:
        waker = _thread_state.waker = _EventFdWaker()
    return waker


class _Call:
    """One blocking request: submitted on the loop thread, its answer wakes the caller.

    The component answers it through a callback (``submit_callback``): no coroutine,
    no future and no loop turn to resume either (one loop turn per request less than
    driving the awaitable API). ``done`` turns true (and ``waker`` is woken) once the
    answer is in ``result`` or ``error``.
    """

    __slots__ = ("actor", "args", "cmd", "done", "error", "job", "result", "waker", "withdrawn")

    def __init__(
        self, actor: ComponentActor, cmd: str, args: tuple[Any, ...], waker: _Waker
    ) -> None:
        self.actor = actor
        self.cmd = cmd
        self.args = args
        self.waker = waker
        self.done = False
        self.withdrawn = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.job: Job | None = None

    def start(self) -> None:
        """Submit the request (on the loop thread); bad input is answered at once."""
        if self.withdrawn:
            return
        try:
            self.job = self.actor.submit_callback(self.cmd, self.args, self.answer)
        except BaseException as exc:
            self.answer(None, exc)

    def answer(self, result: Any, error: BaseException | None) -> None:
        """The component's answer (loop thread): hand it to the waiting thread."""
        self.job = None
        self.result = result
        self.error = error
        self.done = True
        self.waker.wake()

    def cancel(self) -> None:
        """Withdraw the request (loop thread), as a cancelled awaitable is."""
        self.withdrawn = True
        job, self.job = self.job, None
        if job is not None:
            self.actor.withdraw(job)


Session = BlockingSession
"""``snmp_component.blocking.Session``: the short name of :class:`BlockingSession`."""
