"""LocalAddr / LocalPort: the address and port requests leave from (net-snmp's clientaddr).

The real snmpd of the test session admits the community ``fromtwo`` only from 127.0.0.2,
so it answers a component bound there and ignores one bound to 127.0.0.1. A plain UDP
socket standing in for an agent shows the source address and port of what arrives.
"""

from __future__ import annotations

import asyncio
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from snmp_component import Kernel, SNMPComponent, errors, transport
from snmp_component._core import ber
from snmp_component.cli import main as snmpc
from snmp_component.options import split_local
from snmp_component.testing import SnmpdAgent
from snmp_component.testing.snmpd import SOURCE_COMMUNITY
from snmp_component.traps import TrapSender

SYSNAME = "1.3.6.1.2.1.1.5.0"


def _free_port(family: int = socket.AF_INET, host: str = "127.0.0.1") -> int:
    with socket.socket(family, socket.SOCK_DGRAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


async def _get(**create: Any) -> Any:
    snmp = SNMPComponent.create(Kernel(), Version=2, Retries=0, Timeout=500_000, **create)
    try:
        return (await snmp.get(SYSNAME))[0].val
    except errors.SNMPError as exc:
        return exc
    finally:
        snmp.finish()


def test_the_agent_sees_the_source_address_it_admits(snmpd: SnmpdAgent) -> None:
    common = {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Community": SOURCE_COMMUNITY}
    assert asyncio.run(_get(LocalAddr="127.0.0.2", **common)) == "anchor-agent"
    assert isinstance(asyncio.run(_get(LocalAddr="127.0.0.1", **common)), errors.SNMPTimeoutError)
    assert isinstance(asyncio.run(_get(**common)), errors.SNMPTimeoutError)


class Listener:
    """A UDP socket standing in for an agent: records who sent what, answers nothing."""

    def __init__(self, family: int, host: str) -> None:
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.bind((host, 0))
        self.sock.settimeout(5)
        self.port: int = self.sock.getsockname()[1]

    def source(self) -> tuple[str, int]:
        _, addr = self.sock.recvfrom(65535)
        return addr[0], addr[1]


@pytest.fixture
def listener4() -> Iterator[Listener]:
    lis = Listener(socket.AF_INET, "127.0.0.1")
    yield lis
    lis.sock.close()


@pytest.mark.parametrize("version", [2, 3])
def test_local_port_and_address_are_used_and_shared(listener4: Listener, version: int) -> None:
    port = _free_port(host="127.0.0.3")
    v3 = {"SecName": "u", "SecLevel": "noAuthNoPriv"} if version == 3 else {}

    async def main() -> list[Any]:
        kernel = Kernel()
        common = {"DestHost": "127.0.0.1", "RemotePort": listener4.port, "Version": version}
        a = SNMPComponent.create(kernel, Alias="a", LocalAddr="127.0.0.3", LocalPort=port,
                                 Timeout=100_000, Retries=0, **common, **v3)  # fmt: skip
        b = SNMPComponent.create(kernel, Alias="b", LocalAddr="127.0.0.3", LocalPort=port,
                                 Timeout=100_000, Retries=0, **common, **v3)  # fmt: skip
        c = SNMPComponent.create(kernel, Alias="c", Timeout=100_000, Retries=0, **common, **v3)
        results = await asyncio.gather(*(s.get(SYSNAME) for s in (a, b, c)), return_exceptions=True)
        sockets = {key: t for key, t in transport._registry[kernel].items() if not t.closed}
        for s in (a, b, c):
            s.finish()
        return [results, sockets]

    results, sockets = asyncio.run(main())
    assert all(isinstance(r, errors.SNMPTimeoutError) for r in results)
    sources = {listener4.source() for _ in range(3)}
    assert ("127.0.0.3", port) in sources
    assert len(sources) == 2  # a and b share one socket; c has its own
    assert set(sockets) == {(socket.AF_INET, ("127.0.0.3", port)), socket.AF_INET}


def test_ipv6_local_address() -> None:
    lis = Listener(socket.AF_INET6, "::1")
    try:
        result = asyncio.run(
            _get(DestHost="::1", RemotePort=lis.port, LocalAddr="::1", LocalPort=0)
        )
        assert isinstance(result, errors.SNMPTimeoutError)
        assert lis.source()[0] == "::1"
    finally:
        lis.sock.close()


def test_trap_sender_sends_from_the_local_address(listener4: Listener) -> None:
    port = _free_port(host="127.0.0.2")

    async def main() -> None:
        async with TrapSender(DestHost="127.0.0.1", RemotePort=listener4.port,
                              LocalAddr="127.0.0.2", LocalPort=port) as sender:  # fmt: skip
            await sender.send_trap("coldStart")

    asyncio.run(main())
    assert listener4.source() == ("127.0.0.2", port)


@pytest.mark.parametrize(
    ("create", "message"),
    [
        ({"LocalAddr": "192.0.2.55"}, "is not an address of this host"),
        ({"LocalAddr": "router1"}, "is not an IP address"),
        ({"LocalAddr": "127.0.0.1", "DestHost": "::1"}, "is IPv4 but DestHost '::1' is IPv6"),
        ({"LocalPort": 70000}, "LocalPort must be an int in 0..65535"),
        ({"LocalAddr": 7}, "LocalAddr must be a str"),
        (
            {"LocalAddr": "127.0.0.1", "Version": 3, "SecName": "u", "V3Engine": "pysnmp"},
            "need V3Engine='native'",
        ),
    ],
)
def test_bad_local_addresses_fail_at_create(create: dict[str, Any], message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=message):
        SNMPComponent.create(Kernel(), **{"DestHost": "127.0.0.1", **create})


def test_a_port_in_use_fails_at_create_for_components_and_trap_senders() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind(("127.0.0.1", 0))
        port = taken.getsockname()[1]
        with pytest.raises(errors.ConfigurationError, match=f"LocalPort {port} .* in use"):
            SNMPComponent.create(Kernel(), DestHost="127.0.0.1", LocalPort=port)
        with pytest.raises(errors.ConfigurationError, match="in use"):
            TrapSender(DestHost="127.0.0.1", LocalAddr="127.0.0.1", LocalPort=port)


def test_command_line_clientaddr(snmpd: SnmpdAgent, capsys: Any) -> None:
    agent = f"127.0.0.1:{snmpd.port}"
    args = ["get", "-v2c", "-c", SOURCE_COMMUNITY, "-t", "0.5", "-r", "0", agent, SYSNAME]
    assert snmpc(["--clientaddr=127.0.0.2", *args]) == 0
    assert "anchor-agent" in capsys.readouterr().out
    assert snmpc(["--clientaddr", "udp:127.0.0.1:0", *args]) == 1
    assert "Timeout" in capsys.readouterr().err
    assert snmpc(["--clientaddr=192.0.2.55", *args]) == 1
    assert "is not an address of this host" in capsys.readouterr().err


def test_encoding_is_unchanged_by_a_local_address() -> None:
    """The datagram does not depend on where it leaves from (a sanity check of the
    listener: what arrives is a real GET)."""
    lis = Listener(socket.AF_INET, "127.0.0.1")
    try:
        asyncio.run(_get(DestHost="127.0.0.1", RemotePort=lis.port, LocalAddr="127.0.0.4"))
        data, _ = lis.sock.recvfrom(65535)
        assert ber.decode_message(data).pdu_tag == ber.GET_REQUEST
    finally:
        lis.sock.close()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.2", ("127.0.0.2", 0)),
        ("127.0.0.2:5000", ("127.0.0.2", 5000)),
        ("udp:127.0.0.2:5000", ("127.0.0.2", 5000)),
        ("udp6:[::1]:5000", ("::1", 5000)),
        ("[::1]", ("::1", 0)),
        ("::1", ("::1", 0)),
    ],
)
def test_clientaddr_forms(text: str, expected: tuple[str, int]) -> None:
    assert split_local(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("127.0.0.2:99999", "not in 0..65535"),
        ("tcp:127.0.0.2:5000", "only UDP"),
        ("[::1", "missing ']'"),
        (":5000", "has no host part"),
    ],
)
def test_bad_clientaddr_names_the_setting(text: str, message: str) -> None:
    with pytest.raises(errors.ConfigurationError, match=f"clientaddr.*{re.escape(message)}"):
        split_local(text)
