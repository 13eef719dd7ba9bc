"""Many loopback SNMP agents for fleet tests, examples and benchmarks (not needed at run time).

Linux routes all of 127.0.0.0/8 to ``lo``, so one :class:`~snmp_component.testing.DemoAgent`
per address (``127.0.0.2``, ``127.0.0.3``, ...; all on the same UDP port) gives hundreds of
distinct targets without any network set-up. :class:`AgentFarm` serves them from one or more
helper processes (``python -m snmp_component.fleet.farm``), each with its own event loop,
so the agents do not share a core with the process under test.

With ``log=PATH`` every request is logged as one line ``address source-port pdu-tag
request-id time`` (one file per helper process: ``PATH.0``, ``PATH.1``...): which shard
(source port) polled which target, and when. ``set_delay`` holds SET responses back that
many seconds (to have a SET in flight at a kill).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import ipaddress
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from .._core import ber
from ..testing.agent import DemoAgent

__all__ = ["AgentFarm", "LogLine", "addresses", "read_log"]

LogLine = tuple[str, int, int, int, float]  # address, source port, pdu tag, request-id, time


def addresses(count: int, first: str = "127.0.0.2") -> list[str]:
    """``count`` consecutive IPv4 addresses from ``first``."""
    start = ipaddress.IPv4Address(first)
    return [str(start + k) for k in range(count)]


class _LoggingAgent(DemoAgent):
    def __init__(self, host: str, port: int, log: IO[str] | None, set_delay: float) -> None:
        super().__init__(host=host, port=port)
        self._log = log
        self._set_delay = set_delay

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        tag = -1
        if self._log is not None or self._set_delay:
            try:
                msg = ber.decode_message(data)
                tag, request_id = msg.pdu_tag, msg.request_id
            except ValueError:
                tag, request_id = -1, -1
            if self._log is not None:
                self._log.write(f"{self.host} {addr[1]} {tag} {request_id} {time.time():.6f}\n")
        if tag == ber.SET_REQUEST and self._set_delay:
            loop = asyncio.get_running_loop()
            loop.call_later(self._set_delay, super().datagram_received, data, addr)
            return
        super().datagram_received(data, addr)


async def _serve(hosts: list[str], port: int, log_path: str | None, set_delay: float) -> None:
    log = open(log_path, "a", buffering=1) if log_path else None  # noqa: ASYNC230 (once)
    agents = [await _LoggingAgent(host, port, log, set_delay).start() for host in hosts]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print(f"ready {port}", flush=True)
    await stop.wait()
    for agent in agents:
        agent.close()
    if log is not None:
        log.close()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


class AgentFarm:
    """``count`` DemoAgents on ``first``, ``first + 1``, ... (one UDP port for all), served
    by ``processes`` helper processes. ``with AgentFarm(200) as farm:`` -> ``farm.targets()``.
    """

    def __init__(
        self,
        count: int,
        first: str = "127.0.0.2",
        processes: int = 1,
        log: str | os.PathLike[str] | None = None,
        set_delay: float = 0.0,
    ) -> None:
        self.hosts = addresses(count, first)
        self.processes = max(1, min(processes, count))
        self.log = Path(log) if log is not None else None
        self.set_delay = set_delay
        self.port = 0
        self._procs: list[subprocess.Popen[str]] = []

    def targets(self, **options: Any) -> list[dict[str, Any]]:
        """``SNMPComponent.create()`` keywords for every agent (v2c, community public)."""
        base = {"Version": "2c", "Community": "public", "Timeout": 1_000_000, "Retries": 1}
        return [{"DestHost": f"{h}:{self.port}", **base, **options} for h in self.hosts]

    def log_lines(self) -> list[LogLine]:
        """Every logged request so far (``log`` must be set)."""
        assert self.log is not None
        lines: list[LogLine] = []
        for k in range(self.processes):
            lines += read_log(Path(f"{self.log}.{k}"))
        return lines

    def start(self) -> Self:
        for _attempt in range(5):
            self.port = _free_port(self.hosts[0])
            try:
                self._start_all()
                return self
            except RuntimeError:
                self.stop()
        raise RuntimeError("AgentFarm: no port was free on every address")

    def _start_all(self) -> None:
        chunks = [self.hosts[k :: self.processes] for k in range(self.processes)]
        for k, chunk in enumerate(chunks):
            argv = [sys.executable, "-m", "snmp_component.fleet.farm", "--port", str(self.port)]
            argv += ["--set-delay", str(self.set_delay)]
            if self.log is not None:
                argv += ["--log", f"{self.log}.{k}"]
            proc = subprocess.Popen(
                [*argv, *chunk], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            self._procs.append(proc)
        for proc in self._procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            if not line.startswith("ready"):
                raise RuntimeError(f"agent farm did not start: {line!r}")

    def stop(self) -> None:
        for proc in self._procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self._procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            for stream in (proc.stdout, proc.stderr):
                if stream is not None:
                    stream.close()
        self._procs = []

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def read_log(path: Path) -> list[LogLine]:
    """The lines of one farm log (a missing file: none)."""
    lines: list[LogLine] = []
    with contextlib.suppress(FileNotFoundError), open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 5:
                host, sport, tag, req, when = parts
                lines.append((host, int(sport), int(tag), int(req), float(when)))
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="serve DemoAgents on loopback addresses")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log")
    parser.add_argument("--set-delay", type=float, default=0.0)
    parser.add_argument("hosts", nargs="+")
    args = parser.parse_args(argv)
    try:
        asyncio.run(_serve(args.hosts, args.port, args.log, args.set_delay))
    except OSError as exc:
        print(f"error {exc}", flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
