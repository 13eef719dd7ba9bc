"""SNMPv3 through the component: every fixture user, security failures, no blocking."""

from __future__ import annotations

import asyncio
import gc
import itertools
import time
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors
from snmp_component.testing import V3_USERS, SnmpdAgent, V3User

from .conftest import only, poll


@pytest.fixture(params=["native", "pysnmp"])
def engine(request: pytest.FixtureRequest) -> str:
    """Every test here runs on our own USM and on the pysnmp adapter."""
    return str(request.param)


SYSNAME = ".1.3.6.1.2.1.1.5.0"


def v3_keywords(agent: SnmpdAgent, user: V3User, **overrides: Any) -> dict[str, Any]:
    keywords: dict[str, Any] = {
        "DestHost": "127.0.0.1",
        "RemotePort": agent.port,
        "Version": 3,
        "SecName": user.name,
        "SecLevel": user.level,
        "Timeout": 500_000,
        "Retries": 0,
    }
    if user.auth_proto:
        keywords.update(AuthProto=user.auth_proto, AuthPass=user.auth_pass)
    if user.priv_proto:
        keywords.update(PrivProto=user.priv_proto, PrivPass=user.priv_pass)
    keywords.update(overrides)
    return keywords


@pytest.mark.parametrize("user", V3_USERS, ids=lambda u: u.name)
def test_every_v3_user_gets_sysname(snmpd: SnmpdAgent, user: V3User, engine: str) -> None:
    keywords = v3_keywords(snmpd, user, V3Engine=engine)
    answers, _ = poll([("get", SYSNAME), ("getnext", "sysContact.0")], **keywords)
    get, nxt = answers
    assert get.error is None and get.varlist[0].val == "anchor-agent"
    assert nxt.varlist[0].tag == "sysName"


def by_name(name: str) -> V3User:
    return next(u for u in V3_USERS if u.name == name)


def test_v3_walks_and_set(snmpd: SnmpdAgent, engine: str) -> None:
    user = by_name("privAESUser")
    answers, _ = poll(
        [("bulkwalk", 0, 5, "system"), ("walk", "system"), ("set", "sysContact.0", "x@y")],
        **v3_keywords(snmpd, user, V3Engine=engine),
    )
    by_cmd = {a.cmd: a for a in answers}
    bulk, walk, set_ = by_cmd["bulkwalk"], by_cmd["walk"], by_cmd["set"]
    assert len(bulk.varlist[0]) > 8 and len(walk.varlist[0]) == len(bulk.varlist[0])
    assert isinstance(set_.error, errors.NotWritable) and set_.error_num == 17


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"AuthPass": "wrong-password"}, errors.WrongDigest),
        ({"SecName": "nobodyUser"}, errors.UnknownUserName),
    ],
)
def test_v3_security_failures_answer_once(
    snmpd: SnmpdAgent, overrides: dict[str, Any], expected: type[Exception], engine: str
) -> None:
    keywords = v3_keywords(snmpd, by_name("authSHAUser"), V3Engine=engine, **overrides)
    answers, _ = poll([("get", SYSNAME)], **keywords)
    a = only(answers)
    assert isinstance(a.error, expected) and a.varlist is None
    assert "wrong-password" not in a.error_str


def test_v3_wrong_priv_password_answers_once(snmpd: SnmpdAgent, engine: str) -> None:
    keywords = v3_keywords(snmpd, by_name("privAESUser"), PrivPass="wrong-privpass",
                           V3Engine=engine)  # fmt: skip
    a = only(poll([("get", SYSNAME)], **keywords)[0])
    assert a.varlist is None and isinstance(a.error, errors.SNMPError)


def test_v3_dead_port_does_not_block_the_loop(silent_port: int, engine: str) -> None:
    user = by_name("privAESUser")
    keywords = {
        "V3Engine": engine,
        "DestHost": "127.0.0.1",
        "RemotePort": silent_port,
        "Version": 3,
        "SecName": user.name,
        "SecLevel": "authPriv",
        "AuthProto": "SHA",
        "AuthPass": user.auth_pass,
        "PrivProto": "AES",
        "PrivPass": user.priv_pass,
        "Timeout": 200_000,
        "Retries": 1,
    }
    kernel = Kernel()
    SNMPComponent.create(kernel, **keywords)
    ticks: list[float] = []
    got: list[Any] = []

    def start(ev: Event) -> None:
        for _ in range(20):
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        ev.kernel.delay("tick", 0.05)

    def tick(ev: Event) -> None:
        ticks.append(time.monotonic())
        if len(got) < 20:
            ev.kernel.delay("tick", 0.05)

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.error)
        if len(got) == 20:
            ev.kernel.post("snmp", "finish")

    Session.create(kernel, inline_states={"_start": start, "tick": tick, "on_resp": on_resp})
    gc.collect()  # the ticker measures our code, not a collection of the suite's garbage
    gc.disable()
    try:
        asyncio.run(asyncio.wait_for(kernel.run_async(), 30))
    finally:
        gc.enable()
    assert len(got) == 20 and all(isinstance(e, errors.SNMPTimeoutError) for e in got)
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    assert len(gaps) >= 5 and max(gaps) < 0.05 + 0.05, gaps


def test_v3_awaitable(snmpd: SnmpdAgent, engine: str) -> None:
    async def main() -> None:
        keywords = v3_keywords(snmpd, by_name("sha256User"), V3Engine=engine)
        snmp = SNMPComponent.create(Kernel(), **keywords)
        assert (await snmp.get(SYSNAME))[0].val == "anchor-agent"
        results = await asyncio.gather(*(snmp.get(SYSNAME) for _ in range(100)))
        assert all(r[0].val == "anchor-agent" for r in results)
        snmp.finish()

    asyncio.run(asyncio.wait_for(main(), 30))
