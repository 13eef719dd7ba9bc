"""snmp_component: a POE-style, event-driven SNMP component for asyncio daemons.

A small POE-style :class:`Kernel` dispatches posted events to named sessions;
SNMP component sessions (one per target host) run non-blocking requests and answer
the requesting session with one callback event per request.
"""

from . import errors
from ._version import __version__
from .kernel import Event, Kernel, Session

__all__ = ["Event", "Kernel", "Session", "__version__", "errors"]
