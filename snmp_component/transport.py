"""The v1/v2c wire: one UDP socket per kernel and address family, shared by components.

Invariants:

* Every :meth:`UdpTransport.send` ends in exactly one call of its ``done`` callback:
  the matching response, a timeout after every attempt, a send failure, or shutdown.
  ``done`` is never called from inside ``send`` itself.
* A reply is accepted only from the address the request went to, with a request-id
  that is outstanding, with the same version and community, and only if it decodes;
  anything else is counted and ignored. Retries re-send the same datagram with the same
  request-id, so a late reply to an earlier attempt completes the request.
* A datagram that will be dropped costs O(header): the request-id, source, version,
  community and PDU type are checked before any varbind is decoded
  (:func:`~snmp_component._core.ber.decode_response`; SNMPv3 codecs check msgFlags, the
  USM parameters and the HMAC first), no wake-up reads for longer than
  :data:`READ_BUDGET` and no timer expiry works for longer than :data:`EXPIRE_BUDGET`:
  no burst of datagrams or of timeouts holds the loop.
* A reply read at or after its exchange's current deadline is read as the timer would
  have seen it: the expiry runs first (a retry is sent, and the reply, a late answer to
  an earlier attempt, then completes the request; or, after the last attempt, the
  request times out and the reply is unmatched). Which of a reply and an expired timer
  the loop happens to run first never decides the outcome.
* One deadline heap and one loop timer serve every request (no timer per request);
  entries of completed requests are dropped lazily and compacted when they pile up.
* The socket is drained on each wake-up (``recvfrom`` until it would block, or for
  :data:`READ_BUDGET` seconds at most), which is much cheaper per datagram than one
  ``datagram_received`` call each. A wake-up that completes the last outstanding request
  stops there (no ``recvfrom`` just to hear it would block, at one request in flight);
  anything still queued is read in the next loop turn, as the socket stays readable.
* SNMPv3 exchanges carry a :class:`Codec`: each attempt gets a fresh id (msgID) and a
  freshly built datagram, every attempt's id routes to the exchange, and the codec reads
  replies into a :data:`CodecResult`: a ``PduResult`` finishes the exchange, a
  :class:`Drop` drops the datagram (the exchange keeps waiting), a :class:`Resend` sends
  a rebuilt attempt at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import heapq
import logging
import random
import socket
import time
import weakref
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, Protocol, TypeAlias, runtime_checkable

from ._core import ber
from ._core.pdu import PduResult
from ._core.v3msg import peek_msg_id
from .errors import (
    ConfigurationError,
    DecodeError,
    ShutdownError,
    SNMPError,
    SNMPTimeoutError,
    TransportError,
)

log = logging.getLogger("snmp_component.transport")

RECV_BUFFER = 4 * 1024 * 1024  # many targets answering at once must not overflow it
MAX_DATAGRAM = 65535
MAX_READS_PER_WAKEUP = 512
READ_BUDGET = 0.005
"""Seconds one wake-up may spend reading; the rest waits for the next loop turn."""
EXPIRE_BUDGET = 0.005
"""Seconds one timer expiry may spend on retries and timeouts; the rest waits likewise."""

Done = Callable[[PduResult], None]
Address = tuple[Any, ...]  # a socket address as getaddrinfo/recvfrom give it
Local = tuple[str, int]
"""Where a socket is bound: ``(address, port)``; ``""`` is any address, ``0`` any port."""


@dataclass(frozen=True, slots=True)
class Resend:
    """:meth:`Codec.read`: re-build the request (new id, new datagram) and send it now.

    Attributes:
        reason: why, for the log (e.g. ``"not_in_time_window"``: a Report resynchronised
            the clock).
    """

    kind: ClassVar[Literal["resend"]] = "resend"
    reason: str


@dataclass(frozen=True, slots=True)
class Drop:
    """:meth:`Codec.read`: the datagram is not the reply; drop it and keep waiting.

    Attributes:
        reason: why, one of a few fixed names (e.g. ``"wrong_digest"``,
            ``"not_the_answer"``), so that a codec can make one ``Drop`` per reason and
            return it for every datagram it drops (a burst of them allocates nothing).
    """

    kind: ClassVar[Literal["drop"]] = "drop"
    reason: str


CodecResult: TypeAlias = PduResult | Resend | Drop
"""What :meth:`Codec.read` makes of a reply: a ``PduResult`` finishes the exchange."""


@runtime_checkable
class Batching(Protocol):
    """An owner (the kernel) that groups what the completions of one wake-up post.

    ``batch()`` wraps each socket wake-up and each timer expiry: the events the completion
    callbacks post are dispatched when it ends, in the same loop turn, after every reply
    of the wake-up was read (so the sends they cause go out together).
    """

    def batch(self) -> AbstractContextManager[None]: ...


class Codec(Protocol):
    """Builds the datagrams of one exchange and reads its replies (SNMPv3)."""

    def build(self, message_id: int, now: float) -> bytes:
        """The datagram of an attempt identified by ``message_id``."""
        ...

    def read(self, data: bytes, now: float) -> CodecResult:
        """A reply routed to this exchange: a ``PduResult`` ends it, a :class:`Drop` drops
        the datagram (keep waiting), a :class:`Resend` sends a rebuilt attempt now.

        Should not raise; if it does, the exchange ends with a ``DecodeError``.
        """
        ...


@dataclass
class TransportStats:
    """Counters of one transport (all monotonic)."""

    sent: int = 0
    retries: int = 0
    received: int = 0
    completed: int = 0
    timeouts: int = 0
    unmatched: int = 0  # request-id not outstanding (late duplicate, stray, spoofed; or
    # read past the last attempt's deadline)
    wrong_source: int = 0  # outstanding request-id from another address or port
    decode_errors: int = 0  # malformed, or not the reply: another version, community or
    # PDU type; SNMPv3: not authentic, another user, level or request-id
    send_errors: int = 0


def _finished(result: PduResult) -> None:
    """The completion of an exchange that has already completed."""


class _Exchange:
    """One request on the wire (all attempts)."""

    __slots__ = (
        "address",
        "attempts",
        "codec",
        "community",
        "datagram",
        "deadline",
        "done",
        "finished",
        "ids",
        "request_id",
        "retries_left",
        "started",
        "timeout",
        "version",
    )

    def __init__(
        self,
        request_id: int,
        address: Address,
        datagram: bytes,
        version: int,
        community: bytes,
        timeout: float,
        retries: int,
        done: Done,
        now: float,
    ) -> None:
        self.request_id = request_id
        self.address = address
        self.datagram = datagram
        self.version = version
        self.community = community
        self.timeout = timeout
        self.retries_left = retries
        self.attempts = 1
        self.done = done
        self.started = now
        self.deadline = now + timeout
        self.finished = False
        self.codec: Codec | None = None
        self.ids: list[int] = [request_id]  # every attempt's id (SNMPv3: one per attempt)


PacketTrace = Callable[[Literal["sent", "received"], bytes, Address, Address], None]
"""``trace(direction, datagram, peer, local)``: one datagram a socket sent or received."""

_packet_trace: PacketTrace | None = None


def set_packet_trace(trace: PacketTrace | None) -> None:
    """Show every datagram of the sockets created from now on to ``trace`` (``None``: stop
    for sockets created later): a debugging aid, process-wide (``snmpc -d`` prints them
    as net-snmp's ``-d`` does). A ``trace`` that raises loses its datagram's trace only."""
    global _packet_trace
    _packet_trace = trace


class UdpTransport:
    """A non-blocking UDP socket with request matching, retries and timeouts."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, family: int, local: Local | None = None
    ) -> None:
        self.loop = loop
        self.family = family
        self.local = local
        self.stats = TransportStats()
        self.users = 0
        self._pending: dict[int, _Exchange] = {}
        self._heap: list[tuple[float, int, _Exchange]] = []
        self._seq = 0
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at = 0.0
        self._next_id = random.randrange(1, 2**31 - 1)
        # asyncio's own loops read time.monotonic() in a Python method: call it directly
        # (same clock, one call less per request); other loops (uvloop) keep their own.
        self._clock: Callable[[], float] = (
            time.monotonic if type(loop).time is asyncio.BaseEventLoop.time else loop.time
        )
        self.batch: Callable[[], AbstractContextManager[None]] = contextlib.nullcontext
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)
            except OSError:  # pragma: no cover - capped by the system; still works
                log.debug("could not raise SO_RCVBUF", exc_info=True)
            sock.bind(bind_address(family, local))
            loop.add_reader(sock.fileno(), self._on_readable)
        except BaseException:
            sock.close()
            raise
        self._sock: socket.socket | None = sock
        self.closed = False  # (an attribute, not a property: read for every request)
        self.trace = _packet_trace
        # a socket left open by an unfinished component is closed at exit, without a
        # ResourceWarning (python -X dev); close() closes it earlier
        weakref.finalize(self, sock.close)

    @property
    def pending(self) -> int:
        """Requests on the wire now (an SNMPv3 request has an id per attempt: count once)."""
        return len({id(ex) for ex in self._pending.values()})

    def new_request_id(self) -> int:
        """A request-id (1..2**31-1) not outstanding on this socket."""
        rid = self._next_id
        while rid in self._pending:
            rid = rid + 1 if rid < 2**31 - 1 else 1
        self._next_id = rid + 1 if rid < 2**31 - 1 else 1
        return rid

    def send(
        self,
        request_id: int,
        address: Address,
        datagram: bytes,
        *,
        version: int,
        community: bytes,
        timeout: float,
        retries: int,
        done: Done,
    ) -> None:
        """Send ``datagram`` (already carrying ``request_id``) and track it until done."""
        now = self._clock()
        ex = _Exchange(
            request_id, address, datagram, version, community, timeout, retries, done, now
        )
        if self._sock is None:
            self.loop.call_soon(self._finish, ex, PduResult(ShutdownError("transport closed")))
            return
        self._pending[request_id] = ex
        self._push(ex)
        self._transmit(ex)

    def send_codec(
        self, address: Address, codec: Codec, *, timeout: float, retries: int, done: Done
    ) -> None:
        """Like :meth:`send` for an exchange whose datagrams ``codec`` builds and reads."""
        now = self._clock()
        rid = self.new_request_id()
        try:
            datagram = codec.build(rid, now)
        except Exception as exc:
            error = ConfigurationError(f"cannot encode request: {exc}")
            self.loop.call_soon(done, PduResult(error))
            return
        ex = _Exchange(rid, address, datagram, -1, b"", timeout, retries, done, now)
        ex.codec = codec
        if self._sock is None:
            self.loop.call_soon(self._finish, ex, PduResult(ShutdownError("transport closed")))
            return
        self._pending[rid] = ex
        self._push(ex)
        self._transmit(ex)

    def _rebuild(self, ex: _Exchange, now: float) -> bool:
        """Give a codec exchange a new id and datagram; False (and finished) if it fails."""
        assert ex.codec is not None
        rid = self.new_request_id()
        try:
            ex.datagram = ex.codec.build(rid, now)
        except Exception as exc:
            self._complete(ex, PduResult(ConfigurationError(f"cannot encode request: {exc}")))
            return False
        ex.request_id = rid
        ex.ids.append(rid)
        self._pending[rid] = ex
        return True

    def _complete(self, ex: _Exchange, result: PduResult) -> None:
        pending = self._pending
        for rid in ex.ids:
            pending.pop(rid, None)
        self._finish(ex, result)

    def _transmit(self, ex: _Exchange) -> None:
        assert self._sock is not None
        try:
            self._sock.sendto(ex.datagram, ex.address)
            self.stats.sent += 1
            if self.trace is not None:
                self._traced("sent", ex.datagram, ex.address)
        except (BlockingIOError, InterruptedError):
            self.stats.send_errors += 1  # like a lost datagram: the retry timer re-sends
        except OSError as exc:
            self.stats.send_errors += 1
            error = TransportError(f"send to {ex.address[0]} port {ex.address[1]} failed: {exc}")
            for rid in ex.ids:
                self._pending.pop(rid, None)
            self.loop.call_soon(self._finish, ex, PduResult(error))

    def _finish(self, ex: _Exchange, result: PduResult) -> None:
        if ex.finished:
            return
        ex.finished = True
        # A finished exchange may stay in the deadline heap for a while: drop what it holds
        # of its requester (the completion, the codec), so it keeps nothing else alive.
        done, ex.done, ex.codec = ex.done, _finished, None
        try:
            done(result)
        except Exception:
            log.exception("transport completion callback raised")

    # ---------------------------------------------------------------- receiving

    def _on_readable(self) -> None:
        with self.batch():
            self._read_all()

    def _read_all(self) -> None:
        sock = self._sock
        if sock is None:
            return
        recvfrom = sock.recvfrom
        pending = self._pending
        stats = self.stats
        peek = ber.peek_request_id
        clock = self._clock
        end = clock() + READ_BUDGET
        for _ in range(MAX_READS_PER_WAKEUP):
            now = clock()
            if now >= end:
                return  # the socket is still readable: the loop calls again next turn
            try:
                data, source = recvfrom(MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # e.g. an ICMP error queued on the socket
                if self._sock is None:
                    return  # closed by a completion callback during this wake-up
                log.debug("recvfrom: %s", exc)
                continue
            stats.received += 1
            if self.trace is not None:
                self._traced("received", data, source)
            rid = peek(data)
            if rid is None:
                rid = peek_msg_id(data)  # SNMPv3 replies are routed by msgID
            ex = pending.get(rid) if rid is not None else None
            if ex is None:
                if rid is None:
                    stats.decode_errors += 1
                else:
                    stats.unmatched += 1
                continue
            address = ex.address
            if source[0] != address[0] or source[1] != address[1]:
                stats.wrong_source += 1
                continue
            if now >= ex.deadline:  # read too late: the deadline decides first
                self._expire_one(ex, now)
                if ex.finished:
                    stats.unmatched += 1
                    continue
            if ex.codec is not None:
                self._read_codec(ex, data, now)
                continue
            try:
                msg = ber.decode_response(data, ex.version, ex.community, ex.request_id)
            except ber.BERDecodeError as exc:
                stats.decode_errors += 1
                log.debug("undecodable reply from %s: %s", source[0], exc)
                continue
            if msg is None:  # another version, community or PDU type: header only
                stats.decode_errors += 1
                continue
            del pending[ex.request_id]
            stats.completed += 1
            self._finish(ex, PduResult(None, msg.error_status, msg.error_index, msg.varbinds))
            if not pending:  # nothing more can match: what is still queued is read in
                return  # the next loop turn (the socket stays readable)

    def _read_codec(self, ex: _Exchange, data: bytes, now: float) -> None:
        assert ex.codec is not None
        try:
            outcome = ex.codec.read(data, now)
        except Exception as exc:  # a codec bug must still end the exchange once
            log.exception("reading a reply failed")
            outcome = PduResult(DecodeError(f"cannot read the reply: {exc}"))
        if isinstance(outcome, PduResult):  # the common case first: one check
            self.stats.completed += 1
            self._complete(ex, outcome)
        elif outcome.kind == "drop":
            self.stats.decode_errors += 1
            log.debug("reply from %s dropped: %s", ex.address[0], outcome.reason)
        else:
            log.debug("request to %s sent again: %s", ex.address[0], outcome.reason)
            if self._rebuild(ex, now):
                self._transmit(ex)

    # ---------------------------------------------------------------- timeouts

    def _push(self, ex: _Exchange) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (ex.deadline, self._seq, ex))
        if self._timer is None or ex.deadline < self._timer_at:
            self._arm(ex.deadline)
        if len(self._heap) > 1024 and len(self._heap) > 4 * len(self._pending):
            self._heap = [e for e in self._heap if not e[2].finished and e[0] == e[2].deadline]
            heapq.heapify(self._heap)

    def _arm(self, when: float) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer_at = when
        self._timer = self.loop.call_at(when, self._on_timer)

    def _on_timer(self) -> None:
        with self.batch():
            self._expire()

    def _expire(self) -> None:
        """Retry or time out the exchanges whose deadline has passed, for at most
        :data:`EXPIRE_BUDGET` seconds: the rest are left for the next loop turn."""
        self._timer = None
        heap = self._heap
        now = self._clock()
        clock = time.perf_counter
        end = clock() + EXPIRE_BUDGET
        while heap and heap[0][0] <= now:
            if clock() > end:
                self._arm(now)  # due already: runs in the next loop turn
                return
            deadline, _, ex = heapq.heappop(heap)
            if ex.finished or deadline != ex.deadline or ex.request_id not in self._pending:
                continue  # answered, or re-armed by a retry or a resend
            self._expire_one(ex, now)
        # A retry above may have armed the timer for its own (later) deadline: the
        # earliest deadline in the heap decides.
        if heap and (self._timer is None or heap[0][0] < self._timer_at):
            self._arm(heap[0][0])

    def _expire_one(self, ex: _Exchange, now: float) -> None:
        """``ex``'s deadline has passed: send its next attempt, or time it out."""
        if ex.retries_left > 0 and self._sock is not None:
            ex.retries_left -= 1
            ex.attempts += 1
            ex.deadline = now + ex.timeout
            self.stats.retries += 1
            if ex.codec is not None and not self._rebuild(ex, now):
                return
            self._push(ex)
            self._transmit(ex)
        else:
            self.stats.timeouts += 1
            error = SNMPTimeoutError(attempts=ex.attempts, elapsed=now - ex.started)
            self._complete(ex, PduResult(error))

    # ---------------------------------------------------------------- closing

    def close(self) -> None:
        """Fail every outstanding request with :class:`ShutdownError` and close the socket."""
        sock, self._sock = self._sock, None
        if sock is None:
            return
        self.closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.loop.is_closed():
            self.loop.remove_reader(sock.fileno())
        sock.close()
        pending, self._pending = self._pending, {}
        self._heap = []
        for ex in {id(ex): ex for ex in pending.values()}.values():
            self._finish(ex, PduResult(ShutdownError("the transport was closed")))

    def send_only(self, datagram: bytes, address: Address) -> None:
        """Send a datagram that expects no reply (a trap) from this socket.

        Raises:
            OSError: the send failed (also when the socket is closed: EBADF).
        """
        if self._sock is None:
            raise OSError(errno.EBADF, "the socket is closed")
        self._sock.sendto(datagram, address)
        self.stats.sent += 1
        if self.trace is not None:
            self._traced("sent", datagram, address)

    def _traced(self, direction: Literal["sent", "received"], data: bytes, peer: Address) -> None:
        assert self.trace is not None and self._sock is not None
        try:
            self.trace(direction, data, peer, self._sock.getsockname())
        except Exception:
            log.exception("packet trace failed")

    @property
    def sockname(self) -> Address | None:
        """The address and port the socket is bound to (``None`` once closed)."""
        return None if self._sock is None else self._sock.getsockname()

    def __repr__(self) -> str:
        family = "udp6" if self.family == socket.AF_INET6 else "udp"
        state = "closed" if self._sock is None else "open"
        where = "" if self.local is None else f" local={self.local[0] or '*'}:{self.local[1]}"
        return f"<UdpTransport {family}{where} pending={self.pending} users={self.users} {state}>"


class SharedSocketSender:
    """Base of the senders that put one component's PDUs on its kernel's shared socket."""

    def __init__(
        self,
        owner: object,
        family: int,
        address: Address,
        timeout: float,
        retries: int,
        local: Local | None = None,
    ) -> None:
        self._owner = owner
        self._address = address
        self._timeout = timeout
        self._retries = retries
        self._transport: UdpTransport | None = acquire(owner, family, local)

    def _socket(self, done: Done) -> UdpTransport | None:
        """The open transport; or None, after ``done`` was scheduled with a ShutdownError."""
        udp = self._transport
        if udp is None or udp.closed:
            self._fail_soon(done, ShutdownError("the component was closed"))
            return None
        return udp

    @staticmethod
    def _fail_soon(done: Done, error: SNMPError) -> None:
        asyncio.get_running_loop().call_soon(done, PduResult(error))

    @staticmethod
    def _header(pdu_tag: int, non_repeaters: int, max_repetitions: int) -> tuple[int, int]:
        """The PDU's error-status and error-index fields (GETBULK's counts go there)."""
        if pdu_tag == ber.GET_BULK_REQUEST:
            return non_repeaters, max_repetitions
        return 0, 0

    def close(self) -> None:
        """Release this sender's share of the socket (the last one closes it)."""
        udp, self._transport = self._transport, None
        if udp is not None:
            release(self._owner, udp)


_Key = int | tuple[int, "Local"]
"""A transport's key for its owner: the family, or ``(family, local)`` when bound."""
_registry: weakref.WeakKeyDictionary[object, dict[_Key, UdpTransport]] = weakref.WeakKeyDictionary()


def acquire(owner: object, family: int, local: Local | None = None) -> UdpTransport:
    """The shared transport of ``owner`` (a kernel) for ``family`` and local address on the
    running loop: one socket per kernel, family and ``local`` (``(address, port)`` to bind;
    ``None`` for any address and an ephemeral port).

    Each call must be paired with :func:`release`.
    """
    loop = asyncio.get_running_loop()
    transports = _registry.setdefault(owner, {})
    key = _key(family, local)
    transport = transports.get(key)
    if transport is None or transport.closed or transport.loop is not loop:
        transport = transports[key] = UdpTransport(loop, family, local)
        if isinstance(owner, Batching):
            transport.batch = _weak_batch(owner)
    transport.users += 1
    return transport


def shared(owner: object, family: int, local: Local | None) -> UdpTransport | None:
    """The open transport ``acquire`` would share for these arguments now, if any."""
    transport = _registry.get(owner, {}).get(_key(family, local))
    return None if transport is None or transport.closed else transport


def _key(family: int, local: Local | None) -> _Key:
    return family if local is None else (family, local)


def bind_address(family: int, local: Local | None) -> Address:
    """The ``bind()`` address of a socket for ``family`` and ``local`` (an IP literal, a
    scoped IPv6 one included).

    Raises:
        socket.gaierror: the address is not a literal of ``family``.
    """
    host, port = local if local is not None else ("", 0)
    if not host:
        return ("::", port, 0, 0) if family == socket.AF_INET6 else ("0.0.0.0", port)
    info = socket.getaddrinfo(host, port, family, socket.SOCK_DGRAM, 0, socket.AI_NUMERICHOST)
    address: Address = info[0][4]
    return address


def check_local(owner: object, family: int, local: Local) -> None:
    """Raise :class:`ConfigurationError` unless a socket of ``family`` can be bound to
    ``local`` (or ``owner`` already holds one there, which components share).

    Binding and closing a probe socket tells at once what a later bind would find: an
    address that is not on this host, a port already taken, a port that needs privileges.
    """
    if shared(owner, family, local) is not None:
        return
    host, port = local
    where = f"{host or '*'} port {port}" if port else (host or "*")
    probe = socket.socket(family, socket.SOCK_DGRAM)
    try:
        try:
            probe.bind(bind_address(family, local))
        except socket.gaierror:
            raise ConfigurationError(
                f"LocalAddr {host!r} is not an IP address of the target's family"
            ) from None
        except OSError as exc:
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ConfigurationError(
                    f"LocalAddr {host!r} is not an address of this host"
                ) from None
            if exc.errno == errno.EADDRINUSE:
                raise ConfigurationError(f"LocalPort {port} on {where} is already in use") from None
            if exc.errno == errno.EACCES:
                raise ConfigurationError(
                    f"LocalPort {port} on {where} needs privileges this process lacks"
                ) from None
            raise ConfigurationError(f"cannot bind to {where}: {exc.strerror}") from None
    finally:
        probe.close()


def _weak_batch(owner: Batching) -> Callable[[], AbstractContextManager[None]]:
    """``owner.batch`` without a strong reference to the owner: the registry is keyed
    weakly by the owner, and a transport holding it would keep it alive for ever."""
    ref = weakref.ref(owner)

    def batch() -> AbstractContextManager[None]:
        found = ref()
        return found.batch() if found is not None else contextlib.nullcontext()

    return batch


def release(owner: object, transport: UdpTransport) -> None:
    """Drop one use of ``transport``; the last one closes it."""
    transport.users -= 1
    if transport.users <= 0:
        transport.close()
        transports = _registry.get(owner)
        key = _key(transport.family, transport.local)
        if transports is not None and transports.get(key) is transport:
            del transports[key]


def decode_error(text: str) -> DecodeError:
    """A :class:`DecodeError` for ``text`` (used by components for bad replies)."""
    return DecodeError(text)
