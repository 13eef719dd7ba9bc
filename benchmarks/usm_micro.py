"""SNMPv3/USM micro benchmark: snmp_component._core.usm/v3msg vs pysnmp's USM stack.

Operations (no network; the messages are synthesized and cross-checked first):

* localise keys for an authPriv user (password -> Ku -> Kul for auth and privacy):
  uncached (1 MiB hashing per pass phrase) and cached;
* encode an authPriv GET (1 varbind, sysName.0);
* decode + verify + decrypt an authPriv response with 1 varbind (OCTET STRING);
* the agent-side pair "decode+verify+decrypt a request, encode the authPriv response",
  which is where pysnmp's full stack (SNMPv3 message processing + USM, pyasn1) can be
  timed without a network: ``prepare_data_elements`` + ``prepare_response_message``.

pysnmp rows use its real code paths: ``localkey``/priv-module key localisation, and an
``SnmpEngine`` acting as the authoritative engine.  Prints microseconds per operation:
median of REPEAT timeit repeats, plus min-max, and the speed-up against the first row of
each operation.

    python benchmarks/usm_micro.py [--quick]
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pysnmp.proto.secmod.rfc3414  # noqa: F401  (first: pysnmp's eso modules need it)
from pyasn1.type import univ
from pysnmp.entity import config
from pysnmp.entity import engine as pysnmp_engine
from pysnmp.proto.api import v2c
from pysnmp.proto.secmod.rfc3414 import localkey
from pysnmp.proto.secmod.rfc3414.auth import hmacsha
from pysnmp.proto.secmod.rfc3826.priv import aes

from snmp_component._core import ber, usm, v3msg

SYS_NAME = (1, 3, 6, 1, 2, 1, 1, 5, 0)
AUTH_PASS, PRIV_PASS = "authpass123", "privpass123"
ENGINE_ID = bytes.fromhex("8000000001020304")
USERS = {
    "SHA/AES": (
        "privAESUser",
        "SHA",
        "AES",
        config.USM_AUTH_HMAC96_SHA,
        config.USM_PRIV_CFB128_AES,
    ),
    "SHA/DES": ("privDESUser", "SHA", "DES", config.USM_AUTH_HMAC96_SHA, config.USM_PRIV_CBC56_DES),
    "SHA-512/AES-256": (
        "privSHA512_AES256User",
        "SHA-512",
        "AES-256",
        config.USM_AUTH_HMAC384_SHA512,
        config.USM_PRIV_CFB256_AES_BLUMENTHAL,
    ),
}


class PysnmpAgent:
    """pysnmp's SNMPv3 message processing + USM as the authoritative engine."""

    def __init__(self) -> None:
        self.engine = pysnmp_engine.SnmpEngine(snmpEngineID=univ.OctetString(ENGINE_ID))
        for name, _, _, auth, priv in USERS.values():
            config.add_v3_user(self.engine, name, auth, AUTH_PASS, priv, PRIV_PASS)
        self.mp = self.engine.message_processing_subsystems[univ.Integer(3)]

    def clock(self) -> tuple[int, int]:
        boots, etime = self.engine.get_mib_builder().import_symbols(
            "__SNMP-FRAMEWORK-MIB", "snmpEngineBoots", "snmpEngineTime"
        )
        return int(boots.syntax), int(etime.syntax.clone())

    def decode(self, request: bytes) -> tuple[Any, ...]:
        return tuple(
            self.mp.prepare_data_elements(
                self.engine, (1, 3, 6, 1, 6, 1, 1), ("127.0.0.1", 1161), request
            )
        )

    def serve(self, request: bytes) -> bytes:
        (mpm, sm, name, level, ctx_eid, ctx_name, pdu_version, pdu, _, _, max_size, _,
         state_ref) = self.decode(request)  # fmt: skip
        resp = v2c.apiPDU.get_response(pdu)
        v2c.apiPDU.set_varbinds(resp, [(SYS_NAME, v2c.OctetString(b"anchor-agent"))])
        out = self.mp.prepare_response_message(
            self.engine, mpm, sm, name, level, ctx_eid, ctx_name, pdu_version, resp,
            max_size, state_ref, {},
        )  # fmt: skip
        return bytes(out[2])


def _pysnmp_localise() -> tuple[bytes, bytes]:
    """pysnmp's password->localised keys for a SHA/AES user (what add_v3_user computes)."""
    eid = univ.OctetString(ENGINE_ID)
    auth_key = localkey.password_to_key(univ.OctetString(AUTH_PASS), eid, hashlib.sha1)
    mod = aes.Aes()
    oid = hmacsha.HmacSha.SERVICE_ID
    priv_key = mod.localize_key(oid, mod.hash_passphrase(oid, univ.OctetString(PRIV_PASS)), eid)
    return bytes(auth_key), bytes(priv_key)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--quick", action="store_true", help="fewer/shorter repeats")
    args = ap.parse_args()
    repeat = 3 if args.quick else 7
    target_s = 0.05 if args.quick else 0.2

    agent = PysnmpAgent()
    boots, etime = agent.clock()
    rid = 0x1234567
    get_vbl = ber.encode_null_varbinds([SYS_NAME])
    get_pdu = ber.encode_pdu(ber.GET_REQUEST, rid, 0, 0, get_vbl)
    rsp_pdu = ber.encode_pdu(
        ber.RESPONSE,
        rid,
        0,
        0,
        ber.encode_varbinds([(SYS_NAME, ber.OCTET_STRING, b"anchor-agent")]),
    )
    keys: dict[str, usm.UsmKeys] = {}
    requests: dict[str, bytes] = {}
    responses: dict[str, bytes] = {}
    for label, (name, auth, priv, _, _) in USERS.items():
        k = usm.UsmUser(name, auth, AUTH_PASS, priv, PRIV_PASS).localize(ENGINE_ID)
        keys[label] = k
        requests[label] = v3msg.encode_message(4242, get_pdu, k, boots, etime)
        responses[label] = v3msg.encode_message(4242, rsp_pdu, k, boots, etime)
        # sanity: pysnmp accepts our request; we decode pysnmp's response; same for ours
        theirs = v3msg.decode_message(agent.serve(requests[label]), k)
        ours = v3msg.decode_message(responses[label], k)
        assert theirs.varbinds == ours.varbinds == [(SYS_NAME, ber.OCTET_STRING, b"anchor-agent")]
        assert theirs.level == ours.level == usm.LEVEL_AUTH_PRIV
    assert _pysnmp_localise() == (
        usm.localize_key(usm.password_to_key(AUTH_PASS, "SHA"), "SHA", ENGINE_ID),
        usm.derive_priv_key(usm.password_to_key(PRIV_PASS, "SHA"), "SHA", "AES", ENGINE_ID),
    )

    user = usm.UsmUser("privAESUser", "SHA", AUTH_PASS, "AES", PRIV_PASS)

    def ours_uncached() -> usm.UsmKeys:
        usm.clear_key_caches()
        return user.localize(ENGINE_ID)

    def ours_pair(label: str) -> bytes:
        k = keys[label]
        msg = v3msg.decode_message(requests[label], k)
        vbl = ber.encode_varbinds([(SYS_NAME, ber.OCTET_STRING, b"anchor-agent")])
        pdu = ber.encode_pdu(ber.RESPONSE, msg.request_id, 0, 0, vbl)
        return v3msg.encode_message(msg.msg_id, pdu, k, boots, etime)

    def enc(label: str) -> Callable[[], object]:
        k = keys[label]
        return lambda: v3msg.encode_message(
            4242, ber.encode_pdu(ber.GET_REQUEST, rid, 0, 0, ber.encode_null_varbinds([SYS_NAME])),
            k, boots, etime,
        )  # fmt: skip

    def dec(label: str) -> Callable[[], object]:
        k, data = keys[label], responses[label]
        return lambda: v3msg.decode_message(data, k)

    cases: list[tuple[str, str, Callable[[], object], int]] = [
        ("localise SHA/AES", "pysnmp: localkey + rfc3826 Aes.localize_key", _pysnmp_localise, 1),
        ("localise SHA/AES", "ours: UsmUser.localize, caches cleared", ours_uncached, 1),
        ("localise SHA/AES", "ours: UsmUser.localize, cached", lambda: user.localize(ENGINE_ID), 0),
        ("encode authPriv GET", "ours: SHA/AES (encode_pdu + encode_message)", enc("SHA/AES"), 0),
        ("encode authPriv GET", "ours: SHA/DES", enc("SHA/DES"), 0),
        ("encode authPriv GET", "ours: SHA-512/AES-256", enc("SHA-512/AES-256"), 0),
        ("decode authPriv rsp", "ours: SHA/AES decode_message (verify+decrypt)", dec("SHA/AES"), 0),
        ("decode authPriv rsp", "ours: SHA/DES", dec("SHA/DES"), 0),
        ("decode authPriv rsp", "ours: SHA-512/AES-256", dec("SHA-512/AES-256"), 0),
        (
            "agent: decode req",
            "pysnmp: prepare_data_elements (SHA/AES)",
            lambda: agent.decode(requests["SHA/AES"]),
            0,
        ),
        (
            "agent: decode req",
            "ours: decode_message (SHA/AES)",
            lambda: v3msg.decode_message(requests["SHA/AES"], keys["SHA/AES"]),
            0,
        ),
        (
            "agent: req -> rsp",
            "pysnmp: prepare_data_elements + prepare_response_message",
            lambda: agent.serve(requests["SHA/AES"]),
            0,
        ),
        (
            "agent: req -> rsp",
            "ours: decode_message + encode_message",
            lambda: ours_pair("SHA/AES"),
            0,
        ),
    ]

    print(
        f"python {sys.version.split()[0]}; authPriv GET {len(requests['SHA/AES'])} B, "
        f"response {len(responses['SHA/AES'])} B (SHA/AES); repeat={repeat}"
    )
    print(f"{'operation':<20} {'implementation':<58} {'us/op':>9} {'(min-max)':>17} {'speedup':>8}")
    base: dict[str, float] = {}
    for op, impl, fn, slow in cases:
        fn()
        t = timeit.Timer(fn)
        if slow:
            n = 20 if not args.quick else 5
        else:
            n, _ = t.autorange()
            n = max(1, int(n * target_s / 0.2))
        times = [x / n * 1e6 for x in t.repeat(repeat, n)]
        med = statistics.median(times)
        if op not in base:
            base[op] = med
        speedup = base[op] / med
        rng = f"({min(times):.1f}-{max(times):.1f})"
        print(f"{op:<20} {impl:<58} {med:>9.1f} {rng:>17} {speedup:>7.1f}x")


if __name__ == "__main__":
    main()
