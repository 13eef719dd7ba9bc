"""Conceptual tables by name: what to walk, and the walked rows as ``{index: {column: val}}``.

Pure: the caller walks the subtrees of :attr:`TableSpec.roots` and hands the varbinds to
:func:`build_rows`.

A row's key is its instance (the OID arcs after the column) decoded by the INDEX clause
of the table with :mod:`~snmp_component._core.instance`'s decoder (the one net-snmp's
names use too), when the MIB gives it and the arcs fit it (see
:func:`~snmp_component._core.instance.instance_key`): ``ifTable`` ``3``, ``ipAddrTable``
``"192.0.2.1"``, ``ipAddressTable`` ``(1, "127.0.0.1")``, ``ipv6AddrTable``
``(2, "fe80::1")``, ``vacmAccessTable`` ``("abc", "", 3, 1)``, a MacAddress
``"0:1a:2b:3c:4d:5e"``.

Otherwise (no INDEX known, or arcs that do not decode) the key is the instance as a dotted
string, ``"1.4.127.0.0.1"``, as SNMP.pm's ``gettable`` keys every row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigurationError, UnknownObjectError
from .instance import RowIndex, decode_instance, index_of, instance_key, resolve_indexes
from .mibindex import MibIndex, MibNode, parse_name
from .oid import format_oid
from .pdu import Oid, RawVarbind

__all__ = ["TableSpec", "build_rows", "decode_index", "table_spec"]

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
    return TableSpec(entry, tuple(chosen), resolve_indexes(index, entry), entry.implied)


def decode_index(arcs: Oid, indexes: Sequence[MibNode | None] | None, implied: bool) -> Key:
    """The key of one row instance (see the module docstring)."""
    return _key(arcs, None if indexes is None else index_of(indexes, implied))


def _key(arcs: Oid, row: RowIndex | None) -> Key:
    key = None if row is None else instance_key(decode_instance(arcs, row), row)
    return ".".join(map(str, arcs)) if key is None else key


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
    row = None if spec.indexes is None else index_of(spec.indexes, spec.implied, index)
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
                key = keys[arcs] = _key(arcs, row)
            rows.setdefault(key, {})[name] = value(raw)
    return rows
