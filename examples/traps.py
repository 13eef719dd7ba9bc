"""Receive traps and informs in a POE session, and send them with TrapSender.

python examples/traps.py

A listener on a free loopback port takes v2c traps and informs (community ``public``) and
SNMPv3 informs from user ``alice`` (SHA/AES): for informs it is the authoritative engine,
so the sender discovers its engine ID and clock by itself. A second session sends one of
each and the subscriber prints what arrives; no agent and no root needed (port 162 needs
root: pass ``LocalPort=162`` and ``LocalAddr="0.0.0.0"`` for a real trap receiver).
"""

from __future__ import annotations

from snmp_component import Event, Kernel, Session
from snmp_component.traps import SNMPTrapListener, TrapSender

ALICE = {"SecName": "alice", "AuthProto": "SHA", "AuthPass": "alicepass1",
         "PrivProto": "AES", "PrivPass": "alicepass2"}  # fmt: skip
LINK_UP = "linkUp"  # IF-MIB's notification, resolved by name


def main() -> None:
    kernel = Kernel()
    listener = SNMPTrapListener.create(kernel, Alias="traps", Communities=["public"],
                                       Users=[ALICE])  # fmt: skip
    expected = 3

    def start(ev: Event) -> None:
        ev.kernel.post("traps", "subscribe", "on_trap")
        ev.kernel.yield_("send")

    async def send(ev: Event) -> None:  # a coroutine handler runs as a task
        where = {"DestHost": "127.0.0.1", "RemotePort": listener.port}
        async with TrapSender(ev.kernel, Version="2c", **where) as v2c:
            await v2c.send_trap(LINK_UP, [["ifIndex", 2, 2, "INTEGER"]])
            await v2c.inform(LINK_UP, [["ifIndex", 3, 3, "INTEGER"]])  # acknowledged
        async with TrapSender(ev.kernel, Version=3, SecLevel="authPriv", **ALICE,
                              **where) as v3:  # fmt: skip
            await v3.inform(LINK_UP, [["ifIndex", 4, 4, "INTEGER"]])

    def on_trap(ev: Event) -> None:
        nonlocal expected
        (host, _port), version, varlist, info = ev.arg0, ev.arg1, ev.arg2, ev.arg3
        trap_oid = varlist[1].val
        rest = ", ".join(f"{vb.tag}.{vb.iid}={vb.val}" for vb in varlist[2:])
        print(f"{info.pdu} v{version} from {host}: {trap_oid} {rest}")
        expected -= 1
        if expected == 0:
            ev.kernel.post("traps", "finish")
            print(f"listener stats: {listener.stats}")

    Session.create(kernel, inline_states={"_start": start, "send": send, "on_trap": on_trap})
    kernel.run()


if __name__ == "__main__":
    main()
