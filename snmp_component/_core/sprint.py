"""net-snmp's value formatting (``snprint_value``), for ``UseSprintValue``. Pure: no I/O.

:func:`sprint_value` renders a received value as net-snmp's ``mib.c`` does
(``sprint_realloc_value`` and the ``sprint_realloc_*`` printers), driven by the MIB node
of the OID: its SYNTAX type picks the printer, its ``enums`` name integers and bits, its
DISPLAY-HINT (RFC 2579 section 3.1, octet-string and integer hints alike) shapes the
value, and its UNITS are appended. ``quick=True`` is net-snmp's quick-print mode (``-Oq``),
which SNMP.pm switches on for good in ``__libraries_init``: what ``SNMP::Session`` returns
with ``UseSprintValue => 1`` is exactly ``snmpget -Oqv`` (OIDs as its
``UseLongNames``/``UseNumeric`` settings say: ``-Os``/``-Of``/``-On``, with ``-Ob``).
``quick=False`` gives ``snmpget -Ov`` (``STRING: "x"``, ``INTEGER: up(1)``,
``Timeticks: (12345) 0:02:03.45``).

OIDs (as values) are named by a callback, so this module needs no MIB index of its own;
:func:`oid_name` implements net-snmp's three OID output formats over a
:class:`~snmp_component._core.mibindex.MibIndex`.

Where net-snmp's C code reads past the end of a value (a DISPLAY-HINT asking for more
octets than are left) the behaviour is undefined; here only the octets present are used.

Every tag net-snmp decodes is printed as net-snmp 5.9 prints it: UInteger32 as a bare
number (``5``, no type prefix), an ASN.1 BIT STRING as ``BITS: 07 80 5 6 7 8``, the
Opaque-wrapped special types as ``Opaque: Float: 1.500000`` (Double too),
``Opaque: Int64: -5``, ``Opaque: UInt64: 5``, ``Opaque: Counter64: 5``. Two departures,
so that no received value is lost: an NsapAddress is printed by net-snmp's NsapAddress
printer (``NsapAddress: C0 A8 00 01 02``; net-snmp's by-type dispatch has no entry for it
and says ``Variable has bad type``), and a value whose raw form does not suit its tag's
printer is ``Variable has bad type`` instead of a recursion. A tag net-snmp cannot decode
at all (kept as raw octets by the decoder) is ``Variable has bad type``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from . import ber
from .mibindex import MibIndex, MibNode
from .oid import format_oid
from .pdu import Oid, RawValue

__all__ = [
    "DEFAULT_STYLE",
    "EXCEPTION_TEXT",
    "HEX_LINE",
    "NETWORK_ADDRESS_OBJECTS",
    "OidStyle",
    "SprintStyle",
    "StringOutput",
    "float_text",
    "hexstring",
    "hinted_integer",
    "hinted_octets",
    "oid_name",
    "sprint_hinted_index",
    "sprint_value",
    "uptime",
]

OidStyle = Literal["suffix", "full", "numeric"]
OidText = Callable[[Oid], str]

HEX_LINE = 16
"""Octets per line of a hex string (net-snmp's default ``hexOutputLength``)."""

EXCEPTION_TEXT: Mapping[int, str] = {
    ber.NO_SUCH_OBJECT: "No Such Object available on this agent at this OID",
    ber.NO_SUCH_INSTANCE: "No Such Instance currently exists at this OID",
    ber.END_OF_MIB_VIEW: (
        "No more variables left in this MIB View (It is past the end of the MIB tree)"
    ),
}

_SPACE = frozenset(b"\t\n\v\f\r ")


def _printable(byte: int) -> bool:
    """C's ``isprint(c) || isspace(c)`` in the C locale."""
    return 0x20 <= byte <= 0x7E or byte in _SPACE


StringOutput = Literal["guess", "ascii", "hex"]


@dataclass(frozen=True, slots=True)
class SprintStyle:
    """net-snmp's value output switches besides quick-print (``snmpcmd -O``):

    Attributes:
        numeric_enums: enumerated INTEGERs and BITS as numbers (``-Oe``).
        numeric_timeticks: TimeTicks as the bare number of hundredths (``-Ot``).
        strings: octet strings without a DISPLAY-HINT as text when printable
            (``"guess"``, the default), always as text (``"ascii"``, ``-Oa``) or always
            as hex (``"hex"``, ``-Ox``).
        hex_text: hex strings followed by their text, ``  [....]`` (``-OT``).
        units: append the object's UNITS (``-OU`` turns them off).
        quick_equals: ``-OQ``: no "Wrong Type" prefix before a mismatched value.
        two_digit_hex: ``x`` in a DISPLAY-HINT prints every octet with two digits
            (``-O0``: ``00:1a:2b``).
        precision: what ``-Op`` puts into ``%f`` for Opaque floats and doubles
            (``"5.2"``: ``%5.2f``), checked by :func:`float_text`.
    """

    numeric_enums: bool = False
    numeric_timeticks: bool = False
    strings: StringOutput = "guess"
    hex_text: bool = False
    units: bool = True
    quick_equals: bool = False
    two_digit_hex: bool = False
    precision: str = ""


DEFAULT_STYLE = SprintStyle()


@dataclass(frozen=True, slots=True)
class _Opts:
    quick: bool
    oid_text: OidText
    style: SprintStyle = DEFAULT_STYLE


# -- building blocks ------------------------------------------------------------------------------


def hexstring(raw: bytes, line: int = HEX_LINE, text: bool = False) -> str:
    """``"80 00 1F "``: each octet as ``%02X `` and a newline after every *line* octets;
    with ``text`` each line is followed by its octets as text, ``  [...]`` (``-OT``)."""
    if not raw:
        return ""
    chunks = [raw[i : i + line] for i in range(0, len(raw), line)] if line > 0 else [raw]
    if text:
        return "\n".join(
            "".join(f"{b:02X} " for b in chunk)
            + "  ["
            + "".join(chr(b) if _printable(b) else "." for b in chunk)
            + "]"
            for chunk in chunks
        )
    return "\n".join("".join(f"{b:02X} " for b in chunk) for chunk in chunks)


def _ascii(raw: bytes) -> str:
    """net-snmp's ``sprint_realloc_asciistring``: ``\\`` and ``"`` escaped, others as ``.``."""
    out: list[str] = []
    for b in raw:
        if _printable(b):
            out.append("\\" + chr(b) if b in (0x5C, 0x22) else chr(b))
        else:
            out.append(".")
    return "".join(out)


def uptime(ticks: int, quick: bool) -> str:
    """TimeTicks as net-snmp's ``uptimeString``: ``0:0:02:03.45`` (quick) or ``0:02:03.45``,
    ``1 day, 2:03:04.05``, ``3 days, ...``."""
    centi = ticks % 100
    ticks //= 100
    days, ticks = divmod(ticks, 86400)
    hours, ticks = divmod(ticks, 3600)
    minutes, seconds = divmod(ticks, 60)
    if quick:
        return f"{days}:{hours}:{minutes:02d}:{seconds:02d}.{centi:02d}"
    clock = f"{hours}:{minutes:02d}:{seconds:02d}.{centi:02d}"
    if days == 0:
        return clock
    return f"{days} day, {clock}" if days == 1 else f"{days} days, {clock}"


def hinted_octets(
    raw: bytes, hint: str, hex2digit: bool = False, *, verbatim: bool = False
) -> str | None:
    """*raw* rendered by an octet-string DISPLAY-HINT (RFC 2579 3.1), as net-snmp does.

    ``None`` when the hint is malformed (net-snmp then prints ``(Bad hint ignored: ...)``).

    Text (``a``/``t``) octets, with ``verbatim`` (what net-snmp 5.9 prints): copied as
    they are, so a Windows drive prints as ``C:\\ Label`` and UTF-8 text as its characters
    (octets that are no UTF-8 become ``surrogateescape`` characters: written back with that
    error handler they are the same octets); a chunk holding a NUL is printed as
    ``sprint_realloc_asciistring`` does (``\\`` and ``"`` escaped, other unprintable
    octets as ``.``). Without ``verbatim`` every text chunk is printed that way.
    """
    out = bytearray()
    pos, n = 0, len(raw)
    h, hn = 0, len(hint)
    code, width = "d", 1
    separ = term = ""
    while pos < n:
        repeat = 1
        if h < hn:
            if hint[h] == "*":
                repeat = raw[pos]
                pos += 1
                h += 1
            width = 0
            while h < hn and "0" <= hint[h] <= "9":
                width = width * 10 + ord(hint[h]) - 48
                h += 1
            if h >= hn:
                return None  # no format character
            code = hint[h]
            h += 1
            separ = term = ""
            for slot in ("separ", "term"):
                ch = hint[h] if h < hn else ""
                if ch and ch != "*" and not "0" <= ch <= "9" and (width != 0 or ch not in "xdo"):
                    h += 1
                    if slot == "separ":
                        separ = ch
                    else:
                        term = ch
            if width == 0:
                width = 1
        while repeat and pos < n:
            if code in "at":
                chunk = raw[pos : pos + width]
                out += chunk if verbatim and 0 not in chunk else _ascii(chunk).encode()
                pos += len(chunk)
            else:
                value = int.from_bytes(raw[pos : pos + width], "big")
                pos += width
                if code == "x":
                    if value < 16 and width == 1 and (hex2digit or (not separ and h >= hn)):
                        out += f"0{value:x}".encode()
                    else:
                        out += f"{value:x}".encode()
                elif code == "d":
                    out += str(value).encode()
                elif code == "o":
                    out += f"{value:o}".encode()
                else:
                    return None
            if pos < n and separ:
                out += separ.encode()
            repeat -= 1
        if term and pos < n:
            out += term.encode()
    return out.decode("utf-8", "surrogateescape")


def hinted_integer(value: int, hint: str, decimal: str = "d") -> str:
    """An integer rendered by an integer DISPLAY-HINT (``d``, ``d-2``, ``x``, ``o``, ``b``),
    as net-snmp's ``sprint_realloc_hinted_integer`` (including its placing of the point)."""
    shift = _atoi(hint[2:]) if len(hint) > 1 and hint[1] == "-" else 0
    kind = hint[:1]
    if kind == "x":
        text = f"{value & 0xFFFFFFFFFFFFFFFF:x}" if value < 0 else f"{value:x}"
    elif kind == "o":
        text = f"{value & 0xFFFFFFFFFFFFFFFF:o}" if value < 0 else f"{value:o}"
    elif kind == "b":
        text = f"{value & 0xFFFFFFFFFFFFFFFF:b}" if value < 0 else f"{value:b}"
    elif decimal == "u" and value < 0:
        text = str(value & 0xFFFFFFFFFFFFFFFF)
    else:
        text = str(value)
    if shift <= 0:
        return text
    chars = list(text)
    length = len(chars)
    if shift <= length:
        return "".join(chars[: length - shift]) + "." + "".join(chars[length - shift :])
    return "." + "0" * (shift - length) + text


def _atoi(text: str) -> int:
    digits = ""
    for ch in text:
        if not "0" <= ch <= "9":
            break
        digits += ch
    return int(digits) if digits else 0


_PRECISION = re.compile(r"[-+ #0]*\d{0,9}(?:\.\d{0,9})?l?")


def float_text(value: float, precision: str = "") -> str:
    """``value`` as net-snmp prints a float or double: ``%f``, with ``-Op``'s ``precision``
    after the ``%`` (flags, width, precision), cut to its 127-character buffer.

    Raises:
        ValueError: ``precision`` is no printf width and precision (only those are taken).
    """
    if not _PRECISION.fullmatch(precision):
        raise ValueError(f"-Op{precision}: not a printf width and precision (such as 5.2)")
    spec = "%" + precision.removesuffix("l") + "f"
    return (spec % value)[:127]


def _units(units: str | None) -> str:
    return f" {units}" if units else ""


# -- the printers (mib.c's sprint_realloc_*) --------------------------------------------------


Enums = Mapping[str, int] | None
Printer = Callable[[int, RawValue, Enums, "str | None", "str | None", _Opts], str]


def _enum_label(enums: Enums, value: object) -> str | None:
    if enums:
        for label, number in enums.items():
            if number == value:
                return label
    return None


def _wrong(should: str, tag: int, raw: RawValue, o: _Opts) -> str:
    text = _by_type(tag, raw, None, None, None, o)
    return text if o.style.quick_equals else f"Wrong Type (should be {should}): " + text


def _integer(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
             o: _Opts) -> str:  # fmt: skip
    if tag != ber.INTEGER or not isinstance(raw, int):
        return _wrong("INTEGER", tag, raw, o)
    label = None if o.style.numeric_enums else _enum_label(enums, raw)
    text = "" if o.quick else "INTEGER: "
    if label is None:
        text += hinted_integer(raw, hint, "d") if hint else str(raw)
    elif o.quick:
        text += label
    else:
        text += f"{label}({raw})"
    return text + _units(units)


def _gauge(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
           o: _Opts) -> str:  # fmt: skip
    if tag != ber.GAUGE32 or not isinstance(raw, int):
        return _wrong("Gauge32 or Unsigned32", tag, raw, o)
    text = "" if o.quick else "Gauge32: "
    text += hinted_integer(raw, hint, "u") if hint else str(raw & 0xFFFFFFFF)
    return text + _units(units)


def _counter(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
             o: _Opts) -> str:  # fmt: skip
    if tag != ber.COUNTER32 or not isinstance(raw, int):
        return _wrong("Counter32", tag, raw, o)
    return ("" if o.quick else "Counter32: ") + str(raw & 0xFFFFFFFF) + _units(units)


def _counter64(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
               o: _Opts) -> str:  # fmt: skip
    if tag != ber.COUNTER64 or not isinstance(raw, int):
        return _wrong("Counter64", tag, raw, o)
    return ("" if o.quick else "Counter64: ") + str(raw) + _units(units)


def _timeticks(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
               o: _Opts) -> str:  # fmt: skip
    if tag != ber.TIMETICKS or not isinstance(raw, int):
        return _wrong("Timeticks", tag, raw, o)
    if o.style.numeric_timeticks:
        return str(raw)  # (net-snmp prints neither the type nor the units then)
    text = "" if o.quick else f"Timeticks: ({raw}) "
    return text + uptime(raw, o.quick) + _units(units)


def _uinteger(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
              o: _Opts) -> str:  # fmt: skip
    # net-snmp's sprint_realloc_uinteger: no "UInteger32: " prefix, even without -Oq
    if tag != ber.UINTEGER32 or not isinstance(raw, int):
        return _wrong("UInteger32", tag, raw, o)
    label = None if o.style.numeric_enums else _enum_label(enums, raw)
    if label is None:
        text = hinted_integer(raw, hint, "u") if hint else str(raw)
    elif o.quick:
        text = label
    else:
        text = f"{label}({raw})"
    return text + _units(units)


def _nsapaddress(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
                 o: _Opts) -> str:  # fmt: skip
    if tag != ber.NSAP_ADDRESS or not isinstance(raw, bytes):
        return _wrong("NsapAddress", tag, raw, o)
    return ("" if o.quick else "NsapAddress: ") + hexstring(raw, text=o.style.hex_text)


def _ipaddress(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
               o: _Opts) -> str:  # fmt: skip
    if tag != ber.IPADDRESS or not isinstance(raw, bytes):
        return _wrong("IpAddress", tag, raw, o)
    return ("" if o.quick else "IpAddress: ") + ".".join(str(b) for b in raw[:4])


def _network_address(tag: int, raw: RawValue, enums: Enums, hint: str | None,
                     units: str | None, o: _Opts) -> str:  # fmt: skip
    if tag != ber.IPADDRESS or not isinstance(raw, bytes):
        return _wrong("NetworkAddress", tag, raw, o)
    return ("" if o.quick else "Network Address: ") + ":".join(f"{b:02X}" for b in raw)


def _null(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
          o: _Opts) -> str:  # fmt: skip
    if tag != ber.NULL:
        return _wrong("NULL", tag, raw, o)
    return "NULL"


def _object_identifier(tag: int, raw: RawValue, enums: Enums, hint: str | None,
                       units: str | None, o: _Opts) -> str:  # fmt: skip
    if tag != ber.OBJECT_IDENTIFIER or not isinstance(raw, tuple):
        return _wrong("OBJECT IDENTIFIER", tag, raw, o)
    return ("" if o.quick else "OID: ") + o.oid_text(raw) + _units(units)


_OPAQUE_INTS = {
    ber.OPAQUE_COUNTER64: "Counter64: ",
    ber.OPAQUE_I64: "Int64: ",
    ber.OPAQUE_U64: "UInt64: ",
}


def _opaque(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
            o: _Opts) -> str:  # fmt: skip
    if tag != ber.OPAQUE or not isinstance(raw, bytes | int | float):
        return _wrong("Opaque", tag, raw, o)
    # net-snmp decodes the Opaque-wrapped special types (draft-perkins-opaque-01)
    if isinstance(raw, bytes):
        try:
            special = ber.decode_opaque(raw)
        except ber.BERDecodeError:
            special = None
    elif isinstance(raw, float):  # as SNMP.pm gives them back (float: Float or Double)
        special = (ber.OPAQUE_FLOAT, raw)
    else:
        special = (ber.OPAQUE_I64 if raw < 0 else ber.OPAQUE_U64, raw)
    if special is not None:
        kind, value = special
        if isinstance(value, float):  # sprint_realloc_double says "Float" too
            text = float_text(value, o.style.precision)
            return ("" if o.quick else "Opaque: Float: ") + text + _units(units)
        prefix = "" if o.quick else "Opaque: " + _OPAQUE_INTS[kind]
        return prefix + str(value) + _units(units)
    assert isinstance(raw, bytes)
    return ("" if o.quick else "OPAQUE: ") + hexstring(raw, text=o.style.hex_text) + _units(units)


def _bitstring(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
               o: _Opts) -> str:  # fmt: skip
    # BITS travel as an OCTET STRING; net-snmp prints an ASN.1 BIT STRING the same way
    if tag not in (ber.OCTET_STRING, ber.BIT_STRING) or not isinstance(raw, bytes):
        return _wrong("BITS", tag, raw, o)
    if o.quick:
        return '"' + hexstring(raw, text=o.style.hex_text) + '"'
    text = "BITS: " + hexstring(raw, text=o.style.hex_text)
    # net-snmp walks the enum list once for all set bits, never restarting it
    items = [] if o.style.numeric_enums else sorted((enums or {}).items(), key=lambda kv: kv[1])
    at = 0
    for byte_no, byte in enumerate(raw):
        for bit in range(8):
            if byte & (0x80 >> bit):
                number = byte_no * 8 + bit
                label = None
                while at < len(items):
                    if items[at][1] == number:
                        label = items[at][0]
                        break
                    at += 1
                text += f"{number} " if label is None else f"{label}({number}) "
    return text


def _octet_string(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
                  o: _Opts) -> str:  # fmt: skip
    if tag != ber.OCTET_STRING or not isinstance(raw, bytes):
        return _wrong("OCTET STRING", tag, raw, o)
    if hint:
        rendered = hinted_octets(raw, hint, o.style.two_digit_hex, verbatim=True)
        if rendered is None:
            return f"(Bad hint ignored: {hint}) " + _octet_string(tag, raw, enums, None, None, o)
        return ("" if o.quick else "STRING: ") + rendered + _units(units)
    if not raw:
        return '""'
    strings = o.style.strings
    if strings == "ascii" or (strings == "guess" and all(_printable(b) for b in raw)):
        text = ("" if o.quick else "STRING: ") + '"' + _ascii(raw) + '"'
    elif o.quick:
        text = '"' + hexstring(raw, text=o.style.hex_text) + '"'
    else:
        text = "Hex-STRING: " + hexstring(raw, text=o.style.hex_text)
    return text + _units(units)


def _bad_type(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
              o: _Opts) -> str:  # fmt: skip
    return "Variable has bad type"


_BY_TAG: Mapping[int, Printer] = {
    ber.INTEGER: _integer,
    ber.OCTET_STRING: _octet_string,
    ber.OPAQUE: _opaque,
    ber.OBJECT_IDENTIFIER: _object_identifier,
    ber.TIMETICKS: _timeticks,
    ber.GAUGE32: _gauge,
    ber.COUNTER32: _counter,
    ber.IPADDRESS: _ipaddress,
    ber.NULL: _null,
    ber.COUNTER64: _counter64,
    ber.UINTEGER32: _uinteger,
    ber.BIT_STRING: _bitstring,
    ber.NSAP_ADDRESS: _nsapaddress,
}

# The raw value each tag's printer needs (ber's conventions); anything else has a bad type.
_RAW_TYPES: Mapping[int, type | tuple[type, ...]] = {
    ber.INTEGER: int,
    ber.GAUGE32: int,
    ber.COUNTER32: int,
    ber.TIMETICKS: int,
    ber.COUNTER64: int,
    ber.UINTEGER32: int,
    ber.OCTET_STRING: bytes,
    ber.IPADDRESS: bytes,
    ber.BIT_STRING: bytes,
    ber.NSAP_ADDRESS: bytes,
    ber.OPAQUE: (bytes, int, float),
    ber.OBJECT_IDENTIFIER: tuple,
}

# parse.c's set_function: the printer a MIB object's SYNTAX type selects.
_BY_MIB_TYPE: Mapping[str, Printer] = {
    "OBJECTID": _object_identifier,
    "OCTETSTR": _octet_string,
    "INTEGER": _integer,
    "INTEGER32": _integer,
    "IPADDR": _ipaddress,
    "COUNTER": _counter,
    "GAUGE": _gauge,
    "UNSIGNED32": _gauge,
    "TICKS": _timeticks,
    "OPAQUE": _opaque,
    "BITS": _bitstring,
    "COUNTER64": _counter64,
    "UINTEGER": _uinteger,
    "NSAPADDRESS": _nsapaddress,
}


# The shipped data gives SMIv1's NetworkAddress as IPADDR (it is an IpAddress on the wire);
# net-snmp prints it differently. These are the objects of that SYNTAX in the shipped MIBs.
NETWORK_ADDRESS_OBJECTS = frozenset({("RFC1213-MIB", "atNetAddress")})


def _by_type(tag: int, raw: RawValue, enums: Enums, hint: str | None, units: str | None,
             o: _Opts) -> str:  # fmt: skip
    needs = _RAW_TYPES.get(tag)
    if needs is not None and (not isinstance(raw, needs) or isinstance(raw, bool)):
        return _bad_type(tag, raw, enums, hint, units, o)  # its printer would say "Wrong Type"
    return _BY_TAG.get(tag, _bad_type)(tag, raw, enums, hint, units, o)


# -- entry points ---------------------------------------------------------------------------------


def sprint_value(
    tag: int,
    raw: RawValue,
    node: MibNode | None,
    *,
    oid_text: OidText = format_oid,
    quick: bool = True,
    style: SprintStyle = DEFAULT_STYLE,
) -> str:
    """The value as net-snmp's ``snprint_value`` prints it.

    Args:
        tag: the BER tag received.
        raw: the decoded value (:mod:`~snmp_component._core.ber` conventions).
        node: the MIB node net-snmp would use: the longest known prefix of the OID (its
            ``get_tree``), or ``None`` without MIBs.
        oid_text: names an OID value (see :func:`oid_name`); numeric by default.
        quick: net-snmp's quick-print (SNMP.pm's setting); ``False`` for ``snmpget -Ov``.
        style: the other output switches (``-Oe -Ot -Oa -Ox -OT -OU -OQ``).
    """
    text = EXCEPTION_TEXT.get(tag)
    if text is not None:
        return text
    opts = _Opts(quick, oid_text, style)
    if node is None:
        return _by_type(tag, raw, None, None, None, opts)
    printer = _BY_MIB_TYPE.get(node.type or "", _by_type)
    if printer is _ipaddress and (node.module, node.name) in NETWORK_ADDRESS_OBJECTS:
        printer = _network_address
    units = node.units if style.units else None
    return printer(tag, raw, node.enums, node.hint, units, opts)


def sprint_hinted_index(raw: bytes, hint: str, *, quick: bool, style: SprintStyle) -> str:
    """An OCTET STRING index component as net-snmp prints it with ``-OX`` when its object
    has a DISPLAY-HINT: ``sprint_realloc_octet_string`` with that hint and no enums or
    units (``STRING: 0:1a:2b:3c:4d:5e``; no ``STRING:`` with quick-print)."""
    return _octet_string(ber.OCTET_STRING, raw, None, hint, None, _Opts(quick, format_oid, style))


def oid_name(oid: Oid, index: MibIndex | None, style: OidStyle = "suffix") -> str:
    """An OID as net-snmp prints it with ``-Ob`` (indexes not broken down) and ``-Os``
    (``"suffix"``: ``sysDescr.0``, ``enterprises.99999.1``), ``-Of`` (``"full"``:
    ``.iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0``) or ``-On`` (``"numeric"``)."""
    if style == "numeric" or index is None or not oid:
        return format_oid(oid)
    labels: list[str] = []
    node_at = index.node_at
    for k in range(1, len(oid) + 1):
        node = node_at(oid[:k])
        if node is None:
            break
        labels.append(node.name)
    known = len(labels)
    rest = [str(arc) for arc in oid[known:]]
    if style == "full" or known == 0:
        return "." + ".".join(labels + rest)
    return ".".join([labels[-1], *rest])
