"""Object identifier helpers.

An OID is represented everywhere in the library as a plain ``tuple`` of ints
(:data:`Oid`), e.g. ``(1, 3, 6, 1, 2, 1, 1, 3, 0)``.  Tuples are hashable
(usable as dict keys and cache keys), cheap to slice, and compare with the
ordinary tuple ordering, which *is* the SNMP lexicographic OID ordering:
``(1, 3, 6) < (1, 3, 6, 0) < (1, 3, 7)``.  No wrapper class is needed, so code
that walks tables can simply use ``<``, ``sorted()`` and ``bisect``.

Text form is net-snmp's numeric style with a leading dot: ``".1.3.6.1"``
(:func:`format_oid`); :func:`parse_oid` accepts it with or without the dot.

An OID has at most :data:`MAX_OID_LENGTH` (128) sub-identifiers of at most
:data:`MAX_SUBID`, as in net-snmp (``MAX_OID_LEN``); the BER codec and the name resolver
enforce the same bounds.

This module is pure: no I/O, no pysnmp/pyasn1.
"""

from __future__ import annotations

from .cache import ByteCache, oid_size, text_size

__all__ = ["MAX_OID_LENGTH", "MAX_SUBID", "Oid", "format_oid", "is_prefix", "parse_oid"]

Oid = tuple[int, ...]
"""An OBJECT IDENTIFIER value: a tuple of non-negative ints (ordering = tuple ordering)."""

MAX_SUBID = 0xFFFFFFFF
"""Largest sub-identifier SNMP allows (RFC 2578: each sub-id is 0..2**32-1)."""

MAX_OID_LENGTH = 128
"""Most sub-identifiers an OID may have (RFC 2578 section 3.5; net-snmp's ``MAX_OID_LEN``)."""

_DIGITS = frozenset("0123456789")


def _shown(text: str) -> str:
    """``repr(text)``, shortened for an error message when it is long."""
    return repr(text) if len(text) <= 80 else f"{text[:60]!r}... ({len(text)} characters)"


def too_long(what: str, length: int) -> str:
    """The error message for an OID of ``length`` > :data:`MAX_OID_LENGTH` sub-ids."""
    return (
        f"invalid OID {_shown(what)}: {length} sub-identifiers, "
        f"SNMP allows at most {MAX_OID_LENGTH}"
    )


_PARSED: ByteCache[str, Oid] = ByteCache(
    "oid.parse_oid", lambda text, oid: text_size(text) + oid_size(oid)
)
_parsed = _PARSED.get


def parse_oid(text: str) -> Oid:
    """Parse a numeric OID string (``"1.3.6.1"`` or ``".1.3.6.1"``) into an :data:`Oid`.

    Raises :class:`ValueError` naming *text* for anything else: empty text,
    empty parts (``"1..3"``, trailing dot), non-digit parts (signs, spaces,
    names), sub-ids above 2**32-1, more than 128 arcs, a first arc above 2, or a
    second arc of 40 or more under first arc 0 or 1 (X.690 8.19.4). A root arc alone
    (``".1"``, a walk from the top) is an OID too; it is sent as ``N.0``, as net-snmp
    sends it. Results are cached (byte-bounded), so repeated parsing of the same
    string is a dict hit.
    """
    if type(text) is str:
        found = _parsed(text)
        if found is not None:
            return found
    elif not isinstance(text, str):
        raise ValueError(f"OID text must be a str, not {type(text).__name__}: {text!r}")
    return _PARSED.put(text, _parse(text))


def _parse(text: str) -> Oid:
    body = text[1:] if text.startswith(".") else text
    if not body:
        raise ValueError(f"invalid OID {text!r}: empty")
    arcs = body.count(".") + 1
    if arcs > MAX_OID_LENGTH:
        raise ValueError(too_long(text, arcs))
    parts = body.split(".")
    # str.isdigit() also accepts non-ASCII digits such as "²", so check the
    # characters explicitly (set.issuperset is a fast C loop).
    for part in parts:
        if not part:
            raise ValueError(f"invalid OID {_shown(text)}: empty sub-identifier")
        if not _DIGITS.issuperset(part):
            raise ValueError(
                f"invalid OID {_shown(text)}: sub-identifier {part[:20]!r} is not a number"
            )
        if len(part) > 10 and len(part.lstrip("0")) > 10:  # no int() of 5,000 digits
            raise ValueError(
                f"invalid OID {_shown(text)}: sub-identifier {part[:12]}... exceeds {MAX_SUBID}"
            )
    oid = tuple(map(int, parts))
    if max(oid) > MAX_SUBID:
        raise ValueError(
            f"invalid OID {_shown(text)}: sub-identifier {max(oid)} exceeds {MAX_SUBID}"
        )
    if oid[0] > 2:
        raise ValueError(f"invalid OID {text!r}: first sub-identifier must be 0, 1 or 2")
    if len(oid) > 1 and oid[0] < 2 and oid[1] >= 40:
        raise ValueError(
            f"invalid OID {text!r}: second sub-identifier must be below 40 when the first is 0 or 1"
        )
    return oid


def format_oid(oid: Oid) -> str:
    """Format *oid* in net-snmp numeric style with a leading dot: ``".1.3.6.1"``."""
    return "." + ".".join(map(str, oid))


def is_prefix(prefix: Oid, oid: Oid) -> bool:
    """True when *oid* lies in the subtree rooted at *prefix* (including ``oid == prefix``)."""
    return oid[: len(prefix)] == prefix
