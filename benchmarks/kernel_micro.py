"""The kernel alone: CPU per event on the paths an SNMP request takes through it.

    python benchmarks/kernel_micro.py [--events 200000] [--repeat 5]

Rows (best of ``--repeat`` runs, process CPU time, microseconds per event):

* ``post ping-pong``: two sessions post an event to each other (``post`` + FIFO drain
  + dispatch + the activity bookkeeping of sender and receiver);
* ``call_as``: an I/O callback answering a session at once (a component's reply);
* ``refcount pair``: ``refcount_increment`` + ``refcount_decrement`` (one per request);
* ``timer set+remove``: ``delay_set`` + ``alarm_remove``.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable

from snmp_component.kernel import Event, Kernel, Session


def ping_pong(events: int) -> float:
    kernel = Kernel()
    left = [events]

    def ping(ev: Event) -> None:
        left[0] -= 1
        if left[0] > 0:
            ev.kernel.post(ev.heap["peer"], "ping")

    a = Session.create(kernel, {"ping": ping})
    b = Session.create(kernel, {"ping": ping})
    a.heap["peer"], b.heap["peer"] = b, a

    async def main() -> float:
        runner = asyncio.ensure_future(kernel.run_async())
        await asyncio.sleep(0)
        start = time.process_time()
        kernel.post_as(a, b, "ping")
        await runner
        return time.process_time() - start

    return asyncio.run(main())


def call_as(events: int) -> float:
    kernel = Kernel()
    got = [0]

    def answer(ev: Event) -> None:
        got[0] += 1

    component = Session.create(kernel, {"x": answer})
    client = Session.create(kernel, {"answer": answer})
    start = time.process_time()
    for _ in range(events):
        kernel.call_as(component, client, "answer", 1)
    return time.process_time() - start


def refcounts(events: int) -> float:
    kernel = Kernel()
    session = Session.create(kernel, {"x": print})
    inc, dec = kernel.refcount_increment, kernel.refcount_decrement
    start = time.process_time()
    for _ in range(events):
        inc(session, "pending")
        dec(session, "pending")
    return time.process_time() - start


def timers(events: int) -> float:
    kernel = Kernel()
    spent = [0.0]

    def start_(ev: Event) -> None:
        begin = time.process_time()
        for _ in range(events):
            ev.kernel.alarm_remove(ev.kernel.delay_set("tick", 10.0))
        spent[0] = time.process_time() - begin

    Session.create(kernel, {"_start": start_, "tick": print})
    return spent[0]


ROWS: list[tuple[str, Callable[[int], float]]] = [
    ("post ping-pong", ping_pong),
    ("call_as", call_as),
    ("refcount pair", refcounts),
    ("timer set+remove", timers),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'path':<18} {'us/event':>9}   (best of {args.repeat}, {args.events} events)")
    for name, fn in ROWS:
        best = min(fn(args.events) for _ in range(args.repeat))
        print(f"{name:<18} {1e6 * best / args.events:>9.3f}")


if __name__ == "__main__":
    main()
