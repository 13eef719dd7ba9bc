"""The pysnmp MIB adapter: the index extracted from pysnmp's shipped MIB modules."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snmp_component._core.mibindex import MibIndex, parse_name, split_oid
from snmp_component._pysnmp.mib import DEFAULT_MODULES, build_index, default_index

SYSTEM = (1, 3, 6, 1, 2, 1, 1)


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return default_index()


def test_default_index_is_built_once(index: MibIndex) -> None:
    assert default_index() is index
    assert len(index) > 500


def test_default_modules_are_all_shipped_modules(index: MibIndex) -> None:
    import pysnmp

    shipped = {
        name[:-3]
        for name in os.listdir(Path(pysnmp.__file__).parent / "smi" / "mibs")
        if name.endswith(".py") and name != "__init__.py"
    }
    assert set(DEFAULT_MODULES) == shipped
    assert len(DEFAULT_MODULES) == len(shipped) == 27
    # Modules that define OIDs contribute nodes (ASN1*, SNMPv2-TC/CONF define none).
    assert {"SNMPv2-MIB", "SNMPv2-SMI", "RFC1213-MIB", "SNMP-TARGET-MIB"} <= index.modules


@pytest.mark.parametrize(
    ("text", "oid"),
    [
        ("sysDescr", (*SYSTEM, 1)),
        ("sysDescr.0", (*SYSTEM, 1, 0)),
        ("SNMPv2-MIB::sysUpTime.0", (*SYSTEM, 3, 0)),
        ("sysUpTime.0", (*SYSTEM, 3, 0)),
        (".1.3.6.1.2.1.1.3.0", (*SYSTEM, 3, 0)),
        ("iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0", (*SYSTEM, 1, 0)),
        ("iso.3.6.1.2.1.1.5.0", (*SYSTEM, 5, 0)),
        ("ipAdEntAddr.127.0.0.1", (1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 127, 0, 0, 1)),
        ("snmpTargetAddrRetryCount", (1, 3, 6, 1, 6, 3, 12, 1, 2, 1, 5)),
        ("enterprises.8072.3.2.10", (1, 3, 6, 1, 4, 1, 8072, 3, 2, 10)),
    ],
)
def test_names_resolve(index: MibIndex, text: str, oid: tuple[int, ...]) -> None:
    assert parse_name(text, index) == oid


@pytest.mark.parametrize(
    ("name", "type_", "access"),
    [
        ("sysDescr", "OCTETSTR", "read-only"),
        ("sysContact", "OCTETSTR", "read-write"),  # DisplayString -> its base type
        ("sysUpTime", "TICKS", "read-only"),
        ("sysObjectID", "OBJECTID", "read-only"),
        ("sysORLastChange", "TICKS", "read-only"),  # TimeStamp TC -> TimeTicks
        ("snmpInPkts", "COUNTER", "read-only"),
        ("snmpEnableAuthenTraps", "INTEGER", "read-write"),
        ("sysServices", "INTEGER", "read-only"),  # INTEGER (0..127) in the MIB text
        ("snmpSetSerialNo", "INTEGER", "read-write"),  # TestAndIncr ::= INTEGER (0..2147483647)
        ("snmpTargetAddrRetryCount", "INTEGER32", "read-create"),  # Integer32 (0..255)
        ("snmpTargetAddrMMS", "INTEGER32", "read-create"),
        ("snmpTargetAddrRowStatus", "INTEGER", "read-create"),  # RowStatus, enumerated
        ("snmpTargetAddrTDomain", "OBJECTID", "read-create"),
        ("snmpEngineID", "OCTETSTR", "read-only"),
        ("snmpEngineBoots", "INTEGER", "read-only"),
        ("ipAdEntAddr", "IPADDR", "read-only"),
        ("ipRouteDest", "IPADDR", "read-write"),
        ("atNetAddress", "IPADDR", "read-write"),  # SMIv1 NetworkAddress
        ("ipDefaultTTL", "INTEGER", "read-write"),  # SMIv1: no Integer32 there
        ("snmpTrapOID", "OBJECTID", "accessible-for-notify"),
        ("system", None, None),
        ("snmpTargetAddrTable", None, "not-accessible"),
        ("snmpTargetAddrEntry", None, "not-accessible"),
        ("coldStart", None, None),
    ],
)
def test_types_and_access(
    index: MibIndex, name: str, type_: str | None, access: str | None
) -> None:
    node = index.resolve_name(name)
    assert (node.type, node.access) == (type_, access)


def test_enums(index: MibIndex) -> None:
    traps = index.resolve_name("snmpEnableAuthenTraps")
    assert traps.enums == {"enabled": 1, "disabled": 2}
    row_status = index.resolve_name("snmpTargetAddrRowStatus")
    assert row_status.enums is not None
    assert row_status.enums["createAndGo"] == 4
    assert index.resolve_name("sysDescr").enums is None
    assert index.resolve_name("sysServices").enums is None


def test_integer32_object(index: MibIndex) -> None:
    # pysnmp ships no IF-MIB (ifNumber); SNMP-TARGET-MIB has a plain Integer32 object.
    with pytest.raises(KeyError):
        index.resolve_name("ifNumber")
    assert index.resolve_name("snmpTargetAddrRetryCount").type == "INTEGER32"


def test_module_identity_nodes_use_their_own_names(index: MibIndex) -> None:
    with pytest.raises(KeyError):
        index.resolve_name("PYSNMP_MODULE_ID")
    assert index.resolve_name("snmpMIB").oid == (1, 3, 6, 1, 6, 3, 1)


@pytest.mark.parametrize(
    ("oid", "symbolic", "numeric"),
    [
        ((*SYSTEM, 5, 0), ("sysName", "0"), (".1.3.6.1.2.1.1.5", "0")),
        ((*SYSTEM, 1, 0), ("sysDescr", "0"), (".1.3.6.1.2.1.1.1", "0")),
        # pysnmp's shipped SNMPv2-MIB does not define sysUpTimeInstance (net-snmp gets it
        # from DISMAN-EVENT-MIB / DISMAN-EXPRESSION-MIB), so net-snmp with only these
        # modules loaded would give sysUpTime / 0 too.
        ((*SYSTEM, 3, 0), ("sysUpTime", "0"), (".1.3.6.1.2.1.1.3", "0")),
        (
            (1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 127, 0, 0, 1),
            ("ipAdEntAddr", "127.0.0.1"),
            (".1.3.6.1.2.1.4.20.1.1", "127.0.0.1"),
        ),
        ((1, 3, 6, 1, 4, 1, 99999, 1), (".1.3.6.1.4.1.99999.1", ""), (".1.3.6.1.4.1.99999.1", "")),
        # ifDescr.3: no IF-MIB among the shipped modules
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3), (".1.3.6.1.2.1.2.2.1.2.3", ""), None),
        ((*SYSTEM, 99, 0), (".1.3.6.1.2.1.1.99.0", ""), None),
    ],
)
def test_split_oid(
    index: MibIndex,
    oid: tuple[int, ...],
    symbolic: tuple[str, str],
    numeric: tuple[str, str] | None,
) -> None:
    assert split_oid(oid, index, numeric=False) == symbolic
    assert split_oid(oid, index, numeric=True) == (numeric or symbolic)


def test_sysuptime_instance_not_shipped(index: MibIndex) -> None:
    with pytest.raises(KeyError):
        index.resolve_name("sysUpTimeInstance")


def test_unknown_name_suggests(index: MibIndex) -> None:
    with pytest.raises(ValueError, match="did you mean sysDescr"):
        parse_name("sysDescrr.0", index)
    with pytest.raises(ValueError, match="no MIB object named 'ifDescr'"):
        parse_name("ifDescr.3", index)


# -- build_index: explicit modules, extra sources, no compiler ------------------------------------

EXTRA_MIB = textwrap.dedent(
    """\
    # A hand-written precompiled pysnmp MIB module (what pysmi would generate).
    (Integer32, MibIdentifier, MibScalar, ModuleIdentity) = mibBuilder.import_symbols(
        "SNMPv2-SMI", "Integer32", "MibIdentifier", "MibScalar", "ModuleIdentity"
    )
    (sysUpTime,) = mibBuilder.import_symbols("SNMPv2-MIB", "sysUpTime")
    testExtraMIB = ModuleIdentity((1, 3, 6, 1, 4, 1, 99998))
    sysUpTimeInstance = MibIdentifier((1, 3, 6, 1, 2, 1, 1, 3, 0))
    testCount = MibScalar((1, 3, 6, 1, 4, 1, 99998, 1), Integer32()).setMaxAccess("read-only")
    mibBuilder.export_symbols(
        "TEST-EXTRA-MIB",
        PYSNMP_MODULE_ID=testExtraMIB,
        testExtraMIB=testExtraMIB,
        sysUpTimeInstance=sysUpTimeInstance,
        testCount=testCount,
    )
    """
)


def test_extra_sources_and_sysuptime_instance(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    mibs = tmp_path / "mibs"
    mibs.mkdir()
    (mibs / "TEST-EXTRA-MIB.py").write_text(EXTRA_MIB)
    index = build_index(("SNMPv2-MIB", "TEST-EXTRA-MIB"), extra_sources=(str(mibs),))
    assert {"SNMPv2-MIB", "SNMPv2-SMI", "TEST-EXTRA-MIB"} <= index.modules
    assert "RFC1213-MIB" not in index.modules
    assert index.resolve_name("testCount").type == "INTEGER32"
    assert parse_name("TEST-EXTRA-MIB::testCount.0", index) == (1, 3, 6, 1, 4, 1, 99998, 1, 0)
    # net-snmp's rule falls out of the longest-prefix match: sysUpTime.0 is sysUpTimeInstance.
    assert split_oid((*SYSTEM, 3, 0), index, numeric=False) == ("sysUpTimeInstance", "")
    assert split_oid((*SYSTEM, 3, 0), index, numeric=True) == (".1.3.6.1.2.1.1.3", "0")
    assert index.type_of((*SYSTEM, 3, 0)) == "TICKS"
    assert parse_name("sysUpTimeInstance", index) == (*SYSTEM, 3, 0)
    assert not (tmp_path / "home").exists()


def test_unknown_module_is_not_compiled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(LookupError, match="cannot load MIB module 'IF-MIB'"):
        build_index(("IF-MIB",))
    with pytest.raises(LookupError, match="'sysUpTime'"):
        build_index(("sysUpTime",))
    assert not (tmp_path / ".pysnmp").exists()


# -- import hygiene -------------------------------------------------------------------------------


def test_core_mibindex_does_not_import_pysnmp() -> None:
    code = (
        "import sys\n"
        "import snmp_component._core.mibindex as m\n"
        "node = m.MibNode('sysDescr', 'SNMPv2-MIB', (1, 3, 6, 1, 2, 1, 1, 1), 'OCTETSTR')\n"
        "idx = m.MibIndex([node])\n"
        "assert m.parse_name('sysDescr.0', idx) == (1, 3, 6, 1, 2, 1, 1, 1, 0)\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('pysnmp', 'pyasn1', 'pysmi'))\n"
        "assert not bad, bad\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
