"""Table instances: the OID arcs after a column, decoded by the row's INDEX clause. Pure.

One decoder (:func:`decode_instance`) splits an instance into its INDEX components as
net-snmp's ``_get_realloc_symbol`` does (RFC 2578 section 7.7), and two renderers use it:

* :func:`instance_text` -- the instance as net-snmp's tools print it after the column name
  (``ipv4."10.0.0.1"``, ``"public"``, ``'....V.'``, ``up``);
* :func:`instance_key` -- a row key for ``get_table`` (``(1, "10.0.0.1")``, ``"public"``).

The reverse, :func:`encode_instance`, reads such text back into arcs as net-snmp's
``_add_strings_to_oid`` does (names given to the tools, ``ifType.1``,
``vacmAccessContextMatch."grp"."".0.noAuthNoPriv``), with its range and SIZE checks. What
it prints and reads back agree except where the printed form lost octets (``.`` for one
outside ``isprint``, unescaped quotes) -- and for typed ``InetAddress`` indexes, which
are read as the address net-snmp prints (``ipv4."10.0.0.1"``: 4 octets) where net-snmp
itself takes the characters.

How each INDEX object takes its arcs (net-snmp 5.9's rules):

* integers (``INTEGER``, ``Integer32``, ``Unsigned32``, ``Gauge32``, ``UInteger32``,
  ``TimeTicks``): one arc, printed as the enum label when the object names that number;
* ``IpAddress``: four arcs; SMIv1's ``NetworkAddress``: a type arc (1) and four;
* ``OCTET STRING``: the rest of the arcs when IMPLIED, else a fixed number of arcs when the
  SYNTAX has one fixed SIZE (``MacAddress``: 6), else a length arc and that many; printed
  quoted, ``'...'`` for the first two forms and ``"..."`` for the last, octets outside
  ``isprint`` as ``.``. An ``InetAddress`` whose preceding column is an ``InetAddressType``
  is printed as an address by the type arc before it: ``ipv4."10.0.0.1"``,
  ``ipv6."fe:80:00:...:01"``, zones as ``%N``;
* ``OBJECT IDENTIFIER``: the rest when IMPLIED, else a length arc and that many (printed
  with the length, as net-snmp does);
* any other type, an INDEX object the MIBs do not know, or arcs that do not fit: decoding
  stops there, and the arcs left are printed as numbers after what was decoded.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from .mibindex import MibIndex, MibNode
from .oid import MAX_OID_LENGTH, MAX_SUBID, Oid, format_oid
from .sprint import (
    NETWORK_ADDRESS_OBJECTS,
    SprintStyle,
    hinted_octets,
    sprint_hinted_index,
    uptime,
)
from .values import octets_to_val

__all__ = [
    "BadInstance",
    "IndexObject",
    "IndexStep",
    "IndexSyntax",
    "Instance",
    "Key",
    "NameOverflow",
    "Piece",
    "RowIndex",
    "bracketed_text",
    "decode_instance",
    "encode_instance",
    "index_of",
    "index_syntax",
    "instance_key",
    "instance_text",
    "parse_octet_hint",
    "resolve_indexes",
    "row_index",
]

Kind = Literal["int", "ipaddr", "netaddr", "octets", "oid"]
Key = int | str | bytes | tuple[int | str | bytes, ...]
"""A row key: ``int``, ``str``, ``bytes`` or a tuple of them."""

# net-snmp's index types (parse.h TYPE_*) by our type names; others stop the decoding.
_KINDS: dict[str, Kind] = {
    "INTEGER": "int",
    "INTEGER32": "int",
    "UNSIGNED32": "int",
    "GAUGE": "int",
    "UINTEGER": "int",
    "TICKS": "int",
    "IPADDR": "ipaddr",
    "OCTETSTR": "octets",
    "OBJECTID": "oid",
}
# InetAddressType values net-snmp prints an InetAddress index by: (octets, zone octets)
_INET_SIZES = {1: (4, 0), 2: (16, 0), 3: (4, 4), 4: (16, 4)}
_TEXT_HINT = re.compile(r"\d*[at]")  # a text DISPLAY-HINT: "255a", "32t"


@dataclass(frozen=True, slots=True)
class IndexObject:
    """One object of an INDEX clause, with what decoding it needs to know."""

    node: MibNode
    kind: Kind | None
    """How it takes its arcs; ``None``: a type no index decoding handles (stop there)."""
    fixed: int | None = None
    """The octets of a fixed-size ``OCTET STRING`` (no length arc), else ``None``."""
    typed_inet: bool = False
    """An ``InetAddress`` whose preceding column is an ``InetAddressType``."""


@dataclass(frozen=True, slots=True)
class RowIndex:
    """The INDEX clause of a conceptual row, resolved (see :func:`row_index`)."""

    objects: tuple[IndexObject | None, ...]
    """In INDEX order; ``None`` for a name the MIBs do not know."""
    implied: bool
    """The last object is IMPLIED."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One decoded INDEX component."""

    obj: IndexObject
    arcs: Oid
    """The arcs it took (a length arc included)."""
    quote: str
    """Octet strings: ``'"'`` when length-prefixed, ``"'"`` when IMPLIED or fixed-size."""
    inet: int | None = None
    """Typed ``InetAddress``: the address type (the arc before it), else ``None``."""

    @property
    def value_arcs(self) -> Oid:
        """The arcs of the value itself (without a length arc)."""
        return self.arcs[1:] if self.quote == '"' else self.arcs


@dataclass(frozen=True, slots=True)
class Instance:
    """An instance split by its INDEX: the decoded pieces, then the arcs left over."""

    pieces: tuple[Piece, ...]
    rest: Oid

    @property
    def complete(self) -> bool:
        """Every arc was decoded."""
        return not self.rest


def _fixed_size(node: MibNode) -> int | None:
    sizes = node.sizes
    if sizes and len(sizes) == 1 and sizes[0][0] == sizes[0][1]:
        return sizes[0][0]
    return None


def _previous_column(index: MibIndex, node: MibNode) -> MibNode | None:
    """The sibling with the next lower sub-identifier (net-snmp's ``next_peer``)."""
    parent = node.oid[:-1]
    for arc in range(node.oid[-1] - 1, -1, -1):
        found = index.node_at((*parent, arc))
        if found is not None:
            return found
    return None


def _index_object(node: MibNode, index: MibIndex | None) -> IndexObject:
    kind = _KINDS.get(node.type or "")
    if kind == "ipaddr" and (node.module, node.name) in NETWORK_ADDRESS_OBJECTS:
        kind = "netaddr"
    fixed = _fixed_size(node) if kind == "octets" else None
    typed_inet = False
    if kind == "octets" and node.tc == "InetAddress" and index is not None:
        before = _previous_column(index, node)
        typed_inet = before is not None and before.tc == "InetAddressType"
    return IndexObject(node, kind, fixed, typed_inet)


def index_of(
    nodes: Sequence[MibNode | None], implied: bool, index: MibIndex | None = None
) -> RowIndex:
    """A :class:`RowIndex` of INDEX objects already resolved (``None``: unknown). Without
    ``index`` no ``InetAddress`` is known to follow an ``InetAddressType``."""
    return RowIndex(
        tuple(None if node is None else _index_object(node, index) for node in nodes), implied
    )


def resolve_indexes(index: MibIndex, row: MibNode) -> tuple[MibNode | None, ...] | None:
    """The INDEX objects of ``row`` (AUGMENTS rows carry the augmented row's), each name
    resolved in the row's module first, then in any module (``None``: unknown); ``None``
    when the row has no INDEX."""
    if not row.indexes:
        return None
    found: list[MibNode | None] = []
    for name in row.indexes:
        node = None
        for module in (row.module, None):
            try:
                node = index.resolve_name(name, module)
                break
            except KeyError:
                continue
        found.append(node)
    return tuple(found)


def row_index(index: MibIndex, row: MibNode) -> RowIndex | None:
    """The INDEX of ``row`` resolved for decoding, or ``None`` when it has none."""
    nodes = resolve_indexes(index, row)
    return None if nodes is None else index_of(nodes, row.implied, index)


def decode_instance(arcs: Oid, row: RowIndex | None) -> Instance:
    """``arcs`` split by the INDEX ``row`` (see the module docstring)."""
    pieces: list[Piece] = []
    pos, n = 0, len(arcs)
    if row is not None:
        last = len(row.objects) - 1
        for i, obj in enumerate(row.objects):
            if pos >= n or obj is None or obj.kind is None:
                break
            piece = _take(obj, arcs, pos, implied=i == last and row.implied)
            if piece is None:
                break
            pieces.append(piece)
            pos += len(piece.arcs)
    return Instance(tuple(pieces), arcs[pos:])


def _take(obj: IndexObject, arcs: Oid, pos: int, implied: bool) -> Piece | None:
    """The piece ``obj`` takes from ``arcs[pos:]``, or ``None`` if they do not fit."""
    left = len(arcs) - pos
    kind = obj.kind
    if kind == "int":
        return Piece(obj, arcs[pos : pos + 1], "")
    if kind == "ipaddr":
        return Piece(obj, arcs[pos : pos + 4], "") if left >= 4 else None
    if kind == "netaddr":
        return Piece(obj, arcs[pos : pos + 5], "") if arcs[pos] == 1 and left >= 5 else None
    if kind == "oid":
        if implied:
            return Piece(obj, arcs[pos:], "'")
        size = arcs[pos] + 1
        return Piece(obj, arcs[pos : pos + size], '"') if size <= left else None
    # octets
    if implied:
        return Piece(obj, arcs[pos:], "'")
    if obj.fixed is not None:
        return Piece(obj, arcs[pos : pos + obj.fixed], "'") if obj.fixed <= left else None
    size = arcs[pos] + 1
    if size > left:
        return None
    inet = arcs[pos - 1] if obj.typed_inet and pos > 0 else None
    return Piece(obj, arcs[pos : pos + size], '"', inet)


# -- net-snmp's text ------------------------------------------------------------------------------


def _dump(arcs: Oid, quote: str) -> str:
    """net-snmp's ``dump_realloc_oid_to_string``: octets as characters, ``.`` for those
    outside C's ``isprint``; nothing at all (not even quotes) for no octets. ``quote``
    may be an escaped one (``-OE``: ``\\"``)."""
    if not arcs:
        return ""
    return quote + "".join(chr(a) if 0x20 <= a <= 0x7E else "." for a in arcs) + quote


def _inet_text(kind: int, arcs: Oid) -> str | None:
    """net-snmp's ``dump_realloc_oid_to_inetaddress``, or ``None`` (not handled)."""
    sizes = _INET_SIZES.get(kind)
    if sizes is None or len(arcs) != sum(sizes) or any(a > 255 for a in arcs):
        return None
    octets, zone = sizes
    if octets == 4:
        text = ".".join(map(str, arcs[:4]))
    else:
        text = ":".join(f"{a:02x}" for a in arcs[:16])
    if zone:
        text += f"%{int.from_bytes(bytes(arcs[octets:]), 'big')}"
    return f'"{text}"'


def _piece_text(piece: Piece, escape: bool = False) -> str:
    kind = piece.obj.kind
    if kind == "int":
        number = piece.arcs[0]
        for label, value in (piece.obj.node.enums or {}).items():
            if value == number:
                return label
        return str(number)
    if kind != "octets":  # ipaddr, netaddr, oid: the arcs as numbers
        return ".".join(map(str, piece.arcs))
    if piece.quote == '"':
        quote = '\\"' if escape else '"'
        if len(piece.arcs) == 1:
            return quote + quote
        if piece.inet is not None:
            text = _inet_text(piece.inet, piece.arcs[1:])
            if text is not None:
                return text  # (net-snmp escapes no quotes here)
        return _dump(piece.arcs[1:], quote)
    return _dump(piece.arcs, "\\'" if escape else "'")


def instance_text(instance: Instance, escape_quotes: bool = False) -> str:
    """The instance as net-snmp's tools print it after the object's name (no leading dot);
    ``escape_quotes``: string indexes' quotes escaped (``-OE``)."""
    parts = [_piece_text(piece, escape_quotes) for piece in instance.pieces]
    parts.extend(map(str, instance.rest))
    return ".".join(parts)


class NameOverflow(Exception):
    """-OX: where net-snmp gives up on a name (and prints it ``[TRUNCATED]``): an OBJECT
    IDENTIFIER index whose first arc is no top-level node (``ccitt``, ``iso``,
    ``joint-iso-ccitt``) -- ``netsnmp_sprint_realloc_objid_tree`` finds no node for it,
    which its caller takes for a full buffer."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text
        """The instance as far as net-snmp had printed it (the offending OID included)."""


def bracketed_text(
    instance: Instance,
    row: RowIndex,
    *,
    oid_text: Callable[[Oid], str],
    quick: bool,
    style: SprintStyle,
    escape_quotes: bool = False,
) -> str:
    """The instance as net-snmp prints it with ``-OX`` (its extended index): each decoded
    INDEX component in brackets, ``[1]``, ``["10.0.0.1"]``. Components print as without
    ``-OX`` except three, as net-snmp's ``_get_realloc_symbol``: an OCTET STRING whose
    object has a DISPLAY-HINT by that hint (``[STRING: 0:1a:2b:3c:4d:5e]``), an OBJECT
    IDENTIFIER as a name by ``oid_text`` (``[SNMPv2-MIB::sysDescr]``) and TimeTicks as a
    time (``[0:00:01.00]``; ``quick`` and ``style`` as for values). The arcs no INDEX
    object took follow as numbers (``[1].7``, no leading dot when nothing was decoded);
    where a known INDEX object could not take its arcs, net-snmp leaves its bracket open
    (``[.5.1``).

    Raises:
        NameOverflow: an OBJECT IDENTIFIER component net-snmp cannot name.
    """
    text = ""
    for k, piece in enumerate(instance.pieces):
        obj, arcs = piece.obj, piece.value_arcs
        if obj.kind == "octets" and obj.node.hint:
            octets = bytes(a & 0xFF for a in arcs)  # (net-snmp's u_char buffer)
            shown = sprint_hinted_index(octets, obj.node.hint, quick=quick, style=style)
        elif obj.kind == "oid":
            if not arcs:  # net-snmp looks at the arc after it: iso for an ipv4 that follows
                # (after the last arc it reads whatever its buffer holds; here: gives up)
                after = [*(p.arcs[0] for p in instance.pieces[k + 1 :]), *instance.rest][:1]
                if not after or after[0] > 2:
                    raise NameOverflow(f"{text}[")
                arcs = (after[0],)
            elif arcs[0] > 2:
                raise NameOverflow(f"{text}[.{'.'.join(map(str, arcs))}")
            shown = oid_text(arcs)
        elif obj.node.type == "TICKS":
            shown = str(arcs[0]) if style.numeric_timeticks else uptime(arcs[0], quick)
        else:
            shown = _piece_text(piece, escape_quotes)
        text += f"[{shown}]"
    if not instance.rest:
        return text
    stopped = len(instance.pieces)
    if stopped < len(row.objects) and row.objects[stopped] is not None:
        text += "["  # (net-snmp opened it before finding that the arcs do not fit)
    numbers = ".".join(map(str, instance.rest))
    return f"{text}.{numbers}" if text else numbers


# -- row keys -------------------------------------------------------------------------------------


def _octets_key(raw: bytes, piece: Piece) -> str | bytes:
    node = piece.obj.node
    if node.tc in ("InetAddress", "Ipv6Address") and len(raw) in (4, 16):
        return str(ipaddress.ip_address(raw))
    hint = node.hint
    if hint and not _TEXT_HINT.fullmatch(hint):
        text = hinted_octets(raw, hint)
        if text is not None:
            return text
    return octets_to_val(raw)


def _piece_key(piece: Piece) -> int | str | bytes | None:
    kind = piece.obj.kind
    arcs = piece.value_arcs
    if kind == "int":
        return arcs[0]
    if kind == "oid":
        return format_oid(arcs)
    if any(a > 255 for a in arcs):
        return None
    if kind == "ipaddr":
        return ".".join(map(str, arcs))
    if kind == "netaddr":
        return ".".join(map(str, arcs[1:]))
    return _octets_key(bytes(arcs), piece)


def instance_key(instance: Instance, row: RowIndex) -> Key | None:
    """A row key: one value per INDEX object (a tuple for several), or ``None`` when the
    instance does not decode completely into exactly those objects.

    Integers are ``int``; IP addresses and ``InetAddress``/``Ipv6Address`` octets of 4 or
    16 are address text (``"192.0.2.1"``, ``"::1"``); OBJECT IDENTIFIERs ``".1.3.6.1"``;
    other octet strings the DISPLAY-HINT rendering for non-text hints
    (``"0:1a:2b:3c:4d:5e"``), else text when printable UTF-8, else ``bytes``.
    """
    if not instance.complete or len(instance.pieces) != len(row.objects):
        return None
    values: list[int | str | bytes] = []
    for piece in instance.pieces:
        value = _piece_key(piece)
        if value is None:
            return None
        values.append(value)
    return values[0] if len(values) == 1 else tuple(values)


# -- reading instances back: net-snmp's _add_strings_to_oid ---------------------------------------

_SIGNED = frozenset({"INTEGER", "INTEGER32"})
_TOO_LONG = f"more than {MAX_OID_LENGTH} sub-identifiers"
# the index types net-snmp's parser reads as one integer arc (parse.h TYPE_*: no Gauge32)
_PARSED_INTS = frozenset({"INTEGER", "INTEGER32", "UNSIGNED32", "UINTEGER", "TICKS"})
_ASCII_DIGITS = frozenset("0123456789")
_NETSNMP_IPV6 = re.compile(r"[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){15}")


@dataclass(frozen=True, slots=True)
class IndexStep:
    """One INDEX object as net-snmp reads its part of an instance given as text."""

    label: str
    """Its name in the INDEX clause (net-snmp's ``in_dices->ilabel``)."""
    obj: IndexObject | None
    """What is known of it; ``None``: the MIBs do not know it (the rest is read plainly)."""
    kind: Kind | None
    """How net-snmp reads it (``None``: as plain numbers and strings, like what follows
    the INDEX: an OBJECT IDENTIFIER, a Gauge32 or another type its parser has no case for)."""
    implied: bool
    """The IMPLIED last object."""
    ranges: tuple[tuple[int, int], ...]
    """Integers: the values allowed, compared as net-snmp does (signed for INTEGER and
    Integer32, else unsigned 32-bit); empty: any."""
    signed: bool


@dataclass(frozen=True, slots=True)
class IndexSyntax:
    """A row's INDEX clause as net-snmp reads an instance given as text (see
    :func:`encode_instance`)."""

    steps: tuple[IndexStep, ...]

    @property
    def labels(self) -> tuple[str, ...]:
        """The INDEX objects' names."""
        return tuple(step.label for step in self.steps)


def _step(label: str, obj: IndexObject | None, implied: bool) -> IndexStep:
    if obj is None:
        return IndexStep(label, None, None, implied, (), False)
    node = obj.node
    kind = obj.kind if node.type in _PARSED_INTS or obj.kind != "int" else None
    if kind == "oid":
        kind = None
    signed = node.type in _SIGNED
    ranges = tuple(node.ranges or ()) if kind == "int" else ()
    if not signed:
        ranges = tuple((low & MAX_SUBID, high & MAX_SUBID) for low, high in ranges)
    return IndexStep(label, obj, kind, implied, ranges, signed)


def index_syntax(index: MibIndex, row: MibNode) -> IndexSyntax | None:
    """The INDEX net-snmp reads the instance of a column of ``row`` by: the row's own, or
    for an AUGMENTS row the augmented row's (one step, as net-snmp's ``in_dices``);
    ``None`` when there is none."""
    source = row
    if row.augments:
        for module in (row.module, None):
            try:
                source = index.resolve_name(row.augments, module)
                break
            except KeyError:
                continue
    if not source.indexes:
        return None
    nodes = resolve_indexes(index, source)
    assert nodes is not None
    objects = index_of(nodes, source.implied, index).objects
    last = len(objects) - 1
    return IndexSyntax(
        tuple(
            _step(label, obj, i == last and source.implied)
            for i, (label, obj) in enumerate(zip(source.indexes, objects, strict=True))
        )
    )


class BadInstance(ValueError):
    """An instance text net-snmp refuses: the message says why; ``detail`` is what
    net-snmp's tools print in parentheses after ``Unknown Object Identifier``
    (``Index out of range: 0 (ifIndex)``)."""

    def __init__(self, detail: str, why: str = "") -> None:
        super().__init__(why or detail)
        self.detail = detail


class _Bad(Exception):
    """net-snmp's ``goto bad_id`` at the text ``fcp`` (its detail depends on where), and
    why in words."""

    def __init__(self, fcp: str, why: str = "") -> None:
        super().__init__(fcp)
        self.fcp = fcp
        self.why = why


def _ranges_text(ranges: tuple[tuple[int, int], ...] | None) -> str:
    return " | ".join(f"{low}..{high}" if low != high else str(low) for low, high in ranges or ())


def _component(text: str, pos: int) -> tuple[str, int | None]:
    """The text up to the next dot, and where the one after it starts (``None``: the end)."""
    end = text.find(".", pos)
    return (text[pos:], None) if end < 0 else (text[pos:end], end + 1)


def _strtoul(part: str) -> int | None:
    """A component as net-snmp's ``strtoul`` with nothing left over reads it: decimal digits
    (no text: 0), else ``None``. (net-snmp's base 0 also reads ``0x10`` as 16 and ``010`` as
    8; that is not copied.)"""
    if not part:
        return 0
    if part.isdigit() and part.isascii():
        return int(part) if len(part) <= 20 else MAX_SUBID + 1
    return None


def _unescape(text: str, start: int, quote: str) -> tuple[str, int]:
    """net-snmp's ``_apply_escapes``: the text from ``start`` to the first unescaped
    ``quote`` with ``\\x`` read as ``x``, and where that quote is (``-1``: none)."""
    end = text.find(quote, start)
    if end >= 0 and "\\" not in text[start:end]:
        return text[start:end], end
    out: list[str] = []
    pos, n = start, len(text)
    while pos < n:
        char = text[pos]
        if char == "\\" and pos + 1 < n:
            out.append(text[pos + 1])
            pos += 2
            continue
        if char == "\\":
            break
        if char == quote:
            return "".join(out), pos
        out.append(char)
        pos += 1
    return "".join(out), -1


def _octets(text: str) -> bytes:
    """The octets of a command-line string (as the C tools get them: UTF-8)."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogatepass")


_STRTOL = {
    8: re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-7]+)"),
    10: re.compile(rb"[ \t\n\v\f\r]*([+-]?)([0-9]+)"),
    16: re.compile(rb"[ \t\n\v\f\r]*([+-]?)(?:0[xX](?=[0-9a-fA-F]))?([0-9a-fA-F]+)"),
}


class _HintPart:
    """One piece of a DISPLAY-HINT being applied (net-snmp's ``struct parse_hints``)."""

    __slots__ = ("fmt", "length", "repeat", "sep", "term")

    def __init__(self) -> None:
        self.length = 0
        self.repeat = False
        self.fmt = ""
        self.sep = -1
        self.term = -1


_HINT_BASES = {"x": 16, "d": 10, "o": 8}


def _hint_part(part: _HintPart, value: bytes, v: int, result: bytearray) -> int | None:
    """net-snmp's ``parse_hints_parse``: where ``value`` goes on after ``part`` read from
    ``v`` (octets appended to ``result``), or ``None`` where it fails."""
    n = len(value)
    fixup = len(result)
    if part.repeat:
        result.append(0)
    repeats = 0
    while True:
        base = _HINT_BASES.get(part.fmt)
        if base is not None:
            match = _STRTOL[base].match(value, v)
            if match is None:
                return None
            number = int(match.group(2), base)
            number = -min(number, 2**63) if match.group(1) == b"-" else min(number, 2**63 - 1)
            number &= 2**64 - 1
            v = match.end()
            for i in range(part.length):
                shift = 8 * (part.length - 1 - i)
                result.append((number >> shift) & 0xFF if shift < 64 else 0)
        elif part.fmt == "a":
            taken = value[v : v + part.length]
            result.extend(taken)
            v += len(taken)
        repeats += 1
        if part.sep >= 0 and v < n:
            if value[v] != part.sep:
                return None
            v += 1
        if part.term >= 0 and v < n and value[v] == part.term:
            v += 1
            break
        if not (part.repeat and v < n):
            break
    if part.repeat:
        result[fixup] = repeats & 0xFF
    return v


def parse_octet_hint(hint: str, value: bytes) -> bytes | None:
    """net-snmp's ``parse_octet_hint``: ``value`` read by an octet string DISPLAY-HINT
    (``1x:`` reads ``0:b:86:a9:56:c0``), or ``None`` where net-snmp's parser fails (and
    then takes the text as it is). Formats ``x``, ``d``, ``o`` and ``a`` only (not ``t``),
    as in net-snmp."""
    result = bytearray()
    part = _HintPart()
    v: int | None = 0
    n = len(value)
    state = 0  # net-snmp's HINT_1_2, HINT_2_3, HINT_1_2_4, HINT_1_2_5
    for char in hint:
        if v is None or v >= n:
            break
        digit = char in _ASCII_DIGITS
        if state == 0:
            if char == "*":
                part.repeat = True
            elif digit:
                part.length = part.length * 10 + int(char)
            else:
                return None
            state = 1
        elif state == 1:
            if digit:
                part.length = part.length * 10 + int(char)
            elif char in "xdoa":
                part.fmt = char
                state = 2
            else:
                return None
        elif char == "*" or digit:
            v = _hint_part(part, value, v, result)
            part = _HintPart()
            if digit:
                part.length = int(char)
            else:
                part.repeat = True
            state = 1
        elif state == 2:
            part.sep = ord(char)
            state = 3
        else:
            part.term = ord(char)
            v = _hint_part(part, value, v, result)
            part = _HintPart()
            state = 0
    while v is not None and v < n:
        before = v
        v = _hint_part(part, value, v, result)
        if v == before:  # no progress (net-snmp would loop for ever)
            return None
    return None if v is None else bytes(result)


def _inet_octets(kind: int, text: str) -> bytes | None:
    """An ``InetAddress`` index's octets from the text net-snmp prints for it (see
    :func:`_inet_text`), by the InetAddressType arc before it; ``None`` for other text."""
    if kind not in _INET_SIZES:
        return None
    address, zone = text, b""
    if kind in (3, 4):
        address, percent, number = text.partition("%")
        if not percent or not number.isascii() or not number.isdigit() or int(number) > MAX_SUBID:
            return None
        zone = int(number).to_bytes(4, "big")
    try:
        if kind in (1, 3):
            if not address.isascii() or address.count(".") != 3:
                return None
            return ipaddress.IPv4Address(address).packed + zone
        if _NETSNMP_IPV6.fullmatch(address):
            return bytes.fromhex(address.replace(":", "")) + zone
        if "%" in address or not address.isascii():
            return None
        return ipaddress.IPv6Address(address).packed + zone
    except ValueError:
        return None


def _in_ranges(value: int, ranges: tuple[tuple[int, int], ...] | None) -> bool:
    return any(low <= value <= high for low, high in ranges or ())


def encode_instance(
    text: str, pos: int | None, syntax: IndexSyntax | None, above: str | None, arcs: list[int]
) -> None:
    """Append to ``arcs`` the instance ``text[pos:]`` as net-snmp's ``_add_strings_to_oid``
    reads it after a name (``pos`` ``None``: no instance), guided by the row's INDEX
    (``syntax``; ``None`` when the name is no column):

    * integers: a number or an enum label (``noAuthNoPriv``), checked against the INDEX
      object's range (``ifIndex`` 1..2147483647);
    * ``IpAddress``: four numbers up to 255;
    * ``OCTET STRING``: ``"text"`` (a length arc first) for variable size, ``'text'`` (no
      length) when IMPLIED or of a fixed SIZE -- ``\\`` escapes the next character, the
      object's octet DISPLAY-HINT reads the text where it can (``'0:b:86:a9:56:c0'``
      for a MacAddress), the length must fit the SIZE; or numbers: a length first
      (unless IMPLIED or fixed), then up to that many octets;
    * an ``InetAddress`` after its ``InetAddressType``: the address as net-snmp prints it,
      ``ipv4."10.0.0.1"``, ``ipv6."fe:80:...:01"`` (or ``"fe80::1"``), zones
      ``%N`` (where net-snmp takes the characters of the text, whatever the type);
    * ``OBJECT IDENTIFIER`` and other types: the rest as below.

    After the INDEX objects (or without any), numbers, ``"text"`` (length and characters)
    and ``'text'`` (characters). ``above``: the label net-snmp names in ``Sub-id not found``
    details when no INDEX object was read (``"(top)"``, a node; ``None`` for a leaf).

    Raises:
        BadInstance: with net-snmp's detail (``Index out of range: 0 (ifIndex)``).
    """
    in_label: str | None = None  # net-snmp's in_dices->ilabel while reading INDEX objects
    tp_label = above
    try:
        for step in syntax.steps if syntax is not None else ():
            if pos is None:
                break
            in_label = step.label
            obj = step.obj
            if obj is None:  # the MIBs do not know it: the rest is read plainly
                break
            tp_label = obj.node.name
            kind = step.kind
            if kind == "int":
                end = text.find(".", pos)
                if end < 0:
                    part, pos = text[pos:], None
                else:
                    part, pos = text[pos:end], end + 1
                if part.isdigit() and part.isascii():
                    value = int(part) if len(part) <= 20 else MAX_SUBID + 1
                else:
                    enums = obj.node.enums
                    found = enums.get(part) if enums else None
                    if found is None:
                        labels = ", ".join(enums or ()) or "none"
                        why = f"{part!r} is no number or label of {step.label} (labels: {labels})"
                        raise _Bad(part, why)
                    value = found
                if not 0 <= value <= MAX_SUBID:
                    raise _Bad(part, f"{step.label} {part} is no sub-identifier")
                if step.ranges:
                    number = value - 2**32 if step.signed and value >= 2**31 else value
                    for low, high in step.ranges:
                        if low <= number <= high:
                            break
                    else:
                        allowed = _ranges_text(obj.node.ranges)
                        raise _Bad(part, f"{step.label} {part} is out of its range {allowed}")
                arcs.append(value)
            elif kind == "octets":
                pos = _read_octets(text, pos, obj, step.implied, arcs)
            elif kind == "ipaddr":
                if len(arcs) + 4 > MAX_OID_LENGTH:
                    raise _Bad(text[pos:], _TOO_LONG)
                for _ in range(4):
                    if pos is None:
                        break
                    part, pos = _component(text, pos)
                    _read_octet(part, arcs)
            elif kind == "netaddr":
                part, pos = _component(text, pos)
                address_type = _strtoul(part)
                if address_type is None or address_type > MAX_SUBID:
                    raise _Bad(part, f"{step.label}: {part!r} is no address type number")
                if len(arcs) + 1 >= MAX_OID_LENGTH:
                    raise _Bad(part, _TOO_LONG)
                arcs.append(address_type)
                if address_type != 1:
                    in_label = None
                    break
                for _ in range(4):
                    if pos is None:
                        break
                    part, pos = _component(text, pos)
                    _read_octet(part, arcs)
            else:  # OBJECT IDENTIFIER, or a type net-snmp reads no index of
                in_label = None
                break
        else:
            in_label = None
        n = len(text)
        while pos is not None:  # whatever is left: numbers and quoted strings
            if len(arcs) > MAX_OID_LENGTH:
                raise _Bad(text[pos:], _TOO_LONG)
            char = text[pos : pos + 1]
            if char and char in _ASCII_DIGITS:
                part, after = _component(text, pos)
                arc = _strtoul(part)
                if arc is None:
                    raise _Bad(part, f"{part!r} is no sub-identifier")
                if arc > MAX_SUBID:
                    raise _Bad(part, f"sub-identifier {part} exceeds {MAX_SUBID}")
                arcs.append(arc)
                pos = after
            elif char in ('"', "'") and char:
                end = text.find(char, pos + 1)
                if pos + 1 >= n or end < 0:
                    raise _Bad(text[pos:], f"no closing {char} in {text[pos:]!r}")
                raw = _octets(text[pos + 1 : end])
                if char == '"':
                    arcs.append(len(raw))
                arcs.extend(raw)
                if end + 1 >= n:
                    pos = None
                elif text[end + 1] == ".":
                    pos = end + 2
                else:
                    raise _Bad(text[pos:], f"a dot must follow {text[pos : end + 1]}")
            elif not char or char == ".":
                raise _Bad(text[pos:], "empty component")
            else:
                part = _component(text, pos)[0]
                raise _Bad(text[pos:], f"no object {part!r} under {format_oid(tuple(arcs))}")
    except _Bad as bad:
        if in_label is not None:
            detail = f"Index out of range: {bad.fcp} ({in_label})"
        elif tp_label is not None:
            detail = f"Sub-id not found: {tp_label} -> {bad.fcp}"
        else:
            detail = bad.fcp
        raise BadInstance(detail, bad.why) from None


def _read_octet(part: str, arcs: list[int]) -> None:
    value = _strtoul(part)
    if value is None or value > 255:
        raise _Bad(part, f"{part!r} is no octet (0..255)")
    arcs.append(value)


def _read_octets(
    text: str, pos: int, obj: IndexObject, implied: bool, arcs: list[int]
) -> int | None:
    """One OCTET STRING INDEX object (see :func:`encode_instance`); where the rest starts."""
    fixed = obj.fixed
    quote = text[pos : pos + 1]
    if quote not in ('"', "'") or not quote:
        count = -1 if fixed is None else fixed
        next_pos: int | None = pos
        if not implied and fixed is None:
            part, next_pos = _component(text, pos)
            length = _strtoul(part)
            if length is None:
                raise _Bad(part, f"{obj.node.name}: {part!r} is no length")
            if len(arcs) + length + 1 >= MAX_OID_LENGTH:
                raise _Bad(part, _TOO_LONG)
            arcs.append(length)
            count = length
        while count and next_pos is not None:
            part, next_pos = _component(text, next_pos)
            _read_octet(part, arcs)
            count -= 1
            if len(arcs) > MAX_OID_LENGTH:
                raise _Bad(part, _TOO_LONG)
        return next_pos
    slot = -1
    if not implied and fixed is None:
        if quote == "'":
            raise BadInstance("'-quote is for fixed length strings")
        slot = len(arcs)
        arcs.append(0)
    elif quote == '"':
        raise BadInstance('"-quote is for variable length strings')
    content, close = _unescape(text, pos + 1, quote)
    if close < 0:
        raise _Bad(quote + content, f"no closing {quote} in {text[pos:]!r}")
    raw: bytes | None = None
    if obj.typed_inet and slot > 0:
        raw = _inet_octets(arcs[slot - 1], content)
    if raw is None and obj.node.hint:
        raw = parse_octet_hint(obj.node.hint, _octets(content))
    if raw is None:
        raw = _octets(content)
    if len(arcs) + len(raw) > MAX_OID_LENGTH:
        raise _Bad(quote + content, _TOO_LONG)
    arcs.extend(raw)
    after: int | None = close + 1
    if after is not None and after >= len(text):
        after = None
    elif text[close + 1] != ".":
        raise _Bad(quote + content, f"a dot must follow {text[pos : close + 1]}")
    else:
        after = close + 2
    if fixed is None:
        if not _in_ranges(len(raw), obj.node.sizes):
            sizes = _ranges_text(obj.node.sizes) or "none given"
            why = f"{obj.node.name} {text[pos : close + 1]} has {len(raw)} octets, SIZE {sizes}"
            raise _Bad(quote + content, why)
        if slot >= 0:
            arcs[slot] = len(raw)
    elif len(raw) != fixed:
        why = f"{obj.node.name} {text[pos : close + 1]} has {len(raw)} octets, not {fixed}"
        raise _Bad(quote + content, why)
    return after
