"""create() validation, finish, lifetime, and the awaitable form (reference §8 1-9, 43-51)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, VarList, errors
from snmp_component.testing import SnmpdAgent

from .conftest import poll, run_kernel

UPTIME = ".1.3.6.1.2.1.1.3.0"
SYSNAME = ".1.3.6.1.2.1.1.5.0"

# ---------------------------------------------------------------- create()


def test_defaults_and_returned_session() -> None:
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=11161)
    assert (snmp.Alias, snmp.DestHost, snmp.RemotePort, snmp.Version) == (
        "snmp",
        "127.0.0.1",
        11161,
        "1",
    )
    assert (snmp.Timeout, snmp.Retries) == (1_000_000, 5)
    assert kernel.alias_resolve("snmp") is not None
    assert "public" not in repr(snmp)


@pytest.mark.parametrize(
    "keywords",
    [
        {"alias": "a", "hostname": "127.0.0.1"},
        {"-alias": "a", "-desthost": "127.0.0.1"},
        {"ALIAS": "a", "Desthost": "127.0.0.1"},
        {"Alias": "a", "dest_host": "127.0.0.1"},
        {"alias": "a", "desthost": "127.0.0.1", "hostname": "192.0.2.1"},  # desthost wins
    ],
)
def test_keyword_spellings(keywords: dict[str, Any]) -> None:
    snmp = SNMPComponent.create(Kernel(), **keywords)
    assert (snmp.Alias, snmp.DestHost) == ("a", "127.0.0.1")


@pytest.mark.parametrize(
    ("keywords", "message"),
    [
        ({}, "desthost parameter required"),
        ({"Alias": "x"}, "desthost parameter required"),
        ({"DestHost": "h", "Comunity": "x"}, "unknown keyword 'Comunity'; valid keywords are: "),
        ({"DestHost": "h", "Version": "bogus"}, "Version 'bogus' is not supported"),
        ({"DestHost": "h", "Version": 4}, "Version 4 is not supported"),
        ({"DestHost": "h", "Timeout": -1}, "Timeout must be a positive, finite number"),
        ({"DestHost": "h", "Timeout": float("inf")}, "Timeout must be a positive, finite number"),
        ({"DestHost": "h", "UseNumeric": "maybe"}, "UseNumeric must be 0 or 1"),
        ({"DestHost": "h", "Timeout": "1s"}, "Timeout must be a number of microseconds"),
        ({"DestHost": "h", "Retries": -1}, "Retries must be an int >= 0"),
        ({"DestHost": "h", "RemotePort": 70000}, "RemotePort must be an int in 1..65535"),
        ({"DestHost": "h:x"}, "is not a number"),
        ({"DestHost": "tcp:h:161"}, "only UDP"),
        ({"DestHost": "h", "Version": 3, "SecLevel": "authOnly"}, "SecLevel: unsupported value"),
        (
            {"DestHost": "h", "Version": 3, "SecLevel": "authNoPriv", "AuthProto": "SHA-1024",
             "AuthPass": "12345678"},
            "AuthProto: unsupported value; use one of MD5",
        ),
        (
            {"DestHost": "h", "Version": 3, "SecLevel": "authPriv", "AuthPass": "12345678",
             "PrivProto": "ROT13", "PrivPass": "12345678"},
            "PrivProto: unsupported value; use one of DES",
        ),
        (
            {"DestHost": "h", "Version": 3, "SecLevel": "authNoPriv", "AuthPass": "short"},
            "AuthPass must be at least 8 octets",  # (one message everywhere: RFC 3414's octets)
        ),
        ({"DestHost": "h", "MaxInFlight": 0}, "MaxInFlight must be an int >= 1"),
        ({"DestHost": "h", "UseSprintValue": "sometimes"}, "UseSprintValue must be 0 or 1"),
        ({"DestHost": "h", "UseLongNames": 2.5}, "UseLongNames must be 0 or 1"),
    ],
)  # fmt: skip
def test_create_errors_name_the_problem(keywords: dict[str, Any], message: str) -> None:
    kernel = Kernel()
    with pytest.raises(errors.ConfigurationError, match=message.replace("(", r"\(")) as info:
        SNMPComponent.create(kernel, **keywords)
    assert "short" not in str(info.value) and "12345678" not in str(info.value)
    assert kernel.sessions == ()


def test_versions() -> None:
    for given, shown in [(1, "1"), ("1", "1"), (2, "2c"), ("2", "2c"), ("2c", "2c"),
                         ("snmpv2c", "2c"), ("SNMPv3", "3"), (3, "3")]:  # fmt: skip
        extra = {"SecLevel": "noAuthNoPriv"} if shown == "3" else {}
        assert SNMPComponent.create(Kernel(), DestHost="h", Version=given, **extra).Version == shown


def test_duplicate_alias_is_rejected_and_the_first_keeps_working(snmpd: SnmpdAgent) -> None:
    kernel = Kernel()
    first = SNMPComponent.create(kernel, DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2)
    with pytest.raises(errors.ConfigurationError, match="instance called 'snmp' already exists"):
        SNMPComponent.create(kernel, DestHost="127.0.0.2", Version=2)
    got: list[str] = []

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.varlist[0].val)
        ev.kernel.post("snmp", "finish")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", SYSNAME),
            "on_resp": on_resp,
        },
    )
    run_kernel(kernel)
    assert got == ["anchor-agent"] and first.pending == 0


def test_secrets_never_show(snmpd: SnmpdAgent, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)
    snmp = SNMPComponent.create(
        Kernel(), DestHost="127.0.0.1", Community="s3cret-community", Version=3,
        SecName="u", SecLevel="authPriv", AuthPass="auth-s3cret", PrivPass="priv-s3cret",
    )  # fmt: skip
    text = repr(snmp) + str(snmp) + repr(snmp.options) + caplog.text
    for secret in ("s3cret-community", "auth-s3cret", "priv-s3cret"):
        assert secret not in text


# ---------------------------------------------------------------- finish


def test_finish_rejects_new_posts_and_delivers_pending(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    got: list[Any] = []
    after: dict[str, Any] = {}

    def start(ev: Event) -> None:
        k = ev.kernel
        k.post("snmp", "get", "on_resp", SYSNAME)
        k.post("snmp", "getnext", "on_resp", SYSNAME)
        k.post("snmp", "finish")
        k.yield_("check")

    def check(ev: Event) -> None:
        after["resolves"] = ev.kernel.alias_resolve("snmp")
        after["post"] = ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        after["finish again"] = ev.kernel.post("snmp", "finish")

    Session.create(
        kernel,
        inline_states={
            "_start": start,
            "check": check,
            "on_resp": lambda ev: got.append((ev.arg0.cmd, ev.arg1.error)),
        },
    )
    run_kernel(kernel)
    assert got == [("get", None), ("getnext", None)]
    assert after == {"resolves": None, "post": False, "finish again": False}


def test_requests_queued_behind_finish_get_a_shutdown_answer(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", SYSNAME), ("finish",), ("get", SYSNAME)], finish=False, **v2)
    assert [type(a.error).__name__ for a in answers] == ["ShutdownError", "NoneType"] or [
        type(a.error).__name__ for a in answers
    ] == ["NoneType", "ShutdownError"]


def test_finish_delivers_a_pending_timeout(silent_port: int) -> None:
    t0 = time.monotonic()
    answers, _ = poll(
        [("get", UPTIME), ("finish",)],
        finish=False,
        DestHost="127.0.0.1",
        RemotePort=silent_port,
        Version=2,
        Timeout=300_000,
        Retries=0,
    )
    assert len(answers) == 1 and isinstance(answers[0].error, errors.SNMPTimeoutError)
    assert 0.25 < time.monotonic() - t0 < 2


def test_client_side_failure_then_finish_still_returns(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", "nonsense.0"), ("getbulk", 0, 1), ("finish",)], finish=False, **v2)
    assert len(answers) == 2 and all(a.varlist is None for a in answers)


def test_finish_from_callback_and_recreate_same_alias(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    got: list[tuple[int, str]] = []

    def on_resp(ev: Event) -> None:
        got.append((ev.arg0.session.ErrorNum, ev.arg1.varlist[0].val))
        ev.kernel.post("snmp", "finish")
        if len(got) == 1:
            ev.kernel.call("snmp", "finish")  # already finishing: harmless
            SNMPComponent.create(ev.kernel, **v2)  # the alias is free again
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", SYSNAME),
            "on_resp": on_resp,
        },
    )
    run_kernel(kernel)
    assert got == [(0, "anchor-agent"), (0, "anchor-agent")]


def test_component_never_finished_does_not_keep_run_alive(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", SYSNAME)], finish=False, **v2)
    assert len(answers) == 1  # run() returned once the requester had nothing left to wait for


def test_run_twice_with_fresh_components(v2: dict[str, Any]) -> None:
    for _ in range(2):
        answers, _ = poll([("get", SYSNAME)], **v2)
        assert answers[0].varlist[0].val == "anchor-agent"


def test_sockets_are_released_after_finish(v2: dict[str, Any]) -> None:
    from snmp_component import transport

    kernel = Kernel()
    poll([("get", SYSNAME)], kernel=kernel, **v2)
    assert all(not t for t in [transport._registry.get(kernel, {})])


# ---------------------------------------------------------------- awaitable form


def test_awaitable_form(v2: dict[str, Any], v1: dict[str, Any]) -> None:
    async def main() -> None:
        snmp = SNMPComponent.create(Kernel(), Alias="aw", **v2)
        varlist = await snmp.get("sysName.0", UPTIME)
        assert isinstance(varlist, VarList) and varlist[0].val == "anchor-agent"
        assert (await snmp.getnext(SYSNAME))[0].tag == "sysLocation"
        assert len(await snmp.getbulk(0, 3, "system")) == 3
        walked = await snmp.bulkwalk(0, 5, "system")
        assert len(walked) == 1 and len(walked[0]) > 8
        assert len((await snmp.walk("system"))[0]) == len(walked[0])
        with pytest.raises(errors.NoAccess):
            await snmp.set(["sysContact", 0, "x", "OCTETSTR"])
        with pytest.raises(errors.UnknownObjectError, match="nonsense"):
            await snmp.get("nonsense.0")
        assert snmp.ErrorNum == 6  # the last answered request (set)
        results = await asyncio.gather(*(snmp.get(UPTIME) for _ in range(50)))
        assert len(results) == 50
        snmp.finish()
        with pytest.raises(errors.ShutdownError):
            await snmp.get(UPTIME)
        old = SNMPComponent.create(Kernel(), **v1)
        with pytest.raises(errors.VersionMismatchError):
            await old.getbulk(0, 3, "system")
        old.finish()

    asyncio.run(asyncio.wait_for(main(), 20))


def test_awaitable_timeout(silent_port: int) -> None:
    async def main() -> None:
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=silent_port, Version=2,
            Timeout=100_000, Retries=1,
        )  # fmt: skip
        t0 = time.monotonic()
        with pytest.raises(errors.SNMPTimeoutError) as info:
            await snmp.get(UPTIME)
        assert info.value.attempts == 2 and 0.15 < time.monotonic() - t0 < 1
        snmp.finish()

    asyncio.run(asyncio.wait_for(main(), 10))


def test_dns_names_resolve_without_blocking(snmpd: SnmpdAgent) -> None:
    answers, _ = poll([("get", SYSNAME)], DestHost=f"localhost:{snmpd.port}", Version=2, Retries=0)
    assert answers[0].varlist[0].val == "anchor-agent"
    answers, _ = poll([("get", SYSNAME)], DestHost="no-such-host.invalid", Version=2)
    assert isinstance(answers[0].error, errors.TransportError)
    assert "no-such-host.invalid" in answers[0].error_str


def test_boolean_options_read_like_net_snmp() -> None:
    for value, expected in [("0", 0), ("", 0), ("no", 0), (0, 0), ("1", 1), (True, 1), (2, 1)]:
        snmp = SNMPComponent.create(Kernel(), DestHost="h", UseNumeric=value, UseEnums="0")
        assert snmp.UseNumeric == expected


def test_unencodable_host_name_is_one_transport_error() -> None:
    bad = "a" * 70 + ".example"  # a DNS label over 63 characters: IDNA cannot encode it
    answers, snmp = poll([("get", SYSNAME)], DestHost=bad, Version=2)
    assert isinstance(answers[0].error, errors.TransportError) and snmp.pending == 0

    async def main() -> None:
        snmp = SNMPComponent.create(Kernel(), DestHost=bad, Version=2)
        with pytest.raises(errors.TransportError):
            await snmp.get(SYSNAME)
        assert snmp.pending == 0

    asyncio.run(asyncio.wait_for(main(), 10))


def test_one_component_used_from_several_event_loops(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **v2)

    async def once() -> str:
        return str((await snmp.get(SYSNAME))[0].val)

    assert asyncio.run(asyncio.wait_for(once(), 10)) == "anchor-agent"
    assert asyncio.run(asyncio.wait_for(once(), 10)) == "anchor-agent"
    got: list[Any] = []

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.error)
        ev.kernel.post("snmp", "finish")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", SYSNAME),
            "on_resp": on_resp,
        },
    )
    run_kernel(kernel)
    assert got == [None] and snmp.pending == 0


def test_kernel_stop_with_answers_on_their_way_leaves_nothing_pending(v2: dict[str, Any]) -> None:
    """Stopping from the first callback still answers the second request, once."""
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **v2)
    seen: list[int] = []

    def on_resp(ev: Event) -> None:
        assert ev.arg1.error is None or isinstance(ev.arg1.error, errors.ShutdownError)
        seen.append(1)
        ev.kernel.stop()

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: [ev.kernel.post("snmp", "get", "on_resp", SYSNAME) for _ in "ab"],
            "on_resp": on_resp,
        },
    )
    run_kernel(kernel)
    assert seen == [1, 1] and snmp.pending == 0


def test_internal_states_posted_by_users_are_ignored(v2: dict[str, Any], caplog: Any) -> None:
    answers, _ = poll([("_stop",), ("_snmp_deliver", 1, 2, 3), ("get", SYSNAME)], **v2)
    assert [a.varlist[0].val for a in answers] == ["anchor-agent"]
    assert "ignored" in caplog.text


def test_kernel_wide_cap_on_requests_in_flight(snmpd: SnmpdAgent) -> None:
    kernel = Kernel()
    SNMPComponent.set_kernel_limit(kernel, 4)
    options = {"DestHost": "127.0.0.1", "RemotePort": snmpd.port, "Version": 2, "MaxInFlight": 10}
    comps = [SNMPComponent.create(kernel, Alias=f"k{i}", **options) for i in range(3)]
    most: list[int] = []
    got: list[tuple[str, int]] = []

    def start(ev: Event) -> None:
        for n in range(20):
            for i in range(3):
                ev.kernel.post(f"k{i}", "get", "on_resp", SYSNAME, callback_args=[n])
        for i in range(3):
            ev.kernel.post(f"k{i}", "finish")  # with full queues: they still drain
        ev.kernel.yield_("sample")

    def sample(ev: Event) -> None:
        most.append(sum(c.in_flight for c in comps))

    def on_resp(ev: Event) -> None:
        most.append(sum(c.in_flight for c in comps))
        assert ev.arg1.error is None
        got.append((ev.arg0.alias, ev.arg1.callback_args[0]))

    Session.create(kernel, inline_states={"_start": start, "sample": sample, "on_resp": on_resp})
    run_kernel(kernel)
    assert max(most) <= 4
    assert sorted(got) == sorted((f"k{i}", n) for i in range(3) for n in range(20))
    for i in range(3):  # FIFO within each component
        assert [n for a, n in got if a == f"k{i}"] == list(range(20))
    with pytest.raises(errors.ConfigurationError, match="max_in_flight"):
        SNMPComponent.set_kernel_limit(kernel, 0)


def test_the_awaitable_form_without_a_running_kernel_leaves_nothing_behind(
    v2: dict[str, Any],
) -> None:
    """Used as the README shows it (no ``kernel.run()``): finished components leave the
    kernel, and the kernel's idle bookkeeping does not grow with each request."""
    kernel = Kernel()

    async def main() -> None:
        snmp = SNMPComponent.create(kernel, Alias="many", **v2)
        for _ in range(300):
            await snmp.get(SYSNAME)
        snmp.finish()
        for i in range(50):
            other = SNMPComponent.create(kernel, Alias=f"c{i}", **v2)
            await other.get(SYSNAME)
            other.finish()

    asyncio.run(main())
    assert kernel.sessions == ()
    assert len(kernel._candidates) < 10  # not one per request
