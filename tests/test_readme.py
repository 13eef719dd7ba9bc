"""The README's code runs as written, and its promises hold.

Every fenced code block of ``README.md`` is one of:

* a Python program (```` ```python ````): run in a subprocess. If it ends with a comment
  block ``# prints:``, its output must be those lines; ``# fails with:`` names the last
  line of its stderr, and its exit status must not be 0; otherwise it must exit with 0.
* a shell session (```` ```sh ```` whose lines start with ``$ ``): each command runs, must
  exit with 0 and print the lines shown under it. ``python -m snmp_component agent``, the
  demo agent the other snippets talk to, is the one command that runs all along: the test
  starts it first.
* a fragment, marked by ``<!-- fragment: why -->`` on the line before its fence: code
  that cannot run alone (placeholders, a missing device, lines of a bigger program).
  Python fragments must still compile, and shell fragments name commands that exist.

A block that is none of these fails :func:`test_every_snippet_is_run_or_marked`: no
snippet is skipped silently. Printed digits are compared as digits (``4242`` stands for
any number: uptimes and counters move).

The snippets target the demo agent at :data:`README_ADDRESS`, ``127.0.0.1:1161``, where
``python -m snmp_component agent`` listens by default. Port 1161 may be taken on a test
machine, so the test starts the agent with ``--port 0`` and replaces that one literal in
each snippet (and ``1161`` in the agent's own line) by what it got: the rest runs as
printed.
"""

from __future__ import annotations

import gzip
import importlib.metadata
import json
import os
import re
import shlex
import shutil
import site
import subprocess
import sys
import sysconfig
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import snmp_component
from snmp_component._core.ber import VarBind
from snmp_component._core.oid import Oid
from snmp_component.testing.agent import DemoAgent
from snmp_component.testing.agent_cli import DEFAULT_HOST, DEFAULT_PORT, AgentProcess

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
README_ADDRESS = "127.0.0.1:1161"
"""The demo agent's address as the README writes it."""
AGENT_COMMAND = "python -m snmp_component agent"
MIB_DIR = ROOT.parent / "shared" / "mibs"
"""net-snmp's MIBs for its tools' ``-M`` (as tests/component/test_formats.py)."""

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.M | re.S)
_MARKER = re.compile(r"<!--\s*fragment:\s*(\S.*?)\s*-->\s*\Z", re.S)


@dataclass(frozen=True)
class Snippet:
    """One fenced block of the README."""

    line: int  # of its opening fence
    section: str  # the heading above it
    lang: str
    code: str
    fragment: str | None  # why it cannot run alone, or None

    @property
    def id(self) -> str:
        return f"line{self.line}-{self.lang}"

    @property
    def kind(self) -> str:
        if self.fragment is not None:
            return "fragment"
        if self.lang == "python":
            return "program"
        if self.lang == "sh" and self.code.startswith("$ "):
            return "session"
        return "unknown"


def snippets(text: str) -> list[Snippet]:
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()]
        marker = _MARKER.search(before[-300:])
        headings = re.findall(r"^#+ (.+)$", before, re.M)
        found.append(
            Snippet(
                line=before.count("\n") + 1,
                section=headings[-1] if headings else "",
                lang=match.group(1),
                code=match.group(2),
                fragment=marker.group(1) if marker else None,
            )
        )
    return found


SNIPPETS = snippets(README.read_text())


def of_kind(kind: str) -> list[Snippet]:
    return [snippet for snippet in SNIPPETS if snippet.kind == kind]


def shape(text: str) -> str:
    """Text with every number as ``#``: what stays the same from one run to the next."""
    return re.sub(r"\d+", "#", text)


def retarget(code: str, address: str) -> str:
    return code.replace(README_ADDRESS, address)


@dataclass(frozen=True)
class Session:
    """A shell session: (command, the lines it prints) pairs."""

    steps: list[tuple[str, list[str]]]


def session_of(snippet: Snippet) -> Session:
    steps: list[tuple[str, list[str]]] = []
    for line in snippet.code.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            assert steps, f"README line {snippet.line}: output before any command"
            steps[-1][1].append(line)
    return Session(steps)


def argv_of(command: str) -> list[str]:
    """The command line as this test runs it: ``python``/``snmpc`` as this interpreter."""
    words = shlex.split(command)
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    if words[0] == "snmpc":
        return [sys.executable, "-m", "snmp_component", *words[1:]]
    raise AssertionError(f"unexpected command in the README: {command}")


@pytest.fixture(scope="module")
def agent() -> Iterator[AgentProcess]:
    """The README's own ``python -m snmp_component agent``, on a free port."""
    starts = [
        (snippet, output)
        for snippet in of_kind("session")
        for command, output in session_of(snippet).steps
        if command == AGENT_COMMAND
    ]
    assert len(starts) == 1, "the README shows how to start the demo agent, once"
    ((snippet, output),) = starts
    assert session_of(snippet).steps == [(AGENT_COMMAND, output)], "the agent runs alone"
    running = AgentProcess("--port", "0").start()
    try:
        assert [running.line] == [line.replace("1161", str(running.port)) for line in output]
        yield running
    finally:
        code = running.stop()
    assert code == 0 and running.stderr == ""  # SIGTERM: a clean exit


def run_program(code: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "snippet.py"
    script.write_text(code)
    return subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )


def expectations(code: str) -> tuple[list[str] | None, str | None]:
    """The lines under a trailing ``# prints:`` and the line under ``# fails with:``."""
    lines = code.rstrip("\n").splitlines()
    tail: list[str] = []
    while lines and lines[-1].startswith("#"):
        tail.insert(0, lines.pop())
    blocks: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in tail:
        if line in ("# prints:", "# fails with:"):
            current = blocks.setdefault(line, [])
        elif current is not None:
            current.append(line.removeprefix("# "))
    fails = blocks.get("# fails with:")
    assert fails is None or len(fails) == 1, "# fails with: names one line"
    return blocks.get("# prints:"), (fails[0] if fails else None)


# ------------------------------------------------------------------------------ the snippets
def test_every_snippet_is_run_or_marked() -> None:
    unknown = [(s.line, s.lang) for s in SNIPPETS if s.kind == "unknown"]
    assert unknown == [], "mark these <!-- fragment: why --> or make them run"
    assert len(of_kind("program")) >= 4 and len(of_kind("session")) >= 2
    # what the README calls the demo agent's address is where the command listens
    assert README_ADDRESS == f"{DEFAULT_HOST}:{DEFAULT_PORT}"
    for snippet in of_kind("program"):
        assert "192.0.2." not in snippet.code, f"line {snippet.line}: a documentation address"


@pytest.mark.parametrize("snippet", of_kind("program"), ids=lambda s: s.id)
def test_python_program(snippet: Snippet, agent: AgentProcess, tmp_path: Path) -> None:
    done = run_program(retarget(snippet.code, agent.address), tmp_path)
    prints, fails = expectations(snippet.code)
    if fails is None:
        assert done.returncode == 0, done.stderr
        assert "Traceback" not in done.stderr, done.stderr
    else:
        assert done.returncode != 0
        assert done.stderr.splitlines()[-1:] == [fails], done.stderr
    if prints is not None:
        assert shape(done.stdout).splitlines() == [shape(line) for line in prints]


@pytest.mark.parametrize("snippet", of_kind("session"), ids=lambda s: s.id)
def test_shell_session(snippet: Snippet, agent: AgentProcess, tmp_path: Path) -> None:
    for command, output in session_of(snippet).steps:
        if command == AGENT_COMMAND:
            continue  # the agent fixture ran it
        done = subprocess.run(argv_of(retarget(command, agent.address)), capture_output=True,
                              text=True, timeout=60, cwd=tmp_path)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
        assert shape(done.stdout).splitlines() == [shape(line) for line in output], command


@pytest.mark.parametrize("snippet", of_kind("fragment"), ids=lambda s: s.id)
def test_fragment_is_marked_with_a_reason_and_well_formed(snippet: Snippet) -> None:
    assert len(snippet.fragment or "") > 10, "say why it cannot run"
    if snippet.lang == "python":
        flags = 0x2000  # ast.PyCF_ALLOW_TOP_LEVEL_AWAIT: fragments of async functions
        compile(snippet.code, f"README.md:{snippet.line}", "exec", flags=flags)
        return
    assert snippet.lang == "sh", snippet
    for line in snippet.code.splitlines():
        word = line.removeprefix("$ ").split()[0]
        assert word in ("python", "snmpc") or (ROOT / word).is_file(), line


# ------------------------------------------------------------------------------ promises
def handler_error_recipe() -> str:
    (recipe,) = [s.code for s in of_kind("program") if '"handler_error"' in s.code]
    return recipe


def test_without_the_recipe_a_failing_handler_is_logged_and_the_script_exits_0(
    agent: AgentProcess, tmp_path: Path
) -> None:
    """What the README says of an exception in a handler, and why scripts want its recipe."""
    recipe = retarget(handler_error_recipe(), agent.address)
    line = 'kernel.events.on("handler_error", stop_on_error)\n'
    assert recipe.count(line) == 1
    done = run_program(recipe.replace(line, ""), tmp_path)
    assert done.returncode == 0 and done.stdout == ""
    assert "handler of 'on_resp' in <Session" in done.stderr
    assert done.stderr.splitlines()[-1] == (
        "AttributeError: 'str' object has no attribute 'upper_case'"
    )
    # with it: stopped at once, raised after run() (test_python_program checks the message)
    done = run_program(recipe, tmp_path)
    assert done.returncode == 1 and done.stderr.count("Traceback") == 2  # logged, raised


def _site_without_pysmi(farm: Path) -> None:
    """Make ``farm`` a site-packages of links to this Python's, without pysmi (nor .pth
    files), with this very ``snmp_component``."""
    farm.mkdir()
    package = Path(snmp_component.__file__).resolve().parent
    (farm / package.name).symlink_to(package)
    dirs = {*site.getsitepackages(), sysconfig.get_paths()["purelib"]}
    dirs |= {p for p in sys.path if Path(p).name in ("site-packages", "dist-packages")}
    for folder in map(Path, sorted(dirs)):
        if not folder.is_dir():
            continue
        for entry in folder.iterdir():
            name = entry.name.lower()
            skip = name.startswith(("pysmi", "__editable__")) or name.endswith(".pth")
            if not skip and not (farm / entry.name).exists():
                (farm / entry.name).symlink_to(entry)


ACME_MIB = """\
ACME-MIB DEFINITIONS ::= BEGIN
IMPORTS MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI;
acmeMIB MODULE-IDENTITY
    LAST-UPDATED "202401010000Z" ORGANIZATION "Acme" CONTACT-INFO "nobody"
    DESCRIPTION "A test MIB." ::= { enterprises 99999 }
acmeWidgets OBJECT-TYPE SYNTAX Integer32 (0..100) UNITS "widgets" MAX-ACCESS read-only
    STATUS current DESCRIPTION "Widgets in stock." ::= { acmeMIB 1 }
END
"""


def build_cache(tmp_path: Path) -> tuple[str, Path]:
    """Compile ACME-MIB into a cache in a subprocess that has pysmi: (the add_mibs call,
    the cache file)."""
    pytest.importorskip("pysmi", reason="the cache is built with pysmi")
    mibs, cache = tmp_path / "mibs", tmp_path / "cache"
    mibs.mkdir()
    (mibs / "acme.my").write_text(ACME_MIB)
    add = f"names.add_mibs([{str(mibs)!r}], ['ACME-MIB'], cache_dir={str(cache)!r})"
    build = f"from snmp_component import names; print({add})"
    done = subprocess.run([sys.executable, "-c", build], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, "['ACME-MIB']\n"), done.stderr
    [cached] = cache.iterdir()
    return add, cached


def test_an_add_mibs_cache_loads_where_pysmi_is_not_installed(tmp_path: Path) -> None:
    """README: "later calls with the same files load that result without pysmi"."""
    add, cached = build_cache(tmp_path)
    farm = tmp_path / "site"
    _site_without_pysmi(farm)
    load = textwrap.dedent(
        f"""
        import importlib.metadata, sys
        sys.modules["pysmi"] = None  # and no distribution either: not installed
        try:
            importlib.metadata.version("pysmi")
            raise SystemExit("pysmi is still installed here")
        except importlib.metadata.PackageNotFoundError:
            pass
        from snmp_component import names
        print({add}, names.resolve("acmeWidgets.0"))
        """
    )
    env = {**os.environ, "PYTHONPATH": str(farm)}
    done = subprocess.run([sys.executable, "-S", "-c", load], capture_output=True, text=True,
                          env=env, cwd=tmp_path, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == "['ACME-MIB'] (1, 3, 6, 1, 4, 1, 99999, 1, 0)\n"
    assert list(cached.parent.iterdir()) == [cached]  # loaded, not compiled again


def test_an_add_mibs_cache_of_another_pysmi_is_compiled_again(tmp_path: Path) -> None:
    """... while a cache compiled by another pysmi version than the installed one is not
    trusted (what the version in the cache key was for)."""
    add, cached = build_cache(tmp_path)
    data = json.loads(gzip.decompress(cached.read_bytes()))
    assert data["pysmi"] == importlib.metadata.version("pysmi")
    data["pysmi"] = "0.0.1"
    cached.write_bytes(gzip.compress(json.dumps(data).encode()))
    done = subprocess.run([sys.executable, "-c", f"from snmp_component import names; {add}"],
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(gzip.decompress(cached.read_bytes()))["pysmi"] != "0.0.1"


# ------------------------------------------------------------------ net-snmp's lines
class PadsTheEnd(DemoAgent):
    """Fills every GETBULK repetition past the end with endOfMibView (RFC 3416 allows it)."""

    def _bulk(self, vbs: list[VarBind], non_rep: int, max_rep: int, t: float) -> list[VarBind]:
        out = [self._next_v2(oid, t) for oid, _tag, _value in vbs[:non_rep]]
        last = [oid for oid, _tag, _value in vbs[non_rep:]]
        for _ in range(max_rep):
            row = [self._next_v2(oid, t) for oid in last]
            out += row
            last = [oid for oid, _tag, _value in row]
        return out


class GoesBack(DemoAgent):
    """Answers ifDescr.1 again after ifDescr.3: an OID that does not increase."""

    def _next(self, oid: Oid, t: float, v1: bool) -> VarBind | None:
        if oid == (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 3):
            return self._get((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1), t, v1)
        return super()._next(oid, t, v1)


def both(agent: DemoAgent, tool: str, *argv: str) -> tuple[list[str], list[str]]:
    """What ``snmp<tool>`` and ``snmpc <tool>`` print (stdout and stderr lines, exit code
    last) against ``agent``, with the same arguments."""
    printed = []
    for command in ([f"snmp{tool}", "-m", "ALL", "-M", str(MIB_DIR)],
                    [sys.executable, "-m", "snmp_component", tool]):  # fmt: skip
        done = subprocess.run(
            [*command, "-c", "public", *argv[:-1], f"127.0.0.1:{agent.port}", argv[-1]],
            capture_output=True, text=True, timeout=60,
            env={**os.environ, "SNMPCONFPATH": os.devnull},
        )  # fmt: skip
        printed.append([*(done.stdout + done.stderr).splitlines(), f"exit {done.returncode}"])
    return printed[0], printed[1]


@pytest.mark.skipif(
    not all(shutil.which(f"snmp{tool}") for tool in ("walk", "bulkwalk", "table")),
    reason="net-snmp's snmpwalk/snmpbulkwalk/snmptable are not installed",
)
def test_the_known_exceptions_to_net_snmps_lines_hold() -> None:
    """The README lists where ``snmpc`` does not print net-snmp's lines; each still differs
    as described (if one does not any more, drop it from the README)."""
    text = README.read_text()
    end = "No more variables left in this MIB View (It is past the end of the MIB tree)"
    with PadsTheEnd(clock=lambda: 1.0).in_thread() as agent:
        theirs, ours = both(agent, "bulkwalk", "-v2c", "ifAlias")
    assert "pads its last GETBULK response" in text
    assert sum(line.endswith(end) for line in theirs) > 1
    assert sum(line.endswith(end) for line in ours) == 1
    assert [x for x in theirs if not x.endswith(end)] == [x for x in ours if not x.endswith(end)]

    assert "an OID that does not increase" in text
    went_back = ["IF-MIB::ifDescr.1 = STRING: lo", "IF-MIB::ifDescr.2 = STRING: eth0",
                 "IF-MIB::ifDescr.3 = STRING: eth1", "IF-MIB::ifDescr.1 = STRING: lo",
                 "Error: OID not increasing: IF-MIB::ifDescr.3", " >= IF-MIB::ifDescr.1", "",
                 "exit 1"]  # fmt: skip
    with GoesBack(clock=lambda: 1.0).in_thread() as agent:
        for tool, version in (("walk", "-v2c"), ("walk", "-v1")):
            assert both(agent, tool, version, "ifDescr") == (went_back, went_back)
        theirs, ours = both(agent, "bulkwalk", "-v2c", "ifDescr")
        assert ours == went_back
        assert theirs[:4] == went_back[:4] and theirs.count(went_back[4].replace("3", "1")) > 1

    assert "A sparse table read with GETNEXT" in text  # (tests/test_cli_table.py shows it)
    with DemoAgent(clock=lambda: 1.0).in_thread() as agent:  # former exceptions, now equal
        theirs, ours = both(agent, "walk", "-v1", ".1.3.6.1.2.1.31.1.1.1.18.4")
        last = "IF-MIB::ifAlias.4 = STRING: demo interface wlan0"
        assert theirs == ours == ["End of MIB", last, "exit 0"]
        theirs, ours = both(agent, "table", "-v1", "ifXTable")
        assert theirs == ours == ["End of MIB", "IF-MIB::ifXTable: No entries", "exit 0"]
