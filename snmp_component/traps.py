"""Notifications: sending traps and informs, and a kernel session that receives them.

Sending (:class:`TrapSender`, awaitable, no kernel session needed)::

    sender = TrapSender(kernel, DestHost="192.0.2.9", Version="2c", Community="public")
    await sender.send_trap("linkDown", [["ifIndex", 3, 3, "INTEGER"]])
    await sender.send_v1_trap(".1.3.6.1.4.1.8072", "192.0.2.1", 6, 17, [])   # Version 1
    varlist = await sender.inform("linkUp", [["ifIndex", 3, 3, "INTEGER"]])  # acknowledged
    sender.close()

* Varbinds take the forms of the component's ``set``: ``[tag, iid, val(, type)]`` lists
  (``Varbind``/``VarList`` too) or flat ``"oid", value`` pairs when a MIB gives the type;
  or raw ``(oid, ber_tag, value)`` tuples (an OID tuple of ints, a BER tag of
  :mod:`~snmp_component._core.ber`, the value as the encoder takes it), as a listener using
  :data:`~snmp_component.varformat.KEEP_RAW` delivers them.
* SNMPv2 notifications start with ``sysUpTime.0`` and ``snmpTrapOID.0`` (RFC 3416 4.2.6);
  ``uptime`` (TimeTicks) defaults to the hundredths of a second since the sender was made.
  By default (``dedupe=True``) a ``sysUpTime.0`` or ``snmpTrapOID.0`` among the varbinds
  is dropped, as the header carries them (so a received notification's whole varlist can
  be sent on); ``dedupe=False`` sends every varbind as given after the header, as
  net-snmp's ``snmptrap`` does (``snmpc trap``).
* A trap is one datagram, never answered. An inform is sent on the kernel's shared UDP
  socket like a request (``Timeout`` microseconds per attempt, ``Retries``) and ends in one
  answer: the receiver's Response as a ``VarList``, or :class:`SNMPTimeoutError` (an
  error-status in the Response raises its :class:`ErrorStatusError`).
* On a ``Version=1`` sender, ``send_trap`` converts to a Trap-PDU (RFC 3584 3.2); on a
  v2c/v3 sender ``send_v1_trap`` converts to an SNMPv2 trap (RFC 3584 3.1).
* SNMPv3: informs discover the receiver's engine like requests do (``SecName``,
  ``SecLevel``, ``AuthProto`` ...); traps are sent with the sender as the authoritative
  engine, whose ID is ``LocalEngineId`` (bytes or hex; the receiver must know the user
  under that engine ID, as snmptrapd's ``createUser -e``). Its clock is the process's:
  ``EngineBoots`` defaults to the seconds from 2020 to the process start and the engine
  time counts from that start, so a restarted sender's boots grow without stored state and
  receivers do not drop its traps as replays.

Receiving (:class:`SNMPTrapListener`, a kernel session with its own UDP socket)::

    SNMPTrapListener.create(kernel, Alias="traps", LocalAddr="0.0.0.0", LocalPort=162,
                            Communities=["public"], Users=[{"SecName": "u", ...}])
    kernel.post("traps", "subscribe", "on_trap")     # from a handler of the subscriber
    def on_trap(ev):
        (host, port), version, varlist, info = ev.arg0, ev.arg1, ev.arg2, ev.arg3

* Every subscriber gets exactly one ``on_trap`` event per notification received:
  ``(source, version, varlist, info)`` with ``version`` ``"1"``, ``"2c"`` or ``"3"`` and
  ``varlist`` in the SNMPv2 form (SNMPv1 traps converted as RFC 3584 3.1 says, followed
  by ``snmpTrapAddress.0`` and ``snmpTrapEnterprise.0``); ``info`` is a :class:`TrapInfo`
  (for an SNMPv1 trap also its own fields, and how many varbinds the conversion added;
  for every notification the address it was sent to).
* Informs are acknowledged with a Response before the subscribers are told.
* SNMPv3 (RFC 3414): for traps the sender is authoritative (``Users`` with an
  ``EngineId``, or any engine without one); an authentic trap from an earlier boot of its
  engine, or more than 150 s behind the latest one, is a replay and is dropped. For
  informs the listener is authoritative (:attr:`~SNMPTrapListener.engine_id`, set with
  ``LocalEngineId``; ``EngineBoots``): it answers discovery probes, stale clocks and
  failures of reportable messages with Reports, as an agent does, so ``snmpinform -v3``
  and :class:`TrapSender` informs work without configuring our engine ID anywhere.
* Unknown communities and users, undecodable or unauthentic datagrams and non-notification
  PDUs are dropped and counted in :attr:`SNMPTrapListener.stats`; the socket reader never
  raises.
* Lifetime: each subscription holds a reference count on the listener and on the
  subscriber, so both live while it lasts; without subscribers the listener lives while
  it holds its alias and other sessions are alive (the kernel's rules). ``unsubscribe``
  ends a subscription (a subscriber that stops loses its own), ``finish`` ends them all
  and closes the socket.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import os
import socket
import struct
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import names, resolver, transport
from ._core import ber
from ._core.oid import Oid
from ._core.pdu import PduResult, RawVarbind
from ._core.plans import status_error
from ._core.secret import SecretBytes, secret_bytes
from ._core.usm import UsmKeys, UsmUser
from ._core.v3msg import MAX_ENGINE_BOOTS, encode_message
from ._core.v3receiver import V3Receiver
from ._core.vars import parse_set_vars
from .credentials import Credentials, engine_boots, engine_id, normalise_keywords
from .errors import (
    ConfigurationError,
    TransportError,
)
from .kernel import Event, Kernel, Session
from .options import KEYWORDS, SYNONYMS, SessionOptions, parse_flag, parse_options
from .transport import UdpTransport
from .v3sender import V3Sender
from .varbind import VarList
from .varformat import Formatter, VarbindFormat

__all__ = [
    "SNMP_TRAP_ADDRESS",
    "SNMP_TRAP_COMMUNITY",
    "SNMP_TRAP_ENTERPRISE",
    "SNMP_TRAP_OID",
    "SYS_UP_TIME",
    "ListenerStats",
    "SNMPTrapListener",
    "TrapInfo",
    "TrapSender",
    "v1_to_v2",
    "v2_to_v1",
]

log = logging.getLogger("snmp_component.traps")

SYS_UP_TIME: Oid = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID: Oid = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
SNMP_TRAP_ENTERPRISE: Oid = (1, 3, 6, 1, 6, 3, 1, 1, 4, 3, 0)
SNMP_TRAP_ADDRESS: Oid = (1, 3, 6, 1, 6, 3, 18, 1, 3, 0)
SNMP_TRAP_COMMUNITY: Oid = (1, 3, 6, 1, 6, 3, 18, 1, 4, 0)
_SNMP_TRAPS: Oid = (1, 3, 6, 1, 6, 3, 1, 1, 5)  # coldStart.. are snmpTraps.1 ..
_MAX_DATAGRAM = 65535
_MAX_READS = 256
# Our engine clock for SNMPv3 traps, one per process: boots are the seconds from 2020 to the
# start of this process (so a restarted sender's boots grow without stored state, and a
# receiver does not take its traps for replays), time counts from that start.
_PROCESS_STARTED = time.monotonic()
_PROCESS_BOOTS = min(max(1, int(time.time()) - 1_577_836_800), MAX_ENGINE_BOOTS - 1)

# Keywords (matched as create()'s: ignoring case, "-" and "_"; see credentials.py).
_SENDER_KEYWORDS = (*KEYWORDS, "LocalEngineId", "EngineBoots")
_LISTENER_KEYWORDS = ("Alias", "LocalAddr", "LocalPort", "Communities", "Users", "UseNumeric",
                      "UseLongNames", "LocalEngineId", "EngineBoots")  # fmt: skip
_USER_KEYWORDS = ("SecName", "AuthProto", "AuthPass", "PrivProto", "PrivPass", "EngineId")


# ====================================================================== conversions
def v1_to_v2(
    enterprise: Oid,
    agent_addr: bytes,
    generic: int,
    specific: int,
    timestamp: int,
    varbinds: Sequence[RawVarbind],
) -> list[RawVarbind]:
    """An SNMPv1 trap's contents as SNMPv2 notification varbinds (RFC 3584 3.1).

    ``sysUpTime.0``, ``snmpTrapOID.0`` (``snmpTraps.(generic+1)`` for generic traps 0..5,
    else ``enterprise.0.specific``), the trap's varbinds, then ``snmpTrapAddress.0`` and
    ``snmpTrapEnterprise.0`` unless already present.
    """
    if 0 <= generic <= 5:
        trap_oid: Oid = (*_SNMP_TRAPS, generic + 1)
    else:
        trap_oid = (*enterprise, 0, specific)
    out: list[RawVarbind] = [
        (SYS_UP_TIME, ber.TIMETICKS, timestamp),
        (SNMP_TRAP_OID, ber.OBJECT_IDENTIFIER, trap_oid),
        *varbinds,
    ]
    present = {vb[0] for vb in varbinds}
    if SNMP_TRAP_ADDRESS not in present:
        out.append((SNMP_TRAP_ADDRESS, ber.IPADDRESS, agent_addr))
    if SNMP_TRAP_ENTERPRISE not in present:
        out.append((SNMP_TRAP_ENTERPRISE, ber.OBJECT_IDENTIFIER, enterprise))
    return out


def v2_to_v1(
    trap_oid: Oid, varbinds: Sequence[RawVarbind]
) -> tuple[Oid, int, int, list[RawVarbind]]:
    """``(enterprise, generic, specific, varbinds)`` of an SNMPv2 trap (RFC 3584 3.2).

    ``varbinds`` are those after ``sysUpTime.0`` and ``snmpTrapOID.0``; an
    ``snmpTrapEnterprise.0`` among them gives a generic trap's enterprise.
    """
    rest = list(varbinds)
    if trap_oid[:-1] == _SNMP_TRAPS and 1 <= trap_oid[-1] <= 6:
        enterprise: Oid = _SNMP_TRAPS
        for vb in rest:
            if vb[0] == SNMP_TRAP_ENTERPRISE and isinstance(vb[2], tuple):
                enterprise = vb[2]
        return enterprise, trap_oid[-1] - 1, 0, rest
    if len(trap_oid) >= 3 and trap_oid[-2] == 0:
        return trap_oid[:-2], 6, trap_oid[-1], rest
    return trap_oid[:-1], 6, trap_oid[-1], rest


def _oid(value: Any, what: str) -> Oid:
    """An OID from a name, a dotted string or a sequence of ints."""
    if isinstance(value, str):
        return names.resolve(value)
    if isinstance(value, tuple | list) and all(
        isinstance(x, int) and not isinstance(x, bool) for x in value
    ):
        return tuple(value)
    raise ConfigurationError(f"{what} must be an OID or a name, not {value!r}")


def _varbinds(varbinds: Sequence[Any] | None) -> list[RawVarbind]:
    if not varbinds:
        return []
    if isinstance(varbinds, str):
        raise ConfigurationError("varbinds must be a list ([tag, iid, val, type] or pairs)")
    items = list(varbinds)
    if all(_is_raw(item) for item in items):  # (oid, tag, value): checked when encoded
        return [(tuple(item[0]), item[1], item[2]) for item in items]
    return parse_set_vars(items, names.resolve, names.type_of, names.object_of)


def _is_raw(item: Any) -> bool:
    """A raw varbind: ``(oid, ber_tag, value)`` with the OID a tuple of ints."""
    return (
        isinstance(item, tuple)
        and len(item) == 3
        and isinstance(item[0], tuple)
        and all(isinstance(x, int) and not isinstance(x, bool) for x in item[0])
        and isinstance(item[1], int)
        and not isinstance(item[1], bool)
    )


def _ipv4(value: Any) -> bytes:
    if isinstance(value, bytes) and len(value) == 4:
        return value
    try:
        return ipaddress.IPv4Address(value).packed
    except (ValueError, TypeError):
        raise ConfigurationError(f"agent_addr must be an IPv4 address, not {value!r}") from None


# ====================================================================== sending
class TrapSender:
    """Sends traps and informs to one receiver (awaitable; see the module doc).

    Args:
        kernel: the kernel whose shared UDP socket informs use (any object works as the
            owner of that socket; ``None``: the sender itself).
        options: the component's keywords (``DestHost``, ``RemotePort`` (default 162),
            ``Version`` (default ``"2c"``), ``Community``, ``Timeout`` (microseconds),
            ``Retries`` (default 1), SNMPv3's ``SecName`` ...), plus ``LocalEngineId``
            (v3 traps) and ``EngineBoots`` (default: this process's, see the module doc).

    Raises:
        ConfigurationError: an invalid option (checked here, all of them: nothing is
            left to fail when the first trap or inform is sent). Keywords are matched as
            ``create()``'s, with the same checks and messages (:mod:`~snmp_component.options`,
            :mod:`~snmp_component.credentials`).
    """

    def __init__(self, kernel: Kernel | object | None = None, **options: Any) -> None:
        opts = normalise_keywords(options, _SENDER_KEYWORDS, synonyms=SYNONYMS)
        self._local_engine_id = engine_id("LocalEngineId", opts.pop("LocalEngineId", None))
        self._boots = engine_boots(opts.pop("EngineBoots", _PROCESS_BOOTS))
        opts.setdefault("Version", "2c")
        opts.setdefault("Retries", 1)
        opts.setdefault("RemotePort", 162)  # a port in DestHost wins, as for create()
        self.opts: SessionOptions = parse_options(opts)
        self._creds: Credentials = self.opts.credentials
        self._owner: object = self if kernel is None else kernel
        if self.opts.local is not None:  # not on this host, or taken: say so now
            transport.check_local(self._owner, self.opts.family or socket.AF_INET, self.opts.local)
        self._started = time.monotonic()
        self._address: Any = None
        self._family = 0
        self._sock: socket.socket | None = None
        self._udp: UdpTransport | None = None  # informs
        self._trap_udp: UdpTransport | None = None  # traps, when LocalAddr/LocalPort is set
        self._v3: V3Sender | None = None
        self._user: UsmUser | None = None  # v3 traps: made once, when the first is sent
        self._msg_ids = 0
        self._closed = False
        self._format = VarbindFormat.from_options(self.opts)  # inform answers

    @property
    def version(self) -> str:
        """``"1"``, ``"2c"`` or ``"3"``."""
        return {1: "1", 2: "2c", 3: "3"}[self.opts.version]

    def uptime(self) -> int:
        """TimeTicks (1/100 s) since the sender was made: the default ``sysUpTime.0``."""
        return int((time.monotonic() - self._started) * 100) & 0xFFFFFFFF

    # ------------------------------------------------------------------ API
    async def send_trap(
        self,
        trap_oid: Any,
        varbinds: Sequence[Any] | None = None,
        uptime: int | None = None,
        *,
        dedupe: bool = True,
    ) -> None:
        """Send an SNMPv2 trap (a Trap-PDU on a ``Version=1`` sender, RFC 3584 3.2).

        ``dedupe``: drop ``sysUpTime.0`` and ``snmpTrapOID.0`` from ``varbinds`` (the
        header has them); ``False`` sends them as given, after the header, as ``snmptrap``.

        Raises:
            ConfigurationError / UnknownObjectError / BadTypeError: bad arguments.
            TransportError: the datagram could not be sent.
        """
        oid = _oid(trap_oid, "trap_oid")
        vbs = _varbinds(varbinds)
        ticks = self.uptime() if uptime is None else uptime
        if self.opts.version == 1:
            enterprise, generic, specific, rest = v2_to_v1(oid, vbs)
            await self._send_v1(enterprise, b"\0\0\0\0", generic, specific, ticks, rest)
            return
        full = self._notification(oid, vbs, ticks, dedupe)
        if self.opts.version == 3:
            await self._send_v3_trap(full)
            return
        try:
            datagram = ber.encode_request(
                ber.VERSION_2C, self.opts.community, ber.SNMPV2_TRAP, self._next_id(), full
            )
        except ValueError as exc:
            raise ConfigurationError(f"cannot encode the trap: {exc}") from None
        await self._sendto(datagram)

    async def send_v1_trap(
        self,
        enterprise: Any,
        agent_addr: Any,
        generic: int,
        specific: int,
        varbinds: Sequence[Any] | None = None,
        uptime: int | None = None,
        *,
        dedupe: bool = True,
    ) -> None:
        """Send an SNMPv1 Trap-PDU (converted to an SNMPv2 trap on a v2c/v3 sender, where
        ``dedupe`` applies as in :meth:`send_trap`).

        Raises:
            as :meth:`send_trap`.
        """
        ent = _oid(enterprise, "enterprise")
        addr = _ipv4(agent_addr)
        vbs = _varbinds(varbinds)
        ticks = self.uptime() if uptime is None else uptime
        if self.opts.version == 1:
            await self._send_v1(ent, addr, generic, specific, ticks, vbs)
            return
        full = v1_to_v2(ent, addr, generic, specific, ticks, vbs)
        await self.send_trap(full[1][2], full[2:], ticks, dedupe=dedupe)

    async def inform(
        self,
        trap_oid: Any,
        varbinds: Sequence[Any] | None = None,
        uptime: int | None = None,
        *,
        dedupe: bool = True,
    ) -> VarList:
        """Send an InformRequest and wait for its acknowledgement (``dedupe`` as in
        :meth:`send_trap`).

        Returns:
            The varbinds of the receiver's Response.

        Raises:
            SNMPTimeoutError: no Response after ``Retries`` + 1 attempts.
            ErrorStatusError: the Response carried an error-status.
            ConfigurationError: a ``Version=1`` sender (SNMPv1 has no informs), bad args.
            SecurityError: SNMPv3 security failures (wrong digest, unknown user ...).
        """
        if self.opts.version == 1:
            raise ConfigurationError("SNMPv1 has no InformRequest; use Version 2c or 3")
        oid = _oid(trap_oid, "trap_oid")
        ticks = self.uptime() if uptime is None else uptime
        full = self._notification(oid, _varbinds(varbinds), ticks, dedupe)
        await self._connect()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[PduResult] = loop.create_future()

        def done(result: PduResult) -> None:
            if not future.done():
                future.set_result(result)

        if self._v3 is not None:
            self._v3.send(ber.INFORM_REQUEST, full, done)
        else:
            udp = self._udp
            assert udp is not None
            rid = udp.new_request_id()
            try:
                datagram = ber.encode_request(
                    ber.VERSION_2C, self.opts.community, ber.INFORM_REQUEST, rid, full
                )
            except ValueError as exc:
                raise ConfigurationError(f"cannot encode the inform: {exc}") from None
            udp.send(
                rid,
                self._address,
                datagram,
                version=ber.VERSION_2C,
                community=self.opts.community,
                timeout=self.opts.timeout,
                retries=self.opts.retries,
                done=done,
            )
        result = await future
        if result.error is not None:
            raise result.error
        if result.error_status:
            error = status_error(result)
            error.varlist = self._format.varlist(result.varbinds)  # the echo, as the component
            raise error
        return self._format.varlist(result.varbinds)

    async def resolve(self) -> None:
        """Resolve ``DestHost`` now (else the first notification does; once either way).

        Raises:
            TransportError: the name does not resolve, or the sender was closed.
        """
        await self._resolve()

    def close(self) -> None:
        """Release the sockets; later calls raise :class:`TransportError`."""
        self._closed = True
        sock, self._sock = self._sock, None
        if sock is not None:
            sock.close()
        v3, self._v3 = self._v3, None
        if v3 is not None:
            v3.close()
        for udp in (self._udp, self._trap_udp):
            if udp is not None:
                transport.release(self._owner, udp)
        self._udp = self._trap_udp = None

    async def __aenter__(self) -> TrapSender:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        opts = self.opts
        return f"<TrapSender v{self.version} to {opts.host} port {opts.port}>"

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _notification(
        oid: Oid, vbs: list[RawVarbind], ticks: int, dedupe: bool = True
    ) -> list[RawVarbind]:
        head: list[RawVarbind] = [
            (SYS_UP_TIME, ber.TIMETICKS, ticks),
            (SNMP_TRAP_OID, ber.OBJECT_IDENTIFIER, oid),
        ]
        if not dedupe:
            return head + vbs
        return head + [vb for vb in vbs if vb[0] not in (SYS_UP_TIME, SNMP_TRAP_OID)]

    def _next_id(self) -> int:
        self._msg_ids = self._msg_ids % (2**31 - 1) + 1
        return self._msg_ids

    async def _resolve(self) -> None:
        if self._closed:
            raise TransportError("the trap sender was closed")
        if self._address is not None:
            return
        family = self.opts.family if self.opts.local_addr is not None else None
        try:
            infos = await resolver.resolve(self.opts.host, self.opts.port, family or 0)
        except (OSError, UnicodeError) as exc:
            raise TransportError(f"cannot resolve {self.opts.host!r}: {exc}") from None
        self._family, self._address = infos[0][0], infos[0][4]

    async def _connect(self) -> None:
        """The shared transport (informs): acquired once."""
        await self._resolve()
        if self._udp is not None and not self._udp.closed:
            return
        if self.opts.version == 3:
            if self._v3 is None:
                self._v3 = V3Sender(self._owner, self.opts, self._family, self._address)
            return
        self._udp = transport.acquire(self._owner, self._family, self.opts.local)

    async def _sendto(self, datagram: bytes) -> None:
        await self._resolve()
        try:
            if self.opts.local is not None:  # from the one socket bound there (LocalAddr)
                if self._trap_udp is None or self._trap_udp.closed:
                    self._trap_udp = transport.acquire(self._owner, self._family, self.opts.local)
                self._trap_udp.send_only(datagram, self._address)
                return
            if self._sock is None:
                sock = socket.socket(self._family, socket.SOCK_DGRAM)
                sock.setblocking(False)
                self._sock = sock
            self._sock.sendto(datagram, self._address)
        except OSError as exc:
            raise TransportError(f"sending the trap failed: {exc}") from None

    async def _send_v1(
        self,
        enterprise: Oid,
        agent_addr: bytes,
        generic: int,
        specific: int,
        ticks: int,
        vbs: list[RawVarbind],
    ) -> None:
        try:
            datagram = ber.encode_v1_trap(
                self.opts.community, enterprise, agent_addr, generic, specific, ticks, vbs
            )
        except ValueError as exc:
            raise ConfigurationError(f"cannot encode the trap: {exc}") from None
        await self._sendto(datagram)

    async def _send_v3_trap(self, full: list[RawVarbind]) -> None:
        engine_id = self._local_engine_id
        if engine_id is None:
            raise ConfigurationError("SNMPv3 traps need LocalEngineId (the sender's engine ID)")
        opts = self.opts
        if self._user is None:
            self._user = self._creds.usm_user()
        keys = self._user.localize(engine_id)
        engine_time = int(time.monotonic() - _PROCESS_STARTED)
        try:
            pdu = ber.encode_pdu(ber.SNMPV2_TRAP, self._next_id(), 0, 0, ber.encode_varbinds(full))
            datagram = encode_message(
                self._next_id(),
                pdu,
                keys,
                self._boots,
                engine_time,
                level=self._user.level,
                context_engine_id=opts.context_engine_id or engine_id,
                context_name=opts.context.encode(),
            )
        except ValueError as exc:
            raise ConfigurationError(f"cannot encode the trap: {exc}") from None
        await self._sendto(datagram)


# ====================================================================== receiving
@dataclass
class ListenerStats:
    """Counters of one listener (monotonic)."""

    received: int = 0  # datagrams read
    traps: int = 0  # traps accepted (v1, v2c, v3; informs are counted apart)
    informs: int = 0  # informs accepted (and acknowledged)
    acks_failed: int = 0  # acknowledgements and Reports that could not be sent
    delivered: int = 0  # trap events posted to subscribers
    bad_community: int = 0  # v1/v2c with a community not in Communities
    unknown_user: int = 0  # v3 user (or engine) not configured
    auth_failures: int = 0  # v3 digest, decryption or security-level failures
    not_in_time_window: int = 0  # v3: a replayed trap, or an inform with a stale clock
    discoveries: int = 0  # v3 probes for our engine ID (answered with a Report)
    reports: int = 0  # v3 Reports sent (discoveries and failures of informs)
    malformed: int = 0  # datagrams that do not decode
    unexpected_pdu: int = 0  # well-formed, but not a notification (GET, Response ...)
    errors: int = 0  # anything else that went wrong handling a datagram (a bug)


@dataclass(frozen=True)
class TrapInfo:
    """What a trap event's fourth argument tells beyond the varbinds.

    The community is a secret: it is kept as :class:`~snmp_component._core.secret.SecretBytes`
    (equal to the plain bytes, shown as ``'***'`` by ``repr``), so the ``repr`` of the
    event's arguments, of the ``TrapInfo`` or of ``dataclasses.asdict`` of it never shows it.

    Attributes:
        pdu: ``"trap-v1"``, ``"trap"`` or ``"inform"``.
        community: the v1/v2c community (``None`` for v3).
        user: the v3 user name (``None`` for v1/v2c).
        engine_id: the v3 authoritative engine ID (``None`` for v1/v2c).
        request_id: the PDU's request-id (0 for v1 traps).
        local: the ``(address, port)`` the notification was sent to: the listener's, or
            with a wildcard IPv4 ``LocalAddr`` on Linux the datagram's destination
            (``IP_PKTINFO``); ``None`` when built by hand.
        enterprise, agent_addr, generic_trap, specific_trap: an SNMPv1 trap's fields as
            received (``agent_addr`` dotted); ``None`` for other notifications.
        appended: for an SNMPv1 trap, how many varbinds the RFC 3584 conversion added at
            the end (``snmpTrapAddress.0``, ``snmpTrapEnterprise.0``: 0 to 2), so the
            trap's own varbinds are ``varlist[2:len(varlist) - appended]``.
    """

    pdu: str
    community: bytes | None = None
    user: bytes | None = None
    engine_id: bytes | None = None
    request_id: int = 0
    local: tuple[str, int] | None = None
    enterprise: Oid | None = None
    agent_addr: str | None = None
    generic_trap: int | None = None
    specific_trap: int | None = None
    appended: int = 0

    def __post_init__(self) -> None:
        """Keep the community as :class:`~snmp_component._core.secret.SecretBytes`."""
        if isinstance(self.community, bytes):
            object.__setattr__(self, "community", secret_bytes(self.community))


class _Communities(frozenset[bytes]):
    """The accepted communities of a listener: a ``frozenset`` whose ``repr`` is a count."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} communities>"

    __str__ = __repr__


@dataclass(frozen=True)
class _User:
    user: UsmUser
    engine_id: bytes | None  # None: any engine


_SUBSCRIPTION = "snmp trap subscription"


class SNMPTrapListener:
    """A kernel session receiving SNMP notifications on its own UDP socket.

    Create it with :meth:`create`; requests (``kernel.post(alias, request, ...)``):

    * ``subscribe`` ``state``: the sender gets ``state`` for every notification;
      again from the same session, it changes the state (still one event per trap).
    * ``unsubscribe``: ends the sender's subscription.
    * ``finish``: ends every subscription, closes the socket, drops the alias.

    Attributes:
        session: the listener's kernel session.
        alias: its alias (``None`` without one).
        port: the bound UDP port; ``address`` the bound ``(host, port, ...)``.
        stats: a :class:`ListenerStats`.
        communities: the accepted communities (a ``frozenset`` of bytes; its ``repr`` and
            the ``repr`` of each element hide them).
    """

    def __init__(self, kernel: Kernel, **options: Any) -> None:
        opts = normalise_keywords(options, _LISTENER_KEYWORDS)
        alias = opts.get("Alias", "traps")
        if alias is not None and (not isinstance(alias, str) or not alias):
            raise ConfigurationError(f"Alias must be a non-empty str or None, not {alias!r}")
        if alias is not None and kernel.alias_resolve(alias) is not None:
            raise ConfigurationError(f"alias {alias!r} is in use")
        self.alias: str | None = alias
        self.kernel = kernel
        self.communities: frozenset[bytes] = _parse_communities(opts.get("Communities", ["public"]))
        self._users = _parse_users(opts.get("Users"))
        boots = engine_boots(opts.get("EngineBoots", 1))
        local_engine_id = engine_id("LocalEngineId", opts.get("LocalEngineId"))
        if local_engine_id is None:  # like net-snmp's default: 80001f8880 + random octets
            local_engine_id = bytes.fromhex("80001f8880") + os.urandom(8)
        self._v3 = V3Receiver(local_engine_id, boots, time.monotonic(), self._keys_for)
        self._format: Formatter = VarbindFormat(
            numeric=parse_flag("UseNumeric", opts.get("UseNumeric", False)),
            long_names=parse_flag("UseLongNames", opts.get("UseLongNames", False)),
        )
        self.stats = ListenerStats()
        self._subscribers: dict[int, tuple[Session, str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sock: socket.socket | None = self._bind(
            opts.get("LocalAddr", "127.0.0.1"), opts.get("LocalPort", 0)
        )
        self.address: tuple[Any, ...] = self._sock.getsockname()
        self.port: int = self.address[1]
        self.session: Session | None = None
        self._local: tuple[str, int] = (str(self.address[0]), self.port)
        self._pktinfo = _want_pktinfo(self._sock, self.address[0])

    def use_format(self, fmt: Formatter) -> None:
        """Give subscribers the notifications' varbinds through ``fmt`` from now on (the
        command line keeps them raw: :data:`~snmp_component.varformat.KEEP_RAW`)."""
        self._format = fmt

    @classmethod
    def create(cls, kernel: Kernel, **options: Any) -> SNMPTrapListener:
        """Bind the socket and start the listener session (see the module doc).

        Options: ``Alias`` (default ``"traps"``; ``None`` for none), ``LocalAddr``
        (default ``"127.0.0.1"``; ``"::"`` etc. for IPv6), ``LocalPort`` (default 0: a free
        port; 162 needs privileges), ``Communities`` (str or bytes, or a list of them; default
        ``["public"]``), ``Users`` (a list of SNMPv3 user dicts -- one dict alone is one
        user: ``SecName``, ``AuthProto`` (default ``MD5`` with an ``AuthPass``),
        ``AuthPass``, ``PrivProto`` (default ``DES`` with a ``PrivPass``), ``PrivPass`` (pass
        phrases of 8 octets or more), optional ``EngineId``: the sender's engine ID, any
        when absent),
        ``UseNumeric``, ``UseLongNames``, ``LocalEngineId`` (our engine ID for SNMPv3
        informs, bytes or hex; default random), ``EngineBoots`` (default 1; keep it growing
        across restarts with a fixed ``LocalEngineId``).

        Raises:
            ConfigurationError: a bad option or an alias in use; the message names the
                keyword (and the ``Users`` entry), never a community or pass phrase.
            TransportError: the socket could not be bound.
        """
        listener = cls(kernel, **options)
        states = {
            "_start": listener._on_start,
            "_stop": listener._on_stop,
            "_listen": listener._on_listen,
            "subscribe": listener._on_subscribe,
            "unsubscribe": listener._on_unsubscribe,
            "finish": listener._on_finish,
        }
        listener.session = Session.create(kernel, inline_states=states)
        return listener

    @property
    def engine_id(self) -> bytes:
        """Our SNMPv3 engine ID: senders of informs discover it (``LocalEngineId``)."""
        return self._v3.engine_id

    @property
    def subscribers(self) -> int:
        """Sessions subscribed now."""
        return len(self._subscribers)

    @property
    def closed(self) -> bool:
        return self._sock is None

    def __repr__(self) -> str:
        state = "closed" if self._sock is None else "open"
        return (
            f"<SNMPTrapListener alias={self.alias!r} port={self.port} "
            f"subscribers={len(self._subscribers)} {state}>"
        )

    # ------------------------------------------------------------------ session states
    @staticmethod
    def _bind(host: Any, port: Any) -> socket.socket:
        if not isinstance(host, str):
            raise ConfigurationError(f"LocalAddr must be a str, not {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port < 65536:
            raise ConfigurationError(f"LocalPort must be an int in 0..65535, not {port!r}")
        host = host.strip("[]")
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_DGRAM)
        try:
            sock.setblocking(False)
            sock.bind((host, port))
        except OSError as exc:
            sock.close()
            raise TransportError(f"cannot listen on {host} port {port}: {exc}") from None
        return sock

    def _on_start(self, ev: Event) -> None:
        if self.alias is not None:
            ev.kernel.alias_set(self.alias)
        ev.kernel.events.add_listener("session_stopped", self._on_session_stopped)
        ev.kernel.yield_("_listen")  # dispatched once the kernel's loop runs

    def _on_listen(self, ev: Event) -> None:
        sock = self._sock
        if sock is None or self._loop is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._loop.add_reader(sock.fileno(), self._on_readable)

    def _on_subscribe(self, ev: Event) -> None:
        sender = ev.sender
        state = ev.arg0
        if sender is None or not isinstance(state, str) or not state or self._sock is None:
            log.warning("subscribe ignored: from %r with state %r", sender, state)
            return
        if sender.id not in self._subscribers:
            ev.kernel.refcount_increment(sender, _SUBSCRIPTION)
            ev.kernel.refcount_increment(ev.session, _SUBSCRIPTION)
        self._subscribers[sender.id] = (sender, state)

    def _on_unsubscribe(self, ev: Event) -> None:
        if ev.sender is not None:
            self._drop(ev.sender.id)

    def _on_finish(self, ev: Event) -> None:
        for sid in list(self._subscribers):
            self._drop(sid)
        self._close()
        if self.alias is not None:
            ev.kernel.alias_remove(self.alias)

    def _on_stop(self, ev: Event) -> None:
        self._subscribers.clear()
        self._close()
        ev.kernel.events.remove_listener("session_stopped", self._on_session_stopped)

    def _on_session_stopped(self, session: Session) -> None:
        if session is not self.session and session.id in self._subscribers:
            self._drop(session.id)

    def _drop(self, sid: int) -> None:
        entry = self._subscribers.pop(sid, None)
        if entry is None:
            return
        kernel = self.kernel
        kernel.refcount_decrement(entry[0], _SUBSCRIPTION)
        if self.session is not None:
            kernel.refcount_decrement(self.session, _SUBSCRIPTION)

    def _close(self) -> None:
        sock, self._sock = self._sock, None
        if sock is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(sock.fileno())
        sock.close()

    # ------------------------------------------------------------------ datagrams
    def _on_readable(self) -> None:
        for _ in range(_MAX_READS):
            sock = self._sock
            if sock is None:
                return
            local = self._local
            try:
                if self._pktinfo:
                    data, ancillary, _flags, source = sock.recvmsg(_MAX_DATAGRAM, 64)
                    local = _destination(ancillary, local)
                else:
                    data, source = sock.recvfrom(_MAX_DATAGRAM)
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.debug("recvfrom: %s", exc)
                continue
            self.stats.received += 1
            try:
                self._datagram(data, source, local)
            except Exception:  # never out of the reader
                self.stats.errors += 1
                log.exception("handling a datagram from %s failed", source[0])

    def _datagram(self, data: bytes, source: Any, local: tuple[str, int] | None = None) -> None:
        stats = self.stats
        if _is_v3(data):
            self._datagram_v3(data, source, local)
            return
        try:
            msg = ber.decode_message(data)
        except ber.BERDecodeError as exc:
            stats.malformed += 1
            log.debug("undecodable datagram from %s: %s", source[0], exc)
            return
        if msg.community not in self.communities:
            stats.bad_community += 1
            return
        if isinstance(msg, ber.TrapV1):
            varbinds = v1_to_v2(
                msg.enterprise,
                msg.agent_addr,
                msg.generic_trap,
                msg.specific_trap,
                msg.timestamp,
                msg.varbinds,
            )
            info = TrapInfo(
                "trap-v1",
                community=msg.community,
                local=local,
                enterprise=msg.enterprise,
                agent_addr=socket.inet_ntoa(msg.agent_addr),
                generic_trap=msg.generic_trap,
                specific_trap=msg.specific_trap,
                appended=len(varbinds) - 2 - len(msg.varbinds),
            )
            self._deliver(source, "1", varbinds, info)
            return
        if msg.pdu_tag not in (ber.SNMPV2_TRAP, ber.INFORM_REQUEST):
            stats.unexpected_pdu += 1
            return
        if msg.pdu_tag == ber.INFORM_REQUEST:
            stats.informs += 1
            try:
                ack = ber.encode_request(
                    msg.version, msg.community, ber.RESPONSE, msg.request_id, msg.varbinds
                )
            except ValueError:
                stats.acks_failed += 1
            else:
                self._send(ack, source)
        pdu = "inform" if msg.pdu_tag == ber.INFORM_REQUEST else "trap"
        info = TrapInfo(pdu, community=msg.community, request_id=msg.request_id, local=local)
        self._deliver(source, "2c", msg.varbinds, info)

    def _datagram_v3(self, data: bytes, source: Any, local: tuple[str, int] | None = None) -> None:
        stats = self.stats
        received = self._v3.receive(data, time.monotonic())
        if received.reply is not None:
            if received.message is None:
                stats.reports += 1
            self._send(received.reply, source)
        msg = received.message
        if msg is None:
            problem = received.problem or "errors"
            setattr(stats, problem, getattr(stats, problem) + 1)
            log.debug("SNMPv3 datagram from %s not accepted: %s", source[0], problem)
            return
        pdu = "trap"
        if msg.pdu_tag == ber.INFORM_REQUEST:
            pdu = "inform"
            stats.informs += 1
        info = TrapInfo(pdu, user=msg.user_name, engine_id=msg.engine_id,
                        request_id=msg.request_id, local=local)  # fmt: skip
        self._deliver(source, "3", msg.varbinds, info)

    def _find_user(self, engine_id: bytes, user_name: bytes) -> _User | None:
        for user in self._users:
            if user.user.name == user_name and user.engine_id in (None, engine_id):
                return user
        return None

    def _keys_for(self, engine_id: bytes, user_name: bytes) -> UsmKeys | None:
        user = self._find_user(engine_id, user_name)
        if user is None or not engine_id:
            return None
        return user.user.localize(engine_id)

    def _send(self, datagram: bytes, destination: Any) -> None:
        sock = self._sock
        if sock is None:
            self.stats.acks_failed += 1
            return
        try:
            sock.sendto(datagram, destination)
        except OSError as exc:
            self.stats.acks_failed += 1
            log.debug("acknowledging an inform to %s failed: %s", destination[0], exc)

    def _deliver(
        self, source: Any, version: str, varbinds: Sequence[RawVarbind], info: TrapInfo
    ) -> None:
        if info.pdu != "inform":
            self.stats.traps += 1
        if not self._subscribers:
            return
        where = (source[0], source[1])
        for session, state in list(self._subscribers.values()):
            varlist = self._format.varlist(varbinds)  # one VarList each
            if self.kernel.post_as(self.session, session, state, where, version, varlist, info):
                self.stats.delivered += 1


_IP_PKTINFO = 8  # Linux's (socket.IP_PKTINFO from Python 3.12 on)
_IN_PKTINFO = struct.Struct("@i4s4s")  # ifindex, spec_dst, addr (the header's destination)


def _want_pktinfo(sock: socket.socket, host: str) -> bool:
    """Ask for each datagram's destination (``IP_PKTINFO``) on a wildcard IPv4 socket, on
    Linux; True when it is on."""
    if sock.family != socket.AF_INET or host != "0.0.0.0" or not sys.platform.startswith("linux"):
        return False
    try:
        sock.setsockopt(socket.IPPROTO_IP, _IP_PKTINFO, 1)
    except OSError:
        return False
    return True


def _destination(
    ancillary: list[tuple[int, int, bytes]], bound: tuple[str, int]
) -> tuple[str, int]:
    """The destination address of a datagram, from its ``IP_PKTINFO`` (else ``bound``)."""
    for level, kind, data in ancillary:
        if level == socket.IPPROTO_IP and kind == _IP_PKTINFO and len(data) >= _IN_PKTINFO.size:
            _index, _spec, addr = _IN_PKTINFO.unpack_from(data)
            return socket.inet_ntoa(addr), bound[1]
    return bound


def _is_v3(data: bytes) -> bool:
    """True when the datagram's version field says 3 (cheap header peek)."""
    try:
        i = 2 if data[1] < 0x80 else 2 + (data[1] & 0x7F)
        return data[0] == 0x30 and data[i] == 0x02 and data[i + 1] == 1 and data[i + 2] == 3
    except IndexError:
        return False


def _parse_communities(value: Any) -> frozenset[bytes]:
    """``Communities``: a str or bytes, or an iterable of them (messages never echo one)."""
    if isinstance(value, str | bytes | bytearray | memoryview):
        value = [value]
    if isinstance(value, Mapping) or not isinstance(value, Iterable):
        raise ConfigurationError(
            f"Communities must be a list of str or bytes, not {type(value).__name__}"
        )
    out: list[bytes] = []
    for i, community in enumerate(value, 1):
        if isinstance(community, str):
            community = community.encode()
        elif isinstance(community, bytearray | memoryview):
            community = bytes(community)
        if not isinstance(community, bytes):
            raise ConfigurationError(
                f"Communities entry {i} must be a str or bytes, not {type(community).__name__}"
            )
        out.append(SecretBytes(community))
    return _Communities(out)


def _parse_users(value: Any) -> list[_User]:
    """``Users``: a list of user dicts (or :class:`UsmUser`); one dict alone is one user."""
    if value is None:
        return []
    if isinstance(value, Mapping | UsmUser):
        value = [value]
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ConfigurationError(f"Users must be a list of user dicts, not {type(value).__name__}")
    return [_parse_user(spec, i) for i, spec in enumerate(value, 1)]


def _parse_user(spec: Any, index: int = 1) -> _User:
    """One ``Users`` entry: :class:`~snmp_component.credentials.Credentials`' checks and
    messages, after ``"Users entry N: "``. The entry's keywords give its level: a privacy
    one makes it authPriv, an authentication one authNoPriv. SecName and pass phrases may
    be bytes too (received user names are octets)."""
    prefix = f"Users entry {index}: "
    if isinstance(spec, UsmUser):
        return _User(spec, None)
    if not isinstance(spec, Mapping):
        raise ConfigurationError(
            f"Users entry {index} must be a dict of {', '.join(_USER_KEYWORDS)} (or a UsmUser), "
            f"not {type(spec).__name__}"
        )
    given = normalise_keywords(spec, _USER_KEYWORDS, prefix=prefix)
    if given.get("SecName") is None:
        raise ConfigurationError(f"{prefix}SecName is required")
    auth = given.get("AuthProto") is not None or given.get("AuthPass") is not None
    priv = given.get("PrivProto") is not None or given.get("PrivPass") is not None
    if priv and not auth:
        raise ConfigurationError(f"{prefix}PrivProto needs an AuthProto")

    def where(keyword: str) -> str:
        return prefix

    creds = Credentials(
        given["SecName"],
        "authPriv" if priv else "authNoPriv" if auth else "noAuthNoPriv",
        given.get("AuthProto"),
        given.get("AuthPass"),
        given.get("PrivProto"),
        given.get("PrivPass"),
        octets=True,
        where=where,
    )
    return _User(creds.usm_user(), engine_id("EngineId", given.get("EngineId"), where=where))
