"""Compiling MIB texts with pysmi into the package's MIB data format.

Shared by ``scripts/compile_mibs.py`` (which makes the data file shipped in the package)
and :func:`snmp_component.names.add_mibs` (which compiles a user's own MIB modules at run
time, into a cache directory the user chooses). pysmi is imported only inside the
functions that compile, never when this module is imported, and :mod:`snmp_component`
itself never imports this module unless user MIBs are added.

The data format (``"format": 1``) is described in ``scripts/compile_mibs.py``;
:func:`build_data` makes it and :func:`encode` turns it into deterministic gzip'd JSON that
:func:`snmp_component._core.mibdata.load_index` reads.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = [
    "BASE_TYPES",
    "FORMAT",
    "KINDS",
    "ROOTS",
    "SMIV1_IMPORT",
    "SMIV1_SOURCES",
    "STUB_TEXTS",
    "TEXT_FIXES",
    "CompileError",
    "build_data",
    "compile_modules",
    "compile_texts",
    "encode",
    "fixed_text",
    "module_order",
]

FORMAT = 1

# module -> [(old, new)]: exact text replacements, each must match once.
TEXT_FIXES: Mapping[str, Sequence[tuple[str, str]]] = {
    # Uses Counter64 and Opaque without importing them (net-snmp does not mind; pysmi fails
    # with "Unknown parents for symbols: netSnmpPassCounter64, netSnmpPassInteger64").
    "NET-SNMP-PASS-MIB": [
        (
            "Counter32, Gauge32, Integer32     FROM SNMPv2-SMI",
            "Counter32, Gauge32, Integer32, Counter64, Opaque FROM SNMPv2-SMI",
        )
    ],
}

# SYNTAX base types (as pysmi's JSON spells them) -> net-snmp type names.
BASE_TYPES: Mapping[str, str] = {
    "INTEGER": "INTEGER",
    "Integer32": "INTEGER32",
    "OCTET STRING": "OCTETSTR",
    "OBJECT IDENTIFIER": "OBJECTID",
    "ObjectName": "OBJECTID",
    "NotificationName": "OBJECTID",
    "IpAddress": "IPADDR",
    "NetworkAddress": "IPADDR",
    "Counter32": "COUNTER",
    "Counter": "COUNTER",
    "Counter64": "COUNTER64",
    "Gauge32": "GAUGE",
    "Gauge": "GAUGE",
    "Unsigned32": "UNSIGNED32",
    "TimeTicks": "TICKS",
    "Opaque": "OPAQUE",
    "Bits": "BITS",
}

KINDS: Mapping[str, str | None] = {
    "objectidentity": None,
    "moduleidentity": "module",
    "notificationtype": "notification",
    "objectgroup": "group",
    "notificationgroup": "group",
    "modulecompliance": "compliance",
    "agentcapabilities": "capabilities",
}

# Modules importing from these are SMIv1 (as are these): they rank after every SMIv2 module.
SMIV1_SOURCES = frozenset({"RFC1155-SMI", "RFC-1212", "RFC-1215"})
SMIV1_IMPORT = re.compile(r"\bFROM\s+(?:RFC1155-SMI|RFC-1212|RFC-1215)\b")

ROOTS = (("ccitt", "0"), ("iso", "1"), ("joint-iso-ccitt", "2"))


class CompileError(Exception):
    """The MIB texts could not be turned into data (the message says why)."""


# -- compiling ------------------------------------------------------------------------------------


def compile_texts(mib_dir: Path) -> tuple[dict[str, dict[str, Any]], dict[str, str], set[str]]:
    """Compile every ``*.txt`` module of *mib_dir* with pysmi.

    Returns ``(compiled, problems, smiv1)``: the JSON document of each compiled module; for
    each module that did not compile (or was imported but not found) the reason; the names
    of the SMIv1 modules (pysmi's JSON rewrites their IMPORTS, so this is read from the text).
    """
    files = {path.stem: path for path in sorted(mib_dir.glob("*.txt"))}
    if not files:
        raise CompileError(f"no MIB texts (*.txt) in {mib_dir}")
    return compile_modules(files, list(files))


def compile_modules(
    sources: Mapping[str, Path],
    modules: Sequence[str],
    *,
    fallback: Mapping[str, str] | None = None,
    strict_fixes: bool = True,
) -> tuple[dict[str, dict[str, Any]], dict[str, str], set[str]]:
    """Compile *modules* (and every module they import) with pysmi.

    *sources* maps module names to the files holding their texts; an imported module that
    is not there is taken from *fallback* (module name -> text) if it has it. The texts get
    the :data:`TEXT_FIXES` (with ``strict_fixes=False`` a fix that does not apply to the
    given text is skipped instead of an error). Returns ``(compiled, problems, smiv1)`` as
    :func:`compile_texts`.
    """
    from pysmi.codegen.jsondoc import JsonCodeGen
    from pysmi.compiler import MibCompiler
    from pysmi.parser.dialect import smi_v1_relaxed
    from pysmi.parser.smi import parserFactory
    from pysmi.reader.callback import CallbackReader
    from pysmi.writer.callback import CallbackWriter

    smiv1: set[str] = set()
    spare = fallback or {}

    def read(mibname: str, _ctx: object) -> str:
        path = sources.get(mibname)
        if path is not None:
            text = path.read_text(encoding="utf-8", errors="replace")
            text = fixed_text(mibname, text, strict=strict_fixes)
        elif mibname in spare:
            text = spare[mibname]
        else:
            return ""  # pysmi reports it as missing
        if mibname in SMIV1_SOURCES or SMIV1_IMPORT.search(text):
            smiv1.add(mibname)
        return text

    documents: dict[str, str] = {}

    def write(mibname: str, data: str, _ctx: object) -> None:
        documents[mibname] = data

    compiler = MibCompiler(parserFactory(**smi_v1_relaxed)(), JsonCodeGen(), CallbackWriter(write))
    compiler.add_sources(CallbackReader(read))
    statuses = compiler.compile(*modules, rebuild=True, genTexts=False, ignoreErrors=True)

    compiled: dict[str, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    for module in sorted(statuses):
        status = statuses[module]
        if str(status) == "compiled" and module in documents:
            compiled[module] = json.loads(documents[module])
        else:
            why = getattr(status, "error", None)
            problems[module] = f"{status}: {why}" if why else str(status)
    return compiled, problems, smiv1 & set(compiled)


def fixed_text(module: str, text: str, *, strict: bool = True) -> str:
    """*text* with the :data:`TEXT_FIXES` of *module* applied.

    With ``strict`` a fix that does not match exactly once is a :class:`CompileError`
    (the shipped texts must stay in step with the fixes); otherwise it is skipped.
    """
    for old, new in TEXT_FIXES.get(module, ()):
        if text.count(old) != 1:
            if not strict:
                continue
            raise CompileError(f"{module}: fix no longer applies (expected once: {old!r})")
        text = text.replace(old, new)
    return text


# -- reducing -------------------------------------------------------------------------------------


class _Resolver:
    """Finds the definitions of types and objects across the compiled modules."""

    def __init__(self, compiled: Mapping[str, Mapping[str, Any]]) -> None:
        self.compiled = compiled
        self.imports: dict[str, dict[str, str]] = {}
        for module, doc in compiled.items():
            where: dict[str, str] = {}
            for source, names in (doc.get("imports") or {}).items():
                if source == "class":
                    continue
                for name in names:
                    where.setdefault(name, source)
            self.imports[module] = where

    def definition(self, module: str, name: str) -> tuple[str, dict[str, Any]] | None:
        """The ``(module, definition)`` that *name* refers to inside *module*."""
        seen: set[str] = set()
        while module not in seen:
            seen.add(module)
            doc = self.compiled.get(module)
            if doc is None:
                break
            found = _symbol(doc, name)
            if found is not None:
                return module, found
            source = self.imports.get(module, {}).get(name)
            if source is None:
                break
            module = source
        for other in sorted(self.compiled):  # last resort: any module defining it
            found = _symbol(self.compiled[other], name)
            if found is not None and found.get("class") in ("textualconvention", "type"):
                return other, found
        return None

    def syntax(self, module: str, syntax: Mapping[str, Any], where: str) -> dict[str, Any]:
        """net-snmp type, TC name, hint, named numbers and SIZE/range of a SYNTAX clause.

        The object's own constraint wins over its conventions' (it may only narrow them,
        RFC 2578 9 (3)); along a chain of conventions the nearest one wins.
        """
        name = syntax["type"]
        enums = _named_numbers(syntax)
        limits = _limits(syntax)
        tc: str | None = None
        hint: str | None = None
        seen: set[tuple[str, str]] = set()
        while name not in BASE_TYPES:
            found = self.definition(module, name)
            if found is None:
                raise CompileError(f"{where}: cannot resolve type {module}::{name}")
            module, definition = found
            if (module, name) in seen:
                raise CompileError(f"{where}: type loop at {module}::{name}")
            seen.add((module, name))
            if tc is None:
                tc = name
            if hint is None:
                hint = definition.get("displayhint") or None
            inner = definition.get("type") or {}
            if enums is None:
                enums = _named_numbers(inner)
            if limits is None:
                limits = _limits(inner)
            if "type" not in inner:
                raise CompileError(f"{where}: type {module}::{name} has no base type")
            name = inner["type"]
        return {"type": BASE_TYPES[name], "tc": tc, "hint": hint, "enums": enums,
                "limits": limits}  # fmt: skip


def _symbol(doc: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    found = doc.get(name)
    if found is None:
        found = doc.get(name.replace("-", "_"))  # pysmi's key for "mib-2" is "mib_2"
    if isinstance(found, dict) and found.get("name") == name:
        return found
    return None


def _named_numbers(syntax: Mapping[str, Any]) -> list[tuple[str, int]] | None:
    named = syntax.get("bits") or (syntax.get("constraints") or {}).get("enumeration")
    if not named:
        return None
    return sorted(((str(k), int(v)) for k, v in named.items()), key=lambda kv: (kv[1], kv[0]))


def _limits(syntax: Mapping[str, Any]) -> list[Any] | None:
    """``["size" | "range", [[min, max], ...]]`` of a SYNTAX's SIZE or range, or None."""
    constraints = syntax.get("constraints") or {}
    for kind in ("size", "range"):
        pairs = constraints.get(kind)
        if pairs:
            return [kind, [[int(p["min"]), int(p["max"])] for p in pairs]]
    return None


def module_order(modules: Iterable[str], smiv1: Iterable[str]) -> list[str]:
    """Module priority: SMIv2 modules alphabetically, then SMIv1 modules alphabetically."""
    late = set(smiv1)
    return sorted(modules, key=lambda m: (m in late, m))


def build_data(
    compiled: Mapping[str, Mapping[str, Any]], smiv1: Iterable[str], pysmi_version: str
) -> dict[str, Any]:
    """The data file's JSON object (see the module docstring) for the compiled modules."""
    resolver = _Resolver(compiled)
    modules = module_order(compiled, smiv1)
    mod_number = {module: i for i, module in enumerate(modules)}
    enum_tables: dict[tuple[tuple[str, int], ...], int] = {}
    records: list[tuple[int, tuple[int, ...], list[Any]]] = []

    if "SNMPv2-SMI" in mod_number:
        smi = mod_number["SNMPv2-SMI"]
        records.extend((smi, (int(oid),), [name, smi, oid]) for name, oid in ROOTS)

    for module in modules:
        doc = compiled[module]
        for definition in doc.values():
            if not isinstance(definition, dict) or "oid" not in definition:
                continue
            name = definition["name"]
            where = f"{module}::{name}"
            oid = tuple(int(arc) for arc in definition["oid"].split("."))
            cls = str(definition.get("class"))
            fields: dict[str, Any] = {}
            if cls == "objecttype":
                fields["kind"] = definition["nodetype"]
                fields["access"] = definition.get("maxaccess")
                if "syntax" in definition:
                    fields.update(resolver.syntax(module, definition["syntax"], where))
                fields["units"] = definition.get("units")
                if "indices" in definition or "augmention" in definition:
                    fields.update(_row_index(resolver, module, definition, where))
            elif cls in KINDS:
                fields["kind"] = KINDS[cls]
            else:
                raise CompileError(f"{where}: unexpected definition class {cls!r}")
            enums = fields.get("enums")
            record = [
                name,
                mod_number[module],
                ".".join(map(str, oid)),
                fields.get("kind"),
                fields.get("type"),
                fields.get("access"),
                fields.get("tc"),
                fields.get("hint"),
                tuple(enums) if enums else None,  # numbered below, in node order
                fields.get("indexes"),
                1 if fields.get("implied") else None,
                fields.get("augments"),
                fields.get("units"),
                fields.get("limits"),
            ]
            while record[-1] is None:
                record.pop()
            records.append((mod_number[module], oid, record))

    records.sort(key=lambda r: (r[0], r[1], r[2][0]))
    for _, _, record in records:
        if len(record) > 8 and record[8] is not None:
            record[8] = enum_tables.setdefault(record[8], len(enum_tables))
    return {
        "format": FORMAT,
        "pysmi": pysmi_version,
        "modules": modules,
        "enums": [[list(item) for item in table] for table in enum_tables],
        "nodes": [record for _, _, record in records],
    }


def _row_index(
    resolver: _Resolver,
    module: str,
    row: Mapping[str, Any],
    where: str,
) -> dict[str, Any]:
    augmented = row.get("augmention")
    base = row
    if augmented:
        found = resolver.definition(module, augmented["object"])
        if found is None or found[1].get("nodetype") != "row":
            raise CompileError(f"{where}: AUGMENTS {augmented['object']} is not a known row")
        base = found[1]
    indices = base.get("indices") or []
    if not indices:
        raise CompileError(f"{where}: a row without INDEX or AUGMENTS")
    return {
        "indexes": [index["object"] for index in indices],
        "implied": bool(indices[-1].get("implied")),
        "augments": augmented["object"] if augmented else None,
    }


def encode(data: Mapping[str, Any]) -> bytes:
    """The data as deterministic gzip'd JSON."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return gzip.compress(text.encode("ascii") + b"\n", compresslevel=9, mtime=0)


# -- minimal base modules -------------------------------------------------------------------------


def _tc(name: str, syntax: str, hint: str | None = None) -> str:
    display = f'    DISPLAY-HINT "{hint}"\n' if hint else ""
    return (
        f"{name} ::= TEXTUAL-CONVENTION\n{display}"
        f'    STATUS current\n    DESCRIPTION ""\n    SYNTAX {syntax}\n'
    )


_SMI_NODES = """
org            OBJECT IDENTIFIER ::= { iso 3 }
dod            OBJECT IDENTIFIER ::= { org 6 }
internet       OBJECT IDENTIFIER ::= { dod 1 }
directory      OBJECT IDENTIFIER ::= { internet 1 }
mgmt           OBJECT IDENTIFIER ::= { internet 2 }
experimental   OBJECT IDENTIFIER ::= { internet 3 }
private        OBJECT IDENTIFIER ::= { internet 4 }
enterprises    OBJECT IDENTIFIER ::= { private 1 }
"""

STUB_TEXTS: Mapping[str, str] = {
    "SNMPv2-SMI": "SNMPv2-SMI DEFINITIONS ::= BEGIN\n"
    + _SMI_NODES
    + """
mib-2          OBJECT IDENTIFIER ::= { mgmt 1 }
transmission   OBJECT IDENTIFIER ::= { mib-2 10 }
security       OBJECT IDENTIFIER ::= { internet 5 }
snmpV2         OBJECT IDENTIFIER ::= { internet 6 }
snmpDomains    OBJECT IDENTIFIER ::= { snmpV2 1 }
snmpProxys     OBJECT IDENTIFIER ::= { snmpV2 2 }
snmpModules    OBJECT IDENTIFIER ::= { snmpV2 3 }
zeroDotZero    OBJECT IDENTIFIER ::= { 0 0 }
ObjectName ::= OBJECT IDENTIFIER
NotificationName ::= OBJECT IDENTIFIER
Integer32 ::= INTEGER (-2147483648..2147483647)
IpAddress ::= [APPLICATION 0] IMPLICIT OCTET STRING (SIZE (4))
Counter32 ::= [APPLICATION 1] IMPLICIT INTEGER (0..4294967295)
Gauge32 ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
Unsigned32 ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
TimeTicks ::= [APPLICATION 3] IMPLICIT INTEGER (0..4294967295)
Opaque ::= [APPLICATION 4] IMPLICIT OCTET STRING
Counter64 ::= [APPLICATION 6] IMPLICIT INTEGER (0..18446744073709551615)
END
""",
    "SNMPv2-TC": "SNMPv2-TC DEFINITIONS ::= BEGIN\nIMPORTS TimeTicks FROM SNMPv2-SMI;\n"
    + "".join(
        _tc(*spec)
        for spec in (
            ("DisplayString", "OCTET STRING (SIZE (0..255))", "255a"),
            ("PhysAddress", "OCTET STRING", "1x:"),
            ("MacAddress", "OCTET STRING (SIZE (6))", "1x:"),
            ("TruthValue", "INTEGER { true(1), false(2) }"),
            ("TestAndIncr", "INTEGER (0..2147483647)"),
            ("AutonomousType", "OBJECT IDENTIFIER"),
            ("InstancePointer", "OBJECT IDENTIFIER"),
            ("VariablePointer", "OBJECT IDENTIFIER"),
            ("RowPointer", "OBJECT IDENTIFIER"),
            (
                "RowStatus",
                "INTEGER { active(1), notInService(2), notReady(3), createAndGo(4), "
                "createAndWait(5), destroy(6) }",
            ),
            ("TimeStamp", "TimeTicks"),
            ("TimeInterval", "INTEGER (0..2147483647)"),
            ("DateAndTime", "OCTET STRING (SIZE (8 | 11))", "2d-1d-1d,1d:1d:1d.1d,1a1d:1d"),
            (
                "StorageType",
                "INTEGER { other(1), volatile(2), nonVolatile(3), permanent(4), readOnly(5) }",
            ),
            ("TDomain", "OBJECT IDENTIFIER"),
            ("TAddress", "OCTET STRING (SIZE (1..255))"),
        )
    )
    + "END\n",
    "SNMPv2-CONF": "SNMPv2-CONF DEFINITIONS ::= BEGIN\nEND\n",
    "RFC1155-SMI": "RFC1155-SMI DEFINITIONS ::= BEGIN\n"
    + _SMI_NODES
    + """
ObjectName ::= OBJECT IDENTIFIER
NetworkAddress ::= IpAddress
IpAddress ::= [APPLICATION 0] IMPLICIT OCTET STRING (SIZE (4))
Counter ::= [APPLICATION 1] IMPLICIT INTEGER (0..4294967295)
Gauge ::= [APPLICATION 2] IMPLICIT INTEGER (0..4294967295)
TimeTicks ::= [APPLICATION 3] IMPLICIT INTEGER (0..4294967295)
Opaque ::= [APPLICATION 4] IMPLICIT OCTET STRING
END
""",
    "RFC-1212": "RFC-1212 DEFINITIONS ::= BEGIN\nEND\n",
    "RFC-1215": "RFC-1215 DEFINITIONS ::= BEGIN\nEND\n",
}
"""Minimal texts of the SMI base modules (their OID tree, types and textual conventions,
without the MACRO definitions), used for an imported base module that is not among the
user's MIB directories: Debian's net-snmp MIB directory, for one, lacks them."""
