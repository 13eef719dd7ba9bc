"""Traps and informs against net-snmp, both ways: TrapSender -> snmptrapd, and
snmptrap/snmpinform -> SNMPTrapListener."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session
from snmp_component._core import ber
from snmp_component._core.usm import UsmUser
from snmp_component._core.v3msg import decode_message as decode_v3
from snmp_component._core.v3msg import encode_message
from snmp_component.errors import ConfigurationError, SNMPTimeoutError
from snmp_component.traps import SYS_UP_TIME, SNMPTrapListener, TrapSender
from tests.trapd import Received, SnmpTrapd

ENGINE = "0x8000000001020304"
AUTH, PRIV = "authpass123", "privpass123"
TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"
V3_ARGS = ["-u", "tuser", "-l", "authPriv", "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV]
V3_USER = {"SecName": "tuser", "AuthProto": "SHA", "AuthPass": AUTH, "PrivProto": "AES",
           "PrivPass": PRIV}  # fmt: skip


def _tool(name: str) -> str:
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        raise RuntimeError(f"{name} is not installed")
    return path


# ================================================================== TrapSender -> snmptrapd
@pytest.fixture(scope="module")
def trapd() -> Iterator[SnmpTrapd]:
    daemon = SnmpTrapd(
        [
            f"createUser -e {ENGINE} tuser SHA {AUTH} AES {PRIV}",
            f"createUser iuser SHA {AUTH} AES {PRIV}",  # informs: snmptrapd's own engine
        ]
    )
    daemon.start()
    try:
        yield daemon
    finally:
        daemon.stop()


def _find(daemon: SnmpTrapd, marker: str) -> Received:
    for _ in range(50):
        for got in daemon.wait_for(len(daemon.received) + 1, timeout=0.2):
            if any(marker in val for _, val in got.varbinds):
                return got
    raise AssertionError(f"snmptrapd did not print {marker!r}: {daemon.lines[-10:]}")


def _sender(daemon: SnmpTrapd, **opts: Any) -> TrapSender:
    return TrapSender(DestHost="127.0.0.1", RemotePort=daemon.port, Timeout=500_000, **opts)


def test_v2c_trap_to_snmptrapd(trapd: SnmpTrapd) -> None:
    async def main() -> None:
        async with _sender(trapd, Version="2c") as sender:
            await sender.send_trap(TRAP_OID, [["sysName", 0, "v2c-trap", "OCTETSTR"]], 4242)

    asyncio.run(main())
    got = _find(trapd, "v2c-trap")
    assert got.security.startswith("TRAP2, SNMP v2c, community public")
    assert got.varbinds[0] == (".1.3.6.1.2.1.1.3.0", "Timeticks: (4242) 0:00:42.42")
    assert got.varbinds[1] == (".1.3.6.1.6.3.1.1.4.1.0", f"OID: .{TRAP_OID}")
    assert got.varbinds[2] == (".1.3.6.1.2.1.1.5.0", 'STRING: "v2c-trap"')


def test_v1_trap_to_snmptrapd(trapd: SnmpTrapd) -> None:
    async def main() -> None:
        async with _sender(trapd, Version=1) as sender:
            await sender.send_v1_trap(
                ".1.3.6.1.4.1.8072", "192.0.2.7", 6, 17, ["sysName.0", "v1-trap"], 55
            )

    asyncio.run(main())
    got = _find(trapd, "v1-trap")
    assert got.security.startswith("TRAP, SNMP v1, community public")
    assert (got.enterprise, got.generic, got.specific.lstrip(".")) == (".1.3.6.1.4.1.8072",
                                                                       "6", "17")  # fmt: skip
    assert got.varbinds == [(".1.3.6.1.2.1.1.5.0", 'STRING: "v1-trap"')]


def test_v2c_inform_acknowledged_by_snmptrapd(trapd: SnmpTrapd) -> None:
    async def main() -> Any:
        async with _sender(trapd, Version="2c") as sender:
            return await sender.inform(TRAP_OID, [["sysName", 0, "v2c-inform", "OCTETSTR"]])

    varlist = asyncio.run(main())
    assert [vb.tag for vb in varlist] == ["sysUpTimeInstance", "snmpTrapOID", "sysName"]
    assert varlist[1].val == f".{TRAP_OID}"
    assert varlist[2].val == "v2c-inform"
    got = _find(trapd, "v2c-inform")
    assert got.security.startswith("INFORM, SNMP v2c")


def test_v3_trap_to_snmptrapd(trapd: SnmpTrapd) -> None:
    async def main() -> None:
        async with _sender(trapd, Version=3, SecName="tuser", SecLevel="authPriv",
                           AuthProto="SHA", AuthPass=AUTH, PrivProto="AES", PrivPass=PRIV,
                           LocalEngineId=ENGINE) as sender:  # fmt: skip
            await sender.send_trap(TRAP_OID, [["sysName", 0, "v3-trap", "OCTETSTR"]])

    asyncio.run(main())
    got = _find(trapd, "v3-trap")
    assert got.security.startswith("TRAP2, SNMP v3, user tuser")


def test_v3_inform_acknowledged_by_snmptrapd(trapd: SnmpTrapd) -> None:
    async def main() -> Any:
        async with _sender(trapd, Version=3, SecName="iuser", SecLevel="authPriv",
                           AuthProto="SHA", AuthPass=AUTH, PrivProto="AES",
                           PrivPass=PRIV) as sender:  # fmt: skip
            return await sender.inform(TRAP_OID, [["sysName", 0, "v3-inform", "OCTETSTR"]])

    varlist = asyncio.run(main())
    assert varlist[2].val == "v3-inform"
    got = _find(trapd, "v3-inform")
    assert got.security.startswith("INFORM, SNMP v3, user iuser")


def test_inform_without_receiver_times_out() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as silent:
        silent.bind(("127.0.0.1", 0))  # receives, never answers
        port = silent.getsockname()[1]

        async def main() -> None:
            sender = TrapSender(DestHost="127.0.0.1", RemotePort=port, Version="2c",
                                Timeout=100_000, Retries=2)  # fmt: skip
            try:
                await sender.inform(TRAP_OID)
            finally:
                sender.close()

        with pytest.raises(SNMPTimeoutError) as info:
            asyncio.run(main())
        assert info.value.attempts == 3
        silent.setblocking(False)
        datagrams = []
        while True:
            try:
                datagrams.append(silent.recv(65535))
            except BlockingIOError:
                break
        assert len(datagrams) == 3 and len(set(datagrams)) == 1  # same request-id


def test_inform_on_v1_sender_is_refused() -> None:
    async def main() -> None:
        sender = TrapSender(DestHost="127.0.0.1", Version=1)
        await sender.inform(TRAP_OID)

    with pytest.raises(ConfigurationError, match="SNMPv1 has no InformRequest"):
        asyncio.run(main())


# ================================================================== net-snmp -> listener
def _run_listener(
    commands: list[list[str]],
    expect: int,
    *,
    raw: Sequence[bytes] = (),
    subscribers: int = 1,
    **opts: Any,
) -> tuple[list[list[tuple[Any, ...]]], SNMPTrapListener, list[int]]:
    """Run a listener, one or more subscribers; send ``raw`` datagrams then run each
    command (with ``{port}`` filled in); wait for ``expect`` events per subscriber."""
    kernel = Kernel()
    listener = SNMPTrapListener.create(kernel, Alias="traps", **opts)
    events: list[list[tuple[Any, ...]]] = [[] for _ in range(subscribers)]
    rcs: list[int] = []

    def make(index: int) -> dict[str, Any]:
        def start(ev: Event) -> None:
            ev.kernel.post("traps", "subscribe", "on_trap")
            if index == 0:
                ev.kernel.post("traps", "subscribe", "on_trap")  # twice: still one event
                ev.kernel.yield_("go")

        def on_trap(ev: Event) -> None:
            assert ev.sender is listener.session
            events[index].append(ev.args)

        async def go(ev: Event) -> None:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
                for datagram in raw:
                    sock.sendto(datagram, ("127.0.0.1", listener.port))
            for cmd in commands:
                argv = [_tool(cmd[0]), *(a.format(port=listener.port) for a in cmd[1:])]
                proc = await asyncio.create_subprocess_exec(
                    *argv, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL
                )
                rcs.append(await proc.wait())
            for _ in range(200):
                if all(len(e) >= expect for e in events):
                    break
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.1)  # a duplicate would show now
            ev.kernel.post("traps", "finish")

        return {"_start": start, "on_trap": on_trap, "go": go}

    for i in range(subscribers):
        Session.create(kernel, inline_states=make(i))
    asyncio.run(asyncio.wait_for(kernel.run_async(), 30))
    assert listener.closed
    return events, listener, rcs


def _snmptrap(version: str, *rest: str, community: str = "public") -> list[str]:
    return ["snmptrap", "-v", version, "-c", community, "udp:127.0.0.1:{port}", *rest]


V2_TRAP = ["123", TRAP_OID, "1.3.6.1.2.1.1.5.0", "s", "from-net-snmp"]


def test_v2c_trap_from_snmptrap() -> None:
    events, listener, rcs = _run_listener([_snmptrap("2c", *V2_TRAP)], 1)
    assert rcs == [0]
    [(source, version, varlist, info)] = events[0]
    assert source[0] == "127.0.0.1" and isinstance(source[1], int)
    assert version == "2c" and info.pdu == "trap" and info.community == b"public"
    assert [(vb.tag, vb.iid, vb.val, vb.type) for vb in varlist] == [
        ("sysUpTimeInstance", "", 123, "TICKS"),
        ("snmpTrapOID", "0", f".{TRAP_OID}", "OBJECTID"),
        ("sysName", "0", "from-net-snmp", "OCTETSTR"),
    ]
    assert listener.stats.traps == 1 and listener.stats.delivered == 1


def test_v1_trap_from_snmptrap() -> None:
    cmd = _snmptrap("1", ".1.3.6.1.4.1.8072", "192.0.2.7", "6", "17", "55",
                    "1.3.6.1.2.1.1.5.0", "s", "v1-from-net-snmp")  # fmt: skip
    events, _, rcs = _run_listener([cmd], 1)
    assert rcs == [0]
    [(_, version, varlist, info)] = events[0]
    assert version == "1" and info.pdu == "trap-v1"
    values = {(vb.tag, vb.iid): vb.val for vb in varlist}
    assert varlist[0].tag == "sysUpTimeInstance" and varlist[0].val == 55
    assert varlist[1].tag == "snmpTrapOID" and varlist[1].val == ".1.3.6.1.4.1.8072.0.17"
    assert values[("sysName", "0")] == "v1-from-net-snmp"
    assert values[("snmpTrapAddress", "0")] == "192.0.2.7"
    assert values[("snmpTrapEnterprise", "0")] == ".1.3.6.1.4.1.8072"


def test_v1_generic_trap_maps_to_snmp_traps() -> None:
    cmd = _snmptrap("1", ".1.3.6.1.4.1.8072", "192.0.2.7", "2", "0", "55")  # linkDown
    events, _, _ = _run_listener([cmd], 1)
    assert events[0][0][2][1].val == ".1.3.6.1.6.3.1.1.5.3"


def test_v2c_inform_from_snmpinform_is_acknowledged() -> None:
    cmd = ["snmpinform", "-v", "2c", "-c", "public", "-t", "2", "-r", "0",
           "udp:127.0.0.1:{port}", *V2_TRAP]  # fmt: skip
    events, listener, rcs = _run_listener([cmd], 1)
    assert rcs == [0]  # snmpinform exits 0 only when acknowledged
    [(_, version, varlist, info)] = events[0]
    assert version == "2c" and info.pdu == "inform"
    assert varlist[2].val == "from-net-snmp"
    assert listener.stats.informs == 1 and listener.stats.acks_failed == 0
    assert listener.stats.traps == 0  # traps and informs are counted apart


def test_traps_and_informs_are_counted_apart() -> None:
    inform = ["snmpinform", "-v", "2c", "-c", "public", "-t", "2", "-r", "0",
              "udp:127.0.0.1:{port}", *V2_TRAP]  # fmt: skip
    events, listener, rcs = _run_listener([_snmptrap("2c", *V2_TRAP), inform], 2)
    assert rcs == [0, 0] and len(events[0]) == 2
    assert listener.stats.traps == 1 and listener.stats.informs == 1


def test_v3_trap_from_snmptrap() -> None:
    good = ["snmptrap", "-v", "3", "-e", ENGINE, *V3_ARGS, "udp:127.0.0.1:{port}", *V2_TRAP]
    wrong_pass = [a if a != PRIV else "wrongpass99" for a in good]
    wrong_pass = [a if a != AUTH else "wrongpass98" for a in wrong_pass]
    unknown = [a if a != "tuser" else "nobody" for a in good]
    events, listener, rcs = _run_listener(
        [wrong_pass, unknown, good], 1, Users=[{**V3_USER, "EngineId": ENGINE}]
    )
    assert rcs == [0, 0, 0]
    [(_, version, varlist, info)] = events[0]
    assert version == "3" and info.user == b"tuser"
    assert info.engine_id == bytes.fromhex(ENGINE[2:])
    assert varlist[2].val == "from-net-snmp"
    assert listener.stats.auth_failures == 1
    assert listener.stats.unknown_user == 1


def test_replayed_v3_trap_is_dropped() -> None:
    keys = UsmUser("tuser", "SHA", AUTH, "AES", PRIV).localize(bytes.fromhex(ENGINE[2:]))
    varbinds = ber.encode_varbinds([(SYS_UP_TIME, ber.TIMETICKS, 1)])

    def trap(request_id: int, engine_time: int) -> bytes:
        pdu = ber.encode_pdu(ber.SNMPV2_TRAP, request_id, 0, 0, varbinds)
        return encode_message(request_id, pdu, keys, 9, engine_time)

    raw = [trap(1, 5000), trap(2, 4000), trap(3, 5010)]  # the second is 1000 s old
    events, listener, _ = _run_listener([], 2, raw=raw, Users=[{**V3_USER, "EngineId": ENGINE}])
    assert [info.request_id for *_, info in events[0]] == [1, 3]
    assert listener.stats.not_in_time_window == 1 and listener.stats.traps == 2


def test_one_event_per_trap_per_subscriber_and_drops_counted() -> None:
    garbage = [b"\x00garbage", b"\x30\x03\x02\x01\x01", b""]
    cmds = [
        _snmptrap("2c", *V2_TRAP, community="wrong"),
        _snmptrap("2c", *V2_TRAP),
        _snmptrap("2c", *V2_TRAP),
        _snmptrap("2c", *V2_TRAP),
    ]
    events, listener, _ = _run_listener(cmds, 3, raw=garbage, subscribers=2)
    assert [len(e) for e in events] == [3, 3]
    stats = listener.stats
    assert stats.bad_community == 1
    assert stats.malformed == len(garbage)
    assert stats.traps == 3 and stats.delivered == 6
    assert stats.errors == 0


def test_listener_alone_does_not_keep_the_kernel_alive() -> None:
    kernel = Kernel()
    listener = SNMPTrapListener.create(kernel, Alias="traps")
    assert listener.port > 0
    asyncio.run(asyncio.wait_for(kernel.run_async(), 5))
    assert listener.closed and kernel.sessions == ()


def test_unsubscribe_releases_the_listener() -> None:
    kernel = Kernel()
    listener = SNMPTrapListener.create(kernel, Alias="traps")

    def start(ev: Event) -> None:
        ev.kernel.post("traps", "subscribe", "on_trap")
        ev.kernel.delay_set("leave", 0.05)

    def leave(ev: Event) -> None:
        assert listener.subscribers == 1
        ev.kernel.post("traps", "unsubscribe")

    Session.create(kernel, inline_states={"_start": start, "leave": leave,
                                          "on_trap": lambda ev: None})  # fmt: skip
    asyncio.run(asyncio.wait_for(kernel.run_async(), 5))
    assert listener.closed and listener.subscribers == 0


# ================================================================== SNMPv3 informs received
def _snmpinform_v3(user: str, level: str, *security: str) -> list[str]:
    return ["snmpinform", "-v", "3", "-u", user, "-l", level, *security, "-t", "2", "-r", "0",
            "udp:127.0.0.1:{port}", *V2_TRAP]  # fmt: skip


@pytest.mark.parametrize(
    ("auth", "priv"),
    [
        (None, None),
        ("MD5", None),
        ("SHA", "AES"),
        ("MD5", "DES"),
        ("SHA-512", "AES-256"),
        ("SHA-256", "AES-192"),
    ],
)
def test_v3_inform_from_snmpinform_is_acknowledged(auth: str | None, priv: str | None) -> None:
    """snmpinform discovers our engine ID and clock, then gets its Response: exit 0."""
    level = "authPriv" if priv else "authNoPriv" if auth else "noAuthNoPriv"
    security = ["-a", auth, "-A", AUTH] if auth else []
    security += ["-x", priv, "-X", PRIV] if priv else []
    user: dict[str, Any] = {"SecName": "iuser"}
    if auth:
        user.update(AuthProto=auth, AuthPass=AUTH)
    if priv:
        user.update(PrivProto=priv, PrivPass=PRIV)
    events, listener, rcs = _run_listener(
        [_snmpinform_v3("iuser", level, *security)], 1, Users=[user]
    )
    assert rcs == [0]  # snmpinform exits 0 only when acknowledged
    [(_, version, varlist, info)] = events[0]
    assert version == "3" and info.pdu == "inform" and info.user == b"iuser"
    assert info.engine_id == listener.engine_id
    assert varlist[2].val == "from-net-snmp"
    stats = listener.stats
    assert stats.informs == 1 and stats.discoveries >= 1 and stats.acks_failed == 0
    assert stats.auth_failures == stats.unknown_user == stats.malformed == stats.errors == 0


def test_v3_inform_failures_are_reported_to_snmpinform() -> None:
    """Wrong passwords and an unknown user get USM Reports: snmpinform fails at once."""
    good = _snmpinform_v3("iuser", "authPriv", "-a", "SHA", "-A", AUTH, "-x", "AES", "-X", PRIV)
    wrong_auth = [a if a != AUTH else "wrongpass98" for a in good]
    unknown = [a if a != "iuser" else "nobody" for a in good]
    events, listener, rcs = _run_listener(
        [wrong_auth, unknown, good], 1, Users=[{**V3_USER, "SecName": "iuser"}]
    )
    assert rcs[0] != 0 and rcs[1] != 0 and rcs[2] == 0
    assert len(events[0]) == 1
    stats = listener.stats
    assert stats.auth_failures >= 1 and stats.unknown_user >= 1 and stats.informs == 1
    assert stats.reports == stats.discoveries + stats.auth_failures + stats.unknown_user + (
        stats.not_in_time_window
    )


def test_v3_inform_from_trap_sender_to_listener_survives_a_restart() -> None:
    """Our TrapSender informs our listener; the listener restarts (EngineBoots 2): the
    sender gets an authenticated notInTimeWindow Report, resynchronises, and succeeds."""
    engine = "0x80001f88800102030405060708"
    kernel = Kernel()
    first = SNMPTrapListener.create(kernel, Alias="first", LocalEngineId=engine,
                                    Users=[V3_USER])  # fmt: skip
    port = first.port
    received: list[Any] = []

    async def main() -> None:
        sender = TrapSender(kernel, DestHost="127.0.0.1", RemotePort=port, Version=3,
                            SecName="tuser", SecLevel="authPriv", AuthProto="SHA",
                            AuthPass=AUTH, PrivProto="AES", PrivPass=PRIV,
                            Timeout=500_000, Retries=1)  # fmt: skip
        try:
            received.append(await sender.inform(TRAP_OID, [["sysName", 0, "one", "OCTETSTR"]]))
            kernel.post("first", "finish")
            await asyncio.sleep(0.05)
            assert first.closed
            second = SNMPTrapListener.create(kernel, Alias="second", LocalEngineId=engine,
                                             LocalPort=port, EngineBoots=2,
                                             Users=[V3_USER])  # fmt: skip
            await asyncio.sleep(0.05)
            received.append(await sender.inform(TRAP_OID, [["sysName", 0, "two", "OCTETSTR"]]))
            assert second.stats.not_in_time_window == 1 and second.stats.informs == 1
        finally:
            sender.close()
            kernel.stop()

    # a session with a timer keeps the kernel running while main() works
    Session.create(kernel, inline_states={"_start": lambda ev: ev.kernel.delay_set("hold", 30),
                                          "hold": lambda ev: None})  # fmt: skip

    async def run() -> None:
        task = asyncio.ensure_future(kernel.run_async())
        await asyncio.wait_for(main(), 10)
        await asyncio.wait_for(task, 5)

    asyncio.run(run())
    assert [r[2].val for r in received] == ["one", "two"]


def test_v3_traps_carry_the_process_clock() -> None:
    """Two senders of one engine ID, made at different times, send the same boots and one
    time base: a receiver never takes the younger one's traps for replays; and the boots
    (seconds from 2020 to the process start) grow when the process restarts."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sink:
        sink.bind(("127.0.0.1", 0))
        sink.settimeout(5)
        port = sink.getsockname()[1]
        options: dict[str, Any] = {
            "DestHost": "127.0.0.1", "RemotePort": port, "Version": 3, "SecName": "tuser",
            "SecLevel": "authNoPriv", "AuthProto": "SHA", "AuthPass": AUTH,
            "LocalEngineId": ENGINE,
        }  # fmt: skip

        async def main() -> None:
            async with TrapSender(**options) as first:
                await first.send_trap(TRAP_OID)
                await asyncio.sleep(1.1)
                async with TrapSender(**options) as second:
                    await second.send_trap(TRAP_OID)

        asyncio.run(main())
        keys = UsmUser("tuser", "SHA", AUTH).localize(bytes.fromhex(ENGINE[2:]))
        one, two = (decode_v3(sink.recv(65535), keys) for _ in range(2))
    assert one.engine_boots == two.engine_boots > 10**8  # seconds since 2020: years of them
    assert two.engine_time >= one.engine_time + 1


# ================================================================== listener options
def test_listener_option_shapes() -> None:
    """One user dict alone is one user; communities are str, bytes or bytearray; anything
    else is a ConfigurationError naming the keyword (and entry), never a silent surprise."""
    kernel = Kernel()
    one = SNMPTrapListener(kernel, Alias=None, Users=V3_USER, Communities=bytearray(b"c1"))
    assert [u.user.name for u in one._users] == [b"tuser"]
    assert one.communities == {b"c1"}
    one._close()
    bad: list[tuple[dict[str, Any], str]] = [
        ({"Communities": [b"ok", 42]}, "Communities entry 2 must be a str or bytes, not int"),
        ({"Communities": 42}, "Communities must be a list of str or bytes, not int"),
        ({"Users": "tuser"}, "Users must be a list of user dicts, not str"),
        ({"Users": [V3_USER, ("tuser",)]}, "Users entry 2 must be a dict of SecName"),
        ({"Users": [{**V3_USER, 1: "x"}]}, "Users entry 1: keywords must be str, not int"),
        ({"Users": [{**V3_USER, "sec_name": "u"}]}, "Users entry 1: SecName given twice"),
        ({"Users": [{"SecName": "u", "AuthProto": "SHA"}]}, "AuthProto needs an AuthPass"),
        ({"Users": [{"SecName": "u", "PrivPass": "12345678"}]}, "PrivProto needs an AuthProto"),
        ({"Users": [{**V3_USER, "AuthPass": "short"}]}, "AuthPass must be at least 8 octets"),
        ({"Users": [{**V3_USER, "AuthProto": "SHA-1024"}]}, "AuthProto: unsupported value"),
        ({"Users": [{**V3_USER, "EngineId": "0xZZ"}]}, "engine ID must be 5..32 octets"),
    ]
    for options, message in bad:
        with pytest.raises(ConfigurationError, match=message.replace("(", r"\(")):
            SNMPTrapListener(kernel, Alias=None, **options)
