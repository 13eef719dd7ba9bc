"""The MIB index compiled from MIB texts and shipped with the package.

``scripts/compile_mibs.py`` compiles the IETF, IANA and Net-SNMP MIB modules with pysmi at
development time into one committed data file, ``snmp_component/mibs/index.json.gz``
(format described in that script). This module reads it with :mod:`importlib.resources`
and builds a :class:`~snmp_component._core.mibindex.MibIndex` (a few tens of milliseconds,
once per process); neither pysmi nor pysnmp nor the MIB texts are needed at run time.

Where two modules define the same name or OID the data lists the preferred module first
(SMIv2 before SMIv1: IF-MIB's ``ifIndex`` before RFC1213-MIB's), so it wins bare-name and
OID lookups; module-qualified names (``RFC1213-MIB::ifIndex``) still reach every definition.
"""

from __future__ import annotations

import gzip
import json
import threading
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

from .mibindex import MibIndex, MibNode

__all__ = ["DATA_FILE", "DATA_PACKAGE", "FORMAT", "default_index", "load_index", "read_data"]

DATA_PACKAGE = "snmp_component.mibs"
DATA_FILE = "index.json.gz"
FORMAT = 1
"""The data format this loader reads (``"format"`` in the file)."""

_default: MibIndex | None = None
_default_lock = threading.Lock()


def read_data() -> bytes:
    """The raw (gzip'd) bytes of the shipped data file."""
    return resources.files(DATA_PACKAGE).joinpath(DATA_FILE).read_bytes()


def load_index(blob: bytes | None = None) -> MibIndex:
    """A new :class:`MibIndex` from *blob* (gzip'd data file bytes; default: the shipped file).

    Raises :class:`ValueError` if the data is not in a format this loader reads.
    """
    data = json.loads(gzip.decompress(read_data() if blob is None else blob))
    return MibIndex(_nodes(data))


def default_index() -> MibIndex:
    """The process-wide index of the shipped data, loaded on first use."""
    global _default
    index = _default
    if index is None:
        with _default_lock:
            index = _default
            if index is None:
                index = _default = load_index()
    return index


def _nodes(data: Mapping[str, Any]) -> list[MibNode]:
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise ValueError(f"MIB data format {found!r} is not {FORMAT}: regenerate the data file")
    modules: list[str] = data["modules"]
    enums = [MappingProxyType({str(k): int(v) for k, v in table}) for table in data["enums"]]
    oids: dict[str, tuple[int, ...]] = {}
    nodes: list[MibNode] = []
    append = nodes.append
    for record in data["nodes"]:
        n = len(record)
        dotted: str = record[2]
        oid = oids.get(dotted)
        if oid is None:
            prefix, _, last = dotted.rpartition(".")
            parent = oids.get(prefix)  # usually known: a module's nodes come in OID order
            if parent is None:
                oid = tuple(map(int, dotted.split(".")))
            else:
                oid = (*parent, int(last))
            oids[dotted] = oid
        if n <= 3:
            append(MibNode(record[0], modules[record[1]], oid))
            continue
        record = record + [None] * (14 - n)
        (name, module, _, kind, type_, access, tc, hint, enum, indexes, implied, augments,
         units, limits) = record  # fmt: skip
        sizes = ranges = None
        if limits is not None:
            pairs = tuple((int(low), int(high)) for low, high in limits[1])
            if limits[0] == "size":
                sizes = pairs
            else:
                ranges = pairs
        append(
            MibNode(
                name,
                modules[module],
                oid,
                type_,
                None if enum is None else enums[enum],
                access,
                kind,
                tc,
                hint,
                None if indexes is None else tuple(indexes),
                bool(implied),
                augments,
                units,
                sizes,
                ranges,
            )
        )
    return nodes
