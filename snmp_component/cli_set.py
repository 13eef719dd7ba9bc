"""``snmpc set``: snmpset's ``OID TYPE VALUE`` triples (net-snmp 5.9's ``apps/snmpset.c``
and ``snmp_add_var``): the type letters, the values they take, and the checks against the
object's MIB type that snmpset makes before anything is sent."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from . import names
from ._core.oid import parse_oid
from ._core.pdu import Oid
from .varbind import Varbind

__all__ = ["SetError", "set_varbinds"]


class SetError(Exception):
    """A bad ``OID TYPE VALUE`` triple, in snmpset's words."""


# snmpset's one-letter types -> the component's type names ("=" / None: from the MIB).
_SET_TYPES = {
    "i": "INTEGER",
    "u": "UNSIGNED32",
    "t": "TICKS",
    "a": "IPADDR",
    "o": "OBJECTID",
    "s": "OCTETSTR",
    "x": "OCTETSTR",
    "d": "OCTETSTR",
    "n": "NULL",
    "c": "COUNTER",
    "C": "COUNTER64",
    "b": "BITS",
    "=": None,
}
# snmpset's client-side check: the MIB types each letter may be used for, and net-snmp's
# names of the types in "Bad variable type (Type of attribute is X, not Y)".
_LETTER_FITS = {
    "i": frozenset({"INTEGER", "INTEGER32"}),
    "u": frozenset({"GAUGE", "UNSIGNED32"}),
    "t": frozenset({"TICKS"}),
    "a": frozenset({"IPADDR"}),
    "o": frozenset({"OBJECTID"}),
    "s": frozenset({"OCTETSTR", "BITS"}),
    "x": frozenset({"OCTETSTR", "BITS"}),
    "d": frozenset({"OCTETSTR", "BITS"}),
    "b": frozenset({"BITS"}),
    "c": frozenset({"COUNTER"}),
    "C": frozenset({"COUNTER64"}),
}
_LETTER_TYPE_NAME = {
    "i": "INTEGER",
    "u": "Unsigned32",
    "t": "Timeticks",
    "a": "IpAddress",
    "o": "OBJECT IDENTIFIER",
    "s": "OCTET STRING",
    "x": "OCTET STRING",
    "d": "OCTET STRING",
}
_MIB_TYPE_NAME = {
    "INTEGER": "INTEGER",
    "INTEGER32": "INTEGER",
    "OCTETSTR": "OCTET STRING",
    "OBJECTID": "OBJECT IDENTIFIER",
    "IPADDR": "IpAddress",
    "COUNTER": "Counter32",
    "GAUGE": "Gauge32",
    "UNSIGNED32": "Unsigned32",
    "TICKS": "Timeticks",
    "COUNTER64": "Counter64",
    "BITS": "BITS",
    "OPAQUE": "Opaque",
}
_INT_TYPES = frozenset({"INTEGER", "INTEGER32", "UNSIGNED32", "GAUGE", "COUNTER", "TICKS"})


def set_varbinds(words: Sequence[str], resolve: Callable[[str], str]) -> list[Varbind]:
    """``OID TYPE VALUE ...`` as snmpset reads them: the varbinds to send, ``resolve``
    turning each OID word into the numeric OID to send (raising what it raises for an
    unknown name).

    Raises:
        SetError: a missing type or value, a bad type letter or value, or a letter that
            does not fit the object's MIB type (snmpset's messages).
    """
    if not words:
        raise SetError("Missing object name")
    varbinds = []
    for k in range(0, len(words), 3):
        oid, letter, value = [*words[k : k + 3], "", ""][:3]
        if k + 1 >= len(words):
            raise SetError(f"{oid}: Needs type and value")
        if k + 2 >= len(words):
            raise SetError(f"{oid}: Needs value")
        if letter not in _SET_TYPES:
            raise SetError(f"{oid}: Bad object type: {letter}")
        target = resolve(oid)
        _check_set_type(oid, parse_oid(target), letter, value)
        kind = _SET_TYPES[letter]
        val: Any = value
        if letter == "x":
            try:
                val = bytes.fromhex(value.replace(":", " ").replace(".", " "))
            except ValueError:
                raise SetError(f"{oid}: Bad value: {value}") from None
        elif letter == "d":
            try:
                val = bytes(int(part) for part in value.replace(".", " ").split())
            except ValueError:
                raise SetError(f"{oid}: Bad value: {value}") from None
        elif kind in _INT_TYPES and value.lstrip("-").isdigit():
            val = int(value)
        varbinds.append(Varbind(target, "", val, kind))
    return varbinds


def _check_set_type(oid: str, target: Oid, letter: str, value: str) -> None:
    """snmpset's checks of a value against the MIB before anything is sent."""
    node = names.object_of(target)
    if node is None or node.type is None or letter not in _LETTER_FITS:
        return
    if node.type not in _LETTER_FITS[letter]:
        if letter not in _LETTER_TYPE_NAME:
            raise SetError(f"{oid}: Bad object type: {letter}")
        have = _MIB_TYPE_NAME.get(node.type, node.type)
        raise SetError(
            f"{oid}: Bad variable type (Type of attribute is {have}, "
            f"not {_LETTER_TYPE_NAME[letter]})"
        )
    if letter == "i" and node.enums and not value.lstrip("-").isdigit():
        if value not in node.enums:
            raise SetError(f"{oid}: Value out of range ({value})")
