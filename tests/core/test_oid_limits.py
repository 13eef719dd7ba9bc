"""OIDs have at most 128 sub-identifiers of at most 2**32-1, as in net-snmp (MAX_OID_LEN).

Received: an OID name or OBJECT IDENTIFIER value beyond that makes the datagram malformed
(``BERDecodeError``, as net-snmp's ``asn_parse_objid`` rejects it), whatever the PDU: a
response, a v1 or v2 trap, an SNMPv3 scoped PDU. Requested: a name, numeric OID or
``[tag, iid]`` var that comes to more is an :class:`UnknownObjectError` (net-snmp's
"Unknown Object Identifier", a ``ConfigurationError``) naming the limit.
"""

from __future__ import annotations

import pytest

from snmp_component import names
from snmp_component._core import ber, oid
from snmp_component._core.mibindex import parse_name
from snmp_component._core.vars import parse_set_vars, parse_vars
from snmp_component.errors import ConfigurationError, UnknownObjectError
from snmp_component.varbind import Varbind

from ..forge import oid_content

MAX = 128
SUBID_MAX = 2**32 - 1


def tlv(tag: int, content: bytes) -> bytes:
    return bytes((tag,)) + ber.encode_length(len(content)) + content


def response(name: tuple[int, ...], value: tuple[int, ...] | None = None) -> bytes:
    """A v2c response with one varbind: ``name`` = ``value`` (an OID) or NULL."""
    val = tlv(0x06, oid_content(value)) if value is not None else b"\x05\x00"
    vbl = tlv(0x30, tlv(0x30, tlv(0x06, oid_content(name)) + val))
    return ber.encode_request_raw(ber.VERSION_2C, b"public", ber.RESPONSE, 7, 0, 0, vbl)


def arcs(n: int, sub: int = 1) -> tuple[int, ...]:
    return (1, 3, *([sub] * (n - 2)))


SHAPES = [
    pytest.param(1, id="single-octet-arcs"),  # the all-ASCII fast path
    pytest.param(300, id="two-octet-arcs"),
    pytest.param(SUBID_MAX, id="five-octet-arcs"),
]


@pytest.mark.parametrize("sub", SHAPES)
def test_decoder_takes_128_arcs_and_rejects_129(sub: int) -> None:
    for where in ("name", "value"):
        ok = arcs(MAX, sub)
        data = response(ok, ok) if where == "value" else response(ok)
        vb = ber.decode_message(data).varbinds[0]
        assert vb[0] == ok and (vb[2] == ok if where == "value" else vb[2] is None)
        long = arcs(MAX + 1, sub)
        bad = response(ok, long) if where == "value" else response(long)
        with pytest.raises(ber.BERDecodeError, match=r"129 sub-identifiers.*at most 128"):
            ber.decode_message(bad)


@pytest.mark.parametrize("n", [129, 200, 8000])
def test_decoder_rejects_every_over_long_oid_even_when_cached_before(n: int) -> None:
    ber.decode_message(response(arcs(MAX)))  # a cached 128-arc OID is no excuse
    with pytest.raises(ber.BERDecodeError, match="at most 128"):
        ber.decode_message(response(arcs(n)))
    with pytest.raises(ber.BERDecodeError, match="at most 128"):
        ber.decode_message(response(arcs(n, 2**31)))


def test_decoder_still_rejects_sub_identifiers_beyond_32_bits() -> None:
    for bad in ((1, 3, SUBID_MAX + 1), (2, SUBID_MAX + 1), (1, 3, 2**64)):
        with pytest.raises(ber.BERDecodeError, match="exceeds 2\\*\\*32-1"):
            ber.decode_message(response(bad))


def v1_trap(enterprise: tuple[int, ...]) -> bytes:
    pdu = (
        tlv(0x06, oid_content(enterprise))
        + tlv(0x40, b"\x7f\x00\x00\x01")
        + tlv(0x02, b"\x06")
        + tlv(0x02, b"\x01")
        + tlv(0x43, b"\x05")
        + tlv(0x30, b"")
    )
    return tlv(0x30, tlv(0x02, b"\x00") + tlv(0x04, b"public") + tlv(0xA4, pdu))


def test_traps_and_v3_pdus_share_the_cap() -> None:
    trap = ber.decode_message(v1_trap(arcs(MAX)))
    assert isinstance(trap, ber.TrapV1) and trap.enterprise == arcs(MAX)
    with pytest.raises(ber.BERDecodeError, match="at most 128"):
        ber.decode_message(v1_trap(arcs(MAX + 1)))
    vbl = tlv(0x30, tlv(0x30, tlv(0x06, oid_content(arcs(MAX + 1))) + b"\x05\x00"))
    pdu = ber.encode_pdu(ber.SNMPV2_TRAP, 1, 0, 0, vbl)
    with pytest.raises(ber.BERDecodeError, match="at most 128"):
        ber.decode_pdu(pdu, 0, len(pdu))


def test_parse_oid_takes_128_arcs_and_rejects_129_naming_the_limit() -> None:
    text = ".".join(map(str, arcs(MAX)))
    assert oid.parse_oid(text) == arcs(MAX)
    assert oid.MAX_OID_LENGTH == ber.MAX_OID_LENGTH == MAX
    long = ".".join(map(str, arcs(8000)))
    with pytest.raises(ValueError, match="8000 sub-identifiers, SNMP allows at most 128") as info:
        oid.parse_oid(long)
    assert len(str(info.value)) < 300  # the message does not repeat 8,000 arcs


@pytest.mark.parametrize(
    "text",
    [
        ".".join(map(str, arcs(MAX + 1))),
        "." + ".".join(map(str, arcs(MAX + 1))),
        "sysDescr" + ".1" * (MAX - 8 + 1),  # sysDescr has 8 arcs
        "SNMPv2-MIB::sysDescr" + ".1" * (MAX - 8 + 1),
        "iso" + ".2" * MAX,
        "iso.org.dod.internet" + ".7" * (MAX - 4 + 1),
        "ifDescr" + ".4294967295" * 5000,
    ],
    ids=["numeric", "dotted", "name-iid", "module-name-iid", "root", "path", "huge"],
)
def test_resolve_rejects_more_than_128_arcs_as_an_unknown_object(text: str) -> None:
    with pytest.raises(UnknownObjectError, match="at most 128") as info:
        names.resolve(text)
    assert isinstance(info.value, ConfigurationError) and info.value.error_num == -58
    assert len(str(info.value)) < 400
    with pytest.raises(UnknownObjectError, match="at most 128"):
        parse_name(text, names.mib_index())


def test_resolve_takes_exactly_128_arcs() -> None:
    assert names.resolve("sysDescr" + ".1" * (MAX - 8)) == (1, 3, 6, 1, 2, 1, 1, 1) + (1,) * 120
    assert len(names.resolve("iso" + ".2" * (MAX - 1))) == MAX
    assert parse_name(".".join(map(str, arcs(MAX))), None) == arcs(MAX)
    with pytest.raises(UnknownObjectError, match="at most 128"):
        parse_name(".".join(map(str, arcs(MAX + 1))), None)


@pytest.mark.parametrize(
    "var",
    [
        ["sysDescr", ".".join(["1"] * (MAX - 8 + 1))],
        ("ifDescr", ".".join(["7"] * 500)),
        [".1.3.6.1.4.1", ".".join(["9"] * (MAX - 6 + 1))],
    ],
    ids=["name", "tuple", "numeric-tag"],
)
def test_tag_and_iid_vars_beyond_128_arcs_are_unknown_objects(var: list[str]) -> None:
    with pytest.raises(UnknownObjectError, match="at most 128") as info:
        parse_vars([var], names.resolve)
    assert len(str(info.value)) < 400
    with pytest.raises(UnknownObjectError, match="at most 128"):
        parse_set_vars([[*var, "x", "OCTETSTR"]], names.resolve, names.type_of)


def test_iid_arcs_beyond_32_bits_are_unknown_objects() -> None:
    assert parse_vars([["sysDescr", SUBID_MAX]], names.resolve) == [
        (1, 3, 6, 1, 2, 1, 1, 1, SUBID_MAX)
    ]
    ok = ".".join(["1"] * (MAX - 8))
    assert len(parse_vars([["sysDescr", ok]], names.resolve)[0]) == MAX
    for iid in (SUBID_MAX + 1, f"1.{SUBID_MAX + 1}", "1." + "9" * 5000):
        with pytest.raises(UnknownObjectError, match="exceeds 4294967295"):
            parse_vars([["sysDescr", iid]], names.resolve)
    with pytest.raises(UnknownObjectError, match="negative"):
        parse_vars([Varbind("sysDescr", -1)], names.resolve)
