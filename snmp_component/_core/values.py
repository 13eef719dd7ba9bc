"""Values between the wire (BER tag + raw value) and net-snmp's Varbind conventions.

Decoding: :func:`to_netsnmp` turns ``(tag, raw)`` into ``(val, type)`` as SNMP.pm shows
them: ints for numbers, ``str`` for printable octets (else ``bytes``), dotted quads for
IpAddress, ``".1.3..."`` for OIDs, and the type name itself for the three exceptions.
Every tag net-snmp decodes has its SNMP.pm type name (UInteger32 is ``UINTEGER``, an
ASN.1 BIT STRING ``BITS``, NsapAddress ``NSAPADDRESS``); an Opaque-wrapped Float or Double
(net-snmp's ``ASN_OPAQUE_FLOAT``/``DOUBLE``) is a float and an Opaque-wrapped
Int64/UInt64/Counter64 an int, type ``OPAQUE`` (a plain Opaque stays bytes); a tag
without a type is ``UNKNOWN-0x..`` (its number) with the raw content octets as bytes.

Encoding (``set``): :func:`from_netsnmp` turns ``(val, type)`` into ``(tag, raw)``,
accepting net-snmp type names, snmpset's one-letter types and SMI names, and checking
ranges, so that nothing invalid ever reaches the wire or pysnmp. With what the MIB says
about the object it also takes enum labels (``"down"`` or ``"down(2)"`` for INTEGER 2),
BITS given by bit names or numbers, OBJECTID values given by name, and checks the sizes
and ranges of well-known textual conventions (the MIB data carries no SIZE/range
clauses, so other objects get their base type's range).

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence

from . import ber
from .oid import format_oid, parse_oid
from .pdu import Oid, RawValue

# net-snmp type name of each tag, without MIB knowledge (SNMP.xs __get_type_str).
TYPE_OF_TAG: dict[int, str] = {
    ber.INTEGER: "INTEGER",
    ber.OCTET_STRING: "OCTETSTR",
    ber.NULL: "NULL",
    ber.OBJECT_IDENTIFIER: "OBJECTID",
    ber.IPADDRESS: "IPADDR",
    ber.COUNTER32: "COUNTER",
    ber.GAUGE32: "GAUGE",
    ber.TIMETICKS: "TICKS",
    ber.OPAQUE: "OPAQUE",
    ber.COUNTER64: "COUNTER64",
    ber.NO_SUCH_OBJECT: "NOSUCHOBJECT",
    ber.NO_SUCH_INSTANCE: "NOSUCHINSTANCE",
    ber.END_OF_MIB_VIEW: "ENDOFMIBVIEW",
    ber.UINTEGER32: "UINTEGER",  # SNMP.xs: TYPE_UINTEGER
    ber.BIT_STRING: "BITS",  # SNMP.xs: TYPE_BITSTRING
    ber.NSAP_ADDRESS: "NSAPADDRESS",  # parse.h's TYPE_NSAPADDRESS
}

# Tags whose raw octets are handed over as they are (never turned into text).
_RAW_OCTETS = frozenset({ber.OPAQUE, ber.NSAP_ADDRESS, ber.BIT_STRING})

EXCEPTION_TAGS = frozenset({ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW})

# MIB types that refine what the tag alone says (same tag on the wire).
_REFINES = {
    ber.INTEGER: frozenset({"INTEGER32"}),
    ber.GAUGE32: frozenset({"UNSIGNED32"}),
    ber.OCTET_STRING: frozenset({"BITS"}),
}

# Every spelling accepted for a set type -> (net-snmp name, tag).
_SET_TYPES: dict[str, tuple[str, int]] = {}
for _names, _canonical, _tag in (
    (("INTEGER", "INT", "I", "ENUM"), "INTEGER", ber.INTEGER),
    (("INTEGER32",), "INTEGER32", ber.INTEGER),
    (("UNSIGNED32", "UINTEGER", "U"), "UNSIGNED32", ber.GAUGE32),
    (
        ("OCTETSTR", "OCTETSTRING", "OCTET_STRING", "STRING", "S", "X", "D"),
        "OCTETSTR",
        ber.OCTET_STRING,
    ),
    (("BITS", "B"), "BITS", ber.OCTET_STRING),
    (
        ("OBJECTID", "OBJECTIDENTIFIER", "OBJECT_IDENTIFIER", "OID", "O"),
        "OBJECTID",
        ber.OBJECT_IDENTIFIER,
    ),
    (("IPADDR", "IPADDRESS", "NETADDR", "A"), "IPADDR", ber.IPADDRESS),
    (("COUNTER", "COUNTER32", "C"), "COUNTER", ber.COUNTER32),
    (("GAUGE", "GAUGE32"), "GAUGE", ber.GAUGE32),
    (("TICKS", "TIMETICKS", "T"), "TICKS", ber.TIMETICKS),
    (("OPAQUE",), "OPAQUE", ber.OPAQUE),
    (("COUNTER64",), "COUNTER64", ber.COUNTER64),
    (("NULL", "N"), "NULL", ber.NULL),
):
    for _name in _names:
        _SET_TYPES[_name] = (_canonical, _tag)

_RANGES = {
    ber.INTEGER: (-(2**31), 2**31 - 1),
    ber.GAUGE32: (0, 2**32 - 1),
    ber.COUNTER32: (0, 2**32 - 1),
    ber.TIMETICKS: (0, 2**32 - 1),
    ber.COUNTER64: (0, 2**64 - 1),
}


def type_name(tag: int, mib_type: str | None = None) -> str:
    """The net-snmp type name for a received ``tag`` (refined by the MIB's type if known);
    ``UNKNOWN-0x48`` (the tag's number) for a tag without one."""
    if mib_type is not None and mib_type in _REFINES.get(tag, ()):
        return mib_type
    name = TYPE_OF_TAG.get(tag)
    return f"UNKNOWN-0x{tag:02X}" if name is None else name  # (formatted only when needed)


def octets_to_val(raw: bytes) -> str | bytes:
    """``str`` when the octets are printable UTF-8 text (tabs/newlines allowed), else bytes."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return raw
    if (
        text.isprintable()
        or text.replace("\n", "").replace("\r", "").replace("\t", "").isprintable()
    ):
        return text
    return raw


def to_netsnmp(tag: int, raw: RawValue, mib_type: str | None = None) -> tuple[object, str]:
    """``(val, type)`` of a received value, SNMP.pm style (see the module doc)."""
    kind = type_name(tag, mib_type)
    if isinstance(raw, int):
        return raw, kind
    if isinstance(raw, bytes):
        if tag == ber.IPADDRESS and len(raw) == 4:
            return ".".join(map(str, raw)), kind
        if tag == ber.OPAQUE:
            special = opaque_value(raw)
            return (raw if special is None else special), kind
        if tag in _RAW_OCTETS or tag not in TYPE_OF_TAG:
            return raw, kind
        return octets_to_val(raw), kind
    if isinstance(raw, tuple):
        return format_oid(raw), kind
    if tag in EXCEPTION_TAGS:
        return kind, kind
    return "", kind  # NULL


def opaque_value(raw: bytes) -> int | float | None:
    """The number in an Opaque-wrapped Float/Double/Int64/UInt64/Counter64 (net-snmp's
    ``ASN_OPAQUE_*`` types), or None for a plain (or malformed) Opaque."""
    try:
        special = ber.decode_opaque(raw)
    except ber.BERDecodeError:  # not from the decoder, which rejects these
        return None
    return None if special is None else special[1]


class SetValueError(ValueError):
    """A set value or type is not usable; the message says why."""


# Sizes (octet strings) and ranges (integers) of well-known textual conventions, which the
# MIB data does not carry: (low, high) inclusive, or a set of the allowed sizes.
TC_SIZES: Mapping[str, tuple[int, int] | frozenset[int]] = {
    "DisplayString": (0, 255),
    "SnmpAdminString": (0, 255),
    "SnmpTagValue": (0, 255),
    "SnmpTagList": (0, 255),
    "SnmpEngineID": (5, 32),
    "MacAddress": frozenset({6}),
    "DateAndTime": frozenset({8, 11}),
    "TAddress": (1, 255),
    "InetAddressIPv4": frozenset({4}),
    "InetAddressIPv6": frozenset({16}),
    "InetAddressIPv4z": frozenset({8}),
    "InetAddressIPv6z": frozenset({20}),
    "InetAddressDNS": (1, 255),
    "InetAddress": (0, 255),
}
TC_RANGES: Mapping[str, tuple[int, int]] = {
    "TestAndIncr": (0, 2147483647),
    "TimeInterval": (0, 2147483647),
    "InterfaceIndex": (1, 2147483647),
    "InterfaceIndexOrZero": (0, 2147483647),
    "InetPortNumber": (0, 65535),
    "InetAddressPrefixLength": (0, 2040),
    "InetZoneIndex": (0, 4294967295),
    "InetScopeType": (1, 15),
}

_ENUM_FORM = re.compile(r"([A-Za-z][A-Za-z0-9-]*)\((-?\d+)\)")
_INT_TEXT = re.compile(r"\s*[-+]?(0[xX][0-9a-fA-F]+|\d+)\s*")


def from_netsnmp(
    val: object,
    type_: str,
    *,
    enums: Mapping[str, int] | None = None,
    tc: str | None = None,
    sizes: Sequence[tuple[int, int]] | None = None,
    ranges: Sequence[tuple[int, int]] | None = None,
    resolve: Callable[[str], Oid] | None = None,
) -> tuple[int, RawValue]:
    """``(tag, raw)`` for a set value ``val`` of net-snmp type ``type_``.

    The keywords come from the MIB object being set: ``enums`` (labels accepted for an
    INTEGER, bit names for BITS), ``tc`` (its textual convention, for known sizes and
    ranges), ``sizes`` / ``ranges`` (its SYNTAX's SIZE or range, as net-snmp checks them)
    and ``resolve`` (names an OBJECTID value may use, e.g. ``"hrStorageRam"``).

    Raises:
        SetValueError: unknown type name, or a value that does not fit the type.
    """
    key = type_.upper().replace("-", "").replace(" ", "") if isinstance(type_, str) else ""
    found = _SET_TYPES.get(key)
    if found is None:
        raise SetValueError(f"unknown type {type_!r} (use a net-snmp type such as OCTETSTR)")
    canonical, tag = found
    if tag == ber.INTEGER and enums and isinstance(val, str):
        val = _enum_value(val, enums)
    if canonical == "BITS" and enums and not isinstance(val, bytes | bytearray | memoryview):
        val = _bits(val, enums)
    if tag in _RANGES:
        low, high = TC_RANGES.get(tc or "", _RANGES[tag])
        number = _to_int(val, canonical, max(low, _RANGES[tag][0]), min(high, _RANGES[tag][1]))
        if ranges and not _within(number, ranges):
            raise SetValueError(f"{canonical} value {number} out of range {_spans(ranges)}")
        return tag, number
    if tag == ber.OCTET_STRING or tag == ber.OPAQUE:
        if isinstance(val, str):
            raw = val.encode()
        elif isinstance(val, bytes | bytearray | memoryview):
            raw = bytes(val)
        else:
            raise SetValueError(f"{canonical} value must be str or bytes, not {val!r}")
        _check_size(raw, tc)
        if sizes and not _within(len(raw), sizes):
            raise SetValueError(
                f"{canonical} value is {len(raw)} octets, the size must be {_spans(sizes)}"
            )
        return tag, raw
    if tag == ber.OBJECT_IDENTIFIER:
        if isinstance(val, tuple) and all(isinstance(x, int) for x in val):
            return tag, val
        if isinstance(val, str):
            try:
                return tag, parse_oid(val)
            except ValueError as exc:
                if resolve is None or val.strip()[:1].isdigit():
                    raise SetValueError(f"OBJECTID value: {exc}") from None
            try:
                return tag, resolve(val.strip())
            except ValueError as exc:
                raise SetValueError(f"OBJECTID value {val!r}: {exc}") from None
        raise SetValueError(f"OBJECTID value must be a numeric OID or a name, not {val!r}")
    if tag == ber.IPADDRESS:
        return tag, _to_ipaddr(val)
    if val not in (None, "", b""):
        raise SetValueError(f"NULL value must be empty, not {val!r}")
    return tag, None


def _within(number: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(low <= number <= high for low, high in spans)


def _spans(spans: Sequence[tuple[int, int]]) -> str:
    """net-snmp's way of writing a SIZE or range: ``0..255``, ``4 | 16``."""
    return " | ".join(f"{low}..{high}" if low != high else str(low) for low, high in spans)


def _enum_value(val: str, enums: Mapping[str, int]) -> int | str:
    """An enum label (``"down"``, ``"down(2)"``) as its number; numeric text as is."""
    text = val.strip()
    if _INT_TEXT.fullmatch(text):
        return val
    number = enums.get(text)
    if number is not None:
        return number
    form = _ENUM_FORM.fullmatch(text)
    if form is not None and enums.get(form.group(1)) == int(form.group(2)):
        return int(form.group(2))
    choices = ", ".join(f"{label}({number})" for label, number in enums.items())
    raise SetValueError(f"value {val!r} is not one of {choices}")


def _bits(val: object, enums: Mapping[str, int]) -> bytes:
    """BITS from bit names/numbers: ``["up", 3]``, ``"up down"``, ``"up,down"``."""
    items: Iterable[object]
    if isinstance(val, str):
        items = [part for part in re.split(r"[\s,]+", val.strip()) if part]
    elif isinstance(val, list | tuple | set | frozenset):
        items = val
    else:
        raise SetValueError(f"BITS value must be bytes or bit names/numbers, not {val!r}")
    numbers: list[int] = []
    for item in items:
        if isinstance(item, int) and not isinstance(item, bool) and item >= 0:
            numbers.append(item)
        elif isinstance(item, str) and item.isdigit():
            numbers.append(int(item))
        elif isinstance(item, str) and item in enums:
            numbers.append(enums[item])
        else:
            choices = ", ".join(f"{label}({number})" for label, number in enums.items())
            raise SetValueError(f"BITS: {item!r} is not a bit of {choices}")
    octets = bytearray((max(numbers) // 8 + 1) if numbers else 0)
    for number in numbers:
        octets[number // 8] |= 0x80 >> (number % 8)
    return bytes(octets)


def _check_size(raw: bytes, tc: str | None) -> None:
    sizes = TC_SIZES.get(tc or "")
    if sizes is None:
        return
    if isinstance(sizes, tuple):
        if not sizes[0] <= len(raw) <= sizes[1]:
            raise SetValueError(
                f"{tc} value is {len(raw)} octets, the size must be {sizes[0]}..{sizes[1]}"
            )
    elif len(raw) not in sizes:
        allowed = " or ".join(str(n) for n in sorted(sizes))
        raise SetValueError(f"{tc} value is {len(raw)} octets, the size must be {allowed}")


def _to_int(val: object, canonical: str, low: int, high: int) -> int:
    if isinstance(val, bool):
        raise SetValueError(f"{canonical} value must be an integer, not {val!r}")
    if isinstance(val, str):
        try:
            val = int(val.strip(), 0) if val.strip()[:2].lower() == "0x" else int(val)
        except ValueError:
            raise SetValueError(f"{canonical} value must be an integer, not {val!r}") from None
    if not isinstance(val, int):
        raise SetValueError(f"{canonical} value must be an integer, not {val!r}")
    if not low <= val <= high:
        raise SetValueError(f"{canonical} value {val} out of range {low}..{high}")
    return val


def _to_ipaddr(val: object) -> bytes:
    if isinstance(val, bytes) and len(val) == 4:
        return val
    if isinstance(val, str):
        parts = val.split(".")
        if len(parts) == 4 and all(p.isdigit() and int(p) <= 255 for p in parts):
            return bytes(int(p) for p in parts)
    raise SetValueError(f"IPADDR value must be a dotted quad like '192.0.2.1', not {val!r}")
