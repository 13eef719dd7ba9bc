"""One accepted request of a component, from acceptance to its single answer.

A job's life is one field, :attr:`Job.phase`::

    QUEUED --(a slot: its first PDU goes out)--> ON_WIRE --(answer)--> ANSWERED
       \\______________________(answer: bad input, shutdown, cancelled)______/

``ANSWERED`` is final: the answer went to the requester's callback state, its awaitable,
or its ``notify`` (or the requester cancelled). How an answer travels is given by who
asked: a session (``requester`` and its ``callback_state``), an awaitable (``future``) or
a callback (``notify``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from .errors import SNMPError
from .kernel import Session
from .payload import Request

if TYPE_CHECKING:
    from ._core.plans import Plan
    from ._core.table import TableSpec
    from .component import SNMPSession
    from .varbind import VarList

__all__ = ["ANSWERED", "ON_WIRE", "QUEUED", "Job", "JobPhase", "Notify"]

Notify = Callable[[Any, SNMPError | None], None]
"""``notify(result, error)``: the answer of a request submitted with a callback."""


class JobPhase(IntEnum):
    """Where a job is in its life."""

    QUEUED = 0  # accepted, waiting for a slot (or for the address)
    ON_WIRE = 1  # holds a slot; its plan's PDUs are being sent
    ANSWERED = 2  # its one answer is given (final)


QUEUED, ON_WIRE, ANSWERED = JobPhase.QUEUED, JobPhase.ON_WIRE, JobPhase.ANSWERED


class Job:
    """One accepted request (see the module documentation)."""

    __slots__ = (
        "_request",
        "accepted",
        "args",
        "callback_args",
        "callback_state",
        "cmd",
        "converted",
        "future",
        "handle",
        "id",
        "notify",
        "on_rows",
        "phase",
        "plan",
        "requester",
        "table",
    )

    def __init__(
        self,
        job_id: int,
        cmd: str,
        handle: SNMPSession,
        args: Sequence[Any],
        callback_args: tuple[Any, ...] = (),
        requester: Session | None = None,
        callback_state: str = "",
    ) -> None:
        self.id = job_id
        self.cmd = cmd
        self.handle = handle
        self.args = args
        self._request: Request | None = None  # built when first asked for (callbacks, logs)
        self.callback_args = callback_args
        self.requester = requester
        self.callback_state = callback_state
        self.future: asyncio.Future[Any] | None = None
        self.notify: Notify | None = None
        self.plan: Plan | None = None  # what to send, and when it is done
        self.phase = QUEUED
        self.accepted = 0.0  # time.monotonic() when it joined the queue
        self.converted: list[VarList] | None = None  # walk, bulkwalk: the rows converted
        self.on_rows: Callable[[], None] | None = None  # streamed walks: more were converted
        self.table: TableSpec | None = None

    @property
    def settled(self) -> bool:
        """Its answer is given (or it was withdrawn)."""
        return self.phase is ANSWERED

    @property
    def request(self) -> Request:
        """ARG0 of the request's callback: ``(session, alias, host, cmd, *args)``."""
        request = self._request
        if request is None:
            opts = self.handle.options
            request = self._request = Request(
                self.handle, opts.alias, opts.dest_host, self.cmd, self.args
            )
        return request

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.cmd} {self.phase.name}>"
