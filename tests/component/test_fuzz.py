"""Fuzzing the datagram handler: garbage never raises out of it and never loses a request."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snmp_component import Kernel, SNMPComponent, VarList, transport
from snmp_component._core import ber
from snmp_component.errors import SNMPError

OID = (1, 3, 6, 1, 2, 1, 1, 5, 0)


def mutate(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    for pos, value in edits:
        if out:
            out[pos % len(out)] = value
    return bytes(out)


noise = st.lists(
    st.one_of(
        st.binary(max_size=200),
        st.tuples(
            st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6),
            st.integers(0, 60),
        ),
    ),
    min_size=1,
    max_size=8,
)


class NoisyAgent(asyncio.DatagramProtocol):
    """Sends ``noise`` (garbage, mutated or truncated valid replies) before each answer."""

    def __init__(self, noise: list[Any]) -> None:
        self.noise = noise
        self.transport: Any = None
        self.sent = 0  # datagrams really sent (asyncio does not send an empty one)

    def send(self, data: bytes, addr: Any) -> None:
        if data:
            self.sent += 1
            self.transport.sendto(data, addr)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        msg = ber.decode_message(data)
        good = ber.encode_request(
            msg.version, msg.community, ber.RESPONSE, msg.request_id,
            [(OID, ber.OCTET_STRING, b"ok")],
        )  # fmt: skip
        for item in self.noise:
            if isinstance(item, bytes):
                self.send(item, addr)
            else:
                edits, cut = item
                bad = mutate(good, edits)
                self.send(bad[: len(bad) - cut] if cut else bad, addr)
        self.send(good, addr)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(noise=noise)
def test_noise_before_each_reply_never_raises_and_never_loses_a_request(noise: list[Any]) -> None:
    errors: list[logging.LogRecord] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if record.levelno >= logging.ERROR:
                errors.append(record)

    handler = Catch()
    logging.getLogger().addHandler(handler)
    loop_errors: list[Any] = []

    async def main() -> tuple[list[Any], Any, int]:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(lambda _loop, context: loop_errors.append(context))
        agent = NoisyAgent(noise)
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        kernel = Kernel()
        snmp = SNMPComponent.create(
            kernel, DestHost="127.0.0.1", RemotePort=endpoint.get_extra_info("sockname")[1],
            Version=2, Timeout=1_000_000, Retries=0, MaxInFlight=5,
        )  # fmt: skip
        try:
            gets = (snmp.get(".1.3.6.1.2.1.1.5.0") for _ in range(5))
            results = await asyncio.gather(*gets, return_exceptions=True)
            stats = transport._registry[kernel][socket.AF_INET].stats
            snmp.finish()
            return results, stats, agent.sent
        finally:
            endpoint.close()

    try:
        results, stats, sent = asyncio.run(asyncio.wait_for(main(), 10))
    finally:
        logging.getLogger().removeHandler(handler)
    # A mutation may make a valid reply with another value or an error-status (the agent
    # "said" so): each request still ends once, with a VarList or a typed SNMPError.
    assert len(results) == 5
    for result in results:
        assert isinstance(result, VarList | SNMPError), repr(result)
    assert stats.completed == 5
    assert stats.received == sent  # every datagram was read (loopback does not drop these)
    assert not errors and not loop_errors


junk = st.recursive(
    st.one_of(
        st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
        st.text(max_size=12), st.binary(max_size=8),
        st.sampled_from(["sysName.0", ".1.3.6.1.2.1.1.5.0", "ifDescr", "-callback_args",
                         "INTEGER", "OCTETSTR", "1.3", ""]),
    ),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner),
    max_leaves=8,
)  # fmt: skip
requests = st.sampled_from(["get", "getnext", "set", "getbulk", "bulkwalk", "walk", "table",
                            "gettable", "finish_not"])  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calls=st.lists(st.tuples(requests, st.lists(junk, max_size=4), junk), max_size=6))
def test_random_request_arguments_get_exactly_one_answer(calls: list[Any]) -> None:
    """POE path: every accepted request is answered once; nothing raises out of the loop."""
    from snmp_component import Event, Session

    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=9, Version=2,
                         Timeout=20_000, Retries=0)  # fmt: skip
    answers: dict[int, int] = {}
    accepted: list[int] = []

    mark = object()  # odd requests carry (mark, i): junk callback_args cannot look like it

    def start(ev: Event) -> None:
        for i, (cmd, args, cb_args) in enumerate(calls):
            kwargs = {"callback_args": [mark, i]} if i % 2 else {"callback_args": cb_args}
            if ev.kernel.post("snmp", cmd, "on_resp", *args, **kwargs):
                accepted.append(i)

    def on_resp(ev: Event) -> None:
        cb = ev.arg1.callback_args
        key = cb[1] if len(cb) == 2 and cb[0] is mark else -1
        answers[key] = answers.get(key, 0) + 1

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    asyncio.run(asyncio.wait_for(kernel.run_async(), 10))
    assert sum(answers.values()) == len(accepted)
    assert all(n == 1 for k, n in answers.items() if k != -1)


@settings(max_examples=60, deadline=None)
@given(cmd=st.sampled_from(["get", "getnext", "set", "walk"]), args=st.lists(junk, max_size=4))
def test_random_awaitable_arguments_raise_only_snmp_errors(cmd: str, args: list[Any]) -> None:
    from snmp_component import errors

    async def main() -> None:
        snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=9, Version=2,
                                    Timeout=20_000, Retries=0)  # fmt: skip
        try:
            await getattr(snmp, cmd)(*args)
        except errors.SNMPError:
            pass
        finally:
            snmp.finish()
        assert snmp.pending == 0

    asyncio.run(asyncio.wait_for(main(), 10))
