"""Reading names with table instances back (snmp_component._core.instance.encode_instance
through parse_name), without an agent.

The expected OIDs and details are net-snmp 5.9.3's own: what ``snmpget -m ALL -On`` sent
for the text, or what it printed in parentheses after ``Unknown Object Identifier``
(snmplib/mib.c: ``_add_strings_to_oid``). Where this package reads a name differently
the row says so. The round-trip properties check that every name the tools print
(:class:`~snmp_component._core.netsnmp_names.ToolNames`) reads back to its OID, for each
kind of INDEX object in the shipped MIBs.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snmp_component import names
from snmp_component._core.instance import IndexStep, IndexSyntax, index_syntax, parse_octet_hint
from snmp_component._core.mibindex import MibIndex, MibNode, parse_name, unknown_detail
from snmp_component._core.netsnmp_names import ToolNames
from snmp_component._core.oid import MAX_OID_LENGTH, Oid, format_oid, parse_oid
from snmp_component._core.sprint import hinted_octets
from snmp_component.errors import UnknownObjectError


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return names.mib_index()


_INDEX = names.mib_index()
_TOOLS = ToolNames(_INDEX)

# text -> the OID net-snmp sends for it
READS = [
    # integers: numbers and enum labels; quoted strings with a length; "" is empty
    ('vacmAccessContextMatch."grpcomm1"."".0.noAuthNoPriv',
     ".1.3.6.1.6.3.16.1.4.1.4.8.103.114.112.99.111.109.109.49.0.0.1"),
    ('vacmAccessContextMatch."grpcomm1"."".0.4',
     ".1.3.6.1.6.3.16.1.4.1.4.8.103.114.112.99.111.109.109.49.0.0.4"),
    ("ifType.1.2", ".1.3.6.1.2.1.2.2.1.3.1.2"),
    ("ifIndex.1", ".1.3.6.1.2.1.2.2.1.1.1"),
    ("ifXEntry.1.5", ".1.3.6.1.2.1.31.1.1.1.1.5"),  # AUGMENTS ifEntry: ifIndex
    ("sysUpTime.0", ".1.3.6.1.2.1.1.3.0"),  # sysUpTimeInstance: a child, not an index
    # strings: quotes keep dots, \ escapes the next character, numbers work as well
    ('vacmSecurityToGroupStatus.2."a.b.c"', ".1.3.6.1.6.3.16.1.2.1.5.2.5.97.46.98.46.99"),
    ('vacmSecurityToGroupStatus.2."a\\"b"', ".1.3.6.1.6.3.16.1.2.1.5.2.3.97.34.98"),
    ('vacmSecurityToGroupStatus.2."a\\\\b"', ".1.3.6.1.6.3.16.1.2.1.5.2.3.97.92.98"),
    ("vacmGroupName.2.3.97.98", ".1.3.6.1.6.3.16.1.2.1.3.2.3.97.98"),  # arcs run out
    ("vacmGroupName.2.3.97.98.99.100", ".1.3.6.1.6.3.16.1.2.1.3.2.3.97.98.99.100"),
    ('usmUserSecurityName."..........U.k...."."noAuthUser"',  # what net-snmp prints
     ".1.3.6.1.6.3.15.1.2.2.1.3.17.46.46.46.46.46.46.46.46.46.46.85.46.107.46.46.46.46"
     ".10.110.111.65.117.116.104.85.115.101.114"),
    ('usmUserSecurityName.5.128.0.31.136.4."noAuthUser"',  # a binary engine ID: numbers
     ".1.3.6.1.6.3.15.1.2.2.1.3.5.128.0.31.136.4.10.110.111.65.117.116.104.85.115.101.114"),
    # IMPLIED and fixed-size strings: single quotes, no length
    ("snmpNotifyRowStatus.'TrapHost'", ".1.3.6.1.6.3.13.1.1.1.5.84.114.97.112.72.111.115.116"),
    ("snmpNotifyRowStatus.84.114.97", ".1.3.6.1.6.3.13.1.1.1.5.84.114.97"),
    ('snmpNotifyFilterType."traphost".1.2.840',
     ".1.3.6.1.6.3.13.1.3.1.3.8.116.114.97.112.104.111.115.116.1.2.840"),
    # a DISPLAY-HINT reads the text where it can (MacAddress 1x:, Ipv6Address 2x:)
    ("dot1dTpFdbPort.'00:0b:86:a9:56:c0'", ".1.3.6.1.2.1.17.4.3.1.2.0.11.134.169.86.192"),
    ("dot1dTpFdbPort.'0:b:86:a9:56:c0'", ".1.3.6.1.2.1.17.4.3.1.2.0.11.134.169.86.192"),
    ("dot1dTpFdbPort.0.11.134.169.86.192.7", ".1.3.6.1.2.1.17.4.3.1.2.0.11.134.169.86.192.7"),
    ("ipv6AddrPfxLength.2.'fe80:0000:0000:0000:0218:73ff:fef8:72c1'",
     ".1.3.6.1.2.1.55.1.8.1.2.2.254.128.0.0.0.0.0.0.2.24.115.255.254.248.114.193"),
    ("ipv6AddrPfxLength.2.'................'",
     ".1.3.6.1.2.1.55.1.8.1.2.2" + ".46" * 16),
    # IpAddress: four arcs (fewer when the text ends), an empty one is 0
    ("ipAdEntAddr.1.2.3.4.5", ".1.3.6.1.2.1.4.20.1.1.1.2.3.4.5"),
    ("ipAdEntAddr.1.2", ".1.3.6.1.2.1.4.20.1.1.1.2"),
    ("ipAdEntAddr.1..3.4", ".1.3.6.1.2.1.4.20.1.1.1.0.3.4"),
    ("atPhysAddress.2.1.10.0.0.1", ".1.3.6.1.2.1.3.1.1.2.2.1.10.0.0.1"),  # NetworkAddress
    ("atPhysAddress.2.2.10.0.0.1", ".1.3.6.1.2.1.3.1.1.2.2.2.10.0.0.1"),
    # no INDEX: numbers, "..." (a length) and '...' (none)
    ('sysDescr."abc"', ".1.3.6.1.2.1.1.1.3.97.98.99"),
    ("sysDescr.'abc'", ".1.3.6.1.2.1.1.1.97.98.99"),
    ('sysDescr.0."a.b"', ".1.3.6.1.2.1.1.1.0.3.97.46.98"),
    ("sysDescr.0.'ab'.3", ".1.3.6.1.2.1.1.1.0.97.98.3"),
    ("ifEntry.99.7", ".1.3.6.1.2.1.2.2.1.99.7"),
    # paths: from the top (read_objid) or from a name (get_node), module-qualified
    ("iso.org.dod.internet.mgmt.mib-2.interfaces.ifTable.ifEntry.ifType.7",
     ".1.3.6.1.2.1.2.2.1.3.7"),
    ("ifTable.ifEntry.ifType.5", ".1.3.6.1.2.1.2.2.1.3.5"),
    ("interfaces.2.1.3.5", ".1.3.6.1.2.1.2.2.1.3.5"),
    ("IF-MIB:ifType.3", ".1.3.6.1.2.1.2.2.1.3.3"),
    ("SNMPv2-SMI::mib-2.system.sysDescr.0", ".1.3.6.1.2.1.1.1.0"),
    ("RFC1213-MIB::ipAdEntAddr.1.2.3.4", ".1.3.6.1.2.1.4.20.1.1.1.2.3.4"),
    ("iso.3.6.1.2.1.4.34.1.3.2.16" + ".0" * 16, ".1.3.6.1.2.1.4.34.1.3.2.16" + ".0" * 16),
    # typed InetAddress: net-snmp takes the characters (ipv4."127.0.0.1": 9 octets, which
    # no agent has); read here as the address it prints, so its names read back
    ('ipAddressIfIndex.ipv4."127.0.0.1"', ".1.3.6.1.2.1.4.34.1.3.1.4.127.0.0.1"),
    ('ipAddressIfIndex.ipv6."fe:80:00:00:00:00:00:00:00:fc:00:ff:fe:00:00:01"',
     ".1.3.6.1.2.1.4.34.1.3.2.16.254.128.0.0.0.0.0.0.0.252.0.255.254.0.0.1"),
    ('ipAddressIfIndex.ipv6."fe80::1"',
     ".1.3.6.1.2.1.4.34.1.3.2.16.254.128.0.0.0.0.0.0.0.0.0.0.0.0.0.1"),
    ('ipAddressIfIndex.ipv4z."1.2.3.4%5"', ".1.3.6.1.2.1.4.34.1.3.3.8.1.2.3.4.0.0.0.5"),
    ('tcpConnectionState.ipv4."1.2.3.4".80.ipv4."5.6.7.8".90',
     ".1.3.6.1.2.1.6.19.1.7.1.4.1.2.3.4.80.1.4.5.6.7.8.90"),
    # ... and as characters (as net-snmp does) when the text is no such address
    ('ipAddressIfIndex.ipv4."abc"', ".1.3.6.1.2.1.4.34.1.3.1.3.97.98.99"),
    ('ipAddressIfIndex.dns."abc"', ".1.3.6.1.2.1.4.34.1.3.16.3.97.98.99"),
    ('ipAddressIfIndex.unknown.""', ".1.3.6.1.2.1.4.34.1.3.0.0"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), READS)
def test_reads_names_as_net_snmp(index: MibIndex, text: str, expected: str) -> None:
    assert parse_name(text, index) == parse_oid(expected)
    assert parse_name(text, index, full=True) == parse_oid(expected)


# text -> net-snmp's detail: "<text>: Unknown Object Identifier (<detail>)"
REFUSED = [
    ("ifType.0", "Index out of range: 0 (ifIndex)"),
    ("ifType.-1", "Index out of range: -1 (ifIndex)"),
    ("ifType.x", "Index out of range: x (ifIndex)"),
    ("ifType.2147483648", "Index out of range: 2147483648 (ifIndex)"),
    ("IF-MIB::ifType.0", "Index out of range: 0 (ifIndex)"),
    ("ifEntry.ifType.0", "Index out of range: 0 (ifIndex)"),
    ("ifTable.1.3.0", "Index out of range: 0 (ifIndex)"),
    ("iso.3.6.1.2.1.2.2.1.3.0", "Index out of range: 0 (ifIndex)"),
    ("ifName.0", "Index out of range: 0 (ifIndex)"),
    ("ifType.1.x", "Sub-id not found: ifIndex -> x"),
    ("ifType.1..", "Sub-id not found: ifIndex -> ."),
    ("ipAdEntAddr.1.2.3.400", "Index out of range: 400 (ipAdEntAddr)"),
    ("ipAdEntAddr.1.2.x.4", "Index out of range: x (ipAdEntAddr)"),
    ("vacmAccessContextMatch.\"grpcomm1\".\"\".0.bogus",
     "Index out of range: bogus (vacmAccessSecurityLevel)"),
    ("vacmGroupName.2.3.97.98.300", "Index out of range: 300 (vacmSecurityName)"),
    ('vacmGroupName.2."abc', 'Index out of range: "abc (vacmSecurityName)'),
    ('vacmGroupName.2."abc"x', 'Index out of range: "abc (vacmSecurityName)'),
    ('vacmSecurityToGroupStatus.2.""', 'Index out of range: " (vacmSecurityName)'),  # SIZE 1..
    ('vacmSecurityToGroupStatus.2."this_is_a_very_long_name_more_than_32_chars"',
     'Index out of range: "this_is_a_very_long_name_more_than_32_chars (vacmSecurityName)'),
    ("vacmGroupName.2.'abc'", "'-quote is for fixed length strings"),
    ('snmpNotifyRowStatus."TrapHost"', '"-quote is for variable length strings'),
    ('dot1dTpFdbPort."abcdef"', '"-quote is for variable length strings'),
    ("dot1dTpFdbPort.'abcdef'", "Index out of range: 'abcdef (dot1dTpFdbAddress)"),
    ("atPhysAddress.2.1.10.0.0.300", "Index out of range: 300 (atNetAddress)"),
    ("sysDescr.x", "x"),
    ("sysDescr.x.y", "x.y"),
    ("sysDescr.0.", ""),
    ("ifEntry.99.x", "Sub-id not found: ifEntry -> x"),
    ("iso.nosuch", "Sub-id not found: iso -> nosuch"),
    ("nosuch.0", "Sub-id not found: (top) -> nosuch"),
    (".1.3.6.1.2.1.2.2.1.3.x", "Index out of range: x (ifIndex)"),
    # no detail at all: an unknown module or name after MODULE::; get_node alone (a ':')
    ("IF-MIB::nosuch.0", None),
    ("NO-SUCH-MIB::ifType.1", None),
    ('nosuch."a:b"', None),
    ('.1.3.6.1.2.1.4.34.1.3.2."fe80::1"', None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "detail"), REFUSED)
def test_refuses_names_as_net_snmp(index: MibIndex, text: str, detail: str | None) -> None:
    with pytest.raises(UnknownObjectError) as caught:
        parse_name(text, index)
    assert unknown_detail(caught.value) == detail
    assert caught.value.error_num == -58
    assert repr(text)[:40] in str(caught.value)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("ifType.0", "ifIndex 0 is out of its range 1..2147483647"),
        ("ifType.x", "'x' is no number or label of ifIndex"),
        ('vacmAccessContextMatch."g"."".0.bogus', "labels: noAuthNoPriv, authNoPriv"),
        ('vacmSecurityToGroupStatus.2.""', 'vacmSecurityName "" has 0 octets, SIZE 1..32'),
        ("dot1dTpFdbPort.'abcdef'", "dot1dTpFdbAddress 'abcdef' has 1 octets, not 6"),
        ("ipAdEntAddr.1.2.3.400", "'400' is no octet (0..255)"),
        ("sysDescr.nope", "no object 'nope' under .1.3.6.1.2.1.1.1"),
        ('sysDescr."abc"x', 'a dot must follow "abc"'),
    ],
)
def test_messages_say_why(index: MibIndex, text: str, why: str) -> None:
    with pytest.raises(UnknownObjectError, match="Unknown Object Identifier") as caught:
        parse_name(text, index)
    assert why in str(caught.value)


def test_numeric_oids_are_checked_only_when_asked(index: MibIndex) -> None:
    text = ".1.3.6.1.2.1.2.2.1.3.0"
    assert parse_name(text, index) == parse_oid(text)  # as it is: no MIB lookup
    assert names.resolve(text) == parse_oid(text)
    with pytest.raises(UnknownObjectError) as caught:
        parse_name(text, index, full=True)
    assert unknown_detail(caught.value) == "Index out of range: 0 (ifIndex)"
    with pytest.raises(UnknownObjectError) as caught:
        names.resolve_strict(text)
    assert unknown_detail(caught.value) == "Index out of range: 0 (ifIndex)"
    assert names.resolve_strict(".1.3.6.1.2.1.2.2.1.3.5") == parse_oid(".1.3.6.1.2.1.2.2.1.3.5")
    assert names.resolve_strict("ifType.5") == parse_oid(".1.3.6.1.2.1.2.2.1.3.5")
    with pytest.raises(UnknownObjectError) as caught:
        names.resolve_strict("ifType.0")
    assert unknown_detail(caught.value) == "Index out of range: 0 (ifIndex)"
    # the library takes the numbers after a name as they are, as SNMP.pm does
    assert names.resolve("ifType.0") == names.resolve("IF-MIB::ifType.0") == parse_oid(text)
    assert unknown_detail(ValueError("x")) is None


def test_long_instances_are_refused(index: MibIndex) -> None:
    with pytest.raises(UnknownObjectError, match="sub-identifiers"):
        parse_name("sysDescr." + "1." * 130 + "1", index)
    with pytest.raises(UnknownObjectError, match="sub-identifiers"):
        parse_name('sysDescr."' + "x" * 200 + '"', index)
    with pytest.raises(UnknownObjectError, match="sub-identifiers"):
        parse_name("snmpNotifyRowStatus." + "1." * 200 + "1", index)


# -- INDEX objects the shipped MIBs have no plain example of ---------------------------------------

_T = (1, 3, 6, 1, 4, 1, 99999)


def _test_index() -> MibIndex:
    """A small MIB: fixed-size strings without a hint, Gauge32 and OBJECT IDENTIFIER indexes,
    an octet string without a SIZE, an INDEX object no MIB defines."""

    def node(name: str, arcs: tuple[int, ...], **kw: object) -> MibNode:
        return MibNode(name, "TEST-MIB", (*_T, *arcs), **kw)  # type: ignore[arg-type]

    return MibIndex(
        [
            node("test", ()),
            node("fixedEntry", (1, 1), kind="row", indexes=("fixedKey", "gaugeKey")),
            node("fixedKey", (1, 1, 1), type="OCTETSTR", kind="column", sizes=((4, 4),)),
            node("gaugeKey", (1, 1, 2), type="GAUGE", kind="column"),
            node("fixedValue", (1, 1, 3), type="INTEGER", kind="column"),
            node("oidEntry", (2, 1), kind="row", indexes=("intKey", "oidKey"), implied=True),
            node("intKey", (2, 1, 1), type="UNSIGNED32", kind="column", ranges=((5, 10),)),
            node("oidKey", (2, 1, 2), type="OBJECTID", kind="column"),
            node("oidValue", (2, 1, 3), type="INTEGER", kind="column"),
            node("anyEntry", (3, 1), kind="row", indexes=("anyKey", "nowhere")),
            node("anyKey", (3, 1, 1), type="OCTETSTR", kind="column"),
            node("anyValue", (3, 1, 3), type="INTEGER", kind="column"),
        ]
    )


@pytest.mark.parametrize(
    ("text", "expected", "printed_reads_back"),
    [
        ("fixedValue.'abcd'.7", (1, 1, 3, 97, 98, 99, 100, 7), True),
        ("fixedValue.'abcd'.'x'", (1, 1, 3, 97, 98, 99, 100, 120), True),  # Gauge32: plainly
        ("fixedValue.1.2.3.4.5.6", (1, 1, 3, 1, 2, 3, 4, 5, 6), False),  # printed '....'
        ("oidValue.7.1.3.6", (2, 1, 3, 7, 1, 3, 6), True),
        ("oidValue.7.1.'ab'", (2, 1, 3, 7, 1, 97, 98), True),
        ("anyValue.3.1.2.3.9", (3, 1, 3, 3, 1, 2, 3, 9), False),  # no SIZE: "..." refused
        ('anyValue.0."x"', (3, 1, 3, 0, 1, 120), False),  # "nowhere": the rest read plainly
    ],
)
def test_reads_other_index_types(
    text: str, expected: tuple[int, ...], printed_reads_back: bool
) -> None:
    index = _test_index()
    oid = (*_T, *expected)
    assert parse_name(text, index) == oid
    if printed_reads_back:
        assert parse_name(ToolNames(index).name(oid), index) == oid


@pytest.mark.parametrize(
    ("text", "detail"),
    [
        ("fixedValue.'abc'", "Index out of range: 'abc (fixedKey)"),
        ('fixedValue."abcd"', '"-quote is for variable length strings'),
        ("oidValue.4.1", "Index out of range: 4 (intKey)"),
        ('anyValue."abc"', 'Index out of range: "abc (anyKey)'),  # no SIZE: no quotes
        ("anyValue.3.1.2.3.x", "Index out of range: x (nowhere)"),
    ],
)
def test_refuses_other_index_types(text: str, detail: str) -> None:
    with pytest.raises(UnknownObjectError) as caught:
        parse_name(text, _test_index())
    assert unknown_detail(caught.value) == detail


# -- DISPLAY-HINT parsing (net-snmp's parse_octet_hint) -------------------------------------------


@pytest.mark.parametrize(
    ("hint", "text", "expected"),
    [
        ("1x:", "00:0b:86:a9:56:c0", bytes([0, 11, 134, 169, 86, 192])),
        ("1x:", "abcdef", bytes([0xEF])),  # one number, one octet: net-snmp's reading
        ("1x:", "....V.", None),  # no number: net-snmp takes the characters
        ("2x:", "fe80:0:1", bytes([0xFE, 0x80, 0, 0, 0, 1])),
        ("1d.", "10.0.0.1", bytes([10, 0, 0, 1])),
        ("255a", "hello", b"hello"),
        ("255t", "hello", None),  # 't' is not parsed
        ("1x:", "", b""),
        ("*1x:", "a:b", bytes([2, 10, 11])),
        ("1d-1d", "3-4", bytes([3, 4])),
    ],
)
def test_parse_octet_hint(hint: str, text: str, expected: bytes | None) -> None:
    assert parse_octet_hint(hint, text.encode()) == expected


@given(st.binary(min_size=1, max_size=24), st.sampled_from(["1x:", "1d.", "1x-", "1o."]))
def test_hinted_octets_read_back(raw: bytes, hint: str) -> None:
    text = hinted_octets(raw, hint)
    assert text is not None
    assert parse_octet_hint(hint, text.encode()) == raw


# -- what the tools print reads back --------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of a row whose every INDEX object has a printed form that reads back."""

    node: MibNode
    syntax: IndexSyntax


_TEXT_HINTS = (None, "255a", "255t", "256a", "32a", "64a", "100a")


def _readable(step: IndexStep) -> bool:
    obj = step.obj
    if obj is None or step.kind is None:
        return False
    node = obj.node
    if step.kind == "int":
        return bool(_int_ranges(step))
    if step.kind != "octets":
        return True
    if obj.typed_inet:
        return True
    if node.hint not in _TEXT_HINTS:  # a hint would read the printed text differently
        return False
    if obj.fixed is None and not step.implied and not node.sizes:
        return False  # net-snmp reads no "quoted" string without a SIZE
    return True


def _int_ranges(step: IndexStep) -> list[tuple[int, int]]:
    node = step.obj.node if step.obj else None
    if node is None:
        return []
    if node.enums and not node.ranges:
        return [(v, v) for v in node.enums.values() if 0 <= v < 2**31]
    ranges = node.ranges or ((0, 2**31 - 1),)
    return [(max(lo, 0), min(hi, 2**32 - 1)) for lo, hi in ranges if hi >= 0]


def _columns() -> list[Column]:
    found = []
    rows = [n for n in _INDEX.nodes if n.kind == "row" and (n.indexes or n.augments)]
    for row in rows:
        if _TOOLS.node_at(row.oid) is not row:
            continue  # another module's row at this OID names it
        syntax = index_syntax(_INDEX, row)
        if syntax is None or not all(_readable(step) for step in syntax.steps):
            continue
        for node in _INDEX.nodes:
            if node.oid[:-1] == row.oid and node.kind == "column" and node.name:
                if _TOOLS.node_at(node.oid) is node and _INDEX.resolve_name(node.name) is node:
                    found.append(Column(node, syntax))
                break
    return found


COLUMNS = _columns()
_PRINTABLE = st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters="\"'\\")


def test_many_index_kinds_are_covered() -> None:
    kinds = {(s.kind, s.implied, s.obj.fixed is not None if s.obj else None) for c in COLUMNS
             for s in c.syntax.steps}  # fmt: skip
    assert len(COLUMNS) > 100
    for kind in [("int", False, False), ("octets", False, False), ("octets", True, False),
                 ("ipaddr", False, False), ("netaddr", False, False)]:  # fmt: skip
        assert kind in kinds
    assert any(s.obj is not None and s.obj.typed_inet for c in COLUMNS for s in c.syntax.steps)


@st.composite
def _instances(draw: st.DrawFn) -> tuple[MibNode, Oid]:
    column = draw(st.sampled_from(COLUMNS))
    arcs: list[int] = []
    for step in column.syntax.steps:
        obj = step.obj
        assert obj is not None
        if step.kind == "int":
            low, high = draw(st.sampled_from(_int_ranges(step)))
            arcs.append(draw(st.integers(low, min(high, low + 2**20))))
        elif step.kind == "ipaddr":
            arcs.extend(draw(st.lists(st.integers(0, 255), min_size=4, max_size=4)))
        elif step.kind == "netaddr":
            arcs.extend([1, *draw(st.lists(st.integers(0, 255), min_size=4, max_size=4))])
        elif obj.typed_inet and arcs and arcs[-1] in (1, 2, 3, 4):
            size = {1: 4, 2: 16, 3: 8, 4: 20}[arcs[-1]]
            octets = draw(st.binary(min_size=size, max_size=size))
            if arcs[-1] == 2 and draw(st.booleans()):
                octets = ipaddress.IPv6Address(draw(st.integers(0, 2**128 - 1))).packed
            arcs.extend([size, *octets])
        else:
            sizes = obj.node.sizes or ((0, 12),)
            low, high = draw(st.sampled_from(sizes))
            if obj.fixed is not None:
                low = high = obj.fixed
            low = max(low, 1 if step.implied else 0)
            text = draw(st.text(_PRINTABLE, min_size=low, max_size=max(low, min(high, 12))))
            chars = list(text.encode())
            arcs.extend(chars if step.implied or obj.fixed is not None else [len(chars), *chars])
    return column.node, (*column.node.oid, *arcs)


@settings(max_examples=400)
@given(_instances())
def test_printed_names_read_back(case: tuple[MibNode, Oid]) -> None:
    node, oid = case
    if len(oid) > MAX_OID_LENGTH:
        return
    text = _TOOLS.name(oid)
    assert text.startswith(f"{node.module}::{node.name}")
    assert parse_name(text, _INDEX) == oid, text
    assert parse_name(text.partition("::")[2], _INDEX) == oid, text  # without the module


@pytest.mark.parametrize("column", COLUMNS, ids=lambda c: c.node.name)
def test_every_readable_column_reads_back_its_smallest_instance(column: Column) -> None:
    arcs: list[int] = []
    for step in column.syntax.steps:
        obj = step.obj
        assert obj is not None
        if step.kind == "int":
            arcs.append(_int_ranges(step)[0][0])
        elif step.kind in ("ipaddr", "netaddr"):
            arcs.extend([1, 10, 0, 0, 1] if step.kind == "netaddr" else [10, 0, 0, 1])
        elif obj.typed_inet and arcs and arcs[-1] in (1, 2, 3, 4):
            size = {1: 4, 2: 16, 3: 8, 4: 20}[arcs[-1]]
            arcs.extend([size, *range(1, size + 1)])
        else:
            low = max((obj.node.sizes or ((0, 0),))[0][0], 1)
            size = obj.fixed if obj.fixed is not None else low
            octets = list(b"abcdefghijklmnopqrstuvwxyz0123456789"[:size])
            arcs.extend(octets if step.implied or obj.fixed is not None else [size, *octets])
    oid = (*column.node.oid, *arcs)
    text = _TOOLS.name(oid)
    assert parse_name(text, _INDEX) == oid, (text, format_oid(oid))
