"""Hand-written BER codec for SNMPv1 / SNMPv2c messages (the library's hot path).

Design
------
* **Pure.**  No I/O, no asyncio, no pysnmp/pyasn1.  Bytes in, plain Python
  values out (and back).  pysnmp is used only by the tests, as the oracle.
* **Plain data.**  A varbind is ``(oid, tag, value)`` where *oid* is a tuple of
  ints (:data:`~snmp_component._core.oid.Oid`), *tag* is the BER tag of the
  value (:data:`INTEGER`, :data:`COUNTER32`, ...) and *value* is::

      INTEGER                              int -2**31..2**31-1
      OCTET_STRING, OPAQUE                 bytes
      NULL, NO_SUCH_OBJECT,
      NO_SUCH_INSTANCE, END_OF_MIB_VIEW    None
      OBJECT_IDENTIFIER                    Oid (tuple of ints)
      IPADDRESS                            bytes of length 4
      COUNTER32, GAUGE32, TIMETICKS        int 0..2**32-1
      COUNTER64                            int 0..2**64-1
      received only (net-snmp decodes them; never encoded here):
      UINTEGER32                           int 0..2**32-1
      NSAP_ADDRESS, BIT_STRING             bytes
      any other primitive tag              bytes (the raw content octets)

  Unsigned32 shares Gauge32's tag, Integer32 shares INTEGER's, BITS travels as
  an OCTET STRING; the tag alone is what goes on the wire.  An Opaque stays
  bytes; :func:`decode_opaque` reads the Opaque-wrapped Float, Double, Int64,
  UInt64 and Counter64 that net-snmp encodes inside it (their structure is
  checked on decoding).
* **Encoding** produces DER-style output: definite, minimal lengths and
  minimal two's-complement integers (X.690 8.3.2).  This is byte-for-byte what
  pyasn1 produces, with one exception: pyasn1 adds a redundant ``0xFF`` octet
  to negative powers of two (it encodes -128 as ``ff 80``, -2**31 as
  ``ff 80 00 00 00``); we emit the X.690-minimal form (``80``,
  ``80 00 00 00``) as net-snmp does.  pyasn1, net-snmp and our decoder accept
  both forms.
* **Caching / re-use.**  :func:`encode_oid` and the NULL-valued varbind TLVs
  are kept in byte-bounded caches (``ber.oid_encode``, ``ber.null_varbind`` in
  :mod:`~snmp_component._core.cache`; requests repeat the same OIDs).  A request is built in two
  layers: the varbind-list TLV (:func:`encode_varbinds`,
  :func:`encode_null_varbinds`) and the envelope around it
  (:func:`encode_request_raw`).  Callers may keep the varbind-list bytes and
  re-wrap them with a fresh request-id for every retry/poll cycle: that costs
  one small integer encoding and three short concatenations.
* **Validation on encode.**  :func:`encode_value` checks the Python type and
  the range of every value and raises :class:`ValueError` naming the problem
  (e.g. ``COUNTER32 value -1 out of range 0..4294967295``), so it doubles as a
  pre-validator for SET values.  :func:`encode_varbinds` /
  :func:`encode_request` run it for every non-NULL varbind.  OIDs must have
  2..128 sub-ids of 0..2**32-1 (first arc 0..2, second < 40 under 0/1);
  OCTET STRINGs at most 65535 octets (RFC 2578).  Per-version rules (SNMPv1
  has no GETBULK/INFORM/SNMPv2-Trap/Report PDUs, no Counter64 and no
  exception values) are checked by :func:`encode_request`,
  :func:`encode_v1_trap` and :func:`check_version_varbinds`; the
  :func:`encode_request_raw` fast path checks the PDU tag but trusts the
  pre-encoded varbind-list bytes.
* **Strict decoding.**  :func:`decode_message` walks the fixed SNMP message
  structure iteratively (no recursion) with explicit bounds: every element
  must lie inside its parent, every structure must be exactly filled (no
  trailing bytes, also not after the message), tags must be the expected ones
  and value encodings well-formed (e.g. NULL has no content, IpAddress has 4
  octets, OIDs have at most 128 sub-ids (net-snmp's MAX_OID_LEN), each fitting
  32 bits).  **Every number is within its type's
  range** (a value outside it is a malformed message, as net-snmp's parser
  rejects it): INTEGER -2**31..2**31-1, Counter32/Gauge32/TimeTicks/UInteger32
  0..2**32-1, Counter64 0..2**64-1, and the header integers (version,
  request-id, error-status, error-index, trap fields) Integer32; so no decoded
  int is ever too big to print.  RFC 3417 section 8 rules are enforced:
  definite lengths only (indefinite -> error), primitive encodings only
  (constructed encodings and multi-octet tags are errors).  A value with a
  primitive tag this module has no type for is kept as its raw content octets
  (it does not cost the other varbinds).  Leniencies that real agents need,
  BER allows and net-snmp (LP64) accepts: long-form and non-minimal lengths,
  non-minimal INTEGERs of up to 8 octets, unsigned types of up to 9 octets
  with or without the leading ``0x00`` (the content is read as an unsigned
  number, so an agent that sends Counter32 4294967295 as ``ff ff ff ff``
  decodes correctly).  Any malformed input raises :class:`BERDecodeError` (a
  :class:`ValueError`) and nothing else.  SNMPv3 messages raise
  ``BERDecodeError("unsupported version 3 ...")``: v3 is handled elsewhere.
* **Header first.**  :func:`decode_response` reads the version, community,
  PDU type and request-id and returns None when they are not the expected
  ones, before decoding any varbind: a reply that will be dropped costs
  O(header), however many varbinds it carries.  :func:`decode_pdu_header` /
  :func:`decode_varbind_list` split :func:`decode_pdu` the same way for
  SNMPv3.
* **Speed.**  No per-byte Python loops except for multi-byte OID sub-ids;
  ``int.from_bytes``, slicing, ``bytes.isascii`` (all-single-byte OIDs), a
  byte-bounded decode cache for OID contents (``ber.oid_decode``: 4 MiB and at
  most 8192 entries), inlined short-form
  length parsing in the header and the varbind loop, and a guard against
  quadratic big-int growth in over-long OID sub-ids.  :func:`peek_request_id`
  reads only the header.
* **SNMPv3 building blocks.**  :func:`encode_pdu` / :func:`decode_pdu` handle
  the PDU without the v1/v2c envelope, and :func:`encode_length`,
  :func:`encode_integer`, :func:`encode_octets`, :func:`decode_tlv`,
  :func:`decode_integer` expose the TLV primitives; ``v3msg.py`` builds the
  SNMPv3 envelope (RFC 3412) from them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple, TypeAlias

from .cache import ByteCache, ber_oid_size, bytes_size, oid_ber_size, sizeof
from .oid import MAX_OID_LENGTH, MAX_SUBID, Oid

__all__ = [
    "BIT_STRING",
    "COUNTER32",
    "COUNTER64",
    "END_OF_MIB_VIEW",
    "GAUGE32",
    "GET_BULK_REQUEST",
    "GET_NEXT_REQUEST",
    "GET_REQUEST",
    "INFORM_REQUEST",
    "INTEGER",
    "IPADDRESS",
    "MAX_OID_LENGTH",
    "NO_SUCH_INSTANCE",
    "NO_SUCH_OBJECT",
    "NSAP_ADDRESS",
    "NULL",
    "OBJECT_IDENTIFIER",
    "OCTET_STRING",
    "OPAQUE",
    "OPAQUE_COUNTER64",
    "OPAQUE_DOUBLE",
    "OPAQUE_FLOAT",
    "OPAQUE_I64",
    "OPAQUE_U64",
    "PDU_NAMES",
    "REPORT",
    "RESPONSE",
    "SET_REQUEST",
    "SNMPV2_TRAP",
    "TAG_NAMES",
    "TIMETICKS",
    "TRAP_V1",
    "UINTEGER32",
    "VERSION_1",
    "VERSION_2C",
    "BERDecodeError",
    "Message",
    "Pdu",
    "PduHeader",
    "TrapV1",
    "Value",
    "VarBind",
    "check_version_varbinds",
    "decode_integer",
    "decode_message",
    "decode_opaque",
    "decode_pdu",
    "decode_pdu_header",
    "decode_response",
    "decode_tlv",
    "decode_varbind_list",
    "encode_getbulk",
    "encode_integer",
    "encode_length",
    "encode_null_varbinds",
    "encode_octets",
    "encode_oid",
    "encode_pdu",
    "encode_request",
    "encode_request_raw",
    "encode_v1_trap",
    "encode_value",
    "encode_varbinds",
    "peek_request_id",
]

# --------------------------------------------------------------------- constants
# Value tags.
INTEGER: Final = 0x02
OCTET_STRING: Final = 0x04
NULL: Final = 0x05
OBJECT_IDENTIFIER: Final = 0x06
IPADDRESS: Final = 0x40
COUNTER32: Final = 0x41
GAUGE32: Final = 0x42  # also Unsigned32
TIMETICKS: Final = 0x43
OPAQUE: Final = 0x44
COUNTER64: Final = 0x46
# Tags net-snmp also decodes (asn1.h), received only: never encoded here.
BIT_STRING: Final = 0x03  # ASN_BIT_STR
NSAP_ADDRESS: Final = 0x45  # ASN_NSAP (SNMPv2 party-era NsapAddress)
UINTEGER32: Final = 0x47  # ASN_UINTEGER (UInteger32, RFC 1442)
NO_SUCH_OBJECT: Final = 0x80
NO_SUCH_INSTANCE: Final = 0x81
END_OF_MIB_VIEW: Final = 0x82

# The Opaque-wrapped special types (net-snmp's ASN_OPAQUE_*): an Opaque whose content is
# 0x9f, one of these, a length and the value (draft-perkins-opaque-01).
OPAQUE_COUNTER64: Final = 0x76
OPAQUE_FLOAT: Final = 0x78
OPAQUE_DOUBLE: Final = 0x79
OPAQUE_I64: Final = 0x7A
OPAQUE_U64: Final = 0x7B

# PDU tags.
GET_REQUEST: Final = 0xA0
GET_NEXT_REQUEST: Final = 0xA1
RESPONSE: Final = 0xA2
SET_REQUEST: Final = 0xA3
TRAP_V1: Final = 0xA4
GET_BULK_REQUEST: Final = 0xA5
INFORM_REQUEST: Final = 0xA6
SNMPV2_TRAP: Final = 0xA7
REPORT: Final = 0xA8

# Message versions (the wire value of the version field).
VERSION_1: Final = 0
VERSION_2C: Final = 1

"""Most sub-identifiers an OID may have (RFC 2578 section 3.5); enforced on encode."""

TAG_NAMES: Final[dict[int, str]] = {
    INTEGER: "INTEGER",
    OCTET_STRING: "OCTET_STRING",
    NULL: "NULL",
    OBJECT_IDENTIFIER: "OBJECT_IDENTIFIER",
    IPADDRESS: "IPADDRESS",
    COUNTER32: "COUNTER32",
    GAUGE32: "GAUGE32",
    TIMETICKS: "TIMETICKS",
    OPAQUE: "OPAQUE",
    COUNTER64: "COUNTER64",
    NO_SUCH_OBJECT: "NO_SUCH_OBJECT",
    NO_SUCH_INSTANCE: "NO_SUCH_INSTANCE",
    END_OF_MIB_VIEW: "END_OF_MIB_VIEW",
    BIT_STRING: "BIT_STRING",
    NSAP_ADDRESS: "NSAP_ADDRESS",
    UINTEGER32: "UINTEGER32",
}

PDU_NAMES: Final[dict[int, str]] = {
    GET_REQUEST: "GET_REQUEST",
    GET_NEXT_REQUEST: "GET_NEXT_REQUEST",
    RESPONSE: "RESPONSE",
    SET_REQUEST: "SET_REQUEST",
    TRAP_V1: "TRAP_V1",
    GET_BULK_REQUEST: "GET_BULK_REQUEST",
    INFORM_REQUEST: "INFORM_REQUEST",
    SNMPV2_TRAP: "SNMPV2_TRAP",
    REPORT: "REPORT",
}

Value: TypeAlias = int | bytes | Oid | None
"""Python representation of a varbind value (see the module docstring)."""

VarBind: TypeAlias = tuple[Oid, int, Value]
"""``(oid, tag, value)``."""

_MAX32: Final = 0xFFFFFFFF
_MAX64: Final = 0xFFFFFFFFFFFFFFFF
_MIN_I32: Final = -0x80000000
_MAX_I32: Final = 0x7FFFFFFF
_MAX_OCTETS: Final = 65535  # OCTET STRING (SIZE (0..65535)), RFC 2578 section 7.1.2

# PDU tags allowed per version (RFC 1157 / RFC 3416).  TRAP_V1 is v1-only and
# has its own layout; GETBULK/INFORM/SNMPv2-Trap/Report are v2c-only.
_V1_PDUS: Final = frozenset((GET_REQUEST, GET_NEXT_REQUEST, RESPONSE, SET_REQUEST, TRAP_V1))
_V2C_PDUS: Final = frozenset(
    (
        GET_REQUEST,
        GET_NEXT_REQUEST,
        RESPONSE,
        SET_REQUEST,
        GET_BULK_REQUEST,
        INFORM_REQUEST,
        SNMPV2_TRAP,
        REPORT,
    )
)
# Value tags that SNMPv1 does not have.
_V2_ONLY_TAGS: Final = frozenset((COUNTER64, NO_SUCH_OBJECT, NO_SUCH_INSTANCE, END_OF_MIB_VIEW))


class BERDecodeError(ValueError):
    """Raised by :func:`decode_message` for any malformed or unsupported message."""


# ====================================================================== encoding
_LEN1: Final = tuple(bytes((n,)) for n in range(128))
# Complete INTEGER TLVs for 0..127 (error-status / error-index / version ...).
_SMALL_INT: Final = tuple(b"\x02\x01" + bytes((n,)) for n in range(128))
_NULL_TLV: Final = b"\x05\x00"


def _enc_len(n: int) -> bytes:
    """Minimal definite-length octets for a content of *n* bytes."""
    if n < 0x80:
        return _LEN1[n]
    if n < 0x100:
        return bytes((0x81, n))
    if n < 0x10000:
        return bytes((0x82, n >> 8, n & 0xFF))
    b = n.to_bytes((n.bit_length() + 7) >> 3, "big")
    return bytes((0x80 | len(b),)) + b


def _int_content(v: int) -> bytes:
    """Minimal two's-complement content octets of *v* (X.690 8.3.2)."""
    return v.to_bytes(((v if v >= 0 else ~v).bit_length() >> 3) + 1, "big", signed=True)


def _int_tlv(v: int) -> bytes:
    if 0 <= v < 0x80:
        return _SMALL_INT[v]
    c = _int_content(v)
    return b"\x02" + _LEN1[len(c)] + c  # Integer32 content is at most 4 octets


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, int) else repr(value)


def _check_int(name: str, value: object, lo: int, hi: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{name} value must be an int, not {type(value).__name__} ({value!r})")
    if not lo <= value <= hi:
        raise ValueError(f"{name} value {value} out of range {lo}..{hi}")
    return value


def _check_bytes(name: str, value: object) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, bytearray | memoryview):
        return bytes(value)
    raise ValueError(f"{name} value must be bytes, not {type(value).__name__} ({value!r})")


def _encode_oid_content(oid: Oid) -> bytes:
    """Validate *oid* and return its BER content octets (X.690 8.19). A lone first arc
    (a walk from ``.1``) goes out as net-snmp's ``asn_realloc_rbuild_objid`` sends it:
    the arc as the one octet (which reads back as ``0.1``)."""
    if not isinstance(oid, tuple):
        raise ValueError(f"OID must be a tuple of ints, not {type(oid).__name__} ({oid!r})")
    if len(oid) < 2:
        if len(oid) != 1 or oid[0] not in (0, 1, 2) or isinstance(oid[0], bool):
            raise ValueError(f"invalid OID {oid!r}: needs at least 2 sub-identifiers")
        return bytes(oid)
    if len(oid) > MAX_OID_LENGTH:
        raise ValueError(
            f"invalid OID {oid!r}: {len(oid)} sub-identifiers, SNMP allows at most {MAX_OID_LENGTH}"
        )
    for sub in oid:
        if not isinstance(sub, int) or isinstance(sub, bool):
            raise ValueError(f"invalid OID {oid!r}: sub-identifier {sub!r} is not an int")
        if not 0 <= sub <= MAX_SUBID:
            raise ValueError(
                f"invalid OID {oid!r}: sub-identifier {sub} out of range 0..{MAX_SUBID}"
            )
    first, second = oid[0], oid[1]
    if first > 2:
        raise ValueError(f"invalid OID {oid!r}: first sub-identifier must be 0, 1 or 2")
    if first < 2 and second >= 40:
        raise ValueError(
            f"invalid OID {oid!r}: second sub-identifier must be below 40 when the first is 0 or 1"
        )
    out = bytearray()
    for sub in (first * 40 + second, *oid[2:]):
        if sub < 0x80:
            out.append(sub)
        else:
            n = (sub.bit_length() + 6) // 7
            out += bytes(
                ((sub >> (7 * k)) & 0x7F) | (0x80 if k else 0) for k in range(n - 1, -1, -1)
            )
    return bytes(out)


# Byte-bounded caches (budgets in cache.py): OID -> OBJECT IDENTIFIER TLV, and
# OID -> SEQUENCE {OID, NULL}; requests repeat the same OIDs.
_OID_TLVS: ByteCache[Oid, bytes] = ByteCache("ber.oid_encode", oid_ber_size)
_oid_tlv = _OID_TLVS.get
_NULL_VARBINDS: ByteCache[Oid, bytes] = ByteCache("ber.null_varbind", oid_ber_size)
_null_vb = _NULL_VARBINDS.get


def _encode_oid_cached(oid: Oid) -> bytes:
    tlv = _oid_tlv(oid)
    if tlv is None:
        c = _encode_oid_content(oid)
        tlv = _OID_TLVS.put(oid, b"\x06" + _enc_len(len(c)) + c)
    return tlv


def encode_oid(oid: Oid) -> bytes:
    """Complete OBJECT IDENTIFIER TLV for *oid* (cached; sub-ids 0..2**32-1).

    Raises :class:`ValueError` for invalid OIDs (fewer than 2 or more than 128
    sub-ids, sub-ids out of range, first arc > 2, second arc >= 40 under arcs
    0/1).  Lists are accepted and converted to tuples.
    """
    if type(oid) is not tuple:
        if not isinstance(oid, list | tuple):
            raise ValueError(f"OID must be a tuple of ints, not {type(oid).__name__} ({oid!r})")
        oid = tuple(oid)
    return _encode_oid_cached(oid)


_TAG1: Final = {t: bytes((t,)) for t in TAG_NAMES}


def encode_value(tag: int, value: Value) -> bytes:
    """Complete TLV for a varbind value; validates type and range.

    Raises :class:`ValueError` naming the problem, e.g.
    ``COUNTER32 value -1 out of range 0..4294967295`` or
    ``IPADDRESS value must be 4 bytes, got 5``.  Use it to pre-validate SET
    values.  OCTET_STRING values are limited to 65535 octets (RFC 2578);
    bytearray/memoryview are accepted wherever bytes are.
    """
    if tag == OCTET_STRING:
        b = _check_bytes("OCTET_STRING", value)
        if len(b) > _MAX_OCTETS:
            raise ValueError(f"OCTET_STRING value is {len(b)} bytes, SNMP allows at most 65535")
        return b"\x04" + _enc_len(len(b)) + b
    if tag == INTEGER:
        c = _int_content(_check_int("INTEGER", value, _MIN_I32, _MAX_I32))
        return b"\x02" + _LEN1[len(c)] + c
    if tag == COUNTER32 or tag == GAUGE32 or tag == TIMETICKS:
        c = _int_content(_check_int(TAG_NAMES[tag], value, 0, _MAX32))
        return _TAG1[tag] + _LEN1[len(c)] + c
    if tag == NULL or tag == NO_SUCH_OBJECT or tag == NO_SUCH_INSTANCE or tag == END_OF_MIB_VIEW:
        if value is not None:
            raise ValueError(f"{TAG_NAMES[tag]} value must be None, not {_describe(value)}")
        return _TAG1[tag] + b"\x00"
    if tag == OBJECT_IDENTIFIER:
        if not isinstance(value, tuple | list):
            raise ValueError(
                f"OBJECT_IDENTIFIER value must be a tuple of ints, not {_describe(value)}"
            )
        try:
            return encode_oid(tuple(value))
        except ValueError as exc:
            raise ValueError(f"OBJECT_IDENTIFIER value: {exc}") from None
    if tag == COUNTER64:
        c = _int_content(_check_int("COUNTER64", value, 0, _MAX64))
        return b"\x46" + _LEN1[len(c)] + c
    if tag == IPADDRESS:
        b = _check_bytes("IPADDRESS", value)
        if len(b) != 4:
            raise ValueError(f"IPADDRESS value must be 4 bytes, got {len(b)} ({b!r})")
        return b"\x40\x04" + b
    if tag == OPAQUE:
        b = _check_bytes("OPAQUE", value)
        return b"\x44" + _enc_len(len(b)) + b
    if isinstance(tag, int):
        raise ValueError(f"unknown value tag 0x{tag:02x}")
    raise ValueError(f"value tag must be an int, not {type(tag).__name__} ({tag!r})")


def _null_varbind(oid: Oid) -> bytes:
    tlv = _null_vb(oid)
    if tlv is None:
        body = _encode_oid_cached(oid) + _NULL_TLV
        tlv = _NULL_VARBINDS.put(oid, b"\x30" + _enc_len(len(body)) + body)
    return tlv


def encode_null_varbinds(oids: Iterable[Oid]) -> bytes:
    """Fast path: varbind-list TLV pairing each OID with NULL (GET/GETNEXT/GETBULK).

    Each ``SEQUENCE { oid, NULL }`` is cached per OID.  The result can be kept
    and passed to :func:`encode_request_raw` for every retry/poll.
    Raises :class:`ValueError` for invalid OIDs.
    """
    if not isinstance(oids, list | tuple):
        oids = list(oids)
    try:
        body = b"".join(map(_null_varbind, oids))
    except TypeError:  # an unhashable OID (a list): convert and retry
        body = b"".join([_null_varbind(tuple(o)) for o in oids])
    return b"\x30" + _enc_len(len(body)) + body


def encode_varbinds(varbinds: Iterable[VarBind]) -> bytes:
    """Varbind-list TLV for ``(oid, tag, value)`` triples, validating every value.

    Raises :class:`ValueError` naming the first bad OID/value (with its index).
    The result can be kept and passed to :func:`encode_request_raw`.
    """
    parts: list[bytes] = []
    append = parts.append
    for idx, vb in enumerate(varbinds):
        try:
            oid, tag, value = vb
            if type(oid) is not tuple:
                oid = tuple(oid)
            if tag == NULL and value is None:
                append(_null_varbind(oid))
            else:
                body = _encode_oid_cached(oid) + encode_value(tag, value)
                append(b"\x30" + _enc_len(len(body)) + body)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"varbind #{idx}: {exc}") from None
    body = b"".join(parts)
    return b"\x30" + _enc_len(len(body)) + body


def _version_name(version: int) -> str:
    if version == VERSION_1:
        return "SNMPv1"
    return "SNMPv2c" if version == VERSION_2C else f"version {version!r}"


_PREFIXES: ByteCache[tuple[int, bytes], bytes] = ByteCache(
    "ber.message_prefix", lambda key, prefix: sizeof(key) + bytes_size(prefix)
)
_prefix = _PREFIXES.get


def _message_prefix(version: int, community: bytes) -> bytes:
    """version TLV + community TLV (cached per (version, community), byte-bounded)."""
    key = (version, community)
    prefix = _prefix(key)
    if prefix is None:
        if type(version) is not int or version not in (VERSION_1, VERSION_2C):
            raise ValueError(f"unsupported SNMP version {version!r} (expected 0=v1 or 1=v2c)")
        if not isinstance(community, bytes):
            raise ValueError(f"community must be bytes, not {type(community).__name__}")
        prefix = _SMALL_INT[version] + b"\x04" + _enc_len(len(community)) + community
        _PREFIXES.put(key, prefix)
    return prefix


# (version, pdu tag) -> tag byte, for the non-trap-v1 PDU layout.
_PDU_TAG_BYTE: Final = {
    **{(VERSION_1, t): bytes((t,)) for t in _V1_PDUS if t != TRAP_V1},
    **{(VERSION_2C, t): bytes((t,)) for t in _V2C_PDUS},
}


def _bad_pdu(version: int, pdu_tag: int) -> ValueError:
    if pdu_tag == TRAP_V1:
        return ValueError("TRAP_V1 PDUs have their own layout: use encode_v1_trap()")
    if pdu_tag in PDU_NAMES:
        return ValueError(f"{PDU_NAMES[pdu_tag]} is not allowed in {_version_name(version)}")
    if isinstance(pdu_tag, int):
        return ValueError(f"unknown PDU tag 0x{pdu_tag:02x}")
    return ValueError(f"PDU tag must be an int, not {type(pdu_tag).__name__}")


def _pdu_fields(request_id: int, error_status: int, error_index: int, varbind_list: bytes) -> bytes:
    """A PDU's contents: request-id, error-status, error-index (checked) and varbinds."""
    if not _MIN_I32 <= request_id <= _MAX_I32:
        raise ValueError(f"request_id {request_id} out of range {_MIN_I32}..{_MAX_I32}")
    if 0 <= request_id < 0x80:
        pdu = _SMALL_INT[request_id]
    else:
        n = ((request_id if request_id >= 0 else ~request_id).bit_length() >> 3) + 1
        pdu = b"\x02" + _LEN1[n] + request_id.to_bytes(n, "big", signed=True)
    if 0 <= error_status < 0x80:
        pdu += _SMALL_INT[error_status]
    else:
        pdu += _int_tlv(_check_int("error_status", error_status, 0, _MAX_I32))
    if 0 <= error_index < 0x80:
        pdu += _SMALL_INT[error_index] + varbind_list
    else:
        pdu += _int_tlv(_check_int("error_index", error_index, 0, _MAX_I32)) + varbind_list
    return pdu


def encode_request_raw(
    version: int,
    community: bytes,
    pdu_tag: int,
    request_id: int,
    error_status: int,
    error_index: int,
    varbind_list: bytes,
) -> bytes:
    """Wrap pre-encoded varbind-list bytes into a complete message.

    *varbind_list* is a complete varbind-list TLV from :func:`encode_varbinds`
    or :func:`encode_null_varbinds` and is trusted as is (its values are not
    re-checked against *version*).  For GETBULK, *error_status* /
    *error_index* are non-repeaters / max-repetitions.  Raises
    :class:`ValueError` for an unsupported version, a PDU tag not allowed in
    that version (TRAP_V1 always: see :func:`encode_v1_trap`), a request-id
    outside -2**31..2**31-1 or error fields outside 0..2**31-1.
    """
    tag = _PDU_TAG_BYTE.get((version, pdu_tag))
    if tag is None:
        _message_prefix(version, community)  # raises for a bad version
        raise _bad_pdu(version, pdu_tag)
    pdu = _pdu_fields(request_id, error_status, error_index, varbind_list)
    body = _message_prefix(version, community) + tag + _enc_len(len(pdu)) + pdu
    return b"\x30" + _enc_len(len(body)) + body


def check_version_varbinds(version: int, varbinds: Iterable[VarBind]) -> None:
    """Raise :class:`ValueError` if *varbinds* use value types *version* lacks.

    SNMPv1 has no COUNTER64 and no noSuchObject/noSuchInstance/endOfMibView.
    Use it together with :func:`encode_varbinds` + :func:`encode_request_raw`
    (which does not re-check the varbind-list bytes); :func:`encode_request`
    calls it itself.
    """
    if version == VERSION_1:
        for idx, vb in enumerate(varbinds):
            if vb[1] in _V2_ONLY_TAGS:
                raise ValueError(
                    f"varbind #{idx}: {TAG_NAMES[vb[1]]} values do not exist in SNMPv1"
                )


def encode_request(
    version: int,
    community: bytes,
    pdu_tag: int,
    request_id: int,
    varbinds: Sequence[VarBind],
    error_status: int = 0,
    error_index: int = 0,
) -> bytes:
    """Encode a complete non-trap-v1 message (GET/GETNEXT/SET/RESPONSE/INFORM/...).

    Every value is validated (:func:`encode_value`); SNMPv1 messages may not
    carry COUNTER64 or the v2 exception values.  For GETBULK pass
    non_repeaters / max_repetitions as *error_status* / *error_index* (or use
    :func:`encode_getbulk`).  Raises :class:`ValueError` for anything invalid.
    """
    check_version_varbinds(version, varbinds)
    return encode_request_raw(
        version,
        community,
        pdu_tag,
        request_id,
        error_status,
        error_index,
        encode_varbinds(varbinds),
    )


def encode_getbulk(
    version: int,
    community: bytes,
    request_id: int,
    non_repeaters: int,
    max_repetitions: int,
    varbinds: Sequence[VarBind],
) -> bytes:
    """Encode a GETBULK request (SNMPv2c only); *varbinds* values are normally NULL."""
    return encode_request(
        version, community, GET_BULK_REQUEST, request_id, varbinds, non_repeaters, max_repetitions
    )


def encode_v1_trap(
    community: bytes,
    enterprise: Oid,
    agent_addr: bytes,
    generic_trap: int,
    specific_trap: int,
    timestamp: int,
    varbinds: Sequence[VarBind],
) -> bytes:
    """Encode an SNMPv1 Trap-PDU message (RFC 1157 section 4.1.6).

    *agent_addr* is a 4-byte IPv4 address, *generic_trap* 0..6,
    *specific_trap* an Integer32, *timestamp* TimeTicks (0..2**32-1).
    Raises :class:`ValueError` for anything invalid.
    """
    check_version_varbinds(VERSION_1, varbinds)
    try:
        ent = encode_oid(enterprise)
    except ValueError as exc:
        raise ValueError(f"enterprise: {exc}") from None
    pdu = (
        ent
        + encode_value(IPADDRESS, agent_addr)
        + _int_tlv(_check_int("generic_trap", generic_trap, 0, 6))
        + _int_tlv(_check_int("specific_trap", specific_trap, _MIN_I32, _MAX_I32))
        + encode_value(TIMETICKS, timestamp)
        + encode_varbinds(varbinds)
    )
    body = _message_prefix(VERSION_1, community) + b"\xa4" + _enc_len(len(pdu)) + pdu
    return b"\x30" + _enc_len(len(body)) + body


# ====================================================================== decoding
@dataclass(slots=True)
class Message:
    """A decoded SNMPv1/v2c message.

    For GETBULK, *error_status* / *error_index* hold non-repeaters /
    max-repetitions.  For TRAP_V1 (a :class:`TrapV1` instance) *request_id*,
    *error_status* and *error_index* are 0: that PDU has no such fields.
    """

    version: int
    community: bytes = field(repr=False)
    pdu_tag: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[VarBind]


@dataclass(slots=True)
class TrapV1(Message):
    """A decoded SNMPv1 Trap-PDU message (``pdu_tag == TRAP_V1``)."""

    enterprise: Oid
    agent_addr: bytes
    generic_trap: int
    specific_trap: int
    timestamp: int


# (first, second) arcs for a single-octet first sub-identifier.
_FIRST_ARCS: Final = tuple((f // 40, f % 40) if f < 80 else (2, f - 80) for f in range(128))
# Decoded OIDs by content octets: byte-bounded (budget in cache.py), and at most
# _OID_CACHE_MAX entries.
_OID_CACHE_MAX: Final = 8192
_OID_CACHE: ByteCache[bytes, Oid] = ByteCache(
    "ber.oid_decode", ber_oid_size, max_entries=_OID_CACHE_MAX
)
_oid_cached = _OID_CACHE.get
# Octets that continue a sub-identifier: deleting them leaves one octet per sub-id.
_CONTINUATION: Final = bytes(range(0x80, 0x100))
# While a multi-octet sub-id is accumulated the final value is >= the partial
# one; beyond this bound (the largest valid sub-id, 2**32-1+80 for the combined
# first one) it can only be invalid, so stop before the int grows further.
_SUBID_GUARD: Final = MAX_SUBID + 80


def _too_long(arcs: int) -> BERDecodeError:
    return BERDecodeError(
        f"OBJECT IDENTIFIER of {arcs} sub-identifiers (SNMP allows at most {MAX_OID_LENGTH})"
    )


def _decode_oid(raw: bytes) -> Oid:
    """OID content octets -> Oid (raises BERDecodeError).

    As net-snmp's ``asn_parse_objid``: at most 128 arcs (``MAX_OID_LEN``), each sub-id
    at most 2**32-1; anything else makes the message malformed.  Names and OID values
    of every PDU (responses, traps, SNMPv3 scoped PDUs) come through here.
    """
    if raw.isascii():  # every sub-identifier is a single octet
        # Decoded directly: as cheap as a cache lookup, and a walk's new OIDs then cost
        # no cache entry (only OIDs with multi-octet sub-identifiers are cached).
        if not raw:
            raise BERDecodeError("empty OBJECT IDENTIFIER")
        if len(raw) >= MAX_OID_LENGTH:  # the first octet carries two arcs
            raise _too_long(len(raw) + 1)
        return _FIRST_ARCS[raw[0]] + tuple(raw[1:])
    oid = _oid_cached(raw)
    if oid is not None:
        return oid
    if raw[-1] & 0x80:
        raise BERDecodeError("truncated sub-identifier in OBJECT IDENTIFIER")
    subids = len(raw.translate(None, _CONTINUATION))  # C speed, before any loop
    if subids >= MAX_OID_LENGTH:
        raise _too_long(subids + 1)
    subs: list[int] = []
    append = subs.append
    v = 0
    for b in raw:
        if b & 0x80:
            if not v and b == 0x80:
                raise BERDecodeError("non-minimal sub-identifier (0x80) in OBJECT IDENTIFIER")
            v = (v | (b & 0x7F)) << 7
            if v > _SUBID_GUARD:  # stop early: no quadratic big-int growth
                raise BERDecodeError("OBJECT IDENTIFIER sub-identifier exceeds 2**32-1")
        else:
            append(v | b)
            v = 0
    first = subs[0]
    if first < 80:
        subs[0] = first % 40
        subs.insert(0, first // 40)
    else:
        subs[0] = first - 80
        subs.insert(0, 2)
    if max(subs) > MAX_SUBID:
        raise BERDecodeError("OBJECT IDENTIFIER sub-identifier exceeds 2**32-1")
    oid = tuple(subs)
    return _OID_CACHE.put(raw, oid)


def _num(v: int) -> str:
    """An int for an error message, without converting huge ints to decimal."""
    return str(v) if v.bit_length() <= 128 else f"<{v.bit_length()}-bit integer>"


def _long_len(data: bytes, i: int, limit: int) -> tuple[int, int]:
    """Long-form length whose first octet is ``data[i]``; returns (start, end) of content."""
    n = data[i]
    if n == 0x80:
        raise BERDecodeError(f"indefinite length at offset {i} (not allowed in SNMP)")
    if n == 0xFF:
        raise BERDecodeError(f"reserved length octet 0xff at offset {i}")
    start = i + 1 + (n & 0x7F)
    if start > limit:
        raise BERDecodeError(f"truncated length at offset {i}")
    end = start + int.from_bytes(data[i + 1 : start], "big")
    if end > limit:
        raise BERDecodeError(f"length at offset {i} exceeds its enclosing structure")
    return start, end


def _tlv(data: bytes, i: int, limit: int, tag: int, what: str) -> tuple[int, int]:
    """Expect *tag* at ``data[i]`` inside ``data[:limit]``; return (start, end) of content."""
    if i + 2 > limit:
        raise BERDecodeError(f"truncated message: {what} missing")
    t = data[i]
    if t != tag:
        raise BERDecodeError(f"{what}: expected tag 0x{tag:02x}, got 0x{t:02x} at offset {i}")
    n = data[i + 1]
    if n < 0x80:
        start = i + 2
        end = start + n
        if end > limit:
            raise BERDecodeError(f"{what}: length {n} exceeds its enclosing structure")
        return start, end
    return _long_len(data, i + 1, limit)


def _header_int(data: bytes, i: int, limit: int, what: str) -> tuple[int, int]:
    """INTEGER in Integer32 range at ``data[i]``; return (value, next index)."""
    s, e = _tlv(data, i, limit, INTEGER, what)
    if s == e:
        raise BERDecodeError(f"{what}: empty INTEGER")
    v = int.from_bytes(data[s:e], "big", signed=True)
    if not _MIN_I32 <= v <= _MAX_I32:
        raise BERDecodeError(f"{what}: {_num(v)} out of range")
    return v, e


_INT_OCTETS: Final = 8  # net-snmp (LP64) reads an INTEGER of at most sizeof(long) octets
_UNSIGNED_OCTETS: Final = 9  # ... and an unsigned one of at most sizeof(long) + 1


def _wide_integer(data: bytes, s: int, e: int) -> int:
    """An INTEGER value of 0 or more than 4 content octets: padded, or out of range."""
    if s == e:
        raise BERDecodeError("empty INTEGER value")
    v = int.from_bytes(data[s:e], "big", signed=True)
    if not _MIN_I32 <= v <= _MAX_I32:
        raise BERDecodeError(f"INTEGER value {_num(v)} out of range {_MIN_I32}..{_MAX_I32}")
    if e - s > _INT_OCTETS:
        raise BERDecodeError(f"INTEGER value of {e - s} octets (at most {_INT_OCTETS})")
    return v


def _unsigned(data: bytes, s: int, e: int, tag: int, top: int) -> int:
    """An unsigned value (Counter32, Gauge32, TimeTicks, UInteger32, Counter64) <= *top*."""
    if s == e:
        raise BERDecodeError(f"empty {TAG_NAMES[tag]} value")
    v = int.from_bytes(data[s:e], "big")
    if v > top:
        bits = "32" if top == _MAX32 else "64"
        raise BERDecodeError(f"{TAG_NAMES[tag]} value {_num(v)} exceeds 2**{bits}-1")
    if e - s > _UNSIGNED_OCTETS:
        raise BERDecodeError(
            f"{TAG_NAMES[tag]} value of {e - s} octets (at most {_UNSIGNED_OCTETS})"
        )
    return v


def _other_value(data: bytes, s: int, e: int, tag: int) -> Value:
    """A value of a tag off the hot path: Opaque, UInteger32, NsapAddress, BIT STRING, or
    a primitive tag without a type here (kept as its content octets)."""
    if tag == OPAQUE:
        raw = data[s:e]
        decode_opaque(raw)  # checks the structure of the Opaque-wrapped types
        return raw
    if tag == UINTEGER32:
        return _unsigned(data, s, e, tag, _MAX32)
    if tag == BIT_STRING and s == e:
        raise BERDecodeError("empty BIT STRING value (no unused-bits octet)")
    if tag & 0x20 or tag & 0x1F == 0x1F or tag == 0:
        # constructed (RFC 3417 section 8), a multi-octet tag, or end-of-contents
        raise BERDecodeError(f"unknown value tag 0x{tag:02x}")
    return data[s:e]  # NSAP_ADDRESS, BIT_STRING, or unknown: the raw content


_OPAQUE_SPECIAL: Final = frozenset(
    (OPAQUE_COUNTER64, OPAQUE_FLOAT, OPAQUE_DOUBLE, OPAQUE_I64, OPAQUE_U64)
)


def decode_opaque(raw: bytes) -> tuple[int, int | float] | None:
    """The Opaque-wrapped special value in an Opaque's content *raw*, as net-snmp reads it.

    Returns ``(kind, value)`` with *kind* one of :data:`OPAQUE_FLOAT` /
    :data:`OPAQUE_DOUBLE` (a float) or :data:`OPAQUE_I64` / :data:`OPAQUE_U64` /
    :data:`OPAQUE_COUNTER64` (an int, -2**63..2**63-1 or 0..2**64-1), or None for a plain
    Opaque (content not starting ``9f 76``/``9f 78``...``9f 7b`` followed by a length).
    Raises :class:`BERDecodeError` for a special form net-snmp would reject: a Float that
    is not 4 octets, a Double not 8, an integer of more than 9 octets or out of range, an
    inner length not filling the Opaque exactly.
    """
    if len(raw) < 3 or raw[0] != 0x9F or raw[1] not in _OPAQUE_SPECIAL:
        return None
    kind = raw[1]
    try:
        s, e = _tlv(raw, 1, len(raw), kind, "Opaque-wrapped value")
    except IndexError:
        raise BERDecodeError("truncated Opaque-wrapped value") from None
    name = _OPAQUE_NAMES[kind]
    if e != len(raw):
        raise BERDecodeError(f"Opaque {name}: {len(raw) - e} trailing octets")
    n = e - s
    if kind == OPAQUE_FLOAT or kind == OPAQUE_DOUBLE:
        size = 4 if kind == OPAQUE_FLOAT else 8
        if n != size:
            raise BERDecodeError(f"Opaque {name} of {n} octets (expected {size})")
        return kind, struct.unpack(">f" if size == 4 else ">d", raw[s:e])[0]
    if n > _UNSIGNED_OCTETS:
        raise BERDecodeError(f"Opaque {name} of {n} octets (at most {_UNSIGNED_OCTETS})")
    if kind == OPAQUE_I64:
        v = int.from_bytes(raw[s:e], "big", signed=True)
        if not -(2**63) <= v < 2**63:
            raise BERDecodeError(f"Opaque {name} value {v} out of range")
    else:
        v = int.from_bytes(raw[s:e], "big")
        if v > _MAX64:
            raise BERDecodeError(f"Opaque {name} value {v} exceeds 2**64-1")
    return kind, v


_OPAQUE_NAMES: Final = {
    OPAQUE_COUNTER64: "Counter64",
    OPAQUE_FLOAT: "Float",
    OPAQUE_DOUBLE: "Double",
    OPAQUE_I64: "Int64",
    OPAQUE_U64: "UInt64",
}


def _decode_varbinds(data: bytes, i: int, end: int) -> list[VarBind]:
    """Decode the varbinds in ``data[i:end]`` (the content of the varbind list)."""
    from_bytes = int.from_bytes
    decode_oid = _decode_oid
    long_len = _long_len
    vbs: list[VarBind] = []
    append = vbs.append
    while i < end:
        # --- varbind SEQUENCE
        if data[i] != 0x30:
            raise BERDecodeError(f"varbind: expected SEQUENCE, got tag 0x{data[i]:02x} at {i}")
        n = data[i + 1]
        if n < 0x80:
            s = i + 2
            vb_end = s + n
            if vb_end > end:
                raise BERDecodeError("varbind length exceeds the varbind list")
        else:
            s, vb_end = long_len(data, i + 1, end)
        # --- name
        if s >= vb_end or data[s] != 0x06:
            raise BERDecodeError(f"varbind name: expected OBJECT IDENTIFIER at offset {s}")
        n = data[s + 1]
        if n < 0x80:
            s += 2
            e = s + n
            if e > vb_end:
                raise BERDecodeError("varbind name length exceeds the varbind")
        else:
            s, e = long_len(data, s + 1, vb_end)
        oid = decode_oid(data[s:e])
        # --- value
        if e >= vb_end:
            raise BERDecodeError(f"varbind value missing at offset {e}")
        tag = data[e]
        n = data[e + 1]
        if n < 0x80:
            s = e + 2
            e = s + n
            if e > vb_end:
                raise BERDecodeError("varbind value length exceeds the varbind")
        else:
            s, e = long_len(data, e + 1, vb_end)
        if e != vb_end:
            raise BERDecodeError(f"trailing bytes inside varbind at offset {e}")
        i = vb_end
        val: Value
        if tag == 0x04:  # OCTET STRING
            val = data[s:e]
        elif tag == 0x02:
            if 0 < e - s <= 4:  # always within Integer32
                val = from_bytes(data[s:e], "big", signed=True)
            else:
                val = _wide_integer(data, s, e)
        elif 0x41 <= tag <= 0x43:  # Counter32, Gauge32/Unsigned32, TimeTicks
            if 0 < e - s <= 4:  # always within 2**32-1 (as _unsigned reads it)
                val = from_bytes(data[s:e], "big")
            else:
                val = _unsigned(data, s, e, tag, _MAX32)
        elif tag == 0x06:
            val = decode_oid(data[s:e])
        elif tag == 0x05 or 0x80 <= tag <= 0x82:
            if s != e:
                raise BERDecodeError(f"{TAG_NAMES.get(tag)} value with non-empty content")
            val = None
        elif tag == 0x46:
            val = _unsigned(data, s, e, tag, _MAX64)
        elif tag == 0x40:
            if e - s != 4:
                raise BERDecodeError(f"IpAddress value of {e - s} octets (expected 4)")
            val = data[s:e]
        else:
            val = _other_value(data, s, e, tag)
        append((oid, tag, val))
    return vbs


def _hdr_int(data: bytes, i: int, limit: int, what: str) -> tuple[int, int]:
    """Header INTEGER at ``data[i]``: inline fast path for 1..4 content octets."""
    if data[i] == 0x02:
        n = data[i + 1]
        if 0 < n <= 4:
            e = i + 2 + n
            if e <= limit:
                return int.from_bytes(data[i + 2 : e], "big", signed=True), e
    return _header_int(data, i, limit, what)


def _decode(data: bytes, expect: tuple[int, bytes, int] | None = None) -> Message | None:
    """The message in *data*; with *expect* = (version, community, request-id): None as soon
    as the header shows that it is not the Response with those, before any varbind."""
    # The message must fill *data* exactly and the PDU must fill the message, so
    # inside the header "past the enclosing structure" means "past the end of
    # data": short-form fast paths may rely on IndexError (converted by
    # decode_message) and only need explicit checks where a slice is taken.
    total = len(data)
    if total < 2 or data[0] != 0x30:
        raise BERDecodeError("not an SNMP message (expected a SEQUENCE)")
    n = data[1]
    if n < 0x80:
        i = 2
        msg_end = 2 + n
    else:
        i, msg_end = _long_len(data, 1, total)
    if msg_end != total:
        if msg_end > total:
            raise BERDecodeError(f"truncated message ({total} of {msg_end} bytes)")
        raise BERDecodeError(f"{total - msg_end} trailing bytes after the message")
    # version
    if data[i] == 0x02 and data[i + 1] == 0x01:
        version = data[i + 2]
        if version > 0x7F:
            version -= 0x100
        i += 3
    else:
        version, i = _header_int(data, i, total, "version")
    if version != VERSION_1 and version != VERSION_2C:
        if version == 3:
            raise BERDecodeError("unsupported version 3 (SNMPv3 is handled elsewhere)")
        raise BERDecodeError(f"unsupported version {version}")
    # community
    if data[i] != 0x04:
        raise BERDecodeError(f"community: expected OCTET STRING, got tag 0x{data[i]:02x}")
    n = data[i + 1]
    if n < 0x80:
        i += 2
        e = i + n
        if e > total:
            raise BERDecodeError("community length exceeds the message")
    else:
        i, e = _long_len(data, i + 1, total)
    community = data[i:e]
    # PDU
    pdu_tag = data[e]
    if pdu_tag not in (_V2C_PDUS if version else _V1_PDUS):
        if pdu_tag in PDU_NAMES:
            raise BERDecodeError(f"{PDU_NAMES[pdu_tag]} PDU in a {_version_name(version)} message")
        raise BERDecodeError(f"unknown PDU tag 0x{pdu_tag:02x}")
    n = data[e + 1]
    if n < 0x80:
        i = e + 2
        pdu_end = i + n
    else:
        i, pdu_end = _long_len(data, e + 1, total)
    if pdu_end != total:
        if pdu_end > total:
            raise BERDecodeError("PDU length exceeds the message")
        raise BERDecodeError("trailing bytes after the PDU")
    if expect is not None and (
        pdu_tag != RESPONSE or version != expect[0] or community != expect[1]
    ):
        return None
    if pdu_tag == TRAP_V1:
        return _decode_trap_v1(data, community, i, total)
    if data[i] == 0x02 and data[i + 1] == 0x04 and i + 6 <= total:  # the usual request-id
        request_id = int.from_bytes(data[i + 2 : i + 6], "big", signed=True)
        i += 6
    else:
        request_id, i = _hdr_int(data, i, total, "request-id")
    if expect is not None and request_id != expect[2]:
        return None
    # error-status and error-index: almost always one octet each (02 01 xx); inline
    if data[i] == 0x02 and data[i + 1] == 0x01:
        error_status = data[i + 2]
        if error_status > 0x7F:
            error_status -= 0x100
        i += 3
    else:
        error_status, i = _hdr_int(data, i, total, "error-status")
    if data[i] == 0x02 and data[i + 1] == 0x01:
        error_index = data[i + 2]
        if error_index > 0x7F:
            error_index -= 0x100
        i += 3
    else:
        error_index, i = _hdr_int(data, i, total, "error-index")
    # varbind list: must end exactly at the end of the PDU (= of the data)
    if data[i] != 0x30:
        raise BERDecodeError(f"varbind list: expected SEQUENCE, got tag 0x{data[i]:02x}")
    n = data[i + 1]
    if n < 0x80:
        i += 2
        e = i + n
    else:
        i, e = _long_len(data, i + 1, total)
    if e != total:
        if e > total:
            raise BERDecodeError("varbind list length exceeds the PDU")
        raise BERDecodeError("trailing bytes after the varbind list")
    varbinds = _decode_varbinds(data, i, e)
    if not version:
        _check_v1_decoded(varbinds)
    return Message(version, community, pdu_tag, request_id, error_status, error_index, varbinds)


def _check_v1_decoded(varbinds: list[VarBind]) -> None:
    for vb in varbinds:
        if vb[1] in _V2_ONLY_TAGS:
            raise BERDecodeError(f"{TAG_NAMES[vb[1]]} value in an SNMPv1 message")


def _decode_trap_v1(data: bytes, community: bytes, i: int, pdu_end: int) -> TrapV1:
    s, e = _tlv(data, i, pdu_end, OBJECT_IDENTIFIER, "enterprise")
    enterprise = _decode_oid(data[s:e])
    s, e = _tlv(data, e, pdu_end, IPADDRESS, "agent-addr")
    if e - s != 4:
        raise BERDecodeError(f"agent-addr of {e - s} octets (expected 4)")
    agent_addr = data[s:e]
    generic_trap, i = _header_int(data, e, pdu_end, "generic-trap")
    specific_trap, i = _header_int(data, i, pdu_end, "specific-trap")
    s, e = _tlv(data, i, pdu_end, TIMETICKS, "time-stamp")
    if s == e:
        raise BERDecodeError("time-stamp: empty TimeTicks")
    timestamp = int.from_bytes(data[s:e], "big")
    if timestamp > _MAX32:
        raise BERDecodeError(f"time-stamp {_num(timestamp)} exceeds 2**32-1")
    s, e = _tlv(data, e, pdu_end, 0x30, "varbind list")
    if e != pdu_end:
        raise BERDecodeError("trailing bytes after the varbind list")
    varbinds = _decode_varbinds(data, s, e)
    _check_v1_decoded(varbinds)
    return TrapV1(
        VERSION_1,
        community,
        TRAP_V1,
        0,
        0,
        0,
        varbinds,
        enterprise,
        agent_addr,
        generic_trap,
        specific_trap,
        timestamp,
    )


def decode_message(data: bytes) -> Message:
    """Decode a complete SNMPv1/v2c message (one datagram).

    Returns a :class:`Message`, or a :class:`TrapV1` (a Message subclass) for
    SNMPv1 Trap-PDUs.  Any malformed input, an SNMPv3 message, or a PDU/value
    type the message's version does not have raises :class:`BERDecodeError`.
    Accepts bytes, bytearray or memoryview.
    """
    msg = _guarded_decode(data, None)
    assert msg is not None  # only an expectation makes _decode return None
    return msg


def decode_response(data: bytes, version: int, community: bytes, request_id: int) -> Message | None:
    """The Response to a request sent with *version*, *community* and *request_id*.

    Returns None when the header shows that *data* is not that Response (another
    version, community, PDU type or request-id), decided before any varbind is decoded:
    a datagram that will be dropped costs O(header) however many varbinds it carries.
    Raises :class:`BERDecodeError` for a malformed message, as :func:`decode_message`
    (which it equals for a matching one).
    """
    expect = (version, community, request_id)
    if type(data) is bytes:  # what sockets give: _guarded_decode without one call
        try:
            return _decode(data, expect)
        except BERDecodeError:
            raise
        except (IndexError, ValueError, TypeError, OverflowError):
            return _guarded_decode(data, expect)  # raises the same error, worded in one place
    return _guarded_decode(data, expect)


def _guarded_decode(data: bytes, expect: tuple[int, bytes, int] | None) -> Message | None:
    if type(data) is not bytes:
        try:
            data = bytes(data)
        except TypeError:
            raise BERDecodeError(f"cannot decode {type(data).__name__}") from None
    try:
        return _decode(data, expect)
    except BERDecodeError:
        raise
    except (IndexError, ValueError, TypeError, OverflowError) as exc:  # defensive net
        detail = f"{type(exc).__name__}: {exc}"
        raise BERDecodeError(f"truncated or malformed message ({detail})") from None


_RID_PDUS: Final = frozenset(_V2C_PDUS)  # every PDU tag except TRAP_V1 has a request-id


def peek_request_id(data: bytes) -> int | None:
    """Request-id of a v1/v2c message, reading only the header; None if not readable.

    Never raises.  Returns None for SNMPv3 and other versions, TRAP_V1 (which
    has no request-id) and anything whose header is malformed.  The rest of
    the message is not checked: :func:`decode_message` does that.
    """
    try:
        if data[0] != 0x30:
            return None
        n = data[1]
        i = 2 if n < 0x80 else 2 + (n & 0x7F)
        # version: the usual 02 01 0x; anything else goes through the careful path
        if data[i] != 0x02 or data[i + 1] != 0x01 or data[i + 2] > 1:
            if data[i] == 0x02 and data[i + 1] == 0x01 and data[i + 2] == 3:
                return None  # SNMPv3: no request-id in its header (routed by msgID)
            return _peek_slow(data)
        if data[i + 3] != 0x04:
            return None
        n = data[i + 4]
        if n >= 0x80:
            return _peek_slow(data)
        i += 5 + n
        if data[i] not in _RID_PDUS:
            return None
        n = data[i + 1]
        i += 2 if n < 0x80 else 2 + (n & 0x7F)
        if data[i] != 0x02:
            return None
        n = data[i + 1]
        if not 0 < n <= 4:
            return _peek_slow(data)
        i += 2
        if i + n > len(data):
            return None
        return int.from_bytes(data[i : i + n], "big", signed=True)
    except (IndexError, TypeError):
        return None


def _peek_slow(data: bytes) -> int | None:
    """Fully bounds-checked header walk for unusual (long-form/non-minimal) encodings."""
    try:
        total = len(data)
        s, msg_end = _tlv(data, 0, total, 0x30, "message")
        version, i = _header_int(data, s, msg_end, "version")
        if version != VERSION_1 and version != VERSION_2C:
            return None
        s, e = _tlv(data, i, msg_end, OCTET_STRING, "community")
        if e >= msg_end:
            return None
        pdu_tag = data[e]
        if pdu_tag not in _RID_PDUS:
            return None
        s, pdu_end = _tlv(data, e, msg_end, pdu_tag, "PDU")
        request_id, _ = _header_int(data, s, pdu_end, "request-id")
        return request_id
    except (BERDecodeError, IndexError, TypeError, ValueError):
        return None


# ============================================== building blocks for SNMPv3 (v3msg.py)
# SNMPv3 wraps the same PDU in a different envelope (RFC 3412 section 6).  These
# public helpers expose the PDU layer and the TLV primitives without the v1/v2c
# message wrapper; they do not change anything above.


def encode_length(n: int) -> bytes:
    """Minimal definite-length octets for a content of *n* (>= 0) bytes."""
    return _enc_len(n)


def encode_integer(value: int) -> bytes:
    """Complete INTEGER TLV for an Integer32 *value* (ValueError outside -2**31..2**31-1)."""
    if 0 <= value < 0x80:
        return _SMALL_INT[value]
    return _int_tlv(_check_int("INTEGER", value, _MIN_I32, _MAX_I32))


def encode_octets(value: bytes) -> bytes:
    """Complete OCTET STRING TLV for *value* (no size limit: used for v3 envelopes)."""
    return b"\x04" + _enc_len(len(value)) + value


_PDU_TAG_BYTES: Final = {t: bytes((t,)) for t in _V2C_PDUS}


def encode_pdu(
    pdu_tag: int,
    request_id: int,
    error_status: int,
    error_index: int,
    varbind_list: bytes,
) -> bytes:
    """The PDU TLV alone (no version/community wrapper), e.g. for an SNMPv3 ScopedPDU.

    Same contract as :func:`encode_request_raw`: *varbind_list* is a complete,
    trusted varbind-list TLV; every PDU tag except TRAP_V1 is allowed (the
    SNMPv2 PDU set, which SNMPv3 uses); *request_id* must be an Integer32 and
    *error_status* / *error_index* (non-repeaters / max-repetitions for
    GETBULK) 0..2**31-1.  Raises :class:`ValueError` otherwise.
    """
    tag = _PDU_TAG_BYTES.get(pdu_tag)
    if tag is None:
        raise _bad_pdu(VERSION_2C, pdu_tag)
    pdu = _pdu_fields(request_id, error_status, error_index, varbind_list)
    return tag + _enc_len(len(pdu)) + pdu


class Pdu(NamedTuple):
    """A decoded PDU without its message envelope (see :func:`decode_pdu`)."""

    pdu_tag: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[VarBind]


def decode_tlv(data: bytes, i: int, limit: int, tag: int, what: str) -> tuple[int, int]:
    """Expect a TLV with *tag* at ``data[i]`` inside ``data[:limit]``; return (start, end).

    *start*/*end* delimit the content octets.  *limit* must not exceed
    ``len(data)``.  Raises :class:`BERDecodeError` (naming *what*) for a wrong
    tag, a truncated header, an indefinite or over-long length.
    """
    if limit > len(data):
        raise BERDecodeError(f"{what}: limit {limit} beyond the data")
    return _tlv(data, i, limit, tag, what)


def decode_integer(data: bytes, i: int, limit: int, what: str) -> tuple[int, int]:
    """INTEGER (Integer32 range) at ``data[i]`` inside ``data[:limit]``: (value, next index).

    Raises :class:`BERDecodeError` for anything else.
    """
    if limit > len(data):
        raise BERDecodeError(f"{what}: limit {limit} beyond the data")
    return _header_int(data, i, limit, what)


class PduHeader(NamedTuple):
    """The PDU fields before the varbinds (see :func:`decode_pdu_header`)."""

    pdu_tag: int
    request_id: int
    error_status: int
    error_index: int
    varbinds_start: int
    varbinds_end: int


def decode_pdu_header(data: bytes, start: int, end: int) -> PduHeader:
    """The header of the PDU TLV at ``data[start:end]`` (it must end exactly at *end*):
    its tag, request-id, error-status, error-index (Integer32 each) and where its
    varbind list's content lies.  O(header): the varbinds are not looked at.

    Any PDU tag of the SNMPv2 set is accepted (not TRAP_V1).  Raises
    :class:`BERDecodeError` and nothing else.
    """
    try:
        if not 0 <= start < end <= len(data):
            raise BERDecodeError("PDU missing or beyond the data")
        pdu_tag = data[start]
        if pdu_tag not in _V2C_PDUS:
            if pdu_tag in PDU_NAMES:
                raise BERDecodeError(f"{PDU_NAMES[pdu_tag]} PDU in an SNMPv3 message")
            raise BERDecodeError(f"unknown PDU tag 0x{pdu_tag:02x}")
        i, pdu_end = _tlv(data, start, end, pdu_tag, "PDU")
        if pdu_end != end:
            raise BERDecodeError("trailing bytes after the PDU")
        request_id, i = _hdr_int(data, i, end, "request-id")
        error_status, i = _hdr_int(data, i, end, "error-status")
        error_index, i = _hdr_int(data, i, end, "error-index")
        i, e = _tlv(data, i, end, 0x30, "varbind list")
        if e != end:
            raise BERDecodeError("trailing bytes after the varbind list")
        return PduHeader(pdu_tag, request_id, error_status, error_index, i, e)
    except BERDecodeError:
        raise
    except (IndexError, ValueError, TypeError, OverflowError) as exc:  # defensive net
        detail = f"{type(exc).__name__}: {exc}"
        raise BERDecodeError(f"truncated or malformed PDU ({detail})") from None


def decode_varbind_list(
    data: bytes, start: int, end: int, *, first_only: bool = False
) -> list[VarBind]:
    """The varbinds in ``data[start:end]``, the content of a varbind list (as
    :func:`decode_pdu_header` gives it); with *first_only*, just the first one (what a
    Report is about: the rest is not looked at).  Raises :class:`BERDecodeError` and
    nothing else."""
    try:
        if not 0 <= start <= end <= len(data):
            raise BERDecodeError("varbind list beyond the data")
        if first_only and start < end:
            end = _tlv(data, start, end, 0x30, "varbind")[1]
        return _decode_varbinds(data, start, end)
    except BERDecodeError:
        raise
    except (IndexError, ValueError, TypeError, OverflowError) as exc:  # defensive net
        detail = f"{type(exc).__name__}: {exc}"
        raise BERDecodeError(f"truncated or malformed varbind list ({detail})") from None


def decode_pdu(data: bytes, start: int, end: int) -> Pdu:
    """Decode the PDU TLV that starts at ``data[start]`` and must end exactly at *end*.

    Any PDU tag of the SNMPv2 set is accepted (not TRAP_V1); the checks on the
    header integers and the varbinds are those of :func:`decode_message`.
    Raises :class:`BERDecodeError` and nothing else.
    """
    head = decode_pdu_header(data, start, end)
    varbinds = decode_varbind_list(data, head.varbinds_start, head.varbinds_end)
    return Pdu(head.pdu_tag, head.request_id, head.error_status, head.error_index, varbinds)
