"""The fault proxy itself: its message rewriting and its determinism (no SNMP agent)."""

from __future__ import annotations

import asyncio
import socket
from collections import Counter

import pytest

from snmp_component._core import ber, v3msg
from snmp_component._core.usm import UsmUser
from snmp_component.errors import SNMPError, WrongDigest

from .proxy import (
    FORGE_KINDS,
    GEN_ERR,
    FaultProxy,
    Faults,
    forge_v1v2,
    forge_v3,
    other_request_id,
    parse,
    parse_v3,
    rewrite,
)

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


def test_forged_v1v2_replies_are_well_formed_large_and_not_the_reply() -> None:
    """Each kind carries the reply's request-id and ~60 KB of small varbinds, decodes as a
    message, and is not the answer the manager waits for (another community, version or
    PDU type): what the package's header check must drop."""
    rid = 123_456
    reply = ber.encode_request(1, b"public", ber.RESPONSE, rid, [(OID, ber.OCTET_STRING, b"x")])
    msg = parse(reply)
    assert msg is not None and msg.community == b"public"
    for kind in range(FORGE_KINDS):
        forged = forge_v1v2(msg, kind, 60_000)
        assert 55_000 < len(forged) <= 65_507
        assert ber.peek_request_id(forged) == rid
        decoded = ber.decode_message(forged)
        assert decoded.request_id == rid and len(decoded.varbinds) >= 2_500
        assert ber.decode_response(forged, 1, b"public", rid) is None


def test_forged_v3_replies_carry_the_msg_id_and_fail_authentication_or_level() -> None:
    user = UsmUser("forgeUser", "SHA", "auth-pass-phrase", "AES", "priv-pass-phrase")
    engine_id = bytes.fromhex("80001f8880aabbccddeeff0011")
    keys = user.localize(engine_id)
    pdu = ber.encode_pdu(ber.RESPONSE, 41, 0, 0, ber.encode_varbinds([(OID, ber.NULL, None)]))
    reply = v3msg.encode_message(42, pdu, keys, 3, 1000)
    head = parse_v3(reply)
    assert head is not None and head.msg_id == 42 and head.engine_id == engine_id
    assert head.user == b"forgeUser" and (head.boots, head.time) == (3, 1000)
    assert head.flags & 3 == 3 and (head.auth_len, head.priv_len) == (12, 8)
    expect = v3msg.Expect(level=3, request_id=41)
    assert v3msg.decode_message(reply, keys, expect=expect).request_id == 41
    for kind in range(FORGE_KINDS):
        forged = forge_v3(head, kind, 60_000)
        assert 55_000 < len(forged) <= 65_507
        assert v3msg.peek_msg_id(forged) == 42
        with pytest.raises(SNMPError):
            v3msg.decode_message(forged, keys, expect=expect)
        if kind == 1:  # no authentication: well formed, a Response with 2,500+ varbinds
            plain = v3msg.decode_message(forged)
            assert plain.request_id == 41 and len(plain.varbinds) >= 2_500
        else:  # authenticated: the digest does not verify
            with pytest.raises(WrongDigest):
                v3msg.decode_message(forged, keys)
