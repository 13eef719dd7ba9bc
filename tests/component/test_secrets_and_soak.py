"""Secrets never leak; a long run leaves nothing behind and does not grow."""

from __future__ import annotations

import asyncio
import gc
import logging
import resource
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors, transport
from snmp_component._core import usm
from snmp_component._core.usm import UsmUser
from snmp_component._core.v3msg import RemoteEngine
from snmp_component.testing import SnmpdAgent

from .conftest import poll, run_kernel

COMMUNITY = "S3cret-Community-42"
AUTH = "Auth-S3cret-42"
PRIV = "Priv-S3cret-42"
SECRETS = (COMMUNITY, AUTH, PRIV)


def test_secrets_never_appear_in_reprs_logs_or_errors(
    snmpd: SnmpdAgent, silent_port: int, caplog: Any
) -> None:
    caplog.set_level(logging.DEBUG)
    texts: list[str] = []
    # v2c with a wrong community: the agent stays silent -> timeouts.
    answers, snmp = poll([("get", "sysName.0"), ("set", "sysContact.0", "x")],
                         DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2,
                         Community=COMMUNITY, Timeout=100_000, Retries=0)  # fmt: skip
    texts += [repr(snmp), str(snmp), repr(snmp.options)]
    texts += [repr(a.error) + str(a.error) + a.error_str for a in answers]
    # v3 with wrong passwords, on both engines: security errors and timeouts.
    for v3_engine in ("native", "pysnmp"):
        for port in (snmpd.port, silent_port):
            answers, snmp = poll(
                [("get", "sysName.0")], DestHost="127.0.0.1", RemotePort=port, Version=3,
                SecName="privAESUser", SecLevel="authPriv", AuthProto="SHA", AuthPass=AUTH,
                PrivProto="AES", PrivPass=PRIV, Timeout=100_000, Retries=0, V3Engine=v3_engine,
            )  # fmt: skip
            texts += [repr(snmp), repr(snmp.options)]
            texts += [repr(a.error) + str(a.error) + a.error_str for a in answers]
            assert all(isinstance(a.error, errors.SNMPError) for a in answers)
    # The USM objects themselves, with keys localised.
    user = UsmUser("u", "SHA", AUTH, "AES", PRIV)
    engine = RemoteEngine(user, engine_id=bytes.fromhex("80001f8880e9630000d61ff449"))
    keys = engine.keys
    assert keys is not None
    texts += [repr(user), str(user), repr(engine), repr(keys), str(keys)]
    # Bad input naming the keyword but not the secret.
    with pytest.raises(errors.ConfigurationError) as info:
        SNMPComponent.create(Kernel(), DestHost="h", Version=3, SecLevel="authNoPriv",
                             AuthPass="short7!")  # fmt: skip
    texts.append(str(info.value))
    texts += [record.getMessage() + str(record.args) for record in caplog.records]
    everything = "\n".join(texts)
    for secret in (*SECRETS, "short7!"):
        assert secret not in everything
    engine_id = bytes.fromhex("80001f8880e9630000d61ff449")
    auth_key = usm.localize_key(usm.password_to_key(AUTH, "SHA"), "SHA", engine_id)
    priv_key = usm.derive_priv_key(usm.password_to_key(PRIV, "SHA"), "SHA", "AES", engine_id)
    for key in (auth_key, priv_key):
        assert key.hex() not in everything and repr(key) not in everything


def rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def test_soak_requests_with_timeouts_and_components_coming_and_going(
    snmpd: SnmpdAgent, silent_port: int
) -> None:
    """100,000 requests (a fifth to a dead agent) and 1,000 components created and finished:
    exactly one answer each, nothing pending afterwards, no growth after warm-up."""
    rounds, per_round, components = 21, 5_000, 1_000  # 100,000 requests after warm-up

    def one_round(kernel: Kernel, n: int) -> dict[str, int]:
        live = SNMPComponent.create(kernel, Alias="live", DestHost="127.0.0.1",
                                    RemotePort=snmpd.port, Version=2, MaxInFlight=100,
                                    Retries=0)  # fmt: skip
        dead = SNMPComponent.create(kernel, Alias="dead", DestHost="127.0.0.1",
                                    RemotePort=silent_port, Version=2, MaxInFlight=100,
                                    Timeout=20_000, Retries=0)  # fmt: skip
        counts = {"sent": 0, "ok": 0, "timeout": 0, "other": 0}

        def send(ev: Event) -> None:
            i = counts["sent"]
            counts["sent"] += 1
            alias = "dead" if i % 5 == 0 else "live"
            ev.kernel.post(alias, "get", "on_resp", "sysUpTime.0")

        def start(ev: Event) -> None:
            for _ in range(200):
                send(ev)

        def on_resp(ev: Event) -> None:
            error = ev.arg1.error
            key = (
                "ok"
                if error is None
                else ("timeout" if isinstance(error, errors.SNMPTimeoutError) else "other")
            )
            counts[key] += 1
            if counts["sent"] < n:
                send(ev)
            elif counts["ok"] + counts["timeout"] + counts["other"] == n:
                ev.kernel.post("live", "finish")
                ev.kernel.post("dead", "finish")

        Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
        run_kernel(kernel, timeout=120)
        assert live.pending == 0 and dead.pending == 0
        return counts

    kernel = Kernel()
    one_round(kernel, per_round)  # warm-up: caches, MIB index, allocator
    gc.collect()
    before = rss_kb()
    for _ in range(rounds - 1):
        counts = one_round(kernel, per_round)
        assert counts["ok"] + counts["timeout"] == per_round and counts["other"] == 0
        assert counts["timeout"] == per_round // 5

    # 1,000 components created and finished, one request each.
    got: list[str] = []

    def start(ev: Event) -> None:
        for i in range(components):
            SNMPComponent.create(ev.kernel, Alias=f"c{i}", DestHost="127.0.0.1",
                                 RemotePort=snmpd.port, Version=2)  # fmt: skip
            ev.kernel.post(f"c{i}", "get", "on_resp", "sysName.0")

    def on_resp(ev: Event) -> None:
        got.append(ev.arg0.alias)
        ev.kernel.post(ev.arg0.alias, "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel, timeout=120)
    assert sorted(got) == sorted(f"c{i}" for i in range(components))
    gc.collect()
    growth_mb = (rss_kb() - before) / 1024
    # Nothing left: no session, no socket, no task.
    assert kernel.sessions == ()
    assert not transport._registry.get(kernel)
    assert growth_mb < 10, f"RSS grew {growth_mb:.1f} MB"


def test_no_tasks_left_after_awaitable_use(snmpd: SnmpdAgent, silent_port: int) -> None:
    async def main() -> set[Any]:
        live = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=snmpd.port,
                                    Version=2)  # fmt: skip
        dead = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=silent_port,
                                    Version=2, Timeout=20_000, Retries=0)  # fmt: skip
        results = await asyncio.gather(
            *(live.get("sysName.0") for _ in range(200)),
            *(dead.get("sysName.0") for _ in range(50)),
            return_exceptions=True,
        )
        assert sum(isinstance(r, errors.SNMPTimeoutError) for r in results) == 50
        live.finish()
        dead.finish()
        assert live.pending == dead.pending == 0
        return asyncio.all_tasks() - {asyncio.current_task()}

    assert asyncio.run(main()) == set()
