"""One validator for SNMPv3 credentials and keywords (:mod:`snmp_component.credentials`).

Table-driven and socket-free: every bad input gets the exact same message from every entry
point that takes it -- ``SNMPComponent.create()`` on both SNMPv3 engines, ``TrapSender``,
a trap listener's ``Users`` entry (after ``"Users entry 1: "``), the pysnmp adapter's
``V3Credentials`` (after its field's name) and ``Credentials`` itself -- and it is a
``ConfigurationError`` there, from ``create()`` or the constructor, never from a request.

The only deliberate difference: a listener's ``Users`` entry also takes bytes for
``SecName`` and the pass phrases (received user names are octets), so its messages about a
value's type say "a str or bytes" where the others say "a str".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from snmp_component import Kernel, SNMPComponent, credentials
from snmp_component._pysnmp.v3 import V3Credentials
from snmp_component.credentials import Credentials, normalise_key, normalise_keywords
from snmp_component.errors import ConfigurationError
from snmp_component.options import KEYWORDS, parse_options
from snmp_component.traps import SNMPTrapListener, TrapSender

SECRET = "Secret-Zq8w-LEAKED"  # given where it does not belong: never in a message
GOOD: dict[str, Any] = {
    "SecName": "user", "SecLevel": "authPriv", "AuthProto": "SHA", "AuthPass": "auth-pass-1",
    "PrivProto": "AES", "PrivPass": "priv-pass-1",
}  # fmt: skip
USER_KEYS = ("SecName", "AuthProto", "AuthPass", "PrivProto", "PrivPass")  # a listener's Users
FIELDS = {
    "SecName": "sec_name", "SecLevel": "sec_level", "AuthProto": "auth_proto",
    "AuthPass": "auth_pass", "PrivProto": "priv_proto", "PrivPass": "priv_pass",
    "Context": "context", "ContextEngineId": "context_engine_id",
    "SecEngineId": "sec_engine_id",
}  # fmt: skip
AUTHS = "MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512"
PRIVS = "DES, 3DES, AES, AES-128, AES-192, AES-256, AES-192-C, AES-256-C"
LEVELS = "noAuthNoPriv, authNoPriv, authPriv"
SHORT_AUTH = "AuthPass must be at least 8 octets long"
SHORT_PRIV = "PrivPass must be at least 8 octets long"


@dataclass(frozen=True)
class Case:
    """One bad input: the keywords that change :data:`GOOD`, and the message."""

    name: str
    changes: dict[str, Any]
    message: str
    listener: str | None = "same"  # the Users entry's message: "same", another, None: n/a


CASES = [
    Case("SecName not text", {"SecName": 5}, "SecName must be a str, not int",
         "SecName must be a str or bytes, not int"),
    Case("SecName empty", {"SecName": ""}, "SecName must be 1..32 octets long"),
    Case("SecName of 33 octets", {"SecName": "u" * 33}, "SecName must be 1..32 octets long"),
    Case("SecName of 34 UTF-8 octets", {"SecName": "é" * 17}, "SecName must be 1..32 octets long"),
    Case("SecName not UTF-8", {"SecName": "\udc80"}, "SecName must be text that UTF-8 can encode"),
    Case("SecLevel unknown", {"SecLevel": "authOnly"},
         f"SecLevel: unsupported value; use one of {LEVELS}", None),
    Case("SecLevel a pass phrase", {"SecLevel": SECRET},
         f"SecLevel: unsupported value; use one of {LEVELS}", None),
    Case("SecLevel not text", {"SecLevel": 3},
         f"SecLevel: unsupported int value; use one of {LEVELS}", None),
    Case("AuthProto unknown", {"AuthProto": "SHA-1024"},
         f"AuthProto: unsupported value; use one of {AUTHS}"),
    Case("AuthProto a pass phrase", {"AuthProto": SECRET},
         f"AuthProto: unsupported value; use one of {AUTHS}"),
    Case("AuthProto not text", {"AuthProto": 5},
         f"AuthProto: unsupported int value; use one of {AUTHS}"),
    Case("PrivProto unknown", {"PrivProto": "ROT13"},
         f"PrivProto: unsupported value; use one of {PRIVS}"),
    Case("PrivProto a pass phrase", {"PrivProto": SECRET},
         f"PrivProto: unsupported value; use one of {PRIVS}"),
    Case("AuthPass missing", {"AuthPass": None}, "AuthProto needs an AuthPass"),
    Case("PrivPass missing", {"PrivPass": None}, "PrivProto needs a PrivPass"),
    Case("AuthPass short", {"AuthPass": "short"}, SHORT_AUTH),
    Case("AuthPass 7 octets", {"AuthPass": "Sh0rt!7"}, SHORT_AUTH),
    Case("PrivPass of 6 UTF-8 octets", {"PrivPass": "äää"}, SHORT_PRIV),
    Case("AuthPass not text", {"AuthPass": 12345678}, "AuthPass must be a str, not int",
         "AuthPass must be a str or bytes, not int"),
    Case("PrivPass a list", {"PrivPass": [SECRET]}, "PrivPass must be a str, not list",
         "PrivPass must be a str or bytes, not list"),
    Case("AuthPass bytes", {"AuthPass": SECRET.encode()}, "AuthPass must be a str, not bytes",
         None),  # a Users entry takes bytes (tests/component/test_traps_credentials.py)
    Case("PrivPass not UTF-8", {"PrivPass": "\udc80" * 8},
         "PrivPass must be text that UTF-8 can encode"),
    Case("Context not text", {"Context": 5}, "Context must be a str, not int", None),
    Case("Context of 33 octets", {"Context": "c" * 33}, "Context must be at most 32 octets long",
         None),
    Case("SecEngineId of 2 octets", {"SecEngineId": "0x0102"},
         "SecEngineId: an engine ID must be 5..32 octets (bytes or hex)", None),
    Case("SecEngineId of 33 octets", {"SecEngineId": b"\x80" * 33},
         "SecEngineId: an engine ID must be 5..32 octets (bytes or hex)", None),
    Case("SecEngineId not hex", {"SecEngineId": "80001f88zz"},
         "SecEngineId: an engine ID must be 5..32 octets (bytes or hex)", None),
    Case("ContextEngineId of 1 octet", {"ContextEngineId": b"\x01"},
         "ContextEngineId: an engine ID must be 5..32 octets (bytes or hex)", None),
    Case("ContextEngineId not bytes", {"ContextEngineId": 42},
         "ContextEngineId: an engine ID must be 5..32 octets (bytes or hex)", None),
]  # fmt: skip


def _component(engine: str) -> Callable[[dict[str, Any]], object]:
    return lambda kw: SNMPComponent.create(
        Kernel(), DestHost="127.0.0.1", Version=3, V3Engine=engine, **kw
    )


def _v3_credentials(kw: dict[str, Any]) -> object:
    return V3Credentials(**{FIELDS[key]: value for key, value in kw.items()})


def _credentials(kw: dict[str, Any]) -> object:
    return Credentials(**{FIELDS[key]: value for key, value in kw.items()})


def _listener_user(kw: dict[str, Any]) -> object:
    user = {key: value for key, value in kw.items() if key in USER_KEYS}
    return SNMPTrapListener(Kernel(), Alias=None, Users=[user])  # fails before it binds


# entry point -> (call, what goes in front of the message)
ENTRY_POINTS: dict[str, tuple[Callable[[dict[str, Any]], object], Callable[[str], str]]] = {
    "create() native": (_component("native"), lambda key: ""),
    "create() pysnmp": (_component("pysnmp"), lambda key: ""),
    "parse_options": (lambda kw: parse_options({"DestHost": "h", "Version": 3, **kw}),
                      lambda key: ""),
    "TrapSender": (lambda kw: TrapSender(DestHost="127.0.0.1", Version=3, **kw), lambda key: ""),
    "V3Credentials": (_v3_credentials, lambda key: f"{FIELDS[key]}: "),
    "Credentials": (_credentials, lambda key: ""),
}  # fmt: skip


def _message(call: Callable[[], object]) -> str:
    with pytest.raises(ConfigurationError) as info:
        call()
    assert type(info.value) is ConfigurationError
    text = str(info.value)
    assert SECRET not in text and SECRET not in repr(info.value.args)
    return text


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_entry_point_gives_the_same_message(case: Case, entry: str) -> None:
    call, where = ENTRY_POINTS[entry]
    keywords = {**GOOD, **case.changes}
    (key,) = case.changes
    assert _message(lambda: call(keywords)) == where(key) + case.message


@pytest.mark.parametrize("case", [c for c in CASES if c.listener is not None],
                         ids=[c.name for c in CASES if c.listener is not None])  # fmt: skip
def test_a_listener_user_gives_the_same_message(case: Case) -> None:
    expected = case.message if case.listener == "same" else case.listener
    keywords = {**GOOD, **case.changes}
    assert _message(lambda: _listener_user(keywords)) == f"Users entry 1: {expected}"


# ================================================================== engine IDs and boots
ENGINE_ID = "SecEngineId: an engine ID must be 5..32 octets (bytes or hex)"
BAD_ENGINE_IDS = ["0x0102", "0xZZ", b"\x01\x02\x03\x04", b"\x80" * 33, 12345, ["0x8000000001"]]


@pytest.mark.parametrize("value", BAD_ENGINE_IDS, ids=repr)
def test_engine_ids_are_5_to_32_octets_everywhere(value: Any) -> None:
    """SecEngineId, ContextEngineId, a sender's and a listener's LocalEngineId and a Users
    entry's EngineId: one rule, one message naming the keyword."""
    calls: dict[str, Callable[[], object]] = {
        "SecEngineId": lambda: parse_options({"DestHost": "h", "SecEngineId": value}),
        "ContextEngineId": lambda: parse_options({"DestHost": "h", "ContextEngineId": value}),
        "LocalEngineId": lambda: TrapSender(DestHost="h", LocalEngineId=value),
        "Users entry 1: EngineId": lambda: SNMPTrapListener(
            Kernel(), Users={"SecName": "u", "EngineId": value}
        ),
        "sec_engine_id: SecEngineId": lambda: V3Credentials("u", "noAuthNoPriv",
                                                            sec_engine_id=value),
    }  # fmt: skip
    for label, call in calls.items():
        keyword = label.split(": ")[-1]
        expected = f"{label}: an engine ID must be 5..32 octets (bytes or hex)"
        if label.startswith("sec_engine_id"):
            expected = f"sec_engine_id: {ENGINE_ID}"
        assert keyword in expected
        assert _message(call) == expected, label
    listener = lambda: SNMPTrapListener(Kernel(), LocalEngineId=value)  # noqa: E731
    assert _message(listener) == "LocalEngineId: an engine ID must be 5..32 octets (bytes or hex)"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("0x8000000001", bytes.fromhex("8000000001")), ("8000000001", bytes.fromhex("8000000001")),
     (bytearray(b"\x80\x00\x00\x00\x01"), bytes.fromhex("8000000001")),
     (b"\x80" * 32, b"\x80" * 32), (None, None), ("", None), (b"", None)],
)  # fmt: skip
def test_engine_id_forms(given: Any, expected: bytes | None) -> None:
    assert credentials.engine_id("SecEngineId", given) == expected
    assert parse_options({"DestHost": "h", "SecEngineId": given}).sec_engine_id == expected


@pytest.mark.parametrize("boots", [0, -1, 2**31 - 1, True, 1.0, "1", None])
def test_engine_boots_are_1_to_2_31_minus_2_for_sender_and_listener(boots: Any) -> None:
    expected = f"EngineBoots must be an int 1..2**31-2, not {boots!r}"
    assert _message(lambda: TrapSender(DestHost="h", EngineBoots=boots)) == expected
    assert _message(lambda: SNMPTrapListener(Kernel(), EngineBoots=boots)) == expected
    assert credentials.engine_boots(2**31 - 2) == 2**31 - 2


# ================================================================== keywords
def test_normalise_key_and_keywords() -> None:
    assert normalise_key("-Dest_Host") == "desthost" == normalise_key("DESTHOST")
    given = normalise_keywords({"-dest_host": "h", "sec-name": "u"}, KEYWORDS)
    assert given == {"DestHost": "h", "SecName": "u"}
    synonyms = {"hostname": "DestHost"}
    assert normalise_keywords({"HostName": "a"}, KEYWORDS, synonyms=synonyms) == {"DestHost": "a"}
    both = normalise_keywords({"hostname": "a", "desthost": "b"}, KEYWORDS, synonyms=synonyms)
    assert both == {"DestHost": "b"}  # the keyword wins over its synonym


def test_unknown_keywords_name_the_valid_ones_everywhere() -> None:
    component = _message(lambda: SNMPComponent.create(Kernel(), DestHost="h", Bogus=SECRET))
    assert (
        component == f"unknown keyword 'Bogus'; valid keywords are: {', '.join(sorted(KEYWORDS))}"
    )
    sender = _message(lambda: TrapSender(DestHost="h", Bogus=SECRET))
    valid = sorted((*KEYWORDS, "EngineBoots", "LocalEngineId"))
    assert sender == f"unknown keyword 'Bogus'; valid keywords are: {', '.join(valid)}"
    listener = _message(lambda: SNMPTrapListener(Kernel(), Bogus=SECRET))
    assert listener == (
        "unknown keyword 'Bogus'; valid keywords are: Alias, Communities, EngineBoots, "
        "LocalAddr, LocalEngineId, LocalPort, UseLongNames, UseNumeric, Users"
    )
    user = _message(lambda: SNMPTrapListener(Kernel(), Users={"SecName": "u", "Bogus": SECRET}))
    assert user == (
        "Users entry 1: unknown keyword 'Bogus'; valid keywords are: AuthPass, AuthProto, "
        "EngineId, PrivPass, PrivProto, SecName"
    )


def test_a_keyword_given_twice_is_refused_everywhere() -> None:
    kernel = Kernel()
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: SNMPComponent.create(kernel, DestHost="h", Community=SECRET, community=SECRET),
         "Community given twice (as 'community')"),
        (lambda: TrapSender(DestHost="h", EngineBoots=1, engine_boots=2),
         "EngineBoots given twice (as 'engine_boots')"),
        (lambda: TrapSender(DestHost="h", Version=1, version=2),
         "Version given twice (as 'version')"),
        (lambda: SNMPTrapListener(kernel, Alias="a", alias="b"), "Alias given twice (as 'alias')"),
        (lambda: SNMPTrapListener(kernel, Users={"SecName": "u", "sec_name": "v"}),
         "Users entry 1: SecName given twice (as 'sec_name')"),
    ]  # fmt: skip
    for call, expected in cases:
        assert _message(call) == expected


def test_keywords_must_be_str() -> None:
    keywords: dict[Any, Any] = {"DestHost": "h", 1: 2}
    assert _message(lambda: parse_options(keywords)) == ("keywords must be str, not int")
    user = {"SecName": "u", 1: SECRET}
    assert _message(lambda: SNMPTrapListener(Kernel(), Users=user)) == (
        "Users entry 1: keywords must be str, not int"
    )


def test_trap_sender_keywords_in_any_spelling() -> None:
    """The sender's own keywords and the defaults it sets are matched like create()'s: a
    lower-case ``version`` no longer collides with the default ``Version``."""
    sender = TrapSender(
        dest_host="127.0.0.1", version=1, retries=3, local_engine_id="0x8000000001",
        engine_boots=7,
    )  # fmt: skip
    assert (sender.opts.version, sender.opts.retries, sender.opts.port) == (1, 3, 162)
    assert (sender._local_engine_id, sender._boots) == (bytes.fromhex("8000000001"), 7)
    assert TrapSender(hostname="h", remote_port=1162).opts.port == 1162
    assert TrapSender(DestHost="h:1163", RemotePort=1162).opts.port == 1163  # DestHost's wins
    assert TrapSender(DestHost="[::1]").opts.port == 162


# ================================================================== what is accepted
@pytest.mark.parametrize(
    ("auth", "canonical"),
    [("sha", "SHA"), ("SHA1", "SHA"), ("sha-1", "SHA"), ("sha_256", "SHA-256"),
     ("SHA256", "SHA-256"), ("sha512", "SHA-512"), ("md5", "MD5")],
)  # fmt: skip
def test_auth_protocol_spellings(auth: str, canonical: str) -> None:
    assert credentials.auth_protocol(auth) == canonical
    options = parse_options({"DestHost": "h", **GOOD, "AuthProto": auth, "Version": 3})
    assert options.auth_proto == canonical
    assert V3Credentials("u", "authNoPriv", auth, "a" * 8).auth_proto == canonical


@pytest.mark.parametrize(
    ("priv", "canonical"),
    [("aes", "AES"), ("AES-128", "AES"), ("aes128", "AES"), ("aes_192", "AES-192"),
     ("AES256C", "AES-256-C"), ("aes-192-c", "AES-192-C"), ("3des", "3DES"),
     ("3DES-EDE", "3DES"), ("des", "DES")],
)  # fmt: skip
def test_priv_protocol_spellings(priv: str, canonical: str) -> None:
    assert credentials.priv_protocol(priv) == canonical
    options = parse_options({"DestHost": "h", **GOOD, "PrivProto": priv, "Version": 3})
    assert options.priv_proto == canonical


def test_pass_phrases_are_counted_in_octets() -> None:
    """RFC 3414 11.2 (and net-snmp, pysnmp, the USM core): 8 octets, UTF-8 for a str."""
    options = parse_options({"DestHost": "h", "Version": 3, "SecLevel": "authNoPriv",
                             "AuthPass": "ääää"})  # fmt: skip
    assert options.auth_pass == "ääää"
    assert credentials.pass_phrase("AuthPass", b"12345678", needed_by="AuthProto",
                                   octets=True) == b"12345678"  # fmt: skip


def test_credentials_value() -> None:
    creds = Credentials("u", "AUTH_PRIV", None, "a" * 8, None, "p" * 8, "ctx",
                        bytes.fromhex("8000000001"), b"\x80\x00\x00\x00\x02")  # fmt: skip
    assert (creds.sec_level, creds.auth_proto, creds.priv_proto) == ("authPriv", "MD5", "DES")
    assert (creds.context_engine_id, creds.sec_engine_id) == (
        bytes.fromhex("8000000001"),
        bytes.fromhex("8000000002"),
    )
    assert "'***'" in repr(creds) and "a" * 8 not in repr(creds) and "p" * 8 not in str(creds)
    unused = Credentials("u", "noAuthNoPriv", SECRET, SECRET, SECRET, SECRET)
    assert (unused.auth_proto, unused.auth_pass, unused.priv_proto, unused.priv_pass) == (
        None, None, None, None
    )  # fmt: skip
    user = creds.usm_user()
    assert (user.name, user.auth, user.priv) == (b"u", "MD5", "DES")
    options = parse_options({"DestHost": "h", "Version": 3, "SecName": "u",
                             "SecLevel": "authPriv", "AuthPass": "a" * 8, "PrivPass": "p" * 8,
                             "Context": "ctx", "ContextEngineId": "0x8000000001",
                             "SecEngineId": b"\x80\x00\x00\x00\x02"})  # fmt: skip
    assert options.credentials == creds
    assert V3Credentials.of(options.credentials) == V3Credentials(
        "u", "authPriv", "MD5", "a" * 8, "DES", "p" * 8, "ctx",
        bytes.fromhex("8000000001"), bytes.fromhex("8000000002"),
    )  # fmt: skip


def test_v1_v2c_check_what_is_given_but_need_no_pass_phrases() -> None:
    options = parse_options({"DestHost": "h", "Version": 2, "SecLevel": "authPriv"})
    assert (options.sec_level, options.auth_proto, options.auth_pass) == ("authPriv", None, None)
    assert _message(lambda: parse_options({"DestHost": "h", "Version": 2, "AuthProto": SECRET})) \
        == f"AuthProto: unsupported value; use one of {AUTHS}"  # fmt: skip
    assert _message(lambda: parse_options({"DestHost": "h", "SecEngineId": "0x01"})) == ENGINE_ID


# ================================================================== found at create(), not later
LATE_BEFORE: list[tuple[dict[str, Any], str]] = [
    # (keywords, message): each of these used to surface at the first request -- a
    # ConfigurationError (or, earlier still, a TransportError) from the pysnmp engine's
    # V3Credentials/V3Client, a UsmUser error from the native sender, or timeouts.
    ({"SecEngineId": "0x0102"}, ENGINE_ID),
    ({"ContextEngineId": b"\x01"},
     "ContextEngineId: an engine ID must be 5..32 octets (bytes or hex)"),
    ({"SecName": "x" * 40}, "SecName must be 1..32 octets long"),
    ({"SecName": ""}, "SecName must be 1..32 octets long"),
    ({"Context": "c" * 40}, "Context must be at most 32 octets long"),
]  # fmt: skip


@pytest.mark.parametrize("engine", ["native", "pysnmp"])
@pytest.mark.parametrize(("keywords", "message"), LATE_BEFORE)
def test_late_problems_are_found_by_create(engine: str, keywords: dict[str, Any],
                                           message: str) -> None:  # fmt: skip
    kernel = Kernel()
    with pytest.raises(ConfigurationError) as info:
        SNMPComponent.create(kernel, DestHost="127.0.0.1", Version=3, V3Engine=engine,
                             **keywords)  # fmt: skip
    assert str(info.value) == message
    assert kernel.sessions == ()
    with pytest.raises(ConfigurationError) as info:
        TrapSender(DestHost="agent.fail.test", Version=3, **keywords)  # never resolved
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("keywords", "message"),
    [({"Retries": 256},
      "Retries must be an int in 0..255 with V3Engine='pysnmp', not 256"),
     ({"Timeout": 21_474_837_000_000},
      "Timeout must be at most 21474836000000 microseconds with V3Engine='pysnmp', "
      "not 21474837000000")],
)  # fmt: skip
def test_pysnmp_engine_limits_are_found_by_create(keywords: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=3, V3Engine="pysnmp",
                             **keywords)  # fmt: skip
    assert str(info.value) == message
    SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=3, **keywords)  # native: fine
    SNMPComponent.create(Kernel(), DestHost="127.0.0.1", Version=2, V3Engine="pysnmp",
                         **keywords)  # fmt: skip


def test_trap_sender_v3_user_is_checked_by_the_constructor() -> None:
    """A v3 sender's USM user used to be made (and fail) at the first send_trap."""
    with pytest.raises(ConfigurationError, match=r"^SecName must be 1\.\.32 octets long$"):
        TrapSender(DestHost="127.0.0.1", Version=3, SecName="u" * 33, LocalEngineId="0x8000000001")
