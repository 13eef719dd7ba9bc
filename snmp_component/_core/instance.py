"""Table instances: the OID arcs after a column, decoded by the row's INDEX clause. Pure.

One decoder (:func:`decode_instance`) splits an instance into its INDEX components as
net-snmp's ``_get_realloc_symbol`` does (RFC 2578 section 7.7), and two renderers use it:

* :func:`instance_text` -- the instance as net-snmp's tools print it after the column name
  (``ipv4."10.0.0.1"``, ``"public"``, ``'....V.'``, ``up``);
* :func:`instance_key` -- a row key for ``get_table`` (``(1, "10.0.0.1")``, ``"public"``).

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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .mibindex import MibIndex, MibNode
from .oid import Oid, format_oid
from .sprint import NETWORK_ADDRESS_OBJECTS, hinted_octets
from .values import octets_to_val

__all__ = [
    "IndexObject",
    "Instance",
    "Key",
    "Piece",
    "RowIndex",
    "decode_instance",
    "index_of",
    "instance_key",
    "instance_text",
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
