"""The ``snmpc`` command line (``python -m snmp_component``) against net-snmp's own tools.

Each test runs our CLI and the net-snmp tool with the same options against the session's
``snmpd`` and compares stdout, stderr and the exit code. net-snmp's tools load the MIB texts
the package's compiled MIBs come from (``-m ALL -M ../shared/mibs``), so names must match
exactly. Values that move between the two runs (TimeTicks, counters) are masked.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from snmp_component.testing import V3_USERS, SnmpdAgent
from tests.relay import Relay

REPO = Path(__file__).resolve().parent.parent
MIB_DIR = (REPO / ".." / "shared" / "mibs").resolve()
NET_SNMP = {"get": "snmpget", "getnext": "snmpgetnext", "walk": "snmpwalk",
            "bulkwalk": "snmpbulkwalk", "set": "snmpset", "table": "snmptable",
            "inform": "snmpinform"}  # fmt: skip

needs_net_snmp = pytest.mark.skipif(
    shutil.which("snmpget") is None or not MIB_DIR.is_dir(),
    reason="net-snmp's CLI tools (or the MIB texts for -m ALL) are missing",
)

_TICKS = re.compile(r"Timeticks: \(\d+\) [\d:.days, ]+$")


def _mask(text: str) -> list[str]:
    """Lines with moving values masked: TimeTicks, snmpEngineTime and counters (the
    loopback interface's octets move with our own requests)."""
    lines = []
    for line in text.splitlines():
        line = _TICKS.sub("Timeticks: (T) T", line)
        line = re.sub(r"(snmpEngineTime\.0 = INTEGER: )\d+", r"\1N", line)
        line = re.sub(r"(Counter(?:32|64): )\d+", r"\1N", line)
        if re.search(r"sysUpTime|\.1\.3\.6\.1\.2\.1\.1\.3\.0|\.1\.3\.6\.1\.2\.1\.1\.3 ", line):
            line = re.sub(r"\d+", "N", line)  # the agent's uptime, in any -O form
        lines.append(line)
    return lines


def ours(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "snmp_component", command, *args],
        capture_output=True, text=True, timeout=60, cwd=REPO, check=False,
    )  # fmt: skip


def theirs(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [NET_SNMP[command], "-m", "ALL", "-M", str(MIB_DIR), *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def compare(command: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run both; assert the same (masked) stdout and stderr lines and exit code."""
    mine, ref = ours(command, *args), theirs(command, *args)
    assert _mask(mine.stdout) == _mask(ref.stdout)
    assert mine.stderr.splitlines() == ref.stderr.splitlines()
    assert mine.returncode == ref.returncode
    return mine


def agent_of(snmpd: SnmpdAgent) -> str:
    return f"127.0.0.1:{snmpd.port}"


def v2c(snmpd: SnmpdAgent, community: str = "public") -> list[str]:
    return ["-v2c", "-c", community, agent_of(snmpd)]


GET_OIDS = [
    "sysDescr.0",
    "sysObjectID.0",
    "sysUpTime.0",
    "sysContact.0",
    "sysName.0",
    "ifDescr.1",
    "ifType.1",
    "ifAdminStatus.1",
    "hrStorageDescr.1",
    "ifDescr.9999",  # noSuchInstance
    ".1.9",  # noSuchObject
]


@needs_net_snmp
@pytest.mark.parametrize("oid", GET_OIDS)
def test_get_matches_net_snmp(snmpd: SnmpdAgent, oid: str) -> None:
    result = compare("get", *v2c(snmpd), oid)
    assert result.returncode == 0 and result.stdout.strip()


@needs_net_snmp
def test_get_many_and_exact_lines(snmpd: SnmpdAgent) -> None:
    result = compare("get", *v2c(snmpd), *GET_OIDS)
    lines = result.stdout.splitlines()
    assert "SNMPv2-MIB::sysName.0 = STRING: anchor-agent" in lines
    assert "SNMPv2-MIB::sysObjectID.0 = OID: NET-SNMP-TC::linux" in lines
    assert "IF-MIB::ifType.1 = INTEGER: softwareLoopback(24)" in lines
    assert "IF-MIB::ifDescr.9999 = No Such Instance currently exists at this OID" in lines
    assert "iso.9 = No Such Object available on this agent at this OID" in lines
    assert any(re.fullmatch(r".*::sysUpTimeInstance = Timeticks: \(\d+\) .*", x) for x in lines)


@needs_net_snmp
def test_get_phys_address_of_an_interface_with_a_mac(snmpd: SnmpdAgent) -> None:
    walked = theirs("walk", "-On", *v2c(snmpd), "ifPhysAddress").stdout.splitlines()
    with_mac = [line.split()[0] for line in walked if re.search(r"STRING: \w+:", line)]
    if not with_mac:
        pytest.skip("no interface with a MAC address on this machine")
    result = compare("get", *v2c(snmpd), with_mac[0])
    assert re.search(r"IF-MIB::ifPhysAddress\.\d+ = STRING: [0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$",
                     result.stdout.strip())  # fmt: skip


@needs_net_snmp
def test_numeric_output(snmpd: SnmpdAgent) -> None:
    result = compare("get", "-On", *v2c(snmpd), "sysName.0", "sysObjectID.0", "sysUpTime.0")
    lines = result.stdout.splitlines()
    assert lines[0] == ".1.3.6.1.2.1.1.5.0 = STRING: anchor-agent"
    assert lines[1] == ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10"


@needs_net_snmp
def test_getnext(snmpd: SnmpdAgent) -> None:
    result = compare("getnext", *v2c(snmpd), "sysName.0", "ifDescr.1", ".1.9")
    assert result.stdout.splitlines()[0] == "SNMPv2-MIB::sysLocation.0 = STRING: Anchor Lab"


@needs_net_snmp
@pytest.mark.parametrize("version", ["1", "2c"])
def test_walk_system(snmpd: SnmpdAgent, version: str) -> None:
    result = compare("walk", f"-v{version}", "-c", "public", agent_of(snmpd), "system")
    assert "SNMPv2-MIB::sysName.0 = STRING: anchor-agent" in result.stdout.splitlines()


@needs_net_snmp
@pytest.mark.parametrize(
    "oid",
    [
        "sysName.0",  # nothing below a scalar instance: snmpwalk GETs the root
        ".1.3.6.1.6.9",  # endOfMibView inside the subtree is printed
        "vacmAccessTable",  # string and enum indexes: ."grpcomm1"."".0.noAuthNoPriv
        "usmUserSecurityName",  # non-printable string indexes
    ],
)
def test_walk_edge_cases(snmpd: SnmpdAgent, oid: str) -> None:
    compare("walk", *v2c(snmpd), oid)


@needs_net_snmp
@pytest.mark.parametrize(
    "oid",
    [
        "ipAddressIfIndex",  # InetAddress indexes: ipv4."127.0.0.1", ipv6."00:...:01"
        "udpEndpointProcess",  # two typed InetAddresses in each instance
        "tcpListenerProcess",
        "ipForwarding",  # RFC1213-MIB names it, so its value is RFC1213's: not-forwarding(2)
        "ip",  # the whole group: every name and value from one module's node
        "nsModuleTable",  # "" string indexes, an OID index with its length
        "hrStorageDescr",  # DISPLAY-HINT strings printed as they are
    ],
)
def test_walk_names_and_values_from_one_node(snmpd: SnmpdAgent, oid: str) -> None:
    result = compare("walk", *v2c(snmpd), oid)
    assert result.returncode == 0 and result.stdout.strip()


@needs_net_snmp
def test_bulkwalk_inet_address_indexes_as_net_snmp(snmpd: SnmpdAgent) -> None:
    result = compare("bulkwalk", "-Cr7", *v2c(snmpd), "ipAddressTable")
    assert 'IP-MIB::ipAddressIfIndex.ipv4."127.0.0.1" = INTEGER: 1' in result.stdout.splitlines()


@needs_net_snmp
def test_walk_v1_end_of_mib(snmpd: SnmpdAgent) -> None:
    result = compare("walk", "-v1", "-c", "public", agent_of(snmpd), ".1.9")
    assert result.stdout == "End of MIB\n"


@needs_net_snmp
def test_bulkwalk_ifdescr(snmpd: SnmpdAgent) -> None:
    result = compare("bulkwalk", "-Cr10", *v2c(snmpd), "ifDescr")
    assert result.stdout.splitlines()[0] == "IF-MIB::ifDescr.1 = STRING: lo"


@needs_net_snmp
def test_bulkwalk_snmp_modules(snmpd: SnmpdAgent) -> None:
    compare("bulkwalk", "-Cr25", *v2c(snmpd), ".1.3.6.1.6.3")


@needs_net_snmp
@pytest.mark.parametrize(
    "table",
    [
        "sysORTable",
        "hrStorageTable",
        "ipAddrTable",
        "ipAddressTable",  # cells of rows with InetAddress indexes
        "snmpNotifyFilterTable",  # no rows: "...: No entries"
    ],
)
def test_table(snmpd: SnmpdAgent, table: str) -> None:
    if table != "hrStorageTable":
        compare("table", *v2c(snmpd), table)
        return
    # memory in use moves between the two runs (and so do the column widths)
    mine, ref = ours("table", *v2c(snmpd), table), theirs("table", *v2c(snmpd), table)
    assert _digits_masked(mine.stdout) == _digits_masked(ref.stdout)
    assert (mine.stderr, mine.returncode) == (ref.stderr, ref.returncode)


@needs_net_snmp
def test_v3_auth_priv_get(snmpd: SnmpdAgent) -> None:
    user = next(u for u in V3_USERS if u.name == "privAES256User")
    args = [*user.net_snmp_args(), agent_of(snmpd), "sysName.0", "sysUpTime.0"]
    result = compare("get", *args)
    assert result.stdout.splitlines()[0] == "SNMPv2-MIB::sysName.0 = STRING: anchor-agent"


@needs_net_snmp
@pytest.mark.parametrize("command", ["get", "walk"])
def test_timeout_to_a_dead_port(command: str) -> None:

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))  # held, so nothing else answers on it
        port = sock.getsockname()[1]
        args = ["-v2c", "-c", "public", "-t", "0.2", "-r", "1", f"127.0.0.1:{port}", "sysName.0"]
        result = compare(command, *args)
    assert result.returncode == 1
    dot = "." if command == "get" else ""
    assert result.stderr == f"Timeout: No Response from 127.0.0.1:{port}{dot}\n"


@needs_net_snmp
def test_set_with_read_only_community(snmpd: SnmpdAgent) -> None:
    result = compare("set", *v2c(snmpd), "sysName.0", "s", "new-name")
    assert result.returncode == 2
    assert result.stderr.splitlines()[:3] == [
        "Error in packet.",
        "Reason: noAccess",
        "Failed object: SNMPv2-MIB::sysName.0",
    ]
    assert result.stdout == ""


@needs_net_snmp
def test_set_not_writable(snmpd: SnmpdAgent) -> None:
    result = compare("set", *v2c(snmpd, "private"), "sysContact.0", "s", "x")
    assert result.returncode == 2


@needs_net_snmp
def test_v1_no_such_name_reports_and_retries(snmpd: SnmpdAgent) -> None:
    result = compare("get", "-v1", "-c", "public", agent_of(snmpd), "sysName.0", "ifDescr.9999")
    assert result.returncode == 2
    assert result.stdout == "SNMPv2-MIB::sysName.0 = STRING: anchor-agent\n"


def test_no_progress_output_when_stderr_is_not_a_terminal(snmpd: SnmpdAgent) -> None:
    result = ours("walk", *v2c(snmpd), ".1.3.6.1.2.1")
    assert result.returncode == 0
    assert result.stderr == ""
    assert len(result.stdout.splitlines()) > 50


def test_in_process_main(snmpd: SnmpdAgent, capsys: pytest.CaptureFixture[str]) -> None:
    from snmp_component.cli import main

    assert main(["get", *v2c(snmpd), "sysName.0"]) == 0
    assert capsys.readouterr().out == "SNMPv2-MIB::sysName.0 = STRING: anchor-agent\n"


def test_unknown_object(snmpd: SnmpdAgent) -> None:
    result = ours("get", *v2c(snmpd), "noSuchThing.0")
    assert result.returncode == 1
    assert result.stderr.startswith("noSuchThing.0: Unknown Object Identifier")


@needs_net_snmp
@pytest.mark.parametrize(
    "triple",
    [
        ["sysName.0", "i", "5"],
        ["sysName.0", "o", ".1.3"],
        ["ifInOctets.1", "u", "1"],
        ["sysORLastChange.0", "u", "1"],
        ["sysName.0", "q", "5"],
        ["sysName.0", "s"],
        ["sysName.0"],
    ],
)
def test_set_checked_before_sending(snmpd: SnmpdAgent, triple: list[str]) -> None:
    result = compare("set", *v2c(snmpd, "private"), *triple)
    assert result.returncode == 1 and result.stdout == ""


@needs_net_snmp
def test_set_success_prints_the_response(snmpd: SnmpdAgent) -> None:
    # versionClearCache.0 (UCD-SNMP-MIB): writable and harmless, the agent just drops caches
    result = compare("set", *v2c(snmpd, "private"), "versionClearCache.0", "i", "1")
    assert result.stdout == "UCD-SNMP-MIB::versionClearCache.0 = INTEGER: 1\n"


OUTPUT_OPTIONS = ["-Oq", "-OQ", "-Ov", "-Oqv", "-Os", "-OS", "-Of", "-On", "-Ou", "-Ob",
                  "-OE", "-Oe", "-Ot", "-OU", "-Oa", "-Ox", "-OT", "-OxT", "-Oqs", "-Oeqv",
                  "-OsQ", "-Obn", "-OX", "-OXq", "-OXs", "-OXf", "-OXt", "-OXE", "-OXb",
                  "-OXn", "-OXqv", "-O0", "-O0q", "-Ox0"]  # fmt: skip
STABLE_SUBTREES = ["sysORTable", "vacmAccessTable", "ipAddressTable", "hrStorageDescr",
                   "ifType", "ifPhysAddress", "usmUserSecurityName", "nsModuleTable"]  # fmt: skip


@needs_net_snmp
@pytest.mark.parametrize("options", OUTPUT_OPTIONS)
def test_output_options_as_net_snmp(snmpd: SnmpdAgent, options: str) -> None:
    """Every -O letter net-snmp users type daily, on walks of subtrees whose values do not
    move (string, InetAddress, OID and enum indexes; hinted, hex and enum values)."""
    for subtree in STABLE_SUBTREES:
        compare("walk", options, *v2c(snmpd), subtree)
    compare("get", options, *v2c(snmpd), "sysObjectID.0", "ifAdminStatus.1", "hrMemorySize.0",
            "ifDescr.9999")  # fmt: skip


@needs_net_snmp
def test_output_options_on_moving_values(snmpd: SnmpdAgent) -> None:
    """-Ot prints TimeTicks as a number, -Oq as net-snmp's quick uptime: the same shape."""
    for options in ("-Ot", "-Oqt", "-Oq", "-OQ", "-Ov"):
        mine = ours("get", options, *v2c(snmpd), "sysUpTime.0", "hrSystemUptime.0").stdout
        ref = theirs("get", options, *v2c(snmpd), "sysUpTime.0", "hrSystemUptime.0").stdout
        assert re.sub(r"\d+", "#", mine) == re.sub(r"\d+", "#", ref), options


@needs_net_snmp
def test_float_precision_as_net_snmp(snmpd: SnmpdAgent) -> None:
    """-Op: printf's flags, width and precision for Opaque floats (UCD's laLoadFloat),
    attached or in the next argument; the load moves, so digits are masked."""
    for options in (["-Op5.2"], ["-Op", ".1"], ["-O", "p", "-3.1"], ["-Oqp", "+010.3"],
                    ["-Op3", "-Oq"], ["-Op", "5.2", "-Op", "2.1"], ["-Opl"]):  # fmt: skip
        mine = ours("walk", *options, *v2c(snmpd), "laLoadFloat")
        ref = theirs("walk", *options, *v2c(snmpd), "laLoadFloat")
        assert re.sub(r"\d", "#", mine.stdout) == re.sub(r"\d", "#", ref.stdout), options
        assert mine.stderr == ref.stderr == "" and mine.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ("-Oz", "Unknown output option passed to -O: z."),
        ("-OF", "Unknown output option passed to -O: F."),  # (not in net-snmp 5.9)
        ("-Opabc", "-Opabc: not a printf width and precision (such as 5.2)"),
    ],
)
def test_bad_output_options_are_refused_in_one_line(
    snmpd: SnmpdAgent, options: str, message: str
) -> None:
    result = ours("get", options, *v2c(snmpd), "sysName.0")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [message] and result.stdout == ""


@needs_net_snmp
@pytest.mark.parametrize(
    ("options", "oid"),
    [
        (["-Cp"], "system"),
        (["-Ci"], "sysName"),  # the root first: No Such Instance, then the walk
        (["-CI"], "sysName.0"),  # nothing below, and no GET of the root either
        (["-Cp", "-Ci"], ".1.3.6.1.6.9"),  # exceptions are counted too
        (["-CE", "sysLocation.0"], "system"),  # ends before the given OID
        (["-Cc"], "system"),
        (["-Cpc", "-Ci"], "sysORTable"),
    ],
)
def test_walk_application_options(snmpd: SnmpdAgent, options: list[str], oid: str) -> None:
    compare("walk", *options, *v2c(snmpd), oid)


@needs_net_snmp
@pytest.mark.parametrize("options", [["-Cp"], ["-Ci", "-Cn1", "-Cr3"], ["-Cr3", "-Cc"], ["-Cpi"]])
def test_bulkwalk_application_options(snmpd: SnmpdAgent, options: list[str]) -> None:
    compare("bulkwalk", *options, *v2c(snmpd), "system")


@needs_net_snmp
def test_bulkwalk_max_repetitions_in_the_next_argument(snmpd: SnmpdAgent) -> None:
    """``-Cr 3`` reads as ``-Cr3`` (snmptable reads it so; snmpbulkwalk refuses it)."""
    mine = ours("bulkwalk", "-Cr", "3", *v2c(snmpd), "sysORTable")
    assert _mask(mine.stdout) == _mask(theirs("bulkwalk", "-Cr3", *v2c(snmpd), "sysORTable").stdout)


@needs_net_snmp
def test_walk_traversal_time(snmpd: SnmpdAgent) -> None:
    lines = ours("walk", "-Ct", *v2c(snmpd), "sysName").stderr.splitlines()
    ref = theirs("walk", "-Ct", *v2c(snmpd), "sysName").stderr.splitlines()
    assert len(ref) == 1
    assert [re.sub(r"\d+\.\d+", "T", line) for line in lines] == [
        re.sub(r"\d+\.\d+", "T", line) for line in ref
    ]


@pytest.mark.parametrize(("command", "letter"), [("walk", "z"), ("bulkwalk", "t"), ("get", "p")])
def test_unknown_application_option(snmpd: SnmpdAgent, command: str, letter: str) -> None:
    result = ours(command, f"-C{letter}", *v2c(snmpd), "system")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [f"Unknown flag passed to -C: {letter}"]


AS_NET_SNMP_READS_THEM = [
    # snmpwalk's GET of the root says nothing on an error-status (SNMPv1 noSuchName)
    ("walk", "-v1", "snmpNotifyFilterTable"),
    ("walk", "-v1", "ifDescr.9999"),
    ("walk", "-Ci", "-v1", "system"),
    ("walk", "-Cp", "-v1", "snmpNotifyFilterTable"),
    # snmpget/snmpgetnext ask again without the failed object, unless -Cf
    ("getnext", "-v1", "sysName.0", ".1.9"),
    ("getnext", "-Cf", "-v1", "sysName.0", ".1.9"),
    ("get", "-Cf", "-v1", "sysName.0", ".1.9"),
    # walk: the first OID only; -C flags toggle; E takes the next argument
    ("walk", "-v2c", "system", "sysName"),
    ("walk", "-Cii", "-v2c", "system"),
    ("walk", "-CiE", "sysORID.3", "-v2c", "system"),
    ("walk", "-CEsysORID.3", "-v2c", "system"),
    # bulkwalk: -Cr numbers as strtol reads them; no GETBULK on SNMPv1
    ("bulkwalk", "-Cr0x5", "-v2c", "system"),
    ("bulkwalk", "-Cr010", "-Cn1", "-v2c", "system"),
    ("bulkwalk", "-v1", ".1.3.6.1.2.1.1.9"),
    # a lone arc goes out as net-snmp sends it (the one octet: ccitt.2 to the agent)
    ("getnext", "-v2c", ".1.3.6.1.2.1.2.2.1.22", ".1.4", ".2", "iso"),
    ("get", "-v2c", ".2", "ccitt", ".0"),
    ("bulkwalk", "-v2c", "-Cr3", ".2"),
    ("bulkwalk", "-v1", "sysORTable"),  # net-snmp's stale note after the error: (Sub-id ...)
]


@needs_net_snmp
@pytest.mark.parametrize("words", AS_NET_SNMP_READS_THEM, ids=" ".join)
def test_options_and_ends_as_net_snmp_reads_them(snmpd: SnmpdAgent, words: tuple[str, ...]) -> None:
    command, *options = words
    version = next(w for w in options if w.startswith("-v"))
    community = ["-c", "public"] if version != "-v3" else []
    at = options.index(version) + 1
    compare(command, *options[:at], *community, agent_of(snmpd), *options[at:])


@needs_net_snmp
def test_set_values_that_start_with_a_dash(snmpd: SnmpdAgent) -> None:
    """``s -1:2``, ``i -5``: values, not options (the words after the agent are triples)."""
    for triple in (["sysContact.0", "s", "-1:2"], ["nsCacheDefaultTimeout.0", "i", "-5"],
                   ["sysContact.0", "s", "-x", "sysLocation.0", "s", "-c"]):  # fmt: skip
        compare("set", *v2c(snmpd, "private"), *triple)


@needs_net_snmp
@pytest.mark.parametrize("where", ["/nonexistent-mibs", str(MIB_DIR)])
def test_a_mib_module_found_nowhere(snmpd: SnmpdAgent, where: str) -> None:
    """net-snmp's two lines for a module in none of the directories; the command goes on
    (the output differs: net-snmp's -m replaces its modules, snmpc's adds to the shipped)."""
    words = ["get", "-M", where, "-m", "NOPE-MIB", *v2c(snmpd), ".1.3.6.1.2.1.1.5.0"]
    mine, ref = ours(*words), theirs(*words)
    assert (
        mine.stderr.splitlines()
        == ref.stderr.splitlines()
        == [
            f"MIB search path: {where}",
            f"Cannot find module (NOPE-MIB): At line {int(where == str(MIB_DIR))} in (none)",
        ]
    )
    assert mine.returncode == ref.returncode == 0


@needs_net_snmp
@pytest.mark.parametrize(
    "words",
    [["get", "FOO-MIB::x.0", ".1.3.6.1.2.1.1.5.0", "BAR-MIB::y.0"],
     ["getnext", "FOO-MIB::sysName.0"], ["walk", "FOO-MIB::x", "BAR-MIB::y"],
     ["table", "FOO-MIB::sysORTable"],
     ["set", "FOO-MIB::sysContact.0", "s", "x", "BAR-MIB::y.0", "s", "z"],
     ["set", ".1.3.6.1.2.1.1.2.0", "o", "FOO-MIB::x"]],
    ids=" ".join,
)  # fmt: skip
def test_an_oid_of_a_module_found_nowhere(snmpd: SnmpdAgent, words: list[str]) -> None:
    """``FOO-MIB::x``: net-snmp looks for the module first, says where it looked (once)
    and that it found none, then that the OID is unknown; snmpget says it of each."""
    command, *oids = words
    compare(command, "-M", "/nonexistent-mibs", *v2c(snmpd), *oids)


@needs_net_snmp
@pytest.mark.parametrize(
    "oids",
    [["sysDescr.0", "FOO-MIB::x.1", "BAR-MIB::y.0"], ["FOO-MIB::x.1", "sysDescr.0"],
     ["sysDescr.0", "FOO-MIB::x.1", "sysName.0", "BAR-MIB::y"],
     ["nosuch.0", "FOO-MIB::x.1"], ["sysName.0", "SNMPv2-MIB::nosuch.0"]],
    ids=" ".join,
)  # fmt: skip
def test_unknown_oids_after_bare_names(snmpd: SnmpdAgent, oids: list[str]) -> None:
    """The note a bare name's lookup leaves goes to the next message without one of its
    own (a ``MODULE::`` name's), once."""
    compare("get", "-M", str(MIB_DIR), "-m", "SNMPv2-MIB", *v2c(snmpd), *oids)


@needs_net_snmp
def test_v3_without_a_user_is_one_line(snmpd: SnmpdAgent) -> None:
    compare("get", "-v3", "-l", "noAuthNoPriv", agent_of(snmpd), ".1.3.6.1.2.1.1.5.0")


def _user(name: str) -> list[str]:
    return next(user for user in V3_USERS if user.name == name).net_snmp_args()


VERSIONS = {
    "v1": ["-v1", "-c", "public"],
    "v2c": ["-v2c", "-c", "public"],
    "v3-noAuthNoPriv": _user("noAuthUser"),
    "v3-MD5": _user("authMD5User"),
    "v3-SHA-DES": _user("privDESUser"),
    "v3-SHA512-AES256": _user("privSHA512_AES256User"),
}
REQUESTS = [
    ("get", ["sysName.0", "sysObjectID.0", "ifDescr.1", "ifType.1"]),
    ("getnext", ["sysName.0", "ifDescr", "sysORID"]),
    ("walk", ["system"]),
    ("bulkwalk", ["ifTable"]),
    ("table", ["sysORTable"]),
]


@needs_net_snmp
@pytest.mark.parametrize("version", list(VERSIONS))
@pytest.mark.parametrize(("command", "oids"), REQUESTS, ids=[r[0] for r in REQUESTS])
def test_every_command_on_every_version(
    snmpd: SnmpdAgent, version: str, command: str, oids: list[str]
) -> None:
    """get, getnext, walk, bulkwalk and table on SNMPv1, v2c and v3 at each security level
    (MD5, SHA, SHA-512; DES, AES-256): the lines of net-snmp's tools (SNMPv1 bulkwalk: its
    one-line refusal)."""
    result = compare(command, *VERSIONS[version], agent_of(snmpd), *oids)
    assert result.stdout or result.returncode


@needs_net_snmp
@pytest.mark.parametrize("version", ["v1", "v3-SHA-DES", "v3-SHA512-AES256"])
def test_set_on_v1_and_v3(snmpd: SnmpdAgent, version: str) -> None:
    """A SET that succeeds, and one the agent refuses, beside snmpset."""
    words = ["-v1", "-c", "private"] if version == "v1" else VERSIONS[version]
    done = compare("set", *words, agent_of(snmpd), "versionClearCache.0", "i", "1")
    assert done.returncode == 0
    refused = compare("set", *words, agent_of(snmpd), "sysUpTime.0", "t", "5")
    assert refused.returncode == 2


OUTPUT_OPTIONS = ["-Oq", "-Ov", "-Oqv", "-Os", "-OS", "-Of", "-On", "-Oe", "-Ot", "-OU",
                  "-Oa", "-Ox", "-OT", "-OQ", "-Ob", "-Ou", "-OE", "-Osq", "-OnQ", "-OX",
                  "-OXq"]  # fmt: skip


@needs_net_snmp
@pytest.mark.parametrize("options", OUTPUT_OPTIONS)
@pytest.mark.parametrize(
    ("command", "oids"),
    [
        ("getnext", ["sysORID", "sysContact", "ifPhysAddress", "ipAddressIfIndex", "ifType"]),
        ("bulkwalk", ["sysORTable"]),
        ("set", ["versionClearCache.0", "i", "1"]),
    ],
    ids=["getnext", "bulkwalk", "set"],
)
def test_output_options_on_getnext_bulkwalk_and_set(
    snmpd: SnmpdAgent, options: str, command: str, oids: list[str]
) -> None:
    community = "private" if command == "set" else "public"
    compare(command, options, *v2c(snmpd, community), *oids)


def _engine_id(snmpd: SnmpdAgent) -> str:
    """The agent's snmpEngineID as ``-e``/``-E`` take it (``0x...``)."""
    out = theirs("get", "-Oqv", "-Ox", *v2c(snmpd), "snmpEngineID.0").stdout
    return "0x" + "".join(out.replace('"', "").split())


@needs_net_snmp
@pytest.mark.parametrize("context", [["-n", ""], ["-e", "ENGINE"], ["-E", "ENGINE"],
                                     ["-e", "ENGINE", "-E", "ENGINE", "-n", ""]])  # fmt: skip
def test_v3_context_options(snmpd: SnmpdAgent, context: list[str]) -> None:
    """-n (context name), -e (security engine ID: no discovery) and -E (context engine
    ID) as net-snmp's tools take them."""
    engine = _engine_id(snmpd)
    words = [engine if word == "ENGINE" else word for word in context]
    for user in ("noAuthUser", "privAESUser"):
        result = compare("get", *_user(user), *words, agent_of(snmpd), "sysName.0")
        assert result.stdout == "SNMPv2-MIB::sysName.0 = STRING: anchor-agent\n"


@needs_net_snmp
def test_walk_options_on_v1_and_v3(snmpd: SnmpdAgent) -> None:
    for version in ("v1", "v3-MD5"):
        for options in (["-Cp"], ["-Ci"], ["-CI"], ["-Cc"], ["-CE", "sysORID.3"], ["-Cpi"]):
            compare("walk", *options, *VERSIONS[version], agent_of(snmpd), "system")


_MOVING_ROWS = re.compile(
    r"HOST-RESOURCES-MIB::hrSWRun|TCP-MIB::tcp(Conn|Listener)|UDP-MIB::udp(Endpoint|Local)"
    r"|IP-MIB::ipNetTo|HOST-RESOURCES-MIB::hrProcessorLoad"
)


def _names(text: str) -> list[str]:
    """The objects printed, without those of tables whose rows come and go between two
    walks (processes, sockets and neighbours of a busy test machine)."""
    found = (line.split(" = ")[0] for line in text.splitlines())
    return [name for name in found if not _MOVING_ROWS.match(name)]


@needs_net_snmp
@pytest.mark.parametrize(("version", "root"), [("1", "iso"), ("2c", ".1")])
def test_walk_from_the_root(snmpd: SnmpdAgent, version: str, root: str) -> None:
    """A walk of the whole tree: the same objects in the same order as snmpwalk, and the
    same end (SNMPv1's ``End of MIB``, SNMPv2c's endOfMibView line)."""
    args = [f"-v{version}", "-c", "public", agent_of(snmpd), root]
    mine, ref = ours("walk", *args), theirs("walk", *args)
    assert mine.returncode == ref.returncode == 0, mine.stderr
    assert len(_names(mine.stdout)) > 1000
    assert _names(mine.stdout) == _names(ref.stdout)
    assert mine.stdout.splitlines()[-1] == ref.stdout.splitlines()[-1]


@needs_net_snmp
def test_table_on_snmpv1_walks_with_getnext(snmpd: SnmpdAgent) -> None:
    compare("table", "-v1", "-c", "public", agent_of(snmpd), "sysORTable")


V2C = ["-v2c", "-c", "public"]
BAD_VALUES = [["-v", "4"], ["-v", ""], ["-t", "abc"], ["-t", "0"], ["-t", "-1"], ["-t", "1e-9"],
              ["-r", "-1"], ["-r", "x1"], ["-r", ""], ["-v3", "-u", "u", "-l", "foo"],
              ["-v3", "-u", "u", "-l", "authNoPriv", "-a", "SHA1x", "-A", "long enough"],
              ["-v3", "-u", "u", "-l", "ap", "-a", "sha", "-A", "long enough", "-x", "AESx",
               "-X", "long enough"]]  # fmt: skip


@needs_net_snmp
@pytest.mark.parametrize("args", BAD_VALUES, ids=" ".join)
def test_bad_option_values_as_net_snmp(snmpd: SnmpdAgent, args: list[str]) -> None:
    """-v -t -r -l -a -x read as snmp_parse_args reads them: net-snmp's message (then its
    usage text, which snmpc leaves out) and exit 1."""
    mine = ours("get", *args, agent_of(snmpd), "sysName.0")
    ref = theirs("get", *args, agent_of(snmpd), "sysName.0")
    assert mine.returncode == ref.returncode == 1 and mine.stdout == ref.stdout == ""
    assert mine.stderr.splitlines() == ref.stderr.splitlines()[:1]


@needs_net_snmp
@pytest.mark.parametrize(
    "args",
    [["-v", "2C", "-c", "public"], ["-t", "0.5s", *V2C], ["-r", "2x", *V2C],
     ["-v3", "-u", "authSHAUser", "-l", "anp", "-a", "sha1", "-A", "authpass123"],
     ["-v3", "-u", "privAES256User", "-l", "3", "-a", "SHA", "-A", "authpass123", "-x",
      "aes256", "-X", "privpass123"],
     ["-v3", "-u", "privAES192CUser", "-l", "PRIV", "-a", "SHA-1", "-A", "authpass123", "-x",
      "AES192C", "-X", "privpass123"]],
    ids=" ".join,
)  # fmt: skip
def test_option_values_net_snmp_also_takes(snmpd: SnmpdAgent, args: list[str]) -> None:
    """What atof/atoi leave of a number, levels and protocols in any case and spelling."""
    result = compare("get", *args, agent_of(snmpd), "sysName.0")
    assert result.returncode == 0


@needs_net_snmp
@pytest.mark.parametrize(
    "words",
    [["get", "sysName.0", "SNMPv2-MIB::sysDescr.0"], ["get", "system.sysName.0", ".1.3.6.1"],
     ["get", "iso.3.6.1.2.1.1.5.0", "SNMPv2-MIB::sysName.0"], ["getnext", "ifDescr"],
     ["walk", "system", "ifTable"], ["bulkwalk", ".1.3.6.1.2.1.1", "ifTable"],
     ["walk", "-Cp", "system"], ["bulkwalk", "-Cp", "system"],
     ["table", "sysORTable"], ["set", "sysContact.0", "s", "x", "sysObjectID.0", "o", "sysName"],
     ["set", ".1.3.6.1.2.1.1.4.0", "s", "x"], ["inform", "1", "linkUp", "ifIndex.1", "i", "1"],
     ["inform", "1", "IF-MIB::linkUp", "sysObjectID.0", "o", "sysName"]],
    ids=" ".join,
)  # fmt: skip
def test_errors_keep_net_snmps_stale_note(snmpd: SnmpdAgent, words: list[str]) -> None:
    """An unknown SNMPv3 user: the error, then what net-snmp's lookup of the last bare
    name left behind, ``(Sub-id not found: (top) -> sysName)``."""
    command, *oids = words
    compare(command, "-v3", "-u", "nobody", "-l", "noAuthNoPriv", agent_of(snmpd), *oids)


@pytest.mark.parametrize(
    ("args", "message"),
    [(["-v3", "-u", "u", "-l", "authNoPriv", "-A", "short"],
      "snmpget: AuthPass must be at least 8")],
)  # fmt: skip
def test_bad_values_are_one_line_and_exit_1(
    snmpd: SnmpdAgent, args: list[str], message: str
) -> None:
    """Where net-snmp says more than a line (three for a short pass phrase): one."""
    result = ours("get", *args, agent_of(snmpd), "sysName.0")
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(message)


@pytest.mark.parametrize("agent", ["127.0.0.1:99999", "", "tcp:", "tcp:127.0.0.1:161"])
def test_bad_agents_are_one_line_and_exit_1(agent: str) -> None:
    result = ours("get", "-v2c", "-c", "public", agent, "sysName.0")
    assert result.returncode == 1 and result.stdout == ""
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr


def test_a_closed_pipe_ends_the_walk_quietly(snmpd: SnmpdAgent) -> None:
    """``snmpc walk ... | head -1``: no BrokenPipeError traceback; the command ends as
    net-snmp's does, by SIGPIPE."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "snmp_component", "walk", *v2c(snmpd), ".1"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) in (-13, 0, 1) and "Traceback" not in err, err


@needs_net_snmp
@pytest.mark.parametrize("count", [[], ["-Cp"]], ids=["", "-Cp"])
@pytest.mark.parametrize("command", ["walk", "bulkwalk"])
def test_rows_print_as_they_arrive_before_a_timeout(
    snmpd: SnmpdAgent, command: str, count: list[str]
) -> None:
    """An agent that stops answering after five requests: as snmpwalk, the rows those
    five brought, then the timeout (the walk is not buffered to its end); -Cp's count
    still ends the output."""
    options = ["-v2c", "-c", "public", "-t", "0.3", "-r", "0", *count]
    options += ["-Cr3"] if command == "bulkwalk" else []
    results = []
    for run in (ours, theirs):
        with Relay(snmpd.port, answered=5) as quiet:
            agent = f"127.0.0.1:{quiet.port}"
            result = run(command, *options, agent, "system")
        assert result.stderr.splitlines() == [f"Timeout: No Response from {agent}"]
        assert result.returncode == 1
        results.append(result)
    mine, ref = results
    assert len(_mask(mine.stdout)) == (5 if command == "walk" else 15) + len(count)
    assert _mask(mine.stdout) == _mask(ref.stdout)


def test_rows_reach_a_pipe_before_the_walk_ends(snmpd: SnmpdAgent) -> None:
    """The first reply's rows are readable while the walk still waits for the agent."""
    with Relay(snmpd.port, answered=1) as quiet:
        proc = subprocess.Popen(
            [sys.executable, "-m", "snmp_component", "walk", "-v2c", "-c", "public", "-t", "5",
             "-r", "0", f"127.0.0.1:{quiet.port}", "system"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, text=True,
        )  # fmt: skip
        assert proc.stdout is not None
        started = time.monotonic()
        first = proc.stdout.readline()
        waited = time.monotonic() - started
        proc.kill()
        proc.communicate()
    assert first.startswith("SNMPv2-MIB::sysDescr.0 = STRING: ")
    assert waited < 4.5, "the row came only with the timeout"


TABLE_OPTIONS = [["-Ci"], ["-Cb"], ["-Cf", "|"], ["-Ch"], ["-CH"], ["-Cl"], ["-Cc", "20"],
                 ["-CB"], ["-Cw", "80"], ["-Cib"], ["-Cil"], ["-Cr", "3"],
                 ["-Cc", "12", "-Cw", "60"], ["-Ci", "-Cf", ","], ["-CB", "-Cr", "2"],
                 ["-Ci", "-CB", "-Cr", "3"]]  # fmt: skip


def _digits_masked(text: str) -> list[str]:
    return [re.sub(r" +", " ", re.sub(r"\d+", "N", line)) for line in text.splitlines()]


@needs_net_snmp
@pytest.mark.parametrize("options", TABLE_OPTIONS)
def test_table_options_as_snmptable(snmpd: SnmpdAgent, options: list[str]) -> None:
    """snmptable's -C options (c f r w take the next argument), on tables with string and
    enum indexes and wide values: exactly on tables whose values do not move; with
    digits and spacing masked on one whose do (a moving number can widen its column)."""
    for table, mask in (("sysORTable", False), ("vacmAccessTable", False),
                        ("hrStorageTable", True)):  # fmt: skip
        mine = ours("table", *options, *v2c(snmpd), table)
        ref = theirs("table", *options, *v2c(snmpd), table)
        assert mine.returncode == ref.returncode == 0
        if mask:
            assert _digits_masked(mine.stdout) == _digits_masked(ref.stdout), (options, table)
        else:
            assert mine.stdout == ref.stdout, (options, table)


@pytest.mark.parametrize(
    ("options", "message"),
    [(["-Cz"], "Bad option after -C: z"), (["-Cr5"], "Bad -Cr option: -v2c"),
     (["-Cc", "2"], "Bad -Cc option: 2"), (["-Cw", "x"], "Bad -Cw option: x")],
)  # fmt: skip
def test_table_option_errors(snmpd: SnmpdAgent, options: list[str], message: str) -> None:
    result = ours("table", *options, *v2c(snmpd), "sysORTable")
    assert result.returncode == 1 and result.stderr.splitlines() == [message]


TEST_MIB = """TEST-CLI-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
testCliMIB MODULE-IDENTITY
    LAST-UPDATED "202612070000Z"
    ORGANIZATION "test"
    CONTACT-INFO "test"
    DESCRIPTION "A MIB for the command line's -m/-M test."
    ::= { enterprises 99999 42 }
testCliValue OBJECT-TYPE
    SYNTAX Integer32
    MAX-ACCESS read-only
    STATUS current
    DESCRIPTION "A value."
    ::= { testCliMIB 1 }
END
"""


@needs_net_snmp
def test_user_mibs_with_m_and_big_m(snmpd: SnmpdAgent, tmp_path: Path) -> None:
    """-M/-m load a user's MIB (compiled once into the user's cache, which the test points
    at its own folder) and its names print as net-snmp prints them."""
    mibs = tmp_path / "mibs"
    mibs.mkdir()
    (mibs / "TEST-CLI-MIB.txt").write_text(TEST_MIB)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    args = ["-M", str(mibs), "-m", "TEST-CLI-MIB", *v2c(snmpd), "testCliValue.0", "sysName.0"]
    for _ in range(2):  # compiled, then from the cache
        mine = subprocess.run(
            [sys.executable, "-m", "snmp_component", "get", *args],
            capture_output=True, text=True, timeout=60, cwd=REPO, env=env, check=False,
        )  # fmt: skip
        ref = subprocess.run(
            ["snmpget", "-m", "ALL", "-M", f"{mibs}:{MIB_DIR}", *v2c(snmpd), "testCliValue.0",
             "sysName.0"], capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        assert mine.stdout == ref.stdout and mine.returncode == 0, mine.stderr
        assert mine.stdout.startswith("TEST-CLI-MIB::testCliValue.0 = No Such Object")
    assert list((tmp_path / "cache" / "snmp_component" / "mibs").glob("*.json.gz"))


def test_version(snmpd: SnmpdAgent) -> None:
    version = subprocess.run([sys.executable, "-m", "snmp_component", "-V"],
                             capture_output=True, text=True, cwd=REPO, check=False)  # fmt: skip
    assert version.returncode == 0 and version.stdout.startswith("snmp_component version: ")
    # as net-snmp's -V among a command's options: the version on stderr, nothing sent
    version = ours("get", "-V", *v2c(snmpd), "sysName.0")
    assert version.returncode == 0 and version.stdout == ""
    assert version.stderr.startswith("snmp_component version: ")


_DUMP_HEAD = re.compile(r"(Sending (\d+) bytes to|Received (\d+) byte packet from) UDP: "
                        r"\[127\.0\.0\.1\]:\d+->\[0\.0\.0\.0\]:\d+")  # fmt: skip
_DUMP_LINE = re.compile(r"(\d{4}): ([0-9A-F ]{54})(.*)")  # offset, 16 octets in hex, text


def _packets(dump: str) -> list[tuple[str, bytes]]:
    """``-d`` output read back: each packet's head (ports masked) and octets; every line
    checked for net-snmp's layout on the way."""
    packets: list[tuple[str, bytes]] = []
    lines = dump.splitlines()
    k = 0
    while k < len(lines):
        assert lines[k] == "", lines[k]  # a blank line before each head
        head = _DUMP_HEAD.fullmatch(lines[k + 1])
        assert head is not None, lines[k + 1]
        data = b""
        k += 2
        while lines[k]:
            line = _DUMP_LINE.fullmatch(lines[k])
            assert line is not None and int(line[1]) == len(data), lines[k]
            octets = bytes.fromhex(line[2])
            # xdump: "%02X " per octet, one more " " after every fourth, padded, then "  "
            hexes = "".join(f"{b:02X} " + (" " if n % 4 == 3 else "") for n, b in enumerate(octets))
            assert line[2] == f"{hexes:<52}  ", lines[k]
            assert line[3] == "".join(chr(b) if 32 <= b < 127 else "." for b in octets)
            data += octets
            k += 1
        assert int(head[2] or head[3]) == len(data), lines[k - 1]
        packets.append((re.sub(r"\d+", "N", head[1]), data))
        k += 1  # the blank line that ends a dump
    return packets


@needs_net_snmp
@pytest.mark.parametrize(("command", "options", "oids"), [
    ("get", ["-v2c", "-c", "public"], ["sysName.0", "sysDescr.0"]),
    ("getnext", ["-v1", "-c", "public"], ["sysName.0"]),
    ("walk", ["-v2c", "-c", "public"], ["system"]),
    ("walk", ["-v1", "-c", "public"], ["sysUpTime"]),  # a leaf: GETNEXT, then GET
    ("bulkwalk", ["-v2c", "-c", "public", "-Cr4"], ["sysORTable"]),
    ("get", ["-v3", "-l", "authPriv", "-u", "privAESUser", "-a", "SHA", "-A", "authpass123",
             "-x", "AES", "-X", "privpass123"], ["sysName.0"]),
], ids=lambda x: x if isinstance(x, str) else " ".join(x[:1]))  # fmt: skip
def test_packet_dumps_as_net_snmp(
    snmpd: SnmpdAgent, command: str, options: list[str], oids: list[str]
) -> None:
    """``-d``: the packets in net-snmp's layout, on stderr: the same packets, of the same
    sizes, in the same order. Request-ids (and SNMPv3 msgIDs), ports and salts differ from
    run to run; a random id below 2**23 takes one octet less, so sizes may differ by the
    octets of those ids (two in an SNMPv3 message), no more."""
    mine = ours(command, "-d", *options, agent_of(snmpd), *oids)
    ref = theirs(command, "-d", *options, agent_of(snmpd), *oids)
    assert mine.returncode == ref.returncode == 0
    assert _mask(mine.stdout) == _mask(ref.stdout)
    ours_packets, their_packets = _packets(mine.stderr), _packets(ref.stderr)
    assert [head for head, _ in ours_packets] == [head for head, _ in their_packets]
    slack = 6 if "-v3" in options else 3
    for (_, data), (_, theirs_data) in zip(ours_packets, their_packets, strict=True):
        assert abs(len(data) - len(theirs_data)) <= slack, (data.hex(), theirs_data.hex())
    assert len(ours_packets) >= 2


# -- traps --------------------------------------------------------------------------------


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_inform_to_nobody_times_out_in_one_line() -> None:
    result = ours("inform", "-v2c", "-c", "public", "-t", "0.2", "-r", "0",
                  f"127.0.0.1:{_free_udp_port()}", "1", "IF-MIB::linkUp")  # fmt: skip
    assert result.returncode == 1 and result.stderr == "snmpinform: Timeout\n"
