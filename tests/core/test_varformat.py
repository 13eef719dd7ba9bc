"""The one varbind formatter (snmp_component.varformat.VarbindFormat), from raw varbinds.

The tools' face is checked against lines net-snmp 5.9 printed for the recorded devices of
``../shared/realdevices`` (``snmpbulkwalk -m ALL -M ../shared/mibs``); the SNMP.pm face
against what the component has always answered.
"""

from __future__ import annotations

from typing import Any

import pytest

from snmp_component._core import ber
from snmp_component._core.oid import parse_oid
from snmp_component._core.pdu import RawValue, RawVarbind
from snmp_component.varbind import Varbind
from snmp_component.varformat import VarbindFormat


def raw(oid: str, tag: int, value: RawValue) -> RawVarbind:
    return parse_oid(oid), tag, value


LINES = [
    # name and value from the same module's node (RFC1213-MIB here, not IP-MIB's)
    (raw(".1.3.6.1.2.1.4.1.0", ber.INTEGER, 2), "RFC1213-MIB::ipForwarding.0 = INTEGER: "
     "not-forwarding(2)"),
    (raw(".1.3.6.1.2.1.4.13.0", ber.INTEGER, 60), "RFC1213-MIB::ipReasmTimeout.0 = INTEGER: 60"),
    (raw(".1.3.6.1.2.1.4.22.1.2.65539.202.195.128.1", ber.OCTET_STRING,
         bytes.fromhex("7cc385c1287d")),
     "RFC1213-MIB::ipNetToMediaPhysAddress.65539.202.195.128.1 = Hex-STRING: 7C C3 85 C1 28 7D "),
    # DISPLAY-HINT text as it is: backslashes, UTF-8
    (raw(".1.3.6.1.2.1.25.2.3.1.3.2", ber.OCTET_STRING, b"C:\\ Label:  Serial Number d8e9b3d8"),
     "HOST-RESOURCES-MIB::hrStorageDescr.2 = STRING: C:\\ Label:  Serial Number d8e9b3d8"),
    (raw(".1.3.6.1.2.1.1.4.0", ber.OCTET_STRING, bytes.fromhex("e9a9ace5889a")),
     "SNMPv2-MIB::sysContact.0 = STRING: 马刚"),
    # no hint: quoted and escaped
    (raw(".1.3.6.1.2.1.25.4.2.1.4.248", ber.OCTET_STRING, b"C:\\\\Program Files\\\\"),
     'HOST-RESOURCES-MIB::hrSWRunPath.248 = STRING: "C:\\\\\\\\Program Files\\\\\\\\"'),
    (raw(".1.3.6.1.2.1.2.2.1.6.2", ber.OCTET_STRING, bytes.fromhex("001b174a8f06")),
     "IF-MIB::ifPhysAddress.2 = STRING: 0:1b:17:4a:8f:6"),
    # OID values named like names, INDEX decoded in names
    (raw(".1.3.6.1.2.1.25.4.2.1.3.1", ber.OBJECT_IDENTIFIER, (0, 0)),
     "HOST-RESOURCES-MIB::hrSWRunID.1 = OID: SNMPv2-SMI::zeroDotZero"),
    (raw(".1.3.6.1.2.1.4.34.1.3.1.4.10.3.41.254", ber.INTEGER, 25),
     'IP-MIB::ipAddressIfIndex.ipv4."10.3.41.254" = INTEGER: 25'),
    (raw(".1.3.6.1.6.3.13.1.1.1.5.84.114.97.112.72.111.115.116", ber.END_OF_MIB_VIEW, None),
     "SNMP-NOTIFICATION-MIB::snmpNotifyRowStatus.'TrapHost' = No more variables left in this "
     "MIB View (It is past the end of the MIB tree)"),
]  # fmt: skip


@pytest.mark.parametrize(("varbind", "line"), LINES)
def test_lines_are_net_snmps(varbind: RawVarbind, line: str) -> None:
    assert VarbindFormat().line(varbind) == line


def test_numeric_lines() -> None:
    numeric = VarbindFormat(numeric=True)
    varbind = raw(".1.3.6.1.2.1.25.4.2.1.3.1", ber.OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 8072))
    assert numeric.line(varbind) == ".1.3.6.1.2.1.25.4.2.1.3.1 = OID: .1.3.6.1.4.1.8072"
    assert numeric.name(parse_oid(".1.3.6.1.2.1.1.5.0")) == ".1.3.6.1.2.1.1.5.0"


def test_quick_text_is_snmptables() -> None:
    assert VarbindFormat().text(raw(".1.3.6.1.2.1.2.2.1.7.1", ber.INTEGER, 1), quick=True) == "up"


SNMP_PM = [
    ({}, raw(".1.3.6.1.2.1.1.5.0", ber.OCTET_STRING, b"anchor"),
     ["sysName", "0", "anchor", "OCTETSTR"]),
    ({"numeric": True}, raw(".1.3.6.1.2.1.1.5.0", ber.OCTET_STRING, b"anchor"),
     [".1.3.6.1.2.1.1.5", "0", "anchor", "OCTETSTR"]),
    ({"long_names": True}, raw(".1.3.6.1.2.1.1.5.0", ber.OCTET_STRING, b"anchor"),
     [".iso.org.dod.internet.mgmt.mib-2.system.sysName", "0", "anchor", "OCTETSTR"]),
    ({}, raw(".1.3.6.1.2.1.2.2.1.7.1", ber.INTEGER, 1), ["ifAdminStatus", "1", 1, "INTEGER"]),
    ({"enums": True}, raw(".1.3.6.1.2.1.2.2.1.7.1", ber.INTEGER, 1),
     ["ifAdminStatus", "1", "up", "INTEGER"]),
    ({"sprint_value": True}, raw(".1.3.6.1.2.1.1.3.0", ber.TIMETICKS, 12345),
     ["sysUpTimeInstance", "", "0:0:02:03.45", "TICKS"]),
    ({"sprint_value": True}, raw(".1.3.6.1.2.1.25.2.3.1.3.2", ber.OCTET_STRING, b"C:\\ x"),
     ["hrStorageDescr", "2", "C:\\ x", "OCTETSTR"]),
    ({}, raw(".1.3.6.1.2.1.1.5.0", ber.NO_SUCH_INSTANCE, None),
     ["sysName", "0", "NOSUCHINSTANCE", "NOSUCHINSTANCE"]),
]  # fmt: skip


@pytest.mark.parametrize(("options", "varbind", "expected"), SNMP_PM)
def test_snmp_pm_varbinds(
    options: dict[str, Any], varbind: RawVarbind, expected: list[Any]
) -> None:
    fmt = VarbindFormat(**options)
    assert fmt.varbind(varbind) == expected
    assert isinstance(fmt.varbind(varbind), Varbind)
    varlist = fmt.varlist([varbind, varbind])
    assert varlist == [expected, expected] and all(isinstance(v, Varbind) for v in varlist)
    assert fmt.value(varbind) == expected[2]


def test_from_options() -> None:
    from snmp_component.options import parse_options

    opts = parse_options({"DestHost": "127.0.0.1", "UseNumeric": 1, "UseEnums": 1})
    fmt = VarbindFormat.from_options(opts)
    assert (fmt.numeric, fmt.long_names, fmt.sprint_value, fmt.enums) == (True, False, False, True)
    assert repr(fmt) == "VarbindFormat(numeric=True, enums=True)"
