"""A shard: one :class:`~snmp_component.kernel.Kernel` in its own process, with one
long-lived component per target it owns, its own schedule, and a stream of record batches
to the driver.

:class:`Shard` is the same wherever it runs; its host carries the messages. On one
machine the process is started by the backend (``multiprocessing`` ``forkserver`` or
``spawn``, never ``fork``) with :func:`shard_main` as its target: it dies with its parent
(``PR_SET_PDEATHSIG`` on Linux, and end-of-file on the driver's socket everywhere) and
ignores SIGINT/SIGTERM (the driver drains it). On Ray, an actor hosts it
(:mod:`~snmp_component.fleet.ray_backend`). Either way it keeps every per-device state
(SNMPv3 engine, keys, the bulk size after tooBig, ``MaxInFlight``) for its whole life.

Schedule: cycle ``c`` of a target starts at ``t0 + c * interval + offset``; the poll has
until just before the next slot, then it is cancelled and reported as
:class:`~snmp_component.fleet.records.CycleOverrun`. Records go to the driver in batches
(``batch_max`` records, or every ``flush_interval`` seconds); each batch takes one of
``window`` credits, returned by the driver when its bounded queue has room. While the
outbox is full, slots are skipped (the driver reports them missed): memory stays flat.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import mmap
import os
import pickle
import signal
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from ..component import SNMPComponent, SNMPSession
from ..credentials import normalise_key
from ..errors import SNMPError
from ..kernel import Kernel
from .records import CycleOverrun, encode_error
from .wire import frame

__all__ = ["REQUEST_METHODS", "Shard", "load_poll", "shard_main"]

PollFn = Callable[[SNMPSession], Awaitable[Any]]

REQUEST_METHODS = frozenset(
    {"get", "getnext", "set", "getbulk", "bulkwalk", "walk", "get_table", "table"}
)
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Linux: SIGKILL this process when the process (thread) that started it dies."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(Exception):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)


def load_poll(ref: bytes | str) -> PollFn:
    """The poll function from a pickled callable or a ``"module:function"`` string."""
    if isinstance(ref, bytes):
        fn: Any = pickle.loads(ref)
    else:
        module, _, qualname = ref.partition(":")
        if not module or not qualname:
            raise ValueError(f"poll {ref!r} is not 'module:function'")
        fn = importlib.import_module(module)
        for part in qualname.split("."):
            fn = getattr(fn, part)
    if not callable(fn):
        raise TypeError(f"poll {ref!r} is not callable")
    poll: PollFn = fn
    return poll


def shard_main(spec: dict[str, Any], sock: socket.socket) -> None:
    """The local shard process: run until the driver says drain (exit 0) or goes away."""
    die_with_parent()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_IGN)  # the driver drains us; a group signal must not
    asyncio.run(_serve_socket(spec, sock))


async def _serve_socket(spec: dict[str, Any], sock: socket.socket) -> None:
    """One shard over the driver's socket: framed messages both ways."""
    reader, writer = await asyncio.open_unix_connection(sock=sock)
    shard = Shard(spec, lambda message: writer.write(frame(message)), _open_busy(spec.get("busy")))
    shard.begin()
    reading = asyncio.ensure_future(_read_socket(reader, shard))
    await shard.done.wait()
    reading.cancel()
    await writer.drain()
    writer.close()


async def _read_socket(reader: asyncio.StreamReader, shard: Shard) -> None:
    try:
        while True:
            header = await reader.readexactly(4)
            body = await reader.readexactly(int.from_bytes(header, "big"))
            shard.receive(pickle.loads(body))
    except (asyncio.IncompleteReadError, ConnectionError):
        os._exit(0)  # the driver is gone: nobody to report to


def _open_busy(path: str | None) -> mmap.mmap | None:
    """The driver's in-flight bitmap of this shard (one bit per target index)."""
    if not path:
        return None
    try:
        with open(path, "r+b") as f:
            busy = mmap.mmap(f.fileno(), 0)
    except (OSError, ValueError):
        return None
    with contextlib.suppress(OSError):
        os.unlink(path)  # mapped: the name is no longer needed (the driver holds the file)
    return busy


class _Target:
    __slots__ = ("error", "index", "offset", "snmp", "task", "timer")

    def __init__(self, index: int, offset: float) -> None:
        self.index = index
        self.offset = offset
        self.snmp: SNMPSession | None = None
        self.error: SNMPError | None = None  # create() refused the options
        self.task: asyncio.Task[None] | None = None
        self.timer: asyncio.TimerHandle | None = None


class Shard:
    """One shard's state and event handlers (all on the shard's own loop), whatever
    carries its messages: ``send`` puts one message on the way to the driver, and the
    host calls :meth:`receive` with each message from it. :attr:`done` is set once the
    drain has sent ``bye``."""

    def __init__(
        self,
        spec: dict[str, Any],
        send: Callable[[tuple[Any, ...]], None],
        busy: mmap.mmap | None = None,
    ) -> None:
        self.shard_id: int = spec["shard"]
        self.epoch: int = spec["epoch"]
        self.interval: float = spec["interval"]
        self.cycles: int | None = spec["cycles"]
        self.batch_max: int = spec["batch_max"]
        self.flush_interval: float = spec["flush_interval"]
        self.credits: int = spec["window"]
        self.outbox_cap: int = self.batch_max * spec["window"] * 2
        self._send = send
        self.kernel = Kernel()
        SNMPComponent.set_kernel_limit(self.kernel, spec.get("kernel_limit", 1000))
        self.poll = load_poll(spec["poll"])
        self.targets: dict[int, _Target] = {}
        self.initial: list[tuple[int, dict[str, Any], float]] = spec["targets"]
        self.t0 = 0.0
        self.outbox: list[tuple[int, int, bool, Any]] = []
        self.flush_timer: asyncio.TimerHandle | None = None
        self.requests: set[asyncio.Task[None]] = set()
        self.draining = False
        self.done = asyncio.Event()
        self.credit_event = asyncio.Event()
        self.busy = busy
        self.running: set[int] = set()  # target indexes whose poll is in flight
        self.cpu_at_go = time.process_time()
        self.stats: dict[str, float] = dict.fromkeys(
            ("polls", "skipped", "overruns", "requests", "batches"), 0
        )

    # ------------------------------------------------------------------ main loop

    def begin(self) -> None:
        """Create the components of the spec's targets; say hello."""
        for index, options, offset in self.initial:
            self._add(index, options, offset)
        self._send(("hello", self.epoch, os.getpid()))

    def receive(self, msg: tuple[Any, ...]) -> None:
        """One message from the driver."""
        if msg[0] == "drain":
            if not self.draining:
                task = asyncio.ensure_future(self._drain())
                task.add_done_callback(lambda _task: self.done.set())
            self.draining = True
        else:
            self._handle(msg)

    def abort(self) -> None:
        """Stop at once, answering nothing more (a newer incarnation replaces this one
        in the same process): timers, polls and requests are cancelled, the kernel
        stopped."""
        self.draining = True
        for target in self.targets.values():
            if target.timer is not None:
                target.timer.cancel()
            if target.task is not None:
                target.task.cancel()
        for task in self.requests:
            task.cancel()
        if self.flush_timer is not None:
            self.flush_timer.cancel()
        self.outbox.clear()
        self.kernel.stop()
        self.done.set()

    def _handle(self, msg: tuple[Any, ...]) -> None:
        kind = msg[0]
        if kind == "credit":
            self.credits += msg[1]
            self.credit_event.set()
            self._flush()
        elif kind == "go":
            _, self.t0, firsts = msg
            self.cpu_at_go = time.process_time()
            for index, first in firsts.items():
                self._schedule(self.targets[index], first)
        elif kind == "add":
            for index, options, offset, first in msg[1]:
                self._schedule(self._add(index, options, offset), first)
        elif kind == "req":
            _, req_id, index, method, args, kwargs = msg
            task = asyncio.ensure_future(self._request(req_id, index, method, args, kwargs))
            self.requests.add(task)
            task.add_done_callback(self.requests.discard)

    def _add(self, index: int, options: dict[str, Any], offset: float) -> _Target:
        target = _Target(index, offset)
        opts = dict(options)
        if not any(isinstance(key, str) and normalise_key(key) == "alias" for key in opts):
            opts["Alias"] = f"fleet-target-{index}"
        try:
            target.snmp = SNMPComponent.create(self.kernel, **opts)
        except SNMPError as exc:
            target.error = exc
        self.targets[index] = target
        return target

    # ------------------------------------------------------------------ schedule

    def _slot_time(self, target: _Target, cycle: int) -> float:
        return self.t0 + cycle * self.interval + target.offset

    def _schedule(self, target: _Target, cycle: int) -> None:
        if self.draining or (self.cycles is not None and cycle >= self.cycles):
            target.timer = None
            return
        delay = self._slot_time(target, cycle) - time.monotonic()
        loop = asyncio.get_running_loop()
        target.timer = loop.call_later(max(0.0, delay), self._slot, target, cycle)

    def _slot(self, target: _Target, cycle: int) -> None:
        self._schedule(target, cycle + 1)
        if len(self.outbox) >= self.outbox_cap:
            self.stats["skipped"] += 1  # undeliverable: the driver reports it missed
            return
        slot = self._slot_time(target, cycle)
        # just before the next slot: the overrun is reported before the next poll starts
        deadline = slot + self.interval - min(0.01, self.interval * 0.01)
        target.task = asyncio.ensure_future(self._poll(target, cycle, deadline))

    async def _poll(self, target: _Target, cycle: int, deadline: float) -> None:
        self.stats["polls"] += 1
        if target.snmp is None:
            assert target.error is not None
            self._emit((target.index, cycle, False, encode_error(target.error)))
            return
        loop = asyncio.get_running_loop()
        timeout = asyncio.timeout_at(deadline - time.monotonic() + loop.time())
        busy, byte, bit = self.busy, target.index >> 3, 1 << (target.index & 7)
        if busy is not None and byte < len(busy):
            busy[byte] |= bit  # in flight: the driver reads this if we die
        self.running.add(target.index)
        try:
            async with timeout:
                value = await self.poll(target.snmp)
        except Exception as exc:
            error: BaseException = exc
            if timeout.expired():
                self.stats["overruns"] += 1
                error = CycleOverrun(
                    f"missed: the poll of cycle {cycle} did not finish within the "
                    f"{self.interval:g} s interval"
                )
            self._emit((target.index, cycle, False, encode_error(error)))
        else:
            self._emit((target.index, cycle, True, value))
        finally:
            self.running.discard(target.index)
            if busy is not None and byte < len(busy):
                busy[byte] &= ~bit & 0xFF

    async def _request(
        self, req_id: int, index: int, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        self.stats["requests"] += 1
        target = self.targets.get(index)
        try:
            if method not in REQUEST_METHODS:
                raise ValueError(f"unknown request {method!r}")
            if target is None:
                raise LookupError(f"target {index} is not on shard {self.shard_id}")
            if target.snmp is None:
                assert target.error is not None
                raise target.error
            name = "get_table" if method == "table" else method
            value = await getattr(target.snmp, name)(*args, **kwargs)
        except Exception as exc:
            self._send(("reply", self.epoch, req_id, False, encode_error(exc, method)))
        else:
            self._send_reply(req_id, value)

    def _send_reply(self, req_id: int, value: Any) -> None:
        try:
            self._send(("reply", self.epoch, req_id, True, value))
        except Exception as exc:  # not picklable
            self._send(("reply", self.epoch, req_id, False, encode_error(exc, "reply")))

    # ------------------------------------------------------------------ records out

    def _emit(self, record: tuple[int, int, bool, Any]) -> None:
        self.outbox.append(record)
        if len(self.outbox) >= self.batch_max:
            self._flush()
        elif self.flush_timer is None:
            loop = asyncio.get_running_loop()
            self.flush_timer = loop.call_later(self.flush_interval, self._flush)

    def _flush(self) -> None:
        if self.flush_timer is not None:
            self.flush_timer.cancel()
            self.flush_timer = None
        while self.outbox and self.credits > 0:
            batch = self.outbox[: self.batch_max]
            del self.outbox[: self.batch_max]
            self.credits -= 1
            self.stats["batches"] += 1
            self._send_batch(batch)
        if self.outbox and self.credits > 0 and self.flush_timer is None:
            loop = asyncio.get_running_loop()
            self.flush_timer = loop.call_later(self.flush_interval, self._flush)

    def _send_batch(self, batch: list[tuple[int, int, bool, Any]]) -> None:
        try:
            self._send(("batch", self.epoch, batch))
        except Exception:  # some value does not pickle: that record is an error instead
            fixed = []
            for record in batch:
                try:
                    pickle.dumps(record, protocol=5)
                except Exception as exc:
                    index, cycle, _ok, _value = record
                    record = (index, cycle, False, encode_error(exc, "poll value"))
                fixed.append(record)
            self._send(("batch", self.epoch, fixed))

    # ------------------------------------------------------------------ drain

    async def _drain(self) -> None:
        """No new polls; let the running ones finish (each is bounded by its deadline);
        answer the requests; flush every record; say bye."""
        self.draining = True
        for target in self.targets.values():
            if target.timer is not None:
                target.timer.cancel()
                target.timer = None
        running = [t.task for t in self.targets.values() if t.task is not None]
        await asyncio.gather(*running, *self.requests, return_exceptions=True)
        while self.outbox:
            self.credit_event.clear()
            self._flush()
            if self.outbox:
                await self.credit_event.wait()
        for target in self.targets.values():
            if target.snmp is not None:
                target.snmp.finish()
        self.stats["cpu"] = time.process_time() - self.cpu_at_go  # CPU seconds polling
        self._send(("bye", self.epoch, dict(self.stats)))
