"""Hostile OIDs must not pin memory (issue #10, finding 3).

A loopback fake agent answers every GET with long OIDs, as names and as OBJECT IDENTIFIER
values, each one new. Before the fix the process-wide caches (BER OID decoding, names,
net-snmp tags, formatted OID values) were bounded by entry count only, and OIDs of any
length were accepted: 1,500 replies with 8,000-arc OIDs pinned 130 MB that finishing the
component did not give back. Now an OID has at most 128 sub-identifiers (net-snmp's
MAX_OID_LEN; longer ones make the datagram malformed) and every cache has a byte budget,
so the memory a run leaves behind stays below the sum of those budgets however many
rounds run.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import time
import tracemalloc
from typing import Any

import pytest

from snmp_component import Kernel, SNMPComponent, errors, transport
from snmp_component._core import ber, v3msg
from snmp_component._core.usm import UsmUser

from ..forge import oid_content

MiB = 1 << 20
# The byte budgets of every process-wide cache add up to 28.5 MiB (the table in
# snmp_component/_core/cache.py; tests/core/test_cache.py checks the caches against it);
# the rest covers the interpreter's own allocations around the measurement.
BOUND = 32 * MiB
REPLIES = 1500
VARBINDS = 2  # per reply, each with a new 128-arc name and a new 128-arc OID value
ASKED = (1, 3, 6, 1, 4, 1, 99999, 1, 0)
GOOD = ber.encode_varbinds([(ASKED, ber.OCTET_STRING, b"ok")])


_HOSTILE_TAIL = bytes(k % 100 for k in range(8000))  # single-octet arcs


def _oid_tlv(arcs: tuple[int, ...]) -> bytes:
    """OBJECT IDENTIFIER TLV of any length (the fake agent's own, unchecked, encoder)."""
    if len(arcs) > 128 and arcs[9:] == tuple(_HOSTILE_TAIL[: len(arcs) - 9]):
        content = oid_content(arcs[:9]) + _HOSTILE_TAIL[: len(arcs) - 9]  # fast
    else:
        content = oid_content(arcs)
    return b"\x06" + ber.encode_length(len(content)) + content


def _varbind_list(pairs: list[tuple[bytes, bytes]]) -> bytes:
    body = b"".join(b"\x30" + ber.encode_length(len(n) + len(v)) + n + v for n, v in pairs)
    return b"\x30" + ber.encode_length(len(body)) + body


def long_oid(serial: int, n: int) -> tuple[int, ...]:
    """A new ``n``-arc OID under enterprises.99999.2; ``serial`` makes it new. Up to 128
    arcs each takes two octets and is an int CPython does not share (a real agent's
    worst case); the over-long ones are mostly single octets, as in the report."""
    if n > 128:
        return (1, 3, 6, 1, 4, 1, 99999, 3, serial, *_HOSTILE_TAIL[: n - 9])
    return (1, 3, 6, 1, 4, 1, 99999, 2, serial, *(300 + k for k in range(n - 9)))


class HostileAgent(asyncio.DatagramProtocol):
    """Answers each GET with new long OIDs; ``arcs`` > 128 sends the hostile reply first
    (which must be dropped as malformed), then a plain one so the request completes."""

    serial = 0  # across agents: every reply of every round carries new OIDs

    def __init__(self, arcs: int) -> None:
        self.arcs = arcs
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        msg = ber.decode_message(data)
        pairs = []
        for _ in range(VARBINDS if self.arcs <= 128 else 1):
            HostileAgent.serial += 2
            name = _oid_tlv(long_oid(HostileAgent.serial, self.arcs))
            pairs.append((name, _oid_tlv(long_oid(HostileAgent.serial + 1, self.arcs))))
        for vbl in (_varbind_list(pairs), GOOD) if self.arcs > 128 else (_varbind_list(pairs),):
            self.transport.sendto(
                ber.encode_request_raw(
                    msg.version, msg.community, ber.RESPONSE, msg.request_id, 0, 0, vbl
                ),
                addr,
            )


async def _round(arcs: int, replies: int) -> tuple[list[Any], int]:
    """``replies`` GETs through a fresh component; the varlists and the decode errors."""
    loop = asyncio.get_running_loop()
    endpoint, _ = await loop.create_datagram_endpoint(
        lambda: HostileAgent(arcs), local_addr=("127.0.0.1", 0)
    )
    port = endpoint.get_extra_info("sockname")[1]
    kernel = Kernel()
    snmp = SNMPComponent.create(
        kernel, DestHost="127.0.0.1", RemotePort=port, Version=2, UseSprintValue=1,
        Timeout=5_000_000, Retries=0,
    )  # fmt: skip
    try:
        lists = await asyncio.gather(*(snmp.get(".1.3.6.1.4.1.99999.1.0") for _ in range(replies)))
        udp = transport._registry[kernel][socket.AF_INET]
        decode_errors = udp.stats.decode_errors
        snmp.finish()
        await asyncio.sleep(0.05)
    finally:
        endpoint.close()
    return list(lists), decode_errors


def _run(arcs: int, replies: int) -> tuple[list[Any], int]:
    return asyncio.run(asyncio.wait_for(_round(arcs, replies), 120))


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


def test_long_oid_replies_leave_bounded_memory_behind() -> None:
    tracemalloc.start()
    try:
        _run(128, 20)  # warm-up: MIB index, event loop and transport machinery
        baseline = _traced()

        lists, errors_ = _run(128, REPLIES)
        after_one = _traced() - baseline
        assert errors_ == 0
        assert len(lists) == REPLIES and all(len(vl) == VARBINDS for vl in lists)
        vb = lists[-1][0]
        # enterprises (6 arcs) and 122 more: the value is a whole 128-arc OID, by name
        assert vb.type == "OBJECTID" and vb.val.startswith("enterprises.99999.2.")
        assert len(vb.val.split(".")) == 1 + 122
        del lists, vb

        _run(128, REPLIES)  # new OIDs again
        after_two = _traced() - baseline
    finally:
        tracemalloc.stop()
    print(f"left behind: {after_one / MiB:.1f} MiB, then {after_two / MiB:.1f} MiB")
    assert after_one < BOUND, f"one round: +{after_one / MiB:.1f} MiB"
    assert after_two < BOUND, f"two rounds: +{after_two / MiB:.1f} MiB"
    # The second round replaced cache entries instead of adding to them: what it can add
    # is at most what the caches on this path hold (ber.oid_decode, names.describe and
    # names.oid_text.suffix: 14 MiB), against the 31 MiB the first round kept before.
    assert after_two - after_one < 14 * MiB, (after_one / MiB, after_two / MiB)


def test_over_long_oids_are_malformed_and_pin_nothing() -> None:
    tracemalloc.start()
    try:
        _run(128, 20)
        baseline = _traced()
        lists, errors_ = _run(8000, REPLIES)
        grown = _traced() - baseline
    finally:
        tracemalloc.stop()
    print(f"left behind: {grown / MiB:.1f} MiB")
    assert errors_ == REPLIES  # each 8,000-arc reply was dropped as a malformed datagram
    assert all(vl[0].val == '"ok"' for vl in lists)  # ...and the plain one answered
    assert grown < BOUND, f"+{grown / MiB:.1f} MiB"


class V3Agent(asyncio.DatagramProtocol):
    """An SNMPv3 (authNoPriv, SHA) agent answering each request with a 129-arc OID first,
    then with a plain reply."""

    ENGINE = bytes.fromhex("80001f8880aabbccdd")
    USER = "longOidUser"
    PASS = "long-oid-pass-phrase"

    def __init__(self) -> None:
        self.keys = UsmUser(self.USER, "SHA", self.PASS).localize(self.ENGINE)
        self.start = time.monotonic()
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        header = v3msg.peek_header(data)
        assert header is not None
        clock = int(time.monotonic() - self.start) + 100
        if not header.engine_id:  # discovery
            report = v3msg.encode_report(
                header, v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, 1, self.ENGINE, 1, clock
            )
            self.transport.sendto(report, addr)
            return
        request = v3msg.decode_message(data, self.keys)
        long = _oid_tlv((1, 3, 6, 1, 4, 1, 99999, 4, *range(121)))  # 129 arcs
        for vbl in (_varbind_list([(long, b"\x02\x01\x01")]), GOOD):
            pdu = ber.encode_pdu(ber.RESPONSE, request.request_id, 0, 0, vbl)
            reply = v3msg.encode_message(request.msg_id, pdu, self.keys, 1, clock, level=1)
            self.transport.sendto(reply, addr)


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
def test_v3_replies_with_over_long_oids_are_malformed(engine: str) -> None:
    async def main() -> Any:
        loop = asyncio.get_running_loop()
        endpoint, _ = await loop.create_datagram_endpoint(V3Agent, local_addr=("127.0.0.1", 0))
        port = endpoint.get_extra_info("sockname")[1]
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=port, Version=3, V3Engine=engine,
            SecName=V3Agent.USER, SecLevel="authNoPriv", AuthProto="SHA",
            AuthPass=V3Agent.PASS, Timeout=2_000_000, Retries=0,
        )  # fmt: skip
        try:
            return await snmp.get(".1.3.6.1.4.1.99999.1.0")
        except errors.SNMPError as exc:
            return exc
        finally:
            snmp.finish()
            await asyncio.sleep(0.05)
            endpoint.close()

    answer = asyncio.run(asyncio.wait_for(main(), 30))
    if engine == "native":  # the malformed reply is dropped; the plain one answers
        assert answer[0].val == "ok"
    else:  # pysnmp has matched it to the request already: it fails as undecodable
        assert isinstance(answer, errors.DecodeError), answer
        assert "at most 128" in str(answer)


def test_the_bound_is_the_sum_of_the_cache_budgets() -> None:
    from snmp_component._core import cache

    assert cache.DOCUMENTED_TOTAL + 3 * MiB <= BOUND
