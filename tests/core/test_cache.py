"""The byte-bounded cache utility, and every process-wide cache held to its byte budget.

The behaviour tests at the end feed each cache thousands of new 128-arc OIDs (the longest
an OID may be) and measure with ``tracemalloc`` what is left once the inputs are dropped:
at most the byte budgets of the caches on that path. Before the fix those caches were
bounded by entry count only and kept 15 MB and more each.
"""

from __future__ import annotations

import gc
import itertools
import threading
import tracemalloc
from collections.abc import Callable
from typing import Any

import pytest

from snmp_component import names
from snmp_component._core import ber
from snmp_component._core.oid import format_oid, parse_oid

KiB = 1 << 10
MiB = 1 << 20
N = 2000  # new 128-arc entries fed to a cache: 10 MB and more were kept before the fix
BIG = 4_000_000_000  # arcs of five octets that CPython does not share


def big_oid(i: int, n: int = 128) -> tuple[int, ...]:
    return (1, 3, 6, 1, 4, 1, 99999, 7, i, *(BIG + k for k in range(n - 9)))


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


_serials = itertools.count(1)


def _left_behind(feed: Callable[[int], object], n: int = N) -> int:
    """Bytes still allocated after ``feed(i)`` for ``n`` new ``i`` (results dropped)."""
    feed(next(_serials))  # first-use allocations (MIB index, pysnmp) are not the cache's
    tracemalloc.start()
    try:
        before = _traced()
        for _ in range(n):
            feed(next(_serials))
        return _traced() - before
    finally:
        tracemalloc.stop()


# ------------------------------------------------------------------ the utility
def test_get_put_and_the_mapping_protocol() -> None:
    from snmp_component._core.cache import ByteCache

    c: ByteCache[str, tuple[int, ...]] = ByteCache("t", budget=64 * KiB)
    assert c.get("a") is None and len(c) == 0 and "a" not in c
    value = (1, 3, 6)
    assert c.put("a", value) is value
    assert c.get("a") is value and "a" in c and list(c) == ["a"] and len(c) == 1
    assert 0 < c.nbytes <= c.budget and "t: 1 entries" in repr(c)
    c.clear()
    assert c.get("a") is None and c.nbytes == 0 and len(c) == 0
    assert type(c.get).__name__ == "builtin_function_or_method"  # a hit is a dict lookup
    with pytest.raises(TypeError):
        c.get([1, 2])  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        ByteCache("t", budget=0)
    with pytest.raises(KeyError):
        ByteCache("no such cache")


def test_byte_budget_is_never_exceeded_and_the_newest_entry_is_kept() -> None:
    from snmp_component._core.cache import ByteCache

    c: ByteCache[int, str] = ByteCache("t", budget=64 * KiB)
    for i in range(5000):
        c.put(i, "x" * 100)
        assert c.nbytes <= c.budget and i in c
    assert 0 not in c
    kept = list(c)
    assert kept == list(range(kept[0], 5000))  # what went in since the cache was cleared
    assert len(kept) * 250 <= 64 * KiB


def test_a_working_set_within_the_budget_is_never_dropped() -> None:
    from snmp_component._core.cache import ByteCache

    c: ByteCache[int, str] = ByteCache("t", budget=64 * KiB)
    for _ in range(20):
        for i in range(100):  # about 25 KiB
            if c.get(i) is None:
                c.put(i, "x" * 50)
    assert len(c) == 100 and list(c) == list(range(100))


def test_entry_count_limit_and_oversized_entries() -> None:
    from snmp_component._core.cache import ByteCache

    c: ByteCache[int, int | str] = ByteCache("t", budget=MiB, max_entries=10)
    for i in range(100):
        c.put(i, i + 1000)
        assert len(c) <= 10
    assert 99 in c
    big = "y" * (MiB // 8)
    assert c.put(-1, big) is big  # returned, not kept: it would flush everything else
    assert -1 not in c and 99 in c


def _real_weights() -> list[tuple[str, Callable[..., int], Callable[[int], tuple[Any, Any]]]]:
    """(label, the weigh function of a real cache, a new entry of that cache's shape)."""
    from pysnmp.proto import rfc1902

    from snmp_component._core import cache, mibindex
    from snmp_component._pysnmp import v3

    def raw(i: int) -> bytes:
        return ber.encode_oid(big_oid(i))[4:]

    def small(i: int) -> bytes:  # ifTable.ifEntry.10.x.y: single-octet arcs only
        return b"+\x06\x01\x02\x01\x02\x02\x01\x0a" + bytes((i % 128, i // 128 % 128))

    wide = "\u00e9t\u00e9-\U0001f600"
    return [
        ("ber.oid_decode", cache.ber_oid_size, lambda i: (raw(i), ber._decode_oid(raw(i)))),
        ("ber.oid_decode 1-octet", cache.ber_oid_size,
         lambda i: (small(i), ber._decode_oid(small(i)))),
        ("ber.oid_encode", cache.oid_ber_size, lambda i: (big_oid(i), ber.encode_oid(big_oid(i)))),
        ("names.describe", names._described_size,
         lambda i: ((big_oid(i), False, False), (format_oid(big_oid(i)), str(i), "OCTETSTR"))),
        ("mibindex.split", mibindex._split_size,
         lambda i: ((big_oid(i), False), (f"ifDescr{wide}" * (i % 5), str(i)))),
        ("names.oid_text", names._oid_text_size, lambda i: (big_oid(i), wide * (i % 7))),
        ("names.resolve", lambda t, o: cache.text_size(t) + cache.oid_size(o),
         lambda i: (f"sysDescr.{i}", parse_oid(f"1.3.6.1.2.1.1.1.{i}"))),
        ("pysnmp.object_name", v3._object_name_size,
         lambda i: (big_oid(i), rfc1902.ObjectName(big_oid(i)))),
    ]  # fmt: skip


def test_estimates_are_not_below_what_the_allocator_spends() -> None:
    from snmp_component._core.cache import ByteCache, ber_oid_size, bytes_size, text_size

    for label, weigh, make in _real_weights():
        c: ByteCache[Any, Any] = ByteCache("t", weigh, budget=1 << 40)
        tracemalloc.start()
        try:
            before = _traced()
            for i in range(2000):
                c.put(*make(i))
            spent = _traced() - before
        finally:
            tracemalloc.stop()
        assert len(c) == 2000
        assert spent <= c.nbytes, (label, spent, c.nbytes)
        assert c.nbytes <= 8 * spent, (label, spent, c.nbytes)  # not absurd either
    assert bytes_size("abc") < bytes_size("abcd" * 10)
    assert text_size("abc") < text_size("abcd") < text_size("\u00e9") < text_size("\u00e9\u00e9")
    # the BER-length shortcut never counts less than looking at every arc would
    for oid in [(1, 3), (2, 2**32 - 81), (1, 3, 200, 300), big_oid(7), (1, 3, *[127] * 126)]:
        exact = 56 + 8 * len(oid) + 40 * sum(arc > 256 for arc in oid)
        for encoded in (ber.encode_oid(oid), ber.encode_oid(oid)[2:]):
            assert ber_oid_size(encoded, oid) >= bytes_size(encoded) + exact, oid


def test_threads_sharing_a_cache_keep_it_within_budget() -> None:
    from snmp_component._core.cache import ByteCache

    c: ByteCache[tuple[int, int], str] = ByteCache("t", budget=256 * KiB)
    failures: list[BaseException] = []

    def work(t: int) -> None:
        try:
            for i in range(20000):
                key = (t, i % 3000)
                if c.get(key) is None:
                    c.put(key, "v" * (i % 50))
                list(c) if i % 997 == 0 else None
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not failures
    c.put((9, 9), "last")  # one more insertion may shrink; the total stays exact-ish
    assert c.nbytes <= c.budget
    assert len(c) * 128 <= c.nbytes


def test_every_cache_has_a_documented_budget() -> None:
    from snmp_component._core import cache, mibindex, oid, usm
    from snmp_component._pysnmp import v3

    names.mib_index()
    names.oid_text("suffix")
    names.oid_text("full")
    live = {c.name: c.budget for c in cache.caches()}
    assert live == {name: cache.BUDGETS[name] for name in live}  # each one documented
    assert set(_BUDGETS) | {"usm.ku", "usm.keys", "names.oid_text.full"} <= set(live)
    assert cache.total_budget() <= cache.DOCUMENTED_TOTAL == sum(cache.BUDGETS.values())
    assert cache.DOCUMENTED_TOTAL == 28 * MiB + 512 * KiB
    assert isinstance(ber._OID_CACHE, cache.ByteCache)
    assert ber._OID_CACHE.max_entries == ber._OID_CACHE_MAX
    for module in (ber, oid, mibindex, names, usm, v3):
        assert "lru_cache" not in vars(module), module.__name__


# ------------------------------------------------------------------ the process-wide caches
_TAIL = ber.encode_oid(big_oid(1))[4 + 10 :]  # the 119 five-octet arcs after 99999.7.1


def _resp(i: int) -> bytes:
    """A response whose varbind is ``big_oid(i)`` = ``big_oid(i + 1)`` (built fast)."""
    tlvs = []
    for serial in (i, i + 1):
        content = b"\x2b\x06\x01\x04\x01\x86\x8d\x1f\x07" + _base128(serial) + _TAIL
        tlvs.append(b"\x06" + ber.encode_length(len(content)) + content)
    body = tlvs[0] + tlvs[1]
    vbl = b"\x30" + ber.encode_length(len(body) + 4) + b"\x30" + ber.encode_length(len(body)) + body
    return ber.encode_request_raw(1, b"public", ber.RESPONSE, 1, 0, 0, vbl)


def _base128(n: int) -> bytes:
    out = [n & 0x7F]
    while n > 0x7F:
        n >>= 7
        out.append(0x80 | (n & 0x7F))
    return bytes(reversed(out))


def test_the_fast_response_builder_is_right() -> None:
    m = ber.decode_message(_resp(300))
    assert m.varbinds == [(big_oid(300), ber.OBJECT_IDENTIFIER, big_oid(301))]


def _pysnmp_name(i: int) -> object:
    from snmp_component._pysnmp.v3 import _object_name

    return _object_name(big_oid(i))


def _usm_keys(i: int) -> object:
    from snmp_component._core import usm

    user = usm.UsmUser("u" * 32, "SHA-512", "a" * 64, "AES-256", "p" * 64)
    return user.localize(b"\x80" + (i % 2**31).to_bytes(4, "big") + b"e" * 27)


_SYS_DESCR = "sysDescr." + ".".join(str(BIG + k) for k in range(119))
FEEDERS: list[tuple[str, Callable[[int], object], list[str]]] = [
    ("decode", lambda i: ber.decode_message(_resp(i)), ["ber.oid_decode"]),
    ("encode_oid", lambda i: ber.encode_oid(big_oid(i)), ["ber.oid_encode"]),
    (
        "encode_null_varbinds",
        lambda i: ber.encode_null_varbinds([big_oid(i)]),
        ["ber.null_varbind", "ber.oid_encode"],
    ),
    (
        "community",
        lambda i: ber.encode_request(1, b"c%d" % i * 500, ber.GET_REQUEST, 1, []),
        ["ber.message_prefix"],
    ),
    ("parse_oid", lambda i: parse_oid(format_oid(big_oid(i))), ["oid.parse_oid"]),
    (
        "resolve numeric",
        lambda i: names.resolve(format_oid(big_oid(i))),
        ["names.resolve", "oid.parse_oid"],
    ),
    (
        "resolve name",
        lambda i: names.resolve(f"{_SYS_DESCR}.{i}"),
        ["names.resolve", "mibindex.parse"],
    ),
    ("split", lambda i: names.mib_index().split(big_oid(i)), ["mibindex.split"]),
    ("describe", lambda i: names.describe(big_oid(i), False), ["names.describe", "mibindex.split"]),
    ("oid_text", lambda i: names.oid_text("suffix")(big_oid(i)), ["names.oid_text.suffix"]),
    ("pysnmp ObjectName", _pysnmp_name, ["pysnmp.object_name"]),
]
_BUDGETS = {  # the documented budgets (snmp_component/_core/cache.py)
    "ber.oid_decode": 4 * MiB,
    "ber.oid_encode": 2 * MiB,
    "ber.null_varbind": 2 * MiB,
    "ber.message_prefix": 256 * KiB,
    "oid.parse_oid": 512 * KiB,
    "mibindex.parse": 512 * KiB,
    "mibindex.split": MiB,
    "names.resolve": MiB,
    "names.describe": 8 * MiB,
    "names.oid_text.suffix": 2 * MiB,
    "pysnmp.object_name": MiB,
}


@pytest.mark.parametrize(("feed", "budgets"), [(f, b) for _, f, b in FEEDERS],
                         ids=[label for label, _, _ in FEEDERS])  # fmt: skip
def test_a_cache_keeps_at_most_its_byte_budget(
    feed: Callable[[int], object], budgets: list[str]
) -> None:
    bound = sum(_BUDGETS[name] for name in budgets) + 256 * KiB
    left = _left_behind(feed)
    assert left <= bound, f"{left / MiB:.1f} MiB left behind (bound {bound / MiB:.2f} MiB)"


def test_usm_key_caches_keep_at_most_their_byte_budgets() -> None:
    from snmp_component._core import cache, usm

    for _ in range(2500):
        i = next(_serials)
        _usm_keys(i)
        usm.password_to_key(f"pass phrase {i}", "SHA")
    by_name = {c.name: c for c in cache.caches()}
    assert by_name["usm.keys"].nbytes <= 4 * MiB
    assert len(by_name["usm.keys"]) <= 4 * MiB // (3 * KiB)  # each counts its OpenSSL state
    assert by_name["usm.ku"].nbytes <= 256 * KiB
