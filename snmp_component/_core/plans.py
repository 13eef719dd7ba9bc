"""Request plans: what a request sends next and when it is done, as pure state machines.

One plan per request: :class:`SinglePlan` (get, getnext, set, getbulk: one PDU),
:class:`WalkPlan` (walk: GETNEXT), :class:`BulkWalkPlan` (bulkwalk: non-repeaters, then
GETBULK) and :class:`TablePlan` (table: GETBULK on v2c/v3, GETNEXT on v1). No I/O, no
clock, no event loop (in the style of h11): the driver (the component) asks a plan for
its next step and feeds it the outcome of each PDU it sent::

    step = plan.next(now)
    while isinstance(step, Send):
        result = ...  # send step, wait for the PduResult the transport gives
        plan.feed(result, now)
        step = plan.next(now)
    # step is FINISHED (the answer is plan.rows) or Failed(error)

Rules:

1. :meth:`next` returns one :class:`Send` at a time; the plan waits until that PDU's
   :class:`~snmp_component._core.pdu.PduResult` is fed (a second ``next`` meanwhile, or a
   ``feed`` without a Send, is a driver bug: ``RuntimeError``). Retries of one PDU are the
   transport's business: a plan sees one result per Send.
2. Once :meth:`next` returned :data:`FINISHED` or a :class:`Failed` it returns that
   value again; nothing more is sent.
3. :attr:`rows` is what the plan holds, at any time, as raw varbinds in one list per part
   of the answer: a single PDU has one part (its response's varbinds, once it came); a
   walk one per varbind the non-repeaters' GETNEXT returned, then one per walked subtree;
   a table one per column, in the order of its roots. Once :data:`FINISHED`, it is the
   answer; before, the driver converts rows while the next PDU is on the wire, and after
   a :class:`Failed` it puts them on a walk's error (``partial``).
4. ``now`` is a monotonic clock reading in seconds; only a plan whose :attr:`deadline`
   is not ``None`` reads it (the driver may pass anything to the others).

Every walk and table decision is here, and only here:

* GETBULK or GETNEXT, and how many repetitions: :class:`BulkPolicy` (one per target,
  shared by its walks and tables, so what a tooBig taught lasts across requests);
* tooBig: halves the repetitions (:meth:`BulkPolicy.too_big`) down to 1, then GETNEXT;
  the same varbind is asked again (``_SubtreesPlan.feed``);
* the end of a subtree, endOfMibView/noSuch*, OidNotIncreasing and the row and request
  caps: :class:`SubtreeWalk`; v1 noSuchName ends a walk cleanly, rows kept;
* a walk of a leaf instance (the first answer already outside the subtree) returns the
  instance itself through a GET, as net-snmp does (walk and bulkwalk, not table);
* bulkwalk's non-repeaters: one GETNEXT before the walks, one result part per varbind;
* the Deadline of a whole walk or table (:class:`WalkLimits`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeAlias

from ..errors import (
    ErrorStatusError,
    OidNotIncreasing,
    SNMPError,
    WalkError,
    WalkLimitExceeded,
)
from . import ber
from .oid import format_oid
from .pdu import Oid, PduResult, RawVarbind
from .values import EXCEPTION_TAGS

log = logging.getLogger("snmp_component")

MAX_ROWS = 1_000_000
"""Default cap on the rows of one walked subtree (``MaxRows``)."""
MAX_REQUESTS = 100_000
"""Default cap on the PDUs of one walked subtree (``MaxRequests``)."""
TABLE_MAX_REPETITIONS = 20
"""Rows per GETBULK of a table request (v2c/v3) unless the request gives its own."""

TOO_BIG = 1
NO_SUCH_NAME = 2


# ------------------------------------------------------------------ steps
# Immutable tuples, like PduResult: a GET makes a Send and ends in FINISHED, and a tuple
# is the cheapest immutable object Python builds (a frozen dataclass costs twice as much).


class Send(NamedTuple):
    """Send one request PDU and feed its result back.

    Attributes:
        pdu_tag: ``ber.GET_REQUEST``, ``ber.GET_NEXT_REQUEST``, ``ber.SET_REQUEST`` or
            ``ber.GET_BULK_REQUEST``.
        varbinds: the request's varbinds.
        non_repeaters: GETBULK's non-repeaters (0 for the others).
        max_repetitions: GETBULK's max-repetitions (0 for the others).
    """

    pdu_tag: int
    varbinds: Sequence[RawVarbind]
    non_repeaters: int = 0
    max_repetitions: int = 0


class Finished(NamedTuple):
    """The request is complete: its answer is the plan's :attr:`~Plan.rows`. Its one
    value is :data:`FINISHED`."""


FINISHED = Finished()
"""What :meth:`Plan.next` returns once the request is complete."""


class Failed(NamedTuple):
    """The request ended in an error.

    Attributes:
        error: the error to answer with.
        varbinds: the varbinds of the response whose error-status ``error`` is (an
            :class:`~snmp_component.errors.ErrorStatusError`), for the driver to show on
            it; ``None`` for an error that came without a response.
    """

    error: SNMPError
    varbinds: Sequence[RawVarbind] | None = None


Step: TypeAlias = Send | Finished | Failed
"""What :meth:`Plan.next` returns."""


class Plan(Protocol):
    """What the driver needs of a plan (see the module's rules)."""

    @property
    def deadline(self) -> float | None:
        """Seconds the whole request may take (its ``now`` is read only when set)."""
        ...

    @property
    def rows(self) -> Sequence[Sequence[RawVarbind]]:
        """The raw varbinds so far, one list per part of the answer (rule 3)."""
        ...

    def next(self, now: float) -> Step:
        """The next step: a PDU to send, or the end."""
        ...

    def feed(self, result: PduResult, now: float) -> None:
        """The outcome of the last :class:`Send`."""
        ...


def status_error(result: PduResult) -> ErrorStatusError:
    """The typed error for a response with a non-zero error-status (its ``oid`` is the
    varbind the error-index points at, if any)."""
    index = result.error_index
    oid = None
    if 0 < index <= len(result.varbinds):
        oid = ".".join(map(str, ("", *result.varbinds[index - 1][0])))
    return ErrorStatusError.from_status(result.error_status, index, oid)


def _driver_bug(what: str) -> RuntimeError:
    return RuntimeError(f"plan misused by its driver: {what}")


# ------------------------------------------------------------------ one PDU


class SinglePlan:
    """get, getnext, set, getbulk: one PDU; its response is the answer.

    A response with a non-zero error-status is :class:`Failed` with the status's
    :class:`~snmp_component.errors.ErrorStatusError` (v1 ``noSuchName`` included: only
    walks read it as an end).
    """

    __slots__ = ("_end", "_send", "rows")

    deadline: float | None = None

    def __init__(self, send: Send) -> None:
        self._send: Send | None = send
        self._end: Finished | Failed | None = None
        self.rows: Sequence[Sequence[RawVarbind]] = ()

    def next(self, now: float) -> Step:
        """The PDU to send, then (after :meth:`feed`) the end."""
        send = self._send
        if send is not None:
            self._send = None
            return send
        end = self._end
        if end is None:
            raise _driver_bug("next() before the result of its Send was fed")
        return end

    def feed(self, result: PduResult, now: float) -> None:
        """The outcome of the PDU."""
        if self._send is not None or self._end is not None:
            raise _driver_bug("feed() without a Send waiting for its result")
        if result.error is not None:
            self._end = Failed(result.error)
        elif result.error_status:
            self._end = Failed(status_error(result), result.varbinds)
        else:
            self.rows = (result.varbinds,)
            self._end = FINISHED


# ------------------------------------------------------------------ walks


@dataclass(frozen=True, slots=True)
class WalkLimits:
    """What bounds a walk or table (a component's ``NonIncreasing``, ``MaxRows``,
    ``MaxRequests`` and ``Deadline``).

    Attributes:
        check_increasing: an OID not greater than the previous one ends the walk with
            :class:`~snmp_component.errors.OidNotIncreasing` (off: only an exact repeat,
            a loop, does).
        max_rows: rows per walked subtree.
        max_requests: PDUs per walked subtree.
        deadline: seconds for the whole request, from its first step; ``None``: none.
    """

    check_increasing: bool = True
    max_rows: int = MAX_ROWS
    max_requests: int = MAX_REQUESTS
    deadline: float | None = None


class BulkPolicy:
    """The GETBULK size one target can answer, learned from its tooBig answers.

    One per target, shared by all its walks and tables: a tooBig halves the
    max-repetitions that answered it (remembered for later requests too), down to 1;
    tooBig to 1 repetition makes the target's walks GETNEXT from then on.

    Attributes:
        limit: the most repetitions the target is asked for; ``None`` until a tooBig,
            0 for GETNEXT.
        name: the target's name in log messages.
    """

    __slots__ = ("limit", "name")

    def __init__(self, name: str = "") -> None:
        self.name = name
        self.limit: int | None = None

    def repetitions(self, wanted: int) -> int:
        """Repetitions for a GETBULK that wants ``wanted``; 0: send GETNEXT instead."""
        limit = self.limit
        return wanted if limit is None or limit > wanted else limit

    def too_big(self, sent: int) -> None:
        """The target answered tooBig to a GETBULK of ``sent`` repetitions."""
        halved = sent // 2
        if self.limit is None or halved < self.limit:
            self.limit = halved
        log.info(
            "%s answered tooBig to %d repetitions; using %s",
            self.name,
            sent,
            self.limit or "GETNEXT",
        )


class SubtreeWalk:
    """Walks the subtree under ``root``; collects rows in agent order.

    The plan asks :attr:`cursor` for the OID to put in the next GETNEXT or GETBULK and
    feeds back the varbinds the agent returned. The walk ends when a varbind leaves the
    subtree, at endOfMibView or a noSuch* exception, on an empty answer, or by
    :meth:`end` (v1 ``noSuchName``). An OID that is not greater than the previous one
    stops the walk with :class:`OidNotIncreasing` unless ``check_increasing`` is off (an
    exact repeat stops it anyway); the row and request caps hold in every case, so no
    walk can run forever.

    Attributes:
        root: the subtree's OID.
        cursor: the OID to ask for next (the last one received).
        rows: the varbinds collected so far.
        done: True once the walk ended.
        requests: how many responses were fed.
        ended_by: the varbind that ended the walk (an exception, or the first one past the
            subtree), if one did.
        past_end: True if the walk ended at SNMPv1's noSuchName (past the last object).
    """

    def __init__(
        self,
        root: Oid,
        *,
        check_increasing: bool = True,
        max_rows: int = MAX_ROWS,
        max_requests: int = MAX_REQUESTS,
    ) -> None:
        self.root = root
        self.cursor = root  # (a root arc alone, .1, goes out as net-snmp sends it: 0.1)
        self.rows: list[RawVarbind] = []
        self.done = False
        self.requests = 0
        self.ended_by: RawVarbind | None = None
        self.past_end = False
        self._check = check_increasing
        self._max_rows = max_rows
        self._max_requests = max_requests
        self._seen: set[Oid] = set()

    @property
    def left_immediately(self) -> bool:
        """The first answer was already outside the subtree (walk of a leaf instance)."""
        return self.done and not self.rows and self.requests == 1

    def feed(self, varbinds: Sequence[RawVarbind]) -> None:
        """Consume the varbinds of one response, in order.

        Raises:
            OidNotIncreasing: an OID not greater than the previous one (when checked).
            WalkLimitExceeded: the row or request cap was reached.
        """
        self.requests += 1
        root, depth = self.root, len(self.root)
        for varbind in varbinds:
            oid, tag, _ = varbind
            if tag in EXCEPTION_TAGS or oid[:depth] != root:
                self.done = True
                self.ended_by = varbind
                return
            if oid <= self.cursor:
                if self._check or oid in self._seen:  # (a loop even lenient mode cannot follow)
                    raise OidNotIncreasing(format_oid(self.cursor), format_oid(oid), varbind)
                self._seen.add(oid)
            self.rows.append(varbind)
            self.cursor = oid
            if len(self.rows) >= self._max_rows:
                raise WalkLimitExceeded("MaxRows", self._max_rows)
        if not varbinds:
            self.done = True  # an agent that answers nothing cannot be walked further
        elif self.requests >= self._max_requests:
            raise WalkLimitExceeded("MaxRequests", self._max_requests)

    def end(self) -> None:
        """End the walk cleanly: the answer was v1 noSuchName, past the last object."""
        self.requests += 1
        self.done = True
        self.past_end = True


# What the outstanding Send of a walk plan asked for.
_NONREP = "nonrep"  # the non-repeaters (one GETNEXT)
_WALK = "walk"  # the next rows of the current subtree
_LEAF = "leaf"  # the leaf instance a walk started at (GET)


class _SubtreesPlan:
    """Walks its subtrees one after the other, one varbind per PDU (after the
    non-repeaters' GETNEXT, if any); GETBULK while ``bulk`` allows it, else GETNEXT."""

    leaf_fallback = True
    """A walk of a leaf instance returns the instance (net-snmp's snmpwalk does)."""

    def __init__(
        self,
        roots: Sequence[Oid],
        limits: WalkLimits,
        *,
        v1: bool,
        bulk: BulkPolicy | None = None,
        max_repetitions: int = 0,
        nonrep_oids: Sequence[Oid] = (),
    ) -> None:
        self.walks = [
            SubtreeWalk(
                root,
                check_increasing=limits.check_increasing,
                max_rows=limits.max_rows,
                max_requests=limits.max_requests,
            )
            for root in roots
        ]
        self.columns: list[list[RawVarbind]] = [walk.rows for walk in self.walks]
        self.nonrep_rows: list[RawVarbind] | None = None if nonrep_oids else []
        self.deadline = limits.deadline
        self._nonrep_oids = nonrep_oids
        self._v1 = v1
        self._bulk = bulk
        self._max_repetitions = max_repetitions
        self._started: float | None = None
        self._current = 0  # index of the walk under way
        self._sent: tuple[str, SubtreeWalk | None, int] | None = None  # kind, walk, reps
        self._leaf: SubtreeWalk | None = None  # a walk whose leaf instance is to be got
        self._end: Finished | Failed | None = None

    @property
    def rows(self) -> list[list[RawVarbind]]:
        """One list per non-repeater varbind received, then one per walked subtree."""
        nonrep = self.nonrep_rows
        if not nonrep:
            return self.columns
        return [[varbind] for varbind in nonrep] + self.columns

    def next(self, now: float) -> Step:
        """The next PDU: non-repeaters, a leaf instance, the current subtree's next
        rows; or the end (all walked, the Deadline passed, or an error fed)."""
        if self._end is not None:
            return self._end
        if self._sent is not None:
            raise _driver_bug("next() before the result of its Send was fed")
        if self._started is None:
            self._started = now
        if self.nonrep_rows is None:  # bulkwalk's non-repeaters first, once
            self._sent = (_NONREP, None, 0)
            return Send(ber.GET_NEXT_REQUEST, [(oid, ber.NULL, None) for oid in self._nonrep_oids])
        leaf = self._leaf
        if leaf is not None:
            self._leaf = None
            self._sent = (_LEAF, leaf, 0)
            return Send(ber.GET_REQUEST, [(leaf.root, ber.NULL, None)])
        walks = self.walks
        current = self._current
        while current < len(walks) and walks[current].done:
            current += 1
        self._current = current
        if current == len(walks):
            self._end = FINISHED
            return FINISHED
        deadline = self.deadline
        if deadline is not None and now - self._started > deadline:
            self._end = Failed(WalkLimitExceeded("Deadline", deadline))
            return self._end
        walk = walks[current]
        varbinds = [(walk.cursor, ber.NULL, None)]
        bulk = self._bulk
        reps = 0 if bulk is None else bulk.repetitions(self._max_repetitions)
        self._sent = (_WALK, walk, reps)
        if reps:
            return Send(ber.GET_BULK_REQUEST, varbinds, 0, reps)
        return Send(ber.GET_NEXT_REQUEST, varbinds)

    def feed(self, result: PduResult, now: float) -> None:
        """The outcome of the last :class:`Send` (see the module's list of decisions)."""
        sent = self._sent
        if sent is None:
            raise _driver_bug("feed() without a Send waiting for its result")
        self._sent = None
        kind, walk, reps = sent
        if result.error is not None:
            self._end = Failed(result.error)
            return
        status = result.error_status
        if kind == _NONREP:
            if status:
                self._end = Failed(status_error(result), result.varbinds)
            else:
                self.nonrep_rows = list(result.varbinds)
            return
        assert walk is not None
        if kind == _LEAF:
            if not status:
                walk.rows.extend(vb for vb in result.varbinds if vb[1] not in EXCEPTION_TAGS)
            walk.requests += 1  # no longer "left immediately"
            return
        if status == NO_SUCH_NAME and self._v1:
            walk.end()  # v1: past the end of the MIB view
        elif status == TOO_BIG and reps:
            assert self._bulk is not None
            self._bulk.too_big(reps)  # the same cursor again, with fewer repetitions
            return
        elif status:
            self._end = Failed(status_error(result), result.varbinds)
            return
        else:
            try:
                walk.feed(result.varbinds)
            except WalkError as exc:
                self._end = Failed(exc)
                return
        if self.leaf_fallback and walk.left_immediately:
            self._leaf = walk


class WalkPlan(_SubtreesPlan):
    """walk: a GETNEXT walk of each root's subtree, one after the other (works on v1).

    :attr:`rows`: one list per root.
    """

    def __init__(self, roots: Sequence[Oid], limits: WalkLimits, *, v1: bool) -> None:
        super().__init__(roots, limits, v1=v1)


class BulkWalkPlan(_SubtreesPlan):
    """bulkwalk: one GETNEXT of the first ``non_repeaters`` OIDs, then a GETBULK walk of
    each other OID's subtree (``max_repetitions`` as ``policy`` allows).

    :attr:`rows`: one list per varbind the non-repeaters' GETNEXT returned
    (each of one row), then one per walked subtree.
    """

    def __init__(
        self,
        oids: Sequence[Oid],
        non_repeaters: int,
        max_repetitions: int,
        limits: WalkLimits,
        policy: BulkPolicy,
        *,
        v1: bool = False,
    ) -> None:
        super().__init__(
            oids[non_repeaters:],
            limits,
            v1=v1,
            bulk=policy,
            max_repetitions=max_repetitions,
            nonrep_oids=oids[:non_repeaters],
        )


class TablePlan(_SubtreesPlan):
    """table: a walk of each column root: GETBULK (``max_repetitions``, default
    :data:`TABLE_MAX_REPETITIONS`, as ``policy`` allows) on v2c/v3, GETNEXT on v1. A
    column that is empty stays empty (no leaf instance is got).

    :attr:`rows`: one list per root.
    """

    leaf_fallback = False

    def __init__(
        self,
        roots: Sequence[Oid],
        limits: WalkLimits,
        policy: BulkPolicy,
        *,
        v1: bool,
        max_repetitions: int | None = None,
    ) -> None:
        if max_repetitions is None:
            max_repetitions = TABLE_MAX_REPETITIONS
        super().__init__(
            roots,
            limits,
            v1=v1,
            bulk=None if v1 else policy,
            max_repetitions=max_repetitions or 1,
        )
