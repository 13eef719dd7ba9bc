"""The fleet on a real Ray cluster (a head and a second node, separate processes on this
machine): the same guarantees as on one machine when a shard's actor process is killed
and when a whole node is lost. The README's test command installs Ray; without it (a
developer's own environment) these tests are skipped, except under CI."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from snmp_component._core import ber
from snmp_component.fleet import Fleet, FleetError, Record, ShardLost
from snmp_component.fleet.farm import AgentFarm, LogLine
from snmp_component.testing.snmpd import SnmpdAgent
from tests.fleet import polls
from tests.fleet.checks import (
    check_v3_affinity,
    one_per_pair,
    ports_by_host,
    requests_between,
    wait_for,
)

if not os.environ.get("CI"):
    pytest.importorskip("ray")

from snmp_component.testing.ray_cluster import RayCluster

TARGETS = 210


@pytest.fixture(scope="module")
def cluster() -> Iterator[RayCluster]:
    with RayCluster(head_cpus=3, node_cpus=2) as ray_cluster:
        yield ray_cluster


@pytest.fixture(scope="module")
def farm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentFarm]:
    log = tmp_path_factory.mktemp("farm") / "requests.log"
    with AgentFarm(TARGETS, first="127.0.2.2", log=log, set_delay=2.0) as agents:
        yield agents


def one_live_poller(lines: list[LogLine], shard_of: dict[str, int]) -> None:
    """No target was polled by two live shards: each shard's ports (one per incarnation)
    are its own, and one shard's incarnations polled one after the other."""
    spans: dict[int, dict[int, list[float]]] = defaultdict(dict)
    for host, port, pdu, _req, when in lines:
        if pdu == ber.GET_REQUEST:
            span = spans[shard_of[host]].setdefault(port, [when, when])
            span[0], span[1] = min(span[0], when), max(span[1], when)
    owners: dict[int, set[int]] = defaultdict(set)
    for shard, ports in spans.items():
        for port in ports:
            owners[port].add(shard)
        ordered = sorted(ports.values())
        for before, after in itertools.pairwise(ordered):
            assert before[1] < after[0], f"shard {shard}: two incarnations polled at once"
    assert all(len(shards) == 1 for shards in owners.values()), owners


@pytest.mark.asyncio
async def test_ray_kill_actor_then_node(cluster: RayCluster, farm: AgentFarm) -> None:
    """3 shards spread over 2 nodes, 210 targets, 12 cycles. SIGKILL one shard's actor
    process in cycle 1, then the whole second node in cycle 4 with a SET in flight there:
    one record per (target, cycle), ShardLost only for the dead shards' open cycles,
    the same shard ids back with the same targets (after the node loss: on the head),
    the SET sent once and answered ShardLost, no target polled by two live shards."""
    cycles = 12
    start = time.time()
    async with Fleet(
        farm.targets(), polls.uptime, interval=1.0, workers=3, cycles=cycles,
        backend="ray", address=cluster.address, backoff=(0.05, 0.5),
    ) as fleet:  # fmt: skip
        info = fleet.shard_info()
        remote = sorted(s for s, i in info.items() if cluster.on_node(i["pid"]))
        local = sorted(s for s in info if s not in remote)
        assert remote and local, info  # SPREAD: both nodes hold shards
        records: list[Record] = []

        async def consume() -> None:
            records.extend([record async for record in fleet.results()])

        consumer = asyncio.ensure_future(consume())
        # 1. one shard's actor process, mid cycle 1
        victim = local[0]
        await asyncio.sleep(fleet.t0 + 1.5 - time.monotonic())
        os.kill(info[victim]["pid"], signal.SIGKILL)
        await wait_for(
            lambda: (
                fleet.shard_info()[victim]["state"] == "live"
                and fleet.shard_info()[victim]["epoch"] == 2
            ),
            30,
        )
        # 2. the second node, mid cycle 4, with a SET held in flight by its agent
        await asyncio.sleep(fleet.t0 + 4.5 - time.monotonic())
        set_target = sorted(info[remote[0]]["targets"])[0]
        setting = asyncio.ensure_future(
            fleet.request(set_target, "set", ["sysContact", 0, "fleet", "OCTETSTR"])
        )
        await asyncio.sleep(0.3)
        cluster.kill_node()
        with pytest.raises(ShardLost):
            await setting
        await wait_for(lambda: all(fleet.shard_info()[s]["state"] == "live" for s in remote), 30)
        after = fleet.shard_info()
        await consumer
    end = time.time()
    keys = fleet.targets()
    one_per_pair(records, keys, cycles)
    for shard in info:
        assert after[shard]["targets"] == info[shard]["targets"]
    assert after[victim]["pid"] != info[victim]["pid"]
    for shard in remote:
        assert after[shard]["node"] != info[shard]["node"]  # restarted on the head
        assert not cluster.on_node(after[shard]["pid"])
    dead = {victim, *remote}
    lost = [r for r in records if not r.ok]
    assert lost and all(isinstance(r.error, ShardLost) for r in lost), lost[:3]
    assert {r.shard for r in lost} <= dead
    assert all(r.ok for r in records if r.shard not in dead), [
        r for r in records if r.shard not in dead and not r.ok
    ][:3]
    back = [r for r in records if r.cycle == cycles - 1]
    assert all(r.ok for r in back), [r for r in back if not r.ok][:3]  # everyone back
    # the agents' view
    lines = requests_between(farm, start, end)
    shard_of = {key[0]: owner for key, owner in fleet.assignment().items() if owner is not None}
    assert len(shard_of) == len(keys)
    one_live_poller(lines, shard_of)
    gets = Counter(host for host, _p, pdu, _r, _w in lines if pdu == ber.GET_REQUEST)
    assert max(gets.values()) <= cycles
    ports = ports_by_host(lines)
    assert all(len(ports[k[0]]) == 1 for k in keys if shard_of[k[0]] not in dead)
    sets = [line for line in lines if line[2] == ber.SET_REQUEST]
    assert [line[0] for line in sets] == [set_target[0]]


@pytest.mark.asyncio
async def test_ray_requests_and_drain(cluster: RayCluster, farm: AgentFarm) -> None:
    """Ad-hoc requests go to the owning actor; the drain ends every actor's incarnation
    with exit 0 and its stats; workers="auto" counts the cluster's spare CPUs."""
    targets = farm.targets()[:12]
    async with Fleet(
        targets, polls.uptime, interval=0.5, workers="auto", cycles=2,
        backend="ray", address=cluster.address,
    ) as fleet:  # fmt: skip
        assert 1 <= fleet.workers <= 5
        key = fleet.targets()[0]
        (name,) = await fleet.request(key, "get", "sysName.0")
        assert name.val == "demo-agent"
        records = [r async for r in fleet.results()]
    one_per_pair(records, fleet.targets(), 2)
    assert all(r.ok for r in records)
    assert all(s["state"] == "stopped" for s in fleet.shard_info().values())
    assert sum(stats[-1]["polls"] for stats in fleet.stats.shard_stats.values()) == 24


@pytest.mark.asyncio
async def test_ray_snmpv3_state_stays_in_its_shard(cluster: RayCluster, snmpd: SnmpdAgent) -> None:
    await check_v3_affinity(snmpd, backend="ray", address=cluster.address)


SCRIPT = """
import asyncio, sys
from snmp_component.fleet import Fleet

async def poll(snmp):  # defined in the script: actors get it by value
    (vb,) = await snmp.get("sysName.0")
    return vb.val

async def main():
    targets = [{"DestHost": host} for host in sys.argv[2:]]
    async with Fleet(targets, poll, interval=0.5, workers=2, cycles=2,
                     backend="ray", address=sys.argv[1]) as fleet:
        values = [r.value async for r in fleet.results()]
    print(values.count("demo-agent"))

if __name__ == "__main__":
    asyncio.run(main())
"""


def test_ray_poll_from_a_script(cluster: RayCluster, farm: AgentFarm, tmp_path: Path) -> None:
    """A poll function defined in the driver's own script reaches the actors."""
    script = tmp_path / "poller.py"
    script.write_text(SCRIPT)
    hosts = [f"{host}:{farm.port}" for host in farm.hosts[:4]]
    done = subprocess.run(
        [sys.executable, str(script), cluster.address, *hosts],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["8"], done.stdout


@pytest.mark.asyncio
async def test_ray_shard_that_cannot_start(cluster: RayCluster, farm: AgentFarm) -> None:
    """A poll the actors cannot import: the fleet does not start, and says why."""
    fleet = Fleet(farm.targets()[:2], "no_such_module:poll", interval=1.0, workers=1,
                  backend="ray", address=cluster.address)  # fmt: skip
    with pytest.raises(FleetError, match="No module named 'no_such_module'"):
        await fleet.start()


def test_ray_command_line(cluster: RayCluster, farm: AgentFarm, tmp_path: Path) -> None:
    """``--backend ray --address``: the same JSON lines as with local shards; SIGTERM
    drains the actors, prints every record owed and exits 0."""
    path = tmp_path / "targets"
    path.write_text("".join(f"{host}:{farm.port}\n" for host in farm.hosts[:6]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "snmp_component", "fleet", "--targets", str(path),
         "--workers", "2", "--interval", "0.5", "--get", "sysName.0",
         "--backend", "ray", "--address", cluster.address, "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    while len(lines) < 14:  # into cycle 2
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line)
    proc.send_signal(signal.SIGTERM)
    rest, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    records = [json.loads(line) for line in lines + rest.splitlines()]
    cycles: dict[str, list[int]] = defaultdict(list)
    for record in records:
        cycles[record["target"]].append(record["cycle"])
        assert record["ok"] and record["varbinds"][0][1] == "demo-agent", record
    assert len(cycles) == 6
    assert all(sorted(c) == list(range(len(c))) for c in cycles.values())
    counts = {len(c) for c in cycles.values()}
    assert max(counts) - min(counts) <= 1 and min(counts) >= 2
