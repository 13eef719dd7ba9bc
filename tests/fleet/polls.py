"""Poll functions for the fleet tests: module level, so the shards can import them."""

from __future__ import annotations

import asyncio
import os
from typing import Any

from snmp_component import SNMPSession


async def uptime(snmp: SNMPSession) -> Any:
    """sysUpTime.0's value."""
    (vb,) = await snmp.get("sysUpTime.0")
    return vb.val


async def poison(host: str, snmp: SNMPSession) -> Any:
    """As :func:`uptime`, but the shard process dies (``os._exit``) when polling ``host``."""
    if snmp.DestHost.split(":")[0] == host:
        os._exit(3)
    return await uptime(snmp)


async def sleepy(host: str, seconds: float, snmp: SNMPSession) -> Any:
    """As :func:`uptime`, but ``host``'s poll takes ``seconds`` longer."""
    if snmp.DestHost.split(":")[0] == host:
        await asyncio.sleep(seconds)
    return await uptime(snmp)
