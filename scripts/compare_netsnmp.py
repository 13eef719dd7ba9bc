#!/usr/bin/env python3
"""Compare ``snmpc``'s walk output with net-snmp's, line by line (a development-time tool).

    python scripts/compare_netsnmp.py --port 16100 arista-dcs-7150s-52-cl huawei-s5720 ...
    python scripts/compare_netsnmp.py --port 16100 --show 20 --walk server-2003-5-2

For each community (one recorded device of ``../shared/realdevices``, served by its
``run.sh PORT``) it runs ``python -m snmp_component bulkwalk -v2c -c COMMUNITY
127.0.0.1:PORT ROOT`` and ``snmpbulkwalk -m ALL -M MIBS`` with the same arguments (with
``--walk``: ``walk`` and ``snmpwalk``), then
prints one row per device: the lines each printed, the lines that differ (from
:class:`difflib.SequenceMatcher`'s opcodes: replaced, missing and extra lines) and the
objects most of the differing lines belong to. ``--show N`` prints the first N differing
line pairs of each device; ``--keep DIR`` writes both outputs there.

Exit code: 0 when every device printed the same lines, 1 otherwise.
"""

from __future__ import annotations

import argparse
import collections
import difflib
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MIBS = (REPO / ".." / "shared" / "mibs").resolve()


@dataclass
class Comparison:
    """What one device's two walks printed, and where they differ."""

    device: str
    ours: list[str]
    theirs: list[str]
    pairs: list[tuple[str, str]] = field(default_factory=list)
    """Differing lines side by side (``""`` where one side has no line)."""

    @property
    def differing(self) -> int:
        """How many lines differ (a replaced, missing or extra line counts once)."""
        return len(self.pairs)

    def objects(self, top: int = 4) -> list[tuple[str, int]]:
        """The objects (``MODULE::name`` before the index) most differing lines are of."""
        counts: collections.Counter[str] = collections.Counter()
        for mine, ref in self.pairs:
            line = ref or mine
            counts[line.split(" ", 1)[0].split(".", 1)[0]] += 1
        return counts.most_common(top)


def walk(command: list[str]) -> list[str]:
    """The stdout lines of ``command`` (stderr goes to ours: a failure is seen)."""
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=900)
    if done.stderr:
        sys.stderr.write(done.stderr)
    return done.stdout.splitlines()


def compare(device: str, port: int, root: str, mibs: Path, command: str) -> Comparison:
    """Walk ``device`` with both tools (``command``: ``walk`` or ``bulkwalk``) and pair up
    the lines that differ."""
    target = ["-v2c", "-c", device, f"127.0.0.1:{port}", root]
    ours = walk([sys.executable, "-m", "snmp_component", command, *target])
    theirs = walk([f"snmp{command}", "-m", "ALL", "-M", str(mibs), *target])
    result = Comparison(device, ours, theirs)
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        mine, ref = ours[a0:a1], theirs[b0:b1]
        width = max(len(mine), len(ref))
        mine += [""] * (width - len(mine))
        ref += [""] * (width - len(ref))
        result.pairs.extend(zip(mine, ref, strict=True))
    return result


def main(argv: list[str] | None = None) -> int:
    """Compare the devices named on the command line; the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("devices", nargs="+", help="communities (recording names)")
    parser.add_argument("--port", type=int, default=16100, help="snmpsim's port")
    parser.add_argument("--root", default=".1.3", help="where to walk from (default .1.3)")
    parser.add_argument("--mibs", type=Path, default=MIBS, help="net-snmp's -M directory")
    parser.add_argument("--show", type=int, default=0, help="differing lines to print")
    parser.add_argument("--keep", type=Path, help="write both outputs to this directory")
    parser.add_argument("--walk", action="store_true", help="GETNEXT walks (snmpwalk)")
    args = parser.parse_args(argv)
    same = True
    print(f"{'device':<26} {'ours':>7} {'theirs':>7} {'differ':>7}  most differing objects")
    command = "walk" if args.walk else "bulkwalk"
    for device in args.devices:
        found = compare(device, args.port, args.root, args.mibs, command)
        same = same and found.differing == 0
        top = ", ".join(f"{name} {count}" for name, count in found.objects())
        print(f"{device:<26} {len(found.ours):>7} {len(found.theirs):>7} "
              f"{found.differing:>7}  {top}")  # fmt: skip
        for mine, ref in found.pairs[: args.show]:
            print(f"    ours:   {mine}\n    theirs: {ref}")
        if args.keep is not None:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / f"{device}.ours").write_text("\n".join(found.ours) + "\n")
            (args.keep / f"{device}.theirs").write_text("\n".join(found.theirs) + "\n")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
