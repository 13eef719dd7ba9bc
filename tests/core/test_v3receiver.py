"""The receiver side of USM (informs: authoritative; traps: timeliness), on our own codec.

Interoperability with net-snmp's snmpinform and with our TrapSender is tested in
tests/component/test_traps.py; here every branch is driven with crafted messages.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from snmp_component._core import ber, v3receiver
from snmp_component._core.usm import FLAG_AUTH, FLAG_REPORTABLE, LEVEL_AUTH_PRIV, UsmKeys, UsmUser
from snmp_component._core.v3msg import (
    USM_STATS_NOT_IN_TIME_WINDOWS,
    USM_STATS_UNKNOWN_ENGINE_IDS,
    USM_STATS_UNKNOWN_USER_NAMES,
    USM_STATS_WRONG_DIGESTS,
    V3Message,
    decode_message,
    encode_discovery,
    encode_message,
    peek_header,
)
from snmp_component._core.v3receiver import Received, V3Receiver

OURS = bytes.fromhex("80001f888001020304")
SENDER = bytes.fromhex("8000000001020304")
USER = UsmUser("alice", "SHA", "authpass123", "AES", "privpass123")
WRONG = UsmUser("alice", "SHA", "wrongpass99", "AES", "privpass123")
AUTH_ONLY = UsmUser("bob", "MD5", "authpass123")
START = 1000.0
VARBINDS: list[ber.VarBind] = [
    ((1, 3, 6, 1, 2, 1, 1, 3, 0), ber.TIMETICKS, 42),
    ((1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0), ber.OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 9)),
]


def keys_for(engine_id: bytes, user_name: bytes) -> UsmKeys | None:
    user = {b"alice": USER, b"bob": AUTH_ONLY}.get(user_name)
    return None if user is None or not engine_id else user.localize(engine_id)


def receiver(boots: int = 3) -> V3Receiver:
    return V3Receiver(OURS, boots, START, keys_for)


def message(pdu_tag: int, *, user: UsmUser = USER, engine: bytes = OURS, boots: int = 3,
            engine_time: int = 10, level: int | None = None, msg_id: int = 77,
            request_id: int = 4242) -> bytes:  # fmt: skip
    pdu = ber.encode_pdu(pdu_tag, request_id, 0, 0, ber.encode_varbinds(VARBINDS))
    return encode_message(msg_id, pdu, user.localize(engine), boots, engine_time, level=level)


def report_of(got: Received, keys: UsmUser | None = None) -> V3Message:
    assert got.message is None and got.reply is not None
    reply = decode_message(got.reply, keys.localize(OURS) if keys else None)
    assert reply.pdu_tag == ber.REPORT and reply.engine_id == OURS
    assert not reply.flags & FLAG_REPORTABLE
    return reply


# ------------------------------------------------------------------ informs: authoritative
def test_discovery_probe_gets_our_engine_id_boots_and_time() -> None:
    engine = receiver()
    got = engine.receive(encode_discovery(msg_id=5, request_id=99), START + 12.7)
    assert got.problem == "discoveries"
    report = report_of(got)
    assert (report.msg_id, report.request_id, report.level) == (5, 99, 0)
    assert (report.engine_boots, report.engine_time) == (3, 12)
    assert report.context_engine_id == OURS
    assert report.varbinds == [(USM_STATS_UNKNOWN_ENGINE_IDS, ber.COUNTER32, 1)]
    engine.receive(encode_discovery(msg_id=6, request_id=100), START)
    assert engine.counters == {USM_STATS_UNKNOWN_ENGINE_IDS: 2}


def test_inform_in_time_is_accepted_and_answered() -> None:
    got = receiver().receive(message(ber.INFORM_REQUEST), START + 10)
    assert got.problem is None and got.message is not None
    assert got.message.varbinds == VARBINDS and got.message.user_name == b"alice"
    assert got.reply is not None
    response = decode_message(got.reply, USER.localize(OURS))
    assert response.pdu_tag == ber.RESPONSE and response.level == LEVEL_AUTH_PRIV
    assert (response.msg_id, response.request_id) == (77, 4242)
    assert response.varbinds == VARBINDS and not response.flags & FLAG_REPORTABLE
    assert (response.engine_boots, response.engine_time) == (3, 10)


@pytest.mark.parametrize(
    ("boots", "engine_time", "timely"),
    [
        (3, 10, True),
        (3, 160, True),
        (3, 161, False),
        (3, 0, True),
        (2, 10, False),
        (4, 10, False),
        (0, 0, False),
    ],
)
def test_inform_clock_is_checked_against_ours(boots: int, engine_time: int, timely: bool) -> None:
    got = receiver().receive(message(ber.INFORM_REQUEST, boots=boots, engine_time=engine_time),
                             START + 10)  # fmt: skip
    if timely:
        assert got.message is not None
        return
    assert got.problem == "not_in_time_window"
    report = report_of(got, USER)  # authenticated: the sender can trust our clock
    assert report.level == FLAG_AUTH and report.request_id == 4242
    assert (report.engine_boots, report.engine_time) == (3, 10)
    assert report.varbinds == [(USM_STATS_NOT_IN_TIME_WINDOWS, ber.COUNTER32, 1)]


def test_time_probe_at_a_lower_level_gets_the_clock() -> None:
    """net-snmp's second probe: an authNoPriv GET with boots/time 0."""
    probe = message(ber.GET_REQUEST, boots=0, engine_time=0, level=FLAG_AUTH)
    assert report_of(receiver().receive(probe, START), USER).engine_boots == 3


def test_inform_failures_are_reported_when_reportable() -> None:
    engine = receiver()
    wrong = engine.receive(message(ber.INFORM_REQUEST, user=WRONG), START)
    assert wrong.problem == "auth_failures"
    assert report_of(wrong).varbinds[0][0] == USM_STATS_WRONG_DIGESTS
    assert report_of(wrong).user_name == b"alice" and report_of(wrong).request_id == 0
    carol = UsmUser("carol", "SHA", "authpass123")
    unknown = engine.receive(message(ber.INFORM_REQUEST, user=carol), START)
    assert unknown.problem == "unknown_user"
    assert report_of(unknown).varbinds[0][0] == USM_STATS_UNKNOWN_USER_NAMES
    elsewhere = engine.receive(message(ber.INFORM_REQUEST, engine=SENDER), START)
    assert elsewhere.problem == "discoveries"
    assert report_of(elsewhere).varbinds[0][0] == USM_STATS_UNKNOWN_ENGINE_IDS


def test_inform_below_the_users_level_is_dropped() -> None:
    got = receiver().receive(message(ber.INFORM_REQUEST, level=FLAG_AUTH), START + 10)
    assert got == Received(problem="auth_failures")


@pytest.mark.parametrize("tag", [ber.GET_REQUEST, ber.SET_REQUEST, ber.RESPONSE, ber.REPORT])
def test_other_pdus_are_not_answered(tag: int) -> None:
    assert receiver().receive(message(tag), START + 10) == Received(problem="unexpected_pdu")


def plain(pdu_tag: int, *, user: UsmUser = AUTH_ONLY, engine: bytes = OURS,
          reportable: bool) -> bytes:  # fmt: skip
    """An authNoPriv message (its PDU readable without keys), reportable flag as given."""
    pdu = ber.encode_pdu(pdu_tag, 4242, 0, 0, ber.encode_varbinds(VARBINDS))
    return encode_message(77, pdu, user.localize(engine), 3, 10, reportable=reportable)


WRONG_BOB = UsmUser("bob", "MD5", "wrongpass99")


def test_reports_follow_the_pdu_class_when_it_is_readable() -> None:
    """RFC 3412 7.1.3 b: a Report answers a confirmed-class PDU, whatever its flag says;
    never a Response or Report (no Report storms between two engines)."""
    engine = receiver()
    for tag in (ber.RESPONSE, ber.REPORT, ber.SNMPV2_TRAP):
        for user, where in ((WRONG_BOB, OURS), (AUTH_ONLY, SENDER)):
            got = engine.receive(plain(tag, user=user, engine=where, reportable=True), START)
            assert got.reply is None, (tag, where)
    got = engine.receive(plain(ber.GET_REQUEST, user=WRONG_BOB, reportable=False), START)
    assert report_of(got).varbinds[0][0] == USM_STATS_WRONG_DIGESTS
    assert report_of(got).request_id == 4242  # readable, so echoed
    got = engine.receive(plain(ber.INFORM_REQUEST, reportable=False), START + 10)
    assert got.message is not None and got.reply is not None  # accepted and answered


def test_a_message_for_another_engine_costs_no_key_derivation() -> None:
    calls: list[bytes] = []

    def counting(engine_id: bytes, user_name: bytes) -> UsmKeys | None:
        calls.append(engine_id)
        return keys_for(engine_id, user_name)

    engine = V3Receiver(OURS, 3, START, counting)
    got = engine.receive(message(ber.INFORM_REQUEST, engine=SENDER), START)
    assert got.problem == "discoveries" and calls == []


# ------------------------------------------------------------------ traps: sender authoritative
def trap(boots: int, engine_time: int, *, user: UsmUser = USER, level: int | None = None) -> bytes:
    return message(ber.SNMPV2_TRAP, user=user, engine=SENDER, boots=boots,
                   engine_time=engine_time, level=level)  # fmt: skip


def test_replayed_traps_are_dropped() -> None:
    engine = receiver()
    order = [(5, 1000, True), (5, 849, False), (5, 850, True), (4, 5000, False),
             (5, 1001, True), (6, 0, True), (5, 2000, False)]  # fmt: skip
    for boots, engine_time, accepted in order:
        got = engine.receive(trap(boots, engine_time), START)
        assert (got.message is not None) is accepted, (boots, engine_time)
        assert got.reply is None  # traps are never answered
        if not accepted:
            assert got.problem == "not_in_time_window"


def test_trap_window_follows_the_latest_time_received() -> None:
    """As net-snmp: against the latest time received, not an estimate that runs on with our
    clock -- a sender restarted without new boots is not locked out for ever."""
    engine = receiver()
    assert engine.receive(trap(5, 1000), START).message is not None
    assert engine.receive(trap(5, 851), START + 600).message is not None
    assert engine.receive(trap(5, 849), START + 600).problem == "not_in_time_window"
    restarted = receiver()
    assert restarted.receive(trap(1, 0), START).message is not None
    assert restarted.receive(trap(1, 0), START + 600).message is not None


def test_trap_failures_are_counted_not_answered() -> None:
    engine = receiver()
    assert engine.receive(trap(1, 1, user=WRONG), START) == Received(problem="auth_failures")
    carol = UsmUser("carol", "SHA", "authpass123")
    assert engine.receive(trap(1, 1, user=carol), START) == Received(problem="unknown_user")
    low = trap(1, 1, level=FLAG_AUTH)
    assert engine.receive(low, START) == Received(problem="auth_failures")
    assert engine.receive(b"\x30\x03\x02\x01\x03", START) == Received(problem="malformed")


def test_engines_remembered_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v3receiver, "MAX_ENGINES", 3)
    engine = receiver()
    for n in range(5):
        pdu = ber.encode_pdu(ber.SNMPV2_TRAP, 1, 0, 0, ber.encode_varbinds(VARBINDS))
        eid = SENDER + bytes((n,))
        got = engine.receive(encode_message(1, pdu, USER.localize(eid), 7, 100), START)
        assert got.message is not None
    assert len(engine._windows) == 3


def test_peek_header_reads_what_a_report_needs() -> None:
    header = peek_header(encode_discovery(msg_id=8, request_id=31))
    assert header is not None and header.reportable
    assert (header.msg_id, header.request_id, header.engine_id) == (8, 31, b"")
    encrypted = peek_header(message(ber.INFORM_REQUEST))
    assert encrypted is not None and encrypted.request_id == 0 and encrypted.user_name == b"alice"
    assert peek_header(b"garbage") is None


def test_bad_construction() -> None:
    with pytest.raises(ValueError, match="engine ID"):
        V3Receiver(b"abc", 1, 0.0, keys_for)
    with pytest.raises(ValueError, match="boots"):
        V3Receiver(OURS, 0, 0.0, keys_for)


VALID = [message(ber.INFORM_REQUEST), encode_discovery(msg_id=1, request_id=2),
         message(ber.INFORM_REQUEST, user=AUTH_ONLY), trap(1, 1)]  # fmt: skip


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(VALID), st.integers(0, 400), st.binary(min_size=1, max_size=3))
def test_mutated_messages_never_raise(valid: bytes, at: int, junk: bytes) -> None:
    at %= len(valid)
    for data in (valid[:at] + junk + valid[at + len(junk) :], valid[:at], valid[:at] + junk):
        got = receiver().receive(data, START)
        assert got.message is not None or got.problem is not None
