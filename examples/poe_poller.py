"""A POE-style poller: polls sysUpTime every few seconds with kernel.delay, N rounds.

python examples/poe_poller.py [host[:port]] [--interval 2] [--rounds 3]
"""

from __future__ import annotations

import argparse

from snmp_component import Event, Kernel, Session, SNMPComponent


def start(ev: Event) -> None:
    ev.heap["round"] = 0
    ev.kernel.yield_("tick")


def tick(ev: Event) -> None:
    ev.heap["round"] += 1
    ev.kernel.post("agent", "get", "on_uptime", "sysUpTime.0", callback_args=[ev.heap["round"]])
    if ev.heap["round"] < ev.heap["rounds"]:
        ev.kernel.delay("tick", ev.heap["interval"])  # the pending timer keeps us alive
    else:
        ev.kernel.post("agent", "finish")  # answers what is pending, then goes away


def on_uptime(ev: Event) -> None:
    varlist, poll_round = ev.arg1
    if varlist is None:
        print(f"round {poll_round}: {ev.arg1.error}")
    else:
        print(f"round {poll_round}: sysUpTime = {varlist[0].val} ticks")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host", nargs="?", default="127.0.0.1")
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="agent", DestHost=args.host, Version=2, Retries=1)
    Session.create(
        kernel,
        inline_states={"_start": start, "tick": tick, "on_uptime": on_uptime},
        heap={"interval": args.interval, "rounds": args.rounds},
    )
    kernel.run()


if __name__ == "__main__":
    main()
