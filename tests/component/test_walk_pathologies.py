"""Walks against a scriptable fake agent that misbehaves: every walk ends, exactly once."""

from __future__ import annotations

import asyncio
import bisect
import time
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, SNMPSession, errors
from snmp_component._core import ber

ROOT = (1, 3, 6, 1, 4, 1, 99999, 1)
ROWS = [((*ROOT, 1, i), ber.INTEGER, i) for i in range(1, 41)]  # 40 rows under ROOT
AFTER = ((1, 3, 6, 1, 4, 1, 99999, 2, 0), ber.INTEGER, 0)  # outside the subtree
IF_INDEX = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1)

Rewrite = Callable[["WalkAgent", int, list[Any]], list[Any] | None]


class WalkAgent(asyncio.DatagramProtocol):
    """Serves ROWS (+ AFTER) over GET/GETNEXT/GETBULK; ``rewrite`` may change an answer
    (return None to stay silent). ``too_big_above``: GETBULK asking for more repetitions
    gets tooBig."""

    def __init__(self, rewrite: Rewrite | None = None, too_big_above: int | None = None):
        self.rewrite = rewrite
        self.too_big_above = too_big_above
        self.table = [*ROWS, AFTER]
        self.oids = [vb[0] for vb in self.table]
        self.requests: list[ber.Message] = []
        self.transport: Any = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def next_of(self, oid: tuple[int, ...]) -> Any:
        i = bisect.bisect_right(self.oids, oid)
        return self.table[i] if i < len(self.table) else (oid, ber.END_OF_MIB_VIEW, None)

    def datagram_received(self, data: bytes, addr: Any) -> None:
        msg = ber.decode_message(data)
        self.requests.append(msg)
        status = 0
        out: list[ber.VarBind]
        if msg.pdu_tag == ber.GET_REQUEST:
            table = {vb[0]: vb for vb in self.table}
            out = [table.get(oid, (oid, ber.NO_SUCH_OBJECT, None)) for oid, _, _ in msg.varbinds]
        elif msg.pdu_tag == ber.GET_NEXT_REQUEST:
            out = [self.next_of(oid) for oid, _, _ in msg.varbinds]
        else:
            reps = msg.error_index
            if self.too_big_above is not None and reps > self.too_big_above:
                out, status = list(msg.varbinds), 1
            else:
                out, oid = [], msg.varbinds[0][0]
                for _ in range(reps):
                    vb = self.next_of(oid)
                    out.append(vb)
                    oid = vb[0]
        if self.rewrite is not None and status == 0:
            rewritten = self.rewrite(self, len(self.requests), out)
            if rewritten is None:
                return
            out = rewritten
        reply = ber.encode_request(
            msg.version, msg.community, ber.RESPONSE, msg.request_id, out,
            error_status=status, error_index=1 if status else 0,
        )  # fmt: skip
        self.transport.sendto(reply, addr)


def run(agent: WalkAgent, body: Callable[[SNMPSession], Awaitable[Any]], **create: Any) -> Any:
    """``body(snmp)`` against ``agent`` on a fresh kernel (a v2c component, 0.2 s, no
    retries, unless ``create`` says otherwise); its result."""

    async def main() -> Any:
        loop = asyncio.get_running_loop()
        endpoint, _ = await loop.create_datagram_endpoint(
            lambda: agent, local_addr=("127.0.0.1", 0)
        )
        options = {"Version": 2, "Timeout": 200_000, "Retries": 0, **create}
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=endpoint.get_extra_info("sockname")[1],
            **options,
        )  # fmt: skip
        try:
            return await body(snmp)
        finally:
            snmp.finish()
            endpoint.close()

    return asyncio.run(asyncio.wait_for(main(), 20))


def walk(agent: WalkAgent, cmd: str = "bulkwalk", times: int = 1, **create: Any) -> list[Any]:
    """Run ``times`` walks of ROOT one after the other; each result or error."""

    async def body(snmp: SNMPSession) -> list[Any]:
        results: list[Any] = []
        for _ in range(times):
            try:
                if cmd == "bulkwalk":
                    (rows,) = await snmp.bulkwalk(0, 10, ".1.3.6.1.4.1.99999.1")
                else:
                    (rows,) = await snmp.walk(".1.3.6.1.4.1.99999.1")
                results.append([vb.val for vb in rows])
            except errors.SNMPError as exc:
                results.append(exc)
        return results

    result: list[Any] = run(agent, body, **create)
    return result


ALL = list(range(1, 41))


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_a_well_behaved_agent_is_walked_completely(cmd: str) -> None:
    assert walk(WalkAgent(), cmd) == [ALL]


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_decreasing_oids_stop_the_walk(cmd: str) -> None:
    def decrease(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        return [ROWS[0]] if n == 3 else out  # the third answer jumps back to the first row

    (result,) = walk(WalkAgent(decrease), cmd)
    assert isinstance(result, errors.OidNotIncreasing)
    assert result.received == ".1.3.6.1.4.1.99999.1.1.1"
    # What came before the loop is kept, as net-snmp prints it before the error.
    (rows,) = result.partial
    assert [vb.val for vb in rows] == (ALL[:2] if cmd == "walk" else ALL[:20])


def test_a_loop_a_b_a_stops_even_when_non_increasing_is_allowed() -> None:
    def loop(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        return [ROWS[5]] if n % 2 else [ROWS[2]]  # A, B, A, B ...

    (strict,) = walk(WalkAgent(loop), "walk")
    (lenient,) = walk(WalkAgent(loop), "walk", NonIncreasing=1)
    assert isinstance(strict, errors.OidNotIncreasing)
    assert isinstance(lenient, errors.OidNotIncreasing)  # an exact repeat is a loop


def test_too_big_halves_max_repetitions_and_remembers_it_per_target() -> None:
    agent = WalkAgent(too_big_above=3)
    assert walk(agent, "bulkwalk", times=2) == [ALL, ALL]
    sizes = [m.error_index for m in agent.requests]
    assert sizes[:3] == [10, 5, 2]  # halved until the agent could answer
    assert set(sizes[3:]) == {2}  # and the second walk started with what worked


def test_too_big_even_for_one_repetition_falls_back_to_getnext() -> None:
    agent = WalkAgent(too_big_above=0)
    assert walk(agent, "bulkwalk") == [ALL]
    kinds = [m.pdu_tag for m in agent.requests]
    assert kinds[:4] == [ber.GET_BULK_REQUEST] * 4 and set(kinds[4:]) == {ber.GET_NEXT_REQUEST}


@pytest.mark.parametrize("cmd", ["walk", "bulkwalk"])
def test_an_agent_silent_mid_walk_is_one_timeout(cmd: str) -> None:
    def silent(agent: WalkAgent, n: int, out: list[Any]) -> list[Any] | None:
        return None if n >= 3 else out

    (result,) = walk(WalkAgent(silent), cmd)
    assert isinstance(result, errors.SNMPTimeoutError)
    (rows,) = result.partial
    assert [vb.val for vb in rows] == (ALL[:2] if cmd == "walk" else ALL[:20])


def test_a_failed_walk_and_table_give_their_rows_to_a_poe_callback_too() -> None:
    """The POE path: ``response.error.partial`` of walk (several vars), bulkwalk and table."""

    def silent(agent: WalkAgent, n: int, out: list[Any]) -> list[Any] | None:
        return None if n >= 4 else out

    def silent_table(agent: WalkAgent, n: int, out: list[Any]) -> list[Any] | None:
        return None if n >= 2 else out

    table_agent = WalkAgent(silent_table)  # serves IF-MIB::ifIndex.1-40
    table_agent.table = [((*IF_INDEX, i), ber.INTEGER, i) for i in ALL] + [AFTER]
    table_agent.oids = [vb[0] for vb in table_agent.table]

    def serving(agent: WalkAgent) -> Callable[[], WalkAgent]:
        return lambda: agent

    async def main() -> list[Any]:
        loop = asyncio.get_running_loop()
        agents = [WalkAgent(silent), WalkAgent(silent), table_agent]
        endpoints = [
            (await loop.create_datagram_endpoint(serving(a), local_addr=("127.0.0.1", 0)))[0]
            for a in agents
        ]
        kernel = Kernel()
        for i, endpoint in enumerate(endpoints):
            SNMPComponent.create(
                kernel, Alias=f"a{i}", DestHost="127.0.0.1", Version=2, Timeout=100_000,
                Retries=0, RemotePort=endpoint.get_extra_info("sockname")[1],
            )  # fmt: skip
        got: list[Any] = []

        def start(ev: Event) -> None:
            ev.kernel.post("a0", "walk", "on", ".1.3.6.1.4.1.99999.1.1", ".1.3.6.1.4.1.99999.1")
            ev.kernel.post("a1", "bulkwalk", "on", 0, 5, ".1.3.6.1.4.1.99999.1")
            ev.kernel.post("a2", "table", "on", "ifTable", None, 10)

        def on(ev: Event) -> None:
            got.append((ev.arg0.cmd, ev.arg1.varlist, ev.arg1.error))
            ev.kernel.post(ev.arg0.alias, "finish")

        Session.create(kernel, inline_states={"_start": start, "on": on})
        try:
            await asyncio.wait_for(kernel.run_async(), 10)
        finally:
            for endpoint in endpoints:
                endpoint.close()
        return got

    got = {cmd: (varlist, error) for cmd, varlist, error in asyncio.run(main())}
    assert all(v is None and isinstance(e, errors.SNMPTimeoutError) for v, e in got.values())
    first, second = got["walk"][1].partial  # one VarList per requested var
    assert [vb.val for vb in first] == ALL[:3] and list(second) == []
    (rows,) = got["bulkwalk"][1].partial
    assert [vb.val for vb in rows] == ALL[:15]
    table = got["table"][1].partial  # the rows walked so far, keyed by instance
    assert table == {i: {"ifIndex": i} for i in range(1, 11)}


def test_early_end_of_mib_view_ends_the_walk_with_its_rows() -> None:
    def end(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        if n == 2:
            return [out[0], (out[1][0], ber.END_OF_MIB_VIEW, None)]
        return out

    assert walk(WalkAgent(end), "bulkwalk") == [[*range(1, 11), 11]]


def test_more_varbinds_than_asked_are_taken_in_order() -> None:
    def extra(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        oid = out[-1][0]
        more = []
        for _ in range(5):
            vb = agent.next_of(oid)
            more.append(vb)
            oid = vb[0]
        return out + more

    assert walk(WalkAgent(extra), "bulkwalk") == [ALL]


@pytest.mark.parametrize(
    ("create", "limit"),
    [({"MaxRows": 15}, "MaxRows"), ({"MaxRequests": 2}, "MaxRequests")],
)
def test_row_and_request_caps(create: dict[str, Any], limit: str) -> None:
    (result,) = walk(WalkAgent(), "bulkwalk", **create)
    assert isinstance(result, errors.WalkLimitExceeded) and result.limit_name == limit


def test_overall_deadline() -> None:
    def slow(agent: WalkAgent, n: int, out: list[Any]) -> list[Any]:
        time.sleep(0.05)  # an agent that answers, slowly (blocks only the fake agent's turn)
        return out

    t0 = time.monotonic()
    (result,) = walk(WalkAgent(slow), "walk", Deadline=0.2)
    assert isinstance(result, errors.WalkLimitExceeded) and result.limit_name == "Deadline"
    assert time.monotonic() - t0 < 1.0


def test_walk_limits_are_validated() -> None:
    for keywords in ({"MaxRows": 0}, {"MaxRequests": -1}, {"Deadline": 0}, {"Deadline": "1"}):
        with pytest.raises(errors.ConfigurationError):
            SNMPComponent.create(Kernel(), DestHost="h", **keywords)
