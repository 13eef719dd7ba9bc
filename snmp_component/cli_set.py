"""``snmpc set``: snmpset's ``OID TYPE VALUE`` triples, read as net-snmp 5.9's
``apps/snmpset.c`` and ``snmp_add_var`` (``snmplib/snmp_api.c``) read them: the type
letters, how each value is parsed (``strtol``/``strtoul``/``inet_addr``/DISPLAY-HINTs...),
the checks against the object's MIB node made before anything is sent, and the messages.

snmpset first looks at the type letter of every triple (the first wrong one ends the
command); then it resolves each OID and converts each value, reporting every triple that
fails, one line each; nothing is sent unless all of them are right. The values it sends
are the ones it would send, already converted (ints, bytes, OID tuples), so the component
has nothing left to interpret.
"""

from __future__ import annotations

import math
import os
import re
import socket
import struct
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ._core.mibindex import MibNode
from ._core.oid import parse_oid
from ._core.pdu import Oid
from .varbind import Varbind
from .varformat import tool_names

__all__ = ["SetError", "add_var", "set_varbinds"]

MAX_CMDLINE_OIDS = 128
"""net-snmp's ``SNMP_MAX_CMDLINE_OIDS``: the most triples one snmpset takes."""

_LETTERS = frozenset("=iu3taosxdbnIUFD")
"""The type letters snmpset takes (its ``switch (*argv[arg])``; ``c`` and ``C`` are not
among them, so ``=`` is the only way to a Counter32 or Counter64)."""

_FROM_MIB = {
    "INTEGER": "i",
    "INTEGER32": "i",
    "GAUGE": "u",
    "UNSIGNED32": "u",
    "COUNTER": "c",
    "COUNTER64": "C",
    "TICKS": "t",
    "OCTETSTR": "s",
    "BITS": "b",
    "IPADDR": "a",
    "OBJECTID": "o",
}
"""``=``: the letter snmp_add_var takes for the object's MIB type (none for Opaque)."""

_FITS = {
    "i": ({"INTEGER", "INTEGER32"}, "INTEGER"),
    "u": ({"GAUGE", "UNSIGNED32"}, "Unsigned32"),
    "3": (set(), "UInteger32"),
    "c": ({"COUNTER"}, "Counter32"),
    "C": ({"COUNTER64"}, "Counter64"),
    "t": ({"TICKS"}, "Timeticks"),
    "a": ({"IPADDR"}, "IpAddress"),
    "o": ({"OBJECTID"}, "OBJECT IDENTIFIER"),
    "s": ({"OCTETSTR", "BITS"}, "OCTET STRING"),
    "x": ({"OCTETSTR", "BITS"}, "OCTET STRING"),
    "d": ({"OCTETSTR", "BITS"}, "OCTET STRING"),
    "b": ({"BITS"}, "BITS"),
}
"""The MIB types each letter may set, and net-snmp's name of the letter's type in
``Type of attribute is X, not Y``."""

_TYPE_NAMES = {
    "INTEGER": "INTEGER",
    "INTEGER32": "INTEGER",  # net-snmp's parser gives Integer32 objects TYPE_INTEGER
    "OCTETSTR": "OCTET STRING",
    "OBJECTID": "OBJECT IDENTIFIER",
    "IPADDR": "IpAddress",
    "COUNTER": "Counter32",
    "GAUGE": "Gauge32",
    "UNSIGNED32": "Unsigned32",
    "TICKS": "Timeticks",
    "COUNTER64": "Counter64",
    "BITS": "BITS",
    "OPAQUE": "Opaque",
}
"""net-snmp's names of the MIB types (``X`` in ``Type of attribute is X, not Y``)."""

_C_SPACE = b" \t\n\v\f\r"
_TRUNCATING = "truncating integer value > 32 bits"
_INT32 = (-(2**31), 2**31 - 1)
_U32 = 2**32 - 1
_U64 = 2**64 - 1
_LONG_MAX = 2**63 - 1
_MAX_BITS_OCTETS = 512
"""snmp_add_var's BITS buffer after its one realloc; a bit number beyond it is a write
past the buffer in net-snmp, a "Value out of range" here."""


class SetError(Exception):
    """A bad ``OID TYPE VALUE`` triple, in snmpset's words (one line per failed triple)."""


@dataclass
class _Log:
    """net-snmp's NETSNMP_LOGONCE: the truncation warning is logged once per command."""

    warned: bool = False


def set_varbinds(
    words: Sequence[str],
    resolve: Callable[[str], str],
    warn: Callable[[str], None] | None = None,
) -> list[Varbind]:
    """``OID TYPE VALUE ...`` as snmpset reads them: the varbinds to send, ``resolve``
    turning each OID word into the numeric OID to send (raising, with snmpset's line as
    its message, for a name that does not resolve). ``warn`` gets what net-snmp logs and
    goes on with (``truncating integer value > 32 bits``); default: standard error.

    Raises:
        SetError: a missing type or value, a bad type letter (the first one), or every
            triple whose OID or value is wrong (snmpset's lines, in order; a warning
            logged before an error is among them, where net-snmp prints it).
    """
    if not words:
        raise SetError("Missing object name")
    if len(words) > 3 * MAX_CMDLINE_OIDS:
        raise SetError(
            f"Too many assignments specified. Only {MAX_CMDLINE_OIDS} allowed in one request."
        )
    for k in range(0, len(words), 3):
        oid = words[k]
        if k + 1 >= len(words):
            raise SetError(f"{oid}: Needs type and value")
        if words[k + 1][:1] not in _LETTERS:
            raise SetError(f"{oid}: Bad object type: {words[k + 1][:1] or chr(0)}")
        if k + 2 >= len(words):
            raise SetError(f"{oid}: Needs value")
    lines: list[str] = []
    failed = False
    state = _Log()
    varbinds = []
    for k in range(0, len(words), 3):
        oid, letter, value = words[k : k + 3]
        try:
            target = _resolved(resolve, oid)
            varbinds.append(add_var(oid, target, letter[0], value, resolve, state, lines.append))
        except SetError as exc:
            lines.append(str(exc))
            failed = True
    if failed:
        raise SetError("\n".join(lines))
    for line in lines:
        (warn or _stderr)(line)
    return varbinds


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)


def _resolved(resolve: Callable[[str], str], word: str) -> Oid:
    """``resolve(word)`` as an OID; its error (snmp_parse_oid's line) as a SetError."""
    from .cli import UsageError  # (cli imports this module: the class, at call time)

    try:
        return parse_oid(resolve(word))
    except UsageError as exc:
        raise SetError(str(exc)) from None


def add_var(
    label: str,
    oid: Oid,
    letter: str,
    value: str,
    resolve: Callable[[str], str],
    state: _Log | None = None,
    warn: Callable[[str], None] = _stderr,
) -> Varbind:
    """net-snmp's ``snmp_add_var``: the varbind setting ``oid`` (named ``label`` in
    messages) to ``value`` of type ``letter``, checked against the MIB node net-snmp finds
    for ``oid`` (its ``get_tree``: the longest known prefix; where several modules define
    it, the one net-snmp loads first, e.g. RFC1213-MIB's ``ipDefaultTTL``, which has no
    range). ``resolve`` reads an OBJECT IDENTIFIER value (as in :func:`set_varbinds`);
    ``warn`` gets the truncation warning the first time ``state`` sees one.

    Raises:
        SetError: ``label: <snmp_api_errstring> (<detail>)``, as snmp_perror prints it.
    """
    state = state or _Log()
    node = tool_names().node(oid)
    typed = node is not None and node.type is not None
    if letter == "=":
        letter = _FROM_MIB.get(node.type or "", "=") if node is not None else "="
    if letter in _FITS and typed:
        assert node is not None and node.type is not None
        fits, wanted = _FITS[letter]
        if node.type not in fits or (letter == "b" and not node.enums):
            have = _TYPE_NAMES.get(node.type, node.type)
            raise SetError(
                f"{label}: Bad variable type (Type of attribute is {have}, not {wanted})"
            )
    target = "." + ".".join(map(str, oid))

    def bad_value(detail: str = value) -> SetError:
        return SetError(f"{label}: Bad value notation ({detail})")

    def out_of_range(detail: str) -> SetError:
        return SetError(f"{label}: Value out of range ({detail})")

    def truncated(number: int) -> int:
        """snmp_set_var_value's cut of a ``long`` above 32 bits (logged once)."""
        if number > _U32:
            if not state.warned:
                state.warned = True
                warn(_TRUNCATING)
            number &= _U32
        return number

    raw = os.fsencode(value)
    if letter == "i":
        if not value:
            raise bad_value()
        number, rest = _strtol(raw, 10)
        if rest:
            enums = node.enums if node is not None else None
            if not enums or value not in enums:
                raise out_of_range(value)
            number = enums[value]
        _check_range(node.ranges if node is not None else None, number, value, label)
        number = truncated(number)
        if number < _INT32[0]:  # asn_build_int's CHECK_OVERFLOW_S
            number = -(number & _U32)
        if not _INT32[0] <= number <= _INT32[1]:
            # net-snmp sends this as a 5-octet INTEGER, outside SNMP's Integer32
            raise out_of_range(value)
        return Varbind(target, "", number, "INTEGER")
    if letter in {"u", "3", "c", "t"}:
        number, rest = _strtoul(raw, 10)
        if not value or rest:
            raise bad_value()
        if letter == "3":  # ASN_UINTEGER (SMIv1's UInteger32): the component cannot send it
            raise SetError(f'{label}: Bad variable type ("3")')
        number = truncated(number if number <= _LONG_MAX else number - 2**64) & _U32
        kind = {"u": "UNSIGNED32", "c": "COUNTER", "t": "TICKS"}[letter]
        return Varbind(target, "", number, kind)
    if letter == "C":
        found = _read64(raw)
        if found is None:
            raise bad_value()
        return Varbind(target, "", found, "COUNTER64")
    if letter == "a":
        try:
            address = socket.inet_aton(value)
        except (OSError, UnicodeEncodeError, ValueError):
            raise bad_value() from None
        if address == b"\xff\xff\xff\xff" and value != "255.255.255.255":
            raise bad_value()  # inet_addr's -1, taken for a failure
        return Varbind(target, "", address, "IPADDR")
    if letter == "o":
        try:
            return Varbind(target, "", _resolved(resolve, value), "OBJECTID")
        except SetError as exc:
            text = str(exc)
            detail = text[len(value) + 2 :] if text.startswith(value + ": ") else text
            raise SetError(f"{label}: {detail}") from None
    if letter in {"s", "x", "d"}:
        sizes = node.sizes if node is not None else None
        if letter == "s" and node is not None and node.hint:
            octets = _parse_octet_hint(node.hint.encode(), raw)
            if octets is not None:
                _check_range(sizes, len(octets), "Value does not match DISPLAY-HINT", label)
                return Varbind(target, "", octets, "OCTETSTR")
        if letter == "x":
            parsed = _hex_to_binary(raw)
        elif letter == "d":
            parsed = _decimal_to_binary(raw)
        else:
            parsed = raw
        if parsed is None:
            raise bad_value()
        _check_range(sizes, len(parsed), "Bad string length", label)
        return Varbind(target, "", parsed, "OCTETSTR")
    if letter == "n":
        return Varbind(target, "", None, "NULL")
    if letter == "b":
        return Varbind(target, "", _bits(raw, node, label), "OCTETSTR")
    if letter in {"I", "U"}:
        found = _read64(raw)
        if found is None:
            raise bad_value()
        return Varbind(target, "", _opaque_int64(found, signed=letter == "I"), "OPAQUE")
    if letter in {"F", "D"}:
        real = _scan_float(raw)
        if real is None:
            raise bad_value()
        if letter == "F":
            payload = b"\x9f\x78\x04" + _pack_float(real)
        else:
            payload = b"\x9f\x79\x08" + struct.pack(">d", real)
        return Varbind(target, "", payload, "OPAQUE")
    raise SetError(f'{label}: Bad variable type ("{letter}")')


def _check_range(
    ranges: Sequence[tuple[int, int]] | None, number: int, message: str, label: str
) -> None:
    """net-snmp's ``_check_range``: ``number`` (a value or a length) within the MIB's
    ranges, else ``Value out of range (<message> :: {(1..255), (8)})``."""
    if not ranges or any(low <= number <= high for low, high in ranges):
        return
    spans = ", ".join(f"({low}..{high})" if low != high else f"({low})" for low, high in ranges)
    raise SetError(f"{label}: Value out of range ({message} :: {{{spans}}})")


def _strtol(text: bytes, base: int) -> tuple[int, bytes]:
    """C ``strtol``: the number (clamped to a 64-bit ``long``) and what follows it;
    no digits: ``(0, text)``."""
    number, rest, negative, digits = _scan_integer(text, base)
    if not digits:
        return 0, rest
    if negative:
        return max(-number, -(2**63)), rest
    return min(number, _LONG_MAX), rest


def _strtoul(text: bytes, base: int) -> tuple[int, bytes]:
    """C ``strtoul``: the number as an ``unsigned long`` (``-1`` is ``2**64-1``, an
    overflow ``ULONG_MAX``) and what follows it; no digits: ``(0, text)``."""
    number, rest, negative, digits = _scan_integer(text, base)
    if not digits:
        return 0, rest
    if number > _U64:
        return _U64, rest
    return (-number if negative else number) & _U64, rest


def _scan_integer(text: bytes, base: int) -> tuple[int, bytes, bool, bool]:
    """The C library's integer scan: white space, a sign, ``0x``/``0`` (base 16, or 0
    for "as C writes it"), digits. ``(magnitude, rest, negative, any digits)``."""
    pos = 0
    while pos < len(text) and text[pos] in _C_SPACE:
        pos += 1
    negative = False
    if pos < len(text) and text[pos] in b"+-":
        negative = text[pos] == ord("-")
        pos += 1
    hex_prefix = text[pos : pos + 2].lower() == b"0x" and _digit(text[pos + 2 : pos + 3], 16)
    if base in (0, 16) and hex_prefix:
        base, pos = 16, pos + 2
    elif base == 0:
        base = 8 if text[pos : pos + 1] == b"0" else 10
    start = pos
    while pos < len(text) and _digit(text[pos : pos + 1], base):
        pos += 1
    if pos == start:
        return 0, text, negative, False
    return int(text[start:pos], base), text[pos:], negative, True


def _digit(char: bytes, base: int) -> bool:
    return bool(char) and char.lower() in b"0123456789abcdef"[:base]


def _read64(text: bytes) -> int | None:
    """net-snmp's ``read64``: ``-`` and decimal digits up to the first other character,
    modulo 2**64; ``None`` without a digit."""
    negative = text[:1] == b"-"
    found = re.match(rb"\d+", text[1:] if negative else text)
    if found is None:
        return None
    number = int(found.group()) & _U64
    return (-number if negative else number) & _U64


def _opaque_int64(number: int, signed: bool) -> bytes:
    """The Opaque-wrapped Integer64 (``9F 7A``) or Unsigned64 (``9F 7B``) net-snmp sends."""
    if signed:
        value = number - 2**64 if number > 2**63 - 1 else number
        size = max(1, (value + (value < 0)).bit_length() // 8 + 1)
        body = value.to_bytes(size, "big", signed=True)
    else:
        body = number.to_bytes(number.bit_length() // 8 + 1, "big")
    return bytes([0x9F, 0x7A if signed else 0x7B, len(body)]) + body


_FLOAT = re.compile(
    rb"[ \t\n\v\f\r]*([+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)"
    rb"(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan))",
    re.IGNORECASE,
)


def _scan_float(text: bytes) -> float | None:
    """``sscanf(value, "%f")``: the float the text starts with (junk after it is ignored)."""
    found = _FLOAT.match(text)
    if found is None:
        return None
    number = found.group(1).decode()
    if "x" in number.lower():
        sign = -1.0 if number.startswith("-") else 1.0
        body = number.lstrip("+-")
        if not re.search(r"[pP]", body):
            body += "p0"
        return sign * float.fromhex(body)
    return float(number)


def _pack_float(number: float) -> bytes:
    try:
        return struct.pack(">f", number)
    except OverflowError:
        return struct.pack(">f", math.copysign(math.inf, number))


def _hex_to_binary(text: bytes) -> bytes | None:
    """net-snmp's ``snmp_hex_to_binary``: pairs of hex digits, an optional ``0x`` in
    front, spaces between pairs; anything else (an odd digit) is ``None``."""
    pos = 2 if text[:2].lower() == b"0x" else 0
    out = bytearray()
    while pos < len(text):
        pair = text[pos : pos + 2]
        if len(pair) < 2 or not (_digit(pair[:1], 16) and _digit(pair[1:], 16)):
            if text[pos : pos + 1] == b" ":
                pos += 1
                continue
            return None
        out.append(int(pair, 16))
        pos += 2
    return bytes(out)


def _decimal_to_binary(text: bytes) -> bytes | None:
    """net-snmp's ``snmp_decimal_to_binary``: decimal octets between white space or dots;
    one above 255 (by ``atoi``, so the low 32 bits of a huge one) is ``None``."""
    out = bytearray()
    pos = 0
    while pos < len(text):
        char = text[pos : pos + 1]
        if char in (b".", *(bytes([c]) for c in _C_SPACE)):
            pos += 1
            continue
        if not char.isdigit():
            return None
        end = pos
        while end < len(text) and text[end : end + 1].isdigit():
            end += 1
        number = min(int(text[pos:end]), _LONG_MAX) & _U32  # atoi: (int) strtol
        number = number - 2**32 if number >= 2**31 else number
        if number > 255:
            return None
        out.append(number & 0xFF)
        pos = end
    return bytes(out)


def _bits(text: bytes, node: MibNode | None, label: str) -> bytes:
    """``b``: bit numbers (as C writes them) or names, between spaces, commas or tabs."""
    enums = node.enums if node is not None else None
    octets = max((bit // 8 + 1 for bit in (enums or {}).values()), default=0)
    out = bytearray(_MAX_BITS_OCTETS)
    for word in re.split(rb"[ ,\t]+", text):
        if not word:
            continue
        number, rest = _strtoul(word, 0)
        if rest:
            name = os.fsdecode(word)
            if not enums or name not in enums:
                raise SetError(f"{label}: Value out of range ({name})")
            number = enums[name]
        if number // 8 >= _MAX_BITS_OCTETS:
            raise SetError(f"{label}: Value out of range ({os.fsdecode(word)})")
        octets = max(octets, number // 8 + 1)
        out[number // 8] |= 0x80 >> (number % 8)
    return bytes(out[:octets])


@dataclass
class _Hint:
    """One part of a DISPLAY-HINT (mib.c's ``struct parse_hints``)."""

    length: int = 0
    repeat: bool = False
    form: int = 0
    separator: int = 0
    terminator: int = 0


def _parse_octet_hint(hint: bytes, value: bytes) -> bytes | None:
    """net-snmp's ``parse_octet_hint``: the octets ``value`` stands for under the
    DISPLAY-HINT ``hint`` (``"255a"``, ``"1x:"``, DateAndTime's...), or ``None`` when it
    does not match (snmpset then sends the text as it is)."""
    out = bytearray()
    part = _Hint()
    pos = 0
    state = 0  # 0: length or '*', 1: more length or the format, 2: separator, 3: terminator
    ok = True
    for char in hint:
        if pos >= len(value) or not ok:
            break
        digit = ord("0") <= char <= ord("9")
        if state == 0:
            if char == ord("*"):
                part.repeat = True
            elif digit:
                part.length = part.length * 10 + char - ord("0")
            else:
                return None
            state = 1
        elif state == 1:
            if digit:
                part.length = part.length * 10 + char - ord("0")
            elif char in b"xdoa":
                part.form = char
                state = 2
            else:
                return None
        elif char == ord("*") or digit:
            ok, pos = _hint_part(part, value, pos, out)
            part = _Hint(repeat=char == ord("*"))
            if digit:
                part.length = char - ord("0")
            state = 1
        elif state == 2:
            part.separator = char
            state = 3
        else:
            part.terminator = char
            ok, pos = _hint_part(part, value, pos, out)
            part = _Hint()
            state = 0
    while pos < len(value) and ok:
        before = pos
        ok, pos = _hint_part(part, value, pos, out)
        if ok and pos == before:
            return None  # (a hint that takes nothing: net-snmp would loop for ever)
    return bytes(out) if ok else None


def _hint_part(part: _Hint, value: bytes, pos: int, out: bytearray) -> tuple[bool, int]:
    """mib.c's ``parse_hints_parse``: one part of a hint (repeated with ``*``)."""
    fixup = len(out)
    if part.repeat:
        out.append(0)
    repeats = 0
    while True:
        if part.form in b"xdo":
            base = {ord("x"): 16, ord("d"): 10, ord("o"): 8}[part.form]
            number, rest = _strtol(value[pos:], base)
            if len(rest) == len(value) - pos:
                return False, pos
            pos = len(value) - len(rest)
            for i in range(part.length):
                out.append(((number & _U64) >> (8 * (part.length - 1 - i) % 64)) & 0xFF)
        elif part.form == ord("a"):
            taken = value[pos : pos + part.length]
            out += taken
            pos += len(taken)
        repeats += 1
        if part.separator and pos < len(value):
            if value[pos] != part.separator:
                return False, pos
            pos += 1
        if part.terminator and pos < len(value) and value[pos] == part.terminator:
            pos += 1
            break
        if not (part.repeat and pos < len(value)):
            break
    if part.repeat:
        out[fixup] = repeats & 0xFF
    return True, pos
