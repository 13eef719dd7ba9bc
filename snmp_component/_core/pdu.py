"""What one PDU exchange produces, shared by the v1/v2c transport and the v3 adapter.

Varbinds travel as ``(oid, tag, value)`` triples in the BER codec's representation
(:mod:`snmp_component._core.ber`): ``oid`` a tuple of ints, ``tag`` the BER/SMI type tag
(``ber.INTEGER``, ``ber.COUNTER32``, ...), ``value`` the raw Python value (int, bytes,
an OID tuple, or ``None`` for NULL and the three exceptions). Every int is within its
type's range (the decoder refuses the rest); a value of a tag without a type of its own
(``ber.UINTEGER32`` aside, which is an int) is its raw content octets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple, TypeAlias

if TYPE_CHECKING:
    from ..errors import SNMPError

Oid: TypeAlias = tuple[int, ...]
RawValue: TypeAlias = int | bytes | tuple[int, ...] | None
RawVarbind: TypeAlias = tuple[Oid, int, RawValue]


class PduResult(NamedTuple):
    """The outcome of one request PDU.

    Attributes:
        error: ``None`` when a response PDU arrived (even one with a non-zero
            error-status); else why no response came (timeout, security, transport).
        error_status: the response's error-status (0 when none or no response).
        error_index: the response's 1-based error-index.
        varbinds: the response's varbinds (empty without a response).
    """

    error: SNMPError | None
    error_status: int = 0
    error_index: int = 0
    varbinds: list[RawVarbind] = []  # noqa: RUF012  (NamedTuple default, never mutated)
