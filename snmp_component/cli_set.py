"""``snmpc set``: snmpset's ``OID TYPE VALUE`` triples, read as net-snmp 5.9's
``apps/snmpset.c`` reads them; each value as ``snmp_add_var`` reads it
(:mod:`~snmp_component.cli_values`).

snmpset first looks at the type letter of every triple (the first wrong one ends the
command); then it resolves each OID and converts each value, reporting every triple that
fails, one line each; nothing is sent unless all of them are right. The values it sends
are the ones it would send, already converted (ints, bytes, OID tuples), so the component
has nothing left to interpret.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence

from ._core import ber
from ._core.oid import format_oid
from ._core.pdu import Oid
from .cli_values import AddVarError, add_var, log_once, read_oid
from .varbind import Varbind

__all__ = ["SetError", "set_varbinds"]

MAX_CMDLINE_OIDS = 128
"""net-snmp's ``SNMP_MAX_CMDLINE_OIDS``: the most triples one snmpset takes."""

_LETTERS = frozenset("=iu3taosxdbnIUFD")
"""The type letters snmpset takes (its ``switch (*argv[arg])``; ``c`` and ``C`` are not
among them, so ``=`` is the only way to a Counter32 or Counter64)."""

_SET_TYPES = {ber.INTEGER: "INTEGER", ber.GAUGE32: "UNSIGNED32", ber.COUNTER32: "COUNTER",
              ber.TIMETICKS: "TICKS", ber.COUNTER64: "COUNTER64", ber.IPADDRESS: "IPADDR",
              ber.OBJECT_IDENTIFIER: "OBJECTID", ber.OCTET_STRING: "OCTETSTR",
              ber.NULL: "NULL", ber.OPAQUE: "OPAQUE"}  # fmt: skip
"""The component's type name of each tag snmp_add_var gives."""


class SetError(Exception):
    """A bad ``OID TYPE VALUE`` triple, in snmpset's words (one line per failed triple)."""


def set_varbinds(
    words: Sequence[str],
    resolve: Callable[[str], str],
    warn: Callable[[str], None] | None = None,
) -> list[Varbind]:
    """``OID TYPE VALUE ...`` as snmpset reads them: the varbinds to send, ``resolve``
    turning each OID word into the numeric OID to send (raising, with snmpset's line as
    its message, for a name that does not resolve; it reads OBJECT IDENTIFIER values
    too). ``warn`` gets what net-snmp logs and goes on with (``truncating integer value >
    32 bits``, once); default: standard error.

    Raises:
        SetError: a missing type or value, a bad type letter (the first one), or every
            triple whose OID or value is wrong (snmpset's lines, in order; a warning
            logged before an error is among them, where net-snmp prints it).
    """
    if not words:
        raise SetError("Missing object name")
    if len(words) > 3 * MAX_CMDLINE_OIDS:
        raise SetError(
            f"Too many assignments specified. Only {MAX_CMDLINE_OIDS} allowed in one request."
        )
    for k in range(0, len(words), 3):
        oid = words[k]
        if k + 1 >= len(words):
            raise SetError(f"{oid}: Needs type and value")
        if words[k + 1][:1] not in _LETTERS:
            raise SetError(f"{oid}: Bad object type: {words[k + 1][:1] or chr(0)}")
        if k + 2 >= len(words):
            raise SetError(f"{oid}: Needs value")
    lines: list[str] = []
    failed = False
    log = log_once(lines.append)
    varbinds = []

    def oid_of(word: str) -> Oid:
        return read_oid(word, resolve)

    for k in range(0, len(words), 3):
        label, letter, value = words[k : k + 3]
        try:
            target, tag, raw = add_var(label, oid_of(label), letter[0], value, log, oid_of)
        except AddVarError as exc:
            lines.append(str(exc))
            failed = True
            continue
        varbinds.append(Varbind(format_oid(target), "", raw, _SET_TYPES[tag]))
    if failed:
        raise SetError("\n".join(lines))
    for line in lines:
        (warn or _stderr)(line)
    return varbinds


def _stderr(line: str) -> None:
    print(line, file=sys.stderr)
