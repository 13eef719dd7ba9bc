"""Target keys, rendezvous (highest random weight) hashing and poll slots.

Every process computes the same answers from the same inputs, with no coordination: the
hash is blake2b (never Python's salted ``hash``), over a stable text form of the key.

* :func:`target_key` -- ``(host, port, context or security name)``: the identity of a
  target, and the unit of affinity (SNMPv3 engine, keys and time window stay together).
* :func:`owner` -- ``max(shards, key=weight(shard, key))``: removing a shard id moves only
  that shard's targets; adding one moves only about 1/S of them.
* :func:`slot_offset` -- where in each cycle a target is polled: ``h(key) mod interval``,
  the same across restarts, spread evenly over the interval.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import ConfigurationError
from ..options import parse_options

__all__ = ["TargetKey", "key_hash", "owner", "slot_offset", "target_key", "weight"]

TargetKey = tuple[str, int, str]
"""``(host, port, context or security name)``."""


def key_hash(*parts: object) -> int:
    """A stable unsigned 64-bit hash of ``parts`` (their ``repr``s, joined)."""
    text = "\x1f".join(repr(part) for part in parts).encode()
    return int.from_bytes(hashlib.blake2b(text, digest_size=8).digest(), "big")


def target_key(options: Mapping[str, Any]) -> TargetKey:
    """The key of the target that ``SNMPComponent.create(**options)`` would poll.

    Raises:
        ConfigurationError: the options are not valid ``create()`` keywords.
    """
    if not isinstance(options, Mapping):
        raise ConfigurationError(f"a target is a dict of create() keywords, not {options!r}")
    opts = parse_options(dict(options))
    third = opts.context or (opts.sec_name if opts.version == 3 else "")
    return (opts.host.lower(), opts.port, third)


def weight(shard_id: int, key: TargetKey) -> int:
    """The rendezvous weight of ``key`` on ``shard_id``."""
    return key_hash(shard_id, key)


def owner(key: TargetKey, shard_ids: Iterable[int]) -> int:
    """The shard (of ``shard_ids``) that owns ``key``: the highest weight wins.

    Raises:
        ValueError: ``shard_ids`` is empty.
    """
    return max(shard_ids, key=lambda shard: (weight(shard, key), shard))


def slot_offset(key: TargetKey, interval: float) -> float:
    """Seconds after each cycle's start at which ``key`` is polled: in ``[0, interval)``."""
    micros = max(1, round(interval * 1_000_000))
    return (key_hash("slot", key) % micros) / 1_000_000
