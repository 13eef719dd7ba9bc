"""Request arguments (``vars``) to OIDs and set varbinds. Pure: names resolve through
the ``resolve`` function the caller passes.

Accepted ``vars`` (API.md): ``".1.3.6.1.2.1.1.3.0"``, ``"1.3.6..."``, ``"sysUpTime.0"``,
``["sysUpTime", 0]``, ``["sysUpTime", "0"]``, a ``Varbind``, a ``VarList``, or a list of any
of these; several flat strings in a row also work (``get, "cb", "a.0", "b.0"``).

A ``Varbind`` is always one var. A list is *one* varbind ``[tag, iid(, val, type)]`` when
its second item is an instance id -- an int, or digits like ``"0"``, ``"1.2"`` or
``"2.5.99.111"`` (never with a leading dot) -- unless both items are whole numeric OIDs;
otherwise it is a list of vars. So ``["sysDescr", 0]`` and ``["vacmGroupName", "2.5.99"]``
are one var each; ``["sysDescr.0", "sysName.0"]``, ``[".1.3.6.1.2.1.1.1.0", ".1.3...."]``
and ``["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0"]`` are two.

Whatever the form, a var's OID has at most 128 sub-identifiers of at most 2**32-1 (as in
net-snmp); beyond that it is an :class:`~snmp_component.errors.UnknownObjectError`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import BadTypeError, ConfigurationError, UnknownObjectError
from ..varbind import Varbind
from .mibindex import MibNode
from .oid import MAX_OID_LENGTH, MAX_SUBID
from .pdu import Oid, RawVarbind
from .values import SetValueError, from_netsnmp

Resolve = Callable[[str], Oid]
TypeOf = Callable[[Oid], "str | None"]
NodeOf = Callable[[Oid], "MibNode | None"]

_IID = re.compile(r"\d+(\.\d+)*")


def _is_iid(item: object) -> bool:
    """An instance id: an int, or digits like ``"0"`` / ``"1.2"`` (never a leading dot)."""
    if isinstance(item, int) and not isinstance(item, bool):
        return item >= 0
    return isinstance(item, str) and (item == "" or bool(_IID.fullmatch(item)))


def _is_varbind(item: object) -> bool:
    """One varbind ``[tag, iid(, val, type)]`` rather than a list of vars."""
    if isinstance(item, Varbind):
        return True
    if not isinstance(item, list | tuple) or not 1 <= len(item) <= 4:
        return False
    tag = item[0]
    if not isinstance(tag, str):
        return False
    if len(item) == 1 or item[1] is None:
        return True
    second = item[1]
    if not _is_iid(second):
        return False
    # ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0"]: two whole numeric OIDs, not tag + iid.
    numeric_tag = bool(_IID.fullmatch(tag.lstrip(".")))
    return not (numeric_tag and isinstance(second, str) and second.startswith("1.3."))


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:60]}... ({len(text)} characters)"


def _iid_arcs(iid: object, tag: str) -> Oid:
    if iid is None or iid == "":
        return ()
    if isinstance(iid, int) and not isinstance(iid, bool):
        if iid < 0:
            raise _unknown(tag, iid, "a negative sub-identifier")
        arcs: Oid = (iid,)
    elif isinstance(iid, str) and _IID.fullmatch(iid.lstrip(".")):
        parts = iid.lstrip(".").split(".")
        if len(parts) > MAX_OID_LENGTH:
            raise _too_long(tag, iid, len(parts))
        if any(len(p) > 10 and len(p.lstrip("0")) > 10 for p in parts):
            raise _unknown(tag, iid, f"a sub-identifier exceeds {MAX_SUBID}")
        arcs = tuple(map(int, parts))
    else:
        raise UnknownObjectError(f"bad instance {_shown(iid)} for {_shown(tag)}")
    if max(arcs) > MAX_SUBID:
        raise _unknown(tag, iid, f"sub-identifier {max(arcs)} exceeds {MAX_SUBID}")
    return arcs


def _unknown(tag: str, iid: object, why: str) -> UnknownObjectError:
    return UnknownObjectError(
        f"Unknown Object Identifier {_shown(tag)} with instance {_shown(iid)}: {why}"
    )


def _too_long(tag: str, iid: object, arcs: int) -> UnknownObjectError:
    return _unknown(tag, iid, f"{arcs} sub-identifiers, SNMP allows at most {MAX_OID_LENGTH}")


def flatten(vars_: Sequence[Any]) -> list[Any]:
    """The individual vars of the posted ``vars`` arguments, each a str or a varbind list."""
    out: list[Any] = []
    for item in vars_:
        if isinstance(item, str) or _is_varbind(item):
            out.append(item)
        elif isinstance(item, list | tuple):
            for inner in item:
                if isinstance(inner, str) or _is_varbind(inner):
                    out.append(inner)
                else:
                    raise ConfigurationError(f"cannot use {inner!r} as a var")
        else:
            raise ConfigurationError(
                f"cannot use {item!r} as a var (give a name, an OID string, [tag, iid], "
                "a Varbind or a VarList)"
            )
    return out


def var_oid(var: Any, resolve: Resolve) -> Oid:
    """The OID one var names.

    Raises:
        UnknownObjectError: the name does not resolve, the instance is not one, or the
            OID would have more than 128 sub-identifiers or one above 2**32-1.
    """
    if isinstance(var, str):
        return resolve(var)
    tag = var[0]
    iid = var[1] if len(var) > 1 else None
    oid = resolve(tag) + _iid_arcs(iid, tag)
    if len(oid) > MAX_OID_LENGTH:
        raise _too_long(tag, iid, len(oid))
    return oid


def parse_vars(vars_: Sequence[Any], resolve: Resolve) -> list[Oid]:
    """OIDs of the ``vars`` of get/getnext/getbulk/walk/bulkwalk.

    Raises:
        ConfigurationError: no var at all, or something that is not a var.
        UnknownObjectError: a name or OID that does not resolve.
    """
    items = flatten(vars_)
    if not items:
        raise ConfigurationError("no vars given (need at least one name or OID)")
    return [var_oid(var, resolve) for var in items]


def parse_set_vars(
    args: Sequence[Any], resolve: Resolve, type_of: TypeOf, node_of: NodeOf | None = None
) -> list[RawVarbind]:
    """Varbinds of a set: ``[tag, iid, val, type]`` forms, or flat ``"oid", value`` pairs.

    Without a type the MIB's is used (``type_of``). ``node_of`` gives the MIB object being
    set, whose enum labels (``"down"`` for ifAdminStatus 2), bit names, textual convention
    sizes/ranges and OBJECTID names (``resolve``) then apply to the value.

    Raises:
        BadTypeError: a value that does not fit its type, or no type known for an OID
            that no loaded MIB describes. Nothing has been sent.
        UnknownObjectError / ConfigurationError: as :func:`parse_vars`.
    """
    specs: list[tuple[Oid, str, Any, Any]] = []  # (oid, label, val, type)
    i = 0
    while i < len(args):
        item = args[i]
        if isinstance(item, str):
            if i + 1 >= len(args):
                raise ConfigurationError(f"set of {item!r} needs a value after it")
            specs.append((resolve(item), item, args[i + 1], None))
            i += 2
            continue
        for var in [item] if _is_varbind(item) else flatten([item]):
            if isinstance(var, str):
                raise ConfigurationError(f"set of {var!r} needs a value: give [tag, iid, val]")
            if len(var) < 3:
                raise ConfigurationError(f"set needs [tag, iid, val(, type)], not {list(var)!r}")
            label = f"{var[0]}.{var[1]}" if var[1] not in ("", None) else str(var[0])
            specs.append((var_oid(var, resolve), label, var[2], var[3] if len(var) > 3 else None))
        i += 1
    if not specs:
        raise ConfigurationError("no vars given to set")
    out: list[RawVarbind] = []
    for oid, label, val, type_ in specs:
        if type_ is None:
            type_ = type_of(oid)
            if type_ is None:
                raise BadTypeError(
                    f"Bad variable type: no loaded MIB gives the type of {label!r}; "
                    "use [tag, iid, val, type]"
                )
        node = node_of(oid) if node_of is not None else None
        try:
            if node is None:
                tag, raw = from_netsnmp(val, type_, resolve=resolve)
            else:
                tag, raw = from_netsnmp(val, type_, enums=node.enums, tc=node.tc,
                                        sizes=node.sizes, ranges=node.ranges,
                                        resolve=resolve)  # fmt: skip
        except SetValueError as exc:
            raise BadTypeError(f"Bad variable type: {label}: {exc}") from None
        out.append((oid, tag, raw))
    return out
