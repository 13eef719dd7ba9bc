"""Poll many targets at once: one component per target, one callback per request.

Each argument is a target ``host[:port]``; a target that does not answer times out
without delaying the others. Without targets it asks the demo agent at 127.0.0.1:1161
(start it first with ``python -m snmp_component agent``). The exit status is 1 when a
target failed.

    python examples/many_hosts.py 127.0.0.1:1161 192.0.2.1 ...
"""

from __future__ import annotations

import sys
import time

from snmp_component import Event, Kernel, Session, SNMPComponent, errors

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens


def start(ev: Event) -> None:
    ev.heap["t0"] = time.monotonic()
    for alias in ev.heap["aliases"]:
        ev.kernel.post(alias, "get", "on_resp", "sysName.0", "sysUpTime.0", callback_args=[alias])


def on_resp(ev: Event) -> None:
    request, response = ev.arg0, ev.arg1
    (alias,) = response.callback_args
    elapsed = time.monotonic() - ev.heap["t0"]
    if response.error is None:
        name, uptime = (vb.val for vb in response.varlist)
        print(
            f"{alias:<8} {request.host:<22} {name!s:<16} up {uptime / 100:.0f} s  ({elapsed:.3f} s)"
        )
    else:
        print(f"{alias:<8} {request.host:<22} {type(response.error).__name__}  ({elapsed:.3f} s)")
        ev.heap["failed"] += 1
    ev.kernel.post(alias, "finish")


def main() -> int:
    targets = sys.argv[1:] or [DEMO_AGENT]
    kernel = Kernel()
    aliases = []
    for n, target in enumerate(targets):
        alias = f"t{n}"
        try:
            SNMPComponent.create(
                kernel, Alias=alias, DestHost=target, Version="2c", Timeout=500_000, Retries=1
            )
        except errors.ConfigurationError as exc:  # e.g. a malformed host: skip it
            print(f"{alias:<8} {target:<22} {exc}")
            continue
        aliases.append(alias)
    heap = {"aliases": aliases, "failed": len(targets) - len(aliases)}
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp}, heap=heap)
    kernel.run()
    return 1 if heap["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
