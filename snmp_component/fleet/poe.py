"""The fleet in POE style: a kernel session that posts one event per record to subscribers.

``FleetComponent.create(kernel, Alias="fleet", targets=..., poll=..., interval=60,
workers="auto", **fleet_options)`` registers a session under ``Alias`` that runs a
:class:`~snmp_component.fleet.Fleet` (as a task of the session) and accepts:

* ``subscribe`` *state* -- the posting session gets *state* with ``ev.arg0`` = each
  :class:`~snmp_component.fleet.Record` (``ev.sender`` is the fleet session), one event per
  record, from now on. A subscription holds a reference count on the subscriber, so it
  stays alive while it is subscribed.
* ``unsubscribe`` [*state*] -- no more events (all of the sender's subscriptions when no
  state is given); records already posted still arrive.
* ``request`` *state* *target* *method* *args...* -- ``fleet.request(target, method,
  *args, **kwargs)`` on the owning shard; exactly one *state* event comes back with
  ``(answer, error)``: the result and ``None``, or ``None`` and the ``SNMPError``
  (``ShardLost``, ``ShutdownError``, the agent's error...). The requester is held alive
  until it is answered; requests posted before the shards are up wait for them.
* ``finish`` -- remove the alias and drain (``await fleet.aclose()``): running polls finish,
  every record is posted to the subscribers, their subscriptions are released, then the
  session stops. The same happens on its own when ``cycles=`` was given and reached.

``kernel.stop()`` (also a cancelled ``run_async()``): in the kernel's ``_shutdown`` phase the
component answers every request it owes with a ``ShutdownError`` (by direct call), kills the
shards and waits for them: no shard process outlives the kernel. Records not yet posted are
dropped.

Example::

    def start(ev):
        ev.kernel.post("fleet", "subscribe", "on_record")

    def on_record(ev):
        record = ev.arg0          # ok / value / error, exactly one per (target, cycle)

    kernel = Kernel()
    FleetComponent.create(kernel, targets=targets, poll=poll, interval=60, cycles=3)
    Session.create(kernel, inline_states={"_start": start, "on_record": on_record})
    kernel.run()                  # returns after the last record (or a finish)
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ..errors import ConfigurationError, ShutdownError, SNMPError, as_snmp_error
from ..kernel import Event, Kernel, Session
from .api import Fleet, PollArg
from .local import ProcessBackend

__all__ = ["SUBSCRIPTION_REF", "FleetComponent"]

log = logging.getLogger("snmp_component.fleet")

SUBSCRIPTION_REF = "snmp_component.fleet.subscription"
"""The reference count a subscription (or a pending request) holds on its session."""

YIELD_EVERY = 256
"""Records posted in a row before the fleet's task lets the loop (and the kernel) run."""


class _Pending:
    """One ``request`` event: who to answer, and whether it has been answered."""

    __slots__ = ("answered", "requester", "state")

    def __init__(self, requester: Session, state: str) -> None:
        self.requester = requester
        self.state = state
        self.answered = False


class FleetComponent:
    """A :class:`~snmp_component.fleet.Fleet` as a kernel session (see the module doc).

    Attributes:
        kernel: the kernel the session runs in.
        alias: the alias requests are posted to.
        fleet: the :class:`Fleet` it runs (for ``stats``, ``assignment()``, ``shard_info()``).
        backend: where its shards run.
        session: the component's session.
        error: the ``FleetError`` (or other exception) that ended the fleet, if any.
    """

    def __init__(self, kernel: Kernel, alias: str, fleet: Fleet) -> None:
        self.kernel = kernel
        self.alias = alias
        self.fleet = fleet
        self.backend = fleet.backend
        self.error: BaseException | None = None
        self.finishing = False
        self.done = False  # the fleet's records are all posted (or it failed)
        self.killed = False
        self._running = False
        self._subscriptions: dict[tuple[int, str], Session] = {}
        self._pending: set[_Pending] = set()
        self._ready = asyncio.Event()  # the fleet started (or could not): requests may go
        self.session = Session.create(
            kernel,
            inline_states={
                "_start": self._on_start,
                "_stop": self._on_stop,
                "_shutdown": self._on_shutdown,
                "_default": self._on_unknown,
                "subscribe": self._on_subscribe,
                "unsubscribe": self._on_unsubscribe,
                "request": self._on_request,
                "finish": self._on_finish,
                "_fleet_run": self._on_run,
                "_fleet_done": self._on_done,
            },
            heap=self,
        )

    @staticmethod
    def create(
        kernel: Kernel,
        Alias: str = "fleet",
        *,
        targets: Iterable[Mapping[str, Any]],
        poll: PollArg,
        interval: float = 60.0,
        workers: int | Literal["auto"] = "auto",
        **fleet_options: Any,
    ) -> FleetComponent:
        """Create the fleet component and register it under ``Alias``.

        ``targets``, ``poll``, ``interval``, ``workers`` and ``fleet_options`` (``cycles``,
        ``buffer``, ``max_restarts``, ``backend``, ``address``...) are :class:`Fleet`'s.
        The shards start when the kernel runs.

        Raises:
            ConfigurationError: the alias is taken, or the fleet's arguments are invalid.
        """
        if kernel.alias_resolve(Alias) is not None:
            raise ConfigurationError(f"A fleet component called {Alias!r} already exists!")
        fleet = Fleet(targets, poll, interval, workers, **fleet_options)
        return FleetComponent(kernel, Alias, fleet)

    @property
    def subscribers(self) -> list[tuple[Session, str]]:
        """The current subscriptions: (session, state), oldest first."""
        return [(session, state) for (_sid, state), session in self._subscriptions.items()]

    def __repr__(self) -> str:
        status = "done" if self.done else "finishing" if self.finishing else "running"
        return (
            f"<FleetComponent {self.alias!r} targets={len(self.fleet.targets())} "
            f"workers={self.fleet.workers} subscribers={len(self._subscriptions)} {status}>"
        )

    # ------------------------------------------------------------------ states

    def _on_start(self, ev: Event) -> None:
        ev.kernel.alias_set(self.alias)
        # posted, not run here: a kernel stopped before it runs leaves no coroutine behind
        ev.kernel.yield_("_fleet_run")

    def _on_run(self, ev: Event) -> Any:
        if ev.sender is not self.session or self._running:
            log.warning("state _fleet_run posted to fleet %r ignored", self.alias)
            return None
        self._running = True
        return self._run()  # the kernel runs it as the session's task

    async def _run(self) -> None:
        """Start the fleet and post every record to every subscriber."""
        try:
            try:
                await self.fleet.start()
            finally:
                self._ready.set()
            count = 0
            async for record in self.fleet.results():
                self._publish(record)
                count += 1
                if count % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = exc
            log.error("fleet %r ended: %s", self.alias, exc)
            self.backend.close()
        if self.session.alive and not self.session.stopping:
            self.kernel.call_as(None, self.session, "_fleet_done")

    def _publish(self, record: Any) -> None:
        kernel, session = self.kernel, self.session
        for key, subscriber in list(self._subscriptions.items()):
            if not kernel.post_as(session, subscriber, key[1], record):
                # the subscriber is gone (or lost the state): not subscribed any more
                self._drop(key)

    def _on_done(self, ev: Event) -> None:
        """Every record is posted: release the subscribers and go away."""
        if ev.sender is not None:
            log.warning("state _fleet_done posted to fleet %r ignored", self.alias)
            return
        self.done = True
        for alias in self.session.aliases:
            ev.kernel.alias_remove(alias)
        for key in list(self._subscriptions):
            self._drop(key)

    def _requester(self, ev: Event, state: object) -> Session | None:
        """The sender, if it can receive ``state``; else log why not and None."""
        sender = ev.sender
        if sender is None:
            log.warning(
                "%s to fleet %r from outside any session: nobody to send to",
                ev.state,
                self.alias,
            )
            return None
        if not isinstance(state, str) or (
            sender.handler(state) is None and sender.handler("_default") is None
        ):
            log.warning(
                "%s to fleet %r names state %r, which %r does not handle; ignored",
                ev.state,
                self.alias,
                state,
                sender,
            )
            return None
        return sender

    def _on_subscribe(self, ev: Event) -> bool:
        state = ev.arg0
        subscriber = self._requester(ev, state)
        if subscriber is None:
            return False
        if self.done:
            log.warning("subscribe to fleet %r after its last record; ignored", self.alias)
            return False
        key = (subscriber.id, str(state))
        if key in self._subscriptions:
            return False
        ev.kernel.refcount_increment(subscriber, SUBSCRIPTION_REF)
        self._subscriptions[key] = subscriber
        return True

    def _on_unsubscribe(self, ev: Event) -> int:
        sender = ev.sender
        if sender is None:
            return 0
        state = ev.arg0
        keys = [
            key
            for key in self._subscriptions
            if key[0] == sender.id and (state is None or key[1] == state)
        ]
        for key in keys:
            self._drop(key)
        return len(keys)

    def _drop(self, key: tuple[int, str]) -> None:
        subscriber = self._subscriptions.pop(key, None)
        if subscriber is not None:
            self.kernel.refcount_decrement(subscriber, SUBSCRIPTION_REF)

    def _on_request(self, ev: Event) -> Any:
        args = ev.args
        state = args[0] if args else None
        requester = self._requester(ev, state)
        if requester is None:
            return None
        pending = _Pending(requester, str(state))
        ev.kernel.refcount_increment(requester, SUBSCRIPTION_REF)
        self._pending.add(pending)
        if len(args) < 3 or not isinstance(args[2], str):
            problem: SNMPError = ConfigurationError(
                "request needs a callback state, a target and a method name"
            )
            self._answer(pending, None, problem)
            return None
        if self.finishing or self.done or self.killed:
            self._answer(pending, None, ShutdownError(f"fleet {self.alias!r} is finishing"))
            return None
        return self._run_request(pending, args[1], args[2], args[3:], dict(ev.kwargs))

    async def _run_request(
        self,
        pending: _Pending,
        target: Any,
        method: str,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        try:
            await self._ready.wait()  # a request posted before the shards are up waits
            if self.error is not None:
                raise self.error
            answer = await self.fleet.request(target, method, *args, **kwargs)
        except asyncio.CancelledError:
            if not pending.answered:
                self._answer(pending, None, ShutdownError(f"fleet {self.alias!r} stopped"))
            raise
        except Exception as exc:
            self._answer(pending, None, as_snmp_error(exc, method))
        else:
            self._answer(pending, answer, None)

    def _answer(self, pending: _Pending, answer: Any, error: SNMPError | None) -> None:
        """Give ``pending`` its one answer: by call outside handlers (and while stopping),
        else posted, so a requester is never re-entered from its own request."""
        if pending.answered:
            return
        pending.answered = True
        self._pending.discard(pending)
        kernel = self.kernel
        try:
            inline = (
                kernel.stopping
                or self.session.stopping
                or not self.session.alive
                or kernel.current_session is None
            )
            if inline or not kernel.post_as(
                self.session, pending.requester, pending.state, answer, error
            ):
                if pending.requester.alive:
                    sender = self.session if self.session.alive else None
                    kernel.call_as(sender, pending.requester, pending.state, answer, error)
                else:
                    log.warning("answer %r of fleet %r lost", pending.state, self.alias)
        except Exception as exc:  # the requester went away or lost its state
            log.warning("answer %r from fleet %r not delivered: %s", pending.state, self.alias, exc)
        finally:
            kernel.refcount_decrement(pending.requester, SUBSCRIPTION_REF)

    def _on_finish(self, ev: Event) -> Any:
        if self.finishing or self.done:
            return None
        self.finishing = True
        for alias in self.session.aliases:
            ev.kernel.alias_remove(alias)
        return self.fleet.aclose()  # _run then posts the rest and ends

    def _on_unknown(self, ev: Event) -> None:
        log.warning(
            "unknown request %r to fleet %r ignored; known: subscribe, unsubscribe, "
            "request, finish",
            ev.arg0,
            self.alias,
        )

    def _on_shutdown(self, ev: Event) -> None:
        """The kernel is stopping (its rule 7): answer what is owed, kill the shards."""
        for dropped in ev.arg0 or ():
            if dropped.state == "request":
                self._on_request(dropped)  # answered with a ShutdownError: killed
        self.kill()

    def kill(self) -> None:
        """End the fleet now, without a drain: every request still owed is answered with a
        ``ShutdownError`` (by call), the shards are killed and waited for (a few seconds
        at most). ``kernel.stop()`` does this."""
        if self.killed:
            return
        self.killed = True
        self._ready.set()
        stopped = ShutdownError(f"fleet {self.alias!r} stopped")
        for pending in list(self._pending):
            self._answer(pending, None, stopped)
        self.fleet.close()  # the driver stops restarting shards before it sees them die
        self.backend.close()
        if isinstance(self.backend, ProcessBackend):
            for link in list(self.backend.links):
                link.process.join(2.0)
                if not link.process.is_alive():
                    # reaped: the loop may close before it sees the sentinel, so forget the
                    # link now and let close() remove the in-flight bitmaps too
                    self.backend.links.discard(link)
            self.backend.close()

    def _on_stop(self, ev: Event) -> None:
        if not ev.session.stopping:
            log.warning("state _stop posted to fleet %r ignored", self.alias)
            return
        self.kill()
        for key in list(self._subscriptions):
            self._drop(key)
