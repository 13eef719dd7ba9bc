"""The shortcuts of the request path keep its answers: reused poll arguments and messages,
requests submitted with a callback, one PENDING_REF per component."""

from __future__ import annotations

import asyncio
import random
from typing import Any

from snmp_component import Kernel, SNMPComponent, names
from snmp_component._core import ber
from snmp_component.community import CommunitySender as _CommunitySender
from snmp_component.community import EncodedPoll as _Encoded
from snmp_component.component import PENDING_REF
from snmp_component.errors import ConfigurationError, UnknownObjectError
from snmp_component.options import parse_options
from snmp_component.testing import SnmpdAgent
from snmp_component.testing.snmpd import SYS_NAME

UPTIME = ".1.3.6.1.2.1.1.3.0"
SYSNAME = ".1.3.6.1.2.1.1.5.0"


def test_message_template_is_the_codecs_message() -> None:
    """Around a 4-byte request-id, the reused message equals what the codec encodes, for
    any community (one that looks like a request-id included), version, PDU and size."""

    async def check() -> None:
        kernel = Kernel()
        for community in ("public", "x" * 300, "\x02\x04\x01\x01\x01\x01"):
            for version in (1, 2):
                options = {"DestHost": "127.0.0.1", "Version": version, "Community": community}
                sender = _CommunitySender(kernel, parse_options(options), 2, ("127.0.0.1", 161))
                try:
                    for count in (1, 3, 60):
                        oids = [(1, 3, 6, 1, 2, 1, 1, i, 0) for i in range(count)]
                        varbinds = tuple((oid, ber.NULL, None) for oid in oids)
                        body = ber.encode_null_varbinds(oids)
                        for pdu in (ber.GET_REQUEST, ber.GET_NEXT_REQUEST):
                            last = _Encoded(varbinds, body, pdu)
                            sender._template(last)
                            assert last.head is not None
                            for _ in range(200):
                                rid = random.randrange(1 << 23, 2**31)
                                message = last.head + rid.to_bytes(4, "big") + last.tail
                                assert message == sender._encode(pdu, rid, 0, 0, body)
                finally:
                    sender.close()

    asyncio.run(check())


def test_polls_reuse_parsed_numeric_args_only(snmpd: SnmpdAgent) -> None:
    """Repeated numeric GET/GETNEXT args are parsed once (the same OIDs come back each
    time); names, which MIBs decide, are parsed every time."""

    async def run() -> None:
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2, Retries=0
        )
        parser = snmp._actor._parser  # the component's request parser
        first = await snmp.get(SYSNAME)
        parsed = parser._parsed
        assert parsed is not None and parsed[0] == (SYSNAME,)
        for _ in range(3):  # GET, then GETNEXT of the same args: same tuple, same answers
            assert await snmp.get(SYSNAME) == first
            assert parser._parsed is parsed
        (nxt,) = await snmp.getnext(".1.3.6.1.2.1.1.4.0")
        assert nxt.val == SYS_NAME
        (again,) = await snmp.getnext(".1.3.6.1.2.1.1.4.0")
        assert again == nxt
        await snmp.get("sysName.0")
        kept = parser._parsed
        assert kept is not None and kept[0] == (".1.3.6.1.2.1.1.4.0",)  # a name is not kept
        await snmp.get(UPTIME, SYSNAME)
        kept = parser._parsed
        assert kept is not None and kept[0] == (UPTIME, SYSNAME)
        assert len(await snmp.get(UPTIME, SYSNAME)) == 2
        try:
            await snmp.get(".1.3.6.1.2.1.1.5.0.x")
        except UnknownObjectError:
            pass
        else:  # pragma: no cover
            raise AssertionError("a bad OID was accepted")
        kept = parser._parsed
        assert kept is not None and kept[0] == (UPTIME, SYSNAME)
        snmp.finish()

    asyncio.run(run())
    assert names.resolve(SYSNAME) == (1, 3, 6, 1, 2, 1, 1, 5, 0)


def test_polls_in_plain_lists_are_kept_by_value(snmpd: SnmpdAgent) -> None:
    """POE-style polls (``["1.3.6..."]``, lists of numeric OIDs) are parsed once too; a
    list changed between two polls is read again by what it holds; anything else in a
    list (a name, an instance id as int, a Varbind) is parsed every time."""

    async def run() -> None:
        snmp = SNMPComponent.create(
            Kernel(), DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2, Retries=0
        )
        parser = snmp._actor._parser

        def kept() -> Any:
            return None if parser._parsed is None else parser._parsed[0]

        poll = [SYSNAME]
        first = await snmp.get(poll)
        parsed = parser._parsed
        assert kept() == ((SYSNAME,),)
        assert await snmp.get(poll) == first and parser._parsed is parsed
        assert await snmp.get([SYSNAME]) == first and parser._parsed is parsed  # a new list
        poll[0] = UPTIME  # the same list, holding another OID: parsed again
        (uptime,) = await snmp.get(poll)
        assert uptime.type == "TICKS" and parser._parsed is not parsed
        assert kept() == ((UPTIME,),)
        pair = await snmp.get([UPTIME, SYSNAME], (SYSNAME,))
        assert [vb.tag for vb in pair] == ["sysUpTimeInstance", "sysName", "sysName"]
        assert kept() == ((UPTIME, SYSNAME), (SYSNAME,))
        parsed = parser._parsed
        for args in (["sysName", 0], [".1.3.6.1.2.1.1.5", 0], ["sysName.0"]):
            (got,) = await snmp.get(args)
            assert got.val == SYS_NAME and parser._parsed is parsed
        assert await snmp.get(poll, SYSNAME) != []  # flat and list mixed: kept too
        assert kept() == ((UPTIME,), SYSNAME)
        parsed = parser._parsed
        assert await snmp.get((SYSNAME,), SYSNAME) == await snmp.get([SYSNAME], SYSNAME)
        assert parser._parsed is not parsed
        assert kept() == ((SYSNAME,), SYSNAME)  # a tuple and a list: one value
        snmp.finish()

    asyncio.run(run())


def test_submit_callback_answers_once_and_withdraws(snmpd: SnmpdAgent) -> None:
    """A request submitted with a callback gets one answer, after the bookkeeping; a
    withdrawn one gets none; bad input raises at once and accepts nothing."""

    async def run() -> None:
        kernel = Kernel()
        snmp = SNMPComponent.create(
            kernel, DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2, Retries=0
        )
        actor = snmp._actor
        answers: list[tuple[Any, Any, int]] = []
        done = asyncio.Event()

        def notify(result: Any, error: Any) -> None:
            answers.append((result, error, actor.pending))
            done.set()

        actor.submit_callback("get", (SYSNAME,), notify)
        assert actor.pending == 1
        assert actor.kernel.refcounts(actor.session) == {PENDING_REF: 1}
        await done.wait()
        await asyncio.sleep(0.05)
        assert len(answers) == 1
        result, error, pending = answers[0]
        assert error is None and result[0].val == SYS_NAME and pending == 0
        assert snmp.ErrorStr == "(noError) No Error"
        assert actor.kernel.refcounts(actor.session) == {}

        withdrawn = actor.submit_callback("get", (SYSNAME,), notify)
        kept = [actor.submit_callback("get", (UPTIME,), notify) for _ in range(3)]
        assert actor.kernel.refcounts(actor.session) == {PENDING_REF: 1} and actor.pending == 4
        actor.withdraw(withdrawn)
        actor.withdraw(withdrawn)  # again: nothing
        while len(answers) < 4:
            done.clear()
            await done.wait()
        await asyncio.sleep(0.05)
        assert len(answers) == 4
        assert all(error is None and result[0].type == "TICKS" for result, error, _ in answers[1:])
        assert {job.settled for job in kept} == {True}
        assert actor.pending == 0 and actor.kernel.refcounts(actor.session) == {}

        try:
            actor.submit_callback("get", (), notify)
        except ConfigurationError:
            pass
        else:  # pragma: no cover
            raise AssertionError("no vars was accepted")
        assert actor.pending == 0 and len(answers) == 4
        snmp.finish()

    asyncio.run(run())
