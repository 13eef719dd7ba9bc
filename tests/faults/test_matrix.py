"""The fault matrix: every request gets exactly one answer, and every answer that says
"success" carries the right values, whatever the network does to the datagrams.

Each row drives N requests (GETs of 1-3 objects, GETNEXTs, bulkwalks of sysORTable; all
distinct, so the proxy's seeded faults do not depend on timing) through
:class:`~tests.faults.proxy.FaultProxy` to the real agent, through the POE path (one
callback per request, counted by its ``callback_args`` id) or the awaitable path, and counts
lost (no answer), doubled (more than one), wrong values, errors by type, and the transport
counters. A row fails on any lost, doubled or wrong answer, or when a scenario-specific
expectation (e.g. "late replies are accepted") does not hold.

Running every row (``python -m pytest tests/faults``, or the whole suite) writes the table
to ``build/FAULTS.md`` (git-ignored); a partial run (``-k``) writes nothing. No test run
writes a tracked file: the committed ``tests/FAULTS.md`` is regenerated only by the explicit
``python -m tests.faults --write`` (or ``scripts/faults.sh``), see :mod:`tests.faults`.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import re
import socket
import subprocess
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, transport
from snmp_component.testing import V3_USERS, SnmpdAgent

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
    mix: str = "mixed"  # or "bulkwalk"
    all_ok: bool = False  # every request must succeed
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


@dataclass
class Outcome:
    answers: dict[int, list[tuple[Any, BaseException | None]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    transport: dict[str, int] | None = None
    proxy: str = "-"
    logged: Counter[str] = field(default_factory=Counter)
    refused: int = 0


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


def transport_stats(kernel: Kernel) -> dict[str, int] | None:
    """The counters of the kernel's shared v1/v2c transport (None: another socket)."""
    udp = transport._registry.get(kernel, {}).get(socket.AF_INET)
    return asdict(udp.stats) if udp is not None else None


def create_options(sc: Scenario, port: int) -> dict[str, Any]:
    options: dict[str, Any] = {
        "Alias": ALIAS,
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


def budget(sc: Scenario) -> float:
    """Seconds after which a request without an answer counts as lost (generous: a row
    normally takes well under 5 s)."""
    return 25.0


async def drive_poe(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **create_options(sc, proxy.port))
    state = {"deadline": 0, "over": False}

    def start(ev: Event) -> None:
        for i, req in enumerate(reqs):
            if not ev.kernel.post(ALIAS, req.cmd, "on_resp", *req.args, callback_args=[i]):
                out.refused += 1
        state["deadline"] = ev.kernel.delay_set("give_up", budget(sc))
        ev.kernel.delay("settle", 0.05)

    def on_resp(ev: Event) -> None:
        (i,) = ev.arg1.callback_args
        out.answers[i].append((ev.arg1.varlist, ev.arg1.error))

    def settle(ev: Event) -> None:
        if state["over"]:
            return
        if len(out.answers) < len(reqs) or not proxy.idle(0.15):
            ev.kernel.delay("settle", 0.02)
            return
        state["over"] = True
        out.transport = transport_stats(kernel)  # late datagrams have been counted
        ev.kernel.alarm_remove(state["deadline"])
        ev.kernel.post(ALIAS, "finish")

    def give_up(ev: Event) -> None:  # requests still without an answer are lost
        state["over"] = True
        out.transport = transport_stats(kernel)
        ev.kernel.post(ALIAS, "finish")

    Session.create(
        kernel,
        inline_states={"_start": start, "on_resp": on_resp, "settle": settle, "give_up": give_up},
    )
    try:
        await asyncio.wait_for(kernel.run_async(), budget(sc) + 5)
    except TimeoutError:
        pass  # lost callbacks kept the requester alive: counted below


async def drive_await(sc: Scenario, reqs: list[Req], proxy: FaultProxy, out: Outcome) -> None:
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **create_options(sc, proxy.port))

    async def one(i: int, req: Req) -> None:
        try:
            result = await getattr(snmp, req.cmd)(*req.args)
        except Exception as exc:  # SNMPError expected; anything else shows up as its type
            out.answers[i].append((None, exc))
        else:
            out.answers[i].append((result, None))

    tasks = [asyncio.create_task(one(i, req)) for i, req in enumerate(reqs)]
    _, pending = await asyncio.wait(tasks, timeout=budget(sc))
    for task in pending:
        task.cancel()
    await proxy.drain(0.15)
    out.transport = transport_stats(kernel)
    snmp.finish()
    await asyncio.sleep(0)


def run_row(sc: Scenario, reqs: list[Req], agent_port: int) -> tuple[Outcome, list[str]]:
    out = Outcome()
    handler = _ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)

    async def main() -> None:
        seed = f"{SEED}|{sc.id}"
        async with FaultProxy(
            agent_port, requests=sc.requests, replies=sc.replies, seed=seed, lifetime=60
        ) as proxy:
            drive = drive_poe if sc.path == "poe" else drive_await
            await drive(sc, reqs, proxy, out)
            out.proxy = proxy.summary()

    try:
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
        out.proxy,
        out.logged,
    )


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items())) or "-"


def render(rows: list[Row]) -> str:
    head = [
        "scenario", "ver", "path", "T/R/inflight", "requests", "callbacks", "ok", "lost",
        "doubled", "wrong", "errors", *COUNTERS, *COUNTERS_2, "logged errors", "injected",
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
        cells = [
            f"{sc.id}", "v2c" if sc.version == 2 else f"v3 authPriv {sc.engine}", sc.path,
            f"{sc.timeout * 1e3:.0f}ms/{sc.retries}/{sc.in_flight}", str(r.requests),
            str(r.callbacks), str(r.ok), str(r.lost), str(r.doubled), str(r.wrong),
            _counts(r.errors), *counters, _counts(r.logged), r.proxy,
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
(every tenth request), all distinct; the proxy's decisions are keyed by request content and
attempt, so a rerun gives the same table unless the machine is so slow that an answer misses
its Timeout. A row fails when `lost`, `doubled` or `wrong` is not 0, or when a scenario's own
expectation fails (`all ok`, or a transport counter that must move).

* `path`: `poe` = `kernel.post(...)` with one callback per request (counted by its
  `callback_args` id); `await` = `await snmp.get(...)` and friends.
* `T/R/inflight`: `Timeout` per attempt, `Retries`, `MaxInFlight`.
* `callbacks`: answers received; `ok`: successes with exactly the agent's values; `lost`: no
  answer; `doubled`: requests answered more than once (a second answer that the component
  itself catches and logs as a bug fails the row too); `wrong`: a success with wrong values.
* `errors`: failed answers by exception type.
* `sent` ... `decode_errors`: counters of the kernel's shared UDP transport
  (`snmp_component.transport`: v1/v2c and the native SNMPv3 engine), read after the proxy
  went quiet, so late duplicates are included; `-` where the requests do not use it
  (`V3Engine='pysnmp'`). `~n`: depends on the order in which datagrams happen to arrive (a
  rerun that changes only these does not rewrite this file).
* `logged errors`: log records of level ERROR during the row, by logger.
* `injected`: what the proxy did (`req`/`rep` direction; drop, dup = extra copies, cut =
  truncated, late = delayed, held = reordered, junk = garbage datagrams, spoof = copies from
  another port, bad-id = copies or replies with another request-id).

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
    return re.sub(r"~\d+", "~", text)


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
    if any("second answer" in t for t in texts):
        problems.append(f"the component dropped a second answer: {texts}")
    return problems


@pytest.mark.parametrize("sc", SCENARIOS, ids=[sc.id for sc in SCENARIOS])
def test_fault_row(sc: Scenario, truth: list[Row3], snmpd: SnmpdAgent) -> None:
    reqs = make_requests(sc, truth)
    out, texts = run_row(sc, reqs, snmpd.port)
    row = ROWS[sc.id] = tally(sc, reqs, out)
    problems = check(row, texts)
    assert not problems, f"{sc.id}: " + "; ".join(problems)
