"""A scriptable, seeded UDP fault proxy on loopback, between an SNMP manager and a real agent.

::

    async with FaultProxy(agent_port, replies=Faults(loss=0.1, duplicate=1.0)) as proxy:
        ...  # point the manager at 127.0.0.1:proxy.port
        await proxy.drain()  # wait until nothing is held back and the wire is quiet

The manager talks to ``proxy.port``; for each client address the proxy opens one upstream
socket (a tiny NAT), so the agent's replies find their way back. Each direction has its own
:class:`Faults`: ``requests`` (manager -> agent) and ``replies`` (agent -> manager).

Determinism: every decision about a datagram comes from a ``random.Random`` seeded with
``(seed, direction, ident, occurrence)``. For SNMPv1/v2c the ident of a request is its PDU
without the request-id (PDU type, non-repeaters/max-repetitions, varbind list), and a reply
inherits the ident of the request whose request-id it carries; ``occurrence`` counts the
datagrams with that ident in that direction (a retry of a request is occurrence 2, ...). So
with distinct requests the faults do not depend on the random request-ids nor on timing.
SNMPv3 (encrypted) is keyed by the order in which msgIDs first appear.

Forged replies (``Faults.forge``): before each reply the proxy sends that many large
datagrams from its own address and port (the target's, as the manager sees it) carrying the
reply's request-id or msgID, each of which the manager must reject: SNMPv1/v2c with another
community, another version or another PDU type; SNMPv3 with a digest that does not verify,
without authentication, or at another security level. Their varbind lists are thousands of
small varbinds, so a manager that decoded them before checking the header would pay for it.

The proxy runs on the caller's event loop and keeps, in ``cpu``, the CPU time its callbacks
took there, so that a stall meter on that loop can leave it out (it is not the manager's).

Safety: binds 127.0.0.1 only and forwards only to a loopback agent; stops forwarding after
``max_datagrams`` and closes itself after ``lifetime`` seconds.
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

Direction = Literal["request", "reply"]
Address = tuple[Any, ...]

GEN_ERR = 5  # error-status put into spoofed / wrong-id copies: accepting one shows as an error


@dataclass(frozen=True)
class Faults:
    """What happens to the datagrams of one direction (probabilities are per datagram)."""

    loss: float = 0.0  # dropped
    duplicate: float = 0.0  # sent `copies` times
    copies: tuple[int, int] = (2, 3)
    reorder: int = 0  # > 0: held back, released shuffled in batches of up to this many
    reorder_wait: float = 0.02  # ... or when the oldest held one waited this long (s)
    delay: float = 0.0  # seconds added (to a `delay_share` of the datagrams)
    delay_share: float = 1.0
    truncate: float = 0.0  # cut to a random shorter length
    garbage: float = 0.0  # one or two random datagrams interleaved around it
    spoof: float = 0.0  # a copy (error-status genErr) goes first, from another source port
    wrong_id: float = 0.0  # a copy with another request-id (and genErr) goes first
    wrong_id_replace: float = 0.0  # the datagram itself gets another request-id
    forge: int = 0  # forged datagrams sent before each reply (see the module doc)
    forge_size: int = 60_000  # ... of about this many bytes each

    def describe(self) -> str:
        """A short text of the non-default settings, e.g. ``loss 10%, dup 2-3x``."""
        parts = []
        if self.loss:
            parts.append(f"loss {self.loss:.0%}")
        if self.duplicate:
            lo, hi = self.copies
            parts.append(f"dup {self.duplicate:.0%} x{lo}" + (f"-{hi}" if hi != lo else ""))
        if self.reorder:
            parts.append(f"reorder {self.reorder}/{self.reorder_wait * 1e3:.0f}ms")
        if self.delay:
            parts.append(f"delay {self.delay * 1e3:.0f}ms {self.delay_share:.0%}")
        if self.truncate:
            parts.append(f"truncate {self.truncate:.0%}")
        if self.garbage:
            parts.append(f"garbage {self.garbage:.0%}")
        if self.spoof:
            parts.append(f"spoof {self.spoof:.0%}")
        if self.wrong_id:
            parts.append(f"wrong-id copy {self.wrong_id:.0%}")
        if self.wrong_id_replace:
            parts.append(f"wrong-id {self.wrong_id_replace:.0%}")
        if self.forge:
            parts.append(f"forged {self.forge}x{self.forge_size / 1000:.0f}KB")
        return ", ".join(parts) or "none"


NO_FAULTS = Faults()


# ------------------------------------------------------------------ a minimal BER reader/writer
# Independent of the package's codec on purpose: the proxy must not share its bugs.


def _tlv(data: bytes, i: int, end: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the TLV at ``i``; ValueError if malformed."""
    if i + 2 > end:
        raise ValueError("short")
    tag, n = data[i], data[i + 1]
    i += 2
    if n & 0x80:
        k = n & 0x7F
        if not 0 < k <= 4 or i + k > end:
            raise ValueError("bad length")
        n = int.from_bytes(data[i : i + k], "big")
        i += k
    if i + n > end:
        raise ValueError("overrun")
    return tag, i, i + n


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(raw),)) + raw


def _integer(value: int) -> bytes:
    raw = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)
    return b"\x02" + _length(len(raw)) + raw


def _wrap(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + _length(len(content)) + content


def _octets(value: bytes) -> bytes:
    return _wrap(0x04, value)


@dataclass(frozen=True)
class Parsed:
    """The parts of an SNMP message the proxy looks at."""

    version: int  # 0 (v1), 1 (v2c) or 3
    msg_id: int  # request-id (v1/v2c) or msgID (v3)
    ident: bytes = b""  # v1/v2c: PDU type + PDU after the request-id
    header: bytes = b""  # v1/v2c: version and community TLVs
    pdu_tag: int = 0
    error_status: int = 0
    tail: bytes = b""  # v1/v2c: error-index TLV and varbind list
    community: bytes = b""  # v1/v2c


def parse(data: bytes) -> Parsed | None:
    """What :class:`Parsed` needs, or None for anything that is not an SNMP message."""
    try:
        tag, s, e = _tlv(data, 0, len(data))
        if tag != 0x30:
            return None
        tag, vs, ve = _tlv(data, s, e)
        if tag != 0x02:
            return None
        version = int.from_bytes(data[vs:ve], "big", signed=True)
        if version == 3:
            tag, gs, ge = _tlv(data, ve, e)
            tag2, ms, me = _tlv(data, gs, ge)
            if tag != 0x30 or tag2 != 0x02:
                return None
            return Parsed(3, int.from_bytes(data[ms:me], "big", signed=True))
        if version not in (0, 1):
            return None
        tag, cs, ce = _tlv(data, ve, e)
        pdu_tag, ps, pe = _tlv(data, ce, e)
        if tag != 0x04 or not 0xA0 <= pdu_tag <= 0xA8 or pdu_tag == 0xA4:
            return None
        tag, rs, re_ = _tlv(data, ps, pe)
        tag2, es, ee = _tlv(data, re_, pe)
        if tag != 0x02 or tag2 != 0x02:
            return None
        return Parsed(
            version,
            int.from_bytes(data[rs:re_], "big", signed=True),
            ident=bytes((pdu_tag,)) + data[re_:pe],
            header=data[s:ce],
            pdu_tag=pdu_tag,
            error_status=int.from_bytes(data[es:ee], "big", signed=True),
            tail=data[ee:pe],
            community=data[cs:ce],
        )
    except ValueError:
        return None


def rewrite(
    msg: Parsed, *, request_id: int | None = None, error_status: int | None = None
) -> bytes:
    """The v1/v2c message ``msg`` with another request-id and/or error-status."""
    assert msg.version in (0, 1)
    rid = msg.msg_id if request_id is None else request_id
    status = msg.error_status if error_status is None else error_status
    pdu = _integer(rid) + _integer(status) + msg.tail
    body = msg.header + bytes((msg.pdu_tag,)) + _length(len(pdu)) + pdu
    return b"\x30" + _length(len(body)) + body


# ------------------------------------------------------------------ forged replies

_SYS_DESCR = bytes.fromhex("2b06010201010100")  # .1.3.6.1.2.1.1.1.0
_FORGED_VARBIND = _wrap(0x30, _wrap(0x06, _SYS_DESCR) + _octets(b"forged"))
FORGE_KINDS = 3  # forged datagram k of a burst is of kind k % FORGE_KINDS


def _varbind_list(size: int) -> bytes:
    """A varbind list of about ``size`` bytes: many small varbinds (slow to decode)."""
    return _wrap(0x30, _FORGED_VARBIND * max(1, size // len(_FORGED_VARBIND)))


def _filler(size: int) -> bytes:
    return (bytes(range(256)) * (size // 256 + 1))[:size]


def forge_v1v2(msg: Parsed, kind: int, size: int) -> bytes:
    """A Response with ``msg``'s request-id that is not the reply: kind 0 another community,
    1 another version, 2 another PDU type (a SetRequest); with a varbind list of ``size``."""
    version = (1 - msg.version) if kind == 1 else msg.version
    community = msg.community + b"-forged" if kind == 0 else msg.community
    pdu_tag = 0xA3 if kind == 2 else 0xA2
    pdu = _integer(msg.msg_id) + _integer(0) + _integer(0) + _varbind_list(size)
    body = _integer(version) + _octets(community) + _wrap(pdu_tag, pdu)
    return _wrap(0x30, body)


@dataclass(frozen=True)
class V3Header:
    """The header fields of an SNMPv3 message the forgeries copy."""

    msg_id: int
    flags: int
    engine_id: bytes
    boots: int
    time: int
    user: bytes
    auth_len: int
    priv_len: int


def parse_v3(data: bytes) -> V3Header | None:
    """The header of an SNMPv3 (USM) message, or None."""
    try:

        def integer(i: int, end: int) -> tuple[int, int]:
            tag, s, e = _tlv(data, i, end)
            if tag != 0x02:
                raise ValueError("not an INTEGER")
            return int.from_bytes(data[s:e], "big", signed=True), e

        def octets(i: int, end: int) -> tuple[bytes, int]:
            tag, s, e = _tlv(data, i, end)
            if tag != 0x04:
                raise ValueError("not an OCTET STRING")
            return data[s:e], e

        tag, s, e = _tlv(data, 0, len(data))
        version, i = integer(s, e)
        if tag != 0x30 or version != 3:
            return None
        tag, gs, ge = _tlv(data, i, e)
        msg_id, j = integer(gs, ge)
        _, j = integer(j, ge)  # msgMaxSize
        flags, j = octets(j, ge)
        tag2, ss, se = _tlv(data, ge, e)  # msgSecurityParameters
        tag3, us, ue = _tlv(data, ss, se)
        if tag != 0x30 or tag2 != 0x04 or tag3 != 0x30 or len(flags) != 1:
            return None
        engine_id, k = octets(us, ue)
        boots, k = integer(k, ue)
        engine_time, k = integer(k, ue)
        user, k = octets(k, ue)
        auth, k = octets(k, ue)
        priv, k = octets(k, ue)
        return V3Header(msg_id, flags[0], engine_id, boots, engine_time, user, len(auth),
                        len(priv))  # fmt: skip
    except ValueError:
        return None


def forge_v3(head: V3Header, kind: int, size: int) -> bytes:
    """A message with ``head``'s msgID, engine ID, clock and user that is not the reply:
    kind 0 at the reply's level with a digest that does not verify (a ~``size`` encrypted
    PDU or plaintext varbind list under it), 1 without authentication, 2 authenticated but
    without privacy (another level); kinds 1 and 2 carry a plaintext Response whose
    request-id is the one the package gives a request just before its first msgID."""
    flags = head.flags & 3 if kind == 0 else 0 if kind == 1 else 1
    auth = b"\xa5" * (head.auth_len or 12) if flags & 1 else b""
    priv = b"\x5a" * (head.priv_len or 8) if flags & 2 else b""
    usm = _wrap(0x30, _octets(head.engine_id) + _integer(head.boots) + _integer(head.time)
                + _octets(head.user) + _octets(auth) + _octets(priv))  # fmt: skip
    glob = _wrap(0x30, _integer(head.msg_id) + _integer(65507) + _octets(bytes((flags,)))
                 + _integer(3))  # fmt: skip
    if flags & 2:
        data = _octets(_filler(size))  # the encryptedPDU
    else:
        pdu = _integer(head.msg_id - 1) + _integer(0) + _integer(0) + _varbind_list(size)
        data = _wrap(0x30, _octets(head.engine_id) + _octets(b"") + _wrap(0xA2, pdu))
    return _wrap(0x30, _integer(3) + glob + _octets(usm) + data)


def other_request_id(rid: int) -> int:
    """A request-id far from ``rid`` (never one a manager has outstanding next to it)."""
    return (rid + 2**30) % 2**31 or 1


# ------------------------------------------------------------------ the proxy


@dataclass
class _Item:
    data: bytes
    spoofed: bool = False  # sent from the spoof socket (another source port)


@dataclass
class _Held:
    direction: Direction
    items: list[_Item]
    dest: Address
    via: socket.socket
    timer: asyncio.TimerHandle | None = None


@dataclass
class ProxyStats:
    """What the proxy did, per direction (``Counter`` keys: see :meth:`FaultProxy.summary`)."""

    request: Counter[str] = field(default_factory=Counter)
    reply: Counter[str] = field(default_factory=Counter)

    def of(self, direction: Direction) -> Counter[str]:
        return self.request if direction == "request" else self.reply


class FaultProxy:
    """UDP proxy 127.0.0.1:``port`` -> 127.0.0.1:``agent_port`` with seeded faults."""

    def __init__(
        self,
        agent_port: int,
        *,
        requests: Faults = NO_FAULTS,
        replies: Faults = NO_FAULTS,
        seed: int | str = 0,
        agent_host: str = "127.0.0.1",
        max_datagrams: int = 200_000,
        lifetime: float = 120.0,
    ) -> None:
        if not ipaddress.ip_address(agent_host).is_loopback:
            raise ValueError("the fault proxy only forwards to a loopback agent")
        self.agent: Address = (agent_host, agent_port)
        self.faults: dict[Direction, Faults] = {"request": requests, "reply": replies}
        self.seed = seed
        self.max_datagrams = max_datagrams
        self.lifetime = lifetime
        self.stats = ProxyStats()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listen: socket.socket | None = None
        self._spoof: socket.socket | None = None
        self._upstream: dict[Address, socket.socket] = {}
        self._idents: dict[int, bytes] = {}  # request-id / msgID -> ident of its request
        self._occurrences: Counter[tuple[Direction, bytes]] = Counter()
        self._held: dict[Direction, list[_Held]] = {"request": [], "reply": []}
        self._flush_timer: dict[Direction, asyncio.TimerHandle | None] = {
            "request": None,
            "reply": None,
        }
        self._timers: set[asyncio.TimerHandle] = set()
        self._seen = 0
        self._last = 0.0
        self._stopper: asyncio.TimerHandle | None = None
        self.cpu = 0.0  # seconds of its thread's CPU time the proxy's callbacks took

    # -------------------------------------------------------------- life cycle

    async def __aenter__(self) -> FaultProxy:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        loop = self._loop = asyncio.get_running_loop()
        self._listen = self._socket()
        self.port = self._listen.getsockname()[1]
        self._spoof = self._socket()
        loop.add_reader(self._listen.fileno(), self._timed, self._on_client)
        self._stopper = loop.call_later(self.lifetime, self.close)
        self._last = loop.time()

    def _socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        sock.bind(("127.0.0.1", 0))
        return sock

    @property
    def closed(self) -> bool:
        return self._listen is None

    def close(self) -> None:
        """Stop at once: drop whatever is held back, close every socket."""
        loop, listen = self._loop, self._listen
        if listen is None or loop is None:
            return
        self._listen = None
        for timer in [*self._timers, self._stopper, *self._flush_timer.values()]:
            if timer is not None:
                timer.cancel()
        self._timers.clear()
        self._held = {"request": [], "reply": []}
        socks = [listen, *self._upstream.values()]
        for sock in socks:
            if not loop.is_closed():
                loop.remove_reader(sock.fileno())
        for sock in socks:
            sock.close()
        if self._spoof is not None:
            self._spoof.close()
            self._spoof = None
        self._upstream.clear()

    def idle(self, quiet: float = 0.1) -> bool:
        """Nothing held back or scheduled, and no datagram for ``quiet`` seconds."""
        if self._loop is None or self.closed:
            return True
        return (
            not self._timers
            and not self._held["request"]
            and not self._held["reply"]
            and self._loop.time() - self._last >= quiet
        )

    async def drain(self, quiet: float = 0.1, limit: float = 5.0) -> bool:
        """Wait until :meth:`idle`; False if that took longer than ``limit`` seconds."""
        loop = asyncio.get_running_loop()
        end = loop.time() + limit
        while not self.idle(quiet):
            if loop.time() > end:
                return False
            await asyncio.sleep(0.01)
        return True

    def summary(self) -> str:
        """The injected faults, e.g. ``req: drop 20; rep: drop 18, dup 410``."""
        names = {
            "dropped": "drop",
            "duplicated": "dup",
            "truncated": "cut",
            "delayed": "late",
            "held": "held",
            "garbage": "junk",
            "spoofed": "spoof",
            "wrong_id": "bad-id",
            "forged": "forged",
        }
        parts = []
        shorts: tuple[tuple[Direction, str], ...] = (("request", "req"), ("reply", "rep"))
        for direction, short in shorts:
            counts = self.stats.of(direction)
            done = [f"{names[k]} {counts[k]}" for k in names if counts[k]]
            if done:
                parts.append(f"{short}: " + ", ".join(done))
        return "; ".join(parts) or "-"

    # -------------------------------------------------------------- receiving

    def _timed(self, callback: Callable[..., None], *args: Any) -> None:
        """Run one of the proxy's loop callbacks, adding the CPU time it takes to
        :attr:`cpu` (a stall meter on the same loop subtracts it: it is not the manager's)."""
        start = time.thread_time()
        try:
            callback(*args)
        finally:
            self.cpu += time.thread_time() - start

    def _on_client(self) -> None:
        listen = self._listen
        while listen is not None:
            try:
                data, addr = listen.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            upstream = self._upstream.get(addr)
            if upstream is None:
                upstream = self._upstream[addr] = self._socket()
                assert self._loop is not None
                self._loop.add_reader(
                    upstream.fileno(), self._timed, self._on_agent, upstream, addr
                )
            self._handle("request", data, self.agent, upstream)
            listen = self._listen

    def _on_agent(self, upstream: socket.socket, client: Address) -> None:
        while self._listen is not None:
            try:
                data, addr = upstream.recvfrom(65535)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if addr[:2] == self.agent[:2]:
                self._handle("reply", data, client, self._listen)

    # -------------------------------------------------------------- deciding

    def _ident(self, direction: Direction, msg: Parsed | None, data: bytes) -> bytes:
        if msg is None:
            return b"raw:" + data[:64]
        if direction == "request":
            ident = msg.ident if msg.version != 3 else b"v3:%d" % len(self._idents)
            return self._idents.setdefault(msg.msg_id, ident)
        return self._idents.get(msg.msg_id, b"unknown:%d" % msg.msg_id)

    def _handle(self, direction: Direction, data: bytes, dest: Address, via: socket.socket) -> None:
        assert self._loop is not None
        self._last = self._loop.time()
        counts = self.stats.of(direction)
        counts["in"] += 1
        self._seen += 1
        if self._seen > self.max_datagrams:
            counts["over_limit"] += 1
            return
        faults = self.faults[direction]
        msg = parse(data)
        ident = self._ident(direction, msg, data)
        self._occurrences[direction, ident] += 1
        occurrence = self._occurrences[direction, ident]
        rng = random.Random(f"{self.seed}|{direction}|{ident.hex()}|{occurrence}")
        # one draw per fault, always in this order, so that switching one fault on does not
        # change the fate another fault deals out
        draws = {
            name: rng.random()
            for name in (
                "loss",
                "spoof",
                "wrong_id",
                "wrong_id_replace",
                "truncate",
                "duplicate",
                "garbage",
                "delay",
            )
        }
        if draws["loss"] < faults.loss:
            counts["dropped"] += 1
            return
        v1v2 = msg is not None and msg.version in (0, 1)
        main = data
        items: list[_Item] = []
        if draws["spoof"] < faults.spoof:
            counts["spoofed"] += 1
            copy = rewrite(msg, error_status=GEN_ERR) if v1v2 and msg else data
            items.append(_Item(copy, spoofed=True))
        if v1v2 and msg is not None:
            bad = rewrite(msg, request_id=other_request_id(msg.msg_id), error_status=GEN_ERR)
            if draws["wrong_id"] < faults.wrong_id:
                counts["wrong_id"] += 1
                items.append(_Item(bad))
            if draws["wrong_id_replace"] < faults.wrong_id_replace:
                counts["wrong_id"] += 1
                main = bad
        if faults.forge and msg is not None:
            head = parse_v3(data) if msg.version == 3 else None
            for k in range(faults.forge):
                if v1v2:
                    items.append(_Item(forge_v1v2(msg, k % FORGE_KINDS, faults.forge_size)))
                elif head is not None:
                    items.append(_Item(forge_v3(head, k % FORGE_KINDS, faults.forge_size)))
                else:
                    continue
                counts["forged"] += 1
        if draws["truncate"] < faults.truncate and len(main) > 1:
            counts["truncated"] += 1
            main = main[: rng.randrange(1, len(main))]
        copies = 1
        if draws["duplicate"] < faults.duplicate:
            copies = rng.randint(*faults.copies)
            counts["duplicated"] += copies - 1
        items.extend(_Item(main) for _ in range(copies))
        if draws["garbage"] < faults.garbage:
            for _ in range(rng.randint(1, 2)):
                counts["garbage"] += 1
                junk = rng.randbytes(rng.randint(1, 120))
                if rng.random() < 0.5:  # looks like the start of a message
                    junk = b"\x30" + junk
                items.insert(rng.randint(0, len(items)), _Item(junk))
        held = _Held(direction, items, dest, via)
        if faults.delay and draws["delay"] < faults.delay_share:
            counts["delayed"] += 1
            held.timer = self._loop.call_later(faults.delay, self._timed, self._after_delay, held)
            self._timers.add(held.timer)
        else:
            self._emit(held)

    def _after_delay(self, held: _Held) -> None:
        if held.timer is not None:
            self._timers.discard(held.timer)
        self._emit(held)

    # -------------------------------------------------------------- sending

    def _emit(self, held: _Held) -> None:
        faults = self.faults[held.direction]
        if not faults.reorder:
            self._send(held)
            return
        assert self._loop is not None
        queue = self._held[held.direction]
        queue.append(held)
        self.stats.of(held.direction)["held"] += 1
        if len(queue) >= faults.reorder:
            self._flush(held.direction)
        elif self._flush_timer[held.direction] is None:
            self._flush_timer[held.direction] = self._loop.call_later(
                faults.reorder_wait, self._timed, self._flush, held.direction
            )

    def _flush(self, direction: Direction) -> None:
        timer, self._flush_timer[direction] = self._flush_timer[direction], None
        if timer is not None:
            timer.cancel()
        batch, self._held[direction] = self._held[direction], []
        random.Random(f"{self.seed}|shuffle|{self._seen}").shuffle(batch)
        for held in batch:
            self._send(held)

    def _send(self, held: _Held) -> None:
        if self._listen is None or self._spoof is None:
            return
        for item in held.items:
            sock = self._spoof if item.spoofed else held.via
            try:
                sock.sendto(item.data, held.dest)
            except OSError:
                self.stats.of(held.direction)["send_errors"] += 1
        if self._loop is not None:
            self._last = self._loop.time()
