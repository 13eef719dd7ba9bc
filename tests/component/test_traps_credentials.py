"""Trap sender and listener credentials and keywords, over loopback UDP.

The messages themselves are pinned socket-free in ``tests/core/test_credentials.py``; here:
a configuration error is a ``ConfigurationError`` from the constructor, before any socket
is bound or name resolved, never a ``TransportError``; keywords in any spelling reach the
wire; and what only a listener's ``Users`` entry accepts (bytes) works end to end.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session
from snmp_component.errors import ConfigurationError, TransportError
from snmp_component.traps import SNMPTrapListener, TrapInfo, TrapSender

ENGINE = "0x8000000001020304"
AUTH, PRIV = "authpass123", "privpass123"
TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"


def _taken_port() -> socket.socket:
    """A UDP socket bound to 127.0.0.1 on a free port: that port is in use while it lives."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@pytest.mark.parametrize(
    "bad",
    [{"Users": [{"SecName": "u", "AuthProto": "SHA"}]},
     {"Users": [{"SecName": "u", "EngineId": "0x0102"}]},
     {"LocalEngineId": b"\x01"}, {"EngineBoots": 0}, {"Bogus": 1}, {"UseNumeric": "maybe"}],
)  # fmt: skip
def test_listener_configuration_is_checked_before_the_socket(bad: dict[str, Any]) -> None:
    """With the port taken, a bad option is still a ConfigurationError: it is found first."""
    with _taken_port() as taken:
        port = taken.getsockname()[1]
        with pytest.raises(ConfigurationError):
            SNMPTrapListener.create(Kernel(), LocalPort=port, **bad)
        with pytest.raises(TransportError, match="cannot listen"):  # good options: the socket
            SNMPTrapListener.create(Kernel(), LocalPort=port)


@pytest.mark.usefixtures("slow_resolver")
def test_sender_configuration_is_checked_before_the_name_is_resolved() -> None:
    """Nothing of the configuration is left for the first send: a bad engine ID with a name
    that does not resolve is a ConfigurationError from the constructor (the name fails to
    resolve in 0.3 s, without DNS: ``slow_resolver``)."""
    with pytest.raises(ConfigurationError, match=r"^SecEngineId: an engine ID"):
        TrapSender(DestHost="agent.fail.test", Version=3, SecEngineId="0x0102")
    sender = TrapSender(DestHost="agent.fail.test", Version=3)

    async def main() -> None:
        with pytest.raises(TransportError, match="cannot resolve"):
            await sender.inform(TRAP_OID)

    asyncio.run(main())
    sender.close()


def _receive(listener_options: dict[str, Any], senders: list[dict[str, Any]]) -> list[Any]:
    """Start a listener, send one trap from a TrapSender made of each options dict, return
    the trap events' arguments."""
    kernel = Kernel()
    listener = SNMPTrapListener.create(kernel, alias="traps", **listener_options)
    received: list[tuple[Any, ...]] = []

    def start(ev: Event) -> None:
        ev.kernel.post("traps", "subscribe", "on_trap")
        ev.kernel.yield_("go")

    def on_trap(ev: Event) -> None:
        received.append(ev.args)

    async def go(ev: Event) -> None:
        for options in senders:
            async with TrapSender(kernel, dest_host="127.0.0.1", remote_port=listener.port,
                                  **options) as sender:  # fmt: skip
                await sender.send_trap(TRAP_OID, [["sysName", 0, "spelled", "OCTETSTR"]])
        for _ in range(200):
            if len(received) >= len(senders):
                break
            await asyncio.sleep(0.02)
        ev.kernel.post("traps", "finish")

    Session.create(kernel, inline_states={"_start": start, "on_trap": on_trap, "go": go})
    asyncio.run(asyncio.wait_for(kernel.run_async(), 30))
    assert listener.stats.unknown_user == listener.stats.auth_failures == 0, listener.stats
    return received


def test_keywords_in_any_spelling_and_bytes_users_end_to_end() -> None:
    """A v3 sender whose keywords are spelled as the user likes (the sender's own
    ``local_engine_id`` and ``engine_boots`` too) reaches a listener whose ``Users`` entry
    spells them otherwise and gives SecName and pass phrases as bytes."""
    user = {
        "sec_name": b"tuser",
        "AUTHPROTO": "sha",
        "auth-pass": AUTH.encode(),
        "priv_proto": "aes-128",
        "PrivPass": bytearray(PRIV.encode()),
        "engineid": ENGINE,
    }
    sender = {
        "version": 3,
        "secname": "tuser",
        "sec_level": "AUTHPRIV",
        "auth_proto": "SHA1",
        "AuthPass": AUTH,
        "privproto": "AES",
        "priv_pass": PRIV,
        "local_engine_id": ENGINE,
        "engine_boots": 5,
    }
    v2c = {"Version": "2c", "community": "spelled"}
    received = _receive({"users": user, "communities": ["spelled"], "use_numeric": "1"},
                        [sender, v2c])  # fmt: skip
    assert sorted(args[1] for args in received) == ["2c", "3"]
    for (host, _port), version, varlist, info in received:
        assert host == "127.0.0.1" and isinstance(info, TrapInfo)
        assert varlist[-1].val == "spelled"
        assert varlist[-1].tag == ".1.3.6.1.2.1.1.5"  # use_numeric="1"
        if version == "3":
            assert (info.user, info.engine_id) == (b"tuser", bytes.fromhex(ENGINE[2:]))
