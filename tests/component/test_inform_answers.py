"""What ``TrapSender.inform`` makes of the receiver's Response: formatted by the sender's
options (the one VarbindFormat), and an error-status as the component raises it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from snmp_component._core import ber
from snmp_component.errors import ErrorStatusError, GenErr
from snmp_component.traps import TrapSender

TRAP_OID = "1.3.6.1.4.1.8072.2.3.0.1"


class Receiver(asyncio.DatagramProtocol):
    """Answers every inform with its own varbinds and ``status``/``index``."""

    def __init__(self, status: int, index: int) -> None:
        self.status, self.index = status, index
        self.transport: Any = None  # a datagram transport (not a DatagramTransport subclass)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        msg = ber.decode_message(data)
        answer = ber.encode_request(msg.version, msg.community, ber.RESPONSE, msg.request_id,
                                    msg.varbinds, self.status, self.index)  # fmt: skip
        self.transport.sendto(answer, addr)


async def inform(status: int, index: int, **options: Any) -> Any:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: Receiver(status, index), local_addr=("127.0.0.1", 0)
    )
    port = transport.get_extra_info("sockname")[1]
    try:
        sender = TrapSender(None, DestHost="127.0.0.1", RemotePort=port, Timeout=500_000,
                            **options)  # fmt: skip
        try:
            return await sender.inform(TRAP_OID, [["sysName", 0, "x", "OCTETSTR"]])
        finally:
            sender.close()
    finally:
        transport.close()


def test_an_answer_is_formatted_by_the_senders_options() -> None:
    varlist = asyncio.run(inform(0, 0, UseNumeric=1))
    assert [vb.tag for vb in varlist] == [".1.3.6.1.2.1.1.3", ".1.3.6.1.6.3.1.1.4.1",
                                          ".1.3.6.1.2.1.1.5"]  # fmt: skip
    assert varlist[2].val == "x"


def test_an_error_status_names_the_varbind_and_carries_the_echo() -> None:
    with pytest.raises(ErrorStatusError) as caught:
        asyncio.run(inform(5, 3))
    error = caught.value
    assert isinstance(error, GenErr)
    assert (error.index, error.oid) == (3, ".1.3.6.1.2.1.1.5.0")
    assert [vb.tag for vb in error.varlist] == ["sysUpTimeInstance", "snmpTrapOID", "sysName"]
