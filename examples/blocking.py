"""The blocking API: plain calls from scripts and threads, no event loop of your own.

python examples/blocking.py [host[:port]] [community]

Without a host it asks the demo agent at 127.0.0.1:1161: start it first with
``python -m snmp_component agent``. A failure is one line and exit status 1.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

from snmp_component import errors
from snmp_component.blocking import Session

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens


def main(host: str, community: str) -> None:
    with Session(DestHost=host, Community=community, Version=2, Timeout=1_000_000,
                 Retries=1) as snmp:  # fmt: skip
        for vb in snmp.get("sysName.0", "sysUpTime.0"):
            print(f"{vb.name} = {vb.type}: {vb.val}")
        (system,) = snmp.bulkwalk(0, 10, "system")
        print(f"system subtree: {len(system)} varbinds")
        for index, row in snmp.table("ifTable", ["ifDescr", "ifMtu"]).items():
            print(f"interface {index}: {row['ifDescr']} mtu {row.get('ifMtu')}")

        # Threads may share a session: up to its MaxInFlight requests are on the wire at once.
        oids = ["sysName.0", "sysLocation.0", "sysContact.0", "sysObjectID.0"]
        with ThreadPoolExecutor(4) as pool:
            for oid, vb in zip(oids, pool.map(lambda oid: snmp.get(oid)[0], oids), strict=True):
                print(f"thread got {oid}: {vb.val}")

        try:  # errors are the awaitable API's exceptions
            snmp.set(["sysContact", 0, "me@example.invalid", "OCTETSTR"])
        except errors.ErrorStatusError as exc:
            print(f"set refused: {type(exc).__name__} (ErrorNum {exc.error_num})")


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else DEMO_AGENT
    try:
        main(target, sys.argv[2] if len(sys.argv) > 2 else "public")
    except errors.SNMPTimeoutError:
        sys.exit(f"{target}: Timeout -- no agent there? (python -m snmp_component agent)")
    except errors.SNMPError as exc:  # every failure of the library is one of these
        sys.exit(f"{target}: {type(exc).__name__}: {exc}")
