"""A tiny read-only SNMPv1/v2c agent on loopback, for the demo, examples and tests.

:class:`DemoAgent` answers GET, GETNEXT, GETBULK and SET (always refused) on an asyncio
UDP endpoint bound to 127.0.0.1 on a free port.  It is built on the library's own
sans-IO BER codec (:mod:`snmp_component._core.ber`): no net-snmp, no pysnmp, no root,
no network.  It serves a small MIB computed from the clock at request time (no
background task):

* the system group (``sysName`` is ``demo-agent``, ``sysUpTime`` counts from start);
* ``ifNumber`` and an ifTable / ifXTable of four interfaces (``lo``, ``eth0``,
  ``eth1``, ``wlan0``) whose octet counters grow at different, slowly varying rates:
  ``ifInOctets`` / ``ifOutOctets`` are Counter32 (wrapping at 2**32; ``eth1`` starts
  close to the wrap) and ``ifHCInOctets`` / ``ifHCOutOctets`` their Counter64 twins.

Protocol behaviour (RFC 3416, RFC 1157, RFC 3584 for SNMPv1):

* only community ``public`` (the *community* argument) is answered; other communities,
  malformed datagrams, SNMPv3 and non-request PDUs are silently dropped;
* SNMPv2c: ``noSuchObject`` / ``noSuchInstance`` for GET, ``endOfMibView`` past the end,
  GETBULK with non-repeaters / max-repetitions (a response is cut short when every
  repeater reached the end or it would exceed 65000 octets); SET answers ``notWritable``
  (17) for objects of the MIB and ``noAccess`` (6) for anything else;
* SNMPv1: a failing GET / GETNEXT answers ``noSuchName`` (2) with the error-index of the
  first bad varbind and the request's varbinds; Counter64 objects are invisible (GET
  fails, GETNEXT skips them); SET answers ``readOnly`` (4) for objects of the MIB and
  ``noSuchName`` for anything else.

Usage::

    async with DemoAgent() as agent:
        ...  # talk SNMP to 127.0.0.1:agent.port, community "public"

``DemoAgent(mib=snapshot(varbinds))`` serves fixed varbinds instead (a recording of
another agent, say): every read gives the same values, in the same order.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from types import TracebackType
from typing import Any, Final

from snmp_component._core import ber
from snmp_component._core.ber import Value, VarBind
from snmp_component._core.oid import Oid

__all__ = ["INTERFACES", "SYS_NAME", "DemoAgent", "Interface", "snapshot"]

SYS_NAME: Final = "demo-agent"
SYS_DESCR: Final = "snmp_component demo agent (loopback, read-only)"
SYS_OBJECT_ID: Final[Oid] = (1, 3, 6, 1, 4, 1, 32473, 1)  # 32473: IANA example enterprise
SYS_CONTACT: Final = "ops@example.invalid"
SYS_LOCATION: Final = "loopback"

_SYSTEM: Final[Oid] = (1, 3, 6, 1, 2, 1, 1)
_IF_NUMBER: Final[Oid] = (1, 3, 6, 1, 2, 1, 2, 1)
_IF_ENTRY: Final[Oid] = (1, 3, 6, 1, 2, 1, 2, 2, 1)
_IFX_ENTRY: Final[Oid] = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
_MAX_RESPONSE: Final = 65000  # octets; GETBULK responses are trimmed below this

# Error statuses (RFC 3416).
_NO_SUCH_NAME: Final = 2
_READ_ONLY: Final = 4
_NO_ACCESS: Final = 6
_NOT_WRITABLE: Final = 17


class Interface:
    """One interface row: static attributes and its traffic model."""

    __slots__ = ("descr", "if_type", "mac", "mtu", "offset", "rate_in", "rate_out", "speed")

    def __init__(
        self, descr: str, if_type: int, mtu: int, speed: int, mac: bytes,
        rate_in: float, rate_out: float, offset: int = 0,
    ) -> None:  # fmt: skip
        self.descr, self.if_type, self.mtu, self.speed, self.mac = descr, if_type, mtu, speed, mac
        self.rate_in, self.rate_out, self.offset = rate_in, rate_out, offset

    @staticmethod
    def octets(rate: float, offset: int, t: float, phase: float) -> int:
        """Octets after *t* seconds at a mean *rate* that swings +-25% over ~10 s.

        The derivative ``rate * (1 + 0.25 * sin(w*t + phase))`` is positive, so the
        counter never goes backwards.
        """
        w = 2 * math.pi / 10.0
        swing = rate / (4 * w) * (math.cos(phase) - math.cos(w * t + phase))
        return offset + int(rate * t + swing)


INTERFACES: Final = (
    Interface("lo", 24, 65536, 10_000_000, b"", 20_000.0, 20_000.0),
    Interface("eth0", 6, 1500, 1_000_000_000, bytes.fromhex("020000000001"), 1_250_000.0,
              310_000.0),
    Interface("eth1", 6, 1500, 1_000_000_000, bytes.fromhex("020000000002"), 5_600_000.0,
              2_400_000.0, offset=2**32 - 20_000_000),  # Counter32 wraps a few seconds in
    Interface("wlan0", 6, 1500, 300_000_000, bytes.fromhex("020000000003"), 95_000.0,
              12_000.0),
)  # fmt: skip

Getter = Callable[[float], tuple[int, Value]]  # seconds since start -> (tag, value)


def _const(tag: int, value: Value) -> Getter:
    return lambda _t: (tag, value)


def _counter(iface: Interface, index: int, out: bool, tag: int) -> Getter:
    rate = iface.rate_out if out else iface.rate_in
    phase = index * 1.7 + (0.9 if out else 0.0)
    mask = 2**32 - 1 if tag == ber.COUNTER32 else 2**64 - 1
    return lambda t: (tag, Interface.octets(rate, iface.offset, t, phase) & mask)


def build_mib(interfaces: tuple[Interface, ...] = INTERFACES) -> dict[Oid, Getter]:
    """The agent's MIB: instance OID -> value getter."""
    s = ber.OCTET_STRING
    mib: dict[Oid, Getter] = {
        (*_SYSTEM, 1, 0): _const(s, SYS_DESCR.encode()),
        (*_SYSTEM, 2, 0): _const(ber.OBJECT_IDENTIFIER, SYS_OBJECT_ID),
        (*_SYSTEM, 3, 0): lambda t: (ber.TIMETICKS, int(t * 100) & 0xFFFFFFFF),
        (*_SYSTEM, 4, 0): _const(s, SYS_CONTACT.encode()),
        (*_SYSTEM, 5, 0): _const(s, SYS_NAME.encode()),
        (*_SYSTEM, 6, 0): _const(s, SYS_LOCATION.encode()),
        (*_SYSTEM, 7, 0): _const(ber.INTEGER, 72),
        (*_IF_NUMBER, 0): _const(ber.INTEGER, len(interfaces)),
    }
    for i, ifc in enumerate(interfaces, start=1):
        columns: dict[Oid, Getter] = {
            (*_IF_ENTRY, 1): _const(ber.INTEGER, i),
            (*_IF_ENTRY, 2): _const(s, ifc.descr.encode()),
            (*_IF_ENTRY, 3): _const(ber.INTEGER, ifc.if_type),
            (*_IF_ENTRY, 4): _const(ber.INTEGER, ifc.mtu),
            (*_IF_ENTRY, 5): _const(ber.GAUGE32, ifc.speed),
            (*_IF_ENTRY, 6): _const(s, ifc.mac),
            (*_IF_ENTRY, 7): _const(ber.INTEGER, 1),
            (*_IF_ENTRY, 8): _const(ber.INTEGER, 1),
            (*_IF_ENTRY, 10): _counter(ifc, i, False, ber.COUNTER32),
            (*_IF_ENTRY, 16): _counter(ifc, i, True, ber.COUNTER32),
            (*_IFX_ENTRY, 1): _const(s, ifc.descr.encode()),
            (*_IFX_ENTRY, 6): _counter(ifc, i, False, ber.COUNTER64),
            (*_IFX_ENTRY, 10): _counter(ifc, i, True, ber.COUNTER64),
            (*_IFX_ENTRY, 15): _const(ber.GAUGE32, ifc.speed // 1_000_000),
            (*_IFX_ENTRY, 18): _const(s, f"demo interface {ifc.descr}".encode()),
        }
        mib.update({(*column, i): getter for column, getter in columns.items()})
    return mib


def snapshot(varbinds: Iterable[VarBind]) -> dict[Oid, Getter]:
    """A MIB for :class:`DemoAgent` that serves these varbinds as they are.

    Exceptions (noSuchObject, endOfMibView, ...) are left out: they are no objects.
    """
    return {
        oid: _const(tag, value)
        for oid, tag, value in varbinds
        if tag not in (ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW)
    }


class DemoAgent(asyncio.DatagramProtocol):
    """Read-only SNMPv1/v2c agent on ``host:port`` (default 127.0.0.1, a free port).

    ``await start()`` binds it (``.port`` is then the bound port), ``close()`` unbinds;
    ``async with DemoAgent() as agent:`` does both.  *clock* (default
    :func:`time.monotonic`) drives sysUpTime and the counters.  *mib* (instance OID ->
    getter, default :func:`build_mib`'s) is what it serves; :func:`snapshot` makes one of
    fixed varbinds.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        community: str = "public",
        clock: Callable[[], float] = time.monotonic,
        mib: Mapping[Oid, Getter] | None = None,
    ) -> None:
        self.host, self.port, self.community = host, port, community.encode()
        self._clock = clock
        self._started = clock()
        self._mib = dict(build_mib() if mib is None else mib)
        self._oids = sorted(self._mib)
        # Object OIDs (instance OID minus its last sub-identifier, which is the index of a
        # scalar or of a one-index row): for noSuchInstance vs noSuchObject.
        self._objects = {oid[:-1] for oid in self._oids}
        self._object_lengths = sorted({len(oid) for oid in self._objects})
        self._transport: asyncio.DatagramTransport | None = None
        self.requests = 0  # requests answered

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> DemoAgent:
        """Bind the UDP endpoint; returns self."""
        if self._transport is None:
            loop = asyncio.get_running_loop()
            transport, _ = await loop.create_datagram_endpoint(
                lambda: self, local_addr=(self.host, self.port)
            )
            self._transport = transport
            self.port = transport.get_extra_info("sockname")[1]
            self._started = self._clock()
        return self

    def close(self) -> None:
        """Unbind (idempotent)."""
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    @contextlib.contextmanager
    def in_thread(self) -> Iterator[DemoAgent]:
        """Serve from an event loop in a thread of its own while the block runs: for
        synchronous callers (a net-snmp tool in a subprocess, say)."""
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="DemoAgent", daemon=True)
        thread.start()
        try:
            asyncio.run_coroutine_threadsafe(self.start(), loop).result(10)
            yield self
        finally:
            loop.call_soon_threadsafe(self.close)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(10)
            loop.close()

    async def __aenter__(self) -> DemoAgent:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ protocol
    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        try:
            response = self.respond(data)
        except ValueError:  # BERDecodeError, or nothing we can encode: drop it
            return
        if response is not None and self._transport is not None:
            self.requests += 1
            self._transport.sendto(response, addr)

    def respond(self, data: bytes) -> bytes | None:
        """The response datagram to *data*, or None to drop it (sans-IO core)."""
        msg = ber.decode_message(data)
        if msg.community != self.community or msg.pdu_tag not in _HANDLED:
            return None
        v1 = msg.version == ber.VERSION_1
        t = self._clock() - self._started
        vbs = msg.varbinds
        out: list[VarBind] = []
        status = index = 0
        if msg.pdu_tag == ber.SET_REQUEST:  # read-only: the first varbind already fails
            out = vbs
            if vbs:
                known = self._object_of(vbs[0][0]) is not None
                if v1:
                    status, index = (_READ_ONLY if known else _NO_SUCH_NAME), 1
                else:
                    status, index = (_NOT_WRITABLE if known else _NO_ACCESS), 1
        elif msg.pdu_tag == ber.GET_BULK_REQUEST:
            out = self._bulk(vbs, msg.error_status, msg.error_index, t)
        else:
            lookup = self._get if msg.pdu_tag == ber.GET_REQUEST else self._next
            for i, (oid, _tag, _value) in enumerate(vbs, start=1):
                vb = lookup(oid, t, v1)
                if vb is None:  # SNMPv1: noSuchName, echo the request
                    out, status, index = vbs, _NO_SUCH_NAME, i
                    break
                out.append(vb)
        return ber.encode_request(
            msg.version, msg.community, ber.RESPONSE, msg.request_id, out, status, index
        )

    # ------------------------------------------------------------------ MIB access
    def _object_of(self, oid: Oid) -> Oid | None:
        for n in self._object_lengths:  # demo MIB: 8, 10, 11 (scalar, ifEntry, ifXEntry)
            if oid[:n] in self._objects:
                return oid[:n]
        return None

    def _visible(self, oid: Oid, t: float, v1: bool) -> VarBind | None:
        tag, value = self._mib[oid](t)
        if v1 and tag == ber.COUNTER64:
            return None
        return oid, tag, value

    def _get(self, oid: Oid, t: float, v1: bool) -> VarBind | None:
        if oid in self._mib:
            vb = self._visible(oid, t, v1)
            if vb is not None:
                return vb
        if v1:
            return None
        if self._object_of(oid) is not None:
            return oid, ber.NO_SUCH_INSTANCE, None
        return oid, ber.NO_SUCH_OBJECT, None

    def _next(self, oid: Oid, t: float, v1: bool) -> VarBind | None:
        for i in range(bisect.bisect_right(self._oids, oid), len(self._oids)):
            vb = self._visible(self._oids[i], t, v1)
            if vb is not None:
                return vb
        return None if v1 else (oid, ber.END_OF_MIB_VIEW, None)

    def _next_v2(self, oid: Oid, t: float) -> VarBind:
        vb = self._next(oid, t, False)
        assert vb is not None  # SNMPv2c never fails: endOfMibView instead
        return vb

    def _bulk(self, vbs: list[VarBind], non_rep: int, max_rep: int, t: float) -> list[VarBind]:
        n = max(min(non_rep, len(vbs)), 0)
        out = [self._next_v2(oid, t) for oid, _tag, _value in vbs[:n]]
        last = [oid for oid, _tag, _value in vbs[n:]]
        size = 0
        for _ in range(max(max_rep, 0) if last else 0):
            row = [self._next_v2(oid, t) for oid in last]
            size += len(ber.encode_varbinds(row))
            if size > _MAX_RESPONSE:
                break
            out += row
            if all(tag == ber.END_OF_MIB_VIEW for _oid, tag, _value in row):
                break
            last = [oid for oid, _tag, _value in row]
        return out


_HANDLED: Final = frozenset(
    (ber.GET_REQUEST, ber.GET_NEXT_REQUEST, ber.GET_BULK_REQUEST, ber.SET_REQUEST)
)
