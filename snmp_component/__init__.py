"""snmp_component: a POE-style, event-driven SNMP component for asyncio daemons.

A small POE-style :class:`Kernel` dispatches posted events to named sessions;
SNMP component sessions (one per target host) run non-blocking requests and answer
the requesting session with one callback event per request::

    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="snmp", DestHost="127.0.0.1", Version=2)
    Session.create(kernel, inline_states={
        "_start": lambda ev: ev.kernel.post("snmp", "get", "on_resp", "sysDescr.0"),
        "on_resp": lambda ev: print(ev.arg1.varlist),
    })
    kernel.run()
"""

from . import errors
from ._version import __version__
from .component import SNMPComponent, SNMPSession
from .kernel import Event, Kernel, Session
from .payload import Request, Response
from .varbind import Varbind, VarList

__all__ = [
    "Event",
    "Kernel",
    "Request",
    "Response",
    "SNMPComponent",
    "SNMPSession",
    "Session",
    "VarList",
    "Varbind",
    "__version__",
    "errors",
]
