"""The fault matrix: every request gets exactly one answer, and every answer that says
"success" carries the right values, whatever the network does to the datagrams.

Each row drives N requests (GETs of 1-3 objects, GETNEXTs, bulkwalks of sysORTable; all
distinct, so the proxy's seeded faults do not depend on timing) through
:class:`~tests.faults.proxy.FaultProxy` to the real agent, through the POE path (one
callback per request, counted by its ``callback_args`` id) or the awaitable path, and counts
lost (no answer), doubled (more than one), wrong values, errors by type, and the transport
counters. A row fails on any lost, doubled or wrong answer, on a stall of the event loop of
:data:`~tests.stall.STALL_BOUND` (20 ms) or more, or when a scenario-specific expectation
(e.g. "late replies are accepted") does not hold.

Besides the network's faults, rows drive the component through forged reply bursts, a queue
of 10,000 requests, cancelled awaitables, ``kernel.stop()``, a cancelled ``run_async()`` and
a slow name resolver (the ``driver`` of a :class:`Scenario`).

Running every row (``python -m pytest tests/faults``, or the whole suite) writes the table
to ``build/FAULTS.md`` (git-ignored); a partial run (``-k``) writes nothing. No test run
writes a tracked file: the committed ``tests/FAULTS.md`` is regenerated only by the explicit
``python -m tests.faults --write`` (or ``scripts/faults.sh``), see :mod:`tests.faults`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import random
import re
import socket
import subprocess
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, resolver, transport
from snmp_component.component import SNMPSession
from snmp_component.errors import SNMPError
from snmp_component.testing import V3_USERS, SnmpdAgent

from ..stall import STALL_BOUND, StallMeter, paused_gc
from .proxy import NO_FAULTS, FaultProxy, Faults

SEED = 20240611
ALIAS = "faulty"
SYSTEM = ".1.3.6.1.2.1.1"
SYS_UPTIME = ".1.3.6.1.2.1.1.3.0"  # the one object of the system group that changes
SYS_OR_TABLE = ".1.3.6.1.2.1.1.9"
ROOT = Path(__file__).resolve().parents[2]
REPORT = ROOT / "build" / "FAULTS.md"  # what a test run writes (git-ignored)
COMMITTED = ROOT / "tests" / "FAULTS.md"  # what `python -m tests.faults --write` updates
_USER = next(u for u in V3_USERS if u.name == "privAESUser")  # SHA / AES, authPriv
V3_USER = {
    "SecName": _USER.name,
    "SecLevel": _USER.level,
    "AuthProto": _USER.auth_proto,
    "AuthPass": _USER.auth_pass,
    "PrivProto": _USER.priv_proto,
    "PrivPass": _USER.priv_pass,
}
COUNTERS = ("sent", "retries", "received", "completed", "timeouts", "unmatched")
COUNTERS_2 = ("wrong_source", "decode_errors")


# ------------------------------------------------------------------ scenarios


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    version: int
    requests: Faults = NO_FAULTS
    replies: Faults = NO_FAULTS
    n: int = 200
    timeout: float = 0.5  # seconds per attempt
    retries: int = 1
    in_flight: int = 10  # MaxInFlight
    path: str = "poe"  # or "await"
    engine: str = "native"  # SNMPv3 engine (V3Engine): "native" or "pysnmp"
    mix: str = "mixed"  # or "bulkwalk", or "burst" (not all distinct)
    driver: str = "matrix"  # or "cancel", "stop", "cancel-run", "resolver": see DRIVERS
    components: int = 1  # the requests go round-robin to this many components
    kernel_limit: int | None = None  # SNMPComponent.set_kernel_limit
    cut: float = 0.0  # "cancel": asyncio.wait_for's timeout; "stop"/"cancel-run": when
    all_ok: bool = False  # every request must succeed
    only: tuple[str, ...] = ()  # every answer is ok or one of these errors (each seen)
    positive: tuple[str, ...] = ()  # transport counters that must be > 0
    volatile: tuple[str, ...] = ()  # counters that depend on timing: shown as ~n
    note: str = ""


LOSS_10 = Faults(loss=0.10)
LOSS_50 = Faults(loss=0.50)
DUP = Faults(duplicate=1.0, copies=(2, 3))
CHAOS_REQ = Faults(loss=0.1, duplicate=0.2)
CHAOS_REP = Faults(
    loss=0.1,
    duplicate=0.3,
    reorder=6,
    delay=0.06,  # below Timeout: late, not retried (v2c-delay covers that)
    delay_share=0.3,
    truncate=0.05,
    garbage=0.2,
    spoof=0.2,
    wrong_id=0.2,
)
# with reordering and duplicates, whether a stray copy arrives before or after the request
# completed (wrong_source/decode_errors vs unmatched) depends on timing
ORDER_DEPENDENT = ("unmatched", "wrong_source", "decode_errors")
# how many forged 60 KB datagrams the OS queues for the manager depends on its socket's
# receive buffer (net.core.rmem_max caps the 4 MB the transport asks for); the rest it drops
BUFFER_DEPENDENT = ("received", "decode_errors")

SCENARIOS = [
    Scenario("v2c-clean", "no faults", 2, all_ok=True),
    Scenario("v2c-loss10", "loss 10%", 2, LOSS_10, LOSS_10, timeout=0.1, retries=3,
             positive=("retries",)),
    Scenario("v2c-loss50", "loss 50%", 2, LOSS_50, LOSS_50, timeout=0.1, retries=6,
             in_flight=50, positive=("retries", "timeouts")),
    Scenario("v2c-dup", "duplication", 2, Faults(duplicate=0.3, copies=(2, 2)), DUP,
             all_ok=True, positive=("unmatched",)),
    Scenario("v2c-reorder", "reordering", 2, Faults(reorder=4), Faults(reorder=8),
             all_ok=True),
    Scenario("v2c-delay", "delay past Timeout", 2, replies=Faults(delay=0.15), timeout=0.1,
             retries=2, all_ok=True, positive=("retries", "unmatched"),
             note="every reply arrives 150 ms late, during the retry: the late reply to "
             "attempt 1 must complete the request"),
    Scenario("v2c-truncate", "truncation", 2, replies=Faults(truncate=0.3), timeout=0.1,
             retries=3, positive=("decode_errors", "retries")),
    Scenario("v2c-garbage", "garbage datagrams", 2, replies=Faults(garbage=1.0), all_ok=True,
             positive=("decode_errors",)),
    Scenario("v2c-spoof", "reply from another port", 2, replies=Faults(spoof=1.0),
             all_ok=True, positive=("wrong_source",),
             note="the spoofed copy arrives first and says genErr: accepting it would fail "
             "the request"),
    Scenario("v2c-wrong-id", "wrong request-id", 2,
             replies=Faults(wrong_id=0.5, wrong_id_replace=0.2), timeout=0.1, retries=3,
             positive=("unmatched", "retries"),
             note="50% of replies preceded by a genErr copy with another request-id, 20% "
             "replaced by one"),
    Scenario("v2c-bulkwalk", "bulkwalk: loss 10% + dup", 2,
             Faults(loss=0.1, duplicate=0.2), Faults(loss=0.1, duplicate=0.5), n=40,
             timeout=0.1, retries=4, mix="bulkwalk", positive=("retries", "unmatched"),
             note="40 bulkwalks of sysORTable, max-repetitions 2..41"),
    Scenario("v2c-chaos", "everything at once", 2, CHAOS_REQ, CHAOS_REP, timeout=0.1,
             retries=4, in_flight=20, volatile=ORDER_DEPENDENT),
    Scenario("v2c-loss10-await", "loss 10%", 2, LOSS_10, LOSS_10, timeout=0.1, retries=3,
             path="await", positive=("retries",)),
    Scenario("v2c-chaos-await", "everything at once", 2, CHAOS_REQ, CHAOS_REP, timeout=0.1,
             retries=4, in_flight=20, path="await", volatile=ORDER_DEPENDENT),
    Scenario("v3-clean", "no faults", 3, n=100, all_ok=True),
    Scenario("v3-loss10", "loss 10%", 3, LOSS_10, LOSS_10, n=100, timeout=0.1, retries=3),
    Scenario("v3-dup", "duplication", 3, Faults(duplicate=0.3, copies=(2, 2)), DUP, n=100,
             all_ok=True),
    Scenario("v3-reorder", "reordering", 3, Faults(reorder=4), Faults(reorder=8), n=100,
             all_ok=True),
    Scenario("v3-delay", "delay past Timeout", 3, replies=Faults(delay=0.15), n=100,
             timeout=0.1, retries=2, all_ok=True, positive=("retries", "unmatched"),
             note="as v2c-delay: a reply to any attempt's msgID completes the request"),
    Scenario("v3-garbage", "garbage datagrams", 3, replies=Faults(garbage=1.0), n=100,
             all_ok=True),
    Scenario("v3-loss10-await", "loss 10%", 3, LOSS_10, LOSS_10, n=100, timeout=0.1,
             retries=3, path="await"),
    Scenario("v3-pysnmp-clean", "no faults, pysnmp engine", 3, n=100, engine="pysnmp",
             all_ok=True),
    Scenario("v3-pysnmp-delay", "delay past Timeout, pysnmp engine", 3,
             replies=Faults(delay=0.15), n=100, timeout=0.1, retries=2, engine="pysnmp",
             note="`V3Engine='pysnmp'`: pysnmp gives every attempt a new msgID and drops "
             "replies to earlier attempts, so a steady delay past Timeout times out every "
             "request"),
    Scenario("v3-pysnmp-garbage", "garbage datagrams, pysnmp engine", 3,
             replies=Faults(garbage=1.0), n=100, engine="pysnmp", all_ok=True,
             note="`V3Engine='pysnmp'`"),
    Scenario("v2c-forged-burst", "forged reply bursts from the target's address", 2,
             replies=Faults(forge=20), n=100, retries=2, in_flight=5, all_ok=True,
             positive=("decode_errors",), volatile=BUFFER_DEPENDENT,
             note="before every reply, 20 datagrams of ~60 KB (3,000 varbinds each) from the "
             "proxy's port, i.e. the target's address and port, with the pending request-id: "
             "another community, another version or a SetRequest PDU. Each must be dropped "
             "after its header (`decode_errors`), without a stall"),
    Scenario("v3-forged-burst", "forged reply bursts from the target's address", 3,
             replies=Faults(forge=20), n=50, retries=2, in_flight=5, all_ok=True,
             positive=("decode_errors",), volatile=BUFFER_DEPENDENT,
             note="before every reply (discovery's Report too), 20 datagrams of ~60 KB with the "
             "pending msgID and the agent's engine ID, clock and user: a digest that does not "
             "verify over a 60 KB encrypted PDU, no authentication, or authNoPriv, the last "
             "two with a Response of 3,000 varbinds in plaintext"),
    Scenario("v2c-queue-burst", "one handler posts 10,000 requests", 2, n=10_000, timeout=1.0,
             retries=2, in_flight=25, components=4, kernel_limit=50, mix="burst",
             all_ok=True,
             note="one `_start` handler posts 10,000 requests round-robin to 4 components "
             "(`MaxInFlight` 25, kernel-wide limit 50): most wait in the components' queues. "
             "The stall is measured from the end of that handler: its own 10,000 `post` calls "
             "(~2 us each) are the caller's work"),
    Scenario("v2c-cancel-await", "cancelled awaitables", 2, replies=Faults(delay=1.2,
             delay_share=0.3), timeout=2.0, retries=0, in_flight=20, path="await",
             driver="cancel", cut=0.4, only=("Cancelled",),
             note="every request is `asyncio.wait_for(snmp.get(...), 0.4)`; 30% of the replies "
             "come 1.2 s late, so the first 20 of them hold every in-flight slot and the "
             "requests behind them wait in the queue: those in flight and those queued are "
             "cancelled (`Cancelled`), the others succeed. Right after the last awaitable "
             "ended the component's `pending`, `in_flight` and `queued` must be 0. A "
             "cancelled request that was on the wire stays in the transport until its reply "
             "(then `completed`, and dropped by the component) or its `Timeout`; the "
             "transport must have nothing pending once the proxy is quiet"),
    Scenario("v2c-kernel-stop", "`kernel.stop()` with requests in flight and queued", 2,
             replies=Faults(delay=2.0, delay_share=0.5), n=300, timeout=3.0, retries=0,
             in_flight=60, driver="stop", cut=0.6, only=("ShutdownError",),
             note="half the replies come 2 s late, so the first 60 of them hold every "
             "in-flight slot; at 0.6 s a timer posts 20 more requests and calls "
             "`kernel.stop()`. Every request (in flight, queued, or a request event still in "
             "the kernel's queue) gets exactly one callback, a `ShutdownError` unless it was "
             "answered before, delivered while the requester's session is alive. Transport "
             "counters read just before the stop"),
    Scenario("v2c-run-cancelled", "cancelled `run_async()` with requests in flight", 2,
             replies=Faults(delay=2.0, delay_share=0.5), n=300, timeout=3.0, retries=0,
             in_flight=60, driver="cancel-run", cut=0.6, only=("ShutdownError",),
             note="as v2c-kernel-stop, but the timer cancels the task that runs `await "
             "kernel.run_async()` instead of calling `kernel.stop()`"),
    Scenario("v2c-slow-resolver", "host names, two of them resolve in 2 s", 2, n=200,
             timeout=0.1, retries=1, components=4, driver="resolver",
             only=("SNMPTimeoutError",),
             note="4 components with host names: `a.slow.test` and `b.slow.test` take the "
             "resolver 2 s (`snmp_component.resolver.getaddrinfo` replaced for the row), "
             "`a.ok.test` and `b.ok.test` 20 ms (then 127.0.0.1, the proxy's port). Every "
             "request to a slow name must time out 0.2 s (`Timeout` x (`Retries` + 1)) after "
             "it was posted (between 0.18 and 0.7 s), not after 2 s; every other request "
             "succeeds"),
]  # fmt: skip


# ------------------------------------------------------------------ requests and the truth


Row3 = tuple[str, Any, str]


@dataclass(frozen=True)
class Req:
    cmd: str
    args: tuple[Any, ...]
    expect: list[list[Row3]]  # one list of (oid, val, type) per VarList


def rows_of(varlist: Any) -> list[Row3]:
    return [(vb.tag + (f".{vb.iid}" if vb.iid != "" else ""), vb.val, vb.type) for vb in varlist]


def oid_key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.strip(".").split("."))


@pytest.fixture(scope="module")
def truth(snmpd: SnmpdAgent) -> list[Row3]:
    """The system group as the agent answers it directly (no proxy), in OID order."""

    async def fetch() -> list[Row3]:
        snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=snmpd.port,
                                    Version=2, UseNumeric=1)  # fmt: skip
        try:
            (varlist,) = await snmp.bulkwalk(0, 20, SYSTEM)
        finally:
            snmp.finish()
        return rows_of(varlist)

    rows = asyncio.run(asyncio.wait_for(fetch(), 10))
    assert len(rows) >= 30 and rows == sorted(rows, key=lambda r: oid_key(r[0])), rows
    return rows


def make_requests(sc: Scenario, truth: list[Row3]) -> list[Req]:
    """``sc.n`` distinct requests with their expected answers (seeded, same every run)."""
    by_oid = {oid: (oid, val, typ) for oid, val, typ in truth}
    table = [row for row in truth if row[0].startswith(SYS_OR_TABLE + ".")]
    pool = [oid for oid, _, _ in truth if oid != SYS_UPTIME]  # values that do not change
    # GETNEXT of a answers b, the next object; never sysUpTime, nor past the system group
    nexts = [
        (a, b) for (a, _, _), (b, _, _) in itertools.pairwise(truth) if SYS_UPTIME not in (a, b)
    ]
    rng = random.Random(f"{SEED}|requests|{sc.id}")
    rng.shuffle(nexts)
    reqs: list[Req] = []
    seen: set[tuple[str, ...]] = set()
    for i in range(sc.n):
        if sc.mix == "burst":  # many requests: GETs and GETNEXTs, not all distinct
            if i % 50 == 49:
                reqs.append(Req("bulkwalk", (0, 10, SYS_OR_TABLE), [table]))
            elif i % 10 == 4:
                a, b = nexts[i % len(nexts)]
                reqs.append(Req("getnext", (a,), [[by_oid[b]]]))
            else:
                oids = tuple(rng.sample(pool, 1 + i % 3))
                reqs.append(Req("get", (list(oids),), [[by_oid[o] for o in oids]]))
            continue
        if sc.mix == "bulkwalk":
            reqs.append(Req("bulkwalk", (0, 2 + i, SYS_OR_TABLE), [table]))
        elif i % 10 == 9:
            reqs.append(Req("bulkwalk", (0, 3 + i // 10, SYS_OR_TABLE), [table]))
        elif i % 10 == 4 and nexts:
            a, b = nexts.pop()
            reqs.append(Req("getnext", (a,), [[by_oid[b]]]))
        else:
            size = 1 if i % 10 == 0 else 2 + i % 2  # at most n/10 single objects
            oids = tuple(rng.sample(pool, size))
            for _ in range(1000):
                if oids not in seen:
                    break
                oids = tuple(rng.sample(pool, size))
            else:
                raise AssertionError(f"cannot make {sc.n} distinct GETs from {len(pool)} objects")
            seen.add(oids)
            reqs.append(Req("get", (list(oids),), [[by_oid[o] for o in oids]]))
    return reqs


# ------------------------------------------------------------------ running a row


class LoopMeter(StallMeter):
    """A :class:`~tests.stall.StallMeter` for a loop the fault proxy shares: what the
    proxy's callbacks took (:attr:`FaultProxy.cpu`) is not counted, it is not the
    manager's work."""

    def __init__(self, proxy: FaultProxy) -> None:
        super().__init__()
        self.proxy = proxy

    async def ticker(self, until: Callable[[], bool]) -> None:
        last, proxy_last = time.thread_time(), self.proxy.cpu
        while not until():
            await asyncio.sleep(0)
            now, proxy_now = time.thread_time(), self.proxy.cpu
            self.gaps.append((now - last) - (proxy_now - proxy_last))
            last, proxy_last = now, proxy_now


class Cancelled(Exception):
    """What an awaitable that ``asyncio.wait_for`` cancelled is counted as."""


@dataclass
class Outcome:
    answers: dict[int, list[tuple[Any, BaseException | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    when: dict[int, float] = field(default_factory=dict)  # seconds from posting to answer
    transport: dict[str, int] | None = None
    proxy: str = "-"
    logged: Counter[str] = field(default_factory=Counter)
    refused: int = 0
    meter: StallMeter = field(default_factory=StallMeter)
    problems: list[str] = field(default_factory=list)  # a driver's own expectations
    extra: str = ""  # what a driver adds to the `injected` cell
    os_drops: int | None = None  # datagrams the OS dropped: the socket's buffer was full


class _ErrorLog(logging.Handler):
    """Counts ERROR (and worse) records by logger name, with their first lines."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.counts: Counter[str] = Counter()
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.name] += 1
        if len(self.texts) < 5:
            self.texts.append(f"{record.name}: {record.getMessage()[:200]}")


def _udp(kernel: Kernel) -> transport.UdpTransport | None:
    return transport._registry.get(kernel, {}).get(socket.AF_INET)


def transport_stats(kernel: Kernel) -> dict[str, int] | None:
    """The counters of the kernel's shared v1/v2c transport (None: another socket)."""
    udp = _udp(kernel)
    return asdict(udp.stats) if udp is not None else None


def read_transport(kernel: Kernel, out: Outcome) -> None:
    """Put the transport's counters, and how many datagrams the OS dropped because its
    socket's receive buffer was full, on ``out``."""
    out.transport = transport_stats(kernel)
    udp = _udp(kernel)
    sock = getattr(udp, "_sock", None)
    if sock is not None:
        out.os_drops = socket_drops(sock)


def socket_drops(sock: socket.socket) -> int | None:
    """The ``drops`` of ``sock`` in ``/proc/net/udp`` (Linux; None elsewhere)."""
    try:
        inode = str(os.fstat(sock.fileno()).st_ino)
        with open("/proc/net/udp") as table:
            for line in table:
                fields = line.split()
                if len(fields) >= 13 and fields[9] == inode:
                    return int(fields[12])
    except (OSError, ValueError):
        pass
    return None


def aliases(sc: Scenario) -> list[str]:
    return [ALIAS] if sc.components == 1 else [f"{ALIAS}{k}" for k in range(sc.components)]


def create_options(sc: Scenario, port: int, alias: str = ALIAS) -> dict[str, Any]:
    options: dict[str, Any] = {
        "Alias": alias,
        "DestHost": "127.0.0.1",
        "RemotePort": port,
        "Version": sc.version,
        "Timeout": round(sc.timeout * 1e6),
        "Retries": sc.retries,
        "MaxInFlight": sc.in_flight,
        "UseNumeric": 1,
    }
    if sc.version == 3:
        options.update(V3_USER, V3Engine=sc.engine)
    return options


def components(
    sc: Scenario, port: int, hosts: list[str] | None = None
) -> tuple[Kernel, list[SNMPSession]]:
    """A kernel with the scenario's components (``hosts``: their ``DestHost``)."""
    kernel = Kernel()
    if sc.kernel_limit is not None:
        SNMPComponent.set_kernel_limit(kernel, sc.kernel_limit)
    snmps = []
    for k, alias in enumerate(aliases(sc)):
        options = create_options(sc, port, alias)
        if hosts is not None:
            options["DestHost"] = hosts[k]
        snmps.append(SNMPComponent.create(kernel, **options))
    return kernel, snmps


def budget(sc: Scenario) -> float:
    """Seconds after which a request without an answer counts as lost (generous: a row
    normally takes well under 5 s)."""
    return 25.0


def _ticking(out: Outcome, until: Callable[[], bool]) -> asyncio.Future[None]:
    """Start measuring stalls (from the next loop turn) until ``until()``."""
    return asyncio.ensure_future(out.meter.ticker(until))


async def drive_poe(
    sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome, hosts: list[str] | None = None
) -> None:
    kernel, _ = components(sc, proxy.port, hosts)
    names = aliases(sc)
    state: dict[str, Any] = {"deadline": 0, "over": False, "t0": 0.0, "ended": False}

    def start(ev: Event) -> None:
        state["t0"] = time.monotonic()
        for i, req in enumerate(reqs):
            alias = names[i % len(names)]
            if not ev.kernel.post(alias, req.cmd, "on_resp", *req.args, callback_args=[i]):
                out.refused += 1
        state["deadline"] = ev.kernel.delay_set("give_up", budget(sc))
        ev.kernel.delay("settle", 0.05)
        state["ticker"] = _ticking(out, lambda: state["ended"])  # after this handler's posts

    def on_resp(ev: Event) -> None:
        (i,) = ev.arg1.callback_args
        out.answers[i].append((ev.arg1.varlist, ev.arg1.error))
        out.when.setdefault(i, time.monotonic() - state["t0"])

    def settle(ev: Event) -> None:
        if state["over"]:
            return
        if len(out.answers) < len(reqs) or not proxy.idle(0.15):
            ev.kernel.delay("settle", 0.02)
            return
        state["over"] = True
        read_transport(kernel, out)  # late datagrams have been counted
        ev.kernel.alarm_remove(state["deadline"])
        for alias in names:
            ev.kernel.post(alias, "finish")

    def give_up(ev: Event) -> None:  # requests still without an answer are lost
        state["over"] = True
        read_transport(kernel, out)
        for alias in names:
            ev.kernel.post(alias, "finish")

    Session.create(
        kernel,
        inline_states={"_start": start, "on_resp": on_resp, "settle": settle, "give_up": give_up},
    )
    try:
        await asyncio.wait_for(kernel.run_async(), budget(sc) + 5)
    except TimeoutError:
        pass  # lost callbacks kept the requester alive: counted below
    finally:
        state["ended"] = True
    if "ticker" in state:
        await state["ticker"]


async def drive_await(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **create_options(sc, proxy.port))
    ended = False

    async def one(i: int, req: Req) -> None:
        try:
            result = await getattr(snmp, req.cmd)(*req.args)
        except Exception as exc:  # SNMPError expected; anything else shows up as its type
            out.answers[i].append((None, exc))
        else:
            out.answers[i].append((result, None))

    ticker = _ticking(out, lambda: ended)
    tasks = [asyncio.create_task(one(i, req)) for i, req in enumerate(reqs)]
    _, pending = await asyncio.wait(tasks, timeout=budget(sc))
    for task in pending:
        task.cancel()
    await proxy.drain(0.15)
    read_transport(kernel, out)
    snmp.finish()
    await asyncio.sleep(0)
    ended = True
    await ticker


async def drive_cancel(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    """Every request is ``asyncio.wait_for(snmp.<cmd>(...), sc.cut)``; then the component
    must hold nothing, at once, and the transport nothing once the proxy is quiet."""
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **create_options(sc, proxy.port))
    ended = False
    seen: list[str] = []

    async def one(i: int, req: Req) -> None:
        try:
            result = await asyncio.wait_for(getattr(snmp, req.cmd)(*req.args), sc.cut)
        except SNMPError as exc:  # SNMPTimeoutError is a TimeoutError too: first
            out.answers[i].append((None, exc))
        except TimeoutError:
            out.answers[i].append((None, Cancelled()))
        except Exception as exc:
            out.answers[i].append((None, exc))
        else:
            out.answers[i].append((result, None))

    def look() -> None:  # just before the timeouts: what is about to be cancelled
        seen.append(f"~{snmp.in_flight} in flight, ~{snmp.queued} queued at the timeout")

    ticker = _ticking(out, lambda: ended)
    asyncio.get_running_loop().call_later(sc.cut * 0.9, look)
    tasks = [asyncio.create_task(one(i, req)) for i, req in enumerate(reqs)]
    _, pending = await asyncio.wait(tasks, timeout=budget(sc))
    held = {"pending": snmp.pending, "in_flight": snmp.in_flight, "queued": snmp.queued}
    if pending or any(held.values()):
        out.problems.append(f"after the last awaitable ended the component holds {held}")
    for task in pending:
        task.cancel()
    if not await proxy.drain(0.15, limit=10):
        out.problems.append("the proxy did not go quiet")
    udp = _udp(kernel)
    if udp is not None and udp.pending:
        out.problems.append(f"the transport still has {udp.pending} exchanges pending")
    read_transport(kernel, out)
    out.extra = "; ".join(seen)
    snmp.finish()
    await asyncio.sleep(0)
    ended = True
    await ticker


LATE_POSTS = 20  # requests a "stop"/"cancel-run" row posts just before it stops the kernel


async def drive_stop(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    """At ``sc.cut`` a timer posts the last :data:`LATE_POSTS` requests, then stops the
    kernel (``kernel.stop()``, or ``driver == "cancel-run"``: cancels the task running
    ``run_async()``). Every request must have had its one callback, while its requester
    was alive, when ``run_async()`` ends."""
    kernel, snmps = components(sc, proxy.port)
    names = aliases(sc)
    first = len(reqs) - LATE_POSTS
    state: dict[str, Any] = {"ended": False, "task": None}

    def post(ev: Event, i: int) -> None:
        req = reqs[i]
        alias = names[i % len(names)]
        if not ev.kernel.post(alias, req.cmd, "on_resp", *req.args, callback_args=[i]):
            out.refused += 1

    def start(ev: Event) -> None:
        for i in range(first):
            post(ev, i)
        ev.kernel.delay("cut", sc.cut)
        state["ticker"] = _ticking(out, lambda: state["ended"])

    def cut(ev: Event) -> None:
        for i in range(first, len(reqs)):
            post(ev, i)
        flying = sum(s.in_flight for s in snmps)
        queued = sum(s.queued for s in snmps)
        if not flying or not queued:
            out.problems.append(f"stopped with {flying} in flight and {queued} queued")
        how = "stop()" if sc.driver == "stop" else "cancel"
        out.extra = (
            f"{how} at {sc.cut:.1f} s: ~{flying} in flight, ~{queued} queued, "
            f"{LATE_POSTS} request events queued"
        )
        read_transport(kernel, out)
        if sc.driver == "stop":
            ev.kernel.stop()
        else:
            state["task"].cancel()

    def on_resp(ev: Event) -> None:
        (i,) = ev.arg1.callback_args
        out.answers[i].append((ev.arg1.varlist, ev.arg1.error))
        if not ev.session.alive:
            out.problems.append(f"request {i} answered after its requester stopped")

    Session.create(kernel, inline_states={"_start": start, "cut": cut, "on_resp": on_resp})
    task = state["task"] = asyncio.ensure_future(kernel.run_async())
    done, _ = await asyncio.wait([task], timeout=budget(sc))
    if not done:
        out.problems.append("run_async() did not return")
        task.cancel()
    elif sc.driver == "cancel-run" and not task.cancelled():
        out.problems.append("run_async() was not cancelled")
    elif sc.driver == "stop" and (task.cancelled() or task.exception() is not None):
        out.problems.append(f"run_async() failed: {task}")
    answered = sum(len(v) for v in out.answers.values())
    for snmp in snmps:
        if snmp.pending:
            out.problems.append(f"{snmp.Alias} still has {snmp.pending} pending requests")
    await asyncio.sleep(0.05)  # nothing may come after run_async() returned
    if sum(len(v) for v in out.answers.values()) != answered:
        out.problems.append("callbacks after run_async() returned")
    state["ended"] = True
    if "ticker" in state:
        await state["ticker"]


SLOW_LOOKUP = 2.0  # seconds the resolver takes for a *.slow.test name
HOSTS = ["a.slow.test", "a.ok.test", "b.slow.test", "b.ok.test"]


async def drive_resolver(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    """:func:`drive_poe` with :data:`HOSTS` as the components' names, resolved by a
    replaced ``resolver.getaddrinfo``: requests to the slow names must time out after
    ``Timeout`` x (``Retries`` + 1) of their own, not after the lookup."""
    real = resolver.getaddrinfo
    port = proxy.port

    def lookup(host: str, *args: Any, **kwargs: Any) -> resolver.AddrInfo:
        if host.endswith(".slow.test"):
            time.sleep(SLOW_LOOKUP)
        elif host.endswith(".ok.test"):
            time.sleep(0.02)
        else:
            return real(host, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP, "", ("127.0.0.1", port))]

    resolver.getaddrinfo = lookup
    try:
        await drive_poe(sc, reqs, proxy, out, hosts=HOSTS[: sc.components])
    finally:
        resolver.getaddrinfo = real
    limit = sc.timeout * (sc.retries + 1)
    slow = {i for i in range(len(reqs)) if HOSTS[i % sc.components].endswith(".slow.test")}
    worst = 0.0
    for i in slow:
        answers = out.answers.get(i, [])
        if not answers:
            continue  # lost: counted
        error = answers[0][1]
        when = out.when.get(i, 0.0)
        worst = max(worst, when)
        if type(error).__name__ != "SNMPTimeoutError":
            out.problems.append(f"request {i} to a slow name: {error!r}, not a timeout")
        elif not limit - 0.02 <= when <= limit + 0.5:
            out.problems.append(f"request {i} to a slow name timed out after {when:.3f} s")
    fast = len(reqs) - len(slow)
    out.extra = (
        f"resolver: {len(HOSTS[: sc.components]) // 2} names {SLOW_LOOKUP:.0f} s, the others "
        f"20 ms; slow names' timeouts after ~{worst:.2f} s (worst)"
    )
    ok = sum(
        e is None for i in range(len(reqs)) if i not in slow for _, e in out.answers.get(i, [])
    )
    if ok != fast:
        out.problems.append(f"{ok} of the {fast} requests to resolvable names succeeded")


Driver = Callable[[Scenario, list[Req], FaultProxy, Outcome], Awaitable[None]]
DRIVERS: dict[str, Driver] = {
    "poe": drive_poe,
    "await": drive_await,
    "cancel": drive_cancel,
    "stop": drive_stop,
    "cancel-run": drive_stop,
    "resolver": drive_resolver,
}


def run_row(sc: Scenario, reqs: list[Req], agent_port: int) -> tuple[Outcome, list[str]]:
    """Run one row, the garbage collector paused (:func:`~tests.stall.paused_gc`), stalls
    measured by a :class:`LoopMeter` (the proxy's own work left out)."""
    out = Outcome()
    handler = _ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)

    async def main() -> None:
        seed = f"{SEED}|{sc.id}"
        drive = DRIVERS[sc.path if sc.driver == "matrix" else sc.driver]
        proxy = FaultProxy(
            agent_port, requests=sc.requests, replies=sc.replies, seed=seed, lifetime=60
        )
        out.meter = LoopMeter(proxy)
        async with proxy:
            await drive(sc, reqs, proxy, out)
        out.proxy = proxy.summary()

    try:
        with paused_gc():
            asyncio.run(main())
    finally:
        root.removeHandler(handler)
    out.logged = handler.counts
    return out, handler.texts


# ------------------------------------------------------------------ the table


@dataclass
class Row:
    sc: Scenario
    requests: int
    callbacks: int
    ok: int
    lost: int
    doubled: int
    wrong: int
    errors: Counter[str]
    transport: dict[str, int] | None
    proxy: str
    logged: Counter[str]
    stall: float = 0.0  # worst stall of the loop (s of its thread's CPU time)
    ticks: int = 0  # turns of the loop the stall meter saw
    problems: list[str] = field(default_factory=list)  # the driver's own expectations


def tally(sc: Scenario, reqs: list[Req], out: Outcome) -> Row:
    ok = wrong = 0
    errs: Counter[str] = Counter()
    for i, req in enumerate(reqs):
        for result, error in out.answers.get(i, []):
            if error is not None:
                errs[type(error).__name__] += 1
                continue
            got = [rows_of(vl) for vl in result] if req.cmd == "bulkwalk" else [rows_of(result)]
            if got == req.expect:
                ok += 1
            else:
                wrong += 1
    return Row(
        sc,
        len(reqs),
        sum(len(v) for v in out.answers.values()),
        ok,
        sum(1 for i in range(len(reqs)) if not out.answers.get(i)) + out.refused,
        sum(1 for v in out.answers.values() if len(v) > 1),
        wrong,
        errs,
        out.transport,
        _injected(out),
        out.logged,
        out.meter.worst,
        len(out.meter.gaps),
        out.problems,
    )


def _injected(out: Outcome) -> str:
    """The `injected` cell: the proxy's faults, the driver's note, the OS's drops."""
    drops = f"OS dropped ~{out.os_drops} (receive buffer full)" if out.os_drops else ""
    parts = (out.proxy if out.proxy != "-" else "", out.extra, drops)
    return "; ".join(p for p in parts if p) or "-"


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "-"


def render(rows: list[Row]) -> str:
    head = [
        "scenario", "ver", "path", "T/R/inflight", "requests", "callbacks", "ok", "lost",
        "doubled", "wrong", "errors", "stall", *COUNTERS, *COUNTERS_2, "logged errors",
        "injected",
    ]  # fmt: skip
    lines = [
        "| " + " | ".join(head) + " |",
        "|" + "|".join("---" if h in ("scenario", "errors", "injected") else "--:" for h in head)
        + "|",
    ]  # fmt: skip
    for r in rows:
        sc = r.sc
        t = r.transport
        counters = [
            ("~" if c in sc.volatile else "") + str(t[c]) if t else "-"
            for c in (*COUNTERS, *COUNTERS_2)
        ]
        limits = f"{sc.timeout * 1e3:.0f}ms/{sc.retries}/{sc.in_flight}"
        if sc.components > 1:
            limits += f" x{sc.components}"
        if sc.kernel_limit is not None:
            limits += f" k{sc.kernel_limit}"
        cells = [
            f"{sc.id}", "v2c" if sc.version == 2 else f"v3 authPriv {sc.engine}", sc.path,
            limits, str(r.requests), str(r.callbacks), str(r.ok), str(r.lost), str(r.doubled),
            str(r.wrong), _counts(r.errors), f"~{r.stall * 1e3:.1f}", *counters,
            _counts(r.logged), r.proxy,
        ]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    legend = []
    for sc in SCENARIOS:
        text = (
            f"* `{sc.id}` ({sc.title}): requests {sc.requests.describe()}; "
            f"replies {sc.replies.describe()}."
        )
        if sc.note:
            text += f" {sc.note[0].upper()}{sc.note[1:]}."
        legend.append(text)
    return HEADER.format(table="\n".join(lines), legend="\n".join(legend))


HEADER = """\
# Fault matrix

Generated by `python -m tests.faults --write` (or `scripts/faults.sh`): it runs every row
(`python -m pytest tests/faults`, which writes the table to the git-ignored `build/FAULTS.md`)
and, when that run passed, copies the table here if its content changed. A test run never
rewrites this file; a partial run (e.g. `-k v2c-dup`) writes no table at all. Do not edit by
hand.

Every row sends its requests from the component through a seeded UDP fault proxy
(`tests/faults/proxy.py`) to the real `snmpd` of the test session and counts what came back.
Requests are GETs of 1-3 objects of the system group, GETNEXTs and bulkwalks of sysORTable
(every tenth request), all distinct (except in `v2c-queue-burst`); the proxy's decisions are
keyed by request content and attempt, so a rerun gives the same table unless the machine is
so slow that an answer misses its Timeout.
The last rows drive the component through forged reply bursts, a queue of 10,000 requests,
cancelled awaitables, `kernel.stop()`, a cancelled `run_async()` and a hanging name resolver.
A row fails when `lost`, `doubled` or `wrong` is not 0, when `stall` is 20 ms or more, or
when a scenario's own expectation fails (`all ok`; every answer ok or one of the expected
errors, each seen; a transport counter that must move; what its legend below says).

* `path`: `poe` = `kernel.post(...)` with one callback per request (counted by its
  `callback_args` id); `await` = `await snmp.get(...)` and friends.
* `T/R/inflight`: `Timeout` per attempt, `Retries`, `MaxInFlight`; `xN`: N components, the
  requests round-robin; `kN`: kernel-wide limit (`SNMPComponent.set_kernel_limit`).
* `callbacks`: answers received; `ok`: successes with exactly the agent's values; `lost`: no
  answer; `doubled`: requests answered more than once (a second answer that the component
  itself catches and logs as a bug fails the row too); `wrong`: a success with wrong values.
* `errors`: failed answers by exception type; `Cancelled`: an awaitable that
  `asyncio.wait_for` cancelled.
* `stall`: the longest the event loop's thread worked between two turns of a ticker task
  (`tests/stall.py`: its CPU time, so a busy machine does not count; the garbage collector
  paused; what the proxy's callbacks on the same loop took is left out), in ms, over the
  whole row; it varies from run to run, hence `~`.
* `sent` ... `decode_errors`: counters of the kernel's shared UDP transport
  (`snmp_component.transport`: v1/v2c and the native SNMPv3 engine), read after the proxy
  went quiet, so late duplicates are included (the stop rows: just before the stop); `-`
  where the requests do not use it (`V3Engine='pysnmp'`). `~n`: depends on the order in
  which datagrams happen to arrive, or on the OS's receive buffer (a rerun that changes
  only these does not rewrite this file).
* `logged errors`: log records of level ERROR during the row, by logger.
* `injected`: what the proxy did (`req`/`rep` direction; drop, dup = extra copies, cut =
  truncated, late = delayed, held = reordered, junk = garbage datagrams, spoof = copies from
  another port, bad-id = copies or replies with another request-id, forged = forged replies
  from the target's own address and port), then what the row did (when it stopped the
  kernel, the resolver's delays) and the datagrams the OS dropped because the manager's
  socket buffer was full.

{table}

Scenarios (the faults per direction):

{legend}
"""

ROWS: dict[str, Row] = {}


@pytest.fixture(scope="module", autouse=True)
def faults_md() -> Iterator[None]:
    """After the rows: :func:`finish_matrix`."""
    yield
    finish_matrix()


def finish_matrix() -> bool:
    """Write ``build/FAULTS.md`` when every row ran (whether it passed or not); True if so."""
    if set(ROWS) != {sc.id for sc in SCENARIOS}:
        return False
    write_report(REPORT, render([ROWS[sc.id] for sc in SCENARIOS]))
    return True


def write_report(path: Path, text: str) -> None:
    """Write the table to ``path``, which must not be a file git tracks: a test run leaves
    the working tree as it found it (``python -m tests.faults --write`` updates the
    committed copy)."""
    if _tracked(path):
        raise RuntimeError(f"refusing to write {path}: git tracks it (test runs never do that)")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _tracked(path: Path) -> bool:
    """Whether git tracks ``path`` (False outside a git checkout or without git)."""
    try:
        done = subprocess.run(
            ["git", "ls-files", "--error-unmatch", "--", str(path)],
            cwd=ROOT, capture_output=True, check=False, timeout=30,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _stable(text: str) -> str:
    """``text`` without the values that may differ between runs (``~n`` cells)."""
    return re.sub(r"~\d+(\.\d+)?", "~", text)


# ------------------------------------------------------------------ the test


def check(row: Row, texts: list[str]) -> list[str]:
    sc = row.sc
    problems = [
        f"{name} = {n}" for name in ("lost", "doubled", "wrong") if (n := getattr(row, name))
    ]
    if sc.all_ok and row.ok != row.requests:
        problems.append(f"all ok expected, got ok = {row.ok}, errors {_counts(row.errors)}")
    problems += [
        f"transport counter {name} should be > 0: {row.transport}"
        for name in sc.positive
        if row.transport is None or row.transport[name] <= 0
    ]
    if sc.only:
        others = {k: v for k, v in row.errors.items() if k not in sc.only}
        missing = [k for k in sc.only if not row.errors[k]]
        if others or missing or not row.ok:
            problems.append(
                f"expected ok and {', '.join(sc.only)} (each at least once), got ok = "
                f"{row.ok}, errors {_counts(row.errors)}"
            )
    if any("second answer" in t for t in texts):
        problems.append(f"the component dropped a second answer: {texts}")
    if row.ticks < 2:
        problems.append("the stall meter's ticker never ran")
    elif row.stall >= STALL_BOUND:
        problems.append(
            f"the loop stalled {row.stall * 1e3:.1f} ms (bound {STALL_BOUND * 1e3:.0f})"
        )
    problems += row.problems
    return problems


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_fault_row(sc: Scenario, truth: list[Row3], snmpd: SnmpdAgent) -> None:
    reqs = make_requests(sc, truth)
    out, texts = run_row(sc, reqs, snmpd.port)
    row = ROWS[sc.id] = tally(sc, reqs, out)
    problems = check(row, texts)
    assert not problems, f"{sc.id}: " + "; ".join(problems)
