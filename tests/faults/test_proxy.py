"""The fault proxy itself: its message rewriting and its determinism (no SNMP agent)."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter

from snmp_component._core import ber

from .proxy import GEN_ERR, FaultProxy, Faults, other_request_id, parse, rewrite

OID = (1, 3, 6, 1, 2, 1, 1, 5, 0)


def test_rewrite_changes_only_request_id_and_error_status() -> None:
    for rid in (1, 127, 128, 70000, 2**31 - 1):
        data = ber.encode_request(1, b"public", ber.RESPONSE, rid, [(OID, ber.OCTET_STRING, b"x")])
        msg = parse(data)
        assert msg is not None and msg.msg_id == rid and msg.version == 1
        assert rewrite(msg) == data
        new = ber.decode_message(rewrite(msg, request_id=other_request_id(rid), error_status=5))
        assert new.request_id == other_request_id(rid) != rid and new.error_status == GEN_ERR
        assert new.varbinds == [(OID, ber.OCTET_STRING, b"x")] and new.community == b"public"
    assert parse(b"") is None and parse(b"\x30\x03\x02\x01") is None and parse(b"garbage") is None


async def _exchange(
    faults: Faults, seed: str, first_id: int
) -> tuple[Counter[bytes], Counter[str]]:
    """50 distinct requests through the proxy to an echo agent: what came back."""
    loop = asyncio.get_running_loop()
    agent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    agent.bind(("127.0.0.1", 0))
    agent.setblocking(False)

    def echo() -> None:
        while True:
            try:
                data, addr = agent.recvfrom(65535)
            except BlockingIOError:
                return
            agent.sendto(data, addr)

    loop.add_reader(agent.fileno(), echo)
    client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    client.bind(("127.0.0.1", 0))
    client.setblocking(False)
    got: Counter[bytes] = Counter()
    try:
        async with FaultProxy(agent.getsockname()[1], replies=faults, seed=seed) as proxy:
            for i in range(50):
                varbinds = [((*OID, i), ber.NULL, None)]
                data = ber.encode_request(1, b"public", ber.GET_REQUEST, first_id + i, varbinds)
                client.sendto(data, ("127.0.0.1", proxy.port))
            await proxy.drain(0.05)
            while True:
                try:
                    data = client.recv(65535)
                except BlockingIOError:
                    break
                msg = parse(data)
                got[data if msg is None else msg.ident] += 1
            stats = proxy.stats.reply
    finally:
        loop.remove_reader(agent.fileno())
        agent.close()
        client.close()
    return got, stats


def test_faults_depend_on_content_and_seed_not_on_request_ids() -> None:
    faults = Faults(loss=0.3, duplicate=0.5, garbage=0.3, reorder=5)
    first = asyncio.run(_exchange(faults, "a", 1000))
    again = asyncio.run(_exchange(faults, "a", 7_000_000))
    assert first == again
    dropped, copies = first[1]["dropped"], first[1]["duplicated"]
    assert 5 < dropped < 30 and copies > 5 and first[1]["garbage"] > 3
    assert sum(first[0].values()) == 50 - dropped + copies + first[1]["garbage"]
    assert asyncio.run(_exchange(faults, "b", 1000)) != first
