"""Every example runs and prints what it should: against the fixture snmpd when given a
host, against the demo agent by default, and in one line with exit status 1 when nothing
answers.

The examples that take a host default to the demo agent's address, ``127.0.0.1:1161``
(where ``python -m snmp_component agent`` listens). Port 1161 may be taken on a test
machine, so the default-address tests run a copy of the example with that one literal,
:data:`DEMO_ADDRESS`, replaced by the address of an agent on a free port (or of a port
where nothing listens): the rest of the example runs as written.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from snmp_component.testing import SnmpdAgent
from snmp_component.testing.agent_cli import DEFAULT_HOST, DEFAULT_PORT, AgentProcess
from snmp_component.testing.snmpd import _find_snmpd

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO_ADDRESS = "127.0.0.1:1161"
"""The demo agent's address as the examples (and the README) write it."""
HINT = " -- no agent there? (python -m snmp_component agent)"
# The examples whose default target is the demo agent, with a line each prints from it.
DEFAULT_TARGET = {
    "get.py": "sysName.0 = OCTETSTR: demo-agent",
    "awaitable.py": "set refused: NotWritable (ErrorNum 17)",
    "blocking.py": "interface 4: wlan0 mtu 1500",
    "bulkwalk_table.py": "ifNumber = 4",
    "poe_poller.py": "round 3: sysUpTime = ",
    "many_hosts.py": "demo-agent",
}
# The examples that need no agent at all (they start their own, or both ends).
SELF_CONTAINED = {"demo.py", "fleet.py", "traps.py", "v3_authpriv.py"}


def run_example(
    *argv: str, timeout: float = 60, code: int = 0, where: Path = EXAMPLES
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, str(where / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == code, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def output(*argv: str, timeout: float = 60) -> str:
    return run_example(*argv, timeout=timeout).stdout


def retargeted(name: str, address: str, tmp_path: Path) -> Path:
    """A copy of example ``name`` in ``tmp_path`` with :data:`DEMO_ADDRESS` -> ``address``."""
    text = (EXAMPLES / name).read_text()
    assert text.count(f'"{DEMO_ADDRESS}"') == 1, f"{name} should default to {DEMO_ADDRESS}"
    (tmp_path / name).write_text(text.replace(DEMO_ADDRESS, address))
    return tmp_path


@pytest.fixture(scope="module")
def demo_agent() -> Iterator[AgentProcess]:
    """``python -m snmp_component agent`` on a free port."""
    with AgentProcess("--port", "0") as agent:
        yield agent


def test_every_example_is_tested_here() -> None:
    assert {path.name for path in EXAMPLES.glob("*.py")} == set(DEFAULT_TARGET) | SELF_CONTAINED
    assert DEMO_ADDRESS == f"{DEFAULT_HOST}:{DEFAULT_PORT}"  # the agent command's default


# ------------------------------------------------------------------ the default target
@pytest.mark.parametrize("name", sorted(DEFAULT_TARGET))
def test_default_target_is_the_demo_agent(
    name: str, demo_agent: AgentProcess, tmp_path: Path
) -> None:
    argv = [name, "--interval", "0.2"] if name == "poe_poller.py" else [name]
    out = run_example(*argv, where=retargeted(name, demo_agent.address, tmp_path)).stdout
    assert DEFAULT_TARGET[name] in out, out


@pytest.mark.parametrize("name", sorted(DEFAULT_TARGET))
def test_without_an_agent_one_line_and_exit_1(name: str, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        dead = f"127.0.0.1:{sock.getsockname()[1]}"
    done = run_example(name, code=1, where=retargeted(name, dead, tmp_path))
    if name == "many_hosts.py":  # a table: one row per target
        assert done.stderr == "" and done.stdout.split()[:3] == ["t0", dead, "SNMPTimeoutError"]
        assert len(done.stdout.splitlines()) == 1
        return
    assert done.stdout == "", done.stdout
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"{dead}: ") and line.endswith(HINT) and "Timeout" in line, line


def test_a_malformed_host_is_one_line_too() -> None:
    for name in ("get.py", "awaitable.py", "blocking.py", "bulkwalk_table.py", "poe_poller.py"):
        done = run_example(name, "tcp:", code=1)
        assert done.stderr.splitlines() == [
            f"tcp:: {'ConfigurationError: ' if name in ('awaitable.py', 'blocking.py') else ''}"
            "DestHost 'tcp:': only UDP transports are supported"
        ], (name, done.stderr)


# ------------------------------------------------------------------ a host of one's own
def test_get(snmpd: SnmpdAgent) -> None:
    out = output("get.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = OCTETSTR: anchor-agent" in out
    assert "sysUpTime.0 = TICKS:" in out or "sysUpTimeInstance = TICKS:" in out


def test_bulkwalk_table(snmpd: SnmpdAgent) -> None:
    out = output("bulkwalk_table.py", f"127.0.0.1:{snmpd.port}")
    assert "ifNumber = " in out and " lo" in out


def test_many_hosts(snmpd: SnmpdAgent) -> None:
    dead = "127.0.0.1:9"  # discard port: nothing answers SNMP there
    out = run_example("many_hosts.py", *[f"127.0.0.1:{snmpd.port}"] * 3, dead, code=1).stdout
    assert out.count("anchor-agent") == 3 and "SNMPTimeoutError" in out


def test_many_hosts_all_answering(snmpd: SnmpdAgent, demo_agent: AgentProcess) -> None:
    out = output("many_hosts.py", f"127.0.0.1:{snmpd.port}", demo_agent.address)
    assert "anchor-agent" in out and "demo-agent" in out


def test_v3_authpriv(snmpd: SnmpdAgent) -> None:
    out = output("v3_authpriv.py", f"127.0.0.1:{snmpd.port}", "privAESUser",
                 "authpass123", "privpass123")  # fmt: skip
    assert "sysName.0 = OCTETSTR: anchor-agent" in out


def test_poe_poller(snmpd: SnmpdAgent) -> None:
    out = output("poe_poller.py", f"127.0.0.1:{snmpd.port}", "--interval", "0.2")
    assert [line.split(":")[0] for line in out.splitlines()] == ["round 1", "round 2", "round 3"]


def test_awaitable(snmpd: SnmpdAgent) -> None:
    out = output("awaitable.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = anchor-agent" in out and "set refused: NoAccess (ErrorNum 6)" in out


def test_blocking(snmpd: SnmpdAgent) -> None:
    out = output("blocking.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = OCTETSTR: anchor-agent" in out and "interface 1: lo mtu" in out
    assert "thread got sysLocation.0: Anchor Lab" in out
    assert "set refused: NoAccess (ErrorNum 6)" in out


# ------------------------------------------------------------------ self-contained
@pytest.mark.skipif(_find_snmpd() is None, reason="net-snmp's snmpd is not installed")
def test_v3_authpriv_without_a_host_starts_a_throwaway_snmpd() -> None:
    lines = output("v3_authpriv.py").splitlines()
    assert lines[0].startswith("started a throw-away snmpd on 127.0.0.1:")
    assert lines[1:2] == ["sysName.0 = OCTETSTR: anchor-agent"]


def test_v3_authpriv_without_a_host_nor_snmpd_says_so() -> None:
    bootstrap = (
        "import runpy, sys; import snmp_component.testing.snmpd as s; "
        "s._find_snmpd = lambda: None; sys.argv = [sys.argv[1]]; "
        "runpy.run_path(sys.argv[0], run_name='__main__')"
    )
    done = subprocess.run([sys.executable, "-c", bootstrap, str(EXAMPLES / "v3_authpriv.py")],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert (done.returncode, done.stdout) == (1, "")
    (line,) = done.stderr.splitlines()
    assert line.startswith("no host given and no snmpd to start: snmpd (net-snmp agent) not found")
    assert "apt-get install snmpd" in line


def test_v3_authpriv_against_the_demo_agent_explains_the_timeout(
    demo_agent: AgentProcess,
) -> None:
    done = run_example("v3_authpriv.py", demo_agent.address, "privAESUser", "authpass123",
                       "privpass123", code=1)  # fmt: skip
    assert done.stderr.splitlines() == [
        f"{demo_agent.address}: SNMPTimeoutError: Timeout -- no SNMPv3 agent there? "
        "(the demo agent speaks v1/v2c only)"
    ]


@pytest.mark.parametrize("seconds", ["2.5"])
def test_demo(seconds: str) -> None:
    out = output("demo.py", "--seconds", seconds)
    assert "interface" in out and "lo " in out and "run() returned" in out


def test_traps() -> None:
    out = output("traps.py").splitlines()
    assert out[:3] == [
        "trap v2c from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.2=2",
        "inform v2c from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.3=3",
        "inform v3 from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.4=4",
    ]
    assert "errors=0" in out[3] and "discoveries=1" in out[3]


def test_fleet() -> None:
    out = output("fleet.py", "--targets", "20", "--workers", "2", "--cycles", "2")
    assert "ad hoc on shard" in out and "sysName.0 = demo-agent" in out
    assert "cycle 0: 20 ok, 0 failed" in out and "cycle 1: 20 ok, 0 failed" in out


def test_fleet_on_ray() -> None:
    """The same example on a two-node Ray cluster it starts itself."""
    out = output("fleet.py", "--targets", "20", "--workers", "3", "--cycles", "2", "--ray")
    assert "cycle 0: 20 ok, 0 failed" in out and "cycle 1: 20 ok, 0 failed" in out
    assert "backend: ray, nodes: 2" in out
