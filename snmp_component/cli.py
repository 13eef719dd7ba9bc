"""``snmpc``: net-snmp style command-line tools on the awaitable API.

``python -m snmp_component get|getnext|walk|bulkwalk|set|table [options] host[:port] OID...``
(also installed as ``snmpc``) takes net-snmp's common options (``-v -c -u -l -a -A -x -X -t
-r``, ``-Cr<N>`` for ``bulkwalk``/``table``, ``-On``) and prints what ``snmpget`` and
friends print with their default output options and ``-m ALL`` over the MIBs the package
ships: ``SNMPv2-MIB::sysName.0 = STRING: anchor-agent``, exceptions and errors in
net-snmp's words, net-snmp's exit codes (0 success, 1 timeouts and local errors, 2 an
error-status from the agent).

Names (``MODULE::label.index``) follow net-snmp's choices: where several modules define
the same OID, the module net-snmp loads first with ``-m ALL`` wins (see
:data:`_FIRST_LOADED`), and table indexes are broken down by the row's INDEX clause
(integers, IP addresses, ``"strings"``); values are net-snmp's ``snprint_value`` without
quick-print (:func:`~snmp_component._core.sprint.sprint_value` with ``quick=False``).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from . import errors, names
from ._core import ber
from ._core.cache import ByteCache, MiB
from ._core.mibindex import MibIndex, MibNode
from ._core.oid import format_oid, parse_oid
from ._core.pdu import Oid, RawValue
from ._core.sprint import sprint_value
from .component import SNMPComponent, SNMPSession
from .kernel import Kernel
from .options import split_local
from .varbind import Varbind, VarList

__all__ = ["main"]

COMMANDS = ("get", "getnext", "walk", "bulkwalk", "set", "table")

# net-snmp's tool names, for messages prefixed with the program name.
_TOOL = {
    "get": "snmpget",
    "getnext": "snmpgetnext",
    "walk": "snmpwalk",
    "bulkwalk": "snmpbulkwalk",
    "set": "snmpset",
    "table": "snmptable",
}

# Where several modules define a node at one OID, net-snmp (-m ALL) names it after the module
# it loaded first: modules load in reverse alphabetical order, each after its imports. For the
# shipped MIBs that order differs from plain reverse alphabetical only for these modules
# (checked against snmptranslate -m ALL for every OID defined by more than one module).
_FIRST_LOADED = (
    "SNMPv2-SMI",
    "UDP-MIB",
    "TCP-MIB",
    "SNMPv2-MIB",
    "IF-MIB",
    "HOST-RESOURCES-MIB",
    "DISMAN-EXPRESSION-MIB",
    "RFC1213-MIB",
)
_TOP_LEVEL = frozenset({(0,), (1,), (2,)})  # ccitt, iso, joint-iso-ccitt: printed bare

# net-snmp type name (Varbind.type) -> BER tag, to feed the value printers.
_TAG_OF_TYPE = {
    "INTEGER": ber.INTEGER,
    "INTEGER32": ber.INTEGER,
    "OCTETSTR": ber.OCTET_STRING,
    "BITS": ber.OCTET_STRING,
    "NULL": ber.NULL,
    "OBJECTID": ber.OBJECT_IDENTIFIER,
    "IPADDR": ber.IPADDRESS,
    "COUNTER": ber.COUNTER32,
    "GAUGE": ber.GAUGE32,
    "UNSIGNED32": ber.GAUGE32,
    "TICKS": ber.TIMETICKS,
    "OPAQUE": ber.OPAQUE,
    "COUNTER64": ber.COUNTER64,
    "UINTEGER": ber.UINTEGER32,
    "NSAPADDRESS": ber.NSAP_ADDRESS,
    "NOSUCHOBJECT": ber.NO_SUCH_OBJECT,
    "NOSUCHINSTANCE": ber.NO_SUCH_INSTANCE,
    "ENDOFMIBVIEW": ber.END_OF_MIB_VIEW,
}
_EXCEPTIONS = frozenset({ber.NO_SUCH_OBJECT, ber.NO_SUCH_INSTANCE, ber.END_OF_MIB_VIEW})

# snmpset's one-letter types -> the component's type names ("=" / None: from the MIB).
_SET_TYPES = {
    "i": "INTEGER",
    "u": "UNSIGNED32",
    "t": "TICKS",
    "a": "IPADDR",
    "o": "OBJECTID",
    "s": "OCTETSTR",
    "x": "OCTETSTR",
    "d": "OCTETSTR",
    "n": "NULL",
    "c": "COUNTER",
    "C": "COUNTER64",
    "b": "BITS",
    "=": None,
}
# snmpset's client-side check: the MIB types each letter may be used for, and net-snmp's
# names of the types in "Bad variable type (Type of attribute is X, not Y)".
_LETTER_FITS = {
    "i": frozenset({"INTEGER", "INTEGER32"}),
    "u": frozenset({"GAUGE", "UNSIGNED32"}),
    "t": frozenset({"TICKS"}),
    "a": frozenset({"IPADDR"}),
    "o": frozenset({"OBJECTID"}),
    "s": frozenset({"OCTETSTR", "BITS"}),
    "x": frozenset({"OCTETSTR", "BITS"}),
    "d": frozenset({"OCTETSTR", "BITS"}),
    "b": frozenset({"BITS"}),
    "c": frozenset({"COUNTER"}),
    "C": frozenset({"COUNTER64"}),
}
_LETTER_TYPE_NAME = {
    "i": "INTEGER",
    "u": "Unsigned32",
    "t": "Timeticks",
    "a": "IpAddress",
    "o": "OBJECT IDENTIFIER",
    "s": "OCTET STRING",
    "x": "OCTET STRING",
    "d": "OCTET STRING",
}
_MIB_TYPE_NAME = {
    "INTEGER": "INTEGER",
    "INTEGER32": "INTEGER",
    "OCTETSTR": "OCTET STRING",
    "OBJECTID": "OBJECT IDENTIFIER",
    "IPADDR": "IpAddress",
    "COUNTER": "Counter32",
    "GAUGE": "Gauge32",
    "UNSIGNED32": "Unsigned32",
    "TICKS": "Timeticks",
    "COUNTER64": "Counter64",
    "BITS": "BITS",
    "OPAQUE": "Opaque",
}
_INT_TYPES = frozenset({"INTEGER", "INTEGER32", "UNSIGNED32", "GAUGE", "COUNTER", "TICKS"})

_PROGRESS_EVERY = 1000  # rows between progress lines on a terminal


class UsageError(Exception):
    """Bad command line: printed with the usage, exit code 1."""


# -- names ----------------------------------------------------------------------------------------


class Namer:
    """OIDs as net-snmp prints them by default (``MODULE::label.index``) or with ``-On``."""

    def __init__(self, numeric: bool) -> None:
        self.numeric = numeric
        self._index: MibIndex | None = None
        self._winner: dict[Oid, MibNode] = {}
        self._cache: ByteCache[Oid, str] = ByteCache("cli.names", budget=2 * MiB)

    @property
    def index(self) -> MibIndex:
        if self._index is None:
            index = self._index = names.mib_index()
            rank = {module: n for n, module in enumerate(_FIRST_LOADED)}
            by_oid: dict[Oid, list[MibNode]] = {}
            for node in index.nodes:
                by_oid.setdefault(node.oid, []).append(node)
            for oid, nodes in by_oid.items():
                if len({node.module for node in nodes}) > 1:
                    first_rank = min(nodes, key=lambda n: rank.get(n.module, len(rank)))
                    if first_rank.module in rank:
                        self._winner[oid] = first_rank
                    else:
                        self._winner[oid] = max(nodes, key=lambda n: n.module)
        return self._index

    def node(self, oid: Oid) -> MibNode | None:
        """The node net-snmp names ``oid`` after: its longest known prefix."""
        index = self.index
        for k in range(len(oid), 0, -1):
            prefix = oid[:k]
            node = self._winner.get(prefix) or index.node_at(prefix)
            if node is not None:
                return node
        return None

    def __call__(self, oid: Oid) -> str:
        if self.numeric:
            return format_oid(oid)
        text = self._cache.get(oid)
        if text is None:
            text = self._cache.put(oid, self._name(oid))
        return text

    def _name(self, oid: Oid) -> str:
        node = self.node(oid)
        if node is None:
            return format_oid(oid)
        label = node.name if node.oid in _TOP_LEVEL else f"{node.module}::{node.name}"
        rest = oid[len(node.oid) :]
        if not rest:
            return label
        return f"{label}.{self._instance(node, rest)}"

    def _instance(self, node: MibNode, rest: Oid) -> str:
        """The index part, broken down by the INDEX clause of ``node``'s row when it has one."""
        plain = ".".join(map(str, rest))
        if node.kind != "column":
            return plain
        row = self.index.node_at(node.oid[:-1])
        while row is not None and row.augments and not row.indexes:
            row = self._resolve(row.augments)
        if row is None or not row.indexes:
            return plain
        parts: list[str] = []
        arcs = list(rest)
        for k, name in enumerate(row.indexes):
            index_node = self._resolve(name)
            if index_node is None or not arcs:
                return plain
            last = k == len(row.indexes) - 1
            piece = _index_piece(index_node, arcs, implied=last and row.implied)
            if piece is None:
                return plain
            parts.append(piece)
        if arcs:
            return plain
        return ".".join(parts)

    def _resolve(self, name: str) -> MibNode | None:
        try:
            return self.index.resolve_name(name)
        except KeyError:
            return None


def _index_piece(node: MibNode, arcs: list[int], implied: bool) -> str | None:
    """One INDEX component taken from the front of ``arcs`` (consumed), or ``None``."""
    kind = node.type or ""
    if kind in _INT_TYPES:
        number = arcs.pop(0)
        for label, value in (node.enums or {}).items():
            if value == number:
                return label
        return str(number)
    if kind == "IPADDR":
        if len(arcs) < 4:
            return None
        quad = [arcs.pop(0) for _ in range(4)]
        return ".".join(map(str, quad))
    if kind == "OBJECTID":  # printed as received: length, then the arcs
        size = arcs.pop(0)
        if size > len(arcs):
            return None
        return ".".join(map(str, [size, *(arcs.pop(0) for _ in range(size))]))
    if kind == "OCTETSTR":
        if implied:
            size = len(arcs)
        else:
            size = arcs.pop(0)
            if size > len(arcs):
                return None
        octets = [arcs.pop(0) for _ in range(size)]
        if any(b > 0xFF for b in octets):
            return None
        quote = "'" if implied else '"'
        return quote + "".join(chr(b) if 0x20 <= b <= 0x7E else "." for b in octets) + quote
    return None


# -- values ---------------------------------------------------------------------------------------


def raw_value(vb: Varbind) -> tuple[int, RawValue]:
    """``(BER tag, raw value)`` back from a plain ``Varbind`` (``UseNumeric``, no
    ``UseSprintValue``/``UseEnums``): the inverse of the component's conversion."""
    kind = str(vb.type)
    tag = _TAG_OF_TYPE.get(kind, ber.OCTET_STRING)
    if kind.startswith("UNKNOWN-0x"):  # a tag no SMI type has: its raw octets, kept
        tag = int(kind[len("UNKNOWN-") :], 16)
    val = vb.val
    if tag in _EXCEPTIONS or tag == ber.NULL:
        return tag, None
    if tag == ber.OBJECT_IDENTIFIER:
        return tag, parse_oid(str(val))
    if tag == ber.IPADDRESS and isinstance(val, str):
        return tag, bytes(int(part) for part in val.split("."))
    if isinstance(val, str):
        return tag, val.encode()
    return tag, val


def _is_exception(vb: Varbind) -> bool:
    return _TAG_OF_TYPE.get(str(vb.type)) in _EXCEPTIONS


def vb_oid(vb: Varbind) -> Oid:
    """The OID of a ``UseNumeric`` varbind."""
    text = str(vb.tag) if vb.iid in ("", None) else f"{vb.tag}.{vb.iid}"
    return parse_oid(text)


class Printer:
    """net-snmp's ``print_variable``: ``NAME = TYPE: value``."""

    def __init__(self, numeric: bool, out: TextIO) -> None:
        self.namer = Namer(numeric)
        self.out = out

    def value(self, oid: Oid, vb: Varbind) -> str:
        tag, raw = raw_value(vb)
        return sprint_value(tag, raw, names.node_of(oid), oid_text=self.namer, quick=False)

    def line(self, vb: Varbind) -> str:
        oid = vb_oid(vb)
        return f"{self.namer(oid)} = {self.value(oid, vb)}"

    def print(self, varbinds: Sequence[Varbind]) -> None:
        for vb in varbinds:
            print(self.line(vb), file=self.out)


# -- command line ---------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snmpc",
        description="net-snmp style SNMP tools on snmp_component.",
        epilog="set takes OID TYPE VALUE triples; TYPE is one of: i u t a o s x d n c C b =",
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument(
        "-v",
        dest="version",
        default="2c",
        choices=("1", "2c", "3"),
        help="SNMP version (default 2c)",
    )
    parser.add_argument("-c", dest="community", default="public", help="community string")
    parser.add_argument("-u", dest="secname", help="SNMPv3 security name")
    parser.add_argument(
        "-l",
        dest="seclevel",
        choices=("noAuthNoPriv", "authNoPriv", "authPriv"),
        help="SNMPv3 security level",
    )
    parser.add_argument("-a", dest="authproto", help="MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512")
    parser.add_argument("-A", dest="authpass", help="authentication pass phrase")
    parser.add_argument("-x", dest="privproto", help="DES|AES|AES-192|AES-256|AES-192-C|...")
    parser.add_argument("-X", dest="privpass", help="privacy pass phrase")
    parser.add_argument(
        "-t", dest="timeout", type=float, default=1.0, help="timeout in seconds (default 1)"
    )
    parser.add_argument("-r", dest="retries", type=int, default=5, help="retries (default 5)")
    parser.add_argument(
        "-C",
        dest="appopts",
        action="append",
        default=[],
        help="application options: r<N> max-repetitions, n<N> non-repeaters",
    )
    parser.add_argument(
        "-O", dest="outopts", action="append", default=[], help="output options: n (numeric OIDs)"
    )
    parser.add_argument(
        "--clientaddr",
        metavar="ADDR[:PORT]",
        help="source address (and port) of requests, as net-snmp's clientaddr: "
        "127.0.0.2, 127.0.0.2:5000, udp:127.0.0.2:5000, [::1]:5000",
    )
    parser.add_argument("agent", help="host, host:port, udp:host:port, [v6]:port")
    parser.add_argument("oids", nargs="*", help="OIDs (set: OID TYPE VALUE triples)")
    return parser


def _app_options(values: list[str]) -> dict[str, int]:
    found = {"r": 10, "n": 0}
    for value in values:
        for letter in "rn":
            if value.startswith(letter) and value[1:].isdigit():
                found[letter] = int(value[1:])
                break
        else:
            raise UsageError(f"Unknown application option -C{value}")
    return found


def _component_options(args: argparse.Namespace) -> dict[str, Any]:
    if args.timeout <= 0:
        raise UsageError(f"Invalid timeout -t {args.timeout}")
    opts: dict[str, Any] = {
        "DestHost": args.agent,
        "Version": args.version,
        "Timeout": round(args.timeout * 1_000_000),
        "Retries": args.retries,
        "UseNumeric": 1,
    }
    if args.version == "3":
        if not args.secname:
            raise UsageError("No securityName specified (-u)")
        opts["SecName"] = args.secname
        level = args.seclevel or "noAuthNoPriv"
        opts["SecLevel"] = level
        if level != "noAuthNoPriv":
            opts["AuthProto"] = args.authproto or "MD5"
            opts["AuthPass"] = args.authpass or ""
        if level == "authPriv":
            opts["PrivProto"] = args.privproto or "DES"
            opts["PrivPass"] = args.privpass or ""
    else:
        opts["Community"] = args.community
    if args.clientaddr:
        opts["LocalAddr"], opts["LocalPort"] = split_local(args.clientaddr)
    return opts


def _set_varbinds(words: list[str]) -> list[Varbind]:
    if not words:
        raise UsageError("Missing object name")
    varbinds = []
    for k in range(0, len(words), 3):
        oid, letter, value = [*words[k : k + 3], "", ""][:3]
        if k + 1 >= len(words):
            raise UsageError(f"{oid}: Needs type and value")
        if k + 2 >= len(words):
            raise UsageError(f"{oid}: Needs value")
        if letter not in _SET_TYPES:
            raise UsageError(f"{oid}: Bad object type: {letter}")
        target = _request_oid(oid)
        _check_set_type(oid, parse_oid(target), letter, value)
        kind = _SET_TYPES[letter]
        val: Any = value
        if letter == "x":
            try:
                val = bytes.fromhex(value.replace(":", " ").replace(".", " "))
            except ValueError:
                raise UsageError(f"{oid}: Bad value: {value}") from None
        elif letter == "d":
            try:
                val = bytes(int(part) for part in value.replace(".", " ").split())
            except ValueError:
                raise UsageError(f"{oid}: Bad value: {value}") from None
        elif kind in _INT_TYPES and value.lstrip("-").isdigit():
            val = int(value)
        varbinds.append(Varbind(target, "", val, kind))
    return varbinds


def _check_set_type(oid: str, target: Oid, letter: str, value: str) -> None:
    """snmpset's checks of a value against the MIB before anything is sent."""
    node = names.object_of(target)
    if node is None or node.type is None or letter not in _LETTER_FITS:
        return
    if node.type not in _LETTER_FITS[letter]:
        if letter not in _LETTER_TYPE_NAME:
            raise UsageError(f"{oid}: Bad object type: {letter}")
        have = _MIB_TYPE_NAME.get(node.type, node.type)
        raise UsageError(
            f"{oid}: Bad variable type (Type of attribute is {have}, "
            f"not {_LETTER_TYPE_NAME[letter]})"
        )
    if letter == "i" and node.enums and not value.lstrip("-").isdigit():
        if value not in node.enums:
            raise UsageError(f"{oid}: Value out of range ({value})")


def _request_oid(text: str) -> str:
    """A requested OID as the component takes it (names resolved here, so errors say which)."""
    try:
        return format_oid(names.resolve(text))
    except errors.UnknownObjectError:
        detail = ""
        first = text.split(".")[0]
        if first and "::" not in text and not first.isdigit():
            try:
                names.mib_index().resolve_name(first)
            except KeyError:
                detail = f" (Sub-id not found: (top) -> {first})"
        raise UsageError(f"{text}: Unknown Object Identifier{detail}") from None


class Runner:
    """One command against one agent; ``run`` returns the exit code."""

    def __init__(self, args: argparse.Namespace, out: TextIO, err: TextIO) -> None:
        self.args = args
        self.out = out
        self.err = err
        self.numeric = "n" in "".join(args.outopts)
        self.printer = Printer(self.numeric, out)
        self.tool = _TOOL[args.command]
        self.progress = err.isatty()

    async def run(self) -> int:
        args = self.args
        kernel = Kernel()
        try:
            snmp = SNMPComponent.create(kernel, **_component_options(args))
        except errors.ConfigurationError as exc:
            print(f"{self.tool}: {exc.error_str}", file=self.err)
            return 1
        try:
            handler: Callable[[SNMPSession], Any] = getattr(self, "_" + args.command)
            code: int = await handler(snmp)
            return code
        except errors.SNMPTimeoutError:
            dot = "." if args.command in ("get", "getnext") else ""
            print(f"Timeout: No Response from {args.agent}{dot}", file=self.err)
            return 1
        except errors.ErrorStatusError as exc:
            self._status_error(exc)
            return 2
        except errors.SNMPError as exc:
            print(f"{self.tool}: {exc.error_str}", file=self.err)
            return 1
        finally:
            snmp.finish()

    def _status_error(self, exc: errors.ErrorStatusError) -> None:
        dot = "" if self.args.command == "get" else "."
        print(f"Error in packet{dot}", file=self.err)
        print(f"Reason: {exc.error_str}", file=self.err)
        if exc.oid is not None:
            name = self.printer.namer(parse_oid(exc.oid))
            print(f"Failed object: {name}", file=self.err)
            print("", file=self.err)

    def _oids(self, default: str | None = None) -> list[str]:
        words = self.args.oids or ([default] if default else [])
        if not words:
            raise UsageError("Missing object name")
        return [_request_oid(word) for word in words]

    async def _get(self, snmp: SNMPSession) -> int:
        oids = self._oids()
        code = 0
        while oids:
            try:
                varlist = await snmp.get(*oids)
            except errors.NoSuchName as exc:
                # SNMPv1: net-snmp reports the failed object and asks again without it
                self._status_error(exc)
                code = 2
                if not 0 < exc.index <= len(oids) or len(oids) == 1:
                    break
                del oids[exc.index - 1]
                continue
            self.printer.print(varlist)
            break
        return code

    async def _getnext(self, snmp: SNMPSession) -> int:
        self.printer.print(await snmp.getnext(*self._oids()))
        return 0

    async def _set(self, snmp: SNMPSession) -> int:
        self.printer.print(await snmp.set(*_set_varbinds(self.args.oids)))
        return 0

    async def _walk(self, snmp: SNMPSession) -> int:
        return await self._walk_with(snmp, lambda oid: snmp.walk(oid))

    async def _bulkwalk(self, snmp: SNMPSession) -> int:
        app = _app_options(self.args.appopts)
        return await self._walk_with(snmp, lambda oid: snmp.bulkwalk(app["n"], app["r"], oid))

    async def _walk_with(self, snmp: SNMPSession, walk: Callable[[str], Any]) -> int:
        oids = self._oids(".1.3.6.1.2.1")
        if len(oids) > 1:
            raise UsageError("walk takes one OID")
        root = parse_oid(oids[0])
        lists: list[VarList] = await walk(oids[0])
        rows = [vb for varlist in lists for vb in varlist]
        if not rows:
            return await self._empty_walk(snmp, oids[0], root)
        for count, vb in enumerate(rows, 1):
            print(self.printer.line(vb), file=self.out)
            if self.progress and count % _PROGRESS_EVERY == 0:
                print(f"\r{count} rows ...", end="", file=self.err, flush=True)
        if self.progress and len(rows) >= _PROGRESS_EVERY:
            print("\r" + " " * 24 + "\r", end="", file=self.err, flush=True)
        if self.args.version != "1":
            # the walk ended on an exception (endOfMibView) still inside the subtree: snmpwalk
            # prints that varbind too; the walk API drops it, so ask once more
            last = vb_oid(rows[-1])
            varlist = await snmp.getnext(format_oid(last))
            self.printer.print(
                [vb for vb in varlist if _is_exception(vb) and vb_oid(vb)[: len(root)] == root]
            )
        return 0

    async def _empty_walk(self, snmp: SNMPSession, oid: str, root: Oid) -> int:
        """As snmpwalk when nothing came back: an exception inside the subtree is printed,
        SNMPv1's noSuchName is "End of MIB", otherwise the root itself is fetched (GET)."""
        try:
            varlist = await snmp.getnext(oid)
        except errors.NoSuchName:
            if self.args.version != "1":
                raise
            print("End of MIB", file=self.out)
            return 0
        inside = [vb for vb in varlist if vb_oid(vb)[: len(root)] == root]
        if inside:
            self.printer.print(inside)
            return 0
        self.printer.print(await snmp.get(oid))
        return 0

    async def _table(self, snmp: SNMPSession) -> int:
        """``snmptable``'s default layout: a title, then right-aligned columns."""
        words = self.args.oids
        if len(words) != 1:
            raise UsageError("table takes one table name")
        app = _app_options(self.args.appopts)
        index = names.mib_index()
        table_oid = names.resolve(words[0])
        entry = next((n for n in index.nodes if n.kind == "row" and n.oid[:-1] == table_oid), None)
        if entry is None:
            print(f"{words[0]}: Not a table", file=self.err)
            return 1
        columns: dict[int, str] = {}
        for node in index.nodes:
            if node.oid[:-1] == entry.oid and node.access not in (None, "not-accessible"):
                columns.setdefault(node.oid[-1], node.name)
        lists: list[VarList] = await snmp.bulkwalk(0, app["r"], format_oid(entry.oid))
        cells: dict[Oid, dict[int, str]] = {}
        for vb in (vb for varlist in lists for vb in varlist):
            oid = vb_oid(vb)
            column, instance = oid[len(entry.oid)], oid[len(entry.oid) + 1 :]
            if column in columns:
                tag, raw = raw_value(vb)
                text = sprint_value(
                    tag, raw, names.node_of(oid), oid_text=self.printer.namer, quick=True
                )
                cells.setdefault(instance, {})[column] = text
        print(f"SNMP table: {self.printer.namer(table_oid)}\n", file=self.out)
        order = sorted(columns)
        grid = [[columns[c] for c in order]]
        grid += [[row.get(c, "?") for c in order] for row in cells.values()]
        widths = [max(len(line[k]) for line in grid) for k in range(len(order))]
        for line in grid:
            print(
                "".join(f" {cell:>{w}}" for cell, w in zip(line, widths, strict=True)),
                file=self.out,
            )
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["fleet"]:  # the fleet has its own options: snmp_component/fleet/cli.py
        from .fleet.cli import main as fleet_main

        return fleet_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    runner = Runner(args, sys.stdout, sys.stderr)
    try:
        return asyncio.run(runner.run())
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
