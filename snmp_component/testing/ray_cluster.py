"""A real Ray cluster on this machine, for the fleet's Ray tests, benchmarks and trying
``Fleet(..., backend="ray")`` without machines: a head node on 127.0.0.2 and a second node
on 127.0.0.3, each a ``ray start --block`` process in its own session, sharing a private
temporary folder (needs ``snmp_component[ray]``). Ray's control traffic stays on loopback
(Ray replaces 127.0.0.1 by the machine's address, but not the rest of 127.0.0.0/8). The
head is told to declare a silent node dead after about 1.5 s instead of 15.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType

__all__ = ["HEAD_IP", "NODE_IP", "RayCluster", "descendants"]

HEAD_IP = "127.0.0.2"
NODE_IP = "127.0.0.3"
_SYSTEM_CONFIG = {
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 3,
}


def _ray_command() -> list[str]:
    exe = Path(sys.executable).with_name("ray")
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "ray.scripts.scripts"]


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        port: int = s.getsockname()[1]
        return port


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _kill_tree(root: int) -> None:
    for pid in {root, *descendants(root)}:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


class RayCluster:
    """``with RayCluster() as cluster:`` ... ``cluster.address``; ``cluster.kill_node()``
    kills the second node and everything on it (raylet, workers, agents) with SIGKILL.
    ``node_cpus=0``: the head alone."""

    def __init__(self, head_cpus: int = 3, node_cpus: int = 2) -> None:
        self.head_cpus = head_cpus
        self.node_cpus = node_cpus
        self.tmp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: socket paths
        self.address = f"{HEAD_IP}:{_free_port(HEAD_IP)}"
        self.head: subprocess.Popen[bytes] | None = None
        self.node: subprocess.Popen[bytes] | None = None
        self.node_pids: set[int] = set()

    def _start(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
        env["RAY_USAGE_STATS_ENABLED"] = "0"
        with open(Path(self.tmp) / f"{name}.log", "wb") as log:
            return subprocess.Popen(
                [*_ray_command(), "start", *args, f"--temp-dir={self.tmp}",
                 "--object-store-memory=80000000", "--block"],
                stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True,
            )  # fmt: skip

    def __enter__(self) -> RayCluster:
        try:
            self.head = self._start(
                ["--head", f"--node-ip-address={HEAD_IP}",
                 f"--port={self.address.rsplit(':', 1)[1]}", f"--num-cpus={self.head_cpus}",
                 "--include-dashboard=false", "--disable-usage-stats",
                 f"--system-config={json.dumps(_SYSTEM_CONFIG)}"],
                "head",
            )  # fmt: skip
            self._wait_nodes(1)
            if not self.node_cpus:
                return self  # the head alone
            self.node = self._start(
                [f"--address={self.address}", f"--node-ip-address={NODE_IP}",
                 f"--num-cpus={self.node_cpus}"],
                "node",
            )  # fmt: skip
            self._wait_nodes(2)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _wait_nodes(self, count: int, seconds: float = 90.0) -> None:
        deadline = time.monotonic() + seconds
        while True:
            for proc, name in ((self.head, "head"), (self.node, "node")):
                if proc is not None and proc.poll() is not None:
                    raise RuntimeError(f"ray {name} exited: {self.log(name)[-2000:]}")
            status = subprocess.run(
                [*_ray_command(), "status", f"--address={self.address}"],
                capture_output=True, text=True, timeout=60,
            )  # fmt: skip
            active = status.stdout.split("Active:", 1)[-1].split("Pending:", 1)[0]
            if status.returncode == 0 and active.count("node_") >= count:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"ray has not {count} nodes: {status.stdout}{status.stderr}")
            time.sleep(0.5)

    def log(self, name: str) -> str:
        return (Path(self.tmp) / f"{name}.log").read_text(errors="replace")

    def on_node(self, pid: int) -> bool:
        """Whether ``pid`` runs on the second node."""
        return self.node is not None and pid in descendants(self.node.pid)

    def kill_node(self) -> None:
        """SIGKILL the second node: its raylet, workers (shards) and agents at once."""
        assert self.node is not None
        _kill_tree(self.node.pid)
        self.node.wait()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for proc in (self.node, self.head):
            if proc is not None and proc.poll() is None:
                tree = {proc.pid, *descendants(proc.pid)}
                proc.send_signal(signal.SIGTERM)  # ray start --block stops its node
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(10)
                for pid in tree:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                proc.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)
