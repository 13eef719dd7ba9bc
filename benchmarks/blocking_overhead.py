"""Where a blocking request's time goes: the hand-over against the awaitable path.

    taskset -c 0 python benchmarks/blocking_overhead.py [--n 3000] [--reps 9] [--pin-agent 0]

Starts the package's test agent (``snmp_component.testing.SnmpdAgent``; ``--pin-agent``
moves it to that CPU, like the kit's "shared" placement when the script runs under
``taskset`` on the same one) and measures, interleaved, medians over the repetitions:

* ``blocking``: ``Session.get()`` of sysUpTime.0 from the main thread, 1 in flight;
* ``await on the loop``: the same component's awaitable ``get()`` in a coroutine on the
  blocking API's own loop thread (the request path without the thread hand-over);
* ``bare hand-over``: the blocking API's hand-over to that loop (its inbox and eventfd,
  ``_Runtime.submit``) and back through an eventfd, with no request at all.

Per request: wall time, CPU time of the calling thread and of the loop thread
(``time.thread_time``, exact per thread whatever else the machine runs), and the context
switches of the process (``/proc/self/task/*/status``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time
from collections.abc import Callable

from snmp_component.blocking import Session
from snmp_component.testing import SnmpdAgent

UPTIME = ".1.3.6.1.2.1.1.3.0"


def switches() -> int:
    """Voluntary + involuntary context switches of every thread of this process so far."""
    total = 0
    for tid in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{tid}/status") as status:
            total += sum(int(line.split(":")[1]) for line in status if "ctxt_switches" in line)
    return total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000, help="requests per measurement")
    ap.add_argument("--reps", type=int, default=9)
    ap.add_argument("--pin-agent", help="CPU list for the agent (taskset -p -c)")
    a = ap.parse_args()
    n = a.n
    with SnmpdAgent() as agent:
        if a.pin_agent is not None:
            cmd = ["taskset", "-p", "-c", a.pin_agent, str(agent.pid)]
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        s = Session(DestHost="127.0.0.1", RemotePort=agent.port, Version=2, Retries=0)
        s.get(UPTIME)
        loop = s._runtime.loop
        component = s.component

        def on_loop_cpu() -> float:
            async def now() -> float:
                return time.thread_time()

            return asyncio.run_coroutine_threadsafe(now(), loop).result()

        def blocking() -> None:
            get = s.get
            for _ in range(n):
                get(UPTIME)

        def awaited() -> None:
            async def many() -> None:
                for _ in range(n):
                    await component.get(UPTIME)

            asyncio.run_coroutine_threadsafe(many(), loop).result()

        fd = os.eventfd(0)
        submit = s._runtime.submit

        def bare() -> None:
            for _ in range(n):
                box: list[int] = []

                def answer(box: list[int] = box) -> None:
                    box.append(1)
                    os.eventfd_write(fd, 1)

                submit(answer)
                while not box:
                    os.eventfd_read(fd)

        cases: dict[str, Callable[[], None]] = {
            "blocking": blocking,
            "await on the loop": awaited,
            "bare hand-over": bare,
        }
        rows: dict[str, list[tuple[float, float, float, float]]] = {k: [] for k in cases}
        for _ in range(a.reps):
            for name, run in cases.items():
                loop0, me0, sw0, t0 = (
                    on_loop_cpu(),
                    time.thread_time(),
                    switches(),
                    time.perf_counter(),
                )
                run()
                wall = time.perf_counter() - t0
                sw, me, lp = switches() - sw0, time.thread_time() - me0, on_loop_cpu() - loop0
                caller = me if name != "await on the loop" else 0.0  # it only waits
                rows[name].append((wall / n * 1e6, caller / n * 1e6, lp / n * 1e6, sw / n))
        s.close()
        os.close(fd)
    print(f"{n} requests x {a.reps} reps, medians per request:")
    print(f"{'':18s} {'wall us':>8s} {'caller CPU us':>14s} {'loop CPU us':>12s} {'switches':>9s}")
    for name, values in rows.items():
        med = [statistics.median(v[i] for v in values) for i in range(4)]
        print(f"{name:18s} {med[0]:8.1f} {med[1]:14.1f} {med[2]:12.1f} {med[3]:9.2f}")


if __name__ == "__main__":
    main()
