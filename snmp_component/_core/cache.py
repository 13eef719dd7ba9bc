"""Byte-bounded caches: the one memoisation utility of the package.

Every process-wide cache (OID encoding and decoding, name resolution, net-snmp tags and
formatted OID values, USM keys, pysnmp object names) is a :class:`ByteCache`. A cache
counts the *bytes* its entries hold, estimated when an entry goes in, and never holds
more than its budget: bounding entries by count is not enough when an agent decides how
big an entry is (1,500 replies of 8,000-arc OIDs used to pin 130 MB).

How it works:

* :meth:`ByteCache.get` is the dict's own ``get`` (a bound C method): a hit costs what a
  plain dict lookup costs. Values are never ``None``, so ``None`` means "not cached".
* :meth:`ByteCache.put` adds the entry's estimated size to a running total; an entry
  that would take the total past the budget (or the count past ``max_entries``) first
  clears the cache, then goes in: clear-on-full. Hits do not reorder anything, so they
  stay as cheap as a dict lookup, and a miss costs one size estimate and one dict store
  more than an unbounded dict would. (FIFO or LRU eviction would not do better for the
  two patterns that matter: a polled working set that fits is never dropped, and one
  that does not fit misses either way.) An entry bigger than 1/8 of the budget is
  returned but not kept.
* Thread-safe: lookups and insertions are single dict operations and clearing holds a
  lock. Two threads inserting at once may lose one size update; the next clear starts
  the count afresh.
* Sizes are estimated from lengths: a str or bytes object by its length (4 bytes a
  char for a str that is not ASCII), a tuple by its slots, every arc of an OID as an
  int of its own (40 bytes; most are shared small ints, but looking costs more than a
  cache miss), 128 bytes of dict slot per entry. That errs on the high side of what
  ``tracemalloc`` measures, so a full cache holds at most its budget. Objects the cache
  shares with others are counted in full.
  Caches named in :data:`BUDGETS` are registered (:func:`caches`); a cache given its
  own ``budget`` (a private or test cache) is not.

Budgets (:data:`BUDGETS`; 28.5 MiB in all). An entry for a typical OID is estimated at
400 bytes (``ber.oid_decode``) to 1 KiB (``names.describe``), so each cache keeps
thousands of entries before it is cleared:

=============================  ========  ==================================================
cache                          budget    holds
=============================  ========  ==================================================
``ber.oid_decode``             4 MiB     OID content octets -> OID (every received OID);
                                         also at most 8192 entries
``ber.oid_encode``             2 MiB     OID -> OBJECT IDENTIFIER TLV
``ber.null_varbind``           2 MiB     OID -> ``SEQUENCE {OID, NULL}`` TLV
``ber.message_prefix``         256 KiB   (version, community) -> message prefix
``oid.parse_oid``              512 KiB   numeric OID text -> OID
``mibindex.parse``             512 KiB   name text -> OID (per MIB index)
``mibindex.split``             1 MiB     OID -> net-snmp (tag, iid) (per MIB index; describe
                                         keeps its own results instead)
``names.resolve``              1 MiB     request name or OID text -> OID
``names.describe``             8 MiB     received OID -> (tag, iid, MIB type)
``names.oid_text.suffix``      2 MiB     OID value -> its name, ``-Os`` style
``names.oid_text.full``        2 MiB     OID value -> its name, ``-Of`` style
``usm.ku``                     256 KiB   (auth protocol, pass phrase fingerprint) -> Ku
``usm.keys``                   4 MiB     (user, engine ID) -> localised keys
``pysnmp.object_name``         1 MiB     OID -> pysnmp ``ObjectName``
=============================  ========  ==================================================

This module is pure: no I/O.
"""

from __future__ import annotations

import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar

__all__ = [
    "BUDGETS",
    "DOCUMENTED_TOTAL",
    "ENTRY_OVERHEAD",
    "ByteCache",
    "ber_oid_size",
    "bytes_size",
    "caches",
    "oid_ber_size",
    "oid_size",
    "sizeof",
    "text_size",
    "total_budget",
    "tuple_size",
]

K = TypeVar("K")
V = TypeVar("V")

KiB: Final = 1 << 10
MiB: Final = 1 << 20

BUDGETS: Final = MappingProxyType(
    {
        "ber.oid_decode": 4 * MiB,
        "ber.oid_encode": 2 * MiB,
        "ber.null_varbind": 2 * MiB,
        "ber.message_prefix": 256 * KiB,
        "oid.parse_oid": 512 * KiB,
        "mibindex.parse": 512 * KiB,
        "mibindex.split": 1 * MiB,
        "names.resolve": 1 * MiB,
        "names.describe": 8 * MiB,
        "names.oid_text.suffix": 2 * MiB,
        "names.oid_text.full": 2 * MiB,
        "usm.ku": 256 * KiB,
        "usm.keys": 4 * MiB,
        "pysnmp.object_name": 1 * MiB,
    }
)
"""Byte budget of each cache, by name (the table in the module docstring)."""

DOCUMENTED_TOTAL: Final = sum(BUDGETS.values())
"""The sum of :data:`BUDGETS` (28.5 MiB): what all caches together can hold."""

ENTRY_OVERHEAD: Final = 128
"""Bytes one entry costs besides its key and value, at worst: its dict slot (entry, index
and the free slots a resize leaves)."""

_TUPLE: Final = 56  # a tuple's header with its GC head, rounded up
_SLOT: Final = 8  # one tuple item (a pointer)
_INT: Final = 40  # an int CPython does not share (arithmetic may over-allocate a digit)
_SMALL_INT_MAX: Final = 256  # CPython shares the ints -5..256
_TEXT: Final = 16  # allocator rounding on top of sys.getsizeof of a str or bytes
_ARC: Final = _SLOT + _INT  # an OID arc: its slot and, at worst, an int of its own

_getsizeof = sys.getsizeof
_STR: Final = _getsizeof("") + _TEXT  # a compact ASCII str: this plus a byte a char
_WIDE_STR: Final = _getsizeof("\U0001f600") - 4 + _TEXT  # any other: this plus 4 a char


def oid_size(oid: tuple[int, ...]) -> int:
    """Bytes held by an OID tuple, as if every arc were an int of its own (most are
    shared small ints, but looking costs more than the cache miss this is for)."""
    return _TUPLE + _ARC * len(oid)


def text_size(text: str) -> int:
    """Bytes held by a str (exact for ASCII, as if 4 bytes a char otherwise)."""
    return _STR + len(text) if text.isascii() else _WIDE_STR + 4 * len(text)


def tuple_size(n: int) -> int:
    """Bytes of a tuple of ``n`` items, not counting the items."""
    return _TUPLE + _SLOT * n


# ber_oid_size(): the bytes object (getsizeof(b"") + len + rounding), the tuple
# (header + a slot an arc) and its ints above 256, counted without looking at the arcs:
# a sub-identifier above 127 takes two octets or more, so at most len(ber) - len(oid) + 1
# arcs are such ints (never negative: len(ber) >= len(oid) - 1). One expression, as it
# runs for every OID decoded for the first time.
_BER_OID_BASE: Final = _getsizeof(b"") + _TEXT + _TUPLE + _INT
_BER_OID_PER_OCTET: Final = 1 + _INT
_BER_OID_PER_ARC: Final = _SLOT - _INT


def ber_oid_size(ber: bytes, oid: tuple[int, ...]) -> int:
    """Bytes held by a bytes object with the BER encoding of ``oid`` (its content octets
    or its whole TLV) and by the ``oid`` tuple itself: the weight of a
    ``ber -> oid`` cache entry."""
    return _BER_OID_BASE + _BER_OID_PER_OCTET * len(ber) + _BER_OID_PER_ARC * len(oid)


def oid_ber_size(oid: tuple[int, ...], ber: bytes) -> int:
    """:func:`ber_oid_size` for an ``oid -> ber`` cache entry."""
    return _BER_OID_BASE + _BER_OID_PER_OCTET * len(ber) + _BER_OID_PER_ARC * len(oid)


def bytes_size(value: str | bytes) -> int:
    """Bytes held by a str or bytes object."""
    return _getsizeof(value) + _TEXT


def sizeof(obj: object) -> int:
    """Bytes held by ``obj`` and what it refers to, for the plain data caches keep:
    str, bytes, int, bool, None and (nested) tuples of them. Anything else counts as
    its ``sys.getsizeof`` plus a 64-byte margin (give such caches their own estimate)."""
    t = type(obj)
    if t is str or t is bytes:
        return _getsizeof(obj) + _TEXT
    if t is tuple:
        items: tuple[object, ...] = obj  # type: ignore[assignment]
        return _TUPLE + _SLOT * len(items) + sum(map(sizeof, items))
    if t is int:
        return 0 if -5 <= obj <= _SMALL_INT_MAX else _INT  # type: ignore[operator]
    if obj is None or t is bool:
        return 0
    return _getsizeof(obj) + 64


def _default_weigh(key: object, value: object) -> int:
    return sizeof(key) + sizeof(value)


class ByteCache(Generic[K, V]):
    """A dict with a byte budget, cleared when full (see the module docs).

    Args:
        name: the cache's name in :data:`BUDGETS`, which gives its budget.
        weigh: ``weigh(key, value)``, the bytes an entry holds (:data:`ENTRY_OVERHEAD`
            is added), called once when it goes in. Default: :func:`sizeof` of both.
        max_entries: also keep at most this many entries (``None``: no count limit).
        budget: bytes, instead of the one in :data:`BUDGETS` (tests, private caches).
    """

    __slots__ = (
        "__weakref__",
        "_data",
        "_lock",
        "_total",
        "budget",
        "get",
        "max_entries",
        "max_entry",
        "name",
        "put",
    )

    get: Callable[[K], V | None]
    """The cached value for a key, or ``None`` (the dict's own ``get``)."""

    put: Callable[[K, V], V]
    """``put(key, value)``: cache ``value`` (not ``None``) for ``key`` and return it; may
    clear the cache first (a closure over the cache's state: no attribute lookups)."""

    def __init__(
        self,
        name: str,
        weigh: Callable[[K, V], int] = _default_weigh,
        *,
        max_entries: int | None = None,
        budget: int | None = None,
    ) -> None:
        if budget is None:
            budget = BUDGETS[name]
        if budget <= 0 or (max_entries is not None and max_entries <= 0):
            raise ValueError(f"cache {name!r}: budget and max_entries must be positive")
        self.name = name
        self.budget = budget
        self.max_entry = budget // 8
        self.max_entries = sys.maxsize if max_entries is None else max_entries
        self._data: dict[K, V] = {}
        self._total = [0]  # the estimated bytes of the entries, kept by put
        self._lock = threading.Lock()
        self.get = self._data.get
        self.put = _putter(self._data, self._total, self._lock, weigh, budget, self.max_entries)
        if name in BUDGETS and budget == BUDGETS[name]:
            _REGISTRY.add(self)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._data.clear()
            self._total[0] = 0

    @property
    def nbytes(self) -> int:
        """The estimated bytes the entries hold now (at most :attr:`budget`)."""
        return self._total[0]

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[K]:
        """The keys, oldest first (a snapshot)."""
        return iter(list(self._data.copy()))

    def __repr__(self) -> str:
        return (
            f"<ByteCache {self.name}: {len(self._data)} entries, "
            f"{self._total[0]} of {self.budget} bytes>"
        )


def _putter(
    data: dict[K, V],
    total: list[int],
    lock: threading.Lock,
    weigh: Callable[[K, V], int],
    budget: int,
    max_entries: int,
) -> Callable[[K, V], V]:
    """:attr:`ByteCache.put` for one cache's state (it runs on every cache miss)."""
    max_entry = budget // 8

    def put(key: K, value: V) -> V:
        size = weigh(key, value) + ENTRY_OVERHEAD
        if size > max_entry:
            return value  # it would flush everything else
        nbytes = total[0] + size
        if nbytes > budget or len(data) >= max_entries:
            with lock:
                data.clear()
                total[0] = 0
            nbytes = size
        data[key] = value
        total[0] = nbytes
        return value

    return put


_REGISTRY: weakref.WeakSet[ByteCache[Any, Any]] = weakref.WeakSet()


def caches() -> list[ByteCache[Any, Any]]:
    """Every live :class:`ByteCache`, sorted by name."""
    return sorted(_REGISTRY, key=lambda c: c.name)


def total_budget() -> int:
    """What the live caches can hold together: the budget of each distinct cache name
    (MIB index caches come and go with their index; the current one is counted once)."""
    return sum({c.name: c.budget for c in caches()}.values())
