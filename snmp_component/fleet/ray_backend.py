"""Shards as Ray async actors: one fleet across many machines (``pip install
snmp_component[ray]``; ``Fleet(..., backend="ray", address="HEAD:PORT")``).

Each shard id has one actor (``num_cpus=1``, ``max_restarts=-1``, ``max_task_retries=0``),
placed by Ray with the ``SPREAD`` strategy so that shards land on different nodes (failure
domains). The actor hosts the same :class:`~snmp_component.fleet.shard.Shard` as a local
process: its own kernel, socket and components, on the actor's event loop.

* **Restarts are Ray's.** When the actor's process dies (killed, out of memory) or its
  node is lost, Ray restarts it -- on the same node, or on another one with a free CPU.
  The driver sees the failure as an error from the shard's ``pull`` call, ends that
  incarnation (its open cycles become ``ShardLost``) and, after its back-off, starts the
  next incarnation with a new epoch in the restarted actor; records of an older epoch are
  discarded. Start calls made while Ray has not placed the actor yet are retried for
  ``restart_timeout`` seconds; past that the incarnation counts as one more crash, so a
  shard that cannot be placed anywhere is given up and only its targets move.
* **Batches, never a Ray call per SNMP request.** The driver's messages of one loop turn
  go in one ``push`` call (numbered: the actor applies them in order), and everything the
  shard has to say -- record batches, replies, ``bye`` -- comes back in one long-polled
  ``pull`` call that waits up to ``poll_seconds`` for something to send. Credit-based flow
  control is the same as on one machine, so a slow consumer costs no memory.
* **Placement capacity.** ``workers="auto"`` on Ray is the cluster's CPUs minus those of
  its largest node: the shards still fit after any one node is lost.

Every node needs the same Python minor version, Ray version and ``snmp_component`` (and
the poll function's module) installed; every node must reach the head and the others.
The head node is a single point of failure unless Ray's GCS fault tolerance is set up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import socket
import sys
import time
from collections.abc import Mapping
from typing import Any

from ..errors import ConfigurationError
from .local import OnExit, OnMessage
from .shard import Shard

__all__ = ["RayBackend", "RayLink", "ShardHost"]

log = logging.getLogger("snmp_component.fleet")

_RUNNING_REPORT = 64  # report the polls in flight with each pull when there are at most this


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise ConfigurationError(
            "backend='ray' needs Ray: pip install 'snmp_component[ray]'"
        ) from None
    return ray


class ShardHost:
    """The body of a shard's Ray actor: one :class:`Shard` at a time, fed by ``push`` and
    drained by ``pull`` (all methods run on the actor's event loop)."""

    def __init__(self) -> None:
        self.shard: Shard | None = None
        self.epoch = 0
        self.outbox: list[tuple[Any, ...]] = []
        self.ready: asyncio.Event | None = None
        self.next_seq = 0
        self.pending: dict[int, list[tuple[Any, ...]]] = {}

    async def start(self, spec: dict[str, Any]) -> tuple[int, str]:
        """Start the incarnation ``spec["epoch"]`` (replacing any older one in this
        process); returns the process id and the node's name."""
        if self.shard is not None:
            self.shard.abort()
        epoch = self.epoch = spec["epoch"]
        self.outbox = []
        self.next_seq = 0
        self.pending = {}
        ready = self.ready = asyncio.Event()

        def send(message: tuple[Any, ...]) -> None:
            if self.epoch == epoch:
                self.outbox.append(message)
                ready.set()

        self.shard = Shard({**spec, "busy": None}, send)
        self.shard.begin()
        return os.getpid(), _node_name()

    async def push(self, epoch: int, seq: int, messages: list[tuple[Any, ...]]) -> None:
        """Messages from the driver, applied in ``seq`` order."""
        if epoch != self.epoch or self.shard is None:
            return
        self.pending[seq] = messages
        while self.next_seq in self.pending:
            for message in self.pending.pop(self.next_seq):
                self.shard.receive(message)
            self.next_seq += 1

    async def pull(
        self, epoch: int, wait: float
    ) -> tuple[list[tuple[Any, ...]], list[int] | None] | None:
        """What the shard has to send (waiting up to ``wait`` seconds for something), and
        the targets whose poll is in flight (None: too many to list); None once ``epoch``
        is not the current incarnation."""
        if epoch != self.epoch or self.shard is None or self.ready is None:
            return None
        if not self.outbox:
            self.ready.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self.ready.wait()
            if epoch != self.epoch:
                return None
        out, self.outbox = self.outbox, []
        running = self.shard.running
        return out, sorted(running) if len(running) <= _RUNNING_REPORT else None


class _DropMessage(logging.Filter):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(self.prefix)


def _node_name() -> str:
    """The Ray node id of this actor (the host name outside Ray)."""
    try:
        ray = _ray()
        if ray.is_initialized():
            node: str = ray.get_runtime_context().get_node_id()
            return node
    except Exception:
        pass
    return socket.gethostname()


class RayBackend:
    """Places shards as Ray actors (see the module's documentation).

    Args:
        address: the Ray cluster to join (``"HOST:PORT"`` of the head, or ``"auto"``);
            None: the one ``RAY_ADDRESS`` names, or a new local one (Ray's own default).
            Ignored when Ray is already initialised in this process.
        num_cpus: CPUs each shard's actor reserves.
        strategy: Ray's scheduling strategy for the actors.
        restart_timeout: how long to wait for Ray to (re)place an actor.
        poll_seconds: how long one ``pull`` waits for the shard to have something to say.
        init_options: more keyword arguments for ``ray.init``.
        detection: how long Ray may take to fail the calls to a dead actor (about 1.5 s
            for a killed process here); the fleet waits that much longer before it calls
            a cycle with no record ``missed`` rather than ``ShardLost``. A lost node is
            noticed only when Ray's health checks declare it dead (15 s by default).
    """

    def __init__(
        self,
        address: str | None = None,
        *,
        num_cpus: float = 1.0,
        strategy: Any = "SPREAD",
        restart_timeout: float = 120.0,
        poll_seconds: float = 1.0,
        init_options: Mapping[str, Any] | None = None,
        detection: float = 3.0,
    ) -> None:
        self.address = address
        self.detection = detection
        self.num_cpus = num_cpus
        self.strategy = strategy
        self.restart_timeout = restart_timeout
        self.poll_seconds = poll_seconds
        self.init_options = dict(init_options or {})
        self.actors: dict[int, Any] = {}
        self.links: set[RayLink] = set()
        self._owns_ray = False
        self.closed = False  # after close(): no Ray call may follow (it would start a local Ray)
        self._actor_class: Any = None
        self._polls: dict[bytes | str, bytes | str] = {}

    async def start(self) -> None:
        """Join (or start) the Ray cluster, off the event loop."""
        ray = _ray()
        if not ray.is_initialized():
            await asyncio.get_running_loop().run_in_executor(None, self._init)
            self._owns_ray = True
        self._actor_class = ray.remote(ShardHost)

    def _init(self) -> None:
        ray = _ray()
        options: dict[str, Any] = {
            "address": self.address,
            "logging_level": logging.WARNING,
            "log_to_driver": False,
        }
        if self.address is not None:
            # shards import the poll function by name: give them the driver's path
            options["job_config"] = ray.job_config.JobConfig(
                code_search_path=[p for p in sys.path if p and os.path.isdir(p)]
            )
        options.update(self.init_options)
        # off the main thread, ray.init leaves SIGTERM to the application (which drains
        # the fleet on it) and says so: not worth a warning here
        quiet = _DropMessage("SIGTERM handler is not set")
        logging.getLogger("ray._private.worker").addFilter(quiet)
        try:
            ray.init(**options)
        finally:
            logging.getLogger("ray._private.worker").removeFilter(quiet)

    def auto_workers(self) -> int:
        """The cluster's CPUs minus those of its largest node (at least 1)."""
        cpus = [
            float(node.get("Resources", {}).get("CPU", 0))
            for node in _ray().nodes()
            if node.get("Alive")
        ]
        if not cpus:
            return 1
        spare = sum(cpus) - max(cpus)
        usable = spare if spare > 0 else sum(cpus)  # one node: nothing to fail over to
        return max(1, int(usable // self.num_cpus))

    def spawn(self, spec: dict[str, Any], on_message: OnMessage, on_exit: OnExit) -> RayLink:
        if self.closed or self._actor_class is None:
            raise RuntimeError("RayBackend is not started, or closed")
        spec = {**spec, "poll": self._portable(spec["poll"])}
        shard_id: int = spec["shard"]
        actor = self.actors.get(shard_id)
        if actor is None:
            actor = self._actor_class.options(
                num_cpus=self.num_cpus,
                max_restarts=-1,
                max_task_retries=0,
                max_concurrency=64,
                scheduling_strategy=self.strategy,
            ).remote()
            self.actors[shard_id] = actor
        link = RayLink(self, actor, spec, on_message, on_exit)
        self.links.add(link)
        return link

    def _portable(self, poll: bytes | str) -> bytes | str:
        """The poll function as the actors can load it: a function of the driver's
        ``__main__`` (a script) goes by value (cloudpickle), since an actor's ``__main__``
        is Ray's worker; anything else by name, as on one machine."""
        if poll not in self._polls:
            portable = poll
            if isinstance(poll, bytes) and b"__main__" in poll:
                portable = _ray().cloudpickle.dumps(pickle.loads(poll))
            self._polls[poll] = portable
        return self._polls[poll]

    def retire(self, shard_id: int) -> None:
        """The shard was given up: its actor goes for good."""
        actor = self.actors.pop(shard_id, None)
        if actor is not None:
            with contextlib.suppress(Exception):
                _ray().kill(actor, no_restart=True)

    def close(self) -> None:
        """Kill every actor now (the driver drains shards before this)."""
        self.closed = True
        for link in list(self.links):
            link.abandon()
        for shard_id in list(self.actors):
            self.retire(shard_id)

    async def aclose(self) -> None:
        """:meth:`close`, then leave the cluster if this backend joined it."""
        self.close()
        if self._owns_ray:
            self._owns_ray = False
            await asyncio.get_running_loop().run_in_executor(None, _ray().shutdown)


class RayLink:
    """One incarnation of one shard in its actor: a start call, then a loop of pulls."""

    def __init__(
        self,
        backend: RayBackend,
        actor: Any,
        spec: dict[str, Any],
        on_message: OnMessage,
        on_exit: OnExit,
    ) -> None:
        self.backend = backend
        self.actor = actor
        self.shard_id: int = spec["shard"]
        self.epoch: int = spec["epoch"]
        self.node: str | None = None
        self.error: str | None = None
        self._pid: int | None = None
        self._on_message = on_message
        self._on_exit = on_exit
        self._loop = asyncio.get_running_loop()
        self._out: list[tuple[Any, ...]] = []
        self._seq = 0
        self._started = False
        self._flushing = False
        self._exited = False
        self._running: set[int] | None = None
        self._calls: set[asyncio.Future[Any]] = set()
        self._task = self._loop.create_task(self._run(spec))

    @property
    def pid(self) -> int | None:
        return self._pid

    def in_flight(self) -> set[int] | None:
        return self._running

    async def _run(self, spec: dict[str, Any]) -> None:
        code: int | None = None
        try:
            self._pid, self.node = await self._start(spec)
            self._started = True
            self._flush()
            wait = self.backend.poll_seconds
            while code is None:
                got = await self.actor.pull.remote(self.epoch, wait)
                if got is None:
                    break  # a newer incarnation took the actor over
                messages, running = got
                self._running = None if running is None else set(running)
                for message in messages:
                    self._on_message(message)
                    if message[0] == "bye":
                        code = 0
        except asyncio.CancelledError:
            pass
        except Exception as exc:
            self.error = str(exc).strip().splitlines()[-1] if str(exc).strip() else repr(exc)
            log.warning("fleet shard %s (epoch %s) ended: %s", self.shard_id, self.epoch, exc)
        self._finish(code)

    async def _start(self, spec: dict[str, Any]) -> tuple[int, str]:
        """The start call, retried while Ray is (re)placing the actor."""
        ray = _ray()
        deadline = time.monotonic() + self.backend.restart_timeout
        while True:
            try:
                started: tuple[int, str] = await self.actor.start.remote(spec)
                return started
            except ray.exceptions.ActorUnavailableError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.2)

    def _finish(self, code: int | None) -> None:
        if self._exited:
            return
        self._exited = True
        self._out.clear()
        self.backend.links.discard(self)
        self._on_exit(code)

    def abandon(self) -> None:
        """Stop watching this incarnation (its actor is being killed)."""
        self._task.cancel()

    def send(self, message: tuple[Any, ...]) -> None:
        if self._exited:
            return
        self._out.append(message)
        if self._started and not self._flushing:
            self._flushing = True
            self._loop.call_soon(self._flush)

    def _flush(self) -> None:
        """Everything sent this loop turn, in one numbered ``push`` call."""
        self._flushing = False
        if self._exited or self.backend.closed or not self._out:
            return
        messages, self._out = self._out, []
        call = asyncio.ensure_future(self._push(self._seq, messages))
        self._seq += 1
        self._calls.add(call)
        call.add_done_callback(self._calls.discard)

    async def _push(self, seq: int, messages: list[tuple[Any, ...]]) -> None:
        if self.backend.closed:
            return  # (a Ray call now would start a new local Ray)
        with contextlib.suppress(Exception):  # a dead actor shows in the pull loop
            await self.actor.push.remote(self.epoch, seq, messages)

    def kill(self) -> None:
        """Kill the actor's process; Ray restarts it, and the pull loop ends this
        incarnation."""
        if not self._exited:
            with contextlib.suppress(Exception):
                _ray().kill(self.actor, no_restart=False)
