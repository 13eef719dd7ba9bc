"""Exceptions raised by the kernel for bad use of its API.

The kernel knows nothing of SNMP; these errors are re-exported by
:mod:`snmp_component.errors` next to the SNMP ones.
"""

from __future__ import annotations


class KernelError(Exception):
    """Base class of every error the kernel raises."""


class NoSuchSessionError(KernelError, LookupError):
    """A destination (alias, session id or session) does not name a live session."""


class UnknownStateError(KernelError, LookupError):
    """A session has no handler for a state and no ``_default`` handler."""


class AliasInUseError(KernelError, ValueError):
    """An alias is already held by another session."""


class InvalidStateError(KernelError, ValueError):
    """A state name or handler given to a session is not usable."""


class KernelStateError(KernelError, RuntimeError):
    """A kernel method was called where it cannot work (e.g. a timer outside a handler)."""
