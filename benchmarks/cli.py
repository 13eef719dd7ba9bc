"""The ``snmpc`` command line against net-snmp's own tools, on the same agent, in one run.

    .venv/bin/python benchmarks/cli.py --repeat 10
    .venv/bin/python benchmarks/cli.py --target 127.0.0.1:161 --community public
    .venv/bin/python benchmarks/cli.py --snmpc "python3 -m snmp_component" --root .1.3.6.1.2.1

Every figure is the wall time of a whole process (``time.perf_counter`` around
``subprocess.run``, stdout drained into a pipe and its lines counted), repeated
``--repeat`` times, interleaved (ours, theirs, ours, theirs, ...) after one unmeasured
warm-up run of each; the table gives min / median / max and the ratio of the medians,
ours / net-snmp's. Workloads:

* ``get``: ``snmpc get`` of sysDescr.0 and sysUpTime.0 against ``snmpget`` (the same
  arguments). Target (issue): ``snmpc get`` under 0.15 s wall.
* ``bulkwalk``: a walk of the whole agent (``--root``, default ``.1``) by ``snmpc bulkwalk``
  against ``snmpbulkwalk``. Target (issue): within 1.5x ``snmpbulkwalk``. The lines each
  printed are shown as a sanity check (equal, or nearly: the agent's tables may move).
* ``walk``: ``snmpc walk`` against ``snmpwalk`` of a subtree (``--subtree``, default
  ``IF-MIB::ifTable``; ``--subtree ""`` leaves it out). No target.
* context rows, ours only: ``python -c pass`` (the interpreter's start-up floor) and
  ``python -c "import snmp_component.cli"`` (the floor of any ``snmpc`` command).

net-snmp's tools run as the tests run them (``tests/test_cli.py``): ``-m ALL -M
../shared/mibs``, the MIB texts the package's compiled MIBs come from, and by default no
``-O`` flags, so both print the same lines (``--output`` adds flags to both). By default
the benchmark starts its own ``snmpd`` on a free loopback port
(:class:`~snmp_component.testing.SnmpdAgent`); ``--target HOST:PORT`` uses an agent that
runs already. ``snmpc`` is ``<venv>/bin/snmpc`` beside this interpreter when it exists,
else ``python -m snmp_component``; ``--snmpc`` names another command (split like a shell).

Users have the package's bytecode; where ``PYTHONDONTWRITEBYTECODE=1`` is set, compile it
first (``python -m compileall -q snmp_component``) or every run pays for compiling the
package. The benchmark says so when the ``.pyc`` of ``snmp_component.cli`` is missing.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from snmp_component.testing import SnmpdAgent  # noqa: E402

MIB_DIR = (ROOT / ".." / "shared" / "mibs").resolve()
GET_TARGET_S = 0.15
BULKWALK_TARGET_RATIO = 1.5


@dataclass
class Runs:
    """Wall times (seconds), output line counts and failures of one command's repetitions."""

    command: list[str]
    seconds: list[float] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def run(self, timeout: float, *, record: bool = True) -> None:
        """Run the command once; record its wall time and line count (unless a warm-up)."""
        began = time.perf_counter()
        done = subprocess.run(
            self.command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
        seconds = time.perf_counter() - began
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:]
            self.failures.append(f"exit {done.returncode}: {' '.join(tail)}")
        if record:
            self.seconds.append(seconds)
            self.lines.append(done.stdout.count(b"\n"))

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Workload:
    """One row: our command, net-snmp's (or None for a context row) and the target."""

    key: str
    label: str
    ours: Runs
    theirs: Runs | None
    target: str = ""
    lines: bool = False

    def met(self) -> str:
        if self.key == "get":
            return "yes" if self.ours.median < GET_TARGET_S else "no"
        if self.key == "bulkwalk" and self.theirs is not None:
            return "yes" if self.ours.median <= BULKWALK_TARGET_RATIO * self.theirs.median else "no"
        return ""


def snmpc_command(given: str | None) -> list[str]:
    """``--snmpc`` split like a shell, else ``<venv>/bin/snmpc``, else ``python -m ...``."""
    if given:
        return shlex.split(given)
    script = Path(sys.executable).parent / "snmpc"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "snmp_component"]


def workloads(args: argparse.Namespace, agent: str, snmpc: list[str]) -> list[Workload]:
    common = [*args.output, "-v2c", "-c", args.community, agent]

    def pair(tool: str, command: str, *oids: str) -> tuple[Runs, Runs]:
        ours = Runs([*snmpc, command, *common, *oids])
        theirs = Runs([tool, "-m", "ALL", "-M", str(args.mib_dir), *common, *oids])
        return ours, theirs

    python = [sys.executable, "-c"]
    rows = [
        Workload("pass", "python -c pass", Runs([*python, "pass"]), None),
        Workload(
            "import",
            "python -c 'import snmp_component.cli'",
            Runs([*python, "import snmp_component.cli"]),
            None,
        ),
        Workload(
            "get",
            "get sysDescr.0 sysUpTime.0",
            *pair("snmpget", "get", "sysDescr.0", "sysUpTime.0"),
            target=f"ours < {GET_TARGET_S:g} s",
        ),
        Workload(
            "bulkwalk",
            f"bulkwalk {args.root}",
            *pair("snmpbulkwalk", "bulkwalk", args.root),
            target=f"ratio <= {BULKWALK_TARGET_RATIO:g}",
            lines=True,
        ),
    ]
    if args.subtree:
        rows.append(
            Workload(
                "walk",
                f"walk {args.subtree}",
                *pair("snmpwalk", "walk", args.subtree),
                lines=True,
            )
        )
    return rows


def measure(rows: list[Workload], repeat: int, timeout: float) -> None:
    for row in rows:
        commands = [row.ours] if row.theirs is None else [row.ours, row.theirs]
        for runs in commands:  # warm-up: page cache, MIB files, the agent's caches
            runs.run(timeout, record=False)
        for _ in range(repeat):
            for runs in commands:
                runs.run(timeout)


def spread(runs: Runs | None) -> str:
    if runs is None or not runs.seconds:
        return "-"
    ms = [1e3 * s for s in (min(runs.seconds), runs.median, max(runs.seconds))]
    return " / ".join(f"{x:.1f}" for x in ms)


def line_counts(row: Workload) -> str:
    if not row.lines or row.theirs is None:
        return ""
    mine, ref = sorted(set(row.ours.lines)), sorted(set(row.theirs.lines))
    return f"{'/'.join(map(str, mine))} vs {'/'.join(map(str, ref))}"


def report(
    rows: list[Workload], args: argparse.Namespace, agent: str, snmpd: str, snmpc: list[str]
) -> None:
    print(
        f"snmpc vs net-snmp: agent {agent} ({snmpd}), {args.repeat} interleaved runs after one "
        f"warm-up, Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
    )
    print(f"ours: {shlex.join(snmpc)}; net-snmp: -m ALL -M {args.mib_dir}")
    cached = importlib.util.cache_from_source(str(ROOT / "snmp_component" / "cli.py"))
    if not Path(cached).exists():
        print(f"NOTE: {cached} is missing: every run compiles the package (see the docstring)")
    print()
    print(
        "| workload | ours min / med / max (ms) | net-snmp min / med / max (ms) "
        "| ratio (median) | target | met? | lines ours vs theirs |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows:
        ratio = f"{row.ours.median / row.theirs.median:.2f}" if row.theirs else "-"
        print(
            f"| {row.label} | {spread(row.ours)} | {spread(row.theirs)} | {ratio} "
            f"| {row.target} | {row.met()} | {line_counts(row)} |"
        )
    for row in rows:
        for who, runs in (("ours", row.ours), ("net-snmp", row.theirs)):
            if runs is not None and runs.failures:
                print(
                    f"FAILED {row.label} ({who}, {len(runs.failures)} runs): "
                    f"{runs.failures[0]}\n  {shlex.join(runs.command)}"
                )


@contextlib.contextmanager
def agent_address(target: str | None) -> Iterator[tuple[str, str]]:
    """``(host:port, description)`` of the given agent, or of an snmpd started here."""
    if target:
        yield target, "given"
        return
    with SnmpdAgent() as agent:
        yield f"{agent.host}:{agent.port}", f"snmpd started here, pid {agent.pid}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=10, help="measured runs per command")
    parser.add_argument("--target", help="HOST:PORT of a running agent (default: start snmpd)")
    parser.add_argument("--community", default="public")
    parser.add_argument("--snmpc", help="our command, e.g. 'python -m snmp_component'")
    parser.add_argument("--root", default=".1", help="root OID of the full bulkwalk")
    parser.add_argument(
        "--subtree", default="IF-MIB::ifTable", help="subtree of the walk row ('' to skip)"
    )
    parser.add_argument(
        "--output",
        action="append",
        default=[],
        metavar="-OFLAGS",
        help="output flags for both tools, e.g. --output=-On (repeatable)",
    )
    parser.add_argument("--mib-dir", type=Path, default=MIB_DIR, help="net-snmp's -M directory")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per process")
    args = parser.parse_args()
    for tool in ("snmpget", "snmpbulkwalk", "snmpwalk"):
        if shutil.which(tool) is None:
            parser.error(f"{tool} (net-snmp's tools) not found on PATH")
    if not args.mib_dir.is_dir():
        parser.error(f"no MIB directory {args.mib_dir} (use --mib-dir)")
    snmpc = snmpc_command(args.snmpc)
    with agent_address(args.target) as (agent, snmpd):
        rows = workloads(args, agent, snmpc)
        measure(rows, args.repeat, args.timeout)
    report(rows, args, agent, snmpd, snmpc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
