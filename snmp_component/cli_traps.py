"""``snmpc trap``, ``snmpc inform`` and ``snmpc trapd``: net-snmp's ``snmptrap``,
``snmpinform`` and ``snmptrapd -f -Lo`` on the package's sender and listener.

Arguments after the receiver, as snmptrap's (``apps/snmptrap.c``):

* SNMPv2c/v3: ``UPTIME TRAP-OID [OID TYPE VALUE]...``;
* SNMPv1: ``ENTERPRISE AGENT-ADDR GENERIC SPECIFIC UPTIME [OID TYPE VALUE]...``.

As snmptrap: an empty ``UPTIME`` is the host's uptime (``/proc/uptime``), an empty
``AGENT-ADDR`` the host's first IPv4 address on an interface that is up and not loopback,
an empty ``ENTERPRISE`` ``.1.3.6.1.4.1.3.1.1``; ``GENERIC``, ``SPECIFIC`` and the SNMPv1
``UPTIME`` are read as C's ``atoi``/``atol`` read them; the varbinds are sent as given
(a ``sysUpTime.0`` among them too) after ``sysUpTime.0`` and ``snmpTrapOID.0``; the SNMPv2
``UPTIME`` and ``TRAP-OID`` and every ``OID TYPE VALUE`` are read by ``snmp_add_var``
(:func:`~snmp_component.cli_values.add_var`: the MIB's checks, net-snmp's messages); the
first bad argument ends the command.

``trapd [ADDRESS]`` listens on ``ADDRESS`` (default ``127.0.0.1:162``) for the command
line's community (``-c``, default ``public``) or SNMPv3 user (``-u -l -a -A -x -X``) and
prints every notification as ``snmptrapd -f -Lo`` does (``apps/snmptrapd_log.c``): a
header line with the time, the sender's name and the transport, then the varbinds
tab-separated; an SNMPv1 trap as the enterprise, generic trap and uptime line, then its
varbinds on one line, each after a tab. ``-O`` letters apply as snmptrapd's (``-Oq`` and
``-Ot`` to the SNMPv1 uptime too); ``-Ov`` prints every value (snmptrapd 5.9.3 keeps
only the last one of each notification, and for an SNMPv1 trap not its header either).
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
import socket
import struct
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO, cast

from . import errors
from ._core.oid import Oid
from ._core.pdu import RawVarbind
from ._core.sprint import uptime
from .cli_usage import oid_words, stale_detail
from .cli_values import AddVarError, add_var, atoi, log_once, read_oid, strtol
from .kernel import Event, Kernel, Session
from .toolformat import ToolFormat
from .traps import SNMPTrapListener, TrapInfo, TrapSender
from .varformat import KEEP_RAW

__all__ = ["GENERIC_TRAPS", "host_address", "host_uptime", "listen", "send"]

GENERIC_TRAPS = ("Cold Start", "Warm Start", "Link Down", "Link Up",
                 "Authentication Failure", "EGP Neighbor Loss", "Enterprise Specific")  # fmt: skip
"""How snmptrapd names SNMPv1's generic traps 0..6."""

_DEFAULT_ENTERPRISE: Oid = (1, 3, 6, 1, 4, 1, 3, 1, 1)  # snmptrap's objid_enterprise
_SYS_UP_TIME: Oid = (1, 3, 6, 1, 2, 1, 1, 3, 0)
_SNMP_TRAP_OID: Oid = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)


class NotifyError(Exception):
    """A message snmptrap prints on stderr before it exits with 1 (no prefix)."""


# ====================================================================== sending
async def send(
    command: str,
    options: dict[str, Any],
    words: list[str],
    err: TextIO,
) -> int:
    """Send one trap (``command`` ``trap``) or inform as snmptrap / snmpinform do; the
    exit code (0: sent, or for an inform answered). The ``OID TYPE VALUE`` triples in
    ``words`` are read one by one, as snmptrap reads them, stopping at the first bad one."""
    version = str(options.get("Version", "2c"))
    sender = TrapSender(None, **options)
    inform = command == "inform"
    tool = "snmpinform" if inform else "snmptrap"
    warn = log_once(lambda message: print(message, file=err))

    try:
        try:  # the session first, as snmptrap opens it before it reads the arguments
            await sender.resolve()
        except errors.TransportError:  # (net-snmp 5.9.3: "snmptrap: " and no reason)
            raise NotifyError(f"{tool}: Unknown host ({sender.opts.host})") from None
        if version == "1":
            if inform:
                raise NotifyError("Cannot send INFORM as SNMPv1 PDU")
            enterprise, agent, generic, specific, ticks = await _v1_header(words)
            rest = _triples(words[5:], warn)
            await sender.send_v1_trap(enterprise, agent, generic, specific, rest, ticks)
            return 0
        ticks, trap_oid = _v2_header(words, warn)
        rest = _triples(words[2:], warn)
        if inform:
            await sender.inform(trap_oid, rest, ticks, dedupe=False)
        else:
            await sender.send_trap(trap_oid, rest, ticks, dedupe=False)
        return 0
    except (NotifyError, AddVarError) as exc:
        print(str(exc), file=err)
        return 1
    except errors.ErrorStatusError:
        return 0  # snmpinform: any Response acknowledges the inform
    except errors.SNMPTimeoutError:
        print(f"{tool}: Timeout", file=err)
        return 1
    except errors.SNMPError as exc:
        # (what net-snmp read as OIDs: the enterprise or the trap OID, then the triples')
        parsed = [words[0], *oid_words(words[5:])] if version == "1" else [
            words[1], *oid_words(words[2:])]  # fmt: skip
        print(f"{tool}: {exc.error_str}{stale_detail(parsed)}", file=err)
        return 1
    finally:
        sender.close()


async def _v1_header(words: list[str]) -> tuple[Oid, bytes, int, int, int]:
    """snmptrap's SNMPv1 arguments: enterprise, agent address, generic, specific, uptime."""
    if not words:
        raise NotifyError("No enterprise oid")
    enterprise = read_oid(words[0]) if words[0] else _DEFAULT_ENTERPRISE
    if len(words) < 2:
        raise NotifyError("Missing agent parameter")
    agent = await _agent_address(words[1]) if words[1] else host_address()
    if len(words) < 3:
        raise NotifyError("Missing generic-trap parameter")
    generic = atoi(words[2])
    if len(words) < 4:
        raise NotifyError("Missing specific-trap parameter")
    specific = atoi(words[3])
    if len(words) < 5:
        raise NotifyError("Missing uptime parameter")
    ticks = host_uptime() if not words[4] else strtol(words[4])[0] & 0xFFFFFFFF  # atol
    return enterprise, agent, generic, specific, ticks


def _v2_header(words: list[str], warn: Callable[[str], None]) -> tuple[int, Oid]:
    """snmptrap's SNMPv2 arguments: the uptime and the trap OID, each read by snmp_add_var
    as a value of ``sysUpTime.0`` and of ``snmpTrapOID.0``."""
    if not words:
        raise NotifyError("Missing up-time parameter")
    ticks = host_uptime()
    if words[0]:  # (a bad one: snmptrap sends the trap without sysUpTime.0, against RFC 3416)
        ticks = cast(int, add_var(words[0], _SYS_UP_TIME, "t", words[0], warn)[2])
    if len(words) < 2:
        raise NotifyError("Missing trap-oid parameter")
    return ticks, cast(Oid, add_var(words[1], _SNMP_TRAP_OID, "o", words[1], warn)[2])


def _triples(words: Sequence[str], warn: Callable[[str], None]) -> list[RawVarbind]:
    """snmptrap's ``OID TYPE VALUE`` triples, each as ``snmp_add_var`` reads it."""
    out: list[RawVarbind] = []
    for k in range(0, len(words), 3):
        if k + 3 > len(words):
            raise NotifyError(f"{words[k]}: Missing type/value for variable")
        name, letter, value = words[k : k + 3]
        out.append(add_var(name, read_oid(name), letter[:1], value, warn))
    return out


async def _agent_address(text: str) -> bytes:
    """``netsnmp_gethostbyname_v4``: the agent address of a name or an IPv4 address."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(text, None, family=socket.AF_INET, type=socket.SOCK_DGRAM)
    except (OSError, UnicodeError):
        infos = []
    if not infos:
        raise NotifyError(f"unknown host: {text}")
    return socket.inet_aton(str(infos[0][4][0]))


def host_uptime() -> int:
    """net-snmp's ``get_uptime()``: the host's uptime in hundredths of a second (on Linux
    ``/proc/uptime``'s first field; elsewhere the monotonic clock, which counts from boot
    on most systems), as TimeTicks."""
    try:
        with open("/proc/uptime", encoding="ascii") as f:
            match = re.match(r"(\d+)\.(\d+)", f.read())
    except OSError:
        match = None
    if match is None:
        return int(time.monotonic() * 100) & 0xFFFFFFFF
    return (int(match[1]) * 100 + int(match[2])) & 0xFFFFFFFF


def host_address() -> bytes:
    """net-snmp's ``get_myaddr()``: the IPv4 address of the first interface (in the
    kernel's ``SIOCGIFCONF`` order) that is up, running and not loopback; ``0.0.0.0``
    when there is none or the host cannot say (outside Linux)."""
    none = b"\0\0\0\0"
    if not sys.platform.startswith("linux"):
        return none
    import array
    import fcntl

    ifreq = 40 if struct.calcsize("P") == 8 else 32
    siocgifconf, siocgifflags = 0x8912, 0x8913
    up_running, loopback = 0x1 | 0x40, 0x8
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        count, last = 8, -1
        while True:  # grow the buffer until the answer stops growing (as get_myaddr)
            buf = array.array("B", bytes(count * ifreq))
            request = struct.pack("iP", len(buf), buf.buffer_info()[0])
            try:
                size = struct.unpack("iP", fcntl.ioctl(sock.fileno(), siocgifconf, request))[0]
            except OSError:
                return none
            if size == last or size < len(buf) - ifreq:
                break
            count, last = count + 8, size
        table = buf.tobytes()[:size]
        for at in range(0, len(table) - ifreq + 1, ifreq):
            entry = table[at : at + ifreq]
            if struct.unpack_from("H", entry, 16)[0] != socket.AF_INET:
                continue
            addr = entry[20:24]
            try:
                flags = fcntl.ioctl(sock.fileno(), siocgifflags, entry[:16] + bytes(ifreq - 16))
            except OSError:
                continue
            bits = struct.unpack_from("h", flags, 16)[0]
            if bits & up_running == up_running and not bits & loopback and addr != b"\x7f\0\0\1":
                return addr
    return none


# ====================================================================== receiving
async def listen(
    address: str,
    options: dict[str, Any],
    fmt: ToolFormat,
    out: TextIO,
    stop_after: int | None = None,
) -> int:
    """``snmptrapd -f -Lo``: print notifications until SIGINT/SIGTERM (or ``stop_after``
    of them) arrive at ``address`` (:func:`listen_address`); 0."""
    host, port = listen_address(address)
    kernel = Kernel()
    listener = SNMPTrapListener.create(
        kernel, Alias="trapd", LocalAddr=host, LocalPort=port, **options
    )
    listener.use_format(KEEP_RAW)
    printed = 0
    loop = asyncio.get_running_loop()
    previous: asyncio.Future[None] | None = None  # the last notification's printing

    async def on_trap(ev: Event) -> None:
        nonlocal printed, previous
        source, _version, raws, info = ev.args
        before = previous
        previous = mine = loop.create_future()
        try:
            name = await _host_name(source[0])
            if before is not None:  # in arrival order, however long each name lookup takes
                await before
            print(_lines(fmt, source, raws, info, name, listener.port), file=out, flush=True)
            printed += 1
            if stop_after is not None and printed >= stop_after:
                kernel.stop()
        finally:
            mine.set_result(None)

    def start(ev: Event) -> None:
        ev.kernel.post("trapd", "subscribe", "trap")

    Session.create(kernel, {"_start": start, "trap": on_trap})
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, kernel.stop)
    # the signals stop it cleanly from here on (a test may send SIGTERM on this line)
    print(f"snmp_component trapd listening on [{host}]:{listener.port}", file=out, flush=True)
    await kernel.run_async()
    return 0


def listen_address(address: str) -> tuple[str, int]:
    """snmptrapd's listening address as ``(host, port)``: ``[udp:]HOST[:PORT]``,
    ``udp6:[ADDR][:PORT]`` or ``[ADDR]:PORT``; a port alone (``udp:1162``, ``1162``) is on
    every address, as snmptrapd's; the port defaults to 162.

    Raises:
        ConfigurationError: a transport other than UDP, or a port that is no number.
    """
    spec = address
    six = spec.lower().startswith("udp6:")
    transport, colon, rest = spec.partition(":")
    if colon and transport.lower() in ("udp", "udp6"):
        spec = rest
    elif colon and transport.lower() in ("tcp", "tcp6", "unix", "dtlsudp", "tls", "tlstcp"):
        raise errors.ConfigurationError(f"{address}: only UDP transports are supported")
    if spec.isdigit():
        return ("::" if six else "0.0.0.0"), int(spec)
    if spec.startswith("["):
        host, _, tail = spec[1:].partition("]")
        port = tail.removeprefix(":") or "162"
    elif spec.count(":") == 1:
        host, _, port = spec.partition(":")
    else:  # a name, an IPv4 address or an IPv6 one without brackets: no port
        host, port = spec, "162"
    if not port.isdigit():
        raise errors.ConfigurationError(f"{address}: bad port {port!r}")
    return host or ("::" if six else "0.0.0.0"), int(port)


async def _host_name(ip: str) -> str:
    """The sender's name as snmptrapd shows it: a reverse lookup, ``<UNKNOWN>`` if none."""
    try:
        name, _aliases, _addrs = await asyncio.to_thread(socket.gethostbyaddr, ip)
    except (OSError, UnicodeError):
        return "<UNKNOWN>"
    return name


def _transport(source: tuple[str, int], info: TrapInfo, port: int) -> str:
    """The transport as net-snmp's UDP transports format it (``f_fmtaddr``)."""
    if ":" in source[0]:
        return f"UDP/IPv6: [{source[0]}]:{source[1]}"
    local = info.local or ("0.0.0.0", port)
    return f"UDP: [{source[0]}]:{source[1]}->[{local[0]}]:{local[1]}"


def _printable(octets: bytes) -> str:
    """A community or user name as snmptrapd prints it: ``.`` for what is not printable."""
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in octets)


def _lines(
    fmt: ToolFormat,
    source: tuple[str, int],
    raws: Sequence[RawVarbind],
    info: TrapInfo,
    name: str,
    port: int,
) -> str:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    transport = _transport(source, info, port)
    if info.pdu != "trap-v1":
        body = "\t".join(fmt.line(raw) for raw in raws)
        return f"{stamp} {name} [{transport}]:\n{body}"
    # an SNMPv1 trap (realloc_format_plain_trap): its fields, its own varbinds
    ticks = raws[0][2] if raws and isinstance(raws[0][2], int) else 0
    own = raws[2 : len(raws) - info.appended]
    enterprise = info.enterprise or ()
    generic = info.generic_trap if info.generic_trap is not None else 0
    specific = info.specific_trap if info.specific_trap is not None else 0
    agent = info.agent_addr or "0.0.0.0"
    community = _printable(info.community or b"")
    head = (f"{stamp} {agent} [{agent}] (via {transport}) TRAP, SNMP v1, "
            f"community {community}")  # fmt: skip
    code = str(specific)
    if generic == 6:  # enterprise specific: the last part of enterprise.0.specific's name
        base = enterprise if enterprise[-1:] == (0,) else (*enterprise, 0)
        code = fmt.name((*base, specific)).rsplit(".", 1)[-1]
    described = GENERIC_TRAPS[generic] if 0 <= generic <= 6 else "Unknown Type"
    style = fmt.options
    shown = str(ticks) if style.style.numeric_timeticks else uptime(ticks, quick=style.quick)
    trap = f"\t{fmt.name(enterprise)} {described} Trap ({code}) Uptime: {shown}"
    return "\n".join([head, trap, "".join(f"\t{fmt.line(raw)}" for raw in own)])
