"""Walk a table with bulkwalk and print it by rows (the interfaces table).

python examples/bulkwalk_table.py [host[:port]] [community]

Without a host it asks the demo agent at 127.0.0.1:1161: start it first with
``python -m snmp_component agent``. A failure is one line and exit status 1.
"""

from __future__ import annotations

import sys

from snmp_component import Event, Kernel, Session, SNMPComponent, errors

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens
COLUMNS = {  # IF-MIB ifTable columns, numerically (works without IF-MIB loaded)
    "ifIndex": ".1.3.6.1.2.1.2.2.1.1",
    "ifDescr": ".1.3.6.1.2.1.2.2.1.2",
    "ifMtu": ".1.3.6.1.2.1.2.2.1.4",
    "ifInOctets": ".1.3.6.1.2.1.2.2.1.10",
    "ifOutOctets": ".1.3.6.1.2.1.2.2.1.16",
}


def start(ev: Event) -> None:
    # ifNumber (a non-repeater) first, then one subtree per column.
    ev.kernel.post("agent", "bulkwalk", "on_table", 1, 25, ".1.3.6.1.2.1.2.1", *COLUMNS.values())


def on_table(ev: Event) -> None:
    request, response = ev.arg0, ev.arg1
    if response.error is not None:
        hint = ""
        if isinstance(response.error, errors.SNMPTimeoutError):
            hint = " -- no agent there? (python -m snmp_component agent)"
        print(f"{request.host}: {response.error}{hint}", file=sys.stderr)
        ev.heap["failed"] = True
    else:
        if_number, *columns = response.varlist
        print(f"ifNumber = {if_number[0].val}")
        print("  ".join(f"{name:>12}" for name in COLUMNS))
        for row in zip(*columns, strict=True):
            print("  ".join(f"{vb.val!s:>12}" for vb in row))
    ev.kernel.post("agent", "finish")


def main() -> int:
    host = sys.argv[1] if len(sys.argv) > 1 else DEMO_AGENT
    community = sys.argv[2] if len(sys.argv) > 2 else "public"
    kernel = Kernel()
    try:
        SNMPComponent.create(kernel, Alias="agent", DestHost=host, Community=community,
                             Version=2, Timeout=1_000_000, Retries=1)  # fmt: skip
    except errors.ConfigurationError as exc:  # e.g. a malformed host
        print(f"{host}: {exc}", file=sys.stderr)
        return 1
    heap = {"failed": False}
    Session.create(kernel, inline_states={"_start": start, "on_table": on_table}, heap=heap)
    kernel.run()
    return 1 if heap["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
