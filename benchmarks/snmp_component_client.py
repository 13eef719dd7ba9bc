"""snmp_component as a client of the peer benchmark kit (``../shared/bench``).

Two clients, chosen by the environment variable ``SNMPC_API`` (``SNMPC_UVLOOP=1`` runs
either on uvloop, the ``fast`` extra):

* ``post`` (default): the POE path. One component, a requester session that keeps
  ``conc`` requests in flight with ``kernel.post`` and re-posts from each callback.
* ``await``: the awaitable path. ``conc`` asyncio workers doing ``await snmp.get(...)``.

Workloads follow the kit (``common.py``): w1c100/w1c1 (v2c GET sysUpTime.0), w2 (GETBULK
walk, max-repetitions 25), w3 (500 targets, one 4-varbind GET each, all at once),
w4c100/w4c1 (SNMPv3 authPriv SHA/AES GET). Run standalone
(``python benchmarks/snmp_component_client.py --quick``) or through ``benchmarks/run.py``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

KIT = Path(os.environ.get("BENCH_KIT", Path(__file__).resolve().parents[2] / "shared" / "bench"))
sys.path.insert(0, str(KIT))
import common  # noqa: E402  (the peer kit)

from snmp_component import Event, Kernel, Session, SNMPComponent, SNMPSession, names  # noqa: E402

API = os.environ.get("SNMPC_API", "post")
UVLOOP = os.environ.get("SNMPC_UVLOOP") == "1"  # the 'fast' extra's event loop
CLIENT = f"snmp_component-{API}" + ("-uvloop" if UVLOOP else "")
if UVLOOP:
    import uvloop

    uvloop.install()
UPTIME = "." + common.UPTIME
WALK_ROOT = ".1.3"  # the agent has nothing outside 1.3 (as the aiosnmp client walks)


def _options(addr: tuple[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "DestHost": addr[0],
        "RemotePort": addr[1],
        "Version": 2,
        "Community": common.COMMUNITY,
        "Timeout": int(common.TIMEOUT * 1e6),
        "Retries": common.RETRIES,
        **extra,
    }


def _v3_options(conc: int) -> dict[str, Any]:
    return _options(
        common.AGENT,
        Version=3,
        SecName=common.V3_USER,
        SecLevel="authPriv",
        AuthProto="SHA",
        AuthPass=common.V3_AUTH,
        PrivProto="AES",
        PrivPass=common.V3_PRIV,
        MaxInFlight=conc,
    )


def _gets(options: dict[str, Any], n: int, conc: int, oids: list[str]) -> dict[str, Any]:
    """``n`` GETs of ``oids`` with ``conc`` in flight, by API; a kit result dict."""
    if API == "await":
        return asyncio.run(_gets_await(options, n, conc, oids))
    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="bench", **dict(options, MaxInFlight=conc))
    state = {"sent": 0, "ok": 0, "err": 0, "warm": False}
    lat: list[float] = []
    perf = time.perf_counter

    def send(ev: Event) -> None:
        state["sent"] += 1
        ev.kernel.post("bench", "get", "on_resp", oids, callback_args=[perf()])

    def start(ev: Event) -> None:
        ev.kernel.post("bench", "get", "warm", oids)  # engine discovery, MIB index: not timed

    def warm(ev: Event) -> None:
        ev.heap["meter"] = meter.__enter__()
        for _ in range(min(conc, n)):
            send(ev)

    def on_resp(ev: Event) -> None:
        varlist, t0 = ev.arg1
        lat.append(perf() - t0)
        if varlist is None:
            state["err"] += 1
        else:
            state["ok"] += 1
        if state["sent"] < n:
            send(ev)
        elif state["ok"] + state["err"] == n:
            meter.__exit__(None, None, None)
            ev.kernel.post("bench", "finish")

    meter = common.Meter()
    Session.create(kernel, inline_states={"_start": start, "warm": warm, "on_resp": on_resp})
    kernel.run()
    p50, p99 = common.percentiles(lat)
    return meter.result(ok=state["ok"], errors=state["err"], varbinds=state["ok"] * len(oids),
                        lat_p50_us=p50, lat_p99_us=p99)  # fmt: skip


async def _gets_await(
    options: dict[str, Any], n: int, conc: int, oids: list[str]
) -> dict[str, Any]:
    snmp = SNMPComponent.create(Kernel(), **dict(options, MaxInFlight=conc))
    await snmp.get(*oids)  # warm-up: engine discovery, MIB index
    ok = err = issued = 0
    lat: list[float] = []
    perf = time.perf_counter

    async def worker() -> None:
        nonlocal ok, err, issued
        while issued < n:
            issued += 1
            t0 = perf()
            try:
                await snmp.get(*oids)
                ok += 1
            except Exception:
                err += 1
            lat.append(perf() - t0)

    with common.Meter() as meter:
        await asyncio.gather(*(worker() for _ in range(min(conc, n))))
    snmp.finish()
    p50, p99 = common.percentiles(lat)
    return meter.result(ok=ok, errors=err, varbinds=ok * len(oids), lat_p50_us=p50, lat_p99_us=p99)


def w1(n: int, conc: int) -> dict[str, Any]:
    return _gets(_options(common.AGENT), n, conc, [UPTIME])


def w4(n: int, conc: int) -> dict[str, Any]:
    return _gets(_v3_options(conc), n, conc, [UPTIME])


def w2(n: int, conc: int) -> dict[str, Any]:
    async def walk() -> dict[str, Any]:
        snmp = SNMPComponent.create(Kernel(), **_options(common.AGENT))
        await snmp.get(UPTIME)
        with common.Meter() as meter:
            (rows,) = await snmp.bulkwalk(0, common.MAX_REP, WALK_ROOT)
        snmp.finish()
        return meter.result(ok=1, errors=0, varbinds=len(rows), note="walk root .1.3")

    if API == "await":
        return asyncio.run(walk())
    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="bench", **_options(common.AGENT))
    meter = common.Meter()
    got: dict[str, int] = {}

    def start(ev: Event) -> None:
        ev.kernel.post("bench", "get", "warm", UPTIME)

    def warm(ev: Event) -> None:
        meter.__enter__()
        ev.kernel.post("bench", "bulkwalk", "done", 0, common.MAX_REP, WALK_ROOT)

    def done(ev: Event) -> None:
        meter.__exit__(None, None, None)
        got["rows"] = len(ev.arg1.varlist[0]) if ev.arg1.varlist else 0
        ev.kernel.post("bench", "finish")

    Session.create(kernel, inline_states={"_start": start, "warm": warm, "done": done})
    kernel.run()
    return meter.result(ok=int(got["rows"] > 0), errors=int(got["rows"] == 0),
                        varbinds=got["rows"], note="walk root .1.3")  # fmt: skip


def w3(n: int, conc: int) -> dict[str, Any]:
    targets = common.w3_targets()[:n]
    oids = ["." + oid for oid in common.W3_OIDS]
    names.mib_index()  # one-off process set-up (like the peers' engine set-up): not timed
    if API == "await":
        return asyncio.run(_w3_await(targets, oids))
    kernel = Kernel()
    meter = common.Meter()
    state = {"ok": 0, "err": 0}
    lat: list[float] = []
    perf = time.perf_counter

    def start(ev: Event) -> None:
        meter.__enter__()
        for i, addr in enumerate(targets):
            SNMPComponent.create(ev.kernel, Alias=f"t{i}", **_options(addr))
            ev.kernel.post(f"t{i}", "get", "on_resp", oids, callback_args=[perf()])

    def on_resp(ev: Event) -> None:
        varlist, t0 = ev.arg1
        lat.append(perf() - t0)
        state["ok" if varlist is not None and len(varlist) == 4 else "err"] += 1
        ev.kernel.post(ev.arg0.alias, "finish")
        if state["ok"] + state["err"] == len(targets):
            meter.__exit__(None, None, None)

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    kernel.run()
    p50, p99 = common.percentiles(lat)
    return meter.result(ok=state["ok"], errors=state["err"], varbinds=state["ok"] * 4,
                        lat_p50_us=p50, lat_p99_us=p99)  # fmt: skip


async def _w3_await(targets: list[tuple[str, int]], oids: list[str]) -> dict[str, Any]:
    kernel = Kernel()
    lat: list[float] = []

    async def one(i: int, addr: tuple[str, int]) -> int:
        t0 = time.perf_counter()
        snmp: SNMPSession = SNMPComponent.create(kernel, Alias=f"t{i}", **_options(addr))
        try:
            return len(await snmp.get(*oids))
        except Exception:
            return 0
        finally:
            lat.append(time.perf_counter() - t0)
            snmp.finish()

    with common.Meter() as meter:
        got = await asyncio.gather(*(one(i, a) for i, a in enumerate(targets)))
    ok = sum(1 for g in got if g == 4)
    p50, p99 = common.percentiles(lat)
    return meter.result(ok=ok, errors=len(targets) - ok, varbinds=ok * 4,
                        lat_p50_us=p50, lat_p99_us=p99)  # fmt: skip


if __name__ == "__main__":
    common.main(
        CLIENT,
        {"w1c100": w1, "w1c1": w1, "w2": w2, "w3": w3, "w4c100": w4, "w4c1": w4},
    )
