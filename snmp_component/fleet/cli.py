"""``python -m snmp_component fleet``: poll the targets of a file from several shards.

::

    python -m snmp_component fleet --targets FILE --workers N|auto --interval SECONDS
        [--cycles N] [--get OID ...] [--walk OID] [--bulkwalk OID] [--table NAME]
        [--backend local|ray] [--address HOST:PORT] [--json]

``FILE`` has one target a line: ``host[:port] [Keyword=value ...]`` (``create()``
keywords, e.g. ``Version=3 SecName=mon SecLevel=authPriv ...``); ``#`` starts a comment.
Each record is one line: with ``--json`` a JSON object with ``target``, ``cycle``,
``shard``, ``epoch``, ``ok``, ``status``, ``error`` (null or ``{"class", "text"}``) and
``varbinds`` (``[[oid, value, type], ...]``). SIGTERM or SIGINT drains (running polls
finish, every record is printed) and exits 0; so does the end of ``--cycles N``.
``--backend ray --address HEAD:PORT`` runs the shards as actors of that Ray cluster
(``pip install 'snmp_component[ray]'`` on every node).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import shlex
import signal
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from ..component import SNMPSession
from ..errors import ConfigurationError, SNMPError
from .api import Fleet
from .records import Record

__all__ = ["main", "parse_targets", "poll_spec"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snmpc fleet", description="Poll many targets from one shard process per core."
    )
    parser.add_argument("--targets", required=True, metavar="FILE", help="one target a line")
    parser.add_argument("--workers", default="auto", help="shard processes: N or auto")
    parser.add_argument("--interval", type=float, default=60.0, help="seconds per cycle")
    parser.add_argument("--cycles", type=int, help="exit after N complete cycles")
    parser.add_argument("--get", nargs="+", default=[], metavar="OID", help="GET these")
    parser.add_argument("--walk", action="append", default=[], metavar="OID")
    parser.add_argument("--bulkwalk", action="append", default=[], metavar="OID")
    parser.add_argument("--table", action="append", default=[], metavar="NAME")
    parser.add_argument("--max-repetitions", type=int, default=20, help="bulkwalk/table")
    parser.add_argument(
        "--backend", choices=("local", "ray"), default="local",
        help="where shards run: local processes (default) or Ray actors",
    )  # fmt: skip
    parser.add_argument("--address", metavar="HOST:PORT", help="the Ray cluster's head")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    parser.add_argument("-v", dest="version", default="2c", help="default Version (2c)")
    parser.add_argument("-c", dest="community", default="public", help="default Community")
    parser.add_argument("-t", dest="timeout", type=float, default=1.0, help="timeout, s")
    parser.add_argument("-r", dest="retries", type=int, default=1, help="retries (1)")
    return parser


def _value(text: str) -> Any:
    if text.lstrip("-").isdigit():
        return int(text)
    return text


def parse_targets(lines: Sequence[str], defaults: dict[str, Any]) -> list[dict[str, Any]]:
    """``host[:port] [Keyword=value ...]`` lines (``#`` comments) -> ``create()`` dicts.

    Raises:
        ConfigurationError: a line does not parse; the message names it.
    """
    targets = []
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        try:
            words = shlex.split(line)
        except ValueError as exc:
            raise ConfigurationError(f"line {number}: {exc}") from None
        options = dict(defaults)
        options["DestHost"] = words[0]
        for word in words[1:]:
            key, eq, value = word.partition("=")
            if not eq or not key:
                raise ConfigurationError(f"line {number}: {word!r} is not Keyword=value")
            options[key] = _value(value)
        targets.append(options)
    return targets


def poll_spec(args: argparse.Namespace) -> dict[str, Any]:
    """What each poll asks for."""
    spec = {
        "get": list(args.get),
        "walk": list(args.walk),
        "bulkwalk": list(args.bulkwalk),
        "table": list(args.table),
        "max_repetitions": args.max_repetitions,
    }
    if not (spec["get"] or spec["walk"] or spec["bulkwalk"] or spec["table"]):
        spec["get"] = ["sysUpTime.0"]
    return spec


async def cli_poll(spec: dict[str, Any], snmp: SNMPSession) -> list[list[Any]]:
    """The CLI's poll: every requested GET and walk; ``[[oid, value, type], ...]``."""
    out: list[list[Any]] = []

    def add(varbinds: Sequence[Any]) -> None:
        out.extend([vb.name, _jsonable(vb.val), vb.type] for vb in varbinds)

    if spec["get"]:
        add(await snmp.get(*spec["get"]))
    for oid in spec["walk"]:
        for varlist in await snmp.walk(oid):
            add(varlist)
    reps = spec["max_repetitions"]
    for oid in [*spec["bulkwalk"], *spec["table"]]:
        for varlist in await snmp.bulkwalk(0, reps, oid):
            add(varlist)
    return out


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    if isinstance(value, int | float | str) or value is None:
        return value
    return str(value)


def _target_text(record: Record) -> str:
    host, port, third = record.target
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" + (f"/{third}" if third else "")


def format_record(record: Record, as_json: bool) -> str:
    """One output line for ``record``."""
    error = None
    if record.error is not None:
        error = {"class": type(record.error).__name__, "text": record.error.error_str}
    if as_json:
        return json.dumps(
            {
                "target": _target_text(record),
                "cycle": record.cycle,
                "shard": record.shard,
                "epoch": record.epoch,
                "ok": record.ok,
                "status": record.status,
                "error": error,
                "varbinds": record.value if record.ok else None,
            }
        )
    head = f"cycle {record.cycle} shard {record.shard} {_target_text(record)}"
    if not record.ok:
        assert error is not None
        return f"{head} {record.status.upper()} {error['class']}: {error['text']}"
    body = "; ".join(f"{oid} = {kind}: {value}" for oid, value, kind in record.value)
    return f"{head} {body}"


def build(args: argparse.Namespace, err: TextIO) -> Fleet | None:
    """The fleet the command line asks for (None: the error was printed)."""
    workers: int | str = args.workers
    if workers != "auto":
        if not str(workers).isdigit() or int(workers) < 1:
            print(f"--workers: {workers!r} is not a positive number or auto", file=err)
            return None
        workers = int(workers)
    try:
        with open(args.targets) as f:
            lines = f.readlines()
        defaults = {
            "Version": args.version,
            "Community": args.community,
            "Timeout": round(args.timeout * 1_000_000),
            "Retries": args.retries,
            "UseNumeric": 1,
        }
        targets = parse_targets(lines, defaults)
        poll = functools.partial(cli_poll, poll_spec(args))
        fleet = Fleet(targets, poll, interval=args.interval, workers=workers,  # type: ignore[arg-type]
                      cycles=args.cycles, backend=args.backend, address=args.address)  # fmt: skip
    except OSError as exc:
        print(f"--targets: {exc}", file=err)
        return None
    except SNMPError as exc:
        print(f"fleet: {exc}", file=err)
        return None
    return fleet


async def run(fleet: Fleet, as_json: bool, out: TextIO) -> int:
    """Print every record; SIGTERM/SIGINT drain; 0 at the end."""
    loop = asyncio.get_running_loop()
    async with fleet:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, fleet.close)
        try:
            async for record in fleet.results():
                print(format_record(record, as_json), file=out)
                if not fleet._queue:
                    out.flush()
        finally:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)
    out.flush()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m snmp_component fleet ...``; the exit code."""
    args = _parser().parse_args(argv)
    fleet = build(args, sys.stderr)
    if fleet is None:
        return 1
    try:
        return asyncio.run(run(fleet, args.json, sys.stdout))
    except BrokenPipeError:
        return 1
    except SNMPError as exc:  # the shards could not start (or Ray is missing)
        print(f"fleet: {exc}", file=sys.stderr)
        return 1
