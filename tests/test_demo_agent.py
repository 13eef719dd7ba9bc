"""The built-in loopback agent (:class:`DemoAgent`) and the demo that polls it.

Clients: our own component (v1 and v2c), net-snmp's ``snmpwalk`` when installed, and the
sans-IO :meth:`DemoAgent.respond` with a fake clock for the counters.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from snmp_component import Kernel, SNMPComponent, blocking, errors
from snmp_component._core import ber
from snmp_component.component import SNMPSession
from snmp_component.testing.agent import SYS_NAME, DemoAgent
from snmp_component.testing.agent_cli import DEFAULT_HOST, DEFAULT_PORT, AgentProcess

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
IF_IN_OCTETS = (1, 3, 6, 1, 2, 1, 2, 2, 1, 10)
IF_HC_IN_OCTETS = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6)
SYS_CONTACT_0 = (1, 3, 6, 1, 2, 1, 1, 4, 0)
NAMES = ["lo", "eth0", "eth1", "wlan0"]

Body = Callable[[SNMPSession, DemoAgent], Awaitable[None]]


def with_agent(body: Body, version: Any = 2, community: str = "public", **options: Any) -> None:
    """Run *body(snmp, agent)* with a started agent and a component pointed at it."""

    async def main() -> None:
        async with DemoAgent() as agent:
            snmp = SNMPComponent.create(
                Kernel(), DestHost="127.0.0.1", RemotePort=agent.port, Version=version,
                Community=community, Timeout=300_000, Retries=0, **options,
            )  # fmt: skip
            try:
                await body(snmp, agent)
            finally:
                snmp.finish()

    asyncio.run(asyncio.wait_for(main(), 20))


# ------------------------------------------------------------------------------ SNMPv2c
def test_get_system_group_and_if_number() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        got = await snmp.get("sysName.0", "sysUpTime.0", "sysDescr.0", "sysObjectID.0",
                             "sysContact.0", "sysLocation.0", "ifNumber.0")  # fmt: skip
        name, uptime, descr, object_id, contact, location, if_number = got
        assert name.val == SYS_NAME == "demo-agent" and name.type == "OCTETSTR"
        assert uptime.type == "TICKS" and 0 <= uptime.val < 500
        assert "demo agent" in descr.val and object_id.type == "OBJECTID"
        assert contact.val and location.val == "loopback"
        assert if_number.val == 4 and if_number.type == "INTEGER32"
        assert agent.requests == 1

    with_agent(body)


def test_getnext_and_getbulk() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        (first,) = await snmp.getnext("ifDescr")
        assert (first.tag, first.iid, first.val) == ("ifDescr", "1", "lo")
        got = await snmp.getbulk(1, 3, "sysName", "ifDescr", "ifType")
        assert [vb.val for vb in got] == [SYS_NAME, "lo", 24, "eth0", 6, "eth1", 6]
        (last,) = await snmp.getnext(".1.3.6.1.2.1.31.1.1.1.18.4")  # the MIB's last object
        assert last.type == "ENDOFMIBVIEW"
        got = await snmp.getbulk(0, 5, ".1.3.6.1.2.1.31.1.1.1.18.3")
        assert [vb.type for vb in got] == ["OCTETSTR", "ENDOFMIBVIEW"]  # stops at the end

    with_agent(body)


def test_walk_and_bulkwalk_if_table_by_name() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        (walked,) = await snmp.walk("ifTable")
        (bulked,) = await snmp.bulkwalk(0, 7, "ifTable")
        assert [str(vb.name) for vb in walked] == [str(vb.name) for vb in bulked]
        assert len(walked) == 10 * 4 and walked[0].tag == "ifIndex"
        descr, speed, hc_in, hc_out = await snmp.bulkwalk(
            0, 10, "ifDescr", "ifSpeed", "ifHCInOctets", "ifHCOutOctets"
        )
        assert [vb.val for vb in descr] == NAMES
        assert [vb.val for vb in speed] == [10_000_000, 10**9, 10**9, 300_000_000]
        assert {vb.type for vb in hc_in + hc_out} == {"COUNTER64"}
        assert [vb.iid for vb in hc_out] == ["1", "2", "3", "4"]

    with_agent(body)


def test_v2c_exceptions() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        got = await snmp.get("sysName.0", ".1.3.6.1.2.1.1.99.0", "sysDescr.1", "ifDescr.9",
                             ".1.3.6.1.4.1.1.0")  # fmt: skip
        assert [vb.type for vb in got] == ["OCTETSTR", "NOSUCHOBJECT", "NOSUCHINSTANCE",
                                           "NOSUCHINSTANCE", "NOSUCHOBJECT"]  # fmt: skip
        (end,) = await snmp.getnext(".1.3.6.1.6")
        assert end.type == "ENDOFMIBVIEW"

    with_agent(body)


def test_set_is_refused() -> None:
    async def v2c(snmp: SNMPSession, agent: DemoAgent) -> None:
        with pytest.raises(errors.NotWritable) as info:
            await snmp.set(["sysContact", 0, "me", "OCTETSTR"])
        assert info.value.error_num == 17 and info.value.error_index == 1
        with pytest.raises(errors.NoAccess) as access:
            await snmp.set([".1.3.6.1.4.1.1", 0, 1, "INTEGER"])
        assert access.value.error_num == 6

    async def v1(snmp: SNMPSession, agent: DemoAgent) -> None:
        with pytest.raises(errors.ReadOnly) as info:
            await snmp.set(["sysContact", 0, "me", "OCTETSTR"])
        assert info.value.error_num == 4 and info.value.error_index == 1
        with pytest.raises(errors.NoSuchName):
            await snmp.set([".1.3.6.1.4.1.1", 0, 1, "INTEGER"])

    with_agent(v2c)
    with_agent(v1, version=1)


# ------------------------------------------------------------------------------ SNMPv1
def test_v1_get_getnext_walk_and_no_such_name() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        (name,) = await snmp.get("sysName.0")
        assert name.val == SYS_NAME
        with pytest.raises(errors.NoSuchName) as info:
            await snmp.get("sysName.0", "sysDescr.1")
        assert info.value.error_num == 2 and info.value.error_index == 2
        with pytest.raises(errors.NoSuchName):
            await snmp.get("ifHCInOctets.1")  # SNMPv1 has no Counter64: invisible
        (after,) = await snmp.getnext("ifHCInOctets")  # ... and skipped
        assert after.tag == "ifHighSpeed" and after.iid == "1"
        with pytest.raises(errors.NoSuchName):
            await snmp.getnext(".1.3.6.1.6")  # past the end
        descr, in_octets = await snmp.walk("ifDescr", "ifInOctets")
        assert [vb.val for vb in descr] == NAMES
        assert {vb.type for vb in in_octets} == {"COUNTER"}

    with_agent(body, version=1)


# ------------------------------------------------------------------------------ robustness
def test_wrong_community_is_ignored_timeout() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        with pytest.raises(errors.SNMPTimeoutError):
            await snmp.get("sysName.0")
        assert agent.requests == 0

    with_agent(body, community="private")


def test_malformed_datagrams_are_dropped() -> None:
    async def main() -> None:
        async with DemoAgent() as agent:
            loop = asyncio.get_running_loop()
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                sock.setblocking(False)
                sock.connect(("127.0.0.1", agent.port))
                sys_name = [((1, 3, 6, 1, 2, 1, 1, 5, 0), ber.NULL, None)]
                request = ber.encode_request(
                    ber.VERSION_2C, b"public", ber.GET_REQUEST, 7, sys_name
                )
                for junk in (b"", b"\x30\x03\x02\x01", b"garbage", request[:-1], request + b"x"):
                    await loop.sock_sendall(sock, junk)
                await loop.sock_sendall(sock, request)
                answer = ber.decode_message(await asyncio.wait_for(loop.sock_recv(sock, 9000), 5))
            assert answer.request_id == 7 and answer.pdu_tag == ber.RESPONSE
            assert answer.varbinds[0][2] == SYS_NAME.encode() and agent.requests == 1
        assert agent.port > 0

    asyncio.run(main())


def test_sans_io_getbulk_limits_and_non_request_pdus() -> None:
    agent = DemoAgent()
    start: list[ber.VarBind] = [((1, 3), ber.NULL, None)]
    huge = ber.encode_getbulk(ber.VERSION_2C, b"public", 1, 0, 2**31 - 1, start)
    answer = ber.decode_message(agent.respond(huge) or b"")
    assert answer.varbinds[-1][1] == ber.END_OF_MIB_VIEW and len(answer.varbinds) < 200
    wide = start * 200
    big = ber.encode_getbulk(ber.VERSION_2C, b"public", 2, 0, 1000, wide)
    assert len(agent.respond(big) or b"") <= 65_100
    bulk_v1_less = ber.encode_getbulk(ber.VERSION_2C, b"public", 3, 9, 3, wide[:2])
    assert len(ber.decode_message(agent.respond(bulk_v1_less) or b"").varbinds) == 2
    response = ber.encode_request(ber.VERSION_2C, b"public", ber.RESPONSE, 4, [])
    assert agent.respond(response) is None
    with pytest.raises(ber.BERDecodeError):
        agent.respond(b"\x30\x00")


def test_counters_move_and_counter32_wraps() -> None:
    now = [1000.0]
    agent = DemoAgent(clock=lambda: now[0])
    oids = [(*column, i) for column in (IF_IN_OCTETS, IF_HC_IN_OCTETS) for i in (1, 2, 3, 4)]
    request = ber.encode_request(ber.VERSION_2C, b"public", ber.GET_REQUEST, 1,
                                 [(oid, ber.NULL, None) for oid in oids])  # fmt: skip

    def sample(t: float) -> list[int]:
        now[0] = 1000.0 + t
        values = [v for _, _, v in ber.decode_message(agent.respond(request) or b"").varbinds]
        assert all(isinstance(v, int) for v in values)
        return values  # type: ignore[return-value]

    samples = [sample(t) for t in range(0, 30)]
    for before, after in itertools.pairwise(samples):
        hc_rates = [b - a for a, b in zip(before[4:], after[4:], strict=True)]
        assert all(r > 0 for r in hc_rates) and len(set(hc_rates)) == 4  # different rates
        assert [(b - a) % 2**32 for a, b in zip(before, after[:4], strict=False)] == hc_rates
    eth1 = [s[2] for s in samples]
    assert any(b < a for a, b in itertools.pairwise(eth1))  # Counter32 wrapped
    assert samples[-1][6] > 2**32  # its Counter64 twin did not
    eth0 = [s[5] for s in samples]
    rates = {b - a for a, b in itertools.pairwise(eth0)}
    assert len(rates) > 5  # the rate varies over time


def test_counters_increase_between_polls() -> None:
    async def body(snmp: SNMPSession, agent: DemoAgent) -> None:
        first = await snmp.get("ifHCInOctets.2", "ifOutOctets.2", "sysUpTime.0")
        await asyncio.sleep(0.3)
        second = await snmp.get("ifHCInOctets.2", "ifOutOctets.2", "sysUpTime.0")
        assert all(b.val > a.val for a, b in zip(first, second, strict=True))
        assert 20 <= second[2].val - first[2].val <= 100  # centiseconds

    with_agent(body)


# ------------------------------------------------------------------------------ net-snmp
@pytest.mark.skipif(
    shutil.which("snmpwalk") is None or shutil.which("snmpbulkwalk") is None,
    reason="net-snmp command line tools not installed",
)
def test_net_snmp_snmpwalk(tmp_path: Path) -> None:
    env = {**os.environ, "SNMP_PERSISTENT_DIR": str(tmp_path), "SNMPCONFPATH": str(tmp_path),
           "MIBS": "", "MIBDIRS": "/dev/null"}  # fmt: skip

    async def walk(tool: str, port: int, *argv: str) -> str:
        proc = await asyncio.create_subprocess_exec(
            tool, "-On", "-M", "/dev/null", "-m", "", "-r", "0", "-t", "2", *argv,
            f"udp:127.0.0.1:{port}", ".1.3.6.1.2.1.1",
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await proc.communicate()
        assert proc.returncode == 0, err.decode()
        return out.decode()

    async def main() -> list[str]:
        async with DemoAgent() as agent:
            return [
                await walk("snmpwalk", agent.port, "-v2c", "-c", "public"),
                await walk("snmpbulkwalk", agent.port, "-v2c", "-c", "public", "-Cr3"),
                await walk("snmpwalk", agent.port, "-v1", "-c", "public"),
            ]

    outputs = asyncio.run(asyncio.wait_for(main(), 30))
    for out in outputs:
        lines = out.splitlines()
        assert len(lines) == 7 and '.1.3.6.1.2.1.1.5.0 = STRING: "demo-agent"' in lines
        assert lines[2].startswith(".1.3.6.1.2.1.1.3.0 = Timeticks: (")
        assert lines[:2] + lines[3:] == outputs[0].splitlines()[:2] + outputs[0].splitlines()[3:]


# ------------------------------------------------------------------------------ the demo
def test_demo_prints_a_table_and_exits_cleanly() -> None:
    done = subprocess.run([sys.executable, str(EXAMPLES / "demo.py"), "--seconds", "2.5"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 0 and not done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert sum("interface" in line for line in lines) >= 2
    for name in NAMES:
        assert sum(line.split()[:1] == [name] for line in lines) >= 2
    assert "bit/s" in done.stdout and lines[-1].endswith("run() returned")


# ------------------------------------------------------------------------------ snmpc agent
def test_agent_command_serves_until_sigterm_or_ctrl_c() -> None:
    """``python -m snmp_component agent``: one line saying where, answers, exit 0 on either
    signal, nothing on stderr."""
    for signum in (signal.SIGTERM, signal.SIGINT):
        agent = AgentProcess("--port", "0").start()
        try:
            assert agent.line == (
                "demo agent (SNMPv1/v2c, read-only, community public) listening on "
                f"127.0.0.1:{agent.port}; Ctrl-C stops it"
            )
            with blocking.Session(DestHost=agent.address, Version=2, Timeout=500_000) as snmp:
                assert snmp.get("sysName.0")[0].val == SYS_NAME
        finally:
            code = agent.stop(signum)
        assert code == 0 and agent.stderr == "", agent.stderr


def test_agent_command_as_snmpc_with_its_options() -> None:
    """The console script's entry point (``snmp_component.cli:main``), with --host and
    --community: other communities are not answered."""
    snmpc = [sys.executable, "-c", "import sys; from snmp_component.cli import main; "
             "sys.exit(main())"]  # fmt: skip
    options = ["--port", "0", "--host", "127.0.0.1", "--community", "demo"]
    with AgentProcess(*options, launcher=snmpc) as agent:
        assert "community demo" in agent.line

        async def main() -> None:
            async def get(community: str) -> Any:
                snmp = SNMPComponent.create(
                    Kernel(), DestHost=agent.address, Version=2, Community=community,
                    Timeout=300_000, Retries=0,
                )  # fmt: skip
                try:
                    return (await snmp.get("sysName.0"))[0].val
                finally:
                    snmp.finish()

            assert await get("demo") == SYS_NAME
            with pytest.raises(errors.SNMPTimeoutError):
                await get("public")

        asyncio.run(asyncio.wait_for(main(), 20))


def test_agent_command_defaults_to_the_readme_address() -> None:
    assert (DEFAULT_HOST, DEFAULT_PORT) == ("127.0.0.1", 1161)
    done = subprocess.run([sys.executable, "-m", "snmp_component", "agent", "--help"],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert done.returncode == 0 and "default 1161" in done.stdout


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--port", "99999"], "snmpc agent: argument --port: port 99999 is not in 0..65535"),
        (["--port", "x"], "snmpc agent: argument --port: not a port number: 'x'"),
        (["--host", ""], "snmpc agent: --host must not be empty"),
        (["--community", ""], "snmpc agent: --community must not be empty"),
        (["--bogus"], "snmpc agent: unrecognized arguments: --bogus"),
    ],
)
def test_agent_command_refuses_bad_options_in_one_line(options: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "snmp_component", "agent", *options],
                          capture_output=True, text=True, timeout=30)  # fmt: skip
    assert (done.returncode, done.stdout, done.stderr) == (1, "", message + "\n")


def test_agent_command_on_a_port_in_use_says_so() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "snmp_component", "agent", "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"snmpc agent: cannot listen on udp 127.0.0.1:{port}: Address already in use"
    ]
