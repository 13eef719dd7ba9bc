"""GET a few scalars, POE style.

python examples/get.py [host[:port]] [community]

Without a host it asks the demo agent at 127.0.0.1:1161: start it first with
``python -m snmp_component agent``. A failure is one line and exit status 1.
"""

from __future__ import annotations

import sys

from snmp_component import Event, Kernel, Session, SNMPComponent, errors

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens


def start(ev: Event) -> None:
    ev.kernel.post("agent", "get", "on_resp", ["sysDescr", 0], "sysUpTime.0", ".1.3.6.1.2.1.1.5.0")


def on_resp(ev: Event) -> None:
    (session, alias, host, cmd, *_args), (varlist, *_cb) = ev.arg0, ev.arg1
    if varlist is None:
        hint = ""
        if isinstance(ev.arg1.error, errors.SNMPTimeoutError):
            hint = " -- no agent there? (python -m snmp_component agent)"
        print(
            f"{host}: {cmd} failed: {ev.arg1.error} (ErrorNum {session.ErrorNum}){hint}",
            file=sys.stderr,
        )
        ev.heap["failed"] = True
    else:
        for vb in varlist:
            print(f"{vb.name} = {vb.type}: {vb.val}")
    ev.kernel.post(alias, "finish")


def main() -> int:
    host = sys.argv[1] if len(sys.argv) > 1 else DEMO_AGENT
    community = sys.argv[2] if len(sys.argv) > 2 else "public"
    kernel = Kernel()
    try:
        SNMPComponent.create(
            kernel, Alias="agent", DestHost=host, Community=community, Version="2c",
            Timeout=1_000_000, Retries=1,
        )  # fmt: skip
    except errors.ConfigurationError as exc:  # e.g. a malformed host
        print(f"{host}: {exc}", file=sys.stderr)
        return 1
    heap = {"failed": False}
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp}, heap=heap)
    kernel.run()
    return 1 if heap["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
