"""Request vars to OIDs: every form of API.md, and the one-var-or-many rule."""

from __future__ import annotations

from typing import Any

import pytest

from snmp_component import Varbind, VarList, errors
from snmp_component._core.oid import parse_oid
from snmp_component._core.vars import parse_set_vars, parse_vars

NAMES = {"sysDescr": "1.3.6.1.2.1.1.1", "sysName": "1.3.6.1.2.1.1.5",
         "vacmGroupName": "1.3.6.1.6.3.16.1.2.1.3"}  # fmt: skip


def resolve(text: str) -> tuple[int, ...]:
    base, _, rest = text.partition(".")
    if base in NAMES:
        return parse_oid(NAMES[base] + ("." + rest if rest else ""))
    if text.lstrip(".")[:1].isdigit():
        return parse_oid(text)
    raise errors.UnknownObjectError(f"Unknown Object Identifier {text!r}")


def oids(*texts: str) -> list[tuple[int, ...]]:
    return [parse_oid(t) for t in texts]


DESCR_NAME = oids("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0")


@pytest.mark.parametrize(
    ("vars_", "expected"),
    [
        (("sysDescr.0",), oids("1.3.6.1.2.1.1.1.0")),
        ((".1.3.6.1.2.1.1.1.0",), oids("1.3.6.1.2.1.1.1.0")),
        ((["sysDescr", 0],), oids("1.3.6.1.2.1.1.1.0")),
        ((["sysDescr", "0"],), oids("1.3.6.1.2.1.1.1.0")),
        ((["sysDescr.0", ".1.3.6.1.2.1.1.5.0", "sysName.0"],),
         oids("1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0", "1.3.6.1.2.1.1.5.0")),
        (([".1.3.6.1.2.1.1.1", "0"],), oids("1.3.6.1.2.1.1.1.0")),
        ((["sysDescr"],), oids("1.3.6.1.2.1.1.1")),
        ((("sysDescr", 0),), oids("1.3.6.1.2.1.1.1.0")),
        ((Varbind("sysDescr", 0),), oids("1.3.6.1.2.1.1.1.0")),
        ((VarList(["sysDescr", 0], ["sysName", 0]),), DESCR_NAME),
        (([["sysDescr", 0], ["sysName", 0]],), DESCR_NAME),
        ((["sysDescr.0", "sysName.0"],), DESCR_NAME),
        ((["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0"],), DESCR_NAME),
        (("sysDescr.0", "sysName.0"), DESCR_NAME),
        # An instance that looks like an OID is still an instance of a named object.
        ((["vacmGroupName", "2.5.99.111.109"],), oids("1.3.6.1.6.3.16.1.2.1.3.2.5.99.111.109")),
        ((Varbind("vacmGroupName", "2.5.99.111.109", "x", "OCTETSTR"),),
         oids("1.3.6.1.6.3.16.1.2.1.3.2.5.99.111.109")),
        ((["sysDescr", 0, "ignored", "OCTETSTR"],), oids("1.3.6.1.2.1.1.1.0")),
    ],
)  # fmt: skip
def test_vars_forms(vars_: tuple[Any, ...], expected: list[tuple[int, ...]]) -> None:
    assert parse_vars(vars_, resolve) == expected


@pytest.mark.parametrize(
    ("vars_", "error", "message"),
    [
        ((), errors.ConfigurationError, "no vars"),
        ((3.5,), errors.ConfigurationError, "cannot use 3.5"),
        (([{}],), errors.ConfigurationError, "cannot use {}"),
        (("nonsense.0",), errors.UnknownObjectError, "nonsense"),
        ((["sysDescr", "x.y"],), errors.UnknownObjectError, "x.y"),
    ],
)
def test_bad_vars(vars_: tuple[Any, ...], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        parse_vars(vars_, resolve)


def test_set_forms_and_types() -> None:
    type_of = {parse_oid("1.3.6.1.2.1.1.5"): "OCTETSTR"}.get

    def mib_type(oid: tuple[int, ...]) -> str | None:
        return type_of(oid[:-1])

    assert parse_set_vars(("sysName.0", "x"), resolve, mib_type) == [
        (parse_oid("1.3.6.1.2.1.1.5.0"), 0x04, b"x")
    ]
    assert parse_set_vars(([["sysDescr", 0, 5, "INTEGER"], ["sysName", 0, "y"]],), resolve,
                          mib_type)[0] == (parse_oid("1.3.6.1.2.1.1.1.0"), 0x02, 5)  # fmt: skip
    with pytest.raises(errors.BadTypeError, match="no loaded MIB gives the type"):
        parse_set_vars((["sysDescr", 0, "x"],), resolve, mib_type)
    with pytest.raises(errors.BadTypeError, match="out of range"):
        parse_set_vars((["sysDescr", 0, 2**40, "INTEGER"],), resolve, mib_type)
    with pytest.raises(errors.ConfigurationError, match="needs a value"):
        parse_set_vars(("sysName.0",), resolve, mib_type)
