"""SNMPv3 authPriv (SHA + AES) GET; engine discovery never blocks the loop.

python examples/v3_authpriv.py [host[:port] user authpass privpass]

The demo agent (``python -m snmp_component agent``) speaks SNMPv1/v2c only, so without a
host this example starts a throw-away net-snmp ``snmpd`` on a free loopback port, with its
SNMPv3 users (:class:`snmp_component.testing.SnmpdAgent`: user ``privAESUser``, SHA/AES),
and stops it at the end. That needs net-snmp's agent installed (Debian: ``apt-get install
snmpd``; it is not started as a service); without it the example says so in one line and
exits with status 1, as it does on any failure.
"""

from __future__ import annotations

import sys

from snmp_component import Event, Kernel, Session, SNMPComponent, errors
from snmp_component.testing import SnmpdAgent


def start(ev: Event) -> None:
    ev.kernel.post("agent", "get", "on_resp", "sysName.0", "sysUpTime.0")


def on_resp(ev: Event) -> None:
    response = ev.arg1
    if response.error is not None:
        hint = ""
        if isinstance(response.error, errors.SNMPTimeoutError):
            hint = " -- no SNMPv3 agent there? (the demo agent speaks v1/v2c only)"
        print(f"{ev.arg0.host}: {type(response.error).__name__}: {response.error}{hint}",
              file=sys.stderr)  # fmt: skip
        ev.heap["failed"] = True
    else:
        for vb in response.varlist:
            print(f"{vb.name} = {vb.type}: {vb.val}")
    ev.kernel.post("agent", "finish")


def get(host: str, user: str, auth_pass: str, priv_pass: str) -> int:
    kernel = Kernel()
    SNMPComponent.create(
        kernel, Alias="agent", DestHost=host, Version=3, SecName=user, SecLevel="authPriv",
        AuthProto="SHA", AuthPass=auth_pass, PrivProto="AES", PrivPass=priv_pass,
        Timeout=1_000_000, Retries=1,
    )  # fmt: skip
    heap = {"failed": False}
    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp}, heap=heap)
    kernel.run()
    return 1 if heap["failed"] else 0


def main(argv: list[str]) -> int:
    if argv and len(argv) != 4:
        print("usage: v3_authpriv.py [host[:port] user authpass privpass]", file=sys.stderr)
        return 1
    if argv:
        try:
            return get(*argv)
        except errors.ConfigurationError as exc:  # e.g. a pass phrase under 8 characters
            print(f"{argv[0]}: {exc}", file=sys.stderr)
            return 1
    agent = SnmpdAgent()  # a throw-away snmpd with the test users, on a free port
    try:
        agent.start()
    except RuntimeError as exc:  # snmpd missing, or it did not start
        print(f"no host given and no snmpd to start: {str(exc).splitlines()[0]}",
              file=sys.stderr)  # fmt: skip
        return 1
    try:
        print(f"started a throw-away snmpd on 127.0.0.1:{agent.port} (user privAESUser)")
        return get(f"127.0.0.1:{agent.port}", "privAESUser", "authpass123", "privpass123")
    finally:
        agent.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
