"""A request's arguments, parsed into its plan: what the component checks before it
accepts a request (bad input raises here, and nothing is sent).

``vars`` are parsed through the MIB names (:mod:`snmp_component.names`); ``set``'s
varbinds through the MIB types; ``getbulk``/``bulkwalk`` counts and ``table`` names are
checked. A poll that asks for the same numeric OID strings again reuses its parsed PDU.
``callback_args`` (a keyword, or a ``-callback_args`` pair as in POE) are split off first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import names
from ._core import ber
from ._core.oid import parse_oid
from ._core.plans import (
    BulkPolicy,
    BulkWalkPlan,
    Send,
    SinglePlan,
    TablePlan,
    WalkLimits,
    WalkPlan,
)
from ._core.vars import parse_set_vars, parse_vars
from .errors import BadTypeError, ConfigurationError, VersionMismatchError
from .job import Job
from .options import SessionOptions

__all__ = ["RequestParser", "count", "split_callback_args"]


class RequestParser:
    """Parses one component's requests into plans.

    Its state is what the component learnt about its target and its polls: the bulk size
    tooBig taught (:class:`~snmp_component._core.plans.BulkPolicy`, shared by its walks
    and tables) and the last get/getnext arguments that were all numeric OID strings
    (whose OIDs no MIB loaded or forgotten later can change), with their GET and GETNEXT:
    a poll of the same OIDs is not parsed again (one entry: bounded by its arguments).
    """

    __slots__ = ("_parsed", "bulk_policy", "limits", "opts")

    def __init__(self, opts: SessionOptions) -> None:
        self.opts = opts
        self.bulk_policy = BulkPolicy(opts.alias)
        self.limits = WalkLimits(
            not opts.non_increasing, opts.max_rows, opts.max_requests, opts.deadline
        )
        self._parsed: tuple[tuple[str, ...], Send, Send] | None = None

    def prepare(self, job: Job, args: Sequence[Any]) -> None:
        """Parse the request arguments into the job's plan; raises on bad input."""
        cmd, opts = job.cmd, self.opts
        if cmd == "get" or cmd == "getnext":
            parsed = self._parsed
            if parsed is not None and same_strs(args, parsed[0]):
                job.plan = SinglePlan(parsed[1] if cmd == "get" else parsed[2])  # a poll again
                return
        if cmd == "table":
            self._prepare_table(job, args)
            return
        if cmd == "set":
            varbinds = parse_set_vars(args, names.resolve, names.type_of, names.object_of)
            if opts.version == 1:
                try:
                    ber.check_version_varbinds(ber.VERSION_1, varbinds)
                except ValueError as exc:
                    raise BadTypeError(f"Bad variable type: {exc}") from None
            job.plan = SinglePlan(Send(ber.SET_REQUEST, varbinds))
            return
        non_repeaters = max_repetitions = 0
        if cmd == "getbulk" or cmd == "bulkwalk":
            if opts.version == 1:
                raise VersionMismatchError(f"Cannot send V2 PDU on V1 session ({cmd})")
            if len(args) < 2:
                raise ConfigurationError(f"{cmd} needs nonrepeaters, maxrepetitions, vars")
            non_repeaters = count(cmd, "nonrepeaters", args[0])
            max_repetitions = count(cmd, "maxrepetitions", args[1])
            args = args[2:]
            if cmd == "bulkwalk":
                if not args or all(isinstance(a, list | tuple) and not a for a in args):
                    raise ConfigurationError("cannot bulkwalk() empty variable list")
                if max_repetitions == 0:
                    raise ConfigurationError("bulkwalk() needs maxrepetitions >= 1")
        oids = parse_vars(args, names.resolve)
        if cmd == "walk":
            job.plan = WalkPlan(oids, self.limits, v1=opts.version == 1)
            job.converted = []
        elif cmd == "bulkwalk":
            if non_repeaters > len(oids):
                raise ConfigurationError("bulkwalk() needs at least 2 varbinds")
            job.plan = BulkWalkPlan(
                oids, non_repeaters, max_repetitions, self.limits, self.bulk_policy
            )
            job.converted = []
        elif cmd == "getbulk":
            if non_repeaters > len(oids):
                raise ConfigurationError(
                    f"getbulk: nonrepeaters {non_repeaters} > {len(oids)} vars"
                )
            varbinds = [(oid, ber.NULL, None) for oid in oids]
            job.plan = SinglePlan(
                Send(ber.GET_BULK_REQUEST, varbinds, non_repeaters, max_repetitions)
            )
        elif numeric_strs(args):  # get, getnext: kept for a poll of the same OIDs
            polled = tuple([(oid, ber.NULL, None) for oid in oids])
            get, getnext = Send(ber.GET_REQUEST, polled), Send(ber.GET_NEXT_REQUEST, polled)
            self._parsed = (tuple(args), get, getnext)
            job.plan = SinglePlan(get if cmd == "get" else getnext)
        else:
            pdu_tag = ber.GET_REQUEST if cmd == "get" else ber.GET_NEXT_REQUEST
            job.plan = SinglePlan(Send(pdu_tag, [(oid, ber.NULL, None) for oid in oids]))

    def _prepare_table(self, job: Job, args: Sequence[Any]) -> None:
        """``table, [columns, [max_repetitions]]``: what to walk (raises on bad input)."""
        from ._core.table import table_spec  # only table requests need it

        if not args or len(args) > 3:
            raise ConfigurationError(
                "table needs a table name, then optionally columns and maxrepetitions"
            )
        columns = args[1] if len(args) > 1 else None
        job.table = spec = table_spec(names.mib_index(), args[0], columns)
        reps = args[2] if len(args) > 2 else None
        job.plan = TablePlan(
            spec.roots,
            self.limits,
            self.bulk_policy,
            v1=self.opts.version == 1,
            max_repetitions=None if reps is None else count("table", "maxrepetitions", reps),
        )


def same_strs(args: Sequence[Any], strs: tuple[str, ...]) -> bool:
    """Whether ``args`` are the very strings ``strs`` (plain ``str`` objects only)."""
    if len(args) != len(strs):
        return False
    if len(strs) == 1:  # the usual poll
        arg = args[0]
        return type(arg) is str and arg == strs[0]
    for arg, text in zip(args, strs, strict=True):
        if type(arg) is not str or arg != text:
            return False
    return True


def numeric_strs(args: Sequence[Any]) -> bool:
    """Whether every one of ``args`` is a plain ``str`` that is a numeric OID: what
    ``names.resolve`` gives for it is ``parse_oid``'s, whatever MIBs are loaded."""
    for arg in args:
        if type(arg) is not str:
            return False
        text = arg.strip()
        if not (text[:1].isdigit() or text[:1] == "."):
            return False
        try:
            parse_oid(text)
        except ValueError:
            return False
    return bool(args)


def count(cmd: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{cmd}: {name} must be an int >= 0, not {value!r}")
    return value


def split_callback_args(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...], ConfigurationError | None]:
    """Take ``callback_args`` out of a request (keyword, or a ``-callback_args`` pair)."""
    found: list[Any] = []
    problem: ConfigurationError | None = None
    for key, value in kwargs.items():
        if key == "callback_args" or key.lower().lstrip("-").replace("-", "_") == "callback_args":
            found.append(value)
        else:
            problem = ConfigurationError(f"unknown request keyword {key!r} (only callback_args)")
    rest = args
    for item in args:
        if isinstance(item, str) and item.lower().lstrip("-") == "callback_args":
            rest = _without_callback_pairs(args, found)
            break
    callback_args: tuple[Any, ...] = ()
    if len(found) > 1:
        problem = ConfigurationError("callback_args given more than once")
    elif found:
        value = found[0]
        if isinstance(value, list | tuple):
            callback_args = tuple(value)
        else:
            problem = ConfigurationError(
                f"Argument to callback_args must be a list or tuple, not {type(value).__name__}"
            )
    return rest, callback_args, problem


def _without_callback_pairs(args: tuple[Any, ...], found: list[Any]) -> tuple[Any, ...]:
    """``args`` without their ``-callback_args, value`` pairs; each value goes to ``found``."""
    rest: list[Any] = []
    i = 0
    while i < len(args):
        item = args[i]
        if isinstance(item, str) and item.lower().lstrip("-") == "callback_args":
            if i + 1 < len(args):
                found.append(args[i + 1])
            i += 2
            continue
        rest.append(item)
        i += 1
    return tuple(rest)
