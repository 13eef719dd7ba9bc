"""A POE-style poller: polls sysUpTime every few seconds with kernel.delay, N rounds.

python examples/poe_poller.py [host[:port]] [--interval 2] [--rounds 3]

Without a host it polls the demo agent at 127.0.0.1:1161: start it first with
``python -m snmp_component agent``. A round that fails ends the example with one line and
exit status 1 (a real poller would log it and poll again at the next round).
"""

from __future__ import annotations

import argparse
import sys

from snmp_component import Event, Kernel, Session, SNMPComponent, errors

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens


def start(ev: Event) -> None:
    ev.heap["round"] = 0
    ev.kernel.yield_("tick")


def tick(ev: Event) -> None:
    ev.heap["round"] += 1
    ev.kernel.post("agent", "get", "on_uptime", "sysUpTime.0", callback_args=[ev.heap["round"]])
    if ev.heap["round"] < ev.heap["rounds"]:
        ev.heap["timer"] = ev.kernel.delay_set("tick", ev.heap["interval"])  # keeps us alive
    else:
        ev.kernel.post("agent", "finish")  # answers what is pending, then goes away


def on_uptime(ev: Event) -> None:
    varlist, poll_round = ev.arg1
    if ev.heap["failed"]:
        return  # a round still in flight when an earlier one failed
    if varlist is None:
        hint = ""
        if isinstance(ev.arg1.error, errors.SNMPTimeoutError):
            hint = " -- no agent there? (python -m snmp_component agent)"
        print(f"{ev.arg0.host}: round {poll_round}: {ev.arg1.error}{hint}", file=sys.stderr)
        ev.heap["failed"] = True
        if ev.heap["round"] < ev.heap["rounds"]:  # else the last tick posted finish already
            ev.kernel.alarm_remove(ev.heap["timer"])  # no further rounds
            ev.kernel.post("agent", "finish")
    else:
        print(f"round {poll_round}: sysUpTime = {varlist[0].val} ticks")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host", nargs="?", default=DEMO_AGENT)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    kernel = Kernel()
    try:
        SNMPComponent.create(kernel, Alias="agent", DestHost=args.host, Version=2,
                             Timeout=500_000, Retries=1)  # fmt: skip
    except errors.ConfigurationError as exc:  # e.g. a malformed host
        print(f"{args.host}: {exc}", file=sys.stderr)
        return 1
    heap = {"interval": args.interval, "rounds": args.rounds, "failed": False}
    Session.create(
        kernel, inline_states={"_start": start, "tick": tick, "on_uptime": on_uptime}, heap=heap
    )
    kernel.run()
    return 1 if heap["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
