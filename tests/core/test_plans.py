"""Table-driven tests for snmp_component._core.plans: feed results, assert the next step.

No sockets, no event loop: each case builds a plan, then walks a script of
``(the Send expected from next(), the PduResult fed back)`` pairs and checks the step
that follows the script: FINISHED with the plan's rows, or Failed with its error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pytest

from snmp_component import errors
from snmp_component._core import ber
from snmp_component._core.pdu import Oid, PduResult, RawVarbind
from snmp_component._core.plans import (
    FINISHED,
    TABLE_MAX_REPETITIONS,
    BulkPolicy,
    BulkWalkPlan,
    Failed,
    Plan,
    Send,
    SinglePlan,
    Step,
    TablePlan,
    WalkLimits,
    WalkPlan,
)

ROOT: Oid = (1, 3, 6, 1, 4, 1, 99999, 1)
OTHER: Oid = (1, 3, 6, 1, 4, 1, 99999, 3)
AFTER: RawVarbind = ((1, 3, 6, 1, 4, 1, 99999, 2, 0), ber.INTEGER, 0)  # outside ROOT
LIMITS = WalkLimits()


def row(i: int, root: Oid = ROOT) -> RawVarbind:
    """The i-th row under ``root``."""
    return ((*root, 1, i), ber.INTEGER, i)


def ok(*varbinds: RawVarbind) -> PduResult:
    """A response without error-status."""
    return PduResult(None, 0, 0, list(varbinds))


def status(code: int, *varbinds: RawVarbind, index: int = 1) -> PduResult:
    """A response with error-status ``code``."""
    return PduResult(None, code, index, list(varbinds))


def timeout() -> PduResult:
    """No response at all."""
    return PduResult(errors.SNMPTimeoutError(attempts=2, elapsed=2.0))


def null(oid: Oid) -> list[RawVarbind]:
    """A request varbind list of one OID."""
    return [(oid, ber.NULL, None)]


def nxt(oid: Oid) -> Send:
    """GETNEXT of ``oid``."""
    return Send(ber.GET_NEXT_REQUEST, null(oid))


def bulk(oid: Oid, reps: int) -> Send:
    """GETBULK of ``oid`` with ``reps`` repetitions."""
    return Send(ber.GET_BULK_REQUEST, null(oid), 0, reps)


def get(oid: Oid) -> Send:
    """GET of ``oid``."""
    return Send(ber.GET_REQUEST, null(oid))


def walk_plan(*, v1: bool = False, limits: WalkLimits = LIMITS) -> Plan:
    """A GETNEXT walk of ROOT."""
    return WalkPlan([ROOT], limits, v1=v1)


def bulk_plan(reps: int = 10, policy: BulkPolicy | None = None) -> Plan:
    """A GETBULK walk of ROOT."""
    return BulkWalkPlan([ROOT], 0, reps, LIMITS, policy or BulkPolicy())


def table_plan(*, v1: bool = False, reps: int | None = None) -> Plan:
    """A table walk of ROOT."""
    return TablePlan([ROOT], LIMITS, BulkPolicy(), v1=v1, max_repetitions=reps)


def run(plan: Plan, script: Sequence[tuple[Send, PduResult]], now: float = 0.0) -> Step:
    """Check each Send of ``script`` and feed its result; the step after the script."""
    for i, (expected, result) in enumerate(script):
        assert plan.next(now) == expected, f"step {i}"
        plan.feed(result, now)
    return plan.next(now)


# ------------------------------------------------------------------ one PDU


@dataclass
class Single:
    name: str
    result: PduResult
    expected: list[list[RawVarbind]] | type[errors.SNMPError]  # FINISHED's rows, or
    varbinds: list[RawVarbind] | None = None  # on Failed: what the driver shows


SINGLE = [
    Single("response", ok(row(1), row(2)), [[row(1), row(2)]]),
    Single("noSuch* values are values", ok((ROOT, ber.NO_SUCH_OBJECT, None)),
           [[(ROOT, ber.NO_SUCH_OBJECT, None)]]),
    Single("timeout", timeout(), errors.SNMPTimeoutError),
    Single("v1 noSuchName is an error outside walks", status(2, row(1)), errors.NoSuchName,
           [row(1)]),
    Single("tooBig is an error outside walks", status(1, row(1)), errors.TooBig, [row(1)]),
]  # fmt: skip


@pytest.mark.parametrize("case", SINGLE, ids=[c.name for c in SINGLE])
def test_single_pdu(case: Single) -> None:
    send = Send(ber.GET_REQUEST, null(ROOT))
    plan = SinglePlan(send)
    assert plan.deadline is None
    end = run(plan, [(send, case.result)])
    assert plan.next(0.0) is end  # the end repeats
    if isinstance(case.expected, list):
        assert end is FINISHED
        assert [list(part) for part in plan.rows] == case.expected
    else:
        assert isinstance(end, Failed) and isinstance(end.error, case.expected)
        assert end.varbinds == case.varbinds


def test_single_pdu_status_error_names_the_offending_varbind() -> None:
    send = Send(ber.GET_REQUEST, null(ROOT) * 2)
    end = run(SinglePlan(send), [(send, status(2, row(1), row(2), index=2))])
    assert isinstance(end, Failed) and isinstance(end.error, errors.NoSuchName)
    assert (end.error.index, end.error.oid) == (2, ".1.3.6.1.4.1.99999.1.1.2")


@pytest.mark.parametrize(
    "plan",
    [
        lambda: SinglePlan(get(ROOT)),
        lambda: walk_plan(),
        lambda: bulk_plan(),
    ],
    ids=["single", "walk", "bulkwalk"],
)
def test_a_driver_that_skips_a_step_is_told(plan: Callable[[], Plan]) -> None:
    fresh = plan()
    with pytest.raises(RuntimeError, match="feed"):
        fresh.feed(ok(), 0.0)
    fresh.next(0.0)
    with pytest.raises(RuntimeError, match="next"):
        fresh.next(0.0)  # the Send's result was not fed


# ------------------------------------------------------------------ walks


@dataclass
class Walk:
    name: str
    plan: Callable[[], Plan]
    script: list[tuple[Send, PduResult]]
    rows: list[list[RawVarbind]] | None = None  # FINISHED with these rows, or:
    error: type[errors.SNMPError] | None = None  # Failed with this error ...
    kept: list[list[RawVarbind]] = field(default_factory=list)  # ... and these plan.rows


WALKS = [
    Walk("getnext walk to the end of the subtree", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok(row(2))), (nxt(row(2)[0]), ok(AFTER))],
         rows=[[row(1), row(2)]]),
    Walk("endOfMibView ends the walk", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok((row(1)[0], ber.END_OF_MIB_VIEW, None)))],
         rows=[[row(1)]]),
    Walk("an empty answer ends the walk", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok())], rows=[[row(1)]]),
    Walk("v1 noSuchName ends the walk, rows kept", lambda: walk_plan(v1=True),
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), status(2, (row(1)[0], ber.NULL, None)))],
         rows=[[row(1)]]),
    Walk("v2c noSuchName is an error", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), status(2, row(1)))],
         error=errors.NoSuchName, kept=[[row(1)]]),
    Walk("genErr is an error", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), status(5, row(1)))],
         error=errors.GenErr, kept=[[row(1)]]),
    Walk("a timeout mid-walk keeps the rows", walk_plan,
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), timeout())],
         error=errors.SNMPTimeoutError, kept=[[row(1)]]),
    Walk("walk of a leaf: the leaf by GET", walk_plan,
         [(nxt(ROOT), ok(AFTER)), (get(ROOT), ok((ROOT, ber.INTEGER, 42)))],
         rows=[[(ROOT, ber.INTEGER, 42)]]),
    Walk("walk of nothing: the GET finds nothing either", walk_plan,
         [(nxt(ROOT), ok(AFTER)), (get(ROOT), ok((ROOT, ber.NO_SUCH_OBJECT, None)))],
         rows=[[]]),
    Walk("walk of a leaf: a GET with an error-status finds nothing", walk_plan,
         [(nxt(ROOT), ok(AFTER)), (get(ROOT), status(2, (ROOT, ber.NULL, None)))], rows=[[]]),
    Walk("walk of a leaf: a GET that times out fails", walk_plan,
         [(nxt(ROOT), ok(AFTER)), (get(ROOT), timeout())], error=errors.SNMPTimeoutError,
         kept=[[]]),
    Walk("v1 walk of the last leaf: noSuchName, then the leaf by GET", lambda: walk_plan(v1=True),
         [(nxt(ROOT), status(2, (ROOT, ber.NULL, None))), (get(ROOT), ok((ROOT, ber.INTEGER, 7)))],
         rows=[[(ROOT, ber.INTEGER, 7)]]),
    Walk("bulkwalk of a leaf: the leaf by GET", bulk_plan,
         [(bulk(ROOT, 10), ok(AFTER)), (get(ROOT), ok((ROOT, ber.INTEGER, 42)))],
         rows=[[(ROOT, ber.INTEGER, 42)]]),
    Walk("table column that is empty stays empty (no GET)", table_plan,
         [(bulk(ROOT, TABLE_MAX_REPETITIONS), ok(AFTER))], rows=[[]]),
    Walk("OID not increasing", walk_plan,
         [(nxt(ROOT), ok(row(2))), (nxt(row(2)[0]), ok(row(1)))],
         error=errors.OidNotIncreasing, kept=[[row(2)]]),
    Walk("the same OID again", walk_plan,
         [(nxt(ROOT), ok(row(2))), (nxt(row(2)[0]), ok(row(2)))],
         error=errors.OidNotIncreasing, kept=[[row(2)]]),
    Walk("NonIncreasing: a lower OID is taken", lambda: walk_plan(
             limits=WalkLimits(check_increasing=False)),
         [(nxt(ROOT), ok(row(2))), (nxt(row(2)[0]), ok(row(1))), (nxt(row(1)[0]), ok(AFTER))],
         rows=[[row(2), row(1)]]),
    Walk("NonIncreasing: a loop B A B A still ends it", lambda: walk_plan(
             limits=WalkLimits(check_increasing=False)),
         [(nxt(ROOT), ok(row(2))), (nxt(row(2)[0]), ok(row(1))), (nxt(row(1)[0]), ok(row(2))),
          (nxt(row(2)[0]), ok(row(1)))],  # the second time A is lower: a loop
         error=errors.OidNotIncreasing, kept=[[row(2), row(1), row(2)]]),
    Walk("MaxRows", lambda: walk_plan(limits=WalkLimits(max_rows=2)),
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok(row(2)))],
         error=errors.WalkLimitExceeded, kept=[[row(1), row(2)]]),
    Walk("MaxRequests", lambda: walk_plan(limits=WalkLimits(max_requests=2)),
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok(row(2)))],
         error=errors.WalkLimitExceeded, kept=[[row(1), row(2)]]),
    Walk("GETBULK rows past the subtree are dropped", bulk_plan,
         [(bulk(ROOT, 10), ok(row(1), row(2), AFTER, row(3)))], rows=[[row(1), row(2)]]),
    Walk("two roots, one after the other", lambda: WalkPlan([ROOT, OTHER], LIMITS, v1=False),
         [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), ok(AFTER)),
          (nxt(OTHER), ok(row(1, OTHER))), (nxt(row(1, OTHER)[0]), ok())],
         rows=[[row(1)], [row(1, OTHER)]]),
    Walk("bulkwalk non-repeaters: one GETNEXT first, one part per varbind",
         lambda: BulkWalkPlan([OTHER, AFTER[0], ROOT], 2, 5, LIMITS, BulkPolicy()),
         [(Send(ber.GET_NEXT_REQUEST, null(OTHER) + null(AFTER[0])),
           ok(row(1, OTHER), row(2, OTHER))),
          (bulk(ROOT, 5), ok(row(1), row(2), AFTER))],
         rows=[[row(1, OTHER)], [row(2, OTHER)], [row(1), row(2)]]),
    Walk("bulkwalk non-repeaters with an error-status fail", lambda: BulkWalkPlan(
             [OTHER, ROOT], 1, 5, LIMITS, BulkPolicy()),
         [(nxt(OTHER), status(5, row(1, OTHER)))], error=errors.GenErr, kept=[[]]),
    Walk("tooBig to a GETNEXT is an error", lambda: bulk_plan(policy=_getnext_policy()),
         [(nxt(ROOT), status(1, (ROOT, ber.NULL, None)))], error=errors.TooBig, kept=[[]]),
]  # fmt: skip


def _getnext_policy() -> BulkPolicy:
    policy = BulkPolicy()
    policy.too_big(1)
    return policy


@pytest.mark.parametrize("case", WALKS, ids=[c.name for c in WALKS])
def test_walks(case: Walk) -> None:
    plan = case.plan()
    end = run(plan, case.script)
    assert plan.next(0.0) is end  # the end repeats
    if case.error is None:
        assert end is FINISHED
        assert plan.rows == case.rows
    else:
        assert isinstance(end, Failed) and isinstance(end.error, case.error), end
        assert plan.rows == case.kept


@pytest.mark.parametrize(
    ("limits", "name"),
    [(WalkLimits(max_rows=1), "MaxRows"), (WalkLimits(max_requests=1), "MaxRequests")],
)
def test_limits_name_themselves(limits: WalkLimits, name: str) -> None:
    end = run(walk_plan(limits=limits), [(nxt(ROOT), ok(row(1)))])
    assert isinstance(end, Failed) and isinstance(end.error, errors.WalkLimitExceeded)
    assert end.error.limit_name == name


def test_a_status_error_carries_the_response_for_the_driver() -> None:
    end = run(walk_plan(), [(nxt(ROOT), status(5, row(9), index=1))])
    assert isinstance(end, Failed) and end.varbinds == [row(9)]
    assert isinstance(end.error, errors.GenErr) and end.error.oid == ".1.3.6.1.4.1.99999.1.1.9"
    end = run(walk_plan(), [(nxt(ROOT), timeout())])
    assert isinstance(end, Failed) and end.varbinds is None


# ------------------------------------------------------------------ the Deadline


@pytest.mark.parametrize(
    ("now", "expected"),
    [(0.5, nxt(row(1)[0])), (1.0, nxt(row(1)[0])), (1.01, "Deadline")],
)
def test_deadline_counts_from_the_first_step(now: float, expected: Send | str) -> None:
    plan = walk_plan(limits=WalkLimits(deadline=1.0))
    assert plan.deadline == 1.0
    assert plan.next(100.0) == nxt(ROOT)
    plan.feed(ok(row(1)), 100.0 + now)
    step = plan.next(100.0 + now)
    if isinstance(expected, Send):
        assert step == expected
    else:
        assert isinstance(step, Failed) and isinstance(step.error, errors.WalkLimitExceeded)
        assert step.error.limit_name == expected
        assert plan.rows == [[row(1)]]


def test_a_walk_complete_after_its_deadline_is_finished() -> None:
    plan = walk_plan(limits=WalkLimits(deadline=1.0))
    assert plan.next(0.0) == nxt(ROOT)
    plan.feed(ok(AFTER, row(1)), 5.0)  # the leaf GET goes out anyway
    assert plan.next(5.0) == get(ROOT)
    plan.feed(ok((ROOT, ber.INTEGER, 1)), 6.0)
    assert plan.next(6.0) is FINISHED and plan.rows == [[(ROOT, ber.INTEGER, 1)]]


# ------------------------------------------------------------------ GETBULK size


def test_too_big_halves_down_to_one_then_getnext() -> None:
    policy = BulkPolicy("r1")
    plan = bulk_plan(10, policy)
    too_big = status(1, (ROOT, ber.NULL, None))
    script = [
        (bulk(ROOT, 10), too_big),
        (bulk(ROOT, 5), too_big),
        (bulk(ROOT, 2), too_big),
        (bulk(ROOT, 1), too_big),
        (nxt(ROOT), ok(row(1))),  # GETNEXT from then on
        (nxt(row(1)[0]), ok(AFTER)),
    ]
    assert run(plan, script) is FINISHED and plan.rows == [[row(1)]]
    assert policy.limit == 0


def test_too_big_size_is_remembered_for_the_target_only() -> None:
    policy = BulkPolicy()
    first = bulk_plan(10, policy)
    assert first.next(0.0) == bulk(ROOT, 10)
    first.feed(status(1, (ROOT, ber.NULL, None)), 0.0)
    assert first.next(0.0) == bulk(ROOT, 5)  # the same cursor, half the size
    first.feed(ok(row(1), AFTER), 0.0)
    assert first.next(0.0) is FINISHED and first.rows == [[row(1)]]
    assert bulk_plan(10, policy).next(0.0) == bulk(ROOT, 5)  # the next request too
    assert bulk_plan(3, policy).next(0.0) == bulk(ROOT, 3)  # less wanted: less asked
    assert table_plan().next(0.0) == bulk(ROOT, TABLE_MAX_REPETITIONS)  # another target


def test_too_big_of_an_older_larger_getbulk_does_not_raise_the_limit() -> None:
    policy = BulkPolicy()
    policy.too_big(4)  # another walk learnt 2
    policy.too_big(10)  # an older GETBULK of 10 answered late
    assert policy.limit == 2


@pytest.mark.parametrize(
    ("limit", "wanted", "expected"),
    [(None, 10, 10), (5, 10, 5), (5, 3, 3), (1, 10, 1), (0, 10, 0)],
)
def test_bulk_policy_repetitions(limit: int | None, wanted: int, expected: int) -> None:
    policy = BulkPolicy()
    policy.limit = limit
    assert policy.repetitions(wanted) == expected


@pytest.mark.parametrize(
    ("v1", "reps", "first"),
    [
        (False, None, bulk(ROOT, TABLE_MAX_REPETITIONS)),
        (False, 7, bulk(ROOT, 7)),
        (False, 0, bulk(ROOT, 1)),
        (True, None, nxt(ROOT)),
    ],
)
def test_table_pdus(v1: bool, reps: int | None, first: Send) -> None:
    assert table_plan(v1=v1, reps=reps).next(0.0) == first


def test_v1_table_ends_at_nosuchname() -> None:
    plan = table_plan(v1=True)
    end = run(plan, [(nxt(ROOT), ok(row(1))), (nxt(row(1)[0]), status(2, row(1)))])
    assert end is FINISHED and plan.rows == [[row(1)]]
