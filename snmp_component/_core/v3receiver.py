"""SNMPv3/USM for a receiver of notifications (sans-IO and pure: bytes in, bytes out).

A notification receiver plays both USM roles (RFC 3414 3.2):

* For **traps** (unconfirmed) the *sender* is authoritative.  The receiver knows the
  sender's user under the sender's engine ID, and remembers each sending engine's latest
  boots and time: an authentic trap from an earlier boot, or more than 150 s older than the
  latest one received, is a replay and is dropped (3.2.7 b, measured as net-snmp measures
  it: against the latest time received, not an estimate that runs on with our clock, so a
  sender that restarts and counts its time from 0 again is locked out no longer than it
  ran before).
* For **informs** (confirmed) the *receiver* is authoritative, with its own engine ID,
  boots and time.  It answers the engine-ID discovery probe with a usmStatsUnknownEngineIDs
  Report, an authentic message whose clock is off by more than 150 s (net-snmp's
  time-discovery probe among them) with an *authenticated* usmStatsNotInTimeWindows Report
  (3.2.7 a), other USM failures with their usmStats Report, and an accepted InformRequest
  with its Response.  Reports answer only what RFC 3412 7.1.3 b allows: a confirmed-class
  PDU, or an encrypted one whose reportable flag is set; a message for another engine is
  answered before any key is derived for it (3.2.3).

:class:`V3Receiver` holds that state; the caller owns the socket and the clock (*now*,
monotonic seconds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from ..errors import (
    DecryptionError,
    SecurityError,
    UnknownEngineID,
    UnknownUserName,
    UnsupportedSecurityLevel,
    WrongDigest,
)
from .ber import INFORM_REQUEST, RESPONSE, SNMPV2_TRAP, encode_pdu, encode_varbinds
from .oid import Oid
from .usm import FLAG_AUTH, UsmKeys
from .v3msg import (
    CONFIRMED_PDUS,
    DEFAULT_MAX_SIZE,
    MAX_ENGINE_BOOTS,
    TIME_WINDOW,
    USM_STATS_DECRYPTION_ERRORS,
    USM_STATS_NOT_IN_TIME_WINDOWS,
    USM_STATS_UNKNOWN_ENGINE_IDS,
    USM_STATS_UNKNOWN_USER_NAMES,
    USM_STATS_UNSUPPORTED_SEC_LEVELS,
    USM_STATS_WRONG_DIGESTS,
    TimeWindow,
    V3DecodeError,
    V3Header,
    V3Message,
    decode_message,
    encode_message,
    encode_report,
    peek_header,
)

__all__ = ["MAX_ENGINES", "Problem", "Received", "V3Receiver"]

MAX_ENGINES: Final = 10_000
"""Sending engines whose clocks are remembered; the oldest is forgotten beyond this."""

KeysFor = Callable[[bytes, bytes], UsmKeys | None]

Problem: TypeAlias = Literal[
    "discoveries",
    "not_in_time_window",
    "unknown_user",
    "auth_failures",
    "malformed",
    "unexpected_pdu",
]
"""Why a datagram was not accepted.  Each is the name of the trap listener's
``ListenerStats`` counter that counts it (the listener adds one to that field)."""

_FAILURES: Final[dict[type[SecurityError], tuple[Oid, Problem]]] = {
    UnknownEngineID: (USM_STATS_UNKNOWN_ENGINE_IDS, "unknown_user"),
    UnknownUserName: (USM_STATS_UNKNOWN_USER_NAMES, "unknown_user"),
    UnsupportedSecurityLevel: (USM_STATS_UNSUPPORTED_SEC_LEVELS, "auth_failures"),
    WrongDigest: (USM_STATS_WRONG_DIGESTS, "auth_failures"),
    DecryptionError: (USM_STATS_DECRYPTION_ERRORS, "auth_failures"),
}


@dataclass(frozen=True, slots=True)
class Received:
    """What became of one datagram.

    Attributes:
        message: the accepted notification (an SNMPv2 trap or an InformRequest), else None.
        reply: a datagram to send back to its source (a Report, or the inform's Response).
        problem: why nothing was accepted (:data:`Problem`) -- ``"discoveries"`` (a probe
            for our engine ID, answered), ``"not_in_time_window"``, ``"unknown_user"``,
            ``"auth_failures"``, ``"malformed"`` or ``"unexpected_pdu"``; None when
            accepted.
    """

    message: V3Message | None = None
    reply: bytes | None = None
    problem: Problem | None = None


class V3Receiver:
    """USM state of one notification receiver (see the module doc).

    Args:
        engine_id: our engine ID (authoritative for informs), 5..32 octets.
        boots: our snmpEngineBoots, 1..2**31-2 (keep it growing across restarts).
        now: the local clock at start: our snmpEngineTime counts from it.
        keys_for: ``(engine_id, user_name) -> UsmKeys | None``: the user's keys localised
            to that engine, or None for a user not configured there.
    """

    __slots__ = ("_keys_for", "_started", "_windows", "boots", "counters", "engine_id")

    def __init__(self, engine_id: bytes, boots: int, now: float, keys_for: KeysFor) -> None:
        if not 5 <= len(engine_id) <= 32:
            raise ValueError(f"engine ID of {len(engine_id)} octets (5..32)")
        if not 1 <= boots < MAX_ENGINE_BOOTS:
            raise ValueError(f"engine boots {boots} out of range 1..{MAX_ENGINE_BOOTS - 1}")
        self.engine_id = engine_id
        self.boots = boots
        self._started = now
        self._keys_for = keys_for
        self._windows: dict[bytes, TimeWindow] = {}
        self.counters: dict[Oid, int] = {}
        """Reports sent, by usmStats counter OID (the values those Reports carried)."""

    def __repr__(self) -> str:
        return f"V3Receiver(engine_id={self.engine_id.hex()}, boots={self.boots})"

    def clock(self, now: float) -> tuple[int, int]:
        """Our (snmpEngineBoots, snmpEngineTime) at local time *now*."""
        elapsed = int(now - self._started)
        return self.boots, min(max(elapsed, 0), MAX_ENGINE_BOOTS)

    def receive(self, data: bytes, now: float) -> Received:
        """Check one SNMPv3 datagram; see :class:`Received`.  Never raises."""
        header = peek_header(data)
        if header is None:
            return Received(problem="malformed")
        answerable = header.answerable
        if answerable and header.engine_id != self.engine_id:
            return self._report(header, USM_STATS_UNKNOWN_ENGINE_IDS, now, "discoveries")
        try:
            msg = decode_message(data, self._keys_for)
        except V3DecodeError:
            return Received(problem="malformed")
        except SecurityError as exc:
            oid, problem = _FAILURES.get(type(exc), (USM_STATS_WRONG_DIGESTS, "auth_failures"))
            if not answerable:
                return Received(problem=problem)
            return self._report(header, oid, now, problem)
        if msg.pdu_tag == SNMPV2_TRAP:
            return self._trap(msg, now)
        if msg.pdu_tag in CONFIRMED_PDUS:
            return self._confirmed(msg, header, now)
        return Received(problem="unexpected_pdu")  # a Response or Report: not for us

    # ------------------------------------------------------------------ the two roles
    def _trap(self, msg: V3Message, now: float) -> Received:
        keys = self._keys_for(msg.engine_id, msg.user_name)
        if keys is None:
            return Received(problem="unknown_user")
        if msg.level != keys.level:
            return Received(problem="auth_failures")  # below what the user is configured for
        if msg.level & FLAG_AUTH:
            windows = self._windows
            window = windows.get(msg.engine_id)
            if window is None:
                if len(windows) >= MAX_ENGINES:
                    del windows[next(iter(windows))]
                window = windows[msg.engine_id] = TimeWindow()
            elif (
                window.boots == MAX_ENGINE_BOOTS
                or msg.engine_boots < window.boots
                or (
                    msg.engine_boots == window.boots
                    and msg.engine_time < window.latest_received - TIME_WINDOW
                )
            ):
                return Received(problem="not_in_time_window")
            window.update(msg.engine_boots, msg.engine_time, now)
        return Received(msg)

    def _confirmed(self, msg: V3Message, header: V3Header, now: float) -> Received:
        if msg.engine_id != self.engine_id:
            return self._report(header, USM_STATS_UNKNOWN_ENGINE_IDS, now, "discoveries")
        keys = self._keys_for(msg.engine_id, msg.user_name)
        if keys is None:
            return self._report(header, USM_STATS_UNKNOWN_USER_NAMES, now, "unknown_user")
        boots, engine_time = self.clock(now)
        if msg.level & FLAG_AUTH and (
            boots == MAX_ENGINE_BOOTS
            or msg.engine_boots != boots
            or abs(msg.engine_time - engine_time) > TIME_WINDOW
        ):
            return self._report(
                header, USM_STATS_NOT_IN_TIME_WINDOWS, now, "not_in_time_window",
                keys=keys, request_id=msg.request_id,
            )  # fmt: skip
        if msg.level != keys.level:
            return Received(problem="auth_failures")
        if msg.pdu_tag != INFORM_REQUEST:
            return Received(problem="unexpected_pdu")  # we are no command responder
        try:
            pdu = encode_pdu(RESPONSE, msg.request_id, 0, 0, encode_varbinds(msg.varbinds))
            response = encode_message(
                msg.msg_id, pdu, keys, boots, engine_time,
                level=msg.level, context_engine_id=msg.context_engine_id,
                context_name=msg.context_name, max_size=DEFAULT_MAX_SIZE,
            )  # fmt: skip
        except ValueError:
            return Received(problem="malformed")
        return Received(msg, response)

    def _report(
        self,
        header: V3Header,
        oid: Oid,
        now: float,
        problem: Problem,
        *,
        keys: UsmKeys | None = None,
        request_id: int | None = None,
    ) -> Received:
        count = self.counters[oid] = self.counters.get(oid, 0) + 1
        boots, engine_time = self.clock(now)
        report = encode_report(
            header, oid, count, self.engine_id, boots, engine_time,
            keys=keys, request_id=request_id,
        )  # fmt: skip
        return Received(reply=report, problem=problem)
