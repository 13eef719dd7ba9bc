"""The fleet as a POE component (:class:`~snmp_component.fleet.FleetComponent`), with real
shard processes against loopback agents (:class:`~snmp_component.fleet.farm.AgentFarm`)."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from snmp_component.errors import ConfigurationError, ShutdownError, SNMPError
from snmp_component.fleet import FleetComponent, Record, TargetKey
from snmp_component.fleet.farm import AgentFarm
from snmp_component.kernel import Event, Kernel, Session
from tests.fleet import polls

TARGETS = 30
SET_VARBIND = ["sysContact", 0, "fleet", "OCTETSTR"]


@pytest.fixture(scope="module")
def farm() -> Iterator[AgentFarm]:
    with AgentFarm(TARGETS, set_delay=3.0) as agents:
        yield agents


def one_per_pair(records: list[Record], keys: list[TargetKey], cycles: int) -> None:
    """Exactly one record per (target, cycle), for every target and cycle."""
    pairs = Counter((r.target, r.cycle) for r in records)
    assert max(pairs.values()) == 1, [p for p, n in pairs.items() if n > 1][:5]
    assert set(pairs) == {(k, c) for k in keys for c in range(cycles)}


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def create(kernel: Kernel, farm: AgentFarm, **options: Any) -> FleetComponent:
    return FleetComponent.create(
        kernel, targets=farm.targets(), poll=polls.uptime, interval=1.0, workers=2, **options
    )


class Subscriber:
    """A session that subscribes in ``_start`` and keeps every record (and its sender)."""

    def __init__(self, kernel: Kernel, alias: str = "fleet") -> None:
        self.alias = alias
        self.records: list[Record] = []
        self.senders: set[Session | None] = set()
        self.session = Session.create(
            kernel, inline_states={"_start": self.start, "on_record": self.on_record}
        )

    def start(self, ev: Event) -> None:
        assert ev.kernel.post(self.alias, "subscribe", "on_record")

    def on_record(self, ev: Event) -> None:
        assert isinstance(ev.arg0, Record)
        self.records.append(ev.arg0)
        self.senders.add(ev.sender)


def test_every_subscriber_gets_every_record(farm: AgentFarm) -> None:
    """Two subscribers, 2 cycles: each gets exactly one record event per (target, cycle),
    from the fleet session; the kernel returns after the last one."""
    kernel = Kernel()
    component = create(kernel, farm, cycles=2)
    a, b = Subscriber(kernel), Subscriber(kernel)
    start = time.monotonic()
    kernel.run()
    assert time.monotonic() - start < 15
    keys = component.fleet.targets()
    for sub in (a, b):
        one_per_pair(sub.records, keys, 2)
        assert all(r.ok for r in sub.records), [r for r in sub.records if not r.ok][:3]
        assert sub.senders == {component.session}
    assert component.fleet.stats.records == 2 * TARGETS
    assert component.done and component.error is None and not component.subscribers
    assert not kernel.sessions


def test_unsubscribe_stops_events(farm: AgentFarm) -> None:
    """A subscriber that unsubscribes at its first record gets nothing of cycle 1, and is
    no longer held alive; the other keeps getting everything."""
    kernel = Kernel()
    component = create(kernel, farm, cycles=2)
    quitter_alive_in_cycle_1: list[bool] = []

    def quit_at_first(ev: Event) -> None:
        quitter.records.append(ev.arg0)
        if len(quitter.records) == 1:
            assert ev.kernel.post("fleet", "unsubscribe", "on_record")

    quitter = Subscriber(kernel)
    quitter.session.set_state("on_record", quit_at_first)

    def stay(ev: Event) -> None:
        stayer.records.append(ev.arg0)
        if ev.arg0.cycle == 1:
            quitter_alive_in_cycle_1.append(quitter.session.alive)

    stayer = Subscriber(kernel)
    stayer.session.set_state("on_record", stay)
    kernel.run()
    one_per_pair(stayer.records, component.fleet.targets(), 2)
    assert quitter.records and all(r.cycle == 0 for r in quitter.records)
    assert len(quitter.records) < TARGETS
    assert quitter_alive_in_cycle_1 and not any(quitter_alive_in_cycle_1)


def test_request_answered_once_and_finish_drains(farm: AgentFarm) -> None:
    """Requests (posted before the shards are up) get exactly one answer each, errors
    included; ``finish`` after cycle 0 delivers every record the fleet yielded, the shards
    exit cleanly, and ``kernel.run()`` returns."""
    kernel = Kernel()
    component = create(kernel, farm)  # no cycles: only finish ends it
    keys = component.fleet.targets()
    answers: list[tuple[Any, SNMPError | None]] = []
    records: list[Record] = []
    finished: list[float] = []

    def start(ev: Event) -> None:
        ev.kernel.post("fleet", "subscribe", "on_record")
        ev.kernel.post("fleet", "request", "on_answer", keys[0], "get", "sysName.0")
        ev.kernel.post("fleet", "request", "on_answer", keys[1], "frobnicate")
        ev.kernel.post("fleet", "request", "on_answer", ("192.0.2.1", 161, "public"), "get")
        ev.kernel.post("fleet", "request", "on_answer")  # no target, no method

    def on_answer(ev: Event) -> None:
        assert ev.sender is component.session
        answers.append((ev.arg0, ev.arg1))

    def on_record(ev: Event) -> None:
        records.append(ev.arg0)
        cycle0 = {r.target for r in records if r.cycle == 0}
        if len(cycle0) == TARGETS and not finished:
            finished.append(time.monotonic())
            assert ev.kernel.post("fleet", "finish")

    Session.create(
        kernel, inline_states={"_start": start, "on_answer": on_answer, "on_record": on_record}
    )
    start_time = time.monotonic()
    kernel.run()
    assert time.monotonic() - start_time < 15
    assert len(answers) == 4
    ok = [value for value, error in answers if error is None]
    assert len(ok) == 1 and ok[0][0].val  # the sysName
    errors = [type(e) for _v, e in answers if e is not None]
    assert errors.count(ConfigurationError) == 3, errors
    # finish: every record the fleet produced reached the subscriber, once
    assert finished and component.done and component.finishing
    assert len(records) == component.fleet.stats.records
    pairs = Counter((r.target, r.cycle) for r in records)
    assert max(pairs.values()) == 1
    assert {k for k, c in pairs if c == 0} == set(keys)
    assert all(info["state"] == "stopped" for info in component.fleet.shard_info().values())
    assert not kernel.sessions


def test_kernel_stop_kills_shards_and_answers_requests(farm: AgentFarm) -> None:
    """``kernel.stop()`` with a SET in flight: the SET is answered once (ShutdownError),
    ``run()`` returns, and no shard process outlives the kernel."""
    kernel = Kernel()
    component = create(kernel, farm)
    keys = component.fleet.targets()
    pids: list[int] = []
    answers: list[tuple[Any, SNMPError | None]] = []

    def start(ev: Event) -> None:
        ev.kernel.post("fleet", "subscribe", "on_record")
        ev.kernel.post("fleet", "request", "on_answer", keys[2], "set", SET_VARBIND)

    def on_record(ev: Event) -> None:
        if not pids:
            pids.extend(
                info["pid"] for info in component.fleet.shard_info().values() if info["pid"]
            )
            ev.kernel.delay_set("stop", 0.3)  # the SET (held 3 s by the agent) is in flight

    def on_answer(ev: Event) -> None:
        answers.append((ev.arg0, ev.arg1))

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "on_record": on_record,
            "on_answer": on_answer,
            "stop": lambda ev: ev.kernel.stop(),
        },
    )
    start_time = time.monotonic()
    kernel.run()
    assert time.monotonic() - start_time < 10
    assert len(pids) == 2
    deadline = time.monotonic() + 3.0
    while not all(gone(pid) for pid in pids):
        assert time.monotonic() < deadline, "a shard outlived the kernel"
        time.sleep(0.02)
    assert len(answers) == 1 and answers[0][0] is None
    assert isinstance(answers[0][1], ShutdownError)
    assert component.killed and not kernel.sessions


def test_create_checks() -> None:
    """A taken alias and bad fleet arguments are refused at create()."""
    kernel = Kernel()
    targets = [{"DestHost": "127.0.0.2"}]
    FleetComponent.create(kernel, targets=targets, poll=polls.uptime, interval=1.0, workers=1)
    with pytest.raises(ConfigurationError):
        FleetComponent.create(kernel, targets=targets, poll=polls.uptime)
    with pytest.raises(ConfigurationError):
        FleetComponent.create(kernel, Alias="other", targets=targets, poll=polls.uptime, interval=0)
    kernel.stop()
    assert not kernel.sessions
