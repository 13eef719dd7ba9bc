"""The fleet: one poller across every core, and across machines on Ray.

A *shard* is one :class:`~snmp_component.kernel.Kernel` in its own process, with one
long-lived component per target it owns; targets are assigned by rendezvous hashing over
fixed shard ids, each polled at a stable slot of every cycle. :class:`Fleet` (asyncio)
starts the shards, merges their records -- exactly one :class:`Record` per (target,
cycle) -- restarts dead shards, gives crash-looping ones up, and routes ad-hoc requests::

    async def poll(snmp):                       # module level: the shard imports it
        (vb,) = await snmp.get("sysUpTime.0")
        return vb.val

    async with Fleet(targets, poll, interval=60, workers="auto") as fleet:
        async for record in fleet.results():
            ...  # record.ok / record.value / record.error (ShardLost, CycleOverrun, ...)

See the README's "Scaling out" section for what is guaranteed after a crash.
"""

from .api import Fleet, FleetStats
from .hashing import TargetKey, owner, slot_offset, target_key
from .local import Backend, ProcessBackend, ShardLink
from .poe import FleetComponent as FleetComponent
from .ray_backend import RayBackend
from .records import CycleOverrun, FleetError, Record, ShardLost, TargetQuarantined

__all__ = [
    "Backend",
    "CycleOverrun",
    "Fleet",
    "FleetError",
    "FleetStats",
    "ProcessBackend",
    "RayBackend",
    "Record",
    "ShardLink",
    "ShardLost",
    "TargetKey",
    "TargetQuarantined",
    "owner",
    "slot_offset",
    "target_key",
]
