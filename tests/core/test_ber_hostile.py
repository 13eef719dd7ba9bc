"""The codecs against hostile replies (issue #10): header first, bounded numbers, every tag.

* :func:`ber.decode_response` and :func:`v3msg.decode_message` with an ``Expect`` decide
  to drop a reply on its header: a reply that is not the expected one is refused even
  when its varbinds are garbage (they are never looked at), and an SNMPv3 one before its
  HMAC when its PDU is in plaintext.
* Numbers outside their SMI type's range, or longer than net-snmp (LP64) reads, are
  malformed; in-range padded encodings net-snmp accepts decode.
* Every tag net-snmp decodes decodes, and so does any other primitive tag (raw octets):
  one odd value does not lose the reply. net-snmp 5.9.3's ``snmpget`` output is the
  reference for the printed forms (checked live in tests/component/test_hostile_replies.py).
"""

from __future__ import annotations

import struct
from typing import Any

import pytest

from snmp_component import errors
from snmp_component._core import ber, sprint, v3msg, values
from snmp_component._core.usm import FLAG_AUTH, UsmUser

OID = (1, 3, 6, 1, 4, 1, 99999, 1, 0)


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + ber.encode_length(len(content)) + content


def message(value: bytes, *, version: int = 1, community: bytes = b"public",
            pdu: int = ber.RESPONSE, rid: int = 77) -> bytes:  # fmt: skip
    vb = tlv(0x30, ber.encode_oid(OID) + value)
    return ber.encode_request_raw(version, community, pdu, rid, 0, 0, tlv(0x30, vb))


GARBAGE_VARBINDS = tlv(0x30, b"\x30\x05\x06\x01")  # a varbind that runs off its end


def garbage(*, version: int = 1, community: bytes = b"public", pdu: int = ber.RESPONSE,
            rid: int = 77) -> bytes:  # fmt: skip
    return ber.encode_request_raw(version, community, pdu, rid, 0, 0, GARBAGE_VARBINDS)


# ------------------------------------------------------------------ header first (v1/v2c)


@pytest.mark.parametrize(
    "data",
    [
        garbage(community=b"other"),
        garbage(version=0),
        garbage(pdu=ber.GET_REQUEST),
        garbage(pdu=ber.REPORT),
        garbage(rid=78),
    ],
    ids=["community", "version", "get", "report", "request-id"],
)
def test_decode_response_drops_on_the_header_without_reading_the_varbinds(data: bytes) -> None:
    with pytest.raises(ber.BERDecodeError):
        ber.decode_message(data)  # the varbinds are garbage...
    assert ber.decode_response(data, 1, b"public", 77) is None  # ...and never read


def test_decode_response_is_decode_message_for_the_expected_reply() -> None:
    data = message(b"\x04\x02ok")
    assert ber.decode_response(data, 1, b"public", 77) == ber.decode_message(data)
    with pytest.raises(ber.BERDecodeError):
        ber.decode_response(garbage(), 1, b"public", 77)
    with pytest.raises(ber.BERDecodeError):
        ber.decode_response(b"\x30\x03\x02\x01", 1, b"public", 77)


def test_pdu_header_and_varbind_list_split_decode_pdu() -> None:
    pdu = ber.encode_pdu(ber.RESPONSE, 5, 0, 0, tlv(0x30, GARBAGE_VARBINDS[2:]))
    head = ber.decode_pdu_header(pdu, 0, len(pdu))
    assert (head.pdu_tag, head.request_id) == (ber.RESPONSE, 5)
    with pytest.raises(ber.BERDecodeError):
        ber.decode_varbind_list(pdu, head.varbinds_start, head.varbinds_end)


# ------------------------------------------------------------------ numbers

OUT_OF_RANGE = [
    ("integer 3000 octets", tlv(0x02, b"\x01" * 3000), "INTEGER value <"),
    ("integer 2**31", tlv(0x02, b"\x00\x80\x00\x00\x00"), "INTEGER value 2147483648 out of"),
    ("integer -2**31-1", tlv(0x02, b"\xff\x7f\xff\xff\xff"), "INTEGER value -2147483649 out"),
    ("integer 2**64", tlv(0x02, b"\x01" + bytes(8)), "out of range"),
    ("integer 9 octets in range", tlv(0x02, bytes(8) + b"\x05"), "INTEGER value of 9 octets"),
    ("counter32 2**32", tlv(0x41, b"\x01" + bytes(4)), "COUNTER32 value 4294967296 exceeds"),
    ("gauge32 10 octets", tlv(0x42, bytes(9) + b"\x05"), "GAUGE32 value of 10 octets"),
    ("timeticks 2**40", tlv(0x43, b"\x01" + bytes(5)), "TIMETICKS value"),
    ("uinteger32 2**32", tlv(0x47, b"\x01" + bytes(4)), "UINTEGER32 value 4294967296"),
    ("uinteger32 empty", b"\x47\x00", "empty UINTEGER32"),
    ("counter64 10 octets", tlv(0x46, bytes(9) + b"\x01"), "COUNTER64 value of 10 octets"),
    ("counter64 2**64", tlv(0x46, b"\x01" + bytes(8)), "COUNTER64 value 18446744073709551616"),
]


@pytest.mark.parametrize(("value", "text"), [c[1:] for c in OUT_OF_RANGE],
                         ids=[c[0] for c in OUT_OF_RANGE])  # fmt: skip
def test_numbers_outside_their_type_are_malformed(value: bytes, text: str) -> None:
    with pytest.raises(ber.BERDecodeError) as info:
        ber.decode_message(message(value))
    assert text in str(info.value)
    repr(info.value)  # printable, however big the number was


IN_RANGE = [
    (tlv(0x02, bytes(7) + b"\x05"), 5),  # net-snmp reads 8 octets
    (tlv(0x02, b"\xff" * 8), -1),
    (tlv(0x02, b"\xff\x80\x00\x00\x00"), -(2**31)),
    (tlv(0x41, b"\x00\xff\xff\xff\xff"), 2**32 - 1),
    (tlv(0x41, b"\xff\xff\xff\xff"), 2**32 - 1),  # no leading 0x00
    (tlv(0x43, bytes(8) + b"\x0a"), 10),  # 9 octets
    (tlv(0x47, b"\x05"), 5),
    (tlv(0x46, b"\x00" + b"\xff" * 8), 2**64 - 1),
]


@pytest.mark.parametrize(("value", "number"), IN_RANGE)
def test_padded_numbers_net_snmp_accepts_decode(value: bytes, number: int) -> None:
    assert ber.decode_message(message(value)).varbinds[0][2] == number


@pytest.mark.parametrize(
    "header",
    [
        tlv(2, b"\x01" * 3000) + b"\x02\x01\x00\x02\x01\x00",
        b"\x02\x01\x01" + tlv(2, b"\x01" * 3000) + b"\x02\x01\x00",
        b"\x02\x01\x01\x02\x01\x00" + tlv(2, b"\x00\x80\x00\x00\x00"),
    ],
    ids=["request-id 3000 octets", "error-status 3000 octets", "error-index 2**31"],
)
def test_header_integers_are_bounded(header: bytes) -> None:
    pdu = tlv(ber.RESPONSE, header + b"\x30\x00")
    data = tlv(0x30, b"\x02\x01\x01\x04\x06public" + pdu)
    for decode in (ber.decode_message, lambda d: ber.decode_response(d, 1, b"public", 1)):
        with pytest.raises(ber.BERDecodeError, match="out of range") as info:
            decode(data)
        repr(info.value)  # printable


# ------------------------------------------------------------------ tags


KEPT = [
    (tlv(0x47, b"\x05"), 0x47, 5),
    (tlv(0x45, b"\xc0\xa8\x00\x01\x02"), 0x45, b"\xc0\xa8\x00\x01\x02"),
    (tlv(0x03, b"\x07\x80"), 0x03, b"\x07\x80"),
    (tlv(0x48, b"\x05"), 0x48, b"\x05"),  # no type here, nor in net-snmp: raw octets
    (tlv(0x01, b"\xff"), 0x01, b"\xff"),
    (tlv(0x9E, b""), 0x9E, b""),
    (tlv(0x44, b"\x9f\x78\x04" + struct.pack(">f", 1.5)), 0x44,
     b"\x9f\x78\x04" + struct.pack(">f", 1.5)),
]  # fmt: skip


@pytest.mark.parametrize(("value", "tag", "raw"), KEPT, ids=lambda x: str(x)[:10])
def test_every_primitive_tag_decodes_with_the_other_varbinds(value: bytes, tag: int,
                                                             raw: Any) -> None:  # fmt: skip
    vb_list = b"".join(tlv(0x30, ber.encode_oid(OID) + v) for v in (b"\x04\x01a", value))
    data = ber.encode_request_raw(1, b"public", ber.RESPONSE, 1, 0, 0, tlv(0x30, vb_list))
    varbinds = ber.decode_message(data).varbinds
    assert varbinds == [(OID, ber.OCTET_STRING, b"a"), (OID, tag, raw)]


MALFORMED = [
    ("constructed", b"\x24\x03\x04\x01a", "unknown value tag 0x24"),
    ("sequence", b"\x30\x00", "unknown value tag 0x30"),
    ("multi-octet tag", b"\x5f\x01\x01", "unknown value tag 0x5f"),
    ("end-of-contents", b"\x00\x00", "unknown value tag 0x00"),
    ("empty bit string", b"\x03\x00", "empty BIT STRING"),
    ("unknown tag overruns", b"\x48\x05\x01", "length exceeds"),
    ("opaque float 3", tlv(0x44, b"\x9f\x78\x03\x3f\xc0\x00"), "Opaque Float of 3 octets"),
    ("opaque double 4", tlv(0x44, b"\x9f\x79\x04\x3f\xc0\x00\x00"), "Opaque Double of 4"),
    ("opaque trailing", tlv(0x44, b"\x9f\x78\x04\x3f\xc0\x00\x00\x00"), "trailing"),
    ("opaque inner overruns", tlv(0x44, b"\x9f\x7b\x04\x00\x01"), "exceeds"),
    ("opaque u64 2**64", tlv(0x44, b"\x9f\x7b\x09\x01" + bytes(8)), "exceeds 2**64-1"),
    ("opaque i64 10", tlv(0x44, b"\x9f\x7a\x0a" + bytes(10)), "Opaque Int64 of 10 octets"),
    ("opaque c64 indefinite", tlv(0x44, b"\x9f\x76\x80"), "indefinite"),
]


@pytest.mark.parametrize(("value", "text"), [c[1:] for c in MALFORMED],
                         ids=[c[0] for c in MALFORMED])  # fmt: skip
def test_malformed_values_stay_decode_errors(value: bytes, text: str) -> None:
    with pytest.raises(ber.BERDecodeError) as info:
        ber.decode_message(message(value))
    assert text in str(info.value)


OPAQUES = [
    (b"\x9f\x78\x04" + struct.pack(">f", 1.5), (0x78, 1.5)),
    (b"\x9f\x79\x08" + struct.pack(">d", -2.25), (0x79, -2.25)),
    (b"\x9f\x7a\x03\xff\xff\xfb", (0x7A, -5)),
    (b"\x9f\x7a\x00", (0x7A, 0)),  # net-snmp: "Opaque: Int64: 0"
    (b"\x9f\x7b\x09\x00" + b"\xff" * 8, (0x7B, 2**64 - 1)),
    (b"\x9f\x76\x02\x01\x00", (0x76, 256)),
    (b"\x9f\x78", None),  # no inner length: a plain Opaque (net-snmp: "OPAQUE: 9F 78")
    (b"\x9f\x77\x01\x00", None),
    (b"\x01\x02", None),
    (b"", None),
]


@pytest.mark.parametrize(("raw", "decoded"), OPAQUES)
def test_decode_opaque(raw: bytes, decoded: Any) -> None:
    assert ber.decode_opaque(raw) == decoded
    ber.decode_message(message(tlv(0x44, raw)))  # and the decoder accepts it


# ------------------------------------------------------------------ values and printing

NETSNMP = [
    # (tag, raw, snmpget -Ov, snmpget -Oqv) as net-snmp 5.9.3 prints them
    (0x47, 5, "5", "5"),
    (0x03, b"\x07\x80", "BITS: 07 80 5 6 7 8 ", '"07 80 "'),
    (0x44, b"\x9f\x78\x04" + struct.pack(">f", 1.5), "Opaque: Float: 1.500000", "1.500000"),
    (0x44, b"\x9f\x79\x08" + struct.pack(">d", 1.5), "Opaque: Float: 1.500000", "1.500000"),
    (0x44, b"\x9f\x7a\x03\xff\xff\xfb", "Opaque: Int64: -5", "-5"),
    (0x44, b"\x9f\x7b\x03\x00\xff\xff", "Opaque: UInt64: 65535", "65535"),
    (0x44, b"\x9f\x76\x03\x00\xff\xff", "Opaque: Counter64: 65535", "65535"),
    (0x44, b"\x9f\x78", "OPAQUE: 9F 78 ", '9F 78 '),
    # net-snmp's by-type printer has no NsapAddress entry ("Variable has bad type"): its
    # NsapAddress printer keeps the value
    (0x45, b"\xc0\xa8\x00\x01\x02", "NsapAddress: C0 A8 00 01 02 ", "C0 A8 00 01 02 "),
    (0x48, b"\x05", "Variable has bad type", "Variable has bad type"),
]  # fmt: skip


@pytest.mark.parametrize(("tag", "raw", "full", "quick"), NETSNMP, ids=lambda x: str(x)[:12])
def test_sprint_prints_what_net_snmp_prints(tag: int, raw: Any, full: str, quick: str) -> None:
    assert sprint.sprint_value(tag, raw, None, quick=False) == full
    assert sprint.sprint_value(tag, raw, None, quick=True) == quick


def test_sprint_of_a_value_that_does_not_suit_its_tag_is_a_bad_type() -> None:
    # e.g. a Varbind turned back into (tag, raw) by a caller: never a RecursionError
    assert sprint.sprint_value(ber.OCTET_STRING, 5, None) == "Variable has bad type"
    assert sprint.sprint_value(ber.INTEGER, b"x", None) == "Variable has bad type"
    number: Any = 1.5  # an Opaque Float as SNMP.pm gives it back
    assert sprint.sprint_value(ber.OPAQUE, number, None, quick=False) == "Opaque: Float: 1.500000"


TO_NETSNMP = [
    (0x47, 5, (5, "UINTEGER")),
    (0x45, b"\xc0\xa8\x00\x01\x02", (b"\xc0\xa8\x00\x01\x02", "NSAPADDRESS")),
    (0x45, b"abc", (b"abc", "NSAPADDRESS")),  # an address, not text
    (0x03, b"\x07\x80", (b"\x07\x80", "BITS")),
    (0x44, b"\x9f\x78\x04" + struct.pack(">f", 1.5), (1.5, "OPAQUE")),
    (0x44, b"\x9f\x7b\x01\x05", (5, "OPAQUE")),
    (0x44, b"ab", (b"ab", "OPAQUE")),
    (0x48, b"ok", (b"ok", "UNKNOWN-0x48")),
]


@pytest.mark.parametrize(("tag", "raw", "expected"), TO_NETSNMP, ids=lambda x: str(x)[:12])
def test_to_netsnmp_of_every_tag(tag: int, raw: Any, expected: Any) -> None:
    assert values.to_netsnmp(tag, raw) == expected


# ------------------------------------------------------------------ SNMPv3: header first

ENGINE = bytes.fromhex("8000000001020304")
USER = UsmUser("u", "SHA", "authpass-1234")
KEYS = USER.localize(ENGINE)
PRIV_USER = UsmUser("p", "SHA", "authpass-1234", "AES", "privpass-1234")
PRIV_KEYS = PRIV_USER.localize(ENGINE)


def v3(pdu_tag: int = ber.RESPONSE, rid: int = 9, level: int = FLAG_AUTH,
       vbl: bytes = tlv(0x30, GARBAGE_VARBINDS[2:]), keys: Any = KEYS) -> bytes:  # fmt: skip
    pdu = ber.encode_pdu(pdu_tag, rid, 0, 0, vbl)
    return v3msg.encode_message(1, pdu, keys, 1, 100, level=level)


def spoil_digest(data: bytes) -> bytes:
    out = bytearray(data)
    at = data.find(b"\x04\x0c") + 2
    out[at] ^= 0xFF
    return bytes(out)


def test_v3_response_without_the_requests_authentication_drops_before_its_varbinds() -> None:
    data = v3(level=0)  # noAuthNoPriv, garbage varbinds
    with pytest.raises(v3msg.V3DecodeError):
        v3msg.decode_message(data, KEYS)  # would decode them...
    with pytest.raises(errors.UnsupportedSecurityLevel):  # ...but the level decides first
        v3msg.decode_message(data, KEYS, expect=v3msg.Expect(FLAG_AUTH, 9))


def test_v3_wrong_request_id_or_pdu_drops_before_the_hmac() -> None:
    for data in (v3(rid=10), v3(pdu_tag=ber.GET_REQUEST)):
        with pytest.raises(errors.WrongDigest):
            v3msg.decode_message(spoil_digest(data), KEYS)
        with pytest.raises(v3msg.V3DecodeError, match=r"request-id|not an answer"):
            v3msg.decode_message(spoil_digest(data), KEYS, expect=v3msg.Expect(FLAG_AUTH, 9))


def test_v3_encrypted_response_checked_before_its_varbinds() -> None:
    data = v3(rid=10, level=3, keys=PRIV_KEYS)
    with pytest.raises(errors.DecryptionError):  # garbage varbinds
        v3msg.decode_message(data, PRIV_KEYS)
    with pytest.raises(v3msg.V3DecodeError, match="request-id"):
        v3msg.decode_message(data, PRIV_KEYS, expect=v3msg.Expect(3, 9))


def test_v3_reports_match_anything_and_good_replies_decode() -> None:
    report = v3(pdu_tag=ber.REPORT, rid=0, level=0,
                vbl=ber.encode_varbinds([(v3msg.USM_STATS_UNKNOWN_USER_NAMES,
                                          ber.COUNTER32, 1)]))  # fmt: skip
    msg = v3msg.decode_message(report, KEYS, expect=v3msg.Expect(FLAG_AUTH, 9))
    assert msg.is_report
    good = v3(vbl=ber.encode_varbinds([(OID, ber.OCTET_STRING, b"ok")]))
    msg = v3msg.decode_message(good, KEYS, expect=v3msg.Expect(FLAG_AUTH, 9))
    assert msg.varbinds == [(OID, ber.OCTET_STRING, b"ok")]


def test_remote_engine_receive_drops_another_request_id() -> None:
    engine = v3msg.RemoteEngine(USER, engine_id=ENGINE)
    data = v3(rid=10, vbl=ber.encode_varbinds([(OID, ber.OCTET_STRING, b"ok")]))
    with pytest.raises(v3msg.V3DecodeError):
        engine.receive(data, 0.0, request_id=9)
    assert not engine.reported
    assert engine.receive(data, 0.0, request_id=10).request_id == 10
