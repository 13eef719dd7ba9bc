"""net-snmp's value formatting (snmp_component._core.sprint), without an agent.

The printers are checked against net-snmp's own output for values the fixture agent does
not have (tests/component/test_formats.py compares real values with ``snmpget``); OID names
are compared with ``snmptranslate -m ALL -M ../shared/mibs`` (skipped only when that tool is
missing).
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from snmp_component import names
from snmp_component._core import ber
from snmp_component._core.mibindex import MibNode
from snmp_component._core.oid import parse_oid
from snmp_component._core.sprint import (
    EXCEPTION_TEXT,
    hexstring,
    hinted_integer,
    hinted_octets,
    oid_name,
    sprint_value,
    uptime,
)

MIB_DIR = Path(__file__).resolve().parents[3] / "shared" / "mibs"
SNMPTRANSLATE = shutil.which("snmptranslate")
needs_cli = pytest.mark.skipif(SNMPTRANSLATE is None, reason="net-snmp's snmptranslate missing")

DATE_HINT = "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"


def node(type_: str | None = None, *, enums: Mapping[str, int] | None = None,
         hint: str | None = None, units: str | None = None) -> MibNode:  # fmt: skip
    return MibNode(
        "x", "X-MIB", (1, 3, 6, 1, 4, 1, 99999, 1), type_,
        None if enums is None else MappingProxyType(dict(enums)), hint=hint, units=units,
    )  # fmt: skip


# -- DISPLAY-HINTs (RFC 2579 3.1) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "hint", "text"),
    [
        (bytes([7, 234, 1, 2, 3, 4, 5, 6, 43, 1, 0]), DATE_HINT, "2026-1-2,3:4:5.6,+1:0"),
        (bytes([7, 232, 12, 31, 23, 59, 59, 9]), DATE_HINT, "2024-12-31,23:59:59.9"),
        (bytes.fromhex("001a2b3c4d5e"), "1x:", "0:1a:2b:3c:4d:5e"),
        (bytes.fromhex("0a0b"), "1x", "0a0b"),  # no separator, hint used up: 2 digits
        (b"hello", "255a", "hello"),
        (b'say "hi"\\', "255a", 'say \\"hi\\"\\\\'),  # net-snmp escapes quotes/backslashes
        (b"caf\xc3\xa9", "255t", "caf.."),  # non-ASCII octets print as dots
        (bytes([192, 0, 2, 1]), "1d.1d.1d.1d", "192.0.2.1"),
        (bytes([0x12, 0x34, 0x56, 0x78]), "2x-", "1234-5678"),
        (bytes([3, 1, 2, 3, 4]), "*1d.", "1.2.3.4"),  # '*': repeat count from the data
        (bytes([8, 9]), "1o", "1011"),
        (b"", "255a", ""),
    ],
)
def test_hinted_octets(raw: bytes, hint: str, text: str) -> None:
    assert hinted_octets(raw, hint) == text


@pytest.mark.parametrize(
    ("raw", "hint", "text"),
    [
        (b'say "hi"\\', "255a", 'say "hi"\\'),  # net-snmp 5.9 copies text as it is
        (b"C:\\ Label", "255t", "C:\\ Label"),
        (b"caf\xc3\xa9", "255t", "caf\u00e9"),  # UTF-8 as its characters
        (b"a\xffb", "255a", "a\udcffb"),  # not UTF-8: the octet kept (surrogateescape)
        (b'a\x00"\\', "255a", 'a.\\"\\\\'),  # a NUL: sprint_realloc_asciistring's escapes
        (b"ab\x00cd", "2a-", "ab-.c-d"),  # per chunk: only the one with the NUL is escaped
        (b"\xe9\xa9\xac", "1a", "\u9a6c"),  # a character split over chunks stays whole
    ],
)
def test_text_hints_are_verbatim(raw: bytes, hint: str, text: str) -> None:
    assert hinted_octets(raw, hint, verbatim=True) == text
    assert sprint_value(ber.OCTET_STRING, raw, node("OCTETSTR", hint=hint), quick=True) == text


def test_bad_octet_hint_is_reported_like_net_snmp() -> None:
    assert hinted_octets(b"ab", "1q") is None
    shown = sprint_value(ber.OCTET_STRING, b"ab", node("OCTETSTR", hint="1q"))
    assert shown == '(Bad hint ignored: 1q) "ab"'


@pytest.mark.parametrize(
    ("value", "hint", "text"),
    [(1234, "d-2", "12.34"), (5, "d-3", ".005"), (-5, "d-2", ".-5"), (255, "x", "ff"),
     (8, "o", "10"), (42, "d", "42"), (7, "d-1", ".7")],
)  # fmt: skip
def test_hinted_integer(value: int, hint: str, text: str) -> None:
    assert hinted_integer(value, hint) == text


# -- the printers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ticks", "quick", "text"),
    [
        (12345, True, "0:0:02:03.45"),
        (12345, False, "0:02:03.45"),
        (8640000 + 360000 + 6000 + 100 + 1, False, "1 day, 1:01:01.01"),
        (3 * 8640000, False, "3 days, 0:00:00.00"),
        (3 * 8640000, True, "3:0:00:00.00"),
    ],
)
def test_uptime(ticks: int, quick: bool, text: str) -> None:
    assert uptime(ticks, quick) == text


def test_hexstring_wraps_every_16_octets() -> None:
    assert hexstring(bytes(range(3))) == "00 01 02 "
    assert hexstring(bytes(17)) == "00 " * 16 + "\n00 "
    assert hexstring(b"") == ""


ENUMS = {"up": 1, "down": 2, "testing": 3}


@pytest.mark.parametrize(
    ("tag", "raw", "mib", "quick", "text"),
    [
        (ber.INTEGER, 1, node("INTEGER", enums=ENUMS), True, "up"),
        (ber.INTEGER, 1, node("INTEGER", enums=ENUMS), False, "INTEGER: up(1)"),
        (ber.INTEGER, 9, node("INTEGER", enums=ENUMS), False, "INTEGER: 9"),
        (ber.INTEGER, 1024, node("INTEGER32", units="Bytes"), True, "1024 Bytes"),
        (ber.INTEGER, 1234, node("INTEGER32", hint="d-2"), True, "12.34"),
        (ber.TIMETICKS, 12345, node("TICKS"), False, "Timeticks: (12345) 0:02:03.45"),
        (ber.TIMETICKS, 12345, node("TICKS"), True, "0:0:02:03.45"),
        (ber.GAUGE32, 10, node("GAUGE"), False, "Gauge32: 10"),
        (ber.GAUGE32, 10, node("UNSIGNED32", units="seconds"), True, "10 seconds"),
        (ber.COUNTER32, 7, node("COUNTER"), False, "Counter32: 7"),
        (ber.COUNTER64, 2**40, node("COUNTER64"), False, f"Counter64: {2**40}"),
        (ber.IPADDRESS, bytes([127, 0, 0, 1]), node("IPADDR"), False, "IpAddress: 127.0.0.1"),
        (ber.OCTET_STRING, b"text", node("OCTETSTR"), True, '"text"'),
        (ber.OCTET_STRING, b"text", node("OCTETSTR"), False, 'STRING: "text"'),
        (ber.OCTET_STRING, b"", node("OCTETSTR"), False, '""'),
        (ber.OCTET_STRING, b"\x00\x01", node("OCTETSTR"), True, '"00 01 "'),
        (ber.OCTET_STRING, b"\x00\x01", node("OCTETSTR"), False, "Hex-STRING: 00 01 "),
        (ber.OCTET_STRING, b"lo", node("OCTETSTR", hint="255a"), False, "STRING: lo"),
        (ber.OCTET_STRING, b"\x80", node("BITS", enums={"a": 0}), True, '"80 "'),
        (ber.OCTET_STRING, b"\xa0", node("BITS", enums={"a": 0, "c": 2}), False,
         "BITS: A0 a(0) c(2) "),
        (ber.OCTET_STRING, b"\xe0", node("BITS", enums={"a": 0, "c": 2}), False,
         "BITS: E0 a(0) 1 2 "),  # net-snmp never restarts its walk of the bit names
        (ber.OPAQUE, b"\x9f\x78\x04" + struct.pack(">f", 1.5), node("OPAQUE"), True, "1.500000"),
        (ber.OPAQUE, b"\x9f\x78\x04" + struct.pack(">f", 1.5), node("OPAQUE"), False,
         "Opaque: Float: 1.500000"),
        (ber.OPAQUE, b"\x01\x02", node("OPAQUE"), False, "OPAQUE: 01 02 "),
        (ber.NULL, None, None, True, "NULL"),
        (ber.GAUGE32, 5, node("INTEGER"), True, "Wrong Type (should be INTEGER): 5"),
        (ber.INTEGER, 5, node("OCTETSTR"), False,
         "Wrong Type (should be OCTET STRING): INTEGER: 5"),
        (ber.OBJECT_IDENTIFIER, (1, 3, 6, 1), node("OBJECTID"), False, "OID: .1.3.6.1"),
        (ber.INTEGER, -3, None, True, "-3"),
    ],
)  # fmt: skip
def test_printers(tag: int, raw: object, mib: MibNode | None, quick: bool, text: str) -> None:
    assert sprint_value(tag, raw, mib, quick=quick) == text  # type: ignore[arg-type]


def test_exceptions_print_net_snmps_text() -> None:
    for tag, text in EXCEPTION_TEXT.items():
        assert sprint_value(tag, None, node("INTEGER")) == text
    assert sprint_value(ber.NO_SUCH_OBJECT, None, None).startswith("No Such Object available")


def test_network_address_of_rfc1213() -> None:
    at = names.mib_index().resolve_name("atNetAddress")
    assert sprint_value(ber.IPADDRESS, bytes([192, 0, 2, 1]), at) == "C0:00:02:01"
    assert sprint_value(ber.IPADDRESS, bytes([192, 0, 2, 1]), at, quick=False) == (
        "Network Address: C0:00:02:01"
    )


@given(st.binary(max_size=40), st.sampled_from(["1x:", "255a", "1d.", DATE_HINT, "2x", "*1d"]))
def test_hints_never_fail_on_any_octets(raw: bytes, hint: str) -> None:
    text = hinted_octets(raw, hint)
    assert isinstance(text, str)


@given(st.integers(min_value=-(2**31), max_value=2**31 - 1), st.sampled_from(["d-2", "x", "d"]))
def test_integer_hints_keep_the_digits(value: int, hint: str) -> None:
    text = hinted_integer(value, hint)
    if hint == "d-2":
        assert text.replace(".", "").lstrip("0") == str(value).lstrip("0") or value == 0


# -- OID names ------------------------------------------------------------------------------------

OIDS = [
    ".1.3.6.1.2.1.1.1.0",
    ".1.3.6.1.2.1.1.3.0",
    ".1.3.6.1.4.1.8072.3.2.10",
    ".1.3.6.1.4.1.99999.1",
    ".1.3.6.1.2.1.4.20.1.1.127.0.0.1",
    ".1.3.6.1.6.3.16.1.2.1.3.2.5.112.117.98",
    ".1.3.6.1.2.1.25.2.1.2",
    ".0.0",
    ".1.3.6.1.2.1.1.9.1.2.1",
    ".1.3.6.1.2.1.2.2.1.99.1",
]


@needs_cli
@pytest.mark.parametrize(
    ("style", "flag"), [("suffix", "-Osb"), ("full", "-Ofb"), ("numeric", "-Onb")]
)
def test_oid_names_match_snmptranslate(style: str, flag: str) -> None:
    assert MIB_DIR.is_dir(), f"MIB texts not found at {MIB_DIR}"
    env = dict(os.environ, SNMPCONFPATH=os.devnull, MIBS="", MIBDIRS="")
    done = subprocess.run(
        [str(SNMPTRANSLATE), "-m", "ALL", "-M", str(MIB_DIR), flag, *OIDS],
        capture_output=True, text=True, env=env, timeout=60, check=True,
    )  # fmt: skip
    expected = done.stdout.split()
    index = names.mib_index()
    assert [oid_name(parse_oid(o), index, style) for o in OIDS] == expected  # type: ignore[arg-type]


def test_oid_names_without_an_index_are_numeric() -> None:
    assert oid_name((1, 3, 6), None, "suffix") == ".1.3.6"
    # an OID under no known root: all numeric, as snmptranslate prints .5.1
    assert oid_name((5, 1), names.mib_index(), "suffix") == ".5.1"
    assert oid_name((5, 1), names.mib_index(), "full") == ".5.1"
