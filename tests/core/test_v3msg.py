"""Tests for snmp_component._core.v3msg: SNMPv3/USM messages, reports, timeliness.

Oracles:

* pysnmp's full SNMPv3 stack (message processing + USM, as an authoritative
  engine) accepts, authenticates and decrypts the requests we encode, and we
  decode the responses it builds, for every user of ``V3_USERS`` plus 3DES;
* pyasn1 decodes our messages (field by field) with pysnmp's ASN.1 specs;
* the real net-snmp agent (``snmpd`` fixture), driven by a small blocking UDP
  loop: discovery, authPriv GET for every user, reports, resynchronisation;
* hypothesis: random and mutated datagrams only raise the documented errors.
"""

from __future__ import annotations

import itertools
import random
import socket
import time
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder
from pyasn1.type import univ
from pysnmp.entity import config
from pysnmp.entity import engine as pysnmp_engine
from pysnmp.proto.api import v2c
from pysnmp.proto.mpmod.rfc3412 import SNMPv3Message
from pysnmp.proto.secmod.rfc3414.service import UsmSecurityParameters

from snmp_component._core import ber, usm, v3msg
from snmp_component._core.ber import (
    GET_BULK_REQUEST,
    GET_REQUEST,
    OCTET_STRING,
    REPORT,
    RESPONSE,
    BERDecodeError,
)
from snmp_component._core.v3msg import (
    RemoteEngine,
    TimeWindow,
    V3DecodeError,
    V3Message,
    decode_message,
    encode_discovery,
    encode_message,
    peek_msg_id,
    report_error,
)
from snmp_component.errors import (
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
from snmp_component.testing import V3_USERS, SnmpdAgent, V3User
from snmp_component.testing.snmpd import AUTH_PASS, PRIV_PASS, SYS_NAME

SYS_NAME_OID = (1, 3, 6, 1, 2, 1, 1, 5, 0)
SYSTEM = (1, 3, 6, 1, 2, 1, 1)
ENGINE = bytes.fromhex("80001f8880aabbccddeeff0011")
# 3DES: pysnmp has it, net-snmp 5.9.3 does not (so V3User's type does not list it).
_3DES: Any = "3DES"
ALL_USERS = (*V3_USERS, V3User("priv3DESUser", "authPriv", "SHA", AUTH_PASS, _3DES, PRIV_PASS))
USER_IDS = [u.name for u in ALL_USERS]


def make_user(u: V3User) -> usm.UsmUser:
    return usm.UsmUser(u.name, u.auth_proto, u.auth_pass, u.priv_proto, u.priv_pass)


def get_pdu(request_id: int = 4242, oids: tuple[tuple[int, ...], ...] = (SYS_NAME_OID,)) -> bytes:
    return ber.encode_pdu(GET_REQUEST, request_id, 0, 0, ber.encode_null_varbinds(oids))


def response_pdu(request_id: int = 4242, value: bytes = b"anchor-agent") -> bytes:
    vbl = ber.encode_varbinds([(SYS_NAME_OID, OCTET_STRING, value)])
    return ber.encode_pdu(RESPONSE, request_id, 0, 0, vbl)


def report_msg(oid: tuple[int, ...], *, engine_id: bytes = ENGINE, msg_id: int = 9) -> bytes:
    vbl = ber.encode_varbinds([(oid, ber.COUNTER32, 3)])
    pdu = ber.encode_pdu(REPORT, 0, 0, 0, vbl)
    return encode_message(msg_id, pdu, usm.UsmKeys(b"", engine_id), 4, 1000)


# ====================================================================== structure (pyasn1)
def _pyasn1(msg: bytes) -> tuple[Any, Any]:
    decoded, rest = decoder.decode(msg, asn1Spec=SNMPv3Message())
    assert not rest
    params, rest = decoder.decode(bytes(decoded[2]), asn1Spec=UsmSecurityParameters())
    assert not rest
    return decoded, params


def test_discovery_message_layout() -> None:
    msg = encode_discovery(1234, 5678)
    decoded, params = _pyasn1(msg)
    assert int(decoded[0]) == 3
    header = decoded[1]
    assert int(header[0]) == 1234
    assert int(header[1]) == v3msg.DEFAULT_MAX_SIZE
    assert bytes(header[2]) == b"\x04"  # reportable, noAuthNoPriv
    assert int(header[3]) == 3
    assert bytes(params[0]) == b"" and int(params[1]) == 0 and int(params[2]) == 0
    assert bytes(params[3]) == b"" and bytes(params[4]) == b"" and bytes(params[5]) == b""
    scoped = decoded[3]["plaintext"]
    assert bytes(scoped[0]) == b"" and bytes(scoped[1]) == b""
    pdu = scoped[2].getComponent()
    assert v2c.apiPDU.get_request_id(pdu) == 5678
    assert list(v2c.apiPDU.get_varbinds(pdu)) == []
    # and our own decoder agrees
    ours = decode_message(msg)
    assert (ours.msg_id, ours.flags, ours.engine_id, ours.user_name) == (1234, 4, b"", b"")
    assert (ours.pdu_tag, ours.request_id, ours.varbinds) == (GET_REQUEST, 5678, [])


@pytest.mark.parametrize("level", [0, 1, 3])
def test_message_layout(level: int) -> None:
    user = usm.UsmUser("layout", "SHA-256", AUTH_PASS, "AES", PRIV_PASS)
    keys = user.localize(ENGINE)
    msg = encode_message(77, get_pdu(), keys, 5, 123456, level=level, context_name=b"ctx")
    decoded, params = _pyasn1(msg)
    assert int(decoded[1][0]) == 77
    assert bytes(decoded[1][2]) == bytes((level | usm.FLAG_REPORTABLE,))
    assert bytes(params[0]) == ENGINE
    assert (int(params[1]), int(params[2])) == (5, 123456)
    assert bytes(params[3]) == b"layout"
    assert len(bytes(params[4])) == (24 if level else 0)  # HMAC-SHA-256-192
    assert len(bytes(params[5])) == (8 if level == 3 else 0)
    data = decoded[3]
    if level == 3:
        assert data.getName() == "encryptedPDU"
    else:
        assert bytes(data["plaintext"][0]) == ENGINE and bytes(data["plaintext"][1]) == b"ctx"
    back = decode_message(msg, keys)
    assert back.level == level
    assert (back.context_engine_id, back.context_name, back.request_id) == (ENGINE, b"ctx", 4242)


def test_encode_message_validation() -> None:
    keys = usm.UsmUser("v", "SHA", AUTH_PASS).localize(ENGINE)
    pdu = get_pdu()
    with pytest.raises(ValueError, match="security level"):
        encode_message(1, pdu, keys, 0, 0, level=usm.LEVEL_AUTH_PRIV)
    with pytest.raises(ValueError, match="security level"):
        encode_message(1, pdu, keys, 0, 0, level=usm.FLAG_PRIV)
    for bad in (-1, 2**31):
        with pytest.raises(ValueError, match="msg_id"):
            encode_message(bad, pdu, keys, 0, 0)
        with pytest.raises(ValueError, match="boots"):
            encode_message(1, pdu, keys, bad, 0)
        with pytest.raises(ValueError, match="engine_time"):
            encode_message(1, pdu, keys, 0, bad)
    with pytest.raises(ValueError, match="max_size"):
        encode_message(1, pdu, keys, 0, 0, max_size=100)
    with pytest.raises(ValueError, match="empty PDU"):
        encode_message(1, b"", keys, 0, 0)
    # reportable: set for confirmed PDUs, clear for responses, overridable
    assert decode_message(encode_message(1, pdu, keys, 0, 0), keys).flags == 5
    assert decode_message(encode_message(1, response_pdu(), keys, 0, 0), keys).flags == 1
    assert decode_message(encode_message(1, pdu, keys, 0, 0, reportable=False), keys).flags == 1


def test_encode_pdu_helper_matches_v2c_message() -> None:
    """ber.encode_pdu is exactly the PDU part of a v2c message built by encode_request_raw."""
    vbl = ber.encode_null_varbinds([SYS_NAME_OID])
    for rid in (0, 1, 127, 128, -1, 2**31 - 1, -(2**31)):
        pdu = ber.encode_pdu(GET_BULK_REQUEST, rid, 0, 200, vbl)
        whole = ber.encode_request_raw(1, b"public", GET_BULK_REQUEST, rid, 0, 200, vbl)
        assert whole.endswith(pdu)
        assert ber.decode_pdu(pdu, 0, len(pdu)) == ber.Pdu(GET_BULK_REQUEST, rid, 0, 200, [
            (SYS_NAME_OID, ber.NULL, None)
        ])  # fmt: skip
    with pytest.raises(ValueError, match="TRAP_V1"):
        ber.encode_pdu(ber.TRAP_V1, 1, 0, 0, vbl)
    with pytest.raises(BERDecodeError):
        ber.decode_pdu(b"\xa4\x00", 0, 2)
    with pytest.raises(BERDecodeError):
        ber.decode_pdu(b"\xa2\x03\x02\x01", 0, 4)


# ====================================================================== pysnmp as the oracle
AUTH_PROTO = {
    None: config.USM_AUTH_NONE,
    "MD5": config.USM_AUTH_HMAC96_MD5,
    "SHA": config.USM_AUTH_HMAC96_SHA,
    "SHA-224": config.USM_AUTH_HMAC128_SHA224,
    "SHA-256": config.USM_AUTH_HMAC192_SHA256,
    "SHA-384": config.USM_AUTH_HMAC256_SHA384,
    "SHA-512": config.USM_AUTH_HMAC384_SHA512,
}
PRIV_PROTO = {
    None: config.USM_PRIV_NONE,
    "DES": config.USM_PRIV_CBC56_DES,
    "3DES": config.USM_PRIV_CBC168_3DES,
    "AES": config.USM_PRIV_CFB128_AES,
    "AES-192": config.USM_PRIV_CFB192_AES_BLUMENTHAL,
    "AES-256": config.USM_PRIV_CFB256_AES_BLUMENTHAL,
    "AES-192-C": config.USM_PRIV_CFB192_AES,
    "AES-256-C": config.USM_PRIV_CFB256_AES,
}


class PysnmpAgent:
    """pysnmp's SNMPv3 message processing + USM in the authoritative (agent) role."""

    def __init__(self) -> None:
        self.engine_id = bytes.fromhex("8000000001020304")
        self.engine = pysnmp_engine.SnmpEngine(snmpEngineID=univ.OctetString(self.engine_id))
        for u in ALL_USERS:
            config.add_v3_user(
                self.engine,
                u.name,
                AUTH_PROTO[u.auth_proto],
                u.auth_pass,
                PRIV_PROTO[u.priv_proto],
                u.priv_pass,
            )
        self.mp = self.engine.message_processing_subsystems[univ.Integer(3)]

    def clock(self) -> tuple[int, int]:
        boots, etime = self.engine.get_mib_builder().import_symbols(
            "__SNMP-FRAMEWORK-MIB", "snmpEngineBoots", "snmpEngineTime"
        )
        return int(boots.syntax), int(etime.syntax.clone())

    def serve(self, request: bytes, value: bytes) -> tuple[Any, bytes]:
        """Process *request* like an agent; answer a GET with sysName.0 = *value*."""
        (mpm, sm, sec_name, sec_level, ctx_eid, ctx_name, pdu_version, pdu, _, _, max_size, _,
         state_ref) = self.mp.prepare_data_elements(
            self.engine, (1, 3, 6, 1, 6, 1, 1), ("127.0.0.1", 1161), request
        )  # fmt: skip
        resp = v2c.apiPDU.get_response(pdu)
        v2c.apiPDU.set_varbinds(resp, [(SYS_NAME_OID, v2c.OctetString(value))])
        out = self.mp.prepare_response_message(
            self.engine, mpm, sm, sec_name, sec_level, ctx_eid, ctx_name, pdu_version, resp,
            max_size, state_ref, {},
        )  # fmt: skip
        info = {"user": str(sec_name), "level": int(sec_level), "pdu": pdu}
        return info, bytes(out[2])


@pytest.fixture(scope="module")
def pysnmp_agent() -> PysnmpAgent:
    return PysnmpAgent()


@pytest.mark.parametrize("u", ALL_USERS, ids=USER_IDS)
def test_pysnmp_accepts_our_request_and_we_decode_its_response(
    pysnmp_agent: PysnmpAgent, u: V3User
) -> None:
    user = make_user(u)
    keys = user.localize(pysnmp_agent.engine_id)
    boots, etime = pysnmp_agent.clock()
    request = encode_message(31337, get_pdu(555), keys, boots, etime)
    info, response = pysnmp_agent.serve(request, b"pysnmp says hi")
    assert info["user"] == u.name
    assert info["level"] == {0: 1, 1: 2, 3: 3}[user.level]  # pysnmp numbers levels 1..3
    assert v2c.apiPDU.get_request_id(info["pdu"]) == 555
    assert [str(o) for o, _ in v2c.apiPDU.get_varbinds(info["pdu"])] == ["1.3.6.1.2.1.1.5.0"]
    msg = decode_message(response, keys)
    assert msg.msg_id == 31337
    assert msg.level == user.level
    assert msg.engine_id == pysnmp_agent.engine_id
    assert msg.user_name == u.name.encode()
    assert (msg.pdu_tag, msg.request_id, msg.error_status, msg.error_index) == (RESPONSE, 555, 0, 0)
    assert msg.varbinds == [(SYS_NAME_OID, OCTET_STRING, b"pysnmp says hi")]


@pytest.mark.parametrize("name", ["authSHA512User", "privDESUser", "privAES256CUser"])
def test_pysnmp_rejects_tampered_or_misauthenticated_requests(
    pysnmp_agent: PysnmpAgent, name: str
) -> None:
    """The oracle is not vacuous: a flipped bit or a wrong password is refused."""
    u = next(x for x in ALL_USERS if x.name == name)
    keys = make_user(u).localize(pysnmp_agent.engine_id)
    boots, etime = pysnmp_agent.clock()
    request = bytearray(encode_message(5, get_pdu(), keys, boots, etime))
    request[-3] ^= 0x01
    with pytest.raises(Exception):  # noqa: B017  (pysnmp's own error types vary)
        pysnmp_agent.serve(bytes(request), b"x")
    wrong = usm.UsmUser(u.name, u.auth_proto, "wrong-password", u.priv_proto, u.priv_pass)
    request2 = encode_message(6, get_pdu(), wrong.localize(pysnmp_agent.engine_id), boots, etime)
    with pytest.raises(Exception):  # noqa: B017
        pysnmp_agent.serve(request2, b"x")


# ====================================================================== decode errors
def _keys(auth: str | None = "SHA", priv: str | None = "AES", name: str = "dec") -> usm.UsmKeys:
    return usm.UsmUser(
        name, auth, AUTH_PASS if auth else None, priv, PRIV_PASS if priv else None
    ).localize(ENGINE)


def test_error_family() -> None:
    assert issubclass(V3DecodeError, DecodeError)
    assert issubclass(V3DecodeError, BERDecodeError)
    assert issubclass(V3DecodeError, ValueError)
    assert V3DecodeError("x").error_num == -31


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"", "truncated|missing"),
        (b"\x30\x03\x02\x01\x01", "msgVersion 1"),
        (ber.encode_request(1, b"public", GET_REQUEST, 1, []), "msgVersion 1"),
        (b"\x30\x00", "truncated|missing"),
        (b"\x04\x00", "expected tag 0x30"),
    ],
)
def test_decode_rejects_non_v3(data: bytes, match: str) -> None:
    with pytest.raises(V3DecodeError, match=match):
        decode_message(data)
    assert peek_msg_id(data) is None


def _replace_once(data: bytes, old: bytes, new: bytes) -> bytes:
    assert data.count(old) == 1, (old, data)
    return data.replace(old, new)


def test_decode_header_checks() -> None:
    keys = _keys(None, None)
    msg = encode_message(77, get_pdu(), keys, 0, 0)  # flags 0x04, msgID 77
    assert decode_message(msg).msg_id == 77
    with pytest.raises(V3DecodeError, match="trailing bytes after the message"):
        decode_message(msg + b"\x00")
    with pytest.raises(V3DecodeError):
        decode_message(msg[:-1])
    bad_model = _replace_once(msg, b"\x04\x01\x04\x02\x01\x03", b"\x04\x01\x04\x02\x01\x02")
    with pytest.raises(V3DecodeError, match="msgSecurityModel 2"):
        decode_message(bad_model)
    priv_only = _replace_once(msg, b"\x04\x01\x04\x02\x01\x03", b"\x04\x01\x06\x02\x01\x03")
    with pytest.raises(V3DecodeError, match="privacy without authentication"):
        decode_message(priv_only)
    two_flags = _replace_once(msg, b"\x04\x01\x04\x02\x01\x03", b"\x04\x02\x04\x04\x01\x03")
    with pytest.raises(V3DecodeError):
        decode_message(two_flags)
    small = _replace_once(msg, b"\x02\x03\x00\xff\xe3", b"\x02\x03\x00\x01\x00")  # max 256
    with pytest.raises(V3DecodeError, match="msgMaxSize 256"):
        decode_message(small)
    neg_id = _replace_once(msg, b"\x30\x0e\x02\x01\x4d", b"\x30\x0e\x02\x01\xb3")
    with pytest.raises(V3DecodeError, match="msgID -77"):
        decode_message(neg_id)
    v3_wrapped = bytearray(msg)
    v3_wrapped[2:5] = b"\x02\x01\x01"
    with pytest.raises(V3DecodeError, match="not an SNMPv3 message"):
        decode_message(bytes(v3_wrapped))
    assert isinstance(decode_message(bytearray(msg)), V3Message)
    assert isinstance(decode_message(memoryview(msg)), V3Message)
    with pytest.raises(V3DecodeError, match="cannot decode"):
        decode_message(3.5)  # type: ignore[arg-type]


def test_decode_security_failures() -> None:
    keys = _keys()
    msg = encode_message(1, response_pdu(), keys, 3, 300)
    assert decode_message(msg, keys).varbinds[0][2] == b"anchor-agent"
    # no keys at all
    with pytest.raises(UnsupportedSecurityLevel):
        decode_message(msg)
    # keys for another engine / another user
    other_engine = usm.UsmUser("dec", "SHA", AUTH_PASS, "AES", PRIV_PASS).localize(b"\x80other")
    with pytest.raises(UnknownEngineID) as e1:
        decode_message(msg, other_engine)
    assert e1.value.error_num == -32
    with pytest.raises(UnknownUserName) as e2:
        decode_message(msg, _keys(name="someone-else"))
    assert e2.value.error_num == -33
    # auth-only keys for an encrypted message
    auth_only = usm.UsmKeys(b"dec", ENGINE, keys.auth, None)
    with pytest.raises(UnsupportedSecurityLevel):
        decode_message(msg, auth_only)
    # wrong auth key -> WrongDigest; wrong priv key -> DecryptionError
    wrong_auth = usm.UsmUser("dec", "SHA", "not-the-pass", "AES", PRIV_PASS).localize(ENGINE)
    with pytest.raises(WrongDigest) as e3:
        decode_message(msg, wrong_auth)
    assert e3.value.error_num == -35
    wrong_priv = usm.UsmUser("dec", "SHA", AUTH_PASS, "AES", "not-the-pass").localize(ENGINE)
    with pytest.raises(DecryptionError) as e4:
        decode_message(msg, wrong_priv)
    assert e4.value.error_num == -37
    # a tampered byte -> WrongDigest
    tampered = bytearray(msg)
    tampered[-1] ^= 0x80
    with pytest.raises(WrongDigest):
        decode_message(bytes(tampered), keys)
    # auth params of the wrong length (HMAC-SHA-256-192 checked as HMAC-SHA-96) -> WrongDigest
    m256 = encode_message(1, response_pdu(), _keys("SHA-256", None, name="dec"), 3, 300)
    with pytest.raises(WrongDigest, match="24 octets"):
        decode_message(m256, keys)


def test_decode_with_a_key_resolver() -> None:
    keys = _keys()
    msg = encode_message(1, response_pdu(), keys, 3, 300)
    seen: list[tuple[bytes, bytes]] = []

    def resolve(engine_id: bytes, user_name: bytes) -> usm.UsmKeys | None:
        seen.append((engine_id, user_name))
        return keys if user_name == b"dec" else None

    assert decode_message(msg, resolve).varbinds[0][2] == b"anchor-agent"
    assert seen == [(ENGINE, b"dec")]
    with pytest.raises(UnknownUserName):
        decode_message(msg, lambda e, u: None)


def test_decrypted_garbage_is_a_decryption_error() -> None:
    keys = _keys("SHA", "DES")
    scoped = b"\x31\x05garbage"
    msg = v3msg._assemble(1, 65507, 3, ENGINE, 1, 1, b"dec", scoped, keys)
    with pytest.raises(DecryptionError, match="not a ScopedPDU"):
        decode_message(msg, keys)


def test_des_padding_after_the_scoped_pdu_is_accepted() -> None:
    keys = _keys("MD5", "DES")
    for n in range(1, 20):  # every padding length 0..7
        pdu = ber.encode_pdu(
            RESPONSE, 1, 0, 0, ber.encode_varbinds([(SYS_NAME_OID, OCTET_STRING, b"x" * n)])
        )
        msg = decode_message(encode_message(1, pdu, keys, 1, 1), keys)
        assert msg.varbinds[0][2] == b"x" * n


def test_plaintext_scoped_pdu_must_fill_the_message() -> None:
    body = b"\x04\x00\x04\x00" + response_pdu()
    scoped = b"\x30" + ber.encode_length(len(body)) + body
    ok = v3msg._assemble(1, 65507, 0, ENGINE, 0, 0, b"dec", scoped, None)
    assert decode_message(ok).varbinds
    padded = v3msg._assemble(1, 65507, 0, ENGINE, 0, 0, b"dec", scoped + b"\x00", None)
    with pytest.raises(V3DecodeError, match="trailing bytes after the ScopedPDU"):
        decode_message(padded)
    empty = v3msg._assemble(1, 65507, 0, ENGINE, 0, 0, b"dec", b"\x30\x00", None)
    with pytest.raises(V3DecodeError, match=r"truncated|contextEngineID"):
        decode_message(empty)


def test_peek_msg_id() -> None:
    keys = _keys()
    for mid in (0, 1, 127, 128, 65535, 2**31 - 1):
        assert peek_msg_id(encode_message(mid, get_pdu(), keys, 0, 0)) == mid
    assert peek_msg_id(encode_discovery(99, 1)) == 99
    assert peek_msg_id(b"") is None
    assert peek_msg_id(b"\x30\x80") is None
    assert peek_msg_id(bytearray(encode_discovery(7, 1))) == 7
    assert peek_msg_id(ber.encode_request(1, b"public", GET_REQUEST, 1, [])) is None


# ====================================================================== reports
@pytest.mark.parametrize(
    ("oid", "cls", "num", "text"),
    [
        (v3msg.USM_STATS_UNSUPPORTED_SEC_LEVELS, UnsupportedSecurityLevel, -34,
         "Unsupported security level"),
        (v3msg.USM_STATS_NOT_IN_TIME_WINDOWS, NotInTimeWindow, -36, "Not in time window"),
        (v3msg.USM_STATS_UNKNOWN_USER_NAMES, UnknownUserName, -33, "Unknown user name"),
        (v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, UnknownEngineID, -32, "Unknown engine ID"),
        (v3msg.USM_STATS_WRONG_DIGESTS, WrongDigest, -35,
         "Authentication failure (incorrect password, community or key)"),
        (v3msg.USM_STATS_DECRYPTION_ERRORS, DecryptionError, -37, "Decryption error"),
    ],
)  # fmt: skip
def test_report_mapping(
    oid: tuple[int, ...], cls: type[SecurityError], num: int, text: str
) -> None:
    msg = decode_message(report_msg(oid))
    assert msg.is_report
    err = report_error(msg)
    assert type(err) is cls
    assert (err.error_num, err.error_str, str(err)) == (num, text, text)


def test_report_error_other_cases() -> None:
    unknown = decode_message(report_msg((1, 3, 6, 1, 6, 3, 11, 2, 1, 3, 0)))
    err = report_error(unknown)
    assert type(err) is SNMPError
    assert err.error_num == -41 and "1.3.6.1.6.3.11.2.1.3.0" in err.error_str
    empty = decode_message(
        encode_message(1, ber.encode_pdu(REPORT, 0, 0, 0, b"\x30\x00"), _keys(None, None), 0, 0)
    )
    assert report_error(empty) is not None
    response = decode_message(encode_message(1, response_pdu(), _keys(None, None), 0, 0))
    assert report_error(response) is None


# ====================================================================== time window
def test_time_window_estimate_and_update() -> None:
    w = TimeWindow()
    assert not w.synchronised and w.estimate(100.0) == (0, 0)
    assert w.in_window(1, 1, 100.0)  # nothing known yet: nothing to compare with
    w.reset(5, 1000, now=100.0)
    assert w.estimate(100.0) == (5, 1000)
    assert w.estimate(160.9) == (5, 1060)
    assert w.estimate(99.0) == (5, 1000)  # the local clock never runs the engine backwards
    # older or equal messages do not move the clock; newer ones do
    assert not w.update(5, 1000, now=200.0)
    assert not w.update(4, 99999, now=200.0)
    assert w.update(5, 1001, now=200.0)
    assert w.estimate(200.0) == (5, 1001) and w.latest_received == 1001
    assert w.update(6, 3, now=300.0)
    assert (w.boots, w.engine_time, w.at) == (6, 3, 300.0)


def test_time_window_rfc3414_3_2_7_b() -> None:
    w = TimeWindow()
    w.reset(5, 1000, now=0.0)
    assert w.in_window(5, 1000, 0.0)
    assert w.in_window(5, 850, 0.0)  # exactly 150 s behind: still inside
    assert not w.in_window(5, 849, 0.0)
    assert w.in_window(5, 900, 50.0) is True  # estimate 1050 -> 900 is 150 behind
    assert not w.in_window(5, 899, 50.0)
    assert not w.in_window(4, 1000, 0.0)  # older boots
    assert w.in_window(6, 0, 0.0)  # newer boots (update() would take it)
    w.reset(v3msg.MAX_ENGINE_BOOTS, 10, 0.0)
    assert not w.in_window(v3msg.MAX_ENGINE_BOOTS, 10, 0.0)  # latched


def test_time_window_estimate_caps_at_2_31() -> None:
    w = TimeWindow()
    w.reset(1, 2**31 - 10, now=0.0)
    assert w.estimate(1e9) == (1, 2**31 - 1)


# ====================================================================== RemoteEngine offline
def _engine_with(level_user: usm.UsmUser) -> tuple[RemoteEngine, usm.UsmKeys]:
    eng = RemoteEngine(level_user, engine_id=ENGINE)
    assert eng.keys is not None
    eng.window.reset(10, 5000, now=0.0)
    return eng, eng.keys


def test_remote_engine_checks_responses() -> None:
    user = usm.UsmUser("eng", "SHA", AUTH_PASS, "AES", PRIV_PASS)
    eng, keys = _engine_with(user)
    assert eng.discovered and eng.engine_id == ENGINE and eng.level == 3
    ok = eng.receive(encode_message(3, response_pdu(), keys, 10, 5001), now=1.0)
    assert ok.varbinds[0][2] == b"anchor-agent"
    assert eng.window.latest_received == 5001
    # a response at a lower level than the request's
    with pytest.raises(UnsupportedSecurityLevel, match="differs"):
        eng.receive(encode_message(3, response_pdu(), keys, 10, 5002, level=1), now=1.0)
    # an authentic but stale response
    with pytest.raises(NotInTimeWindow) as info:
        eng.receive(encode_message(3, response_pdu(), keys, 10, 4000), now=1.0)
    assert info.value.error_num == -36 and not eng.resynced
    with pytest.raises(NotInTimeWindow):
        eng.receive(encode_message(3, response_pdu(), keys, 9, 9000), now=1.0)


def test_remote_engine_learns_from_reports() -> None:
    user = usm.UsmUser("eng", "SHA", AUTH_PASS, "AES", PRIV_PASS)
    eng, keys = _engine_with(user)
    nitw = ber.encode_pdu(
        REPORT, 0, 0, 0,
        ber.encode_varbinds([(v3msg.USM_STATS_NOT_IN_TIME_WINDOWS, ber.COUNTER32, 1)]),
    )  # fmt: skip
    # unauthenticated notInTimeWindow: not trusted
    with pytest.raises(NotInTimeWindow):
        eng.receive(encode_message(4, nitw, keys, 2, 7, level=0), now=5.0)
    assert not eng.resynced and eng.window.boots == 10
    # authenticated: the clock is reset (even backwards: it is the agent's word)
    with pytest.raises(NotInTimeWindow):
        eng.receive(encode_message(4, nitw, keys, 2, 7, level=1), now=5.0)
    assert eng.resynced and eng.window.estimate(6.0) == (2, 8)
    # the agent's engine ID changed (re-keyed): unknownEngineID names the new one
    new_id = b"\x80\x00\x00\x00\x09new"
    with pytest.raises(UnknownEngineID):
        eng.receive(report_msg(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, engine_id=new_id), now=7.0)
    assert eng.resynced and eng.engine_id == new_id and eng.window.boots == 4
    with pytest.raises(UnknownUserName):
        eng.receive(report_msg(v3msg.USM_STATS_UNKNOWN_USER_NAMES, engine_id=new_id), now=7.0)
    assert not eng.resynced


def test_remote_engine_before_discovery() -> None:
    eng = RemoteEngine(usm.UsmUser("x", "MD5", AUTH_PASS))
    assert not eng.discovered and eng.engine_id is None and eng.keys is None
    with pytest.raises(UnknownEngineID, match="discovery"):
        eng.encode_request(1, get_pdu(), 0.0)
    with pytest.raises(UnknownUserName):
        eng.discovery_response(report_msg(v3msg.USM_STATS_UNKNOWN_USER_NAMES), 0.0)
    no_id = report_msg(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS, engine_id=b"")
    with pytest.raises(UnknownEngineID, match="without one"):
        eng.discovery_response(no_id, 0.0)
    msg = eng.discovery_response(report_msg(v3msg.USM_STATS_UNKNOWN_ENGINE_IDS), 3.0)
    assert msg.is_report and eng.engine_id == ENGINE
    assert eng.window.estimate(3.0) == (4, 1000)
    assert "authpass" not in repr(eng) and ENGINE.hex() in repr(eng)


# ====================================================================== hypothesis: robustness
_SAMPLE_KEYS = {
    "none": _keys(None, None, name="fuzz"),
    "auth": _keys("MD5", None, name="fuzz"),
    "des": _keys("SHA", "DES", name="fuzz"),
    "aes": _keys("SHA-256", "AES-192", name="fuzz"),
}
_SAMPLES = {
    name: encode_message(123, response_pdu(value=b"v" * 20), k, 7, 777, context_name=b"c")
    for name, k in _SAMPLE_KEYS.items()
}


def _decode_or_typed_error(data: bytes, keys: usm.UsmKeys | None) -> None:
    try:
        decode_message(data, keys)
    except (V3DecodeError, SecurityError):
        pass
    peek_msg_id(data)  # never raises


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_raise_only_typed_errors(data: bytes) -> None:
    _decode_or_typed_error(data, None)
    _decode_or_typed_error(data, _SAMPLE_KEYS["aes"])
    _decode_or_typed_error(b"\x30" + bytes((len(data),)) + data if len(data) < 128 else data, None)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(_SAMPLES)))
    data = bytearray(_SAMPLES[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["flip", "set", "cut", "insert", "delete"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "set" and data:
            data[pos] = draw(st.sampled_from([0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0xFF]))
        elif op == "cut":
            del data[pos:]
        elif op == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=3))
        elif op == "delete" and data:
            del data[pos]
    return name, bytes(data)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_messages_raise_only_typed_errors(case: tuple[str, bytes]) -> None:
    name, data = case
    _decode_or_typed_error(data, _SAMPLE_KEYS[name])
    _decode_or_typed_error(data, None)


@settings(max_examples=300, deadline=None)
@given(scoped=st.binary(max_size=120), which=st.sampled_from(["des", "aes"]))
def test_authentic_ciphertext_of_garbage_raises_only_typed_errors(
    scoped: bytes, which: str
) -> None:
    """Authentic messages whose encrypted payload is arbitrary: the post-decryption parser."""
    keys = _SAMPLE_KEYS[which]
    if not scoped:
        scoped = b"\x00"
    msg = v3msg._assemble(1, 65507, 3, ENGINE, 1, 1, b"fuzz", scoped, keys)
    try:
        decode_message(msg, keys)
    except DecryptionError:
        pass


def test_unmutated_samples_decode() -> None:
    for name, data in _SAMPLES.items():
        msg = decode_message(data, _SAMPLE_KEYS[name])
        assert msg.varbinds == [(SYS_NAME_OID, OCTET_STRING, b"v" * 20)]
        assert msg.context_name == b"c" and msg.engine_time == 777


# ====================================================================== the real agent
class Udp:
    """A blocking UDP loop for the sans-IO engine: send, wait for the same msgID."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.ids = itertools.count(random.randrange(1, 2**30))

    def close(self) -> None:
        self.sock.close()

    def exchange(self, data: bytes, timeout: float = 3.0) -> bytes:
        msg_id = peek_msg_id(data)
        self.sock.sendto(data, self.address)
        deadline = time.monotonic() + timeout
        while True:
            self.sock.settimeout(max(deadline - time.monotonic(), 0.001))
            reply = self.sock.recv(65535)
            if peek_msg_id(reply) == msg_id:
                return reply

    def discover(self, eng: RemoteEngine) -> V3Message:
        req = eng.discovery_request(next(self.ids), random.randrange(2**31))
        return eng.discovery_response(self.exchange(req), time.monotonic())

    def request(self, eng: RemoteEngine, pdu: bytes, *, retry: bool = True) -> V3Message:
        """One request; resend once after a resynchronising Report (as a transport would)."""
        for attempt in range(2):
            data = eng.encode_request(next(self.ids), pdu, time.monotonic())
            try:
                return eng.receive(self.exchange(data), time.monotonic())
            except (NotInTimeWindow, UnknownEngineID):
                if not (retry and eng.resynced and attempt == 0):
                    raise
        raise AssertionError("unreachable")


@pytest.fixture
def udp(snmpd: SnmpdAgent) -> Iterator[Udp]:
    conn = Udp(snmpd.address)
    try:
        yield conn
    finally:
        conn.close()


def _sysname(udp: Udp, eng: RemoteEngine, *, retry: bool = True) -> V3Message:
    rid = random.randrange(2**31)
    msg = udp.request(eng, get_pdu(rid), retry=retry)
    assert (msg.pdu_tag, msg.request_id) == (RESPONSE, rid)
    return msg


def test_live_discovery(udp: Udp) -> None:
    eng = RemoteEngine(usm.UsmUser("privAESUser", "SHA", AUTH_PASS, "AES", PRIV_PASS))
    msg = udp.discover(eng)
    assert msg.is_report and msg.level == 0
    assert msg.varbinds[0][0] == v3msg.USM_STATS_UNKNOWN_ENGINE_IDS
    assert isinstance(report_error(msg), UnknownEngineID)
    assert eng.engine_id is not None and 5 <= len(eng.engine_id) <= 32
    assert eng.engine_id[0] & 0x80  # RFC 3411 format (net-snmp: 0x80001f88...)
    assert eng.window.synchronised and eng.window.boots >= 1


@pytest.mark.parametrize("u", V3_USERS, ids=[u.name for u in V3_USERS])
def test_live_get_sysname_every_user(udp: Udp, u: V3User) -> None:
    eng = RemoteEngine(make_user(u))
    udp.discover(eng)
    msg = _sysname(udp, eng, retry=False)
    assert msg.varbinds == [(SYS_NAME_OID, OCTET_STRING, SYS_NAME.encode())]
    assert msg.level == eng.level == {"noAuthNoPriv": 0, "authNoPriv": 1, "authPriv": 3}[u.level]
    assert msg.user_name == u.name.encode()
    assert msg.engine_id == eng.engine_id == msg.context_engine_id
    assert msg.error_status == 0


def test_live_getbulk_des_multi_varbind(udp: Udp) -> None:
    eng = RemoteEngine(usm.UsmUser("privDESUser", "SHA", AUTH_PASS, "DES", PRIV_PASS))
    udp.discover(eng)
    pdu = ber.encode_pdu(GET_BULK_REQUEST, 77, 0, 30, ber.encode_null_varbinds([SYSTEM]))
    msg = udp.request(eng, pdu)
    assert len(msg.varbinds) == 30
    assert (SYS_NAME_OID, OCTET_STRING, SYS_NAME.encode()) in msg.varbinds


def test_live_wrong_auth_password_is_wrong_digest(udp: Udp) -> None:
    eng = RemoteEngine(usm.UsmUser("privAESUser", "SHA", "wrong-password", "AES", PRIV_PASS))
    udp.discover(eng)
    with pytest.raises(WrongDigest) as info:
        _sysname(udp, eng)
    assert info.value.error_num == -35
    assert info.value.error_str == "Authentication failure (incorrect password, community or key)"


def test_live_unknown_user(udp: Udp) -> None:
    eng = RemoteEngine(usm.UsmUser("noSuchUser", "SHA", AUTH_PASS, "AES", PRIV_PASS))
    udp.discover(eng)
    with pytest.raises(UnknownUserName) as info:
        _sysname(udp, eng)
    assert info.value.error_num == -33


def test_live_unsupported_security_level(udp: Udp) -> None:
    eng = RemoteEngine(usm.UsmUser("authSHAUser", "SHA", AUTH_PASS, "AES", PRIV_PASS))
    udp.discover(eng)
    with pytest.raises(UnsupportedSecurityLevel) as info:
        _sysname(udp, eng)
    assert info.value.error_num == -34


def test_live_wrong_priv_password_is_dropped(udp: Udp) -> None:
    """net-snmp sends no Report for an undecryptable request: the client times out."""
    eng = RemoteEngine(usm.UsmUser("privAESUser", "SHA", AUTH_PASS, "AES", "wrong-password"))
    udp.discover(eng)
    data = eng.encode_request(next(udp.ids), get_pdu(), time.monotonic())
    with pytest.raises(TimeoutError):
        udp.exchange(data, timeout=0.3)


@pytest.mark.parametrize(
    ("boots_delta", "time_delta"), [(0, 1000), (0, 200), (1, 0), (-1, 0), (5, 5000)]
)
def test_live_stale_clock_resynchronises(udp: Udp, boots_delta: int, time_delta: int) -> None:
    # The session agent has just started (engine time of a few seconds), so "behind" can
    # only be shown with boots; "ahead" with both.
    eng = RemoteEngine(usm.UsmUser("sha256User", "SHA-256", AUTH_PASS, "AES", PRIV_PASS))
    udp.discover(eng)
    _sysname(udp, eng)
    boots, etime = eng.window.estimate(time.monotonic())
    good = (boots, etime)
    eng.window.reset(max(boots + boots_delta, 0), max(etime + time_delta, 0), time.monotonic())
    # without a retry: the agent's authenticated notInTimeWindow Report resynchronises ...
    with pytest.raises(NotInTimeWindow) as info:
        _sysname(udp, eng, retry=False)
    assert info.value.error_num == -36 and eng.resynced
    new_boots, new_time = eng.window.estimate(time.monotonic())
    assert new_boots == good[0] and abs(new_time - good[1]) <= 2
    # ... so that the resend works
    assert _sysname(udp, eng, retry=False).varbinds[0][2] == SYS_NAME.encode()


def test_live_configured_engine_id_learns_the_clock(udp: Udp) -> None:
    probe = RemoteEngine(usm.UsmUser("privAES256CUser", "SHA", AUTH_PASS, "AES-256-C", PRIV_PASS))
    udp.discover(probe)
    assert probe.engine_id is not None
    eng = RemoteEngine(
        usm.UsmUser("privAES256CUser", "SHA", AUTH_PASS, "AES-256-C", PRIV_PASS),
        engine_id=probe.engine_id,
    )
    assert eng.discovered and not eng.window.synchronised  # boots/time 0/0 on the wire
    msg = _sysname(udp, eng)  # NotInTimeWindow -> resync -> resend, inside request()
    assert msg.varbinds[0][2] == SYS_NAME.encode()
    assert eng.window.synchronised and eng.window.boots == probe.window.boots


def test_live_wrong_engine_id_is_rediscovered(udp: Udp) -> None:
    eng = RemoteEngine(
        usm.UsmUser("privMD5_AESUser", "MD5", AUTH_PASS, "AES", PRIV_PASS),
        engine_id=b"\x80\x00\x00\x00\x01bogus",
    )
    msg = _sysname(udp, eng)  # unknownEngineID Report names the right one; resend works
    assert msg.varbinds[0][2] == SYS_NAME.encode()
    assert eng.engine_id != b"\x80\x00\x00\x00\x01bogus"
