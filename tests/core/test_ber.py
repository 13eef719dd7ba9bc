"""Tests for snmp_component._core.ber, with pysnmp/pyasn1 as the oracle.

For every message kind and every value type we show that
(a) our encoding equals pysnmp/pyasn1's byte for byte,
(b) our decoder decodes pysnmp's encoding into the same values,
(c) pysnmp decodes our encoding into the same values.

One documented deviation from (a): pyasn1 encodes the negative powers of two
-2**7, -2**15, -2**23, -2**31 with a redundant leading 0xFF octet (-128 as
``ff 80``), which X.690 8.3.2 forbids; we emit the minimal form (``80``), as
net-snmp does.  For messages containing such an integer (as a value or as the
request-id) (a) is replaced by "both encodings decode to the same message in
both codecs", and test_negative_powers_of_two pins the exact bytes.

A second, pysnmp-imposed limit: pysnmp refuses OCTET STRINGs longer than
65535 octets (RFC 2578 SIZE (0..65535)), and so does our encoder; the
70,000-octet case is therefore covered as an Opaque (full a/b/c) and, for
OCTET STRING, as "we decode pyasn1's encoding" + "we refuse to encode it".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyasn1.codec.ber import decoder, encoder
from pyasn1.type import univ
from pysnmp.proto import api

from snmp_component._core import ber
from snmp_component._core.ber import (
    COUNTER32,
    COUNTER64,
    END_OF_MIB_VIEW,
    GAUGE32,
    GET_BULK_REQUEST,
    GET_NEXT_REQUEST,
    GET_REQUEST,
    INFORM_REQUEST,
    INTEGER,
    IPADDRESS,
    NO_SUCH_INSTANCE,
    NO_SUCH_OBJECT,
    NULL,
    OBJECT_IDENTIFIER,
    OCTET_STRING,
    OPAQUE,
    REPORT,
    RESPONSE,
    SET_REQUEST,
    SNMPV2_TRAP,
    TIMETICKS,
    TRAP_V1,
    BERDecodeError,
    Message,
    TrapV1,
    VarBind,
    decode_message,
    encode_getbulk,
    encode_null_varbinds,
    encode_oid,
    encode_request,
    encode_request_raw,
    encode_v1_trap,
    encode_value,
    encode_varbinds,
    peek_request_id,
)

V1: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_1]
V2: Any = api.PROTOCOL_MODULES[api.SNMP_VERSION_2C]
MODS = {0: V1, 1: V2}
MAX32 = 2**32 - 1
MAX64 = 2**64 - 1
NEG_POW2 = frozenset((-(2**7), -(2**15), -(2**23), -(2**31)))
COMMUNITY = b"public"

PDU_CLASSES: dict[int, dict[int, Any]] = {
    0: {
        GET_REQUEST: V1.GetRequestPDU,
        GET_NEXT_REQUEST: V1.GetNextRequestPDU,
        RESPONSE: V1.GetResponsePDU,
        SET_REQUEST: V1.SetRequestPDU,
    },
    1: {
        GET_REQUEST: V2.GetRequestPDU,
        GET_NEXT_REQUEST: V2.GetNextRequestPDU,
        RESPONSE: V2.ResponsePDU,
        SET_REQUEST: V2.SetRequestPDU,
        GET_BULK_REQUEST: V2.GetBulkRequestPDU,
        INFORM_REQUEST: V2.InformRequestPDU,
        SNMPV2_TRAP: V2.SNMPv2TrapPDU,
        REPORT: V2.ReportPDU,
    },
}
V2_ONLY_TAGS = {COUNTER64, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW}


# ------------------------------------------------------------------ oracle glue
def to_pysnmp(version: int, tag: int, value: Any) -> Any:
    """Our (tag, value) -> the pysnmp object of the matching SMI type."""
    p = MODS[version]
    if tag == INTEGER:
        return p.Integer(value)
    if tag == OCTET_STRING:
        return p.OctetString(value) if len(value) <= 65535 else univ.OctetString(value)
    if tag == NULL:
        return p.Null("")
    if tag == OBJECT_IDENTIFIER:
        return p.ObjectIdentifier(value)
    if tag == IPADDRESS:
        return p.IpAddress(value)
    if tag == COUNTER32:
        return V2.Counter32(value) if version else V1.Counter(value)
    if tag == GAUGE32:
        return V2.Gauge32(value) if version else V1.Gauge(value)
    if tag == TIMETICKS:
        return p.TimeTicks(value)
    if tag == OPAQUE:
        return p.Opaque(value)
    if tag == COUNTER64:
        return V2.Counter64(value)
    return {
        NO_SUCH_OBJECT: V2.NoSuchObject,
        NO_SUCH_INSTANCE: V2.NoSuchInstance,
        END_OF_MIB_VIEW: V2.EndOfMibView,
    }[tag]("")


def from_pysnmp(obj: Any) -> tuple[int, Any]:
    """A decoded pysnmp value -> our (tag, value)."""
    t = obj.tagSet[-1]
    tag = t.tagClass | t.tagFormat | t.tagId
    if tag in (INTEGER, COUNTER32, GAUGE32, TIMETICKS, COUNTER64):
        return tag, int(obj)
    if tag in (OCTET_STRING, OPAQUE, IPADDRESS):
        return tag, bytes(obj.asOctets())
    if tag == OBJECT_IDENTIFIER:
        return tag, tuple(obj.asTuple())
    assert tag in (NULL, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW), hex(tag)
    return tag, None


def _pysnmp_message(version: int, community: bytes, pdu: Any) -> bytes:
    p = MODS[version]
    msg = p.Message()
    p.apiMessage.set_defaults(msg)
    p.apiMessage.set_version(msg, version)
    p.apiMessage.set_community(msg, community)
    p.apiMessage.set_pdu(msg, pdu)
    return bytes(encoder.encode(msg))


def pysnmp_encode(
    version: int,
    pdu_tag: int,
    request_id: int,
    varbinds: list[VarBind],
    error_status: int = 0,
    error_index: int = 0,
    community: bytes = COMMUNITY,
    pysnmp_values: list[Any] | None = None,
) -> bytes:
    p = MODS[version]
    pdu = PDU_CLASSES[version][pdu_tag]()
    if pdu_tag == GET_BULK_REQUEST:
        V2.apiBulkPDU.set_defaults(pdu)
        V2.apiBulkPDU.set_non_repeaters(pdu, error_status)
        V2.apiBulkPDU.set_max_repetitions(pdu, error_index)
    else:
        p.apiPDU.set_defaults(pdu)
        p.apiPDU.set_error_status(pdu, error_status)
        p.apiPDU.set_error_index(pdu, error_index)
    p.apiPDU.set_request_id(pdu, request_id)
    values = pysnmp_values or [to_pysnmp(version, t, v) for _, t, v in varbinds]
    p.apiPDU.set_varbinds(
        pdu, [(oid, val) for (oid, _, _), val in zip(varbinds, values, strict=True)]
    )
    return _pysnmp_message(version, community, pdu)


def pysnmp_encode_v1_trap(
    enterprise: tuple[int, ...],
    agent_addr: bytes,
    generic: int,
    specific: int,
    timestamp: int,
    varbinds: list[VarBind],
    community: bytes = COMMUNITY,
) -> bytes:
    pdu = V1.TrapPDU()
    V1.apiTrapPDU.set_enterprise(pdu, enterprise)
    V1.apiTrapPDU.set_agent_address(pdu, V1.IpAddress(agent_addr))
    V1.apiTrapPDU.set_generic_trap(pdu, generic)
    V1.apiTrapPDU.set_specific_trap(pdu, specific)
    V1.apiTrapPDU.set_timestamp(pdu, timestamp)
    V1.apiTrapPDU.set_varbinds(pdu, [(o, to_pysnmp(0, t, v)) for o, t, v in varbinds])
    return _pysnmp_message(0, community, pdu)


def pysnmp_decode(data: bytes) -> Message:
    """Decode with pysnmp and express the result as our Message/TrapV1."""
    version = int(api.decodeMessageVersion(data))
    p = MODS[version]
    msg, rest = decoder.decode(data, asn1Spec=p.Message())
    assert not rest
    pdu = p.apiMessage.get_pdu(msg)
    t = pdu.tagSet[-1]
    pdu_tag = t.tagClass | t.tagFormat | t.tagId
    community = bytes(p.apiMessage.get_community(msg).asOctets())
    if pdu_tag == TRAP_V1:
        vbs = [(tuple(o), *from_pysnmp(v)) for o, v in V1.apiTrapPDU.get_varbinds(pdu)]
        return TrapV1(
            version,
            community,
            pdu_tag,
            0,
            0,
            0,
            vbs,
            tuple(V1.apiTrapPDU.get_enterprise(pdu).asTuple()),
            bytes(V1.apiTrapPDU.get_agent_address(pdu).asOctets()),
            int(V1.apiTrapPDU.get_generic_trap(pdu)),
            int(V1.apiTrapPDU.get_specific_trap(pdu)),
            int(V1.apiTrapPDU.get_timestamp(pdu)),
        )
    vbs = [(tuple(o), *from_pysnmp(v)) for o, v in p.apiPDU.get_varbinds(pdu)]
    return Message(
        version,
        community,
        pdu_tag,
        int(pdu.getComponentByPosition(0)),
        int(pdu.getComponentByPosition(1)),
        int(pdu.getComponentByPosition(2)),
        vbs,
    )


def has_quirk(request_id: int, varbinds: list[VarBind]) -> bool:
    """True when pyasn1 would use its non-minimal encoding somewhere in the message."""
    return request_id in NEG_POW2 or any(t == INTEGER and v in NEG_POW2 for _, t, v in varbinds)


def check_against_pysnmp(ours: bytes, theirs: bytes, expected: Message, quirk: bool) -> None:
    """(a) same bytes, (b) we decode theirs, (c) pysnmp decodes ours -- all to *expected*."""
    if quirk:
        assert len(ours) < len(theirs)
        assert pysnmp_decode(theirs) == expected
    else:
        assert ours == theirs  # (a)
    assert decode_message(theirs) == expected  # (b)
    assert pysnmp_decode(ours) == expected  # (c)
    assert decode_message(ours) == expected  # our own round trip
    if expected.pdu_tag != TRAP_V1:
        assert peek_request_id(ours) == peek_request_id(theirs) == expected.request_id


# ------------------------------------------------------------------ value table
def _big(n: int) -> bytes:
    return bytes((i * 7 + 3) & 0xFF for i in range(n))


# (id, tag, value, pysnmp v2c constructor override or None, allowed in v1)
VALUES: list[tuple[str, int, Any, Callable[[Any], Any] | None, bool]] = [
    ("integer-0", INTEGER, 0, None, True),
    ("integer-neg", INTEGER, -5, V2.Integer32, True),
    ("integer-neg129", INTEGER, -129, None, True),
    ("integer-neg-min+1", INTEGER, -(2**31) + 1, V2.Integer32, True),
    ("integer-neg-min", INTEGER, -(2**31), V2.Integer32, True),  # pyasn1 quirk (see top)
    ("integer-neg128", INTEGER, -128, None, True),  # pyasn1 quirk
    ("integer-max", INTEGER, 2**31 - 1, V2.Integer32, True),
    ("integer-128", INTEGER, 128, None, True),
    ("unsigned32-0", GAUGE32, 0, V2.Unsigned32, True),
    ("unsigned32-max", GAUGE32, MAX32, V2.Unsigned32, True),
    ("gauge32", GAUGE32, 1_000_000_000, None, True),
    ("gauge32-max", GAUGE32, MAX32, None, True),
    ("counter32-0", COUNTER32, 0, None, True),
    ("counter32-2**31", COUNTER32, 2**31, None, True),
    ("counter32-max", COUNTER32, MAX32, None, True),
    ("counter64-0", COUNTER64, 0, None, False),
    ("counter64-2**63", COUNTER64, 2**63, None, False),
    ("counter64-max", COUNTER64, MAX64, None, False),
    ("timeticks-0", TIMETICKS, 0, None, True),
    ("timeticks", TIMETICKS, 123_456_789, None, True),
    ("timeticks-max", TIMETICKS, MAX32, None, True),
    ("ipaddress", IPADDRESS, bytes((192, 168, 1, 254)), None, True),
    ("ipaddress-0", IPADDRESS, bytes(4), None, True),
    ("oid", OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 8072, 3, 2, 10), None, True),
    ("oid-zero-dot-zero", OBJECT_IDENTIFIER, (0, 0), None, True),
    ("oid-2**31", OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 2**31, 2**31 + 1, 0), None, True),
    ("oid-2**32-1", OBJECT_IDENTIFIER, (1, 3, MAX32, 127, 128, 16383, 16384), None, True),
    ("oid-joint-iso", OBJECT_IDENTIFIER, (2, MAX32, 1), None, True),
    ("octets-empty", OCTET_STRING, b"", None, True),
    ("octets", OCTET_STRING, b"hello\x00\xff\x80", None, True),
    ("octets-200", OCTET_STRING, _big(200), None, True),
    ("octets-65535", OCTET_STRING, _big(65535), None, True),
    ("bits", OCTET_STRING, b"\x80\x40", V2.Bits, True),
    ("opaque-empty", OPAQUE, b"", None, True),
    ("opaque-float", OPAQUE, bytes.fromhex("9f78043f800000"), None, True),
    ("opaque-70000", OPAQUE, _big(70_000), None, True),
    ("null", NULL, None, None, True),
    ("noSuchObject", NO_SUCH_OBJECT, None, None, False),
    ("noSuchInstance", NO_SUCH_INSTANCE, None, None, False),
    ("endOfMibView", END_OF_MIB_VIEW, None, None, False),
]
VALUE_IDS = [v[0] for v in VALUES]
SMALL_VALUES = [v for v in VALUES if v[0] not in ("octets-65535", "opaque-70000")]


def _pysnmp_value(version: int, case: tuple[str, int, Any, Any, bool]) -> Any:
    _, tag, value, ctor, _ = case
    return ctor(value) if ctor is not None and version == 1 else to_pysnmp(version, tag, value)


def _varbinds_for(version: int, cases: list[Any]) -> tuple[list[VarBind], list[Any]]:
    cases = [c for c in cases if version == 1 or c[4]]
    vbs: list[VarBind] = [((1, 3, 6, 1, 4, 1, 99, k, 0), c[1], c[2]) for k, c in enumerate(cases)]
    return vbs, [_pysnmp_value(version, c) for c in cases]


# ------------------------------------------------------------------ tests: values
@pytest.mark.parametrize("case", VALUES, ids=VALUE_IDS)
def test_encode_value_matches_pyasn1(case: tuple[str, int, Any, Any, bool]) -> None:
    _, tag, value, _, v1_ok = case
    ours = encode_value(tag, value)
    for version in (0, 1) if v1_ok else (1,):
        theirs = bytes(encoder.encode(_pysnmp_value(version, case)))
        if tag == INTEGER and value in NEG_POW2:
            assert theirs[2] == 0xFF and theirs[3:] == ours[2:]  # the redundant 0xFF
        else:
            assert ours == theirs


@pytest.mark.parametrize(
    ("version", "case"),
    [(v, c) for v in (0, 1) for c in VALUES if v or c[4]],  # v1 lacks Counter64/exceptions
    ids=[f"{'v2c' if v else 'v1'}-{c[0]}" for v in (0, 1) for c in VALUES if v or c[4]],
)
def test_value_in_response(version: int, case: tuple[str, int, Any, Any, bool]) -> None:
    vbs, pvals = _varbinds_for(version, [case])
    rid = 0x1234567
    ours = encode_request(version, COMMUNITY, RESPONSE, rid, vbs)
    theirs = pysnmp_encode(version, RESPONSE, rid, vbs, pysnmp_values=pvals)
    expected = Message(version, COMMUNITY, RESPONSE, rid, 0, 0, vbs)
    check_against_pysnmp(ours, theirs, expected, has_quirk(rid, vbs))


MESSAGE_KINDS = [
    (1, GET_REQUEST),
    (1, GET_NEXT_REQUEST),
    (1, GET_BULK_REQUEST),
    (1, SET_REQUEST),
    (1, RESPONSE),
    (1, REPORT),
    (1, SNMPV2_TRAP),
    (1, INFORM_REQUEST),
    (0, GET_REQUEST),
    (0, GET_NEXT_REQUEST),
    (0, SET_REQUEST),
    (0, RESPONSE),
]
KIND_IDS = [f"{'v2c' if v else 'v1'}-{ber.PDU_NAMES[t]}" for v, t in MESSAGE_KINDS]


@pytest.mark.parametrize(("version", "pdu_tag"), MESSAGE_KINDS, ids=KIND_IDS)
def test_message_kind_with_all_value_types(version: int, pdu_tag: int) -> None:
    vbs, pvals = _varbinds_for(version, SMALL_VALUES)
    for rid, es, ei in [(1, 0, 0), (-1, 5, 3), (2**31 - 1, 18, len(vbs)), (-(2**31) + 1, 0, 0)]:
        if version == 0:
            es = min(es, 5)
        ours = encode_request(version, COMMUNITY, pdu_tag, rid, vbs, es, ei)
        theirs = pysnmp_encode(version, pdu_tag, rid, vbs, es, ei, pysnmp_values=pvals)
        expected = Message(version, COMMUNITY, pdu_tag, rid, es, ei, vbs)
        check_against_pysnmp(ours, theirs, expected, has_quirk(rid, vbs))


@pytest.mark.parametrize(("version", "pdu_tag"), MESSAGE_KINDS, ids=KIND_IDS)
def test_message_kind_null_fast_path(version: int, pdu_tag: int) -> None:
    oids = [(1, 3, 6, 1, 2, 1, 1, 3, 0), (1, 3, 6, 1, 4, 1, 2**31, 5), (1, 3, 6, 1, 2, 1, 2, 2)]
    vbs: list[VarBind] = [(o, NULL, None) for o in oids]
    vbl = encode_null_varbinds(oids)
    assert vbl == encode_varbinds(vbs)
    es, ei = (2, 25) if pdu_tag == GET_BULK_REQUEST else (0, 0)
    for rid in (0, 127, 128, 0x7FFFFF, -(2**31) + 1, 2**31 - 1):
        ours = encode_request_raw(version, COMMUNITY, pdu_tag, rid, es, ei, vbl)
        assert ours == encode_request(version, COMMUNITY, pdu_tag, rid, vbs, es, ei)
        theirs = pysnmp_encode(version, pdu_tag, rid, vbs, es, ei)
        check_against_pysnmp(
            ours, theirs, Message(version, COMMUNITY, pdu_tag, rid, es, ei, vbs), False
        )


def test_getbulk_wrapper() -> None:
    vbs: list[VarBind] = [((1, 3, 6, 1, 2, 1, 2, 2, 1, 2), NULL, None)]
    ours = encode_getbulk(1, COMMUNITY, 77, 0, 25, vbs)
    assert ours == encode_request(1, COMMUNITY, GET_BULK_REQUEST, 77, vbs, 0, 25)
    assert ours == pysnmp_encode(1, GET_BULK_REQUEST, 77, vbs, 0, 25)
    m = decode_message(ours)
    assert (m.pdu_tag, m.error_status, m.error_index) == (GET_BULK_REQUEST, 0, 25)


def test_long_octet_string_70000() -> None:
    big = _big(70_000)
    with pytest.raises(ValueError, match=r"70000 bytes, SNMP allows at most 65535"):
        encode_value(OCTET_STRING, big)
    vbs: list[VarBind] = [((1, 3, 6, 1, 2, 1, 1, 1, 0), OCTET_STRING, big)]
    theirs = pysnmp_encode(1, RESPONSE, 9, vbs)  # univ.OctetString: pysnmp lets it through
    assert theirs[1] == 0x83  # 3-octet long-form length
    assert decode_message(theirs) == Message(1, COMMUNITY, RESPONSE, 9, 0, 0, vbs)
    assert peek_request_id(theirs) == 9


@pytest.mark.parametrize("value", sorted(NEG_POW2))
def test_negative_powers_of_two(value: int) -> None:
    """Documented deviation from pyasn1: we emit X.690-minimal INTEGERs."""
    n = (-value).bit_length() // 8  # content octets: 1, 2, 3, 4
    assert encode_value(INTEGER, value) == b"\x02" + bytes((n, 0x80)) + bytes(n - 1)
    assert bytes(encoder.encode(V2.Integer(value)))[2:4] == b"\xff\x80"
    if value == -(2**31):
        vbs: list[VarBind] = [((1, 3, 6, 1), INTEGER, value)]
        ours = encode_request(1, COMMUNITY, RESPONSE, value, vbs)
        assert b"\x02\x04\x80\x00\x00\x00" in ours
        theirs = pysnmp_encode(1, RESPONSE, value, vbs)
        check_against_pysnmp(ours, theirs, Message(1, COMMUNITY, RESPONSE, value, 0, 0, vbs), True)


# ------------------------------------------------------------------ tests: v1 trap
TRAP_CASES = [
    ((1, 3, 6, 1, 4, 1, 8072, 3, 2, 10), bytes((10, 0, 0, 1)), 0, 0, 0),
    ((1, 3, 6, 1, 4, 1, 2**31), bytes((255, 255, 255, 255)), 6, 2**31 - 1, MAX32),
    ((1, 3, 6, 1, 4, 1, 20408), bytes(4), 3, 17, 123456),
]


@pytest.mark.parametrize("case", TRAP_CASES)
def test_v1_trap(case: tuple[Any, ...]) -> None:
    enterprise, addr, generic, specific, ts = case
    vbs, _ = _varbinds_for(0, SMALL_VALUES)
    for varbinds in (vbs, []):
        ours = encode_v1_trap(COMMUNITY, enterprise, addr, generic, specific, ts, varbinds)
        theirs = pysnmp_encode_v1_trap(enterprise, addr, generic, specific, ts, varbinds)
        expected = TrapV1(
            0, COMMUNITY, TRAP_V1, 0, 0, 0, varbinds, enterprise, addr, generic, specific, ts
        )
        check_against_pysnmp(ours, theirs, expected, has_quirk(0, varbinds))
        m = decode_message(ours)
        assert isinstance(m, TrapV1) and m.timestamp == ts and m.agent_addr == addr
        assert peek_request_id(ours) is None


def test_v1_trap_validation() -> None:
    ent, addr = (1, 3, 6, 1, 4, 1, 1), bytes(4)
    with pytest.raises(ValueError, match=r"generic_trap value 7 out of range 0..6"):
        encode_v1_trap(COMMUNITY, ent, addr, 7, 0, 0, [])
    with pytest.raises(ValueError, match=r"TIMETICKS value -1 out of range"):
        encode_v1_trap(COMMUNITY, ent, addr, 0, 0, -1, [])
    with pytest.raises(ValueError, match=r"IPADDRESS value must be 4 bytes"):
        encode_v1_trap(COMMUNITY, ent, b"\x01\x02\x03", 0, 0, 0, [])
    with pytest.raises(ValueError, match=r"enterprise: invalid OID"):
        encode_v1_trap(COMMUNITY, (), addr, 0, 0, 0, [])
    with pytest.raises(ValueError, match=r"COUNTER64 values do not exist in SNMPv1"):
        encode_v1_trap(COMMUNITY, ent, addr, 0, 0, 0, [((1, 3), COUNTER64, 1)])


# ------------------------------------------------------------------ tests: encode errors
ENCODE_VALUE_ERRORS = [
    (COUNTER32, -1, "COUNTER32 value -1 out of range 0..4294967295"),
    (COUNTER32, 2**32, "COUNTER32 value 4294967296 out of range 0..4294967295"),
    (GAUGE32, -1, "GAUGE32 value -1 out of range"),
    (TIMETICKS, 2**32, "TIMETICKS value 4294967296 out of range"),
    (COUNTER64, 2**64, "COUNTER64 value 18446744073709551616 out of range 0..18446744073709551615"),
    (COUNTER64, -1, "COUNTER64 value -1 out of range"),
    (INTEGER, 2**31, "INTEGER value 2147483648 out of range -2147483648..2147483647"),
    (INTEGER, -(2**31) - 1, "INTEGER value -2147483649 out of range"),
    (INTEGER, "5", "INTEGER value must be an int, not str"),
    (INTEGER, True, "INTEGER value must be an int, not bool"),
    (INTEGER, 1.0, "INTEGER value must be an int, not float"),
    (COUNTER32, None, "COUNTER32 value must be an int, not NoneType"),
    (OCTET_STRING, "text", "OCTET_STRING value must be bytes, not str"),
    (OCTET_STRING, None, "OCTET_STRING value must be bytes, not NoneType"),
    (OPAQUE, 5, "OPAQUE value must be bytes, not int"),
    (IPADDRESS, b"\x01\x02\x03\x04\x05", "IPADDRESS value must be 4 bytes, got 5"),
    (IPADDRESS, "10.0.0.1", "IPADDRESS value must be bytes, not str"),
    (NULL, 0, "NULL value must be None"),
    (NO_SUCH_OBJECT, b"", "NO_SUCH_OBJECT value must be None"),
    (END_OF_MIB_VIEW, 1, "END_OF_MIB_VIEW value must be None"),
    (OBJECT_IDENTIFIER, "1.3.6", "OBJECT_IDENTIFIER value must be a tuple of ints"),
    (OBJECT_IDENTIFIER, (), "OBJECT_IDENTIFIER value: invalid OID (): needs at least 2"),
    (OBJECT_IDENTIFIER, (3,), "OBJECT_IDENTIFIER value: invalid OID (3,): needs at least 2"),
    (OBJECT_IDENTIFIER, (1, 3, 2**32), "sub-identifier 4294967296 out of range 0..4294967295"),
    (OBJECT_IDENTIFIER, (1, 3, -1), "sub-identifier -1 out of range"),
    (OBJECT_IDENTIFIER, (3, 1), "first sub-identifier must be 0, 1 or 2"),
    (OBJECT_IDENTIFIER, (1, 40), "second sub-identifier must be below 40"),
    (OBJECT_IDENTIFIER, (1, 3, "6"), "sub-identifier '6' is not an int"),
    (OBJECT_IDENTIFIER, (1, 3, *range(127)), "129 sub-identifiers, SNMP allows at most 128"),
    (0x47, 5, "unknown value tag 0x47"),
    (0x24, b"", "unknown value tag 0x24"),
]


@pytest.mark.parametrize(("tag", "value", "message"), ENCODE_VALUE_ERRORS)
def test_encode_value_errors(tag: int, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as info:
        encode_value(tag, value)
    assert message in str(info.value)


def test_encode_value_accepts_bytes_likes_and_lists() -> None:
    assert encode_value(OCTET_STRING, bytearray(b"ab")) == b"\x04\x02ab"  # type: ignore[arg-type]
    assert encode_value(OPAQUE, memoryview(b"ab")) == b"\x44\x02ab"  # type: ignore[arg-type]
    assert encode_value(OBJECT_IDENTIFIER, [1, 3, 6]) == b"\x06\x02\x2b\x06"  # type: ignore[arg-type]
    assert encode_oid([1, 3, 6]) == encode_oid((1, 3, 6))  # type: ignore[arg-type]
    assert encode_null_varbinds([[1, 3, 6]]) == encode_null_varbinds([(1, 3, 6)])  # type: ignore[list-item]
    assert encode_null_varbinds(iter([(1, 3, 6)])) == encode_null_varbinds([(1, 3, 6)])


REQUEST_ERRORS: list[tuple[dict[str, Any], str]] = [
    ({"version": 3}, "unsupported SNMP version 3"),
    ({"version": 2}, "unsupported SNMP version 2"),
    ({"version": 0, "pdu_tag": GET_BULK_REQUEST}, "GET_BULK_REQUEST is not allowed in SNMPv1"),
    ({"version": 0, "pdu_tag": REPORT}, "REPORT is not allowed in SNMPv1"),
    ({"pdu_tag": TRAP_V1}, "use encode_v1_trap()"),
    ({"pdu_tag": 0xA9}, "unknown PDU tag 0xa9"),
    ({"request_id": 2**31}, "request_id 2147483648 out of range"),
    ({"request_id": -(2**31) - 1}, "request_id -2147483649 out of range"),
    ({"error_status": -1}, "error_status value -1 out of range 0..2147483647"),
    ({"error_index": 2**31}, "error_index value 2147483648 out of range"),
    ({"community": "public"}, "community must be bytes"),
    ({"varbinds": [((1, 3), COUNTER32, -1)]}, "varbind #0: COUNTER32 value -1 out of range"),
    ({"varbinds": [((1, 3), NULL, None), ((3,), NULL, None)]}, "varbind #1: invalid OID"),
    ({"varbinds": [((1, 3), NULL)]}, "varbind #0: not enough values to unpack"),
    (
        {"version": 0, "varbinds": [((1, 3), END_OF_MIB_VIEW, None)]},
        "varbind #0: END_OF_MIB_VIEW values do not exist in SNMPv1",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), REQUEST_ERRORS)
def test_encode_request_errors(kwargs: dict[str, Any], message: str) -> None:
    args: dict[str, Any] = {
        "version": 1,
        "community": COMMUNITY,
        "pdu_tag": GET_REQUEST,
        "request_id": 1,
        "varbinds": [((1, 3, 6), NULL, None)],
    }
    args.update(kwargs)
    with pytest.raises(ValueError) as info:
        encode_request(**args)
    assert message in str(info.value)


def test_check_version_varbinds() -> None:
    vbs: list[VarBind] = [((1, 3), INTEGER, 1), ((1, 3), COUNTER64, 1)]
    ber.check_version_varbinds(1, vbs)
    with pytest.raises(ValueError, match=r"varbind #1: COUNTER64 values do not exist in SNMPv1"):
        ber.check_version_varbinds(0, vbs)


def test_encode_request_raw_reuses_varbind_list() -> None:
    vbl = encode_null_varbinds([(1, 3, 6, 1, 2, 1, 1, 3, 0)])
    msgs = [encode_request_raw(1, COMMUNITY, GET_REQUEST, rid, 0, 0, vbl) for rid in range(300)]
    for rid, m in enumerate(msgs):
        assert peek_request_id(m) == rid
        assert decode_message(m).request_id == rid
    assert len(msgs[0]) + 1 == len(msgs[128])


# ------------------------------------------------------------------ tests: decoding rules
def tlv(tag: int, content: bytes, lenform: bytes | None = None) -> bytes:
    """Test-side TLV builder; *lenform* overrides the length octets."""
    if lenform is None:
        n = len(content)
        lenform = bytes((n,)) if n < 0x80 else ber._enc_len(n)
    return bytes((tag,)) + lenform + content


def msg(
    *,
    version: bytes = b"\x02\x01\x01",
    community: bytes = b"\x04\x06public",
    pdu_tag: int = RESPONSE,
    header: bytes = b"\x02\x01\x07\x02\x01\x00\x02\x01\x00",
    varbinds: list[bytes] | None = None,
    vbl: bytes | None = None,
) -> bytes:
    if vbl is None:
        vbl = tlv(0x30, b"".join(varbinds if varbinds is not None else [vb(b"\x05\x00")]))
    return tlv(0x30, version + community + tlv(pdu_tag, header + vbl))


def vb(value: bytes, name: bytes = b"\x06\x03\x2b\x06\x01") -> bytes:
    return tlv(0x30, name + value)


MALFORMED: list[tuple[str, bytes, str]] = [
    ("empty", b"", "not an SNMP message"),
    ("one byte", b"\x30", "not an SNMP message"),
    ("not a sequence", b"\x31\x00", "not an SNMP message"),
    ("indefinite outer", b"\x30\x80" + msg()[2:] + b"\x00\x00", "indefinite length"),
    ("reserved length", b"\x30\xff" + msg()[2:], "reserved length octet"),
    ("huge length", b"\x30\x84\xff\xff\xff\xff" + msg()[2:], "exceeds its enclosing"),
    ("huge length 2", b"\x30\xfe" + b"\xff" * 126, "exceeds its enclosing"),
    ("truncated length", b"\x30\x84\x00\x00", "truncated length"),
    ("truncated", msg()[:-1], "truncated message"),
    ("trailing garbage", msg() + b"\x00", "1 trailing bytes after the message"),
    ("v3", tlv(0x30, b"\x02\x01\x03" + tlv(0x30, b"\x02\x01\x00")), "unsupported version 3"),
    ("version 2", msg(version=b"\x02\x01\x02"), "unsupported version 2"),
    ("version -1", msg(version=b"\x02\x01\xff"), "unsupported version -1"),
    ("empty version", msg(version=b"\x02\x00"), "empty INTEGER"),
    ("version not int", msg(version=b"\x04\x01\x01"), "version: expected tag 0x02"),
    ("community not octets", msg(community=b"\x02\x01\x00"), "community: expected OCTET STRING"),
    ("unknown pdu", msg(pdu_tag=0xA9), "unknown PDU tag 0xa9"),
    ("constructed-bit pdu", msg(pdu_tag=0x30), "unknown PDU tag 0x30"),
    ("v2c trap-v1 pdu", msg(pdu_tag=TRAP_V1), "TRAP_V1 PDU in a SNMPv2c message"),
    (
        "v1 getbulk",
        msg(version=b"\x02\x01\x00", pdu_tag=GET_BULK_REQUEST),
        "GET_BULK_REQUEST PDU in a SNMPv1 message",
    ),
    ("v1 report", msg(version=b"\x02\x01\x00", pdu_tag=REPORT), "REPORT PDU in a SNMPv1 message"),
    ("empty request-id", msg(header=b"\x02\x00\x02\x01\x00\x02\x01\x00"), "empty INTEGER"),
    (
        "request-id too big",
        msg(header=b"\x02\x05\x00\x80\x00\x00\x00\x02\x01\x00\x02\x01\x00"),
        "request-id: 2147483648 out of range",
    ),
    (
        "error-status not int",
        msg(header=b"\x02\x01\x07\x04\x01\x00\x02\x01\x00"),
        "error-status: expected tag 0x02",
    ),
    ("missing error-index", msg(header=b"\x02\x01\x07\x02\x01\x00"), "error-index: expected tag"),
    ("vbl not sequence", msg(vbl=b"\x31\x00"), "varbind list: expected SEQUENCE"),
    ("trailing after vbl", msg(vbl=b"\x30\x00\x00"), "trailing bytes after the varbind list"),
    ("varbind not sequence", msg(vbl=tlv(0x30, b"\x31\x00")), "varbind: expected SEQUENCE"),
    ("empty varbind", msg(vbl=tlv(0x30, b"\x30\x00")), "varbind name: expected OBJECT IDENTIFIER"),
    ("varbind without value", msg(varbinds=[tlv(0x30, b"\x06\x01\x2b")]), "varbind value missing"),
    (
        "varbind 3 elements",
        msg(varbinds=[vb(b"\x05\x00\x05\x00")]),
        "trailing bytes inside varbind",
    ),
    (
        "varbind overruns list",
        msg(vbl=b"\x30\x05\x30\x07\x06\x01\x2b"),
        "varbind length exceeds the varbind list",
    ),
    (
        "name not oid",
        msg(varbinds=[vb(b"\x05\x00", name=b"\x04\x01\x2b")]),
        "expected OBJECT IDENTIFIER",
    ),
    ("empty oid", msg(varbinds=[vb(b"\x05\x00", name=b"\x06\x00")]), "empty OBJECT IDENTIFIER"),
    (
        "oid truncated subid",
        msg(varbinds=[vb(b"\x05\x00", name=b"\x06\x02\x2b\x86")]),
        "truncated sub-identifier",
    ),
    (
        "oid 0x80 leading",
        msg(varbinds=[vb(b"\x05\x00", name=b"\x06\x03\x2b\x80\x01")]),
        "non-minimal sub-identifier",
    ),
    (
        "oid subid > 2**32-1",
        msg(varbinds=[vb(b"\x05\x00", name=b"\x06\x06\x2b\x90\x80\x80\x80\x00")]),
        "exceeds 2**32-1",
    ),
    ("oid value bad", msg(varbinds=[vb(b"\x06\x01\x80")]), "truncated sub-identifier"),
    ("null with content", msg(varbinds=[vb(b"\x05\x01\x00")]), "NULL value with non-empty"),
    ("noSuchObject content", msg(varbinds=[vb(b"\x80\x01\x00")]), "NO_SUCH_OBJECT value with"),
    ("empty integer", msg(varbinds=[vb(b"\x02\x00")]), "empty INTEGER value"),
    ("empty counter32", msg(varbinds=[vb(b"\x41\x00")]), "empty COUNTER32 value"),
    (
        "counter32 too big",
        msg(varbinds=[vb(b"\x41\x05\x01\x00\x00\x00\x00")]),
        "COUNTER32 value 4294967296 exceeds",
    ),
    ("gauge32 too big", msg(varbinds=[vb(b"\x42\x05\xff\xff\xff\xff\xff")]), "GAUGE32 value"),
    ("timeticks too big", msg(varbinds=[vb(b"\x43\x05\x01\x00\x00\x00\x00")]), "TIMETICKS value"),
    (
        "counter64 too big",
        msg(varbinds=[vb(b"\x46\x09\x01" + bytes(8))]),
        "COUNTER64 value 18446744073709551616 exceeds",
    ),
    ("empty counter64", msg(varbinds=[vb(b"\x46\x00")]), "empty COUNTER64"),
    (
        "ipaddress 5 octets",
        msg(varbinds=[vb(b"\x40\x05\x01\x02\x03\x04\x05")]),
        "IpAddress value of 5 octets",
    ),
    ("ipaddress 0 octets", msg(varbinds=[vb(b"\x40\x00")]), "IpAddress value of 0 octets"),
    (
        "constructed octet string",
        msg(varbinds=[vb(b"\x24\x03\x04\x01a")]),
        "unknown value tag 0x24",
    ),
    (
        "oid 5000-octet sub-id",
        msg(varbinds=[vb(b"\x05\x00", name=tlv(6, b"\x2b" + b"\x81" * 5000 + b"\x01"))]),
        "sub-identifier exceeds 2**32-1",
    ),
    (
        "counter32 1000 octets",
        msg(varbinds=[vb(tlv(0x41, b"\x01" * 1000))]),
        "COUNTER32 value <7993-bit integer> exceeds",
    ),
    (
        "request-id 3000 octets",
        msg(header=tlv(2, b"\x01" * 3000) + b"\x02\x01\x00\x02\x01\x00"),
        "request-id: <23993-bit integer> out of range",
    ),
    (
        "integer 9 octets",
        msg(varbinds=[vb(b"\x02\x09\x01" + bytes(8))]),
        "INTEGER value 18446744073709551616 out of range",
    ),
    (
        "integer -2**70",
        msg(varbinds=[vb(b"\x02\x09" + (-(2**70)).to_bytes(9, "big", signed=True))]),
        "INTEGER value -1180591620717411303424 out of range",
    ),
    ("sequence value", msg(varbinds=[vb(b"\x30\x00")]), "unknown value tag 0x30"),
    ("indefinite value", msg(varbinds=[vb(b"\x04\x80\x00\x00")]), "indefinite length"),
    (
        "value overruns varbind",
        msg(vbl=b"\x30\x08\x30\x06\x06\x01\x2b\x04\x02a"),
        "varbind value length exceeds the varbind",
    ),
    (
        "v1 with counter64",
        msg(version=b"\x02\x01\x00", varbinds=[vb(b"\x46\x01\x01")]),
        "COUNTER64 value in an SNMPv1 message",
    ),
    (
        "v1 with endOfMibView",
        msg(version=b"\x02\x01\x00", varbinds=[vb(b"\x82\x00")]),
        "END_OF_MIB_VIEW value in an SNMPv1 message",
    ),
    (
        "trap agent-addr 3 octets",
        tlv(
            0x30,
            b"\x02\x01\x00\x04\x01p"
            + tlv(
                0xA4,
                b"\x06\x01\x2b\x40\x03\x01\x02\x03\x02\x01\x00\x02\x01\x00\x43\x01\x00\x30\x00",
            ),
        ),
        "agent-addr of 3 octets",
    ),
    (
        "trap missing timestamp",
        tlv(
            0x30,
            b"\x02\x01\x00\x04\x01p"
            + tlv(0xA4, b"\x06\x01\x2b\x40\x04\x01\x02\x03\x04\x02\x01\x00\x02\x01\x00\x30\x00"),
        ),
        "time-stamp: expected tag 0x43",
    ),
    (
        "trap timestamp too big",
        tlv(
            0x30,
            b"\x02\x01\x00\x04\x01p"
            + tlv(
                0xA4,
                b"\x06\x01\x2b\x40\x04\x01\x02\x03\x04"
                b"\x02\x01\x00\x02\x01\x00"
                b"\x43\x05\x01\x00\x00\x00\x00\x30\x00",
            ),
        ),
        "time-stamp 4294967296 exceeds",
    ),
    (
        "trap trailing",
        tlv(
            0x30,
            b"\x02\x01\x00\x04\x01p"
            + tlv(
                0xA4,
                b"\x06\x01\x2b\x40\x04\x01\x02\x03\x04"
                b"\x02\x01\x00\x02\x01\x00\x43\x01\x00\x30\x00"
                b"\x05\x00",
            ),
        ),
        "trailing bytes after the varbind list",
    ),
]


@pytest.mark.parametrize(
    ("data", "message"), [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED]
)
def test_decode_malformed(data: bytes, message: str) -> None:
    with pytest.raises(BERDecodeError) as info:
        decode_message(data)
    assert message in str(info.value)
    rid = peek_request_id(data)  # must not raise
    assert rid is None or isinstance(rid, int)


def test_decode_rejects_non_bytes() -> None:
    with pytest.raises(BERDecodeError):
        decode_message("0\x00")  # type: ignore[arg-type]
    assert peek_request_id("0\x00") is None  # type: ignore[arg-type]
    assert peek_request_id(None) is None  # type: ignore[arg-type]


LENIENT: list[tuple[str, bytes, int, Any]] = [
    ("counter32 no pad", b"\x41\x04\xff\xff\xff\xff", COUNTER32, MAX32),
    ("counter32 pad", b"\x41\x05\x00\xff\xff\xff\xff", COUNTER32, MAX32),
    ("counter32 extra zeros", b"\x41\x03\x00\x00\x05", COUNTER32, 5),
    ("gauge32 1 byte high", b"\x42\x01\x80", GAUGE32, 128),
    ("timeticks long form length", b"\x43\x84\x00\x00\x00\x01\x05", TIMETICKS, 5),
    ("counter64 no pad", b"\x46\x08" + b"\xff" * 8, COUNTER64, MAX64),
    ("counter64 pad", b"\x46\x09\x00" + b"\xff" * 8, COUNTER64, MAX64),
    ("integer non-minimal", b"\x02\x02\x00\x05", INTEGER, 5),
    ("integer pyasn1 -128", b"\x02\x02\xff\x80", INTEGER, -128),
    ("integer negative", b"\x02\x01\xfb", INTEGER, -5),
    ("octets non-minimal length", b"\x04\x81\x02ab", OCTET_STRING, b"ab"),
    ("null long-form zero", b"\x05\x81\x00", NULL, None),
    ("oid first arc 2", b"\x06\x03\x88\x37\x01", OBJECT_IDENTIFIER, (2, 999, 1)),
]


@pytest.mark.parametrize(
    ("value", "tag", "expected"), [c[1:] for c in LENIENT], ids=[c[0] for c in LENIENT]
)
def test_decode_lenient(value: bytes, tag: int, expected: Any) -> None:
    m = decode_message(msg(varbinds=[vb(value)]))
    assert m.varbinds == [((1, 3, 6, 1), tag, expected)]


def relength(data: bytes, width: int = 4) -> bytes:
    """Re-encode every length of a (valid) message in non-minimal long form."""
    out = bytearray()
    i = 0
    while i < len(data):
        tag = data[i]
        n = data[i + 1]
        if n < 0x80:
            s, length = i + 2, n
        else:
            k = n & 0x7F
            s, length = i + 2 + k, int.from_bytes(data[i + 2 : i + 2 + k], "big")
        content = data[s : s + length]
        if tag == 0x30 or 0xA0 <= tag <= 0xA8:
            content = relength(content, width)
        out += bytes((tag, 0x80 | width)) + len(content).to_bytes(width, "big") + content
        i = s + length
    return bytes(out)


@pytest.mark.parametrize("width", [2, 3, 8, 20])
def test_long_form_lengths_everywhere(width: int) -> None:
    vbs, _ = _varbinds_for(1, SMALL_VALUES)
    original = encode_request(1, COMMUNITY, RESPONSE, 0x01020304, vbs)
    data = relength(original, width)
    assert len(data) > len(original)
    expected = decode_message(original)
    assert decode_message(data) == expected
    if width <= 8:  # pyasn1 refuses more than 8 length octets
        assert pysnmp_decode(data) == expected
    assert peek_request_id(data) == 0x01020304
    trap = encode_v1_trap(COMMUNITY, (1, 3, 6, 1, 4, 1, 1), bytes(4), 6, 1, 2, [])
    assert decode_message(relength(trap, width)) == decode_message(trap)


def test_peek_request_id() -> None:
    vbl = encode_null_varbinds([(1, 3, 6, 1)])
    for rid in (0, 1, 127, 128, 255, 256, -1, -128, -129, 2**31 - 1, -(2**31)):
        data = encode_request_raw(1, COMMUNITY, GET_REQUEST, rid, 0, 0, vbl)
        assert peek_request_id(data) == rid
        assert peek_request_id(bytearray(data)) == rid  # type: ignore[arg-type]
        assert peek_request_id(memoryview(data)) == rid  # type: ignore[arg-type]
    data = encode_request_raw(0, b"x" * 200, RESPONSE, 4242, 0, 0, vbl)  # long community
    assert peek_request_id(data) == 4242
    non_minimal_version = msg(version=b"\x02\x02\x00\x01")
    assert peek_request_id(non_minimal_version) == 7
    assert decode_message(non_minimal_version).version == 1
    assert peek_request_id(msg(version=b"\x02\x01\x03")) is None
    assert peek_request_id(msg(pdu_tag=TRAP_V1)) is None
    assert peek_request_id(msg(header=b"\x02\x05\x00\x80\x00\x00\x00")) is None
    assert peek_request_id(msg(header=b"\x02\x02\x00\x07")) == 7
    assert peek_request_id(b"") is None
    assert peek_request_id(data[:20]) is None


def test_decode_accepts_bytes_likes() -> None:
    data = encode_request(1, COMMUNITY, RESPONSE, 5, [((1, 3, 6), OCTET_STRING, b"x")])
    expected = decode_message(data)
    assert decode_message(bytearray(data)) == expected  # type: ignore[arg-type]
    assert decode_message(memoryview(data)) == expected  # type: ignore[arg-type]
    assert type(decode_message(memoryview(data)).varbinds[0][2]) is bytes  # type: ignore[arg-type]


def test_oid_decode_cache_overflow() -> None:
    oids = [(1, 3, 6, 1, 4, 1, 8072, k, 2**31 + k) for k in range(ber._OID_CACHE_MAX + 10)]
    data = encode_request(1, COMMUNITY, RESPONSE, 1, [(o, OBJECT_IDENTIFIER, o) for o in oids])
    m = decode_message(data)
    assert [v for _, _, v in m.varbinds] == oids
    assert [o for o, _, _ in m.varbinds] == oids
    assert len(ber._OID_CACHE) <= ber._OID_CACHE_MAX
    assert decode_message(data) == m


# ------------------------------------------------------------------ property tests
SUBIDS = st.one_of(
    st.integers(0, 127),
    st.integers(128, 2**21),
    st.integers(0, MAX32),
    st.sampled_from([2**31, 2**32 - 1, 2**31 - 1, 16383, 16384]),
)


@st.composite
def oids(draw: st.DrawFn) -> tuple[int, ...]:
    first = draw(st.integers(0, 2))
    second = draw(st.integers(0, 39)) if first < 2 else draw(SUBIDS)
    return (first, second, *draw(st.lists(SUBIDS, max_size=12)))


def _ints(lo: int, hi: int) -> st.SearchStrategy[int]:
    return st.one_of(st.integers(lo, hi), st.sampled_from([lo, hi, 0, 127, 128, 255, 256]))


VALUE_STRATEGIES: dict[int, st.SearchStrategy[Any]] = {
    INTEGER: st.one_of(_ints(-(2**31), 2**31 - 1), st.sampled_from(sorted(NEG_POW2))),
    OCTET_STRING: st.binary(max_size=300),
    OPAQUE: st.binary(max_size=40),
    NULL: st.none(),
    OBJECT_IDENTIFIER: oids(),
    IPADDRESS: st.binary(min_size=4, max_size=4),
    COUNTER32: _ints(0, MAX32),
    GAUGE32: _ints(0, MAX32),
    TIMETICKS: _ints(0, MAX32),
    COUNTER64: _ints(0, MAX64),
    NO_SUCH_OBJECT: st.none(),
    NO_SUCH_INSTANCE: st.none(),
    END_OF_MIB_VIEW: st.none(),
}


def varbind_lists(version: int) -> st.SearchStrategy[list[VarBind]]:
    tags = [t for t in VALUE_STRATEGIES if version or t not in V2_ONLY_TAGS]
    one = st.sampled_from(tags).flatmap(
        lambda t: st.tuples(oids(), st.just(t), VALUE_STRATEGIES[t])
    )
    return st.lists(one, max_size=8)


@st.composite
def messages(draw: st.DrawFn) -> Message:
    version = draw(st.sampled_from([0, 1]))
    pdu_tag = draw(st.sampled_from([t for v, t in MESSAGE_KINDS if v == version]))
    es = draw(_ints(0, 5 if version == 0 else 2**31 - 1))
    return Message(
        version,
        draw(st.binary(max_size=40)),
        pdu_tag,
        draw(st.one_of(_ints(-(2**31), 2**31 - 1), st.sampled_from(sorted(NEG_POW2)))),
        es,
        draw(_ints(0, 2**31 - 1)),
        draw(varbind_lists(version)),
    )


@st.composite
def traps(draw: st.DrawFn) -> TrapV1:
    return TrapV1(
        0,
        draw(st.binary(max_size=20)),
        TRAP_V1,
        0,
        0,
        0,
        draw(varbind_lists(0)),
        draw(oids()),
        draw(st.binary(min_size=4, max_size=4)),
        draw(st.integers(0, 6)),
        draw(_ints(-(2**31), 2**31 - 1)),
        draw(_ints(0, MAX32)),
    )


def our_encode(m: Message) -> bytes:
    if isinstance(m, TrapV1):
        return encode_v1_trap(
            m.community,
            m.enterprise,
            m.agent_addr,
            m.generic_trap,
            m.specific_trap,
            m.timestamp,
            m.varbinds,
        )
    return encode_request(
        m.version, m.community, m.pdu_tag, m.request_id, m.varbinds, m.error_status, m.error_index
    )


ORACLE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@ORACLE
@given(messages())
def test_property_messages_agree_with_pysnmp(m: Message) -> None:
    ours = our_encode(m)
    theirs = pysnmp_encode(
        m.version,
        m.pdu_tag,
        m.request_id,
        m.varbinds,
        m.error_status,
        m.error_index,
        community=m.community,
    )
    check_against_pysnmp(ours, theirs, m, has_quirk(m.request_id, m.varbinds))


@ORACLE
@given(traps())
def test_property_v1_traps_agree_with_pysnmp(m: TrapV1) -> None:
    ours = our_encode(m)
    theirs = pysnmp_encode_v1_trap(
        m.enterprise,
        m.agent_addr,
        m.generic_trap,
        m.specific_trap,
        m.timestamp,
        m.varbinds,
        community=m.community,
    )
    check_against_pysnmp(ours, theirs, m, has_quirk(m.specific_trap, m.varbinds))


@settings(max_examples=100, deadline=None)
@given(st.one_of(messages(), traps()))
def test_property_round_trip(m: Message) -> None:
    data = our_encode(m)
    assert decode_message(data) == m
    assert peek_request_id(data) == (None if isinstance(m, TrapV1) else m.request_id)


def _check_robust(data: bytes) -> None:
    """decode_message returns a Message or raises BERDecodeError; peek never raises."""
    try:
        m = decode_message(data)
    except BERDecodeError:
        m = None
    rid = peek_request_id(data)
    assert rid is None or isinstance(rid, int)
    if m is not None:
        assert isinstance(m, Message)
        if not isinstance(m, TrapV1):
            assert rid == m.request_id


FUZZ = settings(max_examples=300, deadline=None)
MUTATE = settings(max_examples=150, deadline=None)


@FUZZ
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(data: bytes) -> None:
    _check_robust(data)


@FUZZ
@given(st.binary(max_size=120))
def test_fuzz_random_bytes_in_envelope(tail: bytes) -> None:
    # random content behind a plausible header reaches the deeper code paths
    _check_robust(tlv(0x30, b"\x02\x01\x01\x04\x01p" + tlv(RESPONSE, tail)))
    _check_robust(
        tlv(0x30, b"\x02\x01\x01\x04\x01p" + tlv(RESPONSE, b"\x02\x01\x01" * 3 + tlv(0x30, tail)))
    )


MUTATION = st.tuples(
    st.sampled_from(["flip", "truncate", "insert", "delete", "set", "dup"]),
    st.integers(0, 2**16),
    st.integers(0, 255),
)


@MUTATE
@given(st.one_of(messages(), traps()), st.lists(MUTATION, min_size=1, max_size=4), st.booleans())
def test_fuzz_mutated_messages(
    m: Message, mutations: list[tuple[str, int, int]], long_form: bool
) -> None:
    data = bytearray(relength(our_encode(m), 2) if long_form else our_encode(m))
    for op, pos, byte in mutations:
        if not data:
            break
        p = pos % len(data)
        if op == "flip":
            data[p] ^= 1 << (byte & 7)
        elif op == "truncate":
            del data[p:]
        elif op == "insert":
            data.insert(p, byte)
        elif op == "delete":
            del data[p]
        elif op == "set":
            data[p] = byte
        else:
            data[p:p] = data[p : p + 1 + byte % 8]
    _check_robust(bytes(data))


@pytest.mark.parametrize("arc", [0, 1, 2])
def test_a_lone_first_arc_goes_out_as_net_snmp_sends_it(arc: int) -> None:
    """``snmpwalk .1`` and ``snmpgetnext .2`` send the arc as the one octet of the OID
    (net-snmp's asn_realloc_rbuild_objid), which an agent reads as ``0.ARC``."""
    assert ber.encode_oid((arc,)) == bytes([0x06, 0x01, arc]) == ber.encode_oid((0, arc))
