"""The fleet with real processes against hundreds of loopback agents (127.0.0.2...).

The agents run in a helper process (:class:`~snmp_component.fleet.farm.AgentFarm`) that logs
every request with its source port: each shard has its own socket, so the port says which
shard (incarnation) polled a target.
"""

from __future__ import annotations

import asyncio
import functools
import os
import signal
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from snmp_component import errors
from snmp_component._core import ber
from snmp_component.fleet import (
    CycleOverrun,
    Fleet,
    Record,
    ShardLost,
    TargetQuarantined,
)
from snmp_component.fleet.farm import AgentFarm
from snmp_component.testing.snmpd import SnmpdAgent
from tests.fleet import polls
from tests.fleet.checks import (
    check_v3_affinity,
    one_per_pair,
    ports_by_host,
    requests_between,
    wait_for,
)

TARGETS = 200


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentFarm]:
    log = tmp_path_factory.mktemp("farm") / "requests.log"
    with AgentFarm(TARGETS, log=log, set_delay=2.0) as agents:
        yield agents


@pytest.mark.asyncio
async def test_steady_state(farm: AgentFarm) -> None:
    """2 shards, 200 targets, 5 cycles: one ok record per (target, cycle), each target
    polled by one shard only (one source port), at its slot."""
    start = time.time()
    async with Fleet(farm.targets(), polls.uptime, interval=1.0, workers=2, cycles=5) as fleet:
        assignment = fleet.assignment()
        records = [r async for r in fleet.results()]
    end = time.time()
    keys = fleet.targets()
    one_per_pair(records, keys, 5)
    assert all(r.ok and isinstance(r.value, int) for r in records), [
        r for r in records if not r.ok
    ][:3]
    assert all(r.shard == assignment[r.target] and r.epoch == 1 for r in records)
    assert set(assignment.values()) == {0, 1}
    # the agents' view: every target polled 5 times, from one port, the ports per shard
    lines = requests_between(farm, start, end)
    ports = ports_by_host(lines)
    assert len(ports) == TARGETS and all(len(p) == 1 for p in ports.values())
    port_of_shard: dict[int | None, set[int]] = defaultdict(set)
    for key in keys:
        port_of_shard[assignment[key]] |= ports[key[0]]
    assert len(port_of_shard[0]) == 1 and len(port_of_shard[1]) == 1
    assert port_of_shard[0] != port_of_shard[1]
    gets = Counter(host for host, _p, pdu, _r, _w in lines if pdu == ber.GET_REQUEST)
    assert set(gets.values()) == {5}
    # each poll went out at its slot: t0 + c * interval + h(t) mod interval
    wall = time.time() - time.monotonic()
    late = []
    for key in keys:
        slot = fleet.t0 + wall + fleet._targets[fleet._by_key[key]].offset
        times = sorted(w for h, _p, pdu, _r, w in lines if h == key[0] and pdu == ber.GET_REQUEST)
        late += [abs(when - (slot + c)) for c, when in enumerate(times)]
    assert max(late) < 0.25, max(late)
    assert sum(late) / len(late) < 0.05


@pytest.mark.asyncio
async def test_kill_mid_cycle_and_set_safety(farm: AgentFarm) -> None:
    """SIGKILL shard 1 in cycle 2 with a SET in flight: ShardLost once for its open
    pairs and for the SET (sent once, never again), restart with epoch 2 and the same
    targets, no target polled by two shards, shard 0 unaffected."""
    cycles = 6
    start = time.time()
    async with Fleet(farm.targets(), polls.uptime, interval=1.0, workers=2, cycles=cycles) as fleet:
        info = fleet.shard_info()
        victim_pid = info[1]["pid"]
        set_target = sorted(info[1]["targets"])[0]
        get_target = sorted(info[0]["targets"])[0]
        (name,) = await fleet.request(get_target, "get", "sysName.0")
        assert name.val == "demo-agent"
        records: list[Record] = []

        async def consume() -> None:
            records.extend([record async for record in fleet.results()])

        consumer = asyncio.ensure_future(consume())
        await asyncio.sleep(fleet.t0 + 2.5 - time.monotonic())  # mid cycle 2
        setting = asyncio.ensure_future(
            fleet.request(set_target, "set", ["sysContact", 0, "fleet", "OCTETSTR"])
        )
        await asyncio.sleep(0.3)  # the agent holds SETs for 2 s: in flight now
        killed_at = time.monotonic()
        os.kill(victim_pid, signal.SIGKILL)
        with pytest.raises(ShardLost):
            await setting
        await wait_for(lambda: fleet.shard_info()[1]["state"] == "live", 10)
        restarted_in = time.monotonic() - killed_at
        after = fleet.shard_info()
        assert after[1]["epoch"] == 2 and after[1]["pid"] != victim_pid
        assert after[1]["targets"] == info[1]["targets"]
        assert after[0]["epoch"] == 1 and after[0]["pid"] == info[0]["pid"]
        await consumer
    end = time.time()
    assert restarted_in < 2.0
    keys = fleet.targets()
    one_per_pair(records, keys, cycles)
    lost = [r for r in records if not r.ok]
    assert lost and all(isinstance(r.error, ShardLost) for r in lost), lost[:3]
    assert {r.target for r in lost} <= info[1]["targets"]
    assert all(r.shard == 1 and r.epoch == 1 for r in lost)
    # every shard-1 target lost at most the cycles around the kill, and is back after it
    per_target = Counter(r.target for r in lost)
    assert max(per_target.values()) <= 2
    assert all(r.ok and r.epoch == 2 for r in records if r.shard == 1 and r.cycle == cycles - 1)
    assert all(r.ok for r in records if r.target in info[0]["targets"])
    # the agents' view: shard 0's targets from one port; shard 1's from its two
    # incarnations' ports, never shard 0's; the SET went out exactly once
    lines = requests_between(farm, start, end)
    ports = ports_by_host(lines)
    ports0 = set().union(*(ports[k[0]] for k in info[0]["targets"]))
    ports1 = set().union(*(ports[k[0]] for k in info[1]["targets"]))
    assert len(ports0) == 1 and len(ports1) == 2 and not ports0 & ports1
    sets = [line for line in lines if line[2] == ber.SET_REQUEST]
    assert [line[0] for line in sets] == [set_target[0]]


@pytest.mark.asyncio
async def test_snmpv3_state_stays_in_its_shard(snmpd: SnmpdAgent) -> None:
    await check_v3_affinity(snmpd)


@pytest.mark.asyncio
async def test_crash_loop_gives_up_and_moves_only_its_targets(farm: AgentFarm) -> None:
    """A poll that kills its shard (os._exit) for one poison target: the shard is given up
    after max_restarts; only its targets move (rendezvous over the other ids); the poison
    target is quarantined, so it does not take the next shard down."""
    targets = farm.targets()[:40]
    probe = Fleet(targets, polls.uptime, interval=1.0, workers=2)
    before = probe.assignment()
    poison_key = sorted(k for k, s in before.items() if s == 1)[0]
    poll = functools.partial(polls.poison, poison_key[0])
    cycles = 7
    async with Fleet(
        targets, poll, interval=1.0, workers=2, cycles=cycles, max_restarts=2,
        restart_window=30.0, backoff=(0.05, 0.2),
    ) as fleet:  # fmt: skip
        records = [r async for r in fleet.results()]
        after = fleet.assignment()
    one_per_pair(records, fleet.targets(), cycles)
    assert fleet.stats.given_up == [1] and fleet.stats.restarts == 2
    assert after[poison_key] is None
    for key in before:
        if key != poison_key:
            assert after[key] == 0  # shard 0 kept its own, and got shard 1's
    poisoned = [r for r in records if r.target == poison_key]
    assert all(not r.ok for r in poisoned)
    assert isinstance(poisoned[-1].error, TargetQuarantined)
    # shard 0's own targets never missed a cycle; the moved ones are ok at the end
    assert all(r.ok for r in records if before[r.target] == 0)
    last = [r for r in records if r.cycle == cycles - 1 and r.target != poison_key]
    assert all(r.ok and r.shard == 0 for r in last)


@pytest.mark.asyncio
async def test_overrun_is_reported_not_stacked(farm: AgentFarm) -> None:
    """A poll slower than the interval: that target's records are CycleOverrun ("missed"),
    one per cycle; its polls never overlap; the others are ok."""
    targets = farm.targets()[:20]
    slow = targets[3]["DestHost"].split(":")[0]
    poll = functools.partial(polls.sleepy, slow, 1.5)
    async with Fleet(targets, poll, interval=0.5, workers=2, cycles=4) as fleet:
        records = [r async for r in fleet.results()]
    one_per_pair(records, fleet.targets(), 4)
    slow_records = [r for r in records if r.target[0] == slow]
    assert all(isinstance(r.error, CycleOverrun) for r in slow_records)
    assert all(r.status == "missed" for r in slow_records)
    assert all(r.ok for r in records if r.target[0] != slow)


@pytest.mark.asyncio
async def test_slow_consumer_meets_bounded_buffers(farm: AgentFarm) -> None:
    """A consumer that stalls: the record queue stays bounded (shards wait for credit and
    skip slots), the stalled cycles come out as missed, still one record per pair."""
    buffer, batch_max, window = 40, 16, 2
    cycles = 8
    async with Fleet(
        farm.targets(), polls.uptime, interval=0.5, workers=2, cycles=cycles,
        buffer=buffer, batch_max=batch_max, window=window,
    ) as fleet:  # fmt: skip
        records: list[Record] = []
        peak = 0
        results = fleet.results()
        async for record in results:
            records.append(record)
            if len(records) == 10:  # stall for 2.5 s (5 cycles) while polls go on
                for _ in range(50):
                    await asyncio.sleep(0.05)
                    peak = max(peak, len(fleet._queue))
                    owed = sum(len(runs) for runs in fleet._owed.values())
                    assert owed <= TARGETS * 2
    assert peak <= buffer + 2 * window * batch_max
    one_per_pair(records, fleet.targets(), cycles)
    statuses = Counter(r.status for r in records)
    assert statuses["missed"] > TARGETS and statuses["ok"] > TARGETS, statuses
    assert set(statuses) <= {"ok", "missed"}


@pytest.mark.asyncio
async def test_request_errors(farm: AgentFarm) -> None:
    targets = farm.targets()[:4]
    async with Fleet(targets, polls.uptime, interval=5.0, workers=2) as fleet:
        key = fleet.targets()[0]
        varlist = await fleet.request(key, "get", "sysName.0", "sysLocation.0")
        assert [vb.val for vb in varlist] == ["demo-agent", "loopback"]
        (walked,) = await fleet.request(targets[1], "bulkwalk", 0, 10, "system")
        assert len(walked) == 7
        with pytest.raises(errors.ConfigurationError):
            await fleet.request(key, "frobnicate")
        with pytest.raises(errors.UnknownObjectError):
            await fleet.request(key, "get", "noSuchName.0")
    with pytest.raises(errors.ShutdownError):
        await fleet.request(key, "get", "sysName.0")


@pytest.mark.asyncio
async def test_reads_are_retried_only_when_asked(farm: AgentFarm) -> None:
    """A request to a shard that is down: ShardLost; with retry_reads a GET waits for the
    restart and is answered, a SET is still never sent."""
    targets = farm.targets()[:8]
    async with Fleet(targets, polls.uptime, interval=5.0, workers=2, backoff=(0.3, 0.5)) as fleet:
        info = fleet.shard_info()
        key = sorted(info[1]["targets"])[0]
        os.kill(info[1]["pid"], signal.SIGKILL)
        await wait_for(lambda: fleet.shard_info()[1]["state"] != "live", 5)
        with pytest.raises(ShardLost):
            await fleet.request(key, "get", "sysName.0")
        with pytest.raises(ShardLost):
            await fleet.request(key, "set", ["sysContact", 0, "x", "OCTETSTR"], retry_reads=True)
        (name,) = await fleet.request(key, "get", "sysName.0", retry_reads=True)
        assert name.val == "demo-agent"
        assert fleet.shard_info()[1]["epoch"] == 2


def test_poll_must_be_importable(tmp_path: Path) -> None:
    async def local(snmp: object) -> None:
        return None

    with pytest.raises(errors.ConfigurationError, match="importable"):
        Fleet([{"DestHost": "127.0.0.2"}], local)
    with pytest.raises(errors.ConfigurationError, match="twice"):
        Fleet([{"DestHost": "127.0.0.2"}, {"DestHost": "127.0.0.2:161"}], polls.uptime)
