"""``python -m snmp_component agent``: the built-in demo agent, standalone.

::

    python -m snmp_component agent [--port 1161] [--host 127.0.0.1] [--community public]

Serves :class:`~snmp_component.testing.agent.DemoAgent` (read-only SNMPv1/v2c: the system
group, ``ifNumber``, an ifTable/ifXTable of four interfaces with moving counters) on UDP
``host:port``, prints one line saying where, and runs until Ctrl-C or SIGTERM (exit 0).
The default port, 1161, is the one the README's examples target (161 needs root);
``--port 0`` takes a free port, printed in that line. A port that cannot be bound, or a
bad option, is one line on stderr and exit 1.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Final, NoReturn, Self, TextIO

from .agent import DemoAgent

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "AgentProcess", "main"]

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 1161
"""Where ``snmpc agent`` listens by default, and what the README's examples target."""

_PROG: Final = "snmpc agent"


class _Parser(argparse.ArgumentParser):
    """An option error is one line and exit 1 (as the other commands), not usage and 2."""

    def error(self, message: str) -> NoReturn:
        print(f"{_PROG}: {message}", file=sys.stderr)
        raise SystemExit(1)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is not in 0..65535")
    return port


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=_PROG,
        description="The built-in read-only SNMPv1/v2c demo agent, until Ctrl-C or SIGTERM.",
    )
    parser.add_argument(
        "--port", type=_port, default=DEFAULT_PORT,
        help=f"UDP port (default {DEFAULT_PORT}; 0: a free one, printed)",
    )  # fmt: skip
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address (default {DEFAULT_HOST})")
    parser.add_argument("--community", default="public", help="community (default public)")
    return parser


def address(host: str, port: int) -> str:
    """``host:port`` as the command line takes it (``[v6]:port`` for IPv6)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


async def serve(host: str, port: int, community: str, out: TextIO, err: TextIO) -> int:
    """Serve until SIGINT/SIGTERM (or cancellation); the exit code."""
    for option, value in (("--host", host), ("--community", community)):
        if not value:
            print(f"{_PROG}: {option} must not be empty", file=err)
            return 1
    agent = DemoAgent(host, port, community)
    try:
        await agent.start()
    except OSError as exc:
        reason = exc.strerror or str(exc)
        print(f"{_PROG}: cannot listen on udp {address(host, port)}: {reason}", file=err)
        return 1
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    handled = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
            handled.append(signum)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    try:
        print(
            f"demo agent (SNMPv1/v2c, read-only, community {community}) listening on "
            f"{address(host, agent.port)}; Ctrl-C stops it",
            file=out, flush=True,
        )  # fmt: skip
        await stop.wait()
    finally:
        for signum in handled:
            loop.remove_signal_handler(signum)
        agent.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``snmpc agent`` with ``argv`` (default ``sys.argv[1:]``); the exit code."""
    args = _parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    try:
        return asyncio.run(serve(args.host, args.port, args.community, sys.stdout, sys.stderr))
    except KeyboardInterrupt:  # Ctrl-C before the handlers were in place
        return 0


_LISTENING: Final = re.compile(r"listening on (\S+):(\d+);")


class AgentProcess:
    """``python -m snmp_component agent OPTIONS`` as a child process, for tests and examples.

    ``with AgentProcess("--port", "0") as agent:`` starts it, waits for its line and sets
    ``agent.port`` and ``agent.address`` (``127.0.0.1:PORT``); leaving the block sends it
    SIGTERM. :meth:`stop` does that explicitly and returns the exit code; ``line`` is what
    it printed, ``stderr`` what it wrote there once stopped.
    """

    def __init__(self, *options: str, launcher: Sequence[str] = (), timeout: float = 20.0) -> None:
        """``launcher``: how to run the package's command line (default
        ``python -m snmp_component`` with this interpreter)."""
        launcher = list(launcher) or [sys.executable, "-m", "snmp_component"]
        self.command = [*launcher, "agent", *options]
        self.timeout = timeout
        self.line = self.stderr = self.address = ""
        self.port = 0
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> Self:
        """Start the agent and wait for the line saying where it listens.

        Raises:
            RuntimeError: it exited instead (the message holds what it wrote on stderr).
        """
        self.process = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        self.line = self.process.stdout.readline().rstrip("\n")  # the agent flushes it
        found = _LISTENING.search(self.line)
        if found is None:
            code = self.stop()
            raise RuntimeError(f"{self.command}: exit {code}: {self.line}{self.stderr}".strip())
        host, port = found.group(1), found.group(2)
        self.port, self.address = int(port), f"{host}:{port}"
        return self

    def stop(self, signum: int = signal.SIGTERM) -> int:
        """Send ``signum`` (unless it exited already), wait; the exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            _out, err = self.process.communicate(timeout=self.timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _out, err = self.process.communicate()
        self.stderr += err
        return self.process.returncode

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


if __name__ == "__main__":
    sys.exit(main())
