#!/usr/bin/env python3
"""Compile MIB texts into the package's committed MIB data file (a development-time tool).

    python scripts/compile_mibs.py [--mibs DIR] [--out FILE] [--quiet]

Every ``*.txt`` module of ``--mibs`` (default: ``../shared/mibs`` beside the repository) is
compiled with pysmi's JSON code generator; the JSON is reduced to what the component needs
for each named node and written, as gzip'd JSON, to ``--out`` (default:
``snmp_component/mibs/index.json.gz``). The package reads that file at run time
(:mod:`snmp_component._core.mibdata`) and never needs pysmi or the MIB texts.

The output is deterministic (sorted, no timestamps, gzip mtime 0): regenerating from the same
texts with the same pysmi gives the same bytes, and ``tests/core/test_mibdata.py`` checks
that the committed file is exactly what this script produces.

Data format (``"format": 1``), one JSON object:

* ``modules``: module names in priority order: SMIv2 modules alphabetically, then SMIv1 ones
  (RFC1155-SMI, RFC1213-MIB...). Where two modules name the same OID or use the same name,
  the earlier module's node comes first and wins bare-name and OID lookups (IF-MIB's
  ``ifIndex`` over RFC1213-MIB's, NET-SNMP-TC's ``linux`` over UCD-SNMP-MIB's, as net-snmp).
* ``enums``: the distinct named-number lists, each ``[[label, value], ...]`` in value order
  (enumerated INTEGERs and BITS), referred to by position from the nodes.
* ``nodes``: one array per (module, named OID), in module priority order then OID order::

    [name, module#, oid, kind, type, access, tc, hint, enums#, indexes, implied,
     augments, units]

  trailing nulls dropped. ``kind`` is ``scalar``/``column``/``table``/``row`` for
  OBJECT-TYPEs, ``notification``, ``group``, ``compliance``, ``capabilities`` or ``module``
  for the other macros, null for plain OBJECT IDENTIFIER / OBJECT-IDENTITY nodes.
  ``type`` is net-snmp's type name of the SYNTAX (``INTEGER``, ``INTEGER32``, ``OCTETSTR``,
  ``OBJECTID``, ``IPADDR``, ``COUNTER``, ``COUNTER64``, ``GAUGE``, ``UNSIGNED32``, ``TICKS``,
  ``OPAQUE``, ``BITS``), textual conventions resolved to their base type. ``tc`` is the
  textual convention named by the SYNTAX, ``hint`` its DISPLAY-HINT (the first one along a
  chain of conventions). ``indexes`` are the names of a row's INDEX objects (for an
  AUGMENTS row: those of the augmented row, which ``augments`` names); ``implied`` is 1 when
  the last index is IMPLIED.

Besides the modules' own nodes the data holds net-snmp's three roots ``ccitt(0)``,
``iso(1)`` and ``joint-iso-ccitt(2)`` (as SNMPv2-SMI nodes: pysmi treats them as built in).

Known fixes applied to the texts before compiling (see :data:`TEXT_FIXES`): they repair
errors that net-snmp's lenient parser ignores but pysmi rejects.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_MIBS = ROOT.parent / "shared" / "mibs"
DEFAULT_OUT = ROOT / "snmp_component" / "mibs" / "index.json.gz"

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
    from pysmi.codegen.jsondoc import JsonCodeGen
    from pysmi.compiler import MibCompiler
    from pysmi.parser.dialect import smi_v1_relaxed
    from pysmi.parser.smi import parserFactory
    from pysmi.reader.callback import CallbackReader
    from pysmi.writer.callback import CallbackWriter

    files = {path.stem: path for path in sorted(mib_dir.glob("*.txt"))}
    if not files:
        raise CompileError(f"no MIB texts (*.txt) in {mib_dir}")

    smiv1: set[str] = set()

    def read(mibname: str, _ctx: object) -> str:
        path = files.get(mibname)
        if path is None:
            return ""  # pysmi reports it as missing
        text = fixed_text(mibname, path.read_text(encoding="utf-8", errors="replace"))
        if mibname in SMIV1_SOURCES or SMIV1_IMPORT.search(text):
            smiv1.add(mibname)
        return text

    documents: dict[str, str] = {}

    def write(mibname: str, data: str, _ctx: object) -> None:
        documents[mibname] = data

    compiler = MibCompiler(parserFactory(**smi_v1_relaxed)(), JsonCodeGen(), CallbackWriter(write))
    compiler.add_sources(CallbackReader(read))
    statuses = compiler.compile(*files, rebuild=True, genTexts=False, ignoreErrors=True)

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


def fixed_text(module: str, text: str) -> str:
    """*text* with the :data:`TEXT_FIXES` of *module* applied."""
    for old, new in TEXT_FIXES.get(module, ()):
        if text.count(old) != 1:
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
        """net-snmp type, TC name, hint and named numbers of a SYNTAX clause."""
        name = syntax["type"]
        enums = _named_numbers(syntax)
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
            if "type" not in inner:
                raise CompileError(f"{where}: type {module}::{name} has no base type")
            name = inner["type"]
        return {"type": BASE_TYPES[name], "tc": tc, "hint": hint, "enums": enums}


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


# -- command line ---------------------------------------------------------------------------------


def generate(mib_dir: Path, *, log: Any = None) -> tuple[bytes, dict[str, Any]]:
    """Compile *mib_dir* and return ``(file bytes, data)``; *log* (a callable) gets a report."""
    import pysmi

    compiled, problems, smiv1 = compile_texts(mib_dir)
    data = build_data(compiled, smiv1, str(pysmi.__version__))
    if log is not None:
        _report(log, mib_dir, compiled, problems, data)
    return encode(data), data


def _report(
    log: Any,
    mib_dir: Path,
    compiled: Mapping[str, Any],
    problems: Mapping[str, str],
    data: Mapping[str, Any],
) -> None:
    texts = sorted(path.stem for path in mib_dir.glob("*.txt"))
    log(f"compiled {len(compiled)} of {len(texts)} MIB texts in {mib_dir}:")
    for line in _columns(sorted(compiled)):
        log(f"  {line}")
    fixed = sorted(set(TEXT_FIXES) & set(compiled))
    if fixed:
        log(f"compiled after fixing the text (see TEXT_FIXES): {', '.join(fixed)}")
    failed = {m: why for m, why in problems.items() if m in texts}
    missing = {m: why for m, why in problems.items() if m not in texts}
    if failed:
        log(f"FAILED ({len(failed)}):")
        for module, why in failed.items():
            log(f"  {module}: {why}")
    if missing:
        log("imported but not among the texts (pysmi knows them as built-in SMI macros):")
        for module, why in missing.items():
            log(f"  {module}: {why}")
    nodes = data["nodes"]
    typed = sum(1 for node in nodes if len(node) > 4 and node[4] is not None)
    log(
        f"{len(nodes)} nodes ({typed} scalars/columns), {len(data['modules'])} modules, "
        f"{len(data['enums'])} enum tables"
    )


def _columns(words: Iterable[str], width: int = 96) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mibs", type=Path, default=DEFAULT_MIBS, help="MIB texts directory")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="data file to write")
    parser.add_argument("--quiet", action="store_true", help="print nothing but errors")
    args = parser.parse_args(argv)
    log = None if args.quiet else print
    try:
        blob, _ = generate(args.mibs, log=log)
    except CompileError as exc:
        print(f"compile_mibs: {exc}", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    old = args.out.read_bytes() if args.out.exists() else None
    args.out.write_bytes(blob)
    if log is not None:
        state = "unchanged" if old == blob else "written"
        log(f"{args.out}: {len(blob)} bytes, {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
