"""What becomes of each datagram an SNMPv3 request or discovery probe gets back, as values.

Table-driven and socket-free: every case feeds one crafted message to a fresh
:class:`~snmp_component._core.v3msg.RemoteEngine` (:meth:`read`, :meth:`read_discovery`)
and asserts the outcome value -- accepted, which Report (what it means, and whether it
resynchronised), or dropped and why -- and what the engine learnt.  The v3 codecs of
:mod:`snmp_component.v3sender` turn those outcomes into the transport's typed results
(``PduResult``, ``Resend`` once, ``Drop``); the last tables check that mapping.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from snmp_component import errors, transport, v3sender
from snmp_component._core import ber, v3msg, v3receiver
from snmp_component._core.oid import Oid
from snmp_component._core.pdu import PduResult
from snmp_component._core.usm import UsmKeys, UsmUser
from snmp_component._core.v3msg import (
    Accepted,
    Dropped,
    Outcome,
    RemoteEngine,
    Reported,
    encode_message,
)
from snmp_component.traps import ListenerStats

ENGINE = bytes.fromhex("80001f8880aabbccddeeff0011")
OTHER_ENGINE = bytes.fromhex("8000000009aabbccdd")
AUTH, PRIV = "outcome-auth-1", "outcome-priv-1"
USER = UsmUser("eng", "SHA", AUTH, "AES", PRIV)  # authPriv: every request at level 3
KEYS = USER.localize(ENGINE)
RID = 4242
SYS_NAME: Oid = (1, 3, 6, 1, 2, 1, 1, 5, 0)
BOOTS, TIME = 10, 5000  # the agent's clock as the engine knows it at local time 0
NOW = 1.0

# ---------------------------------------------------------------- crafted messages
Build = Callable[[], bytes]


def response(*, rid: int = RID, keys: UsmKeys = KEYS, boots: int = BOOTS,
             engine_time: int = TIME + 1, level: int | None = None,
             tag: int = ber.RESPONSE) -> bytes:  # fmt: skip
    vbl = ber.encode_varbinds([(SYS_NAME, ber.OCTET_STRING, b"agent")])
    pdu = ber.encode_pdu(tag, rid, 0, 0, vbl)
    return encode_message(7, pdu, keys, boots, engine_time, level=level)


def report(oid: Oid | None, *, level: int = 0, keys: UsmKeys = KEYS, boots: int = 2,
           engine_time: int = 7) -> bytes:  # fmt: skip
    vbl = ber.encode_varbinds([] if oid is None else [(oid, ber.COUNTER32, 1)])
    pdu = ber.encode_pdu(ber.REPORT, 0, 0, 0, vbl)
    return encode_message(9, pdu, keys, boots, engine_time, level=level)


def other_keys(**change: str) -> UsmKeys:
    """KEYS with one credential changed (name, auth or priv pass phrase)."""
    name = change.get("name", "eng")
    user = UsmUser(name, "SHA", change.get("auth", AUTH), "AES", change.get("priv", PRIV))
    return user.localize(ENGINE)


def engine() -> RemoteEngine:
    """A fresh engine configured with ENGINE and synchronised to (BOOTS, TIME) at 0.0."""
    eng = RemoteEngine(USER, engine_id=ENGINE)
    eng.window.reset(BOOTS, TIME, now=0.0)
    return eng


# ---------------------------------------------------------------- read: answers to a request
@dataclass(frozen=True)
class Case:
    name: str
    build: Build
    kind: str  # the outcome's kind
    why: str | None = None  # Reported.report / Dropped.reason
    error: type[errors.SNMPError] | None = None
    error_num: int | None = None
    resynced: bool = False


READ_CASES = [
    Case("the response", response, "accepted"),
    # not the answer: decided before any varbind is decoded
    Case("another request-id", lambda: response(rid=RID + 1), "dropped", "not_the_answer",
         v3msg.V3DecodeError, -31),
    Case("a GET, not a response", lambda: response(tag=ber.GET_REQUEST), "dropped",
         "not_the_answer", v3msg.V3DecodeError, -31),
    Case("a response at authNoPriv", lambda: response(level=1), "dropped",
         "unsupported_sec_level", errors.UnsupportedSecurityLevel, -34),
    Case("a response at noAuthNoPriv", lambda: response(level=0), "dropped",
         "unsupported_sec_level", errors.UnsupportedSecurityLevel, -34),
    # local USM failures: not authentic, not ours, not decryptable, stale
    Case("a wrong digest", lambda: response(keys=other_keys(auth="another-auth")), "dropped",
         "wrong_digest", errors.WrongDigest, -35),
    Case("a wrong privacy key", lambda: response(keys=other_keys(priv="another-priv")),
         "dropped", "decryption_error", errors.DecryptionError, -37),
    Case("another user", lambda: response(keys=other_keys(name="mallory")), "dropped",
         "unknown_user_name", errors.UnknownUserName, -33),
    Case("another engine", lambda: response(keys=USER.localize(OTHER_ENGINE)), "dropped",
         "unknown_engine_id", errors.UnknownEngineID, -32),
    Case("an authentic response 151 s behind", lambda: response(engine_time=TIME - 150),
         "dropped", "not_in_time_window", errors.NotInTimeWindow, -36),
    Case("an authentic response of an older boot", lambda: response(boots=BOOTS - 1),
         "dropped", "not_in_time_window", errors.NotInTimeWindow, -36),
    Case("truncated", lambda: response()[:-5], "dropped", "malformed", v3msg.V3DecodeError,
         -31),
    Case("not SNMPv3", lambda: b"\x30\x03\x02\x01\x01", "dropped", "malformed",
         v3msg.V3DecodeError, -31),
    # Reports: the agent's verdict, whatever the request-id (RFC 3412 7.2.10)
    Case("an authenticated notInTimeWindow Report",
         lambda: report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS, level=1), "reported",
         "not_in_time_window", errors.NotInTimeWindow, -36, resynced=True),
    Case("an unauthenticated notInTimeWindow Report",
         lambda: report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS), "reported",
         "not_in_time_window", errors.NotInTimeWindow, -36),
    Case("an unknownEngineID Report naming another engine",
         lambda: report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS,
                        keys=USER.localize(OTHER_ENGINE)),
         "reported", "unknown_engine_id", errors.UnknownEngineID, -32, resynced=True),
    Case("an unknownEngineID Report naming the same engine",
         lambda: report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS), "reported",
         "unknown_engine_id", errors.UnknownEngineID, -32),
    Case("an unknownUserName Report", lambda: report(v3msg.USM_STATS_UNKNOWN_USER_NAMES),
         "reported", "unknown_user_name", errors.UnknownUserName, -33),
    Case("a wrongDigest Report", lambda: report(v3msg.USM_STATS_WRONG_DIGESTS), "reported",
         "wrong_digest", errors.WrongDigest, -35),
    Case("an unsupportedSecLevel Report",
         lambda: report(v3msg.USM_STATS_UNSUPPORTED_SEC_LEVELS), "reported",
         "unsupported_sec_level", errors.UnsupportedSecurityLevel, -34),
    Case("a decryptionError Report", lambda: report(v3msg.USM_STATS_DECRYPTION_ERRORS),
         "reported", "decryption_error", errors.DecryptionError, -37),
    Case("a Report of another OID", lambda: report((1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0)),
         "reported", "unknown_report", errors.SNMPError, -41),
    Case("a Report without varbinds", lambda: report(None), "reported", "unknown_report",
         errors.SNMPError, -41),
]  # fmt: skip


def check(outcome: Outcome, case: Case) -> None:
    """*outcome* is what *case* says, with its kind tag matching its type."""
    assert outcome.kind == case.kind
    assert type(outcome) is {"accepted": Accepted, "reported": Reported,
                             "dropped": Dropped}[case.kind]  # fmt: skip
    if outcome.kind == "accepted":
        return
    why = outcome.report if outcome.kind == "reported" else outcome.reason
    assert why == case.why
    assert case.error is not None and isinstance(outcome.error, case.error)
    assert outcome.error.error_num == case.error_num
    if outcome.kind == "reported":
        assert outcome.resynced is case.resynced
        assert outcome.message.is_report
    else:
        assert outcome.error.__traceback__ is None  # a Dropped holds no frames


@pytest.mark.parametrize("case", READ_CASES, ids=[c.name for c in READ_CASES])
def test_read(case: Case) -> None:
    eng = engine()
    outcome = eng.read(case.build(), NOW, RID)
    check(outcome, case)
    if outcome.kind == "accepted":
        msg = outcome.message
        assert (msg.pdu_tag, msg.request_id, msg.varbinds) == (
            ber.RESPONSE, RID, [(SYS_NAME, ber.OCTET_STRING, b"agent")])  # fmt: skip
        assert eng.window.latest_received == TIME + 1  # the clock moved forward with it
    # the exception form agrees: the same error, and the flags it keeps
    if case.error is not None:
        eng = engine()
        with pytest.raises(errors.SNMPError) as info:
            eng.receive(case.build(), NOW, RID)
        assert isinstance(info.value, case.error) and info.value.error_num == case.error_num
        assert eng.reported is (case.kind == "reported")
        assert eng.resynced is case.resynced


def test_read_without_request_id_accepts_any_response() -> None:
    assert engine().read(response(rid=RID + 1), NOW).kind == "accepted"


def test_what_reports_teach() -> None:
    # an authenticated notInTimeWindow Report resets the clock, even backwards
    eng = engine()
    got = eng.read(report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS, level=1), 5.0, RID)
    assert got.kind == "reported" and got.resynced
    assert eng.window.estimate(6.0) == (2, 8)
    # an unauthenticated one is not trusted
    eng = engine()
    got = eng.read(report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS), 5.0, RID)
    assert got.kind == "reported" and not got.resynced
    assert eng.window.estimate(5.0) == (BOOTS, TIME + 5)
    # unknownEngineID naming another engine: re-keyed to it, its clock taken
    eng = engine()
    other = USER.localize(OTHER_ENGINE)
    got = eng.read(report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, keys=other, boots=4), 5.0, RID)
    assert got.kind == "reported" and got.resynced
    assert eng.engine_id == OTHER_ENGINE and eng.window.boots == 4
    # ... and the next response must then come from it
    assert eng.read(response(keys=other, boots=4, engine_time=8), 5.0, RID).kind == "accepted"
    # a stale response is dropped and teaches nothing
    eng = engine()
    got = eng.read(response(engine_time=TIME - 150), NOW, RID)
    assert got.kind == "dropped" and eng.window.estimate(NOW) == (BOOTS, TIME + 1)


def test_outcomes_are_small_frozen_values() -> None:
    msg = v3msg.decode_message(response(), KEYS)
    error = errors.WrongDigest("x", error_num=-35)
    for value in (Accepted(msg), Reported("wrong_digest", error, msg), Dropped("malformed", error)):
        assert not hasattr(value, "__dict__")  # slotted
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, dataclasses.fields(value)[0].name, None)
    assert Accepted(msg) == Accepted(msg)
    for alias in (v3msg.ReportKind, v3msg.DropReason):  # every name is a plain string
        assert all(isinstance(name, str) for name in typing.get_args(alias))


# ---------------------------------------------------------------- read_discovery
@dataclass(frozen=True)
class DiscoveryCase:
    name: str
    build: Build
    kind: str
    why: str | None = None
    error: type[errors.SNMPError] | None = None
    error_num: int | None = None
    learns: bool = False


PROBE_RID = 77
NO_ID = UsmKeys(b"", b"")  # a noAuthNoPriv message with an empty engine ID


def probe_response(rid: int) -> bytes:
    pdu = ber.encode_pdu(ber.RESPONSE, rid, 0, 0, b"\x30\x00")
    return encode_message(PROBE_RID, pdu, UsmKeys(b"", ENGINE), 4, 1000, level=0)


DISCOVERY_CASES = [
    DiscoveryCase("the unknownEngineID Report",
                  lambda: report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, boots=4,
                                 engine_time=1000),
                  "accepted", learns=True),
    DiscoveryCase("a Response naming the engine", lambda: probe_response(PROBE_RID),
                  "accepted", learns=True),
    DiscoveryCase("a Response to another request-id", lambda: probe_response(PROBE_RID + 1),
                  "dropped", "not_the_answer", v3msg.V3DecodeError, -31),
    DiscoveryCase("an unknownEngineID Report without an engine ID",
                  lambda: report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, keys=NO_ID),
                  "dropped", "unknown_engine_id", errors.UnknownEngineID, -32),
    DiscoveryCase("an unknownUserName Report",
                  lambda: report(v3msg.USM_STATS_UNKNOWN_USER_NAMES), "reported",
                  "unknown_user_name", errors.UnknownUserName, -33),
    DiscoveryCase("an unauthenticated notInTimeWindow Report",
                  lambda: report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS), "reported",
                  "not_in_time_window", errors.NotInTimeWindow, -36),
    DiscoveryCase("an authenticated response (no keys yet)", response, "dropped",
                  "unsupported_sec_level", errors.UnsupportedSecurityLevel, -34),
    DiscoveryCase("garbage", lambda: b"\x30\x00", "dropped", "malformed",
                  v3msg.V3DecodeError, -31),
]  # fmt: skip


@pytest.mark.parametrize("case", DISCOVERY_CASES, ids=[c.name for c in DISCOVERY_CASES])
def test_read_discovery(case: DiscoveryCase) -> None:
    eng = RemoteEngine(USER)
    outcome = eng.read_discovery(case.build(), 3.0, PROBE_RID)
    check(outcome, Case(case.name, case.build, case.kind, case.why, case.error,
                        case.error_num))  # fmt: skip
    assert eng.discovered is case.learns
    if case.learns:
        assert eng.engine_id == ENGINE and eng.window.estimate(3.0) == (4, 1000)
    else:  # the exception form raises the same error
        with pytest.raises(errors.SNMPError) as info:
            RemoteEngine(USER).discovery_response(case.build(), 3.0, PROBE_RID)
        assert case.error is not None and isinstance(info.value, case.error)


# ---------------------------------------------------------------- the v3 codecs
@dataclass(frozen=True)
class CodecCase:
    name: str
    build: Build
    first: type[PduResult | transport.Resend | transport.Drop]
    second: type[PduResult | transport.Resend | transport.Drop]  # the same datagram again
    error: type[errors.SNMPError] | None = None  # of a PduResult


CODEC_CASES = [
    CodecCase("the response", response, PduResult, PduResult),
    CodecCase("a resynchronising Report: resend once, then its error",
              lambda: report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS, level=1),
              transport.Resend, PduResult, errors.NotInTimeWindow),
    CodecCase("a Report that teaches nothing: its error",
              lambda: report(v3msg.USM_STATS_UNKNOWN_USER_NAMES), PduResult, PduResult,
              errors.UnknownUserName),
    CodecCase("not the answer: dropped", lambda: response(rid=RID + 1), transport.Drop,
              transport.Drop),
    CodecCase("not authentic: dropped",
              lambda: response(keys=other_keys(auth="another-auth")), transport.Drop,
              transport.Drop),
]  # fmt: skip


@pytest.mark.parametrize("case", CODEC_CASES, ids=[c.name for c in CODEC_CASES])
def test_request_codec(case: CodecCase) -> None:
    codec = v3sender._Request(engine(), b"", RID)
    data = case.build()
    first, second = codec.read(data, NOW), codec.read(data, NOW)
    assert (type(first), type(second)) == (case.first, case.second)
    for got in (first, second):
        if isinstance(got, PduResult):
            if case.error is None:
                assert got.error is None and got.varbinds == [(SYS_NAME, ber.OCTET_STRING,
                                                               b"agent")]  # fmt: skip
            else:
                assert isinstance(got.error, case.error)
        elif got.kind == "drop":
            assert got.reason in typing.get_args(v3msg.DropReason)
            assert got is second  # one Drop per reason: dropping allocates none
        else:
            assert got.reason == "not_in_time_window"


def test_discovery_codec() -> None:
    wanted = report(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, boots=4, engine_time=1000)
    for data, expected in (
        (report(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS), transport.Drop("unwanted_report")),
        (b"\x30\x00", transport.Drop("malformed")),
    ):
        got = v3sender._Discovery(RemoteEngine(USER)).read(data, 0.0)
        assert isinstance(got, transport.Drop) and got.reason == expected.reason
    eng = RemoteEngine(USER)
    got = v3sender._Discovery(eng).read(wanted, 0.0)
    assert got == PduResult(None) and eng.engine_id == ENGINE


# ---------------------------------------------------------------- the trap receiver's problems
def test_receiver_problems_name_listener_counters() -> None:
    """traps.py adds one to the ``ListenerStats`` field a ``Received.problem`` names."""
    fields = {f.name for f in dataclasses.fields(ListenerStats)}
    assert set(typing.get_args(v3receiver.Problem)) <= fields
