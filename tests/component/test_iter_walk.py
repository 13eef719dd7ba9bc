"""``iter_walk``/``iter_bulkwalk``: a walk's rows as replies come, then its one outcome."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from snmp_component import SNMPSession, VarList, errors

from .test_walk_pathologies import ALL, WalkAgent, run

ROOT = ".1.3.6.1.4.1.99999.1"


def stream(snmp: SNMPSession, cmd: str) -> AsyncGenerator[list[VarList], None]:
    return snmp.iter_walk(ROOT) if cmd == "walk" else snmp.iter_bulkwalk(0, 10, ROOT)


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_batches_come_per_reply_and_join_to_the_walk(cmd: str) -> None:
    agent = WalkAgent()

    async def body(snmp: SNMPSession) -> tuple[list[list[int]], int, list[int]]:
        batches = [[vb.val for vb in rows] async for (rows,) in stream(snmp, cmd)]
        requests = len(agent.requests)
        (whole,) = await (snmp.walk(ROOT) if cmd == "walk" else snmp.bulkwalk(0, 10, ROOT))
        return batches, requests, [vb.val for vb in whole]

    batches, requests, whole = run(agent, body)
    assert [v for batch in batches for v in batch] == ALL == whole
    assert all(batches)  # no empty batch
    # one batch per reply that brought rows (the last reply, past the subtree, brings none)
    assert len(batches) == (40 if cmd == "walk" else 4)
    assert requests == len(batches) + 1


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_rows_before_a_silent_agent_come_out_then_the_timeout(cmd: str) -> None:
    def silent_after_two(agent: WalkAgent, n: int, out: list[Any]) -> list[Any] | None:
        return out if n <= 2 else None

    async def body(snmp: SNMPSession) -> tuple[list[int], BaseException | None, int]:
        seen: list[int] = []
        try:
            async for (rows,) in stream(snmp, cmd):
                seen.extend(vb.val for vb in rows)
        except errors.SNMPError as exc:
            return seen, exc, snmp.pending
        return seen, None, snmp.pending

    seen, error, pending = run(WalkAgent(silent_after_two), body)
    assert seen == (ALL[:2] if cmd == "walk" else ALL[:20])
    assert isinstance(error, errors.SNMPTimeoutError)
    assert [vb.val for vb in error.partial[0]] == seen  # the error still carries them
    assert pending == 0


def test_an_error_in_the_first_reply_is_raised_with_no_batch() -> None:
    def decrease(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        return [((1, 3, 6, 1, 4, 1, 99999, 1), 2, 0)] if n == 1 else out  # the root itself

    async def body(snmp: SNMPSession) -> tuple[int, BaseException | None]:
        batches = 0
        try:
            async for _ in snmp.iter_walk(ROOT):
                batches += 1
        except errors.SNMPError as exc:
            return batches, exc
        return batches, None

    batches, error = run(WalkAgent(decrease), body)
    assert batches == 0 and isinstance(error, errors.OidNotIncreasing)


@pytest.mark.parametrize("leave", ["break", "cancel"])
def test_leaving_early_withdraws_the_walk(leave: str) -> None:
    agent = WalkAgent()

    async def body(snmp: SNMPSession) -> tuple[list[int], int, int]:
        seen: list[int] = []
        three = asyncio.Event()

        async def consume() -> None:
            async with contextlib.aclosing(snmp.iter_walk(ROOT)) as batches:
                async for (rows,) in batches:
                    seen.extend(vb.val for vb in rows)
                    if len(seen) >= 3:
                        three.set()
                        if leave == "break":
                            break
                        await asyncio.sleep(10)  # cancelled here

        task = asyncio.create_task(consume())
        if leave == "cancel":
            await three.wait()
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        pending = snmp.pending
        sent = len(agent.requests)
        await asyncio.sleep(0.3)  # nothing more goes out for it
        assert len(agent.requests) == sent
        return seen, pending, sent

    seen, pending, sent = run(agent, body)
    assert seen == ALL[:3]
    assert pending == 0
    if leave == "break":  # (while a consumer waits elsewhere, the walk goes on at its pace)
        assert sent <= 4  # it stopped where the consumer left (one PDU may be on its way)


def test_bad_input_is_raised_at_the_first_step() -> None:
    async def body(snmp: SNMPSession) -> BaseException | None:
        try:
            async for _ in snmp.iter_bulkwalk(-1, 10, ROOT):
                pass
        except errors.SNMPError as exc:
            return exc
        return None

    error = run(WalkAgent(), body)
    assert isinstance(error, errors.SNMPError) and "nonrepeaters" in str(error)
