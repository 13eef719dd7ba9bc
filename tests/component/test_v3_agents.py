"""SNMPv3 against agents that change: a restart, and two agents sharing a user name."""

from __future__ import annotations

from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent
from snmp_component.testing import SnmpdAgent

from .conftest import run_kernel

SYSNAME = ".1.3.6.1.2.1.1.5.0"


def user_config(name: str, auth: str, priv: str) -> str:
    return f"createUser {name} SHA {auth} AES {priv}\nrouser {name} priv\n"


def v3(port: int, name: str, auth: str, priv: str, engine: str, **extra: Any) -> dict[str, Any]:
    return {
        "DestHost": "127.0.0.1", "RemotePort": port, "Version": 3, "SecName": name,
        "SecLevel": "authPriv", "AuthProto": "SHA", "AuthPass": auth, "PrivProto": "AES",
        "PrivPass": priv, "Timeout": 300_000, "Retries": 1, "V3Engine": engine, **extra,
    }  # fmt: skip


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
def test_agent_restarted_between_requests_recovers(engine: str) -> None:
    config = user_config("restartUser", "restart-auth-1", "restart-priv-1")
    first = SnmpdAgent(extra_config=config)
    first.start()
    port = first.port
    kernel = Kernel()
    SNMPComponent.create(kernel, **v3(port, "restartUser", "restart-auth-1",
                                      "restart-priv-1", engine))  # fmt: skip
    got: list[Any] = []
    agents = [first]

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.error or ev.arg1.varlist[0].val)
        if len(got) == 1:
            agents[0].stop()  # a new agent on the same port: new boots, clock and state
            agents.append(SnmpdAgent(port=port, extra_config=config))
            agents[-1].start()
            ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        else:
            ev.kernel.post("snmp", "finish")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", SYSNAME),
            "on_resp": on_resp,
        },
    )
    try:
        run_kernel(kernel, timeout=30)
    finally:
        for agent in agents:
            agent.stop()
    assert len(got) == 2 and got[0] == "anchor-agent"  # one answer each, on both engines
    if engine == "native":
        assert got[1] == "anchor-agent"  # the native engine resynchronises by itself
    # (pysnmp's engine does not recover within Timeout x (Retries + 1): a documented limit)


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
def test_two_agents_same_user_different_passwords_at_once(engine: str) -> None:
    one = SnmpdAgent(extra_config=user_config("twinUser", "twin-auth-one", "twin-priv-one"))
    two = SnmpdAgent(extra_config=user_config("twinUser", "twin-auth-two", "twin-priv-two"))
    with one, two:
        kernel = Kernel()
        SNMPComponent.create(kernel, Alias="one", **v3(one.port, "twinUser", "twin-auth-one",
                                                        "twin-priv-one", engine))  # fmt: skip
        SNMPComponent.create(kernel, Alias="two", **v3(two.port, "twinUser", "twin-auth-two",
                                                        "twin-priv-two", engine))  # fmt: skip
        got: dict[str, list[Any]] = {"one": [], "two": []}

        def start(ev: Event) -> None:
            for _ in range(20):
                ev.kernel.post("one", "get", "on_resp", SYSNAME)
                ev.kernel.post("two", "get", "on_resp", SYSNAME)

        def on_resp(ev: Event) -> None:
            alias = ev.arg0.alias
            got[alias].append(ev.arg1.error or ev.arg1.varlist[0].val)
            if len(got[alias]) == 20:
                ev.kernel.post(alias, "finish")

        Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
        run_kernel(kernel, timeout=30)
    assert got == {"one": ["anchor-agent"] * 20, "two": ["anchor-agent"] * 20}
