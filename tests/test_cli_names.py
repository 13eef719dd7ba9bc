"""``snmpc`` reads OIDs with table instances as net-snmp's tools do, against the tools.

The names it prints (``vacmAccessContextMatch."grpcomm1"."".0.noAuthNoPriv``) are names it
takes; an index outside its INDEX object's range is refused with net-snmp's detail
(``ifType.0: Unknown Object Identifier (Index out of range: 0 (ifIndex))``). The one
intended difference: a typed ``InetAddress`` (``ipv4."127.0.0.1"``) is read as the address
it prints, where net-snmp reads the characters and finds no such instance.
"""

from __future__ import annotations

import pytest

from snmp_component.testing import SnmpdAgent
from tests.test_cli import compare, needs_net_snmp, ours, theirs, v2c


def _names(snmpd: SnmpdAgent, column: str, count: int) -> list[str]:
    """The first ``count`` instance names snmpc prints walking ``column``."""
    walked = ours("walk", *v2c(snmpd), column)
    assert walked.returncode == 0, walked.stderr
    return [line.split(" = ")[0] for line in walked.stdout.splitlines()[:count]]


@needs_net_snmp
@pytest.mark.parametrize(
    "column",
    ["vacmAccessContextMatch", "vacmSecurityToGroupStatus", "vacmViewTreeFamilyMask"],
)
def test_gets_the_names_it_prints(snmpd: SnmpdAgent, column: str) -> None:
    printed = _names(snmpd, column, 8)
    assert len(printed) >= 2 and all('"' in name for name in printed)
    result = compare("get", *v2c(snmpd), *printed)
    assert [line.split(" = ")[0] for line in result.stdout.splitlines()] == printed
    assert "No Such" not in result.stdout


@needs_net_snmp
@pytest.mark.parametrize(
    ("command", "oid"),
    [
        ("get", 'vacmAccessContextMatch."grpcomm1"."".0.noAuthNoPriv'),
        ("get", 'SNMP-VIEW-BASED-ACM-MIB::vacmAccessContextMatch."grpcomm1"."".0.1'),
        ("get", 'vacmSecurityToGroupStatus.2."comm1"'),  # no such instance
        ("get", "ifType.1.2"),
        ("getnext", 'vacmAccessContextMatch."grpcomm1"."".0.noAuthNoPriv'),
        ("getnext", 'vacmGroupName.1."comm1"'),
        ("walk", 'vacmAccessContextMatch."grpcomm1"'),
        ("walk", "ipAddressIfIndex.ipv4"),
        ("bulkwalk", 'vacmSecurityToGroupStatus.1."comm2"'),
    ],
)
def test_quoted_and_labelled_indexes(snmpd: SnmpdAgent, command: str, oid: str) -> None:
    result = compare(command, *v2c(snmpd), oid)
    assert result.returncode == 0


@needs_net_snmp
def test_engine_id_index(snmpd: SnmpdAgent) -> None:
    walked = theirs("walk", "-On", *v2c(snmpd), "usmUserSecurityName").stdout.splitlines()
    base = ".1.3.6.1.6.3.15.1.2.2.1.3."
    arcs = [line.split()[0][len(base) :] for line in walked if line.endswith("noAuthUser")]
    assert len(arcs) == 1
    length = int(arcs[0].split(".")[0])
    engine = ".".join(arcs[0].split(".")[: length + 1])  # its length and octets, as numbers
    found = compare("get", *v2c(snmpd), f'usmUserSecurityName.{engine}."noAuthUser"')
    assert found.stdout.rstrip().endswith("= STRING: noAuthUser")
    # as both print it: octets outside isprint are dots, so this names another row
    printed = found.stdout.split(" = ")[0].partition("::")[2]
    assert '."noAuthUser"' in printed
    missing = compare("get", *v2c(snmpd), printed)
    assert "No Such Instance" in missing.stdout


@needs_net_snmp
def test_typed_inet_address_reads_as_printed(snmpd: SnmpdAgent) -> None:
    name = 'IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1"'
    walked = theirs("walk", *v2c(snmpd), "ipAddressIfIndex").stdout.splitlines()
    line = next(line for line in walked if line.startswith(name + " = "))
    for text in (name, 'ipAddressIfIndex.ipv4."127.0.0.1"', "ipAddressIfIndex.1.4.127.0.0.1"):
        mine = ours("get", *v2c(snmpd), text)
        assert (mine.stdout.rstrip(), mine.returncode) == (line, 0)
    # net-snmp reads the nine characters "127.0.0.1" (and prints that OID with this name)
    assert "No Such Instance" in theirs("get", *v2c(snmpd), name).stdout
    assert compare("get", *v2c(snmpd), "ipAddressIfIndex.1.9.49.50.55.46.48.46.48.46.49")


REFUSED = [
    "ifType.0",
    "ifType.-1",
    "IF-MIB::ifType.0",
    "ifEntry.ifType.0",
    "ifType.1.x",
    "ipAdEntAddr.1.2.3.400",
    'vacmAccessContextMatch."grpcomm1"."".0.bogus',
    "vacmGroupName.2.'abc'",
    'snmpNotifyRowStatus."TrapHost"',
    'vacmSecurityToGroupStatus.2.""',
    "sysDescr.x",
    "sysDescr.0.",
    "iso.nosuch",
]


@needs_net_snmp
@pytest.mark.parametrize("oid", REFUSED)
def test_refused_with_net_snmps_detail(snmpd: SnmpdAgent, oid: str) -> None:
    result = compare("get", *v2c(snmpd), oid)
    assert result.returncode == 1 and "Unknown Object Identifier (" in result.stderr


@needs_net_snmp
@pytest.mark.parametrize("oid", ["nosuch.0", "IF-MIB::nosuch.0"])
def test_refused_unknown_names(snmpd: SnmpdAgent, oid: str) -> None:
    result = compare("get", *v2c(snmpd), oid)
    assert result.returncode == 1


@needs_net_snmp
def test_refused_in_walks_and_with_others(snmpd: SnmpdAgent) -> None:
    compare("getnext", *v2c(snmpd), "ifType.0")
    compare("walk", *v2c(snmpd), "ifType.0")
    result = compare("get", *v2c(snmpd), "sysDescr.0", "ifType.0")
    assert result.stdout == ""


@needs_net_snmp
@pytest.mark.parametrize("oid", [".1.3.6.1.2.1.2.2.1.3.0", "1.3.6.1.2.1.2.2.1.3.0"])
def test_numeric_oids_are_checked_too(snmpd: SnmpdAgent, oid: str) -> None:
    result = compare("get", *v2c(snmpd), oid)
    assert result.returncode == 1
