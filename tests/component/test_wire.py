"""The v1/v2c wire against a scriptable fake agent: late, duplicate, stray and bad replies."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import weakref
from collections.abc import Callable
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors, transport
from snmp_component._core import ber

OID = (1, 3, 6, 1, 2, 1, 1, 5, 0)

Behaviour = Callable[["FakeAgent", ber.Message, Any], None]


class FakeAgent(asyncio.DatagramProtocol):
    """Answers each request as ``behaviour`` says (loopback only)."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[ber.Message] = []
        self.transport: Any = None  # 3.11's selector transport is not a DatagramTransport
        self.other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # a different port
        self.other.bind(("127.0.0.1", 0))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        msg = ber.decode_message(data)
        self.requests.append(msg)
        self.behaviour(self, msg, addr)

    def reply(self, msg: ber.Message, addr: Any, *, rid: int | None = None, value: bytes = b"ok",
              via_other_port: bool = False) -> None:  # fmt: skip
        data = ber.encode_request(
            msg.version,
            msg.community,
            ber.RESPONSE,
            msg.request_id if rid is None else rid,
            [(OID, ber.OCTET_STRING, value)],
        )
        if via_other_port:
            self.other.sendto(data, addr)
        else:
            assert self.transport is not None
            self.transport.sendto(data, addr)


async def ask(behaviour: Behaviour, n: int = 1, **create: Any) -> tuple[list[Any], FakeAgent, Any]:
    """Run ``n`` GETs against a fake agent; the answers, the agent and transport stats."""
    loop = asyncio.get_running_loop()
    agent = FakeAgent(behaviour)
    endpoint, _ = await loop.create_datagram_endpoint(lambda: agent, local_addr=("127.0.0.1", 0))
    port = endpoint.get_extra_info("sockname")[1]
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=port, Version=2, **create)
    stats: dict[str, Any] = {}

    async def one() -> Any:
        try:
            return (await snmp.get(".1.3.6.1.2.1.1.5.0"))[0].val
        except errors.SNMPError as exc:
            return exc

    try:
        udp = None
        results = []
        for coro in asyncio.as_completed([one() for _ in range(n)]):
            results.append(await coro)
            udp = udp or transport._registry[kernel][socket.AF_INET]
        stats["transport"] = udp.stats if udp else None
        await asyncio.sleep(0.3)  # late duplicates would arrive now: they must change nothing
        stats["after"] = udp.stats.completed if udp else None
        snmp.finish()
    finally:
        endpoint.close()
        agent.other.close()
    return results, agent, stats["transport"]


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 20))


def test_late_reply_to_an_earlier_attempt_is_accepted() -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        if len(agent.requests) == 1:  # answer attempt 1 only, after attempt 2 went out
            asyncio.get_running_loop().call_later(0.15, agent.reply, msg, addr)

    results, agent, stats = run(ask(behaviour, Timeout=100_000, Retries=3))
    assert results == ["ok"]
    assert len(agent.requests) == 2
    assert agent.requests[0].request_id == agent.requests[1].request_id  # same id on retry
    assert stats.retries == 1 and stats.completed == 1


def test_duplicate_replies_complete_once() -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        for _ in range(3):
            agent.reply(msg, addr)

    results, _, stats = run(ask(behaviour, n=20, Retries=0))
    assert results == ["ok"] * 20
    assert stats.completed == 20 and stats.unmatched >= 40


def test_replies_from_another_port_or_with_wrong_ids_or_garbage_are_ignored() -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        agent.reply(msg, addr, value=b"spoofed", via_other_port=True)
        agent.reply(msg, addr, rid=msg.request_id ^ 0x5A5A, value=b"wrong id")
        assert agent.transport is not None
        agent.transport.sendto(b"\x30\x03garbage", addr)
        agent.transport.sendto(b"", addr)
        agent.reply(msg, addr)

    results, _, stats = run(ask(behaviour, n=5, Retries=0))
    assert results == ["ok"] * 5
    assert stats.wrong_source == 5 and stats.decode_errors >= 5 and stats.unmatched >= 5


def test_silence_is_one_timeout_after_every_attempt() -> None:
    results, agent, stats = run(ask(lambda a, m, addr: None, n=3, Timeout=50_000, Retries=2))
    assert all(isinstance(r, errors.SNMPTimeoutError) and r.attempts == 3 for r in results)
    assert len(agent.requests) == 9 and stats.timeouts == 3


def test_wrong_community_or_pdu_in_reply_is_ignored() -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        assert agent.transport is not None
        bad = ber.encode_request(msg.version, b"other", ber.RESPONSE, msg.request_id, [])
        agent.transport.sendto(bad, addr)
        report = ber.encode_request(msg.version, msg.community, ber.REPORT, msg.request_id, [])
        agent.transport.sendto(report, addr)
        agent.reply(msg, addr)

    results, _, _ = run(ask(behaviour, Retries=0))
    assert results == ["ok"]


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_walk_of_an_agent_that_repeats_an_oid_stops(cmd: str) -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        data = ber.encode_request(
            msg.version, msg.community, ber.RESPONSE, msg.request_id,
            [((1, 3, 6, 1, 2, 1, 1, 5, 0), ber.OCTET_STRING, b"same")] * 3,
        )  # fmt: skip
        assert agent.transport is not None
        agent.transport.sendto(data, addr)

    async def main() -> tuple[Any, Any]:
        loop = asyncio.get_running_loop()
        agent = FakeAgent(behaviour)
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        port = endpoint.get_extra_info("sockname")[1]
        try:
            snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=port,
                                        Version=2, Retries=0)  # fmt: skip
            with pytest.raises(errors.OidNotIncreasing) as info:
                if cmd == "walk":
                    await snmp.walk("system")
                else:
                    await snmp.bulkwalk(0, 3, "system")
            lenient = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=port,
                                           Version=2, Retries=0, NonIncreasing=1)  # fmt: skip
            with pytest.raises(errors.OidNotIncreasing):  # an exact repeat is a loop anyway
                await lenient.walk("system")
            snmp.finish()
            lenient.finish()
            return info.value, len(agent.requests)
        finally:
            endpoint.close()
            agent.other.close()

    error, requests = run(main())
    assert error.received == ".1.3.6.1.2.1.1.5.0" and requests <= 4


def test_poe_callbacks_from_a_fake_agent_come_from_the_component() -> None:
    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        agent = FakeAgent(lambda a, m, addr: a.reply(m, addr))
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        port = endpoint.get_extra_info("sockname")[1]
        kernel = Kernel()
        snmp = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=port, Version=2)
        got: list[Any] = []

        def on_resp(ev: Event) -> None:
            got.append((ev.sender is not None, ev.arg1.varlist[0].val))
            # what this handler posts is dispatched when the socket wake-up ends
            udp = transport._registry[ev.kernel][socket.AF_INET]
            got.append(not isinstance(udp.batch(), contextlib.nullcontext))
            ev.kernel.post("snmp", "finish")

        Session.create(
            kernel,
            inline_states={
                "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", "sysName.0"),
                "on_resp": on_resp,
            },
        )
        try:
            await kernel.run_async()
        finally:
            endpoint.close()
            agent.other.close()
        assert snmp.pending == 0
        return got

    assert run(main()) == [(True, "ok"), True]


def test_the_shared_socket_does_not_keep_a_kernel_alive() -> None:
    """The transport registry is keyed weakly by the kernel: a component left unfinished
    must not pin the kernel (and its sessions and socket) for the life of the process."""

    async def main() -> weakref.ref[Kernel]:
        loop = asyncio.get_running_loop()
        agent = FakeAgent(lambda a, m, addr: a.reply(m, addr))
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        kernel = Kernel()
        port = endpoint.get_extra_info("sockname")[1]
        snmp = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=port, Version=2)
        try:
            assert (await snmp.get("sysName.0"))[0].val == "ok"
        finally:
            endpoint.close()
            agent.other.close()
        return weakref.ref(kernel)

    ref = run(main())
    gc.collect()
    assert ref() is None


def test_v1_walk_of_the_last_leaf_returns_the_instance() -> None:
    def behaviour(agent: FakeAgent, msg: ber.Message, addr: Any) -> None:
        oid = msg.varbinds[0][0]
        if msg.pdu_tag == ber.GET_NEXT_REQUEST:  # nothing after it: v1 noSuchName
            data = ber.encode_request(
                msg.version,
                msg.community,
                ber.RESPONSE,
                msg.request_id,
                [(oid, ber.NULL, None)],
                error_status=2,
                error_index=1,
            )
        else:
            data = ber.encode_request(msg.version, msg.community, ber.RESPONSE, msg.request_id,
                                      [(oid, ber.INTEGER, 42)])  # fmt: skip
        agent.transport.sendto(data, addr)

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        agent = FakeAgent(behaviour)
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        port = endpoint.get_extra_info("sockname")[1]
        try:
            snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=port,
                                        Version=1, Retries=0)  # fmt: skip
            result = await snmp.walk(".1.3.6.1.4.1.99999.9.0")
            snmp.finish()
            return result
        finally:
            endpoint.close()
            agent.other.close()

    (rows,) = run(main())
    assert [(vb.tag, vb.val) for vb in rows] == [(".1.3.6.1.4.1.99999.9.0", 42)]


def test_a_retry_does_not_postpone_another_requests_deadline() -> None:
    # Found by the fault matrix: a retry re-armed the shared timer for its own later
    # deadline, so another request's earlier deadline waited for it (up to 2 x Timeout).
    async def main() -> list[float]:
        silent = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        silent.bind(("127.0.0.1", 0))
        snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=2,
                                    RemotePort=silent.getsockname()[1], Timeout=100_000,
                                    Retries=1)  # fmt: skip
        loop = asyncio.get_running_loop()

        async def one(after: float) -> float:
            await asyncio.sleep(after)
            t0 = loop.time()
            with pytest.raises(errors.SNMPTimeoutError):
                await snmp.get(".1.3.6.1.2.1.1.5.0")
            return loop.time() - t0

        try:
            return list(await asyncio.gather(one(0.0), one(0.03)))
        finally:
            snmp.finish()
            silent.close()

    elapsed = run(main())
    assert all(0.19 < e < 0.25 for e in elapsed), elapsed
