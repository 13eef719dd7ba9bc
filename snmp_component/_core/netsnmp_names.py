"""OIDs named as net-snmp's tools name them by default: ``MODULE::label.index``. Pure.

:class:`ToolNames` answers, over a :class:`~snmp_component._core.mibindex.MibIndex`:

* which node net-snmp (``-m ALL``) names an OID after, and formats its value with
  (:meth:`ToolNames.node`): the longest known prefix, and where several modules define a
  node at one OID, the module net-snmp loads first (:data:`FIRST_LOADED`) -- name and
  value always come from the same node, as in net-snmp's tree (one node per OID);
* the name itself (:meth:`ToolNames.name`): ``IF-MIB::ifDescr.1``, the three roots bare
  (``iso.9``), the instance broken down by the row's INDEX clause with
  :mod:`~snmp_component._core.instance` (``IP-MIB::ipAddressIfIndex.ipv4."10.0.0.1"``),
  as net-snmp's ``_get_realloc_symbol`` does: below a node with children but no child
  for the next arc (an unknown column), that arc is printed first, then the INDEX.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from .instance import (
    Instance,
    NameOverflow,
    RowIndex,
    decode_instance,
    instance_text,
    row_index,
)
from .mibindex import MibIndex, MibNode
from .oid import Oid, format_oid

__all__ = ["FIRST_LOADED", "ToolNames"]

FIRST_LOADED = (
    "SNMPv2-SMI",
    "UDP-MIB",
    "TCP-MIB",
    "SNMPv2-MIB",
    "IF-MIB",
    "HOST-RESOURCES-MIB",
    "DISMAN-EXPRESSION-MIB",
    "RFC1213-MIB",
)
"""Where several modules define a node at one OID, net-snmp (``-m ALL``) keeps the one of
the module it loaded first: modules load in reverse alphabetical order, each after its
imports. For the shipped MIBs that order differs from plain reverse alphabetical only for
these modules (checked against ``snmptranslate -m ALL`` for every OID defined by more than
one module)."""

_TOP_LEVEL = frozenset({(0,), (1,), (2,)})  # ccitt, iso, joint-iso-ccitt: printed bare


def _winners(index: MibIndex) -> Mapping[Oid, MibNode]:
    """The node net-snmp keeps at each OID several modules define."""
    rank = {module: n for n, module in enumerate(FIRST_LOADED)}
    by_oid: dict[Oid, list[MibNode]] = {}
    for node in index.nodes:
        by_oid.setdefault(node.oid, []).append(node)
    winners: dict[Oid, MibNode] = {}
    for oid, nodes in by_oid.items():
        if len({node.module for node in nodes}) > 1:
            first = min(nodes, key=lambda n: rank.get(n.module, len(rank)))
            winners[oid] = first if first.module in rank else max(nodes, key=lambda n: n.module)
    return winners


class ToolNames:
    """net-snmp's default names (and value nodes) of OIDs over one MIB index."""

    __slots__ = ("_at", "_index", "_inner", "_last", "_parents", "_rows")

    def __init__(self, index: MibIndex) -> None:
        self._index = index
        at: dict[Oid, MibNode] = {}
        for node in index.nodes:
            at.setdefault(node.oid, node)
        at.update(_winners(index))
        self._at = at  # the node net-snmp keeps at each OID
        self._parents = frozenset(node.oid[:-1] for node in index.nodes)
        inner: set[Oid] = set()  # the OIDs with a node somewhere below them
        for parent in self._parents:
            while parent and parent not in inner:
                inner.add(parent)
                parent = parent[:-1]
        self._inner = inner
        self._last: MibNode | None = None  # the latest node found, if none is below it
        self._rows: dict[Oid, RowIndex | None] = {}

    @property
    def index(self) -> MibIndex:
        """The MIB index the names come from."""
        return self._index

    def node_at(self, oid: Oid) -> MibNode | None:
        """The node net-snmp keeps at exactly ``oid``."""
        return self._at.get(oid)

    def node(self, oid: Oid) -> MibNode | None:
        """The node net-snmp names ``oid`` after and formats its value with: its longest
        known prefix."""
        last = self._last  # a walk asks for the same node row after row (and twice a row)
        if last is not None and oid[: len(last.oid)] == last.oid:
            return last  # nothing is named below it: still the longest prefix
        get = self._at.get
        for k in range(len(oid), 0, -1):
            node = get(oid[:k])
            if node is not None:
                self._last = None if node.oid in self._inner else node
                return node
        return None

    def name(self, oid: Oid) -> str:
        """``MODULE::label.index`` (see the module docstring); an OID no MIB knows is
        numeric."""
        node, instance = self.split(oid)
        if node is None:
            return format_oid(oid)
        label = node.name if node.oid in _TOP_LEVEL else f"{node.module}::{node.name}"
        return f"{label}.{instance}" if instance else label

    def split(
        self,
        oid: Oid,
        break_down: bool = True,
        escape_quotes: bool = False,
        extended: Callable[[Instance, RowIndex], str] | None = None,
    ) -> tuple[MibNode | None, str]:
        """The node ``oid`` is named after and the instance after it as net-snmp prints it
        (no leading dot; ``""`` for the node itself): broken down by the row's INDEX
        (string indexes' quotes escaped with ``escape_quotes``, ``-OE``), or numeric with
        ``break_down=False`` (``-Ob``). ``extended`` renders a table's instance instead
        (``-OX``: :func:`~snmp_component._core.instance.bracketed_text`); an instance so
        rendered that starts with ``[`` follows the name without a dot.

        Raises:
            NameOverflow: from ``extended``, its text led by the arc before the instance
                (if any).
        """
        node = self.node(oid)
        if node is None:
            return None, ""
        rest = oid[len(node.oid) :]
        if not rest:
            return node, ""
        row = self._row_above(node) if break_down else None
        if row is None:
            return node, ".".join(map(str, rest))
        if node.oid in self._parents:  # an arc no child of node has: printed as it is
            lead, rest = f"{rest[0]}.", rest[1:]
            if not rest:
                return node, lead[:-1]
        else:
            lead = ""
        instance = decode_instance(rest, row)
        if extended is None:
            return node, f"{lead}{instance_text(instance, escape_quotes)}"
        try:
            text = extended(instance, row)
        except NameOverflow as exc:  # (with the lead: "ifEntry.99[...")
            raise NameOverflow(lead[:-1] + exc.text) from None
        return node, (lead[:-1] if text.startswith("[") else lead) + text

    def path(self, node: MibNode) -> list[str]:
        """The labels from the root down to ``node`` (``-Of``: iso, org, dod, ...)."""
        labels = []
        for k in range(1, len(node.oid) + 1):
            above = self.node_at(node.oid[:k])
            labels.append(above.name if above is not None else str(node.oid[k - 1]))
        return labels

    def _row_above(self, node: MibNode) -> RowIndex | None:
        """The INDEX of the nearest row at or above ``node`` (net-snmp's ``in_dices``)."""
        if node.oid in self._rows:
            return self._rows[node.oid]
        row = None
        for k in range(len(node.oid), 0, -1):
            above = self.node_at(node.oid[:k])
            if above is not None and (above.indexes or above.augments):
                row = self._row_index(above)
                break
        self._rows[node.oid] = row
        return row

    def _row_index(self, row: MibNode) -> RowIndex | None:
        seen: set[str] = set()
        while row.augments and not row.indexes and row.augments not in seen:
            seen.add(row.augments)
            try:
                row = self._index.resolve_name(row.augments)
            except KeyError:
                return None
        return row_index(self._index, row)
