"""What a fleet reports: :class:`Record`, its errors, and how errors cross a process boundary.

Errors are :class:`~snmp_component.errors.SNMPError` s like everywhere in the package, so a
consumer handles a timeout, an agent's error status and a lost shard the same way:

* :class:`ShardLost` -- the shard that owned the target died before the outcome came back
  (a record), or before an ad-hoc request was answered (``fleet.request``). Nothing is
  replayed: a poll is simply done again at the target's next slot, a SET never again.
* :class:`CycleOverrun` -- the shard is alive but the target's poll did not finish, or its
  outcome did not come back, before the target's next slot (``missed``): the poll is never
  left to stack up behind the next one.
* :class:`TargetQuarantined` -- the target was in flight at every crash of a shard that was
  given up for crash-looping; it is no longer polled.
"""

from __future__ import annotations

import importlib
import pickle
from dataclasses import dataclass
from typing import Any

from ..errors import SNMPError, as_snmp_error
from .hashing import TargetKey

__all__ = [
    "CycleOverrun",
    "FleetError",
    "Record",
    "ShardLost",
    "TargetQuarantined",
    "decode_error",
    "encode_error",
]


class FleetError(SNMPError):
    """The fleet itself cannot go on (every shard given up, a shard that cannot start)."""


class ShardLost(SNMPError):
    """The shard that owned the target died before the outcome was known."""

    default_num = -24  # as a timeout: nothing came back


class CycleOverrun(SNMPError):
    """``missed``: the target's poll did not finish (or its record did not come back)
    before the target's next slot; the shard is alive."""

    default_num = -24


class TargetQuarantined(SNMPError):
    """The target was in flight at every crash of a crash-looping shard; not polled."""


@dataclass(frozen=True, slots=True)
class Record:
    """The outcome of one target in one cycle: exactly one per (target, cycle).

    Attributes:
        target: the target's key ``(host, port, context or security name)``.
        cycle: the cycle number, from 0; cycle ``c`` of a target starts at
            ``start + c * interval + h(target) mod interval``.
        shard: the shard id that owned the target (``-1``: none, quarantined).
        epoch: the incarnation of that shard (1 for its first process).
        ok: True when ``value`` is the poll's return value.
        value: what ``poll(snmp)`` returned (``None`` unless ``ok``).
        error: ``None`` when ``ok``; else the poll's ``SNMPError`` (any other exception
            of the poll is wrapped as ``errors.as_snmp_error`` does), ``ShardLost``,
            ``CycleOverrun`` or ``TargetQuarantined``.
    """

    target: TargetKey
    cycle: int
    shard: int
    epoch: int
    ok: bool
    value: Any = None
    error: SNMPError | None = None

    @property
    def status(self) -> str:
        """``"ok"``, ``"lost"`` (ShardLost), ``"missed"`` (CycleOverrun) or ``"error"``."""
        if self.ok:
            return "ok"
        if isinstance(self.error, ShardLost):
            return "lost"
        if isinstance(self.error, CycleOverrun):
            return "missed"
        return "error"


WireError = tuple[str, str, tuple[Any, ...], dict[str, Any]]


def encode_error(exc: BaseException, context: str = "poll") -> WireError:
    """``exc`` (as an ``SNMPError``) in a form that pickles whatever its ``__init__`` takes."""
    err = as_snmp_error(exc, context)
    cls = type(err)
    state = dict(err.__dict__)
    try:
        pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        state = {
            "error_str": err.error_str,
            "error_num": err.error_num,
            "error_index": err.error_index,
            "partial": None,
        }
    try:
        args = tuple(err.args)
        pickle.dumps(args, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        args = (str(err),)
    return (cls.__module__, cls.__qualname__, args, state)


def decode_error(wire: WireError) -> SNMPError:
    """The ``SNMPError`` back from :func:`encode_error` (a plain ``SNMPError`` if its class
    cannot be imported here)."""
    module, qualname, args, state = wire
    try:
        obj: Any = importlib.import_module(module)
        for part in qualname.split("."):
            obj = getattr(obj, part)
        if not (isinstance(obj, type) and issubclass(obj, SNMPError)):
            raise TypeError(qualname)
        err: SNMPError = obj.__new__(obj)
        err.args = args
        err.__dict__.update(state)
        return err
    except Exception:
        text = str(state.get("error_str") or (args[0] if args else qualname))
        fallback = SNMPError(text)
        return fallback
