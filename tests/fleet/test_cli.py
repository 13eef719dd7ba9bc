"""``python -m snmp_component fleet``: JSON lines, --cycles, and SIGTERM drains and exits 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from snmp_component.errors import ConfigurationError
from snmp_component.fleet.cli import parse_targets
from snmp_component.fleet.farm import AgentFarm
from tests.fleet.procs import alive, descendants

COUNT = 50


@pytest.fixture(scope="module")
def farm() -> Iterator[AgentFarm]:
    with AgentFarm(COUNT, first="127.0.1.2") as agents:
        yield agents


def targets_file(farm: AgentFarm, path: Path) -> Path:
    lines = ["# the farm's agents", ""]
    lines += [f"{host}:{farm.port} Retries=0  # agent {n}" for n, host in enumerate(farm.hosts)]
    path.write_text("\n".join(lines) + "\n")
    return path


def fleet_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "snmp_component", "fleet", *args]


def test_parse_targets() -> None:
    lines = ["# c", "192.0.2.1", "192.0.2.2:1161 Version=3 SecName=mon Timeout=500000 # x", ""]
    got = parse_targets(lines, {"Version": "2c"})
    assert got == [
        {"Version": "2c", "DestHost": "192.0.2.1"},
        {"Version": 3, "DestHost": "192.0.2.2:1161", "SecName": "mon", "Timeout": 500000},
    ]
    with pytest.raises(ConfigurationError, match="line 1"):
        parse_targets(["192.0.2.1 Version"], {})


def test_cycles_json(farm: AgentFarm, tmp_path: Path) -> None:
    path = targets_file(farm, tmp_path / "targets.txt")
    done = subprocess.run(
        fleet_cmd("--targets", str(path), "--workers", "2", "--interval", "0.5",
                  "--cycles", "2", "--get", "sysName.0", "sysUpTime.0", "--json"),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(records) == 2 * COUNT
    assert {(r["target"], r["cycle"]) for r in records} == {
        (f"{h}:{farm.port}", c) for h in farm.hosts for c in range(2)
    }
    for r in records:
        assert r["ok"] and r["error"] is None and r["shard"] in (0, 1)
        (name, uptime) = r["varbinds"]
        assert name == [".1.3.6.1.2.1.1.5.0", "demo-agent", "OCTETSTR"]
        assert uptime[0] == ".1.3.6.1.2.1.1.3.0" and uptime[2] == "TICKS"


def test_sigterm_drains_flushes_and_exits_0(farm: AgentFarm, tmp_path: Path) -> None:
    path = targets_file(farm, tmp_path / "targets.txt")
    proc = subprocess.Popen(
        fleet_cmd("--targets", str(path), "--workers", "2", "--interval", "1", "--json"),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    while len(lines) < COUNT + 10:  # well into cycle 1
        line = proc.stdout.readline()
        assert line, proc.stderr.read()
        lines.append(line)
    below = descendants(proc.pid)
    assert len(below) >= 2  # the shards (and the forkserver)
    proc.send_signal(signal.SIGTERM)
    rest, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    assert "Traceback" not in err, err
    records: list[dict[str, Any]] = [json.loads(line) for line in lines + rest.splitlines()]
    by_target: dict[str, list[int]] = defaultdict(list)
    for r in records:
        by_target[r["target"]].append(r["cycle"])
    assert len(by_target) == COUNT
    # every cycle whose slot came before the stop has its one record; nothing after
    counts = {len(cycles) for cycles in by_target.values()}
    assert all(sorted(c) == list(range(len(c))) for c in by_target.values())
    assert max(counts) - min(counts) <= 1 and max(counts) >= 2
    statuses = [r["status"] for r in records]
    assert statuses.count("ok") >= len(records) - 2 and set(statuses) <= {"ok", "missed"}
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in below)


def _shm_files() -> set[str]:
    shm = Path("/dev/shm")
    return {p.name for p in shm.glob("snmp-fleet-*")} if shm.is_dir() else set()


def test_sigkill_of_the_driver_takes_the_shards_along(farm: AgentFarm, tmp_path: Path) -> None:
    """... and leaves nothing behind on the host (the shards' in-flight files)."""
    before = _shm_files()
    path = targets_file(farm, tmp_path / "targets.txt")
    proc = subprocess.Popen(
        fleet_cmd("--targets", str(path), "--workers", "2", "--interval", "1"),
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    assert proc.stdout.readline()
    below = descendants(proc.pid)
    assert below
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in below) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(alive(pid) for pid in below)
    assert _shm_files() <= before
