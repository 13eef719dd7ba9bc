"""Names and OIDs for the component: the MIB index, loaded once per process, on demand.

Numeric OIDs never touch the MIB index. Names, response tags and set types do; the
index is loaded from the package's precompiled MIB data the first time one of them is
needed (about 25 ms, once per process), then every lookup is a dict hit.
"""

from __future__ import annotations

from functools import lru_cache

from ._core.mibdata import default_index
from ._core.mibindex import MibIndex, parse_name, split_oid
from ._core.oid import parse_oid
from ._core.pdu import Oid
from .errors import UnknownObjectError

_index: MibIndex | None = None


def mib_index() -> MibIndex:
    """The process-wide MIB index (loaded on first use, ~25 ms)."""
    global _index
    if _index is None:
        _index = default_index()
    return _index


@lru_cache(maxsize=16384)
def resolve(text: str) -> Oid:
    """The OID of a name or numeric OID string, in any SNMP.pm form.

    Raises:
        UnknownObjectError: it does not parse or names nothing the MIBs know.
    """
    stripped = text.strip()
    if stripped[:1].isdigit() or stripped[:1] == ".":
        try:
            return parse_oid(stripped)
        except ValueError:
            pass
    try:
        return parse_name(stripped, mib_index())
    except UnknownObjectError:
        raise
    except ValueError as exc:
        raise UnknownObjectError(f"Unknown Object Identifier {text!r}: {exc}") from None


_described: dict[tuple[Oid, bool], tuple[str, str, str | None]] = {}
_DESCRIBED_MAX = 65536


def describe(oid: Oid, numeric: bool) -> tuple[str, str, str | None]:
    """``(tag, iid, mib_type)`` of a received OID, net-snmp style (memoised: polls repeat)."""
    key = (oid, numeric)
    found = _described.get(key)
    if found is None:
        index = mib_index()
        tag, iid = split_oid(oid, index, numeric=numeric)
        found = (tag, iid, index.type_of(oid))
        if len(_described) >= _DESCRIBED_MAX:
            _described.clear()  # bounded: a long walk must not grow it without limit
        _described[key] = found
    return found


def type_of(oid: Oid) -> str | None:
    """The net-snmp type name the MIBs give the object at ``oid`` (for ``set``)."""
    return mib_index().type_of(oid)
