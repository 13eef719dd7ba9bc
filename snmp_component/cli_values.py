"""net-snmp's ``snmp_add_var``: one ``OID TYPE VALUE`` triple as the raw varbind to send, or
net-snmp's error.

snmpset and snmptrap (``apps/snmpset.c``, ``apps/snmptrap.c``) hand every triple to the same
``snmp_add_var`` (``snmplib/snmp_api.c``, net-snmp 5.9.3); this module is that function, for
both (what each tool does around it stays in :mod:`~snmp_component.cli_set` and
:mod:`~snmp_component.cli_traps`):

* the type letter (``=``: the letter of the object's MIB type), checked against the MIB type
  of the node net-snmp finds for the OID (its longest known prefix; where several modules
  define it, the one net-snmp loads first);
* the value read as net-snmp's C reads it: ``strtol``/``strtoul`` (:func:`strtol`,
  :func:`strtoul`, :func:`atoi`, also for the tools' other numbers), ``read64``, ``inet_addr``,
  ``sscanf("%f")``, ``snmp_hex_to_binary``, ``snmp_decimal_to_binary``, the DISPLAY-HINT's
  ``parse_octet_hint``, BITS numbers and names;
* the checks against the MIB's enums, ranges and sizes;
* net-snmp's messages (:class:`AddVarError`, as ``snmp_perror`` prints them) and its
  ``truncating integer value > 32 bits`` warning (:func:`log_once`).

Where 5.9.3 has undefined behaviour, this does what net-snmp does since: a negative BITS
number is a bad value, one too large a bad value or out of range, and BITS octets net-snmp
5.9.3 leaves unset (after its buffer grows) are zero. What the package's encoder cannot send
is refused: an INTEGER outside Integer32 after net-snmp's cuts (5.9.3 sends a 5-octet
INTEGER) and a UInteger32 (``3``).
"""

from __future__ import annotations

import math
import os
import re
import socket
import struct
from collections.abc import Callable, Sequence

from ._core import ber
from ._core.instance import parse_octet_hint
from ._core.mibindex import MibNode
from ._core.oid import Oid, parse_oid
from ._core.pdu import RawVarbind
from .cli_usage import UsageError, request_oid
from .varformat import tool_names

__all__ = [
    "TRUNCATING",
    "AddVarError",
    "add_var",
    "atof",
    "atoi",
    "log_once",
    "read_oid",
    "strtol",
    "strtoul",
]

TRUNCATING = "truncating integer value > 32 bits"
"""What ``snmp_set_var_value`` logs (once a process) when it cuts a ``long`` to 32 bits."""

_LETTER_OF_TYPE = {"INTEGER": "i", "INTEGER32": "i", "GAUGE": "u", "UNSIGNED32": "u",
                   "COUNTER": "c", "COUNTER64": "C", "TICKS": "t", "OCTETSTR": "s",
                   "BITS": "b", "IPADDR": "a", "OBJECTID": "o"}  # fmt: skip
"""``=``: the letter snmp_add_var takes for the object's MIB type (none for Opaque)."""

_FITS: dict[str, tuple[frozenset[str], str]] = {
    "i": (frozenset({"INTEGER", "INTEGER32"}), "INTEGER"),
    "u": (frozenset({"GAUGE", "UNSIGNED32"}), "Unsigned32"),
    "3": (frozenset(), "UInteger32"),  # (the MIB types hold no UInteger32)
    "c": (frozenset({"COUNTER"}), "Counter32"),
    "C": (frozenset({"COUNTER64"}), "Counter64"),
    "t": (frozenset({"TICKS"}), "Timeticks"),
    "a": (frozenset({"IPADDR"}), "IpAddress"),
    "o": (frozenset({"OBJECTID"}), "OBJECT IDENTIFIER"),
    "s": (frozenset({"OCTETSTR", "BITS"}), "OCTET STRING"),
    "x": (frozenset({"OCTETSTR", "BITS"}), "OCTET STRING"),
    "d": (frozenset({"OCTETSTR", "BITS"}), "OCTET STRING"),
    "b": (frozenset({"BITS"}), "BITS"),
}
"""The MIB types each letter may set, and net-snmp's name of the letter's type (``Y`` in
``Type of attribute is X, not Y``)."""

_TYPE_NAMES = {"INTEGER": "INTEGER", "INTEGER32": "Integer32", "OCTETSTR": "OCTET STRING",
               "OBJECTID": "OBJECT IDENTIFIER", "IPADDR": "IpAddress", "COUNTER": "Counter32",
               "GAUGE": "Gauge32", "UNSIGNED32": "Unsigned32", "TICKS": "Timeticks",
               "COUNTER64": "Counter64", "BITS": "BITS", "OPAQUE": "Opaque"}  # fmt: skip
"""net-snmp's names of the MIB types (``X`` in ``Type of attribute is X, not Y``)."""

_UNSIGNED_TAGS = {"u": ber.GAUGE32, "3": ber.UINTEGER32, "c": ber.COUNTER32, "t": ber.TIMETICKS}
_C_SPACE = " \t\n\v\f\r"
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_INT32 = (-(2**31), 2**31 - 1)
_U32 = 2**32 - 1
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1
_U64 = 2**64 - 1


class AddVarError(Exception):
    """A triple snmp_add_var refuses: ``str()`` is snmp_perror's line, ``LABEL: MESSAGE``
    (``ifIndex.1: Value out of range (x)``), after the ``before`` lines net-snmp printed
    while reading it (a ``MODULE::`` it cannot find)."""

    def __init__(self, label: str, message: str, before: tuple[str, ...] = ()) -> None:
        super().__init__("\n".join([*before, f"{label}: {message}"]))
        self.label = label
        self.message = message
        self.before = before


def read_oid(word: str, resolve: Callable[[str], str] = request_oid) -> Oid:
    """net-snmp's ``snmp_parse_oid`` of an OID word, as the command line reads one
    (``resolve``: :func:`~snmp_component.cli_usage.request_oid`, or what a caller was given
    in its place).

    Raises:
        AddVarError: the word and net-snmp's message (``Unknown Object Identifier (...)``).
    """
    try:
        return parse_oid(resolve(word))
    except UsageError as exc:
        *before, line = str(exc).split("\n")
        raise AddVarError(word, line.removeprefix(f"{word}: "), tuple(before)) from None


def log_once(sink: Callable[[str], None]) -> Callable[[str], None]:
    """net-snmp's ``NETSNMP_LOGONCE``: ``sink``, told each message the first time only."""
    said: set[str] = set()

    def log(message: str) -> None:
        if message not in said:
            said.add(message)
            sink(message)

    return log


def add_var(
    label: str,
    oid: Oid,
    letter: str,
    value: str,
    warn: Callable[[str], None],
    resolve: Callable[[str], Oid] = read_oid,
) -> RawVarbind:
    """net-snmp's ``snmp_add_var``: the raw varbind setting ``oid`` (``label`` in messages,
    the OID as the user wrote it) to ``value`` of type ``letter`` (the first character of
    TYPE; ``""`` when TYPE is empty), read and checked against the MIB as net-snmp does.
    ``warn`` is told what net-snmp only logs (an integer cut to 32 bits; :func:`log_once`
    makes it say so once); ``resolve`` reads an OBJECT IDENTIFIER value (raising as
    :func:`read_oid`).

    Raises:
        AddVarError: ``label: <snmp_api_errstring> (<detail>)``, as snmp_perror prints it.
    """
    node = tool_names().node(oid)
    mib_type = node.type if node is not None else None
    if letter == "=" and mib_type in _LETTER_OF_TYPE:
        letter = _LETTER_OF_TYPE[mib_type]
    fits = _FITS.get(letter)
    if fits is not None and mib_type is not None:
        if mib_type not in fits[0] or (letter == "b" and node is not None and not node.enums):
            have = _TYPE_NAMES.get(mib_type, mib_type)
            raise AddVarError(
                label, f"Bad variable type (Type of attribute is {have}, not {fits[1]})"
            )
    raw = os.fsencode(value)

    def bad_value(detail: str = value) -> AddVarError:
        return AddVarError(label, f"Bad value notation ({detail})")

    if letter == "i":
        return oid, ber.INTEGER, _integer(label, node, value, raw, warn)
    if letter in _UNSIGNED_TAGS:
        number, used = strtoul(raw)
        if not raw or used != len(raw):
            raise bad_value()
        if letter == "3":  # ASN_UINTEGER: the package's encoder has no UInteger32
            raise AddVarError(label, 'Bad variable type ("3")')
        return oid, _UNSIGNED_TAGS[letter], _truncated(_as_long(number), warn) & _U32
    if letter == "C":
        big = _read64(raw)
        if big is None:
            raise bad_value()
        return oid, ber.COUNTER64, big
    if letter == "a":
        try:
            address = socket.inet_aton(value)  # (what inet_addr reads)
        except (OSError, UnicodeEncodeError, ValueError):
            raise bad_value() from None
        if address == b"\xff\xff\xff\xff" and value != "255.255.255.255":
            raise bad_value()  # inet_addr's -1, taken for a failure
        return oid, ber.IPADDRESS, address
    if letter == "o":
        try:
            return oid, ber.OBJECT_IDENTIFIER, resolve(value)
        except AddVarError as exc:
            raise AddVarError(label, exc.message, exc.before) from None
    if letter in ("s", "x", "d"):
        return oid, ber.OCTET_STRING, _octets(label, node, letter, value, raw)
    if letter == "n":
        return oid, ber.NULL, None
    if letter == "b":
        return oid, ber.OCTET_STRING, _bits(label, node, value, raw)
    if letter in ("I", "U"):
        big = _read64(raw)
        if big is None:
            raise bad_value()
        return oid, ber.OPAQUE, _opaque_int64(big, signed=letter == "I")
    if letter in ("F", "D"):
        real = _scan_float(raw)
        if real is None:
            raise bad_value()
        if letter == "F":
            return oid, ber.OPAQUE, bytes([0x9F, ber.OPAQUE_FLOAT, 4]) + _pack_float(real)
        return oid, ber.OPAQUE, bytes([0x9F, ber.OPAQUE_DOUBLE, 8]) + struct.pack(">d", real)
    # sprintf("\"%c\"", type): a NUL letter (an empty TYPE) ends the text after the quote
    raise AddVarError(label, f'Bad variable type ("{letter}' + ('"' if letter else "") + ")")


def _integer(
    label: str, node: MibNode | None, value: str, raw: bytes, warn: Callable[[str], None]
) -> int:
    """``i``: ``strtol`` in base 10, else one of the object's enum labels; its range; the
    cuts of ``snmp_set_var_value`` and ``asn_build_int``."""
    if not raw:
        raise AddVarError(label, f"Bad value notation ({value})")
    number, used = strtol(raw)
    if used != len(raw):
        enums = node.enums if node is not None else None
        if not enums or value not in enums:
            raise AddVarError(label, f"Value out of range ({value})")
        number = enums[value]
    _check_range(label, node.ranges if node is not None else None, number, value)
    number = _truncated(number, warn)
    if number < _INT32[0]:  # asn_build_int's CHECK_OVERFLOW_S
        number = -(number & _U32)
    if not _INT32[0] <= number <= _INT32[1]:  # (net-snmp sends a 5-octet INTEGER)
        raise AddVarError(label, f"Value out of range ({value})")
    return number


def _truncated(number: int, warn: Callable[[str], None]) -> int:
    """``snmp_set_var_value``: a ``long`` above 32 bits (not a negative one) is cut to 32
    bits, with a warning."""
    if number > _U32:
        warn(TRUNCATING)
        return number & _U32
    return number


def _as_long(number: int) -> int:
    """An ``unsigned long`` stored in a ``long``."""
    return number - 2**64 if number > _LONG_MAX else number


def _check_range(
    label: str, ranges: Sequence[tuple[int, int]] | None, number: int, message: str
) -> None:
    """net-snmp's ``_check_range``: ``number`` (a value or a length) within the MIB's
    ranges, else ``Value out of range (<message> :: {(1..255), (8)})``."""
    if not ranges or any(low <= number <= high for low, high in ranges):
        return
    spans = ", ".join(f"({low}..{high})" if low != high else f"({low})" for low, high in ranges)
    raise AddVarError(label, f"Value out of range ({message} :: {{{spans}}})")


def _octets(label: str, node: MibNode | None, letter: str, value: str, raw: bytes) -> bytes:
    """``s`` (through the object's DISPLAY-HINT, if it has one and the text fits it),
    ``x`` and ``d``; the object's SIZE."""
    sizes = node.sizes if node is not None else None
    if letter == "s" and node is not None and node.hint:
        hinted = parse_octet_hint(node.hint, raw)
        if hinted is not None:
            _check_range(label, sizes, len(hinted), "Value does not match DISPLAY-HINT")
            return hinted
    if letter == "x":
        octets = _hex_to_binary(raw)
    elif letter == "d":
        octets = _decimal_to_binary(raw)
    else:
        octets = raw
    if octets is None:
        raise AddVarError(label, f"Bad value notation ({value})")
    _check_range(label, sizes, len(octets), "Bad string length")
    return octets


def _bits(label: str, node: MibNode | None, value: str, raw: bytes) -> bytes:
    """``b``: bit numbers (as C writes them: ``strtoul`` in base 0) or the object's bit
    names, between spaces, commas or tabs; as long as the object's highest named bit
    needs, or the highest bit set."""
    enums = node.enums if node is not None else None
    size = max((bit // 8 + 1 for bit in (enums or {}).values()), default=0)
    room = 256  # net-snmp's buffer, grown by one snmp_realloc a word at most
    out = bytearray()
    for word in re.split(rb"[ ,\t]+", raw):
        if not word:
            continue
        text = os.fsdecode(word)
        number, used = strtoul(word, 0)
        if number > _LONG_MAX:  # a negative long
            raise AddVarError(label, f"Bad value notation ({text})")
        if used != len(word):
            if not enums or text not in enums:
                raise AddVarError(label, f"Value out of range ({text})")
            number = enums[text]
        index = number // 8
        if index >= _INT32[1]:  # INT_MAX
            raise AddVarError(label, f"Bad value notation ({value})")
        size = max(size, index + 1)
        if index >= room:
            room = room + 256 if room <= 255 else room * 2 if room <= 8191 else room + 8192
        if index >= room:
            raise AddVarError(label, f"Value out of range ({text})")
        if index >= len(out):
            out.extend(bytes(index + 1 - len(out)))
        out[index] |= 0x80 >> (number % 8)
    return bytes(out[:size]).ljust(size, b"\0")


# ---------------------------------------------------------------------- C's readers
def strtol(text: str | bytes, base: int = 10) -> tuple[int, int]:
    """C's ``strtol(text, &end, base)``: the number (clamped to a 64-bit ``long``) and how
    many characters it took (``end - text``; 0: no number, the value 0). White space, a
    sign, then digits; base 16 takes a ``0x``, base 0 reads the number as C writes it
    (``0x10``, ``010``, ``10``)."""
    number, used, negative = _scan_integer(text, base)
    if negative:
        return max(-number, _LONG_MIN), used
    return min(number, _LONG_MAX), used


def strtoul(text: str | bytes, base: int = 10) -> tuple[int, int]:
    """C's ``strtoul``: as :func:`strtol`, the number an ``unsigned long`` (``-1`` is
    ``2**64-1``, an overflow ``ULONG_MAX``)."""
    number, used, negative = _scan_integer(text, base)
    if number > _U64:
        return _U64, used
    return (-number if negative else number) & _U64, used


def atoi(text: str | bytes) -> int:
    """C's ``atoi``: ``(int) strtol(text, NULL, 10)``, the leading number (0 if none)
    clamped to a 64-bit ``long``, then cut to a 32-bit ``int`` (``2147483648`` is
    negative)."""
    return _as_int(strtol(text)[0])


def atof(text: str) -> float:
    """C's ``atof``: the number ``text`` starts with (decimal, hexadecimal, ``inf``,
    ``nan``; what follows is ignored), ``0.0`` without one."""
    number = _scan_float(text.encode(errors="surrogateescape"))
    return 0.0 if number is None else number


def _as_int(number: int) -> int:
    """A ``long`` cast to a 32-bit ``int``: its low 32 bits, signed."""
    return (number + 2**31) % 2**32 - 2**31


def _scan_integer(text: str | bytes, base: int) -> tuple[int, int, bool]:
    """The C library's integer scan: ``(magnitude, characters used, negative)``."""
    if isinstance(text, bytes):
        text = text.decode("latin-1")  # a character an octet, as C sees it
    pos = 0
    while pos < len(text) and text[pos] in _C_SPACE:
        pos += 1
    negative = text[pos : pos + 1] == "-"
    if text[pos : pos + 1] in ("+", "-"):
        pos += 1
    if (
        base in (0, 16)
        and text[pos : pos + 2] in ("0x", "0X")
        and _digits(text, pos + 2, 16) > pos + 2
    ):
        base, pos = 16, pos + 2
    elif base == 0:
        base = 8 if text[pos : pos + 1] == "0" else 10
    end = _digits(text, pos, base)
    if end == pos:
        return 0, 0, False
    return int(text[pos:end], base), end, negative


def _digits(text: str, pos: int, base: int) -> int:
    """Where the digits of ``base`` that start at ``pos`` end."""
    allowed = _DIGITS[:base]
    while pos < len(text) and text[pos].lower() in allowed and text[pos].isascii():
        pos += 1
    return pos


def _read64(text: bytes) -> int | None:
    """net-snmp's ``read64``: ``-`` and decimal digits up to the first other character,
    modulo 2**64; ``None`` without a digit."""
    negative = text[:1] == b"-"
    found = re.match(rb"[0-9]+", text[1:] if negative else text)
    if found is None:
        return None
    number = int(found.group()) & _U64
    return (-number if negative else number) & _U64


def _opaque_int64(number: int, signed: bool) -> bytes:
    """The Opaque-wrapped Integer64 (``9F 7A``) or Unsigned64 (``9F 7B``) net-snmp sends:
    the shortest two's complement (Integer64) or unsigned number with a sign bit clear."""
    if signed:
        value = _as_long(number)
        body = value.to_bytes((value + (value < 0)).bit_length() // 8 + 1, "big", signed=True)
    else:
        body = number.to_bytes(number.bit_length() // 8 + 1, "big")
    return bytes([0x9F, ber.OPAQUE_I64 if signed else ber.OPAQUE_U64, len(body)]) + body


_FLOAT = re.compile(
    rb"[ \t\n\v\f\r]*([+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
    rb"(?:[pP][+-]?[0-9]+)?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    rb"|inf(?:inity)?|nan))",
    re.IGNORECASE,
)


def _scan_float(text: bytes) -> float | None:
    """``sscanf(value, "%f")``: the number the text starts with (hexadecimal too; what
    follows it is ignored), ``None`` without one."""
    found = _FLOAT.match(text)
    if found is None:
        return None
    number = found.group(1).decode()
    if "x" not in number.lower():
        return float(number)
    sign = -1.0 if number.startswith("-") else 1.0
    body = number.lstrip("+-")
    return sign * float.fromhex(body if "p" in body.lower() else body + "p0")


def _pack_float(number: float) -> bytes:
    """A C ``float``: what is too large for one is infinite."""
    try:
        return struct.pack(">f", number)
    except OverflowError:
        return struct.pack(">f", math.copysign(math.inf, number))


def _hex_to_binary(text: bytes) -> bytes | None:
    """net-snmp's ``snmp_hex_to_binary``: pairs of hex digits, an optional ``0x`` in front,
    spaces between pairs; anything else (an odd digit) is ``None``."""
    pos = 2 if text[:2] in (b"0x", b"0X") else 0
    out = bytearray()
    while pos < len(text):
        pair = text[pos : pos + 2]
        if len(pair) < 2 or _digits(pair.decode("latin-1"), 0, 16) < 2:
            if text[pos : pos + 1] == b" ":
                pos += 1
                continue
            return None
        out.append(int(pair, 16))
        pos += 2
    return bytes(out)


def _decimal_to_binary(text: bytes) -> bytes | None:
    """net-snmp's ``snmp_decimal_to_binary``: decimal octets between white space or dots;
    one above 255 (by ``atoi``: the low 32 bits of ``strtol``, so ``4294967296`` is 0 and a
    huge one 255) is ``None``, as is any other character."""
    out = bytearray()
    pos = 0
    while pos < len(text):
        char = text[pos : pos + 1]
        if char == b"." or char.decode("latin-1") in _C_SPACE:
            pos += 1
            continue
        if not b"0" <= char <= b"9":
            return None
        number, used = strtol(text[pos:])
        number = _as_int(number)  # atoi
        if number > 255:
            return None
        out.append(number & 0xFF)
        pos += used
    return bytes(out)
