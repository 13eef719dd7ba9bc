"""Load MIB modules with pysnmp once and extract a plain-data :class:`MibIndex`.

Only loading happens here; every lookup afterwards is served by the pure
:mod:`snmp_component._core.mibindex` without pysnmp.

The loader is a bare :class:`pysnmp.smi.builder.MibBuilder` with explicit sources (pysnmp's
shipped modules, then the *extra_sources* directories of precompiled pysnmp ``.py`` modules).
No MIB compiler is attached, so nothing is compiled and nothing is written to ``~/.pysnmp``;
``PYSNMP_MIB_DIRS``/``PYSNMP_MIB_PKGS`` and an installed ``pysnmp_mibs`` package are ignored.

Types follow net-snmp's MIB parser (the ``type`` of ``SNMP::Varbind`` for a MIB object):
a textual convention maps to its base type, an INTEGER with named numbers to ``INTEGER``.
pysmi compiles both ``INTEGER`` and ``Integer32`` to ``Integer32``, so the distinction is
recovered heuristically: ``INTEGER32`` unless the module is SMIv1 (no MODULE-IDENTITY), the
textual convention is one of the INTEGER-based ones in :data:`_INTEGER_TCS`, or the object
is one of the plain ``INTEGER (lo..hi)`` objects of the shipped modules (:data:`_INTEGER_OBJECTS`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator, Sequence
from typing import Any

from pyasn1.type import univ
from pysnmp.proto import rfc1155, rfc1902
from pysnmp.smi import builder

from .._core.mibindex import MibIndex, MibNode

__all__ = ["DEFAULT_MODULES", "build_index", "default_index"]

DEFAULT_MODULES: tuple[str, ...] = (
    # Order matters only where two modules define the same name or OID: the earlier wins
    # (SNMPv2-SMI's mib-2 over RFC1213-MIB's copy).
    "SNMPv2-SMI",
    "SNMPv2-TC",
    "SNMPv2-CONF",
    "SNMPv2-MIB",
    "SNMPv2-TM",
    "SNMP-FRAMEWORK-MIB",
    "SNMP-MPD-MIB",
    "SNMP-TARGET-MIB",
    "SNMP-NOTIFICATION-MIB",
    "SNMP-PROXY-MIB",
    "SNMP-USER-BASED-SM-MIB",
    "SNMP-USER-BASED-SM-3DES-MIB",
    "SNMP-USM-AES-MIB",
    "SNMP-USM-DH-OBJECTS-MIB",
    "SNMP-USM-HMAC-SHA2-MIB",
    "SNMP-VIEW-BASED-ACM-MIB",
    "SNMP-COMMUNITY-MIB",
    "INET-ADDRESS-MIB",
    "TRANSPORT-ADDRESS-MIB",
    "RFC1213-MIB",
    "RFC1158-MIB",
    "PYSNMP-MIB",
    "PYSNMP-SOURCE-MIB",
    "PYSNMP-USM-MIB",
    "ASN1",
    "ASN1-ENUMERATION",
    "ASN1-REFINEMENT",
)
"""All 27 MIB modules pysnmp 7.1.30 ships in ``pysnmp/smi/mibs``; each loads cleanly.

There is no IF-MIB, IP-MIB or HOST-RESOURCES-MIB among them, and the shipped RFC1213-MIB
lacks the system and interfaces groups (it has at, ip, icmp, tcp, udp, egp, ...).
"""

# Textual conventions whose SYNTAX is a plain INTEGER (range, no enums) in the IETF/net-snmp
# MIB texts; net-snmp types their objects INTEGER. (Integer32-based ones need no entry.)
_INTEGER_TCS = frozenset(
    {"TestAndIncr", "TimeInterval", "SnmpSecurityModel", "SnmpMessageProcessingModel"}
)

# SMIv2 objects of the shipped modules declared "INTEGER (lo..hi)" (pysmi made them Integer32).
_INTEGER_OBJECTS = frozenset(
    {
        ("SNMPv2-MIB", "sysServices"),
        ("SNMPv2-MIB", "sysORIndex"),
        ("SNMP-FRAMEWORK-MIB", "snmpEngineBoots"),
        ("SNMP-FRAMEWORK-MIB", "snmpEngineTime"),
        ("SNMP-FRAMEWORK-MIB", "snmpEngineMaxMessageSize"),
    }
)

# Older pysmi/pysnmp-mibs output spells MAX-ACCESS without hyphens.
_ACCESS = {
    "readonly": "read-only",
    "readwrite": "read-write",
    "readcreate": "read-create",
    "writeonly": "write-only",
    "noaccess": "not-accessible",
    "notifyonly": "accessible-for-notify",
}

_SHIPPED_SOURCE = "pysnmp.smi.mibs"

_default: MibIndex | None = None
_default_lock = threading.Lock()


def build_index(
    modules: Sequence[str] = DEFAULT_MODULES, *, extra_sources: Sequence[str] = ()
) -> MibIndex:
    """Load *modules* (and what they import) and return their :class:`MibIndex`.

    *extra_sources* are directories of precompiled pysnmp MIB modules (``IF-MIB.py``...),
    searched after pysnmp's shipped modules. Nodes of *modules* come first, in the order
    given, then those of modules loaded as dependencies, so the earlier module wins a name
    or OID that two modules define.

    Raises :class:`LookupError` naming the module when one cannot be found or loaded.
    """
    mib_builder = builder.MibBuilder()
    mib_builder.set_mib_sources(
        builder.ZipMibSource(_SHIPPED_SOURCE),
        *(builder.DirMibSource(str(path)) for path in extra_sources),
    )
    with warnings.catch_warnings():
        # pysnmp-mibs-era modules call deprecated camelCase builder methods.
        warnings.simplefilter("ignore", DeprecationWarning)
        for module in modules:
            try:
                mib_builder.load_modules(module)
            except Exception as exc:  # pysnmp raises MibNotFoundError / MibLoadError
                raise LookupError(f"cannot load MIB module {module!r}: {exc}") from exc
    loaded: dict[str, dict[str, Any]] = mib_builder.mibSymbols
    order = list(dict.fromkeys([m for m in modules if m in loaded] + list(loaded)))
    return MibIndex(_extract(mib_builder, order))


def default_index() -> MibIndex:
    """The process-wide index of :data:`DEFAULT_MODULES`, built on first use (~0.2 s)."""
    global _default
    index = _default
    if index is None:
        with _default_lock:
            index = _default
            if index is None:
                index = _default = build_index()
    return index


# -- extraction ---------------------------------------------------------------------------------


def _extract(mib_builder: Any, order: Sequence[str]) -> Iterator[MibNode]:
    smi = mib_builder.mibSymbols["SNMPv2-SMI"]
    mib_node_cls = smi["MibNode"]
    leaf_classes = (smi["MibScalar"], smi["MibTableColumn"])
    object_type_classes = (*leaf_classes, smi["MibTable"], smi["MibTableRow"])
    instance_cls = smi["MibScalarInstance"]
    module_identity_cls = smi["ModuleIdentity"]

    for module in order:
        symbols = mib_builder.mibSymbols[module]
        objs = [
            (key, obj)
            for key, obj in symbols.items()
            if isinstance(obj, mib_node_cls) and not isinstance(obj, instance_cls)
        ]
        smiv1 = any(isinstance(obj, leaf_classes) for _, obj in objs) and not any(
            isinstance(obj, module_identity_cls) for _, obj in objs
        )
        # Typed/accessible nodes first, so they win an OID two symbols of a module share.
        objs.sort(key=lambda item: not isinstance(item[1], object_type_classes))
        for key, obj in objs:
            if key == "PYSNMP_MODULE_ID":  # an alias of the module's MODULE-IDENTITY node
                continue
            oid = tuple(int(arc) for arc in obj.getName())
            if not oid:
                continue
            name = key
            mib_type: str | None = None
            enums: dict[str, int] | None = None
            if isinstance(obj, leaf_classes):
                syntax = obj.getSyntax()
                mib_type = _netsnmp_type(syntax, module, name, smiv1)
                named = getattr(syntax, "namedValues", None)
                if named and mib_type in ("INTEGER", "BITS"):
                    enums = {str(label): int(value) for label, value in named.items()}
            access = None
            if isinstance(obj, object_type_classes):
                raw = str(obj.getMaxAccess())
                access = _ACCESS.get(raw, raw if raw in _ACCESS.values() else None)
            yield MibNode(name, module, oid, mib_type, enums, access)


def _netsnmp_type(syntax: object, module: str, name: str, smiv1: bool) -> str | None:
    """net-snmp's MIB type name for a SYNTAX instance (by base class, as net-snmp resolves TCs)."""
    if syntax is None:
        return None
    if isinstance(syntax, rfc1902.IpAddress | rfc1155.NetworkAddress):
        return "IPADDR"
    if isinstance(syntax, rfc1902.Bits):
        return "BITS"
    if isinstance(syntax, rfc1902.Opaque):
        return "OPAQUE"
    if isinstance(syntax, univ.OctetString):
        return "OCTETSTR"
    if isinstance(syntax, univ.ObjectIdentifier):
        return "OBJECTID"
    if isinstance(syntax, rfc1902.Counter64):
        return "COUNTER64"
    if isinstance(syntax, rfc1902.Counter32):
        return "COUNTER"
    if isinstance(syntax, rfc1902.Gauge32):
        return "GAUGE"
    if isinstance(syntax, rfc1902.Unsigned32):
        return "UNSIGNED32"
    if isinstance(syntax, rfc1902.TimeTicks):
        return "TICKS"
    if isinstance(syntax, univ.Integer):
        if (
            getattr(syntax, "namedValues", None)
            or not isinstance(syntax, rfc1902.Integer32)
            or isinstance(syntax, rfc1902.Integer)
            or smiv1
            or (module, name) in _INTEGER_OBJECTS
            or any(cls.__name__ in _INTEGER_TCS for cls in type(syntax).__mro__)
        ):
            return "INTEGER"
        return "INTEGER32"
    return None
