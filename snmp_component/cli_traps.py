"""``snmpc trap``, ``snmpc inform`` and ``snmpc trapd``: net-snmp's ``snmptrap``,
``snmpinform`` and ``snmptrapd -f -Lo`` on the package's sender and listener.

Arguments after the receiver, as snmptrap's:

* SNMPv2c/v3: ``UPTIME TRAP-OID [OID TYPE VALUE]...`` (``''`` for the sender's uptime);
* SNMPv1: ``ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...``.

``trapd [ADDRESS]`` listens on ``ADDRESS`` (default ``127.0.0.1:162``) for the command
line's community (``-c``, default ``public``) or SNMPv3 user (``-u -l -a -A -x -X``) and
prints every notification as ``snmptrapd -f -Lo`` does: a header line with the time, the
sender and the transport, then the varbinds tab-separated (SNMPv1 traps: the enterprise,
generic trap and uptime line, then one varbind a line).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import signal
import socket
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import errors
from ._core.pdu import RawVarbind
from ._core.sprint import uptime
from .kernel import Event, Kernel, Session
from .toolformat import ToolFormat
from .traps import (
    SNMP_TRAP_ADDRESS,
    SNMP_TRAP_COMMUNITY,
    SNMP_TRAP_ENTERPRISE,
    SNMPTrapListener,
    TrapInfo,
    TrapSender,
    v2_to_v1,
)
from .varbind import Varbind
from .varformat import KEEP_RAW

__all__ = ["GENERIC_TRAPS", "listen", "send"]

GENERIC_TRAPS = ("Cold Start", "Warm Start", "Link Down", "Link Up",
                 "Authentication Failure", "EGP Neighbor Loss", "Enterprise Specific")  # fmt: skip
"""How snmptrapd names SNMPv1's generic traps 0..6."""


async def send(
    command: str,
    options: dict[str, Any],
    words: list[str],
    varbinds: Callable[[list[str]], list[Varbind]],
    err: TextIO,
) -> int:
    """Send one trap (``command`` ``trap``) or inform; the exit code (0: sent, or for an
    inform acknowledged)."""
    version = str(options.get("Version", "2c"))
    sender = TrapSender(None, **options)
    tool = "snmpinform" if command == "inform" else "snmptrap"
    try:
        if version == "1":
            if command == "inform":
                raise errors.ConfigurationError("SNMPv1 has no InformRequest; use -v 2c or 3")
            if len(words) < 5:
                raise errors.ConfigurationError(
                    "needs ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]..."
                )
            enterprise, agent_addr, generic, specific, ticks = words[:5]
            await sender.send_v1_trap(
                enterprise or ".1.3.6.1.4.1.3.1.1", agent_addr or "0.0.0.0", _int(generic),
                _int(specific), varbinds(words[5:]) if words[5:] else [], _uptime(ticks),
            )  # fmt: skip
            return 0
        if len(words) < 2:
            raise errors.ConfigurationError("needs UPTIME TRAP-OID [OID TYPE VALUE]...")
        ticks, trap_oid = words[:2]
        rest = varbinds(words[2:]) if words[2:] else []
        if command == "inform":
            await sender.inform(trap_oid, rest, _uptime(ticks))
        else:
            await sender.send_trap(trap_oid, rest, _uptime(ticks))
        return 0
    except errors.SNMPTimeoutError:
        print(f"{tool}: Timeout", file=err)
        return 1
    except errors.SNMPError as exc:
        print(f"{tool}: {exc.error_str}", file=err)
        return 1
    finally:
        sender.close()


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise errors.ConfigurationError(f"{text!r} is not a number") from None


def _uptime(text: str) -> int | None:
    return None if text == "" else _int(text)


async def listen(
    address: str,
    options: dict[str, Any],
    fmt: ToolFormat,
    out: TextIO,
    stop_after: int | None = None,
) -> int:
    """``snmptrapd -f -Lo``: print notifications until SIGINT/SIGTERM (or ``stop_after``
    of them); 0."""
    host, _, port = address.removeprefix("udp:").rpartition(":")
    if not host:
        host, port = address.removeprefix("udp:") or "127.0.0.1", "162"
    host = host.strip("[]")
    kernel = Kernel()
    listener = SNMPTrapListener.create(
        kernel, Alias="trapd", LocalAddr=host, LocalPort=int(port), **options
    )
    listener.use_format(KEEP_RAW)
    local = f"[{host}]:{listener.port}"
    printed = 0

    async def on_trap(ev: Event) -> None:
        nonlocal printed
        source, version, raws, info = ev.args
        name = await _host_name(source[0])
        print(_lines(fmt, source, local, version, raws, info, name), file=out, flush=True)
        printed += 1
        if stop_after is not None and printed >= stop_after:
            kernel.stop()

    def start(ev: Event) -> None:
        ev.kernel.post("trapd", "subscribe", "trap")

    Session.create(kernel, {"_start": start, "trap": on_trap})
    print(f"snmp_component trapd listening on {local}", file=out, flush=True)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, kernel.stop)
    await kernel.run_async()
    return 0


async def _host_name(ip: str) -> str:
    """The sender's name as snmptrapd shows it (a reverse lookup; the address if none)."""
    try:
        name, _aliases, _addrs = await asyncio.to_thread(socket.gethostbyaddr, ip)
    except (OSError, UnicodeError):
        return ip
    return name


def _lines(
    fmt: ToolFormat,
    source: tuple[str, int],
    local: str,
    version: str,
    raws: Sequence[RawVarbind],
    info: TrapInfo,
    name: str,
) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    transport = f"UDP: [{source[0]}]:{source[1]}->{local}"
    if info.pdu != "trap-v1":
        body = "\t".join(fmt.line(raw) for raw in raws)
        return f"{stamp} {name} [{transport}]:\n{body}"
    # an SNMPv1 trap, from its RFC 3584 form: uptime, trap OID, varbinds, the added ones
    ticks = raws[0][2] if raws and isinstance(raws[0][2], int) else 0
    trap_oid = raws[1][2] if len(raws) > 1 and isinstance(raws[1][2], tuple) else ()
    own = [vb for vb in raws[2:] if vb[0] not in (SNMP_TRAP_ADDRESS, SNMP_TRAP_ENTERPRISE,
                                                  SNMP_TRAP_COMMUNITY)]  # fmt: skip
    added = {vb[0]: vb[2] for vb in raws[2:]}
    enterprise, generic, specific, _ = v2_to_v1(trap_oid, raws[2:])
    enterprise_value = added.get(SNMP_TRAP_ENTERPRISE)
    if isinstance(enterprise_value, tuple):
        enterprise = enterprise_value
    agent = added.get(SNMP_TRAP_ADDRESS)
    agent_text = str(ipaddress.IPv4Address(agent)) if isinstance(agent, bytes) else source[0]
    community = info.community.decode(errors="replace") if info.community else ""
    head = (f"{stamp} {agent_text} [{agent_text}] (via {transport}) TRAP, SNMP v1, "
            f"community {community}")  # fmt: skip
    code = str(specific)
    if generic == 6:  # enterprise specific: the last part of enterprise.0.specific's name
        base = enterprise if enterprise[-1:] == (0,) else (*enterprise, 0)
        code = fmt.name((*base, specific)).rsplit(".", 1)[-1]
    described = GENERIC_TRAPS[generic] if 0 <= generic <= 6 else "Unknown Type"
    trap = (f"\t{fmt.name(enterprise)} {described} Trap ({code}) "
            f"Uptime: {uptime(ticks, quick=False)}")  # fmt: skip
    return "\n".join([head, trap, *(f"\t{fmt.line(raw)}" for raw in own)])
