"""exsync for Python: a ctypes package over libexsync, the library that keeps an application's
contacts and calendar events in step with Microsoft Exchange, both ways.

- :class:`Setup`: the admin's setup flow (steps, validation against Exchange, saving).
- :class:`Engine`: the sync engine over a SQLite state store (users, changes both ways, status).
- :class:`Simulator`: a simulated Exchange server on loopback, for tests without Exchange.
- :mod:`exsync.records`: the JSON as dataclasses (:class:`Contact`, :class:`Event`, ...).
- :mod:`exsync.errors`: one exception class per group of error codes, under :class:`ExsyncError`.

Handles are freed by ``close()`` or a ``with`` block. The library is the one named by the
environment variable ``EXSYNC_LIBRARY``, or else the one cargo built (see :mod:`exsync._lib`).
"""

from ._lib import library_path, version as library_version
from .engine import Engine
from .errors import (
    CallError,
    ErrorCode,
    ExsyncError,
    HandleClosedError,
    LibraryNotFoundError,
    SetupError,
    SimulatorError,
    StoreError,
    SyncError,
)
from .records import (
    AppChange,
    Attendee,
    Contact,
    Email,
    Event,
    Kind,
    PendingChange,
    Phone,
    PostalAddress,
    ProgressEvent,
    RunCounts,
    RunError,
    SimItem,
    SyncReport,
    SyncStatus,
    record_from_dict,
)
from .setup_flow import Method, Setup, Step
from .simulator import Simulator

__version__ = "0.1.0"

__all__ = [
    "AppChange",
    "Attendee",
    "CallError",
    "Contact",
    "Email",
    "Engine",
    "ErrorCode",
    "Event",
    "ExsyncError",
    "HandleClosedError",
    "Kind",
    "LibraryNotFoundError",
    "Method",
    "PendingChange",
    "Phone",
    "PostalAddress",
    "ProgressEvent",
    "RunCounts",
    "RunError",
    "Setup",
    "SetupError",
    "SimItem",
    "Simulator",
    "SimulatorError",
    "Step",
    "StoreError",
    "SyncError",
    "SyncReport",
    "SyncStatus",
    "library_path",
    "library_version",
    "record_from_dict",
]
