"""Rendezvous hashing, target keys and slots: pure functions, no processes."""

from __future__ import annotations

import pytest

from snmp_component.errors import ConfigurationError, NoSuchName, OidNotIncreasing, SNMPTimeoutError
from snmp_component.fleet import owner, slot_offset, target_key
from snmp_component.fleet.records import (
    CycleOverrun,
    Record,
    ShardLost,
    decode_error,
    encode_error,
)

KEYS = [(f"10.0.{n // 256}.{n % 256}", 161, "") for n in range(2000)]


def test_owner_is_stable_and_spread() -> None:
    shards = [0, 1, 2, 3]
    owners = [owner(key, shards) for key in KEYS]
    assert owners == [owner(key, list(reversed(shards))) for key in KEYS]
    counts = [owners.count(s) for s in shards]
    assert min(counts) > 400, counts  # about 500 each


def test_removing_a_shard_moves_only_its_targets() -> None:
    before = {key: owner(key, [0, 1, 2, 3]) for key in KEYS}
    after = {key: owner(key, [0, 1, 3]) for key in KEYS}
    moved = {key for key in KEYS if before[key] != after[key]}
    assert moved == {key for key in KEYS if before[key] == 2}


def test_adding_a_shard_moves_about_one_in_s() -> None:
    before = {key: owner(key, [0, 1, 2, 3]) for key in KEYS}
    after = {key: owner(key, [0, 1, 2, 3, 4]) for key in KEYS}
    moved = [key for key in KEYS if before[key] != after[key]]
    assert all(after[key] == 4 for key in moved)
    assert 300 < len(moved) < 500  # ~ 2000 / 5


def test_slots_are_in_the_interval_and_stable() -> None:
    offsets = [slot_offset(key, 60.0) for key in KEYS]
    assert all(0 <= o < 60 for o in offsets)
    assert offsets == [slot_offset(key, 60.0) for key in KEYS]
    assert max(offsets) > 55 and min(offsets) < 5


def test_target_key() -> None:
    assert target_key({"DestHost": "Router1:1161", "Version": 2}) == ("router1", 1161, "")
    assert target_key({"hostname": "192.0.2.1"}) == ("192.0.2.1", 161, "")
    v3 = {"DestHost": "192.0.2.1", "Version": 3, "SecName": "mon", "SecLevel": "noAuthNoPriv"}
    assert target_key(v3) == ("192.0.2.1", 161, "mon")
    assert target_key({**v3, "Context": "vrf1"}) == ("192.0.2.1", 161, "vrf1")
    with pytest.raises(ConfigurationError):
        target_key({"DestHost": "192.0.2.1", "NoSuchKeyword": 1})


def test_errors_cross_the_wire() -> None:
    for exc in (
        NoSuchName(2, 1, ".1.3.6.1.2.1.1.5.0"),
        OidNotIncreasing(".1.3.6.1", ".1.3.6.0"),
        SNMPTimeoutError(attempts=2, elapsed=1.5),
        ShardLost("shard 1 died"),
        CycleOverrun("missed"),
    ):
        back = decode_error(encode_error(exc))
        assert type(back) is type(exc)
        assert (back.error_str, back.error_num, back.error_index) == (
            exc.error_str,
            exc.error_num,
            exc.error_index,
        )
    err = decode_error(encode_error(RuntimeError("boom")))
    assert "boom" in str(err)


def test_record_status() -> None:
    key = ("h", 161, "")
    assert Record(key, 0, 0, 1, True, 5).status == "ok"
    assert Record(key, 0, 0, 1, False, error=ShardLost("x")).status == "lost"
    assert Record(key, 0, 0, 1, False, error=CycleOverrun("x")).status == "missed"
    assert Record(key, 0, 0, 1, False, error=SNMPTimeoutError()).status == "error"
