"""``snmp_add_var``'s readers and checks (:mod:`snmp_component.cli_values`), case by case.

The expected values are what net-snmp 5.9.3's C does (glibc's ``strtol``/``strtoul``,
``read64``, ``snmp_hex_to_binary``...), and for ``add_var`` what ``snmpset``/``snmptrap``
print or send (checked against them: tests/test_cli_set.py, tests/test_cli_notify.py).
"""

from __future__ import annotations

import struct

import pytest

from snmp_component import names
from snmp_component._core import ber
from snmp_component._core.pdu import RawValue
from snmp_component.cli_values import (
    TRUNCATING,
    AddVarError,
    _decimal_to_binary,
    _hex_to_binary,
    _opaque_int64,
    _read64,
    _scan_float,
    add_var,
    atoi,
    log_once,
    strtol,
    strtoul,
)

LONG_MAX, LONG_MIN, ULONG_MAX = 2**63 - 1, -(2**63), 2**64 - 1


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("5", 10, (5, 1)),
        ("  -12abc", 10, (-12, 5)),
        ("+7", 10, (7, 2)),
        ("abc", 10, (0, 0)),
        ("-", 10, (0, 0)),
        ("", 10, (0, 0)),
        ("0x1f", 10, (0, 1)),
        ("0x1f", 16, (31, 4)),
        ("1f", 16, (31, 2)),
        ("0xg", 16, (0, 1)),  # "0" then "xg"
        ("0x1f", 0, (31, 4)),
        ("017", 0, (15, 3)),
        ("09", 0, (0, 1)),
        ("-0x10", 0, (-16, 5)),
        ("777", 8, (511, 3)),
        ("99999999999999999999", 10, (LONG_MAX, 20)),
        ("-99999999999999999999", 10, (LONG_MIN, 21)),
        ("\x1c5", 10, (0, 0)),  # not C's white space
        ("\uff15", 10, (0, 0)),  # a fullwidth 5 is no digit in C
        (b"12\xff", 10, (12, 2)),
        (b"\t\v\f\r\n 3", 10, (3, 7)),
    ],
)
def test_strtol(text: str | bytes, base: int, expected: tuple[int, int]) -> None:
    assert strtol(text, base) == expected


@pytest.mark.parametrize(
    ("text", "base", "expected"),
    [
        ("1000", 10, (1000, 4)),
        ("-1", 10, (ULONG_MAX, 2)),
        ("18446744073709551615", 10, (ULONG_MAX, 20)),
        ("18446744073709551616", 10, (ULONG_MAX, 20)),
        ("-18446744073709551616", 10, (ULONG_MAX, 21)),
        ("0x10", 0, (16, 4)),
        ("010", 0, (8, 3)),
        ("x", 0, (0, 0)),
    ],
)
def test_strtoul(text: str, base: int, expected: tuple[int, int]) -> None:
    assert strtoul(text, base) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("6", 6),
        ("6x", 6),
        ("x", 0),
        (" -5", -5),
        ("2147483648", -(2**31)),
        ("4294967297", 1),
        ("99999999999999999999", -1),  # (int) LONG_MAX
        ("-99999999999999999999", 0),  # (int) LONG_MIN
        ("0x10", 0),
    ],
)
def test_atoi(text: str, expected: int) -> None:
    assert atoi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"5", 5),
        (b"12abc", 12),
        (b"-1", ULONG_MAX),
        (b"18446744073709551616", 0),
        (b" 5", None),  # read64 takes no white space
        (b"+5", None),
        (b"-", None),
        (b"", None),
    ],
)
def test_read64(text: bytes, expected: int | None) -> None:
    assert _read64(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"1.5", 1.5),
        (b" 2e3junk", 2000.0),
        (b"-0.1", -0.1),
        (b".5", 0.5),
        (b"5.", 5.0),
        (b"1e", 1.0),
        (b"0x1p3", 8.0),
        (b"-0x.8", -0.5),
        (b"INF", float("inf")),
        (b"-infinity", float("-inf")),
        (b"x", None),
        (b".", None),
        (b"", None),
    ],
)
def test_scan_float(text: bytes, expected: float | None) -> None:
    assert _scan_float(text) == expected


def test_scan_float_nan() -> None:
    found = _scan_float(b"nan(1)")
    assert found is not None and found != found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"dead beef", b"\xde\xad\xbe\xef"),
        (b"0xaabb", b"\xaa\xbb"),
        (b"0XAA", b"\xaa"),
        (b"", b""),
        (b"  a b", None),
        (b"aabbc", None),
        (b"aa bb c", None),
        (b"41:42", None),
        (b"0x", b""),
    ],
)
def test_hex_to_binary(text: bytes, expected: bytes | None) -> None:
    assert _hex_to_binary(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"1.2.3", b"\x01\x02\x03"),
        (b"65.66 67", b"ABC"),
        (b" 1\t2\n", b"\x01\x02"),
        (b"1 2 300", None),
        (b"1,2", None),
        (b"-1", None),
        (b"4294967296", b"\x00"),  # atoi: the low 32 bits
        (b"99999999999999999999", b"\xff"),  # atoi: (int) LONG_MAX is -1
        (b"", b""),
    ],
)
def test_decimal_to_binary(text: bytes, expected: bytes | None) -> None:
    assert _decimal_to_binary(text) == expected


@pytest.mark.parametrize(
    ("number", "signed", "expected"),
    [
        (0, True, "9f7a0100"),
        (ULONG_MAX, True, "9f7a01ff"),  # -1
        (127, True, "9f7a017f"),
        (128, True, "9f7a020080"),
        (2**64 - 129, True, "9f7a02ff7f"),  # -129
        (2**63, True, "9f7a088000000000000000"),
        (128, False, "9f7b020080"),
        (ULONG_MAX, False, "9f7b0900ffffffffffffffff"),
    ],
)
def test_opaque_int64(number: int, signed: bool, expected: str) -> None:
    assert _opaque_int64(number, signed).hex() == expected


def test_log_once() -> None:
    said: list[str] = []
    log = log_once(said.append)
    for message in ("a", "b", "a", "b", "c"):
        log(message)
    assert said == ["a", "b", "c"]


UNKNOWN = ".1.3.6.1.4.1.99999.1.0"  # no MIB node: nothing checked

ADDED: list[tuple[str, str, str, int, RawValue]] = [
    # INTEGER: strtol, enums, net-snmp's cuts (snmp_set_var_value, CHECK_OVERFLOW_S)
    ("nsCacheDefaultTimeout.0", "i", "5", ber.INTEGER, 5),
    ("nsCacheDefaultTimeout.0", "=", "-2147483648", ber.INTEGER, -(2**31)),
    ("nsCacheDefaultTimeout.0", "i", "-3000000000", ber.INTEGER, -1294967296),
    ("ifAdminStatus.1", "i", "down", ber.INTEGER, 2),
    ("ifAdminStatus.1", "i", " 2", ber.INTEGER, 2),
    ("ipDefaultTTL.0", "i", "0", ber.INTEGER, 0),  # RFC1213-MIB's node: no range
    # unsigned: strtoul, modulo 2**32
    ("ifSpeed.1", "u", "-1", ber.GAUGE32, 2**32 - 1),
    ("ifInOctets.1", "=", "9", ber.COUNTER32, 9),
    ("sysUpTime.0", "t", "5", ber.TIMETICKS, 5),
    ("ifHCInOctets.1", "C", "12abc", ber.COUNTER64, 12),
    ("ifHCInOctets.1", "=", "-1", ber.COUNTER64, ULONG_MAX),
    # IpAddress, OID, NULL
    ("ipAdEntAddr.1.2.3.4", "a", "127.1", ber.IPADDRESS, b"\x7f\x00\x00\x01"),
    ("ipAdEntAddr.1.2.3.4", "a", "255.255.255.255", ber.IPADDRESS, b"\xff" * 4),
    ("sysObjectID.0", "o", ".1.3.6", ber.OBJECT_IDENTIFIER, (1, 3, 6)),
    ("sysObjectID.0", "=", "sysName.0", ber.OBJECT_IDENTIFIER, (1, 3, 6, 1, 2, 1, 1, 5, 0)),
    (UNKNOWN, "n", "x", ber.NULL, None),
    # OCTET STRING: DISPLAY-HINTs (else the text as it is), hex, decimal
    ("sysName.0", "s", "h\u00e9", ber.OCTET_STRING, b"h\xc3\xa9"),
    ("ifPhysAddress.1", "s", "0a:b:ff", ber.OCTET_STRING, b"\x0a\x0b\xff"),
    ("ifPhysAddress.1", "s", "zz", ber.OCTET_STRING, b"zz"),
    (
        "hrSystemDate.0",
        "s",
        "2024-1-2,3:4:5.6,+1:0",
        ber.OCTET_STRING,
        b"\x07\xe8\x01\x02\x03\x04\x05\x06+\x01\x00",
    ),
    ("sysLocation.0", "x", "41 42", ber.OCTET_STRING, b"AB"),
    ("sysContact.0", "d", "65.66 67", ber.OCTET_STRING, b"ABC"),
    # BITS: numbers as C writes them, names; as long as the highest named bit needs
    ("mteTriggerTest.1.1", "b", "boolean, 2 0x5", ber.OCTET_STRING, b"\x64"),
    ("mteTriggerTest.1.1", "=", "", ber.OCTET_STRING, b"\x00"),
    (UNKNOWN, "b", "1 3 0x10", ber.OCTET_STRING, b"\x50\x00\x80"),
    (UNKNOWN, "b", "010", ber.OCTET_STRING, b"\x00\x80"),
    (UNKNOWN, "b", "2047", ber.OCTET_STRING, bytes(255) + b"\x01"),
    (UNKNOWN, "b", "3000", ber.OCTET_STRING, bytes(375) + b"\x80"),  # one realloc: 512
    (UNKNOWN, "b", "4000 8000", ber.OCTET_STRING, bytes(500) + b"\x80" + bytes(499) + b"\x80"),
    # the Opaque-wrapped types
    (UNKNOWN, "F", " 2.5e1x", ber.OPAQUE, b"\x9f\x78\x04" + struct.pack(">f", 25.0)),
    (UNKNOWN, "F", "1e39", ber.OPAQUE, b"\x9f\x78\x04\x7f\x80\x00\x00"),
    (UNKNOWN, "F", "0x1p3", ber.OPAQUE, b"\x9f\x78\x04\x41\x00\x00\x00"),
    (UNKNOWN, "D", "-2.25", ber.OPAQUE, b"\x9f\x79\x08" + struct.pack(">d", -2.25)),
    (UNKNOWN, "I", "-129", ber.OPAQUE, b"\x9f\x7a\x02\xff\x7f"),
    (UNKNOWN, "U", "-1", ber.OPAQUE, b"\x9f\x7b\x09\x00" + b"\xff" * 8),
]


@pytest.mark.parametrize(("name", "letter", "value", "tag", "raw"), ADDED)
def test_add_var(name: str, letter: str, value: str, tag: int, raw: RawValue) -> None:
    warned: list[str] = []
    oid = names.resolve(name)
    assert add_var(name, oid, letter, value, warned.append) == (oid, tag, raw)
    assert warned == []


_UNKNOWN = "Unknown Object Identifier"
_HINT = "Value does not match DISPLAY-HINT"


def _type(have: str, wanted: str) -> str:
    return f"Bad variable type (Type of attribute is {have}, not {wanted})"


REFUSED: list[tuple[str, str, str, str]] = [
    # the letter against the MIB type (net-snmp's names of both)
    ("sysName.0", "i", "1", _type("OCTET STRING", "INTEGER")),
    ("ifIndex.1", "s", "x", _type("Integer32", "OCTET STRING")),
    ("ipDefaultTTL.0", "s", "1", _type("INTEGER", "OCTET STRING")),
    ("sysName.0", "b", "1", _type("OCTET STRING", "BITS")),
    ("sysName.0", "3", "1", _type("OCTET STRING", "UInteger32")),
    ("laLoadFloat.1", "i", "1", _type("Opaque", "INTEGER")),
    ("laLoadFloat.1", "=", "1", 'Bad variable type ("=")'),
    (UNKNOWN, "=", "5", 'Bad variable type ("=")'),
    (UNKNOWN, "q", "5", 'Bad variable type ("q")'),
    (UNKNOWN, "", "5", 'Bad variable type (")'),
    # INTEGER
    ("ifAdminStatus.1", "i", "", "Bad value notation ()"),
    ("ifAdminStatus.1", "i", "maybe", "Value out of range (maybe)"),
    ("ifAdminStatus.1", "i", "up(1)", "Value out of range (up(1))"),
    ("ifType.1", "i", "6x", "Value out of range (6x)"),
    ("ifIndex.1", "i", "0", "Value out of range (0 :: {(1..2147483647)})"),
    ("nsCacheDefaultTimeout.0", "i", "0x10", "Value out of range (0x10)"),
    ("nsCacheDefaultTimeout.0", "i", "3000000000", "Value out of range (3000000000)"),
    # unsigned, Counter64, IpAddress, OID
    ("ifSpeed.1", "u", "", "Bad value notation ()"),
    ("ifSpeed.1", "u", "1000 ", "Bad value notation (1000 )"),
    ("ifSpeed.1", "u", "abc", "Bad value notation (abc)"),
    (UNKNOWN, "3", "x", "Bad value notation (x)"),
    (UNKNOWN, "3", "5", 'Bad variable type ("3")'),  # (net-snmp sends a UInteger32)
    ("ifHCInOctets.1", "C", "x", "Bad value notation (x)"),
    ("ifHCInOctets.1", "C", " 5", "Bad value notation ( 5)"),
    ("ipAdEntAddr.1.2.3.4", "a", "1.2.3.400", "Bad value notation (1.2.3.400)"),
    ("ipAdEntAddr.1.2.3.4", "a", "4294967295", "Bad value notation (4294967295)"),
    ("sysObjectID.0", "o", "nosuchxyz", f"{_UNKNOWN} (Sub-id not found: (top) -> nosuchxyz)"),
    ("sysObjectID.0", "o", "ifIndex.0", f"{_UNKNOWN} (Index out of range: 0 (ifIndex))"),
    # OCTET STRING: sizes, hints, hex, decimal
    ("sysName.0", "s", "a" * 256, f"Value out of range ({_HINT} :: {{(0..255)}})"),
    ("sysName.0", "x", "00" * 256, "Value out of range (Bad string length :: {(0..255)})"),
    ("sysName.0", "x", "abc", "Bad value notation (abc)"),
    ("sysName.0", "d", "300", "Bad value notation (300)"),
    ("hrSystemDate.0", "s", "2024", f"Value out of range ({_HINT} :: {{(8), (11)}})"),
    ("hrSystemDate.0", "x", "01", "Value out of range (Bad string length :: {(8), (11)})"),
    # BITS
    ("mteTriggerTest.1.1", "b", "1 nope", "Value out of range (nope)"),
    ("mteTriggerTest.1.1", "i", "1", _type("BITS", "INTEGER")),
    (UNKNOWN, "b", "x", "Value out of range (x)"),
    (UNKNOWN, "b", "-1", "Bad value notation (-1)"),  # (5.9.3: undefined behaviour)
    (UNKNOWN, "b", "1 99999999999999", "Bad value notation (1 99999999999999)"),  # (5.9.3: crash)
    (UNKNOWN, "b", "4100", "Value out of range (4100)"),  # beyond one realloc
    # Opaque
    (UNKNOWN, "F", "x", "Bad value notation (x)"),
    (UNKNOWN, "D", "", "Bad value notation ()"),
    (UNKNOWN, "I", "+1", "Bad value notation (+1)"),
]


@pytest.mark.parametrize(("name", "letter", "value", "message"), REFUSED)
def test_add_var_refuses(name: str, letter: str, value: str, message: str) -> None:
    with pytest.raises(AddVarError) as caught:
        add_var(name, names.resolve(name), letter, value, print)
    assert str(caught.value) == f"{name}: {message}"
    assert (caught.value.label, caught.value.message) == (name, message)


@pytest.mark.parametrize(
    ("letter", "value", "tag", "raw"),
    [
        ("i", "99999999999", ber.INTEGER, 1215752191),
        ("i", "4294967297", ber.INTEGER, 1),
        ("u", "4294967298", ber.GAUGE32, 2),
        ("t", "99999999999", ber.TIMETICKS, 1215752191),
    ],
)
def test_add_var_truncates_with_a_warning(letter: str, value: str, tag: int, raw: int) -> None:
    warned: list[str] = []
    oid = names.resolve(UNKNOWN)
    assert add_var(UNKNOWN, oid, letter, value, warned.append) == (oid, tag, raw)
    assert warned == [TRUNCATING]


def test_add_var_resolves_oid_values_with_the_given_reader() -> None:
    def reader(word: str) -> tuple[int, ...]:
        if word == "bad":
            raise AddVarError(word, "Unknown Object Identifier")
        return (1, 3, len(word))

    oid = names.resolve("sysObjectID.0")
    assert add_var("x", oid, "o", "abcd", print, reader) == (oid, ber.OBJECT_IDENTIFIER, (1, 3, 4))
    with pytest.raises(AddVarError, match=r"^x: Unknown Object Identifier$"):
        add_var("x", oid, "o", "bad", print, reader)
