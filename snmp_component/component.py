"""The SNMP component: one kernel session per target host.

``SNMPComponent.create(kernel, **options)`` registers a session under ``Alias`` that
accepts the request events ``get``, ``getnext``, ``set``, ``getbulk``, ``bulkwalk``,
``walk``, ``table`` and ``finish``, and returns the :class:`SNMPSession` that appears in every
callback's ARG0.

Where things are: this module is the public face (:class:`SNMPComponent`,
:class:`SNMPSession` and its awaitable methods). What a request sends, and when it is
done, is its plan's decision (:mod:`snmp_component._core.plans`: GETBULK or GETNEXT,
tooBig, the ends of walks, their limits); what its arguments mean,
:mod:`~snmp_component.request_args`'; how answers look, :mod:`~snmp_component.varformat`'s.
:mod:`~snmp_component.actor` accepts and queues requests, takes slots from the kernel's
:mod:`~snmp_component.scheduler`, drives the plans and delivers each answer (a
:mod:`~snmp_component.job` per request); :mod:`~snmp_component.community` and
:mod:`~snmp_component.v3sender` put PDUs on the shared socket.

Invariants:

* Every accepted request ends in exactly one answer: a callback event to the session
  that posted it (or the result/exception of an awaitable). Bad input is answered too,
  through the same callback, before anything is sent.
* Bookkeeping (pending counts, reference counts) is settled before user code runs; a
  callback that raises cannot leak a request.
* Requests wait FIFO in the component; at most ``MaxInFlight`` of a component's and
  ``SNMPComponent.set_kernel_limit`` of a kernel's are on the wire at once; walks hold one
  slot for all their PDUs.
* An answer read off the wire is dispatched to its requester at once, with the component
  as sender (POE's ``callback()``); an answer produced inside a handler (bad input, say)
  is posted, so a requester is never re-entered from its own request.
* ``finish`` removes the alias (later posts return ``False``), lets every accepted request
  (queued or in flight) complete, answers request *events* that were already on their way
  to the component with a :class:`~snmp_component.errors.ShutdownError`, then the session
  stops and releases its socket share.
* ``kernel.stop()`` (also a cancelled ``run_async()``): in the kernel's ``_shutdown``
  phase, while every session is still alive, the component answers every request it holds
  (queued, in flight, answers posted but not yet run, request events still in the kernel's
  queue) with a ``ShutdownError``, by direct call; replies that arrive later are dropped.
* A cancelled awaitable is withdrawn at once: out of the queue, or its in-flight slot
  freed; its reply, if one comes, is dropped.
* Name resolution runs in :mod:`~snmp_component.resolver`'s threads and counts against
  each waiting request's time (``Timeout`` x (``Retries`` + 1)): a request still waiting
  for the address when that runs out is answered with a timeout.
* A walk, bulkwalk or table that ends in an error carries what it had received on the
  error's ``partial``.
"""

from __future__ import annotations

import socket
from collections.abc import AsyncGenerator, Sequence
from typing import Any

from . import transport
from .actor import CALLBACK_REF, PENDING_REF, REQUESTS, ComponentActor
from .errors import ConfigurationError
from .kernel import Kernel
from .options import SessionOptions, parse_options
from .scheduler import DEFAULT_KERNEL_MAX_IN_FLIGHT, scheduler_of
from .varbind import VarList

__all__ = [
    "CALLBACK_REF",
    "DEFAULT_KERNEL_MAX_IN_FLIGHT",
    "PENDING_REF",
    "REQUESTS",
    "SNMPComponent",
    "SNMPSession",
]


class SNMPSession:
    """What ``SNMPComponent.create`` returns: one target's settings, status and methods.

    The attributes use net-snmp ``SNMP::Session`` names: ``Alias``, ``DestHost``,
    ``RemotePort``, ``Version``, ``Timeout`` (microseconds), ``Retries``, ``UseNumeric``,
    ``UseLongNames``, ``UseSprintValue``, ``UseEnums``, and the status of the latest
    completion, set just before each callback runs:
    ``ErrorStr``, ``ErrorNum`` (the agent's error-status or a negative client code such
    as -24 for a timeout) and ``ErrorInd`` (1-based index of the offending varbind).

    The awaitable methods (``await snmp.get("sysDescr.0")``) use the same component and
    return the ``VarList`` (a list of them for walks) or raise the
    :class:`~snmp_component.errors.SNMPError` a callback would have carried.
    """

    def __init__(self, kernel: Kernel, opts: SessionOptions) -> None:
        self.kernel = kernel
        self.options = opts
        self.Alias = opts.alias
        self.DestHost = opts.dest_host
        self.RemotePort = opts.port
        self.Version = "2c" if opts.version == 2 else str(opts.version)
        self.Timeout = round(opts.timeout * 1e6)
        self.Retries = opts.retries
        self.UseNumeric = int(opts.use_numeric)
        self.UseLongNames = int(opts.use_long_names)
        self.UseSprintValue = int(opts.use_sprint_value)
        self.UseEnums = int(opts.use_enums)
        self.ErrorStr = ""
        self.ErrorNum = 0
        self.ErrorInd = 0
        self._actor = ComponentActor(kernel, self, opts)

    # ------------------------------------------------------------ awaitable form

    async def get(self, *vars: Any) -> VarList:
        """GET ``vars``; the ``VarList`` of the response."""
        result: VarList = await self._actor.submit("get", vars)
        return result

    async def getnext(self, *vars: Any) -> VarList:
        """GETNEXT ``vars``; the ``VarList`` of the response."""
        result: VarList = await self._actor.submit("getnext", vars)
        return result

    async def set(self, *vars: Any) -> VarList:
        """SET ``[tag, iid, val, type]`` varbinds (or ``"oid", value`` pairs)."""
        result: VarList = await self._actor.submit("set", vars)
        return result

    async def getbulk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> VarList:
        """GETBULK; one flat ``VarList`` in agent order."""
        result: VarList = await self._actor.submit(
            "getbulk", (non_repeaters, max_repetitions, *vars)
        )
        return result

    async def bulkwalk(self, non_repeaters: int, max_repetitions: int, *vars: Any) -> list[VarList]:
        """GETBULK walk of each var's subtree; one ``VarList`` per requested var."""
        result: list[VarList] = await self._actor.submit(
            "bulkwalk", (non_repeaters, max_repetitions, *vars)
        )
        return result

    async def walk(self, *vars: Any) -> list[VarList]:
        """GETNEXT walk of each var's subtree (works on v1); one ``VarList`` per var."""
        result: list[VarList] = await self._actor.submit("walk", vars)
        return result

    def iter_walk(self, *vars: Any) -> AsyncGenerator[list[VarList], None]:
        """:meth:`walk`, with the rows as they arrive: an async iterator of batches, each
        with one ``VarList`` per var holding the rows received since the previous batch
        (all batches joined make :meth:`walk`'s result). An error is raised after the rows
        received before it. Leaving early withdraws the walk; use
        ``contextlib.aclosing`` to do that at once::

            async with aclosing(snmp.iter_walk("ifTable")) as batches:
                async for (rows,) in batches:
                    ...
        """
        return self._actor.stream("walk", vars)

    def iter_bulkwalk(
        self, non_repeaters: int, max_repetitions: int, *vars: Any
    ) -> AsyncGenerator[list[VarList], None]:
        """:meth:`bulkwalk`, with the rows as they arrive (as :meth:`iter_walk`)."""
        return self._actor.stream("bulkwalk", (non_repeaters, max_repetitions, *vars))

    async def get_table(
        self,
        table: str,
        columns: Sequence[str] | None = None,
        *,
        max_repetitions: int | None = None,
    ) -> dict[Any, dict[str, Any]]:
        """Walk a conceptual table by name; its rows keyed by index.

        ``table`` names the table (``"ifTable"``, ``"IF-MIB::ifTable"``) or its row
        (``"ifEntry"``), by name or OID; ``columns`` limits the walk to those columns (they
        may come from a table with the same INDEX, e.g. ``ifXTable``'s ``ifHCInOctets``
        with ``ifTable``). GETBULK walks (``max_repetitions`` rows per request, default 20)
        on v2c/v3, GETNEXT on v1.

        Returns ``{key: {column name: val}}``, e.g.
        ``{1: {"ifIndex": 1, "ifDescr": "lo", ...}, 2: {...}}``: one entry per row, in the
        agent's order; each row holds the columns the agent returned, their values as a
        ``Varbind.val`` of this session (``UseEnums``/``UseSprintValue`` apply). The key
        is the row's instance decoded by the table's INDEX clause: an ``int``, a dotted
        IpAddress ``str``, a string index as ``str`` (``bytes`` if not printable), an
        ``InetAddress`` as its IP text, a tuple for several index objects; the dotted
        instance string (``"1.4.127.0.0.1"``) when it cannot be decoded.
        """
        args: tuple[Any, ...] = (table,)
        if columns is not None or max_repetitions is not None:
            args += (columns,)
        if max_repetitions is not None:
            args += (max_repetitions,)
        result: dict[Any, dict[str, Any]] = await self._actor.submit("table", args)
        return result

    def finish(self) -> None:
        """Stop accepting requests, answer the pending ones, then go away."""
        self._actor.finish_now()

    # ------------------------------------------------------------ introspection

    @property
    def pending(self) -> int:
        """Accepted requests not yet answered (queued + in flight)."""
        return self._actor.pending

    @property
    def in_flight(self) -> int:
        """Requests on the wire now."""
        return self._actor.in_flight

    @property
    def queued(self) -> int:
        """Requests waiting for a free in-flight slot."""
        return self._actor.queued

    def __repr__(self) -> str:
        return (
            f"<SNMPSession alias={self.Alias!r} host={self.DestHost!r} port={self.RemotePort} "
            f"version={self.Version} in_flight={self.in_flight} queued={self.queued}>"
        )


class SNMPComponent:
    """Creates SNMP components (POE::Component::SNMP::Session's ``create``)."""

    @staticmethod
    def set_kernel_limit(kernel: Kernel, max_in_flight: int) -> None:
        """Cap the SNMP requests on the wire at once across all of ``kernel``'s components
        (default 1,000; each component's own ``MaxInFlight`` applies too). Requests over
        the cap wait in their component's FIFO and are answered exactly once as usual.

        Raises:
            ConfigurationError: ``max_in_flight`` is not an int >= 1.
        """
        if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int):
            raise ConfigurationError(f"max_in_flight must be an int >= 1, not {max_in_flight!r}")
        if max_in_flight < 1:
            raise ConfigurationError(f"max_in_flight must be an int >= 1, not {max_in_flight!r}")
        scheduler_of(kernel).set_limit(max_in_flight)

    @staticmethod
    def create(kernel: Kernel, **options: Any) -> SNMPSession:
        """Create a component for one target and register it under ``Alias``.

        Keywords are net-snmp ``SNMP::Session`` names, matched ignoring case, ``-`` and
        ``_``: ``Alias`` (default ``"snmp"``), ``DestHost`` (or ``hostname``; required),
        ``RemotePort`` (161), ``Community`` (``"public"``), ``Version`` (1, 2/"2c", 3;
        default 1), ``Timeout`` (microseconds per attempt, default 1,000,000),
        ``Retries`` (extra attempts, default 5), the SNMPv3 ``SecName``, ``SecLevel``,
        ``AuthProto``, ``AuthPass``, ``PrivProto``, ``PrivPass``, ``Context``,
        ``ContextEngineId``, ``SecEngineId``, ``V3Engine`` (``"native"``, default, or
        ``"pysnmp"``), ``NonIncreasing``, ``MaxInFlight`` (requests on the wire at once,
        default 10), for walks and tables ``MaxRows`` and ``MaxRequests`` (per requested
        subtree; defaults 1,000,000 and 100,000) and ``Deadline`` (seconds for the whole
        walk; default none), and SNMP.pm's response formats:
        ``UseNumeric`` (tags are numeric OIDs), ``UseLongNames`` (tags are full name paths,
        ``.iso.org.dod.internet.mgmt.mib-2.system.sysDescr``), ``UseEnums`` (enumerated
        INTEGER values as their labels, ``"up"``), ``UseSprintValue`` (values as net-snmp
        prints them, ``snmpget -Oqv``: ``"0:0:02:03.45"``, ``"up"``, ``"0:1a:2b:3c:4d:5e"``;
        OID values by name). ``UseNumeric`` wins over ``UseLongNames``, and
        ``UseSprintValue`` over ``UseEnums``, as in SNMP.pm.

        Never blocks: addresses resolve and SNMPv3 engines are discovered on the loop.

        Raises:
            ConfigurationError: an unknown keyword, a duplicate alias, no ``DestHost``,
                or an invalid value; the message names it.
        """
        opts = parse_options(options)
        if opts.version == 3 and opts.v3_engine == "pysnmp":
            # Importing pysnmp costs ~40 ms of CPU once per process: here, where the
            # caller chose to pay for it, not later inside an I/O callback on the loop.
            from ._pysnmp import v3 as _v3  # noqa: F401
        if kernel.alias_resolve(opts.alias) is not None:
            raise ConfigurationError(
                f"A SNMP component instance called {opts.alias!r} already exists!"
            )
        if opts.local is not None:  # not on this host, or taken: say so now, not later
            transport.check_local(kernel, opts.family or socket.AF_INET, opts.local)
        return SNMPSession(kernel, opts)
