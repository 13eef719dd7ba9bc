"""SNMPv3 message processing (RFC 3412) with the User-based Security Model (RFC 3414).

Sans-IO and pure: bytes in, bytes or plain values out.  A transport drives it:

* :func:`encode_discovery` -- the engine-ID probe (noAuthNoPriv, empty engine
  ID and user, reportable GET with no varbinds, RFC 3414 section 4);
* :func:`encode_message` -- any PDU (from :func:`ber.encode_pdu
  <snmp_component._core.ber.encode_pdu>`) as an SNMPv3 message at a
  security level: HMAC over the whole message with a zero placeholder,
  ScopedPDU encrypted into an OCTET STRING for authPriv;
* :func:`decode_message` -- parse, authenticate, decrypt and decode a
  message into a :class:`V3Message`;
* :func:`report_error` -- the error a Report PDU stands for;
* :class:`Accepted` / :class:`Reported` / :class:`Dropped` -- the :data:`Outcome` of one
  datagram read by :class:`RemoteEngine`: the answer, the agent's verdict, or neither;
* :func:`peek_msg_id` -- the msgID of a datagram, reading the header only;
* :func:`peek_header` / :func:`encode_report` -- the authoritative side's Reports
  (a receiver of informs answers discovery and failures with them);
* :class:`TimeWindow` -- timeliness bookkeeping of one authoritative engine
  (RFC 3414 3.2.7 b), with the local clock passed in as *now*;
* :class:`RemoteEngine` -- the state of one (agent, user) pair tying it all
  together: discovery, time synchronisation, per-request encode, per-response
  decode and checks.

Invariants
----------
* **Errors are typed.**  :func:`decode_message` raises only
  :class:`V3DecodeError` (malformed message; it is both an
  :class:`~snmp_component.errors.DecodeError` and a
  :class:`~snmp_component._core.ber.BERDecodeError`) or a
  :class:`~snmp_component.errors.SecurityError` subclass for local security
  failures (``WrongDigest``: the digest does not verify; ``DecryptionError``;
  ``UnknownEngineID`` / ``UnknownUserName`` / ``UnsupportedSecurityLevel``:
  no usable keys for the message).  All of them are ``SNMPError``\\ s whose
  ``error_num`` is net-snmp's (-32 .. -37, -31 for malformed messages).
  A Report PDU is *not* an error for the decoder: it is returned, and
  :func:`report_error` maps it (usmStatsUnsupportedSecLevels ->
  UnsupportedSecurityLevel, NotInTimeWindows -> NotInTimeWindow,
  UnknownUserNames -> UnknownUserName, UnknownEngineIDs -> UnknownEngineID,
  WrongDigests -> WrongDigest, DecryptionErrors -> DecryptionError, with
  net-snmp's ``ErrorStr`` texts).
* **Outcomes are values.**  :meth:`RemoteEngine.read` and
  :meth:`RemoteEngine.read_discovery` never raise for what a datagram holds: they return
  :class:`Accepted` (the decoded answer), :class:`Reported` (a Report: which usmStats
  counter, its typed error, and whether it resynchronised the engine ID or clock) or
  :class:`Dropped` (why the datagram is no answer and no verdict: RFC 3412 drops it).
  Each carries a constant ``kind`` tag, so a caller branches on one attribute (and mypy
  narrows on it).  :meth:`RemoteEngine.receive` / :meth:`~RemoteEngine.discovery_response`
  are the older exception forms of the same, kept for existing callers.
* **Strict, bounded parsing** with the :mod:`~snmp_component._core.ber`
  primitives: every element inside its parent, exact fill, msgVersion 3,
  msgSecurityModel 3 (USM), msgFlags one octet and never priv without auth,
  msgID/boots/time 0..2**31-1, msgMaxSize >= 484, engine ID and user name at
  most 32 octets.  The one leniency: a decrypted ScopedPDU may be followed by
  padding (DES pads to 8 octets; RFC 3414 8.3.2 allows it).
* **Authenticate before decrypting, decrypt before parsing the PDU**; a
  decrypted payload that does not parse is a ``DecryptionError`` (wrong
  privacy key or protocol).
* **What will be dropped costs O(header + HMAC).**  Given an :class:`Expect`
  (what the answer to one request must be), :func:`decode_message` checks the
  message against it before decoding any varbind: msgFlags and the USM
  parameters (engine ID, user name, digest length) before the HMAC, the
  plaintext PDU's type, request-id and the security level before the HMAC too,
  an encrypted PDU's right after decrypting.  A Report matches anything (RFC
  3412 7.2.10; net-snmp's ``snmpv3_verify_msg``), and only its first varbind,
  the usmStats counter it is about, is decoded; a Response must have the
  request-id and travel at the request's level.
* **No secrets** in any ``repr``, message or exception (keys are held by
  :mod:`~snmp_component._core.usm` objects whose ``repr`` omits them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Final, Literal, NamedTuple, TypeAlias

from ..errors import (
    DecodeError,
    DecryptionError,
    NotInTimeWindow,
    SecurityError,
    SNMPError,
    UnknownEngineID,
    UnknownUserName,
    UnsupportedSecurityLevel,
    WrongDigest,
)
from .ber import (
    COUNTER32,
    GET_BULK_REQUEST,
    GET_NEXT_REQUEST,
    GET_REQUEST,
    INFORM_REQUEST,
    PDU_NAMES,
    REPORT,
    RESPONSE,
    SET_REQUEST,
    BERDecodeError,
    PduHeader,
    VarBind,
    decode_integer,
    decode_pdu_header,
    decode_tlv,
    decode_varbind_list,
    encode_integer,
    encode_length,
    encode_pdu,
    encode_varbinds,
)
from .oid import Oid
from .usm import (
    FLAG_AUTH,
    FLAG_PRIV,
    FLAG_REPORTABLE,
    LEVEL_AUTH_PRIV,
    UsmKeys,
    UsmUser,
)

__all__ = [
    "CONFIRMED_PDUS",
    "DEFAULT_MAX_SIZE",
    "MAX_ENGINE_BOOTS",
    "SNMP_VERSION_3",
    "TIME_WINDOW",
    "USM_SECURITY_MODEL",
    "USM_STATS_DECRYPTION_ERRORS",
    "USM_STATS_NOT_IN_TIME_WINDOWS",
    "USM_STATS_UNKNOWN_ENGINE_IDS",
    "USM_STATS_UNKNOWN_USER_NAMES",
    "USM_STATS_UNSUPPORTED_SEC_LEVELS",
    "USM_STATS_WRONG_DIGESTS",
    "Accepted",
    "DropReason",
    "Dropped",
    "Expect",
    "KeyResolver",
    "Outcome",
    "RemoteEngine",
    "ReportKind",
    "Reported",
    "TimeWindow",
    "V3DecodeError",
    "V3Header",
    "V3Message",
    "decode_message",
    "encode_discovery",
    "encode_message",
    "encode_report",
    "peek_header",
    "peek_msg_id",
    "report_error",
]

SNMP_VERSION_3: Final = 3
USM_SECURITY_MODEL: Final = 3
DEFAULT_MAX_SIZE: Final = 65507
"""msgMaxSize we announce: the largest UDP/IPv4 payload (as net-snmp and pysnmp do)."""
MIN_MAX_SIZE: Final = 484
MAX_ENGINE_BOOTS: Final = 2147483647
TIME_WINDOW: Final = 150
"""Seconds of clock skew USM tolerates (RFC 3414 section 2.2.3)."""

_MAX_I31: Final = 2147483647
_MAX_OCTETS_ID: Final = 32

# usmStats counters (SNMP-USM-MIB), the varbind of a USM Report PDU.
_USM_STATS: Final = (1, 3, 6, 1, 6, 3, 15, 1, 1)
USM_STATS_UNSUPPORTED_SEC_LEVELS: Final[Oid] = (*_USM_STATS, 1, 0)
USM_STATS_NOT_IN_TIME_WINDOWS: Final[Oid] = (*_USM_STATS, 2, 0)
USM_STATS_UNKNOWN_USER_NAMES: Final[Oid] = (*_USM_STATS, 3, 0)
USM_STATS_UNKNOWN_ENGINE_IDS: Final[Oid] = (*_USM_STATS, 4, 0)
USM_STATS_WRONG_DIGESTS: Final[Oid] = (*_USM_STATS, 5, 0)
USM_STATS_DECRYPTION_ERRORS: Final[Oid] = (*_USM_STATS, 6, 0)

# net-snmp error numbers and texts (snmp_api.h / snmp_api.c).
_INVALID_MSG: Final = -31
_UNKNOWN_ENG_ID: Final = -32
_UNKNOWN_USER_NAME: Final = -33
_UNSUPPORTED_SEC_LEVEL: Final = -34
_AUTHENTICATION_FAILURE: Final = -35
_NOT_IN_TIME_WINDOW: Final = -36
_DECRYPTION_ERR: Final = -37
_UNKNOWN_REPORT: Final = -41

UsmProblem: TypeAlias = Literal[
    "unsupported_sec_level",
    "not_in_time_window",
    "unknown_user_name",
    "unknown_engine_id",
    "wrong_digest",
    "decryption_error",
]
"""A USM failure, by the usmStats counter (SNMP-USM-MIB) that counts it."""

ReportKind: TypeAlias = Literal[UsmProblem, "unknown_report"]
"""Which Report an agent sent: its usmStats counter, or ``"unknown_report"`` (any other OID,
or none)."""

DropReason: TypeAlias = Literal[UsmProblem, "malformed", "not_the_answer"]
"""Why a datagram was dropped: it failed a local USM check (the same names as the Reports:
``"wrong_digest"``, ``"not_in_time_window"`` for an authentic but stale message,
``"unsupported_sec_level"`` for one at another level than the request's ...), it is
``"malformed"``, or it is well-formed but ``"not_the_answer"`` (another request-id or PDU
type)."""

# usmStats counter (last-but-one sub-identifier) -> (class, net-snmp number, net-snmp text, kind)
_REPORTS: Final[dict[int, tuple[type[SecurityError], int, str, UsmProblem]]] = {
    1: (
        UnsupportedSecurityLevel,
        _UNSUPPORTED_SEC_LEVEL,
        "Unsupported security level",
        "unsupported_sec_level",
    ),
    2: (NotInTimeWindow, _NOT_IN_TIME_WINDOW, "Not in time window", "not_in_time_window"),
    3: (UnknownUserName, _UNKNOWN_USER_NAME, "Unknown user name", "unknown_user_name"),
    4: (UnknownEngineID, _UNKNOWN_ENG_ID, "Unknown engine ID", "unknown_engine_id"),
    5: (
        WrongDigest,
        _AUTHENTICATION_FAILURE,
        "Authentication failure (incorrect password, community or key)",
        "wrong_digest",
    ),
    6: (DecryptionError, _DECRYPTION_ERR, "Decryption error", "decryption_error"),
}

CONFIRMED_PDUS: Final = frozenset(
    (GET_REQUEST, GET_NEXT_REQUEST, GET_BULK_REQUEST, SET_REQUEST, INFORM_REQUEST)
)


class V3DecodeError(DecodeError, BERDecodeError):
    """A malformed or unsupported SNMPv3 message (``error_num`` -31, "Invalid message").

    Both a :class:`~snmp_component.errors.DecodeError` and a
    :class:`~snmp_component._core.ber.BERDecodeError` (so also a ValueError).
    """

    default_num = _INVALID_MSG


class _NotTheAnswer(V3DecodeError):
    """A well-formed message that is not the answer to the request (:class:`Expect`):
    another PDU type or request-id.  Dropped as ``"not_the_answer"``."""


# the errors decode_message and RemoteEngine's checks raise -> why the datagram is dropped
_DROP_REASONS: Final[dict[type[SNMPError], DropReason]] = {
    V3DecodeError: "malformed",
    _NotTheAnswer: "not_the_answer",
    UnsupportedSecurityLevel: "unsupported_sec_level",
    NotInTimeWindow: "not_in_time_window",
    UnknownUserName: "unknown_user_name",
    UnknownEngineID: "unknown_engine_id",
    WrongDigest: "wrong_digest",
    DecryptionError: "decryption_error",
}


def _local(cls: type[SecurityError], num: int, text: str) -> SecurityError:
    return cls(text, error_num=num)


# ====================================================================== decoding
@dataclass(slots=True)
class V3Message:
    """A decoded (authenticated, decrypted) SNMPv3 message.

    Attributes:
        msg_id: msgID (matches the request's; route responses by it).
        max_size: msgMaxSize of the sender.
        flags: msgFlags (``FLAG_AUTH | FLAG_PRIV | FLAG_REPORTABLE`` bits); ``flags & 3`` is
            the security level the message travelled at (and was verified at).
        engine_id: msgAuthoritativeEngineID.
        engine_boots: msgAuthoritativeEngineBoots.
        engine_time: msgAuthoritativeEngineTime.
        user_name: msgUserName.
        context_engine_id: the ScopedPDU's contextEngineID.
        context_name: the ScopedPDU's contextName.
        pdu_tag: ``ber.RESPONSE``, ``ber.REPORT``, ...
        request_id, error_status, error_index: the PDU header.
        varbinds: ``(oid, tag, value)`` triples as in :mod:`~snmp_component._core.ber`.
    """

    msg_id: int
    max_size: int
    flags: int
    engine_id: bytes
    engine_boots: int
    engine_time: int
    user_name: bytes
    context_engine_id: bytes
    context_name: bytes
    pdu_tag: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[VarBind]

    @property
    def level(self) -> int:
        """The security level (``flags & (FLAG_AUTH | FLAG_PRIV)``)."""
        return self.flags & LEVEL_AUTH_PRIV

    @property
    def is_report(self) -> bool:
        """True for a Report PDU."""
        return self.pdu_tag == REPORT


KeyResolver: TypeAlias = Callable[[bytes, bytes], UsmKeys | None]
"""``(engine_id, user_name) -> UsmKeys | None``: *keys* of :func:`decode_message` may be one."""


class Expect(NamedTuple):
    """What the answer to one request must be, checked before its varbinds are decoded.

    A Report matches anything (RFC 3412 7.2.10: Reports need not match the request);
    only its first varbind is decoded (the one :func:`report_error` reads).
    Any other PDU must be a Response, with *request_id* (if not None) and at security
    *level* (``flags & 3``, if not None), as net-snmp's ``snmpv3_verify_msg`` checks.

    (An immutable tuple: one is made for every reply read, and a frozen dataclass costs
    twice as much to build.)
    """

    level: int | None = None
    request_id: int | None = None


def _check_expected(head: PduHeader, flags: int, expect: Expect) -> None:
    """Raise unless the PDU *head* (of a message with *flags*) matches *expect*."""
    tag = head.pdu_tag
    if tag == REPORT:
        return
    if tag != RESPONSE:
        raise _NotTheAnswer(f"a {_pdu_name(tag)} PDU is not an answer to a request")
    if expect.level is not None and flags & LEVEL_AUTH_PRIV != expect.level:
        raise _level_differs()
    if expect.request_id is not None and head.request_id != expect.request_id:
        raise _NotTheAnswer(
            f"request-id {head.request_id} is not the request's ({expect.request_id})"
        )


def _level_differs() -> SecurityError:
    return _local(
        UnsupportedSecurityLevel,
        _UNSUPPORTED_SEC_LEVEL,
        "Unsupported security level: the response's level differs from the request's",
    )


def _pdu_name(tag: int) -> str:
    return PDU_NAMES.get(tag, f"0x{tag:02x}")


def decode_message(
    data: bytes | bytearray | memoryview,
    keys: UsmKeys | KeyResolver | None = None,
    *,
    expect: Expect | None = None,
) -> V3Message:
    """Parse, authenticate, decrypt and decode one SNMPv3 datagram.

    Args:
        data: the datagram (bytes, bytearray or memoryview).
        keys: the :class:`~snmp_component._core.usm.UsmKeys` to verify and decrypt
            with, or a callable ``(engine_id, user_name) -> UsmKeys | None``, or None
            (then only noAuthNoPriv messages decode).  Needed only when the message's
            msgFlags ask for authentication; a noAuthNoPriv message (e.g. a discovery
            Report) decodes without keys and is not checked against them.
        expect: what the answer to a request must be (:class:`Expect`); a message that
            is not it raises before any varbind is decoded, before the HMAC when the PDU
            is in plaintext.

    Returns:
        The :class:`V3Message`.  Timeliness is *not* checked here (see
        :class:`TimeWindow` / :class:`RemoteEngine`).

    Raises:
        V3DecodeError: malformed or unsupported message (also a DecodeError).
        UnknownEngineID / UnknownUserName: an authenticated message for an engine ID or
            user that *keys* is not for (or the resolver returned None).
        UnsupportedSecurityLevel: the message needs auth/priv and the keys lack it, or
            (*expect*) a Response at another level than expected.
        WrongDigest: the digest does not verify.
        DecryptionError: decryption failed or its result is not a ScopedPDU.
    """
    if isinstance(data, bytes):
        raw = data
    else:
        try:
            raw = bytes(data)
        except TypeError:
            raise V3DecodeError(f"cannot decode {type(data).__name__}") from None
    try:
        return _decode(raw, keys, expect)
    except SNMPError:
        raise
    except BERDecodeError as exc:
        raise V3DecodeError(str(exc)) from None
    except IndexError:  # a read past the end of the datagram
        raise V3DecodeError("truncated SNMPv3 message") from None
    except (ValueError, TypeError, OverflowError) as exc:  # defensive net
        raise V3DecodeError(f"malformed SNMPv3 message ({type(exc).__name__}: {exc})") from None


def _tlv(data: bytes, i: int, limit: int, tag: int, what: str) -> tuple[int, int]:
    """Fast path of :func:`ber.decode_tlv` for 1..3-octet lengths: (content start, end)."""
    if data[i] == tag:
        n = data[i + 1]
        if n < 0x80:
            s = i + 2
            e = s + n
        elif n == 0x81:
            s = i + 3
            e = s + data[i + 2]
        elif n == 0x82:
            s = i + 4
            e = s + (data[i + 2] << 8 | data[i + 3])
        else:
            return decode_tlv(data, i, limit, tag, what)
        if e <= limit:
            return s, e
    return decode_tlv(data, i, limit, tag, what)


def _int(data: bytes, i: int, limit: int, what: str) -> tuple[int, int]:
    """Fast path of :func:`ber.decode_integer` for 1..4 content octets (value, next index)."""
    if data[i] == 0x02:
        n = data[i + 1]
        if 0 < n <= 4:
            e = i + 2 + n
            if e <= limit:
                return int.from_bytes(data[i + 2 : e], "big", signed=True), e
    return decode_integer(data, i, limit, what)


_Header: TypeAlias = tuple[int, int, int, bytes, int, int, bytes, int, int, int, int, int]


def _header(data: bytes) -> _Header:
    """The checked header: (msgID, msgMaxSize, msgFlags, engine ID, boots, time, user name,
    auth params start/end, priv params start/end, msgData start)."""
    # Every helper is bounded by its parent's end, and each parent by len(data):
    # an IndexError can only come from reading past the end of data, which the
    # callers turn into V3DecodeError.
    total = len(data)
    s, e = _tlv(data, 0, total, 0x30, "message")
    if e != total:
        raise V3DecodeError(f"{total - e} trailing bytes after the message")
    version, i = _int(data, s, total, "msgVersion")
    if version != SNMP_VERSION_3:
        raise V3DecodeError(f"not an SNMPv3 message (msgVersion {version})")
    # msgGlobalData
    gs, ge = _tlv(data, i, total, 0x30, "msgGlobalData")
    msg_id, j = _int(data, gs, ge, "msgID")
    max_size, j = _int(data, j, ge, "msgMaxSize")
    fs, fe = _tlv(data, j, ge, 0x04, "msgFlags")
    if fe - fs != 1:
        raise V3DecodeError(f"msgFlags of {fe - fs} octets (expected 1)")
    flags = data[fs]
    model, j = _int(data, fe, ge, "msgSecurityModel")
    if j != ge:
        raise V3DecodeError("trailing bytes in msgGlobalData")
    if msg_id < 0:
        raise V3DecodeError(f"msgID {msg_id} out of range 0..{_MAX_I31}")
    if max_size < MIN_MAX_SIZE:
        raise V3DecodeError(f"msgMaxSize {max_size} out of range {MIN_MAX_SIZE}..{_MAX_I31}")
    if flags & FLAG_PRIV and not flags & FLAG_AUTH:
        raise V3DecodeError("invalid msgFlags: privacy without authentication")
    if model != USM_SECURITY_MODEL:
        raise V3DecodeError(f"unsupported msgSecurityModel {model} (only USM, 3)")
    # msgSecurityParameters: OCTET STRING wrapping UsmSecurityParameters
    ss, se = _tlv(data, ge, total, 0x04, "msgSecurityParameters")
    us, ue = _tlv(data, ss, se, 0x30, "UsmSecurityParameters")
    if ue != se:
        raise V3DecodeError("trailing bytes in msgSecurityParameters")
    a, b = _tlv(data, us, ue, 0x04, "msgAuthoritativeEngineID")
    engine_id = data[a:b]
    boots, k = _int(data, b, ue, "msgAuthoritativeEngineBoots")
    engine_time, k = _int(data, k, ue, "msgAuthoritativeEngineTime")
    a, b = _tlv(data, k, ue, 0x04, "msgUserName")
    user_name = data[a:b]
    auth_s, auth_e = _tlv(data, b, ue, 0x04, "msgAuthenticationParameters")
    priv_s, priv_e = _tlv(data, auth_e, ue, 0x04, "msgPrivacyParameters")
    if priv_e != ue:
        raise V3DecodeError("trailing bytes in UsmSecurityParameters")
    if len(engine_id) > _MAX_OCTETS_ID:
        raise V3DecodeError(f"msgAuthoritativeEngineID of {len(engine_id)} octets (at most 32)")
    if len(user_name) > _MAX_OCTETS_ID:
        raise V3DecodeError(f"msgUserName of {len(user_name)} octets (at most 32)")
    if boots < 0:
        raise V3DecodeError(f"msgAuthoritativeEngineBoots {boots} out of range 0..{_MAX_I31}")
    if engine_time < 0:
        raise V3DecodeError(f"msgAuthoritativeEngineTime {engine_time} out of range 0..{_MAX_I31}")
    if se >= total:
        raise V3DecodeError("msgData missing")
    return (msg_id, max_size, flags, engine_id, boots, engine_time, user_name,
            auth_s, auth_e, priv_s, priv_e, se)  # fmt: skip


def _decode(data: bytes, keys: UsmKeys | KeyResolver | None, expect: Expect | None) -> V3Message:
    (msg_id, max_size, flags, engine_id, boots, engine_time, user_name,
     auth_s, auth_e, priv_s, priv_e, se) = _header(data)  # fmt: skip
    total = len(data)
    scoped: _Scoped | None = None
    if flags & FLAG_AUTH:
        k_ = _resolve(keys, engine_id, user_name)
        auth = k_.auth
        if auth is None:
            raise _local(
                UnsupportedSecurityLevel,
                _UNSUPPORTED_SEC_LEVEL,
                "Unsupported security level: authenticated message, but the user has no "
                "authentication protocol",
            )
        if auth_e - auth_s != auth.mac_length:
            raise _local(
                WrongDigest,
                _AUTHENTICATION_FAILURE,
                f"Authentication failure: msgAuthenticationParameters of {auth_e - auth_s} "
                f"octets ({auth.protocol} uses {auth.mac_length})",
            )
        if expect is not None and not flags & FLAG_PRIV:
            # the PDU is in plaintext: a message that is not the answer is dropped before
            # the HMAC (a malformed one is left to the digest, then to the strict parse)
            try:
                scoped = _plain_scoped(data, se, total)
            except (BERDecodeError, IndexError):
                scoped = None
            else:
                _check_expected(scoped[2], flags, expect)
        if not auth.verify(data[:auth_s] + auth.placeholder + data[auth_e:], data[auth_s:auth_e]):
            raise _local(
                WrongDigest,
                _AUTHENTICATION_FAILURE,
                "Authentication failure: the message digest does not verify "
                "(wrong authentication key or protocol)",
            )
        if flags & FLAG_PRIV:
            priv = k_.priv
            if priv is None:
                raise _local(
                    UnsupportedSecurityLevel,
                    _UNSUPPORTED_SEC_LEVEL,
                    "Unsupported security level: encrypted message, but the user has no "
                    "privacy protocol",
                )
            cs, ce = _tlv(data, se, total, 0x04, "encryptedPDU")
            if ce != total:
                raise V3DecodeError("trailing bytes after the encryptedPDU")
            plain = priv.decrypt(data[cs:ce], data[priv_s:priv_e], boots, engine_time)
            try:
                scoped = _scoped_header(plain, 0, len(plain), padded=True)
            except (BERDecodeError, IndexError, ValueError) as exc:
                raise _not_scoped(exc) from None
            if expect is not None:
                _check_expected(scoped[2], flags, expect)
            try:
                varbinds = _varbinds(plain, scoped[2], expect)
            except BERDecodeError as exc:
                raise _not_scoped(exc) from None
            return _message(msg_id, max_size, flags, engine_id, boots, engine_time,
                            user_name, plain, scoped, varbinds)  # fmt: skip
    if scoped is None:
        scoped = _plain_scoped(data, se, total)
        if expect is not None:
            _check_expected(scoped[2], flags, expect)
    varbinds = _varbinds(data, scoped[2], expect)
    return _message(msg_id, max_size, flags, engine_id, boots, engine_time, user_name,
                    data, scoped, varbinds)  # fmt: skip


def _varbinds(buf: bytes, head: PduHeader, expect: Expect | None) -> list[VarBind]:
    """The PDU's varbinds; for a Report read as an answer (*expect*), only the first: the
    usmStats counter it is about (RFC 3414 3.2), so that no Report costs more."""
    first_only = expect is not None and head.pdu_tag == REPORT
    return decode_varbind_list(buf, head.varbinds_start, head.varbinds_end, first_only=first_only)


def _not_scoped(exc: Exception) -> SecurityError:
    return _local(
        DecryptionError,
        _DECRYPTION_ERR,
        "Decryption error: the decrypted data is not a ScopedPDU "
        f"(wrong privacy key or protocol?): {exc}",
    )


_Scoped: TypeAlias = tuple[tuple[int, int], tuple[int, int], PduHeader]


def _message(msg_id: int, max_size: int, flags: int, engine_id: bytes, boots: int,
             engine_time: int, user_name: bytes, buf: bytes, scoped: _Scoped,
             varbinds: list[VarBind]) -> V3Message:  # fmt: skip
    (a, b), (c, d), head = scoped
    return V3Message(msg_id, max_size, flags, engine_id, boots, engine_time, user_name,
                     buf[a:b], buf[c:d], head.pdu_tag, head.request_id, head.error_status,
                     head.error_index, varbinds)  # fmt: skip


def _resolve(keys: UsmKeys | KeyResolver | None, engine_id: bytes, user_name: bytes) -> UsmKeys:
    """The keys for an authenticated message, checked against its engine ID and user."""
    if keys is None:
        raise _local(
            UnsupportedSecurityLevel,
            _UNSUPPORTED_SEC_LEVEL,
            "Unsupported security level: authenticated message, but no keys to verify it",
        )
    if not isinstance(keys, UsmKeys):
        found = keys(engine_id, user_name)
        if found is None:
            raise _local(
                UnknownUserName,
                _UNKNOWN_USER_NAME,
                f"Unknown user name {user_name!r} for engine {engine_id.hex() or '(empty)'}",
            )
        keys = found
    if keys.engine_id != engine_id:
        raise _local(
            UnknownEngineID,
            _UNKNOWN_ENG_ID,
            f"Unknown engine ID {engine_id.hex() or '(empty)'} (keys are for "
            f"{keys.engine_id.hex()})",
        )
    if keys.user_name != user_name:
        raise _local(
            UnknownUserName,
            _UNKNOWN_USER_NAME,
            f"Unknown user name {user_name!r} (keys are for {keys.user_name!r})",
        )
    return keys


def _plain_scoped(data: bytes, se: int, total: int) -> _Scoped:
    """The plaintext ScopedPDU that is the msgData at ``data[se:total]``, to its varbinds."""
    if data[se] != 0x30:
        raise V3DecodeError(
            f"msgData: expected a plaintext ScopedPDU (SEQUENCE), got tag 0x{data[se]:02x}"
        )
    return _scoped_header(data, se, total, padded=False)


def _scoped_header(buf: bytes, start: int, limit: int, *, padded: bool) -> _Scoped:
    """The ScopedPDU at ``buf[start:limit]`` up to its varbinds: where its contextEngineID
    and contextName lie, and the PDU header."""
    s, e = _tlv(buf, start, limit, 0x30, "ScopedPDU")
    if e != limit and not padded:
        raise V3DecodeError("trailing bytes after the ScopedPDU")
    a, b = _tlv(buf, s, e, 0x04, "contextEngineID")
    c, d = _tlv(buf, b, e, 0x04, "contextName")
    return (a, b), (c, d), decode_pdu_header(buf, d, e)


def report_error(msg: V3Message) -> SNMPError | None:
    """The error a Report PDU stands for; None if *msg* is not a Report.

    USM counters map to their :class:`~snmp_component.errors.SecurityError`
    subclass with net-snmp's ``ErrorStr``/``ErrorNum`` (e.g. usmStatsWrongDigests
    -> ``WrongDigest("Authentication failure (incorrect password, community or
    key)", error_num=-35)``); any other Report gives a plain ``SNMPError``
    ("Unknown Report message", -41) naming the OID.
    """
    if msg.pdu_tag != REPORT:
        return None
    return _report_of(msg)[1]


def _report_of(msg: V3Message) -> tuple[ReportKind, SNMPError]:
    """Which Report the Report PDU *msg* is, and the error it stands for."""
    if msg.varbinds:
        oid = msg.varbinds[0][0]
        if oid[:9] == _USM_STATS and len(oid) >= 10 and oid[9] in _REPORTS:
            cls, num, text, kind = _REPORTS[oid[9]]
            return kind, cls(text, error_num=num)
        name = ".".join(map(str, oid))
        return "unknown_report", SNMPError(
            f"Unknown Report message ({name})", error_num=_UNKNOWN_REPORT
        )
    return "unknown_report", SNMPError(
        "Unknown Report message (no varbind)", error_num=_UNKNOWN_REPORT
    )


def peek_msg_id(data: bytes | bytearray | memoryview) -> int | None:
    """msgID of an SNMPv3 datagram, reading only the header; None if not readable.

    Never raises.  Nothing beyond msgID is checked (use :func:`decode_message`).
    """
    try:
        raw = data if isinstance(data, bytes) else bytes(data)
        total = len(raw)
        s, _ = _tlv(raw, 0, total, 0x30, "message")
        version, i = _int(raw, s, total, "msgVersion")
        if version != SNMP_VERSION_3:
            return None
        gs, ge = _tlv(raw, i, total, 0x30, "msgGlobalData")
        msg_id, _ = _int(raw, gs, ge, "msgID")
        return msg_id if msg_id >= 0 else None
    except (BERDecodeError, IndexError, TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class V3Header:
    """What :func:`peek_header` reads without keys: enough to answer with a Report.

    Attributes:
        msg_id, max_size, flags, engine_id, user_name: as in :class:`V3Message`.
        request_id: the PDU's request-id when the ScopedPDU is in plaintext, else 0.
        pdu_tag: the PDU's tag when the ScopedPDU is in plaintext, else None.
    """

    msg_id: int
    max_size: int
    flags: int
    engine_id: bytes
    user_name: bytes
    request_id: int
    pdu_tag: int | None = None

    @property
    def reportable(self) -> bool:
        """The msgFlags reportable bit: the sender expects a Report on failure."""
        return bool(self.flags & FLAG_REPORTABLE)

    @property
    def answerable(self) -> bool:
        """Whether a failure of this message gets a Report (RFC 3412 7.1.3 b): by the PDU's
        class when it is readable (confirmed class only), else by the reportable flag."""
        if self.pdu_tag is not None:
            return self.pdu_tag in CONFIRMED_PDUS
        return self.reportable


def peek_header(data: bytes) -> V3Header | None:
    """The header of an SNMPv3 datagram, checked as :func:`decode_message` does, but not
    authenticated or decrypted; None if it is malformed.  Never raises."""
    try:
        msg_id, max_size, flags, engine_id, _, _, user_name, _, _, _, _, se = _header(data)
        request_id = 0
        pdu_tag = None
        if not flags & FLAG_PRIV:
            total = len(data)
            s, e = _tlv(data, se, total, 0x30, "ScopedPDU")
            _, b = _tlv(data, s, e, 0x04, "contextEngineID")
            _, d = _tlv(data, b, e, 0x04, "contextName")
            pdu_tag = data[d]
            ps, pe = _tlv(data, d, e, pdu_tag, "PDU")
            request_id = _int(data, ps, pe, "request-id")[0]
    except (BERDecodeError, IndexError, TypeError, ValueError):
        return None
    return V3Header(msg_id, max_size, flags, engine_id, user_name, request_id, pdu_tag)


# ====================================================================== encoding
_VERSION_TLV: Final = b"\x02\x01\x03"
_MODEL_TLV: Final = b"\x02\x01\x03"
_FLAGS_TLV: Final = tuple(b"\x04\x01" + bytes((f,)) for f in range(8))


def _check_u31(value: int, what: str) -> int:
    if type(value) is not int or not 0 <= value <= _MAX_I31:
        raise ValueError(f"{what} {value!r} out of range 0..{_MAX_I31}")
    return value


# Every request is encoded here, with a dozen lengths and integers: speed-ups of
# ber.encode_length / ber.encode_integer for what an SNMPv3 envelope holds.
class _Lengths(dict[int, bytes]):
    """``_LEN[n]``: ``encode_length(n)``, a dict read (no call) for n < 2048."""

    def __missing__(self, n: int) -> bytes:
        return encode_length(n)


_LEN: Final = _Lengths((n, encode_length(n)) for n in range(2048))
_INT_HEAD: Final = tuple(bytes((0x02, n)) for n in range(6))


def _u31(value: int) -> bytes:
    """``encode_integer(value)``; inline for an int 0..2**31-1 (what envelopes hold)."""
    if type(value) is not int or not 0 <= value <= _MAX_I31:
        return encode_integer(value)
    n = value.bit_length() // 8 + 1  # minimal two's complement octets of a value >= 0
    return _INT_HEAD[n] + value.to_bytes(n, "big")


def _assemble(
    msg_id: int,
    max_size: int,
    flags: int,
    engine_id: bytes,
    boots: int,
    engine_time: int,
    user_name: bytes,
    scoped: bytes,
    keys: UsmKeys | None,
) -> bytes:
    """The whole message: encrypt (priv), lay out, then sign in place (auth)."""
    auth = keys.auth if keys is not None and flags & FLAG_AUTH else None
    if flags & FLAG_PRIV:
        priv = keys.priv if keys is not None else None
        if priv is None:  # pragma: no cover - checked by the callers
            raise ValueError("privacy requested without privacy keys")
        ciphertext, salt = priv.encrypt(scoped, boots, engine_time)
        msg_data = b"\x04" + _LEN[len(ciphertext)] + ciphertext
        tail = b"\x04\x08" + salt + msg_data
    else:
        msg_data = scoped
        tail = b"\x04\x00" + msg_data
    mac_len = auth.mac_length if auth is not None else 0
    usm_head = (
        b"\x04"
        + _LEN[len(engine_id)]
        + engine_id
        + _u31(boots)
        + _u31(engine_time)
        + b"\x04"
        + _LEN[len(user_name)]
        + user_name
        + b"\x04"
        + _LEN[mac_len]
    )
    usm_len = len(usm_head) + mac_len + len(tail) - len(msg_data)
    usm_hdr = b"\x30" + _LEN[usm_len]
    sec_len = len(usm_hdr) + usm_len
    glob = _u31(msg_id) + _u31(max_size) + _FLAGS_TLV[flags] + _MODEL_TLV
    glob = b"\x30" + _LEN[len(glob)] + glob
    sec_hdr = b"\x04" + _LEN[sec_len]
    body_len = 3 + len(glob) + len(sec_hdr) + sec_len + len(msg_data)
    head = b"\x30" + _LEN[body_len] + _VERSION_TLV + glob + sec_hdr + usm_hdr + usm_head
    if auth is None:
        return head + tail
    return head + auth.sign(head + auth.placeholder + tail) + tail


def encode_message(
    msg_id: int,
    pdu: bytes,
    keys: UsmKeys,
    boots: int,
    engine_time: int,
    *,
    level: int | None = None,
    context_engine_id: bytes | None = None,
    context_name: bytes = b"",
    max_size: int = DEFAULT_MAX_SIZE,
    reportable: bool | None = None,
) -> bytes:
    """Encode *pdu* (a PDU TLV from ``ber.encode_pdu``) as an SNMPv3/USM message.

    Args:
        msg_id: msgID, 0..2**31-1 (fresh for every message, retries included).
        pdu: the PDU TLV.
        keys: the user's keys localised to the authoritative engine (gives
            msgAuthoritativeEngineID and msgUserName).
        boots, engine_time: the authoritative engine's clock as estimated now
            (:meth:`TimeWindow.estimate`); 0/0 before synchronisation.
        level: security level (``usm.LEVEL_*``), at most the keys' level; default the keys'.
        context_engine_id: default the keys' engine ID.
        context_name: default the empty (default) context.
        max_size: msgMaxSize announced, >= 484.
        reportable: the reportable flag; default: set for confirmed-class PDUs
            (GET/GETNEXT/GETBULK/SET/INFORM), clear otherwise.

    Raises:
        ValueError: an out-of-range field or a level the keys do not support.
    """
    if not pdu:
        raise ValueError("empty PDU")
    flags = keys.level if level is None else level
    if flags & ~LEVEL_AUTH_PRIV or flags & ~keys.level or flags == FLAG_PRIV:
        raise ValueError(f"security level {level!r} not possible with {keys!r}")
    if reportable if reportable is not None else (pdu[0] in CONFIRMED_PDUS):
        flags |= FLAG_REPORTABLE
    _check_u31(msg_id, "msg_id")
    _check_u31(boots, "boots")
    _check_u31(engine_time, "engine_time")
    if not MIN_MAX_SIZE <= max_size <= _MAX_I31:
        raise ValueError(f"max_size {max_size} out of range {MIN_MAX_SIZE}..{_MAX_I31}")
    ceid = keys.engine_id if context_engine_id is None else context_engine_id
    body = b"\x04" + _LEN[len(ceid)] + ceid + b"\x04" + _LEN[len(context_name)] + context_name + pdu
    scoped = b"\x30" + _LEN[len(body)] + body
    return _assemble(
        msg_id, max_size, flags, keys.engine_id, boots, engine_time, keys.user_name, scoped, keys
    )


_EMPTY_GET_PREFIX: Final = b"\x04\x00\x04\x00"


def encode_discovery(msg_id: int, request_id: int, *, max_size: int = DEFAULT_MAX_SIZE) -> bytes:
    """The engine-ID discovery probe (RFC 3414 section 4).

    noAuthNoPriv, reportable, empty msgAuthoritativeEngineID and msgUserName,
    boots/time 0, empty contextEngineID/contextName, a GET with no varbinds
    (what net-snmp sends).  The agent answers with a Report of
    usmStatsUnknownEngineIDs carrying its engine ID, boots and time.
    """
    _check_u31(msg_id, "msg_id")
    if not MIN_MAX_SIZE <= max_size <= _MAX_I31:
        raise ValueError(f"max_size {max_size} out of range {MIN_MAX_SIZE}..{_MAX_I31}")
    body = _EMPTY_GET_PREFIX + encode_pdu(GET_REQUEST, request_id, 0, 0, b"\x30\x00")
    scoped = b"\x30" + encode_length(len(body)) + body
    return _assemble(msg_id, max_size, FLAG_REPORTABLE, b"", 0, 0, b"", scoped, None)


def encode_report(
    header: V3Header,
    oid: Oid,
    count: int,
    engine_id: bytes,
    boots: int,
    engine_time: int,
    *,
    keys: UsmKeys | None = None,
    request_id: int | None = None,
) -> bytes:
    """A Report answering the message *header* came from, sent as its authoritative engine.

    RFC 3412 7.1.3 and RFC 3414 3.2: the varbind is the usmStats counter *oid* with value
    *count* (Counter32), msgID is echoed, msgAuthoritativeEngineID/Boots/Time are ours
    (*engine_id*, *boots*, *engine_time*, also the contextEngineID), not reportable.
    noAuthNoPriv with the request's user name, or authNoPriv with *keys* (the
    notInTimeWindow Report, which the sender must be able to trust to resynchronise).
    request-id: *request_id*, else the header's (0 when the request was encrypted).
    """
    rid = header.request_id if request_id is None else request_id
    pdu = encode_pdu(REPORT, rid, 0, 0, encode_varbinds([(oid, COUNTER32, count & 0xFFFFFFFF)]))
    body = b"\x04" + encode_length(len(engine_id)) + engine_id + b"\x04\x00" + pdu
    scoped = b"\x30" + encode_length(len(body)) + body
    flags = FLAG_AUTH if keys is not None else 0
    user = keys.user_name if keys is not None else header.user_name
    return _assemble(header.msg_id, DEFAULT_MAX_SIZE, flags, engine_id, boots, engine_time, user,
                     scoped, keys)  # fmt: skip


# ====================================================================== timeliness
class TimeWindow:
    """Our notion of one authoritative engine's clock (RFC 3414 2.3, 3.2.7 b).

    Pure: the local monotonic clock is passed in as *now* (seconds, float,
    e.g. ``loop.time()``).  Kept: ``boots`` (snmpEngineBoots),
    ``engine_time`` at local time ``at`` (snmpEngineTime, which advances with
    the local clock) and ``latest_received`` (latestReceivedEngineTime).

    * :meth:`estimate` -- boots/time to put in an outgoing message.
    * :meth:`update` -- RFC 3414 3.2.7 b 1: after an *authentic* message,
      move forward only (later boots, or same boots and later time).
    * :meth:`in_window` -- RFC 3414 3.2.7 b 2: is an authentic message
      timely (boots not latched at 2**31-1, not older boots, time not more
      than 150 s behind our estimate)?
    * :meth:`reset` -- set unconditionally: from discovery (unauthenticated
      values) or an authenticated notInTimeWindow Report (resynchronisation).
    """

    __slots__ = ("at", "boots", "engine_time", "latest_received", "synchronised")

    def __init__(self) -> None:
        self.boots = 0
        self.engine_time = 0
        self.latest_received = 0
        self.at = 0.0
        self.synchronised = False

    def __repr__(self) -> str:
        return (
            f"TimeWindow(boots={self.boots}, engine_time={self.engine_time}, at={self.at:.3f}, "
            f"synchronised={self.synchronised})"
        )

    def reset(self, boots: int, engine_time: int, now: float) -> None:
        """Take *boots* / *engine_time* as the engine's clock at local time *now*."""
        self.boots = boots
        self.engine_time = self.latest_received = engine_time
        self.at = now
        self.synchronised = True

    def estimate(self, now: float) -> tuple[int, int]:
        """(boots, time) of the engine at local time *now*; (0, 0) before synchronisation."""
        if not self.synchronised:
            return 0, 0
        elapsed = now - self.at
        t = self.engine_time + (int(elapsed) if elapsed > 0 else 0)
        return self.boots, t if t <= _MAX_I31 else _MAX_I31

    def update(self, boots: int, engine_time: int, now: float) -> bool:
        """Apply RFC 3414 3.2.7 b 1 for an authentic message; True if the clock moved."""
        if (
            not self.synchronised
            or boots > self.boots
            or (boots == self.boots and engine_time > self.latest_received)
        ):
            self.reset(boots, engine_time, now)
            return True
        return False

    def in_window(self, boots: int, engine_time: int, now: float) -> bool:
        """RFC 3414 3.2.7 b 2: False if an authentic message is outside the time window."""
        if not self.synchronised:
            return True
        if self.boots == MAX_ENGINE_BOOTS or boots < self.boots:
            return False
        return not (boots == self.boots and engine_time < self.estimate(now)[1] - TIME_WINDOW)


# ====================================================================== outcomes
@dataclass(frozen=True, slots=True)
class Accepted:
    """The datagram is the answer: a Response to the request, at its security level,
    authentic and timely (or, for :meth:`RemoteEngine.read_discovery`, the discovery
    answer the engine ID and clock were learnt from).

    Attributes:
        message: the decoded message.
    """

    kind: ClassVar[Literal["accepted"]] = "accepted"
    message: V3Message


@dataclass(frozen=True, slots=True)
class Reported:
    """The agent sent a Report: its verdict on the request (RFC 3412 7.2.10, RFC 3414 3.2).

    Attributes:
        report: which Report (its usmStats counter: ``"not_in_time_window"``,
            ``"unknown_engine_id"``, ``"unknown_user_name"``, ``"wrong_digest"`` ...,
            or ``"unknown_report"``).
        error: what it means: the typed error with net-snmp's ``ErrorStr``/``ErrorNum``
            (:func:`report_error`), e.g. ``NotInTimeWindow("Not in time window", -36)``.
        message: the Report itself (only its first varbind is decoded).
        resynced: the Report taught the engine something new -- an authenticated
            notInTimeWindow Report the agent's clock, an unknownEngineID Report another
            engine ID -- so re-encoding the request and sending it once more is worthwhile.
    """

    kind: ClassVar[Literal["reported"]] = "reported"
    report: ReportKind
    error: SNMPError
    message: V3Message
    resynced: bool = False


@dataclass(frozen=True, slots=True)
class Dropped:
    """The datagram is neither the answer nor a verdict: RFC 3412 says drop it (keep
    waiting for the answer).

    Attributes:
        reason: why (:data:`DropReason`): malformed, not the answer (another request-id
            or PDU type), or a local USM failure (wrong digest, stale, another level ...).
        error: the typed error with the details (no traceback kept).
    """

    kind: ClassVar[Literal["dropped"]] = "dropped"
    reason: DropReason
    error: SNMPError


Outcome: TypeAlias = Accepted | Reported | Dropped
"""What became of one datagram read by :class:`RemoteEngine`; branch on ``outcome.kind``."""


def _dropped(exc: SNMPError) -> Dropped:
    return Dropped(_DROP_REASONS.get(type(exc), "malformed"), exc.with_traceback(None))


# ====================================================================== one remote engine
class RemoteEngine:
    """USM state for one user talking to one authoritative engine (an agent).

    Holds the engine ID (configured or discovered), the :class:`TimeWindow`
    and the localised :class:`~snmp_component._core.usm.UsmKeys`.  No I/O:
    the transport sends what the ``*_request`` methods return and feeds
    every datagram whose msgID it was waiting for to :meth:`receive` (or
    :meth:`discovery_response`).

    Flow::

        eng = RemoteEngine(UsmUser("u", "SHA", "authpass", "AES", "privpass"))
        if not eng.discovered:
            send(eng.discovery_request(msg_id, request_id))
            eng.read_discovery(reply, now)           # Accepted: engine ID + clock learnt
        send(eng.encode_request(msg_id, ber.encode_pdu(...), now))
        outcome = eng.read(reply, now, request_id)
        if outcome.kind == "accepted":               # outcome.message: the Response
            ...
        elif outcome.kind == "reported":             # the agent's verdict
            ...                                      # outcome.resynced: re-encode (new
                                                     # msgID) and resend once; else fail
        else:                                        # "dropped": keep waiting
            ...                                      # with outcome.error

    Args:
        user: the credentials.
        engine_id: the agent's engine ID if known (skips discovery; the clock
            is then learnt from the first notInTimeWindow Report).
        context_name: contextName of every request (default "").
        context_engine_id: default: the agent's engine ID.
        max_size: msgMaxSize announced.

    Attributes:
        window: the agent's :class:`TimeWindow`.
        resynced: :meth:`receive` only (the exception form; :meth:`read` returns it in
            :class:`Reported`): the last datagram was a Report that resynchronised.
        reported: :meth:`receive` only: the last datagram was a Report.
    """

    __slots__ = (
        "_keys",
        "context_engine_id",
        "context_name",
        "max_size",
        "reported",
        "resynced",
        "user",
        "window",
    )

    def __init__(
        self,
        user: UsmUser,
        *,
        engine_id: bytes | None = None,
        context_name: bytes = b"",
        context_engine_id: bytes | None = None,
        max_size: int = DEFAULT_MAX_SIZE,
    ) -> None:
        self.user = user
        self.context_name = context_name
        self.context_engine_id = context_engine_id
        self.max_size = max_size
        self.window = TimeWindow()
        self.resynced = False
        self.reported = False
        self._keys: UsmKeys | None = None
        if engine_id:
            self._keys = user.localize(engine_id)

    def __repr__(self) -> str:
        eid = self._keys.engine_id.hex() if self._keys else None
        return f"RemoteEngine({self.user!r}, engine_id={eid}, window={self.window!r})"

    @property
    def discovered(self) -> bool:
        """True once the engine ID is known (configured or discovered)."""
        return self._keys is not None

    @property
    def engine_id(self) -> bytes | None:
        """The agent's engine ID, or None before discovery."""
        return self._keys.engine_id if self._keys else None

    @property
    def keys(self) -> UsmKeys | None:
        """The keys localised to the agent's engine ID (None before discovery)."""
        return self._keys

    @property
    def level(self) -> int:
        """The security level of every request (the user's)."""
        return self.user.level

    def _learn_engine(self, engine_id: bytes) -> bool:
        if self._keys is not None and self._keys.engine_id == engine_id:
            return False
        self._keys = self.user.localize(engine_id)
        self.window = TimeWindow()
        return True

    # ------------------------------------------------------------------ discovery
    def discovery_request(self, msg_id: int, request_id: int) -> bytes:
        """The discovery probe (:func:`encode_discovery`)."""
        return encode_discovery(msg_id, request_id, max_size=self.max_size)

    def read_discovery(self, data: bytes, now: float, request_id: int | None = None) -> Outcome:
        """Read an answer to the discovery probe; never raises for what *data* holds.

        Returns:
            :class:`Accepted` for the usmStatsUnknownEngineIDs Report (or a Response,
            with *request_id* if given) naming a non-empty authoritative engine ID: the
            engine ID and (unauthenticated) clock are learnt.  :class:`Reported` for any
            other Report (nothing is learnt; the probe is unauthenticated, and so is
            such a Report).  :class:`Dropped` for what :func:`decode_message` rejects
            (also a message that is no answer: another PDU type or request-id, found
            before its varbinds are decoded), and ``"unknown_engine_id"`` for an answer
            without an engine ID.
        """
        try:
            msg = decode_message(data, self._keys, expect=Expect(None, request_id))
        except SNMPError as exc:
            return _dropped(exc)
        if msg.pdu_tag == REPORT:
            report, error = _report_of(msg)
            if report != "unknown_engine_id":
                return Reported(report, error, msg)
        if not msg.engine_id:
            none = "Unknown engine ID: discovery answer without one"
            return Dropped("unknown_engine_id", _local(UnknownEngineID, _UNKNOWN_ENG_ID, none))
        self._learn_engine(msg.engine_id)
        if msg.engine_boots or msg.engine_time or not self.window.synchronised:
            self.window.reset(msg.engine_boots, msg.engine_time, now)
        return Accepted(msg)

    def discovery_response(
        self, data: bytes, now: float, request_id: int | None = None
    ) -> V3Message:
        """:meth:`read_discovery` in exception form: the accepted message, else raises the
        :class:`Reported` or :class:`Dropped` outcome's error."""
        outcome = self.read_discovery(data, now, request_id)
        if outcome.kind == "accepted":
            return outcome.message
        raise outcome.error

    # ------------------------------------------------------------------ requests
    def encode_request(self, msg_id: int, pdu: bytes, now: float) -> bytes:
        """*pdu* as a message at the user's level, stamped with the estimated clock.

        Raises ``UnknownEngineID`` before discovery, ValueError for a bad msgID.
        """
        keys = self._keys
        if keys is None:
            raise _local(UnknownEngineID, _UNKNOWN_ENG_ID, "Unknown engine ID: run discovery first")
        boots, engine_time = self.window.estimate(now)
        return encode_message(
            msg_id,
            pdu,
            keys,
            boots,
            engine_time,
            level=self.user.level,
            context_engine_id=self.context_engine_id,
            context_name=self.context_name,
            max_size=self.max_size,
        )

    def read(self, data: bytes, now: float, request_id: int | None = None) -> Outcome:
        """Read a datagram routed to a request; never raises for what *data* holds.

        Returns:
            :class:`Accepted` -- a Response at the user's security level (with
            *request_id*, if given), authentic and timely (RFC 3414 3.2.7 b: the clock
            moves forward with it).

            :class:`Reported` -- a Report (it matches any request, RFC 3412 7.2.10),
            after learning what it teaches: an *authenticated* usmStatsNotInTimeWindows
            Report resets the clock, a usmStatsUnknownEngineIDs Report naming another
            engine ID switches to it; ``resynced`` then tells that one resend is
            worthwhile.

            :class:`Dropped` -- anything else: malformed; not the answer (another PDU
            type or request-id: found before the varbinds are decoded, O(header), or
            O(header + HMAC) when encrypted); a Response at another security level
            (``"unsupported_sec_level"``); an authentic but stale Response
            (``"not_in_time_window"``); and every local failure of
            :func:`decode_message` (wrong digest, decryption, another engine or user).
        """
        level = self.user.level
        try:
            msg = decode_message(data, self._keys, expect=Expect(level, request_id))
        except SNMPError as exc:
            return _dropped(exc)
        flags = msg.flags
        if msg.pdu_tag == REPORT:
            return self._reported(msg, now)
        if flags & LEVEL_AUTH_PRIV != level:
            return Dropped("unsupported_sec_level", _level_differs())
        if flags & FLAG_AUTH:
            window = self.window
            window.update(msg.engine_boots, msg.engine_time, now)
            if not window.in_window(msg.engine_boots, msg.engine_time, now):
                stale = "Not in time window: the response is older than the agent's known clock"
                return Dropped(
                    "not_in_time_window", _local(NotInTimeWindow, _NOT_IN_TIME_WINDOW, stale)
                )
        return Accepted(msg)

    def _reported(self, msg: V3Message, now: float) -> Reported:
        """The Report *msg* as an outcome, after learning what it teaches."""
        report, error = _report_of(msg)
        resynced = False
        if report == "not_in_time_window":
            if msg.flags & FLAG_AUTH:
                self.window.reset(msg.engine_boots, msg.engine_time, now)
                resynced = True
        elif report == "unknown_engine_id" and msg.engine_id:
            if self._learn_engine(msg.engine_id):
                self.window.reset(msg.engine_boots, msg.engine_time, now)
                resynced = True
        return Reported(report, error, msg, resynced)

    def receive(self, data: bytes, now: float, request_id: int | None = None) -> V3Message:
        """:meth:`read` in exception form (for existing callers; new code uses :meth:`read`).

        Returns the accepted message; otherwise raises the :class:`Reported` or
        :class:`Dropped` outcome's error, after setting :attr:`reported` (it was a
        Report) and :attr:`resynced` (the Report resynchronised: resend once).
        """
        outcome = self.read(data, now, request_id)
        if outcome.kind == "accepted":
            self.reported = self.resynced = False
            return outcome.message
        if outcome.kind == "reported":
            self.reported = True
            self.resynced = outcome.resynced
        else:
            self.reported = self.resynced = False
        raise outcome.error
