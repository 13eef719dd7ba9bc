"""The one INDEX decoder (snmp_component._core.instance) and net-snmp's tool names over it
(snmp_component._core.netsnmp_names), without an agent.

Names are net-snmp's own (``snmptranslate -m ALL -M ../shared/mibs`` prints them as
``snmpwalk`` does), most taken from walks of the recorded devices in
``../shared/realdevices``; :func:`test_names_are_snmptranslates` checks every row against
that tool when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from snmp_component import names
from snmp_component._core import ber
from snmp_component._core.instance import decode_instance, instance_key, instance_text, row_index
from snmp_component._core.mibindex import MibIndex
from snmp_component._core.netsnmp_names import ToolNames
from snmp_component._core.oid import parse_oid
from snmp_component._core.table import table_spec
from snmp_component.toolformat import ToolFormat, output_options

MIB_DIR = Path(__file__).resolve().parents[3] / "shared" / "mibs"
SNMPTRANSLATE = shutil.which("snmptranslate")


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return names.mib_index()


@pytest.fixture(scope="module")
def tools(index: MibIndex) -> ToolNames:
    return ToolNames(index)


NAMES = [
    # typed InetAddress (the InetAddressType column before it): ipv4, ipv6, ipv6z with zone
    (".1.3.6.1.2.1.4.34.1.3.1.4.10.3.41.254", 'IP-MIB::ipAddressIfIndex.ipv4."10.3.41.254"'),
    (".1.3.6.1.2.1.4.34.1.3.2.16.32.1.13.168.2.21.1.0.0.0.0.0.0.0.1.72",
     'IP-MIB::ipAddressIfIndex.ipv6."20:01:0d:a8:02:15:01:00:00:00:00:00:00:00:01:48"'),
    (".1.3.6.1.2.1.4.34.1.3.4.20.254.128.0.0.0.0.0.0.234.4.98.255.254.120.242.65.17.255.0.198",
     'IP-MIB::ipAddressIfIndex.ipv6z."fe:80:00:00:00:00:00:00:ea:04:62:ff:fe:78:f2:41'
     '%301924550"'),
    # two typed InetAddresses in one instance; and one cut short (the rest is not there)
    (".1.3.6.1.2.1.6.19.1.7.1.4.202.195.128.3.3389.1.4.10.10.94.33.43438",
     'TCP-MIB::tcpConnectionState.ipv4."202.195.128.3".3389.ipv4."10.10.94.33".43438'),
    (".1.3.6.1.2.1.7.7.1.8.1.4.0.0.0.0.161", 'UDP-MIB::udpEndpointProcess.ipv4."0.0.0.0".161'),
    (".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.0.0.1.4.10.0.0.1",
     'IP-FORWARD-MIB::inetCidrRouteIfIndex.ipv4."10.0.0.0".8.2.0.0.ipv4."10.0.0.1"'),
    # an address that does not fit its type: a plain string; arcs that run out: numbers
    (".1.3.6.1.2.1.4.34.1.3.1.5.10.3.41.254.1", 'IP-MIB::ipAddressIfIndex.ipv4."..).."'),
    (".1.3.6.1.2.1.4.34.1.3.9.4.10.3.41.254", 'IP-MIB::ipAddressIfIndex.9."..)."'),
    (".1.3.6.1.2.1.4.34.1.3.1.4.10.3.41", "IP-MIB::ipAddressIfIndex.ipv4.4.10.3.41"),
    # fixed-size octet strings (MacAddress, Ipv6Address): single quotes, no length arc
    (".1.3.6.1.2.1.17.4.3.1.2.0.11.134.169.86.192", "BRIDGE-MIB::dot1dTpFdbPort.'....V.'"),
    (".1.3.6.1.2.1.55.1.8.1.2.2.254.128.0.0.0.0.0.0.2.24.115.255.254.248.114.193",
     "IPV6-MIB::ipv6AddrPfxLength.2.'..........s...r.'"),
    # strings: length-prefixed "...", IMPLIED '...', empty "", quotes not escaped
    (".1.3.6.1.6.3.13.1.3.1.3.8.116.114.97.112.104.111.115.116.1.2.840.10036",
     'SNMP-NOTIFICATION-MIB::snmpNotifyFilterType."traphost".1.2.840.10036'),
    (".1.3.6.1.6.3.13.1.1.1.5.84.114.97.112.72.111.115.116",
     "SNMP-NOTIFICATION-MIB::snmpNotifyRowStatus.'TrapHost'"),
    (".1.3.6.1.6.3.16.1.4.1.4.3.97.98.99.0.3.1",
     'SNMP-VIEW-BASED-ACM-MIB::vacmAccessContextMatch."abc"."".3.noAuthNoPriv'),
    (".1.3.6.1.6.3.16.1.2.1.3.2.4.34.92.120.39",
     'SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.2.""\\x\'"'),
    (".1.3.6.1.6.3.16.1.2.1.3.2.0", 'SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.2.""'),
    (".1.3.6.1.6.3.16.1.2.1.3.2.9.1.2", "SNMP-VIEW-BASED-ACM-MIB::vacmGroupName.2.9.1.2"),
    # an unknown column: its arc first, then the INDEX
    (".1.3.6.1.4.1.8072.1.2.1.1.7.0.1.0.0", 'NET-SNMP-AGENT-MIB::nsModuleEntry.7."".1.0.0'),
    (".1.3.6.1.2.1.2.2.1.99.5", "IF-MIB::ifEntry.99.5"),
    # the module net-snmp loads first names an OID several modules define
    (".1.3.6.1.2.1.4.22.1.2.2.172.16.229.17",
     "RFC1213-MIB::ipNetToMediaPhysAddress.2.172.16.229.17"),
    (".1.3.6.1.2.1.3.1.1.2.2.1.10.0.0.1", "RFC1213-MIB::atPhysAddress.2.1.10.0.0.1"),
    (".1.3.6.1.2.1.1.3.0", "DISMAN-EXPRESSION-MIB::sysUpTimeInstance"),
    # integers, enums, too many arcs, no index, roots, unknown OIDs
    (".1.3.6.1.2.1.2.2.1.2.1.2", "IF-MIB::ifDescr.1.2"),
    (".1.3.6.1.2.1.2.2.1", "IF-MIB::ifEntry"),
    (".1.3.6.1.2.1.1.5.0", "SNMPv2-MIB::sysName.0"),
    (".1.9", "iso.9"),
    (".1.3.6.1.4.1.99999.1", "SNMPv2-SMI::enterprises.99999.1"),
]  # fmt: skip


@pytest.mark.parametrize(("oid", "name"), NAMES)
def test_names_are_net_snmps(tools: ToolNames, oid: str, name: str) -> None:
    assert tools.name(parse_oid(oid)) == name


@pytest.mark.skipif(SNMPTRANSLATE is None or not MIB_DIR.is_dir(), reason="no snmptranslate")
def test_names_are_snmptranslates() -> None:
    assert _snmptranslate(*(oid for oid, _ in NAMES)) == [name for _, name in NAMES]


def _snmptranslate(*words: str) -> list[str]:
    """The names snmptranslate prints (``-m ALL`` over the shipped MIB texts)."""
    assert SNMPTRANSLATE is not None
    done = subprocess.run(
        [SNMPTRANSLATE, "-m", "ALL", "-M", str(MIB_DIR), *words],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return [line for line in done.stdout.splitlines() if line]  # (blank lines between)


# -OX (net-snmp's extended index): [..] per INDEX object; hinted strings by their hint, OIDs
# as names, an OID index naming no top-level node ends the name ([TRUNCATED], no value)
EXTENDED = [
    ("X", ".1.3.6.1.2.1.4.34.1.3.1.4.10.0.0.1", 'IP-MIB::ipAddressIfIndex[ipv4]["10.0.0.1"]'),
    ("X", ".1.3.6.1.2.1.4.34.1.3.1.10.1.2", "IP-MIB::ipAddressIfIndex[ipv4][.10.1.2"),
    ("XE", ".1.3.6.1.2.1.4.34.1.3.2.4.10.0.0.1", 'IP-MIB::ipAddressIfIndex[ipv6][\\"....\\"]'),
    ("X", ".1.3.6.1.2.1.17.4.3.1.2.0.26.43.60.77.94",
     "BRIDGE-MIB::dot1dTpFdbPort[STRING: 0:1a:2b:3c:4d:5e]"),
    ("Xq", ".1.3.6.1.2.1.17.4.3.1.2.0.26.43.60.77.94",
     "BRIDGE-MIB::dot1dTpFdbPort[0:1a:2b:3c:4d:5e]"),
    ("Xu", ".1.3.6.1.2.1.17.4.3.1.2.0.26.43.60.77.94",
     "dot1dBridge.dot1dTp.dot1dTpFdbTable.dot1dTpFdbEntry.dot1dTpFdbPort"
     "[STRING: 0:1a:2b:3c:4d:5e]"),
    ("X", ".1.3.6.1.2.1.2.2.1.99.1", "IF-MIB::ifEntry.99[1]"),
    ("X", ".1.3.6.1.2.1.2.2.1.2.1.7", "IF-MIB::ifDescr[1].7"),
    ("X", ".1.3.6.1.6.3.16.1.4.1.4.8.103.114.112.99.111.109.109.49.0.0.1",
     "SNMP-VIEW-BASED-ACM-MIB::vacmAccessContextMatch[STRING: grpcomm1][STRING: ][0]"
     "[noAuthNoPriv]"),
    ("X", ".1.3.6.1.6.3.18.1.1.1.2.112.117.98.108.105.99",
     "SNMP-COMMUNITY-MIB::snmpCommunityName[STRING: public]"),
    ("X", ".1.3.6.1.2.1.92.1.3.1.1.2.3.102.111.111.200",
     "NOTIFICATION-LOG-MIB::nlmLogTime[STRING: foo][200]"),
    ("X", ".1.3.6.1.4.1.8072.1.2.1.1.4.0.6.1.3.6.1.2.1.4.127",
     "NET-SNMP-AGENT-MIB::nsModuleName[STRING: ][SNMPv2-SMI::mib-2][4].127"),
    ("X", ".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.0.0.1.4.10.0.0.1",
     'IP-FORWARD-MIB::inetCidrRouteIfIndex[ipv4]["10.0.0.0"][8][SNMPv2-SMI::zeroDotZero]'
     '[ipv4]["10.0.0.1"]'),
    ("Xs", ".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.0.0.1.4.10.0.0.1",
     'inetCidrRouteIfIndex[ipv4]["10.0.0.0"][8][zeroDotZero][ipv4]["10.0.0.1"]'),
    ("Xf", ".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.0.0.1.4.10.0.0.1",
     ".iso.org.dod.internet.mgmt.mib-2.ip.ipForward.inetCidrRouteTable.inetCidrRouteEntry"
     '.inetCidrRouteIfIndex[ipv4]["10.0.0.0"][8][.ccitt.zeroDotZero][ipv4]["10.0.0.1"]'),
    # an empty OID index: net-snmp names the arc after it (ipv4's 1: iso)
    ("X", ".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.0.1.4.10.0.0.1",
     'IP-FORWARD-MIB::inetCidrRouteIfIndex[ipv4]["10.0.0.0"][8][iso][ipv4]["10.0.0.1"]'),
    # a Linux agent's IPv6 routes (policy {5}): every -O naming gives up the same way
    ("Xs", ".1.3.6.1.2.1.4.24.7.1.7.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.0.64.1.5.2.16.0.0."
           "0.0.0.0.0.0.0.0.0.0.0.0.0.0",
     ".iso.org.dod.internet.mgmt.mib-2.ip.ipForward.inetCidrRouteTable.inetCidrRouteEntry"
     '.inetCidrRouteIfIndex[ipv6]["fe:80:00:00:00:00:00:00:00:00:00:00:00:00:00:00"][64][. '
     "[TRUNCATED]"),
    ("X", ".1.3.6.1.2.1.4.24.7.1.7.1.4.10.0.0.0.8.2.7.1.4.10.0.0.1",
     ".iso.org.dod.internet.mgmt.mib-2.ip.ipForward.inetCidrRouteTable.inetCidrRouteEntry"
     '.inetCidrRouteIfIndex[ipv4]["10.0.0.0"][8][.7. [TRUNCATED]'),
    ("Xb", ".1.3.6.1.2.1.4.34.1.3.1.4.10.0.0.1", "IP-MIB::ipAddressIfIndex.1.4.10.0.0.1"),
    ("Xn", ".1.3.6.1.2.1.4.34.1.3.1.4.10.0.0.1", ".1.3.6.1.2.1.4.34.1.3.1.4.10.0.0.1"),
]  # fmt: skip


@pytest.mark.parametrize(("letters", "oid", "name"), EXTENDED)
def test_extended_index_names_are_net_snmps(letters: str, oid: str, name: str) -> None:
    assert ToolFormat(output_options(letters)).name(parse_oid(oid)) == name


def test_a_name_net_snmp_gives_up_on_has_no_value() -> None:
    """Even with -Ov: net-snmp prints the name first, and stops there."""
    oid, name = next((oid, name) for _, oid, name in EXTENDED if name.endswith("[TRUNCATED]"))
    for letters in ("X", "Xv", "Xq"):
        assert ToolFormat(output_options(letters)).line((parse_oid(oid), ber.INTEGER, 2)) == name


@pytest.mark.skipif(SNMPTRANSLATE is None or not MIB_DIR.is_dir(), reason="no snmptranslate")
@pytest.mark.parametrize("letters", sorted({letters for letters, _, _ in EXTENDED}))
def test_extended_index_names_are_snmptranslates(letters: str) -> None:
    cases = [(oid, name) for each, oid, name in EXTENDED if each == letters]
    printed = _snmptranslate(f"-O{letters}", *(oid for oid, _ in cases))
    assert printed == [name for _, name in cases]


@pytest.mark.parametrize(
    ("table", "arcs", "key"),
    [
        ("ipv6AddrTable", (2, 254, 128, *([0] * 13), 1), (2, "fe80::1")),
        ("ipAddressTable", (4, 20, 254, 128, *([0] * 13), 1, 0, 0, 0, 5),
         (4, b"\xfe\x80" + bytes(13) + b"\x01\x00\x00\x00\x05")),
        ("dot1dTpFdbTable", (0, 11, 134, 169, 86, 192), "0:b:86:a9:56:c0"),
        ("snmpNotifyFilterTable", (3, 97, 98, 99, 1, 3, 6), ("abc", ".1.3.6")),
        ("snmpNotifyTable", tuple(b"TrapHost"), "TrapHost"),
        ("tcpConnectionTable", (1, 4, 10, 0, 0, 1, 22, 1, 4, 10, 0, 0, 2, 5000),
         (1, "10.0.0.1", 22, 1, "10.0.0.2", 5000)),
        ("ipNetToMediaTable", (2, 172, 16, 229, 17), (2, "172.16.229.17")),
        ("udpEndpointTable", (1, 4, 0, 0, 0, 0, 161), None),  # cut short: no key
        ("ifTable", (1, 2), None),  # an arc too many
        ("vacmSecurityToGroupTable", (2, 9, 1, 2), None),  # a length beyond the arcs
    ],
)  # fmt: skip
def test_row_keys(index: MibIndex, table: str, arcs: tuple[int, ...], key: Any) -> None:
    spec = table_spec(index, table)
    row = row_index(index, spec.entry)
    assert row is not None
    assert instance_key(decode_instance(arcs, row), row) == key


def test_a_key_and_a_name_come_from_one_decoding(index: MibIndex) -> None:
    row = row_index(index, table_spec(index, "ipAddressTable").entry)
    assert row is not None
    instance = decode_instance((1, 4, 192, 0, 2, 1), row)
    assert instance.complete and len(instance.pieces) == 2
    assert instance_text(instance) == 'ipv4."192.0.2.1"'
    assert instance_key(instance, row) == (1, "192.0.2.1")


def test_no_index_leaves_every_arc(index: MibIndex) -> None:
    instance = decode_instance((1, 2, 3), None)
    assert not instance.pieces and instance.rest == (1, 2, 3)
    assert instance_text(instance) == "1.2.3"
