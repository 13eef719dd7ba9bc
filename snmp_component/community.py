"""SNMPv1/v2c requests on the kernel's shared UDP socket: the community sender.

A component polls the same OIDs again and again: :class:`CommunitySender` keeps the
last tuple of varbinds it sent encoded, and from its second use the whole message around
its request-id, so a repeated poll costs a byte concatenation instead of a BER encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import transport
from ._core import ber
from ._core.pdu import RawVarbind
from .errors import ConfigurationError
from .options import SessionOptions

__all__ = ["CommunitySender", "EncodedPoll"]


class CommunitySender(transport.SharedSocketSender):
    """SNMPv1/v2c over the kernel's shared UDP transport."""

    def __init__(self, owner: object, opts: SessionOptions, family: int, address: Any) -> None:
        super().__init__(owner, family, address, opts.timeout, opts.retries, opts.local)
        self._version = 0 if opts.version == 1 else 1
        self._community = opts.community
        # The last tuple of varbinds sent (the component's parsed poll arguments are one
        # tuple, sent again and again): its encoded varbinds, and once it is sent again
        # with the same PDU type, the whole message around a 4-byte request-id.
        self._last: EncodedPoll | None = None

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: transport.Done,
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None:
        udp = self._transport
        if udp is None or udp.closed:
            self._socket(done)  # schedules done with the ShutdownError
            return
        rid = udp.new_request_id()
        try:
            datagram = self._datagram(pdu_tag, rid, varbinds, non_repeaters, max_repetitions)
        except ValueError as exc:
            self._fail_soon(done, ConfigurationError(f"cannot encode request: {exc}"))
            return
        udp.send(
            rid,
            self._address,
            datagram,
            version=self._version,
            community=self._community,
            timeout=self._timeout,
            retries=self._retries,
            done=done,
        )

    def _datagram(
        self,
        pdu_tag: int,
        rid: int,
        varbinds: Sequence[RawVarbind],
        non_repeaters: int,
        max_repetitions: int,
    ) -> bytes:
        """The request message; a poll sending its varbinds again reuses their encoding,
        and from its second time the whole message around the request-id."""
        last = self._last
        if last is not None and last.varbinds is varbinds:
            if last.pdu_tag == pdu_tag and rid >= _RID_4_BYTES:
                if last.head is not None:
                    return last.head + rid.to_bytes(4, "big") + last.tail
                datagram = self._encode(pdu_tag, rid, 0, 0, last.body)
                self._template(last)
                return datagram
            body = last.body
        elif all(tag == ber.NULL for _, tag, _ in varbinds):
            body = ber.encode_null_varbinds([oid for oid, _, _ in varbinds])
            if type(varbinds) is tuple and pdu_tag != ber.GET_BULK_REQUEST:
                self._last = EncodedPoll(varbinds, body, pdu_tag)
        else:
            body = ber.encode_varbinds(varbinds)
        status, index = self._header(pdu_tag, non_repeaters, max_repetitions)
        return self._encode(pdu_tag, rid, status, index, body)

    def _encode(self, pdu_tag: int, rid: int, status: int, index: int, body: bytes) -> bytes:
        return ber.encode_request_raw(
            self._version, self._community, pdu_tag, rid, status, index, body
        )

    def _template(self, last: EncodedPoll) -> None:
        """Split the message of ``last`` around its request-id (any 4-byte one), as the
        codec encodes it: two encodings differ only in those 4 bytes; a third checks."""
        first = self._encode(last.pdu_tag, 0x01010101, 0, 0, last.body)
        second = self._encode(last.pdu_tag, 0x02020202, 0, 0, last.body)
        if len(first) != len(second):  # pragma: no cover - a 4-byte id is 4 bytes
            return
        differ = int.from_bytes(first, "big") ^ int.from_bytes(second, "big")
        at = len(first) - (differ.bit_length() + 7) // 8  # the first byte that differs
        head, tail = first[:at], first[at + 4 :]
        probe = 0x7A5B3C1D
        if head + probe.to_bytes(4, "big") + tail == self._encode(
            last.pdu_tag, probe, 0, 0, last.body
        ):
            last.head, last.tail = head, tail


_RID_4_BYTES = 1 << 23
"""Request-ids from here on (all but 0.4% of them) are encoded in 4 bytes."""


class EncodedPoll:
    """A sender's last tuple of varbinds: encoded, and the message around a request-id."""

    __slots__ = ("body", "head", "pdu_tag", "tail", "varbinds")

    def __init__(self, varbinds: tuple[RawVarbind, ...], body: bytes, pdu_tag: int) -> None:
        self.varbinds = varbinds
        self.body = body
        self.pdu_tag = pdu_tag
        self.head: bytes | None = None
        self.tail = b""
