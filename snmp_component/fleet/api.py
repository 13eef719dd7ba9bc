"""The fleet's driver: assignment, schedule bookkeeping, records, failures, drain.

``Fleet`` runs in the user's event loop. It owns no sockets to devices: each shard (a
process of the backend) polls the targets it owns, and sends records back in batches.
The driver turns what comes back -- and what does not -- into exactly one
:class:`~snmp_component.fleet.records.Record` per (target, cycle):

* a record from the shard's current incarnation, the first for that (target, cycle):
  ``ok`` with the value, or the poll's error (later ones, and any from an older epoch,
  are discarded and counted);
* the shard died: every (target, cycle) whose slot had come and whose record had not
  -> ``ShardLost``, once; so are the slots that pass while it is down;
* the shard is alive but nothing came by ``slot + interval + grace`` (a stuck poll, a
  full outbox because the consumer is slow) -> ``CycleOverrun`` (``missed``);
* a quarantined target -> ``TargetQuarantined`` at each of its slots.

Synthesized outcomes are kept as runs of cycles per target until the consumer takes
them, and shard batches wait for credit while the record queue is full, so a slow
consumer costs no memory beyond ``buffer`` records plus one run per target.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
import pickle
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal

from ..errors import ConfigurationError, ShutdownError, SNMPError
from .hashing import TargetKey, owner, slot_offset, target_key
from .local import Backend, ProcessBackend, ShardLink
from .records import (
    CycleOverrun,
    FleetError,
    Record,
    ShardLost,
    TargetQuarantined,
    decode_error,
)
from .shard import REQUEST_METHODS

__all__ = ["Fleet", "FleetStats"]

PollArg = Callable[..., Awaitable[Any]] | str
ShardState = Literal["starting", "live", "down", "given_up", "stopped"]


@dataclass
class FleetStats:
    """Counters of the driver (for tests, logs and the benchmark)."""

    records: int = 0  # records yielded by results()
    received: int = 0  # records that came from shards and were accepted
    late: int = 0  # records from a shard for a (target, cycle) already decided
    stale: int = 0  # messages from an older epoch
    lost: int = 0
    missed: int = 0
    quarantined: int = 0
    restarts: int = 0
    given_up: list[int] = field(default_factory=list)
    shard_stats: dict[int, list[dict[str, float]]] = field(default_factory=dict)


class _Target:
    __slots__ = ("first", "index", "key", "next_cycle", "offset", "options", "owner")

    def __init__(self, index: int, key: TargetKey, options: dict[str, Any], offset: float):
        self.index = index
        self.key = key
        self.options = options
        self.offset = offset
        self.owner: int | None = None  # shard id; None: quarantined
        self.next_cycle = 0  # every cycle below is decided
        self.first = 0  # first cycle the current owner incarnation polls


class _Shard:
    def __init__(self, shard_id: int) -> None:
        self.id = shard_id
        self.epoch = 0
        self.state: ShardState = "starting"
        self.link: ShardLink | None = None
        self.targets: set[int] = set()
        self.spec_targets: set[int] = set()  # the targets the current incarnation was given
        self.clean_exit = False
        self.restarts: deque[float] = deque()
        self.crashes: deque[frozenset[int]] = deque()
        self.withheld = 0
        self.requests: dict[int, asyncio.Future[Any]] = {}
        self.hello: asyncio.Future[None] | None = None
        self.gone: asyncio.Future[None] | None = None
        self.restart_timer: asyncio.TimerHandle | None = None


class _Run:
    """Synthesized outcomes of one target: cycles ``first..last`` (inclusive)."""

    __slots__ = ("epoch", "error_cls", "first", "last", "shard", "text")

    def __init__(
        self, first: int, last: int, shard: int, epoch: int, error_cls: type[SNMPError], text: str
    ) -> None:
        self.first, self.last = first, last
        self.shard, self.epoch = shard, epoch
        self.error_cls, self.text = error_cls, text


def _make_backend(backend: Backend | str | None, address: str | None) -> Backend:
    if backend is None or backend == "local":
        if address is not None:
            raise ConfigurationError("address is for backend='ray'")
        return ProcessBackend()
    if backend == "ray":
        from .ray_backend import RayBackend

        return RayBackend(address)
    if isinstance(backend, str):
        raise ConfigurationError(f"backend must be 'local', 'ray' or a Backend, not {backend!r}")
    if address is not None:
        raise ConfigurationError("address is for backend='ray'; this backend has its own")
    return backend


class Fleet:
    """Poll many targets from several shards (processes), one record per (target, cycle).

    ``async with Fleet(targets, poll, interval=60, workers="auto") as fleet:``
    ``async for record in fleet.results(): ...``

    Args:
        targets: ``SNMPComponent.create()`` keyword dicts, one per target; the target's
            key is ``(host, port, context or security name)`` and must be unique.
        poll: ``async def poll(snmp) -> value``, run in the owning shard at each of the
            target's slots with that target's long-lived component; a module-level
            function (or a ``functools.partial`` of one) the shard can import, or a
            ``"module:function"`` string. Its return value must pickle.
        interval: seconds between a target's polls; each poll has that long to finish.
        workers: the number of shards, or ``"auto"``: the usable CPUs (on Ray: the
            cluster's CPUs but its largest node's, so that the shards fit after losing any
            one node; the shards are then counted when the fleet starts).
        cycles: stop after this many cycles (``results()`` then ends); None: run until
            :meth:`close`.
        buffer: records held for the consumer before shards must wait (credit).
        max_restarts, restart_window: a shard that dies after ``max_restarts`` restarts
            within ``restart_window`` seconds is given up: its targets move to the other
            shards (rendezvous hashing over the remaining ids: nothing else moves), except
            those in flight at every one of its crashes, which are quarantined.
        backoff: ``(first, max)`` seconds before a restart; doubles per recent restart.
        grace: seconds after a cycle's interval before a missing record is ``missed``;
            default a quarter of the interval (0.5 to 5 s) plus the backend's detection
            time, so a dead shard's cycles come out ``ShardLost``.
        backend: where shards run: ``"local"`` (default; a :class:`ProcessBackend`),
            ``"ray"`` (a :class:`~snmp_component.fleet.ray_backend.RayBackend`; needs
            ``snmp_component[ray]``) or a backend object.
        address: the Ray cluster to join with ``backend="ray"`` (``"HOST:PORT"``).
    """

    def __init__(
        self,
        targets: Iterable[Mapping[str, Any]],
        poll: PollArg,
        interval: float = 60.0,
        workers: int | Literal["auto"] = "auto",
        *,
        cycles: int | None = None,
        buffer: int = 10_000,
        max_restarts: int = 5,
        restart_window: float = 60.0,
        backoff: tuple[float, float] = (0.1, 5.0),
        batch_max: int = 256,
        flush_interval: float = 0.02,
        window: int = 4,
        grace: float | None = None,
        start_timeout: float = 60.0,
        drain_timeout: float | None = None,
        backend: Backend | Literal["local", "ray"] | None = None,
        address: str | None = None,
    ) -> None:
        if isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0:
            raise ConfigurationError(f"interval must be a positive number, not {interval!r}")
        if workers != "auto" and (
            isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
        ):
            raise ConfigurationError(f"workers must be an int >= 1 or 'auto', not {workers!r}")
        if cycles is not None and (not isinstance(cycles, int) or cycles < 1):
            raise ConfigurationError(f"cycles must be an int >= 1 or None, not {cycles!r}")
        if buffer < 1 or batch_max < 1 or window < 1:
            raise ConfigurationError("buffer, batch_max and window must be >= 1")
        self.interval = float(interval)
        self.cycles = cycles
        self.buffer = buffer
        self.max_restarts = max_restarts
        self.restart_window = restart_window
        self.backoff = backoff
        self.batch_max = batch_max
        self.flush_interval = flush_interval
        self.window = window
        self.start_timeout = start_timeout
        self.drain_timeout = self.interval + 10.0 if drain_timeout is None else drain_timeout
        self._poll_ref = self._poll_reference(poll)
        self._targets: list[_Target] = []
        self._by_key: dict[TargetKey, int] = {}
        for options in targets:
            key = target_key(options)
            if key in self._by_key:
                raise ConfigurationError(f"target {key} is given twice")
            index = len(self._targets)
            self._by_key[key] = index
            self._targets.append(_Target(index, key, dict(options), slot_offset(key, interval)))
        if not self._targets:
            raise ConfigurationError("a fleet needs at least one target")
        self._backend = _make_backend(backend, address)
        if grace is None:  # (a shard that died is noticed within the backend's detection)
            grace = min(max(0.5, self.interval * 0.25), 5.0) + self._backend.detection
        self.grace = grace
        self._shards: dict[int, _Shard] = {}
        if workers == "auto" and isinstance(self._backend, ProcessBackend):
            workers = self._backend.auto_workers()
        if workers != "auto":
            self._assign(workers)
        self.stats = FleetStats()
        self.t0 = 0.0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._heap: list[tuple[float, int, int]] = []
        self._queue: deque[Record] = deque()
        self._owed: dict[int, deque[_Run]] = {}
        self._turn = False
        self._wake: asyncio.Event | None = None
        self._tick_timer: asyncio.TimerHandle | None = None
        self._req_ids = itertools.count(1)
        self._done_targets = 0
        self._started = False
        self._closing = False
        self._finished = False
        self._stop_time: float | None = None
        self._close_task: asyncio.Task[None] | None = None
        self._fatal: FleetError | None = None

    def _assign(self, workers: int) -> None:
        """Fix the shard ids and give each target its owner."""
        count = min(workers, len(self._targets))
        self._shards = {i: _Shard(i) for i in range(count)}
        for target in self._targets:
            target.owner = owner(target.key, self._shards)
            self._shards[target.owner].targets.add(target.index)

    # ------------------------------------------------------------------ public API

    @property
    def workers(self) -> int:
        """The number of shard ids (fixed for the fleet's life; 0 until a fleet with
        ``workers="auto"`` on another backend than the local one starts)."""
        return len(self._shards)

    @property
    def backend(self) -> Backend:
        """Where the shards run."""
        return self._backend

    def targets(self) -> list[TargetKey]:
        """Every target's key, in the order given."""
        return [t.key for t in self._targets]

    def owner_of(self, target: TargetKey | Mapping[str, Any]) -> int | None:
        """The shard id that owns ``target`` now (None: quarantined)."""
        return self._targets[self._index_of(target)].owner

    def assignment(self) -> dict[TargetKey, int | None]:
        """Every target's owner now."""
        return {t.key: t.owner for t in self._targets}

    def shard_info(self) -> dict[int, dict[str, Any]]:
        """Per shard id: ``state``, ``epoch``, ``pid``, ``node`` (the host name, or the
        Ray node id), ``targets`` (a set of keys)."""
        return {
            s.id: {
                "state": s.state,
                "epoch": s.epoch,
                "pid": s.link.pid if s.link is not None else None,
                "node": s.link.node if s.link is not None else None,
                "targets": {self._targets[i].key for i in s.targets},
            }
            for s in self._shards.values()
        }

    async def __aenter__(self) -> Fleet:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def start(self) -> None:
        """Start every shard, wait until each is ready, then start cycle 0 for all.

        Raises:
            FleetError: a shard did not start within ``start_timeout``.
        """
        if self._started:
            return
        self._started = True
        loop = self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        try:
            async with asyncio.timeout(self.start_timeout):
                await self._backend.start()
                if not self._shards:
                    self._assign(self._backend.auto_workers())
                for shard in self._shards.values():
                    self._spawn(shard)
                await asyncio.gather(*[s.hello for s in self._shards.values() if s.hello])
        except BaseException as exc:
            await self._abandon_start()
            if isinstance(exc, TimeoutError):
                raise FleetError(f"shards did not start within {self.start_timeout:g} s") from None
            raise
        self.t0 = time.monotonic() + 0.05
        for shard in self._shards.values():
            if shard.state == "starting" and shard.link is not None:
                shard.state = "live"
                shard.link.send(("go", self.t0, dict.fromkeys(shard.targets, 0)))
        for target in self._targets:
            self._push(target)
        self._tick_timer = loop.call_later(self._tick_every(), self._tick)

    async def _abandon_start(self) -> None:
        """The start failed: no restarts, no records; every shard ends."""
        self._closing = self._finished = True
        for shard in self._shards.values():
            if shard.restart_timer is not None:
                shard.restart_timer.cancel()
                shard.restart_timer = None
        await self._backend.aclose()

    async def results(self) -> AsyncIterator[Record]:
        """Every record, as they come; ends after :meth:`close` (or after ``cycles``)
        once everything is delivered.

        Raises:
            FleetError: every shard was given up.
        """
        if not self._started:
            raise FleetError("the fleet is not started (use 'async with Fleet(...)')")
        assert self._wake is not None
        while True:
            record = self._next_record()
            if record is not None:
                self.stats.records += 1
                yield record
                continue
            if self._finished:
                if self._fatal is not None:
                    raise self._fatal
                return
            self._wake.clear()
            await self._wake.wait()

    async def request(
        self,
        target: TargetKey | Mapping[str, Any],
        method: str,
        *args: Any,
        retry_reads: bool = False,
        **kwargs: Any,
    ) -> Any:
        """Run one request (``get``, ``getnext``, ``set``, ``getbulk``, ``bulkwalk``,
        ``walk``, ``get_table``) on ``target``'s component in its owning shard.

        One answer: the result, the request's ``SNMPError``, or ``ShardLost`` if the shard
        dies (or is down) before answering. Nothing is re-sent, unless ``retry_reads``:
        then a read that met ``ShardLost`` is sent once more when the target's shard is
        back (within ``start_timeout``). A SET goes out at most once, always.
        """
        if method not in REQUEST_METHODS:
            raise ConfigurationError(f"unknown request {method!r}")
        try:
            return await self._request(target, method, args, kwargs)
        except ShardLost:
            if not retry_reads or method == "set":
                raise
        await self._owner_live(target)
        return await self._request(target, method, args, kwargs)

    async def _request(
        self,
        target: TargetKey | Mapping[str, Any],
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        if not self._started or self._closing:
            raise ShutdownError("the fleet is not running")
        index = self._index_of(target)
        shard_id = self._targets[index].owner
        if shard_id is None:
            raise TargetQuarantined(f"target {self._targets[index].key} is quarantined")
        shard = self._shards[shard_id]
        if shard.state != "live" or shard.link is None:
            raise ShardLost(f"shard {shard_id} is {shard.state}; the request was not sent")
        assert self._loop is not None
        req_id = next(self._req_ids)
        future: asyncio.Future[Any] = self._loop.create_future()
        shard.requests[req_id] = future
        shard.link.send(("req", req_id, index, method, args, kwargs))
        try:
            return await future
        finally:
            shard.requests.pop(req_id, None)

    async def _owner_live(self, target: TargetKey | Mapping[str, Any]) -> None:
        """Wait until ``target``'s owner (which may change meanwhile) is live."""
        index = self._index_of(target)
        deadline = time.monotonic() + self.start_timeout
        while not self._closing and time.monotonic() < deadline:
            owner = self._targets[index].owner
            if owner is None or self._shards[owner].state == "live":
                return
            await asyncio.sleep(0.02)

    def close(self) -> None:
        """Begin the drain (see :meth:`aclose`) without waiting: for signal handlers."""
        if self._started and self._close_task is None and self._loop is not None:
            self._close_task = self._loop.create_task(self._drain())

    async def aclose(self) -> None:
        """Drain: no new polls; the running ones finish (each within its interval); every
        record is flushed to :meth:`results` (which then ends); shards exit 0."""
        if not self._started:
            return
        self.close()
        assert self._close_task is not None
        await asyncio.shield(self._close_task)

    # ------------------------------------------------------------------ shards

    def _spawn(self, shard: _Shard) -> None:
        assert self._loop is not None
        shard.epoch += 1
        shard.state = "starting"
        shard.hello = self._loop.create_future()
        shard.gone = self._loop.create_future()
        epoch = shard.epoch
        shard.spec_targets = set(shard.targets)
        spec = {
            "shard": shard.id,
            "epoch": epoch,
            "interval": self.interval,
            "cycles": self.cycles,
            "batch_max": self.batch_max,
            "flush_interval": self.flush_interval,
            "window": self.window,
            "poll": self._poll_ref,
            "size": len(self._targets),
            "targets": [
                (i, self._targets[i].options, self._targets[i].offset)
                for i in sorted(shard.targets)
            ],
        }
        shard.link = self._backend.spawn(
            spec,
            lambda msg: self._on_message(shard, epoch, msg),
            lambda code: self._on_exit(shard, epoch, code),
        )

    def _on_message(self, shard: _Shard, epoch: int, msg: tuple[Any, ...]) -> None:
        if epoch != shard.epoch or msg[1] != epoch:
            self.stats.stale += 1
            return
        kind = msg[0]
        if kind == "batch":
            self._on_batch(shard, msg[2])
        elif kind == "reply":
            _, _, req_id, ok, payload = msg
            future = shard.requests.pop(req_id, None)
            if future is not None and not future.done():
                if ok:
                    future.set_result(payload)
                else:
                    future.set_exception(decode_error(payload))
        elif kind == "hello":
            self._on_hello(shard)
        elif kind == "bye":
            self.stats.shard_stats.setdefault(shard.id, []).append(msg[2])

    def _on_hello(self, shard: _Shard) -> None:
        if shard.hello is not None and not shard.hello.done():
            shard.hello.set_result(None)
        if shard.epoch == 1 and not self.t0:
            return  # the first start: start() sends go to all at once
        if self._closing:
            return  # drain was sent already
        # a restart: its targets resume at their first slot from now; the gap was lost
        start_at = time.monotonic() + 0.02
        firsts = {
            i: self._resume(self._targets[i], shard.id, shard.epoch - 1, start_at)
            for i in shard.spec_targets
        }
        shard.state = "live"
        assert shard.link is not None
        shard.link.send(("go", self.t0, firsts))
        extra = shard.targets - shard.spec_targets  # moved here while it was starting
        if extra:
            self._add_targets(shard, sorted(extra), shard.id, shard.epoch - 1, start_at)

    def _add_targets(
        self, recipient: _Shard, indexes: list[int], lost_shard: int, lost_epoch: int,
        start_at: float,
    ) -> None:  # fmt: skip
        adds = []
        for index in indexes:
            target = self._targets[index]
            first = self._resume(target, lost_shard, lost_epoch, start_at)
            adds.append((index, target.options, target.offset, first))
        recipient.spec_targets.update(indexes)
        assert recipient.link is not None
        recipient.link.send(("add", adds))

    def _resume(self, target: _Target, lost_shard: int, lost_epoch: int, start_at: float) -> int:
        """The first cycle of ``target`` with a slot at or after ``start_at``; the cycles
        before it that are not decided yet are lost (nobody polled them)."""
        first = max(target.next_cycle, self._cycle_at(target, start_at))
        if first > target.next_cycle:
            self._settle_run(
                target, first - 1, lost_shard, lost_epoch, ShardLost,
                f"shard {lost_shard} was down at the slot",
            )  # fmt: skip
        target.first = first
        return first

    def _cycle_at(self, target: _Target, when: float) -> int:
        """The first cycle whose slot is at or after ``when``."""
        return max(0, math.ceil((when - self.t0 - target.offset) / self.interval))

    def _slot(self, target: _Target, cycle: int) -> float:
        return self.t0 + cycle * self.interval + target.offset

    def _on_exit(self, shard: _Shard, epoch: int, code: int | None) -> None:
        if epoch != shard.epoch:
            return
        in_flight = shard.link.in_flight() if shard.link is not None else None
        why = f": {shard.link.error}" if shard.link is not None and shard.link.error else ""
        shard.link = None
        for future in shard.requests.values():
            if not future.done():
                future.set_exception(
                    ShardLost(f"shard {shard.id} (epoch {epoch}) died before answering")
                )
        shard.requests.clear()
        if shard.hello is not None and not shard.hello.done():
            shard.hello.set_exception(FleetError(f"shard {shard.id} exited with {code}{why}"))
            shard.hello.exception()  # retrieved: start() reports it
        if self._closing and code == 0:
            shard.state = "stopped"
            shard.clean_exit = True
        else:
            self._crashed(shard, epoch, code, in_flight)
        if shard.gone is not None and not shard.gone.done():
            shard.gone.set_result(None)
        self._wakeup()

    def _crashed(
        self, shard: _Shard, epoch: int, code: int | None, in_flight: set[int] | None
    ) -> None:
        now = time.monotonic()
        was_live = shard.state == "live"
        shard.state = "down"
        open_targets: set[int] = set()
        if was_live:
            for index in shard.targets:
                target = self._targets[index]
                last = self._cycle_at(target, now) - 1  # the last cycle whose slot has come
                if self.cycles is not None:
                    last = min(last, self.cycles - 1)
                if last >= target.next_cycle:
                    open_targets.add(index)
                    self._settle_run(
                        target, last, shard.id, epoch, ShardLost,
                        f"shard {shard.id} (epoch {epoch}) died (exit code {code})",
                    )  # fmt: skip
        if self._closing:
            shard.state = "stopped"
            return
        window = self.restart_window
        while shard.restarts and now - shard.restarts[0] > window:
            shard.restarts.popleft()
        # suspects of this crash: the polls running at the time, where the backend knows
        shard.crashes.append(frozenset(open_targets if in_flight is None else in_flight))
        while len(shard.crashes) > self.max_restarts + 1:
            shard.crashes.popleft()
        if len(shard.restarts) >= self.max_restarts:
            self._give_up(shard)
            return
        delay = min(self.backoff[1], self.backoff[0] * 2 ** len(shard.restarts))
        shard.restarts.append(now + delay)
        assert self._loop is not None
        shard.restart_timer = self._loop.call_later(delay, self._restart, shard)

    def _restart(self, shard: _Shard) -> None:
        shard.restart_timer = None
        if self._closing or shard.state != "down":
            return
        self.stats.restarts += 1
        self._spawn(shard)

    def _give_up(self, shard: _Shard) -> None:
        shard.state = "given_up"
        self.stats.given_up.append(shard.id)
        self._backend.retire(shard.id)
        remaining = [s.id for s in self._shards.values() if s.state != "given_up"]
        crashes = [c for c in shard.crashes if c]
        suspects: frozenset[int] = frozenset()
        if len(crashes) >= 2:
            suspects = frozenset.intersection(*crashes)
            if len(suspects) > 8:  # not one poison device: move them all
                suspects = frozenset()
        moved: dict[int, list[int]] = {}
        for index in sorted(shard.targets):
            target = self._targets[index]
            if index in suspects or not remaining:
                target.owner = None
                continue
            new = owner(target.key, remaining)
            target.owner = new
            self._shards[new].targets.add(index)
            moved.setdefault(new, []).append(index)
        shard.targets = set()
        if not remaining:
            self._fatal = FleetError("every shard was given up")
            self.close()
            return
        start_at = time.monotonic() + 0.02
        for new, indexes in moved.items():
            recipient = self._shards[new]
            if recipient.state == "live" and recipient.link is not None:
                self._add_targets(recipient, indexes, shard.id, shard.epoch, start_at)
            # otherwise it gets them when its incarnation says hello, or in its next spec

    # ------------------------------------------------------------------ records

    def _on_batch(self, shard: _Shard, batch: list[tuple[int, int, bool, Any]]) -> None:
        for index, cycle, ok, payload in batch:
            target = self._targets[index]
            if target.owner != shard.id or cycle < target.next_cycle:
                self.stats.late += 1
                continue
            if cycle > target.next_cycle:  # the shard skipped slots (outbox full)
                self._settle_run(
                    target, cycle - 1, shard.id, shard.epoch, CycleOverrun,
                    "missed: the shard could not deliver the record in time",
                )  # fmt: skip
            if ok:
                record = Record(target.key, cycle, shard.id, shard.epoch, True, payload, None)
            else:
                error = decode_error(payload)
                record = Record(target.key, cycle, shard.id, shard.epoch, False, None, error)
            self._queue.append(record)
            self.stats.received += 1
            self._advance(target, cycle + 1)
        if self._closing or len(self._queue) < self.buffer:
            assert shard.link is not None
            shard.link.send(("credit", 1))
        else:
            shard.withheld += 1
        self._wakeup()

    def _settle_unanswered(
        self, target: _Target, last: int, *, alive: bool, missed: str, lost: str
    ) -> None:
        """Cycles of ``target`` up to ``last`` that got no record: quarantined (no owner),
        missed (``CycleOverrun``: its shard was ``alive``) or ``ShardLost``. ``missed`` may
        name the shard as ``{id}``; ``lost`` says when its state was seen."""
        if target.owner is None:
            self._settle_run(
                target, last, -1, 0, TargetQuarantined,
                "quarantined: in flight at every crash of a given-up shard",
            )  # fmt: skip
            return
        shard = self._shards[target.owner]
        error_cls: type[SNMPError]
        if alive:
            text, error_cls = "missed: " + missed.format(id=shard.id), CycleOverrun
        else:
            text, error_cls = f"shard {shard.id} was {shard.state} {lost}", ShardLost
        self._settle_run(target, last, shard.id, shard.epoch, error_cls, text)

    def _settle_run(
        self,
        target: _Target,
        last: int,
        shard: int,
        epoch: int,
        error_cls: type[SNMPError],
        text: str,
    ) -> None:
        """Decide cycles ``target.next_cycle..last`` with one synthesized error."""
        first = target.next_cycle
        if self.cycles is not None:
            last = min(last, self.cycles - 1)
        if last < first:
            return
        runs = self._owed.setdefault(target.index, deque())
        tail = runs[-1] if runs else None
        if (
            tail is not None
            and tail.last + 1 == first
            and (tail.shard, tail.epoch, tail.error_cls, tail.text)
            == (shard, epoch, error_cls, text)
        ):
            tail.last = last
        else:
            runs.append(_Run(first, last, shard, epoch, error_cls, text))
        count = last - first + 1
        if error_cls is ShardLost:
            self.stats.lost += count
        elif error_cls is CycleOverrun:
            self.stats.missed += count
        elif error_cls is TargetQuarantined:
            self.stats.quarantined += count
        self._advance(target, last + 1)
        self._wakeup()

    def _advance(self, target: _Target, next_cycle: int) -> None:
        was_done = self.cycles is not None and target.next_cycle >= self.cycles
        target.next_cycle = next_cycle
        if not was_done and self.cycles is not None and next_cycle >= self.cycles:
            self._done_targets += 1
            if self._done_targets == len(self._targets):
                self.close()  # every cycle of every target decided: drain and end

    def _next_record(self) -> Record | None:
        self._turn = not self._turn
        if self._owed and (self._turn or not self._queue):
            index, runs = next(iter(self._owed.items()))
            run = runs[0]
            cycle = run.first
            run.first += 1
            if run.first > run.last:
                runs.popleft()
                if not runs:
                    del self._owed[index]
            error = run.error_cls(run.text)
            target = self._targets[index]
            return Record(target.key, cycle, run.shard, run.epoch, False, None, error)
        if self._queue:
            record = self._queue.popleft()
            if len(self._queue) < self.buffer // 2 or len(self._queue) < 1:
                self._release_credits()
            return record
        return None

    def _release_credits(self) -> None:
        for shard in self._shards.values():
            if shard.withheld and shard.link is not None:
                shard.link.send(("credit", shard.withheld))
            shard.withheld = 0

    def _wakeup(self) -> None:
        if self._wake is not None:
            self._wake.set()

    # ------------------------------------------------------------------ deadlines

    def _tick_every(self) -> float:
        return min(0.1, self.interval / 10)

    def _deadline(self, target: _Target, cycle: int) -> float:
        slot = self._slot(target, cycle)
        return slot if target.owner is None else slot + self.interval + self.grace

    def _push(self, target: _Target) -> None:
        cycle = target.next_cycle
        if self.cycles is not None and cycle >= self.cycles:
            return
        heapq.heappush(self._heap, (self._deadline(target, cycle), target.index, cycle))

    def _tick(self) -> None:
        self._tick_timer = None
        if self._finished:
            return
        now = time.monotonic()
        heap = self._heap
        while heap and heap[0][0] <= now:
            _, index, cycle = heapq.heappop(heap)
            target = self._targets[index]
            if target.next_cycle != cycle:
                self._push(target)
                continue
            if self._stop_time is not None and self._slot(target, cycle) >= self._stop_time:
                continue  # not owed: the fleet stopped before its slot
            owner = None if target.owner is None else self._shards[target.owner]
            self._settle_unanswered(
                target, cycle, alive=owner is not None and owner.state == "live",
                missed="no record from shard {id} by the next slot", lost="at the slot",
            )  # fmt: skip
            self._push(target)
        assert self._loop is not None
        self._tick_timer = self._loop.call_later(self._tick_every(), self._tick)

    # ------------------------------------------------------------------ drain

    async def _drain(self) -> None:
        self._closing = True
        self._stop_time = time.monotonic()
        for shard in self._shards.values():
            if shard.restart_timer is not None:
                shard.restart_timer.cancel()
                shard.restart_timer = None
            if shard.link is not None:
                shard.link.send(("drain",))
            elif shard.state == "down":
                shard.state = "stopped"
        self._release_credits()
        gone = [s.gone for s in self._shards.values() if s.link is not None and s.gone]
        if gone:
            try:
                async with asyncio.timeout(self.drain_timeout):
                    await asyncio.gather(*gone)
            except TimeoutError:
                self._backend.close()
                async with asyncio.timeout(5.0):
                    await asyncio.gather(*gone)
        await self._backend.aclose()
        # every cycle whose slot came before the stop is owed a record
        for target in self._targets:
            last = self._cycle_at(target, self._stop_time) - 1
            owner = None if target.owner is None else self._shards[target.owner]
            self._settle_unanswered(
                target, last, alive=owner is not None and owner.clean_exit,
                missed="not finished when the fleet stopped", lost="when the fleet stopped",
            )  # fmt: skip
        if self._tick_timer is not None:
            self._tick_timer.cancel()
            self._tick_timer = None
        self._finished = True
        self._wakeup()

    # ------------------------------------------------------------------ helpers

    def _index_of(self, target: TargetKey | Mapping[str, Any]) -> int:
        key = target_key(target) if isinstance(target, Mapping) else tuple(target)
        index = self._by_key.get(key)  # type: ignore[arg-type]
        if index is None:
            raise ConfigurationError(f"{key!r} is not a target of this fleet")
        return index

    @staticmethod
    def _poll_reference(poll: PollArg) -> bytes | str:
        if isinstance(poll, str):
            if ":" not in poll:
                raise ConfigurationError(f"poll {poll!r} is not 'module:function'")
            return poll
        if not callable(poll):
            raise ConfigurationError(f"poll must be callable or 'module:function', not {poll!r}")
        try:
            return pickle.dumps(poll, protocol=5)
        except Exception as exc:
            raise ConfigurationError(
                f"poll {poll!r} cannot be sent to a shard: it must be importable "
                f"(a module-level function or a functools.partial of one): {exc}"
            ) from None
