"""The body of a shard's Ray actor, driven directly (no Ray needed): numbered pushes are
applied in order, and a newer incarnation started in the same process replaces the older
one, whose pulls then end."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

from snmp_component.fleet.farm import AgentFarm
from snmp_component.fleet.ray_backend import ShardHost


@pytest.fixture(scope="module")
def farm() -> Iterator[AgentFarm]:
    with AgentFarm(2, first="127.0.3.2") as agents:
        yield agents


def spec(farm: AgentFarm, epoch: int) -> dict[str, Any]:
    return {
        "shard": 0, "epoch": epoch, "interval": 0.5, "cycles": None, "batch_max": 1,
        "flush_interval": 0.01, "window": 4, "poll": "tests.fleet.polls:uptime",
        "size": 2, "targets": [(i, t, 0.0) for i, t in enumerate(farm.targets())],
    }  # fmt: skip


async def pull_until(host: ShardHost, epoch: int, kind: str) -> tuple[Any, ...]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        got = await host.pull(epoch, 0.5)
        assert got is not None
        for message in got[0]:
            if message[0] == kind:
                return message
    raise AssertionError(f"no {kind} from epoch {epoch}")


@pytest.mark.asyncio
async def test_pushes_in_order_and_a_newer_incarnation_replaces_the_older(
    farm: AgentFarm,
) -> None:
    host = ShardHost()
    pid, _node = await host.start(spec(farm, 1))
    assert (await pull_until(host, 1, "hello"))[1:] == (1, pid)
    # seq 1 arrives first: held until seq 0 ("go") is applied
    await host.push(1, 1, [("req", 7, 1, "get", ("sysName.0",), {})])
    assert host.next_seq == 0
    await host.push(1, 0, [("go", time.monotonic(), {0: 0, 1: 0})])
    assert host.next_seq == 2
    reply = await pull_until(host, 1, "reply")
    assert reply[2] == 7 and reply[3] is True and reply[4][0].val == "demo-agent"
    batch = await pull_until(host, 1, "batch")
    assert batch[1] == 1 and batch[2][0][2] is True  # (index, cycle, ok, value)
    old = host.shard
    assert old is not None
    # the same process gets the next epoch (Ray reported it unavailable, it was not dead)
    await host.start(spec(farm, 2))
    assert old.done.is_set() and not old.kernel.sessions  # its components are gone
    await asyncio.sleep(0.05)
    for target in old.targets.values():  # nothing of the old one runs, nor will
        assert target.task is None or target.task.done()
        assert target.timer is None or target.timer.cancelled()
    assert await host.pull(1, 0.1) is None  # the old incarnation's pull loop ends
    await host.push(1, 0, [("drain",)])  # stale: ignored
    assert host.shard is not None and not host.shard.draining
    assert (await pull_until(host, 2, "hello"))[1] == 2
    await host.push(2, 0, [("drain",)])
    assert (await pull_until(host, 2, "bye"))[1] == 2
