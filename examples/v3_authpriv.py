"""SNMPv3 authPriv (SHA + AES) GET; engine discovery never blocks the loop.

python examples/v3_authpriv.py host[:port] user authpass privpass
"""

from __future__ import annotations

import sys

from snmp_component import Event, Kernel, Session, SNMPComponent


def start(ev: Event) -> None:
    ev.kernel.post("agent", "get", "on_resp", "sysName.0", "sysUpTime.0")


def on_resp(ev: Event) -> None:
    response = ev.arg1
    if response.error is not None:
        print(f"failed: {type(response.error).__name__}: {response.error}")
    else:
        for vb in response.varlist:
            print(f"{vb.name} = {vb.type}: {vb.val}")
    ev.kernel.post("agent", "finish")


def main() -> None:
    host, user, auth_pass, priv_pass = (sys.argv[1:] + [""] * 4)[:4]
    kernel = Kernel()
    SNMPComponent.create(
        kernel, Alias="agent", DestHost=host or "127.0.0.1", Version=3,
        SecName=user or "privAESUser", SecLevel="authPriv",
        AuthProto="SHA", AuthPass=auth_pass or "authpass123",
        PrivProto="AES", PrivPass=priv_pass or "privpass123", Timeout=1_000_000, Retries=1,
    )  # fmt: skip
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    kernel.run()


if __name__ == "__main__":
    main()
