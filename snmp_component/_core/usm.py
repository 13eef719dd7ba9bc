"""User-based Security Model (USM) primitives: keys, HMAC authentication, privacy.

Pure: no I/O, no asyncio, no pysnmp/pyasn1.  Built on :mod:`hashlib`,
:mod:`hmac` (constant-time compare) and ``cryptography``.

What is here
------------
* **Password to key** (RFC 3414 A.2, generalised to SHA-2 by RFC 7860 section
  9.3): ``Ku = H(first 1,048,576 octets of the pass phrase repeated)``,
  localised ``Kul = H(Ku || engineID || Ku)``.  The megabyte is built once and
  hashed in one call (hashlib releases the GIL for it): 0.7 ms (SHA-1/-224/-256)
  to 1.7 ms (MD5) per pass phrase instead of pysnmp's 5-7 ms Python loop.
  :func:`password_to_key` caches Ku per (hash, pass phrase) and
  :meth:`UsmUser.localize` caches the localised :class:`UsmKeys` per (user,
  protocols, pass phrases, engine ID), so only the first use of a pass phrase
  pays for the hashing.  Both caches are byte-bounded (``usm.ku`` and
  ``usm.keys`` in :mod:`snmp_component._core.cache`).
* **Authentication**: HMAC-MD5-96, HMAC-SHA-96 (RFC 3414), HMAC-SHA-224-128,
  HMAC-SHA-256-192, HMAC-SHA-384-256, HMAC-SHA-512-384 (RFC 7860).  The HMAC
  inner/outer states are precomputed per key (:class:`Authenticator`).
* **Privacy**: DES-CBC (RFC 3414 section 8), 3DES-EDE-CBC
  (draft-reeder-snmpv3-usm-3desede), AES-128-CFB (RFC 3826), AES-192/256-CFB
  with the Blumenthal key extension (draft-blumenthal-aes-usm-04; net-snmp's
  ``AES-192``/``AES-256``) and with the Reeder key extension (net-snmp's
  ``AES-192-C``/``AES-256-C``, "Cisco").  The CBC/CFB chaining is done here
  over one reusable ECB context per key: building a ``cryptography`` Cipher
  object costs ~10 us, more than the whole encryption of a request.
  DES is ``cryptography.hazmat.decrepit`` TripleDES with the key repeated
  three times (EDE with K1=K2=K3 is single DES); ``cryptography`` 48 has no
  single-DES cipher, deprecates 8-byte TripleDES keys and the non-decrepit
  TripleDES/CFB classes.

Invariants
----------
* Protocol names use net-snmp's spelling (``"SHA-256"``, ``"AES-256-C"``);
  :func:`canonical_auth` / :func:`canonical_priv` accept the usual aliases.
* Pass phrases are never part of a ``repr``/``str``, an exception message or a
  cache key: caches are keyed by a keyed BLAKE2b fingerprint whose key is
  random per process.  Pass phrases shorter than 8 octets are refused
  (RFC 3414 section 11.2; net-snmp and pysnmp refuse them too).  Keys are
  likewise absent from every ``repr``.
* Salts never repeat within a process until their counters wrap: one 64-bit
  counter for AES (RFC 3826 3.1.2.1) and one 32-bit counter for DES/3DES
  (RFC 3414 8.1.1.1), both starting at a random value.
* :class:`UsmKeys` objects hold stateful ECB contexts: share them freely
  within one thread (the asyncio loop), not across threads.
* Failures raise :class:`~snmp_component.errors.ConfigurationError` (bad
  configuration: unknown protocol, short pass phrase) or
  :class:`~snmp_component.errors.DecryptionError` (a ciphertext/salt that
  cannot be decrypted); nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final, Literal, TypeAlias

from ..errors import ConfigurationError, DecryptionError
from .cache import ByteCache, sizeof
from .secret import SecretBytes

__all__ = [
    "AUTH_PROTOCOLS",
    "DECRYPTION_ERROR_NUM",
    "FLAG_AUTH",
    "FLAG_PRIV",
    "FLAG_REPORTABLE",
    "LEVEL_AUTH_NO_PRIV",
    "LEVEL_AUTH_PRIV",
    "LEVEL_NO_AUTH_NO_PRIV",
    "PRIV_PROTOCOLS",
    "AuthSpec",
    "Authenticator",
    "PrivSpec",
    "Privacy",
    "UsmKeys",
    "UsmUser",
    "auth_spec",
    "canonical_auth",
    "canonical_priv",
    "clear_key_caches",
    "derive_priv_key",
    "hash_passphrase",
    "localize_key",
    "password_to_key",
    "priv_spec",
]

# msgFlags bits (RFC 3412 section 6.4); a security level is the auth|priv part.
FLAG_AUTH: Final = 0x01
FLAG_PRIV: Final = 0x02
FLAG_REPORTABLE: Final = 0x04
LEVEL_NO_AUTH_NO_PRIV: Final = 0
LEVEL_AUTH_NO_PRIV: Final = FLAG_AUTH
LEVEL_AUTH_PRIV: Final = FLAG_AUTH | FLAG_PRIV

DECRYPTION_ERROR_NUM: Final = -37
"""net-snmp's SNMPERR_DECRYPTION_ERR, the ``error_num`` of :class:`DecryptionError`."""

_MEGABYTE: Final = 1_048_576
_MIN_PASSPHRASE: Final = 8
_MAX_USER_NAME: Final = 32
_MAX_ENGINE_ID: Final = 32

HashFactory: TypeAlias = Callable[..., Any]
"""A hashlib constructor (``hashlib.sha1`` ...)."""


@dataclass(frozen=True, slots=True)
class AuthSpec:
    """An authentication protocol.

    Attributes:
        name: net-snmp spelling (``"SHA-256"``).
        hash: the hashlib constructor.
        key_length: length of Ku/Kul (the hash's digest size).
        mac_length: octets of the truncated HMAC carried in msgAuthenticationParameters.
        oid: the protocol's OBJECT IDENTIFIER (SNMP-USM-MIB / SNMP-USM-HMAC-SHA2-MIB).
    """

    name: str
    hash: HashFactory
    key_length: int
    mac_length: int
    oid: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PrivSpec:
    """A privacy protocol.

    Attributes:
        name: net-snmp spelling (``"AES-256-C"``).
        cipher: ``"des"``, ``"3des"`` or ``"aes"``.
        key_length: octets of localised key material the protocol uses (DES: 8 key + 8 pre-IV,
            3DES: 24 + 8, AES: the AES key size).
        extension: how a localised key shorter than *key_length* is extended: ``"none"``
            (too short is an error), ``"blumenthal"`` or ``"reeder"``.
        oid: the protocol's OBJECT IDENTIFIER.
    """

    name: str
    cipher: Literal["des", "3des", "aes"]
    key_length: int
    extension: Literal["none", "blumenthal", "reeder"]
    oid: tuple[int, ...]


_USM_AUTH: Final = (1, 3, 6, 1, 6, 3, 10, 1, 1)
_USM_PRIV: Final = (1, 3, 6, 1, 6, 3, 10, 1, 2)
_CISCO_PRIV: Final = (1, 3, 6, 1, 4, 1, 9, 12, 6, 1)

_AUTH_SPECS: Final[dict[str, AuthSpec]] = {
    "MD5": AuthSpec("MD5", hashlib.md5, 16, 12, (*_USM_AUTH, 2)),
    "SHA": AuthSpec("SHA", hashlib.sha1, 20, 12, (*_USM_AUTH, 3)),
    "SHA-224": AuthSpec("SHA-224", hashlib.sha224, 28, 16, (*_USM_AUTH, 4)),
    "SHA-256": AuthSpec("SHA-256", hashlib.sha256, 32, 24, (*_USM_AUTH, 5)),
    "SHA-384": AuthSpec("SHA-384", hashlib.sha384, 48, 32, (*_USM_AUTH, 6)),
    "SHA-512": AuthSpec("SHA-512", hashlib.sha512, 64, 48, (*_USM_AUTH, 7)),
}
_PRIV_SPECS: Final[dict[str, PrivSpec]] = {
    "DES": PrivSpec("DES", "des", 16, "none", (*_USM_PRIV, 2)),
    "3DES": PrivSpec("3DES", "3des", 32, "reeder", (*_USM_PRIV, 3)),
    "AES": PrivSpec("AES", "aes", 16, "none", (*_USM_PRIV, 4)),
    "AES-192": PrivSpec("AES-192", "aes", 24, "blumenthal", (*_CISCO_PRIV, 1)),
    "AES-256": PrivSpec("AES-256", "aes", 32, "blumenthal", (*_CISCO_PRIV, 2)),
    "AES-192-C": PrivSpec("AES-192-C", "aes", 24, "reeder", (*_CISCO_PRIV, 101)),
    "AES-256-C": PrivSpec("AES-256-C", "aes", 32, "reeder", (*_CISCO_PRIV, 102)),
}
AUTH_PROTOCOLS: Final = tuple(_AUTH_SPECS)
"""Supported authentication protocols, net-snmp spelling."""
PRIV_PROTOCOLS: Final = tuple(_PRIV_SPECS)
"""Supported privacy protocols, net-snmp spelling."""

_AUTH_ALIASES: Final = {
    "SHA1": "SHA",
    "SHA-1": "SHA",
    "SHA224": "SHA-224",
    "SHA256": "SHA-256",
    "SHA384": "SHA-384",
    "SHA512": "SHA-512",
}
_PRIV_ALIASES: Final = {
    "AES-128": "AES",
    "AES128": "AES",
    "AES192": "AES-192",
    "AES256": "AES-256",
    "AES192-C": "AES-192-C",
    "AES256-C": "AES-256-C",
    "AES192C": "AES-192-C",
    "AES256C": "AES-256-C",
    "3DES-EDE": "3DES",
}


def canonical_auth(name: str) -> str:
    """net-snmp spelling of an authentication protocol name (case-insensitive, aliases).

    Raises :class:`ConfigurationError` for an unknown name.
    """
    if isinstance(name, str):
        key = name.strip().upper()
        key = _AUTH_ALIASES.get(key, key)
        if key in _AUTH_SPECS:
            return key
    raise ConfigurationError(
        f"unknown authentication protocol (expected one of {', '.join(AUTH_PROTOCOLS)})"
    )


def canonical_priv(name: str) -> str:
    """net-snmp spelling of a privacy protocol name (case-insensitive, aliases).

    Raises :class:`ConfigurationError` for an unknown name.
    """
    if isinstance(name, str):
        key = name.strip().upper()
        key = _PRIV_ALIASES.get(key, key)
        if key in _PRIV_SPECS:
            return key
    raise ConfigurationError(
        f"unknown privacy protocol (expected one of {', '.join(PRIV_PROTOCOLS)})"
    )


def auth_spec(name: str) -> AuthSpec:
    """The :class:`AuthSpec` of an authentication protocol (aliases accepted)."""
    return _AUTH_SPECS[canonical_auth(name)]


def priv_spec(name: str) -> PrivSpec:
    """The :class:`PrivSpec` of a privacy protocol (aliases accepted)."""
    return _PRIV_SPECS[canonical_priv(name)]


# ================================================================== key derivation
_FINGERPRINT_KEY: Final = os.urandom(32)
_KU_CACHE: ByteCache[tuple[str, bytes], bytes] = ByteCache("usm.ku")


def _secret_bytes(secret: str | bytes, what: str) -> bytes:
    if isinstance(secret, str):
        return secret.encode()
    if isinstance(secret, bytes | bytearray | memoryview):
        return bytes(secret)
    raise ConfigurationError(f"{what} must be str or bytes, not {type(secret).__name__}")


def _fingerprint(secret: bytes) -> bytes:
    """Keyed, per-process fingerprint of a secret: a cache key that reveals nothing."""
    return hashlib.blake2b(secret, key=_FINGERPRINT_KEY, digest_size=32).digest()


def hash_passphrase(passphrase: bytes, hash_factory: HashFactory) -> bytes:
    """RFC 3414 A.2 without localisation: H(1 MiB of *passphrase* repeated); uncached.

    *passphrase* must not be empty.  Used directly for the Reeder key extension,
    whose "pass phrase" is a localised key.
    """
    n = len(passphrase)
    if not n:
        raise ConfigurationError("empty pass phrase")
    buf = memoryview(passphrase * (_MEGABYTE // n + 1))[:_MEGABYTE]
    digest: bytes = hash_factory(buf).digest()
    return digest


def password_to_key(password: str | bytes, auth: str) -> bytes:
    """Ku for *password* and the hash of authentication protocol *auth* (cached).

    The cache is keyed by a keyed fingerprint of the pass phrase (never the
    pass phrase itself).  Raises :class:`ConfigurationError` for an unknown
    protocol or a pass phrase shorter than 8 octets.
    """
    spec = auth_spec(auth)
    secret = _secret_bytes(password, "pass phrase")
    if len(secret) < _MIN_PASSPHRASE:
        raise ConfigurationError("pass phrase too short (USM requires at least 8 octets)")
    key = (spec.name, _fingerprint(secret))
    ku = _KU_CACHE.get(key)
    if ku is None:
        ku = _KU_CACHE.put(key, hash_passphrase(secret, spec.hash))
    return ku


def localize_key(key: bytes, auth: str, engine_id: bytes) -> bytes:
    """Kul = H(key || engine_id || key) with the hash of authentication protocol *auth*."""
    h: bytes = auth_spec(auth).hash(key + engine_id + key).digest()
    return h


def derive_priv_key(priv_ku: bytes, auth: str, priv: str, engine_id: bytes) -> bytes:
    """The localised privacy key material for *priv*: localise, extend, truncate.

    *priv_ku* is :func:`password_to_key` of the privacy pass phrase (with the
    hash of the *authentication* protocol, as USM prescribes).  A localised key
    shorter than the protocol needs is extended with the Blumenthal scheme
    (``K += H(K)``) or the Reeder scheme (``K += localize(P2K(K))``); for
    ``DES``/``AES`` every supported hash is already long enough.
    """
    aspec = auth_spec(auth)
    pspec = priv_spec(priv)
    kul = localize_key(priv_ku, aspec.name, engine_id)
    if pspec.extension == "blumenthal":
        while len(kul) < pspec.key_length:
            kul += aspec.hash(kul).digest()
    elif pspec.extension == "reeder":
        while len(kul) < pspec.key_length:
            kul += localize_key(hash_passphrase(kul, aspec.hash), aspec.name, engine_id)
    return kul[: pspec.key_length]


def clear_key_caches() -> None:
    """Forget every cached Ku and localised key set (e.g. after a password change)."""
    _KU_CACHE.clear()
    _KEYS_CACHE.clear()


# ================================================================== authentication
class Authenticator:
    """HMAC for one localised authentication key (RFC 3414 6.3 / 7.3, RFC 7860 4.2).

    ``sign(whole_message)`` expects the message with the digest field filled
    with :attr:`placeholder` (mac_length zero octets) and returns the
    truncated HMAC.  The key is not kept in readable form (only the hash
    states derived from it) and never appears in ``repr``.
    """

    __slots__ = ("_inner", "_outer", "mac_length", "placeholder", "protocol")

    def __init__(self, spec: AuthSpec, key: bytes) -> None:
        block = spec.hash().block_size
        if len(key) > block:
            key = spec.hash(key).digest()
        key = key.ljust(block, b"\x00")
        self._inner = spec.hash(key.translate(_IPAD))
        self._outer = spec.hash(key.translate(_OPAD))
        self.mac_length: int = spec.mac_length
        self.placeholder: bytes = bytes(spec.mac_length)
        self.protocol: str = spec.name

    def sign(self, whole_message: bytes) -> bytes:
        """Truncated HMAC of *whole_message* (whose digest field holds the placeholder)."""
        inner = self._inner.copy()
        inner.update(whole_message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        mac: bytes = outer.digest()[: self.mac_length]
        return mac

    def verify(self, whole_message: bytes, mac: bytes) -> bool:
        """Constant-time check of *mac* against :meth:`sign` of *whole_message*."""
        return hmac.compare_digest(self.sign(whole_message), mac)

    def __repr__(self) -> str:
        return f"<Authenticator {self.protocol} mac_length={self.mac_length}>"


_IPAD: Final = bytes(b ^ 0x36 for b in range(256))
_OPAD: Final = bytes(b ^ 0x5C for b in range(256))


# ================================================================== privacy
_U64: Final = 0xFFFFFFFFFFFFFFFF
_U32: Final = 0xFFFFFFFF
_sysrand = random.SystemRandom()
_AES_SALTS: Final = itertools.count(_sysrand.getrandbits(64))
_DES_SALTS: Final = itertools.count(_sysrand.getrandbits(32))


def _decryption_error(detail: str) -> DecryptionError:
    return DecryptionError(f"Decryption error: {detail}", error_num=DECRYPTION_ERROR_NUM)


class Privacy:
    """Encryption for one localised privacy key (DES/3DES-CBC or AES-CFB).

    :meth:`encrypt` returns ``(ciphertext, msgPrivacyParameters)`` and
    :meth:`decrypt` takes them back; *boots* / *engine_time* are the
    authoritative engine's values carried in the same message (AES puts them
    in the IV, RFC 3826 3.1.2.1; DES ignores them except boots in the salt).
    """

    __slots__ = ("_dec", "_enc", "_kind", "_pre_iv", "protocol")

    def __init__(self, spec: PrivSpec, key: bytes) -> None:
        if len(key) < spec.key_length:
            raise ConfigurationError(
                f"{spec.name} needs {spec.key_length} octets of key material, got {len(key)}"
            )
        # cryptography loads with the first privacy key, not with every SNMP command
        from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        self.protocol: str = spec.name
        self._kind = spec.cipher
        ecb = modes.ECB()
        if spec.cipher == "aes":
            cipher = Cipher(algorithms.AES(key[: spec.key_length]), ecb)
            self._pre_iv = 0
        else:
            n = 8 if spec.cipher == "des" else 24
            k = key[:n]
            cipher = Cipher(TripleDES(k * 3 if n == 8 else k), ecb)
            self._pre_iv = int.from_bytes(key[n : n + 8], "big")
        self._enc = cipher.encryptor()
        self._dec = cipher.decryptor()

    def __repr__(self) -> str:
        return f"<Privacy {self.protocol}>"

    def encrypt(self, plaintext: bytes, boots: int, engine_time: int) -> tuple[bytes, bytes]:
        """Encrypt a serialised ScopedPDU; returns ``(ciphertext, salt)``."""
        from_bytes = int.from_bytes
        update = self._enc.update
        out: list[bytes] = []
        append = out.append
        if self._kind == "aes":
            # RFC 3826 3.1.3: IV = boots || time || salt (64-bit counter); CFB-128.
            salt = (next(_AES_SALTS) & _U64).to_bytes(8, "big")
            prev = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
            n = len(plaintext)
            full = n & ~15
            for off in range(0, full, 16):
                prev = (
                    from_bytes(plaintext[off : off + 16], "big") ^ from_bytes(update(prev), "big")
                ).to_bytes(16, "big")
                append(prev)
            if full != n:
                rest = n - full
                ks = update(prev)[:rest]
                append(
                    (from_bytes(plaintext[full:], "big") ^ from_bytes(ks, "big")).to_bytes(
                        rest, "big"
                    )
                )
            return b"".join(out), salt
        # RFC 3414 8.1.1: salt = boots || 32-bit counter, IV = salt XOR pre-IV; zero padding.
        salt = boots.to_bytes(4, "big") + (next(_DES_SALTS) & _U32).to_bytes(4, "big")
        prev_i = from_bytes(salt, "big") ^ self._pre_iv
        pad = -len(plaintext) % 8
        if pad:
            plaintext += bytes(pad)
        for off in range(0, len(plaintext), 8):
            c = update((from_bytes(plaintext[off : off + 8], "big") ^ prev_i).to_bytes(8, "big"))
            append(c)
            prev_i = from_bytes(c, "big")
        return b"".join(out), salt

    def decrypt(self, ciphertext: bytes, salt: bytes, boots: int, engine_time: int) -> bytes:
        """Decrypt; raises :class:`DecryptionError` for a bad salt or ciphertext length.

        A wrong key is not detectable here: it yields garbage, which the
        ScopedPDU parser then rejects.  DES/3DES plaintext keeps its padding.
        """
        if len(salt) != 8:
            raise _decryption_error(f"msgPrivacyParameters of {len(salt)} octets (expected 8)")
        n = len(ciphertext)
        if not n:
            raise _decryption_error("empty encryptedPDU")
        from_bytes = int.from_bytes
        if self._kind == "aes":
            iv = boots.to_bytes(4, "big") + engine_time.to_bytes(4, "big") + salt
            # CFB decryption is parallel: keystream block i = E(C[i-1]), C[-1] = IV.
            ks = self._enc.update(iv + ciphertext[: (n - 1) & ~15])[:n]
            return (from_bytes(ciphertext, "big") ^ from_bytes(ks, "big")).to_bytes(n, "big")
        if n % 8:
            raise _decryption_error(f"encryptedPDU of {n} octets is not a multiple of 8")
        chain = (from_bytes(salt, "big") ^ self._pre_iv).to_bytes(8, "big") + ciphertext[:-8]
        plain = self._dec.update(ciphertext)
        return (from_bytes(plain, "big") ^ from_bytes(chain, "big")).to_bytes(n, "big")


# ================================================================== users and keys
class UsmKeys:
    """Localised keys of one user for one authoritative engine ID.

    Attributes:
        user_name: the USM user name (msgUserName), bytes.
        engine_id: the authoritative engine ID the keys are localised to.
        auth: the :class:`Authenticator`, or None (noAuthNoPriv user).
        priv: the :class:`Privacy`, or None (no privacy protocol).
        level: the highest security level the keys allow (``LEVEL_*``).
    """

    __slots__ = ("auth", "engine_id", "level", "priv", "user_name")

    def __init__(
        self,
        user_name: bytes,
        engine_id: bytes,
        auth: Authenticator | None = None,
        priv: Privacy | None = None,
    ) -> None:
        if priv is not None and auth is None:
            raise ConfigurationError("a privacy protocol needs an authentication protocol")
        self.user_name = user_name
        self.engine_id = engine_id
        self.auth = auth
        self.priv = priv
        self.level = (FLAG_AUTH if auth else 0) | (FLAG_PRIV if priv else 0)

    def __repr__(self) -> str:
        auth = self.auth.protocol if self.auth else None
        priv = self.priv.protocol if self.priv else None
        return (
            f"UsmKeys(user_name={self.user_name!r}, engine_id={self.engine_id.hex()}, "
            f"auth={auth!r}, priv={priv!r})"
        )


def _keys_size(key: tuple[object, ...], keys: UsmKeys) -> int:
    """Bytes a cached key set holds, with the OpenSSL contexts tracemalloc cannot see
    (measured: about 2-3 KiB of RSS for an auth + priv user)."""
    return (
        sizeof(key) + 512 + (1024 if keys.auth is not None else 0)
        + (1536 if keys.priv is not None else 0)
    )  # fmt: skip


_KEYS_CACHE: ByteCache[tuple[object, ...], UsmKeys] = ByteCache("usm.keys", _keys_size)


def _check_engine_id(engine_id: bytes) -> bytes:
    if not isinstance(engine_id, bytes | bytearray | memoryview):
        raise ConfigurationError(f"engine ID must be bytes, not {type(engine_id).__name__}")
    engine_id = bytes(engine_id)
    if not 1 <= len(engine_id) <= _MAX_ENGINE_ID:
        raise ConfigurationError(f"engine ID of {len(engine_id)} octets (expected 1..32)")
    return engine_id


class UsmUser:
    """An SNMPv3 USM user as configured on the manager side (credentials, no engine).

    The pass phrases are kept privately (needed to localise keys for engines
    discovered later) and never shown: ``repr`` gives the name, the level and
    the protocols only.  :meth:`localize` turns the user into
    :class:`UsmKeys` for an engine ID (cached; the first call for a pass
    phrase costs 0.7-1.7 ms of hashing, once more per engine ID for the Reeder
    extension; hashlib releases the GIL, so :meth:`precompute` may run in a
    worker thread to keep an event loop responsive).

    Args:
        name: user name (str is UTF-8 encoded), at most 32 octets.
        auth_protocol: net-snmp spelling (``"SHA"``, ``"SHA-256"``...) or None.
        auth_password: required with *auth_protocol*, at least 8 octets.
        priv_protocol: net-snmp spelling (``"AES"``, ``"DES"``, ``"AES-256-C"``...) or None;
            requires authentication.
        priv_password: required with *priv_protocol*, at least 8 octets.

    Raises:
        ConfigurationError: an unknown protocol, a missing or short pass phrase,
            privacy without authentication, or a bad user name.
    """

    __slots__ = ("_auth_fp", "_auth_secret", "_priv_fp", "_priv_secret", "auth", "name", "priv")

    def __init__(
        self,
        name: str | bytes,
        auth_protocol: str | None = None,
        auth_password: str | bytes | None = None,
        priv_protocol: str | None = None,
        priv_password: str | bytes | None = None,
    ) -> None:
        raw_name = name.encode() if isinstance(name, str) else name
        if not isinstance(raw_name, bytes) or len(raw_name) > _MAX_USER_NAME:
            raise ConfigurationError("user name must be str or bytes of at most 32 octets")
        self.name: bytes = raw_name
        self.auth: str | None = None if auth_protocol is None else canonical_auth(auth_protocol)
        self.priv: str | None = None if priv_protocol is None else canonical_priv(priv_protocol)
        if self.priv is not None and self.auth is None:
            raise ConfigurationError("a privacy protocol needs an authentication protocol")
        self._auth_secret = self._secret(self.auth, auth_password, "authentication")
        self._priv_secret = self._secret(self.priv, priv_password, "privacy")
        self._auth_fp = SecretBytes(_fingerprint(self._auth_secret) if self._auth_secret else b"")
        self._priv_fp = SecretBytes(_fingerprint(self._priv_secret) if self._priv_secret else b"")

    @staticmethod
    def _secret(proto: str | None, password: str | bytes | None, what: str) -> bytes:
        if proto is None:
            return b""
        if password is None:
            raise ConfigurationError(f"{what} protocol {proto} given without a pass phrase")
        secret = _secret_bytes(password, f"{what} pass phrase")
        if len(secret) < _MIN_PASSPHRASE:
            raise ConfigurationError(
                f"{what} pass phrase too short (USM requires at least 8 octets)"
            )
        return SecretBytes(secret)

    @property
    def level(self) -> int:
        """The user's security level (``LEVEL_*`` msgFlags bits)."""
        return (FLAG_AUTH if self.auth else 0) | (FLAG_PRIV if self.priv else 0)

    def __repr__(self) -> str:
        return f"UsmUser(name={self.name!r}, auth={self.auth!r}, priv={self.priv!r})"

    def precompute(self) -> None:
        """Derive (and cache) Ku for both pass phrases now: the slow, GIL-free part."""
        if self.auth is not None:
            password_to_key(self._auth_secret, self.auth)
            if self.priv is not None:
                password_to_key(self._priv_secret, self.auth)

    def localize(self, engine_id: bytes) -> UsmKeys:
        """:class:`UsmKeys` of this user for *engine_id* (cached per user, pass phrases, ID).

        Raises :class:`ConfigurationError` for an engine ID that is not 1..32 octets.
        """
        engine_id = _check_engine_id(engine_id)
        cache_key = (self.name, self.auth, self.priv, self._auth_fp, self._priv_fp, engine_id)
        keys = _KEYS_CACHE.get(cache_key)
        if keys is not None:
            return keys
        auth = priv = None
        if self.auth is not None:
            aspec = _AUTH_SPECS[self.auth]
            kul = localize_key(password_to_key(self._auth_secret, self.auth), self.auth, engine_id)
            auth = Authenticator(aspec, kul)
            if self.priv is not None:
                pku = password_to_key(self._priv_secret, self.auth)
                pkey = derive_priv_key(pku, self.auth, self.priv, engine_id)
                priv = Privacy(_PRIV_SPECS[self.priv], pkey)
        return _KEYS_CACHE.put(cache_key, UsmKeys(self.name, engine_id, auth, priv))
