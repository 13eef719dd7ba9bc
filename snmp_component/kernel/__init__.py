"""A POE-style kernel on asyncio. It knows nothing of SNMP.

See :mod:`snmp_component.kernel.kernel` for the rules it keeps.
"""

from .errors import (
    AliasInUseError,
    InvalidStateError,
    KernelError,
    KernelStateError,
    NoSuchSessionError,
    UnknownStateError,
)
from .event import Event
from .kernel import Destination, Kernel
from .session import Handler, Session, state_table

__all__ = [
    "AliasInUseError",
    "Destination",
    "Event",
    "Handler",
    "InvalidStateError",
    "Kernel",
    "KernelError",
    "KernelStateError",
    "NoSuchSessionError",
    "Session",
    "UnknownStateError",
    "state_table",
]
