"""Conceptual tables by name (snmp_component._core.table): what to walk, row keys."""

from __future__ import annotations

from typing import Any

import pytest

from snmp_component import errors, names
from snmp_component._core import ber
from snmp_component._core.mibindex import MibIndex
from snmp_component._core.table import build_rows, decode_index, table_spec


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return names.mib_index()


def spec_indexes(index: MibIndex, table: str) -> Any:
    spec = table_spec(index, table)
    return spec.indexes, spec.implied


@pytest.mark.parametrize(
    ("table", "arcs", "key"),
    [
        ("ifTable", (3,), 3),
        ("ipAddrTable", (127, 0, 0, 1), "127.0.0.1"),
        ("hrStorageTable", (31,), 31),
        # INTEGER + length-prefixed SnmpAdminString
        ("vacmSecurityToGroupTable", (2, 6, 112, 117, 98, 108, 105, 99), (2, "public")),
        # InetAddressType + InetAddress (length-prefixed), shown as an IP address
        ("ipAddressTable", (1, 4, 127, 0, 0, 1), (1, "127.0.0.1")),
        ("ipAddressTable", (2, 16, *([0] * 15), 1), (2, "::1")),
        # two strings (one empty) and two integers
        ("vacmAccessTable", (3, 97, 98, 99, 0, 3, 1), ("abc", "", 3, 1)),
        # a string, then a length-prefixed OBJECT IDENTIFIER
        ("vacmViewTreeFamilyTable", (3, 97, 108, 108, 4, 1, 3, 6, 1), ("all", ".1.3.6.1")),
        ("ifStackTable", (0, 4), (0, 4)),
        ("sysORTable", (1,), 1),
    ],
)
def test_row_keys_follow_the_index_clause(
    index: MibIndex, table: str, arcs: tuple[int, ...], key: Any
) -> None:
    indexes, implied = spec_indexes(index, table)
    assert decode_index(arcs, indexes, implied) == key


@pytest.mark.parametrize(
    ("table", "arcs"),
    [
        ("ifTable", (1, 2)),  # one arc too many
        ("ifTable", ()),
        ("ipAddrTable", (300, 0, 0, 1)),  # not an octet
        ("vacmSecurityToGroupTable", (2, 9, 1, 2)),  # length beyond the arcs
    ],
)
def test_undecodable_instances_fall_back_to_the_dotted_iid(
    index: MibIndex, table: str, arcs: tuple[int, ...]
) -> None:
    indexes, implied = spec_indexes(index, table)
    assert decode_index(arcs, indexes, implied) == ".".join(map(str, arcs))


def test_implied_octet_string_index(index: MibIndex) -> None:
    # snmpNotifyTable: INDEX { IMPLIED snmpNotifyName }
    spec = table_spec(index, "snmpNotifyTable")
    assert spec.implied
    assert decode_index(tuple(b"trap"), spec.indexes, spec.implied) == "trap"


def test_table_spec_forms(index: MibIndex) -> None:
    by_table = table_spec(index, "ifTable")
    assert by_table.entry.name == "ifEntry" and by_table.roots == (by_table.entry.oid,)
    assert table_spec(index, "ifEntry") == by_table
    assert table_spec(index, "IF-MIB::ifTable") == by_table
    assert table_spec(index, ".1.3.6.1.2.1.2.2") == by_table
    cols = table_spec(index, "ifTable", ["ifDescr", "ifHCInOctets"])  # ifXTable augments it
    assert [c.name for c in cols.columns] == ["ifDescr", "ifHCInOctets"]
    assert cols.roots == (index.resolve_name("ifDescr").oid, index.resolve_name("ifHCInOctets").oid)
    assert table_spec(index, "ifTable", "ifDescr").columns == cols.columns[:1]


@pytest.mark.parametrize(
    ("table", "columns", "error", "text"),
    [
        ("sysDescr", None, errors.ConfigurationError, "not a table"),
        ("system", None, errors.ConfigurationError, "not a table"),
        ("ifTable", ["hrStorageDescr"], errors.ConfigurationError, "not a column of ifEntry"),
        ("ifTable", ["ifEntry"], errors.ConfigurationError, "not a column"),
        ("noSuchTable", None, errors.UnknownObjectError, "noSuchTable"),
        (5, None, errors.ConfigurationError, "name or OID"),
    ],
)
def test_table_spec_errors(
    index: MibIndex, table: Any, columns: Any, error: type[Exception], text: str
) -> None:
    with pytest.raises(error, match=text):
        table_spec(index, table, columns)


def test_build_rows(index: MibIndex) -> None:
    spec = table_spec(index, "ifTable")
    entry = spec.entry.oid
    walked = [
        (*entry, 1, 1),
        (*entry, 1, 2),
        (*entry, 2, 1),
        (*entry, 2, 2),
        (*entry, 99, 1),  # a column no MIB knows
    ]
    raws = [(oid, ber.INTEGER, n) for n, oid in enumerate(walked)]
    rows = build_rows(spec, index, [(entry, raws)], lambda raw: raw[2])
    assert rows == {
        1: {"ifIndex": 0, "ifDescr": 2, ".1.3.6.1.2.1.2.2.1.99": 4},
        2: {"ifIndex": 1, "ifDescr": 3},
    }
    assert list(rows) == [1, 2]
    descr = index.resolve_name("ifDescr").oid
    columns = table_spec(index, "ifTable", ["ifDescr"])
    rows = build_rows(columns, index, [(descr, [((*descr, 7), ber.INTEGER, 1)])], lambda r: r[2])
    assert rows == {7: {"ifDescr": 1}}
