"""Tests for snmp_component._core.usm: keys, HMAC, DES/3DES/AES privacy.

Oracles: the RFC 3414 A.3 key-localisation vectors, the FIPS 81 DES-CBC and
NIST SP 800-38A AES-CFB128 known answers, pysnmp's key localisation /
authentication / privacy modules (every auth x priv combination), and
``cryptography``'s own CBC/CFB modes (hypothesis).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import warnings
from typing import Any

import pysnmp.proto.secmod.rfc3414  # noqa: F401  (first: pysnmp's eso modules need it)
import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.decrepit.ciphers.modes import CFB
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given, settings
from hypothesis import strategies as st
from pyasn1.type import univ
from pysnmp.proto.secmod.eso.priv import aes192, aes256, des3
from pysnmp.proto.secmod.rfc3414 import localkey
from pysnmp.proto.secmod.rfc3414.auth import hmacmd5, hmacsha
from pysnmp.proto.secmod.rfc3414.priv import des
from pysnmp.proto.secmod.rfc3826.priv import aes
from pysnmp.proto.secmod.rfc7860.auth import hmacsha2

from snmp_component._core import usm
from snmp_component.errors import ConfigurationError, DecryptionError

ENGINE_0002 = bytes.fromhex("000000000000000000000002")
ENGINE = bytes.fromhex("80001f88804b6f0d7a1c4e5b63")
AUTH_PASS = "authpass123"
PRIV_PASS = "privpass123"

# ---------------------------------------------------------------- pysnmp oracle plumbing
_H2 = hmacsha2.HmacSha2
PYSNMP_AUTH_OID: dict[str, tuple[int, ...]] = {
    "MD5": hmacmd5.HmacMd5.SERVICE_ID,
    "SHA": hmacsha.HmacSha.SERVICE_ID,
    "SHA-224": _H2.SHA224_SERVICE_ID,
    "SHA-256": _H2.SHA256_SERVICE_ID,
    "SHA-384": _H2.SAH384_SERVICE_ID,
    "SHA-512": _H2.SHA512_SERVICE_ID,
}


def pysnmp_auth(name: str) -> Any:
    if name == "MD5":
        return hmacmd5.HmacMd5()
    if name == "SHA":
        return hmacsha.HmacSha()
    return hmacsha2.HmacSha2(PYSNMP_AUTH_OID[name])


PYSNMP_PRIV: dict[str, Any] = {
    "DES": des.Des,
    "3DES": des3.Des3,
    "AES": aes.Aes,
    "AES-192": aes192.AesBlumenthal192,
    "AES-256": aes256.AesBlumenthal256,
    "AES-192-C": aes192.Aes192,
    "AES-256-C": aes256.Aes256,
}
HASHES = {
    "MD5": hashlib.md5,
    "SHA": hashlib.sha1,
    "SHA-224": hashlib.sha224,
    "SHA-256": hashlib.sha256,
    "SHA-384": hashlib.sha384,
    "SHA-512": hashlib.sha512,
}


def pysnmp_priv_key(auth: str, priv: str, password: str, engine_id: bytes) -> bytes:
    mod = PYSNMP_PRIV[priv]()
    oid = PYSNMP_AUTH_OID[auth]
    ku = mod.hash_passphrase(oid, univ.OctetString(password))
    return bytes(mod.localize_key(oid, ku, univ.OctetString(engine_id)))


def our_priv_key(auth: str, priv: str, password: str, engine_id: bytes) -> bytes:
    return usm.derive_priv_key(usm.password_to_key(password, auth), auth, priv, engine_id)


# ---------------------------------------------------------------- RFC 3414 A.3 vectors
def test_rfc3414_a31_md5() -> None:
    ku = usm.password_to_key("maplesyrup", "MD5")
    assert ku == bytes.fromhex("9faf3283884e92834ebc9847d8edd963")
    kul = usm.localize_key(ku, "MD5", ENGINE_0002)
    assert kul == bytes.fromhex("526f5eed9fcce26f8964c2930787d82b")


def test_rfc3414_a32_sha() -> None:
    ku = usm.password_to_key("maplesyrup", "SHA")
    assert ku == bytes.fromhex("9fb5cc0381497b3793528939ff788d5d79145211")
    kul = usm.localize_key(ku, "SHA", ENGINE_0002)
    assert kul == bytes.fromhex("6695febc9288e36282235fc7151f128497b38f3f")


@pytest.mark.parametrize("auth", usm.AUTH_PROTOCOLS)
def test_localisation_matches_pysnmp(auth: str) -> None:
    # RFC 7860 gives no SHA-2 vectors: pysnmp's localkey is the oracle (and covers MD5/SHA).
    for password, engine_id in (("maplesyrup", ENGINE_0002), (AUTH_PASS, ENGINE)):
        expected = localkey.password_to_key(
            univ.OctetString(password), univ.OctetString(engine_id), HASHES[auth]
        )
        ours = usm.localize_key(usm.password_to_key(password, auth), auth, engine_id)
        assert ours == bytes(expected)
        assert len(ours) == usm.auth_spec(auth).key_length


@pytest.mark.parametrize("priv", usm.PRIV_PROTOCOLS)
@pytest.mark.parametrize("auth", usm.AUTH_PROTOCOLS)
def test_priv_key_derivation_matches_pysnmp(auth: str, priv: str) -> None:
    """Includes the Blumenthal (AES-192/256) and Reeder (AES-192-C/256-C, 3DES) extensions."""
    ours = our_priv_key(auth, priv, PRIV_PASS, ENGINE)
    assert ours == pysnmp_priv_key(auth, priv, PRIV_PASS, ENGINE)
    assert len(ours) == usm.priv_spec(priv).key_length


def test_blumenthal_and_reeder_differ_only_when_the_hash_is_short() -> None:
    # SHA-1 (20 octets) must be extended for AES-192/256: the two schemes differ ...
    assert our_priv_key("SHA", "AES-256", PRIV_PASS, ENGINE) != our_priv_key(
        "SHA", "AES-256-C", PRIV_PASS, ENGINE
    )
    # ... while SHA-512 (64 octets) needs no extension: the same key.
    assert our_priv_key("SHA-512", "AES-256", PRIV_PASS, ENGINE) == our_priv_key(
        "SHA-512", "AES-256-C", PRIV_PASS, ENGINE
    )


# ---------------------------------------------------------------- HMAC
@pytest.mark.parametrize("auth", usm.AUTH_PROTOCOLS)
def test_hmac_matches_pysnmp_and_hmac_module(auth: str) -> None:
    spec = usm.auth_spec(auth)
    kul = usm.localize_key(usm.password_to_key(AUTH_PASS, auth), auth, ENGINE)
    signer = usm.Authenticator(spec, kul)
    assert (
        signer.mac_length
        == {
            "MD5": 12,
            "SHA": 12,
            "SHA-224": 16,
            "SHA-256": 24,
            "SHA-384": 32,
            "SHA-512": 48,
        }[auth]
    )
    head, tail = b"\x30\x81\x99head-of-message", b"tail-of-message" * 7
    whole = head + signer.placeholder + tail
    mac = signer.sign(whole)
    assert mac == hmac.new(kul, whole, HASHES[auth]).digest()[: signer.mac_length]
    signed = pysnmp_auth(auth).authenticate_outgoing_message(univ.OctetString(kul), whole)
    assert bytes(signed) == head + mac + tail
    assert signer.verify(whole, mac)
    assert not signer.verify(whole, bytes(len(mac)))
    assert not signer.verify(whole + b"x", mac)


def test_hmac_long_key_is_hashed_first() -> None:
    spec = usm.auth_spec("SHA")
    key = bytes(range(100))  # longer than SHA-1's 64-octet block
    assert usm.Authenticator(spec, key).sign(b"abc") == hmac.new(key, b"abc", "sha1").digest()[:12]


# ---------------------------------------------------------------- ciphers: known answers
def test_des_cbc_fips81_known_answer() -> None:
    """FIPS 81 appendix C: DES-CBC of "Now is the time for all " (single DES via decrepit 3DES)."""
    key = bytes.fromhex("0123456789abcdef")
    iv = bytes.fromhex("1234567890abcdef")
    pre_iv = bytes(a ^ b for a, b in zip(iv, bytes(8), strict=True))
    # salt XOR pre-IV = IV: use salt = 0 so that IV = pre-IV.
    priv = usm.Privacy(usm.priv_spec("DES"), key + pre_iv)
    expected = bytes.fromhex("e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6")
    assert priv.decrypt(expected, bytes(8), 0, 0) == b"Now is the time for all "
    ours = _with_des_salt(0, lambda: priv.encrypt(b"Now is the time for all ", 0, 0))
    assert ours == (expected, bytes(8))


def _with_des_salt(start: int, fn: Any) -> Any:
    saved = usm._DES_SALTS
    usm._DES_SALTS = itertools.count(start)  # type: ignore[misc]
    try:
        return fn()
    finally:
        usm._DES_SALTS = saved  # type: ignore[misc]


def _with_aes_salt(start: int, fn: Any) -> Any:
    saved = usm._AES_SALTS
    usm._AES_SALTS = itertools.count(start)  # type: ignore[misc]
    try:
        return fn()
    finally:
        usm._AES_SALTS = saved  # type: ignore[misc]


NIST_CFB_KEY = bytes.fromhex("2b7e151628aed2a6abf7158809cf4f3c")
NIST_CFB_PLAIN = bytes.fromhex(
    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710"
)
NIST_CFB_CIPHER = bytes.fromhex(
    "3b3fd92eb72dad20333449f8e83cfb4ac8a64537a0b3a93fcde3cdad9f1ce58b"
    "26751f67a3cbb140b1808cf187a4f4dfc04b05357c5d1c0eeac4c66f9ff7f2e6"
)


def test_aes_cfb128_nist_sp800_38a_known_answer() -> None:
    """SP 800-38A F.3.13 CFB128-AES128; IV 000102..0f = boots 0x00010203, time 0x04050607, salt."""
    priv = usm.Privacy(usm.priv_spec("AES"), NIST_CFB_KEY)
    salt = bytes.fromhex("08090a0b0c0d0e0f")
    assert priv.decrypt(NIST_CFB_CIPHER, salt, 0x00010203, 0x04050607) == NIST_CFB_PLAIN
    ct, got_salt = _with_aes_salt(
        0x08090A0B0C0D0E0F, lambda: priv.encrypt(NIST_CFB_PLAIN, 0x00010203, 0x04050607)
    )
    assert (ct, got_salt) == (NIST_CFB_CIPHER, salt)
    # CFB is a stream mode: a prefix encrypts to a prefix (partial last block).
    ct, _ = _with_aes_salt(
        0x08090A0B0C0D0E0F, lambda: priv.encrypt(NIST_CFB_PLAIN[:37], 0x00010203, 0x04050607)
    )
    assert ct == NIST_CFB_CIPHER[:37]


def test_single_des_equals_triple_des_with_repeated_key() -> None:
    """cryptography 48 has no DES; EDE with K1=K2=K3 is DES (checked against the FIPS vector)."""
    key = bytes.fromhex("0123456789abcdef")
    enc = Cipher(TripleDES(key * 3), modes.ECB()).encryptor()
    assert enc.update(bytes.fromhex("4e6f772069732074")) == bytes.fromhex("3fa40e8a984d4815")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        usm.Privacy(usm.priv_spec("DES"), bytes(16))
        usm.Privacy(usm.priv_spec("AES"), bytes(16))
    assert not caught, [str(w.message) for w in caught]


# ---------------------------------------------------------------- ciphers vs pysnmp
COMBOS = [(a, p) for a in ("MD5", "SHA", "SHA-512") for p in usm.PRIV_PROTOCOLS]


@pytest.mark.parametrize(("auth", "priv"), COMBOS)
def test_privacy_interoperates_with_pysnmp(auth: str, priv: str) -> None:
    key = our_priv_key(auth, priv, PRIV_PASS, ENGINE)
    ours = usm.Privacy(usm.priv_spec(priv), key)
    theirs = PYSNMP_PRIV[priv]()
    okey = univ.OctetString(key)
    for size in (0, 1, 7, 8, 15, 16, 17, 63, 64, 65, 500):
        plain = bytes((i * 7 + size) & 0xFF for i in range(size))
        if size:
            ct, salt = ours.encrypt(plain, 7, 12345)
            got = theirs.decrypt_data(
                okey, (7, 12345, univ.OctetString(salt)), univ.OctetString(ct)
            )
            assert bytes(got)[:size] == plain
            assert set(bytes(got)[size:]) <= {0}  # DES/3DES zero padding
        pct, psalt = theirs.encrypt_data(okey, (7, 12345, univ.OctetString(b"")), plain)
        if not bytes(pct):
            continue
        back = ours.decrypt(bytes(pct), bytes(psalt), 7, 12345)
        assert back[:size] == plain


def test_des_pads_only_when_needed() -> None:
    priv = usm.Privacy(usm.priv_spec("DES"), bytes(range(16)))
    assert len(priv.encrypt(bytes(16), 1, 0)[0]) == 16
    assert len(priv.encrypt(bytes(17), 1, 0)[0]) == 24


@settings(max_examples=150, deadline=None)
@given(
    plain=st.binary(min_size=1, max_size=300),
    boots=st.integers(0, 2**31 - 1),
    etime=st.integers(0, 2**31 - 1),
    aes_key=st.binary(min_size=32, max_size=32),
    des_key=st.binary(min_size=32, max_size=32),
)
def test_ciphers_match_cryptography_modes(
    plain: bytes, boots: int, etime: int, aes_key: bytes, des_key: bytes
) -> None:
    for name in ("AES", "AES-192", "AES-256"):
        spec = usm.priv_spec(name)
        priv = usm.Privacy(spec, aes_key)
        ct, salt = priv.encrypt(plain, boots, etime)
        iv = boots.to_bytes(4, "big") + etime.to_bytes(4, "big") + salt
        ref = Cipher(algorithms.AES(aes_key[: spec.key_length]), CFB(iv)).encryptor()
        assert ct == ref.update(plain) + ref.finalize()
        assert priv.decrypt(ct, salt, boots, etime) == plain
    for name, n in (("DES", 8), ("3DES", 24)):
        priv = usm.Privacy(usm.priv_spec(name), des_key)
        ct, salt = priv.encrypt(plain, boots, etime)
        assert salt[:4] == boots.to_bytes(4, "big")
        iv = bytes(a ^ b for a, b in zip(salt, des_key[n : n + 8], strict=True))
        k = des_key[:n] * (3 if n == 8 else 1)
        padded = plain + bytes(-len(plain) % 8)
        ref = Cipher(TripleDES(k), modes.CBC(iv)).encryptor()
        assert ct == ref.update(padded) + ref.finalize()
        assert priv.decrypt(ct, salt, boots, etime) == padded


def test_decrypt_rejects_bad_input() -> None:
    aes_priv = usm.Privacy(usm.priv_spec("AES"), bytes(16))
    des_priv = usm.Privacy(usm.priv_spec("DES"), bytes(16))
    for priv in (aes_priv, des_priv):
        with pytest.raises(DecryptionError) as info:
            priv.decrypt(bytes(16), b"short", 0, 0)
        assert info.value.error_num == usm.DECRYPTION_ERROR_NUM
        with pytest.raises(DecryptionError):
            priv.decrypt(b"", bytes(8), 0, 0)
    with pytest.raises(DecryptionError, match="multiple of 8"):
        des_priv.decrypt(bytes(12), bytes(8), 0, 0)


def test_salts_do_not_repeat() -> None:
    aes_priv = usm.Privacy(usm.priv_spec("AES"), bytes(16))
    des_priv = usm.Privacy(usm.priv_spec("DES"), bytes(16))
    assert len({aes_priv.encrypt(b"x", 1, 1)[1] for _ in range(1000)}) == 1000
    assert len({des_priv.encrypt(b"x", 1, 1)[1] for _ in range(1000)}) == 1000
    # the counters wrap instead of overflowing
    _, salt = _with_aes_salt(2**64 - 1, lambda: aes_priv.encrypt(b"x", 1, 1))
    assert salt == b"\xff" * 8
    _, salt = _with_des_salt(2**32, lambda: des_priv.encrypt(b"x", 1, 1))
    assert salt == b"\x00\x00\x00\x01" + bytes(4)


def test_privacy_needs_enough_key_material() -> None:
    with pytest.raises(ConfigurationError, match="needs 32 octets"):
        usm.Privacy(usm.priv_spec("AES-256"), bytes(20))


# ---------------------------------------------------------------- users, caching, secrets
def test_user_levels_and_names() -> None:
    assert usm.UsmUser("u").level == usm.LEVEL_NO_AUTH_NO_PRIV
    assert usm.UsmUser("u", "sha1", AUTH_PASS).level == usm.LEVEL_AUTH_NO_PRIV
    user = usm.UsmUser("u", "sha256", AUTH_PASS, "aes128", PRIV_PASS)
    assert user.level == usm.LEVEL_AUTH_PRIV
    assert (user.auth, user.priv) == ("SHA-256", "AES")
    assert usm.canonical_priv("aes256c") == "AES-256-C"
    assert usm.canonical_auth(" sha-1 ") == "SHA"
    with pytest.raises(ConfigurationError, match="unknown authentication protocol"):
        usm.canonical_auth("SHA-128")
    with pytest.raises(ConfigurationError, match="unknown privacy protocol"):
        usm.canonical_priv("DES-CBC")
    with pytest.raises(ConfigurationError, match="needs an authentication"):
        usm.UsmUser("u", None, None, "AES", PRIV_PASS)
    with pytest.raises(ConfigurationError, match="without a pass phrase"):
        usm.UsmUser("u", "SHA")
    with pytest.raises(ConfigurationError, match="at most 32"):
        usm.UsmUser("u" * 33)
    with pytest.raises(ConfigurationError, match="engine ID"):
        usm.UsmUser("u").localize(b"")


def test_no_secrets_in_reprs_errors_or_cache_keys() -> None:
    secret_auth, secret_priv = "s3cret-auth-phrase", "s3cret-priv-phrase"
    user = usm.UsmUser("alice", "SHA-256", secret_auth, "AES-256", secret_priv)
    keys = user.localize(ENGINE)
    assert keys.auth is not None and keys.priv is not None
    auth_key = usm.localize_key(usm.password_to_key(secret_auth, "SHA-256"), "SHA-256", ENGINE)
    priv_key = our_priv_key("SHA-256", "AES-256", secret_priv, ENGINE)
    texts = [repr(user), str(user), repr(keys), repr(keys.auth), repr(keys.priv)]
    for text in texts:
        for secret in (secret_auth, secret_priv, auth_key.hex(), priv_key.hex()):
            assert secret not in text
    for cache_key in usm._KU_CACHE:
        assert secret_auth.encode() not in cache_key and secret_priv.encode() not in cache_key
        assert secret_auth not in cache_key and secret_priv not in cache_key
    short = "seven77"
    with pytest.raises(ConfigurationError) as info:
        usm.UsmUser("bob", "SHA", short)
    assert short not in str(info.value) and "at least 8" in str(info.value)
    with pytest.raises(ConfigurationError) as info:
        usm.password_to_key(short, "MD5")
    assert short not in str(info.value)


def test_localize_is_cached() -> None:
    user = usm.UsmUser("cache", "SHA", "cache-pass-1", "AES-256-C", "cache-pass-2")
    first = user.localize(ENGINE)
    assert user.localize(ENGINE) is first
    # an equal user (same credentials) hits the same cache entry
    assert (
        usm.UsmUser("cache", "SHA", "cache-pass-1", "AES-256-C", "cache-pass-2").localize(ENGINE)
        is first
    )
    # another pass phrase or engine does not
    assert (
        usm.UsmUser("cache", "SHA", "cache-pass-X", "AES-256-C", "cache-pass-2").localize(ENGINE)
        is not first
    )
    other = user.localize(ENGINE_0002)
    assert other is not first and other.engine_id == ENGINE_0002
    usm.clear_key_caches()
    again = user.localize(ENGINE)
    assert again is not first
    assert again.auth is not None and first.auth is not None
    assert again.auth.sign(b"m") == first.auth.sign(b"m")


def test_password_to_key_accepts_bytes_and_str() -> None:
    assert usm.password_to_key(b"maplesyrup", "SHA") == usm.password_to_key("maplesyrup", "SHA")
    user = usm.UsmUser(b"raw", "MD5", b"maplesyrup")
    user.precompute()
    keys = user.localize(ENGINE_0002)
    assert keys.auth is not None
    expected = hmac.new(
        bytes.fromhex("526f5eed9fcce26f8964c2930787d82b"), b"msg", hashlib.md5
    ).digest()[:12]
    assert keys.auth.sign(b"msg") == expected
