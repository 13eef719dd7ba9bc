"""The one-machine backend: each shard is a child process of the driver.

Children are started with ``multiprocessing``'s ``forkserver`` context on Linux (``spawn``
elsewhere), never ``fork``: the driver is inside a running event loop when shards are
(re)started. The driver talks to each incarnation over its own ``socketpair`` and watches
that socket and ``Process.sentinel`` with ``loop.add_reader`` -- no threads. When the
sentinel fires, what the child wrote before it died is read to the end first, so
``on_exit`` always comes after the incarnation's last message.

A backend for another placement (:mod:`~snmp_component.fleet.ray_backend`'s Ray actors)
implements the same :class:`Backend` protocol, returning a :class:`ShardLink` per
incarnation.
"""

from __future__ import annotations

import asyncio
import contextlib
import mmap
import multiprocessing
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from typing import Any, Protocol

from .shard import shard_main
from .wire import FrameReader, frame

__all__ = ["Backend", "OnExit", "OnMessage", "ProcessBackend", "ProcessLink", "ShardLink"]

OnMessage = Callable[[tuple[Any, ...]], None]
OnExit = Callable[[int | None], None]


class ShardLink(Protocol):
    """The driver's handle on one incarnation of one shard."""

    shard_id: int
    epoch: int
    node: str | None  # where it runs (host or Ray node id), once known
    error: str | None  # why it ended, where the backend knows (else its own output says)

    @property
    def pid(self) -> int | None:
        """The OS process id, where there is one."""

    def send(self, message: tuple[Any, ...]) -> None:
        """Queue ``message`` for the shard (never blocks; dropped once it is gone)."""

    def kill(self) -> None:
        """End the incarnation now (its ``on_exit`` follows)."""

    def in_flight(self) -> set[int] | None:
        """After the exit: the target indexes whose poll was running when it died
        (None: not known here)."""


class Backend(Protocol):
    """Places shards. ``spawn`` must call ``on_message`` for each message of the new
    incarnation, on the driver's loop, then ``on_exit`` exactly once when it is gone."""

    detection: float  # seconds it may take to notice that a shard is gone

    async def start(self) -> None:
        """Before the first spawn (join a cluster, for instance)."""

    def auto_workers(self) -> int:
        """The number of shards ``workers="auto"`` means here."""

    def spawn(self, spec: dict[str, Any], on_message: OnMessage, on_exit: OnExit) -> ShardLink: ...

    def retire(self, shard_id: int) -> None:
        """The shard was given up: release what holds its place."""

    def close(self) -> None:
        """End every incarnation now."""

    async def aclose(self) -> None:
        """After the drain: :meth:`close`, and release the backend itself."""


class ProcessBackend:
    """Shards as local processes (``start_method``: ``"forkserver"`` (Linux default) or
    ``"spawn"``; ``"fork"`` is refused)."""

    detection = 0.0  # the process sentinel fires at once

    def __init__(self, start_method: str | None = None) -> None:
        if start_method is None:
            start_method = "forkserver" if sys.platform.startswith("linux") else "spawn"
        if start_method == "fork":
            raise ValueError("shards are never forked from a process with a running loop")
        self.context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            # the forkserver imports the shard code once; each (re)start is then a cheap fork
            self.context.set_forkserver_preload(["snmp_component.fleet.shard"])
        self.links: set[ProcessLink] = set()

    async def start(self) -> None:
        """Nothing to do: children are started by :meth:`spawn`."""

    def auto_workers(self) -> int:
        """The CPUs this process may run on."""
        try:
            return len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            return os.cpu_count() or 1

    @staticmethod
    def busy_file(shard_id: int, size: int) -> tuple[str, int] | None:
        """A zeroed in-flight bitmap file for ``shard_id`` (``size`` target indexes), in
        memory (/dev/shm) where there is one: its path, for the shard, and an open
        descriptor the driver reads it through. The shard unlinks the path as soon as it
        has mapped the file, so nothing is left behind even if both processes are killed
        (the driver's descriptor keeps the file while it is needed)."""
        shm = "/dev/shm"
        base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
        try:
            fd, path = tempfile.mkstemp(prefix=f"snmp-fleet-{shard_id}-", suffix=".busy", dir=base)
        except OSError:
            return None
        try:
            os.ftruncate(fd, max(1, (size + 7) // 8))
        except OSError:
            os.close(fd)
            _unlink(path)
            return None
        return path, fd

    def spawn(self, spec: dict[str, Any], on_message: OnMessage, on_exit: OnExit) -> ProcessLink:
        link = ProcessLink(self, spec, on_message, on_exit)
        self.links.add(link)
        return link

    def retire(self, shard_id: int) -> None:
        """Nothing holds a given-up shard's place here."""

    def close(self) -> None:
        """Kill whatever is still running (the driver drains shards before this)."""
        for link in list(self.links):
            link.kill()

    async def aclose(self) -> None:
        self.close()


class ProcessLink:
    """One child process, its socket and its sentinel."""

    def __init__(
        self,
        backend: ProcessBackend,
        spec: dict[str, Any],
        on_message: OnMessage,
        on_exit: OnExit,
    ) -> None:
        self.backend = backend
        self.shard_id: int = spec["shard"]
        self.epoch: int = spec["epoch"]
        self.node: str | None = socket.gethostname()
        self.error: str | None = None  # a child's traceback goes to its stderr
        self._on_message = on_message
        self._on_exit = on_exit
        self._loop = asyncio.get_running_loop()
        self._reader = FrameReader()
        self._out = bytearray()
        self._exited = False
        self._in_flight: set[int] | None = None
        busy = backend.busy_file(self.shard_id, spec.get("size", 0))
        self.busy_path: str | None = None
        self._busy_fd = -1
        if busy is not None:
            self.busy_path, self._busy_fd = busy
        spec = {**spec, "busy": self.busy_path}
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock = mine
        self.process = backend.context.Process(  # type: ignore[attr-defined]
            target=shard_main,
            args=(spec, theirs),
            name=f"snmp-fleet-shard-{self.shard_id}",
            daemon=True,
        )
        try:
            self.process.start()
        finally:
            theirs.close()
        mine.setblocking(False)
        self._loop.add_reader(mine.fileno(), self._readable)
        self._loop.add_reader(self.process.sentinel, self._sentinel)

    @property
    def pid(self) -> int | None:
        pid: int | None = self.process.pid
        return pid

    # ------------------------------------------------------------------ in

    def _readable(self) -> None:
        self._read_available()

    def _read_available(self) -> bool:
        """Read what is there; True at end-of-file."""
        while True:
            try:
                data = self.sock.recv(1 << 20)
            except (BlockingIOError, InterruptedError):
                return False
            except OSError:
                data = b""
            if not data:
                with contextlib.suppress(Exception):
                    self._loop.remove_reader(self.sock.fileno())
                return True
            for message in self._reader.feed(data):
                self._on_message(message)

    def _sentinel(self) -> None:
        self._loop.remove_reader(self.process.sentinel)
        # the process is gone: everything it wrote is in the socket; read it to the end
        if self.sock.fileno() >= 0:
            for _ in range(10_000):
                if self._read_available():
                    break
        self._finish()

    def _finish(self) -> None:
        if self._exited:
            return
        self._exited = True
        with contextlib.suppress(Exception):
            self._loop.remove_writer(self.sock.fileno())
        with contextlib.suppress(Exception):
            self._loop.remove_reader(self.sock.fileno())
        self.sock.close()
        self._in_flight = self._read_busy()
        self.process.join(0)
        code: int | None = self.process.exitcode
        with contextlib.suppress(Exception):
            self.process.close()
        self.backend.links.discard(self)
        self._on_exit(code)

    def _read_busy(self) -> set[int] | None:
        """The in-flight bitmap the shard left (read once, at its exit; then released)."""
        fd, self._busy_fd = self._busy_fd, -1
        if self.busy_path is not None:
            _unlink(self.busy_path)  # (the shard may have died before it could)
        if fd < 0:
            return None
        try:
            with mmap.mmap(fd, 0, prot=mmap.PROT_READ) as m:
                bits = bytes(m)
        except (OSError, ValueError):
            return None
        finally:
            os.close(fd)
        return {
            byte * 8 + k for byte, value in enumerate(bits) if value for k in range(8)
            if value >> k & 1
        }  # fmt: skip

    def in_flight(self) -> set[int] | None:
        return self._in_flight

    # ------------------------------------------------------------------ out

    def send(self, message: tuple[Any, ...]) -> None:
        if self._exited:
            return
        self._out += frame(message)
        self._write()

    def _write(self) -> None:
        if self._exited or not self._out:
            return
        try:
            sent = self.sock.send(self._out)
        except (BlockingIOError, InterruptedError):
            sent = 0
        except OSError:
            self._out.clear()  # the child is gone; the sentinel tells the rest
            return
        del self._out[:sent]
        with contextlib.suppress(Exception):
            if self._out:
                self._loop.add_writer(self.sock.fileno(), self._write)
            else:
                self._loop.remove_writer(self.sock.fileno())

    def kill(self) -> None:
        if not self._exited:
            with contextlib.suppress(Exception):
                self.process.kill()


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)
