"""MIB names offline, through the component's awaitable API against the fixture agent.

Names from IF-MIB, IP-MIB, HOST-RESOURCES-MIB and UCD-SNMP-MIB resolve from the compiled data
shipped in the package, and responses come back tagged with the names net-snmp gives them
(compared with ``snmptranslate -m ALL -M ../shared/mibs``, skipped only when that tool is
missing).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from snmp_component import Kernel, SNMPComponent, SNMPSession, VarList, errors
from snmp_component.testing import SnmpdAgent

MIB_DIR = Path(__file__).resolve().parents[3] / "shared" / "mibs"
SNMPTRANSLATE = shutil.which("snmptranslate")

T = TypeVar("T")


def run(snmpd: SnmpdAgent, body: Callable[[SNMPSession], Awaitable[T]], **create: Any) -> T:
    """Run ``body(snmp)`` with a v2c component for the fixture agent, then finish it."""

    async def main() -> T:
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2, Retries=0, **create
        )
        try:
            return await body(snmp)
        finally:
            snmp.finish()

    return asyncio.run(asyncio.wait_for(main(), 30))


def tags(varlist: VarList) -> list[tuple[str, str]]:
    return [(vb.tag, vb.iid) for vb in varlist]


# -- walking and getting by name ------------------------------------------------------------------


def test_walk_interface_columns_by_name(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> list[VarList]:
        return await snmp.bulkwalk(0, 25, "ifDescr", "ifHCInOctets")

    descr, octets = run(snmpd, body)
    assert descr and {vb.tag for vb in descr} == {"ifDescr"}
    assert ("ifDescr", "1") in tags(descr)
    assert next(vb.val for vb in descr if vb.iid == "1") == "lo"
    assert all(vb.type == "OCTETSTR" for vb in descr)
    assert [vb.iid for vb in octets] == [vb.iid for vb in descr]
    assert {vb.tag for vb in octets} == {"ifHCInOctets"}
    assert all(vb.type == "COUNTER64" and isinstance(vb.val, int) for vb in octets)


def test_walk_ip_addresses_by_name(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> list[VarList]:
        return await snmp.bulkwalk(0, 25, "ipAdEntAddr")

    (addrs,) = run(snmpd, body)
    assert ("ipAdEntAddr", "127.0.0.1") in tags(addrs)
    vb = next(vb for vb in addrs if vb.iid == "127.0.0.1")
    assert (vb.type, vb.val) == ("IPADDR", "127.0.0.1")


def test_walk_host_resources_table_by_name(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> list[VarList]:
        return await snmp.bulkwalk(0, 25, "hrStorageTable")

    (table,) = run(snmpd, body)
    columns = [vb.tag for vb in table]
    assert columns[0] == "hrStorageIndex"
    assert {"hrStorageIndex", "hrStorageType", "hrStorageDescr", "hrStorageSize"} <= set(columns)
    assert all(tag.startswith("hrStorage") for tag in columns)
    types = {vb.tag: vb.type for vb in table}
    assert (types["hrStorageType"], types["hrStorageDescr"]) == ("OBJECTID", "OCTETSTR")
    assert all(vb.iid.isdigit() for vb in table)


def test_get_and_walk_ucd_scalar_by_name(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> tuple[VarList, list[VarList]]:
        return await snmp.get("memTotalReal.0"), await snmp.bulkwalk(0, 25, "memTotalReal")

    got, (walked,) = run(snmpd, body)
    assert tags(got) == [("memTotalReal", "0")] == tags(walked)
    assert got[0].type == "INTEGER32" and got[0].val > 0  # the MIB type, as SNMP.pm reports it


@pytest.mark.parametrize(
    ("var", "expected"),
    [
        ("IF-MIB::ifDescr.1", ("ifDescr", "1")),
        (["ifHCInOctets", 1], ("ifHCInOctets", "1")),
        (["ifDescr", "1"], ("ifDescr", "1")),
        ("iso.3.6.1.2.1.1.5.0", ("sysName", "0")),
        ("iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifDescr.1", ("ifDescr", "1")),
        ("HOST-RESOURCES-MIB::hrSystemUptime.0", ("hrSystemUptime", "0")),
        ("UCD-SNMP-MIB::memTotalReal.0", ("memTotalReal", "0")),
        ("ifNumber.0", ("ifNumber", "0")),
    ],
)
def test_name_forms(snmpd: SnmpdAgent, var: Any, expected: tuple[str, str]) -> None:
    async def body(snmp: SNMPSession) -> VarList:
        return await snmp.get(var)

    varlist = run(snmpd, body)
    assert tags(varlist) == [expected]
    assert varlist[0].type not in ("NOSUCHOBJECT", "NOSUCHINSTANCE")


def test_unknown_symbol_names_it_with_close_names(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> list[str]:
        messages = []
        for name in ("ifDescrr.1", "hrStorageTabel", "IF-MIB::ifHCInOctet.1", "NO-SUCH-MIB::x"):
            with pytest.raises(errors.UnknownObjectError) as info:
                await snmp.get(name)
            messages.append(str(info.value))
        return messages

    bad_name, bad_table, bad_in_module, bad_module = run(snmpd, body)
    assert "'ifDescrr.1'" in bad_name and "did you mean ifDescr" in bad_name
    assert "'hrStorageTabel'" in bad_table and "hrStorageTable" in bad_table
    assert "ifHCInOctets" in bad_in_module
    assert "'NO-SUCH-MIB' is not loaded" in bad_module


# -- response names as net-snmp gives them --------------------------------------------------------

COMPARED = [
    ".1.3.6.1.2.1.1.1.0",  # sysDescr.0
    ".1.3.6.1.2.1.1.3.0",  # sysUpTime.0 -> sysUpTimeInstance (DISMAN-EVENT-MIB names it)
    ".1.3.6.1.2.1.2.2.1.2.1",  # ifDescr.1
    ".1.3.6.1.2.1.31.1.1.1.6.1",  # ifHCInOctets.1
    ".1.3.6.1.2.1.25.2.3.1.3.1",  # hrStorageDescr.1
    ".1.3.6.1.4.1.2021.4.5.0",  # memTotalReal.0
    ".1.3.6.1.2.1.4.20.1.1.127.0.0.1",  # ipAdEntAddr.127.0.0.1
]

# What net-snmp 5.9 prints for COMPARED (snmptranslate -m ALL -M ../shared/mibs, suffix).
NETSNMP_NAMES = [
    "sysDescr.0",
    "sysUpTimeInstance",
    "ifDescr.1",
    "ifHCInOctets.1",
    "hrStorageDescr.1",
    "memTotalReal.0",
    "ipAdEntAddr.127.0.0.1",
]


def _netsnmp_names(oids: list[str]) -> list[str]:
    assert SNMPTRANSLATE is not None
    env = {k: v for k, v in os.environ.items() if k not in ("MIBS", "MIBDIRS")}
    done = subprocess.run(
        [SNMPTRANSLATE, "-m", "ALL", "-M", str(MIB_DIR), *oids],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    # "DISMAN-EXPRESSION-MIB::sysUpTimeInstance" -> "sysUpTimeInstance"
    return [line.split("::", 1)[-1] for line in done.stdout.splitlines() if line]


@pytest.mark.skipif(SNMPTRANSLATE is None, reason="net-snmp's snmptranslate missing")
def test_netsnmp_names_these_oids_so() -> None:
    assert _netsnmp_names(COMPARED) == NETSNMP_NAMES


@pytest.mark.parametrize("numeric", [False, True])
def test_response_tags_match_netsnmp(snmpd: SnmpdAgent, numeric: bool) -> None:
    async def body(snmp: SNMPSession) -> VarList:
        return await snmp.get(*COMPARED)

    varlist = run(snmpd, body, UseNumeric=int(numeric))
    assert [vb.type for vb in varlist if vb.type.startswith("NOSUCH")] == []
    names = [f"{vb.tag}.{vb.iid}" if vb.iid else vb.tag for vb in varlist]
    if not numeric:
        assert names == NETSNMP_NAMES
        uptime = varlist[1]
        assert (uptime.tag, uptime.iid, uptime.type) == ("sysUpTimeInstance", "", "TICKS")
    else:
        # UseNumeric: the object's OID and the instance, as SNMP.pm splits numeric names.
        assert names == COMPARED
        assert (varlist[1].tag, varlist[1].iid) == (".1.3.6.1.2.1.1.3", "0")
        assert (varlist[6].tag, varlist[6].iid) == (".1.3.6.1.2.1.4.20.1.1", "127.0.0.1")
