"""Table-driven tests for snmp_component._core.oid."""

from __future__ import annotations

import pytest

from snmp_component._core.oid import MAX_SUBID, format_oid, is_prefix, parse_oid

VALID = [
    ("1.3.6.1", (1, 3, 6, 1)),
    (".1.3.6.1", (1, 3, 6, 1)),
    ("1.3.6.1.2.1.1.3.0", (1, 3, 6, 1, 2, 1, 1, 3, 0)),
    ("0.0", (0, 0)),
    ("0.39", (0, 39)),
    ("1.39.5", (1, 39, 5)),
    ("2.40", (2, 40)),
    ("2.999.1", (2, 999, 1)),
    ("2.4294967295", (2, MAX_SUBID)),
    ("1.3.6.1.4.1.4294967295", (1, 3, 6, 1, 4, 1, MAX_SUBID)),
    ("1.3.2147483648", (1, 3, 2**31)),
    ("1.3.007", (1, 3, 7)),  # leading zeros are tolerated (net-snmp does too)
    (".1", (1,)),  # a root arc alone: a walk from the top of the tree (sent as 1.0)
    ("2", (2,)),
]


@pytest.mark.parametrize(("text", "expected"), VALID)
def test_parse_oid_valid(text: str, expected: tuple[int, ...]) -> None:
    assert parse_oid(text) == expected
    assert type(parse_oid(text)) is tuple


INVALID = [
    ("", "empty"),
    (".", "empty"),
    ("1..3", "empty sub-identifier"),
    ("1.3.", "empty sub-identifier"),
    ("..1.3", "empty sub-identifier"),
    ("1.3.-6", "'-6' is not a number"),
    ("1.3.+6", "'+6' is not a number"),
    ("1.3.x", "'x' is not a number"),
    ("1.3. 6", "' 6' is not a number"),
    ("1.3.6 ", "'6 ' is not a number"),
    ("1.3.\u00b2", "is not a number"),  # superscript two: str.isdigit() is True for it
    ("1.3.\u0663", "is not a number"),  # Arabic-Indic digit three
    ("iso.3.6", "'iso' is not a number"),
    ("1.3.4294967296", "sub-identifier 4294967296 exceeds 4294967295"),
    ("3", "first sub-identifier must be 0, 1 or 2"),
    ("3.1", "first sub-identifier must be 0, 1 or 2"),
    ("0.40", "second sub-identifier must be below 40"),
    ("1.40.1", "second sub-identifier must be below 40"),
]


@pytest.mark.parametrize(("text", "message"), INVALID)
def test_parse_oid_invalid(text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_oid(text)
    assert message in str(info.value)
    assert repr(text) in str(info.value)  # the error names the bad text


def test_parse_oid_non_str() -> None:
    with pytest.raises(ValueError, match="must be a str"):
        parse_oid(b"1.3.6")  # type: ignore[arg-type]


def test_parse_oid_is_cached() -> None:
    assert parse_oid("1.3.6.1.2.1.2.2.1.10.1") is parse_oid("1.3.6.1.2.1.2.2.1.10.1")


@pytest.mark.parametrize(
    ("oid", "text"),
    [
        ((1, 3, 6, 1), ".1.3.6.1"),
        ((0, 0), ".0.0"),
        ((1, 3, 6, 1, 4, 1, MAX_SUBID), ".1.3.6.1.4.1.4294967295"),
    ],
)
def test_format_oid(oid: tuple[int, ...], text: str) -> None:
    assert format_oid(oid) == text
    assert parse_oid(text) == oid


@pytest.mark.parametrize(
    ("prefix", "oid", "expected"),
    [
        ((1, 3, 6), (1, 3, 6), True),
        ((1, 3, 6), (1, 3, 6, 1), True),
        ((1, 3, 6), (1, 3, 6, 1, 2, 3), True),
        ((1, 3, 6), (1, 3, 7), False),
        ((1, 3, 6), (1, 3, 60), False),
        ((1, 3, 6), (1, 3), False),
        ((1, 3, 6, 1), (1, 3, 6), False),
        ((), (1, 3), True),
    ],
)
def test_is_prefix(prefix: tuple[int, ...], oid: tuple[int, ...], expected: bool) -> None:
    assert is_prefix(prefix, oid) is expected


def test_ordering_is_tuple_ordering() -> None:
    oids = [(1, 3, 6, 1, 10), (1, 3, 6, 1, 2, 1), (1, 3, 6, 1, 2), (1, 3, 6), (1, 3, 6, 1, 2, 0)]
    assert sorted(oids) == [
        (1, 3, 6),
        (1, 3, 6, 1, 2),
        (1, 3, 6, 1, 2, 0),
        (1, 3, 6, 1, 2, 1),
        (1, 3, 6, 1, 10),
    ]
