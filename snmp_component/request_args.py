"""A request's arguments, parsed into its plan: what the component checks before it
accepts a request (bad input raises here, and nothing is sent).

``vars`` are parsed through the MIB names (:mod:`snmp_component.names`); ``set``'s
varbinds through the MIB types; ``getbulk``/``bulkwalk`` counts and ``table`` names are
checked. A poll that asks for the same numeric OID strings again (flat, or in plain lists
such as POE's ``["1.3.6.1.2.1.1.3.0"]``) reuses its parsed PDU.
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
    The arguments are kept as a value (:func:`poll_snapshot`: plain lists as tuples), so a
    list the caller changes between two posts is compared by what it holds then.
    """

    __slots__ = ("_parsed", "bulk_policy", "limits", "opts")

    def __init__(self, opts: SessionOptions) -> None:
        self.opts = opts
        self.bulk_policy = BulkPolicy(opts.alias)
        self.limits = WalkLimits(
            not opts.non_increasing, opts.max_rows, opts.max_requests, opts.deadline
        )
        self._parsed: tuple[tuple[PollArg, ...], Send, Send] | None = None

    def prepare(self, job: Job, args: Sequence[Any]) -> None:
        """Parse the request arguments into the job's plan; raises on bad input."""
        cmd, opts = job.cmd, self.opts
        if cmd == "get" or cmd == "getnext":
            parsed = self._parsed
            if parsed is not None and same_poll(args, parsed[0]):
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
        elif (snapshot := poll_snapshot(args)) is not None:  # get, getnext: kept for a poll
            polled = tuple([(oid, ber.NULL, None) for oid in oids])
            get, getnext = Send(ber.GET_REQUEST, polled), Send(ber.GET_NEXT_REQUEST, polled)
            self._parsed = (snapshot, get, getnext)
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


PollArg = str | tuple[str, ...]
"""One argument of a kept poll: a numeric OID string, or a plain list/tuple of them."""


def same_poll(args: Sequence[Any], snapshot: tuple[PollArg, ...]) -> bool:
    """Whether ``args`` hold what ``snapshot`` (:func:`poll_snapshot`) holds: the same
    plain ``str`` objects' values, in the same places, flat or in plain lists/tuples."""
    if len(args) != len(snapshot):
        return False
    if len(snapshot) == 1:  # the usual poll: one OID string, or one list of them
        arg, kept = args[0], snapshot[0]
        if type(arg) is str:
            return arg == kept
        if type(arg) is list and type(kept) is tuple and len(kept) == 1:
            return len(arg) == 1 and type(arg[0]) is str and arg[0] == kept[0]
    for arg, kept in zip(args, snapshot, strict=True):
        kind = type(arg)
        if kind is str:
            if arg != kept:  # (a str never equals a kept tuple)
                return False
        elif kind is list or kind is tuple:
            if type(kept) is not tuple or len(arg) != len(kept):
                return False
            for item, text in zip(arg, kept, strict=True):
                if type(item) is not str or item != text:
                    return False
        else:
            return False
    return True


def poll_snapshot(args: Sequence[Any]) -> tuple[PollArg, ...] | None:
    """``args`` as a value to keep, if every var in them is a plain ``str`` that is a
    numeric OID, alone or in a plain list/tuple (what ``names.resolve`` gives for such a
    string is ``parse_oid``'s, whatever MIBs are loaded, and how such lists split into
    vars depends on nothing else); else None."""
    snapshot: list[PollArg] = []
    for arg in args:
        kind = type(arg)
        if kind is str:
            if not _numeric(arg):
                return None
            snapshot.append(arg)
        elif (kind is list or kind is tuple) and arg:
            if not all(type(item) is str and _numeric(item) for item in arg):
                return None
            snapshot.append(tuple(arg))
        else:
            return None
    return tuple(snapshot) if snapshot else None


def _numeric(text: str) -> bool:
    """Whether ``text`` is a numeric OID (``parse_oid`` reads it)."""
    text = text.strip()
    if not (text[:1].isdigit() or text[:1] == "."):
        return False
    try:
        parse_oid(text)
    except ValueError:
        return False
    return True


def count(cmd: str, name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{cmd}: {name} must be an int >= 0, not {value!r}")
    return value


def split_callback_args(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], tuple[Any, ...], ConfigurationError | None]:
    """Take ``callback_args`` out of a request (keyword, or a ``-callback_args`` pair)."""
    if not kwargs and not _pairs_in(args):  # the usual cases first, without building lists
        return args, (), None
    if len(kwargs) == 1:
        value = kwargs.get("callback_args", _MISSING)
        if type(value) is list or type(value) is tuple:
            if not _pairs_in(args):
                return args, tuple(value), None
    found: list[Any] = []
    problem: ConfigurationError | None = None
    for key, value in kwargs.items():
        if key == "callback_args" or key.lower().lstrip("-").replace("-", "_") == "callback_args":
            found.append(value)
        else:
            problem = ConfigurationError(f"unknown request keyword {key!r} (only callback_args)")
    rest = _without_callback_pairs(args, found) if _pairs_in(args) else args
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


_MISSING: Any = object()


def _pairs_in(args: tuple[Any, ...]) -> bool:
    """Whether ``args`` hold a ``-callback_args`` key (of a pair)."""
    for item in args:
        # (a plain list, the usual poll argument, is no str: no isinstance call for it)
        if type(item) is not list and isinstance(item, str):
            if item.lower().lstrip("-") == "callback_args":
                return True
    return False


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
