"""The kernel-side half of an SNMP component: a driver over request plans.

One :class:`ComponentActor` per component. It owns a queue, the component's share of the
kernel-wide :class:`~snmp_component.scheduler.Scheduler`, one sender and the deliveries;
everything a request *decides* (what to send, when it is done) is its plan's
(:mod:`snmp_component._core.plans`), and what its arguments mean is
:mod:`~snmp_component.request_args`'. The request loop is :meth:`ComponentActor._drive`.

Reading order: the states (``_on_request``, ``finish_now``, ``_on_shutdown``,
``_on_stop``), the awaitable entry (``submit``), running (``_pump``, ``_drive``), and
answers (``_settle``, ``_deliver``, ``_release``). The invariants it keeps are listed in
:mod:`snmp_component.component`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import time
from collections import deque
from collections.abc import AsyncGenerator, Callable, Sequence
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from . import names, resolver, transport
from ._core.pdu import PduResult, RawVarbind
from ._core.plans import FINISHED, Failed, Plan, Send
from .community import CommunitySender
from .errors import (
    ConfigurationError,
    DecodeError,
    ErrorStatusError,
    ShutdownError,
    SNMPError,
    SNMPTimeoutError,
    TransportError,
    as_snmp_error,
)
from .job import ANSWERED, ON_WIRE, Job, Notify
from .kernel import Event, Kernel, Session, state_table
from .kernel.kernel import SLICE_SECONDS
from .options import SessionOptions
from .payload import Response
from .request_args import RequestParser, split_callback_args
from .scheduler import scheduler_of
from .v3sender import V3Sender
from .varbind import VarList
from .varformat import Formatter, VarbindFormat

if TYPE_CHECKING:
    from ._core.table import TableSpec
    from .component import SNMPSession

__all__ = [
    "CALLBACK_REF",
    "FINISHING",
    "OPEN",
    "PENDING_REF",
    "REQUESTS",
    "STOPPED",
    "ActorState",
    "ComponentActor",
]

log = logging.getLogger("snmp_component")

REQUESTS = ("get", "getnext", "set", "getbulk", "bulkwalk", "walk", "table")
CALLBACK_REF = "snmp_component.callback"  # held on a requester while it awaits answers
PENDING_REF = "snmp_component.pending"  # held on a component while it has requests
_DELIVER = "_snmp_deliver"
_PUMP = "_snmp_pump"
_NO_ERROR = "(noError) No Error"


class ActorState(Enum):
    """A component's life (see :class:`ComponentActor`)."""

    OPEN = "open"
    FINISHING = "finishing"
    STOPPED = "stopped"


OPEN, FINISHING, STOPPED = ActorState.OPEN, ActorState.FINISHING, ActorState.STOPPED


class _Sender(Protocol):
    """Sends one request PDU; calls ``done`` exactly once, never inside ``send``."""

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: transport.Done,
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None: ...

    def close(self) -> None: ...


class ComponentActor:
    """The kernel-side half of a component: its states, queue, sender and deliveries.

    ``state`` is its life: ``OPEN`` (accepts requests) -> ``FINISHING`` (answers what it
    holds, accepts nothing) -> ``STOPPED`` (its session stopped; nothing more happens).
    Its connection is ``_sender`` (None until the first request needs it) and ``_lookup``
    (a name being resolved meanwhile).
    """

    def __init__(self, kernel: Kernel, handle: SNMPSession, opts: SessionOptions) -> None:
        self.kernel = kernel
        self.handle = handle
        self.opts = opts
        self.queue: deque[Job] = _NO_QUEUE  # a deque of its own once a job must wait
        self.in_flight = 0
        self.pending = 0
        self.state = OPEN
        self._ids = itertools.count(1)
        self._sender: _Sender | None = None
        self._sender_loop: asyncio.AbstractEventLoop | None = None
        self._parser = RequestParser(opts)
        self._scheduler = scheduler_of(kernel)
        self._resume = self._pump  # (one bound method: the scheduler's waiting-line entry)
        self._delivering: set[Job] = _NOT_DELIVERING  # answers posted to _DELIVER, not yet run
        self._owed: dict[Session, int] = {}  # requester -> its answers pending here
        self._running: dict[int, Job] = {}  # on the wire: job id -> job
        self._withdrawn = 0  # jobs in the queue whose awaitable was cancelled
        self._doomed: tuple[int, Callable[[], SNMPError]] | None = None  # see _fail_queue
        self._walking_queue = False  # _answer_front is answering from the queue's front
        self._lookup: asyncio.Future[resolver.AddrInfo] | None = None
        self._time_budget = opts.timeout * (opts.retries + 1)  # of one request
        self._expiry: asyncio.TimerHandle | None = None  # times out jobs awaiting the address
        self._format: Formatter = VarbindFormat.from_options(opts)
        self._varlist = self._format.varlist  # received varbinds -> the answer's VarList
        self.session = Session.create(kernel, heap=self, shared_states=_STATES)

    def use_format(self, fmt: Formatter) -> None:
        """Convert received varbinds with ``fmt`` from now on (the command line keeps
        them raw: :data:`~snmp_component.varformat.KEEP_RAW`)."""
        self._format = fmt
        self._varlist = fmt.varlist

    # ------------------------------------------------------------ states

    def _on_start(self, ev: Event) -> None:
        ev.kernel.alias_set(self.opts.alias)

    def _on_request(self, ev: Event) -> int | None:
        requester = ev.sender
        args = ev.args
        if not args or not isinstance(args[0], str):
            log.warning(
                "%s request to %r without a callback state name; nothing sent",
                ev.state,
                self.opts.alias,
            )
            return None
        if requester is None:
            log.warning(
                "%s request to %r posted from outside any session: nobody to answer; "
                "post it from a state handler or use the awaitable form",
                ev.state,
                self.opts.alias,
            )
            return None
        state, request_args = args[0], args[1:]
        if not requester.handles(state):
            log.warning(
                "%s request to %r names callback state %r, which %r does not handle; nothing sent",
                ev.state,
                self.opts.alias,
                state,
                requester,
            )
            return None
        request_args, callback_args, problem = split_callback_args(request_args, ev.kwargs)
        job = Job(next(self._ids), ev.state, self.handle, request_args, callback_args,
                  requester, state)  # fmt: skip
        self._hold(job)
        if problem is not None:
            self._settle(job, None, problem)
            return 0
        if self.state is not OPEN:
            self._settle(job, None, ShutdownError(f"component {self.opts.alias!r} is finishing"))
            return None
        try:
            self._parser.prepare(job, request_args)
        except Exception as exc:
            self._settle(job, None, as_snmp_error(exc, job.cmd))
            return None
        self._enqueue(job)
        return job.id

    def _on_unknown(self, ev: Event) -> None:
        state, args = ev.arg0, ev.arg1 or ()
        known = ", ".join((*REQUESTS, "finish"))
        requester = ev.sender
        if (
            args
            and isinstance(args[0], str)
            and requester is not None
            and requester.handles(args[0])
        ):
            job = Job(next(self._ids), str(state), self.handle, args[1:], (), requester, args[0])
            self._hold(job)
            self._settle(
                job, None, ConfigurationError(f"unknown request {state!r}; known: {known}")
            )
        else:
            log.warning(
                "unknown request %r to %r ignored; known: %s", state, self.opts.alias, known
            )

    def finish_now(self) -> None:
        """Remove the alias; the session stops once its pending requests are answered."""
        if self.state is not OPEN or not self.session.alive:
            return
        if self.kernel.current_session is not self.session:
            self.kernel.call(self.session, "finish")  # alias_remove needs our own context
            return
        self.state = FINISHING
        for alias in self.session.aliases:
            self.kernel.alias_remove(alias)
        self._close_if_drained()

    def _close_if_drained(self) -> None:
        """Without a running kernel nobody stops the session: stop it here (which
        releases the socket), so finished components do not pile up in the kernel."""
        if self.state is FINISHING and self.pending == 0 and not self.kernel.running:
            if self.session.alive and not self.session.stopping:
                self.kernel.stop_session(self.session)
            else:
                self._close_sender()

    def _close_sender(self) -> None:
        sender, self._sender = self._sender, None
        self._sender_loop = None
        if sender is not None:
            sender.close()  # in-flight requests end with ShutdownError

    def _on_shutdown(self, ev: Event) -> None:
        """The kernel is stopping (rule 7 of the kernel): answer everything owed, now.

        Request events still in the kernel's queue (``ev.arg0``) are answered like
        requests to a finishing component; answers posted but not yet run, queued jobs
        and jobs in flight are delivered by direct call while the requesters are alive.
        """
        self.state = FINISHING
        for dropped in ev.arg0 or ():
            if dropped.state in REQUESTS:
                self._on_request(dropped)  # answered with a ShutdownError: finishing
            elif dropped.state == _DELIVER:
                self._on_deliver(dropped)
        self._fail_all(lambda: ShutdownError("the kernel stopped"))

    def _on_stop(self, ev: Event) -> None:
        if not ev.session.stopping:
            log.warning("state _stop posted to component %r ignored", self.opts.alias)
            return
        self.state = STOPPED
        lookup, self._lookup = self._lookup, None
        if lookup is not None:  # no callback: its loop may be closed already
            lookup.remove_done_callback(self._resolved)
            lookup.cancel()
        self._cancel_expiry()
        for job in list(self._delivering):  # the kernel stopped before they ran
            self._delivering.discard(job)
            self._release(job)
        alias = self.opts.alias
        self._fail_all(lambda: ShutdownError(f"component {alias!r} stopped"))
        self._close_sender()

    # ------------------------------------------------------------ awaitable entry

    async def submit(self, cmd: str, args: tuple[Any, ...]) -> Any:
        """Run one request for the awaitable API; its result or raise its error."""
        job = self._accept(cmd, args)
        job.future = future = asyncio.get_running_loop().create_future()
        self._hold(job)
        self._enqueue(job)
        try:
            return await future
        except asyncio.CancelledError:
            self._withdraw(job)
            raise

    async def stream(
        self, cmd: str, args: tuple[Any, ...], plan_hook: Callable[[Plan], None] | None = None
    ) -> AsyncGenerator[list[VarList], None]:
        """Run a walk or bulkwalk for the awaitable API, yielding its rows as replies come:
        each item has one ``VarList`` per part of the result (as the awaitable's), holding
        the rows converted since the previous item. After the rows it had, the walk's
        error is raised. Leaving the loop early (``break``, cancellation) withdraws it.
        ``plan_hook`` sees the request's plan before it starts (the command line reads
        from it how the walk ended).
        """
        if cmd not in ("walk", "bulkwalk"):
            raise ValueError(f"{cmd} is not a walk: only walk and bulkwalk stream")
        loop = asyncio.get_running_loop()
        wakeup: asyncio.Future[None] = loop.create_future()
        answer: list[tuple[Any, SNMPError | None]] = []

        def wake() -> None:
            if not wakeup.done():
                wakeup.set_result(None)

        def settled(result: Any, error: SNMPError | None) -> None:
            answer.append((result, error))
            wake()

        job = self._accept(cmd, args)
        if plan_hook is not None:
            assert job.plan is not None
            plan_hook(job.plan)
        job.notify = settled
        job.on_rows = wake
        self._hold(job)
        self._enqueue(job)
        shown: list[int] = []  # rows yielded so far, per part

        def news(parts: Sequence[VarList] | None) -> list[VarList] | None:
            if not parts:
                return None
            shown.extend([0] * (len(parts) - len(shown)))
            batch = [VarList() for _ in parts]
            for rest, part, n in zip(batch, parts, shown, strict=True):
                rest.extend(part[n:])  # (as converted: Varbinds, or raw under KEEP_RAW)
            shown[:] = [len(part) for part in parts]
            return batch if any(batch) else None

        try:
            while True:
                await wakeup
                wakeup = loop.create_future()
                if answer:
                    result, error = answer[0]
                    batch = news(result if error is None else error.partial)
                    if batch is not None:
                        yield batch
                    if error is not None:
                        raise error
                    return
                batch = news(job.converted)
                if batch is not None:
                    yield batch
        finally:
            job.on_rows = None
            self.withdraw(job)

    def submit_callback(self, cmd: str, args: tuple[Any, ...], notify: Notify) -> Job:
        """Run one request and give its answer to ``notify(result, error)``, exactly once.

        For callers that wait by other means than an awaitable (the blocking API): no
        coroutine, no future and no loop turn to resume one. ``notify`` runs on the loop,
        after the bookkeeping is settled, possibly inside this call (a target that cannot
        be reached, say); ``error`` is then the ``SNMPError`` the awaitable would raise.
        :meth:`withdraw` takes the request back, as cancelling the awaitable does.

        Raises:
            SNMPError: as the awaitable raises at once: bad input (nothing accepted), or
                ``ShutdownError`` once the component is finishing.
        """
        job = self._accept(cmd, args)
        job.notify = notify
        self._hold(job)
        self._enqueue(job)
        return job

    def _accept(self, cmd: str, args: tuple[Any, ...]) -> Job:
        """A prepared job for ``cmd``; raises what the awaitable raises at once."""
        if self.state is not OPEN:
            raise ShutdownError(f"component {self.opts.alias!r} is finishing")
        job = Job(next(self._ids), cmd, self.handle, args)
        try:
            self._parser.prepare(job, args)  # bad input raises here, nothing is accepted
        except Exception as exc:
            raise as_snmp_error(exc, cmd) from None
        return job

    def withdraw(self, job: Job) -> None:
        """Take back a request of :meth:`submit_callback`; ``notify`` is not called after
        this (after the answer, this does nothing)."""
        self._withdraw(job)

    def _withdraw(self, job: Job) -> None:
        """A cancelled awaitable: out of the queue, or its slot freed (its reply dropped)."""
        phase = job.phase
        if phase is ANSWERED:
            return
        job.phase = ANSWERED
        job.notify = None
        if phase is ON_WIRE:
            self._running.pop(job.id, None)
            self.in_flight -= 1
            self._scheduler.give()
        else:
            self._withdrawn += 1  # _pump skips it; compacted below when they pile up
            crowded = self._withdrawn > 64 and self._withdrawn * 2 > len(self.queue)
            if crowded and self._doomed is None and not self._walking_queue:
                # (a doom counts queue entries; a loop over the queue holds this deque)
                self.queue = deque(j for j in self.queue if j.phase is not ANSWERED)
                self._withdrawn = 0
        self._release(job)
        if self.state is not STOPPED and self.queue:
            self._pump()

    @property
    def queued(self) -> int:
        """Jobs waiting in the queue (withdrawn ones not counted)."""
        return len(self.queue) - self._withdrawn

    # ------------------------------------------------------------ running

    def _hold(self, job: Job) -> None:
        # One PENDING_REF while any request is pending (taken on the first, dropped with
        # the last in _release), not one per request; likewise one CALLBACK_REF on each
        # requester while it awaits answers from here (POE: a reference count counts the
        # kinds of things watched, not how many of each). The requester's is taken first:
        # a requester that is gone raises there, before anything is held.
        requester = job.requester
        if requester is not None:
            owed = self._owed
            count = owed.get(requester, 0)
            if count == 0:
                self.kernel.refcount_increment(requester, CALLBACK_REF)
            owed[requester] = count + 1
        self.pending += 1
        if self.pending == 1:
            self.kernel.refcount_increment(self.session, PENDING_REF)

    def _enqueue(self, job: Job) -> None:
        job.accepted = time.monotonic()
        if not self.queue and self._start_now(job):
            return
        queue = self.queue
        if queue is _NO_QUEUE:
            self.queue = queue = deque()
        queue.append(job)
        if self._lookup is not None:  # (_start_now may have begun it before the job queued)
            self._arm_expiry()
        self._pump()

    def _start_now(self, job: Job) -> bool:
        """Put ``job`` on the wire at once if nothing waits before it and a slot is free
        (the usual case): what ``_pump`` would do, without a queue entry -- a component
        whose requests never wait never allocates its queue (W3: a deque is 760 bytes)."""
        if self.kernel.stopping or self._walking_queue or self.state is STOPPED:
            return False
        if self.in_flight >= self.opts.max_in_flight:
            return False
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False
        if self._sender is None and self._lookup is None:
            try:
                self._connect(loop)  # (a failure is met again, and answered, by _pump)
            except Exception:
                return False
        if self._sender is None or self._sender_loop is not loop:
            return False
        if not self._scheduler.take(self._resume):
            return False
        self._start(job)
        return True

    def _start(self, job: Job) -> None:
        """``job`` takes its slot and its first PDU goes out."""
        self.in_flight += 1
        job.phase = ON_WIRE
        self._running[job.id] = job
        try:
            self._drive(job)
        except Exception as exc:
            self._settle(job, None, as_snmp_error(exc, "cannot send"))

    def _pump(self) -> None:
        if self.kernel.stopping or self._walking_queue:
            return  # every job is about to be answered (or the loop pumps when it is done)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a request made by kernel.call before the kernel runs
            self.kernel.post(self.session, _PUMP)
            return
        if self._sender is not None and self._sender_loop is not loop:
            self._close_sender()  # used from a new event loop: its socket lives on the old one
        if self._sender is None:
            try:
                self._connect(loop)
            except Exception as exc:  # e.g. a name IDNA cannot encode, no file descriptors
                failure, host = exc, self.opts.host
                self._fail_queue(lambda: _unreachable(failure, f"cannot reach {host!r}"))
                return
            if self._sender is None:
                return
        queue = self.queue
        take, resume = self._scheduler.take, self._resume
        while queue and self.in_flight < self.opts.max_in_flight:
            if queue[0].phase is ANSWERED:  # withdrawn while queued
                queue.popleft()
                self._withdrawn = max(0, self._withdrawn - 1)
                continue
            if not take(resume):
                break
            self._start(queue.popleft())
        if not queue and queue is self.queue and queue is not _NO_QUEUE:
            self.queue = _NO_QUEUE  # drained: its memory goes back (see _start_now)

    def _fail_queue(self, make_error: Callable[[], SNMPError]) -> None:
        """Answer every job queued now with an error of its own from ``make_error``.

        In slices of the kernel's :data:`~snmp_component.kernel.kernel.SLICE_SECONDS`
        (all at once while the kernel stops): a queue of any length does not hold the
        loop. The jobs stay in the queue until answered, so nothing can miss its answer.
        """
        self._cancel_expiry()
        self._doomed = (len(self.queue), make_error)
        self._fail_doomed()

    def _fail_doomed(self) -> None:
        if self._doomed is None:
            return
        count, make_error = self._doomed
        self._doomed = None

        def fail_front() -> bool:
            nonlocal count
            if count <= 0:
                return False
            count -= 1
            return True

        if self._answer_front(fail_front, lambda job: make_error()):
            self._doomed = (count, make_error)
            asyncio.get_running_loop().call_soon(self._fail_doomed)

    def _answer_front(
        self, take: Callable[[], bool], make_error: Callable[[Job], SNMPError]
    ) -> bool:
        """Answer queued jobs from the front with ``make_error(job)`` while ``take()`` says
        so, for one slice (:data:`SLICE_SECONDS`; all while the kernel stops). True if
        it stopped for the slice with jobs still to answer: the caller goes on later.

        Answers may run user code that withdraws or adds requests: the queue is neither
        compacted nor pumped meanwhile, and it is pumped once the loop is done.
        """
        queue = self.queue
        clock = time.perf_counter
        end = clock() + SLICE_SECONDS
        sliced = self.kernel.running and not self.kernel.stopping
        self._walking_queue = True
        try:
            while queue:
                if queue[0].phase is ANSWERED:  # withdrawn while queued
                    queue.popleft()
                    self._withdrawn = max(0, self._withdrawn - 1)
                    continue
                if not take():
                    break
                job = queue.popleft()
                self._settle(job, None, make_error(job))
                if sliced and queue and clock() > end:
                    return True
            return False
        finally:
            self._walking_queue = False
            if self.state is not STOPPED and self.queue:
                self._pump()

    def _fail_all(self, make_error: Callable[[], SNMPError]) -> None:
        """Answer every job, queued or in flight; late replies to them are dropped."""
        self._fail_queue(make_error)
        for job in list(self._running.values()):
            self._settle(job, None, make_error())

    def _connect(self, loop: asyncio.AbstractEventLoop) -> None:
        """Create the sender; a host name is resolved first, in the resolver's threads."""
        if self._lookup is not None or self.state is STOPPED:
            return
        opts = self.opts
        try:  # a dotted IPv4 address as getaddrinfo writes it, without its cost (W3: 500 at once)
            address = socket.inet_ntop(socket.AF_INET, socket.inet_pton(socket.AF_INET, opts.host))
        except (OSError, TypeError, ValueError):
            pass
        else:
            self._make_sender(socket.AF_INET, (address, opts.port))
            self._sender_loop = loop
            return
        try:
            infos = socket.getaddrinfo(
                opts.host, opts.port, type=socket.SOCK_DGRAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            family = opts.family if opts.local_addr is not None else None
            self._lookup = resolver.resolve(opts.host, opts.port, family or 0)
            self._lookup.add_done_callback(self._resolved)
            self._arm_expiry()
            return
        self._make_sender(infos[0][0], infos[0][4])
        self._sender_loop = loop

    def _resolved(self, lookup: asyncio.Future[resolver.AddrInfo]) -> None:
        self._lookup = None
        self._cancel_expiry()
        if lookup.cancelled() or self.state is STOPPED:
            return
        host = self.opts.host
        error = lookup.exception()
        what = f"cannot resolve {host!r}"
        if error is None:
            what = f"cannot reach {host!r}"
            try:
                infos = lookup.result()
                self._make_sender(infos[0][0], infos[0][4])
                self._sender_loop = lookup.get_loop()
            except Exception as exc:  # e.g. no file descriptor left for the socket
                error = exc
        if error is not None:
            failure = error
            self._fail_queue(lambda: _unreachable(failure, what))
            return
        self._pump()

    def _arm_expiry(self) -> None:
        """While the address is being resolved, time out the oldest waiting job when its
        time (``Timeout`` x (``Retries`` + 1), counted from acceptance) runs out."""
        if self._expiry is not None or self._lookup is None:
            return
        front = next((job for job in self.queue if job.phase is not ANSWERED), None)
        if front is None:
            return
        delay = front.accepted + self._time_budget - time.monotonic()
        self._expiry = asyncio.get_running_loop().call_later(max(0.0, delay), self._expire_waiting)

    def _expire_waiting(self) -> None:
        self._expiry = None
        now = time.monotonic()
        queue = self.queue
        budget = self._time_budget

        def expired() -> bool:
            return self._lookup is not None and queue[0].accepted + budget <= now

        def timeout(job: Job) -> SNMPError:
            return SNMPTimeoutError(attempts=0, elapsed=now - job.accepted)

        if self._answer_front(expired, timeout):  # the rest in the next loop turn
            self._expiry = asyncio.get_running_loop().call_later(0, self._expire_waiting)
            return
        self._arm_expiry()

    def _cancel_expiry(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
            self._expiry = None

    def _make_sender(self, family: int, address: Any) -> None:
        if self.opts.version == 3 and self.opts.v3_engine == "native":
            self._sender = V3Sender(self.kernel, self.opts, family, address)
        elif self.opts.version == 3:
            from ._pysnmp.v3 import V3Client, V3Credentials

            opts = self.opts
            creds = V3Credentials.of(opts.credentials)  # checked once, at create()
            self._sender = V3Client(
                creds, address[0], address[1], timeout=opts.timeout, retries=opts.retries
            )
        else:
            self._sender = CommunitySender(self.kernel, self.opts, family, address)

    def _drive(self, job: Job, result: PduResult | None = None) -> None:
        """The request loop: feed ``job``'s plan the ``result`` of its last PDU (none when
        the job starts), then do the plan's next step: send a PDU, or answer the job.

        Bound to its job, this is the ``done`` callback of every PDU. A walk's next PDU
        goes out before the rows just received are converted, so the conversion overlaps
        the agent's work. A reply that cannot be handled (a value that cannot be
        converted, say) still gives the job its one answer, a DecodeError.
        """
        if job.phase is ANSWERED:
            return  # withdrawn (cancelled awaitable) or answered at shutdown: dropped
        plan = job.plan
        assert plan is not None
        try:
            now = time.monotonic() if plan.deadline is not None else 0.0
            if result is not None:
                plan.feed(result, now)
            step = plan.next(now)
            # (steps are told apart by type, not by a match statement: one comparison)
            if type(step) is Send:
                sender = self._sender
                if sender is None:
                    self._settle(job, None, ShutdownError("component stopped during a walk"))
                    return
                pdu_tag, varbinds, non_repeaters, max_repetitions = step
                sender.send(
                    pdu_tag,
                    varbinds,
                    partial(self._drive, job),
                    non_repeaters=non_repeaters,
                    max_repetitions=max_repetitions,
                )
                if job.converted is not None and result is not None:
                    self._convert(job, plan.rows)  # while the agent works
                    if job.on_rows is not None:
                        job.on_rows()
            elif step is FINISHED:
                if job.converted is not None:
                    self._settle(job, self._convert(job, plan.rows), None)
                elif job.table is not None:
                    self._settle(job, self._table_rows(job.table, plan.rows), None)
                else:
                    self._settle(job, self._varlist(plan.rows[0]), None)
            else:
                assert type(step) is Failed
                error, answered = step
                if answered is not None and isinstance(error, ErrorStatusError):
                    error.varlist = self._varlist(answered)
                self._settle(job, None, error)
        except Exception as exc:
            if result is None:
                raise  # nothing was sent: _pump answers it
            log.exception("handling a reply for %r failed", job.request)
            if job.phase is not ANSWERED:
                self._settle(job, None, DecodeError(f"cannot handle the reply: {exc}"))

    def _convert(self, job: Job, rows: Sequence[Sequence[RawVarbind]]) -> list[VarList]:
        """The walk's rows as VarLists, one per part; converts only the rows not yet
        converted (a part's rows only grow)."""
        converted = job.converted
        assert converted is not None
        for i, part in enumerate(rows):
            if i == len(converted):
                converted.append(VarList())
            varlist = converted[i]
            if len(part) > len(varlist):
                varlist.extend(self._varlist(part[len(varlist) :]))
        return converted[:]

    def _table_rows(
        self, spec: TableSpec, columns: Sequence[Sequence[RawVarbind]]
    ) -> dict[Any, dict[str, Any]]:
        """A table's walked columns (one per root of ``spec``) as its rows by index."""
        from ._core.table import build_rows

        walked = list(zip(spec.roots, columns, strict=True))
        return build_rows(spec, names.mib_index(), walked, self._format.value)

    def _settle(self, job: Job, varlist: Any, error: SNMPError | None) -> None:
        """Give ``job`` its one answer (a second one is a bug: logged, dropped)."""
        phase = job.phase
        if phase is ANSWERED:
            log.error("second answer for %r dropped (bug)", job.request)
            return
        job.phase = ANSWERED
        if phase is ON_WIRE:
            self._running.pop(job.id, None)
            self.in_flight -= 1
            self._scheduler.give()
            if error is not None and job.cmd in _WALKS:
                self._attach_partial(job, error)
        notify = job.notify
        if notify is not None:
            job.notify = None  # (no cycle through a notify that holds its caller)
            self._set_status(job, error)
            self._release(job)
            try:
                notify(varlist, error)
            except Exception:
                log.exception("answering %r failed", job.request)
        elif job.future is not None:
            self._set_status(job, error)
            self._release(job)
            if not job.future.done():
                if error is None:
                    job.future.set_result(varlist)
                else:
                    job.future.set_exception(error)
        elif (
            (self.kernel.current_session is None and self.kernel.running)  # the usual case
            or self.kernel.stopping
            or self.session.stopping
        ):
            # Read off the wire, outside any handler: answer now (POE's callback()), which
            # saves a trip through the queue. Inside a handler answers are posted instead,
            # so a requester is never re-entered from its own request -- except while the
            # kernel or this component stops, when nothing posted would run any more.
            self._deliver(job, varlist, error)
        elif self.kernel.post_as(self.session, self.session, _DELIVER, job, varlist, error):
            if self._delivering is _NOT_DELIVERING:
                self._delivering = set()
            self._delivering.add(job)
        else:
            log.warning("answer to %r lost: it could not be posted", job.request)
            self._release(job)
        if self.state is not STOPPED and self.queue:
            self._pump()

    def _attach_partial(self, job: Job, error: SNMPError) -> None:
        """Put what a failed walk/table had received on ``error.partial``."""
        plan = job.plan
        assert plan is not None
        try:
            if job.table is not None:
                error.partial = self._table_rows(job.table, plan.rows)
            else:
                error.partial = self._convert(job, plan.rows)
        except Exception:  # a value that cannot be converted: the error still goes out
            log.exception("converting the partial result of %r failed", job.request)

    def _on_deliver(self, ev: Event) -> None:
        if ev.sender is not self.session:
            log.warning("state %s posted to component %r ignored", _DELIVER, self.opts.alias)
            return
        job, varlist, error = ev.args
        self._delivering.discard(job)
        self._deliver(job, varlist, error)

    def _deliver(self, job: Job, varlist: Any, error: SNMPError | None) -> None:
        """Set the session's status and dispatch the callback to the requester."""
        assert job.requester is not None  # only POE jobs are delivered by event
        self._set_status(job, error)
        response = Response(varlist, job.callback_args, error)
        try:
            self.kernel.call_as(
                self.session, job.requester, job.callback_state, job.request, response
            )
        except Exception as exc:  # the requester went away or lost its state
            log.warning(
                "callback %r for %r not delivered: %s", job.callback_state, job.request, exc
            )
        finally:
            self._release(job)

    def _set_status(self, job: Job, error: SNMPError | None) -> None:
        handle = self.handle
        if error is None:
            handle.ErrorStr = "" if job.cmd in ("walk", "bulkwalk", "table") else _NO_ERROR
            handle.ErrorNum = handle.ErrorInd = 0
        else:
            handle.ErrorStr = error.error_str
            handle.ErrorNum = error.error_num
            handle.ErrorInd = error.error_index

    def _release(self, job: Job) -> None:
        self.pending -= 1
        requester = job.requester
        if requester is not None:
            owed = self._owed
            count = owed[requester] - 1
            if count:
                owed[requester] = count
            else:
                del owed[requester]
                self.kernel.refcount_decrement(requester, CALLBACK_REF)
        if self.pending == 0:
            self.kernel.refcount_decrement(self.session, PENDING_REF)
            if self.state is FINISHING:
                self._close_if_drained()


_WALKS = frozenset({"walk", "bulkwalk", "table"})


# Shared empty stand-ins (never changed) until a component needs its own: most never do,
# and thousands of components then carry no empty deque and set (760 + 216 bytes each).
class _NoQueue(deque[Job]):
    """The shared empty queue: nothing may be put in it (``_enqueue`` makes a deque)."""

    def append(self, job: Job) -> None:
        raise RuntimeError("a job put in the shared empty queue (bug)")


_NO_QUEUE: deque[Job] = _NoQueue()
_NOT_DELIVERING: set[Job] = set()

# One handler table for every component session (each session's heap is its actor):
# thousands of components then cost no per-session handler dicts. (Requests read the
# heap as ev.session.heap: an attribute, where the ev.heap property is a call.)
_STATES = state_table(
    {
        **dict.fromkeys(REQUESTS, lambda ev: ev.session.heap._on_request(ev)),
        "_start": lambda ev: ev.heap._on_start(ev),
        "_stop": lambda ev: ev.heap._on_stop(ev),
        "_shutdown": lambda ev: ev.heap._on_shutdown(ev),
        "_default": lambda ev: ev.heap._on_unknown(ev),
        "finish": lambda ev: ev.heap.finish_now(),
        _DELIVER: lambda ev: ev.heap._on_deliver(ev),
        _PUMP: lambda ev: ev.heap._pump(),
    }
)


def _unreachable(exc: BaseException, context: str) -> SNMPError:
    """The error for a target that could not be resolved or connected: a
    :class:`TransportError` (a :class:`~snmp_component.errors.ResourceError` when this host
    ran out of something), or the ``SNMPError`` that was raised (a configuration error
    stays one)."""
    error = as_snmp_error(exc, context)
    if isinstance(error, TransportError) or isinstance(exc, SNMPError):
        return error
    return TransportError(f"{context}: {exc}")
