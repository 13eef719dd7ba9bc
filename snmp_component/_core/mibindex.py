"""A plain-data MIB index: name <-> OID lookups and net-snmp name forms, without pysnmp.

:mod:`snmp_component._core.mibdata` loads the package's precompiled MIB data (made by
``scripts/compile_mibs.py`` with pysmi) into :class:`MibNode` records; this module answers
every lookup from dicts, so resolving a name
or splitting a response OID into net-snmp's ``(tag, iid)`` costs a microsecond or two and
never touches pysnmp.

Name forms accepted by :func:`parse_name` (those of net-snmp's ``SNMP::Session``):

* numeric, with or without the leading dot: ``.1.3.6.1.2.1.1.1.0``, ``1.3.6.1.2.1.1.1.0``
  (no index needed);
* a bare name, optionally followed by instance arcs: ``sysDescr``, ``ifDescr.3``,
  ``ipAdEntAddr.127.0.0.1``;
* module-qualified: ``SNMPv2-MIB::sysDescr``, ``SNMPv2-MIB::sysUpTime.0``;
* a dotted path whose first component is a name or number and whose later components are
  names of children or numbers: ``iso.3.6.1.2.1.1.1.0``,
  ``iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0``, ``.1.3.6.1.2.1.1.sysDescr.0``;
* after a table column, the instance as net-snmp's tools print it, read by the row's INDEX
  (:func:`~snmp_component._core.instance.encode_instance`): enum labels, quoted strings,
  typed addresses -- ``vacmAccessContextMatch."grp"."".0.noAuthNoPriv``,
  ``ipAddressIfIndex.ipv4."127.0.0.1"``, ``snmpNotifyRowStatus.'TrapHost'``.

Names are read as net-snmp's ``snmp_parse_oid`` reads them (``read_objid`` from the top for
a numeric or ``iso...`` path, else ``get_node`` from the first name), with its checks: an
index outside the INDEX object's range or SIZE does not resolve (``ifType.0``:
``Index out of range: 0 (ifIndex)``, the error's :func:`unknown_detail`).
Purely numeric text is taken as it is (no MIB lookup) unless ``full=True``.

This module is pure: no I/O, no pysnmp/pyasn1.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from ..errors import UnknownObjectError
from .cache import ByteCache, oid_size, text_size, tuple_size
from .oid import MAX_OID_LENGTH, MAX_SUBID, Oid, format_oid, parse_oid

if TYPE_CHECKING:
    from .instance import IndexSyntax

__all__ = [
    "NETSNMP_MIB_TYPES",
    "MibIndex",
    "MibNode",
    "parse_name",
    "split_oid",
    "unknown_detail",
]

NETSNMP_MIB_TYPES = frozenset(
    {
        "INTEGER",
        "INTEGER32",
        "UNSIGNED32",
        "OCTETSTR",
        "OBJECTID",
        "IPADDR",
        "COUNTER",
        "COUNTER64",
        "GAUGE",
        "TICKS",
        "OPAQUE",
        "BITS",
    }
)
"""The net-snmp type names a MIB object's SYNTAX can map to (:attr:`MibNode.type`)."""

_DIGITS = frozenset("0123456789")

# net-snmp's names for the three roots, usable even without an index ("iso.3.6.1...").
_ROOTS: Mapping[str, int] = MappingProxyType(
    {
        "ccitt": 0,
        "itu-t": 0,
        "iso": 1,
        "joint-iso-ccitt": 2,
        "joint-iso-itu-t": 2,
    }
)

_CACHE_SIZE = 8192  # entries in each result cache, on top of its byte budget (cache.py)
_MODULE_PREFIX = re.compile(r"[0-9A-Za-z-]*:")  # net-snmp's get_node: "MODULE:" or "MODULE::"


def unknown_detail(error: BaseException) -> str | None:
    """What net-snmp's tools print in parentheses after ``Unknown Object Identifier`` for
    the name an :class:`~snmp_component.errors.UnknownObjectError` from here is about
    (``Index out of range: 0 (ifIndex)``, ``Sub-id not found: (top) -> nosuch``);
    ``None``: nothing (an unknown module or name after ``MODULE::``, a sub-identifier
    net-snmp would truncate, an error not about a name)."""
    detail = getattr(error, "detail", None)
    return detail if isinstance(detail, str) else None


def _with_detail(error: UnknownObjectError, detail: str | None) -> UnknownObjectError:
    object.__setattr__(error, "detail", detail)  # read by unknown_detail()
    return error


@dataclass(frozen=True, slots=True)
class MibNode:
    """One named node of the MIB tree (an OBJECT-TYPE, an OBJECT IDENTIFIER, a group...)."""

    name: str
    """The descriptor, e.g. ``"sysDescr"``."""
    module: str
    """The defining module, e.g. ``"SNMPv2-MIB"``."""
    oid: Oid
    """The node's OID, e.g. ``(1, 3, 6, 1, 2, 1, 1, 1)``."""
    type: str | None = None
    """net-snmp type name of the SYNTAX of a scalar or column (see :data:`NETSNMP_MIB_TYPES`);
    ``None`` for every other node (identifiers, tables, rows, notifications, groups)."""
    enums: Mapping[str, int] | None = field(default=None, hash=False)
    """Named numbers of an enumerated INTEGER (``{"up": 1, ...}``) or named bits of BITS."""
    access: str | None = None
    """MAX-ACCESS in SMI spelling (``"read-only"``, ``"read-write"``, ``"read-create"``,
    ``"not-accessible"``, ``"accessible-for-notify"``); ``None`` where the node has none."""
    kind: str | None = None
    """What the node is: ``"scalar"``, ``"column"``, ``"table"``, ``"row"`` (OBJECT-TYPEs),
    ``"notification"``, ``"group"``, ``"compliance"``, ``"capabilities"``, ``"module"``
    (MODULE-IDENTITY); ``None`` for a plain OBJECT IDENTIFIER / OBJECT-IDENTITY or unknown."""
    tc: str | None = None
    """The textual convention the SYNTAX names (``"DisplayString"``, ``"PhysAddress"``...),
    net-snmp's ``textualConvention``; ``None`` for a plain base type."""
    hint: str | None = None
    """DISPLAY-HINT of that textual convention (``"255a"``, ``"1x:"``...), or ``None``."""
    indexes: tuple[str, ...] | None = None
    """For a row (``kind == "row"``): the names of its INDEX objects, in order; for an
    AUGMENTS row those of the row it augments. ``None`` for every other node (except the
    odd SMIv1 table that carries an INDEX itself, as in UCD-SNMP-MIB-OLD)."""
    implied: bool = False
    """True when the last of :attr:`indexes` is IMPLIED."""
    augments: str | None = None
    """For an AUGMENTS row: the name of the row it augments."""
    units: str | None = None
    """UNITS clause of a scalar or column (``"kB"``, ``"seconds"``...), or ``None``."""
    sizes: tuple[tuple[int, int], ...] | None = None
    """The SIZE of an OCTET STRING SYNTAX as ``(min, max)`` ranges (``((0, 255),)`` for a
    DisplayString), its own or its textual convention's; ``None`` without one."""
    ranges: tuple[tuple[int, int], ...] | None = None
    """The value range of an INTEGER-like SYNTAX as ``(min, max)`` ranges
    (``((1, 255),)`` for ipDefaultTTL); ``None`` without one."""

    def __post_init__(self) -> None:
        if self.enums is not None and not isinstance(self.enums, MappingProxyType):
            object.__setattr__(self, "enums", MappingProxyType(dict(self.enums)))
        if self.indexes is not None and not isinstance(self.indexes, tuple):
            object.__setattr__(self, "indexes", tuple(self.indexes))

    @property
    def is_leaf(self) -> bool:
        """True for a scalar or table column (a node with a SYNTAX type)."""
        return self.type is not None


class MibIndex:
    """Immutable lookup tables over :class:`MibNode` records.

    When two nodes share a name (bare lookups) or an OID, the one that comes first in
    *nodes* wins; module-qualified lookups (``resolve_name(name, module)``) are exact.
    Lookups and the small result caches are safe to use from several threads. The caches
    (``mibindex.parse`` and ``mibindex.split`` in :mod:`~snmp_component._core.cache`) are
    bounded in bytes and entries; OIDs have at most 128 arcs.
    """

    __slots__ = (
        "_by_name",
        "_by_oid",
        "_by_qualified",
        "_children",
        "_leaves",
        "_max_len",
        "_modules",
        "_names",
        "_nodes",
        "_parse_cache",
        "_split_cache",
        "_syntax",
        "_tree",
    )

    def __init__(self, nodes: Iterable[MibNode]) -> None:
        self._nodes: tuple[MibNode, ...] = tuple(nodes)
        by_name: dict[str, MibNode] = {}
        by_qualified: dict[tuple[str, str], MibNode] = {}
        by_oid: dict[Oid, MibNode] = {}
        children: dict[tuple[Oid, str], MibNode] = {}
        modules: set[str] = set()
        for node in self._nodes:
            by_name.setdefault(node.name, node)
            by_qualified.setdefault((node.module, node.name), node)
            by_oid.setdefault(node.oid, node)
            children.setdefault((node.oid[:-1], node.name), node)
            modules.add(node.module)
        self._by_name = by_name
        self._by_qualified = by_qualified
        self._by_oid = by_oid
        self._children = children
        self._modules = frozenset(modules)
        self._tree: dict[Oid, bool] | None = None  # built by _nodes_below() when first needed
        self._syntax: dict[Oid, IndexSyntax | None] = {}
        self._leaves: dict[str, tuple[bool, IndexSyntax | None]] = {}
        self._names = sorted(by_name)
        self._max_len = max((len(oid) for oid in by_oid), default=0)
        self._parse_cache: ByteCache[str, Oid] = ByteCache(
            "mibindex.parse", _parsed_size, max_entries=_CACHE_SIZE
        )
        self._split_cache: ByteCache[tuple[Oid, bool], tuple[str, str]] = ByteCache(
            "mibindex.split", _split_size, max_entries=_CACHE_SIZE
        )

    # -- plain lookups ------------------------------------------------------------------------

    def __len__(self) -> int:
        """Number of distinct OIDs with a name."""
        return len(self._by_oid)

    def __repr__(self) -> str:
        return f"<MibIndex: {len(self._by_oid)} nodes from {len(self._modules)} modules>"

    @property
    def modules(self) -> frozenset[str]:
        """Names of the modules that contributed nodes."""
        return self._modules

    @property
    def nodes(self) -> tuple[MibNode, ...]:
        """All nodes, in the order given (including shadowed duplicates)."""
        return self._nodes

    def resolve_name(self, name: str, module: str | None = None) -> MibNode:
        """The node named *name* (in *module* if given). Raises :class:`KeyError` if unknown."""
        node = self._by_name.get(name) if module is None else self._by_qualified.get((module, name))
        if node is None:
            raise KeyError(name if module is None else f"{module}::{name}")
        return node

    def node_at(self, oid: Oid) -> MibNode | None:
        """The node whose OID is exactly *oid*, or ``None``."""
        return self._by_oid.get(oid)

    def longest_prefix(self, oid: Oid) -> MibNode | None:
        """The node with the longest OID that is a prefix of (or equal to) *oid*, or ``None``."""
        get = self._by_oid.get
        for k in range(min(len(oid), self._max_len), 0, -1):
            node = get(oid[:k])
            if node is not None:
                return node
        return None

    def object_of(self, oid: Oid) -> MibNode | None:
        """The scalar/column (typed node) that *oid* is an instance of, or ``None``.

        Like net-snmp, a named node directly below a typed node counts as an instance of
        it: with DISMAN-EVENT-MIB's ``sysUpTimeInstance`` (= sysUpTime.0) loaded,
        ``object_of(sysUpTime.0)`` is ``sysUpTime``.
        """
        node = self.longest_prefix(oid)
        if node is None or node.type is not None:
            return node
        parent = self._by_oid.get(node.oid[:-1])
        if parent is not None and parent.type is not None:
            return parent
        return None

    def type_of(self, oid: Oid) -> str | None:
        """net-snmp type name of the object *oid* is an instance of, or ``None``."""
        node = self.object_of(oid)
        return None if node is None else node.type

    def closest_names(self, name: str, n: int = 3) -> list[str]:
        """Up to *n* known names that look like *name* (for error messages)."""
        return _closest(name, self._names, n)

    def closest_modules(self, module: str, n: int = 3) -> list[str]:
        """Up to *n* loaded module names that look like *module*."""
        return _closest(module, sorted(self._modules), n)

    # -- net-snmp forms -----------------------------------------------------------------------

    def parse(self, text: str, *, full: bool = False) -> Oid:
        """:func:`parse_name` with this index (cached; ``full``: not cached)."""
        if not isinstance(text, str) or full:
            return _parse_name(text, self, full)  # raises
        oid = self._parse_cache.get(text)
        if oid is None:
            oid = self._parse_cache.put(text, _parse_name(text, self))
        return oid

    def split(self, oid: Oid, *, numeric: bool = False, cached: bool = True) -> tuple[str, str]:
        """:func:`split_oid` with this index (cached unless ``cached=False``: for callers
        that keep the result in a cache of their own)."""
        if not cached:
            return self._split(oid, numeric)
        key = (oid, numeric)
        result = self._split_cache.get(key)
        if result is None:
            result = self._split_cache.put(key, self._split(oid, numeric))
        return result

    def _split(self, oid: Oid, numeric: bool) -> tuple[str, str]:
        node = self.longest_prefix(oid)
        if node is None:
            return format_oid(oid), ""
        if node.type is None:
            # A named node is a "leaf" for net-snmp if its parent is a leaf
            # (sysUpTimeInstance under sysUpTime); any other untyped node means "unknown".
            parent = self._by_oid.get(node.oid[:-1])
            if parent is None or parent.type is None:
                return format_oid(oid), ""
            if numeric:
                node = parent
        rest = oid[len(node.oid) :]
        iid = ".".join(map(str, rest))
        return (format_oid(node.oid) if numeric else node.name), iid

    def _child(self, parent: Oid, name: str) -> MibNode | None:
        return self._children.get((parent, name))

    def _nodes_below(self) -> dict[Oid, bool]:
        """Every node of net-snmp's tree (the roots too, and each OID with a node below
        it): whether it has children. Built on the first name with an instance (~1 ms)."""
        tree = self._tree
        if tree is None:
            tree = dict.fromkeys([(0,), (1,), (2,), *self._by_oid], False)
            tree.update(dict.fromkeys([oid[:-1] for oid in self._by_oid], True))
            self._tree = tree
        return tree

    def _leaf(self, node: MibNode) -> tuple[bool, IndexSyntax | None]:
        """Whether ``node`` (found by its bare name) is a leaf, and the INDEX its instances
        are read by (cached by name: ``ifDescr.1`` costs one lookup)."""
        found = self._leaves.get(node.name)
        if found is None:
            syntax = None
            leaf = not self._nodes_below().get(node.oid, False)
            if leaf:
                row = self._by_oid.get(node.oid[:-1])
                if row is not None and (row.indexes or row.augments):
                    syntax = self._index_syntax(row)
            found = self._leaves[node.name] = (leaf, syntax)
        return found

    def _index_syntax(self, row: MibNode) -> IndexSyntax | None:
        """The INDEX net-snmp reads a column's instance of ``row`` by (cached)."""
        try:
            return self._syntax[row.oid]
        except KeyError:
            from .instance import index_syntax

            found = self._syntax[row.oid] = index_syntax(self, row)
            return found


def parse_name(text: str, index: MibIndex | None, *, full: bool = False) -> Oid:
    """The OID that *text* names, in any of net-snmp's forms (see the module docstring).

    Purely numeric text needs no *index*, and is not checked against the MIBs unless
    ``full`` (then it is read like a name: ``.1.3.6.1.2.1.2.2.1.3.0`` is ``ifType.0``,
    out of ``ifIndex``'s range, as net-snmp's tools find). Raises
    :class:`~snmp_component.errors.UnknownObjectError` (a :class:`ValueError`) naming
    *text*, with the closest known names for unknown symbols, and net-snmp's detail
    (:func:`unknown_detail`).
    """
    if index is not None:
        return index.parse(text, full=full)
    return _parse_name(text, None, full)


def split_oid(
    oid: Oid, index: MibIndex | None, *, numeric: bool, cached: bool = True
) -> tuple[str, str]:
    """net-snmp's ``(tag, iid)`` for a response OID (``cached``: see :meth:`MibIndex.split`).

    * a known scalar/column: ``("sysDescr", "0")``, ``("ipAdEntAddr", "127.0.0.1")``;
      with ``numeric=True``: ``(".1.3.6.1.2.1.1.1", "0")``;
    * an instance node a MIB names (``sysUpTimeInstance``): ``("sysUpTimeInstance", "")``,
      numerically ``(".1.3.6.1.2.1.1.3", "0")``;
    * no known object (or no index): ``(".1.3.6.1.4.1.99999.1", "")``.
    """
    if index is None:
        return format_oid(oid), ""
    return index.split(oid, numeric=numeric, cached=cached)


# -- implementation ---------------------------------------------------------------------------


def _parsed_size(text: str, oid: Oid) -> int:
    return text_size(text) + oid_size(oid)


_SPLIT_BASE = 2 * tuple_size(2)


def _split_size(key: tuple[Oid, bool], result: tuple[str, str]) -> int:
    return _SPLIT_BASE + oid_size(key[0]) + text_size(result[0]) + text_size(result[1])


def _closest(word: str, candidates: list[str], n: int) -> list[str]:
    if n <= 0:
        return []
    import difflib  # only on the error path

    lower = word.lower()
    exact_ci = [c for c in candidates if c.lower() == lower and c != word]
    rest = difflib.get_close_matches(word, candidates, n=n + len(exact_ci), cutoff=0.6)
    out = exact_ci + [c for c in rest if c not in exact_ci]
    return out[:n]


def _suggest(names: list[str]) -> str:
    return f"; did you mean {', '.join(names)}?" if names else ""


def _unknown(text: str, why: str, detail: str | None = None) -> UnknownObjectError:
    shown = repr(text) if len(text) <= 120 else f"{text[:80]!r}... ({len(text)} characters)"
    return _with_detail(UnknownObjectError(f"Unknown Object Identifier {shown}: {why}"), detail)


def _too_long(text: str, count: int, unit: str = "sub-identifiers") -> UnknownObjectError:
    return _unknown(text, f"{count} {unit}, SNMP allows at most {MAX_OID_LENGTH} sub-identifiers")


def _is_number(part: str) -> bool:
    return bool(part) and _DIGITS.issuperset(part)


def _number(text: str, part: str) -> int:
    if len(part) > 10 and len(part.lstrip("0")) > 10:  # no int() of thousands of digits
        raise _unknown(text, f"sub-identifier {part[:12]}... exceeds {MAX_SUBID}")
    value = int(part)
    if value > MAX_SUBID:
        raise _unknown(text, f"sub-identifier {value} exceeds {MAX_SUBID}")
    return value


def _parse_name(text: str, index: MibIndex | None, full: bool = False) -> Oid:
    if not isinstance(text, str):
        raise UnknownObjectError(
            f"a name or OID must be a str, not {type(text).__name__}: {text!r}"
        )
    if not text:
        raise _unknown(text, "empty name", "")
    if index is None:
        return _parse_plain(text)
    if not full and (text[0] == "." or text[0] in _DIGITS):
        if _DIGITS.issuperset(text.replace(".", "")):
            try:
                return parse_oid(text)
            except ValueError as exc:
                raise UnknownObjectError(str(exc)) from None
    if text.count(".") >= 4 * MAX_OID_LENGTH:  # a component is at least a quarter of an arc
        raise _too_long(text, text.count(".") + 1, "components")
    if ":" in text:
        match = _MODULE_PREFIX.match(text)
        if match is not None:
            return _parse_qualified(text, match.end(), index)
    body = text[1:] if text[0] == "." else text
    first, dot, rest = body.partition(".")
    if ":" not in text and (first[:1] in _DIGITS or first in _ROOTS):
        return _walk(text, index, (), body)  # read_objid: from the top
    node = index._by_name.get(first)  # get_node: from a node of that name
    if node is not None:
        return _from_node(text, index, node, rest if dot else None)
    root = _ROOTS.get(first)
    if root is not None:
        return _walk(text, index, (root,), rest) if dot else (root,)
    missing = None if ":" in text else f"Sub-id not found: (top) -> {first}"
    try:
        _resolve_bare(text, first, index)
    except UnknownObjectError as exc:
        raise _with_detail(exc, missing) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _from_node(text: str, index: MibIndex, node: MibNode, rest: str | None) -> Oid:
    """net-snmp's ``get_module_node``: ``rest`` read from ``node`` on."""
    if rest is None:
        return node.oid
    leaf, syntax = index._leaf(node)
    if not leaf:
        return _walk(text, index, node.oid, rest)
    arcs = list(node.oid)
    try:
        (_ENCODER or _load_encoder())(rest, 0, syntax, None, arcs)
    except ValueError as exc:
        raise _unknown(text, str(exc), getattr(exc, "detail", None)) from None
    if len(arcs) > MAX_OID_LENGTH:
        raise _too_long(text, len(arcs))
    return tuple(arcs)


def _parse_qualified(text: str, end: int, index: MibIndex) -> Oid:
    """``MODULE::name.instance`` (or net-snmp's ``MODULE:name``), ``end`` past the colon."""
    module = text[: end - 1]
    rest = text[end + 1 :] if text[end : end + 1] == ":" else text[end:]
    first, dot, tail = rest.partition(".")
    if not module or not first or "::" in first:
        raise _unknown(text, "expected MODULE::name")
    if first[0] in _DIGITS:
        raise _unknown(text, "expected a name after '::'")
    node = index._by_qualified.get((module, first))
    if node is None:
        _resolve_qualified(text, module, first, index)  # raises
        raise AssertionError("unreachable")  # pragma: no cover
    return _from_node(text, index, node, tail if dot else None)


def _label(index: MibIndex, oid: Oid) -> str:
    """net-snmp's label of the tree node at ``oid`` (``(top)`` above the roots)."""
    if not oid:
        return "(top)"
    node = index._by_oid.get(oid)
    if node is not None:
        return node.name
    for name, arc in _ROOTS.items():
        if (arc,) == oid:
            return name
    return str(oid[-1])


def _walk(text: str, index: MibIndex, start: Oid, rest: str) -> Oid:
    """net-snmp's ``_add_strings_to_oid`` from the node at ``start`` (``()``: the top):
    children by name or number down to a leaf, then the instance after it."""
    arcs = list(start)
    here = start
    tree = index._nodes_below()
    leaf = not tree.get(here, not here)
    pos: int | None = 0
    while pos is not None and not leaf:
        end = rest.find(".", pos)
        part = rest[pos:] if end < 0 else rest[pos:end]
        pos = None if end < 0 else end + 1
        if part[:1] in _DIGITS:
            if not _DIGITS.issuperset(part):
                why = f"{part!r} is no sub-identifier"
                raise _unknown(text, why, f"Sub-id not found: {_label(index, here)} -> {part}")
            arc = int(part) if len(part) < 10 else _number(text, part)
        else:
            if here:
                node = index._children.get((here, part))
                arc = -1 if node is None else node.oid[-1]
            else:
                arc = _ROOTS.get(part, -1)
            if arc < 0:
                detail = f"Sub-id not found: {_label(index, here)} -> {part}"
                if part in index._by_name:
                    known = index._by_name[part]
                    why = f"{part!r} ({format_oid(known.oid)}) is not a child of {format_oid(here)}"
                else:
                    why = f"no object {part!r} under {format_oid(here) if here else '(top)'}"
                raise _unknown(text, why, detail)
        arcs.append(arc)
        child = (*here, arc)
        below = tree.get(child)
        if below is None:  # no such node: the rest are plain arcs
            break
        here = child
        leaf = not below
    if pos is None:
        if len(arcs) > MAX_OID_LENGTH:
            raise _too_long(text, len(arcs))
        return tuple(arcs)
    syntax: IndexSyntax | None = None
    above: str | None = None
    if leaf:  # its row's INDEX
        row = index._by_oid.get(here[:-1])
        if row is not None and (row.indexes or row.augments):
            syntax = index._index_syntax(row)
    else:
        above = _label(index, here)
    try:
        (_ENCODER or _load_encoder())(rest, pos, syntax, above, arcs)
    except ValueError as exc:
        raise _unknown(text, str(exc), getattr(exc, "detail", None)) from None
    if len(arcs) > MAX_OID_LENGTH:
        raise _too_long(text, len(arcs))
    return tuple(arcs)


_ENCODER: Callable[[str, int | None, IndexSyntax | None, str | None, list[int]], None] | None
_ENCODER = None


def _load_encoder() -> Callable[[str, int | None, IndexSyntax | None, str | None, list[int]], None]:
    """:func:`~snmp_component._core.instance.encode_instance` (imported on first use: that
    module imports this one)."""
    global _ENCODER
    from .instance import encode_instance

    _ENCODER = encode_instance
    return encode_instance


def _parse_plain(text: str) -> Oid:
    """Without MIBs: numeric OIDs, and paths from the roots' names (``iso.3.6.1``)."""
    body = text
    if "::" in text:
        module, _, body = text.partition("::")
        if not module or not body or "::" in body:
            raise _unknown(text, "expected MODULE::name")
        _resolve_qualified(text, module, body.partition(".")[0], None)  # raises
    elif text[0] == "." or text[0] in _DIGITS:
        if _DIGITS.issuperset(text.replace(".", "")):
            try:
                return parse_oid(text)
            except ValueError as exc:
                raise UnknownObjectError(str(exc)) from None
        if text[0] == ".":
            body = text[1:]

    if body.count(".") >= MAX_OID_LENGTH:  # every component adds at least one arc
        raise _too_long(text, body.count(".") + 1, "components")
    parts = body.split(".")
    if any(not part for part in parts):
        raise _unknown(text, "empty component")

    first = parts[0]
    oid = (_number(text, first),) if _is_number(first) else _resolve_bare(text, first, None)
    for part in parts[1:]:
        if not _DIGITS.issuperset(part):
            raise _unknown(text, f"no object {part!r} under {format_oid(oid)} (no MIBs loaded)")
        oid += (_number(text, part),)
    if len(oid) > MAX_OID_LENGTH:
        raise _too_long(text, len(oid))
    return oid


def _resolve_bare(text: str, name: str, index: MibIndex | None) -> Oid:
    if index is not None:
        node = index._by_name.get(name)
        if node is not None:
            return node.oid
    root = _ROOTS.get(name)
    if root is not None:
        return (root,)
    if index is None:
        raise _unknown(text, f"cannot resolve name {name!r} without MIBs (no MIB index loaded)")
    raise _unknown(text, f"no MIB object named {name!r}" + _suggest(index.closest_names(name)))


def _resolve_qualified(text: str, module: str, name: str, index: MibIndex | None) -> Oid:
    if index is None:
        raise _unknown(text, f"cannot resolve {module}::{name} without MIBs (no MIB index loaded)")
    node = index._by_qualified.get((module, name))
    if node is not None:
        return node.oid
    if module not in index.modules:
        raise _unknown(
            text, f"MIB module {module!r} is not loaded" + _suggest(index.closest_modules(module))
        )
    elsewhere = [n.module for n in index.nodes if n.name == name]
    if elsewhere:
        where = ", ".join(dict.fromkeys(elsewhere))
        why = f"{name!r} is not defined in {module} (it is in {where})"
        raise _unknown(text, why)
    in_module = sorted(n.name for n in index.nodes if n.module == module)
    similar = _closest(name, in_module, 3) or index.closest_names(name)
    raise _unknown(text, f"no object {name!r} in {module}" + _suggest(similar))
