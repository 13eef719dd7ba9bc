"""MIB start-up costs: what a process pays before and at its first name, and after.

Each "cold" figure runs in a fresh interpreter (``python -c``), RUNS times, and reports the
median (and the min-max), twice: with the environment as it is (where
``PYTHONDONTWRITEBYTECODE=1`` every module is compiled from source at each start) and with
a warmed bytecode cache (``PYTHONPYCACHEPREFIX`` in a temporary directory), as an
installed package runs:

* ``import snmp_component`` (wall clock around the import; ``-X importtime``'s own
  figure for the package is printed too);
* loading the shipped MIB index (``names.mib_index()``, after the import);
* the first ``names.resolve("ifHCInOctets.1")`` of a process: including the index load,
  and once the index is loaded;
* the first ``UseSprintValue`` formatting of a value (``sprint_value``) in a process.

Warm figures (timeit, this process): ``names.resolve`` of a name seen before, parsing a
name not seen before, ``names.describe`` of a response OID, ``sprint_value`` of a
DateAndTime. With pysmi installed it also times ``names.add_mibs`` of a one-object MIB:
compiling it, and loading it again from its cache directory in a fresh process.

    python benchmarks/mib_load.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from snmp_component import names  # noqa: E402
from snmp_component._core import ber  # noqa: E402
from snmp_component._core.mibindex import parse_name  # noqa: E402
from snmp_component._core.sprint import sprint_value  # noqa: E402

ACME = """\
ACME-BENCH-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
acmeBench OBJECT IDENTIFIER ::= { enterprises 99999 }
acmeBenchWidgets OBJECT-TYPE SYNTAX Integer32 MAX-ACCESS read-only STATUS current
    DESCRIPTION "Widgets." ::= { acmeBench 1 }
END
"""


ENVIRONMENTS: dict[str, dict[str, str]] = {}


def environments(pycache: str) -> dict[str, dict[str, str]]:
    """``as is`` (the caller's environment) and ``.pyc`` (bytecode cached in *pycache*)."""
    cached = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    cached["PYTHONPYCACHEPREFIX"] = pycache
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import snmp_component.names, "
            "snmp_component._core.table; snmp_component.names.mib_index()",
        ],
        cwd=ROOT,
        env=cached,
        check=True,
    )  # fmt: skip  (warm the cache)
    return {"as is": dict(os.environ), ".pyc": cached}


def fresh(code: str, env: dict[str, str] | None = None) -> float:
    """Run ``code`` in a new interpreter; it prints one float (seconds)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
        env=env,
    )  # fmt: skip
    return float(done.stdout.strip().splitlines()[-1])


def cold(code: str, runs: int) -> dict[str, list[float]]:
    return {name: [fresh(code, env) for _ in range(runs)] for name, env in ENVIRONMENTS.items()}


def importtime(runs: int) -> dict[str, list[float]]:
    """``-X importtime``'s cumulative microseconds for the package itself, in seconds."""
    return {name: _importtime(runs, env) for name, env in ENVIRONMENTS.items()}


def _importtime(runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import snmp_component"],
            capture_output=True, text=True, cwd=ROOT, check=True, env=env,
        )  # fmt: skip
        for line in done.stderr.splitlines():
            match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|\s*snmp_component$", line)
            if match:
                out.append(int(match.group(1)) / 1e6)
    return out


def warm(stmt: object, number: int) -> list[float]:
    timer = timeit.Timer(stmt)  # type: ignore[arg-type]
    return [t / number for t in timer.repeat(repeat=5, number=number)]


def cell(samples: list[float] | None, unit: str) -> str:
    if not samples:
        return " " * 30
    scale = 1e3 if unit == "ms" else 1e6
    med = statistics.median(samples) * scale
    spread = f"({min(samples) * scale:.3f}-{max(samples) * scale:.3f})"
    return f"{med:>9.3f} {unit} {spread:<17}"


def row(what: str, samples: dict[str, list[float]] | list[float], unit: str = "ms") -> str:
    if isinstance(samples, list):
        samples = {"as is": samples}
    return (
        f"| {what:<54} | {cell(samples.get('as is'), unit)} | {cell(samples.get('.pyc'), unit)} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh interpreters per cold row")
    args = parser.parse_args()
    runs = args.runs
    pycache = tempfile.TemporaryDirectory()
    ENVIRONMENTS.update(environments(pycache.name))

    rows: list[str] = []
    rows.append(row(
        "cold: import snmp_component (wall clock)",
        cold("import time; t = time.perf_counter(); import snmp_component; "
             "print(time.perf_counter() - t)", runs),
    ))  # fmt: skip
    rows.append(row("cold: import snmp_component (-X importtime)", importtime(runs)))
    rows.append(row(
        "cold: load the MIB index (names.mib_index())",
        cold("import time; from snmp_component import names; t = time.perf_counter(); "
             "names.mib_index(); print(time.perf_counter() - t)", runs),
    ))  # fmt: skip
    rows.append(row(
        "cold: first resolve, index load included",
        cold("import time; from snmp_component import names; t = time.perf_counter(); "
             "names.resolve('ifHCInOctets.1'); print(time.perf_counter() - t)", runs),
    ))  # fmt: skip
    rows.append(row(
        "cold: first resolve, index already loaded",
        cold("import time; from snmp_component import names; names.mib_index(); "
             "t = time.perf_counter(); names.resolve('ifHCInOctets.1'); "
             "print(time.perf_counter() - t)", runs),
    ))  # fmt: skip
    rows.append(row(
        "cold: first UseSprintValue value (index loaded)",
        cold("import time; from snmp_component import names; from snmp_component._core import "
             "ber; from snmp_component._core.sprint import sprint_value; ix = names.mib_index();"
             " oid = names.resolve('hrSystemDate.0'); t = time.perf_counter(); "
             "sprint_value(ber.OCTET_STRING, bytes([7,234,1,2,3,4,5,6,43,1,0]), "
             "ix.longest_prefix(oid)); print(time.perf_counter() - t)", runs),
    ))  # fmt: skip

    names.mib_index()
    names.resolve("ifHCInOctets.1")
    index = names.mib_index()
    fresh_names = iter([f"ifDescr.{i}" for i in range(10**6)])
    oid = names.resolve("ifHCInOctets.7")
    date_node = index.longest_prefix(names.resolve("hrSystemDate.0"))
    date = bytes([7, 234, 1, 2, 3, 4, 5, 6, 43, 1, 0])
    micro = [
        row("warm: names.resolve('ifHCInOctets.1') (seen before)",
            warm(lambda: names.resolve("ifHCInOctets.1"), 20000), "us"),
        row("warm: parse a name not seen before (ifDescr.<n>)",
            warm(lambda: parse_name(next(fresh_names), index), 5000), "us"),
        row("warm: names.describe(ifHCInOctets.7) (response tag)",
            warm(lambda: names.describe(oid, False), 20000), "us"),
        row("warm: sprint_value(DateAndTime)",
            warm(lambda: sprint_value(ber.OCTET_STRING, date, date_node), 20000), "us"),
    ]  # fmt: skip

    user: list[str] = []
    try:
        import pysmi  # noqa: F401
    except ImportError:
        user.append("| (pysmi not installed: the user-MIB rows are skipped)")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            mibs = Path(tmp, "mibs")
            mibs.mkdir()
            (mibs / "ACME-BENCH-MIB.txt").write_text(ACME)

            def code(cache: Path) -> str:
                return (
                    "import time; from snmp_component import names; t = time.perf_counter(); "
                    f"names.add_mibs([{str(mibs)!r}], ['ACME-BENCH-MIB'], "
                    f"cache_dir={str(cache)!r}); print(time.perf_counter() - t)"
                )

            compiled: dict[str, list[float]] = {}
            for i, (name, env) in enumerate(ENVIRONMENTS.items()):
                fresh(code(Path(tmp, f"warm-{i}")), env)  # pysmi's own modules: bytecode too
                compiled[name] = [fresh(code(Path(tmp, f"cache-{i}-{n}")), env) for n in range(2)]
            user.append(row("user MIB: add_mibs, compiled with pysmi (cold)", compiled))
            fresh(code(Path(tmp, "cache")))  # compile once into the cache measured next
            user.append(row("user MIB: add_mibs, from its cache dir (cold)",
                            cold(code(Path(tmp, "cache")), runs)))  # fmt: skip

    line = "|" + "-" * 56 + "|" + "-" * 32 + "|" + "-" * 32 + "|"
    print(f"MIB load timings: Python {sys.version.split()[0]}, {runs} fresh interpreters per "
          f"cold row, {len(index)} named OIDs in the shipped index; median (min-max)")  # fmt: skip
    print(f"| {'what':<54} | {'as is (no .pyc if so set)':<30} | {'with .pyc cache':<30} |")
    print(line)
    for text in rows + micro + user:
        print(text)
    pycache.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
