"""SNMP.pm's response formats against the fixture agent, compared with net-snmp itself.

* ``UseSprintValue``: each value is what SNMP.pm's ``snprint_value`` gives. SNMP.xs turns
  on quick-print for good and prints OIDs by suffix without breaking indexes down, so the
  net-snmp command line that prints exactly those strings is ``snmpget -Oqv -Os -Ob``
  (``-Of``/``-On`` for ``UseLongNames``/``UseNumeric``). ``snmpget -Ov`` (no quick-print:
  ``INTEGER: up(1)``, ``Timeticks: (12345) 0:02:03.45``) is compared with the formatter's
  ``quick=False`` mode.
* ``UseEnums``: the enum label; ``UseLongNames``: ``snmptranslate -Of`` names.
* set with enum labels, the ``table`` request, user MIBs through the component.

Comparisons with the net-snmp tools use ``-m ALL -M ../shared/mibs`` and are skipped only
when the tools are missing.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import shutil
import socket
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from snmp_component import Kernel, SNMPComponent, SNMPSession, Varbind, VarList, errors, names
from snmp_component._core import ber
from snmp_component._core.oid import Oid, format_oid, parse_oid
from snmp_component._core.sprint import oid_name, sprint_value
from snmp_component.testing import DemoAgent, SnmpdAgent
from snmp_component.testing.agent import snapshot

from .conftest import poll

MIB_DIR = Path(__file__).resolve().parents[3] / "shared" / "mibs"
SNMPGET = shutil.which("snmpget")
SNMPBULKWALK = shutil.which("snmpbulkwalk")
needs_cli = pytest.mark.skipif(
    SNMPGET is None or SNMPBULKWALK is None, reason="net-snmp's snmpget/snmpbulkwalk missing"
)

T = TypeVar("T")

# The OIDs the issue lists (ifPhysAddress: the first interface with a MAC is added at run time).
LISTED = [
    "sysDescr.0",
    "sysObjectID.0",
    "sysUpTime.0",
    "ifDescr.1",
    "ifType.1",
    "ifAdminStatus.1",
    "ifSpeed.1",
    "ifInOctets.1",
    "hrSystemDate.0",
    "hrStorageDescr.1",
    "ipAdEntAddr.127.0.0.1",
    "ipAdEntNetMask.127.0.0.1",
    "snmpEnableAuthenTraps.0",
    # and a few more kinds: units, a TimeStamp, an OID value, a hex string, Counter64
    "hrStorageAllocationUnits.1",
    "sysORUpTime.1",
    "sysORID.1",
    "snmpEngineID.0",
    "ifHCInOctets.1",
    "ifMtu.1",
    "sysUpTime.99",
]


def run(snmpd: SnmpdAgent, body: Callable[[SNMPSession], Awaitable[T]], **create: Any) -> T:
    """Run ``body(snmp)`` with a v2c component for the fixture agent, then finish it."""

    async def main() -> T:
        options = {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Version": 2, "Retries": 0}
        snmp = SNMPComponent.create(Kernel(), **(options | create))
        try:
            return await body(snmp)
        finally:
            snmp.finish()

    return asyncio.run(asyncio.wait_for(main(), 60))


def get(snmpd: SnmpdAgent, *oids: str | list[Any], **create: Any) -> VarList:
    async def body(snmp: SNMPSession) -> VarList:
        return await snmp.get(*oids)

    return run(snmpd, body, **create)


def cli_env() -> dict[str, str]:
    """No snmp.conf, MIBS or MIBDIRS of the user can change what the tools print."""
    env = {k: v for k, v in os.environ.items() if k not in ("MIBS", "MIBDIRS")}
    env["SNMPCONFPATH"] = os.devnull
    return env


def cli_value(snmpd: SnmpdAgent, oid: str, flags: str) -> str:
    """The value ``snmpget <flags>`` prints for one OID (given as a name of ours)."""
    assert SNMPGET is not None and MIB_DIR.is_dir(), MIB_DIR
    numeric = format_oid(names.resolve(oid))
    done = subprocess.run(
        [SNMPGET, "-v2c", "-c", "public", "-r0", "-t2", "-m", "ALL", "-M", str(MIB_DIR), flags,
         f"127.0.0.1:{snmpd.port}", numeric],
        capture_output=True, text=True, env=cli_env(), timeout=30,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout.removesuffix("\n")


def mac_interface(snmpd: SnmpdAgent) -> str:
    async def body(snmp: SNMPSession) -> list[VarList]:
        return await snmp.bulkwalk(0, 20, "ifPhysAddress")

    (walked,) = run(snmpd, body)
    with_mac = [vb.iid for vb in walked if isinstance(vb.val, bytes) and len(vb.val) == 6]
    if not with_mac:
        pytest.skip("no interface with a MAC address on this machine")
    return f"ifPhysAddress.{with_mac[0]}"


def _ticks(text: str) -> int:
    numbers = [int(x) for x in re.findall(r"\d+", text)]
    if "Timeticks" in text:
        return numbers[0]
    days, hours, minutes, seconds, centi = numbers[-5:] if len(numbers) >= 5 else [0, *numbers]
    return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 100 + centi


# Objects that change between two reads: compared by order (before <= ours <= after) when
# no two net-snmp reads around ours agree.
ORDERED: dict[str, Callable[[str], Any]] = {
    "sysUpTime.0": _ticks,
    "ifInOctets.1": lambda text: int(re.findall(r"\d+", text)[-1]),
    "ifHCInOctets.1": lambda text: int(re.findall(r"\d+", text)[-1]),
    "hrSystemDate.0": lambda text: [int(x) for x in re.findall(r"\d+", text)[:7]],
}


def compare(snmpd: SnmpdAgent, oid: str, flags: str, ours: Callable[[], str]) -> None:
    """``ours()`` equals what ``snmpget <flags>`` prints (for moving values: lies between)."""
    for _ in range(5):
        before = cli_value(snmpd, oid, flags)
        mine = ours()
        after = cli_value(snmpd, oid, flags)
        if before == after:
            assert mine == before, (oid, flags)
            return
    key = ORDERED.get(oid)
    assert key is not None, f"{oid}: net-snmp shows a different value at every read"
    assert key(before) <= key(mine) <= key(after), (oid, flags, before, mine, after)


# -- UseSprintValue -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed(snmpd: SnmpdAgent) -> list[str]:
    return [*LISTED, mac_interface(snmpd)]


@needs_cli
@pytest.mark.parametrize(
    ("create", "flags"),
    [
        ({"UseSprintValue": 1}, "-Oqvsb"),
        ({"UseSprintValue": 1, "UseLongNames": 1}, "-Oqvfb"),
        ({"UseSprintValue": 1, "UseNumeric": 1}, "-Oqvnb"),
    ],
)
def test_sprint_values_are_net_snmps(
    snmpd: SnmpdAgent, listed: list[str], create: dict[str, int], flags: str
) -> None:
    for oid in listed:
        compare(snmpd, oid, flags, lambda oid=oid: get(snmpd, oid, **create)[0].val)  # type: ignore[misc]
    varlist = get(snmpd, *listed, **create)
    assert [vb.type for vb in varlist] == [vb.type for vb in get(snmpd, *listed)]
    shown = {name: vb.val for name, vb in zip(listed, varlist, strict=True)}
    if not create.get("UseLongNames") and not create.get("UseNumeric"):
        assert shown["sysObjectID.0"] == "linux"
        assert shown["ifAdminStatus.1"] == "up"
        assert re.fullmatch(r"\d+:\d+:\d\d:\d\d\.\d\d", shown["sysUpTime.0"])
        assert re.fullmatch(r"\d{4}-\d+-\d+,\d+:\d+:\d+\.\d,[+-]\d+:\d+", shown["hrSystemDate.0"])
        assert re.fullmatch(r"[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}", shown[listed[-1]])
        assert shown["sysUpTime.99"] == "No Such Instance currently exists at this OID"


def raw_of(tag_name: str, val: Any) -> tuple[int, Any]:
    """The wire value behind a default-format Varbind (for the formatter's own tests)."""
    tag = {
        "INTEGER": ber.INTEGER, "INTEGER32": ber.INTEGER, "UNSIGNED32": ber.GAUGE32,
        "GAUGE": ber.GAUGE32, "COUNTER": ber.COUNTER32, "COUNTER64": ber.COUNTER64,
        "TICKS": ber.TIMETICKS, "OCTETSTR": ber.OCTET_STRING, "BITS": ber.OCTET_STRING,
        "OPAQUE": ber.OPAQUE, "OBJECTID": ber.OBJECT_IDENTIFIER, "IPADDR": ber.IPADDRESS,
        "NULL": ber.NULL, "NOSUCHOBJECT": ber.NO_SUCH_OBJECT,
        "NOSUCHINSTANCE": ber.NO_SUCH_INSTANCE, "ENDOFMIBVIEW": ber.END_OF_MIB_VIEW,
    }[tag_name]  # fmt: skip
    if tag == ber.OCTET_STRING and isinstance(val, str):
        return tag, val.encode()
    if tag == ber.IPADDRESS:
        return tag, bytes(int(x) for x in val.split("."))
    if tag == ber.OBJECT_IDENTIFIER:
        return tag, parse_oid(val)
    if tag in (ber.NULL, ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW):
        return tag, None
    return tag, val


@needs_cli
def test_full_print_is_snmpget_ov(snmpd: SnmpdAgent, listed: list[str]) -> None:
    """Without quick-print the formatter prints what ``snmpget -Ov`` does: ``STRING: ...``,
    ``INTEGER: up(1)``, ``Timeticks: (12345) 0:02:03.45``."""
    index = names.mib_index()

    def ours(oid: str) -> str:
        vb = get(snmpd, oid)[0]
        tag, raw = raw_of(vb.type, vb.val)
        target = names.resolve(oid)
        return sprint_value(tag, raw, index.longest_prefix(target), quick=False,
                            oid_text=lambda o: oid_name(o, index, "suffix"))  # fmt: skip

    for oid in listed:
        compare(snmpd, oid, "-Ovsb", lambda oid=oid: ours(oid))  # type: ignore[misc]
    assert cli_value(snmpd, "ifAdminStatus.1", "-Ovsb") == "INTEGER: up(1)"
    assert cli_value(snmpd, "sysUpTime.0", "-Ovsb").startswith("Timeticks: (")


# Objects whose definition net-snmp takes from RFC1213-MIB while the shipped MIB data takes
# IP-MIB's (same OID, same name): enum label not-forwarding / notForwarding, no UNITS, a
# PhysAddress without DISPLAY-HINT. A property of the data's module ranking, not of the printer.
KNOWN_DATA_DIFFERENCES = {"ipForwarding", "ipReasmTimeout", "ipNetToMediaPhysAddress"}


def record_walk(port: int, root: Oid = (1, 3, 6, 1)) -> list[ber.VarBind]:
    """The raw varbinds of a GETBULK walk of the agent at ``127.0.0.1:port`` from ``root``
    to the end of its MIB view (a recording: one read of each object)."""
    rows: list[ber.VarBind] = []
    last = root
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.connect(("127.0.0.1", port))
        sock.settimeout(5)
        for request_id in itertools.count(1):
            request = ber.encode_getbulk(
                ber.VERSION_2C, b"public", request_id, 0, 50, [(last, ber.NULL, None)]
            )
            for _attempt in range(3):
                sock.send(request)
                try:
                    answer = ber.decode_message(sock.recv(65535))
                except TimeoutError:
                    continue
                if answer.request_id == request_id:
                    break
            else:
                raise AssertionError(f"no answer from 127.0.0.1:{port} after {last}")
            assert answer.error_status == 0, answer
            for oid, tag, value in answer.varbinds:
                if tag == ber.END_OF_MIB_VIEW or oid[: len(root)] != root:
                    return rows
                assert oid > last, (oid, last)  # a recording in order, no loop
                rows.append((oid, tag, value))
                last = oid
    raise AssertionError("unreachable")


@needs_cli
def test_every_value_of_the_agent_prints_as_net_snmp(snmpd: SnmpdAgent) -> None:
    """A bulk walk of the whole agent with UseSprintValue, against ``snmpbulkwalk -Oqsb``:
    every value, exactly.

    Both walk one recording of the fixture snmpd (:func:`record_walk`), served unchanged by
    a :class:`DemoAgent`: a live agent's counters, clocks and caches (``nsCacheStatus``,
    which our walk itself reloads) would move between the two walks.
    """
    recorded = record_walk(snmpd.port)
    assert len(recorded) > 1000
    with DemoAgent(mib=snapshot(recorded)).in_thread() as agent:
        port = agent.port

        async def body(snmp: SNMPSession) -> list[VarList]:
            return await snmp.bulkwalk(0, 50, ".1.3.6.1")

        (plain,) = run(snmpd, body, RemotePort=port)
        (walked,) = run(snmpd, body, RemotePort=port, UseSprintValue=1)
        assert SNMPBULKWALK is not None
        done = subprocess.run(
            [SNMPBULKWALK, "-v2c", "-c", "public", "-r0", "-t5", "-Cr50", "-m", "ALL",
             "-M", str(MIB_DIR), "-Oqsb", f"127.0.0.1:{port}", ".1.3.6.1"],
            capture_output=True, text=True, env=cli_env(), timeout=120,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    index = names.mib_index()

    def key(vb: Varbind) -> str:
        return oid_name(names.resolve(vb.tag + ("." + vb.iid if vb.iid else "")), index, "suffix")

    keys = [key(vb) for vb in plain]
    assert len(keys) == len(set(keys)) == len(recorded)
    theirs = parse_walk(done.stdout, keys)
    ours = {key(vb): vb.val for vb in walked}
    assert list(ours) == keys and list(theirs) == keys  # the same objects, in the same order
    differences = {
        key: (value, theirs[key])
        for key, value in ours.items()
        if value != theirs[key] and key.split(".")[0] not in KNOWN_DATA_DIFFERENCES
    }
    assert differences == {}


def parse_walk(output: str, keys: list[str]) -> dict[str, str]:
    """``key value`` lines of ``-Oq`` output.

    A value may continue on further lines: a hex string, or a quoted string holding a newline
    (a process's ``hrSWRunParameters``, say).
    """
    known = set(keys)
    values: dict[str, str] = {}
    last = None
    for line in output.split("\n"):
        key, sep, value = line.partition(" ")
        if last is not None and (HEX_LINE.fullmatch(line) or open_quote(values[last])):
            values[last] += "\n" + line
        elif sep and key in known and key not in values:
            values[key] = value
            last = key
        else:
            last = None  # e.g. the walk's closing endOfMibView line
    return values


HEX_LINE = re.compile(r'([0-9A-F]{2} )+"?')


def test_parse_walk_keeps_values_that_span_lines() -> None:
    output = 'a "-c x\n"\nb 01 02 \n03 \nc "say \\"hi\\""\nd "\nlast"\n'
    assert parse_walk(output, ["a", "b", "c", "d"]) == {
        "a": '"-c x\n"', "b": "01 02 \n03 ", "c": '"say \\"hi\\""', "d": '"\nlast"',
    }  # fmt: skip


def open_quote(value: str) -> bool:
    """Whether a printed value is a quoted string whose closing quote is still to come."""
    body = value[1:]
    return value.startswith('"') and not (body.endswith('"') and not body.endswith('\\"'))


# -- UseEnums, UseLongNames -----------------------------------------------------------------------


def test_use_enums_gives_labels(snmpd: SnmpdAgent) -> None:
    oids = ["ifAdminStatus.1", "ifType.1", "snmpEnableAuthenTraps.0", "ifMtu.1", "sysDescr.0",
            "sysUpTime.0"]  # fmt: skip
    plain = get(snmpd, *oids)
    enums = get(snmpd, *oids, UseEnums=1)
    assert enums[0].val == "up" and enums[1].val == "softwareLoopback"
    assert enums[2].val == {1: "enabled", 2: "disabled"}[plain[2].val]
    assert enums[3].val == plain[3].val and isinstance(enums[3].val, int)  # no enums
    assert enums[4].val == plain[4].val and isinstance(enums[5].val, int)
    assert [vb.type for vb in enums] == [vb.type for vb in plain]
    # UseSprintValue wins over UseEnums, as in SNMP.pm
    both = get(snmpd, "sysUpTime.0", UseEnums=1, UseSprintValue=1)
    assert isinstance(both[0].val, str) and ":" in both[0].val


@pytest.mark.skipif(shutil.which("snmptranslate") is None, reason="snmptranslate missing")
def test_use_long_names_are_net_snmps_full_names(snmpd: SnmpdAgent) -> None:
    oids = ["sysDescr.0", "sysUpTime.0", "ifDescr.1", "ipAdEntAddr.127.0.0.1", "hrStorageDescr.1"]
    varlist = get(snmpd, *oids, UseLongNames=1)
    done = subprocess.run(
        ["snmptranslate", "-m", "ALL", "-M", str(MIB_DIR), "-Ofb",
         *(format_oid(names.resolve(o)) for o in oids)],
        capture_output=True, text=True, env=cli_env(), timeout=60, check=True,
    )  # fmt: skip
    full = done.stdout.split()
    assert [f"{vb.tag}.{vb.iid}" if vb.iid else vb.tag for vb in varlist] == full
    assert varlist[0].tag == ".iso.org.dod.internet.mgmt.mib-2.system.sysDescr"
    assert varlist[0].iid == "0"
    assert (varlist[1].tag, varlist[1].iid) == (
        ".iso.org.dod.internet.mgmt.mib-2.system.sysUpTime.sysUpTimeInstance",
        "",
    )
    # UseNumeric wins; an OID no MIB knows stays numeric
    numeric = get(snmpd, "sysDescr.0", ".1.3.6.1.4.1.99999.1.0", UseLongNames=1, UseNumeric=1)
    assert (numeric[0].tag, numeric[0].iid) == (".1.3.6.1.2.1.1.1", "0")
    unknown = get(snmpd, ".1.3.6.1.4.1.99999.1.0", UseLongNames=1)
    assert (unknown[0].tag, unknown[0].iid) == (".1.3.6.1.4.1.99999.1.0", "")


def test_session_attributes_and_option_spellings() -> None:
    snmp = SNMPComponent.create(Kernel(), DestHost="h", use_long_names="yes", USESPRINTVALUE=1,
                                UseEnums=True)  # fmt: skip
    assert (snmp.UseLongNames, snmp.UseSprintValue, snmp.UseEnums) == (1, 1, 1)
    with pytest.raises(errors.ConfigurationError, match="UseEnums must be 0 or 1"):
        SNMPComponent.create(Kernel(), DestHost="h", UseEnums="perhaps")


# -- set ------------------------------------------------------------------------------------------


def in_post_order(answers: list[Any], posts: list[Any]) -> list[Any]:
    """Client-side failures are answered first; put the answers back in post order."""
    order = [tuple((p[0] if isinstance(p[0], tuple) else p)[1:]) for p in posts]
    assert len(answers) == len(posts)
    return sorted(answers, key=lambda a: order.index(tuple(a.request.args)))


def test_set_takes_enum_labels_and_checks_values_first(snmpd: SnmpdAgent) -> None:
    rw: dict[str, Any] = {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Version": 2,
                          "Retries": 0, "Community": "private"}  # fmt: skip
    (current,), _ = poll([("get", "snmpEnableAuthenTraps.0")], UseEnums=1, **rw)
    label = current.varlist[0].val
    number = {"enabled": 1, "disabled": 2}[label]
    posts: list[Any] = [
        ("set", ["snmpEnableAuthenTraps", 0, label]),  # the label, type from the MIB
        ("set", "snmpEnableAuthenTraps.0", f"{label}({number})"),
        ("set", ["ifAdminStatus", 1, "sideways"]),  # never sent
        ("set", ["sysContact", 0, "x" * 300]),  # DisplayString is at most 255 octets
        ("set", ["ifSpeed", 1, -5]),
        ("set", ["sysORID", 1, "ifMIB"]),  # an OID value by name: the agent refuses it
    ]
    answers, _ = poll(posts, **rw)
    ok, ok2, bad_label, too_long, negative, oid_value = in_post_order(answers, posts)
    assert ok.error is None and ok.varlist[0].val == number
    assert ok2.error is None
    for bad, text in ((bad_label, "not one of up(1), down(2), testing(3)"),
                      (too_long, "size must be 0..255"), (negative, "out of range")):  # fmt: skip
        assert isinstance(bad.error, errors.BadTypeError) and bad.error_num == -61, bad.error
        assert text in bad.error_str and bad.varlist is None
    assert isinstance(oid_value.error, errors.ErrorStatusError)
    assert oid_value.error.varlist[0].val == format_oid(names.resolve("ifMIB"))


# -- the table helper -----------------------------------------------------------------------------


def test_table_request_posted(snmpd: SnmpdAgent, v2: dict[str, Any], v1: dict[str, Any]) -> None:
    posts: list[Any] = [
        ("table", "ifTable"),
        ("table", "ifTable", ["ifDescr", "ifHCInOctets"]),
        (("table", "ipAddrTable"), {"callback_args": ["x"]}),
        ("table", "sysDescr"),
        ("table",),
    ]
    answers, snmp = poll(posts, **v2)
    whole, columns, addresses, not_table, no_name = in_post_order(answers, posts)
    assert [a.cmd for a in answers] == ["table"] * 5
    assert whole.error is None and whole.error_str == "" and whole.error_num == 0
    rows = whole.varlist
    assert isinstance(rows, dict) and rows[1]["ifDescr"] == "lo" and rows[1]["ifIndex"] == 1
    assert all(row["ifIndex"] == key for key, row in rows.items())
    assert whole.request.args == ("ifTable",)
    assert set(columns.varlist[1]) == {"ifDescr", "ifHCInOctets"}
    assert columns.varlist.keys() == rows.keys()
    assert addresses.varlist["127.0.0.1"]["ipAdEntNetMask"] == "255.0.0.0"
    assert addresses.callback_args == ("x",)
    assert isinstance(not_table.error, errors.ConfigurationError) and not_table.varlist is None
    assert "not a table" in not_table.error_str
    assert isinstance(no_name.error, errors.ConfigurationError)
    assert snmp.pending == 0
    (on_v1,), _ = poll([("table", "ifTable", ["ifDescr"])], **v1)
    assert on_v1.error is None and on_v1.varlist == {k: {"ifDescr": r["ifDescr"]}
                                                     for k, r in rows.items()}  # fmt: skip


def test_get_table_awaitable(snmpd: SnmpdAgent) -> None:
    async def body(snmp: SNMPSession) -> tuple[Any, ...]:
        rows = await snmp.get_table("ifTable")
        walked = await snmp.bulkwalk(0, 20, "ifEntry")
        groups = await snmp.get_table("vacmSecurityToGroupTable", max_repetitions=3)
        address = await snmp.get_table("IP-MIB::ipAddressTable", ["ipAddressIfIndex"])
        with pytest.raises(errors.UnknownObjectError):
            await snmp.get_table("noSuchTable")
        return rows, walked, groups, address

    rows, (walked,), groups, address = run(snmpd, body, UseEnums=1)
    flat = {(vb.tag, int(vb.iid)): vb.val for vb in walked}
    assert {(col, key): val for key, row in rows.items() for col, val in row.items()} == flat
    assert rows[1]["ifAdminStatus"] == "up"  # the session's UseEnums applies
    assert list(rows) == sorted(rows)
    assert all(isinstance(k, tuple) and isinstance(k[1], str) for k in groups)
    assert {model for model, _ in groups} >= {1, 2}  # v1 and v2c security names
    assert address[(1, "127.0.0.1")] == {"ipAddressIfIndex": 1}


# -- user MIBs through the component --------------------------------------------------------------


@pytest.fixture
def acme(tmp_path: Path) -> Iterator[None]:
    pytest.importorskip("pysmi")
    folder = tmp_path / "mibs"
    folder.mkdir()
    (folder / "ACME-MIB.txt").write_text(
        "ACME-MIB DEFINITIONS ::= BEGIN\n"
        "IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;\n"
        "acme OBJECT IDENTIFIER ::= { enterprises 99999 }\n"
        "acmeWidgets OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current\n"
        '    DESCRIPTION "Widgets." ::= { acme 1 }\n'
        "END\n"
    )
    names.reset_mibs()
    names.add_mibs([folder], ["ACME-MIB"], cache_dir=tmp_path / "cache")
    yield
    names.reset_mibs()


def test_user_mib_names_work_in_requests(snmpd: SnmpdAgent, acme: None) -> None:
    varlist = get(snmpd, "acmeWidgets.0", ["acmeWidgets", 0])
    assert [(vb.tag, vb.iid, vb.type) for vb in varlist] == [
        ("acmeWidgets", "0", "NOSUCHOBJECT")
    ] * 2  # the agent has no such object; the names resolve and tag the replies
