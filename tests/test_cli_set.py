"""``snmpc set`` against net-snmp's ``snmpset``, case by case: the type letters, how each
value is read (``strtol``, ``strtoul``, ``inet_addr``, DISPLAY-HINTs, BITS, Opaque...), the
checks against the MIB made before anything is sent, and the messages.

Each case runs both tools through a loopback forwarder to the session's ``snmpd`` that
keeps the requests it forwards, and compares stdout, stderr, the exit code and the
varbinds of the request each tool sent, byte for byte: a value is not only accepted or
refused alike, it is encoded alike. The cases run concurrently (about 10 s in all); the
objects they change are put back afterwards (other tests read ``snmpEnableAuthenTraps``).
"""

from __future__ import annotations

import shlex
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from snmp_component.cli_set import SetError, set_varbinds
from snmp_component.testing import SnmpdAgent
from snmp_component.testing.snmpd import AUTH_PASS, PRIV_PASS
from tests.relay import Relay
from tests.test_cli import agent_of, needs_net_snmp, ours, theirs

V2C = "-v2c -c private"
V1 = "-v1 -c private"
V3 = f"-v3 -l authPriv -u privAESUser -a SHA -A {AUTH_PASS} -x AES -X {PRIV_PASS}"
UNKNOWN = ".1.3.6.1.4.1.99999.1.0"  # below enterprises: no MIB type, nothing checked
PUBLIC = "{usmUserPublic}"  # usmUserPublic of noAuthUser: OCTET STRING (SIZE(0..32)), writable

CASES: list[str] = [
    # INTEGER: strtol in base 10, then the object's enum labels; net-snmp's 32-bit cut
    "nsCacheDefaultTimeout.0 i 0x10",
    "nsCacheDefaultTimeout.0 i abc",
    "nsCacheDefaultTimeout.0 i ''",
    "nsCacheDefaultTimeout.0 i ' 7'",
    "nsCacheDefaultTimeout.0 i 5",
    "nsCacheDefaultTimeout.0 i 99999999999",
    "nsCacheDefaultTimeout.0 i -2147483648",
    "nsCacheDefaultTimeout.0 i -3000000000",
    "nsCacheDefaultTimeout.0 = 5",
    "nsCacheEnabled.0 i true",
    "nsCacheEnabled.0 i 'true(1)'",
    "nsCacheEnabled.0 i maybe",
    "nsCacheEnabled.0 = false",
    "snmpEnableAuthenTraps.0 i 3",
    "snmpEnableAuthenTraps.0 = disabled",
    "snmpSetSerialNo.0 i -1",  # TestAndIncr (0..2147483647): checked before sending
    # Unsigned32 / Counter32 / Counter64 / TimeTicks: strtoul (read64), modulo 2**32 (2**64)
    "nlmConfigGlobalEntryLimit.0 u 1000",
    "nlmConfigGlobalEntryLimit.0 u -1",
    "nlmConfigGlobalEntryLimit.0 u 99999999999",
    "nlmConfigGlobalEntryLimit.0 u 18446744073709551616",
    "nlmConfigGlobalEntryLimit.0 u ' 1000'",
    "nlmConfigGlobalEntryLimit.0 u '1000 '",
    "nlmConfigGlobalEntryLimit.0 u abc",
    "nlmConfigGlobalEntryLimit.0 = 1000",
    "ifInOctets.1 c 5",
    "ifHCInOctets.1 C 5",
    "ifInOctets.1 = 4294967296",
    "ifHCInOctets.1 = -1",
    "ifHCInOctets.1 = 5x",
    "ifHCInOctets.1 = ' 5'",
    "sysORLastChange.0 = 5",
    "sysUpTime.0 t 5",  # sysUpTimeInstance (DISMAN-EXPRESSION-MIB): a node without a type
    "sysUpTime.0 = 5",
    # IpAddress: inet_addr, whose -1 is an error unless written 255.255.255.255
    "ipAdEntAddr.127.0.0.1 a notanip",
    "ipAdEntAddr.127.0.0.1 a '1.2.3.4 abc'",
    "ipAdEntAddr.127.0.0.1 a 4294967295",
    "ipAdEntAddr.127.0.0.1 = 0x7f.1",
    # OBJECT IDENTIFIER: a name or a numeric OID
    "sysORID.1 o sysName.0",
    "sysORID.1 o foo",
    "sysORID.1 = .1.3.6",
    # OCTET STRING: s (through the DISPLAY-HINT), x, d; SIZE checked before sending
    f"{PUBLIC} s hello",
    f"{PUBLIC} s ''",
    f"{PUBLIC} = hi",
    f"{PUBLIC} s 0123456789012345678901234567890123",
    f"{PUBLIC} x 'de ad be ef'",
    f"{PUBLIC} x 0xaabb",
    f"{PUBLIC} x ''",
    f"{PUBLIC} x aabbc",
    f"{PUBLIC} x 'aa bb c'",
    f"{PUBLIC} x 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20",
    f"{PUBLIC} d 1.2.3",
    f"{PUBLIC} d '1 2 300'",
    f"{PUBLIC} d 4294967296",
    "sysName.0 s héllo",
    "sysName.0 s " + "a" * 300,
    "sysContact.0 n x",
    "ifPhysAddress.1 s 0a:0b:ff:100",
    "ifPhysAddress.1 s ' 1: 2'",
    "pingResultsLastGoodProbe.1.1 s 2024-1-2,3:4:5.6,+2:0",
    "hrSystemDate.0 s 2024-1-2",
    "hrSystemDate.0 x 01",
    # BITS: numbers (as C writes them) or names
    "sysName.0 b 1",
    "mteTriggerTest.1.1 b 'boolean, 2 0x5'",
    "mteTriggerTest.1.1 b '1 nope'",
    "mteTriggerTest.1.1 = threshold",
    "mteTriggerTest.1.1 i 1",
    f"{UNKNOWN} b '1 40 010'",
    f"{UNKNOWN} b 2048",  # beyond net-snmp's first buffer (256 octets)
    f"{UNKNOWN} d '1 2 300'",
    # letters: checked first (only the first character counts); n and the Opaque types
    "sysName.0 q 5",
    "sysName.0 int 5",
    "sysName.0 3 1",
    "hrStorageIndex.1 s x",  # an Integer32 object: "Type of attribute is Integer32"
    "laLoadFloat.1 = 1.5",
    f"{UNKNOWN} = 5",
    f"{UNKNOWN} i 5",
    f"{UNKNOWN} n ''",
    f"{UNKNOWN} F ' 2e3junk'",
    f"{UNKNOWN} D -0.1",
    f"{UNKNOWN} D x",
    f"{UNKNOWN} F 0x1p3",  # sscanf's %f reads hexadecimal too
    f"{UNKNOWN} I -129",
    f"{UNKNOWN} U 18446744073709551616",
    # several triples: the first bad letter alone, else every bad triple, in order
    "sysName.0",
    "sysName.0 s",
    "sysName.0 s x sysContact.0",
    "sysName.0 s x sysName.0 q 1 foo.0 s x",
    "foo.0 s x bar.0 i 1 sysName.0 i 5",
    "nsCacheDefaultTimeout.0 i 99999999999 nsCacheDefaultTimeout.0 i 99999999999 sysName.0 i 1",
    "nsCacheDefaultTimeout.0 i 99999999999 nlmConfigGlobalEntryLimit.0 u 99999999999",
    "nsCacheDefaultTimeout.0 i 5 nsCacheEnabled.0 i 2",
    # SNMPv1 and SNMPv3 (authPriv)
    f"{V1} | nsCacheDefaultTimeout.0 i 5 sysContact.0 s x",
    f"{V1} | nsCacheDefaultTimeout.0 i abc",
    f"{V3} | nsCacheDefaultTimeout.0 i 99999999999 nsCacheEnabled.0 i 2",
    f"{V3} | sysContact.0 s x",
]
"""``OID TYPE VALUE...`` (shell words), with ``-v2c -c private`` unless other options come
first, before a ``|``."""

RESTORED = ["nsCacheDefaultTimeout.0", "nsCacheEnabled.0", "nlmConfigGlobalEntryLimit.0",
            "snmpEnableAuthenTraps.0"]  # fmt: skip
"""The writable objects the cases change (and usmUserPublic), put back afterwards."""


def _tlv(data: bytes, pos: int) -> tuple[int, int]:
    """(start of the value, end of the value) of the BER TLV at ``pos``."""
    length, pos = data[pos + 1], pos + 2
    if length & 0x80:
        count = length & 0x7F
        length, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
    return pos, pos + length


def _varbind_list(message: bytes) -> bytes:
    """The encoded varbind list of an SNMPv1/v2c request (whatever its request-id)."""
    pos = _tlv(message, 0)[0]
    for _ in range(2):  # version, community
        pos = _tlv(message, pos)[1]
    pos = _tlv(message, pos)[0]  # into the PDU
    for _ in range(3):  # request-id, error-status, error-index
        pos = _tlv(message, pos)[1]
    return message[pos : _tlv(message, pos)[1]]


@dataclass(frozen=True)
class Outcome:
    """What one tool printed and sent."""

    stdout: str
    stderr: list[str]
    returncode: int
    sent: list[bytes] | None  # varbind lists; None for SNMPv3 (encrypted)


def _words(case: str, public: str) -> tuple[list[str], list[str]]:
    options, _, triples = case.rpartition(" | ")
    return (options or V2C).split(), shlex.split(triples.replace(PUBLIC, public))


def _run(
    tool: Callable[..., subprocess.CompletedProcess[str]], snmpd: SnmpdAgent, case: str, public: str
) -> Outcome:
    options, triples = _words(case, public)
    with Relay(snmpd.port) as recorder:
        result = tool("set", *options, f"127.0.0.1:{recorder.port}", *triples)
    sent = None if "-v3" in options else [_varbind_list(m) for m in recorder.requests]
    return Outcome(result.stdout, result.stderr.splitlines(), result.returncode, sent)


def _usm_user_public(snmpd: SnmpdAgent) -> str:
    """The numeric OID of noAuthUser's usmUserPublic (its index holds the engine ID)."""
    walked = theirs("walk", "-On", "-v2c", "-c", "private", agent_of(snmpd),
                    "usmUserPublic").stdout.splitlines()  # fmt: skip
    user = ".".join(str(c) for c in b"noAuthUser")
    (oid,) = [line.split()[0] for line in walked if line.split()[0].endswith(f".10.{user}")]
    return oid


@pytest.fixture(scope="module")
def outcomes(snmpd: SnmpdAgent) -> Iterator[dict[str, tuple[Outcome, Outcome]]]:
    """Every case, run by both tools (concurrently); the changed objects put back."""
    rw = ["-v2c", "-c", "private", agent_of(snmpd)]
    public = _usm_user_public(snmpd)
    before = theirs("get", "-Oqve", *rw, *RESTORED).stdout.split()
    before_public = theirs("get", "-Oqvx", *rw, public).stdout.strip().strip('"')
    assert len(before) == len(RESTORED)

    def both(case: str) -> tuple[Outcome, Outcome]:
        return _run(ours, snmpd, case, public), _run(theirs, snmpd, case, public)

    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            yield dict(zip(CASES, pool.map(both, CASES), strict=True))
    finally:
        triples = [word for name, value in zip(RESTORED, before, strict=True)
                   for word in (name, "=", value)]  # fmt: skip
        theirs("set", *rw, *triples, public, "x", before_public)
        assert theirs("get", "-Oqve", *rw, *RESTORED).stdout.split() == before


@needs_net_snmp
@pytest.mark.parametrize("case", CASES)
def test_set_as_snmpset(outcomes: dict[str, tuple[Outcome, Outcome]], case: str) -> None:
    mine, ref = outcomes[case]
    assert mine == ref


@needs_net_snmp
def test_the_audited_cases_say_what_snmpset_says(
    outcomes: dict[str, tuple[Outcome, Outcome]],
) -> None:
    """The differences an audit found, spelled out (the cases above compare them)."""
    expected = {
        "nsCacheDefaultTimeout.0 i 0x10": "Value out of range (0x10)",
        "nsCacheDefaultTimeout.0 i abc": "Value out of range (abc)",
        "nlmConfigGlobalEntryLimit.0 u abc": "Bad value notation (abc)",
        "ipAdEntAddr.127.0.0.1 a notanip": "Bad value notation (notanip)",
        f"{UNKNOWN} d '1 2 300'": "Bad value notation (1 2 300)",
        "ifInOctets.1 c 5": "Bad object type: c",
        "ifHCInOctets.1 C 5": "Bad object type: C",
        "sysName.0 b 1": "Bad variable type (Type of attribute is OCTET STRING, not BITS)",
    }
    for case, message in expected.items():
        mine, _ = outcomes[case]
        line = f"{case.split()[0]}: {message}"
        assert (mine.stderr, mine.returncode, mine.sent) == ([line], 1, []), case
    mine, _ = outcomes["nsCacheDefaultTimeout.0 i 99999999999"]
    assert mine.stderr == ["truncating integer value > 32 bits"]
    assert mine.stdout == "NET-SNMP-AGENT-MIB::nsCacheDefaultTimeout.0 = INTEGER: 1215752191\n"
    mine, _ = outcomes["nlmConfigGlobalEntryLimit.0 u -1"]
    assert (
        mine.stdout == "NOTIFICATION-LOG-MIB::nlmConfigGlobalEntryLimit.0 = Gauge32: 4294967295\n"
    )
    mine, _ = outcomes["sysContact.0 n x"]
    assert mine.returncode == 2 and mine.stderr[1].startswith("Reason: wrongType")


def test_an_integer_snmp_cannot_carry_is_refused(snmpd: SnmpdAgent) -> None:
    """The one value snmpset sends and snmpc does not: an ``i`` whose 64-bit ``long``
    stays outside -2**31..2**31-1 after net-snmp's cuts goes out from snmpset as a 5-octet
    INTEGER (``3000000000``), which SNMP's INTEGER (Integer32) cannot be."""
    with Relay(snmpd.port) as recorder:
        result = ours("set", "-v2c", "-c", "private", f"127.0.0.1:{recorder.port}",
                      "nsCacheDefaultTimeout.0", "i", "3000000000")  # fmt: skip
    assert result.stderr == "nsCacheDefaultTimeout.0: Value out of range (3000000000)\n"
    assert (result.returncode, result.stdout, recorder.requests) == (1, "", [])


@needs_net_snmp
def test_too_many_assignments(snmpd: SnmpdAgent) -> None:
    """More than 128 triples: snmpset's first line (it goes on with its usage)."""
    triples = ["sysName.0", "s", "x"] * 129
    mine = ours("set", "-v2c", "-c", "private", agent_of(snmpd), *triples)
    ref = theirs("set", "-v2c", "-c", "private", agent_of(snmpd), *triples)
    assert mine.stderr.splitlines() == ref.stderr.splitlines()[:1]
    assert mine.returncode == ref.returncode == 1


def test_warnings_go_to_warn_and_errors_keep_their_order() -> None:
    """In-process: the truncation warning (logged once) goes to ``warn`` when all is
    well, and among the error lines, where snmpset prints it, when something is not."""
    warned: list[str] = []
    words = ["nsCacheDefaultTimeout.0", "i", "99999999999"] * 2
    varbinds = set_varbinds(words, _numeric, warned.append)
    assert warned == ["truncating integer value > 32 bits"]
    assert [vb.val for vb in varbinds] == [1215752191, 1215752191]
    with pytest.raises(SetError) as caught:
        set_varbinds(["sysName.0", "i", "1", *words[:3]], _numeric, warned.append)
    assert str(caught.value).splitlines() == [
        "sysName.0: Bad variable type (Type of attribute is OCTET STRING, not INTEGER)",
        "truncating integer value > 32 bits",
    ]


def _numeric(text: str) -> str:
    from snmp_component import names
    from snmp_component._core.oid import format_oid

    return format_oid(names.resolve(text))
