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
     augments, units, limits]

  trailing nulls dropped. ``kind`` is ``scalar``/``column``/``table``/``row`` for
  OBJECT-TYPEs, ``notification``, ``group``, ``compliance``, ``capabilities`` or ``module``
  for the other macros, null for plain OBJECT IDENTIFIER / OBJECT-IDENTITY nodes.
  ``type`` is net-snmp's type name of the SYNTAX (``INTEGER``, ``INTEGER32``, ``OCTETSTR``,
  ``OBJECTID``, ``IPADDR``, ``COUNTER``, ``COUNTER64``, ``GAUGE``, ``UNSIGNED32``, ``TICKS``,
  ``OPAQUE``, ``BITS``), textual conventions resolved to their base type. ``tc`` is the
  textual convention named by the SYNTAX, ``hint`` its DISPLAY-HINT (the first one along a
  chain of conventions). ``indexes`` are the names of a row's INDEX objects (for an
  AUGMENTS row: those of the augmented row, which ``augments`` names); ``implied`` is 1 when
  the last index is IMPLIED. ``limits`` is the SYNTAX's SIZE or range as
  ``["size" | "range", [[min, max], ...]]`` (the object's own, else its nearest convention's).

Besides the modules' own nodes the data holds net-snmp's three roots ``ccitt(0)``,
``iso(1)`` and ``joint-iso-ccitt(2)`` (as SNMPv2-SMI nodes: pysmi treats them as built in).

Known fixes applied to the texts before compiling (see :data:`TEXT_FIXES`): they repair
errors that net-snmp's lenient parser ignores but pysmi rejects.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run from a checkout without installing the package

# The compiling and reducing logic lives in the package (names.add_mibs uses it too).
from snmp_component._pysmi_compile import (  # noqa: E402
    FORMAT,
    TEXT_FIXES,
    CompileError,
    build_data,
    compile_texts,
    encode,
)

__all__ = ["FORMAT", "CompileError", "build_data", "compile_texts", "encode", "generate", "main"]

DEFAULT_MIBS = ROOT.parent / "shared" / "mibs"
DEFAULT_OUT = ROOT / "snmp_component" / "mibs" / "index.json.gz"


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
