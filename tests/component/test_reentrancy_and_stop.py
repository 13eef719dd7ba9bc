"""Re-entrancy and stopping: answers whose callbacks withdraw other requests, a hung
resolver's queue timing out, a component stopped on its own, a lookup outliving its loop.

Each case was found by a review of the request path and failed before its fix."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors

from ..stall import StallMeter, paused_gc

SYSNAME = ".1.3.6.1.2.1.1.5.0"


@pytest.mark.usefixtures("slow_resolver")
def test_requests_waiting_for_a_hung_resolver_time_out_without_stalling_the_loop() -> None:
    """20,000 requests wait for an address that does not come; their time runs out while
    the loop was held up elsewhere (a sleep: no CPU, not counted). They are answered with
    timeouts in slices, like every mass answer, not in one loop turn."""
    total = 20_000
    got: list[Any] = []
    meter = StallMeter()
    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="router.slow.test", Version=2, Timeout=300_000,
                         Retries=0)  # fmt: skip

    def start(ev: Event) -> None:
        for _ in range(total):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        ev.kernel.delay("busy", 0.25)

    def on_resp(ev: Event) -> None:
        got.append(type(ev.arg1.error))
        if len(got) == total:
            ev.kernel.post("snmp", "finish")

    async def main() -> None:
        Session.create(kernel, inline_states={
            "_start": start,
            "on_resp": on_resp,
            "busy": lambda ev: time.sleep(0.4),  # another library's blocking call, say
        })  # fmt: skip
        run = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(0.2)  # every request is accepted and waits for the address
        await meter.ticker(lambda: len(got) >= total)
        await run

    with paused_gc():
        asyncio.run(asyncio.wait_for(main(), 30))
    assert got == [errors.SNMPTimeoutError] * total
    meter.check()


@pytest.mark.usefixtures("slow_resolver")
def test_withdrawals_inside_an_answer_do_not_corrupt_the_queue_counters() -> None:
    """submit_callback's notify withdraws many other queued requests (re-entrancy) while
    a failed lookup's answers are being given from the queue: every request still ends
    once, and the queue's counters stay true (no compaction under the loop walking it)."""

    async def main() -> None:
        kernel = Kernel()
        snmp = SNMPComponent.create(kernel, DestHost="router.fail.test", Version=2,
                                    Timeout=10_000_000)  # fmt: skip
        actor = snmp._actor
        answers: dict[int, list[Any]] = {}
        jobs: list[Any] = []

        def notify_of(i: int) -> Any:
            def notify(result: Any, error: Any) -> None:
                answers.setdefault(i, []).append(error)
                if len(answers) >= 100:
                    hundred.set()
                if i == 0:  # the first answer takes back the last 100 requests
                    for job in jobs[100:]:
                        actor.withdraw(job)

            return notify

        hundred = asyncio.Event()
        jobs.extend(actor.submit_callback("get", (SYSNAME,), notify_of(i)) for i in range(200))
        await hundred.wait()
        await asyncio.sleep(0.05)
        assert sorted(answers) == list(range(100))
        assert all(len(a) == 1 for a in answers.values())
        assert (snmp.pending, snmp.queued, snmp.in_flight) == (0, 0, 0), (
            snmp.pending, snmp.queued, actor._withdrawn, len(actor.queue))  # fmt: skip
        snmp.finish()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_stop_session_of_a_component_answers_its_poe_requests(
    silent_port: int, caplog: Any
) -> None:
    """kernel.stop_session(component) while POE requests are in flight: each gets its
    ShutdownError by direct call from the component's _stop (a post from there would be
    refused)."""
    kernel = Kernel()
    SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=silent_port, Version=2,
                         Timeout=5_000_000, Retries=0)  # fmt: skip
    got: list[Any] = []

    def start(ev: Event) -> None:
        for _ in range(3):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        ev.kernel.delay("kill", 0.1)

    def kill(ev: Event) -> None:
        assert ev.kernel.stop_session("snmp")

    Session.create(kernel, inline_states={
        "_start": start,
        "on_resp": lambda ev: got.append(ev.arg1.error),
        "kill": kill,
    })  # fmt: skip
    with caplog.at_level(logging.WARNING):
        asyncio.run(asyncio.wait_for(kernel.run_async(), 10))
    assert len(got) == 3, caplog.text
    assert all(isinstance(e, errors.ShutdownError) for e in got)


@pytest.mark.usefixtures("slow_resolver")
def test_finish_after_the_loop_closed_with_a_lookup_pending_is_clean(caplog: Any) -> None:
    """The awaitable API without kernel.run(): a request withdrawn while the name resolves,
    the loop closes, then finish(): the pending lookup is abandoned without scheduling
    anything on the closed loop, and _stop runs to its end."""
    holder: dict[str, Any] = {}

    async def main() -> None:
        snmp = holder["snmp"] = SNMPComponent.create(Kernel(), DestHost="router.slow.test",
                                                     Version=2)  # fmt: skip
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(snmp.get(SYSNAME), 0.05)

    asyncio.run(main())
    with caplog.at_level(logging.WARNING):
        holder["snmp"].finish()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
