"""The pure MIB index: lookups, net-snmp name forms, (tag, iid) splitting. No pysnmp."""

from __future__ import annotations

from types import MappingProxyType

import pytest

from snmp_component._core import mibindex
from snmp_component._core.mibindex import MibIndex, MibNode, parse_name, split_oid
from snmp_component._core.oid import Oid, format_oid
from snmp_component.errors import UnknownObjectError

MIB2 = (1, 3, 6, 1, 2, 1)
SYSTEM = (*MIB2, 1)
IF_ENTRY = (*MIB2, 2, 2, 1)
IPADDR_ENTRY = (*MIB2, 4, 20, 1)
SYS_UPTIME = (*SYSTEM, 3)


def _n(name: str, module: str, oid: Oid, type_: str | None = None, **kw: object) -> MibNode:
    return MibNode(name, module, oid, type_, **kw)  # type: ignore[arg-type]


NODES = [
    _n("iso", "SNMPv2-SMI", (1,)),
    _n("org", "SNMPv2-SMI", (1, 3)),
    _n("dod", "SNMPv2-SMI", (1, 3, 6)),
    _n("internet", "SNMPv2-SMI", (1, 3, 6, 1)),
    _n("mgmt", "SNMPv2-SMI", (1, 3, 6, 1, 2)),
    _n("mib-2", "SNMPv2-SMI", MIB2),
    _n("enterprises", "SNMPv2-SMI", (1, 3, 6, 1, 4, 1)),
    _n("system", "SNMPv2-MIB", SYSTEM),
    _n("sysDescr", "SNMPv2-MIB", (*SYSTEM, 1), "OCTETSTR", access="read-only"),
    _n("sysObjectID", "SNMPv2-MIB", (*SYSTEM, 2), "OBJECTID", access="read-only"),
    _n("sysUpTime", "SNMPv2-MIB", SYS_UPTIME, "TICKS", access="read-only"),
    _n("sysName", "SNMPv2-MIB", (*SYSTEM, 5), "OCTETSTR", access="read-write"),
    _n("sysUpTimeInstance", "DISMAN-EVENT-MIB", (*SYS_UPTIME, 0)),
    _n("interfaces", "IF-MIB", (*MIB2, 2)),
    _n("ifTable", "IF-MIB", (*MIB2, 2, 2), access="not-accessible"),
    _n("ifEntry", "IF-MIB", IF_ENTRY, access="not-accessible"),
    _n("ifIndex", "IF-MIB", (*IF_ENTRY, 1), "INTEGER32", access="read-only"),
    _n("ifDescr", "IF-MIB", (*IF_ENTRY, 2), "OCTETSTR", access="read-only"),
    _n(
        "ifAdminStatus",
        "IF-MIB",
        (*IF_ENTRY, 7),
        "INTEGER",
        enums={"up": 1, "down": 2, "testing": 3},
        access="read-write",
    ),
    _n("ipAdEntAddr", "RFC1213-MIB", (*IPADDR_ENTRY, 1), "IPADDR", access="read-only"),
    # Shadowed duplicates: same name and OID in a later module, and a name two modules
    # define at different OIDs.
    _n("sysDescr", "RFC1213-MIB", (*SYSTEM, 1), "OCTETSTR", access="read-only"),
    _n("fooValue", "FOO-MIB", (1, 3, 6, 1, 4, 1, 9999, 1), "GAUGE"),
    _n("fooValue", "BAR-MIB", (1, 3, 6, 1, 4, 1, 8888, 1), "COUNTER64"),
]


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return MibIndex(NODES)


# -- MibNode and plain lookups --------------------------------------------------------------------


def test_mibnode_enums_are_read_only_and_node_is_hashable() -> None:
    node = _n("ifAdminStatus", "IF-MIB", (*IF_ENTRY, 7), "INTEGER", enums={"up": 1})
    assert isinstance(node.enums, MappingProxyType)
    assert node.enums == {"up": 1}
    with pytest.raises(TypeError):
        node.enums["down"] = 2  # type: ignore[index]
    assert hash(node) == hash(_n("ifAdminStatus", "IF-MIB", (*IF_ENTRY, 7), "INTEGER"))
    assert node.is_leaf
    assert not _n("system", "SNMPv2-MIB", SYSTEM).is_leaf


def test_len_counts_distinct_oids(index: MibIndex) -> None:
    assert len(index) == len({node.oid for node in NODES})
    assert "FOO-MIB" in index.modules


@pytest.mark.parametrize(
    ("name", "module", "oid", "node_module"),
    [
        ("sysDescr", None, (*SYSTEM, 1), "SNMPv2-MIB"),  # first definition wins
        ("sysDescr", "RFC1213-MIB", (*SYSTEM, 1), "RFC1213-MIB"),
        ("fooValue", None, (1, 3, 6, 1, 4, 1, 9999, 1), "FOO-MIB"),
        ("fooValue", "BAR-MIB", (1, 3, 6, 1, 4, 1, 8888, 1), "BAR-MIB"),
        ("mib-2", None, MIB2, "SNMPv2-SMI"),
    ],
)
def test_resolve_name(
    index: MibIndex, name: str, module: str | None, oid: Oid, node_module: str
) -> None:
    node = index.resolve_name(name, module)
    assert (node.oid, node.module) == (oid, node_module)


@pytest.mark.parametrize(("name", "module"), [("nope", None), ("sysDescr", "IF-MIB")])
def test_resolve_name_unknown_raises_keyerror(
    index: MibIndex, name: str, module: str | None
) -> None:
    with pytest.raises(KeyError):
        index.resolve_name(name, module)


def test_node_at_is_exact(index: MibIndex) -> None:
    node = index.node_at((*SYSTEM, 1))
    assert node is not None
    assert node.name == "sysDescr"
    assert node.module == "SNMPv2-MIB"  # the first of the two definitions
    assert index.node_at((*SYSTEM, 1, 0)) is None
    assert index.node_at(()) is None


@pytest.mark.parametrize(
    ("oid", "expected"),
    [
        ((*SYSTEM, 1, 0), "sysDescr"),
        ((*SYSTEM, 1), "sysDescr"),
        ((*SYS_UPTIME, 0), "sysUpTimeInstance"),
        ((*SYS_UPTIME, 0, 7), "sysUpTimeInstance"),
        ((*SYS_UPTIME, 1), "sysUpTime"),
        ((*IPADDR_ENTRY, 1, 127, 0, 0, 1), "ipAdEntAddr"),
        ((*IPADDR_ENTRY, 2, 1), "mib-2"),
        ((1, 3, 6, 1, 4, 1, 99999, 1), "enterprises"),
        ((1, 3, 6, 1, 4, 1, 9999, 1, 0), "fooValue"),
        ((1, 3), "org"),
        ((1,), "iso"),
        ((2, 5, 4), None),
        ((), None),
    ],
)
def test_longest_prefix(index: MibIndex, oid: Oid, expected: str | None) -> None:
    node = index.longest_prefix(oid)
    assert (node.name if node else None) == expected


@pytest.mark.parametrize(
    ("oid", "expected"),
    [
        ((*SYSTEM, 1, 0), "OCTETSTR"),
        ((*SYS_UPTIME, 0), "TICKS"),  # sysUpTimeInstance is an instance of sysUpTime
        ((*IF_ENTRY, 7, 3), "INTEGER"),
        ((*IF_ENTRY, 1, 3), "INTEGER32"),
        ((*IPADDR_ENTRY, 1, 10, 0, 0, 1), "IPADDR"),
        ((*SYSTEM, 99, 0), None),
        ((1, 3, 6, 1, 4, 1, 99999), None),
    ],
)
def test_type_of(index: MibIndex, oid: Oid, expected: str | None) -> None:
    assert index.type_of(oid) == expected


def test_closest_names(index: MibIndex) -> None:
    assert index.closest_names("sysDescrr")[0] == "sysDescr"
    assert index.closest_names("sysdescr")[0] == "sysDescr"  # case-insensitive match first
    assert index.closest_names("ifAdminStatu", n=1) == ["ifAdminStatus"]
    assert index.closest_names("zzzzzz") == []
    assert index.closest_names("sysDescr", n=0) == []
    assert len(index.closest_names("sysName", n=2)) <= 2


# -- parse_name -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numeric, with and without the leading dot
        (".1.3.6.1.2.1.1.1.0", (*SYSTEM, 1, 0)),
        ("1.3.6.1.2.1.1.1.0", (*SYSTEM, 1, 0)),
        ("1.3", (1, 3)),
        # bare names, with instance arcs
        ("sysDescr", (*SYSTEM, 1)),
        ("sysDescr.0", (*SYSTEM, 1, 0)),
        ("ifDescr.3", (*IF_ENTRY, 2, 3)),
        ("ipAdEntAddr.127.0.0.1", (*IPADDR_ENTRY, 1, 127, 0, 0, 1)),
        ("sysUpTimeInstance", (*SYS_UPTIME, 0)),
        ("mib-2", MIB2),
        # module-qualified
        ("SNMPv2-MIB::sysDescr", (*SYSTEM, 1)),
        ("SNMPv2-MIB::sysUpTime.0", (*SYS_UPTIME, 0)),
        ("RFC1213-MIB::ipAdEntAddr.10.0.0.1", (*IPADDR_ENTRY, 1, 10, 0, 0, 1)),
        ("BAR-MIB::fooValue.0", (1, 3, 6, 1, 4, 1, 8888, 1, 0)),
        ("fooValue.0", (1, 3, 6, 1, 4, 1, 9999, 1, 0)),
        # dotted paths: first component a name or number, later names of children or numbers
        ("iso.3.6.1.2.1.1.1.0", (*SYSTEM, 1, 0)),
        ("iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0", (*SYSTEM, 1, 0)),
        (".iso.org.dod.internet.mgmt.mib-2.system.sysUpTime.0", (*SYS_UPTIME, 0)),
        ("iso.3.6.1.2.1.system.sysName.0", (*SYSTEM, 5, 0)),
        (".1.3.6.1.2.1.1.sysDescr.0", (*SYSTEM, 1, 0)),
        ("1.3.6.1.2.1.1.sysDescr", (*SYSTEM, 1)),
        ("mib-2.1.1.0", (*SYSTEM, 1, 0)),
        ("system.sysUpTime.sysUpTimeInstance", (*SYS_UPTIME, 0)),
        ("SNMPv2-MIB::system.sysDescr.0", (*SYSTEM, 1, 0)),
        ("ifTable.ifEntry.ifAdminStatus.2", (*IF_ENTRY, 7, 2)),
        ("enterprises.99999.1", (1, 3, 6, 1, 4, 1, 99999, 1)),
        # roots net-snmp knows by name even when no MIB defines them
        ("ccitt.0", (0, 0)),
        ("joint-iso-ccitt.5.4", (2, 5, 4)),
        ("sysDescr.4294967295", (*SYSTEM, 1, 4294967295)),
    ],
)
def test_parse_name_forms(index: MibIndex, text: str, expected: Oid) -> None:
    assert parse_name(text, index) == expected
    assert parse_name(text, index) == expected  # cached path
    assert index.parse(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".1.3.6.1.2.1.1.1.0", (*SYSTEM, 1, 0)),
        ("1.3.6.1.4.1.99999.1", (1, 3, 6, 1, 4, 1, 99999, 1)),
        ("iso.3.6.1.2.1.1.3.0", (*SYS_UPTIME, 0)),
        (".iso.3.6.1", (1, 3, 6, 1)),
        ("joint-iso-itu-t.5", (2, 5)),
    ],
)
def test_parse_name_without_index(text: str, expected: Oid) -> None:
    assert parse_name(text, None) == expected


@pytest.mark.parametrize(
    ("text", "fragments"),
    [
        ("sysDescrr", ["'sysDescrr'", "no MIB object named 'sysDescrr'", "did you mean sysDescr"]),
        ("sysdescr.0", ["'sysdescr.0'", "did you mean sysDescr"]),
        ("ifAdminStatu.1", ["did you mean ifAdminStatus"]),
        ("xyzzy", ["no MIB object named 'xyzzy'"]),
        (
            "SNMPv2-MIB::sysDescrr.0",
            ["no object 'sysDescrr' in SNMPv2-MIB", "did you mean sysDescr"],
        ),
        ("SNMPv2-MIBB::sysDescr", ["MIB module 'SNMPv2-MIBB' is not loaded", "SNMPv2-MIB"]),
        ("IF-MIB::sysDescr", ["'sysDescr' is not defined in IF-MIB", "SNMPv2-MIB, RFC1213-MIB"]),
        ("system.ifDescr", ["'ifDescr'", "is not a child of .1.3.6.1.2.1.1"]),
        ("sysDescr.nope", ["no object 'nope' under .1.3.6.1.2.1.1.1"]),
        ("iso.3.6.foo", ["no object 'foo' under .1.3.6"]),
        ("sysDescr..0", ["empty component"]),
        ("sysDescr.", ["empty component"]),
        ("", ["empty name"]),
        ("::sysDescr", ["expected MODULE::name"]),
        ("SNMPv2-MIB::", ["expected MODULE::name"]),
        ("A::B::c", ["expected MODULE::name"]),
        ("SNMPv2-MIB::1.3", ["expected a name after '::'"]),
        ("sysDescr.4294967296", ["exceeds 4294967295"]),
        ("1..3", ["invalid OID '1..3'"]),
        (".1.3.", ["invalid OID '.1.3.'"]),
        ("3.1", ["first sub-identifier"]),
        (".", ["invalid OID '.'"]),
    ],
)
def test_parse_name_errors(index: MibIndex, text: str, fragments: list[str]) -> None:
    with pytest.raises(UnknownObjectError) as excinfo:
        parse_name(text, index)
    message = str(excinfo.value)
    for fragment in fragments:
        assert fragment in message, message
    assert isinstance(excinfo.value, ValueError)
    assert excinfo.value.error_num == -58  # net-snmp "Unknown Object Identifier"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("sysDescr.0", "cannot resolve name 'sysDescr' without MIBs"),
        ("SNMPv2-MIB::sysDescr", "cannot resolve SNMPv2-MIB::sysDescr without MIBs"),
        ("iso.org", "no object 'org' under .1 (no MIBs loaded)"),
    ],
)
def test_parse_name_without_index_needs_mibs_for_names(text: str, fragment: str) -> None:
    with pytest.raises(ValueError, match="Unknown Object Identifier") as excinfo:
        parse_name(text, None)
    assert fragment in str(excinfo.value)


def test_parse_name_rejects_non_str(index: MibIndex) -> None:
    with pytest.raises(UnknownObjectError, match="must be a str"):
        parse_name(123, index)  # type: ignore[arg-type]
    with pytest.raises(UnknownObjectError, match="must be a str"):
        parse_name((1, 3, 6), None)  # type: ignore[arg-type]
    with pytest.raises(UnknownObjectError, match="must be a str"):
        parse_name(["sysDescr", 0], index)  # type: ignore[arg-type]


# -- split_oid ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("oid", "symbolic", "numeric"),
    [
        ((*SYSTEM, 1, 0), ("sysDescr", "0"), (".1.3.6.1.2.1.1.1", "0")),
        ((*SYSTEM, 5, 0), ("sysName", "0"), (".1.3.6.1.2.1.1.5", "0")),
        ((*SYSTEM, 1), ("sysDescr", ""), (".1.3.6.1.2.1.1.1", "")),
        ((*IF_ENTRY, 2, 3), ("ifDescr", "3"), (".1.3.6.1.2.1.2.2.1.2", "3")),
        (
            (*IPADDR_ENTRY, 1, 127, 0, 0, 1),
            ("ipAdEntAddr", "127.0.0.1"),
            (".1.3.6.1.2.1.4.20.1.1", "127.0.0.1"),
        ),
        # net-snmp: sysUpTime.0 comes back as sysUpTimeInstance when a MIB names it
        ((*SYS_UPTIME, 0), ("sysUpTimeInstance", ""), (".1.3.6.1.2.1.1.3", "0")),
        ((*SYS_UPTIME, 1), ("sysUpTime", "1"), (".1.3.6.1.2.1.1.3", "1")),
        # only a non-leaf prefix is known, or nothing: the whole OID, numerically, iid ""
        ((*SYSTEM, 99, 0), (".1.3.6.1.2.1.1.99.0", ""), (".1.3.6.1.2.1.1.99.0", "")),
        (
            (1, 3, 6, 1, 4, 1, 99999, 1),
            (".1.3.6.1.4.1.99999.1", ""),
            (".1.3.6.1.4.1.99999.1", ""),
        ),
        ((*IF_ENTRY, 99, 1), (".1.3.6.1.2.1.2.2.1.99.1", ""), (".1.3.6.1.2.1.2.2.1.99.1", "")),
        ((2, 5, 4, 3), (".2.5.4.3", ""), (".2.5.4.3", "")),
    ],
)
def test_split_oid(
    index: MibIndex, oid: Oid, symbolic: tuple[str, str], numeric: tuple[str, str]
) -> None:
    assert split_oid(oid, index, numeric=False) == symbolic
    assert split_oid(oid, index, numeric=True) == numeric
    assert split_oid(oid, index, numeric=False) == symbolic  # cached
    assert split_oid(oid, None, numeric=False) == (format_oid(oid), "")


def test_split_oid_without_index_is_numeric() -> None:
    assert split_oid((*SYSTEM, 1, 0), None, numeric=False) == (".1.3.6.1.2.1.1.1.0", "")
    assert split_oid((*SYSTEM, 1, 0), None, numeric=True) == (".1.3.6.1.2.1.1.1.0", "")


def test_split_without_sysuptimeinstance_gives_sysuptime_0() -> None:
    index = MibIndex(node for node in NODES if node.name != "sysUpTimeInstance")
    assert split_oid((*SYS_UPTIME, 0), index, numeric=False) == ("sysUpTime", "0")


def test_empty_index() -> None:
    index = MibIndex([])
    assert len(index) == 0
    assert index.longest_prefix((1, 3)) is None
    assert split_oid((1, 3, 6), index, numeric=False) == (".1.3.6", "")
    assert parse_name("iso.3.6", index) == (1, 3, 6)
    with pytest.raises(UnknownObjectError, match="no MIB object named 'sysDescr'"):
        parse_name("sysDescr", index)


def test_caches_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mibindex, "_CACHE_SIZE", 4)
    index = MibIndex(NODES)
    for i in range(10):
        assert split_oid((*SYSTEM, 1, i), index, numeric=False) == ("sysDescr", str(i))
        assert parse_name(f"sysDescr.{i}", index) == (*SYSTEM, 1, i)
    assert len(index._split_cache) <= 4
    assert len(index._parse_cache) <= 4
    # the most recent entries are kept
    assert ((*SYSTEM, 1, 9), False) in index._split_cache
    assert "sysDescr.9" in index._parse_cache
