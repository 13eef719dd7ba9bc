"""Every example runs against the fixture agent and prints what it should."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from snmp_component.testing import SnmpdAgent

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_example(*argv: str, timeout: float = 60) -> str:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / argv[0]), *argv[1:]],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_get(snmpd: SnmpdAgent) -> None:
    out = run_example("get.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = OCTETSTR: anchor-agent" in out
    assert "sysUpTime.0 = TICKS:" in out or "sysUpTimeInstance = TICKS:" in out


def test_bulkwalk_table(snmpd: SnmpdAgent) -> None:
    out = run_example("bulkwalk_table.py", f"127.0.0.1:{snmpd.port}")
    assert "ifNumber = " in out and " lo" in out


def test_many_hosts(snmpd: SnmpdAgent) -> None:
    dead = "127.0.0.1:9"  # discard port: nothing answers SNMP there
    out = run_example("many_hosts.py", *[f"127.0.0.1:{snmpd.port}"] * 3, dead)
    assert out.count("anchor-agent") == 3 and "SNMPTimeoutError" in out


def test_v3_authpriv(snmpd: SnmpdAgent) -> None:
    out = run_example("v3_authpriv.py", f"127.0.0.1:{snmpd.port}", "privAESUser",
                      "authpass123", "privpass123")  # fmt: skip
    assert "sysName.0 = OCTETSTR: anchor-agent" in out


def test_poe_poller(snmpd: SnmpdAgent) -> None:
    out = run_example("poe_poller.py", f"127.0.0.1:{snmpd.port}", "--interval", "0.2")
    assert [line.split(":")[0] for line in out.splitlines()] == ["round 1", "round 2", "round 3"]


def test_awaitable(snmpd: SnmpdAgent) -> None:
    out = run_example("awaitable.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = anchor-agent" in out and "set refused: NoAccess (ErrorNum 6)" in out


def test_blocking(snmpd: SnmpdAgent) -> None:
    out = run_example("blocking.py", f"127.0.0.1:{snmpd.port}")
    assert "sysName.0 = OCTETSTR: anchor-agent" in out and "interface 1: lo mtu" in out
    assert "thread got sysLocation.0: Anchor Lab" in out
    assert "set refused: NoAccess (ErrorNum 6)" in out


@pytest.mark.parametrize("seconds", ["2.5"])
def test_demo(seconds: str) -> None:
    out = run_example("demo.py", "--seconds", seconds)
    assert "interface" in out and "lo " in out and "run() returned" in out


def test_traps() -> None:
    out = run_example("traps.py").splitlines()
    assert out[:3] == [
        "trap v2c from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.2=2",
        "inform v2c from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.3=3",
        "inform v3 from 127.0.0.1: .1.3.6.1.6.3.1.1.5.4 ifIndex.4=4",
    ]
    assert "errors=0" in out[3] and "discoveries=1" in out[3]


def test_fleet() -> None:
    out = run_example("fleet.py", "--targets", "20", "--workers", "2", "--cycles", "2")
    assert "ad hoc on shard" in out and "sysName.0 = demo-agent" in out
    assert "cycle 0: 20 ok, 0 failed" in out and "cycle 1: 20 ok, 0 failed" in out


def test_fleet_on_ray() -> None:
    """The same example on a two-node Ray cluster it starts itself."""
    out = run_example("fleet.py", "--targets", "20", "--workers", "3", "--cycles", "2", "--ray")
    assert "cycle 0: 20 ok, 0 failed" in out and "cycle 1: 20 ok, 0 failed" in out
    assert "backend: ray, nodes: 2" in out
