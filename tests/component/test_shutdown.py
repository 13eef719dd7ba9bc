"""Every way the kernel can end, cancellation and name resolution: one answer each.

Against dead agents (a UDP port that never answers) requests stay in flight or queued, so
these tests see what happens to them when the kernel is stopped, the task running it is
cancelled, an awaitable is cancelled, or the resolver hangs.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors
from snmp_component.testing import SnmpdAgent

from ..stall import StallMeter, paused_gc

SYSNAME = ".1.3.6.1.2.1.1.5.0"


def _silent_ports(n: int) -> list[socket.socket]:
    socks = []
    for _ in range(n):
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.bind(("127.0.0.1", 0))
        socks.append(sock)
    return socks


class Client:
    """A requester session that counts its answers per request id and checks that each
    one arrives while it is alive."""

    def __init__(self, kernel: Kernel, start: Callable[[Event, Client], None]) -> None:
        self.answers: dict[int, list[Any]] = {}
        self.accepted: set[int] = set()
        self.next_id = 0
        self.alive_at_answer: list[bool] = []
        self.session = Session.create(
            kernel,
            inline_states={
                "_start": lambda ev: start(ev, self),
                "on_resp": self.on_resp,
                "stop": self.stop,
            },
        )

    def on_resp(self, ev: Event) -> None:
        (rid,) = ev.arg1.callback_args
        self.answers.setdefault(rid, []).append(ev.arg1.error)
        self.alive_at_answer.append(ev.session.alive and not ev.session.stopping)

    def stop(self, ev: Event) -> None:
        ev.kernel.stop()

    def check_exactly_once(self) -> None:
        assert set(self.answers) == self.accepted
        assert all(len(a) == 1 for a in self.answers.values()), self.answers
        assert all(self.alive_at_answer)


def _post_everything(ev: Event, client: Client, aliases: list[str], n: int) -> None:
    """Gets, walks, bulkwalks and tables to each alias: more than MaxInFlight, so some
    are queued in the component."""
    for alias in aliases:
        for i in range(n):
            rid = client.next_id = client.next_id + 1
            cmd: tuple[Any, ...] = [
                ("get", SYSNAME),
                ("walk", ".1.3.6.1.2.1.1"),
                ("bulkwalk", 0, 10, ".1.3.6.1.2.1.2"),
                ("table", "ifTable"),
            ][i % 4]
            if ev.kernel.post(alias, cmd[0], "on_resp", *cmd[1:], callback_args=[rid]):
                client.accepted.add(rid)


@pytest.fixture
def dead_agents() -> Iterator[list[int]]:
    socks = _silent_ports(3)
    try:
        yield [s.getsockname()[1] for s in socks]
    finally:
        for sock in socks:
            sock.close()


def _components(kernel: Kernel, ports: list[int], **create: Any) -> list[str]:
    aliases = []
    for i, port in enumerate(ports):
        aliases.append(f"dead{i}")
        options = {"Version": 2, "Timeout": 5_000_000, "Retries": 0, "MaxInFlight": 3}
        SNMPComponent.create(
            kernel, Alias=f"dead{i}", DestHost="127.0.0.1", RemotePort=port, **{**options, **create}
        )
    return aliases


@pytest.mark.parametrize("version", [2, 3])
def test_kernel_stop_answers_every_poe_request_in_flight_queued_or_on_its_way(
    dead_agents: list[int], version: int, caplog: Any
) -> None:
    kernel = Kernel()
    v3 = {"SecName": "u", "SecLevel": "authPriv", "AuthProto": "SHA", "AuthPass": "authpass1"}
    v3 |= {"PrivProto": "AES", "PrivPass": "privpass1"}
    aliases = _components(kernel, dead_agents, Version=version, **(v3 if version == 3 else {}))

    def start(ev: Event, client: Client) -> None:
        _post_everything(ev, client, aliases, 10)
        ev.kernel.delay("later", 0.2)

    def later(ev: Event) -> None:
        _post_everything(ev, client, aliases, 3)  # still in the kernel's queue at stop()
        ev.kernel.stop()

    client = Client(kernel, start)
    client.session.set_state("later", later)
    with caplog.at_level(logging.WARNING):
        asyncio.run(asyncio.wait_for(kernel.run_async(), 10))
    client.check_exactly_once()
    assert len(client.accepted) == 39
    errors_ = [a[0] for a in client.answers.values()]
    assert all(isinstance(e, errors.ShutdownError) for e in errors_), errors_
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_cancelling_the_task_that_runs_the_kernel_answers_every_request(
    dead_agents: list[int], caplog: Any
) -> None:
    kernel = Kernel()
    aliases = _components(kernel, dead_agents)
    client = Client(kernel, lambda ev, c: _post_everything(ev, c, aliases, 10))

    async def main() -> None:
        task = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    with caplog.at_level(logging.WARNING):
        asyncio.run(asyncio.wait_for(main(), 10))
    client.check_exactly_once()
    assert len(client.accepted) == 30
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_a_stop_with_answers_of_a_live_agent_arriving_late_answers_once(
    snmpd: SnmpdAgent, caplog: Any
) -> None:
    """Replies that arrive after stop() answered their requests are dropped quietly."""
    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="live", DestHost="127.0.0.1", RemotePort=snmpd.port,
                         Version=2, MaxInFlight=50)  # fmt: skip

    def start(ev: Event, client: Client) -> None:
        for rid in range(200):
            if ev.kernel.post("live", "get", "on_resp", SYSNAME, callback_args=[rid]):
                client.accepted.add(rid)
        ev.kernel.post(ev.session, "stop")

    client = Client(kernel, start)
    with caplog.at_level(logging.WARNING):
        asyncio.run(asyncio.wait_for(kernel.run_async(), 10))
    client.check_exactly_once()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


def test_a_cancelled_awaitable_is_withdrawn_at_once(silent_port: int, snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        kernel = Kernel()
        dead = SNMPComponent.create(
            kernel, Alias="dead", DestHost="127.0.0.1", RemotePort=silent_port, Version=2,
            Timeout=5_000_000,
        )  # fmt: skip
        for _ in range(40):
            with pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(dead.get(SYSNAME), 0.01)
        assert (dead.pending, dead.in_flight, dead.queued) == (0, 0, 0)
        # Its slots are free: a new request goes on the wire at once (and times out).
        dead2 = SNMPComponent.create(kernel, Alias="dead2", DestHost="127.0.0.1",
                                     RemotePort=silent_port, Version=2, Timeout=100_000,
                                     Retries=0)  # fmt: skip
        t0 = time.monotonic()
        with pytest.raises(errors.SNMPTimeoutError):
            await dead2.get(SYSNAME)
        assert time.monotonic() - t0 < 1.0
        dead.finish()
        dead2.finish()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_a_cancelled_awaitable_in_flight_frees_its_slot_and_its_reply_is_dropped(
    snmpd: SnmpdAgent, caplog: Any
) -> None:
    """MaxInFlight=1: cancelling the request on the wire lets the next one go now; the
    reply to the cancelled one, when it comes, is dropped without a word."""

    async def main() -> None:
        kernel = Kernel()
        snmp = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=snmpd.port,
                                    Version=2, MaxInFlight=1)  # fmt: skip
        first = asyncio.ensure_future(snmp.get(SYSNAME))
        second = asyncio.ensure_future(snmp.get(SYSNAME))
        await asyncio.sleep(0)
        assert (snmp.in_flight, snmp.queued) == (1, 1)
        first.cancel()
        await asyncio.sleep(0)
        assert (snmp.in_flight, snmp.queued, snmp.pending) == (1, 0, 1)
        assert (await second)[0].val == "anchor-agent"
        await asyncio.sleep(0.1)  # the cancelled request's reply has come and gone
        assert snmp.pending == 0
        snmp.finish()

    with caplog.at_level(logging.WARNING):
        asyncio.run(asyncio.wait_for(main(), 20))
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text


@pytest.mark.usefixtures("slow_resolver")
def test_name_resolution_counts_against_the_request_time() -> None:
    got: list[Any] = []
    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="router.slow.test", Version=2, Timeout=100_000,
                         Retries=1)  # fmt: skip

    def start(ev: Event) -> None:
        for _ in range(3):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)

    def on_resp(ev: Event) -> None:
        got.append((ev.arg1.error, time.monotonic() - t0))
        if len(got) == 3:
            ev.kernel.post("snmp", "finish")

    t0 = time.monotonic()
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    kernel.run()
    assert len(got) == 3
    assert all(isinstance(e, errors.SNMPTimeoutError) for e, _ in got)
    assert max(t for _, t in got) < 1.0  # 2 x 100 ms, not the resolver's 3 s
    assert time.monotonic() - t0 < 1.5  # and run() did not wait for the resolver thread


@pytest.mark.usefixtures("slow_resolver")
def test_a_failed_resolution_answers_a_long_queue_without_stalling_the_loop() -> None:
    """20,000 requests waiting for an address that cannot be resolved: each gets one
    TransportError, and the loop's thread never works more than 20 ms between two ticks
    of a ticker task (thread CPU time: a busy machine does not count)."""
    total = 20_000
    got: list[Any] = []
    meter = StallMeter()
    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="router.fail.test", Version=2, MaxInFlight=100,
                         Timeout=10_000_000)  # fmt: skip

    def more(ev: Event) -> None:  # posts in chunks, as a well-behaved poller does
        for _ in range(1000):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        if ev.arg0 > 1:
            ev.kernel.yield_("more", ev.arg0 - 1)

    def on_resp(ev: Event) -> None:
        got.append(type(ev.arg1.error))
        if len(got) == total:
            ev.kernel.post("snmp", "finish")

    async def main() -> None:
        task = asyncio.ensure_future(meter.ticker(lambda: len(got) >= total))
        Session.create(kernel, inline_states={
            "_start": lambda ev: ev.kernel.yield_("more", total // 1000),
            "more": more,
            "on_resp": on_resp,
        })  # fmt: skip
        await kernel.run_async()
        await task

    with paused_gc():
        asyncio.run(asyncio.wait_for(main(), 30))
    assert got == [errors.TransportError] * total
    meter.check()


def test_thousands_of_timeouts_at_once_do_not_stall_the_loop(silent_port: int) -> None:
    """40,000 requests sent together to a dead agent time out in the same instant: their
    callbacks run in slices, never holding the loop's thread for 20 ms."""
    total = 40_000
    got: list[Any] = []
    meter = StallMeter()
    kernel = Kernel()
    SNMPComponent.set_kernel_limit(kernel, total)
    SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=silent_port, Version=2,
                         Timeout=2_000_000, Retries=0, MaxInFlight=total)  # fmt: skip

    def start(ev: Event) -> None:
        for _ in range(total):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)

    def on_resp(ev: Event) -> None:
        got.append(type(ev.arg1.error))
        if len(got) == total:
            ev.kernel.post("snmp", "finish")

    async def main() -> None:
        Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
        run = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(1.5)  # every request is on the wire: measure the expiry
        await meter.ticker(lambda: len(got) >= total)
        await run

    with paused_gc():
        asyncio.run(asyncio.wait_for(main(), 30))
    assert got == [errors.SNMPTimeoutError] * total
    meter.check()


@pytest.mark.usefixtures("slow_resolver")
def test_stop_during_resolution_answers_and_does_not_wait_for_the_resolver() -> None:
    got: list[Any] = []
    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="router.slow.test", Version=2)

    def start(ev: Event) -> None:
        ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        ev.kernel.delay("stop", 0.1)

    Session.create(kernel, inline_states={
        "_start": start,
        "on_resp": lambda ev: got.append(ev.arg1.error),
        "stop": lambda ev: ev.kernel.stop(),
    })  # fmt: skip
    t0 = time.monotonic()
    kernel.run()
    assert time.monotonic() - t0 < 1.0
    assert len(got) == 1 and isinstance(got[0], errors.ShutdownError)


def test_running_out_of_file_descriptors_is_a_resource_error_not_bad_input() -> None:
    """A real EMFILE (a child process with a low descriptor limit) while the MIB index
    loads for the first name: a ResourceError, never a ConfigurationError."""
    code = textwrap.dedent(
        """
        import asyncio, resource
        from snmp_component import Kernel, SNMPComponent, errors

        async def main():
            soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
            resource.setrlimit(resource.RLIMIT_NOFILE, (64, hard))
            hold = []
            try:
                while True:
                    hold.append(open("/dev/null"))
            except OSError:
                pass
            snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=2)
            try:
                await snmp.get("sysDescr.0")
            except errors.SNMPError as exc:
                print(type(exc).__name__, isinstance(exc, errors.ConfigurationError))

        asyncio.run(main())
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.split() == ["ResourceError", "False"], out.stdout + out.stderr
