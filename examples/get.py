"""GET a few scalars, POE style.

python examples/get.py [host[:port]] [community]
"""

from __future__ import annotations

import sys

from snmp_component import Event, Kernel, Session, SNMPComponent


def start(ev: Event) -> None:
    ev.kernel.post("agent", "get", "on_resp", ["sysDescr", 0], "sysUpTime.0", ".1.3.6.1.2.1.1.5.0")


def on_resp(ev: Event) -> None:
    (session, alias, host, cmd, *_args), (varlist, *_cb) = ev.arg0, ev.arg1
    if varlist is None:
        print(f"{host}: {cmd} failed: {ev.arg1.error} (ErrorNum {session.ErrorNum})")
    else:
        for vb in varlist:
            print(f"{vb.name} = {vb.type}: {vb.val}")
    ev.kernel.post(alias, "finish")


def main() -> None:
    host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
    community = sys.argv[2] if len(sys.argv) > 2 else "public"
    kernel = Kernel()
    SNMPComponent.create(
        kernel, Alias="agent", DestHost=host, Community=community, Version="2c",
        Timeout=1_000_000, Retries=1,
    )  # fmt: skip
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    kernel.run()


if __name__ == "__main__":
    main()
