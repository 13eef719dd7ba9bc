"""``snmpc``: net-snmp's command-line tools on the awaitable API.

``python -m snmp_component get|getnext|walk|bulkwalk|set|table|trap|inform|trapd [options]
AGENT ...`` (also installed as ``snmpc``) takes the options of ``snmpget`` and friends
(:mod:`~snmp_component.cli_args`: ``-v -c -u -l -a -A -x -X -n -e -E -t -r -C -O -m -M -d
-V --clientaddr``) and prints their lines: what the agent sent, exceptions and errors in
net-snmp's words, net-snmp's exit codes (0 success, 1 timeouts, usage and local errors, 2
an error-status from the agent). Walks print each reply's rows as it arrives.

Every line is printed from the raw varbinds the agent sent, by the package's one formatter
(:class:`~snmp_component.toolformat.ToolFormat`, net-snmp's ``-O`` options over
:class:`~snmp_component.varformat.VarbindFormat`): names follow net-snmp's choices with
``-m ALL`` over the MIBs the package ships (and the user's, :mod:`~snmp_component.cli_mibs`),
table indexes are broken down by the row's INDEX clause (``ipv4."10.0.0.1"``,
``"public"``), values are net-snmp's ``snprint_value``. ``set``'s values are read by
:mod:`~snmp_component.cli_set`, ``table`` is :mod:`~snmp_component.cli_table`, the
notifications :mod:`~snmp_component.cli_traps`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import signal
import sys
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, cast

from . import errors, transport
from ._core.oid import parse_oid
from ._core.pdu import Oid, RawVarbind
from ._core.plans import BulkWalkPlan, Plan, WalkPlan
from ._version import __version__
from .cli_args import TOOL, app_options, component_options, parse, values
from .cli_mibs import load_user_mibs
from .cli_usage import UsageError, oid_words, request_oid, stale_detail
from .component import SNMPComponent, SNMPSession
from .kernel import Kernel
from .toolformat import OutputOptions, ToolFormat, output_options, packet_dump
from .varbind import Varbind, VarList
from .varformat import KEEP_RAW

if TYPE_CHECKING:
    from .cli_table import TableOptions

__all__ = ["main"]

# -- printing -------------------------------------------------------------------------------------


Raw = list[RawVarbind]
PlanHook = Callable[[Plan], None]


class RawSession:
    """The awaitable requests of one component, answered with raw ``(oid, tag, value)``
    varbinds (which :class:`Printer` formats) instead of ``Varbind`` s: its component
    converts with :data:`~snmp_component.varformat.KEEP_RAW`."""

    def __init__(self, snmp: SNMPSession) -> None:
        snmp._actor.use_format(KEEP_RAW)
        self.snmp = snmp

    async def get(self, *oids: str) -> Raw:
        """GET ``oids``."""
        return cast("Raw", await self.snmp.get(*oids))

    async def getnext(self, *oids: str) -> Raw:
        """GETNEXT ``oids``."""
        return cast("Raw", await self.snmp.getnext(*oids))

    async def set(self, *varbinds: Varbind) -> Raw:
        """SET ``varbinds``."""
        return cast("Raw", await self.snmp.set(*varbinds))

    async def walk(self, oid: str) -> list[Raw]:
        """GETNEXT walk of ``oid``'s subtree."""
        return cast("list[Raw]", await self.snmp.walk(oid))

    def iter_walk(self, oid: str, plan_hook: PlanHook) -> AsyncGenerator[Raw, None]:
        """GETNEXT walk of ``oid``'s subtree, its rows in batches as they arrive;
        ``plan_hook`` sees its plan first."""
        return _rows_of(self.snmp._actor.stream("walk", (oid,), plan_hook))

    def iter_bulkwalk(
        self, non_repeaters: int, max_repetitions: int, oid: str, plan_hook: PlanHook
    ) -> AsyncGenerator[Raw, None]:
        """GETBULK walk of ``oid``'s subtree, as :meth:`iter_walk`."""
        args = (non_repeaters, max_repetitions, oid)
        return _rows_of(self.snmp._actor.stream("bulkwalk", args, plan_hook))

    async def bulkwalk(self, non_repeaters: int, max_repetitions: int, oid: str) -> list[Raw]:
        """GETBULK walk of ``oid``'s subtree."""
        return cast("list[Raw]", await self.snmp.bulkwalk(non_repeaters, max_repetitions, oid))


async def _rows_of(batches: AsyncGenerator[list[VarList], None]) -> AsyncGenerator[Raw, None]:
    """The first (only) part of each batch of a one-root walk, as raw varbinds."""
    async with contextlib.aclosing(batches):
        async for parts in batches:
            yield cast("Raw", parts[0])


class Printer:
    """net-snmp's ``print_variable`` for raw varbinds: ``NAME = TYPE: value`` (as the
    ``-O`` options say)."""

    def __init__(self, options: OutputOptions, out: TextIO) -> None:
        self.format = ToolFormat(options)
        self.out = out

    def print(self, varbinds: Iterable[RawVarbind]) -> None:
        """Print one line per varbind."""
        line = self.format.line
        for raw in varbinds:
            print(line(raw), file=self.out)


# -- command line ---------------------------------------------------------------------------------


def _varbinds(words: list[str]) -> list[Varbind]:
    """snmpset's (and snmptrap's) ``OID TYPE VALUE`` triples (:mod:`~snmp_component.cli_set`)."""
    from .cli_set import SetError, set_varbinds  # (loaded for these commands only)

    try:
        return set_varbinds(values(words), request_oid)
    except SetError as exc:
        raise UsageError(str(exc)) from None


class Runner:
    """One command against one agent; ``run`` returns the exit code."""

    def __init__(
        self,
        args: argparse.Namespace,
        out: TextIO,
        err: TextIO,
        table: TableOptions | None = None,
    ) -> None:
        self.args = args
        self.out = out
        self.err = err
        try:
            options = OutputOptions()
            for letters in args.outopts:  # (one at a time: -Op takes the rest of its own)
                options = output_options(letters, options)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        self.printer = Printer(options, out)
        self.table = table  # snmptable's -C options (None: its defaults)
        self.app = app_options(args.command, args.appopts)
        self.tool = TOOL[args.command]

    async def run(self) -> int:
        args = self.args
        if args.show_version:  # as net-snmp's -V: on stderr, nothing else done
            print(f"snmp_component version: {__version__}", file=self.err)
            return 0
        if args.dump:  # every datagram in hex on stderr, as net-snmp's -d
            err = self.err

            def dump(*datagram: Any) -> None:
                err.write(packet_dump(*datagram))

            transport.set_packet_trace(dump)
        load_user_mibs(args.mibs, args.mibdirs, self.err)
        if args.command == "trapd":
            return await self._trapd()
        if not args.agent:
            raise UsageError("No hostname specified.")
        if args.command in ("trap", "inform"):
            return await self._notify()
        kernel = Kernel()
        options = component_options(args)
        if self.app.no_check:
            options["NonIncreasing"] = 1
        try:
            snmp = SNMPComponent.create(kernel, **options)
        except errors.ConfigurationError as exc:
            print(f"{self.tool}: {exc.error_str}", file=self.err)
            return 1
        try:
            handler: Callable[[RawSession], Any] = getattr(self, "_" + args.command)
            code: int = await handler(RawSession(snmp))
            return code
        except errors.SNMPError as exc:
            return self._failure(exc)
        finally:
            snmp.finish()

    def _failure(self, exc: errors.SNMPError) -> int:
        """net-snmp's lines for a request that failed; the exit code (2: the agent's
        error-status, 1: a timeout or a local error)."""
        if isinstance(exc, errors.SNMPTimeoutError):
            dot = "." if self.args.command in ("get", "getnext") else ""
            print(f"Timeout: No Response from {self.args.agent}{dot}", file=self.err)
        elif isinstance(exc, errors.ErrorStatusError):
            self._status_error(exc)
            return 2
        elif isinstance(exc, errors.VersionMismatchError):  # (the library names the request)
            print(f"{self.tool}: Cannot send V2 PDU on V1 session{self._detail()}", file=self.err)
        else:
            print(f"{self.tool}: {exc.error_str}{self._detail()}", file=self.err)
        return 1

    def _detail(self) -> str:
        """net-snmp's stale note after such an error, from the OID words it read: the
        walks' and the table's root, set's OIDs and ``o`` values, get's every OID."""
        args = self.args
        words = values(args.oids)
        if args.command in ("walk", "bulkwalk", "table"):
            words = words[:1]
        elif args.command == "set":
            words = oid_words(words)
        return stale_detail(words)

    async def _notify(self) -> int:
        """snmptrap / snmpinform (:mod:`~snmp_component.cli_traps`)."""
        args = self.args
        options = component_options(args)
        options.pop("UseNumeric", None)
        engine = options.pop("SecEngineId", None)
        if engine is not None:  # snmptrap's -e: the sender's own (authoritative) engine
            options["LocalEngineId"] = engine
        options["Version"] = {"1": 1, "2c": "2c", "3": 3}[args.version]
        from .cli_traps import send  # (the trap modules load only for these commands)

        try:
            return await send(args.command, options, values(args.oids), self.err)
        except errors.ConfigurationError as exc:
            print(f"{self.tool}: {exc.error_str}", file=self.err)
            return 1

    async def _trapd(self) -> int:
        """snmptrapd -f -Lo: print what arrives (:mod:`~snmp_component.cli_traps`)."""
        args = self.args
        options: dict[str, Any] = {"Communities": [args.community]}
        if args.secname:
            given = {"AuthProto": args.authproto, "AuthPass": args.authpass,
                     "PrivProto": args.privproto, "PrivPass": args.privpass}  # fmt: skip
            user = {"SecName": args.secname, **{k: v for k, v in given.items() if v}}
            options["Users"] = [user]
        from .cli_traps import listen

        try:
            return await listen(args.agent or "127.0.0.1:162", options, self.printer.format,
                                self.out)  # fmt: skip
        except (errors.ConfigurationError, errors.TransportError) as exc:
            print(f"{self.tool}: {exc.error_str}", file=self.err)
            return 1

    def _status_error(self, exc: errors.ErrorStatusError) -> None:
        dot = "" if self.args.command == "get" else "."
        print(f"Error in packet{dot}", file=self.err)
        print(f"Reason: {exc.error_str}", file=self.err)
        if exc.oid is not None:
            name = self.printer.format.name(parse_oid(exc.oid))
            print(f"Failed object: {name}", file=self.err)
            print("", file=self.err)

    def _oids(self, default: str | None = None, first_only: bool = False) -> list[str]:
        words = (self.args.oids or ([default] if default else []))[: 1 if first_only else None]
        if not words:
            raise UsageError("Missing object name")
        oids, bad = [], []
        pending = ""  # net-snmp's lookup note, until an error message carries it
        for word in words:  # (every bad one said, as snmpget says them)
            pending = stale_detail([word]) or pending
            try:
                oids.append(request_oid(word, pending))
            except UsageError as exc:
                bad.append(str(exc))
                pending = ""  # (said once)
        if bad:
            raise UsageError("\n".join(bad))
        return oids

    async def _get(self, snmp: RawSession) -> int:
        return await self._get_fixing(snmp.get)

    async def _getnext(self, snmp: RawSession) -> int:
        return await self._get_fixing(snmp.getnext)

    async def _get_fixing(self, request: Callable[..., Awaitable[Raw]]) -> int:
        """snmpget/snmpgetnext: print the answer; on an error naming an object, print the
        error and (unless ``-Cf``) ask again without that object, as ``snmp_fix_pdu``."""
        oids = self._oids()
        code = 0
        while oids:
            try:
                varlist = await request(*oids)
            except errors.ErrorStatusError as exc:
                self._status_error(exc)
                code = 2
                if self.app.no_fix or not 0 < exc.index <= len(oids) or len(oids) == 1:
                    break
                del oids[exc.index - 1]
                continue
            self.printer.print(varlist)
            break
        return code

    async def _set(self, snmp: RawSession) -> int:
        self.printer.print(await snmp.set(*_varbinds(self.args.oids)))
        return 0

    async def _walk(self, snmp: RawSession) -> int:
        return await self._walk_with(snmp, snmp.iter_walk)

    async def _bulkwalk(self, snmp: RawSession) -> int:
        # -Cn: snmpbulkwalk walks the non-repeaters too, so its output is the whole walk
        app = self.app
        return await self._walk_with(
            snmp, lambda oid, hook: snmp.iter_bulkwalk(0, app.max_repetitions, oid, hook)
        )

    async def _walk_with(
        self, snmp: RawSession, walk: Callable[[str, PlanHook], AsyncGenerator[Raw, None]]
    ) -> int:
        """snmpwalk's output, as its loop prints it: the rows, as they arrive; what it
        prints at the end of a walk (an exception still inside the subtree, SNMPv1's
        ``End of MIB``); the root itself when nothing was printed; ``-C`` options as
        snmpwalk's (``i I p t E c``) and snmpbulkwalk's (``c i n p r``)."""
        app = self.app
        oids = self._oids(".1.3.6.1.2.1", first_only=True)  # (as snmpwalk: others ignored)
        root = parse_oid(oids[0])
        end = parse_oid(request_oid(app.end)) if app.end else None
        started = time.perf_counter()
        printed = 0
        if app.include_root:
            printed += await self._get_and_print(snmp, oids[0])
        cut = False
        code, answered = 0, True  # (answered: the agent answered every request)
        plans: list[WalkPlan | BulkWalkPlan] = []

        def as_snmpwalk(plan: Plan) -> None:  # (it GETs a leaf itself, below)
            assert isinstance(plan, WalkPlan | BulkWalkPlan)
            plan.leaf_fallback = False
            plans.append(plan)

        try:
            async with contextlib.aclosing(walk(oids[0], as_snmpwalk)) as batches:
                async for batch in batches:
                    # strictly below the root: a walk of a leaf is answered with the leaf
                    rows = [raw for raw in batch if len(raw[0]) > len(root)]
                    if end is not None and rows and rows[-1][0] >= end:
                        rows = [raw for raw in rows if raw[0] < end]
                        cut = True
                    printed += self._print_rows(rows)
                    self.out.flush()  # each reply's rows as they come, as snmpwalk prints
                    if cut:
                        break
        except errors.OidNotIncreasing as exc:
            # as snmpwalk: the row that went back is printed (and counted), then what it
            # went back from
            if exc.row is not None:
                printed += self._print_rows([exc.row])
            name = self.printer.format.name
            self.out.flush()
            print(f"Error: OID not increasing: {name(parse_oid(exc.previous))}\n"
                  f" >= {name(parse_oid(exc.received))}\n", file=self.err)  # fmt: skip
            code = 1
        except errors.SNMPError as exc:  # the count and the time are still printed
            self.out.flush()
            code = self._failure(exc)
            answered = code == 2  # (an error-status is an answer: net-snmp's STAT_SUCCESS)
        if code == 0 and not cut and plans:  # what ended the walk, as snmpwalk prints it
            (subtree,) = plans[0].walks
            ended_by = subtree.ended_by
            if subtree.past_end:
                print("End of MIB", file=self.out)
            elif ended_by is not None and _inside(ended_by, root):
                if end is None or ended_by[0] < end:  # an exception still inside
                    printed += self._print_rows([ended_by])
        elapsed = time.perf_counter() - started
        if printed == 0 and answered and not app.never_root:  # (after End of MIB too)
            printed += await self._get_and_print(snmp, oids[0])
        if app.count:
            print(f"Variables found: {printed}", file=self.out)
        if app.timing:
            print(f"Total traversal time = {elapsed:f} seconds", file=self.err)
        return code

    async def _get_and_print(self, snmp: RawSession, oid: str) -> int:
        """snmpwalk's GET of the root (``-Ci``, or when the walk printed nothing): what it
        answers, or nothing at all on an error-status or a timeout."""
        try:
            return self._print_rows(await snmp.get(oid))
        except (errors.ErrorStatusError, errors.SNMPTimeoutError):
            return 0

    def _print_rows(self, rows: Iterable[RawVarbind]) -> int:
        """Print ``rows``; how many."""
        line = self.printer.format.line
        out = self.out
        count = 0
        for raw in rows:
            print(line(raw), file=out)
            count += 1
        return count

    async def _table(self, snmp: RawSession) -> int:
        """``snmptable`` (:mod:`~snmp_component.cli_table`)."""
        from .cli_table import TableOptions, print_table

        options = self.table or TableOptions()

        async def walk(bulk: bool, root: str) -> list[Raw]:
            reps = options.max_repetitions
            return await (snmp.bulkwalk(0, reps, root) if bulk else snmp.walk(root))

        return await print_table(
            walk, self.args.oids, options, self.printer.format, self.args.version, self.out,
            self.err, snmp.getnext,
        )  # fmt: skip


def _raw_text_output(stream: TextIO) -> None:
    """Let ``stream`` write printed octets as net-snmp does, as they are: UTF-8 text as
    UTF-8, other octets (``surrogateescape`` characters) as themselves."""
    if isinstance(stream, io.TextIOWrapper):
        stream.reconfigure(encoding="utf-8", errors="surrogateescape")


def _inside(raw: RawVarbind, root: Oid) -> bool:
    return raw[0][: len(root)] == root


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line ``argv`` (default ``sys.argv[1:]``); the exit code."""
    from_shell = argv is None
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] in (["-V"], ["--version"]):
        print(f"snmp_component version: {__version__}")
        return 0
    if argv[:1] == ["fleet"]:  # the fleet has its own options: snmp_component/fleet/cli.py
        from .fleet.cli import main as fleet_main

        return fleet_main(argv[1:])
    if argv[:1] == ["agent"]:  # the demo agent: snmp_component/testing/agent_cli.py
        from .testing.agent_cli import main as agent_main

        return agent_main(argv[1:])
    if from_shell and hasattr(signal, "SIGPIPE"):
        # a closed pipe (``| head -1``) ends the command quietly, as it ends net-snmp's
        # (not the fleet's or the agent's: their processes write to sockets that close)
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    table = None
    if argv[:1] == ["table"]:  # snmptable reads its -C values from the next arguments
        from .cli_table import TableError, table_options

        try:
            argv, table = table_options(argv)
        except TableError as exc:
            print(str(exc), file=sys.stderr)
            return 1
    _raw_text_output(sys.stdout)
    try:
        runner = Runner(parse(argv), sys.stdout, sys.stderr, table)
        return asyncio.run(runner.run())
    except UsageError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
