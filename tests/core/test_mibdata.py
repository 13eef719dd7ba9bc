"""The compiled MIB data shipped in the package, and its loader (snmp_component._core.mibdata).

* the committed data file is exactly what ``scripts/compile_mibs.py`` makes of ../shared/mibs;
* every node net-snmp knows from those texts is in the index with net-snmp's type, access,
  textual convention, INDEX/AUGMENTS and enums (``snmptranslate -Tp``), and instance OIDs
  split into the names net-snmp prints (``snmptranslate -Os -Ob``);
* loading needs neither pysmi nor pysnmp.

The comparisons with net-snmp's command-line tools are skipped only when ``snmptranslate``
is not installed.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from snmp_component._core import mibdata
from snmp_component._core.mibindex import NETSNMP_MIB_TYPES, MibIndex, MibNode, split_oid
from snmp_component._core.oid import Oid, format_oid

ROOT = Path(__file__).resolve().parents[2]
MIB_DIR = ROOT.parent / "shared" / "mibs"
SCRIPT = ROOT / "scripts" / "compile_mibs.py"
DATA_FILE = ROOT / "snmp_component" / "mibs" / "index.json.gz"

SNMPTRANSLATE = shutil.which("snmptranslate")
needs_cli = pytest.mark.skipif(SNMPTRANSLATE is None, reason="net-snmp's snmptranslate missing")


@pytest.fixture(scope="module")
def index() -> MibIndex:
    return mibdata.default_index()


# -- the data file is generated, never edited -----------------------------------------------------


def _compile(mibs: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--mibs", str(mibs), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The data file compiled afresh from ../shared/mibs, and what the script printed."""
    assert MIB_DIR.is_dir(), f"MIB texts not found at {MIB_DIR}"
    try:
        import pysmi  # noqa: F401
    except ImportError:  # pragma: no cover - the project's test setup installs it
        pytest.fail("pysmi is needed to regenerate the MIB data: pip install pysmi==2.0.0")
    out = tmp_path_factory.mktemp("mibdata") / "index.json.gz"
    done = _compile(MIB_DIR, out)
    assert done.returncode == 0, done.stderr
    return out, done.stdout


def test_committed_data_is_what_the_script_generates(regenerated: tuple[Path, str]) -> None:
    """The committed file holds exactly the JSON the script generates, byte for byte.

    (The gzip container is deterministic too, mtime 0, but another zlib build may compress
    the same bytes differently, so the test compares what it holds.)
    """
    out, _ = regenerated
    assert gzip.decompress(out.read_bytes()) == gzip.decompress(DATA_FILE.read_bytes()), (
        "snmp_component/mibs/index.json.gz is stale or was edited by hand: "
        "run python scripts/compile_mibs.py"
    )


def test_script_reports_what_compiled(regenerated: tuple[Path, str]) -> None:
    _, report = regenerated
    texts = len(list(MIB_DIR.glob("*.txt")))
    assert f"compiled {texts} of {texts} MIB texts" in report
    assert "FAILED" not in report
    assert "compiled after fixing the text (see TEXT_FIXES): NET-SNMP-PASS-MIB" in report
    assert re.search(r"\d+ nodes \(\d+ scalars/columns\), \d+ modules", report)


def test_script_reports_a_failing_module(tmp_path: Path) -> None:
    mibs = tmp_path / "mibs"
    mibs.mkdir()
    for name in ("SNMPv2-SMI", "SNMPv2-TC", "SNMPv2-CONF", "SNMPv2-MIB"):
        shutil.copy(MIB_DIR / f"{name}.txt", mibs)
    (mibs / "BROKEN-MIB.txt").write_text("BROKEN-MIB DEFINITIONS ::= BEGIN\n nonsense ::= {\nEND\n")
    out = tmp_path / "out.json.gz"
    done = _compile(mibs, out)
    assert done.returncode == 0, done.stderr
    assert "compiled 4 of 5 MIB texts" in done.stdout
    assert re.search(r"FAILED \(1\):\n  BROKEN-MIB: failed: .+", done.stdout)
    index = mibdata.load_index(out.read_bytes())
    assert index.resolve_name("sysDescr").type == "OCTETSTR"
    assert "BROKEN-MIB" not in index.modules


# -- the loader -----------------------------------------------------------------------------------


def test_default_index_is_loaded_once(index: MibIndex) -> None:
    assert mibdata.default_index() is index
    assert len(index) > 3000
    assert {
        "SNMPv2-SMI",
        "SNMPv2-MIB",
        "IF-MIB",
        "IP-MIB",
        "HOST-RESOURCES-MIB",
        "HOST-RESOURCES-TYPES",
        "UCD-SNMP-MIB",
        "NET-SNMP-AGENT-MIB",
        "DISMAN-EVENT-MIB",
        "RFC1213-MIB",
    } <= index.modules


def test_load_index_rejects_other_formats() -> None:
    blob = gzip.compress(
        json.dumps({"format": 99, "modules": [], "enums": [], "nodes": []}).encode()
    )
    with pytest.raises(ValueError, match="format 99"):
        mibdata.load_index(blob)


def test_data_is_small_and_sorted() -> None:
    blob = mibdata.read_data()
    assert blob == DATA_FILE.read_bytes()
    assert len(blob) < 100_000
    data = json.loads(gzip.decompress(blob))
    assert data["format"] == mibdata.FORMAT
    assert json.dumps(data, sort_keys=True, separators=(",", ":")).encode() + b"\n" == (
        gzip.decompress(blob)
    )


def test_every_type_is_a_netsnmp_type(index: MibIndex) -> None:
    types = {node.type for node in index.nodes}
    assert types - {None} <= NETSNMP_MIB_TYPES
    assert types - {None} == NETSNMP_MIB_TYPES  # every one of them occurs
    for node in index.nodes:
        assert (node.type is not None) == (node.kind in ("scalar", "column")), node


def test_loading_imports_neither_pysmi_nor_pysnmp() -> None:
    code = (
        "import sys\n"
        "import snmp_component\n"
        "assert 'pysmi' not in sys.modules\n"
        "from snmp_component import names\n"
        "index = names.mib_index()\n"
        "assert names.resolve('ifHCInOctets.1') == (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1)\n"
        "assert index.resolve_name('memTotalReal').module == 'UCD-SNMP-MIB'\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in ('pysmi', 'pysnmp', 'jinja2'))\n"
        "assert not bad, bad\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.returncode == 0, done.stderr


def test_mibnode_new_fields_default_and_stay_compatible() -> None:
    plain = MibNode("sysDescr", "SNMPv2-MIB", (1, 3, 6, 1, 2, 1, 1, 1), "OCTETSTR")
    assert (plain.kind, plain.tc, plain.hint, plain.indexes, plain.implied) == (
        None,
        None,
        None,
        None,
        False,
    )
    assert (plain.augments, plain.units, plain.access, plain.enums) == (None, None, None, None)
    row = MibNode("ifEntry", "IF-MIB", (1, 3, 6, 1, 2, 1, 2, 2, 1), indexes=["ifIndex"])  # type: ignore[arg-type]
    assert row.indexes == ("ifIndex",)
    assert hash(row) == hash(MibNode("ifEntry", "IF-MIB", row.oid, indexes=("ifIndex",)))


# -- content --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "type_", "access", "tc", "hint"),
    [
        ("sysDescr", "scalar", "OCTETSTR", "read-only", "DisplayString", "255a"),
        ("sysUpTime", "scalar", "TICKS", "read-only", None, None),
        ("sysServices", "scalar", "INTEGER", "read-only", None, None),  # INTEGER (0..127)
        ("sysORLastChange", "scalar", "TICKS", "read-only", "TimeStamp", None),
        ("snmpSetSerialNo", "scalar", "INTEGER", "read-write", "TestAndIncr", None),
        ("snmpTargetAddrRetryCount", "column", "INTEGER32", "read-create", None, None),
        ("ifIndex", "column", "INTEGER32", "read-only", "InterfaceIndex", "d"),
        ("ifPhysAddress", "column", "OCTETSTR", "read-only", "PhysAddress", "1x:"),
        ("ifType", "column", "INTEGER", "read-only", "IANAifType", None),
        ("ifHCInOctets", "column", "COUNTER64", "read-only", None, None),
        ("ifHighSpeed", "column", "GAUGE", "read-only", None, None),
        ("ifLastChange", "column", "TICKS", "read-only", None, None),
        ("ifTable", "table", None, "not-accessible", None, None),
        ("ifEntry", "row", None, "not-accessible", None, None),
        ("ipAdEntAddr", "column", "IPADDR", "read-only", None, None),
        ("ipAddressAddr", "column", "OCTETSTR", "not-accessible", "InetAddress", None),
        ("ipAddressAddrType", "column", "INTEGER", "not-accessible", "InetAddressType", None),
        ("hrSWInstalledDate", "column", "OCTETSTR", "read-only", "DateAndTime",
         "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"),
        ("hrStorageType", "column", "OBJECTID", "read-only", "AutonomousType", None),
        ("hrStorageSize", "column", "INTEGER32", "read-write", None, None),
        ("hrMemorySize", "scalar", "INTEGER32", "read-only", "KBytes", None),
        ("memTotalReal", "scalar", "INTEGER32", "read-only", None, None),
        ("laLoadFloat", "column", "OPAQUE", "read-only", "Float", None),
        ("mteTriggerTest", "column", "BITS", "read-create", None, None),
        ("snmpTrapOID", "scalar", "OBJECTID", "accessible-for-notify", None, None),
        ("sysUpTimeInstance", None, None, None, None, None),
        ("system", None, None, None, None, None),
        ("ifMIB", "module", None, None, None, None),
        ("linkDown", "notification", None, None, None, None),
        ("ifGeneralInformationGroup", "group", None, None, None, None),
        ("hrStorageRam", None, None, None, None, None),
    ],
)  # fmt: skip
def test_node_attributes(
    index: MibIndex,
    name: str,
    kind: str | None,
    type_: str | None,
    access: str | None,
    tc: str | None,
    hint: str | None,
) -> None:
    node = index.resolve_name(name)
    assert (node.kind, node.type, node.access, node.tc, node.hint) == (
        kind,
        type_,
        access,
        tc,
        hint,
    )


def test_enums_and_bits(index: MibIndex) -> None:
    admin = index.resolve_name("ifAdminStatus").enums
    assert admin == {"up": 1, "down": 2, "testing": 3}
    assert isinstance(admin, MappingProxyType)
    assert list(admin) == ["up", "down", "testing"]  # in value order
    if_type = index.resolve_name("ifType").enums  # from the IANAifType convention
    assert if_type is not None and if_type["softwareLoopback"] == 24
    assert if_type["ethernetCsmacd"] == 6
    row_status = index.resolve_name("ifStackStatus")
    assert (row_status.tc, row_status.enums and row_status.enums["createAndGo"]) == ("RowStatus", 4)
    assert index.resolve_name("mteTriggerTest").enums == {
        "existence": 0,
        "boolean": 1,
        "threshold": 2,
    }
    assert index.resolve_name("hrStorageDescr").enums is None
    assert index.resolve_name("sysServices").enums is None
    # Nodes sharing an enum table share one read-only mapping.
    assert index.resolve_name("ifOperStatus").enums is not None
    a, b = index.resolve_name("ifStackStatus"), index.resolve_name("snmpTargetAddrRowStatus")
    assert a.enums is b.enums


def test_table_indexes(index: MibIndex) -> None:
    if_entry = index.resolve_name("ifEntry")
    assert (if_entry.indexes, if_entry.implied, if_entry.augments) == (("ifIndex",), False, None)
    if_x = index.resolve_name("ifXEntry")  # AUGMENTS { ifEntry }: ifEntry's index
    assert (if_x.indexes, if_x.augments) == (("ifIndex",), "ifEntry")
    assert index.resolve_name("ipAddressEntry").indexes == ("ipAddressAddrType", "ipAddressAddr")
    assert index.resolve_name("hrStorageEntry").indexes == ("hrStorageIndex",)
    assert index.resolve_name("ipAddrEntry").indexes == ("ipAdEntAddr",)
    mte = index.resolve_name("mteEventEntry")
    assert (mte.indexes, mte.implied) == (("mteOwner", "mteEventName"), True)
    assert index.resolve_name("ifTable").indexes is None
    # The index objects resolve, and the table's columns are the row's typed children.
    entry = index.resolve_name("hrStorageEntry")
    columns = [n.name for n in index.nodes if n.oid[:-1] == entry.oid and n.kind == "column"]
    assert columns[:3] == ["hrStorageIndex", "hrStorageType", "hrStorageDescr"]
    assert index.resolve_name("hrStorageIndex").type == "INTEGER32"
    assert index.resolve_name("memTotalReal").units == "kB"


def test_duplicate_definitions(index: MibIndex) -> None:
    # SMIv2 modules come before SMIv1 ones: IF-MIB's ifIndex (Integer32) wins bare lookups,
    # RFC1213-MIB's (INTEGER) stays reachable by module.
    assert index.resolve_name("ifIndex").module == "IF-MIB"
    assert index.node_at(index.resolve_name("ifIndex").oid) is index.resolve_name("ifIndex")
    assert index.resolve_name("ifIndex", "RFC1213-MIB").type == "INTEGER"
    assert index.resolve_name("ipForwarding").enums == {"forwarding": 1, "notForwarding": 2}
    assert index.resolve_name("ipForwarding", "RFC1213-MIB").enums == {
        "forwarding": 1,
        "not-forwarding": 2,
    }
    # A name two modules define at different OIDs: net-snmp's choice (NET-SNMP-TC's linux).
    assert format_oid(index.resolve_name("linux").oid) == ".1.3.6.1.4.1.8072.3.2.10"
    assert index.resolve_name("linux", "UCD-SNMP-MIB").oid[-2:] == (250, 10)
    # net-snmp's roots.
    assert [index.resolve_name(n).oid for n in ("ccitt", "iso", "joint-iso-ccitt")] == [
        (0,),
        (1,),
        (2,),
    ]


# -- against net-snmp -----------------------------------------------------------------------------

# snmptranslate -Tp column -> net-snmp type name (EnumVal is an enumerated INTEGER).
_TP_TYPES = {
    "ObjID": "OBJECTID",
    "String": "OCTETSTR",
    "INTEGER": "INTEGER",
    "EnumVal": "INTEGER",
    "NetAddr": "NETADDR",
    "IpAddr": "IPADDR",
    "Counter": "COUNTER",
    "Gauge": "GAUGE",
    "TimeTicks": "TICKS",
    "Opaque": "OPAQUE",
    "Counter64": "COUNTER64",
    "BitString": "BITS",
    "Unsigned": "UNSIGNED32",
    "Integer32": "INTEGER32",
}
_TP_ACCESS = {
    "----": "not-accessible",
    "-R--": "read-only",
    "-RW-": "read-write",
    "--W-": "write-only",
    "---N": "accessible-for-notify",
    "CR--": "read-create",
}
_TP_NODE = re.compile(
    r"^(?P<pre>[ |]*)\+--(?: (?P<acc>\S{4}) (?P<typ>\S+)\s+)?(?P<name>[^ (]+)\((?P<sub>\d+)\)"
)
_TP_ATTRS = {
    "Textual Convention: ": "tc",
    "Index: ": "index",
    "Augments: ": "augments",
    "Values: ": "values",
}

# Known, explained differences from net-snmp.
_NETSNMP_EXCEPTIONS = {
    # SMIv1 NetworkAddress: net-snmp has a type of its own (NETADDR); pysmi compiles it to
    # IpAddress, and IPADDR is what the component can encode (an IpAddress on the wire).
    "atNetAddress": {"type": ("NETADDR", "IPADDR")},
}


def _cli(*args: str) -> str:
    assert SNMPTRANSLATE is not None
    env = {k: v for k, v in os.environ.items() if k not in ("MIBS", "MIBDIRS")}
    done = subprocess.run(
        [SNMPTRANSLATE, "-M", str(MIB_DIR), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _parse_tp(text: str) -> dict[Oid, dict[str, Any]]:
    nodes: dict[Oid, dict[str, Any]] = {}
    stack: list[int] = []
    last: dict[str, Any] | None = None
    for line in text.splitlines():
        m = _TP_NODE.match(line)
        if m:
            del stack[len(m["pre"]) // 3 :]
            stack.append(int(m["sub"]))
            last = nodes[tuple(stack)] = {
                "name": m["name"],
                "type": _TP_TYPES[m["typ"]] if m["typ"] else None,
                "access": _TP_ACCESS[m["acc"]] if m["acc"] else None,
            }
            continue
        text_ = line.strip(" |")
        for label, key in _TP_ATTRS.items():
            if last is not None and text_.startswith(label):
                last[key] = text_[len(label) :]
    return nodes


@cache
def _netsnmp_tree() -> dict[Oid, dict[str, Any]]:
    """net-snmp's view of every node: with all modules, except where RFC1213-MIB and an
    SMIv2 module define the same node: there the SMIv2 definition, as net-snmp's default
    MIB list (which has no RFC1213-MIB) gives it. (With ``-m ALL`` the first module loaded
    wins, and that depends on the order net-snmp happens to read the directory.)"""
    everything = _parse_tp(_cli("-m", "ALL", "-Tp"))
    modules = sorted(p.stem for p in MIB_DIR.glob("*.txt") if p.stem != "RFC1213-MIB")
    smiv2 = _parse_tp(_cli("-m", ":".join(modules), "-Tp"))
    return {**everything, **smiv2}


@needs_cli
def test_every_node_matches_netsnmp(index: MibIndex) -> None:
    tree = _netsnmp_tree()
    assert len(tree) > 3000
    problems: list[str] = []
    for oid, ref in tree.items():
        node = index.node_at(oid)
        if node is None:
            problems.append(f"{format_oid(oid)} {ref['name']}: missing")
            continue
        ours: dict[str, Any] = {
            "name": node.name,
            "type": node.type,
            "access": node.access if ref["type"] is not None else ref["access"],
            "tc": node.tc,
            "index": ", ".join(node.indexes) if node.indexes else None,
            "augments": node.augments,
            "values": node.enums and ", ".join(f"{k}({v})" for k, v in node.enums.items()),
        }
        if ref.get("values"):  # net-snmp lists enums in MIB order, ours are in value order
            ref = {**ref, "values": ", ".join(sorted(ref["values"].split(", "), key=_enum_key))}
        expected_diffs = _NETSNMP_EXCEPTIONS.get(node.name, {})
        for key, ref_value in ref.items():
            value = ours[key]
            if value != ref_value and expected_diffs.get(key) != (ref_value, value):
                problems.append(f"{node.module}::{node.name} {key}: {value!r} != {ref_value!r}")
    assert not problems, "\n".join(problems[:40])
    # The index has nothing net-snmp lacks except the roots' other subtrees (ccitt,
    # joint-iso-ccitt, zeroDotZero), which -Tp (iso subtree only) does not print.
    extra = {node.name for node in index.nodes if node.oid not in tree}
    assert extra == {"ccitt", "joint-iso-ccitt", "zeroDotZero"}


def _enum_key(item: str) -> int:
    return int(item.rsplit("(", 1)[1].rstrip(")"))


# The objects the component's users name most, with the type net-snmp gives them.
NETSNMP_TYPES = [
    ("IF-MIB", "ifNumber", "INTEGER32"),
    ("IF-MIB", "ifIndex", "INTEGER32"),
    ("IF-MIB", "ifDescr", "OCTETSTR"),
    ("IF-MIB", "ifType", "INTEGER"),
    ("IF-MIB", "ifMtu", "INTEGER32"),
    ("IF-MIB", "ifSpeed", "GAUGE"),
    ("IF-MIB", "ifPhysAddress", "OCTETSTR"),
    ("IF-MIB", "ifAdminStatus", "INTEGER"),
    ("IF-MIB", "ifLastChange", "TICKS"),
    ("IF-MIB", "ifInOctets", "COUNTER"),
    ("IF-MIB", "ifHCInOctets", "COUNTER64"),
    ("IF-MIB", "ifHighSpeed", "GAUGE"),
    ("IF-MIB", "ifPromiscuousMode", "INTEGER"),
    ("IF-MIB", "ifStackStatus", "INTEGER"),
    ("IF-MIB", "ifTableLastChange", "TICKS"),
    ("IP-MIB", "ipForwarding", "INTEGER"),
    ("IP-MIB", "ipDefaultTTL", "INTEGER32"),
    ("IP-MIB", "ipInReceives", "COUNTER"),
    ("IP-MIB", "ipAdEntAddr", "IPADDR"),
    ("IP-MIB", "ipAdEntIfIndex", "INTEGER"),  # INTEGER (1..2147483647)
    ("IP-MIB", "ipAddressPrefix", "OBJECTID"),
    ("IP-MIB", "ipAddressIfIndex", "INTEGER32"),
    ("IP-MIB", "ipSystemStatsHCInReceives", "COUNTER64"),
    ("IP-MIB", "ipv6InterfaceReachableTime", "UNSIGNED32"),
    ("IP-MIB", "ipAddressSpinLock", "INTEGER"),
    ("HOST-RESOURCES-MIB", "hrSystemUptime", "TICKS"),
    ("HOST-RESOURCES-MIB", "hrSystemDate", "OCTETSTR"),
    ("HOST-RESOURCES-MIB", "hrStorageType", "OBJECTID"),
    ("HOST-RESOURCES-MIB", "hrStorageAllocationUnits", "INTEGER32"),
    ("HOST-RESOURCES-MIB", "hrStorageAllocationFailures", "COUNTER"),
    ("HOST-RESOURCES-MIB", "hrProcessorLoad", "INTEGER32"),
    ("HOST-RESOURCES-MIB", "hrSWRunStatus", "INTEGER"),
    ("HOST-RESOURCES-MIB", "hrSystemMaxProcesses", "INTEGER32"),
    ("HOST-RESOURCES-MIB", "hrPrinterDetectedErrorState", "OCTETSTR"),
    ("UCD-SNMP-MIB", "memTotalReal", "INTEGER32"),
    ("UCD-SNMP-MIB", "memTotalSwap", "INTEGER32"),
    ("UCD-SNMP-MIB", "memTotalRealX", "COUNTER64"),
    ("UCD-SNMP-MIB", "ssCpuRawUser", "COUNTER"),
    ("UCD-SNMP-MIB", "laLoadFloat", "OPAQUE"),
    ("UCD-SNMP-MIB", "laLoadInt", "INTEGER32"),
    ("UCD-SNMP-MIB", "dskPercent", "INTEGER32"),
    ("UCD-SNMP-MIB", "dskTotalHigh", "UNSIGNED32"),
    ("UCD-SNMP-MIB", "memSwapError", "INTEGER"),
    ("SNMPv2-MIB", "sysServices", "INTEGER"),
    ("SNMPv2-MIB", "sysORID", "OBJECTID"),
    ("DISMAN-EVENT-MIB", "mteTriggerTest", "BITS"),
    ("RFC1213-MIB", "ipRouteDest", "IPADDR"),
    ("RFC1213-MIB", "egpNeighAs", "INTEGER"),
]


@pytest.mark.parametrize(("module", "name", "type_"), NETSNMP_TYPES)
def test_types_of_common_objects(index: MibIndex, module: str, name: str, type_: str) -> None:
    node = index.resolve_name(name, module)
    assert node.type == type_
    if SNMPTRANSLATE is not None:
        assert _netsnmp_tree()[node.oid]["type"] == type_


@needs_cli
@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("SNMPv2-MIB::sysDescr", "255a"),
        ("IF-MIB::ifPhysAddress", "1x:"),
        ("IF-MIB::ifIndex", "d"),
        ("HOST-RESOURCES-MIB::hrSWInstalledDate", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"),
        ("SNMP-FRAMEWORK-MIB::snmpEngineID", None),
        ("IP-MIB::ipAddressAddr", None),
        ("UCD-SNMP-MIB::memTotalReal", None),
    ],
)
def test_display_hints_match_netsnmp(index: MibIndex, name: str, hint: str | None) -> None:
    module, _, label = name.partition("::")
    assert index.resolve_name(label, module).hint == hint
    found = re.search(r'DISPLAY-HINT\s+"([^"]*)"', _cli("-m", "ALL", "-Td", name))
    assert (found.group(1) if found else None) == hint


@needs_cli
def test_instance_names_match_netsnmp(index: MibIndex) -> None:
    """Every scalar/column instance ``OID.1``, plus a few special OIDs, splits into the
    ``tag.iid`` net-snmp prints with ``-Os -Ob`` (suffix names, indexes not broken down,
    as SNMP.pm sets them)."""
    oids = [(*node.oid, 1) for node in index.nodes if node.type is not None]
    oids = list(dict.fromkeys(oids))
    special = [
        (1, 3, 6, 1, 2, 1, 1, 3, 0),  # sysUpTimeInstance
        (1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 127, 0, 0, 1),
        (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1, 5),
        (1, 3, 6, 1, 2, 1, 25, 2, 3, 1, 3, 1),
    ]
    out = _cli("-m", "ALL", "-Os", "-Ob", *(format_oid(o) for o in [*oids, *special]))
    names = [line for line in out.splitlines() if line]
    assert len(names) == len(oids) + len(special)
    problems = []
    for oid, expected in zip([*oids, *special], names, strict=True):
        tag, iid = split_oid(oid, index, numeric=False)
        got = f"{tag}.{iid}" if iid else tag
        if got != expected:
            problems.append(f"{format_oid(oid)}: {got} != {expected}")
    assert not problems, "\n".join(problems[:40])
