"""The awaitable form: the same component, used with await instead of callbacks.

python examples/awaitable.py [host[:port]]

Without a host it asks the demo agent at 127.0.0.1:1161: start it first with
``python -m snmp_component agent``. A failure is one line and exit status 1.
"""

from __future__ import annotations

import asyncio
import sys

from snmp_component import Kernel, SNMPComponent, errors

DEMO_AGENT = "127.0.0.1:1161"  # where `python -m snmp_component agent` listens


async def main(host: str) -> None:
    snmp = SNMPComponent.create(Kernel(), DestHost=host, Version=2, Timeout=1_000_000, Retries=1)
    try:
        for vb in await snmp.get("sysName.0", "sysLocation.0"):
            print(f"{vb.name} = {vb.val}")
        (system,) = await snmp.bulkwalk(0, 10, "system")
        print(f"system subtree: {len(system)} varbinds")
        try:
            await snmp.set(["sysContact", 0, "me@example.invalid", "OCTETSTR"])
        except errors.ErrorStatusError as exc:
            print(f"set refused: {type(exc).__name__} (ErrorNum {exc.error_num})")
    finally:
        snmp.finish()


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else DEMO_AGENT
    try:
        asyncio.run(main(target))
    except errors.SNMPTimeoutError:
        sys.exit(f"{target}: Timeout -- no agent there? (python -m snmp_component agent)")
    except errors.SNMPError as exc:  # every failure of the library is one of these
        sys.exit(f"{target}: {type(exc).__name__}: {exc}")
