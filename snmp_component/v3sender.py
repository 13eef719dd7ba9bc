"""SNMPv3 requests on the shared UDP transport, with the package's own USM (no pysnmp).

Invariants:

* Every :meth:`V3Sender.send` ends in exactly one ``done`` call (never inside ``send``).
* Discovery (RFC 3414 4: the agent's engine ID, boots and time) runs once per sender
  before its first request, as one exchange with the component's timeout and retries;
  requests made meanwhile wait for it and fail with its error if it fails (the next
  request tries again).
* Each attempt of a request is a freshly encoded message (new msgID, current clock); a
  reply to any attempt completes it. A reply is checked before its varbinds are decoded:
  anything but a Report or a Response with the request's request-id at its security level
  (msgFlags, USM parameters, HMAC) is dropped at O(header + HMAC) cost. The engine's
  :data:`~snmp_component._core.v3msg.Outcome` decides: an ``Accepted`` Response finishes
  the request; a ``Reported`` agent Report ends it with its typed error, except that
  after a Report that resynchronised the clock or the engine ID the request is re-sent
  once at once; a ``Dropped`` datagram (malformed, not authentic, stale) is dropped, as
  RFC 3412 says, and the request keeps waiting.
* The discovery probe is answered by the usmStatsUnknownEngineIDs Report only: any
  other Report to it (unauthenticated, like the probe) is dropped, and the discovery
  keeps waiting for the real answer or times out.
* Password-to-key work (~1-2 ms per pass phrase) runs on the loop once per credential
  set and engine ID; the results are cached process-wide.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, get_args

from . import transport
from ._core import ber
from ._core.pdu import PduResult, RawVarbind
from ._core.usm import UsmUser
from ._core.v3msg import DropReason, RemoteEngine, peek_msg_id
from .errors import ConfigurationError, ShutdownError
from .options import SessionOptions
from .transport import CodecResult, Done, Drop, Resend

_DISCOVERED = PduResult(None)
_DROP: Final[Mapping[str, Drop]] = {
    reason: Drop(reason) for reason in (*get_args(DropReason), "unwanted_report")
}
"""One transport ``Drop`` per reason: a burst of dropped datagrams allocates no more of them."""


class _Discovery:
    """Codec of the discovery probe."""

    __slots__ = ("engine",)

    def __init__(self, engine: RemoteEngine) -> None:
        self.engine = engine

    def build(self, message_id: int, now: float) -> bytes:
        return self.engine.discovery_request(message_id, message_id)

    def read(self, data: bytes, now: float) -> CodecResult:
        # the probe's request-id is its msgID (build above): so is a Response's
        outcome = self.engine.read_discovery(data, now, request_id=peek_msg_id(data))
        if outcome.kind == "accepted":
            return _DISCOVERED
        if outcome.kind == "reported":  # not the unknownEngineID Report the probe wants
            return _DROP["unwanted_report"]
        return _DROP[outcome.reason]


class _Request:
    """Codec of one request PDU."""

    __slots__ = ("engine", "pdu", "request_id", "resent")

    def __init__(self, engine: RemoteEngine, pdu: bytes, request_id: int) -> None:
        self.engine = engine
        self.pdu = pdu
        self.request_id = request_id  # the PDU's, the same in every attempt
        self.resent = False

    def build(self, message_id: int, now: float) -> bytes:
        return self.engine.encode_request(message_id, self.pdu, now)

    def read(self, data: bytes, now: float) -> CodecResult:
        outcome = self.engine.read(data, now, self.request_id)
        if outcome.kind == "accepted":
            msg = outcome.message
            return PduResult(None, msg.error_status, msg.error_index, msg.varbinds)
        if outcome.kind == "reported":  # the agent's verdict
            if outcome.resynced and not self.resent:
                self.resent = True
                return Resend(outcome.report)
            return PduResult(outcome.error)
        return _DROP[outcome.reason]  # no verdict: keep waiting


def usm_user(opts: SessionOptions) -> UsmUser:
    """The USM user of a session's options, with the secrets its ``SecLevel`` uses."""
    auth = opts.sec_level != "noAuthNoPriv"
    priv = opts.sec_level == "authPriv"
    return UsmUser(
        opts.sec_name,
        opts.auth_proto if auth else None,
        opts.auth_pass if auth else None,
        opts.priv_proto if priv else None,
        opts.priv_pass if priv else None,
    )


class V3Sender(transport.SharedSocketSender):
    """Sends one component's SNMPv3 PDUs (the component's ``_Sender``)."""

    def __init__(self, owner: object, opts: SessionOptions, family: int, address: Any) -> None:
        super().__init__(owner, family, address, opts.timeout, opts.retries, opts.local)
        self._engine = RemoteEngine(
            usm_user(opts),
            engine_id=opts.sec_engine_id,
            context_name=opts.context.encode(),
            context_engine_id=opts.context_engine_id,
        )
        self._waiting: list[tuple[bytes, int, Done]] | None = None  # requests behind discovery
        # The last tuple of varbinds sent and its encoding: a poll sends the same tuple
        # (the component keeps parsed poll arguments) again and again.
        self._last: tuple[Sequence[RawVarbind], bytes] | None = None

    def send(
        self,
        pdu_tag: int,
        varbinds: Sequence[RawVarbind],
        done: Done,
        *,
        non_repeaters: int = 0,
        max_repetitions: int = 0,
    ) -> None:
        udp = self._transport
        if udp is None or udp.closed:
            self._socket(done)  # schedules done with the ShutdownError
            return
        request_id = udp.new_request_id()
        try:
            last = self._last
            if last is not None and last[0] is varbinds:
                body = last[1]
            else:
                body = ber.encode_varbinds(varbinds)
                if type(varbinds) is tuple:
                    self._last = (varbinds, body)
            status, index = self._header(pdu_tag, non_repeaters, max_repetitions)
            pdu = ber.encode_pdu(pdu_tag, request_id, status, index, body)
        except ValueError as exc:
            self._fail_soon(done, ConfigurationError(f"cannot encode request: {exc}"))
            return
        if self._engine.discovered:
            self._send(udp, pdu, request_id, done)
        elif self._waiting is not None:
            self._waiting.append((pdu, request_id, done))
        else:
            self._waiting = [(pdu, request_id, done)]
            udp.send_codec(
                self._address,
                _Discovery(self._engine),
                timeout=self._timeout,
                retries=self._retries,
                done=self._discovered,
            )

    def _send(self, udp: transport.UdpTransport, pdu: bytes, request_id: int, done: Done) -> None:
        udp.send_codec(
            self._address,
            _Request(self._engine, pdu, request_id),
            timeout=self._timeout,
            retries=self._retries,
            done=done,
        )

    def _discovered(self, result: PduResult) -> None:
        waiting, self._waiting = self._waiting or [], None
        udp = self._transport
        for pdu, request_id, done in waiting:
            if result.error is not None:
                done(result)
            elif udp is None or udp.closed:
                done(PduResult(ShutdownError("the component was closed")))
            else:
                self._send(udp, pdu, request_id, done)

    def close(self) -> None:
        super().close()
        waiting, self._waiting = self._waiting or [], None
        for _, _, done in waiting:
            done(PduResult(ShutdownError("the component was closed")))
