"""Conceptual tables by name: what to walk, and the walked rows as ``{index: {column: val}}``.

Pure: the caller walks the subtrees of :attr:`TableSpec.roots` and hands the varbinds to
:func:`build_rows`.

A row's key is its instance (the OID arcs after the column) decoded by the INDEX clause
of the table (RFC 2578 section 7.7), when the MIB gives it and the arcs fit it:

* integer types -> ``int``; ``IpAddress`` -> ``"192.0.2.1"``;
* ``OBJECT IDENTIFIER`` -> ``".1.3.6..."``;
* octet strings (length-prefixed, fixed size for the well-known fixed-size conventions,
  or the rest of the OID when IMPLIED) -> text (``str``) for text conventions and
  printable octets, the DISPLAY-HINT rendering for other hinted conventions (MacAddress
  ``"0:1a:2b:3c:4d:5e"``), an ``InetAddress`` of 4 or 16 octets as its IP address text,
  else ``bytes``;
* several index objects -> a tuple of those values (``ipAddressTable``: ``(1, "127.0.0.1")``).

Otherwise (no INDEX known, or arcs that do not decode) the key is the instance as a dotted
string, ``"1.4.127.0.0.1"``, as SNMP.pm's ``gettable`` keys every row.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError, UnknownObjectError
from .mibindex import MibIndex, MibNode, parse_name
from .oid import format_oid
from .pdu import Oid, RawVarbind
from .sprint import hinted_octets
from .values import octets_to_val

__all__ = ["TableSpec", "build_rows", "decode_index", "table_spec"]

# Octet-string conventions of a fixed size: indexed without a length arc (RFC 2578 7.7).
FIXED_SIZE_TCS = {
    "MacAddress": 6,
    "InetAddressIPv4": 4,
    "InetAddressIPv6": 16,
    "InetAddressIPv4z": 8,
    "InetAddressIPv6z": 20,
}
_INTEGER_TYPES = frozenset({"INTEGER", "INTEGER32", "UNSIGNED32", "GAUGE", "COUNTER", "TICKS"})
_OCTET_TYPES = frozenset({"OCTETSTR", "BITS", "OPAQUE"})
_TEXT_HINT = re.compile(r"\d*[at]")

Key = Any
"""A row key: ``int``, ``str``, ``bytes`` or a tuple of them."""


@dataclass(frozen=True, slots=True)
class TableSpec:
    """What a ``table`` request walks."""

    entry: MibNode
    """The conceptual row (``ifEntry``)."""
    columns: tuple[MibNode, ...]
    """The columns asked for; empty for every column of the row."""
    indexes: tuple[MibNode | None, ...] | None
    """The INDEX objects (``None`` for one the MIBs do not know), or ``None`` if unknown."""
    implied: bool
    """The last index is IMPLIED."""

    @property
    def roots(self) -> tuple[Oid, ...]:
        """The subtrees to walk: the columns asked for, else the whole row."""
        return tuple(c.oid for c in self.columns) if self.columns else (self.entry.oid,)


def _node(index: MibIndex, what: object, role: str) -> MibNode:
    if isinstance(what, MibNode):
        return what
    if not isinstance(what, str) or not what:
        raise ConfigurationError(f"table: {role} must be a name or OID string, not {what!r}")
    oid = parse_name(what.strip(), index)  # raises UnknownObjectError
    node = index.node_at(oid)
    if node is None:
        raise UnknownObjectError(f"table: no MIB object at {what!r} ({format_oid(oid)})")
    return node


def table_spec(
    index: MibIndex, table: object, columns: Sequence[object] | None = None
) -> TableSpec:
    """The :class:`TableSpec` of ``table`` (a table or row name / OID) and ``columns``.

    ``columns`` may name columns of the table or of a table sharing its INDEX (an AUGMENTS
    table such as ``ifXTable`` for ``ifTable``).

    Raises:
        UnknownObjectError: a name no loaded MIB knows.
        ConfigurationError: not a table, or a column of another table.
    """
    node = _node(index, table, "the table")
    if node.kind == "table":
        entry = index.node_at((*node.oid, 1))
        if entry is None or entry.kind != "row":
            raise ConfigurationError(f"table: {node.name} has no conceptual row in the MIBs")
    elif node.kind == "row":
        entry = node
    else:
        what = node.kind or "an OBJECT IDENTIFIER"
        raise ConfigurationError(f"table: {node.name} is not a table (it is {what})")
    chosen: list[MibNode] = []
    if columns is not None:
        if isinstance(columns, str) or not isinstance(columns, Sequence):
            columns = [columns]
        for item in columns:
            column = _node(index, item, "a column")
            parent = index.node_at(column.oid[:-1])
            same = parent is not None and (
                parent.oid == entry.oid
                or (parent.indexes is not None and parent.indexes == entry.indexes)
            )
            if column.kind != "column" or not same:
                raise ConfigurationError(
                    f"table: {column.name} is not a column of {entry.name} "
                    f"(nor of a table with the same INDEX)"
                )
            if column not in chosen:
                chosen.append(column)
    indexes: tuple[MibNode | None, ...] | None = None
    if entry.indexes:
        found: list[MibNode | None] = []
        for name in entry.indexes:
            try:
                found.append(index.resolve_name(name, entry.module))
            except KeyError:
                try:
                    found.append(index.resolve_name(name))
                except KeyError:
                    found.append(None)
        indexes = tuple(found)
    return TableSpec(entry, tuple(chosen), indexes, entry.implied)


def _octets_key(raw: bytes, node: MibNode) -> Key:
    if node.tc == "InetAddress" and len(raw) in (4, 16):
        return str(ipaddress.ip_address(raw))
    hint = node.hint
    if hint and not _TEXT_HINT.fullmatch(hint):
        text = hinted_octets(raw, hint)
        if text is not None:
            return text
    return octets_to_val(raw)


def decode_index(arcs: Oid, indexes: Sequence[MibNode | None] | None, implied: bool) -> Key:
    """The key of one row instance (see the module docstring)."""
    fallback = ".".join(map(str, arcs))
    if not indexes or any(node is None or node.type is None for node in indexes):
        return fallback
    values: list[Key] = []
    pos, n = 0, len(arcs)
    last = len(indexes) - 1
    for i, node in enumerate(indexes):
        assert node is not None and node.type is not None
        kind = node.type
        rest = i == last and implied
        if kind in _INTEGER_TYPES:
            if pos >= n:
                return fallback
            values.append(arcs[pos])
            pos += 1
        elif kind == "IPADDR":
            part = arcs[pos : pos + 4]
            if len(part) != 4 or any(a > 255 for a in part):
                return fallback
            values.append(".".join(map(str, part)))
            pos += 4
        elif kind in _OCTET_TYPES or kind == "OBJECTID":
            fixed = FIXED_SIZE_TCS.get(node.tc or "") if kind != "OBJECTID" else None
            if rest:
                size = n - pos
            elif fixed is not None:
                size = fixed
            else:
                if pos >= n:
                    return fallback
                size = arcs[pos]
                pos += 1
            part = arcs[pos : pos + size]
            if len(part) != size:
                return fallback
            pos += size
            if kind == "OBJECTID":
                values.append(format_oid(part))
            else:
                if any(a > 255 for a in part):
                    return fallback
                values.append(_octets_key(bytes(part), node))
        else:
            return fallback
    if pos != n:
        return fallback
    return values[0] if len(values) == 1 else tuple(values)


def build_rows(
    spec: TableSpec,
    index: MibIndex,
    walked: Iterable[tuple[Oid, Iterable[RawVarbind]]],
    value: Callable[[RawVarbind], Any],
) -> dict[Key, dict[str, Any]]:
    """``{key: {column name: value}}`` from the varbinds walked under each root.

    ``walked`` pairs each root of ``spec.roots`` with the varbinds its walk returned;
    ``value`` makes a varbind's value (as the session's options say). Rows come in the
    order first seen (index order for an agent that walks in order); a column the MIBs
    do not know is named by its numeric OID.
    """
    rows: dict[Key, dict[str, Any]] = {}
    keys: dict[Oid, Key] = {}
    names: dict[Oid, str] = {}
    entry = spec.entry.oid
    for root, varbinds in walked:
        whole_row = root == entry
        depth = len(root) + 1 if whole_row else len(root)
        for raw in varbinds:
            oid = raw[0]
            column, arcs = oid[:depth], oid[depth:]
            name = names.get(column)
            if name is None:
                node = index.node_at(column)
                name = names[column] = node.name if node is not None else format_oid(column)
            key = keys.get(arcs)
            if key is None:
                key = keys[arcs] = decode_index(arcs, spec.indexes, spec.implied)
            rows.setdefault(key, {})[name] = value(raw)
    return rows
