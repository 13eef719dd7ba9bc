"""SNMPv3 adapter (:mod:`snmp_component._pysnmp.v3`) against a real net-snmp agent.

Every test runs its own event loop with ``asyncio.run``; engines are per loop, so each test
also exercises engine creation and closing. Behaviours pinned here (pysnmp 7.1.30, net-snmp
5.9.3):

* wrong auth pass phrase -> one ``WrongDigest`` (usmStatsWrongDigests report);
* wrong priv pass phrase -> one ``SNMPTimeoutError``: net-snmp drops messages it cannot
  decrypt without a report, so pysnmp never learns why;
* unknown user -> one ``UnknownUserName``;
* authPriv asked of an authNoPriv user -> one ``UnsupportedSecurityLevel``.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

from snmp_component import errors
from snmp_component._core import ber
from snmp_component._core.pdu import PduResult, RawVarbind
from snmp_component._pysnmp import v3
from snmp_component._pysnmp.v3 import V3Client, V3Credentials
from snmp_component.testing.snmpd import (
    AUTH_PASS,
    PRIV_PASS,
    SYS_NAME,
    V3_USERS,
    SnmpdAgent,
    V3User,
)

SYS_DESCR_0 = (1, 3, 6, 1, 2, 1, 1, 1, 0)
SYS_OBJECT_ID_0 = (1, 3, 6, 1, 2, 1, 1, 2, 0)
SYS_UPTIME_0 = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SYS_CONTACT_0 = (1, 3, 6, 1, 2, 1, 1, 4, 0)
SYS_NAME_0 = (1, 3, 6, 1, 2, 1, 1, 5, 0)
SYSTEM = (1, 3, 6, 1, 2, 1, 1)
SNMP_ENABLE_AUTHEN_TRAPS_0 = (1, 3, 6, 1, 2, 1, 11, 30, 0)

WAIT_LIMIT = 10.0  # seconds any single callback may take in these tests

USERS = {user.name: user for user in V3_USERS}
RW_USER = USERS["privAESUser"]
AUTH_ONLY_USER = USERS["authSHAUser"]


def creds_for(user: V3User, **changes: Any) -> V3Credentials:
    fields: dict[str, Any] = {
        "sec_name": user.name,
        "sec_level": user.level,
        "auth_proto": user.auth_proto,
        "auth_pass": user.auth_pass,
        "priv_proto": user.priv_proto,
        "priv_pass": user.priv_pass,
    }
    fields.update(changes)
    return V3Credentials(**fields)


def get_vbs(*oids: tuple[int, ...]) -> list[RawVarbind]:
    return [(oid, ber.NULL, None) for oid in oids]


class Calls:
    """Records every ``done`` call of one request."""

    def __init__(self) -> None:
        self.results: list[PduResult] = []
        self.event = asyncio.Event()

    def __call__(self, result: PduResult) -> None:
        self.results.append(result)
        self.event.set()

    async def one(self) -> PduResult:
        """The single result, after checking that no second call follows."""
        await asyncio.wait_for(self.event.wait(), WAIT_LIMIT)
        for _ in range(3):
            await asyncio.sleep(0)
        assert len(self.results) == 1, self.results
        return self.results[0]


async def request(
    client: V3Client,
    pdu_tag: int,
    varbinds: Sequence[RawVarbind],
    **kwargs: int,
) -> PduResult:
    calls = Calls()
    client.send(pdu_tag, varbinds, calls, **kwargs)
    assert not calls.results, "done must not be called synchronously inside send()"
    return await calls.one()


def client_for(agent: SnmpdAgent, creds: V3Credentials, **kwargs: Any) -> V3Client:
    options: dict[str, Any] = {"timeout": 1.0, "retries": 1}
    options.update(kwargs)
    return V3Client(creds, agent.host, agent.port, **options)


@pytest.fixture
def dead_socket() -> Iterator[socket.socket]:
    """A bound UDP socket on 127.0.0.1 that never answers (it only counts what arrives)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.setblocking(False)
        yield sock


@pytest.fixture
def dead_port(dead_socket: socket.socket) -> int:
    """The port of :func:`dead_socket`."""
    return int(dead_socket.getsockname()[1])


def drain(sock: socket.socket) -> int:
    """How many datagrams are waiting on ``sock`` (they are discarded)."""
    count = 0
    while True:
        try:
            sock.recv(65535)
        except BlockingIOError:
            return count
        count += 1


def assert_no_engines_left() -> None:
    assert not [eng for eng in v3._POOL.values() if not eng.loop.is_closed()]


# ------------------------------------------------------------------------------ every USM user


@pytest.mark.parametrize("user", V3_USERS, ids=lambda user: user.name)
def test_get_getnext_getbulk_for_every_user(snmpd: SnmpdAgent, user: V3User) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(user))
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert result == PduResult(None, 0, 0, [(SYS_NAME_0, ber.OCTET_STRING, SYS_NAME.encode())])

        result = await request(client, ber.GET_NEXT_REQUEST, get_vbs(SYS_NAME_0[:-1]))
        assert result == PduResult(None, 0, 0, [(SYS_NAME_0, ber.OCTET_STRING, SYS_NAME.encode())])

        result = await request(
            client, ber.GET_BULK_REQUEST, get_vbs(SYSTEM), non_repeaters=0, max_repetitions=5
        )
        assert result.error is None
        assert (result.error_status, result.error_index) == (0, 0)
        oids = [oid for oid, _, _ in result.varbinds]
        assert oids == [SYS_DESCR_0, SYS_OBJECT_ID_0, SYS_UPTIME_0, SYS_CONTACT_0, SYS_NAME_0]
        (_, descr_tag, descr), (_, oid_tag, object_id), (_, ticks_tag, ticks) = result.varbinds[:3]
        assert descr_tag == ber.OCTET_STRING and isinstance(descr, bytes)
        assert oid_tag == ber.OBJECT_IDENTIFIER and isinstance(object_id, tuple)
        assert object_id[:6] == (1, 3, 6, 1, 4, 1)
        assert ticks_tag == ber.TIMETICKS and isinstance(ticks, int)
        assert client.pending == 0

        engine = client._engine
        assert engine is not None
        assert isinstance(engine.snmp.get_mib_builder().get_mib_compiler(), v3._StubMibCompiler)
        client.close()
        assert engine.closed and engine.snmp.transport_dispatcher is None

    asyncio.run(main())


def test_set_and_exception_values(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(RW_USER))
        current = await request(client, ber.GET_REQUEST, get_vbs(SNMP_ENABLE_AUTHEN_TRAPS_0))
        assert current.error is None and current.error_status == 0
        [(_, tag, value)] = current.varbinds
        assert tag == ber.INTEGER and value in (1, 2)

        result = await request(
            client, ber.SET_REQUEST, [(SNMP_ENABLE_AUTHEN_TRAPS_0, ber.INTEGER, value)]
        )
        assert result == PduResult(None, 0, 0, [(SNMP_ENABLE_AUTHEN_TRAPS_0, ber.INTEGER, value)])

        result = await request(
            client, ber.SET_REQUEST, [(SYS_CONTACT_0, ber.OCTET_STRING, b"nobody")]
        )
        assert result.error is None
        assert (result.error_status, result.error_index) == (17, 1)  # notWritable

        # noSuchObject / noSuchInstance / endOfMibView come back as None with their tag.
        result = await request(
            client,
            ber.GET_REQUEST,
            get_vbs((1, 3, 6, 1, 2, 1, 1, 99, 0), (1, 3, 6, 1, 2, 1, 1, 3, 1)),
        )
        assert result.varbinds == [
            ((1, 3, 6, 1, 2, 1, 1, 99, 0), ber.NO_SUCH_OBJECT, None),
            ((1, 3, 6, 1, 2, 1, 1, 3, 1), ber.NO_SUCH_INSTANCE, None),
        ]
        result = await request(client, ber.GET_NEXT_REQUEST, get_vbs((2, 999)))
        assert result.varbinds == [((2, 999), ber.END_OF_MIB_VIEW, None)]
        client.close()

    asyncio.run(main())


# ------------------------------------------------------------------------------- USM failures


def test_wrong_auth_password_is_wrong_digest(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(AUTH_ONLY_USER, auth_pass="not-the-pass"))
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert isinstance(result.error, errors.WrongDigest)
        assert result.error.error_num == -35
        assert result.error.error_str == (
            "Authentication failure (incorrect password, community or key)"
        )
        assert "not-the-pass" not in str(result.error)
        client.close()

    asyncio.run(main())


def test_wrong_priv_password_times_out(snmpd: SnmpdAgent) -> None:
    # net-snmp drops what it cannot decrypt and sends no report: pysnmp sees a timeout.
    async def main() -> None:
        creds = creds_for(RW_USER, priv_pass="not-the-priv-pass")
        client = client_for(snmpd, creds, timeout=0.2, retries=0)
        began = time.monotonic()
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert isinstance(result.error, errors.SNMPTimeoutError)
        assert result.error.attempts == 1
        assert time.monotonic() - began < 1.5
        client.close()

    asyncio.run(main())


def test_unknown_user(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        for creds in (
            V3Credentials("noSuchUser", "noAuthNoPriv", None, None, None, None),
            V3Credentials("noSuchUser", "authNoPriv", "SHA", AUTH_PASS, None, None),
        ):
            client = client_for(snmpd, creds)
            result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
            assert isinstance(result.error, errors.UnknownUserName), result
            assert result.error.error_num == -33
            client.close()

    asyncio.run(main())


def test_authpriv_for_auth_only_user_is_unsupported_level(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        creds = creds_for(
            AUTH_ONLY_USER, sec_level="authPriv", priv_proto="AES", priv_pass=PRIV_PASS
        )
        client = client_for(snmpd, creds)
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert isinstance(result.error, errors.UnsupportedSecurityLevel), result
        assert result.error.error_num == -34
        client.close()

    asyncio.run(main())


# ------------------------------------------------------------------------ timeouts and closing


def test_dead_port_times_out_once_without_blocking_the_loop(dead_port: int) -> None:
    # The ticker measures our code: a collection of the whole suite's garbage is not ours.
    gc.collect()
    gc.disable()
    try:
        _dead_port_times_out_once_without_blocking_the_loop(dead_port)
    finally:
        gc.enable()


def _dead_port_times_out_once_without_blocking_the_loop(dead_port: int) -> None:
    async def main() -> None:
        gaps: list[float] = []

        async def ticker() -> None:
            last = time.monotonic()
            while True:
                await asyncio.sleep(0.05)
                now = time.monotonic()
                gaps.append(now - last)
                last = now

        tick_task = asyncio.create_task(ticker())
        await asyncio.sleep(0.06)
        client = V3Client(creds_for(RW_USER), "127.0.0.1", dead_port, timeout=0.2, retries=1)
        began = time.monotonic()
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        elapsed = time.monotonic() - began
        tick_task.cancel()
        assert isinstance(result.error, errors.SNMPTimeoutError)
        assert result.error.attempts == 2
        assert result.error.error_num == -24
        assert 0.35 <= elapsed < 1.5, elapsed
        assert 0.35 <= result.error.elapsed < 1.5
        assert len(gaps) >= 6
        assert max(gaps) < 0.1, gaps  # the 50 ms ticker is never 50 ms late
        client.close()

    asyncio.run(main())


def test_a_burst_to_a_new_agent_discovers_once(dead_socket: socket.socket, dead_port: int) -> None:
    # Five requests to an agent whose engine ID is unknown: one discovery probe goes out (and
    # is retried once); the others wait for it and time out with it, once each, in time.
    async def main() -> None:
        client = V3Client(creds_for(RW_USER), "127.0.0.1", dead_port, timeout=0.2, retries=1)
        began = time.monotonic()
        calls = [Calls() for _ in range(5)]
        for call in calls:
            client.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0), call)
        results = [await call.one() for call in calls]
        assert time.monotonic() - began < 1.5
        assert all(isinstance(result.error, errors.SNMPTimeoutError) for result in results)
        assert drain(dead_socket) == 2  # one probe x 2 attempts, not 5 x 2
        client.close()

    asyncio.run(main())


def test_close_fails_pending_requests_and_closes_engine_with_last_client(
    snmpd: SnmpdAgent, dead_port: int
) -> None:
    async def main() -> None:
        creds = creds_for(RW_USER)
        dead = V3Client(creds, "127.0.0.1", dead_port, timeout=1.0, retries=2)
        live = client_for(snmpd, creds)
        assert (await request(live, ber.GET_REQUEST, get_vbs(SYS_NAME_0))).error is None

        calls = [Calls() for _ in range(5)]
        for call in calls:
            dead.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0), call)
        await asyncio.sleep(0.05)
        assert dead.pending == 5
        engine = dead._engine
        assert engine is not None and engine is live._engine  # one engine per credential set
        dead.close()
        dead.close()  # idempotent
        assert dead.pending == 0
        for call in calls:
            result = await call.one()
            assert isinstance(result.error, errors.ShutdownError)
        assert not engine.closed  # the live client still holds it
        assert (await request(live, ber.GET_REQUEST, get_vbs(SYS_NAME_0))).error is None

        # After close, send() still answers exactly once, with ShutdownError.
        result = await request(dead, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert isinstance(result.error, errors.ShutdownError)

        live.close()
        assert engine.closed and engine.snmp.transport_dispatcher is None
        assert_no_engines_left()
        await asyncio.sleep(1.2)  # pysnmp's own timeouts would have fired by now: no 2nd call
        assert all(len(call.results) == 1 for call in calls)

    asyncio.run(main())


def test_close_while_the_engine_is_being_built(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(RW_USER))
        calls = Calls()
        client.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0), calls)
        engine = client._engine
        assert engine is not None and engine.snmp is None  # still building in a thread
        client.close()
        result = await calls.one()
        assert isinstance(result.error, errors.ShutdownError)
        assert engine.closed
        await asyncio.sleep(0.3)  # the build finishes; nothing is registered, nothing is called
        assert len(calls.results) == 1
        assert engine.snmp is None

    asyncio.run(main())


def test_watchdog_settles_a_request_pysnmp_never_completes(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(RW_USER), timeout=0.2, retries=0)
        assert (await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))).error is None
        engine = client._engine
        assert engine is not None
        client._watchdog_delay = 0.2
        generator = engine.generators[ber.GET_REQUEST]
        generator.send_varbinds = lambda *args, **kwargs: None  # pysnmp "forgets" the request
        began = time.monotonic()
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert isinstance(result.error, errors.SNMPTimeoutError)
        assert 0.15 < time.monotonic() - began < 1.0
        client.close()

    asyncio.run(main())


def test_dead_timer_task_breaks_the_engine_and_a_new_one_is_built(
    snmpd: SnmpdAgent, dead_port: int
) -> None:
    async def main() -> None:
        creds = creds_for(RW_USER)
        victim = V3Client(creds, "127.0.0.1", dead_port, timeout=1.0, retries=2)
        live = client_for(snmpd, creds)
        assert (await request(live, ber.GET_REQUEST, get_vbs(SYS_NAME_0))).error is None
        engine = live._engine
        assert engine is not None
        calls = Calls()
        victim.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0), calls)

        def explode(time_now: float) -> None:
            raise RuntimeError("simulated pysnmp timer failure")

        dispatcher = engine.snmp.transport_dispatcher
        dispatcher.handle_timer_tick = explode  # H2: the timer task dies
        for _ in range(40):
            await asyncio.sleep(0.05)
            if dispatcher.loopingcall.done():
                break
        assert dispatcher.loopingcall.done()

        # The next send notices, fails the engine's pending requests, and builds a new engine.
        result = await request(live, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert result.error is None and result.varbinds[0][2] == SYS_NAME.encode()
        assert live._engine is not engine and engine.broken
        victim_result = await calls.one()
        assert type(victim_result.error) is errors.SNMPError
        assert "timer task died" in victim_result.error.error_str
        victim.close()
        live.close()
        assert engine.closed
        assert_no_engines_left()

    asyncio.run(main())


# ------------------------------------------------------------------ sharing and concurrency


def test_same_user_name_different_passwords_on_two_agents() -> None:
    def twin(auth: str, priv: str) -> SnmpdAgent:
        return SnmpdAgent(
            extra_config=f"createUser twinUser SHA {auth} AES {priv}\nrouser twinUser priv\n"
        )

    first_creds = V3Credentials(
        "twinUser", "authPriv", "SHA", "first-auth-1", "AES", "first-priv-1"
    )
    second_creds = replace_passwords(first_creds, "second-auth-2", "second-priv-2")

    async def main(first: SnmpdAgent, second: SnmpdAgent) -> None:
        one = client_for(first, first_creds)
        two = client_for(second, second_creds)
        jobs = []
        for _ in range(10):
            jobs.append(request(one, ber.GET_REQUEST, get_vbs(SYS_NAME_0)))
            jobs.append(request(two, ber.GET_REQUEST, get_vbs(SYS_NAME_0)))
        results = await asyncio.gather(*jobs)
        assert all(r.error is None and r.varbinds[0][2] == SYS_NAME.encode() for r in results), [
            r.error for r in results
        ]
        assert one._engine is not two._engine
        one.close()
        two.close()

    with (
        twin("first-auth-1", "first-priv-1") as first,
        twin("second-auth-2", "second-priv-2") as second,
    ):
        asyncio.run(main(first, second))


def replace_passwords(creds: V3Credentials, auth: str, priv: str) -> V3Credentials:
    return V3Credentials(
        creds.sec_name, creds.sec_level, creds.auth_proto, auth, creds.priv_proto, priv
    )


def test_clients_differing_only_in_context_share_an_engine(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        plain = client_for(snmpd, creds_for(RW_USER))
        # net-snmp ignores an unknown contextEngineID (pysnmp.md E19); the context is per client.
        other = client_for(snmpd, creds_for(RW_USER, context_engine_id=b"\x80\x00\x1f\x88\x04x"))
        results = await asyncio.gather(
            request(plain, ber.GET_REQUEST, get_vbs(SYS_NAME_0)),
            request(other, ber.GET_REQUEST, get_vbs(SYS_NAME_0)),
        )
        assert [r.error for r in results] == [None, None]
        assert plain._engine is other._engine
        plain.close()
        other.close()
        assert_no_engines_left()

    asyncio.run(main())


def test_200_concurrent_gets_complete_exactly_once(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(RW_USER), timeout=2.0, retries=1)
        calls = [Calls() for _ in range(200)]
        for call in calls:
            client.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0, SYS_UPTIME_0), call)
        assert client.pending == 200
        await asyncio.wait_for(asyncio.gather(*(call.event.wait() for call in calls)), 20)
        await asyncio.sleep(0.05)
        assert all(len(call.results) == 1 for call in calls)
        assert all(call.results[0].error is None for call in calls)
        assert client.pending == 0
        client.close()

    asyncio.run(main())


def test_ipv6_agent() -> None:
    async def main(agent: SnmpdAgent) -> None:
        client = V3Client(creds_for(RW_USER), "::1", agent.port, timeout=1.0, retries=1)
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert result.error is None and result.varbinds[0][2] == SYS_NAME.encode()
        client.close()

    with SnmpdAgent(host="::1") as agent:
        asyncio.run(main(agent))


# ------------------------------------------------------------------------ input validation


BAD_VALUES: list[tuple[str, list[RawVarbind], type[errors.SNMPError]]] = [
    ("integer too big", [(SNMP_ENABLE_AUTHEN_TRAPS_0, ber.INTEGER, 2**40)], errors.BadTypeError),
    ("octets as str", [(SYS_CONTACT_0, ber.OCTET_STRING, "text")], errors.BadTypeError),  # type: ignore[list-item]
    (
        "ip of 5 bytes",
        [(SYS_CONTACT_0, ber.IPADDRESS, b"\x01\x02\x03\x04\x05")],
        errors.BadTypeError,
    ),
    ("negative counter", [(SYS_CONTACT_0, ber.COUNTER32, -1)], errors.BadTypeError),
    ("unknown tag", [(SYS_CONTACT_0, 0x47, 1)], errors.BadTypeError),
    ("bad oid", [((1, 3, 6, -1), ber.INTEGER, 1)], errors.UnknownObjectError),
    ("oid first arc 7", [((7, 1), ber.INTEGER, 1)], errors.UnknownObjectError),
    ("not a triple", [(SYS_CONTACT_0, ber.INTEGER)], errors.ConfigurationError),  # type: ignore[list-item]
]


def test_unencodable_values_fail_once_and_the_engine_stays_usable(snmpd: SnmpdAgent) -> None:
    async def main() -> None:
        client = client_for(snmpd, creds_for(RW_USER))
        for name, varbinds, expected in BAD_VALUES:
            result = await request(client, ber.SET_REQUEST, varbinds)
            assert isinstance(result.error, expected), (name, result)
            assert client.pending == 0
        result = await request(client, 0xA4, get_vbs(SYS_NAME_0))  # Trap-PDU: not a request
        assert isinstance(result.error, errors.ConfigurationError)
        result = await request(
            client, ber.GET_BULK_REQUEST, get_vbs(SYSTEM), non_repeaters=-1, max_repetitions=5
        )
        assert isinstance(result.error, errors.ConfigurationError)
        assert "non_repeaters" in str(result.error)
        result = await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0))
        assert result.error is None and result.varbinds[0][2] == SYS_NAME.encode()
        engine = client._engine
        assert engine is not None and engine.usable()
        client.close()

    asyncio.run(main())


def test_send_needs_a_running_loop() -> None:
    client = V3Client(creds_for(RW_USER), "127.0.0.1", 161, timeout=1.0, retries=0)
    done: Callable[[PduResult], None] = lambda result: None  # noqa: E731
    with pytest.raises(RuntimeError):
        client.send(ber.GET_REQUEST, get_vbs(SYS_NAME_0), done)


# --------------------------------------------------------------------- credentials and secrets


def test_credentials_are_normalised() -> None:
    creds = V3Credentials("u", "AUTHPRIV", "sha-1", "a" * 8, "aes-128", "p" * 8)
    assert (creds.sec_level, creds.auth_proto, creds.priv_proto) == ("authPriv", "SHA", "AES")
    defaults = V3Credentials("u", "authPriv", None, "a" * 8, None, "p" * 8)
    assert (defaults.auth_proto, defaults.priv_proto) == ("MD5", "DES")
    unused = V3Credentials("u", "noAuthNoPriv", "SHA", "short", "AES", "x")
    assert (unused.auth_proto, unused.auth_pass, unused.priv_proto, unused.priv_pass) == (
        None,
        None,
        None,
        None,
    )
    with_context = V3Credentials(
        "u", "authNoPriv", "SHA", "a" * 8, None, None, "ctx", b"\x80\x00\x1f\x88\x01"
    )
    assert with_context.engine_key() == V3Credentials("u", "authNoPriv", "SHA", "a" * 8, None, None)
    for proto in ("MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"):
        assert V3Credentials("u", "authNoPriv", proto, "a" * 8, None, None).auth_proto == proto
    for proto in ("DES", "3DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"):
        assert V3Credentials("u", "authPriv", "SHA", "a" * 8, proto, "p" * 8).priv_proto == proto


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"sec_level": "authPrivX"}, "sec_level"),
        ({"sec_name": ""}, "sec_name"),
        ({"auth_proto": "SHA-128"}, "auth_proto"),
        ({"priv_proto": "AES-512"}, "priv_proto"),
        ({"auth_pass": "seven77"}, "auth_pass"),
        ({"priv_pass": "seven77"}, "priv_pass"),
        ({"auth_pass": None}, "auth_pass"),
        ({"priv_pass": None}, "priv_pass"),
        ({"context_engine_id": b"\x01"}, "context_engine_id"),
        ({"sec_engine_id": "80001f88"}, "sec_engine_id"),
    ],
)
def test_credentials_validation_names_the_field(kwargs: dict[str, Any], field: str) -> None:
    fields: dict[str, Any] = {
        "sec_name": "user",
        "sec_level": "authPriv",
        "auth_proto": "SHA",
        "auth_pass": "secret-auth-1",
        "priv_proto": "AES",
        "priv_pass": "secret-priv-1",
    }
    fields.update(kwargs)
    with pytest.raises(errors.ConfigurationError) as caught:
        V3Credentials(**fields)
    message = str(caught.value)
    assert message.startswith(field + ":")
    for secret in ("secret-auth-1", "secret-priv-1", "seven77"):
        assert secret not in message


def test_client_arguments_are_validated() -> None:
    creds = creds_for(RW_USER)
    for kwargs in (
        {"host": "localhost"},
        {"port": 0},
        {"timeout": 0},
        {"timeout": float("nan")},
        {"retries": -1},
    ):
        args: dict[str, Any] = {"host": "127.0.0.1", "port": 161, "timeout": 1.0, "retries": 1}
        args.update(kwargs)
        with pytest.raises(errors.ConfigurationError) as caught:
            V3Client(creds, args.pop("host"), args.pop("port"), **args)
        assert str(caught.value).startswith(next(iter(kwargs)) + ":")


def test_no_secret_in_repr_str_or_errors(snmpd: SnmpdAgent) -> None:
    creds = V3Credentials("someone", "authPriv", "SHA", "AuthSecret-42", "AES", "PrivSecret-42")
    for text in (
        repr(creds),
        str(creds),
        repr(V3Client(creds, "127.0.0.1", 1, timeout=1, retries=0)),
    ):
        assert "AuthSecret-42" not in text and "PrivSecret-42" not in text
        assert "someone" in text
    assert "auth_pass='***'" in repr(creds) and "priv_pass='***'" in repr(creds)

    async def main() -> list[PduResult]:
        client = client_for(snmpd, creds, timeout=0.2, retries=0)
        results = [
            await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0)),
            await request(client, ber.SET_REQUEST, [(SYS_CONTACT_0, ber.INTEGER, 2**40)]),
        ]
        client.close()
        results.append(await request(client, ber.GET_REQUEST, get_vbs(SYS_NAME_0)))
        return results

    for result in asyncio.run(main()):
        assert result.error is not None
        for text in (str(result.error), repr(result.error), result.error.error_str):
            assert "AuthSecret-42" not in text and "PrivSecret-42" not in text
