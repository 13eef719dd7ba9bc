"""The ``snmpc`` command line's words, read as net-snmp's tools read theirs.

:func:`parse` turns the words into options (net-snmp's letters, its exit code 1 for a bad
command line, options anywhere among the arguments, ``-Cr 5`` and ``-CE OID`` with their
value in the next word, set and trap values that start with ``-``); :func:`app_options`
reads a command's ``-C`` letters, :func:`component_options` the component's keywords.
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from typing import Any, NoReturn

from .cli_usage import UsageError
from .cli_values import atof, atoi, strtol
from .options import split_local

__all__ = ["COMMANDS", "TOOL", "AppOptions", "app_options", "component_options", "parse", "values"]

COMMANDS = ("get", "getnext", "walk", "bulkwalk", "set", "table", "trap", "inform", "trapd")

# net-snmp's tool names, for messages prefixed with the program name
TOOL = {
    "get": "snmpget",
    "getnext": "snmpgetnext",
    "walk": "snmpwalk",
    "bulkwalk": "snmpbulkwalk",
    "set": "snmpset",
    "table": "snmptable",
    "trap": "snmptrap",
    "inform": "snmpinform",
    "trapd": "snmptrapd",
}


class _Parser(argparse.ArgumentParser):
    """argparse with net-snmp's exit code for a bad command line (1, not 2), in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(1, f"{self.prog}: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="snmpc",
        description="net-snmp style SNMP tools on snmp_component.",
        epilog="set takes OID TYPE VALUE triples; TYPE is one of: i u t a o s x d n c C b =",
    )
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("-v", dest="version", default="2c", help="1|2c|3 (default 2c)")
    parser.add_argument("-c", dest="community", default="public", help="community string")
    parser.add_argument("-u", dest="secname", help="SNMPv3 security name")
    parser.add_argument("-l", dest="seclevel", help="noAuthNoPriv|authNoPriv|authPriv")
    parser.add_argument("-a", dest="authproto", help="MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512")
    parser.add_argument("-A", dest="authpass", help="authentication pass phrase")
    parser.add_argument("-x", dest="privproto", help="DES|AES|AES-192|AES-256|AES-192-C|...")
    parser.add_argument("-X", dest="privpass", help="privacy pass phrase")
    parser.add_argument("-t", dest="timeout", default="1", help="timeout in seconds (default 1)")
    parser.add_argument("-r", dest="retries", default="5", help="retries (default 5)")
    parser.add_argument(
        "-C",
        dest="appopts",
        action="append",
        default=[],
        help="application options: r<N> max-repetitions, n<N> non-repeaters",
    )
    parser.add_argument(
        "-O",
        dest="outopts",
        action="append",
        default=[],
        help="output options, as net-snmp's: q Q v s S f n u b e E t T U a x X 0 p",
    )
    parser.add_argument("-n", dest="context", help="SNMPv3 context name")
    parser.add_argument("-e", dest="sec_engine_id", help="SNMPv3 security engine ID (hex)")
    parser.add_argument("-E", dest="context_engine_id", help="SNMPv3 context engine ID (hex)")
    parser.add_argument(
        "-m", dest="mibs", help="MIB modules to load, colon-separated (ALL: every one found)"
    )
    parser.add_argument("-M", dest="mibdirs", help="directories to load MIBs from, colon-separated")
    parser.add_argument(
        "-d", dest="dump", action="store_true", help="dump the packets sent and received in hex"
    )
    parser.add_argument(
        "-V", dest="show_version", action="store_true", help="print the version and exit"
    )
    parser.add_argument(
        "--clientaddr",
        metavar="ADDR[:PORT]",
        help="source address (and port) of requests, as net-snmp's clientaddr: "
        "127.0.0.2, 127.0.0.2:5000, udp:127.0.0.2:5000, [::1]:5000",
    )
    parser.add_argument(
        "agent", nargs="?", help="host, host:port, udp:host:port, [v6]:port (trapd: where)"
    )
    parser.add_argument("oids", nargs="*", help="OIDs (set: OID TYPE VALUE triples)")
    return parser


@dataclass(frozen=True, slots=True)
class AppOptions:
    """The ``-C`` application options of one command (net-snmp's letters)."""

    count: bool = False  # p: print "Variables found: N"
    include_root: bool = False  # i: GET the given OID first
    never_root: bool = False  # I: never GET the given OID, even if nothing is found
    no_check: bool = False  # c: do not check that OIDs increase
    no_fix: bool = False  # f (get, getnext): do not ask again without a failed object
    timing: bool = False  # t: print the traversal time
    end: str | None = None  # E OID: end the walk before this OID
    non_repeaters: int = 0  # n<NUM>
    max_repetitions: int = 10  # r<NUM>


# the -C letters each command takes (bulkwalk's and table's r/n take a number)
_APP_LETTERS = {"walk": "piIctET", "bulkwalk": "cinpr", "get": "f", "getnext": "f"}
_FLAGS = {"p": "count", "i": "include_root", "I": "never_root", "c": "no_check", "t": "timing",
          "f": "no_fix"}  # fmt: skip
_NEXT_ARG = "\0"  # joins -C letters to the argument that E takes (see _join_option_values)


def app_options(command: str, values: list[str]) -> AppOptions:
    """``-C`` values as net-snmp reads them: flags toggle (``-Cii`` is off again), ``n``/``r``
    take the number that follows (as ``strtol``), walk's ``E`` the next argument; an
    unknown letter is a usage error."""
    letters = _APP_LETTERS.get(command, "")
    found: dict[str, Any] = {}
    for value in values:
        text, _, following = value.partition(_NEXT_ARG)
        while text:
            letter, text = text[0], text[1:]
            if letter not in letters:
                raise UsageError(f"Unknown flag passed to -C: {letter}")
            if letter in "rn":
                number, used = strtol(text, 0)  # as snmpbulkwalk reads it
                if not used:
                    raise UsageError(f"No number given for -C{letter}")
                text = text[used:]
                found["max_repetitions" if letter == "r" else "non_repeaters"] = number
            elif letter == "E":
                if not following:
                    raise UsageError("Missing OID for -CE")
                found["end"], following = following, ""
            elif letter == "T":
                raise UsageError("-CT (the time of each request) is not supported")
            else:
                name = _FLAGS[letter]
                found[name] = not found.get(name, False)
    return AppOptions(**found)


_WITH_VALUE = frozenset("vcuaAxXltrnEeCOmM")  # the options that take the next word
_VALUE_MARK = "\0"  # before a set value that starts with "-" (undone by _values)


def _mark_set_values(argv: list[str]) -> list[str]:
    """The VALUE words of ``set``'s (and ``trap``'s, ``inform``'s) OID TYPE VALUE triples
    that start with ``-`` (``s -1:2``, ``F -inf``), marked so that they are not read as
    options: after the agent (and a notification's header words) the words are triples."""
    if argv[:1] == ["set"]:
        first = 3  # AGENT, then OID TYPE VALUE ...
    elif argv[:1] in (["trap"], ["inform"]):
        # AGENT [ENTERPRISE AGENT-ADDR GENERIC SPECIFIC] UPTIME TRAP-OID, then triples
        first = 8 if _version_word(argv) == "1" else 5
    else:
        return argv
    marked, positional, k = argv[:1], 0, 1
    while k < len(argv):
        word = argv[k]
        k += 1
        if word.startswith("-") and not (positional >= first and (positional - first) % 3 == 0):
            marked.append(word)
            takes_next = len(word) == 2 and word[1] in _WITH_VALUE
            if (takes_next or word == "--clientaddr") and k < len(argv):
                marked.append(argv[k])
                k += 1
            continue
        marked.append(_VALUE_MARK + word if word.startswith("-") else word)
        positional += 1
    return marked


def _version_word(argv: list[str]) -> str:
    """The ``-v`` of a command line, before it is parsed (last one wins, as getopt)."""
    version = "2c"
    for k, word in enumerate(argv):
        if word == "-v" and k + 1 < len(argv):
            version = argv[k + 1]
        elif word.startswith("-v") and len(word) > 2:
            version = word[2:]
    return version


def values(words: list[str]) -> list[str]:
    return [word.removeprefix(_VALUE_MARK) for word in words]


def _join_option_values(argv: list[str]) -> list[str]:
    """net-snmp's option letters that take the next argument, joined to it: walk's ``-CE``
    (``-CE OID``, ``-CiE OID``), ``-Op`` (``-Op 5.2``) and, as snmpc also reads them,
    ``-Cr 5``/``-Cn 1``."""
    joined: list[str] = []
    words = iter(argv)
    for word in words:
        if word.startswith("-C") and "E" in word:
            following = next(words, None)
            if following is not None:
                word += _NEXT_ARG + following
        elif word.startswith("-O"):
            letters = word[2:]
            if not letters:  # -O LETTERS
                joined.append(word)
                word = letters = next(words, "")
            if letters.find("p") == len(letters) - 1 >= 0:  # -Op PRECISION, -Oqp PRECISION
                word += next(words, "")
        elif word in ("-Cr", "-Cn"):
            following = next(words, None)
            if following is not None and following.isdigit():
                word += following
            elif following is not None:
                joined.append(word)
                word = following
        joined.append(word)
    return joined


# what net-snmp's snmp_parse_args takes after -v, -l, -a and -x (case aside), and the
# names the package knows them by; snmpc also takes 3DES after -x
_VERSIONS = {"1": "1", "2c": "2c", "3": "3"}
_LEVELS = dict.fromkeys(("noauthnopriv", "1", "noauth", "nanp"), "noAuthNoPriv") | dict.fromkeys(
    ("authnopriv", "2", "auth", "anp"), "authNoPriv") | dict.fromkeys(
    ("authpriv", "3", "priv", "ap"), "authPriv")  # fmt: skip
_AUTH = {"SHA": "SHA", "SHA-1": "SHA", "SHA1": "SHA", "MD5": "MD5"} | {
    name: f"SHA-{bits}" for bits in (224, 256, 384, 512) for name in (f"SHA-{bits}", f"SHA{bits}")
}
_PRIV: dict[str, str | None] = {
    "NOPRIV": None,
    "DES": "DES",
    "3DES": "3DES",
    "AES": "AES",
    "AES-128": "AES",
    "AES128": "AES",
} | {
    name: f"AES-{bits}{c}"
    for bits in (192, 256)
    for c in ("", "-C")
    for name in (f"AES-{bits}{c}", f"AES{bits}{c.strip('-')}")
}


def _checked(args: argparse.Namespace) -> argparse.Namespace:
    """The values of -v -t -r -l -a -x read as snmp_parse_args reads them (``-t`` by
    ``atof``, ``-r`` by ``atoi``; names of levels and protocols in any case); a bad one
    is a usage error in net-snmp's words."""
    version = _VERSIONS.get(args.version.lower())
    if version is None:
        raise UsageError(f"Invalid version specified after -v flag: {args.version}")
    timeout = atof(args.timeout) * 1_000_000
    if not timeout > 0 or not math.isfinite(timeout) or int(timeout) <= 0:
        raise UsageError("Invalid timeout in seconds after -t flag.")
    retries = atoi(args.retries)
    if retries < 0 or not (args.retries[:1].isascii() and args.retries[:1].isdigit()):
        raise UsageError("Invalid number of retries after -r flag.")
    args.version, args.timeout, args.retries = version, int(timeout), retries
    if args.seclevel is not None:
        level = _LEVELS.get(args.seclevel.lower())
        if level is None:
            raise UsageError(f"Invalid security level specified after -3l flag: {args.seclevel}")
        args.seclevel = level
    if args.authproto is not None:
        if args.authproto.upper() not in _AUTH:
            raise UsageError(
                f"Invalid authentication protocol specified after -3a flag: {args.authproto}"
            )
        args.authproto = _AUTH[args.authproto.upper()]
    if args.privproto is not None:
        if args.privproto.upper() not in _PRIV:
            raise UsageError(f"Invalid privacy protocol specified after -3x flag: {args.privproto}")
        args.privproto = _PRIV[args.privproto.upper()]
    return args


def component_options(args: argparse.Namespace) -> dict[str, Any]:
    """The component's keywords for a parsed command line (:func:`parse`)."""
    opts: dict[str, Any] = {
        "DestHost": args.agent,
        "Version": args.version,
        "Timeout": args.timeout,
        "Retries": args.retries,
        "UseNumeric": 1,
    }
    if args.version == "3":
        if not args.secname:
            raise UsageError(f"{TOOL[args.command]}: No securityName specified")
        opts["SecName"] = args.secname
        given = {"Context": args.context, "SecEngineId": args.sec_engine_id,
                 "ContextEngineId": args.context_engine_id}  # fmt: skip
        opts.update({key: value for key, value in given.items() if value is not None})
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


def parse(argv: list[str]) -> argparse.Namespace:
    """The command line ``argv`` (the command first) as options (``timeout`` in
    microseconds, ``retries`` a number, levels and protocols by the package's names); an
    unknown option exits 1 with a one-line message.

    Raises:
        UsageError: a value net-snmp's tools refuse, in their words.
    """
    args = _parser().parse_intermixed_args(_join_option_values(_mark_set_values(argv)))
    return _checked(args)
