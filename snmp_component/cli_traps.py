"""``snmpc trap``, ``snmpc inform`` and ``snmpc trapd``: net-snmp's ``snmptrap``,
``snmpinform`` and ``snmptrapd -f -Lo`` on the package's sender and listener.

Arguments after the receiver, as snmptrap's (``apps/snmptrap.c``):

* SNMPv2c/v3: ``UPTIME TRAP-OID [OID TYPE VALUE]...``;
* SNMPv1: ``ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...``.

As snmptrap: an empty ``UPTIME`` is the host's uptime (``/proc/uptime``), an empty
``AGENT-ADDR`` the host's first IPv4 address on an interface that is up and not loopback,
an empty ``ENTERPRISE`` ``.1.3.6.1.4.1.3.1.1``; ``GENERIC``, ``SPECIFIC`` and the SNMPv1
``UPTIME`` are read as C's ``atoi``/``atol`` read them; the varbinds are sent as given
(a ``sysUpTime.0`` among them too) after ``sysUpTime.0`` and ``snmpTrapOID.0``, their
values read as ``snmp_add_var`` reads them (checked against the MIB's type, enums, ranges
and DISPLAY-HINT), with its messages.

``trapd [ADDRESS]`` listens on ``ADDRESS`` (default ``127.0.0.1:162``) for the command
line's community (``-c``, default ``public``) or SNMPv3 user (``-u -l -a -A -x -X``) and
prints every notification as ``snmptrapd -f -Lo`` does (``apps/snmptrapd_log.c``): a
header line with the time, the sender's name and the transport, then the varbinds
tab-separated; an SNMPv1 trap as the enterprise, generic trap and uptime line, then its
varbinds on one line, each after a tab. ``-O`` letters apply as snmptrapd's (``-Oq`` and
``-Ot`` to the SNMPv1 uptime too); ``-Ov`` prints every value (snmptrapd 5.9.3 keeps
only the last one of each notification, and for an SNMPv1 trap not its header either).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import errors, names
from ._core import ber
from ._core.mibindex import MibNode
from ._core.oid import Oid
from ._core.pdu import RawVarbind
from ._core.sprint import uptime
from .kernel import Event, Kernel, Session
from .toolformat import ToolFormat
from .traps import SNMPTrapListener, TrapInfo, TrapSender
from .varbind import Varbind
from .varformat import KEEP_RAW

__all__ = ["GENERIC_TRAPS", "add_var", "host_address", "host_uptime", "listen", "send"]

GENERIC_TRAPS = ("Cold Start", "Warm Start", "Link Down", "Link Up",
                 "Authentication Failure", "EGP Neighbor Loss", "Enterprise Specific")  # fmt: skip
"""How snmptrapd names SNMPv1's generic traps 0..6."""

_DEFAULT_ENTERPRISE: Oid = (1, 3, 6, 1, 4, 1, 3, 1, 1)  # snmptrap's objid_enterprise
_SYS_UP_TIME: Oid = (1, 3, 6, 1, 2, 1, 1, 3, 0)


class NotifyError(Exception):
    """A message snmptrap prints on stderr before it exits with 1 (no prefix)."""


# ====================================================================== sending
async def send(
    command: str,
    options: dict[str, Any],
    words: list[str],
    varbinds: Callable[[list[str]], list[Varbind]],
    err: TextIO,
) -> int:
    """Send one trap (``command`` ``trap``) or inform as snmptrap / snmpinform do; the
    exit code (0: sent, or for an inform answered). ``varbinds`` is not used (snmptrap
    reads its ``OID TYPE VALUE`` triples as :func:`add_var` does, not as snmpset)."""
    version = str(options.get("Version", "2c"))
    sender = TrapSender(None, **options)
    inform = command == "inform"
    tool = "snmpinform" if inform else "snmptrap"
    warned: list[str] = []

    def warn(message: str) -> None:  # NETSNMP_LOGONCE: once a process
        if message not in warned:
            warned.append(message)
            print(message, file=err)

    try:
        try:  # the session first, as snmptrap opens it before it reads the arguments
            await sender.resolve()
        except errors.TransportError:  # (net-snmp 5.9.3: "snmptrap: " and no reason)
            raise NotifyError(f"{tool}: Unknown host ({sender.opts.host})") from None
        if version == "1":
            if inform:
                raise NotifyError("Cannot send INFORM as SNMPv1 PDU")
            enterprise, agent, generic, specific, ticks = await _v1_header(words)
            rest = _triples(words[5:], warn)
            await sender.send_v1_trap(enterprise, agent, generic, specific, rest, ticks)
            return 0
        ticks, trap_oid = _v2_header(words, warn)
        rest = _triples(words[2:], warn)
        if inform:
            await sender.inform(trap_oid, rest, ticks, dedupe=False)
        else:
            await sender.send_trap(trap_oid, rest, ticks, dedupe=False)
        return 0
    except NotifyError as exc:
        print(str(exc), file=err)
        return 1
    except errors.ErrorStatusError:
        return 0  # snmpinform: any Response acknowledges the inform
    except errors.SNMPTimeoutError:
        print(f"{tool}: Timeout", file=err)
        return 1
    except errors.SNMPError as exc:
        print(f"{tool}: {exc.error_str}", file=err)
        return 1
    finally:
        sender.close()


async def _v1_header(words: list[str]) -> tuple[Oid, bytes, int, int, int]:
    """snmptrap's SNMPv1 arguments: enterprise, agent address, generic, specific, uptime."""
    if not words:
        raise NotifyError("No enterprise oid")
    enterprise = _oid(words[0]) if words[0] else _DEFAULT_ENTERPRISE
    if len(words) < 2:
        raise NotifyError("Missing agent parameter")
    agent = await _agent_address(words[1]) if words[1] else host_address()
    if len(words) < 3:
        raise NotifyError("Missing generic-trap parameter")
    generic = _atoi(words[2])
    if len(words) < 4:
        raise NotifyError("Missing specific-trap parameter")
    specific = _atoi(words[3])
    if len(words) < 5:
        raise NotifyError("Missing uptime parameter")
    ticks = host_uptime() if not words[4] else _atol(words[4]) & 0xFFFFFFFF
    return enterprise, agent, generic, specific, ticks


def _v2_header(words: list[str], warn: Callable[[str], None]) -> tuple[int, Oid]:
    """snmptrap's SNMPv2 arguments: the uptime and the trap OID."""
    if not words:
        raise NotifyError("Missing up-time parameter")
    if words[0]:
        ticks = _strtoul(words[0])
        if ticks is None:  # snmptrap would send the trap without sysUpTime.0 (RFC 3416 wants it)
            raise NotifyError(f"{words[0]}: Bad value notation ({words[0]})")
        ticks = _truncated(ticks, warn)
    else:
        ticks = host_uptime()
    if len(words) < 2:
        raise NotifyError("Missing trap-oid parameter")
    return ticks, _oid(words[1])


def _triples(words: Sequence[str], warn: Callable[[str], None]) -> list[RawVarbind]:
    """snmptrap's ``OID TYPE VALUE`` triples, each as ``snmp_add_var`` reads it."""
    out: list[RawVarbind] = []
    for k in range(0, len(words), 3):
        if k + 3 > len(words):
            raise NotifyError(f"{words[k]}: Missing type/value for variable")
        name, letter, value = words[k : k + 3]
        out.append(add_var(name, _oid(name), letter[:1], value, warn))
    return out


def _truncated(number: int, warn: Callable[[str], None] | None) -> int:
    """``snmp_set_var_value``: a C ``long`` above 32 bits (not a negative one) is cut to
    32 bits, with a warning; what an unsigned type cannot hold wraps."""
    if 0xFFFFFFFF < number <= _LONG_MAX and warn is not None:
        warn("truncating integer value > 32 bits")
    return number & 0xFFFFFFFF


def _oid(text: str, label: str | None = None) -> Oid:
    """``snmp_parse_oid``, failing with snmp_perror's message (after ``label``: the
    varbind's name for an OID value; else ``text``)."""
    try:
        return names.resolve(text)
    except errors.UnknownObjectError:
        detail = ""
        first = text.split(".")[0]
        if first and "::" not in text and not first.isdigit():
            try:
                names.mib_index().resolve_name(first)
            except KeyError:
                detail = f" (Sub-id not found: (top) -> {first})"
        raise NotifyError(f"{label or text}: Unknown Object Identifier{detail}") from None


async def _agent_address(text: str) -> bytes:
    """``netsnmp_gethostbyname_v4``: the agent address of a name or an IPv4 address."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(text, None, family=socket.AF_INET, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        infos = []
    if not infos:
        raise NotifyError(f"unknown host: {text}")
    return socket.inet_aton(str(infos[0][4][0]))


def host_uptime() -> int:
    """net-snmp's ``get_uptime()``: the host's uptime in hundredths of a second (on Linux
    ``/proc/uptime``'s first field; elsewhere the monotonic clock, which counts from boot
    on most systems), as TimeTicks."""
    try:
        with open("/proc/uptime", encoding="ascii") as f:
            match = re.match(r"(\d+)\.(\d+)", f.read())
    except OSError:
        match = None
    if match is None:
        return int(time.monotonic() * 100) & 0xFFFFFFFF
    return (int(match[1]) * 100 + int(match[2])) & 0xFFFFFFFF


def host_address() -> bytes:
    """net-snmp's ``get_myaddr()``: the IPv4 address of the first interface (in the
    kernel's ``SIOCGIFCONF`` order) that is up, running and not loopback; ``0.0.0.0``
    when there is none or the host cannot say (outside Linux)."""
    none = b"\0\0\0\0"
    if not sys.platform.startswith("linux"):
        return none
    import array
    import fcntl

    ifreq = 40 if struct.calcsize("P") == 8 else 32
    siocgifconf, siocgifflags = 0x8912, 0x8913
    up_running, loopback = 0x1 | 0x40, 0x8
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        count, last = 8, -1
        while True:  # grow the buffer until the answer stops growing (as get_myaddr)
            buf = array.array("B", bytes(count * ifreq))
            request = struct.pack("iP", len(buf), buf.buffer_info()[0])
            try:
                size = struct.unpack("iP", fcntl.ioctl(sock.fileno(), siocgifconf, request))[0]
            except OSError:
                return none
            if size == last or size < len(buf) - ifreq:
                break
            count, last = count + 8, size
        table = buf.tobytes()[:size]
        for at in range(0, len(table) - ifreq + 1, ifreq):
            entry = table[at : at + ifreq]
            if struct.unpack_from("H", entry, 16)[0] != socket.AF_INET:
                continue
            addr = entry[20:24]
            try:
                flags = fcntl.ioctl(sock.fileno(), siocgifflags, entry[:16] + bytes(ifreq - 16))
            except OSError:
                continue
            bits = struct.unpack_from("h", flags, 16)[0]
            if bits & up_running == up_running and not bits & loopback and addr != b"\x7f\0\0\1":
                return addr
    return none


# ---------------------------------------------------------------------- snmp_add_var
_ERRORS = {"range": "Value out of range", "value": "Bad value notation",
           "type": "Bad variable type"}  # fmt: skip
# snmp_add_var's '=': the letter the object's MIB type takes
_LETTER_OF_TYPE = {"INTEGER": "i", "INTEGER32": "i", "GAUGE": "u", "UNSIGNED32": "u",
                   "COUNTER": "c", "COUNTER64": "C", "TICKS": "t", "OCTETSTR": "s",
                   "BITS": "b", "IPADDR": "a", "OBJECTID": "o"}  # fmt: skip
# the MIB types each letter fits, and the name snmp_add_var gives the letter's type
_FITS: dict[str, tuple[frozenset[str], str]] = {
    "i": (frozenset({"INTEGER", "INTEGER32"}), "INTEGER"),
    "u": (frozenset({"GAUGE", "UNSIGNED32"}), "Unsigned32"),
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
# net-snmp's names of the MIB types (type_error's "Type of attribute is ...")
_TYPE_NAMES = {"OBJECTID": "OBJECT IDENTIFIER", "OCTETSTR": "OCTET STRING",
               "INTEGER": "INTEGER", "IPADDR": "IpAddress", "COUNTER": "Counter32",
               "GAUGE": "Gauge32", "TICKS": "Timeticks", "OPAQUE": "Opaque",
               "COUNTER64": "Counter64", "BITS": "BITS", "UNSIGNED32": "Unsigned32",
               "INTEGER32": "Integer32"}  # fmt: skip


def _fail(name: str, kind: str, detail: str | None) -> NotifyError:
    """snmp_perror(name) after snmp_add_var failed: ``name: message (detail)``."""
    message = _ERRORS[kind] if detail is None else f"{_ERRORS[kind]} ({detail})"
    return NotifyError(f"{name}: {message}")


def add_var(
    name: str, oid: Oid, letter: str, value: str, warn: Callable[[str], None] | None = None
) -> RawVarbind:
    """net-snmp's ``snmp_add_var``: the varbind for ``OID TYPE VALUE`` (``letter`` the
    first character of TYPE), its value read and checked as net-snmp does against the
    MIB node the OID falls under (type, enums, ranges and sizes, DISPLAY-HINT).

    Raises:
        NotifyError: with snmp_perror's message (``ifIndex.1: Value out of range (x)``).

    ``warn`` is told what net-snmp only logs (an integer cut to 32 bits).
    """
    node = names.node_of(oid)
    mib_type = node.type if node is not None else None
    if letter == "=" and mib_type in _LETTER_OF_TYPE:
        letter = _LETTER_OF_TYPE[mib_type]
    fits = _FITS.get(letter)
    if fits is not None and mib_type is not None and mib_type not in fits[0]:
        have = _TYPE_NAMES.get(mib_type, mib_type)
        raise _fail(name, "type", f"Type of attribute is {have}, not {fits[1]}")
    if letter == "i":
        number = _integer(name, node, value)
        return oid, ber.INTEGER, _truncated(number, warn) if number > 0xFFFFFFFF else number
    if letter in ("u", "c", "t"):
        unsigned = _strtoul(value)
        if unsigned is None:
            raise _fail(name, "value", value)
        tag = {"u": ber.GAUGE32, "c": ber.COUNTER32, "t": ber.TIMETICKS}[letter]
        return oid, tag, _truncated(unsigned, warn)
    if letter == "C":
        big = _read64(value)
        if big is None:
            raise _fail(name, "value", value)
        return oid, ber.COUNTER64, big
    if letter == "a":
        try:
            return oid, ber.IPADDRESS, socket.inet_aton(value)
        except OSError:
            raise _fail(name, "value", value) from None
    if letter == "o":
        return oid, ber.OBJECT_IDENTIFIER, _oid(value, label=name)
    if letter in ("s", "x", "d"):
        return oid, ber.OCTET_STRING, _octets(name, node, letter, value)
    if letter == "n":
        return oid, ber.NULL, None
    if letter == "b":
        return oid, ber.OCTET_STRING, _bits(name, node, value)
    if letter in ("F", "D", "I", "U"):
        return oid, ber.OPAQUE, _opaque(name, letter, value)
    raise _fail(name, "type", f'"{letter}' + ('"' if letter else ""))


_FLOAT = re.compile(
    r"[ \t\n\v\f\r]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?|inf(?:inity)?|nan)", re.IGNORECASE
)


def _opaque(name: str, letter: str, value: str) -> bytes:
    """net-snmp's Opaque-wrapped special types (``F`` float, ``D`` double, ``I`` Int64,
    ``U`` UInt64): the Opaque's content, ``9f 78``..``9f 7b``, a length, the value."""
    if letter in ("F", "D"):
        match = _FLOAT.match(value)  # sscanf("%f"): the leading number
        if match is None:
            raise _fail(name, "value", value)
        number = float(match[0])
        packed = struct.pack(">f" if letter == "F" else ">d", number)
        kind = ber.OPAQUE_FLOAT if letter == "F" else ber.OPAQUE_DOUBLE
    else:
        big = _read64(value)
        if big is None:
            raise _fail(name, "value", value)
        if letter == "I":
            signed = big - 2**64 if big >= 2**63 else big
            size = ((signed if signed >= 0 else ~signed).bit_length() + 8) // 8  # minimal
            packed = signed.to_bytes(size, "big", signed=True)
            kind = ber.OPAQUE_I64
        else:
            packed = big.to_bytes(max(1, (big.bit_length() + 8) // 8), "big")
            kind = ber.OPAQUE_U64
    return bytes([0x9F, kind, len(packed)]) + packed


def _integer(name: str, node: MibNode | None, value: str) -> int:
    if not value:
        raise _fail(name, "value", value)
    number, rest = _strtol(value, 10)
    if rest != len(value):
        enums = node.enums if node is not None and node.enums else {}
        if value not in enums:
            raise _fail(name, "range", value)
        number = enums[value]
    _check_range(name, node.ranges if node is not None else None, number, value)
    return number


def _check_range(
    name: str, ranges: tuple[tuple[int, int], ...] | None, number: int, message: str
) -> None:
    """``_check_range``: outside the MIB's ranges is ``Value out of range (message ::
    {(lo..hi), ...})``."""
    if not ranges or any(lo <= number <= hi for lo, hi in ranges):
        return
    shown = ", ".join(f"({lo}..{hi})" if lo != hi else f"({lo})" for lo, hi in ranges)
    raise _fail(name, "range", f"{message} :: {{{shown}}}")


def _octets(name: str, node: MibNode | None, letter: str, value: str) -> bytes:
    sizes = node.sizes if node is not None else None
    hint = node.hint if node is not None else None
    if letter == "s" and hint:
        hinted = parse_octet_hint(hint, value.encode("utf-8", "surrogateescape"))
        if hinted is not None:
            _check_range(name, sizes, len(hinted), "Value does not match DISPLAY-HINT")
            return hinted
    if letter == "d":
        octets = _decimal_octets(value)
    elif letter == "x":
        octets = _hex_octets(value)
    else:
        octets = value.encode("utf-8", "surrogateescape")
    if octets is None:
        raise _fail(name, "value", value)
    _check_range(name, sizes, len(octets), "Bad string length")
    return octets


def _bits(name: str, node: MibNode | None, value: str) -> bytes:
    enums = node.enums if node is not None and node.enums else {}
    size = max((bit // 8 + 1 for bit in enums.values()), default=0)
    octets = bytearray(256)
    for word in re.split(r"[ ,\t]+", value):
        if not word:
            continue
        number, rest = _strtol(word, 0, unsigned=True)
        if rest != len(word):
            if word not in enums:
                raise _fail(name, "range", word)
            number = enums[word]
        if number >= 8 * 65535:  # more than an OCTET STRING holds
            raise _fail(name, "range", word)
        index = number // 8
        if index >= len(octets):
            octets.extend(bytes(index + 1 - len(octets)))
        size = max(size, index + 1)
        octets[index] |= 0x80 >> (number % 8)
    return bytes(octets[:size])


def _decimal_octets(text: str) -> bytes | None:
    """``snmp_decimal_to_binary``: numbers 0..255 apart by spaces or dots."""
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char in _C_SPACE or char == ".":
            i += 1
            continue
        if not "0" <= char <= "9":
            return None
        digits = re.match(r"\d+", text[i:])
        assert digits is not None
        if int(digits[0]) > 255:
            return None
        out.append(int(digits[0]))
        i += len(digits[0])
    return bytes(out)


def _hex_octets(text: str) -> bytes | None:
    """``snmp_hex_to_binary``: pairs of hex digits (after an optional ``0x``), spaces
    between them."""
    if text[:2] in ("0x", "0X"):
        text = text[2:]
    out = bytearray()
    i = 0
    hexdigits = "0123456789abcdefABCDEF"
    while i < len(text):
        if text[i] not in hexdigits or i + 1 >= len(text) or text[i + 1] not in hexdigits:
            if text[i] == " ":
                i += 1
                continue
            return None
        out.append(int(text[i : i + 2], 16))
        i += 2
    return bytes(out)


def parse_octet_hint(hint: str, octets: bytes) -> bytes | None:
    """net-snmp's ``parse_octet_hint``: the octets of a command-line value read by a
    DISPLAY-HINT (RFC 2579 3.1); ``None`` when they do not fit it (snmp_add_var then
    takes the value as it is)."""
    value = octets.decode("latin-1")  # one character an octet, as C reads it
    state = 0  # 0: HINT_1_2, 1: HINT_2_3, 2: HINT_1_2_4, 3: HINT_1_2_5
    spec = _HintSpec()
    out = bytearray()
    at = [0]
    ok = True
    for char in hint:
        if at[0] >= len(value) or not ok:
            break
        if state == 0:
            if char == "*":
                spec.repeat, state = True, 1
            elif char.isdigit():
                spec.length, state = spec.length * 10 + int(char), 1
            else:
                return None
        elif state == 1:
            if char.isdigit():
                spec.length = spec.length * 10 + int(char)
            elif char in "xdoa":
                spec.format, state = char, 2
            else:
                return None
        elif char == "*" or char.isdigit():  # states 2, 3: a new part
            ok = spec.parse(value, at, out)
            spec = _HintSpec()
            if char == "*":
                spec.repeat = True
            else:
                spec.length = int(char)
            state = 1
        elif state == 2:
            spec.separator, state = char, 3
        else:
            spec.terminator = char
            ok = spec.parse(value, at, out)
            spec, state = _HintSpec(), 0
    while at[0] < len(value) and ok:
        before = at[0]
        ok = spec.parse(value, at, out)
        if at[0] == before:  # a hint that reads nothing more (net-snmp loops forever)
            return None
    return bytes(out) if ok else None


class _HintSpec:
    """One part of a DISPLAY-HINT being read (``parse_hints``)."""

    def __init__(self) -> None:
        self.length = 0
        self.repeat = False
        self.format = ""
        self.separator = ""
        self.terminator = ""

    def parse(self, value: str, at: list[int], out: bytearray) -> bool:
        """``parse_hints_parse``: read this part at ``value[at[0]:]`` into ``out``."""
        v = at[0]
        fixup = len(out)
        if self.repeat:
            out.append(0)
        repeats = 0
        while True:
            if self.format in ("x", "d", "o"):
                base = {"x": 16, "d": 10, "o": 8}[self.format]
                number, end = _strtol(value[v:], base)
                if end == 0:
                    return False
                v += end
                number &= 0xFFFFFFFFFFFFFFFF
                for i in range(self.length):
                    out.append((number >> (8 * (self.length - 1 - i))) & 0xFF)
            elif self.format == "a":
                for _ in range(self.length):
                    if v >= len(value):
                        break
                    out.append(ord(value[v]))
                    v += 1
            repeats += 1
            if self.separator and v < len(value):
                if value[v] != self.separator:
                    return False
                v += 1
            if self.terminator and v < len(value) and value[v] == self.terminator:
                v += 1
                break
            if not (self.repeat and v < len(value)):
                break
        if self.repeat:
            out[fixup] = repeats & 0xFF
        at[0] = v
        return True


# ---------------------------------------------------------------------- C's number parsing
_C_SPACE = " \t\n\v\f\r"
_LONG_MAX = 2**63 - 1
_LONG_MIN = -(2**63)
_ULONG_MAX = 2**64 - 1


def _strtol(text: str, base: int, unsigned: bool = False) -> tuple[int, int]:
    """C's ``strtol``/``strtoul``: ``(value, characters used)``, 0 used when there is no
    number; clamped as C clamps (``strtoul`` wraps a negative number)."""
    match = re.match(r"[ \t\n\v\f\r]*([+-]?)", text)
    assert match is not None
    i = match.end()
    if base in (0, 16) and text[i : i + 2].lower() == "0x" and _digits(text[i + 2 :], 16):
        i, base = i + 2, 16
    elif base == 0:
        base = 8 if text[i : i + 1] == "0" else 10
    digits = _digits(text[i:], base)
    if not digits:
        return 0, 0
    number = int(digits, base)
    used = i + len(digits)
    if unsigned:
        if number > _ULONG_MAX:
            return _ULONG_MAX, used
        return (-number if match[1] == "-" else number) & _ULONG_MAX, used
    number = -number if match[1] == "-" else number
    return min(max(number, _LONG_MIN), _LONG_MAX), used


def _digits(text: str, base: int) -> str:
    allowed = "0123456789abcdef"[:base]
    n = 0
    while n < len(text) and text[n].lower() in allowed:
        n += 1
    return text[:n]


def _strtoul(text: str) -> int | None:
    """``strtoul(text, &end, 10)`` that must use every character (``snmp_add_var``)."""
    number, used = _strtol(text, 10, unsigned=True)
    return number if text and used == len(text) else None


def _atoi(text: str) -> int:
    """C's ``atoi``: the leading number, 0 if none (as an ``int``: 32 bits, wrapped)."""
    number = _strtol(text, 10)[0] & 0xFFFFFFFF
    return number - 2**32 if number >= 2**31 else number


def _atol(text: str) -> int:
    return _strtol(text, 10)[0]


def _read64(text: str) -> int | None:
    """net-snmp's ``read64``: an optional ``-`` and the leading digits (at least one)."""
    negative = text.startswith("-")
    digits = _digits(text[1:] if negative else text, 10)
    if not digits:
        return None
    number = int(digits) & _ULONG_MAX
    return (-number if negative else number) & _ULONG_MAX


# ====================================================================== receiving
async def listen(
    address: str,
    options: dict[str, Any],
    fmt: ToolFormat,
    out: TextIO,
    stop_after: int | None = None,
) -> int:
    """``snmptrapd -f -Lo``: print notifications until SIGINT/SIGTERM (or ``stop_after``
    of them) arrive at ``address`` (:func:`listen_address`); 0."""
    host, port = listen_address(address)
    kernel = Kernel()
    listener = SNMPTrapListener.create(
        kernel, Alias="trapd", LocalAddr=host, LocalPort=port, **options
    )
    listener.use_format(KEEP_RAW)
    printed = 0

    async def on_trap(ev: Event) -> None:
        nonlocal printed
        source, _version, raws, info = ev.args
        name = await _host_name(source[0])
        print(_lines(fmt, source, raws, info, name, listener.port), file=out, flush=True)
        printed += 1
        if stop_after is not None and printed >= stop_after:
            kernel.stop()

    def start(ev: Event) -> None:
        ev.kernel.post("trapd", "subscribe", "trap")

    Session.create(kernel, {"_start": start, "trap": on_trap})
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, kernel.stop)
    # the signals stop it cleanly from here on (a test may send SIGTERM on this line)
    print(f"snmp_component trapd listening on [{host}]:{listener.port}", file=out, flush=True)
    await kernel.run_async()
    return 0


def listen_address(address: str) -> tuple[str, int]:
    """snmptrapd's listening address as ``(host, port)``: ``[udp:]HOST[:PORT]``,
    ``udp6:[ADDR][:PORT]`` or ``[ADDR]:PORT``; a port alone (``udp:1162``, ``1162``) is on
    every address, as snmptrapd's; the port defaults to 162.

    Raises:
        ConfigurationError: a transport other than UDP, or a port that is no number.
    """
    spec = address
    six = spec.lower().startswith("udp6:")
    transport, colon, rest = spec.partition(":")
    if colon and transport.lower() in ("udp", "udp6"):
        spec = rest
    elif colon and transport.lower() in ("tcp", "tcp6", "unix", "dtlsudp", "tls", "tlstcp"):
        raise errors.ConfigurationError(f"{address}: only UDP transports are supported")
    if spec.isdigit():
        return ("::" if six else "0.0.0.0"), int(spec)
    if spec.startswith("["):
        host, _, tail = spec[1:].partition("]")
        port = tail.removeprefix(":") or "162"
    elif spec.count(":") == 1:
        host, _, port = spec.partition(":")
    else:  # a name, an IPv4 address or an IPv6 one without brackets: no port
        host, port = spec, "162"
    if not port.isdigit():
        raise errors.ConfigurationError(f"{address}: bad port {port!r}")
    return host or ("::" if six else "0.0.0.0"), int(port)


async def _host_name(ip: str) -> str:
    """The sender's name as snmptrapd shows it: a reverse lookup, ``<UNKNOWN>`` if none."""
    try:
        name, _aliases, _addrs = await asyncio.to_thread(socket.gethostbyaddr, ip)
    except (OSError, UnicodeError):
        return "<UNKNOWN>"
    return name


def _transport(source: tuple[str, int], info: TrapInfo, port: int) -> str:
    """The transport as net-snmp's UDP transports format it (``f_fmtaddr``)."""
    if ":" in source[0]:
        return f"UDP/IPv6: [{source[0]}]:{source[1]}"
    local = info.local or ("0.0.0.0", port)
    return f"UDP: [{source[0]}]:{source[1]}->[{local[0]}]:{local[1]}"


def _printable(octets: bytes) -> str:
    """A community or user name as snmptrapd prints it: ``.`` for what is not printable."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in octets)


def _lines(
    fmt: ToolFormat,
    source: tuple[str, int],
    raws: Sequence[RawVarbind],
    info: TrapInfo,
    name: str,
    port: int,
) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    transport = _transport(source, info, port)
    if info.pdu != "trap-v1":
        body = "\t".join(fmt.line(raw) for raw in raws)
        return f"{stamp} {name} [{transport}]:\n{body}"
    # an SNMPv1 trap (realloc_format_plain_trap): its fields, its own varbinds
    ticks = raws[0][2] if raws and isinstance(raws[0][2], int) else 0
    own = raws[2 : len(raws) - info.appended]
    enterprise = info.enterprise or ()
    generic = info.generic_trap if info.generic_trap is not None else 0
    specific = info.specific_trap if info.specific_trap is not None else 0
    agent = info.agent_addr or "0.0.0.0"
    community = _printable(info.community or b"")
    head = (f"{stamp} {agent} [{agent}] (via {transport}) TRAP, SNMP v1, "
            f"community {community}")  # fmt: skip
    code = str(specific)
    if generic == 6:  # enterprise specific: the last part of enterprise.0.specific's name
        base = enterprise if enterprise[-1:] == (0,) else (*enterprise, 0)
        code = fmt.name((*base, specific)).rsplit(".", 1)[-1]
    described = GENERIC_TRAPS[generic] if 0 <= generic <= 6 else "Unknown Type"
    style = fmt.options
    shown = str(ticks) if style.style.numeric_timeticks else uptime(ticks, quick=style.quick)
    trap = f"\t{fmt.name(enterprise)} {described} Trap ({code}) Uptime: {shown}"
    return "\n".join([head, trap, "".join(f"\t{fmt.line(raw)}" for raw in own)])
