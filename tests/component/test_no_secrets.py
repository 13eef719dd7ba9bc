"""No secret in any repr, str or message (issue #10, finding 10).

Every public object that holds a secret -- components (v1/v2c and v3 on both engines, with
every option), :class:`SessionOptions`, trap listeners (communities and users), trap
senders, the :class:`TrapInfo` of received notifications -- and the errors raised for bad
input that carries a secret (``Users`` entries that are not dicts, short pass phrases,
protocol keywords given a pass phrase, unknown keywords ...) are turned into text: the
objects' ``repr`` and ``str``, the ``repr`` of each of their attributes (``vars()`` and
``__slots__``, one level), the exceptions' ``str`` and ``repr`` and every log record. No
community, pass phrase, key derived from a pass phrase (Ku or localized), nor their hex
forms may appear in any of it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from snmp_component import Event, Kernel, Session, SNMPComponent, errors
from snmp_component._core import usm
from snmp_component._core.usm import UsmUser
from snmp_component._pysnmp.v3 import V3Credentials
from snmp_component.options import SessionOptions, parse_options
from snmp_component.testing import SnmpdAgent, V3User
from snmp_component.traps import SNMPTrapListener, TrapInfo, TrapSender

from .conftest import poll

# Distinctive secrets: none of them can occur in a text by chance.
COMMUNITY = "Cmty-q7Zx-LEAKED"
AUTH = "AuthPh-K93p-LEAKED"
PRIV = "PrivPh-W41m-LEAKED"
TRAP_COMMUNITY = "TrapCmty-R8v2-LEAKED"
TRAP_COMMUNITY_2 = "TrapCmty-J3k9-LEAKED"
TRAP_AUTH = "TrapAuth-T5n8-LEAKED"
TRAP_PRIV = "TrapPriv-U2j6-LEAKED"
SHORT = "Sh0rt!7"  # 7 characters: too short for USM
SECRETS = (COMMUNITY, AUTH, PRIV, TRAP_COMMUNITY, TRAP_COMMUNITY_2, TRAP_AUTH, TRAP_PRIV, SHORT)

SESSION_ENGINE = bytes.fromhex("80001f8880aabbccddeeff0011")  # SecEngineId of the v3 sessions
TRAP_ENGINE = bytes.fromhex("80001f8880010203040506")  # the v3 trap sender's engine ID
LISTENER_ENGINE = bytes.fromhex("80001f88800a0b0c0d0e0f")  # the listener's (v3 informs)
TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"


def _derived(secret: str, engine_ids: Iterable[bytes]) -> list[bytes]:
    """What USM derives from a pass phrase: Ku per hash, the localized key per engine ID."""
    out = []
    for auth in usm.AUTH_PROTOCOLS:
        ku = usm.password_to_key(secret, auth)
        out.append(ku)
        out += [usm.localize_key(ku, auth, engine_id) for engine_id in engine_ids]
    return out


def _needles() -> dict[str, str]:
    """Every string that must not appear, with what it is."""
    needles: dict[str, str] = {}
    for secret in SECRETS:
        needles[secret] = f"secret {secret}"
        needles[secret.encode().hex()] = f"hex of {secret}"
        fingerprint = usm._fingerprint(secret.encode())
        needles[fingerprint.hex()] = f"the cache fingerprint of {secret}"
        needles[repr(fingerprint)[2:-1]] = f"the cache fingerprint of {secret} (repr)"
    engines = (SESSION_ENGINE, TRAP_ENGINE, LISTENER_ENGINE)
    for secret in (AUTH, PRIV, TRAP_AUTH, TRAP_PRIV):
        for key in _derived(secret, engines):
            needles[key.hex()] = f"a key derived from {secret}"
            needles[repr(key)[2:-1]] = f"a key derived from {secret} (repr)"
    return needles


def _attributes(obj: object) -> dict[str, Any]:
    """``vars(obj)`` plus the ``__slots__`` it fills."""
    attrs = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        slots = getattr(cls, "__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in attrs and hasattr(obj, name):
                attrs[name] = getattr(obj, name)
    return attrs


class Texts:
    """Everything the objects under test show, labelled by where it came from."""

    def __init__(self, caplog: pytest.LogCaptureFixture | None = None) -> None:
        self.items: list[tuple[str, str]] = []
        self.caplog = caplog

    def add(self, label: str, obj: object) -> None:
        """``repr`` and ``str`` of ``obj`` and the ``repr`` of each attribute (one level)."""
        self.items.append((f"repr({label})", repr(obj)))
        self.items.append((f"str({label})", str(obj)))
        for name, value in _attributes(obj).items():
            self.items.append((f"{label}.{name}", repr(value)))
        if isinstance(obj, BaseException):
            self.items.append((f"{label}.args", repr(obj.args)))

    def raises(self, label: str, call: Callable[[], object]) -> BaseException:
        """Run ``call``, which must raise a ConfigurationError; add the exception."""
        with pytest.raises(errors.ConfigurationError) as info:
            call()
        self.add(label, info.value)
        return info.value

    def check(self) -> None:
        """Fail naming every text that shows a secret (log records of the test included)."""
        for record in self.caplog.records if self.caplog is not None else ():
            self.items.append((f"log {record.name}", record.getMessage() + repr(record.args)))
            if record.exc_text:
                self.items.append((f"log {record.name} traceback", record.exc_text))
        leaks = [
            f"{label} shows {what}: {text[:300]}"
            for label, text in self.items
            for needle, what in _needles().items()
            if needle in text
        ]
        assert not leaks, "\n".join(leaks)


@pytest.fixture
def texts(caplog: pytest.LogCaptureFixture) -> Texts:
    """A :class:`Texts` that also checks the log records of the test (DEBUG and up)."""
    caplog.set_level(logging.DEBUG)
    return Texts(caplog)


# ================================================================== components
V3_OPTIONS: dict[str, Any] = {
    "Version": 3, "SecName": "privAESUser", "SecLevel": "authPriv", "AuthProto": "SHA",
    "AuthPass": AUTH, "PrivProto": "AES", "PrivPass": PRIV,
}  # fmt: skip
EVERY_OPTION: dict[str, Any] = {
    "Alias": "every-option", "Timeout": 100_000, "Retries": 0, "UseNumeric": 0,
    "UseLongNames": 1, "UseSprintValue": 1, "UseEnums": 1, "NonIncreasing": 1,
    "MaxInFlight": 3, "MaxRows": 50, "MaxRequests": 20, "Deadline": 5,
}  # fmt: skip


def _add_session(texts: Texts, label: str, snmp: Any) -> None:
    texts.add(label, snmp)
    texts.add(f"{label}.options", snmp.options)
    actor = snmp._actor
    texts.add(f"{label}._actor", actor)
    if actor._sender is not None:
        texts.add(f"{label}._actor._sender", actor._sender)


def test_v1_v2c_components_with_every_option(
    texts: Texts, snmpd: SnmpdAgent, silent_port: int
) -> None:
    """Wrong community (silence: timeouts) and a dead port, v1 and v2c, every option."""
    for version in (1, 2):
        for port in (snmpd.port, silent_port):
            answers, snmp = poll(
                [("get", "sysName.0"), ("set", "sysContact.0", "x"), ("walk", "system")],
                DestHost=f"127.0.0.1:{port}", Version=version, Community=COMMUNITY,
                **EVERY_OPTION,
            )  # fmt: skip
            _add_session(texts, f"v{version} session", snmp)
            for i, answer in enumerate(answers):
                texts.add(f"v{version} answer {i} error", answer.error)
                texts.add(f"v{version} answer {i} request", answer.request)
                texts.add(f"v{version} answer {i} response", answer.response)
    # The same component with the community as bytes.
    snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=2,
                                Community=COMMUNITY.encode())  # fmt: skip
    _add_session(texts, "bytes community session", snmp)
    snmp.finish()
    texts.check()


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
def test_v3_components_with_every_option(
    texts: Texts, snmpd: SnmpdAgent, silent_port: int, engine: str
) -> None:
    """Wrong pass phrases (security errors) and a dead port (discovery timeouts)."""
    for port in (snmpd.port, silent_port):
        answers, snmp = poll(
            [("get", "sysName.0"), ("bulkwalk", 0, 5, "system")],
            DestHost="127.0.0.1", RemotePort=port, V3Engine=engine, Context="",
            ContextEngineId="0x" + SESSION_ENGINE.hex(), SecEngineId=SESSION_ENGINE,
            **V3_OPTIONS, **EVERY_OPTION,
        )  # fmt: skip
        assert all(isinstance(a.error, errors.SNMPError) for a in answers), answers
        _add_session(texts, f"v3 {engine} session", snmp)
        for i, answer in enumerate(answers):
            texts.add(f"v3 {engine} answer {i} error", answer.error)
    # Discovered keys: the native sender localises to the agent's engine, the real one.
    answers, snmp = poll(
        [("get", "sysName.0")],
        DestHost="127.0.0.1",
        RemotePort=snmpd.port,
        V3Engine=engine,
        **{**V3_OPTIONS, "Timeout": 500_000, "Retries": 0},
    )
    _add_session(texts, f"v3 {engine} discovered", snmp)
    texts.add(f"v3 {engine} discovered error", answers[0].error)
    texts.check()


def test_session_options_in_every_form(texts: Texts) -> None:
    """SessionOptions built by parse_options, by hand and by dataclasses.replace."""
    opts = parse_options({"DestHost": "h", "Community": COMMUNITY, **V3_OPTIONS})
    texts.add("parsed options", opts)
    by_hand = SessionOptions(
        alias="a", dest_host="h", host="h", port=161, version=3, community=COMMUNITY.encode(),
        timeout=1.0, retries=0, sec_name="u", sec_level="authPriv", auth_proto="SHA",
        auth_pass=AUTH, priv_proto="AES", priv_pass=PRIV, context="", context_engine_id=None,
        sec_engine_id=None, use_numeric=False, non_increasing=False, max_in_flight=1,
    )  # fmt: skip
    texts.add("options made by hand", by_hand)
    replaced = dataclasses.replace(opts, community=b"x" + COMMUNITY.encode(), auth_pass=AUTH)
    texts.add("replaced options", replaced)
    texts.items.append(("asdict(options)", repr(dataclasses.asdict(opts))))
    texts.check()


# ================================================================== errors
BAD_CREATE: dict[str, dict[str, Any]] = {
    "short AuthPass": {**V3_OPTIONS, "AuthPass": SHORT},
    "short PrivPass": {**V3_OPTIONS, "PrivPass": SHORT},
    "AuthPass not a str": {**V3_OPTIONS, "AuthPass": AUTH.encode()},
    "PrivPass not a str": {**V3_OPTIONS, "PrivPass": [PRIV]},
    "AuthProto given the pass phrase": {**V3_OPTIONS, "AuthProto": AUTH},
    "PrivProto given the pass phrase": {**V3_OPTIONS, "PrivProto": PRIV},
    "SecLevel given the pass phrase": {**V3_OPTIONS, "SecLevel": AUTH},
    "v2c AuthProto given the pass phrase": {"Version": 2, "AuthProto": AUTH},
    "unknown keyword with a pass phrase": {**V3_OPTIONS, "AuthPassword": AUTH},
    "unknown keyword with a community": {"Version": 2, "Comunity": COMMUNITY},
    "community not str or bytes": {"Version": 2, "Community": [COMMUNITY]},
    "community given twice": {"Version": 2, "Community": COMMUNITY, "community": COMMUNITY},
}


@pytest.mark.parametrize("case", sorted(BAD_CREATE))
def test_create_errors_do_not_echo_secrets(texts: Texts, case: str) -> None:
    options = {"DestHost": "127.0.0.1", **BAD_CREATE[case]}
    texts.raises(case, lambda: SNMPComponent.create(Kernel(), **options))
    texts.raises(f"TrapSender: {case}", lambda: TrapSender(**options))
    texts.check()


USER = {"SecName": "tuser", "AuthProto": "SHA", "AuthPass": TRAP_AUTH, "PrivProto": "AES",
        "PrivPass": TRAP_PRIV}  # fmt: skip
BAD_LISTENER: dict[str, dict[str, Any]] = {
    "Users entry a tuple": {"Users": [("tuser", TRAP_AUTH, TRAP_PRIV)]},
    "Users entry a str": {"Users": [TRAP_AUTH]},
    "Users entry a list of pairs": {"Users": [[("AuthPass", TRAP_AUTH)]]},
    "Users a str": {"Users": TRAP_AUTH},
    "Users entry with a short AuthPass": {"Users": [{**USER, "AuthPass": SHORT}]},
    "Users entry with a short PrivPass": {"Users": [{**USER, "PrivPass": SHORT}]},
    "Users entry with AuthPass bytes too short": {"Users": [{**USER, "AuthPass": b"Sh0rt!7"}]},
    "Users entry with AuthProto the pass phrase": {"Users": [{**USER, "AuthProto": TRAP_AUTH}]},
    "Users entry with PrivProto the pass phrase": {"Users": [{**USER, "PrivProto": TRAP_PRIV}]},
    "Users entry with an unknown keyword": {"Users": [{**USER, "Password": TRAP_AUTH}]},
    "Users entry with a key not a str": {"Users": [{**USER, 7: TRAP_AUTH}]},
    "Users entry without SecName": {"Users": [{"AuthPass": TRAP_AUTH, "PrivPass": TRAP_PRIV}]},
    "Users entry with AuthPass not str or bytes": {"Users": [{**USER, "AuthPass": 12345678}]},
    "second Users entry bad": {"Users": [USER, (TRAP_AUTH,)]},
    "Communities entry not str or bytes": {"Communities": [TRAP_COMMUNITY, 42]},
    "Communities a number": {"Communities": 42},
    "unknown keyword with a community": {"Comunities": [TRAP_COMMUNITY]},
}


@pytest.mark.parametrize("case", sorted(BAD_LISTENER))
def test_listener_errors_do_not_echo_secrets(texts: Texts, case: str) -> None:
    texts.raises(case, lambda: SNMPTrapListener.create(Kernel(), **BAD_LISTENER[case]))
    texts.check()


def test_usm_errors_do_not_echo_secrets(texts: Texts) -> None:
    texts.raises("UsmUser short", lambda: UsmUser("u", "SHA", SHORT))
    texts.raises("UsmUser short priv", lambda: UsmUser("u", "SHA", AUTH, "AES", SHORT))
    texts.raises("V3Credentials short", lambda: V3Credentials("u", "authNoPriv", "SHA", SHORT))
    texts.check()


def test_internal_credentials_made_by_hand() -> None:
    """The internal credential objects made directly (not through create())."""
    texts = Texts()
    texts.add("V3Credentials", V3Credentials("u", "authPriv", "SHA", AUTH, "AES", PRIV))
    texts.add("UsmUser", UsmUser("u", "SHA", AUTH, "AES", PRIV))
    texts.add("testing.V3User", V3User("u", "authPriv", "SHA", AUTH, "AES", PRIV))
    texts.raises("V3Credentials proto", lambda: V3Credentials("u", "authNoPriv", AUTH, AUTH))
    texts.raises("UsmUser auth proto", lambda: UsmUser("u", AUTH, AUTH))
    texts.raises("UsmUser priv proto", lambda: UsmUser("u", "SHA", AUTH, PRIV, PRIV))
    texts.check()


# ================================================================== traps
def test_listener_sender_and_received_trap_info(texts: Texts) -> None:
    """v1, v2c and v3 traps and informs from our TrapSender to our listener."""
    kernel = Kernel()
    listener = SNMPTrapListener.create(
        kernel, Alias="traps", Communities=[TRAP_COMMUNITY, TRAP_COMMUNITY_2.encode()],
        Users=[{**USER, "EngineId": TRAP_ENGINE},
               UsmUser("iuser", "SHA-256", TRAP_AUTH, "AES-256", TRAP_PRIV)],
        LocalEngineId=LISTENER_ENGINE,
    )  # fmt: skip
    received: list[tuple[Any, ...]] = []
    senders: list[TrapSender] = []
    base = {"DestHost": "127.0.0.1", "RemotePort": listener.port, "Timeout": 500_000}

    async def main() -> None:
        v1 = TrapSender(kernel, Version=1, Community=TRAP_COMMUNITY, **base)
        v2c = TrapSender(kernel, Version="2c", Community=TRAP_COMMUNITY_2, **base)
        v3 = TrapSender(kernel, LocalEngineId=TRAP_ENGINE, **{**base, **USER, "Version": 3,
                        "SecLevel": "authPriv", "Context": "", "Retries": 1})  # fmt: skip
        v3i = TrapSender(kernel, **{**base, "Version": 3, "SecName": "iuser",
                                    "SecLevel": "authPriv", "AuthProto": "SHA-256",
                                    "AuthPass": TRAP_AUTH, "PrivProto": "AES-256",
                                    "PrivPass": TRAP_PRIV})  # fmt: skip
        senders.extend((v1, v2c, v3, v3i))
        try:
            await v1.send_v1_trap(".1.3.6.1.4.1.8072", "192.0.2.7", 6, 17, [])
            await v2c.send_trap(TRAP_OID, [["sysName", 0, "v2c", "OCTETSTR"]])
            texts.add("v2c inform response", await v2c.inform(TRAP_OID))
            await v3.send_trap(TRAP_OID, [["sysName", 0, "v3", "OCTETSTR"]])
            texts.add("v3 inform response", await v3i.inform(TRAP_OID))
            for _ in range(100):
                if len(received) >= 5:
                    break
                await asyncio.sleep(0.02)
        finally:
            for sender in senders:
                texts.add("sender (open)", sender)
                sender.close()
            kernel.post("traps", "finish")
            kernel.stop()

    def start(ev: Event) -> None:
        ev.kernel.post("traps", "subscribe", "on_trap")
        ev.kernel.delay_set("hold", 30)

    def on_trap(ev: Event) -> None:
        received.append(ev.args)
        texts.add("trap event", ev)

    Session.create(kernel, inline_states={"_start": start, "on_trap": on_trap,
                                          "hold": lambda ev: None})  # fmt: skip

    async def run() -> None:
        task = asyncio.ensure_future(kernel.run_async())
        await asyncio.wait_for(main(), 15)
        await asyncio.wait_for(task, 5)

    asyncio.run(run())
    assert sorted(info.pdu for *_, info in received) == [
        "inform", "inform", "trap", "trap", "trap-v1"
    ], received  # fmt: skip
    infos = [info for *_, info in received]
    assert {info.community for info in infos} == {
        None, TRAP_COMMUNITY.encode(), TRAP_COMMUNITY_2.encode()
    }  # fmt: skip
    for info in infos:
        texts.add(f"TrapInfo {info.pdu}", info)
        texts.items.append(("asdict(TrapInfo)", repr(dataclasses.asdict(info))))
    texts.add("listener", listener)
    texts.add("listener.stats", listener.stats)
    for i, user in enumerate(listener._users):
        texts.add(f"listener user {i}", user)
    for sender in senders:
        texts.add("sender", sender)
        texts.add("sender.opts", sender.opts)
    # A TrapInfo made by hand shows no community either.
    texts.add("TrapInfo by hand", TrapInfo("trap", community=TRAP_COMMUNITY.encode()))
    texts.add("communities", listener.communities)
    texts.items.append(("communities", repr(sorted(listener.communities))))
    texts.check()
