"""SNMPv3 requests through pysnmp's ``SnmpEngine``, one PDU at a time.

The v1/v2c path has its own transport; SNMPv3 (USM keys, engine-ID discovery, time
synchronisation, encryption) goes through pysnmp 7.1.30's entity API:
``cmdgen.{Get,NextSingleRun,BulkSingleRun,Set}CommandGenerator().send_varbinds(...)`` with a
plain callback, raw rfc1902 varbinds (no MIB lookups, no value coercion) and LCD rows written
directly with :mod:`pysnmp.entity.config`. See ``shared/reference/pysnmp.md`` sections 4, 5
and 10 for the measurements behind the design.

Engines
-------
One ``SnmpEngine`` per (running event loop, credential set without the context), shared by
every :class:`V3Client` with the same credentials and reference-counted by them. Per credential
set (not just per loop) because pysnmp's USM keys users by (user name, engine ID): two agents
with the same user name and different pass phrases on one engine break each other (E17).
The engine is created lazily on the first :meth:`V3Client.send` in a loop. Its expensive,
loop-independent part (MIB loading, pass-phrase hashing: 10-40 ms of pure Python) runs in a
process-wide builder thread, one engine at a time, so the loop stays responsive; dispatcher
and sockets are then attached in the loop's thread, and the requests that arrived meanwhile
go out. A stub MIB
compiler is installed right after construction: pysmi is never loaded (no ~0.4 s stall,
nothing written to ``~/.pysnmp``). An engine that has had :data:`ROTATE_AFTER_TARGETS`
distinct targets takes no new clients (LCD growth, E16).

Until pysnmp knows a target's engine ID, only one request to it is in flight (the probe) and
the others wait; they go out when the probe is answered, or time out with it (see
:func:`_release_queue`). This turns a burst to a new agent into one discovery exchange.

Exactly-once invariants
-----------------------
1. Every :meth:`V3Client.send` call that returns normally leads to exactly one call of its
   ``done`` callback. ``send`` raises only :class:`RuntimeError` when no event loop is running,
   and then ``done`` is never called.
2. ``done`` is never called synchronously inside ``send`` and never from inside pysnmp's call
   stack: every result is delivered with ``loop.call_soon``. A user callback that raises is
   therefore reported by the loop's exception handler and cannot kill pysnmp's timer task.
3. Each request has a ``finished`` flag, set by :meth:`V3Client._finish`, the only place that
   schedules ``done``. The first of these settles a request, all later ones are ignored: the
   pysnmp callback; the watchdog (``loop.call_later`` of 2 x (timeout + 0.1 s) x
   (retries + 1) + 1 s, armed when the request is handed to pysnmp); an exception raised by
   pysnmp while sending; the engine's timer task found dead (pysnmp.md H2); the engine failing
   to build; the UDP endpoint failing to open; a timed-out discovery probe it waited for;
   :meth:`V3Client.close` (``ShutdownError``); the engine's event loop being closed (then
   nothing can be delivered).
4. Every unsettled request is in its client's and its engine's ``pending`` table, whether it
   is waiting for the engine build, waiting for a probe, or in pysnmp: closing or breaking
   reaches all of them. Waiting requests need no watchdog: what they wait for settles.
5. Values are validated and pre-encoded before pysnmp sees them, so pysnmp cannot fail while
   encoding a request it has already cached (H2/H3). Every pysnmp call is wrapped in
   ``try/except Exception`` and the pysnmp callback never raises.
6. An engine is closed (``close_dispatcher``) only after every request still pending on it has
   been settled (H4).

Secrets (pass phrases) never appear in ``repr``/``str`` of :class:`V3Credentials` nor in error
messages produced here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import ipaddress
import itertools
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from functools import partial
from typing import Any, Final

from pyasn1.codec.ber import encoder as _asn1_encoder
from pyasn1.type import univ
from pysnmp import error as _pysnmp_error
from pysnmp.carrier import error as _carrier_error
from pysnmp.carrier.asyncio.dgram import udp as _udp
from pysnmp.carrier.asyncio.dgram import udp6 as _udp6
from pysnmp.carrier.asyncio.dispatch import AsyncioDispatcher
from pysnmp.entity import config as _config
from pysnmp.entity import engine as _engine
from pysnmp.entity.rfc3413 import cmdgen as _cmdgen
from pysnmp.proto import errind as _errind
from pysnmp.proto import error as _proto_error
from pysnmp.proto import rfc1902, rfc1905
from pysnmp.proto.rfc3412 import MsgAndPduDispatcher
from pysnmp.smi.builder import MibBuilder
from pysnmp.smi.error import MibLoadError, MibNotFoundError
from pysnmp.smi.instrum import MibInstrumController

from .. import errors
from .._core import ber
from .._core.cache import ByteCache, oid_size
from .._core.oid import MAX_SUBID as _MAX_SUBID
from .._core.pdu import PduResult, RawValue, RawVarbind
from ..credentials import Credentials, Where
from ..options import PYSNMP_MAX_RETRIES, PYSNMP_MAX_TIMEOUT

__all__ = ["ROTATE_AFTER_TARGETS", "V3Client", "V3Credentials"]

# ----------------------------------------------------------------------------------- credentials

# net-snmp spelling -> name of the pysnmp.entity.config constant.
_AUTH_PROTOCOLS: Final = {
    "MD5": "USM_AUTH_HMAC96_MD5",
    "SHA": "USM_AUTH_HMAC96_SHA",
    "SHA-224": "USM_AUTH_HMAC128_SHA224",
    "SHA-256": "USM_AUTH_HMAC192_SHA256",
    "SHA-384": "USM_AUTH_HMAC256_SHA384",
    "SHA-512": "USM_AUTH_HMAC384_SHA512",
}
# net-snmp AES-192/AES-256 use the Blumenthal key extension, AES-192-C/AES-256-C ("Cisco") the
# Reeder one (pysnmp.md 1.3). 3DES exists in pysnmp only (net-snmp 5.9.3 has none).
_PRIV_PROTOCOLS: Final = {
    "DES": "USM_PRIV_CBC56_DES",
    "3DES": "USM_PRIV_CBC168_3DES",
    "AES": "USM_PRIV_CFB128_AES",
    "AES-192": "USM_PRIV_CFB192_AES_BLUMENTHAL",
    "AES-256": "USM_PRIV_CFB256_AES_BLUMENTHAL",
    "AES-192-C": "USM_PRIV_CFB192_AES",
    "AES-256-C": "USM_PRIV_CFB256_AES",
}
# V3Credentials' field of each keyword: its messages start with the field's name.
_FIELDS: Final = {
    "SecName": "sec_name",
    "SecLevel": "sec_level",
    "AuthProto": "auth_proto",
    "AuthPass": "auth_pass",
    "PrivProto": "priv_proto",
    "PrivPass": "priv_pass",
    "Context": "context",
    "ContextEngineId": "context_engine_id",
    "SecEngineId": "sec_engine_id",
}


def _field_of(keyword: str) -> str:
    return f"{_FIELDS.get(keyword, keyword)}: "


@dataclass(frozen=True, repr=False)
class V3Credentials(Credentials):
    """SNMPv3 USM credentials plus the context, as one pysnmp engine is keyed by.

    A :class:`~snmp_component.credentials.Credentials`: the same checks, normalisation and
    messages as ``create()``'s (see :mod:`snmp_component.credentials`), each message after
    the name of the field it is about (``"auth_pass: AuthPass must be at least 8 ..."``).
    Built from a component's options, which were checked at ``create()``, it cannot fail.
    Pass phrases are never shown: ``repr`` and ``str`` print ``'***'``.

    Attributes:
        sec_name: USM user name (1..32 octets).
        sec_level: ``"noAuthNoPriv"``, ``"authNoPriv"`` or ``"authPriv"``.
        auth_proto: MD5 SHA SHA-224 SHA-256 SHA-384 SHA-512, or None without auth.
        auth_pass: authentication pass phrase (8 or more octets), or None.
        priv_proto: DES 3DES AES AES-192 AES-256 AES-192-C AES-256-C, or None without priv.
        priv_pass: privacy pass phrase (8 or more octets), or None.
        context: context name (``""`` = default context).
        context_engine_id: context engine ID, or None for the discovered one.
        sec_engine_id: pin the keys to this authoritative engine ID (discovery still runs).

    Raises:
        snmp_component.errors.ConfigurationError: a field is invalid; the message names the
            field and never contains a pass phrase.
    """

    sec_name: str
    auth_pass: str | None = None
    priv_pass: str | None = None

    @classmethod
    def _where(cls) -> Where:
        return _field_of

    @classmethod
    def of(cls, creds: Credentials) -> V3Credentials:
        """``creds`` (checked already: this cannot fail) as the pysnmp engine's key."""
        if isinstance(creds, V3Credentials):
            return creds
        return cls(*(getattr(creds, f.name) for f in fields(Credentials)))

    def engine_key(self) -> V3Credentials:
        """These credentials without the context: what one pysnmp engine is shared by."""
        if not self.context and self.context_engine_id is None:
            return self
        return replace(self, context="", context_engine_id=None)

    def _secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.auth_pass, self.priv_pass) if s)


# --------------------------------------------------------------------------- error translation

# pysnmp errorIndication class name -> (our error class, net-snmp error number, net-snmp text).
# Numbers/texts are net-snmp 5.9.3's SNMPERR_* (snmp_api.h) and snmp_api_errstring().
_INDICATIONS: Final[dict[str, tuple[type[errors.SNMPError], int, str]]] = {
    "WrongDigest": (
        errors.WrongDigest,
        -35,
        "Authentication failure (incorrect password, community or key)",
    ),
    "AuthenticationFailure": (
        errors.WrongDigest,
        -35,
        "Authentication failure (incorrect password, community or key)",
    ),
    "AuthenticationError": (
        errors.WrongDigest,
        -35,
        "Authentication failure (incorrect password, community or key)",
    ),
    "UnknownUserName": (errors.UnknownUserName, -33, "Unknown user name"),
    "UnknownSecurityName": (errors.UnknownUserName, -33, "Unknown user name"),
    "UnsupportedSecurityLevel": (
        errors.UnsupportedSecurityLevel,
        -34,
        "Unsupported security level",
    ),
    "NoAuthentication": (errors.UnsupportedSecurityLevel, -34, "Unsupported security level"),
    "NoEncryption": (errors.UnsupportedSecurityLevel, -34, "Unsupported security level"),
    "DecryptionError": (errors.DecryptionError, -37, "Decryption error"),
    "UnknownEngineID": (errors.UnknownEngineID, -32, "Unknown engine ID"),
    "EngineIDMismatch": (errors.UnknownEngineID, -32, "Unknown engine ID"),
    "NotInTimeWindow": (errors.NotInTimeWindow, -36, "Not in time window"),
    "EncryptionError": (errors.SecurityError, -45, "USM encryption error"),
    "UnsupportedAuthProtocol": (errors.SecurityError, -42, "USM generic error"),
    "UnsupportedPrivProtocol": (errors.SecurityError, -42, "USM generic error"),
    "UnsupportedSecurityModel": (
        errors.SecurityError,
        -30,
        "Unknown security model in message",
    ),
    "UnknownCommunityName": (errors.SecurityError, -18, "Bad community specified"),
    "SerializationError": (errors.BadTypeError, -11, "Error building ASN.1 representation"),
    "DeserializationError": (errors.DecodeError, -29, "ASN.1 parse error in message"),
    "ParseError": (errors.DecodeError, -29, "ASN.1 parse error in message"),
    "InvalidMsg": (errors.DecodeError, -31, "Invalid message (e.g. msgFlags)"),
    "EmptyResponse": (errors.DecodeError, -13, "Bad parse of ASN.1 type"),
    "DataMismatch": (errors.DecodeError, -13, "Bad parse of ASN.1 type"),
    "badResponse": (errors.DecodeError, -13, "Bad parse of ASN.1 type"),
    "TooBig": (errors.TransportError, -5, "Too long"),
    "UnsupportedPDUtype": (errors.ConfigurationError, -23, "Unknown PDU type"),
    "UnsupportedMsgProcessingModel": (errors.ConfigurationError, -14, "Bad version specified"),
}


def _indication_name(indication: object) -> str:
    if isinstance(indication, _errind.ErrorIndication):
        return type(indication).__name__
    return str(indication)


def _scrub(text: str, secrets: Sequence[str], limit: int = 300) -> str:
    """``text`` with every secret replaced by ``***``, cut to ``limit`` characters."""
    for secret in secrets:
        text = text.replace(secret, "***")
    text = " ".join(text.split())  # pysnmp's CarrierError embeds whole tracebacks
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ------------------------------------------------------------------------------ value conversion

_NULL: Final = univ.Null("")
_NULL_TAGS: Final = frozenset(
    (ber.NULL, ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW)
)
_INT_TAGS: Final = frozenset(
    (ber.INTEGER, ber.COUNTER32, ber.GAUGE32, ber.TIMETICKS, ber.COUNTER64)
)
_OCTET_TAGS: Final = frozenset((ber.OCTET_STRING, ber.OPAQUE, ber.IPADDRESS))

_MAKERS: Final[dict[int, Callable[[Any], Any]]] = {
    ber.INTEGER: rfc1902.Integer32,
    ber.OCTET_STRING: lambda v: rfc1902.OctetString(bytes(v)),
    ber.NULL: lambda v: _NULL,
    ber.OBJECT_IDENTIFIER: lambda v: rfc1902.ObjectIdentifier(tuple(v)),
    ber.IPADDRESS: lambda v: rfc1902.IpAddress(bytes(v)),
    ber.COUNTER32: rfc1902.Counter32,
    ber.GAUGE32: rfc1902.Gauge32,
    ber.TIMETICKS: rfc1902.TimeTicks,
    ber.OPAQUE: lambda v: rfc1902.Opaque(bytes(v)),
    ber.COUNTER64: rfc1902.Counter64,
    ber.NO_SUCH_OBJECT: lambda v: rfc1905.noSuchObject,
    ber.NO_SUCH_INSTANCE: lambda v: rfc1905.noSuchInstance,
    ber.END_OF_MIB_VIEW: lambda v: rfc1905.endOfMibView,
}


def _object_name_size(oid: tuple[int, ...], name: Any) -> int:
    """The key, pyasn1's own copy of the arcs and the object (about 500 bytes measured)."""
    return 2 * oid_size(oid) + 768


_OBJECT_NAMES: ByteCache[tuple[int, ...], Any] = ByteCache("pysnmp.object_name", _object_name_size)
_object_names = _OBJECT_NAMES.get


def _object_name(oid: tuple[int, ...]) -> Any:
    """A validated ``rfc1902.ObjectName`` (cached, byte-bounded: pyasn1 objects are not
    mutated here)."""
    name = _object_names(oid)
    if name is None:
        ber.encode_oid(oid)  # raises ValueError for anything SNMP cannot carry
        name = _OBJECT_NAMES.put(oid, rfc1902.ObjectName(oid))
    return name


def _to_pysnmp(index: int, varbind: object) -> tuple[Any, Any]:
    """Our ``(oid, tag, value)`` as a pysnmp ``(ObjectName, value)``, validated and pre-encoded.

    Raises:
        errors.ConfigurationError: not a triple.
        errors.UnknownObjectError: the OID cannot be encoded.
        errors.BadTypeError: the value does not fit its tag (checked by the BER codec, then
            by pyasn1 itself, so pysnmp can never fail to encode it later).
    """
    oid: Any
    tag: Any
    value: Any
    try:
        oid, tag, value = varbind  # type: ignore[misc]
    except (TypeError, ValueError):
        raise errors.ConfigurationError(
            f"varbind {index}: expected an (oid, tag, value) triple"
        ) from None
    if not isinstance(oid, tuple | list) or not all(type(arc) is int for arc in oid):
        raise errors.UnknownObjectError(f"varbind {index}: OID must be a tuple of ints: {oid!r}")
    try:
        name = _object_name(tuple(oid))
    except ValueError as exc:
        raise errors.UnknownObjectError(f"varbind {index}: {exc}") from None
    if tag == ber.NULL and value is None:
        return name, _NULL
    try:
        ber.encode_value(tag, value)
        obj = _MAKERS[tag](value)
        if tag not in _NULL_TAGS:
            _asn1_encoder.encode(obj)
    except Exception as exc:  # ValueError from ber, PyAsn1Error from pyasn1, ...
        raise errors.BadTypeError(f"varbind {index}: {_scrub(str(exc), ())}") from None
    return name, obj


def _tag_of(value: Any) -> int:
    tag = value.tagSet[-1]
    tag_id = int(tag.tagId)
    if tag_id >= 31:
        raise ValueError(f"unsupported high tag number {tag_id}")
    return int(tag.tagClass) | int(tag.tagFormat) | tag_id


def _checked_oid(value: Any, what: str) -> tuple[int, ...]:
    """A received OID as a tuple, held to the BER codec's bounds (net-snmp's): at most
    128 sub-identifiers of at most 2**32-1 (pyasn1 decodes OIDs of any length)."""
    arcs = value.asTuple()
    if len(arcs) > ber.MAX_OID_LENGTH:
        raise ValueError(
            f"{what}: OBJECT IDENTIFIER of {len(arcs)} sub-identifiers "
            f"(SNMP allows at most {ber.MAX_OID_LENGTH})"
        )
    oid = tuple(int(arc) for arc in arcs)
    if oid and max(oid) > _MAX_SUBID:
        raise ValueError(f"{what}: OBJECT IDENTIFIER sub-identifier exceeds 2**32-1")
    return oid


def _from_pysnmp(name: Any, value: Any) -> RawVarbind:
    """A pysnmp response varbind as our ``(oid, tag, value)``, like the BER codec's.

    Raises:
        ValueError: what the BER codec would call malformed (e.g. an OID of more than
            128 sub-identifiers); the caller reports a DecodeError.
    """
    oid = _checked_oid(name, "varbind name")
    tag = _tag_of(value)
    raw: RawValue
    if tag in _INT_TAGS:
        raw = int(value)
    elif tag in _OCTET_TAGS:
        raw = bytes(value.asOctets())
    elif tag == ber.OBJECT_IDENTIFIER:
        raw = _checked_oid(value, "varbind value")
    elif tag in _NULL_TAGS:
        raw = None
    elif hasattr(value, "asOctets"):  # a type SNMP does not define (e.g. NsapAddress)
        raw = bytes(value.asOctets())
    else:
        raw = int(value)
    return oid, tag, raw


# ---------------------------------------------------------------------------------------- engines

ROTATE_AFTER_TARGETS: Final = 1000
"""After this many distinct targets an engine takes no new clients (pysnmp.md E16/E16b)."""

_TIMER_TICK: Final = 0.1  # pysnmp's AsyncioDispatcher default timer resolution (seconds)
_UDP: Final[tuple[int, ...]] = tuple(_udp.DOMAIN_NAME)
_UDP6: Final[tuple[int, ...]] = tuple(_udp6.DOMAIN_NAME)
_PARAMS_NAME: Final = "p"  # one credential set per engine: one target-parameters row

_PDU_GENERATORS: Final[dict[int, Any]] = {
    ber.GET_REQUEST: _cmdgen.GetCommandGenerator,
    ber.GET_NEXT_REQUEST: _cmdgen.NextCommandGeneratorSingleRun,
    ber.GET_BULK_REQUEST: _cmdgen.BulkCommandGeneratorSingleRun,
    ber.SET_REQUEST: _cmdgen.SetCommandGenerator,
}

_names = itertools.count(1)

TargetKey = tuple[tuple[int, ...], tuple[str, int], int, int]


class _StubMibCompiler:
    """Stands in for pysmi: every module to compile is reported missing, nothing is written.

    Installed with ``MibBuilder.set_mib_compiler`` right after the engine is built, so nothing
    ever attaches pysmi's real compiler (430 ms of PLY set-up per engine, writes to
    ``~/.pysnmp/mibs``; pysnmp.md E20). The entity API with raw varbinds needs no MIB texts.
    """

    def compile(self, *mib_names: str, **options: Any) -> dict[str, str]:
        return dict.fromkeys(mib_names, "missing")


_MIB_CODE: dict[tuple[str, str], tuple[Any, str]] = {}
_PYSNMP_DIR: Final = os.path.dirname(os.path.abspath(_pysnmp_error.__file__)) + os.sep


class _FastMibBuilder(MibBuilder):  # type: ignore[misc]  # pysnmp is untyped
    """A ``MibBuilder`` that compiles each shipped MIB module once per process, not per engine.

    pysnmp 7.1.30's ``load_module`` compiles the module source twice per engine when Python
    runs without ``-O`` (``MibSource.read`` finds no ``.pyc`` next to the ``.py``, then
    ``runpy.run_path`` compiles it again): most of ``SnmpEngine()``'s 80 ms. This override
    caches the code objects of pysnmp's shipped modules and ``exec``s them (what pysnmp
    itself does under ``-O``); other sources are read as before. An engine then takes about
    12 ms plus the pass-phrase hashing. If pysnmp's private attributes change, it falls back
    to the original method.
    """

    def load_module(self, modName: str, **userCtx: Any) -> Any:
        sources = getattr(self, "_MibBuilder__mib_sources", None)
        paths_seen = getattr(self, "_MibBuilder__modPathsSeen", None)
        mods_seen = getattr(self, "_MibBuilder__modSeen", None)
        if sources is None or paths_seen is None or mods_seen is None:
            return super().load_module(modName, **userCtx)
        for source in sources:
            key = (source.full_path(), modName)
            loaded = _MIB_CODE.get(key)
            if loaded is None:
                try:
                    loaded = source.read(modName)
                except OSError:
                    continue
                if key[0].startswith(_PYSNMP_DIR):  # pysnmp's own modules do not change
                    _MIB_CODE[key] = loaded
            code, suffix = loaded
            path = source.full_path(modName, suffix)
            if path in paths_seen:
                break
            paths_seen.add(path)
            try:
                exec(code, {"mibBuilder": self, "userCtx": userCtx})
            except Exception as exc:
                paths_seen.discard(path)
                raise MibLoadError(f"MIB module {path!r} load error: {exc!r}") from exc
            mods_seen[modName] = path
            break
        if modName not in mods_seen:
            raise MibNotFoundError(f"MIB file {modName!r} not found in the search path")
        return self


def _auth_service(proto: str | None) -> Any:
    return getattr(_config, _AUTH_PROTOCOLS[proto]) if proto else _config.USM_AUTH_NONE


def _priv_service(proto: str | None) -> Any:
    return getattr(_config, _PRIV_PROTOCOLS[proto]) if proto else _config.USM_PRIV_NONE


def _build_snmp_engine(creds: V3Credentials) -> Any:
    """A configured ``SnmpEngine`` without dispatcher. Runs in a worker thread.

    This is the expensive part (about 12 ms of MIB loading plus 5-15 ms per pass-phrase hash,
    pure Python): a thread keeps the event loop responsive meanwhile (the GIL is handed over
    every 5 ms). It touches nothing but the new engine and :data:`_MIB_CODE`.
    """
    dispatcher = MsgAndPduDispatcher(MibInstrumController(_FastMibBuilder()))
    snmp = _engine.SnmpEngine(msgAndPduDsp=dispatcher)
    snmp.get_mib_builder().set_mib_compiler(_StubMibCompiler(), os.devnull)
    _config.add_v3_user(
        snmp,
        creds.sec_name,
        _auth_service(creds.auth_proto),
        creds.auth_pass.encode("utf-8") if creds.auth_pass else None,
        _priv_service(creds.priv_proto),
        creds.priv_pass.encode("utf-8") if creds.priv_pass else None,
        securityEngineId=(
            None if creds.sec_engine_id is None else rfc1902.OctetString(creds.sec_engine_id)
        ),
    )
    _config.add_target_parameters(snmp, _PARAMS_NAME, creds.sec_name, creds.sec_level, 3)
    return snmp


class _Target:
    """One LCD target-address row of an engine, shared by the clients with the same target.

    It also gates the first contact: until pysnmp knows the agent's engine ID, only one
    request (the probe) is in flight and the others wait in :attr:`queue`, so a burst of
    requests to a new agent causes one discovery exchange instead of one per request (200 at
    once made net-snmp drop datagrams).
    """

    __slots__ = ("discovered", "key", "name", "probe", "queue", "uses")

    def __init__(self, key: TargetKey, name: str) -> None:
        self.key = key
        self.name = name
        self.uses = 1
        self.discovered = False
        self.probe: _Request | None = None
        self.queue: list[_Request] = []


_BUILDER: list[concurrent.futures.ThreadPoolExecutor] = []


def _builder() -> concurrent.futures.ThreadPoolExecutor:
    """The process-wide thread that builds engines, one at a time.

    One thread, not the loop's default executor: several threads running pure Python at once
    would starve the event loop's thread of the GIL (16 parallel builds stalled a loop for
    0.6 s); with one builder the loop keeps at least half of it.
    """
    if not _BUILDER:
        _BUILDER.append(
            concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="snmp-v3-engine-builder")
        )
    return _BUILDER[0]


class _Engine:
    """One pysnmp ``SnmpEngine`` for one (event loop, credential set), shared by its clients.

    The ``SnmpEngine`` itself is built in a worker thread (:func:`_build_snmp_engine`); until it
    is ready, requests wait in :attr:`waiting`. Everything else runs in the loop's thread.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop, creds: V3Credentials) -> None:
        self.loop = loop
        self.creds = creds
        self.refs = 0
        self.snmp: Any = None  # set once built
        self.pending: dict[int, _Request] = {}  # every unsettled request, waiting ones too
        self.waiting: list[_Request] = []  # requests submitted before the engine was built
        self.targets: dict[TargetKey, _Target] = {}
        self.domains: set[tuple[int, ...]] = set()
        self.targets_created = 0
        self.retiring = False
        self.broken = False
        self.closed = False
        self.generators: dict[int, Any] = {tag: cls() for tag, cls in _PDU_GENERATORS.items()}
        _builder().submit(_build_snmp_engine, creds).add_done_callback(self._built_threadsafe)

    def _built_threadsafe(self, future: concurrent.futures.Future[Any]) -> None:
        try:  # runs in the builder thread
            self.loop.call_soon_threadsafe(self._built, future)
        except RuntimeError:  # the loop was closed meanwhile: nothing to attach it to
            pass

    def _built(self, future: concurrent.futures.Future[Any]) -> None:
        if self.closed:
            return  # nothing of the engine was registered with the loop yet
        try:
            snmp = future.result()
            snmp.register_transport_dispatcher(AsyncioDispatcher(loop=self.loop))
        except BaseException as exc:  # includes CancelledError
            secrets = self.creds._secrets()
            self.mark_broken(
                f"cannot build the SNMPv3 engine: {_scrub(f'{type(exc).__name__}: {exc}', secrets)}"
            )
            return
        self.snmp = snmp
        waiting, self.waiting = self.waiting, []
        for request in waiting:
            request.client._transmit(request)

    # -- health ---------------------------------------------------------------------------------

    def timer_failure(self) -> str | None:
        """Why the dispatcher's timer task is dead (pysnmp.md H2), or None while it runs."""
        if self.snmp is None:
            return None  # still being built
        dispatcher = self.snmp.transport_dispatcher
        if dispatcher is None:
            return "its dispatcher is gone"
        task = getattr(dispatcher, "loopingcall", None)
        if task is None or not task.done():
            return None  # not started yet (no transport) or running
        if task.cancelled():
            return "its timer task was cancelled"
        return f"its timer task died ({type(task.exception()).__name__})"

    def usable(self) -> bool:
        """True when requests may use this engine; a dead timer task marks it broken."""
        if self.closed or self.broken:
            return False
        failure = self.timer_failure()
        if failure is not None:
            self.mark_broken(failure)
            return False
        return True

    def mark_broken(self, why: str) -> None:
        """Take the engine out of service and fail every request pending on it."""
        if self.broken or self.closed:
            return
        self.broken = True
        _forget(self)
        self.waiting.clear()
        self.fail_pending(lambda: errors.SNMPError(f"pysnmp engine failed: {why}"))

    def fail_pending(self, make_error: Callable[[], errors.SNMPError]) -> None:
        """Settle every request pending on this engine with ``make_error()``."""
        for request in list(self.pending.values()):
            request.client._finish(request, PduResult(make_error()))

    # -- requests and configuration --------------------------------------------------------------

    def submit(self, request: _Request) -> None:
        """Transmit ``request`` now, or as soon as the engine is built."""
        self.pending[request.id] = request
        if self.snmp is None:
            self.waiting.append(request)
        else:
            request.client._transmit(request)

    def ensure_transport(self, domain: tuple[int, ...]) -> None:
        """Open the client UDP (or UDP6) socket of this engine unless it is open."""
        if domain in self.domains:
            return
        cls = _udp.UdpAsyncioTransport if domain == _UDP else _udp6.Udp6AsyncioTransport
        transport = cls(loop=self.loop).open_client_mode()
        _config.add_transport(self.snmp, domain, transport)
        self.domains.add(domain)
        opening = getattr(transport, "_lport", None)  # the create_datagram_endpoint task
        if isinstance(opening, asyncio.Future):
            opening.add_done_callback(partial(self._endpoint_opened, domain))

    def _endpoint_opened(self, domain: tuple[int, ...], future: asyncio.Future[Any]) -> None:
        if future.cancelled() or self.closed:
            return
        exc = future.exception()
        if exc is None:
            return
        # The socket could not be created: fail what waits on it; the next send() retries.
        self.domains.discard(domain)
        try:
            self.snmp.transport_dispatcher.unregister_transport(domain)
        except Exception:
            pass
        family = "UDP6" if domain == _UDP6 else "UDP"
        for request in list(self.pending.values()):
            if request.client._domain == domain:
                request.client._finish(
                    request,
                    PduResult(
                        errors.TransportError(
                            f"cannot open the {family} socket: {type(exc).__name__}: {exc}",
                            error_num=-6,
                        )
                    ),
                )

    def add_target(self, key: TargetKey) -> _Target:
        """The LCD target-address row for ``key``, created on first use (use-counted)."""
        target = self.targets.get(key)
        if target is not None:
            target.uses += 1
            return target
        domain, address, timeout_centis, retries = key
        self.ensure_transport(domain)
        name = f"a{next(_names)}"
        _config.add_target_address(
            self.snmp, name, domain, address, _PARAMS_NAME, timeout_centis, retries
        )
        target = self.targets[key] = _Target(key, name)
        self.targets_created += 1
        if self.targets_created >= ROTATE_AFTER_TARGETS:
            self.retiring = True
            _forget(self)
        return target

    def release_target(self, target: _Target) -> None:
        """Drop one use of a target; its LCD row is deleted with the last one."""
        target.uses -= 1
        if target.uses > 0 or self.targets.get(target.key) is not target:
            return
        del self.targets[target.key]
        if not self.closed and self.snmp is not None:
            try:
                _config.delete_target_address(self.snmp, target.name)
            except Exception:
                pass

    # -- life cycle -----------------------------------------------------------------------------

    def release(self) -> None:
        """Drop one client reference; the last one closes the engine."""
        self.refs -= 1
        if self.refs <= 0:
            self.close()

    def close(self) -> None:
        """Fail everything still pending (ShutdownError), then close pysnmp's dispatcher."""
        if self.closed:
            return
        self.closed = True
        _forget(self)
        self.waiting.clear()
        self.fail_pending(lambda: errors.ShutdownError("the SNMPv3 engine was closed"))
        if self.snmp is not None:
            try:
                self.snmp.close_dispatcher()
            except Exception:  # e.g. its event loop is already closed
                pass


_POOL: dict[tuple[asyncio.AbstractEventLoop, V3Credentials], _Engine] = {}


def _forget(engine: _Engine) -> None:
    key = (engine.loop, engine.creds)
    if _POOL.get(key) is engine:
        del _POOL[key]


def _acquire(loop: asyncio.AbstractEventLoop, creds: V3Credentials) -> _Engine:
    """The shared engine for (loop, creds), created on first use; takes one reference."""
    for stale in [eng for (eng_loop, _), eng in _POOL.items() if eng_loop.is_closed()]:
        stale.close()
    engine = _POOL.get((loop, creds))
    if engine is None or engine.retiring or not engine.usable():
        engine = _Engine(loop, creds)
        _POOL[(loop, creds)] = engine
    engine.refs += 1
    return engine


# ----------------------------------------------------------------------------------------- client


class _Request:
    """One request in flight; ``finished`` makes its completion happen once."""

    __slots__ = (
        "client",
        "done",
        "engine",
        "finished",
        "id",
        "loop",
        "max_repetitions",
        "non_repeaters",
        "pdu_tag",
        "probe_of",
        "started",
        "varbinds",
        "watchdog",
    )

    def __init__(
        self,
        client: V3Client,
        engine: _Engine,
        loop: asyncio.AbstractEventLoop,
        done: Callable[[PduResult], None],
        pdu_tag: int,
        varbinds: list[tuple[Any, Any]],
        non_repeaters: int,
        max_repetitions: int,
    ) -> None:
        self.id = next(_names)
        self.client = client
        self.engine = engine
        self.loop = loop
        self.done = done
        self.pdu_tag = pdu_tag
        self.varbinds = varbinds
        self.non_repeaters = non_repeaters
        self.max_repetitions = max_repetitions
        self.started = time.monotonic()
        self.finished = False
        self.watchdog: asyncio.TimerHandle | None = None
        self.probe_of: _Target | None = None  # the target this request is discovering


def _on_pysnmp_response(
    snmp_engine: Any,
    send_request_handle: Any,
    error_indication: Any,
    error_status: Any,
    error_index: Any,
    varbinds: Any,
    request: _Request,
) -> None:
    """The plain callback given to ``send_varbinds``. Never raises into pysnmp."""
    try:
        if request.finished:
            return
        result: PduResult
        try:
            if error_indication:
                result = PduResult(request.client._indication_error(error_indication, request))
            else:
                result = PduResult(
                    None,
                    int(error_status or 0),
                    int(error_index or 0),
                    [_from_pysnmp(name, value) for name, value in varbinds],
                )
        except Exception as exc:
            result = PduResult(
                errors.DecodeError(f"cannot convert the response: {type(exc).__name__}: {exc}")
            )
        request.client._finish(request, result)
    except Exception:  # pragma: no cover - _finish does not raise; pysnmp must never see one
        pass


# Errors that prove the agent answered (after discovery): the engine ID is known.
_AGENT_REPORTS: Final = (
    errors.WrongDigest,
    errors.UnknownUserName,
    errors.UnsupportedSecurityLevel,
    errors.DecryptionError,
    errors.NotInTimeWindow,
)


def _release_queue(queue: list[_Request], probe_error: errors.SNMPError | None) -> None:
    """Transmit the requests that waited for a probe; if it timed out, they time out too.

    A timed-out probe means discovery got no answer within the full timeout x attempts; the
    requests that waited for it fail the same way (at most that long after their own send)
    instead of each starting another discovery against an agent that does not answer.
    """
    for request in queue:
        if request.finished:
            continue
        client = request.client
        if isinstance(probe_error, errors.SNMPTimeoutError):
            client._finish(request, PduResult(client._timeout_error(request)))
        else:
            client._transmit(request)


class V3Client:
    """One SNMPv3 target plus credentials; sends single PDUs through a shared ``SnmpEngine``.

    Construction only validates (no pysnmp work, no event loop needed); the engine is taken
    from the pool on the first :meth:`send`, inside the running loop (built in a worker thread
    the first time a credential set is used in that loop; requests wait for it). A client is
    bound to the loop of its first ``send``; it moves to another loop only once that one is
    closed.

    Args:
        creds: the credentials (and context).
        host: an IPv4 or IPv6 address literal (no names: resolution is the caller's job);
            IPv6 uses pysnmp's UDP6 transport. Scoped (``%zone``) addresses lose the zone.
        port: UDP port, 1..65535.
        timeout: seconds per attempt (> 0). pysnmp's timer ticks every 0.1 s, so the effective
            timeout is rounded up to the next tick.
        retries: extra attempts after the first (0..255).

    Raises:
        snmp_component.errors.ConfigurationError: an argument is invalid (named in the message).
    """

    def __init__(
        self, creds: V3Credentials, host: str, port: int, *, timeout: float, retries: int
    ) -> None:
        if not isinstance(creds, V3Credentials):
            raise errors.ConfigurationError(
                f"creds: must be V3Credentials, not {type(creds).__name__}"
            )
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            raise errors.ConfigurationError(
                f"host: {host!r} is not an IPv4 or IPv6 address literal"
            ) from None
        if type(port) is not int or not 1 <= port <= 65535:
            raise errors.ConfigurationError(f"port: must be an int in 1..65535, got {port!r}")
        if (
            isinstance(timeout, bool)
            or not isinstance(timeout, int | float)
            or not math.isfinite(timeout)
            or not 0 < timeout <= PYSNMP_MAX_TIMEOUT
        ):
            raise errors.ConfigurationError(
                f"timeout: must be seconds in (0, {PYSNMP_MAX_TIMEOUT}], got {timeout!r}"
            )
        if type(retries) is not int or not 0 <= retries <= PYSNMP_MAX_RETRIES:
            raise errors.ConfigurationError(
                f"retries: must be an int in 0..{PYSNMP_MAX_RETRIES}, got {retries!r}"
            )
        self._creds = creds
        self._engine_key = creds.engine_key()
        self._secrets = creds._secrets()
        self._context_name = creds.context.encode("utf-8")
        self._context_engine_id = creds.context_engine_id
        self._host = str(ip)
        self._port = port
        self._domain = _UDP6 if ip.version == 6 else _UDP
        self._timeout = float(timeout)
        self._retries = retries
        self._target_key: TargetKey = (
            self._domain,
            (self._host, port),
            max(1, round(timeout * 100)),
            retries,
        )
        # pysnmp may restart the retry budget after discovery reports (pysnmp.md 5).
        self._watchdog_delay = 2 * (self._timeout + _TIMER_TICK) * (retries + 1) + 1.0
        self._engine: _Engine | None = None
        self._target: _Target | None = None  # our target row, on self._target_engine
        self._target_engine: _Engine | None = None
        self._pending: dict[int, _Request] = {}
        self._closed = False

    def __repr__(self) -> str:
        """E.g. ``<V3Client authSHAUser@127.0.0.1:161 pending=0>`` (never any secret)."""
        state = " closed" if self._closed else ""
        return (
            f"<V3Client {self._creds.sec_name}@{self._host}:{self._port}"
            f" pending={len(self._pending)}{state}>"
        )

    @property
    def pending(self) -> int:
        """Requests of this client in flight (sent, ``done`` not yet scheduled)."""
        return len(self._pending)

    @property
    def closed(self) -> bool:
        """True after :meth:`close`."""
        return self._closed

    # -- sending --------------------------------------------------------------------------------

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: Callable[[PduResult], None],
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None:
        """Send one request PDU; ``done(PduResult)`` is called exactly once, later.

        Args:
            pdu_tag: ``ber.GET_REQUEST``, ``GET_NEXT_REQUEST``, ``GET_BULK_REQUEST`` or
                ``SET_REQUEST``.
            varbinds: ``(oid, tag, value)`` triples as the BER codec represents them (values
                of GET-type requests are normally ``(oid, ber.NULL, None)``).
            done: called (via ``loop.call_soon``) with the response, or with an error from
                :mod:`snmp_component.errors` when no response came.
            non_repeaters: GETBULK only.
            max_repetitions: GETBULK only.

        Raises:
            RuntimeError: no running event loop (``done`` will not be called).
        """
        loop = asyncio.get_running_loop()
        if self._closed:
            loop.call_soon(done, PduResult(errors.ShutdownError("the V3Client is closed")))
            return
        try:
            request_varbinds = self._prepare(pdu_tag, varbinds, non_repeaters, max_repetitions)
            engine = self._bind(loop)
        except errors.SNMPError as exc:
            loop.call_soon(done, PduResult(exc))
            return
        except Exception as exc:
            loop.call_soon(done, PduResult(self._exception_error(exc)))
            return
        request = _Request(
            self, engine, loop, done, pdu_tag, request_varbinds, non_repeaters, max_repetitions
        )
        self._pending[request.id] = request
        engine.submit(request)

    def _prepare(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        non_repeaters: int,
        max_repetitions: int,
    ) -> list[tuple[Any, Any]]:
        if pdu_tag not in _PDU_GENERATORS:
            raise errors.ConfigurationError(
                f"pdu_tag: {pdu_tag!r} is not GET, GETNEXT, GETBULK or SET"
            )
        if pdu_tag == ber.GET_BULK_REQUEST:
            for field, value in (
                ("non_repeaters", non_repeaters),
                ("max_repetitions", max_repetitions),
            ):
                if type(value) is not int or not 0 <= value <= 0x7FFFFFFF:
                    raise errors.ConfigurationError(
                        f"{field}: must be an int in 0..2147483647, got {value!r}"
                    )
        if isinstance(varbinds, str | bytes):
            raise errors.ConfigurationError("varbinds: expected a sequence of triples")
        return [_to_pysnmp(i, vb) for i, vb in enumerate(varbinds, 1)]

    def _bind(self, loop: asyncio.AbstractEventLoop) -> _Engine:
        """This client's engine in ``loop``, taken from the pool when needed."""
        engine = self._engine
        if engine is not None and (engine.loop is not loop or not engine.usable()):
            if engine.loop is not loop and not engine.loop.is_closed():
                raise errors.ConfigurationError(
                    "the V3Client is bound to another event loop that is still open"
                )
            self._unbind()
            engine = None
        if engine is None:
            engine = self._engine = _acquire(loop, self._engine_key)
        return engine

    def _unbind(self) -> None:
        engine, self._engine = self._engine, None
        target_engine, self._target_engine = self._target_engine, None
        target, self._target = self._target, None
        if target_engine is not None and target is not None:
            target_engine.release_target(target)
        if engine is not None:
            engine.release()

    def _transmit(self, request: _Request) -> None:
        """Hand ``request`` to pysnmp (its engine is built). Settles it on any exception."""
        if request.finished:
            return
        engine = request.engine
        try:
            target = self._target
            if target is None or self._target_engine is not engine:
                if target is not None and self._target_engine is not None:  # pragma: no cover
                    self._target_engine.release_target(target)  # (rebinding settles it first)
                self._target = self._target_engine = None
                target = self._target = engine.add_target(self._target_key)
                self._target_engine = engine
            else:
                engine.ensure_transport(self._domain)
        except Exception as exc:
            self._finish(request, PduResult(self._exception_error(exc)))
            return
        if not target.discovered:
            if target.probe is not None:  # another request is discovering: wait for it
                target.queue.append(request)
                return
            target.probe = request
            request.probe_of = target
        request.watchdog = request.loop.call_later(self._watchdog_delay, self._on_watchdog, request)
        generator = engine.generators[request.pdu_tag]
        try:
            if request.pdu_tag == ber.GET_BULK_REQUEST:
                generator.send_varbinds(
                    engine.snmp,
                    target.name,
                    self._context_engine_id,
                    self._context_name,
                    request.non_repeaters,
                    request.max_repetitions,
                    request.varbinds,
                    _on_pysnmp_response,
                    request,
                )
            else:
                generator.send_varbinds(
                    engine.snmp,
                    target.name,
                    self._context_engine_id,
                    self._context_name,
                    request.varbinds,
                    _on_pysnmp_response,
                    request,
                )
        except Exception as exc:
            self._finish(request, PduResult(self._exception_error(exc)))
            engine.usable()  # marks the engine broken if the exception killed its timer

    # -- completion -----------------------------------------------------------------------------

    def _finish(self, request: _Request, result: PduResult) -> None:
        """Settle ``request`` with ``result`` unless it is settled already."""
        if request.finished:
            return
        request.finished = True
        if request.watchdog is not None:
            request.watchdog.cancel()
        self._pending.pop(request.id, None)
        request.engine.pending.pop(request.id, None)
        try:
            request.loop.call_soon(request.done, result)
            if request.probe_of is not None:
                self._probe_settled(request, result)
        except RuntimeError:  # the loop is closed: nobody is left to tell
            pass

    def _probe_settled(self, probe: _Request, result: PduResult) -> None:
        """The first request to a target is settled: let the requests waiting for it go."""
        target = probe.probe_of
        assert target is not None
        probe.probe_of = None
        target.probe = None
        if result.error is None or isinstance(result.error, _AGENT_REPORTS):
            target.discovered = True  # the agent answered: pysnmp knows its engine ID now
        queue, target.queue = target.queue, []
        if queue:  # not from inside pysnmp's call stack
            probe.loop.call_soon(_release_queue, queue, result.error)

    def _on_watchdog(self, request: _Request) -> None:
        if request.finished:
            return
        # A dead timer task (H2) fails every request of the engine, this one included.
        request.engine.usable()
        self._finish(request, PduResult(self._timeout_error(request)))  # no-op if settled

    def _timeout_error(self, request: _Request) -> errors.SNMPTimeoutError:
        return errors.SNMPTimeoutError(
            "Timeout",
            attempts=self._retries + 1,
            elapsed=time.monotonic() - request.started,
        )

    def _indication_error(self, indication: Any, request: _Request) -> errors.SNMPError:
        """Our error for a pysnmp errorIndication."""
        name = _indication_name(indication)
        if name == "RequestTimedOut":
            return self._timeout_error(request)
        spec = _INDICATIONS.get(name)
        if spec is not None:
            cls, num, text = spec
            return cls(text, error_num=num)
        if name == "ReportPduReceived":  # a report OID pysnmp does not know (e.g. no context)
            detail = _scrub(str(indication), self._secrets)
            return errors.SNMPError(f"Unknown Report message ({detail})", error_num=-41)
        return errors.SNMPError(f"pysnmp error indication {_scrub(name, self._secrets)}")

    def _exception_error(self, exc: Exception) -> errors.SNMPError:
        """Our error for an exception raised by pysnmp while sending."""
        if isinstance(exc, _proto_error.StatusInformation):
            indication = exc.get("errorIndication")
            if indication:
                spec = _INDICATIONS.get(_indication_name(indication))
                if spec is not None:
                    cls, num, text = spec
                    return cls(text, error_num=num)
        text = _scrub(f"{type(exc).__name__}: {exc}", self._secrets)
        if isinstance(exc, _carrier_error.CarrierError):
            return errors.TransportError(f"Failure in sendto ({text})", error_num=-12)
        if isinstance(exc, _pysnmp_error.PySnmpError):
            return errors.SNMPError(f"pysnmp error: {text}")
        return errors.SNMPError(f"unexpected error in pysnmp: {text}")

    # -- closing --------------------------------------------------------------------------------

    def close(self) -> None:
        """Fail every pending request with ``ShutdownError`` and release the engine. Idempotent.

        The engine is closed when its last client closes, after its pending requests were
        settled. Call it from the event loop's thread.
        """
        if self._closed:
            return
        self._closed = True
        for request in list(self._pending.values()):
            self._finish(
                request,
                PduResult(errors.ShutdownError("the V3Client was closed before the answer")),
            )
        self._unbind()
