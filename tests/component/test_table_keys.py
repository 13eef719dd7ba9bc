"""``get_table`` keys through the one INDEX decoder, end to end (the demo agent, extended).

net-snmp's agent has no ``ipv6AddrTable`` (IPV6-MIB: ``INDEX { ipv6IfIndex,
ipv6AddrAddress }``, an ``Ipv6Address`` of a fixed 16 octets, no length arc) nor
``dot1dTpFdbTable`` (a MacAddress index), so the demo agent serves a few rows of each here.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from typing import Any

from snmp_component import Kernel, SNMPComponent
from snmp_component._core import ber
from snmp_component._core.oid import Oid
from snmp_component.testing.agent import DemoAgent

IPV6_ADDR_ENTRY: Oid = (1, 3, 6, 1, 2, 1, 55, 1, 8, 1)
FDB_ENTRY: Oid = (1, 3, 6, 1, 2, 1, 17, 4, 3, 1)
ADDRESSES = {2: "fe80::218:73ff:fef8:72c1", 3: "2001:db8::1"}
MACS = ["00:0b:86:a9:56:c0", "3c:5e:c3:28:2f:c9"]


def constant(value: tuple[int, Any]) -> Callable[[float], tuple[int, Any]]:
    return lambda _t: value


class TableAgent(DemoAgent):
    """The demo agent with rows of ipv6AddrTable and dot1dTpFdbTable."""

    def __init__(self) -> None:
        super().__init__()
        extra: dict[Oid, Any] = {}
        for if_index, text in ADDRESSES.items():
            instance = (if_index, *ipaddress.IPv6Address(text).packed)
            extra[(*IPV6_ADDR_ENTRY, 2, *instance)] = (ber.INTEGER, 64)  # ipv6AddrPfxLength
            extra[(*IPV6_ADDR_ENTRY, 3, *instance)] = (ber.INTEGER, 1)  # ipv6AddrType
        for port, mac in enumerate(MACS, 1):
            instance = tuple(bytes.fromhex(mac.replace(":", "")))
            extra[(*FDB_ENTRY, 1, *instance)] = (ber.OCTET_STRING, bytes(instance))
            extra[(*FDB_ENTRY, 2, *instance)] = (ber.INTEGER, port)
        self._mib.update({oid: constant(value) for oid, value in extra.items()})
        self._oids = sorted(self._mib)
        self._objects = {oid[:-1] for oid in self._oids} | {oid[:11] for oid in extra}


async def tables() -> tuple[dict[Any, Any], dict[Any, Any]]:
    async with TableAgent() as agent:
        kernel = Kernel()
        snmp = SNMPComponent.create(kernel, DestHost=f"127.0.0.1:{agent.port}", Version="2c")
        try:
            return await snmp.get_table("ipv6AddrTable"), await snmp.get_table("dot1dTpFdbTable")
        finally:
            snmp.finish()


def test_ipv6_and_mac_indexes_are_decoded() -> None:
    ipv6, fdb = asyncio.run(tables())
    assert ipv6 == {
        (2, "fe80::218:73ff:fef8:72c1"): {"ipv6AddrPfxLength": 64, "ipv6AddrType": 1},
        (3, "2001:db8::1"): {"ipv6AddrPfxLength": 64, "ipv6AddrType": 1},
    }
    # MacAddress (DISPLAY-HINT "1x:"): the key as net-snmp prints the value
    assert list(fdb) == ["0:b:86:a9:56:c0", "3c:5e:c3:28:2f:c9"]
    assert fdb["3c:5e:c3:28:2f:c9"]["dot1dTpFdbPort"] == 2
