"""``snmpc table`` against net-snmp 5.9.3's ``snmptable``, line by line.

Each case runs both with the same arguments against a real ``snmpd`` and compares stdout,
stderr and the exit code (TimeTicks masked: the only values of these tables that move).
The tables are chosen for values that stay put: sysORTable, usmUserTable (16 rows: more
than a GETNEXT batch of 10; string indexes), vacmAccessTable (21 rows), ipAddressTable
(InetAddress indexes), vacmViewTreeFamilyTable (the agent's last table: SNMPv1's
``End of MIB``), and the NET-SNMP-EXTEND-MIB tables of a second agent whose ``extend``
lines put UTF-8 text in cells and indexes (snmptable counts octets, not characters).

snmptable reads rows with GETNEXT on SNMPv1 or with ``-CB``, one request per row for
every column; :func:`~snmp_component.cli_table.print_table` does the same when handed a
GETNEXT (tested in-process here with a real session), else it walks the entry.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from collections.abc import Iterator

import pytest

from snmp_component._core import ber
from snmp_component._core.pdu import RawVarbind
from snmp_component.cli import RawSession
from snmp_component.cli_table import print_table, table_options
from snmp_component.component import SNMPComponent
from snmp_component.kernel import Kernel
from snmp_component.testing import DemoAgent, SnmpdAgent
from snmp_component.testing.agent import snapshot
from snmp_component.toolformat import ToolFormat, output_options
from tests.test_cli import (
    MIB_DIR,
    REPO,
    _mask,
    agent_of,
    compare,
    needs_net_snmp,
    ours,
    theirs,
    v2c,
)

pytestmark = needs_net_snmp

V3 = ["-v3", "-u", "privAESUser", "-l", "authPriv", "-a", "SHA", "-A", "authpass123",
      "-x", "AES", "-X", "privpass123"]  # fmt: skip


def v1(snmpd: SnmpdAgent) -> list[str]:
    return ["-v1", "-c", "public", agent_of(snmpd)]


# -- snmptable quick-prints: -Oq and -OQ toggle that off ------------------------------------


@pytest.mark.parametrize("quick", ["-Oq", "-OQ", "-Oqq", "-OqQ"])
def test_quick_print_toggled_off_by_oq(snmpd: SnmpdAgent, quick: str) -> None:
    """``-Oq`` turns snmptable's own quick-print off: cells with ``STRING:``/``OID:``."""
    result = compare("table", quick, *v2c(snmpd), "sysORTable")
    assert "STRING: " in result.stdout or quick in ("-Oqq", "-OqQ")


# -- the -Ci index for every -O naming ------------------------------------------------------


@pytest.mark.parametrize(
    "naming", ["-Of", "-Ou", "-Os", "-OS", "-Ob", "-OE", "-Ofb", "-OX", "-OXq", "-OXf", "-OXn"]
)
def test_index_column_for_each_oid_format(snmpd: SnmpdAgent, naming: str) -> None:
    """The index is what follows the column's label, however the name is printed (-OX:
    from the first bracket on, hinted strings quick-printed as snmptable's cells)."""
    for table in ("usmUserTable", "ipAddressTable", "vacmAccessTable"):
        compare("table", "-Ci", naming, *v2c(snmpd), table)


@pytest.mark.parametrize("naming", ["-Ou", "-OX", "-OXq"])
def test_index_column_full_names_on_getnext(snmpd: SnmpdAgent, naming: str) -> None:
    compare("table", "-Ci", naming, "-Cb", *v1(snmpd), "vacmAccessTable")


# -- -Cw parts with GETNEXT: every row in each part -----------------------------------------


@pytest.mark.parametrize(
    "args",
    [["-Cw", "60"], ["-Cw", "60", "-Ci"], ["-Cw", "60", "-Cc", "14"], ["-Cw", "80", "-Cr", "3"]],
)
def test_parts_hold_every_row_when_reading_with_getnext(snmpd: SnmpdAgent, args: list[str]) -> None:
    compare("table", *args, *v1(snmpd), "usmUserTable")
    compare("table", *args, "-CB", *v2c(snmpd), "vacmAccessTable")


def test_parts_on_snmpv3(snmpd: SnmpdAgent) -> None:
    compare("table", "-CB", "-Cw", "70", "-Ci", *V3, agent_of(snmpd), "usmUserTable")


# -- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["noSuchTable"],
         "noSuchTable: Unknown Object Identifier (Sub-id not found: (top) -> noSuchTable)"),
        (["sysName"], "Was that a table? SNMPv2-MIB::sysName"),
        (["-On", "sysORTable"], "Was that a table? .1.3.6.1.2.1.1.9"),  # numeric column names
        (["sysOREntry"], "Was that a table? SNMPv2-MIB::sysOREntry"),
        (["system"], "Was that a table? SNMPv2-MIB::system"),
        ([".1.3.6.1.2.1.1.9.1.2.5"], "Was that a table? SNMPv2-MIB::sysORID.5"),
        ([".1.3.6.1.4.1.99999.1"], "Was that a table? SNMPv2-SMI::enterprises.99999.1"),
        (["-Cr", "-1", "sysORTable"], "snmptable: Bad value for max-repetitions"),
        # (C's atoi makes 2147483648 negative)
        (["-Cr", "2147483648", "sysORTable"], "snmptable: Bad value for max-repetitions"),
    ],
)  # fmt: skip
def test_errors_as_snmptable(snmpd: SnmpdAgent, words: list[str], message: str) -> None:
    *options, table = words
    mine = ours("table", *options, *v2c(snmpd), table)
    ref = theirs("table", *options, *v2c(snmpd), table)
    assert mine.stdout == ref.stdout == ""
    assert mine.stderr.splitlines() == ref.stderr.splitlines()[:1]
    assert mine.stderr.splitlines()[0].startswith(message)
    assert mine.returncode == ref.returncode == 1


@pytest.mark.parametrize("words", [[], ["sysORTable", "ifTable"]])
def test_exactly_one_table_name(snmpd: SnmpdAgent, words: list[str]) -> None:
    """snmptable's message, then its usage (of which only the message is printed here)."""
    mine, ref = ours("table", *v2c(snmpd), *words), theirs("table", *v2c(snmpd), *words)
    assert mine.stderr.splitlines() == ref.stderr.splitlines()[:1]
    assert mine.stderr.splitlines() == ["Must have exactly one table name"]
    assert mine.stdout == ref.stdout == ""
    assert mine.returncode == ref.returncode == 1


# -- option values as C's atoi, a negative -Cr, -Cb's prefix ---------------------------------


@pytest.mark.parametrize(
    "args",
    [["-Cw", "1-2"], ["-Cw", " 40"], ["-Cc", "+12"], ["-Cr", "-1", "-CB"],
     ["-Cr", "-1", "-CB", "-Cw", "50"], ["-Cr", "99999999999"]],
)  # fmt: skip
def test_option_values_as_atoi_reads_them(snmpd: SnmpdAgent, args: list[str]) -> None:
    compare("table", *args, *v2c(snmpd), "sysORTable")


@pytest.mark.parametrize("table", ["dot1dBasePortTable", "mteTriggerTable"])
def test_brief_labels_where_one_starts_another(snmpd: SnmpdAgent, table: str) -> None:
    """``-Cb`` compares neighbours last column first: ``dot1dBasePort`` loses it all."""
    compare("table", "-Ch", "-Cb", *v2c(snmpd), table)


def test_columns_in_the_order_the_module_defines_them(snmpd: SnmpdAgent) -> None:
    """MTA-MIB defines mtaGroupEntry's column 34 after column 18: snmptable's order."""
    compare("table", "-Ch", *v2c(snmpd), "mtaGroupTable")
    compare("table", "-Ci", *v2c(snmpd), "mtaGroupTable")  # (a sparse table: GETBULK)


# -- GETNEXT a row at a time (print_table handed a GETNEXT), in-process ---------------------


def _print_table_with_getnext(
    snmpd: SnmpdAgent, version: str, args: list[str], table: str, letters: str = ""
) -> tuple[str, str, int]:
    """``snmpc table`` as cli.py runs it, with the session's GETNEXT handed over."""
    _, opts = table_options(args)
    fmt = ToolFormat(output_options(letters))
    out, err = io.StringIO(), io.StringIO()

    async def run() -> int:
        component = SNMPComponent.create(
            Kernel(), DestHost=agent_of(snmpd), Version=version, Community="public",
            UseNumeric=1,
        )  # fmt: skip
        snmp = RawSession(component)

        async def walk(bulk: bool, root: str) -> list[list[RawVarbind]]:
            raise AssertionError("GETNEXT reads the rows")

        try:
            return await print_table(walk, [table], opts, fmt, version, out, err, snmp.getnext)
        finally:
            component.finish()

    code = asyncio.run(run())
    return out.getvalue(), err.getvalue(), code


@pytest.mark.parametrize(
    ("version", "args", "table", "letters"),
    [
        ("1", [], "vacmViewTreeFamilyTable", ""),  # End of MIB, then the table
        ("1", ["-Ci"], "snmpCommunityTable", ""),  # End of MIB at once: no entries
        ("1", ["-Ci", "-Cr", "3"], "usmUserTable", ""),  # batches of 3 rows
        ("1", ["-Ci", "-Cr", "4"], "vacmViewTreeFamilyTable", ""),  # End of MIB in batch 2
        ("1", ["-Cw", "60", "-Ci"], "usmUserTable", "f"),
        ("2c", ["-CB", "-Ci", "-Cb"], "vacmAccessTable", "s"),
        ("2c", ["-CB", "-Cc", "12", "-Cw", "40"], "usmUserTable", ""),
        ("1", ["-Cr", "-1"], "sysORTable", ""),  # no request at all: no entries
    ],
)  # fmt: skip
def test_getnext_rows_as_snmptable(
    snmpd: SnmpdAgent, version: str, args: list[str], table: str, letters: str
) -> None:
    out, err, code = _print_table_with_getnext(snmpd, version, args, table, letters)
    options = [f"-O{letters}"] if letters else []
    ref = theirs("table", *options, *args, f"-v{version}", "-c", "public", agent_of(snmpd), table)
    assert _mask(out) == _mask(ref.stdout)
    assert err == ref.stderr
    assert code == ref.returncode == 0


# -- UTF-8 text: widths and -Cc cuts in octets ----------------------------------------------


# a sparse dot1dBasePortTable: dot1dBasePortIfIndex in rows 2 and 3, ...DelayExceeded... in 1, 2
SPARSE = [
    (2, 2, "integer", 12),
    (2, 3, "integer", 13),
    (4, 1, "counter", 41),
    (4, 2, "counter", 42),
]


@pytest.fixture(scope="module")
def extend_agent() -> Iterator[SnmpdAgent]:
    """An snmpd whose NET-SNMP-EXTEND-MIB tables hold UTF-8 names, arguments and output,
    and whose (otherwise empty) dot1dBasePortTable is sparse (:data:`SPARSE`)."""
    config = "extend héllo /bin/echo wörld ünïcode\nextend plain /bin/echo a b c\n"
    for column, row, kind, value in SPARSE:
        config += f"override .1.3.6.1.2.1.17.1.4.1.{column}.{row} {kind} {value}\n"
    agent = SnmpdAgent(extra_config=config)
    agent.start()
    try:
        yield agent
    finally:
        agent.stop()


@pytest.mark.parametrize(
    "args", [["-Ci"], ["-Cc", "6"], ["-Cc", "7", "-Cl", "-Ci"], ["-Ci", "-Cb", "-Cw", "50"]]
)
def test_utf8_cells_measured_in_octets(extend_agent: SnmpdAgent, args: list[str]) -> None:
    for table in ("nsExtendConfigTable", "nsExtendOutput1Table"):
        compare("table", *args, *v2c(extend_agent), table)


def test_column_width_cuts_inside_a_character(extend_agent: SnmpdAgent) -> None:
    """``-Cc 3``: two octets a cell, as printf's ``%.2s`` cuts them -- ``ö`` in half."""
    args = ["-Cc", "3", *v2c(extend_agent), "nsExtendConfigTable"]
    mine = subprocess.run([sys.executable, "-m", "snmp_component", "table", *args],
                          capture_output=True, timeout=60, cwd=REPO, check=False)  # fmt: skip
    ref = subprocess.run(["snmptable", "-m", "ALL", "-M", str(MIB_DIR), *args],
                         capture_output=True, timeout=60, check=False)  # fmt: skip
    assert b"w\xc3 " in ref.stdout
    assert (mine.stdout, mine.stderr, mine.returncode) == (ref.stdout, ref.stderr, 0)


def test_getnext_rows_of_a_sparse_table_are_all_there(extend_agent: SnmpdAgent) -> None:
    """snmptable's GETNEXTs take a row's index from its first column that answers: row 1
    (only in a later column) and row 2's later cell are lost. Read a row at a time here,
    every cell is there -- as snmptable's GETBULK shows them (in the order it sees them)."""
    out, err, code = _print_table_with_getnext(
        extend_agent, "2c", ["-CB", "-Ci"], "dot1dBasePortTable"
    )
    bulk = theirs("table", "-Ci", *v2c(extend_agent), "dot1dBasePortTable")
    lossy = theirs("table", "-Ci", "-CB", *v2c(extend_agent), "dot1dBasePortTable")
    lines, expected = out.splitlines(), bulk.stdout.splitlines()
    assert lines[:3] == expected[:3] and sorted(lines[3:]) == sorted(expected[3:])
    assert [line.split()[0] for line in lines[3:]] == ["1", "2", "3"]
    assert len(lossy.stdout.splitlines()) == 3 + 2 and "42" not in lossy.stdout
    assert (err, code) == ("", 0)


def test_application_options_missing(snmpd: SnmpdAgent) -> None:
    """A last ``-C`` without its letters: getopt's message (then snmptable's usage)."""
    mine, ref = (
        ours("table", *v2c(snmpd), "sysORTable", "-C"),
        theirs("table", *v2c(snmpd), "sysORTable", "-C"),
    )
    assert mine.stderr.splitlines() == ref.stderr.splitlines()[:1]
    assert mine.stderr.splitlines() == ["snmptable: option requires an argument -- 'C'"]
    assert mine.returncode == ref.returncode == 1


# -- an agent that also serves not-accessible INDEX columns -------------------------------------

_UDP = (1, 3, 6, 1, 2, 1, 7, 7, 1)  # udpEndpointEntry; 3 is udpEndpointLocalPort (an INDEX)
WINDOWS_LIKE = [
    *(((*_UDP, 3, 1, 4, 0, 0, 0, 0, port, 2, 0, 0, 0), ber.GAUGE32, port) for port in (161, 445)),
    *(((*_UDP, 8, 1, 4, 0, 0, 0, 0, port, 2, 0, 0, 0), ber.GAUGE32, 4) for port in (161, 445)),
]  # fmt: skip


@pytest.mark.parametrize("options", [[], ["-Ci"], ["-Cr", "1"], ["-v1"]])
def test_columns_the_mib_does_not_list_as_snmptable(options: list[str]) -> None:
    """A Windows agent's udpEndpointTable: its GETBULKs start at the entry, meet column 3
    (not-accessible in the MIB) and warn of more columns than the MIB has; GETNEXT (v1)
    starts at the first column the MIB lists."""
    with DemoAgent(mib=snapshot(WINDOWS_LIKE)).in_thread() as agent:
        words = ["-v2c", "-c", "public", *options, f"127.0.0.1:{agent.port}", "udpEndpointTable"]
        compare("table", *words)
