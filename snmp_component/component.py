"""The SNMP component: one kernel session per target host.

``SNMPComponent.create(kernel, **options)`` registers a session under ``Alias`` that
accepts the request events ``get``, ``getnext``, ``set``, ``getbulk``, ``bulkwalk``,
``walk``, ``table`` and ``finish``, and returns the :class:`SNMPSession` that appears in every
callback's ARG0.

What a request sends, and when it is done, is its plan's decision
(:mod:`snmp_component._core.plans`: GETBULK or GETNEXT, tooBig, the ends of walks, their
limits). This module accepts and queues requests, spends the in-flight budget, drives
the plans (``_Actor._drive``: send what the plan says, feed it the result) and delivers
each answer.

Invariants:

* Every accepted request ends in exactly one answer: a callback event to the session
  that posted it (or the result/exception of an awaitable). Bad input is answered too,
  through the same callback, before anything is sent.
* Bookkeeping (pending counts, reference counts) is settled before user code runs; a
  callback that raises cannot leak a request.
* Requests wait FIFO in the component; at most ``MaxInFlight`` of a component's and
  ``SNMPComponent.set_kernel_limit`` of a kernel's are on the wire at once; walks hold one
  slot for all their PDUs.
* An answer read off the wire is dispatched to its requester at once, with the component
  as sender (POE's ``callback()``); an answer produced inside a handler (bad input, say)
  is posted, so a requester is never re-entered from its own request.
* ``finish`` removes the alias (later posts return ``False``), lets every accepted request
  (queued or in flight) complete, answers request *events* that were already on their way
  to the component with a :class:`~snmp_component.errors.ShutdownError`, then the session
  stops and releases its socket share.
* ``kernel.stop()`` (also a cancelled ``run_async()``): in the kernel's ``_shutdown``
  phase, while every session is still alive, the component answers every request it holds
  (queued, in flight, answers posted but not yet run, request events still in the kernel's
  queue) with a ``ShutdownError``, by direct call; replies that arrive later are dropped.
* A cancelled awaitable is withdrawn at once: out of the queue, or its in-flight slot
  freed; its reply, if one comes, is dropped.
* Name resolution runs in :mod:`~snmp_component.resolver`'s threads and counts against
  each waiting request's time (``Timeout`` x (``Retries`` + 1)): a request still waiting
  for the address when that runs out is answered with a timeout.
* A walk, bulkwalk or table that ends in an error carries what it had received on the
  error's ``partial``.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import socket
import time
import weakref
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from . import names, resolver, transport
from ._core import ber
from ._core.oid import parse_oid
from ._core.pdu import Oid, PduResult, RawVarbind
from ._core.plans import (
    BulkPolicy,
    BulkWalkPlan,
    Failed,
    Finished,
    Plan,
    Send,
    SinglePlan,
    TablePlan,
    WalkLimits,
    WalkPlan,
)
from ._core.sprint import OidStyle, sprint_value
from ._core.values import to_netsnmp, type_name
from ._core.vars import parse_set_vars, parse_vars
from .errors import (
    BadTypeError,
    ConfigurationError,
    DecodeError,
    ErrorStatusError,
    ShutdownError,
    SNMPError,
    SNMPTimeoutError,
    TransportError,
    VersionMismatchError,
    as_snmp_error,
)
from .kernel import Event, Kernel, Session, state_table
from .kernel.kernel import SLICE_SECONDS
from .options import SessionOptions, parse_options
from .payload import Request, Response
from .v3sender import V3Sender
from .varbind import Varbind, VarList

if TYPE_CHECKING:
    from ._core.table import TableSpec

log = logging.getLogger("snmp_component")

REQUESTS = ("get", "getnext", "set", "getbulk", "bulkwalk", "walk", "table")
CALLBACK_REF = "snmp_component.callback"  # held on a requester while it awaits answers
PENDING_REF = "snmp_component.pending"  # held on a component while it has requests
_DELIVER = "_snmp_deliver"
_PUMP = "_snmp_pump"
_NO_ERROR = "(noError) No Error"

Done = transport.Done


class _Sender(Protocol):
    """Sends one request PDU; calls ``done`` exactly once, never inside ``send``."""

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: Done,
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None: ...

    def close(self) -> None: ...


class _CommunitySender(transport.SharedSocketSender):
    """SNMPv1/v2c over the kernel's shared UDP transport."""

    def __init__(self, owner: object, opts: SessionOptions, family: int, address: Any) -> None:
        super().__init__(owner, family, address, opts.timeout, opts.retries, opts.local)
        self._version = 0 if opts.version == 1 else 1
        self._community = opts.community
        # The last tuple of varbinds sent (the component's parsed poll arguments are one
        # tuple, sent again and again): its encoded varbinds, and once it is sent again
        # with the same PDU type, the whole message around a 4-byte request-id.
        self._last: _Encoded | None = None

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: Done,
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None:
        udp = self._socket(done)
        if udp is None:
            return
        rid = udp.new_request_id()
        try:
            datagram = self._datagram(pdu_tag, rid, varbinds, non_repeaters, max_repetitions)
        except ValueError as exc:
            self._fail_soon(done, ConfigurationError(f"cannot encode request: {exc}"))
            return
        udp.send(
            rid,
            self._address,
            datagram,
            version=self._version,
            community=self._community,
            timeout=self._timeout,
            retries=self._retries,
            done=done,
        )

    def _datagram(
        self,
        pdu_tag: int,
        rid: int,
        varbinds: Sequence[RawVarbind],
        non_repeaters: int,
        max_repetitions: int,
    ) -> bytes:
        """The request message; a poll sending its varbinds again reuses their encoding,
        and from its second time the whole message around the request-id."""
        last = self._last
        if last is not None and last.varbinds is varbinds:
            if last.pdu_tag == pdu_tag and rid >= _RID_4_BYTES:
                if last.head is not None:
                    return last.head + rid.to_bytes(4, "big") + last.tail
                datagram = self._encode(pdu_tag, rid, 0, 0, last.body)
                self._template(last)
                return datagram
            body = last.body
        elif all(tag == ber.NULL for _, tag, _ in varbinds):
            body = ber.encode_null_varbinds([oid for oid, _, _ in varbinds])
            if type(varbinds) is tuple and pdu_tag != ber.GET_BULK_REQUEST:
                self._last = _Encoded(varbinds, body, pdu_tag)
        else:
            body = ber.encode_varbinds(varbinds)
        status, index = self._header(pdu_tag, non_repeaters, max_repetitions)
        return self._encode(pdu_tag, rid, status, index, body)

    def _encode(self, pdu_tag: int, rid: int, status: int, index: int, body: bytes) -> bytes:
        return ber.encode_request_raw(
            self._version, self._community, pdu_tag, rid, status, index, body
        )

    def _template(self, last: _Encoded) -> None:
        """Split the message of ``last`` around its request-id (any 4-byte one), as the
        codec encodes it: two encodings differ only in those 4 bytes; a third checks."""
        first = self._encode(last.pdu_tag, 0x01010101, 0, 0, last.body)
        second = self._encode(last.pdu_tag, 0x02020202, 0, 0, last.body)
        if len(first) != len(second):  # pragma: no cover - a 4-byte id is 4 bytes
            return
        differ = int.from_bytes(first, "big") ^ int.from_bytes(second, "big")
        at = len(first) - (differ.bit_length() + 7) // 8  # the first byte that differs
        head, tail = first[:at], first[at + 4 :]
        probe = 0x7A5B3C1D
        if head + probe.to_bytes(4, "big") + tail == self._encode(
            last.pdu_tag, probe, 0, 0, last.body
        ):
            last.head, last.tail = head, tail


_RID_4_BYTES = 1 << 23
"""Request-ids from here on (all but 0.4% of them) are encoded in 4 bytes."""


class _Encoded:
    """A sender's last tuple of varbinds: encoded, and the message around a request-id."""

    __slots__ = ("body", "head", "pdu_tag", "tail", "varbinds")

    def __init__(self, varbinds: tuple[RawVarbind, ...], body: bytes, pdu_tag: int) -> None:
        self.varbinds = varbinds
        self.body = body
        self.pdu_tag = pdu_tag
        self.head: bytes | None = None
        self.tail = b""


Notify = Callable[[Any, SNMPError | None], None]
"""``notify(result, error)``: the answer of a request submitted with a callback."""


class _Job:
    """One accepted request, from acceptance to its single answer."""

    __slots__ = (
        "_request",
        "accepted",
        "args",
        "callback_args",
        "cmd",
        "converted",
        "future",
        "handle",
        "id",
        "notify",
        "plan",
        "requester",
        "settled",
        "started",
        "state",
        "table",
    )

    def __init__(
        self,
        job_id: int,
        cmd: str,
        handle: SNMPSession,
        args: Sequence[Any],
        callback_args: tuple[Any, ...] = (),
        requester: Session | None = None,
        state: str = "",
    ) -> None:
        self.id = job_id
        self.cmd = cmd
        self.handle = handle
        self.args = args
        self._request: Request | None = None  # built when first asked for (callbacks, logs)
        self.callback_args = callback_args
        self.requester = requester
        self.state = state
        self.future: asyncio.Future[Any] | None = None
        self.notify: Notify | None = None
        self.plan: Plan | None = None  # what to send, and when it is done (from _prepare)
        self.accepted = 0.0  # time.monotonic() when it joined the queue
        self.converted: list[VarList] | None = None  # walk, bulkwalk: the rows converted
        self.table: TableSpec | None = None
        self.started = False
        self.settled = False

    @property
    def request(self) -> Request:
        """ARG0 of the request's callback: ``(session, alias, host, cmd, *args)``."""
        request = self._request
        if request is None:
            opts = self.handle.options
            request = self._request = Request(
                self.handle, opts.alias, opts.dest_host, self.cmd, self.args
            )
        return request


class _Budget:
    """Requests in flight across all components of one kernel (the kernel-wide cap).

    A component that finds the budget spent waits in a FIFO and is pumped again, in
    turn, as answers free slots; its requests stay queued in order meanwhile.
    """

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0
        self.waiting: deque[_Actor] = deque()

    def take(self, actor: _Actor) -> bool:
        if self.used < self.limit:
            self.used += 1
            return True
        if not actor.waiting_for_budget:
            actor.waiting_for_budget = True
            self.waiting.append(actor)
        return False

    def give(self) -> None:
        self.used -= 1
        if self.waiting:
            self.wake()

    def wake(self) -> None:
        """Pump waiting components, in turn, while slots are free."""
        while self.waiting and self.used < self.limit:
            actor = self.waiting.popleft()
            actor.waiting_for_budget = False
            if not actor._closed:
                actor._pump()


DEFAULT_KERNEL_MAX_IN_FLIGHT = 1000
_budgets: weakref.WeakKeyDictionary[Kernel, _Budget] = weakref.WeakKeyDictionary()


def _budget_of(kernel: Kernel) -> _Budget:
    budget = _budgets.get(kernel)
    if budget is None:
        budget = _budgets[kernel] = _Budget(DEFAULT_KERNEL_MAX_IN_FLIGHT)
    return budget


class SNMPSession:
    """What ``SNMPComponent.create`` returns: one target's settings, status and methods.

    The attributes use net-snmp ``SNMP::Session`` names: ``Alias``, ``DestHost``,
    ``RemotePort``, ``Version``, ``Timeout`` (microseconds), ``Retries``, ``UseNumeric``,
    ``UseLongNames``, ``UseSprintValue``, ``UseEnums``, and the status of the latest
    completion, set just before each callback runs:
    ``ErrorStr``, ``ErrorNum`` (the agent's error-status or a negative client code such
    as -24 for a timeout) and ``ErrorInd`` (1-based index of the offending varbind).

    The awaitable methods (``await snmp.get("sysDescr.0")``) use the same component and
    return the ``VarList`` (a list of them for walks) or raise the
    :class:`~snmp_component.errors.SNMPError` a callback would have carried.
    """

    def __init__(self, kernel: Kernel, opts: SessionOptions) -> None:
        self.kernel = kernel
        self.options = opts
        self.Alias = opts.alias
        self.DestHost = opts.dest_host
        self.RemotePort = opts.port
        self.Version = "2c" if opts.version == 2 else str(opts.version)
        self.Timeout = round(opts.timeout * 1e6)
        self.Retries = opts.retries
        self.UseNumeric = int(opts.use_numeric)
        self.UseLongNames = int(opts.use_long_names)
        self.UseSprintValue = int(opts.use_sprint_value)
        self.UseEnums = int(opts.use_enums)
        self.ErrorStr = ""
        self.ErrorNum = 0
        self.ErrorInd = 0
        self._actor = _Actor(kernel, self, opts)

    # ------------------------------------------------------------ awaitable form

    async def get(self, *vars: Any) -> VarList:
        """GET ``vars``; the ``VarList`` of the response."""
        result: VarList = await self._actor.submit("get", vars)
        return result

    async def getnext(self, *vars: Any) -> VarList:
        """GETNEXT ``vars``; the ``VarList`` of the response."""
        result: VarList = await self._actor.submit("getnext", vars)
        return result

    async def set(self, *vars: Any) -> VarList:
        """SET ``[tag, iid, val, type]`` varbinds (or ``"oid", value`` pairs)."""
        result: VarList = await self._actor.submit("set", vars)
        return result

    async def getbulk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> VarList:
        """GETBULK; one flat ``VarList`` in agent order."""
        result: VarList = await self._actor.submit(
            "getbulk", (non_repeaters, max_repetitions, *vars)
        )
        return result

    async def bulkwalk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> list[VarList]:
        """GETBULK walk of each var's subtree; one ``VarList`` per requested var."""
        result: list[VarList] = await self._actor.submit(
            "bulkwalk", (non_repeaters, max_repetitions, *vars)
        )
        return result

    async def walk(self, *vars: Any) -> list[VarList]:
        """GETNEXT walk of each var's subtree (works on v1); one ``VarList`` per var."""
        result: list[VarList] = await self._actor.submit("walk", vars)
        return result

    async def get_table(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        max_repetitions: int | None = None,
    ) -> dict[Any, dict[str, Any]]:
        """Walk a conceptual table by name; its rows keyed by index.

        ``table`` names the table (``"ifTable"``, ``"IF-MIB::ifTable"``) or its row
        (``"ifEntry"``), by name or OID; ``columns`` limits the walk to those columns (they
        may come from a table with the same INDEX, e.g. ``ifXTable``'s ``ifHCInOctets``
        with ``ifTable``). GETBULK walks (``max_repetitions`` rows per request, default 20)
        on v2c/v3, GETNEXT on v1.

        Returns ``{key: {column name: val}}``, e.g.
        ``{1: {"ifIndex": 1, "ifDescr": "lo", ...}, 2: {...}}``: one entry per row, in the
        agent's order; each row holds the columns the agent returned, their values as a
        ``Varbind.val`` of this session (``UseEnums``/``UseSprintValue`` apply). The key
        is the row's instance decoded by the table's INDEX clause: an ``int``, a dotted
        IpAddress ``str``, a string index as ``str`` (``bytes`` if not printable), an
        ``InetAddress`` as its IP text, a tuple for several index objects; the dotted
        instance string (``"1.4.127.0.0.1"``) when it cannot be decoded.
        """
        args: tuple[Any, ...] = (table,)
        if columns is not None or max_repetitions is not None:
            args += (columns,)
        if max_repetitions is not None:
            args += (max_repetitions,)
        result: dict[Any, dict[str, Any]] = await self._actor.submit("table", args)
        return result

    def finish(self) -> None:
        """Stop accepting requests, answer the pending ones, then go away."""
        self._actor.finish_now()

    # ------------------------------------------------------------ introspection

    @property
    def pending(self) -> int:
        """Accepted requests not yet answered (queued + in flight)."""
        return self._actor.pending

    @property
    def in_flight(self) -> int:
        """Requests on the wire now."""
        return self._actor.in_flight

    @property
    def queued(self) -> int:
        """Requests waiting for a free in-flight slot."""
        return self._actor.queued

    def __repr__(self) -> str:
        return (
            f"<SNMPSession alias={self.Alias!r} host={self.DestHost!r} port={self.RemotePort} "
            f"version={self.Version} in_flight={self.in_flight} queued={self.queued}>"
        )


class SNMPComponent:
    """Creates SNMP components (POE::Component::SNMP::Session's ``create``)."""

    @staticmethod
    def set_kernel_limit(kernel: Kernel, max_in_flight: int) -> None:
        """Cap the SNMP requests on the wire at once across all of ``kernel``'s components
        (default 1,000; each component's own ``MaxInFlight`` applies too). Requests over
        the cap wait in their component's FIFO and are answered exactly once as usual.

        Raises:
            ConfigurationError: ``max_in_flight`` is not an int >= 1.
        """
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise ConfigurationError(f"max_in_flight must be an int >= 1, not {max_in_flight!r}")
        if max_in_flight < 1:
            raise ConfigurationError(f"max_in_flight must be an int >= 1, not {max_in_flight!r}")
        budget = _budget_of(kernel)
        budget.limit = max_in_flight
        budget.wake()  # a raised cap frees slots now

    @staticmethod
    def create(kernel: Kernel, **options: Any) -> SNMPSession:
        """Create a component for one target and register it under ``Alias``.

        Keywords are net-snmp ``SNMP::Session`` names, matched ignoring case, ``-`` and
        ``_``: ``Alias`` (default ``"snmp"``), ``DestHost`` (or ``hostname``; required),
        ``RemotePort`` (161), ``Community`` (``"public"``), ``Version`` (1, 2/"2c", 3;
        default 1), ``Timeout`` (microseconds per attempt, default 1,000,000),
        ``Retries`` (extra attempts, default 5), the SNMPv3 ``SecName``, ``SecLevel``,
        ``AuthProto``, ``AuthPass``, ``PrivProto``, ``PrivPass``, ``Context``,
        ``ContextEngineId``, ``SecEngineId``, ``V3Engine`` (``"native"``, default, or
        ``"pysnmp"``), ``NonIncreasing``, ``MaxInFlight`` (requests on the wire at once,
        default 10), for walks and tables ``MaxRows`` and ``MaxRequests`` (per requested
        subtree; defaults 1,000,000 and 100,000) and ``Deadline`` (seconds for the whole
        walk; default none), and SNMP.pm's response formats:
        ``UseNumeric`` (tags are numeric OIDs), ``UseLongNames`` (tags are full name paths,
        ``.iso.org.dod.internet.mgmt.mib-2.system.sysDescr``), ``UseEnums`` (enumerated
        INTEGER values as their labels, ``"up"``), ``UseSprintValue`` (values as net-snmp
        prints them, ``snmpget -Oqv``: ``"0:0:02:03.45"``, ``"up"``, ``"0:1a:2b:3c:4d:5e"``;
        OID values by name). ``UseNumeric`` wins over ``UseLongNames``, and
        ``UseSprintValue`` over ``UseEnums``, as in SNMP.pm.

        Never blocks: addresses resolve and SNMPv3 engines are discovered on the loop.

        Raises:
            ConfigurationError: an unknown keyword, a duplicate alias, no ``DestHost``,
                or an invalid value; the message names it.
        """
        opts = parse_options(options)
        if opts.version == 3 and opts.v3_engine == "pysnmp":
            # Importing pysnmp costs ~40 ms of CPU once per process: here, where the
            # caller chose to pay for it, not later inside an I/O callback on the loop.
            from ._pysnmp import v3 as _v3  # noqa: F401
        if kernel.alias_resolve(opts.alias) is not None:
            raise ConfigurationError(
                f"A SNMP component instance called {opts.alias!r} already exists!"
            )
        if opts.local is not None:  # not on this host, or taken: say so now, not later
            transport.check_local(kernel, opts.family or socket.AF_INET, opts.local)
        return SNMPSession(kernel, opts)


class _Actor:
    """The kernel-side half of a component: states, queue, senders, delivery."""

    def __init__(self, kernel: Kernel, handle: SNMPSession, opts: SessionOptions) -> None:
        self.kernel = kernel
        self.handle = handle
        self.opts = opts
        self.queue: deque[_Job] = deque()
        self.in_flight = 0
        self.pending = 0
        self.finishing = False
        self._ids = itertools.count(1)
        self._sender: _Sender | None = None
        self._sender_loop: asyncio.AbstractEventLoop | None = None
        self._bulk_policy = BulkPolicy(opts.alias)  # what tooBig taught about this target
        self._limits = WalkLimits(
            not opts.non_increasing, opts.max_rows, opts.max_requests, opts.deadline
        )
        self._budget = _budget_of(kernel)
        self.waiting_for_budget = False
        self._delivering: set[_Job] = set()  # answers posted to _DELIVER, not yet run
        self._running: dict[int, _Job] = {}  # started, not answered: job id -> job
        self._withdrawn = 0  # jobs in the queue whose awaitable was cancelled
        self._doomed: tuple[int, Callable[[], SNMPError]] | None = None  # see _fail_queue
        self._walking_queue = False  # _answer_front is answering from the queue's front
        self._resolving = False
        self._lookup: asyncio.Future[resolver.AddrInfo] | None = None
        self._time_budget = opts.timeout * (opts.retries + 1)  # of one request
        self._expiry: asyncio.TimerHandle | None = None  # times out jobs awaiting the address
        self._closed = False
        self._plain = not (opts.use_sprint_value or opts.use_enums)
        # The last get/getnext arguments that were all numeric OID strings (whose OIDs no
        # MIB loaded or forgotten later can change), with their GET and GETNEXT (one tuple
        # of varbinds): a poll of the same OIDs is not parsed again. One entry: bounded by
        # its arguments.
        self._parsed: tuple[tuple[str, ...], Send, Send] | None = None
        style: OidStyle = (
            "numeric" if opts.use_numeric else "full" if opts.use_long_names else "suffix"
        )
        self._oid_text = names.oid_text(style)
        self.session = Session.create(kernel, heap=self, shared_states=_STATES)

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
        if requester.handler(state) is None and requester.handler("_default") is None:
            log.warning(
                "%s request to %r names callback state %r, which %r does not handle; nothing sent",
                ev.state,
                self.opts.alias,
                state,
                requester,
            )
            return None
        request_args, callback_args, problem = _split_callback_args(request_args, ev.kwargs)
        job = _Job(next(self._ids), ev.state, self.handle, request_args, callback_args,
                   requester, state)  # fmt: skip
        self._hold(job)
        if problem is not None:
            self._settle(job, None, problem)
            return 0
        if self.finishing:
            self._settle(job, None, ShutdownError(f"component {self.opts.alias!r} is finishing"))
            return None
        try:
            self._prepare(job, request_args)
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
            and (requester.handler(args[0]) or requester.handler("_default"))
        ):
            job = _Job(next(self._ids), str(state), self.handle, args[1:], (), requester, args[0])
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
        if self.finishing or not self.session.alive:
            return
        if self.kernel.current_session is not self.session:
            self.kernel.call(self.session, "finish")  # alias_remove needs our own context
            return
        self.finishing = True
        for alias in self.session.aliases:
            self.kernel.alias_remove(alias)
        self._close_if_drained()

    def _close_if_drained(self) -> None:
        """Without a running kernel nobody stops the session: stop it here (which
        releases the socket), so finished components do not pile up in the kernel."""
        if self.finishing and self.pending == 0 and not self.kernel.running:
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
        self.finishing = True
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
        self._closed = True
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

    def submit_callback(self, cmd: str, args: tuple[Any, ...], notify: Notify) -> _Job:
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

    def _accept(self, cmd: str, args: tuple[Any, ...]) -> _Job:
        """A prepared job for ``cmd``; raises what the awaitable raises at once."""
        if self.finishing or self._closed:
            raise ShutdownError(f"component {self.opts.alias!r} is finishing")
        job = _Job(next(self._ids), cmd, self.handle, args)
        try:
            self._prepare(job, args)  # bad input raises here, nothing is accepted
        except Exception as exc:
            raise as_snmp_error(exc, cmd) from None
        return job

    def withdraw(self, job: _Job) -> None:
        """Take back a request of :meth:`submit_callback`; ``notify`` is not called after
        this (after the answer, this does nothing)."""
        self._withdraw(job)

    def _withdraw(self, job: _Job) -> None:
        """A cancelled awaitable: out of the queue, or its slot freed (its reply dropped)."""
        if job.settled:
            return
        job.settled = True
        job.notify = None
        if job.started:
            self._running.pop(job.id, None)
            self.in_flight -= 1
            self._budget.give()
        else:
            self._withdrawn += 1  # _pump skips it; compacted below when they pile up
            crowded = self._withdrawn > 64 and self._withdrawn * 2 > len(self.queue)
            if crowded and self._doomed is None and not self._walking_queue:
                # (a doom counts queue entries; a loop over the queue holds this deque)
                self.queue = deque(j for j in self.queue if not j.settled)
                self._withdrawn = 0
        self._release(job)
        if not self._closed and self.queue:
            self._pump()

    @property
    def queued(self) -> int:
        """Jobs waiting in the queue (withdrawn ones not counted)."""
        return len(self.queue) - self._withdrawn

    # ------------------------------------------------------------ preparing

    def _prepare(self, job: _Job, args: Sequence[Any]) -> None:
        """Parse the request arguments into the job's plan; raises on bad input."""
        cmd, opts = job.cmd, self.opts
        if cmd == "get" or cmd == "getnext":
            parsed = self._parsed
            if parsed is not None and _same_strs(args, parsed[0]):
                job.plan = SinglePlan(parsed[1] if cmd == "get" else parsed[2])  # a poll again
                return
        if cmd == "table":
            self._prepare_table(job, args)
            return
        if cmd == "set":
            varbinds = parse_set_vars(args, names.resolve, names.type_of, names.object_of)
            if opts.version == 1:
                try:
                    ber.check_version_varbinds(ber.VERSION_1, varbinds)
                except ValueError as exc:
                    raise BadTypeError(f"Bad variable type: {exc}") from None
            job.plan = SinglePlan(Send(ber.SET_REQUEST, varbinds))
            return
        non_repeaters = max_repetitions = 0
        if cmd == "getbulk" or cmd == "bulkwalk":
            if opts.version == 1:
                raise VersionMismatchError(f"Cannot send V2 PDU on V1 session ({cmd})")
            if len(args) < 2:
                raise ConfigurationError(f"{cmd} needs nonrepeaters, maxrepetitions, vars")
            non_repeaters = _count(cmd, "nonrepeaters", args[0])
            max_repetitions = _count(cmd, "maxrepetitions", args[1])
            args = args[2:]
            if cmd == "bulkwalk":
                if not args or all(isinstance(a, list | tuple) and not a for a in args):
                    raise ConfigurationError("cannot bulkwalk() empty variable list")
                if max_repetitions == 0:
                    raise ConfigurationError("bulkwalk() needs maxrepetitions >= 1")
        oids = parse_vars(args, names.resolve)
        if cmd == "walk":
            job.plan = WalkPlan(oids, self._limits, v1=opts.version == 1)
            job.converted = []
        elif cmd == "bulkwalk":
            if non_repeaters > len(oids):
                raise ConfigurationError("bulkwalk() needs at least 2 varbinds")
            job.plan = BulkWalkPlan(
                oids, non_repeaters, max_repetitions, self._limits, self._bulk_policy
            )
            job.converted = []
        elif cmd == "getbulk":
            if non_repeaters > len(oids):
                raise ConfigurationError(
                    f"getbulk: nonrepeaters {non_repeaters} > {len(oids)} vars"
                )
            varbinds = [(oid, ber.NULL, None) for oid in oids]
            job.plan = SinglePlan(
                Send(ber.GET_BULK_REQUEST, varbinds, non_repeaters, max_repetitions)
            )
        elif _numeric_strs(args):  # get, getnext: kept for a poll of the same OIDs
            polled = tuple([(oid, ber.NULL, None) for oid in oids])
            get, getnext = Send(ber.GET_REQUEST, polled), Send(ber.GET_NEXT_REQUEST, polled)
            self._parsed = (tuple(args), get, getnext)
            job.plan = SinglePlan(get if cmd == "get" else getnext)
        else:
            pdu_tag = ber.GET_REQUEST if cmd == "get" else ber.GET_NEXT_REQUEST
            job.plan = SinglePlan(Send(pdu_tag, [(oid, ber.NULL, None) for oid in oids]))

    def _prepare_table(self, job: _Job, args: Sequence[Any]) -> None:
        """``table, [columns, [max_repetitions]]``: what to walk (raises on bad input)."""
        from ._core.table import table_spec  # only table requests need it

        if not args or len(args) > 3:
            raise ConfigurationError(
                "table needs a table name, then optionally columns and maxrepetitions"
            )
        columns = args[1] if len(args) > 1 else None
        job.table = spec = table_spec(names.mib_index(), args[0], columns)
        reps = args[2] if len(args) > 2 else None
        job.plan = TablePlan(
            spec.roots,
            self._limits,
            self._bulk_policy,
            v1=self.opts.version == 1,
            max_repetitions=None if reps is None else _count("table", "maxrepetitions", reps),
        )

    # ------------------------------------------------------------ running

    def _hold(self, job: _Job) -> None:
        # One PENDING_REF while any request is pending (taken on the first, dropped with
        # the last in _release), not one per request.
        self.pending += 1
        if self.pending == 1:
            self.kernel.refcount_increment(self.session, PENDING_REF)
        if job.requester is not None:
            self.kernel.refcount_increment(job.requester, CALLBACK_REF)

    def _enqueue(self, job: _Job) -> None:
        job.accepted = time.monotonic()
        self.queue.append(job)
        self._pump()

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
        budget = self._budget
        while queue and self.in_flight < self.opts.max_in_flight:
            if queue[0].settled:  # withdrawn while queued
                queue.popleft()
                self._withdrawn = max(0, self._withdrawn - 1)
                continue
            if not budget.take(self):
                break
            job = queue.popleft()
            self.in_flight += 1
            job.started = True
            self._running[job.id] = job
            try:
                self._drive(job)
            except Exception as exc:
                self._settle(job, None, as_snmp_error(exc, "cannot send"))

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
        self, take: Callable[[], bool], make_error: Callable[[_Job], SNMPError]
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
                if queue[0].settled:  # withdrawn while queued
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
            if not self._closed and self.queue:
                self._pump()

    def _fail_all(self, make_error: Callable[[], SNMPError]) -> None:
        """Answer every job, queued or in flight; late replies to them are dropped."""
        self._fail_queue(make_error)
        for job in list(self._running.values()):
            self._settle(job, None, make_error())

    def _connect(self, loop: asyncio.AbstractEventLoop) -> None:
        """Create the sender; a host name is resolved first, in the resolver's threads."""
        if self._resolving or self._closed:
            return
        opts = self.opts
        try:
            infos = socket.getaddrinfo(
                opts.host, opts.port, type=socket.SOCK_DGRAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            self._resolving = True
            family = opts.family if opts.local_addr is not None else None
            self._lookup = resolver.resolve(opts.host, opts.port, family or 0)
            self._lookup.add_done_callback(self._resolved)
            self._arm_expiry()
            return
        self._make_sender(infos[0][0], infos[0][4])
        self._sender_loop = loop

    def _resolved(self, lookup: asyncio.Future[resolver.AddrInfo]) -> None:
        self._resolving = False
        self._lookup = None
        self._cancel_expiry()
        if lookup.cancelled() or self._closed:
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
        if self._expiry is not None or not self._resolving:
            return
        front = next((job for job in self.queue if not job.settled), None)
        if front is None:
            return
        delay = front.accepted + self._time_budget - time.monotonic()
        self._expiry = asyncio.get_running_loop().call_later(
            max(0.0, delay), self._expire_waiting
        )

    def _expire_waiting(self) -> None:
        self._expiry = None
        now = time.monotonic()
        queue = self.queue
        budget = self._time_budget

        def expired() -> bool:
            return self._resolving and queue[0].accepted + budget <= now

        def timeout(job: _Job) -> SNMPError:
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
            creds = V3Credentials(
                sec_name=opts.sec_name,
                sec_level=opts.sec_level,
                auth_proto=opts.auth_proto,
                auth_pass=opts.auth_pass,
                priv_proto=opts.priv_proto,
                priv_pass=opts.priv_pass,
                context=opts.context,
                context_engine_id=opts.context_engine_id,
                sec_engine_id=opts.sec_engine_id,
            )
            self._sender = V3Client(
                creds, address[0], address[1], timeout=opts.timeout, retries=opts.retries
            )
        else:
            self._sender = _CommunitySender(self.kernel, self.opts, family, address)

    def _drive(self, job: _Job, result: PduResult | None = None) -> None:
        """The request loop: feed ``job``'s plan the ``result`` of its last PDU (none when
        the job starts), then do the plan's next step: send a PDU, or answer the job.

        Bound to its job, this is the ``done`` callback of every PDU. A walk's next PDU
        goes out before the rows just received are converted, so the conversion overlaps
        the agent's work. A reply that cannot be handled (a value that cannot be
        converted, say) still gives the job its one answer, a DecodeError.
        """
        if job.settled:
            return  # withdrawn (cancelled awaitable) or answered at shutdown: dropped
        plan = job.plan
        assert plan is not None
        try:
            now = time.monotonic() if plan.deadline is not None else 0.0
            if result is not None:
                plan.feed(result, now)
            step = plan.next(now)
            match step:
                case Send():
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
                case Finished():
                    if job.converted is not None:
                        self._settle(job, self._convert(job, plan.rows), None)
                    elif job.table is not None:
                        self._settle(job, self._table_rows(job.table, plan.rows), None)
                    else:
                        self._settle(job, self._varlist(plan.rows[0]), None)
                case Failed():
                    error, answered = step
                    if answered is not None and isinstance(error, ErrorStatusError):
                        error.varlist = self._varlist(answered)
                    self._settle(job, None, error)
        except Exception as exc:
            if result is None:
                raise  # nothing was sent: _pump answers it
            log.exception("handling a reply for %r failed", job.request)
            if not job.settled:
                self._settle(job, None, DecodeError(f"cannot handle the reply: {exc}"))

    def _convert(self, job: _Job, rows: Sequence[Sequence[RawVarbind]]) -> list[VarList]:
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
        return build_rows(spec, names.mib_index(), walked, self._row_value)

    # ------------------------------------------------------------ results

    def _value(self, oid: Oid, tag: int, value: Any, mib_type: str | None) -> tuple[Any, str]:
        """``(val, type)`` with the session's ``UseSprintValue``/``UseEnums`` applied."""
        if self.opts.use_sprint_value:
            text = sprint_value(tag, value, names.node_of(oid), oid_text=self._oid_text)
            return text, type_name(tag, mib_type)
        val, kind = to_netsnmp(tag, value, mib_type)
        if tag == ber.INTEGER and isinstance(val, int):  # UseEnums, as SNMP.xs: INTEGER only
            node = names.node_of(oid)
            if node is not None and node.enums:
                for label, number in node.enums.items():
                    if number == val:
                        return label, kind
        return val, kind

    def _row_value(self, raw: RawVarbind) -> Any:
        oid, tag, value = raw
        if self._plain:
            return to_netsnmp(tag, value, names.type_of(oid))[0]
        return self._value(oid, tag, value, names.type_of(oid))[0]

    def _varlist(self, raws: Sequence[RawVarbind]) -> VarList:
        """``raws`` as this session's ``Varbind``s (the one place received varbinds are
        converted)."""
        varlist = _new_varlist(VarList)  # an empty VarList() without __init__
        append, describe = varlist.append, names.describe
        opts = self.opts
        numeric, long_names, plain = opts.use_numeric, opts.use_long_names, self._plain
        for oid, tag, value in raws:
            label, iid, mib_type = describe(oid, numeric, long_names)
            if plain:
                val, kind = to_netsnmp(tag, value, mib_type)
            else:
                val, kind = self._value(oid, tag, value, mib_type)
            varbind = _new_varbind(Varbind)  # Varbind(label, iid, val, kind) without __init__
            _extend(varbind, (label, iid, val, kind))
            append(varbind)
        return varlist

    def _settle(self, job: _Job, varlist: Any, error: SNMPError | None) -> None:
        """Give ``job`` its one answer (a second one is a bug: logged, dropped)."""
        if job.settled:
            log.error("second answer for %r dropped (bug)", job.request)
            return
        job.settled = True
        if job.started:
            self._running.pop(job.id, None)
            self.in_flight -= 1
            self._budget.give()
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
            self.kernel.stopping
            or self.session.stopping
            or (self.kernel.current_session is None and self.kernel.running)
        ):
            # Read off the wire, outside any handler: answer now (POE's callback()), which
            # saves a trip through the queue. Inside a handler answers are posted instead,
            # so a requester is never re-entered from its own request -- except while the
            # kernel or this component stops, when nothing posted would run any more.
            self._deliver(job, varlist, error)
        elif self.kernel.post_as(self.session, self.session, _DELIVER, job, varlist, error):
            self._delivering.add(job)
        else:
            log.warning("answer to %r lost: it could not be posted", job.request)
            self._release(job)
        if not self._closed and self.queue:
            self._pump()

    def _attach_partial(self, job: _Job, error: SNMPError) -> None:
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

    def _deliver(self, job: _Job, varlist: Any, error: SNMPError | None) -> None:
        """Set the session's status and dispatch the callback to the requester."""
        assert job.requester is not None  # only POE jobs are delivered by event
        self._set_status(job, error)
        response = Response(varlist, job.callback_args, error)
        try:
            self.kernel.call_as(self.session, job.requester, job.state, job.request, response)
        except Exception as exc:  # the requester went away or lost its state
            log.warning("callback %r for %r not delivered: %s", job.state, job.request, exc)
        finally:
            self._release(job)

    def _set_status(self, job: _Job, error: SNMPError | None) -> None:
        handle = self.handle
        if error is None:
            handle.ErrorStr = "" if job.cmd in ("walk", "bulkwalk", "table") else _NO_ERROR
            handle.ErrorNum = handle.ErrorInd = 0
        else:
            handle.ErrorStr = error.error_str
            handle.ErrorNum = error.error_num
            handle.ErrorInd = error.error_index

    def _release(self, job: _Job) -> None:
        self.pending -= 1
        if job.requester is not None:
            self.kernel.refcount_decrement(job.requester, CALLBACK_REF)
        if self.pending == 0:
            self.kernel.refcount_decrement(self.session, PENDING_REF)
            if self.finishing:
                self._close_if_drained()


_WALKS = frozenset({"walk", "bulkwalk", "table"})
_new_varbind = Varbind.__new__
_new_varlist = VarList.__new__
_extend = list.extend

# One handler table for every component session (each session's heap is its _Actor):
# thousands of components then cost no per-session handler dicts.
_STATES = state_table(
    {
        **dict.fromkeys(REQUESTS, lambda ev: ev.heap._on_request(ev)),
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


def _same_strs(args: Sequence[Any], strs: tuple[str, ...]) -> bool:
    """Whether ``args`` are the very strings ``strs`` (plain ``str`` objects only)."""
    if len(args) != len(strs):
        return False
    if len(strs) == 1:  # the usual poll
        arg = args[0]
        return type(arg) is str and arg == strs[0]
    for arg, text in zip(args, strs, strict=True):
        if type(arg) is not str or arg != text:
            return False
    return True


def _numeric_strs(args: Sequence[Any]) -> bool:
    """Whether every one of ``args`` is a plain ``str`` that is a numeric OID: what
    ``names.resolve`` gives for it is ``parse_oid``'s, whatever MIBs are loaded."""
    for arg in args:
        if type(arg) is not str:
            return False
        text = arg.strip()
        if not (text[:1].isdigit() or text[:1] == "."):
            return False
        try:
            parse_oid(text)
        except ValueError:
            return False
    return bool(args)


def _count(cmd: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{cmd}: {name} must be an int >= 0, not {value!r}")
    return value


def _split_callback_args(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...], ConfigurationError | None]:
    """Take ``callback_args`` out of a request (keyword, or a ``-callback_args`` pair)."""
    found: list[Any] = []
    problem: ConfigurationError | None = None
    for key, value in kwargs.items():
        if key == "callback_args" or key.lower().lstrip("-").replace("-", "_") == "callback_args":
            found.append(value)
        else:
            problem = ConfigurationError(f"unknown request keyword {key!r} (only callback_args)")
    rest = args
    for item in args:
        if isinstance(item, str) and item.lower().lstrip("-") == "callback_args":
            rest = _without_callback_pairs(args, found)
            break
    callback_args: tuple[Any, ...] = ()
    if len(found) > 1:
        problem = ConfigurationError("callback_args given more than once")
    elif found:
        value = found[0]
        if isinstance(value, list | tuple):
            callback_args = tuple(value)
        else:
            problem = ConfigurationError(
                f"Argument to callback_args must be a list or tuple, not {type(value).__name__}"
            )
    return rest, callback_args, problem


def _without_callback_pairs(args: tuple[Any, ...], found: list[Any]) -> tuple[Any, ...]:
    """``args`` without their ``-callback_args, value`` pairs; each value goes to ``found``."""
    rest: list[Any] = []
    i = 0
    while i < len(args):
        item = args[i]
        if isinstance(item, str) and item.lower().lstrip("-") == "callback_args":
            if i + 1 < len(args):
                found.append(args[i + 1])
            i += 2
            continue
        rest.append(item)
        i += 1
    return tuple(rest)
