"""Set values checked against the MIB before anything is sent: types from the MIB, enum
labels, bit names, OBJECTID names, and sizes/ranges (pure; the shipped MIB index)."""

from __future__ import annotations

from typing import Any

import pytest

from snmp_component import errors, names
from snmp_component._core import ber
from snmp_component._core.values import SetValueError, from_netsnmp
from snmp_component._core.vars import parse_set_vars


def set_vars(*args: Any) -> list[Any]:
    return parse_set_vars(args, names.resolve, names.type_of, names.object_of)


def oid(text: str) -> tuple[int, ...]:
    return names.resolve(text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((["ifAdminStatus", 2, "down"],), (oid("ifAdminStatus.2"), ber.INTEGER, 2)),
        ((["ifAdminStatus", 2, "down(2)"],), (oid("ifAdminStatus.2"), ber.INTEGER, 2)),
        ((["ifAdminStatus", 2, 2],), (oid("ifAdminStatus.2"), ber.INTEGER, 2)),
        ((["ifAdminStatus", 2, "2"],), (oid("ifAdminStatus.2"), ber.INTEGER, 2)),
        ((["ifAdminStatus", 2, "up", "INTEGER"],), (oid("ifAdminStatus.2"), ber.INTEGER, 1)),
        (("snmpEnableAuthenTraps.0", "disabled"), (oid("snmpEnableAuthenTraps.0"), ber.INTEGER, 2)),
        # a number outside the enums goes to the agent (it answers wrongValue, as net-snmp)
        (("snmpEnableAuthenTraps.0", 3), (oid("snmpEnableAuthenTraps.0"), ber.INTEGER, 3)),
        # OBJECTID values by name
        ((["sysORID", 1, "snmpMIB"],), (oid("sysORID.1"), ber.OBJECT_IDENTIFIER, oid("snmpMIB"))),
        (("sysORID.1", "IF-MIB::ifMIB"), (oid("sysORID.1"), ber.OBJECT_IDENTIFIER, oid("ifMIB"))),
        (("sysORID.1", ".1.3.6.1"), (oid("sysORID.1"), ber.OBJECT_IDENTIFIER, (1, 3, 6, 1))),
        (("sysContact.0", "ops"), (oid("sysContact.0"), ber.OCTET_STRING, b"ops")),
        (("hrSystemDate.0", bytes(8)), (oid("hrSystemDate.0"), ber.OCTET_STRING, bytes(8))),
        (("ifAlias.1", "x" * 64), (oid("ifAlias.1"), ber.OCTET_STRING, b"x" * 64)),
        (("ipDefaultTTL.0", 255), (oid("ipDefaultTTL.0"), ber.INTEGER, 255)),
        (("ipDefaultTTL.0", "1"), (oid("ipDefaultTTL.0"), ber.INTEGER, 1)),
    ],
)  # fmt: skip
def test_values_from_the_mib(args: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    assert set_vars(*args) == [expected]


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((["ifAdminStatus", 2, "sideways"],), "not one of up(1), down(2), testing(3)"),
        ((["ifAdminStatus", 2, "down(3)"],), "not one of"),
        ((["ifAdminStatus", 2, 2**31],), "out of range"),
        ((["ifAdminStatus", 2, 2.5],), "must be an integer"),
        (("sysContact.0", 5), "must be str or bytes"),
        (("sysContact.0", "x" * 256), "DisplayString value is 256 octets, the size must be 0..255"),
        (("hrSystemDate.0", bytes(9)), "the size must be 8 or 11"),
        (("ifStackStatus.0.1", "up"), "not one of active"),
        (("sysORID.1", "noSuchThing"), "OBJECTID value 'noSuchThing'"),
        (("sysORID.1", "1.x"), "OBJECTID value"),
        (("ipAdEntNetMask.127.0.0.1", "255.0.0"), "dotted quad"),
        (("ifSpeed.1", -1), "out of range 0..4294967295"),
        (("ifHCInOctets.1", 2**64), "out of range"),
        (("ifIndex.1", 0), "out of range 1..2147483647"),  # InterfaceIndex
        # the object's own SIZE or range (RFC 2578 sub-typing), as net-snmp's snmpset checks
        (("ifAlias.1", "x" * 65), "OCTETSTR value is 65 octets, the size must be 0..64"),
        (("ipDefaultTTL.0", 0), "INTEGER32 value 0 out of range 1..255"),
        (("ipDefaultTTL.0", "256"), "INTEGER32 value 256 out of range 1..255"),
        (("sysServices.0", 128), "out of range 0..127"),
        ((["snmpTargetAddrTAddress", 1, b""],), "the size must be 1..255"),
        ((["ipDefaultTTL", 0, 300, "INTEGER"],), "out of range 1..255"),  # explicit type too
    ],
)
def test_values_that_do_not_fit_are_bad_type_errors(args: tuple[Any, ...], text: str) -> None:
    with pytest.raises(errors.BadTypeError, match=text.replace("(", r"\(").replace(")", r"\)")):
        set_vars(*args)


def test_spans_with_several_parts() -> None:
    spans = ((4, 4), (16, 16))
    assert from_netsnmp(b"1234", "OCTETSTR", sizes=spans) == (ber.OCTET_STRING, b"1234")
    with pytest.raises(SetValueError, match=r"the size must be 4 \| 16"):
        from_netsnmp(b"12345", "OCTETSTR", sizes=spans)
    assert from_netsnmp(7, "INTEGER", ranges=((0, 3), (7, 9))) == (ber.INTEGER, 7)
    with pytest.raises(SetValueError, match=r"out of range 0..3 \| 7..9"):
        from_netsnmp(5, "INTEGER", ranges=((0, 3), (7, 9)))


def test_bits_by_name_or_number() -> None:
    enums = {"a": 0, "b": 1, "i": 8}
    assert from_netsnmp(["a", "i"], "BITS", enums=enums) == (ber.OCTET_STRING, b"\x80\x80")
    assert from_netsnmp("a b", "BITS", enums=enums) == (ber.OCTET_STRING, b"\xc0")
    assert from_netsnmp([1], "BITS", enums=enums) == (ber.OCTET_STRING, b"\x40")
    assert from_netsnmp(b"\x01", "BITS", enums=enums) == (ber.OCTET_STRING, b"\x01")
    with pytest.raises(SetValueError, match="'z' is not a bit"):
        from_netsnmp(["z"], "BITS", enums=enums)


def test_explicit_type_still_wins_without_a_mib() -> None:
    assert parse_set_vars(([".1.3.6.1.4.1.99999.1", 0, 7, "GAUGE"],), names.resolve,
                          names.type_of, names.object_of) == [
        ((1, 3, 6, 1, 4, 1, 99999, 1, 0), ber.GAUGE32, 7)
    ]  # fmt: skip
    # the old three-argument form keeps working
    assert parse_set_vars(("sysName.0", "n"), names.resolve, names.type_of) == [
        (oid("sysName.0"), ber.OCTET_STRING, b"n")
    ]
